//! The training report: seats, attendance, completion and cost by unit,
//! course and month, for the center and the units' heads.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use baladiya_app::Principal;
use baladiya_app::training_records::GroupFigures;
use baladiya_domain::country::Currency;
use baladiya_domain::training::report::Tally;
use serde::Deserialize;

use super::sessions::dates;
use crate::http::auth::Staff;
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::WebQuery;
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/staff/training/report", get(report))
}

#[derive(Debug)]
struct ReportRow {
    name: String,
    link: Option<String>,
    trainees: String,
    completion: String,
    pass: String,
    hours: String,
    gain: String,
    satisfaction: String,
    trainer: String,
    relevance: String,
    cost: String,
}

#[derive(Debug)]
struct ReportTable {
    id: &'static str,
    title: String,
    /// The heading of the column that names each group.
    column: String,
    rows: Vec<ReportRow>,
}

#[derive(Template)]
#[template(path = "training/staff_training_report.html")]
struct ReportPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    years: Vec<String>,
    year: String,
    sessions: Vec<(ReportRow, String, String)>,
    tables: Vec<ReportTable>,
    total: ReportRow,
}

#[derive(Debug, Deserialize)]
struct ReportQuery {
    year: Option<String>,
}

/// One line of the report: a group's figures as people read them.
fn report_row(tr: &Tr, name: String, link: Option<String>, t: &Tally) -> ReportRow {
    let share = |v: Option<f64>| {
        v.map_or_else(
            || "—".to_owned(),
            |v| tr.digits(&format!("{:.0}%", v * 100.0)),
        )
    };
    let mean = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |v| tr.digits(&format!("{v:.1}")));
    let levels = t.levels();
    ReportRow {
        name,
        link,
        trainees: tr.digits(&t.trainees.to_string()),
        completion: share(t.completion_rate()),
        pass: share(t.pass_rate()),
        hours: tr.digits(&t.hours_delivered.to_string()),
        gain: share(levels.normalized),
        satisfaction: mean(levels.satisfaction),
        trainer: mean(levels.trainer),
        relevance: mean(levels.relevance),
        cost: t
            .cost_per_trainee()
            .and_then(|(minor, code)| {
                Some(crate::shop::catalog::money(
                    tr,
                    minor,
                    Currency::parse(code).ok()?,
                ))
            })
            .unwrap_or_else(|| "—".to_owned()),
    }
}

/// The center's report over a plan year: per session, course, trainer,
/// governorate and unit level, trainees, completion and pass rates, hours
/// delivered, learning gain, the trainees' evaluation and cost per trainee.
async fn report(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    WebQuery(q): WebQuery<ReportQuery>,
) -> Result<Response, WebError> {
    let year = q.year.filter(|y| !y.is_empty());
    let report = state.app.training_report(&who, year.as_deref()).await?;
    let ar = tr.lang() == "ar";
    let pick = |a: &str, e: &str| if ar { a.to_owned() } else { e.to_owned() };
    let sessions = report
        .sessions
        .iter()
        .map(|f| {
            let s = &f.session;
            (
                report_row(
                    &tr,
                    pick(&s.course_name_ar, &s.course_name_en),
                    Some(format!("/staff/training/{}", s.id)),
                    &f.tally,
                ),
                dates(&tr, s.first_day, s.last_day),
                f.trainer.clone().unwrap_or_default(),
            )
        })
        .collect();
    let groups = |groups: &[GroupFigures]| {
        groups
            .iter()
            .map(|g| report_row(&tr, pick(&g.name_ar, &g.name_en), None, &g.tally))
            .collect()
    };
    let tables = vec![
        ReportTable {
            id: "by-course",
            title: tr.t("training-report-by-course"),
            column: tr.t("training-report-col-course"),
            rows: groups(&report.courses),
        },
        ReportTable {
            id: "by-trainer",
            title: tr.t("training-report-by-trainer"),
            column: tr.t("training-trainer"),
            rows: groups(&report.trainers),
        },
        ReportTable {
            id: "by-governorate",
            title: tr.t("training-report-by-governorate"),
            column: tr.t("training-report-col-governorate"),
            rows: groups(&report.governorates),
        },
        ReportTable {
            id: "by-level",
            title: tr.t("training-report-by-level"),
            column: tr.t("training-report-col-level"),
            rows: report
                .levels
                .iter()
                .map(|(kind, t)| report_row(&tr, tr.t(&format!("kind-{kind}")), None, t))
                .collect(),
        },
    ];
    let total = report_row(&tr, tr.t("training-report-total"), None, &report.total);
    Ok(page(
        ReportPage {
            tr: &tr,
            user: Some(&who),
            years: report.years,
            year: year.unwrap_or_default(),
            sessions,
            tables,
            total,
        }
        .render(),
    ))
}
