//! Applying online: the service's form with its documents, the "check
//! your answers" page, filing once (the form's idempotency key) and the
//! page that says it was received.

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
use baladiya_domain::catalog::{FieldKind, Service, ServiceCode};
use baladiya_domain::country::Country;
use baladiya_domain::org::OrgUnit;
use baladiya_domain::{ErrorCode, FieldError};
use baladiya_store::NewDocument;

use super::catalog::{fee_text, money};
use crate::http::auth::{Staff, visitor_csrf, visitor_csrf_ok};
use crate::http::client::Client;
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::multipart::multipart_of;
use crate::http::state::AppState;
use crate::http::views::SummaryItem;
use crate::shop::api::{MAX_UPLOAD_BYTES, read_multipart};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/services/{code}/apply",
            get(apply_form)
                .post(apply)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route("/services/{code}/submitted/{key}", get(submitted))
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
#[template(path = "shop/apply.html")]
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
#[template(path = "shop/apply_check.html")]
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
#[template(path = "shop/submitted.html")]
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
