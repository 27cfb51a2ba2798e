//! Staff users and their role grants.

use baladiya_domain::ErrorCode;
use baladiya_domain::access::Grant;
use baladiya_domain::org::{DepartmentKind, UnitPath};
use baladiya_domain::people::{Role, Username};
use chrono::{DateTime, Utc};
use serde_json::json;

use crate::error::corrupt;
use crate::events::{NewEvent, insert_event};
use crate::{Store, StoreError, in_write_tx, on_pool};

/// A user to create; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: Username,
    pub full_name: String,
    pub password_hash: String,
}

/// A user as stored, with what login needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub password_hash: String,
    pub active: bool,
    /// Where the staff member is told of their training.
    pub email: Option<String>,
}

const USER_COLUMNS: &str =
    "SELECT id, username, full_name, password_hash, active, email FROM users";

impl Store {
    pub async fn create_user(
        &self,
        user: &NewUser,
        actor_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        Ok(in_write_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO users (username, full_name, password_hash, created_at) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(user.username.as_str())
            .bind(&user.full_name)
            .bind(&user.password_hash)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::unique_as(ErrorCode::UsernameTaken))?;
            insert_event!(tx, &NewEvent {
                at: now,
                actor_id,
                action: "user.created",
                entity: "user",
                entity_id: id,
                unit_id: None,
                detail: json!({"username": user.username.as_str()}),
            });
            id
        }))
    }

    pub async fn user_by_username(
        &self,
        username: &Username,
    ) -> Result<Option<UserRecord>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("{USER_COLUMNS} WHERE username = $1"));
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sql).bind(username.as_str()).fetch_optional(pool).await?
        }))
    }

    pub async fn user(&self, id: i64) -> Result<UserRecord, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("{USER_COLUMNS} WHERE id = $1"));
        let row: Option<UserRecord> = on_pool!(self, pool => {
            sqlx::query_as(sql).bind(id).fetch_optional(pool).await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// Records a failed sign-in of a known user, as an event. The counting
    /// itself is done by the sign-in throttles.
    pub async fn record_failed_login(
        &self,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            insert_event!(tx, &NewEvent {
                at: now,
                actor_id: None,
                action: "user.login_failed",
                entity: "user",
                entity_id: user_id,
                unit_id: None,
                detail: json!({}),
            });
        });
        Ok(())
    }

    /// Notes a successful sign-in.
    pub async fn record_login(&self, user_id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
                .bind(now)
                .bind(user_id)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    pub async fn grant_role(
        &self,
        user_id: i64,
        role: Role,
        unit_id: i64,
        department: Option<DepartmentKind>,
        actor_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO role_grants (user_id, role, unit_id, department, created_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(user_id)
            .bind(role.as_str())
            .bind(unit_id)
            .bind(department.map(DepartmentKind::as_str))
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::unique_as(ErrorCode::RoleAlreadyGranted))?;
            insert_event!(tx, &NewEvent {
                at: now,
                actor_id,
                action: "role.granted",
                entity: "user",
                entity_id: user_id,
                unit_id: Some(unit_id),
                detail: json!({"grant_id": id, "role": role.as_str(), "department": department.map(DepartmentKind::as_str)}),
            });
        });
        Ok(())
    }

    /// The user's grants, each with the path of its unit.
    pub async fn grants_of(&self, user_id: i64) -> Result<Vec<Grant>, StoreError> {
        let rows: Vec<(String, String, Option<String>)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT g.role, u.path, g.department FROM role_grants g \
                 JOIN org_units u ON u.id = g.unit_id WHERE g.user_id = $1 ORDER BY g.id",
            )
            .bind(user_id)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(role, path, department)| {
                Ok(Grant {
                    role: Role::parse(&role).map_err(|_| corrupt("role", &role))?,
                    unit: UnitPath::decode(&path).ok_or_else(|| corrupt("unit path", &path))?,
                    department: department
                        .map(|d| DepartmentKind::parse(&d).map_err(|_| corrupt("department", &d)))
                        .transpose()?,
                })
            })
            .collect()
    }
}
