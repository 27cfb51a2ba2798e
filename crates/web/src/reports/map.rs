//! The public map of citizen reports with a list that works without
//! JavaScript, its filters and the open-data links for what it shows; and
//! the rows, statuses and category names the staff's pages share.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use baladiya_app::{AppError, Principal};
use baladiya_domain::org::OrgUnit;
use baladiya_domain::reports::ReportCategory;
use baladiya_domain::reports::lifecycle::ReportStatus;
use baladiya_store::PublicReport;

use crate::drawing::maps::{MapSettings, map_settings, with_map_policy};
use crate::http::auth::{Staff, urlencode};
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::WebQuery;
use crate::http::state::AppState;
use crate::http::views::date_time;
use crate::http::views::{Options, unit_options};
use crate::reports::open_data::ExportQuery;

pub fn routes() -> Router<AppState> {
    Router::new().route("/reports", get(map_page))
}

/// Largest report form: a photo at its maximum and the text fields.
pub(super) const MAX_FORM_BYTES: usize = baladiya_app::photos::MAX_PHOTO_BYTES + 256 * 1024;

pub(crate) fn status_label(tr: &Tr, status: ReportStatus) -> String {
    tr.t(&format!("report-status-{}", status.as_str()))
}

fn category_name(tr: &Tr, categories: &[ReportCategory], code: &str) -> String {
    categories
        .iter()
        .find(|c| c.code == code)
        .map_or_else(|| code.to_owned(), |c| c.name.get(tr.lang()).to_owned())
}

/// One report in a list.
pub struct Row {
    pub id: i64,
    pub category: String,
    pub status: &'static str,
    pub status_label: String,
    pub unit: String,
    pub requested: String,
    pub address: String,
}

pub(crate) fn rows(tr: &Tr, state: &AppState, reports: &[PublicReport]) -> Vec<Row> {
    let categories = state.app.report_categories();
    reports
        .iter()
        .map(|r| Row {
            id: r.id,
            category: category_name(tr, &categories, &r.category_code),
            status: r.status.as_str(),
            status_label: status_label(tr, r.status),
            unit: r.unit_code.clone(),
            requested: date_time(tr, r.requested_at),
            address: r.address.clone().unwrap_or_default(),
        })
        .collect()
}

pub(super) fn category_options(tr: &Tr, state: &AppState, chosen: &str) -> Options {
    state
        .app
        .report_categories()
        .iter()
        .map(|c| {
            (
                c.code.clone(),
                c.name.get(tr.lang()).to_owned(),
                c.code == chosen,
            )
        })
        .collect()
}

fn status_options(tr: &Tr, chosen: &str) -> Options {
    let mut options = vec![
        (
            "open".to_owned(),
            tr.t("report-filter-open"),
            chosen == "open",
        ),
        (
            "closed".to_owned(),
            tr.t("report-filter-closed"),
            chosen == "closed",
        ),
    ];
    options.extend(ReportStatus::ALL.iter().map(|s| {
        (
            s.as_str().to_owned(),
            status_label(tr, *s),
            s.as_str() == chosen,
        )
    }));
    options
}

/// Units that have a boundary (so reports can fall in them).
pub(super) async fn mapped_units(state: &AppState) -> Result<Vec<OrgUnit>, WebError> {
    let mapped: Vec<String> = state
        .app
        .store
        .boundaries()
        .await
        .map_err(AppError::from)?
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    Ok(state
        .app
        .store
        .all_units()
        .await
        .map_err(AppError::from)?
        .into_iter()
        .filter(|u| mapped.iter().any(|c| c == u.code.as_str()))
        .collect())
}

#[derive(Template)]
#[template(path = "reports/reports_map.html")]
struct MapPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    map: MapSettings,
    categories: Options,
    statuses: Options,
    units: Options,
    /// The filters as a query string, for the map data and downloads.
    query: String,
    rows: Vec<Row>,
    count_text: String,
    page: i64,
    more: bool,
    /// (status, symbol, label): the map's pins differ by symbol as well as
    /// by colour.
    legend: Vec<(&'static str, &'static str, String)>,
}

/// The symbol of a report's status on maps and in their legend, so that
/// status is not told by colour alone.
pub(crate) fn status_symbol(status: ReportStatus) -> &'static str {
    match status {
        ReportStatus::Open => "!",
        ReportStatus::Acknowledged => "●",
        ReportStatus::InProgress => "◐",
        ReportStatus::Resolved => "✓",
        ReportStatus::Duplicate => "=",
        ReportStatus::Rejected => "✕",
    }
}

fn export_query_string(q: &ExportQuery) -> String {
    [
        ("service_code", &q.service_code),
        ("status", &q.status),
        ("unit", &q.unit),
        ("from", &q.from),
        ("to", &q.to),
    ]
    .iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| format!("{k}={}", urlencode(v)))
    .collect::<Vec<_>>()
    .join("&")
}

/// Rows shown in the no-JavaScript list, per page.
const LIST_PAGE: usize = 100;

async fn map_page(
    State(state): State<AppState>,
    tr: Tr,
    staff: Option<Staff>,
    WebQuery(q): WebQuery<ExportQuery>,
) -> Result<Response, WebError> {
    let user = staff.map(|s| s.0);
    let page_number = q.page.unwrap_or(1).max(1);
    let mut query = q.to_query(&state.app).await?;
    query.limit = LIST_PAGE as i64 + 1;
    query.offset = (page_number - 1) * LIST_PAGE as i64;
    let mut found = state.app.search_reports(query).await?;
    let more = found.len() > LIST_PAGE;
    found.truncate(LIST_PAGE);
    let units = mapped_units(&state).await?;
    let body = MapPage {
        tr: &tr,
        user: user.as_ref(),
        map: map_settings(&state),
        categories: category_options(&tr, &state, &q.service_code),
        statuses: status_options(&tr, &q.status),
        units: unit_options(&tr, &units, &q.unit),
        query: export_query_string(&q),
        count_text: tr.count("reports-count", "count", found.len() as i64),
        rows: rows(&tr, &state, &found),
        page: page_number,
        more,
        legend: ReportStatus::ALL
            .into_iter()
            .map(|s| (s.as_str(), status_symbol(s), status_label(&tr, s)))
            .collect(),
    }
    .render();
    Ok(with_map_policy(&state, page(body)))
}
