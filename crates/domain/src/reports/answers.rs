//! A reporter's answers to a category's extra questions (Open311
//! `attribute[code]`), checked against the category's definitions.

use std::collections::BTreeMap;

use super::{AttributeType, ReportCategory};
use crate::Fields;

/// Answers that fit their category: every required attribute answered,
/// numbers are numbers, dates are dates, list answers are listed keys, no
/// unknown attributes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Answers(BTreeMap<String, Vec<String>>);

/// The field name Open311 uses for an attribute.
pub fn field_name(code: &str) -> String {
    format!("attribute[{code}]")
}

/// A W3C date-time with its offset, or a local one as a browser's
/// `datetime-local` input sends it (`2026-11-20T08:00`).
fn is_datetime(value: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(value).is_ok()
        || chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M").is_ok()
        || chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S").is_ok()
}

impl Answers {
    /// Checks `given` (`(code, value)` pairs; a multi-value list repeats its
    /// code) against `category`, recording problems in `fields`.
    pub fn parse(
        category: &ReportCategory,
        given: &[(String, String)],
        fields: &mut Fields,
    ) -> Option<Answers> {
        let mut answers: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut ok = true;
        for (code, value) in given {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let Some(attribute) = category.attributes.iter().find(|a| &a.code == code) else {
                fields.push(&field_name(code), "attribute-unknown");
                ok = false;
                continue;
            };
            let problem = match attribute.datatype {
                AttributeType::Number => attribute.range.check(value),
                AttributeType::Datetime => (!is_datetime(value)).then_some("datetime-invalid"),
                AttributeType::SingleValueList | AttributeType::MultiValueList => {
                    (!attribute.values.iter().any(|(key, _)| key == value))
                        .then_some("value-not-listed")
                }
                AttributeType::String | AttributeType::Text => {
                    (value.chars().count() > 2000).then_some("too-long")
                }
            };
            let slot = answers.entry(code.clone()).or_default();
            if attribute.datatype != AttributeType::MultiValueList && !slot.is_empty() {
                fields.push(&field_name(code), "attribute-repeated");
                ok = false;
            } else if let Some(problem) = problem {
                fields.push(&field_name(code), problem);
                ok = false;
            } else if !slot.iter().any(|v| v == value) {
                slot.push(value.to_owned());
            }
        }
        for attribute in category.attributes.iter().filter(|a| a.required) {
            if answers.get(&attribute.code).is_none_or(Vec::is_empty) {
                fields.push(&field_name(&attribute.code), "required");
                ok = false;
            }
        }
        answers.retain(|_, v| !v.is_empty());
        ok.then_some(Answers(answers))
    }

    pub fn as_map(&self) -> &BTreeMap<String, Vec<String>> {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::{BilingualName, DepartmentKind};
    use crate::reports::Attribute;

    fn name(text: &str) -> BilingualName {
        BilingualName::parse(text, text).expect("valid in this test")
    }

    fn category() -> ReportCategory {
        let attribute = |code: &str, datatype, required, values: &[&str]| Attribute {
            code: code.into(),
            datatype,
            required,
            description: name(code),
            values: values.iter().map(|v| (v.to_string(), name(v))).collect(),
            range: super::super::NumberRange::default(),
        };
        ReportCategory {
            code: "pothole".into(),
            name: name("حفرة"),
            description: name("حفرة"),
            group: "streets".into(),
            department: DepartmentKind::Engineering,
            keywords: vec![],
            attributes: vec![
                attribute(
                    "size",
                    AttributeType::SingleValueList,
                    true,
                    &["small", "large"],
                ),
                attribute(
                    "hazards",
                    AttributeType::MultiValueList,
                    false,
                    &["cars", "people"],
                ),
                attribute("depth_cm", AttributeType::Number, false, &[]),
                attribute("seen_at", AttributeType::Datetime, false, &[]),
            ],
            resolution_working_days: 5,
        }
    }

    fn parse(given: &[(&str, &str)]) -> Result<Answers, Vec<(String, &'static str)>> {
        let given: Vec<(String, String)> = given
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut fields = Fields::new();
        let answers = Answers::parse(&category(), &given, &mut fields);
        match fields.finish() {
            Ok(()) => Ok(answers.expect("valid in this test")),
            Err(crate::DomainError::Invalid(errors)) => {
                Err(errors.into_iter().map(|e| (e.field, e.code)).collect())
            }
        }
    }

    #[test]
    fn good_answers_are_kept() {
        let answers = parse(&[
            ("size", "large"),
            ("hazards", "cars"),
            ("hazards", "people"),
            ("depth_cm", "12.5"),
            ("seen_at", "2026-11-20T08:00:00+02:00"),
        ])
        .expect("valid in this test");
        assert_eq!(answers.as_map()["hazards"], vec!["cars", "people"]);
        assert_eq!(answers.as_map()["size"], vec!["large"]);
        let local = parse(&[("size", "small"), ("seen_at", "2026-11-20T08:00")])
            .expect("a browser's local date-time");
        assert_eq!(local.as_map()["seen_at"], vec!["2026-11-20T08:00"]);
    }

    #[test]
    fn every_problem_is_named_by_its_field() {
        assert_eq!(
            parse(&[
                ("hazards", "dogs"),
                ("depth_cm", "deep"),
                ("seen_at", "yesterday"),
                ("colour", "red"),
            ])
            .expect_err("invalid in this test"),
            vec![
                ("attribute[hazards]".into(), "value-not-listed"),
                ("attribute[depth_cm]".into(), "number-invalid"),
                ("attribute[seen_at]".into(), "datetime-invalid"),
                ("attribute[colour]".into(), "attribute-unknown"),
                ("attribute[size]".into(), "required"),
            ]
        );
        assert_eq!(
            parse(&[("size", "small"), ("size", "large")]).expect_err("invalid in this test"),
            vec![("attribute[size]".into(), "attribute-repeated")]
        );
    }
}
