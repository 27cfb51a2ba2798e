//! Alert rules on datastreams: each stored reading is judged against its
//! datastream's rules; a rule that starts firing opens an alert and a
//! work item — a citizen report in the rule's category, at the place's
//! location, so the report routing gives it to the department and unit
//! that own the place — and one that stops firing closes its alert (and
//! resolves the work item if nobody took it up yet). At most one alert of
//! a rule is active at a time.

use baladiya_domain::FieldError;
use baladiya_domain::access::Denied;
use baladiya_domain::people::Permission;
use baladiya_domain::sensors::rules::{Condition, Reading};
use baladiya_store::{AlertRow, RuleRow};
use chrono::DateTime;

use crate::reports::{Intake, ReportInput};
use crate::sensors::{Place, Stream};
use crate::{App, AppError, Principal};

/// A rule as an administrator writes it in the staff form.
#[derive(Debug, Clone, Default)]
pub struct RuleInput {
    pub datastream: String,
    pub kind: String,
    pub threshold: String,
    pub minutes: String,
    pub category: String,
    pub notify: String,
}

/// A rule with its datastream and place, for the pages.
#[derive(Debug, Clone)]
pub struct RuleView {
    pub rule: RuleRow,
    pub condition: Option<Condition>,
    pub place: Option<Place>,
    pub stream: Option<Stream>,
}

/// An alert with its datastream and place.
#[derive(Debug, Clone)]
pub struct AlertView {
    pub alert: AlertRow,
    pub place: Option<Place>,
    pub stream: Option<Stream>,
}

fn find_stream(places: &[Place], id: i64) -> (Option<Place>, Option<Stream>) {
    for place in places {
        if let Some(stream) = place.streams.iter().find(|s| s.id == id) {
            return (Some(place.clone()), Some(stream.clone()));
        }
    }
    (None, None)
}

impl App {
    /// Records an alert rule; every wrong field at once. Needs the right
    /// to manage the organisation over the place's unit.
    pub async fn create_rule(&self, who: &Principal, input: &RuleInput) -> Result<i64, AppError> {
        let mut errors = Vec::new();
        let places = self.sensor_places(true).await?;
        let stream = input
            .datastream
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|id| find_stream(&places, id).0.map(|p| (id, p)));
        if stream.is_none() {
            errors.push(FieldError::new("datastream", "datastream-unknown"));
        }
        let number = |text: &str| text.trim().parse::<f64>().ok();
        let condition = Condition::parse(
            input.kind.trim(),
            number(&input.threshold),
            input.minutes.trim().parse().ok(),
        );
        if let Err((field, code)) = condition {
            errors.push(FieldError::new(field, code));
        }
        if self.report_category(input.category.trim()).is_none() {
            errors.push(FieldError::new("category", "service-code-unknown"));
        }
        let notify = input.notify.trim();
        if notify.chars().count() > 200 {
            errors.push(FieldError::new("notify", "too-long"));
        }
        let (Some((datastream, place)), Ok(condition), true) =
            (stream, condition, errors.is_empty())
        else {
            return Err(AppError::Invalid(errors));
        };
        self.require_over_place(who, &place).await?;
        let (kind, threshold, minutes) = condition.parts();
        let rule = RuleRow {
            id: 0,
            datastream_id: datastream,
            kind: kind.to_owned(),
            threshold,
            minutes,
            category: input.category.trim().to_owned(),
            notify: (!notify.is_empty()).then(|| notify.to_owned()),
            active: true,
        };
        Ok(self
            .store
            .insert_rule(&rule, Some(who.user_id), self.now())
            .await?)
    }

    /// Turns a rule off (closing its alert) or on.
    pub async fn set_rule_active(
        &self,
        who: &Principal,
        id: i64,
        active: bool,
    ) -> Result<(), AppError> {
        let rule = self
            .store
            .rules(None, false)
            .await?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or(AppError::NotFound)?;
        let places = self.sensor_places(true).await?;
        if let Some(place) = find_stream(&places, rule.datastream_id).0 {
            self.require_over_place(who, &place).await?;
        } else if !who.access.has_anywhere(Permission::ManageOrg) {
            return Err(denied());
        }
        Ok(self
            .store
            .set_rule_active(id, active, Some(who.user_id), self.now())
            .await?)
    }

    pub(crate) async fn require_over_place(
        &self,
        who: &Principal,
        place: &Place,
    ) -> Result<(), AppError> {
        let unit = match place
            .unit
            .as_deref()
            .and_then(|u| baladiya_domain::org::UnitCode::parse(u).ok())
        {
            Some(code) => self.store.unit_by_code(&code).await?,
            None => None,
        };
        let allowed = match unit {
            Some(unit) => who.access.can(Permission::ManageOrg, &unit.path),
            None => who.access.has_anywhere(Permission::ManageOrg),
        };
        if allowed { Ok(()) } else { Err(denied()) }
    }

    /// Every rule with its place, for the staff page.
    pub async fn rule_views(&self) -> Result<Vec<RuleView>, AppError> {
        let places = self.sensor_places(true).await?;
        Ok(self
            .store
            .rules(None, false)
            .await?
            .into_iter()
            .map(|rule| {
                let (place, stream) = find_stream(&places, rule.datastream_id);
                RuleView {
                    condition: Condition::parse(&rule.kind, rule.threshold, rule.minutes).ok(),
                    rule,
                    place,
                    stream,
                }
            })
            .collect())
    }

    /// Alerts, newest first (the active ones only, or the last 200),
    /// with their places.
    pub async fn alert_views(&self, active_only: bool) -> Result<Vec<AlertView>, AppError> {
        let places = self.sensor_places(true).await?;
        Ok(self
            .store
            .alerts(active_only, 200)
            .await?
            .into_iter()
            .map(|alert| {
                let (place, stream) = find_stream(&places, alert.datastream_id);
                AlertView {
                    alert,
                    place,
                    stream,
                }
            })
            .collect())
    }

    /// Judges the active rules of `datastream` (or of every datastream)
    /// on their latest readings, opening and closing alerts. How many
    /// alerts opened or closed.
    pub async fn evaluate_rules(&self, datastream: Option<i64>) -> Result<usize, AppError> {
        let rules = self.store.rules(datastream, true).await?;
        if rules.is_empty() {
            return Ok(0);
        }
        let places = self.sensor_places(true).await?;
        let mut changed = 0;
        for rule in rules {
            let Ok(condition) = Condition::parse(&rule.kind, rule.threshold, rule.minutes) else {
                continue;
            };
            let (place, stream) = find_stream(&places, rule.datastream_id);
            let (Some(place), Some(stream)) = (place, stream) else {
                continue;
            };
            let hours = self.store.sta_last_hours(rule.datastream_id).await?;
            let reading = |i: usize| {
                hours.get(i).map(|h| Reading {
                    time: DateTime::from_timestamp_micros(h.last_time).unwrap_or_default(),
                    value: h.last_value,
                })
            };
            let latest = reading(0);
            let fires = match condition {
                Condition::NightFlow => {
                    let offset = self.local_offset_hours(place.unit.as_deref()).await?;
                    self.night_flow(rule.datastream_id, offset, 7)
                        .await?
                        .map(|flow| flow.leak)
                }
                _ => condition.fires(latest, reading(1), self.now()),
            };
            let value = latest.map(|r| r.value);
            match fires {
                Some(true) => {
                    if let Some(alert) = self.store.open_alert(rule.id, value, self.now()).await? {
                        changed += 1;
                        self.open_work(alert, &rule, condition, &place, &stream, latest)
                            .await;
                    }
                }
                Some(false) => {
                    if let Some((_, report)) =
                        self.store.close_alert(rule.id, value, self.now()).await?
                    {
                        changed += 1;
                        if let Some(report) = report {
                            self.resolve_untouched(report, &stream, latest).await;
                        }
                    }
                }
                None => {}
            }
        }
        Ok(changed)
    }

    /// Runs until the process ends: judges a datastream's rules as soon
    /// as it has new readings (several readings at once are judged once),
    /// and every rule each minute (silence and night flow need no
    /// reading to change).
    pub async fn watch_sensor_rules(self) {
        let mut events = self.sensor_events();
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            let streams: Option<std::collections::BTreeSet<i64>> = tokio::select! {
                event = events.recv() => {
                    let mut streams = std::collections::BTreeSet::new();
                    match event {
                        Ok((datastream, _)) => { streams.insert(datastream); }
                        // Readings were missed: judge everything.
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                    }
                    while let Ok((datastream, _)) = events.try_recv() {
                        streams.insert(datastream);
                    }
                    (!streams.is_empty()).then_some(streams)
                }
                _ = tick.tick() => None,
            };
            let result = match streams {
                Some(streams) => {
                    let mut total = Ok(0);
                    for datastream in streams {
                        total = self.evaluate_rules(Some(datastream)).await;
                        if total.is_err() {
                            break;
                        }
                    }
                    total
                }
                None => self.evaluate_rules(None).await,
            };
            if let Err(error) = result {
                tracing::warn!(?error, "could not judge the sensor alert rules");
            }
        }
    }

    /// Files the work item of a new alert. A place without a location
    /// inside the boundaries keeps its alert without one (logged).
    async fn open_work(
        &self,
        alert: i64,
        rule: &RuleRow,
        condition: Condition,
        place: &Place,
        stream: &Stream,
        latest: Option<Reading>,
    ) {
        let Some((lon, lat)) = place.at else {
            tracing::warn!(alert, place = %place.name, "alert without a work item: the place has no location");
            return;
        };
        let reading = latest.map_or_else(String::new, |r| {
            format!(
                " {} {} ({})",
                r.value,
                stream.symbol,
                r.time.format("%Y-%m-%d %H:%M UTC")
            )
        });
        let (ar, en) = match condition {
            Condition::Above(t) => (
                format!("تجاوزت القراءة الحد {t} {}", stream.symbol),
                format!("reading above {t} {}", stream.symbol),
            ),
            Condition::Below(t) => (
                format!("نزلت القراءة عن الحد {t} {}", stream.symbol),
                format!("reading below {t} {}", stream.symbol),
            ),
            Condition::Rise(t) => (
                format!("ارتفاع أسرع من {t} {} في الساعة", stream.symbol),
                format!("rising faster than {t} {} an hour", stream.symbol),
            ),
            Condition::Silence(d) => (
                format!("لا قراءات منذ أكثر من {} دقيقة", d.num_minutes()),
                format!("no readings for over {} minutes", d.num_minutes()),
            ),
            Condition::NightFlow => (
                "تدفق ليلي أعلى كثيرًا من المعتاد (تسرب محتمل)".to_owned(),
                "night flow well above its baseline (a likely leak)".to_owned(),
            ),
        };
        let notify = rule.notify.clone().unwrap_or_default();
        let input = ReportInput {
            service_code: rule.category.clone(),
            lat: lat.to_string(),
            long: lon.to_string(),
            description: format!(
                "تنبيه آلي من «{}» في «{}»: {ar}.{reading}\nAutomatic alert from {} at {}: {en}.{reading}",
                stream.name, place.name, stream.name, place.description
            ),
            first_name: "Baladiya sensors".to_owned(),
            email: if notify.contains('@') {
                notify.clone()
            } else {
                String::new()
            },
            phone: if notify.contains('@') {
                String::new()
            } else {
                notify
            },
            device_id: format!("sensor-rule-{}", rule.id),
            ..ReportInput::default()
        };
        match self.submit_report(input, Intake::Sensor).await {
            Ok(report) => {
                if let Err(error) = self.store.attach_alert_report(alert, report.id).await {
                    tracing::warn!(%error, alert, "could not link an alert to its work item");
                }
            }
            Err(error) => {
                tracing::warn!(
                    ?error,
                    alert,
                    "alert without a work item: the report was refused"
                )
            }
        }
    }

    /// Resolves an alert's work item when its readings came back and no
    /// one has taken it up yet.
    async fn resolve_untouched(&self, report: i64, stream: &Stream, latest: Option<Reading>) {
        let Ok(record) = self.report(report).await else {
            return;
        };
        if record.status != baladiya_domain::reports::lifecycle::ReportStatus::Open {
            return;
        }
        let value =
            latest.map_or_else(String::new, |r| format!(" ({} {})", r.value, stream.symbol));
        let note = format!(
            "عادت القراءات إلى طبيعتها{value}؛ أُغلق التنبيه تلقائيًا. / Readings are back to normal{value}; the alert closed itself."
        );
        if let Err(error) = self.system_report_action(&record, &note).await {
            tracing::warn!(?error, report, "could not resolve an alert's work item");
        }
    }
}

fn denied() -> AppError {
    AppError::Forbidden(Denied {
        permission: Permission::ManageOrg,
    })
}
