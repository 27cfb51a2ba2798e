//! The printable license and its public verification by code or QR,
//! the holder's copy, and the training certificates verified the same way.

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use baladiya_app::AppError;
use baladiya_app::applications::ApplicationView;
use baladiya_domain::ErrorCode;
use baladiya_domain::catalog::FieldKind;
use baladiya_domain::country::Country;
use serde::Deserialize;

use crate::http::auth::{Staff, visitor_csrf_ok};
use crate::http::client::Client;
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::{WebForm, WebQuery};
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/licenses/{code}", get(license).post(holder_license))
        .route("/verify", get(verify_form))
        .route("/verify/{code}", get(verify))
}

#[derive(Template)]
#[template(path = "shop/license.html")]
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
#[template(path = "shop/verify.html")]
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
