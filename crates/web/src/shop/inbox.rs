//! The staff's inbox (overdue first, with the unit head's escalations)
//! and the unit head's overview of the unit's work.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use baladiya_app::Principal;
use baladiya_app::applications::InboxFilter;
use baladiya_domain::ErrorCode;
use baladiya_domain::people::Permission;
use baladiya_store::ApplicationRecord;
use serde::Deserialize;

use crate::http::auth::Staff;
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::WebQuery;
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/inbox", get(inbox))
        .route("/staff/overview", get(overview))
}

#[derive(Debug)]
struct Row {
    tracking: String,
    service: String,
    applicant: String,
    step: String,
    due: String,
    overdue: bool,
    assignee: String,
}

#[derive(Template)]
#[template(path = "shop/staff_inbox.html")]
struct InboxPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    count_text: String,
    items: Vec<Row>,
    escalations: Vec<Row>,
    /// (code, name, selected) of the service filter.
    services: Vec<(String, String, bool)>,
    overdue_only: bool,
    mine_only: bool,
    /// The search typed, and what it found.
    query: String,
    found: Option<Vec<Row>>,
}

async fn rows(
    state: &AppState,
    tr: &Tr,
    records: Vec<ApplicationRecord>,
) -> Result<Vec<Row>, WebError> {
    let mut rows = Vec::with_capacity(records.len());
    for r in records {
        let service = state.app.service_version(r.service_version_id).await?;
        let today = state.app.today_in(service.country);
        rows.push(Row {
            step: service
                .procedure
                .step(r.step as usize)
                .map(|s| s.name.get(tr.lang()).to_owned())
                .unwrap_or_default(),
            service: service.name.get(tr.lang()).to_owned(),
            applicant: r.applicant_name,
            due: tr.date(r.step_due_on),
            overdue: r.step_due_on < today,
            tracking: r.tracking_number,
            assignee: r.assignee.unwrap_or_default(),
        });
    }
    Ok(rows)
}

#[derive(Deserialize)]
struct InboxQuery {
    service: Option<String>,
    overdue: Option<String>,
    /// Only what is assigned to me.
    mine: Option<String>,
    /// A tracking number, national ID or mobile number to find.
    q: Option<String>,
}

async fn inbox(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    WebQuery(q): WebQuery<InboxQuery>,
) -> Result<Response, WebError> {
    let filter = InboxFilter {
        service: q.service.clone().filter(|s| !s.is_empty()),
        overdue_only: q.overdue.is_some(),
    };
    let mut waiting = state.app.inbox(&who, &filter, 200).await?;
    if q.mine.is_some() {
        waiting.retain(|r| r.assigned_to == Some(who.user_id));
    }
    let items = rows(&state, &tr, waiting).await?;
    let query = q.q.clone().unwrap_or_default();
    let found = match query.trim() {
        "" => None,
        text => Some(rows(&state, &tr, state.app.find_applications(&who, text).await?).await?),
    };
    let escalations = rows(&state, &tr, state.app.escalations(&who, 200).await?).await?;
    let services = state
        .app
        .services()
        .into_iter()
        .map(|p| {
            let code = p.service.code.to_string();
            let selected = filter.service.as_deref() == Some(code.as_str());
            (code, p.service.name.get(tr.lang()).to_owned(), selected)
        })
        .collect();
    let body = InboxPage {
        tr: &tr,
        user: Some(&who),
        count_text: tr.count("inbox-count", "count", items.len() as i64),
        items,
        escalations,
        services,
        overdue_only: filter.overdue_only,
        mine_only: q.mine.is_some(),
        query,
        found,
    }
    .render();
    Ok(page(body))
}

#[derive(Debug)]
struct OverviewRow {
    name: String,
    depth: usize,
    open: i64,
    overdue: i64,
    completed: i64,
}

#[derive(Template)]
#[template(path = "shop/staff_overview.html")]
struct OverviewPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    rows: Vec<OverviewRow>,
}

async fn overview(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
) -> Result<Response, WebError> {
    if !who.access.has_anywhere(Permission::ViewOversight) {
        return Err(WebError::new(ErrorCode::Forbidden));
    }
    let counts = state.app.overview(&who).await?;
    let top = counts
        .iter()
        .map(|(u, ..)| u.path.depth())
        .min()
        .unwrap_or(1);
    let rows = counts
        .into_iter()
        .map(|(unit, open, overdue, completed)| OverviewRow {
            name: unit.name.get(tr.lang()).to_owned(),
            depth: unit.path.depth() - top + 1,
            open,
            overdue,
            completed,
        })
        .collect();
    Ok(page(
        OverviewPage {
            tr: &tr,
            user: Some(&who),
            rows,
        }
        .render(),
    ))
}
