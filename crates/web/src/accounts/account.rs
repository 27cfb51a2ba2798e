//! "My affairs" (`/account`): the citizen's applications with their
//! licenses and payments, their reports, and signing out.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use baladiya_app::citizens::Affairs;
use baladiya_domain::ErrorCode;
use baladiya_domain::citizens::any_mobile;
use serde::Deserialize;

use crate::http::auth::{CITIZEN_COOKIE, citizen_of};
use crate::http::auth::{cookie, same_secret};
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::WebForm;
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account", get(account))
        .route("/account/sign-out", axum::routing::post(sign_out))
}

#[derive(Debug)]
struct ApplicationLine {
    tracking: String,
    service: String,
    status: String,
    submitted: String,
    fee: String,
    license: Option<String>,
    revoked: bool,
    /// Waiting for its fee, payable online.
    payable: bool,
}

#[derive(Debug)]
struct ReportLine {
    id: i64,
    category: String,
    status: String,
    made: String,
}

#[derive(Template)]
#[template(path = "accounts/account.html")]
struct AccountPage<'a> {
    tr: &'a Tr,
    user: Option<&'a baladiya_app::Principal>,
    masked: String,
    csrf: String,
    applications: Vec<ApplicationLine>,
    reports: Vec<ReportLine>,
    notices: Vec<(String, String)>,
}

/// "My affairs": what the citizen's number finds.
async fn account(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
) -> Result<Response, WebError> {
    let Some((citizen, _)) = citizen_of(&state, &jar).await? else {
        return Ok(Redirect::to("/account/sign-in").into_response());
    };
    let Affairs {
        applications,
        payable,
        reports,
        notices,
    } = state.app.affairs(&citizen).await?;
    let lang = tr.lang();
    let applications = applications
        .into_iter()
        .map(|a| ApplicationLine {
            service: state.app.service(&a.service_code).map_or_else(
                || a.service_code.clone(),
                |p| p.service.name.get(lang).to_owned(),
            ),
            status: tr.t(&format!("status-{}", a.status)),
            submitted: tr.date(a.submitted_at.date_naive()),
            fee: match (
                a.fee_minor,
                baladiya_domain::country::Currency::parse(&a.currency),
            ) {
                (Some(minor), Ok(currency)) => crate::shop::catalog::money(&tr, minor, currency),
                _ => String::new(),
            },
            license: a.verification_code,
            revoked: a.revoked,
            payable: payable.contains(&a.tracking_number),
            tracking: a.tracking_number,
        })
        .collect();
    let categories = state.app.report_categories();
    let reports = reports
        .into_iter()
        .map(|r| ReportLine {
            id: r.id,
            category: categories
                .iter()
                .find(|c| c.code == r.category_code)
                .map_or_else(|| r.category_code.clone(), |c| c.name.get(lang).to_owned()),
            status: tr.t(&format!("report-status-{}", r.status)),
            made: tr.date(r.requested_at.date_naive()),
        })
        .collect();
    let notices = notices
        .into_iter()
        .map(|n| {
            let details: serde_json::Value = serde_json::from_str(&n.payload).unwrap_or_default();
            let about = details[if lang == "ar" {
                "service_ar"
            } else {
                "service_en"
            }]
            .as_str()
            .unwrap_or_default()
            .to_owned();
            (
                tr.date(n.created_at.date_naive()),
                format!("{} {about}", tr.t(&format!("notice-{}", n.kind))),
            )
        })
        .collect();
    let masked = any_mobile(&citizen.mobile)
        .map(|m| m.masked())
        .unwrap_or_default();
    Ok(page(
        AccountPage {
            tr: &tr,
            user: None,
            masked,
            csrf: citizen.csrf_token,
            applications,
            reports,
            notices,
        }
        .render(),
    ))
}

#[derive(Debug, Deserialize)]
struct SignOutForm {
    #[serde(default)]
    csrf: String,
}

async fn sign_out(
    State(state): State<AppState>,
    jar: CookieJar,
    WebForm(form): WebForm<SignOutForm>,
) -> Result<Response, WebError> {
    let Some((citizen, token)) = citizen_of(&state, &jar).await? else {
        return Ok(Redirect::to("/account/sign-in").into_response());
    };
    if !same_secret(&citizen.csrf_token, &form.csrf) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    state.app.sign_out_citizen(&token).await?;
    let jar = jar.add(cookie(
        CITIZEN_COOKIE,
        String::new(),
        0,
        state.config.secure_cookies,
    ));
    Ok((jar, Redirect::to("/")).into_response())
}
