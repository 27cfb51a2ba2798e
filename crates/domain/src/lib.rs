//! Baladiya's domain: pure types and rules. No IO, no SQL, no HTTP.
//!
//! Types here follow "parse, don't validate": a value that exists is valid
//! (an [`country::EgyptianNationalId`] has a real birth date, a known
//! governorate and a correct check digit).

pub mod access;
pub mod boundaries;
pub mod calendar;
pub mod catalog;
pub mod citizens;
pub mod contact;
pub mod country;
pub mod error;
pub mod indicators;
pub mod org;
pub mod participation;
pub mod payments;
pub mod people;
pub mod process;
pub mod reports;
pub mod sensors;
pub mod text;
pub mod tracking;
pub mod training;
pub mod workflow;

pub use error::{DomainError, ErrorCode, FieldError, Fields};
