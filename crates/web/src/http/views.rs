//! What every page shows the same way: an error summary and a moment in
//! words.

use baladiya_domain::org::OrgUnit;

use crate::http::error::WebError;
use crate::http::i18n::Tr;

/// One line of an error summary: the id of the input it points to and its message.
#[derive(Debug)]
pub struct SummaryItem {
    pub field: String,
    pub message: String,
}

/// Field errors as an error summary, or the error itself.
pub fn summary(tr: &Tr, error: baladiya_app::AppError) -> Result<Vec<SummaryItem>, WebError> {
    match error {
        baladiya_app::AppError::Invalid(fields) => Ok(fields
            .iter()
            .map(|f| SummaryItem {
                field: f.field.replace(' ', "-"),
                message: format!("{}: {}", f.field, tr.t(f.code)),
            })
            .collect()),
        other => Err(other.into()),
    }
}

/// Field errors as an error summary whose links go to the fields' ids.
pub fn field_summary(tr: &Tr, fields: &[baladiya_domain::FieldError]) -> Vec<SummaryItem> {
    fields
        .iter()
        .map(|f| SummaryItem {
            field: f.field.clone(),
            message: tr.t(f.code),
        })
        .collect()
}

/// A moment as people read it: the day in the page's language and the
/// time (UTC), «6 ديسمبر 2026 10:15».
pub fn date_time(tr: &Tr, at: chrono::DateTime<chrono::Utc>) -> String {
    format!("{} {}", tr.date(at.date_naive()), at.format("%H:%M"))
}

/// `(value, label, selected)` options of a filter.
pub type Options = Vec<(String, String, bool)>;

/// A filter's options of `units`, `chosen` selected.
pub fn unit_options(tr: &Tr, units: &[OrgUnit], chosen: &str) -> Options {
    units
        .iter()
        .map(|u| {
            (
                u.code.to_string(),
                u.name.get(tr.lang()).to_owned(),
                u.code.as_str() == chosen,
            )
        })
        .collect()
}
