//! Where files wait: the time each step held a file (from its arrival at
//! the step to the action taken there), in hours and in working days of
//! the unit's calendar, against the step's service level; and throughput
//! figures by unit, channel or month.

use chrono::{DateTime, Utc};

use super::{Durations, Lifecycle, LogEvent};
use crate::calendar::WorkCalendar;
use crate::catalog::Procedure;

/// One visit of a file to a step: from its arrival to the action there.
/// (Baladiya knows when a file reached a step and when someone acted on
/// it; the time between is waiting and working together.)
#[derive(Debug, Clone, PartialEq)]
pub struct StepVisit {
    /// The step's code.
    pub step: String,
    /// The department that acted.
    pub department: String,
    pub hours: f64,
    pub working_days: i64,
    /// The step's service level, in working days.
    pub sla_working_days: u32,
}

impl StepVisit {
    pub fn over_sla(&self) -> bool {
        self.working_days > i64::from(self.sla_working_days)
    }
}

/// Working days in `(from, to]` of `calendar`.
pub fn working_days(calendar: &WorkCalendar, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    calendar.working_days_between(from.date_naive(), to.date_naive())
}

/// The step visits of a case (its events as [`super::application_events`]
/// gives them: each completion after its start).
pub fn step_visits(
    procedure: &Procedure,
    calendar: &WorkCalendar,
    events: &[LogEvent],
) -> Vec<StepVisit> {
    let mut open: Vec<&LogEvent> = Vec::new();
    let mut visits = Vec::new();
    for event in events {
        match event.lifecycle {
            Lifecycle::Start => open.push(event),
            Lifecycle::Complete => {
                let Some(index) = open
                    .iter()
                    .position(|s| s.activity == event.activity && s.resource == event.resource)
                else {
                    continue;
                };
                let start = open.remove(index);
                let code = event.activity.split('/').next().unwrap_or_default();
                let Some(step) = procedure.steps().iter().find(|s| s.code == code) else {
                    continue;
                };
                visits.push(StepVisit {
                    step: step.code.clone(),
                    department: event.resource.clone(),
                    hours: (event.at - start.at).num_seconds() as f64 / 3600.0,
                    working_days: working_days(calendar, start.at, event.at),
                    sla_working_days: step.sla_working_days,
                });
            }
        }
    }
    visits
}

/// A step (and the department acting on it) as a bottleneck.
#[derive(Debug, Clone, PartialEq)]
pub struct Bottleneck {
    pub step: String,
    pub department: String,
    pub visits: u64,
    pub hours: Durations,
    pub working_days: Durations,
    pub sla_working_days: u32,
    /// Share of visits over the step's service level, 0 to 1.
    pub over_sla: f64,
}

/// The steps of `visits`, the longest median wait (in working days, then
/// hours) first.
pub fn bottlenecks<'a>(visits: impl IntoIterator<Item = &'a StepVisit>) -> Vec<Bottleneck> {
    use std::collections::BTreeMap;
    let mut by_step: BTreeMap<(&str, &str), Vec<&StepVisit>> = BTreeMap::new();
    for visit in visits {
        by_step
            .entry((&visit.step, &visit.department))
            .or_default()
            .push(visit);
    }
    let mut list: Vec<Bottleneck> = by_step
        .into_iter()
        .filter_map(|((step, department), visits)| {
            let over = visits.iter().filter(|v| v.over_sla()).count();
            Some(Bottleneck {
                step: step.to_owned(),
                department: department.to_owned(),
                visits: visits.len() as u64,
                hours: Durations::of(visits.iter().map(|v| v.hours).collect())?,
                working_days: Durations::of(
                    visits.iter().map(|v| v.working_days as f64).collect(),
                )?,
                sla_working_days: visits[0].sla_working_days,
                over_sla: over as f64 / visits.len() as f64,
            })
        })
        .collect();
    list.sort_by(|a, b| {
        b.working_days
            .median
            .total_cmp(&a.working_days.median)
            .then(b.hours.median.total_cmp(&a.hours.median))
            .then_with(|| (&a.step, &a.department).cmp(&(&b.step, &b.department)))
    });
    list
}

/// One case's figures for a group.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFigures {
    /// From submission to the last completed activity, if it ended.
    pub throughput: Option<(f64, i64)>,
    pub rework: bool,
    pub fitness: f64,
}

/// The figures of a group of cases (a unit, a channel, a month).
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub key: String,
    pub cases: u64,
    /// Cases that ended.
    pub ended: u64,
    pub throughput_hours: Option<Durations>,
    pub throughput_working_days: Option<Durations>,
    pub rework_rate: f64,
    /// Mean fitness to the procedure.
    pub fitness: f64,
    /// Share of cases with no deviation.
    pub conforming: f64,
}

/// Groups `cases` (key, figures, conforms) by key, in key order.
pub fn groups<'a>(cases: impl IntoIterator<Item = (&'a str, &'a CaseFigures, bool)>) -> Vec<Group> {
    use std::collections::BTreeMap;
    let mut by_key: BTreeMap<&str, Vec<(&CaseFigures, bool)>> = BTreeMap::new();
    for (key, figures, conforms) in cases {
        by_key.entry(key).or_default().push((figures, conforms));
    }
    by_key
        .into_iter()
        .map(|(key, cases)| group(key, &cases))
        .collect()
}

/// The figures of one group of cases.
pub fn group(key: &str, cases: &[(&CaseFigures, bool)]) -> Group {
    let n = cases.len().max(1) as f64;
    let ended: Vec<(f64, i64)> = cases.iter().filter_map(|(c, _)| c.throughput).collect();
    Group {
        key: key.to_owned(),
        cases: cases.len() as u64,
        ended: ended.len() as u64,
        throughput_hours: Durations::of(ended.iter().map(|t| t.0).collect()),
        throughput_working_days: Durations::of(ended.iter().map(|t| t.1 as f64).collect()),
        rework_rate: cases.iter().filter(|(c, _)| c.rework).count() as f64 / n,
        fitness: cases.iter().map(|(c, _)| c.fitness).sum::<f64>() / n,
        conforming: cases.iter().filter(|(_, ok)| *ok).count() as f64 / n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Step, StepKind};
    use crate::org::{BilingualName, DepartmentKind};
    use crate::people::Role;
    use chrono::{NaiveDate, Weekday};

    fn monday(day: u32, hour: u32) -> DateTime<Utc> {
        // 2026-10-05 is a Monday.
        NaiveDate::from_ymd_opt(2026, 10, 5 + day)
            .and_then(|d| d.and_hms_opt(hour, 0, 0))
            .expect("time")
            .and_utc()
    }

    fn event(activity: &str, lifecycle: Lifecycle, at: DateTime<Utc>, resource: &str) -> LogEvent {
        LogEvent {
            activity: activity.into(),
            lifecycle,
            at,
            resource: resource.into(),
            role: String::new(),
        }
    }

    #[test]
    fn visits_count_working_days_and_bottlenecks_rank_them() {
        let check = StepKind::DocumentCheck {
            department: DepartmentKind::TechnologyCenter,
        };
        let procedure = Procedure::new(
            vec![
                Step {
                    code: "docs".into(),
                    name: BilingualName::parse("docs", "docs").expect("name"),
                    actions: check.possible_actions().to_vec(),
                    kind: check,
                    role: Role::Clerk,
                    sla_working_days: 2,
                },
                Step {
                    code: "issue".into(),
                    name: BilingualName::parse("i", "i").expect("name"),
                    actions: vec![crate::catalog::Action::Issue],
                    kind: StepKind::Issuance {
                        department: DepartmentKind::Licensing,
                    },
                    role: Role::UnitHead,
                    sla_working_days: 1,
                },
            ],
            false,
            10,
        )
        .expect("procedure");
        // Friday and Saturday off: Monday → next Monday is 5 working days.
        let calendar = WorkCalendar::new(&[Weekday::Fri, Weekday::Sat], []);
        let slow = [
            event("submitted", Lifecycle::Complete, monday(0, 9), "applicant"),
            event(
                "docs/accept",
                Lifecycle::Start,
                monday(0, 9),
                "technology_center",
            ),
            event(
                "docs/accept",
                Lifecycle::Complete,
                monday(7, 9),
                "technology_center",
            ),
        ];
        let quick = [
            event(
                "docs/accept",
                Lifecycle::Start,
                monday(0, 9),
                "technology_center",
            ),
            event(
                "docs/accept",
                Lifecycle::Complete,
                monday(0, 15),
                "technology_center",
            ),
        ];
        let visits: Vec<StepVisit> = [&slow[..], &quick[..]]
            .iter()
            .flat_map(|events| step_visits(&procedure, &calendar, events))
            .collect();
        assert_eq!(
            visits
                .iter()
                .map(|v| (v.working_days, v.hours, v.over_sla()))
                .collect::<Vec<_>>(),
            [(5, 168.0, true), (0, 6.0, false)]
        );
        let list = bottlenecks(&visits);
        assert_eq!(list.len(), 1);
        assert_eq!((list[0].visits, list[0].over_sla), (2, 0.5));
        assert_eq!(list[0].working_days.p90, 5.0);

        let fast = CaseFigures {
            throughput: Some((6.0, 0)),
            rework: false,
            fitness: 1.0,
        };
        let late = CaseFigures {
            throughput: None,
            rework: true,
            fitness: 0.5,
        };
        let found = groups([("B", &fast, true), ("A", &late, false), ("B", &late, false)]);
        assert_eq!(
            found
                .iter()
                .map(|g| (g.key.as_str(), g.cases, g.ended))
                .collect::<Vec<_>>(),
            [("A", 1, 0), ("B", 2, 1)]
        );
        assert_eq!(
            (found[1].rework_rate, found[1].fitness, found[1].conforming),
            (0.5, 0.75, 0.5)
        );
        assert_eq!(found[0].throughput_hours, None);
    }
}
