//! The life of one past application of the demo, step by step through its
//! procedure with the workflow engine's own rules: files wait at each step
//! for a number of working days drawn around the step's service level (a
//! unit's slow department waits longer), some are returned and come back,
//! parallel approvals arrive in either order, some are refused or fail an
//! inspection. One unit's early counter files were entered afterwards from
//! its paper register without their inspection: the deviation the
//! conformance check finds.

use baladiya_domain::calendar::WorkCalendar;
use baladiya_domain::catalog::{Action, Procedure, StepKind};
use baladiya_domain::org::DepartmentKind;
use baladiya_domain::workflow::{self, Status, WorkflowState};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use serde_json::json;

use crate::applications::encode_departments;
use crate::demo_history::Dice;

/// The unit whose paper-register files skip the inspection.
pub(crate) const PAPER_REGISTER_UNIT: &str = "EG-GZ-AWS-MNS";

/// How much slower than usual a department of a unit is.
const SLOW: &[(&str, DepartmentKind, f64)] = &[
    ("EG-GZ-BDR", DepartmentKind::CivilDefenseLiaison, 2.6),
    ("EG-GZ-BDR-SQR", DepartmentKind::Engineering, 1.8),
    ("SA-04-KHB", DepartmentKind::Engineering, 2.2),
];

/// Where a life got to.
pub(crate) struct Life {
    pub state: WorkflowState,
    pub events: Vec<(&'static str, DateTime<Utc>, serde_json::Value)>,
    pub completed_at: Option<DateTime<Utc>>,
    pub times_returned: i32,
    /// When the file reached the step it is at.
    pub arrived: DateTime<Utc>,
    pub paid: bool,
}

pub(crate) struct Circumstances<'a> {
    pub procedure: &'a Procedure,
    pub calendar: &'a WorkCalendar,
    pub unit: &'a str,
    pub channel: &'a str,
    pub submitted_at: DateTime<Utc>,
    pub now: DateTime<Utc>,
    /// Chance of a return for completion at a step that offers it.
    pub returns: f64,
    /// The file was copied from the unit's paper register.
    pub from_paper: bool,
}

fn action_name(action: Action) -> &'static str {
    match action {
        Action::Accept => "application.accept",
        Action::ReturnForCompletion => "application.return_for_completion",
        Action::Approve => "application.approve",
        Action::Reject => "application.reject",
        Action::PassInspection => "application.pass_inspection",
        Action::FailInspection => "application.fail_inspection",
        Action::RecordPayment => "application.record_payment",
        Action::Issue => "application.issue",
    }
}

/// `days` working days after `from`, at an office hour.
fn after(
    calendar: &WorkCalendar,
    from: DateTime<Utc>,
    days: u32,
    dice: &mut Dice,
) -> DateTime<Utc> {
    let day: NaiveDate = calendar
        .add_working_days(from.date_naive(), days)
        .unwrap_or(from.date_naive());
    let at = Utc.from_utc_datetime(&day.and_time(NaiveTime::MIN))
        + Duration::hours(7 + dice.below(7) as i64)
        + Duration::minutes(dice.below(60) as i64);
    if at <= from {
        from + Duration::minutes(20 + dice.below(240) as i64)
    } else {
        at
    }
}

/// Lives `c`'s application until it ends or reaches `c.now`.
pub(crate) fn live(c: &Circumstances, dice: &mut Dice) -> Life {
    let mut life = Life {
        state: WorkflowState::submitted(),
        events: vec![(
            "application.submitted",
            c.submitted_at,
            json!({"channel": c.channel, "to": {"status": "in_progress", "step": 0}}),
        )],
        completed_at: None,
        times_returned: 0,
        arrived: c.submitted_at,
        paid: false,
    };
    let mut at = c.submitted_at;
    while !life.state.status.is_final() {
        let Some(step) = c.procedure.step(life.state.step) else {
            break;
        };
        if c.from_paper && matches!(step.kind, StepKind::Inspection { .. }) {
            // Not in the register: the file goes on without it.
            life.state.step += 1;
            continue;
        }
        let pending: Vec<DepartmentKind> = step
            .kind
            .departments()
            .into_iter()
            .filter(|d| !life.state.approvals.contains(d))
            .collect();
        // Parallel approvals come in either order.
        let department = pending[dice.below(pending.len() as u64) as usize];
        let slow = SLOW
            .iter()
            .find(|(u, d, _)| *u == c.unit && *d == department)
            .map_or(1.0, |s| s.2);
        let tail = if dice.chance(0.08) { 2.5 } else { 1.0 };
        let spread = 0.15 + dice.below(1_000) as f64 / 1_000.0;
        let days = (f64::from(step.sla_working_days) * spread * slow * tail).round() as u32;
        // Approvals of one step run side by side from the file's arrival.
        let start = if life.state.approvals.is_empty() {
            at
        } else {
            life.arrived
        };
        let done = after(c.calendar, start.max(life.arrived), days, dice).max(at);
        if done >= c.now {
            break;
        }
        let allowed = |a: Action| step.allows(a);
        let action = match &step.kind {
            StepKind::Payment { .. } => Action::RecordPayment,
            StepKind::Issuance { .. } => Action::Issue,
            StepKind::ParallelApprovals { .. } if dice.chance(0.03) => Action::Reject,
            StepKind::ParallelApprovals { .. } => Action::Approve,
            StepKind::Inspection { .. } if dice.chance(0.05) => Action::FailInspection,
            _ if allowed(Action::ReturnForCompletion)
                && life.times_returned < 2
                && dice.chance(c.returns) =>
            {
                Action::ReturnForCompletion
            }
            _ if allowed(Action::Reject) && dice.chance(0.04) => Action::Reject,
            StepKind::Inspection { .. } => Action::PassInspection,
            StepKind::Review { .. } => Action::Approve,
            _ => Action::Accept,
        };
        let Ok(transition) = workflow::act(c.procedure, &life.state, action, Some(department))
        else {
            break;
        };
        let next = transition.next;
        life.events.push((
            action_name(action),
            done,
            json!({
                "action": action.as_str(),
                "department": department.as_str(),
                "from": {"status": life.state.status.as_str(), "step": life.state.step},
                "to": {"status": next.status.as_str(), "step": next.step},
                "approvals": encode_departments(&next.approvals),
            }),
        ));
        at = done;
        life.paid |= action == Action::RecordPayment;
        if next.step != life.state.step || next.status != life.state.status {
            life.arrived = done;
        }
        if next.status.is_final() {
            life.completed_at = Some(done);
        }
        life.state = next;
        if life.state.status == Status::Returned {
            life.times_returned += 1;
            let back = done + Duration::hours(20 + dice.below(24 * 6) as i64);
            if back >= c.now {
                break;
            }
            life.state = workflow::resubmit(&life.state).unwrap_or(life.state);
            life.events.push((
                "application.resubmitted",
                back,
                json!({
                    "from": {"status": "returned", "step": life.state.step},
                    "to": {"status": "in_progress", "step": life.state.step},
                }),
            ));
            at = back;
            life.arrived = back;
        }
    }
    life
}
