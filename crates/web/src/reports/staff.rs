//! Staff pages of citizen reports: the inbox (by status, unit and
//! department, within the user's grants), a report with the reporter's
//! contacts and the actions allowed now, and the unit head's overview with
//! counts, ages and a heat map.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use baladiya_app::reports::ReportInboxFilter;
use baladiya_app::{AppError, Principal};
use baladiya_domain::ErrorCode;
use baladiya_domain::boundaries::Boundary;
use baladiya_domain::org::DepartmentKind;
use baladiya_domain::people::Permission;
use baladiya_domain::reports::lifecycle::{ReportAction, ReportState, ReportStatus, apply};
use baladiya_domain::reports::location::Location;
use serde::Deserialize;

use super::map::{Row, rows, status_label};
use super::report::{HistoryLine, ReportView, history, report_view};
use crate::drawing::maps::{MapSettings, map_settings, with_map_policy};
use crate::http::auth::{Staff, same_secret};
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::path_id;
use crate::http::json::{WebForm, WebQuery};
use crate::http::state::AppState;
use crate::http::views::SummaryItem;
use crate::http::views::{Options, unit_options};
use crate::reports::api::staff_action;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/reports", get(staff_inbox))
        .route("/staff/reports/overview", get(overview))
        .route("/staff/reports/{id}", get(staff_report))
        .route("/staff/reports/{id}/act", post(staff_act))
        .route("/staff/reports/{id}/assign", post(assign))
}

#[derive(Template)]
#[template(path = "reports/staff_reports.html")]
struct StaffInboxPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    rows: Vec<Row>,
    count_text: String,
    statuses: Options,
    units: Options,
    departments: Options,
}

#[derive(Deserialize)]
struct StaffQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    department: String,
}

async fn staff_inbox(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    WebQuery(q): WebQuery<StaffQuery>,
) -> Result<Response, WebError> {
    let statuses = match ReportStatus::parse(&q.status) {
        Ok(s) => vec![s],
        Err(_) => ReportStatus::OPEN.to_vec(),
    };
    let units = state
        .app
        .store
        .units_within(&who.access.roots(Permission::HandleReports))
        .await
        .map_err(AppError::from)?;
    let filter = ReportInboxFilter {
        statuses,
        unit: units
            .iter()
            .find(|u| u.code.as_str() == q.unit)
            .map(|u| u.path.clone()),
        department: DepartmentKind::parse(&q.department).ok(),
    };
    let found = state.app.report_inbox(&who, &filter, 500).await?;
    let statuses = ReportStatus::ALL
        .iter()
        .map(|s| {
            (
                s.as_str().to_owned(),
                status_label(&tr, *s),
                s.as_str() == q.status,
            )
        })
        .collect();
    let departments = DepartmentKind::ALL
        .iter()
        .map(|d| {
            (
                d.as_str().to_owned(),
                tr.t(&format!("department-{}", d.as_str())),
                d.as_str() == q.department,
            )
        })
        .collect();
    let body = StaffInboxPage {
        tr: &tr,
        user: Some(&who),
        count_text: tr.count("reports-count", "count", found.len() as i64),
        rows: rows(&tr, &state, &found),
        statuses,
        units: unit_options(&tr, &units, &q.unit),
        departments,
    }
    .render();
    Ok(page(body))
}

#[derive(Template)]
#[template(path = "reports/staff_report.html")]
struct StaffReportPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    map: MapSettings,
    report: ReportView,
    history: Vec<HistoryLine>,
    reporter: Vec<(String, String)>,
    /// Staff actions allowed now: `(name, label)`.
    actions: Vec<(&'static str, String)>,
    errors: Vec<SummaryItem>,
    /// Open reports of the same category close by: `(id, distance in m,
    /// description)`, nearest first, to merge this one into.
    duplicates: Vec<(i64, String, String)>,
    assignment: crate::shop::case::Assignment,
    csrf: String,
}

async fn staff_report_page(
    state: &AppState,
    tr: &Tr,
    who: &Principal,
    id: i64,
    errors: Vec<SummaryItem>,
) -> Result<String, WebError> {
    let record = state.app.report(id).await?;
    let path = baladiya_domain::org::UnitPath::decode(&record.unit_path)
        .ok_or(WebError::new(ErrorCode::Internal))?;
    if !who.access.can(Permission::ViewApplications, &path) {
        return Err(WebError::new(ErrorCode::NotFound));
    }
    let department = record.department;
    let may_act = who
        .access
        .can_in_department(Permission::HandleReports, &path, department);
    let now = ReportState {
        status: record.status,
        reopened: record.reopened,
        confirmed: record.confirmed,
    };
    let actions = if may_act {
        [
            ReportAction::Acknowledge,
            ReportAction::Start,
            ReportAction::Resolve,
            ReportAction::Reject,
            ReportAction::MergeInto(0),
        ]
        .iter()
        .filter(|a| apply(now, a).is_ok())
        .map(|a| (a.name(), tr.t(&format!("report-action-{}", a.name()))))
        .collect()
    } else {
        Vec::new()
    };
    let reporter = [
        ("report-reporter-name", record.reporter_name.clone()),
        ("report-reporter-email", record.reporter_email.clone()),
        ("report-reporter-phone", record.reporter_phone.clone()),
        (
            "report-channel",
            Some(tr.t(&format!("report-channel-{}", record.channel))),
        ),
    ]
    .into_iter()
    .filter_map(|(key, value)| value.map(|v| (tr.t(key), v)))
    .collect();
    let duplicates = match Location::new(record.lat, record.lon) {
        Ok(here) if ReportStatus::OPEN.contains(&record.status) => state
            .app
            .nearby_open_reports(&record.category_code, here)
            .await?
            .into_iter()
            .filter(|(r, _)| r.id != record.id)
            .take(5)
            .map(|(r, metres)| {
                (
                    r.id,
                    tr.count("report-metres-away", "metres", metres.round() as i64),
                    r.description.chars().take(120).collect(),
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    StaffReportPage {
        tr,
        user: Some(who),
        map: map_settings(state),
        report: report_view(state, tr, &record).await?,
        history: history(state, tr, id, true).await?,
        reporter,
        actions,
        errors,
        duplicates,
        assignment: crate::shop::case::Assignment::of(
            state,
            who,
            &path,
            record.assigned_to,
            record.assignee.clone(),
            baladiya_app::assignment::REPORT_WORK,
        )
        .await?,
        csrf: who.csrf_token.clone(),
    }
    .render()
    .map_err(|e| {
        tracing::error!(%e, "rendering a staff report page");
        WebError::new(ErrorCode::Internal)
    })
}

async fn assign(
    State(state): State<AppState>,
    Staff(who): Staff,
    Path(id): Path<String>,
    WebForm(form): WebForm<crate::shop::case::AssignForm>,
) -> Result<Response, WebError> {
    if !same_secret(&who.csrf_token, &form.csrf) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    let id = path_id(&id)?;
    state.app.assign_report(&who, id, &form.assignee).await?;
    Ok(Redirect::to(&format!("/staff/reports/{id}")).into_response())
}

async fn staff_report(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let body = staff_report_page(&state, &tr, &who, path_id(&id)?, Vec::new()).await?;
    Ok(with_map_policy(&state, page(Ok(body))))
}

#[derive(Deserialize)]
struct ActForm {
    csrf: String,
    action: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    duplicate_of: String,
    version: i64,
}

async fn staff_act(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    Path(id): Path<String>,
    WebForm(form): WebForm<ActForm>,
) -> Result<Response, WebError> {
    if !same_secret(&who.csrf_token, &form.csrf) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    let id = path_id(&id)?;
    let duplicate_of = match form.duplicate_of.trim().trim_start_matches('#') {
        "" => None,
        text => Some(
            text.parse::<i64>()
                .map_err(|_| WebError::field("duplicate_of", "report-unknown"))?,
        ),
    };
    let result = match staff_action(&form.action, duplicate_of) {
        Ok(action) => state
            .app
            .act_on_report(&who, id, action, &form.note, form.version)
            .await
            .map_err(WebError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/staff/reports/{id}")).into_response()),
        Err(e) if !e.fields.is_empty() => {
            let summary = e
                .fields
                .iter()
                .map(|f| SummaryItem {
                    field: f.field.clone(),
                    message: tr.t(f.code),
                })
                .collect();
            let body = staff_report_page(&state, &tr, &who, id, summary).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(Ok(body))).into_response())
        }
        Err(e) => Err(e),
    }
}

/// One unit's figures on the overview.
pub struct UnitOverview {
    pub name: String,
    /// `(status label, count)`.
    pub counts: Vec<(String, i64)>,
    /// `(age bucket label, open reports)`.
    pub ages: Vec<(String, usize)>,
    pub heatmap: Option<String>,
}

#[derive(Template)]
#[template(path = "reports/staff_reports_overview.html")]
struct OverviewPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    units: Vec<UnitOverview>,
}

async fn overview(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
) -> Result<Response, WebError> {
    let roots = who.access.roots(Permission::ViewOversight);
    if roots.is_empty() {
        return Err(WebError::new(ErrorCode::Forbidden));
    }
    let boundaries = state.app.store.boundaries().await.map_err(AppError::from)?;
    let now = state.app.now();
    let mut units = Vec::new();
    for root in roots {
        let unit = state
            .app
            .store
            .unit(root.unit_id())
            .await
            .map_err(AppError::from)?;
        let (counts, open) = state
            .app
            .store
            .report_overview(&root)
            .await
            .map_err(AppError::from)?;
        // The unit's boundary and those of the units below it.
        let below = state
            .app
            .store
            .units_within(std::slice::from_ref(&root))
            .await
            .map_err(AppError::from)?;
        let outline: Vec<Vec<(f64, f64)>> = below
            .iter()
            .filter_map(|u| {
                let (_, geometry) = boundaries
                    .iter()
                    .find(|(code, _)| code == u.code.as_str())?;
                Boundary::from_geometry_json(u.code.clone(), geometry).ok()
            })
            .flat_map(|b| b.outer_rings())
            .collect();
        let points: Vec<(f64, f64)> = open.iter().map(|(lat, lon, _)| (*lat, *lon)).collect();
        let buckets = [(0, 1), (1, 3), (3, 7), (7, i64::MAX)];
        let ages = buckets
            .iter()
            .enumerate()
            .map(|(i, (low, high))| {
                let n = open
                    .iter()
                    .filter(|(_, _, at)| {
                        let days = (now - *at).num_days();
                        days >= *low && days < *high
                    })
                    .count();
                (tr.t(&format!("report-age-{i}")), n)
            })
            .collect();
        units.push(UnitOverview {
            name: unit.name.get(tr.lang()).to_owned(),
            counts: ReportStatus::ALL
                .iter()
                .map(|s| {
                    let n = counts
                        .iter()
                        .find(|(status, _)| status == s.as_str())
                        .map_or(0, |(_, n)| *n);
                    (status_label(&tr, *s), n)
                })
                .collect(),
            ages,
            heatmap: crate::drawing::heatmap::svg(&points, &outline, &tr.t("report-heatmap-label")),
        });
    }
    let body = OverviewPage {
        tr: &tr,
        user: Some(&who),
        units,
    }
    .render();
    Ok(page(body))
}
