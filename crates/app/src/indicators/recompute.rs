//! Recomputing the indicators Baladiya computes from its own records, for
//! every unit (with everything below it), month by month, as a whole and
//! by part: by service for applications, by category for reports.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use baladiya_domain::indicators::{Formula, Month, Ratio, Source, quantile_of_counts};
use baladiya_domain::org::OrgUnit;
use baladiya_domain::sensors::measure::Measure as SensorMeasure;
use baladiya_store::{IndicatorPart, IndicatorValue};
use chrono::{NaiveTime, TimeZone, Utc};

use crate::{App, AppError};

/// Sums of each formula's numerator and denominator per unit and part,
/// and how many applications (or reports) took each number of days, by
/// the formula of their sum (for medians and 90th percentiles, which do
/// not add up). Dense: one slot per formula, unit and part, where part 0
/// is the unit as a whole and the others are services or categories — a
/// million applications add up by index, without hashing.
struct Tally {
    unit_index: HashMap<i64, usize>,
    /// For each unit (by index), the indexes of it and the units above it.
    ancestors: Vec<Vec<usize>>,
    /// Part names, by index (index 0, the whole, has none).
    parts: Vec<Arc<str>>,
    part_index: HashMap<Arc<str>, usize>,
    sums: Vec<Ratio>,
    days: HashMap<(Formula, usize, usize), BTreeMap<i64, u64>>,
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

fn formula_index(formula: Formula) -> usize {
    Formula::ALL
        .iter()
        .position(|f| *f == formula)
        .unwrap_or_default()
}

impl Tally {
    /// A tally for `units`, with room for `parts` (service and category
    /// codes).
    fn new(units: &[OrgUnit], parts: impl IntoIterator<Item = Arc<str>>) -> Tally {
        let unit_index: HashMap<i64, usize> =
            units.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
        let ancestors = units
            .iter()
            .map(|u| {
                u.path
                    .ids()
                    .iter()
                    .filter_map(|id| unit_index.get(id).copied())
                    .collect()
            })
            .collect();
        let mut names: Vec<Arc<str>> = parts.into_iter().collect();
        names.sort();
        names.dedup();
        names.insert(0, Arc::from(""));
        let part_index = names
            .iter()
            .enumerate()
            .skip(1)
            .map(|(i, n)| (n.clone(), i))
            .collect();
        let size = Formula::ALL.len() * units.len() * names.len();
        Tally {
            unit_index,
            ancestors,
            sums: vec![Ratio::default(); size],
            parts: names,
            part_index,
            days: HashMap::new(),
        }
    }

    fn slot(&self, formula: Formula, unit: usize, part: usize) -> usize {
        (formula_index(formula) * self.ancestors.len() + unit) * self.parts.len() + part
    }

    /// The unit's index and its part's, if both are known.
    fn place(&self, unit_id: i64, part: &str) -> Option<(usize, usize)> {
        Some((*self.unit_index.get(&unit_id)?, *self.part_index.get(part)?))
    }

    /// Adds `numerator / denominator` to the unit and to every unit above
    /// it (a unit's value covers everything below it), as a whole and for
    /// the part.
    fn add(&mut self, formula: Formula, (unit, part): (usize, usize), n: f64, d: f64) {
        for i in 0..self.ancestors[unit].len() {
            let above = self.ancestors[unit][i];
            for p in [0, part] {
                let slot = self.slot(formula, above, p);
                self.sums[slot].numerator += n;
                self.sums[slot].denominator += d;
            }
        }
    }

    /// Adds `numerator / denominator` to the unit as a whole and to every
    /// unit above it.
    fn add_whole(&mut self, formula: Formula, unit_id: i64, n: f64, d: f64) {
        let Some(&unit) = self.unit_index.get(&unit_id) else {
            return;
        };
        for i in 0..self.ancestors[unit].len() {
            let slot = self.slot(formula, self.ancestors[unit][i], 0);
            self.sums[slot].numerator += n;
            self.sums[slot].denominator += d;
        }
    }

    /// Adds `count` cases that took `days` to `formula` (the sum of days
    /// over the count of cases) and to its distribution, for the unit,
    /// every unit above it, and the part.
    fn took(&mut self, formula: Formula, at: (usize, usize), days: i64, count: i64) {
        let n = count as f64;
        self.add(formula, at, days as f64 * n, n);
        for above in &self.ancestors[at.0] {
            for p in [0, at.1] {
                *self
                    .days
                    .entry((formula, *above, p))
                    .or_default()
                    .entry(days)
                    .or_default() += count.max(0) as u64;
            }
        }
    }

    /// The value of `formula` for the unit (by id) and part, if any.
    fn ratio(
        &self,
        formula: Formula,
        unit_id: i64,
        part: usize,
        population: Option<f64>,
    ) -> Option<Ratio> {
        let unit = *self.unit_index.get(&unit_id)?;
        let sum = |f| self.sums[self.slot(f, unit, part)];
        match formula {
            Formula::ReportsPerInhabitants => {
                let reports = sum(formula).numerator;
                (part == 0 || reports > 0.0).then_some(Ratio::new(reports, population?))
            }
            // Only where a budget closed: a unit without one has no rate.
            Formula::ParticipationRate => {
                let voters = sum(formula);
                (part == 0 && voters.denominator > 0.0)
                    .then_some(Ratio::new(voters.numerator, population?))
            }
            _ => match quantile_of(formula) {
                Some((durations, q)) => {
                    let days = self.days.get(&(durations, unit, part))?;
                    Some(Ratio::new(quantile_of_counts(days, q)?, 1.0))
                }
                None => Some(sum(formula)).filter(|r| r.denominator > 0.0),
            },
        }
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

        // Applications completed before their working days were kept get
        // them now, once.
        let missing = self.store.completed_without_working_days(from, to).await?;
        if !missing.is_empty() {
            let days: Vec<(i64, i64)> = missing
                .iter()
                .filter_map(|(id, unit, submitted, completed)| {
                    let calendar = calendars.get(unit)?;
                    let n = calendar
                        .working_days_between(submitted.date_naive(), completed.date_naive());
                    Some((*id, n))
                })
                .collect();
            self.store.set_working_days(&days).await?;
        }
        // The four readings go to the database at once: with a pool of
        // connections they overlap on the machine's cores.
        let (submitted, completed, received, resolved) = tokio::try_join!(
            self.store.submitted_counts(from, to),
            self.store.completed_counts(from, to),
            self.store.received_counts(from, to),
            self.store.resolved_counts(from, to),
        )?;
        let categories = received
            .iter()
            .map(|c| c.category_code.as_str())
            .chain(resolved.iter().map(|c| c.category_code.as_str()))
            .map(Arc::from);
        // Sensors: each place (a building, a station) is a part.
        let places = self.sensor_places(false).await?;
        let sums: HashMap<i64, (i64, f64)> = self
            .store
            .sta_sums(from.timestamp_micros(), to.timestamp_micros())
            .await?
            .into_iter()
            .map(|(stream, n, total)| (stream, (n, total)))
            .collect();
        let place_names = places.iter().map(|p| Arc::<str>::from(p.name.as_str()));
        let mut tally = Tally::new(
            &units,
            services
                .values()
                .cloned()
                .chain(categories)
                .chain(place_names),
        );
        let service_of = |unit_id: i64, version: i64| {
            let code = services.get(&version)?;
            tally.place(unit_id, code)
        };
        let submitted: Vec<_> = submitted
            .into_iter()
            .filter_map(|c| Some((service_of(c.unit_id, c.service_version_id)?, c)))
            .collect();
        let completed: Vec<_> = completed
            .into_iter()
            .filter_map(|c| Some((service_of(c.unit_id, c.service_version_id)?, c)))
            .collect();
        for (at, c) in submitted {
            let n = c.count as f64;
            let online = if c.channel == "online" { n } else { 0.0 };
            tally.add(Formula::ApplicationsOnline, at, online, n);
            let returned = if c.returned { n } else { 0.0 };
            tally.add(Formula::ReturnedForCompletion, at, returned, n);
        }
        for (at, c) in completed {
            let n = c.count as f64;
            tally.add(Formula::CompletedWithinSla, at, c.on_time as f64, n);
            if let Some(days) = c.working_days {
                tally.took(Formula::ProcessingDays, at, days, c.count);
            }
            if c.ratings > 0 {
                let sum = c.rating_sum.unwrap_or(0) as f64;
                tally.add(Formula::Satisfaction, at, sum, c.ratings as f64);
            }
            if c.issued > 0 {
                let fees = c.fees_minor.unwrap_or(0) as f64 / 100.0;
                tally.add(Formula::FeeRevenue, at, fees, c.issued as f64);
            }
        }
        // Conformance needs each application's steps: those completed in
        // the month, replayed against their procedure versions.
        let completed_in_month = baladiya_store::LogFilter {
            completed: Some((from, to)),
            ..baladiya_store::LogFilter::default()
        };
        let unit_ids: HashMap<&str, i64> = units.iter().map(|u| (u.code.as_str(), u.id)).collect();
        for case in self.analysed_cases(&completed_in_month).await? {
            let Some(at) = unit_ids
                .get(case.unit.as_str())
                .and_then(|id| tally.place(*id, &case.service))
            else {
                continue;
            };
            let conforms = if case.conformance.conforms() {
                1.0
            } else {
                0.0
            };
            tally.add(Formula::ProcedureConformance, at, conforms, 1.0);
        }
        // Staff trained: a valid certificate issued in the twelve months
        // up to the month's end.
        let year_before = month.next().first_day() - chrono::Months::new(12);
        for (unit, trained) in self
            .store
            .staff_trained(year_before, month.next().first_day())
            .await?
        {
            tally.add_whole(
                Formula::StaffTrained,
                unit,
                f64::from(u8::from(trained)),
                1.0,
            );
        }
        // Participatory budgets: voters where voting closed this month (the
        // denominator counts the budgets, so units without one have no
        // rate), and selected projects delivered this month.
        for (unit, voters) in self
            .budgets_closed_between(month.first_day(), month.next().first_day())
            .await?
        {
            tally.add_whole(Formula::ParticipationRate, unit, voters as f64, 1.0);
        }
        for (unit, on_time) in self.store.projects_delivered(from, to).await? {
            tally.add_whole(
                Formula::ProjectsDeliveredOnTime,
                unit,
                f64::from(u8::from(on_time)),
                1.0,
            );
        }
        for c in received {
            if let Some(at) = tally.place(c.unit_id, &c.category_code) {
                tally.add(Formula::ReportsPerInhabitants, at, c.count as f64, 0.0);
            }
        }
        for c in resolved {
            let Some(at) = tally.place(c.unit_id, &c.category_code) else {
                continue;
            };
            let n = c.count as f64;
            tally.add(Formula::ReportsResolvedOnTime, at, c.on_time as f64, n);
            tally.add(Formula::ReportsReopened, at, c.reopened as f64, n);
            tally.took(Formula::ResolutionDays, at, c.days.max(0), c.count);
        }

        let days_in_month = (to - from).num_days().max(1) as f64;
        for place in &places {
            let Some(unit) = units
                .iter()
                .find(|u| place.unit.as_deref() == Some(u.code.as_str()))
            else {
                continue;
            };
            let Some(at) = tally.place(unit.id, &place.name) else {
                continue;
            };
            let mut area = place.floor_area.filter(|a| *a > 0.0);
            for stream in &place.streams {
                let Some(&(n, total)) = sums.get(&stream.id) else {
                    continue;
                };
                match stream.measure {
                    Some(SensorMeasure::Pm25) => tally.add(Formula::Pm25Mean, at, total, n as f64),
                    Some(SensorMeasure::Electricity) => {
                        if let Some(floor) = area.take().or(place.floor_area.map(|_| 0.0)) {
                            tally.add(
                                Formula::BuildingEnergyPerM2,
                                at,
                                total * 365.0 / days_in_month,
                                floor,
                            );
                        }
                    }
                    _ => {}
                }
            }
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
                    _ => tally.ratio(formula, unit.id, 0, people),
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
                for (p, name) in tally.parts.iter().enumerate().skip(1) {
                    let Some(ratio) = tally.ratio(formula, unit.id, p, people) else {
                        continue;
                    };
                    parts.push(IndicatorPart {
                        indicator: indicator.code.clone(),
                        unit_id: unit.id,
                        period: period.clone(),
                        part: name.to_string(),
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
