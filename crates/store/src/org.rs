//! Org units and their departments.

use baladiya_domain::ErrorCode;
use baladiya_domain::org::{
    BilingualName, Department, DepartmentKind, OrgUnit, OrgUnitKind, UnitCode, UnitPath,
};
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::AssertSqlSafe;

use crate::events::{NewEvent, insert_event};
use crate::rows::{DepartmentRow, UNIT_COLUMNS, UnitRow, convert_all};
use crate::{Store, StoreError, in_write_tx, on_pool};

/// A unit to create. The caller has checked the hierarchy rules.
#[derive(Debug, Clone)]
pub struct NewUnit {
    pub code: UnitCode,
    pub kind: OrgUnitKind,
    pub name: BilingualName,
    pub parent: Option<OrgUnit>,
}

#[derive(Debug, Clone)]
pub struct NewDepartment {
    pub unit_id: i64,
    pub kind: DepartmentKind,
    pub name: BilingualName,
}

impl Store {
    /// Creates a unit (and its event). Its path is its parent's plus its id.
    pub async fn create_unit(
        &self,
        unit: &NewUnit,
        actor_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<OrgUnit, StoreError> {
        let parent_path = unit.parent.as_ref().map(|p| p.path.clone());
        let id: i64 = in_write_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO org_units (code, kind, name_ar, name_en, parent_id, path, created_at) \
                 VALUES ($1, $2, $3, $4, $5, '', $6) RETURNING id",
            )
            .bind(unit.code.as_str())
            .bind(unit.kind.as_str())
            .bind(unit.name.ar())
            .bind(unit.name.en())
            .bind(unit.parent.as_ref().map(|p| p.id))
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::unique_as(ErrorCode::UnitCodeTaken))?;
            let path = match &parent_path {
                Some(parent) => parent.child(id),
                None => UnitPath::root(id),
            };
            sqlx::query("UPDATE org_units SET path = $1 WHERE id = $2")
                .bind(path.encode())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let detail = json!({"code": unit.code.as_str(), "kind": unit.kind.as_str()});
            insert_event!(tx, &NewEvent {
                at: now,
                actor_id,
                action: "unit.created",
                entity: "org_unit",
                entity_id: id,
                unit_id: Some(id),
                detail,
            });
            id
        });
        self.unit(id).await
    }

    pub async fn unit(&self, id: i64) -> Result<OrgUnit, StoreError> {
        let sql = format!("SELECT {UNIT_COLUMNS} FROM org_units WHERE id = $1");
        let row: Option<UnitRow> = on_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?
        });
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    pub async fn unit_by_code(&self, code: &UnitCode) -> Result<Option<OrgUnit>, StoreError> {
        let sql = format!("SELECT {UNIT_COLUMNS} FROM org_units WHERE code = $1");
        let row: Option<UnitRow> = on_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(sql)).bind(code.as_str()).fetch_optional(pool).await?
        });
        row.map(OrgUnit::try_from).transpose()
    }

    /// Every unit under any of `roots` (each root included), ordered as a
    /// tree walk: by path, so children follow their parent.
    pub async fn units_within(&self, roots: &[UnitPath]) -> Result<Vec<OrgUnit>, StoreError> {
        let mut units = Vec::new();
        for root in roots {
            let sql =
                format!("SELECT {UNIT_COLUMNS} FROM org_units WHERE path LIKE $1 ORDER BY path");
            let prefix = format!("{}%", root.encode());
            let rows: Vec<UnitRow> = on_pool!(self, pool => {
                sqlx::query_as(AssertSqlSafe(sql)).bind(prefix).fetch_all(pool).await?
            });
            units.extend(convert_all::<_, OrgUnit>(rows)?);
        }
        // Stored paths sort as text ("/1/10/" before "/1/2/"): sort by ids.
        units.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(units)
    }

    /// Every unit, in tree order.
    pub async fn all_units(&self) -> Result<Vec<OrgUnit>, StoreError> {
        let sql = format!("SELECT {UNIT_COLUMNS} FROM org_units");
        let rows: Vec<UnitRow> = on_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(sql)).fetch_all(pool).await?
        });
        let mut units = convert_all::<_, OrgUnit>(rows)?;
        units.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(units)
    }

    pub async fn create_department(
        &self,
        department: &NewDepartment,
        actor_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Department, StoreError> {
        let id: i64 = in_write_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO departments (unit_id, kind, name_ar, name_en) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(department.unit_id)
            .bind(department.kind.as_str())
            .bind(department.name.ar())
            .bind(department.name.en())
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::unique_as(ErrorCode::DepartmentExists))?;
            insert_event!(tx, &NewEvent {
                at: now,
                actor_id,
                action: "department.created",
                entity: "department",
                entity_id: id,
                unit_id: Some(department.unit_id),
                detail: json!({"kind": department.kind.as_str()}),
            });
            id
        });
        Ok(Department {
            id,
            unit_id: department.unit_id,
            kind: department.kind,
            name: department.name.clone(),
        })
    }

    pub async fn departments_of(&self, unit_id: i64) -> Result<Vec<Department>, StoreError> {
        let rows: Vec<DepartmentRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, unit_id, kind, name_ar, name_en FROM departments \
                 WHERE unit_id = $1 ORDER BY id",
            )
            .bind(unit_id)
            .fetch_all(pool)
            .await?
        });
        convert_all(rows)
    }
}
