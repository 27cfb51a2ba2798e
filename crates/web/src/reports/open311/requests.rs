//! Requests: the search with the specification's filters and defaults,
//! one request, the request a token stands for, and a new request from a
//! client with an API key. Never the reporter's name, e-mail, phone,
//! device or account.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use baladiya_app::AppError;
use baladiya_app::reports::{Intake, ReportInput};
use baladiya_domain::ErrorCode;
use baladiya_domain::reports::ReportCategory;
use baladiya_domain::reports::lifecycle::ReportStatus;
use baladiya_domain::text::redact_contacts;
use baladiya_store::{PublicReport, ReportQuery};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use serde_json::Value;

use super::answer::{Doc, app_error, error, errors, opt_text, respond, text};
use super::params::{first, not_found, refused_params, resource, wrong_jurisdiction};
use super::{DEFAULT_DAYS, DEFAULT_LIMIT, Format, split_format};
use crate::http::client::base_url;
use crate::http::i18n::Tr;
use crate::http::state::AppState;

/// A W3C date-time (`2026-11-20T08:00:00+02:00`, or `Z`), or a date alone
/// (the start of the day, or its end for `end_date`).
fn parse_datetime(text: &str, end_of_day: bool) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text.trim()) {
        return Some(t.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()?;
    let time = if end_of_day {
        NaiveTime::from_hms_milli_opt(23, 59, 59, 999)?
    } else {
        NaiveTime::MIN
    };
    Some(day.and_time(time).and_utc())
}

fn list_param(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Reads the query of `GET requests`: the specification's filters, with
/// its defaults (the last 90 days, at most 90 days, 1000 requests), and
/// `page` / `page_size` as many servers offer.
fn request_query<'a>(
    tr: &Tr,
    param: &impl Fn(&str) -> Option<&'a str>,
    now: DateTime<Utc>,
) -> Result<ReportQuery, Vec<String>> {
    let mut problems = Vec::new();
    let ids = list_param(param("service_request_id"));
    let mut query = ReportQuery {
        limit: DEFAULT_LIMIT,
        ..ReportQuery::default()
    };
    for id in &ids {
        match id.parse::<i64>() {
            Ok(id) => query.ids.push(id),
            Err(_) => problems.push(format!(
                "service_request_id: {}",
                tr.t("open311-request-id-invalid")
            )),
        }
    }
    let page_size = match param("page_size") {
        None => DEFAULT_LIMIT,
        Some(text) => match text.parse::<i64>() {
            Ok(n) if (1..=DEFAULT_LIMIT).contains(&n) => n,
            _ => {
                problems.push(format!("page_size: {}", tr.t("open311-page-size-invalid")));
                DEFAULT_LIMIT
            }
        },
    };
    let page = match param("page") {
        None => 1,
        Some(text) => match text.parse::<i64>() {
            Ok(n) if n >= 1 => n,
            _ => {
                problems.push(format!("page: {}", tr.t("open311-page-invalid")));
                1
            }
        },
    };
    query.limit = page_size;
    query.offset = (page - 1).saturating_mul(page_size);
    if !query.ids.is_empty() || !problems.is_empty() {
        // service_request_id overrides every other filter.
        return if problems.is_empty() {
            Ok(query)
        } else {
            Err(problems)
        };
    }
    query.categories = list_param(param("service_code"));
    for status in list_param(param("status")) {
        match ReportStatus::from_open311(&status) {
            Ok(statuses) => query.statuses.extend(statuses),
            Err(_) => problems.push(format!("status: {}", tr.t("open311-status-invalid"))),
        }
    }
    let mut date = |key: &str, end: bool| match param(key) {
        None => None,
        Some(text) => {
            let parsed = parse_datetime(text, end);
            if parsed.is_none() {
                problems.push(format!("{key}: {}", tr.t("open311-date-invalid")));
            }
            parsed
        }
    };
    let start = date("start_date", false);
    let end = date("end_date", true);
    let span = Duration::days(DEFAULT_DAYS);
    let (from, to) = match (start, end) {
        (Some(s), Some(e)) => (s, e),
        (Some(s), None) => (s, (s + span).min(now)),
        (None, Some(e)) => (e - span, e),
        (None, None) => (now - span, now),
    };
    if from > to {
        problems.push(format!("start_date: {}", tr.t("open311-dates-reversed")));
    } else if to - from > span {
        problems.push(format!("end_date: {}", tr.t("open311-dates-too-far-apart")));
    }
    query.from = Some(from);
    query.to = Some(to);
    if problems.is_empty() {
        Ok(query)
    } else {
        Err(problems)
    }
}

fn w3c(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// One request as the public sees it: never the reporter's name, e-mail,
/// phone, device or account.
fn request_doc(
    report: &PublicReport,
    category: Option<&ReportCategory>,
    lang: &str,
    base: &str,
) -> Doc {
    let status = report.status.open311();
    let media_url =
        crate::reports::api::photo_url(report, base).or_else(|| report.media_url.clone());
    Doc::Object(vec![
        ("service_request_id", text(report.id.to_string())),
        ("status", text(status)),
        ("status_notes", opt_text(report.status_note.clone())),
        (
            "service_name",
            opt_text(category.map(|c| c.name.get(lang).to_owned())),
        ),
        ("service_code", text(&report.category_code)),
        ("description", text(redact_contacts(&report.description))),
        (
            "agency_responsible",
            text(format!(
                "{} / {}",
                report.unit_code,
                report.department.as_str()
            )),
        ),
        ("service_notice", Doc::Scalar(Value::Null)),
        ("requested_datetime", text(w3c(report.requested_at))),
        ("updated_datetime", text(w3c(report.updated_at))),
        (
            "expected_datetime",
            text(w3c(report.expected_on.and_time(NaiveTime::MIN).and_utc())),
        ),
        ("address", opt_text(report.address.clone())),
        ("address_id", Doc::Scalar(Value::Null)),
        ("zipcode", Doc::Scalar(Value::Null)),
        ("lat", Doc::Scalar(Value::from(report.lat))),
        ("long", Doc::Scalar(Value::from(report.lon))),
        ("media_url", opt_text(media_url)),
    ])
}

fn requests_doc(state: &AppState, tr: &Tr, base: &str, reports: &[PublicReport]) -> Doc {
    let categories = state.app.report_categories();
    let items = reports
        .iter()
        .map(|r| {
            let category = categories.iter().find(|c| c.code == r.category_code);
            request_doc(r, category, tr.lang(), base)
        })
        .collect();
    Doc::List("request", items)
}

pub(super) async fn requests<'a>(
    state: &AppState,
    tr: &Tr,
    headers: &HeaderMap,
    format: Format,
    param: &impl Fn(&str) -> Option<&'a str>,
) -> Response {
    let query = match request_query(tr, param, state.app.now()) {
        Ok(query) => query,
        Err(problems) => return errors(StatusCode::BAD_REQUEST, format, problems),
    };
    match state.app.search_reports(query).await {
        Ok(reports) => respond(
            StatusCode::OK,
            format,
            "service_requests",
            requests_doc(state, tr, &base_url(state, headers), &reports),
        ),
        Err(e) => app_error(tr, format, e),
    }
}

/// `GET /open311/v2/requests/{id}.{json|xml}`: one request, as a list of one.
pub(super) async fn one_request(
    State(state): State<AppState>,
    tr: Tr,
    headers: HeaderMap,
    Path(file): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let (id, format) = match resource(&tr, &file, &params) {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let Ok(id) = id.parse::<i64>() else {
        return error(
            StatusCode::NOT_FOUND,
            format,
            tr.t("open311-request-unknown"),
        );
    };
    match state.app.report(id).await {
        Ok(report) => respond(
            StatusCode::OK,
            format,
            "service_requests",
            requests_doc(&state, &tr, &base_url(&state, &headers), &[report.public]),
        ),
        Err(AppError::NotFound) => error(
            StatusCode::NOT_FOUND,
            format,
            tr.t("open311-request-unknown"),
        ),
        Err(e) => app_error(&tr, format, e),
    }
}

/// `GET /open311/v2/tokens/{token}.{json|xml}`: the request a token stands for.
pub(super) async fn token(
    State(state): State<AppState>,
    tr: Tr,
    Path(file): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let (token, format) = match resource(&tr, &file, &params) {
        Ok(found) => found,
        Err(response) => return *response,
    };
    match state.app.report_by_token(token).await {
        Ok(Some(id)) => respond(
            StatusCode::OK,
            format,
            "service_requests",
            Doc::List(
                "request",
                vec![Doc::Object(vec![
                    ("service_request_id", text(id.to_string())),
                    ("token", text(token)),
                ])],
            ),
        ),
        Ok(None) => error(StatusCode::NOT_FOUND, format, tr.t("open311-token-unknown")),
        Err(e) => app_error(&tr, format, e),
    }
}

/// `POST /open311/v2/requests.{json|xml}`: a new request from a client with
/// an API key, form-encoded as the specification says.
pub(super) async fn post_request(
    State(state): State<AppState>,
    tr: Tr,
    Path(file): Path<String>,
    headers: axum::http::HeaderMap,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let Some(("requests", format)) = split_format(&file) else {
        return not_found(&tr, &file);
    };
    let pairs = match form {
        Ok(Form(pairs)) => pairs,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                format,
                tr.t(ErrorCode::PayloadTooLarge.as_str()),
            );
        }
        Err(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                format,
                tr.t("open311-form-expected"),
            );
        }
    };
    if let Some(response) = refused_params(&tr, format, &pairs) {
        return response;
    }
    let get = |key: &str| first(&pairs, key).unwrap_or_default().to_owned();
    if let Some(response) = wrong_jurisdiction(&tr, format, Some(get("jurisdiction_id").as_str())) {
        return response;
    }
    let key_id = match state.app.api_key(&get("api_key")).await {
        Ok(id) => id,
        Err(e) => return app_error(&tr, format, e),
    };
    let attributes = pairs
        .iter()
        .filter_map(|(k, v)| {
            let code = k.strip_prefix("attribute[")?;
            let code = code.strip_suffix("[]").unwrap_or(code).strip_suffix(']')?;
            Some((code.to_owned(), v.clone()))
        })
        .collect();
    let input = ReportInput {
        service_code: get("service_code"),
        lat: get("lat"),
        long: get("long"),
        address: get("address_string"),
        description: get("description"),
        attributes,
        photo: None,
        media_url: get("media_url"),
        first_name: get("first_name"),
        last_name: get("last_name"),
        email: get("email"),
        phone: get("phone"),
        device_id: get("device_id"),
        account_id: get("account_id"),
        // A retry after a lost answer files nothing twice (the
        // Idempotency-Key header, per API key).
        idempotency_key: match crate::http::idempotency::idempotency_header(
            &headers,
            &format!("api:{key_id}"),
        ) {
            Ok(key) => key,
            Err(e) => return app_error(&tr, format, e),
        },
    };
    let account_id = input.account_id.clone();
    match state.app.submit_report(input, Intake::Api { key_id }).await {
        Ok(submitted) => respond(
            StatusCode::OK,
            format,
            "service_requests",
            Doc::List(
                "request",
                vec![Doc::Object(vec![
                    ("service_request_id", text(submitted.id.to_string())),
                    ("token", text(submitted.token)),
                    (
                        "service_notice",
                        text(tr.count(
                            "open311-service-notice",
                            "days",
                            i64::from(submitted.category.resolution_working_days),
                        )),
                    ),
                    (
                        "account_id",
                        opt_text(Some(account_id).filter(|a| !a.is_empty())),
                    ),
                ])],
            ),
        ),
        Err(e) => app_error(&tr, format, e),
    }
}
