//! The service catalog: what a citizen can apply for, what they must bring
//! and pay, how long it takes, and the procedure — the ordered steps, each
//! done by one role of one department (or several, in parallel).
//!
//! These are the checked, domain-level types. Catalog files (TOML) are read
//! into them by `baladiya_app::catalog`, which reports every problem with
//! its file, line and field.

mod fee;
mod field;
mod procedure;

use serde::Serialize;

use crate::country::{Country, Currency};
use crate::org::BilingualName;

pub use fee::{Fee, FeeTerm, parse_amount};
pub use field::{ChoiceOption, FieldKind, FieldValue, FormField};
pub use procedure::{Action, Procedure, ProcedureProblem, Step, StepKind};

/// A service code: `A–Z`, digits and `-`, such as `EG-BUILDING-PERMIT`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ServiceCode(String);

impl ServiceCode {
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let code = text.trim().to_ascii_uppercase();
        let ok = (3..=60).contains(&code.len())
            && code.starts_with(|c: char| c.is_ascii_uppercase())
            && code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
        if ok {
            Ok(Self(code))
        } else {
            Err("service-code-invalid")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ServiceCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who may apply for a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Applicant {
    Citizen,
    Investor,
    Company,
}

impl Applicant {
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        match text {
            "citizen" => Ok(Applicant::Citizen),
            "investor" => Ok(Applicant::Investor),
            "company" => Ok(Applicant::Company),
            _ => Err("applicant-unknown"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Applicant::Citizen => "citizen",
            Applicant::Investor => "investor",
            Applicant::Company => "company",
        }
    }
}

/// A document the applicant brings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRequirement {
    pub code: String,
    pub name: BilingualName,
    pub mandatory: bool,
    /// Accepted kinds, such as `pdf`, `jpeg`, `png`.
    pub types: Vec<String>,
    pub max_bytes: u64,
}

/// One version of one service, as published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub code: ServiceCode,
    pub version: u32,
    pub country: Country,
    pub category: String,
    pub name: BilingualName,
    pub description: BilingualName,
    pub applicants: Vec<Applicant>,
    pub documents: Vec<DocumentRequirement>,
    pub fields: Vec<FormField>,
    pub fee: Option<Fee>,
    pub sla_working_days: u32,
    pub legal_basis: BilingualName,
    pub procedure: Procedure,
    /// What the service issues at its end.
    pub issues: IssuedDocument,
}

/// The kind of document a service issues: its title and the words on it
/// («رقم الترخيص», «رقم التصريح», «رقم الشهادة») follow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssuedDocument {
    License,
    Permit,
    Certificate,
}

impl IssuedDocument {
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        match text {
            "license" => Ok(IssuedDocument::License),
            "permit" => Ok(IssuedDocument::Permit),
            "certificate" => Ok(IssuedDocument::Certificate),
            _ => Err("issues-unknown"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            IssuedDocument::License => "license",
            IssuedDocument::Permit => "permit",
            IssuedDocument::Certificate => "certificate",
        }
    }

    /// The usual kind of a service category, when its file does not say:
    /// certificates issue certificates, building, street and advertising
    /// works are permits, businesses get licenses.
    pub fn of_category(category: &str) -> Self {
        match category {
            "certificates" => IssuedDocument::Certificate,
            "building" | "streets" | "advertising" => IssuedDocument::Permit,
            _ => IssuedDocument::License,
        }
    }
}

impl Service {
    pub fn currency(&self) -> Currency {
        self.country.currency()
    }

    pub fn field(&self, code: &str) -> Option<&FormField> {
        self.fields.iter().find(|f| f.code == code)
    }
}
