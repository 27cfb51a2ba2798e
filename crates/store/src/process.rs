//! Applications with their events, a page of cases at a time, for the
//! process-mining event log.

use baladiya_domain::org::UnitPath;
use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;

use crate::sql::{Param, Sql, bind_all};
use crate::{Store, StoreError, on_pool};

/// Which applications a log holds. Empty lists mean "any".
#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    pub service_version_ids: Vec<i64>,
    /// Units (each with everything below it).
    pub units: Vec<UnitPath>,
    /// Submitted at or after.
    pub from: Option<DateTime<Utc>>,
    /// Submitted before.
    pub to: Option<DateTime<Utc>>,
    /// `online` or `counter`.
    pub channel: Option<String>,
    /// Completed at or after, and before.
    pub completed: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Report categories (for the reports' log).
    pub categories: Vec<String>,
}

/// One citizen report and its events (`(at, action)`), oldest first.
#[derive(Debug, Clone)]
pub struct ReportLogCase {
    pub id: i64,
    pub category_code: String,
    pub unit_code: String,
    pub department: String,
    pub channel: String,
    pub status: String,
    pub requested_at: DateTime<Utc>,
    pub events: Vec<(DateTime<Utc>, String)>,
}

/// One application and its events, oldest first.
#[derive(Debug, Clone)]
pub struct LogCase {
    pub id: i64,
    pub tracking_number: String,
    pub service_version_id: i64,
    pub unit_code: String,
    pub channel: String,
    pub fee_minor: Option<i64>,
    pub currency: String,
    pub status: String,
    pub submitted_at: DateTime<Utc>,
    /// The payment's receipt number, once paid.
    pub receipt_number: Option<String>,
    /// The issued document's verification code.
    pub license: Option<String>,
    /// `(id, code, uploaded at)` of its documents.
    pub documents: Vec<(i64, String, DateTime<Utc>)>,
    /// `(at, action, detail as JSON text)`.
    pub events: Vec<(DateTime<Utc>, String, String)>,
}

/// Hands each `(owner id, item)` of `items` (in id order) to the case of
/// `cases` (in id order) with that id.
fn distribute<C, I>(
    cases: &mut [C],
    id: impl Fn(&C) -> i64,
    items: impl IntoIterator<Item = (i64, I)>,
    mut give: impl FnMut(&mut C, I),
) {
    let mut index = 0;
    for (owner, item) in items {
        while index < cases.len() && id(&cases[index]) < owner {
            index += 1;
        }
        if let Some(case) = cases.get_mut(index).filter(|c| id(c) == owner) {
            give(case, item);
        }
    }
}

/// The filters both logs share: units (joined as `u`), the period of
/// submission on column `submitted` and the channel on column `channel`.
fn shared_filters(sql: &mut Sql, filter: &LogFilter, submitted: &str, channel: &str) {
    if !filter.units.is_empty() {
        sql.within("u.path", &filter.units);
    }
    for (bound, op) in [(filter.from, ">="), (filter.to, "<")] {
        if let Some(at) = bound {
            let p = sql.param(Param::Time(at));
            sql.text.push_str(&format!(" AND {submitted} {op} {p}"));
        }
    }
    if let Some(value) = &filter.channel {
        let p = sql.param(Param::Text(value.clone()));
        sql.text.push_str(&format!(" AND {channel} = {p}"));
    }
}

type CaseRow = (
    i64,
    String,
    i64,
    String,
    String,
    Option<i64>,
    String,
    String,
    DateTime<Utc>,
    Option<String>,
    Option<String>,
);

impl Store {
    /// Up to `limit` applications matching `filter` with ids above
    /// `after`, in id order, each with its events.
    pub async fn log_cases(
        &self,
        filter: &LogFilter,
        after: i64,
        limit: i64,
    ) -> Result<Vec<LogCase>, StoreError> {
        let mut sql = Sql::new(
            "SELECT a.id, a.tracking_number, a.service_version_id, u.code, a.channel, a.fee_minor, \
             a.currency, a.status, a.submitted_at, a.receipt_number, \
             (SELECT verification_code FROM issuances i WHERE i.application_id = a.id) \
             FROM applications a JOIN org_units u ON u.id = a.unit_id WHERE a.id > $1",
        );
        sql.params.push(Param::Int(after));
        sql.any_of(
            "a.service_version_id",
            filter
                .service_version_ids
                .iter()
                .map(|id| Param::Int(*id))
                .collect(),
        );
        shared_filters(&mut sql, filter, "a.submitted_at", "a.channel");
        if let Some((from, to)) = filter.completed {
            let (a, b) = (sql.param(Param::Time(from)), sql.param(Param::Time(to)));
            sql.text.push_str(&format!(
                " AND a.completed_at >= {a} AND a.completed_at < {b}"
            ));
        }
        let p = sql.param(Param::Int(limit));
        sql.text.push_str(&format!(" ORDER BY a.id LIMIT {p}"));
        let rows: Vec<CaseRow> = on_pool!(self, pool => {
            bind_all!(sqlx::query_as(AssertSqlSafe(sql.text.clone())), sql)
                .fetch_all(pool)
                .await?
        });
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
            return Ok(Vec::new());
        };
        let (low, high) = (first.0, last.0);
        let events: Vec<(i64, DateTime<Utc>, String, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT entity_id, at, action, detail FROM events WHERE entity = 'application' \
                 AND entity_id BETWEEN $1 AND $2 ORDER BY entity_id, id",
            )
            .bind(low)
            .bind(high)
            .fetch_all(pool)
            .await?
        });
        let mut cases: Vec<LogCase> = rows
            .into_iter()
            .map(|row| LogCase {
                id: row.0,
                tracking_number: row.1,
                service_version_id: row.2,
                unit_code: row.3,
                channel: row.4,
                fee_minor: row.5,
                currency: row.6,
                status: row.7,
                submitted_at: row.8,
                receipt_number: row.9,
                license: row.10,
                documents: Vec::new(),
                events: Vec::new(),
            })
            .collect();
        let documents: Vec<(i64, i64, String, DateTime<Utc>)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT application_id, id, code, uploaded_at FROM application_documents \
                 WHERE application_id BETWEEN $1 AND $2 ORDER BY application_id, id",
            )
            .bind(low)
            .bind(high)
            .fetch_all(pool)
            .await?
        });
        distribute(
            &mut cases,
            |c| c.id,
            documents
                .into_iter()
                .map(|(application, id, code, at)| (application, (id, code, at))),
            |case, document| case.documents.push(document),
        );
        distribute(
            &mut cases,
            |c| c.id,
            events
                .into_iter()
                .map(|(id, at, action, detail)| (id, (at, action, detail))),
            |case, event| case.events.push(event),
        );
        Ok(cases)
    }

    /// Up to `limit` citizen reports matching `filter` (units, period of
    /// submission, channel, categories) with ids above `after`, in id
    /// order, each with its events.
    pub async fn report_log_cases(
        &self,
        filter: &LogFilter,
        after: i64,
        limit: i64,
    ) -> Result<Vec<ReportLogCase>, StoreError> {
        let mut sql = Sql::new(
            "SELECT r.id, r.category_code, u.code, r.department, r.channel, r.status, \
             r.requested_at FROM reports r JOIN org_units u ON u.id = r.unit_id WHERE r.id > $1",
        );
        sql.params.push(Param::Int(after));
        sql.any_of(
            "r.category_code",
            filter
                .categories
                .iter()
                .map(|c| Param::Text(c.clone()))
                .collect(),
        );
        shared_filters(&mut sql, filter, "r.requested_at", "r.channel");
        let p = sql.param(Param::Int(limit));
        sql.text.push_str(&format!(" ORDER BY r.id LIMIT {p}"));
        type Row = (i64, String, String, String, String, String, DateTime<Utc>);
        let rows: Vec<Row> = on_pool!(self, pool => {
            bind_all!(sqlx::query_as(AssertSqlSafe(sql.text.clone())), sql)
                .fetch_all(pool)
                .await?
        });
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
            return Ok(Vec::new());
        };
        let (low, high) = (first.0, last.0);
        let events: Vec<(i64, DateTime<Utc>, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT entity_id, at, action FROM events WHERE entity = 'report' \
                 AND entity_id BETWEEN $1 AND $2 ORDER BY entity_id, id",
            )
            .bind(low)
            .bind(high)
            .fetch_all(pool)
            .await?
        });
        let mut cases: Vec<ReportLogCase> = rows
            .into_iter()
            .map(|r| ReportLogCase {
                id: r.0,
                category_code: r.1,
                unit_code: r.2,
                department: r.3,
                channel: r.4,
                status: r.5,
                requested_at: r.6,
                events: Vec::new(),
            })
            .collect();
        distribute(
            &mut cases,
            |c| c.id,
            events
                .into_iter()
                .map(|(id, at, action)| (id, (at, action))),
            |case, event| case.events.push(event),
        );
        Ok(cases)
    }
}
