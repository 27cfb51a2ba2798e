//! A datastream's page: its readings over a chosen range as a chart
//! beside the same figures as a table.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use baladiya_app::Principal;
use baladiya_app::sensors::Step;
use baladiya_domain::sensors::measure::Measure;
use chrono::{DateTime, Duration};
use serde::Deserialize;

use super::overview::{latest, local, measure_name};
use crate::drawing::charts::line_chart;
use crate::http::auth::Staff;
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::WebQuery;
use crate::http::state::AppState;
use crate::sensors::api::entity_id;

pub fn routes() -> Router<AppState> {
    Router::new().route("/sensors/datastreams/{id}", get(stream_page))
}

/// Small flows with their hundredths (0.04 m³/h).
pub(super) fn number_fine(value: f64) -> String {
    format!("{value:.2}")
}

#[derive(Deserialize)]
struct RangeQuery {
    range: Option<String>,
}

#[derive(Template)]
#[template(path = "sensors/sensor_stream.html")]
struct StreamPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    place_href: String,
    place_name: String,
    name: String,
    measure: String,
    symbol: String,
    latest: String,
    range: String,
    ranges: Vec<(String, String)>,
    chart: String,
    /// Start, count, mean, min, max, sum.
    rows: Vec<[String; 6]>,
    api: String,
}

async fn stream_page(
    State(state): State<AppState>,
    tr: Tr,
    staff: Option<Staff>,
    Path(id): Path<String>,
    WebQuery(q): WebQuery<RangeQuery>,
) -> Result<Response, WebError> {
    let app = &state.app;
    let id = entity_id(&id)?;
    let (place, stream) = crate::sensors::api::public_stream(&state, id).await?;
    let range = q.range.unwrap_or_else(|| "week".into());
    let (span, step) = match range.as_str() {
        "day" => (Duration::days(1), Step::Hour),
        "week" => (Duration::days(7), Step::Hour),
        "month" => (Duration::days(30), Step::Day),
        "year" => (Duration::days(365), Step::Day),
        _ => return Err(WebError::field("range", "step-invalid")),
    };
    let offset = app.local_offset_hours(place.unit.as_deref()).await?;
    let now = app.now();
    let series = app.sensor_series(id, now - span, now, step, offset).await?;
    let consumption = stream.measure.is_some_and(Measure::is_consumption);
    let values: Vec<Option<f64>> = series
        .iter()
        .map(|b| {
            Some(if consumption {
                b.total
            } else {
                b.total / b.n as f64
            })
        })
        .collect();
    let start = |micros: i64| {
        local(
            DateTime::from_timestamp_micros(micros).unwrap_or_default(),
            offset,
        )
    };
    let first = series.first().map(|b| start(b.hour)).unwrap_or_default();
    let last = series.last().map(|b| start(b.hour)).unwrap_or_default();
    let name = measure_name(&tr, &stream);
    let chart = if values.is_empty() {
        String::new()
    } else {
        line_chart(
            &values,
            &format!("{name} ({})", stream.symbol),
            &first,
            &last,
        )
    };
    let user = staff.map(|s| s.0);
    Ok(page(
        StreamPage {
            tr: &tr,
            user: user.as_ref(),
            place_href: format!("/sensors/places/{}", place.thing),
            place_name: place.name.clone(),
            latest: latest(&stream, offset, &tr),
            measure: name,
            name: stream.name.clone(),
            symbol: stream.symbol.clone(),
            ranges: ["day", "week", "month", "year"]
                .iter()
                .map(|r| (r.to_string(), tr.t(&format!("sensors-range-{r}"))))
                .collect(),
            range,
            chart,
            rows: series
                .iter()
                .rev()
                .map(|b| {
                    [
                        start(b.hour),
                        b.n.to_string(),
                        number_fine(b.total / b.n as f64),
                        number_fine(b.low),
                        number_fine(b.high),
                        number_fine(b.total),
                    ]
                })
                .collect(),
            api: format!(
                "/api/v1/sensors/datastreams/{id}/series?step={}",
                if step == Step::Day { "day" } else { "hour" }
            ),
        }
        .render(),
    ))
}
