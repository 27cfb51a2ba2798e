//! Rows as stored, and their conversion into domain types.

use baladiya_domain::org::{
    BilingualName, Department, DepartmentKind, OrgUnit, OrgUnitKind, UnitCode, UnitPath,
};

use crate::error::{StoreError, corrupt};

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct UnitRow {
    pub id: i64,
    pub code: String,
    pub kind: String,
    pub name_ar: String,
    pub name_en: String,
    pub parent_id: Option<i64>,
    pub path: String,
}

pub(crate) const UNIT_COLUMNS: &str = "id, code, kind, name_ar, name_en, parent_id, path";

pub(crate) fn name(ar: &str, en: &str) -> Result<BilingualName, StoreError> {
    BilingualName::parse(ar, en).map_err(|_| corrupt("name", &format!("{ar} / {en}")))
}

impl TryFrom<UnitRow> for OrgUnit {
    type Error = StoreError;

    fn try_from(row: UnitRow) -> Result<Self, StoreError> {
        Ok(OrgUnit {
            id: row.id,
            code: UnitCode::parse(&row.code).map_err(|_| corrupt("unit code", &row.code))?,
            kind: OrgUnitKind::parse(&row.kind).map_err(|_| corrupt("unit kind", &row.kind))?,
            name: name(&row.name_ar, &row.name_en)?,
            parent_id: row.parent_id,
            path: UnitPath::decode(&row.path).ok_or_else(|| corrupt("unit path", &row.path))?,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct DepartmentRow {
    pub id: i64,
    pub unit_id: i64,
    pub kind: String,
    pub name_ar: String,
    pub name_en: String,
}

impl TryFrom<DepartmentRow> for Department {
    type Error = StoreError;

    fn try_from(row: DepartmentRow) -> Result<Self, StoreError> {
        Ok(Department {
            id: row.id,
            unit_id: row.unit_id,
            kind: DepartmentKind::parse(&row.kind)
                .map_err(|_| corrupt("department kind", &row.kind))?,
            name: name(&row.name_ar, &row.name_en)?,
        })
    }
}

pub(crate) fn convert_all<R, T>(rows: Vec<R>) -> Result<Vec<T>, StoreError>
where
    T: TryFrom<R, Error = StoreError>,
{
    rows.into_iter().map(T::try_from).collect()
}
