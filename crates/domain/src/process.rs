//! An application's history as a process-mining event log: one case per
//! application, one activity per step and what was done there (the
//! published procedure's step code and the action: `document-check/accept`,
//! `review/return_for_completion`), started when the file reached the step
//! and completed when someone acted, with the department and role that
//! acted (never a person). Submission and resubmission are the applicant's
//! activities.

use chrono::{DateTime, Utc};

use crate::catalog::Procedure;

pub mod analysis;
pub mod conformance;
pub mod performance;

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

/// A citizen report's history as activities: each thing done to it
/// (`submitted`, `acknowledge`, `start`, `resolve`, `reject`, `merge`,
/// `confirm`, `reopen`), completed when it was recorded, by the
/// department the report is with or by the reporter. Followers joining
/// and assignments to a person are not steps of the report.
pub fn report_events(department: &str, stored: &[(DateTime<Utc>, String)]) -> Vec<LogEvent> {
    stored
        .iter()
        .filter_map(|(at, action)| {
            let activity = action.strip_prefix("report.")?;
            let resource = match activity {
                "submitted" | "confirm" | "reopen" => "reporter",
                "acknowledge" | "start" | "resolve" | "reject" | "merge" => department,
                _ => return None,
            };
            Some(LogEvent {
                activity: activity.to_owned(),
                lifecycle: Lifecycle::Complete,
                at: *at,
                resource: resource.to_owned(),
                role: if resource == "reporter" {
                    "reporter".to_owned()
                } else {
                    "department_officer".to_owned()
                },
            })
        })
        .collect()
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
    fn a_report_is_done_by_its_department_and_its_reporter() {
        let history: Vec<(DateTime<Utc>, String)> = [
            "report.submitted",
            "report.followed",
            "report.acknowledge",
            "report.assigned",
            "report.resolve",
            "report.reopen",
        ]
        .iter()
        .enumerate()
        .map(|(i, a)| (at(i as u32), (*a).to_owned()))
        .collect();
        let events = report_events("roads", &history);
        let done: Vec<(&str, &str)> = events
            .iter()
            .map(|e| (e.activity.as_str(), e.resource.as_str()))
            .collect();
        assert_eq!(
            done,
            [
                ("submitted", "reporter"),
                ("acknowledge", "roads"),
                ("resolve", "roads"),
                ("reopen", "reporter")
            ]
        );
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

/// Figures of a set of durations, in hours.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Durations {
    pub mean: f64,
    pub median: f64,
    pub p90: f64,
}

impl Durations {
    /// Of `hours` (none: `None`). The median and 90th percentile are the
    /// nearest-rank ones.
    pub fn of(mut hours: Vec<f64>) -> Option<Durations> {
        if hours.is_empty() {
            return None;
        }
        hours.sort_by(f64::total_cmp);
        let rank = |p: f64| {
            let index = ((p * hours.len() as f64).ceil() as usize).clamp(1, hours.len()) - 1;
            hours[index]
        };
        Some(Durations {
            mean: hours.iter().sum::<f64>() / hours.len() as f64,
            median: rank(0.5),
            p90: rank(0.9),
        })
    }
}

/// One arc of the directly-follows graph: how often `to` directly followed
/// `from` (in completed activities), in how many cases, and the time
/// between them.
#[derive(Debug, Clone, PartialEq)]
pub struct Arc {
    pub from: String,
    pub to: String,
    pub count: u64,
    pub cases: u64,
    pub hours: Option<Durations>,
}

/// A variant: one sequence of completed activities, the cases that took
/// it, and their throughput times.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub activities: Vec<String>,
    pub cases: u64,
    /// Share of all cases, 0 to 1.
    pub share: f64,
    pub hours: Option<Durations>,
}

/// The completed activities of a case, in order, with their times.
fn completed(events: &[LogEvent]) -> Vec<(&str, DateTime<Utc>)> {
    events
        .iter()
        .filter(|e| e.lifecycle == Lifecycle::Complete)
        .map(|e| (e.activity.as_str(), e.at))
        .collect()
}

fn hours_between(a: DateTime<Utc>, b: DateTime<Utc>) -> f64 {
    (b - a).num_seconds() as f64 / 3600.0
}

/// The directly-follows graph of `cases` (each a case's events), arcs by
/// descending frequency.
pub fn directly_follows<'a>(cases: impl IntoIterator<Item = &'a [LogEvent]>) -> Vec<Arc> {
    use std::collections::BTreeMap;
    let mut arcs: BTreeMap<(&str, &str), (u64, u64, Vec<f64>)> = BTreeMap::new();
    for events in cases {
        let done = completed(events);
        let mut seen = std::collections::BTreeSet::new();
        for pair in done.windows(2) {
            let ((a, at), (b, bt)) = (pair[0], pair[1]);
            let entry = arcs.entry((a, b)).or_default();
            entry.0 += 1;
            if seen.insert((a, b)) {
                entry.1 += 1;
            }
            entry.2.push(hours_between(at, bt));
        }
    }
    let mut list: Vec<Arc> = arcs
        .into_iter()
        .map(|((from, to), (count, cases, hours))| Arc {
            from: from.to_owned(),
            to: to.to_owned(),
            count,
            cases,
            hours: Durations::of(hours),
        })
        .collect();
    list.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| (&a.from, &a.to).cmp(&(&b.from, &b.to)))
    });
    list
}

/// The variants of `cases`, the most frequent first.
pub fn variants<'a>(cases: impl IntoIterator<Item = &'a [LogEvent]>) -> Vec<Variant> {
    use std::collections::BTreeMap;
    let mut found: BTreeMap<Vec<&str>, Vec<f64>> = BTreeMap::new();
    let mut total = 0u64;
    for events in cases {
        let done = completed(events);
        let (Some(first), Some(last)) = (done.first(), done.last()) else {
            continue;
        };
        total += 1;
        let throughput = hours_between(first.1, last.1);
        found
            .entry(done.iter().map(|(a, _)| *a).collect())
            .or_default()
            .push(throughput);
    }
    let mut list: Vec<Variant> = found
        .into_iter()
        .map(|(activities, hours)| Variant {
            activities: activities.into_iter().map(str::to_owned).collect(),
            cases: hours.len() as u64,
            share: hours.len() as f64 / total.max(1) as f64,
            hours: Durations::of(hours),
        })
        .collect();
    list.sort_by(|a, b| {
        b.cases
            .cmp(&a.cases)
            .then_with(|| a.activities.cmp(&b.activities))
    });
    list
}

/// Whether a case went round a loop: returned for completion, a failed
/// inspection, or an activity done twice by the same department (a
/// repeated inspection; two departments approving one parallel step is
/// not rework).
pub fn has_rework(events: &[LogEvent]) -> bool {
    let done: Vec<&LogEvent> = events
        .iter()
        .filter(|e| e.lifecycle == Lifecycle::Complete)
        .collect();
    done.iter().any(|e| {
        e.activity.ends_with("/return_for_completion") || e.activity.ends_with("/fail_inspection")
    }) || done.iter().enumerate().any(|(i, e)| {
        done[..i]
            .iter()
            .any(|d| d.activity == e.activity && d.resource == e.resource)
    })
}

#[cfg(test)]
mod discovery_tests {
    use super::*;

    fn event(activity: &str, hour: i64) -> LogEvent {
        LogEvent {
            activity: activity.to_owned(),
            lifecycle: Lifecycle::Complete,
            at: DateTime::from_timestamp(1_760_000_000 + hour * 3600, 0).expect("time"),
            resource: String::new(),
            role: String::new(),
        }
    }

    fn case(steps: &[(&str, i64)]) -> Vec<LogEvent> {
        steps.iter().map(|(a, h)| event(a, *h)).collect()
    }

    #[test]
    fn the_graph_counts_arcs_cases_and_hours() {
        let straight = case(&[
            ("submitted", 0),
            ("check/accept", 2),
            ("review/approve", 12),
        ]);
        let slow = case(&[
            ("submitted", 0),
            ("check/accept", 10),
            ("review/approve", 40),
        ]);
        let rework = case(&[
            ("submitted", 0),
            ("check/return_for_completion", 1),
            ("resubmitted", 25),
            ("check/accept", 26),
        ]);
        let cases = [straight.as_slice(), slow.as_slice(), rework.as_slice()];
        let graph = directly_follows(cases);
        let arc = |from: &str, to: &str| {
            graph
                .iter()
                .find(|a| a.from == from && a.to == to)
                .unwrap_or_else(|| panic!("{from} → {to}"))
        };
        let accepted = arc("submitted", "check/accept");
        assert_eq!((accepted.count, accepted.cases), (2, 2));
        let hours = accepted.hours.expect("hours");
        assert_eq!((hours.mean, hours.median, hours.p90), (6.0, 2.0, 10.0));
        assert_eq!(
            arc("check/accept", "review/approve")
                .hours
                .expect("h")
                .median,
            10.0
        );
        assert_eq!(graph.len(), 5);

        let list = variants(cases);
        assert_eq!(
            list.len(),
            2,
            "the straight and the slow case take one path"
        );
        assert_eq!(list[0].cases, 2);
        assert!((list[0].share - 2.0 / 3.0).abs() < 1e-9);
        let throughput = list[0].hours.expect("hours");
        assert_eq!((throughput.median, throughput.p90), (12.0, 40.0));
        assert!((list.iter().map(|v| v.share).sum::<f64>() - 1.0).abs() < 1e-9);
        let returned = list
            .iter()
            .find(|v| v.activities.contains(&"resubmitted".to_owned()))
            .expect("the rework variant");
        assert_eq!(returned.hours.expect("h").median, 26.0);

        assert!(has_rework(&rework) && !has_rework(&straight));
        let twice = case(&[("submitted", 0), ("inspect/pass", 1), ("inspect/pass", 2)]);
        assert!(has_rework(&twice), "a repeated activity is rework");
        let mut both = case(&[
            ("submitted", 0),
            ("approvals/approve", 1),
            ("approvals/approve", 2),
        ]);
        both[1].resource = "engineering".into();
        both[2].resource = "civil_defense_liaison".into();
        assert!(
            !has_rework(&both),
            "two departments approving is not rework"
        );
    }

    #[test]
    fn the_same_pair_twice_in_a_case_counts_one_case() {
        let looped = case(&[("a", 0), ("b", 1), ("a", 2), ("b", 3)]);
        let graph = directly_follows([looped.as_slice()]);
        let ab = graph
            .iter()
            .find(|a| a.from == "a" && a.to == "b")
            .expect("a → b");
        assert_eq!((ab.count, ab.cases), (2, 1));
    }
}
