//! What this server is and whether it is well: `/healthz` for load
//! balancers and supervisors, the health of a service this server runs
//! beside it (the embedded MQTT broker), and the OpenAPI description of
//! the JSON API at `/api/v1/openapi.json`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::http::state::AppState;

/// Whether a service this server supervises answers, and how many times
/// it stopped answering and was replaced; shown by `/healthz` and
/// `/metrics`.
#[derive(Debug, Clone, Default)]
pub struct ServiceHealth(Arc<HealthState>);

#[derive(Debug, Default)]
struct HealthState {
    up: AtomicBool,
    restarts: AtomicU64,
}

impl ServiceHealth {
    pub fn up(&self) -> bool {
        self.0.up.load(Ordering::Relaxed)
    }

    pub fn restarts(&self) -> u64 {
        self.0.restarts.load(Ordering::Relaxed)
    }

    pub fn set_up(&self, up: bool) {
        self.0.up.store(up, Ordering::Relaxed);
    }

    /// The service was replaced by a new one, which answers.
    pub fn restarted(&self) {
        self.0.restarts.fetch_add(1, Ordering::Relaxed);
        self.set_up(true);
    }
}

/// The OpenAPI 3.1 description of this API, written by hand and checked
/// against the running server by the tests.
const OPENAPI: &str = include_str!("../../openapi.json");

pub async fn openapi() -> impl IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        OPENAPI,
    )
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    engine: &'static str,
    schema_version: Option<i64>,
    supported_schema_version: i64,
    version: &'static str,
    /// The embedded MQTT broker, when this server runs one: `ok`, or
    /// `restarting` while the supervisor replaces it.
    #[serde(skip_serializing_if = "Option::is_none")]
    mqtt_broker: Option<&'static str>,
}

/// `GET /healthz`: 200 when the database answers (and the embedded MQTT
/// broker, if this server runs one), 503 when it does not.
pub async fn healthz(State(state): State<AppState>) -> Response {
    let store = &state.app.store;
    let version = match store.ping().await {
        Ok(()) => store.schema_version().await.ok(),
        Err(error) => {
            tracing::warn!(%error, "health check: database unreachable");
            None
        }
    };
    let broker_up = state.config.mqtt_broker.as_ref().map(|b| b.up());
    let healthy = version.is_some() && broker_up != Some(false);
    let body = Health {
        status: if healthy { "ok" } else { "unavailable" },
        engine: store.engine().as_str(),
        schema_version: version,
        supported_schema_version: store.supported_schema_version(),
        version: env!("CARGO_PKG_VERSION"),
        mqtt_broker: broker_up.map(|up| if up { "ok" } else { "restarting" }),
    };
    let status = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}
