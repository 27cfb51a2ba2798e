//! The training center's staff pages: the plan's sessions, and a
//! session's roster with what the reader may do — a unit head nominates
//! their staff, the center accepts, wait-lists or declines, anyone with
//! the right withdraws, the trainer takes each day's attendance and the
//! test scores. Forms, no JavaScript.

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

use crate::auth::{Staff, same_secret};
use crate::error::{WebError, page};
use crate::i18n::Tr;
use crate::json::{WebForm, WebQuery};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/training", get(sessions))
        .route("/staff/training/mine", get(my_training))
        .route("/staff/training/report", get(report))
        .route("/staff/training/certificates/{code}", get(certificate))
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
#[template(path = "staff_training.html")]
struct SessionsPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    rows: Vec<SessionLine>,
}

fn dates(tr: &Tr, first: NaiveDate, last: NaiveDate) -> String {
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
#[template(path = "staff_training_session.html")]
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
    done: Option<String>,
    csrf: String,
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
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
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
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
        "attendance" => {
            let day = NaiveDate::parse_from_str(&field("day"), "%Y-%m-%d")
                .map_err(|_| AppError::field("day", "date-invalid"))?;
            let present: Vec<i64> = pairs
                .iter()
                .filter(|(k, _)| k == "present")
                .filter_map(|(_, v)| v.parse().ok())
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

#[derive(Debug)]
struct MySeat {
    course: String,
    dates: String,
    status: String,
}

#[derive(Debug)]
struct MyCertificate {
    code: String,
    course: String,
    issued: String,
    revoked: bool,
}

#[derive(Template)]
#[template(path = "staff_training_mine.html")]
struct MinePage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    seats: Vec<MySeat>,
    certificates: Vec<MyCertificate>,
}

/// A staff member's own training: sessions and certificates.
async fn my_training(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
) -> Result<Response, WebError> {
    let ar = tr.lang() == "ar";
    let store = &state.app.store;
    let seats = store
        .seats_of(who.user_id)
        .await
        .map_err(AppError::from)?
        .into_iter()
        .map(|s| MySeat {
            course: if ar {
                s.course_name_ar
            } else {
                s.course_name_en
            },
            dates: dates(&tr, s.first_day, s.last_day),
            status: tr.t(&format!("training-status-{}", s.status)),
        })
        .collect();
    let certificates = store
        .certificates_of(who.user_id)
        .await
        .map_err(AppError::from)?
        .into_iter()
        .map(|c| MyCertificate {
            code: c.verification_code,
            course: if ar {
                c.course_name_ar
            } else {
                c.course_name_en
            },
            issued: tr.date(c.issued_on),
            revoked: c.revoked_at.is_some(),
        })
        .collect();
    Ok(page(
        MinePage {
            tr: &tr,
            user: Some(&who),
            seats,
            certificates,
        }
        .render(),
    ))
}

#[derive(Template)]
#[template(path = "training_certificate.html")]
struct CertificatePage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    holder: String,
    course_ar: String,
    course_en: String,
    center_ar: String,
    center_en: String,
    hours: String,
    dates: String,
    issued: String,
    code: String,
    revoked: bool,
    qr_svg: String,
    verify_url: String,
}

/// The printable, bilingual certificate with its QR code: for its holder
/// and the center's staff (anyone else verifies the code publicly).
async fn certificate(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    headers: axum::http::HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let check = state.app.verify_certificate(&code).await?;
    let c = check.certificate;
    let center = state
        .app
        .store
        .unit(c.center_unit_id)
        .await
        .map_err(AppError::from)?;
    if c.trainee_id != who.user_id && !who.access.can(Permission::ManageOrg, &center.path) {
        return Err(WebError::new(ErrorCode::NotFound));
    }
    let verify_url = format!(
        "{}/verify/{}",
        crate::open311::base_url(&state, &headers),
        c.verification_code
    );
    Ok(page(
        CertificatePage {
            tr: &tr,
            user: Some(&who),
            holder: c.holder_name,
            course_ar: c.course_name_ar,
            course_en: c.course_name_en,
            center_ar: c.center_name_ar,
            center_en: c.center_name_en,
            hours: tr.count("training-hours", "n", c.hours),
            dates: dates(&tr, c.first_day, c.last_day),
            issued: tr.date(c.issued_on),
            qr_svg: super::public::qr_svg(&verify_url)?,
            code: c.verification_code,
            revoked: c.revoked_at.is_some(),
            verify_url,
        }
        .render(),
    ))
}

#[derive(Debug)]
struct ReportRow {
    id: i64,
    course: String,
    dates: String,
    trainees: String,
    completion: String,
    pass: String,
    hours: String,
    gain: String,
    satisfaction: String,
    trainer: String,
    relevance: String,
}

#[derive(Template)]
#[template(path = "staff_training_report.html")]
struct ReportPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    rows: Vec<ReportRow>,
    totals: ReportRow,
}

/// The center's report: per session, trainees, completion and pass
/// rates, hours delivered, learning gain and the trainees' evaluation.
async fn report(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
) -> Result<Response, WebError> {
    let figures = state.app.training_report(&who).await?;
    let share = |n: u32, of: u32| {
        if of == 0 {
            "—".to_owned()
        } else {
            tr.digits(&format!("{:.0}%", f64::from(n) * 100.0 / f64::from(of)))
        }
    };
    let mean = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |v| tr.digits(&format!("{v:.1}")));
    let gain = |v: Option<f64>| {
        v.map_or_else(
            || "—".to_owned(),
            |v| tr.digits(&format!("{:.0}%", v * 100.0)),
        )
    };
    let ar = tr.lang() == "ar";
    let rows = figures
        .iter()
        .map(|f| ReportRow {
            id: f.session_id,
            course: if ar {
                f.course_ar.clone()
            } else {
                f.course_en.clone()
            },
            dates: dates(&tr, f.first_day, f.last_day),
            trainees: tr.digits(&f.trainees.to_string()),
            completion: share(f.completed, f.trainees),
            pass: share(f.passed, f.tested),
            hours: tr.digits(&f.hours_delivered.to_string()),
            gain: gain(f.levels.normalized),
            satisfaction: mean(f.levels.satisfaction),
            trainer: mean(f.levels.trainer),
            relevance: mean(f.levels.relevance),
        })
        .collect();
    let sum = |pick: fn(&baladiya_app::training::SessionFigures) -> u32| {
        figures.iter().map(pick).sum::<u32>()
    };
    let weighted =
        |pick: fn(&baladiya_domain::training::assessment::Levels) -> Option<f64>,
         weight: fn(&baladiya_domain::training::assessment::Levels) -> u32| {
            let (total, n) = figures
                .iter()
                .fold((0.0, 0u32), |(t, n), f| match pick(&f.levels) {
                    Some(v) => (t + v * f64::from(weight(&f.levels)), n + weight(&f.levels)),
                    None => (t, n),
                });
            (n > 0).then(|| total / f64::from(n))
        };
    let totals = ReportRow {
        id: 0,
        course: tr.t("training-report-total"),
        dates: String::new(),
        trainees: tr.digits(&sum(|f| f.trainees).to_string()),
        completion: share(sum(|f| f.completed), sum(|f| f.trainees)),
        pass: share(sum(|f| f.passed), sum(|f| f.tested)),
        hours: tr.digits(
            &figures
                .iter()
                .map(|f| f.hours_delivered)
                .sum::<i64>()
                .to_string(),
        ),
        gain: gain(weighted(|l| l.normalized, |l| l.tested)),
        satisfaction: mean(weighted(|l| l.satisfaction, |l| l.evaluations)),
        trainer: mean(weighted(|l| l.trainer, |l| l.evaluations)),
        relevance: mean(weighted(|l| l.relevance, |l| l.evaluations)),
    };
    Ok(page(
        ReportPage {
            tr: &tr,
            user: Some(&who),
            rows,
            totals,
        }
        .render(),
    ))
}
