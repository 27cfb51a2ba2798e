//! A year of past activity for the demo's units — applications with their
//! whole lives (some returned, some late, most issued, some rejected,
//! ratings, fees), citizen reports and their resolution, and population
//! figures — so that every indicator, chart and map shows real figures on
//! first start. Deterministic (a fixed seed), written in one transaction
//! a month, and only by `serve --demo`.

use baladiya_domain::country::Country;
use baladiya_domain::indicators::{Measure, Month};
use baladiya_domain::tracking::TrackingNumber;
use baladiya_store::{EnteredValue, PastApplication, PastReport, UnitReference};
use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc};

use crate::{App, AppError};

/// A small deterministic generator (xorshift64*): the same history every time.
pub(crate) struct Dice(pub(crate) u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        (self.next() % 10_000) as f64 / 10_000.0 < p
    }
}

/// Demo population of each unit (approximate, for the demo only).
const POPULATION: &[(&str, i64)] = &[
    ("EG-GZ", 9_500_000),
    ("EG-GZ-BDR", 720_000),
    ("EG-GZ-BDR-SQR", 62_000),
    ("EG-GZ-BDR-MRH", 48_000),
    ("EG-GZ-AWS", 510_000),
    ("EG-GZ-AWS-BRT", 31_000),
    ("EG-GZ-AWS-MNS", 39_000),
    ("SA-04", 5_100_000),
    ("SA-04-AMN", 1_600_000),
    ("SA-04-KHB", 650_000),
    ("SA-04-KHB-THQ", 110_000),
    ("SA-04-QTF", 600_000),
];

/// What a reported indicator's denominator is, for the demo.
enum Basis {
    Population,
    Households,
    Count(f64),
}

/// The demo's reported indicators: the range of a unit's value (in the
/// indicator's measure) and its denominator.
const REPORTED: &[(&str, f64, f64, Basis)] = &[
    ("EC: ICT: ICT: 1C", 55.0, 85.0, Basis::Households),
    ("EC: ICT: PS: 1A", 10.0, 40.0, Basis::Count(60.0)),
    ("EC: I: WS: 1C", 88.0, 98.0, Basis::Households),
    ("EC: I: WS: 3C", 18.0, 35.0, Basis::Count(9_000_000.0)),
    ("EC: I: WS: 5C", 60.0, 90.0, Basis::Households),
    ("EC: I: WA: 1C", 70.0, 95.0, Basis::Households),
    ("EC: I: ES: 3C", 96.0, 99.5, Basis::Households),
    ("EC: I: T: 2A", 30.0, 70.0, Basis::Population),
    ("EN: EN: WS: 2C", 150.0, 260.0, Basis::Population),
    ("EN: EN: PSN: 1C", 5.0, 40.0, Basis::Population),
    ("EN: E: E: 2C", 900.0, 1_600.0, Basis::Population),
    ("SC: SH: SA: 7C", 10.0, 30.0, Basis::Population),
    ("SC: SH: SA: 9C", 5.0, 15.0, Basis::Population),
    ("ISO 37122: 10.1", 500.0, 3_000.0, Basis::Population),
    ("ISO 37122: 10.2", 40.0, 80.0, Basis::Count(45.0)),
    ("ISO 37120: 16.1", 75.0, 97.0, Basis::Population),
    ("ISO 37120: 16.2", 0.25, 0.45, Basis::Population),
    ("ISO 37120: 16.3", 5.0, 20.0, Basis::Count(20_000.0)),
    ("ISO 37120: 19.1", 5.0, 40.0, Basis::Population),
    ("ISO 37120: 20.1", 50.0, 90.0, Basis::Population),
    ("ISO 37120: 21.1", 90.0, 99.5, Basis::Population),
    ("ISO 37120: 21.7", 15.0, 35.0, Basis::Count(9_000_000.0)),
    ("ISO 37120: 11.2", 10.0, 30.0, Basis::Count(20.0)),
];

const NAMES: &[&str] = &[
    "محمد أحمد عبد الله",
    "فاطمة علي حسن",
    "أحمد محمود السيد",
    "منى إبراهيم يوسف",
    "خالد عبد الرحمن سالم",
    "سارة مصطفى كمال",
];

impl App {
    /// Writes the demo's year of history, unless the database already has
    /// activity older than a month. Returns how many applications and
    /// reports were written.
    pub async fn load_demo_history(&self) -> Result<(usize, usize), AppError> {
        let now = self.now();
        if self
            .store
            .has_applications_submitted_before(now - Duration::days(35))
            .await?
        {
            return Ok((0, 0));
        }
        let written = self.write_history(1).await?;
        self.write_reported_values().await?;
        for month in Month::of(now.date_naive()).last(12) {
            self.recompute_indicators(month).await?;
        }
        Ok(written)
    }

    /// The values units report themselves, for the demo: every unit with
    /// nothing below it reports each entered indicator twice in the shown
    /// year (a yearly figure at its start, a better one mid-year), entered
    /// by the unit head and approved by the administrator above — so that
    /// scorecards, roll-ups and maps have them too.
    async fn write_reported_values(&self) -> Result<(), AppError> {
        let units = self.store.all_units().await?;
        let months = Month::of(self.now().date_naive()).last(12);
        let (start, mid) = (months[0].to_string(), months[6].to_string());
        let catalog = self.indicators();
        let mut dice = Dice(0x1d1c_a705_2026);
        for (code, people) in POPULATION {
            let Some(unit) = units.iter().find(|u| u.code.as_str() == *code) else {
                continue;
            };
            if units.iter().any(|u| u.parent_id == Some(unit.id)) {
                continue;
            }
            let country = if unit.country() == Country::Egypt {
                "eg"
            } else {
                "sa"
            };
            let (Some(maker), Some(checker)) = (
                self.demo_user(&format!("{country}.head")).await?,
                self.demo_user(&format!("{country}.admin")).await?,
            ) else {
                continue;
            };
            for (indicator, low, high, basis) in REPORTED {
                let Some(i) = catalog.iter().find(|i| i.code == *indicator) else {
                    continue;
                };
                let denominator = match basis {
                    Basis::Population => *people as f64,
                    Basis::Households => (*people / 4) as f64,
                    Basis::Count(n) => *n,
                };
                let level = low + (high - low) * dice.below(1_000) as f64 / 1_000.0;
                let better = |step: f64| match i.direction {
                    baladiya_domain::indicators::Direction::HigherIsBetter => level + step,
                    baladiya_domain::indicators::Direction::LowerIsBetter => level - step,
                };
                for (period, value) in [(&start, level), (&mid, better((high - low) * 0.1))] {
                    let numerator = match i.measure {
                        Measure::Percent => value.min(100.0) / 100.0 * denominator,
                        Measure::Per10k => value * denominator / 10_000.0,
                        Measure::Per100k => value * denominator / 100_000.0,
                        Measure::Average | Measure::Total => value * denominator,
                    };
                    let entered = EnteredValue {
                        indicator: i.code.clone(),
                        unit_id: unit.id,
                        period: period.clone(),
                        numerator: numerator.round(),
                        denominator,
                        note: Some("بيان الوحدة السنوي (بيانات العرض)".into()),
                    };
                    self.store
                        .enter_indicator_values(&[entered], maker, self.now())
                        .await?;
                    self.store
                        .review_indicator_value(
                            &i.code,
                            unit.id,
                            period,
                            1,
                            true,
                            None,
                            checker,
                            self.now(),
                        )
                        .await?;
                }
            }
        }
        Ok(())
    }

    async fn demo_user(&self, name: &str) -> Result<Option<i64>, AppError> {
        let Ok(username) = baladiya_domain::people::Username::parse(name) else {
            return Ok(None);
        };
        Ok(self.store.user_by_username(&username).await?.map(|u| u.id))
    }

    /// Writes twelve months of history, `scale` times the demo's volume
    /// (the benchmark asks for hundreds), without computing indicators.
    pub async fn write_history(&self, scale: u64) -> Result<(usize, usize), AppError> {
        let now = self.now();
        let today = now.date_naive();
        let units = self.store.all_units().await?;
        let routing = self.routing().await?;
        let services = self.services();
        let categories = self.report_categories();
        for (code, people) in POPULATION {
            if let Some(unit) = units.iter().find(|u| u.code.as_str() == *code) {
                let this_year = i64::from(Month::of(today).year());
                for year in [this_year - 1, this_year] {
                    let reference = UnitReference {
                        unit_id: unit.id,
                        year,
                        population: Some(*people),
                        households: Some(*people / 4),
                        area_km2: None,
                    };
                    self.store.set_unit_reference(&reference, None, now).await?;
                }
            }
        }
        let mut calendars = std::collections::HashMap::new();
        for country in [Country::Egypt, Country::SaudiArabia] {
            calendars.insert(country, self.store.calendar(country).await?);
        }
        let mut dice = Dice(0x0bad_5eed_2026);
        let (mut applications, mut reports) = (0, 0);
        let mut receipts = 0u64;
        let months = Month::of(today).last(12);
        for (i, month) in months.iter().enumerate() {
            // Over the year, more citizens apply online and fewer files
            // come back for completion: the story of a digital transformation.
            let progress = i as f64 / 11.0;
            let (mut past_apps, mut past_reports) = (Vec::new(), Vec::new());
            for unit in units.iter().filter(|u| u.parent_id.is_some()) {
                let country = unit.country();
                let Some(calendar) = calendars.get(&country) else {
                    continue;
                };
                let offered: Vec<_> = services
                    .iter()
                    .filter(|p| p.service.country == country)
                    .collect();
                let size = scale * if unit.path.depth() == 2 { 26 } else { 9 };
                for _ in 0..(size + dice.below(size / 2 + 1)) {
                    let day = month.first_day() + Duration::days(dice.below(28) as i64);
                    if day >= today || offered.is_empty() {
                        continue;
                    }
                    let published = offered[dice.below(offered.len() as u64) as usize];
                    let service = &published.service;
                    let at = |d: NaiveDate, hour: u32| {
                        Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN))
                            + Duration::hours(i64::from(hour))
                            + Duration::minutes(dice_minutes(d, hour))
                    };
                    let submitted_at = at(day, 8 + dice.below(6) as u32);
                    let due_on = calendar
                        .add_working_days(day, service.sla_working_days)
                        .unwrap_or(day);
                    let channel = if dice.chance(0.25 + 0.4 * progress) {
                        "online"
                    } else {
                        "counter"
                    };
                    let life = crate::demo_lives::live(
                        &crate::demo_lives::Circumstances {
                            procedure: &service.procedure,
                            calendar,
                            unit: unit.code.as_str(),
                            channel,
                            submitted_at,
                            now,
                            returns: 0.16 - 0.1 * progress,
                            from_paper: unit.code.as_str()
                                == crate::demo_lives::PAPER_REGISTER_UNIT
                                && channel == "counter"
                                && i < 5,
                        },
                        &mut dice,
                    );
                    let status = life.state.status;
                    let step = service.procedure.step(life.state.step);
                    let working_days = life
                        .completed_at
                        .map(|done| calendar.working_days_between(day, done.date_naive()));
                    let rating = life
                        .completed_at
                        .filter(|_| dice.chance(0.55))
                        .map(|_| [5, 5, 4, 4, 4, 3, 3, 2, 1][dice.below(9) as usize]);
                    receipts += 1;
                    past_apps.push(PastApplication {
                        service_version_id: published.version_id,
                        unit_id: unit.id,
                        unit_code: unit.code.to_string(),
                        applicant_name: NAMES[dice.below(NAMES.len() as u64) as usize].into(),
                        applicant_id_number: match country {
                            Country::Egypt => "28503122100453".into(),
                            Country::SaudiArabia => "1000000008".into(),
                        },
                        // A thousand applicants a country; one in ten
                        // applications is the demo citizen's (…345678),
                        // who signs in at /account and finds them.
                        applicant_phone: {
                            let n = if past_apps.len() % 10 == 0 {
                                678
                            } else {
                                past_apps.len() * 7919 % 1000
                            };
                            match country {
                                Country::Egypt => format!("+201012345{n:03}"),
                                Country::SaudiArabia => format!("+966501234{n:03}"),
                            }
                        },
                        channel,
                        submitted_at,
                        due_on,
                        working_days,
                        status: status.as_str(),
                        step: life.state.step as i64,
                        step_role: step.map_or(String::new(), |s| s.role.as_str().into()),
                        pending_departments: if status.is_final() {
                            String::new()
                        } else {
                            crate::applications::encode_departments(
                                &step
                                    .map(|s| s.kind.departments())
                                    .unwrap_or_default()
                                    .into_iter()
                                    .filter(|d| !life.state.approvals.contains(d))
                                    .collect::<Vec<_>>(),
                            )
                        },
                        approvals: crate::applications::encode_departments(&life.state.approvals),
                        step_due_on: step
                            .and_then(|s| {
                                calendar
                                    .add_working_days(life.arrived.date_naive(), s.sla_working_days)
                            })
                            .unwrap_or(due_on),
                        returned_on: (status == baladiya_domain::workflow::Status::Returned)
                            .then(|| life.arrived.date_naive()),
                        completed_at: life.completed_at,
                        times_returned: life.times_returned,
                        receipt_number: life
                            .paid
                            .then(|| format!("RC-{}-{receipts:06}", unit.code)),
                        events: life.events,
                        fee_minor: service
                            .fee
                            .as_ref()
                            .map(|_| (100 + dice.below(1400) as i64) * 100),
                        currency: service.currency().code().into(),
                        rating,
                    });
                }
                let Some((lat, lon)) = routing.router.point_inside(&unit.code) else {
                    continue;
                };
                let report_count = scale * if unit.path.depth() == 2 { 22 } else { 7 };
                for n in 0..(report_count + dice.below(report_count / 2 + 1)) {
                    let day = month.first_day() + Duration::days(dice.below(28) as i64);
                    if day >= today || categories.is_empty() {
                        continue;
                    }
                    let category = &categories[dice.below(categories.len() as u64) as usize];
                    let expected_on = calendar
                        .add_working_days(day, category.resolution_working_days)
                        .unwrap_or(day);
                    let resolved = calendar
                        .add_working_days(
                            day,
                            1 + dice.below(u64::from(category.resolution_working_days) + 4) as u32,
                        )
                        .filter(|d| *d < today && dice.chance(0.82 + 0.1 * progress));
                    past_reports.push(PastReport {
                        token: format!("demo-{}-{month}-{n}-{scale}", unit.code),
                        category_code: category.code.clone(),
                        department: category.department.as_str().into(),
                        unit_id: unit.id,
                        lat: lat + (dice.below(200) as f64 - 100.0) * 0.00002,
                        lon: lon + (dice.below(200) as f64 - 100.0) * 0.00002,
                        description: category.name.ar().to_owned(),
                        requested_at: Utc.from_utc_datetime(&day.and_time(NaiveTime::MIN))
                            + Duration::hours(7 + dice.below(12) as i64),
                        expected_on,
                        resolved_at: resolved.map(|d| {
                            Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN)) + Duration::hours(13)
                        }),
                        reopened: dice.chance(0.05),
                    });
                }
            }
            applications += past_apps.len();
            reports += past_reports.len();
            self.store
                .insert_history(&past_apps, &past_reports, |unit, year, sequence| {
                    baladiya_domain::org::UnitCode::parse(unit)
                        .map(|code| TrackingNumber::new(&code, year, sequence as u64).to_string())
                        .unwrap_or_default()
                })
                .await?;
        }
        Ok((applications, reports))
    }
}

/// Minutes past the hour, spread by the day (no dice needed).
fn dice_minutes(day: NaiveDate, hour: u32) -> i64 {
    use chrono::Datelike;
    i64::from((day.ordinal() * 7 + hour * 13) % 60)
}
