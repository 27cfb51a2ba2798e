//! Published values, for open data and the API.

use baladiya_domain::indicators::{Indicator, Month};

use crate::{App, AppError};

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

impl App {
    /// The computed value of `indicator` for the unit coded `unit` in
    /// `period` (`YYYY-MM`), service by service or report category by
    /// category. Every bad filter is a field error, all at once.
    pub async fn published_parts(
        &self,
        indicator: &str,
        unit: &str,
        period: &str,
    ) -> Result<Vec<super::PartValue>, AppError> {
        let mut fields = baladiya_domain::Fields::new();
        if !self.indicators().iter().any(|i| i.code == indicator) {
            fields.push("indicator", "indicator-unknown");
        }
        let month = fields.check("period", Month::parse(period));
        let found = self.unit_field(&mut fields, unit).await?;
        fields.finish()?;
        let (Some(unit), Some(month)) = (found, month) else {
            return Err(AppError::NotFound);
        };
        self.indicator_parts(indicator, &unit, month).await
    }
}
