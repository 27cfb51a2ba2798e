//! Staff pages of the one-stop shop: the inbox (overdue first, with the
//! unit head's escalations), an application with its history and the
//! actions the user may take, documents, counter intake and the unit
//! head's overview.

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use baladiya_app::applications::{ActionRequest, ApplicationView, InboxFilter};
use baladiya_app::{AppError, Principal};
use baladiya_domain::ErrorCode;
use baladiya_domain::catalog::{Action, StepKind};
use baladiya_domain::people::Permission;
use baladiya_domain::workflow::Status;
use baladiya_store::ApplicationRecord;
use serde::Deserialize;

use super::apply::FormState;
use super::apply::apply_page;
use super::apply::submitted_url;
use super::apply::typed_values;
use super::catalog::money;
use super::license::shown_values;
use crate::http::auth::{Staff, same_secret};
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::{WebForm, WebQuery};
use crate::http::multipart::multipart_of;
use crate::http::state::AppState;
use crate::http::views::SummaryItem;
use crate::shop::api::{MAX_UPLOAD_BYTES, read_multipart};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/inbox", get(inbox))
        .route("/staff/overview", get(overview))
        .route("/staff/applications/{tracking}", get(application))
        .route("/staff/applications/{tracking}/act", post(act))
        .route("/staff/applications/{tracking}/assign", post(assign))
        .route(
            "/staff/applications/{tracking}/documents/{index}",
            get(document),
        )
        .route("/staff/intake", get(intake_list))
        .route(
            "/staff/intake/{code}",
            get(intake_form)
                .post(intake)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
}

#[derive(Debug)]
struct Row {
    tracking: String,
    service: String,
    applicant: String,
    step: String,
    due: String,
    overdue: bool,
    assignee: String,
}

#[derive(Template)]
#[template(path = "shop/staff_inbox.html")]
struct InboxPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    count_text: String,
    items: Vec<Row>,
    escalations: Vec<Row>,
    /// (code, name, selected) of the service filter.
    services: Vec<(String, String, bool)>,
    overdue_only: bool,
    mine_only: bool,
    /// The search typed, and what it found.
    query: String,
    found: Option<Vec<Row>>,
}

async fn rows(
    state: &AppState,
    tr: &Tr,
    records: Vec<ApplicationRecord>,
) -> Result<Vec<Row>, WebError> {
    let mut rows = Vec::with_capacity(records.len());
    for r in records {
        let service = state.app.service_version(r.service_version_id).await?;
        let today = state.app.today_in(service.country);
        rows.push(Row {
            step: service
                .procedure
                .step(r.step as usize)
                .map(|s| s.name.get(tr.lang()).to_owned())
                .unwrap_or_default(),
            service: service.name.get(tr.lang()).to_owned(),
            applicant: r.applicant_name,
            due: tr.date(r.step_due_on),
            overdue: r.step_due_on < today,
            tracking: r.tracking_number,
            assignee: r.assignee.unwrap_or_default(),
        });
    }
    Ok(rows)
}

#[derive(Deserialize)]
struct InboxQuery {
    service: Option<String>,
    overdue: Option<String>,
    /// Only what is assigned to me.
    mine: Option<String>,
    /// A tracking number, national ID or mobile number to find.
    q: Option<String>,
}

async fn inbox(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    WebQuery(q): WebQuery<InboxQuery>,
) -> Result<Response, WebError> {
    let filter = InboxFilter {
        service: q.service.clone().filter(|s| !s.is_empty()),
        overdue_only: q.overdue.is_some(),
    };
    let mut waiting = state.app.inbox(&who, &filter, 200).await?;
    if q.mine.is_some() {
        waiting.retain(|r| r.assigned_to == Some(who.user_id));
    }
    let items = rows(&state, &tr, waiting).await?;
    let query = q.q.clone().unwrap_or_default();
    let found = match query.trim() {
        "" => None,
        text => Some(rows(&state, &tr, state.app.find_applications(&who, text).await?).await?),
    };
    let escalations = rows(&state, &tr, state.app.escalations(&who, 200).await?).await?;
    let services = state
        .app
        .services()
        .into_iter()
        .map(|p| {
            let code = p.service.code.to_string();
            let selected = filter.service.as_deref() == Some(code.as_str());
            (code, p.service.name.get(tr.lang()).to_owned(), selected)
        })
        .collect();
    let body = InboxPage {
        tr: &tr,
        user: Some(&who),
        count_text: tr.count("inbox-count", "count", items.len() as i64),
        items,
        escalations,
        services,
        overdue_only: filter.overdue_only,
        mine_only: q.mine.is_some(),
        query,
        found,
    }
    .render();
    Ok(page(body))
}

#[derive(Debug)]
struct OverviewRow {
    name: String,
    depth: usize,
    open: i64,
    overdue: i64,
    completed: i64,
}

#[derive(Template)]
#[template(path = "shop/staff_overview.html")]
struct OverviewPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    rows: Vec<OverviewRow>,
}

async fn overview(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
) -> Result<Response, WebError> {
    if !who.access.has_anywhere(Permission::ViewOversight) {
        return Err(WebError::new(ErrorCode::Forbidden));
    }
    let counts = state.app.overview(&who).await?;
    let top = counts
        .iter()
        .map(|(u, ..)| u.path.depth())
        .min()
        .unwrap_or(1);
    let rows = counts
        .into_iter()
        .map(|(unit, open, overdue, completed)| OverviewRow {
            name: unit.name.get(tr.lang()).to_owned(),
            depth: unit.path.depth() - top + 1,
            open,
            overdue,
            completed,
        })
        .collect();
    Ok(page(
        OverviewPage {
            tr: &tr,
            user: Some(&who),
            rows,
        }
        .render(),
    ))
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
