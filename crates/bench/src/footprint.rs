//! The footprint benchmark: how fast `baladiya serve` starts on an
//! existing database, and how much memory the server process holds idle,
//! under 64 concurrent clients of mixed traffic, and once they have gone.
//! The server is this very binary, started as a separate process on a
//! SQLite file made by `serve --demo`, so its memory is its own (the
//! clients live in the benchmark's process).

use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::BenchOptions;
use crate::measure::{for_a_while, latency};

/// Concurrent clients of the memory measurement.
const CLIENTS: usize = 64;
/// Cold starts timed.
const STARTS: usize = 7;

/// A server process of this binary, serving `dir`'s database.
pub(crate) struct Server {
    child: Child,
    pub(crate) base: String,
    /// The demo's Open311 key, when started with `--demo`.
    key: Option<String>,
}

/// Starts `serve` in `dir` on `database` (by default `dir`'s SQLite file).
pub(crate) async fn start(
    dir: &Path,
    catalog: &Path,
    database: Option<&str>,
    demo: bool,
) -> Result<Server> {
    let mut command = Command::new(std::env::current_exe()?);
    command
        .current_dir(dir)
        .args(["serve", "--listen", "127.0.0.1:0", "--catalog"])
        .arg(catalog)
        .env("BALADIYA_CONFIG", dir.join("baladiya.toml"))
        .env_remove("BALADIYA_DATABASE_URL")
        .env_remove("BALADIYA_LISTEN")
        .env_remove("BALADIYA_CATALOG")
        .env_remove("BALADIYA_DATA_DIR")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    if demo {
        command.arg("--demo");
    }
    if let Some(url) = database {
        command.env("BALADIYA_DATABASE_URL", url);
    }
    let mut child = command.spawn().context("starting the server")?;
    let stdout = child.stdout.take().context("its output")?;
    let mut lines = BufReader::new(stdout).lines();
    let mut key = None;
    let base = loop {
        let Some(line) = lines.next_line().await? else {
            bail!("the server stopped before serving");
        };
        if let Some(k) = line.strip_prefix("Open311 demo API key (60 submissions a minute): ") {
            key = Some(k.trim().to_owned());
        }
        if let Some(rest) = line.strip_prefix("Baladiya is serving on ") {
            break rest
                .split_whitespace()
                .next()
                .context("its address")?
                .to_owned();
        }
    };
    // What it prints later is read, so it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok(Server { child, base, key })
}

impl Server {
    fn pid(&self) -> Result<u32> {
        self.child.id().context("the server's pid")
    }

    /// The resident memory of the server process, in MiB.
    fn rss_mib(&self) -> Result<f64> {
        rss_mib(self.pid()?).context("the server's VmRSS")
    }

    /// SIGKILL: the process ends at once, whatever it was doing.
    pub(crate) fn kill(mut self) -> Result<u32> {
        let pid = self.pid()?;
        self.child.start_kill()?;
        Ok(pid)
    }

    /// SIGTERM, then waits for it to finish its requests and exit.
    pub(crate) async fn stop(mut self) -> Result<()> {
        let pid = self.pid()?.to_string();
        Command::new("kill").args(["-TERM", &pid]).status().await?;
        tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .map_err(|_| anyhow!("the server did not stop"))??;
        Ok(())
    }
}

/// An Open311 report of a street light out in Giza, with `key`.
pub(crate) fn street_light_report(
    client: &reqwest::Client,
    base: &str,
    key: &str,
    description: &str,
) -> reqwest::RequestBuilder {
    client
        .post(format!("{base}/open311/v2/requests.json"))
        .form(&[
            ("api_key", key),
            ("service_code", "street-lighting"),
            ("lat", "29.86"),
            ("long", "31.25"),
            ("attribute[problem]", "off"),
            ("description", description),
        ])
}

/// A process's resident memory (`VmRSS` of `/proc/PID/status`), in MiB.
fn rss_mib(pid: u32) -> Option<f64> {
    crate::measure::proc_kib(&format!("/proc/{pid}/status"), "VmRSS:").map(|kib| kib / 1024.0)
}

pub async fn run(options: &BenchOptions) -> Result<Value> {
    let dir = tempfile::tempdir()?;
    let catalog = std::path::absolute(&options.catalog)?;
    // Its own MQTT broker would take a port for nothing here.
    std::fs::write(dir.path().join("baladiya.toml"), "mqtt_listen = \"off\"\n")?;
    eprintln!("== footprint: making the demo database");
    let first = start(dir.path(), &catalog, None, true).await?;
    first.stop().await?;

    // Cold starts: from the process's start to its first answer.
    let client = crate::measure::client_builder().build()?;
    let mut starts = Vec::new();
    for _ in 0..STARTS {
        let t = Instant::now();
        let server = start(dir.path(), &catalog, None, false).await?;
        let health = client
            .get(format!("{}/healthz", server.base))
            .send()
            .await?;
        anyhow::ensure!(health.status().is_success(), "healthz {}", health.status());
        starts.push(t.elapsed());
        server.stop().await?;
    }
    starts.sort();
    let cold_start_ms = starts[starts.len() / 2].as_secs_f64() * 1000.0;
    eprintln!("cold start (median of {STARTS}): {cold_start_ms:.1} ms");

    // Memory: idle, under mixed traffic, and after.
    let server = start(dir.path(), &catalog, None, true).await?;
    let key = server.key.clone().context("the demo's Open311 key")?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle = server.rss_mib()?;
    let peak = Arc::new(std::sync::Mutex::new(idle));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        let pid = server.pid()?;
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                if let Some(now) = rss_mib(pid)
                    && let Ok(mut peak) = peak.lock()
                {
                    *peak = peak.max(now);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let traffic = crate::measure::client_builder()
        .pool_max_idle_per_host(CLIENTS)
        .build()?;
    let base = server.base.clone();
    let (answered, took, lat) = for_a_while(CLIENTS, options.seconds, move |i, n| {
        let (client, base, key) = (traffic.clone(), base.clone(), key.clone());
        async move {
            // One request in ten a report (the demo key allows 60 a
            // minute: a refusal is an answer too), the rest reading.
            let response = match (i + n) % 10 {
                0 => {
                    street_light_report(&client, &base, &key, "عمود إنارة مطفأ (قياس الذاكرة)")
                        .send()
                        .await?
                }
                1 | 2 => {
                    client
                        .get(format!("{base}/open311/v2/requests.json?status=open"))
                        .send()
                        .await?
                }
                3 => client.get(format!("{base}/services")).send().await?,
                4 => {
                    client
                        .get(format!("{base}/services/EG-BUILDING-PERMIT"))
                        .send()
                        .await?
                }
                5 => client.get(format!("{base}/indicators")).send().await?,
                6 => {
                    client
                        .get(format!("{base}/sta/v1.1/Datastreams?$top=20"))
                        .send()
                        .await?
                }
                7 => client.get(format!("{base}/training")).send().await?,
                8 => client.get(format!("{base}/reports")).send().await?,
                _ => client.get(format!("{base}/")).send().await?,
            };
            let ok = response.status().is_success() || response.status().as_u16() == 429;
            response.bytes().await?;
            anyhow::ensure!(ok, "an unexpected answer");
            Ok(true)
        }
    })
    .await?;
    done.store(true, Ordering::Relaxed);
    sampler.await?;
    let peak = peak.lock().map(|p| *p).unwrap_or(idle);
    tokio::time::sleep(Duration::from_secs(5)).await;
    let after = server.rss_mib()?;
    // Once the readers' pool has closed its idle connections (their page
    // caches and maps of the file) — `baladiya_store::SQLITE_READER_IDLE`,
    // and as long again for the pool's reaper to come round.
    tokio::time::sleep(2 * baladiya_store::SQLITE_READER_IDLE).await;
    let settled = server.rss_mib()?;
    let rate = answered as f64 / took.as_secs_f64();
    eprintln!(
        "memory: {idle:.1} MiB idle, {peak:.1} MiB at most under {CLIENTS} clients ({rate:.0} requests/s), {after:.1} MiB five seconds after, {settled:.1} MiB once idle readers are closed"
    );
    server.stop().await?;
    Ok(json!({
        "engine": "sqlite",
        "cold_start_ms": cold_start_ms,
        "cold_starts_ms": starts.iter().map(|d| d.as_secs_f64() * 1000.0).collect::<Vec<_>>(),
        "clients": CLIENTS,
        "rss_idle_mib": idle,
        "rss_peak_mib": peak,
        "rss_after_mib": after,
        "rss_settled_mib": settled,
        "mixed_requests_per_s": rate,
        "mixed_latency": latency(lat),
    }))
}

pub(crate) fn print(result: &Value) {
    println!(
        "\nFootprint (SQLite, the server as its own process)\n  cold start of serve on an existing database: {:.1} ms (median of its starts)\n  resident memory: {:.1} MiB idle, {:.1} MiB at most under {} clients of mixed traffic ({:.0} requests/s), {:.1} MiB five seconds after",
        result["cold_start_ms"].as_f64().unwrap_or_default(),
        result["rss_idle_mib"].as_f64().unwrap_or_default(),
        result["rss_peak_mib"].as_f64().unwrap_or_default(),
        result["clients"],
        result["mixed_requests_per_s"].as_f64().unwrap_or_default(),
        result["rss_after_mib"].as_f64().unwrap_or_default(),
    );
}
