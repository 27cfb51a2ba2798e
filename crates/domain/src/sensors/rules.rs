//! Alert rules on a datastream: when its readings go above or below a
//! level, rise too fast, stop coming, or (a water meter) flow at night
//! well above the building's own baseline.

use chrono::{DateTime, Duration, Utc};

/// What makes a rule fire.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Condition {
    /// The latest reading is above the level.
    Above(f64),
    /// The latest reading is below the level.
    Below(f64),
    /// The reading rose by more than this an hour.
    Rise(f64),
    /// No reading for this long.
    Silence(Duration),
    /// Night flow well above the meter's baseline (see
    /// [`super::measure::night_flow`]).
    NightFlow,
}

/// A reading: when and what.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    pub time: DateTime<Utc>,
    pub value: f64,
}

impl Condition {
    /// From its stored or submitted form: `kind` with its `threshold`
    /// (a level, or a rise an hour) or `minutes`. The field at fault
    /// and its error code otherwise.
    pub fn parse(
        kind: &str,
        threshold: Option<f64>,
        minutes: Option<i64>,
    ) -> Result<Condition, (&'static str, &'static str)> {
        let level = || match threshold {
            Some(t) if t.is_finite() => Ok(t),
            _ => Err(("threshold", "threshold-required")),
        };
        match kind {
            "above" => Ok(Condition::Above(level()?)),
            "below" => Ok(Condition::Below(level()?)),
            "rise" => match level()? {
                t if t > 0.0 => Ok(Condition::Rise(t)),
                _ => Err(("threshold", "threshold-positive")),
            },
            "silence" => match minutes {
                Some(m) if (5..=60 * 24 * 30).contains(&m) => {
                    Ok(Condition::Silence(Duration::minutes(m)))
                }
                _ => Err(("minutes", "minutes-range")),
            },
            "night-flow" => Ok(Condition::NightFlow),
            _ => Err(("kind", "rule-kind-unknown")),
        }
    }

    /// Its stored form: kind, threshold, minutes.
    pub fn parts(self) -> (&'static str, Option<f64>, Option<i64>) {
        match self {
            Condition::Above(t) => ("above", Some(t), None),
            Condition::Below(t) => ("below", Some(t), None),
            Condition::Rise(t) => ("rise", Some(t), None),
            Condition::Silence(d) => ("silence", None, Some(d.num_minutes())),
            Condition::NightFlow => ("night-flow", None, None),
        }
    }

    /// Whether it fires, given the latest reading and the one before
    /// (at least a few minutes earlier), at `now`. `None` when the
    /// readings cannot tell (no reading yet); night flow is judged
    /// elsewhere.
    pub fn fires(
        self,
        latest: Option<Reading>,
        before: Option<Reading>,
        now: DateTime<Utc>,
    ) -> Option<bool> {
        match self {
            Condition::Above(level) => latest.map(|r| r.value > level),
            Condition::Below(level) => latest.map(|r| r.value < level),
            Condition::Rise(per_hour) => {
                let (latest, before) = (latest?, before?);
                let hours = (latest.time - before.time).num_seconds() as f64 / 3600.0;
                (hours > 0.0).then(|| (latest.value - before.value) / hours > per_hour)
            }
            Condition::Silence(longest) => Some(latest.is_none_or(|r| now - r.time > longest)),
            Condition::NightFlow => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: i64, value: f64) -> Reading {
        Reading {
            time: DateTime::<Utc>::UNIX_EPOCH + Duration::hours(hours),
            value,
        }
    }

    #[test]
    fn rules_parse_with_field_errors() {
        assert_eq!(
            Condition::parse("above", Some(75.0), None),
            Ok(Condition::Above(75.0))
        );
        assert_eq!(
            Condition::parse("above", None, None),
            Err(("threshold", "threshold-required"))
        );
        assert_eq!(
            Condition::parse("rise", Some(-1.0), None),
            Err(("threshold", "threshold-positive"))
        );
        assert_eq!(
            Condition::parse("silence", None, Some(2)),
            Err(("minutes", "minutes-range"))
        );
        assert_eq!(
            Condition::parse("sometimes", None, None),
            Err(("kind", "rule-kind-unknown"))
        );
        let silence = Condition::parse("silence", None, Some(180)).expect("rule");
        assert_eq!(silence.parts(), ("silence", None, Some(180)));
    }

    #[test]
    fn rules_fire_on_levels_rises_and_silence() {
        let now = at(10, 0.0).time;
        assert_eq!(
            Condition::Above(75.0).fires(Some(at(9, 80.0)), None, now),
            Some(true)
        );
        assert_eq!(
            Condition::Above(75.0).fires(Some(at(9, 75.0)), None, now),
            Some(false)
        );
        assert_eq!(Condition::Above(75.0).fires(None, None, now), None);
        assert_eq!(
            Condition::Below(1.0).fires(Some(at(9, 0.5)), None, now),
            Some(true)
        );
        // 30 in two hours is 15 an hour.
        let rise = Condition::Rise(10.0);
        assert_eq!(
            rise.fires(Some(at(9, 50.0)), Some(at(7, 20.0)), now),
            Some(true)
        );
        assert_eq!(
            rise.fires(Some(at(9, 30.0)), Some(at(7, 20.0)), now),
            Some(false)
        );
        assert_eq!(rise.fires(Some(at(9, 30.0)), None, now), None);
        let silence = Condition::Silence(Duration::hours(3));
        assert_eq!(silence.fires(Some(at(8, 1.0)), None, now), Some(false));
        assert_eq!(silence.fires(Some(at(6, 1.0)), None, now), Some(true));
        assert_eq!(silence.fires(None, None, now), Some(true));
    }
}
