//! Applications, their documents, issuances and the notification outbox.
//! Every change of an application is one transaction: the row (guarded
//! by its version, so two officers cannot both win), its event, and the
//! notifications it causes.

use baladiya_domain::ErrorCode;
use baladiya_domain::org::UnitPath;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AssertSqlSafe;

use crate::events::{NewEvent, insert_event};
use crate::idempotency::record_idempotency_key;
use crate::sql::{Param, Sql, bind_all};
use crate::throttles::{Throttle, take_throttles};
use crate::{SqliteStore, Store, StoreError, in_write_tx, on_pool};

/// Queues a notification inside the caller's transaction `$tx`.
macro_rules! insert_notification {
    ($tx:expr, $application_id:expr, $notification:expr, $at:expr) => {{
        let notification: &NewNotification = $notification;
        sqlx::query(
            "INSERT INTO notifications (application_id, kind, recipient, payload, next_attempt_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind($application_id)
        .bind(notification.kind)
        .bind(&notification.recipient)
        .bind(&notification.payload)
        .bind($at)
        .execute(&mut *$tx)
        .await?;
    }};
}

/// Records a stored document inside the caller's transaction `$tx`.
macro_rules! insert_document {
    ($tx:expr, $application_id:expr, $doc:expr, $at:expr) => {{
        let doc: &NewDocument = $doc;
        sqlx::query(
            "INSERT INTO application_documents (application_id, code, file_name, content_type, \
             size_bytes, storage_key, sha256, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind($application_id)
        .bind(&doc.code)
        .bind(&doc.file_name)
        .bind(&doc.content_type)
        .bind(doc.size_bytes)
        .bind(&doc.storage_key)
        .bind(&doc.sha256)
        .bind($at)
        .execute(&mut *$tx)
        .await?;
    }};
}

/// A document stored in the object store, to record with its application.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NewDocument {
    pub code: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub storage_key: String,
    pub sha256: String,
}

/// A message to the applicant, sent later by the outbox worker.
#[derive(Debug, Clone)]
pub struct NewNotification {
    pub kind: &'static str,
    pub recipient: String,
    /// JSON text of what the message says.
    pub payload: String,
}

#[derive(Debug, Clone)]
pub struct NewApplication {
    pub service_version_id: i64,
    pub unit_id: i64,
    /// The unit's path ([`UnitPath::encode`]), for the record answered.
    pub unit_path: String,
    pub applicant_kind: String,
    pub applicant_name: String,
    pub applicant_id_number: String,
    pub applicant_phone: String,
    pub applicant_email: Option<String>,
    pub channel: &'static str,
    pub intake_user_id: Option<i64>,
    pub form: String,
    pub status: String,
    pub step_role: String,
    pub pending_departments: String,
    pub fee_minor: Option<i64>,
    pub currency: String,
    pub submitted_at: DateTime<Utc>,
    pub step_due_on: NaiveDate,
    pub due_on: NaiveDate,
    /// Taken in the same transaction (anonymous submissions): over it,
    /// nothing is written.
    pub throttle: Option<Throttle>,
    pub idempotency: Option<crate::IdempotencyKey>,
}

/// An application as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApplicationRecord {
    pub id: i64,
    pub tracking_number: String,
    pub service_version_id: i64,
    pub unit_id: i64,
    pub unit_path: String,
    pub applicant_kind: String,
    pub applicant_name: String,
    pub applicant_id_number: String,
    pub applicant_phone: String,
    pub applicant_email: Option<String>,
    pub channel: String,
    pub form: String,
    pub status: String,
    pub step: i64,
    pub approvals: String,
    pub step_role: String,
    pub pending_departments: String,
    pub fee_minor: Option<i64>,
    pub currency: String,
    pub receipt_number: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub step_due_on: NaiveDate,
    pub due_on: NaiveDate,
    pub returned_on: Option<NaiveDate>,
    pub escalated: bool,
    pub completed_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub rating: Option<i64>,
    /// The staff member it is assigned to, and their name.
    pub assigned_to: Option<i64>,
    pub assignee: Option<String>,
}

impl ApplicationRecord {
    /// The record [`Store::insert_application`] wrote, without reading it.
    fn inserted(id: i64, tracking_number: String, new: &NewApplication) -> ApplicationRecord {
        ApplicationRecord {
            id,
            tracking_number,
            service_version_id: new.service_version_id,
            unit_id: new.unit_id,
            unit_path: new.unit_path.clone(),
            applicant_kind: new.applicant_kind.clone(),
            applicant_name: new.applicant_name.clone(),
            applicant_id_number: new.applicant_id_number.clone(),
            applicant_phone: new.applicant_phone.clone(),
            applicant_email: new.applicant_email.clone(),
            channel: new.channel.to_owned(),
            form: new.form.clone(),
            status: new.status.clone(),
            step: 0,
            approvals: String::new(),
            step_role: new.step_role.clone(),
            pending_departments: new.pending_departments.clone(),
            fee_minor: new.fee_minor,
            currency: new.currency.clone(),
            receipt_number: None,
            submitted_at: new.submitted_at,
            step_due_on: new.step_due_on,
            due_on: new.due_on,
            returned_on: None,
            escalated: false,
            completed_at: None,
            version: 1,
            rating: None,
            assigned_to: None,
            assignee: None,
        }
    }
}

/// What [`Store::insert_application`] wrote: the application and the
/// first line of its history (without the actor's name).
#[derive(Debug, Clone)]
pub struct InsertedApplication {
    pub record: ApplicationRecord,
    pub submitted: HistoryEntry,
}

const APPLICATION_COLUMNS: &str = "a.id, a.tracking_number, a.service_version_id, a.unit_id, u.path AS unit_path, \
    a.applicant_kind, a.applicant_name, a.applicant_id_number, a.applicant_phone, a.applicant_email, a.channel, a.form, \
    a.status, a.step, a.approvals, a.step_role, a.pending_departments, a.fee_minor, a.currency, \
    a.receipt_number, a.submitted_at, a.step_due_on, a.due_on, a.returned_on, a.escalated, \
    a.completed_at, a.version, a.rating, a.assigned_to, \
    (SELECT full_name FROM users WHERE id = a.assigned_to) AS assignee";

const ISSUANCE_SELECT: &str = "SELECT application_id, verification_code, signature, holder_masked, \
    issued_on, valid_until, revoked_at, revoke_reason FROM issuances WHERE";

/// The workflow columns after an action.
#[derive(Debug, Clone)]
pub struct WorkflowUpdate {
    pub status: String,
    pub step: i64,
    pub approvals: String,
    pub step_role: String,
    pub pending_departments: String,
    pub step_due_on: NaiveDate,
    pub due_on: NaiveDate,
    pub returned_on: Option<NaiveDate>,
    pub receipt_number: Option<String>,
    pub completed_at: Option<DateTime<Utc>>,
    /// Working days from submission to completion, when completed.
    pub working_days: Option<i64>,
}

/// Everything one workflow step writes, in one transaction.
#[derive(Debug, Clone)]
pub struct WorkflowChange<'a> {
    pub update: WorkflowUpdate,
    pub event: NewEvent<'a>,
    pub notifications: Vec<NewNotification>,
    pub issuance: Option<NewIssuance>,
    /// Documents added by the applicant on resubmission.
    pub documents: Vec<NewDocument>,
}

/// A license or permit to record when an application is issued.
#[derive(Debug, Clone)]
pub struct NewIssuance {
    pub verification_code: String,
    pub signature: String,
    pub holder_masked: String,
    pub issued_on: NaiveDate,
    pub valid_until: NaiveDate,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IssuanceRecord {
    pub application_id: i64,
    pub verification_code: String,
    pub signature: String,
    pub holder_masked: String,
    pub issued_on: NaiveDate,
    pub valid_until: NaiveDate,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoke_reason: Option<String>,
}

/// One line of an application's history.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub action: String,
    pub actor_name: Option<String>,
    pub detail: String,
}

/// Filters of a staff inbox.
#[derive(Debug, Clone, Default)]
pub struct InboxQuery {
    /// Units the user works for (each with everything below it).
    pub roots: Vec<UnitPath>,
    /// Roles the user holds there: the current step's role must be one.
    pub roles: Vec<String>,
    /// Only steps where one of these departments still has to act.
    pub departments: Option<Vec<String>>,
    pub service_version_ids: Option<Vec<i64>>,
    pub overdue_on: Option<NaiveDate>,
    pub limit: i64,
}

impl Store {
    /// Records a published service version. Publishing the same text again
    /// is a no-op; a different text under a published version is refused.
    pub async fn publish_service_version(
        &self,
        code: &str,
        version: i64,
        country: &str,
        digest: &str,
        source: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let (id, stored): (i64, String) = in_write_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO service_versions (code, version, country, digest, source, published_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code, version) DO NOTHING",
            )
            .bind(code)
            .bind(version)
            .bind(country)
            .bind(digest)
            .bind(source)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query_as("SELECT id, digest FROM service_versions WHERE code = $1 AND version = $2")
                .bind(code)
                .bind(version)
                .fetch_one(&mut *tx)
                .await?
        });
        if stored != digest {
            return Err(StoreError::Conflict(ErrorCode::ServiceVersionChanged));
        }
        Ok(id)
    }

    /// Every published version of a service code.
    pub async fn service_version_ids(&self, code: &str) -> Result<Vec<i64>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT id FROM service_versions WHERE code = $1")
                .bind(code)
                .fetch_all(pool)
                .await?
        }))
    }

    /// The source text of a published service version.
    pub async fn service_version_source(&self, id: i64) -> Result<String, StoreError> {
        let source: Option<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT source FROM service_versions WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        source.ok_or(StoreError::NotFound)
    }

    /// Stores a new application with its documents, event and first
    /// notification, and gives it the next tracking number of its unit and
    /// year (`make_number(year, sequence)`). Returns `(id, tracking number)`.
    pub async fn insert_application(
        &self,
        new: &NewApplication,
        documents: &[NewDocument],
        notification: &NewNotification,
        actor_id: Option<i64>,
        make_number: impl Fn(i32, i64) -> String,
    ) -> Result<InsertedApplication, StoreError> {
        use chrono::Datelike;
        let year = new.submitted_at.year();
        Ok(in_write_tx!(self, tx => {
            // First: a client over its limit never takes the unit's
            // tracking counter, which every filing of the unit waits for.
            take_throttles!(tx, new.throttle.iter(), new.submitted_at);
            let sequence: i64 = sqlx::query_scalar(
                "INSERT INTO tracking_counters (unit_id, year, last) VALUES ($1, $2, 1) \
                 ON CONFLICT (unit_id, year) DO UPDATE SET last = tracking_counters.last + 1 \
                 RETURNING last",
            )
            .bind(new.unit_id)
            .bind(i64::from(year))
            .fetch_one(&mut *tx)
            .await?;
            let number = make_number(year, sequence);
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO applications (tracking_number, service_version_id, unit_id, applicant_kind, \
                 applicant_name, applicant_id_number, applicant_phone, channel, intake_user_id, form, \
                 status, step, step_role, pending_departments, fee_minor, currency, submitted_at, \
                 step_due_on, due_on, applicant_email) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, $12, $13, $14, $15, $16, $17, $18, $19) \
                 RETURNING id",
            )
            .bind(&number)
            .bind(new.service_version_id)
            .bind(new.unit_id)
            .bind(&new.applicant_kind)
            .bind(&new.applicant_name)
            .bind(&new.applicant_id_number)
            .bind(&new.applicant_phone)
            .bind(new.channel)
            .bind(new.intake_user_id)
            .bind(&new.form)
            .bind(&new.status)
            .bind(&new.step_role)
            .bind(&new.pending_departments)
            .bind(new.fee_minor)
            .bind(&new.currency)
            .bind(new.submitted_at)
            .bind(new.step_due_on)
            .bind(new.due_on)
            .bind(&new.applicant_email)
            .fetch_one(&mut *tx)
            .await?;
            for doc in documents {
                insert_document!(tx, id, doc, new.submitted_at);
            }
            let detail = serde_json::json!({
                "tracking_number": number,
                "channel": new.channel,
                "to": {"status": new.status, "step": 0},
                "documents": documents.len(),
            });
            let submitted = HistoryEntry {
                at: new.submitted_at,
                action: "application.submitted".into(),
                actor_name: None,
                detail: detail.to_string(),
            };
            insert_event!(tx, &NewEvent {
                at: new.submitted_at,
                actor_id,
                action: "application.submitted",
                entity: "application",
                entity_id: id,
                unit_id: Some(new.unit_id),
                detail,
            });
            insert_notification!(tx, id, notification, new.submitted_at);
            record_idempotency_key!(tx, new.idempotency.as_ref(), "application", id, new.submitted_at);
            InsertedApplication { record: ApplicationRecord::inserted(id, number, new), submitted }
        }))
    }

    /// Applications by tracking number, applicant ID number or mobile
    /// number (any of `phones`, in E.164), newest first.
    pub async fn find_applications(
        &self,
        tracking: &str,
        id_number: &str,
        phones: &[String],
        limit: i64,
    ) -> Result<Vec<ApplicationRecord>, StoreError> {
        let phone = |i: usize| phones.get(i).cloned().unwrap_or_default();
        let sql = format!(
            "SELECT {APPLICATION_COLUMNS} FROM applications a JOIN org_units u ON u.id = a.unit_id \
             WHERE a.tracking_number = $1 OR (a.applicant_id_number = $2 AND $2 <> '') \
             OR (a.applicant_phone IN ($3, $4) AND $3 <> '') \
             ORDER BY a.submitted_at DESC LIMIT $5"
        );
        Ok(on_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(tracking)
                .bind(id_number)
                .bind(phone(0))
                .bind(phone(1))
                .bind(limit)
                .fetch_all(pool)
                .await?
        }))
    }

    /// The tracking number of the application with row `id`.
    pub async fn tracking_number_of(&self, id: i64) -> Result<Option<String>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT tracking_number FROM applications WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        }))
    }

    pub async fn application_by_tracking(
        &self,
        tracking_number: &str,
    ) -> Result<Option<ApplicationRecord>, StoreError> {
        let sql = format!(
            "SELECT {APPLICATION_COLUMNS} FROM applications a JOIN org_units u ON u.id = a.unit_id \
             WHERE a.tracking_number = $1"
        );
        Ok(on_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(sql)).bind(tracking_number).fetch_optional(pool).await?
        }))
    }

    /// Applies a workflow change if the application is still at
    /// `expected_version`; else `Conflict(StaleVersion)` and nothing is
    /// written. Returns the new version.
    pub async fn update_workflow(
        &self,
        id: i64,
        expected_version: i64,
        change: &WorkflowChange<'_>,
    ) -> Result<i64, StoreError> {
        let update = &change.update;
        let event = &change.event;
        Ok(in_write_tx!(self, tx => {
            let changed = sqlx::query(
                "UPDATE applications SET status = $1, step = $2, approvals = $3, step_role = $4, \
                 pending_departments = $5, step_due_on = $6, due_on = $7, returned_on = $8, \
                 receipt_number = COALESCE($9, receipt_number), completed_at = $10, escalated = $11, \
                 times_returned = times_returned + $14, working_days = $15, version = version + 1 \
                 WHERE id = $12 AND version = $13",
            )
            .bind(&update.status)
            .bind(update.step)
            .bind(&update.approvals)
            .bind(&update.step_role)
            .bind(&update.pending_departments)
            .bind(update.step_due_on)
            .bind(update.due_on)
            .bind(update.returned_on)
            .bind(&update.receipt_number)
            .bind(update.completed_at)
            .bind(false)
            .bind(id)
            .bind(expected_version)
            .bind(i32::from(event.action == crate::RETURN_FOR_COMPLETION))
            .bind(update.working_days)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::Conflict(ErrorCode::StaleVersion));
            }
            insert_event!(tx, event);
            for notification in &change.notifications {
                insert_notification!(tx, id, notification, event.at);
            }
            for doc in &change.documents {
                insert_document!(tx, id, doc, event.at);
            }
            if let Some(issuance) = &change.issuance {
                sqlx::query(
                    "INSERT INTO issuances (application_id, verification_code, signature, holder_masked, \
                     issued_on, valid_until) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(id)
                .bind(&issuance.verification_code)
                .bind(&issuance.signature)
                .bind(&issuance.holder_masked)
                .bind(issuance.issued_on)
                .bind(issuance.valid_until)
                .execute(&mut *tx)
                .await?;
            }
            expected_version + 1
        }))
    }

    /// The history of an application, oldest first.
    pub async fn application_history(&self, id: i64) -> Result<Vec<HistoryEntry>, StoreError> {
        self.history_of("application", id).await
    }

    /// The history of any entity (`application`, `report`), oldest first.
    pub async fn history_of(&self, entity: &str, id: i64) -> Result<Vec<HistoryEntry>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT e.at, e.action, u.full_name AS actor_name, e.detail FROM events e \
                 LEFT JOIN users u ON u.id = e.actor_id \
                 WHERE e.entity = $1 AND e.entity_id = $2 ORDER BY e.id",
            )
            .bind(entity)
            .bind(id)
            .fetch_all(pool)
            .await?
        }))
    }

    pub async fn documents_of(
        &self,
        application_id: i64,
    ) -> Result<Vec<(String, String, String, i64)>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT code, file_name, content_type, size_bytes FROM application_documents \
                 WHERE application_id = $1 ORDER BY id",
            )
            .bind(application_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// `(content type, storage key)` of an application's documents, in the
    /// order of [`Store::documents_of`].
    pub async fn document_keys(
        &self,
        application_id: i64,
    ) -> Result<Vec<(String, String)>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT content_type, storage_key FROM application_documents WHERE application_id = $1 ORDER BY id")
                .bind(application_id)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Applications waiting for the holder of an inbox, overdue first.
    pub async fn inbox(&self, query: &InboxQuery) -> Result<Vec<ApplicationRecord>, StoreError> {
        if query.roots.is_empty() || query.roles.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::new(format!(
            "SELECT {APPLICATION_COLUMNS} FROM applications a JOIN org_units u ON u.id = a.unit_id \
             WHERE a.status = 'in_progress'"
        ));
        sql.within("u.path", &query.roots);
        sql.any_of(
            "a.step_role",
            query.roles.iter().map(|r| Param::Text(r.clone())).collect(),
        );
        if let Some(departments) = &query.departments {
            sql.like_any(
                "a.pending_departments",
                departments.iter().map(|d| format!("%,{d},%")).collect(),
            );
        }
        if let Some(services) = &query.service_version_ids {
            if services.is_empty() {
                sql.text.push_str(" AND FALSE");
            }
            sql.any_of(
                "a.service_version_id",
                services.iter().map(|s| Param::Int(*s)).collect(),
            );
        }
        if let Some(day) = query.overdue_on {
            let p = sql.param(Param::Date(day));
            sql.text.push_str(&format!(" AND a.step_due_on < {p}"));
        }
        let limit = sql.param(Param::Int(query.limit));
        sql.text
            .push_str(&format!(" ORDER BY a.step_due_on, a.id LIMIT {limit}"));
        Ok(on_pool!(self, pool => {
            bind_all!(sqlx::query_as(AssertSqlSafe(sql.text.clone())), sql)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Counts per unit for an overview: `(unit_id, open, overdue, completed since)`.
    pub async fn unit_counts(
        &self,
        roots: &[UnitPath],
        today: NaiveDate,
        since: DateTime<Utc>,
    ) -> Result<Vec<(i64, i64, i64, i64)>, StoreError> {
        let mut rows = Vec::new();
        for root in roots {
            let prefix = format!("{}%", root.encode());
            let found: Vec<(i64, i64, i64, i64)> = on_pool!(self, pool => {
                sqlx::query_as(
                    "SELECT a.unit_id, \
                       SUM(CASE WHEN a.status IN ('in_progress', 'returned') THEN 1 ELSE 0 END), \
                       SUM(CASE WHEN a.status = 'in_progress' AND a.due_on < $2 THEN 1 ELSE 0 END), \
                       SUM(CASE WHEN a.completed_at >= $3 THEN 1 ELSE 0 END) \
                     FROM applications a JOIN org_units u ON u.id = a.unit_id \
                     WHERE u.path LIKE $1 GROUP BY a.unit_id",
                )
                .bind(&prefix)
                .bind(today)
                .bind(since)
                .fetch_all(pool)
                .await?
            });
            rows.extend(found);
        }
        Ok(rows)
    }

    pub async fn issuance_by_code(&self, code: &str) -> Result<Option<IssuanceRecord>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                AssertSqlSafe(format!("{ISSUANCE_SELECT} verification_code = $1")),
            )
            .bind(code)
            .fetch_optional(pool)
            .await?
        }))
    }

    pub async fn issuance_of(
        &self,
        application_id: i64,
    ) -> Result<Option<IssuanceRecord>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                AssertSqlSafe(format!("{ISSUANCE_SELECT} application_id = $1")),
            )
            .bind(application_id)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// The application's rating (1–5) and comment; only once.
    pub async fn rate_application(
        &self,
        id: i64,
        stars: i64,
        comment: &str,
        event: &NewEvent<'_>,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            let changed = sqlx::query(
                "UPDATE applications SET rating = $1, rating_comment = $2 WHERE id = $3 AND rating IS NULL",
            )
            .bind(stars)
            .bind(comment)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::Conflict(ErrorCode::AlreadyRated));
            }
            insert_event!(tx, event);
        });
        Ok(())
    }

    /// Revokes a license with a reason (and its event).
    pub async fn revoke_issuance(
        &self,
        application_id: i64,
        reason: &str,
        event: &NewEvent<'_>,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            let changed = sqlx::query(
                "UPDATE issuances SET revoked_at = $1, revoke_reason = $2 WHERE application_id = $3 AND revoked_at IS NULL",
            )
            .bind(event.at)
            .bind(reason)
            .bind(application_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::Conflict(ErrorCode::AlreadyRevoked));
            }
            insert_event!(tx, event);
        });
        Ok(())
    }

    /// A secret shared by all servers, made by `make` the first time.
    pub async fn server_key(
        &self,
        name: &str,
        make: impl FnOnce() -> String,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let candidate = make();
        Ok(in_write_tx!(self, tx => {
            sqlx::query("INSERT INTO server_keys (name, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING")
                .bind(name)
                .bind(&candidate)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            sqlx::query_scalar("SELECT secret FROM server_keys WHERE name = $1")
                .bind(name)
                .fetch_one(&mut *tx)
                .await?
        }))
    }
}

impl Store {
    pub async fn application_by_id(&self, id: i64) -> Result<ApplicationRecord, StoreError> {
        let sql = format!(
            "SELECT {APPLICATION_COLUMNS} FROM applications a JOIN org_units u ON u.id = a.unit_id WHERE a.id = $1"
        );
        let row: Option<ApplicationRecord> = on_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?
        });
        row.ok_or(StoreError::NotFound)
    }
}

impl Store {
    /// Inserts many copies of `template`, one per tracking number, in
    /// batches of one transaction each. For benchmarks and load tests: it
    /// writes no events or notifications.
    pub async fn seed_applications(
        &self,
        template: &NewApplication,
        numbers: &[String],
    ) -> Result<(), StoreError> {
        for chunk in numbers.chunks(500) {
            in_write_tx!(self, tx => {
                for number in chunk {
                    sqlx::query(
                        "INSERT INTO applications (tracking_number, service_version_id, unit_id, applicant_kind, \
                         applicant_name, applicant_id_number, applicant_phone, channel, form, status, step, \
                         step_role, pending_departments, fee_minor, currency, submitted_at, step_due_on, due_on) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12, $13, $14, $15, $16, $17)",
                    )
                    .bind(number)
                    .bind(template.service_version_id)
                    .bind(template.unit_id)
                    .bind(&template.applicant_kind)
                    .bind(&template.applicant_name)
                    .bind(&template.applicant_id_number)
                    .bind(&template.applicant_phone)
                    .bind(template.channel)
                    .bind(&template.form)
                    .bind(&template.status)
                    .bind(&template.step_role)
                    .bind(&template.pending_departments)
                    .bind(template.fee_minor)
                    .bind(&template.currency)
                    .bind(template.submitted_at)
                    .bind(template.step_due_on)
                    .bind(template.due_on)
                    .execute(&mut *tx)
                    .await?;
                }
            });
        }
        Ok(())
    }

    /// The baseline of the benchmarks: one small row per transaction into
    /// a scratch table, with the same durability settings as real writes —
    /// the engine's own rate, each transaction on a pool connection of its
    /// own (on SQLite `BEGIN IMMEDIATE`, waiting in SQLite's busy handler),
    /// not through Baladiya's group commit.
    pub async fn raw_insert(&self, payload: &str) -> Result<(), StoreError> {
        const INSERT: &str = "INSERT INTO bench_raw (payload) VALUES ($1)";
        match self {
            Store::Sqlite(SqliteStore { pool, .. }) => {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                sqlx::query(INSERT).bind(payload).execute(&mut *tx).await?;
                tx.commit().await?;
            }
            Store::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                sqlx::query(INSERT).bind(payload).execute(&mut *tx).await?;
                tx.commit().await?;
            }
        }
        Ok(())
    }

    /// Creates the scratch table of [`Store::raw_insert`].
    pub async fn create_raw_table(&self) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(SqliteStore { pool, .. }) => {
                sqlx::query("CREATE TABLE IF NOT EXISTS bench_raw (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
                    .execute(pool)
                    .await?;
            }
            Store::Postgres(pool) => {
                sqlx::query("CREATE TABLE IF NOT EXISTS bench_raw (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, payload TEXT NOT NULL)")
                    .execute(pool)
                    .await?;
            }
        }
        Ok(())
    }
}

impl Store {
    /// Flags applications whose current step is overdue on `today` (once
    /// each), with an `application.escalated` event in the same
    /// transaction. Returns how many were flagged.
    pub async fn escalate_overdue(
        &self,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        Ok(in_write_tx!(self, tx => {
            let rows: Vec<(i64, i64, NaiveDate)> = sqlx::query_as(
                "UPDATE applications SET escalated = $1 \
                 WHERE status = 'in_progress' AND step_due_on < $2 AND escalated = $3 \
                 RETURNING id, unit_id, step_due_on",
            )
            .bind(true)
            .bind(today)
            .bind(false)
            .fetch_all(&mut *tx)
            .await?;
            for (id, unit_id, due) in &rows {
                insert_event!(tx, &NewEvent {
                    at: now,
                    actor_id: None,
                    action: "application.escalated",
                    entity: "application",
                    entity_id: *id,
                    unit_id: Some(*unit_id),
                    detail: serde_json::json!({"step_due_on": due, "to": "unit_head"}),
                });
            }
            rows.len()
        }))
    }
}
