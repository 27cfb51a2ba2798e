//! The web layer: the only crate that knows HTTP, JSON and HTML.
//!
//! Routes: pages at `/`, the JSON API at `/api/v1`, `/healthz`, embedded
//! assets at `/assets`. Middleware, outermost first: request id, tracing,
//! security headers, body limit, body read timeout, language choice, error
//! rendering, request time limit.

mod accounts;
mod admin;
mod drawing;
mod http;
pub mod indicators;
mod participation;
mod payments;
mod process;
mod reports;
mod sensors;
mod shop;
mod site;
mod training;

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
pub use http::auth::CSRF_COOKIE;
pub use http::error::status_of;
pub use http::server::{ServeOptions, serve};
pub use http::state::{AppState, WebConfig};
pub use http::{dates, i18n};
pub use payments::simulated_gateway;
pub use process::{event_log, ocel, xes};
pub use reports::open_data;
pub use sensors::sta::Limits as StaLimits;
pub use sensors::sta::broker::{Embedded as EmbeddedBroker, Health as BrokerHealth};

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
            .any(|v| v.contains(http::auth::SESSION_COOKIE))
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
    let broker = sensors::sta::mqtt::Broker::parse(url)?;
    let state = AppState::new(app, http::i18n::I18n::load()?, WebConfig::default());
    Ok(sensors::sta::mqtt::run(state, broker, client_id, group))
}

/// Starts the embedded MQTT broker (see [`sensors::sta::broker`]).
pub async fn embedded_broker(
    app: App,
    listen: std::net::SocketAddr,
    fall_back: bool,
) -> Result<sensors::sta::broker::Embedded, String> {
    sensors::sta::broker::start(app, listen, fall_back).await
}

/// What the capabilities are given beside the HTTP settings.
#[derive(Debug, Clone, Default)]
pub struct Capabilities {
    /// What one SensorThings request may cost.
    pub sta: StaLimits,
    /// The simulated payment gateway, for the demo and the tests.
    pub simulated_gateway: Option<simulated_gateway::SimulatedGateway>,
}

/// Builds the whole application router.
pub fn router(app: App, config: WebConfig, capabilities: Capabilities) -> Result<Router, String> {
    let state = AppState::new(app, http::i18n::I18n::load_with(config.digits)?, config);
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
        .merge(site::routes())
        .merge(admin::routes())
        .merge(shop::routes())
        .merge(reports::routes())
        .merge(indicators::routes())
        .merge(sensors::routes(capabilities.sta))
        .merge(process::routes())
        .merge(training::routes())
        .merge(accounts::routes())
        .merge(participation::routes())
        .merge(payments::routes(capabilities.simulated_gateway))
        .merge(drawing::tiles::routes())
        .nest(
            "/api/v1",
            admin::api_routes()
                .merge(shop::api_routes())
                .merge(reports::api_routes())
                .merge(indicators::api_routes())
                .merge(sensors::api_routes())
                .merge(training::api_routes())
                .merge(accounts::api_routes())
                .merge(participation::api_routes())
                .merge(payments::api_routes()),
        )
        .route("/healthz", get(http::health::healthz))
        .route("/api/v1/openapi.json", get(http::health::openapi))
        .route("/metrics", get(http::metrics::scrape))
        .route("/assets/{*path}", get(http::assets::asset))
        .fallback(http::error::not_found)
        .layer(axum::middleware::from_fn(http::json::refuse_forbidden_path))
        .layer(axum::middleware::from_fn_with_state(state.clone(), http::error::time_limit))
        .layer(axum::middleware::from_fn_with_state(state.clone(), http::error::render_errors))
        .layer(axum::middleware::from_fn_with_state(state.clone(), http::locale::choose_language))
        .layer(RequestBodyTimeoutLayer::new(state.config.body_read_timeout))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn_with_state(state.clone(), private_answers))
        .layer(security)
        .layer(axum::middleware::from_fn_with_state(state.clone(), http::metrics::track))
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
