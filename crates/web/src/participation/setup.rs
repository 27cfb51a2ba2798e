//! Opening a participatory process from the staff pages: its address,
//! Arabic and English title and summary, its unit, who may take part, the
//! supports a proposal needs, and the dates of each phase (a phase left
//! without dates is skipped).

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use baladiya_app::Principal;
use baladiya_app::participation::ProcessSpec;
use baladiya_domain::ErrorCode;
use baladiya_domain::FieldError;
use baladiya_domain::participation::phases::{Phase, PhaseKind};
use baladiya_domain::participation::voters::Eligibility;
use baladiya_domain::people::Permission;
use chrono::NaiveDate;

use crate::http::auth::{Staff, same_secret};
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::{WebForm, form_value};
use crate::http::state::AppState;
use crate::http::views::{SummaryItem, field_summary};

pub fn routes() -> Router<AppState> {
    Router::new().route("/staff/participation/new", get(form).post(open))
}

#[derive(Template)]
#[template(path = "participation/staff_process_new.html")]
struct NewPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    csrf: String,
    /// `(code, name, chosen)` of the units the user manages participation in.
    units: Vec<(String, String, bool)>,
    eligibilities: Vec<(&'static str, String)>,
    /// `(kind, name)` of every phase, in order.
    phases: Vec<(&'static str, String)>,
    typed: Vec<(String, String)>,
    errors: Vec<SummaryItem>,
}

impl NewPage<'_> {
    fn typed(&self, name: &str) -> String {
        form_value(&self.typed, name)
    }
}

async fn new_page(
    state: &AppState,
    tr: &Tr,
    who: &Principal,
    typed: Vec<(String, String)>,
    errors: Vec<SummaryItem>,
) -> Result<Result<String, askama::Error>, WebError> {
    let roots = who.access.roots(Permission::ManageParticipation);
    if roots.is_empty() {
        return Err(WebError::new(ErrorCode::Forbidden));
    }
    let chosen = form_value(&typed, "unit");
    let units = state
        .app
        .store
        .units_within(&roots)
        .await
        .map_err(baladiya_app::AppError::from)?
        .into_iter()
        .map(|u| {
            let code = u.code.to_string();
            let picked = code == chosen;
            (code, u.name.get(tr.lang()).to_owned(), picked)
        })
        .collect();
    Ok(NewPage {
        tr,
        user: Some(who),
        csrf: who.csrf_token.clone(),
        units,
        eligibilities: Eligibility::ALL
            .iter()
            .map(|e| {
                (
                    e.as_str(),
                    tr.t(&format!("participation-eligibility-{}", e.as_str())),
                )
            })
            .collect(),
        phases: PhaseKind::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str(),
                    tr.t(&format!("participation-phase-{}", k.as_str())),
                )
            })
            .collect(),
        typed,
        errors,
    }
    .render())
}

async fn form(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
) -> Result<Response, WebError> {
    let typed = vec![("threshold".to_owned(), "50".to_owned())];
    Ok(page(new_page(&state, &tr, &who, typed, Vec::new()).await?))
}

/// The form's fields as a process, or the errors of the fields that do
/// not parse (the process's own rules are the app's: [`named_for_form`]).
async fn spec(
    state: &AppState,
    pairs: &[(String, String)],
) -> Result<ProcessSpec, Vec<FieldError>> {
    let value = |name: &str| form_value(pairs, name).trim().to_owned();
    let mut errors = Vec::new();
    let mut phases = Vec::new();
    for kind in PhaseKind::ALL {
        let (starts, ends) = (
            value(&format!("{}-starts", kind.as_str())),
            value(&format!("{}-ends", kind.as_str())),
        );
        if starts.is_empty() && ends.is_empty() {
            continue;
        }
        let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
        match (day(&starts), day(&ends)) {
            (Some(starts), Some(ends)) => phases.push(Phase { kind, starts, ends }),
            _ => errors.push(FieldError::new(
                format!("{}-starts", kind.as_str()),
                "phase-dates",
            )),
        }
    }
    let eligibility = Eligibility::parse(&value("eligibility"));
    if eligibility.is_none() {
        errors.push(FieldError::new("eligibility", "eligibility-unknown"));
    }
    let threshold = baladiya_domain::country::ascii_digits(&value("threshold"))
        .parse::<i64>()
        .ok();
    if threshold.is_none() {
        errors.push(FieldError::new("threshold", "threshold-invalid"));
    }
    let unit = match baladiya_domain::org::UnitCode::parse(&value("unit")) {
        Ok(code) => state.app.store.unit_by_code(&code).await.ok().flatten(),
        Err(_) => None,
    };
    if unit.is_none() {
        errors.push(FieldError::new("unit", "unit-unknown"));
    }
    match (eligibility, threshold, unit) {
        (Some(eligibility), Some(support_threshold), Some(unit)) if errors.is_empty() => {
            Ok(ProcessSpec {
                slug: value("slug"),
                unit_id: unit.id,
                title: (value("title_ar"), value("title_en")),
                summary: (value("summary_ar"), value("summary_en")),
                eligibility,
                support_threshold,
                phases,
            })
        }
        _ => Err(errors),
    }
}

/// The app's errors of a process's phases (`phases.N`) named for the
/// form's input of that phase's first day.
fn named_for_form(fields: Vec<FieldError>, phases: &[Phase]) -> Vec<FieldError> {
    fields
        .into_iter()
        .map(|e| {
            let Some(phase) = e.field.strip_prefix("phases") else {
                return e;
            };
            let kind = phase
                .strip_prefix('.')
                .and_then(|i| i.parse::<usize>().ok())
                .and_then(|i| phases.get(i))
                .map_or(PhaseKind::Information, |p| p.kind);
            FieldError::new(format!("{}-starts", kind.as_str()), e.code)
        })
        .collect()
}

async fn open(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    WebForm(pairs): WebForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    if !same_secret(&who.csrf_token, &form_value(&pairs, "csrf")) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    let opened = match spec(&state, &pairs).await {
        Ok(spec) => match state.app.open_process(Some(&who), &spec).await {
            Ok(_) => Ok(spec.slug),
            Err(baladiya_app::AppError::Invalid(fields)) => Err(baladiya_app::AppError::Invalid(
                named_for_form(fields, &spec.phases),
            )),
            Err(e) => Err(e),
        },
        Err(fields) => Err(baladiya_app::AppError::Invalid(fields)),
    };
    match opened {
        Ok(slug) => Ok(Redirect::to(&format!("/participate/{slug}")).into_response()),
        Err(baladiya_app::AppError::Invalid(fields)) => {
            let errors = field_summary(&tr, &fields);
            let body = new_page(&state, &tr, &who, pairs, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(body)).into_response())
        }
        Err(baladiya_app::AppError::Conflict(ErrorCode::CodeTaken)) => {
            let fields = vec![FieldError::new("slug", "slug-taken")];
            let body = new_page(&state, &tr, &who, pairs, field_summary(&tr, &fields)).await?;
            Ok((StatusCode::CONFLICT, page(body)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
