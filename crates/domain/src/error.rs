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
