//! A budget's results, published once the unit head signed them off: each
//! project's votes and whether the declared rule selected it, turnout by
//! channel, and as open data the ballots in pabulib (anyone can recount)
//! and the hashes of the counted receipts (each voter finds theirs).

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::{BudgetLine, amount, budget_line, titles};
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::path_id;
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/participate/budgets/{id}/results", get(results))
        .route("/participate/budgets/{id}/ballots.pb", get(pabulib))
        .route("/participate/budgets/{id}/receipts.txt", get(receipts))
}

#[derive(Template)]
#[template(path = "participation/results.html")]
struct ResultsPage<'a> {
    tr: &'a Tr,
    user: Option<&'a baladiya_app::Principal>,
    process_title: String,
    slug: String,
    budget: BudgetLine,
    /// `(channel, voters)`.
    turnout: Vec<(String, String)>,
    ballots: String,
    spent: String,
}

async fn results(
    State(state): State<AppState>,
    tr: Tr,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = path_id(&id)?;
    let (process, budget) = state.app.budget(id).await?;
    let line = budget_line(&tr, &budget, &[]);
    let (ballots, spent) = budget.result.as_ref().map_or_else(Default::default, |r| {
        (
            tr.digits(&r.ballots.to_string()),
            amount(&tr, r.spent, &budget.budget.currency),
        )
    });
    let turnout = budget
        .turnout
        .iter()
        .map(|(channel, n)| {
            (
                tr.t(&format!("participation-channel-{channel}")),
                tr.digits(&n.to_string()),
            )
        })
        .collect();
    Ok(page(
        ResultsPage {
            process_title: titles(&tr, &process).0,
            slug: process.process.slug.clone(),
            budget: line,
            turnout,
            ballots,
            spent,
            tr: &tr,
            user: None,
        }
        .render(),
    ))
}

async fn pabulib(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = path_id(&id)?;
    let (process, budget) = state.app.budget(id).await?;
    let text = state.app.budget_pabulib(&process, &budget).await?;
    let name = format!(
        "attachment; filename=\"{}-{}.pb\"",
        process.process.slug, budget.budget.id
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, name),
        ],
        text,
    )
        .into_response())
}

async fn receipts(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = path_id(&id)?;
    let (_, budget) = state.app.budget(id).await?;
    let mut text = String::new();
    for hash in state.app.counted_receipts(&budget).await? {
        text.push_str(&hash);
        text.push('\n');
    }
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}
