//! The SensorThings MQTT extension over a deployment's broker: devices
//! publish observations to `v1.1/Datastreams(id)/Observations` (or to
//! `v1.1/Observations`, naming the Datastream in the body) and every new
//! observation — from MQTT or HTTP — is published on those topics for
//! subscribers. Messages are taken at QoS 1 and acknowledged only once
//! stored (or refused for good), with a persistent session: a broker or
//! server restart loses no acknowledged observation.

use std::time::Duration;

use baladiya_domain::sensors::entity::Kind;
use chrono::Utc;
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, Publish, QoS};
use serde_json::Value;

use super::graph::Graph;
use super::render::{Ctx, render_entity};
use crate::state::AppState;

/// Where the broker is: `mqtt://HOST:PORT`, with an optional user and
/// password for Baladiya itself.
#[derive(Debug, Clone)]
pub struct Broker {
    pub host: String,
    pub port: u16,
    pub credentials: Option<(String, String)>,
}

impl Broker {
    /// Reads `mqtt://[USER:PASSWORD@]HOST[:PORT]`.
    pub fn parse(url: &str) -> Result<Broker, String> {
        let rest = url
            .strip_prefix("mqtt://")
            .ok_or_else(|| format!("{url}: an MQTT address is mqtt://HOST:PORT"))?;
        let (credentials, address) = match rest.rsplit_once('@') {
            Some((user, address)) => {
                let (name, password) = user.split_once(':').unwrap_or((user, ""));
                (Some((name.to_owned(), password.to_owned())), address)
            }
            None => (None, rest),
        };
        let address = address.trim_end_matches('/');
        let (host, port) = match address.rsplit_once(':') {
            Some((host, port)) => (
                host,
                port.parse()
                    .map_err(|_| format!("{url}: the port is a number"))?,
            ),
            None => (address, 1883),
        };
        if host.is_empty() {
            return Err(format!("{url}: no host"));
        }
        Ok(Broker {
            host: host.to_owned(),
            port,
            credentials,
        })
    }
}

/// The datastream a topic names: `v1.1/Datastreams(7)/Observations`.
fn datastream_of(topic: &str) -> Option<i64> {
    let inner = topic
        .strip_prefix("v1.1/Datastreams(")?
        .strip_suffix(")/Observations")?;
    inner.parse().ok()
}

/// Connects to the broker and serves it until the process ends:
/// reconnecting (with the same persistent session) whenever it is lost.
/// `group` names the shared subscription of a deployment's servers.
pub async fn run(state: AppState, broker: Broker, client_id: String, group: String) {
    let mut options = MqttOptions::new(client_id, broker.host.clone(), broker.port);
    options
        .set_keep_alive(Duration::from_secs(30))
        .set_clean_session(false)
        .set_manual_acks(true)
        .set_max_packet_size(1024 * 1024, 1024 * 1024);
    if let Some((user, password)) = &broker.credentials {
        options.set_credentials(user, password);
    }
    let (client, mut events) = AsyncClient::new(options, 256);
    // New observations, from HTTP or from here, go out to subscribers.
    let mut created = state.app.sensor_events();
    let publisher = client.clone();
    let notifier = state.clone();
    tokio::spawn(async move {
        while let Ok(observation) = created.recv().await {
            if let Err(error) = announce(&notifier, &publisher, observation).await {
                tracing::warn!(%error, "could not announce an observation over MQTT");
            }
        }
    });
    loop {
        match events.poll().await {
            Ok(Event::Incoming(Packet::ConnAck(_))) => {
                tracing::info!(host = %broker.host, port = broker.port, "MQTT connected");
                // Shared: with several servers, each message reaches one.
                for topic in ["v1.1/+/Observations", "v1.1/Observations"] {
                    let shared = format!("$share/{group}/{topic}");
                    if let Err(error) = client.subscribe(shared, QoS::AtLeastOnce).await {
                        tracing::warn!(%error, topic, "could not subscribe");
                    }
                }
            }
            Ok(Event::Incoming(Packet::Publish(message))) => {
                match ingest(&state, &message).await {
                    Ok(()) => {
                        if let Err(error) = client.ack(&message).await {
                            tracing::warn!(%error, "could not acknowledge");
                        }
                    }
                    // Not acknowledged: the broker sends it again.
                    Err(Retry) => tokio::time::sleep(Duration::from_secs(1)).await,
                }
            }
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(%error, "MQTT connection lost; reconnecting");
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        }
    }
}

/// The database could not take an observation now: leave it with the
/// broker.
struct Retry;

/// Stores one published observation. A message the server published
/// itself (it carries `@iot.id`) and one that cannot be an observation
/// are logged and let go; a database failure is retried.
async fn ingest(state: &AppState, message: &Publish) -> Result<(), Retry> {
    let body: Value = match serde_json::from_slice(&message.payload) {
        Ok(body) => body,
        Err(error) => {
            tracing::warn!(topic = %message.topic, %error, "MQTT message is not JSON; dropped");
            return Ok(());
        }
    };
    if body.get("@iot.id").is_some() {
        return Ok(());
    }
    let datastream = datastream_of(&message.topic)
        .or_else(|| body.pointer("/Datastream/@iot.id").and_then(Value::as_i64));
    let Some(datastream) = datastream else {
        tracing::warn!(topic = %message.topic, "MQTT observation names no Datastream; dropped");
        return Ok(());
    };
    let Some(object) = body.as_object() else {
        return Ok(());
    };
    let row = match super::write::observation_from(object, datastream) {
        Ok(row) => row,
        Err(error) => {
            tracing::warn!(topic = %message.topic, message = %error.message, "MQTT observation refused");
            return Ok(());
        }
    };
    match state.app.store.sta_entity(datastream).await {
        Ok(Some(row)) if row.kind == Kind::Datastream.name() => {}
        Ok(_) => {
            tracing::warn!(
                datastream,
                "MQTT observation for no such Datastream; dropped"
            );
            return Ok(());
        }
        Err(error) => {
            tracing::warn!(%error, "database unavailable for MQTT ingestion");
            return Err(Retry);
        }
    }
    match state
        .app
        .store
        .sta_insert_observations(&[row], Utc::now())
        .await
    {
        Ok(ids) => {
            for id in ids {
                state.app.observed(datastream, id);
            }
            Ok(())
        }
        Err(baladiya_store::StoreError::Conflict(code)) => {
            tracing::warn!(datastream, code = code.as_str(), "MQTT observation refused");
            Ok(())
        }
        Err(error) => {
            tracing::warn!(%error, "could not store an MQTT observation");
            Err(Retry)
        }
    }
}

/// Publishes a new observation on its Datastream's topic and on
/// `v1.1/Observations`.
async fn announce(
    state: &AppState,
    client: &AsyncClient,
    (datastream, id): (i64, i64),
) -> Result<(), String> {
    let store = &state.app.store;
    // Only the datastream is read: an observation without $expand needs
    // nothing else of the graph, and this runs for every observation.
    let stream = store
        .sta_entity(datastream)
        .await
        .map_err(|e| e.to_string())?;
    if stream.is_none_or(|s| s.private) {
        return Ok(());
    }
    let graph = Graph::default();
    let base = match &state.app.settings.public_url {
        Some(url) => format!("{}{}", url.trim_end_matches('/'), super::ROOT),
        None => super::ROOT.to_owned(),
    };
    let ctx = Ctx {
        store,
        graph: &graph,
        base: &base,
        authenticated: false,
    };
    let entity = render_entity(&ctx, Kind::Observation, id, None, &Default::default())
        .await
        .map_err(|e| e.message)?;
    let payload = entity.to_string();
    for topic in [
        format!("v1.1/Datastreams({datastream})/Observations"),
        "v1.1/Observations".to_owned(),
    ] {
        client
            .publish(topic, QoS::AtLeastOnce, false, payload.clone())
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broker_addresses_and_topics() {
        let b = Broker::parse("mqtt://127.0.0.1:1883").expect("address");
        assert_eq!(
            (b.host.as_str(), b.port, b.credentials),
            ("127.0.0.1", 1883, None)
        );
        let b = Broker::parse("mqtt://baladiya:secret@broker.internal").expect("address");
        assert_eq!(b.port, 1883);
        assert_eq!(b.credentials, Some(("baladiya".into(), "secret".into())));
        assert!(Broker::parse("http://x").is_err());
        assert!(Broker::parse("mqtt://:1883").is_err());
        assert_eq!(datastream_of("v1.1/Datastreams(42)/Observations"), Some(42));
        assert_eq!(datastream_of("v1.1/Observations"), None);
        assert_eq!(datastream_of("v1.1/Datastreams(x)/Observations"), None);
    }
}
