//! Reading: entities and collections with their links, `$filter`,
//! `$orderby`, `$top`/`$skip` with `@iot.nextLink`, `$count`, `$select`
//! and nested `$expand`. Observations are filtered and ordered in the
//! database where the filter allows, the rest of the filter in memory.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::response::{IntoResponse, Response};
use baladiya_app::sensors::SensorWriter;
use baladiya_domain::sensors::entity::Kind;
use baladiya_domain::sensors::filter::{self, Expr, Op, Value as FilterValue};
use baladiya_domain::sensors::query::{Expand, Query};
use baladiya_store::{ObsColumn, ObsCondition, ObservationRow, Store};
use serde_json::{Map, Value, json};

use super::graph::{FilterEntity, Graph, ObsScope, Target, observation_doc};
use super::path::{ResourcePath, Tail};
use super::{Budget, Limits, NextLink, StaError};
use crate::http::state::AppState;

/// What every rendering needs.
pub struct Ctx<'a> {
    pub store: &'a Store,
    pub graph: &'a Graph,
    pub base: &'a str,
    /// A credential came with the request (it scans further).
    pub authenticated: bool,
    /// The private datastreams this request may read.
    pub private: Private,
    pub limits: &'a Limits,
    pub scans: &'a super::Scans,
    /// Entities rendered so far for this answer.
    pub rendered: AtomicUsize,
}

/// Observations read from the database at a time while a filter that the
/// database cannot apply is applied in memory.
const SCAN_CHUNK: usize = 5_000;
/// Entities rendered, or observations tested against a filter, between
/// two chances for the runtime to run other requests (and for the time
/// limit to stop this one).
const YIELD_EVERY: usize = 256;

/// Where the next page starts: after this one, if it is not empty and
/// more follow.
fn next_page(skip: usize, page: usize, more: bool) -> Option<usize> {
    (page > 0 && more).then(|| skip.checked_add(page)).flatten()
}

/// Which private datastreams a request may read.
pub enum Private {
    None,
    All,
    /// Those of the places its writer writes to.
    Only(HashSet<i64>),
}

impl Private {
    /// A writer's: the private datastreams of the places it may change.
    async fn of(
        state: &AppState,
        graph: &Graph,
        writer: Option<&SensorWriter>,
    ) -> Result<Private, StaError> {
        let Some(writer) = writer else {
            return Ok(Private::None);
        };
        let mut readable = HashSet::new();
        for id in graph.of_kind(Kind::Datastream) {
            let Some(stream) = graph.node(Kind::Datastream, id).filter(|n| n.row.private) else {
                continue;
            };
            let unit = stream.row.thing_id.and_then(|t| graph.place_unit(t));
            if state.app.may_write_place(writer, unit).await? {
                readable.insert(id);
            }
        }
        Ok(Private::Only(readable))
    }

    fn allows(&self, datastream: i64) -> bool {
        match self {
            Private::None => false,
            Private::All => true,
            Private::Only(ids) => ids.contains(&datastream),
        }
    }
}

pub async fn get(
    state: &AppState,
    budget: &Budget,
    base: &str,
    path: &ResourcePath,
    query: &Query,
    writer: Option<&SensorWriter>,
    next: &NextLink,
) -> Result<Response, StaError> {
    let store = &state.app.store;
    let graph = Graph::load(store).await?;
    let private = Private::of(state, &graph, writer).await?;
    let ctx = Ctx::new(state, budget, &graph, base, writer.is_some(), private);
    match graph.resolve(store, path).await? {
        Target::Entity { kind, id } => {
            if !ctx.visible(kind, id).await? {
                return Err(StaError::not_found("no such entity"));
            }
            let entity = render_entity(&ctx, kind, id, None, query).await?;
            Ok(match &path.tail {
                Tail::None => axum::Json(entity).into_response(),
                Tail::Ref => {
                    axum::Json(json!({"@iot.selfLink": entity["@iot.selfLink"]})).into_response()
                }
                Tail::Property { name, raw } => {
                    let value = entity.get(name).cloned().ok_or_else(|| {
                        StaError::not_found(format!("{} has no {name}", kind.name()))
                    })?;
                    if *raw {
                        match value {
                            Value::String(text) => text.into_response(),
                            other => other.to_string().into_response(),
                        }
                    } else {
                        let mut one = Map::new();
                        one.insert(name.clone(), value);
                        axum::Json(Value::Object(one)).into_response()
                    }
                }
            })
        }
        Target::Collection { kind, ids, obs } => {
            if let Tail::Property { .. } = path.tail {
                return Err(StaError::bad(
                    "a property belongs to one entity, not to a collection",
                ));
            }
            let data_array = query.data_array && kind == Kind::Observation;
            let page = if data_array {
                // Every property, to group by Datastream and pick the
                // components from.
                let mut full = Query {
                    select: None,
                    ..query.clone()
                };
                full.expand.push(baladiya_domain::sensors::query::Expand {
                    path: vec!["Datastream".into()],
                    query: Query::default(),
                });
                let mut page = collection(&ctx, kind, ids, obs, &full).await?;
                page.entities = data_array_groups(&page.entities, query.select.as_deref());
                page
            } else {
                collection(&ctx, kind, ids, obs, query).await?
            };
            let mut body = Map::new();
            if let Some(count) = page.count {
                body.insert("@iot.count".into(), json!(count));
            }
            let value = if path.tail == Tail::Ref {
                page.entities
                    .iter()
                    .map(|e| json!({"@iot.selfLink": e["@iot.selfLink"]}))
                    .collect()
            } else {
                page.entities
            };
            body.insert("value".into(), Value::Array(value));
            if let Some(skip) = page.next_skip {
                body.insert("@iot.nextLink".into(), json!(next.with_skip(skip)));
            }
            Ok(axum::Json(Value::Object(body)).into_response())
        }
    }
}

/// The properties of an Observation the Data Array extension lists when
/// no `$select` names them.
const COMPONENTS: [&str; 7] = [
    "id",
    "phenomenonTime",
    "result",
    "resultTime",
    "resultQuality",
    "validTime",
    "parameters",
];

/// Observations as the Data Array extension returns them: one group per
/// Datastream (in the order first met), with its navigation link, the
/// components and one array of values per observation.
fn data_array_groups(observations: &[Value], select: Option<&[String]>) -> Vec<Value> {
    let components: Vec<&str> = match select {
        Some(names) => names
            .iter()
            .map(String::as_str)
            .filter(|n| COMPONENTS.contains(n))
            .collect(),
        None => COMPONENTS.to_vec(),
    };
    let mut groups: Vec<(String, Vec<Value>)> = Vec::new();
    for o in observations {
        let link = o
            .pointer("/Datastream/@iot.selfLink")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let row: Vec<Value> = components
            .iter()
            .map(|c| {
                let key = if *c == "id" { "@iot.id" } else { c };
                o.get(key).cloned().unwrap_or(Value::Null)
            })
            .collect();
        match groups.iter_mut().find(|(l, _)| *l == link) {
            Some((_, rows)) => rows.push(Value::Array(row)),
            None => groups.push((link, vec![Value::Array(row)])),
        }
    }
    groups
        .into_iter()
        .map(|(link, rows)| {
            json!({
                "Datastream@iot.navigationLink": link,
                "components": components,
                "dataArray@iot.count": rows.len(),
                "dataArray": rows,
            })
        })
        .collect()
}

/// One page of a collection.
struct Page {
    entities: Vec<Value>,
    count: Option<usize>,
    /// Where the next page starts, if there is one.
    next_skip: Option<usize>,
}

impl<'a> Ctx<'a> {
    pub fn new(
        state: &'a AppState,
        budget: &'a Budget,
        graph: &'a Graph,
        base: &'a str,
        authenticated: bool,
        private: Private,
    ) -> Self {
        Ctx {
            store: &state.app.store,
            graph,
            base,
            authenticated,
            private,
            limits: &budget.limits,
            scans: &budget.scans,
            rendered: AtomicUsize::new(0),
        }
    }

    async fn visible(&self, kind: Kind, id: i64) -> Result<bool, StaError> {
        Ok(match kind {
            Kind::Datastream => self.graph.node(kind, id).is_some() && !self.private_stream(id),
            Kind::Observation => match self.store.sta_observation(id).await? {
                Some(o) => !self.private_stream(o.datastream_id),
                None => false,
            },
            _ => true,
        })
    }

    /// A private datastream this request may not read.
    fn private_stream(&self, datastream: i64) -> bool {
        self.graph
            .node(Kind::Datastream, datastream)
            .is_some_and(|n| n.row.private)
            && !self.private.allows(datastream)
    }
}

fn collection<'a>(
    ctx: &'a Ctx<'a>,
    kind: Kind,
    ids: Vec<i64>,
    obs: ObsScope,
    query: &'a Query,
) -> Pin<Box<dyn Future<Output = Result<Page, StaError>> + Send + 'a>> {
    Box::pin(async move {
        if kind == Kind::Observation {
            return observations(ctx, obs, query).await;
        }
        let graph = ctx.graph;
        let mut matching = Vec::new();
        for id in ids {
            let Some(node) = graph.node(kind, id) else {
                continue;
            };
            if kind == Kind::Datastream && ctx.private_stream(id) {
                continue;
            }
            let entity = FilterEntity {
                graph,
                kind,
                id,
                doc: &node.doc,
                observation: None,
            };
            if let Some(f) = &query.filter
                && !filter::matches(f, &entity)
                    .map_err(|e| StaError::bad(format!("$filter: {e}")))?
            {
                continue;
            }
            matching.push(id);
        }
        if !query.order.is_empty() {
            let key = |id: i64| -> Vec<FilterValue> {
                let Some(node) = graph.node(kind, id) else {
                    return Vec::new();
                };
                let entity = FilterEntity {
                    graph,
                    kind,
                    id,
                    doc: &node.doc,
                    observation: None,
                };
                query
                    .order
                    .iter()
                    .map(|(path, _)| filter::Entity::lookup(&entity, path))
                    .collect()
            };
            let mut keyed: Vec<(Vec<FilterValue>, i64)> =
                matching.iter().map(|id| (key(*id), *id)).collect();
            keyed.sort_by(|(a, x), (b, y)| {
                for ((va, vb), (_, desc)) in a.iter().zip(b).zip(&query.order) {
                    let o = filter::order(va, vb);
                    let o = if *desc { o.reverse() } else { o };
                    if o != std::cmp::Ordering::Equal {
                        return o;
                    }
                }
                x.cmp(y)
            });
            matching = keyed.into_iter().map(|(_, id)| id).collect();
        }
        let total = matching.len();
        let page = query.page();
        let mut entities = Vec::new();
        for id in matching.iter().skip(query.skip).take(page) {
            entities.push(render_entity(ctx, kind, *id, None, query).await?);
        }
        let next_skip = next_page(query.skip, page, query.skip.saturating_add(page) < total);
        Ok(Page {
            entities,
            count: query.count.then_some(total),
            next_skip,
        })
    })
}

/// The part of a filter the database can apply: comparisons of
/// `phenomenonTime`, `resultTime`, `result` or `id` with a literal joined
/// by `and`. Each is implied by the filter (an interval's start is before
/// its end), so the database returns every match and perhaps more; what
/// the database cannot apply stays in memory. Returns the conditions and
/// whether they are the whole filter, exactly.
fn pushdown(expr: &Expr, out: &mut Vec<ObsCondition>) -> bool {
    match expr {
        Expr::Binary(Op::And, a, b) => {
            let x = pushdown(a, out);
            let y = pushdown(b, out);
            x && y
        }
        Expr::Binary(op, a, b) => {
            let (path, literal, flipped) = match (a.as_ref(), b.as_ref()) {
                (Expr::Path(p), Expr::Literal(l)) => (p, l, false),
                (Expr::Literal(l), Expr::Path(p)) => (p, l, true),
                _ => return false,
            };
            let sql_op = match (op, flipped) {
                (Op::Eq, _) => "=",
                (Op::Gt, false) | (Op::Lt, true) => ">",
                (Op::Ge, false) | (Op::Le, true) => ">=",
                (Op::Lt, false) | (Op::Gt, true) => "<",
                (Op::Le, false) | (Op::Ge, true) => "<=",
                _ => return false,
            };
            let name = path.join("/");
            match (name.as_str(), literal) {
                ("id" | "@iot.id", FilterValue::Number(n)) => {
                    out.push(ObsCondition {
                        column: ObsColumn::Id,
                        op: sql_op,
                        value: *n,
                    });
                    true
                }
                ("result", FilterValue::Number(n)) => {
                    out.push(ObsCondition {
                        column: ObsColumn::Result,
                        op: sql_op,
                        value: *n,
                    });
                    true
                }
                ("phenomenonTime" | "resultTime", FilterValue::Time(t)) => {
                    let column = if name == "resultTime" {
                        ObsColumn::ResultTime
                    } else {
                        ObsColumn::PhenomenonTime
                    };
                    out.push(ObsCondition {
                        column,
                        op: sql_op,
                        value: t.timestamp_micros() as f64,
                    });
                    // Exact for a result time (an instant); for a
                    // phenomenon time only when the comparison is on its
                    // start (after, or not before).
                    name == "resultTime" || matches!(sql_op, ">" | ">=")
                }
                _ => false,
            }
        }
        _ => false,
    }
}

fn observation_order(query: &Query) -> Result<Vec<(ObsColumn, bool)>, StaError> {
    query
        .order
        .iter()
        .map(|(path, desc)| {
            let column = match path.join("/").as_str() {
                "id" | "@iot.id" => ObsColumn::Id,
                "phenomenonTime" => ObsColumn::PhenomenonTime,
                "resultTime" => ObsColumn::ResultTime,
                "result" => ObsColumn::Result,
                other => {
                    return Err(StaError::bad(format!(
                        "$orderby: Observations are ordered by phenomenonTime, resultTime, result or id, not {other}"
                    )));
                }
            };
            Ok((column, *desc))
        })
        .collect()
}

async fn observations(ctx: &Ctx<'_>, scope: ObsScope, query: &Query) -> Result<Page, StaError> {
    let mut conditions = Vec::new();
    match scope {
        ObsScope::Nothing => {
            return Ok(Page {
                entities: Vec::new(),
                count: query.count.then_some(0),
                next_skip: None,
            });
        }
        ObsScope::Datastream(d) => {
            if ctx.private_stream(d) {
                return Err(StaError::not_found("no such Datastream"));
            }
            conditions.push(ObsCondition {
                column: ObsColumn::Datastream,
                op: "=",
                value: d as f64,
            });
        }
        ObsScope::Feature(f) => conditions.push(ObsCondition {
            column: ObsColumn::Feature,
            op: "=",
            value: f as f64,
        }),
        ObsScope::All => {}
    }
    // Private datastreams' observations are left out by the database,
    // whatever the path or expansion that reached them.
    conditions.extend(
        ctx.graph
            .of_kind(Kind::Datastream)
            .filter(|d| ctx.private_stream(*d))
            .map(|d| ObsCondition {
                column: ObsColumn::Datastream,
                op: "<>",
                value: d as f64,
            }),
    );
    let exact = match &query.filter {
        Some(f) => pushdown(f, &mut conditions),
        None => true,
    };
    let order = observation_order(query)?;
    let page = query.page();
    let keep = |row: &ObservationRow| -> Result<bool, StaError> {
        let Some(f) = query.filter.as_ref().filter(|_| !exact) else {
            return Ok(true);
        };
        let doc = observation_doc(row);
        let entity = FilterEntity {
            graph: ctx.graph,
            kind: Kind::Observation,
            id: row.id,
            doc: &doc,
            observation: Some(row),
        };
        filter::matches(f, &entity).map_err(|e| StaError::bad(format!("$filter: {e}")))
    };
    let (rows, count, more) = if exact {
        let rows = ctx
            .store
            .sta_observations(&conditions, &order, page as i64 + 1, as_i64(query.skip))
            .await?;
        let count = if query.count {
            Some(ctx.store.sta_count_observations(&conditions).await? as usize)
        } else {
            None
        };
        let more = rows.len() > page;
        (rows.into_iter().take(page).collect::<Vec<_>>(), count, more)
    } else {
        // Scan in order, keeping the matches: a few at once, each giving
        // the runtime back to other requests as it goes.
        let _scan = ctx.scans.enter()?;
        let limit = if ctx.authenticated {
            ctx.limits.scan_signed_in
        } else {
            ctx.limits.scan_anonymous
        };
        let (mut matched, mut seen, mut scanned, mut more) = (Vec::new(), 0usize, 0usize, false);
        loop {
            let want = SCAN_CHUNK.min(limit - scanned);
            let chunk = ctx
                .store
                .sta_observations(&conditions, &order, as_i64(want), as_i64(scanned))
                .await?;
            let done = chunk.len() < want;
            scanned += chunk.len();
            for (i, row) in chunk.into_iter().enumerate() {
                if i % YIELD_EVERY == YIELD_EVERY - 1 {
                    tokio::task::yield_now().await;
                }
                if !keep(&row)? {
                    continue;
                }
                seen += 1;
                if seen > query.skip.saturating_add(page) {
                    more = true;
                } else if seen > query.skip {
                    matched.push(row);
                }
            }
            if done || (more && !query.count) {
                break;
            }
            if scanned >= limit {
                return Err(StaError::bad(format!(
                    "$filter: narrow it by phenomenonTime or result; more than {limit} observations would be read"
                )));
            }
        }
        (matched, query.count.then_some(seen), more)
    };
    let mut entities = Vec::new();
    for row in &rows {
        entities.push(render_entity(ctx, Kind::Observation, row.id, Some(row), query).await?);
    }
    Ok(Page {
        entities,
        count,
        next_skip: next_page(query.skip, page, more),
    })
}

/// An offset for the database (query options are read within `i64`).
fn as_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// An entity as JSON: `@iot.id`, `@iot.selfLink`, its own properties
/// (those `$select`ed), navigation links, and `$expand`ed entities.
pub fn render_entity<'a>(
    ctx: &'a Ctx<'a>,
    kind: Kind,
    id: i64,
    observation: Option<&'a ObservationRow>,
    query: &'a Query,
) -> Pin<Box<dyn Future<Output = Result<Value, StaError>> + Send + 'a>> {
    Box::pin(async move {
        let rendered = ctx.rendered.fetch_add(1, Ordering::Relaxed) + 1;
        if rendered > ctx.limits.max_entities {
            return Err(StaError::bad(format!(
                "the answer would hold more than {} entities: ask for fewer with $top, or expand less",
                ctx.limits.max_entities
            )));
        }
        if rendered.is_multiple_of(YIELD_EVERY) {
            tokio::task::yield_now().await;
        }
        let doc = match (kind, observation) {
            (Kind::Observation, Some(row)) => observation_doc(row),
            (Kind::Observation, None) => match ctx.store.sta_observation(id).await? {
                Some(row) => observation_doc(&row),
                None => return Err(StaError::not_found("no such Observation")),
            },
            _ => ctx
                .graph
                .node(kind, id)
                .map(|n| n.doc.clone())
                .ok_or_else(|| StaError::not_found("no such entity"))?,
        };
        let selected = |name: &str| {
            query
                .select
                .as_ref()
                .is_none_or(|s| s.iter().any(|x| x == name))
        };
        let self_link = format!("{}/{}({id})", ctx.base, kind.collection());
        let mut out = Map::new();
        if selected("id") || selected("@iot.id") {
            out.insert("@iot.id".into(), json!(id));
        }
        if query.select.is_none() || selected("@iot.selfLink") {
            out.insert("@iot.selfLink".into(), json!(self_link));
        }
        for (name, _) in kind.properties() {
            if selected(name) {
                out.insert(
                    (*name).into(),
                    doc.get(*name).cloned().unwrap_or(Value::Null),
                );
            }
        }
        for nav in kind.navigation() {
            if selected(nav.name) {
                out.insert(
                    format!("{}@iot.navigationLink", nav.name),
                    json!(format!("{self_link}/{}", nav.name)),
                );
            }
        }
        for expand in &query.expand {
            let Some(first) = expand.path.first() else {
                continue;
            };
            let nav = kind
                .navigation_to(first)
                .ok_or_else(|| StaError::bad(format!("$expand: {} has no {first}", kind.name())))?;
            // `A/B` expands A with B expanded inside it.
            let inner_owned;
            let inner: &Query = if expand.path.len() > 1 {
                inner_owned = Query {
                    expand: vec![Expand {
                        path: expand.path[1..].to_vec(),
                        query: expand.query.clone(),
                    }],
                    ..Query::default()
                };
                &inner_owned
            } else {
                &expand.query
            };
            let (ids, obs) = match (kind, observation, nav.to) {
                (_, _, Kind::Observation) => (Vec::new(), Graph::observation_scope(kind, id)),
                (Kind::Observation, Some(row), Kind::Datastream) => {
                    (vec![row.datastream_id], ObsScope::Nothing)
                }
                (Kind::Observation, Some(row), _) => {
                    (row.feature_id.into_iter().collect(), ObsScope::Nothing)
                }
                _ => (ctx.graph.related(kind, id, nav), ObsScope::Nothing),
            };
            if nav.many {
                let page = collection(ctx, nav.to, ids, obs, inner).await?;
                if let Some(count) = page.count {
                    out.insert(format!("{}@iot.count", nav.name), json!(count));
                }
                out.insert(nav.name.into(), Value::Array(page.entities));
            } else if let Some(related) = ids.first()
                && ctx.visible(nav.to, *related).await?
            {
                let entity = render_entity(ctx, nav.to, *related, None, inner).await?;
                out.insert(nav.name.into(), entity);
            }
        }
        Ok(Value::Object(out))
    })
}
