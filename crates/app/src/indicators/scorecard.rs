//! A unit's scorecard and an indicator's page: values over twelve months,
//! standing against the target, coverage of the units below.

use std::collections::HashMap;

use baladiya_domain::indicators::{
    Direction, Indicator, Month, Ratio, Source, Standing, TreeUnit, roll_up,
};
use baladiya_domain::org::OrgUnit;

use crate::{App, AppError};

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
    /// Values of the catalog's indicators (or one) for `unit` and every
    /// unit below it over the twelve months up to `month`, as the
    /// indicator's measure. Computed values are read as they are; values
    /// units report hold for their frequency (a yearly value for twelve
    /// months) and roll up the tree by numerators and denominators.
    async fn value_map(
        &self,
        indicator: Option<&str>,
        unit: &OrgUnit,
        month: Month,
    ) -> Result<(ValueMap, Vec<OrgUnit>), AppError> {
        let mut tree: Vec<OrgUnit> = self
            .store
            .all_units()
            .await?
            .into_iter()
            .filter(|u| u.path.is_within(&unit.path))
            .collect();
        tree.sort_by_key(|u| std::cmp::Reverse(u.path.depth()));
        let deepest_first: Vec<TreeUnit> = tree
            .iter()
            .map(|u| TreeUnit {
                id: u.id,
                parent: u.parent_id,
            })
            .collect();
        let ids: Vec<i64> = tree.iter().map(|u| u.id).collect();
        // Eleven months more than shown: a yearly value entered then still
        // holds at the start of the twelve.
        let shown = month.last(12);
        let read: Vec<String> = month.last(23).iter().map(ToString::to_string).collect();
        let rows = self.store.indicator_values(indicator, &ids, &read).await?;
        let mut raw: HashMap<(&str, i64, Month), Ratio> = HashMap::new();
        for v in &rows {
            if let Ok(period) = Month::parse(&v.period) {
                let key = (v.indicator.as_str(), v.unit_id, period);
                raw.insert(key, Ratio::new(v.numerator, v.denominator));
            }
        }
        let catalog = self.indicators();
        let mut values = ValueMap::new();
        for i in catalog.iter() {
            if indicator.is_some_and(|code| code != i.code)
                || !rows.iter().any(|v| v.indicator == i.code)
            {
                continue;
            }
            let mut put = |unit_id: i64, period: String, r: Ratio| {
                if let Some(v) = i.measure.value(r.numerator, r.denominator) {
                    values.insert((i.code.clone(), unit_id, period), v);
                }
            };
            if let Source::Computed(_) = i.source {
                for v in rows.iter().filter(|v| v.indicator == i.code) {
                    put(
                        v.unit_id,
                        v.period.clone(),
                        Ratio::new(v.numerator, v.denominator),
                    );
                }
                continue;
            }
            for m in &shown {
                let window = m.last(i.frequency.months());
                let own: HashMap<i64, Ratio> = ids
                    .iter()
                    .filter_map(|id| {
                        let latest = window
                            .iter()
                            .rev()
                            .find_map(|p| raw.get(&(i.code.as_str(), *id, *p)))?;
                        Some((*id, *latest))
                    })
                    .collect();
                for (unit_id, r) in roll_up(&deepest_first, &own) {
                    put(unit_id, m.to_string(), r);
                }
            }
        }
        Ok((values, tree))
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
        let (values, tree) = self.value_map(only, unit, month).await?;
        let children: Vec<OrgUnit> = tree
            .into_iter()
            .filter(|u| u.parent_id == Some(unit.id))
            .collect();
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
        compared.sort_by(|a, b| best_first(higher, a.1, b.1));
        Ok((line, compared))
    }
}

/// Orders values best first (by the indicator's direction), those without
/// a value last.
fn best_first(higher: bool, a: Option<f64>, b: Option<f64>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(x), Some(y)) if higher => y.total_cmp(&x),
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }
}

/// An indicator's value for one part of a unit's activity in a month: a
/// service (for applications) or a report category.
#[derive(Debug, Clone)]
pub struct PartValue {
    pub code: String,
    /// The service's or category's name (none for one no longer known).
    pub name: Option<baladiya_domain::org::BilingualName>,
    pub value: Option<f64>,
    pub numerator: f64,
    pub denominator: f64,
}

impl App {
    /// `code`'s value for `unit` in `month`, service by service or report
    /// category by category, the highest first when higher is better.
    pub async fn indicator_parts(
        &self,
        code: &str,
        unit: &baladiya_domain::org::OrgUnit,
        month: Month,
    ) -> Result<Vec<PartValue>, AppError> {
        let catalog = self.indicators();
        let indicator = catalog
            .iter()
            .find(|i| i.code == code)
            .ok_or(AppError::NotFound)?;
        let services = self.services();
        let categories = self.report_categories();
        let name = |part: &str| {
            services
                .iter()
                .find(|p| p.service.code.as_str() == part)
                .map(|p| p.service.name.clone())
                .or_else(|| {
                    categories
                        .iter()
                        .find(|c| c.code == part)
                        .map(|c| c.name.clone())
                })
        };
        let mut parts: Vec<PartValue> = self
            .store
            .indicator_parts(code, unit.id, &month.to_string())
            .await?
            .into_iter()
            .map(|p| PartValue {
                name: name(&p.part),
                value: indicator.measure.value(p.numerator, p.denominator),
                numerator: p.numerator,
                denominator: p.denominator,
                code: p.part,
            })
            .collect();
        let higher = indicator.direction == Direction::HigherIsBetter;
        parts.sort_by(|a, b| best_first(higher, a.value, b.value));
        Ok(parts)
    }
}
