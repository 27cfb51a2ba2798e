//! A citizen signs in: a code sent to their mobile number
//! (`/account/sign-in`, then `/account/code`) or a national sign-on
//! provider through OpenID Connect, tied to the number once.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use baladiya_app::AppError;
use baladiya_app::oidc::OidcOutcome;
use baladiya_domain::ErrorCode;
use baladiya_domain::citizens::any_mobile;
use serde::Deserialize;

use crate::http::auth::{CITIZEN_COOKIE, citizen_of};
use crate::http::auth::{cookie, cookie_until, visitor_csrf, visitor_csrf_ok};
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::{WebForm, WebQuery};
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account/sign-in", get(sign_in_form).post(send_code))
        .route("/account/code", get(code_form).post(check_code))
        .route("/account/oidc/{provider}", get(start_oidc))
        .route("/account/oidc/{provider}/callback", get(oidc_callback))
}

/// The state of a sign-in at an identity provider, binding its answer to
/// the browser that started it (SameSite=Lax: the provider's redirect back
/// is a top-level navigation, which carries it).
const OIDC_STATE_COOKIE: &str = "baladiya_oidc";
/// A provider's identity waiting for the number it will be tied to.
const OIDC_LINK_COOKIE: &str = "baladiya_link";
/// How long both live in the browser.
const OIDC_COOKIE_SECONDS: i64 = 600;

#[derive(Template)]
#[template(path = "accounts/account_sign_in.html")]
struct SignInPage<'a> {
    tr: &'a Tr,
    user: Option<&'a baladiya_app::Principal>,
    csrf: String,
    /// The number a code was sent to (E.164), on the code step.
    mobile: Option<String>,
    masked: String,
    typed: String,
    errors: Vec<crate::http::views::SummaryItem>,
    /// National sign-on providers: their key and name.
    providers: Vec<(String, String)>,
    /// The provider whose identity this sign-in will tie to the number.
    linking: Option<String>,
}

fn summary(
    tr: &Tr,
    errors: &[baladiya_domain::FieldError],
) -> Vec<crate::http::views::SummaryItem> {
    errors
        .iter()
        .map(|e| crate::http::views::SummaryItem {
            field: e.field.clone(),
            message: tr.t(e.code),
        })
        .collect()
}

async fn sign_in_page(
    state: &AppState,
    tr: &Tr,
    jar: CookieJar,
    mobile: Option<String>,
    typed: String,
    errors: &[baladiya_domain::FieldError],
    status: StatusCode,
) -> Result<Response, WebError> {
    let linking = match jar.get(OIDC_LINK_COOKIE) {
        Some(link) => state
            .app
            .pending_identity(link.value())
            .await?
            .map(|p| provider_name(tr, p)),
        None => None,
    };
    let providers = state
        .app
        .settings
        .oidc
        .iter()
        .map(|p| (p.key.clone(), provider_name(tr, p)))
        .collect();
    let (jar, csrf) = visitor_csrf(jar, state.config.secure_cookies)?;
    let masked = mobile
        .as_deref()
        .and_then(|m| any_mobile(m).ok())
        .map(|m| m.masked())
        .unwrap_or_default();
    let body = SignInPage {
        tr,
        user: None,
        csrf,
        mobile,
        masked,
        typed,
        errors: summary(tr, errors),
        providers,
        linking,
    }
    .render();
    Ok((status, jar, page(body)).into_response())
}

async fn sign_in_form(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
) -> Result<Response, WebError> {
    if citizen_of(&state, &jar).await?.is_some() {
        return Ok(Redirect::to("/account").into_response());
    }
    sign_in_page(&state, &tr, jar, None, String::new(), &[], StatusCode::OK).await
}

fn provider_name(tr: &Tr, provider: &baladiya_app::oidc::OidcProvider) -> String {
    if tr.lang() == "ar" {
        provider.name_ar.clone()
    } else {
        provider.name_en.clone()
    }
}

#[derive(Debug, Deserialize)]
struct MobileForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    mobile: String,
}

/// Sends a code, then asks for it.
async fn send_code(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
    crate::http::client::Client(client): crate::http::client::Client,
    WebForm(form): WebForm<MobileForm>,
) -> Result<Response, WebError> {
    if !visitor_csrf_ok(&jar, &form.csrf) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    match state.app.send_sign_in_code(&form.mobile, &client).await {
        Ok(number) => Ok(Redirect::to(&format!(
            "/account/code?mobile={}",
            crate::http::auth::urlencode(number.as_e164())
        ))
        .into_response()),
        Err(AppError::Invalid(errors)) => {
            sign_in_page(
                &state,
                &tr,
                jar,
                None,
                form.mobile,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Deserialize)]
struct CodeQuery {
    mobile: Option<String>,
}

async fn code_form(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
    WebQuery(q): WebQuery<CodeQuery>,
) -> Result<Response, WebError> {
    let Some(mobile) = q.mobile.filter(|m| any_mobile(m).is_ok()) else {
        return Ok(Redirect::to("/account/sign-in").into_response());
    };
    sign_in_page(
        &state,
        &tr,
        jar,
        Some(mobile),
        String::new(),
        &[],
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Deserialize)]
struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    mobile: String,
    #[serde(default)]
    code: String,
}

/// Checks the code: signed in (a new session cookie), or the code step
/// again with what was wrong.
async fn check_code(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
    crate::http::client::Client(client): crate::http::client::Client,
    WebForm(form): WebForm<CodeForm>,
) -> Result<Response, WebError> {
    if !visitor_csrf_ok(&jar, &form.csrf) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    let link = jar.get(OIDC_LINK_COOKIE).map(|c| c.value().to_owned());
    match state
        .app
        .sign_in_with_code(&form.mobile, &form.code, &client, link.as_deref())
        .await
    {
        Ok(signed_in) => {
            let secure = state.config.secure_cookies;
            let mut jar = signed_in_jar(jar, signed_in, secure);
            if link.is_some() {
                jar = jar.add(cookie(OIDC_LINK_COOKIE, String::new(), 0, secure));
            }
            Ok((jar, Redirect::to("/account")).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            sign_in_page(
                &state,
                &tr,
                jar,
                Some(form.mobile),
                String::new(),
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

/// The jar with the new session's cookie.
fn signed_in_jar(
    jar: CookieJar,
    signed_in: baladiya_app::citizens::CitizenSignIn,
    secure: bool,
) -> CookieJar {
    jar.add(cookie_until(
        CITIZEN_COOKIE,
        signed_in.token,
        signed_in.expires_at,
        secure,
    ))
}

/// Sends the citizen to the identity provider, the sign-in's state in
/// their browser.
async fn start_oidc(
    State(state): State<AppState>,
    jar: CookieJar,
    crate::http::client::Client(client): crate::http::client::Client,
    axum::extract::Path(provider): axum::extract::Path<String>,
) -> Result<Response, WebError> {
    let started = state.app.start_oidc(&provider, &client).await?;
    let jar = jar.add(cookie(
        OIDC_STATE_COOKIE,
        started.state,
        OIDC_COOKIE_SECONDS,
        state.config.secure_cookies,
    ));
    Ok((jar, Redirect::to(&started.authorize_url)).into_response())
}

#[derive(Debug, Deserialize)]
struct OidcAnswer {
    #[serde(default)]
    code: String,
    #[serde(default)]
    state: String,
    /// Set when the provider did not sign the citizen in (they declined,
    /// or it failed).
    error: Option<String>,
}

/// The provider's answer: signed in, or asked for a number to tie the
/// identity to, or refused (`identity-refused`, `sign-in-expired`).
async fn oidc_callback(
    State(state): State<AppState>,
    jar: CookieJar,
    axum::extract::Path(provider): axum::extract::Path<String>,
    WebQuery(answer): WebQuery<OidcAnswer>,
) -> Result<Response, WebError> {
    let secure = state.config.secure_cookies;
    let browser_state = jar
        .get(OIDC_STATE_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    let jar = jar.add(cookie(OIDC_STATE_COOKIE, String::new(), 0, secure));
    if let Some(error) = answer.error {
        tracing::info!(%provider, %error, "the identity provider did not sign the citizen in");
        return Err(WebError::new(ErrorCode::IdentityRefused));
    }
    let outcome = state
        .app
        .finish_oidc(&provider, &answer.state, &browser_state, &answer.code)
        .await?;
    Ok(match outcome {
        OidcOutcome::SignedIn(signed_in) => (
            signed_in_jar(jar, signed_in, secure),
            Redirect::to("/account"),
        )
            .into_response(),
        OidcOutcome::NeedsMobile { link } => {
            let jar = jar.add(cookie(OIDC_LINK_COOKIE, link, OIDC_COOKIE_SECONDS, secure));
            (jar, Redirect::to("/account/sign-in")).into_response()
        }
    })
}
