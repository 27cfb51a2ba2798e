//! Accountability pages: a decided project's delivery for citizens (who
//! follow it) and the staff form that reports it.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use baladiya_app::Principal;
use baladiya_app::participation_delivery::{DeliveryForm, ProjectView};
use baladiya_domain::ErrorCode;
use baladiya_domain::participation::delivery::DeliveryStatus;

use super::{amount, titles};
use crate::http::auth::{Staff, citizen_of, citizen_sending, same_secret};
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::{WebForm, form_value, path_id};
use crate::http::state::AppState;
use crate::http::views::{SummaryItem, field_summary};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/participate/projects/{id}", get(project))
        .route("/participate/projects/{id}/follow", post(follow))
        .route(
            "/staff/participation/projects/{id}",
            get(staff_form).post(update),
        )
}

/// A project's delivery as its pages show it.
#[derive(Debug)]
struct Shown {
    id: i64,
    title: String,
    budget_id: i64,
    budget: String,
    slug: String,
    process_title: String,
    cost: String,
    status: String,
    progress: i64,
    allocated: String,
    spent: String,
    note: String,
    updated: String,
    /// `(id, title, due, done)`.
    milestones: Vec<(i64, String, String, Option<String>)>,
    proposal: Option<(i64, String)>,
    reports: Vec<i64>,
}

fn shown(tr: &Tr, v: &ProjectView) -> Shown {
    let ar = tr.lang() == "ar";
    let currency = &v.budget.budget.currency;
    let d = v.delivery.as_ref();
    Shown {
        id: v.project.id,
        title: if ar {
            &v.project.title_ar
        } else {
            &v.project.title_en
        }
        .clone(),
        budget_id: v.budget.budget.id,
        budget: if ar {
            &v.budget.budget.name_ar
        } else {
            &v.budget.budget.name_en
        }
        .clone(),
        slug: v.process.process.slug.clone(),
        process_title: titles(tr, &v.process).0,
        cost: amount(tr, v.project.cost, currency),
        status: tr.t(&format!(
            "delivery-status-{}",
            d.map_or("planned", |d| d.status.as_str())
        )),
        progress: d.map_or(0, |d| d.progress),
        allocated: amount(tr, d.map_or(v.project.cost, |d| d.allocated), currency),
        spent: amount(tr, d.map_or(0, |d| d.spent), currency),
        note: d.map(|d| d.note.clone()).unwrap_or_default(),
        updated: d
            .map(|d| tr.date(d.updated_at.date_naive()))
            .unwrap_or_default(),
        milestones: v
            .milestones
            .iter()
            .map(|m| {
                (
                    m.id,
                    if ar { &m.title_ar } else { &m.title_en }.clone(),
                    tr.date(m.due_on),
                    m.done_on.map(|d| tr.date(d)),
                )
            })
            .collect(),
        proposal: v
            .proposal
            .as_ref()
            .map(|p| (p.proposal.id, p.proposal.title.clone())),
        reports: v
            .proposal
            .as_ref()
            .map(|p| p.reports.clone())
            .unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "participation/project.html")]
struct ProjectPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    p: Shown,
    csrf: Option<String>,
    following: bool,
}

async fn project_page(
    state: &AppState,
    tr: &Tr,
    jar: &CookieJar,
    id: i64,
) -> Result<Response, WebError> {
    let view = state.app.project_view(id).await?;
    if !view.selected {
        return Err(WebError::new(ErrorCode::NotFound));
    }
    let citizen = citizen_of(state, jar).await?;
    let following = match &citizen {
        Some((c, _)) => state.app.follows_project(c, id).await?,
        None => false,
    };
    Ok(page(
        ProjectPage {
            p: shown(tr, &view),
            csrf: citizen.map(|(c, _)| c.csrf_token),
            following,
            tr,
            user: None,
        }
        .render(),
    ))
}

async fn project(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = path_id(&id)?;
    project_page(&state, &tr, &jar, id).await
}

async fn follow(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
    Path(id): Path<String>,
    WebForm(pairs): WebForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let id = path_id(&id)?;
    let citizen = citizen_sending(&state, &jar, &pairs).await?;
    state.app.follow_project(&citizen, id).await?;
    project_page(&state, &tr, &jar, id).await
}

#[derive(Template)]
#[template(path = "participation/staff_project.html")]
struct StaffPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    p: Shown,
    csrf: String,
    statuses: Vec<(&'static str, String)>,
    form: DeliveryForm,
    errors: Vec<SummaryItem>,
}

fn staff_page(
    tr: &Tr,
    who: &Principal,
    view: &ProjectView,
    form: DeliveryForm,
    errors: Vec<SummaryItem>,
) -> Result<String, askama::Error> {
    StaffPage {
        p: shown(tr, view),
        csrf: who.csrf_token.clone(),
        statuses: DeliveryStatus::ALL
            .iter()
            .map(|s| (s.as_str(), tr.t(&format!("delivery-status-{}", s.as_str()))))
            .collect(),
        form,
        errors,
        tr,
        user: Some(who),
    }
    .render()
}

/// The form as the project stands: its current figures filled in.
fn current(view: &ProjectView) -> DeliveryForm {
    let d = view.delivery.as_ref();
    DeliveryForm {
        status: d.map_or("planned", |d| d.status.as_str()).to_owned(),
        progress: d.map_or(0, |d| d.progress).to_string(),
        allocated: d.map_or(view.project.cost, |d| d.allocated).to_string(),
        spent: d.map_or(0, |d| d.spent).to_string(),
        note: d.map(|d| d.note.clone()).unwrap_or_default(),
        ..DeliveryForm::default()
    }
}

async fn staff_form(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = path_id(&id)?;
    let view = state.app.project_view(id).await?;
    Ok(page(staff_page(
        &tr,
        &who,
        &view,
        current(&view),
        Vec::new(),
    )))
}

async fn update(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    Path(id): Path<String>,
    WebForm(pairs): WebForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let id = path_id(&id)?;
    let field = |name: &str| form_value(&pairs, name);
    if !same_secret(&who.csrf_token, &field("csrf")) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    let form = DeliveryForm {
        status: field("status"),
        progress: field("progress"),
        allocated: field("allocated"),
        spent: field("spent"),
        note: field("note"),
        milestone: (
            field("milestone_ar"),
            field("milestone_en"),
            field("milestone_due"),
        ),
        reached: pairs
            .iter()
            .filter(|(k, _)| k == "reached")
            .filter_map(|(_, v)| v.parse().ok())
            .collect(),
    };
    match state.app.update_delivery(Some(&who), id, &form).await {
        Ok(_) => Ok(Redirect::to(&format!("/staff/participation/projects/{id}")).into_response()),
        Err(baladiya_app::AppError::Invalid(fields)) => {
            let view = state.app.project_view(id).await?;
            let body = staff_page(&tr, &who, &view, form, field_summary(&tr, &fields));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(body)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
