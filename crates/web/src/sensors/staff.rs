//! The staff's sensors page: alert rules and switching them, places,
//! device credentials for a unit, and making a datastream private.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use baladiya_app::Principal;
use baladiya_app::alerts::RuleInput;
use baladiya_domain::ErrorCode;
use serde::Deserialize;

use super::overview::{condition_text, measure_name};
use crate::http::auth::Staff;
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::{WebForm, WebQuery};
use crate::http::state::AppState;
use crate::http::views::{SummaryItem, summary};
use crate::sensors::api::entity_id;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/sensors", get(staff_page))
        .route("/staff/sensors/rules", post(create_rule))
        .route("/staff/sensors/rules/{id}", post(switch_rule))
        .route("/staff/sensors/credentials", post(credential))
        .route("/staff/sensors/places", post(create_place))
        .route("/staff/sensors/places/{thing}/delete", post(delete_place))
        .route("/staff/sensors/datastreams/{id}", post(switch_private))
}

/// A rule on the staff page.
struct RuleLine {
    id: i64,
    place: String,
    stream: String,
    condition: String,
    category: String,
    notify: String,
    active: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct RuleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    datastream: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    threshold: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    notify: String,
}

#[derive(Template)]
#[template(path = "sensors/staff_sensors.html")]
struct StaffSensorsPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    errors: Vec<SummaryItem>,
    notice: Option<String>,
    rules: Vec<RuleLine>,
    streams: Vec<(i64, String)>,
    kinds: Vec<(String, String)>,
    categories: Vec<(String, String)>,
    form: RuleForm,
    credentials: Vec<(String, String, bool)>,
    places: Vec<PlaceLineStaff>,
    units: Vec<(String, String)>,
    place: PlaceForm,
}

/// A place on the staff page: its Thing, name and datastreams (id, name,
/// private).
type PlaceLineStaff = (i64, String, Vec<(i64, String, bool)>);

#[derive(Debug, Clone, Default, Deserialize)]
struct PlaceForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    floor_area: String,
    #[serde(default)]
    lat: String,
    #[serde(default)]
    long: String,
    #[serde(default)]
    electricity: String,
    #[serde(default)]
    water: String,
    #[serde(default)]
    pm25: String,
    #[serde(default)]
    pm10: String,
    #[serde(default)]
    no2: String,
    #[serde(default)]
    noise: String,
}

impl PlaceForm {
    fn measures(&self) -> Vec<String> {
        [
            ("electricity", &self.electricity),
            ("water", &self.water),
            ("pm25", &self.pm25),
            ("pm10", &self.pm10),
            ("no2", &self.no2),
            ("noise", &self.noise),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(m, _)| (*m).to_owned())
        .collect()
    }
}

/// Only those who manage the organisation somewhere see this page.
fn require_manager(who: &Principal) -> Result<(), WebError> {
    if who.can_manage_org() {
        Ok(())
    } else {
        Err(WebError::new(ErrorCode::Forbidden))
    }
}

async fn render_staff(
    state: &AppState,
    tr: &Tr,
    who: &Principal,
    errors: Vec<SummaryItem>,
    notice: Option<String>,
    form: RuleForm,
) -> Result<Response, WebError> {
    render_staff_with(state, tr, who, errors, notice, form, PlaceForm::default()).await
}

async fn render_staff_with(
    state: &AppState,
    tr: &Tr,
    who: &Principal,
    errors: Vec<SummaryItem>,
    notice: Option<String>,
    form: RuleForm,
    place: PlaceForm,
) -> Result<Response, WebError> {
    let app = &state.app;
    let all_places = app.sensor_places(true).await?;
    let places = all_places
        .iter()
        .map(|p| {
            let streams = p
                .streams
                .iter()
                .map(|s| {
                    (
                        s.id,
                        format!("{} ({})", measure_name(tr, s), s.symbol),
                        s.private,
                    )
                })
                .collect();
            (p.thing, p.name.clone(), streams)
        })
        .collect();
    let units = app
        .store
        .all_units()
        .await
        .map_err(baladiya_app::AppError::from)?
        .iter()
        .filter(|u| {
            who.access
                .can(baladiya_domain::people::Permission::ManageOrg, &u.path)
        })
        .map(|u| (u.code.to_string(), u.name.get(tr.lang()).to_owned()))
        .collect();
    let rules = app
        .rule_views()
        .await?
        .into_iter()
        .map(|r| RuleLine {
            id: r.rule.id,
            place: r.place.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
            stream: r
                .stream
                .as_ref()
                .map(|s| measure_name(tr, s))
                .unwrap_or_default(),
            condition: condition_text(
                tr,
                r.condition,
                r.stream.as_ref().map(|s| s.symbol.as_str()).unwrap_or(""),
            ),
            category: app.report_category(&r.rule.category).map_or_else(
                || r.rule.category.clone(),
                |c| c.name.get(tr.lang()).to_owned(),
            ),
            notify: r.rule.notify.clone().unwrap_or_default(),
            active: r.rule.active,
        })
        .collect();
    let streams = all_places
        .iter()
        .flat_map(|p| {
            p.streams
                .iter()
                .map(|s| {
                    (
                        s.id,
                        format!("{} — {} ({})", p.name, measure_name(tr, s), s.symbol),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let credentials = app
        .store
        .sta_credentials()
        .await
        .map_err(baladiya_app::AppError::from)?
        .into_iter()
        .map(|(name, at, revoked)| (name, at.format("%Y-%m-%d").to_string(), revoked))
        .collect();
    Ok(page(
        StaffSensorsPage {
            tr,
            user: Some(who),
            errors,
            notice,
            rules,
            streams,
            kinds: ["above", "below", "rise", "silence", "night-flow"]
                .iter()
                .map(|k| (k.to_string(), tr.t(&format!("rule-kind-{k}"))))
                .collect(),
            categories: app
                .report_categories()
                .iter()
                .map(|c| (c.code.clone(), c.name.get(tr.lang()).to_owned()))
                .collect(),
            form,
            credentials,
            places,
            units,
            place,
        }
        .render(),
    ))
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

async fn staff_page(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    WebQuery(q): WebQuery<Done>,
) -> Result<Response, WebError> {
    require_manager(&who)?;
    let notice = q
        .done
        .filter(|d| ["rule", "switched", "revoked", "place", "deleted"].contains(&d.as_str()))
        .map(|d| tr.t(&format!("staff-sensors-done-{d}")));
    render_staff(&state, &tr, &who, Vec::new(), notice, RuleForm::default()).await
}

async fn create_rule(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    WebForm(form): WebForm<RuleForm>,
) -> Result<Response, WebError> {
    crate::http::auth::require_staff_csrf(&who, &form.csrf)?;
    require_manager(&who)?;
    let input = RuleInput {
        datastream: form.datastream.clone(),
        kind: form.kind.clone(),
        threshold: form.threshold.clone(),
        minutes: form.minutes.clone(),
        category: form.category.clone(),
        notify: form.notify.clone(),
    };
    match state.app.create_rule(&who, &input).await {
        Ok(_) => {
            // Judge it on the readings there are now.
            if let Ok(id) = form.datastream.trim().parse::<i64>()
                && let Err(error) = state.app.evaluate_rules(Some(id)).await
            {
                tracing::warn!(?error, "could not judge a new rule");
            }
            Ok(Redirect::to("/staff/sensors?done=rule").into_response())
        }
        Err(error) => {
            let errors = summary(&tr, error)?;
            render_staff(&state, &tr, &who, errors, None, form).await
        }
    }
}

#[derive(Deserialize)]
struct SwitchForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    active: String,
}

async fn switch_rule(
    State(state): State<AppState>,
    Staff(who): Staff,
    Path(id): Path<String>,
    WebForm(form): WebForm<SwitchForm>,
) -> Result<Response, WebError> {
    crate::http::auth::require_staff_csrf(&who, &form.csrf)?;
    let id = entity_id(&id)?;
    state
        .app
        .set_rule_active(&who, id, form.active == "true")
        .await?;
    Ok(Redirect::to("/staff/sensors?done=switched").into_response())
}

#[derive(Deserialize)]
struct CredentialForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    revoke: String,
}

/// Issues a device credential (its secret shown once, on this answer) or
/// revokes one.
async fn credential(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    WebForm(form): WebForm<CredentialForm>,
) -> Result<Response, WebError> {
    crate::http::auth::require_staff_csrf(&who, &form.csrf)?;
    require_manager(&who)?;
    if form.revoke == "true" {
        state.app.revoke_sensor_credential(&form.username).await?;
        return Ok(Redirect::to("/staff/sensors?done=revoked").into_response());
    }
    match state
        .app
        .issue_sensor_credential_as(&who, &form.username)
        .await
    {
        Ok(secret) => {
            let notice = format!(
                "{} {}:{secret}",
                tr.t("staff-sensors-credential-issued"),
                form.username.trim()
            );
            render_staff(
                &state,
                &tr,
                &who,
                Vec::new(),
                Some(notice),
                RuleForm::default(),
            )
            .await
        }
        Err(error) => {
            let errors = summary(&tr, error)?;
            render_staff(&state, &tr, &who, errors, None, RuleForm::default()).await
        }
    }
}

async fn create_place(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    WebForm(form): WebForm<PlaceForm>,
) -> Result<Response, WebError> {
    crate::http::auth::require_staff_csrf(&who, &form.csrf)?;
    require_manager(&who)?;
    let input = baladiya_app::sensors::PlaceInput {
        name: form.name.clone(),
        description: form.description.clone(),
        unit: form.unit.clone(),
        floor_area: form.floor_area.clone(),
        lat: form.lat.clone(),
        long: form.long.clone(),
        measures: form.measures(),
    };
    match state.app.create_place(&who, &input).await {
        Ok(_) => Ok(Redirect::to("/staff/sensors?done=place").into_response()),
        Err(error) => {
            let errors = summary(&tr, error)?;
            render_staff_with(&state, &tr, &who, errors, None, RuleForm::default(), form).await
        }
    }
}

#[derive(Deserialize)]
struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

async fn delete_place(
    State(state): State<AppState>,
    Staff(who): Staff,
    Path(thing): Path<String>,
    WebForm(form): WebForm<CsrfOnly>,
) -> Result<Response, WebError> {
    crate::http::auth::require_staff_csrf(&who, &form.csrf)?;
    let thing = entity_id(&thing)?;
    state.app.delete_place(&who, thing).await?;
    Ok(Redirect::to("/staff/sensors?done=deleted").into_response())
}

#[derive(Deserialize)]
struct PrivateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    private: String,
}

async fn switch_private(
    State(state): State<AppState>,
    Staff(who): Staff,
    Path(id): Path<String>,
    WebForm(form): WebForm<PrivateForm>,
) -> Result<Response, WebError> {
    crate::http::auth::require_staff_csrf(&who, &form.csrf)?;
    let id = entity_id(&id)?;
    state
        .app
        .set_datastream_private(&who, id, form.private == "true")
        .await?;
    Ok(Redirect::to("/staff/sensors?done=switched").into_response())
}
