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
use super::render::{Ctx, Private, render_entity};
use super::{Budget, Limits};
use crate::http::state::AppState;

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
pub(super) fn datastream_of(topic: &str) -> Option<i64> {
    let inner = topic
        .strip_prefix("v1.1/Datastreams(")?
        .strip_suffix(")/Observations")?;
    inner.parse().ok()
}

/// Observations stored in one transaction at most.
const BATCH: usize = 500;

/// Connects to the broker and serves it until the process ends:
/// reconnecting (with the same persistent session) whenever it is lost.
/// `group` names the shared subscription of a deployment's servers (none
/// with the embedded broker, which serves one).
///
/// The connection is polled without pause; incoming observations go in
/// order to a worker that stores what has arrived in one transaction and
/// only then acknowledges each, in order (a worker that awaited inside the
/// poll loop could deadlock it against its own announcements).
pub async fn run(state: AppState, broker: Broker, client_id: String, group: Option<String>) {
    let mut options = MqttOptions::new(client_id, broker.host.clone(), broker.port);
    options
        .set_keep_alive(Duration::from_secs(30))
        .set_clean_session(false)
        .set_manual_acks(true)
        .set_max_packet_size(1024 * 1024, 1024 * 1024);
    if let Some((user, password)) = &broker.credentials {
        options.set_credentials(user, password);
    }
    // Announcements leave on a connection of their own: acknowledgements
    // of incoming observations never wait behind them.
    let mut out = options.clone();
    out.set_client_id(format!("{}-out", options.client_id()))
        .set_clean_session(true)
        .set_manual_acks(false);
    let (publisher, mut out_events) = AsyncClient::new(out, 4096);
    tokio::spawn(async move {
        loop {
            if let Err(error) = out_events.poll().await {
                tracing::debug!(%error, "MQTT announcements: reconnecting");
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        }
    });
    let (client, mut events) = AsyncClient::new(options, 4096);
    // New observations, from HTTP or from here, go out to subscribers.
    let mut created = state.app.sensor_events();
    let notifier = state.clone();
    tokio::spawn(async move {
        loop {
            // What has been written since, a thousand at most, announced
            // together: one read of their rows.
            let mut batch = match created.recv().await {
                Ok(observation) => vec![observation],
                Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::warn!(
                        missed,
                        "observations not announced over MQTT: too many at once"
                    );
                    continue;
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            };
            while batch.len() < 1_000 {
                match created.try_recv() {
                    Ok(observation) => batch.push(observation),
                    Err(_) => break,
                }
            }
            if let Err(error) = announce(&notifier, &publisher, &batch).await {
                tracing::warn!(%error, "could not announce observations over MQTT");
            }
        }
    });
    let (incoming, mut queue) = tokio::sync::mpsc::unbounded_channel::<Publish>();
    let acker = client.clone();
    let worker = state.clone();
    tokio::spawn(async move {
        let mut batch = Vec::with_capacity(BATCH);
        while let Some(first) = queue.recv().await {
            batch.push(first);
            while batch.len() < BATCH {
                match queue.try_recv() {
                    Ok(message) => batch.push(message),
                    Err(_) => break,
                }
            }
            // The database is away: keep the batch (unacknowledged, the
            // broker keeps it too) and try again.
            while ingest(&worker, &batch).await.is_err() {
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            for message in batch.drain(..) {
                if let Err(error) = acker.ack(&message).await {
                    tracing::warn!(%error, "could not acknowledge");
                }
            }
        }
    });
    loop {
        match events.poll().await {
            Ok(Event::Incoming(Packet::ConnAck(_))) => {
                tracing::info!(host = %broker.host, port = broker.port, "MQTT connected");
                for topic in ["v1.1/+/Observations", "v1.1/Observations"] {
                    // Shared: with several servers, each message reaches one.
                    let filter = match &group {
                        Some(group) => format!("$share/{group}/{topic}"),
                        None => topic.to_owned(),
                    };
                    if let Err(error) = client.subscribe(filter, QoS::AtLeastOnce).await {
                        tracing::warn!(%error, topic, "could not subscribe");
                    }
                }
            }
            Ok(Event::Incoming(Packet::Publish(message))) => {
                if incoming.send(message).is_err() {
                    return;
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

/// The database could not take the observations now.
struct Retry;

/// One published message as an observation to store: `None` (logged)
/// for one the server published itself (it carries `@iot.id`) or one that
/// cannot be an observation.
fn observation_of(message: &Publish) -> Option<(i64, baladiya_store::ObservationRow)> {
    let body: Value = match serde_json::from_slice(&message.payload) {
        Ok(body) => body,
        Err(error) => {
            tracing::warn!(topic = %message.topic, %error, "MQTT message is not JSON; dropped");
            return None;
        }
    };
    if body.get("@iot.id").is_some() {
        return None;
    }
    let datastream = datastream_of(&message.topic)
        .or_else(|| body.pointer("/Datastream/@iot.id").and_then(Value::as_i64));
    let Some(datastream) = datastream else {
        tracing::warn!(topic = %message.topic, "MQTT observation names no Datastream; dropped");
        return None;
    };
    match super::plan::observation_from(body.as_object()?, datastream) {
        Ok(row) => Some((datastream, row)),
        Err(error) => {
            tracing::warn!(topic = %message.topic, message = %error.message, "MQTT observation refused");
            None
        }
    }
}

/// Stores the observations of a batch of messages in one transaction
/// (one at a time if the batch is refused, so that one bad observation
/// does not hold the others back); those for no Datastream are dropped.
async fn ingest(state: &AppState, batch: &[Publish]) -> Result<(), Retry> {
    let store = &state.app.store;
    let mut known: std::collections::HashMap<i64, bool> = Default::default();
    let mut rows = Vec::new();
    for (datastream, row) in batch.iter().filter_map(observation_of) {
        let exists = match known.get(&datastream) {
            Some(exists) => *exists,
            None => {
                let exists = match store.sta_entity(datastream).await {
                    Ok(found) => found.is_some_and(|r| r.kind == Kind::Datastream.name()),
                    Err(error) => {
                        tracing::warn!(%error, "database unavailable for MQTT ingestion");
                        return Err(Retry);
                    }
                };
                known.insert(datastream, exists);
                exists
            }
        };
        if exists {
            rows.push(row);
        } else {
            tracing::warn!(
                datastream,
                "MQTT observation for no such Datastream; dropped"
            );
        }
    }
    let now = Utc::now();
    let stored = match store.sta_insert_observations(&rows, now).await {
        Ok(ids) => rows.iter().map(|r| r.datastream_id).zip(ids).collect(),
        Err(baladiya_store::StoreError::Conflict(_)) => {
            let mut stored = Vec::new();
            for row in &rows {
                match store
                    .sta_insert_observations(std::slice::from_ref(row), now)
                    .await
                {
                    Ok(ids) => stored.extend(ids.into_iter().map(|id| (row.datastream_id, id))),
                    Err(baladiya_store::StoreError::Conflict(code)) => {
                        tracing::warn!(
                            datastream = row.datastream_id,
                            code = code.as_str(),
                            "MQTT observation refused"
                        );
                    }
                    Err(error) => {
                        tracing::warn!(%error, "could not store an MQTT observation");
                        return Err(Retry);
                    }
                }
            }
            stored
        }
        Err(error) => {
            tracing::warn!(%error, "could not store MQTT observations");
            return Err(Retry);
        }
    };
    for (datastream, id) in stored {
        state.app.observed(datastream, id);
    }
    Ok(())
}

/// Publishes new observations on their Datastream's topic and on
/// `v1.1/Observations` (not those of private Datastreams).
async fn announce(
    state: &AppState,
    client: &AsyncClient,
    batch: &[(i64, i64)],
) -> Result<(), String> {
    let store = &state.app.store;
    let mut public: std::collections::HashMap<i64, bool> = Default::default();
    for (datastream, _) in batch {
        if !public.contains_key(datastream) {
            let stream = store
                .sta_entity(*datastream)
                .await
                .map_err(|e| e.to_string())?;
            public.insert(*datastream, stream.is_some_and(|s| !s.private));
        }
    }
    let ids: Vec<i64> = batch
        .iter()
        .filter(|(datastream, _)| public[datastream])
        .map(|(_, id)| *id)
        .collect();
    let rows = store
        .sta_observations_by_id(&ids)
        .await
        .map_err(|e| e.to_string())?;
    let graph = Graph::default();
    let base = match &state.app.settings.public_url {
        Some(url) => format!("{}{}", url.trim_end_matches('/'), super::ROOT),
        None => super::ROOT.to_owned(),
    };
    let budget = Budget::new(Limits::default());
    let ctx = Ctx::new(state, &budget, &graph, &base, false, Private::None);
    let query = Default::default();
    for row in &rows {
        // Rendered from the row: no more reading.
        let entity = render_entity(&ctx, Kind::Observation, row.id, Some(row), &query)
            .await
            .map_err(|e| e.message)?;
        let payload = entity.to_string();
        for topic in [
            format!("v1.1/Datastreams({})/Observations", row.datastream_id),
            "v1.1/Observations".to_owned(),
        ] {
            client
                .publish(topic, QoS::AtLeastOnce, false, payload.clone())
                .await
                .map_err(|e| e.to_string())?;
        }
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
