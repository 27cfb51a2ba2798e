//! Tracking an application by its number and the applicant's proof: its
//! state and history, completing a returned application, rating the
//! service once it is decided.

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use baladiya_app::AppError;
use baladiya_app::applications::ApplicationView;
use baladiya_domain::ErrorCode;
use baladiya_domain::workflow::Status;
use serde::Deserialize;

use super::apply::{DocInput, doc_inputs};
use super::catalog::{ContactCard, money};
use crate::http::auth::{visitor_csrf, visitor_csrf_ok};
use crate::http::client::Client;
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::WebForm;
use crate::http::multipart::multipart_of;
use crate::http::state::AppState;
use crate::http::views::SummaryItem;
use crate::shop::api::{MAX_UPLOAD_BYTES, read_multipart};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/track", get(track_form).post(track))
        .route(
            "/track/resubmit",
            axum::routing::post(resubmit).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route("/track/rate", axum::routing::post(rate))
}

/// One event of an application's history, in words.
pub struct HistoryLine {
    pub at: String,
    pub what: String,
    pub comment: String,
}

impl HistoryLine {
    pub fn new(tr: &Tr, entry: &baladiya_store::HistoryEntry) -> Self {
        let detail: serde_json::Value = serde_json::from_str(&entry.detail).unwrap_or_default();
        let action = entry
            .action
            .strip_prefix("application.")
            .unwrap_or(&entry.action);
        Self {
            at: crate::http::views::date_time(tr, entry.at),
            what: tr.t(&format!("event-{action}")),
            comment: detail["comment"].as_str().unwrap_or_default().to_owned(),
        }
    }
}

#[derive(Debug)]
struct TrackResult {
    tracking: String,
    service: String,
    unit: String,
    status: String,
    status_code: &'static str,
    step: Option<String>,
    due: String,
    fee: Option<String>,
    license_code: Option<String>,
    /// What the service issues (`license`, `permit`, `certificate`).
    document_kind: &'static str,
    history: Vec<(String, String, String)>,
    returned: bool,
    /// Why it was returned, and the names of the documents to replace
    /// (none named: any may be replaced).
    return_reason: String,
    to_replace: Vec<String>,
    can_rate: bool,
    documents: Vec<DocInput>,
    /// The procedure's steps still to come after the current one.
    to_come: Vec<String>,
    /// Where to ask about it: the unit's technology center.
    contact: Option<ContactCard>,
}

#[derive(Template)]
#[template(path = "shop/track.html")]
struct TrackPage<'a> {
    tr: &'a Tr,
    user: Option<&'a baladiya_app::Principal>,
    csrf: String,
    errors: Vec<SummaryItem>,
    tracking_input: String,
    proof: String,
    notice: Option<String>,
    result: Option<TrackResult>,
}

fn track_result(tr: &Tr, view: &ApplicationView) -> TrackResult {
    let lang = tr.lang();
    let status = view.status();
    let returned = view.return_request();
    let named: Vec<String> = returned
        .as_ref()
        .map(|r| r.documents.clone())
        .unwrap_or_default();
    let flagged = |code: &str| named.iter().any(|c| c == code);
    TrackResult {
        tracking: view.record.tracking_number.clone(),
        service: view.service.name.get(lang).to_owned(),
        unit: view.unit.name.get(lang).to_owned(),
        status: tr.t(&format!("status-{}", status.as_str())),
        status_code: status.as_str(),
        step: (!status.is_final())
            .then(|| view.current_step().map(|s| s.name.get(lang).to_owned()))
            .flatten(),
        due: tr.date(view.record.due_on),
        fee: view
            .record
            .fee_minor
            .map(|m| money(tr, m, view.service.currency())),
        license_code: view.issuance.as_ref().map(|i| i.verification_code.clone()),
        document_kind: view.service.issues.as_str(),
        history: view
            .history
            .iter()
            .map(|h| {
                let line = crate::shop::track::HistoryLine::new(tr, h);
                (line.at, line.what, line.comment)
            })
            .collect(),
        returned: status == Status::Returned,
        return_reason: returned
            .as_ref()
            .map(|r| r.reason.clone())
            .unwrap_or_default(),
        to_replace: view
            .service
            .documents
            .iter()
            .filter(|d| flagged(&d.code))
            .map(|d| d.name.get(lang).to_owned())
            .collect(),
        can_rate: status.is_final() && view.record.rating.is_none(),
        contact: None,
        to_come: if status.is_final() {
            Vec::new()
        } else {
            view.service
                .procedure
                .steps()
                .iter()
                .skip(view.record.step as usize + 1)
                .map(|s| s.name.get(lang).to_owned())
                .collect()
        },
        // Only the documents the officer named, when they named some.
        documents: doc_inputs(tr, &view.service, &BTreeMap::new())
            .into_iter()
            .zip(&view.service.documents)
            .filter(|(_, d)| flagged(&d.code) || named.is_empty())
            .map(|(input, d)| DocInput {
                mandatory: flagged(&d.code),
                ..input
            })
            .collect(),
    }
}

async fn track_form(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
) -> Result<Response, WebError> {
    let (jar, csrf) = visitor_csrf(jar, state.config.secure_cookies)?;
    let body = TrackPage {
        tr: &tr,
        user: None,
        csrf,
        errors: Vec::new(),
        tracking_input: String::new(),
        proof: String::new(),
        notice: None,
        result: None,
    }
    .render();
    Ok((jar, page(body)).into_response())
}

#[derive(Deserialize)]
struct TrackForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    tracking_number: String,
    #[serde(default)]
    proof: String,
}

/// Who asks about which application, with what proof.
struct Lookup<'a> {
    client: &'a str,
    tracking: &'a str,
    proof: &'a str,
}

async fn show_tracked(
    state: &AppState,
    tr: &Tr,
    jar: CookieJar,
    lookup: Lookup<'_>,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let Lookup {
        client,
        tracking,
        proof,
    } = lookup;
    let (jar, csrf) = visitor_csrf(jar, state.config.secure_cookies)?;
    match state
        .app
        .application_for_applicant(tracking, proof, client)
        .await
    {
        Ok(view) => {
            let mut result = track_result(tr, &view);
            result.contact = state
                .app
                .help_center(&view.unit)
                .await?
                .map(|c| ContactCard::of(tr, &c));
            let body = TrackPage {
                tr,
                user: None,
                csrf,
                errors: Vec::new(),
                tracking_input: String::new(),
                proof: proof.to_owned(),
                notice,
                result: Some(result),
            }
            .render();
            Ok((status, jar, page(body)).into_response())
        }
        Err(AppError::NotFound) => {
            let errors = vec![SummaryItem {
                field: "tracking_number".into(),
                message: tr.t("track-not-found"),
            }];
            let body = TrackPage {
                tr,
                user: None,
                csrf,
                errors,
                tracking_input: tracking.to_owned(),
                proof: String::new(),
                notice: None,
                result: None,
            }
            .render();
            Ok((StatusCode::NOT_FOUND, jar, page(body)).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

async fn track(
    State(state): State<AppState>,
    tr: Tr,
    Client(client): Client,
    jar: CookieJar,
    WebForm(form): WebForm<TrackForm>,
) -> Result<Response, WebError> {
    if !visitor_csrf_ok(&jar, &form.csrf) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    show_tracked(
        &state,
        &tr,
        jar,
        Lookup {
            client: &client,
            tracking: &form.tracking_number,
            proof: &form.proof,
        },
        None,
        StatusCode::OK,
    )
    .await
}

async fn resubmit(
    State(state): State<AppState>,
    tr: Tr,
    Client(client): Client,
    jar: CookieJar,
    request: Request,
) -> Result<Response, WebError> {
    let mut parts = read_multipart(&state, None, multipart_of(request, &state).await?).await?;
    let tracking = std::mem::take(&mut parts.tracking_number);
    if !visitor_csrf_ok(&jar, &parts.csrf) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    let documents = std::mem::take(&mut parts.submission.documents);
    match state
        .app
        .resubmit(&tracking, &parts.proof, &client, &parts.comment, documents)
        .await
    {
        Ok(_) => {
            show_tracked(
                &state,
                &tr,
                jar,
                Lookup {
                    client: &client,
                    tracking: &tracking,
                    proof: &parts.proof,
                },
                Some(tr.t("track-resubmitted")),
                StatusCode::OK,
            )
            .await
        }
        Err(AppError::Invalid(errors)) => {
            let note = errors
                .iter()
                .map(|e| tr.t(e.code))
                .collect::<Vec<_>>()
                .join(" ");
            show_tracked(
                &state,
                &tr,
                jar,
                Lookup {
                    client: &client,
                    tracking: &tracking,
                    proof: &parts.proof,
                },
                Some(note),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
struct RateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    tracking_number: String,
    #[serde(default)]
    proof: String,
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
}

async fn rate(
    State(state): State<AppState>,
    tr: Tr,
    Client(client): Client,
    jar: CookieJar,
    WebForm(form): WebForm<RateForm>,
) -> Result<Response, WebError> {
    if !visitor_csrf_ok(&jar, &form.csrf) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    let stars = form.rating.trim().parse::<i64>().unwrap_or(0);
    let (notice, status) = match state
        .app
        .rate(
            &form.tracking_number,
            &form.proof,
            &client,
            stars,
            &form.comment,
        )
        .await
    {
        Ok(()) => (tr.t("rate-thanks"), StatusCode::OK),
        Err(AppError::Invalid(errors)) => (
            errors
                .iter()
                .map(|e| tr.t(e.code))
                .collect::<Vec<_>>()
                .join(" "),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(AppError::Conflict(code)) => (tr.t(code.as_str()), StatusCode::CONFLICT),
        Err(other) => return Err(other.into()),
    };
    show_tracked(
        &state,
        &tr,
        jar,
        Lookup {
            client: &client,
            tracking: &form.tracking_number,
            proof: &form.proof,
        },
        Some(notice),
        status,
    )
    .await
}
