//! Staff users and the roles they hold.

use serde::{Deserialize, Serialize};

/// A login name: 3–64 characters of `a–z`, `0–9`, `.`, `_` and `-`,
/// compared case-insensitively (stored lower-case).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Username(String);

impl Username {
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let name = text.trim().to_ascii_lowercase();
        if !(3..=64).contains(&name.len()) {
            return Err("username-length");
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
        {
            return Err("username-characters");
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Username {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password that meets the policy: 10 to 128 characters, not only
/// one repeated character. (Length beats composition rules; NIST SP 800-63B.)
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let count = text.chars().count();
        if count < 10 {
            return Err("password-too-short");
        }
        if count > 128 {
            return Err("password-too-long");
        }
        let mut chars = text.chars();
        let first = chars.next();
        if chars.all(|c| Some(c) == first) {
            return Err("password-too-simple");
        }
        Ok(Self(text.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// What a staff member does. A role is granted on a unit and applies to
/// that unit and every unit below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// موظف الشباك: takes applications at the technology-center counter.
    Clerk,
    /// مسؤول إدارة: works a department's inbox.
    DepartmentOfficer,
    /// رئيس الوحدة: runs a unit and receives escalations.
    UnitHead,
    /// متابعة: sees everything below, changes nothing.
    GovernorateViewer,
    /// مدير النظام: manages users and the organisation.
    Administrator,
}

/// What a role allows. Every permission check in Baladiya names one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// See a unit, its departments and its staff list.
    ViewUnit,
    /// See applications and their history.
    ViewApplications,
    /// Take an application on behalf of a walk-in citizen.
    IntakeApplications,
    /// Act on an application's workflow step.
    ProcessApplications,
    /// Acknowledge, work on, resolve, reject and merge citizen reports.
    HandleReports,
    /// See performance figures of the unit and all below it.
    ViewOversight,
    /// Create users and grant roles.
    ManageUsers,
    /// Create and edit org units and departments.
    ManageOrg,
    /// Enter (or upload) the values of indicators a unit reports.
    EnterIndicators,
    /// Approve or return the values the units below entered.
    ApproveIndicators,
    /// Record the vote of a walk-in citizen at a counter, after checking
    /// their ID card.
    RecordVotes,
    /// Open participatory processes and budgets, and import resident lists.
    ManageParticipation,
    /// Sign off a participatory budget's result, which publishes it.
    SignOffResults,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Clerk,
        Role::DepartmentOfficer,
        Role::UnitHead,
        Role::GovernorateViewer,
        Role::Administrator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::DepartmentOfficer => "department_officer",
            Role::UnitHead => "unit_head",
            Role::GovernorateViewer => "governorate_viewer",
            Role::Administrator => "administrator",
        }
    }

    pub fn parse(text: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == text)
            .ok_or("role-unknown")
    }

    /// The one table of who may do what.
    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::Clerk => &[ViewUnit, ViewApplications, IntakeApplications, RecordVotes],
            Role::DepartmentOfficer => &[
                ViewUnit,
                ViewApplications,
                ProcessApplications,
                HandleReports,
            ],
            Role::UnitHead => &[
                ViewUnit,
                ViewApplications,
                ProcessApplications,
                HandleReports,
                ViewOversight,
                EnterIndicators,
                ApproveIndicators,
                ManageParticipation,
                SignOffResults,
            ],
            Role::GovernorateViewer => &[ViewUnit, ViewApplications, ViewOversight],
            Role::Administrator => &[
                ViewUnit,
                ViewApplications,
                ViewOversight,
                ManageUsers,
                ManageOrg,
                EnterIndicators,
                ApproveIndicators,
                ManageParticipation,
            ],
        }
    }

    pub fn allows(self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lowercased_and_checked() {
        assert_eq!(
            Username::parse(" Giza.Clerk ").map(|u| u.to_string()),
            Ok("giza.clerk".into())
        );
        assert_eq!(Username::parse("ab"), Err("username-length"));
        assert_eq!(Username::parse("أحمد"), Err("username-characters"));
        assert_eq!(Username::parse("a b c"), Err("username-characters"));
    }

    #[test]
    fn password_policy() {
        assert!(NewPassword::parse("correct horse").is_ok());
        assert_eq!(NewPassword::parse("short"), Err("password-too-short"));
        assert_eq!(
            NewPassword::parse("aaaaaaaaaaaa"),
            Err("password-too-simple")
        );
        assert_eq!(
            NewPassword::parse(&"x1".repeat(70)),
            Err("password-too-long")
        );
        assert_eq!(
            format!("{:?}", NewPassword::parse("correct horse")),
            "Ok(NewPassword(***))"
        );
    }

    #[test]
    fn roles_round_trip_and_only_admins_manage_users() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
            assert_eq!(
                role.allows(Permission::ManageUsers),
                role == Role::Administrator
            );
        }
        assert!(!Role::GovernorateViewer.allows(Permission::ProcessApplications));
        assert!(Role::Clerk.allows(Permission::IntakeApplications));
    }
}
