//! Extractors whose rejections become Baladiya's error codes: JSON bodies
//! for the API, URL-encoded forms for pages, query strings for both. Every
//! text value they hand on is free of forbidden characters
//! ([`baladiya_domain::text::is_forbidden_char`]): one that holds any is
//! refused with a field error naming the field, the same on both engines.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use baladiya_domain::text::{CONTROL_CHARACTERS, has_forbidden_chars};
use baladiya_domain::{ErrorCode, FieldError};
use percent_encoding::percent_decode_str;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::http::error::WebError;

/// The value of a form's field `name` (its first), or empty.
pub fn form_value(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// A number in an address (`/reports/{id}`): anything but a positive
/// whole number that fits is "not found", in the API's own error form
/// (axum's `Path<i64>` would answer a plain-text 400).
pub fn path_id(text: &str) -> Result<i64, WebError> {
    text.parse()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(WebError::new(ErrorCode::NotFound))
}

/// Like `axum::Json`, but malformed JSON, wrong types, unknown fields (for
/// types that deny them), wrong content types and oversized bodies are
/// answered with Baladiya's error codes.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &S) -> Result<Self, WebError> {
        let mut value = match axum::Json::<Value>::from_request(request, state).await {
            Ok(axum::Json(value)) => value,
            Err(rejection) => return Err(rejected(rejection.status(), &rejection)),
        };
        whole_numbers_as_integers(&mut value);
        let mut fields = Vec::new();
        forbidden_in_json(&value, "", &mut fields);
        refuse(fields)?;
        T::deserialize(value)
            .map(ApiJson)
            .map_err(|e| rejected(StatusCode::BAD_REQUEST, &e))
    }
}

/// Like `axum::Form`, with the same error codes as [`ApiJson`].
#[derive(Debug, Clone)]
pub struct WebForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for WebForm<T> {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &S) -> Result<Self, WebError> {
        let form = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !form {
            return Err(WebError::new(ErrorCode::UnsupportedMediaType));
        }
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| rejected(rejection.status(), &rejection))?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
            .map_err(|e| rejected(StatusCode::BAD_REQUEST, &e))?;
        refuse(forbidden_in_pairs(&pairs))?;
        serde_urlencoded::from_bytes(&body)
            .map(WebForm)
            .map_err(|e| rejected(StatusCode::BAD_REQUEST, &e))
    }
}

/// Like `axum::extract::Query`: a query string that does not fit `T`
/// (a wrong type, a repeated parameter) is `400 invalid-query`, not
/// axum's plain text.
#[derive(Debug, Clone)]
pub struct WebQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for WebQuery<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, WebError> {
        let query = parts.uri.query().unwrap_or_default();
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query)
            .map_err(|_| WebError::new(ErrorCode::InvalidQuery))?;
        refuse(forbidden_in_pairs(&pairs))?;
        serde_urlencoded::from_str(query)
            .map(WebQuery)
            .map_err(|error| {
                tracing::debug!(%error, "rejected query string");
                WebError::new(ErrorCode::InvalidQuery)
            })
    }
}

/// Middleware: a path whose percent-decoded form holds a forbidden
/// character names nothing, so it is `404` before any handler looks it up
/// (Open311's resources check their own names, to answer in their format).
pub async fn refuse_forbidden_path(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if !path.starts_with("/open311/")
        && has_forbidden_chars(&percent_decode_str(path).decode_utf8_lossy())
    {
        return WebError::new(ErrorCode::NotFound).into_response();
    }
    next.run(request).await
}

/// A field error for each name/value pair holding a forbidden character.
pub fn forbidden_in_pairs(pairs: &[(String, String)]) -> Vec<FieldError> {
    pairs
        .iter()
        .filter(|(name, value)| has_forbidden_chars(name) || has_forbidden_chars(value))
        .map(|(name, _)| FieldError::new(printable(name), CONTROL_CHARACTERS))
        .collect()
}

/// A name fit to show back: forbidden characters dropped.
pub fn printable(name: &str) -> String {
    baladiya_domain::text::without_forbidden_chars(name).into_owned()
}

/// JSON Schema counts `2.0` as an integer, as JavaScript clients write it;
/// serde would refuse it for an integer field. Numbers without a fraction
/// become integers (fields typed as floats take either), as far as an
/// `i64` reaches (every whole `f64` in it converts exactly; `2^63` does not
/// fit).
fn whole_numbers_as_integers(value: &mut Value) {
    const TWO_TO_63: f64 = 9_223_372_036_854_775_808.0;
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n
                .as_f64()
                .filter(|f| f.fract() == 0.0 && (-TWO_TO_63..TWO_TO_63).contains(f))
            {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(map) => map.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

fn forbidden_in_json(value: &Value, path: &str, found: &mut Vec<FieldError>) {
    match value {
        Value::String(text) if has_forbidden_chars(text) => {
            found.push(FieldError::new(path, CONTROL_CHARACTERS));
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                forbidden_in_json(item, &format!("{path}[{i}]"), found);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let path = match path {
                    "" => printable(key),
                    _ => format!("{path}.{}", printable(key)),
                };
                if has_forbidden_chars(key) {
                    found.push(FieldError::new(path.clone(), CONTROL_CHARACTERS));
                }
                forbidden_in_json(item, &path, found);
            }
        }
        _ => {}
    }
}

/// `invalid-input` with these field errors, if there are any.
pub fn refuse(fields: Vec<FieldError>) -> Result<(), WebError> {
    if fields.is_empty() {
        Ok(())
    } else {
        Err(WebError {
            fields,
            ..WebError::new(ErrorCode::InvalidInput)
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_become_integers() {
        let mut v: Value =
            serde_json::from_str(r#"{"a": 2188837668110509.0, "b": 393.0, "c": 2.5}"#)
                .expect("json");
        whole_numbers_as_integers(&mut v);
        assert_eq!(v["a"].as_i64(), Some(2188837668110509), "{v}");
        assert_eq!(v["b"].as_i64(), Some(393));
        assert_eq!(v["c"].as_f64(), Some(2.5));
    }

    #[test]
    fn whole_numbers_up_to_the_ends_of_i64_are_integers() {
        // 2^53 - 1 as JavaScript writes it (found by schemathesis), the
        // largest whole f64 below 2^63, and its negative twin.
        for (text, expected) in [
            ("9007199254740991.0", Some(9_007_199_254_740_991_i64)),
            ("-5.0", Some(-5)),
            ("9223372036854774784.0", Some(9_223_372_036_854_774_784)),
            ("-9223372036854775808.0", Some(i64::MIN)),
            ("9223372036854775808.0", None),
            ("2.5", None),
        ] {
            let mut value: Value = serde_json::from_str(text).expect("JSON");
            whole_numbers_as_integers(&mut value);
            assert_eq!(value.as_i64(), expected, "{text}");
        }
    }
}
