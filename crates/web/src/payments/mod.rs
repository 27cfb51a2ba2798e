//! Payments: paying an application's fee through the configured gateway,
//! its signed callback and the return page, the staff's reconciliation;
//! and the simulated gateway the demo and the tests pay through. Calls the
//! app's `payments` use cases.

pub mod checkout;
pub mod simulated_gateway;

use axum::Router;

use crate::http::state::AppState;

/// The payment pages, the gateway's callback and, for the demo and the
/// tests, the simulated gateway.
pub fn routes(simulated: Option<simulated_gateway::SimulatedGateway>) -> Router<AppState> {
    Router::new()
        .merge(checkout::routes())
        .merge(simulated_gateway::routes(simulated))
}

/// The payments' JSON API, under `/api/v1`.
pub fn api_routes() -> Router<AppState> {
    checkout::api_routes()
}
