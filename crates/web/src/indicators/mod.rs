//! City indicators (ISO 37120/37122/37123, U4SSC): the public scorecard
//! and an indicator's page with its chart and map, the staff's page of
//! values entered by hand, the JSON API and the CSV of values. Calls the
//! app's `indicators` use cases.

mod api;
mod scorecard;
mod staff;

pub use api::{CSV_HEADER, csv_record};

use axum::Router;

use crate::http::state::AppState;

/// The indicators' pages and open data.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(scorecard::routes())
        .merge(staff::routes())
        .merge(api::public_routes())
}

/// The indicators' JSON API, under `/api/v1`.
pub fn api_routes() -> Router<AppState> {
    api::api_routes()
}
