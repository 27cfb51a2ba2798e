//! The center's figures for any group of trainees (a session, a course, a
//! trainer, a governorate, a unit level, the whole year): reaction,
//! learning, completion, hours and cost per trainee.

use super::assessment::{Evaluation, LearningGain, Levels, Score, learning_gain, levels};
use super::course::Completion;

/// One accepted trainee of a session, as the report counts them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TraineeResult {
    pub completion: Completion,
    pub pre: Option<Score>,
    pub post: Option<Score>,
    pub pass_score: Option<Score>,
    /// The course's hours.
    pub hours: i64,
    /// The trainee's share of the session's cost (its cost over its
    /// trainees), in minor units.
    pub cost_share: f64,
}

/// Figures summed over a group.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub trainees: u32,
    pub completed: u32,
    pub tested: u32,
    pub passed: u32,
    /// Course hours of the trainees who completed.
    pub hours_delivered: i64,
    cost: f64,
    /// The currency of every cost counted; `None` when mixed or none.
    currency: Option<String>,
    mixed: bool,
    gains: Vec<LearningGain>,
    evaluations: Vec<Evaluation>,
}

impl Tally {
    pub fn add(&mut self, result: &TraineeResult, currency: &str) {
        self.trainees += 1;
        if result.completion == Completion::Completed {
            self.completed += 1;
            self.hours_delivered += result.hours;
        }
        if let Some(post) = result.post {
            self.tested += 1;
            if result.pass_score.is_none_or(|p| post >= p) {
                self.passed += 1;
            }
            if let Some(pre) = result.pre {
                self.gains.push(learning_gain(pre, post));
            }
        }
        self.cost += result.cost_share;
        match &self.currency {
            None if !self.mixed => self.currency = Some(currency.to_owned()),
            Some(c) if c != currency => {
                self.currency = None;
                self.mixed = true;
            }
            _ => {}
        }
    }

    pub fn evaluated(&mut self, evaluation: Evaluation) {
        self.evaluations.push(evaluation);
    }

    pub fn levels(&self) -> Levels {
        levels(&self.evaluations, &self.gains)
    }

    /// Share of trainees who completed, 0–1.
    pub fn completion_rate(&self) -> Option<f64> {
        (self.trainees > 0).then(|| f64::from(self.completed) / f64::from(self.trainees))
    }

    /// Share of those tested who passed, 0–1.
    pub fn pass_rate(&self) -> Option<f64> {
        (self.tested > 0).then(|| f64::from(self.passed) / f64::from(self.tested))
    }

    /// Cost per trainee in minor units and its currency; none when the
    /// group holds costs in more than one currency.
    pub fn cost_per_trainee(&self) -> Option<(i64, &str)> {
        let currency = self.currency.as_deref()?;
        (self.trainees > 0).then(|| {
            (
                (self.cost / f64::from(self.trainees)).round() as i64,
                currency,
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::assessment::Rating;
    use super::*;

    fn result(completion: Completion, pre: i64, post: i64, cost: f64) -> TraineeResult {
        TraineeResult {
            completion,
            pre: Score::parse(pre).ok(),
            post: Score::parse(post).ok(),
            pass_score: Score::parse(60).ok(),
            hours: 30,
            cost_share: cost,
        }
    }

    #[test]
    fn a_group_counts_completion_passes_hours_gain_and_cost() {
        let mut tally = Tally::default();
        tally.add(&result(Completion::Completed, 40, 80, 1000.0), "EGP");
        tally.add(
            &result(
                Completion::AttendanceShort {
                    attended: 1,
                    needed: 4,
                },
                50,
                50,
                2000.0,
            ),
            "EGP",
        );
        tally.evaluated(Evaluation {
            satisfaction: Rating::parse(4).expect("rating"),
            trainer: Rating::parse(5).expect("rating"),
            relevance: Rating::parse(3).expect("rating"),
        });
        assert_eq!((tally.trainees, tally.completed), (2, 1));
        assert_eq!((tally.tested, tally.passed), (2, 1), "50 is under 60");
        assert_eq!(tally.hours_delivered, 30, "only who completed");
        assert_eq!(tally.completion_rate(), Some(0.5));
        assert_eq!(tally.cost_per_trainee(), Some((1500, "EGP")));
        let levels = tally.levels();
        assert_eq!(levels.satisfaction, Some(4.0));
        assert_eq!(levels.points, Some(20.0), "gains of 40 and 0 points");
    }

    #[test]
    fn costs_in_two_currencies_give_no_cost_per_trainee() {
        let mut tally = Tally::default();
        tally.add(&result(Completion::Completed, 40, 80, 1000.0), "EGP");
        tally.add(&result(Completion::Completed, 40, 80, 1000.0), "SAR");
        tally.add(&result(Completion::Completed, 40, 80, 1000.0), "EGP");
        assert_eq!(tally.cost_per_trainee(), None);
        assert_eq!(Tally::default().cost_per_trainee(), None);
    }
}
