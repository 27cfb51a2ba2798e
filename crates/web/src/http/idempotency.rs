//! Where a request's idempotency key comes from: the `Idempotency-Key`
//! header of an API call, or the hidden key a page form carries (made when
//! the form is drawn). Each is scoped to who sends it before the
//! application sees it.

use axum::http::HeaderMap;
use baladiya_app::AppError;
use baladiya_app::idempotency::scoped_key;

/// The scoped key of a request's `Idempotency-Key` header, if it has one.
/// The value may be a bare token or a structured-field string (quoted), as
/// the IETF draft writes it.
pub fn idempotency_header(headers: &HeaderMap, scope: &str) -> Result<Option<String>, AppError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    let text = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    scoped_key(scope, text).map(Some)
}

/// A new key for a page form to carry in its hidden `idempotency_key`.
pub fn new_form_key() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// A page form's key as it came back, and scoped; a form without a
/// usable one (an old page, a script) gets a fresh key, so that its answer
/// can still redirect to its confirmation.
pub fn form_key(sent: &str) -> (String, String) {
    match scoped_key("form", sent) {
        Ok(scoped) => (sent.trim().to_owned(), scoped),
        Err(_) => {
            let key = new_form_key();
            let scoped = format!("form:{key}");
            (key, scoped)
        }
    }
}
