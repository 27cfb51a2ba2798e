//! Proposals, the citizen's side: a process's proposals with where each
//! stands, one proposal with its review (or the reason it was hidden) and
//! the reports it cites, a signed-in citizen's new proposal, support and
//! flag.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use baladiya_app::participation::ProcessView;
use baladiya_app::participation_proposals::{ProposalForm, ProposalView};
use baladiya_domain::ErrorCode;
use baladiya_domain::participation::phases::PhaseKind;
use baladiya_domain::participation::proposals::{CATEGORIES, Standing};

use super::{amount, titles};
use crate::http::auth::{citizen_of, citizen_sending};
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::{WebForm, form_value, path_id};
use crate::http::state::AppState;
use crate::http::views::{SummaryItem, field_summary};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/participate/{slug}/proposals", get(list))
        .route(
            "/participate/{slug}/proposals/new",
            get(new_form).post(submit),
        )
        .route("/participate/proposals/{id}", get(proposal))
        .route("/participate/proposals/{id}/support", post(support))
        .route("/participate/proposals/{id}/flag", post(flag))
}

/// A proposal as a page lists it.
#[derive(Debug)]
pub(super) struct ProposalLine {
    pub id: i64,
    pub title: String,
    pub category: String,
    pub standing: String,
    pub standing_class: &'static str,
    /// "12 of 50 supports".
    pub supports: String,
    pub cost: String,
    pub hidden: Option<String>,
    pub review_reason: Option<String>,
    pub reviewed_cost: Option<String>,
    pub flags: i64,
}

pub(super) fn line(tr: &Tr, process: &ProcessView, p: &ProposalView) -> ProposalLine {
    let r = &p.proposal;
    let currency = process.unit.country().currency().code();
    ProposalLine {
        id: r.id,
        title: r.title.clone(),
        category: tr.t(&format!("proposal-category-{}", r.category)),
        standing: tr.t(&format!("proposal-standing-{}", p.standing.as_str())),
        standing_class: p.standing.as_str(),
        supports: tr.t_with(
            "proposal-supports-of",
            "count",
            &format!(
                "{} / {}",
                tr.digits(&r.supports.to_string()),
                tr.digits(&process.process.support_threshold.to_string())
            ),
        ),
        cost: amount(tr, r.cost, currency),
        hidden: r.hidden_reason.clone(),
        review_reason: r.review_reason.clone(),
        reviewed_cost: r.reviewed_cost.map(|c| amount(tr, c, currency)),
        flags: r.flags,
    }
}

#[derive(Template)]
#[template(path = "participation/proposals.html")]
struct ListPage<'a> {
    tr: &'a Tr,
    user: Option<&'a baladiya_app::Principal>,
    slug: String,
    process_title: String,
    threshold: String,
    open: bool,
    proposals: Vec<ProposalLine>,
}

async fn list(
    State(state): State<AppState>,
    tr: Tr,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let process = state.app.process_by_slug(&slug).await?;
    let proposals = state.app.proposals_of(&process).await?;
    Ok(page(
        ListPage {
            slug: process.process.slug.clone(),
            process_title: titles(&tr, &process).0,
            threshold: tr.digits(&process.process.support_threshold.to_string()),
            open: process.phases.is_open(PhaseKind::Proposals, process.today),
            proposals: proposals.iter().map(|p| line(&tr, &process, p)).collect(),
            tr: &tr,
            user: None,
        }
        .render(),
    ))
}

#[derive(Template)]
#[template(path = "participation/proposal_new.html")]
struct NewPage<'a> {
    tr: &'a Tr,
    user: Option<&'a baladiya_app::Principal>,
    slug: String,
    process_title: String,
    signed_in: bool,
    open: bool,
    csrf: String,
    form: ProposalForm,
    categories: Vec<(&'static str, String)>,
    errors: Vec<SummaryItem>,
}

fn new_page(
    tr: &Tr,
    process: &ProcessView,
    csrf: Option<String>,
    form: ProposalForm,
    errors: Vec<SummaryItem>,
) -> Result<String, askama::Error> {
    NewPage {
        tr,
        user: None,
        slug: process.process.slug.clone(),
        process_title: titles(tr, process).0,
        signed_in: csrf.is_some(),
        open: process.phases.is_open(PhaseKind::Proposals, process.today),
        csrf: csrf.unwrap_or_default(),
        categories: CATEGORIES
            .iter()
            .map(|c| (*c, tr.t(&format!("proposal-category-{c}"))))
            .collect(),
        form,
        errors,
    }
    .render()
}

async fn new_form(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let process = state.app.process_by_slug(&slug).await?;
    let csrf = citizen_of(&state, &jar).await?.map(|(c, _)| c.csrf_token);
    Ok(page(new_page(
        &tr,
        &process,
        csrf,
        ProposalForm::default(),
        Vec::new(),
    )))
}

async fn submit(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
    Path(slug): Path<String>,
    WebForm(pairs): WebForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let citizen = citizen_sending(&state, &jar, &pairs).await?;
    let form = ProposalForm {
        title: form_value(&pairs, "title"),
        description: form_value(&pairs, "description"),
        category: form_value(&pairs, "category"),
        cost: form_value(&pairs, "cost"),
        latitude: form_value(&pairs, "latitude"),
        longitude: form_value(&pairs, "longitude"),
    };
    match state.app.submit_proposal(&citizen, &slug, &form).await {
        Ok(id) => Ok(Redirect::to(&format!("/participate/proposals/{id}")).into_response()),
        Err(baladiya_app::AppError::Invalid(fields)) => {
            let process = state.app.process_by_slug(&slug).await?;
            let errors = field_summary(&tr, &fields);
            let body = new_page(&tr, &process, Some(citizen.csrf_token), form, errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(body)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "participation/proposal.html")]
struct ProposalPage<'a> {
    tr: &'a Tr,
    user: Option<&'a baladiya_app::Principal>,
    slug: String,
    process_title: String,
    p: ProposalLine,
    description: String,
    reports: Vec<i64>,
    place: Option<(f64, f64)>,
    /// The signed-in citizen's anti-forgery token, when they may support.
    csrf: Option<String>,
    can_support: bool,
    done: Option<String>,
}

async fn proposal_page(
    state: &AppState,
    tr: &Tr,
    jar: &CookieJar,
    id: i64,
    done: Option<String>,
) -> Result<Response, WebError> {
    let (process, proposal) = state.app.proposal(id).await?;
    let csrf = citizen_of(state, jar).await?.map(|(c, _)| c.csrf_token);
    let open = process.phases.is_open(PhaseKind::Supports, process.today)
        || process.phases.is_open(PhaseKind::Proposals, process.today);
    let r = &proposal.proposal;
    let hidden = proposal.standing == Standing::Hidden;
    Ok(page(
        ProposalPage {
            slug: process.process.slug.clone(),
            process_title: titles(tr, &process).0,
            description: if hidden {
                String::new()
            } else {
                r.description.clone()
            },
            reports: if hidden {
                Vec::new()
            } else {
                proposal.reports.clone()
            },
            place: r.latitude.zip(r.longitude).filter(|_| !hidden),
            can_support: open && !hidden,
            csrf,
            done,
            p: line(tr, &process, &proposal),
            tr,
            user: None,
        }
        .render(),
    ))
}

async fn proposal(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = path_id(&id)?;
    proposal_page(&state, &tr, &jar, id, None).await
}

async fn support(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
    Path(id): Path<String>,
    WebForm(pairs): WebForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let id = path_id(&id)?;
    let citizen = citizen_sending(&state, &jar, &pairs).await?;
    let done = match state.app.support_proposal(&citizen, id).await {
        Ok(_) => tr.t("proposal-supported"),
        Err(baladiya_app::AppError::Conflict(ErrorCode::AlreadySupported)) => {
            tr.t("already-supported")
        }
        Err(e) => return Err(e.into()),
    };
    proposal_page(&state, &tr, &jar, id, Some(done)).await
}

async fn flag(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
    Path(id): Path<String>,
    WebForm(pairs): WebForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let id = path_id(&id)?;
    let citizen = citizen_sending(&state, &jar, &pairs).await?;
    state.app.flag_proposal(&citizen, id).await?;
    proposal_page(&state, &tr, &jar, id, Some(tr.t("proposal-flagged"))).await
}
