//! Accountability: what became of each project a participatory budget
//! selected — its status, progress, budget line allocated and spent,
//! dated milestones, and the proposal and reports it came from — reported
//! by staff, followed by citizens, who are told of each update through the
//! notification outbox.

use baladiya_domain::ErrorCode;
use baladiya_domain::participation::delivery::Delivery;
use baladiya_domain::people::Permission;
use baladiya_store::{CitizenSession, DeliveryRow, DeliveryUpdate, MilestoneRow, ProjectRow};
use chrono::NaiveDate;
use serde_json::json;

use crate::participation::{BudgetView, ProcessView};
use crate::participation_proposals::ProposalView;
use crate::{App, AppError, Principal};

/// A decided project with its delivery.
#[derive(Debug, Clone)]
pub struct ProjectView {
    pub process: ProcessView,
    pub budget: BudgetView,
    pub project: ProjectRow,
    /// Whether the signed-off result selected it.
    pub selected: bool,
    pub delivery: Option<DeliveryRow>,
    pub milestones: Vec<MilestoneRow>,
    /// The proposal it grew from, and that proposal's reports.
    pub proposal: Option<ProposalView>,
}

/// What staff report of a project's delivery, as typed.
#[derive(Debug, Clone, Default)]
pub struct DeliveryForm {
    pub status: String,
    pub progress: String,
    pub allocated: String,
    pub spent: String,
    pub note: String,
    /// A new milestone: Arabic and English titles and its due day
    /// (`YYYY-MM-DD`), all empty for none.
    pub milestone: (String, String, String),
    /// Milestones reached today.
    pub reached: Vec<i64>,
}

impl App {
    /// A project of a budget with its delivery.
    pub async fn project_view(&self, id: i64) -> Result<ProjectView, AppError> {
        let project = self.store.project(id).await?.ok_or(AppError::NotFound)?;
        let (process, budget) = self.budget(project.budget_id).await?;
        let selected = budget
            .result
            .as_ref()
            .is_some_and(|r| r.selected.contains(&project.code));
        let proposal = match project.proposal_id {
            Some(p) => Some(self.proposal(p).await?.1),
            None => None,
        };
        Ok(ProjectView {
            delivery: self.store.delivery(id).await?,
            milestones: self.store.milestones_of(id).await?,
            process,
            budget,
            project,
            selected,
            proposal,
        })
    }

    /// Staff with `ManageParticipation` report a selected project's
    /// delivery; each follower is told. Gives how many were told.
    pub async fn update_delivery(
        &self,
        by: Option<&Principal>,
        id: i64,
        form: &DeliveryForm,
    ) -> Result<usize, AppError> {
        let view = self.project_view(id).await?;
        if let Some(who) = by {
            who.access
                .require(Permission::ManageParticipation, &view.budget.unit.path)?;
        }
        if !view.selected {
            return Err(AppError::Refused(ErrorCode::PhaseClosed));
        }
        let delivery = Delivery::parse(
            &form.status,
            &form.progress,
            &form.allocated,
            &form.spent,
            &form.note,
        );
        let (ar, en, due) = &form.milestone;
        let milestone = match (ar.trim(), en.trim(), due.trim()) {
            ("", "", "") => Ok(None),
            (ar, en, due)
                if !ar.is_empty() && !en.is_empty() && ar.len() <= 400 && en.len() <= 400 =>
            {
                NaiveDate::parse_from_str(due, "%Y-%m-%d")
                    .map(|day| Some((ar.to_owned(), en.to_owned(), day)))
                    .map_err(|_| {
                        vec![baladiya_domain::FieldError::new(
                            "milestone_due",
                            "milestone-invalid",
                        )]
                    })
            }
            _ => Err(vec![baladiya_domain::FieldError::new(
                "milestone_ar",
                "milestone-invalid",
            )]),
        };
        let (delivery, milestone) = match (delivery, milestone) {
            (Ok(d), Ok(m)) => (d, m),
            (d, m) => {
                let mut errors = d.err().unwrap_or_default();
                errors.extend(m.err().unwrap_or_default());
                return Err(AppError::Invalid(errors));
            }
        };
        let today = view.process.today;
        let reached: Vec<(i64, NaiveDate)> = form.reached.iter().map(|m| (*m, today)).collect();
        let milestones: Vec<(String, String, NaiveDate)> = milestone.into_iter().collect();
        let p = &view.project;
        let notice = json!({
            "service_ar": format!("{} — {}٪", p.title_ar, delivery.progress),
            "service_en": format!("{} — {}%", p.title_en, delivery.progress),
            "status": delivery.status.as_str(),
            "progress": delivery.progress,
            "project_id": p.id,
            "note": delivery.note,
        });
        Ok(self
            .store
            .update_delivery(&DeliveryUpdate {
                project_id: id,
                unit_id: view.budget.unit.id,
                status: delivery.status.as_str(),
                progress: delivery.progress,
                allocated: delivery.allocated,
                spent: delivery.spent,
                note: &delivery.note,
                milestones: &milestones,
                reached: &reached,
                notice,
                actor_id: by.map(|p| p.user_id),
                at: self.now(),
            })
            .await?)
    }

    /// A signed-in citizen follows a selected project; false when they
    /// did already.
    pub async fn follow_project(
        &self,
        citizen: &CitizenSession,
        id: i64,
    ) -> Result<bool, AppError> {
        let view = self.project_view(id).await?;
        if !view.selected {
            return Err(AppError::NotFound);
        }
        Ok(self
            .store
            .follow_project(id, &citizen.mobile, self.now())
            .await?)
    }

    pub async fn follows_project(
        &self,
        citizen: &CitizenSession,
        id: i64,
    ) -> Result<bool, AppError> {
        Ok(self.store.follows_project(id, &citizen.mobile).await?)
    }
}
