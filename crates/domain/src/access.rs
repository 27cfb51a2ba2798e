//! Permission checks: the one place that decides whether a user may do
//! something to a unit. A role granted on a unit covers that unit and
//! everything below it; nothing above it and nothing beside it.

use crate::org::{DepartmentKind, UnitPath};
use crate::people::{Permission, Role};

/// One role held by a user on one unit (optionally limited to one department).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    pub unit: UnitPath,
    pub department: Option<DepartmentKind>,
}

/// Refusal of a permission check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{permission:?} denied")]
pub struct Denied {
    pub permission: Permission,
}

/// Everything a signed-in user may do, computed from their grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    pub user_id: i64,
    grants: Vec<Grant>,
}

impl Access {
    pub fn new(user_id: i64, grants: Vec<Grant>) -> Self {
        Self { user_id, grants }
    }

    pub fn grants(&self) -> &[Grant] {
        &self.grants
    }

    /// May this user use `permission` on the unit at `unit`?
    pub fn can(&self, permission: Permission, unit: &UnitPath) -> bool {
        self.grants
            .iter()
            .any(|g| g.role.allows(permission) && unit.is_within(&g.unit))
    }

    /// As [`Access::can`], but for one department of the unit: a grant
    /// limited to a department covers only that department.
    pub fn can_in_department(
        &self,
        permission: Permission,
        unit: &UnitPath,
        department: DepartmentKind,
    ) -> bool {
        self.grants.iter().any(|g| {
            g.role.allows(permission)
                && unit.is_within(&g.unit)
                && g.department.is_none_or(|d| d == department)
        })
    }

    /// May this user act as `role` on a workflow step of a unit, for
    /// `department`? The grant must be of that role on the unit or above,
    /// and not limited to another department.
    pub fn can_act_as(&self, role: Role, unit: &UnitPath, department: DepartmentKind) -> bool {
        self.grants.iter().any(|g| {
            g.role == role
                && unit.is_within(&g.unit)
                && g.department.is_none_or(|d| d == department)
        })
    }

    pub fn require(&self, permission: Permission, unit: &UnitPath) -> Result<(), Denied> {
        if self.can(permission, unit) {
            Ok(())
        } else {
            Err(Denied { permission })
        }
    }

    /// The topmost units on which `permission` is held: every unit the user
    /// may see for it lies under one of these. Units under another root are
    /// left out, so the list has no overlaps.
    pub fn roots(&self, permission: Permission) -> Vec<UnitPath> {
        let mut roots: Vec<UnitPath> = self
            .grants
            .iter()
            .filter(|g| g.role.allows(permission))
            .map(|g| g.unit.clone())
            .collect();
        roots.sort_by_key(UnitPath::depth);
        let mut kept: Vec<UnitPath> = Vec::new();
        for path in roots {
            if !kept.iter().any(|k| path.is_within(k)) {
                kept.push(path);
            }
        }
        kept
    }

    /// Whether `permission` is held on `unit`, above it or below it: for
    /// what a unit's whole tree takes part in (a governorate's
    /// participatory process, whose counters are the markazes' technology
    /// centers).
    pub fn reaches(&self, permission: Permission, unit: &UnitPath) -> bool {
        self.grants.iter().any(|g| {
            g.role.allows(permission) && (g.unit.is_within(unit) || unit.is_within(&g.unit))
        })
    }

    pub fn require_reach(&self, permission: Permission, unit: &UnitPath) -> Result<(), Denied> {
        if self.reaches(permission, unit) {
            Ok(())
        } else {
            Err(Denied { permission })
        }
    }

    /// Whether the user holds `permission` anywhere at all.
    pub fn has_anywhere(&self, permission: Permission) -> bool {
        self.grants.iter().any(|g| g.role.allows(permission))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grant_reaches_the_units_above_and_below_it() {
        let giza = UnitPath::root(1);
        let badrashin = giza.child(2);
        let awsim = giza.child(3);
        let clerk = Access::new(9, vec![grant(Role::Clerk, &badrashin)]);
        assert!(clerk.reaches(Permission::RecordVotes, &giza));
        assert!(clerk.reaches(Permission::RecordVotes, &badrashin.child(4)));
        assert!(!clerk.reaches(Permission::RecordVotes, &awsim));
        assert!(!clerk.reaches(Permission::SignOffResults, &giza));
        assert!(clerk.require_reach(Permission::RecordVotes, &giza).is_ok());
    }

    fn grant(role: Role, unit: &UnitPath) -> Grant {
        Grant {
            role,
            unit: unit.clone(),
            department: None,
        }
    }

    #[test]
    fn a_grant_covers_its_unit_and_below_only() {
        let giza = UnitPath::root(1);
        let badrashin = giza.child(2);
        let saqqara = badrashin.child(3);
        let awsim = giza.child(4);
        let clerk = Access::new(7, vec![grant(Role::Clerk, &badrashin)]);
        assert!(clerk.can(Permission::IntakeApplications, &badrashin));
        assert!(clerk.can(Permission::IntakeApplications, &saqqara));
        assert!(
            !clerk.can(Permission::IntakeApplications, &giza),
            "not above"
        );
        assert!(
            !clerk.can(Permission::IntakeApplications, &awsim),
            "not beside"
        );
        assert!(
            !clerk.can(Permission::ProcessApplications, &saqqara),
            "not another role's work"
        );
        assert_eq!(
            clerk.require(Permission::ManageUsers, &badrashin),
            Err(Denied {
                permission: Permission::ManageUsers
            })
        );
    }

    #[test]
    fn department_limited_grants() {
        let unit = UnitPath::root(1).child(2);
        let officer = Access::new(
            8,
            vec![Grant {
                role: Role::DepartmentOfficer,
                unit: unit.clone(),
                department: Some(DepartmentKind::Engineering),
            }],
        );
        let p = Permission::ProcessApplications;
        assert!(officer.can_in_department(p, &unit, DepartmentKind::Engineering));
        assert!(!officer.can_in_department(p, &unit, DepartmentKind::Revenue));
    }

    #[test]
    fn acting_on_a_step_needs_the_steps_role_and_department() {
        let unit = UnitPath::root(1).child(2);
        let officer = Access::new(
            8,
            vec![Grant {
                role: Role::DepartmentOfficer,
                unit: UnitPath::root(1),
                department: Some(DepartmentKind::Engineering),
            }],
        );
        assert!(officer.can_act_as(Role::DepartmentOfficer, &unit, DepartmentKind::Engineering));
        assert!(!officer.can_act_as(Role::DepartmentOfficer, &unit, DepartmentKind::Licensing));
        assert!(!officer.can_act_as(Role::Clerk, &unit, DepartmentKind::Engineering));
        assert!(!officer.can_act_as(
            Role::DepartmentOfficer,
            &UnitPath::root(3),
            DepartmentKind::Engineering
        ));
    }

    #[test]
    fn roots_drop_nested_grants() {
        let giza = UnitPath::root(1);
        let badrashin = giza.child(2);
        let riyadh = UnitPath::root(9);
        let access = Access::new(
            1,
            vec![
                grant(Role::Clerk, &badrashin),
                grant(Role::GovernorateViewer, &giza),
                grant(Role::DepartmentOfficer, &riyadh),
            ],
        );
        assert_eq!(access.roots(Permission::ViewUnit), vec![giza, riyadh]);
        assert!(access.roots(Permission::ManageUsers).is_empty());
        assert!(!access.has_anywhere(Permission::ManageUsers));
    }
}
