//! A report's page: its details, photo and history, following it, and the
//! reporter's confirmation that it was resolved (or not); and the details
//! and history the staff's report page shares.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use baladiya_app::reports::stored_answers;
use baladiya_app::{AppError, Principal};
use baladiya_domain::ErrorCode;
use baladiya_domain::org::UnitCode;
use baladiya_domain::reports::lifecycle::{ReportAction, ReportState, apply};
use baladiya_domain::text::redact_contacts;
use baladiya_store::ReportRecord;
use serde::Deserialize;

use super::map::status_label;
use crate::drawing::maps::{MapSettings, map_settings, with_map_policy};
use crate::http::auth::{Staff, visitor_csrf, visitor_csrf_ok};
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::path_id;
use crate::http::json::{WebForm, WebQuery};
use crate::http::state::AppState;
use crate::http::views::{SummaryItem, date_time};
use crate::reports::api::reporter_action_named;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports/{id}", get(report_page))
        .route("/reports/{id}/follow", post(follow))
        .route("/reports/{id}/reporter", post(reporter))
}

/// One line of a report's history.
pub struct HistoryLine {
    pub at: String,
    pub what: String,
    pub note: String,
    pub actor: String,
}

pub(crate) async fn history(
    state: &AppState,
    tr: &Tr,
    id: i64,
    with_actors: bool,
) -> Result<Vec<HistoryLine>, WebError> {
    Ok(state
        .app
        .report_history(id)
        .await?
        .iter()
        .map(|h| {
            let detail: serde_json::Value = serde_json::from_str(&h.detail).unwrap_or_default();
            let action = h.action.strip_prefix("report.").unwrap_or(&h.action);
            let mut what = tr.t(&format!("report-event-{action}"));
            if let Some(other) = detail["duplicate_of"]
                .as_i64()
                .filter(|_| action == "merge")
            {
                what = format!("{what} #{other}");
            }
            if let Some(other) = detail["duplicate"].as_i64() {
                what = format!("{what} #{other}");
            }
            HistoryLine {
                at: date_time(tr, h.at),
                what,
                note: detail["note"].as_str().unwrap_or_default().to_owned(),
                actor: if with_actors {
                    h.actor_name.clone().unwrap_or_default()
                } else {
                    String::new()
                },
            }
        })
        .collect())
}

/// What a report page shows of a report.
pub struct ReportView {
    pub id: i64,
    pub category: String,
    pub status: &'static str,
    pub status_label: String,
    pub status_note: String,
    pub unit: String,
    pub department: String,
    pub requested: String,
    pub expected: String,
    pub address: String,
    pub description: String,
    pub lat: String,
    pub lon: String,
    pub has_photo: bool,
    pub media_url: String,
    pub duplicate_of: Option<i64>,
    /// `(question, answer)` in the reader's language.
    pub answers: Vec<(String, String)>,
    pub version: i64,
}

pub(crate) async fn report_view(
    state: &AppState,
    tr: &Tr,
    r: &ReportRecord,
) -> Result<ReportView, WebError> {
    let category = state.app.report_category(&r.category_code);
    let unit = match UnitCode::parse(&r.unit_code) {
        Ok(code) => state
            .app
            .store
            .unit_by_code(&code)
            .await
            .map_err(AppError::from)?,
        Err(_) => None,
    };
    let answers = stored_answers(r)
        .into_iter()
        .filter_map(|(code, values)| {
            let attribute = category
                .as_ref()?
                .attributes
                .iter()
                .find(|a| a.code == code)?;
            let shown: Vec<String> = values
                .iter()
                .map(|v| {
                    attribute
                        .values
                        .iter()
                        .find(|(key, _)| key == v)
                        .map_or_else(|| v.clone(), |(_, name)| name.get(tr.lang()).to_owned())
                })
                .collect();
            Some((
                attribute.description.get(tr.lang()).to_owned(),
                shown.join("، "),
            ))
        })
        .collect();
    Ok(ReportView {
        id: r.id,
        category: category.as_ref().map_or_else(
            || r.category_code.clone(),
            |c| c.name.get(tr.lang()).to_owned(),
        ),
        status: r.status.as_str(),
        status_label: status_label(tr, r.status),
        status_note: r.status_note.clone().unwrap_or_default(),
        unit: unit
            .as_ref()
            .map_or_else(|| r.unit_code.clone(), |u| u.name.get(tr.lang()).to_owned()),
        department: tr.term(
            &format!("department-{}", r.department.as_str()),
            unit.as_ref().map(|u| u.country()),
        ),
        requested: date_time(tr, r.requested_at),
        expected: tr.date(r.expected_on),
        address: r.address.clone().unwrap_or_default(),
        description: redact_contacts(&r.description),
        lat: format!("{:.6}", r.lat),
        lon: format!("{:.6}", r.lon),
        has_photo: r.photo_key.is_some(),
        media_url: r.media_url.clone().unwrap_or_default(),
        duplicate_of: r.duplicate_of,
        answers,
        version: r.version,
    })
}

#[derive(Template)]
#[template(path = "reports/report.html")]
struct ReportPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    map: MapSettings,
    report: ReportView,
    history: Vec<HistoryLine>,
    can_confirm: bool,
    can_reopen: bool,
    shown: Shown,
}

/// What a report page shows beside the report: its forms' token, a notice
/// after an action, form errors, and the reporter's key when the page was
/// opened through their private link.
#[derive(Default)]
struct Shown {
    csrf: String,
    notice: Option<String>,
    errors: Vec<SummaryItem>,
    reporter_key: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct ReportPageQuery {
    done: Option<String>,
    /// The reporter's private key (their link).
    pub(super) key: Option<String>,
}

async fn report_page(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
    staff: Option<Staff>,
    Path(id): Path<String>,
    WebQuery(q): WebQuery<ReportPageQuery>,
) -> Result<Response, WebError> {
    let user = staff.map(|s| s.0);
    let (jar, csrf) = visitor_csrf(jar, state.config.secure_cookies)?;
    let notice = match q.done.as_deref() {
        Some("followed") => Some(tr.t("report-notice-followed")),
        Some("confirm") => Some(tr.t("report-notice-confirmed")),
        Some("reopen") => Some(tr.t("report-notice-reopened")),
        _ => None,
    };
    let shown = Shown {
        csrf,
        notice,
        errors: Vec::new(),
        reporter_key: q.key,
    };
    let body = public_report(&state, &tr, user.as_ref(), path_id(&id)?, shown).await?;
    let mut response = with_map_policy(&state, (jar, page(Ok(body))).into_response());
    // A private link must not travel on in a Referer header.
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    Ok(response)
}

async fn public_report(
    state: &AppState,
    tr: &Tr,
    user: Option<&Principal>,
    id: i64,
    mut shown: Shown,
) -> Result<String, WebError> {
    let record = state.app.report(id).await?;
    // Only a key that is this report's is kept (and put in the form).
    shown.reporter_key = shown
        .reporter_key
        .filter(|key| baladiya_app::auth::same_secret(&record.token, key));
    let now = ReportState {
        status: record.status,
        reopened: record.reopened,
        confirmed: record.confirmed,
    };
    ReportPage {
        tr,
        user,
        map: map_settings(state),
        report: report_view(state, tr, &record).await?,
        history: history(state, tr, id, false).await?,
        can_confirm: apply(now, &ReportAction::Confirm).is_ok(),
        can_reopen: apply(now, &ReportAction::Reopen).is_ok(),
        shown,
    }
    .render()
    .map_err(|e| {
        tracing::error!(%e, "rendering a report");
        WebError::new(ErrorCode::Internal)
    })
}

#[derive(Deserialize)]
struct ReporterForm {
    csrf: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    note: String,
}

/// Runs a reporter's form; on a field error the page is shown again with it.
async fn reporter_form(
    state: &AppState,
    tr: &Tr,
    jar: CookieJar,
    id: i64,
    form: &ReporterForm,
    done: &str,
    result: Result<(), AppError>,
) -> Result<Response, WebError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/reports/{id}?done={done}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let (jar, csrf) = visitor_csrf(jar, state.config.secure_cookies)?;
            let errors = errors
                .iter()
                .map(|e| SummaryItem {
                    field: if e.field == "contact" {
                        "contact-follow".to_owned()
                    } else {
                        "confirm".to_owned()
                    },
                    message: tr.t(e.code),
                })
                .collect();
            let shown = Shown {
                csrf,
                notice: None,
                errors,
                reporter_key: Some(form.key.clone()),
            };
            let body = public_report(state, tr, None, id, shown).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, jar, page(Ok(body))).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

async fn follow(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
    Path(id): Path<String>,
    WebForm(form): WebForm<ReporterForm>,
) -> Result<Response, WebError> {
    if !visitor_csrf_ok(&jar, &form.csrf) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    let id = path_id(&id)?;
    let result = state.app.follow_report(id, &form.contact).await.map(|_| ());
    reporter_form(&state, &tr, jar, id, &form, "followed", result).await
}

async fn reporter(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
    Path(id): Path<String>,
    WebForm(form): WebForm<ReporterForm>,
) -> Result<Response, WebError> {
    if !visitor_csrf_ok(&jar, &form.csrf) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    let id = path_id(&id)?;
    let action = reporter_action_named(&form.action)?;
    let result = state
        .app
        .reporter_action(id, &form.key, action, &form.note)
        .await
        .map(|_| ());
    reporter_form(&state, &tr, jar, id, &form, &form.action, result).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::i18n::{I18n, Lang};
    use baladiya_domain::reports::lifecycle::ReportStatus;

    /// Keys built at run time (statuses, events, actions, channels, ages)
    /// exist in both languages.
    #[test]
    fn every_computed_key_is_translated() {
        let i18n = I18n::load().expect("translations load");
        let mut keys: Vec<String> = ReportStatus::ALL
            .iter()
            .map(|s| format!("report-status-{}", s.as_str()))
            .collect();
        for action in [
            ReportAction::Acknowledge,
            ReportAction::Start,
            ReportAction::Resolve,
            ReportAction::Reject,
            ReportAction::MergeInto(1),
            ReportAction::Confirm,
            ReportAction::Reopen,
        ] {
            keys.push(format!("report-event-{}", action.name()));
            if action.by_staff() {
                keys.push(format!("report-action-{}", action.name()));
            }
        }
        keys.extend(["submitted", "merged_in"].map(|e| format!("report-event-{e}")));
        keys.extend(["web", "api", "staff", "sensor"].map(|c| format!("report-channel-{c}")));
        keys.extend((0..4).map(|i| format!("report-age-{i}")));
        keys.extend(
            baladiya_domain::org::DepartmentKind::ALL.map(|d| format!("department-{}", d.as_str())),
        );
        for lang in [Lang::Ar, Lang::En] {
            for key in &keys {
                assert!(i18n.has(lang, key), "{key} in {lang:?}");
            }
        }
    }
}
