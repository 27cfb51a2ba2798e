//! A place's page: its datastreams with their latest readings, a
//! building's energy and water use, its night flow and its alerts.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use baladiya_app::Principal;
use baladiya_app::sensors::Step;
use baladiya_domain::ErrorCode;
use baladiya_domain::sensors::measure::{Measure, per_square_metre_a_year};
use chrono::{DateTime, Duration};

use super::alerts::{AlertLine, alert_line};
use super::overview::{latest, local, measure_name};
use super::stream::number_fine;
use crate::drawing::charts::number;
use crate::http::auth::Staff;
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::sensors::api::entity_id;

pub fn routes() -> Router<AppState> {
    Router::new().route("/sensors/places/{thing}", get(place_page))
}

/// A datastream on a place's page.
struct StreamLine {
    href: String,
    name: String,
    measure: String,
    latest: String,
}

/// A meter's consumption, day by day and per square metre.
struct Consumption {
    measure: String,
    symbol: String,
    days: Vec<(String, String)>,
    total: String,
    per_m2_year: String,
}

#[derive(Template)]
#[template(path = "sensors/sensor_place.html")]
struct PlacePage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    name: String,
    description: String,
    unit: String,
    floor_area: String,
    streams: Vec<StreamLine>,
    consumption: Vec<Consumption>,
    /// Last night, baseline, and whether it is a leak.
    night_flow: Option<(String, String, bool)>,
    alerts: Vec<AlertLine>,
}

async fn place_page(
    State(state): State<AppState>,
    tr: Tr,
    staff: Option<Staff>,
    Path(thing): Path<String>,
) -> Result<Response, WebError> {
    let app = &state.app;
    let thing = entity_id(&thing)?;
    let place = app
        .sensor_places(false)
        .await?
        .into_iter()
        .find(|p| p.thing == thing)
        .ok_or_else(|| WebError::new(ErrorCode::NotFound))?;
    let offset = app.local_offset_hours(place.unit.as_deref()).await?;
    let now = app.now();
    let days = 7;
    let mut consumption = Vec::new();
    let mut night = None;
    for stream in &place.streams {
        let Some(measure) = stream.measure.filter(|m| m.is_consumption()) else {
            continue;
        };
        let series = app
            .sensor_series(
                stream.id,
                now - Duration::days(days),
                now,
                Step::Day,
                offset,
            )
            .await?;
        let total: f64 = series.iter().map(|d| d.total).sum();
        consumption.push(Consumption {
            measure: tr.t(measure.key()),
            symbol: stream.symbol.clone(),
            days: series
                .iter()
                .map(|d| {
                    let start = DateTime::from_timestamp_micros(d.hour).unwrap_or_default();
                    (local(start, offset)[..10].to_owned(), number(d.total))
                })
                .collect(),
            total: number(total),
            per_m2_year: place
                .floor_area
                .and_then(|area| per_square_metre_a_year(total, days as f64, area))
                .map(number)
                .unwrap_or_default(),
        });
        if measure == Measure::Water && night.is_none() {
            night = app
                .night_flow(stream.id, offset, 7)
                .await?
                .map(|f| (number_fine(f.last), number_fine(f.baseline), f.leak));
        }
    }
    let alerts: Vec<AlertLine> = app
        .alert_views(false)
        .await?
        .iter()
        .filter(|a| a.place.as_ref().is_some_and(|p| p.thing == thing))
        .map(|a| alert_line(&tr, a, offset))
        .collect();
    let unit = match place
        .unit
        .as_deref()
        .and_then(|u| baladiya_domain::org::UnitCode::parse(u).ok())
    {
        Some(code) => app
            .store
            .unit_by_code(&code)
            .await
            .map_err(baladiya_app::AppError::from)?
            .map(|u| u.name.get(tr.lang()).to_owned())
            .unwrap_or_default(),
        None => String::new(),
    };
    let user = staff.map(|s| s.0);
    Ok(page(
        PlacePage {
            tr: &tr,
            user: user.as_ref(),
            streams: place
                .streams
                .iter()
                .map(|s| StreamLine {
                    href: format!("/sensors/datastreams/{}", s.id),
                    name: s.name.clone(),
                    measure: measure_name(&tr, s),
                    latest: latest(s, offset, &tr),
                })
                .collect(),
            name: place.name,
            description: place.description,
            unit,
            floor_area: place.floor_area.map(number).unwrap_or_default(),
            consumption,
            night_flow: night,
            alerts,
        }
        .render(),
    ))
}
