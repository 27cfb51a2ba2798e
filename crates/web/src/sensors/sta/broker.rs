//! The embedded MQTT broker: without a deployment broker, `serve` runs one
//! so that devices can publish observations with nothing else installed.
//!
//! rumqttd routes the messages, on a loopback port of its own that only
//! Baladiya's internal user may sign in to. Devices reach it through the
//! gate ([`super::gate`]), which listens on the public address, signs
//! them in with their SensorThings credential and lets through only what
//! the credential may do. rumqttd has no hooks for that (no client ids,
//! no topic permissions), and one of its own states panics its router
//! thread (a persistent client with a shared subscription disconnecting:
//! the gate refuses shared subscriptions to devices). A supervisor pings
//! it every few seconds; a broker that misses three in a row is replaced
//! by a new one on another loopback port (the dead one's threads cannot
//! be stopped from outside, and are left idle), and its state is shown by
//! `/healthz` and `/metrics`. The broker keeps its sessions in memory: a
//! deployment that needs acknowledged messages to outlive a restart of
//! the whole process points `mqtt_url` at a persistent broker instead.

use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use baladiya_app::App;
use rumqttc::{ConnectReturnCode, Packet};
use rumqttd::{Config, ConnectionSettings, RouterConfig, ServerSettings};
use tokio::io::AsyncWriteExt;

use super::gate::{Packets, encode};

/// The name Baladiya's own clients sign in with.
pub(super) const INTERNAL_USER: &str = "baladiya-internal";
/// The largest MQTT packet taken, either way.
pub(super) const MAX_PACKET: usize = 1024 * 1024;
/// How often the supervisor signs in to the broker.
const PROBE_EVERY: Duration = Duration::from_secs(5);
/// The time the broker has to answer a probe.
const PROBE_WITHIN: Duration = Duration::from_secs(3);
/// Probes in a row the broker must miss to be replaced.
const MISSED_BEFORE_REPLACING: u32 = 3;

/// A running embedded broker: where devices reach it, the address (with
/// its internal credential) Baladiya's client connects to, and its health.
#[derive(Debug)]
pub struct Embedded {
    pub addr: SocketAddr,
    pub client_url: String,
    pub health: Health,
    inner: Arc<Inner>,
}

impl Embedded {
    /// Where the broker behind the gate listens now (loopback, for the
    /// internal user only).
    pub fn routing_addr(&self) -> SocketAddr {
        self.inner.addr()
    }
}

/// The broker's health: whether it answers, and its restarts.
pub type Health = crate::http::health::ServiceHealth;

/// Where the broker that routes messages listens now (it changes when
/// the supervisor replaces it), and the internal user's secret.
#[derive(Debug)]
pub(super) struct Inner {
    addr: RwLock<SocketAddr>,
    pub(super) secret: String,
}

impl Inner {
    pub(super) fn addr(&self) -> SocketAddr {
        *self
            .addr
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Starts the broker and its gate on `listen`; if that port is taken (say
/// by a broker of the machine) and `fall_back` is set, on a free port of
/// the same address. Returns once it accepts connections.
pub async fn start(app: App, listen: SocketAddr, fall_back: bool) -> Result<Embedded, String> {
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(listener) => Ok(listener),
        Err(_) if fall_back => tokio::net::TcpListener::bind(SocketAddr::new(listen.ip(), 0)).await,
        Err(error) => Err(error),
    }
    .map_err(|e| format!("MQTT broker on {listen}: {e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("MQTT broker: {e}"))?;
    let secret = baladiya_app::auth::random_token().map_err(|e| e.to_string())?;
    let first = launch(&secret)?;
    if !answers(first, &secret).await {
        return Err(format!("the MQTT broker did not start on {first}"));
    }
    let inner = Arc::new(Inner {
        addr: RwLock::new(first),
        secret: secret.clone(),
    });
    let health = Health::default();
    health.set_up(true);
    tokio::spawn(super::gate::serve(listener, app, inner.clone()));
    tokio::spawn(supervise(inner.clone(), health.clone()));
    Ok(Embedded {
        addr,
        client_url: format!("mqtt://{INTERNAL_USER}:{secret}@{addr}"),
        health,
        inner,
    })
}

/// Pings the broker every few seconds over a connection of its own, kept
/// open (a connection opened and closed for each check would be logged by
/// rumqttd as an error each time); a broker that misses three in a row is
/// replaced by a new one.
async fn supervise(inner: Arc<Inner>, health: Health) {
    let (mut probe, mut missed) = (None, 0);
    loop {
        tokio::time::sleep(PROBE_EVERY).await;
        if Probe::check(&mut probe, inner.addr(), &inner.secret).await {
            missed = 0;
            health.set_up(true);
            continue;
        }
        // A broker busy with a flood may answer one probe late; one that
        // misses several in a row is gone.
        missed += 1;
        if missed < MISSED_BEFORE_REPLACING {
            continue;
        }
        missed = 0;
        health.set_up(false);
        tracing::error!("the embedded MQTT broker stopped answering; starting another");
        match launch(&inner.secret) {
            Ok(addr) if answers(addr, &inner.secret).await => {
                *inner
                    .addr
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = addr;
                health.restarted();
                tracing::info!(%addr, "the embedded MQTT broker is back");
            }
            Ok(addr) => tracing::error!(%addr, "the new MQTT broker does not answer either"),
            Err(error) => tracing::error!(%error, "could not start another MQTT broker"),
        }
    }
}

/// Starts a rumqttd broker on a free loopback port, taking the internal
/// user only.
fn launch(secret: &str) -> Result<SocketAddr, String> {
    let addr = TcpListener::bind("127.0.0.1:0")
        .and_then(|probe| probe.local_addr())
        .map_err(|e| format!("MQTT broker: {e}"))?;
    let mut connections = ConnectionSettings {
        connection_timeout_ms: 10_000,
        max_payload_size: MAX_PACKET,
        max_inflight_count: 256,
        auth: None,
        external_auth: None,
        dynamic_filters: true,
    };
    let internal = secret.to_owned();
    connections.set_auth_handler(move |_client, user: String, password: String| {
        let allowed =
            user == INTERNAL_USER && baladiya_app::auth::same_secret(&password, &internal);
        async move { allowed }
    });
    let server = ServerSettings {
        name: "baladiya".into(),
        listen: addr,
        tls: None,
        next_connection_delay_ms: 1,
        connections,
    };
    let config = Config {
        router: RouterConfig {
            max_connections: 10_000,
            max_outgoing_packet_count: 200,
            max_segment_size: 4 * 1024 * 1024,
            max_segment_count: 4,
            ..RouterConfig::default()
        },
        v4: Some(HashMap::from([("1".to_owned(), server)])),
        ..Config::default()
    };
    std::thread::Builder::new()
        .name("mqtt-broker".into())
        .spawn(move || {
            if let Err(error) = rumqttd::Broker::new(config).start() {
                tracing::error!(%error, "the embedded MQTT broker stopped");
            }
        })
        .map_err(|e| format!("MQTT broker: {e}"))?;
    Ok(addr)
}

/// Whether a broker just started at `addr` takes the internal user's
/// sign-in, trying for a few seconds while it gets ready.
async fn answers(addr: SocketAddr, secret: &str) -> bool {
    for _ in 0..50 {
        if signs_in(addr, secret).await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
    false
}

/// Whether the broker at `addr` takes the internal user's sign-in within
/// three seconds: one sign-in and sign-out.
async fn signs_in(addr: SocketAddr, secret: &str) -> bool {
    let attempt = async {
        let mut probe = Probe::open(addr, secret).await?;
        let out = encode(Packet::Disconnect)?;
        probe.write.write_all(&out).await.map_err(|e| e.to_string())
    };
    matches!(
        tokio::time::timeout(PROBE_WITHIN, attempt).await,
        Ok(Ok(()))
    )
}

/// The supervisor's connection to the broker, as the internal user,
/// always as `baladiya-probe` (rumqttd keeps a record for every client id
/// it has seen).
struct Probe {
    packets: Packets,
    write: tokio::net::tcp::OwnedWriteHalf,
}

impl Probe {
    /// Signed in, or why not.
    async fn open(addr: SocketAddr, secret: &str) -> Result<Probe, String> {
        let (read, mut write) = tokio::net::TcpStream::connect(addr)
            .await
            .map_err(|e| e.to_string())?
            .into_split();
        let mut connect = rumqttc::Connect::new("baladiya-probe");
        connect.set_login(INTERNAL_USER, secret);
        let out = encode(Packet::Connect(connect))?;
        write.write_all(&out).await.map_err(|e| e.to_string())?;
        let mut packets = Packets::new(read);
        match packets.next().await? {
            Some((_, Packet::ConnAck(ack))) if ack.code == ConnectReturnCode::Success => {
                Ok(Probe { packets, write })
            }
            other => Err(format!("no sign-in: {other:?}")),
        }
    }

    /// Whether the broker answers a ping within three seconds on the kept
    /// connection (opened first if there is none); a connection that
    /// fails is dropped, to be opened again next time.
    async fn check(probe: &mut Option<Probe>, addr: SocketAddr, secret: &str) -> bool {
        let current = probe.take();
        let attempt = async {
            let mut current = match current {
                Some(open) => open,
                None => Probe::open(addr, secret).await?,
            };
            let out = encode(Packet::PingReq)?;
            current
                .write
                .write_all(&out)
                .await
                .map_err(|e| e.to_string())?;
            loop {
                match current.packets.next().await? {
                    Some((_, Packet::PingResp)) => return Ok::<_, String>(current),
                    Some(_) => {}
                    None => return Err("closed".into()),
                }
            }
        };
        match tokio::time::timeout(PROBE_WITHIN, attempt).await {
            Ok(Ok(answered)) => {
                *probe = Some(answered);
                true
            }
            _ => false,
        }
    }
}
