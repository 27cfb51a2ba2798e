//! The cases behind a figure of the analysis: the applications that took
//! a path, waited at a step or left the published procedure.

use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::routing::get;
use baladiya_app::Principal;
use baladiya_domain::process::analysis::AnalysedCase;

use super::analysis::{analyse, oversee};
use super::filters::{Names, ProcessQuery, percent};
use crate::http::auth::Staff;
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::WebQuery;
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/staff/process/cases", get(cases_page))
}

#[derive(Debug)]
struct CaseRow {
    tracking_number: String,
    unit: String,
    channel: String,
    month: String,
    fitness: String,
    deviations: Vec<String>,
    path: String,
}

#[derive(Template)]
#[template(path = "process/staff_process_cases.html")]
struct CasesPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    back: String,
    count_text: String,
    rows: Vec<CaseRow>,
    csv: String,
}

/// At most this many cases on the page (all of them in the CSV file).
const SHOWN: usize = 500;

fn case_row(tr: &Tr, names: &Names, c: &AnalysedCase) -> CaseRow {
    CaseRow {
        tracking_number: c.tracking_number.clone(),
        unit: c.unit.clone(),
        channel: tr.term(&format!("channel-{}", c.channel), None),
        month: tr.digits(&c.month),
        fitness: percent(tr, c.conformance.fitness),
        deviations: c
            .conformance
            .deviations
            .iter()
            .map(|d| {
                format!(
                    "{}: {}",
                    tr.t(&format!("deviation-{}", d.kind())),
                    names.deviation(d)
                )
            })
            .collect(),
        path: c
            .events
            .iter()
            .filter(|e| e.lifecycle == baladiya_domain::process::Lifecycle::Complete)
            .map(|e| names.activity(&e.activity))
            .collect::<Vec<_>>()
            .join(" ← "),
    }
}

async fn cases_page(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    RawQuery(raw): RawQuery,
    WebQuery(q): WebQuery<ProcessQuery>,
) -> Result<Response, WebError> {
    oversee(&who).await?;
    let selector = q.selector();
    let (_, cases) = analyse(&state, &who, &q, &q.unit, selector.as_ref()).await?;
    let names = Names::new(&state, &tr);
    let body = CasesPage {
        tr: &tr,
        user: Some(&who),
        back: format!("/staff/process?{}", q.filters()),
        count_text: tr.count("process-cases-count", "n", cases.len() as i64),
        rows: cases
            .iter()
            .take(SHOWN)
            .map(|c| case_row(&tr, &names, c))
            .collect(),
        csv: format!("/staff/process/cases.csv?{}", raw.unwrap_or_default()),
    };
    Ok(page(body.render()))
}
