//! Paying a fee online: the citizen's "pay" button on their account, the
//! gateway's callback (`POST /api/v1/payments/callback`), the page the
//! gateway sends the payer back to — the printable receipt once paid —
//! and the reconciliation report for staff.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_extra::extract::CookieJar;
use baladiya_app::{AppError, Principal};
use baladiya_domain::ErrorCode;
use baladiya_domain::country::Currency;
use baladiya_domain::payments::{Callback, GatewayStatus};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::http::auth::{Staff, same_secret};
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::{ApiJson, WebForm};
use crate::http::state::AppState;
use crate::shop::catalog::money;

pub fn api_routes() -> Router<AppState> {
    Router::new().route("/payments/callback", post(callback))
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account/applications/{tracking}/pay", post(pay))
        .route("/payments/{reference}", get(receipt))
        .route("/staff/payments", get(reconciliation))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CallbackBody {
    reference: String,
    status: String,
    amount_minor: i64,
    currency: String,
    gateway_ref: String,
}

/// The gateway's word on a payment, signed in `X-Signature`.
async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CallbackBody>,
) -> Result<Json<Value>, WebError> {
    let status = GatewayStatus::parse(&body.status).map_err(|c| AppError::field("status", c))?;
    let callback = Callback {
        reference: body.reference,
        status,
        amount_minor: body.amount_minor,
        currency: body.currency,
        gateway_ref: body.gateway_ref,
    };
    let signature = headers
        .get("x-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let verdict = state.app.payment_callback(&callback, signature).await?;
    Ok(Json(
        json!({"reference": callback.reference, "verdict": verdict}),
    ))
}

#[derive(Debug, Deserialize)]
struct PayForm {
    #[serde(default)]
    csrf: String,
}

/// The signed-in citizen pays an application's fee: off to the gateway.
async fn pay(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(tracking): Path<String>,
    WebForm(form): WebForm<PayForm>,
) -> Result<Response, WebError> {
    let Some((citizen, _)) = crate::http::auth::citizen_of(&state, &jar).await? else {
        return Ok(Redirect::to("/account/sign-in").into_response());
    };
    if !same_secret(&citizen.csrf_token, &form.csrf) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    let started = state.app.start_payment(&citizen.mobile, &tracking).await?;
    Ok(Redirect::to(&started.redirect_url).into_response())
}

#[derive(Template)]
#[template(path = "payments/payment.html")]
struct ReceiptPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    reference: String,
    tracking: String,
    amount: String,
    status: String,
    paid: bool,
    pending: bool,
    gateway_ref: String,
    settled: String,
}

/// Where the gateway sends the payer back: the payment's state, and once
/// paid, the printable receipt. Its reference is random and unguessable.
async fn receipt(
    State(state): State<AppState>,
    tr: Tr,
    Path(reference): Path<String>,
) -> Result<Response, WebError> {
    let p = state.app.payment(&reference).await?;
    let amount = Currency::parse(&p.currency)
        .map(|c| money(&tr, p.amount_minor, c))
        .unwrap_or_default();
    Ok(page(
        ReceiptPage {
            tr: &tr,
            user: None,
            status: tr.t(&format!("payment-{}", p.status)),
            paid: p.status == "paid",
            pending: p.status == "pending",
            gateway_ref: p.gateway_ref.unwrap_or_default(),
            settled: p
                .settled_at
                .map(|at| tr.date(at.date_naive()))
                .unwrap_or_default(),
            reference: p.reference,
            tracking: p.tracking_number,
            amount,
        }
        .render(),
    ))
}

#[derive(Template)]
#[template(path = "payments/staff_payments.html")]
struct ReconciliationPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    /// `(reference, tracking, amount, gateway ref, settled)`.
    paid: Vec<(String, String, String, String, String)>,
    /// `(reference, gateway ref, status, amount, verdict, received)`.
    unrecorded: Vec<(String, String, String, String, String, String)>,
}

/// The reconciliation report: payments recorded, and what the gateway
/// reported that Baladiya did not record.
async fn reconciliation(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
) -> Result<Response, WebError> {
    let report = state.app.reconciliation(&who).await?;
    let amount = |minor: i64, currency: &str| {
        Currency::parse(currency)
            .map(|c| money(&tr, minor, c))
            .unwrap_or_else(|_| format!("{minor} {currency}"))
    };
    let paid = report
        .paid
        .into_iter()
        .map(|p| {
            (
                p.reference,
                p.tracking_number,
                amount(p.amount_minor, &p.currency),
                p.gateway_ref.unwrap_or_default(),
                p.settled_at
                    .map(|at| tr.date(at.date_naive()))
                    .unwrap_or_default(),
            )
        })
        .collect();
    let unrecorded = report
        .unrecorded
        .into_iter()
        .map(|c| {
            (
                c.reference,
                c.gateway_ref,
                tr.t(&format!("payment-{}", c.status)),
                amount(c.amount_minor, &c.currency),
                tr.t(&c.verdict),
                tr.date(c.received_at.date_naive()),
            )
        })
        .collect();
    Ok(page(
        ReconciliationPage {
            tr: &tr,
            user: Some(&who),
            paid,
            unrecorded,
        }
        .render(),
    ))
}
