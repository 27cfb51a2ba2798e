//! The one-stop shop: the published catalog and its search, applying
//! online or at the counter, tracking, completing a returned application,
//! rating, the printable license and its public verification; the staff
//! inbox, an application's actions and documents, and counter intake.
//! Calls the app's `services`, `applications`, `assignment`, `issuance`,
//! `attachments` and `catalog` use cases.

pub mod api;
pub mod apply;
pub mod case;
pub mod catalog;
pub mod inbox;
pub mod intake;
pub mod license;
pub mod track;
pub mod views;

use axum::Router;

use crate::http::state::AppState;

/// The shop's pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(catalog::routes())
        .merge(apply::routes())
        .merge(track::routes())
        .merge(license::routes())
        .merge(inbox::routes())
        .merge(case::routes())
        .merge(intake::routes())
}

/// The shop's JSON API, under `/api/v1`.
pub fn api_routes() -> Router<AppState> {
    api::routes()
}
