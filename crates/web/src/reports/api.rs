//! Citizen reports beside Open311: the JSON API (nearby open reports,
//! staff actions, following, the reporter's confirmation), report photos,
//! and the anonymized open-data exports (GeoJSON and CSV).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use baladiya_domain::ErrorCode;
use baladiya_domain::reports::ReportCategory;
use baladiya_domain::reports::lifecycle::ReportAction;
use baladiya_domain::reports::location::Location;
use baladiya_domain::text::redact_contacts;
use baladiya_store::PublicReport;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::http::auth::ApiUser;
use crate::http::client::base_url;
use crate::http::error::WebError;
use crate::http::i18n::Tr;
use crate::http::json::{ApiJson, WebQuery, path_id};
use crate::http::state::AppState;
use crate::reports::open_data::{self, ExportQuery};

/// Routes under `/api/v1`.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/reports/nearby", get(nearby))
        .route("/reports/{id}", get(report))
        .route("/reports/{id}/actions", post(act))
        .route("/reports/{id}/followers", post(follow))
        .route("/reports/{id}/reporter-actions", post(reporter_action))
}

/// Public routes: photos and open data.
pub fn public_routes() -> Router<AppState> {
    Router::new()
        .route("/reports/{id}/photo", get(photo))
        .route("/open-data/reports.geojson", get(export_geojson))
        .route("/open-data/reports.csv", get(export_csv))
        .route("/open-data/boundaries.geojson", get(boundaries))
}

/// A staff action by name (`acknowledge`, `start`, `resolve`, `reject`,
/// `merge` with the report kept).
pub fn staff_action(name: &str, duplicate_of: Option<i64>) -> Result<ReportAction, WebError> {
    Ok(match name {
        "acknowledge" => ReportAction::Acknowledge,
        "start" => ReportAction::Start,
        "resolve" => ReportAction::Resolve,
        "reject" => ReportAction::Reject,
        "merge" => ReportAction::MergeInto(
            duplicate_of.ok_or_else(|| WebError::field("duplicate_of", "required"))?,
        ),
        _ => return Err(WebError::field("action", "action-unknown")),
    })
}

/// A reporter's action by name (`confirm`, `reopen`).
pub fn reporter_action_named(name: &str) -> Result<ReportAction, WebError> {
    match name {
        "confirm" => Ok(ReportAction::Confirm),
        "reopen" => Ok(ReportAction::Reopen),
        _ => Err(WebError::field("action", "action-unknown")),
    }
}

/// A report number from a path; anything else is not found.
/// The address of a report's own (cleaned) photo, if it has one.
pub fn photo_url(report: &PublicReport, base: &str) -> Option<String> {
    report
        .has_photo
        .then(|| format!("{base}/reports/{}/photo", report.id))
}

/// A report as anyone may see it: no name, e-mail, phone, device or
/// account, and contact details typed into the description hidden.
pub fn public_json(
    report: &PublicReport,
    category: Option<&ReportCategory>,
    lang: &str,
    base: &str,
) -> Value {
    let status = report.status;
    json!({
        "id": report.id,
        "service_code": report.category_code,
        "service_name": category.map(|c| c.name.get(lang)),
        "status": status.as_str(),
        "open311_status": status.open311(),
        "status_note": report.status_note,
        "description": redact_contacts(&report.description),
        "lat": report.lat,
        "long": report.lon,
        "address": report.address,
        "unit": report.unit_code,
        "department": report.department.as_str(),
        "requested_at": report.requested_at,
        "updated_at": report.updated_at,
        "expected_on": report.expected_on,
        "duplicate_of": report.duplicate_of,
        "photo_url": photo_url(report, base),
        "media_url": report.media_url,
        "confirmed": report.confirmed,
        "reopened": report.reopened,
        "version": report.version,
    })
}

async fn report(
    State(state): State<AppState>,
    tr: Tr,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let id = path_id(&id)?;
    let record = state.app.report(id).await?;
    let category = state.app.report_category(&record.category_code);
    let mut body = public_json(
        &record,
        category.as_ref(),
        tr.lang(),
        &base_url(&state, &headers),
    );
    let history: Vec<Value> = state
        .app
        .report_history(id)
        .await?
        .into_iter()
        .map(|h| {
            let detail: Value = serde_json::from_str(&h.detail).unwrap_or_default();
            json!({"at": h.at, "action": h.action, "status": detail["to"], "note": detail["note"]})
        })
        .collect();
    body["history"] = Value::Array(history);
    Ok(Json(body))
}

#[derive(Deserialize)]
struct NearbyQuery {
    #[serde(default)]
    service_code: String,
    #[serde(default)]
    lat: String,
    #[serde(default)]
    long: String,
}

/// Open reports of the same category near a point: offered before
/// submitting, so the reporter can follow one instead.
async fn nearby(
    State(state): State<AppState>,
    tr: Tr,
    headers: HeaderMap,
    WebQuery(q): WebQuery<NearbyQuery>,
) -> Result<Json<Value>, WebError> {
    let location = Location::parse(&q.lat, &q.long).map_err(|(f, c)| WebError::field(f, c))?;
    let category = state
        .app
        .report_category(&q.service_code)
        .ok_or_else(|| WebError::field("service_code", "service-code-unknown"))?;
    let base = base_url(&state, &headers);
    let near = state
        .app
        .nearby_open_reports(&category.code, location)
        .await?;
    Ok(Json(Value::Array(
        near.iter()
            .map(|(r, metres)| {
                let mut v = public_json(r, Some(&category), tr.lang(), &base);
                v["distance_m"] = json!(metres.round());
                v
            })
            .collect(),
    )))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionBody {
    action: String,
    #[serde(default)]
    note: String,
    version: i64,
    duplicate_of: Option<i64>,
}

async fn act(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    tr: Tr,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ActionBody>,
) -> Result<Json<Value>, WebError> {
    let action = staff_action(&body.action, body.duplicate_of)?;
    state
        .app
        .act_on_report(&who, path_id(&id)?, action, &body.note, body.version)
        .await?;
    report(State(state), tr, headers, Path(id)).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FollowBody {
    contact: String,
}

async fn follow(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<FollowBody>,
) -> Result<Response, WebError> {
    let new = state
        .app
        .follow_report(path_id(&id)?, &body.contact)
        .await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(json!({"following": true}))).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReporterBody {
    action: String,
    /// The report's key: the Open311 `token` its submitter received.
    key: String,
    #[serde(default)]
    note: String,
}

async fn reporter_action(
    State(state): State<AppState>,
    tr: Tr,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReporterBody>,
) -> Result<Json<Value>, WebError> {
    let action = reporter_action_named(&body.action)?;
    state
        .app
        .reporter_action(path_id(&id)?, &body.key, action, &body.note)
        .await?;
    report(State(state), tr, headers, Path(id)).await
}

async fn photo(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let record = state.app.report(path_id(&id)?).await?;
    let (Some(key), Some(kind)) = (record.photo_key, record.photo_type) else {
        return Err(WebError::new(ErrorCode::NotFound));
    };
    let bytes = state.app.blobs.get(&key).await?;
    let kind = HeaderValue::from_str(&kind).map_err(|_| WebError::new(ErrorCode::Internal))?;
    Ok((
        [
            (header::CONTENT_TYPE, kind),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn export_geojson(
    State(state): State<AppState>,
    tr: Tr,
    WebQuery(q): WebQuery<ExportQuery>,
) -> Result<Response, WebError> {
    let reports = state
        .app
        .search_reports(q.to_query(&state.app).await?)
        .await?;
    let categories = state.app.report_categories();
    let features = open_data::FeatureCollection::new(
        reports
            .iter()
            .map(|r| open_data::feature(r, &categories, tr.lang()))
            .collect(),
    );
    let body = serde_json::to_vec(&features).map_err(|e| {
        tracing::error!(%e, "writing GeoJSON");
        WebError::new(ErrorCode::Internal)
    })?;
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], body).into_response())
}

async fn export_csv(
    State(state): State<AppState>,
    WebQuery(q): WebQuery<ExportQuery>,
) -> Result<Response, WebError> {
    let reports = state
        .app
        .search_reports(q.to_query(&state.app).await?)
        .await?;
    let internal = |e: csv::Error| {
        tracing::error!(%e, "writing CSV");
        WebError::new(ErrorCode::Internal)
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(open_data::CSV_HEADER)
        .map_err(internal)?;
    for r in &reports {
        writer
            .write_record(open_data::csv_record(r))
            .map_err(internal)?;
    }
    let body = writer
        .into_inner()
        .map_err(|e| internal(e.into_error().into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"reports.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// Every imported unit boundary, for the map.
async fn boundaries(State(state): State<AppState>) -> Result<Response, WebError> {
    let stored = state
        .app
        .store
        .boundaries()
        .await
        .map_err(baladiya_app::AppError::from)?;
    let features: Vec<Value> = stored
        .into_iter()
        .map(|(unit, geometry)| {
            json!({
                "type": "Feature",
                "properties": {"unit": unit},
                "geometry": serde_json::from_str::<Value>(&geometry).unwrap_or(Value::Null),
            })
        })
        .collect();
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        json!({"type": "FeatureCollection", "features": features}).to_string(),
    )
        .into_response())
}
