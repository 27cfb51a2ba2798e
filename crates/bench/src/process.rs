//! The procedure-analytics benchmark: a generated year of the demo's
//! services (the demo's lives, scaled: returns, parallel approvals in
//! either order, slow departments, paper-register files) of at least
//! `options.events` log events; Baladiya reads its log from the database
//! and builds the directly-follows graph with durations, the variants,
//! bottlenecks and the conformance of every case, beside pm4py (PyPI)
//! importing the XES file Baladiya exported in the same run and
//! discovering the graph, its durations and the variants. Also the XES and
//! OCEL export throughput.

use std::time::Instant;

use anyhow::{Result, anyhow};
use baladiya_app::catalog::Catalog;
use baladiya_domain::process::analysis::analyse;
use baladiya_domain::reports::ReportCategory;
use baladiya_web::event_log::{LogFormat, ToWriter, write_log};
use serde_json::{Value, json};

use crate::BenchOptions;
use crate::measure::{demo_app, python_baseline};

/// Log events (starts and completions) the demo's year holds at scale 1.
const DEMO_EVENTS: usize = 21_000;

pub async fn engine(
    name: &str,
    url: &str,
    options: &BenchOptions,
    catalog: &Catalog,
    categories: &[ReportCategory],
    boundaries: &str,
) -> Result<Value> {
    eprintln!("== {name}: {url}");
    let (store, app, files) = demo_app(url).await?;
    app.publish_catalog(catalog)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    app.set_report_categories(categories.to_vec());
    app.import_boundaries(None, boundaries)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let scale = options.events.div_ceil(DEMO_EVENTS).max(1) as u64;
    let started = Instant::now();
    let (applications, _) = app.write_history(scale).await.map_err(|e| anyhow!("{e}"))?;
    store.optimize().await?;
    eprintln!(
        "{applications} applications written in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let filter = app
        .log_filter(None, &baladiya_app::process::LogQuery::default())
        .await
        .map_err(|e| anyhow!("{e}"))?;

    // Baladiya: the log from the database, then every figure.
    let started = Instant::now();
    let cases = app
        .analysed_cases(&filter)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let log_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let analysis = analyse(&cases);
    let discovery_seconds = started.elapsed().as_secs_f64();
    let events: usize = cases.iter().map(|c| c.events.len()).sum();
    let completed = cases
        .iter()
        .flat_map(|c| &c.events)
        .filter(|e| e.lifecycle == baladiya_domain::process::Lifecycle::Complete)
        .count();
    eprintln!(
        "Baladiya: {} cases, {events} events read and checked in {log_seconds:.2} s, analysed in {discovery_seconds:.2} s",
        cases.len()
    );
    drop(cases);

    // The exports, to files.
    let dir = files.path();
    let mut exports = serde_json::Map::new();
    for (format, file) in [
        (LogFormat::Xes, "applications.xes"),
        (LogFormat::Ocel, "applications.ocel.json"),
    ] {
        let path = dir.join(file);
        let out = ToWriter(std::fs::File::create(&path)?);
        let started = Instant::now();
        let (ToWriter(out), _, written) = write_log(&app, &filter, format, out, |_, _| {})
            .await
            .map_err(|e| anyhow!("{e}"))?;
        out.sync_all()?;
        let seconds = started.elapsed().as_secs_f64();
        let bytes = std::fs::metadata(&path)?.len();
        eprintln!("{file}: {written} events, {bytes} bytes in {seconds:.2} s");
        exports.insert(
            file.to_owned(),
            json!({
                "seconds": seconds,
                "events_per_s": written as f64 / seconds,
                "megabytes_per_s": bytes as f64 / 1e6 / seconds,
                "bytes": bytes,
            }),
        );
    }

    // pm4py on the same log.
    let pm4py = python_baseline("bench-pm4py.py", "pm4py", [dir.join("applications.xes")])?;
    eprintln!("pm4py: {pm4py}");
    let seconds = |key: &str| pm4py[key].as_f64().unwrap_or(0.0);
    let pm4py_total = seconds("import_seconds") + seconds("discovery_seconds");
    Ok(json!({
        "engine": name,
        "applications": applications,
        "cases": analysis.overall.cases,
        "events": events,
        "completed_events": completed,
        "arcs": analysis.arcs.len(),
        "variants": analysis.variants.len(),
        "deviating_cases": analysis.overall.cases as f64 * (1.0 - analysis.overall.conforming),
        "log_seconds": log_seconds,
        "discovery_seconds": discovery_seconds,
        "total_seconds": log_seconds + discovery_seconds,
        "pm4py": pm4py,
        "pm4py_total_seconds": pm4py_total,
        "pm4py_over_baladiya": pm4py_total / (log_seconds + discovery_seconds).max(1e-9),
        "pm4py_discovery_over_baladiya_discovery":
            seconds("discovery_seconds") / discovery_seconds.max(1e-9),
        "exports": exports,
    }))
}

pub fn print(results: &[Value]) {
    println!();
    println!(
        "{:<10} {:>10} {:>10} {:>8} {:>8} {:>10} {:>10} {:>10} {:>10} {:>8} {:>12}",
        "engine",
        "events",
        "cases",
        "arcs",
        "variants",
        "log s",
        "analyse s",
        "pm4py s",
        "(import)",
        "ratio",
        "XES ev/s"
    );
    for r in results {
        let f = |v: &Value| v.as_f64().unwrap_or(0.0);
        println!(
            "{:<10} {:>10} {:>10} {:>8} {:>8} {:>10.2} {:>10.2} {:>10.2} {:>10.2} {:>8.1} {:>12.0}",
            r["engine"].as_str().unwrap_or(""),
            r["events"],
            r["cases"],
            r["arcs"],
            r["variants"],
            f(&r["log_seconds"]),
            f(&r["discovery_seconds"]),
            f(&r["pm4py_total_seconds"]),
            f(&r["pm4py"]["import_seconds"]),
            f(&r["pm4py_over_baladiya"]),
            f(&r["exports"]["applications.xes"]["events_per_s"]),
        );
    }
}
