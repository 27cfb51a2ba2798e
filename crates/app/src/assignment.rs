//! Handing an application or a report to one staff member: the unit head
//! assigns it to a colleague of the unit, or an officer takes it.

use baladiya_domain::access::Denied;
use baladiya_domain::error::FieldError;
use baladiya_domain::org::UnitPath;
use baladiya_domain::people::Permission;
use baladiya_store::{Assignable, Colleague, NewEvent};

use crate::{App, AppError, Principal};

impl App {
    /// Staff who may be given work in the unit at `path`.
    pub async fn colleagues(&self, path: &UnitPath) -> Result<Vec<Colleague>, AppError> {
        Ok(self.store.colleagues(&path.encode()).await?)
    }

    /// Assigns the application to `username` (empty: to no one).
    pub async fn assign_application(
        &self,
        who: &Principal,
        tracking: &str,
        username: &str,
    ) -> Result<(), AppError> {
        let record = self.record(tracking).await?;
        let target = Target {
            entity: Assignable::Application,
            id: record.id,
            unit_id: record.unit_id,
            path: decode(&record.unit_path)?,
            work: APPLICATION_WORK,
        };
        self.assign(who, target, username).await
    }

    /// Assigns the report to `username` (empty: to no one).
    pub async fn assign_report(
        &self,
        who: &Principal,
        id: i64,
        username: &str,
    ) -> Result<(), AppError> {
        let record = self.report(id).await?;
        let target = Target {
            entity: Assignable::Report,
            id,
            unit_id: record.unit_id,
            path: decode(&record.unit_path)?,
            work: REPORT_WORK,
        };
        self.assign(who, target, username).await
    }

    /// Anyone who sees the work may take it if they may do it; only a head
    /// of the unit (or above) gives it to someone else or to no one.
    async fn assign(
        &self,
        who: &Principal,
        target: Target,
        username: &str,
    ) -> Result<(), AppError> {
        who.access
            .require(Permission::ViewApplications, &target.path)?;
        let username = username.trim();
        let assignee = if username.is_empty() {
            None
        } else {
            let found = self
                .colleagues(&target.path)
                .await?
                .into_iter()
                .find(|c| c.username == username);
            Some(found.ok_or_else(|| {
                AppError::Invalid(vec![FieldError::new("assignee", "assignee-unknown")])
            })?)
        };
        let head = who.access.can(Permission::ViewOversight, &target.path);
        let takes_it = assignee.as_ref().is_some_and(|a| a.id == who.user_id)
            && target.work.iter().any(|p| who.access.can(*p, &target.path));
        if !(head || takes_it) {
            return Err(Denied {
                permission: Permission::ViewOversight,
            }
            .into());
        }
        let (action, entity) = match target.entity {
            Assignable::Application => ("application.assigned", "application"),
            Assignable::Report => ("report.assigned", "report"),
        };
        let event = NewEvent {
            at: self.now(),
            actor_id: Some(who.user_id),
            action,
            entity,
            entity_id: target.id,
            unit_id: Some(target.unit_id),
            detail: serde_json::json!({
                "to": assignee.as_ref().map(|a| a.username.as_str()),
            }),
        };
        self.store
            .assign(target.entity, target.id, assignee.map(|a| a.id), &event)
            .await?;
        Ok(())
    }
}

struct Target {
    entity: Assignable,
    id: i64,
    unit_id: i64,
    path: UnitPath,
    /// The permissions that do this work (one of them lets a colleague
    /// take it).
    work: &'static [Permission],
}

/// Who works on applications: the counter and the departments.
pub const APPLICATION_WORK: &[Permission] = &[
    Permission::IntakeApplications,
    Permission::ProcessApplications,
];
/// Who works on reports.
pub const REPORT_WORK: &[Permission] = &[Permission::HandleReports];

fn decode(path: &str) -> Result<UnitPath, AppError> {
    UnitPath::decode(path).ok_or_else(|| AppError::Internal(format!("bad unit path {path}")))
}
