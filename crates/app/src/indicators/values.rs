//! Values entered by units (maker-checker) and units' reference data.

use baladiya_domain::indicators::{Measure, Month, Source};

use crate::{App, AppError};

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

/// A unit's reference data for a year as typed on the staff page: any
/// digits (٠١٢ or 012), thousands separators allowed; empty is unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReferenceForm {
    pub unit: String,
    pub year: String,
    pub population: String,
    pub households: String,
    pub area_km2: String,
}

/// A number as a person types it, or `None` for an empty field; a field
/// error otherwise.
fn typed_number(fields: &mut baladiya_domain::Fields, name: &str, text: &str) -> Option<f64> {
    let text = baladiya_domain::country::western_digits(text.trim())
        .replace([',', '٬'], "")
        .replace('٫', ".");
    if text.is_empty() {
        return None;
    }
    let number = text.parse::<f64>().ok().filter(|n| n.is_finite());
    fields.check(name, number.ok_or("number-invalid"))
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
        let figures = (population, households, area_km2);
        let fields = baladiya_domain::Fields::new();
        self.save_reference(who, unit, Some(year), figures, fields)
            .await
    }

    /// Records reference data typed on the staff page; every wrong field
    /// is reported at once.
    pub async fn enter_unit_reference(
        &self,
        who: &crate::Principal,
        form: &ReferenceForm,
    ) -> Result<(), AppError> {
        let mut fields = baladiya_domain::Fields::new();
        let whole = |v: Option<f64>| v.map(|v| v.round() as i64);
        let year = whole(typed_number(&mut fields, "year", &form.year));
        let population = whole(typed_number(&mut fields, "population", &form.population));
        let households = whole(typed_number(&mut fields, "households", &form.households));
        let area = typed_number(&mut fields, "area_km2", &form.area_km2);
        if form.year.trim().is_empty() {
            fields.push("year", "year-invalid");
        }
        self.save_reference(
            Some(who),
            &form.unit,
            year,
            (population, households, area),
            fields,
        )
        .await
    }

    /// The unit coded `text`, or its field error (`unit`): the code does
    /// not read as one, or no unit has it.
    pub(super) async fn unit_field(
        &self,
        fields: &mut baladiya_domain::Fields,
        text: &str,
    ) -> Result<Option<baladiya_domain::org::OrgUnit>, AppError> {
        let code = fields.check("unit", baladiya_domain::org::UnitCode::parse(text));
        let found = match &code {
            Some(code) => self.store.unit_by_code(code).await?,
            None => None,
        };
        if code.is_some() && found.is_none() {
            fields.push("unit", "unit-unknown");
        }
        Ok(found)
    }

    async fn save_reference(
        &self,
        who: Option<&crate::Principal>,
        unit: &str,
        year: Option<i64>,
        (population, households, area_km2): (Option<i64>, Option<i64>, Option<f64>),
        mut fields: baladiya_domain::Fields,
    ) -> Result<(), AppError> {
        let found = self.unit_field(&mut fields, unit).await?;
        if year.is_some_and(|y| !(2000..=2100).contains(&y)) {
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
        let (Some(unit), Some(year)) = (found, year) else {
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
