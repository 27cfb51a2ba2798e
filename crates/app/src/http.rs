//! The one way Baladiya builds an HTTP client for the services it calls
//! (SMS provider, payment gateway, webhooks, OpenID Connect providers):
//! HTTPS through rustls (aws-lc-rs, with post-quantum key exchange) and
//! the platform's trusted roots, a timeout, and no redirect followed.

use std::time::Duration;

use crate::AppError;

/// A client with a `timeout` per request and no redirect followed (a
/// service answers itself, it does not send us elsewhere).
pub fn client(timeout: Duration) -> Result<reqwest::Client, AppError> {
    reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| AppError::Internal(format!("HTTP client: {e}")))
}
