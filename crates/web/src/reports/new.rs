//! The report form: the map and location, a photo, the category's own
//! questions and possible duplicates nearby; filing once, and the page
//! that says the report was received.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use baladiya_app::reports::{Intake, ReportInput};
use baladiya_app::{AppError, Principal};
use baladiya_domain::ErrorCode;
use baladiya_domain::reports::{AttributeType, ReportCategory};
use serde::Deserialize;

use super::map::{MAX_FORM_BYTES, category_options, mapped_units};
use super::report::ReportPageQuery;
use crate::drawing::maps::{MapSettings, map_settings, with_map_policy};
use crate::http::auth::{Staff, same_secret, visitor_csrf, visitor_csrf_ok};
use crate::http::client::Client;
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::path_id;
use crate::http::json::{WebQuery, forbidden_in_pairs, printable, refuse};
use crate::http::multipart::{read_bytes, read_text};
use crate::http::state::AppState;
use crate::http::views::SummaryItem;
use crate::http::views::{Options, unit_options};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/reports/new",
            get(new_form)
                .post(submit)
                .layer(DefaultBodyLimit::max(MAX_FORM_BYTES)),
        )
        .route("/reports/{id}/received", get(received))
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
    let submitted = state.app.submitted_report(path_id(&id)?).await?;
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
