//! The SensorThings API against what an attacker sends (the second
//! reliability probe, `shared/reviews/reliability-probe-2.md`), on both
//! engines: filters and expansions nested past every stack, expansions
//! that grow with each level, private readings reached through another
//! path, entities made huge by a small JSON Patch, geometry filters that
//! cost a core each, paging at the ends of the numbers. Each answer is a
//! clear `400`/`413`, the server stays up, and nothing private leaks.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::sensors::{credential, device};
use crate::support::{Engine, TestApp, Tuning};

crate::on_both_engines!(
    filters_and_expansions_nested_past_the_limits_are_refused,
    an_answer_holds_a_bounded_number_of_entities,
    private_readings_stay_private_on_every_path,
    entities_stay_within_their_size,
    geometry_filters_and_scans_are_bounded,
    paging_at_the_ends_of_the_numbers,
    a_credential_writes_only_in_its_unit,
);

/// A server with the demo's buildings and stations and their week of
/// readings (2,011 observations).
pub(crate) async fn sensing(engine: Engine, tuning: Tuning) -> Option<TestApp> {
    let app = TestApp::spawn_tuned(engine, tuning).await?;
    app.app
        .import_boundaries(None, &crate::support::demo_boundaries())
        .await
        .expect("boundaries");
    app.app.load_demo_sensors().await.expect("demo sensors");
    Some(app)
}

/// The product's tuning with other SensorThings limits.
fn limited(sta: baladiya_web::StaLimits) -> Tuning {
    Tuning {
        sta,
        ..Tuning::default()
    }
}

async fn anonymous(app: &TestApp, path: &str, pairs: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = app
        .client
        .get(app.url(&format!("/sta/v1.1/{path}")))
        .query(pairs)
        .send()
        .await
        .expect("the server answers");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn healthy(app: &TestApp) {
    let response = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("the server is still up");
    assert_eq!(response.status(), StatusCode::OK);
}

fn message(body: &Value) -> &str {
    body["message"].as_str().unwrap_or_default()
}

/// STA-1: 2,500 nested parentheses, 5,000 minus signs and 1,000 nested
/// expansions overflowed a worker's stack and aborted the process. Each is
/// now a 400 that says what was too deep, and the server stays up; the
/// nesting just inside the limits is still read.
async fn filters_and_expansions_nested_past_the_limits_are_refused(engine: Engine) {
    let Some(app) = sensing(engine, Tuning::default()).await else {
        return;
    };
    let parens = |n: usize| format!("{}1{} eq 1", "(".repeat(n), ")".repeat(n));
    for hostile in [
        parens(2_500),
        format!("{}1 eq 1", "-".repeat(5_000)),
        format!("{}true", "not ".repeat(3_000)),
        // A left-leaning chain: no recursion to parse, but as deep a tree.
        vec!["id eq 1"; 2_000].join(" or "),
    ] {
        let (status, body) = anonymous(&app, "Things", &[("$filter", &hostile)]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{}", &hostile[..40]);
        assert!(
            message(&body).contains("at most"),
            "says which limit: {body}"
        );
        healthy(&app).await;
    }
    // Inside the limits: 60 parentheses, a chain of 30 alternatives.
    let (status, _) = anonymous(&app, "Things", &[("$filter", &parens(60))]).await;
    assert_eq!(status, StatusCode::OK);
    let chain = vec!["id eq 1"; 30].join(" or ");
    let (status, _) = anonymous(&app, "Things", &[("$filter", &chain)]).await;
    assert_eq!(status, StatusCode::OK);

    let nested = |n: usize| {
        let mut expand = String::new();
        for i in 0..n {
            expand.push_str(if i.is_multiple_of(2) {
                "Datastreams($expand="
            } else {
                "Thing($expand="
            });
        }
        expand.push_str(if n.is_multiple_of(2) {
            "Datastreams"
        } else {
            "Thing"
        });
        expand.push_str(&")".repeat(n));
        expand
    };
    for n in [1_000, 31, 6] {
        let (status, body) = anonymous(&app, "Things", &[("$expand", &nested(n))]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{n} levels");
        assert!(message(&body).contains("levels deep at most"), "{body}");
        healthy(&app).await;
    }
    let (status, body) = anonymous(&app, "Things", &[("$top", "1"), ("$expand", &nested(5))]).await;
    assert_eq!(status, StatusCode::OK, "six levels: {body}");
    let path_deep = "Datastreams/Thing/Datastreams/Thing/Datastreams/Thing/Datastreams";
    let (status, _) = anonymous(&app, "Things", &[("$expand", path_deep)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a path counts its levels");
    // The same navigation property twice at one level is refused, not
    // computed twice and overwritten.
    let twice = "Datastreams($top=1),Datastreams($top=2)";
    let (status, body) = anonymous(&app, "Things", &[("$expand", twice)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(message(&body).contains("twice"), "{body}");
    // The limits are in the service document.
    let (_, root) = anonymous(&app, "", &[]).await;
    let limits = &root["serverSettings"]["baladiyaLimits"];
    assert_eq!(limits["maxFilterDepth"], 64);
    assert_eq!(limits["maxExpandDepth"], 6);
    assert_eq!(limits["maxEntitiesPerAnswer"], 25_000);
    app.stop().await;
}

/// STA-2: Thing ⇄ Datastreams expansions doubled the answer every two
/// levels (a 619-byte URL took 1.6 GB). An answer now holds at most the
/// configured number of entities, expanded ones included.
async fn an_answer_holds_a_bounded_number_of_entities(engine: Engine) {
    let tuning = limited(baladiya_web::StaLimits {
        max_entities: 40,
        ..Default::default()
    });
    let Some(app) = sensing(engine, tuning).await else {
        return;
    };
    // 40 entities: exactly the limit.
    let (status, body) = anonymous(&app, "Observations", &[("$top", "40")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["value"].as_array().map(Vec::len), Some(40));
    // 41 is one too many, whether at the top or expanded.
    let (status, body) = anonymous(&app, "Observations", &[("$top", "41")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(message(&body).contains("more than 40 entities"), "{body}");
    let (status, _) = anonymous(
        &app,
        "Observations",
        &[("$top", "21"), ("$expand", "Datastream")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "21 + 21 expanded");
    let (status, _) = anonymous(
        &app,
        "Things",
        &[
            ("$top", "1"),
            ("$expand", "Datastreams($expand=Observations($top=1000))"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    healthy(&app).await;
    app.stop().await;
}

async fn send(
    app: &TestApp,
    (user, secret): &(String, String),
    method: reqwest::Method,
    path: &str,
    body: Value,
    content_type: &str,
) -> (StatusCode, Value) {
    let response = app
        .client
        .request(method, app.url(&format!("/sta/v1.1/{path}")))
        .basic_auth(user, Some(secret))
        .header("content-type", content_type)
        .body(body.to_string())
        .send()
        .await
        .expect("request");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn ids(body: &Value, key: &str) -> Vec<i64> {
    body[key]
        .as_array()
        .map(|v| v.iter().filter_map(|e| e["@iot.id"].as_i64()).collect())
        .unwrap_or_default()
}

/// STA-3: a private datastream's observations came back to anyone through
/// its FeatureOfInterest. Every path and expansion that reaches an
/// observation or a datastream now leaves private ones out, counts
/// included; a device credential still sees them all.
async fn private_readings_stay_private_on_every_path(engine: Engine) {
    let Some(app) = sensing(engine, Tuning::default()).await else {
        return;
    };
    let device = device(&app).await;
    // A datastream of the demo's that shares its FeatureOfInterest with
    // another datastream of the same building.
    let (_, streams) = anonymous(&app, "Datastreams", &[("$top", "1000")]).await;
    let mut chosen = None;
    for stream in ids(&streams, "value") {
        let (_, first) = anonymous(
            &app,
            &format!("Datastreams({stream})/Observations"),
            &[("$top", "1"), ("$expand", "FeatureOfInterest")],
        )
        .await;
        let Some(feature) = first["value"][0]["FeatureOfInterest"]["@iot.id"].as_i64() else {
            continue;
        };
        let (_, all) = anonymous(
            &app,
            &format!("FeaturesOfInterest({feature})/Observations"),
            &[("$top", "10000"), ("$expand", "Datastream($select=id)")],
        )
        .await;
        let others = all["value"]
            .as_array()
            .expect("observations")
            .iter()
            .any(|o| o["Datastream"]["@iot.id"].as_i64() != Some(stream));
        if others {
            chosen = Some((stream, feature));
            break;
        }
    }
    let (private, feature) = chosen.expect("the demo has a building with two meters");
    let (_, thing) = anonymous(&app, &format!("Datastreams({private})/Thing"), &[]).await;
    // Staff who manage its place make it private.
    let admin = match thing["properties"]["unit"].as_str() {
        Some(unit) if unit.starts_with("SA") => "sa.admin",
        _ => "eg.admin",
    };
    let made_private = app
        .client
        .patch(app.url(&format!("/sta/v1.1/Datastreams({private})")))
        .bearer_auth(app.token(admin).await)
        .json(&json!({"properties": {"private": true}}))
        .send()
        .await
        .expect("request");
    assert_eq!(made_private.status(), StatusCode::OK);
    // Anonymous: 404 for the stream itself.
    for path in [
        format!("Datastreams({private})"),
        format!("Datastreams({private})/Observations"),
    ] {
        let (status, _) = anonymous(&app, &path, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let thing = thing["@iot.id"].as_i64();
    let (_, one) = anonymous(
        &app,
        &format!("FeaturesOfInterest({feature})/Observations"),
        &[("$top", "1")],
    )
    .await;
    let public_observation = ids(&one, "value")[0];
    // Each path to observations, with its count and with the datastream
    // of each observation expanded.
    let mut paths: Vec<(String, Vec<(&str, String)>)> = vec![
        (
            format!("FeaturesOfInterest({feature})/Observations"),
            vec![],
        ),
        (
            format!("Observations({public_observation})/FeatureOfInterest/Observations"),
            vec![],
        ),
        ("Observations".into(), vec![]),
        (
            "Observations".into(),
            vec![("$filter", format!("FeatureOfInterest/id eq {feature}"))],
        ),
        (
            "Observations".into(),
            vec![("$filter", "result ge -1000000000".to_owned())],
        ),
    ];
    for (path, extra) in std::mem::take(&mut paths) {
        let mut pairs: Vec<(&str, String)> = vec![
            ("$top", "10000".into()),
            ("$count", "true".into()),
            ("$expand", "Datastream($select=id)".into()),
        ];
        pairs.extend(extra);
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, body) = anonymous(&app, &path, &pairs).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let values = body["value"].as_array().expect("value");
        assert!(!values.is_empty(), "{path}: public ones show");
        for o in values {
            assert_ne!(
                o["Datastream"]["@iot.id"].as_i64(),
                Some(private),
                "{path}: a private reading leaked"
            );
        }
        if body.get("@iot.nextLink").is_none() {
            assert_eq!(
                body["@iot.count"].as_u64(),
                Some(values.len() as u64),
                "{path}"
            );
        }
    }
    // Expansions to observations and datastreams.
    for (path, expand, pointer) in [
        (
            format!("FeaturesOfInterest({feature})"),
            "Observations($top=10000;$expand=Datastream($select=id))",
            "/Observations",
        ),
        (
            format!("Things({})", thing.expect("its Thing")),
            "Datastreams($expand=Observations($top=1))",
            "/Datastreams",
        ),
    ] {
        let (status, body) = anonymous(&app, &path, &[("$expand", expand)]).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let list = body
            .pointer(pointer)
            .and_then(Value::as_array)
            .expect("list");
        assert!(!list.is_empty());
        for item in list {
            let stream = item["Datastream"]["@iot.id"]
                .as_i64()
                .or(item["@iot.id"].as_i64());
            assert_ne!(stream, Some(private), "{path}?$expand={expand}");
        }
    }
    // A credential sees the private readings through the feature.
    let (status, body) = send(
        &app,
        &device,
        reqwest::Method::GET,
        &format!(
            "FeaturesOfInterest({feature})/Observations?$top=10000&$expand=Datastream($select=id)"
        ),
        Value::Null,
        "application/json",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body["value"]
            .as_array()
            .expect("value")
            .iter()
            .any(|o| o["Datastream"]["@iot.id"].as_i64() == Some(private))
    );
    app.stop().await;
}

/// STA-4: a 1.5 KB JSON Patch of twenty `copy` operations stored a 120 MB
/// Thing. Every write now keeps an entity within 64 KiB, checked after
/// each operation of a patch, and nothing is stored when it would not be.
async fn entities_stay_within_their_size(engine: Engine) {
    let Some(app) = sensing(engine, Tuning::default()).await else {
        return;
    };
    let device = device(&app).await;
    let (_, things) = anonymous(&app, "Things", &[("$top", "1")]).await;
    let thing = ids(&things, "value")[0];
    let (_, before) = anonymous(&app, &format!("Things({thing})"), &[]).await;
    let mut ops =
        vec![json!({"op": "add", "path": "/properties", "value": {"a": "x".repeat(100)}})];
    for i in 0..20 {
        ops.push(json!({"op": "copy", "from": "/properties", "path": format!("/properties/c{i}")}));
    }
    let (status, body) = send(
        &app,
        &device,
        reqwest::Method::PATCH,
        &format!("Things({thing})"),
        Value::Array(ops),
        "application/json-patch+json",
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(message(&body).contains("65536"), "{body}");
    let (_, after) = anonymous(&app, &format!("Things({thing})"), &[]).await;
    assert_eq!(after, before, "nothing was stored");
    // Too many operations, however small.
    let many: Vec<Value> = (0..101)
        .map(|_| json!({"op": "test", "path": "/name", "value": before["name"]}))
        .collect();
    let (status, _) = send(
        &app,
        &device,
        reqwest::Method::PATCH,
        &format!("Things({thing})"),
        Value::Array(many),
        "application/json-patch+json",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // A merge patch, a PUT and a create past the size, an observation
    // whose parameters are past it; and one just inside.
    let big = json!({"blob": "x".repeat(70_000)});
    let (status, _) = send(
        &app,
        &device,
        reqwest::Method::PATCH,
        &format!("Things({thing})"),
        json!({"properties": big}),
        "application/json",
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let (status, _) = send(
        &app,
        &device,
        reqwest::Method::POST,
        "Things",
        json!({"name": "big", "description": "big", "properties": big}),
        "application/json",
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let (_, streams) = anonymous(&app, "Datastreams", &[("$top", "1")]).await;
    let stream = ids(&streams, "value")[0];
    let (status, _) = send(
        &app,
        &device,
        reqwest::Method::POST,
        &format!("Datastreams({stream})/Observations"),
        json!({"result": 1, "parameters": big}),
        "application/json",
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let fits = json!({"blob": "x".repeat(60_000)});
    let (status, _) = send(
        &app,
        &device,
        reqwest::Method::POST,
        &format!("Datastreams({stream})/Observations"),
        json!({"result": 1, "parameters": fits}),
        "application/json",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    app.stop().await;
}

/// STA-5: two 43 KB geometry filters held both cores for 147 s. A
/// filter's geometries hold 1,000 vertices at most, a relation of two
/// literals is worked out once, and anonymous scans stop sooner.
async fn geometry_filters_and_scans_are_bounded(engine: Engine) {
    let tuning = limited(baladiya_web::StaLimits {
        scan_anonymous: 1_000,
        ..Default::default()
    });
    let Some(app) = sensing(engine, tuning).await else {
        return;
    };
    let polygon = |n: usize| {
        let mut points: Vec<String> = (0..n)
            .map(|i| {
                let a = i as f64 / n as f64 * std::f64::consts::TAU;
                format!("{:.5} {:.5}", 31.0 + a.cos(), 30.0 + a.sin())
            })
            .collect();
        points.push(points[0].clone());
        format!("geography'POLYGON(({}))'", points.join(", "))
    };
    let hostile = format!("st_within({}, {})", polygon(600), polygon(600));
    let (status, body) = anonymous(&app, "Observations", &[("$filter", &hostile)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(message(&body).contains("1000 vertices"), "{body}");
    // Two literals of 499 vertices each: within the limit, related once.
    let constant = format!("st_within({}, {})", polygon(498), polygon(498));
    let (status, body) = anonymous(
        &app,
        "Observations",
        &[("$filter", &constant), ("$top", "1")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["value"].as_array().map(Vec::len), Some(1));
    // A filter the database cannot apply, over more observations than an
    // anonymous scan reads: a 400 that says how to narrow it.
    let (status, body) = anonymous(
        &app,
        "Observations",
        &[("$filter", "length(name) eq -1"), ("$count", "true")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(message(&body).contains("more than 1000"), "{body}");
    healthy(&app).await;
    app.stop().await;
}

/// STA-7: `$skip` past 2^63 gave the first page on SQLite and a 500 on
/// PostgreSQL; `$top=0` linked to itself.
async fn paging_at_the_ends_of_the_numbers(engine: Engine) {
    let Some(app) = sensing(engine, Tuning::default()).await else {
        return;
    };
    for skip in ["9223372036854775808", "18446744073709551615", "-1"] {
        let (status, body) = anonymous(&app, "Observations", &[("$skip", skip)]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "$skip={skip}");
        assert!(message(&body).contains("$skip"), "{body}");
    }
    for path in ["Observations", "Things"] {
        let (status, body) = anonymous(
            &app,
            path,
            &[("$skip", "9223372036854775807"), ("$top", "5")],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert_eq!(body["value"].as_array().map(Vec::len), Some(0));
        assert!(body.get("@iot.nextLink").is_none());
        let (status, body) = anonymous(&app, path, &[("$top", "0"), ("$count", "true")]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["value"].as_array().map(Vec::len), Some(0));
        assert!(body["@iot.count"].as_u64() > Some(0));
        assert!(
            body.get("@iot.nextLink").is_none(),
            "{path}: no link to itself"
        );
    }
    app.stop().await;
}

/// The demo's Thing whose `properties.unit` starts with `prefix`, and its
/// first Datastream.
pub(crate) async fn place_of(app: &TestApp, prefix: &str) -> (i64, i64) {
    let (_, things) = anonymous(
        app,
        "Things",
        &[("$top", "100"), ("$expand", "Datastreams")],
    )
    .await;
    let thing = things["value"]
        .as_array()
        .expect("things")
        .iter()
        .find(|t| {
            t["properties"]["unit"]
                .as_str()
                .is_some_and(|u| u.starts_with(prefix))
        })
        .expect("a place there");
    (
        thing["@iot.id"].as_i64().expect("id"),
        thing["Datastreams"][0]["@iot.id"]
            .as_i64()
            .expect("a datastream"),
    )
}

/// STA-6: the Giza demo device deleted the Saudi municipality's building.
/// A credential now writes only to the places of its unit and below;
/// deleting, and making a datastream private or public, are for staff
/// who manage the place.
async fn a_credential_writes_only_in_its_unit(engine: Engine) {
    let Some(app) = sensing(engine, Tuning::default()).await else {
        return;
    };
    let giza = credential(&app, "giza-meters", Some("EG-GZ")).await;
    let (saudi_thing, saudi_stream) = place_of(&app, "SA").await;
    let (giza_thing, giza_stream) = place_of(&app, "EG-GZ-").await;
    let json_type = "application/json";
    use reqwest::Method;
    // Another country's place: nothing may be written to it.
    for (method, path, body) in [
        (
            Method::PATCH,
            format!("Things({saudi_thing})"),
            json!({"name": "taken"}),
        ),
        (
            Method::POST,
            format!("Datastreams({saudi_stream})/Observations"),
            json!({"result": 1}),
        ),
        (
            Method::POST,
            "Observations".to_owned(),
            json!({"result": 1, "Datastream": {"@iot.id": saudi_stream}}),
        ),
        (
            Method::POST,
            format!("Things({saudi_thing})/Locations"),
            json!({"name": "x", "description": "x", "encodingType": "application/geo+json", "location": {"type": "Point", "coordinates": [50.2, 26.3]}}),
        ),
        (
            Method::POST,
            "Things".to_owned(),
            json!({"name": "x", "description": "x", "properties": {"unit": "SA-04-KHB"}}),
        ),
        (
            Method::DELETE,
            format!("Things({saudi_thing})"),
            Value::Null,
        ),
    ] {
        let (status, body) = send(&app, &giza, method.clone(), &path, body, json_type).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {body}");
    }
    let (status, _) = send(
        &app,
        &giza,
        Method::POST,
        "CreateObservations",
        json!([{"Datastream": {"@iot.id": saudi_stream}, "components": ["result"], "dataArray": [[1]]}]),
        json_type,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, after) = anonymous(&app, &format!("Things({saudi_thing})"), &[]).await;
    assert_ne!(after["name"], "taken");
    // Its own places: readings, changes, a new place (of its unit when it
    // names none); but not moved elsewhere, not made private, not deleted.
    let (status, _) = send(
        &app,
        &giza,
        Method::POST,
        &format!("Datastreams({giza_stream})/Observations"),
        json!({"result": 1}),
        json_type,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = send(
        &app,
        &giza,
        Method::PATCH,
        &format!("Things({giza_thing})"),
        json!({"description": "renovated"}),
        json_type,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, created) = send(
        &app,
        &giza,
        Method::POST,
        "Things",
        json!({"name": "pump", "description": "new pump"}),
        json_type,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created["properties"]["unit"], "EG-GZ");
    for (path, body) in [
        (
            format!("Things({giza_thing})"),
            json!({"properties": {"unit": "SA-04-KHB"}}),
        ),
        (
            format!("Datastreams({giza_stream})"),
            json!({"properties": {"private": true}}),
        ),
    ] {
        let (status, _) = send(&app, &giza, Method::PATCH, &path, body, json_type).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    let (status, _) = send(
        &app,
        &giza,
        Method::DELETE,
        &format!("Things({giza_thing})"),
        Value::Null,
        json_type,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // It reads the private datastreams of its places only.
    let sa_admin = app.token("sa.admin").await;
    let made_private = app
        .client
        .patch(app.url(&format!("/sta/v1.1/Datastreams({saudi_stream})")))
        .bearer_auth(&sa_admin)
        .json(&json!({"properties": {"private": true}}))
        .send()
        .await
        .expect("request");
    assert_eq!(made_private.status(), StatusCode::OK);
    for path in [
        format!("Datastreams({saudi_stream})"),
        format!("Datastreams({saudi_stream})/Observations"),
    ] {
        let (status, _) = send(&app, &giza, Method::GET, &path, Value::Null, json_type).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (_, all) = send(
        &app,
        &giza,
        Method::GET,
        "Observations?$top=10000&$expand=Datastream($select=id)",
        Value::Null,
        json_type,
    )
    .await;
    assert!(
        all["value"]
            .as_array()
            .expect("value")
            .iter()
            .all(|o| o["Datastream"]["@iot.id"].as_i64() != Some(saudi_stream))
    );
    let everywhere = device(&app).await;
    let (status, _) = send(
        &app,
        &everywhere,
        Method::GET,
        &format!("Datastreams({saudi_stream})"),
        Value::Null,
        json_type,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a credential of every unit reads it"
    );
    // Staff delete where they manage, not elsewhere.
    let eg_admin = app.token("eg.admin").await;
    let delete = |thing: i64| {
        app.client
            .delete(app.url(&format!("/sta/v1.1/Things({thing})")))
            .bearer_auth(&eg_admin)
            .send()
    };
    assert_eq!(
        delete(saudi_thing).await.expect("request").status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        delete(giza_thing).await.expect("request").status(),
        StatusCode::OK
    );
    let (status, _) = anonymous(&app, &format!("Things({saudi_thing})"), &[]).await;
    assert_eq!(status, StatusCode::OK, "the Saudi place is still there");
    app.stop().await;
}
