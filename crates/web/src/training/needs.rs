//! Training needs: who in a unit still lacks the courses their role
//! calls for, and the sessions that would meet them.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use baladiya_app::{AppError, Principal};
use baladiya_domain::ErrorCode;
use baladiya_domain::people::Permission;
use serde::Deserialize;

use crate::http::auth::Staff;
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::WebQuery;
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/staff/training/needs", get(needs))
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
