//! Public pages of the one-stop shop: the catalog and its search, a
//! service's published procedure, applying online, tracking, completing a
//! returned application, rating, the printable license and its public
//! verification. All work without JavaScript.

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use baladiya_app::AppError;
use baladiya_app::applications::ApplicationView;
use baladiya_domain::catalog::{Fee, FieldKind, Service, ServiceCode};
use baladiya_domain::country::{Country, Currency};
use baladiya_domain::org::OrgUnit;
use baladiya_domain::workflow::Status;
use baladiya_domain::{ErrorCode, FieldError};
use baladiya_store::NewDocument;
use serde::Deserialize;

use crate::http::auth::{Staff, visitor_csrf, visitor_csrf_ok};
use crate::http::client::Client;
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::{WebForm, WebQuery};
use crate::http::multipart::multipart_of;
use crate::http::state::AppState;
use crate::http::views::SummaryItem;
use crate::shop::api::{MAX_UPLOAD_BYTES, read_multipart, search};

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

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/services", get(services))
        .route("/services/{code}", get(service))
        .route(
            "/services/{code}/apply",
            get(apply_form)
                .post(apply)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route("/services/{code}/submitted/{key}", get(submitted))
        .route("/track", get(track_form).post(track))
        .route(
            "/track/resubmit",
            axum::routing::post(resubmit).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route("/track/rate", axum::routing::post(rate))
        .route("/licenses/{code}", get(license).post(holder_license))
        .route("/verify", get(verify_form))
        .route("/verify/{code}", get(verify))
}

/// An amount as people read it in the page's language.
pub fn money(tr: &Tr, minor: i64, currency: Currency) -> String {
    let text = crate::shop::views::amount(minor);
    if tr.lang() == "ar" {
        format!("{} {}", tr.digits(&text), currency.symbol_ar())
    } else {
        format!("{} {text}", currency.code())
    }
}

pub fn working_days(tr: &Tr, n: u32) -> String {
    tr.count("working-days", "days", i64::from(n))
}

fn fee_text(tr: &Tr, service: &Service) -> String {
    let currency = service.currency();
    match &service.fee {
        None => tr.t("fee-none"),
        Some(Fee::Fixed(minor)) => money(tr, *minor, currency),
        Some(Fee::Formula {
            base,
            terms,
            minimum,
            maximum,
        }) => {
            let mut parts: Vec<String> = terms
                .iter()
                .map(|t| {
                    let label = service
                        .field(&t.field)
                        .map_or(t.field.clone(), |f| f.label.get(tr.lang()).to_owned());
                    format!("{} × {label}", money(tr, t.rate, currency))
                })
                .collect();
            if *base > 0 {
                parts.push(money(tr, *base, currency));
            }
            let mut text = parts.join(" + ");
            text.push_str(&format!(
                "؛ {} {}",
                tr.t("fee-minimum"),
                money(tr, *minimum, currency)
            ));
            if let Some(max) = maximum {
                text.push_str(&format!(
                    "؛ {} {}",
                    tr.t("fee-maximum"),
                    money(tr, *max, currency)
                ));
            }
            if tr.lang() == "en" {
                text = text.replace('؛', ";");
            }
            text
        }
    }
}

#[derive(Debug)]
struct ServiceCard {
    code: String,
    name: String,
    description: String,
    country: String,
    sla: String,
    fee: String,
}

#[derive(Template)]
#[template(path = "services.html")]
struct ServicesPage<'a> {
    tr: &'a Tr,
    user: Option<&'a baladiya_app::Principal>,
    q: String,
    count_text: String,
    services: Vec<ServiceCard>,
}

#[derive(Deserialize)]
struct ServiceSearch {
    q: Option<String>,
    country: Option<String>,
}

async fn services(
    State(state): State<AppState>,
    tr: Tr,
    staff: Option<Staff>,
    WebQuery(query): WebQuery<ServiceSearch>,
) -> Response {
    let q = query.q.unwrap_or_default();
    let country = query
        .country
        .as_deref()
        .and_then(|c| Country::parse(c).ok());
    let found = search(
        &state,
        Some(q.as_str()).filter(|q| !q.trim().is_empty()),
        country,
    );
    let cards: Vec<ServiceCard> = found
        .iter()
        .map(|p| {
            let s = &p.service;
            ServiceCard {
                code: s.code.to_string(),
                name: s.name.get(tr.lang()).to_owned(),
                description: s.description.get(tr.lang()).to_owned(),
                country: tr.t(&format!("country-{}", s.country.code())),
                sla: working_days(&tr, s.sla_working_days),
                fee: fee_text(&tr, s),
            }
        })
        .collect();
    let user = staff.map(|s| s.0);
    page(
        ServicesPage {
            tr: &tr,
            user: user.as_ref(),
            count_text: tr.count("services-count", "count", cards.len() as i64),
            q,
            services: cards,
        }
        .render(),
    )
}

#[derive(Debug)]
struct StepLine {
    name: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "service.html")]
struct ServicePage<'a> {
    tr: &'a Tr,
    user: Option<&'a baladiya_app::Principal>,
    code: String,
    name: String,
    description: String,
    applicants: String,
    sla: String,
    fee: String,
    legal_basis: String,
    documents: Vec<String>,
    steps: Vec<StepLine>,
    /// Questions citizens ask about it, with their answers.
    questions: Vec<(String, String)>,
    /// Where its citizens ask: the centers of its country's units.
    centers: Vec<ContactCard>,
}

/// A technology center as a page shows it.
#[derive(Debug)]
pub struct ContactCard {
    pub name: String,
    pub phone: Option<(String, String)>,
    pub email: Option<String>,
    pub address: String,
    pub hours: String,
}

impl ContactCard {
    pub fn of(tr: &Tr, center: &baladiya_app::help::Center) -> Self {
        let lang = tr.lang();
        Self {
            name: center.name.get(lang).to_owned(),
            phone: center
                .phone
                .as_ref()
                .map(|p| (p.shown.clone(), p.dial.clone())),
            email: center.email.as_ref().map(|e| e.as_str().to_owned()),
            address: center.address.get(lang).to_owned(),
            hours: center.hours.get(lang).to_owned(),
        }
    }
}

async fn service(
    State(state): State<AppState>,
    tr: Tr,
    staff: Option<Staff>,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let published = state
        .app
        .service(&code)
        .ok_or(WebError::new(ErrorCode::NotFound))?;
    let s = &published.service;
    let lang = tr.lang();
    let documents = s
        .documents
        .iter()
        .map(|d| {
            let optional = if d.mandatory {
                String::new()
            } else {
                format!(" ({})", tr.t("optional"))
            };
            format!(
                "{}{optional} — {}",
                d.name.get(lang),
                d.types.join(", ").to_uppercase()
            )
        })
        .collect();
    let steps = s
        .procedure
        .steps()
        .iter()
        .map(|step| StepLine {
            name: step.name.get(lang).to_owned(),
            detail: format!(
                "{} · {}",
                step.kind
                    .departments()
                    .iter()
                    .map(|d| tr.term(&format!("department-{}", d.as_str()), Some(s.country)))
                    .collect::<Vec<_>>()
                    .join(tr.t("list-and").as_str()),
                working_days(&tr, step.sla_working_days)
            ),
        })
        .collect();
    let help = state.app.help();
    let questions = help
        .questions_for(s.code.as_str())
        .into_iter()
        .map(|q| {
            (
                q.question.get(lang).to_owned(),
                q.answer.get(lang).to_owned(),
            )
        })
        .collect();
    let units = units_for(&state, s).await?;
    let centers = help
        .centers
        .iter()
        .filter(|c| units.iter().any(|u| u.code.as_str() == c.unit))
        .map(|c| ContactCard::of(&tr, c))
        .collect();
    let user = staff.map(|s| s.0);
    Ok(page(
        ServicePage {
            tr: &tr,
            user: user.as_ref(),
            questions,
            centers,
            code: s.code.to_string(),
            name: s.name.get(lang).to_owned(),
            description: s.description.get(lang).to_owned(),
            applicants: s
                .applicants
                .iter()
                .map(|a| tr.t(&format!("applicant-{}", a.as_str())))
                .collect::<Vec<_>>()
                .join(tr.t("list-and").as_str()),
            sla: working_days(&tr, s.sla_working_days),
            fee: fee_text(&tr, s),
            legal_basis: s.legal_basis.get(lang).to_owned(),
            documents,
            steps,
        }
        .render(),
    ))
}

/// One input of a form, ready for `form_field.html`.
#[derive(Debug, Default)]
pub struct FieldInput {
    pub id: String,
    pub name: String,
    pub label: String,
    pub hint: Option<String>,
    pub input_type: &'static str,
    pub inputmode: Option<&'static str>,
    /// The WCAG 1.3.5 purpose of a personal field (`name`, `tel`, `email`).
    pub autocomplete: Option<&'static str>,
    pub ltr: bool,
    pub required: bool,
    pub value: String,
    pub error: Option<String>,
    pub options: Vec<(String, String)>,
}

#[derive(Debug)]
pub struct DocInput {
    pub id: String,
    pub name: String,
    pub label: String,
    pub hint: String,
    pub accept: String,
    pub mandatory: bool,
    pub error: Option<String>,
    /// A file of an earlier attempt of this form, kept for this one.
    pub held: Option<String>,
}

#[derive(Template)]
#[template(path = "apply.html")]
pub struct ApplyPage<'a> {
    pub tr: &'a Tr,
    pub user: Option<&'a baladiya_app::Principal>,
    pub heading: String,
    pub back: String,
    pub action: String,
    pub csrf: String,
    /// Names this submission (see [`crate::http::idempotency`]): a reload or a
    /// second click is answered with the first result.
    pub idempotency_key: String,
    pub errors: Vec<SummaryItem>,
    pub applicant: Vec<FieldInput>,
    pub fields: Vec<FieldInput>,
    pub documents: Vec<DocInput>,
    /// The fee, said before anything is sent.
    pub fee: String,
    /// Whether the form goes through "check your answers" (citizens) or
    /// is filed at once (staff at the counter).
    pub check_step: bool,
}

/// "Check your answers": the application form's answers and files as
/// they will be sent, with the fee; send, or go back and change them.
#[derive(Template)]
#[template(path = "apply_check.html")]
pub struct CheckPage<'a> {
    pub tr: &'a Tr,
    pub user: Option<&'a baladiya_app::Principal>,
    pub heading: String,
    pub action: String,
    pub csrf: String,
    pub idempotency_key: String,
    /// `(label, name, value as sent, value as shown)`.
    pub answers: Vec<(String, String, String, String)>,
    /// `(label, file name)`.
    pub documents: Vec<(String, String)>,
    pub fee: String,
}

impl<'a> CheckPage<'a> {
    pub fn of(form: &ApplyPage<'a>) -> CheckPage<'a> {
        let answers = form
            .applicant
            .iter()
            .chain(&form.fields)
            .filter(|f| !f.value.is_empty() || f.required)
            .map(|f| {
                let shown = f
                    .options
                    .iter()
                    .find(|(value, _)| *value == f.value)
                    .map_or_else(|| f.value.clone(), |(_, label)| label.clone());
                (f.label.clone(), f.name.clone(), f.value.clone(), shown)
            })
            .collect();
        CheckPage {
            tr: form.tr,
            user: form.user,
            heading: form.heading.clone(),
            action: form.action.clone(),
            csrf: form.csrf.clone(),
            idempotency_key: form.idempotency_key.clone(),
            answers,
            documents: form
                .documents
                .iter()
                .filter_map(|d| Some((d.label.clone(), d.held.clone()?)))
                .collect(),
            fee: form.fee.clone(),
        }
    }
}

/// Where a field error points: its input's id.
fn anchor(field: &str) -> String {
    if let Some(code) = field.strip_prefix("fields.") {
        format!("field-{code}")
    } else if let Some(code) = field.strip_prefix("documents.") {
        format!("document-{code}")
    } else {
        field.to_owned()
    }
}

pub fn doc_inputs(tr: &Tr, service: &Service, errors: &BTreeMap<String, String>) -> Vec<DocInput> {
    service
        .documents
        .iter()
        .map(|d| DocInput {
            id: format!("document-{}", d.code),
            name: format!("document.{}", d.code),
            label: d.name.get(tr.lang()).to_owned(),
            hint: format!(
                "{} · {} {}",
                d.types.join(", ").to_uppercase(),
                tr.t("max-size"),
                crate::shop::views::file_size(tr, i64::try_from(d.max_bytes).unwrap_or(i64::MAX))
            ),
            accept: d
                .types
                .iter()
                .map(|t| format!(".{t}"))
                .collect::<Vec<_>>()
                .join(","),
            mandatory: d.mandatory,
            error: errors.get(&format!("documents.{}", d.code)).cloned(),
            held: None,
        })
        .collect()
}

/// What an application form shows besides the service: where it posts,
/// its token, the units offered, and what was typed and refused.
pub struct FormState<'v> {
    pub action: String,
    pub csrf: String,
    pub idempotency_key: String,
    pub units: Vec<OrgUnit>,
    pub values: &'v BTreeMap<String, String>,
    pub errors: &'v [FieldError],
    /// Files kept from an earlier attempt of the form.
    pub held: &'v [NewDocument],
}

/// Builds every input of the application form of `service`, with the
/// values typed so far and the messages of their errors.
pub fn apply_page<'a>(
    tr: &'a Tr,
    user: Option<&'a baladiya_app::Principal>,
    service: &Service,
    form: FormState<'_>,
) -> ApplyPage<'a> {
    let FormState {
        action,
        csrf,
        idempotency_key,
        units,
        values,
        errors: field_errors,
        held,
    } = form;
    let lang = tr.lang();
    let errors: BTreeMap<String, String> = field_errors
        .iter()
        .map(|e| (e.field.clone(), tr.t(e.code)))
        .collect();
    let value = |name: &str| values.get(name).cloned().unwrap_or_default();
    let simple =
        |name: &str, label: &str, hint: Option<String>, input_type: &'static str, ltr: bool| {
            FieldInput {
                id: name.to_owned(),
                name: name.to_owned(),
                label: tr.term(label, Some(service.country)),
                hint,
                input_type,
                inputmode: (input_type == "tel" || name == "applicant_id").then_some("numeric"),
                autocomplete: match name {
                    "applicant_name" => Some("name"),
                    "applicant_phone" => Some("tel"),
                    "applicant_email" => Some("email"),
                    _ => None,
                },
                ltr,
                required: true,
                value: value(name),
                error: errors.get(name).cloned(),
                options: Vec::new(),
            }
        };
    let id_hint = if service.country == Country::Egypt {
        "hint-egypt-id"
    } else {
        "hint-saudi-id"
    };
    let phone_hint = if service.country == Country::Egypt {
        "hint-egypt-phone"
    } else {
        "hint-saudi-phone"
    };
    let applicant = vec![
        FieldInput {
            options: units
                .iter()
                .map(|u| (u.code.to_string(), u.name.get(lang).to_owned()))
                .collect(),
            ..simple(
                "unit",
                "apply-unit",
                Some(tr.t("apply-unit-hint")),
                "text",
                false,
            )
        },
        simple("applicant_name", "apply-name", None, "text", false),
        simple(
            "applicant_id",
            "apply-id",
            Some(tr.t(id_hint)),
            "text",
            true,
        ),
        simple(
            "applicant_phone",
            "apply-phone",
            Some(tr.t(phone_hint)),
            "tel",
            true,
        ),
        FieldInput {
            required: false,
            ..simple(
                "applicant_email",
                "apply-email",
                Some(tr.t("apply-email-hint")),
                "email",
                true,
            )
        },
    ];
    let fields: Vec<FieldInput> = service
        .fields
        .iter()
        .map(|f| {
            let name = format!("field.{}", f.code);
            let (input_type, inputmode, ltr) = match &f.kind {
                FieldKind::Number { .. } | FieldKind::Area { .. } => {
                    ("text", Some("decimal"), true)
                }
                FieldKind::Date => ("date", None, true),
                FieldKind::NationalId => ("text", Some("numeric"), true),
                FieldKind::Phone => ("tel", Some("tel"), true),
                FieldKind::GeoPoint => ("text", Some("decimal"), true),
                _ => ("text", None, false),
            };
            FieldInput {
                id: format!("field-{}", f.code),
                label: f.label.get(lang).to_owned(),
                hint: f.hint.as_ref().map(|h| h.get(lang).to_owned()),
                input_type,
                inputmode,
                autocomplete: None,
                ltr,
                required: f.required,
                value: values.get(&name).cloned().unwrap_or_default(),
                error: errors.get(&format!("fields.{}", f.code)).cloned(),
                options: match &f.kind {
                    FieldKind::Choice { options } => options
                        .iter()
                        .map(|o| (o.value.clone(), o.label.get(lang).to_owned()))
                        .collect(),
                    _ => Vec::new(),
                },
                name,
            }
        })
        .collect();
    let mut documents = doc_inputs(tr, service, &errors);
    for (input, requirement) in documents.iter_mut().zip(&service.documents) {
        input.held = held.iter().find(|h| h.code == requirement.code).map(|h| {
            format!(
                "{} · {}",
                h.file_name,
                crate::shop::views::file_size(tr, h.size_bytes)
            )
        });
    }
    // Each summary line names its field, so two "required" lines differ.
    let label_of = |id: &str| {
        applicant
            .iter()
            .chain(fields.iter())
            .find(|f| f.id == id)
            .map(|f| f.label.clone())
            .or_else(|| {
                documents
                    .iter()
                    .find(|d| d.id == id)
                    .map(|d| d.label.clone())
            })
    };
    let summary = field_errors
        .iter()
        .map(|e| {
            let id = anchor(&e.field);
            let message = match label_of(&id) {
                Some(label) => format!("{label}: {}", tr.t(e.code)),
                None => tr.t(e.code),
            };
            SummaryItem { field: id, message }
        })
        .collect();
    ApplyPage {
        tr,
        user,
        heading: format!("{}: {}", tr.t("apply-title"), service.name.get(lang)),
        back: format!("/services/{}", service.code),
        action,
        csrf,
        idempotency_key,
        errors: summary,
        applicant,
        fields,
        documents,
        fee: fee_text(tr, service),
        check_step: true,
    }
}

/// The units where a service can be applied for: its country's units.
pub async fn units_for(state: &AppState, service: &Service) -> Result<Vec<OrgUnit>, WebError> {
    let all = state.app.store.all_units().await.map_err(AppError::from)?;
    Ok(all
        .into_iter()
        .filter(|u| u.country() == service.country)
        .collect())
}

async fn apply_form(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
    staff: Option<Staff>,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let published = state
        .app
        .service(&code)
        .ok_or(WebError::new(ErrorCode::NotFound))?;
    // A signed-in citizen's verified number, as they write it.
    let mut values = BTreeMap::new();
    if let Some((citizen, _)) = crate::http::auth::citizen_of(&state, &jar).await?
        && let Some(local) = baladiya_domain::citizens::any_mobile(&citizen.mobile)
            .ok()
            .and_then(|m| m.local_in(published.service.country))
    {
        values.insert("applicant_phone".to_owned(), local);
    }
    let (jar, csrf) = visitor_csrf(jar, state.config.secure_cookies)?;
    let units = units_for(&state, &published.service).await?;
    let user = staff.map(|s| s.0);
    let body = apply_page(
        &tr,
        user.as_ref(),
        &published.service,
        FormState {
            action: format!("/services/{}/apply", published.service.code),
            csrf,
            idempotency_key: crate::http::idempotency::new_form_key(),
            units,
            values: &values,
            errors: &[],
            held: &[],
        },
    )
    .render();
    Ok((jar, page(body)).into_response())
}

#[derive(Template)]
#[template(path = "submitted.html")]
pub struct SubmittedPage<'a> {
    pub tr: &'a Tr,
    pub user: Option<&'a baladiya_app::Principal>,
    pub tracking: String,
    pub service: String,
    pub due: String,
    pub fee: Option<String>,
}

pub fn submitted_page<'a>(
    tr: &'a Tr,
    user: Option<&'a baladiya_app::Principal>,
    view: &ApplicationView,
) -> SubmittedPage<'a> {
    SubmittedPage {
        tr,
        user,
        tracking: view.record.tracking_number.clone(),
        service: view.service.name.get(tr.lang()).to_owned(),
        due: tr.date(view.record.due_on),
        fee: view
            .record
            .fee_minor
            .map(|m| money(tr, m, view.service.currency())),
    }
}

/// The values typed in a multipart form, by input name, to show again.
pub fn typed_values(parts: &crate::shop::api::FormParts) -> BTreeMap<String, String> {
    let s = &parts.submission;
    let mut values: BTreeMap<String, String> = s
        .fields
        .iter()
        .map(|(k, v)| (format!("field.{k}"), v.clone()))
        .collect();
    values.insert("unit".into(), s.unit.clone());
    values.insert("applicant_name".into(), s.applicant_name.clone());
    values.insert("applicant_id".into(), s.applicant_id.clone());
    values.insert("applicant_phone".into(), s.applicant_phone.clone());
    values.insert("applicant_email".into(), s.applicant_email.clone());
    values
}

async fn apply(
    State(state): State<AppState>,
    tr: Tr,
    Client(client): Client,
    jar: CookieJar,
    Path(code): Path<String>,
    request: Request,
) -> Result<Response, WebError> {
    let published = state
        .app
        .service(&code)
        .ok_or(WebError::new(ErrorCode::NotFound))?;
    let mut parts =
        read_multipart(&state, Some(&code), multipart_of(request, &state).await?).await?;
    if !visitor_csrf_ok(&jar, &parts.csrf) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    parts.submission.service = published.service.code.to_string();
    let values = typed_values(&parts);
    let (key, scoped) = crate::http::idempotency::form_key(&parts.idempotency_key);
    parts.submission.idempotency_key = Some(scoped.clone());
    let form = |state: &AppState, jar: CookieJar, errors: Vec<baladiya_domain::FieldError>| {
        let (values, key, scoped) = (&values, key.clone(), scoped.clone());
        let (state, tr, service) = (state.clone(), &tr, published.service.clone());
        async move {
            let held = state
                .app
                .store
                .held_documents(&scoped)
                .await
                .map_err(AppError::from)?;
            let units = units_for(&state, &service).await?;
            let (jar, csrf) = visitor_csrf(jar, state.config.secure_cookies)?;
            Ok::<_, WebError>((
                jar,
                apply_page(
                    tr,
                    None,
                    &service,
                    FormState {
                        action: format!("/services/{}/apply", service.code),
                        csrf,
                        idempotency_key: key,
                        units,
                        values,
                        errors: &errors,
                        held: &held,
                    },
                ),
            ))
        }
    };
    match parts.intent.as_str() {
        // Check your answers: everything checked, the files held, nothing
        // filed; the page shows the answers and sends them on.
        "check" => {
            return match state.app.check_submission(parts.submission, &client).await {
                Ok(()) => {
                    let (jar, filled) = form(&state, jar, Vec::new()).await?;
                    let body = CheckPage::of(&filled).render();
                    Ok((jar, page(body)).into_response())
                }
                Err(AppError::Invalid(errors)) => {
                    let (jar, filled) = form(&state, jar, errors).await?;
                    Ok(
                        (StatusCode::UNPROCESSABLE_ENTITY, jar, page(filled.render()))
                            .into_response(),
                    )
                }
                Err(other) => Err(other.into()),
            };
        }
        "change" => {
            let (jar, filled) = form(&state, jar, Vec::new()).await?;
            return Ok((jar, page(filled.render())).into_response());
        }
        _ => {}
    }
    match state.app.submit(parts.submission, None, &client).await {
        // Post, redirect, get: a reload shows the confirmation again and
        // files nothing (a second POST of the same form is answered with
        // the first application too).
        Ok(_) => Ok(Redirect::to(&submitted_url(&published.service.code, &key)).into_response()),
        Err(AppError::Invalid(errors)) => {
            let held = state
                .app
                .store
                .held_documents(&scoped)
                .await
                .map_err(AppError::from)?;
            let units = units_for(&state, &published.service).await?;
            let (jar, csrf) = visitor_csrf(jar, state.config.secure_cookies)?;
            let body = apply_page(
                &tr,
                None,
                &published.service,
                FormState {
                    action: format!("/services/{}/apply", published.service.code),
                    csrf,
                    idempotency_key: key,
                    units,
                    values: &values,
                    errors: &errors,
                    held: &held,
                },
            )
            .render();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, jar, page(body)).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// The confirmation page of the application a form made under `key`.
pub fn submitted_url(service: &ServiceCode, key: &str) -> String {
    format!("/services/{service}/submitted/{key}")
}

/// The confirmation of an application just made, found by its form's key:
/// shown again on a reload, for a day.
async fn submitted(
    State(state): State<AppState>,
    tr: Tr,
    staff: Option<Staff>,
    Path((code, key)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let view = state
        .app
        .submitted_application(&format!("form:{key}"))
        .await?;
    if view.service.code.as_str() != code {
        return Err(WebError::new(ErrorCode::NotFound));
    }
    let user = staff.map(|s| s.0);
    Ok(page(submitted_page(&tr, user.as_ref(), &view).render()).into_response())
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
#[template(path = "track.html")]
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
                let line = crate::shop::public::HistoryLine::new(tr, h);
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

#[derive(Template)]
#[template(path = "license.html")]
struct LicensePage<'a> {
    tr: &'a Tr,
    user: Option<&'a baladiya_app::Principal>,
    /// `license`, `permit` or `certificate`: the words on it follow.
    kind: &'static str,
    unit: String,
    service: String,
    service_other: String,
    holder: String,
    /// The public copy: the holder's name is masked and the application
    /// number left out.
    public_copy: bool,
    tracking: Option<String>,
    /// What the service grants, as the application stated it.
    details: Vec<(String, String)>,
    issued: String,
    valid_until: String,
    /// Saudi documents carry the Umm al-Qura dates beside the Gregorian.
    issued_hijri: Option<String>,
    valid_until_hijri: Option<String>,
    status: String,
    signatory: Option<String>,
    code: String,
    qr_svg: String,
    verify_url: String,
}

/// The QR code of a URL, as inline SVG.
pub(crate) fn qr_svg(text: &str) -> Result<String, WebError> {
    let code =
        qrcode::QrCode::new(text.as_bytes()).map_err(|_| WebError::new(ErrorCode::Internal))?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(180, 180)
        .dark_color(qrcode::render::svg::Color("#0b0c0c"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build())
}

/// The printable, bilingual license with its QR code.
/// The public copy of an issued document: anyone with its code (such as
/// from its QR code) sees it, with the holder's name masked. Staff who may
/// see the application get the full copy.
async fn license(
    State(state): State<AppState>,
    tr: Tr,
    headers: axum::http::HeaderMap,
    staff: Option<Staff>,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let issued = state.app.issued(&code).await?;
    let user = staff.map(|s| s.0);
    let full = match &user {
        Some(who) => state
            .app
            .application_for(who, &issued.application.record.tracking_number)
            .await
            .is_ok(),
        None => false,
    };
    license_page(&state, &tr, &headers, user.as_ref(), &issued, !full)
}

#[derive(Deserialize)]
struct HolderForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    tracking_number: String,
    #[serde(default)]
    proof: String,
}

/// The holder's own copy, asked from the tracking page with the same
/// proof: their name in full.
async fn holder_license(
    State(state): State<AppState>,
    tr: Tr,
    headers: axum::http::HeaderMap,
    Client(client): Client,
    jar: CookieJar,
    Path(code): Path<String>,
    WebForm(form): WebForm<HolderForm>,
) -> Result<Response, WebError> {
    if !visitor_csrf_ok(&jar, &form.csrf) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    let issued = state
        .app
        .issued_to_holder(&code, &form.tracking_number, &form.proof, &client)
        .await?;
    license_page(&state, &tr, &headers, None, &issued, false)
}

fn license_page(
    state: &AppState,
    tr: &Tr,
    headers: &axum::http::HeaderMap,
    user: Option<&baladiya_app::Principal>,
    issued: &baladiya_app::issuance::IssuedView,
    public_copy: bool,
) -> Result<Response, WebError> {
    let v = &issued.verification;
    let view = &issued.application;
    let verify_url = format!(
        "{}/verify/{}?s={}",
        crate::http::client::base_url(state, headers),
        v.code,
        v.signature
    );
    let lang = tr.lang();
    let saudi = view.service.country == Country::SaudiArabia;
    let body = LicensePage {
        tr,
        user,
        kind: view.service.issues.as_str(),
        unit: view.unit.name.get(lang).to_owned(),
        service: view.service.name.get(lang).to_owned(),
        service_other: view.service.name.get(tr.other_lang()).to_owned(),
        holder: if public_copy {
            v.holder_masked.clone()
        } else {
            view.record.applicant_name.clone()
        },
        public_copy,
        tracking: (!public_copy).then(|| view.record.tracking_number.clone()),
        details: document_details(tr, view),
        issued: tr.date(v.issued_on),
        valid_until: tr.date(v.valid_until),
        issued_hijri: saudi.then(|| tr.hijri(v.issued_on)),
        valid_until_hijri: saudi.then(|| tr.hijri(v.valid_until)),
        status: tr.t(&format!("license-{}", v.status)),
        signatory: issued.signatory.clone(),
        qr_svg: qr_svg(&verify_url)?,
        verify_url,
        code: v.code.clone(),
    }
    .render();
    let mut response = page(body).into_response();
    // The holder's copy names them: not kept by shared caches.
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// What a document grants, as its application stated it: every field of
/// the service but personal ones (ID and phone numbers), choices by their
/// label.
pub fn document_details(tr: &Tr, view: &ApplicationView) -> Vec<(String, String)> {
    shown_values(tr, view)
        .into_iter()
        .filter(|(kind, _, _)| !matches!(kind, FieldKind::NationalId | FieldKind::Phone))
        .map(|(_, label, value)| (label, value))
        .collect()
}

/// Each answered field of an application: its kind, label and value as
/// people read it (a choice by its label).
pub fn shown_values<'v>(
    tr: &Tr,
    view: &'v ApplicationView,
) -> Vec<(&'v FieldKind, String, String)> {
    let lang = tr.lang();
    let form: BTreeMap<String, String> =
        serde_json::from_str(&view.record.form).unwrap_or_default();
    view.service
        .fields
        .iter()
        .filter_map(|f| {
            let raw = form.get(&f.code)?;
            let shown = match &f.kind {
                FieldKind::Choice { options } => options
                    .iter()
                    .find(|o| &o.value == raw)
                    .map_or(raw.clone(), |o| o.label.get(lang).to_owned()),
                _ => raw.clone(),
            };
            Some((&f.kind, f.label.get(lang).to_owned(), shown))
        })
        .collect()
}

#[derive(Debug)]
struct VerifyResult {
    code: String,
    status: String,
    status_code: &'static str,
    signature: String,
    service: String,
    unit: String,
    holder: String,
    issued: String,
    valid_until: String,
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage<'a> {
    tr: &'a Tr,
    user: Option<&'a baladiya_app::Principal>,
    not_found: bool,
    result: Option<VerifyResult>,
}

#[derive(Deserialize)]
struct VerifyQuery {
    code: Option<String>,
    /// The signature printed in the QR code, if the visitor scanned one.
    s: Option<String>,
}

async fn verify_form(
    State(state): State<AppState>,
    tr: Tr,
    WebQuery(q): WebQuery<VerifyQuery>,
) -> Result<Response, WebError> {
    match q.code.filter(|c| !c.trim().is_empty()) {
        Some(code) => verify_page(&state, &tr, &code, q.s.as_deref()).await,
        None => Ok(page(
            VerifyPage {
                tr: &tr,
                user: None,
                not_found: false,
                result: None,
            }
            .render(),
        )),
    }
}

async fn verify(
    State(state): State<AppState>,
    tr: Tr,
    Path(code): Path<String>,
    WebQuery(q): WebQuery<VerifyQuery>,
) -> Result<Response, WebError> {
    verify_page(&state, &tr, &code, q.s.as_deref()).await
}

async fn verify_page(
    state: &AppState,
    tr: &Tr,
    code: &str,
    scanned: Option<&str>,
) -> Result<Response, WebError> {
    match state.app.verify(code).await {
        Ok(v) => {
            let lang = tr.lang();
            // A scanned signature must be the one on record.
            let genuine = v.signature_valid && scanned.is_none_or(|s| s == v.signature);
            let status_code = if genuine { v.status } else { "forged" };
            let result = VerifyResult {
                status: tr.t(&format!("license-{status_code}")),
                status_code,
                signature: tr.t(if genuine {
                    "verify-signature-ok"
                } else {
                    "verify-signature-bad"
                }),
                service: if lang == "ar" {
                    v.service_ar
                } else {
                    v.service_en
                },
                unit: if lang == "ar" { v.unit_ar } else { v.unit_en },
                holder: v.holder_masked,
                issued: tr.date(v.issued_on),
                valid_until: tr.date(v.valid_until),
                code: v.code,
            };
            Ok(checked(tr, Some(result)))
        }
        Err(AppError::NotFound) => certificate_page(state, tr, code).await,
        Err(other) => Err(other.into()),
    }
}

/// The verification page with what a code showed (`None`: no such code,
/// answered 404).
fn checked(tr: &Tr, result: Option<VerifyResult>) -> Response {
    let not_found = result.is_none();
    let body = page(
        VerifyPage {
            tr,
            user: None,
            not_found,
            result,
        }
        .render(),
    );
    if not_found {
        (StatusCode::NOT_FOUND, body).into_response()
    } else {
        body
    }
}

/// The same check for a training certificate's code: the course, the
/// center, the holder's initials, the day it was issued.
async fn certificate_page(state: &AppState, tr: &Tr, code: &str) -> Result<Response, WebError> {
    match state.app.verify_certificate(code).await {
        Ok(check) => {
            let c = check.certificate;
            let ar = tr.lang() == "ar";
            let status_code = if check.signature_valid {
                check.status
            } else {
                "forged"
            };
            let result = VerifyResult {
                status: tr.t(&format!("license-{status_code}")),
                status_code,
                signature: tr.t(if check.signature_valid {
                    "verify-signature-ok"
                } else {
                    "verify-signature-bad"
                }),
                service: if ar {
                    c.course_name_ar
                } else {
                    c.course_name_en
                },
                unit: if ar {
                    c.center_name_ar
                } else {
                    c.center_name_en
                },
                holder: baladiya_app::applications::mask_name(&c.holder_name),
                issued: tr.date(c.issued_on),
                valid_until: tr.t("verify-no-expiry"),
                code: c.verification_code,
            };
            Ok(checked(tr, Some(result)))
        }
        Err(AppError::NotFound) => Ok(checked(tr, None)),
        Err(other) => Err(other.into()),
    }
}
