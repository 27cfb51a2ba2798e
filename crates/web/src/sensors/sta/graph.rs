//! The entities other than observations, read at once for a request (they
//! are a few thousand at most), with the relations between them; paths
//! resolved against them; and entities as the `$filter` evaluator sees
//! them.

use std::collections::BTreeMap;

use baladiya_domain::sensors::entity::{Kind, Navigation};
use baladiya_domain::sensors::filter::{self, Value as FilterValue};
use baladiya_store::{ObservationRow, Relation, StaRow};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;

use super::StaError;
use super::path::ResourcePath;

/// One entity of the graph: its row and its own properties.
pub struct Node {
    pub row: StaRow,
    pub kind: Kind,
    pub doc: Value,
}

#[derive(Default)]
pub struct Graph {
    pub nodes: BTreeMap<i64, Node>,
    links: Vec<(Relation, i64, i64)>,
    /// Geometries of entities' documents as the filter sees them, read
    /// from GeoJSON once per request rather than for every observation a
    /// filter through `FeatureOfInterest/feature` is applied to.
    geometries: std::sync::Mutex<std::collections::HashMap<(i64, Vec<String>), FilterValue>>,
}

/// Where observations of a path come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObsScope {
    All,
    Datastream(i64),
    Feature(i64),
    /// A path that cannot hold observations for this entity.
    Nothing,
}

/// What a resource path names.
pub enum Target {
    /// Entities of `kind` (ids, in order), or observations in a scope.
    Collection {
        kind: Kind,
        ids: Vec<i64>,
        obs: ObsScope,
    },
    Entity {
        kind: Kind,
        id: i64,
    },
}

impl Graph {
    pub async fn load(store: &baladiya_store::Store) -> Result<Graph, StaError> {
        let mut graph = Graph::default();
        for kind in Kind::ALL {
            if kind == Kind::Observation {
                continue;
            }
            for row in store.sta_entities(kind).await? {
                let doc = serde_json::from_str(&row.doc).unwrap_or(Value::Null);
                graph.nodes.insert(row.id, Node { kind, doc, row });
            }
        }
        for relation in [Relation::ThingLocation, Relation::HistoricalLocation] {
            for (from, to) in store.sta_links(relation).await? {
                graph.links.push((relation, from, to));
            }
        }
        Ok(graph)
    }

    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = i64> + '_ {
        self.nodes
            .values()
            .filter(move |n| n.kind == kind)
            .map(|n| n.row.id)
    }

    pub fn node(&self, kind: Kind, id: i64) -> Option<&Node> {
        self.nodes.get(&id).filter(|n| n.kind == kind)
    }

    /// The unit code of the place a Thing is (see
    /// [`baladiya_app::sensors::place_unit`]).
    pub fn place_unit(&self, thing: i64) -> Option<&str> {
        self.node(Kind::Thing, thing)
            .and_then(|n| baladiya_app::sensors::place_unit(&n.doc))
    }

    fn linked(&self, relation: Relation, id: i64, forward: bool) -> Vec<i64> {
        self.links
            .iter()
            .filter(|(r, from, to)| *r == relation && if forward { *from == id } else { *to == id })
            .map(|(_, from, to)| if forward { *to } else { *from })
            .collect()
    }

    /// The entities `nav` leads to from an entity (not observations: see
    /// [`Graph::observation_scope`]).
    pub fn related(&self, kind: Kind, id: i64, nav: Navigation) -> Vec<i64> {
        let Some(node) = self.nodes.get(&id) else {
            return Vec::new();
        };
        let having = |k: Kind, column: fn(&StaRow) -> Option<i64>| -> Vec<i64> {
            self.nodes
                .values()
                .filter(|n| n.kind == k && column(&n.row) == Some(id))
                .map(|n| n.row.id)
                .collect()
        };
        let one = |v: Option<i64>| v.into_iter().collect::<Vec<_>>();
        match (kind, nav.to) {
            (Kind::Thing, Kind::Location) => self.linked(Relation::ThingLocation, id, true),
            (Kind::Location, Kind::Thing) => self.linked(Relation::ThingLocation, id, false),
            (Kind::HistoricalLocation, Kind::Location) => {
                self.linked(Relation::HistoricalLocation, id, true)
            }
            (Kind::Location, Kind::HistoricalLocation) => {
                self.linked(Relation::HistoricalLocation, id, false)
            }
            (Kind::Thing, Kind::HistoricalLocation) => {
                having(Kind::HistoricalLocation, |r| r.thing_id)
            }
            (Kind::Thing, Kind::Datastream) => having(Kind::Datastream, |r| r.thing_id),
            (Kind::Sensor, Kind::Datastream) => having(Kind::Datastream, |r| r.sensor_id),
            (Kind::ObservedProperty, Kind::Datastream) => {
                having(Kind::Datastream, |r| r.property_id)
            }
            (Kind::HistoricalLocation | Kind::Datastream, Kind::Thing) => one(node.row.thing_id),
            (Kind::Datastream, Kind::Sensor) => one(node.row.sensor_id),
            (Kind::Datastream, Kind::ObservedProperty) => one(node.row.property_id),
            _ => Vec::new(),
        }
    }

    /// Where the observations `Observations` of an entity are.
    pub fn observation_scope(kind: Kind, id: i64) -> ObsScope {
        match kind {
            Kind::Datastream => ObsScope::Datastream(id),
            Kind::FeatureOfInterest => ObsScope::Feature(id),
            _ => ObsScope::Nothing,
        }
    }

    /// Resolves a path to entities, checking each step: `Things(1)/
    /// Datastreams(2)` is Datastream 2 only if it belongs to Thing 1.
    /// Observations along the way are read from `store`.
    pub async fn resolve(
        &self,
        store: &baladiya_store::Store,
        path: &ResourcePath,
    ) -> Result<Target, StaError> {
        let first = &path.segments[0];
        let kind = Kind::from_collection(&first.name)
            .ok_or_else(|| StaError::not_found(format!("{}: no such collection", first.name)))?;
        let mut target = match first.id {
            Some(id) => {
                self.exists(store, kind, id).await?;
                Target::Entity { kind, id }
            }
            None => Target::Collection {
                kind,
                ids: self.of_kind(kind).collect(),
                obs: ObsScope::All,
            },
        };
        for segment in &path.segments[1..] {
            let Target::Entity { kind, id } = target else {
                return Err(StaError::not_found(format!(
                    "{}: follow a navigation property from one entity",
                    segment.name
                )));
            };
            let nav = kind.navigation_to(&segment.name).ok_or_else(|| {
                StaError::not_found(format!("{} has no {}", kind.name(), segment.name))
            })?;
            let (ids, obs) = match (kind, nav.to) {
                (_, Kind::Observation) => (Vec::new(), Graph::observation_scope(kind, id)),
                (Kind::Observation, to) => {
                    let row = store
                        .sta_observation(id)
                        .await?
                        .ok_or_else(|| StaError::not_found("no such Observation"))?;
                    let related = if to == Kind::Datastream {
                        Some(row.datastream_id)
                    } else {
                        row.feature_id
                    };
                    (related.into_iter().collect(), ObsScope::Nothing)
                }
                _ => (self.related(kind, id, nav), ObsScope::Nothing),
            };
            target = match (nav.many, segment.id) {
                (true, None) => Target::Collection {
                    kind: nav.to,
                    ids,
                    obs,
                },
                (true, Some(wanted)) => {
                    let within = if nav.to == Kind::Observation {
                        store
                            .sta_observation(wanted)
                            .await?
                            .is_some_and(|o| match obs {
                                ObsScope::Datastream(d) => o.datastream_id == d,
                                ObsScope::Feature(f) => o.feature_id == Some(f),
                                _ => false,
                            })
                    } else {
                        ids.contains(&wanted)
                    };
                    if !within {
                        return Err(StaError::not_found(format!(
                            "{}({wanted}) is not one of these",
                            segment.name
                        )));
                    }
                    Target::Entity {
                        kind: nav.to,
                        id: wanted,
                    }
                }
                (false, _) => match ids.first() {
                    Some(id) => Target::Entity {
                        kind: nav.to,
                        id: *id,
                    },
                    None => return Err(StaError::not_found(format!("no {}", segment.name))),
                },
            };
        }
        Ok(target)
    }

    async fn exists(
        &self,
        store: &baladiya_store::Store,
        kind: Kind,
        id: i64,
    ) -> Result<(), StaError> {
        let found = if kind == Kind::Observation {
            store.sta_observation(id).await?.is_some()
        } else {
            self.node(kind, id).is_some()
        };
        if found {
            Ok(())
        } else {
            Err(StaError::not_found(format!(
                "{}({id}): no such entity",
                kind.collection()
            )))
        }
    }
}

/// Microseconds since 1970 as ISO 8601 (UTC, milliseconds).
pub fn iso(micros: i64) -> String {
    DateTime::<Utc>::from_timestamp_micros(micros)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// An observation's own properties as JSON.
pub fn observation_doc(row: &ObservationRow) -> Value {
    let mut doc = serde_json::Map::new();
    let phenomenon = match row.phenomenon_end {
        Some(end) => format!("{}/{}", iso(row.phenomenon_time), iso(end)),
        None => iso(row.phenomenon_time),
    };
    doc.insert("phenomenonTime".into(), Value::String(phenomenon));
    doc.insert(
        "resultTime".into(),
        row.result_time
            .map_or(Value::Null, |t| Value::String(iso(t))),
    );
    let result = match (&row.result_number, &row.result) {
        (Some(n), _) => serde_json::Number::from_f64(*n).map_or(Value::Null, Value::Number),
        (None, Some(text)) => serde_json::from_str(text).unwrap_or(Value::Null),
        (None, None) => Value::Null,
    };
    doc.insert("result".into(), result);
    if let Some(Value::Object(extra)) = row
        .extra
        .as_deref()
        .and_then(|e| serde_json::from_str(e).ok())
    {
        doc.extend(extra);
    }
    Value::Object(doc)
}

/// A JSON value as the filter sees it: GeoJSON geometries as geometries.
pub fn filter_value(value: &Value) -> FilterValue {
    match value {
        Value::Null => FilterValue::Null,
        Value::Bool(b) => FilterValue::Bool(*b),
        Value::Number(n) => n.as_f64().map_or(FilterValue::Null, FilterValue::Number),
        Value::String(s) => FilterValue::Text(s.clone()),
        Value::Object(map) if map.contains_key("type") => {
            let geometry = if map.get("type").and_then(Value::as_str) == Some("Feature") {
                map.get("geometry").cloned().unwrap_or(Value::Null)
            } else {
                value.clone()
            };
            serde_json::from_value::<geojson::Geometry>(geometry)
                .ok()
                .and_then(|g| geo::Geometry::<f64>::try_from(g).ok())
                .map_or(FilterValue::Null, FilterValue::Geometry)
        }
        _ => FilterValue::Null,
    }
}

/// An entity for the filter: its own properties, `id`, and the entities
/// its navigation properties to one lead to.
pub struct FilterEntity<'g> {
    pub graph: &'g Graph,
    pub kind: Kind,
    pub id: i64,
    pub doc: &'g Value,
    pub observation: Option<&'g ObservationRow>,
}

impl filter::Entity for FilterEntity<'_> {
    fn lookup(&self, path: &[String]) -> FilterValue {
        let Some(first) = path.first() else {
            return FilterValue::Null;
        };
        if path.len() == 1 && (first == "id" || first == "@iot.id") {
            return FilterValue::Number(self.id as f64);
        }
        if let Some(nav) = self.kind.navigation_to(first).filter(|n| !n.many) {
            let next = match (self.observation, nav.to) {
                (Some(o), Kind::Datastream) => Some(o.datastream_id),
                (Some(o), _) => o.feature_id,
                (None, _) => self.graph.related(self.kind, self.id, nav).first().copied(),
            };
            let Some(node) = next.and_then(|id| self.graph.node(nav.to, id)) else {
                return FilterValue::Null;
            };
            return FilterEntity {
                graph: self.graph,
                kind: nav.to,
                id: node.row.id,
                doc: &node.doc,
                observation: None,
            }
            .lookup(&path[1..]);
        }
        let mut value = self.doc;
        for step in path {
            match value.get(step) {
                Some(v) => value = v,
                None => return FilterValue::Null,
            }
        }
        if self.observation.is_some() || !value.is_object() {
            return filter_value(value);
        }
        let key = (self.id, path.to_vec());
        let mut cache = self
            .graph
            .geometries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        cache
            .entry(key)
            .or_insert_with(|| filter_value(value))
            .clone()
    }
}
