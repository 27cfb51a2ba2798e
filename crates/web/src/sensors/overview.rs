//! The sensors' map page: the places by region with their latest
//! readings; and how a time, a reading and a measure read on every
//! sensor page.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use baladiya_app::Principal;
use baladiya_app::sensors::{Place, Stream};
use baladiya_domain::boundaries::Boundary;
use baladiya_domain::sensors::rules::Condition;
use chrono::{DateTime, Duration, Utc};

use crate::drawing::charts::{Pin, number, pin_map};
use crate::http::auth::Staff;
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/sensors", get(overview))
}

/// A time as the place's people read it (its unit's local time).
pub(super) fn local(time: DateTime<Utc>, offset: i32) -> String {
    (time + Duration::hours(offset.into()))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// A datastream's latest reading as a line of text.
pub(super) fn latest(stream: &Stream, offset: i32, tr: &Tr) -> String {
    match stream.latest {
        Some((time, value)) => format!(
            "{} {} ({})",
            number(value),
            stream.symbol,
            local(time, offset)
        ),
        None => tr.t("sensors-no-reading"),
    }
}

pub(super) fn measure_name(tr: &Tr, stream: &Stream) -> String {
    stream
        .measure
        .map_or_else(|| stream.name.clone(), |m| tr.t(m.key()))
}

/// A rule's condition in words.
pub(super) fn condition_text(tr: &Tr, condition: Option<Condition>, symbol: &str) -> String {
    match condition {
        Some(Condition::Above(t)) => format!("{} {} {symbol}", tr.t("rule-above"), number(t)),
        Some(Condition::Below(t)) => format!("{} {} {symbol}", tr.t("rule-below"), number(t)),
        Some(Condition::Rise(t)) => format!("{} {} {symbol}", tr.t("rule-rise"), number(t)),
        Some(Condition::Silence(d)) => format!("{} {}", tr.t("rule-silence"), d.num_minutes()),
        Some(Condition::NightFlow) => tr.t("rule-night-flow"),
        None => String::new(),
    }
}

/// One place as the overview lists it.
struct PlaceLine {
    href: String,
    name: String,
    unit: String,
    readings: Vec<(String, String)>,
    alert: bool,
}

/// The places of one governorate, with their map.
struct Region {
    name: String,
    map: String,
    places: Vec<PlaceLine>,
}

#[derive(Template)]
#[template(path = "sensors/sensors.html")]
struct OverviewPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    regions: Vec<Region>,
    active_alerts: usize,
}

/// The unit code's first two parts: its governorate (or region).
fn region_of(unit: &str) -> String {
    unit.split('-').take(2).collect::<Vec<_>>().join("-")
}

async fn overview(
    State(state): State<AppState>,
    tr: Tr,
    staff: Option<Staff>,
) -> Result<Response, WebError> {
    let app = &state.app;
    let places = app.sensor_places(false).await?;
    let alerts = app.alert_views(true).await?;
    let alerted: Vec<i64> = alerts
        .iter()
        .filter_map(|a| a.place.as_ref().map(|p| p.thing))
        .collect();
    let units = app
        .store
        .all_units()
        .await
        .map_err(baladiya_app::AppError::from)?;
    let unit_name = |code: &str| {
        units
            .iter()
            .find(|u| u.code.as_str() == code)
            .map_or_else(|| code.to_owned(), |u| u.name.get(tr.lang()).to_owned())
    };
    let boundaries = app
        .store
        .boundaries()
        .await
        .map_err(baladiya_app::AppError::from)?;
    let mut regions: Vec<Region> = Vec::new();
    let mut codes: Vec<String> = places
        .iter()
        .map(|p| region_of(p.unit.as_deref().unwrap_or("")))
        .collect();
    codes.dedup();
    codes.sort();
    codes.dedup();
    for code in codes {
        let here: Vec<&Place> = places
            .iter()
            .filter(|p| region_of(p.unit.as_deref().unwrap_or("")) == code)
            .collect();
        let mut lines = Vec::new();
        let mut pins = Vec::new();
        for place in &here {
            let offset = app.local_offset_hours(place.unit.as_deref()).await?;
            let readings: Vec<(String, String)> = place
                .streams
                .iter()
                .map(|s| (measure_name(&tr, s), latest(s, offset, &tr)))
                .collect();
            let href = format!("/sensors/places/{}", place.thing);
            let alert = alerted.contains(&place.thing);
            if let Some((lon, lat)) = place.at {
                let said: Vec<String> = readings.iter().map(|(m, v)| format!("{m}: {v}")).collect();
                pins.push(Pin {
                    lat,
                    lon,
                    href: href.clone(),
                    title: format!("{} — {}", place.name, said.join("، ")),
                    alert,
                });
            }
            lines.push(PlaceLine {
                href,
                name: place.name.clone(),
                unit: place.unit.as_deref().map(&unit_name).unwrap_or_default(),
                readings,
                alert,
            });
        }
        let outlines: Vec<Vec<(f64, f64)>> = boundaries
            .iter()
            .filter(|(unit, _)| !code.is_empty() && unit.starts_with(&code))
            .filter_map(|(unit, geometry)| {
                let unit = baladiya_domain::org::UnitCode::parse(unit).ok()?;
                Boundary::from_geometry_json(unit, geometry).ok()
            })
            .flat_map(|b| b.outer_rings())
            .collect();
        let name = if code.is_empty() {
            tr.t("sensors-elsewhere")
        } else {
            unit_name(&code)
        };
        regions.push(Region {
            map: pin_map(
                &outlines,
                &pins,
                &format!("{}: {name}", tr.t("sensors-map")),
            )
            .unwrap_or_default(),
            name,
            places: lines,
        });
    }
    let user = staff.map(|s| s.0);
    Ok(page(
        OverviewPage {
            tr: &tr,
            user: user.as_ref(),
            regions,
            active_alerts: alerts.len(),
        }
        .render(),
    ))
}
