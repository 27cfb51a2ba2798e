//! `GET /metrics`: what operators watch in production, in the OpenMetrics
//! text format Prometheus scrapes (`prometheus-client`, the Prometheus
//! project's own Rust library): requests and their latency by route
//! (the matched route's template, never the raw path), method and status;
//! the database pool's use; the notification outbox's depth and the age of
//! its oldest message; the background jobs' runs. Only a scraper holding
//! the deployment's `metrics_token` (a bearer token) is answered; without a
//! token configured the endpoint does not exist.

use std::sync::atomic::Ordering;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use baladiya_domain::ErrorCode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::http::error::WebError;
use crate::http::state::AppState;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    job: &'static str,
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobName {
    job: &'static str,
}

type Seconds = Gauge<f64, std::sync::atomic::AtomicU64>;

fn latency_buckets() -> Histogram {
    // 1 ms to about 16 s, doubling.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// The registry and the handles the middleware and the scrape update.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RequestLabels, Histogram, fn() -> Histogram>,
    pool: Family<PoolLabels, Gauge>,
    outbox_pending: Gauge,
    outbox_oldest: Seconds,
    job_runs: Family<JobLabels, Counter>,
    job_last_run: Family<JobName, Seconds>,
    mqtt_up: Gauge,
    mqtt_restarts: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("baladiya");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "Requests answered, by method, matched route and status",
            requests.clone(),
        );
        let latency = Family::<RequestLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_buckets,
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request, by method, matched route and status",
            latency.clone(),
        );
        let pool = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Database connections: open, idle, and the pool's maximum",
            pool.clone(),
        );
        let outbox_pending = Gauge::default();
        registry.register(
            "outbox_pending",
            "Notifications written and not delivered yet",
            outbox_pending.clone(),
        );
        let outbox_oldest = Seconds::default();
        registry.register(
            "outbox_oldest_age_seconds",
            "Age of the oldest notification not delivered yet (0 when none waits)",
            outbox_oldest.clone(),
        );
        let job_runs = Family::<JobLabels, Counter>::default();
        registry.register(
            "job_runs",
            "Background job runs since the server started, by job and outcome",
            job_runs.clone(),
        );
        let job_last_run = Family::<JobName, Seconds>::default();
        registry.register(
            "job_last_run_timestamp_seconds",
            "When each background job last ran (Unix time)",
            job_last_run.clone(),
        );
        let mqtt_up = Gauge::default();
        registry.register(
            "mqtt_broker_up",
            "Whether the embedded MQTT broker answers a sign-in (1) or not (0)",
            mqtt_up.clone(),
        );
        let mqtt_restarts = Counter::default();
        registry.register(
            "mqtt_broker_restarts",
            "Times the embedded MQTT broker stopped answering and was replaced",
            mqtt_restarts.clone(),
        );
        Self {
            mqtt_up,
            mqtt_restarts,
            registry,
            requests,
            latency,
            pool,
            outbox_pending,
            outbox_oldest,
            job_runs,
            job_last_run,
        }
    }
}

/// A request's method as a label: one of the methods of HTTP's own
/// registry the site answers, or `other` for any made-up token (hyper
/// accepts any, and each new label value would be a series kept forever).
fn method_label(method: &axum::http::Method) -> &'static str {
    match method.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}

/// Counts every request and its time, labelled by the route it matched.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let labels = RequestLabels {
        method,
        route,
        status: response.status().as_u16(),
    };
    let metrics = &state.metrics;
    metrics.requests.get_or_create(&labels).inc();
    metrics
        .latency
        .get_or_create(&labels)
        .observe(started.elapsed().as_secs_f64());
    response
}

/// The scrape: the request figures kept, the pool, outbox and jobs read
/// now.
pub async fn scrape(State(state): State<AppState>, request: Request) -> Result<Response, WebError> {
    let Some(expected) = state.config.metrics_token.as_deref() else {
        return Err(WebError::new(ErrorCode::NotFound));
    };
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !crate::http::auth::same_secret(expected, given) {
        return Err(WebError::new(ErrorCode::Unauthenticated));
    }
    let metrics = &state.metrics;
    let pool = state.app.store.pool_use();
    for (name, value) in [("open", pool.open), ("idle", pool.idle), ("max", pool.max)] {
        metrics
            .pool
            .get_or_create(&PoolLabels { state: name })
            .set(i64::from(value));
    }
    let outbox = state
        .app
        .store
        .outbox_depth()
        .await
        .map_err(baladiya_app::AppError::from)?;
    metrics.outbox_pending.set(outbox.pending);
    if let Some(broker) = &state.config.mqtt_broker {
        metrics.mqtt_up.set(i64::from(broker.up()));
        metrics
            .mqtt_restarts
            .inner()
            .store(broker.restarts(), Ordering::Relaxed);
    }
    let now = state.app.now();
    metrics.outbox_oldest.set(
        outbox
            .oldest
            .map_or(0.0, |t| (now - t).num_milliseconds().max(0) as f64 / 1000.0),
    );
    for (job, runs) in state.app.job_runs() {
        for (outcome, count) in [("succeeded", runs.succeeded), ("failed", runs.failed)] {
            metrics
                .job_runs
                .get_or_create(&JobLabels { job, outcome })
                .inner()
                .store(count, Ordering::Relaxed);
        }
        if let Some(at) = runs.last_run {
            metrics
                .job_last_run
                .get_or_create(&JobName { job })
                .set(at.timestamp_millis() as f64 / 1000.0);
        }
    }
    let mut body = String::new();
    prometheus_client::encoding::text::encode(&mut body, &metrics.registry)
        .map_err(|e| WebError::from(baladiya_app::AppError::Internal(e.to_string())))?;
    Ok((
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
        )],
        body,
    )
        .into_response())
}
