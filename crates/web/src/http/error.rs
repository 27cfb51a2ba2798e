//! Errors on the web: each [`ErrorCode`] maps to one HTTP status here, and
//! is rendered once — as JSON `{code, message, fields?}` for the API, as a
//! page for browsers — in the request's language by [`render_errors`].

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use baladiya_app::AppError;
use baladiya_domain::{ErrorCode, FieldError};
use serde::Serialize;

use crate::http::i18n::{Lang, Tr};
use crate::http::state::AppState;

/// The HTTP status of each error code. The one place this is decided.
pub fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::InvalidInput => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::MalformedBody
        | ErrorCode::InvalidQuery
        | ErrorCode::FeatureOfInterestMissing => StatusCode::BAD_REQUEST,
        ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorCode::InvalidCredentials | ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorCode::AccountLocked | ErrorCode::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::ServerBusy => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::Forbidden | ErrorCode::CsrfFailed => StatusCode::FORBIDDEN,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::UsernameTaken
        | ErrorCode::UnitCodeTaken
        | ErrorCode::RoleAlreadyGranted
        | ErrorCode::DepartmentExists
        | ErrorCode::StaleVersion
        | ErrorCode::ServiceVersionChanged
        | ErrorCode::AlreadyRated
        | ErrorCode::AlreadyRevoked
        | ErrorCode::ApplicationClosed
        | ErrorCode::ApplicationWaitingForApplicant
        | ErrorCode::ActionNotAllowedNow
        | ErrorCode::DepartmentNotInStep
        | ErrorCode::DepartmentAlreadyApproved
        | ErrorCode::ApplicationNotReturned
        | ErrorCode::CodeTaken
        | ErrorCode::AlreadyEvaluated
        | ErrorCode::TrainingOverQuota
        | ErrorCode::TrainingNoQuota
        | ErrorCode::TrainingAlreadyNominated
        | ErrorCode::TrainingOverlap
        | ErrorCode::TrainingNotOnRoster
        | ErrorCode::TrainingWrongStatus
        | ErrorCode::CodeUsed
        | ErrorCode::PaymentSettled
        | ErrorCode::AlreadyVoted
        | ErrorCode::AlreadySupported
        | ErrorCode::PhaseClosed
        | ErrorCode::AlreadySignedOff => StatusCode::CONFLICT,
        ErrorCode::NotEligible => StatusCode::FORBIDDEN,
        ErrorCode::SignatureInvalid | ErrorCode::IdentityRefused => StatusCode::FORBIDDEN,
        ErrorCode::SignInExpired => StatusCode::BAD_REQUEST,
        ErrorCode::ApiKeyInvalid => StatusCode::FORBIDDEN,
        ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::DatabaseUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
        ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// An error a handler returns. It carries no text: the message is
/// translated by [`render_errors`], which knows the request's language.
#[derive(Debug, Clone)]
pub struct WebError {
    pub code: ErrorCode,
    pub fields: Vec<FieldError>,
    /// Seconds to wait (`Retry-After`), for `account-locked`,
    /// `too-many-attempts`, `rate-limited` and `server-busy`.
    pub retry_after: Option<i64>,
}

impl WebError {
    pub fn new(code: ErrorCode) -> Self {
        Self {
            code,
            fields: Vec::new(),
            retry_after: None,
        }
    }

    /// `invalid-input` about one field.
    pub fn field(field: &str, code: &'static str) -> Self {
        Self {
            fields: vec![FieldError::new(field, code)],
            ..Self::new(ErrorCode::InvalidInput)
        }
    }
}

impl From<AppError> for WebError {
    fn from(error: AppError) -> Self {
        let code = error.code();
        let mut web = WebError::new(code);
        match error {
            AppError::Invalid(fields) => web.fields = fields,
            AppError::AccountLocked { until } | AppError::Throttled { until } => {
                web.retry_after = Some((until - chrono::Utc::now()).num_seconds().max(1));
            }
            AppError::Busy => web.retry_after = Some(1),
            AppError::Internal(detail) => tracing::error!(%detail, "internal error"),
            AppError::Unavailable(detail) => tracing::error!(%detail, "database unavailable"),
            _ => {}
        }
        web
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let mut response = status_of(self.code).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        if self.code == ErrorCode::Unauthenticated {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer realm=\"baladiya\""),
            );
        }
        response.extensions_mut().insert(self);
        response
    }
}

/// The message of an error in the language of `tr`.
pub fn message(tr: &Tr, error: &WebError) -> String {
    match (error.code, error.retry_after) {
        (ErrorCode::AccountLocked | ErrorCode::TooManyAttempts, Some(seconds)) => {
            tr.count(error.code.as_str(), "minutes", (seconds + 59) / 60)
        }
        _ => tr.t(error.code.as_str()),
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    code: &'a str,
    message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fields: Vec<FieldBody<'a>>,
}

#[derive(Serialize)]
struct FieldBody<'a> {
    field: &'a str,
    code: &'a str,
    message: String,
}

#[derive(askama::Template)]
#[template(path = "shared/error.html")]
struct ErrorPage<'a> {
    tr: &'a Tr,
    user: Option<&'a baladiya_app::Principal>,
    title: String,
    message: String,
}

/// Middleware: gives every [`WebError`] its body, in the request's language.
/// API paths get JSON; other paths get a page.
pub async fn render_errors(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let lang = request
        .extensions()
        .get::<Lang>()
        .copied()
        .unwrap_or_default();
    let is_api = request.uri().path().starts_with("/api/") || request.uri().path() == "/healthz";
    let mut response = next.run(request).await;
    let Some(error) = response.extensions_mut().remove::<WebError>() else {
        return response;
    };
    let tr = state.tr(lang);
    let (mut parts, _) = response.into_parts();
    let body = if is_api {
        let body = ErrorBody {
            code: error.code.as_str(),
            message: message(&tr, &error),
            fields: error
                .fields
                .iter()
                .map(|f| FieldBody {
                    field: &f.field,
                    code: f.code,
                    message: tr.t(f.code),
                })
                .collect(),
        };
        parts.headers.insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/json"),
        );
        serde_json::to_string(&body).unwrap_or_default()
    } else {
        let page = ErrorPage {
            tr: &tr,
            user: None,
            title: message(&tr, &error),
            message: error
                .fields
                .iter()
                .map(|f| tr.t(f.code))
                .collect::<Vec<_>>()
                .join(" "),
        };
        parts.headers.insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("text/html; charset=utf-8"),
        );
        askama::Template::render(&page).unwrap_or_default()
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(body))
}

/// Middleware: a request not answered within the configured time (its
/// body read included) is answered `408 request-timeout`.
pub async fn time_limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(state.config.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => WebError::new(ErrorCode::RequestTimeout).into_response(),
    }
}

/// A plain 404 for unknown paths, rendered like every other error.
pub async fn not_found() -> WebError {
    WebError::new(ErrorCode::NotFound)
}

/// Rendering a template can only fail on a bug; answer 500, not a panic.
pub fn page(result: Result<String, askama::Error>) -> Response {
    match result {
        Ok(html) => Html(html).into_response(),
        Err(error) => {
            tracing::error!(%error, "template failed");
            WebError::new(ErrorCode::Internal).into_response()
        }
    }
}
