//! The city's sensors beyond the SensorThings API itself: places with
//! their latest readings and a datastream's hourly or daily figures, as
//! JSON (`/api/v1/sensors/…`) and as pages (`/sensors…`).

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use baladiya_app::AppError;
use baladiya_app::sensors::{Place, Step, Stream};
use baladiya_domain::FieldError;
use baladiya_store::HourRow;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::http::error::WebError;
use crate::http::json::WebQuery;
use crate::http::state::AppState;

pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/sensors/places", get(places_json))
        .route("/sensors/datastreams/{id}/series", get(series_json))
}

fn stream_json(s: &Stream) -> Value {
    json!({
        "id": s.id,
        "name": s.name,
        "measure": s.measure.map(|m| m.key().trim_start_matches("measure-")),
        "symbol": s.symbol,
        "latest": s.latest.map(|(time, value)| json!({"time": time.to_rfc3339(), "value": value})),
    })
}

fn place_json(p: &Place) -> Value {
    json!({
        "thing": p.thing,
        "name": p.name,
        "description": p.description,
        "unit": p.unit,
        "floorArea": p.floor_area,
        "location": p.at.map(|(lon, lat)| json!({"type": "Point", "coordinates": [lon, lat]})),
        "datastreams": p.streams.iter().map(stream_json).collect::<Vec<_>>(),
    })
}

/// Every place with public datastreams and their latest readings.
async fn places_json(State(state): State<AppState>) -> Result<Json<Vec<Value>>, WebError> {
    let places = state.app.sensor_places(false).await?;
    Ok(Json(places.iter().map(place_json).collect()))
}

#[derive(Debug, Deserialize)]
pub struct SeriesQuery {
    /// `hour` (default) or `day`.
    pub step: Option<String>,
    /// RFC 3339 times; by default the last 7 days (hours) or 90 (days).
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A series request, checked: every wrong field at once.
pub struct SeriesRange {
    pub step: Step,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl SeriesQuery {
    pub fn check(&self, now: DateTime<Utc>) -> Result<SeriesRange, AppError> {
        let mut errors = Vec::new();
        let step = match self.step.as_deref().unwrap_or("hour") {
            "hour" => Step::Hour,
            "day" => Step::Day,
            _ => {
                errors.push(FieldError::new("step", "step-invalid"));
                Step::Hour
            }
        };
        let (longest, default) = match step {
            Step::Hour => (Duration::days(93), Duration::days(7)),
            Step::Day => (Duration::days(3_660), Duration::days(90)),
        };
        let mut time = |field: &str, text: Option<&str>| match text.filter(|t| !t.is_empty()) {
            None => None,
            Some(t) => match DateTime::parse_from_rfc3339(t) {
                Ok(t) => Some(t.with_timezone(&Utc)),
                Err(_) => {
                    errors.push(FieldError::new(field, "time-invalid"));
                    None
                }
            },
        };
        let to = time("to", self.to.as_deref()).unwrap_or(now);
        let from = time("from", self.from.as_deref()).or(to.checked_sub_signed(default));
        let from = from.filter(|from| *from < to && to - *from <= longest);
        if errors.is_empty() && from.is_none() {
            errors.push(FieldError::new("from", "range-invalid"));
        }
        match from {
            Some(from) if errors.is_empty() => Ok(SeriesRange { step, from, to }),
            _ => Err(AppError::Invalid(errors)),
        }
    }
}

/// A Thing's or Datastream's id from a path: `not-found` unless a number.
pub fn entity_id(text: &str) -> Result<i64, WebError> {
    text.parse().map_err(|_| AppError::NotFound.into())
}

/// The public datastream `id` and its place, or `not-found`.
pub async fn public_stream(state: &AppState, id: i64) -> Result<(Place, Stream), WebError> {
    let places = state.app.sensor_places(false).await?;
    places
        .into_iter()
        .find_map(|p| {
            let stream = p.streams.iter().find(|s| s.id == id)?.clone();
            Some((p, stream))
        })
        .ok_or_else(|| AppError::NotFound.into())
}

pub fn bucket_json(h: &HourRow) -> Value {
    let time = |micros| {
        DateTime::from_timestamp_micros(micros)
            .unwrap_or_default()
            .to_rfc3339()
    };
    json!({
        "start": time(h.hour),
        "count": h.n,
        "sum": h.total,
        "mean": h.total / h.n as f64,
        "min": h.low,
        "max": h.high,
        "last": h.last_value,
        "lastTime": time(h.last_time),
    })
}

/// A datastream's figures by hour or by local day.
async fn series_json(
    State(state): State<AppState>,
    Path(id): Path<String>,
    WebQuery(q): WebQuery<SeriesQuery>,
) -> Result<Json<Value>, WebError> {
    let id = entity_id(&id)?;
    let range = q.check(state.app.now())?;
    let (place, stream) = public_stream(&state, id).await?;
    let offset = state.app.local_offset_hours(place.unit.as_deref()).await?;
    let buckets = state
        .app
        .sensor_series(id, range.from, range.to, range.step, offset)
        .await?;
    Ok(Json(json!({
        "datastream": stream_json(&stream),
        "step": match range.step { Step::Hour => "hour", Step::Day => "day" },
        "utcOffsetHours": offset,
        "from": range.from.to_rfc3339(),
        "to": range.to.to_rfc3339(),
        "values": buckets.iter().map(bucket_json).collect::<Vec<_>>(),
    })))
}
