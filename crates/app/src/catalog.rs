//! Reading the service catalog: one TOML file per service version in
//! `catalog/services/`. Every problem is reported with its file, line and
//! field, all at once, so a catalog editor fixes a file in one pass.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use baladiya_domain::catalog::{
    Action, Applicant, ChoiceOption, DocumentRequirement, Fee, FeeTerm, FieldKind, FormField,
    IssuedDocument, Procedure, Service, ServiceCode, Step, StepKind, parse_amount,
};
use baladiya_domain::country::Country;
use baladiya_domain::org::{BilingualName, DepartmentKind};
use baladiya_domain::people::Role;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::Spanned;

/// One problem in a catalog file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogProblem {
    pub file: PathBuf,
    pub line: usize,
    pub field: String,
    pub code: &'static str,
    pub detail: String,
}

impl CatalogProblem {
    /// A data file of the catalog that is not valid TOML or not of the
    /// expected shape: its line, and the parser's words.
    pub(crate) fn syntax(
        file: &std::path::Path,
        text: &str,
        field: &str,
        code: &'static str,
        error: &toml::de::Error,
    ) -> Self {
        Self {
            file: file.to_owned(),
            line: error
                .span()
                .map_or(0, |s| text[..s.start].matches('\n').count() + 1),
            field: field.to_owned(),
            code,
            detail: error.message().to_owned(),
        }
    }
}

impl fmt::Display for CatalogProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file.display(),
            self.line,
            self.field,
            self.code
        )?;
        if !self.detail.is_empty() {
            write!(f, " ({})", self.detail)?;
        }
        Ok(())
    }
}

/// A checked service with the exact text it was read from.
#[derive(Debug, Clone)]
pub struct PublishedService {
    pub service: Service,
    pub source: String,
    /// SHA-256 of `source`, hex: a published version may never change.
    pub digest: String,
    pub file: PathBuf,
}

/// Every service version of a catalog directory.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub services: Vec<PublishedService>,
    /// Groups of words that find each other in searches
    /// (`search-synonyms.toml` beside `services/`).
    pub synonyms: Vec<Vec<String>>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymsFile {
    groups: Vec<Vec<String>>,
}

impl Catalog {
    /// The newest version of each service, by code.
    pub fn latest(&self) -> BTreeMap<&ServiceCode, &PublishedService> {
        let mut latest: BTreeMap<&ServiceCode, &PublishedService> = BTreeMap::new();
        for published in &self.services {
            let entry = latest.entry(&published.service.code).or_insert(published);
            if published.service.version > entry.service.version {
                *entry = published;
            }
        }
        latest
    }

    /// Reads `dir/services/*.toml` (or `dir/*.toml` if there is no
    /// `services` folder) and checks every file.
    pub fn load_dir(dir: &Path) -> Result<Catalog, Vec<CatalogProblem>> {
        let services_dir = if dir.join("services").is_dir() {
            dir.join("services")
        } else {
            dir.to_owned()
        };
        let problem = |file: &Path, detail: String| CatalogProblem {
            file: file.to_owned(),
            line: 0,
            field: String::new(),
            code: "catalog-unreadable",
            detail,
        };
        let entries = std::fs::read_dir(&services_dir)
            .map_err(|e| vec![problem(&services_dir, e.to_string())])?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        let mut catalog = Catalog::default();
        let mut problems = Vec::new();
        let synonyms = dir.join("search-synonyms.toml");
        if synonyms.is_file() {
            match std::fs::read_to_string(&synonyms) {
                Ok(text) => match toml::from_str::<SynonymsFile>(&text) {
                    Ok(file) => catalog.synonyms = file.groups,
                    Err(e) => problems.push(CatalogProblem::syntax(
                        &synonyms,
                        &text,
                        "groups",
                        "synonyms-invalid",
                        &e,
                    )),
                },
                Err(e) => problems.push(problem(&synonyms, e.to_string())),
            }
        }
        for file in files {
            match std::fs::read_to_string(&file) {
                Ok(text) => match parse_service(&file, &text) {
                    Ok(service) => catalog.services.push(PublishedService {
                        digest: hex::encode(Sha256::digest(text.as_bytes())),
                        source: text,
                        service,
                        file,
                    }),
                    Err(found) => problems.extend(found),
                },
                Err(e) => problems.push(problem(&file, e.to_string())),
            }
        }
        for (i, a) in catalog.services.iter().enumerate() {
            if let Some(b) = catalog.services[..i].iter().find(|b| {
                b.service.code == a.service.code && b.service.version == a.service.version
            }) {
                problems.push(CatalogProblem {
                    file: a.file.clone(),
                    line: 1,
                    field: "version".into(),
                    code: "service-version-duplicate",
                    detail: format!("also in {}", b.file.display()),
                });
            }
        }
        if catalog.services.is_empty() && problems.is_empty() {
            problems.push(problem(&services_dir, "no service files (*.toml)".into()));
        }
        if problems.is_empty() {
            Ok(catalog)
        } else {
            Err(problems)
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawText {
    ar: Spanned<String>,
    en: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    code: Spanned<String>,
    version: Spanned<u32>,
    country: Spanned<String>,
    category: Spanned<String>,
    name: RawText,
    description: RawText,
    applicants: Spanned<Vec<String>>,
    sla_working_days: Spanned<u32>,
    legal_basis: RawText,
    #[serde(default)]
    documents: Vec<RawDocument>,
    #[serde(default)]
    fields: Vec<RawField>,
    fee: Option<RawFee>,
    steps: Spanned<Vec<RawStep>>,
    /// `license`, `permit` or `certificate`; by default from the category.
    issues: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocument {
    code: Spanned<String>,
    name: RawText,
    #[serde(default = "yes")]
    mandatory: bool,
    types: Spanned<Vec<String>>,
    max_size_kb: Spanned<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    value: String,
    ar: String,
    en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    code: Spanned<String>,
    kind: Spanned<String>,
    label: RawText,
    hint: Option<RawText>,
    #[serde(default = "yes")]
    required: bool,
    min: Option<f64>,
    max: Option<f64>,
    #[serde(default)]
    integer: bool,
    max_chars: Option<usize>,
    #[serde(default)]
    options: Vec<RawOption>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTerm {
    field: Spanned<String>,
    rate: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFee {
    kind: Spanned<String>,
    amount: Option<Spanned<String>>,
    base: Option<Spanned<String>>,
    #[serde(default)]
    terms: Vec<RawTerm>,
    minimum: Option<Spanned<String>>,
    maximum: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    code: Spanned<String>,
    kind: Spanned<String>,
    name: RawText,
    department: Option<Spanned<String>>,
    departments: Option<Spanned<Vec<String>>>,
    role: Spanned<String>,
    sla_working_days: Spanned<u32>,
    actions: Option<Spanned<Vec<String>>>,
}

fn yes() -> bool {
    true
}

/// Collects problems of one file with their line numbers.
pub(crate) struct Report<'a> {
    pub file: &'a Path,
    pub text: &'a str,
    pub problems: Vec<CatalogProblem>,
}

impl<'a> Report<'a> {
    /// Reads a TOML file into `T`; a syntax or shape error is the problem
    /// of its line. Returns the reporter for the checks that follow.
    pub(crate) fn read<T: serde::de::DeserializeOwned>(
        file: &'a Path,
        text: &'a str,
    ) -> Result<(Report<'a>, T), Vec<CatalogProblem>> {
        let mut r = Report {
            file,
            text,
            problems: Vec::new(),
        };
        match toml::from_str(text) {
            Ok(raw) => Ok((r, raw)),
            Err(error) => {
                let offset = error.span().map_or(0, |s| s.start);
                r.add(offset, "", "catalog-syntax", error.message().to_owned());
                Err(r.problems)
            }
        }
    }

    pub(crate) fn line_of(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())]
            .matches('\n')
            .count()
            + 1
    }

    pub(crate) fn add(
        &mut self,
        offset: usize,
        field: impl Into<String>,
        code: &'static str,
        detail: impl Into<String>,
    ) {
        self.problems.push(CatalogProblem {
            file: self.file.to_owned(),
            line: self.line_of(offset),
            field: field.into(),
            code,
            detail: detail.into(),
        });
    }

    /// Checks a spanned value with `parse`; records a problem on failure.
    pub(crate) fn check<T, U>(
        &mut self,
        value: &Spanned<T>,
        field: impl Into<String>,
        parse: impl FnOnce(&T) -> Result<U, &'static str>,
    ) -> Option<U> {
        match parse(value.get_ref()) {
            Ok(v) => Some(v),
            Err(code) => {
                self.add(value.span().start, field, code, "");
                None
            }
        }
    }

    pub(crate) fn text(&mut self, raw: &RawText, field: &str) -> Option<BilingualName> {
        match BilingualName::parse(raw.ar.get_ref(), raw.en.get_ref()) {
            Ok(name) => Some(name),
            Err(found) => {
                for (which, code) in found {
                    let span = if which == "name_ar" {
                        raw.ar.span()
                    } else {
                        raw.en.span()
                    };
                    let lang = if which == "name_ar" { "ar" } else { "en" };
                    self.add(span.start, format!("{field}.{lang}"), code, "");
                }
                None
            }
        }
    }

    fn amount(&mut self, value: &Option<Spanned<String>>, field: &str) -> Option<i64> {
        value
            .as_ref()
            .map_or(Some(0), |v| self.check(v, field, |t| parse_amount(t)))
    }
}

/// Parses and checks one service file.
pub fn parse_service(file: &Path, text: &str) -> Result<Service, Vec<CatalogProblem>> {
    let (mut r, raw): (Report, RawService) = Report::read(file, text)?;
    let code = r.check(&raw.code, "code", |c| ServiceCode::parse(c));
    let version = r.check(&raw.version, "version", |v| {
        if *v >= 1 {
            Ok(*v)
        } else {
            Err("version-invalid")
        }
    });
    let country = r.check(&raw.country, "country", |c| Country::parse(c));
    let category = r.check(&raw.category, "category", |c| {
        if c.trim().is_empty() {
            Err("required")
        } else {
            Ok(c.trim().to_owned())
        }
    });
    let issues = match &raw.issues {
        Some(kind) => r.check(kind, "issues", |k| IssuedDocument::parse(k)),
        None => Some(IssuedDocument::of_category(
            category.as_deref().unwrap_or_default(),
        )),
    };
    let name = r.text(&raw.name, "name");
    let description = r.text(&raw.description, "description");
    let legal_basis = r.text(&raw.legal_basis, "legal_basis");
    let applicants = r.check(&raw.applicants, "applicants", |list| {
        if list.is_empty() {
            return Err("required");
        }
        list.iter()
            .map(|a| Applicant::parse(a))
            .collect::<Result<Vec<_>, _>>()
    });
    let sla = r.check(&raw.sla_working_days, "sla_working_days", |d| {
        if *d >= 1 { Ok(*d) } else { Err("sla-invalid") }
    });

    let mut documents = Vec::new();
    for (i, doc) in raw.documents.iter().enumerate() {
        let at = |f: &str| format!("documents[{i}].{f}");
        let dcode = r.check(&doc.code, at("code"), |c| slug(c));
        let dname = r.text(&doc.name, &at("name"));
        let types = r.check(&doc.types, at("types"), |t| {
            if t.is_empty() {
                return Err("required");
            }
            t.iter()
                .map(|x| {
                    if crate::attachments::KNOWN_TYPES.contains(&x.as_str()) {
                        Ok(x.clone())
                    } else {
                        Err("document-type-unknown")
                    }
                })
                .collect::<Result<Vec<_>, _>>()
        });
        let size = r.check(&doc.max_size_kb, at("max_size_kb"), |k| {
            if (1..=51_200).contains(k) {
                Ok(k * 1024)
            } else {
                Err("document-size-invalid")
            }
        });
        if raw.documents[..i]
            .iter()
            .any(|d| d.code.get_ref() == doc.code.get_ref())
        {
            r.add(
                doc.code.span().start,
                at("code"),
                "document-code-duplicate",
                "",
            );
        }
        if let (Some(code), Some(name), Some(types), Some(max_bytes)) = (dcode, dname, types, size)
        {
            documents.push(DocumentRequirement {
                code,
                name,
                mandatory: doc.mandatory,
                types,
                max_bytes,
            });
        }
    }

    let mut fields = Vec::new();
    for (i, f) in raw.fields.iter().enumerate() {
        let at = |x: &str| format!("fields[{i}].{x}");
        let fcode = r.check(&f.code, at("code"), |c| slug(c));
        let label = r.text(&f.label, &at("label"));
        let hint = match &f.hint {
            Some(h) => r.text(h, &at("hint")).map(Some),
            None => Some(None),
        };
        let (min, max) = (f.min.unwrap_or(0.0), f.max.unwrap_or(f64::MAX));
        let kind = r.check(&f.kind, at("kind"), |k| {
            Ok(match k.as_str() {
                "text" => FieldKind::Text {
                    max_chars: f.max_chars.unwrap_or(500),
                },
                "number" => FieldKind::Number {
                    min,
                    max,
                    integer: f.integer,
                },
                "area" => FieldKind::Area { min, max },
                "date" => FieldKind::Date,
                "national_id" => FieldKind::NationalId,
                "phone" => FieldKind::Phone,
                "geo_point" => FieldKind::GeoPoint,
                "choice" => FieldKind::Choice {
                    options: f
                        .options
                        .iter()
                        .map(|o| {
                            BilingualName::parse(&o.ar, &o.en)
                                .map(|label| ChoiceOption {
                                    value: o.value.clone(),
                                    label,
                                })
                                .map_err(|_| "choice-label-required")
                        })
                        .collect::<Result<Vec<_>, _>>()?,
                },
                _ => return Err("field-kind-unknown"),
            })
        });
        if f.kind.get_ref() == "choice" && f.options.is_empty() {
            r.add(
                f.kind.span().start,
                at("options"),
                "choice-needs-options",
                "",
            );
        }
        if min > max {
            r.add(f.code.span().start, at("min"), "min-above-max", "");
        }
        if raw.fields[..i]
            .iter()
            .any(|g| g.code.get_ref() == f.code.get_ref())
        {
            r.add(f.code.span().start, at("code"), "field-code-duplicate", "");
        }
        if let (Some(code), Some(label), Some(hint), Some(kind)) = (fcode, label, hint, kind) {
            fields.push(FormField {
                code,
                label,
                hint,
                required: f.required,
                kind,
            });
        }
    }

    let fee = raw
        .fee
        .as_ref()
        .and_then(|fee| match fee.kind.get_ref().as_str() {
            "fixed" => match &fee.amount {
                Some(amount) => r
                    .check(amount, "fee.amount", |t| parse_amount(t))
                    .map(Fee::Fixed),
                None => {
                    r.add(fee.kind.span().start, "fee.amount", "required", "");
                    None
                }
            },
            "formula" => {
                let base = r.amount(&fee.base, "fee.base");
                let minimum = r.amount(&fee.minimum, "fee.minimum");
                let maximum = match &fee.maximum {
                    Some(m) => r.check(m, "fee.maximum", |t| parse_amount(t)).map(Some),
                    None => Some(None),
                };
                let mut terms = Vec::new();
                for (i, term) in fee.terms.iter().enumerate() {
                    let numeric = fields
                        .iter()
                        .find(|f| &f.code == term.field.get_ref())
                        .map(|f| f.kind.is_numeric());
                    match numeric {
                        Some(true) => {}
                        Some(false) => r.add(
                            term.field.span().start,
                            format!("fee.terms[{i}].field"),
                            "fee-field-not-numeric",
                            "",
                        ),
                        None => r.add(
                            term.field.span().start,
                            format!("fee.terms[{i}].field"),
                            "fee-field-unknown",
                            "",
                        ),
                    }
                    if let Some(rate) = r.check(&term.rate, format!("fee.terms[{i}].rate"), |t| {
                        parse_amount(t)
                    }) {
                        terms.push(FeeTerm {
                            field: term.field.get_ref().clone(),
                            rate,
                        });
                    }
                }
                if fee.terms.is_empty() {
                    r.add(fee.kind.span().start, "fee.terms", "required", "");
                }
                match (base, minimum, maximum) {
                    (Some(base), Some(minimum), Some(maximum)) => Some(Fee::Formula {
                        base,
                        terms,
                        minimum,
                        maximum,
                    }),
                    _ => None,
                }
            }
            _ => {
                r.add(fee.kind.span().start, "fee.kind", "fee-kind-unknown", "");
                None
            }
        });

    let mut steps = Vec::new();
    for (i, s) in raw.steps.get_ref().iter().enumerate() {
        let at = |x: &str| format!("steps[{i}].{x}");
        let scode = r.check(&s.code, at("code"), |c| slug(c));
        let sname = r.text(&s.name, &at("name"));
        let role = r.check(&s.role, at("role"), |x| Role::parse(x));
        let department = |r: &mut Report<'_>| match &s.department {
            Some(d) => r.check(d, at("department"), |x| DepartmentKind::parse(x)),
            None => {
                r.add(s.kind.span().start, at("department"), "required", "");
                None
            }
        };
        let kind = match s.kind.get_ref().as_str() {
            "document_check" => {
                department(&mut r).map(|department| StepKind::DocumentCheck { department })
            }
            "review" => department(&mut r).map(|department| StepKind::Review { department }),
            "inspection" => {
                department(&mut r).map(|department| StepKind::Inspection { department })
            }
            "payment" => department(&mut r).map(|department| StepKind::Payment { department }),
            "issuance" => department(&mut r).map(|department| StepKind::Issuance { department }),
            "parallel_approvals" => match &s.departments {
                Some(list) => r
                    .check(list, at("departments"), |l| {
                        l.iter()
                            .map(|d| DepartmentKind::parse(d))
                            .collect::<Result<Vec<_>, _>>()
                    })
                    .map(|departments| StepKind::ParallelApprovals { departments }),
                None => {
                    r.add(s.kind.span().start, at("departments"), "required", "");
                    None
                }
            },
            _ => {
                r.add(s.kind.span().start, at("kind"), "step-kind-unknown", "");
                None
            }
        };
        let actions = match (&s.actions, &kind) {
            (Some(list), _) => r.check(list, at("actions"), |l| {
                l.iter()
                    .map(|a| Action::parse(a))
                    .collect::<Result<Vec<_>, _>>()
            }),
            (None, Some(kind)) => Some(kind.possible_actions().to_vec()),
            (None, None) => None,
        };
        if let (Some(code), Some(name), Some(role), Some(kind), Some(actions)) =
            (scode, sname, role, kind, actions)
        {
            steps.push(Step {
                code,
                name,
                kind,
                role,
                sla_working_days: *s.sla_working_days.get_ref(),
                actions,
            });
        }
    }
    let procedure = if r.problems.is_empty() {
        match Procedure::new(steps, fee.is_some(), sla.unwrap_or(0)) {
            Ok(p) => Some(p),
            Err(found) => {
                for p in found {
                    let (offset, field) = match p.step {
                        Some(i) => (
                            raw.steps.get_ref()[i].code.span().start,
                            format!("steps[{i}].{}", p.field),
                        ),
                        None => (raw.steps.span().start, p.field.to_owned()),
                    };
                    r.add(offset, field, p.code, "");
                }
                None
            }
        }
    } else {
        None
    };
    match (
        code,
        version,
        country,
        category,
        name,
        description,
        legal_basis,
        applicants,
        sla,
        (procedure, issues),
    ) {
        (
            Some(code),
            Some(version),
            Some(country),
            Some(category),
            Some(name),
            Some(description),
            Some(legal_basis),
            Some(applicants),
            Some(sla_working_days),
            (Some(procedure), Some(issues)),
        ) if r.problems.is_empty() => Ok(Service {
            code,
            version,
            country,
            category,
            name,
            description,
            applicants,
            documents,
            fields,
            fee,
            sla_working_days,
            legal_basis,
            procedure,
            issues,
        }),
        _ => Err(r.problems),
    }
}

/// Codes of documents, fields and steps: lower-case letters, digits, `_`, `-`.
pub(crate) fn slug(text: &str) -> Result<String, &'static str> {
    let ok = !text.is_empty()
        && text.len() <= 60
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if ok {
        Ok(text.to_owned())
    } else {
        Err("code-invalid")
    }
}
