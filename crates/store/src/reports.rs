//! Citizen reports, their followers, and the API keys of Open311 clients.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AssertSqlSafe;

use crate::events::{NewEvent, insert_event};
use crate::idempotency::record_idempotency_key;
use crate::sql::{Param, Sql, bind_all};
use crate::throttles::{Throttle, take_throttles};
use crate::{Store, StoreError, in_write_tx, on_pool};
use baladiya_domain::ErrorCode;
use baladiya_domain::org::{DepartmentKind, UnitPath};
use baladiya_domain::reports::lifecycle::ReportStatus;

/// A report to record.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub token: String,
    pub category_code: String,
    pub unit_id: i64,
    pub department: DepartmentKind,
    pub description: String,
    pub lat: f64,
    pub lon: f64,
    pub address: Option<String>,
    /// JSON object of attribute answers.
    pub answers: String,
    pub photo_key: Option<String>,
    pub photo_type: Option<String>,
    pub media_url: Option<String>,
    pub channel: &'static str,
    pub api_key_id: Option<i64>,
    pub intake_user_id: Option<i64>,
    pub reporter_name: Option<String>,
    pub reporter_email: Option<String>,
    pub reporter_phone: Option<String>,
    pub device_id: Option<String>,
    pub account_id: Option<String>,
    pub requested_at: DateTime<Utc>,
    pub expected_on: NaiveDate,
    /// Taken in the same transaction (anonymous submissions): over it,
    /// nothing is written.
    pub throttle: Option<Throttle>,
    pub idempotency: Option<crate::IdempotencyKey>,
}

impl NewReport {
    /// A template for [`Store::seed_reports`]: an engineering report of
    /// `unit_id` through the API at `at`, with no reporter.
    pub fn seed_template(token: &str, unit_id: i64, at: DateTime<Utc>) -> Self {
        Self {
            token: token.to_owned(),
            category_code: String::new(),
            unit_id,
            department: DepartmentKind::Engineering,
            description: "بلاغ للقياس".into(),
            lat: 29.80,
            lon: 31.17,
            address: None,
            answers: "{}".into(),
            photo_key: None,
            photo_type: None,
            media_url: None,
            channel: "api",
            api_key_id: None,
            intake_user_id: None,
            reporter_name: None,
            reporter_email: None,
            reporter_phone: None,
            device_id: None,
            account_id: None,
            requested_at: at,
            expected_on: at.date_naive(),
            throttle: None,
            idempotency: None,
        }
    }
}

/// A report as anyone may see it: what listings, the open data and Open311
/// show. It has no field for the reporter's name, e-mail, phone, device or
/// account, the attribute answers or the assignee, so an answer built from
/// it cannot disclose them, and a listing does not read them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PublicReport {
    pub id: i64,
    pub category_code: String,
    pub unit_code: String,
    /// Parsed as rows are read: a stored value that is not a known kind or
    /// status is an error, never silently something else.
    #[sqlx(try_from = "String")]
    pub department: DepartmentKind,
    #[sqlx(try_from = "String")]
    pub status: ReportStatus,
    pub status_note: Option<String>,
    /// As the reporter wrote it: contact details typed into it are hidden
    /// where it is shown.
    pub description: String,
    pub lat: f64,
    pub lon: f64,
    pub address: Option<String>,
    pub has_photo: bool,
    pub media_url: Option<String>,
    pub duplicate_of: Option<i64>,
    pub reopened: bool,
    pub confirmed: bool,
    pub requested_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub expected_on: NaiveDate,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i64,
}

/// What anyone may see of a report: the listings' columns.
const PUBLIC_COLUMNS: &str = "r.id, r.category_code, u.code AS unit_code, r.department, \
    r.status, r.status_note, r.description, r.lat, r.lon, r.address, \
    r.photo_key IS NOT NULL AS has_photo, r.media_url, r.duplicate_of, r.reopened, r.confirmed, \
    r.requested_at, r.updated_at, r.expected_on, r.closed_at, r.version";

/// A report as stored: its public part and the reporter's personal data.
/// The web layer decides what is shown to whom.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportRecord {
    #[sqlx(flatten)]
    pub public: PublicReport,
    pub token: String,
    pub unit_id: i64,
    pub unit_path: String,
    pub answers: String,
    pub photo_key: Option<String>,
    pub photo_type: Option<String>,
    pub channel: String,
    pub reporter_name: Option<String>,
    pub reporter_email: Option<String>,
    pub reporter_phone: Option<String>,
    /// The staff member it is assigned to, and their name.
    pub assigned_to: Option<i64>,
    pub assignee: Option<String>,
}

/// A stored report reads as its public part too (`record.status`).
impl std::ops::Deref for ReportRecord {
    type Target = PublicReport;

    fn deref(&self) -> &PublicReport {
        &self.public
    }
}

/// The columns of a report beyond [`PUBLIC_COLUMNS`].
const PRIVATE_COLUMNS: &str = "r.token, r.unit_id, u.path AS unit_path, r.answers, r.photo_key, \
    r.photo_type, r.channel, r.reporter_name, r.reporter_email, r.reporter_phone, r.assigned_to, \
    (SELECT full_name FROM users WHERE id = r.assigned_to) AS assignee";

/// Filters of a report search. Empty lists mean "any".
#[derive(Debug, Clone, Default)]
pub struct ReportQuery {
    pub ids: Vec<i64>,
    pub categories: Vec<String>,
    pub statuses: Vec<ReportStatus>,
    /// Units (each with everything below it).
    pub within: Vec<UnitPath>,
    pub departments: Vec<DepartmentKind>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// A latitude/longitude box: `(south, west, north, east)`.
    pub bbox: Option<(f64, f64, f64, f64)>,
    pub limit: i64,
    pub offset: i64,
    /// Only reports before this one in the newest-first order: `(requested
    /// at, id)` of the last report of the previous page (keyset paging).
    pub before: Option<(DateTime<Utc>, i64)>,
    /// Oldest first (inboxes) rather than newest first (lists).
    pub oldest_first: bool,
}

/// What a report action writes, in one transaction.
#[derive(Debug, Clone)]
pub struct ReportChange<'a> {
    pub status: ReportStatus,
    pub status_note: Option<String>,
    pub reopened: bool,
    pub confirmed: bool,
    pub duplicate_of: Option<i64>,
    /// This change merges the report into that one, which must still be
    /// open, not a duplicate, and of the same category when the change is
    /// written.
    pub merge_into: Option<i64>,
    pub closed_at: Option<DateTime<Utc>>,
    pub expected_on: NaiveDate,
    pub event: NewEvent<'a>,
    /// A notification to every follower: `(kind, JSON payload)`.
    pub notify: Option<(&'static str, serde_json::Value)>,
}

/// Inserts a notification of report `$report_id` to `$contact` (an e-mail
/// address also goes into the payload, for the mailer).
macro_rules! notify {
    ($tx:expr, $report_id:expr, $kind:expr, $contact:expr, $payload:expr, $at:expr) => {{
        let contact: &str = $contact;
        let mut payload: serde_json::Value = $payload;
        if contact.contains('@') {
            payload["email"] = serde_json::Value::String(contact.to_owned());
        }
        sqlx::query(
            "INSERT INTO notifications (report_id, kind, recipient, payload, next_attempt_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind($report_id)
        .bind($kind)
        .bind(contact)
        .bind(payload.to_string())
        .bind($at)
        .execute(&mut *$tx)
        .await?;
    }};
}

/// Inserts a notification of report `$report_id` to every follower.
macro_rules! notify_followers {
    ($tx:expr, $report_id:expr, $kind:expr, $payload:expr, $at:expr) => {{
        let followers: Vec<String> = sqlx::query_scalar(
            "SELECT contact FROM report_followers WHERE report_id = $1 ORDER BY contact",
        )
        .bind($report_id)
        .fetch_all(&mut *$tx)
        .await?;
        for contact in &followers {
            notify!($tx, $report_id, $kind, contact, $payload.clone(), $at);
        }
    }};
}

/// The statement that inserts a [`NewReport`] (`$1`…`$22`, bound by
/// `bind_new_report!`), returning its id.
macro_rules! insert_report_sql {
    () => {
        "INSERT INTO reports (token, category_code, unit_id, department, status, description, \
         lat, lon, address, answers, photo_key, photo_type, media_url, channel, api_key_id, \
         intake_user_id, reporter_name, reporter_email, reporter_phone, device_id, account_id, \
         requested_at, updated_at, expected_on) \
         VALUES ($1, $2, $3, $4, 'open', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
         $17, $18, $19, $20, $21, $21, $22) RETURNING id"
    };
}

/// Binds `$1`…`$22` of `insert_report_sql!` to a [`NewReport`].
macro_rules! bind_new_report {
    ($query:expr, $new:expr) => {{
        let new: &NewReport = $new;
        $query
            .bind(&new.token)
            .bind(&new.category_code)
            .bind(new.unit_id)
            .bind(new.department.as_str())
            .bind(&new.description)
            .bind(new.lat)
            .bind(new.lon)
            .bind(&new.address)
            .bind(&new.answers)
            .bind(&new.photo_key)
            .bind(&new.photo_type)
            .bind(&new.media_url)
            .bind(new.channel)
            .bind(new.api_key_id)
            .bind(new.intake_user_id)
            .bind(&new.reporter_name)
            .bind(&new.reporter_email)
            .bind(&new.reporter_phone)
            .bind(&new.device_id)
            .bind(&new.account_id)
            .bind(new.requested_at)
            .bind(new.expected_on)
    }};
}

/// The `report.submitted` event's detail.
fn submitted_detail(new: &NewReport) -> serde_json::Value {
    serde_json::json!({"to": "open", "channel": new.channel, "category": new.category_code})
}

/// Writes a new report, its reporter's follow (when they left a
/// `contact`) and its `report.submitted` event; returns the report's id.
trait WriteReport {
    fn write_report(
        &mut self,
        new: &NewReport,
        contact: Option<&str>,
        actor_id: Option<i64>,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
}

impl WriteReport for sqlx::PgConnection {
    /// One statement (a data-modifying CTE): one round trip to the server
    /// instead of three, on a path every submission takes.
    async fn write_report(
        &mut self,
        new: &NewReport,
        contact: Option<&str>,
        actor_id: Option<i64>,
    ) -> Result<i64, StoreError> {
        let query = sqlx::query_scalar(concat!(
            "WITH r AS (",
            insert_report_sql!(),
            "), f AS (INSERT INTO report_followers (report_id, contact, created_at) \
             SELECT id, $23, $21 FROM r WHERE $23 IS NOT NULL), \
             e AS (INSERT INTO events (at, actor_id, action, entity, entity_id, unit_id, detail) \
             SELECT $21, $24, 'report.submitted', 'report', id, $3, $25 FROM r) \
             SELECT id FROM r"
        ));
        Ok(bind_new_report!(query, new)
            .bind(contact)
            .bind(actor_id)
            .bind(submitted_detail(new).to_string())
            .fetch_one(self)
            .await?)
    }
}

impl WriteReport for sqlx::SqliteConnection {
    /// Statements in the process cost no round trip: one at a time.
    async fn write_report(
        &mut self,
        new: &NewReport,
        contact: Option<&str>,
        actor_id: Option<i64>,
    ) -> Result<i64, StoreError> {
        let id: i64 = bind_new_report!(sqlx::query_scalar(insert_report_sql!()), new)
            .fetch_one(&mut *self)
            .await?;
        if let Some(contact) = contact {
            sqlx::query(
                "INSERT INTO report_followers (report_id, contact, created_at) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(contact)
            .bind(new.requested_at)
            .execute(&mut *self)
            .await?;
        }
        insert_event!(
            self,
            &NewEvent {
                at: new.requested_at,
                actor_id,
                action: "report.submitted",
                entity: "report",
                entity_id: id,
                unit_id: Some(new.unit_id),
                detail: submitted_detail(new),
            }
        );
        Ok(id)
    }
}

/// Appends to `sql` the reports of `categories` (any when empty) matching
/// `query`'s other filters, in the listing's order, `limit` of them after
/// `offset`.
fn select_reports(
    sql: &mut Sql,
    query: &ReportQuery,
    categories: &[String],
    limit: i64,
    offset: i64,
) {
    // Without a unit filter, the reports drive the join (SQLite takes
    // `CROSS JOIN` as that order; PostgreSQL plans it as any join). With
    // statistics sampled from skewed data (`PRAGMA optimize` reads a few
    // thousand rows an index), SQLite's planner would otherwise start from
    // the units and sort every report of one: 360 ms instead of 6 for a
    // page of closed reports among 1,000,000.
    let join = if query.within.is_empty() {
        "CROSS JOIN"
    } else {
        ","
    };
    sql.text.push_str(&format!(
        "SELECT {PUBLIC_COLUMNS} FROM reports r {join} org_units u WHERE u.id = r.unit_id"
    ));
    sql.any_of("r.id", query.ids.iter().map(|i| Param::Int(*i)).collect());
    sql.any_of(
        "r.category_code",
        categories.iter().map(|c| Param::Text(c.clone())).collect(),
    );
    sql.any_of(
        "r.status",
        query
            .statuses
            .iter()
            .map(|s| Param::Text(s.as_str().to_owned()))
            .collect(),
    );
    sql.any_of(
        "r.department",
        query
            .departments
            .iter()
            .map(|d| Param::Text(d.as_str().to_owned()))
            .collect(),
    );
    if !query.within.is_empty() {
        sql.within("u.path", &query.within);
    }
    if let Some(from) = query.from {
        let p = sql.param(Param::Time(from));
        sql.text.push_str(&format!(" AND r.requested_at >= {p}"));
    }
    if let Some(to) = query.to {
        let p = sql.param(Param::Time(to));
        sql.text.push_str(&format!(" AND r.requested_at <= {p}"));
    }
    if let Some((south, west, north, east)) = query.bbox {
        let [s, w, n, e] = [south, west, north, east].map(|v| sql.param(Param::Real(v)));
        sql.text.push_str(&format!(
            " AND r.lat BETWEEN {s} AND {n} AND r.lon BETWEEN {w} AND {e}"
        ));
    }
    if let Some((at, id)) = query.before {
        let (a, b, i) = (
            sql.param(Param::Time(at)),
            sql.param(Param::Time(at)),
            sql.param(Param::Int(id)),
        );
        sql.text.push_str(&format!(
            " AND (r.requested_at < {a} OR (r.requested_at = {b} AND r.id < {i}))"
        ));
    }
    let order = if query.oldest_first { "" } else { " DESC" };
    let limit = sql.param(Param::Int(limit));
    let offset = sql.param(Param::Int(offset));
    sql.text.push_str(&format!(
        " ORDER BY r.requested_at{order}, r.id{order} LIMIT {limit} OFFSET {offset}"
    ));
}

impl Store {
    /// Records a report with its reporter as first follower, its event and
    /// the reporter's acknowledgement, in one transaction. Returns its id.
    /// A report by API key counts against the key's one-minute window in
    /// the same transaction: over the limit, nothing is written and the
    /// answer is `Conflict(RateLimited)`.
    pub async fn insert_report(
        &self,
        new: &NewReport,
        actor_id: Option<i64>,
        received: impl FnOnce(i64) -> serde_json::Value,
    ) -> Result<i64, StoreError> {
        let contact = new.reporter_email.clone().or(new.reporter_phone.clone());
        let window_floor = new.requested_at - chrono::Duration::minutes(1);
        Ok(in_write_tx!(self, tx => {
            let id = tx.write_report(new, contact.as_deref(), actor_id).await?;
            // The reporter is the new report's only follower, told it was
            // received without reading the followers back.
            if let Some(contact) = &contact {
                notify!(tx, id, "report_received", contact, received(id), new.requested_at);
            }
            record_idempotency_key!(tx, new.idempotency.as_ref(), "report", id, new.requested_at);
            // Counted last, so the key's and the client's rows stay locked
            // (PostgreSQL) only from here to the commit: submissions with
            // one API key would otherwise wait for each other's whole
            // transaction. Over a limit, everything above is undone.
            // A key revoked since the server last read it (on any server)
            // has no row to count in: refused, nothing written.
            if let Some(key_id) = new.api_key_id {
                let (count, limit): (i64, i64) = sqlx::query_as(
                    "UPDATE api_keys SET \
                     window_count = CASE WHEN window_start <= $1 THEN 1 ELSE window_count + 1 END, \
                     window_start = CASE WHEN window_start <= $1 THEN $2 ELSE window_start END \
                     WHERE id = $3 AND revoked_at IS NULL RETURNING window_count, per_minute",
                )
                .bind(window_floor)
                .bind(new.requested_at)
                .bind(key_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::Conflict(ErrorCode::ApiKeyInvalid))?;
                if count > limit {
                    return Err(StoreError::Conflict(ErrorCode::RateLimited));
                }
            }
            take_throttles!(tx, new.throttle.iter(), new.requested_at);
            id
        }))
    }

    pub async fn report(&self, id: i64) -> Result<Option<ReportRecord>, StoreError> {
        let sql = format!(
            "SELECT {PUBLIC_COLUMNS}, {PRIVATE_COLUMNS} FROM reports r \
             JOIN org_units u ON u.id = r.unit_id WHERE r.id = $1"
        );
        Ok(on_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?
        }))
    }

    /// The report a submission token stands for.
    pub async fn report_id_by_token(&self, token: &str) -> Result<Option<i64>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT id FROM reports WHERE token = $1")
                .bind(token)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Reports matching `query`, newest first (or oldest first), as anyone
    /// may see them.
    pub async fn search_reports(
        &self,
        query: &ReportQuery,
    ) -> Result<Vec<PublicReport>, StoreError> {
        let mut sql = Sql::default();
        let order = if query.oldest_first { "" } else { " DESC" };
        if query.categories.len() > 1 {
            // One category at a time, each read in the listing's order
            // from its index and cut at the page's end, then merged: the
            // engines would otherwise read and sort every report of those
            // categories in the period before cutting the page.
            for (i, category) in query.categories.iter().enumerate() {
                if i > 0 {
                    sql.text.push_str(" UNION ALL ");
                }
                sql.text.push_str("SELECT * FROM (");
                select_reports(
                    &mut sql,
                    query,
                    std::slice::from_ref(category),
                    query.limit.saturating_add(query.offset),
                    0,
                );
                sql.text.push_str(&format!(") AS c{i}"));
            }
            let limit = sql.param(Param::Int(query.limit));
            let offset = sql.param(Param::Int(query.offset));
            sql.text.push_str(&format!(
                " ORDER BY requested_at{order}, id{order} LIMIT {limit} OFFSET {offset}"
            ));
        } else {
            select_reports(
                &mut sql,
                query,
                &query.categories,
                query.limit,
                query.offset,
            );
        }
        Ok(on_pool!(self, pool => {
            bind_all!(sqlx::query_as(AssertSqlSafe(sql.text.clone())), sql)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Applies a report action if the report is still at
    /// `expected_version` (else `Conflict(StaleVersion)`, nothing written);
    /// a merge also moves the followers to the report kept. Returns the new
    /// version.
    ///
    /// A merge re-checks the report kept inside the transaction, after
    /// locking both rows in id order (PostgreSQL; SQLite's `BEGIN
    /// IMMEDIATE` already serializes writers): if it has meanwhile been
    /// closed or merged itself — say into this very report — the merge is
    /// `Conflict(StaleVersion)` and writes nothing. Two crossed merges can
    /// never both win.
    pub async fn update_report(
        &self,
        id: i64,
        expected_version: i64,
        change: &ReportChange<'_>,
    ) -> Result<i64, StoreError> {
        let at = change.event.at;
        let postgres = matches!(self, Store::Postgres(_));
        let open = ReportStatus::OPEN
            .map(|s| format!("'{}'", s.as_str()))
            .join(", ");
        let kept_is_open = format!(
            "SELECT COUNT(*) FROM reports k JOIN reports d ON d.id = $2 \
             WHERE k.id = $1 AND k.duplicate_of IS NULL AND k.status IN ({open}) \
             AND k.category_code = d.category_code"
        );
        Ok(in_write_tx!(self, tx => {
            if let (Some(kept), true) = (change.merge_into, postgres) {
                sqlx::query("SELECT id FROM reports WHERE id IN ($1, $2) ORDER BY id FOR UPDATE")
                    .bind(id)
                    .bind(kept)
                    .fetch_all(&mut *tx)
                    .await?;
            }
            let changed = sqlx::query(
                "UPDATE reports SET status = $1, status_note = $2, reopened = $3, confirmed = $4, \
                 duplicate_of = $5, closed_at = $6, expected_on = $7, updated_at = $8, version = version + 1 \
                 WHERE id = $9 AND version = $10",
            )
            .bind(change.status.as_str())
            .bind(&change.status_note)
            .bind(change.reopened)
            .bind(change.confirmed)
            .bind(change.duplicate_of)
            .bind(change.closed_at)
            .bind(change.expected_on)
            .bind(at)
            .bind(id)
            .bind(expected_version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::Conflict(ErrorCode::StaleVersion));
            }
            if let Some(kept) = change.merge_into {
                let still_open: i64 = sqlx::query_scalar(AssertSqlSafe(kept_is_open.clone()))
                    .bind(kept)
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
                if still_open == 0 {
                    return Err(StoreError::Conflict(ErrorCode::StaleVersion));
                }
            }
            insert_event!(tx, &change.event);
            if let Some((kind, payload)) = &change.notify {
                notify_followers!(tx, id, *kind, payload, at);
            }
            if let Some(kept) = change.merge_into {
                sqlx::query(
                    "INSERT INTO report_followers (report_id, contact, created_at) \
                     SELECT $1, contact, created_at FROM report_followers WHERE report_id = $2 \
                     ON CONFLICT (report_id, contact) DO NOTHING",
                )
                .bind(kept)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                insert_event!(tx, &NewEvent {
                    at,
                    actor_id: change.event.actor_id,
                    action: "report.merged_in",
                    entity: "report",
                    entity_id: kept,
                    unit_id: change.event.unit_id,
                    detail: serde_json::json!({"duplicate": id}),
                });
            }
            expected_version + 1
        }))
    }

    /// Adds a follower, with an event (which records how they follow, not
    /// the contact itself); following twice is harmless. Returns whether
    /// the contact was new.
    pub async fn follow_report(
        &self,
        id: i64,
        unit_id: i64,
        contact: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(in_write_tx!(self, tx => {
            let added = sqlx::query(
                "INSERT INTO report_followers (report_id, contact, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (report_id, contact) DO NOTHING",
            )
            .bind(id)
            .bind(contact)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if added {
                insert_event!(tx, &NewEvent {
                    at: now,
                    actor_id: None,
                    action: "report.followed",
                    entity: "report",
                    entity_id: id,
                    unit_id: Some(unit_id),
                    detail: serde_json::json!({
                        "by": if contact.contains('@') { "email" } else { "phone" },
                    }),
                });
            }
            added
        }))
    }

    pub async fn followers_of(&self, id: i64) -> Result<Vec<String>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT contact FROM report_followers WHERE report_id = $1 ORDER BY contact")
                .bind(id)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Notifications of one report: `(kind, recipient, payload)`, oldest first.
    pub async fn report_notifications(
        &self,
        id: i64,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT kind, recipient, payload FROM notifications WHERE report_id = $1 ORDER BY id")
                .bind(id)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Counts of reports by `(status, count)` under `within`, and the open
    /// ones' `(lat, lon, requested_at)` for a heat map and ages.
    pub async fn report_overview(
        &self,
        within: &UnitPath,
    ) -> Result<(Vec<(String, i64)>, Vec<(f64, f64, DateTime<Utc>)>), StoreError> {
        let prefix = format!("{}%", within.encode());
        Ok(on_pool!(self, pool => {
            let counts = sqlx::query_as(
                "SELECT r.status, COUNT(*) FROM reports r JOIN org_units u ON u.id = r.unit_id \
                 WHERE u.path LIKE $1 GROUP BY r.status ORDER BY r.status",
            )
            .bind(&prefix)
            .fetch_all(pool)
            .await?;
            let open = sqlx::query_as(
                "SELECT r.lat, r.lon, r.requested_at FROM reports r JOIN org_units u ON u.id = r.unit_id \
                 WHERE u.path LIKE $1 AND r.status IN ('open', 'acknowledged', 'in_progress')",
            )
            .bind(&prefix)
            .fetch_all(pool)
            .await?;
            (counts, open)
        }))
    }

    /// Benchmark data: `count` reports like `template`, with category
    /// `categories[i % len]`, status `statuses[i % len]`, requested
    /// `i % spread_minutes` minutes before the template's time, spread in a
    /// small box around its point. Written 500 rows to a statement.
    pub async fn seed_reports(
        &self,
        template: &NewReport,
        count: usize,
        categories: &[String],
        statuses: &[&str],
        spread_minutes: i64,
    ) -> Result<(), StoreError> {
        const COLUMNS: usize = 13;
        let rows: Vec<usize> = (0..count).collect();
        for chunk in rows.chunks(500) {
            let mut sql = String::from(
                "INSERT INTO reports (token, category_code, unit_id, department, status, description, \
                 lat, lon, answers, channel, requested_at, updated_at, expected_on) VALUES ",
            );
            let values: Vec<String> = (0..chunk.len())
                .map(|r| {
                    let params: Vec<String> = (1..=COLUMNS)
                        .map(|c| format!("${}", r * COLUMNS + c))
                        .collect();
                    format!("({})", params.join(", "))
                })
                .collect();
            sql.push_str(&values.join(", "));
            in_write_tx!(self, tx => {
                let mut q = sqlx::query(AssertSqlSafe(sql.clone()));
                for &i in chunk {
                    let at = template.requested_at - chrono::Duration::minutes(i as i64 % spread_minutes.max(1));
                    q = q
                        .bind(format!("{}-{i}", template.token))
                        .bind(&categories[i % categories.len().max(1)])
                        .bind(template.unit_id)
                        .bind(template.department.as_str())
                        .bind(statuses[i % statuses.len().max(1)])
                        .bind(&template.description)
                        .bind(template.lat + (i % 997) as f64 * 1e-5)
                        .bind(template.lon + (i % 991) as f64 * 1e-5)
                        .bind(&template.answers)
                        .bind(template.channel)
                        .bind(at)
                        .bind(at)
                        .bind(template.expected_on);
                }
                q.execute(&mut *tx).await?;
            });
        }
        Ok(())
    }

    /// Records an API key (its SHA-256 hash) allowed `per_minute` POSTs.
    pub async fn insert_api_key(
        &self,
        name: &str,
        key_hash: &str,
        per_minute: i64,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        Ok(in_write_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO api_keys (name, key_hash, per_minute, window_start, created_at) \
                 VALUES ($1, $2, $3, $4, $4) RETURNING id",
            )
            .bind(name)
            .bind(key_hash)
            .bind(per_minute)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            insert_event!(tx, &NewEvent {
                at: now,
                actor_id: None,
                action: "api_key.issued",
                entity: "api_key",
                entity_id: id,
                unit_id: None,
                detail: serde_json::json!({"name": name, "per_minute": per_minute}),
            });
            id
        }))
    }

    /// The key with this hash, unless revoked.
    pub async fn api_key_id(&self, key_hash: &str) -> Result<Option<i64>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL")
                .bind(key_hash)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Revokes every key of this name; returns how many.
    pub async fn revoke_api_keys(&self, name: &str, now: DateTime<Utc>) -> Result<u64, StoreError> {
        Ok(in_write_tx!(self, tx => {
            let ids: Vec<i64> = sqlx::query_scalar(
                "UPDATE api_keys SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL RETURNING id",
            )
            .bind(now)
            .bind(name)
            .fetch_all(&mut *tx)
            .await?;
            for id in &ids {
                insert_event!(tx, &NewEvent {
                    at: now,
                    actor_id: None,
                    action: "api_key.revoked",
                    entity: "api_key",
                    entity_id: *id,
                    unit_id: None,
                    detail: serde_json::json!({"name": name}),
                });
            }
            ids.len() as u64
        }))
    }
}
