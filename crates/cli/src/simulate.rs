//! `baladiya sensors simulate`: publishes realistic readings for every
//! public datastream of a running Baladiya — working-day cycles of the
//! buildings' meters, rush hours of air quality, quiet nights — with a
//! scenario the demo's alert rules catch: a pollution episode (PM2.5 far
//! above its level, then back), a water leak, and a meter that stops.
//! Over HTTP (the Data Array extension, one request a round) or MQTT
//! (one message per observation at QoS 1), signed in with a device
//! credential.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use baladiya_app::demo_sensors::{Reading, level, reading_for};
use baladiya_domain::sensors::measure::Measure;
use chrono::{Duration as Span, Utc};
use serde_json::{Value, json};

/// How the simulator runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where Baladiya serves, such as http://127.0.0.1:8080.
    pub url: String,
    pub user: String,
    pub secret: String,
    /// Publish over this broker (`mqtt://HOST:PORT`) instead of HTTP.
    pub mqtt: Option<String>,
    /// Time between rounds; each reading covers it.
    pub every: Duration,
    /// Stop after this many rounds.
    pub rounds: Option<u64>,
}

/// A datastream the simulator feeds.
struct Fed {
    id: i64,
    measure: Measure,
    reading: Reading,
}

/// The scenario: which datastreams misbehave, and in which rounds.
struct Scenario {
    episode: std::ops::Range<u64>,
    leaking: Option<i64>,
    stopped: Option<i64>,
    stop_from: u64,
}

impl Scenario {
    fn of(fed: &[Fed]) -> Scenario {
        let first = |m: Measure| fed.iter().find(|f| f.measure == m).map(|f| f.id);
        Scenario {
            episode: 3..15,
            leaking: first(Measure::Water),
            stopped: fed
                .iter()
                .filter(|f| f.measure == Measure::Electricity)
                .nth(1)
                .map(|f| f.id),
            stop_from: 5,
        }
    }
}

/// What one datastream reads in round `round` at local time `local`:
/// consumption meters the quantity of the round, stations their level.
fn reading_of(
    fed: &Fed,
    scenario: &Scenario,
    round: u64,
    local: chrono::NaiveDateTime,
    every: Duration,
    noise: f64,
) -> f64 {
    let leak = scenario.leaking == Some(fed.id) && round >= 2;
    let episode = fed.measure == Measure::Pm25 && scenario.episode.contains(&round);
    let rate = level(fed.reading, local, false, episode, noise);
    if fed.measure.is_consumption() {
        // A leak adds half a cubic metre an hour, day and night.
        let rate = rate + if leak { 0.5 } else { 0.0 };
        (rate * every.as_secs_f64() / 3600.0 * 10_000.0).round() / 10_000.0
    } else {
        rate
    }
}

/// Runs until `rounds` are done (or for ever); how many observations it
/// published.
pub async fn run(options: Options) -> Result<u64> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let base = options.url.trim_end_matches('/').to_owned();
    let places: Vec<Value> = http
        .get(format!("{base}/api/v1/sensors/places"))
        .send()
        .await
        .with_context(|| format!("reaching Baladiya at {base}"))?
        .error_for_status()?
        .json()
        .await?;
    let mut fed = Vec::new();
    for place in &places {
        let area = place["floorArea"].as_f64();
        for stream in place["datastreams"].as_array().into_iter().flatten() {
            let measure = match stream["measure"].as_str() {
                Some("electricity") => Measure::Electricity,
                Some("water") => Measure::Water,
                Some("pm25") => Measure::Pm25,
                Some("pm10") => Measure::Pm10,
                Some("no2") => Measure::No2,
                Some("noise") => Measure::Noise,
                _ => continue,
            };
            let Some(id) = stream["id"].as_i64() else {
                continue;
            };
            fed.push(Fed {
                id,
                measure,
                reading: reading_for(measure, area),
            });
        }
    }
    if fed.is_empty() {
        bail!("no datastream to feed at {base} (start it with serve --demo)");
    }
    let scenario = Scenario::of(&fed);
    println!(
        "Simulating {} datastreams every {:?} over {}: a pollution episode in rounds {}–{}, a leak on datastream {}, datastream {} stops at round {}.",
        fed.len(),
        options.every,
        options.mqtt.as_deref().unwrap_or("HTTP"),
        scenario.episode.start,
        scenario.episode.end - 1,
        scenario.leaking.unwrap_or_default(),
        scenario.stopped.unwrap_or_default(),
        scenario.stop_from,
    );
    let mqtt = match &options.mqtt {
        Some(url) => Some(connect(url, &options.user, &options.secret).await?),
        None => None,
    };
    let mut dice: u64 = 0x0513_u64 ^ Utc::now().timestamp() as u64;
    let mut noise = move || {
        dice ^= dice << 13;
        dice ^= dice >> 7;
        dice ^= dice << 17;
        (dice % 10_000) as f64 / 10_000.0
    };
    let mut published = 0;
    let mut round = 0;
    let mut tick = tokio::time::interval(options.every);
    while options.rounds.is_none_or(|r| round < r) {
        tick.tick().await;
        let now = Utc::now();
        // Egypt's time, near enough for Riyadh's cycles too.
        let local = (now + Span::hours(2)).naive_utc();
        let time = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let mut batch = Vec::new();
        for f in &fed {
            if scenario.stopped == Some(f.id) && round >= scenario.stop_from {
                continue;
            }
            let value = reading_of(f, &scenario, round, local, options.every, noise());
            batch.push((f.id, value));
        }
        match &mqtt {
            Some(client) => {
                for (id, value) in &batch {
                    client
                        .publish(
                            format!("v1.1/Datastreams({id})/Observations"),
                            rumqttc::QoS::AtLeastOnce,
                            false,
                            json!({"phenomenonTime": time, "result": value}).to_string(),
                        )
                        .await?;
                }
            }
            None => {
                let body: Vec<Value> = batch
                    .iter()
                    .map(|(id, value)| {
                        json!({
                            "Datastream": {"@iot.id": id},
                            "components": ["phenomenonTime", "result"],
                            "dataArray": [[time, value]],
                        })
                    })
                    .collect();
                http.post(format!("{base}/sta/v1.1/CreateObservations"))
                    .basic_auth(&options.user, Some(&options.secret))
                    .json(&body)
                    .send()
                    .await?
                    .error_for_status()
                    .context("CreateObservations")?;
            }
        }
        published += batch.len() as u64;
        round += 1;
    }
    if let Some(client) = mqtt {
        // Let the last messages leave before going.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let _ = client.disconnect().await;
    }
    Ok(published)
}

/// A client of the broker at `url`, its event loop driven in the
/// background.
async fn connect(url: &str, user: &str, secret: &str) -> Result<rumqttc::AsyncClient> {
    let address = url
        .strip_prefix("mqtt://")
        .context("the MQTT address is mqtt://HOST:PORT")?;
    let (host, port) = address
        .trim_end_matches('/')
        .rsplit_once(':')
        .context("the MQTT address is mqtt://HOST:PORT")?;
    // A device's client id is its user name, or begins with it and `/`.
    let mut options = rumqttc::MqttOptions::new(
        format!("{user}/simulator-{}", std::process::id()),
        host,
        port.parse().context("the MQTT port is a number")?,
    );
    options
        .set_keep_alive(Duration::from_secs(30))
        .set_credentials(user, secret);
    let (client, mut events) = rumqttc::AsyncClient::new(options, 1024);
    match events.poll().await {
        Ok(rumqttc::Event::Incoming(rumqttc::Packet::ConnAck(ack)))
            if ack.code == rumqttc::ConnectReturnCode::Success => {}
        other => bail!("the broker at {url} refused the simulator: {other:?}"),
    }
    tokio::spawn(async move {
        while let Ok(event) = events.poll().await {
            tracing::trace!(?event, "simulator MQTT");
        }
    });
    Ok(client)
}
