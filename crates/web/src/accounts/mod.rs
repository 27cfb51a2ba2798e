//! Citizen accounts: signing in with a one-time code or OpenID Connect,
//! the account's applications, reports, payments and contact details.
//! Calls the app's `citizens` and `oidc` use cases.

pub mod account;
mod api;
pub mod sign_in;

use axum::Router;

use crate::http::state::AppState;

/// The citizen account's pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(sign_in::routes())
        .merge(account::routes())
}

/// A citizen's sign-in for mobile apps.
pub fn api_routes() -> Router<AppState> {
    api::api_routes()
}
