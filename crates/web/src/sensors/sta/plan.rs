//! A create planned before it runs: every property of the entity and of
//! each related entity checked, in order, as the steps the store then
//! runs in one transaction; and an observation read from its JSON.
use baladiya_app::sensors::place_unit;
use baladiya_domain::sensors::entity::Kind;
use baladiya_domain::sensors::filter::{Value as FilterValue, parse_time};
use baladiya_store::{ObservationRow, Relation, StaRef, StaStep};
use chrono::Utc;
use serde_json::{Map, Value, json};

use super::StaError;
use super::limits::{check_size, json_size};

/// A create being planned.
pub(super) struct Plan {
    pub(super) steps: Vec<StaStep>,
    pub(super) now: String,
    /// The unit a new Thing that names none is placed in (the device's).
    pub(super) home_unit: Option<String>,
}

impl Plan {
    pub(super) fn push(&mut self, step: StaStep) -> StaRef {
        self.steps.push(step);
        StaRef::Step(self.steps.len() - 1)
    }

    /// Plans `body` as a `kind` (a new one, or an existing one linked by
    /// `@iot.id`), under `parent` if it is created through a navigation
    /// property; returns the reference to it.
    pub(super) fn entity(
        &mut self,
        kind: Kind,
        body: &Value,
        parent: Option<(Kind, StaRef)>,
    ) -> Result<StaRef, StaError> {
        let object = body
            .as_object()
            .ok_or_else(|| StaError::bad(format!("a {} is a JSON object", kind.name())))?;
        let this = if let Some(id) = object.get("@iot.id") {
            let id = id
                .as_i64()
                .ok_or_else(|| StaError::bad("@iot.id is a whole number"))?;
            self.push(StaStep::Existing { kind, id })
        } else {
            self.new_entity(kind, object, parent)?
        };
        // Links made through the parent.
        match (parent, kind) {
            (Some((Kind::Thing, thing)), Kind::Location) => {
                // The Thing records its HistoricalLocation once its
                // Locations are all linked (see `new_entity`, and `post`
                // for a Location added to an existing Thing).
                self.push(StaStep::Link {
                    relation: Relation::ThingLocation,
                    from: thing,
                    to: this,
                });
            }
            (Some((Kind::Location, location)), Kind::Thing) => {
                self.push(StaStep::Link {
                    relation: Relation::ThingLocation,
                    from: this,
                    to: location,
                });
                let time = self.now.clone();
                self.push(StaStep::History { thing: this, time });
            }
            (Some((Kind::HistoricalLocation, historical)), Kind::Location) => {
                self.push(StaStep::Link {
                    relation: Relation::HistoricalLocation,
                    from: historical,
                    to: this,
                });
            }
            _ => {}
        }
        Ok(this)
    }

    fn new_entity(
        &mut self,
        kind: Kind,
        object: &Map<String, Value>,
        parent: Option<(Kind, StaRef)>,
    ) -> Result<StaRef, StaError> {
        check_entity(kind, object)?;
        // The entities this one refers to, first: from the parent, or
        // given inside it.
        let to_one = |plan: &mut Plan, to: Kind| -> Result<Option<StaRef>, StaError> {
            if let Some((parent_kind, parent_ref)) = parent
                && parent_kind == to
            {
                return Ok(Some(parent_ref));
            }
            match object.get(to.name()) {
                Some(body) => Ok(Some(plan.entity(to, body, None)?)),
                None => Ok(None),
            }
        };
        let this = match kind {
            Kind::Observation => {
                let datastream = to_one(self, Kind::Datastream)?
                    .ok_or_else(|| StaError::bad("an Observation needs its Datastream"))?;
                let feature = to_one(self, Kind::FeatureOfInterest)?;
                let row = observation_row(object, 0, None, &self.now)?;
                self.push(StaStep::Observation {
                    datastream,
                    feature,
                    row,
                })
            }
            _ => {
                let (thing, sensor, property) = match kind {
                    Kind::Datastream => {
                        let thing = to_one(self, Kind::Thing)?;
                        let sensor = to_one(self, Kind::Sensor)?;
                        let property = to_one(self, Kind::ObservedProperty)?;
                        if thing.is_none() || sensor.is_none() || property.is_none() {
                            return Err(StaError::bad(
                                "a Datastream needs its Thing, Sensor and ObservedProperty",
                            ));
                        }
                        (thing, sensor, property)
                    }
                    Kind::HistoricalLocation => {
                        let thing = to_one(self, Kind::Thing)?
                            .ok_or_else(|| StaError::bad("a HistoricalLocation needs its Thing"))?;
                        (Some(thing), None, None)
                    }
                    _ => (None, None, None),
                };
                let mut doc = Value::Object(own_properties(kind, object));
                if kind == Kind::Thing
                    && let Some(unit) = &self.home_unit
                    && place_unit(&doc).is_none()
                {
                    match doc.get_mut("properties") {
                        Some(Value::Object(properties)) => {
                            properties.insert("unit".into(), json!(unit));
                        }
                        _ => doc["properties"] = json!({"unit": unit}),
                    }
                }
                check_size(kind.name(), json_size(&doc))?;
                self.push(StaStep::Insert {
                    kind,
                    doc,
                    thing,
                    sensor,
                    property,
                })
            }
        };
        // Then the entities that refer to it.
        for nav in kind.navigation().iter().filter(|n| n.many) {
            let Some(children) = object.get(nav.name) else {
                continue;
            };
            let children = children
                .as_array()
                .ok_or_else(|| StaError::bad(format!("{} is a JSON array", nav.name)))?;
            if nav.to == Kind::HistoricalLocation && kind == Kind::Location {
                return Err(StaError::bad(
                    "create a HistoricalLocation through its Thing",
                ));
            }
            for child in children {
                self.entity(nav.to, child, Some((kind, this)))?;
            }
            if kind == Kind::Thing && nav.to == Kind::Location && !children.is_empty() {
                let time = self.now.clone();
                self.push(StaStep::History { thing: this, time });
            }
        }
        Ok(this)
    }
}

/// An entity as created or as it stands after an update: no unknown
/// property, every required one, each in the form the specification
/// fixes.
pub(super) fn check_entity(kind: Kind, object: &Map<String, Value>) -> Result<(), StaError> {
    for key in object.keys() {
        let known = kind.properties().iter().any(|(p, _)| p == key)
            || kind.navigation_to(key).is_some()
            || key.starts_with("@iot.");
        if !known {
            return Err(StaError::bad(format!(
                "{} has no property {key}",
                kind.name()
            )));
        }
    }
    for (name, required) in kind.properties() {
        if *required && object.get(*name).is_none_or(Value::is_null) {
            return Err(StaError::bad(format!("a {} needs {name}", kind.name())));
        }
    }
    check_properties(kind, object)
}

/// The properties whose form the specification fixes.
fn check_properties(kind: Kind, object: &Map<String, Value>) -> Result<(), StaError> {
    for name in [
        "name",
        "description",
        "encodingType",
        "observationType",
        "definition",
    ] {
        if let Some(v) = object.get(name)
            && !v.is_string()
        {
            return Err(StaError::bad(format!("{}.{name} is a text", kind.name())));
        }
    }
    if let Some(v) = object.get("properties")
        && !(v.is_object() || v.is_null())
    {
        return Err(StaError::bad(format!(
            "{}.properties is a JSON object",
            kind.name()
        )));
    }
    if kind == Kind::Datastream
        && let Some(unit) = object.get("unitOfMeasurement")
        && !unit.is_object()
    {
        return Err(StaError::bad(
            "Datastream.unitOfMeasurement is an object with name, symbol and definition",
        ));
    }
    for name in ["location", "feature", "observedArea"] {
        if let Some(v) = object.get(name).filter(|v| !v.is_null()) {
            let geo = object
                .get("encodingType")
                .and_then(Value::as_str)
                .is_none_or(|t| t.contains("geo+json"));
            if geo && matches!(super::graph::filter_value(v), FilterValue::Null) {
                return Err(StaError::bad(format!(
                    "{}.{name} is a GeoJSON geometry",
                    kind.name()
                )));
            }
        }
    }
    if let Some(v) = object.get("time").and_then(Value::as_str)
        && parse_time(v).is_none()
    {
        return Err(StaError::bad("HistoricalLocation.time is an ISO 8601 time"));
    }
    Ok(())
}

/// What of `object` is `kind`'s own properties (the rest are links).
pub(super) fn own_properties(kind: Kind, object: &Map<String, Value>) -> Map<String, Value> {
    kind.properties()
        .iter()
        .filter_map(|(name, _)| Some(((*name).to_owned(), object.get(*name)?.clone())))
        .collect()
}

/// Microseconds since 1970 of an ISO 8601 time, or an interval's start
/// and end.
fn micros(text: &str, what: &str) -> Result<(i64, Option<i64>), StaError> {
    match parse_time(text) {
        Some(FilterValue::Time(t)) => Ok((t.timestamp_micros(), None)),
        Some(FilterValue::Interval(a, b)) => Ok((a.timestamp_micros(), Some(b.timestamp_micros()))),
        _ => Err(StaError::bad(format!(
            "{what} is an ISO 8601 time or interval: {text}"
        ))),
    }
}

/// An observation's columns from its JSON (`now` when it has no
/// phenomenonTime).
pub(super) fn observation_row(
    object: &Map<String, Value>,
    datastream_id: i64,
    feature_id: Option<i64>,
    now: &str,
) -> Result<ObservationRow, StaError> {
    let phenomenon = match object.get("phenomenonTime") {
        None | Some(Value::Null) => now.to_owned(),
        Some(Value::String(t)) => t.clone(),
        Some(_) => {
            return Err(StaError::bad(
                "phenomenonTime is an ISO 8601 time or interval",
            ));
        }
    };
    let (phenomenon_time, phenomenon_end) = micros(&phenomenon, "phenomenonTime")?;
    let result_time = match object.get("resultTime") {
        None | Some(Value::Null) => None,
        Some(Value::String(t)) => Some(micros(t, "resultTime")?.0),
        Some(_) => return Err(StaError::bad("resultTime is an ISO 8601 time")),
    };
    let result = object
        .get("result")
        .ok_or_else(|| StaError::bad("an Observation needs result"))?;
    let (result_number, result) = match result.as_f64() {
        Some(n) if result.is_number() => (Some(n), None),
        _ => (None, Some(result.to_string())),
    };
    let extra: Map<String, Value> = ["resultQuality", "validTime", "parameters"]
        .iter()
        .filter_map(|k| {
            Some((
                (*k).to_owned(),
                object.get(*k).filter(|v| !v.is_null())?.clone(),
            ))
        })
        .collect();
    let extra = (!extra.is_empty()).then(|| Value::Object(extra).to_string());
    check_size(
        "the Observation",
        result.as_ref().map_or(0, String::len) + extra.as_ref().map_or(0, String::len),
    )?;
    Ok(ObservationRow {
        id: 0,
        datastream_id,
        feature_id,
        phenomenon_time,
        phenomenon_end,
        result_time,
        result_number,
        result,
        extra,
    })
}

/// An observation of `datastream` from its JSON, as MQTT brings it.
pub(super) fn observation_from(
    object: &Map<String, Value>,
    datastream: i64,
) -> Result<ObservationRow, StaError> {
    observation_row(object, datastream, None, &now_iso())
}

pub(super) fn now_iso() -> String {
    Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
