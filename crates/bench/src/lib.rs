//! `baladiya bench`: throughput and latency of the one-stop shop through
//! its real HTTP API on loopback, on SQLite and PostgreSQL, each beside a
//! baseline measured in the same run: the raw insert rate of the same
//! engine with the same durability settings, and a trivial handler.
//! Prints a table and writes JSON.
//!
//! One module a suite (`shop`, `reports`, `indicators`, `sensors`,
//! `process`, `training`, `crash`, `footprint`), `measure` holding what they
//! share (the served app, the clients, the timing loop, the baselines), and
//! this one choosing the suites and writing the report. The binary's
//! `baladiya bench` calls [`run`]; the crash and footprint suites start that
//! binary again as a separate process.

mod crash;
mod footprint;
mod indicators;
mod measure;
mod participation;
mod participation_ballots;
mod process;
mod reports;
mod sensors;
mod shop;
mod training;

use std::path::PathBuf;

use anyhow::{Context, Result, anyhow};
use baladiya_app::catalog::Catalog;
use baladiya_store::Store;
use serde_json::{Value, json};

/// What to run.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    pub postgres: Option<String>,
    pub seconds: u64,
    pub clients: usize,
    pub rows: usize,
    pub samples: usize,
    pub catalog: PathBuf,
    pub out: PathBuf,
    /// `shop`, `reports` or `all`.
    pub suite: String,
    /// Reports in the database for the Open311 search measurements.
    pub reports: usize,
    /// Observations in the database for the SensorThings query measurements.
    pub observations: usize,
    /// Events in the applications' log for the process-mining measurements.
    pub events: usize,
    /// The catalog's report categories (`report-categories.toml`), if any.
    pub report_categories: Option<Vec<baladiya_domain::reports::ReportCategory>>,
    /// The catalog's indicators (`indicators/`).
    pub indicators: Vec<baladiya_domain::indicators::Indicator>,
}

pub async fn run(options: BenchOptions) -> Result<()> {
    let all = options.suite == "all";
    let suite = |name: &str| all || options.suite == name;
    let (shop, reports, indicators, sensors, process, training, participation, footprint, crash) = (
        suite("shop"),
        suite("reports"),
        suite("indicators"),
        suite("sensors"),
        suite("process"),
        suite("training"),
        suite("participation"),
        suite("footprint"),
        suite("crash"),
    );
    if !(shop
        || reports
        || indicators
        || sensors
        || process
        || training
        || participation
        || footprint
        || crash)
    {
        anyhow::bail!(
            "unknown suite {}: use shop, reports, indicators, sensors, process, training, participation, footprint, crash or all",
            options.suite
        );
    }
    let mut report = json!({
        "version": env!("CARGO_PKG_VERSION"),
        "date": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "machine": machine(&options).await?,
    });
    if shop {
        let catalog = catalog(&options)?;
        let results = measure::on_engines(&options, |name, url| {
            let (options, catalog) = (options.clone(), catalog.clone());
            async move { crate::shop::engine(&name, &url, &options, &catalog).await }
        })
        .await?;
        crate::shop::print(&results);
        report["one_stop_shop"] = Value::Array(results);
    }
    if reports {
        let categories = categories(&options)?;
        let boundaries = boundaries(&options)?;
        let results =
            measure::on_engines(&options, |name, url| {
                let (options, categories, boundaries) =
                    (options.clone(), categories.clone(), boundaries.clone());
                async move {
                    crate::reports::engine(&name, &url, &options, &categories, &boundaries).await
                }
            })
            .await?;
        crate::reports::print(&results);
        report["citizen_reports"] = Value::Array(results);
    }
    if indicators {
        let catalog = catalog(&options)?;
        let categories = categories(&options)?;
        let boundaries = boundaries(&options)?;
        let list = options.indicators.clone();
        let results = measure::on_engines(&options, |name, url| {
            let (options, catalog, categories, boundaries, list) = (
                options.clone(),
                catalog.clone(),
                categories.clone(),
                boundaries.clone(),
                list.clone(),
            );
            async move {
                crate::indicators::engine(
                    &name,
                    &url,
                    &options,
                    &catalog,
                    &categories,
                    &boundaries,
                    &list,
                )
                .await
            }
        })
        .await?;
        crate::indicators::print(&results);
        report["indicators"] = Value::Array(results);
    }
    if sensors {
        let results = measure::on_engines(&options, |name, url| {
            let options = options.clone();
            async move { crate::sensors::engine(&name, &url, &options).await }
        })
        .await?;
        crate::sensors::print(&results);
        report["sensors"] = Value::Array(results);
    }
    if process {
        let catalog = catalog(&options)?;
        let categories = categories(&options)?;
        let boundaries = boundaries(&options)?;
        let results = measure::on_engines(&options, |name, url| {
            let (options, catalog, categories, boundaries) = (
                options.clone(),
                catalog.clone(),
                categories.clone(),
                boundaries.clone(),
            );
            async move {
                crate::process::engine(&name, &url, &options, &catalog, &categories, &boundaries)
                    .await
            }
        })
        .await?;
        crate::process::print(&results);
        report["process"] = Value::Array(results);
    }
    if training {
        let results = measure::on_engines(&options, |name, url| {
            let options = options.clone();
            async move { crate::training::engine(&name, &url, &options).await }
        })
        .await?;
        crate::training::print(&results);
        report["training"] = Value::Array(results);
    }
    if participation {
        let result = crate::participation::run(&options).await?;
        crate::participation::print(&result);
        report["participation"] = Value::Array(vec![result]);
        let results = measure::on_engines(&options, |name, url| {
            let options = options.clone();
            async move { crate::participation_ballots::engine(&name, &url, &options).await }
        })
        .await?;
        crate::participation_ballots::print(&results);
        report["participation_ballot_box"] = Value::Array(results);
    }
    if footprint {
        let result = crate::footprint::run(&options).await?;
        crate::footprint::print(&result);
        report["footprint"] = Value::Array(vec![result]);
    }
    if crash {
        let results = measure::on_engines(&options, |name, url| {
            let options = options.clone();
            async move { crate::crash::engine(&name, &url, &options).await }
        })
        .await?;
        crate::crash::print(&results);
        report["crash"] = Value::Array(results);
    }
    if let Some(dir) = options.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&options.out, serde_json::to_string_pretty(&report)?)?;
    println!("\nwritten to {}", options.out.display());
    Ok(())
}

/// What the figures were measured on: cores, CPU, memory, kernel and the
/// engines' versions, so two result files can be told apart.
async fn machine(options: &BenchOptions) -> Result<Value> {
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let cpuinfo = read("/proc/cpuinfo");
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, name)| name.trim().to_owned());
    let memory_gib = measure::proc_kib("/proc/meminfo", "MemTotal:")
        .map(|kb| (kb / 1024.0 / 1024.0 * 10.0).round() / 10.0);
    let sqlite = Store::connect("sqlite::memory:").await?;
    let postgres = match &options.postgres {
        Some(url) => Some(Store::connect(url).await?.engine_version().await?),
        None => None,
    };
    Ok(json!({
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "cpu": cpu,
        "memory_gib": memory_gib,
        "kernel": read("/proc/sys/kernel/osrelease").trim(),
        "sqlite": sqlite.engine_version().await?,
        "postgres": postgres,
    }))
}

/// The catalog of services the suites file applications to.
fn catalog(options: &BenchOptions) -> Result<Catalog> {
    Catalog::load_dir(&options.catalog).map_err(|p| anyhow!("catalog has {} problems", p.len()))
}

/// The catalog's report categories.
fn categories(options: &BenchOptions) -> Result<Vec<baladiya_domain::reports::ReportCategory>> {
    options
        .report_categories
        .clone()
        .context("the catalog has no report-categories.toml")
}

/// The catalog's unit boundaries (GeoJSON).
fn boundaries(options: &BenchOptions) -> Result<String> {
    Ok(std::fs::read_to_string(
        options.catalog.join("boundaries.geojson"),
    )?)
}
