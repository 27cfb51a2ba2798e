//! The append-only event log. Every state change writes one event in the
//! same transaction as the change itself.

use chrono::{DateTime, Utc};

/// One state change: who did what to which entity, in which unit.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: i64,
    pub unit_id: Option<i64>,
    /// The details of the change (stored as JSON text).
    pub detail: serde_json::Value,
}

/// Inserts `$event` through `$tx` (a transaction of either engine).
macro_rules! insert_event {
    ($tx:expr, $event:expr) => {{
        let event: &$crate::events::NewEvent<'_> = $event;
        sqlx::query(
            "INSERT INTO events (at, actor_id, action, entity, entity_id, unit_id, detail) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(event.at)
        .bind(event.actor_id)
        .bind(event.action)
        .bind(event.entity)
        .bind(event.entity_id)
        .bind(event.unit_id)
        .bind(event.detail.to_string())
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use insert_event;

impl crate::Store {
    /// Events of one entity, oldest first: `(action, actor_id, detail)`.
    pub async fn events_of(
        &self,
        entity: &str,
        entity_id: i64,
    ) -> Result<Vec<(String, Option<i64>, String)>, crate::StoreError> {
        Ok(crate::on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT action, actor_id, detail FROM events \
                 WHERE entity = $1 AND entity_id = $2 ORDER BY id",
            )
            .bind(entity)
            .bind(entity_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Events of one entity, oldest first, with their time:
    /// `(at, action, actor_id, detail)`.
    pub async fn event_log(
        &self,
        entity: &str,
        entity_id: i64,
    ) -> Result<Vec<(DateTime<Utc>, String, Option<i64>, String)>, crate::StoreError> {
        Ok(crate::on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT at, action, actor_id, detail FROM events \
                 WHERE entity = $1 AND entity_id = $2 ORDER BY id",
            )
            .bind(entity)
            .bind(entity_id)
            .fetch_all(pool)
            .await?
        }))
    }
}
