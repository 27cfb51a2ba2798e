//! Who a request comes from, for per-client limits: the peer's address, or
//! behind a reverse proxy that the deployment trusts, the last address in
//! `X-Forwarded-For` (the one that proxy saw).

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::http::state::AppState;

/// The key a request's client is counted under (see
/// [`baladiya_app::auth::client_key`]).
#[derive(Debug, Clone)]
pub struct Client(pub String);

impl FromRequestParts<AppState> for Client {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let forwarded = state
            .config
            .trust_forwarded_for
            .then(|| {
                parts
                    .headers
                    .get_all("x-forwarded-for")
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .flat_map(|v| v.split(','))
                    .next_back()
                    .and_then(|last| last.trim().parse::<IpAddr>().ok())
            })
            .flatten();
        let ip = forwarded
            .or_else(|| crate::http::server::peer_of(parts).map(|peer| peer.ip()))
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        Ok(Client(baladiya_app::auth::client_key(ip)))
    }
}

/// The scheme and host clients reached this server by, for absolute URLs.
pub fn base_url(state: &AppState, headers: &axum::http::HeaderMap) -> String {
    if let Some(url) = &state.app.settings.public_url {
        return url.clone();
    }
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}
