//! A participatory process's dated phases, as citizens see them: each
//! kind at most once, in the order of the process, any of them skipped,
//! each from its first to its last day (inclusive), none overlapping the
//! next. Valid once they exist.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::FieldError;

/// The phases a process may go through, in their order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhaseKind {
    /// What the process is about, and its rules.
    Information,
    /// Citizens submit proposals.
    Proposals,
    /// Citizens support the proposals they want reviewed.
    Supports,
    /// The departments concerned review proposals' feasibility and cost.
    Review,
    /// Citizens vote on the feasible projects.
    Voting,
    /// The results, signed off by the unit head.
    Results,
    /// The winning projects are delivered, with their progress.
    Implementation,
}

impl PhaseKind {
    pub const ALL: [PhaseKind; 7] = [
        PhaseKind::Information,
        PhaseKind::Proposals,
        PhaseKind::Supports,
        PhaseKind::Review,
        PhaseKind::Voting,
        PhaseKind::Results,
        PhaseKind::Implementation,
    ];

    /// Its stable name, also its translation key's end
    /// (`participation-phase-…`).
    pub fn as_str(self) -> &'static str {
        match self {
            PhaseKind::Information => "information",
            PhaseKind::Proposals => "proposals",
            PhaseKind::Supports => "supports",
            PhaseKind::Review => "review",
            PhaseKind::Voting => "voting",
            PhaseKind::Results => "results",
            PhaseKind::Implementation => "implementation",
        }
    }

    pub fn parse(text: &str) -> Option<PhaseKind> {
        PhaseKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// One phase: its kind and its first and last days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phase {
    pub kind: PhaseKind,
    pub starts: NaiveDate,
    pub ends: NaiveDate,
}

impl Phase {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.starts <= day && day <= self.ends
    }
}

/// A process's phases, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Phases(Vec<Phase>);

impl Phases {
    /// The phases as a process's staff gave them, or every problem as a
    /// field error of `phases.N` (`phases-empty`, `phase-ends-before-it-starts`,
    /// `phase-repeated`, `phase-out-of-order`, `phase-overlaps-previous`).
    pub fn new(phases: Vec<Phase>) -> Result<Phases, Vec<FieldError>> {
        let mut errors = Vec::new();
        if phases.is_empty() {
            errors.push(FieldError::new("phases", "phases-empty"));
        }
        for (i, phase) in phases.iter().enumerate() {
            let field = format!("phases.{i}");
            if phase.ends < phase.starts {
                errors.push(FieldError::new(&field, "phase-ends-before-it-starts"));
            }
            if let Some(before) = i.checked_sub(1).map(|j| phases[j]) {
                if before.kind == phase.kind {
                    errors.push(FieldError::new(&field, "phase-repeated"));
                } else if before.kind > phase.kind {
                    errors.push(FieldError::new(&field, "phase-out-of-order"));
                } else if phase.starts <= before.ends {
                    errors.push(FieldError::new(&field, "phase-overlaps-previous"));
                }
            }
        }
        if errors.is_empty() {
            Ok(Phases(phases))
        } else {
            Err(errors)
        }
    }

    pub fn all(&self) -> &[Phase] {
        &self.0
    }

    /// The phase under way on `day`, if any (between two phases, none).
    pub fn current(&self, day: NaiveDate) -> Option<&Phase> {
        self.0.iter().find(|p| p.contains(day))
    }

    /// The first phase still to come after `day`.
    pub fn next(&self, day: NaiveDate) -> Option<&Phase> {
        self.0.iter().find(|p| p.starts > day)
    }

    /// Whether `kind` is under way on `day` (a skipped phase never is).
    pub fn is_open(&self, kind: PhaseKind, day: NaiveDate) -> bool {
        self.current(day).is_some_and(|p| p.kind == kind)
    }

    /// Whether `kind` is over on `day` (or was skipped and a later phase
    /// has begun): what a phase's results wait for.
    pub fn is_over(&self, kind: PhaseKind, day: NaiveDate) -> bool {
        match self.0.iter().find(|p| p.kind == kind) {
            Some(p) => p.ends < day,
            None => self.0.iter().any(|p| p.kind > kind && p.starts <= day),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    fn phase(kind: PhaseKind, starts: &str, ends: &str) -> Phase {
        Phase {
            kind,
            starts: day(starts),
            ends: day(ends),
        }
    }

    fn codes(result: Result<Phases, Vec<FieldError>>) -> Vec<(String, &'static str)> {
        result
            .expect_err("refused")
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    /// Giza's budget: proposals in January, review skipped into the
    /// committee's own weeks, voting in March, results after.
    fn giza() -> Phases {
        Phases::new(vec![
            phase(PhaseKind::Information, "2027-01-01", "2027-01-04"),
            phase(PhaseKind::Proposals, "2027-01-05", "2027-01-31"),
            phase(PhaseKind::Voting, "2027-03-01", "2027-03-21"),
            phase(PhaseKind::Results, "2027-03-22", "2027-12-31"),
        ])
        .expect("valid")
    }

    #[test]
    fn the_phase_under_way_is_found_by_day() {
        let phases = giza();
        assert_eq!(
            phases.current(day("2027-01-05")).map(|p| p.kind),
            Some(PhaseKind::Proposals)
        );
        // The last day belongs to the phase.
        assert!(phases.is_open(PhaseKind::Voting, day("2027-03-21")));
        assert!(!phases.is_open(PhaseKind::Voting, day("2027-03-22")));
        // Between two phases: none, and the next one is known.
        assert_eq!(phases.current(day("2027-02-10")), None);
        assert_eq!(
            phases.next(day("2027-02-10")).map(|p| p.kind),
            Some(PhaseKind::Voting)
        );
        // A skipped phase is never open, and is over once a later one began.
        assert!(!phases.is_open(PhaseKind::Supports, day("2027-02-01")));
        assert!(!phases.is_over(PhaseKind::Review, day("2027-02-10")));
        assert!(phases.is_over(PhaseKind::Review, day("2027-03-01")));
        assert!(phases.is_over(PhaseKind::Voting, day("2027-03-22")));
        assert!(!phases.is_over(PhaseKind::Voting, day("2027-03-21")));
    }

    #[test]
    fn bad_phases_are_refused_with_every_problem() {
        assert_eq!(
            codes(Phases::new(vec![])),
            [("phases".into(), "phases-empty")]
        );
        assert_eq!(
            codes(Phases::new(vec![
                phase(PhaseKind::Proposals, "2027-01-10", "2027-01-01"),
                phase(PhaseKind::Proposals, "2027-02-01", "2027-02-02"),
                phase(PhaseKind::Information, "2027-03-01", "2027-03-02"),
            ])),
            [
                ("phases.0".into(), "phase-ends-before-it-starts"),
                ("phases.1".into(), "phase-repeated"),
                ("phases.2".into(), "phase-out-of-order"),
            ]
        );
        assert_eq!(
            codes(Phases::new(vec![
                phase(PhaseKind::Proposals, "2027-01-01", "2027-01-31"),
                phase(PhaseKind::Voting, "2027-01-31", "2027-02-10"),
            ])),
            [("phases.1".into(), "phase-overlaps-previous")]
        );
    }

    #[test]
    fn kinds_read_back_from_their_names() {
        for kind in PhaseKind::ALL {
            assert_eq!(PhaseKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(PhaseKind::parse("Voting"), None);
    }
}
