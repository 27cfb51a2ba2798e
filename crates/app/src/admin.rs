//! Administration: users, role grants, org units, departments, holidays.
//!
//! `actor` is the signed-in administrator, or `None` for the operator at
//! the command line (who has the server's database and so every right).

use baladiya_domain::country::Country;
use baladiya_domain::org::{
    BilingualName, Department, DepartmentKind, OrgUnit, OrgUnitKind, UnitCode,
};
use baladiya_domain::people::{NewPassword, Permission, Role, Username};
use baladiya_domain::{DomainError, FieldError, Fields};
use baladiya_store::{NewDepartment, NewUnit, NewUser};
use chrono::NaiveDate;

use crate::auth::hash_password_blocking;
use crate::{App, AppError, Principal};

/// What `create_unit` needs, as typed by a person.
#[derive(Debug, Clone, Default)]
pub struct UnitForm {
    pub code: String,
    pub kind: String,
    pub name_ar: String,
    pub name_en: String,
    pub parent_code: Option<String>,
}

fn name_errors(problems: Vec<(&'static str, &'static str)>) -> AppError {
    AppError::Invalid(
        problems
            .into_iter()
            .map(|(field, code)| FieldError::new(field, code))
            .collect(),
    )
}

impl App {
    fn require_anywhere(actor: Option<&Principal>, permission: Permission) -> Result<(), AppError> {
        match actor {
            Some(who) if !who.access.has_anywhere(permission) => {
                Err(baladiya_domain::access::Denied { permission }.into())
            }
            _ => Ok(()),
        }
    }

    pub async fn create_user(
        &self,
        actor: Option<&Principal>,
        username: &str,
        full_name: &str,
        password: &str,
    ) -> Result<i64, AppError> {
        self.create_user_hashed(actor, username, full_name, password, None)
            .await
    }

    /// As [`App::create_user`]; `known_hash` (the Argon2 hash of `password`,
    /// already computed) saves hashing again, for loading demo data.
    pub(crate) async fn create_user_hashed(
        &self,
        actor: Option<&Principal>,
        username: &str,
        full_name: &str,
        password: &str,
        known_hash: Option<&str>,
    ) -> Result<i64, AppError> {
        Self::require_anywhere(actor, Permission::ManageUsers)?;
        let mut fields = Fields::new();
        let username = fields.check("username", Username::parse(username));
        let full_name = full_name.trim();
        if full_name.is_empty() {
            fields.push("full_name", "required");
        }
        let password = fields.check("password", NewPassword::parse(password));
        fields.finish()?;
        let (Some(username), Some(password)) = (username, password) else {
            return Err(AppError::Internal("checked fields missing".into()));
        };
        let password_hash = match known_hash {
            Some(hash) => hash.to_owned(),
            None => hash_password_blocking(password).await?,
        };
        let user = NewUser {
            username,
            full_name: full_name.to_owned(),
            password_hash,
        };
        Ok(self
            .store
            .create_user(&user, actor.map(|a| a.user_id), self.now())
            .await?)
    }

    /// Grants `role` on the unit `unit_code` (and so on everything below it).
    pub async fn grant_role(
        &self,
        actor: Option<&Principal>,
        username: &str,
        role: &str,
        unit_code: &str,
        department: Option<&str>,
    ) -> Result<(), AppError> {
        let mut fields = Fields::new();
        let username = fields.check("username", Username::parse(username));
        let role = fields.check("role", Role::parse(role));
        let code = fields.check("unit", UnitCode::parse(unit_code));
        let department = match department.filter(|d| !d.is_empty()) {
            Some(d) => fields
                .check("department", DepartmentKind::parse(d))
                .map(Some),
            None => Some(None),
        };
        fields.finish()?;
        let (Some(username), Some(role), Some(code), Some(department)) =
            (username, role, code, department)
        else {
            return Err(AppError::Internal("checked fields missing".into()));
        };
        let unit = self
            .store
            .unit_by_code(&code)
            .await?
            .ok_or_else(|| AppError::field("unit", "unit-unknown"))?;
        if let Some(who) = actor {
            who.access.require(Permission::ManageUsers, &unit.path)?;
        }
        let user = self
            .store
            .user_by_username(&username)
            .await?
            .ok_or_else(|| AppError::field("username", "user-unknown"))?;
        self.store
            .grant_role(
                user.id,
                role,
                unit.id,
                department,
                actor.map(|a| a.user_id),
                self.now(),
            )
            .await?;
        Ok(())
    }

    /// Creates an org unit under `parent_code`, enforcing the hierarchy
    /// rules of its country (a village under a markaz, a municipality
    /// under an amana, …). Only top-level kinds may have no parent.
    pub async fn create_unit(
        &self,
        actor: Option<&Principal>,
        form: &UnitForm,
    ) -> Result<OrgUnit, AppError> {
        let mut fields = Fields::new();
        let code = fields.check("code", UnitCode::parse(&form.code));
        let kind = fields.check("kind", OrgUnitKind::parse(&form.kind));
        let name = match BilingualName::parse(&form.name_ar, &form.name_en) {
            Ok(name) => Some(name),
            Err(problems) => {
                for (field, code) in problems {
                    fields.push(field, code);
                }
                None
            }
        };
        let parent = match form.parent_code.as_deref().filter(|c| !c.trim().is_empty()) {
            None => None,
            Some(parent_code) => match UnitCode::parse(parent_code) {
                Ok(parent_code) => {
                    let found = self.store.unit_by_code(&parent_code).await?;
                    if found.is_none() {
                        fields.push("parent", "unit-unknown");
                    }
                    found
                }
                Err(code) => {
                    fields.push("parent", code);
                    None
                }
            },
        };
        if let Some(kind) = kind {
            match &parent {
                Some(parent) if !kind.may_be_child_of(parent.kind) => {
                    fields.push("kind", "unit-kind-not-allowed-here")
                }
                None if !kind.is_root() && form.parent_code.is_none() => {
                    fields.push("parent", "required")
                }
                _ => {}
            }
        }
        fields.finish()?;
        let (Some(code), Some(kind), Some(name)) = (code, kind, name) else {
            return Err(AppError::Internal("checked fields missing".into()));
        };
        match (actor, &parent) {
            (Some(who), Some(parent)) => who.access.require(Permission::ManageOrg, &parent.path)?,
            (Some(_), None) => {
                return Err(baladiya_domain::access::Denied {
                    permission: Permission::ManageOrg,
                }
                .into());
            }
            (None, _) => {}
        }
        let unit = NewUnit {
            code,
            kind,
            name,
            parent,
        };
        Ok(self
            .store
            .create_unit(&unit, actor.map(|a| a.user_id), self.now())
            .await?)
    }

    pub async fn create_department(
        &self,
        actor: Option<&Principal>,
        unit_code: &str,
        kind: &str,
        name_ar: &str,
        name_en: &str,
    ) -> Result<Department, AppError> {
        let code = UnitCode::parse(unit_code).map_err(|c| AppError::field("unit", c))?;
        let kind = DepartmentKind::parse(kind).map_err(|c| AppError::field("kind", c))?;
        let name = BilingualName::parse(name_ar, name_en).map_err(name_errors)?;
        let unit = self
            .store
            .unit_by_code(&code)
            .await?
            .ok_or_else(|| AppError::field("unit", "unit-unknown"))?;
        if let Some(who) = actor {
            who.access.require(Permission::ManageOrg, &unit.path)?;
        }
        let department = NewDepartment {
            unit_id: unit.id,
            kind,
            name,
        };
        Ok(self
            .store
            .create_department(&department, actor.map(|a| a.user_id), self.now())
            .await?)
    }

    /// Adds a public holiday to a country's working-day calendar.
    pub async fn add_holiday(
        &self,
        country: &str,
        day: &str,
        name_ar: &str,
        name_en: &str,
    ) -> Result<(), AppError> {
        let mut fields = Fields::new();
        let country = fields.check("country", Country::parse(country));
        let day = fields.check(
            "day",
            NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").map_err(|_| "date-invalid"),
        );
        if let Err(problems) = BilingualName::parse(name_ar, name_en) {
            for (field, code) in problems {
                fields.push(field, code);
            }
        }
        fields.finish()?;
        let (Some(country), Some(day)) = (country, day) else {
            return Err(AppError::Internal("checked fields missing".into()));
        };
        self.store
            .put_holiday(country, day, name_ar.trim(), name_en.trim())
            .await?;
        self.calendars.forget();
        Ok(())
    }
}

impl From<Vec<FieldError>> for AppError {
    fn from(fields: Vec<FieldError>) -> Self {
        DomainError::Invalid(fields).into()
    }
}
