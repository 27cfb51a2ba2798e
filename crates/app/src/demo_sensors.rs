//! The demo's sensors: municipal buildings with their electricity and
//! water meters, an air-quality station and a noise monitor, with a week
//! of hourly readings — working-day cycles, a water leak at night, a
//! pollution episode — so that the SensorThings API shows real figures on
//! first start. Deterministic, and only for `serve --demo`.

use baladiya_domain::sensors::entity::Kind;
use baladiya_store::{ObservationRow, RuleRow};
use chrono::{Datelike, Duration, DurationRound, Timelike, Weekday};

use crate::sensors::{PlaceSpec, StreamSpec, place_plan};
use crate::{App, AppError};

/// What a demo datastream measures, and how its readings go.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reading {
    /// kWh an hour: `base` at night, `peak` in working hours.
    Electricity { base: f64, peak: f64 },
    /// m³ an hour; with a leak, night flow rises over the last two days.
    Water { peak: f64, leak: bool },
    /// µg/m³ with a morning and an evening rush, and an episode.
    Air { base: f64 },
    /// dB(A), quieter at night.
    Noise,
}

struct Stream {
    name: &'static str,
    description: &'static str,
    property: (&'static str, &'static str),
    unit: (&'static str, &'static str),
    reading: Reading,
}

struct Place {
    /// Its electricity meter stopped sending five hours ago.
    meter_stopped: bool,
    name: &'static str,
    description: &'static str,
    unit: &'static str,
    floor_area: Option<u32>,
    at: (f64, f64),
    streams: &'static [Stream],
}

const ENERGY: (&str, &str) = ("Energy", "http://qudt.org/vocab/quantitykind/Energy");
const VOLUME: (&str, &str) = ("Water volume", "http://qudt.org/vocab/quantitykind/Volume");
const KWH: (&str, &str) = ("kilowatt hour", "kWh");
const M3: (&str, &str) = ("cubic metre", "m³");
const UGM3: (&str, &str) = ("microgram per cubic metre", "µg/m³");

const fn meters(base: f64, peak: f64, water: f64, leak: bool) -> [Stream; 2] {
    [
        Stream {
            name: "الكهرباء",
            description: "Main electricity meter",
            property: ENERGY,
            unit: KWH,
            reading: Reading::Electricity { base, peak },
        },
        Stream {
            name: "المياه",
            description: "Main water meter",
            property: VOLUME,
            unit: M3,
            reading: Reading::Water { peak: water, leak },
        },
    ]
}

const HQ: [Stream; 2] = meters(40.0, 310.0, 4.0, false);
const TOWN_HALL: [Stream; 2] = meters(12.0, 95.0, 1.6, true);
const TECH_CENTER: [Stream; 2] = meters(6.0, 48.0, 0.9, false);
const KHOBAR: [Stream; 2] = meters(30.0, 260.0, 3.2, false);
const AIR: [Stream; 3] = [
    Stream {
        name: "PM2.5",
        description: "Fine particulate matter",
        property: ("PM2.5", "http://vocabs.lter-europe.net/EnvThes/22035"),
        unit: UGM3,
        reading: Reading::Air { base: 38.0 },
    },
    Stream {
        name: "PM10",
        description: "Particulate matter",
        property: ("PM10", "http://vocabs.lter-europe.net/EnvThes/22034"),
        unit: UGM3,
        reading: Reading::Air { base: 82.0 },
    },
    Stream {
        name: "NO2",
        description: "Nitrogen dioxide",
        property: ("NO2", "http://vocabs.lter-europe.net/EnvThes/30291"),
        unit: UGM3,
        reading: Reading::Air { base: 31.0 },
    },
];
const NOISE: [Stream; 1] = [Stream {
    name: "الضوضاء",
    description: "Equivalent continuous sound level",
    property: (
        "Sound level",
        "http://qudt.org/vocab/quantitykind/SoundPressureLevel",
    ),
    unit: ("decibel A-weighted", "dB(A)"),
    reading: Reading::Noise,
}];

const PLACES: &[Place] = &[
    Place {
        meter_stopped: false,
        name: "مبنى ديوان عام محافظة الجيزة",
        description: "Giza governorate headquarters",
        unit: "EG-GZ",
        floor_area: Some(6_500),
        at: (31.2109, 30.0131),
        streams: &HQ,
    },
    Place {
        meter_stopped: false,
        name: "مبنى مجلس مدينة البدرشين",
        description: "Badrashin town hall",
        unit: "EG-GZ-BDR",
        floor_area: Some(2_400),
        at: (31.2766, 29.8712),
        streams: &TOWN_HALL,
    },
    Place {
        meter_stopped: true,
        name: "المركز التكنولوجي بأوسيم",
        description: "Awsim one-stop technology centre",
        unit: "EG-GZ-AWS",
        floor_area: Some(900),
        at: (31.1370, 30.1230),
        streams: &TECH_CENTER,
    },
    Place {
        meter_stopped: false,
        name: "مبنى بلدية الخبر",
        description: "Khobar municipality building",
        unit: "SA-04-KHB",
        floor_area: Some(5_200),
        at: (50.2083, 26.2794),
        streams: &KHOBAR,
    },
    Place {
        meter_stopped: false,
        name: "محطة رصد جودة الهواء — البدرشين",
        description: "Air-quality station by the Badrashin market",
        unit: "EG-GZ-BDR",
        floor_area: None,
        at: (31.2731, 29.8745),
        streams: &AIR,
    },
    Place {
        meter_stopped: false,
        name: "محطة رصد الضوضاء — أوسيم",
        description: "Noise monitor on the Awsim main road",
        unit: "EG-GZ-AWS",
        floor_area: None,
        at: (31.1402, 30.1251),
        streams: &NOISE,
    },
];

/// The reading of `reading` `hours_ago` hours before now (`at`, local
/// time), with `noise` in [0, 1): the leak is in its last two days, the
/// dust episode two to three days ago.
fn value(reading: Reading, at: chrono::NaiveDateTime, hours_ago: i64, noise: f64) -> f64 {
    level(
        reading,
        at,
        hours_ago < 48,
        (50..70).contains(&hours_ago),
        noise,
    )
}

/// What a meter or station of `reading` reads an hour at `at` (local
/// time), with `noise` in [0, 1): working-day cycles for buildings
/// (Friday and Saturday off), rush hours for air, quiet nights. `leak`
/// raises a leaking meter's night flow; `episode` is a dust episode.
pub fn level(
    reading: Reading,
    at: chrono::NaiveDateTime,
    leak: bool,
    episode: bool,
    noise: f64,
) -> f64 {
    let hour = at.hour();
    let working = !matches!(at.weekday(), Weekday::Fri | Weekday::Sat) && (8..16).contains(&hour);
    let round = |v: f64| (v * 100.0).round() / 100.0;
    round(match reading {
        Reading::Electricity { base, peak } => {
            if working {
                peak * (0.85 + 0.3 * noise)
            } else {
                base * (0.8 + 0.4 * noise)
            }
        }
        Reading::Water {
            peak,
            leak: leaking,
        } => {
            let night = if leaking && leak { 0.55 } else { 0.04 };
            if working {
                peak * (0.7 + 0.6 * noise)
            } else {
                night * (0.8 + 0.4 * noise)
            }
        }
        Reading::Air { base } => {
            let rush = if (7..10).contains(&hour) || (17..21).contains(&hour) {
                1.45
            } else {
                1.0
            };
            let episode = if episode { 3.2 } else { 1.0 };
            base * rush * episode * (0.85 + 0.3 * noise)
        }
        Reading::Noise => {
            if (7..23).contains(&hour) {
                66.0 + 8.0 * noise
            } else {
                49.0 + 6.0 * noise
            }
        }
    })
}

/// The model of a datastream measuring `measure` (of `name`, such as
/// PM2.5) at a building of `floor_area` m², for the simulator.
pub fn reading_for(
    measure: baladiya_domain::sensors::measure::Measure,
    floor_area: Option<f64>,
) -> Reading {
    use baladiya_domain::sensors::measure::Measure;
    let area = floor_area.unwrap_or(2_000.0);
    match measure {
        Measure::Electricity => Reading::Electricity {
            base: area * 0.005,
            peak: area * 0.04,
        },
        Measure::Water => Reading::Water {
            peak: area * 0.000_7,
            leak: true,
        },
        Measure::Pm25 => Reading::Air { base: 38.0 },
        Measure::Pm10 => Reading::Air { base: 82.0 },
        Measure::No2 => Reading::Air { base: 31.0 },
        Measure::Noise => Reading::Noise,
    }
}

/// The demo's alert rule on a datastream, if any: kind, threshold,
/// minutes and report category.
fn demo_rule(
    place: &Place,
    stream: &Stream,
) -> Option<(&'static str, Option<f64>, Option<i64>, &'static str)> {
    match stream.reading {
        Reading::Water { .. } => Some(("night-flow", None, None, "building-consumption")),
        Reading::Electricity { .. } if place.meter_stopped => {
            Some(("silence", None, Some(180), "sensor-fault"))
        }
        Reading::Air { .. } if stream.name == "PM2.5" => {
            Some(("above", Some(75.0), None, "air-pollution"))
        }
        Reading::Noise => Some(("above", Some(85.0), None, "noise")),
        _ => None,
    }
}

impl App {
    /// Writes the demo's sensors and a week of their readings, unless there
    /// are Things already. Returns how many observations were written.
    pub async fn load_demo_sensors(&self) -> Result<usize, AppError> {
        if !self.store.sta_entities(Kind::Thing).await?.is_empty() {
            return Ok(0);
        }
        let now = self.now();
        let hour = now.duration_trunc(Duration::hours(1)).unwrap_or(now);
        let mut dice: u64 = 0x5e45_0125_2026;
        let mut noise = move || {
            dice ^= dice << 13;
            dice ^= dice >> 7;
            dice ^= dice << 17;
            (dice % 10_000) as f64 / 10_000.0
        };
        let mut written = 0;
        for place in PLACES {
            let specs: Vec<StreamSpec> = place
                .streams
                .iter()
                .map(|s| StreamSpec {
                    name: s.name.to_owned(),
                    description: s.description.to_owned(),
                    property: (s.property.0.to_owned(), s.property.1.to_owned()),
                    unit: (s.unit.0.to_owned(), s.unit.1.to_owned()),
                })
                .collect();
            let (steps, stream_steps) = place_plan(
                &PlaceSpec {
                    name: place.name.to_owned(),
                    description: place.description.to_owned(),
                    unit: place.unit.to_owned(),
                    floor_area: place.floor_area.map(f64::from),
                    at: place.at,
                },
                &specs,
                (hour - Duration::days(7)).to_rfc3339(),
            );
            let ids = self.store.sta_create(&steps, now).await?;
            let mut rows = Vec::new();
            for (stream, step) in place.streams.iter().zip(&stream_steps) {
                let stopped =
                    place.meter_stopped && matches!(stream.reading, Reading::Electricity { .. });
                for hours_ago in (0..24 * 7).rev() {
                    if stopped && hours_ago < 5 {
                        continue;
                    }
                    let at = hour - Duration::hours(hours_ago);
                    rows.push(ObservationRow {
                        id: 0,
                        datastream_id: ids[*step],
                        feature_id: None,
                        phenomenon_time: at.timestamp_micros(),
                        phenomenon_end: None,
                        result_time: None,
                        result_number: Some(value(
                            stream.reading,
                            // Cairo's (and nearly Riyadh's) local time.
                            (at + Duration::hours(2)).naive_utc(),
                            hours_ago,
                            noise(),
                        )),
                        result: None,
                        extra: None,
                    });
                }
            }
            written += self.store.sta_insert_observations(&rows, now).await?.len();
            for (stream, step) in place.streams.iter().zip(&stream_steps) {
                if let Some((kind, threshold, minutes, category)) = demo_rule(place, stream) {
                    let rule = RuleRow {
                        id: 0,
                        datastream_id: ids[*step],
                        kind: kind.to_owned(),
                        threshold,
                        minutes,
                        category: category.to_owned(),
                        notify: None,
                        active: true,
                    };
                    self.store.insert_rule(&rule, None, now).await?;
                }
            }
        }
        // The leak at the town hall and the stopped meter open their work.
        self.evaluate_rules(None).await?;
        Ok(written)
    }
}
