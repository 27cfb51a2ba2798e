//! `baladiya bench`: throughput and latency of the one-stop shop through
//! its real HTTP API on loopback, on SQLite and PostgreSQL, each beside a
//! baseline measured in the same run: the raw insert rate of the same
//! engine with the same durability settings, and a trivial handler.
//! Prints a table and writes JSON.
//!
//! One module a suite (`reports`, `indicators`, `sensors`, `process`,
//! `training`, `crash`, `footprint`), this one holding what they share: the
//! served app, the clients, the timing loops and the report. The binary's
//! `baladiya bench` calls [`run`]; the crash and footprint suites start that
//! binary again as a separate process.

mod crash;
mod footprint;
mod indicators;
mod process;
mod reports;
mod sensors;
mod training;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use baladiya_app::App;
use baladiya_app::attachments::Blobs;
use baladiya_app::catalog::Catalog;
use baladiya_domain::org::UnitCode;
use baladiya_domain::tracking::TrackingNumber;
use baladiya_store::{NewApplication, Store};
use baladiya_web::WebConfig;
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

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

fn national_id() -> String {
    baladiya_domain::country::EgyptianNationalId::with_check_digit("2850312210045")
        .unwrap_or_default()
}

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

fn percentile(sorted: &[Duration], p: f64) -> f64 {
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

/// The benchmark of one engine at `url`.
async fn engine(name: &str, url: &str, options: &BenchOptions, catalog: &Catalog) -> Result<Value> {
    eprintln!("== {name}: {url}");
    let (store, app, _files) = demo_app(url).await?;
    app.publish_catalog(catalog)
        .await
        .map_err(|e| anyhow!("{e}"))?;

    // Baseline 1: the raw insert rate, same engine, same durability.
    let raw_rate = raw_insert_rate(&store, options).await?;
    let served = Served::start(&app, options.clients).await?;
    let (trivial_rate, trivial_lat) = served.trivial(options).await?;
    let (client, base) = (served.client.clone(), served.base.clone());

    // Submissions through the API (multipart with two documents).
    let (c, b) = (client.clone(), base.clone());
    let submitted = Arc::new(std::sync::Mutex::new(Vec::new()));
    let keep = submitted.clone();
    let (subs, subs_time, subs_lat) = for_a_while(options.clients, options.seconds, move |_, n| {
        let (client, base, keep) = (c.clone(), b.clone(), keep.clone());
        async move {
            let form = reqwest::multipart::Form::new()
                .text("service", "EG-SHOP-LICENSE-RENEWAL")
                .text("unit", "EG-GZ-BDR")
                .text("applicant_name", "مقدم طلب للقياس")
                .text("applicant_id", national_id())
                .text("applicant_phone", "01012345678")
                .text("field.license_number", format!("BENCH/{n}"))
                .text("field.address", "شارع القياس")
                .part(
                    "document.national-id-copy",
                    reqwest::multipart::Part::bytes(PNG.to_vec()).file_name("id.png"),
                )
                .part(
                    "document.current-license",
                    reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("license.pdf"),
                );
            let r = client
                .post(format!("{base}/api/v1/applications"))
                .multipart(form)
                .send()
                .await?;
            anyhow::ensure!(r.status().as_u16() == 201, "submit {}", r.status());
            let body: Value = r.json().await?;
            if let Some(t) = body["tracking_number"].as_str() {
                keep.lock().map_err(|_| anyhow!("lock"))?.push(t.to_owned());
            }
            Ok(true)
        }
    })
    .await?;
    let subs_rate = subs as f64 / subs_time.as_secs_f64();
    eprintln!("submissions: {subs_rate:.1}/s");

    // Workflow actions through the API: clerks accept distinct applications.
    let token = bearer(&base, "eg.clerk", baladiya_app::demo::DEMO_PASSWORD).await?;
    let queue = Arc::new(std::sync::Mutex::new(std::mem::take(
        &mut *submitted.lock().map_err(|_| anyhow!("lock"))?,
    )));
    let (c, b, q, t) = (client.clone(), base.clone(), queue.clone(), token.clone());
    let (acts, acts_time, acts_lat) = for_a_while(options.clients, options.seconds, move |_, _| {
        let (client, base, queue, token) = (c.clone(), b.clone(), q.clone(), t.clone());
        async move {
            let Some(tracking) = queue.lock().map_err(|_| anyhow!("lock"))?.pop() else {
                return Ok(false);
            };
            let r = client
                .post(format!("{base}/api/v1/applications/{tracking}/actions"))
                .bearer_auth(&token)
                .json(&json!({"action": "accept", "version": 1}))
                .send()
                .await?;
            anyhow::ensure!(r.status().is_success(), "act {}", r.status());
            Ok(true)
        }
    })
    .await?;
    let acts_rate = acts as f64 / acts_time.as_secs_f64();
    eprintln!(
        "workflow actions: {acts_rate:.1}/s ({acts} actions; the phase ends early if the submitted applications run out)"
    );

    // Page latency with many applications in the database.
    let unit = store
        .unit_by_code(&UnitCode::parse("EG-GZ-BDR").map_err(|e| anyhow!(e))?)
        .await?
        .context("demo unit")?;
    let published = app.service("EG-SHOP-LICENSE-RENEWAL").context("service")?;
    let today = app.today_in(baladiya_domain::country::Country::Egypt);
    let template = NewApplication {
        service_version_id: published.version_id,
        unit_id: unit.id,
        unit_path: unit.path.encode(),
        applicant_kind: "citizen".into(),
        applicant_name: "مقدم طلب للقياس".into(),
        applicant_id_number: national_id(),
        applicant_phone: "+201012345678".into(),
        applicant_email: None,
        channel: "online",
        intake_user_id: None,
        form: "{}".into(),
        status: "in_progress".into(),
        step_role: "clerk".into(),
        pending_departments: ",technology_center,".into(),
        fee_minor: Some(50_000),
        currency: "EGP".into(),
        submitted_at: chrono::Utc::now(),
        step_due_on: today,
        due_on: today,
        throttle: None,
        idempotency: None,
    };
    let numbers: Vec<String> = (0..options.rows)
        .map(|i| TrackingNumber::new(&unit.code, 2099, 100_000 + i as u64).to_string())
        .collect();
    let seed_start = Instant::now();
    store.seed_applications(&template, &numbers).await?;
    let seeded = numbers.len();
    eprintln!(
        "seeded {seeded} applications in {:.1} s",
        seed_start.elapsed().as_secs_f64()
    );

    let staff = signed_in(&base, "eg.clerk", baladiya_app::demo::DEMO_PASSWORD).await?;
    let mut inbox = Vec::new();
    let mut track = Vec::new();
    let mut trivial_seq = Vec::new();
    let track_client = client_builder().build()?;
    for i in 0..options.samples {
        let t = Instant::now();
        let r = staff.get(format!("{base}/staff/inbox")).send().await?;
        anyhow::ensure!(r.status().is_success(), "inbox {}", r.status());
        r.bytes().await?;
        inbox.push(t.elapsed());
        let number = &numbers[(i * 7919) % numbers.len()];
        let t = Instant::now();
        let r = track_client
            .post(format!("{base}/api/v1/track"))
            .json(&json!({"tracking_number": number, "proof": national_id()}))
            .send()
            .await?;
        anyhow::ensure!(r.status().is_success(), "track {}", r.status());
        r.bytes().await?;
        track.push(t.elapsed());
        let t = Instant::now();
        track_client
            .get(format!("{base}/assets/app.css"))
            .send()
            .await?
            .bytes()
            .await?;
        trivial_seq.push(t.elapsed());
    }
    served.stop().await?;
    store.close().await;
    Ok(json!({
        "engine": name,
        "clients": options.clients,
        "seconds_per_phase": options.seconds,
        "raw_inserts_per_s": raw_rate,
        "trivial_handler_per_s": trivial_rate,
        "trivial_handler_latency": latency(trivial_lat),
        "submissions_per_s": subs_rate,
        "submission_latency": latency(subs_lat),
        "submissions_vs_raw_inserts": subs_rate / raw_rate,
        "workflow_actions_per_s": acts_rate,
        "workflow_action_latency": latency(acts_lat),
        "workflow_actions_vs_raw_inserts": acts_rate / raw_rate,
        "applications_in_database": seeded + subs,
        "staff_inbox_page_latency": latency(inbox),
        "track_api_latency": latency(track),
        "trivial_handler_sequential_latency": latency(trivial_seq),
    }))
}

pub async fn run(options: BenchOptions) -> Result<()> {
    let all = options.suite == "all";
    let suite = |name: &str| all || options.suite == name;
    let (shop, reports, indicators, sensors, process, training, footprint, crash) = (
        suite("shop"),
        suite("reports"),
        suite("indicators"),
        suite("sensors"),
        suite("process"),
        suite("training"),
        suite("footprint"),
        suite("crash"),
    );
    if !(shop || reports || indicators || sensors || process || training || footprint || crash) {
        anyhow::bail!(
            "unknown suite {}: use shop, reports, indicators, sensors, process, training, footprint, crash or all",
            options.suite
        );
    }
    let mut report = json!({
        "version": env!("CARGO_PKG_VERSION"),
        "date": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "machine": machine(&options).await?,
    });
    if shop {
        let catalog = Catalog::load_dir(&options.catalog)
            .map_err(|p| anyhow!("catalog has {} problems", p.len()))?;
        let results = on_engines(&options, |name, url| {
            let (options, catalog) = (options.clone(), catalog.clone());
            async move { engine(&name, &url, &options, &catalog).await }
        })
        .await?;
        print_shop(&results);
        report["one_stop_shop"] = Value::Array(results);
    }
    if reports {
        let categories = options
            .report_categories
            .clone()
            .context("the catalog has no report-categories.toml")?;
        let boundaries = std::fs::read_to_string(options.catalog.join("boundaries.geojson"))?;
        let results =
            on_engines(&options, |name, url| {
                let (options, categories, boundaries) =
                    (options.clone(), categories.clone(), boundaries.clone());
                async move {
                    crate::reports::engine(&name, &url, &options, &categories, &boundaries).await
                }
            })
            .await?;
        print_reports(&results);
        report["citizen_reports"] = Value::Array(results);
    }
    if indicators {
        let catalog = Catalog::load_dir(&options.catalog)
            .map_err(|p| anyhow!("catalog has {} problems", p.len()))?;
        let categories = options
            .report_categories
            .clone()
            .context("the catalog has no report-categories.toml")?;
        let boundaries = std::fs::read_to_string(options.catalog.join("boundaries.geojson"))?;
        let list = options.indicators.clone();
        let results = on_engines(&options, |name, url| {
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
        let results = on_engines(&options, |name, url| {
            let options = options.clone();
            async move { crate::sensors::engine(&name, &url, &options).await }
        })
        .await?;
        crate::sensors::print(&results);
        report["sensors"] = Value::Array(results);
    }
    if process {
        let catalog = Catalog::load_dir(&options.catalog)
            .map_err(|p| anyhow!("catalog has {} problems", p.len()))?;
        let categories = options
            .report_categories
            .clone()
            .context("the catalog has no report-categories.toml")?;
        let boundaries = std::fs::read_to_string(options.catalog.join("boundaries.geojson"))?;
        let results = on_engines(&options, |name, url| {
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
        let results = on_engines(&options, |name, url| {
            let options = options.clone();
            async move { crate::training::engine(&name, &url, &options).await }
        })
        .await?;
        crate::training::print(&results);
        report["training"] = Value::Array(results);
    }
    if footprint {
        let result = crate::footprint::run(&options).await?;
        println!(
            "\nFootprint (SQLite, the server as its own process)\n  cold start of serve on an existing database: {:.1} ms (median of its starts)\n  resident memory: {:.1} MiB idle, {:.1} MiB at most under {} clients of mixed traffic ({:.0} requests/s), {:.1} MiB five seconds after",
            result["cold_start_ms"].as_f64().unwrap_or_default(),
            result["rss_idle_mib"].as_f64().unwrap_or_default(),
            result["rss_peak_mib"].as_f64().unwrap_or_default(),
            result["clients"],
            result["mixed_requests_per_s"].as_f64().unwrap_or_default(),
            result["rss_after_mib"].as_f64().unwrap_or_default(),
        );
        report["footprint"] = Value::Array(vec![result]);
    }
    if crash {
        let results = on_engines(&options, |name, url| {
            let options = options.clone();
            async move { crate::crash::engine(&name, &url, &options).await }
        })
        .await?;
        println!("\nCrash (SIGKILL under load; Open311 submissions)");
        for r in &results {
            println!(
                "  {}: {} acknowledged in {:.1} s ({:.0}/s), {} unanswered at the kill; after it {} found, {} lost",
                r["engine"].as_str().unwrap_or_default(),
                r["acknowledged"],
                r["seconds_before_kill"].as_f64().unwrap_or_default(),
                r["submissions_per_s"].as_f64().unwrap_or_default(),
                r["unanswered_at_kill"],
                r["found_after_restart"],
                r["lost"],
            );
        }
        report["crash"] = Value::Array(results);
    }
    if let Some(dir) = options.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&options.out, serde_json::to_string_pretty(&report)?)?;
    println!("\nwritten to {}", options.out.display());
    Ok(())
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
    let memory_gib = proc_kib("/proc/meminfo", "MemTotal:")
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

/// Runs `suite` on a fresh SQLite file and, if given, a throw-away
/// PostgreSQL schema.
async fn on_engines<F, Fut>(options: &BenchOptions, suite: F) -> Result<Vec<Value>>
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

fn print_reports(results: &[Value]) {
    println!();
    println!(
        "{:<10} {:>12} {:>12} {:>10} {:>8} {:>10} {:>8} {:>10} {:>12} {:>8} {:>16}",
        "engine",
        "raw ins/s",
        "trivial/s",
        "submit/s",
        "ratio",
        "form/s",
        "ratio",
        "reports",
        "GET req/s",
        "ratio",
        "GET p50/p99"
    );
    for r in results {
        let f = |key: &str| r[key].as_f64().unwrap_or(0.0);
        println!(
            "{:<10} {:>12.0} {:>12.0} {:>10.1} {:>8.3} {:>10.1} {:>8.3} {:>10} {:>12.1} {:>8.4} {:>7.1}/{:<7.1}ms",
            r["engine"].as_str().unwrap_or(""),
            f("raw_inserts_per_s"),
            f("trivial_handler_per_s"),
            f("report_submissions_per_s"),
            f("submissions_vs_raw_inserts"),
            f("form_submissions_per_s"),
            f("form_submissions_vs_raw_inserts"),
            r["reports_in_database"].as_u64().unwrap_or(0),
            f("requests_get_per_s"),
            f("requests_get_vs_trivial"),
            r["requests_get_latency"]["p50_ms"].as_f64().unwrap_or(0.0),
            r["requests_get_latency"]["p99_ms"].as_f64().unwrap_or(0.0),
        );
    }
}

fn print_shop(results: &[Value]) {
    println!();
    println!(
        "{:<10} {:>12} {:>12} {:>12} {:>8} {:>12} {:>8} {:>16} {:>16}",
        "engine",
        "raw ins/s",
        "trivial/s",
        "submit/s",
        "ratio",
        "actions/s",
        "ratio",
        "inbox p50/p99",
        "track p50/p99"
    );
    for r in results {
        println!(
            "{:<10} {:>12.0} {:>12.0} {:>12.1} {:>8.3} {:>12.1} {:>8.3} {:>7.1}/{:<7.1}ms {:>7.1}/{:<7.1}ms",
            r["engine"].as_str().unwrap_or(""),
            r["raw_inserts_per_s"].as_f64().unwrap_or(0.0),
            r["trivial_handler_per_s"].as_f64().unwrap_or(0.0),
            r["submissions_per_s"].as_f64().unwrap_or(0.0),
            r["submissions_vs_raw_inserts"].as_f64().unwrap_or(0.0),
            r["workflow_actions_per_s"].as_f64().unwrap_or(0.0),
            r["workflow_actions_vs_raw_inserts"].as_f64().unwrap_or(0.0),
            r["staff_inbox_page_latency"]["p50_ms"]
                .as_f64()
                .unwrap_or(0.0),
            r["staff_inbox_page_latency"]["p99_ms"]
                .as_f64()
                .unwrap_or(0.0),
            r["track_api_latency"]["p50_ms"].as_f64().unwrap_or(0.0),
            r["track_api_latency"]["p99_ms"].as_f64().unwrap_or(0.0),
        );
    }
}
