//! The one-stop shop's history as a process-mining event log (see
//! [`baladiya_domain::process`]): cases read a page at a time, so an
//! export of a million events never holds them all.

use baladiya_domain::org::UnitPath;
use baladiya_domain::people::Permission;
use baladiya_domain::process::{LogEvent, StoredEvent, application_events};
use baladiya_store::{LogCase, LogFilter};
use chrono::{DateTime, Utc};

use crate::{App, AppError, Principal};

/// One application as a case of the log.
#[derive(Debug, Clone)]
pub struct Case {
    pub tracking_number: String,
    pub service_code: String,
    pub service_version: u32,
    pub unit_code: String,
    pub channel: String,
    /// The fee, in the currency's minor units.
    pub fee_minor: Option<i64>,
    pub currency: String,
    /// Where it ended (or stands): `issued`, `rejected`, `in_progress`, …
    pub outcome: String,
    pub receipt_number: Option<String>,
    /// The issued document's verification code.
    pub license: Option<String>,
    /// `(id, code, uploaded at)` of its documents.
    pub documents: Vec<(i64, String, DateTime<Utc>)>,
    pub events: Vec<LogEvent>,
}

/// What the log holds: one service code, one unit (with everything below
/// it), a period of submission.
#[derive(Debug, Clone, Default)]
pub struct LogQuery {
    pub service: Option<String>,
    pub unit: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

impl App {
    /// The store's filter for `query`, within what `who` oversees (`None`:
    /// the command line, everything).
    pub async fn log_filter(
        &self,
        who: Option<&Principal>,
        query: &LogQuery,
    ) -> Result<LogFilter, AppError> {
        let mut filter = LogFilter {
            from: query.from,
            to: query.to,
            ..LogFilter::default()
        };
        if let Some(code) = query
            .service
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            filter.service_version_ids = self
                .store
                .service_version_ids(&code.to_ascii_uppercase())
                .await?;
            if filter.service_version_ids.is_empty() {
                return Err(AppError::field("service", "service-unknown"));
            }
        }
        let unit = match query
            .unit
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            Some(code) => {
                let code = baladiya_domain::org::UnitCode::parse(code)
                    .map_err(|c| AppError::field("unit", c))?;
                let unit = self
                    .store
                    .unit_by_code(&code)
                    .await?
                    .ok_or_else(|| AppError::field("unit", "unit-unknown"))?;
                Some(unit.path)
            }
            None => None,
        };
        filter.units = match (who, unit) {
            (None, unit) => unit.into_iter().collect(),
            (Some(who), Some(unit)) => {
                who.access.require(Permission::ViewOversight, &unit)?;
                vec![unit]
            }
            (Some(who), None) => {
                let overseen: Vec<UnitPath> = who
                    .access
                    .grants()
                    .iter()
                    .filter(|g| g.role.permissions().contains(&Permission::ViewOversight))
                    .map(|g| g.unit.clone())
                    .collect();
                if overseen.is_empty() {
                    return Err(baladiya_domain::access::Denied {
                        permission: Permission::ViewOversight,
                    }
                    .into());
                }
                overseen
            }
        };
        Ok(filter)
    }

    /// Up to `limit` cases after the application with row id `after`;
    /// returns them with the last row id read (the next page's `after`).
    pub async fn log_page(
        &self,
        filter: &LogFilter,
        after: i64,
        limit: i64,
    ) -> Result<(Vec<Case>, Option<i64>), AppError> {
        let rows = self.store.log_cases(filter, after, limit).await?;
        let last = rows.last().map(|r| r.id);
        let mut cases = Vec::with_capacity(rows.len());
        for row in rows {
            cases.push(self.case_of(row).await?);
        }
        Ok((cases, last))
    }

    async fn case_of(&self, row: LogCase) -> Result<Case, AppError> {
        let service = self.service_version(row.service_version_id).await?;
        let stored: Vec<StoredEvent> = row
            .events
            .iter()
            .map(|(at, action, detail)| {
                let detail: serde_json::Value = serde_json::from_str(detail).unwrap_or_default();
                let place = |side: &str| {
                    let step = detail[side]["step"].as_u64()?;
                    let status = detail[side]["status"].as_str()?;
                    Some((status.to_owned(), usize::try_from(step).ok()?))
                };
                StoredEvent {
                    at: *at,
                    action: action.clone(),
                    from: place("from"),
                    to: place("to"),
                    department: detail["department"].as_str().map(str::to_owned),
                }
            })
            .collect();
        Ok(Case {
            events: application_events(&service.procedure, &stored),
            tracking_number: row.tracking_number,
            service_code: service.code.to_string(),
            service_version: service.version,
            unit_code: row.unit_code,
            channel: row.channel,
            fee_minor: row.fee_minor,
            currency: row.currency,
            outcome: row.status,
            receipt_number: row.receipt_number,
            license: row.license,
            documents: row.documents,
        })
    }
}
