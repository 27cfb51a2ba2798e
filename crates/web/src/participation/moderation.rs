//! Proposals, the staff's side: a process's proposals with their flags,
//! one proposal's technical review (feasible at a cost, or not, with a
//! public reason), hiding it with a public reason, and its moderation log.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use baladiya_app::Principal;
use baladiya_domain::ErrorCode;
use baladiya_domain::participation::proposals::Review;

use super::proposals::{ProposalLine, line};
use super::titles;
use crate::http::auth::{Staff, same_secret};
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::{WebForm, form_value, path_id};
use crate::http::state::AppState;
use crate::http::views::{SummaryItem, date_time, field_summary};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/participation/{slug}/proposals", get(list))
        .route("/staff/participation/proposals/{id}", get(proposal))
        .route("/staff/participation/proposals/{id}/review", post(review))
        .route("/staff/participation/proposals/{id}/hide", post(hide))
}

#[derive(Template)]
#[template(path = "participation/staff_proposals.html")]
struct ListPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    process_title: String,
    proposals: Vec<ProposalLine>,
}

async fn list(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let process = state.app.process_by_slug(&slug).await?;
    let mut proposals: Vec<ProposalLine> = state
        .app
        .proposals_of(&process)
        .await?
        .iter()
        .map(|p| line(&tr, &process, p))
        .collect();
    // Flagged ones first, for the moderators.
    proposals.sort_by_key(|p| std::cmp::Reverse(p.flags));
    Ok(page(
        ListPage {
            process_title: titles(&tr, &process).0,
            proposals,
            tr: &tr,
            user: Some(&who),
        }
        .render(),
    ))
}

#[derive(Template)]
#[template(path = "participation/staff_proposal.html")]
struct ProposalPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    slug: String,
    process_title: String,
    p: ProposalLine,
    description: String,
    reports: Vec<i64>,
    csrf: String,
    /// What was typed, kept when refused.
    decision: String,
    reason: String,
    cost: String,
    hide_reason: String,
    errors: Vec<SummaryItem>,
    /// `(when, who, what)`, oldest first.
    log: Vec<(String, String, String)>,
}

#[derive(Default)]
struct Typed {
    decision: String,
    reason: String,
    cost: String,
    hide_reason: String,
    errors: Vec<SummaryItem>,
}

async fn proposal_page(
    state: &AppState,
    tr: &Tr,
    who: &Principal,
    id: i64,
    typed: Typed,
) -> Result<Result<String, askama::Error>, WebError> {
    let (process, proposal) = state.app.proposal(id).await?;
    let events = state.app.proposal_log(id).await?;
    let mut log = Vec::new();
    // Supports are counted above, not logged one by one.
    for (at, action, actor, detail) in events
        .into_iter()
        .filter(|(_, action, _, _)| action != "participation.proposal_supported")
    {
        let by = match actor {
            Some(user) => state
                .app
                .store
                .user(user)
                .await
                .map(|u| u.full_name)
                .unwrap_or_default(),
            None => tr.t("proposal-log-citizen"),
        };
        let detail: serde_json::Value = serde_json::from_str(&detail).unwrap_or_default();
        let what = tr.t(&format!(
            "proposal-log-{}",
            action.trim_start_matches("participation.proposal_")
        ));
        let reason = detail["reason"].as_str().unwrap_or_default();
        let what = if reason.is_empty() {
            what
        } else {
            format!("{what}: {reason}")
        };
        log.push((date_time(tr, at), by, what));
    }
    Ok(ProposalPage {
        slug: process.process.slug.clone(),
        process_title: titles(tr, &process).0,
        description: proposal.proposal.description.clone(),
        reports: proposal.reports.clone(),
        p: line(tr, &process, &proposal),
        csrf: who.csrf_token.clone(),
        decision: typed.decision,
        reason: typed.reason,
        cost: typed.cost,
        hide_reason: typed.hide_reason,
        errors: typed.errors,
        log,
        tr,
        user: Some(who),
    }
    .render())
}

async fn proposal(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = path_id(&id)?;
    Ok(page(
        proposal_page(&state, &tr, &who, id, Typed::default()).await?,
    ))
}

async fn review(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    Path(id): Path<String>,
    WebForm(pairs): WebForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let id = path_id(&id)?;
    if !same_secret(&who.csrf_token, &form_value(&pairs, "csrf")) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    let typed = Typed {
        decision: form_value(&pairs, "decision"),
        reason: form_value(&pairs, "reason"),
        cost: form_value(&pairs, "cost"),
        ..Typed::default()
    };
    let outcome = match Review::parse(&typed.decision, &typed.reason, &typed.cost) {
        Ok(decision) => state.app.review_proposal(Some(&who), id, &decision).await,
        Err(fields) => Err(baladiya_app::AppError::Invalid(fields)),
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/staff/participation/proposals/{id}")).into_response()),
        Err(baladiya_app::AppError::Invalid(fields)) => {
            let typed = Typed {
                errors: field_summary(&tr, &fields),
                ..typed
            };
            let body = proposal_page(&state, &tr, &who, id, typed).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(body)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn hide(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    Path(id): Path<String>,
    WebForm(pairs): WebForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let id = path_id(&id)?;
    if !same_secret(&who.csrf_token, &form_value(&pairs, "csrf")) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    let reason = form_value(&pairs, "hide_reason");
    match state.app.hide_proposal(Some(&who), id, &reason).await {
        Ok(()) => Ok(Redirect::to(&format!("/staff/participation/proposals/{id}")).into_response()),
        Err(baladiya_app::AppError::Invalid(fields)) => {
            let fields: Vec<_> = fields
                .into_iter()
                .map(|f| baladiya_domain::FieldError::new("hide_reason", f.code))
                .collect();
            let typed = Typed {
                hide_reason: reason,
                errors: field_summary(&tr, &fields),
                ..Typed::default()
            };
            let body = proposal_page(&state, &tr, &who, id, typed).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(body)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
