//! Open311 GeoReport v2 at `/open311/v2/`, in JSON and XML: the service
//! list and definitions (Baladiya's report categories), service requests
//! (GET with the specification's filters and defaults, POST with an API
//! key), single requests, tokens, and the discovery document. Errors are
//! the specification's error array, in the requested format.
//!
//! Every answer is built once as a [`Doc`] and written as JSON or XML from
//! it, so the two formats cannot drift apart.

use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use baladiya_app::AppError;
use baladiya_app::reports::{Intake, ReportInput};
use baladiya_domain::ErrorCode;
use baladiya_domain::reports::ReportCategory;
use baladiya_domain::reports::lifecycle::ReportStatus;
use baladiya_domain::text::{has_forbidden_chars, redact_contacts, without_forbidden_chars};
use baladiya_store::{PublicReport, ReportQuery};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use serde_json::Value;

use crate::http::client::base_url;
use crate::http::error::{WebError, status_of};
use crate::http::i18n::Tr;
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/open311/v2/{file}", get(collection).post(post_request))
        .route("/open311/v2/services/{file}", get(definition))
        .route("/open311/v2/requests/{file}", get(one_request))
        .route("/open311/v2/tokens/{file}", get(token))
        .route("/open311/{file}", get(discovery_at_root))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
}

/// Splits `name.json` / `name.xml`.
fn split_format(file: &str) -> Option<(&str, Format)> {
    let (name, ext) = file.rsplit_once('.')?;
    match ext {
        "json" => Some((name, Format::Json)),
        "xml" => Some((name, Format::Xml)),
        _ => None,
    }
}

/// The jurisdiction this server answers for. Any other is refused.
const JURISDICTION: &str = "baladiya";

/// The specification's default and largest span of a request search.
const DEFAULT_DAYS: i64 = 90;

/// The specification's suggested number of requests in one answer.
const DEFAULT_LIMIT: i64 = 1000;

/// When this endpoint's behaviour last changed (the discovery changeset).
const CHANGESET: &str = "2026-11-23T00:00:00Z";

/// An answer, written as JSON or as XML.
enum Doc {
    /// A string, number, boolean or null.
    Scalar(Value),
    /// Named children, in order.
    Object(Vec<(&'static str, Doc)>),
    /// Items, each an XML element of this name.
    List(&'static str, Vec<Doc>),
}

fn text(value: impl Into<String>) -> Doc {
    Doc::Scalar(Value::String(value.into()))
}

fn opt_text(value: Option<impl Into<String>>) -> Doc {
    value.map_or(Doc::Scalar(Value::Null), text)
}

/// JSON is written straight from the tree.
impl serde::Serialize for Doc {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Doc::Scalar(v) => v.serialize(serializer),
            Doc::Object(fields) => {
                let mut map = serializer.serialize_map(Some(fields.len()))?;
                for (k, v) in fields {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
            Doc::List(_, items) => serializer.collect_seq(items),
        }
    }
}

impl Doc {
    fn write_xml(&self, writer: &mut Writer<Vec<u8>>, name: &str) -> std::io::Result<()> {
        let element = writer.create_element(name);
        match self {
            Doc::Scalar(Value::Null) => {
                element.write_empty()?;
            }
            Doc::Scalar(v) => {
                let content = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                // Whatever was stored, the document stays well-formed XML.
                element.write_text_content(BytesText::new(&without_forbidden_chars(&content)))?;
            }
            Doc::Object(fields) => {
                element.write_inner_content(|w| {
                    fields.iter().try_for_each(|(k, v)| v.write_xml(w, k))
                })?;
            }
            Doc::List(item, items) => {
                element
                    .write_inner_content(|w| items.iter().try_for_each(|v| v.write_xml(w, item)))?;
            }
        }
        Ok(())
    }
}

fn xml(root: &str, doc: &Doc) -> Vec<u8> {
    let mut writer = Writer::new(Vec::new());
    let written = writer
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .and_then(|()| doc.write_xml(&mut writer, root));
    if let Err(error) = written {
        tracing::error!(%error, "writing XML");
    }
    writer.into_inner()
}

fn respond(status: StatusCode, format: Format, root: &str, doc: Doc) -> Response {
    match format {
        Format::Json => (
            status,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            serde_json::to_vec(&doc).unwrap_or_default(),
        )
            .into_response(),
        Format::Xml => (
            status,
            [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
            xml(root, &doc),
        )
            .into_response(),
    }
}

/// The specification's error array: one entry per problem.
fn errors(status: StatusCode, format: Format, descriptions: Vec<String>) -> Response {
    let items = descriptions
        .into_iter()
        .map(|d| {
            Doc::Object(vec![
                ("code", Doc::Scalar(Value::from(status.as_u16()))),
                ("description", text(d)),
            ])
        })
        .collect();
    let mut response = respond(status, format, "errors", Doc::List("error", items));
    if status == StatusCode::TOO_MANY_REQUESTS {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("60"));
    }
    response
}

fn error(status: StatusCode, format: Format, description: String) -> Response {
    errors(status, format, vec![description])
}

/// An application error as the specification's error array: invalid input
/// is `400` with one entry per field (`field: message`).
fn app_error(tr: &Tr, format: Format, error: AppError) -> Response {
    let web = WebError::from(error);
    let status = match web.code {
        ErrorCode::InvalidInput => StatusCode::BAD_REQUEST,
        code => status_of(code),
    };
    let descriptions = if web.fields.is_empty() {
        vec![crate::http::error::message(tr, &web)]
    } else {
        web.fields
            .iter()
            .map(|f| format!("{}: {}", f.field, tr.t(f.code)))
            .collect()
    };
    errors(status, format, descriptions)
}

/// The error answer for a `jurisdiction_id` this server does not serve.
fn wrong_jurisdiction(tr: &Tr, format: Format, id: Option<&str>) -> Option<Response> {
    match id {
        None | Some(JURISDICTION) | Some("") => None,
        Some(_) => Some(error(
            StatusCode::NOT_FOUND,
            format,
            tr.t("open311-jurisdiction-unknown"),
        )),
    }
}

/// The name and format of `{name}.{json|xml}` for the jurisdiction
/// served here, or the error answer. A name or parameter with a forbidden
/// character is refused, never looked up.
fn resource<'a>(
    tr: &Tr,
    file: &'a str,
    params: &[(String, String)],
) -> Result<(&'a str, Format), Box<Response>> {
    let (name, format) = split_format(file)
        .filter(|(name, _)| !has_forbidden_chars(name))
        .ok_or_else(|| Box::new(not_found(tr, file)))?;
    if let Some(response) = refused_params(tr, format, params) {
        return Err(Box::new(response));
    }
    match wrong_jurisdiction(tr, format, first(params, "jurisdiction_id")) {
        Some(response) => Err(Box::new(response)),
        None => Ok((name, format)),
    }
}

/// The `400` error array naming each parameter that holds a forbidden
/// character, if any does.
fn refused_params(tr: &Tr, format: Format, params: &[(String, String)]) -> Option<Response> {
    let refused = crate::http::json::forbidden_in_pairs(params);
    (!refused.is_empty()).then(|| {
        errors(
            StatusCode::BAD_REQUEST,
            format,
            refused
                .iter()
                .map(|f| format!("{}: {}", f.field, tr.t(f.code)))
                .collect(),
        )
    })
}

fn not_found(tr: &Tr, file: &str) -> Response {
    let format = split_format(file).map_or(Format::Xml, |(_, f)| f);
    error(StatusCode::NOT_FOUND, format, tr.t("not-found"))
}

/// The first value of `key` among a query's or form's pairs.
fn first<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// `GET /open311/v2/{services|requests|discovery}.{json|xml}`.
async fn collection(
    State(state): State<AppState>,
    tr: Tr,
    headers: HeaderMap,
    Path(file): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let (name, format) = match resource(&tr, &file, &params) {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let param = |key: &str| first(&params, key);
    match name {
        "services" => services(&state, &tr, format),
        "requests" => requests(&state, &tr, &headers, format, &param).await,
        "discovery" => discovery(&state, &tr, &headers, format),
        _ => not_found(&tr, &file),
    }
}

fn services(state: &AppState, tr: &Tr, format: Format) -> Response {
    let lang = tr.lang();
    let items = state
        .app
        .report_categories()
        .iter()
        .map(|c| {
            Doc::Object(vec![
                ("service_code", text(&c.code)),
                ("service_name", text(c.name.get(lang))),
                ("description", text(c.description.get(lang))),
                (
                    "metadata",
                    Doc::Scalar(Value::Bool(!c.attributes.is_empty())),
                ),
                ("type", text("realtime")),
                ("keywords", text(c.keywords.join(", "))),
                ("group", text(&c.group)),
            ])
        })
        .collect();
    respond(
        StatusCode::OK,
        format,
        "services",
        Doc::List("service", items),
    )
}

/// `GET /open311/v2/services/{code}.{json|xml}`: a service definition.
async fn definition(
    State(state): State<AppState>,
    tr: Tr,
    Path(file): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let (code, format) = match resource(&tr, &file, &params) {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let Some(category) = state.app.report_category(code) else {
        return error(
            StatusCode::NOT_FOUND,
            format,
            tr.t("open311-service-unknown"),
        );
    };
    let lang = tr.lang();
    let attributes = category
        .attributes
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let mut fields = vec![
                ("variable", Doc::Scalar(Value::Bool(true))),
                ("code", text(&a.code)),
                ("datatype", text(a.datatype.as_str())),
                ("required", Doc::Scalar(Value::Bool(a.required))),
                ("datatype_description", Doc::Scalar(Value::Null)),
                ("order", Doc::Scalar(Value::from(i + 1))),
                ("description", text(a.description.get(lang))),
            ];
            if a.datatype.is_list() {
                let values = a
                    .values
                    .iter()
                    .map(|(key, name)| {
                        Doc::Object(vec![("key", text(key)), ("name", text(name.get(lang)))])
                    })
                    .collect();
                fields.push(("values", Doc::List("value", values)));
            }
            Doc::Object(fields)
        })
        .collect();
    respond(
        StatusCode::OK,
        format,
        "service_definition",
        Doc::Object(vec![
            ("service_code", text(&category.code)),
            ("attributes", Doc::List("attribute", attributes)),
        ]),
    )
}

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

async fn requests<'a>(
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
async fn one_request(
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
async fn token(
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
async fn post_request(
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

fn discovery(state: &AppState, tr: &Tr, headers: &HeaderMap, format: Format) -> Response {
    let base = base_url(state, headers);
    respond(
        StatusCode::OK,
        format,
        "discovery",
        Doc::Object(vec![
            ("changeset", text(CHANGESET)),
            ("contact", text(tr.t("open311-contact"))),
            ("key_service", text(tr.t("open311-key-service"))),
            (
                "endpoints",
                Doc::List(
                    "endpoint",
                    vec![Doc::Object(vec![
                        (
                            "specification",
                            text("http://wiki.open311.org/GeoReport_v2"),
                        ),
                        ("url", text(format!("{base}/open311/v2"))),
                        ("changeset", text(CHANGESET)),
                        ("type", text("production")),
                        (
                            "formats",
                            Doc::List("format", vec![text("text/xml"), text("application/json")]),
                        ),
                    ])],
                ),
            ),
        ]),
    )
}

/// `GET /open311/discovery.{json|xml}`: where clients look for it first.
async fn discovery_at_root(
    State(state): State<AppState>,
    tr: Tr,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Response {
    match split_format(&file) {
        Some(("discovery", format)) => discovery(&state, &tr, &headers, format),
        _ => not_found(&tr, &file),
    }
}
