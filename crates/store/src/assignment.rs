//! Who works on an application or a report: one staff member, or none.

use crate::events::{NewEvent, insert_event};
use crate::{Store, StoreError, in_write_tx, on_pool};

/// What can be assigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignable {
    Application,
    Report,
}

impl Assignable {
    fn table(self) -> &'static str {
        match self {
            Assignable::Application => "applications",
            Assignable::Report => "reports",
        }
    }
}

/// A staff member who may be given work in a unit.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Colleague {
    pub id: i64,
    pub username: String,
    pub full_name: String,
}

impl Store {
    /// Assigns `entity` row `id` to `user` (or to no one), with its event,
    /// in one transaction.
    pub async fn assign(
        &self,
        entity: Assignable,
        id: i64,
        user: Option<i64>,
        event: &NewEvent<'_>,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "UPDATE {} SET assigned_to = $1 WHERE id = $2",
            entity.table()
        );
        in_write_tx!(self, tx => {
            let changed = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(user)
                .bind(id)
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

    /// Active staff with a working role (not an administrator or a
    /// viewer) on the unit at `unit_path` or a unit above it, by name.
    pub async fn colleagues(&self, unit_path: &str) -> Result<Vec<Colleague>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT DISTINCT us.id, us.username, us.full_name FROM users us \
                 JOIN role_grants g ON g.user_id = us.id JOIN org_units o ON o.id = g.unit_id \
                 WHERE us.active = $2 AND $1 LIKE o.path || '%' \
                 AND g.role NOT IN ('administrator', 'governorate_viewer') ORDER BY us.full_name",
            )
            .bind(unit_path)
            .bind(true)
            .fetch_all(pool)
            .await?
        }))
    }
}
