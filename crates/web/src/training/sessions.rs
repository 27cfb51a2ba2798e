//! The training plan's sessions for staff, and a session's roster with
//! what the reader may do: a unit head nominates their staff, the center
//! accepts, wait-lists or declines, anyone with the right withdraws, the
//! trainer takes each day's attendance and the test scores.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use baladiya_app::training::Decision;
use baladiya_app::{AppError, Principal};
use baladiya_domain::ErrorCode;
use baladiya_domain::people::{Permission, Role};
use chrono::NaiveDate;
use serde::Deserialize;

use super::plan::FormFields;
use crate::http::auth::{Staff, same_secret};
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::{WebForm, WebQuery};
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/training", get(sessions))
        .route("/staff/training/{id}", get(session_page))
        .route("/staff/training/{id}/{action}", post(act))
}

#[derive(Debug)]
struct SessionLine {
    id: i64,
    course: String,
    dates: String,
    taken: String,
}

#[derive(Template)]
#[template(path = "training/staff_training.html")]
struct SessionsPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    rows: Vec<SessionLine>,
}

pub(super) fn dates(tr: &Tr, first: NaiveDate, last: NaiveDate) -> String {
    if first == last {
        tr.date(first)
    } else {
        format!("{} – {}", tr.date(first), tr.date(last))
    }
}

async fn sessions(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
) -> Result<Response, WebError> {
    let listed = state
        .app
        .store
        .session_listings(None)
        .await
        .map_err(AppError::from)?;
    let ar = tr.lang() == "ar";
    let rows = listed
        .iter()
        .map(|s| SessionLine {
            id: s.id,
            course: if ar {
                s.course_name_ar.clone()
            } else {
                s.course_name_en.clone()
            },
            dates: dates(&tr, s.first_day, s.last_day),
            taken: tr.digits(&format!("{}/{}", s.taken, s.capacity)),
        })
        .collect();
    Ok(page(
        SessionsPage {
            tr: &tr,
            user: Some(&who),
            rows,
        }
        .render(),
    ))
}

#[derive(Debug)]
struct RosterRow {
    trainee_id: i64,
    name: String,
    unit: String,
    status: String,
    /// Waiting for the center's decision.
    open: bool,
    live: bool,
    accepted: bool,
    attended: String,
    pre: String,
    post: String,
    outcome: String,
}

#[derive(Template)]
#[template(path = "training/staff_training_session.html")]
struct SessionPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    id: i64,
    course: String,
    dates: String,
    venue: String,
    seats: String,
    rows: Vec<RosterRow>,
    /// `(username, name)` of the staff the reader may nominate.
    nominees: Vec<(String, String)>,
    manages: bool,
    trains: bool,
    days: Vec<(String, String)>,
    /// Today, chosen for scanning when it is one of the session's days.
    today: String,
    done: Option<String>,
    csrf: String,
}

#[derive(Deserialize)]
pub(super) struct DoneQuery {
    pub(super) done: Option<String>,
}

async fn session_page(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    Path(id): Path<i64>,
    WebQuery(q): WebQuery<DoneQuery>,
) -> Result<Response, WebError> {
    let app = &state.app;
    let session = app
        .store
        .training_session(id)
        .await
        .map_err(AppError::from)?
        .ok_or(WebError::new(ErrorCode::NotFound))?;
    let center = app
        .store
        .unit(session.center_unit_id)
        .await
        .map_err(AppError::from)?;
    let manages = who.access.can(Permission::ManageOrg, &center.path);
    let trains = manages || session.trainer_id == Some(who.user_id);
    let (_, seats) = app.store.roster(id).await.map_err(AppError::from)?;
    let outcomes = app.session_outcomes(id).await?;
    let mut rows = Vec::new();
    for seat in &seats {
        let person = app
            .store
            .user(seat.trainee_id)
            .await
            .map_err(AppError::from)?;
        let unit = app.store.unit(seat.unit_id).await.map_err(AppError::from)?;
        let outcome = outcomes.iter().find(|o| o.trainee_id == seat.trainee_id);
        rows.push(RosterRow {
            trainee_id: seat.trainee_id,
            name: person.full_name,
            unit: unit.name.get(tr.lang()).to_owned(),
            status: tr.t(&format!("training-status-{}", seat.status)),
            open: seat.status == "nominated" || seat.status == "wait_listed",
            live: matches!(
                seat.status.as_str(),
                "nominated" | "accepted" | "wait_listed"
            ),
            accepted: seat.status == "accepted",
            attended: outcome.map_or_else(String::new, |o| {
                tr.digits(&format!("{}/{}", o.attended, o.days))
            }),
            pre: seat.pre_score.map_or_else(String::new, |s| s.to_string()),
            post: seat.post_score.map_or_else(String::new, |s| s.to_string()),
            outcome: outcome.map_or_else(String::new, |o| {
                use baladiya_domain::training::course::Completion;
                tr.t(match o.completion {
                    Completion::Completed => "training-outcome-completed",
                    Completion::AttendanceShort { .. } => "training-outcome-attendance",
                    Completion::PostTestMissing => "training-outcome-test-missing",
                    Completion::PostTestFailed { .. } => "training-outcome-test-failed",
                })
            }),
        });
    }
    // The staff of the units the reader heads.
    let mut nominees = Vec::new();
    for grant in who
        .access
        .grants()
        .iter()
        .filter(|g| g.role == Role::UnitHead)
    {
        for c in app
            .store
            .colleagues(&grant.unit.encode())
            .await
            .map_err(AppError::from)?
        {
            if c.id != who.user_id && !nominees.iter().any(|(u, _)| u == &c.username) {
                nominees.push((c.username, c.full_name));
            }
        }
    }
    let days = app
        .session_days(&session)
        .await?
        .into_iter()
        .map(|d| (d.to_string(), tr.date(d)))
        .collect();
    Ok(page(
        SessionPage {
            tr: &tr,
            user: Some(&who),
            id,
            course: if tr.lang() == "ar" {
                session.course_name_ar.clone()
            } else {
                session.course_name_en.clone()
            },
            dates: dates(&tr, session.first_day, session.last_day),
            venue: session.venue.clone(),
            seats: tr.digits(&session.capacity.to_string()),
            rows,
            nominees,
            manages,
            trains,
            days,
            today: app.now().date_naive().to_string(),
            done: q.done,
            csrf: who.csrf_token.clone(),
        }
        .render(),
    ))
}

/// One of the session page's forms: `nominate`, `accept`, `decline`,
/// `withdraw`, `attendance`, `scores` or `certify`. Attendance repeats `present`.
async fn act(
    State(state): State<AppState>,
    Staff(who): Staff,
    Path((id, action)): Path<(i64, String)>,
    WebForm(pairs): WebForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = FormFields(pairs);
    let field = |name: &str| form.get(name);
    if !same_secret(&who.csrf_token, &field("csrf")) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    let number = |name: &'static str| {
        field(name)
            .parse::<i64>()
            .map_err(|_| AppError::field(name, "number-invalid"))
    };
    let score = |name: &'static str| -> Result<Option<i64>, AppError> {
        let text = field(name);
        if text.is_empty() {
            return Ok(None);
        }
        text.parse()
            .map(Some)
            .map_err(|_| AppError::field(name, "training-score-invalid"))
    };
    let app = &state.app;
    match action.as_str() {
        "nominate" => app.nominate(&who, id, &field("trainee")).await?,
        "accept" => {
            app.decide(&who, id, number("trainee")?, Decision::Accept)
                .await?;
        }
        "decline" => {
            let reason = field("reason");
            app.decide(&who, id, number("trainee")?, Decision::Decline { reason })
                .await?;
        }
        "withdraw" => {
            app.withdraw(&who, id, number("trainee")?).await?;
        }
        "scan" => {
            let day = form.day("day")?;
            let trainee = app.trainee_id(&field("code"), "code").await?;
            app.scan_attendance(&who, id, day, trainee).await?;
        }
        "attendance" => {
            let day = form.day("day")?;
            let present: Vec<i64> = form
                .all("present")
                .into_iter()
                .filter_map(|v| v.parse().ok())
                .collect();
            app.take_attendance(&who, id, day, &present).await?;
        }
        "certify" => {
            app.issue_certificates(&who, id).await?;
        }
        "scores" => {
            app.record_scores(&who, id, number("trainee")?, score("pre")?, score("post")?)
                .await?;
        }
        _ => return Err(WebError::new(ErrorCode::NotFound)),
    }
    Ok(Redirect::to(&format!("/staff/training/{id}?done={action}")).into_response())
}
