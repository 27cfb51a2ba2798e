//! The participation benchmark's ballot box, on each engine: ballots cast
//! per second through the JSON API by the benchmark's clients (each ballot
//! a different citizen, signed in beforehand with a real code), beside the
//! raw single-row insert rate and a trivial handler of the same server in
//! the same run; and the process page's latency while voting goes on.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use baladiya_app::citizens::SmsSender;
use baladiya_app::participation::{BudgetSpec, ProcessSpec};
use baladiya_domain::org::UnitCode;
use baladiya_domain::participation::ballot::BallotKind;
use baladiya_domain::participation::count::Rule;
use baladiya_domain::participation::phases::{Phase, PhaseKind};
use baladiya_domain::participation::voters::Eligibility;
use serde_json::{Value, json};

use crate::BenchOptions;
use crate::measure::{Served, demo_app, for_a_while, latency, raw_insert_rate};

/// Citizens signed in before the timed phase: more than the clients cast
/// in it on either engine here (the phase stops early when they run out).
const VOTERS: usize = 24_000;
const PROJECTS: usize = 20;

pub async fn engine(name: &str, url: &str, options: &BenchOptions) -> Result<Value> {
    eprintln!("== participation ballot box, {name}: {url}");
    let (store, mut app, files) = demo_app(url).await?;
    let sms = files.path().join("sms.jsonl");
    app.settings.sms = Some(SmsSender::File(sms.clone()));
    let giza = store
        .unit_by_code(&UnitCode::parse("EG-GZ").map_err(|e| anyhow!(e))?)
        .await?
        .ok_or_else(|| anyhow!("demo unit"))?
        .id;
    let today = app.today_in(baladiya_domain::country::Country::Egypt);
    let fail = |e: baladiya_app::AppError| anyhow!("{e}");
    let process = app
        .open_process(
            None,
            &ProcessSpec {
                slug: "bench".into(),
                unit_id: giza,
                title: ("قياس".into(), "Benchmark".into()),
                summary: ("قياس الأداء".into(), "Benchmark".into()),
                eligibility: Eligibility::Mobile,
                support_threshold: 1,
                phases: vec![Phase {
                    kind: PhaseKind::Voting,
                    starts: today - chrono::Duration::days(1),
                    ends: today + chrono::Duration::days(1),
                }],
            },
        )
        .await
        .map_err(fail)?;
    let budget = app
        .open_budget(
            None,
            process,
            &BudgetSpec {
                unit_id: giza,
                name: ("ميزانية".into(), "Budget".into()),
                amount: 10_000_000,
                kind: BallotKind::Approval { max: 5 },
                rule: Rule::Greedy,
                projects: (1..=PROJECTS)
                    .map(|i| {
                        (
                            format!("P{i:02}"),
                            format!("مشروع {i}"),
                            format!("Project {i}"),
                            500_000,
                        )
                    })
                    .collect(),
            },
        )
        .await
        .map_err(fail)?;

    // The citizens: a code each to a number of their own, then signed in.
    let start = Instant::now();
    let numbers: Vec<String> = (0..VOTERS).map(|i| format!("0112{:07}", i)).collect();
    for (i, number) in numbers.iter().enumerate() {
        app.send_sign_in_code(number, &format!("bench-{i}"))
            .await
            .map_err(fail)?;
    }
    let sent: std::collections::HashMap<String, String> = std::fs::read_to_string(&sms)?
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|m| {
            let code = m["text"]
                .as_str()?
                .split(|c: char| !c.is_ascii_digit())
                .find(|p| p.len() == 6)?
                .to_owned();
            Some((m["to"].as_str()?.to_owned(), code))
        })
        .collect();
    let mut tokens = Vec::with_capacity(VOTERS);
    for (i, number) in numbers.iter().enumerate() {
        let e164 = format!("+20{}", &number[1..]);
        let code = sent
            .get(&e164)
            .ok_or_else(|| anyhow!("no code for {e164}"))?;
        let session = app
            .sign_in_with_code(number, code, &format!("bench-{i}"), None)
            .await
            .map_err(fail)?;
        tokens.push(session.token);
    }
    let sign_in_seconds = start.elapsed().as_secs_f64();
    eprintln!("{VOTERS} citizens signed in ({sign_in_seconds:.1} s)");

    let raw_rate = raw_insert_rate(&store, options).await?;
    let served = Served::start(&app, options.clients + 1).await?;
    let (trivial_rate, trivial_lat) = served.trivial(options).await?;
    let (client, base) = (served.client.clone(), served.base.clone());

    // A reader of the process page all through the voting.
    let voting = Arc::new(AtomicBool::new(true));
    let reader = {
        let (client, base, voting) = (client.clone(), base.clone(), voting.clone());
        tokio::spawn(async move {
            let mut samples = Vec::new();
            while voting.load(Ordering::Relaxed) {
                let t = Instant::now();
                let r = client
                    .get(format!("{base}/participate/bench"))
                    .send()
                    .await?;
                anyhow::ensure!(r.status().is_success(), "process page {}", r.status());
                r.bytes().await?;
                samples.push(t.elapsed());
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Ok::<_, anyhow::Error>(samples)
        })
    };
    let tokens = Arc::new(tokens);
    let (c, b, t) = (client.clone(), base.clone(), tokens.clone());
    let (cast, cast_time, cast_lat) = for_a_while(options.clients, options.seconds, move |_, n| {
        let (client, base, tokens) = (c.clone(), b.clone(), t.clone());
        async move {
            let Some(token) = tokens.get(n) else {
                return Ok(false);
            };
            let choices: Vec<String> = (0..1 + n % 5)
                .map(|k| format!("P{:02}", 1 + (n * 7 + k * 3) % PROJECTS))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let r = client
                .post(format!(
                    "{base}/api/v1/participation/budgets/{budget}/ballots"
                ))
                .bearer_auth(token)
                .json(&json!({ "choices": choices }))
                .send()
                .await?;
            anyhow::ensure!(r.status().as_u16() == 201, "ballot {}", r.status());
            r.bytes().await?;
            Ok(true)
        }
    })
    .await?;
    voting.store(false, Ordering::Relaxed);
    let page_lat = reader.await??;
    let cast_rate = cast as f64 / cast_time.as_secs_f64();
    eprintln!("ballots cast: {cast_rate:.1}/s ({cast} ballots)");
    let stored = store.ballots_of(budget).await?.len();
    anyhow::ensure!(
        stored == cast,
        "{stored} ballots stored, {cast} acknowledged"
    );
    let start = Instant::now();
    store.mix_ballot_box().await?;
    let mix_seconds = start.elapsed().as_secs_f64();
    served.stop().await?;
    Ok(json!({
        "engine": name,
        "clients": options.clients,
        "citizens_signed_in": VOTERS,
        "sign_in_seconds": sign_in_seconds,
        "raw_inserts_per_s": raw_rate,
        "trivial_requests_per_s": trivial_rate,
        "trivial_latency": latency(trivial_lat),
        "ballots_cast": cast,
        "ballots_per_s": cast_rate,
        "ballots_vs_raw_inserts": cast_rate / raw_rate,
        "ballot_latency": latency(cast_lat),
        "process_page_latency_during_voting": latency(page_lat),
        "mix_seconds": mix_seconds,
    }))
}

pub(crate) fn print(results: &[Value]) {
    println!(
        "\nParticipation ballot box (through the API; each ballot a different signed-in citizen)\n  {:<9} {:>10} {:>10} {:>8} {:>12} {:>12} {:>12} {:>9}",
        "engine", "raw ins/s", "ballots/s", "×raw", "ballot p50", "ballot p99", "page p99", "mix s"
    );
    for r in results {
        let f = |k: &str| r[k].as_f64().unwrap_or_default();
        let ms = |k: &str, p: &str| r[k][p].as_f64().unwrap_or_default();
        println!(
            "  {:<9} {:>10.0} {:>10.1} {:>8.2} {:>10.2}ms {:>10.2}ms {:>10.2}ms {:>9.3}",
            r["engine"].as_str().unwrap_or_default(),
            f("raw_inserts_per_s"),
            f("ballots_per_s"),
            f("ballots_vs_raw_inserts"),
            ms("ballot_latency", "p50_ms"),
            ms("ballot_latency", "p99_ms"),
            ms("process_page_latency_during_voting", "p99_ms"),
            f("mix_seconds"),
        );
    }
}
