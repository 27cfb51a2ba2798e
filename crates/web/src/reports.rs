//! Citizen reports beside Open311: the JSON API (nearby open reports,
//! staff actions, following, the reporter's confirmation), report photos,
//! and the anonymized open-data exports (GeoJSON and CSV).

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use baladiya_app::reports::MAX_PAGE;
use baladiya_domain::ErrorCode;
use baladiya_domain::org::UnitCode;
use baladiya_domain::reports::ReportCategory;
use baladiya_domain::reports::lifecycle::{ReportAction, ReportStatus};
use baladiya_domain::reports::location::Location;
use baladiya_domain::text::redact_contacts;
use baladiya_store::{ReportQuery, ReportRecord};
use chrono::{NaiveDate, NaiveTime};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::ApiUser;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::json::ApiJson;
use crate::open311::base_url;
use crate::state::AppState;

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
pub fn report_id(text: &str) -> Result<i64, WebError> {
    text.parse().map_err(|_| WebError::new(ErrorCode::NotFound))
}

/// A report as anyone may see it: no name, e-mail, phone, device or
/// account, and contact details typed into the description hidden.
pub fn public_json(
    report: &ReportRecord,
    category: Option<&ReportCategory>,
    lang: &str,
    base: &str,
) -> Value {
    let status = ReportStatus::parse(&report.status).unwrap_or(ReportStatus::Open);
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
        "department": report.department,
        "requested_at": report.requested_at,
        "updated_at": report.updated_at,
        "expected_on": report.expected_on,
        "duplicate_of": report.duplicate_of,
        "photo_url": report.photo_key.as_ref().map(|_| format!("{base}/reports/{}/photo", report.id)),
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
    let id = report_id(&id)?;
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
        .store
        .history_of("report", id)
        .await
        .map_err(baladiya_app::AppError::from)?
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
    Query(q): Query<NearbyQuery>,
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
        .act_on_report(&who, report_id(&id)?, action, &body.note, body.version)
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
        .follow_report(report_id(&id)?, &body.contact)
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
    contact: String,
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
        .reporter_action(report_id(&id)?, &body.contact, action, &body.note)
        .await?;
    report(State(state), tr, headers, Path(id)).await
}

async fn photo(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let record = state.app.report(report_id(&id)?).await?;
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

/// Filters of the open-data exports and the public map.
#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    pub service_code: String,
    /// A Baladiya status (`in_progress`…) or Open311's `open` / `closed`.
    #[serde(default)]
    pub status: String,
    /// A unit code: reports of that unit and every unit below it.
    #[serde(default)]
    pub unit: String,
    /// `YYYY-MM-DD`, inclusive.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    pub page: Option<i64>,
}

impl ExportQuery {
    /// The report query these filters stand for, or the field in error.
    pub async fn to_query(&self, state: &AppState) -> Result<ReportQuery, WebError> {
        let mut query = ReportQuery {
            limit: MAX_PAGE,
            offset: (self.page.unwrap_or(1).max(1) - 1) * MAX_PAGE,
            ..ReportQuery::default()
        };
        if !self.service_code.is_empty() {
            query.categories = vec![self.service_code.clone()];
        }
        match self.status.as_str() {
            "" => {}
            text => match ReportStatus::parse(text) {
                Ok(s) => query.statuses = vec![s.as_str().to_owned()],
                Err(_) => {
                    let all = ReportStatus::from_open311(text)
                        .map_err(|c| WebError::field("status", c))?;
                    query.statuses = all.iter().map(|s| s.as_str().to_owned()).collect();
                }
            },
        }
        if !self.unit.is_empty() {
            let code = UnitCode::parse(&self.unit).map_err(|c| WebError::field("unit", c))?;
            let unit = state
                .app
                .store
                .unit_by_code(&code)
                .await
                .map_err(baladiya_app::AppError::from)?
                .ok_or_else(|| WebError::field("unit", "unit-unknown"))?;
            query.within = vec![unit.path];
        }
        let day = |text: &str, field: &str, end: bool| -> Result<_, WebError> {
            if text.is_empty() {
                return Ok(None);
            }
            let day = NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| WebError::field(field, "date-invalid"))?;
            let time = if end {
                NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN)
            } else {
                NaiveTime::MIN
            };
            Ok(Some(day.and_time(time).and_utc()))
        };
        query.from = day(&self.from, "from", false)?;
        query.to = day(&self.to, "to", true)?;
        Ok(query)
    }
}

/// Coordinates in open data: 4 decimals, about 11 metres.
fn rounded(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

async fn export_geojson(
    State(state): State<AppState>,
    tr: Tr,
    Query(q): Query<ExportQuery>,
) -> Result<Response, WebError> {
    let reports = state.app.search_reports(q.to_query(&state).await?).await?;
    let categories = state.app.report_categories();
    let features: Vec<Value> = reports
        .iter()
        .map(|r| {
            let category = categories.iter().find(|c| c.code == r.category_code);
            json!({
                "type": "Feature",
                "id": r.id,
                "geometry": {"type": "Point", "coordinates": [rounded(r.lon), rounded(r.lat)]},
                "properties": {
                    "id": r.id,
                    "service_code": r.category_code,
                    "service_name": category.map(|c| c.name.get(tr.lang())),
                    "status": r.status,
                    "unit": r.unit_code,
                    "department": r.department,
                    "requested_at": r.requested_at,
                    "updated_at": r.updated_at,
                    "closed_at": r.closed_at,
                    "description": redact_contacts(&r.description),
                },
            })
        })
        .collect();
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        json!({"type": "FeatureCollection", "features": features}).to_string(),
    )
        .into_response())
}

async fn export_csv(
    State(state): State<AppState>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, WebError> {
    let reports = state.app.search_reports(q.to_query(&state).await?).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let internal = |e: csv::Error| {
        tracing::error!(%e, "writing CSV");
        WebError::new(ErrorCode::Internal)
    };
    writer
        .write_record([
            "id",
            "service_code",
            "status",
            "unit",
            "department",
            "lat",
            "long",
            "requested_at",
            "updated_at",
            "closed_at",
            "description",
        ])
        .map_err(internal)?;
    for r in &reports {
        writer
            .write_record([
                r.id.to_string(),
                r.category_code.clone(),
                r.status.clone(),
                r.unit_code.clone(),
                r.department.clone(),
                rounded(r.lat).to_string(),
                rounded(r.lon).to_string(),
                r.requested_at.to_rfc3339(),
                r.updated_at.to_rfc3339(),
                r.closed_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
                redact_contacts(&r.description),
            ])
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
