//! The staff's indicator pages: values entered by hand or imported from
//! a CSV file, their review, and the references (targets, sources) of
//! each indicator.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use baladiya_app::Principal;
use baladiya_domain::ErrorCode;
use baladiya_domain::org::OrgUnit;
use serde::Deserialize;

use crate::drawing::charts::number;
use crate::http::auth::Staff;
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::WebQuery;
use crate::http::state::AppState;
use crate::http::views::summary;

/// The staff page for values units report: enter one, upload a CSV, and
/// review what the units below entered.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/indicators", get(staff_values))
        .route("/staff/indicators/enter", axum::routing::post(enter_value))
        .route(
            "/staff/indicators/import",
            axum::routing::post(import_values)
                .layer(axum::extract::DefaultBodyLimit::max(2 * 1024 * 1024)),
        )
        .route(
            "/staff/indicators/review",
            axum::routing::post(review_value),
        )
        .route(
            "/staff/indicators/reference",
            axum::routing::post(save_reference),
        )
}

/// A unit's reference data for a year as typed on the staff page.
#[derive(Debug, Clone, Default, Deserialize)]
struct ReferenceForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    population: String,
    #[serde(default)]
    households: String,
    #[serde(default)]
    area_km2: String,
}

/// Saves a unit's reference data (population, households, area): the
/// denominators of indicators. Every wrong field is reported at once.
async fn save_reference(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    crate::http::json::WebForm(form): crate::http::json::WebForm<ReferenceForm>,
) -> Result<Response, WebError> {
    crate::http::auth::require_staff_csrf(&who, &form.csrf)?;
    let saved = state.app.enter_unit_reference(&who, &form.typed()).await;
    match saved {
        Ok(()) => {
            Ok(axum::response::Redirect::to("/staff/indicators?done=reference").into_response())
        }
        Err(error) => {
            let errors = summary(&tr, error)?;
            let page = Staffed {
                form: Default::default(),
                reference: form,
            };
            render_staff(&state, &tr, &who, page, errors, None).await
        }
    }
}

impl ReferenceForm {
    fn typed(&self) -> baladiya_app::indicators::ReferenceForm {
        baladiya_app::indicators::ReferenceForm {
            unit: self.unit.clone(),
            year: self.year.clone(),
            population: self.population.clone(),
            households: self.households.clone(),
            area_km2: self.area_km2.clone(),
        }
    }
}

/// What the staff page's forms hold when shown again with errors.
#[derive(Default)]
struct Staffed {
    form: baladiya_app::indicators::ValueForm,
    reference: ReferenceForm,
}

/// One entered value as the staff page lists it.
struct ValueLine {
    indicator: String,
    name: String,
    unit: String,
    unit_name: String,
    period: String,
    numerator: String,
    denominator: String,
    status: String,
    note: String,
    version: i64,
    /// This user may approve or return it.
    reviewable: bool,
}

#[derive(Template)]
#[template(path = "indicators/staff_indicators.html")]
struct StaffValuesPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    errors: Vec<crate::http::views::SummaryItem>,
    notice: Option<String>,
    indicators: Vec<(String, String)>,
    units: Vec<(String, String)>,
    form: baladiya_app::indicators::ValueForm,
    reference: ReferenceForm,
    /// The reference data of the units this user enters values for:
    /// (unit name, year, population, households, area).
    references: Vec<(String, i64, String, String, String)>,
    values: Vec<ValueLine>,
}

async fn render_staff(
    state: &AppState,
    tr: &Tr,
    who: &Principal,
    forms: Staffed,
    errors: Vec<crate::http::views::SummaryItem>,
    notice: Option<String>,
) -> Result<Response, WebError> {
    use baladiya_domain::people::Permission;
    let lang = tr.lang();
    let units = state
        .app
        .store
        .all_units()
        .await
        .map_err(baladiya_app::AppError::from)?;
    let mine: Vec<&OrgUnit> = units
        .iter()
        .filter(|u| who.access.can(Permission::EnterIndicators, &u.path))
        .collect();
    let reviewable = |u: &OrgUnit| {
        units
            .iter()
            .find(|p| Some(p.id) == u.parent_id)
            .is_some_and(|p| who.access.can(Permission::ApproveIndicators, &p.path))
    };
    let visible: Vec<i64> = units
        .iter()
        .filter(|u| who.access.can(Permission::EnterIndicators, &u.path) || reviewable(u))
        .map(|u| u.id)
        .collect();
    let catalog = state.app.indicators();
    let values = if visible.is_empty() {
        Vec::new()
    } else {
        state
            .app
            .store
            .entered_values(&visible)
            .await
            .map_err(baladiya_app::AppError::from)?
    };
    let this_year = i64::from(chrono::Datelike::year(&state.app.now().date_naive()));
    let mut references = Vec::new();
    for year in [this_year, this_year - 1] {
        for r in state
            .app
            .store
            .unit_references(year)
            .await
            .map_err(baladiya_app::AppError::from)?
        {
            if let Some(unit) = mine.iter().find(|u| u.id == r.unit_id) {
                references.push((
                    unit.name.get(lang).to_owned(),
                    r.year,
                    r.population.map(|p| number(p as f64)).unwrap_or_default(),
                    r.households.map(|h| number(h as f64)).unwrap_or_default(),
                    r.area_km2.map(number).unwrap_or_default(),
                ));
            }
        }
    }
    let failed = !errors.is_empty();
    let Staffed { form, reference } = forms;
    let body = StaffValuesPage {
        reference,
        references,
        tr,
        user: Some(who),
        notice,
        indicators: catalog
            .iter()
            .filter(|i| i.source == baladiya_domain::indicators::Source::Entered)
            .map(|i| (i.code.clone(), i.name.get(lang).to_owned()))
            .collect(),
        units: mine
            .iter()
            .map(|u| (u.code.to_string(), u.name.get(lang).to_owned()))
            .collect(),
        form,
        values: values
            .iter()
            .filter_map(|v| {
                let unit = units.iter().find(|u| u.id == v.unit_id)?;
                Some(ValueLine {
                    name: catalog
                        .iter()
                        .find(|i| i.code == v.indicator)
                        .map(|i| i.name.get(lang).to_owned())
                        .unwrap_or_default(),
                    indicator: v.indicator.clone(),
                    unit: unit.code.to_string(),
                    unit_name: unit.name.get(lang).to_owned(),
                    period: v.period.clone(),
                    numerator: number(v.numerator),
                    denominator: number(v.denominator),
                    status: v.status.clone(),
                    note: v.note.clone().unwrap_or_default(),
                    version: v.version,
                    reviewable: v.status == "submitted"
                        && reviewable(unit)
                        && v.entered_by != Some(who.user_id),
                })
            })
            .collect(),
        errors,
    }
    .render();
    let mut response = page(body);
    if failed {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

async fn staff_values(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    WebQuery(q): WebQuery<NoticeQuery>,
) -> Result<Response, WebError> {
    let notice = q.done.map(|key| {
        tr.t(match key.as_str() {
            "entered" => "indicators-entered",
            "imported" => "indicators-imported",
            "reference" => "indicators-reference-saved",
            _ => "indicators-reviewed",
        })
    });
    render_staff(&state, &tr, &who, Staffed::default(), Vec::new(), notice).await
}

#[derive(Deserialize)]
struct NoticeQuery {
    done: Option<String>,
}

#[derive(Deserialize)]
struct ValueFormBody {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    indicator: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    numerator: String,
    #[serde(default)]
    denominator: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    decision: String,
}

impl ValueFormBody {
    fn form(&self) -> baladiya_app::indicators::ValueForm {
        baladiya_app::indicators::ValueForm {
            indicator: self.indicator.clone(),
            unit: self.unit.clone(),
            period: self.period.clone(),
            numerator: self.numerator.clone(),
            denominator: self.denominator.clone(),
            note: self.note.clone(),
        }
    }
}

async fn enter_value(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    crate::http::json::WebForm(body): crate::http::json::WebForm<ValueFormBody>,
) -> Result<Response, WebError> {
    crate::http::auth::require_staff_csrf(&who, &body.csrf)?;
    let form = body.form();
    match state.app.enter_indicator_value(&who, &form).await {
        Ok(()) => {
            Ok(axum::response::Redirect::to("/staff/indicators?done=entered").into_response())
        }
        Err(error) => {
            let errors = summary(&tr, error)?;
            let forms = Staffed {
                form,
                reference: ReferenceForm::default(),
            };
            render_staff(&state, &tr, &who, forms, errors, None).await
        }
    }
}

async fn import_values(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, WebError> {
    let (mut csrf, mut text) = (String::new(), String::new());
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| WebError::new(ErrorCode::MalformedBody))?
    {
        match field.name().unwrap_or_default() {
            "csrf" => csrf = crate::http::multipart::read_text(&mut field).await?,
            "file" => {
                let bytes = crate::http::multipart::read_bytes(&mut field, 2 * 1024 * 1024).await?;
                text =
                    String::from_utf8(bytes).map_err(|_| WebError::field("file", "csv-invalid"))?;
            }
            _ => {}
        }
    }
    crate::http::auth::require_staff_csrf(&who, &csrf)?;
    match state
        .app
        .import_indicator_csv(&who, text.trim_start_matches('\u{feff}'))
        .await
    {
        Ok(_) => {
            Ok(axum::response::Redirect::to("/staff/indicators?done=imported").into_response())
        }
        Err(error) => {
            let errors = summary(&tr, error)?;
            render_staff(&state, &tr, &who, Staffed::default(), errors, None).await
        }
    }
}

async fn review_value(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    crate::http::json::WebForm(body): crate::http::json::WebForm<ValueFormBody>,
) -> Result<Response, WebError> {
    crate::http::auth::require_staff_csrf(&who, &body.csrf)?;
    let approve = body.decision == "approve";
    match state
        .app
        .review_indicator_value(&who, &body.form(), body.version, approve)
        .await
    {
        Ok(()) => {
            Ok(axum::response::Redirect::to("/staff/indicators?done=reviewed").into_response())
        }
        Err(error) => {
            let errors = summary(&tr, error)?;
            render_staff(&state, &tr, &who, Staffed::default(), errors, None).await
        }
    }
}
