//! The citizen-reports benchmark: Open311 submissions per second, and
//! `GET /open311/v2/requests.json` with filters over a million reports, each
//! beside the raw insert rate and a trivial handler of the same server
//! measured in the same run.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, anyhow};
use baladiya_domain::org::UnitCode;
use baladiya_domain::reports::ReportCategory;
use baladiya_store::NewReport;
use serde_json::{Value, json};

use crate::BenchOptions;
use crate::measure::{Served, demo_app, for_a_while, latency, raw_insert_rate};

/// Seeded reports by status: one in five still open.
const STATUSES: &[&str] = &["resolved", "open", "resolved", "rejected", "resolved"];

/// Seeded reports are spread over a year, so a 90-day search sees a quarter.
const SPREAD_MINUTES: i64 = 365 * 24 * 60;

pub async fn engine(
    name: &str,
    url: &str,
    options: &BenchOptions,
    categories: &[ReportCategory],
    boundaries: &str,
) -> Result<Value> {
    eprintln!("== reports, {name}: {url}");
    let (store, app, _files) = demo_app(url).await?;
    app.set_report_categories(categories.to_vec());
    app.import_boundaries(None, boundaries)
        .await
        .map_err(|e| anyhow!("{e}"))?;

    let raw_rate = raw_insert_rate(&store, options).await?;
    let served = Served::start(&app, options.clients).await?;
    let (trivial_rate, trivial_lat) = served.trivial(options).await?;
    let (client, base) = (served.client.clone(), served.base.clone());

    // One API key per client, as separate applications would have.
    let mut keys = Vec::new();
    for i in 0..options.clients {
        keys.push(
            app.issue_api_key(&format!("bench {i}"), 100_000)
                .await
                .map_err(|e| anyhow!("{e}"))?,
        );
    }
    let keys = Arc::new(keys);

    let (c, b, k) = (client.clone(), base.clone(), keys.clone());
    let (subs, subs_time, subs_lat) = for_a_while(options.clients, options.seconds, move |i, n| {
        let (client, base, keys) = (c.clone(), b.clone(), k.clone());
        async move {
            let lat = format!("{:.6}", 29.86 + (n % 100) as f64 * 0.0005);
            let long = format!("{:.6}", 31.245 + (n % 37) as f64 * 0.0005);
            let r = client
                .post(format!("{base}/open311/v2/requests.json"))
                .form(&[
                    ("api_key", keys[i].as_str()),
                    ("service_code", "street-lighting"),
                    ("lat", lat.as_str()),
                    ("long", long.as_str()),
                    ("attribute[problem]", "off"),
                    ("description", "عمود إنارة مطفأ (قياس أداء)"),
                    ("email", "bench@example.com"),
                ])
                .send()
                .await?;
            anyhow::ensure!(r.status().is_success(), "submit {}", r.status());
            r.bytes().await?;
            Ok(true)
        }
    })
    .await?;
    let subs_rate = subs as f64 / subs_time.as_secs_f64();
    eprintln!("report submissions: {subs_rate:.1}/s");

    // The page form, as a citizen's browser posts it: multipart with the
    // visitor's anti-forgery token (its cookie and its field), answered by
    // a redirect to the confirmation, which is not followed here. Each
    // from an address of its own (through the proxy's `X-Forwarded-For`),
    // as different citizens: one address would make every submission wait
    // for the same throttle row.
    let browser = crate::measure::client_builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(options.clients)
        .build()?;
    let b = base.clone();
    let (forms, forms_time, forms_lat) =
        for_a_while(options.clients, options.seconds, move |i, n| {
            let (browser, base) = (browser.clone(), b.clone());
            async move {
                let csrf = format!("{i:0>32}{n:0>32}");
                let form = reqwest::multipart::Form::new()
                    .text("csrf", csrf.clone())
                    .text("service_code", "street-lighting")
                    .text("lat", format!("{:.6}", 29.86 + (n % 100) as f64 * 0.0005))
                    .text("long", format!("{:.6}", 31.245 + (n % 37) as f64 * 0.0005))
                    .text("attribute.street-lighting.problem", "off")
                    .text("description", "عمود إنارة مطفأ (قياس أداء، من الصفحة)")
                    .text("email", "bench@example.com");
                let r = browser
                    .post(format!("{base}/reports/new"))
                    .header(
                        reqwest::header::COOKIE,
                        format!("{}={csrf}", baladiya_web::CSRF_COOKIE),
                    )
                    .header(
                        "x-forwarded-for",
                        format!("10.{i}.{}.{}", n / 250 % 250, n % 250),
                    )
                    .multipart(form)
                    .send()
                    .await?;
                anyhow::ensure!(r.status().is_redirection(), "page form {}", r.status());
                Ok(true)
            }
        })
        .await?;
    let forms_rate = forms as f64 / forms_time.as_secs_f64();
    eprintln!("page form submissions: {forms_rate:.1}/s");

    let unit = store
        .unit_by_code(&UnitCode::parse("EG-GZ-BDR").map_err(|e| anyhow!(e))?)
        .await?
        .context("demo unit")?;
    let now = chrono::Utc::now();
    let template = NewReport::seed_template(&format!("seed{}", now.timestamp()), unit.id, now);
    let codes: Vec<String> = categories.iter().map(|c| c.code.clone()).collect();
    let to_seed = options.reports.saturating_sub(subs + forms);
    let seed_start = Instant::now();
    store
        .seed_reports(&template, to_seed, &codes, STATUSES, SPREAD_MINUTES)
        .await?;
    store.optimize().await?;
    let seed_seconds = seed_start.elapsed().as_secs_f64();
    eprintln!("seeded {to_seed} reports in {seed_seconds:.1} s");

    // Searches as Open311 clients make them.
    let week_ago = (now - chrono::Duration::days(7)).format("%Y-%m-%dT%H:%M:%SZ");
    let searches: Arc<Vec<String>> = Arc::new(vec![
        "service_code=pothole&status=open".to_owned(),
        format!("service_code=street-lighting,waste&start_date={week_ago}"),
        "status=closed&page_size=100".to_owned(),
        "service_request_id=1,2,3,4,5,600000,700000".to_owned(),
    ]);
    let returned = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (c, b, s, counted) = (
        client.clone(),
        base.clone(),
        searches.clone(),
        returned.clone(),
    );
    let (gets, gets_time, gets_lat) = for_a_while(options.clients, options.seconds, move |_, n| {
        let (client, base, searches, counted) = (c.clone(), b.clone(), s.clone(), counted.clone());
        async move {
            let query = &searches[n % searches.len()];
            let r = client
                .get(format!("{base}/open311/v2/requests.json?{query}"))
                .send()
                .await?;
            anyhow::ensure!(r.status().is_success(), "search {}", r.status());
            // Checked to be a JSON array and counted without building its
            // documents: the clients share the server's two cores, and a
            // client's parsing is not the server's work.
            let body: Vec<serde::de::IgnoredAny> = r.json().await?;
            counted.fetch_add(body.len(), std::sync::atomic::Ordering::Relaxed);
            Ok(true)
        }
    })
    .await?;
    let gets_rate = gets as f64 / gets_time.as_secs_f64();
    let rows_per_answer =
        returned.load(std::sync::atomic::Ordering::Relaxed) as f64 / gets.max(1) as f64;
    eprintln!("GET requests.json: {gets_rate:.1}/s, {rows_per_answer:.0} requests per answer");

    // Each search alone, one at a time: which filters cost what.
    let mut each = Vec::new();
    for query in searches.iter() {
        let mut samples = Vec::new();
        let mut rows = 0;
        for _ in 0..options.samples.clamp(5, 50) {
            let t = Instant::now();
            let r = client
                .get(format!("{base}/open311/v2/requests.json?{query}"))
                .send()
                .await?;
            let body = r.bytes().await?;
            samples.push(t.elapsed());
            rows = serde_json::from_slice::<Value>(&body)?
                .as_array()
                .map_or(0, Vec::len);
        }
        let mut l = latency(samples);
        l["search"] = json!(query);
        l["requests_returned"] = json!(rows);
        eprintln!(
            "  {query}: {rows} requests, p50 {:.1} ms",
            l["p50_ms"].as_f64().unwrap_or(0.0)
        );
        each.push(l);
    }

    // The ceiling of the first search: the same rows read through the
    // driver (the store's own query), and written as JSON alone — what
    // an answer cannot take less than.
    let query = baladiya_store::ReportQuery {
        categories: vec!["pothole".into()],
        statuses: baladiya_domain::reports::lifecycle::ReportStatus::OPEN.to_vec(),
        limit: 1000,
        ..Default::default()
    };
    // Interleaved with the answer itself, so both see the same machine.
    let (mut reads, mut writes, mut answers) = (Vec::new(), Vec::new(), Vec::new());
    let (mut csvs, mut geojsons) = (Vec::new(), Vec::new());
    let mut ceiling_rows = 0;
    for _ in 0..options.samples.clamp(5, 50) {
        // The open-data exports of the same rows, as a downloader gets them.
        for (format, times) in [("csv", &mut csvs), ("geojson", &mut geojsons)] {
            let t = Instant::now();
            let r = client
                .get(format!(
                    "{base}/open-data/reports.{format}?service_code=pothole&status=open"
                ))
                .send()
                .await?;
            anyhow::ensure!(r.status().is_success(), "export {format}: {}", r.status());
            r.bytes().await?;
            times.push(t.elapsed());
        }
        let t = Instant::now();
        let r = client
            .get(format!("{base}/open311/v2/requests.json?{}", searches[0]))
            .send()
            .await?;
        r.bytes().await?;
        answers.push(t.elapsed());
        let t = Instant::now();
        let rows = store.search_reports(&query).await?;
        reads.push(t.elapsed());
        let t = Instant::now();
        let answer: Vec<Value> = rows
            .iter()
            .map(|r| {
                json!({
                    "service_request_id": r.id,
                    "status": r.status.open311(),
                    "status_notes": r.status_note,
                    "service_code": r.category_code,
                    "description": r.description,
                    "agency_responsible": format!("{} / {}", r.unit_code, r.department.as_str()),
                    "requested_datetime": r.requested_at.to_rfc3339(),
                    "updated_datetime": r.updated_at.to_rfc3339(),
                    "expected_datetime": r.expected_on.to_string(),
                    "address": r.address,
                    "lat": r.lat,
                    "long": r.lon,
                    "media_url": r.media_url,
                })
            })
            .collect();
        let bytes = serde_json::to_vec(&answer)?;
        writes.push(t.elapsed());
        ceiling_rows = rows.len();
        std::hint::black_box(bytes);
    }
    let (read, write, answer) = (latency(reads), latency(writes), latency(answers));
    let p50 = |v: &Value| v["p50_ms"].as_f64().unwrap_or(0.0);
    let ceiling_ms = p50(&read) + p50(&write);
    let answer_ms = p50(&answer);
    eprintln!(
        "  the same {ceiling_rows} rows: read {:.1} ms + JSON {:.1} ms = {ceiling_ms:.1} ms; the Open311 answer {answer_ms:.1} ms, {:.2} times that",
        p50(&read),
        p50(&write),
        answer_ms / ceiling_ms.max(f64::EPSILON)
    );
    // Rows a second: the exports against the driver's read of the same rows.
    let rows_per_s = |v: &Value| ceiling_rows as f64 / (p50(v) / 1000.0).max(f64::EPSILON);
    let (csv, geojson) = (latency(csvs), latency(geojsons));
    let (read_rows, csv_rows, geojson_rows) =
        (rows_per_s(&read), rows_per_s(&csv), rows_per_s(&geojson));
    eprintln!(
        "  open-data export of the same rows: CSV {csv_rows:.0} rows/s, GeoJSON {geojson_rows:.0} rows/s; the driver's read {read_rows:.0} rows/s"
    );
    // Baseline 2: the rows of one submission written through the store
    // alone — the report, its reporter's follow, its event, the receipt in
    // the outbox and the key's minute, one transaction — so the submission
    // figure splits into what the engine needs for those rows and what the
    // HTTP server and the application add. Measured last, so the searches
    // above saw the same reports as in earlier runs (every new report is
    // open and the newest: a search of closed ones passes them by).
    let mut key_ids = Vec::new();
    for key in keys.iter() {
        key_ids.push(app.api_key(key).await.map_err(|e| anyhow!("{e}"))?);
    }
    let (write_store, key_ids, unit_id) = (store.clone(), Arc::new(key_ids), unit.id);
    let (stored, stored_time, _) = for_a_while(options.clients, options.seconds, move |i, n| {
        let (store, key_ids) = (write_store.clone(), key_ids.clone());
        async move {
            let now = chrono::Utc::now();
            let mut new = NewReport::seed_template(&format!("w{i}-{n}-{}", now.timestamp_micros()), unit_id, now);
            new.category_code = "street-lighting".into();
            new.answers = r#"{"problem":["off"]}"#.into();
            new.channel = "open311";
            new.api_key_id = Some(key_ids[i]);
            new.reporter_email = Some("bench@example.com".into());
            store
                .insert_report(&new, None, |id| {
                    json!({"service_ar": "إنارة الشوارع", "service_en": "Street lighting", "status": "open", "comment": null, "link": format!("https://baladiya.example/reports/{id}?key=x")})
                })
                .await?;
            Ok(true)
        }
    })
    .await?;
    let store_rate = stored as f64 / stored_time.as_secs_f64();
    eprintln!("the same rows through the store alone: {store_rate:.1}/s");

    served.stop().await?;
    store.close().await;
    Ok(json!({
        "open_data_export": {
            "rows": ceiling_rows,
            "csv": csv,
            "geojson": geojson,
            "csv_rows_per_s": csv_rows,
            "geojson_rows_per_s": geojson_rows,
            "driver_read_rows_per_s": read_rows,
        },
        "export_csv_vs_read": csv_rows / read_rows.max(f64::EPSILON),
        "export_geojson_vs_read": geojson_rows / read_rows.max(f64::EPSILON),
        "search_ceiling": {
            "search": searches[0],
            "rows": ceiling_rows,
            "driver_read": read,
            "json_alone": write,
            "ceiling_p50_ms": ceiling_ms,
            "answer": answer,
        },
        "search_vs_ceiling": ceiling_ms / answer_ms.max(f64::EPSILON),
        "engine": name,
        "clients": options.clients,
        "seconds_per_phase": options.seconds,
        "raw_inserts_per_s": raw_rate,
        "trivial_handler_per_s": trivial_rate,
        "trivial_handler_latency": latency(trivial_lat),
        "report_submissions_per_s": subs_rate,
        "report_submission_latency": latency(subs_lat),
        "submissions_vs_raw_inserts": subs_rate / raw_rate,
        "store_writes_per_s": store_rate,
        "store_writes_vs_raw_inserts": store_rate / raw_rate,
        "submissions_vs_store_writes": subs_rate / store_rate,
        "form_submissions_per_s": forms_rate,
        "form_submission_latency": latency(forms_lat),
        "form_submissions_vs_raw_inserts": forms_rate / raw_rate,
        "reports_in_database": to_seed + subs + forms,
        "seed_seconds": seed_seconds,
        "requests_get_per_s": gets_rate,
        "requests_get_latency": latency(gets_lat),
        "requests_get_vs_trivial": gets_rate / trivial_rate,
        "requests_per_answer": rows_per_answer,
        "each_search_sequential": each,
    }))
}

pub(crate) fn print(results: &[Value]) {
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
