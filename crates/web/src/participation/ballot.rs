//! The citizen's side: the processes (`/participate`), one process with
//! its phases and budgets, voting in a budget with the receipt it gives,
//! and the receipt checked (recorded, then counted) or used to change the
//! vote while voting is open.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use baladiya_app::participation::{BudgetView, ProcessView};
use baladiya_domain::ErrorCode;
use baladiya_domain::participation::voters::Eligibility;

use super::{BudgetLine, PhaseLine, budget_line, phase_lines, stage, titles};
use crate::http::auth::{citizen_of, citizen_sending, visitor_csrf, visitor_csrf_ok};
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::{WebForm, path_id};
use crate::http::state::AppState;
use crate::http::views::{SummaryItem, field_summary};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/participate", get(processes))
        .route("/participate/{slug}", get(process))
        .route("/participate/budgets/{id}/vote", get(vote_form).post(vote))
        .route("/participate/receipt", get(receipt_form).post(receipt))
        .route("/participate/receipt/change", axum::routing::post(change))
}

#[derive(Debug)]
struct ProcessLine {
    slug: String,
    title: String,
    unit: String,
    stage: String,
    voting_open: bool,
}

#[derive(Template)]
#[template(path = "participation/processes.html")]
struct ProcessesPage<'a> {
    tr: &'a Tr,
    user: Option<&'a baladiya_app::Principal>,
    processes: Vec<ProcessLine>,
}

async fn processes(State(state): State<AppState>, tr: Tr) -> Result<Response, WebError> {
    let lang = tr.lang();
    let processes = state
        .app
        .processes()
        .await?
        .iter()
        .map(|p| ProcessLine {
            slug: p.process.slug.clone(),
            title: titles(&tr, p).0,
            unit: p.unit.name.get(lang).to_owned(),
            stage: stage(&tr, p),
            voting_open: p.voting_open(),
        })
        .collect();
    Ok(page(
        ProcessesPage {
            tr: &tr,
            user: None,
            processes,
        }
        .render(),
    ))
}

#[derive(Template)]
#[template(path = "participation/process.html")]
struct ProcessPage<'a> {
    tr: &'a Tr,
    user: Option<&'a baladiya_app::Principal>,
    slug: String,
    title: String,
    summary: String,
    unit: String,
    eligibility: String,
    phases: Vec<PhaseLine>,
    voting_open: bool,
    budgets: Vec<BudgetLine>,
}

async fn process(
    State(state): State<AppState>,
    tr: Tr,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let process = state.app.process_by_slug(&slug).await?;
    let budgets = state.app.budgets_of(&process).await?;
    let (title, summary) = titles(&tr, &process);
    Ok(page(
        ProcessPage {
            slug: process.process.slug.clone(),
            title,
            summary,
            unit: process.unit.name.get(tr.lang()).to_owned(),
            eligibility: tr.t(&format!(
                "participation-eligibility-{}",
                process.eligibility.as_str()
            )),
            phases: phase_lines(&tr, &process),
            voting_open: process.voting_open(),
            budgets: budgets.iter().map(|b| budget_line(&tr, b, &[])).collect(),
            tr: &tr,
            user: None,
        }
        .render(),
    ))
}

/// Who is at the ballot: a signed-in citizen (their anti-forgery token),
/// or someone who must sign in first, or who voted already.
#[derive(Debug, PartialEq, Eq)]
enum Standing {
    SignIn,
    Voted,
    CounterOnly,
    Closed,
    Ballot,
}

#[derive(Template)]
#[template(path = "participation/vote.html")]
struct VotePage<'a> {
    tr: &'a Tr,
    user: Option<&'a baladiya_app::Principal>,
    process_title: String,
    slug: String,
    budget: BudgetLine,
    standing: Standing,
    /// Where the form goes: a new vote, or a change by receipt.
    action: String,
    csrf: String,
    /// The receipt whose ballot is being changed.
    receipt: String,
    asks_national_id: bool,
    national_id: String,
    errors: Vec<SummaryItem>,
}

struct Ballot<'a> {
    process: &'a ProcessView,
    budget: &'a BudgetView,
    chosen: &'a [String],
    national_id: String,
    errors: Vec<SummaryItem>,
}

fn vote_page(
    tr: &Tr,
    b: Ballot<'_>,
    standing: Standing,
    csrf: String,
    receipt: &str,
) -> Result<String, askama::Error> {
    let action = if receipt.is_empty() {
        format!("/participate/budgets/{}/vote", b.budget.budget.id)
    } else {
        "/participate/receipt/change".to_owned()
    };
    VotePage {
        tr,
        user: None,
        process_title: titles(tr, b.process).0,
        slug: b.process.process.slug.clone(),
        budget: budget_line(tr, b.budget, b.chosen),
        standing,
        action,
        csrf,
        receipt: receipt.to_owned(),
        asks_national_id: b.process.eligibility == Eligibility::Residents && receipt.is_empty(),
        national_id: b.national_id,
        errors: b.errors,
    }
    .render()
}

async fn vote_form(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = path_id(&id)?;
    let (process, budget) = state.app.budget(id).await?;
    let citizen = citizen_of(&state, &jar).await?;
    let standing = if !process.voting_open() {
        Standing::Closed
    } else if !process.eligibility.online() {
        Standing::CounterOnly
    } else {
        match &citizen {
            None => Standing::SignIn,
            Some((c, _)) if state.app.citizen_has_voted(c, &process, &budget).await? => {
                Standing::Voted
            }
            Some(_) => Standing::Ballot,
        }
    };
    let csrf = citizen.map(|(c, _)| c.csrf_token).unwrap_or_default();
    let ballot = Ballot {
        process: &process,
        budget: &budget,
        chosen: &[],
        national_id: String::new(),
        errors: Vec::new(),
    };
    Ok(page(vote_page(&tr, ballot, standing, csrf, "")))
}

/// The ballot's fields: the anti-forgery token, each `choice`, and the
/// national ID when asked.
fn ballot_fields(pairs: Vec<(String, String)>) -> (String, Vec<String>, String, String) {
    let (mut csrf, mut choices, mut national_id, mut receipt) =
        (String::new(), Vec::new(), String::new(), String::new());
    for (name, value) in pairs {
        match name.as_str() {
            "csrf" => csrf = value,
            "choice" => choices.push(value),
            "national_id" => national_id = value,
            "receipt" => receipt = value,
            _ => {}
        }
    }
    (csrf, choices, national_id, receipt)
}

#[derive(Template)]
#[template(path = "participation/voted.html")]
struct VotedPage<'a> {
    tr: &'a Tr,
    user: Option<&'a baladiya_app::Principal>,
    receipt: String,
    budget: String,
    slug: String,
    changed: bool,
}

/// The receipt, shown once: never cached, never in an address.
fn voted(tr: &Tr, receipt: String, budget: &BudgetView, slug: String, changed: bool) -> Response {
    let body = VotedPage {
        tr,
        user: None,
        receipt,
        budget: budget_line(tr, budget, &[]).name,
        slug,
        changed,
    }
    .render();
    ([(header::CACHE_CONTROL, "no-store")], page(body)).into_response()
}

async fn vote(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
    Path(id): Path<String>,
    WebForm(pairs): WebForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let id = path_id(&id)?;
    let citizen = citizen_sending(&state, &jar, &pairs).await?;
    let (_, choices, national_id, _) = ballot_fields(pairs);
    let id_given = (!national_id.trim().is_empty()).then_some(national_id.as_str());
    match state
        .app
        .vote_online(&citizen, id, &choices, id_given)
        .await
    {
        Ok(recorded) => {
            let (_, budget) = state.app.budget(recorded.budget_id).await?;
            Ok(voted(
                &tr,
                recorded.receipt.to_string(),
                &budget,
                recorded.process_slug,
                false,
            ))
        }
        Err(baladiya_app::AppError::Invalid(fields)) => {
            let (process, budget) = state.app.budget(id).await?;
            let ballot = Ballot {
                process: &process,
                budget: &budget,
                chosen: &choices,
                national_id,
                errors: field_summary(&tr, &fields),
            };
            let body = vote_page(&tr, ballot, Standing::Ballot, citizen.csrf_token, "");
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(body)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "participation/receipt.html")]
struct ReceiptPage<'a> {
    tr: &'a Tr,
    user: Option<&'a baladiya_app::Principal>,
    csrf: String,
    typed: String,
    errors: Vec<SummaryItem>,
    /// The receipt's ballot: its budget, process, and whether counted.
    found: Option<Found>,
}

#[derive(Debug)]
struct Found {
    budget: String,
    process_title: String,
    slug: String,
    counted: bool,
    voting_open: bool,
}

async fn receipt_page(
    tr: &Tr,
    jar: CookieJar,
    typed: String,
    errors: Vec<SummaryItem>,
    found: Option<Found>,
    secure: bool,
) -> Result<Response, WebError> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let (jar, csrf) = visitor_csrf(jar, secure)?;
    let body = ReceiptPage {
        tr,
        user: None,
        csrf,
        typed,
        errors,
        found,
    }
    .render();
    Ok((
        status,
        jar,
        [(header::CACHE_CONTROL, "no-store")],
        page(body),
    )
        .into_response())
}

async fn receipt_form(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
) -> Result<Response, WebError> {
    receipt_page(
        &tr,
        jar,
        String::new(),
        Vec::new(),
        None,
        state.config.secure_cookies,
    )
    .await
}

/// Checks a receipt (sent in the body, so it stays out of addresses and
/// logs); with `change`, opens a fresh ballot to replace its choices.
async fn receipt(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
    WebForm(pairs): WebForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let change = pairs.iter().any(|(k, _)| k == "change");
    let (csrf, _, _, typed) = ballot_fields(pairs);
    if !visitor_csrf_ok(&jar, &csrf) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    let secure = state.config.secure_cookies;
    match state.app.receipt_status(&typed).await {
        Ok(status) if change && status.process.voting_open() => {
            let (jar, csrf) = visitor_csrf(jar, secure)?;
            let ballot = Ballot {
                process: &status.process,
                budget: &status.budget,
                chosen: &[],
                national_id: String::new(),
                errors: Vec::new(),
            };
            let body = vote_page(&tr, ballot, Standing::Ballot, csrf, typed.trim());
            Ok((jar, [(header::CACHE_CONTROL, "no-store")], page(body)).into_response())
        }
        Ok(status) => {
            let found = Found {
                budget: budget_line(&tr, &status.budget, &[]).name,
                process_title: titles(&tr, &status.process).0,
                slug: status.process.process.slug.clone(),
                counted: status.counted,
                voting_open: status.process.voting_open(),
            };
            receipt_page(&tr, jar, typed, Vec::new(), Some(found), secure).await
        }
        Err(baladiya_app::AppError::Invalid(fields)) => {
            receipt_page(&tr, jar, typed, field_summary(&tr, &fields), None, secure).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Replaces the choices of a receipt's ballot.
async fn change(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
    WebForm(pairs): WebForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (csrf, choices, _, receipt) = ballot_fields(pairs);
    if !visitor_csrf_ok(&jar, &csrf) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    match state.app.change_vote(&receipt, &choices).await {
        Ok(recorded) => {
            let (_, budget) = state.app.budget(recorded.budget_id).await?;
            Ok(voted(
                &tr,
                recorded.receipt.to_string(),
                &budget,
                recorded.process_slug,
                true,
            ))
        }
        Err(baladiya_app::AppError::Invalid(fields))
            if fields.iter().all(|f| f.field == "choices") =>
        {
            let status = state.app.receipt_status(&receipt).await?;
            let (jar, csrf) = visitor_csrf(jar, state.config.secure_cookies)?;
            let ballot = Ballot {
                process: &status.process,
                budget: &status.budget,
                chosen: &choices,
                national_id: String::new(),
                errors: field_summary(&tr, &fields),
            };
            let body = vote_page(&tr, ballot, Standing::Ballot, csrf, receipt.trim());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, jar, page(body)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
