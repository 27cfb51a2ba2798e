//! Every table of the analysis as a CSV file.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use baladiya_domain::ErrorCode;
use baladiya_domain::process::Durations;
use baladiya_domain::process::performance::Group;

use super::analysis::{analyse, oversee};
use super::filters::{Names, ProcessQuery};
use crate::http::auth::Staff;
use crate::http::error::WebError;
use crate::http::i18n::Tr;
use crate::http::json::WebQuery;
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/staff/process/{table}", get(csv_table))
}

/// A table of the page as CSV: `variants.csv`, `bottlenecks.csv`,
/// `units.csv`, `months.csv`, `arcs.csv`, `deviations.csv` or `cases.csv`
/// (the cases the same query lists).
async fn csv_table(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    Path(table): Path<String>,
    WebQuery(q): WebQuery<ProcessQuery>,
) -> Result<Response, WebError> {
    oversee(&who).await?;
    let selector = q.selector();
    let (a, cases) = analyse(&state, &who, &q, &q.unit, selector.as_ref()).await?;
    let names = Names::new(&state, &tr);
    let hours = |d: Option<Durations>| {
        d.map_or([String::new(), String::new(), String::new()], |d| {
            [
                format!("{:.2}", d.mean),
                format!("{:.2}", d.median),
                format!("{:.2}", d.p90),
            ]
        })
    };
    let group = |g: &Group| -> Vec<String> {
        let mut row = vec![g.key.clone(), g.cases.to_string(), g.ended.to_string()];
        row.extend(hours(g.throughput_working_days));
        row.extend([
            format!("{:.4}", g.rework_rate),
            format!("{:.4}", g.fitness),
            format!("{:.4}", g.conforming),
        ]);
        row
    };
    const GROUP: [&str; 9] = [
        "key",
        "cases",
        "ended",
        "throughput_working_days_mean",
        "throughput_working_days_median",
        "throughput_working_days_p90",
        "rework_rate",
        "fitness",
        "conforming",
    ];
    let (header, rows): (Vec<&str>, Vec<Vec<String>>) = match table.as_str() {
        "variants.csv" => (
            vec![
                "activities",
                "labels",
                "cases",
                "share",
                "hours_mean",
                "hours_median",
                "hours_p90",
            ],
            a.variants
                .iter()
                .map(|v| {
                    let mut row = vec![
                        v.activities.join(" > "),
                        v.activities
                            .iter()
                            .map(|x| names.activity(x))
                            .collect::<Vec<_>>()
                            .join(" > "),
                        v.cases.to_string(),
                        format!("{:.4}", v.share),
                    ];
                    row.extend(hours(v.hours));
                    row
                })
                .collect(),
        ),
        "bottlenecks.csv" => (
            vec![
                "step",
                "step_name",
                "department",
                "visits",
                "working_days_mean",
                "working_days_median",
                "working_days_p90",
                "hours_median",
                "sla_working_days",
                "over_sla",
            ],
            a.bottlenecks
                .iter()
                .map(|b| {
                    let mut row = vec![
                        b.step.clone(),
                        names.step(&b.step),
                        b.department.clone(),
                        b.visits.to_string(),
                    ];
                    row.extend(hours(Some(b.working_days)));
                    row.extend([
                        format!("{:.2}", b.hours.median),
                        b.sla_working_days.to_string(),
                        format!("{:.4}", b.over_sla),
                    ]);
                    row
                })
                .collect(),
        ),
        "arcs.csv" => (
            vec![
                "from",
                "to",
                "count",
                "cases",
                "hours_mean",
                "hours_median",
                "hours_p90",
            ],
            a.arcs
                .iter()
                .map(|arc| {
                    let mut row = vec![
                        arc.from.clone(),
                        arc.to.clone(),
                        arc.count.to_string(),
                        arc.cases.to_string(),
                    ];
                    row.extend(hours(arc.hours));
                    row
                })
                .collect(),
        ),
        "deviations.csv" => (
            vec!["kind", "subject", "cases"],
            a.deviations
                .iter()
                .map(|d| {
                    vec![
                        d.deviation.kind().to_owned(),
                        d.deviation.subject().to_owned(),
                        d.cases.to_string(),
                    ]
                })
                .collect(),
        ),
        "units.csv" => (GROUP.to_vec(), a.by_unit.iter().map(group).collect()),
        "months.csv" => (GROUP.to_vec(), a.by_month.iter().map(group).collect()),
        "channels.csv" => (GROUP.to_vec(), a.by_channel.iter().map(group).collect()),
        "cases.csv" => (
            vec![
                "tracking_number",
                "unit",
                "channel",
                "month",
                "fitness",
                "deviations",
                "activities",
            ],
            cases
                .iter()
                .map(|c| {
                    vec![
                        c.tracking_number.clone(),
                        c.unit.clone(),
                        c.channel.clone(),
                        c.month.clone(),
                        format!("{:.4}", c.conformance.fitness),
                        c.conformance
                            .deviations
                            .iter()
                            .map(|d| format!("{}:{}", d.kind(), d.subject()))
                            .collect::<Vec<_>>()
                            .join(" "),
                        c.events
                            .iter()
                            .filter(|e| {
                                e.lifecycle == baladiya_domain::process::Lifecycle::Complete
                            })
                            .map(|e| e.activity.as_str())
                            .collect::<Vec<_>>()
                            .join(" > "),
                    ]
                })
                .collect(),
        ),
        _ => return Err(WebError::new(ErrorCode::NotFound)),
    };
    let internal = |e: csv::Error| {
        tracing::error!(%e, "writing CSV");
        WebError::new(ErrorCode::Internal)
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).map_err(internal)?;
    for row in &rows {
        writer.write_record(row).map_err(internal)?;
    }
    let body = writer
        .into_inner()
        .map_err(|e| internal(e.into_error().into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"process-{table}\""),
            ),
        ],
        body,
    )
        .into_response())
}
