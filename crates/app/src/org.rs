//! Seeing the organisation.

use baladiya_domain::org::{Department, OrgUnit, UnitCode};
use baladiya_domain::people::Permission;

use crate::{App, AppError, Principal};

/// A unit with its departments, as a staff page or API shows it.
#[derive(Debug, Clone)]
pub struct UnitWithDepartments {
    pub unit: OrgUnit,
    pub departments: Vec<Department>,
}

impl App {
    /// The unit with this code: from the units read with the routing table
    /// (a unit never changes once created), else — one created since —
    /// from the database.
    pub async fn unit_by_code(&self, code: &UnitCode) -> Result<Option<OrgUnit>, AppError> {
        if let Some(unit) = self.routing().await?.unit(code) {
            return Ok(Some(unit.clone()));
        }
        Ok(self.store.unit_by_code(code).await?)
    }

    /// Every unit the user may see: the units of their grants and all below.
    pub async fn visible_units(&self, who: &Principal) -> Result<Vec<OrgUnit>, AppError> {
        let roots = who.access.roots(Permission::ViewUnit);
        Ok(self.store.units_within(&roots).await?)
    }

    /// One unit by code, if the user may see it. A unit the user may not
    /// see is `Forbidden` (codes are not secret; its contents are).
    pub async fn unit_for(
        &self,
        who: &Principal,
        code: &str,
    ) -> Result<UnitWithDepartments, AppError> {
        let code = UnitCode::parse(code).map_err(|_| AppError::NotFound)?;
        let unit = self
            .store
            .unit_by_code(&code)
            .await?
            .ok_or(AppError::NotFound)?;
        who.access.require(Permission::ViewUnit, &unit.path)?;
        let departments = self.store.departments_of(unit.id).await?;
        Ok(UnitWithDepartments { unit, departments })
    }
}
