//! Sensor pages, Arabic first and readable without JavaScript: a map of
//! the places with their latest readings, a place's page (a building's
//! energy and water, night flow, its alerts), a datastream's chart over a
//! chosen range beside its table, the alerts; and the staff page of alert
//! rules and device credentials.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use baladiya_app::Principal;
use baladiya_app::alerts::{AlertView, RuleInput};
use baladiya_app::sensors::{Place, Step, Stream};
use baladiya_domain::ErrorCode;
use baladiya_domain::boundaries::Boundary;
use baladiya_domain::sensors::measure::{Measure, per_square_metre_a_year};
use baladiya_domain::sensors::rules::Condition;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use crate::drawing::charts::{Pin, line_chart, number, pin_map};
use crate::http::auth::Staff;
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::{WebForm, WebQuery};
use crate::http::state::AppState;
use crate::http::views::SummaryItem;
use crate::http::views::summary;
use crate::sensors::api::entity_id;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sensors", get(overview))
        .route("/sensors/places/{thing}", get(place_page))
        .route("/sensors/datastreams/{id}", get(stream_page))
        .route("/sensors/alerts", get(alerts_page))
        .route("/staff/sensors", get(staff_page))
        .route("/staff/sensors/rules", post(create_rule))
        .route("/staff/sensors/rules/{id}", post(switch_rule))
        .route("/staff/sensors/credentials", post(credential))
        .route("/staff/sensors/places", post(create_place))
        .route("/staff/sensors/places/{thing}/delete", post(delete_place))
        .route("/staff/sensors/datastreams/{id}", post(switch_private))
}

/// A time as the place's people read it (its unit's local time).
fn local(time: DateTime<Utc>, offset: i32) -> String {
    (time + Duration::hours(offset.into()))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// A datastream's latest reading as a line of text.
fn latest(stream: &Stream, offset: i32, tr: &Tr) -> String {
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

fn measure_name(tr: &Tr, stream: &Stream) -> String {
    stream
        .measure
        .map_or_else(|| stream.name.clone(), |m| tr.t(m.key()))
}

/// A rule's condition in words.
fn condition_text(tr: &Tr, condition: Option<Condition>, symbol: &str) -> String {
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

/// Small flows with their hundredths (0.04 m³/h).
fn number_fine(value: f64) -> String {
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

/// An alert as the pages list it.
struct AlertLine {
    place_href: String,
    place: String,
    stream: String,
    condition: String,
    opened: String,
    value: String,
    closed: String,
    report: Option<i64>,
}

fn alert_line(tr: &Tr, a: &AlertView, offset: i32) -> AlertLine {
    let symbol = a.stream.as_ref().map(|s| s.symbol.as_str()).unwrap_or("");
    let condition = Condition::parse(&a.alert.kind, a.alert.threshold, a.alert.minutes).ok();
    AlertLine {
        place_href: a
            .place
            .as_ref()
            .map(|p| format!("/sensors/places/{}", p.thing))
            .unwrap_or_default(),
        place: a.place.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
        stream: a
            .stream
            .as_ref()
            .map(|s| measure_name(tr, s))
            .unwrap_or_default(),
        condition: condition_text(tr, condition, symbol),
        opened: local(a.alert.opened_at, offset),
        value: a
            .alert
            .opening_value
            .map(|v| format!("{} {symbol}", number(v)))
            .unwrap_or_default(),
        closed: a
            .alert
            .closed_at
            .map(|t| local(t, offset))
            .unwrap_or_default(),
        report: a.alert.report_id,
    }
}

#[derive(Template)]
#[template(path = "sensors/sensor_alerts.html")]
struct AlertsPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    active: Vec<AlertLine>,
    history: Vec<AlertLine>,
}

async fn alerts_page(
    State(state): State<AppState>,
    tr: Tr,
    staff: Option<Staff>,
) -> Result<Response, WebError> {
    let app = &state.app;
    let mut active = Vec::new();
    let mut history = Vec::new();
    for a in app.alert_views(false).await? {
        // Public: alerts of public datastreams only.
        if a.stream.as_ref().is_none_or(|s| s.private) {
            continue;
        }
        let offset = app
            .local_offset_hours(a.place.as_ref().and_then(|p| p.unit.as_deref()))
            .await?;
        let line = alert_line(&tr, &a, offset);
        if a.alert.closed_at.is_none() {
            active.push(line);
        } else {
            history.push(line);
        }
    }
    let user = staff.map(|s| s.0);
    Ok(page(
        AlertsPage {
            tr: &tr,
            user: user.as_ref(),
            active,
            history,
        }
        .render(),
    ))
}

/// A rule on the staff page.
struct RuleLine {
    id: i64,
    place: String,
    stream: String,
    condition: String,
    category: String,
    notify: String,
    active: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct RuleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    datastream: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    threshold: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    notify: String,
}

#[derive(Template)]
#[template(path = "sensors/staff_sensors.html")]
struct StaffSensorsPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    errors: Vec<SummaryItem>,
    notice: Option<String>,
    rules: Vec<RuleLine>,
    streams: Vec<(i64, String)>,
    kinds: Vec<(String, String)>,
    categories: Vec<(String, String)>,
    form: RuleForm,
    credentials: Vec<(String, String, bool)>,
    places: Vec<PlaceLineStaff>,
    units: Vec<(String, String)>,
    place: PlaceForm,
}

/// A place on the staff page: its Thing, name and datastreams (id, name,
/// private).
type PlaceLineStaff = (i64, String, Vec<(i64, String, bool)>);

#[derive(Debug, Clone, Default, Deserialize)]
struct PlaceForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    floor_area: String,
    #[serde(default)]
    lat: String,
    #[serde(default)]
    long: String,
    #[serde(default)]
    electricity: String,
    #[serde(default)]
    water: String,
    #[serde(default)]
    pm25: String,
    #[serde(default)]
    pm10: String,
    #[serde(default)]
    no2: String,
    #[serde(default)]
    noise: String,
}

impl PlaceForm {
    fn measures(&self) -> Vec<String> {
        [
            ("electricity", &self.electricity),
            ("water", &self.water),
            ("pm25", &self.pm25),
            ("pm10", &self.pm10),
            ("no2", &self.no2),
            ("noise", &self.noise),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(m, _)| (*m).to_owned())
        .collect()
    }
}

/// Only those who manage the organisation somewhere see this page.
fn require_manager(who: &Principal) -> Result<(), WebError> {
    if who.can_manage_org() {
        Ok(())
    } else {
        Err(WebError::new(ErrorCode::Forbidden))
    }
}

async fn render_staff(
    state: &AppState,
    tr: &Tr,
    who: &Principal,
    errors: Vec<SummaryItem>,
    notice: Option<String>,
    form: RuleForm,
) -> Result<Response, WebError> {
    render_staff_with(state, tr, who, errors, notice, form, PlaceForm::default()).await
}

async fn render_staff_with(
    state: &AppState,
    tr: &Tr,
    who: &Principal,
    errors: Vec<SummaryItem>,
    notice: Option<String>,
    form: RuleForm,
    place: PlaceForm,
) -> Result<Response, WebError> {
    let app = &state.app;
    let all_places = app.sensor_places(true).await?;
    let places = all_places
        .iter()
        .map(|p| {
            let streams = p
                .streams
                .iter()
                .map(|s| {
                    (
                        s.id,
                        format!("{} ({})", measure_name(tr, s), s.symbol),
                        s.private,
                    )
                })
                .collect();
            (p.thing, p.name.clone(), streams)
        })
        .collect();
    let units = app
        .store
        .all_units()
        .await
        .map_err(baladiya_app::AppError::from)?
        .iter()
        .filter(|u| {
            who.access
                .can(baladiya_domain::people::Permission::ManageOrg, &u.path)
        })
        .map(|u| (u.code.to_string(), u.name.get(tr.lang()).to_owned()))
        .collect();
    let rules = app
        .rule_views()
        .await?
        .into_iter()
        .map(|r| RuleLine {
            id: r.rule.id,
            place: r.place.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
            stream: r
                .stream
                .as_ref()
                .map(|s| measure_name(tr, s))
                .unwrap_or_default(),
            condition: condition_text(
                tr,
                r.condition,
                r.stream.as_ref().map(|s| s.symbol.as_str()).unwrap_or(""),
            ),
            category: app.report_category(&r.rule.category).map_or_else(
                || r.rule.category.clone(),
                |c| c.name.get(tr.lang()).to_owned(),
            ),
            notify: r.rule.notify.clone().unwrap_or_default(),
            active: r.rule.active,
        })
        .collect();
    let streams = all_places
        .iter()
        .flat_map(|p| {
            p.streams
                .iter()
                .map(|s| {
                    (
                        s.id,
                        format!("{} — {} ({})", p.name, measure_name(tr, s), s.symbol),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let credentials = app
        .store
        .sta_credentials()
        .await
        .map_err(baladiya_app::AppError::from)?
        .into_iter()
        .map(|(name, at, revoked)| (name, at.format("%Y-%m-%d").to_string(), revoked))
        .collect();
    Ok(page(
        StaffSensorsPage {
            tr,
            user: Some(who),
            errors,
            notice,
            rules,
            streams,
            kinds: ["above", "below", "rise", "silence", "night-flow"]
                .iter()
                .map(|k| (k.to_string(), tr.t(&format!("rule-kind-{k}"))))
                .collect(),
            categories: app
                .report_categories()
                .iter()
                .map(|c| (c.code.clone(), c.name.get(tr.lang()).to_owned()))
                .collect(),
            form,
            credentials,
            places,
            units,
            place,
        }
        .render(),
    ))
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

async fn staff_page(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    WebQuery(q): WebQuery<Done>,
) -> Result<Response, WebError> {
    require_manager(&who)?;
    let notice = q
        .done
        .filter(|d| ["rule", "switched", "revoked", "place", "deleted"].contains(&d.as_str()))
        .map(|d| tr.t(&format!("staff-sensors-done-{d}")));
    render_staff(&state, &tr, &who, Vec::new(), notice, RuleForm::default()).await
}

async fn create_rule(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    WebForm(form): WebForm<RuleForm>,
) -> Result<Response, WebError> {
    crate::http::auth::require_staff_csrf(&who, &form.csrf)?;
    require_manager(&who)?;
    let input = RuleInput {
        datastream: form.datastream.clone(),
        kind: form.kind.clone(),
        threshold: form.threshold.clone(),
        minutes: form.minutes.clone(),
        category: form.category.clone(),
        notify: form.notify.clone(),
    };
    match state.app.create_rule(&who, &input).await {
        Ok(_) => {
            // Judge it on the readings there are now.
            if let Ok(id) = form.datastream.trim().parse::<i64>()
                && let Err(error) = state.app.evaluate_rules(Some(id)).await
            {
                tracing::warn!(?error, "could not judge a new rule");
            }
            Ok(Redirect::to("/staff/sensors?done=rule").into_response())
        }
        Err(error) => {
            let errors = summary(&tr, error)?;
            render_staff(&state, &tr, &who, errors, None, form).await
        }
    }
}

#[derive(Deserialize)]
struct SwitchForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    active: String,
}

async fn switch_rule(
    State(state): State<AppState>,
    Staff(who): Staff,
    Path(id): Path<String>,
    WebForm(form): WebForm<SwitchForm>,
) -> Result<Response, WebError> {
    crate::http::auth::require_staff_csrf(&who, &form.csrf)?;
    let id = entity_id(&id)?;
    state
        .app
        .set_rule_active(&who, id, form.active == "true")
        .await?;
    Ok(Redirect::to("/staff/sensors?done=switched").into_response())
}

#[derive(Deserialize)]
struct CredentialForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    revoke: String,
}

/// Issues a device credential (its secret shown once, on this answer) or
/// revokes one.
async fn credential(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    WebForm(form): WebForm<CredentialForm>,
) -> Result<Response, WebError> {
    crate::http::auth::require_staff_csrf(&who, &form.csrf)?;
    require_manager(&who)?;
    if form.revoke == "true" {
        state.app.revoke_sensor_credential(&form.username).await?;
        return Ok(Redirect::to("/staff/sensors?done=revoked").into_response());
    }
    match state
        .app
        .issue_sensor_credential_as(&who, &form.username)
        .await
    {
        Ok(secret) => {
            let notice = format!(
                "{} {}:{secret}",
                tr.t("staff-sensors-credential-issued"),
                form.username.trim()
            );
            render_staff(
                &state,
                &tr,
                &who,
                Vec::new(),
                Some(notice),
                RuleForm::default(),
            )
            .await
        }
        Err(error) => {
            let errors = summary(&tr, error)?;
            render_staff(&state, &tr, &who, errors, None, RuleForm::default()).await
        }
    }
}

async fn create_place(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    WebForm(form): WebForm<PlaceForm>,
) -> Result<Response, WebError> {
    crate::http::auth::require_staff_csrf(&who, &form.csrf)?;
    require_manager(&who)?;
    let input = baladiya_app::sensors::PlaceInput {
        name: form.name.clone(),
        description: form.description.clone(),
        unit: form.unit.clone(),
        floor_area: form.floor_area.clone(),
        lat: form.lat.clone(),
        long: form.long.clone(),
        measures: form.measures(),
    };
    match state.app.create_place(&who, &input).await {
        Ok(_) => Ok(Redirect::to("/staff/sensors?done=place").into_response()),
        Err(error) => {
            let errors = summary(&tr, error)?;
            render_staff_with(&state, &tr, &who, errors, None, RuleForm::default(), form).await
        }
    }
}

#[derive(Deserialize)]
struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

async fn delete_place(
    State(state): State<AppState>,
    Staff(who): Staff,
    Path(thing): Path<String>,
    WebForm(form): WebForm<CsrfOnly>,
) -> Result<Response, WebError> {
    crate::http::auth::require_staff_csrf(&who, &form.csrf)?;
    let thing = entity_id(&thing)?;
    state.app.delete_place(&who, thing).await?;
    Ok(Redirect::to("/staff/sensors?done=deleted").into_response())
}

#[derive(Deserialize)]
struct PrivateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    private: String,
}

async fn switch_private(
    State(state): State<AppState>,
    Staff(who): Staff,
    Path(id): Path<String>,
    WebForm(form): WebForm<PrivateForm>,
) -> Result<Response, WebError> {
    crate::http::auth::require_staff_csrf(&who, &form.csrf)?;
    let id = entity_id(&id)?;
    state
        .app
        .set_datastream_private(&who, id, form.private == "true")
        .await?;
    Ok(Redirect::to("/staff/sensors?done=switched").into_response())
}
