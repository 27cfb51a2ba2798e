//! The center's planning: which centers a user runs, and adding a course
//! to a center's catalog (sessions are planned by
//! [`App::plan_session`](crate::App::plan_session)).

use baladiya_domain::Fields;
use baladiya_domain::people::{Permission, Role};
use baladiya_domain::training::assessment::Score;
use baladiya_domain::training::course::{CompletionRule, Mode};
use baladiya_domain::training::needs::{codes, list};
use baladiya_store::{NewCourse, TrainingCenter};

use crate::{App, AppError, Principal};

impl App {
    /// The centers whose unit `who` manages.
    pub async fn managed_centers(&self, who: &Principal) -> Result<Vec<TrainingCenter>, AppError> {
        let mut managed = Vec::new();
        for center in self.store.training_centers().await? {
            let unit = self.store.unit(center.unit_id).await?;
            if who.access.can(Permission::ManageOrg, &unit.path) {
                managed.push(center);
            }
        }
        Ok(managed)
    }

    /// Adds a course to the catalog of a center `who` manages; every
    /// field is checked and every problem reported at once.
    pub async fn add_course(&self, who: &Principal, course: &NewCourse) -> Result<i64, AppError> {
        let managed = self.managed_centers(who).await?;
        if !managed.iter().any(|c| c.id == course.center_id) {
            return Err(baladiya_domain::access::Denied {
                permission: Permission::ManageOrg,
            }
            .into());
        }
        let mut fields = Fields::new();
        for (name, value) in [
            ("code", &course.code),
            ("name_ar", &course.name.0),
            ("name_en", &course.name.1),
            ("objectives_ar", &course.objectives.0),
            ("objectives_en", &course.objectives.1),
            ("audience_ar", &course.audience.0),
            ("audience_en", &course.audience.1),
        ] {
            if value.trim().is_empty() {
                fields.push(name, "required");
            }
        }
        if !(1..=1000).contains(&course.hours) {
            fields.push("hours", "training-hours-invalid");
        }
        fields.check("mode", Mode::parse(&course.mode).map(|_| ()));
        if codes(&course.roles).any(|r| Role::parse(r).is_err()) {
            fields.push("roles", "role-unknown");
        }
        let known = self.store.competencies().await?;
        if codes(&course.competencies).any(|c| !known.iter().any(|k| k.code == c)) {
            fields.push("competencies", "training-competency-unknown");
        }
        if let Some(partner) = course.partner_id
            && !self
                .store
                .training_partners()
                .await?
                .iter()
                .any(|(id, _, _)| *id == partner)
        {
            fields.push("partner", "training-partner-unknown");
        }
        let pass = course.pass_score.map(Score::parse).transpose();
        fields.check("pass_score", pass.map(|_| ()));
        fields.check(
            "min_attendance",
            CompletionRule::new(u8::try_from(course.min_attendance).unwrap_or(0), None).map(|_| ()),
        );
        fields.finish()?;
        let course = NewCourse {
            code: course.code.trim().to_uppercase(),
            roles: list(codes(&course.roles)),
            competencies: list(codes(&course.competencies)),
            ..course.clone()
        };
        Ok(self.store.create_course(&course).await?)
    }

    /// Adds a competency (when `new` names one) and sets what each role
    /// needs, for those who run a center; an event records the change.
    pub async fn set_competencies(
        &self,
        who: &Principal,
        new: Option<(&str, &str, &str)>,
        needs: &[(String, String)],
    ) -> Result<(), AppError> {
        if self.managed_centers(who).await?.is_empty() {
            return Err(baladiya_domain::access::Denied {
                permission: Permission::ManageOrg,
            }
            .into());
        }
        let mut fields = Fields::new();
        let mut known: Vec<String> = self
            .store
            .competencies()
            .await?
            .into_iter()
            .map(|c| c.code)
            .collect();
        if let Some((code, ar, en)) = new {
            let valid = !code.is_empty()
                && code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !valid {
                fields.push("competency_code", "training-competency-code-invalid");
            }
            if ar.trim().is_empty() {
                fields.push("competency_ar", "required");
            }
            if en.trim().is_empty() {
                fields.push("competency_en", "required");
            }
            known.push(code.to_owned());
        }
        if needs
            .iter()
            .any(|(role, c)| Role::parse(role).is_err() || !known.contains(c))
        {
            fields.push("needs", "training-competency-unknown");
        }
        fields.finish()?;
        let event = baladiya_store::NewEvent {
            at: self.now(),
            actor_id: Some(who.user_id),
            action: "training.needs_set",
            entity: "training_role_needs",
            entity_id: 0,
            unit_id: None,
            detail: serde_json::json!({"needs": needs, "added": new.map(|(code, _, _)| code)}),
        };
        let new = new.map(|(code, ar, en)| (code, ar.trim(), en.trim()));
        self.store.set_role_needs(new, needs, &event).await?;
        Ok(())
    }
}
