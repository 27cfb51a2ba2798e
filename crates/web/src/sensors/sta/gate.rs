//! The gate of the embedded MQTT broker: every connection on the public
//! address passes through it, packet by packet (MQTT 3.1.1, read with
//! rumqttc's own codec), to the broker behind it.
//!
//! - Sign-in: Baladiya's internal user with its secret, or a device with
//!   its SensorThings credential, whose client id must be its user name
//!   (or begin with it and `/`): no device can take another's session, nor
//!   the server's.
//! - Publishing: a device publishes observations only to datastreams of
//!   the places it writes to (`v1.1/Datastreams(id)/Observations`, or a
//!   `v1.1/…/Observations` topic naming the Datastream in the body, not a
//!   private one); anything else closes its connection, as MQTT 3.1.1 has
//!   no refusal of a publish.
//! - Subscribing: a device subscribes to exact `v1.1/` topics only (no
//!   wildcard, no shared or `$` subscription), a private datastream's only
//!   if it writes to its place; otherwise the whole SUBSCRIBE is refused.
//!
//! What the broker sends back passes unread. A connection must sign in
//! within ten seconds, and packets hold 1 MiB at most.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use baladiya_app::App;
use baladiya_app::sensors::{SensorWriter, place_unit};
use baladiya_domain::sensors::entity::Kind;
use bytes::{Bytes, BytesMut};
use rumqttc::{ConnAck, ConnectReturnCode, Packet, Publish, SubAck, SubscribeReasonCode};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::Mutex;

use super::broker::{INTERNAL_USER, Inner, MAX_PACKET};
use super::mqtt::datastream_of;

/// Connections open at once; more are closed at once.
const MAX_CONNECTIONS: usize = 10_000;
/// The client ids connections have at the broker: `gate-` and a number
/// (rumqttd takes no `/` in an id; the device's own id is checked here).
/// An id goes back to the pool once its connection has ended after the
/// broker acknowledged it, so the broker's per-id records stay as many as
/// the connections open at once (rumqttd keeps one for every id it has
/// seen). An id is never in use twice at once, and one the broker never
/// acknowledged is not reused: rumqttd 0.20 panics — and then refuses
/// every connection — when an id comes back after a connection it did not
/// finish setting up.
#[derive(Debug, Default)]
struct Ids {
    next: std::sync::atomic::AtomicU64,
    free: std::sync::Mutex<Vec<u64>>,
}

impl Ids {
    fn take(&self) -> u64 {
        let reused = self
            .free
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop();
        reused.unwrap_or_else(|| self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }

    /// Gives `id` back once the broker has had time to end its connection.
    fn give_back(self: &Arc<Self>, id: u64) {
        let ids = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(2)).await;
            ids.free
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(id);
        });
    }
}
/// The time a new connection has to sign in.
const SIGN_IN_WITHIN: Duration = Duration::from_secs(10);

/// Accepts connections until the process ends.
pub(super) async fn serve(listener: tokio::net::TcpListener, app: App, inner: Arc<Inner>) {
    let open = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let ids = Arc::new(Ids::default());
    loop {
        let socket = match listener.accept().await {
            Ok((socket, _)) => socket,
            Err(error) => {
                tracing::warn!(%error, "MQTT: could not accept a connection");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = open.clone().try_acquire_owned() else {
            continue;
        };
        let (app, inner, ids) = (app.clone(), inner.clone(), ids.clone());
        tokio::spawn(async move {
            if let Err(reason) = connection(socket, &app, &inner, &ids).await {
                tracing::info!(reason, "MQTT connection closed by the gate");
            }
            drop(permit);
        });
    }
}

/// A client id in use by one connection the broker acknowledged; given
/// back to the pool when the connection ends.
struct Lease {
    ids: Arc<Ids>,
    id: u64,
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.ids.give_back(self.id);
    }
}

/// Who a connection signed in as.
enum Who {
    Internal,
    Device(SensorWriter),
}

/// Packets read from one side of a connection, each with its bytes as
/// they came.
pub(super) struct Packets {
    pub(super) read: OwnedReadHalf,
    buffer: BytesMut,
}

impl Packets {
    pub(super) fn new(read: OwnedReadHalf) -> Self {
        Packets {
            read,
            buffer: BytesMut::with_capacity(1024),
        }
    }

    /// The next whole packet: its bytes and what they hold (`None` when
    /// the peer closed).
    pub(super) async fn next(&mut self) -> Result<Option<(Bytes, Packet)>, String> {
        loop {
            if let Some(packet) = take_packet(&mut self.buffer)? {
                return Ok(Some(packet));
            }
            match self.read.read_buf(&mut self.buffer).await {
                Ok(0) | Err(_) => return Ok(None),
                Ok(_) => {}
            }
        }
    }
}

/// The first whole packet of `buffer`, taken out of it with its bytes as
/// they came (`None` until it is all there); a malformed or oversized one
/// is an error.
fn take_packet(buffer: &mut BytesMut) -> Result<Option<(Bytes, Packet)>, String> {
    match rumqttc::mqttbytes::check(buffer.iter(), MAX_PACKET) {
        Ok(header) => {
            let raw = buffer.split_to(header.frame_length()).freeze();
            let packet = Packet::read(&mut BytesMut::from(&raw[..]), MAX_PACKET)
                .map_err(|e| format!("a malformed packet: {e:?}"))?;
            Ok(Some((raw, packet)))
        }
        Err(rumqttc::mqttbytes::Error::InsufficientBytes(_)) => Ok(None),
        Err(error) => Err(format!("a malformed packet: {error:?}")),
    }
}

/// A packet as bytes.
pub(super) fn encode(packet: Packet) -> Result<BytesMut, String> {
    let mut out = BytesMut::new();
    packet
        .write(&mut out, MAX_PACKET)
        .map_err(|e| format!("{e:?}"))?;
    Ok(out)
}

async fn send(to: &Mutex<OwnedWriteHalf>, packet: Packet) -> Result<(), String> {
    let out = encode(packet)?;
    to.lock()
        .await
        .write_all(&out)
        .await
        .map_err(|e| e.to_string())
}

fn refused(code: ConnectReturnCode) -> Packet {
    Packet::ConnAck(ConnAck {
        session_present: false,
        code,
    })
}

/// One connection: its sign-in, then its packets both ways.
async fn connection(
    socket: TcpStream,
    app: &App,
    inner: &Inner,
    ids: &Arc<Ids>,
) -> Result<(), String> {
    let (read, write) = socket.into_split();
    let client = Mutex::new(write);
    let mut incoming = Packets::new(read);
    let first = tokio::time::timeout(SIGN_IN_WITHIN, incoming.next())
        .await
        .map_err(|_| "no sign-in in time".to_owned())??;
    let Some((_, Packet::Connect(mut connect))) = first else {
        return Err("the first packet is not CONNECT".into());
    };
    let Some(login) = connect.login.clone() else {
        send(&client, refused(ConnectReturnCode::NotAuthorized)).await?;
        return Err("no user name".into());
    };
    let who = if login.username == INTERNAL_USER {
        if !baladiya_app::auth::same_secret(&login.password, &inner.secret) {
            send(&client, refused(ConnectReturnCode::BadUserNamePassword)).await?;
            return Err("a wrong internal secret".into());
        }
        Who::Internal
    } else {
        match app
            .sensor_writer(Some(&login.username), &login.password)
            .await
        {
            Ok(writer) => Who::Device(writer),
            Err(_) => {
                send(&client, refused(ConnectReturnCode::BadUserNamePassword)).await?;
                return Err(format!("{}: not a valid credential", login.username));
            }
        }
    };
    if let Who::Device(_) = &who {
        let own = connect.client_id == login.username
            || connect
                .client_id
                .strip_prefix(&login.username)
                .is_some_and(|rest| rest.starts_with('/'));
        if !own {
            send(&client, refused(ConnectReturnCode::BadClientId)).await?;
            return Err(format!(
                "{}: client id {:?} is not its own",
                login.username, connect.client_id
            ));
        }
    }
    let Ok(upstream) = TcpStream::connect(inner.addr()).await else {
        send(&client, refused(ConnectReturnCode::ServiceUnavailable)).await?;
        return Err("the broker is not answering".into());
    };
    let (from_broker, to_broker) = upstream.into_split();
    let to_broker = Mutex::new(to_broker);
    // The broker behind takes the internal user only, and sees each
    // connection under a client id from the pool (see `Ids`), in a clean
    // session: rumqttd panics when a persistent shared subscriber leaves
    // with a message unacknowledged. So it keeps no session; the embedded
    // broker kept them in memory only anyway.
    let id = ids.take();
    connect.set_login(INTERNAL_USER, inner.secret.clone());
    connect.client_id = format!("gate-{id}");
    connect.clean_session = true;
    send(&to_broker, Packet::Connect(connect)).await?;
    // The broker's answer is awaited whatever the device does meanwhile,
    // so the broker always finishes setting the connection up.
    let mut outgoing = Packets::new(from_broker);
    let _lease = match tokio::time::timeout(SIGN_IN_WITHIN, outgoing.next()).await {
        Ok(Ok(Some((raw, Packet::ConnAck(_))))) => {
            let lease = Lease {
                ids: ids.clone(),
                id,
            };
            let leftover = outgoing.buffer.split();
            let mut to_client = client.lock().await;
            to_client.write_all(&raw).await.map_err(|e| e.to_string())?;
            to_client
                .write_all(&leftover)
                .await
                .map_err(|e| e.to_string())?;
            lease
        }
        _ => return Err("the broker did not acknowledge the connection".into()),
    };
    let mut from_broker = outgoing.read;
    let down = async {
        let mut chunk = vec![0u8; 16 * 1024];
        loop {
            match from_broker.read(&mut chunk).await {
                Ok(0) | Err(_) => return Ok::<(), String>(()),
                Ok(n) => {
                    let Some(bytes) = chunk.get(..n) else {
                        return Ok(());
                    };
                    client
                        .lock()
                        .await
                        .write_all(bytes)
                        .await
                        .map_err(|e| e.to_string())?;
                }
            }
        }
    };
    let up = async {
        let mut access = Access {
            app,
            known: HashMap::new(),
        };
        while let Some((raw, packet)) = incoming.next().await? {
            if let Who::Device(writer) = &who {
                match &packet {
                    Packet::Connect(_) => return Err("a second CONNECT".into()),
                    Packet::Publish(publish) => {
                        if let Err(reason) = access.may_publish(writer, publish).await {
                            return Err(format!("publish to {}: {reason}", publish.topic));
                        }
                    }
                    Packet::Subscribe(subscribe) => {
                        let mut allowed = true;
                        for filter in &subscribe.filters {
                            allowed &= access.may_subscribe(writer, &filter.path).await;
                        }
                        if !allowed {
                            let codes = vec![SubscribeReasonCode::Failure; subscribe.filters.len()];
                            send(&client, Packet::SubAck(SubAck::new(subscribe.pkid, codes)))
                                .await?;
                            continue;
                        }
                    }
                    _ => {}
                }
            }
            to_broker
                .lock()
                .await
                .write_all(&raw)
                .await
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    };
    tokio::select! {
        result = down => result,
        result = up => result,
    }
}

/// What a device may reach, datastream by datastream, found once per
/// connection.
struct Access<'a> {
    app: &'a App,
    /// Each datastream looked at: whether it is private, and whether the
    /// device writes to its place (None: no such datastream).
    known: HashMap<i64, Option<(bool, bool)>>,
}

impl Access<'_> {
    async fn datastream(&mut self, writer: &SensorWriter, id: i64) -> Option<(bool, bool)> {
        if let Some(known) = self.known.get(&id) {
            return *known;
        }
        let found = self.look_up(writer, id).await.ok().flatten();
        self.known.insert(id, found);
        found
    }

    async fn look_up(
        &self,
        writer: &SensorWriter,
        id: i64,
    ) -> Result<Option<(bool, bool)>, baladiya_app::AppError> {
        let store = &self.app.store;
        let Some(stream) = store
            .sta_entity(id)
            .await?
            .filter(|row| row.kind == Kind::Datastream.name())
        else {
            return Ok(None);
        };
        let unit = match stream.thing_id {
            Some(thing) => store
                .sta_entity(thing)
                .await?
                .and_then(|row| serde_json::from_str::<Value>(&row.doc).ok())
                .and_then(|doc| place_unit(&doc).map(str::to_owned)),
            None => None,
        };
        let writes = self.app.may_write_place(writer, unit.as_deref()).await?;
        Ok(Some((stream.private, writes)))
    }

    /// Whether `writer` may publish this message: an observation of a
    /// datastream of its places, private ones on their own topic only.
    async fn may_publish(
        &mut self,
        writer: &SensorWriter,
        message: &Publish,
    ) -> Result<(), String> {
        let topic = message.topic.as_str();
        let observations = topic == "v1.1/Observations"
            || topic
                .strip_prefix("v1.1/")
                .and_then(|rest| rest.strip_suffix("/Observations"))
                .is_some_and(|middle| !middle.is_empty() && !middle.contains('/'));
        if !observations {
            return Err("devices publish observations only".into());
        }
        let on_its_topic = datastream_of(topic);
        let named = match on_its_topic {
            Some(id) => Some(id),
            None => serde_json::from_slice::<Value>(&message.payload)
                .ok()
                .and_then(|body| body.pointer("/Datastream/@iot.id").and_then(Value::as_i64)),
        };
        let Some(id) = named else {
            return Err("no Datastream named".into());
        };
        match self.datastream(writer, id).await {
            None => Err(format!("no Datastream({id})")),
            Some((_, false)) => Err(format!(
                "Datastream({id}) is of a place it does not write to"
            )),
            Some((true, true)) if on_its_topic.is_none() => Err(format!(
                "Datastream({id}) is private: publish on its own topic"
            )),
            Some(_) => Ok(()),
        }
    }

    /// Whether `writer` may subscribe to `filter`.
    async fn may_subscribe(&mut self, writer: &SensorWriter, filter: &str) -> bool {
        if !filter.starts_with("v1.1/") || filter.contains(['+', '#']) {
            return false;
        }
        match datastream_of(filter) {
            Some(id) => match self.datastream(writer, id).await {
                Some((private, writes)) => !private || writes,
                None => false,
            },
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// What the gate does with bytes from the network: takes packets
    /// out of them until one is incomplete or refused.
    fn frame(bytes: &[u8]) {
        let mut buffer = BytesMut::from(bytes);
        while let Ok(Some(_)) = take_packet(&mut buffer) {}
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 5_000, ..ProptestConfig::default() })]

        /// Any bytes: framed and read, or refused, never a panic.
        #[test]
        fn any_bytes_are_a_packet_or_an_error(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            frame(&bytes);
        }

        /// Packets of every type with any body and length.
        #[test]
        fn any_packet_type_with_any_body(kind in 0u8..=15, flags in 0u8..=15, body in proptest::collection::vec(any::<u8>(), 0..300)) {
            let mut bytes = vec![(kind << 4) | flags];
            let mut length = body.len();
            loop {
                let mut byte = (length % 128) as u8;
                length /= 128;
                if length > 0 {
                    byte |= 128;
                }
                bytes.push(byte);
                if length == 0 {
                    break;
                }
            }
            bytes.extend(body);
            frame(&bytes);
        }
    }
}
