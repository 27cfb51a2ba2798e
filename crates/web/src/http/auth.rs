//! Who is asking: session cookies for pages (HttpOnly, SameSite, CSRF token
//! on every form) and bearer tokens for the API.

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use baladiya_app::{AppError, IssuedSession, Principal};
use baladiya_domain::ErrorCode;
use baladiya_store::SessionKind;

use crate::http::error::WebError;
use crate::http::state::AppState;

pub const SESSION_COOKIE: &str = "baladiya_session";
pub const CSRF_COOKIE: &str = "baladiya_csrf";

/// A signed-in staff member on a page. Without a valid session the
/// request is sent to the sign-in page.
#[derive(Debug, Clone)]
pub struct Staff(pub Principal);

/// A caller of the API, identified by `Authorization: Bearer <token>`.
#[derive(Debug, Clone)]
pub struct ApiUser(pub Principal);

async fn from_cookie(parts: &Parts, state: &AppState) -> Result<Option<Principal>, AppError> {
    let jar = CookieJar::from_headers(&parts.headers);
    let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) else {
        return Ok(None);
    };
    match state.app.authenticate(&token, SessionKind::Cookie).await {
        Ok(principal) => Ok(Some(principal)),
        Err(AppError::Unauthenticated) => Ok(None),
        Err(other) => Err(other),
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match from_cookie(parts, state).await {
            Ok(Some(principal)) => Ok(Staff(principal)),
            Ok(None) => {
                let next = parts.uri.path();
                Err(Redirect::to(&format!("/login?next={}", urlencode(next))).into_response())
            }
            Err(error) => Err(WebError::from(error).into_response()),
        }
    }
}

impl OptionalFromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Response> {
        from_cookie(parts, state)
            .await
            .map(|p| p.map(Staff))
            .map_err(|e| WebError::from(e).into_response())
    }
}

/// The token of an `Authorization: Bearer` header: `None` without the
/// header; refused with a malformed one.
fn bearer_token(headers: &HeaderMap) -> Result<Option<&str>, WebError> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .map(Some)
        .ok_or(WebError::new(ErrorCode::Unauthenticated))
}

/// The caller named by an `Authorization: Bearer` header: `None` without
/// the header; refused (never anonymous) with a bad one.
pub async fn bearer_principal(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Principal>, WebError> {
    let Some(token) = bearer_token(headers)? else {
        return Ok(None);
    };
    Ok(Some(
        state.app.authenticate(token, SessionKind::Bearer).await?,
    ))
}

/// A citizen calling the API with the token `POST /api/v1/account/sessions`
/// gave them (a mobile app's session).
#[derive(Debug, Clone)]
pub struct CitizenApi(pub baladiya_store::CitizenSession);

impl FromRequestParts<AppState> for CitizenApi {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let token =
            bearer_token(&parts.headers)?.ok_or(WebError::new(ErrorCode::Unauthenticated))?;
        state
            .app
            .citizen(token)
            .await?
            .map(CitizenApi)
            .ok_or(WebError::new(ErrorCode::Unauthenticated))
    }
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        bearer_principal(state, &parts.headers)
            .await?
            .map(ApiUser)
            .ok_or(WebError::new(ErrorCode::Unauthenticated))
    }
}

/// Percent-encodes a path for a `?next=` parameter.
pub fn urlencode(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// A path on this site to go back to after signing in, or `/staff`.
///
/// Browsers drop tabs and line breaks from URLs (WHATWG URL), so
/// `/\t/evil.example` would become `//evil.example`, another site: any
/// control or white-space character, a backslash, or a second leading
/// slash refuses the path.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path
                    .chars()
                    .any(|c| c == '\\' || c.is_control() || c.is_whitespace()) =>
        {
            path.to_owned()
        }
        _ => "/staff".to_owned(),
    }
}

pub use baladiya_app::auth::same_secret;

/// A site-wide HttpOnly cookie (SameSite=Strict for the anti-forgery one,
/// Lax for the others).
pub(crate) fn cookie(
    name: &'static str,
    value: String,
    max_age_secs: i64,
    secure: bool,
) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(if name == CSRF_COOKIE {
            SameSite::Strict
        } else {
            SameSite::Lax
        })
        .secure(secure)
        .max_age(cookie::time::Duration::seconds(max_age_secs))
        .build()
}

/// A site cookie that lives until `expires_at` (a session's end).
pub(crate) fn cookie_until(
    name: &'static str,
    value: String,
    expires_at: chrono::DateTime<chrono::Utc>,
    secure: bool,
) -> Cookie<'static> {
    let seconds = (expires_at - chrono::Utc::now()).num_seconds().max(0);
    cookie(name, value, seconds, secure)
}

pub fn session_cookie(session: &IssuedSession, secure: bool) -> Cookie<'static> {
    cookie_until(
        SESSION_COOKIE,
        session.token.clone(),
        session.expires_at,
        secure,
    )
}

pub fn expired_session_cookie(secure: bool) -> Cookie<'static> {
    cookie(SESSION_COOKIE, String::new(), 0, secure)
}

/// The anti-forgery token of an anonymous visitor: the one in their cookie,
/// or a new one added to the jar.
pub fn visitor_csrf(jar: CookieJar, secure: bool) -> Result<(CookieJar, String), WebError> {
    match jar.get(CSRF_COOKIE).map(|c| c.value().to_owned()) {
        Some(token) if token.len() == 64 => Ok((jar, token)),
        _ => {
            let token = baladiya_app::auth::random_token()?;
            Ok((jar.add(csrf_cookie(token.clone(), secure)), token))
        }
    }
}

/// A staff form must carry its session's anti-forgery token:
/// `csrf-failed` otherwise.
pub fn require_staff_csrf(who: &Principal, submitted: &str) -> Result<(), WebError> {
    if same_secret(&who.csrf_token, submitted) {
        Ok(())
    } else {
        Err(WebError::new(ErrorCode::CsrfFailed))
    }
}

/// Whether a submitted form carries the visitor's anti-forgery token.
pub fn visitor_csrf_ok(jar: &CookieJar, submitted: &str) -> bool {
    jar.get(CSRF_COOKIE)
        .is_some_and(|c| !c.value().is_empty() && same_secret(c.value(), submitted))
}

/// The anti-forgery cookie for forms shown before signing in (double submit).
pub fn csrf_cookie(token: String, secure: bool) -> Cookie<'static> {
    cookie(CSRF_COOKIE, token, 2 * 3600, secure)
}

/// The citizen's session cookie (HttpOnly, SameSite=Lax).
pub const CITIZEN_COOKIE: &str = "baladiya_citizen";

/// The signed-in citizen of a request, if any.
pub async fn citizen_of(
    state: &AppState,
    jar: &axum_extra::extract::CookieJar,
) -> Result<Option<(baladiya_store::CitizenSession, String)>, WebError> {
    let Some(token) = jar.get(CITIZEN_COOKIE).map(|c| c.value().to_owned()) else {
        return Ok(None);
    };
    Ok(state.app.citizen(&token).await?.map(|c| (c, token)))
}

/// The signed-in citizen sending a form, once its `csrf` field matches
/// their session's; `unauthenticated` or `csrf-failed` otherwise.
pub async fn citizen_sending(
    state: &AppState,
    jar: &axum_extra::extract::CookieJar,
    pairs: &[(String, String)],
) -> Result<baladiya_store::CitizenSession, WebError> {
    let (citizen, _) = citizen_of(state, jar)
        .await?
        .ok_or(WebError::new(ErrorCode::Unauthenticated))?;
    if !same_secret(
        &citizen.csrf_token,
        &crate::http::json::form_value(pairs, "csrf"),
    ) {
        return Err(WebError::new(ErrorCode::CsrfFailed));
    }
    Ok(citizen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/staff/units/EG-GZ")), "/staff/units/EG-GZ");
        assert_eq!(safe_next(Some("//evil.example")), "/staff");
        assert_eq!(safe_next(Some("https://evil.example")), "/staff");
        assert_eq!(safe_next(Some("/\\evil.example")), "/staff");
        for sneaky in [
            "/\t/evil.example",
            "/\n/x",
            "/\r/x",
            "/ /evil.example",
            "/\u{85}/x",
        ] {
            assert_eq!(safe_next(Some(sneaky)), "/staff", "{sneaky:?}");
        }
        assert_eq!(safe_next(None), "/staff");
        assert_eq!(urlencode("/staff/units/a b"), "/staff/units/a%20b");
    }

    #[test]
    fn secrets_compare() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
    }
}
