//! Indicators as open data and JSON: the catalog's definitions, and values
//! (with their numerators and denominators, for audit) filtered by
//! indicator, unit (with everything below it) and period.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use baladiya_domain::ErrorCode;
use baladiya_domain::indicators::{Indicator, Month};
use baladiya_domain::org::UnitCode;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::WebError;
use crate::json::WebQuery;
use crate::state::AppState;

pub fn public_routes() -> Router<AppState> {
    Router::new().route("/open-data/indicators.csv", get(values_csv))
}

pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/indicators", get(definitions))
        .route("/indicators/values", get(values_json))
}

#[derive(Deserialize)]
struct ValuesQuery {
    indicator: Option<String>,
    /// A unit code: that unit and every unit below it.
    unit: Option<String>,
    /// `YYYY-MM`.
    period: Option<String>,
}

/// One value as published.
struct Published<'a> {
    indicator: &'a Indicator,
    unit: String,
    period: String,
    value: Option<f64>,
    numerator: f64,
    denominator: f64,
    source: String,
}

async fn published<'a>(
    state: &AppState,
    catalog: &'a [Indicator],
    q: &ValuesQuery,
) -> Result<Vec<Published<'a>>, WebError> {
    if let Some(code) = q.indicator.as_deref()
        && !catalog.iter().any(|i| i.code == code)
    {
        return Err(WebError::field("indicator", "indicator-unknown"));
    }
    let periods = match q.period.as_deref() {
        Some(p) => vec![
            Month::parse(p)
                .map_err(|e| WebError::field("period", e))?
                .to_string(),
        ],
        None => Vec::new(),
    };
    let units = state
        .app
        .store
        .all_units()
        .await
        .map_err(baladiya_app::AppError::from)?;
    let within: Vec<i64> = match q.unit.as_deref().filter(|u| !u.is_empty()) {
        Some(code) => {
            let code = UnitCode::parse(code).map_err(|e| WebError::field("unit", e))?;
            let root = units
                .iter()
                .find(|u| u.code == code)
                .ok_or(WebError::field("unit", "unit-unknown"))?;
            units
                .iter()
                .filter(|u| u.path.is_within(&root.path))
                .map(|u| u.id)
                .collect()
        }
        None => Vec::new(),
    };
    let rows = state
        .app
        .store
        .indicator_values(q.indicator.as_deref(), &within, &periods)
        .await
        .map_err(baladiya_app::AppError::from)?;
    Ok(rows
        .into_iter()
        .filter_map(|v| {
            let indicator = catalog.iter().find(|i| i.code == v.indicator)?;
            let unit = units.iter().find(|u| u.id == v.unit_id)?.code.to_string();
            Some(Published {
                value: indicator.measure.value(v.numerator, v.denominator),
                indicator,
                unit,
                period: v.period,
                numerator: v.numerator,
                denominator: v.denominator,
                source: v.source,
            })
        })
        .collect())
}

async fn values_csv(
    State(state): State<AppState>,
    WebQuery(q): WebQuery<ValuesQuery>,
) -> Result<Response, WebError> {
    let catalog = state.app.indicators();
    let rows = published(&state, &catalog, &q).await?;
    let internal = |e: csv::Error| {
        tracing::error!(%e, "writing CSV");
        WebError::new(ErrorCode::Internal)
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
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
        ])
        .map_err(internal)?;
    for r in &rows {
        writer
            .write_record([
                r.indicator.code.as_str(),
                r.indicator.name.ar(),
                r.indicator.name.en(),
                &format!("{:?}", r.indicator.standard).to_lowercase(),
                &r.unit,
                &r.period,
                &r.value.map(|v| v.to_string()).unwrap_or_default(),
                &r.numerator.to_string(),
                &r.denominator.to_string(),
                r.indicator.unit.en(),
                &r.source,
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
    let catalog = state.app.indicators();
    let rows = published(&state, &catalog, &q).await?;
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
                    "standard": format!("{:?}", i.standard).to_lowercase(),
                    "reference": i.reference,
                    "dimension": format!("{:?}", i.dimension),
                    "sub_dimension": i.sub_dimension,
                    "axis": format!("{:?}", i.axis).to_lowercase(),
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
