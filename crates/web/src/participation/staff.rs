//! The staff side: the budgets of the processes in reach, a clerk's
//! counter ballot for a walk-in citizen whose ID card they checked, and
//! the unit head's count and sign-off once voting is over.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use baladiya_app::Principal;
use baladiya_domain::ErrorCode;
use baladiya_domain::people::Permission;

use super::{BudgetLine, budget_line, titles};
use crate::http::auth::{Staff, same_secret};
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::{WebForm, form_value, path_id};
use crate::http::state::AppState;
use crate::http::views::{SummaryItem, field_summary};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/participation", get(overview))
        .route(
            "/staff/participation/budgets/{id}/counter",
            get(counter_form).post(counter_vote),
        )
        .route("/staff/participation/budgets/{id}/sign-off", post(sign_off))
}

#[derive(Debug)]
struct StaffBudget {
    line: BudgetLine,
    slug: String,
    process_title: String,
    counter: bool,
    sign_off: bool,
    /// The count before sign-off, for the head to check (voting over).
    preview: Vec<(String, String, bool)>,
}

#[derive(Template)]
#[template(path = "participation/staff_participation.html")]
struct OverviewPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    csrf: String,
    /// Whether the user may open a process somewhere.
    can_open: bool,
    budgets: Vec<StaffBudget>,
}

async fn overview(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
) -> Result<Response, WebError> {
    let mut budgets = Vec::new();
    for process in state.app.processes().await? {
        let path = &process.unit.path;
        let counter = process.voting_open() && who.access.reaches(Permission::RecordVotes, path);
        let head = who.access.can(Permission::SignOffResults, path);
        let manages = who.access.reaches(Permission::ManageParticipation, path);
        if !(counter || head || manages) {
            continue;
        }
        for budget in state.app.budgets_of(&process).await? {
            let sign_off = head && process.voting_over() && budget.result.is_none();
            let preview = if sign_off {
                let count = state.app.count_budget(&budget).await?;
                budget
                    .projects
                    .iter()
                    .map(|p| {
                        (
                            if tr.lang() == "ar" {
                                &p.title_ar
                            } else {
                                &p.title_en
                            }
                            .clone(),
                            tr.digits(&count.votes.get(&p.code).copied().unwrap_or(0).to_string()),
                            count.selected.contains(&p.code),
                        )
                    })
                    .collect()
            } else {
                Vec::new()
            };
            budgets.push(StaffBudget {
                line: budget_line(&tr, &budget, &[]),
                slug: process.process.slug.clone(),
                process_title: titles(&tr, &process).0,
                counter,
                sign_off,
                preview,
            });
        }
    }
    Ok(page(
        OverviewPage {
            tr: &tr,
            user: Some(&who),
            csrf: who.csrf_token.clone(),
            can_open: who.access.has_anywhere(Permission::ManageParticipation),
            budgets,
        }
        .render(),
    ))
}

#[derive(Template)]
#[template(path = "participation/staff_counter.html")]
struct CounterPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    process_title: String,
    budget: BudgetLine,
    csrf: String,
    national_id: String,
    mobile: String,
    errors: Vec<SummaryItem>,
    /// The receipt of the vote just recorded, to print for the citizen.
    receipt: Option<String>,
}

async fn counter_form(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = path_id(&id)?;
    let (process, budget) = state.app.budget(id).await?;
    if !who
        .access
        .reaches(Permission::RecordVotes, &process.unit.path)
    {
        return Err(WebError::new(ErrorCode::Forbidden));
    }
    if !process.voting_open() {
        return Err(WebError::new(ErrorCode::PhaseClosed));
    }
    Ok(page(
        CounterPage {
            process_title: titles(&tr, &process).0,
            budget: budget_line(&tr, &budget, &[]),
            csrf: who.csrf_token.clone(),
            national_id: String::new(),
            mobile: String::new(),
            errors: Vec::new(),
            receipt: None,
            tr: &tr,
            user: Some(&who),
        }
        .render(),
    ))
}

async fn counter_vote(
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
    let choices: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "choice")
        .map(|(_, v)| v.clone())
        .collect();
    let (national_id, mobile) = (field("national_id"), field("mobile"));
    let outcome = state
        .app
        .vote_at_counter(&who, id, &choices, &national_id, Some(&mobile))
        .await;
    let (process, budget) = state.app.budget(id).await?;
    let (errors, receipt, chosen, status) = match outcome {
        Ok(recorded) => (
            Vec::new(),
            Some(recorded.receipt.to_string()),
            Vec::new(),
            StatusCode::OK,
        ),
        Err(baladiya_app::AppError::Invalid(fields)) => (
            field_summary(&tr, &fields),
            None,
            choices,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => return Err(e.into()),
    };
    let recorded = receipt.is_some();
    let body = CounterPage {
        process_title: titles(&tr, &process).0,
        budget: budget_line(&tr, &budget, &chosen),
        csrf: who.csrf_token.clone(),
        national_id: if recorded { String::new() } else { national_id },
        mobile: if recorded { String::new() } else { mobile },
        errors,
        receipt,
        tr: &tr,
        user: Some(&who),
    }
    .render();
    Ok((status, [(header::CACHE_CONTROL, "no-store")], page(body)).into_response())
}

async fn sign_off(
    State(state): State<AppState>,
    Staff(who): Staff,
    Path(id): Path<String>,
    WebForm(pairs): WebForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let id = path_id(&id)?;
    if !same_secret(&who.csrf_token, &form_value(&pairs, "csrf")) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    state.app.sign_off_budget(&who, id).await?;
    Ok(Redirect::to(&format!("/participate/budgets/{id}/results")).into_response())
}
