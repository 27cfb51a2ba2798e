//! A payment gateway simulated for the demo and the tests, with the API
//! shape of common gateways: `POST /gateway/simulated/api/payments`
//! (bearer key) creates a payment and answers the page to send the payer
//! to; on that page the payer pays or cancels; the gateway then calls the
//! merchant back server to server (JSON, `X-Signature`: HMAC-SHA256 of
//! the callback's text with the shared secret) and sends the payer to the
//! return address. Baladiya talks to it through the same adapter as to a
//! real gateway. Nothing here is used when a real gateway is configured.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use askama::Template;
use axum::extract::Path;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use baladiya_app::AppError;
use baladiya_domain::ErrorCode;
use baladiya_domain::payments::{Callback, GatewayStatus};
use serde::Deserialize;
use serde_json::json;

use crate::http::error::{WebError, page};
use crate::http::json::{ApiJson, WebForm};
use crate::http::state::AppState;

/// The simulated gateway's key, secret and payments.
#[derive(Debug, Clone, Default)]
pub struct SimulatedGateway {
    pub api_key: String,
    pub secret: String,
    payments: Arc<Mutex<HashMap<String, Intent>>>,
}

impl SimulatedGateway {
    pub fn new(api_key: String, secret: String) -> Self {
        Self {
            api_key,
            secret,
            payments: Arc::default(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
struct Intent {
    reference: String,
    amount_minor: i64,
    currency: String,
    description: String,
    return_url: String,
    callback_url: String,
}

/// The gateway's API and payment page, when this server runs one.
pub fn routes(gateway: Option<SimulatedGateway>) -> Router<AppState> {
    let Some(gateway) = gateway else {
        return Router::new();
    };
    Router::new()
        .route("/gateway/simulated/api/payments", post(create))
        .route("/gateway/simulated/pay/{id}", get(pay_page).post(pay))
        .layer(Extension(gateway))
}

/// Creates a payment for a merchant with the right key.
async fn create(
    Extension(gateway): Extension<SimulatedGateway>,
    headers: HeaderMap,
    ApiJson(intent): ApiJson<Intent>,
) -> Result<Response, WebError> {
    let key = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !crate::http::auth::same_secret(key, &gateway.api_key) {
        return Err(WebError::new(ErrorCode::Unauthenticated));
    }
    let id = format!("SIM-{}", &baladiya_app::auth::random_token()?[..16]);
    gateway
        .payments
        .lock()
        .map_err(|_| WebError::new(ErrorCode::Internal))?
        .insert(id.clone(), intent);
    Ok((
        axum::http::StatusCode::CREATED,
        Json(json!({"id": id, "redirect_url": format!("/gateway/simulated/pay/{id}")})),
    )
        .into_response())
}

fn intent(gateway: &SimulatedGateway, id: &str) -> Result<Intent, WebError> {
    gateway
        .payments
        .lock()
        .map_err(|_| WebError::new(ErrorCode::Internal))?
        .get(id)
        .cloned()
        .ok_or(WebError::new(ErrorCode::NotFound))
}

#[derive(Template)]
#[template(path = "payments/gateway_simulated.html")]
struct PayPage {
    id: String,
    amount: String,
    description: String,
}

async fn pay_page(
    Extension(gateway): Extension<SimulatedGateway>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let intent = intent(&gateway, &id)?;
    Ok(page(
        PayPage {
            id,
            amount: format!(
                "{} {}",
                crate::shop::views::amount(intent.amount_minor),
                intent.currency
            ),
            description: intent.description,
        }
        .render(),
    ))
}

#[derive(Debug, Deserialize)]
struct Decision {
    decision: String,
}

/// The payer paid or cancelled: the merchant is called back, signed,
/// then the payer goes back to the merchant.
async fn pay(
    Extension(gateway): Extension<SimulatedGateway>,
    Path(id): Path<String>,
    WebForm(form): WebForm<Decision>,
) -> Result<Response, WebError> {
    let intent = intent(&gateway, &id)?;
    let callback = Callback {
        reference: intent.reference.clone(),
        status: if form.decision == "pay" {
            GatewayStatus::Paid
        } else {
            GatewayStatus::Failed
        },
        amount_minor: intent.amount_minor,
        currency: intent.currency.clone(),
        gateway_ref: id,
    };
    let status =
        baladiya_app::payments::call_back(&intent.callback_url, &gateway.secret, &callback)
            .await
            .map_err(|e| AppError::Internal(format!("simulated gateway callback: {e}")))?;
    if !(200..300).contains(&status) {
        tracing::warn!(
            status,
            "the merchant refused the simulated gateway's callback"
        );
    }
    Ok(Redirect::to(&intent.return_url).into_response())
}
