//! The training center's staff pages: the plan's sessions, and a
//! session's roster with what the reader may do — a unit head nominates
//! their staff, the center accepts, wait-lists or declines, anyone with
//! the right withdraws, the trainer takes each day's attendance and the
//! test scores. Forms, no JavaScript.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use baladiya_app::training::Decision;
use baladiya_app::training_records::GroupFigures;
use baladiya_app::{AppError, Principal};
use baladiya_domain::ErrorCode;
use baladiya_domain::Fields;
use baladiya_domain::catalog::parse_amount;
use baladiya_domain::country::Currency;
use baladiya_domain::org::UnitCode;
use baladiya_domain::people::{Permission, Role};
use baladiya_domain::training::needs::list;
use baladiya_domain::training::report::Tally;
use baladiya_store::{NewCourse, NewSession};
use chrono::Datelike;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::http::auth::{Staff, same_secret};
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::{WebForm, WebQuery};
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/training", get(sessions))
        .route("/staff/training/mine", get(my_training))
        .route("/staff/training/report", get(report))
        .route("/staff/training/needs", get(needs))
        .route("/staff/training/plan", get(plan_page))
        .route("/staff/training/plan/{what}", post(plan))
        .route("/staff/training/people/{username}", get(staff_record))
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
#[template(path = "training/staff_training.html")]
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
#[template(path = "training/staff_training_mine.html")]
struct MinePage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    /// The staff member's name when it is not the reader's own record.
    name: Option<String>,
    hours: String,
    /// The code the trainer scans at the door (the username), as a QR
    /// code; on the reader's own page only.
    attendance_qr: Option<(String, String)>,
    seats: Vec<MySeat>,
    certificates: Vec<MyCertificate>,
}

/// A staff member's own training: sessions, certificates and hours.
async fn my_training(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
) -> Result<Response, WebError> {
    let username = who.username.clone();
    record_page(&state, &tr, &who, &username).await
}

/// A staff member's training record, for those who oversee their unit.
async fn staff_record(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    Path(username): Path<String>,
) -> Result<Response, WebError> {
    record_page(&state, &tr, &who, &username).await
}

async fn record_page(
    state: &AppState,
    tr: &Tr,
    who: &Principal,
    username: &str,
) -> Result<Response, WebError> {
    let ar = tr.lang() == "ar";
    let record = state.app.training_record(who, username).await?;
    let seats = record
        .seats
        .into_iter()
        .map(|s| MySeat {
            course: if ar {
                s.course_name_ar
            } else {
                s.course_name_en
            },
            dates: dates(tr, s.first_day, s.last_day),
            status: tr.t(&format!("training-status-{}", s.status)),
        })
        .collect();
    let certificates = record
        .certificates
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
            tr,
            user: Some(who),
            attendance_qr: if record.username == who.username {
                Some((
                    crate::shop::license::qr_svg(&record.username)?,
                    record.username.clone(),
                ))
            } else {
                None
            },
            name: (record.username != who.username).then_some(record.full_name),
            hours: tr.count("training-hours", "n", record.hours),
            seats,
            certificates,
        }
        .render(),
    ))
}

#[derive(Template)]
#[template(path = "training/training_certificate.html")]
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
        crate::http::client::base_url(&state, &headers),
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
            qr_svg: crate::shop::license::qr_svg(&verify_url)?,
            code: c.verification_code,
            revoked: c.revoked_at.is_some(),
            verify_url,
        }
        .render(),
    ))
}

#[derive(Debug)]
struct ReportRow {
    name: String,
    link: Option<String>,
    trainees: String,
    completion: String,
    pass: String,
    hours: String,
    gain: String,
    satisfaction: String,
    trainer: String,
    relevance: String,
    cost: String,
}

#[derive(Debug)]
struct ReportTable {
    id: &'static str,
    title: String,
    /// The heading of the column that names each group.
    column: String,
    rows: Vec<ReportRow>,
}

#[derive(Template)]
#[template(path = "training/staff_training_report.html")]
struct ReportPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    years: Vec<String>,
    year: String,
    sessions: Vec<(ReportRow, String, String)>,
    tables: Vec<ReportTable>,
    total: ReportRow,
}

#[derive(Debug, Deserialize)]
struct ReportQuery {
    year: Option<String>,
}

/// One line of the report: a group's figures as people read them.
fn report_row(tr: &Tr, name: String, link: Option<String>, t: &Tally) -> ReportRow {
    let share = |v: Option<f64>| {
        v.map_or_else(
            || "—".to_owned(),
            |v| tr.digits(&format!("{:.0}%", v * 100.0)),
        )
    };
    let mean = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |v| tr.digits(&format!("{v:.1}")));
    let levels = t.levels();
    ReportRow {
        name,
        link,
        trainees: tr.digits(&t.trainees.to_string()),
        completion: share(t.completion_rate()),
        pass: share(t.pass_rate()),
        hours: tr.digits(&t.hours_delivered.to_string()),
        gain: share(levels.normalized),
        satisfaction: mean(levels.satisfaction),
        trainer: mean(levels.trainer),
        relevance: mean(levels.relevance),
        cost: t
            .cost_per_trainee()
            .and_then(|(minor, code)| {
                Some(crate::shop::catalog::money(
                    tr,
                    minor,
                    Currency::parse(code).ok()?,
                ))
            })
            .unwrap_or_else(|| "—".to_owned()),
    }
}

/// The center's report over a plan year: per session, course, trainer,
/// governorate and unit level, trainees, completion and pass rates, hours
/// delivered, learning gain, the trainees' evaluation and cost per trainee.
async fn report(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    WebQuery(q): WebQuery<ReportQuery>,
) -> Result<Response, WebError> {
    let year = q.year.filter(|y| !y.is_empty());
    let report = state.app.training_report(&who, year.as_deref()).await?;
    let ar = tr.lang() == "ar";
    let pick = |a: &str, e: &str| if ar { a.to_owned() } else { e.to_owned() };
    let sessions = report
        .sessions
        .iter()
        .map(|f| {
            let s = &f.session;
            (
                report_row(
                    &tr,
                    pick(&s.course_name_ar, &s.course_name_en),
                    Some(format!("/staff/training/{}", s.id)),
                    &f.tally,
                ),
                dates(&tr, s.first_day, s.last_day),
                f.trainer.clone().unwrap_or_default(),
            )
        })
        .collect();
    let groups = |groups: &[GroupFigures]| {
        groups
            .iter()
            .map(|g| report_row(&tr, pick(&g.name_ar, &g.name_en), None, &g.tally))
            .collect()
    };
    let tables = vec![
        ReportTable {
            id: "by-course",
            title: tr.t("training-report-by-course"),
            column: tr.t("training-report-col-course"),
            rows: groups(&report.courses),
        },
        ReportTable {
            id: "by-trainer",
            title: tr.t("training-report-by-trainer"),
            column: tr.t("training-trainer"),
            rows: groups(&report.trainers),
        },
        ReportTable {
            id: "by-governorate",
            title: tr.t("training-report-by-governorate"),
            column: tr.t("training-report-col-governorate"),
            rows: groups(&report.governorates),
        },
        ReportTable {
            id: "by-level",
            title: tr.t("training-report-by-level"),
            column: tr.t("training-report-col-level"),
            rows: report
                .levels
                .iter()
                .map(|(kind, t)| report_row(&tr, tr.t(&format!("kind-{kind}")), None, t))
                .collect(),
        },
    ];
    let total = report_row(&tr, tr.t("training-report-total"), None, &report.total);
    Ok(page(
        ReportPage {
            tr: &tr,
            user: Some(&who),
            years: report.years,
            year: year.unwrap_or_default(),
            sessions,
            tables,
            total,
        }
        .render(),
    ))
}

#[derive(Debug)]
struct NeedRow {
    username: String,
    name: String,
    roles: String,
    hours: String,
    missing: Vec<String>,
    /// `(session id, course, first day)`.
    suggested: Vec<(i64, String, String)>,
}

#[derive(Template)]
#[template(path = "training/staff_training_needs.html")]
struct NeedsPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    units: Vec<(String, String)>,
    unit: String,
    rows: Vec<NeedRow>,
    /// Whether the roles' needs are set at all.
    known: bool,
}

#[derive(Debug, Deserialize)]
struct NeedsQuery {
    unit: Option<String>,
}

/// A unit's training needs: each staff member's hours, the competencies
/// their roles require that they have not acquired, and the sessions to
/// come that build them (where their head nominates them).
async fn needs(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    WebQuery(q): WebQuery<NeedsQuery>,
) -> Result<Response, WebError> {
    let app = &state.app;
    let roots = who.access.roots(Permission::ViewOversight);
    let units = app
        .store
        .units_within(&roots)
        .await
        .map_err(AppError::from)?;
    let chosen = match q.unit.filter(|u| !u.is_empty()) {
        Some(code) => units.iter().find(|u| u.code.as_str() == code),
        None => units.first(),
    }
    .ok_or(WebError::new(ErrorCode::Forbidden))?;
    let needs = app.training_needs(&who, chosen).await?;
    let ar = tr.lang() == "ar";
    let competency = |code: &str| {
        needs
            .competencies
            .iter()
            .find(|c| c.code == code)
            .map_or_else(
                || code.to_owned(),
                |c| {
                    if ar {
                        c.name_ar.clone()
                    } else {
                        c.name_en.clone()
                    }
                },
            )
    };
    let rows = needs
        .staff
        .iter()
        .map(|s| NeedRow {
            username: s.username.clone(),
            name: s.full_name.clone(),
            roles: s
                .roles
                .iter()
                .map(|r| tr.t(&format!("role-name-{r}")))
                .collect::<Vec<_>>()
                .join("، "),
            hours: tr.digits(&s.hours.to_string()),
            missing: s.missing.iter().map(|c| competency(c)).collect(),
            suggested: s
                .suggested
                .iter()
                .map(|(id, course_ar, course_en, first)| {
                    (
                        *id,
                        if ar { course_ar } else { course_en }.clone(),
                        tr.date(*first),
                    )
                })
                .collect(),
        })
        .collect();
    Ok(page(
        NeedsPage {
            tr: &tr,
            user: Some(&who),
            units: units
                .iter()
                .map(|u| (u.code.as_str().to_owned(), u.name.get(tr.lang()).to_owned()))
                .collect(),
            unit: chosen.code.as_str().to_owned(),
            known: needs.requirements_known,
            rows,
        }
        .render(),
    ))
}

#[derive(Template)]
#[template(path = "training/staff_training_plan.html")]
struct PlanPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    csrf: String,
    /// `(id, name)` of the centers the reader runs.
    centers: Vec<(i64, String)>,
    /// `(id, center and course)`.
    courses: Vec<(i64, String)>,
    partners: Vec<(i64, String)>,
    /// `(code, name)`.
    competencies: Vec<(String, String)>,
    roles: Vec<(&'static str, String)>,
    /// Each competency's code and name, with the roles that need it.
    needs: Vec<(String, String, Vec<&'static str>)>,
    plan_year: String,
    /// The currency costs are entered in (the first center's country's).
    currency: &'static str,
    done: Option<String>,
    /// What was sent, shown again beside the errors.
    form: FormFields,
    errors: Vec<crate::http::views::SummaryItem>,
}

/// The label of a planning form's field, for the error summary.
fn plan_label(field: &str) -> &'static str {
    match field {
        "course" => "staff-training-course",
        "plan_year" => "training-plan-year",
        "first_day" => "training-plan-first-day",
        "last_day" => "training-plan-last-day",
        "venue" => "training-plan-venue",
        "capacity" => "staff-training-capacity",
        "trainer" => "training-plan-trainer",
        "quotas" => "training-plan-quotas",
        "cost" | "currency" => "training-plan-cost",
        "center" => "training-center",
        "code" => "training-plan-code",
        "name_ar" => "training-plan-name-ar",
        "name_en" => "training-plan-name-en",
        "objectives_ar" => "training-plan-objectives-ar",
        "objectives_en" => "training-plan-objectives-en",
        "audience_ar" => "training-plan-audience-ar",
        "audience_en" => "training-plan-audience-en",
        "roles" => "training-plan-roles",
        "competencies" | "needs" => "training-plan-competencies",
        "competency_code" => "training-plan-competency-code",
        "competency_ar" => "training-plan-name-ar",
        "competency_en" => "training-plan-name-en",
        "hours" => "training-duration",
        "mode" => "training-plan-mode",
        "partner" => "training-partner",
        "min_attendance" => "training-plan-min-attendance",
        "pass_score" => "training-plan-pass-score",
        _ => "error-summary-title",
    }
}

/// The center's planning page: a session of a course, and a course for
/// the catalog. Only for those who run a center.
async fn plan_page(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    WebQuery(q): WebQuery<DoneQuery>,
) -> Result<Response, WebError> {
    render_plan(
        &state,
        &tr,
        &who,
        q.done,
        FormFields(Vec::new()),
        Vec::new(),
    )
    .await
}

/// The planning page, with what was sent and its errors when refused.
async fn render_plan(
    state: &AppState,
    tr: &Tr,
    who: &Principal,
    done: Option<String>,
    form: FormFields,
    errors: Vec<baladiya_domain::FieldError>,
) -> Result<Response, WebError> {
    let app = &state.app;
    let centers = app.managed_centers(who).await?;
    let first = centers.first().ok_or(WebError::new(ErrorCode::Forbidden))?;
    let ar = tr.lang() == "ar";
    let name = |a: &str, e: &str| if ar { a.to_owned() } else { e.to_owned() };
    let courses = app
        .store
        .training_courses()
        .await
        .map_err(AppError::from)?
        .into_iter()
        .filter_map(|c| {
            let center = centers.iter().find(|t| t.id == c.center_id)?;
            Some((
                c.id,
                format!(
                    "{} — {} ({})",
                    name(&center.name_ar, &center.name_en),
                    name(&c.name_ar, &c.name_en),
                    c.code
                ),
            ))
        })
        .collect();
    let country = app
        .store
        .unit(first.unit_id)
        .await
        .map_err(AppError::from)?
        .country();
    let refused = !errors.is_empty();
    let competencies: Vec<(String, String)> = app
        .store
        .competencies()
        .await
        .map_err(AppError::from)?
        .into_iter()
        .map(|c| (c.code, name(&c.name_ar, &c.name_en)))
        .collect();
    let role_needs = app.store.role_needs().await.map_err(AppError::from)?;
    let today = app.today_in(country);
    let start = if today.month() >= 7 {
        today.year()
    } else {
        today.year() - 1
    };
    Ok(page(
        PlanPage {
            tr,
            user: Some(who),
            csrf: who.csrf_token.clone(),
            centers: centers
                .iter()
                .map(|c| (c.id, name(&c.name_ar, &c.name_en)))
                .collect(),
            courses,
            partners: app
                .store
                .training_partners()
                .await
                .map_err(AppError::from)?
                .into_iter()
                .map(|(id, a, e)| (id, name(&a, &e)))
                .collect(),
            needs: competencies
                .iter()
                .map(|(code, name)| {
                    let roles = Role::ALL
                        .iter()
                        .map(|r| r.as_str())
                        .filter(|r| role_needs.iter().any(|(role, c)| role == r && c == code))
                        .collect();
                    (code.clone(), name.clone(), roles)
                })
                .collect(),
            competencies,
            roles: Role::ALL
                .iter()
                .map(|r| (r.as_str(), tr.t(&format!("role-name-{}", r.as_str()))))
                .collect(),
            plan_year: format!("{start}/{}", start + 1),
            currency: country.currency().code(),
            done,
            form,
            errors: errors
                .iter()
                .map(|e| crate::http::views::SummaryItem {
                    field: e.field.clone(),
                    message: format!("{}: {}", tr.t(plan_label(&e.field)), tr.t(e.code)),
                })
                .collect(),
        }
        .render(),
    ))
    .map(|page| {
        if refused {
            (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
        } else {
            page
        }
    })
}

/// The values of a form, by name, trimmed; repeated names kept in order.
#[derive(Debug)]
struct FormFields(Vec<(String, String)>);

impl FormFields {
    /// What was sent for `name`, or `default` on a fresh form.
    fn or(&self, name: &str, default: &str) -> String {
        if self.0.is_empty() {
            default.to_owned()
        } else {
            self.get(name)
        }
    }

    /// Whether `value` was among those sent for `name`.
    fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == value)
    }

    fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn number(&self, name: &'static str, fields: &mut Fields) -> i64 {
        match self.get(name).parse() {
            Ok(n) => n,
            Err(_) => {
                fields.push(name, "number-invalid");
                0
            }
        }
    }

    fn optional_number(&self, name: &'static str, fields: &mut Fields) -> Option<i64> {
        let text = self.get(name);
        if text.is_empty() {
            return None;
        }
        text.parse()
            .map_err(|_| fields.push(name, "number-invalid"))
            .ok()
    }

    /// A day written `YYYY-MM-DD`, or the field's error.
    fn day(&self, name: &'static str) -> Result<NaiveDate, AppError> {
        NaiveDate::parse_from_str(&self.get(name), "%Y-%m-%d")
            .map_err(|_| AppError::field(name, "date-invalid"))
    }

    fn date(&self, name: &'static str, fields: &mut Fields) -> NaiveDate {
        self.day(name).unwrap_or_else(|_| {
            fields.push(name, "date-invalid");
            NaiveDate::default()
        })
    }
}

/// Plans a session or adds a course from the planning page's forms.
async fn plan(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    Path(what): Path<String>,
    WebForm(pairs): WebForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = FormFields(pairs);
    if !same_secret(&who.csrf_token, &form.get("csrf")) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    match save_plan(&state, &who, &what, &form).await {
        Err(AppError::Invalid(errors)) => render_plan(&state, &tr, &who, None, form, errors).await,
        other => Ok(other?),
    }
}

async fn save_plan(
    state: &AppState,
    who: &Principal,
    what: &str,
    form: &FormFields,
) -> Result<Response, AppError> {
    let app = &state.app;
    let mut fields = Fields::new();
    match what {
        "session" => {
            let mut quotas = Vec::new();
            for line in form
                .get("quotas")
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
            {
                let parsed = line
                    .split_once(char::is_whitespace)
                    .and_then(|(code, seats)| {
                        Some((
                            UnitCode::parse(code.trim()).ok()?,
                            seats.trim().parse::<i64>().ok()?,
                        ))
                    });
                let unit = match parsed {
                    Some((code, seats)) => {
                        app.store.unit_by_code(&code).await?.map(|u| (u.id, seats))
                    }
                    None => None,
                };
                match unit {
                    Some(quota) => quotas.push(quota),
                    None => fields.push("quotas", "training-quota-invalid"),
                }
            }
            let trainer = match form.get("trainer") {
                name if name.is_empty() => None,
                name => Some(app.trainee_id(&name, "trainer").await?),
            };
            let cost = parse_amount(&form.get("cost"))
                .map_err(|c| fields.push("cost", c))
                .unwrap_or(0);
            let session = NewSession {
                course_id: form.number("course", &mut fields),
                plan_year: form.get("plan_year"),
                first_day: form.date("first_day", &mut fields),
                last_day: form.date("last_day", &mut fields),
                venue: form.get("venue"),
                capacity: form.number("capacity", &mut fields),
                trainer_id: trainer,
                quotas,
                cost_minor: cost,
                currency: form.get("currency"),
            };
            for (name, value) in [("plan_year", &session.plan_year), ("venue", &session.venue)] {
                if value.is_empty() {
                    fields.push(name, "required");
                }
            }
            fields.finish()?;
            let id = app.plan_session(who, &session).await?;
            Ok(Redirect::to(&format!("/staff/training/{id}?done=planned")).into_response())
        }
        "course" => {
            let course = NewCourse {
                center_id: form.number("center", &mut fields),
                code: form.get("code"),
                name: (form.get("name_ar"), form.get("name_en")),
                objectives: (form.get("objectives_ar"), form.get("objectives_en")),
                audience: (form.get("audience_ar"), form.get("audience_en")),
                roles: list(form.all("roles")),
                hours: form.number("hours", &mut fields),
                mode: form.get("mode"),
                partner_id: form.optional_number("partner", &mut fields),
                competencies: list(form.all("competencies")),
                min_attendance: form.number("min_attendance", &mut fields),
                pass_score: form.optional_number("pass_score", &mut fields),
            };
            fields.finish()?;
            app.add_course(who, &course).await?;
            Ok(Redirect::to("/staff/training/plan?done=course").into_response())
        }
        "competencies" => {
            let code = form.get("competency_code");
            let mut needs: Vec<(String, String)> = form
                .all("need")
                .into_iter()
                .filter_map(|n| n.split_once(':'))
                .map(|(role, c)| (role.to_owned(), c.to_owned()))
                .collect();
            let (ar, en) = (form.get("competency_ar"), form.get("competency_en"));
            let new = (!code.is_empty() || !ar.is_empty() || !en.is_empty()).then(|| {
                for role in form.all("new_need") {
                    needs.push((role.to_owned(), code.clone()));
                }
                (code.as_str(), ar.as_str(), en.as_str())
            });
            app.set_competencies(who, new, &needs).await?;
            Ok(Redirect::to("/staff/training/plan?done=competencies").into_response())
        }
        _ => Err(AppError::NotFound),
    }
}
