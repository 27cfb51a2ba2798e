//! Sensors: the pages of places, datastreams and alerts, the staff's page
//! of alert rules, places and device credentials, the JSON API, the OGC
//! SensorThings API 1.1 at `/sta/v1.1` with its MQTT extension and the
//! embedded broker behind the MQTT gate. Calls the app's `sensors`,
//! `alerts` and `demo_sensors` use cases.

pub mod alerts;
pub mod api;
pub mod overview;
pub mod place;
pub mod sta;
pub mod staff;
pub mod stream;

use axum::Router;

use crate::http::state::AppState;

/// The sensors' pages and the SensorThings API, whose requests spend at
/// most `limits`.
pub fn routes(limits: sta::Limits) -> Router<AppState> {
    Router::new()
        .merge(overview::routes())
        .merge(place::routes())
        .merge(stream::routes())
        .merge(alerts::routes())
        .merge(staff::routes())
        .merge(sta::routes(limits))
}

/// The sensors' JSON API, under `/api/v1`.
pub fn api_routes() -> Router<AppState> {
    api::api_routes()
}
