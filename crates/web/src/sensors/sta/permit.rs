//! What a writer may touch: the places an entity belongs to, the unit of
//! a credential or a staff member, and a whole plan checked before it runs.

use baladiya_app::sensors::{SensorWriter, place_unit};
use baladiya_domain::sensors::entity::Kind;
use baladiya_store::{Relation, StaRef, StaStep};

use super::StaError;
use super::graph::Graph;
use super::plan::Plan;
use crate::http::state::AppState;

/// The Things an entity belongs to, for who may change it: a Thing
/// itself; a Datastream's or a HistoricalLocation's Thing; the Things
/// linked to a Location, or whose datastreams use a Sensor or an
/// ObservedProperty.
pub(super) fn things_of(graph: &Graph, kind: Kind, id: i64) -> Vec<i64> {
    let Some(node) = graph.node(kind, id) else {
        return Vec::new();
    };
    let via = |to: Kind| {
        kind.navigation_to(to.collection())
            .or_else(|| kind.navigation_to(to.name()))
            .map(|nav| graph.related(kind, id, nav))
            .unwrap_or_default()
    };
    match kind {
        Kind::Thing => vec![id],
        Kind::Datastream | Kind::HistoricalLocation => node.row.thing_id.into_iter().collect(),
        Kind::Location => via(Kind::Thing),
        Kind::Sensor | Kind::ObservedProperty => via(Kind::Datastream)
            .into_iter()
            .flat_map(|d| things_of(graph, Kind::Datastream, d))
            .collect(),
        Kind::Observation | Kind::FeatureOfInterest => Vec::new(),
    }
}

/// Refuses unless `writer` may change the place of every Thing of `things`.
pub(super) async fn require_places(
    state: &AppState,
    writer: &SensorWriter,
    graph: &Graph,
    things: impl IntoIterator<Item = i64>,
) -> Result<(), StaError> {
    for thing in things {
        require_unit(state, writer, graph.place_unit(thing)).await?;
    }
    Ok(())
}

/// Refuses unless `writer` may write to a place of `unit`.
pub(super) async fn require_unit(
    state: &AppState,
    writer: &SensorWriter,
    unit: Option<&str>,
) -> Result<(), StaError> {
    if state.app.may_write_place(writer, unit).await? {
        Ok(())
    } else {
        Err(StaError::forbidden(format!(
            "this credential does not write to the places of {}",
            unit.unwrap_or("no unit")
        )))
    }
}

/// Refuses a plan that touches a place `writer` may not change: the
/// entities it hangs new ones from or links, and the new Things' units.
pub(super) async fn require_plan(
    state: &AppState,
    writer: &SensorWriter,
    graph: &Graph,
    plan: &Plan,
) -> Result<(), StaError> {
    let mut things = Vec::new();
    let mut belonging = |kind: Kind, id: i64| things.extend(things_of(graph, kind, id));
    for step in &plan.steps {
        match step {
            StaStep::Existing { kind, id }
                if matches!(
                    kind,
                    Kind::Thing | Kind::Datastream | Kind::HistoricalLocation
                ) =>
            {
                belonging(*kind, *id)
            }
            StaStep::Insert {
                thing: Some(StaRef::Id(thing)),
                ..
            }
            | StaStep::History {
                thing: StaRef::Id(thing),
                ..
            } => belonging(Kind::Thing, *thing),
            StaStep::Observation {
                datastream: StaRef::Id(datastream),
                ..
            } => belonging(Kind::Datastream, *datastream),
            StaStep::Link {
                relation: Relation::ThingLocation,
                from: StaRef::Id(thing),
                ..
            } => belonging(Kind::Thing, *thing),
            _ => {}
        }
    }
    require_places(state, writer, graph, things).await?;
    for step in &plan.steps {
        if let StaStep::Insert {
            kind: Kind::Thing,
            doc,
            ..
        } = step
        {
            require_unit(state, writer, place_unit(doc)).await?;
        }
    }
    Ok(())
}
