//! The one-stop shop's suite: applications filed through the real API
//! (multipart, with documents), tracked and acted on by staff, beside the
//! raw insert rate of the same engine and a trivial handler.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, anyhow};
use baladiya_app::catalog::Catalog;
use baladiya_domain::org::UnitCode;
use baladiya_domain::tracking::TrackingNumber;
use baladiya_store::NewApplication;
use serde_json::{Value, json};

use crate::BenchOptions;
use crate::measure::{
    Served, bearer, client_builder, demo_app, for_a_while, latency, raw_insert_rate, signed_in,
};

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

fn national_id() -> String {
    baladiya_domain::country::EgyptianNationalId::with_check_digit("2850312210045")
        .unwrap_or_default()
}

/// The benchmark of one engine at `url`.
pub(crate) async fn engine(
    name: &str,
    url: &str,
    options: &BenchOptions,
    catalog: &Catalog,
) -> Result<Value> {
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

pub(crate) fn print(results: &[Value]) {
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
