//! One application as staff handle it: its details, documents and
//! history, the actions the reader may take, and who works on it (the
//! assignment block the reports' staff pages share).

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use baladiya_app::applications::{ActionRequest, ApplicationView};
use baladiya_app::{AppError, Principal};
use baladiya_domain::ErrorCode;
use baladiya_domain::catalog::{Action, StepKind};
use baladiya_domain::people::Permission;
use baladiya_domain::workflow::Status;
use serde::Deserialize;

use super::catalog::money;
use super::license::shown_values;
use crate::http::auth::{Staff, same_secret};
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::{WebForm, WebQuery};
use crate::http::state::AppState;
use crate::http::views::SummaryItem;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/applications/{tracking}", get(application))
        .route("/staff/applications/{tracking}/act", post(act))
        .route("/staff/applications/{tracking}/assign", post(assign))
        .route(
            "/staff/applications/{tracking}/documents/{index}",
            get(document),
        )
}

/// An action button the user may press, with what it needs.
#[derive(Debug)]
struct ActionForm {
    action: &'static str,
    label: String,
    reason: bool,
    receipt: bool,
    departments: Vec<(String, String)>,
    /// On a return: (code, name) of the documents the officer may mark
    /// for the applicant to replace.
    documents: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "shop/staff_application.html")]
struct ApplicationPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    errors: Vec<SummaryItem>,
    /// What the officer just did, said back to them.
    notice: Option<String>,
    /// The service's country code, for the terms that differ by country.
    country: &'static str,
    /// Who works on it, and whom it may be given to (heads of the unit
    /// choose; others may take it).
    assignment: Assignment,
    /// The property's location, when the service asks for one: (lat, lon).
    place: Option<(f64, f64)>,
    map: crate::drawing::maps::MapSettings,
    csrf: String,
    tracking: String,
    service: String,
    status: String,
    step: Option<String>,
    unit: String,
    /// Name, ID number, mobile, e-mail.
    applicant: (String, String, String, Option<String>),
    channel: String,
    /// The current step's due date (none once decided).
    step_due: Option<String>,
    due: String,
    fee: Option<String>,
    license: Option<String>,
    version: i64,
    values: Vec<(String, String)>,
    documents: Vec<(usize, String, String)>,
    actions: Vec<ActionForm>,
    history: Vec<(String, String, String, String)>,
}

/// The actions `who` may take on the application's current step.
fn actions_for(tr: &Tr, who: &Principal, view: &ApplicationView) -> Vec<ActionForm> {
    let status = view.status();
    let Some(step) = view.current_step().filter(|_| status == Status::InProgress) else {
        return Vec::new();
    };
    let path = &view.unit.path;
    let approved = view.approvals();
    let departments: Vec<_> = step
        .kind
        .departments()
        .into_iter()
        .filter(|d| !approved.contains(d) && who.access.can_act_as(step.role, path, *d))
        .collect();
    if departments.is_empty() {
        return Vec::new();
    }
    let parallel = matches!(step.kind, StepKind::ParallelApprovals { .. });
    step.actions
        .iter()
        .map(|a| ActionForm {
            action: a.as_str(),
            label: tr.t_with(
                &format!("action-{}", a.as_str()),
                "kind",
                view.service.issues.as_str(),
            ),
            reason: a.needs_reason(),
            receipt: *a == Action::RecordPayment,
            departments: if parallel {
                departments
                    .iter()
                    .map(|d| {
                        (
                            d.as_str().to_owned(),
                            tr.term(
                                &format!("department-{}", d.as_str()),
                                Some(view.service.country),
                            ),
                        )
                    })
                    .collect()
            } else {
                Vec::new()
            },
            documents: if *a == Action::ReturnForCompletion {
                view.service
                    .documents
                    .iter()
                    .map(|d| (d.code.clone(), d.name.get(tr.lang()).to_owned()))
                    .collect()
            } else {
                Vec::new()
            },
        })
        .collect()
}

/// Where the application's property is, from the service's location
/// field (`lat, lon`).
fn property_location(view: &ApplicationView) -> Option<(f64, f64)> {
    let form: BTreeMap<String, String> = serde_json::from_str(&view.record.form).ok()?;
    view.service
        .fields
        .iter()
        .filter(|f| matches!(f.kind, baladiya_domain::catalog::FieldKind::GeoPoint))
        .find_map(|f| {
            let (lat, lon) = form.get(&f.code)?.split_once(',')?;
            Some((lat.trim().parse().ok()?, lon.trim().parse().ok()?))
        })
}

fn application_page<'a>(
    state: &AppState,
    tr: &'a Tr,
    who: &'a Principal,
    view: &ApplicationView,
    errors: Vec<SummaryItem>,
) -> ApplicationPage<'a> {
    let lang = tr.lang();
    let r = &view.record;
    let status = view.status();
    let values = shown_values(tr, view)
        .into_iter()
        .map(|(_, label, value)| (label, value))
        .collect();
    ApplicationPage {
        tr,
        user: Some(who),
        errors,
        notice: None,
        country: view.service.country.code(),
        place: property_location(view),
        assignment: Assignment::default(),
        map: crate::drawing::maps::map_settings(state),
        csrf: who.csrf_token.clone(),
        tracking: r.tracking_number.clone(),
        service: view.service.name.get(lang).to_owned(),
        status: tr.t(&format!("status-{}", status.as_str())),
        step: (!status.is_final())
            .then(|| view.current_step().map(|s| s.name.get(lang).to_owned()))
            .flatten(),
        unit: view.unit.name.get(lang).to_owned(),
        applicant: (
            r.applicant_name.clone(),
            r.applicant_id_number.clone(),
            r.applicant_phone.clone(),
            r.applicant_email.clone(),
        ),
        channel: tr.term(
            &format!("channel-{}", r.channel),
            Some(view.service.country),
        ),
        // The current step's own date, beside the application's.
        step_due: (!status.is_final()).then(|| tr.date(r.step_due_on)),
        due: tr.date(r.due_on),
        fee: r.fee_minor.map(|m| money(tr, m, view.service.currency())),
        license: view.issuance.as_ref().map(|i| i.verification_code.clone()),
        version: r.version,
        values,
        documents: view
            .documents
            .iter()
            .enumerate()
            .map(|(i, (code, name, kind, size))| {
                let label = view
                    .service
                    .documents
                    .iter()
                    .find(|d| &d.code == code)
                    .map_or(code.clone(), |d| d.name.get(lang).to_owned());
                (
                    i,
                    label,
                    format!(
                        "{name} · {} · {}",
                        kind.to_uppercase(),
                        crate::shop::views::file_size(tr, *size)
                    ),
                )
            })
            .collect(),
        actions: actions_for(tr, who, view),
        history: view
            .history
            .iter()
            .map(|h| {
                let line = crate::shop::track::HistoryLine::new(tr, h);
                let who = h
                    .actor_name
                    .clone()
                    .unwrap_or_else(|| tr.t("the-applicant"));
                (line.at, line.what, who, line.comment)
            })
            .collect(),
    }
}

/// The assignment block of a staff page.
#[derive(Debug, Default)]
pub struct Assignment {
    pub assignee: Option<String>,
    /// Username of the one it is assigned to, among the colleagues (for
    /// the head's choice).
    pub assigned: Option<String>,
    /// (username, name) of the colleagues a head may choose from; empty
    /// when the viewer may not assign to others.
    pub colleagues: Vec<(String, String)>,
    /// The viewer may take it.
    pub can_take: bool,
}

impl Assignment {
    /// What `who` may do about who works on something in the unit at `path`.
    pub async fn of(
        state: &AppState,
        who: &Principal,
        path: &baladiya_domain::org::UnitPath,
        assigned_to: Option<i64>,
        assignee: Option<String>,
        work: &[Permission],
    ) -> Result<Assignment, WebError> {
        // Only a head chooses among colleagues: others need no list.
        let colleagues = if who.access.can(Permission::ViewOversight, path) {
            state.app.colleagues(path).await?
        } else {
            Vec::new()
        };
        Ok(Assignment {
            assignee,
            can_take: assigned_to != Some(who.user_id)
                && work.iter().any(|p| who.access.can(*p, path)),
            assigned: colleagues
                .iter()
                .find(|c| Some(c.id) == assigned_to)
                .map(|c| c.username.clone()),
            colleagues: colleagues
                .into_iter()
                .map(|c| (c.username, c.full_name))
                .collect(),
        })
    }
}

#[derive(Deserialize)]
pub(crate) struct AssignForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub assignee: String,
}

async fn assign(
    State(state): State<AppState>,
    Staff(who): Staff,
    Path(tracking): Path<String>,
    WebForm(form): WebForm<AssignForm>,
) -> Result<Response, WebError> {
    if !same_secret(&who.csrf_token, &form.csrf) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    state
        .app
        .assign_application(&who, &tracking, &form.assignee)
        .await?;
    Ok(Redirect::to(&format!("/staff/applications/{tracking}?done=assigned")).into_response())
}

#[derive(Deserialize)]
struct DoneQuery {
    /// The action just taken (after its redirect).
    done: Option<String>,
}

async fn application(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    Path(tracking): Path<String>,
    WebQuery(q): WebQuery<DoneQuery>,
) -> Result<Response, WebError> {
    let view = state.app.application_for(&who, &tracking).await?;
    let mut body = application_page(&state, &tr, &who, &view, Vec::new());
    body.assignment = Assignment::of(
        &state,
        &who,
        &view.unit.path,
        view.record.assigned_to,
        view.record.assignee.clone(),
        baladiya_app::assignment::APPLICATION_WORK,
    )
    .await?;
    body.notice = q.done.and_then(|done| match Action::parse(&done) {
        Ok(action) => Some(format!(
            "{} {}",
            tr.t("action-done"),
            tr.t_with(
                &format!("action-{}", action.as_str()),
                "kind",
                view.service.issues.as_str()
            )
        )),
        Err(_) => (done == "assigned").then(|| tr.t("assignment-done")),
    });
    Ok(crate::drawing::maps::with_map_policy(
        &state,
        page(body.render()),
    ))
}

#[derive(Deserialize)]
struct ActForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    action: String,
    department: Option<String>,
    #[serde(default)]
    comment: String,
    receipt_number: Option<String>,
}

async fn act(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    Path(tracking): Path<String>,
    WebForm(pairs): WebForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    // The ticked `to_correct` boxes (one per document) repeat a name, which
    // a struct cannot take: they are read apart from the rest.
    let (to_correct, rest): (Vec<_>, Vec<_>) = pairs
        .into_iter()
        .partition(|(name, _)| name == "to_correct");
    let form: ActForm = serde_urlencoded::to_string(&rest)
        .ok()
        .and_then(|text| serde_urlencoded::from_str(&text).ok())
        .ok_or(WebError::new(ErrorCode::MalformedBody))?;
    if !same_secret(&who.csrf_token, &form.csrf) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    let request = ActionRequest {
        action: form.action,
        department: form.department,
        comment: form.comment,
        receipt_number: form.receipt_number,
        expected_version: form.version,
        to_correct: to_correct.into_iter().map(|(_, code)| code).collect(),
    };
    match state.app.act(&who, &tracking, &request).await {
        Ok(view) => Ok(Redirect::to(&format!(
            "/staff/applications/{}?done={}",
            view.record.tracking_number,
            request.action.trim()
        ))
        .into_response()),
        Err(error @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let web = WebError::from(error);
            let status = crate::http::error::status_of(web.code);
            let mut errors: Vec<SummaryItem> = web
                .fields
                .iter()
                .map(|f| SummaryItem {
                    field: "main".into(),
                    message: tr.t(f.code),
                })
                .collect();
            if errors.is_empty() {
                errors.push(SummaryItem {
                    field: "main".into(),
                    message: tr.t(web.code.as_str()),
                });
            }
            let view = state.app.application_for(&who, &tracking).await?;
            Ok((
                status,
                page(application_page(&state, &tr, &who, &view, errors).render()),
            )
                .into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// Streams one document of an application to staff who may see it.
async fn document(
    State(state): State<AppState>,
    Staff(who): Staff,
    Path((tracking, index)): Path<(String, usize)>,
) -> Result<Response, WebError> {
    let view = state.app.application_for(&who, &tracking).await?;
    let key = state
        .app
        .store
        .document_keys(view.record.id)
        .await
        .map_err(AppError::from)?
        .into_iter()
        .nth(index)
        .ok_or(WebError::new(ErrorCode::NotFound))?;
    let bytes = state.app.blobs.get(&key.1).await?;
    let content_type = match key.0.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        _ => "image/jpeg",
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, "inline"),
        ],
        bytes,
    )
        .into_response())
}
