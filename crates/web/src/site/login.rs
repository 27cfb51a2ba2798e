//! Staff sign in and out: the sign-in page with its throttling, and the
//! session cookie with its anti-forgery token.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use baladiya_app::{AppError, Principal};
use baladiya_domain::ErrorCode;
use baladiya_store::SessionKind;
use serde::Deserialize;

use crate::http::auth::{
    Staff, csrf_cookie, expired_session_cookie, safe_next, same_secret, session_cookie, urlencode,
    visitor_csrf, visitor_csrf_ok,
};
use crate::http::client::Client;
use crate::http::error::{WebError, message, page};
use crate::http::i18n::Tr;
use crate::http::json::{WebForm, WebQuery};
use crate::http::state::AppState;
use crate::http::views::SummaryItem;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/logout", axum::routing::post(logout))
}

#[derive(Template)]
#[template(path = "site/login.html")]
struct LoginPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    /// Where the form posts: `/login`, keeping `?next=` if there was one.
    action: String,
    csrf: String,
    username: String,
    errors: Vec<SummaryItem>,
    username_error: Option<String>,
    password_error: Option<String>,
}

fn login_action(next: Option<&str>) -> String {
    match next {
        Some(next) => format!("/login?next={}", urlencode(&safe_next(Some(next)))),
        None => "/login".to_owned(),
    }
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Shows the sign-in form; gives the browser an anti-forgery cookie first
/// if it has none.
async fn login_form(
    State(state): State<AppState>,
    tr: Tr,
    jar: CookieJar,
    WebQuery(query): WebQuery<NextQuery>,
) -> Result<Response, WebError> {
    let (jar, csrf) = visitor_csrf(jar, state.config.secure_cookies)?;
    let body = LoginPage {
        tr: &tr,
        user: None,
        action: login_action(query.next.as_deref()),
        csrf,
        username: String::new(),
        errors: Vec::new(),
        username_error: None,
        password_error: None,
    }
    .render();
    Ok((jar, page(body)).into_response())
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

async fn login(
    State(state): State<AppState>,
    tr: Tr,
    Client(client): Client,
    jar: CookieJar,
    WebQuery(query): WebQuery<NextQuery>,
    WebForm(form): WebForm<LoginForm>,
) -> Result<Response, WebError> {
    let csrf_ok = visitor_csrf_ok(&jar, &form.csrf);
    let mut errors = Vec::new();
    let mut username_error = None;
    let mut password_error = None;
    let mut retry_after = None;
    let status = if !csrf_ok {
        errors.push(SummaryItem {
            field: "username".into(),
            message: tr.t(ErrorCode::CsrfFailed.as_str()),
        });
        StatusCode::FORBIDDEN
    } else if form.username.trim().is_empty() || form.password.is_empty() {
        if form.username.trim().is_empty() {
            username_error = Some(tr.t("required"));
            errors.push(SummaryItem {
                field: "username".into(),
                message: tr.t("required"),
            });
        }
        if form.password.is_empty() {
            password_error = Some(tr.t("required"));
            errors.push(SummaryItem {
                field: "password".into(),
                message: tr.t("required"),
            });
        }
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        match state
            .app
            .login(&form.username, &form.password, SessionKind::Cookie, &client)
            .await
        {
            Ok(session) => {
                let jar = jar
                    .remove(csrf_cookie(String::new(), state.config.secure_cookies))
                    .add(session_cookie(&session, state.config.secure_cookies));
                let to = safe_next(query.next.as_deref());
                return Ok((jar, Redirect::to(&to)).into_response());
            }
            Err(
                error @ (AppError::InvalidCredentials
                | AppError::AccountLocked { .. }
                | AppError::Throttled { .. }
                | AppError::Busy),
            ) => {
                let web = WebError::from(error);
                retry_after = web.retry_after;
                let text = message(&tr, &web);
                username_error = Some(text.clone());
                errors.push(SummaryItem {
                    field: "username".into(),
                    message: text,
                });
                crate::http::error::status_of(web.code)
            }
            Err(other) => return Err(other.into()),
        }
    };
    let (jar, csrf) = visitor_csrf(jar, state.config.secure_cookies)?;
    let body = LoginPage {
        tr: &tr,
        user: None,
        action: login_action(query.next.as_deref()),
        csrf,
        username: form.username.trim().to_owned(),
        errors,
        username_error,
        password_error,
    }
    .render();
    let mut response = (status, jar, page(body)).into_response();
    if let Some(seconds) = retry_after {
        response.headers_mut().insert(
            axum::http::header::RETRY_AFTER,
            axum::http::HeaderValue::from(seconds),
        );
    }
    Ok(response)
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    jar: CookieJar,
    Staff(who): Staff,
    WebForm(form): WebForm<CsrfForm>,
) -> Result<Response, WebError> {
    if !same_secret(&who.csrf_token, &form.csrf) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    if let Some(token) = jar
        .get(crate::http::auth::SESSION_COOKIE)
        .map(|c| c.value().to_owned())
    {
        state.app.logout(&token).await?;
    }
    let jar = jar.add(expired_session_cookie(state.config.secure_cookies));
    Ok((jar, Redirect::to("/")).into_response())
}
