//! What the training center knows of people and of its year: the
//! competencies it builds and those each role needs, the staff of a unit
//! with what they acquired, staff contacts, and the rows its report
//! aggregates (one query each, however many sessions the year holds).

use chrono::NaiveDate;

use crate::events::{NewEvent, insert_event};
use crate::{Store, StoreError, in_write_tx, on_pool};

/// A competency the center builds.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Competency {
    pub code: String,
    pub name_ar: String,
    pub name_en: String,
}

/// One role a staff member holds on a unit.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StaffRole {
    pub user_id: i64,
    pub username: String,
    pub full_name: String,
    pub role: String,
    pub unit_id: i64,
}

/// A certificate still valid, with the competencies its course builds.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Acquired {
    pub trainee_id: i64,
    pub competencies: String,
    pub hours: i64,
    pub issued_on: NaiveDate,
}

/// An accepted trainee of a session, as the center's report counts them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportSeat {
    pub session_id: i64,
    pub trainee_id: i64,
    pub unit_id: i64,
    pub pre_score: Option<i64>,
    pub post_score: Option<i64>,
    /// Days attended.
    pub attended: i64,
}

/// A trainee's evaluation of a session.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportEvaluation {
    pub session_id: i64,
    pub satisfaction: i64,
    pub trainer: i64,
    pub relevance: i64,
}

impl Store {
    /// Adds a competency or renames it.
    pub async fn save_competency(&self, code: &str, name: (&str, &str)) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO training_competencies (code, name_ar, name_en) VALUES ($1, $2, $3) \
                 ON CONFLICT (code) DO UPDATE SET name_ar = excluded.name_ar, \
                 name_en = excluded.name_en",
            )
            .bind(code)
            .bind(name.0)
            .bind(name.1)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Adds a competency `(code, Arabic, English)` if given and replaces
    /// what every role needs with `pairs` (`(role, competency)`), with the
    /// event, in one transaction.
    pub async fn set_role_needs(
        &self,
        new: Option<(&str, &str, &str)>,
        pairs: &[(String, String)],
        event: &NewEvent<'_>,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            if let Some((code, ar, en)) = new {
                sqlx::query(
                    "INSERT INTO training_competencies (code, name_ar, name_en) VALUES ($1, $2, $3)",
                )
                .bind(code)
                .bind(ar)
                .bind(en)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::unique_as(baladiya_domain::ErrorCode::CodeTaken))?;
            }
            sqlx::query("DELETE FROM training_role_needs").execute(&mut *tx).await?;
            for (role, competency) in pairs {
                sqlx::query("INSERT INTO training_role_needs (role, competency) VALUES ($1, $2)")
                    .bind(role)
                    .bind(competency)
                    .execute(&mut *tx)
                    .await?;
            }
            insert_event!(tx, event);
        });
        Ok(())
    }

    /// Says `role` needs `competency`.
    pub async fn add_role_need(&self, role: &str, competency: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO training_role_needs (role, competency) VALUES ($1, $2) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(role)
            .bind(competency)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    pub async fn competencies(&self) -> Result<Vec<Competency>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT code, name_ar, name_en FROM training_competencies ORDER BY code")
                .fetch_all(pool)
                .await?
        }))
    }

    /// `(role, competency)` pairs.
    pub async fn role_needs(&self) -> Result<Vec<(String, String)>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT role, competency FROM training_role_needs ORDER BY role, competency")
                .fetch_all(pool)
                .await?
        }))
    }

    /// Sets where a staff member is told of their training.
    pub async fn set_user_email(
        &self,
        user_id: i64,
        email: Option<&str>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE users SET email = $1 WHERE id = $2")
                .bind(email)
                .bind(user_id)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The roles of active staff on the unit at `unit_path` and below.
    pub async fn staff_within(&self, unit_path: &str) -> Result<Vec<StaffRole>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT us.id AS user_id, us.username, us.full_name, g.role, g.unit_id FROM users us \
                 JOIN role_grants g ON g.user_id = us.id JOIN org_units o ON o.id = g.unit_id \
                 WHERE us.active = $2 AND o.path LIKE $1 || '%' ORDER BY us.full_name, us.id",
            )
            .bind(unit_path)
            .bind(true)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Valid certificates of the staff of the unit at `unit_path` and below.
    pub async fn acquired_within(&self, unit_path: &str) -> Result<Vec<Acquired>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT x.trainee_id, c.competencies, x.hours, x.issued_on \
                 FROM training_certificates x JOIN training_sessions s ON s.id = x.session_id \
                 JOIN training_courses c ON c.id = s.course_id WHERE x.revoked_at IS NULL \
                 AND x.trainee_id IN (SELECT g.user_id FROM role_grants g \
                 JOIN org_units o ON o.id = g.unit_id WHERE o.path LIKE $1 || '%')",
            )
            .bind(unit_path)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Every accepted seat with the days its trainee attended.
    pub async fn report_seats(&self) -> Result<Vec<ReportSeat>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT x.session_id, x.trainee_id, x.unit_id, x.pre_score, x.post_score, \
                 COALESCE(a.days, 0) AS attended FROM training_seats x \
                 LEFT JOIN (SELECT session_id, trainee_id, COUNT(*) AS days \
                  FROM training_attendance GROUP BY session_id, trainee_id) a \
                 ON a.session_id = x.session_id AND a.trainee_id = x.trainee_id \
                 WHERE x.status = 'accepted'",
            )
            .fetch_all(pool)
            .await?
        }))
    }

    /// Every evaluation.
    pub async fn report_evaluations(&self) -> Result<Vec<ReportEvaluation>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT session_id, satisfaction, trainer, relevance FROM training_evaluations",
            )
            .fetch_all(pool)
            .await?
        }))
    }

    /// Each active staff member with a working role, once per unit they
    /// work in, and whether they hold a valid training certificate issued
    /// on a day in `[from, to)`.
    pub async fn staff_trained(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(i64, bool)>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT DISTINCT g.unit_id, g.user_id, EXISTS (SELECT 1 FROM training_certificates x \
                 WHERE x.trainee_id = g.user_id AND x.revoked_at IS NULL AND x.issued_on >= $1 \
                 AND x.issued_on < $2) AS trained FROM role_grants g JOIN users u ON u.id = g.user_id \
                 WHERE u.active = $3 AND g.role IN ('clerk', 'department_officer', 'unit_head')",
            )
            .bind(from)
            .bind(to)
            .bind(true)
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|(unit, _user, trained): (i64, i64, bool)| (unit, trained))
            .collect()
        }))
    }

    /// Attendance records kept, of every session.
    pub async fn attendance_count(&self) -> Result<i64, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM training_attendance")
                .fetch_one(pool)
                .await?
        }))
    }
}

/// A training center.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TrainingCenter {
    pub id: i64,
    pub code: String,
    pub unit_id: i64,
    pub name_ar: String,
    pub name_en: String,
}

/// A course of a center's catalog, as the planning form lists it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CourseLine {
    pub id: i64,
    pub center_id: i64,
    pub code: String,
    pub name_ar: String,
    pub name_en: String,
    pub hours: i64,
}

impl Store {
    pub async fn training_centers(&self) -> Result<Vec<TrainingCenter>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT id, code, unit_id, name_ar, name_en FROM training_centers ORDER BY code")
                .fetch_all(pool)
                .await?
        }))
    }

    pub async fn training_courses(&self) -> Result<Vec<CourseLine>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, center_id, code, name_ar, name_en, hours FROM training_courses \
                 ORDER BY center_id, code",
            )
            .fetch_all(pool)
            .await?
        }))
    }

    /// Partners: `(id, Arabic name, English name)`.
    pub async fn training_partners(&self) -> Result<Vec<(i64, String, String)>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT id, name_ar, name_en FROM training_partners ORDER BY name_en")
                .fetch_all(pool)
                .await?
        }))
    }
}
