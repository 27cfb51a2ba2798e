//! Writing: create (with deep insert and links by `@iot.id`), update
//! (JSON merge patch, JSON Patch, PUT), delete, and the Data Array
//! extension's `CreateObservations`. A create is planned (`plan.rs`) — every
//! property checked, every related entity in order — and run by the store
//! in one transaction.

use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use baladiya_app::sensors::{SensorWriter, place_unit};
use baladiya_domain::sensors::entity::{Kind, MAX_PATCH_OPERATIONS};
use baladiya_store::{ObservationRow, Relation, StaRef, StaStep};
use chrono::Utc;
use serde_json::{Map, Value, json};

use super::graph::{Graph, Target};
use super::limits::{check_size, json_size};
use super::path::{ResourcePath, Tail};
use super::permit::{require_places, require_plan, require_unit, things_of};
use super::plan::{Plan, check_entity, now_iso, observation_row, own_properties};
use super::render::{Ctx, Private, render_entity};
use super::{Budget, StaError, created};
use crate::http::state::AppState;

pub async fn post(
    state: &AppState,
    budget: &Budget,
    writer: &SensorWriter,
    base: &str,
    path: &ResourcePath,
    body: &Value,
) -> Result<Response, StaError> {
    if path.tail != Tail::None {
        return Err(StaError::bad("create entities in a collection"));
    }
    let store = &state.app.store;
    let graph = Graph::load(store).await?;
    // The collection to create in, and the entity it hangs from.
    let (kind, parent) = if path.segments.len() == 1 {
        let segment = &path.segments[0];
        let kind = Kind::from_collection(&segment.name)
            .filter(|_| segment.id.is_none())
            .ok_or_else(|| StaError::bad("create entities in a collection"))?;
        (kind, None)
    } else {
        let (last, before) = path
            .segments
            .split_last()
            .unwrap_or((&path.segments[0], &[]));
        let owner = ResourcePath {
            segments: before.to_vec(),
            tail: Tail::None,
        };
        let Target::Entity {
            kind: owner_kind,
            id,
        } = graph.resolve(store, &owner).await?
        else {
            return Err(StaError::bad("create entities under one entity"));
        };
        let nav = owner_kind
            .navigation_to(&last.name)
            .filter(|n| n.many && last.id.is_none())
            .ok_or_else(|| StaError::bad(format!("cannot create in {}", last.name)))?;
        (nav.to, Some((owner_kind, StaRef::Id(id))))
    };
    let mut plan = Plan {
        steps: Vec::new(),
        now: now_iso(),
        home_unit: writer.home_unit().map(|u| u.as_str().to_owned()),
    };
    let created_ref = plan.entity(kind, body, parent)?;
    if let (Kind::Location, Some((Kind::Thing, thing))) = (kind, parent) {
        let time = plan.now.clone();
        plan.push(StaStep::History { thing, time });
    }
    require_plan(state, writer, &graph, &plan).await?;
    let ids = store.sta_create(&plan.steps, Utc::now()).await?;
    let id = match created_ref {
        StaRef::Id(id) => id,
        StaRef::Step(i) => ids
            .get(i)
            .copied()
            .ok_or_else(|| StaError::not_found("not created"))?,
    };
    let graph = Graph::load(store).await?;
    // The writer reads back what it has just written.
    let ctx = Ctx::new(state, budget, &graph, base, true, Private::All);
    let entity = render_entity(&ctx, kind, id, None, &Default::default()).await?;
    if kind == Kind::Observation
        && let Some(observation) = store.sta_observation(id).await?
    {
        state.app.observed(observation.datastream_id, id);
    }
    Ok(created(
        format!("{base}/{}({id})", kind.collection()),
        entity,
    ))
}

/// The entity a path names, for updating and deleting.
async fn target(state: &AppState, path: &ResourcePath) -> Result<(Graph, Kind, i64), StaError> {
    if path.tail != Tail::None {
        return Err(StaError::bad("update or delete one entity"));
    }
    let graph = Graph::load(&state.app.store).await?;
    match graph.resolve(&state.app.store, path).await? {
        Target::Entity { kind, id } => Ok((graph, kind, id)),
        Target::Collection { .. } => Err(StaError::bad("update or delete one entity")),
    }
}

pub async fn patch(
    state: &AppState,
    writer: &SensorWriter,
    path: &ResourcePath,
    body: &Value,
    json_patch: bool,
) -> Result<Response, StaError> {
    let (graph, kind, id) = target(state, path).await?;
    update(state, writer, &graph, kind, id, |current| {
        let mut next = current.clone();
        if json_patch {
            let ops: json_patch::Patch = serde_json::from_value(body.clone())
                .map_err(|e| StaError::bad(format!("not a JSON Patch document: {e}")))?;
            if ops.0.len() > MAX_PATCH_OPERATIONS {
                return Err(StaError::bad(format!(
                    "JSON Patch: {MAX_PATCH_OPERATIONS} operations at most"
                )));
            }
            // One operation at a time, each result within the size of an
            // entity: a copy doubles what it copies.
            for op in ops.0 {
                json_patch::patch(&mut next, &json_patch::Patch(vec![op]))
                    .map_err(|e| StaError::bad(format!("JSON Patch: {e}")))?;
                check_size(kind.name(), json_size(&next))?;
            }
        } else {
            if !body.is_object() {
                return Err(StaError::bad("a PATCH body is a JSON object"));
            }
            json_patch::merge(&mut next, body);
        }
        Ok(next)
    })
    .await
}

pub async fn put(
    state: &AppState,
    writer: &SensorWriter,
    path: &ResourcePath,
    body: &Value,
) -> Result<Response, StaError> {
    let (graph, kind, id) = target(state, path).await?;
    update(state, writer, &graph, kind, id, |_| Ok(body.clone())).await
}

/// Applies `change` to an entity's own properties (and its references to
/// one entity, given by `@iot.id`), checks the result as on create, and
/// stores it. `200 OK` with nothing else, as FROST answers. The writer
/// must be allowed the places the entity belongs to before and after.
async fn update(
    state: &AppState,
    writer: &SensorWriter,
    graph: &Graph,
    kind: Kind,
    id: i64,
    change: impl FnOnce(&Value) -> Result<Value, StaError>,
) -> Result<Response, StaError> {
    let store = &state.app.store;
    if kind == Kind::FeatureOfInterest && !writer.is_staff() {
        // Features are shared by the observations of every place.
        require_unit(state, writer, None).await?;
    }
    if kind != Kind::Observation {
        require_places(state, writer, graph, things_of(graph, kind, id)).await?;
    }
    let reference = |next: &Value, to: Kind| -> Result<Option<i64>, StaError> {
        match next.get(to.name()) {
            None => Ok(None),
            Some(v) => v
                .get("@iot.id")
                .and_then(Value::as_i64)
                .map(Some)
                .ok_or_else(|| StaError::bad(format!("{} is changed by its @iot.id", to.name()))),
        }
    };
    if kind == Kind::Observation {
        let row = store
            .sta_observation(id)
            .await?
            .ok_or_else(|| StaError::not_found("no such Observation"))?;
        let current = super::graph::observation_doc(&row);
        let next = change(&current)?;
        let object = next
            .as_object()
            .ok_or_else(|| StaError::bad("an Observation is a JSON object"))?;
        let datastream = reference(&next, Kind::Datastream)?.unwrap_or(row.datastream_id);
        if graph.node(Kind::Datastream, datastream).is_none() {
            return Err(StaError::bad("no such Datastream"));
        }
        for stream in [row.datastream_id, datastream] {
            require_places(
                state,
                writer,
                graph,
                things_of(graph, Kind::Datastream, stream),
            )
            .await?;
        }
        let feature = reference(&next, Kind::FeatureOfInterest)?.or(row.feature_id);
        let mut updated = observation_row(object, datastream, feature, &now_iso())?;
        updated.id = id;
        store.sta_update_observation(&updated).await?;
        return Ok(axum::http::StatusCode::OK.into_response());
    }
    let node = graph
        .node(kind, id)
        .ok_or_else(|| StaError::not_found("no such entity"))?;
    let next = change(&node.doc)?;
    let object = next
        .as_object()
        .ok_or_else(|| StaError::bad(format!("a {} is a JSON object", kind.name())))?;
    check_entity(kind, object)?;
    // Entities linked through navigation properties to many: a Thing's
    // Locations are relinked — existing ones by @iot.id, new ones created
    // — with a HistoricalLocation; the others can only be named as they
    // are.
    if kind == Kind::Thing {
        require_unit(state, writer, place_unit(&next)).await?;
    }
    let mut plan = Plan {
        steps: Vec::new(),
        now: now_iso(),
        home_unit: None,
    };
    for nav in kind.navigation().iter().filter(|n| n.many) {
        let Some(list) = object.get(nav.name) else {
            continue;
        };
        let items = list
            .as_array()
            .ok_or_else(|| StaError::bad(format!("{} is a JSON array", nav.name)))?;
        let ids: Vec<Option<i64>> = items
            .iter()
            .map(|i| i.get("@iot.id").and_then(Value::as_i64))
            .collect();
        let mut current = graph.related(kind, id, *nav);
        current.sort_unstable();
        let mut named: Vec<i64> = ids.iter().flatten().copied().collect();
        named.sort_unstable();
        named.dedup();
        if ids.iter().all(Option::is_some) && named == current {
            continue;
        }
        if (kind, nav.to) != (Kind::Thing, Kind::Location) {
            return Err(StaError::bad(format!(
                "change {} from the other side",
                nav.name
            )));
        }
        let mut linked = Vec::new();
        for item in items {
            linked.push(plan.entity(Kind::Location, item, None)?);
        }
        plan.push(StaStep::Unlink {
            relation: Relation::ThingLocation,
            from: StaRef::Id(id),
        });
        for location in linked {
            plan.push(StaStep::Link {
                relation: Relation::ThingLocation,
                from: StaRef::Id(id),
                to: location,
            });
        }
        let time = plan.now.clone();
        plan.push(StaStep::History {
            thing: StaRef::Id(id),
            time,
        });
    }
    let mut row = node.row.clone();
    let exists = |to: Kind, id: i64| graph.node(to, id).is_some();
    for (to, slot) in [
        (Kind::Thing, &mut row.thing_id),
        (Kind::Sensor, &mut row.sensor_id),
        (Kind::ObservedProperty, &mut row.property_id),
    ] {
        if kind.navigation_to(to.name()).is_some_and(|n| !n.many)
            && let Some(new) = reference(&next, to)?
        {
            if !exists(to, new) {
                return Err(StaError::bad(format!("no {}({new})", to.collection())));
            }
            if to == Kind::Thing {
                require_places(state, writer, graph, [new]).await?;
            }
            *slot = Some(new);
        }
    }
    let doc = own_properties(kind, object);
    let private = doc
        .get("properties")
        .and_then(|p| p.get("private"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if private != row.private && !writer.is_staff() {
        return Err(StaError::forbidden(
            "making a datastream private or public is for staff (a staff API token)",
        ));
    }
    row.private = private;
    row.doc = Value::Object(doc).to_string();
    check_size(kind.name(), row.doc.len())?;
    store.sta_update(&row, &plan.steps, Utc::now()).await?;
    Ok(axum::http::StatusCode::OK.into_response())
}

/// Deletes an entity and what hangs from it: for staff who manage the
/// places it belongs to, never for a device.
pub async fn delete(
    state: &AppState,
    writer: &SensorWriter,
    path: &ResourcePath,
) -> Result<Response, StaError> {
    let (graph, kind, id) = target(state, path).await?;
    if !writer.is_staff() {
        return Err(StaError::forbidden(
            "deleting is for staff who manage the place (a staff API token)",
        ));
    }
    let things = match kind {
        Kind::Observation => match state.app.store.sta_observation(id).await? {
            Some(row) => things_of(&graph, Kind::Datastream, row.datastream_id),
            None => Vec::new(),
        },
        _ => things_of(&graph, kind, id),
    };
    require_places(state, writer, &graph, things).await?;
    state.app.store.sta_delete(kind, id, Utc::now()).await?;
    Ok(axum::http::StatusCode::OK.into_response())
}

/// The Data Array extension: many observations of each datastream, their
/// properties named once in `components`. Answers `201` with each
/// observation's address, or `error` for a row that could not be read.
pub async fn create_observations(
    state: &AppState,
    writer: &SensorWriter,
    base: &str,
    body: &Bytes,
) -> Result<Response, StaError> {
    let groups: Vec<Value> = serde_json::from_slice(body)
        .map_err(|e| StaError::bad(format!("CreateObservations takes a JSON array: {e}")))?;
    let store = &state.app.store;
    let graph = Graph::load(store).await?;
    let now = now_iso();
    let mut answer = Vec::new();
    for group in &groups {
        let datastream = group
            .pointer("/Datastream/@iot.id")
            .and_then(Value::as_i64)
            .filter(|id| graph.node(Kind::Datastream, *id).is_some())
            .ok_or_else(|| StaError::bad("each group names an existing Datastream by @iot.id"))?;
        require_places(
            state,
            writer,
            &graph,
            things_of(&graph, Kind::Datastream, datastream),
        )
        .await?;
        let components: Vec<&str> = group
            .get("components")
            .and_then(Value::as_array)
            .ok_or_else(|| StaError::bad("each group has its components"))?
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let rows = group
            .get("dataArray")
            .and_then(Value::as_array)
            .ok_or_else(|| StaError::bad("each group has its dataArray"))?;
        let mut parsed = Vec::with_capacity(rows.len());
        for row in rows {
            let values = row.as_array().filter(|v| v.len() == components.len());
            let read = values.and_then(|values| {
                let mut object = Map::new();
                let mut feature = None;
                for (name, value) in components.iter().zip(values) {
                    if *name == "FeatureOfInterest/id" {
                        feature = value.as_i64();
                    } else {
                        object.insert((*name).to_owned(), value.clone());
                    }
                }
                observation_row(&object, datastream, feature, &now).ok()
            });
            parsed.push(read);
        }
        // One transaction for the group; observations without a feature
        // take the one made from their Thing's Location.
        let good: Vec<ObservationRow> = parsed.iter().flatten().cloned().collect();
        let mut new_ids = store
            .sta_insert_observations(&good, Utc::now())
            .await?
            .into_iter();
        for row in &parsed {
            let id = if row.is_some() { new_ids.next() } else { None };
            if let Some(id) = id {
                state.app.observed(datastream, id);
            }
            answer.push(id.map_or(json!("error"), |id| {
                json!(format!("{base}/Observations({id})"))
            }));
        }
    }
    Ok((
        axum::http::StatusCode::CREATED,
        axum::Json(Value::Array(answer)),
    )
        .into_response())
}
