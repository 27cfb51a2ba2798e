//! Stored org-unit boundaries (GeoJSON geometry text per unit).

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::events::{NewEvent, insert_event};
use crate::{Store, StoreError, in_write_tx, on_pool};

impl Store {
    /// Replaces the boundaries of the given units, in one transaction, with
    /// an event per unit. `boundaries` are `(unit id, GeoJSON geometry)`.
    pub async fn put_boundaries(
        &self,
        boundaries: &[(i64, String)],
        actor_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            for (unit_id, geometry) in boundaries {
                sqlx::query(
                    "INSERT INTO unit_boundaries (unit_id, geometry, imported_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (unit_id) DO UPDATE SET geometry = excluded.geometry, imported_at = excluded.imported_at",
                )
                .bind(unit_id)
                .bind(geometry)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                insert_event!(tx, &NewEvent {
                    at: now,
                    actor_id,
                    action: "unit.boundary_imported",
                    entity: "org_unit",
                    entity_id: *unit_id,
                    unit_id: Some(*unit_id),
                    detail: json!({"bytes": geometry.len()}),
                });
            }
        });
        Ok(())
    }

    /// Every stored boundary: `(unit code, GeoJSON geometry)`.
    pub async fn boundaries(&self) -> Result<Vec<(String, String)>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT u.code, b.geometry FROM unit_boundaries b JOIN org_units u ON u.id = b.unit_id ORDER BY u.path",
            )
            .fetch_all(pool)
            .await?
        }))
    }
}
