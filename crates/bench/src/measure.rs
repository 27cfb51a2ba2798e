//! What every suite shares: the app over a migrated database with the demo
//! data, the benchmark's server on loopback with its clients (signed in or
//! with a bearer token), the timing loop, the database's raw insert rate
//! (the baseline), latencies as percentiles, a figure of `/proc`, and the
//! run of a suite on each engine.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use baladiya_app::App;
use baladiya_app::attachments::Blobs;
use baladiya_store::Store;
use baladiya_web::WebConfig;
use serde_json::{Value, json};

use crate::BenchOptions;

/// Runs `work` from `clients` tasks for `seconds`, or until it says there
/// is nothing left (`Ok(false)`); returns (operations, elapsed, latencies).
pub(crate) async fn for_a_while<F, Fut>(
    clients: usize,
    seconds: u64,
    work: F,
) -> Result<(usize, Duration, Vec<Duration>)>
where
    F: Fn(usize, usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<bool>> + Send,
{
    let work = Arc::new(work);
    let counter = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let deadline = start + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for client in 0..clients {
        let work = work.clone();
        let counter = counter.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let t = Instant::now();
                if !work(client, n).await? {
                    break;
                }
                latencies.push(t.elapsed());
            }
            Ok::<_, anyhow::Error>(latencies)
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await??);
    }
    Ok((latencies.len(), start.elapsed(), latencies))
}

/// A migrated database at `url` with the demo data, and an app over it
/// whose attachments live in the returned temporary directory.
pub(crate) async fn demo_app(url: &str) -> Result<(Store, App, tempfile::TempDir)> {
    let store = Store::connect(url).await?;
    store.migrate().await?;
    let files = tempfile::tempdir()?;
    let mut app = App::new(
        store.clone(),
        Blobs::local(&files.path().join("attachments")).map_err(|e| anyhow!("{e}"))?,
    );
    // The benchmark's clients all come from one loopback address.
    app.settings.limits = baladiya_app::Limits::unlimited();
    app.load_demo().await.map_err(|e| anyhow!("{e}"))?;
    Ok((store, app, files))
}

/// An HTTP client of the benchmarks: it keeps an idle connection for less
/// than the server's `Keep-Alive: timeout` (see
/// [`baladiya_web::ServeOptions::keep_alive_hint`]), so it never sends a
/// request on one the server is closing.
pub fn client_builder() -> reqwest::ClientBuilder {
    let hint = baladiya_web::ServeOptions::default().keep_alive_hint();
    reqwest::Client::builder()
        .pool_idle_timeout(std::time::Duration::from_millis(hint * 1000 - 500))
}

/// A server of the benchmark on a loopback port, with a client for it.
pub(crate) struct Served {
    pub base: String,
    pub client: reqwest::Client,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Served {
    pub async fn start(app: &App, clients: usize) -> Result<Served> {
        let router = baladiya_web::router(
            app.clone(),
            WebConfig {
                secure_cookies: false,
                // The benchmark stands for the proxy in front of the
                // server: a phase may send the citizens' own addresses.
                trust_forwarded_for: true,
                ..WebConfig::default()
            },
            baladiya_web::Capabilities::default(),
        )
        .map_err(anyhow::Error::msg)?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let options = baladiya_web::ServeOptions::default();
        let server = tokio::spawn(async move {
            baladiya_web::serve(listener, router, &options, async {
                let _ = stopped.await;
            })
            .await
        });
        let client = client_builder()
            .pool_max_idle_per_host(clients * 2)
            .build()?;
        Ok(Served {
            base,
            client,
            stop,
            server,
        })
    }

    /// The baseline of the same server: its stylesheet, a static asset.
    /// Returns the rate and the latencies.
    pub async fn trivial(&self, options: &BenchOptions) -> Result<(f64, Vec<Duration>)> {
        let (c, b) = (self.client.clone(), self.base.clone());
        let (n, time, latencies) = for_a_while(options.clients, options.seconds, move |_, _| {
            let (client, base) = (c.clone(), b.clone());
            async move {
                let r = client.get(format!("{base}/assets/app.css")).send().await?;
                anyhow::ensure!(r.status().is_success(), "asset {}", r.status());
                r.bytes().await?;
                Ok(true)
            }
        })
        .await?;
        let rate = n as f64 / time.as_secs_f64();
        eprintln!("trivial handler: {rate:.0}/s");
        Ok((rate, latencies))
    }

    pub async fn stop(self) -> Result<()> {
        let _ = self.stop.send(());
        self.server.await??;
        Ok(())
    }
}

/// A client signed in to the staff pages as `username` (a session cookie).
pub(crate) async fn signed_in(
    base: &str,
    username: &str,
    password: &str,
) -> Result<reqwest::Client> {
    let staff = client_builder().cookie_store(true).build()?;
    let login_page = staff
        .get(format!("{base}/login"))
        .send()
        .await?
        .text()
        .await?;
    let csrf = login_page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .context("csrf")?
        .to_owned();
    let r = staff
        .post(format!("{base}/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", username),
            ("password", password),
        ])
        .send()
        .await?;
    anyhow::ensure!(
        r.status().is_success() || r.status().is_redirection(),
        "login {}",
        r.status()
    );
    Ok(staff)
}

/// A bearer token for `username`, from the API.
pub(crate) async fn bearer(base: &str, username: &str, password: &str) -> Result<String> {
    let token: Value = client_builder()
        .build()?
        .post(format!("{base}/api/v1/auth/token"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await?
        .json()
        .await?;
    Ok(token["token"].as_str().context("token")?.to_owned())
}

/// The baseline of the database: one small row per transaction into a
/// scratch table, with the same durability settings as real writes.
pub(crate) async fn raw_insert_rate(store: &Store, options: &BenchOptions) -> Result<f64> {
    store.create_raw_table().await?;
    let raw_store = store.clone();
    let (raw, raw_time, _) = for_a_while(options.clients, options.seconds, move |_, n| {
        let store = raw_store.clone();
        async move {
            store.raw_insert(&format!("row {n}")).await?;
            Ok(true)
        }
    })
    .await?;
    let rate = raw as f64 / raw_time.as_secs_f64();
    eprintln!("raw inserts: {rate:.0}/s");
    Ok(rate)
}

pub(crate) fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

pub(crate) fn latency(mut samples: Vec<Duration>) -> Value {
    samples.sort();
    json!({"samples": samples.len(), "p50_ms": percentile(&samples, 0.50), "p99_ms": percentile(&samples, 0.99)})
}

/// A figure in kB of a `/proc` file (`MemTotal:` of `/proc/meminfo`,
/// `VmRSS:` of `/proc/PID/status`).
pub(crate) fn proc_kib(path: &str, field: &str) -> Option<f64> {
    std::fs::read_to_string(path)
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix(field))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Runs `suite` on a fresh SQLite file and, if given, a throw-away
/// PostgreSQL schema.
pub(crate) async fn on_engines<F, Fut>(options: &BenchOptions, suite: F) -> Result<Vec<Value>>
where
    F: Fn(String, String) -> Fut,
    Fut: std::future::Future<Output = Result<Value>>,
{
    let dir = tempfile::tempdir()?;
    let mut results = vec![
        suite(
            "sqlite".into(),
            format!("sqlite://{}", dir.path().join("bench.db").display()),
        )
        .await?,
    ];
    if let Some(base) = &options.postgres {
        let schema = format!("bench_{}", std::process::id());
        let admin = Store::connect(base).await?;
        admin.recreate_schema(&schema, true).await?;
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
        let result = suite("postgres".into(), url).await;
        admin.recreate_schema(&schema, false).await?;
        admin.close().await;
        results.push(result?);
    }
    Ok(results)
}

/// Runs a baseline of `scripts/` (`name`, a Python script that needs the
/// PyPI package `package`) on `args`, and reads the JSON it prints.
pub(crate) fn python_baseline<I, S>(name: &str, package: &str, args: I) -> Result<Value>
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scripts")
        .join(name);
    let output = std::process::Command::new("python3")
        .arg(&script)
        .args(args)
        .output()
        .with_context(|| format!("running scripts/{name} (pip install {package})"))?;
    if !output.status.success() {
        anyhow::bail!(
            "the {package} baseline failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(serde_json::from_slice(&output.stdout)?)
}
