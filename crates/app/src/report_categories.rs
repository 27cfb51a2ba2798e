//! Reading citizen-report categories (`catalog/report-categories.toml`),
//! with every problem reported by file, line and field.

use std::path::Path;

use baladiya_domain::org::DepartmentKind;
use baladiya_domain::reports::{Attribute, AttributeType, NumberRange, ReportCategory};
use serde::Deserialize;
use toml::Spanned;

use crate::catalog::{CatalogProblem, RawText, Report, slug};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    categories: Vec<RawCategory>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    code: Spanned<String>,
    name: RawText,
    description: RawText,
    group: Spanned<String>,
    department: Spanned<String>,
    #[serde(default)]
    keywords: Vec<String>,
    resolution_working_days: Spanned<u32>,
    #[serde(default)]
    attributes: Vec<RawAttribute>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValue {
    key: String,
    ar: String,
    en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAttribute {
    code: Spanned<String>,
    datatype: Spanned<String>,
    #[serde(default)]
    required: bool,
    description: RawText,
    #[serde(default)]
    values: Vec<RawValue>,
    /// Numbers only: the smallest and largest answer, and whether it must
    /// be whole.
    min: Option<f64>,
    max: Option<f64>,
    #[serde(default)]
    whole: bool,
}

/// Parses and checks a categories file.
pub fn parse_categories(
    file: &Path,
    text: &str,
) -> Result<Vec<ReportCategory>, Vec<CatalogProblem>> {
    let (mut r, raw): (Report, RawFile) = Report::read(file, text)?;
    let mut categories = Vec::new();
    for (i, c) in raw.categories.iter().enumerate() {
        let at = |f: &str| format!("categories[{i}].{f}");
        let code = r.check(&c.code, at("code"), |x| slug(x));
        if raw.categories[..i]
            .iter()
            .any(|o| o.code.get_ref() == c.code.get_ref())
        {
            r.add(
                c.code.span().start,
                at("code"),
                "category-code-duplicate",
                "",
            );
        }
        let name = r.text(&c.name, &at("name"));
        let description = r.text(&c.description, &at("description"));
        let group = r.check(&c.group, at("group"), |g| slug(g));
        let department = r.check(&c.department, at("department"), |d| {
            DepartmentKind::parse(d)
        });
        let days = r.check(
            &c.resolution_working_days,
            at("resolution_working_days"),
            |d| {
                if *d >= 1 { Ok(*d) } else { Err("sla-invalid") }
            },
        );
        let mut attributes = Vec::new();
        for (j, a) in c.attributes.iter().enumerate() {
            let at = |f: &str| format!("categories[{i}].attributes[{j}].{f}");
            let acode = r.check(&a.code, at("code"), |x| slug(x));
            let datatype = r.check(&a.datatype, at("datatype"), |t| AttributeType::parse(t));
            let adescription = r.text(&a.description, &at("description"));
            if let Some(t) = datatype {
                if t.is_list() && a.values.is_empty() {
                    r.add(
                        a.datatype.span().start,
                        at("values"),
                        "list-needs-values",
                        "",
                    );
                }
                let ranged = a.min.is_some() || a.max.is_some() || a.whole;
                if ranged && t != AttributeType::Number {
                    r.add(
                        a.datatype.span().start,
                        at("min"),
                        "range-needs-a-number",
                        "",
                    );
                }
                if let (Some(min), Some(max)) = (a.min, a.max)
                    && !(min.is_finite() && max.is_finite() && min <= max)
                {
                    r.add(a.datatype.span().start, at("min"), "range-invalid", "");
                }
                if !t.is_list() && !a.values.is_empty() {
                    r.add(
                        a.datatype.span().start,
                        at("values"),
                        "values-need-a-list",
                        "",
                    );
                }
            }
            let values: Option<Vec<_>> = a
                .values
                .iter()
                .map(|v| {
                    baladiya_domain::org::BilingualName::parse(&v.ar, &v.en)
                        .ok()
                        .map(|name| (v.key.clone(), name))
                })
                .collect();
            if values.is_none() {
                r.add(
                    a.code.span().start,
                    at("values"),
                    "choice-label-required",
                    "",
                );
            }
            if let (Some(code), Some(datatype), Some(description), Some(values)) =
                (acode, datatype, adescription, values)
            {
                attributes.push(Attribute {
                    code,
                    datatype,
                    required: a.required,
                    description,
                    values,
                    range: NumberRange {
                        min: a.min,
                        max: a.max,
                        whole: a.whole,
                    },
                });
            }
        }
        if let (
            Some(code),
            Some(name),
            Some(description),
            Some(group),
            Some(department),
            Some(days),
        ) = (code, name, description, group, department, days)
        {
            categories.push(ReportCategory {
                code,
                name,
                description,
                group,
                department,
                keywords: c.keywords.clone(),
                attributes,
                resolution_working_days: days,
            });
        }
    }
    if categories.is_empty() && r.problems.is_empty() {
        r.add(0, "categories", "required", "");
    }
    if r.problems.is_empty() {
        Ok(categories)
    } else {
        Err(r.problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_categories_are_valid_and_cover_the_issue() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog/report-categories.toml");
        let text = std::fs::read_to_string(&path).expect("demo categories");
        let categories = parse_categories(&path, &text).expect("valid");
        assert!(categories.len() >= 12);
        for code in [
            "street-lighting",
            "pothole",
            "waste",
            "water-leak",
            "sewage-overflow",
            "illegal-building",
            "street-occupancy",
            "stray-animals",
            "damaged-sidewalk",
            "traffic-signal",
            "tree-hazard",
            "noise",
        ] {
            assert!(categories.iter().any(|c| c.code == code), "{code} missing");
        }
    }

    #[test]
    fn problems_name_the_line_and_field() {
        let text = "[[categories]]\ncode = \"x\"\nname = { ar = \"س\", en = \"X\" }\ndescription = { ar = \"س\", en = \"X\" }\ngroup = \"g\"\ndepartment = \"roads\"\nresolution_working_days = 0\n\n[[categories.attributes]]\ncode = \"a\"\ndatatype = \"singlevaluelist\"\ndescription = { ar = \"س\", en = \"A\" }\n";
        let problems = parse_categories(Path::new("c.toml"), text).expect_err("invalid");
        let found: Vec<(usize, &str, &str)> = problems
            .iter()
            .map(|p| (p.line, p.field.as_str(), p.code))
            .collect();
        assert_eq!(
            found,
            [
                (6, "categories[0].department", "department-kind-unknown"),
                (7, "categories[0].resolution_working_days", "sla-invalid"),
                (
                    11,
                    "categories[0].attributes[0].values",
                    "list-needs-values"
                ),
            ]
        );
    }
}
