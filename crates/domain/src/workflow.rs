//! The workflow engine's rules: how an application moves through its
//! procedure. Pure: the app layer loads the state, asks [`act`], and saves
//! the result together with its event in one transaction.

use serde::Serialize;

use crate::ErrorCode;
use crate::catalog::{Action, Procedure, StepKind};
use crate::org::DepartmentKind;

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Waiting for the staff of the current step.
    InProgress,
    /// Sent back to the applicant to complete; the SLA clock is paused.
    Returned,
    /// Refused. Final.
    Rejected,
    /// The license or permit was issued. Final.
    Issued,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::InProgress => "in_progress",
            Status::Returned => "returned",
            Status::Rejected => "rejected",
            Status::Issued => "issued",
        }
    }

    pub fn parse(text: &str) -> Result<Self, &'static str> {
        [
            Status::InProgress,
            Status::Returned,
            Status::Rejected,
            Status::Issued,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
        .ok_or("status-unknown")
    }

    pub fn is_final(self) -> bool {
        matches!(self, Status::Rejected | Status::Issued)
    }
}

/// The workflow part of an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowState {
    pub status: Status,
    /// Index of the current step in the procedure.
    pub step: usize,
    /// Departments that approved the current parallel-approvals step.
    pub approvals: Vec<DepartmentKind>,
}

impl WorkflowState {
    /// A newly submitted application: at the first step.
    pub fn submitted() -> Self {
        Self {
            status: Status::InProgress,
            step: 0,
            approvals: Vec::new(),
        }
    }
}

/// What happened, for the event log and the applicant's notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The application moved on to the next step.
    Advanced,
    /// One department approved; others still have to.
    ApprovalRecorded,
    Returned,
    Rejected,
    Issued,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub next: WorkflowState,
    pub outcome: Outcome,
}

/// Why an action cannot be taken now. Each is a stable error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("the application is closed")]
    Closed,
    #[error("the application is waiting for the applicant")]
    WaitingForApplicant,
    #[error("this action is not offered on the current step")]
    ActionNotAllowed,
    #[error("the department is not part of this step")]
    DepartmentNotInStep,
    #[error("this department already approved")]
    AlreadyApproved,
    #[error("the application is not waiting for the applicant")]
    NotReturned,
}

impl WorkflowError {
    pub fn code(self) -> ErrorCode {
        match self {
            WorkflowError::Closed => ErrorCode::ApplicationClosed,
            WorkflowError::WaitingForApplicant => ErrorCode::ApplicationWaitingForApplicant,
            WorkflowError::ActionNotAllowed => ErrorCode::ActionNotAllowedNow,
            WorkflowError::DepartmentNotInStep => ErrorCode::DepartmentNotInStep,
            WorkflowError::AlreadyApproved => ErrorCode::DepartmentAlreadyApproved,
            WorkflowError::NotReturned => ErrorCode::ApplicationNotReturned,
        }
    }
}

/// Applies `action` to an application at `state`. `department` says on
/// behalf of which department the officer acts (needed on
/// parallel-approvals steps; checked against the step elsewhere).
pub fn act(
    procedure: &Procedure,
    state: &WorkflowState,
    action: Action,
    department: Option<DepartmentKind>,
) -> Result<Transition, WorkflowError> {
    match state.status {
        Status::Rejected | Status::Issued => return Err(WorkflowError::Closed),
        Status::Returned => return Err(WorkflowError::WaitingForApplicant),
        Status::InProgress => {}
    }
    let step = procedure.step(state.step).ok_or(WorkflowError::Closed)?;
    if !step.allows(action) {
        return Err(WorkflowError::ActionNotAllowed);
    }
    let moved = |outcome| Transition {
        next: WorkflowState {
            status: Status::InProgress,
            step: state.step + 1,
            approvals: Vec::new(),
        },
        outcome,
    };
    let stay = |status, outcome| Transition {
        next: WorkflowState {
            status,
            step: state.step,
            approvals: state.approvals.clone(),
        },
        outcome,
    };
    Ok(match action {
        Action::Reject | Action::FailInspection => stay(Status::Rejected, Outcome::Rejected),
        Action::ReturnForCompletion => stay(Status::Returned, Outcome::Returned),
        Action::Issue => stay(Status::Issued, Outcome::Issued),
        Action::Approve => match &step.kind {
            StepKind::ParallelApprovals { departments } => {
                let department = department.ok_or(WorkflowError::DepartmentNotInStep)?;
                if !departments.contains(&department) {
                    return Err(WorkflowError::DepartmentNotInStep);
                }
                if state.approvals.contains(&department) {
                    return Err(WorkflowError::AlreadyApproved);
                }
                let mut approvals = state.approvals.clone();
                approvals.push(department);
                if departments.iter().all(|d| approvals.contains(d)) {
                    moved(Outcome::Advanced)
                } else {
                    Transition {
                        next: WorkflowState {
                            status: Status::InProgress,
                            step: state.step,
                            approvals,
                        },
                        outcome: Outcome::ApprovalRecorded,
                    }
                }
            }
            _ => moved(Outcome::Advanced),
        },
        Action::Accept | Action::PassInspection | Action::RecordPayment => moved(Outcome::Advanced),
    })
}

/// The applicant completed what was asked: the application goes back to
/// the step that returned it, with that step's approvals kept.
pub fn resubmit(state: &WorkflowState) -> Result<WorkflowState, WorkflowError> {
    if state.status != Status::Returned {
        return Err(WorkflowError::NotReturned);
    }
    Ok(WorkflowState {
        status: Status::InProgress,
        ..state.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Step, StepKind};
    use crate::org::{BilingualName, DepartmentKind::*};
    use crate::people::Role;

    fn step(code: &str, kind: StepKind, role: Role) -> Step {
        Step {
            code: code.into(),
            name: BilingualName::parse("خطوة", "Step").expect("name"),
            actions: kind.possible_actions().to_vec(),
            kind,
            role,
            sla_working_days: 2,
        }
    }

    fn building_permit() -> Procedure {
        Procedure::new(
            vec![
                step(
                    "docs",
                    StepKind::DocumentCheck {
                        department: TechnologyCenter,
                    },
                    Role::Clerk,
                ),
                step(
                    "approvals",
                    StepKind::ParallelApprovals {
                        departments: vec![Engineering, CivilDefenseLiaison],
                    },
                    Role::DepartmentOfficer,
                ),
                step(
                    "inspection",
                    StepKind::Inspection {
                        department: Engineering,
                    },
                    Role::DepartmentOfficer,
                ),
                step(
                    "payment",
                    StepKind::Payment {
                        department: Revenue,
                    },
                    Role::Clerk,
                ),
                step(
                    "issue",
                    StepKind::Issuance {
                        department: Licensing,
                    },
                    Role::UnitHead,
                ),
            ],
            true,
            30,
        )
        .expect("valid procedure")
    }

    #[test]
    fn the_happy_path_reaches_issuance() {
        let p = building_permit();
        let mut s = WorkflowState::submitted();
        s = act(&p, &s, Action::Accept, None).expect("accept").next;
        let t = act(&p, &s, Action::Approve, Some(Engineering)).expect("one approval");
        assert_eq!(t.outcome, Outcome::ApprovalRecorded);
        assert_eq!(t.next.step, 1, "still waiting for civil defense");
        let t = act(&p, &t.next, Action::Approve, Some(CivilDefenseLiaison)).expect("both");
        assert_eq!((t.outcome, t.next.step), (Outcome::Advanced, 2));
        assert!(t.next.approvals.is_empty());
        s = act(&p, &t.next, Action::PassInspection, None)
            .expect("inspection")
            .next;
        s = act(&p, &s, Action::RecordPayment, None).expect("paid").next;
        let t = act(&p, &s, Action::Issue, None).expect("issued");
        assert_eq!(
            (t.outcome, t.next.status),
            (Outcome::Issued, Status::Issued)
        );
        assert_eq!(
            act(&p, &t.next, Action::Issue, None),
            Err(WorkflowError::Closed)
        );
    }

    #[test]
    fn parallel_approvals_check_departments() {
        let p = building_permit();
        let s = act(&p, &WorkflowState::submitted(), Action::Accept, None)
            .expect("accept")
            .next;
        assert_eq!(
            act(&p, &s, Action::Approve, None),
            Err(WorkflowError::DepartmentNotInStep)
        );
        assert_eq!(
            act(&p, &s, Action::Approve, Some(Revenue)),
            Err(WorkflowError::DepartmentNotInStep)
        );
        let once = act(&p, &s, Action::Approve, Some(Engineering))
            .expect("approve")
            .next;
        assert_eq!(
            act(&p, &once, Action::Approve, Some(Engineering)),
            Err(WorkflowError::AlreadyApproved)
        );
        let rejected = act(&p, &once, Action::Reject, Some(CivilDefenseLiaison)).expect("reject");
        assert_eq!(
            rejected.next.status,
            Status::Rejected,
            "any rejection rejects"
        );
    }

    #[test]
    fn every_action_is_allowed_only_where_the_step_offers_it() {
        let p = building_permit();
        let mut s = WorkflowState::submitted();
        for (index, step) in p.steps().iter().enumerate() {
            s.step = index;
            s.approvals.clear();
            for action in Action::ALL {
                let result = act(&p, &s, action, step.kind.departments().first().copied());
                assert_eq!(
                    result.is_ok(),
                    step.allows(action),
                    "{action:?} on {}",
                    step.code
                );
                if !step.allows(action) {
                    assert_eq!(result, Err(WorkflowError::ActionNotAllowed));
                }
            }
        }
    }

    #[test]
    fn return_for_completion_waits_for_the_applicant() {
        let p = building_permit();
        let s = WorkflowState::submitted();
        let returned = act(&p, &s, Action::ReturnForCompletion, None)
            .expect("return")
            .next;
        assert_eq!(returned.status, Status::Returned);
        assert_eq!(
            act(&p, &returned, Action::Accept, None),
            Err(WorkflowError::WaitingForApplicant)
        );
        let back = resubmit(&returned).expect("resubmit");
        assert_eq!((back.status, back.step), (Status::InProgress, 0));
        assert_eq!(resubmit(&back), Err(WorkflowError::NotReturned));
    }

    #[test]
    fn procedures_must_have_a_sound_shape() {
        let issue = step(
            "issue",
            StepKind::Issuance {
                department: Licensing,
            },
            Role::UnitHead,
        );
        let pay = step(
            "pay",
            StepKind::Payment {
                department: Revenue,
            },
            Role::Clerk,
        );
        let codes = |r: Result<Procedure, Vec<crate::catalog::ProcedureProblem>>| {
            r.expect_err("invalid")
                .into_iter()
                .map(|p| p.code)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            codes(Procedure::new(vec![], false, 10)),
            ["procedure-empty"]
        );
        assert_eq!(
            codes(Procedure::new(vec![issue.clone(), pay.clone()], true, 10)),
            ["issuance-must-be-last", "procedure-must-end-with-issuance"]
        );
        assert_eq!(
            codes(Procedure::new(vec![issue.clone()], true, 10)),
            ["fee-needs-one-payment-step"]
        );
        assert_eq!(
            codes(Procedure::new(vec![pay.clone(), issue.clone()], false, 10)),
            ["payment-step-needs-fee"]
        );
        assert_eq!(
            codes(Procedure::new(vec![pay, issue.clone()], true, 3)),
            ["step-slas-exceed-total"]
        );
        let mut odd = issue;
        odd.actions = vec![Action::Approve];
        assert_eq!(
            codes(Procedure::new(vec![odd], false, 10)),
            ["step-action-not-possible"]
        );
    }
}
