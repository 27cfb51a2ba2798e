//! Working-day calendars: the weekend of a country profile plus its public
//! holidays. Service-level deadlines are counted in working days.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};

/// Which days are worked in one country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkCalendar {
    weekend: Vec<Weekday>,
    holidays: BTreeSet<NaiveDate>,
}

impl WorkCalendar {
    pub fn new(weekend: &[Weekday], holidays: impl IntoIterator<Item = NaiveDate>) -> Self {
        Self {
            weekend: weekend.to_vec(),
            holidays: holidays.into_iter().collect(),
        }
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        !self.weekend.contains(&day.weekday()) && !self.holidays.contains(&day)
    }

    /// The day on which `n` working days after `start` have passed.
    ///
    /// The start day itself does not count (an application submitted on
    /// Thursday with a one-day deadline is due on Sunday). With `n == 0` the
    /// result is `start` if it is a working day, else the next working day.
    /// Returns `None` only if the date range of the calendar type runs out.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Option<NaiveDate> {
        let mut day = start;
        if n == 0 {
            while !self.is_working_day(day) {
                day = day.succ_opt()?;
            }
            return Some(day);
        }
        let mut left = n;
        while left > 0 {
            day = day.succ_opt()?;
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        Some(day)
    }

    /// Working days in `(from, to]`: how many deadline days have elapsed.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to <= from {
            return 0;
        }
        from.iter_days()
            .skip(1)
            .take_while(|d| *d <= to)
            .filter(|d| self.is_working_day(*d))
            .count() as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn egypt_2026() -> WorkCalendar {
        // Tuesday 2026-10-06 is Armed Forces Day; Sunday 2026-10-04 is a made-up holiday.
        WorkCalendar::new(
            &[Weekday::Fri, Weekday::Sat],
            [d(2026, 10, 6), d(2026, 10, 4)],
        )
    }

    #[test]
    fn skips_friday_and_saturday() {
        let cal = WorkCalendar::new(&[Weekday::Fri, Weekday::Sat], []);
        // Thursday + 1 working day = Sunday.
        assert_eq!(
            cal.add_working_days(d(2026, 11, 19), 1),
            Some(d(2026, 11, 22))
        );
        // Sunday + 5 = next Sunday.
        assert_eq!(
            cal.add_working_days(d(2026, 11, 22), 5),
            Some(d(2026, 11, 29))
        );
    }

    #[test]
    fn skips_holidays_too() {
        let cal = egypt_2026();
        // Thu 2026-10-01 + 1: Fri, Sat weekend, Sun 4th holiday -> Mon 5th.
        assert_eq!(
            cal.add_working_days(d(2026, 10, 1), 1),
            Some(d(2026, 10, 5))
        );
        // + 2: Tue 6th is a holiday (Armed Forces Day) -> Wed 7th.
        assert_eq!(
            cal.add_working_days(d(2026, 10, 1), 2),
            Some(d(2026, 10, 7))
        );
    }

    #[test]
    fn zero_days_lands_on_a_working_day() {
        let cal = egypt_2026();
        assert_eq!(
            cal.add_working_days(d(2026, 10, 2), 0),
            Some(d(2026, 10, 5))
        );
        assert_eq!(
            cal.add_working_days(d(2026, 10, 5), 0),
            Some(d(2026, 10, 5))
        );
    }

    #[test]
    fn counts_working_days_between_dates() {
        let cal = egypt_2026();
        assert_eq!(cal.working_days_between(d(2026, 10, 1), d(2026, 10, 7)), 2);
        assert_eq!(cal.working_days_between(d(2026, 10, 7), d(2026, 10, 1)), 0);
        let start = d(2026, 1, 1);
        for n in [1, 7, 30, 200] {
            let due = cal.add_working_days(start, n).expect("in range");
            assert_eq!(cal.working_days_between(start, due), i64::from(n));
        }
    }
}
