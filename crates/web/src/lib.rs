//! The web layer: the only crate that knows HTTP, JSON and HTML.
//!
//! Routes: pages at `/`, the JSON API at `/api/v1`, `/healthz`, embedded
//! assets at `/assets`. Middleware, outermost first: request id, tracing,
//! security headers, body limit, body read timeout, language choice, error
//! rendering, request time limit.

mod api;
mod applications;
mod assets;
mod auth;
mod charts;
mod client;
pub mod dates;
mod error;
pub mod event_log;
mod heatmap;
pub mod i18n;
mod idempotency;
pub mod indicators;
mod json;
mod locale;
mod metrics;
pub mod ocel;
mod open311;
pub mod open_data;
mod pages;
mod payments;
mod process_map;
mod reports;
pub(crate) mod sensors;
mod server;
pub mod simulated_gateway;
mod sta;
mod state;
pub mod tiles;
mod training_api;
mod views;
pub mod xes;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Request, header};
use axum::routing::get;
use baladiya_app::App;
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;

/// The visitor's anti-forgery cookie, which a page form's `csrf` field
/// must repeat.
pub use auth::CSRF_COOKIE;
pub use error::status_of;
pub use server::{ServeOptions, serve};
pub use sta::Limits as StaLimits;
pub use sta::broker::{Embedded as EmbeddedBroker, Health as BrokerHealth};
pub use state::{AppState, WebConfig};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Middleware: answers that may carry personal data — to anyone signed
/// in (a session cookie or a bearer token), on staff pages and on tracking
/// — are never kept by a browser or a shared cache (`no-store`); over HTTPS
/// (a configured `https://` public address) browsers are told to keep to
/// it (HSTS).
async fn private_answers(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request<axum::body::Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = request.uri().path();
    let private = request.headers().contains_key(header::AUTHORIZATION)
        || request
            .headers()
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.contains(auth::SESSION_COOKIE))
        || [
            "/staff",
            "/track",
            "/login",
            "/api/v1/track",
            "/api/v1/inbox",
            "/api/v1/staff",
        ]
        .iter()
        .any(|prefix| path.starts_with(prefix));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if private {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.config.hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// Serves the SensorThings MQTT extension over the broker at `url`
/// (`mqtt://HOST:PORT`) until the process ends, as `client_id` in the
/// shared subscription `group` of the deployment's servers (none for the
/// embedded broker: it serves one, and rumqttd's shared subscriptions do
/// not survive a persistent client's disconnection).
pub fn sensor_mqtt(
    app: App,
    url: &str,
    client_id: String,
    group: Option<String>,
) -> Result<impl std::future::Future<Output = ()> + use<>, String> {
    let broker = sta::mqtt::Broker::parse(url)?;
    let state = AppState::new(app, i18n::I18n::load()?, WebConfig::default());
    Ok(sta::mqtt::run(state, broker, client_id, group))
}

/// Starts the embedded MQTT broker (see [`sta::broker`]).
pub async fn embedded_broker(
    app: App,
    listen: std::net::SocketAddr,
    fall_back: bool,
) -> Result<sta::broker::Embedded, String> {
    sta::broker::start(app, listen, fall_back).await
}

/// Builds the whole application router.
pub fn router(app: App, config: WebConfig) -> Result<Router, String> {
    let state = AppState::new(app, i18n::I18n::load_with(config.digits)?, config);
    let max_body = state.config.max_body_bytes;
    let security = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ));
    Ok(Router::new()
        .merge(pages::routes())
        .merge(tiles::routes())
        .merge(simulated_gateway::routes())
        .merge(payments::routes())
        .merge(open311::routes())
        .merge(sta::routes())
        .merge(reports::public_routes())
        .merge(indicators::public_routes())
        .nest(
            "/api/v1",
            api::routes()
                .merge(applications::routes())
                .merge(reports::api_routes())
                .merge(indicators::api_routes())
                .merge(sensors::api_routes())
                .merge(training_api::api_routes())
                .merge(payments::api_routes()),
        )
        .route("/healthz", get(api::healthz))
        .route("/metrics", get(metrics::scrape))
        .route("/assets/{*path}", get(assets::asset))
        .fallback(error::not_found)
        .layer(axum::middleware::from_fn(json::refuse_forbidden_path))
        .layer(axum::middleware::from_fn_with_state(state.clone(), error::time_limit))
        .layer(axum::middleware::from_fn_with_state(state.clone(), error::render_errors))
        .layer(axum::middleware::from_fn_with_state(state.clone(), locale::choose_language))
        .layer(RequestBodyTimeoutLayer::new(state.config.body_read_timeout))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn_with_state(state.clone(), private_answers))
        .layer(security)
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                        let id = request
                            .headers()
                            .get(REQUEST_ID)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("-");
                        tracing::info_span!("request", id, method = %request.method(), path = %request.uri().path())
                    }),
                )
                .layer(PropagateRequestIdLayer::new(REQUEST_ID)),
        )
        .with_state(state))
}
