//! What the training center reports: its figures by session, course,
//! trainer, governorate and unit level; each staff member's training
//! record; and a unit's training needs (competencies its staff's roles
//! require that no valid certificate gave them) with the sessions to come
//! that build them.

use std::collections::{BTreeMap, BTreeSet};

use baladiya_domain::org::{OrgUnit, UnitPath};
use baladiya_domain::people::{Permission, Username};
use baladiya_domain::training::assessment::{Evaluation, Rating, Score};
use baladiya_domain::training::course::{CompletionRule, SessionDates};
use baladiya_domain::training::needs::{RoleNeeds, codes};
use baladiya_domain::training::report::{Tally, TraineeResult};
use baladiya_store::{CertificateRecord, Competency, TraineeSeat, TrainingSession};
use chrono::NaiveDate;

use crate::{App, AppError, Principal};

/// A session's figures.
#[derive(Debug, Clone)]
pub struct SessionFigures {
    pub session: TrainingSession,
    pub trainer: Option<String>,
    pub tally: Tally,
}

/// A group's figures, named in both languages.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupFigures {
    pub name_ar: String,
    pub name_en: String,
    pub tally: Tally,
}

/// The center's report over a plan year (or every year).
#[derive(Debug, Clone, Default)]
pub struct TrainingReport {
    /// The latest first.
    pub sessions: Vec<SessionFigures>,
    pub courses: Vec<GroupFigures>,
    pub trainers: Vec<GroupFigures>,
    /// By the governorate (or region) of the unit each seat counted for.
    pub governorates: Vec<GroupFigures>,
    /// By the kind of that unit (governorate, markaz, city, village…).
    pub levels: Vec<(String, Tally)>,
    pub total: Tally,
    /// Plan years there are sessions for.
    pub years: Vec<String>,
}

/// A staff member's training record.
#[derive(Debug, Clone)]
pub struct StaffRecord {
    pub username: String,
    pub full_name: String,
    pub seats: Vec<TraineeSeat>,
    pub certificates: Vec<CertificateRecord>,
    /// Hours of the valid certificates.
    pub hours: i64,
}

/// A staff member's needs and what would meet them.
#[derive(Debug, Clone)]
pub struct StaffNeed {
    pub username: String,
    pub full_name: String,
    pub roles: BTreeSet<String>,
    pub hours: i64,
    pub missing: BTreeSet<String>,
    /// Sessions to come that build a missing competency: `(id, course ar, course en, first day)`.
    pub suggested: Vec<(i64, String, String, NaiveDate)>,
}

/// A unit's training needs.
#[derive(Debug, Clone)]
pub struct UnitNeeds {
    pub unit: OrgUnit,
    /// Whether any role's needs are set (else nobody can be said to need
    /// anything).
    pub requirements_known: bool,
    pub competencies: Vec<Competency>,
    pub staff: Vec<StaffNeed>,
}

fn oversight_denied() -> AppError {
    baladiya_domain::access::Denied {
        permission: Permission::ViewOversight,
    }
    .into()
}

impl App {
    /// The center's figures, for those who manage a center or oversee
    /// units; `year` keeps one plan year's sessions.
    pub async fn training_report(
        &self,
        who: &Principal,
        year: Option<&str>,
    ) -> Result<TrainingReport, AppError> {
        if !who.access.has_anywhere(Permission::ManageOrg)
            && !who.access.has_anywhere(Permission::ViewOversight)
        {
            return Err(oversight_denied());
        }
        let units: BTreeMap<i64, OrgUnit> = self
            .store
            .all_units()
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        // The sessions of the centers the caller oversees or manages, only.
        let overseen = |unit: i64| {
            units.get(&unit).is_some_and(|u| {
                who.access.can(Permission::ViewOversight, &u.path)
                    || who.access.can(Permission::ManageOrg, &u.path)
            })
        };
        let all: Vec<TrainingSession> = self
            .store
            .training_sessions()
            .await?
            .into_iter()
            .filter(|s| overseen(s.center_unit_id))
            .collect();
        let years: BTreeSet<String> = all.iter().map(|s| s.plan_year.clone()).collect();
        let sessions: BTreeMap<i64, TrainingSession> = all
            .into_iter()
            .filter(|s| year.is_none_or(|y| s.plan_year == y))
            .map(|s| (s.id, s))
            .collect();
        let seats = self.store.report_seats().await?;
        let mut per_session: BTreeMap<i64, u32> = BTreeMap::new();
        for seat in seats
            .iter()
            .filter(|s| sessions.contains_key(&s.session_id))
        {
            *per_session.entry(seat.session_id).or_default() += 1;
        }
        // Each session's working days and completion rule.
        let mut calendars = std::collections::HashMap::new();
        let mut rules = BTreeMap::new();
        for session in sessions.values() {
            let country = units
                .get(&session.center_unit_id)
                .ok_or(AppError::NotFound)?
                .country();
            if let std::collections::hash_map::Entry::Vacant(slot) = calendars.entry(country) {
                slot.insert(self.store.calendar(country).await?);
            }
            let days = SessionDates::new(session.first_day, session.last_day)
                .map_err(|c| AppError::Internal(c.to_owned()))?
                .working_days(&calendars[&country])
                .len() as u32;
            let pass = session.pass_score.and_then(|p| Score::parse(p).ok());
            let rule =
                CompletionRule::new(u8::try_from(session.min_attendance).unwrap_or(100), pass)
                    .map_err(|c| AppError::Internal(c.to_owned()))?;
            rules.insert(session.id, (rule, days));
        }
        let mut names = BTreeMap::new();
        let mut report = TrainingReport {
            years: years.into_iter().collect(),
            ..TrainingReport::default()
        };
        let mut by_session: BTreeMap<i64, Tally> = BTreeMap::new();
        let mut by_course: BTreeMap<String, GroupFigures> = BTreeMap::new();
        let mut by_trainer: BTreeMap<Option<i64>, Tally> = BTreeMap::new();
        let mut by_governorate: BTreeMap<i64, Tally> = BTreeMap::new();
        let mut by_level: BTreeMap<&'static str, Tally> = BTreeMap::new();
        for seat in &seats {
            let Some(session) = sessions.get(&seat.session_id) else {
                continue;
            };
            let (rule, days) = rules[&session.id];
            let post = seat.post_score.and_then(|p| Score::parse(p).ok());
            let result = TraineeResult {
                completion: rule.judge(u32::try_from(seat.attended).unwrap_or(0), days, post),
                pre: seat.pre_score.and_then(|p| Score::parse(p).ok()),
                post,
                pass_score: rule.pass_score(),
                hours: session.hours,
                cost_share: session.cost_minor as f64
                    / f64::from(per_session.get(&session.id).copied().unwrap_or(1)),
            };
            let currency = session.currency.as_str();
            by_session
                .entry(session.id)
                .or_default()
                .add(&result, currency);
            by_course
                .entry(session.course_code.clone())
                .or_insert_with(|| GroupFigures {
                    name_ar: session.course_name_ar.clone(),
                    name_en: session.course_name_en.clone(),
                    tally: Tally::default(),
                })
                .tally
                .add(&result, currency);
            by_trainer
                .entry(session.trainer_id)
                .or_default()
                .add(&result, currency);
            if let Some(unit) = units.get(&seat.unit_id) {
                by_governorate
                    .entry(unit.path.ids()[0])
                    .or_default()
                    .add(&result, currency);
                by_level
                    .entry(unit.kind.as_str())
                    .or_default()
                    .add(&result, currency);
            }
            report.total.add(&result, currency);
        }
        for e in self.store.report_evaluations().await? {
            let Some(session) = sessions.get(&e.session_id) else {
                continue;
            };
            let (Ok(satisfaction), Ok(trainer), Ok(relevance)) = (
                Rating::parse(e.satisfaction),
                Rating::parse(e.trainer),
                Rating::parse(e.relevance),
            ) else {
                continue;
            };
            let evaluation = Evaluation {
                satisfaction,
                trainer,
                relevance,
            };
            by_session
                .entry(session.id)
                .or_default()
                .evaluated(evaluation);
            if let Some(course) = by_course.get_mut(&session.course_code) {
                course.tally.evaluated(evaluation);
            }
            by_trainer
                .entry(session.trainer_id)
                .or_default()
                .evaluated(evaluation);
            report.total.evaluated(evaluation);
        }
        for session in sessions.into_values().rev() {
            let trainer = match session.trainer_id {
                Some(id) => Some(self.name_of(&mut names, id).await?),
                None => None,
            };
            report.sessions.push(SessionFigures {
                tally: by_session.remove(&session.id).unwrap_or_default(),
                trainer,
                session,
            });
        }
        report.courses = by_course.into_values().collect();
        for (trainer, tally) in by_trainer {
            let (name_ar, name_en) = match trainer {
                Some(id) => {
                    let name = self.name_of(&mut names, id).await?;
                    (name.clone(), name)
                }
                None => ("—".to_owned(), "—".to_owned()),
            };
            report.trainers.push(GroupFigures {
                name_ar,
                name_en,
                tally,
            });
        }
        for (id, tally) in by_governorate {
            let unit = units.get(&id).ok_or(AppError::NotFound)?;
            report.governorates.push(GroupFigures {
                name_ar: unit.name.get("ar").to_owned(),
                name_en: unit.name.get("en").to_owned(),
                tally,
            });
        }
        report.levels = by_level
            .into_iter()
            .map(|(kind, tally)| (kind.to_owned(), tally))
            .collect();
        Ok(report)
    }

    async fn name_of(
        &self,
        names: &mut BTreeMap<i64, String>,
        user: i64,
    ) -> Result<String, AppError> {
        if let Some(name) = names.get(&user) {
            return Ok(name.clone());
        }
        let name = self.store.user(user).await?.full_name;
        names.insert(user, name.clone());
        Ok(name)
    }

    /// Whether `who` may see the training of the staff member with
    /// `grants`: themselves, or one who oversees one of their units.
    fn oversees(&self, who: &Principal, subject: i64, units: &[UnitPath]) -> bool {
        who.user_id == subject
            || units
                .iter()
                .any(|u| who.access.can(Permission::ViewOversight, u))
    }

    /// A staff member's training record (sessions, certificates, hours).
    pub async fn training_record(
        &self,
        who: &Principal,
        username: &str,
    ) -> Result<StaffRecord, AppError> {
        let username = Username::parse(username).map_err(|_| AppError::NotFound)?;
        let user = self
            .store
            .user_by_username(&username)
            .await?
            .ok_or(AppError::NotFound)?;
        let units: Vec<UnitPath> = self
            .store
            .grants_of(user.id)
            .await?
            .into_iter()
            .map(|g| g.unit)
            .collect();
        if !self.oversees(who, user.id, &units) {
            return Err(AppError::NotFound);
        }
        let certificates = self.store.certificates_of(user.id).await?;
        Ok(StaffRecord {
            hours: certificates
                .iter()
                .filter(|c| c.revoked_at.is_none())
                .map(|c| c.hours)
                .sum(),
            seats: self.store.seats_of(user.id).await?,
            certificates,
            username: user.username,
            full_name: user.full_name,
        })
    }

    /// A unit's training needs, for those who oversee it.
    pub async fn training_needs(
        &self,
        who: &Principal,
        unit: &OrgUnit,
    ) -> Result<UnitNeeds, AppError> {
        if !who.access.can(Permission::ViewOversight, &unit.path) {
            return Err(oversight_denied());
        }
        let path = unit.path.encode();
        let role_needs = self.store.role_needs().await?;
        let requirements_known = !role_needs.is_empty();
        let needs = RoleNeeds::new(role_needs);
        let mut acquired: BTreeMap<i64, (BTreeSet<String>, i64)> = BTreeMap::new();
        for a in self.store.acquired_within(&path).await? {
            let entry = acquired.entry(a.trainee_id).or_default();
            entry.0.extend(codes(&a.competencies).map(str::to_owned));
            entry.1 += a.hours;
        }
        let today = self.now().date_naive();
        let upcoming: Vec<TrainingSession> = self
            .store
            .training_sessions()
            .await?
            .into_iter()
            .filter(|s| s.first_day > today)
            .collect();
        let mut people: BTreeMap<i64, StaffNeed> = BTreeMap::new();
        let mut order = Vec::new();
        for role in self.store.staff_within(&path).await? {
            let entry = people.entry(role.user_id).or_insert_with(|| {
                order.push(role.user_id);
                StaffNeed {
                    username: role.username.clone(),
                    full_name: role.full_name.clone(),
                    roles: BTreeSet::new(),
                    hours: 0,
                    missing: BTreeSet::new(),
                    suggested: Vec::new(),
                }
            });
            entry.roles.insert(role.role);
        }
        let mut staff = Vec::new();
        for id in order {
            let Some(mut need) = people.remove(&id) else {
                continue;
            };
            let (have, hours) = acquired.remove(&id).unwrap_or_default();
            need.hours = hours;
            need.missing = needs.missing(need.roles.iter().map(String::as_str), &have);
            need.suggested = upcoming
                .iter()
                .filter(|s| codes(&s.competencies).any(|c| need.missing.contains(c)))
                .map(|s| {
                    (
                        s.id,
                        s.course_name_ar.clone(),
                        s.course_name_en.clone(),
                        s.first_day,
                    )
                })
                .collect();
            staff.push(need);
        }
        Ok(UnitNeeds {
            unit: unit.clone(),
            requirements_known,
            competencies: self.store.competencies().await?,
            staff,
        })
    }
}
