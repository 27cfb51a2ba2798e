//! The training center's public pages: the calendar of upcoming sessions
//! (what, for whom, when, where, seats left) and the same as an iCalendar
//! feed (RFC 5545) that calendar applications subscribe to.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use baladiya_app::{AppError, Principal};
use baladiya_domain::country::Country;
use baladiya_store::SessionListing;
use icalendar::{Calendar, Component, Event, EventLike};

use crate::http::auth::Staff;
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/training", get(calendar_page))
        .route("/training.ics", get(calendar_feed))
}

#[derive(Debug)]
struct SessionRow {
    course: String,
    code: String,
    audience: String,
    dates: String,
    hours: String,
    mode: String,
    partner: Option<String>,
    center: String,
    venue: String,
    seats_left: String,
}

#[derive(Template)]
#[template(path = "training/training.html")]
struct CalendarPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    rows: Vec<SessionRow>,
}

async fn upcoming(state: &AppState) -> Result<Vec<SessionListing>, WebError> {
    let today = state.app.today_in(Country::Egypt);
    Ok(state
        .app
        .store
        .session_listings(Some(today))
        .await
        .map_err(AppError::from)?)
}

async fn calendar_page(
    State(state): State<AppState>,
    tr: Tr,
    staff: Option<Staff>,
) -> Result<Response, WebError> {
    let user = staff.map(|s| s.0);
    let ar = tr.lang() == "ar";
    let pick = |a: &str, e: &str| if ar { a.to_owned() } else { e.to_owned() };
    let rows = upcoming(&state)
        .await?
        .into_iter()
        .map(|s| SessionRow {
            course: pick(&s.course_name_ar, &s.course_name_en),
            code: s.course_code.clone(),
            audience: pick(&s.audience_ar, &s.audience_en),
            dates: if s.first_day == s.last_day {
                tr.date(s.first_day)
            } else {
                format!("{} – {}", tr.date(s.first_day), tr.date(s.last_day))
            },
            hours: tr.count("training-hours", "n", s.hours),
            mode: tr.t(&format!("training-mode-{}", s.mode)),
            partner: s
                .partner_ar
                .as_deref()
                .zip(s.partner_en.as_deref())
                .map(|(a, e)| pick(a, e)),
            center: pick(&s.center_ar, &s.center_en),
            venue: s.venue.clone(),
            seats_left: tr.count("training-seats-left", "n", (s.capacity - s.taken).max(0)),
        })
        .collect();
    Ok(page(
        CalendarPage {
            tr: &tr,
            user: user.as_ref(),
            rows,
        }
        .render(),
    ))
}

/// The upcoming sessions as all-day events, in Arabic and English.
async fn calendar_feed(State(state): State<AppState>) -> Result<Response, WebError> {
    let mut calendar = Calendar::new();
    calendar.name("Baladiya — مركز التدريب / training center");
    for s in upcoming(&state).await? {
        let mut event = Event::new();
        event
            .uid(&format!("training-session-{}@baladiya", s.id))
            .summary(&format!("{} — {}", s.course_name_ar, s.course_name_en))
            .description(&format!(
                "{} / {}\n{} / {}",
                s.audience_ar, s.audience_en, s.center_ar, s.center_en
            ))
            .location(&s.venue)
            .starts(s.first_day)
            .ends(s.last_day + chrono::Duration::days(1));
        calendar.push(event.done());
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "inline; filename=\"training.ics\"",
            ),
        ],
        calendar.done().to_string(),
    )
        .into_response())
}
