//! Alert rules on datastreams and the alerts they raise, each change
//! with its event in the same transaction.

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::events::{NewEvent, insert_event};
use crate::{Store, StoreError, in_write_tx, on_pool};

/// A rule as stored (its condition in stored form, see the domain's
/// `Condition::parse`).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RuleRow {
    pub id: i64,
    pub datastream_id: i64,
    pub kind: String,
    pub threshold: Option<f64>,
    pub minutes: Option<i64>,
    pub category: String,
    pub notify: Option<String>,
    pub active: bool,
}

/// An alert, with its rule's datastream and kind.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AlertRow {
    pub id: i64,
    pub rule_id: i64,
    pub datastream_id: i64,
    pub kind: String,
    pub threshold: Option<f64>,
    pub minutes: Option<i64>,
    pub opened_at: DateTime<Utc>,
    pub opening_value: Option<f64>,
    pub report_id: Option<i64>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closing_value: Option<f64>,
}

const RULE_COLUMNS: &str = "id, datastream_id, kind, threshold, minutes, category, notify, active";

impl Store {
    pub async fn insert_rule(
        &self,
        rule: &RuleRow,
        actor_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        Ok(in_write_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO sensor_rules (datastream_id, kind, threshold, minutes, category, notify, active, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(rule.datastream_id)
            .bind(&rule.kind)
            .bind(rule.threshold)
            .bind(rule.minutes)
            .bind(&rule.category)
            .bind(&rule.notify)
            .bind(rule.active)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            insert_event!(tx, &NewEvent {
                at: now,
                actor_id,
                action: "sensors.rule-created",
                entity: "sensor_rule",
                entity_id: id,
                unit_id: None,
                detail: json!({"datastream": rule.datastream_id, "kind": rule.kind,
                    "threshold": rule.threshold, "minutes": rule.minutes, "category": rule.category}),
            });
            id
        }))
    }

    /// Turns a rule off (its active alert closes) or on again.
    pub async fn set_rule_active(
        &self,
        id: i64,
        active: bool,
        actor_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            let changed = sqlx::query("UPDATE sensor_rules SET active = $1 WHERE id = $2")
                .bind(active)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if changed == 0 {
                return Err(StoreError::NotFound);
            }
            if !active {
                sqlx::query("UPDATE sensor_alerts SET closed_at = $1 WHERE rule_id = $2 AND closed_at IS NULL")
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            insert_event!(tx, &NewEvent {
                at: now,
                actor_id,
                action: if active { "sensors.rule-enabled" } else { "sensors.rule-disabled" },
                entity: "sensor_rule",
                entity_id: id,
                unit_id: None,
                detail: json!({}),
            });
        });
        Ok(())
    }

    /// Rules, of one datastream or all; active ones only if asked.
    pub async fn rules(
        &self,
        datastream: Option<i64>,
        active_only: bool,
    ) -> Result<Vec<RuleRow>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {RULE_COLUMNS} FROM sensor_rules WHERE ($1 IS NULL OR datastream_id = $1) \
                 AND (active OR NOT $2) ORDER BY id"
            )))
            .bind(datastream)
            .bind(active_only)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Opens an alert of `rule` unless one is active: its id, or `None`.
    pub async fn open_alert(
        &self,
        rule: i64,
        value: Option<f64>,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        Ok(in_write_tx!(self, tx => {
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO sensor_alerts (rule_id, opened_at, opening_value) VALUES ($1, $2, $3) \
                 ON CONFLICT (rule_id) WHERE closed_at IS NULL DO NOTHING RETURNING id",
            )
            .bind(rule)
            .bind(now)
            .bind(value)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(id) = id {
                insert_event!(tx, &NewEvent {
                    at: now,
                    actor_id: None,
                    action: "sensors.alert-opened",
                    entity: "sensor_alert",
                    entity_id: id,
                    unit_id: None,
                    detail: json!({"rule": rule, "value": value}),
                });
            }
            id
        }))
    }

    /// The work item an alert opened.
    pub async fn attach_alert_report(&self, alert: i64, report: i64) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE sensor_alerts SET report_id = $1 WHERE id = $2")
                .bind(report)
                .bind(alert)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Closes the active alert of `rule`, if any: its id and work item.
    pub async fn close_alert(
        &self,
        rule: i64,
        value: Option<f64>,
        now: DateTime<Utc>,
    ) -> Result<Option<(i64, Option<i64>)>, StoreError> {
        Ok(in_write_tx!(self, tx => {
            let closed: Option<(i64, Option<i64>)> = sqlx::query_as(
                "UPDATE sensor_alerts SET closed_at = $1, closing_value = $2 \
                 WHERE rule_id = $3 AND closed_at IS NULL RETURNING id, report_id",
            )
            .bind(now)
            .bind(value)
            .bind(rule)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((id, _)) = closed {
                insert_event!(tx, &NewEvent {
                    at: now,
                    actor_id: None,
                    action: "sensors.alert-closed",
                    entity: "sensor_alert",
                    entity_id: id,
                    unit_id: None,
                    detail: json!({"rule": rule, "value": value}),
                });
            }
            closed
        }))
    }

    /// Alerts, newest first: the active ones only, or the whole history.
    pub async fn alerts(&self, active_only: bool, limit: i64) -> Result<Vec<AlertRow>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT a.id, a.rule_id, r.datastream_id, r.kind, r.threshold, r.minutes, a.opened_at, \
                 a.opening_value, a.report_id, a.closed_at, a.closing_value \
                 FROM sensor_alerts a JOIN sensor_rules r ON r.id = a.rule_id \
                 WHERE a.closed_at IS NULL OR NOT $1 ORDER BY a.opened_at DESC, a.id DESC LIMIT $2",
            )
            .bind(active_only)
            .bind(limit)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The latest two hours with readings of a datastream, newest first.
    pub async fn sta_last_hours(&self, datastream: i64) -> Result<Vec<crate::HourRow>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT datastream_id, hour, n, total, low, high, last_time, last_value FROM sta_hours \
                 WHERE datastream_id = $1 ORDER BY hour DESC LIMIT 2",
            )
            .bind(datastream)
            .fetch_all(pool)
            .await?
        }))
    }
}
