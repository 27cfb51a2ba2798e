//! Indicator values and the reference data of units (population,
//! households, area), and the facts indicators are computed from.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use crate::events::{NewEvent, insert_event};
use crate::{Store, StoreError, in_write_tx, on_pool};

/// A unit's reference data for a year.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct UnitReference {
    pub unit_id: i64,
    pub year: i64,
    pub population: Option<i64>,
    pub households: Option<i64>,
    pub area_km2: Option<f64>,
}

/// One value of an indicator, as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct IndicatorValue {
    pub indicator: String,
    pub unit_id: i64,
    pub period: String,
    pub numerator: f64,
    pub denominator: f64,
    pub source: String,
    pub status: String,
}

/// What an application adds to the indicators of its unit and those above.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApplicationFact {
    pub unit_path: String,
    pub service_code: String,
    pub channel: String,
    pub status: String,
    pub submitted_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub due_on: NaiveDate,
    pub fee_minor: Option<i64>,
    pub rating: Option<i64>,
    /// Returned for completion at least once.
    pub returned: bool,
}

/// What a citizen report adds to the indicators.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportFact {
    pub unit_path: String,
    pub category_code: String,
    pub status: String,
    pub requested_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub expected_on: NaiveDate,
    pub reopened: bool,
}

/// A value a unit enters for an indicator it reports.
#[derive(Debug, Clone, PartialEq)]
pub struct EnteredValue {
    pub indicator: String,
    pub unit_id: i64,
    pub period: String,
    pub numerator: f64,
    pub denominator: f64,
    /// Evidence or, for a correction of an approved value, its reason.
    pub note: Option<String>,
}

/// An entered value waiting for review, or reviewed.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ReviewedValue {
    pub indicator: String,
    pub unit_id: i64,
    pub period: String,
    pub numerator: f64,
    pub denominator: f64,
    pub status: String,
    pub note: Option<String>,
    pub entered_by: Option<i64>,
    pub version: i64,
}

/// Applications submitted in a month, counted by unit, service version,
/// channel and whether they were returned for completion.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SubmittedCount {
    pub unit_id: i64,
    pub service_version_id: i64,
    pub channel: String,
    pub returned: bool,
    pub count: i64,
}

/// Applications completed in a month, counted by unit, service version
/// and working days taken: how many, how many by their due date, their
/// ratings, and the issued ones with their fees.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CompletedCount {
    pub unit_id: i64,
    pub service_version_id: i64,
    /// None for an application completed before the days were kept.
    pub working_days: Option<i64>,
    pub count: i64,
    pub on_time: i64,
    pub rating_sum: Option<i64>,
    pub ratings: i64,
    pub issued: i64,
    pub fees_minor: Option<i64>,
}

/// Reports received in a month, by unit and category.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReceivedCount {
    pub unit_id: i64,
    pub category_code: String,
    pub count: i64,
}

/// Reports resolved in a month, by unit, category and the days they
/// took: how many, how many by their expected date, how many reopened.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ResolvedCount {
    pub unit_id: i64,
    pub category_code: String,
    pub days: i64,
    pub count: i64,
    pub on_time: i64,
    pub reopened: i64,
}

/// A computed value for one part of a unit's activity (a service's code or
/// a report category's).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct IndicatorPart {
    pub indicator: String,
    pub unit_id: i64,
    pub period: String,
    pub part: String,
    pub numerator: f64,
    pub denominator: f64,
}

/// Rows in one multi-row INSERT: eight binds a row stays well under both
/// engines' limit on a statement's parameters (SQLite 32,766).
const ROWS_A_STATEMENT: usize = 1_000;

impl Store {
    /// The day (UTC) of a timestamp column, in this engine's SQL: text
    /// `YYYY-MM-DD` on SQLite, a `DATE` on PostgreSQL; both read as a
    /// `NaiveDate`.
    fn day_of(&self, column: &str) -> String {
        match self {
            Store::Sqlite(_) => format!("substr({column}, 1, 10)"),
            Store::Postgres(_) => format!("CAST({column} AT TIME ZONE 'UTC' AS DATE)"),
        }
    }

    /// The month's submitted applications, counted in the database: the
    /// recomputation reads a few rows a unit, not one per application.
    pub async fn submitted_counts(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<SubmittedCount>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT a.unit_id, a.service_version_id, a.channel, a.times_returned > 0 AS returned, \
                 COUNT(*) AS count \
                 FROM applications a \
                 WHERE a.submitted_at >= $1 AND a.submitted_at < $2 \
                 GROUP BY a.unit_id, a.service_version_id, a.channel, returned",
            )
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The month's completed applications, counted in the database.
    pub async fn completed_counts(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<CompletedCount>, StoreError> {
        let completed = self.day_of("a.completed_at");
        let sql = format!(
            "SELECT a.unit_id, a.service_version_id, CAST(a.working_days AS BIGINT) AS working_days, \
             COUNT(*) AS count, CAST(SUM(CASE WHEN {completed} <= a.due_on THEN 1 ELSE 0 END) AS BIGINT) AS on_time, \
             CAST(SUM(a.rating) AS BIGINT) AS rating_sum, COUNT(a.rating) AS ratings, \
             CAST(SUM(CASE WHEN a.status = 'issued' THEN 1 ELSE 0 END) AS BIGINT) AS issued, \
             CAST(SUM(CASE WHEN a.status = 'issued' THEN a.fee_minor ELSE 0 END) AS BIGINT) AS fees_minor \
             FROM applications a \
             WHERE a.completed_at >= $1 AND a.completed_at < $2 \
             GROUP BY a.unit_id, a.service_version_id, a.working_days"
        );
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(from)
                .bind(to)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Applications completed in `[from, to)` whose working days were not
    /// kept (completed before they were): id, unit, submitted, completed.
    #[allow(clippy::type_complexity)]
    pub async fn completed_without_working_days(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(i64, i64, DateTime<Utc>, DateTime<Utc>)>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, unit_id, submitted_at, completed_at FROM applications \
                 WHERE completed_at >= $1 AND completed_at < $2 AND working_days IS NULL",
            )
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Keeps the working days of completed applications: `(id, days)`.
    pub async fn set_working_days(&self, days: &[(i64, i64)]) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            for (id, n) in days {
                sqlx::query("UPDATE applications SET working_days = $1 WHERE id = $2 AND working_days IS NULL")
                    .bind(n)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
        });
        Ok(())
    }

    /// The month's reports received, per unit and category.
    pub async fn received_counts(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<ReceivedCount>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT r.unit_id, r.category_code, COUNT(*) AS count FROM reports r \
                 WHERE r.requested_at >= $1 AND r.requested_at < $2 GROUP BY r.unit_id, r.category_code",
            )
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The month's resolved reports, counted by unit, category and the
    /// days they took.
    pub async fn resolved_counts(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<ResolvedCount>, StoreError> {
        let closed = self.day_of("r.closed_at");
        let days = match self {
            Store::Sqlite(_) => "CAST(julianday(substr(r.closed_at, 1, 10)) - julianday(substr(r.requested_at, 1, 10)) AS BIGINT)".to_owned(),
            Store::Postgres(_) => "CAST(CAST(r.closed_at AT TIME ZONE 'UTC' AS DATE) - CAST(r.requested_at AT TIME ZONE 'UTC' AS DATE) AS BIGINT)".to_owned(),
        };
        let sql = format!(
            "SELECT r.unit_id, r.category_code, {days} AS days, COUNT(*) AS count, \
             CAST(SUM(CASE WHEN {closed} <= r.expected_on THEN 1 ELSE 0 END) AS BIGINT) AS on_time, \
             CAST(SUM(CASE WHEN r.reopened THEN 1 ELSE 0 END) AS BIGINT) AS reopened FROM reports r \
             WHERE r.status = 'resolved' AND r.closed_at >= $1 AND r.closed_at < $2 \
             GROUP BY r.unit_id, r.category_code, {days}"
        );
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(from)
                .bind(to)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Records entered values, all in one transaction (nothing is written
    /// if one cannot be): a new value, or a new version of a submitted or
    /// returned one, is `submitted`; an approved value is never changed in
    /// place — correcting it (`note` gives the reason) makes a new version,
    /// submitted for review again, and the event keeps the old figures. A
    /// computed value cannot be entered (`Conflict(ActionNotAllowedNow)`).
    pub async fn enter_indicator_values(
        &self,
        values: &[EnteredValue],
        actor_id: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            for v in values {
                let current: Option<(i64, String, String, f64, f64, i64)> = sqlx::query_as(
                    "SELECT id, source, status, numerator, denominator, version FROM indicator_values \
                     WHERE indicator = $1 AND unit_id = $2 AND period = $3",
                )
                .bind(&v.indicator)
                .bind(v.unit_id)
                .bind(&v.period)
                .fetch_optional(&mut *tx)
                .await?;
                let (id, action, before) = match current {
                    None => {
                        let id: i64 = sqlx::query_scalar(
                            "INSERT INTO indicator_values (indicator, unit_id, period, numerator, denominator, \
                             source, status, note, entered_by, updated_at) \
                             VALUES ($1, $2, $3, $4, $5, 'entered', 'submitted', $6, $7, $8) RETURNING id",
                        )
                        .bind(&v.indicator)
                        .bind(v.unit_id)
                        .bind(&v.period)
                        .bind(v.numerator)
                        .bind(v.denominator)
                        .bind(&v.note)
                        .bind(actor_id)
                        .bind(now)
                        .fetch_one(&mut *tx)
                        .await?;
                        (id, "indicator.entered", None)
                    }
                    Some((_, source, ..)) if source != "entered" => {
                        return Err(StoreError::Conflict(baladiya_domain::ErrorCode::ActionNotAllowedNow));
                    }
                    Some((id, _, status, numerator, denominator, version)) => {
                        sqlx::query(
                            "UPDATE indicator_values SET numerator = $1, denominator = $2, status = 'submitted', \
                             note = $3, entered_by = $4, reviewed_by = NULL, version = version + 1, updated_at = $5 \
                             WHERE id = $6",
                        )
                        .bind(v.numerator)
                        .bind(v.denominator)
                        .bind(&v.note)
                        .bind(actor_id)
                        .bind(now)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                        let action = if status == "approved" { "indicator.corrected" } else { "indicator.entered" };
                        (id, action, Some(json!({"numerator": numerator, "denominator": denominator, "status": status, "version": version})))
                    }
                };
                insert_event!(tx, &NewEvent {
                    at: now,
                    actor_id: Some(actor_id),
                    action,
                    entity: "indicator_value",
                    entity_id: id,
                    unit_id: Some(v.unit_id),
                    detail: json!({
                        "indicator": v.indicator,
                        "period": v.period,
                        "numerator": v.numerator,
                        "denominator": v.denominator,
                        "note": v.note,
                        "before": before,
                    }),
                });
            }
        });
        Ok(())
    }

    /// Approves (`approve`) or returns a submitted value still at
    /// `version`, by someone other than who entered it; else
    /// `Conflict(StaleVersion)` and nothing is written.
    #[allow(clippy::too_many_arguments)]
    pub async fn review_indicator_value(
        &self,
        indicator: &str,
        unit_id: i64,
        period: &str,
        version: i64,
        approve: bool,
        reason: Option<&str>,
        actor_id: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            let id: Option<i64> = sqlx::query_scalar(
                "UPDATE indicator_values SET status = $1, reviewed_by = $2, note = COALESCE($3, note), \
                 version = version + 1, updated_at = $4 \
                 WHERE indicator = $5 AND unit_id = $6 AND period = $7 AND version = $8 \
                 AND status = 'submitted' AND entered_by <> $2 RETURNING id",
            )
            .bind(if approve { "approved" } else { "returned" })
            .bind(actor_id)
            .bind(reason)
            .bind(now)
            .bind(indicator)
            .bind(unit_id)
            .bind(period)
            .bind(version)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(id) = id else {
                return Err(StoreError::Conflict(baladiya_domain::ErrorCode::StaleVersion));
            };
            insert_event!(tx, &NewEvent {
                at: now,
                actor_id: Some(actor_id),
                action: if approve { "indicator.approved" } else { "indicator.returned" },
                entity: "indicator_value",
                entity_id: id,
                unit_id: Some(unit_id),
                detail: json!({"indicator": indicator, "period": period, "reason": reason}),
            });
        });
        Ok(())
    }

    /// Entered values of `units` (every unit when empty), newest period first.
    pub async fn entered_values(&self, unit_ids: &[i64]) -> Result<Vec<ReviewedValue>, StoreError> {
        let mut sql = crate::sql::Sql::new(
            "SELECT indicator, unit_id, period, numerator, denominator, status, note, entered_by, version \
             FROM indicator_values WHERE source = 'entered'"
                .to_owned(),
        );
        sql.any_of(
            "unit_id",
            unit_ids
                .iter()
                .map(|i| crate::sql::Param::Int(*i))
                .collect(),
        );
        sql.text
            .push_str(" ORDER BY period DESC, indicator, unit_id");
        Ok(on_pool!(self, pool => {
            crate::sql::bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql.text.clone())), sql)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Records a unit's reference data for a year (replacing what was
    /// there), with an event.
    pub async fn set_unit_reference(
        &self,
        reference: &UnitReference,
        actor_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO unit_reference (unit_id, year, population, households, area_km2, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (unit_id, year) DO UPDATE SET \
                 population = excluded.population, households = excluded.households, \
                 area_km2 = excluded.area_km2, updated_at = excluded.updated_at",
            )
            .bind(reference.unit_id)
            .bind(reference.year)
            .bind(reference.population)
            .bind(reference.households)
            .bind(reference.area_km2)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            insert_event!(tx, &NewEvent {
                at: now,
                actor_id,
                action: "unit.reference_set",
                entity: "unit",
                entity_id: reference.unit_id,
                unit_id: Some(reference.unit_id),
                detail: json!({
                    "year": reference.year,
                    "population": reference.population,
                    "households": reference.households,
                    "area_km2": reference.area_km2,
                }),
            });
        });
        Ok(())
    }

    /// Every unit's reference data for `year`.
    pub async fn unit_references(&self, year: i64) -> Result<Vec<UnitReference>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT unit_id, year, population, households, area_km2 FROM unit_reference \
                 WHERE year = $1 ORDER BY unit_id",
            )
            .bind(year)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Whether any application was submitted before `at`.
    pub async fn has_applications_submitted_before(
        &self,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM applications WHERE submitted_at < $1)")
                .bind(at)
                .fetch_one(pool)
                .await?
        }))
    }

    /// Applications submitted or completed in `[from, to)`.
    pub async fn application_facts(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<ApplicationFact>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT u.path AS unit_path, v.code AS service_code, a.channel, a.status, a.submitted_at, a.completed_at, \
                 a.due_on, a.fee_minor, CAST(a.rating AS BIGINT) AS rating, a.times_returned > 0 AS returned \
                 FROM applications a JOIN org_units u ON u.id = a.unit_id \
                 JOIN service_versions v ON v.id = a.service_version_id \
                 WHERE (a.submitted_at >= $1 AND a.submitted_at < $2) \
                    OR (a.completed_at >= $1 AND a.completed_at < $2)",
            )
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Reports received or closed in `[from, to)`.
    pub async fn report_facts(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<ReportFact>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT u.path AS unit_path, r.category_code, r.status, r.requested_at, r.closed_at, r.expected_on, r.reopened \
                 FROM reports r JOIN org_units u ON u.id = r.unit_id \
                 WHERE (r.requested_at >= $1 AND r.requested_at < $2) \
                    OR (r.closed_at >= $1 AND r.closed_at < $2)",
            )
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The id of the last event recorded (0 for none).
    pub async fn last_event_id(&self) -> Result<i64, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM events")
                .fetch_one(pool)
                .await?
        }))
    }

    /// Whether `period`'s computed values may be stale: never computed,
    /// computed before `older_than`, or some event other than a
    /// recomputation came after the last event they took into account.
    pub async fn indicator_period_stale(
        &self,
        period: &str,
        older_than: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(on_pool!(self, pool => {
            let last: Option<(i64, DateTime<Utc>)> = sqlx::query_as(
                "SELECT through_event, computed_at FROM indicator_periods WHERE period = $1",
            )
            .bind(period)
            .fetch_optional(pool)
            .await?;
            match last {
                None => true,
                Some((_, at)) if at < older_than => true,
                Some((through, _)) => sqlx::query_scalar(
                    "SELECT EXISTS (SELECT 1 FROM events WHERE id > $1 \
                     AND action <> 'indicators.recomputed')",
                )
                .bind(through)
                .fetch_one(pool)
                .await?,
            }
        }))
    }

    /// Replaces the computed values of `period` with `values` (and their
    /// `parts`), read when `through_event` was the last event, in one
    /// transaction with one event: running it twice writes the same rows,
    /// and on PostgreSQL an advisory lock lets one server at a time do it.
    pub async fn replace_computed_values(
        &self,
        period: &str,
        values: &[IndicatorValue],
        parts: &[IndicatorPart],
        through_event: i64,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let postgres = matches!(self, Store::Postgres(_));
        Ok(in_write_tx!(self, tx => {
            if postgres {
                sqlx::query("SELECT pg_advisory_xact_lock(7263452)")
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("DELETE FROM indicator_values WHERE period = $1 AND source = 'computed'")
                .bind(period)
                .execute(&mut *tx)
                .await?;
            // Many rows a statement: a month has a few hundred values and
            // a few thousand parts.
            for chunk in values.chunks(ROWS_A_STATEMENT) {
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO indicator_values (indicator, unit_id, period, numerator, \
                     denominator, source, status, updated_at) ",
                );
                insert.push_values(chunk, |mut row, v| {
                    row.push_bind(&v.indicator)
                        .push_bind(v.unit_id)
                        .push_bind(period)
                        .push_bind(v.numerator)
                        .push_bind(v.denominator)
                        .push_bind("computed")
                        .push_bind("final")
                        .push_bind(now);
                });
                insert.build().execute(&mut *tx).await?;
            }
            sqlx::query("DELETE FROM indicator_parts WHERE period = $1")
                .bind(period)
                .execute(&mut *tx)
                .await?;
            for chunk in parts.chunks(ROWS_A_STATEMENT) {
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO indicator_parts (indicator, unit_id, period, part, numerator, \
                     denominator) ",
                );
                insert.push_values(chunk, |mut row, p| {
                    row.push_bind(&p.indicator)
                        .push_bind(p.unit_id)
                        .push_bind(period)
                        .push_bind(&p.part)
                        .push_bind(p.numerator)
                        .push_bind(p.denominator);
                });
                insert.build().execute(&mut *tx).await?;
            }
            sqlx::query(
                "INSERT INTO indicator_periods (period, through_event, computed_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (period) DO UPDATE SET through_event = excluded.through_event, \
                 computed_at = excluded.computed_at",
            )
            .bind(period)
            .bind(through_event)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            insert_event!(tx, &NewEvent {
                at: now,
                actor_id: None,
                action: "indicators.recomputed",
                entity: "indicator_period",
                entity_id: 0,
                unit_id: None,
                detail: json!({"period": period, "values": values.len(), "parts": parts.len()}),
            });
            values.len() as u64
        }))
    }

    /// Published values of `indicator` (or every indicator), for `units`
    /// (or every unit), in `periods` (or every period), oldest first:
    /// computed ones, and entered ones once approved.
    pub async fn indicator_values(
        &self,
        indicator: Option<&str>,
        unit_ids: &[i64],
        periods: &[String],
    ) -> Result<Vec<IndicatorValue>, StoreError> {
        let mut sql = crate::sql::Sql::new(
            "SELECT indicator, unit_id, period, numerator, denominator, source, status \
             FROM indicator_values WHERE (source <> 'entered' OR status = 'approved')"
                .to_owned(),
        );
        if let Some(code) = indicator {
            let p = sql.param(crate::sql::Param::Text(code.to_owned()));
            sql.text.push_str(&format!(" AND indicator = {p}"));
        }
        sql.any_of(
            "unit_id",
            unit_ids
                .iter()
                .map(|i| crate::sql::Param::Int(*i))
                .collect(),
        );
        sql.any_of(
            "period",
            periods
                .iter()
                .map(|p| crate::sql::Param::Text(p.clone()))
                .collect(),
        );
        sql.text.push_str(" ORDER BY period, indicator, unit_id");
        Ok(on_pool!(self, pool => {
            crate::sql::bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql.text.clone())), sql)
                .fetch_all(pool)
                .await?
        }))
    }

    /// The computed parts of `indicator` for `unit_id` in `period`, by part.
    pub async fn indicator_parts(
        &self,
        indicator: &str,
        unit_id: i64,
        period: &str,
    ) -> Result<Vec<IndicatorPart>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT indicator, unit_id, period, part, numerator, denominator FROM indicator_parts \
                 WHERE indicator = $1 AND unit_id = $2 AND period = $3 ORDER BY part",
            )
            .bind(indicator)
            .bind(unit_id)
            .bind(period)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The code of every published service version, by its id.
    pub async fn service_version_codes(&self) -> Result<Vec<(i64, String)>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT id, code FROM service_versions")
                .fetch_all(pool)
                .await?
        }))
    }
}
