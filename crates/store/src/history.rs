//! Past activity written in bulk, with its events and backdated times:
//! the demo's year of history. Only `serve --demo` calls it.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use crate::events::{NewEvent, insert_event};
use crate::{Store, StoreError, in_write_tx};

/// A past application and how its life went.
#[derive(Debug, Clone)]
pub struct PastApplication {
    pub service_version_id: i64,
    pub unit_id: i64,
    pub unit_code: String,
    pub applicant_name: String,
    pub applicant_id_number: String,
    pub applicant_phone: String,
    pub channel: &'static str,
    pub submitted_at: DateTime<Utc>,
    pub due_on: NaiveDate,
    /// Where its life stands: status, step, the step's role, the
    /// departments still to act and those that approved (`,a,b,`), and
    /// when the step is due.
    pub status: &'static str,
    pub step: i64,
    pub step_role: String,
    pub pending_departments: String,
    pub approvals: String,
    pub step_due_on: NaiveDate,
    pub returned_on: Option<NaiveDate>,
    pub completed_at: Option<DateTime<Utc>>,
    pub times_returned: i32,
    pub receipt_number: Option<String>,
    /// `(action, at, detail)` of its life, oldest first, as the workflow
    /// engine writes them.
    pub events: Vec<(&'static str, DateTime<Utc>, serde_json::Value)>,
    pub fee_minor: Option<i64>,
    pub currency: String,
    pub rating: Option<i64>,
    /// Working days from submission to completion, once completed.
    pub working_days: Option<i64>,
}

/// A past citizen report and how it ended.
#[derive(Debug, Clone)]
pub struct PastReport {
    pub token: String,
    pub category_code: String,
    pub department: String,
    pub unit_id: i64,
    pub lat: f64,
    pub lon: f64,
    pub description: String,
    pub requested_at: DateTime<Utc>,
    pub expected_on: NaiveDate,
    pub resolved_at: Option<DateTime<Utc>>,
    pub reopened: bool,
}

impl Store {
    /// Writes `applications` and `reports` with their events, in one
    /// transaction; tracking numbers come from the units' counters, made by
    /// `number(unit code, year, sequence)`.
    pub async fn insert_history(
        &self,
        applications: &[PastApplication],
        reports: &[PastReport],
        number: impl Fn(&str, i32, i64) -> String,
    ) -> Result<(), StoreError> {
        use chrono::Datelike;
        in_write_tx!(self, tx => {
            for a in applications {
                let year = a.submitted_at.year();
                let sequence: i64 = sqlx::query_scalar(
                    "INSERT INTO tracking_counters (unit_id, year, last) VALUES ($1, $2, 1) \
                     ON CONFLICT (unit_id, year) DO UPDATE SET last = tracking_counters.last + 1 \
                     RETURNING last",
                )
                .bind(a.unit_id)
                .bind(i64::from(year))
                .fetch_one(&mut *tx)
                .await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO applications (tracking_number, service_version_id, unit_id, applicant_kind, \
                     applicant_name, applicant_id_number, applicant_phone, channel, form, status, step, \
                     step_role, pending_departments, approvals, fee_minor, currency, submitted_at, step_due_on, \
                     due_on, returned_on, completed_at, rating, times_returned, working_days, receipt_number) \
                     VALUES ($1, $2, $3, 'citizen', $4, $5, $6, $7, '{}', $8, $9, $10, $11, $12, $13, $14, $15, \
                     $16, $17, $18, $19, $20, $21, $22, $23) RETURNING id",
                )
                .bind(number(&a.unit_code, year, sequence))
                .bind(a.service_version_id)
                .bind(a.unit_id)
                .bind(&a.applicant_name)
                .bind(&a.applicant_id_number)
                .bind(&a.applicant_phone)
                .bind(a.channel)
                .bind(a.status)
                .bind(a.step)
                .bind(&a.step_role)
                .bind(&a.pending_departments)
                .bind(&a.approvals)
                .bind(a.fee_minor)
                .bind(&a.currency)
                .bind(a.submitted_at)
                .bind(a.step_due_on)
                .bind(a.due_on)
                .bind(a.returned_on)
                .bind(a.completed_at)
                .bind(a.rating)
                .bind(a.times_returned)
                .bind(a.working_days)
                .bind(&a.receipt_number)
                .fetch_one(&mut *tx)
                .await?;
                for (action, at, detail) in &a.events {
                    insert_event!(tx, &NewEvent {
                        at: *at,
                        actor_id: None,
                        action,
                        entity: "application",
                        entity_id: id,
                        unit_id: Some(a.unit_id),
                        detail: detail.clone(),
                    });
                }
            }
            for r in reports {
                let status = if r.resolved_at.is_some() { "resolved" } else { "open" };
                let updated = r.resolved_at.unwrap_or(r.requested_at);
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO reports (token, category_code, unit_id, department, status, description, \
                     lat, lon, answers, channel, requested_at, updated_at, expected_on, closed_at, reopened) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '{}', 'web', $9, $10, $11, $12, $13) RETURNING id",
                )
                .bind(&r.token)
                .bind(&r.category_code)
                .bind(r.unit_id)
                .bind(&r.department)
                .bind(status)
                .bind(&r.description)
                .bind(r.lat)
                .bind(r.lon)
                .bind(r.requested_at)
                .bind(updated)
                .bind(r.expected_on)
                .bind(r.resolved_at)
                .bind(r.reopened)
                .fetch_one(&mut *tx)
                .await?;
                insert_event!(tx, &NewEvent {
                    at: r.requested_at,
                    actor_id: None,
                    action: "report.submitted",
                    entity: "report",
                    entity_id: id,
                    unit_id: Some(r.unit_id),
                    detail: json!({"to": "open", "channel": "web", "category": r.category_code}),
                });
                if let Some(at) = r.resolved_at {
                    insert_event!(tx, &NewEvent {
                        at,
                        actor_id: None,
                        action: "report.resolve",
                        entity: "report",
                        entity_id: id,
                        unit_id: Some(r.unit_id),
                        detail: json!({"from": "open", "to": "resolved"}),
                    });
                }
            }
        });
        Ok(())
    }
}
