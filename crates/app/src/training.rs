//! The training center's work: the center's staff (who manage its unit)
//! plan sessions with seats per unit; unit heads nominate their own staff;
//! the center accepts, wait-lists or declines; a session's trainer takes
//! attendance and test scores; trainees evaluate. Each change is checked
//! by the domain's rules and written with its event in one transaction.

use std::collections::BTreeMap;

use baladiya_domain::org::UnitPath;
use baladiya_domain::people::{Permission, Role, Username};
use baladiya_domain::training::assessment::{Evaluation, Rating, Score};
use baladiya_domain::training::course::{Completion, CompletionRule, SessionDates};
use baladiya_domain::training::enrolment::{Roster, Seat, SeatStatus};
use baladiya_store::{NewEvent, NewSession, SeatChange, TrainingNotice, TrainingSession};
use chrono::NaiveDate;
use serde_json::json;

use crate::{App, AppError, Principal};

/// What the center decides about a nomination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Accept,
    Decline { reason: String },
}

/// One trainee's outcome of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub trainee_id: i64,
    pub attended: u32,
    pub days: u32,
    pub completion: Completion,
}

fn event<'a>(
    action: &'a str,
    session: i64,
    unit: i64,
    at: chrono::DateTime<chrono::Utc>,
    who: i64,
    detail: serde_json::Value,
) -> NewEvent<'a> {
    NewEvent {
        at,
        actor_id: Some(who),
        action,
        entity: "training_session",
        entity_id: session,
        unit_id: Some(unit),
        detail,
    }
}

/// An id no user has (ids start at 1): see [`App::named_trainee`].
pub const NOBODY: i64 = 0;

impl App {
    pub(crate) async fn session_of(&self, id: i64) -> Result<TrainingSession, AppError> {
        self.store
            .training_session(id)
            .await?
            .ok_or(AppError::NotFound)
    }

    async fn center_path(&self, session: &TrainingSession) -> Result<UnitPath, AppError> {
        Ok(self.store.unit(session.center_unit_id).await?.path)
    }

    /// Plans a session of a course; only those who manage the center's
    /// unit may.
    pub async fn plan_session(&self, who: &Principal, new: &NewSession) -> Result<i64, AppError> {
        let mut fields = baladiya_domain::Fields::new();
        fields.check(
            "last_day",
            SessionDates::new(new.first_day, new.last_day).map(|_| ()),
        );
        if new.capacity < 1 {
            fields.push("capacity", "training-capacity-invalid");
        }
        if new.quotas.iter().any(|(_, seats)| *seats < 1) {
            fields.push("quotas", "training-capacity-invalid");
        }
        if new.cost_minor < 0 {
            fields.push("cost", "training-cost-invalid");
        }
        fields.check(
            "currency",
            baladiya_domain::country::Currency::parse(&new.currency).map(|_| ()),
        );
        fields.finish()?;
        let center_unit: i64 = self
            .store
            .course_center_unit(new.course_id)
            .await?
            .ok_or_else(|| AppError::field("course", "training-course-unknown"))?;
        let path = self.store.unit(center_unit).await?.path;
        who.access.require(Permission::ManageOrg, &path)?;
        let (now, actor) = (self.now(), who.user_id);
        let detail = json!({"course": new.course_id, "first_day": new.first_day,
            "last_day": new.last_day, "capacity": new.capacity});
        Ok(self
            .store
            .create_training_session(new, move |id| {
                event(
                    "training.planned",
                    id,
                    center_unit,
                    now,
                    actor,
                    detail.clone(),
                )
            })
            .await?)
    }

    /// The id of the active staff member named `username` (as typed, or
    /// scanned from their page); unknown is a field error on `field`.
    pub async fn trainee_id(&self, username: &str, field: &'static str) -> Result<i64, AppError> {
        let unknown = || AppError::field(field, "training-trainee-unknown");
        let name = Username::parse(username.trim()).map_err(|_| unknown())?;
        Ok(self
            .store
            .user_by_username(&name)
            .await?
            .filter(|u| u.active)
            .ok_or_else(unknown)?
            .id)
    }

    /// The trainee a use case acts on, named by a caller: their id, or for
    /// a name nobody active has, [`NOBODY`] — an id no user has, which the
    /// use case refuses after its own permission check, as it refuses
    /// anyone not on the roster. So the answer tells a caller nothing of
    /// which user names exist.
    pub async fn named_trainee(&self, username: &str) -> Result<i64, AppError> {
        match self.trainee_id(username, "trainee").await {
            Err(AppError::Invalid(_)) => Ok(NOBODY),
            other => other,
        }
    }

    /// The roster of a session as the domain rules see it.
    async fn load_roster(&self, session: &TrainingSession) -> Result<Roster, AppError> {
        let (quotas, rows) = self.store.roster(session.id).await?;
        let seats = rows
            .iter()
            .map(|r| {
                Ok(Seat {
                    trainee: r.trainee_id,
                    unit: r.unit_id,
                    status: SeatStatus::parse(&r.status)
                        .map_err(|c| AppError::Internal(format!("seat status: {c}")))?,
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        let quotas = quotas
            .into_iter()
            .map(|(unit, seats)| (unit, u32::try_from(seats).unwrap_or(0)))
            .collect::<BTreeMap<_, _>>();
        Ok(Roster::new(
            u32::try_from(session.capacity).unwrap_or(0),
            quotas,
            seats,
        ))
    }

    /// Writes the seats of `trainees` as the roster has them now.
    async fn save(
        &self,
        session: &TrainingSession,
        roster: &Roster,
        trainees: &[i64],
        reason: Option<String>,
        action: &str,
        who: i64,
    ) -> Result<(), AppError> {
        let changes: Vec<SeatChange> = roster
            .seats()
            .iter()
            .filter(|s| trainees.contains(&s.trainee))
            .map(|s| SeatChange {
                trainee_id: s.trainee,
                unit_id: s.unit,
                status: s.status.as_str().to_owned(),
                reason: reason.clone(),
            })
            .collect();
        let detail = json!({"seats": changes.iter().map(|c| json!({"trainee": c.trainee_id, "status": c.status})).collect::<Vec<_>>(), "reason": reason});
        let event = event(
            action,
            session.id,
            session.center_unit_id,
            self.now(),
            who,
            detail,
        );
        let mut notices = Vec::new();
        for change in &changes {
            let trainee = self.store.user(change.trainee_id).await?;
            notices.push(TrainingNotice {
                kind: format!("training_{}", change.status),
                recipient: trainee.email.clone().unwrap_or(trainee.username),
                payload: json!({
                    "email": trainee.email,
                    "name": trainee.full_name,
                    "course_ar": session.course_name_ar,
                    "course_en": session.course_name_en,
                    "first_day": session.first_day,
                    "last_day": session.last_day,
                    "venue": session.venue,
                    "status": change.status,
                    "comment": change.reason,
                    "link": format!("/staff/training/{}", session.id),
                })
                .to_string(),
            });
        }
        self.store
            .save_roster(session.id, session.version, &changes, &notices, &event)
            .await?;
        Ok(())
    }

    /// A unit head nominates `trainee` (a username) of their own units;
    /// the nomination counts against the deepest unit with seats that
    /// holds the trainee (or the trainee's unit when seats are open).
    pub async fn nominate(
        &self,
        who: &Principal,
        session_id: i64,
        trainee: &str,
    ) -> Result<(), AppError> {
        let session = self.session_of(session_id).await?;
        let username = Username::parse(trainee).map_err(|c| AppError::field("trainee", c))?;
        let trainee = self
            .store
            .user_by_username(&username)
            .await?
            .filter(|u| u.active)
            .ok_or_else(|| AppError::field("trainee", "training-trainee-unknown"))?;
        let grants = self.store.grants_of(trainee.id).await?;
        // The trainee's units the nominator heads.
        let headed: Vec<&UnitPath> = grants
            .iter()
            .map(|g| &g.unit)
            .filter(|unit| {
                who.access
                    .grants()
                    .iter()
                    .any(|h| h.role == Role::UnitHead && unit.is_within(&h.unit))
            })
            .collect();
        let Some(home) = headed.first() else {
            return Err(baladiya_domain::access::Denied {
                permission: Permission::ViewUnit,
            }
            .into());
        };
        let (quotas, _) = self.store.roster(session.id).await?;
        let mut quota_unit = None;
        for unit in quotas.keys() {
            let path = self.store.unit(*unit).await?.path;
            if home.is_within(&path)
                && quota_unit
                    .as_ref()
                    .is_none_or(|(_, p): &(i64, UnitPath)| path.is_within(p))
            {
                quota_unit = Some((*unit, path));
            }
        }
        let unit = match quota_unit {
            Some((unit, _)) => unit,
            None if quotas.is_empty() => *home.ids().last().unwrap_or(&0),
            None => {
                return Err(AppError::Conflict(
                    baladiya_domain::ErrorCode::TrainingNoQuota,
                ));
            }
        };
        let dates = SessionDates::new(session.first_day, session.last_day)
            .map_err(|c| AppError::Internal(c.to_owned()))?;
        let booked: Vec<SessionDates> = self
            .store
            .trainee_bookings(trainee.id, session.id)
            .await?
            .into_iter()
            .filter_map(|(a, b)| SessionDates::new(a, b).ok())
            .collect();
        let mut roster = self.load_roster(&session).await?;
        roster
            .nominate(trainee.id, unit, &dates, &booked)
            .map_err(|e| AppError::Conflict(e.code()))?;
        self.save(
            &session,
            &roster,
            &[trainee.id],
            None,
            "training.nominated",
            who.user_id,
        )
        .await
    }

    /// The center accepts (a seat, or the wait list when full) or declines.
    pub async fn decide(
        &self,
        who: &Principal,
        session_id: i64,
        trainee: i64,
        decision: Decision,
    ) -> Result<SeatStatus, AppError> {
        let session = self.session_of(session_id).await?;
        who.access
            .require(Permission::ManageOrg, &self.center_path(&session).await?)?;
        let mut roster = self.load_roster(&session).await?;
        let (status, reason) = match decision {
            Decision::Accept => (roster.accept(trainee), None),
            Decision::Decline { reason } => {
                if reason.trim().is_empty() {
                    return Err(AppError::field("reason", "required"));
                }
                (
                    roster.decline(trainee).map(|()| SeatStatus::Declined),
                    Some(reason),
                )
            }
        };
        let status = status.map_err(|e| AppError::Conflict(e.code()))?;
        self.save(
            &session,
            &roster,
            &[trainee],
            reason,
            "training.decided",
            who.user_id,
        )
        .await?;
        Ok(status)
    }

    /// The trainee, a head of their unit or the center withdraws them; a
    /// freed seat goes to the first on the wait list (returned).
    pub async fn withdraw(
        &self,
        who: &Principal,
        session_id: i64,
        trainee: i64,
    ) -> Result<Option<i64>, AppError> {
        let session = self.session_of(session_id).await?;
        let center = self.center_path(&session).await?;
        let allowed = who.user_id == trainee
            || who.access.can(Permission::ManageOrg, &center)
            || self.store.grants_of(trainee).await?.iter().any(|g| {
                who.access
                    .grants()
                    .iter()
                    .any(|h| h.role == Role::UnitHead && g.unit.is_within(&h.unit))
            });
        if !allowed {
            return Err(baladiya_domain::access::Denied {
                permission: Permission::ManageOrg,
            }
            .into());
        }
        let mut roster = self.load_roster(&session).await?;
        let promoted = roster
            .withdraw(trainee)
            .map_err(|e| AppError::Conflict(e.code()))?;
        let changed: Vec<i64> = std::iter::once(trainee).chain(promoted).collect();
        self.save(
            &session,
            &roster,
            &changed,
            None,
            "training.withdrawn",
            who.user_id,
        )
        .await?;
        Ok(promoted)
    }

    /// Only the session's trainer or the center's staff take attendance
    /// and scores.
    async fn require_trainer(
        &self,
        who: &Principal,
        session: &TrainingSession,
    ) -> Result<(), AppError> {
        if session.trainer_id == Some(who.user_id)
            || who
                .access
                .can(Permission::ManageOrg, &self.center_path(session).await?)
        {
            Ok(())
        } else {
            Err(baladiya_domain::access::Denied {
                permission: Permission::ManageOrg,
            }
            .into())
        }
    }

    /// Records who attended on `day` (a working day of the session),
    /// replacing that day's record: only accepted trainees.
    pub async fn take_attendance(
        &self,
        who: &Principal,
        session_id: i64,
        day: NaiveDate,
        present: &[i64],
    ) -> Result<(), AppError> {
        self.attend(who, session_id, day, present, true).await
    }

    /// Adds one trainee to `day`'s attendance, as when the trainer scans
    /// the code on the trainee's page at the door (again is harmless).
    pub async fn scan_attendance(
        &self,
        who: &Principal,
        session_id: i64,
        day: NaiveDate,
        trainee: i64,
    ) -> Result<(), AppError> {
        self.attend(who, session_id, day, &[trainee], false).await
    }

    async fn attend(
        &self,
        who: &Principal,
        session_id: i64,
        day: NaiveDate,
        present: &[i64],
        whole_day: bool,
    ) -> Result<(), AppError> {
        let session = self.session_of(session_id).await?;
        self.require_trainer(who, &session).await?;
        let days = self.session_days(&session).await?;
        if !days.contains(&day) {
            return Err(AppError::field("day", "training-day-not-in-session"));
        }
        let roster = self.load_roster(&session).await?;
        if present.iter().any(|t| {
            !roster
                .seats()
                .iter()
                .any(|s| s.trainee == *t && s.status == SeatStatus::Accepted)
        }) {
            return Err(AppError::Conflict(
                baladiya_domain::ErrorCode::TrainingNotOnRoster,
            ));
        }
        let event = event(
            if whole_day {
                "training.attendance"
            } else {
                "training.attendance_scanned"
            },
            session.id,
            session.center_unit_id,
            self.now(),
            who.user_id,
            json!({"day": day, "present": present}),
        );
        self.store
            .record_attendance(
                session.id,
                day,
                present,
                whole_day,
                who.user_id,
                self.now(),
                &event,
            )
            .await?;
        Ok(())
    }

    /// The working days of a session in its center's country calendar.
    pub async fn session_days(
        &self,
        session: &TrainingSession,
    ) -> Result<Vec<NaiveDate>, AppError> {
        let country = self.store.unit(session.center_unit_id).await?.country();
        let calendar = self.calendar(country).await?;
        Ok(SessionDates::new(session.first_day, session.last_day)
            .map_err(|c| AppError::Internal(c.to_owned()))?
            .working_days(&calendar))
    }

    /// A trainee's pre- and post-test scores (0–100).
    pub async fn record_scores(
        &self,
        who: &Principal,
        session_id: i64,
        trainee: i64,
        pre: Option<i64>,
        post: Option<i64>,
    ) -> Result<(), AppError> {
        let session = self.session_of(session_id).await?;
        self.require_trainer(who, &session).await?;
        let mut fields = baladiya_domain::Fields::new();
        if let Some(p) = pre {
            fields.check("pre_score", Score::parse(p));
        }
        if let Some(p) = post {
            fields.check("post_score", Score::parse(p));
        }
        fields.finish()?;
        let event = event(
            "training.scores",
            session.id,
            session.center_unit_id,
            self.now(),
            who.user_id,
            json!({"trainee": trainee, "pre": pre, "post": post}),
        );
        self.store
            .record_scores(session.id, trainee, pre, post, &event)
            .await?;
        Ok(())
    }

    /// An accepted trainee evaluates the session, once.
    pub async fn evaluate(
        &self,
        who: &Principal,
        session_id: i64,
        ratings: [i64; 3],
        comment: Option<&str>,
    ) -> Result<Evaluation, AppError> {
        let session = self.session_of(session_id).await?;
        let roster = self.load_roster(&session).await?;
        if !roster
            .seats()
            .iter()
            .any(|s| s.trainee == who.user_id && s.status == SeatStatus::Accepted)
        {
            return Err(AppError::Conflict(
                baladiya_domain::ErrorCode::TrainingNotOnRoster,
            ));
        }
        let mut fields = baladiya_domain::Fields::new();
        let names = ["satisfaction", "trainer", "relevance"];
        let parsed: Vec<Option<Rating>> = names
            .iter()
            .zip(ratings)
            .map(|(name, stars)| fields.check(name, Rating::parse(stars)))
            .collect();
        fields.finish()?;
        let [Some(satisfaction), Some(trainer), Some(relevance)] = parsed[..] else {
            return Err(AppError::field("satisfaction", "rating-invalid"));
        };
        let event = event(
            "training.evaluated",
            session.id,
            session.center_unit_id,
            self.now(),
            who.user_id,
            json!({}),
        );
        self.store
            .record_evaluation(
                session.id,
                who.user_id,
                ratings,
                comment,
                self.now(),
                &event,
            )
            .await?;
        Ok(Evaluation {
            satisfaction,
            trainer,
            relevance,
        })
    }

    /// Each accepted trainee's outcome by the course's completion rule.
    pub async fn session_outcomes(&self, session_id: i64) -> Result<Vec<Outcome>, AppError> {
        let session = self.session_of(session_id).await?;
        let rule = CompletionRule::new(
            u8::try_from(session.min_attendance).unwrap_or(100),
            session
                .pass_score
                .map(Score::parse)
                .transpose()
                .map_err(|c| AppError::Internal(c.to_owned()))?,
        )
        .map_err(|c| AppError::Internal(c.to_owned()))?;
        let days = self.session_days(&session).await?.len() as u32;
        let attended = self.store.attendance_days(session.id).await?;
        let (_, seats) = self.store.roster(session.id).await?;
        Ok(seats
            .iter()
            .filter(|s| s.status == SeatStatus::Accepted.as_str())
            .map(|s| {
                let present = attended.get(&s.trainee_id).copied().unwrap_or(0) as u32;
                Outcome {
                    trainee_id: s.trainee_id,
                    attended: present,
                    days,
                    completion: rule.judge(
                        present,
                        days,
                        s.post_score.and_then(|p| Score::parse(p).ok()),
                    ),
                }
            })
            .collect())
    }
}
