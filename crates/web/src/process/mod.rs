//! Procedure analytics: the process map of applications with its
//! bottlenecks, variants, conformance and figures by unit and month; the
//! cases behind each figure; event logs written as XES (IEEE 1849) and
//! OCEL 2.0. Calls the app's `process` use cases.

pub mod analysis;
pub mod cases;
pub mod event_log;
pub mod filters;
pub mod map;
pub mod ocel;
pub mod tables;
pub mod xes;

use axum::Router;

use crate::http::state::AppState;

/// The procedure analytics' pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(analysis::routes())
        .merge(cases::routes())
        .merge(tables::routes())
}
