//! The published catalog: its search, and a service's procedure, fees,
//! documents and contact, as citizens read them before applying.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use baladiya_domain::ErrorCode;
use baladiya_domain::catalog::{Fee, Service};
use baladiya_domain::country::{Country, Currency};
use serde::Deserialize;

use super::apply::units_for;
use crate::http::auth::Staff;
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::WebQuery;
use crate::http::state::AppState;
use crate::shop::api::search;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/services", get(services))
        .route("/services/{code}", get(service))
}

/// An amount as people read it in the page's language.
pub fn money(tr: &Tr, minor: i64, currency: Currency) -> String {
    let text = crate::shop::views::amount(minor);
    if tr.lang() == "ar" {
        format!("{} {}", tr.digits(&text), currency.symbol_ar())
    } else {
        format!("{} {text}", currency.code())
    }
}

pub fn working_days(tr: &Tr, n: u32) -> String {
    tr.count("working-days", "days", i64::from(n))
}

pub(super) fn fee_text(tr: &Tr, service: &Service) -> String {
    let currency = service.currency();
    match &service.fee {
        None => tr.t("fee-none"),
        Some(Fee::Fixed(minor)) => money(tr, *minor, currency),
        Some(Fee::Formula {
            base,
            terms,
            minimum,
            maximum,
        }) => {
            let mut parts: Vec<String> = terms
                .iter()
                .map(|t| {
                    let label = service
                        .field(&t.field)
                        .map_or(t.field.clone(), |f| f.label.get(tr.lang()).to_owned());
                    format!("{} × {label}", money(tr, t.rate, currency))
                })
                .collect();
            if *base > 0 {
                parts.push(money(tr, *base, currency));
            }
            let mut text = parts.join(" + ");
            text.push_str(&format!(
                "؛ {} {}",
                tr.t("fee-minimum"),
                money(tr, *minimum, currency)
            ));
            if let Some(max) = maximum {
                text.push_str(&format!(
                    "؛ {} {}",
                    tr.t("fee-maximum"),
                    money(tr, *max, currency)
                ));
            }
            if tr.lang() == "en" {
                text = text.replace('؛', ";");
            }
            text
        }
    }
}

#[derive(Debug)]
struct ServiceCard {
    code: String,
    name: String,
    description: String,
    country: String,
    sla: String,
    fee: String,
}

#[derive(Template)]
#[template(path = "shop/services.html")]
struct ServicesPage<'a> {
    tr: &'a Tr,
    user: Option<&'a baladiya_app::Principal>,
    q: String,
    count_text: String,
    services: Vec<ServiceCard>,
}

#[derive(Deserialize)]
struct ServiceSearch {
    q: Option<String>,
    country: Option<String>,
}

async fn services(
    State(state): State<AppState>,
    tr: Tr,
    staff: Option<Staff>,
    WebQuery(query): WebQuery<ServiceSearch>,
) -> Response {
    let q = query.q.unwrap_or_default();
    let country = query
        .country
        .as_deref()
        .and_then(|c| Country::parse(c).ok());
    let found = search(
        &state,
        Some(q.as_str()).filter(|q| !q.trim().is_empty()),
        country,
    );
    let cards: Vec<ServiceCard> = found
        .iter()
        .map(|p| {
            let s = &p.service;
            ServiceCard {
                code: s.code.to_string(),
                name: s.name.get(tr.lang()).to_owned(),
                description: s.description.get(tr.lang()).to_owned(),
                country: tr.t(&format!("country-{}", s.country.code())),
                sla: working_days(&tr, s.sla_working_days),
                fee: fee_text(&tr, s),
            }
        })
        .collect();
    let user = staff.map(|s| s.0);
    page(
        ServicesPage {
            tr: &tr,
            user: user.as_ref(),
            count_text: tr.count("services-count", "count", cards.len() as i64),
            q,
            services: cards,
        }
        .render(),
    )
}

#[derive(Debug)]
struct StepLine {
    name: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "shop/service.html")]
struct ServicePage<'a> {
    tr: &'a Tr,
    user: Option<&'a baladiya_app::Principal>,
    code: String,
    name: String,
    description: String,
    applicants: String,
    sla: String,
    fee: String,
    legal_basis: String,
    documents: Vec<String>,
    steps: Vec<StepLine>,
    /// Questions citizens ask about it, with their answers.
    questions: Vec<(String, String)>,
    /// Where its citizens ask: the centers of its country's units.
    centers: Vec<ContactCard>,
}

/// A technology center as a page shows it.
#[derive(Debug)]
pub struct ContactCard {
    pub name: String,
    pub phone: Option<(String, String)>,
    pub email: Option<String>,
    pub address: String,
    pub hours: String,
}

impl ContactCard {
    pub fn of(tr: &Tr, center: &baladiya_app::help::Center) -> Self {
        let lang = tr.lang();
        Self {
            name: center.name.get(lang).to_owned(),
            phone: center
                .phone
                .as_ref()
                .map(|p| (p.shown.clone(), p.dial.clone())),
            email: center.email.as_ref().map(|e| e.as_str().to_owned()),
            address: center.address.get(lang).to_owned(),
            hours: center.hours.get(lang).to_owned(),
        }
    }
}

async fn service(
    State(state): State<AppState>,
    tr: Tr,
    staff: Option<Staff>,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let published = state
        .app
        .service(&code)
        .ok_or(WebError::new(ErrorCode::NotFound))?;
    let s = &published.service;
    let lang = tr.lang();
    let documents = s
        .documents
        .iter()
        .map(|d| {
            let optional = if d.mandatory {
                String::new()
            } else {
                format!(" ({})", tr.t("optional"))
            };
            format!(
                "{}{optional} — {}",
                d.name.get(lang),
                d.types.join(", ").to_uppercase()
            )
        })
        .collect();
    let steps = s
        .procedure
        .steps()
        .iter()
        .map(|step| StepLine {
            name: step.name.get(lang).to_owned(),
            detail: format!(
                "{} · {}",
                step.kind
                    .departments()
                    .iter()
                    .map(|d| tr.term(&format!("department-{}", d.as_str()), Some(s.country)))
                    .collect::<Vec<_>>()
                    .join(tr.t("list-and").as_str()),
                working_days(&tr, step.sla_working_days)
            ),
        })
        .collect();
    let help = state.app.help();
    let questions = help
        .questions_for(s.code.as_str())
        .into_iter()
        .map(|q| {
            (
                q.question.get(lang).to_owned(),
                q.answer.get(lang).to_owned(),
            )
        })
        .collect();
    let units = units_for(&state, s).await?;
    let centers = help
        .centers
        .iter()
        .filter(|c| units.iter().any(|u| u.code.as_str() == c.unit))
        .map(|c| ContactCard::of(&tr, c))
        .collect();
    let user = staff.map(|s| s.0);
    Ok(page(
        ServicePage {
            tr: &tr,
            user: user.as_ref(),
            questions,
            centers,
            code: s.code.to_string(),
            name: s.name.get(lang).to_owned(),
            description: s.description.get(lang).to_owned(),
            applicants: s
                .applicants
                .iter()
                .map(|a| tr.t(&format!("applicant-{}", a.as_str())))
                .collect::<Vec<_>>()
                .join(tr.t("list-and").as_str()),
            sla: working_days(&tr, s.sla_working_days),
            fee: fee_text(&tr, s),
            legal_basis: s.legal_basis.get(lang).to_owned(),
            documents,
            steps,
        }
        .render(),
    ))
}
