//! The training center's records: centers, partners, courses, sessions
//! with their seats per unit, each session's roster, attendance, scores
//! and evaluations. A roster changes only through [`Store::save_roster`],
//! which checks the session's version: two writers never both win.

use std::collections::BTreeMap;

use baladiya_domain::ErrorCode;
use chrono::{DateTime, NaiveDate, Utc};

use crate::events::{NewEvent, insert_event};
use crate::{Store, StoreError, in_write_tx, on_pool};

/// A course to add to a center's catalog.
#[derive(Debug, Clone)]
pub struct NewCourse {
    pub center_id: i64,
    pub code: String,
    pub name: (String, String),
    pub objectives: (String, String),
    pub audience: (String, String),
    /// Roles it targets, `,a,b,`.
    pub roles: String,
    pub hours: i64,
    pub mode: String,
    pub partner_id: Option<i64>,
    /// Competencies it builds, `,a,b,`.
    pub competencies: String,
    pub min_attendance: i64,
    pub pass_score: Option<i64>,
}

/// A session of the annual plan.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub course_id: i64,
    pub plan_year: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub venue: String,
    pub capacity: i64,
    pub trainer_id: Option<i64>,
    /// `(unit id, seats)`.
    pub quotas: Vec<(i64, i64)>,
    /// What the session costs the center (venue, trainers, materials), in
    /// minor units of `currency`.
    pub cost_minor: i64,
    pub currency: String,
}

/// A session with what the rules need of its course and center.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TrainingSession {
    pub id: i64,
    pub course_id: i64,
    pub course_code: String,
    pub course_name_ar: String,
    pub course_name_en: String,
    pub center_id: i64,
    pub center_unit_id: i64,
    pub plan_year: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub venue: String,
    pub capacity: i64,
    pub trainer_id: Option<i64>,
    pub version: i64,
    pub min_attendance: i64,
    pub pass_score: Option<i64>,
    pub hours: i64,
    pub cost_minor: i64,
    pub currency: String,
    /// Competencies the course builds, `,a,b,`.
    pub competencies: String,
}

/// A session as the public calendar lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionListing {
    pub id: i64,
    pub course_code: String,
    pub course_name_ar: String,
    pub course_name_en: String,
    pub audience_ar: String,
    pub audience_en: String,
    pub hours: i64,
    pub mode: String,
    pub partner_ar: Option<String>,
    pub partner_en: Option<String>,
    pub center_ar: String,
    pub center_en: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub venue: String,
    pub capacity: i64,
    /// Trainees accepted so far.
    pub taken: i64,
}

/// One place on a roster.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SeatRow {
    pub trainee_id: i64,
    pub unit_id: i64,
    pub status: String,
    pub reason: Option<String>,
    pub pre_score: Option<i64>,
    pub post_score: Option<i64>,
}

/// A message to a trainee about their place, queued with the change.
#[derive(Debug, Clone)]
pub struct TrainingNotice {
    pub kind: String,
    pub recipient: String,
    pub payload: String,
}

/// A change of one place, written by [`Store::save_roster`].
#[derive(Debug, Clone)]
pub struct SeatChange {
    pub trainee_id: i64,
    pub unit_id: i64,
    pub status: String,
    pub reason: Option<String>,
}

const SESSION_COLUMNS: &str = "SELECT s.id, s.course_id, c.code AS course_code, \
     c.name_ar AS course_name_ar, c.name_en AS course_name_en, c.center_id, \
     t.unit_id AS center_unit_id, s.plan_year, s.first_day, s.last_day, s.venue, s.capacity, \
     s.trainer_id, s.version, c.min_attendance, c.pass_score, c.hours, s.cost_minor, s.currency, \
     c.competencies FROM training_sessions s \
     JOIN training_courses c ON c.id = s.course_id JOIN training_centers t ON t.id = c.center_id";

impl Store {
    pub async fn create_training_center(
        &self,
        code: &str,
        unit_id: i64,
        name: (&str, &str),
    ) -> Result<i64, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar(
                "INSERT INTO training_centers (code, unit_id, name_ar, name_en) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(code)
            .bind(unit_id)
            .bind(name.0)
            .bind(name.1)
            .fetch_one(pool)
            .await
            .map_err(StoreError::unique_as(ErrorCode::CodeTaken))?
        }))
    }

    pub async fn create_training_partner(
        &self,
        code: &str,
        name: (&str, &str),
    ) -> Result<i64, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar(
                "INSERT INTO training_partners (code, name_ar, name_en) VALUES ($1, $2, $3) \
                 RETURNING id",
            )
            .bind(code)
            .bind(name.0)
            .bind(name.1)
            .fetch_one(pool)
            .await
            .map_err(StoreError::unique_as(ErrorCode::CodeTaken))?
        }))
    }

    pub async fn create_course(&self, c: &NewCourse) -> Result<i64, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar(
                "INSERT INTO training_courses (center_id, code, name_ar, name_en, objectives_ar, \
                 objectives_en, audience_ar, audience_en, roles, hours, mode, partner_id, \
                 competencies, min_attendance, pass_score) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
            )
            .bind(c.center_id)
            .bind(&c.code)
            .bind(&c.name.0)
            .bind(&c.name.1)
            .bind(&c.objectives.0)
            .bind(&c.objectives.1)
            .bind(&c.audience.0)
            .bind(&c.audience.1)
            .bind(&c.roles)
            .bind(c.hours)
            .bind(&c.mode)
            .bind(c.partner_id)
            .bind(&c.competencies)
            .bind(c.min_attendance)
            .bind(c.pass_score)
            .fetch_one(pool)
            .await
            .map_err(StoreError::unique_as(ErrorCode::CodeTaken))?
        }))
    }

    /// Plans a session with its seats per unit, and its event, in one
    /// transaction.
    pub async fn create_training_session(
        &self,
        s: &NewSession,
        event: impl Fn(i64) -> NewEvent<'static>,
    ) -> Result<i64, StoreError> {
        Ok(in_write_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO training_sessions (course_id, plan_year, first_day, last_day, venue, \
                 capacity, trainer_id, cost_minor, currency) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(s.course_id)
            .bind(&s.plan_year)
            .bind(s.first_day)
            .bind(s.last_day)
            .bind(&s.venue)
            .bind(s.capacity)
            .bind(s.trainer_id)
            .bind(s.cost_minor)
            .bind(&s.currency)
            .fetch_one(&mut *tx)
            .await?;
            for (unit, seats) in &s.quotas {
                sqlx::query(
                    "INSERT INTO training_quotas (session_id, unit_id, seats) VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(unit)
                .bind(seats)
                .execute(&mut *tx)
                .await?;
            }
            insert_event!(tx, &event(id));
            id
        }))
    }

    /// Sessions ending on or after `from` (every one without), soonest
    /// first.
    pub async fn session_listings(
        &self,
        from: Option<NaiveDate>,
    ) -> Result<Vec<SessionListing>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT s.id, c.code AS course_code, c.name_ar AS course_name_ar, \
                 c.name_en AS course_name_en, c.audience_ar, c.audience_en, c.hours, c.mode, \
                 p.name_ar AS partner_ar, p.name_en AS partner_en, t.name_ar AS center_ar, \
                 t.name_en AS center_en, s.first_day, s.last_day, s.venue, s.capacity, \
                 (SELECT COUNT(*) FROM training_seats x WHERE x.session_id = s.id \
                  AND x.status = 'accepted') AS taken \
                 FROM training_sessions s JOIN training_courses c ON c.id = s.course_id \
                 JOIN training_centers t ON t.id = c.center_id \
                 LEFT JOIN training_partners p ON p.id = c.partner_id \
                 WHERE $1 IS NULL OR s.last_day >= $1 ORDER BY s.first_day, s.id",
            )
            .bind(from)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The id of the center with `code`.
    pub async fn training_center_id(&self, code: &str) -> Result<Option<i64>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT id FROM training_centers WHERE code = $1")
                .bind(code)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// The org unit of the center a course belongs to.
    pub async fn course_center_unit(&self, course_id: i64) -> Result<Option<i64>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT t.unit_id FROM training_courses c JOIN training_centers t \
                 ON t.id = c.center_id WHERE c.id = $1",
            )
            .bind(course_id)
            .fetch_optional(pool)
            .await?
        }))
    }

    pub async fn training_session(&self, id: i64) -> Result<Option<TrainingSession>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("{SESSION_COLUMNS} WHERE s.id = $1"));
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sql).bind(id).fetch_optional(pool).await?
        }))
    }

    /// Every session, the earliest first.
    pub async fn training_sessions(&self) -> Result<Vec<TrainingSession>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("{SESSION_COLUMNS} ORDER BY s.first_day, s.id"));
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sql).fetch_all(pool).await?
        }))
    }

    /// A session's seats per unit and its roster, in nomination order.
    pub async fn roster(
        &self,
        session_id: i64,
    ) -> Result<(BTreeMap<i64, i64>, Vec<SeatRow>), StoreError> {
        let quotas: Vec<(i64, i64)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT unit_id, seats FROM training_quotas WHERE session_id = $1")
                .bind(session_id)
                .fetch_all(pool)
                .await?
        });
        let seats: Vec<SeatRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT trainee_id, unit_id, status, reason, pre_score, post_score \
                 FROM training_seats WHERE session_id = $1 ORDER BY queue",
            )
            .bind(session_id)
            .fetch_all(pool)
            .await?
        });
        Ok((quotas.into_iter().collect(), seats))
    }

    /// The dates of the other sessions `trainee` is live on (nominated,
    /// accepted or waiting).
    pub async fn trainee_bookings(
        &self,
        trainee: i64,
        except_session: i64,
    ) -> Result<Vec<(NaiveDate, NaiveDate)>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT s.first_day, s.last_day FROM training_seats t \
                 JOIN training_sessions s ON s.id = t.session_id \
                 WHERE t.trainee_id = $1 AND t.session_id <> $2 \
                 AND t.status IN ('nominated', 'accepted', 'wait_listed')",
            )
            .bind(trainee)
            .bind(except_session)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Writes `changes` to a session's roster if it is still at
    /// `version`, with `event` and the trainees' `notices`, in one
    /// transaction (else `stale-version`).
    pub async fn save_roster(
        &self,
        session_id: i64,
        version: i64,
        changes: &[SeatChange],
        notices: &[TrainingNotice],
        event: &NewEvent<'_>,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            let moved = sqlx::query(
                "UPDATE training_sessions SET version = version + 1 WHERE id = $1 AND version = $2",
            )
            .bind(session_id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if moved == 0 {
                return Err(StoreError::Conflict(ErrorCode::StaleVersion));
            }
            for change in changes {
                sqlx::query(
                    "INSERT INTO training_seats (session_id, trainee_id, unit_id, status, reason, queue) \
                     VALUES ($1, $2, $3, $4, $5, \
                     (SELECT COALESCE(MAX(queue), 0) + 1 FROM training_seats WHERE session_id = $1)) \
                     ON CONFLICT (session_id, trainee_id) DO UPDATE SET unit_id = excluded.unit_id, \
                     status = excluded.status, reason = excluded.reason, \
                     queue = CASE WHEN training_seats.status IN ('declined', 'withdrawn') \
                                   AND excluded.status = 'nominated' \
                             THEN excluded.queue ELSE training_seats.queue END",
                )
                .bind(session_id)
                .bind(change.trainee_id)
                .bind(change.unit_id)
                .bind(&change.status)
                .bind(&change.reason)
                .execute(&mut *tx)
                .await?;
            }
            for notice in notices {
                sqlx::query(
                    "INSERT INTO notifications (training_session_id, kind, recipient, payload, \
                     next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $5)",
                )
                .bind(session_id)
                .bind(&notice.kind)
                .bind(&notice.recipient)
                .bind(&notice.payload)
                .bind(event.at)
                .execute(&mut *tx)
                .await?;
            }
            insert_event!(tx, event);
        });
        Ok(())
    }

    /// Records who attended a session on `day` (replacing that day's
    /// record when `whole_day`, else adding to it), with its event, in one
    /// transaction.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_attendance(
        &self,
        session_id: i64,
        day: NaiveDate,
        present: &[i64],
        whole_day: bool,
        recorded_by: i64,
        at: DateTime<Utc>,
        event: &NewEvent<'_>,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            if whole_day {
                sqlx::query("DELETE FROM training_attendance WHERE session_id = $1 AND day = $2")
                    .bind(session_id)
                    .bind(day)
                    .execute(&mut *tx)
                    .await?;
            }
            for trainee in present {
                sqlx::query(
                    "INSERT INTO training_attendance (session_id, trainee_id, day, recorded_by, \
                     recorded_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                )
                .bind(session_id)
                .bind(trainee)
                .bind(day)
                .bind(recorded_by)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
            insert_event!(tx, event);
        });
        Ok(())
    }

    /// Days each trainee of a session attended.
    pub async fn attendance_days(&self, session_id: i64) -> Result<BTreeMap<i64, i64>, StoreError> {
        let rows: Vec<(i64, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT trainee_id, COUNT(*) FROM training_attendance WHERE session_id = $1 \
                 GROUP BY trainee_id",
            )
            .bind(session_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().collect())
    }

    /// Sets a trainee's pre- and post-test scores, with the event.
    pub async fn record_scores(
        &self,
        session_id: i64,
        trainee: i64,
        pre: Option<i64>,
        post: Option<i64>,
        event: &NewEvent<'_>,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            let changed = sqlx::query(
                "UPDATE training_seats SET pre_score = COALESCE($3, pre_score), \
                 post_score = COALESCE($4, post_score) \
                 WHERE session_id = $1 AND trainee_id = $2 AND status = 'accepted'",
            )
            .bind(session_id)
            .bind(trainee)
            .bind(pre)
            .bind(post)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::NotFound);
            }
            insert_event!(tx, event);
        });
        Ok(())
    }

    /// A trainee's evaluation of a session (given once), with the event.
    pub async fn record_evaluation(
        &self,
        session_id: i64,
        trainee: i64,
        ratings: [i64; 3],
        comment: Option<&str>,
        at: DateTime<Utc>,
        event: &NewEvent<'_>,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO training_evaluations (session_id, trainee_id, satisfaction, trainer, \
                 relevance, comment, given_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(session_id)
            .bind(trainee)
            .bind(ratings[0])
            .bind(ratings[1])
            .bind(ratings[2])
            .bind(comment)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::unique_as(ErrorCode::AlreadyEvaluated))?;
            insert_event!(tx, event);
        });
        Ok(())
    }

    /// The evaluations of a session: `[satisfaction, trainer, relevance]`.
    pub async fn evaluations(&self, session_id: i64) -> Result<Vec<[i64; 3]>, StoreError> {
        let rows: Vec<(i64, i64, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT satisfaction, trainer, relevance FROM training_evaluations \
                 WHERE session_id = $1",
            )
            .bind(session_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|(a, b, c)| [a, b, c]).collect())
    }
}

/// A trainee's place on a session, for their own page.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TraineeSeat {
    pub session_id: i64,
    pub course_name_ar: String,
    pub course_name_en: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub status: String,
}

/// A certificate to write.
#[derive(Debug, Clone)]
pub struct NewCertificate {
    pub trainee_id: i64,
    pub verification_code: String,
    pub holder_name: String,
    pub hours: i64,
    pub issued_on: NaiveDate,
    pub signature: String,
}

/// A certificate with its course and center.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CertificateRecord {
    pub verification_code: String,
    pub session_id: i64,
    pub trainee_id: i64,
    pub holder_name: String,
    pub hours: i64,
    pub issued_on: NaiveDate,
    pub signature: String,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoke_reason: Option<String>,
    pub course_code: String,
    pub course_name_ar: String,
    pub course_name_en: String,
    pub center_name_ar: String,
    pub center_name_en: String,
    pub center_unit_id: i64,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

const CERTIFICATE_COLUMNS: &str = "SELECT x.verification_code, x.session_id, x.trainee_id, \
     x.holder_name, x.hours, x.issued_on, x.signature, x.revoked_at, x.revoke_reason, \
     c.code AS course_code, c.name_ar AS course_name_ar, c.name_en AS course_name_en, \
     t.name_ar AS center_name_ar, t.name_en AS center_name_en, t.unit_id AS center_unit_id, \
     s.first_day, s.last_day FROM training_certificates x \
     JOIN training_sessions s ON s.id = x.session_id \
     JOIN training_courses c ON c.id = s.course_id JOIN training_centers t ON t.id = c.center_id";

impl Store {
    /// Writes a session's certificates (skipping trainees who have one)
    /// with the event, in one transaction; returns how many were new.
    pub async fn insert_certificates(
        &self,
        session_id: i64,
        certificates: &[NewCertificate],
        event: &NewEvent<'_>,
    ) -> Result<u64, StoreError> {
        Ok(in_write_tx!(self, tx => {
            let mut written = 0;
            for c in certificates {
                written += sqlx::query(
                    "INSERT INTO training_certificates (session_id, trainee_id, verification_code, \
                     holder_name, hours, issued_on, signature) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (session_id, trainee_id) DO NOTHING",
                )
                .bind(session_id)
                .bind(c.trainee_id)
                .bind(&c.verification_code)
                .bind(&c.holder_name)
                .bind(c.hours)
                .bind(c.issued_on)
                .bind(&c.signature)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
            insert_event!(tx, event);
            written
        }))
    }

    pub async fn certificate(&self, code: &str) -> Result<Option<CertificateRecord>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{CERTIFICATE_COLUMNS} WHERE x.verification_code = $1"
        ));
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sql).bind(code).fetch_optional(pool).await?
        }))
    }

    /// A trainee's places on sessions, the latest first.
    pub async fn seats_of(&self, trainee: i64) -> Result<Vec<TraineeSeat>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT s.id AS session_id, c.name_ar AS course_name_ar, c.name_en AS course_name_en, \
                 s.first_day, s.last_day, x.status FROM training_seats x \
                 JOIN training_sessions s ON s.id = x.session_id \
                 JOIN training_courses c ON c.id = s.course_id \
                 WHERE x.trainee_id = $1 ORDER BY s.first_day DESC, s.id DESC",
            )
            .bind(trainee)
            .fetch_all(pool)
            .await?
        }))
    }

    /// A trainee's certificates, the newest first.
    pub async fn certificates_of(
        &self,
        trainee: i64,
    ) -> Result<Vec<CertificateRecord>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{CERTIFICATE_COLUMNS} WHERE x.trainee_id = $1 ORDER BY x.issued_on DESC, x.id DESC"
        ));
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sql).bind(trainee).fetch_all(pool).await?
        }))
    }

    /// Revokes a certificate with its reason and event (once: an already
    /// revoked one is `already-revoked`).
    pub async fn revoke_certificate(
        &self,
        code: &str,
        reason: &str,
        at: DateTime<Utc>,
        event: &NewEvent<'_>,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            let changed = sqlx::query(
                "UPDATE training_certificates SET revoked_at = $1, revoke_reason = $2 \
                 WHERE verification_code = $3 AND revoked_at IS NULL",
            )
            .bind(at)
            .bind(reason)
            .bind(code)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::Conflict(ErrorCode::AlreadyRevoked));
            }
            insert_event!(tx, event);
        });
        Ok(())
    }
}
