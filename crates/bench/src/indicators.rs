//! The indicators benchmark: recompute every computed indicator for every
//! unit for twelve months over a year of generated activity (the demo's
//! history, scaled), on each engine, beside DuckDB computing the same
//! monthly aggregations over the same facts exported to CSV; then the
//! scorecard and indicator pages' latency at that size.

use std::io::Write;
use std::time::Instant;

use anyhow::{Result, anyhow};
use baladiya_app::catalog::Catalog;
use baladiya_domain::indicators::{Indicator, Month};
use baladiya_domain::reports::ReportCategory;
use chrono::Duration;
use serde_json::{Value, json};

use crate::BenchOptions;
use crate::measure::{Served, demo_app, latency, python_baseline};

/// The demo's history holds about 2,100 applications; the benchmark asks
/// for `options.reports` of each.
const DEMO_APPLICATIONS: usize = 2_100;

pub async fn engine(
    name: &str,
    url: &str,
    options: &BenchOptions,
    catalog: &Catalog,
    categories: &[ReportCategory],
    boundaries: &str,
    indicators: &[Indicator],
) -> Result<Value> {
    eprintln!("== {name}: {url}");
    let (store, app, files) = demo_app(url).await?;
    app.publish_catalog(catalog)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    app.set_report_categories(categories.to_vec());
    app.set_indicators(indicators.to_vec());
    app.import_boundaries(None, boundaries)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let scale = (options.reports / DEMO_APPLICATIONS).max(1) as u64;
    let started = Instant::now();
    let (applications, reports) = app.write_history(scale).await.map_err(|e| anyhow!("{e}"))?;
    let seeded = started.elapsed().as_secs_f64();
    store.optimize().await?;
    eprintln!("{applications} applications and {reports} reports written in {seeded:.1} s");

    let months = Month::of(app.now().date_naive()).last(12);
    let started = Instant::now();
    let mut values = 0;
    for month in &months {
        values += app
            .recompute_indicators(*month)
            .await
            .map_err(|e| anyhow!("{e}"))?;
    }
    let recompute = started.elapsed().as_secs_f64();
    eprintln!("recomputed {values} values for 12 months in {recompute:.2} s");

    // The same facts, to CSV, for DuckDB.
    let now = app.now();
    let (from, to) = (now - Duration::days(400), now + Duration::days(1));
    let dir = files.path();
    let (apps_csv, reports_csv) = (dir.join("applications.csv"), dir.join("reports.csv"));
    let mut out = csv::Writer::from_path(&apps_csv)?;
    out.write_record([
        "unit_path",
        "service",
        "channel",
        "status",
        "submitted_at",
        "completed_at",
        "due_on",
        "fee_minor",
        "rating",
        "returned",
    ])?;
    for f in store.application_facts(from, to).await? {
        out.write_record([
            f.unit_path,
            f.service_code,
            f.channel,
            f.status,
            f.submitted_at.to_rfc3339(),
            f.completed_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            f.due_on.to_string(),
            f.fee_minor.map(|v| v.to_string()).unwrap_or_default(),
            f.rating.map(|v| v.to_string()).unwrap_or_default(),
            f.returned.to_string(),
        ])?;
    }
    out.flush()?;
    let mut out = csv::Writer::from_path(&reports_csv)?;
    out.write_record([
        "unit_path",
        "category",
        "status",
        "requested_at",
        "closed_at",
        "expected_on",
        "reopened",
    ])?;
    for f in store.report_facts(from, to).await? {
        out.write_record([
            f.unit_path,
            f.category_code,
            f.status,
            f.requested_at.to_rfc3339(),
            f.closed_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            f.expected_on.to_string(),
            f.reopened.to_string(),
        ])?;
    }
    out.flush()?;
    let duck = python_baseline("bench-duckdb.py", "duckdb", [&apps_csv, &reports_csv])?;
    let duck_total = duck["load_seconds"].as_f64().unwrap_or(0.0)
        + duck["aggregate_seconds"].as_f64().unwrap_or(0.0);
    eprintln!("DuckDB: {duck}");

    // The pages at this size.
    let served = Served::start(&app, options.clients).await?;
    let mut card = Vec::new();
    let mut detail = Vec::new();
    for _ in 0..options.samples {
        let t = Instant::now();
        let r = served
            .client
            .get(format!("{}/indicators?unit=EG-GZ", served.base))
            .send()
            .await?;
        r.error_for_status()?.bytes().await?;
        card.push(t.elapsed());
        let t = Instant::now();
        let r = served
            .client
            .get(format!(
                "{}/indicators/detail?code=BLD%3A%20ICT%3A%20PS%3A%201&unit=EG-GZ",
                served.base
            ))
            .send()
            .await?;
        r.error_for_status()?.bytes().await?;
        detail.push(t.elapsed());
    }
    served.stop().await?;
    let _ = std::io::stderr().flush();
    Ok(json!({
        "engine": name,
        "applications": applications,
        "reports": reports,
        "seed_seconds": seeded,
        "recompute_12_months_seconds": recompute,
        "values_written": values,
        "duckdb": duck,
        "duckdb_total_seconds": duck_total,
        "ratio_to_duckdb": recompute / duck_total.max(1e-9),
        "scorecard_page_latency": latency(card),
        "indicator_page_latency": latency(detail),
    }))
}

pub fn print(results: &[Value]) {
    println!();
    println!(
        "{:<10} {:>12} {:>10} {:>14} {:>12} {:>10} {:>14} {:>14}",
        "engine",
        "applications",
        "reports",
        "recompute s",
        "DuckDB s",
        "ratio",
        "scorecard p50",
        "scorecard p99"
    );
    for r in results {
        println!(
            "{:<10} {:>12} {:>10} {:>14.2} {:>12.2} {:>10.1} {:>12.1}ms {:>12.1}ms",
            r["engine"].as_str().unwrap_or(""),
            r["applications"],
            r["reports"],
            r["recompute_12_months_seconds"].as_f64().unwrap_or(0.0),
            r["duckdb_total_seconds"].as_f64().unwrap_or(0.0),
            r["ratio_to_duckdb"].as_f64().unwrap_or(0.0),
            r["scorecard_page_latency"]["p50_ms"]
                .as_f64()
                .unwrap_or(0.0),
            r["scorecard_page_latency"]["p99_ms"]
                .as_f64()
                .unwrap_or(0.0),
        );
    }
}
