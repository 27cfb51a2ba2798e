//! Smart-city indicator pages, public: a unit's scorecard by dimension,
//! and one indicator's definition, twelve months and the units below it
//! compared — each chart drawn on the server beside a table of its numbers.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use baladiya_app::Principal;
use baladiya_app::indicators::ScoreLine;
use baladiya_domain::ErrorCode;
use baladiya_domain::boundaries::Boundary;
use baladiya_domain::indicators::{Dimension, Month, Standard};
use baladiya_domain::org::{OrgUnit, UnitCode};
use serde::Deserialize;

use crate::drawing::charts::{Area, choropleth, line_chart, number, sparkline};
use crate::http::auth::Staff;
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::WebQuery;
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/indicators", get(scorecard))
        .route("/indicators/detail", get(detail))
}

#[derive(Deserialize)]
struct Which {
    unit: Option<String>,
    month: Option<String>,
    code: Option<String>,
}

/// A unit to show, and the way up and down from it.
struct Place {
    unit: OrgUnit,
    name: String,
    parent: Option<(String, String)>,
    children: Vec<(String, String)>,
    roots: Vec<(String, String)>,
}

/// The unit asked for (by code), or the first top-level unit.
async fn place(state: &AppState, tr: &Tr, code: Option<&str>) -> Result<Place, WebError> {
    let units = state
        .app
        .store
        .all_units()
        .await
        .map_err(baladiya_app::AppError::from)?;
    let named = |u: &OrgUnit| (u.code.to_string(), u.name.get(tr.lang()).to_owned());
    let unit = match code.filter(|c| !c.is_empty()) {
        Some(code) => {
            let code = UnitCode::parse(code).map_err(|e| WebError::field("unit", e))?;
            units.iter().find(|u| u.code == code)
        }
        None => units.iter().find(|u| u.parent_id.is_none()),
    }
    .cloned()
    .ok_or(WebError::new(ErrorCode::NotFound))?;
    Ok(Place {
        name: unit.name.get(tr.lang()).to_owned(),
        parent: units
            .iter()
            .find(|u| Some(u.id) == unit.parent_id)
            .map(named),
        children: units
            .iter()
            .filter(|u| u.parent_id == Some(unit.id))
            .map(named)
            .collect(),
        roots: units
            .iter()
            .filter(|u| u.parent_id.is_none())
            .map(named)
            .collect(),
        unit,
    })
}

fn month_of(state: &AppState, text: Option<&str>) -> Result<Month, WebError> {
    match text.filter(|t| !t.is_empty()) {
        Some(text) => Month::parse(text).map_err(|e| WebError::field("month", e)),
        None => Ok(Month::of(state.app.now().date_naive())),
    }
}

/// One line of the scorecard as shown.
struct Row {
    code: String,
    name: String,
    value: String,
    /// The unit of measure, shown beside a value (none without one).
    unit: String,
    target: String,
    standing: &'static str,
    sparkline: String,
    coverage: String,
    source: String,
}

fn row(tr: &Tr, line: &ScoreLine) -> Row {
    let i = &line.indicator;
    let lang = tr.lang();
    let values: Vec<Option<f64>> = line.series.iter().map(|(_, v)| *v).collect();
    Row {
        code: i.code.clone(),
        name: i.name.get(lang).to_owned(),
        value: line
            .value()
            .map(number)
            .unwrap_or_else(|| tr.t("indicator-no-value")),
        unit: line
            .value()
            .map(|_| i.unit.get(lang).to_owned())
            .unwrap_or_default(),
        target: i.target.map(|t| number(t.value)).unwrap_or_default(),
        standing: line.standing.map_or("", |s| s.as_str()),
        sparkline: sparkline(&values, &tr.t("indicator-trend")),
        coverage: line
            .coverage
            .map(|(n, of)| format!("{n}/{of}"))
            .unwrap_or_default(),
        source: tr.t(match i.standard {
            Standard::U4ssc => "standard-u4ssc",
            Standard::Iso37120 => "standard-iso-37120",
            Standard::Iso37122 => "standard-iso-37122",
            Standard::Baladiya => "standard-baladiya",
        }),
    }
}

#[derive(Template)]
#[template(path = "indicators/indicators.html")]
struct ScorecardPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    place: Place,
    month: String,
    previous: String,
    next: String,
    sections: Vec<(String, Vec<Row>)>,
}

async fn scorecard(
    State(state): State<AppState>,
    tr: Tr,
    staff: Option<Staff>,
    WebQuery(which): WebQuery<Which>,
) -> Result<Response, WebError> {
    let place = place(&state, &tr, which.unit.as_deref()).await?;
    let month = month_of(&state, which.month.as_deref())?;
    let lines = state.app.scorecard(&place.unit, month).await?;
    let sections = [
        (Dimension::Economy, "dimension-economy"),
        (Dimension::Environment, "dimension-environment"),
        (Dimension::SocietyAndCulture, "dimension-society"),
    ]
    .into_iter()
    .map(|(dimension, key)| {
        let rows = lines
            .iter()
            .filter(|l| l.indicator.dimension == dimension)
            .map(|l| row(&tr, l))
            .collect();
        (tr.t(key), rows)
    })
    .collect();
    let user = staff.map(|s| s.0);
    let body = ScorecardPage {
        tr: &tr,
        user: user.as_ref(),
        place,
        month: month.to_string(),
        previous: month.previous().to_string(),
        next: month.next().to_string(),
        sections,
    }
    .render();
    Ok(page(body))
}

#[derive(Template)]
#[template(path = "indicators/indicator.html")]
struct DetailPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    place: Place,
    month: String,
    row: Row,
    definition: String,
    reference: String,
    numerator: String,
    denominator: String,
    chart: String,
    /// The units below on a map, shaded by value (empty without boundaries).
    map: String,
    series: Vec<(String, String)>,
    compared: Vec<(String, String, String)>,
    /// The month's value service by service or category by category:
    /// (name, value, numerator, denominator).
    parts: Vec<(String, String, String, String)>,
}

async fn detail(
    State(state): State<AppState>,
    tr: Tr,
    staff: Option<Staff>,
    WebQuery(which): WebQuery<Which>,
) -> Result<Response, WebError> {
    let place = place(&state, &tr, which.unit.as_deref()).await?;
    let month = month_of(&state, which.month.as_deref())?;
    let code = which.code.unwrap_or_default();
    let (line, compared) = state
        .app
        .indicator_detail(&code, &place.unit, month)
        .await?;
    let parts = state.app.indicator_parts(&code, &place.unit, month).await?;
    let lang = tr.lang();
    let i = &line.indicator;
    let values: Vec<Option<f64>> = line.series.iter().map(|(_, v)| *v).collect();
    let first = line
        .series
        .first()
        .map(|(m, _)| m.to_string())
        .unwrap_or_default();
    let boundaries = state
        .app
        .store
        .boundaries()
        .await
        .map_err(baladiya_app::AppError::from)?;
    let areas: Vec<Area> = compared
        .iter()
        .filter_map(|(u, v)| {
            let (_, geometry) = boundaries
                .iter()
                .find(|(code, _)| code == u.code.as_str())?;
            let boundary = Boundary::from_geometry_json(u.code.clone(), geometry).ok()?;
            Some(Area {
                name: u.name.get(lang).to_owned(),
                href: format!(
                    "/indicators/detail?code={}&unit={}&month={month}",
                    crate::http::auth::urlencode(&code),
                    u.code
                ),
                rings: boundary.outer_rings(),
                value: *v,
            })
        })
        .collect();
    let map = choropleth(
        &areas,
        &tr.t("indicator-map"),
        i.direction == baladiya_domain::indicators::Direction::HigherIsBetter,
    )
    .unwrap_or_default();
    let user = staff.map(|s| s.0);
    let body = DetailPage {
        tr: &tr,
        user: user.as_ref(),
        month: month.to_string(),
        definition: i.definition.get(lang).to_owned(),
        reference: i.reference.clone(),
        numerator: i.numerator.get(lang).to_owned(),
        denominator: i
            .denominator
            .as_ref()
            .map(|d| d.get(lang).to_owned())
            .unwrap_or_default(),
        chart: line_chart(&values, i.name.get(lang), &first, &month.to_string()),
        map,
        series: line
            .series
            .iter()
            .map(|(m, v)| (m.to_string(), v.map(number).unwrap_or_default()))
            .collect(),
        compared: compared
            .iter()
            .map(|(u, v)| {
                (
                    u.code.to_string(),
                    u.name.get(lang).to_owned(),
                    v.map(number).unwrap_or_else(|| tr.t("indicator-no-value")),
                )
            })
            .collect(),
        parts: parts
            .iter()
            .map(|p| {
                (
                    p.name
                        .as_ref()
                        .map_or_else(|| p.code.clone(), |n| n.get(lang).to_owned()),
                    p.value
                        .map(number)
                        .unwrap_or_else(|| tr.t("indicator-no-value")),
                    number(p.numerator),
                    number(p.denominator),
                )
            })
            .collect(),
        row: row(&tr, &line),
        place,
    }
    .render();
    Ok(page(body))
}
