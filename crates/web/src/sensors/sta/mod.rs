//! The OGC SensorThings API 1.1 (Sensing part) at `/sta/v1.1/`: resource
//! paths through navigation properties, entities with their self and
//! navigation links, query options, create (deep insert, links by
//! `@iot.id`), update (JSON merge patch, JSON Patch, PUT), delete, and the
//! Data Array extension's `CreateObservations`. Reading is public unless a
//! Datastream is private; writing needs a device credential (HTTP Basic,
//! or the secret as a bearer token).

pub mod broker;
mod gate;
mod graph;
mod limits;
pub mod mqtt;
mod path;
mod permit;
mod plan;
mod render;
mod write;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Router};
use baladiya_app::AppError;
use baladiya_app::sensors::SensorWriter;
use baladiya_domain::ErrorCode;
use baladiya_domain::sensors::query::{Query, QueryError};
use serde_json::{Value, json};

use crate::http::state::AppState;

pub use limits::{Budget, Limits, Scans};
pub use path::ResourcePath;

pub const ROOT: &str = "/sta/v1.1";

/// The SensorThings API, whose requests spend at most `limits`.
pub fn routes(limits: Limits) -> Router<AppState> {
    Router::new()
        .route(ROOT, axum::routing::get(service_document))
        .route(&format!("{ROOT}/"), axum::routing::get(service_document))
        .route(&format!("{ROOT}/{{*path}}"), axum::routing::any(resource))
        .layer(Extension(Arc::new(Budget::new(limits))))
}

/// An error as SensorThings clients read it: a status and a message.
#[derive(Debug)]
pub struct StaError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl StaError {
    pub fn bad(message: impl Into<String>) -> StaError {
        StaError {
            status: StatusCode::BAD_REQUEST,
            code: ErrorCode::InvalidQuery.as_str(),
            message: message.into(),
        }
    }

    /// `403`: the writer may not do this (here).
    pub fn forbidden(message: impl Into<String>) -> StaError {
        StaError {
            status: StatusCode::FORBIDDEN,
            code: ErrorCode::Forbidden.as_str(),
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> StaError {
        StaError {
            status: StatusCode::NOT_FOUND,
            code: ErrorCode::NotFound.as_str(),
            message: message.into(),
        }
    }
}

impl From<QueryError> for StaError {
    fn from(e: QueryError) -> Self {
        StaError::bad(e.to_string())
    }
}

impl From<AppError> for StaError {
    fn from(e: AppError) -> Self {
        let web = crate::http::error::WebError::from(e);
        let status = match web.code {
            // The specification answers a bad entity with 400.
            ErrorCode::InvalidInput => StatusCode::BAD_REQUEST,
            code => crate::http::error::status_of(code),
        };
        let fields: Vec<String> = web
            .fields
            .iter()
            .map(|f| format!("{}: {}", f.field, f.code))
            .collect();
        StaError {
            status,
            code: web.code.as_str(),
            message: if fields.is_empty() {
                web.code.as_str().to_owned()
            } else {
                fields.join("; ")
            },
        }
    }
}

impl From<baladiya_store::StoreError> for StaError {
    fn from(e: baladiya_store::StoreError) -> Self {
        match e {
            baladiya_store::StoreError::NotFound => StaError::not_found("no such entity"),
            other => AppError::from(other).into(),
        }
    }
}

impl IntoResponse for StaError {
    fn into_response(self) -> Response {
        let body = json!({"code": self.status.as_u16(), "type": "error", "error": self.code, "message": self.message});
        let mut response = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Basic realm=\"Baladiya SensorThings\""),
            );
        }
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
        }
        response
    }
}

/// The address of this server's SensorThings root, as clients reach it.
pub fn base(state: &AppState, headers: &HeaderMap) -> String {
    format!("{}{ROOT}", crate::http::client::base_url(state, headers))
}

async fn service_document(
    State(state): State<AppState>,
    Extension(budget): Extension<Arc<Budget>>,
    headers: HeaderMap,
) -> Response {
    let base = base(&state, &headers);
    let value: Vec<Value> = baladiya_domain::sensors::entity::Kind::ALL
        .iter()
        .map(|k| json!({"name": k.collection(), "url": format!("{base}/{}", k.collection())}))
        .collect();
    axum::Json(json!({
        "value": value,
        "serverSettings": {
            "conformance": [
                "http://www.opengis.net/spec/iot_sensing/1.1/req/datamodel",
                "http://www.opengis.net/spec/iot_sensing/1.1/req/resource-path/resource-path-to-entities",
                "http://www.opengis.net/spec/iot_sensing/1.1/req/request-data",
                "http://www.opengis.net/spec/iot_sensing/1.1/req/create-update-delete",
                "http://www.opengis.net/spec/iot_sensing/1.1/req/data-array/data-array",
            ],
            "baladiyaLimits": budget.limits.settings(),
        },
    }))
    .into_response()
}

/// Who writes: a device credential, sent as HTTP Basic or as a bearer
/// token; or a member of staff by an API token, as a bearer token or as
/// HTTP Basic's password (for what devices may not do: deleting, and
/// making datastreams private or public).
async fn writer(state: &AppState, headers: &HeaderMap) -> Result<SensorWriter, StaError> {
    use base64::Engine;
    let unauthenticated = || {
        StaError {
        status: StatusCode::UNAUTHORIZED,
        code: ErrorCode::Unauthenticated.as_str(),
        message: "send a device credential (HTTP Basic, or its secret as a bearer token) or a staff API token".into(),
    }
    };
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(unauthenticated)?;
    let (user, secret) = if let Some(basic) = value.strip_prefix("Basic ") {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(basic.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(unauthenticated)?;
        let (user, secret) = decoded.split_once(':').ok_or_else(unauthenticated)?;
        (Some(user.to_owned()), secret.to_owned())
    } else if let Some(token) = value.strip_prefix("Bearer ") {
        (None, token.to_owned())
    } else {
        return Err(unauthenticated());
    };
    if let Ok(device) = state.app.sensor_writer(user.as_deref(), &secret).await {
        return Ok(device);
    }
    // A staff API token: as a bearer token, or as HTTP Basic's password
    // with the staff user name (as SensorThings clients send credentials).
    if let Ok(who) = state
        .app
        .authenticate(&secret, baladiya_store::SessionKind::Bearer)
        .await
        && user.as_deref().is_none_or(|name| name == who.username)
    {
        return Ok(SensorWriter::Staff(who));
    }
    Err(unauthenticated())
}

/// Every request under the root: parsed into a resource path and sent to
/// reading or writing by its method.
async fn resource(
    State(state): State<AppState>,
    Extension(budget): Extension<Arc<Budget>>,
    request: Request,
) -> Result<Response, StaError> {
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    let raw_path = parts.uri.path().to_owned();
    let rest = raw_path
        .strip_prefix(ROOT)
        .unwrap_or_default()
        .trim_start_matches('/');
    let rest = percent_encoding::percent_decode_str(rest)
        .decode_utf8()
        .map_err(|_| StaError::bad("the path is not UTF-8"))?
        .into_owned();
    let pairs: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|q| serde_urlencoded::from_str(q).unwrap_or_default())
        .unwrap_or_default();
    let base = base(&state, &headers);
    let body = axum::body::to_bytes(body, 16 * 1024 * 1024)
        .await
        .map_err(|_| StaError {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            code: ErrorCode::PayloadTooLarge.as_str(),
            message: "a request body holds 16 MiB at most".into(),
        })?;
    if rest == "CreateObservations" {
        if parts.method != Method::POST {
            return Err(method_not_allowed());
        }
        let writer = writer(&state, &headers).await?;
        return write::create_observations(&state, &writer, &base, &body).await;
    }
    let path = ResourcePath::parse(&rest)?;
    match parts.method {
        Method::GET => {
            let query = Query::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
            let reader = writer(&state, &headers).await.ok();
            let next = NextLink {
                base: base.clone(),
                path: rest.clone(),
                pairs: pairs.clone(),
            };
            render::get(
                &state,
                &budget,
                &base,
                &path,
                &query,
                reader.as_ref(),
                &next,
            )
            .await
        }
        Method::POST => {
            let writer = writer(&state, &headers).await?;
            write::post(&state, &budget, &writer, &base, &path, &json_body(&body)?).await
        }
        Method::PATCH => {
            let writer = writer(&state, &headers).await?;
            let is_json_patch = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/json-patch+json"));
            write::patch(&state, &writer, &path, &json_body(&body)?, is_json_patch).await
        }
        Method::PUT => {
            let writer = writer(&state, &headers).await?;
            write::put(&state, &writer, &path, &json_body(&body)?).await
        }
        Method::DELETE => {
            let writer = writer(&state, &headers).await?;
            write::delete(&state, &writer, &path).await
        }
        _ => Err(method_not_allowed()),
    }
}

fn method_not_allowed() -> StaError {
    StaError {
        status: StatusCode::METHOD_NOT_ALLOWED,
        code: ErrorCode::InvalidQuery.as_str(),
        message: "use GET, POST, PATCH, PUT or DELETE".into(),
    }
}

fn json_body(body: &Bytes) -> Result<Value, StaError> {
    serde_json::from_slice(body).map_err(|e| StaError {
        status: StatusCode::BAD_REQUEST,
        code: ErrorCode::MalformedBody.as_str(),
        message: format!("the body is not JSON: {e}"),
    })
}

/// What a collection's `@iot.nextLink` repeats: the request's path and
/// parameters, with `$skip` moved on.
pub struct NextLink {
    base: String,
    path: String,
    pairs: Vec<(String, String)>,
}

impl NextLink {
    pub fn with_skip(&self, skip: usize) -> String {
        let mut pairs: Vec<(String, String)> = self
            .pairs
            .iter()
            .filter(|(k, _)| k != "$skip")
            .cloned()
            .collect();
        pairs.push(("$skip".into(), skip.to_string()));
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        format!("{}/{}?{query}", self.base, self.path)
    }
}

/// `201 Created` with the new entity's address in `Location`, and the
/// entity itself.
pub fn created(location: String, entity: Value) -> Response {
    let mut response = (StatusCode::CREATED, axum::Json(entity)).into_response();
    if let Ok(value) = header::HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}
