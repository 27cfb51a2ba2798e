//! The one-stop shop's history as a process-mining event log (see
//! [`baladiya_domain::process`]): cases read a page at a time, so an
//! export of a million events never holds them all.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;

use baladiya_domain::calendar::WorkCalendar;
use baladiya_domain::catalog::Service;
use baladiya_domain::country::Country;
use baladiya_domain::org::UnitPath;
use baladiya_domain::people::Permission;
use baladiya_domain::process::analysis::{AnalysedCase, Analysis, Selector, analyse};
use baladiya_domain::process::{LogEvent, StoredEvent, application_events, report_events};
use baladiya_domain::workflow::Status;
use baladiya_store::{LogCase, LogFilter};
use chrono::{DateTime, Utc};

use crate::{App, AppError, Principal};

/// Cases read at a time.
const PAGE: i64 = 1000;

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
    pub submitted_at: DateTime<Utc>,
    pub receipt_number: Option<String>,
    /// The issued document's verification code.
    pub license: Option<String>,
    /// `(id, code, uploaded at)` of its documents.
    pub documents: Vec<(i64, String, DateTime<Utc>)>,
    pub events: Vec<LogEvent>,
}

/// What the log reads of an application event's detail.
#[derive(Debug, Default, serde::Deserialize)]
struct Detail {
    from: Option<Place>,
    to: Option<Place>,
    department: Option<String>,
}

/// Where a file was: its status and step.
#[derive(Debug, serde::Deserialize)]
struct Place {
    status: Option<String>,
    step: Option<u64>,
}

/// One citizen report as a case of the reports' log.
#[derive(Debug, Clone)]
pub struct ReportCase {
    pub id: i64,
    pub category: String,
    pub unit_code: String,
    pub department: String,
    pub channel: String,
    /// Where it stands: `open`, `resolved`, …
    pub outcome: String,
    pub events: Vec<LogEvent>,
}

/// What the log holds: one service code, one unit (with everything below
/// it), a period of submission, a channel.
#[derive(Debug, Clone, Default)]
pub struct LogQuery {
    pub service: Option<String>,
    pub unit: Option<String>,
    pub channel: Option<String>,
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
        let channel = match query.channel.as_deref() {
            None => None,
            Some(c @ ("online" | "counter")) => Some(c.to_owned()),
            Some(_) => return Err(AppError::field("channel", "channel-unknown")),
        };
        let mut filter = LogFilter {
            from: query.from,
            to: query.to,
            channel,
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

    /// The store's filter for the citizen reports' log of `query` within
    /// what `who` oversees: `service` is a report category (Open311's
    /// service_code), `channel` one of the reports' (web, api, staff,
    /// sensor).
    pub async fn report_log_filter(
        &self,
        who: Option<&Principal>,
        query: &LogQuery,
    ) -> Result<LogFilter, AppError> {
        let given = |v: &Option<String>| v.as_deref().map(str::trim).map(str::to_owned);
        let category = given(&query.service).filter(|c| !c.is_empty());
        if let Some(code) = &category
            && self.report_category(code).is_none()
        {
            return Err(AppError::field("service", "open311-service-unknown"));
        }
        let channel = given(&query.channel);
        if let Some(c) = &channel
            && !["web", "api", "staff", "sensor"].contains(&c.as_str())
        {
            return Err(AppError::field("channel", "channel-unknown"));
        }
        let applications = LogQuery {
            service: None,
            channel: None,
            ..query.clone()
        };
        let mut filter = self.log_filter(who, &applications).await?;
        filter.categories = category.into_iter().collect();
        filter.channel = channel;
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
            cases.push(self.case_of(row).await?.0);
        }
        Ok((cases, last))
    }

    /// Up to `limit` citizen reports after the report with id `after`;
    /// returns them with the last id read.
    pub async fn report_log_page(
        &self,
        filter: &LogFilter,
        after: i64,
        limit: i64,
    ) -> Result<(Vec<ReportCase>, Option<i64>), AppError> {
        let rows = self.store.report_log_cases(filter, after, limit).await?;
        let last = rows.last().map(|r| r.id);
        let cases = rows
            .into_iter()
            .map(|r| ReportCase {
                events: report_events(&r.department, &r.events),
                id: r.id,
                category: r.category_code,
                unit_code: r.unit_code,
                department: r.department,
                channel: r.channel,
                outcome: r.status,
            })
            .collect();
        Ok((cases, last))
    }

    /// Every case of `filter`, ready for analysis (conformance to the
    /// version each was filed under, step visits in working days of its
    /// country's calendar).
    pub async fn analysed_cases(&self, filter: &LogFilter) -> Result<Vec<AnalysedCase>, AppError> {
        let mut calendars: HashMap<Country, WorkCalendar> = HashMap::new();
        let mut analysed = Vec::new();
        let mut rows = self.store.log_cases(filter, 0, PAGE).await?;
        while let Some(last) = rows.last().map(|r| r.id) {
            // The next page is read while this one is analysed.
            let (next, done) = tokio::join!(self.store.log_cases(filter, last, PAGE), async {
                for row in std::mem::take(&mut rows) {
                    let (case, service) = self.case_of(row).await?;
                    let calendar = match calendars.entry(service.country) {
                        Entry::Occupied(known) => known.into_mut(),
                        Entry::Vacant(slot) => {
                            slot.insert(self.store.calendar(service.country).await?)
                        }
                    };
                    let ended = Status::parse(&case.outcome).is_ok_and(Status::is_final);
                    analysed.push(AnalysedCase::new(
                        &service.procedure,
                        calendar,
                        case.tracking_number,
                        case.service_code,
                        case.unit_code,
                        case.channel,
                        case.submitted_at,
                        case.events,
                        ended,
                    ));
                }
                Ok::<_, AppError>(())
            });
            done?;
            rows = next?;
        }
        Ok(analysed)
    }

    /// The analysis of `filter`'s cases, with the cases `selector` picks
    /// (all of them without one).
    pub async fn process_analysis(
        &self,
        filter: &LogFilter,
        selector: Option<&Selector>,
    ) -> Result<(Analysis, Vec<AnalysedCase>), AppError> {
        let cases = self.analysed_cases(filter).await?;
        let analysis = analyse(&cases);
        let picked = match selector {
            Some(selector) => cases.into_iter().filter(|c| selector.matches(c)).collect(),
            None => cases,
        };
        Ok((analysis, picked))
    }

    async fn case_of(&self, row: LogCase) -> Result<(Case, Arc<Service>), AppError> {
        let service = self.service_version(row.service_version_id).await?;
        let stored: Vec<StoredEvent> = row
            .events
            .iter()
            .map(|(at, action, detail)| {
                // Only what the log needs; the rest of the detail is skipped.
                let detail: Detail = serde_json::from_str(detail).unwrap_or_default();
                let place = |side: Option<Place>| {
                    let side = side?;
                    Some((side.status?, usize::try_from(side.step?).ok()?))
                };
                StoredEvent {
                    at: *at,
                    action: action.clone(),
                    from: place(detail.from),
                    to: place(detail.to),
                    department: detail.department,
                }
            })
            .collect();
        let case = Case {
            events: application_events(&service.procedure, &stored),
            tracking_number: row.tracking_number,
            service_code: service.code.to_string(),
            service_version: service.version,
            unit_code: row.unit_code,
            channel: row.channel,
            fee_minor: row.fee_minor,
            currency: row.currency,
            outcome: row.status,
            submitted_at: row.submitted_at,
            receipt_number: row.receipt_number,
            license: row.license,
            documents: row.documents,
        };
        Ok((case, service))
    }
}
