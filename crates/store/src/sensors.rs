//! SensorThings entities, their links and observations, and device
//! credentials. A create — a deep insert of a whole graph — is a plan of
//! steps the app has checked, run here in order in one transaction.

use baladiya_domain::sensors::entity::Kind;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::events::{NewEvent, insert_event};
use crate::{Store, StoreError, in_write_tx, on_pool};

/// An entity other than an observation, as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StaRow {
    pub id: i64,
    pub kind: String,
    /// Its own properties, as a JSON object.
    pub doc: String,
    pub thing_id: Option<i64>,
    pub sensor_id: Option<i64>,
    pub property_id: Option<i64>,
    pub private: bool,
}

/// An observation, as stored: times in microseconds since 1970 (UTC).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ObservationRow {
    pub id: i64,
    pub datastream_id: i64,
    pub feature_id: Option<i64>,
    pub phenomenon_time: i64,
    pub phenomenon_end: Option<i64>,
    pub result_time: Option<i64>,
    pub result_number: Option<f64>,
    /// The result as JSON when it is not a number.
    pub result: Option<String>,
    /// resultQuality, validTime and parameters, as a JSON object.
    pub extra: Option<String>,
}

/// Observations in one multi-row INSERT (8 parameters each, within
/// SQLite's and PostgreSQL's limits).
const INSERT_CHUNK: usize = 1_000;

/// A microsecond time's UTC hour (its start).
pub fn hour_of(micros: i64) -> i64 {
    micros - micros.rem_euclid(HOUR)
}

/// An hour in microseconds.
pub const HOUR: i64 = 3_600_000_000;

/// One UTC hour of a datastream's numeric observations.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct HourRow {
    pub datastream_id: i64,
    /// The hour's start, microseconds since 1970.
    pub hour: i64,
    pub n: i64,
    pub total: f64,
    pub low: f64,
    pub high: f64,
    /// The latest observation of the hour: its time and value.
    pub last_time: i64,
    pub last_value: f64,
}

impl HourRow {
    fn of(datastream_id: i64, time: i64, value: f64) -> HourRow {
        HourRow {
            datastream_id,
            hour: hour_of(time),
            n: 1,
            total: value,
            low: value,
            high: value,
            last_time: time,
            last_value: value,
        }
    }

    /// Adds another hour's figures of the same datastream (its own or a
    /// later part of it).
    pub fn merge(&mut self, other: &HourRow) {
        self.n += other.n;
        self.total += other.total;
        self.low = self.low.min(other.low);
        self.high = self.high.max(other.high);
        if other.last_time >= self.last_time {
            self.last_time = other.last_time;
            self.last_value = other.last_value;
        }
    }
}

/// Adds newly written observations — `(datastream, time, value)` — to
/// their hours in the transaction `$tx`: one upsert per hour touched.
macro_rules! add_to_hours {
    ($tx:ident, $written:expr) => {{
        let written: &[(i64, i64, f64)] = $written;
        let mut hours: std::collections::BTreeMap<(i64, i64), HourRow> = Default::default();
        for &(datastream, time, value) in written {
            let row = HourRow::of(datastream, time, value);
            hours
                .entry((datastream, row.hour))
                .and_modify(|h| h.merge(&row))
                .or_insert(row);
        }
        for h in hours.values() {
            sqlx::query(
                "INSERT INTO sta_hours (datastream_id, hour, n, total, low, high, last_time, last_value) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (datastream_id, hour) DO UPDATE SET \
                 n = sta_hours.n + excluded.n, total = sta_hours.total + excluded.total, \
                 low = CASE WHEN excluded.low < sta_hours.low THEN excluded.low ELSE sta_hours.low END, \
                 high = CASE WHEN excluded.high > sta_hours.high THEN excluded.high ELSE sta_hours.high END, \
                 last_value = CASE WHEN excluded.last_time >= sta_hours.last_time \
                     THEN excluded.last_value ELSE sta_hours.last_value END, \
                 last_time = CASE WHEN excluded.last_time >= sta_hours.last_time \
                     THEN excluded.last_time ELSE sta_hours.last_time END",
            )
            .bind(h.datastream_id)
            .bind(h.hour)
            .bind(h.n)
            .bind(h.total)
            .bind(h.low)
            .bind(h.high)
            .bind(h.last_time)
            .bind(h.last_value)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}

/// Recounts one hour of a datastream from its observations (after an
/// observation changed or went), in the transaction `$tx`.
macro_rules! recount_hour {
    ($tx:ident, $datastream:expr, $hour:expr) => {{
        let (datastream, hour): (i64, i64) = ($datastream, $hour);
        sqlx::query("DELETE FROM sta_hours WHERE datastream_id = $1 AND hour = $2")
            .bind(datastream)
            .bind(hour)
            .execute(&mut *$tx)
            .await?;
        sqlx::query(
            "INSERT INTO sta_hours (datastream_id, hour, n, total, low, high, last_time, last_value) \
             SELECT $1, $2, COUNT(*), SUM(result_number), MIN(result_number), MAX(result_number), \
             MAX(phenomenon_time), (SELECT result_number FROM sta_observations \
                 WHERE datastream_id = $1 AND phenomenon_time >= $2 AND phenomenon_time < $3 \
                 AND result_number IS NOT NULL ORDER BY phenomenon_time DESC, id DESC LIMIT 1) \
             FROM sta_observations WHERE datastream_id = $1 AND phenomenon_time >= $2 \
             AND phenomenon_time < $3 AND result_number IS NOT NULL HAVING COUNT(*) > 0",
        )
        .bind(datastream)
        .bind(hour)
        .bind(hour + HOUR)
        .execute(&mut *$tx)
        .await?;
    }};
}

/// An observation column a query can filter or order on in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObsColumn {
    Id,
    Datastream,
    Feature,
    PhenomenonTime,
    ResultTime,
    /// A numeric result.
    Result,
}

impl ObsColumn {
    fn sql(self) -> &'static str {
        match self {
            ObsColumn::Id => "id",
            ObsColumn::Datastream => "datastream_id",
            ObsColumn::Feature => "feature_id",
            ObsColumn::PhenomenonTime => "phenomenon_time",
            ObsColumn::ResultTime => "result_time",
            ObsColumn::Result => "result_number",
        }
    }
}

/// A comparison of an observation column with a value (times as
/// microseconds since 1970), done by the database.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ObsCondition {
    pub column: ObsColumn,
    /// One of `=`, `<>`, `>`, `>=`, `<`, `<=`.
    pub op: &'static str,
    pub value: f64,
}

/// An entity the plan refers to: one that exists, or the one an earlier
/// step of the plan creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaRef {
    Id(i64),
    Step(usize),
}

/// The many-to-many relations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// A Thing's Locations.
    ThingLocation,
    /// A HistoricalLocation's Locations.
    HistoricalLocation,
    /// The FeatureOfInterest made from a Location.
    LocationFeature,
}

impl Relation {
    fn as_str(self) -> &'static str {
        match self {
            Relation::ThingLocation => "thing",
            Relation::HistoricalLocation => "historical",
            Relation::LocationFeature => "feature",
        }
    }
}

/// One step of a create.
#[derive(Debug, Clone, PartialEq)]
pub enum StaStep {
    /// An existing entity linked by `@iot.id`: it must exist and be of
    /// this kind (`NotFound` otherwise).
    Existing { kind: Kind, id: i64 },
    Insert {
        kind: Kind,
        doc: Value,
        thing: Option<StaRef>,
        sensor: Option<StaRef>,
        property: Option<StaRef>,
    },
    Observation {
        datastream: StaRef,
        /// None: made from the Location of the Datastream's Thing.
        feature: Option<StaRef>,
        row: ObservationRow,
    },
    Link {
        relation: Relation,
        from: StaRef,
        to: StaRef,
    },
    /// Removes every link of `relation` from an entity (before relinking).
    Unlink { relation: Relation, from: StaRef },
    /// A HistoricalLocation of a Thing at a time, linked to its current
    /// Locations (made when a Thing's Locations change).
    History { thing: StaRef, time: String },
}

/// The FeatureOfInterest of an observation that has none: the one made
/// from the current Location of its Datastream's Thing (made the first
/// time), in the transaction `$tx`.
macro_rules! feature_of_location {
    ($tx:ident, $datastream:expr, $now:expr) => {{
        let location: Option<(i64, String)> = sqlx::query_as(
            "SELECT l.id, l.doc FROM sta_entities d \
             JOIN sta_links k ON k.relation = 'thing' AND k.from_id = d.thing_id \
             JOIN sta_entities l ON l.id = k.to_id \
             WHERE d.id = $1 ORDER BY l.id DESC LIMIT 1",
        )
        .bind($datastream)
        .fetch_optional(&mut *$tx)
        .await?;
        let Some((location, doc)) = location else {
            return Err(StoreError::Conflict(
                baladiya_domain::ErrorCode::FeatureOfInterestMissing,
            ));
        };
        let made: Option<i64> = sqlx::query_scalar(
            "SELECT to_id FROM sta_links WHERE relation = 'feature' AND from_id = $1",
        )
        .bind(location)
        .fetch_optional(&mut *$tx)
        .await?;
        match made {
            Some(f) => f,
            None => {
                let doc: Value = serde_json::from_str(&doc).unwrap_or(Value::Null);
                let feature = json!({
                    "name": doc["name"],
                    "description": doc["description"],
                    "encodingType": doc["encodingType"],
                    "feature": doc["location"],
                });
                let f: i64 = sqlx::query_scalar(
                    "INSERT INTO sta_entities (kind, doc, updated_at) \
                     VALUES ('FeatureOfInterest', $1, $2) RETURNING id",
                )
                .bind(feature.to_string())
                .bind($now)
                .fetch_one(&mut *$tx)
                .await?;
                sqlx::query(
                    "INSERT INTO sta_links (relation, from_id, to_id) VALUES ('feature', $1, $2)",
                )
                .bind(location)
                .bind(f)
                .execute(&mut *$tx)
                .await?;
                f
            }
        }
    }};
}

/// Inserts an observation's row for `$datastream` and `$feature` in the
/// transaction `$tx`; its id.
macro_rules! insert_observation {
    ($tx:ident, $datastream:expr, $feature:expr, $row:expr) => {{
        let row: &ObservationRow = $row;
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO sta_observations (datastream_id, feature_id, phenomenon_time, \
             phenomenon_end, result_time, result_number, result, extra) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind($datastream)
        .bind($feature)
        .bind(row.phenomenon_time)
        .bind(row.phenomenon_end)
        .bind(row.result_time)
        .bind(row.result_number)
        .bind(&row.result)
        .bind(&row.extra)
        .fetch_one(&mut *$tx)
        .await?
    }};
}

/// Runs the steps of a plan in the transaction `$tx`; the id of each.
macro_rules! run_steps {
    ($tx:ident, $steps:expr, $now:expr) => {{
        let (steps, now): (&[StaStep], DateTime<Utc>) = ($steps, $now);
            let mut ids: Vec<i64> = Vec::with_capacity(steps.len());
            let mut written: Vec<(i64, i64, f64)> = Vec::new();
            let resolve = |ids: &Vec<i64>, r: StaRef| match r {
                StaRef::Id(id) => Ok(id),
                StaRef::Step(i) => ids.get(i).copied().ok_or_else(missing),
            };
            for step in steps {
                let id = match step {
                    StaStep::Existing { kind, id } => {
                        let found: Option<i64> = if *kind == Kind::Observation {
                            sqlx::query_scalar("SELECT id FROM sta_observations WHERE id = $1")
                                .bind(id)
                                .fetch_optional(&mut *$tx)
                                .await?
                        } else {
                            sqlx::query_scalar("SELECT id FROM sta_entities WHERE id = $1 AND kind = $2")
                                .bind(id)
                                .bind(kind.name())
                                .fetch_optional(&mut *$tx)
                                .await?
                        };
                        found.ok_or_else(missing)?
                    }
                    StaStep::Insert { kind, doc, thing, sensor, property } => {
                        let reference = |r: &Option<StaRef>| r.map(|r| resolve(&ids, r)).transpose();
                        let (thing, sensor, property) =
                            (reference(thing)?, reference(sensor)?, reference(property)?);
                        let private = doc
                            .pointer("/properties/private")
                            .and_then(Value::as_bool)
                            .unwrap_or(false);
                        sqlx::query_scalar(
                            "INSERT INTO sta_entities (kind, doc, thing_id, sensor_id, property_id, \
                             private, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                        )
                        .bind(kind.name())
                        .bind(doc.to_string())
                        .bind(thing)
                        .bind(sensor)
                        .bind(property)
                        .bind(private)
                        .bind(now)
                        .fetch_one(&mut *$tx)
                        .await?
                    }
                    StaStep::Observation { datastream, feature, row } => {
                        let datastream = resolve(&ids, *datastream)?;
                        let feature = match feature {
                            Some(f) => resolve(&ids, *f)?,
                            None => feature_of_location!($tx, datastream, now),
                        };
                        if let Some(value) = row.result_number {
                            written.push((datastream, row.phenomenon_time, value));
                        }
                        insert_observation!($tx, datastream, feature, row)
                    }
                    StaStep::Link { relation, from, to } => {
                        let (from, to) = (resolve(&ids, *from)?, resolve(&ids, *to)?);
                        sqlx::query(
                            "INSERT INTO sta_links (relation, from_id, to_id) VALUES ($1, $2, $3) \
                             ON CONFLICT DO NOTHING",
                        )
                        .bind(relation.as_str())
                        .bind(from)
                        .bind(to)
                        .execute(&mut *$tx)
                        .await?;
                        to
                    }
                    StaStep::Unlink { relation, from } => {
                        let from = resolve(&ids, *from)?;
                        sqlx::query("DELETE FROM sta_links WHERE relation = $1 AND from_id = $2")
                            .bind(relation.as_str())
                            .bind(from)
                            .execute(&mut *$tx)
                            .await?;
                        from
                    }
                    StaStep::History { thing, time } => {
                        let thing = resolve(&ids, *thing)?;
                        let doc = json!({ "time": time }).to_string();
                        let h: i64 = sqlx::query_scalar(
                            "INSERT INTO sta_entities (kind, doc, thing_id, updated_at) \
                             VALUES ('HistoricalLocation', $1, $2, $3) RETURNING id",
                        )
                        .bind(doc)
                        .bind(thing)
                        .bind(now)
                        .fetch_one(&mut *$tx)
                        .await?;
                        sqlx::query(
                            "INSERT INTO sta_links (relation, from_id, to_id) \
                             SELECT 'historical', $1, to_id FROM sta_links WHERE relation = 'thing' AND from_id = $2",
                        )
                        .bind(h)
                        .bind(thing)
                        .execute(&mut *$tx)
                        .await?;
                        h
                    }
                };
                ids.push(id);
            }
            add_to_hours!($tx, &written);
        ids
    }};
}

/// Why a plan could not run.
fn missing() -> StoreError {
    StoreError::NotFound
}

/// `select` with ` WHERE` every condition.
fn observation_query(select: &str, conditions: &[ObsCondition]) -> crate::sql::Sql {
    let mut sql = crate::sql::Sql::new(format!("{select} WHERE 1 = 1"));
    for c in conditions {
        let value = match c.column {
            ObsColumn::Result => crate::sql::Param::Real(c.value),
            _ => crate::sql::Param::Int(c.value as i64),
        };
        let op = match c.op {
            "=" | "<>" | ">" | ">=" | "<" | "<=" => c.op,
            _ => "=",
        };
        let p = sql.param(value);
        sql.text
            .push_str(&format!(" AND {} {op} {p}", c.column.sql()));
    }
    sql
}

impl Store {
    /// Runs a create plan in one transaction; returns the id of each step
    /// (the first is the entity created).
    pub async fn sta_create(
        &self,
        steps: &[StaStep],
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>, StoreError> {
        Ok(in_write_tx!(self, tx => {
            let ids = run_steps!(tx, steps, now);
            let created = steps.iter().filter(|s| !matches!(s, StaStep::Existing { .. })).count();
            insert_event!(tx, &NewEvent {
                at: now,
                actor_id: None,
                action: "sensors.created",
                entity: "sta",
                entity_id: ids.first().copied().unwrap_or_default(),
                unit_id: None,
                detail: json!({"entities": created}),
            });
            ids
        }))
    }

    /// Many observations (the Data Array extension, MQTT, the demo), in
    /// one transaction: ids in order. One without a FeatureOfInterest
    /// takes the one made from its Thing's Location.
    pub async fn sta_insert_observations(
        &self,
        rows: &[ObservationRow],
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>, StoreError> {
        let sqlite = self.engine() == crate::Engine::Sqlite;
        Ok(in_write_tx!(self, tx => {
            let mut features: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
            let mut resolved = Vec::with_capacity(rows.len());
            for row in rows {
                let feature = match (row.feature_id, features.get(&row.datastream_id)) {
                    (Some(f), _) | (None, Some(&f)) => f,
                    (None, None) => {
                        let f = feature_of_location!(tx, row.datastream_id, now);
                        features.insert(row.datastream_id, f);
                        f
                    }
                };
                resolved.push(feature);
            }
            // Multi-row INSERTs: one statement for up to INSERT_CHUNK rows.
            // Ids rise in the order a statement inserts its rows, so its
            // ids sorted are the rows' ids in order.
            let mut ids = Vec::with_capacity(rows.len());
            for (chunk, features) in rows.chunks(INSERT_CHUNK).zip(resolved.chunks(INSERT_CHUNK)) {
                let values: Vec<String> = (0..chunk.len())
                    .map(|i| {
                        let p = 8 * i;
                        format!(
                            "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                            p + 1, p + 2, p + 3, p + 4, p + 5, p + 6, p + 7, p + 8
                        )
                    })
                    .collect();
                // SQLite holds the database for the transaction, so a
                // statement's rowids are consecutive and end at the largest:
                // reading them back row by row through its driver costs
                // more than the insert.
                let sql = format!(
                    "INSERT INTO sta_observations (datastream_id, feature_id, phenomenon_time, \
                     phenomenon_end, result_time, result_number, result, extra) VALUES {}{}",
                    values.join(", "),
                    if sqlite { "" } else { " RETURNING id" }
                );
                let mut query = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql));
                for (row, feature) in chunk.iter().zip(features) {
                    query = query
                        .bind(row.datastream_id)
                        .bind(*feature)
                        .bind(row.phenomenon_time)
                        .bind(row.phenomenon_end)
                        .bind(row.result_time)
                        .bind(row.result_number)
                        .bind(&row.result)
                        .bind(&row.extra);
                }
                if sqlite {
                    query.fetch_optional(&mut *tx).await?;
                    let last: i64 = sqlx::query_scalar("SELECT MAX(id) FROM sta_observations")
                        .fetch_one(&mut *tx)
                        .await?;
                    ids.extend(last + 1 - chunk.len() as i64..=last);
                } else {
                    let mut chunk_ids = query.fetch_all(&mut *tx).await?;
                    chunk_ids.sort_unstable();
                    ids.extend(chunk_ids);
                }
            }
            let written: Vec<(i64, i64, f64)> = rows
                .iter()
                .filter_map(|r| Some((r.datastream_id, r.phenomenon_time, r.result_number?)))
                .collect();
            add_to_hours!(tx, &written);
            ids
        }))
    }

    pub async fn sta_entity(&self, id: i64) -> Result<Option<StaRow>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, kind, doc, thing_id, sensor_id, property_id, private FROM sta_entities WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// Every entity of `kind` (these are small collections), by id.
    pub async fn sta_entities(&self, kind: Kind) -> Result<Vec<StaRow>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, kind, doc, thing_id, sensor_id, property_id, private FROM sta_entities \
                 WHERE kind = $1 ORDER BY id",
            )
            .bind(kind.name())
            .fetch_all(pool)
            .await?
        }))
    }

    /// Every link of `relation`: `(from, to)`.
    pub async fn sta_links(&self, relation: Relation) -> Result<Vec<(i64, i64)>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT from_id, to_id FROM sta_links WHERE relation = $1 ORDER BY from_id, to_id")
                .bind(relation.as_str())
                .fetch_all(pool)
                .await?
        }))
    }

    pub async fn sta_observation(&self, id: i64) -> Result<Option<ObservationRow>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, datastream_id, feature_id, phenomenon_time, phenomenon_end, result_time, \
                 result_number, result, extra FROM sta_observations WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// The observations of `ids` (a thousand at most), in no order.
    pub async fn sta_observations_by_id(
        &self,
        ids: &[i64],
    ) -> Result<Vec<ObservationRow>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT id, datastream_id, feature_id, phenomenon_time, phenomenon_end, result_time, \
             result_number, result, extra FROM sta_observations WHERE id IN ({})",
            marks.join(", ")
        );
        Ok(on_pool!(self, pool => {
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
            for id in ids {
                query = query.bind(id);
            }
            query.fetch_all(pool).await?
        }))
    }

    /// Observations in a page, filtered by `conditions` (all true) and
    /// ordered by `order` (column, descending) then by id, in the database.
    pub async fn sta_observations(
        &self,
        conditions: &[ObsCondition],
        order: &[(ObsColumn, bool)],
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ObservationRow>, StoreError> {
        let mut sql = observation_query(
            "SELECT id, datastream_id, feature_id, phenomenon_time, phenomenon_end, result_time, \
             result_number, result, extra FROM sta_observations",
            conditions,
        );
        let mut by: Vec<String> = order
            .iter()
            .map(|(c, desc)| format!("{} {}", c.sql(), if *desc { "DESC" } else { "ASC" }))
            .collect();
        by.push("id ASC".into());
        let (l, o) = (
            sql.param(crate::sql::Param::Int(limit)),
            sql.param(crate::sql::Param::Int(offset)),
        );
        sql.text
            .push_str(&format!(" ORDER BY {} LIMIT {l} OFFSET {o}", by.join(", ")));
        Ok(on_pool!(self, pool => {
            crate::sql::bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql.text.clone())), sql)
                .fetch_all(pool)
                .await?
        }))
    }

    /// How many observations meet `conditions`.
    pub async fn sta_count_observations(
        &self,
        conditions: &[ObsCondition],
    ) -> Result<i64, StoreError> {
        let sql = observation_query(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM sta_observations",
            conditions,
        );
        Ok(on_pool!(self, pool => {
            crate::sql::bind_all!(sqlx::query_scalar(sqlx::AssertSqlSafe(sql.text.clone())), sql)
                .fetch_one(pool)
                .await?
        }))
    }

    /// Replaces an entity's own properties (PATCH and PUT), with its
    /// references, and runs `steps` (relinking) in the same transaction;
    /// `NotFound` when it is not there.
    pub async fn sta_update(
        &self,
        row: &StaRow,
        steps: &[StaStep],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            let changed = sqlx::query(
                "UPDATE sta_entities SET doc = $1, thing_id = $2, sensor_id = $3, property_id = $4, \
                 private = $5, updated_at = $6 WHERE id = $7 AND kind = $8",
            )
            .bind(&row.doc)
            .bind(row.thing_id)
            .bind(row.sensor_id)
            .bind(row.property_id)
            .bind(row.private)
            .bind(now)
            .bind(row.id)
            .bind(&row.kind)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::NotFound);
            }
            run_steps!(tx, steps, now);
            insert_event!(tx, &NewEvent {
                at: now,
                actor_id: None,
                action: "sensors.updated",
                entity: "sta",
                entity_id: row.id,
                unit_id: None,
                detail: json!({"kind": row.kind}),
            });
        });
        Ok(())
    }

    pub async fn sta_update_observation(&self, row: &ObservationRow) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            let before: Option<(i64, i64)> = sqlx::query_as(
                "SELECT datastream_id, phenomenon_time FROM sta_observations WHERE id = $1",
            )
            .bind(row.id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((datastream, time)) = before else {
                return Err(StoreError::NotFound);
            };
            sqlx::query(
                "UPDATE sta_observations SET datastream_id = $1, feature_id = $2, phenomenon_time = $3, \
                 phenomenon_end = $4, result_time = $5, result_number = $6, result = $7, extra = $8 \
                 WHERE id = $9",
            )
            .bind(row.datastream_id)
            .bind(row.feature_id)
            .bind(row.phenomenon_time)
            .bind(row.phenomenon_end)
            .bind(row.result_time)
            .bind(row.result_number)
            .bind(&row.result)
            .bind(&row.extra)
            .bind(row.id)
            .execute(&mut *tx)
            .await?;
            recount_hour!(tx, datastream, hour_of(time));
            if (datastream, hour_of(time)) != (row.datastream_id, hour_of(row.phenomenon_time)) {
                recount_hour!(tx, row.datastream_id, hour_of(row.phenomenon_time));
            }
        });
        Ok(())
    }

    /// Deletes an entity and what cannot exist without it (a Thing's
    /// Datastreams and HistoricalLocations, a Datastream's Observations…),
    /// in one transaction; `NotFound` when it is not there.
    pub async fn sta_delete(
        &self,
        kind: Kind,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            let deleted = if kind == Kind::Observation {
                let gone: Option<(i64, i64)> = sqlx::query_as(
                    "DELETE FROM sta_observations WHERE id = $1 RETURNING datastream_id, phenomenon_time",
                )
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some((datastream, time)) = gone {
                    recount_hour!(tx, datastream, hour_of(time));
                }
                u64::from(gone.is_some())
            } else {
                // Datastreams that go with their Thing, Sensor or
                // ObservedProperty, and their Observations.
                let streams = "SELECT id FROM sta_entities WHERE kind = 'Datastream' \
                     AND (id = $1 OR thing_id = $1 OR sensor_id = $1 OR property_id = $1)";
                for table in [
                    "sensor_alerts WHERE rule_id IN (SELECT id FROM sensor_rules WHERE datastream_id IN",
                    "sensor_rules WHERE (datastream_id IN",
                    "sta_hours WHERE (datastream_id IN",
                ] {
                    sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table} ({streams}))")))
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                // Observations of a FeatureOfInterest that goes: their
                // hours are recounted without them.
                let touched: Vec<(i64, i64)> = sqlx::query_as(
                    "SELECT DISTINCT datastream_id, phenomenon_time FROM sta_observations WHERE feature_id = $1",
                )
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DELETE FROM sta_observations WHERE datastream_id IN ({streams}) OR feature_id = $1"
                )))
                .bind(id)
                .execute(&mut *tx)
                .await?;
                let hours: std::collections::BTreeSet<(i64, i64)> =
                    touched.into_iter().map(|(d, t)| (d, hour_of(t))).collect();
                for (datastream, hour) in hours {
                    recount_hour!(tx, datastream, hour);
                }
                sqlx::query(
                    "DELETE FROM sta_links WHERE from_id = $1 OR to_id = $1 OR from_id IN \
                     (SELECT id FROM sta_entities WHERE kind = 'HistoricalLocation' AND thing_id = $1)",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if kind == Kind::Location {
                    // HistoricalLocations left without a Location go too.
                    sqlx::query(
                        "DELETE FROM sta_entities WHERE kind = 'HistoricalLocation' AND NOT EXISTS \
                         (SELECT 1 FROM sta_links WHERE relation = 'historical' AND from_id = sta_entities.id)",
                    )
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query(
                    "DELETE FROM sta_entities WHERE (kind = 'HistoricalLocation' AND thing_id = $1) \
                     OR (kind = 'Datastream' AND (thing_id = $1 OR sensor_id = $1 OR property_id = $1))",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM sta_entities WHERE id = $1 AND kind = $2")
                    .bind(id)
                    .bind(kind.name())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
            };
            if deleted == 0 {
                return Err(StoreError::NotFound);
            }
            insert_event!(tx, &NewEvent {
                at: now,
                actor_id: None,
                action: "sensors.deleted",
                entity: "sta",
                entity_id: id,
                unit_id: None,
                detail: json!({"kind": kind.name()}),
            });
        });
        Ok(())
    }

    /// The hourly aggregates of a datastream from `from` to before `to`
    /// (microseconds), in time order.
    pub async fn sta_hours(
        &self,
        datastream: i64,
        from: i64,
        to: i64,
    ) -> Result<Vec<HourRow>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT datastream_id, hour, n, total, low, high, last_time, last_value FROM sta_hours \
                 WHERE datastream_id = $1 AND hour >= $2 AND hour < $3 ORDER BY hour",
            )
            .bind(datastream)
            .bind(hour_of(from))
            .bind(to)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Every datastream's readings from `from` to before `to`
    /// (microseconds, whole hours): their number and sum.
    pub async fn sta_sums(&self, from: i64, to: i64) -> Result<Vec<(i64, i64, f64)>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT datastream_id, CAST(SUM(n) AS BIGINT), SUM(total) FROM sta_hours \
                 WHERE hour >= $1 AND hour < $2 GROUP BY datastream_id",
            )
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The latest hour of every datastream with numeric observations:
    /// its last value is the datastream's latest reading.
    pub async fn sta_latest_hours(&self) -> Result<Vec<HourRow>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                // One index descent per datastream, not a scan of the hours.
                "SELECT h.datastream_id, h.hour, h.n, h.total, h.low, h.high, h.last_time, h.last_value \
                 FROM sta_entities e JOIN sta_hours h ON h.datastream_id = e.id \
                 AND h.hour = (SELECT MAX(x.hour) FROM sta_hours x WHERE x.datastream_id = e.id) \
                 WHERE e.kind = 'Datastream'",
            )
            .fetch_all(pool)
            .await?
        }))
    }

    /// Retention: removes observations before `raw_before` (their hourly
    /// aggregates stay: downsampling) and hourly aggregates before
    /// `hours_before`, datastream by datastream in short transactions so
    /// that writers are not held up. How many observations and hours went.
    pub async fn sta_purge(
        &self,
        raw_before: Option<i64>,
        hours_before: Option<i64>,
    ) -> Result<(u64, u64), StoreError> {
        let streams: Vec<i64> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT id FROM sta_entities WHERE kind = 'Datastream' ORDER BY id")
                .fetch_all(pool)
                .await?
        });
        let (mut observations, mut hours) = (0, 0);
        for datastream in streams {
            if let Some(before) = raw_before {
                // Whole hours only, so the hour left keeps its count.
                let before = hour_of(before);
                observations += in_write_tx!(self, tx => {
                    sqlx::query(
                        "DELETE FROM sta_observations WHERE datastream_id = $1 AND phenomenon_time < $2",
                    )
                    .bind(datastream)
                    .bind(before)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                });
            }
            if let Some(before) = hours_before {
                hours += in_write_tx!(self, tx => {
                    sqlx::query("DELETE FROM sta_hours WHERE datastream_id = $1 AND hour < $2")
                        .bind(datastream)
                        .bind(before)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected()
                });
            }
        }
        Ok((observations, hours))
    }

    /// Records a device credential (the secret's hash); issuing one again
    /// for the same user name replaces its secret (and revives it).
    /// Adds a credential writing in `unit_code` (none: every unit), or
    /// gives an existing one a new secret and unit.
    pub async fn sta_add_credential(
        &self,
        username: &str,
        secret_hash: &str,
        unit_code: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO sta_credentials (username, secret_hash, created_at, unit_code) \
                 VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (username) DO UPDATE SET secret_hash = excluded.secret_hash, \
                 created_at = excluded.created_at, revoked_at = NULL, unit_code = excluded.unit_code",
            )
            .bind(username)
            .bind(secret_hash)
            .bind(now)
            .bind(unit_code)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Revokes a credential; returns whether there was a live one.
    pub async fn sta_revoke_credential(
        &self,
        username: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query(
                "UPDATE sta_credentials SET revoked_at = $1 WHERE username = $2 AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(username)
            .execute(pool)
            .await?
            .rows_affected()
                > 0
        }))
    }

    /// The user name of a live credential with this secret hash.
    /// Device credentials by name: the name, when issued, whether revoked.
    pub async fn sta_credentials(&self) -> Result<Vec<(String, DateTime<Utc>, bool)>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT username, created_at, revoked_at IS NOT NULL FROM sta_credentials ORDER BY username",
            )
            .fetch_all(pool)
            .await?
        }))
    }

    /// The user name and unit of the credential with this secret.
    pub async fn sta_credential(
        &self,
        secret_hash: &str,
    ) -> Result<Option<(String, Option<String>)>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT username, unit_code FROM sta_credentials WHERE secret_hash = $1 AND revoked_at IS NULL",
            )
            .bind(secret_hash)
            .fetch_optional(pool)
            .await?
        }))
    }
}

/// For `baladiya bench`: the raw baseline of observation writes, and a
/// fast way to fill the database with millions of them.
impl Store {
    /// Creates (empty) the scratch table of [`Store::raw_observation_batch`]:
    /// the columns and index of `sta_observations`.
    pub async fn create_raw_observations(&self) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            for sql in [
                "DROP TABLE IF EXISTS bench_raw_observations",
                "CREATE TABLE bench_raw_observations (datastream_id BIGINT NOT NULL, \
                 phenomenon_time BIGINT NOT NULL, result_number DOUBLE PRECISION)",
                "CREATE INDEX bench_raw_observations_stream ON bench_raw_observations(datastream_id, phenomenon_time)",
            ] {
                sqlx::query(sql).execute(pool).await?;
            }
        });
        Ok(())
    }

    /// One transaction of one multi-row INSERT: the fastest plain way to
    /// write a batch of observations.
    pub async fn raw_observation_batch(&self, rows: &[(i64, i64, f64)]) -> Result<(), StoreError> {
        let placeholders: Vec<String> = (0..rows.len())
            .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
            .collect();
        let sql = format!(
            "INSERT INTO bench_raw_observations (datastream_id, phenomenon_time, result_number) VALUES {}",
            placeholders.join(", ")
        );
        in_write_tx!(self, tx => {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for (datastream, time, value) in rows {
                query = query.bind(datastream).bind(time).bind(value);
            }
            query.execute(&mut *tx).await?;
        });
        Ok(())
    }

    /// Fills `datastream` with `count` observations every `step` µs from
    /// `start` (a daily cycle of values) and their hourly aggregates, in
    /// one statement each: for benchmarks over millions of observations.
    pub async fn seed_observations(
        &self,
        datastream: i64,
        count: i64,
        start: i64,
        step: i64,
    ) -> Result<(), StoreError> {
        let series = match self {
            Store::Sqlite(_) => {
                "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < $2) \
                 SELECT i FROM s"
            }
            Store::Postgres(_) => "SELECT generate_series(0, $2 - 1) AS i",
        };
        let observations = format!(
            "INSERT INTO sta_observations (datastream_id, phenomenon_time, result_number) \
             SELECT $1, $3 + i * $4, 20.0 + (i % 1440) / 100.0 FROM ({series}) AS g"
        );
        let hours = "INSERT INTO sta_hours (datastream_id, hour, n, total, low, high, last_time, last_value) \
             SELECT datastream_id, phenomenon_time - phenomenon_time % 3600000000, COUNT(*), SUM(result_number), \
             MIN(result_number), MAX(result_number), MAX(phenomenon_time), MAX(result_number) \
             FROM sta_observations WHERE datastream_id = $1 GROUP BY datastream_id, phenomenon_time - phenomenon_time % 3600000000";
        in_write_tx!(self, tx => {
            sqlx::query(sqlx::AssertSqlSafe(observations.clone()))
                .bind(datastream)
                .bind(count)
                .bind(start)
                .bind(step)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM sta_hours WHERE datastream_id = $1")
                .bind(datastream)
                .execute(&mut *tx)
                .await?;
            sqlx::query(hours).bind(datastream).execute(&mut *tx).await?;
        });
        Ok(())
    }
}
