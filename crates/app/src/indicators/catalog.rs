//! The indicator catalog (`catalog/indicators/*.toml`): bilingual
//! definitions read into domain types, every problem reported by file,
//! line and field, as for services.

use std::path::Path;

use baladiya_domain::indicators::{
    Axis, Dimension, Direction, Formula, Frequency, Indicator, Measure, Source, Standard, Target,
};
use serde::Deserialize;
use toml::Spanned;

use crate::catalog::{CatalogProblem, RawText, Report};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    indicators: Vec<RawIndicator>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    code: Spanned<String>,
    name: RawText,
    definition: RawText,
    standard: Spanned<String>,
    reference: Spanned<String>,
    dimension: Spanned<String>,
    sub_dimension: Spanned<String>,
    axis: Spanned<String>,
    measure: Spanned<String>,
    unit: RawText,
    numerator: RawText,
    denominator: Option<RawText>,
    direction: Spanned<String>,
    frequency: Spanned<String>,
    source: Spanned<String>,
    formula: Option<Spanned<String>>,
    target: Option<Spanned<f64>>,
    at_risk_within: Option<Spanned<f64>>,
}

fn one_of<T: Copy>(
    text: &str,
    choices: &[(&str, T)],
    code: &'static str,
) -> Result<T, &'static str> {
    choices
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, v)| *v)
        .ok_or(code)
}

fn code(text: &str) -> Result<String, &'static str> {
    let ok = !text.trim().is_empty()
        && text.len() <= 40
        && text == text.trim()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | ' ' | '.' | '-' | '_'));
    ok.then(|| text.to_owned()).ok_or("indicator-code-invalid")
}

/// Parses and checks one indicators file.
pub fn parse_indicators(file: &Path, text: &str) -> Result<Vec<Indicator>, Vec<CatalogProblem>> {
    let (mut r, raw): (Report, RawFile) = Report::read(file, text)?;
    let mut indicators = Vec::new();
    for (i, x) in raw.indicators.iter().enumerate() {
        let at = |f: &str| format!("indicators[{i}].{f}");
        let code = r.check(&x.code, at("code"), |c| code(c));
        if raw.indicators[..i]
            .iter()
            .any(|o| o.code.get_ref() == x.code.get_ref())
        {
            r.add(
                x.code.span().start,
                at("code"),
                "indicator-code-duplicate",
                "",
            );
        }
        let name = r.text(&x.name, &at("name"));
        let definition = r.text(&x.definition, &at("definition"));
        let unit = r.text(&x.unit, &at("unit"));
        let numerator = r.text(&x.numerator, &at("numerator"));
        let denominator = x
            .denominator
            .as_ref()
            .map(|d| r.text(d, &at("denominator")));
        let standard = r.check(&x.standard, at("standard"), |s| {
            Standard::parse(s).ok_or("standard-unknown")
        });
        let reference = r.check(&x.reference, at("reference"), |s| {
            if s.trim().is_empty() {
                Err("required")
            } else {
                Ok(s.clone())
            }
        });
        let dimension = r.check(&x.dimension, at("dimension"), |s| {
            Dimension::parse(s).ok_or("dimension-unknown")
        });
        let sub_dimension = r.check(&x.sub_dimension, at("sub_dimension"), |s| {
            if s.trim().is_empty() {
                Err("required")
            } else {
                Ok(s.clone())
            }
        });
        let axis = r.check(&x.axis, at("axis"), |s| {
            Axis::parse(s).ok_or("axis-unknown")
        });
        let measure = r.check(&x.measure, at("measure"), |s| {
            Measure::parse(s).ok_or("measure-unknown")
        });
        // A ratio needs its denominator named; a total has none.
        match (measure, x.denominator.is_some()) {
            (Some(Measure::Total), true) => r.add(
                x.measure.span().start,
                at("denominator"),
                "total-has-no-denominator",
                "",
            ),
            (Some(m), false) if m != Measure::Total => r.add(
                x.measure.span().start,
                at("denominator"),
                "denominator-required",
                "",
            ),
            _ => {}
        }
        let direction = r.check(&x.direction, at("direction"), |s| {
            one_of(
                s,
                &[
                    ("higher", Direction::HigherIsBetter),
                    ("lower", Direction::LowerIsBetter),
                ],
                "direction-unknown",
            )
        });
        let frequency = r.check(&x.frequency, at("frequency"), |s| {
            one_of(
                s,
                &[
                    ("monthly", Frequency::Monthly),
                    ("quarterly", Frequency::Quarterly),
                    ("yearly", Frequency::Yearly),
                ],
                "frequency-unknown",
            )
        });
        let source = match (x.source.get_ref().as_str(), &x.formula) {
            ("computed", Some(formula)) => r
                .check(formula, at("formula"), |f| Formula::parse(f))
                .map(Source::Computed),
            ("computed", None) => {
                r.add(x.source.span().start, at("formula"), "formula-required", "");
                None
            }
            (_, Some(formula)) => {
                r.add(
                    formula.span().start,
                    at("formula"),
                    "formula-only-when-computed",
                    "",
                );
                None
            }
            (other, None) => r.check(&x.source, at("source"), |_| {
                one_of(
                    other,
                    &[
                        ("entered", Source::Entered),
                        ("sensors", Source::Sensors),
                        ("imported", Source::Imported),
                    ],
                    "source-unknown",
                )
            }),
        };
        let target = match (&x.target, &x.at_risk_within) {
            (Some(t), band) => {
                let band = band.as_ref().map_or(0.0, |b| *b.get_ref());
                if t.get_ref().is_finite() && band.is_finite() && band >= 0.0 {
                    Some(Some(Target {
                        value: *t.get_ref(),
                        at_risk_within: band,
                    }))
                } else {
                    r.add(t.span().start, at("target"), "target-invalid", "");
                    None
                }
            }
            (None, Some(band)) => {
                r.add(
                    band.span().start,
                    at("at_risk_within"),
                    "target-required",
                    "",
                );
                None
            }
            (None, None) => Some(None),
        };
        if let (
            Some(code),
            Some(name),
            Some(definition),
            Some(standard),
            Some(reference),
            Some(dimension),
            Some(sub_dimension),
            Some(axis),
            Some(measure),
            Some(unit),
            Some(numerator),
            Some(direction),
            Some(frequency),
            Some(source),
            Some(target),
        ) = (
            code,
            name,
            definition,
            standard,
            reference,
            dimension,
            sub_dimension,
            axis,
            measure,
            unit,
            numerator,
            direction,
            frequency,
            source,
            target,
        ) {
            let Some(denominator) = denominator.map_or(Some(None), |d| d.map(Some)) else {
                continue;
            };
            indicators.push(Indicator {
                code,
                name,
                definition,
                standard,
                reference,
                dimension,
                sub_dimension,
                axis,
                measure,
                unit,
                numerator,
                denominator,
                direction,
                frequency,
                source,
                target,
            });
        }
    }
    if r.problems.is_empty() {
        Ok(indicators)
    } else {
        Err(r.problems)
    }
}

/// Reads every `*.toml` of `dir` (sorted by name); a code used in two files
/// is a problem too.
pub fn load_indicators(dir: &Path) -> Result<Vec<Indicator>, Vec<CatalogProblem>> {
    let mut files: Vec<_> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect(),
        Err(error) => {
            return Err(vec![CatalogProblem {
                file: dir.to_owned(),
                line: 0,
                field: String::new(),
                code: "catalog-unreadable",
                detail: error.to_string(),
            }]);
        }
    };
    files.sort();
    let (mut all, mut problems) = (Vec::<Indicator>::new(), Vec::new());
    for file in files {
        let text = match std::fs::read_to_string(&file) {
            Ok(text) => text,
            Err(error) => {
                problems.push(CatalogProblem {
                    file: file.clone(),
                    line: 0,
                    field: String::new(),
                    code: "catalog-unreadable",
                    detail: error.to_string(),
                });
                continue;
            }
        };
        match parse_indicators(&file, &text) {
            Ok(list) => {
                for indicator in list {
                    if all.iter().any(|i| i.code == indicator.code) {
                        problems.push(CatalogProblem {
                            file: file.clone(),
                            line: 0,
                            field: "code".into(),
                            code: "indicator-code-duplicate",
                            detail: indicator.code.clone(),
                        });
                    } else {
                        all.push(indicator);
                    }
                }
            }
            Err(found) => problems.extend(found),
        }
    }
    if problems.is_empty() {
        Ok(all)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[indicators]]
code = "EC: ICT: PS: 2A"
name = { ar = "الحكومة الإلكترونية", en = "e-Government" }
definition = { ar = "عدد الخدمات العامة المقدمة إلكترونيًا.", en = "Number of public services delivered electronically." }
standard = "u4ssc"
reference = "U4SSC KPIs, Economy › ICT › Public sector"
dimension = "economy"
sub_dimension = "ICT"
axis = "governance"
measure = "total"
unit = { ar = "خدمة", en = "services" }
numerator = { ar = "الخدمات المتاحة إلكترونيًا", en = "Services available online" }
direction = "higher"
frequency = "yearly"
source = "computed"
formula = "services_online"
"#;

    #[test]
    fn a_good_file_reads_into_indicators() {
        let list = parse_indicators(Path::new("x.toml"), GOOD).expect("valid");
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].code, "EC: ICT: PS: 2A");
        assert_eq!(list[0].source, Source::Computed(Formula::ServicesOnline));
        assert_eq!(list[0].measure, Measure::Total);
    }

    #[test]
    fn every_problem_is_reported_with_its_line_and_field() {
        let bad = GOOD
            .replace("axis = \"governance\"", "axis = \"happiness\"")
            .replace("measure = \"total\"", "measure = \"percent\"")
            .replace("formula = \"services_online\"", "formula = \"magic\"")
            .replace("en = \"e-Government\"", "en = \"\"");
        let problems = parse_indicators(Path::new("x.toml"), &bad).expect_err("invalid");
        let found: Vec<(usize, &str, &str)> = problems
            .iter()
            .map(|p| (p.line, p.field.as_str(), p.code))
            .collect();
        assert!(
            found.contains(&(4, "indicators[0].name.en", "required")),
            "{found:?}"
        );
        assert!(
            found.contains(&(10, "indicators[0].axis", "axis-unknown")),
            "{found:?}"
        );
        assert!(
            found.contains(&(11, "indicators[0].denominator", "denominator-required")),
            "{found:?}"
        );
        assert!(
            found.contains(&(17, "indicators[0].formula", "formula-unknown")),
            "{found:?}"
        );
    }

    #[test]
    fn the_shipped_catalog_is_valid() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog/indicators");
        let list = load_indicators(&dir).unwrap_or_else(|p| panic!("{p:#?}"));
        assert!(list.iter().any(|i| i.standard == Standard::U4ssc));
        for formula in Formula::ALL {
            assert!(
                list.iter().any(|i| i.source == Source::Computed(formula)),
                "an indicator computes {formula:?}"
            );
        }
    }
}
