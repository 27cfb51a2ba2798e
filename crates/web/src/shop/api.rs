//! The one-stop shop's API: the published catalog, applications (online
//! or at the counter), workflow actions, tracking, ratings and license
//! verification.

use axum::extract::{DefaultBodyLimit, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use baladiya_app::applications::{ActionRequest, InboxFilter, Submission, Upload};
use baladiya_domain::ErrorCode;
use baladiya_domain::country::Country;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::http::auth::ApiUser;
use crate::http::client::Client;
use crate::http::error::WebError;
use crate::http::json::{ApiJson, WebQuery, forbidden_in_pairs, printable, refuse};
use crate::http::multipart::{malformed, multipart_of, read_text, spool};
use crate::http::state::AppState;
use crate::shop::views;

/// Largest upload request: every document of a service at its maximum.
pub const MAX_UPLOAD_BYTES: usize = 60 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    let uploads = Router::new()
        .route("/applications", post(submit))
        .route("/applications/{tracking}/resubmit", post(resubmit))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES));
    Router::new()
        .route("/services", get(list_services))
        .route("/services/{code}", get(service))
        .route("/track", post(track))
        .route("/inbox", get(inbox))
        .route("/staff/applications/{tracking}", get(staff_application))
        .route("/applications/{tracking}/actions", post(act))
        .route("/applications/{tracking}/rating", post(rate))
        .route("/applications/{tracking}/revoke", post(revoke))
        .route("/verify/{code}", get(verify))
        .route("/verification-key", get(verification_key))
        .route("/process/{file}", get(event_log))
        .merge(uploads)
}

#[derive(Deserialize)]
struct ServiceQuery {
    q: Option<String>,
    country: Option<String>,
}

/// Services whose names, description or category match `q` (Arabic
/// spellings folded), optionally of one country.
pub fn search(
    state: &AppState,
    q: Option<&str>,
    country: Option<Country>,
) -> Vec<baladiya_app::services::Published> {
    state
        .app
        .search_services(q)
        .into_iter()
        .filter(|p| country.is_none_or(|c| p.service.country == c))
        .collect()
}

async fn list_services(
    State(state): State<AppState>,
    WebQuery(query): WebQuery<ServiceQuery>,
) -> Result<Json<Vec<Value>>, WebError> {
    let country = match query.country.as_deref() {
        Some(c) => Some(Country::parse(c).map_err(|code| WebError::field("country", code))?),
        None => None,
    };
    Ok(Json(
        search(&state, query.q.as_deref(), country)
            .iter()
            .map(|p| views::service_summary(&p.service))
            .collect(),
    ))
}

async fn service(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Value>, WebError> {
    let published = state
        .app
        .service(&code)
        .ok_or(WebError::new(ErrorCode::NotFound))?;
    Ok(Json(views::service_detail(&published.service)))
}

/// The parts of a multipart application form.
#[derive(Default)]
pub struct FormParts {
    pub submission: Submission,
    pub proof: String,
    pub comment: String,
    /// The anti-forgery token of a page form.
    pub csrf: String,
    /// The application a page form is about (resubmission).
    pub tracking_number: String,
    /// A page form's hidden key (see [`crate::http::idempotency`]).
    pub idempotency_key: String,
    /// Which button sent an application form: `check` (to the "check
    /// your answers" page), `change` (back to the form), `send` or none
    /// (file it).
    pub intent: String,
}

/// How large one document `code` may be, and all documents together: by
/// the catalog of `service` if it is known, else the largest any service
/// allows.
fn upload_limits(state: &AppState, service: &str, code: &str) -> (u64, u64) {
    let services = match state.app.service(service) {
        Some(one) => vec![one],
        None => state.app.services(),
    };
    services.iter().fold((0, 0), |(part, total), p| {
        let docs = &p.service.documents;
        let this = docs
            .iter()
            .filter(|d| d.code == code)
            .map(|d| d.max_bytes)
            .max()
            .unwrap_or_else(|| docs.iter().map(|d| d.max_bytes).max().unwrap_or(0));
        (
            part.max(this),
            total.max(docs.iter().map(|d| d.max_bytes).sum()),
        )
    })
}

/// Reads a multipart form: plain fields by name, `field.CODE` into the
/// service's form, files `document.CODE` as documents.
///
/// Files are streamed to temporary files, each refused (`413`) as soon as
/// it passes its document's maximum in `service`'s catalog (the page's
/// service, or the form's `service` field when it comes first; otherwise
/// the largest any service allows), and all of them together as soon as
/// they pass the service's total. Text holding forbidden characters is
/// refused with a field error naming the field.
pub async fn read_multipart(
    state: &AppState,
    service: Option<&str>,
    mut multipart: Multipart,
) -> Result<FormParts, WebError> {
    let mut parts = FormParts::default();
    let mut refused = Vec::new();
    let mut total = 0u64;
    while let Some(mut field) = multipart.next_field().await.map_err(malformed)? {
        let name = field.name().unwrap_or_default().to_owned();
        if let Some(code) = name.strip_prefix("document.") {
            let file_name = field.file_name().unwrap_or("document").to_owned();
            let service = service.unwrap_or(&parts.submission.service);
            let (part_max, total_max) = upload_limits(state, service, code);
            let (size, head, path) =
                spool(&mut field, part_max.min(total_max - total.min(total_max))).await?;
            total += size;
            refused.extend(forbidden_in_pairs(&[(name.clone(), file_name.clone())]));
            if size > 0 {
                parts.submission.documents.push(Upload {
                    code: code.to_owned(),
                    file_name,
                    size,
                    head,
                    spool: std::sync::Arc::new(path),
                });
            }
            continue;
        }
        let text = read_text(&mut field).await?;
        refused.extend(forbidden_in_pairs(&[(name.clone(), text.clone())]));
        let s = &mut parts.submission;
        match name.as_str() {
            "service" => s.service = text,
            "unit" => s.unit = text,
            "applicant_kind" => s.applicant_kind = text,
            "applicant_name" => s.applicant_name = text,
            "applicant_id" => s.applicant_id = text,
            "applicant_phone" => s.applicant_phone = text,
            "applicant_email" => s.applicant_email = text,
            "proof" => parts.proof = text,
            "comment" => parts.comment = text,
            "csrf" => parts.csrf = text,
            "tracking_number" => parts.tracking_number = text,
            "idempotency_key" => parts.idempotency_key = text,
            "intent" => parts.intent = text,
            other => match other.strip_prefix("field.") {
                Some(code) => {
                    s.fields.insert(code.to_owned(), text);
                }
                None => return Err(WebError::field(&printable(other), "field-unknown")),
            },
        }
    }
    refuse(refused)?;
    Ok(parts)
}

/// The body is read before the caller is checked, so that a refused
/// caller gets the refusal, not a connection closed mid-upload.
async fn submit(
    State(state): State<AppState>,
    Client(client): Client,
    request: Request,
) -> Result<impl IntoResponse, WebError> {
    let headers = request.headers().clone();
    let mut parts = read_multipart(&state, None, multipart_of(request, &state).await?).await?;
    let intake = crate::http::auth::bearer_principal(&state, &headers).await?;
    // A retry after a lost answer files nothing twice: the
    // Idempotency-Key header, per signed-in user or anonymous client.
    let scope = match &intake {
        Some(who) => format!("user:{}", who.user_id),
        None => format!("client:{client}"),
    };
    parts.submission.idempotency_key =
        crate::http::idempotency::idempotency_header(&headers, &scope)?;
    let proof = parts.submission.applicant_id.clone();
    let filed = state
        .app
        .submit(parts.submission, intake.as_ref(), &client)
        .await?;
    // The applicant who just filed it sees it as it was written; staff,
    // and a retry, read it under their own rights.
    let view = match (&intake, filed.view) {
        (Some(who), _) => state.app.application_for(who, &filed.tracking).await?,
        (None, Some(view)) => view,
        (None, None) => {
            state
                .app
                .application_for_applicant(&filed.tracking, &proof, &client)
                .await?
        }
    };
    let today = state.app.today_in(view.service.country);
    Ok((
        StatusCode::CREATED,
        Json(views::application(&view, intake.is_some(), today)),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TrackRequest {
    tracking_number: String,
    /// The applicant's ID number or mobile number.
    proof: String,
}

async fn track(
    State(state): State<AppState>,
    Client(client): Client,
    ApiJson(body): ApiJson<TrackRequest>,
) -> Result<Json<Value>, WebError> {
    let view = state
        .app
        .application_for_applicant(&body.tracking_number, &body.proof, &client)
        .await?;
    let today = state.app.today_in(view.service.country);
    Ok(Json(views::application(&view, false, today)))
}

#[derive(Deserialize)]
struct InboxQuery {
    limit: Option<i64>,
    /// Only this service code.
    service: Option<String>,
    /// `true`: only overdue applications.
    #[serde(default)]
    overdue: bool,
}

async fn inbox(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    WebQuery(q): WebQuery<InboxQuery>,
) -> Result<Json<Value>, WebError> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(WebError::field("limit", "number-out-of-range"));
    }
    let filter = InboxFilter {
        service: q.service,
        overdue_only: q.overdue,
    };
    let records = state.app.inbox(&who, &filter, limit).await?;
    let escalated = state.app.escalations(&who, limit).await?;
    let line = |r: &baladiya_store::ApplicationRecord| {
        json!({
            "tracking_number": r.tracking_number, "status": r.status, "step": r.step,
            "step_role": r.step_role,
            "pending_departments": r.pending_departments.split(',').filter(|d| !d.is_empty()).collect::<Vec<_>>(),
            "step_due_on": r.step_due_on, "due_on": r.due_on, "version": r.version,
            "applicant_name": r.applicant_name, "submitted_at": r.submitted_at,
        })
    };
    Ok(Json(json!({
        "items": records.iter().map(line).collect::<Vec<_>>(),
        "escalations": escalated.iter().map(line).collect::<Vec<_>>(),
    })))
}

async fn staff_application(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(tracking): Path<String>,
) -> Result<Json<Value>, WebError> {
    let view = state.app.application_for(&who, &tracking).await?;
    let today = state.app.today_in(view.service.country);
    Ok(Json(views::application(&view, true, today)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionBody {
    action: String,
    department: Option<String>,
    #[serde(default)]
    comment: String,
    receipt_number: Option<String>,
    /// The `version` of the application the officer saw.
    version: i64,
    /// On `return_for_completion`: codes of the documents to replace.
    #[serde(default)]
    to_correct: Vec<String>,
}

async fn act(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(tracking): Path<String>,
    ApiJson(body): ApiJson<ActionBody>,
) -> Result<Json<Value>, WebError> {
    let request = ActionRequest {
        action: body.action,
        department: body.department,
        comment: body.comment,
        receipt_number: body.receipt_number,
        expected_version: body.version,
        to_correct: body.to_correct,
    };
    let view = state.app.act(&who, &tracking, &request).await?;
    let today = state.app.today_in(view.service.country);
    Ok(Json(views::application(&view, true, today)))
}

async fn resubmit(
    State(state): State<AppState>,
    Client(client): Client,
    Path(tracking): Path<String>,
    request: Request,
) -> Result<Json<Value>, WebError> {
    let parts = read_multipart(&state, None, multipart_of(request, &state).await?).await?;
    let view = state
        .app
        .resubmit(
            &tracking,
            &parts.proof,
            &client,
            &parts.comment,
            parts.submission.documents,
        )
        .await?;
    let today = state.app.today_in(view.service.country);
    Ok(Json(views::application(&view, false, today)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RatingBody {
    proof: String,
    rating: i64,
    #[serde(default)]
    comment: String,
}

async fn rate(
    State(state): State<AppState>,
    Client(client): Client,
    Path(tracking): Path<String>,
    ApiJson(body): ApiJson<RatingBody>,
) -> Result<StatusCode, WebError> {
    state
        .app
        .rate(&tracking, &body.proof, &client, body.rating, &body.comment)
        .await?;
    Ok(StatusCode::CREATED)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RevokeBody {
    reason: String,
}

async fn revoke(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(tracking): Path<String>,
    ApiJson(body): ApiJson<RevokeBody>,
) -> Result<StatusCode, WebError> {
    state.app.revoke(&who, &tracking, &body.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn verify(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Value>, WebError> {
    let v = state.app.verify(&code).await?;
    Ok(Json(json!({
        "verification_code": v.code,
        "status": v.status,
        "service": {"code": v.service_code, "name_ar": v.service_ar, "name_en": v.service_en},
        "unit": {"name_ar": v.unit_ar, "name_en": v.unit_en},
        "holder": v.holder_masked,
        "issued_on": v.issued_on,
        "valid_until": v.valid_until,
        "signature": v.signature,
        "signature_valid": v.signature_valid,
    })))
}

async fn verification_key(State(state): State<AppState>) -> Result<Json<Value>, WebError> {
    Ok(Json(
        json!({"algorithm": "Ed25519", "public_key": state.app.verifying_key().await?}),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LogParams {
    service: Option<String>,
    unit: Option<String>,
    channel: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// A log query's parameters, read.
fn log_query(params: LogParams) -> Result<baladiya_app::process::LogQuery, WebError> {
    let (from, to) =
        crate::process::event_log::period(params.from.as_deref(), params.to.as_deref())?;
    Ok(baladiya_app::process::LogQuery {
        service: params.service,
        unit: params.unit,
        channel: params.channel,
        from,
        to,
    })
}

/// The store's filter for a log query of `who`.
async fn log_filter(
    state: &AppState,
    who: &baladiya_app::Principal,
    params: LogParams,
) -> Result<baladiya_store::LogFilter, WebError> {
    Ok(state.app.log_filter(Some(who), &log_query(params)?).await?)
}

/// The applications of the units the caller oversees as an event log for
/// a process-mining tool: `applications.xes` (IEEE XES) or
/// `applications.ocel.json` (OCEL 2.0); or what it shows (`summary`: the
/// directly-follows graph with hours, variants, rework, throughput).
async fn event_log(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(file): Path<String>,
    crate::http::json::WebQuery(params): crate::http::json::WebQuery<LogParams>,
) -> Result<Response, WebError> {
    use crate::process::event_log::LogFormat;
    let (format, content_type) = match file.as_str() {
        "applications.xes" | "reports.xes" => (LogFormat::Xes, "application/xml; charset=utf-8"),
        "applications.ocel.json" => (LogFormat::Ocel, "application/json"),
        "summary" => {
            let filter = log_filter(&state, &who, params).await?;
            let summary = crate::process::event_log::summary(&state.app, &filter).await?;
            return Ok(Json(summary).into_response());
        }
        _ => return Err(WebError::new(ErrorCode::NotFound)),
    };
    let reports = file == "reports.xes";
    let filter = if reports {
        let query = log_query(params)?;
        state.app.report_log_filter(Some(&who), &query).await?
    } else {
        log_filter(&state, &who, params).await?
    };
    // Streamed a page of cases at a time: a few chunks wait in the
    // channel, and a slow client slows the reading.
    let (chunks, mut body) = tokio::sync::mpsc::channel(4);
    let app = state.app.clone();
    tokio::spawn(async move {
        let written = if reports {
            crate::process::event_log::write_report_log(&app, &filter, chunks.clone())
                .await
                .map(|_| ())
        } else {
            crate::process::event_log::write_log(&app, &filter, format, chunks.clone(), |_, _| {})
                .await
                .map(|_| ())
        };
        if let Err(error) = written {
            tracing::error!(%error, "event log export stopped");
            let _ = chunks
                .send(Err(std::io::Error::other(error.to_string())))
                .await;
        }
    });
    let body =
        axum::body::Body::from_stream(futures_util::stream::poll_fn(move |cx| body.poll_recv(cx)));
    let disposition = format!("attachment; filename=\"{file}\"");
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, content_type.to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}
