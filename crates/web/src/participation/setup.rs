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

/// The form's fields as a process, or every field's error (a phase's
/// error names its first date's input).
async fn spec(
    state: &AppState,
    pairs: &[(String, String)],
) -> Result<ProcessSpec, Vec<FieldError>> {
    let value = |name: &str| form_value(pairs, name).trim().to_owned();
    let mut errors = Vec::new();
    let mut kinds = Vec::new();
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
            (Some(starts), Some(ends)) => {
                kinds.push(kind);
                phases.push(Phase { kind, starts, ends });
            }
            _ => errors.push(FieldError::new(
                format!("{}-starts", kind.as_str()),
                "phase-dates",
            )),
        }
    }
    if let Err(found) = baladiya_domain::participation::phases::Phases::new(phases.clone()) {
        for e in found {
            let field = e
                .field
                .strip_prefix("phases.")
                .and_then(|i| i.parse::<usize>().ok())
                .and_then(|i| kinds.get(i))
                .map_or("information-starts".to_owned(), |k| {
                    format!("{}-starts", k.as_str())
                });
            errors.push(FieldError::new(field, e.code));
        }
    }
    let eligibility = Eligibility::parse(&value("eligibility"));
    if eligibility.is_none() {
        errors.push(FieldError::new("eligibility", "eligibility-unknown"));
    }
    let threshold = baladiya_domain::country::ascii_digits(&value("threshold"))
        .parse::<i64>()
        .ok()
        .filter(|t| (1..=1_000_000).contains(t));
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
    for (name, code) in [
        ("title_ar", "participation-process-title"),
        ("title_en", "participation-process-title"),
        ("summary_ar", "participation-process-summary"),
        ("summary_en", "participation-process-summary"),
    ] {
        let text = value(name);
        let limit = if name.starts_with("title") {
            140
        } else {
            1_000
        };
        if text.chars().count() < 3
            || text.chars().count() > limit
            || baladiya_domain::text::has_forbidden_chars(&text)
        {
            errors.push(FieldError::new(name, code));
        }
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
        Ok(spec) => state
            .app
            .open_process(Some(&who), &spec)
            .await
            .map(|_| spec.slug),
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
