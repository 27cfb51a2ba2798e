//! Proposals of a participatory process: a signed-in citizen submits one
//! while proposals are open, others support it (once each, whatever the
//! number of tries), a proposal reaching the process's threshold goes to
//! the department concerned for review, staff open one from a cluster of
//! citizen reports, and moderators hide one with a public reason. Every
//! change is an event of the proposal: the moderation log.

use baladiya_domain::ErrorCode;
use baladiya_domain::participation::phases::PhaseKind;
use baladiya_domain::participation::proposals::{NewProposal, Review, Standing};
use baladiya_domain::people::Permission;
use baladiya_store::{CitizenSession, NewProposalRow, ProposalChange, ProposalRow};

use crate::participation::ProcessView;
use crate::{App, AppError, Principal};

/// A proposal with where it stands.
#[derive(Debug, Clone)]
pub struct ProposalView {
    pub proposal: ProposalRow,
    pub standing: Standing,
    /// The citizen reports it cites.
    pub reports: Vec<i64>,
}

/// The fields of a proposal as typed.
#[derive(Debug, Clone, Default)]
pub struct ProposalForm {
    pub title: String,
    pub description: String,
    pub category: String,
    pub cost: String,
    pub latitude: String,
    pub longitude: String,
}

impl ProposalForm {
    fn parse(&self) -> Result<NewProposal, AppError> {
        NewProposal::parse(
            &self.title,
            &self.description,
            &self.category,
            &self.cost,
            &self.latitude,
            &self.longitude,
        )
        .map_err(AppError::Invalid)
    }
}

fn view(process: &ProcessView, proposal: ProposalRow) -> ProposalView {
    ProposalView {
        standing: Standing::of(
            &proposal.review,
            proposal.supports,
            process.process.support_threshold,
            proposal.hidden_reason.is_some(),
        ),
        reports: serde_json::from_str(&proposal.reports).unwrap_or_default(),
        proposal,
    }
}

/// Staff who handle reports or manage participation in the process's
/// tree (above or below its unit) review and open proposals.
fn require_reviewer(who: &Principal, process: &ProcessView) -> Result<(), AppError> {
    let path = &process.unit.path;
    if who.access.reaches(Permission::HandleReports, path) {
        return Ok(());
    }
    Ok(who
        .access
        .require_reach(Permission::ManageParticipation, path)?)
}

impl App {
    /// A process's proposals, the most supported first.
    pub async fn proposals_of(&self, process: &ProcessView) -> Result<Vec<ProposalView>, AppError> {
        Ok(self
            .store
            .proposals_of(process.process.id)
            .await?
            .into_iter()
            .map(|p| view(process, p))
            .collect())
    }

    /// A proposal with its process.
    pub async fn proposal(&self, id: i64) -> Result<(ProcessView, ProposalView), AppError> {
        let proposal = self.store.proposal(id).await?.ok_or(AppError::NotFound)?;
        let process = self.process_view_of(proposal.process_id).await?;
        Ok((process.clone(), view(&process, proposal)))
    }

    /// A signed-in citizen's proposal, while proposals are open.
    pub async fn submit_proposal(
        &self,
        citizen: &CitizenSession,
        slug: &str,
        form: &ProposalForm,
    ) -> Result<i64, AppError> {
        let process = self.process_by_slug(slug).await?;
        if !process.phases.is_open(PhaseKind::Proposals, process.today) {
            return Err(AppError::Refused(ErrorCode::PhaseClosed));
        }
        let new = form.parse()?;
        self.store_proposal(&process, &new, Some(citizen.citizen_id), &[], None)
            .await
    }

    /// Staff open a proposal from a cluster of citizen reports (ten
    /// reports of flooding in one street become one drainage proposal),
    /// at any phase before voting.
    pub async fn propose_from_reports(
        &self,
        by: Option<&Principal>,
        slug: &str,
        form: &ProposalForm,
        reports: &[i64],
    ) -> Result<i64, AppError> {
        let process = self.process_by_slug(slug).await?;
        if let Some(who) = by {
            require_reviewer(who, &process)?;
        }
        let new = form.parse()?;
        for id in reports {
            if self.store.report(*id).await?.is_none() {
                return Err(AppError::field("reports", "proposal-report-unknown"));
            }
        }
        self.store_proposal(&process, &new, None, reports, by.map(|p| p.user_id))
            .await
    }

    async fn store_proposal(
        &self,
        process: &ProcessView,
        new: &NewProposal,
        citizen_id: Option<i64>,
        reports: &[i64],
        actor_id: Option<i64>,
    ) -> Result<i64, AppError> {
        Ok(self
            .store
            .create_proposal(&NewProposalRow {
                process_id: process.process.id,
                unit_id: process.unit.id,
                title: &new.title,
                description: &new.description,
                category: new.category,
                place: new.place,
                cost: new.cost,
                citizen_id,
                reports,
                actor_id,
                at: self.now(),
            })
            .await?)
    }

    /// A signed-in citizen supports a proposal, once, while proposals or
    /// supports are open. Gives the supports it now has.
    pub async fn support_proposal(
        &self,
        citizen: &CitizenSession,
        id: i64,
    ) -> Result<i64, AppError> {
        let (process, proposal) = self.proposal(id).await?;
        let open = process.phases.is_open(PhaseKind::Supports, process.today)
            || process.phases.is_open(PhaseKind::Proposals, process.today);
        if !open || proposal.standing == Standing::Hidden {
            return Err(AppError::Refused(ErrorCode::PhaseClosed));
        }
        let hash = self
            .person_hash(
                process.process.id,
                &format!("support:mobile:{}", citizen.mobile),
            )
            .await?;
        Ok(self
            .store
            .support_proposal(id, process.unit.id, &hash, self.now())
            .await?)
    }

    /// A signed-in citizen flags a proposal for the moderators.
    pub async fn flag_proposal(&self, _citizen: &CitizenSession, id: i64) -> Result<(), AppError> {
        let (process, _) = self.proposal(id).await?;
        Ok(self
            .store
            .moderate_proposal(id, process.unit.id, &ProposalChange::Flag, None, self.now())
            .await?)
    }

    /// The department concerned reviews a proposal: feasible at a cost, or
    /// not, with a public reason.
    pub async fn review_proposal(
        &self,
        by: Option<&Principal>,
        id: i64,
        review: &Review,
    ) -> Result<(), AppError> {
        let (process, _) = self.proposal(id).await?;
        if let Some(who) = by {
            require_reviewer(who, &process)?;
        }
        let (reason, cost) = match review {
            Review::Feasible { cost, reason } => (reason, Some(*cost)),
            Review::Unfeasible { reason } => (reason, None),
        };
        let change = ProposalChange::Review {
            review: review.as_str(),
            reason,
            cost,
        };
        Ok(self
            .store
            .moderate_proposal(
                id,
                process.unit.id,
                &change,
                by.map(|p| p.user_id),
                self.now(),
            )
            .await?)
    }

    /// A moderator hides a proposal with a public reason.
    pub async fn hide_proposal(
        &self,
        by: Option<&Principal>,
        id: i64,
        reason: &str,
    ) -> Result<(), AppError> {
        let (process, _) = self.proposal(id).await?;
        if let Some(who) = by {
            who.access
                .require(Permission::ManageParticipation, &process.unit.path)?;
        }
        let reason = reason.trim();
        if !(10..=500).contains(&reason.chars().count())
            || baladiya_domain::text::has_forbidden_chars(reason)
        {
            return Err(AppError::field("reason", "moderation-reason"));
        }
        Ok(self
            .store
            .moderate_proposal(
                id,
                process.unit.id,
                &ProposalChange::Hide { reason },
                by.map(|p| p.user_id),
                self.now(),
            )
            .await?)
    }

    /// A proposal's moderation log: its events, oldest first, as
    /// `(at, action, actor, detail)`.
    pub async fn proposal_log(
        &self,
        id: i64,
    ) -> Result<Vec<(chrono::DateTime<chrono::Utc>, String, Option<i64>, String)>, AppError> {
        Ok(self.store.event_log("participation_proposal", id).await?)
    }
}
