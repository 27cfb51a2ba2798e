//! The embedded MQTT broker against what a device with a credential tries
//! (the second reliability probe, MQTT-1 and MQTT-2), on both engines:
//! taking another's client id or the server's session, publishing to
//! places it does not write to, subscribing to everything or through a
//! shared subscription, and the broker's own panic — after which it is
//! replaced and readings are stored again.

use std::time::Duration;

use rumqttc::{AsyncClient, ConnectReturnCode, Event, Packet, QoS, SubscribeReasonCode};
use serde_json::{Value, json};

use crate::sensors::{credential, device, mqtt_options, stored_observation};
use crate::support::{Engine, TestApp, Tuning};

crate::on_both_engines!(
    devices_keep_to_their_own_ids_topics_and_places,
    the_broker_is_replaced_when_it_panics,
);

/// The demo's sensors, the embedded broker and Baladiya's client of it.
async fn with_broker(engine: Engine) -> Option<(TestApp, baladiya_web::EmbeddedBroker)> {
    let app = crate::sta_hardening::sensing(engine, Tuning::default()).await?;
    let any_port = "127.0.0.1:0".parse().expect("address");
    let broker = baladiya_web::embedded_broker(app.app.clone(), any_port, false)
        .await
        .expect("embedded broker");
    tokio::spawn(
        baladiya_web::sensor_mqtt(
            app.app.clone(),
            &broker.client_url,
            "baladiya-test".into(),
            None,
        )
        .expect("broker address"),
    );
    Some((app, broker))
}

/// The first answer to a connection: its CONNACK code, or None.
async fn connack(events: &mut rumqttc::EventLoop) -> Option<ConnectReturnCode> {
    match tokio::time::timeout(Duration::from_secs(10), events.poll()).await {
        Ok(Ok(Event::Incoming(Packet::ConnAck(ack)))) => Some(ack.code),
        Ok(Err(rumqttc::ConnectionError::ConnectionRefused(code))) => Some(code),
        _ => None,
    }
}

/// A connected client and its events.
async fn connected(
    broker: &baladiya_web::EmbeddedBroker,
    id: &str,
    credential: &(String, String),
) -> (AsyncClient, rumqttc::EventLoop) {
    let (client, mut events) = AsyncClient::new(mqtt_options(id, broker.addr, credential), 16);
    assert_eq!(
        connack(&mut events).await,
        Some(ConnectReturnCode::Success),
        "{id}"
    );
    (client, events)
}

/// The SUBACK codes of one subscription.
async fn suback(
    client: &AsyncClient,
    events: &mut rumqttc::EventLoop,
    filter: &str,
) -> Vec<SubscribeReasonCode> {
    client
        .subscribe(filter, QoS::AtLeastOnce)
        .await
        .expect("subscribe");
    loop {
        match tokio::time::timeout(Duration::from_secs(10), events.poll()).await {
            Ok(Ok(Event::Incoming(Packet::SubAck(ack)))) => return ack.return_codes,
            Ok(Ok(_)) => {}
            other => panic!("{filter}: no SUBACK: {other:?}"),
        }
    }
}

/// The first datastream of the demo's place whose unit starts with
/// `prefix`.
async fn stream_of(app: &TestApp, prefix: &str) -> i64 {
    crate::sta_hardening::place_of(app, prefix).await.1
}

/// MQTT-2: a device took over the server's session by its predictable
/// client id, and readings were lost. A device now signs in only with its
/// own id; it publishes and subscribes only where its credential reaches.
async fn devices_keep_to_their_own_ids_topics_and_places(engine: Engine) {
    let Some((app, broker)) = with_broker(engine).await else {
        return;
    };
    let giza = credential(&app, "giza-meters", Some("EG-GZ")).await;
    // Another's id, the server's, none: refused before any session.
    for id in [
        "baladiya-test",
        "other-device",
        "giza-metersX",
        "giza-meters-2",
    ] {
        let (_client, mut events) = AsyncClient::new(mqtt_options(id, broker.addr, &giza), 4);
        assert_eq!(
            connack(&mut events).await,
            Some(ConnectReturnCode::BadClientId),
            "client id {id:?}"
        );
    }
    let (client, mut events) = connected(&broker, "giza-meters/pump-1", &giza).await;
    // Subscriptions: its own and public topics; not everything, not a
    // shared subscription, not another's private datastream.
    let saudi = stream_of(&app, "SA").await;
    let own = stream_of(&app, "EG-GZ-").await;
    let admin = app.token("sa.admin").await;
    let private = app
        .client
        .patch(app.url(&format!("/sta/v1.1/Datastreams({saudi})")))
        .bearer_auth(admin)
        .json(&json!({"properties": {"private": true}}))
        .send()
        .await
        .expect("request");
    assert_eq!(private.status(), 200);
    for (filter, allowed) in [
        (format!("v1.1/Datastreams({own})/Observations"), true),
        ("v1.1/Observations".to_owned(), true),
        ("#".to_owned(), false),
        ("v1.1/+/Observations".to_owned(), false),
        ("$share/g/v1.1/Observations".to_owned(), false),
        (format!("v1.1/Datastreams({saudi})/Observations"), false),
    ] {
        let codes = suback(&client, &mut events, &filter).await;
        let granted = matches!(codes.as_slice(), [SubscribeReasonCode::Success(_)]);
        assert_eq!(granted, allowed, "{filter}: {codes:?}");
    }
    // Its own datastream: stored.
    let topic = format!("v1.1/Datastreams({own})/Observations");
    client
        .publish(
            &topic,
            QoS::AtLeastOnce,
            false,
            json!({"result": 4242.5}).to_string(),
        )
        .await
        .expect("publish");
    let pump = tokio::spawn(async move { while events.poll().await.is_ok() {} });
    assert_eq!(
        stored_observation(&app, own, 4242.5).await["result"],
        4242.5
    );
    pump.abort();
    // Another country's: the connection is closed and nothing is stored.
    for (topic, body) in [
        (
            format!("v1.1/Datastreams({saudi})/Observations"),
            json!({"result": 4343.5}),
        ),
        (
            "v1.1/Observations".to_owned(),
            json!({"result": 4343.5, "Datastream": {"@iot.id": saudi}}),
        ),
    ] {
        let (client, mut events) = connected(&broker, "giza-meters/pump-2", &giza).await;
        client
            .publish(&topic, QoS::AtLeastOnce, false, body.to_string())
            .await
            .expect("publish");
        let mut closed = false;
        for _ in 0..20 {
            match tokio::time::timeout(Duration::from_secs(5), events.poll()).await {
                Ok(Err(_)) => {
                    closed = true;
                    break;
                }
                Ok(Ok(Event::Incoming(Packet::PubAck(_)))) => break,
                _ => {}
            }
        }
        assert!(closed, "{topic}: the connection is closed");
    }
    // Devices come and go, some gone before the broker answers: the
    // broker's client ids are reused, and it never falls over.
    for round in 0..40 {
        let (client, mut events) = connected(&broker, "giza-meters/churn", &giza).await;
        client.disconnect().await.expect("disconnect");
        let _ = tokio::time::timeout(Duration::from_secs(2), events.poll()).await;
        let mut raw = tokio::net::TcpStream::connect(broker.addr)
            .await
            .expect("connect");
        let mut connect = rumqttc::Connect::new("giza-meters/gone");
        connect.set_login(&giza.0, &giza.1);
        let mut bytes = bytes::BytesMut::new();
        Packet::Connect(connect)
            .write(&mut bytes, 1024)
            .expect("CONNECT");
        tokio::io::AsyncWriteExt::write_all(&mut raw, &bytes)
            .await
            .expect("send");
        drop(raw);
        if round % 10 == 0 {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert!(broker.health.up());
    assert_eq!(broker.health.restarts(), 0, "the broker never stopped");
    let (client, mut events) = connected(&broker, "giza-meters/after-churn", &giza).await;
    client
        .publish(
            &topic,
            QoS::AtLeastOnce,
            false,
            json!({"result": 4545.5}).to_string(),
        )
        .await
        .expect("publish");
    let pump = tokio::spawn(async move { while events.poll().await.is_ok() {} });
    assert_eq!(
        stored_observation(&app, own, 4545.5).await["result"],
        4545.5
    );
    pump.abort();
    let sa_admin = app.token("sa.admin").await;
    let stored: Value = app
        .client
        .get(app.url(&format!(
            "/sta/v1.1/Datastreams({saudi})/Observations?$filter=result eq 4343.5&$count=true"
        )))
        .bearer_auth(sa_admin)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON");
    assert_eq!(stored["@iot.count"], 0, "{stored}");
    app.stop().await;
}

/// MQTT-1: rumqttd 0.20's router panics when a persistent client with a
/// shared subscription leaves with a message unacknowledged, and then
/// takes no connection until restart, while `/healthz` said 200. Devices
/// can no longer do that (the gate refuses shared subscriptions); here the
/// internal user does it on the broker directly, and the supervisor
/// replaces the broker: readings are stored again, and the health says
/// what happened.
async fn the_broker_is_replaced_when_it_panics(engine: Engine) {
    let Some((app, broker)) = with_broker(engine).await else {
        return;
    };
    let device = device(&app).await;
    let stream = stream_of(&app, "EG-GZ-").await;
    let topic = format!("v1.1/Datastreams({stream})/Observations");
    let internal = {
        let url = broker.client_url.trim_start_matches("mqtt://");
        let (credential, _) = url.rsplit_once('@').expect("credential");
        let (user, secret) = credential.split_once(':').expect("user:secret");
        (user.to_owned(), secret.to_owned())
    };
    assert!(broker.health.up());
    let routing = broker.routing_addr();
    // The panic: a persistent client, a shared subscription, a message
    // taken and not acknowledged, a disconnection.
    let mut options = mqtt_options("sharer", routing, &internal);
    options.set_clean_session(false).set_manual_acks(true);
    let (sharer, mut sharer_events) = AsyncClient::new(options, 16);
    assert_eq!(
        connack(&mut sharer_events).await,
        Some(ConnectReturnCode::Success)
    );
    let codes = suback(&sharer, &mut sharer_events, "$share/g/v1.1/Observations").await;
    assert!(matches!(
        codes.as_slice(),
        [SubscribeReasonCode::Success(_)]
    ));
    let (feeder, mut feeder_events) =
        AsyncClient::new(mqtt_options("feeder", routing, &internal), 16);
    tokio::spawn(async move { while feeder_events.poll().await.is_ok() {} });
    tokio::time::sleep(Duration::from_millis(500)).await;
    feeder
        .publish("v1.1/Observations", QoS::AtLeastOnce, false, "{}")
        .await
        .expect("publish");
    let mut taken = false;
    for _ in 0..10 {
        if let Ok(Ok(Event::Incoming(Packet::Publish(_)))) =
            tokio::time::timeout(Duration::from_secs(5), sharer_events.poll()).await
        {
            taken = true;
            break;
        }
    }
    assert!(taken, "the shared subscriber got the message");
    sharer.disconnect().await.expect("disconnect");
    let _ = tokio::time::timeout(Duration::from_secs(2), sharer_events.poll()).await;
    // Replaced within a few probes.
    let mut replaced = false;
    for _ in 0..150 {
        if broker.health.restarts() >= 1 && broker.health.up() {
            replaced = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(replaced, "the supervisor replaced the broker");
    assert_ne!(broker.routing_addr(), routing);
    // A device signs in again, through the same address, and its reading
    // is stored (Baladiya's own client reconnected too).
    let (client, mut events) = connected(&broker, "meter-gateway/after", &device).await;
    tokio::spawn(async move { while events.poll().await.is_ok() {} });
    let mut stored = Value::Null;
    for attempt in 0..10 {
        client
            .publish(
                &topic,
                QoS::AtLeastOnce,
                false,
                json!({"result": 777.0 + f64::from(attempt)}).to_string(),
            )
            .await
            .expect("publish");
        stored = stored_observation(&app, stream, 777.0 + f64::from(attempt)).await;
        if !stored.is_null() {
            break;
        }
    }
    assert!(!stored.is_null(), "a reading is stored after the restart");
    app.stop().await;
}
