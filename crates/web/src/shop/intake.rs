//! Counter intake: the services a clerk may file for walk-in applicants,
//! and the application form filled at the counter.

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use baladiya_app::{AppError, Principal};
use baladiya_domain::ErrorCode;
use baladiya_domain::people::Permission;

use super::apply::{FormState, apply_page, submitted_url, typed_values};
use crate::http::auth::{Staff, same_secret};
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::multipart::multipart_of;
use crate::http::state::AppState;
use crate::shop::api::{MAX_UPLOAD_BYTES, read_multipart};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/intake", get(intake_list))
        .route(
            "/staff/intake/{code}",
            get(intake_form)
                .post(intake)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
}

#[derive(Template)]
#[template(path = "shop/staff_intake.html")]
struct IntakeListPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    services: Vec<(String, String)>,
}

/// Units where `who` may take applications, for services of `country`.
async fn intake_units(
    state: &AppState,
    who: &Principal,
    country: Option<baladiya_domain::country::Country>,
) -> Result<Vec<baladiya_domain::org::OrgUnit>, WebError> {
    let roots = who.access.roots(Permission::IntakeApplications);
    let units = state
        .app
        .store
        .units_within(&roots)
        .await
        .map_err(AppError::from)?;
    Ok(units
        .into_iter()
        .filter(|u| country.is_none_or(|c| u.country() == c))
        .collect())
}

async fn intake_list(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
) -> Result<Response, WebError> {
    let units = intake_units(&state, &who, None).await?;
    if units.is_empty() {
        return Err(WebError::new(ErrorCode::Forbidden));
    }
    let services = state
        .app
        .services()
        .into_iter()
        .filter(|p| units.iter().any(|u| u.country() == p.service.country))
        .map(|p| {
            (
                p.service.code.to_string(),
                p.service.name.get(tr.lang()).to_owned(),
            )
        })
        .collect();
    Ok(page(
        IntakeListPage {
            tr: &tr,
            user: Some(&who),
            services,
        }
        .render(),
    ))
}

async fn intake_form(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let published = state
        .app
        .service(&code)
        .ok_or(WebError::new(ErrorCode::NotFound))?;
    let units = intake_units(&state, &who, Some(published.service.country)).await?;
    if units.is_empty() {
        return Err(WebError::new(ErrorCode::Forbidden));
    }
    let mut body = apply_page(
        &tr,
        Some(&who),
        &published.service,
        FormState {
            action: format!("/staff/intake/{}", published.service.code),
            csrf: who.csrf_token.clone(),
            idempotency_key: crate::http::idempotency::new_form_key(),
            units,
            values: &BTreeMap::new(),
            errors: &[],
            held: &[],
        },
    );
    body.check_step = false;
    body.heading = format!(
        "{}: {}",
        tr.t("intake-title"),
        published.service.name.get(tr.lang())
    );
    Ok(page(body.render()))
}

async fn intake(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    Path(code): Path<String>,
    request: Request,
) -> Result<Response, WebError> {
    let published = state
        .app
        .service(&code)
        .ok_or(WebError::new(ErrorCode::NotFound))?;
    let mut parts =
        read_multipart(&state, Some(&code), multipart_of(request, &state).await?).await?;
    if !same_secret(&who.csrf_token, &parts.csrf) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    parts.submission.service = published.service.code.to_string();
    let values = typed_values(&parts);
    let (key, scoped) = crate::http::idempotency::form_key(&parts.idempotency_key);
    parts.submission.idempotency_key = Some(scoped.clone());
    match state.app.submit(parts.submission, Some(&who), "").await {
        Ok(_) => Ok(Redirect::to(&submitted_url(&published.service.code, &key)).into_response()),
        Err(AppError::Invalid(errors)) => {
            let held = state
                .app
                .store
                .held_documents(&scoped)
                .await
                .map_err(AppError::from)?;
            let units = intake_units(&state, &who, Some(published.service.country)).await?;
            let mut body = apply_page(
                &tr,
                Some(&who),
                &published.service,
                FormState {
                    action: format!("/staff/intake/{}", published.service.code),
                    csrf: who.csrf_token.clone(),
                    idempotency_key: key,
                    units,
                    values: &values,
                    errors: &errors,
                    held: &held,
                },
            );
            body.check_step = false;
            body.heading = format!(
                "{}: {}",
                tr.t("intake-title"),
                published.service.name.get(tr.lang())
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(body.render())).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
