//! Choosing the language of a request: `?lang=` (remembered in a cookie),
//! then the cookie, then `Accept-Language`, then Arabic.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};

use crate::http::i18n::{Lang, Tr};
use crate::http::state::AppState;

pub const LANG_COOKIE: &str = "lang";

fn from_query(query: Option<&str>) -> Option<Lang> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("lang="))
        .and_then(Lang::parse)
}

/// Middleware: puts the request's [`Lang`] in its extensions, and
/// remembers an explicit `?lang=` choice in a cookie for a year.
pub async fn choose_language(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let jar = CookieJar::from_headers(request.headers());
    let asked = from_query(request.uri().query());
    let lang = asked
        .or_else(|| jar.get(LANG_COOKIE).and_then(|c| Lang::parse(c.value())))
        .or_else(|| {
            request
                .headers()
                .get(axum::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default();
    request.extensions_mut().insert(lang);
    let mut response = next.run(request).await;
    if let Some(lang) = asked {
        let cookie = Cookie::build((LANG_COOKIE, lang.code()))
            .path("/")
            .max_age(cookie::time::Duration::days(365))
            .same_site(SameSite::Lax)
            .secure(state.config.secure_cookies)
            .build();
        if let Ok(value) = cookie.to_string().parse() {
            response
                .headers_mut()
                .append(axum::http::header::SET_COOKIE, value);
        }
    }
    response
}

impl FromRequestParts<AppState> for Tr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = parts.extensions.get::<Lang>().copied().unwrap_or_default();
        Ok(state.tr(lang))
    }
}
