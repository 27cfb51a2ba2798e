//! The training center's API (`/api/v1/training/…`): the public calendar,
//! a session's roster, nominations, the center's decisions, withdrawals,
//! attendance and scores, the caller's own record and the center's
//! report. Trainees are named by username, as people know them.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use baladiya_app::training::Decision;
use baladiya_app::training_records::GroupFigures;
use baladiya_app::{App, AppError, Principal};
use baladiya_domain::ErrorCode;
use baladiya_domain::people::{Permission, Role};
use baladiya_domain::training::course::Completion;
use baladiya_domain::training::report::Tally;
use baladiya_store::{SessionListing, TrainingSession};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::http::auth::ApiUser;
use crate::http::error::WebError;
use crate::http::json::{ApiJson, WebQuery, path_id};
use crate::http::state::AppState;

pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/training/sessions", get(sessions))
        .route("/training/sessions/{id}", get(session))
        .route("/training/sessions/{id}/roster", get(roster))
        .route("/training/sessions/{id}/nominations", post(nominate))
        .route("/training/sessions/{id}/decisions", post(decide))
        .route("/training/sessions/{id}/withdrawals", post(withdraw))
        .route("/training/sessions/{id}/attendance", post(attendance))
        .route("/training/sessions/{id}/scores", post(scores))
        .route("/training/me", get(me))
        .route("/training/people/{username}", get(person))
        .route("/training/report", get(report))
}

fn listing_json(s: &SessionListing) -> Value {
    json!({
        "id": s.id,
        "course": {"code": s.course_code, "name_ar": s.course_name_ar, "name_en": s.course_name_en,
            "audience_ar": s.audience_ar, "audience_en": s.audience_en, "hours": s.hours, "mode": s.mode},
        "partner": s.partner_ar.as_ref().map(|ar| json!({"name_ar": ar, "name_en": s.partner_en})),
        "center": {"name_ar": s.center_ar, "name_en": s.center_en},
        "first_day": s.first_day,
        "last_day": s.last_day,
        "venue": s.venue,
        "capacity": s.capacity,
        "accepted": s.taken,
    })
}

#[derive(Debug, Deserialize)]
struct SessionsQuery {
    from: Option<NaiveDate>,
}

/// Sessions ending on or after `from` (today by default), soonest first.
async fn sessions(
    State(state): State<AppState>,
    WebQuery(q): WebQuery<SessionsQuery>,
) -> Result<Json<Vec<Value>>, WebError> {
    let from = q.from.unwrap_or_else(|| state.app.now().date_naive());
    let listed = state
        .app
        .store
        .session_listings(Some(from))
        .await
        .map_err(AppError::from)?;
    Ok(Json(listed.iter().map(listing_json).collect()))
}

async fn session(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let id = path_id(&id)?;
    let listed = state
        .app
        .store
        .session_listings(None)
        .await
        .map_err(AppError::from)?;
    let found = listed
        .iter()
        .find(|s| s.id == id)
        .ok_or(WebError::new(ErrorCode::NotFound))?;
    Ok(Json(listing_json(found)))
}

async fn session_of(app: &App, id: &str) -> Result<TrainingSession, WebError> {
    app.store
        .training_session(path_id(id)?)
        .await
        .map_err(AppError::from)?
        .ok_or(WebError::new(ErrorCode::NotFound))
}

fn outcome_code(c: &Completion) -> &'static str {
    match c {
        Completion::Completed => "completed",
        Completion::AttendanceShort { .. } => "attendance_short",
        Completion::PostTestMissing => "post_test_missing",
        Completion::PostTestFailed { .. } => "post_test_failed",
    }
}

/// A session's roster: all of it for the center and the trainer, a head's
/// own staff for a unit head.
async fn roster(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<Value>>, WebError> {
    let app = &state.app;
    let session = session_of(app, &id).await?;
    let center = app
        .store
        .unit(session.center_unit_id)
        .await
        .map_err(AppError::from)?;
    let whole = session.trainer_id == Some(who.user_id)
        || who.access.can(Permission::ManageOrg, &center.path);
    let headed: Vec<_> = who
        .access
        .grants()
        .iter()
        .filter(|g| g.role == Role::UnitHead)
        .map(|g| g.unit.clone())
        .collect();
    if !whole && headed.is_empty() {
        return Err(AppError::from(baladiya_domain::access::Denied {
            permission: Permission::ManageOrg,
        })
        .into());
    }
    let (_, seats) = app.store.roster(session.id).await.map_err(AppError::from)?;
    let outcomes = app.session_outcomes(session.id).await?;
    let mut rows = Vec::new();
    for seat in seats {
        let unit = app.store.unit(seat.unit_id).await.map_err(AppError::from)?;
        if !whole && !headed.iter().any(|h| unit.path.is_within(h)) {
            continue;
        }
        let person = app
            .store
            .user(seat.trainee_id)
            .await
            .map_err(AppError::from)?;
        let outcome = outcomes.iter().find(|o| o.trainee_id == seat.trainee_id);
        rows.push(json!({
            "trainee": person.username,
            "name": person.full_name,
            "unit": unit.code.as_str(),
            "status": seat.status,
            "reason": seat.reason,
            "days_attended": outcome.map(|o| o.attended),
            "days": outcome.map(|o| o.days),
            "pre_score": seat.pre_score,
            "post_score": seat.post_score,
            "outcome": outcome.map(|o| outcome_code(&o.completion)),
        }));
    }
    Ok(Json(rows))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TraineeBody {
    trainee: String,
}

async fn seat_status(app: &App, session: i64, trainee: i64) -> Result<String, WebError> {
    let (_, seats) = app.store.roster(session).await.map_err(AppError::from)?;
    Ok(seats
        .into_iter()
        .find(|s| s.trainee_id == trainee)
        .map(|s| s.status)
        .unwrap_or_default())
}

/// A unit head nominates one of their staff.
async fn nominate(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TraineeBody>,
) -> Result<Response, WebError> {
    let id = path_id(&id)?;
    state.app.nominate(&who, id, &body.trainee).await?;
    let trainee = state.app.named_trainee(&body.trainee).await?;
    let status = seat_status(&state.app, id, trainee).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"trainee": body.trainee, "status": status})),
    )
        .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionBody {
    trainee: String,
    decision: String,
    #[serde(default)]
    reason: String,
}

/// The center accepts (a seat or the wait list) or declines with a reason.
async fn decide(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DecisionBody>,
) -> Result<Json<Value>, WebError> {
    let decision = match body.decision.as_str() {
        "accept" => Decision::Accept,
        "decline" => Decision::Decline {
            reason: body.reason,
        },
        _ => return Err(AppError::field("decision", "training-decision-unknown").into()),
    };
    let id = path_id(&id)?;
    let trainee = state.app.named_trainee(&body.trainee).await?;
    let status = state.app.decide(&who, id, trainee, decision).await?;
    Ok(Json(
        json!({"trainee": body.trainee, "status": status.as_str()}),
    ))
}

/// The trainee, their head or the center withdraws them; the first on
/// the wait list takes the seat.
async fn withdraw(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TraineeBody>,
) -> Result<Json<Value>, WebError> {
    let id = path_id(&id)?;
    let trainee = state.app.named_trainee(&body.trainee).await?;
    let promoted = match state.app.withdraw(&who, id, trainee).await? {
        Some(user) => Some(
            state
                .app
                .store
                .user(user)
                .await
                .map_err(AppError::from)?
                .username,
        ),
        None => None,
    };
    Ok(Json(
        json!({"trainee": body.trainee, "status": "withdrawn", "promoted": promoted}),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AttendanceBody {
    day: NaiveDate,
    present: Vec<String>,
}

/// The trainer or the center records who attended on a day (replacing
/// that day's record).
async fn attendance(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AttendanceBody>,
) -> Result<Json<Value>, WebError> {
    let id = path_id(&id)?;
    let mut present = Vec::new();
    for name in &body.present {
        present.push(state.app.named_trainee(name).await?);
    }
    state
        .app
        .take_attendance(&who, id, body.day, &present)
        .await?;
    Ok(Json(json!({"day": body.day, "present": body.present})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScoresBody {
    trainee: String,
    pre: Option<i64>,
    post: Option<i64>,
}

async fn scores(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ScoresBody>,
) -> Result<Json<Value>, WebError> {
    let id = path_id(&id)?;
    let trainee = state.app.named_trainee(&body.trainee).await?;
    state
        .app
        .record_scores(&who, id, trainee, body.pre, body.post)
        .await?;
    Ok(Json(
        json!({"trainee": body.trainee, "pre": body.pre, "post": body.post}),
    ))
}

/// The caller's training record.
async fn me(State(state): State<AppState>, ApiUser(who): ApiUser) -> Result<Json<Value>, WebError> {
    record_json(&state.app, &who, &who.username).await
}

/// A staff member's training record, for those who oversee their unit.
async fn person(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(username): Path<String>,
) -> Result<Json<Value>, WebError> {
    record_json(&state.app, &who, &username).await
}

async fn record_json(app: &App, who: &Principal, username: &str) -> Result<Json<Value>, WebError> {
    let r = app.training_record(who, username).await?;
    Ok(Json(json!({
        "username": r.username,
        "name": r.full_name,
        "hours": r.hours,
        "sessions": r.seats.iter().map(|s| json!({
            "session": s.session_id, "course_ar": s.course_name_ar, "course_en": s.course_name_en,
            "first_day": s.first_day, "last_day": s.last_day, "status": s.status,
        })).collect::<Vec<_>>(),
        "certificates": r.certificates.iter().map(|c| json!({
            "code": c.verification_code, "course_code": c.course_code,
            "course_ar": c.course_name_ar, "course_en": c.course_name_en, "hours": c.hours,
            "issued_on": c.issued_on, "status": if c.revoked_at.is_some() { "revoked" } else { "valid" },
        })).collect::<Vec<_>>(),
    })))
}

fn tally_json(t: &Tally) -> Value {
    let levels = t.levels();
    json!({
        "trainees": t.trainees,
        "completed": t.completed,
        "tested": t.tested,
        "passed": t.passed,
        "hours_delivered": t.hours_delivered,
        "completion_rate": t.completion_rate(),
        "pass_rate": t.pass_rate(),
        "learning_gain": levels.normalized,
        "points_gained": levels.points,
        "evaluations": levels.evaluations,
        "satisfaction": levels.satisfaction,
        "trainer_rating": levels.trainer,
        "relevance": levels.relevance,
        "cost_per_trainee": t.cost_per_trainee().map(|(minor, currency)| json!({"minor": minor, "currency": currency})),
    })
}

fn groups_json(groups: &[GroupFigures]) -> Vec<Value> {
    groups
        .iter()
        .map(|g| json!({"name_ar": g.name_ar, "name_en": g.name_en, "figures": tally_json(&g.tally)}))
        .collect()
}

#[derive(Debug, Deserialize)]
struct ReportQuery {
    year: Option<String>,
}

/// The center's figures over a plan year (`2025/2026`) or every year.
async fn report(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    WebQuery(q): WebQuery<ReportQuery>,
) -> Result<Json<Value>, WebError> {
    let year = q.year.filter(|y| !y.is_empty());
    let r = state.app.training_report(&who, year.as_deref()).await?;
    Ok(Json(json!({
        "years": r.years,
        "total": tally_json(&r.total),
        "sessions": r.sessions.iter().map(|s| json!({
            "id": s.session.id, "course": s.session.course_code, "first_day": s.session.first_day,
            "last_day": s.session.last_day, "trainer": s.trainer, "figures": tally_json(&s.tally),
        })).collect::<Vec<_>>(),
        "by_course": groups_json(&r.courses),
        "by_trainer": groups_json(&r.trainers),
        "by_governorate": groups_json(&r.governorates),
        "by_unit_level": r.levels.iter().map(|(kind, t)| json!({"kind": kind, "figures": tally_json(t)})).collect::<Vec<_>>(),
    })))
}
