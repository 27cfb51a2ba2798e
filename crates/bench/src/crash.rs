//! The crash benchmark: nothing acknowledged is lost. Clients submit
//! Open311 reports to a server of this binary, started as its own process,
//! as fast as it takes them; the server is killed with SIGKILL in the middle
//! of it; then every report it had acknowledged (an answer with its id) is
//! looked for in the database, with the description the client sent.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use baladiya_store::{ReportQuery, Store};
use serde_json::{Value, json};

use crate::BenchOptions;
use crate::footprint::{start, street_light_report};

/// Submissions a minute the benchmark's API key allows (the most a key
/// may): more than this machine's server answers.
const PER_MINUTE: &str = "100000";

pub async fn engine(name: &str, url: &str, options: &BenchOptions) -> Result<Value> {
    let dir = tempfile::tempdir()?;
    let catalog = std::path::absolute(&options.catalog)?;
    std::fs::write(dir.path().join("baladiya.toml"), "mqtt_listen = \"off\"\n")?;
    eprintln!("== crash ({name}): the demo database");
    start(dir.path(), &catalog, Some(url), true)
        .await?
        .stop()
        .await?;
    let key = api_key(dir.path(), url).await?;

    let server = start(dir.path(), &catalog, Some(url), false).await?;
    let acknowledged: Arc<Mutex<HashMap<i64, String>>> = Arc::default();
    let in_flight = Arc::new(AtomicUsize::new(0));
    let client = crate::measure::client_builder()
        .pool_max_idle_per_host(options.clients)
        .timeout(Duration::from_secs(30))
        .build()?;
    let begun = Instant::now();
    let mut clients = Vec::new();
    for c in 0..options.clients {
        let (client, base, key) = (client.clone(), server.base.clone(), key.clone());
        let (acknowledged, in_flight) = (acknowledged.clone(), in_flight.clone());
        clients.push(tokio::spawn(async move {
            for n in 0.. {
                let marker = format!("crash {c}-{n}: عمود إنارة مطفأ");
                in_flight.fetch_add(1, Ordering::Relaxed);
                let answer = street_light_report(&client, &base, &key, &marker)
                    .send()
                    .await;
                // A request the server died with: sent, never answered.
                let Ok(answer) = answer else { break };
                let Ok(body) = answer.json::<Value>().await else {
                    break;
                };
                in_flight.fetch_sub(1, Ordering::Relaxed);
                let id = body[0]["service_request_id"]
                    .as_str()
                    .and_then(|id| id.parse::<i64>().ok());
                let Some(id) = id else {
                    bail!("an unexpected answer: {body}");
                };
                acknowledged
                    .lock()
                    .map_err(|_| anyhow!("the acknowledged list"))?
                    .insert(id, marker);
            }
            Ok(())
        }));
    }
    tokio::time::sleep(Duration::from_secs(options.seconds)).await;
    let pid = server.kill()?;
    let ran = begun.elapsed();
    for client in clients {
        client.await??;
    }
    let acknowledged = acknowledged
        .lock()
        .map_err(|_| anyhow!("the acknowledged list"))?
        .clone();
    let unanswered = in_flight.load(Ordering::Relaxed);
    eprintln!(
        "killed server {pid} (SIGKILL) after {:.1} s: {} reports acknowledged, {unanswered} sent and unanswered",
        ran.as_secs_f64(),
        acknowledged.len()
    );

    // What the database kept, after a crash, as the next server opens it.
    let store = Store::connect(url).await?;
    store.migrate().await?;
    let ids: Vec<i64> = acknowledged.keys().copied().collect();
    let mut found = 0;
    let mut wrong = 0;
    for chunk in ids.chunks(500) {
        let kept = store
            .search_reports(&ReportQuery {
                ids: chunk.to_vec(),
                limit: chunk.len() as i64,
                ..ReportQuery::default()
            })
            .await?;
        for report in kept {
            match acknowledged.get(&report.id) {
                Some(marker) if *marker == report.description => found += 1,
                _ => wrong += 1,
            }
        }
    }
    let lost = acknowledged.len() - found;
    store.close().await;
    eprintln!("after the crash: {found} of them found as sent, {lost} lost, {wrong} different");
    if lost > 0 || wrong > 0 {
        bail!("{lost} acknowledged reports lost, {wrong} changed, in the crash");
    }
    Ok(json!({
        "engine": name,
        "clients": options.clients,
        "seconds_before_kill": ran.as_secs_f64(),
        "acknowledged": acknowledged.len(),
        "submissions_per_s": acknowledged.len() as f64 / ran.as_secs_f64(),
        "unanswered_at_kill": unanswered,
        "found_after_restart": found,
        "lost": lost,
    }))
}

/// Issues the benchmark's API key with the `admin api-key` command.
async fn api_key(dir: &Path, url: &str) -> Result<String> {
    let output = tokio::process::Command::new(std::env::current_exe()?)
        .current_dir(dir)
        .args([
            "admin",
            "api-key",
            "--name",
            "crash",
            "--per-minute",
            PER_MINUTE,
        ])
        .env("BALADIYA_CONFIG", dir.join("baladiya.toml"))
        .env("BALADIYA_DATABASE_URL", url)
        .env("BALADIYA_LOG", "warn")
        .output()
        .await?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .find_map(|l| {
            l.split_once("/minute): ")
                .map(|(_, key)| key.trim().to_owned())
        })
        .with_context(|| {
            format!(
                "admin api-key printed no key: {}",
                String::from_utf8_lossy(&output.stderr)
            )
        })
}

pub(crate) fn print(results: &[Value]) {
    println!("\nCrash (SIGKILL under load; Open311 submissions)");
    for r in results {
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
}
