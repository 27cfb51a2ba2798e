//! The home page, the accessibility statement and the privacy notice.
//! Server-rendered pages work without JavaScript; every form carries an
//! anti-forgery token.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use baladiya_app::{AppError, Principal};

use crate::http::auth::Staff;
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/accessibility", get(accessibility))
        .route("/privacy", get(privacy))
}

#[derive(Template)]
#[template(path = "site/home.html")]
struct HomePage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    /// The most used services: `(code, name)`.
    popular: Vec<(String, String)>,
}

/// The home page leads citizens to their tasks: find a service (the most
/// used first), follow an application, report a problem, their account;
/// staff sign-in kept apart.
async fn home(
    State(state): State<AppState>,
    tr: Tr,
    staff: Option<Staff>,
) -> Result<Response, WebError> {
    let user = staff.map(|s| s.0);
    let since = state.app.now() - chrono::Duration::days(90);
    let popular = state
        .app
        .store
        .most_used_services(since, 6)
        .await
        .map_err(AppError::from)?
        .into_iter()
        .filter_map(|(code, _)| {
            let published = state.app.service(&code)?;
            Some((code, published.service.name.get(tr.lang()).to_owned()))
        })
        .collect();
    Ok(page(
        HomePage {
            tr: &tr,
            user: user.as_ref(),
            popular,
        }
        .render(),
    ))
}

#[derive(Template)]
#[template(path = "site/accessibility.html")]
struct AccessibilityPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
}

/// The accessibility statement: the standard aimed at, how it is checked,
/// what is known not to meet it, and whom to tell.
async fn accessibility(tr: Tr, staff: Option<Staff>) -> Response {
    let user = staff.map(|s| s.0);
    page(
        AccessibilityPage {
            tr: &tr,
            user: user.as_ref(),
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "site/privacy.html")]
struct PrivacyPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    /// The deployment's data protection contact, when configured.
    contact: Option<String>,
}

/// The privacy notice (Egypt's Law 151 of 2020, Saudi Arabia's PDPL): what
/// is collected, why, for how long, who sees it, and whom to ask.
async fn privacy(State(state): State<AppState>, tr: Tr, staff: Option<Staff>) -> Response {
    let user = staff.map(|s| s.0);
    page(
        PrivacyPage {
            tr: &tr,
            user: user.as_ref(),
            contact: state.config.privacy_contact.clone(),
        }
        .render(),
    )
}
