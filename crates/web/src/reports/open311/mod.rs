//! Open311 GeoReport v2 at `/open311/v2/`, in JSON and XML: the service
//! list and definitions (Baladiya's report categories), service requests
//! (GET with the specification's filters and defaults, POST with an API
//! key), single requests, tokens, and the discovery document. Errors are
//! the specification's error array, in the requested format.
//!
//! Every answer is built once as an `answer::Doc` and written as JSON or XML from
//! it, so the two formats cannot drift apart.

use axum::Router;
use axum::routing::get;

use crate::http::state::AppState;
use discovery::discovery_at_root;
use params::collection;
use requests::{one_request, post_request, token};
use services::definition;

mod answer;
mod discovery;
mod params;
mod requests;
mod services;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/open311/v2/{file}", get(collection).post(post_request))
        .route("/open311/v2/services/{file}", get(definition))
        .route("/open311/v2/requests/{file}", get(one_request))
        .route("/open311/v2/tokens/{file}", get(token))
        .route("/open311/{file}", get(discovery_at_root))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Json,
    Xml,
}

/// Splits `name.json` / `name.xml`.
pub(super) fn split_format(file: &str) -> Option<(&str, Format)> {
    let (name, ext) = file.rsplit_once('.')?;
    match ext {
        "json" => Some((name, Format::Json)),
        "xml" => Some((name, Format::Xml)),
        _ => None,
    }
}

/// The jurisdiction this server answers for. Any other is refused.
const JURISDICTION: &str = "baladiya";

/// The specification's default and largest span of a request search.
pub(super) const DEFAULT_DAYS: i64 = 90;

/// The specification's suggested number of requests in one answer.
pub(super) const DEFAULT_LIMIT: i64 = 1000;

/// When this endpoint's behaviour last changed (the discovery changeset).
pub(super) const CHANGESET: &str = "2026-11-23T00:00:00Z";
