//! The notification outbox: rows written in the same transaction as the
//! workflow change, delivered later by a worker. Delivery is leased (a
//! claimed row is hidden from other servers for a while) and retried with
//! backoff; a failing sender never blocks the workflow.

use chrono::{DateTime, Utc};

use sqlx::AssertSqlSafe;

use crate::sql::{Param, Sql, bind_all};
use crate::{Engine, Store, StoreError, in_write_tx, on_pool};

/// A notification claimed for delivery.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutgoingNotification {
    pub id: i64,
    pub tracking_number: String,
    pub kind: String,
    pub recipient: String,
    pub payload: String,
    pub attempts: i64,
}

/// The outbox as operators watch it.
#[derive(Debug, Clone, Copy, PartialEq, sqlx::FromRow)]
pub struct OutboxDepth {
    /// Notifications not delivered yet (waiting, leased or retrying).
    pub pending: i64,
    /// When the oldest of them was written.
    pub oldest: Option<DateTime<Utc>>,
}

impl Store {
    /// How many notifications wait, and since when the oldest (one index
    /// range: `notifications_pending`).
    pub async fn outbox_depth(&self) -> Result<OutboxDepth, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT COUNT(*) AS pending, MIN(created_at) AS oldest FROM notifications \
                 WHERE status = 'pending'",
            )
            .fetch_one(pool)
            .await?
        }))
    }

    /// Claims up to `limit` due notifications until `lease_until`, oldest
    /// first, in one statement. On PostgreSQL rows another server is
    /// claiming are skipped, not waited for.
    pub async fn claim_notifications(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<OutgoingNotification>, StoreError> {
        let skip_locked = match self.engine() {
            Engine::Postgres => " FOR UPDATE SKIP LOCKED",
            Engine::Sqlite => "",
        };
        let sql = format!(
            "UPDATE notifications SET attempts = attempts + 1, next_attempt_at = $1 \
             WHERE id IN (SELECT id FROM notifications \
             WHERE status = 'pending' AND next_attempt_at <= $2 ORDER BY id LIMIT $3{skip_locked}) \
             AND status = 'pending' AND next_attempt_at <= $2 \
             RETURNING id, COALESCE((SELECT tracking_number FROM applications a WHERE a.id = application_id), \
             (SELECT CAST(r.id AS TEXT) FROM reports r WHERE r.id = report_id), \
             CAST(training_session_id AS TEXT), \
             (SELECT p.code FROM participation_projects p WHERE p.id = participation_project_id)) \
             AS tracking_number, \
             kind, recipient, payload, attempts"
        );
        let mut claimed: Vec<OutgoingNotification> = in_write_tx!(self, tx => {
            sqlx::query_as(AssertSqlSafe(sql.clone()))
                .bind(lease_until)
                .bind(now)
                .bind(limit)
                .fetch_all(&mut *tx)
                .await?
        });
        claimed.sort_by_key(|n| n.id);
        Ok(claimed)
    }

    /// Records notifications delivered, all in one write.
    pub async fn notifications_sent(
        &self,
        ids: &[i64],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut sql = Sql::default();
        let at = sql.param(Param::Time(now));
        sql.text = format!(
            "UPDATE notifications SET status = 'sent', sent_at = {at}, last_error = NULL \
             WHERE status = 'pending'"
        );
        sql.any_of("id", ids.iter().map(|id| Param::Int(*id)).collect());
        in_write_tx!(self, tx => {
            bind_all!(sqlx::query(AssertSqlSafe(sql.text.clone())), sql)
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    /// Records a failed attempt: retried at `retry_at`, or given up on.
    pub async fn notification_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            sqlx::query(
                "UPDATE notifications SET status = CASE WHEN $1 THEN 'pending' ELSE 'failed' END, \
                 next_attempt_at = COALESCE($2, next_attempt_at), last_error = $3 WHERE id = $4",
            )
            .bind(retry_at.is_some())
            .bind(retry_at)
            .bind(error)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        });
        Ok(())
    }

    /// Notifications of one application: `(kind, status)`, oldest first.
    pub async fn notifications_of(
        &self,
        tracking_number: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT n.kind, n.status FROM notifications n JOIN applications a ON a.id = n.application_id \
                 WHERE a.tracking_number = $1 ORDER BY n.id",
            )
            .bind(tracking_number)
            .fetch_all(pool)
            .await?
        }))
    }
}
