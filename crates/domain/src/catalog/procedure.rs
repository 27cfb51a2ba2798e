//! The procedure of a service: its ordered steps.

use serde::Serialize;

use crate::org::{BilingualName, DepartmentKind};
use crate::people::Role;

/// What an officer can do on a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Documents are complete: move on.
    Accept,
    /// Something is missing: back to the applicant, the clock paused.
    ReturnForCompletion,
    /// A department approves (for parallel approvals, its own part).
    Approve,
    /// Refused, with a reason. Ends the application.
    Reject,
    /// The field inspection found everything in order.
    PassInspection,
    /// The field inspection found a breach. Ends the application.
    FailInspection,
    /// The fee was paid; a receipt number is recorded.
    RecordPayment,
    /// The license or permit is issued. Ends the application.
    Issue,
}

impl Action {
    pub const ALL: [Action; 8] = [
        Action::Accept,
        Action::ReturnForCompletion,
        Action::Approve,
        Action::Reject,
        Action::PassInspection,
        Action::FailInspection,
        Action::RecordPayment,
        Action::Issue,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::ReturnForCompletion => "return_for_completion",
            Action::Approve => "approve",
            Action::Reject => "reject",
            Action::PassInspection => "pass_inspection",
            Action::FailInspection => "fail_inspection",
            Action::RecordPayment => "record_payment",
            Action::Issue => "issue",
        }
    }

    pub fn parse(text: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str() == text)
            .ok_or("action-unknown")
    }

    /// Actions that need a written reason for the applicant.
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            Action::ReturnForCompletion | Action::Reject | Action::FailInspection
        )
    }
}

/// The kind of a step fixes which actions it allows and which departments do it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepKind {
    DocumentCheck {
        department: DepartmentKind,
    },
    Review {
        department: DepartmentKind,
    },
    /// Every listed department must approve; any rejection rejects.
    ParallelApprovals {
        departments: Vec<DepartmentKind>,
    },
    Inspection {
        department: DepartmentKind,
    },
    Payment {
        department: DepartmentKind,
    },
    Issuance {
        department: DepartmentKind,
    },
}

impl StepKind {
    pub fn name(&self) -> &'static str {
        match self {
            StepKind::DocumentCheck { .. } => "document_check",
            StepKind::Review { .. } => "review",
            StepKind::ParallelApprovals { .. } => "parallel_approvals",
            StepKind::Inspection { .. } => "inspection",
            StepKind::Payment { .. } => "payment",
            StepKind::Issuance { .. } => "issuance",
        }
    }

    /// Every action a step of this kind can offer.
    pub fn possible_actions(&self) -> &'static [Action] {
        use Action::*;
        match self {
            StepKind::DocumentCheck { .. } => &[Accept, ReturnForCompletion, Reject],
            StepKind::Review { .. } => &[Approve, ReturnForCompletion, Reject],
            StepKind::ParallelApprovals { .. } => &[Approve, Reject],
            StepKind::Inspection { .. } => &[PassInspection, FailInspection, ReturnForCompletion],
            StepKind::Payment { .. } => &[RecordPayment],
            StepKind::Issuance { .. } => &[Issue],
        }
    }

    /// The departments that act on this step.
    pub fn departments(&self) -> Vec<DepartmentKind> {
        match self {
            StepKind::ParallelApprovals { departments } => departments.clone(),
            StepKind::DocumentCheck { department }
            | StepKind::Review { department }
            | StepKind::Inspection { department }
            | StepKind::Payment { department }
            | StepKind::Issuance { department } => vec![*department],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub code: String,
    pub name: BilingualName,
    pub kind: StepKind,
    /// The role that acts on this step, in the application's unit or above.
    pub role: Role,
    pub sla_working_days: u32,
    /// The actions offered: the kind's actions, or a subset the catalog chose.
    pub actions: Vec<Action>,
}

impl Step {
    pub fn allows(&self, action: Action) -> bool {
        self.actions.contains(&action)
    }
}

/// One problem with a procedure's shape: the step it is about (if one),
/// the field, and a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcedureProblem {
    pub step: Option<usize>,
    pub field: &'static str,
    pub code: &'static str,
}

/// The ordered steps of a service. Made only by [`Procedure::new`], which
/// enforces the shape every procedure must have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Procedure {
    steps: Vec<Step>,
}

impl Procedure {
    /// Checks the procedure's shape and reports every problem.
    pub fn new(
        steps: Vec<Step>,
        has_fee: bool,
        total_sla: u32,
    ) -> Result<Self, Vec<ProcedureProblem>> {
        let mut found = Vec::new();
        if steps.is_empty() {
            found.push((None, "steps", "procedure-empty"));
        }
        for (i, step) in steps.iter().enumerate() {
            if steps[..i].iter().any(|s| s.code == step.code) {
                found.push((Some(i), "code", "step-code-duplicate"));
            }
            if step
                .actions
                .iter()
                .any(|a| !step.kind.possible_actions().contains(a))
            {
                found.push((Some(i), "actions", "step-action-not-possible"));
            }
            if step.actions.is_empty() {
                found.push((Some(i), "actions", "step-actions-empty"));
            }
            if let StepKind::ParallelApprovals { departments } = &step.kind {
                if departments.len() < 2 {
                    found.push((Some(i), "departments", "parallel-needs-two-departments"));
                }
                if departments
                    .iter()
                    .enumerate()
                    .any(|(j, d)| departments[..j].contains(d))
                {
                    found.push((Some(i), "departments", "department-duplicate"));
                }
            }
            if matches!(step.kind, StepKind::Issuance { .. }) && i + 1 != steps.len() {
                found.push((Some(i), "kind", "issuance-must-be-last"));
            }
        }
        if !steps.is_empty() && !matches!(steps[steps.len() - 1].kind, StepKind::Issuance { .. }) {
            found.push((
                Some(steps.len() - 1),
                "kind",
                "procedure-must-end-with-issuance",
            ));
        }
        let payments = steps
            .iter()
            .filter(|s| matches!(s.kind, StepKind::Payment { .. }))
            .count();
        if has_fee && payments != 1 {
            found.push((None, "steps", "fee-needs-one-payment-step"));
        }
        if !has_fee && payments > 0 {
            found.push((None, "fee", "payment-step-needs-fee"));
        }
        let sum: u32 = steps.iter().map(|s| s.sla_working_days).sum();
        if sum > total_sla {
            found.push((None, "sla_working_days", "step-slas-exceed-total"));
        }
        if found.is_empty() {
            Ok(Self { steps })
        } else {
            Err(found
                .into_iter()
                .map(|(step, field, code)| ProcedureProblem { step, field, code })
                .collect())
        }
    }

    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    pub fn step(&self, index: usize) -> Option<&Step> {
        self.steps.get(index)
    }
}
