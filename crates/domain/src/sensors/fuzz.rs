//! Property tests of the SensorThings query language against hostile
//! input: any text, and texts built from the language's own pieces nested
//! and repeated, must parse to a filter or an error, never a panic or a
//! stack overflow; and any filter that parses must be applied without
//! one. Bounded by the number of cases (`PROPTEST_CASES` raises it for a
//! longer hunt); failures found are kept in `proptest-regressions/`.

use proptest::prelude::*;

use super::filter::{self, Entity, Value};
use super::query::Query;

/// Pieces of the language: operators, functions, paths, literals.
const PIECES: &[&str] = &[
    "(",
    ")",
    ",",
    "-",
    " ",
    "not ",
    " and ",
    " or ",
    " eq ",
    " ne ",
    " gt ",
    " le ",
    " add ",
    " mul ",
    " div ",
    " mod ",
    "result",
    "name",
    "Datastream/Thing/name",
    "properties/a",
    "phenomenonTime",
    "location",
    "1",
    "-2.5",
    "1e308",
    "'x'",
    "''''",
    "true",
    "null",
    "2026-03-05T10:00:00Z",
    "2026-03-01T00:00:00Z/2026-03-02T00:00:00Z",
    "duration'P1DT2H'",
    "geography'POINT(1 2)'",
    "geography'POLYGON((0 0, 1 0, 1 1, 0 0))'",
    "geography'GEOMETRYCOLLECTION(POINT(1 1))'",
    "geography'LINESTRING(0 0, 1 1)'",
    "substringof(",
    "length(",
    "substring(",
    "concat(",
    "year(",
    "now()",
    "round(",
    "geo.distance(",
    "st_within(",
    "st_relate(",
    "'T*F**F***'",
    "maxdatetime()",
];

/// What a filter is applied to: one of everything.
struct Sample;

impl Entity for Sample {
    fn lookup(&self, path: &[String]) -> Value {
        match path.last().map(String::as_str) {
            Some("result") => Value::Number(42.0),
            Some("name") => Value::Text("عداد المياه".into()),
            Some("phenomenonTime") => Value::Text("2026-03-05T10:15:30Z".into()),
            Some("location") => Value::Geometry(geo::Geometry::Point(geo::Point::new(1.0, 1.0))),
            Some("a") => Value::Bool(true),
            _ => Value::Null,
        }
    }
}

fn built(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(PIECES), 0..max)
        .prop_map(|pieces| pieces.concat())
}

/// A piece repeated many times: the nestings an attacker sends.
fn repeated() -> impl Strategy<Value = String> {
    (proptest::sample::select(PIECES), 1usize..20_000, built(8))
        .prop_map(|(piece, times, tail)| piece.repeat(times) + &tail)
}

fn check_filter(text: &str) {
    if let Ok(parsed) = filter::parse(text) {
        let _ = filter::matches(&parsed, &Sample);
    }
}

/// Cases of each property: 2,000, or `PROPTEST_CASES`.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2_000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn any_text_is_a_filter_or_an_error(text in ".{0,400}") {
        check_filter(&text);
    }

    #[test]
    fn the_language_pieces_in_any_order(text in built(60)) {
        check_filter(&text);
    }

    #[test]
    fn pieces_repeated_thousands_of_times(text in repeated()) {
        check_filter(&text);
    }

    #[test]
    fn any_query_options(
        expand in prop_oneof![built(40), ".{0,200}", "(Datastreams\\(\\$expand=|Thing\\(\\$expand=|[,;()/]|Observations|\\$top=1|\\$select=id){0,3000}"],
        select in ".{0,100}",
        order in prop_oneof![built(10), ".{0,100}"],
        top in ".{0,25}",
        skip in ".{0,25}",
    ) {
        let _ = Query::parse([
            ("$expand", expand.as_str()),
            ("$select", select.as_str()),
            ("$orderby", order.as_str()),
            ("$top", top.as_str()),
            ("$skip", skip.as_str()),
        ]);
    }
}
