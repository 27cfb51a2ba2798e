//! The error vocabulary shared by every layer.
//!
//! Each error has a stable `code` (kebab-case). The code is what API clients
//! match on, and it is also the key of the error's message in the
//! translation files (`crates/web/locales/*/errors.ftl`).

use serde::Serialize;

/// A problem with one input field: which field, and a stable code that is
/// also the translation key of the message shown next to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str) -> Self {
        Self {
            field: field.into(),
            code,
        }
    }
}

/// Every error code Baladiya answers with, beside field-level codes.
/// The web layer maps each one to an HTTP status exactly once, and each is
/// the translation key of its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorCode {
    /// One or more fields are wrong; see the field errors.
    InvalidInput,
    /// The request body is not well-formed JSON or has wrong types.
    MalformedBody,
    /// The query string does not fit the endpoint (a wrong type, a
    /// repeated parameter).
    InvalidQuery,
    /// The request body is larger than allowed.
    PayloadTooLarge,
    /// The request body is not in a format this endpoint accepts.
    UnsupportedMediaType,
    /// Wrong username or password.
    InvalidCredentials,
    /// Too many failed sign-ins with this name from this client: it waits
    /// a while (unknown names alike, so the answer tells nothing).
    AccountLocked,
    /// Too many attempts from this client (sign-in, anonymous submissions,
    /// tracking): wait and try again.
    TooManyAttempts,
    /// The server is at its limit of expensive work (password checks):
    /// try again in a moment.
    ServerBusy,
    /// Not signed in, or the session has expired.
    Unauthenticated,
    /// Signed in, but not allowed to do this here.
    Forbidden,
    /// The form's anti-forgery token is missing or wrong.
    CsrfFailed,
    /// No such thing (or not visible to this user).
    NotFound,
    /// The username is already used.
    UsernameTaken,
    /// An org unit with this code exists.
    UnitCodeTaken,
    /// The user already holds this role on this unit.
    RoleAlreadyGranted,
    /// The unit already has a department of this kind.
    DepartmentExists,
    /// Someone else changed the application first: reload and try again.
    StaleVersion,
    /// A published catalog version was edited instead of given a new version.
    ServiceVersionChanged,
    /// The application was already rated.
    AlreadyRated,
    /// The license was already revoked.
    AlreadyRevoked,
    /// The application is rejected or issued.
    ApplicationClosed,
    /// The application waits for the applicant to complete it.
    ApplicationWaitingForApplicant,
    /// The current step does not offer this action.
    ActionNotAllowedNow,
    /// The department is not part of the current step.
    DepartmentNotInStep,
    /// This department already approved.
    DepartmentAlreadyApproved,
    /// The application is not waiting for the applicant.
    ApplicationNotReturned,
    /// The Open311 API key is missing, unknown or revoked.
    ApiKeyInvalid,
    /// An observation has no FeatureOfInterest and its Datastream's Thing
    /// has no Location to make one from.
    FeatureOfInterestMissing,
    /// Too many requests with this API key: wait a minute.
    RateLimited,
    /// The database cannot be reached.
    DatabaseUnavailable,
    /// The request (its body included) took longer than allowed.
    RequestTimeout,
    /// A record with this code exists.
    CodeTaken,
    /// The trainee already evaluated the session.
    AlreadyEvaluated,
    /// The unit's seats on the session are all nominated.
    TrainingOverQuota,
    /// The unit has no seats on the session.
    TrainingNoQuota,
    /// The trainee is already on the session's roster.
    TrainingAlreadyNominated,
    /// The trainee is booked in a session on the same days.
    TrainingOverlap,
    /// The trainee is not on the session's roster.
    TrainingNotOnRoster,
    /// The roster change does not apply to the trainee's place now.
    TrainingWrongStatus,
    /// The one-time code was already used to sign in.
    CodeUsed,
    /// A gateway's callback is not signed with the shared secret.
    SignatureInvalid,
    /// The payment was settled otherwise before.
    PaymentSettled,
    /// An identity provider's answer did not verify (signature, audience,
    /// issuer, nonce, expiry) or the provider refused the sign-in.
    IdentityRefused,
    /// A sign-in through an identity provider is unknown here: too old,
    /// used already, or started in another browser.
    SignInExpired,
    /// This person has voted in this budget's slot already (online or at
    /// a counter); a vote is changed with its receipt.
    AlreadyVoted,
    /// This person has supported this proposal already.
    AlreadySupported,
    /// The process is not in the phase this needs (voting closed, proposals
    /// not open yet, results not signed off).
    PhaseClosed,
    /// The person is not among those who may take part in this process.
    NotEligible,
    /// The budget's result was signed off already.
    AlreadySignedOff,
    /// Something unexpected failed; it has been logged.
    Internal,
}

impl ErrorCode {
    /// Every code, for checks that each one has a status and a message.
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::InvalidInput,
        ErrorCode::MalformedBody,
        ErrorCode::InvalidQuery,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::InvalidCredentials,
        ErrorCode::AccountLocked,
        ErrorCode::TooManyAttempts,
        ErrorCode::ServerBusy,
        ErrorCode::Unauthenticated,
        ErrorCode::Forbidden,
        ErrorCode::CsrfFailed,
        ErrorCode::NotFound,
        ErrorCode::UsernameTaken,
        ErrorCode::UnitCodeTaken,
        ErrorCode::RoleAlreadyGranted,
        ErrorCode::DepartmentExists,
        ErrorCode::StaleVersion,
        ErrorCode::ServiceVersionChanged,
        ErrorCode::AlreadyRated,
        ErrorCode::AlreadyRevoked,
        ErrorCode::ApplicationClosed,
        ErrorCode::ApplicationWaitingForApplicant,
        ErrorCode::ActionNotAllowedNow,
        ErrorCode::DepartmentNotInStep,
        ErrorCode::DepartmentAlreadyApproved,
        ErrorCode::ApplicationNotReturned,
        ErrorCode::ApiKeyInvalid,
        ErrorCode::FeatureOfInterestMissing,
        ErrorCode::RateLimited,
        ErrorCode::DatabaseUnavailable,
        ErrorCode::RequestTimeout,
        ErrorCode::CodeTaken,
        ErrorCode::AlreadyEvaluated,
        ErrorCode::TrainingOverQuota,
        ErrorCode::TrainingNoQuota,
        ErrorCode::TrainingAlreadyNominated,
        ErrorCode::TrainingOverlap,
        ErrorCode::TrainingNotOnRoster,
        ErrorCode::TrainingWrongStatus,
        ErrorCode::CodeUsed,
        ErrorCode::SignatureInvalid,
        ErrorCode::PaymentSettled,
        ErrorCode::IdentityRefused,
        ErrorCode::SignInExpired,
        ErrorCode::AlreadyVoted,
        ErrorCode::AlreadySupported,
        ErrorCode::PhaseClosed,
        ErrorCode::NotEligible,
        ErrorCode::AlreadySignedOff,
        ErrorCode::Internal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "invalid-input",
            ErrorCode::MalformedBody => "malformed-body",
            ErrorCode::InvalidQuery => "invalid-query",
            ErrorCode::PayloadTooLarge => "payload-too-large",
            ErrorCode::UnsupportedMediaType => "unsupported-media-type",
            ErrorCode::InvalidCredentials => "invalid-credentials",
            ErrorCode::AccountLocked => "account-locked",
            ErrorCode::TooManyAttempts => "too-many-attempts",
            ErrorCode::ServerBusy => "server-busy",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::CsrfFailed => "csrf-failed",
            ErrorCode::NotFound => "not-found",
            ErrorCode::UsernameTaken => "username-taken",
            ErrorCode::UnitCodeTaken => "unit-code-taken",
            ErrorCode::RoleAlreadyGranted => "role-already-granted",
            ErrorCode::DepartmentExists => "department-exists",
            ErrorCode::StaleVersion => "stale-version",
            ErrorCode::ServiceVersionChanged => "service-version-changed",
            ErrorCode::AlreadyRated => "already-rated",
            ErrorCode::AlreadyRevoked => "already-revoked",
            ErrorCode::ApplicationClosed => "application-closed",
            ErrorCode::ApplicationWaitingForApplicant => "application-waiting-for-applicant",
            ErrorCode::ActionNotAllowedNow => "action-not-allowed-now",
            ErrorCode::DepartmentNotInStep => "department-not-in-step",
            ErrorCode::DepartmentAlreadyApproved => "department-already-approved",
            ErrorCode::ApplicationNotReturned => "application-not-returned",
            ErrorCode::ApiKeyInvalid => "api-key-invalid",
            ErrorCode::FeatureOfInterestMissing => "feature-of-interest-missing",
            ErrorCode::RateLimited => "rate-limited",
            ErrorCode::DatabaseUnavailable => "database-unavailable",
            ErrorCode::RequestTimeout => "request-timeout",
            ErrorCode::CodeTaken => "code-taken",
            ErrorCode::AlreadyEvaluated => "already-evaluated",
            ErrorCode::CodeUsed => "code-used",
            ErrorCode::SignatureInvalid => "signature-invalid",
            ErrorCode::PaymentSettled => "payment-settled",
            ErrorCode::IdentityRefused => "identity-refused",
            ErrorCode::SignInExpired => "sign-in-expired",
            ErrorCode::TrainingOverQuota => "training-over-quota",
            ErrorCode::TrainingNoQuota => "training-no-quota",
            ErrorCode::TrainingAlreadyNominated => "training-already-nominated",
            ErrorCode::TrainingOverlap => "training-overlap",
            ErrorCode::TrainingNotOnRoster => "training-not-on-roster",
            ErrorCode::TrainingWrongStatus => "training-wrong-status",
            ErrorCode::AlreadyVoted => "already-voted",
            ErrorCode::AlreadySupported => "already-supported",
            ErrorCode::PhaseClosed => "phase-closed",
            ErrorCode::NotEligible => "not-eligible",
            ErrorCode::AlreadySignedOff => "already-signed-off",
            ErrorCode::Internal => "internal",
        }
    }
}

/// Errors raised by domain rules. Each maps to one stable code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
}

impl DomainError {
    pub fn field(field: impl Into<String>, code: &'static str) -> Self {
        Self::Invalid(vec![FieldError::new(field, code)])
    }
}

/// Collects field errors while parsing a form, so a person sees every
/// problem at once rather than one per submission.
#[derive(Debug, Default)]
pub struct Fields {
    errors: Vec<FieldError>,
}

impl Fields {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the value of `result`, or records its error against `field`.
    pub fn check<T>(&mut self, field: &str, result: Result<T, &'static str>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(code) => {
                self.errors.push(FieldError::new(field, code));
                None
            }
        }
    }

    pub fn push(&mut self, field: &str, code: &'static str) {
        self.errors.push(FieldError::new(field, code));
    }

    /// `Ok(())` when nothing was recorded.
    pub fn finish(self) -> Result<(), DomainError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(DomainError::Invalid(self.errors))
        }
    }
}
