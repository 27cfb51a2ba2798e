//! Sensors: credentials of the devices and integrators that write to the
//! SensorThings API (and publish over MQTT); the places with sensors,
//! their readings by hour and day, night flow, and retention.

use std::collections::HashMap;

use baladiya_domain::ErrorCode;
use baladiya_domain::org::{OrgUnit, UnitCode};
use baladiya_domain::people::Permission;
use baladiya_domain::sensors::entity::Kind;
use baladiya_domain::sensors::measure::{Measure, NIGHT_HOURS, NightFlow, night_flow};
use baladiya_store::{HOUR, HourRow, Relation, StaRef, StaRow, StaStep};
use chrono::{DateTime, Datelike, Timelike, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::{App, AppError};

fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

impl App {
    /// Issues a credential for a device or an integrator (or a new secret
    /// for an existing one) that writes to the places of `unit` and the
    /// units below it (none: every unit): returns its secret, shown once
    /// (only its hash is kept).
    pub async fn issue_sensor_credential(
        &self,
        username: &str,
        unit: Option<&str>,
    ) -> Result<String, AppError> {
        let username = credential_name(username)?;
        let unit = match unit {
            Some(code) => Some(
                self.unit_of_code(code)
                    .await?
                    .ok_or_else(|| AppError::field("unit", "unit-unknown"))?
                    .code,
            ),
            None => None,
        };
        self.add_sensor_credential(username, unit.as_ref()).await
    }

    /// A credential issued by a member of staff on the sensors page: it
    /// writes to the places of the (first) unit where they manage the
    /// organization, and below it.
    pub async fn issue_sensor_credential_as(
        &self,
        who: &crate::Principal,
        username: &str,
    ) -> Result<String, AppError> {
        let root = who.access.roots(Permission::ManageOrg).into_iter().next();
        let Some(&unit_id) = root.as_ref().and_then(|path| path.ids().last()) else {
            return Err(baladiya_domain::access::Denied {
                permission: Permission::ManageOrg,
            }
            .into());
        };
        let username = credential_name(username)?;
        let unit = self.store.unit(unit_id).await?;
        self.add_sensor_credential(username, Some(&unit.code)).await
    }

    /// Stores a credential of a name [`credential_name`] took.
    async fn add_sensor_credential(
        &self,
        username: &str,
        unit: Option<&UnitCode>,
    ) -> Result<String, AppError> {
        let secret = crate::auth::random_token()?;
        self.store
            .sta_add_credential(
                username,
                &secret_hash(&secret),
                unit.map(UnitCode::as_str),
                self.now(),
            )
            .await?;
        Ok(secret)
    }

    /// The unit a code names, if it is one.
    async fn unit_of_code(&self, code: &str) -> Result<Option<OrgUnit>, AppError> {
        match UnitCode::parse(code.trim()) {
            Ok(code) => self.unit_by_code(&code).await,
            Err(_) => Ok(None),
        }
    }

    /// Revokes a device's credential (`not-found` if it has none).
    pub async fn revoke_sensor_credential(&self, username: &str) -> Result<(), AppError> {
        if self
            .store
            .sta_revoke_credential(username.trim(), self.now())
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// The device a credential names: `username` and `secret` as HTTP
    /// Basic sends them, or the secret alone as a bearer token (`username`
    /// None). `unauthenticated` otherwise.
    pub async fn sensor_writer(
        &self,
        username: Option<&str>,
        secret: &str,
    ) -> Result<SensorWriter, AppError> {
        let found = self
            .store
            .sta_credential(&secret_hash(secret.trim()))
            .await?;
        match found {
            Some((name, unit)) if username.is_none_or(|u| u == name) => {
                let unit = match unit {
                    Some(code) => Some(self.unit_of_code(&code).await?.ok_or_else(|| {
                        AppError::Internal(format!("credential {name}: no unit {code}"))
                    })?),
                    None => None,
                };
                Ok(SensorWriter::Device { name, unit })
            }
            _ => Err(AppError::Conflict(ErrorCode::Unauthenticated)),
        }
    }

    /// Whether `writer` may change a place of `unit` (the code its Thing
    /// keeps in `properties.unit`; none for a place of no unit) and what
    /// hangs from it: a device within its unit (one of every unit
    /// anywhere), staff where they manage the organization.
    pub async fn may_write_place(
        &self,
        writer: &SensorWriter,
        unit: Option<&str>,
    ) -> Result<bool, AppError> {
        let path = match unit {
            Some(code) => self.unit_of_code(code).await?.map(|u| u.path),
            None => None,
        };
        Ok(match (writer, path) {
            (SensorWriter::Device { unit: None, .. }, _) => true,
            (
                SensorWriter::Device {
                    unit: Some(own), ..
                },
                Some(path),
            ) => path.is_within(&own.path),
            (SensorWriter::Staff(who), Some(path)) => who.access.can(Permission::ManageOrg, &path),
            (SensorWriter::Staff(who), None) => who.can_manage_org(),
            (SensorWriter::Device { .. }, None) => false,
        })
    }
}

/// A credential's user name as typed, trimmed: letters, digits, `-`, `_`
/// and `.`, 64 at most.
fn credential_name(username: &str) -> Result<&str, AppError> {
    let username = username.trim();
    let valid = !username.is_empty()
        && username.len() <= 64
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if valid {
        Ok(username)
    } else {
        Err(AppError::field("username", "username-characters"))
    }
}

/// The unit code of a place: what its Thing's document keeps in
/// `properties.unit`.
pub fn place_unit(thing: &Value) -> Option<&str> {
    thing.pointer("/properties/unit").and_then(Value::as_str)
}

/// Who writes to the SensorThings API.
#[derive(Debug, Clone)]
pub enum SensorWriter {
    /// A device's or an integrator's credential, and the unit it writes in
    /// (none: every unit). It creates places and readings and changes
    /// them; deleting, and making a datastream private or public, are for
    /// staff.
    Device { name: String, unit: Option<OrgUnit> },
    /// A member of staff, by an API token: writes where they manage the
    /// organization, deletions and privacy included.
    Staff(crate::Principal),
}

impl SensorWriter {
    pub fn is_staff(&self) -> bool {
        matches!(self, SensorWriter::Staff(_))
    }

    /// The unit a device writes in, for a new place that names none.
    pub fn home_unit(&self) -> Option<&UnitCode> {
        match self {
            SensorWriter::Device { unit, .. } => unit.as_ref().map(|u| &u.code),
            SensorWriter::Staff(_) => None,
        }
    }
}

/// A place with sensors, as the pages show it: a Thing, where it is, and
/// its datastreams with their latest readings.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub thing: i64,
    pub name: String,
    pub description: String,
    /// The org unit it belongs to (`properties.unit`).
    pub unit: Option<String>,
    /// A building's floor area in m² (`properties.floorArea`).
    pub floor_area: Option<f64>,
    /// Longitude and latitude of its (first) Location.
    pub at: Option<(f64, f64)>,
    pub streams: Vec<Stream>,
}

/// A datastream of a place.
#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    pub id: i64,
    pub thing: i64,
    pub name: String,
    pub measure: Option<Measure>,
    /// The unit's symbol (kWh, m³, µg/m³…).
    pub symbol: String,
    pub private: bool,
    /// The latest reading: its time and value.
    pub latest: Option<(DateTime<Utc>, f64)>,
}

/// Hourly or daily figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Hour,
    Day,
}

fn doc_of(row: &StaRow) -> Value {
    serde_json::from_str(&row.doc).unwrap_or(Value::Null)
}

fn text(doc: &Value, pointer: &str) -> String {
    doc.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn time_of(micros: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(micros).unwrap_or_default()
}

impl App {
    /// Every place with sensors (private datastreams only when
    /// `with_private`), by name.
    pub async fn sensor_places(&self, with_private: bool) -> Result<Vec<Place>, AppError> {
        let store = &self.store;
        let properties: HashMap<i64, Value> = store
            .sta_entities(Kind::ObservedProperty)
            .await?
            .iter()
            .map(|r| (r.id, doc_of(r)))
            .collect();
        let locations: HashMap<i64, Value> = store
            .sta_entities(Kind::Location)
            .await?
            .iter()
            .map(|r| (r.id, doc_of(r)))
            .collect();
        let mut located: HashMap<i64, (f64, f64)> = HashMap::new();
        for (thing, location) in store.sta_links(Relation::ThingLocation).await? {
            let point = locations
                .get(&location)
                .and_then(|d| d.pointer("/location/coordinates"))
                .and_then(|c| Some((c.get(0)?.as_f64()?, c.get(1)?.as_f64()?)));
            if let Some(point) = point {
                located.entry(thing).or_insert(point);
            }
        }
        let latest: HashMap<i64, (DateTime<Utc>, f64)> = store
            .sta_latest_hours()
            .await?
            .into_iter()
            .map(|h| (h.datastream_id, (time_of(h.last_time), h.last_value)))
            .collect();
        let mut streams: HashMap<i64, Vec<Stream>> = HashMap::new();
        for row in store.sta_entities(Kind::Datastream).await? {
            if row.private && !with_private {
                continue;
            }
            let doc = doc_of(&row);
            let property = row.property_id.and_then(|p| properties.get(&p));
            let measure =
                property.and_then(|p| Measure::of(&text(p, "/name"), &text(p, "/definition")));
            let thing = row.thing_id.unwrap_or_default();
            streams.entry(thing).or_default().push(Stream {
                id: row.id,
                thing,
                name: text(&doc, "/name"),
                measure,
                symbol: text(&doc, "/unitOfMeasurement/symbol"),
                private: row.private,
                latest: latest.get(&row.id).copied(),
            });
        }
        let mut places: Vec<Place> = store
            .sta_entities(Kind::Thing)
            .await?
            .iter()
            .map(|row| {
                let doc = doc_of(row);
                let mut own = streams.remove(&row.id).unwrap_or_default();
                own.sort_by_key(|s| s.id);
                Place {
                    thing: row.id,
                    name: text(&doc, "/name"),
                    description: text(&doc, "/description"),
                    unit: place_unit(&doc).map(str::to_owned),
                    floor_area: doc.pointer("/properties/floorArea").and_then(Value::as_f64),
                    at: located.get(&row.id).copied(),
                    streams: own,
                }
            })
            .collect();
        places.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(places)
    }

    /// The hours after which a place's local day begins: its unit's
    /// country's offset from UTC (0 when it names no known unit).
    pub async fn local_offset_hours(&self, unit: Option<&str>) -> Result<i32, AppError> {
        let Some(code) = unit.and_then(|u| baladiya_domain::org::UnitCode::parse(u).ok()) else {
            return Ok(0);
        };
        Ok(self
            .store
            .unit_by_code(&code)
            .await?
            .map_or(0, |u| u.country().utc_offset_hours()))
    }

    /// A datastream's figures from `from` to before `to`, by hour or by
    /// local day (`offset_hours` from UTC), from the hourly aggregates —
    /// so they remain after retention removed the raw observations.
    pub async fn sensor_series(
        &self,
        datastream: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        step: Step,
        offset_hours: i32,
    ) -> Result<Vec<HourRow>, AppError> {
        let hours = self
            .store
            .sta_hours(datastream, from.timestamp_micros(), to.timestamp_micros())
            .await?;
        Ok(match step {
            Step::Hour => hours,
            Step::Day => {
                let offset = i64::from(offset_hours) * HOUR;
                let day = 24 * HOUR;
                let mut days: Vec<HourRow> = Vec::new();
                for mut hour in hours {
                    hour.hour = (hour.hour + offset).div_euclid(day) * day - offset;
                    match days.last_mut() {
                        Some(last) if last.hour == hour.hour => last.merge(&hour),
                        _ => days.push(hour),
                    }
                }
                days
            }
        })
    }

    /// Night flow of a water meter over the `nights` before now, judged
    /// against its own baseline (see [`night_flow`]).
    pub async fn night_flow(
        &self,
        datastream: i64,
        offset_hours: i32,
        nights: i64,
    ) -> Result<Option<NightFlow>, AppError> {
        let now = self.now();
        let hours = self
            .sensor_series(
                datastream,
                now - chrono::Duration::days(nights + 1),
                now,
                Step::Hour,
                offset_hours,
            )
            .await?;
        let mut by_night: std::collections::BTreeMap<i64, f64> = Default::default();
        for h in hours {
            let local = time_of(h.hour) + chrono::Duration::hours(i64::from(offset_hours));
            if NIGHT_HOURS.contains(&local.hour()) {
                let night = local.date_naive().num_days_from_ce().into();
                let low = by_night.entry(night).or_insert(f64::INFINITY);
                *low = low.min(h.total);
            }
        }
        let nights: Vec<f64> = by_night.into_values().collect();
        Ok(night_flow(&nights, MIN_LEAK_M3_PER_HOUR))
    }

    /// Applies the retention settings: observations older than
    /// `raw_days` go (their hourly figures stay), hourly figures older
    /// than `hour_days` go. How many of each went.
    pub async fn purge_sensor_data(&self) -> Result<(u64, u64), AppError> {
        let Retention {
            raw_days,
            hour_days,
        } = self.settings.sensor_retention;
        let before = |days: Option<u32>| {
            days.map(|d| (self.now() - chrono::Duration::days(d.into())).timestamp_micros())
        };
        Ok(self
            .store
            .sta_purge(before(raw_days), before(hour_days))
            .await?)
    }
}

/// A night flow below this is never a leak (m³ an hour).
const MIN_LEAK_M3_PER_HOUR: f64 = 0.1;

/// How long sensor data are kept; `None` keeps them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retention {
    /// Raw observations, in days.
    pub raw_days: Option<u32>,
    /// Hourly figures (daily ones are made from them), in days.
    pub hour_days: Option<u32>,
}

/// A place to create: a building (with its floor area) or a station.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceSpec {
    pub name: String,
    pub description: String,
    /// Its org unit's code.
    pub unit: String,
    pub floor_area: Option<f64>,
    /// Longitude and latitude.
    pub at: (f64, f64),
}

/// A datastream to create at a place, with its own Sensor and
/// ObservedProperty.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamSpec {
    pub name: String,
    pub description: String,
    /// The ObservedProperty's name and definition.
    pub property: (String, String),
    /// The unit of measurement's name and symbol.
    pub unit: (String, String),
}

impl StreamSpec {
    /// The usual datastream of a measure (Arabic name first).
    pub fn of(measure: Measure) -> StreamSpec {
        let (name, description, property, unit) = match measure {
            Measure::Electricity => (
                "الكهرباء",
                "Main electricity meter",
                ("Energy", "http://qudt.org/vocab/quantitykind/Energy"),
                ("kilowatt hour", "kWh"),
            ),
            Measure::Water => (
                "المياه",
                "Main water meter",
                ("Water volume", "http://qudt.org/vocab/quantitykind/Volume"),
                ("cubic metre", "m³"),
            ),
            Measure::Pm25 => (
                "PM2.5",
                "Fine particulate matter",
                ("PM2.5", "http://vocabs.lter-europe.net/EnvThes/22035"),
                ("microgram per cubic metre", "µg/m³"),
            ),
            Measure::Pm10 => (
                "PM10",
                "Particulate matter",
                ("PM10", "http://vocabs.lter-europe.net/EnvThes/22034"),
                ("microgram per cubic metre", "µg/m³"),
            ),
            Measure::No2 => (
                "NO2",
                "Nitrogen dioxide",
                ("NO2", "http://vocabs.lter-europe.net/EnvThes/30291"),
                ("microgram per cubic metre", "µg/m³"),
            ),
            Measure::Noise => (
                "الضوضاء",
                "Equivalent continuous sound level",
                (
                    "Sound level",
                    "http://qudt.org/vocab/quantitykind/SoundPressureLevel",
                ),
                ("decibel A-weighted", "dB(A)"),
            ),
        };
        StreamSpec {
            name: name.to_owned(),
            description: description.to_owned(),
            property: (property.0.to_owned(), property.1.to_owned()),
            unit: (unit.0.to_owned(), unit.1.to_owned()),
        }
    }
}

/// The SensorThings plan of a place: its Thing and Location (with a
/// HistoricalLocation at `since`), and for each stream a Sensor, an
/// ObservedProperty and a Datastream. Also the steps of the Datastreams.
pub fn place_plan(
    place: &PlaceSpec,
    streams: &[StreamSpec],
    since: String,
) -> (Vec<StaStep>, Vec<usize>) {
    let mut properties = json!({"unit": place.unit});
    if let Some(area) = place.floor_area {
        properties["floorArea"] = json!(area);
        properties["kind"] = json!("municipal-building");
    }
    let insert = |kind, doc, thing, sensor, property| StaStep::Insert {
        kind,
        doc,
        thing,
        sensor,
        property,
    };
    let mut steps = vec![
        insert(
            Kind::Thing,
            json!({"name": place.name, "description": place.description, "properties": properties}),
            None,
            None,
            None,
        ),
        insert(
            Kind::Location,
            json!({
                "name": place.name,
                "description": place.description,
                "encodingType": "application/geo+json",
                "location": {"type": "Point", "coordinates": [place.at.0, place.at.1]},
            }),
            None,
            None,
            None,
        ),
        StaStep::Link {
            relation: Relation::ThingLocation,
            from: StaRef::Step(0),
            to: StaRef::Step(1),
        },
        StaStep::History {
            thing: StaRef::Step(0),
            time: since,
        },
    ];
    let mut stream_steps = Vec::new();
    for stream in streams {
        let sensor = StaRef::Step(steps.len());
        steps.push(insert(
            Kind::Sensor,
            json!({"name": format!("{} — {}", stream.description, place.description), "description": stream.description, "encodingType": "text/html", "metadata": "https://baladiya.example/sensors"}),
            None,
            None,
            None,
        ));
        let property = StaRef::Step(steps.len());
        steps.push(insert(
            Kind::ObservedProperty,
            json!({"name": stream.property.0, "definition": stream.property.1, "description": stream.description}),
            None,
            None,
            None,
        ));
        stream_steps.push(steps.len());
        steps.push(insert(
            Kind::Datastream,
            json!({
                "name": stream.name,
                "description": format!("{} — {}", stream.description, place.description),
                "observationType": "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement",
                "unitOfMeasurement": {"name": stream.unit.0, "symbol": stream.unit.1, "definition": ""},
            }),
            Some(StaRef::Step(0)),
            Some(sensor),
            Some(property),
        ));
    }
    (steps, stream_steps)
}

/// A place as an administrator types it in the staff form.
#[derive(Debug, Clone, Default)]
pub struct PlaceInput {
    pub name: String,
    pub description: String,
    pub unit: String,
    pub floor_area: String,
    pub lat: String,
    pub long: String,
    /// `electricity`, `water`, `pm25`, `pm10`, `no2`, `noise`.
    pub measures: Vec<String>,
}

impl App {
    /// Creates a place with the usual datastream of each measure chosen;
    /// every wrong field at once. Needs the right to manage the
    /// organisation over the place's unit. Its Thing's id.
    pub async fn create_place(
        &self,
        who: &crate::Principal,
        input: &PlaceInput,
    ) -> Result<i64, AppError> {
        let mut errors = Vec::new();
        let name = input.name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            errors.push(baladiya_domain::FieldError::new("name", "required"));
        }
        let unit = match baladiya_domain::org::UnitCode::parse(input.unit.trim()) {
            Ok(code) => self.store.unit_by_code(&code).await?,
            Err(_) => None,
        };
        if unit.is_none() {
            errors.push(baladiya_domain::FieldError::new("unit", "unit-unknown"));
        }
        let floor_area = match input.floor_area.trim() {
            "" => None,
            text => match text.parse::<f64>() {
                Ok(area) if area.is_finite() && area > 0.0 => Some(area),
                _ => {
                    errors.push(baladiya_domain::FieldError::new(
                        "floor_area",
                        "number-invalid",
                    ));
                    None
                }
            },
        };
        let at = match baladiya_domain::reports::location::Location::parse(&input.lat, &input.long)
        {
            Ok(location) => Some((location.lon(), location.lat())),
            Err((field, code)) => {
                errors.push(baladiya_domain::FieldError::new(field, code));
                None
            }
        };
        let measures: Vec<Measure> = input
            .measures
            .iter()
            .filter_map(|m| Measure::of(m, ""))
            .collect();
        if measures.is_empty() {
            errors.push(baladiya_domain::FieldError::new(
                "measures",
                "measures-required",
            ));
        }
        let (Some(unit), Some(at), true) = (unit, at, errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        if !who
            .access
            .can(baladiya_domain::people::Permission::ManageOrg, &unit.path)
        {
            return Err(AppError::Forbidden(baladiya_domain::access::Denied {
                permission: baladiya_domain::people::Permission::ManageOrg,
            }));
        }
        let spec = PlaceSpec {
            name: name.to_owned(),
            description: input.description.trim().to_owned(),
            unit: unit.code.to_string(),
            floor_area,
            at,
        };
        let streams: Vec<StreamSpec> = measures.into_iter().map(StreamSpec::of).collect();
        let (steps, _) = place_plan(&spec, &streams, self.now().to_rfc3339());
        let ids = self.store.sta_create(&steps, self.now()).await?;
        Ok(ids.first().copied().unwrap_or_default())
    }

    /// Makes a datastream private (read only with a credential) or public.
    pub async fn set_datastream_private(
        &self,
        who: &crate::Principal,
        datastream: i64,
        private: bool,
    ) -> Result<(), AppError> {
        let place = self
            .sensor_places(true)
            .await?
            .into_iter()
            .find(|p| p.streams.iter().any(|s| s.id == datastream))
            .ok_or(AppError::NotFound)?;
        self.require_over_place(who, &place).await?;
        let mut row = self
            .store
            .sta_entity(datastream)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut doc = doc_of(&row);
        if !doc["properties"].is_object() {
            doc["properties"] = json!({});
        }
        doc["properties"]["private"] = json!(private);
        row.doc = doc.to_string();
        row.private = private;
        Ok(self.store.sta_update(&row, &[], self.now()).await?)
    }

    /// Deletes a place with its datastreams, their observations, rules and
    /// alerts.
    pub async fn delete_place(&self, who: &crate::Principal, thing: i64) -> Result<(), AppError> {
        let place = self
            .sensor_places(true)
            .await?
            .into_iter()
            .find(|p| p.thing == thing)
            .ok_or(AppError::NotFound)?;
        self.require_over_place(who, &place).await?;
        Ok(self
            .store
            .sta_delete(Kind::Thing, thing, self.now())
            .await?)
    }
}
