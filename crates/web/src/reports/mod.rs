//! Citizen reports: the map and the report form, a report's page with
//! following and the reporter's confirmation, the staff's queue, a report's
//! handling and the overview with its heat map; the JSON API, Open311
//! GeoReport v2 at `/open311/v2`, and the open data of reports (GeoJSON,
//! CSV). Calls the app's `reports`, `report_categories`, `photos` and
//! `boundaries` use cases.

pub mod api;
pub mod map;
pub mod new;
pub mod open311;
pub mod open_data;
pub mod report;
pub mod staff;

use axum::Router;

use crate::http::state::AppState;

/// The reports' pages, Open311 and open data.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(map::routes())
        .merge(new::routes())
        .merge(report::routes())
        .merge(staff::routes())
        .merge(open311::routes())
        .merge(api::public_routes())
}

/// The reports' JSON API, under `/api/v1`.
pub fn api_routes() -> Router<AppState> {
    api::api_routes()
}
