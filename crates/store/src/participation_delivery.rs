//! Accountability for a participatory budget's decisions: each winning
//! project's delivery, its milestones, and its followers, told of every
//! update through the notification outbox in the update's transaction.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use crate::events::{NewEvent, insert_event};
use crate::{Store, StoreError, in_write_tx, on_pool};

/// A project's delivery as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryRow {
    pub project_id: i64,
    pub status: String,
    pub progress: i64,
    pub allocated: i64,
    pub spent: i64,
    pub note: String,
    pub updated_at: DateTime<Utc>,
}

/// A milestone as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MilestoneRow {
    pub id: i64,
    pub project_id: i64,
    pub title_ar: String,
    pub title_en: String,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
}

/// An update of a project's delivery.
#[derive(Debug, Clone)]
pub struct DeliveryUpdate<'a> {
    pub project_id: i64,
    pub unit_id: i64,
    pub status: &'a str,
    pub progress: i64,
    pub allocated: i64,
    pub spent: i64,
    pub note: &'a str,
    /// New milestones: Arabic and English titles, due day.
    pub milestones: &'a [(String, String, NaiveDate)],
    /// Milestones reached on a day.
    pub reached: &'a [(i64, NaiveDate)],
    /// What the followers are told (the outbox's payload).
    pub notice: serde_json::Value,
    pub actor_id: Option<i64>,
    pub at: DateTime<Utc>,
}

impl Store {
    pub async fn delivery(&self, project_id: i64) -> Result<Option<DeliveryRow>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT project_id, status, progress, allocated, spent, note, updated_at \
                 FROM participation_delivery WHERE project_id = $1",
            )
            .bind(project_id)
            .fetch_optional(pool)
            .await?
        }))
    }

    pub async fn milestones_of(&self, project_id: i64) -> Result<Vec<MilestoneRow>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, project_id, title_ar, title_en, due_on, done_on \
                 FROM participation_milestones WHERE project_id = $1 ORDER BY due_on, id",
            )
            .bind(project_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Records a project's delivery as it stands now, its new and reached
    /// milestones, and a notice to each follower, in one transaction.
    pub async fn update_delivery(&self, u: &DeliveryUpdate<'_>) -> Result<usize, StoreError> {
        Ok(in_write_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO participation_delivery (project_id, status, progress, allocated, \
                 spent, note, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (project_id) DO UPDATE SET status = excluded.status, \
                 progress = excluded.progress, allocated = excluded.allocated, \
                 spent = excluded.spent, note = excluded.note, updated_at = excluded.updated_at",
            )
            .bind(u.project_id)
            .bind(u.status)
            .bind(u.progress)
            .bind(u.allocated)
            .bind(u.spent)
            .bind(u.note)
            .bind(u.at)
            .execute(&mut *tx)
            .await?;
            for (ar, en, due) in u.milestones {
                sqlx::query(
                    "INSERT INTO participation_milestones (project_id, title_ar, title_en, due_on) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(u.project_id)
                .bind(ar)
                .bind(en)
                .bind(due)
                .execute(&mut *tx)
                .await?;
            }
            for (id, day) in u.reached {
                let done = sqlx::query(
                    "UPDATE participation_milestones SET done_on = $1 \
                     WHERE id = $2 AND project_id = $3",
                )
                .bind(day)
                .bind(id)
                .bind(u.project_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if done == 0 {
                    return Err(StoreError::NotFound);
                }
            }
            let followers: Vec<String> = sqlx::query_scalar(
                "SELECT contact FROM participation_followers WHERE project_id = $1 ORDER BY contact",
            )
            .bind(u.project_id)
            .fetch_all(&mut *tx)
            .await?;
            for contact in &followers {
                sqlx::query(
                    "INSERT INTO notifications (participation_project_id, kind, recipient, payload, \
                     next_attempt_at, created_at) VALUES ($1, 'project_update', $2, $3, $4, $4)",
                )
                .bind(u.project_id)
                .bind(contact)
                .bind(u.notice.to_string())
                .bind(u.at)
                .execute(&mut *tx)
                .await?;
            }
            insert_event!(tx, &NewEvent {
                at: u.at,
                actor_id: u.actor_id,
                action: "participation.delivery_updated",
                entity: "participation_project",
                entity_id: u.project_id,
                unit_id: Some(u.unit_id),
                detail: json!({
                    "status": u.status,
                    "progress": u.progress,
                    "allocated": u.allocated,
                    "spent": u.spent,
                    "milestones": u.milestones.len(),
                    "reached": u.reached.len(),
                    "followers_told": followers.len(),
                }),
            });
            followers.len()
        }))
    }

    /// A citizen follows a project; false when they did already.
    pub async fn follow_project(
        &self,
        project_id: i64,
        contact: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(in_write_tx!(self, tx => {
            let added = sqlx::query(
                "INSERT INTO participation_followers (project_id, contact) VALUES ($1, $2) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(project_id)
            .bind(contact)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if added {
                insert_event!(tx, &NewEvent {
                    at,
                    actor_id: None,
                    action: "participation.project_followed",
                    entity: "participation_project",
                    entity_id: project_id,
                    unit_id: None,
                    detail: json!({}),
                });
            }
            added
        }))
    }

    pub async fn follows_project(
        &self,
        project_id: i64,
        contact: &str,
    ) -> Result<bool, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM participation_followers WHERE project_id = $1 AND contact = $2",
            )
            .bind(project_id)
            .bind(contact)
            .fetch_one(pool)
            .await?
                > 0
        }))
    }

    /// A project with its budget's id.
    pub async fn project(&self, id: i64) -> Result<Option<crate::ProjectRow>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, budget_id, code, title_ar, title_en, cost, proposal_id \
                 FROM participation_projects WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// Selected projects whose delivery was last reported as delivered
    /// between `from` and `to`, each as its budget's unit and whether every
    /// milestone was reached by its day.
    pub async fn projects_delivered(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(i64, bool)>, StoreError> {
        let rows: Vec<(i64, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT b.unit_id, CAST(CASE WHEN EXISTS (SELECT 1 FROM participation_milestones m \
                 WHERE m.project_id = d.project_id AND (m.done_on IS NULL OR m.done_on > m.due_on)) \
                 THEN 0 ELSE 1 END AS BIGINT) \
                 FROM participation_delivery d \
                 JOIN participation_projects p ON p.id = d.project_id \
                 JOIN participation_budgets b ON b.id = p.budget_id \
                 WHERE d.status = 'delivered' AND d.updated_at >= $1 AND d.updated_at < $2",
            )
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(unit, on_time)| (unit, on_time == 1))
            .collect())
    }
}
