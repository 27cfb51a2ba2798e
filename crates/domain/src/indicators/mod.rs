//! Smart-city indicators: the definitions (ITU-T Y.4903 / U4SSC key
//! performance indicators, ISO 37120 and ISO 37122, and those Baladiya
//! computes from its own records), values kept as a numerator and a
//! denominator so that they add up the org tree, and a value's standing
//! against its target.

use std::collections::{BTreeMap, HashMap};

use crate::org::BilingualName;

/// Where an indicator's definition comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Standard {
    /// ITU-T Y.4903 / United for Smart Sustainable Cities KPIs.
    U4ssc,
    /// ISO 37120, indicators for sustainable cities.
    Iso37120,
    /// ISO 37122, indicators for smart cities.
    Iso37122,
    /// Defined by Baladiya over its own records.
    Baladiya,
}

/// Names as the catalog files and the API write them.
macro_rules! names {
    ($ty:ident { $($variant:ident => $name:literal),* $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),*
                }
            }

            /// The value named `text`, or `None`.
            pub fn parse(text: &str) -> Option<$ty> {
                Self::ALL.iter().copied().find(|v| v.as_str() == text)
            }
        }
    };
}

names!(Standard {
    U4ssc => "u4ssc",
    Iso37120 => "iso-37120",
    Iso37122 => "iso-37122",
    Baladiya => "baladiya",
});
names!(Dimension {
    Economy => "economy",
    Environment => "environment",
    SocietyAndCulture => "society-and-culture",
});
names!(Axis {
    Governance => "governance",
    Environment => "environment",
    Living => "living",
    Mobility => "mobility",
    Security => "security",
    Economy => "economy",
    People => "people",
});
names!(Measure {
    Percent => "percent",
    Per10k => "per-10k",
    Per100k => "per-100k",
    Average => "average",
    Total => "total",
});

/// U4SSC's three dimensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    Economy,
    Environment,
    SocietyAndCulture,
}

/// The smart-city axes the seeds speak of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Axis {
    Governance,
    Environment,
    Living,
    Mobility,
    Security,
    Economy,
    People,
}

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
}

/// How often a value is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    Monthly,
    Quarterly,
    Yearly,
}

/// What a value counts in, and how a ratio of numerator to denominator
/// becomes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// 100 × numerator / denominator.
    Percent,
    /// 10,000 × numerator / denominator (per 10,000 inhabitants).
    Per10k,
    /// 100,000 × numerator / denominator (per 100,000 inhabitants).
    Per100k,
    /// numerator / denominator: an average (days, a score, m³ a person).
    Average,
    /// The numerator alone (a count, an amount of money, an index).
    Total,
}

impl Measure {
    /// The value of `numerator` over `denominator`; `None` when the
    /// denominator is zero (nothing to measure), for all but totals.
    pub fn value(self, numerator: f64, denominator: f64) -> Option<f64> {
        let per = |scale: f64| (denominator != 0.0).then(|| scale * numerator / denominator);
        match self {
            Measure::Percent => per(100.0),
            Measure::Per10k => per(10_000.0),
            Measure::Per100k => per(100_000.0),
            Measure::Average => per(1.0),
            Measure::Total => Some(numerator),
        }
    }
}

/// Who provides the values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Computed by Baladiya from its own records with this formula.
    Computed(Formula),
    /// Entered (or uploaded) by a unit, approved by the unit above.
    Entered,
    /// Aggregated from sensor observations.
    Sensors,
    /// Imported from another system.
    Imported,
}

/// The formulas Baladiya computes over its own records, each for a unit
/// (with everything below it) and a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Formula {
    /// Services a citizen can apply for online / services published.
    ServicesOnline,
    /// Applications submitted online / all applications submitted.
    ApplicationsOnline,
    /// Applications completed within their SLA / applications completed.
    CompletedWithinSla,
    /// Applications returned for completion at least once / submitted.
    ReturnedForCompletion,
    /// Sum of ratings / number of ratings (1–5).
    Satisfaction,
    /// Working days from submission to completion, summed / completed.
    ProcessingDays,
    /// The median of those working days (computed from the applications
    /// of the unit and every unit below it; a median does not add up).
    ProcessingDaysMedian,
    /// Their 90th percentile: the time nine applications in ten beat.
    ProcessingDaysP90,
    /// Citizen reports received / inhabitants (per 10,000).
    ReportsPerInhabitants,
    /// Reports resolved by their expected date / reports resolved.
    ReportsResolvedOnTime,
    /// Reports reopened by their reporter / reports resolved.
    ReportsReopened,
    /// Days from a report's submission to its resolution, summed / reports
    /// resolved (the average response time of a non-emergency inquiry
    /// system, ISO 37122).
    ResolutionDays,
    /// The median of those days.
    ResolutionDaysMedian,
    /// Fees of completed applications, in the currency's minor units.
    FeeRevenue,
    /// PM2.5 readings of the unit's air-quality stations, summed / their
    /// number (the mean concentration, µg/m³).
    Pm25Mean,
    /// Electricity of the public buildings with meters, annualised (kWh
    /// of the period × 365 / its days) / their floor area (m²).
    BuildingEnergyPerM2,
    /// Applications completed whose recorded steps follow the procedure
    /// version they were filed under / applications completed.
    ProcedureConformance,
    /// Staff with a working role (counter clerk, department officer, unit
    /// head) holding a valid training certificate issued in the twelve
    /// months up to the period's end / those staff.
    StaffTrained,
    /// Voters in the participatory budgets whose voting closed in the
    /// period / the inhabitants of the budgets' units (a person voting in
    /// the unit's budget and a district's counts in both, as does their
    /// district's population).
    ParticipationRate,
    /// Selected projects delivered in the period with every milestone
    /// reached by its day / selected projects delivered in the period.
    ProjectsDeliveredOnTime,
}

impl Formula {
    pub const ALL: [Formula; 20] = [
        Formula::ServicesOnline,
        Formula::ApplicationsOnline,
        Formula::CompletedWithinSla,
        Formula::ReturnedForCompletion,
        Formula::Satisfaction,
        Formula::ProcessingDays,
        Formula::ProcessingDaysMedian,
        Formula::ProcessingDaysP90,
        Formula::ReportsPerInhabitants,
        Formula::ReportsResolvedOnTime,
        Formula::ReportsReopened,
        Formula::ResolutionDays,
        Formula::ResolutionDaysMedian,
        Formula::FeeRevenue,
        Formula::Pm25Mean,
        Formula::BuildingEnergyPerM2,
        Formula::ProcedureConformance,
        Formula::StaffTrained,
        Formula::ParticipationRate,
        Formula::ProjectsDeliveredOnTime,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Formula::ServicesOnline => "services_online",
            Formula::ApplicationsOnline => "applications_online",
            Formula::CompletedWithinSla => "completed_within_sla",
            Formula::ReturnedForCompletion => "returned_for_completion",
            Formula::Satisfaction => "satisfaction",
            Formula::ProcessingDays => "processing_days",
            Formula::ProcessingDaysMedian => "processing_days_median",
            Formula::ProcessingDaysP90 => "processing_days_p90",
            Formula::ReportsPerInhabitants => "reports_per_inhabitants",
            Formula::ReportsResolvedOnTime => "reports_resolved_on_time",
            Formula::ReportsReopened => "reports_reopened",
            Formula::ResolutionDays => "resolution_days",
            Formula::ResolutionDaysMedian => "resolution_days_median",
            Formula::FeeRevenue => "fee_revenue",
            Formula::Pm25Mean => "pm25_mean",
            Formula::BuildingEnergyPerM2 => "building_energy_per_m2",
            Formula::ProcedureConformance => "procedure_conformance",
            Formula::StaffTrained => "staff_trained",
            Formula::ParticipationRate => "participation_rate",
            Formula::ProjectsDeliveredOnTime => "projects_delivered_on_time",
        }
    }

    /// Whether it reads sensor observations (rather than applications
    /// and reports).
    pub fn reads_sensors(self) -> bool {
        matches!(self, Formula::Pm25Mean | Formula::BuildingEnergyPerM2)
    }

    pub fn parse(text: &str) -> Result<Formula, &'static str> {
        Formula::ALL
            .into_iter()
            .find(|f| f.as_str() == text)
            .ok_or("formula-unknown")
    }
}

/// Where a value stands against its target: on track, at risk (within
/// the at-risk band of the target), or off track.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    OnTrack,
    AtRisk,
    OffTrack,
}

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::OnTrack => "on-track",
            Standing::AtRisk => "at-risk",
            Standing::OffTrack => "off-track",
        }
    }
}

/// A target and how far short of it is still "at risk" rather than "off
/// track" (in the indicator's measure).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    pub value: f64,
    pub at_risk_within: f64,
}

impl Target {
    /// Where `value` stands, better being `direction`.
    pub fn standing(&self, value: f64, direction: Direction) -> Standing {
        let short_by = match direction {
            Direction::HigherIsBetter => self.value - value,
            Direction::LowerIsBetter => value - self.value,
        };
        if short_by <= 0.0 {
            Standing::OnTrack
        } else if short_by <= self.at_risk_within {
            Standing::AtRisk
        } else {
            Standing::OffTrack
        }
    }
}

/// One indicator of the catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    /// Stable: U4SSC's own (`EC: ICT: PS: 2A`), ISO's clause (`ISO 37120:
    /// 17.1`) or Baladiya's (`BLD: GOV: 1`).
    pub code: String,
    pub name: BilingualName,
    pub definition: BilingualName,
    pub standard: Standard,
    /// Where in the standard, such as "U4SSC KPI Collection Methodology,
    /// EC-ICT-PS-2A".
    pub reference: String,
    pub dimension: Dimension,
    /// U4SSC sub-dimension, such as "ICT" or "Public Sector".
    pub sub_dimension: String,
    pub axis: Axis,
    pub measure: Measure,
    /// The unit a value is written in ("%", "days", "EGP"…), both languages.
    pub unit: BilingualName,
    pub numerator: BilingualName,
    pub denominator: Option<BilingualName>,
    pub direction: Direction,
    pub frequency: Frequency,
    pub source: Source,
    pub target: Option<Target>,
}

/// A numerator and a denominator, summed up the org tree: a governorate's
/// share is its units' numerators over their denominators, never the
/// average of their shares.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Ratio {
    pub numerator: f64,
    pub denominator: f64,
}

impl Ratio {
    pub fn new(numerator: f64, denominator: f64) -> Self {
        Self {
            numerator,
            denominator,
        }
    }

    /// The sum of `parts`.
    pub fn sum<'a>(parts: impl IntoIterator<Item = &'a Ratio>) -> Ratio {
        parts.into_iter().fold(Ratio::default(), |acc, r| Ratio {
            numerator: acc.numerator + r.numerator,
            denominator: acc.denominator + r.denominator,
        })
    }
}

/// A month, the period computed indicators are kept by (`2026-03`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    pub fn new(year: i32, month: u32) -> Result<Month, &'static str> {
        (1..=12)
            .contains(&month)
            .then_some(Month { year, month })
            .filter(|_| (2000..=2100).contains(&year))
            .ok_or("period-invalid")
    }

    /// `YYYY-MM`.
    pub fn parse(text: &str) -> Result<Month, &'static str> {
        let (y, m) = text.trim().split_once('-').ok_or("period-invalid")?;
        let (Ok(year), Ok(month)) = (y.parse(), m.parse()) else {
            return Err("period-invalid");
        };
        if y.len() != 4 || m.len() != 2 {
            return Err("period-invalid");
        }
        Month::new(year, month)
    }

    /// The month holding `day`.
    pub fn of(day: chrono::NaiveDate) -> Month {
        use chrono::Datelike;
        Month {
            year: day.year(),
            month: day.month(),
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn first_day(self) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or_default()
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// The `count` months ending with this one, oldest first.
    pub fn last(self, count: usize) -> Vec<Month> {
        let mut months: Vec<Month> = std::iter::successors(Some(self), |m| Some(m.previous()))
            .take(count)
            .collect();
        months.reverse();
        months
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Frequency {
    /// How many months one value stands for: a yearly value entered in
    /// March still holds in the following February.
    pub fn months(self) -> usize {
        match self {
            Frequency::Monthly => 1,
            Frequency::Quarterly => 3,
            Frequency::Yearly => 12,
        }
    }
}

/// A unit in the org tree, for rolling values up: its id and its parent's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeUnit {
    pub id: i64,
    pub parent: Option<i64>,
}

/// Rolls the values units reported themselves (`own`) up the tree: a
/// unit's value is its own, or else the sum of the numerators and the sum
/// of the denominators of the units directly below it that have one —
/// never an average of their ratios. `deepest_first` lists the tree's
/// units, children before their parents.
pub fn roll_up(deepest_first: &[TreeUnit], own: &HashMap<i64, Ratio>) -> HashMap<i64, Ratio> {
    let mut values: HashMap<i64, Ratio> = HashMap::new();
    let mut below: HashMap<i64, Ratio> = HashMap::new();
    for unit in deepest_first {
        let value = own.get(&unit.id).or_else(|| below.get(&unit.id)).copied();
        if let Some(value) = value {
            values.insert(unit.id, value);
            if let Some(parent) = unit.parent {
                let sum = below.entry(parent).or_default();
                sum.numerator += value.numerator;
                sum.denominator += value.denominator;
            }
        }
    }
    values
}

/// The value at `q` (0–1) of values given as how many times each occurs
/// (`value → count`, in order), interpolating between neighbours (the
/// method of most spreadsheets): the median is `q = 0.5`. Counts, because
/// a million processing times take a few hundred distinct days.
pub fn quantile_of_counts(counts: &BTreeMap<i64, u64>, q: f64) -> Option<f64> {
    let total: u64 = counts.values().sum();
    let last = total.checked_sub(1)?;
    let at = q.clamp(0.0, 1.0) * last as f64;
    let (low, high) = (at.floor() as u64, (at.ceil() as u64).min(last));
    // The value at a position of the sorted list the counts stand for.
    let nth = |position: u64| {
        let mut seen = 0;
        counts.iter().find_map(|(value, count)| {
            seen += count;
            (position < seen).then_some(*value as f64)
        })
    };
    let (a, b) = (nth(low)?, nth(high)?);
    Some(a + (b - a) * (at - low as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition, over the sorted values themselves.
    fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
        let last = sorted.len().checked_sub(1)?;
        let at = q.clamp(0.0, 1.0) * last as f64;
        let (low, high) = (at.floor() as usize, at.ceil() as usize);
        let (a, b) = (sorted[low], sorted[high.min(last)]);
        Some(a + (b - a) * (at - low as f64))
    }

    fn counts(values: &[i64]) -> BTreeMap<i64, u64> {
        let mut counts = BTreeMap::new();
        for v in values {
            *counts.entry(*v).or_insert(0) += 1;
        }
        counts
    }

    #[test]
    fn quantiles_of_counts_match_the_quantiles_of_the_values() {
        let values = [0, 0, 1, 2, 2, 2, 3, 5, 8, 13, 13];
        let sorted: Vec<f64> = values.iter().map(|v| *v as f64).collect();
        for q in [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 1.0] {
            let expected = quantile(&sorted, q);
            assert_eq!(quantile_of_counts(&counts(&values), q), expected, "q = {q}");
        }
    }

    #[test]
    fn measures_scale_their_ratio() {
        assert_eq!(Measure::Percent.value(3.0, 4.0), Some(75.0));
        assert_eq!(Measure::Per10k.value(42.0, 120_000.0), Some(3.5));
        assert_eq!(Measure::Per100k.value(3.0, 300_000.0), Some(1.0));
        assert_eq!(Measure::Average.value(21.0, 6.0), Some(3.5));
        assert_eq!(Measure::Total.value(125_000.0, 0.0), Some(125_000.0));
        assert_eq!(Measure::Percent.value(0.0, 0.0), None, "nothing to measure");
    }

    #[test]
    fn roll_up_adds_numerators_and_denominators_never_ratios() {
        // A village with 9 of 10 on time and a city with 10 of 100: the
        // centre above is 19 of 110 (17.3 %), not the mean of 90 % and 10 %.
        let parts = [Ratio::new(9.0, 10.0), Ratio::new(10.0, 100.0)];
        let total = Ratio::sum(&parts);
        assert_eq!(total, Ratio::new(19.0, 110.0));
        let percent = Measure::Percent.value(total.numerator, total.denominator);
        assert!((percent.expect("value") - 17.27).abs() < 0.01);
    }

    #[test]
    fn standing_against_a_target_follows_the_direction() {
        let target = Target {
            value: 90.0,
            at_risk_within: 5.0,
        };
        let up = Direction::HigherIsBetter;
        assert_eq!(target.standing(92.0, up), Standing::OnTrack);
        assert_eq!(target.standing(90.0, up), Standing::OnTrack);
        assert_eq!(target.standing(86.0, up), Standing::AtRisk);
        assert_eq!(target.standing(80.0, up), Standing::OffTrack);
        let days = Target {
            value: 10.0,
            at_risk_within: 2.0,
        };
        let down = Direction::LowerIsBetter;
        assert_eq!(days.standing(9.0, down), Standing::OnTrack);
        assert_eq!(days.standing(11.5, down), Standing::AtRisk);
        assert_eq!(days.standing(15.0, down), Standing::OffTrack);
    }

    #[test]
    fn a_unit_without_its_own_value_adds_up_the_units_below() {
        // Giza (1) has two markazes (2, 3); Badrashin (2) has a village (4).
        let tree = [
            TreeUnit {
                id: 4,
                parent: Some(2),
            },
            TreeUnit {
                id: 2,
                parent: Some(1),
            },
            TreeUnit {
                id: 3,
                parent: Some(1),
            },
            TreeUnit {
                id: 1,
                parent: None,
            },
        ];
        let own = HashMap::from([
            (4, Ratio::new(900.0, 1_000.0)),
            (3, Ratio::new(45_000.0, 50_000.0)),
        ]);
        let values = roll_up(&tree, &own);
        assert_eq!(values[&2], Ratio::new(900.0, 1_000.0), "from its village");
        assert_eq!(
            values[&1],
            Ratio::new(45_900.0, 51_000.0),
            "never a mean of 90 % and 90 %"
        );
        // A unit's own figure wins over what is below it.
        let own = HashMap::from([
            (4, Ratio::new(900.0, 1_000.0)),
            (2, Ratio::new(10.0, 100.0)),
        ]);
        assert_eq!(roll_up(&tree, &own)[&1], Ratio::new(10.0, 100.0));
        assert!(
            !roll_up(&tree, &HashMap::new()).contains_key(&1),
            "nothing reported"
        );
    }

    #[test]
    fn quantiles_interpolate() {
        let days = counts(&[1, 2, 3, 4, 10]);
        assert_eq!(quantile_of_counts(&days, 0.5), Some(3.0));
        assert_eq!(quantile_of_counts(&counts(&[1, 2, 3, 4]), 0.5), Some(2.5));
        assert!((quantile_of_counts(&days, 0.9).expect("p90") - 7.6).abs() < 1e-9);
        assert_eq!(quantile_of_counts(&counts(&[]), 0.5), None);
        assert_eq!(quantile_of_counts(&counts(&[7]), 0.9), Some(7.0));
    }

    #[test]
    fn months_parse_print_and_step() {
        let m = Month::parse("2026-03").expect("month");
        assert_eq!(m.to_string(), "2026-03");
        assert_eq!(m.next().to_string(), "2026-04");
        assert_eq!(
            Month::parse("2026-12").expect("month").next().to_string(),
            "2027-01"
        );
        assert_eq!(
            Month::parse("2026-01")
                .expect("month")
                .previous()
                .to_string(),
            "2025-12"
        );
        let last: Vec<String> = m.last(3).iter().map(ToString::to_string).collect();
        assert_eq!(last, ["2026-01", "2026-02", "2026-03"]);
        for bad in ["2026-13", "2026-3", "26-03", "march", "2026-00"] {
            assert_eq!(Month::parse(bad), Err("period-invalid"), "{bad}");
        }
    }

    #[test]
    fn formulas_have_stable_names() {
        for f in Formula::ALL {
            assert_eq!(Formula::parse(f.as_str()), Ok(f));
        }
        assert_eq!(Formula::parse("nope"), Err("formula-unknown"));
    }
}
