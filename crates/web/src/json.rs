//! Body extractors whose rejections become Baladiya's error codes: JSON
//! for the API, URL-encoded forms for pages.

use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use baladiya_domain::ErrorCode;
use serde::de::DeserializeOwned;

use crate::error::WebError;

/// Like `axum::Json`, but malformed JSON, wrong types, unknown fields (for
/// types that deny them), wrong content types and oversized bodies are
/// answered with Baladiya's error codes.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &S) -> Result<Self, WebError> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(rejected(rejection.status(), &rejection)),
        }
    }
}

/// Like `axum::Form`, with the same error codes as [`ApiJson`].
#[derive(Debug, Clone)]
pub struct WebForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for WebForm<T> {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &S) -> Result<Self, WebError> {
        match axum::Form::<T>::from_request(request, state).await {
            Ok(axum::Form(value)) => Ok(WebForm(value)),
            Err(rejection) => Err(rejected(rejection.status(), &rejection)),
        }
    }
}

fn rejected(status: StatusCode, rejection: &dyn std::fmt::Display) -> WebError {
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
        _ => ErrorCode::MalformedBody,
    };
    tracing::debug!(%rejection, "rejected request body");
    WebError::new(code)
}
