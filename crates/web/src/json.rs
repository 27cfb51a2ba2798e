//! The API's JSON body extractor: rejections become our error codes.

use axum::extract::rejection::JsonRejection;
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
            Err(rejection) => Err(WebError::new(code_of(&rejection))),
        }
    }
}

fn code_of(rejection: &JsonRejection) -> ErrorCode {
    match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
        _ => {
            tracing::debug!(%rejection, "rejected JSON body");
            ErrorCode::MalformedBody
        }
    }
}
