//! Community participation: processes and their phases, participatory
//! budgets voted on with a secret ballot online (`ballot`) and at a
//! technology center's counter (`staff`), receipts a voter checks, and
//! results published after the unit head's sign-off, with their ballots
//! as pabulib open data (`results`).
//!
//! Calls the app's `participation` use cases.

mod api;
mod ballot;
mod delivery;
mod moderation;
mod proposals;
mod results;
mod setup;
mod staff;

use axum::Router;
use baladiya_app::participation::{BudgetView, ProcessView};
use baladiya_domain::participation::ballot::BallotKind;
use baladiya_domain::participation::phases::PhaseKind;

use crate::http::i18n::Tr;
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    ballot::routes()
        .merge(proposals::routes())
        .merge(delivery::routes())
        .merge(moderation::routes())
        .merge(results::routes())
        .merge(setup::routes())
        .merge(staff::routes())
}

/// The processes, budgets, ballots and receipts in the JSON API.
pub fn api_routes() -> Router<AppState> {
    api::api_routes()
}

/// A project on a ballot or a result, as a page lists it.
#[derive(Debug)]
struct ProjectLine {
    id: i64,
    code: String,
    title: String,
    cost: String,
    chosen: bool,
    votes: String,
    selected: bool,
}

/// A budget as a page shows it.
#[derive(Debug)]
struct BudgetLine {
    id: i64,
    name: String,
    unit: String,
    amount: String,
    /// "Choose projects costing up to …" or "Choose up to N projects".
    how: String,
    rule: String,
    voters: String,
    signed_off: bool,
    projects: Vec<ProjectLine>,
}

/// A process's phase as its page lists it.
#[derive(Debug)]
struct PhaseLine {
    name: String,
    dates: String,
    current: bool,
}

/// A whole amount with its thousands grouped and the currency's sign:
/// «3,000,000 ج.م», "EGP 3,000,000".
fn amount(tr: &Tr, units: i64, currency: &str) -> String {
    let digits = units.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if units < 0 {
        grouped.insert(0, '-');
    }
    match baladiya_domain::country::Currency::parse(currency) {
        Ok(c) if tr.lang() == "ar" => format!("{} {}", tr.digits(&grouped), c.symbol_ar()),
        Ok(c) => format!("{} {grouped}", c.code()),
        Err(_) => tr.digits(&grouped),
    }
}

fn budget_line(tr: &Tr, budget: &BudgetView, chosen: &[String]) -> BudgetLine {
    let lang = tr.lang();
    let b = &budget.budget;
    let result = budget.result.as_ref();
    BudgetLine {
        id: b.id,
        name: if lang == "ar" { &b.name_ar } else { &b.name_en }.clone(),
        unit: budget.unit.name.get(lang).to_owned(),
        amount: amount(tr, b.amount, &b.currency),
        how: match budget.kind {
            BallotKind::Knapsack => tr.t_with(
                "participation-how-knapsack",
                "amount",
                &amount(tr, b.amount, &b.currency),
            ),
            BallotKind::Approval { max } => tr.t_with(
                "participation-how-approval",
                "max",
                &tr.digits(&max.to_string()),
            ),
        },
        rule: tr.t(&format!(
            "participation-rule-{}",
            b.rule.split('/').next().unwrap_or_default()
        )),
        voters: tr.digits(&budget.voters().to_string()),
        signed_off: result.is_some(),
        projects: budget
            .projects
            .iter()
            .map(|p| ProjectLine {
                id: p.id,
                chosen: chosen.contains(&p.code),
                votes: result
                    .and_then(|r| r.votes.get(&p.code))
                    .map(|v| tr.digits(&v.to_string()))
                    .unwrap_or_default(),
                selected: result.is_some_and(|r| r.selected.contains(&p.code)),
                title: if lang == "ar" {
                    &p.title_ar
                } else {
                    &p.title_en
                }
                .clone(),
                cost: amount(tr, p.cost, &b.currency),
                code: p.code.clone(),
            })
            .collect(),
    }
}

fn phase_lines(tr: &Tr, process: &ProcessView) -> Vec<PhaseLine> {
    let current = process.phases.current(process.today).map(|p| p.kind);
    process
        .phases
        .all()
        .iter()
        .map(|p| PhaseLine {
            name: tr.t(&format!("participation-phase-{}", p.kind.as_str())),
            dates: format!("{} – {}", tr.date(p.starts), tr.date(p.ends)),
            current: current == Some(p.kind),
        })
        .collect()
}

/// The process's title and summary in the page's language.
fn titles(tr: &Tr, process: &ProcessView) -> (String, String) {
    let p = &process.process;
    if tr.lang() == "ar" {
        (p.title_ar.clone(), p.summary_ar.clone())
    } else {
        (p.title_en.clone(), p.summary_en.clone())
    }
}

/// What the process is doing today, in words.
fn stage(tr: &Tr, process: &ProcessView) -> String {
    match process.phases.current(process.today) {
        Some(p) => tr.t(&format!("participation-phase-{}", p.kind.as_str())),
        None if process.phases.is_over(PhaseKind::Voting, process.today) => {
            tr.t("participation-stage-closed")
        }
        None => tr.t("participation-stage-soon"),
    }
}
