//! Property tests of the parsers of outside input beside the SensorThings
//! query language (`baladiya_domain::sensors`): the fields an Open311
//! client or a citizen's form sends (a place, a phone number, an e-mail,
//! a national ID, a report's answers to its category's questions) and the
//! catalog's TOML files an administrator edits (services and report
//! categories), as any text and as the shipped files mangled. Each must be
//! read or refused with its field's error, never panic. Bounded by the
//! number of cases (`PROPTEST_CASES` raises it).

use std::path::Path;

use baladiya_domain::citizens::any_mobile;
use baladiya_domain::contact::EmailAddress;
use baladiya_domain::country::Country;
use baladiya_domain::country::{EgyptianNationalId, MobileNumber, SaudiId};
use baladiya_domain::reports::answers::Answers;
use baladiya_domain::reports::location::Location;
use proptest::prelude::*;

use crate::catalog::parse_service;
use crate::report_categories::parse_categories;

/// Cases of each property: 1,000, or `PROPTEST_CASES`.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000)
}

fn shipped(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../catalog")
        .join(name);
    std::fs::read_to_string(path).unwrap_or_default()
}

/// A text with a few of its characters replaced, dropped or repeated.
fn mangled(text: String) -> impl Strategy<Value = String> {
    let length = text.chars().count().max(1);
    proptest::collection::vec((0..length, 0u8..3, any::<char>(), 1usize..2_000), 1..8).prop_map(
        move |edits| {
            let mut chars: Vec<char> = text.chars().collect();
            for (at, how, c, times) in edits {
                let at = at.min(chars.len());
                match how {
                    0 if at < chars.len() => chars[at] = c,
                    1 if at < chars.len() => {
                        chars.remove(at);
                    }
                    _ => {
                        let repeated: Vec<char> = std::iter::repeat_n(c, times).collect();
                        chars.splice(at..at, repeated);
                    }
                }
            }
            chars.into_iter().collect()
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn form_fields_are_read_or_refused(lat in ".{0,40}", lon in ".{0,40}", text in ".{0,80}") {
        let _ = Location::parse(&lat, &lon);
        let _ = any_mobile(&text);
        let _ = MobileNumber::parse(Country::Egypt, &text);
        let _ = MobileNumber::parse(Country::SaudiArabia, &text);
        let _ = EmailAddress::parse(&text);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default();
        let _ = EgyptianNationalId::parse(&text, today);
        let _ = SaudiId::parse(&text);
    }

    #[test]
    fn answers_to_a_category_are_read_or_refused(
        given in proptest::collection::vec(("[a-z_]{0,12}|.{0,12}", ".{0,60}"), 0..12),
    ) {
        let categories = parse_categories(Path::new("report-categories.toml"), &shipped("report-categories.toml"))
            .unwrap_or_default();
        prop_assert!(!categories.is_empty());
        for category in &categories {
            let mut given = given.clone();
            // Real attribute codes too, with any values.
            for (i, attribute) in category.attributes.iter().enumerate() {
                if let Some((_, value)) = given.get(i) {
                    given.push((attribute.code.clone(), value.clone()));
                }
            }
            let mut fields = baladiya_domain::Fields::new();
            let _ = Answers::parse(category, &given, &mut fields);
        }
    }

    #[test]
    fn any_text_is_a_service_or_its_problems(text in ".{0,600}") {
        let _ = parse_service(Path::new("x.toml"), &text);
        let _ = parse_categories(Path::new("x.toml"), &text);
    }

    #[test]
    fn deeply_nested_toml_is_refused(open in proptest::sample::select(vec!["[", "{a=", "[[", "a.", "{"]), times in 1usize..100_000) {
        let text = format!("code = {}", open.repeat(times));
        let _ = parse_service(Path::new("x.toml"), &text);
    }

    #[test]
    fn a_mangled_service_file_is_read_or_refused(text in mangled(shipped("services/eg-building-permit.toml"))) {
        let _ = parse_service(Path::new("eg-building-permit.toml"), &text);
    }

    #[test]
    fn a_mangled_categories_file_is_read_or_refused(text in mangled(shipped("report-categories.toml"))) {
        let _ = parse_categories(Path::new("report-categories.toml"), &text);
    }
}
