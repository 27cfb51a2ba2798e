//! Participation in the JSON API, so a mobile app can take part: the
//! processes and their budgets, a signed-in citizen's ballot
//! (`CitizenApi`), a receipt checked or used to change the ballot, and a
//! budget's signed-off result.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use baladiya_app::participation::{BudgetView, ProcessView};
use baladiya_domain::participation::ballot::BallotKind;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::http::auth::CitizenApi;
use crate::http::error::WebError;
use crate::http::json::{ApiJson, path_id};
use crate::http::state::AppState;

pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/participation/processes", get(processes))
        .route("/participation/processes/{slug}", get(process))
        .route("/participation/budgets/{id}", get(budget))
        .route("/participation/budgets/{id}/ballots", post(cast))
        .route("/participation/receipts/check", post(check))
        .route("/participation/receipts/change", post(change))
}

fn process_json(p: &ProcessView) -> Value {
    let r = &p.process;
    json!({
        "slug": r.slug,
        "title": { "ar": r.title_ar, "en": r.title_en },
        "summary": { "ar": r.summary_ar, "en": r.summary_en },
        "unit": { "code": p.unit.code.as_str(), "name": { "ar": p.unit.name.get("ar"), "en": p.unit.name.get("en") } },
        "eligibility": p.eligibility.as_str(),
        "phases": p.phases.all().iter().map(|ph| json!({
            "kind": ph.kind.as_str(),
            "starts": ph.starts.to_string(),
            "ends": ph.ends.to_string(),
        })).collect::<Vec<_>>(),
        "current_phase": p.phases.current(p.today).map(|ph| ph.kind.as_str()),
        "voting_open": p.voting_open(),
    })
}

fn budget_json(process: &ProcessView, b: &BudgetView) -> Value {
    let r = &b.budget;
    let ballot = match b.kind {
        BallotKind::Knapsack => json!({ "kind": "knapsack" }),
        BallotKind::Approval { max } => json!({ "kind": "approval", "max": max }),
    };
    json!({
        "id": r.id,
        "process": process.process.slug,
        "name": { "ar": r.name_ar, "en": r.name_en },
        "unit": b.unit.code.as_str(),
        "slot": r.slot,
        "amount": r.amount,
        "currency": r.currency,
        "ballot": ballot,
        "rule": r.rule,
        "voters": b.voters(),
        "projects": b.projects.iter().map(|p| json!({
            "code": p.code,
            "title": { "ar": p.title_ar, "en": p.title_en },
            "cost": p.cost,
        })).collect::<Vec<_>>(),
        "result": b.result,
    })
}

async fn processes(State(state): State<AppState>) -> Result<Response, WebError> {
    let list: Vec<Value> = state
        .app
        .processes()
        .await?
        .iter()
        .map(process_json)
        .collect();
    Ok(Json(json!({ "processes": list })).into_response())
}

async fn process(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let process = state.app.process_by_slug(&slug).await?;
    let budgets: Vec<Value> = state
        .app
        .budgets_of(&process)
        .await?
        .iter()
        .map(|b| budget_json(&process, b))
        .collect();
    let mut body = process_json(&process);
    body["budgets"] = Value::Array(budgets);
    Ok(Json(body).into_response())
}

async fn budget(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = path_id(&id)?;
    let (process, budget) = state.app.budget(id).await?;
    Ok(Json(budget_json(&process, &budget)).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BallotRequest {
    choices: Vec<String>,
    #[serde(default)]
    national_id: Option<String>,
}

async fn cast(
    State(state): State<AppState>,
    CitizenApi(citizen): CitizenApi,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<BallotRequest>,
) -> Result<Response, WebError> {
    let id = path_id(&id)?;
    let recorded = state
        .app
        .vote_online(&citizen, id, &body.choices, body.national_id.as_deref())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "receipt": recorded.receipt.to_string(),
            "budget_id": recorded.budget_id,
            "process": recorded.process_slug,
        })),
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReceiptRequest {
    receipt: String,
}

async fn check(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<ReceiptRequest>,
) -> Result<Response, WebError> {
    let status = state.app.receipt_status(&body.receipt).await?;
    Ok(Json(json!({
        "budget_id": status.budget.budget.id,
        "process": status.process.process.slug,
        "recorded": true,
        "counted": status.counted,
        "voting_open": status.process.voting_open(),
    }))
    .into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeRequest {
    receipt: String,
    choices: Vec<String>,
}

async fn change(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<ChangeRequest>,
) -> Result<Response, WebError> {
    let recorded = state.app.change_vote(&body.receipt, &body.choices).await?;
    Ok(Json(json!({ "budget_id": recorded.budget_id, "changed": true })).into_response())
}
