//! Administration: org units and their departments, staff users, roles
//! granted per unit, API tokens; the staff's pages of units. Calls the
//! app's `admin`, `org` and `auth` use cases.

pub mod api;
pub mod pages;

use axum::Router;

use crate::http::state::AppState;

/// The administration's pages.
pub fn routes() -> Router<AppState> {
    pages::routes()
}

/// The administration's JSON API, under `/api/v1`.
pub fn api_routes() -> Router<AppState> {
    api::routes()
}
