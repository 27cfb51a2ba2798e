//! A citizen's sign-in through the API, for a mobile app: a one-time code
//! sent to their number (`POST /api/v1/account/codes`), then exchanged for
//! a session token (`POST /api/v1/account/sessions`) the app sends as
//! `Authorization: Bearer` on the citizen's calls (`CitizenApi`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::http::client::Client;
use crate::http::error::WebError;
use crate::http::json::ApiJson;
use crate::http::state::AppState;

pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/account/codes", post(send_code))
        .route("/account/sessions", post(sign_in))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeRequest {
    mobile: String,
}

async fn send_code(
    State(state): State<AppState>,
    Client(client): Client,
    ApiJson(body): ApiJson<CodeRequest>,
) -> Result<Response, WebError> {
    let number = state.app.send_sign_in_code(&body.mobile, &client).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "sent_to": number.masked() })),
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionRequest {
    mobile: String,
    code: String,
}

async fn sign_in(
    State(state): State<AppState>,
    Client(client): Client,
    ApiJson(body): ApiJson<SessionRequest>,
) -> Result<Response, WebError> {
    let session = state
        .app
        .sign_in_with_code(&body.mobile, &body.code, &client, None)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "token": session.token,
            "expires_at": session.expires_at.to_rfc3339(),
        })),
    )
        .into_response())
}
