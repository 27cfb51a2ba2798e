//! What every endpoint checks first: the jurisdiction, the resource's
//! name and format, parameters holding forbidden characters; and the
//! collections' `GET`.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use baladiya_domain::text::has_forbidden_chars;

use super::answer::{error, errors};
use super::discovery::discovery;
use super::requests::requests;
use super::services::services;
use super::{Format, JURISDICTION, split_format};
use crate::http::i18n::Tr;
use crate::http::state::AppState;

/// The error answer for a `jurisdiction_id` this server does not serve.
pub(super) fn wrong_jurisdiction(tr: &Tr, format: Format, id: Option<&str>) -> Option<Response> {
    match id {
        None | Some(JURISDICTION) | Some("") => None,
        Some(_) => Some(error(
            StatusCode::NOT_FOUND,
            format,
            tr.t("open311-jurisdiction-unknown"),
        )),
    }
}

/// The name and format of `{name}.{json|xml}` for the jurisdiction
/// served here, or the error answer. A name or parameter with a forbidden
/// character is refused, never looked up.
pub(super) fn resource<'a>(
    tr: &Tr,
    file: &'a str,
    params: &[(String, String)],
) -> Result<(&'a str, Format), Box<Response>> {
    let (name, format) = split_format(file)
        .filter(|(name, _)| !has_forbidden_chars(name))
        .ok_or_else(|| Box::new(not_found(tr, file)))?;
    if let Some(response) = refused_params(tr, format, params) {
        return Err(Box::new(response));
    }
    match wrong_jurisdiction(tr, format, first(params, "jurisdiction_id")) {
        Some(response) => Err(Box::new(response)),
        None => Ok((name, format)),
    }
}

/// The `400` error array naming each parameter that holds a forbidden
/// character, if any does.
pub(super) fn refused_params(
    tr: &Tr,
    format: Format,
    params: &[(String, String)],
) -> Option<Response> {
    let refused = crate::http::json::forbidden_in_pairs(params);
    (!refused.is_empty()).then(|| {
        errors(
            StatusCode::BAD_REQUEST,
            format,
            refused
                .iter()
                .map(|f| format!("{}: {}", f.field, tr.t(f.code)))
                .collect(),
        )
    })
}

pub(super) fn not_found(tr: &Tr, file: &str) -> Response {
    let format = split_format(file).map_or(Format::Xml, |(_, f)| f);
    error(StatusCode::NOT_FOUND, format, tr.t("not-found"))
}

/// The first value of `key` among a query's or form's pairs.
pub(super) fn first<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// `GET /open311/v2/{services|requests|discovery}.{json|xml}`.
pub(super) async fn collection(
    State(state): State<AppState>,
    tr: Tr,
    headers: HeaderMap,
    Path(file): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let (name, format) = match resource(&tr, &file, &params) {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let param = |key: &str| first(&params, key);
    match name {
        "services" => services(&state, &tr, format),
        "requests" => requests(&state, &tr, &headers, format, &param).await,
        "discovery" => discovery(&state, &tr, &headers, format),
        _ => not_found(&tr, &file),
    }
}
