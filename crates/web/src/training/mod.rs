//! The training center: the public catalog of courses and the verification
//! of certificates; the staff's plan, sessions and rosters, nominations,
//! attendance and scores, a trainee's record, reports and training needs;
//! the JSON API. Calls the app's `training`, `training_plan`,
//! `training_records` and `training_certificates` use cases.

pub mod api;
pub mod calendar;
pub mod needs;
pub mod plan;
pub mod records;
pub mod reports;
pub mod sessions;

use axum::Router;

use crate::http::state::AppState;

/// The training center's pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(calendar::routes())
        .merge(sessions::routes())
        .merge(records::routes())
        .merge(reports::routes())
        .merge(needs::routes())
        .merge(plan::routes())
}

/// The training center's JSON API, under `/api/v1`.
pub fn api_routes() -> Router<AppState> {
    api::api_routes()
}
