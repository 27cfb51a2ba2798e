use baladiya_domain::access::Denied;
use baladiya_domain::{DomainError, ErrorCode, FieldError};
use baladiya_store::StoreError;
use chrono::{DateTime, Utc};

/// Errors of the use cases. Each has one [`ErrorCode`].
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    #[error("wrong username or password")]
    InvalidCredentials,
    #[error("account locked until {until}")]
    AccountLocked { until: DateTime<Utc> },
    #[error("too many attempts from this client until {until}")]
    Throttled { until: DateTime<Utc> },
    /// Too busy now (password checks all taken, or the database's write
    /// lock not had in time): answered 503 with Retry-After.
    #[error("too busy now")]
    Busy,
    #[error("not signed in")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden(#[from] Denied),
    #[error("not found")]
    NotFound,
    #[error("conflict: {0:?}")]
    Conflict(ErrorCode),
    /// Refused for the reason the code names (its status follows the code).
    #[error("refused: {0:?}")]
    Refused(ErrorCode),
    #[error("database unavailable: {0}")]
    Unavailable(StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Invalid(_) => ErrorCode::InvalidInput,
            AppError::InvalidCredentials => ErrorCode::InvalidCredentials,
            AppError::AccountLocked { .. } => ErrorCode::AccountLocked,
            AppError::Throttled { .. } => ErrorCode::TooManyAttempts,
            AppError::Busy => ErrorCode::ServerBusy,
            AppError::Unauthenticated => ErrorCode::Unauthenticated,
            AppError::Forbidden(_) => ErrorCode::Forbidden,
            AppError::NotFound => ErrorCode::NotFound,
            AppError::Conflict(code) | AppError::Refused(code) => *code,
            AppError::Unavailable(_) => ErrorCode::DatabaseUnavailable,
            AppError::Internal(_) => ErrorCode::Internal,
        }
    }

    pub fn field(field: &str, code: &'static str) -> Self {
        AppError::Invalid(vec![FieldError::new(field, code)])
    }
}

impl From<DomainError> for AppError {
    fn from(error: DomainError) -> Self {
        match error {
            DomainError::Invalid(fields) => AppError::Invalid(fields),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict(code) => AppError::Conflict(code),
            StoreError::NotFound => AppError::NotFound,
            StoreError::Throttled { until, .. } => AppError::Throttled { until },
            e if e.is_unavailable() => AppError::Unavailable(e),
            e if e.is_busy() => {
                tracing::warn!(error = %e, "the database is busy; the client is asked to retry");
                AppError::Busy
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}
