//! Indicators as open data and JSON: the catalog's definitions, and values
//! (with their numerators and denominators, for audit) filtered by
//! indicator, unit (with everything below it) and period.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use baladiya_app::indicators::PublishedValue;
use baladiya_domain::ErrorCode;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::http::error::WebError;
use crate::http::json::WebQuery;
use crate::http::state::AppState;

pub fn public_routes() -> Router<AppState> {
    Router::new().route("/open-data/indicators.csv", get(values_csv))
}

pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/indicators", get(definitions))
        .route("/indicators/values", get(values_json))
        .route("/indicators/parts", get(parts_json))
}

#[derive(Deserialize)]
struct PartsQuery {
    #[serde(default)]
    indicator: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    period: String,
}

/// One indicator's value for a unit and month, by service or by report
/// category, best first.
async fn parts_json(
    State(state): State<AppState>,
    WebQuery(q): WebQuery<PartsQuery>,
) -> Result<Json<Vec<Value>>, WebError> {
    let parts = state
        .app
        .published_parts(&q.indicator, &q.unit, &q.period)
        .await?;
    Ok(Json(
        parts
            .iter()
            .map(|p| {
                json!({
                    "part": p.code,
                    "name": p.name.as_ref().map(|n| json!({"ar": n.ar(), "en": n.en()})),
                    "value": p.value,
                    "numerator": p.numerator,
                    "denominator": p.denominator,
                })
            })
            .collect(),
    ))
}

#[derive(Deserialize)]
struct ValuesQuery {
    indicator: Option<String>,
    /// A unit code: that unit and every unit below it.
    unit: Option<String>,
    /// `YYYY-MM`.
    period: Option<String>,
}

/// The columns of the indicators CSV, in order.
pub const CSV_HEADER: [&str; 11] = [
    "indicator",
    "name_ar",
    "name_en",
    "standard",
    "unit",
    "period",
    "value",
    "numerator",
    "denominator",
    "measure_unit_en",
    "source",
];

/// One value as a CSV row, in the order of [`CSV_HEADER`].
pub fn csv_record(r: &PublishedValue) -> [String; 11] {
    [
        r.indicator.code.clone(),
        r.indicator.name.ar().to_owned(),
        r.indicator.name.en().to_owned(),
        r.indicator.standard.as_str().to_owned(),
        r.unit.clone(),
        r.period.clone(),
        r.value.map(|v| v.to_string()).unwrap_or_default(),
        r.numerator.to_string(),
        r.denominator.to_string(),
        r.indicator.unit.en().to_owned(),
        r.source.clone(),
    ]
}

async fn published(state: &AppState, q: &ValuesQuery) -> Result<Vec<PublishedValue>, WebError> {
    Ok(state
        .app
        .published_values(
            q.indicator.as_deref(),
            q.unit.as_deref(),
            q.period.as_deref(),
        )
        .await?)
}

async fn values_csv(
    State(state): State<AppState>,
    WebQuery(q): WebQuery<ValuesQuery>,
) -> Result<Response, WebError> {
    let rows = published(&state, &q).await?;
    let internal = |e: csv::Error| {
        tracing::error!(%e, "writing CSV");
        WebError::new(ErrorCode::Internal)
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(CSV_HEADER).map_err(internal)?;
    for r in &rows {
        writer.write_record(csv_record(r)).map_err(internal)?;
    }
    let body = writer
        .into_inner()
        .map_err(|e| internal(e.into_error().into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"indicators.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

async fn values_json(
    State(state): State<AppState>,
    WebQuery(q): WebQuery<ValuesQuery>,
) -> Result<Json<Vec<Value>>, WebError> {
    let rows = published(&state, &q).await?;
    Ok(Json(
        rows.iter()
            .map(|r| {
                json!({
                    "indicator": r.indicator.code,
                    "unit": r.unit,
                    "period": r.period,
                    "value": r.value,
                    "numerator": r.numerator,
                    "denominator": r.denominator,
                    "source": r.source,
                })
            })
            .collect(),
    ))
}

async fn definitions(State(state): State<AppState>) -> Json<Vec<Value>> {
    Json(
        state
            .app
            .indicators()
            .iter()
            .map(|i| {
                json!({
                    "code": i.code,
                    "name": {"ar": i.name.ar(), "en": i.name.en()},
                    "definition": {"ar": i.definition.ar(), "en": i.definition.en()},
                    "standard": i.standard.as_str(),
                    "reference": i.reference,
                    "dimension": i.dimension.as_str(),
                    "sub_dimension": i.sub_dimension,
                    "axis": i.axis.as_str(),
                    "measure": i.measure.as_str(),
                    "unit": {"ar": i.unit.ar(), "en": i.unit.en()},
                    "numerator": {"ar": i.numerator.ar(), "en": i.numerator.en()},
                    "denominator": i.denominator.as_ref().map(|d| json!({"ar": d.ar(), "en": d.en()})),
                    "higher_is_better": i.direction == baladiya_domain::indicators::Direction::HigherIsBetter,
                    "target": i.target.map(|t| t.value),
                })
            })
            .collect(),
    )
}
