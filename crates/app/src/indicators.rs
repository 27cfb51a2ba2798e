//! The indicator catalog (`catalog/indicators/*.toml`): bilingual
//! definitions read into domain types, every problem reported by file,
//! line and field, as for services.

use std::path::Path;

use baladiya_domain::indicators::{
    Axis, Dimension, Direction, Formula, Frequency, Indicator, Measure, Source, Standard, Target,
};
use serde::Deserialize;
use toml::Spanned;

use std::collections::{BTreeMap, HashMap};

use baladiya_domain::indicators::{Month, Ratio, Standing};
use baladiya_domain::org::UnitPath;
use baladiya_store::IndicatorValue;
use chrono::{NaiveTime, TimeZone, Utc};

use crate::catalog::{CatalogProblem, RawText, Report};
use crate::{App, AppError};

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

/// Sums of each formula's numerator and denominator, per unit, and the
/// processing times themselves (for the median and 90th percentile).
#[derive(Debug, Default)]
struct Tally(HashMap<(Formula, i64), Ratio>, HashMap<i64, Vec<f64>>);

impl Tally {
    /// Adds one processing time to the unit and every unit above it.
    fn sample(&mut self, path: &UnitPath, days: f64) {
        for unit in path.ids() {
            self.1.entry(*unit).or_default().push(days);
        }
    }

    /// Adds `numerator / denominator` to the unit at the end of `path` and
    /// to every unit above it: a unit's value covers everything below it.
    fn add(&mut self, formula: Formula, path: &UnitPath, numerator: f64, denominator: f64) {
        for unit in path.ids() {
            let r = self.0.entry((formula, *unit)).or_default();
            r.numerator += numerator;
            r.denominator += denominator;
        }
    }
}

impl App {
    /// Recomputes every computed indicator for every unit for `month`, from
    /// the applications and reports themselves; idempotent (the month's
    /// computed values are replaced in one transaction). Returns how many
    /// values were written.
    pub async fn recompute_indicators(&self, month: Month) -> Result<u64, AppError> {
        let day = |d: chrono::NaiveDate| Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN));
        let (from, to) = (day(month.first_day()), day(month.next().first_day()));
        let units = self.store.all_units().await?;
        let country_of: HashMap<i64, _> = units.iter().map(|u| (u.id, u.country())).collect();
        let mut calendars = HashMap::new();
        for country in country_of.values() {
            if !calendars.contains_key(country) {
                calendars.insert(*country, self.store.calendar(*country).await?);
            }
        }
        let mut tally = Tally::default();
        for c in self.store.submitted_counts(from, to).await? {
            let Some(path) = UnitPath::decode(&c.unit_path) else {
                continue;
            };
            let n = c.count as f64;
            let online = if c.channel == "online" { n } else { 0.0 };
            tally.add(Formula::ApplicationsOnline, &path, online, n);
            let returned = if c.returned { n } else { 0.0 };
            tally.add(Formula::ReturnedForCompletion, &path, returned, n);
        }
        let day = |text: &str| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
        for c in self.store.completed_counts(from, to).await? {
            let (Some(path), Some(submitted), Some(completed)) = (
                UnitPath::decode(&c.unit_path),
                day(&c.submitted_on),
                day(&c.completed_on),
            ) else {
                continue;
            };
            let n = c.count as f64;
            let on_time = if completed <= c.due_on { n } else { 0.0 };
            tally.add(Formula::CompletedWithinSla, &path, on_time, n);
            let days = country_of
                .get(&path.unit_id())
                .and_then(|country| calendars.get(country))
                .map_or(0, |calendar| {
                    calendar.working_days_between(submitted, completed)
                }) as f64;
            tally.add(Formula::ProcessingDays, &path, days * n, n);
            for _ in 0..c.count {
                tally.sample(&path, days);
            }
            if c.ratings > 0 {
                let sum = c.rating_sum.unwrap_or(0) as f64;
                tally.add(Formula::Satisfaction, &path, sum, c.ratings as f64);
            }
            if c.status == "issued" {
                let fees = c.fees_minor.unwrap_or(0) as f64 / 100.0;
                tally.add(Formula::FeeRevenue, &path, fees, n);
            }
        }
        let (received, resolved) = self.store.report_counts(from, to).await?;
        for (unit_path, count) in received {
            if let Some(path) = UnitPath::decode(&unit_path) {
                tally.add(Formula::ReportsPerInhabitants, &path, count as f64, 0.0);
            }
        }
        for c in resolved {
            let (Some(path), Some(closed)) = (UnitPath::decode(&c.unit_path), day(&c.closed_on))
            else {
                continue;
            };
            let n = c.count as f64;
            let on_time = if closed <= c.expected_on { n } else { 0.0 };
            tally.add(Formula::ReportsResolvedOnTime, &path, on_time, n);
            let reopened = if c.reopened { n } else { 0.0 };
            tally.add(Formula::ReportsReopened, &path, reopened, n);
        }
        // Denominators that are reference data: a unit's population is its
        // own figure, or else the sum of the units directly below it.
        let references = self.store.unit_references(i64::from(month.year())).await?;
        let own: HashMap<i64, i64> = references
            .iter()
            .filter_map(|r| Some((r.unit_id, r.population?)))
            .collect();
        let mut population: BTreeMap<i64, f64> = BTreeMap::new();
        let mut deepest_first = units.clone();
        deepest_first.sort_by_key(|u| std::cmp::Reverse(u.path.depth()));
        for unit in &deepest_first {
            let below: f64 = units
                .iter()
                .filter(|c| c.parent_id == Some(unit.id))
                .filter_map(|c| population.get(&c.id))
                .sum();
            let value = own.get(&unit.id).map_or(below, |p| *p as f64);
            if value > 0.0 {
                population.insert(unit.id, value);
            }
        }
        let services = self.services();
        let mut values = Vec::new();
        for indicator in self.indicators().iter() {
            let Source::Computed(formula) = indicator.source else {
                continue;
            };
            for unit in &units {
                let ratio = match formula {
                    Formula::ServicesOnline => Ratio::new(
                        services
                            .iter()
                            .filter(|p| p.service.country == unit.country())
                            .count() as f64,
                        1.0,
                    ),
                    Formula::ReportsPerInhabitants => {
                        let Some(people) = population.get(&unit.id) else {
                            continue;
                        };
                        let reports = tally
                            .0
                            .get(&(formula, unit.id))
                            .map_or(0.0, |r| r.numerator);
                        Ratio::new(reports, *people)
                    }
                    Formula::ProcessingDaysMedian | Formula::ProcessingDaysP90 => {
                        let Some(days) = tally.1.get_mut(&unit.id) else {
                            continue;
                        };
                        days.sort_by(f64::total_cmp);
                        let q = if formula == Formula::ProcessingDaysMedian {
                            0.5
                        } else {
                            0.9
                        };
                        let Some(value) = baladiya_domain::indicators::quantile(days, q) else {
                            continue;
                        };
                        Ratio::new(value, 1.0)
                    }
                    _ => match tally.0.get(&(formula, unit.id)) {
                        Some(ratio) if ratio.denominator > 0.0 => *ratio,
                        _ => continue,
                    },
                };
                values.push(IndicatorValue {
                    indicator: indicator.code.clone(),
                    unit_id: unit.id,
                    period: month.to_string(),
                    numerator: ratio.numerator,
                    denominator: ratio.denominator,
                    source: "computed".into(),
                    status: "final".into(),
                });
            }
        }
        Ok(self
            .store
            .replace_computed_values(&month.to_string(), &values, self.now())
            .await?)
    }
}

/// One indicator's line on a unit's scorecard.
#[derive(Debug, Clone)]
pub struct ScoreLine {
    pub indicator: Indicator,
    /// The value of each of the twelve months up to the one asked for.
    pub series: Vec<(Month, Option<f64>)>,
    pub standing: Option<Standing>,
    /// How many of the units directly below have a value this month, of
    /// how many (none for a unit with nothing below it).
    pub coverage: Option<(usize, usize)>,
}

impl ScoreLine {
    /// The value of the month asked for.
    pub fn value(&self) -> Option<f64> {
        self.series.last().and_then(|(_, v)| *v)
    }
}

/// Values keyed by (indicator, unit, period).
type ValueMap = HashMap<(String, i64, String), f64>;

impl App {
    /// Values of the catalog's indicators (or one) for `units` over the
    /// twelve months up to `month`, as the indicator's measure.
    async fn value_map(
        &self,
        indicator: Option<&str>,
        units: &[i64],
        month: Month,
    ) -> Result<ValueMap, AppError> {
        let months: Vec<String> = month.last(12).iter().map(ToString::to_string).collect();
        let catalog = self.indicators();
        let rows = self
            .store
            .indicator_values(indicator, units, &months)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|v| {
                let measure = catalog.iter().find(|i| i.code == v.indicator)?.measure;
                let value = measure.value(v.numerator, v.denominator)?;
                Some(((v.indicator, v.unit_id, v.period), value))
            })
            .collect())
    }

    /// A unit's scorecard for `month`: every indicator with its twelve
    /// months, standing against its target and coverage of the units below.
    pub async fn scorecard(
        &self,
        unit: &baladiya_domain::org::OrgUnit,
        month: Month,
    ) -> Result<Vec<ScoreLine>, AppError> {
        Ok(self.score_lines(unit, month, None).await?.0)
    }

    /// The scorecard's lines (of every indicator, or of `only`), the units
    /// directly below `unit`, and the values read for both: one read of
    /// the units and one of the values.
    async fn score_lines(
        &self,
        unit: &baladiya_domain::org::OrgUnit,
        month: Month,
        only: Option<&str>,
    ) -> Result<(Vec<ScoreLine>, Vec<baladiya_domain::org::OrgUnit>, ValueMap), AppError> {
        let children: Vec<_> = self
            .store
            .all_units()
            .await?
            .into_iter()
            .filter(|u| u.parent_id == Some(unit.id))
            .collect();
        let mut ids: Vec<i64> = children.iter().map(|u| u.id).collect();
        ids.push(unit.id);
        let values = self.value_map(only, &ids, month).await?;
        let period = month.to_string();
        let lines = self
            .indicators()
            .iter()
            .filter(|indicator| only.is_none_or(|code| indicator.code == code))
            .map(|indicator| {
                let series: Vec<(Month, Option<f64>)> = month
                    .last(12)
                    .into_iter()
                    .map(|m| {
                        let key = (indicator.code.clone(), unit.id, m.to_string());
                        (m, values.get(&key).copied())
                    })
                    .collect();
                let value = series.last().and_then(|(_, v)| *v);
                let covered = children
                    .iter()
                    .filter(|c| {
                        values.contains_key(&(indicator.code.clone(), c.id, period.clone()))
                    })
                    .count();
                ScoreLine {
                    indicator: indicator.clone(),
                    standing: value
                        .zip(indicator.target)
                        .map(|(v, t)| t.standing(v, indicator.direction)),
                    coverage: (!children.is_empty()).then_some((covered, children.len())),
                    series,
                }
            })
            .collect();
        Ok((lines, children, values))
    }

    /// One indicator for `unit` over twelve months, and the value of each
    /// unit directly below it in `month`, best first.
    pub async fn indicator_detail(
        &self,
        code: &str,
        unit: &baladiya_domain::org::OrgUnit,
        month: Month,
    ) -> Result<(ScoreLine, Vec<(baladiya_domain::org::OrgUnit, Option<f64>)>), AppError> {
        let (lines, children, values) = self.score_lines(unit, month, Some(code)).await?;
        let line = lines.into_iter().next().ok_or(AppError::NotFound)?;
        let mut compared: Vec<_> = children
            .into_iter()
            .map(|u| {
                let v = values
                    .get(&(code.to_owned(), u.id, month.to_string()))
                    .copied();
                (u, v)
            })
            .collect();
        let higher = line.indicator.direction == Direction::HigherIsBetter;
        compared.sort_by(|a, b| match (a.1, b.1) {
            (Some(x), Some(y)) if higher => y.total_cmp(&x),
            (Some(x), Some(y)) => x.total_cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        Ok((line, compared))
    }
}

/// A value as a unit's data officer types it (or as a CSV row has it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValueForm {
    pub indicator: String,
    pub unit: String,
    pub period: String,
    pub numerator: String,
    /// Empty for an indicator that is a total.
    pub denominator: String,
    /// Evidence (a source, a document reference), or the reason of a
    /// correction.
    pub note: String,
}

/// The columns of a values CSV, in order.
pub const VALUES_CSV_HEADER: [&str; 6] = [
    "indicator",
    "unit",
    "period",
    "numerator",
    "denominator",
    "note",
];

impl App {
    /// Checks a typed value against the catalog and `who`'s grants; every
    /// problem is recorded in `fields`, each name prefixed with `prefix`
    /// (a CSV row's "row 3 ").
    async fn parse_value(
        &self,
        who: &crate::Principal,
        form: &ValueForm,
        prefix: &str,
        fields: &mut baladiya_domain::Fields,
        units: &[baladiya_domain::org::OrgUnit],
    ) -> Option<baladiya_store::EnteredValue> {
        let name = |f: &str| format!("{prefix}{f}");
        let catalog = self.indicators();
        let indicator = catalog.iter().find(|i| i.code == form.indicator.trim());
        match indicator {
            None => fields.push(&name("indicator"), "indicator-unknown"),
            Some(i) if i.source != Source::Entered => {
                fields.push(&name("indicator"), "indicator-not-entered")
            }
            Some(_) => {}
        }
        let unit = baladiya_domain::org::UnitCode::parse(form.unit.trim())
            .ok()
            .and_then(|code| units.iter().find(|u| u.code == code));
        match unit {
            None => fields.push(&name("unit"), "unit-unknown"),
            Some(u)
                if !who.access.can(
                    baladiya_domain::people::Permission::EnterIndicators,
                    &u.path,
                ) =>
            {
                fields.push(&name("unit"), "unit-not-yours")
            }
            Some(_) => {}
        }
        let period = fields.check(&name("period"), Month::parse(&form.period));
        let number = |text: &str| {
            baladiya_domain::country::western_digits(text.trim())
                .replace('٫', ".")
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && *n >= 0.0)
                .ok_or("number-invalid")
        };
        let numerator = fields.check(&name("numerator"), number(&form.numerator));
        let total = indicator.is_some_and(|i| i.measure == Measure::Total);
        let denominator = if total {
            (form.denominator.trim().is_empty())
                .then_some(1.0)
                .or_else(|| {
                    fields.push(&name("denominator"), "total-has-no-denominator");
                    None
                })
        } else {
            fields
                .check(&name("denominator"), number(&form.denominator))
                .filter(|d| {
                    let positive = *d > 0.0;
                    if !positive {
                        fields.push(&name("denominator"), "denominator-zero");
                    }
                    positive
                })
        };
        let note = form.note.trim();
        if note.chars().count() > 1000 {
            fields.push(&name("note"), "too-long");
        }
        Some(baladiya_store::EnteredValue {
            indicator: indicator?.code.clone(),
            unit_id: unit?.id,
            period: period?.to_string(),
            numerator: numerator?,
            denominator: denominator?,
            note: (!note.is_empty()).then(|| note.to_owned()),
        })
    }

    /// A unit enters the value of an indicator it reports; it waits for
    /// the unit above to approve it. Correcting an approved value needs a
    /// reason (`note`) and makes a new version.
    pub async fn enter_indicator_value(
        &self,
        who: &crate::Principal,
        form: &ValueForm,
    ) -> Result<(), AppError> {
        self.enter_indicator_values(who, std::slice::from_ref(form), "")
            .await
    }

    /// Values from a CSV file ([`VALUES_CSV_HEADER`]): every row checked
    /// first, every problem reported by row and field, and nothing written
    /// unless all are right; then all are written in one transaction.
    pub async fn import_indicator_csv(
        &self,
        who: &crate::Principal,
        text: &str,
    ) -> Result<usize, AppError> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .map_err(|_| AppError::field("file", "csv-invalid"))?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect();
        if header != VALUES_CSV_HEADER {
            return Err(AppError::field("file", "csv-header-invalid"));
        }
        let mut forms = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let record =
                record.map_err(|_| AppError::field(&format!("row {} ", i + 2), "csv-invalid"))?;
            let cell = |n: usize| record.get(n).unwrap_or_default().to_owned();
            forms.push(ValueForm {
                indicator: cell(0),
                unit: cell(1),
                period: cell(2),
                numerator: cell(3),
                denominator: cell(4),
                note: cell(5),
            });
        }
        if forms.is_empty() {
            return Err(AppError::field("file", "csv-empty"));
        }
        self.enter_indicator_values(who, &forms, "row").await?;
        Ok(forms.len())
    }

    async fn enter_indicator_values(
        &self,
        who: &crate::Principal,
        forms: &[ValueForm],
        rows: &str,
    ) -> Result<(), AppError> {
        let units = self.store.all_units().await?;
        let mut fields = baladiya_domain::Fields::new();
        let mut values = Vec::new();
        for (i, form) in forms.iter().enumerate() {
            let prefix = if rows.is_empty() {
                String::new()
            } else {
                format!("{rows} {} ", i + 2)
            };
            if let Some(v) = self
                .parse_value(who, form, &prefix, &mut fields, &units)
                .await
            {
                values.push(v);
            }
        }
        fields.finish()?;
        Ok(self
            .store
            .enter_indicator_values(&values, who.user_id, self.now())
            .await?)
    }

    /// The unit above approves a submitted value, or returns it with a
    /// reason; never the person who entered it.
    pub async fn review_indicator_value(
        &self,
        who: &crate::Principal,
        form: &ValueForm,
        version: i64,
        approve: bool,
    ) -> Result<(), AppError> {
        let units = self.store.all_units().await?;
        let unit = baladiya_domain::org::UnitCode::parse(form.unit.trim())
            .ok()
            .and_then(|code| units.iter().find(|u| u.code == code))
            .ok_or_else(|| AppError::field("unit", "unit-unknown"))?;
        let above =
            units
                .iter()
                .find(|u| Some(u.id) == unit.parent_id)
                .ok_or(AppError::Forbidden(baladiya_domain::access::Denied {
                    permission: baladiya_domain::people::Permission::ApproveIndicators,
                }))?;
        who.access.require(
            baladiya_domain::people::Permission::ApproveIndicators,
            &above.path,
        )?;
        let reason = form.note.trim();
        if !approve && reason.is_empty() {
            return Err(AppError::field("note", "reason-required"));
        }
        let period = Month::parse(&form.period).map_err(|c| AppError::field("period", c))?;
        Ok(self
            .store
            .review_indicator_value(
                form.indicator.trim(),
                unit.id,
                &period.to_string(),
                version,
                approve,
                (!reason.is_empty()).then_some(reason),
                who.user_id,
                self.now(),
            )
            .await?)
    }
}

impl App {
    /// Records a unit's reference data for a year (the denominators of
    /// indicators); `who` needs `EnterIndicators` on the unit (`None`: the
    /// operator at the command line).
    pub async fn set_unit_reference(
        &self,
        who: Option<&crate::Principal>,
        unit: &str,
        year: i64,
        population: Option<i64>,
        households: Option<i64>,
        area_km2: Option<f64>,
    ) -> Result<(), AppError> {
        let mut fields = baladiya_domain::Fields::new();
        let code = fields.check("unit", baladiya_domain::org::UnitCode::parse(unit));
        let found = match &code {
            Some(code) => self.store.unit_by_code(code).await?,
            None => None,
        };
        if code.is_some() && found.is_none() {
            fields.push("unit", "unit-unknown");
        }
        if !(2000..=2100).contains(&year) {
            fields.push("year", "year-invalid");
        }
        if population.is_some_and(|p| p <= 0) {
            fields.push("population", "number-invalid");
        }
        if households.is_some_and(|h| h <= 0) {
            fields.push("households", "number-invalid");
        }
        if area_km2.is_some_and(|a| !(a.is_finite() && a > 0.0)) {
            fields.push("area_km2", "number-invalid");
        }
        fields.finish()?;
        let Some(unit) = found else {
            return Err(AppError::NotFound);
        };
        if let Some(who) = who {
            who.access.require(
                baladiya_domain::people::Permission::EnterIndicators,
                &unit.path,
            )?;
        }
        let reference = baladiya_store::UnitReference {
            unit_id: unit.id,
            year,
            population,
            households,
            area_km2,
        };
        Ok(self
            .store
            .set_unit_reference(&reference, who.map(|w| w.user_id), self.now())
            .await?)
    }
}

/// A published value: an indicator's value for a unit and month, with the
/// numerator and denominator it comes from.
#[derive(Debug, Clone)]
pub struct PublishedValue {
    pub indicator: Indicator,
    pub unit: String,
    pub period: String,
    /// In the indicator's measure; `None` when the denominator is zero.
    pub value: Option<f64>,
    pub numerator: f64,
    pub denominator: f64,
    pub source: String,
}

impl App {
    /// Published values (computed ones, and entered ones once approved) of
    /// `indicator` (or all), for the unit coded `unit` and every unit below
    /// it (or all), in `period` (`YYYY-MM`, or all). Bad filters are field
    /// errors.
    pub async fn published_values(
        &self,
        indicator: Option<&str>,
        unit: Option<&str>,
        period: Option<&str>,
    ) -> Result<Vec<PublishedValue>, AppError> {
        let catalog = self.indicators();
        if let Some(code) = indicator
            && !catalog.iter().any(|i| i.code == code)
        {
            return Err(AppError::field("indicator", "indicator-unknown"));
        }
        let periods = match period {
            Some(p) => vec![
                Month::parse(p)
                    .map_err(|c| AppError::field("period", c))?
                    .to_string(),
            ],
            None => Vec::new(),
        };
        let units = self.store.all_units().await?;
        let within: Vec<i64> = match unit.filter(|u| !u.is_empty()) {
            Some(code) => {
                let code = baladiya_domain::org::UnitCode::parse(code)
                    .map_err(|c| AppError::field("unit", c))?;
                let root = units
                    .iter()
                    .find(|u| u.code == code)
                    .ok_or_else(|| AppError::field("unit", "unit-unknown"))?;
                units
                    .iter()
                    .filter(|u| u.path.is_within(&root.path))
                    .map(|u| u.id)
                    .collect()
            }
            None => Vec::new(),
        };
        let rows = self
            .store
            .indicator_values(indicator, &within, &periods)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|v| {
                let indicator = catalog.iter().find(|i| i.code == v.indicator)?.clone();
                let unit = units.iter().find(|u| u.id == v.unit_id)?.code.to_string();
                Some(PublishedValue {
                    value: indicator.measure.value(v.numerator, v.denominator),
                    indicator,
                    unit,
                    period: v.period,
                    numerator: v.numerator,
                    denominator: v.denominator,
                    source: v.source,
                })
            })
            .collect())
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
