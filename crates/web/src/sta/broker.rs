//! The embedded MQTT broker (rumqttd): without a deployment broker,
//! `serve` runs one so that devices can publish observations with nothing
//! else installed. Devices sign in with the credentials an administrator
//! issued for the SensorThings API; Baladiya's own client with a secret
//! made at start. The broker keeps its sessions in memory: a deployment
//! that needs acknowledged messages to outlive a restart of the whole
//! process points `mqtt_url` at a persistent broker instead.

use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use baladiya_app::App;
use rumqttd::{Config, ConnectionSettings, RouterConfig, ServerSettings};

/// The name Baladiya's own client signs in with.
const INTERNAL_USER: &str = "baladiya-internal";

/// A running embedded broker: where it listens and the address (with its
/// internal credential) Baladiya's client connects to.
#[derive(Debug)]
pub struct Embedded {
    pub addr: SocketAddr,
    pub client_url: String,
}

/// Starts the broker on `listen`; if that port is taken (say by a broker
/// of the machine) and `fall_back` is set, on a free port of the same
/// address. Returns once it accepts connections.
pub async fn start(app: App, listen: SocketAddr, fall_back: bool) -> Result<Embedded, String> {
    let addr = match TcpListener::bind(listen) {
        Ok(probe) => probe.local_addr(),
        Err(_) if fall_back => {
            TcpListener::bind(SocketAddr::new(listen.ip(), 0)).and_then(|p| p.local_addr())
        }
        Err(error) => Err(error),
    }
    .map_err(|e| format!("MQTT broker on {listen}: {e}"))?;
    let secret = baladiya_app::auth::random_token().map_err(|e| e.to_string())?;
    let mut connections = ConnectionSettings {
        connection_timeout_ms: 10_000,
        max_payload_size: 1024 * 1024,
        max_inflight_count: 256,
        auth: None,
        external_auth: None,
        dynamic_filters: true,
    };
    let runtime = tokio::runtime::Handle::current();
    let internal = secret.clone();
    connections.set_auth_handler(move |_client, user: String, password: String| {
        let app = app.clone();
        let internal = internal.clone();
        // The store lives on the server's runtime, not the broker's.
        let check = runtime.spawn(async move {
            if user == INTERNAL_USER {
                return password == internal;
            }
            app.sensor_writer(Some(&user), &password).await.is_ok()
        });
        async move { check.await.unwrap_or(false) }
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
    // Ready once it answers an MQTT sign-in. The probe stays connected:
    // rumqttd logs any closed connection as an error.
    let mut options =
        rumqttc::MqttOptions::new("baladiya-probe", addr.ip().to_string(), addr.port());
    options.set_credentials(INTERNAL_USER, &secret);
    for _ in 0..100 {
        let (client, mut events) = rumqttc::AsyncClient::new(options.clone(), 1);
        if let Ok(rumqttc::Event::Incoming(rumqttc::Packet::ConnAck(_))) = events.poll().await {
            tokio::spawn(async move {
                let _client = client;
                while events.poll().await.is_ok() {}
            });
            return Ok(Embedded {
                addr,
                client_url: format!("mqtt://{INTERNAL_USER}:{secret}@{addr}"),
            });
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Err(format!("the MQTT broker did not start on {addr}"))
}
