//! Discovery: where clients find the endpoint, its formats and its
//! changeset, also at `/open311/discovery.*`.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::answer::{Doc, respond, text};
use super::params::not_found;
use super::{CHANGESET, Format, split_format};
use crate::http::client::base_url;
use crate::http::i18n::Tr;
use crate::http::state::AppState;

pub(super) fn discovery(
    state: &AppState,
    tr: &Tr,
    headers: &HeaderMap,
    format: Format,
) -> Response {
    let base = base_url(state, headers);
    respond(
        StatusCode::OK,
        format,
        "discovery",
        Doc::Object(vec![
            ("changeset", text(CHANGESET)),
            ("contact", text(tr.t("open311-contact"))),
            ("key_service", text(tr.t("open311-key-service"))),
            (
                "endpoints",
                Doc::List(
                    "endpoint",
                    vec![Doc::Object(vec![
                        (
                            "specification",
                            text("http://wiki.open311.org/GeoReport_v2"),
                        ),
                        ("url", text(format!("{base}/open311/v2"))),
                        ("changeset", text(CHANGESET)),
                        ("type", text("production")),
                        (
                            "formats",
                            Doc::List("format", vec![text("text/xml"), text("application/json")]),
                        ),
                    ])],
                ),
            ),
        ]),
    )
}

/// `GET /open311/discovery.{json|xml}`: where clients look for it first.
pub(super) async fn discovery_at_root(
    State(state): State<AppState>,
    tr: Tr,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Response {
    match split_format(&file) {
        Some(("discovery", format)) => discovery(&state, &tr, &headers, format),
        _ => not_found(&tr, &file),
    }
}
