//! Conformance of a case to the published procedure it was filed under:
//! its completed activities replayed against the procedure's steps, in
//! order, with a parallel-approvals step taken in any order and a return
//! for completion (then the applicant's resubmission) allowed on any step
//! that offers it.
//!
//! The replay aligns the case with the procedure move by move: an
//! activity the procedure expects next is a synchronous move; one it does
//! not expect there (repeated, out of order, unknown) is a move in the log
//! only; a step the case jumped over is a move in the model only. Fitness
//! is the share of synchronous moves among all moves, 1 for a conforming
//! case. The workflow engine refuses deviations in files it handles, so
//! deviations come from histories recorded outside it (files migrated from
//! paper registers, an earlier system, a corrected import); the check
//! finds them for follow-up. A step done by a department other than the
//! step's is listed as a deviation without changing the fitness (the flow
//! was right; the hands were not).

use serde::Serialize;

use super::{Lifecycle, LogEvent};
use crate::catalog::{Action, Procedure, StepKind};
use crate::org::DepartmentKind;

/// How a case departed from its procedure.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Deviation {
    /// A step (or the applicant's submission or resubmission) the case
    /// went past without doing.
    Skipped { step: String },
    /// An activity done again where the procedure does not loop.
    Repeated { activity: String },
    /// An activity of an earlier step after the case had moved on, or one
    /// the step does not offer.
    OutOfOrder { activity: String },
    /// An activity done after the case had ended, or of no step of the
    /// procedure.
    Unexpected { activity: String },
    /// A step done by a department that is not the step's.
    OtherDepartment {
        activity: String,
        department: String,
    },
}

impl Deviation {
    /// Its kind, as a stable code (`skipped`, `repeated`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            Deviation::Skipped { .. } => "skipped",
            Deviation::Repeated { .. } => "repeated",
            Deviation::OutOfOrder { .. } => "out_of_order",
            Deviation::Unexpected { .. } => "unexpected",
            Deviation::OtherDepartment { .. } => "other_department",
        }
    }

    /// The step or activity it concerns.
    pub fn subject(&self) -> &str {
        match self {
            Deviation::Skipped { step } => step,
            Deviation::Repeated { activity }
            | Deviation::OutOfOrder { activity }
            | Deviation::Unexpected { activity }
            | Deviation::OtherDepartment { activity, .. } => activity,
        }
    }
}

/// The result of replaying one case.
#[derive(Debug, Clone, PartialEq)]
pub struct Conformance {
    /// Synchronous moves over all moves, 0 to 1.
    pub fitness: f64,
    pub deviations: Vec<Deviation>,
}

impl Conformance {
    pub fn conforms(&self) -> bool {
        self.deviations.is_empty()
    }
}

/// Where the replay stands.
struct Replay<'p> {
    procedure: &'p Procedure,
    /// The step the case is at.
    step: usize,
    /// Departments that approved the current parallel step.
    approved: Vec<DepartmentKind>,
    submitted: bool,
    returned: bool,
    ended: bool,
    synchronous: u32,
    log_only: u32,
    model_only: u32,
    done: Vec<String>,
    deviations: Vec<Deviation>,
}

impl Replay<'_> {
    fn off(&mut self, deviation: Deviation) {
        self.log_only += 1;
        self.deviations.push(deviation);
    }

    fn skipped(&mut self, step: &str, moves: usize) {
        self.model_only += moves as u32;
        self.deviations.push(Deviation::Skipped {
            step: step.to_owned(),
        });
    }

    /// Model moves to leave the current step without doing the rest of it.
    fn left_at_current(&self) -> usize {
        match self.procedure.step(self.step).map(|s| &s.kind) {
            Some(StepKind::ParallelApprovals { departments }) => departments
                .iter()
                .filter(|d| !self.approved.contains(d))
                .count(),
            Some(_) => 1,
            None => 0,
        }
    }

    fn event(&mut self, activity: &str, resource: &str) {
        match activity {
            "submitted" => {
                if self.submitted {
                    self.off(Deviation::Repeated {
                        activity: activity.to_owned(),
                    });
                } else {
                    self.submitted = true;
                    self.synchronous += 1;
                }
                return;
            }
            "resubmitted" => {
                if self.returned {
                    self.returned = false;
                    self.synchronous += 1;
                } else {
                    self.off(Deviation::Unexpected {
                        activity: activity.to_owned(),
                    });
                }
                return;
            }
            _ => {}
        }
        let parsed = activity.split_once('/').and_then(|(code, action)| {
            let index = self.procedure.steps().iter().position(|s| s.code == code)?;
            Some((index, Action::parse(action).ok()?))
        });
        let Some((index, action)) = parsed.filter(|_| !self.ended) else {
            self.off(Deviation::Unexpected {
                activity: activity.to_owned(),
            });
            return;
        };
        if !self.submitted {
            self.submitted = true;
            self.skipped("submitted", 1);
        }
        if self.returned {
            self.returned = false;
            self.skipped("resubmitted", 1);
        }
        if index < self.step {
            let repeated = self.done.iter().any(|d| d == activity);
            self.off(if repeated {
                Deviation::Repeated {
                    activity: activity.to_owned(),
                }
            } else {
                Deviation::OutOfOrder {
                    activity: activity.to_owned(),
                }
            });
            return;
        }
        while self.step < index {
            let moves = self.left_at_current();
            let code = self.procedure.steps()[self.step].code.clone();
            self.skipped(&code, moves);
            self.step += 1;
            self.approved.clear();
        }
        let step = &self.procedure.steps()[index];
        if !step.allows(action) {
            self.off(Deviation::OutOfOrder {
                activity: activity.to_owned(),
            });
            return;
        }
        let departments = step.kind.departments();
        let department = DepartmentKind::parse(resource)
            .ok()
            .filter(|d| departments.contains(d));
        if department.is_none() {
            self.deviations.push(Deviation::OtherDepartment {
                activity: activity.to_owned(),
                department: resource.to_owned(),
            });
        }
        match action {
            Action::Approve if matches!(step.kind, StepKind::ParallelApprovals { .. }) => {
                // An approval by an unknown hand counts for the first
                // department still to approve.
                let Some(department) = department
                    .or_else(|| {
                        departments
                            .iter()
                            .copied()
                            .find(|d| !self.approved.contains(d))
                    })
                    .filter(|d| !self.approved.contains(d))
                else {
                    self.off(Deviation::Repeated {
                        activity: activity.to_owned(),
                    });
                    return;
                };
                self.approved.push(department);
                if departments.iter().all(|d| self.approved.contains(d)) {
                    self.step += 1;
                    self.approved.clear();
                }
            }
            Action::ReturnForCompletion => self.returned = true,
            Action::Reject | Action::FailInspection | Action::Issue => self.ended = true,
            Action::Accept | Action::Approve | Action::PassInspection | Action::RecordPayment => {
                self.step += 1;
                self.approved.clear();
            }
        }
        self.synchronous += 1;
        self.done.push(activity.to_owned());
    }
}

/// Replays the completed activities of `events` against `procedure`. A
/// case still under way is judged on what it has done so far.
pub fn check(procedure: &Procedure, events: &[LogEvent]) -> Conformance {
    let mut replay = Replay {
        procedure,
        step: 0,
        approved: Vec::new(),
        submitted: false,
        returned: false,
        ended: false,
        synchronous: 0,
        log_only: 0,
        model_only: 0,
        done: Vec::new(),
        deviations: Vec::new(),
    };
    for event in events.iter().filter(|e| e.lifecycle == Lifecycle::Complete) {
        replay.event(&event.activity, &event.resource);
    }
    let moves = replay.synchronous + replay.log_only + replay.model_only;
    Conformance {
        fitness: if moves == 0 {
            1.0
        } else {
            f64::from(replay.synchronous) / f64::from(moves)
        },
        deviations: replay.deviations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Step;
    use crate::org::BilingualName;
    use crate::people::Role;
    use chrono::DateTime;

    fn step(code: &str, kind: StepKind) -> Step {
        Step {
            code: code.to_owned(),
            name: BilingualName::parse(code, code).expect("name"),
            actions: kind.possible_actions().to_vec(),
            kind,
            role: Role::DepartmentOfficer,
            sla_working_days: 2,
        }
    }

    fn building_permit() -> Procedure {
        use DepartmentKind::*;
        Procedure::new(
            vec![
                step(
                    "docs",
                    StepKind::DocumentCheck {
                        department: TechnologyCenter,
                    },
                ),
                step(
                    "approvals",
                    StepKind::ParallelApprovals {
                        departments: vec![Engineering, CivilDefenseLiaison],
                    },
                ),
                step(
                    "inspection",
                    StepKind::Inspection {
                        department: Engineering,
                    },
                ),
                step(
                    "payment",
                    StepKind::Payment {
                        department: Revenue,
                    },
                ),
                step(
                    "issue",
                    StepKind::Issuance {
                        department: Engineering,
                    },
                ),
            ],
            true,
            30,
        )
        .expect("procedure")
    }

    /// A case of `(activity, department)` completions, an hour apart.
    fn case(steps: &[(&str, &str)]) -> Vec<LogEvent> {
        steps
            .iter()
            .enumerate()
            .map(|(hour, (activity, resource))| LogEvent {
                activity: (*activity).to_owned(),
                lifecycle: Lifecycle::Complete,
                at: DateTime::from_timestamp(1_760_000_000 + hour as i64 * 3600, 0).expect("t"),
                resource: (*resource).to_owned(),
                role: String::new(),
            })
            .collect()
    }

    const STRAIGHT: [(&str, &str); 7] = [
        ("submitted", "applicant"),
        ("docs/accept", "technology_center"),
        ("approvals/approve", "engineering"),
        ("approvals/approve", "civil_defense_liaison"),
        ("inspection/pass_inspection", "engineering"),
        ("payment/record_payment", "revenue"),
        ("issue/issue", "engineering"),
    ];

    #[test]
    fn parallel_approvals_in_either_order_conform() {
        let procedure = building_permit();
        let forward = check(&procedure, &case(&STRAIGHT));
        assert_eq!((forward.fitness, forward.conforms()), (1.0, true));
        let mut swapped = STRAIGHT;
        swapped.swap(2, 3);
        assert!(check(&procedure, &case(&swapped)).conforms());
        // Returned, resubmitted, then on its way: the loop is the procedure's.
        let returned = case(&[
            ("submitted", "applicant"),
            ("docs/return_for_completion", "technology_center"),
            ("resubmitted", "applicant"),
            ("docs/accept", "technology_center"),
            ("approvals/approve", "civil_defense_liaison"),
        ]);
        assert!(
            check(&procedure, &returned).conforms(),
            "under way, so far so good"
        );
        let rejected = case(&[
            ("submitted", "applicant"),
            ("docs/accept", "technology_center"),
            ("approvals/reject", "civil_defense_liaison"),
        ]);
        assert!(check(&procedure, &rejected).conforms());
    }

    #[test]
    fn a_skipped_step_lowers_fitness_and_is_named() {
        let procedure = building_permit();
        let mut skipped: Vec<(&str, &str)> = STRAIGHT.to_vec();
        skipped.remove(4); // no inspection
        let result = check(&procedure, &case(&skipped));
        assert_eq!(
            result.deviations,
            [Deviation::Skipped {
                step: "inspection".into()
            }]
        );
        assert!((result.fitness - 6.0 / 7.0).abs() < 1e-9);
        // Skipping both approvals costs two model moves.
        let mut no_approvals: Vec<(&str, &str)> = STRAIGHT.to_vec();
        no_approvals.drain(2..4);
        let result = check(&procedure, &case(&no_approvals));
        assert!((result.fitness - 5.0 / 7.0).abs() < 1e-9);
    }

    #[test]
    fn repeats_order_and_hands_are_deviations() {
        let procedure = building_permit();
        let mut twice: Vec<(&str, &str)> = STRAIGHT.to_vec();
        twice.insert(3, ("approvals/approve", "engineering"));
        let result = check(&procedure, &case(&twice));
        assert_eq!(
            result.deviations,
            [Deviation::Repeated {
                activity: "approvals/approve".into()
            }]
        );
        assert!((result.fitness - 7.0 / 8.0).abs() < 1e-9);

        let late = case(&[
            ("submitted", "applicant"),
            ("docs/accept", "technology_center"),
            ("approvals/approve", "engineering"),
            ("approvals/approve", "civil_defense_liaison"),
            ("payment/record_payment", "revenue"),
            ("inspection/pass_inspection", "engineering"),
            ("issue/issue", "engineering"),
        ]);
        let kinds: Vec<&str> = check(&procedure, &late)
            .deviations
            .iter()
            .map(Deviation::kind)
            .collect();
        assert_eq!(kinds, ["skipped", "out_of_order"]);

        let mut other: Vec<(&str, &str)> = STRAIGHT.to_vec();
        other[1].1 = "licensing";
        let result = check(&procedure, &case(&other));
        assert_eq!(result.fitness, 1.0);
        assert_eq!(
            result.deviations,
            [Deviation::OtherDepartment {
                activity: "docs/accept".into(),
                department: "licensing".into()
            }]
        );

        let mut after_end: Vec<(&str, &str)> = STRAIGHT.to_vec();
        after_end.push(("payment/record_payment", "revenue"));
        assert_eq!(
            check(&procedure, &case(&after_end)).deviations[0].kind(),
            "unexpected"
        );
    }
}
