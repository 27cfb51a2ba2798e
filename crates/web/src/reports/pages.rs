//! Public pages of citizen reports: the map with a list that works without
//! JavaScript, the report form (map, location, photo, the category's
//! questions, possible duplicates), and a report's page with following and
//! the reporter's confirmation. Also what the staff pages
//! (`staff_reports.rs`) share with them: rows, report details, history.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use baladiya_app::reports::{Intake, ReportInput, stored_answers};
use baladiya_app::{AppError, Principal};
use baladiya_domain::ErrorCode;
use baladiya_domain::org::{OrgUnit, UnitCode};
use baladiya_domain::reports::lifecycle::{ReportAction, ReportState, ReportStatus, apply};
use baladiya_domain::reports::{AttributeType, ReportCategory};
use baladiya_domain::text::redact_contacts;
use baladiya_store::{PublicReport, ReportRecord};
use serde::Deserialize;

use crate::drawing::maps::{MapSettings, map_settings, with_map_policy};
use crate::http::auth::{Staff, same_secret, urlencode, visitor_csrf, visitor_csrf_ok};
use crate::http::client::Client;
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::{WebForm, WebQuery, forbidden_in_pairs, printable, refuse};
use crate::http::multipart::{read_bytes, read_text};
use crate::http::state::AppState;
use crate::http::views::{Options, unit_options};
use crate::http::views::{SummaryItem, date_time};
use crate::reports::api::{report_id, reporter_action_named};
use crate::reports::open_data::ExportQuery;

/// Largest report form: a photo at its maximum and the text fields.
const MAX_FORM_BYTES: usize = baladiya_app::photos::MAX_PHOTO_BYTES + 256 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports", get(map_page))
        .route(
            "/reports/new",
            get(new_form)
                .post(submit)
                .layer(DefaultBodyLimit::max(MAX_FORM_BYTES)),
        )
        .route("/reports/{id}", get(report_page))
        .route("/reports/{id}/received", get(received))
        .route("/reports/{id}/follow", post(follow))
        .route("/reports/{id}/reporter", post(reporter))
}

pub(crate) fn status_label(tr: &Tr, status: ReportStatus) -> String {
    tr.t(&format!("report-status-{}", status.as_str()))
}

fn category_name(tr: &Tr, categories: &[ReportCategory], code: &str) -> String {
    categories
        .iter()
        .find(|c| c.code == code)
        .map_or_else(|| code.to_owned(), |c| c.name.get(tr.lang()).to_owned())
}

/// One report in a list.
pub struct Row {
    pub id: i64,
    pub category: String,
    pub status: &'static str,
    pub status_label: String,
    pub unit: String,
    pub requested: String,
    pub address: String,
}

pub(crate) fn rows(tr: &Tr, state: &AppState, reports: &[PublicReport]) -> Vec<Row> {
    let categories = state.app.report_categories();
    reports
        .iter()
        .map(|r| Row {
            id: r.id,
            category: category_name(tr, &categories, &r.category_code),
            status: r.status.as_str(),
            status_label: status_label(tr, r.status),
            unit: r.unit_code.clone(),
            requested: date_time(tr, r.requested_at),
            address: r.address.clone().unwrap_or_default(),
        })
        .collect()
}

fn category_options(tr: &Tr, state: &AppState, chosen: &str) -> Options {
    state
        .app
        .report_categories()
        .iter()
        .map(|c| {
            (
                c.code.clone(),
                c.name.get(tr.lang()).to_owned(),
                c.code == chosen,
            )
        })
        .collect()
}

fn status_options(tr: &Tr, chosen: &str) -> Options {
    let mut options = vec![
        (
            "open".to_owned(),
            tr.t("report-filter-open"),
            chosen == "open",
        ),
        (
            "closed".to_owned(),
            tr.t("report-filter-closed"),
            chosen == "closed",
        ),
    ];
    options.extend(ReportStatus::ALL.iter().map(|s| {
        (
            s.as_str().to_owned(),
            status_label(tr, *s),
            s.as_str() == chosen,
        )
    }));
    options
}

/// Units that have a boundary (so reports can fall in them).
async fn mapped_units(state: &AppState) -> Result<Vec<OrgUnit>, WebError> {
    let mapped: Vec<String> = state
        .app
        .store
        .boundaries()
        .await
        .map_err(AppError::from)?
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    Ok(state
        .app
        .store
        .all_units()
        .await
        .map_err(AppError::from)?
        .into_iter()
        .filter(|u| mapped.iter().any(|c| c == u.code.as_str()))
        .collect())
}

#[derive(Template)]
#[template(path = "reports/reports_map.html")]
struct MapPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    map: MapSettings,
    categories: Options,
    statuses: Options,
    units: Options,
    /// The filters as a query string, for the map data and downloads.
    query: String,
    rows: Vec<Row>,
    count_text: String,
    page: i64,
    more: bool,
    /// (status, symbol, label): the map's pins differ by symbol as well as
    /// by colour.
    legend: Vec<(&'static str, &'static str, String)>,
}

/// The symbol of a report's status on maps and in their legend, so that
/// status is not told by colour alone.
pub(crate) fn status_symbol(status: ReportStatus) -> &'static str {
    match status {
        ReportStatus::Open => "!",
        ReportStatus::Acknowledged => "●",
        ReportStatus::InProgress => "◐",
        ReportStatus::Resolved => "✓",
        ReportStatus::Duplicate => "=",
        ReportStatus::Rejected => "✕",
    }
}

fn export_query_string(q: &ExportQuery) -> String {
    [
        ("service_code", &q.service_code),
        ("status", &q.status),
        ("unit", &q.unit),
        ("from", &q.from),
        ("to", &q.to),
    ]
    .iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| format!("{k}={}", urlencode(v)))
    .collect::<Vec<_>>()
    .join("&")
}

/// Rows shown in the no-JavaScript list, per page.
const LIST_PAGE: usize = 100;

async fn map_page(
    State(state): State<AppState>,
    tr: Tr,
    staff: Option<Staff>,
    WebQuery(q): WebQuery<ExportQuery>,
) -> Result<Response, WebError> {
    let user = staff.map(|s| s.0);
    let page_number = q.page.unwrap_or(1).max(1);
    let mut query = q.to_query(&state.app).await?;
    query.limit = LIST_PAGE as i64 + 1;
    query.offset = (page_number - 1) * LIST_PAGE as i64;
    let mut found = state.app.search_reports(query).await?;
    let more = found.len() > LIST_PAGE;
    found.truncate(LIST_PAGE);
    let units = mapped_units(&state).await?;
    let body = MapPage {
        tr: &tr,
        user: user.as_ref(),
        map: map_settings(&state),
        categories: category_options(&tr, &state, &q.service_code),
        statuses: status_options(&tr, &q.status),
        units: unit_options(&tr, &units, &q.unit),
        query: export_query_string(&q),
        count_text: tr.count("reports-count", "count", found.len() as i64),
        rows: rows(&tr, &state, &found),
        page: page_number,
        more,
        legend: ReportStatus::ALL
            .into_iter()
            .map(|s| (s.as_str(), status_symbol(s), status_label(&tr, s)))
            .collect(),
    }
    .render();
    Ok(with_map_policy(&state, page(body)))
}

/// One question of a category, as a form input.
pub struct Question {
    pub name: String,
    pub id: String,
    pub label: String,
    pub kind: &'static str,
    pub required: bool,
    /// `(key, label, chosen)` for lists.
    pub options: Vec<(String, String, bool)>,
    pub value: String,
    pub error: Option<String>,
}

pub struct CategoryQuestions {
    pub code: String,
    pub questions: Vec<Question>,
}

/// What the reporter typed, to show again after an error.
#[derive(Debug, Default)]
struct Typed {
    csrf: String,
    /// The form's idempotency key (see [`crate::http::idempotency`]).
    idempotency_key: String,
    input: ReportInput,
    /// `(category, code, value)` answers from the form.
    answers: Vec<(String, String, String)>,
}

fn questions(
    tr: &Tr,
    categories: &[ReportCategory],
    typed: &Typed,
    errors: &[baladiya_domain::FieldError],
) -> Vec<CategoryQuestions> {
    categories
        .iter()
        .filter(|c| !c.attributes.is_empty())
        .map(|c| CategoryQuestions {
            code: c.code.clone(),
            questions: c
                .attributes
                .iter()
                .map(|a| {
                    let chosen: Vec<&str> = typed
                        .answers
                        .iter()
                        .filter(|(cat, code, _)| *cat == c.code && *code == a.code)
                        .map(|(_, _, v)| v.as_str())
                        .collect();
                    let field = baladiya_domain::reports::answers::field_name(&a.code);
                    Question {
                        name: format!("attribute.{}.{}", c.code, a.code),
                        id: format!("attribute-{}-{}", c.code, a.code),
                        label: a.description.get(tr.lang()).to_owned(),
                        kind: match a.datatype {
                            AttributeType::SingleValueList => "select",
                            AttributeType::MultiValueList => "checkboxes",
                            AttributeType::Number => "number",
                            AttributeType::Datetime => "datetime-local",
                            AttributeType::Text => "textarea",
                            AttributeType::String => "text",
                        },
                        required: a.required,
                        options: a
                            .values
                            .iter()
                            .map(|(key, name)| {
                                (
                                    key.clone(),
                                    name.get(tr.lang()).to_owned(),
                                    chosen.contains(&key.as_str()),
                                )
                            })
                            .collect(),
                        value: chosen.first().copied().unwrap_or_default().to_owned(),
                        error: (typed.input.service_code == c.code)
                            .then(|| errors.iter().find(|e| e.field == field))
                            .flatten()
                            .map(|e| tr.t(e.code)),
                    }
                })
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "reports/report_new.html")]
struct NewReportPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    map: MapSettings,
    csrf: String,
    idempotency_key: String,
    /// `("@lat,lon", name)` of the landmarks the map can move to.
    landmarks: Vec<(String, String)>,
    categories: Options,
    units: Options,
    questions: Vec<CategoryQuestions>,
    input: ReportInput,
    errors: Vec<SummaryItem>,
    /// Field name → message.
    field_errors: std::collections::BTreeMap<String, String>,
}

/// The id of the input a field error points to.
fn anchor(field: &str) -> String {
    match field {
        "service_code" | "lat" | "long" | "description" | "email" | "phone" => field.to_owned(),
        "address_string" => "address".to_owned(),
        "first_name" => "name".to_owned(),
        "media" => "photo".to_owned(),
        other => other
            .strip_prefix("attribute[")
            .and_then(|c| c.strip_suffix(']'))
            .map_or_else(|| "service_code".to_owned(), |c| format!("attribute-{c}")),
    }
}

async fn render_form(
    state: &AppState,
    tr: &Tr,
    user: Option<&Principal>,
    typed: &Typed,
    errors: &[baladiya_domain::FieldError],
) -> Result<String, WebError> {
    let categories = state.app.report_categories();
    let units = mapped_units(state).await?;
    let summary = errors
        .iter()
        .map(|e| SummaryItem {
            field: match anchor(&e.field) {
                a if a.starts_with("attribute-") => {
                    format!("attribute-{}-{}", typed.input.service_code, &a[10..])
                }
                a => a,
            },
            message: tr.t(e.code),
        })
        .collect();
    let body = NewReportPage {
        tr,
        user,
        map: map_settings(state),
        csrf: typed.csrf.clone(),
        idempotency_key: typed.idempotency_key.clone(),
        landmarks: state
            .app
            .landmarks()
            .iter()
            .map(|l| {
                (
                    format!("@{},{}", l.location.lat(), l.location.lon()),
                    l.name.get(tr.lang()).to_owned(),
                )
            })
            .collect(),
        categories: category_options(tr, state, &typed.input.service_code),
        units: unit_options(tr, &units, ""),
        questions: questions(tr, &categories, typed, errors),
        input: typed.input.clone(),
        errors: summary,
        field_errors: errors
            .iter()
            .map(|e| (anchor(&e.field), tr.t(e.code)))
            .collect(),
    }
    .render()
    .map_err(|e| {
        tracing::error!(%e, "rendering the report form");
        WebError::new(ErrorCode::Internal)
    })?;
    Ok(body)
}

#[derive(Deserialize)]
struct NewQuery {
    #[serde(default)]
    service_code: String,
}

async fn new_form(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
    staff: Option<Staff>,
    WebQuery(q): WebQuery<NewQuery>,
) -> Result<Response, WebError> {
    let user = staff.map(|s| s.0);
    let (jar, csrf) = visitor_csrf(jar, state.config.secure_cookies)?;
    let typed = Typed {
        csrf,
        idempotency_key: crate::http::idempotency::new_form_key(),
        input: ReportInput {
            service_code: q.service_code,
            ..ReportInput::default()
        },
        answers: Vec::new(),
    };
    let body = render_form(&state, &tr, user.as_ref(), &typed, &[]).await?;
    Ok(with_map_policy(
        &state,
        (jar, page(Ok(body))).into_response(),
    ))
}

/// Reads the report form, streamed: the photo refused (`413`) as soon as
/// it passes the largest photo accepted, text holding forbidden characters
/// refused with a field error naming the field.
async fn read_form(mut multipart: Multipart) -> Result<Typed, WebError> {
    let mut typed = Typed::default();
    let mut refused = Vec::new();
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| WebError::new(ErrorCode::MalformedBody))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "photo" {
            let bytes = read_bytes(&mut field, baladiya_app::photos::MAX_PHOTO_BYTES).await?;
            if !bytes.is_empty() {
                typed.input.photo = Some(bytes);
            }
            continue;
        }
        let text = read_text(&mut field).await?;
        refused.extend(forbidden_in_pairs(&[(name.clone(), text.clone())]));
        let input = &mut typed.input;
        match name.as_str() {
            "csrf" => typed.csrf = text,
            "idempotency_key" => typed.idempotency_key = text,
            "service_code" => input.service_code = text,
            "lat" => input.lat = text,
            "long" => input.long = text,
            "address" => input.address = text,
            "description" => input.description = text,
            "name" => input.first_name = text,
            "email" => input.email = text,
            "phone" => input.phone = text,
            other => match other
                .strip_prefix("attribute.")
                .and_then(|rest| rest.split_once('.'))
            {
                Some((category, code)) => {
                    typed
                        .answers
                        .push((category.to_owned(), code.to_owned(), text));
                }
                None => return Err(WebError::field(&printable(other), "field-unknown")),
            },
        }
    }
    refuse(refused)?;
    typed.input.attributes = typed
        .answers
        .iter()
        .filter(|(category, _, _)| *category == typed.input.service_code)
        .map(|(_, code, value)| (code.clone(), value.clone()))
        .collect();
    Ok(typed)
}

#[derive(Template)]
#[template(path = "reports/report_received.html")]
struct ReceivedPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    id: i64,
    /// The reporter's private key, for their link.
    key: String,
    category: String,
    unit: String,
    notified: bool,
}

async fn submit(
    State(state): State<AppState>,
    tr: Tr,
    Client(client): Client,
    jar: CookieJar,
    staff: Option<Staff>,
    request: Request,
) -> Result<Response, WebError> {
    let user = staff.map(|s| s.0);
    let multipart = crate::http::multipart::multipart_of(request, &state).await?;
    let mut typed = read_form(multipart).await?;
    let csrf_ok = match &user {
        Some(who) => {
            same_secret(&who.csrf_token, &typed.csrf) || visitor_csrf_ok(&jar, &typed.csrf)
        }
        None => visitor_csrf_ok(&jar, &typed.csrf),
    };
    if !csrf_ok {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    let intake = match &user {
        Some(who) => Intake::Staff(who),
        None => Intake::Web { client: &client },
    };
    let (key, scoped) = crate::http::idempotency::form_key(&typed.idempotency_key);
    typed.idempotency_key = key;
    typed.input.idempotency_key = Some(scoped);
    match state.app.submit_report(typed.input.clone(), intake).await {
        // Post, redirect, get: a reload shows the acknowledgement again
        // and files nothing.
        Ok(submitted) => Ok(Redirect::to(&format!(
            "/reports/{}/received?key={}",
            submitted.id, submitted.token
        ))
        .into_response()),
        Err(AppError::Invalid(errors)) => {
            typed.input.photo = None;
            let (jar, csrf) = visitor_csrf(jar, state.config.secure_cookies)?;
            typed.csrf = csrf;
            let body = render_form(&state, &tr, user.as_ref(), &typed, &errors).await?;
            Ok(with_map_policy(
                &state,
                (StatusCode::UNPROCESSABLE_ENTITY, jar, page(Ok(body))).into_response(),
            ))
        }
        Err(other) => Err(other.into()),
    }
}

/// The acknowledgement of a report just made, for its reporter (the
/// private key of the report is the proof).
async fn received(
    State(state): State<AppState>,
    tr: Tr,
    staff: Option<Staff>,
    Path(id): Path<String>,
    WebQuery(q): WebQuery<ReportPageQuery>,
) -> Result<Response, WebError> {
    let submitted = state.app.submitted_report(report_id(&id)?).await?;
    if !q
        .key
        .as_deref()
        .is_some_and(|key| same_secret(key, &submitted.token))
    {
        return Err(WebError::new(ErrorCode::NotFound));
    }
    let user = staff.map(|s| s.0);
    let body = ReceivedPage {
        tr: &tr,
        user: user.as_ref(),
        id: submitted.id,
        key: submitted.token.clone(),
        category: submitted.category.name.get(tr.lang()).to_owned(),
        unit: submitted.unit.name.get(tr.lang()).to_owned(),
        notified: submitted.notified,
    }
    .render();
    let mut response = page(body).into_response();
    // A private link must not travel on in a Referer header.
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    Ok(response)
}

/// One line of a report's history.
pub struct HistoryLine {
    pub at: String,
    pub what: String,
    pub note: String,
    pub actor: String,
}

pub(crate) async fn history(
    state: &AppState,
    tr: &Tr,
    id: i64,
    with_actors: bool,
) -> Result<Vec<HistoryLine>, WebError> {
    Ok(state
        .app
        .report_history(id)
        .await?
        .iter()
        .map(|h| {
            let detail: serde_json::Value = serde_json::from_str(&h.detail).unwrap_or_default();
            let action = h.action.strip_prefix("report.").unwrap_or(&h.action);
            let mut what = tr.t(&format!("report-event-{action}"));
            if let Some(other) = detail["duplicate_of"]
                .as_i64()
                .filter(|_| action == "merge")
            {
                what = format!("{what} #{other}");
            }
            if let Some(other) = detail["duplicate"].as_i64() {
                what = format!("{what} #{other}");
            }
            HistoryLine {
                at: date_time(tr, h.at),
                what,
                note: detail["note"].as_str().unwrap_or_default().to_owned(),
                actor: if with_actors {
                    h.actor_name.clone().unwrap_or_default()
                } else {
                    String::new()
                },
            }
        })
        .collect())
}

/// What a report page shows of a report.
pub struct ReportView {
    pub id: i64,
    pub category: String,
    pub status: &'static str,
    pub status_label: String,
    pub status_note: String,
    pub unit: String,
    pub department: String,
    pub requested: String,
    pub expected: String,
    pub address: String,
    pub description: String,
    pub lat: String,
    pub lon: String,
    pub has_photo: bool,
    pub media_url: String,
    pub duplicate_of: Option<i64>,
    /// `(question, answer)` in the reader's language.
    pub answers: Vec<(String, String)>,
    pub version: i64,
}

pub(crate) async fn report_view(
    state: &AppState,
    tr: &Tr,
    r: &ReportRecord,
) -> Result<ReportView, WebError> {
    let category = state.app.report_category(&r.category_code);
    let unit = match UnitCode::parse(&r.unit_code) {
        Ok(code) => state
            .app
            .store
            .unit_by_code(&code)
            .await
            .map_err(AppError::from)?,
        Err(_) => None,
    };
    let answers = stored_answers(r)
        .into_iter()
        .filter_map(|(code, values)| {
            let attribute = category
                .as_ref()?
                .attributes
                .iter()
                .find(|a| a.code == code)?;
            let shown: Vec<String> = values
                .iter()
                .map(|v| {
                    attribute
                        .values
                        .iter()
                        .find(|(key, _)| key == v)
                        .map_or_else(|| v.clone(), |(_, name)| name.get(tr.lang()).to_owned())
                })
                .collect();
            Some((
                attribute.description.get(tr.lang()).to_owned(),
                shown.join("، "),
            ))
        })
        .collect();
    Ok(ReportView {
        id: r.id,
        category: category.as_ref().map_or_else(
            || r.category_code.clone(),
            |c| c.name.get(tr.lang()).to_owned(),
        ),
        status: r.status.as_str(),
        status_label: status_label(tr, r.status),
        status_note: r.status_note.clone().unwrap_or_default(),
        unit: unit
            .as_ref()
            .map_or_else(|| r.unit_code.clone(), |u| u.name.get(tr.lang()).to_owned()),
        department: tr.term(
            &format!("department-{}", r.department.as_str()),
            unit.as_ref().map(|u| u.country()),
        ),
        requested: date_time(tr, r.requested_at),
        expected: tr.date(r.expected_on),
        address: r.address.clone().unwrap_or_default(),
        description: redact_contacts(&r.description),
        lat: format!("{:.6}", r.lat),
        lon: format!("{:.6}", r.lon),
        has_photo: r.photo_key.is_some(),
        media_url: r.media_url.clone().unwrap_or_default(),
        duplicate_of: r.duplicate_of,
        answers,
        version: r.version,
    })
}

#[derive(Template)]
#[template(path = "reports/report.html")]
struct ReportPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    map: MapSettings,
    report: ReportView,
    history: Vec<HistoryLine>,
    can_confirm: bool,
    can_reopen: bool,
    shown: Shown,
}

/// What a report page shows beside the report: its forms' token, a notice
/// after an action, form errors, and the reporter's key when the page was
/// opened through their private link.
#[derive(Default)]
struct Shown {
    csrf: String,
    notice: Option<String>,
    errors: Vec<SummaryItem>,
    reporter_key: Option<String>,
}

#[derive(Deserialize)]
struct ReportPageQuery {
    done: Option<String>,
    /// The reporter's private key (their link).
    key: Option<String>,
}

async fn report_page(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
    staff: Option<Staff>,
    Path(id): Path<String>,
    WebQuery(q): WebQuery<ReportPageQuery>,
) -> Result<Response, WebError> {
    let user = staff.map(|s| s.0);
    let (jar, csrf) = visitor_csrf(jar, state.config.secure_cookies)?;
    let notice = match q.done.as_deref() {
        Some("followed") => Some(tr.t("report-notice-followed")),
        Some("confirm") => Some(tr.t("report-notice-confirmed")),
        Some("reopen") => Some(tr.t("report-notice-reopened")),
        _ => None,
    };
    let shown = Shown {
        csrf,
        notice,
        errors: Vec::new(),
        reporter_key: q.key,
    };
    let body = public_report(&state, &tr, user.as_ref(), report_id(&id)?, shown).await?;
    let mut response = with_map_policy(&state, (jar, page(Ok(body))).into_response());
    // A private link must not travel on in a Referer header.
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    Ok(response)
}

async fn public_report(
    state: &AppState,
    tr: &Tr,
    user: Option<&Principal>,
    id: i64,
    mut shown: Shown,
) -> Result<String, WebError> {
    let record = state.app.report(id).await?;
    // Only a key that is this report's is kept (and put in the form).
    shown.reporter_key = shown
        .reporter_key
        .filter(|key| baladiya_app::auth::same_secret(&record.token, key));
    let now = ReportState {
        status: record.status,
        reopened: record.reopened,
        confirmed: record.confirmed,
    };
    ReportPage {
        tr,
        user,
        map: map_settings(state),
        report: report_view(state, tr, &record).await?,
        history: history(state, tr, id, false).await?,
        can_confirm: apply(now, &ReportAction::Confirm).is_ok(),
        can_reopen: apply(now, &ReportAction::Reopen).is_ok(),
        shown,
    }
    .render()
    .map_err(|e| {
        tracing::error!(%e, "rendering a report");
        WebError::new(ErrorCode::Internal)
    })
}

#[derive(Deserialize)]
struct ReporterForm {
    csrf: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    note: String,
}

/// Runs a reporter's form; on a field error the page is shown again with it.
async fn reporter_form(
    state: &AppState,
    tr: &Tr,
    jar: CookieJar,
    id: i64,
    form: &ReporterForm,
    done: &str,
    result: Result<(), AppError>,
) -> Result<Response, WebError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/reports/{id}?done={done}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let (jar, csrf) = visitor_csrf(jar, state.config.secure_cookies)?;
            let errors = errors
                .iter()
                .map(|e| SummaryItem {
                    field: if e.field == "contact" {
                        "contact-follow".to_owned()
                    } else {
                        "confirm".to_owned()
                    },
                    message: tr.t(e.code),
                })
                .collect();
            let shown = Shown {
                csrf,
                notice: None,
                errors,
                reporter_key: Some(form.key.clone()),
            };
            let body = public_report(state, tr, None, id, shown).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, jar, page(Ok(body))).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

async fn follow(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
    Path(id): Path<String>,
    WebForm(form): WebForm<ReporterForm>,
) -> Result<Response, WebError> {
    if !visitor_csrf_ok(&jar, &form.csrf) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    let id = report_id(&id)?;
    let result = state.app.follow_report(id, &form.contact).await.map(|_| ());
    reporter_form(&state, &tr, jar, id, &form, "followed", result).await
}

async fn reporter(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
    Path(id): Path<String>,
    WebForm(form): WebForm<ReporterForm>,
) -> Result<Response, WebError> {
    if !visitor_csrf_ok(&jar, &form.csrf) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    let id = report_id(&id)?;
    let action = reporter_action_named(&form.action)?;
    let result = state
        .app
        .reporter_action(id, &form.key, action, &form.note)
        .await
        .map(|_| ());
    reporter_form(&state, &tr, jar, id, &form, &form.action, result).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::i18n::{I18n, Lang};

    /// Keys built at run time (statuses, events, actions, channels, ages)
    /// exist in both languages.
    #[test]
    fn every_computed_key_is_translated() {
        let i18n = I18n::load().expect("translations load");
        let mut keys: Vec<String> = ReportStatus::ALL
            .iter()
            .map(|s| format!("report-status-{}", s.as_str()))
            .collect();
        for action in [
            ReportAction::Acknowledge,
            ReportAction::Start,
            ReportAction::Resolve,
            ReportAction::Reject,
            ReportAction::MergeInto(1),
            ReportAction::Confirm,
            ReportAction::Reopen,
        ] {
            keys.push(format!("report-event-{}", action.name()));
            if action.by_staff() {
                keys.push(format!("report-action-{}", action.name()));
            }
        }
        keys.extend(["submitted", "merged_in"].map(|e| format!("report-event-{e}")));
        keys.extend(["web", "api", "staff", "sensor"].map(|c| format!("report-channel-{c}")));
        keys.extend((0..4).map(|i| format!("report-age-{i}")));
        keys.extend(
            baladiya_domain::org::DepartmentKind::ALL.map(|d| format!("department-{}", d.as_str())),
        );
        for lang in [Lang::Ar, Lang::En] {
            for key in &keys {
                assert!(i18n.has(lang, key), "{key} in {lang:?}");
            }
        }
    }
}
