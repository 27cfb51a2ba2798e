//! What a datastream measures, told from its ObservedProperty, and the
//! figures a city reads from meters: night flow against its baseline
//! (a leak), consumption per square metre.

/// The quantities Baladiya knows what to do with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    /// Electricity, kWh per reading.
    Electricity,
    /// Water, m³ per reading.
    Water,
    Pm25,
    Pm10,
    No2,
    /// Sound level, dB(A).
    Noise,
}

impl Measure {
    /// From an ObservedProperty's name and definition (QUDT quantity
    /// kinds, EnvThes codes, or the usual names).
    pub fn of(name: &str, definition: &str) -> Option<Measure> {
        let name = name.to_ascii_lowercase().replace([' ', '_', '-', '.'], "");
        let definition = definition.to_ascii_lowercase();
        let by_definition = [
            ("quantitykind/energy", Measure::Electricity),
            ("quantitykind/volume", Measure::Water),
            ("envthes/22035", Measure::Pm25),
            ("envthes/22034", Measure::Pm10),
            ("envthes/30291", Measure::No2),
            ("quantitykind/soundpressurelevel", Measure::Noise),
        ];
        if let Some((_, m)) = by_definition.iter().find(|(d, _)| definition.contains(d)) {
            return Some(*m);
        }
        match name.as_str() {
            "energy" | "electricity" | "electricenergy" | "activeenergy" => {
                Some(Measure::Electricity)
            }
            "water" | "watervolume" | "volume" | "waterflow" => Some(Measure::Water),
            "pm25" => Some(Measure::Pm25),
            "pm10" => Some(Measure::Pm10),
            "no2" | "nitrogendioxide" => Some(Measure::No2),
            "noise" | "soundlevel" | "soundpressurelevel" => Some(Measure::Noise),
            _ => None,
        }
    }

    /// The translation key of its name.
    pub fn key(self) -> &'static str {
        match self {
            Measure::Electricity => "measure-electricity",
            Measure::Water => "measure-water",
            Measure::Pm25 => "measure-pm25",
            Measure::Pm10 => "measure-pm10",
            Measure::No2 => "measure-no2",
            Measure::Noise => "measure-noise",
        }
    }

    /// A meter's readings add up (consumption); a station's are levels.
    pub fn is_consumption(self) -> bool {
        matches!(self, Measure::Electricity | Measure::Water)
    }
}

/// The hours of the night (local time) when a building uses almost no
/// water: the minimum flow then is its night flow.
pub const NIGHT_HOURS: std::ops::Range<u32> = 1..5;

/// Night flow of a water meter, night by night (oldest first: the
/// smallest hourly volume between 01:00 and 05:00 local time), judged
/// against the nights before the last.
#[derive(Debug, Clone, PartialEq)]
pub struct NightFlow {
    /// Last night's minimum hourly flow, m³/h.
    pub last: f64,
    /// The median of the nights before, m³/h.
    pub baseline: f64,
    /// A leak: last night's flow is more than twice the baseline and
    /// more than `min_leak` m³/h.
    pub leak: bool,
}

/// Judges a sequence of nightly minimum flows (oldest first); needs the
/// last night and at least two before it.
pub fn night_flow(nights: &[f64], min_leak: f64) -> Option<NightFlow> {
    let (&last, before) = nights.split_last()?;
    if before.len() < 2 {
        return None;
    }
    let mut sorted = before.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    let baseline = if sorted.len() % 2 == 0 {
        (sorted[middle - 1] + sorted[middle]) / 2.0
    } else {
        sorted[middle]
    };
    Some(NightFlow {
        last,
        baseline,
        leak: last > 2.0 * baseline && last > min_leak,
    })
}

/// Consumption per square metre a year, from `total` over `days`.
pub fn per_square_metre_a_year(total: f64, days: f64, floor_area: f64) -> Option<f64> {
    (days > 0.0 && floor_area > 0.0).then(|| total / floor_area * 365.0 / days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_from_definitions_and_names() {
        assert_eq!(
            Measure::of("Energy", "http://qudt.org/vocab/quantitykind/Energy"),
            Some(Measure::Electricity)
        );
        assert_eq!(
            Measure::of("x", "http://vocabs.lter-europe.net/EnvThes/22035"),
            Some(Measure::Pm25)
        );
        assert_eq!(Measure::of("PM2.5", ""), Some(Measure::Pm25));
        assert_eq!(Measure::of("Water volume", ""), Some(Measure::Water));
        assert_eq!(Measure::of("Temperature", ""), None);
    }

    #[test]
    fn a_leak_is_night_flow_well_above_the_nights_before() {
        let calm = [0.04, 0.05, 0.03, 0.04, 0.05];
        let leaking = [&calm[..], &[0.5]].concat();
        let flow = night_flow(&leaking, 0.1).expect("enough nights");
        assert_eq!(flow.baseline, 0.04);
        assert!(flow.leak);
        let quiet = [&calm[..], &[0.06]].concat();
        assert!(!night_flow(&quiet, 0.1).expect("nights").leak);
        // Tiny flows are no leak, however many times the baseline.
        assert!(!night_flow(&[0.001, 0.001, 0.05], 0.1).expect("nights").leak);
        assert_eq!(night_flow(&[0.04, 0.5], 0.1), None);
        assert_eq!(
            per_square_metre_a_year(100.0, 7.0, 2400.0).map(|v| (v * 1000.0).round()),
            Some(2173.0)
        );
    }
}
