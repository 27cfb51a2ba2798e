//! The site around the capabilities: the home page, the accessibility
//! statement, the privacy notice, staff sign-in and sign-out.

pub mod home;
pub mod login;

use axum::Router;

use crate::http::state::AppState;

/// The site's pages.
pub fn routes() -> Router<AppState> {
    Router::new().merge(home::routes()).merge(login::routes())
}
