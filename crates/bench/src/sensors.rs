//! `baladiya bench --suite sensors`: observations ingested per second
//! through the Data Array extension over HTTP and through MQTT (the
//! embedded broker), each beside the raw batched insert rate of the same
//! engine in the same run; then SensorThings and series queries over
//! millions of observations (latest value of every datastream, a day of
//! one datastream, an hourly aggregate over a month) with p50/p99.

use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use baladiya_domain::sensors::entity::Kind;
use serde_json::{Value, json};

use crate::BenchOptions;
use crate::measure::{Served, demo_app, for_a_while, latency};

/// Observations in one HTTP request and in one raw transaction.
const BATCH: usize = 1_000;
/// Datastreams the millions of observations are spread over.
const STREAMS: usize = 100;
/// A minute, in microseconds: the seeded streams read every minute.
const MINUTE: i64 = 60_000_000;

/// The path of the n-th request of a query measurement.
type PathOf = Box<dyn Fn(usize) -> String + Send + Sync>;

pub async fn engine(name: &str, url: &str, options: &BenchOptions) -> Result<Value> {
    eprintln!("== sensors on {name}");
    let (store, app, _files) = demo_app(url).await?;
    app.load_demo_sensors().await.map_err(|e| anyhow!("{e}"))?;
    let streams: Vec<i64> = store
        .sta_entities(Kind::Datastream)
        .await?
        .iter()
        .map(|r| r.id)
        .collect();
    let secret = app
        .issue_sensor_credential("bench", None)
        .await
        .map_err(|e| anyhow!("{e}"))?;

    // The engine's own rate: multi-row INSERTs of BATCH rows, one
    // transaction each, from as many clients.
    store.create_raw_observations().await?;
    let raw_store = store.clone();
    let (n, time, _) = for_a_while(options.clients, options.seconds, move |client, n| {
        let store = raw_store.clone();
        async move {
            let rows: Vec<(i64, i64, f64)> = (0..BATCH)
                .map(|i| (client as i64, (n * BATCH + i) as i64, i as f64))
                .collect();
            store.raw_observation_batch(&rows).await?;
            Ok(true)
        }
    })
    .await?;
    let raw = (n * BATCH) as f64 / time.as_secs_f64();
    eprintln!("raw batched inserts: {raw:.0} rows/s");

    // The Data Array extension over HTTP: BATCH observations a request.
    let served = Served::start(&app, options.clients).await?;
    let (c, b, s, st) = (
        served.client.clone(),
        served.base.clone(),
        secret.clone(),
        streams.clone(),
    );
    let start = chrono::Utc::now().timestamp_micros();
    let (n, time, http_latencies) = for_a_while(options.clients, options.seconds, move |_, n| {
        let (client, base, secret) = (c.clone(), b.clone(), s.clone());
        let stream = st[n % st.len()];
        async move {
            let rows: Vec<Value> = (0..BATCH)
                .map(|i| {
                    let t = chrono::DateTime::from_timestamp_micros(
                        start + ((n * BATCH + i) as i64) * 1_000,
                    )
                    .unwrap_or_default();
                    json!([t.to_rfc3339(), i as f64 / 10.0])
                })
                .collect();
            let body = json!([{
                "Datastream": {"@iot.id": stream},
                "components": ["phenomenonTime", "result"],
                "dataArray": rows,
            }]);
            // A busy server (503) is asked again, as devices do.
            loop {
                let r = client
                    .post(format!("{base}/sta/v1.1/CreateObservations"))
                    .basic_auth("bench", Some(&secret))
                    .json(&body)
                    .send()
                    .await?;
                if r.status().as_u16() == 503 {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
                anyhow::ensure!(
                    r.status().as_u16() == 201,
                    "CreateObservations {}",
                    r.status()
                );
                r.bytes().await?;
                return Ok(true);
            }
        }
    })
    .await?;
    let http = (n * BATCH) as f64 / time.as_secs_f64();
    eprintln!("dataArray over HTTP: {http:.0} observations/s");

    // MQTT through the embedded broker: one observation a message at QoS
    // 1, timed from the first publish until the last is stored.
    let broker = baladiya_web::embedded_broker(app.clone(), "127.0.0.1:0".parse()?, false)
        .await
        .map_err(anyhow::Error::msg)?;
    let ingest = tokio::spawn(
        baladiya_web::sensor_mqtt(app.clone(), &broker.client_url, "bench-ingest".into(), None)
            .map_err(anyhow::Error::msg)?,
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = store.sta_count_observations(&[]).await?;
    let messages = (options.seconds as usize * 2_000).max(2_000);
    let mut mqtt_options = rumqttc::MqttOptions::new(
        "bench/device",
        broker.addr.ip().to_string(),
        broker.addr.port(),
    );
    mqtt_options
        .set_credentials("bench", &secret)
        .set_inflight(200)
        .set_keep_alive(Duration::from_secs(30));
    let (device, mut events) = rumqttc::AsyncClient::new(mqtt_options, 1_000);
    let driver = tokio::spawn(async move { while events.poll().await.is_ok() {} });
    let begun = Instant::now();
    for i in 0..messages {
        let stream = streams[i % streams.len()];
        let t = chrono::DateTime::from_timestamp_micros(start - (i as i64 + 1) * 1_000)
            .unwrap_or_default();
        device
            .publish(
                format!("v1.1/Datastreams({stream})/Observations"),
                rumqttc::QoS::AtLeastOnce,
                false,
                json!({"phenomenonTime": t.to_rfc3339(), "result": i as f64}).to_string(),
            )
            .await?;
    }
    let deadline = begun + Duration::from_secs(options.seconds * 20 + 60);
    let mut stored = 0;
    while Instant::now() < deadline {
        stored = store.sta_count_observations(&[]).await? - before;
        if stored as usize >= messages {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mqtt = stored as f64 / begun.elapsed().as_secs_f64();
    eprintln!("MQTT: {mqtt:.0} observations/s ({stored} of {messages})");
    driver.abort();
    ingest.abort();

    // Millions of observations: STREAMS datastreams read every minute.
    let target = options.observations;
    let per_stream = (target / STREAMS) as i64;
    let seeding = Instant::now();
    let sensors = store.sta_entities(Kind::Sensor).await?;
    let properties = store.sta_entities(Kind::ObservedProperty).await?;
    let things = store.sta_entities(Kind::Thing).await?;
    let (Some(sensor), Some(property), Some(thing)) =
        (sensors.first(), properties.first(), things.first())
    else {
        anyhow::bail!("the demo has no sensors");
    };
    let plan: Vec<baladiya_store::StaStep> = (0..STREAMS)
        .map(|i| baladiya_store::StaStep::Insert {
            kind: Kind::Datastream,
            doc: json!({
                "name": format!("bench meter {i}"),
                "description": "benchmark",
                "observationType": "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement",
                "unitOfMeasurement": {"name": "kilowatt hour", "symbol": "kWh", "definition": ""},
            }),
            thing: Some(baladiya_store::StaRef::Id(thing.id)),
            sensor: Some(baladiya_store::StaRef::Id(sensor.id)),
            property: Some(baladiya_store::StaRef::Id(property.id)),
        })
        .collect();
    let seeded = store.sta_create(&plan, chrono::Utc::now()).await?;
    let now = chrono::Utc::now().timestamp_micros();
    let first = now - per_stream * MINUTE;
    for stream in &seeded {
        store
            .seed_observations(*stream, per_stream, first, MINUTE)
            .await?;
    }
    let total = store.sta_count_observations(&[]).await?;
    eprintln!(
        "seeded {} observations in {:.0} s ({total} in all)",
        per_stream * STREAMS as i64,
        seeding.elapsed().as_secs_f64()
    );

    // Queries through the API, from `clients` at once.
    let day = |start: i64| {
        let t = |us: i64| {
            chrono::DateTime::from_timestamp_micros(us)
                .unwrap_or_default()
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string()
        };
        (t(start), t(start + 24 * 60 * MINUTE))
    };
    let mid = first + per_stream * MINUTE / 2;
    let (day_from, day_to) = day(mid);
    let (month_from, _) = day(now - 30 * 24 * 60 * MINUTE);
    let (month_to, _) = day(now);
    let queries: Vec<(&str, PathOf)> = vec![
        (
            "latest_of_every_datastream",
            Box::new(|_| {
                "/sta/v1.1/Datastreams?$top=200&$select=id&$expand=Observations($orderby=phenomenonTime desc;$top=1;$select=phenomenonTime,result)".to_owned()
            }),
        ),
        (
            "a_day_of_one_datastream",
            Box::new({
                let seeded = seeded.clone();
                move |n| {
                    format!(
                        "/sta/v1.1/Datastreams({})/Observations?$filter=phenomenonTime ge {day_from} and phenomenonTime lt {day_to}&$top=1440&$select=phenomenonTime,result",
                        seeded[n % seeded.len()]
                    )
                }
            }),
        ),
        (
            "hourly_aggregate_over_a_month",
            Box::new({
                let seeded = seeded.clone();
                move |n| {
                    format!(
                        "/api/v1/sensors/datastreams/{}/series?step=hour&from={month_from}&to={month_to}",
                        seeded[n % seeded.len()]
                    )
                }
            }),
        ),
    ];
    let mut measured = serde_json::Map::new();
    for (label, path) in queries {
        let path = std::sync::Arc::new(path);
        let (c, b) = (served.client.clone(), served.base.clone());
        let samples = options.samples;
        let (n, time, latencies) = for_a_while(options.clients, options.seconds, move |_, n| {
            let (client, base, path) = (c.clone(), b.clone(), path.clone());
            async move {
                if n >= samples {
                    return Ok(false);
                }
                let r = client.get(format!("{base}{}", path(n))).send().await?;
                anyhow::ensure!(r.status().is_success(), "{label}: {}", r.status());
                let body: Value = r.json().await?;
                anyhow::ensure!(
                    body["value"].as_array().is_some_and(|v| !v.is_empty())
                        || body["values"].as_array().is_some_and(|v| !v.is_empty()),
                    "{label}: an empty answer"
                );
                Ok(true)
            }
        })
        .await?;
        let per_s = n as f64 / time.as_secs_f64();
        let lat = latency(latencies);
        eprintln!(
            "{label}: {per_s:.1}/s, p50 {:.1} ms, p99 {:.1} ms",
            lat["p50_ms"].as_f64().unwrap_or(0.0),
            lat["p99_ms"].as_f64().unwrap_or(0.0)
        );
        measured.insert(label.to_owned(), json!({"per_s": per_s, "latency": lat}));
    }
    served.stop().await?;
    store.close().await;
    Ok(json!({
        "engine": name,
        "clients": options.clients,
        "batch": BATCH,
        "raw_batched_inserts_per_s": raw,
        "data_array_http_per_s": http,
        "data_array_http_vs_raw": http / raw,
        "data_array_request_latency": latency(http_latencies),
        "mqtt_per_s": mqtt,
        "mqtt_vs_raw": mqtt / raw,
        "mqtt_messages": messages,
        "observations_in_database": total,
        "datastreams_seeded": STREAMS,
        "queries": Value::Object(measured),
    }))
}

pub fn print(results: &[Value]) {
    println!();
    println!(
        "{:<10} {:>12} {:>12} {:>7} {:>10} {:>7} {:>12} {:>18} {:>18} {:>18}",
        "engine",
        "raw rows/s",
        "dataArray/s",
        "ratio",
        "MQTT/s",
        "ratio",
        "observations",
        "latest p50/p99",
        "day p50/p99",
        "hourly p50/p99"
    );
    for r in results {
        let f = |key: &str| r[key].as_f64().unwrap_or(0.0);
        let q = |key: &str| {
            let l = &r["queries"][key]["latency"];
            format!(
                "{:.1}/{:.1}ms",
                l["p50_ms"].as_f64().unwrap_or(0.0),
                l["p99_ms"].as_f64().unwrap_or(0.0)
            )
        };
        println!(
            "{:<10} {:>12.0} {:>12.0} {:>7.3} {:>10.0} {:>7.3} {:>12} {:>18} {:>18} {:>18}",
            r["engine"].as_str().unwrap_or(""),
            f("raw_batched_inserts_per_s"),
            f("data_array_http_per_s"),
            f("data_array_http_vs_raw"),
            f("mqtt_per_s"),
            f("mqtt_vs_raw"),
            r["observations_in_database"].as_i64().unwrap_or(0),
            q("latest_of_every_datastream"),
            q("a_day_of_one_datastream"),
            q("hourly_aggregate_over_a_month"),
        );
    }
}
