//! The analysis page for unit heads, governorate viewers and the
//! improvement committee: the process map, bottlenecks, variants,
//! conformance to the published procedure, figures by unit and month, and
//! two units side by side; each figure links to the cases behind it.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use baladiya_app::{AppError, Principal};
use baladiya_domain::ErrorCode;
use baladiya_domain::people::Permission;
use baladiya_domain::process::analysis::{AnalysedCase, Analysis, Selector};
use baladiya_domain::process::performance::Group;

use super::filters::{Names, ProcessQuery, median_days, number, percent, wait};
use crate::http::auth::{Staff, urlencode};
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::json::WebQuery;
use crate::http::state::AppState;
use crate::http::views::{Options, unit_options};
use crate::process::map::{Edge, Node, draw};

pub fn routes() -> Router<AppState> {
    Router::new().route("/staff/process", get(analysis_page))
}

/// One row of a figures table: a group (unit, channel, month).
#[derive(Debug)]
struct GroupRow {
    /// The cases of the group.
    href: String,
    name: String,
    cases: String,
    median: String,
    p90: String,
    rework: String,
    fitness: String,
    conforming: String,
}

fn group_row(tr: &Tr, g: &Group, name: String, q: &ProcessQuery) -> GroupRow {
    GroupRow {
        href: format!("/staff/process/cases?{}", q.filters()),
        name,
        cases: tr.digits(&g.cases.to_string()),
        median: median_days(tr, g.throughput_working_days),
        p90: g
            .throughput_working_days
            .map_or_else(|| "—".to_owned(), |d| number(tr, d.p90)),
        rework: percent(tr, g.rework_rate),
        fitness: percent(tr, g.fitness),
        conforming: percent(tr, g.conforming),
    }
}

#[derive(Debug)]
struct BottleneckRow {
    step: String,
    department: String,
    visits: String,
    median: String,
    p90: String,
    sla: String,
    over: String,
    href: String,
}

#[derive(Debug)]
struct VariantRow {
    path: Vec<String>,
    cases: String,
    share: String,
    median: String,
    href: String,
}

#[derive(Debug)]
struct DeviationRow {
    kind: String,
    subject: String,
    cases: String,
    href: String,
}

#[derive(Debug)]
struct ArcRow {
    from: String,
    to: String,
    count: String,
    cases: String,
    median: String,
    href: String,
}

/// Figures by unit, channel or month.
#[derive(Debug)]
struct GroupTable {
    title: &'static str,
    id: &'static str,
    csv: &'static str,
    /// The heading of the first column.
    key: &'static str,
    rows: Vec<GroupRow>,
}

/// Two units side by side.
#[derive(Debug)]
struct Comparison {
    a: String,
    b: String,
    rows: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "process/staff_process.html")]
struct AnalysisPage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    services: Options,
    units: Options,
    channels: Options,
    compare_units: Options,
    from: String,
    to: String,
    filters: String,
    headline: GroupRow,
    map: String,
    hidden_arcs: Option<String>,
    arcs: Vec<ArcRow>,
    bottlenecks: Vec<BottleneckRow>,
    variants: Vec<VariantRow>,
    deviations: Vec<DeviationRow>,
    groups: Vec<GroupTable>,
    comparison: Option<Comparison>,
}

/// A link to the cases `extra` picks, under `filters`.
fn cases_link(filters: &str, extra: &[(&str, &str)]) -> String {
    let mut query: Vec<String> = extra
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect();
    if !filters.is_empty() {
        query.insert(0, filters.to_owned());
    }
    format!("/staff/process/cases?{}", query.join("&"))
}

/// The cases in which `to` directly followed `from`.
fn arc_link(filters: &str, from: &str, to: &str) -> String {
    cases_link(
        filters,
        &[("show", "arc"), ("arc_from", from), ("arc_to", to)],
    )
}

/// The map: the most frequent activities (up to 20) in the order files
/// reach them, with the arcs between them that at least 1% of the cases
/// took; returns the SVG and how many arcs were left out.
fn process_map(tr: &Tr, names: &Names, a: &Analysis, filters: &str) -> (String, usize) {
    let floor = (a.overall.cases as f64 * 0.01).ceil() as u64;
    let mut kept: Vec<_> = a.activities.iter().take(20).collect();
    kept.sort_by(|x, y| x.mean_position.total_cmp(&y.mean_position));
    let mut nodes = vec![Node {
        label: tr.t("process-start"),
        detail: String::new(),
        count: String::new(),
    }];
    nodes.extend(kept.iter().map(|x| {
        let (label, detail) = names.parts(&x.activity);
        Node {
            label,
            detail,
            count: tr.digits(&x.count.to_string()),
        }
    }));
    nodes.push(Node {
        label: tr.t("process-end"),
        detail: String::new(),
        count: String::new(),
    });
    let end = nodes.len() - 1;
    let index = |activity: &str| {
        kept.iter()
            .position(|x| x.activity == activity)
            .map(|i| i + 1)
    };
    let mut edges = Vec::new();
    for x in &kept {
        let i = index(&x.activity).unwrap_or(0);
        if x.starts > 0 {
            edges.push(Edge {
                from: 0,
                to: i,
                count: x.starts,
                label: tr.digits(&x.starts.to_string()),
                href: cases_link(filters, &[]),
            });
        }
        if x.ends > 0 {
            edges.push(Edge {
                from: i,
                to: end,
                count: x.ends,
                label: tr.digits(&x.ends.to_string()),
                href: cases_link(filters, &[]),
            });
        }
    }
    let mut hidden = 0;
    for arc in &a.arcs {
        match (index(&arc.from), index(&arc.to)) {
            (Some(from), Some(to)) if arc.cases >= floor => edges.push(Edge {
                from,
                to,
                count: arc.count,
                label: format!(
                    "{} · {}",
                    tr.digits(&arc.count.to_string()),
                    arc.hours.map_or_else(String::new, |h| wait(tr, h.median))
                ),
                href: arc_link(filters, &arc.from, &arc.to),
            }),
            _ => hidden += 1,
        }
    }
    (
        draw(&nodes, &edges, &tr.t("process-map"), tr.dir() == "rtl"),
        hidden,
    )
}

pub(super) async fn oversee(who: &Principal) -> Result<(), WebError> {
    if who.access.has_anywhere(Permission::ViewOversight) {
        Ok(())
    } else {
        Err(WebError::new(ErrorCode::Forbidden))
    }
}

pub(super) async fn analyse(
    state: &AppState,
    who: &Principal,
    q: &ProcessQuery,
    unit: &str,
    selector: Option<&Selector>,
) -> Result<(Analysis, Vec<AnalysedCase>), WebError> {
    let filter = state.app.log_filter(Some(who), &q.log_query(unit)?).await?;
    Ok(state.app.process_analysis(&filter, selector).await?)
}

async fn analysis_page(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    WebQuery(q): WebQuery<ProcessQuery>,
) -> Result<Response, WebError> {
    oversee(&who).await?;
    let (a, _) = analyse(&state, &who, &q, &q.unit, None).await?;
    let names = Names::new(&state, &tr);
    let filters = q.filters();
    let units = state
        .app
        .store
        .units_within(&who.access.roots(Permission::ViewOversight))
        .await
        .map_err(AppError::from)?;
    let unit_name = |code: &str| {
        units
            .iter()
            .find(|u| u.code.as_str() == code)
            .map_or_else(|| code.to_owned(), |u| u.name.get(tr.lang()).to_owned())
    };
    let comparison = if q.compare.is_empty() || q.unit.is_empty() {
        None
    } else {
        let (b, _) = analyse(&state, &who, &q, &q.compare, None).await?;
        Some(compare(
            &tr,
            &names,
            (&unit_name(&q.unit), &a),
            (&unit_name(&q.compare), &b),
        ))
    };
    let (map, hidden_arcs) = process_map(&tr, &names, &a, &filters);
    let mut services: Options = state
        .app
        .services()
        .iter()
        .map(|p| {
            let code = p.service.code.as_str().to_owned();
            let chosen = code.eq_ignore_ascii_case(&q.service);
            (code, p.service.name.get(tr.lang()).to_owned(), chosen)
        })
        .collect();
    services.sort_by(|x, y| x.1.cmp(&y.1));
    let body = AnalysisPage {
        tr: &tr,
        user: Some(&who),
        services,
        compare_units: unit_options(&tr, &units, &q.compare),
        units: unit_options(&tr, &units, &q.unit),
        channels: ["online", "counter"]
            .iter()
            .map(|c| {
                (
                    (*c).to_owned(),
                    tr.term(&format!("channel-{c}"), None),
                    q.channel == *c,
                )
            })
            .collect(),
        from: q.from.clone(),
        to: q.to.clone(),
        headline: group_row(&tr, &a.overall, String::new(), &q),
        map,
        hidden_arcs: (hidden_arcs > 0)
            .then(|| tr.count("process-hidden-arcs", "n", hidden_arcs as i64)),
        arcs: a
            .arcs
            .iter()
            .map(|arc| ArcRow {
                from: names.activity(&arc.from),
                to: names.activity(&arc.to),
                count: tr.digits(&arc.count.to_string()),
                cases: tr.digits(&arc.cases.to_string()),
                median: arc.hours.map_or_else(String::new, |h| wait(&tr, h.median)),
                href: arc_link(&filters, &arc.from, &arc.to),
            })
            .collect(),
        bottlenecks: a
            .bottlenecks
            .iter()
            .map(|b| BottleneckRow {
                step: names.step(&b.step),
                department: names.department(&b.department, &b.step),
                visits: tr.digits(&b.visits.to_string()),
                median: number(&tr, b.working_days.median),
                p90: number(&tr, b.working_days.p90),
                sla: tr.digits(&b.sla_working_days.to_string()),
                over: percent(&tr, b.over_sla),
                href: cases_link(
                    &filters,
                    &[
                        ("show", "over_sla"),
                        ("step", &b.step),
                        ("department", &b.department),
                    ],
                ),
            })
            .collect(),
        variants: a
            .variants
            .iter()
            .take(15)
            .map(|v| VariantRow {
                path: v.activities.iter().map(|x| names.activity(x)).collect(),
                cases: tr.digits(&v.cases.to_string()),
                share: percent(&tr, v.share),
                median: v.hours.map_or_else(String::new, |h| wait(&tr, h.median)),
                href: cases_link(
                    &filters,
                    &[("show", "variant"), ("path", &v.activities.join(" > "))],
                ),
            })
            .collect(),
        deviations: a
            .deviations
            .iter()
            .map(|d| DeviationRow {
                kind: tr.t(&format!("deviation-{}", d.deviation.kind())),
                subject: names.deviation(&d.deviation),
                cases: tr.digits(&d.cases.to_string()),
                href: cases_link(
                    &filters,
                    &[
                        ("show", "deviation"),
                        ("kind", d.deviation.kind()),
                        ("subject", d.deviation.subject()),
                    ],
                ),
            })
            .collect(),
        groups: vec![
            GroupTable {
                title: "process-by-unit",
                id: "by-unit",
                csv: "units.csv",
                key: "process-unit",
                rows: a
                    .by_unit
                    .iter()
                    .map(|g| {
                        let q = ProcessQuery {
                            unit: g.key.clone(),
                            ..q.clone()
                        };
                        group_row(&tr, g, unit_name(&g.key), &q)
                    })
                    .collect(),
            },
            GroupTable {
                title: "process-by-channel",
                id: "by-channel",
                csv: "channels.csv",
                key: "process-channel",
                rows: a
                    .by_channel
                    .iter()
                    .map(|g| {
                        let name = tr.term(&format!("channel-{}", g.key), None);
                        let q = ProcessQuery {
                            channel: g.key.clone(),
                            ..q.clone()
                        };
                        group_row(&tr, g, name, &q)
                    })
                    .collect(),
            },
            GroupTable {
                title: "process-by-month",
                id: "by-month",
                csv: "months.csv",
                key: "process-month",
                rows: a
                    .by_month
                    .iter()
                    .map(|g| {
                        let q = ProcessQuery {
                            from: format!("{}-01", g.key),
                            to: month_end(&g.key),
                            ..q.clone()
                        };
                        group_row(&tr, g, tr.digits(&g.key), &q)
                    })
                    .collect(),
            },
        ],
        comparison,
        filters,
    };
    Ok(page(body.render()))
}

/// The last day of a month `YYYY-MM`, as `YYYY-MM-DD`.
fn month_end(month: &str) -> String {
    chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .ok()
        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
        .and_then(|d| d.pred_opt())
        .map_or_else(String::new, |d| d.to_string())
}

fn compare(tr: &Tr, names: &Names, a: (&str, &Analysis), b: (&str, &Analysis)) -> Comparison {
    let figures = |x: &Analysis| {
        let worst = x.bottlenecks.first().map_or_else(String::new, |w| {
            format!(
                "{} ({})",
                names.step(&w.step),
                tr.count("process-days", "n", w.working_days.median.round() as i64)
            )
        });
        let g = group_row(tr, &x.overall, String::new(), &ProcessQuery::default());
        [
            g.cases,
            g.median,
            g.p90,
            g.rework,
            g.fitness,
            g.conforming,
            worst,
        ]
    };
    let keys = [
        "process-cases",
        "process-median-days",
        "process-p90-days",
        "process-rework",
        "process-fitness",
        "process-conforming",
        "process-worst-step",
    ];
    let (fa, fb) = (figures(a.1), figures(b.1));
    Comparison {
        a: a.0.to_owned(),
        b: b.0.to_owned(),
        rows: keys
            .iter()
            .zip(fa.into_iter().zip(fb))
            .map(|(k, (x, y))| (tr.t(k), x, y))
            .collect(),
    }
}
