//! Recomputing the indicators Baladiya computes from its own records, for
//! every unit (with everything below it), month by month, as a whole and
//! by part: by service for applications, by category for reports.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use baladiya_domain::indicators::{Formula, Month, Ratio, Source, quantile_of_counts};
use baladiya_domain::org::{OrgUnit, UnitPath};
use baladiya_store::{IndicatorPart, IndicatorValue};
use chrono::{NaiveTime, TimeZone, Utc};

use crate::{App, AppError};

/// A unit as a whole (`None`) or one part of its activity: a service's
/// code or a report category's.
type Part = Option<Arc<str>>;

/// Sums of each formula's numerator and denominator per unit and part,
/// and how many applications (or reports) took each number of days, by
/// the formula of their sum (for medians and 90th percentiles, which do
/// not add up).
#[derive(Debug, Default)]
struct Tally {
    sums: HashMap<(Formula, i64, Part), Ratio>,
    days: HashMap<(Formula, i64, Part), BTreeMap<i64, u64>>,
}

/// The formula whose durations a quantile formula reads, and its quantile.
fn quantile_of(formula: Formula) -> Option<(Formula, f64)> {
    match formula {
        Formula::ProcessingDaysMedian => Some((Formula::ProcessingDays, 0.5)),
        Formula::ProcessingDaysP90 => Some((Formula::ProcessingDays, 0.9)),
        Formula::ResolutionDaysMedian => Some((Formula::ResolutionDays, 0.5)),
        _ => None,
    }
}

impl Tally {
    /// Adds `numerator / denominator` to the unit at the end of `path` and
    /// to every unit above it (a unit's value covers everything below it),
    /// as a whole and for `part`.
    fn add(&mut self, formula: Formula, path: &UnitPath, part: &Arc<str>, n: f64, d: f64) {
        for unit in path.ids() {
            for key in [None, Some(part.clone())] {
                let sum = self.sums.entry((formula, *unit, key)).or_default();
                sum.numerator += n;
                sum.denominator += d;
            }
        }
    }

    /// Adds `count` cases that took `days` to `formula` (the sum of days
    /// over the count of cases) and to its distribution, for the unit at
    /// the end of `path`, every unit above it, and `part`.
    fn took(&mut self, formula: Formula, path: &UnitPath, part: &Arc<str>, days: i64, count: i64) {
        let n = count as f64;
        self.add(formula, path, part, days as f64 * n, n);
        for unit in path.ids() {
            for key in [None, Some(part.clone())] {
                *self
                    .days
                    .entry((formula, *unit, key))
                    .or_default()
                    .entry(days)
                    .or_default() += count.max(0) as u64;
            }
        }
    }

    /// The value of `formula` for `unit` and `part`, if there is one.
    fn ratio(
        &self,
        formula: Formula,
        unit: i64,
        part: &Part,
        population: Option<f64>,
    ) -> Option<Ratio> {
        let sum = |f| self.sums.get(&(f, unit, part.clone())).copied();
        match formula {
            Formula::ReportsPerInhabitants => Some(Ratio::new(
                sum(formula).map_or(0.0, |r| r.numerator),
                population?,
            )),
            _ => match quantile_of(formula) {
                Some((durations, q)) => {
                    let days = self.days.get(&(durations, unit, part.clone()))?;
                    Some(Ratio::new(quantile_of_counts(days, q)?, 1.0))
                }
                None => sum(formula).filter(|r| r.denominator > 0.0),
            },
        }
    }

    /// The parts (services or categories) `unit` has figures of `formula`
    /// for.
    fn parts_of(&self, formula: Formula, unit: i64) -> Vec<Arc<str>> {
        let summed = quantile_of(formula).map_or(formula, |(durations, _)| durations);
        let mut parts: Vec<Arc<str>> = self
            .sums
            .keys()
            .filter(|(f, u, _)| *f == summed && *u == unit)
            .filter_map(|(_, _, p)| p.clone())
            .collect();
        parts.sort();
        parts.dedup();
        parts
    }
}

/// A unit's population for a year: its own figure, or else the sum of
/// the units directly below it.
fn populations(units: &[OrgUnit], own: &HashMap<i64, i64>) -> HashMap<i64, f64> {
    let mut population = HashMap::new();
    let mut deepest_first: Vec<&OrgUnit> = units.iter().collect();
    deepest_first.sort_by_key(|u| std::cmp::Reverse(u.path.depth()));
    for unit in deepest_first {
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
    population
}

impl App {
    /// Recomputes `month` only if it may be stale (see
    /// [`baladiya_store::Store::indicator_period_stale`]; an hour at most
    /// between two runs): the scheduled, incremental recomputation. Returns
    /// the values written, or `None` when nothing changed.
    pub async fn refresh_indicators(&self, month: Month) -> Result<Option<u64>, AppError> {
        let hour_ago = self.now() - chrono::Duration::hours(1);
        if !self
            .store
            .indicator_period_stale(&month.to_string(), hour_ago)
            .await?
        {
            return Ok(None);
        }
        Ok(Some(self.recompute_indicators(month).await?))
    }

    /// Recomputes every computed indicator for every unit for `month`, from
    /// the applications and reports themselves, as a whole and by service
    /// or category; idempotent (the month's computed values are replaced
    /// in one transaction). Returns how many values were written.
    pub async fn recompute_indicators(&self, month: Month) -> Result<u64, AppError> {
        // Read first: an event recorded while this runs makes the month
        // stale again for the next scheduled run.
        let through_event = self.store.last_event_id().await?;
        let day = |d: chrono::NaiveDate| Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN));
        let (from, to) = (day(month.first_day()), day(month.next().first_day()));
        let units = self.store.all_units().await?;
        let paths: HashMap<i64, &UnitPath> = units.iter().map(|u| (u.id, &u.path)).collect();
        let mut calendars = HashMap::new();
        for unit in &units {
            if !calendars.contains_key(&unit.id) {
                let calendar = self.store.calendar(unit.country()).await?;
                for same in units.iter().filter(|u| u.country() == unit.country()) {
                    calendars.insert(same.id, calendar.clone());
                }
            }
        }
        let services: HashMap<i64, Arc<str>> = self
            .store
            .service_version_codes()
            .await?
            .into_iter()
            .map(|(id, code)| (id, Arc::from(code)))
            .collect();
        let mut categories: HashMap<String, Arc<str>> = HashMap::new();
        let mut category = |code: String| -> Arc<str> {
            categories
                .entry(code)
                .or_insert_with_key(|code| Arc::from(code.as_str()))
                .clone()
        };

        // The four readings go to the database at once: with a pool of
        // connections they overlap on the machine's cores.
        let (submitted, completed, received, resolved) = tokio::try_join!(
            self.store.submitted_counts(from, to),
            self.store.completed_counts(from, to),
            self.store.received_counts(from, to),
            self.store.resolved_counts(from, to),
        )?;
        let mut tally = Tally::default();
        for c in submitted {
            let (Some(path), Some(service)) =
                (paths.get(&c.unit_id), services.get(&c.service_version_id))
            else {
                continue;
            };
            let n = c.count as f64;
            let online = if c.channel == "online" { n } else { 0.0 };
            tally.add(Formula::ApplicationsOnline, path, service, online, n);
            let returned = if c.returned { n } else { 0.0 };
            tally.add(Formula::ReturnedForCompletion, path, service, returned, n);
        }
        for c in completed {
            let (Some(path), Some(service)) =
                (paths.get(&c.unit_id), services.get(&c.service_version_id))
            else {
                continue;
            };
            let n = c.count as f64;
            let on_time = if c.completed_on <= c.due_on { n } else { 0.0 };
            tally.add(Formula::CompletedWithinSla, path, service, on_time, n);
            let days = calendars.get(&c.unit_id).map_or(0, |calendar| {
                calendar.working_days_between(c.submitted_on, c.completed_on)
            });
            tally.took(Formula::ProcessingDays, path, service, days, c.count);
            if c.ratings > 0 {
                let sum = c.rating_sum.unwrap_or(0) as f64;
                tally.add(Formula::Satisfaction, path, service, sum, c.ratings as f64);
            }
            if c.status == "issued" {
                let fees = c.fees_minor.unwrap_or(0) as f64 / 100.0;
                tally.add(Formula::FeeRevenue, path, service, fees, n);
            }
        }
        for c in received {
            if let Some(path) = paths.get(&c.unit_id) {
                let part = category(c.category_code);
                let n = c.count as f64;
                tally.add(Formula::ReportsPerInhabitants, path, &part, n, 0.0);
            }
        }
        for c in resolved {
            let Some(path) = paths.get(&c.unit_id) else {
                continue;
            };
            let part = category(c.category_code);
            let n = c.count as f64;
            let on_time = if c.closed_on <= c.expected_on { n } else { 0.0 };
            tally.add(Formula::ReportsResolvedOnTime, path, &part, on_time, n);
            let reopened = if c.reopened { n } else { 0.0 };
            tally.add(Formula::ReportsReopened, path, &part, reopened, n);
            let days = (c.closed_on - c.requested_on).num_days().max(0);
            tally.took(Formula::ResolutionDays, path, &part, days, c.count);
        }

        let references = self.store.unit_references(i64::from(month.year())).await?;
        let own: HashMap<i64, i64> = references
            .iter()
            .filter_map(|r| Some((r.unit_id, r.population?)))
            .collect();
        let population = populations(&units, &own);
        let published = self.services();
        let period = month.to_string();
        let (mut values, mut parts) = (Vec::new(), Vec::new());
        for indicator in self.indicators().iter() {
            let Source::Computed(formula) = indicator.source else {
                continue;
            };
            for unit in &units {
                let people = population.get(&unit.id).copied();
                let whole = match formula {
                    Formula::ServicesOnline => Some(Ratio::new(
                        published
                            .iter()
                            .filter(|p| p.service.country == unit.country())
                            .count() as f64,
                        1.0,
                    )),
                    _ => tally.ratio(formula, unit.id, &None, people),
                };
                let Some(whole) = whole else {
                    continue;
                };
                values.push(IndicatorValue {
                    indicator: indicator.code.clone(),
                    unit_id: unit.id,
                    period: period.clone(),
                    numerator: whole.numerator,
                    denominator: whole.denominator,
                    source: "computed".into(),
                    status: "final".into(),
                });
                for part in tally.parts_of(formula, unit.id) {
                    let Some(ratio) = tally.ratio(formula, unit.id, &Some(part.clone()), people)
                    else {
                        continue;
                    };
                    parts.push(IndicatorPart {
                        indicator: indicator.code.clone(),
                        unit_id: unit.id,
                        period: period.clone(),
                        part: part.to_string(),
                        numerator: ratio.numerator,
                        denominator: ratio.denominator,
                    });
                }
            }
        }
        Ok(self
            .store
            .replace_computed_values(&period, &values, &parts, through_event, self.now())
            .await?)
    }
}
