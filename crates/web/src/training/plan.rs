//! The training plan as the center writes it: courses, sessions, trainers
//! and venues, entered and corrected through forms.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use baladiya_app::{AppError, Principal};
use baladiya_domain::catalog::parse_amount;
use baladiya_domain::org::UnitCode;
use baladiya_domain::people::Role;
use baladiya_domain::training::needs::list;
use baladiya_domain::{ErrorCode, Fields};
use baladiya_store::{NewCourse, NewSession};
use chrono::{Datelike, NaiveDate};

use super::sessions::DoneQuery;
use crate::http::auth::{Staff, same_secret};
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::{WebForm, WebQuery};
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/training/plan", get(plan_page))
        .route("/staff/training/plan/{what}", post(plan))
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
pub(super) struct FormFields(pub(super) Vec<(String, String)>);

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

    pub(super) fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    }

    pub(super) fn all(&self, name: &str) -> Vec<&str> {
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
    pub(super) fn day(&self, name: &'static str) -> Result<NaiveDate, AppError> {
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
