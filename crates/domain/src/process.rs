//! An application's history as a process-mining event log: one case per
//! application, one activity per step and what was done there (the
//! published procedure's step code and the action: `document-check/accept`,
//! `review/return_for_completion`), started when the file reached the step
//! and completed when someone acted, with the department and role that
//! acted (never a person). Submission and resubmission are the applicant's
//! activities.

use chrono::{DateTime, Utc};

use crate::catalog::Procedure;

/// XES's standard lifecycle transitions used here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    Start,
    Complete,
}

impl Lifecycle {
    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::Start => "start",
            Lifecycle::Complete => "complete",
        }
    }
}

/// One event of a case.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEvent {
    pub activity: String,
    pub lifecycle: Lifecycle,
    pub at: DateTime<Utc>,
    /// The department that acted (`applicant` for the applicant's own).
    pub resource: String,
    /// The role that acted.
    pub role: String,
}

/// One stored event of an application: when, which action, where the
/// file was before and after it, and the department that acted.
#[derive(Debug, Clone, Default)]
pub struct StoredEvent {
    pub at: DateTime<Utc>,
    /// Such as `application.accept`.
    pub action: String,
    pub from: Option<(String, usize)>,
    pub to: Option<(String, usize)>,
    pub department: Option<String>,
}

/// The activities of one application, in time order, from its stored
/// events and the procedure version it was filed under. Events that are
/// not steps of the procedure (ratings, assignments, revocations) are left
/// out.
pub fn application_events(procedure: &Procedure, stored: &[StoredEvent]) -> Vec<LogEvent> {
    let mut events = Vec::new();
    // When the file reached the step it is at.
    let mut arrived: Option<DateTime<Utc>> = None;
    for event in stored {
        let action = event
            .action
            .strip_prefix("application.")
            .unwrap_or(&event.action);
        match action {
            "submitted" | "resubmitted" => {
                events.push(LogEvent {
                    activity: action.to_owned(),
                    lifecycle: Lifecycle::Complete,
                    at: event.at,
                    resource: "applicant".to_owned(),
                    role: "applicant".to_owned(),
                });
                arrived = Some(event.at);
            }
            "rated" | "assigned" | "revoked" | "escalated" => {}
            _ => {
                let index = event.from.as_ref().map_or(0, |(_, step)| *step);
                let Some(step) = procedure.step(index) else {
                    continue;
                };
                let activity = format!("{}/{action}", step.code);
                let resource = event
                    .department
                    .clone()
                    .or_else(|| {
                        step.kind
                            .departments()
                            .first()
                            .map(|d| d.as_str().to_owned())
                    })
                    .unwrap_or_default();
                let role = step.role.as_str().to_owned();
                if let Some(start) = arrived {
                    events.push(LogEvent {
                        activity: activity.clone(),
                        lifecycle: Lifecycle::Start,
                        at: start,
                        resource: resource.clone(),
                        role: role.clone(),
                    });
                }
                events.push(LogEvent {
                    activity,
                    lifecycle: Lifecycle::Complete,
                    at: event.at,
                    resource,
                    role,
                });
                // A parallel approval that does not move the file leaves the
                // others waiting since the same arrival.
                let moved = event.to != event.from;
                if moved {
                    arrived = Some(event.at);
                }
            }
        }
    }
    events.sort_by_key(|e| e.at);
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Step, StepKind};
    use crate::org::{BilingualName, DepartmentKind};
    use crate::people::Role;

    fn step(code: &str, kind: StepKind, role: Role) -> Step {
        Step {
            code: code.to_owned(),
            name: BilingualName::parse(code, code).expect("name"),
            actions: kind.possible_actions().to_vec(),
            kind,
            role,
            sla_working_days: 3,
        }
    }

    fn at(minute: u32) -> DateTime<Utc> {
        DateTime::from_timestamp(1_760_000_000 + i64::from(minute) * 60, 0).expect("time")
    }

    fn stored(
        minute: u32,
        action: &str,
        from: Option<(&str, usize)>,
        to: Option<(&str, usize)>,
        department: Option<&str>,
    ) -> StoredEvent {
        StoredEvent {
            at: at(minute),
            action: format!("application.{action}"),
            from: from.map(|(s, i)| (s.to_owned(), i)),
            to: to.map(|(s, i)| (s.to_owned(), i)),
            department: department.map(str::to_owned),
        }
    }

    #[test]
    fn a_returned_and_resubmitted_application_has_its_rework_loop() {
        let procedure = Procedure::new(
            vec![
                step(
                    "check",
                    StepKind::DocumentCheck {
                        department: DepartmentKind::TechnologyCenter,
                    },
                    Role::Clerk,
                ),
                step(
                    "approvals",
                    StepKind::ParallelApprovals {
                        departments: vec![
                            DepartmentKind::Engineering,
                            DepartmentKind::UrbanPlanning,
                        ],
                    },
                    Role::DepartmentOfficer,
                ),
                step(
                    "issue",
                    StepKind::Issuance {
                        department: DepartmentKind::Licensing,
                    },
                    Role::UnitHead,
                ),
            ],
            false,
            30,
        )
        .expect("procedure");
        let history = [
            stored(0, "submitted", None, Some(("in_progress", 0)), None),
            stored(
                10,
                "return_for_completion",
                Some(("in_progress", 0)),
                Some(("returned", 0)),
                None,
            ),
            stored(
                30,
                "resubmitted",
                Some(("returned", 0)),
                Some(("in_progress", 0)),
                None,
            ),
            stored(
                35,
                "accept",
                Some(("in_progress", 0)),
                Some(("in_progress", 1)),
                None,
            ),
            stored(
                50,
                "approve",
                Some(("in_progress", 1)),
                Some(("in_progress", 1)),
                Some("urban_planning"),
            ),
            stored(
                60,
                "approve",
                Some(("in_progress", 1)),
                Some(("in_progress", 2)),
                Some("engineering"),
            ),
            stored(70, "rated", None, None, None),
        ];
        let events = application_events(&procedure, &history);
        let completed: Vec<&str> = events
            .iter()
            .filter(|e| e.lifecycle == Lifecycle::Complete)
            .map(|e| e.activity.as_str())
            .collect();
        assert_eq!(
            completed,
            [
                "submitted",
                "check/return_for_completion",
                "resubmitted",
                "check/accept",
                "approvals/approve",
                "approvals/approve"
            ]
        );
        // Both approvals started when the file reached the step.
        let starts: Vec<(DateTime<Utc>, &str)> = events
            .iter()
            .filter(|e| e.lifecycle == Lifecycle::Start && e.activity == "approvals/approve")
            .map(|e| (e.at, e.resource.as_str()))
            .collect();
        assert_eq!(
            starts,
            [(at(35), "urban_planning"), (at(35), "engineering")]
        );
        let check = events
            .iter()
            .find(|e| e.activity == "check/accept")
            .expect("check");
        assert_eq!(
            (check.resource.as_str(), check.role.as_str()),
            ("technology_center", "clerk")
        );
    }
}
