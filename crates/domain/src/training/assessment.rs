//! Tests and evaluations: what trainees learned (pre- and post-test
//! scores) and what they thought of the session (reaction).

/// A test score, 0 to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Score(u8);

impl Score {
    pub fn parse(percent: i64) -> Result<Self, &'static str> {
        u8::try_from(percent)
            .ok()
            .filter(|p| *p <= 100)
            .map(Score)
            .ok_or("training-score-invalid")
    }

    pub fn percent(self) -> u8 {
        self.0
    }
}

/// What a trainee learned: the points gained, and the normalized gain
/// (Hake): the share of what there was left to learn that was learned,
/// from -1 to 1 (`None` when the pre-test was already full marks).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LearningGain {
    pub points: i32,
    pub normalized: Option<f64>,
}

pub fn learning_gain(pre: Score, post: Score) -> LearningGain {
    let points = i32::from(post.0) - i32::from(pre.0);
    LearningGain {
        points,
        normalized: (pre.0 < 100).then(|| f64::from(points) / f64::from(100 - pre.0)),
    }
}

/// A rating from 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rating(u8);

impl Rating {
    pub fn parse(stars: i64) -> Result<Self, &'static str> {
        u8::try_from(stars)
            .ok()
            .filter(|s| (1..=5).contains(s))
            .map(Rating)
            .ok_or("rating-invalid")
    }

    pub fn stars(self) -> u8 {
        self.0
    }
}

/// A trainee's evaluation of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Evaluation {
    pub satisfaction: Rating,
    pub trainer: Rating,
    pub relevance: Rating,
}

/// The means of a set of evaluations and learning gains: the reaction
/// and learning levels reported per session, course and trainer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Levels {
    pub evaluations: u32,
    pub satisfaction: Option<f64>,
    pub trainer: Option<f64>,
    pub relevance: Option<f64>,
    pub tested: u32,
    /// Mean points gained.
    pub points: Option<f64>,
    /// Mean normalized gain (of trainees who had something to learn).
    pub normalized: Option<f64>,
}

pub fn levels(evaluations: &[Evaluation], gains: &[LearningGain]) -> Levels {
    let mean = |values: Vec<f64>| {
        (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
    };
    let of = |pick: fn(&Evaluation) -> Rating| {
        mean(evaluations.iter().map(|e| f64::from(pick(e).0)).collect())
    };
    Levels {
        evaluations: evaluations.len() as u32,
        satisfaction: of(|e| e.satisfaction),
        trainer: of(|e| e.trainer),
        relevance: of(|e| e.relevance),
        tested: gains.len() as u32,
        points: mean(gains.iter().map(|g| f64::from(g.points)).collect()),
        normalized: mean(gains.iter().filter_map(|g| g.normalized).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(p: i64) -> Score {
        Score::parse(p).expect("score")
    }

    #[test]
    fn learning_gain_is_points_and_the_share_of_what_was_left() {
        let gain = learning_gain(score(40), score(70));
        assert_eq!(gain.points, 30);
        assert_eq!(gain.normalized, Some(0.5));
        assert_eq!(learning_gain(score(100), score(90)).normalized, None);
        assert_eq!(learning_gain(score(50), score(40)).normalized, Some(-0.2));
        assert!(Score::parse(101).is_err() && Score::parse(-1).is_err());
    }

    #[test]
    fn levels_are_means_of_what_was_given() {
        let r = |s| Rating::parse(s).expect("rating");
        let evaluations = [
            Evaluation {
                satisfaction: r(5),
                trainer: r(4),
                relevance: r(3),
            },
            Evaluation {
                satisfaction: r(3),
                trainer: r(4),
                relevance: r(5),
            },
        ];
        let gains = [
            learning_gain(score(40), score(70)),
            learning_gain(score(100), score(100)),
        ];
        let found = levels(&evaluations, &gains);
        assert_eq!(
            (found.satisfaction, found.trainer, found.relevance),
            (Some(4.0), Some(4.0), Some(4.0))
        );
        assert_eq!(
            (found.tested, found.points, found.normalized),
            (2, Some(15.0), Some(0.5))
        );
        assert_eq!(levels(&[], &[]).satisfaction, None);
        assert!(Rating::parse(0).is_err() && Rating::parse(6).is_err());
    }
}
