//! Everything the improvement committee reads of a set of cases, in one
//! pass: the directly-follows graph, variants, bottlenecks, conformance,
//! and figures by unit, channel and month; and which cases lie behind
//! each figure.

use chrono::{DateTime, Datelike, Utc};

use super::conformance::{self, Conformance, Deviation};
use super::performance::{self, Bottleneck, CaseFigures, Group, StepVisit};
use super::{Arc, Lifecycle, LogEvent, Variant, directly_follows, has_rework, variants};
use crate::calendar::WorkCalendar;
use crate::catalog::Procedure;

/// A case with what the analysis needs of it.
#[derive(Debug, Clone)]
pub struct AnalysedCase {
    pub tracking_number: String,
    /// The service's code.
    pub service: String,
    pub unit: String,
    pub channel: String,
    /// The month of submission, `YYYY-MM`.
    pub month: String,
    pub events: Vec<LogEvent>,
    pub visits: Vec<StepVisit>,
    pub figures: CaseFigures,
    pub conformance: Conformance,
}

impl AnalysedCase {
    /// `ended`: the application is closed (issued or rejected), so its
    /// last activity ends its throughput time.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        procedure: &Procedure,
        calendar: &WorkCalendar,
        tracking_number: String,
        service: String,
        unit: String,
        channel: String,
        submitted_at: DateTime<Utc>,
        events: Vec<LogEvent>,
        ended: bool,
    ) -> Self {
        let conformance = conformance::check(procedure, &events);
        let visits = performance::step_visits(procedure, calendar, &events);
        let last = events
            .iter()
            .rev()
            .find(|e| e.lifecycle == Lifecycle::Complete)
            .map(|e| e.at);
        let throughput = last.filter(|_| ended).map(|last| {
            (
                (last - submitted_at).num_seconds() as f64 / 3600.0,
                performance::working_days(calendar, submitted_at, last),
            )
        });
        AnalysedCase {
            figures: CaseFigures {
                throughput,
                rework: has_rework(&events),
                fitness: conformance.fitness,
            },
            month: format!("{:04}-{:02}", submitted_at.year(), submitted_at.month()),
            tracking_number,
            service,
            unit,
            channel,
            events,
            visits,
            conformance,
        }
    }
}

/// How often one kind of deviation happened.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviationCount {
    pub deviation: Deviation,
    pub cases: u64,
}

/// How often an activity was completed, and in how many cases.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityCount {
    pub activity: String,
    pub count: u64,
    pub cases: u64,
    /// Cases that began with it.
    pub starts: u64,
    /// Cases whose last activity it is.
    pub ends: u64,
    /// Where it first comes in its cases on average (0: first), to lay
    /// the map out in the order files go.
    pub mean_position: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub overall: Group,
    pub activities: Vec<ActivityCount>,
    pub arcs: Vec<Arc>,
    pub variants: Vec<Variant>,
    pub bottlenecks: Vec<Bottleneck>,
    pub deviations: Vec<DeviationCount>,
    pub by_unit: Vec<Group>,
    pub by_channel: Vec<Group>,
    pub by_month: Vec<Group>,
}

/// Analyses `cases`.
pub fn analyse(cases: &[AnalysedCase]) -> Analysis {
    use std::collections::BTreeMap;
    let logs = || cases.iter().map(|c| c.events.as_slice());
    let mut activities: BTreeMap<&str, ActivityCount> = BTreeMap::new();
    let mut deviations: BTreeMap<&Deviation, u64> = BTreeMap::new();
    for case in cases {
        let done: Vec<&str> = case
            .events
            .iter()
            .filter(|e| e.lifecycle == Lifecycle::Complete)
            .map(|e| e.activity.as_str())
            .collect();
        for (i, activity) in done.iter().enumerate() {
            let entry = activities.entry(activity).or_insert_with(|| ActivityCount {
                activity: (*activity).to_owned(),
                count: 0,
                cases: 0,
                starts: 0,
                ends: 0,
                mean_position: 0.0,
            });
            entry.count += 1;
            if !done[..i].contains(activity) {
                entry.cases += 1;
                // A running sum for now; divided once all are counted.
                entry.mean_position += i as f64;
            }
            entry.starts += u64::from(i == 0);
            entry.ends += u64::from(i + 1 == done.len());
        }
        let mut seen: Vec<&Deviation> = Vec::new();
        for deviation in &case.conformance.deviations {
            if !seen.contains(&deviation) {
                seen.push(deviation);
                *deviations.entry(deviation).or_default() += 1;
            }
        }
    }
    let mut activities: Vec<ActivityCount> = activities.into_values().collect();
    for a in &mut activities {
        a.mean_position /= a.cases.max(1) as f64;
    }
    activities.sort_by(|a, b| b.count.cmp(&a.count).then(a.activity.cmp(&b.activity)));
    let mut deviations: Vec<DeviationCount> = deviations
        .into_iter()
        .map(|(deviation, cases)| DeviationCount {
            deviation: deviation.clone(),
            cases,
        })
        .collect();
    deviations.sort_by(|a, b| b.cases.cmp(&a.cases).then(a.deviation.cmp(&b.deviation)));
    let of = |key: fn(&AnalysedCase) -> &str| {
        performance::groups(
            cases
                .iter()
                .map(|c| (key(c), &c.figures, c.conformance.conforms())),
        )
    };
    let all: Vec<(&CaseFigures, bool)> = cases
        .iter()
        .map(|c| (&c.figures, c.conformance.conforms()))
        .collect();
    Analysis {
        overall: performance::group("", &all),
        activities,
        arcs: directly_follows(logs()),
        variants: variants(logs()),
        bottlenecks: performance::bottlenecks(cases.iter().flat_map(|c| &c.visits)),
        deviations,
        by_unit: of(|c| &c.unit),
        by_channel: of(|c| &c.channel),
        by_month: of(|c| &c.month),
    }
}

/// The cases behind one figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// Cases that took this path of completed activities.
    Variant(Vec<String>),
    /// Cases in which `to` directly followed `from`.
    Arc { from: String, to: String },
    /// Cases that waited longer than the service level at a step (by a
    /// department).
    OverSla { step: String, department: String },
    /// Cases with this deviation (kind and step or activity).
    Deviation { kind: String, subject: String },
    /// Cases with any deviation.
    Deviating,
    /// Cases that went round a loop.
    Rework,
}

impl Selector {
    pub fn matches(&self, case: &AnalysedCase) -> bool {
        let done = || {
            case.events
                .iter()
                .filter(|e| e.lifecycle == Lifecycle::Complete)
                .map(|e| e.activity.as_str())
        };
        match self {
            Selector::Variant(path) => done().eq(path.iter().map(String::as_str)),
            Selector::Arc { from, to } => {
                let list: Vec<&str> = done().collect();
                list.windows(2).any(|w| w[0] == from && w[1] == to)
            }
            Selector::OverSla { step, department } => case
                .visits
                .iter()
                .any(|v| &v.step == step && &v.department == department && v.over_sla()),
            Selector::Deviation { kind, subject } => case
                .conformance
                .deviations
                .iter()
                .any(|d| d.kind() == kind && d.subject() == subject),
            Selector::Deviating => !case.conformance.conforms(),
            Selector::Rework => case.figures.rework,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Step, StepKind};
    use crate::org::{BilingualName, DepartmentKind};
    use crate::people::Role;
    use chrono::Weekday;

    #[test]
    fn one_pass_gives_every_figure_and_its_cases() {
        let kind = StepKind::Review {
            department: DepartmentKind::Engineering,
        };
        let procedure = Procedure::new(
            vec![
                Step {
                    code: "review".into(),
                    name: BilingualName::parse("r", "r").expect("name"),
                    actions: kind.possible_actions().to_vec(),
                    kind,
                    role: Role::DepartmentOfficer,
                    sla_working_days: 1,
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
            5,
        )
        .expect("procedure");
        let calendar = WorkCalendar::new(&[Weekday::Fri, Weekday::Sat], []);
        let t = |h: i64| DateTime::from_timestamp(1_759_651_200 + h * 3600, 0).expect("t");
        let e = |a: &str, l: Lifecycle, h: i64, r: &str| LogEvent {
            activity: a.into(),
            lifecycle: l,
            at: t(h),
            resource: r.into(),
            role: String::new(),
        };
        let approved = AnalysedCase::new(
            &procedure,
            &calendar,
            "A-1".into(),
            "S".into(),
            "EG-GZ-BDR".into(),
            "online".into(),
            t(0),
            vec![
                e("submitted", Lifecycle::Complete, 0, "applicant"),
                e("review/approve", Lifecycle::Start, 0, "engineering"),
                e("review/approve", Lifecycle::Complete, 100, "engineering"),
            ],
            true,
        );
        let odd = AnalysedCase::new(
            &procedure,
            &calendar,
            "A-2".into(),
            "S".into(),
            "EG-GZ-AWS".into(),
            "counter".into(),
            t(0),
            vec![e("review/approve", Lifecycle::Complete, 2, "revenue")],
            false,
        );
        let cases = [approved, odd];
        let analysis = analyse(&cases);
        assert_eq!(analysis.overall.cases, 2);
        assert_eq!(analysis.overall.conforming, 0.5);
        assert_eq!(analysis.by_unit.len(), 2);
        assert_eq!(analysis.bottlenecks[0].over_sla, 1.0);
        let kinds: Vec<(&str, u64)> = analysis
            .deviations
            .iter()
            .map(|d| (d.deviation.kind(), d.cases))
            .collect();
        assert_eq!(kinds, [("skipped", 1), ("other_department", 1)]);
        let pick = |selector: Selector| -> Vec<&str> {
            cases
                .iter()
                .filter(|c| selector.matches(c))
                .map(|c| c.tracking_number.as_str())
                .collect()
        };
        assert_eq!(pick(Selector::Deviating), ["A-2"]);
        assert_eq!(
            pick(Selector::OverSla {
                step: "review".into(),
                department: "engineering".into()
            }),
            ["A-1"]
        );
        assert_eq!(
            pick(Selector::Arc {
                from: "submitted".into(),
                to: "review/approve".into()
            }),
            ["A-1"]
        );
        assert_eq!(
            pick(Selector::Variant(vec!["review/approve".into()])),
            ["A-2"]
        );
        let review = &analysis.activities[0];
        assert_eq!(
            (review.activity.as_str(), review.count, review.starts),
            ("review/approve", 2, 1)
        );
    }
}
