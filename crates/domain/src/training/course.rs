//! A course of the catalog: how it is given and when a trainee completes it.

use chrono::NaiveDate;

use super::assessment::Score;

/// How a course is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    InPerson,
    Online,
    Blended,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::InPerson, Mode::Online, Mode::Blended];

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::InPerson => "in_person",
            Mode::Online => "online",
            Mode::Blended => "blended",
        }
    }

    pub fn parse(text: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == text)
            .ok_or("training-mode-unknown")
    }
}

/// What a trainee must do to complete a course: attend at least a share
/// of its days and, if the course has a post-test, pass it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompletionRule {
    min_attendance_percent: u8,
    pass_score: Option<Score>,
}

/// Whether a trainee completed, or what is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completion {
    Completed,
    /// Attended `attended` of the days; `needed` were required.
    AttendanceShort {
        attended: u32,
        needed: u32,
    },
    /// The post-test was not taken.
    PostTestMissing,
    PostTestFailed {
        score: Score,
        needed: Score,
    },
}

impl CompletionRule {
    /// At least `min_attendance_percent` (1 to 100) of the days, and the
    /// post-test passed with `pass_score` if there is one.
    pub fn new(
        min_attendance_percent: u8,
        pass_score: Option<Score>,
    ) -> Result<Self, &'static str> {
        if !(1..=100).contains(&min_attendance_percent) {
            return Err("training-attendance-rule-invalid");
        }
        Ok(Self {
            min_attendance_percent,
            pass_score,
        })
    }

    pub fn min_attendance_percent(&self) -> u8 {
        self.min_attendance_percent
    }

    pub fn pass_score(&self) -> Option<Score> {
        self.pass_score
    }

    /// Days a trainee must attend of `days`, rounded up (80% of 3 days
    /// is 3 days, not 2.4).
    pub fn days_needed(&self, days: u32) -> u32 {
        (days * u32::from(self.min_attendance_percent)).div_ceil(100)
    }

    /// The outcome for a trainee who attended `attended` of `days` and
    /// scored `post` in the post-test.
    pub fn judge(&self, attended: u32, days: u32, post: Option<Score>) -> Completion {
        let needed = self.days_needed(days);
        if attended < needed {
            return Completion::AttendanceShort { attended, needed };
        }
        match (self.pass_score, post) {
            (None, _) => Completion::Completed,
            (Some(_), None) => Completion::PostTestMissing,
            (Some(needed), Some(score)) if score < needed => {
                Completion::PostTestFailed { score, needed }
            }
            (Some(_), Some(_)) => Completion::Completed,
        }
    }
}

/// The days a session runs, first and last included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct SessionDates {
    first: NaiveDate,
    last: NaiveDate,
}

impl SessionDates {
    pub fn new(first: NaiveDate, last: NaiveDate) -> Result<Self, &'static str> {
        if last < first {
            return Err("training-dates-reversed");
        }
        Ok(Self { first, last })
    }

    pub fn first(&self) -> NaiveDate {
        self.first
    }

    pub fn last(&self) -> NaiveDate {
        self.last
    }

    /// Whether the two share a day: a trainee cannot be in both.
    pub fn overlaps(&self, other: &SessionDates) -> bool {
        self.first <= other.last && other.first <= self.last
    }

    /// The working days of the session in `calendar`: the days attendance
    /// is taken.
    pub fn working_days(&self, calendar: &crate::calendar::WorkCalendar) -> Vec<NaiveDate> {
        self.first
            .iter_days()
            .take_while(|d| *d <= self.last)
            .filter(|d| calendar.is_working_day(*d))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).expect("day")
    }

    #[test]
    fn completion_needs_the_days_and_the_post_test() {
        let pass = Score::parse(60).expect("score");
        let rule = CompletionRule::new(80, Some(pass)).expect("rule");
        assert_eq!(rule.days_needed(5), 4);
        assert_eq!(rule.days_needed(3), 3, "rounded up");
        assert_eq!(
            rule.judge(3, 5, Score::parse(90).ok()),
            Completion::AttendanceShort {
                attended: 3,
                needed: 4
            }
        );
        assert_eq!(rule.judge(4, 5, None), Completion::PostTestMissing);
        assert_eq!(
            rule.judge(5, 5, Score::parse(59).ok()),
            Completion::PostTestFailed {
                score: Score::parse(59).expect("s"),
                needed: pass
            }
        );
        assert_eq!(
            rule.judge(4, 5, Score::parse(60).ok()),
            Completion::Completed
        );
        let attendance_only = CompletionRule::new(100, None).expect("rule");
        assert_eq!(attendance_only.judge(2, 2, None), Completion::Completed);
        assert!(CompletionRule::new(0, None).is_err());
        assert!(CompletionRule::new(101, None).is_err());
    }

    #[test]
    fn sessions_that_share_a_day_overlap() {
        let week = SessionDates::new(day(1), day(5)).expect("dates");
        let next = SessionDates::new(day(5), day(7)).expect("dates");
        let later = SessionDates::new(day(8), day(9)).expect("dates");
        assert!(week.overlaps(&next) && next.overlaps(&week));
        assert!(!week.overlaps(&later));
        assert!(SessionDates::new(day(5), day(1)).is_err());
        // Egypt: Friday and Saturday off. 2026-03-01 is a Sunday.
        let calendar = crate::calendar::WorkCalendar::new(
            &[chrono::Weekday::Fri, chrono::Weekday::Sat],
            [day(3)],
        );
        let days = SessionDates::new(day(1), day(8))
            .expect("dates")
            .working_days(&calendar);
        assert_eq!(days, [day(1), day(2), day(4), day(5), day(8)]);
    }
}
