//! The alerts page: the alerts open now and those closed lately, with the
//! rule, the place and the reading that raised each.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use baladiya_app::Principal;
use baladiya_app::alerts::AlertView;
use baladiya_domain::sensors::rules::Condition;

use super::overview::{condition_text, local, measure_name};
use crate::drawing::charts::number;
use crate::http::auth::Staff;
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/sensors/alerts", get(alerts_page))
}

/// An alert as the pages list it.
pub(super) struct AlertLine {
    pub(super) place_href: String,
    pub(super) place: String,
    pub(super) stream: String,
    pub(super) condition: String,
    pub(super) opened: String,
    pub(super) value: String,
    pub(super) closed: String,
    pub(super) report: Option<i64>,
}

pub(super) fn alert_line(tr: &Tr, a: &AlertView, offset: i32) -> AlertLine {
    let symbol = a.stream.as_ref().map(|s| s.symbol.as_str()).unwrap_or("");
    let condition = Condition::parse(&a.alert.kind, a.alert.threshold, a.alert.minutes).ok();
    AlertLine {
        place_href: a
            .place
            .as_ref()
            .map(|p| format!("/sensors/places/{}", p.thing))
            .unwrap_or_default(),
        place: a.place.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
        stream: a
            .stream
            .as_ref()
            .map(|s| measure_name(tr, s))
            .unwrap_or_default(),
        condition: condition_text(tr, condition, symbol),
        opened: local(a.alert.opened_at, offset),
        value: a
            .alert
            .opening_value
            .map(|v| format!("{} {symbol}", number(v)))
            .unwrap_or_default(),
        closed: a
            .alert
            .closed_at
            .map(|t| local(t, offset))
            .unwrap_or_default(),
        report: a.alert.report_id,
    }
}

#[derive(Template)]
#[template(path = "sensors/sensor_alerts.html")]
struct AlertsPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    active: Vec<AlertLine>,
    history: Vec<AlertLine>,
}

async fn alerts_page(
    State(state): State<AppState>,
    tr: Tr,
    staff: Option<Staff>,
) -> Result<Response, WebError> {
    let app = &state.app;
    let mut active = Vec::new();
    let mut history = Vec::new();
    for a in app.alert_views(false).await? {
        // Public: alerts of public datastreams only.
        if a.stream.as_ref().is_none_or(|s| s.private) {
            continue;
        }
        let offset = app
            .local_offset_hours(a.place.as_ref().and_then(|p| p.unit.as_deref()))
            .await?;
        let line = alert_line(&tr, &a, offset);
        if a.alert.closed_at.is_none() {
            active.push(line);
        } else {
            history.push(line);
        }
    }
    let user = staff.map(|s| s.0);
    Ok(page(
        AlertsPage {
            tr: &tr,
            user: user.as_ref(),
            active,
            history,
        }
        .render(),
    ))
}
