//! Importing org-unit boundaries and routing points to units.

use baladiya_domain::FieldError;
use baladiya_domain::boundaries::{Boundary, Router, parse_boundaries};
use baladiya_domain::org::UnitCode;
use baladiya_domain::people::Permission;

use crate::{App, AppError, Principal};

impl App {
    /// Imports a GeoJSON FeatureCollection of unit boundaries (each feature
    /// with a `unit` property). Every problem is reported, as
    /// `features[i]` field errors, and nothing is stored unless all are right.
    pub async fn import_boundaries(
        &self,
        actor: Option<&Principal>,
        text: &str,
    ) -> Result<usize, AppError> {
        let boundaries = parse_boundaries(text).map_err(|problems| {
            AppError::Invalid(
                problems
                    .into_iter()
                    .map(|p| {
                        FieldError::new(
                            p.feature
                                .map_or("file".to_owned(), |i| format!("features[{i}]")),
                            p.code,
                        )
                    })
                    .collect(),
            )
        })?;
        let mut rows = Vec::with_capacity(boundaries.len());
        let mut unknown = Vec::new();
        for (i, boundary) in boundaries.iter().enumerate() {
            match self.store.unit_by_code(&boundary.unit).await? {
                Some(unit) => {
                    if let Some(who) = actor {
                        who.access.require(Permission::ManageOrg, &unit.path)?;
                    }
                    rows.push((unit.id, boundary.to_geometry_json()));
                }
                None => unknown.push(FieldError::new(
                    format!("features[{i}].unit"),
                    "unit-unknown",
                )),
            }
        }
        if !unknown.is_empty() {
            return Err(AppError::Invalid(unknown));
        }
        self.store
            .put_boundaries(&rows, actor.map(|a| a.user_id), self.now())
            .await?;
        self.router_cache.clear();
        Ok(rows.len())
    }

    /// A router over every stored boundary.
    pub async fn router(&self) -> Result<Router, AppError> {
        let mut boundaries = Vec::new();
        for (code, geometry) in self.store.boundaries().await? {
            let unit = UnitCode::parse(&code)
                .map_err(|c| AppError::Internal(format!("stored unit code {code}: {c}")))?;
            boundaries.push(
                Boundary::from_geometry_json(unit, &geometry)
                    .map_err(|c| AppError::Internal(format!("stored boundary of {code}: {c}")))?,
            );
        }
        Ok(Router::new(boundaries))
    }
}
