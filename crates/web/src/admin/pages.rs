//! The staff's pages of units: the units the reader works in, and a
//! unit with its departments and staff.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use baladiya_app::Principal;

use crate::http::auth::Staff;
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff", get(staff_units))
        .route("/staff/units/{code}", get(staff_unit))
}

/// A unit row on the staff page.
#[derive(Debug)]
struct UnitRow {
    name: String,
    kind: String,
    code: String,
    depth: usize,
}

#[derive(Template)]
#[template(path = "admin/staff_units.html")]
struct UnitsPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    count_text: String,
    units: Vec<UnitRow>,
}

async fn staff_units(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
) -> Result<Response, WebError> {
    let units = state.app.visible_units(&who).await?;
    let top = units.iter().map(|u| u.path.depth()).min().unwrap_or(1);
    let rows: Vec<UnitRow> = units
        .iter()
        .map(|u| UnitRow {
            name: u.name.get(tr.lang()).to_owned(),
            kind: tr.t(&format!("kind-{}", u.kind.as_str())),
            code: u.code.to_string(),
            depth: u.path.depth() - top + 1,
        })
        .collect();
    let body = UnitsPage {
        tr: &tr,
        user: Some(&who),
        count_text: tr.count("units-count", "count", rows.len() as i64),
        units: rows,
    }
    .render();
    Ok(page(body))
}

#[derive(Template)]
#[template(path = "admin/staff_unit.html")]
struct UnitPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    name: String,
    kind: String,
    code: String,
    departments: Vec<String>,
}

async fn staff_unit(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let found = state.app.unit_for(&who, &code).await?;
    let body = UnitPage {
        tr: &tr,
        user: Some(&who),
        name: found.unit.name.get(tr.lang()).to_owned(),
        kind: tr.t(&format!("kind-{}", found.unit.kind.as_str())),
        code: found.unit.code.to_string(),
        departments: found
            .departments
            .iter()
            .map(|d| d.name.get(tr.lang()).to_owned())
            .collect(),
    }
    .render();
    Ok(page(body))
}
