//! Form fields of a service and the values people type into them.

use chrono::NaiveDate;
use serde::Serialize;

use crate::country::{Country, MobileNumber, PersonalId, ascii_digits};
use crate::org::BilingualName;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceOption {
    pub value: String,
    pub label: BilingualName,
}

/// What a field holds and how it is checked.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    Text {
        max_chars: usize,
    },
    /// A number in `[min, max]`; whole numbers only if `integer`.
    Number {
        min: f64,
        max: f64,
        integer: bool,
    },
    Date,
    Choice {
        options: Vec<ChoiceOption>,
    },
    /// The personal ID of the country profile (Egyptian national ID, Saudi ID).
    NationalId,
    /// A mobile number of the country profile.
    Phone,
    /// `lat,lon` in WGS84 degrees.
    GeoPoint,
    /// An area in square metres in `[min, max]`.
    Area {
        min: f64,
        max: f64,
    },
}

impl Eq for FieldKind {}

impl FieldKind {
    pub fn name(&self) -> &'static str {
        match self {
            FieldKind::Text { .. } => "text",
            FieldKind::Number { .. } => "number",
            FieldKind::Date => "date",
            FieldKind::Choice { .. } => "choice",
            FieldKind::NationalId => "national_id",
            FieldKind::Phone => "phone",
            FieldKind::GeoPoint => "geo_point",
            FieldKind::Area { .. } => "area",
        }
    }

    /// Whether the field gives a number a fee formula can use.
    pub fn is_numeric(&self) -> bool {
        matches!(self, FieldKind::Number { .. } | FieldKind::Area { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormField {
    pub code: String,
    pub label: BilingualName,
    pub hint: Option<BilingualName>,
    pub required: bool,
    pub kind: FieldKind,
}

/// A checked value of a field, in its canonical text form.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FieldValue {
    Text(String),
    Number(f64),
    Date(NaiveDate),
    Point { lat: f64, lon: f64 },
}

impl FieldValue {
    pub fn as_number(&self) -> Option<f64> {
        match self {
            FieldValue::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The canonical text of the value, as stored and shown.
    pub fn to_text(&self) -> String {
        match self {
            FieldValue::Text(t) => t.clone(),
            FieldValue::Number(n) => format_number(*n),
            FieldValue::Date(d) => d.to_string(),
            FieldValue::Point { lat, lon } => format!("{lat},{lon}"),
        }
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn parse_number(text: &str) -> Result<f64, &'static str> {
    let normal = ascii_digits(text).replace('\u{066b}', ".").replace(',', "");
    normal
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .ok_or("number-invalid")
}

impl FormField {
    /// Checks what a person typed. An empty optional field is `Ok(None)`.
    pub fn parse(
        &self,
        country: Country,
        raw: &str,
        today: NaiveDate,
    ) -> Result<Option<FieldValue>, &'static str> {
        let raw = raw.trim();
        if raw.is_empty() {
            return if self.required {
                Err("required")
            } else {
                Ok(None)
            };
        }
        let value = match &self.kind {
            FieldKind::Text { max_chars } => {
                if raw.chars().count() > *max_chars {
                    return Err("too-long");
                }
                FieldValue::Text(raw.to_owned())
            }
            FieldKind::Number { min, max, integer } => {
                let n = parse_number(raw)?;
                if *integer && n.fract() != 0.0 {
                    return Err("number-not-whole");
                }
                if n < *min || n > *max {
                    return Err("number-out-of-range");
                }
                FieldValue::Number(n)
            }
            FieldKind::Area { min, max } => {
                let n = parse_number(raw)?;
                if n < *min || n > *max {
                    return Err("number-out-of-range");
                }
                FieldValue::Number(n)
            }
            FieldKind::Date => FieldValue::Date(
                NaiveDate::parse_from_str(&ascii_digits(raw), "%Y-%m-%d")
                    .map_err(|_| "date-invalid")?,
            ),
            FieldKind::Choice { options } => {
                let found = options
                    .iter()
                    .find(|o| o.value == raw)
                    .ok_or("choice-invalid")?;
                FieldValue::Text(found.value.clone())
            }
            FieldKind::NationalId => {
                FieldValue::Text(PersonalId::parse(country, raw, today)?.as_str().to_owned())
            }
            FieldKind::Phone => {
                FieldValue::Text(MobileNumber::parse(country, raw)?.as_e164().to_owned())
            }
            FieldKind::GeoPoint => {
                let (lat, lon) = raw.split_once(',').ok_or("geo-point-invalid")?;
                let lat = parse_number(lat).map_err(|_| "geo-point-invalid")?;
                let lon = parse_number(lon).map_err(|_| "geo-point-invalid")?;
                if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                    return Err("geo-point-invalid");
                }
                FieldValue::Point { lat, lon }
            }
        };
        Ok(Some(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(kind: FieldKind, required: bool) -> FormField {
        FormField {
            code: "f".into(),
            label: BilingualName::parse("حقل", "Field").expect("name"),
            hint: None,
            required,
            kind,
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
    }

    #[test]
    fn numbers_accept_arabic_digits_and_respect_bounds() {
        let area = field(
            FieldKind::Area {
                min: 1.0,
                max: 5000.0,
            },
            true,
        );
        assert_eq!(
            area.parse(Country::Egypt, "١٢٠٫٥", today()),
            Ok(Some(FieldValue::Number(120.5)))
        );
        assert_eq!(
            area.parse(Country::Egypt, "0", today()),
            Err("number-out-of-range")
        );
        assert_eq!(
            area.parse(Country::Egypt, "abc", today()),
            Err("number-invalid")
        );
        assert_eq!(area.parse(Country::Egypt, " ", today()), Err("required"));
        let floors = field(
            FieldKind::Number {
                min: 1.0,
                max: 20.0,
                integer: true,
            },
            false,
        );
        assert_eq!(
            floors.parse(Country::Egypt, "2.5", today()),
            Err("number-not-whole")
        );
        assert_eq!(floors.parse(Country::Egypt, "", today()), Ok(None));
    }

    #[test]
    fn identity_and_phone_follow_the_country() {
        let id = field(FieldKind::NationalId, true);
        let saudi = crate::country::SaudiId::with_check_digit("101234567").expect("id");
        assert!(id.parse(Country::SaudiArabia, &saudi, today()).is_ok());
        assert_eq!(
            id.parse(Country::Egypt, &saudi, today()),
            Err("national-id-length")
        );
        let phone = field(FieldKind::Phone, true);
        assert_eq!(
            phone.parse(Country::Egypt, "01012345678", today()),
            Ok(Some(FieldValue::Text("+201012345678".into())))
        );
    }

    #[test]
    fn choices_points_and_dates() {
        let choice = field(
            FieldKind::Choice {
                options: vec![ChoiceOption {
                    value: "residential".into(),
                    label: BilingualName::parse("سكني", "Residential").expect("name"),
                }],
            },
            true,
        );
        assert!(choice.parse(Country::Egypt, "residential", today()).is_ok());
        assert_eq!(
            choice.parse(Country::Egypt, "industrial", today()),
            Err("choice-invalid")
        );
        let point = field(FieldKind::GeoPoint, true);
        assert_eq!(
            point.parse(Country::Egypt, "29.85, 31.25", today()),
            Ok(Some(FieldValue::Point {
                lat: 29.85,
                lon: 31.25
            }))
        );
        assert_eq!(
            point.parse(Country::Egypt, "95,31", today()),
            Err("geo-point-invalid")
        );
        let date = field(FieldKind::Date, true);
        assert_eq!(
            date.parse(Country::Egypt, "2026-02-30", today()),
            Err("date-invalid")
        );
    }
}
