//! The SensorThings API on both engines, driven over HTTP the way its
//! clients drive it: deep insert, links, query options together, paging
//! through `@iot.nextLink`, updates, deletes, the Data Array extension,
//! private datastreams and write credentials.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Engine, TestApp};

crate::on_both_engines!(
    a_building_with_its_meters_is_created_read_and_queried,
    observations_page_filter_and_arrive_in_bulk,
    updates_deletes_and_credentials,
    the_demo_has_buildings_stations_and_a_week_of_readings,
    observations_arrive_and_leave_over_mqtt,
    the_embedded_broker_needs_nothing_else,
    acknowledged_observations_survive_a_broker_restart,
    hourly_and_daily_figures_follow_every_write,
    an_alert_rule_opens_one_work_item_and_closes_it,
    sensor_pages_show_places_buildings_charts_and_alerts,
    the_simulator_feeds_every_datastream,
);

/// A device credential of every unit, and a client that sends it as HTTP
/// Basic.
pub(crate) async fn device(app: &TestApp) -> (String, String) {
    credential(app, "meter-gateway", None).await
}

/// A credential `name` writing to the places of `unit` (none: every
/// unit): its user name and secret.
pub(crate) async fn credential(app: &TestApp, name: &str, unit: Option<&str>) -> (String, String) {
    let secret = app
        .app
        .issue_sensor_credential(name, unit)
        .await
        .expect("credential");
    (name.to_owned(), secret)
}

async fn post(
    app: &TestApp,
    (user, secret): &(String, String),
    path: &str,
    body: Value,
) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/sta/v1.1/{path}")))
        .basic_auth(user, Some(secret))
        .json(&body)
        .send()
        .await
        .expect("request")
}

async fn get(app: &TestApp, path: &str) -> Value {
    let response = app
        .client
        .get(app.url(&format!("/sta/v1.1/{path}")))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.expect("JSON")
}

/// The town hall of Badrashin, its electricity meter and its water meter,
/// in one deep insert.
fn town_hall() -> Value {
    json!({
        "name": "مبنى مجلس مدينة البدرشين",
        "description": "Town hall, 2,400 m²",
        "properties": {"floorArea": 2400, "unit": "EG-GZ-BDR"},
        "Locations": [{
            "name": "Town hall",
            "description": "Main entrance",
            "encodingType": "application/geo+json",
            "location": {"type": "Point", "coordinates": [31.2766, 29.8712]}
        }],
        "Datastreams": [
            {
                "name": "Electricity",
                "description": "Main electricity meter",
                "observationType": "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement",
                "unitOfMeasurement": {"name": "kilowatt hour", "symbol": "kWh", "definition": "http://qudt.org/vocab/unit/KiloW-HR"},
                "Sensor": {"name": "Meter E-7", "description": "Smart electricity meter", "encodingType": "text/html", "metadata": "https://example.org/e7"},
                "ObservedProperty": {"name": "Energy", "definition": "http://qudt.org/vocab/quantitykind/Energy", "description": "Electrical energy used"},
                "Observations": [
                    {"phenomenonTime": "2026-03-01T00:00:00Z", "result": 118.5},
                    {"phenomenonTime": "2026-03-01T01:00:00Z", "result": 96.0}
                ]
            },
            {
                "name": "Water",
                "description": "Main water meter",
                "observationType": "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement",
                "unitOfMeasurement": {"name": "cubic metre", "symbol": "m³", "definition": "http://qudt.org/vocab/unit/M3"},
                "Sensor": {"name": "Meter W-3", "description": "Ultrasonic water meter", "encodingType": "text/html", "metadata": "https://example.org/w3"},
                "ObservedProperty": {"name": "Water volume", "definition": "http://qudt.org/vocab/quantitykind/Volume", "description": "Water used"}
            }
        ]
    })
}

async fn a_building_with_its_meters_is_created_read_and_queried(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let device = device(&app).await;
    let created = post(&app, &device, "Things", town_hall()).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let location = created
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("Location header")
        .to_owned();
    let thing: Value = created.json().await.expect("JSON");
    let id = thing["@iot.id"].as_i64().expect("id");
    assert_eq!(location, thing["@iot.selfLink"].as_str().expect("selfLink"));
    assert!(
        location.ends_with(&format!("/sta/v1.1/Things({id})")),
        "{location}"
    );
    assert_eq!(thing["name"], "مبنى مجلس مدينة البدرشين");
    assert!(
        thing["Datastreams@iot.navigationLink"]
            .as_str()
            .is_some_and(|l| l.ends_with(&format!("Things({id})/Datastreams")))
    );

    // Every entity the deep insert made, and a HistoricalLocation.
    for (collection, count) in [
        ("Things", 1),
        ("Locations", 1),
        ("HistoricalLocations", 1),
        ("Datastreams", 2),
        ("Sensors", 2),
        ("ObservedProperties", 2),
        ("Observations", 2),
        ("FeaturesOfInterest", 1),
    ] {
        let page = get(&app, &format!("{collection}?$count=true")).await;
        assert_eq!(page["@iot.count"], count, "{collection}");
        assert_eq!(page["value"].as_array().map(Vec::len), Some(count as usize));
    }
    // The FeatureOfInterest was made from the Thing's Location.
    let features = get(&app, "FeaturesOfInterest").await;
    assert_eq!(
        features["value"][0]["feature"],
        json!({"type": "Point", "coordinates": [31.2766, 29.8712]})
    );

    // Navigation, $expand nested with its own options, $select.
    let streams = get(
        &app,
        &format!(
            "Things({id})/Datastreams?$orderby=name desc&$select=name,unitOfMeasurement&$expand=Observations($orderby=phenomenonTime desc;$top=1;$select=result),Sensor($select=name)"
        ),
    )
    .await;
    let value = streams["value"].as_array().expect("value");
    assert_eq!(value.len(), 2);
    assert_eq!(value[0]["name"], "Water");
    assert!(value[0].get("description").is_none(), "not selected");
    assert_eq!(value[0]["Sensor"]["name"], "Meter W-3");
    assert_eq!(value[1]["name"], "Electricity");
    assert_eq!(value[1]["Observations"], json!([{"result": 96.0}]));
    assert_eq!(value[1]["unitOfMeasurement"]["symbol"], "kWh");

    // $filter through navigation properties and with functions.
    let found = get(
        &app,
        "Datastreams?$filter=Thing/properties/floorArea gt 2000 and startswith(unitOfMeasurement/symbol, 'm') and ObservedProperty/name eq 'Water volume'",
    )
    .await;
    assert_eq!(found["value"].as_array().map(Vec::len), Some(1));
    assert_eq!(found["value"][0]["name"], "Water");
    let near = get(
        &app,
        "Locations?$filter=st_within(location, geography'POLYGON((31.2 29.8, 31.3 29.8, 31.3 29.9, 31.2 29.9, 31.2 29.8))')",
    )
    .await;
    assert_eq!(near["value"].as_array().map(Vec::len), Some(1));
    let far = get(
        &app,
        "Locations?$filter=geo.distance(location, geography'POINT(31.2766 29.8712)') gt 1",
    )
    .await;
    assert_eq!(far["value"].as_array().map(Vec::len), Some(0));

    // A property, its raw value, and references.
    assert_eq!(
        get(&app, &format!("Things({id})/name")).await,
        json!({"name": "مبنى مجلس مدينة البدرشين"})
    );
    let raw = app
        .client
        .get(app.url(&format!("/sta/v1.1/Things({id})/name/$value")))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("text");
    assert_eq!(raw, "مبنى مجلس مدينة البدرشين");
    let refs = get(&app, &format!("Things({id})/Datastreams/$ref")).await;
    assert!(refs["value"][0]["@iot.selfLink"].is_string());
    assert!(refs["value"][0].get("name").is_none());

    // Bad queries: a clear 400, never a 500; unknown entities 404.
    for (path, status) in [
        ("Things?$filter=name eq", StatusCode::BAD_REQUEST),
        ("Things?$filter=frobnicate(name)", StatusCode::BAD_REQUEST),
        ("Things?$top=-3", StatusCode::BAD_REQUEST),
        ("Things?$expand=Nothing", StatusCode::BAD_REQUEST),
        (
            "Things?$filter=length(properties/floorArea) eq 1",
            StatusCode::BAD_REQUEST,
        ),
        ("Things(999999)", StatusCode::NOT_FOUND),
        ("Gadgets", StatusCode::NOT_FOUND),
        ("Things(1)/Sensors", StatusCode::NOT_FOUND),
    ] {
        let response = app
            .client
            .get(app.url(&format!("/sta/v1.1/{path}")))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), status, "{path}");
        let body: Value = response.json().await.expect("JSON error");
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{path}: {body}"
        );
    }
    app.stop().await;
}

async fn observations_page_filter_and_arrive_in_bulk(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let device = device(&app).await;
    let thing: Value = post(&app, &device, "Things", town_hall())
        .await
        .json()
        .await
        .expect("JSON");
    let id = thing["@iot.id"].as_i64().expect("id");
    let streams = get(
        &app,
        &format!("Things({id})/Datastreams?$filter=name eq 'Water'"),
    )
    .await;
    let water = streams["value"][0]["@iot.id"].as_i64().expect("water");

    // A day of hourly readings in one request, one row refused.
    let mut rows: Vec<Value> = (0..24)
        .map(|h| {
            json!([
                format!("2026-03-02T{h:02}:00:00Z"),
                1.0 + f64::from(h) / 10.0
            ])
        })
        .collect();
    rows.push(json!(["not a time", 3.0]));
    let response = post(
        &app,
        &device,
        "CreateObservations",
        json!([{
            "Datastream": {"@iot.id": water},
            "components": ["phenomenonTime", "result"],
            "dataArray": rows
        }]),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let links: Vec<Value> = response.json().await.expect("JSON");
    assert_eq!(links.len(), 25);
    assert_eq!(links[24], "error");
    assert!(
        links[..24]
            .iter()
            .all(|l| l.as_str().is_some_and(|l| l.contains("/Observations(")))
    );

    // Paging through @iot.nextLink returns every reading once, in order.
    let mut url = app.url(&format!(
        "/sta/v1.1/Datastreams({water})/Observations?$top=10&$orderby=phenomenonTime&$count=true"
    ));
    let mut seen = Vec::new();
    loop {
        let page: Value = app
            .client
            .get(&url)
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("JSON");
        assert_eq!(page["@iot.count"], 24);
        for o in page["value"].as_array().expect("value") {
            seen.push(o["result"].as_f64().expect("result"));
        }
        match page["@iot.nextLink"].as_str() {
            Some(next) => url = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 24);
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "in order, none twice");

    // Filters the database applies, and one it cannot (hour()).
    let evening = get(
        &app,
        &format!(
            "Datastreams({water})/Observations?$filter=phenomenonTime ge 2026-03-02T18:00:00Z and result lt 3.05&$count=true"
        ),
    )
    .await;
    assert_eq!(evening["@iot.count"], 3, "18:00, 19:00 and 20:00");
    let by_hour = get(
        &app,
        &format!("Datastreams({water})/Observations?$filter=hour(phenomenonTime) eq 5 or result gt 3.25&$count=true"),
    )
    .await;
    assert_eq!(by_hour["@iot.count"], 2, "05:00 and 23:00");
    let through_stream = get(
        &app,
        "Observations?$filter=Datastream/unitOfMeasurement/symbol eq 'kWh'&$count=true",
    )
    .await;
    assert_eq!(through_stream["@iot.count"], 2);

    // An observation posted to its datastream, its FeatureOfInterest made
    // from the Thing's Location.
    let one = post(
        &app,
        &device,
        &format!("Datastreams({water})/Observations"),
        json!({"phenomenonTime": "2026-03-03T00:00:00Z", "result": 4.5, "resultQuality": "checked"}),
    )
    .await;
    assert_eq!(one.status(), StatusCode::CREATED);
    let one: Value = one.json().await.expect("JSON");
    assert_eq!(one["resultQuality"], "checked");
    let feature = get(
        &app,
        &format!("Observations({})/FeatureOfInterest", one["@iot.id"]),
    )
    .await;
    assert_eq!(feature["encodingType"], "application/geo+json");
    assert_eq!(
        get(&app, "FeaturesOfInterest?$count=true").await["@iot.count"],
        1,
        "one feature for the place"
    );
    app.stop().await;
}

async fn updates_deletes_and_credentials(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let device = device(&app).await;
    // No credential, a wrong one: 401, nothing written.
    let anonymous = app
        .client
        .post(app.url("/sta/v1.1/Things"))
        .json(&town_hall())
        .send()
        .await
        .expect("request");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert!(anonymous.headers().contains_key("www-authenticate"));
    let wrong = post(
        &app,
        &(device.0.clone(), "wrong".into()),
        "Things",
        town_hall(),
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(get(&app, "Things?$count=true").await["@iot.count"], 0);
    // A bearer token works as well as Basic.
    let thing: Value = app
        .client
        .post(app.url("/sta/v1.1/Things"))
        .bearer_auth(&device.1)
        .json(&town_hall())
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON");
    let id = thing["@iot.id"].as_i64().expect("id");

    // A bad entity is refused whole: nothing of it is written.
    let mut broken = town_hall();
    broken["Datastreams"][1]["unitOfMeasurement"] = json!("m3");
    let refused = post(&app, &device, "Things", broken).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert_eq!(get(&app, "Things?$count=true").await["@iot.count"], 1);
    let missing = post(&app, &device, "Sensors", json!({"name": "x"})).await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);

    // PATCH as a merge patch, as a JSON Patch, and PUT.
    let patch = |body: Value, content_type: &'static str| {
        app.client
            .patch(app.url(&format!("/sta/v1.1/Things({id})")))
            .basic_auth(&device.0, Some(&device.1))
            .header("content-type", content_type)
            .body(body.to_string())
            .send()
    };
    let merged = patch(
        json!({"description": "Town hall, renovated", "properties": {"floorArea": 2600}}),
        "application/json",
    )
    .await
    .expect("request");
    assert_eq!(merged.status(), StatusCode::OK);
    let after = get(&app, &format!("Things({id})")).await;
    assert_eq!(after["description"], "Town hall, renovated");
    assert_eq!(after["properties"]["floorArea"], 2600);
    assert_eq!(
        after["properties"]["unit"], "EG-GZ-BDR",
        "merged, not replaced"
    );
    let patched = patch(
        json!([{"op": "replace", "path": "/name", "value": "Badrashin town hall"}, {"op": "remove", "path": "/properties/unit"}]),
        "application/json-patch+json",
    )
    .await
    .expect("request");
    assert_eq!(patched.status(), StatusCode::OK);
    let after = get(&app, &format!("Things({id})")).await;
    assert_eq!(after["name"], "Badrashin town hall");
    assert!(after["properties"].get("unit").is_none());
    let put = app
        .client
        .put(app.url(&format!("/sta/v1.1/Things({id})")))
        .basic_auth(&device.0, Some(&device.1))
        .json(&json!({"name": "Hall", "description": "Replaced"}))
        .send()
        .await
        .expect("request");
    assert_eq!(put.status(), StatusCode::OK);
    let after = get(&app, &format!("Things({id})")).await;
    assert_eq!(
        after["properties"],
        Value::Null,
        "PUT replaces every property"
    );

    // A private datastream shows only with a credential.
    let streams = get(
        &app,
        &format!("Things({id})/Datastreams?$filter=name eq 'Water'"),
    )
    .await;
    let water = streams["value"][0]["@iot.id"].as_i64().expect("water");
    // Only staff make a datastream private (a device may not).
    let make_private = |request: reqwest::RequestBuilder| {
        request
            .json(&json!({"properties": {"private": true}}))
            .send()
    };
    let datastream = app.url(&format!("/sta/v1.1/Datastreams({water})"));
    let by_device = make_private(
        app.client
            .patch(&datastream)
            .basic_auth(&device.0, Some(&device.1)),
    )
    .await
    .expect("request");
    assert_eq!(by_device.status(), StatusCode::FORBIDDEN);
    let admin = app.token("eg.admin").await;
    let private = make_private(app.client.patch(&datastream).bearer_auth(&admin))
        .await
        .expect("request");
    assert_eq!(private.status(), StatusCode::OK);
    assert_eq!(get(&app, "Datastreams?$count=true").await["@iot.count"], 1);
    let hidden = app
        .client
        .get(app.url(&format!("/sta/v1.1/Datastreams({water})")))
        .send()
        .await
        .expect("request");
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
    let shown = app
        .client
        .get(app.url("/sta/v1.1/Datastreams?$count=true"))
        .basic_auth(&device.0, Some(&device.1))
        .send()
        .await
        .expect("request")
        .json::<Value>()
        .await
        .expect("JSON");
    assert_eq!(shown["@iot.count"], 2);

    // Deleting the Thing takes its Datastreams and their Observations;
    // staff delete, a device may not.
    let thing = app.url(&format!("/sta/v1.1/Things({id})"));
    let by_device = app
        .client
        .delete(&thing)
        .basic_auth(&device.0, Some(&device.1))
        .send()
        .await
        .expect("request");
    assert_eq!(by_device.status(), StatusCode::FORBIDDEN);
    let deleted = app
        .client
        .delete(&thing)
        .bearer_auth(&admin)
        .send()
        .await
        .expect("request");
    assert_eq!(deleted.status(), StatusCode::OK);
    for collection in [
        "Things",
        "Datastreams",
        "Observations",
        "HistoricalLocations",
    ] {
        let page = app
            .client
            .get(app.url(&format!("/sta/v1.1/{collection}?$count=true")))
            .basic_auth(&device.0, Some(&device.1))
            .send()
            .await
            .expect("request")
            .json::<Value>()
            .await
            .expect("JSON");
        assert_eq!(page["@iot.count"], 0, "{collection}");
    }
    assert_eq!(
        get(&app, "Sensors?$count=true").await["@iot.count"],
        2,
        "sensors stay"
    );
    app.stop().await;
}

/// `serve --demo`'s sensors: written once, a week of hourly readings, and
/// the leak at the Badrashin town hall shows in its night flow.
async fn the_demo_has_buildings_stations_and_a_week_of_readings(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    app.app
        .import_boundaries(None, &crate::support::demo_boundaries())
        .await
        .expect("boundaries");
    let written = app.app.load_demo_sensors().await.expect("demo sensors");
    assert_eq!(
        written,
        12 * 24 * 7 - 5,
        "twelve datastreams, hourly for a week, one meter silent for five hours"
    );
    // The leak and the silent meter are alerts with work for engineering.
    let alerts = app.app.alert_views(true).await.expect("alerts");
    let mut kinds: Vec<(&str, &str)> = Vec::new();
    for a in &alerts {
        let report = app
            .app
            .report(a.alert.report_id.expect("a work item"))
            .await
            .expect("report");
        assert_eq!(report.department.as_str(), "engineering");
        kinds.push((
            a.alert.kind.as_str(),
            a.place
                .as_ref()
                .expect("place")
                .unit
                .as_deref()
                .unwrap_or(""),
        ));
    }
    kinds.sort();
    assert_eq!(
        kinds,
        [("night-flow", "EG-GZ-BDR"), ("silence", "EG-GZ-AWS")]
    );

    // Sensor-fed indicators: this month's mean PM2.5 of Badrashin is the
    // mean of its station's readings, counted here from the raw ones; the
    // buildings' energy per m² rolls up to the governorate.
    app.with_indicators();
    let month = baladiya_domain::indicators::Month::of(app.app.now().date_naive());
    app.app
        .recompute_indicators(month)
        .await
        .expect("recompute");
    let start = format!("{}T00:00:00Z", month.first_day());
    let pm25 = get(
        &app,
        &format!("Datastreams?$filter=name eq 'PM2.5'&$expand=Observations($filter=phenomenonTime ge {start};$top=1000)"),
    )
    .await;
    let readings: Vec<f64> = pm25["value"][0]["Observations"]
        .as_array()
        .expect("observations")
        .iter()
        .filter_map(|o| o["result"].as_f64())
        .collect();
    let mean = readings.iter().sum::<f64>() / readings.len() as f64;
    let value = |code: &str, unit: &str| {
        let app = &app;
        let (code, unit) = (code.to_owned(), unit.to_owned());
        async move {
            app.app
                .published_values(Some(&code), Some(&unit), Some(&month.to_string()))
                .await
                .expect("values")
                .into_iter()
                .find(|v| v.unit == unit)
                .and_then(|v| v.value)
        }
    };
    let computed = value("EN: EN: AQ: 1C", "EG-GZ-BDR")
        .await
        .expect("PM2.5 mean");
    assert!((computed - mean).abs() < 1e-6, "{computed} vs {mean}");
    let governorate = value("EN: E: E: 4A", "EG-GZ").await.expect("energy per m²");
    let khobar = value("EN: E: E: 4A", "SA-04-KHB")
        .await
        .expect("Khobar's building");
    assert!(governorate > 0.0 && khobar > 0.0);
    assert_eq!(app.app.load_demo_sensors().await.expect("again"), 0, "once");
    assert_eq!(get(&app, "Things?$count=true").await["@iot.count"], 6);
    let buildings = get(
        &app,
        "Things?$filter=properties/kind eq 'municipal-building'&$orderby=properties/floorArea desc&$select=name",
    )
    .await;
    assert_eq!(buildings["value"].as_array().map(Vec::len), Some(4));
    assert_eq!(
        buildings["value"][0]["name"],
        "مبنى ديوان عام محافظة الجيزة"
    );
    let water = get(
        &app,
        "Datastreams?$filter=Thing/properties/unit eq 'EG-GZ-BDR' and unitOfMeasurement/symbol eq 'm³'",
    )
    .await;
    let stream = water["value"][0]["@iot.id"].as_i64().expect("water meter");
    // Night flow (02:00–04:00 local, 00:00–02:00 UTC) before and during the leak.
    let night = |filter: &str| {
        let app = &app;
        let path = format!(
            "Datastreams({stream})/Observations?$filter=hour(phenomenonTime) lt 2 and {filter}&$top=1000"
        );
        async move {
            let page = get(app, &path).await;
            let values: Vec<f64> = page["value"]
                .as_array()
                .expect("value")
                .iter()
                .filter_map(|o| o["result"].as_f64())
                .collect();
            values.iter().sum::<f64>() / values.len().max(1) as f64
        }
    };
    let now = app.app.now();
    let two_days_ago =
        (now - chrono::Duration::hours(47)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let before = night(&format!("phenomenonTime lt {two_days_ago}")).await;
    let during = night(&format!("phenomenonTime gt {two_days_ago}")).await;
    assert!(
        before < 0.1 && during > 0.4,
        "night flow {before} → {during}"
    );
    app.stop().await;
}

/// A real SensorThings client from PyPI (`frost-sta-client`, Fraunhofer's)
/// creates, reads, queries, pages, updates and deletes through the API.
/// `.ci/run` installs it; in CI its absence fails the test.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_sensorthings_client_uses_the_api() {
    if !crate::support::python_has("frost_sta_client", "frost-sta-client") {
        return;
    }
    let app = TestApp::spawn(Engine::Sqlite)
        .await
        .expect("SQLite always runs");
    let (user, secret) = device(&app).await;
    let staff = app.token("eg.admin").await;
    crate::support::run_python(
        "tests/sta-client/check.py",
        vec![app.url(""), user, secret, "eg.admin".into(), staff],
    )
    .await;
    app.stop().await;
}

/// The MQTT extension against the machine's Mosquitto: a device publishes
/// an observation to its Datastream's topic and it is stored; an
/// observation posted over HTTP reaches a subscriber of that topic.
async fn observations_arrive_and_leave_over_mqtt(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let broker = std::env::var("BALADIYA_TEST_MQTT").unwrap_or_else(|_| "127.0.0.1:1883".into());
    let addr: std::net::SocketAddr = broker.parse().expect("HOST:PORT");
    if tokio::net::TcpStream::connect(addr).await.is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "an MQTT broker is needed in CI"
        );
        eprintln!("skipped: no MQTT broker at {broker}");
        return;
    }
    let unique = crate::support::uuid_like();
    let server = tokio::spawn(
        baladiya_web::sensor_mqtt(
            app.app.clone(),
            &format!("mqtt://{broker}"),
            format!("baladiya-test-{unique}"),
            Some(format!("test-{unique}")),
        )
        .expect("broker address"),
    );
    let device = device(&app).await;
    mqtt_round_trip(&app, addr, &device).await;
    server.abort();
    app.stop().await;
}

/// The same journey with no broker installed: `serve` runs its own, and
/// devices sign in to it with their SensorThings credential (a wrong one
/// is refused).
async fn the_embedded_broker_needs_nothing_else(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let any_port = "127.0.0.1:0".parse().expect("address");
    let broker = baladiya_web::embedded_broker(app.app.clone(), any_port, false)
        .await
        .expect("embedded broker");
    let server = tokio::spawn(
        baladiya_web::sensor_mqtt(
            app.app.clone(),
            &broker.client_url,
            "baladiya-embedded".into(),
            None,
        )
        .expect("broker address"),
    );
    let device = device(&app).await;
    let wrong = (device.0.clone(), "not-the-secret".to_owned());
    let mut options = mqtt_options("intruder", broker.addr, &wrong);
    options.set_clean_session(true);
    let (_client, mut events) = rumqttc::AsyncClient::new(options, 4);
    assert!(
        !matches!(
            events.poll().await,
            Ok(rumqttc::Event::Incoming(rumqttc::Packet::ConnAck(
                rumqttc::ConnAck {
                    code: rumqttc::ConnectReturnCode::Success,
                    ..
                }
            )))
        ),
        "a wrong credential is refused"
    );
    mqtt_round_trip(&app, broker.addr, &device).await;
    server.abort();
    app.stop().await;
}

pub(crate) fn mqtt_options(
    client_id: &str,
    broker: std::net::SocketAddr,
    (user, secret): &(String, String),
) -> rumqttc::MqttOptions {
    let mut options = rumqttc::MqttOptions::new(client_id, broker.ip().to_string(), broker.port());
    options
        .set_keep_alive(std::time::Duration::from_secs(10))
        .set_credentials(user, secret);
    options
}

/// Waits (up to 10 s) for an observation of `datastream` with `result`.
pub(crate) async fn stored_observation(app: &TestApp, datastream: i64, result: f64) -> Value {
    for _ in 0..100 {
        let page = get(
            app,
            &format!("Datastreams({datastream})/Observations?$filter=result eq {result}"),
        )
        .await;
        if page["value"].as_array().is_some_and(|v| !v.is_empty()) {
            return page["value"][0].clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Value::Null
}

/// A new building's water meter: its Datastream id.
async fn water_meter(app: &TestApp, device: &(String, String)) -> i64 {
    let thing: Value = post(app, device, "Things", town_hall())
        .await
        .json()
        .await
        .expect("JSON");
    let streams = get(
        app,
        &format!(
            "Things({})/Datastreams?$filter=name eq 'Water'",
            thing["@iot.id"]
        ),
    )
    .await;
    streams["value"][0]["@iot.id"].as_i64().expect("water")
}

/// A device publishes to its Datastream's topic and the observation is
/// stored; one posted over HTTP reaches a subscriber of the topic.
async fn mqtt_round_trip(app: &TestApp, broker: std::net::SocketAddr, device: &(String, String)) {
    let water = water_meter(app, device).await;
    let topic = format!("v1.1/Datastreams({water})/Observations");
    let unique = crate::support::uuid_like();
    let (client, mut events) = rumqttc::AsyncClient::new(
        mqtt_options(&format!("{}/{unique}", device.0), broker, device),
        16,
    );
    client
        .subscribe(topic.clone(), rumqttc::QoS::AtLeastOnce)
        .await
        .expect("subscribe");
    let (heard_tx, mut heard) = tokio::sync::mpsc::unbounded_channel::<Value>();
    let listener = tokio::spawn(async move {
        loop {
            match events.poll().await {
                Ok(rumqttc::Event::Incoming(rumqttc::Packet::Publish(p))) => {
                    if let Ok(body) = serde_json::from_slice::<Value>(&p.payload) {
                        let _ = heard_tx.send(body);
                    }
                }
                Ok(_) => {}
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(200)).await,
            }
        }
    });
    // Give both clients time to connect and subscribe.
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    client
        .publish(
            topic.clone(),
            rumqttc::QoS::AtLeastOnce,
            false,
            json!({"phenomenonTime": "2026-03-04T02:00:00Z", "result": 0.73}).to_string(),
        )
        .await
        .expect("publish");
    let stored = stored_observation(app, water, 0.73).await;
    assert_eq!(
        stored["phenomenonTime"], "2026-03-04T02:00:00.000Z",
        "stored from MQTT"
    );

    let posted = post(
        app,
        device,
        &format!("Datastreams({water})/Observations"),
        json!({"phenomenonTime": "2026-03-04T03:00:00Z", "result": 0.81}),
    )
    .await;
    assert_eq!(posted.status(), StatusCode::CREATED);
    let mut announced = None;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while let Ok(Some(message)) = tokio::time::timeout_at(deadline, heard.recv()).await {
        if message["result"] == json!(0.81) {
            announced = Some(message);
            break;
        }
    }
    let announced = announced.expect("the new observation is published to subscribers");
    assert!(announced["@iot.id"].is_i64());
    assert!(
        announced["@iot.selfLink"]
            .as_str()
            .is_some_and(|l| l.contains("/Observations("))
    );
    listener.abort();
}

/// A Mosquitto of the test's own, with persistence, on a free port.
struct OwnMosquitto {
    child: tokio::process::Child,
    addr: std::net::SocketAddr,
    dir: std::path::PathBuf,
}

impl OwnMosquitto {
    async fn start(dir: std::path::PathBuf, port: u16) -> Option<OwnMosquitto> {
        let binary = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())?;
        let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().ok()?;
        let config = dir.join("mosquitto.conf");
        std::fs::write(
            &config,
            format!(
                "listener {port} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location {0}/\nautosave_interval 1\nlog_dest file {0}/log\nlog_type all\n",
                dir.display()
            ),
        )
        .ok()?;
        let child = tokio::process::Command::new(binary)
            .arg("-c")
            .arg(&config)
            .kill_on_drop(true)
            .spawn()
            .ok()?;
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(addr).await.is_ok() {
                return Some(OwnMosquitto { child, addr, dir });
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        None
    }

    /// Stops it the way a service manager does (SIGTERM: it saves its
    /// sessions) and starts it again on the same port and files.
    async fn restart(mut self) -> OwnMosquitto {
        let pid = self.child.id().expect("running");
        let _ = std::process::Command::new("kill")
            .arg(pid.to_string())
            .status();
        let _ = self.child.wait().await;
        OwnMosquitto::start(self.dir.clone(), self.addr.port())
            .await
            .expect("mosquitto restarts")
    }
}

/// Acknowledged observations outlive a broker restart: they wait in
/// Baladiya's persistent session while it is away and while the broker
/// restarts, and are all stored once it is back.
async fn acknowledged_observations_survive_a_broker_restart(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("baladiya-mqtt-{}", crate::support::uuid_like()));
    std::fs::create_dir_all(&dir).expect("dir");
    // Mosquitto started as root writes as its own user.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).expect("dir mode");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let Some(broker) = OwnMosquitto::start(dir.clone(), port).await else {
        assert!(
            std::env::var_os("CI").is_none(),
            "mosquitto is needed in CI"
        );
        eprintln!("skipped: no mosquitto binary");
        return;
    };
    let url = format!("mqtt://{}", broker.addr);
    let serve = || {
        tokio::spawn(
            baladiya_web::sensor_mqtt(app.app.clone(), &url, "baladiya-1".into(), Some("g".into()))
                .expect("broker address"),
        )
    };
    let device = device(&app).await;
    let water = water_meter(&app, &device).await;
    let topic = format!("v1.1/Datastreams({water})/Observations");
    // Baladiya subscribes once, then goes away.
    let server = serve();
    let mut heard = app.app.sensor_events();
    let (probe, mut probe_events) =
        rumqttc::AsyncClient::new(mqtt_options("probe", broker.addr, &device), 4);
    let probe_loop = tokio::spawn(async move { while probe_events.poll().await.is_ok() {} });
    let first = json!({"phenomenonTime": "2026-03-05T00:00:00Z", "result": 1000.0}).to_string();
    let mut stored_first = false;
    for _ in 0..50 {
        probe
            .publish(&topic, rumqttc::QoS::AtLeastOnce, false, first.clone())
            .await
            .expect("publish");
        if tokio::time::timeout(std::time::Duration::from_millis(200), heard.recv())
            .await
            .is_ok()
        {
            stored_first = true;
            break;
        }
    }
    assert!(stored_first, "Baladiya's subscription is in place");
    server.abort();
    probe_loop.abort();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    // A device publishes 50 readings at QoS 1; each is acknowledged by
    // the broker while Baladiya is away.
    let mut options = mqtt_options("meter-1", broker.addr, &device);
    options.set_inflight(10);
    let (meter, mut meter_events) = rumqttc::AsyncClient::new(options, 64);
    for i in 0..50 {
        let body =
            json!({"phenomenonTime": format!("2026-03-06T00:{i:02}:00Z"), "result": 2000 + i});
        meter
            .publish(&topic, rumqttc::QoS::AtLeastOnce, false, body.to_string())
            .await
            .expect("publish");
    }
    let mut acknowledged = 0;
    while acknowledged < 50 {
        match tokio::time::timeout(std::time::Duration::from_secs(10), meter_events.poll()).await {
            Ok(Ok(rumqttc::Event::Incoming(rumqttc::Packet::PubAck(_)))) => acknowledged += 1,
            Ok(Ok(_)) => {}
            other => panic!("the broker did not acknowledge: {other:?}"),
        }
    }
    let _ = meter.disconnect().await;
    let _ = tokio::time::timeout(std::time::Duration::from_secs(1), meter_events.poll()).await;

    let broker = broker.restart().await;
    let server = serve();
    let mut count = 0;
    for _ in 0..100 {
        let page = get(
            &app,
            &format!("Datastreams({water})/Observations?$filter=result ge 2000&$count=true&$top=1"),
        )
        .await;
        count = page["@iot.count"].as_i64().unwrap_or(0);
        if count == 50 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(count, 50, "every acknowledged observation is stored once");
    server.abort();
    drop(broker);
    let _ = std::fs::remove_dir_all(&dir);
    app.stop().await;
}

async fn api(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let response = app
        .client
        .get(app.url(&format!("/api/v1/{path}")))
        .send()
        .await
        .expect("request");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Hourly and daily figures follow every write — created, in bulk,
/// changed, deleted — and stay when retention removes raw observations.
async fn hourly_and_daily_figures_follow_every_write(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let device = device(&app).await;
    let water = water_meter(&app, &device).await;
    // 10:00–10:59 and 11:00 UTC on 2026-03-04 (12:00–13:00 in Egypt), and
    // 23:30 UTC, which is already 5 March in Egypt.
    let readings = [
        ("2026-03-04T10:05:00Z", 2.0),
        ("2026-03-04T10:35:00Z", 5.0),
        ("2026-03-04T10:50:00Z", 3.0),
        ("2026-03-04T11:10:00Z", 7.0),
        ("2026-03-04T23:30:00Z", 1.5),
    ];
    let mut ids = Vec::new();
    for (time, result) in &readings[..2] {
        let created = post(
            &app,
            &device,
            &format!("Datastreams({water})/Observations"),
            json!({"phenomenonTime": time, "result": result}),
        )
        .await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let location = created.headers()["location"].to_str().expect("location");
        ids.push(
            location
                .rsplit_once('(')
                .expect("id")
                .1
                .trim_end_matches(')')
                .to_owned(),
        );
    }
    let bulk = json!([{
        "Datastream": {"@iot.id": water},
        "components": ["phenomenonTime", "result"],
        "dataArray": readings[2..].iter().map(|(t, r)| json!([t, r])).collect::<Vec<_>>(),
    }]);
    let response = post(&app, &device, "CreateObservations", bulk).await;
    assert_eq!(response.status(), StatusCode::CREATED);

    // Read back as the Data Array extension returns them.
    let arrays = get(
        &app,
        &format!(
            "Datastreams({water})/Observations?$resultFormat=dataArray&$select=phenomenonTime,result&$orderby=phenomenonTime"
        ),
    )
    .await;
    let group = &arrays["value"][0];
    assert!(
        group["Datastream@iot.navigationLink"]
            .as_str()
            .is_some_and(|l| l.ends_with(&format!("/Datastreams({water})")))
    );
    assert_eq!(group["components"], json!(["phenomenonTime", "result"]));
    assert_eq!(group["dataArray@iot.count"], 5);
    assert_eq!(
        group["dataArray"][4],
        json!(["2026-03-04T23:30:00.000Z", 1.5])
    );
    let refused = app
        .client
        .get(app.url("/sta/v1.1/Observations?$resultFormat=csv"))
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);

    let series = |q: &str| format!("sensors/datastreams/{water}/series?{q}");
    let (status, hours) = api(
        &app,
        &series("from=2026-03-04T00:00:00Z&to=2026-03-05T00:00:00Z"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{hours}");
    let hours = hours["values"].as_array().expect("values").clone();
    assert_eq!(hours.len(), 3, "{hours:?}");
    assert_eq!(hours[0]["start"], "2026-03-04T10:00:00+00:00");
    assert_eq!(
        (
            &hours[0]["count"],
            &hours[0]["sum"],
            &hours[0]["min"],
            &hours[0]["max"],
            &hours[0]["last"]
        ),
        (
            &json!(3),
            &json!(10.0),
            &json!(2.0),
            &json!(5.0),
            &json!(3.0)
        )
    );
    // Days are the place's local days (Egypt, UTC+2).
    let (_, days) = api(
        &app,
        &series("step=day&from=2026-03-01T00:00:00Z&to=2026-03-10T00:00:00Z"),
    )
    .await;
    assert_eq!(days["utcOffsetHours"], 2);
    let days = days["values"].as_array().expect("values").clone();
    assert_eq!(days.len(), 2);
    assert_eq!(days[0]["start"], "2026-03-03T22:00:00+00:00");
    assert_eq!(
        (&days[0]["count"], &days[0]["sum"]),
        (&json!(4), &json!(17.0))
    );
    assert_eq!(days[1]["sum"], json!(1.5));

    // A corrected reading and a deleted one are recounted.
    let patched = app
        .client
        .patch(app.url(&format!("/sta/v1.1/Observations({})", ids[1])))
        .basic_auth(&device.0, Some(&device.1))
        .json(&json!({"result": 9.0}))
        .send()
        .await
        .expect("patch");
    assert!(patched.status().is_success(), "{}", patched.status());
    let deleted = app
        .client
        .delete(app.url(&format!("/sta/v1.1/Observations({})", ids[0])))
        .bearer_auth(app.token("eg.admin").await)
        .send()
        .await
        .expect("delete");
    assert!(deleted.status().is_success());
    let (_, hours) = api(
        &app,
        &series("from=2026-03-04T10:00:00Z&to=2026-03-04T11:00:00Z"),
    )
    .await;
    assert_eq!(
        (
            &hours["values"][0]["count"],
            &hours["values"][0]["sum"],
            &hours["values"][0]["max"]
        ),
        (&json!(2), &json!(12.0), &json!(9.0))
    );

    // The latest reading of each datastream, on the places list.
    let (_, places) = api(&app, "sensors/places").await;
    let latest = places
        .as_array()
        .expect("places")
        .iter()
        .flat_map(|p| p["datastreams"].as_array().cloned().unwrap_or_default())
        .find(|s| s["id"] == json!(water))
        .expect("the water meter")["latest"]
        .clone();
    assert_eq!(latest["value"], json!(1.5));

    // Retention: raw observations before a day go, their figures stay.
    let mut purging = app.app.clone();
    purging.settings.sensor_retention.raw_days = Some(1);
    let (observations, hours_gone) = purging.purge_sensor_data().await.expect("purge");
    assert!(observations >= 4, "{observations}");
    assert_eq!(hours_gone, 0);
    let raw = get(
        &app,
        &format!("Datastreams({water})/Observations?$count=true&$top=0"),
    )
    .await;
    assert_eq!(raw["@iot.count"], 0);
    let (_, days) = api(
        &app,
        &series("step=day&from=2026-03-01T00:00:00Z&to=2026-03-10T00:00:00Z"),
    )
    .await;
    assert_eq!(
        days["values"][0]["sum"],
        json!(19.0),
        "downsampled, not lost"
    );

    // Bad ranges: every wrong field at once.
    let (status, error) = api(&app, &series("step=week&from=yesterday")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = error["fields"]
        .as_array()
        .map(|e| e.iter().filter_map(|f| f["field"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(fields, ["step", "from"], "{error}");
    app.stop().await;
}

/// An administrator's principal, as the staff pages have it.
async fn admin(app: &TestApp) -> baladiya_app::Principal {
    let token = app.token("eg.admin").await;
    app.app
        .authenticate(&token, baladiya_store::SessionKind::Bearer)
        .await
        .expect("principal")
}

/// Waits (up to 10 s) until `check` holds of the alert history.
async fn alerts_until(
    app: &TestApp,
    check: impl Fn(&[baladiya_app::alerts::AlertView]) -> bool,
) -> Vec<baladiya_app::alerts::AlertView> {
    let mut alerts = Vec::new();
    for _ in 0..100 {
        alerts = app.app.alert_views(false).await.expect("alerts");
        if check(&alerts) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    alerts
}

/// A rule on a building's water meter opens exactly one work item in the
/// department and unit that own the place while its readings stay high
/// (even when two evaluators judge at once), and closes it when they come
/// back.
async fn an_alert_rule_opens_one_work_item_and_closes_it(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    app.app
        .import_boundaries(None, &crate::support::demo_boundaries())
        .await
        .expect("boundaries");
    let watcher = tokio::spawn(app.app.clone().watch_sensor_rules());
    let device = device(&app).await;
    let water = water_meter(&app, &device).await;
    let admin = admin(&app).await;
    let bad = app
        .app
        .create_rule(
            &admin,
            &baladiya_app::alerts::RuleInput {
                datastream: "0".into(),
                kind: "above".into(),
                category: "nothing".into(),
                ..Default::default()
            },
        )
        .await;
    let Err(baladiya_app::AppError::Invalid(fields)) = bad else {
        panic!("a bad rule is refused: {bad:?}");
    };
    let fields: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["datastream", "threshold", "category"]);
    app.app
        .create_rule(
            &admin,
            &baladiya_app::alerts::RuleInput {
                datastream: water.to_string(),
                kind: "above".into(),
                threshold: "5".into(),
                category: "water-leak".into(),
                notify: "engineer@badrashin.gov.eg".into(),
                ..Default::default()
            },
        )
        .await
        .expect("rule");
    let path = format!("Datastreams({water})/Observations");
    let send = |value: f64, minute: u32| {
        post(
            &app,
            &device,
            &path,
            json!({"phenomenonTime": format!("2026-03-04T10:{minute:02}:00Z"), "result": value}),
        )
    };
    assert_eq!(send(3.0, 0).await.status(), StatusCode::CREATED);
    assert_eq!(send(8.5, 1).await.status(), StatusCode::CREATED);
    let alerts = alerts_until(&app, |a| a.iter().any(|a| a.alert.report_id.is_some())).await;
    assert_eq!(alerts.len(), 1, "one alert");
    let alert = &alerts[0].alert;
    assert_eq!(alert.opening_value, Some(8.5));
    let report = app
        .app
        .report(alert.report_id.expect("a work item"))
        .await
        .expect("report");
    assert_eq!(report.category_code, "water-leak");
    assert_eq!(report.department.as_str(), "engineering");
    assert_eq!(report.channel, "sensor");
    let badrashin = app
        .app
        .store
        .unit_by_code(&baladiya_domain::org::UnitCode::parse("EG-GZ-BDR").expect("code"))
        .await
        .expect("unit")
        .expect("Badrashin");
    assert_eq!(report.unit_id, badrashin.id, "routed to the place's unit");
    assert!(report.description.contains("8.5"), "{}", report.description);

    // Still high, and judged by two at once: still one alert, one report.
    assert_eq!(send(9.0, 2).await.status(), StatusCode::CREATED);
    let (a, b) = tokio::join!(
        app.app.evaluate_rules(Some(water)),
        app.app.evaluate_rules(Some(water))
    );
    assert_eq!(a.expect("judged") + b.expect("judged"), 0);
    let alerts = alerts_until(&app, |_| true).await;
    assert_eq!(alerts.len(), 1, "not duplicated while active");

    // Back to normal: the alert closes, the untouched work item resolves.
    assert_eq!(send(1.2, 3).await.status(), StatusCode::CREATED);
    let alerts = alerts_until(&app, |a| a.iter().all(|a| a.alert.closed_at.is_some())).await;
    assert_eq!(alerts[0].alert.closing_value, Some(1.2));
    let mut status = String::new();
    for _ in 0..100 {
        status = app
            .app
            .report(report.id)
            .await
            .expect("report")
            .status
            .as_str()
            .to_owned();
        if status == "resolved" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, "resolved");

    // High again: a second alert, a second work item; the history keeps both.
    assert_eq!(send(12.0, 4).await.status(), StatusCode::CREATED);
    let alerts = alerts_until(&app, |a| a.len() == 2 && a[0].alert.report_id.is_some()).await;
    assert_eq!(alerts.len(), 2);
    assert!(alerts[0].alert.closed_at.is_none());
    assert_ne!(alerts[0].alert.report_id, alerts[1].alert.report_id);
    watcher.abort();
    app.stop().await;
}

async fn page(client: &reqwest::Client, app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = client.get(app.url(path)).send().await.expect("request");
    let status = response.status();
    (status, response.text().await.expect("html"))
}

/// The pages read without JavaScript: the map of places with their latest
/// readings, a building's energy, water and leak, a datastream's chart
/// and table, the alerts; an administrator adds a rule on the staff page
/// (every wrong field at once first), issues and revokes a credential.
async fn sensor_pages_show_places_buildings_charts_and_alerts(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    app.app
        .import_boundaries(None, &crate::support::demo_boundaries())
        .await
        .expect("boundaries");
    app.app.load_demo_sensors().await.expect("demo sensors");
    let places = app.app.sensor_places(false).await.expect("places");
    let town_hall = places
        .iter()
        .find(|p| p.unit.as_deref() == Some("EG-GZ-BDR") && p.floor_area.is_some())
        .expect("the town hall");
    let anonymous = app.new_client();

    let (status, html) = page(&anonymous, &app, "/sensors").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<svg class=\"pin-map\""), "a map");
    assert!(html.contains(&format!("/sensors/places/{}", town_hall.thing)));
    assert!(html.contains("مبنى مجلس مدينة البدرشين"));
    assert!(
        html.contains("#b42318"),
        "a place with an active alert is red"
    );

    let (status, html) = page(
        &anonymous,
        &app,
        &format!("/sensors/places/{}", town_hall.thing),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("2,400 m²"), "floor area");
    assert!(
        html.contains("kWh/m²") && html.contains("m³/m²"),
        "per square metre"
    );
    assert!(html.contains("تسرب محتمل"), "the leak is judged");
    assert!(
        html.contains("/reports/"),
        "its alert links to its work item"
    );

    let water = &town_hall
        .streams
        .iter()
        .find(|s| s.symbol == "m³")
        .expect("water meter");
    for range in ["day", "week", "month", "year"] {
        let (status, html) = page(
            &anonymous,
            &app,
            &format!("/sensors/datastreams/{}?range={range}", water.id),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{range}");
        assert!(
            html.contains("<svg class=\"line-chart\""),
            "{range}: a chart"
        );
    }
    let (status, _) = page(&anonymous, &app, "/sensors/datastreams/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, html) = page(&anonymous, &app, "/sensors/alerts").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("تدفق ليلي") && html.contains("لا قراءات"));

    // Staff: not for a clerk; an administrator adds a rule.
    let clerk = crate::applications::staff_client(&app, "eg.clerk").await;
    let (status, _) = page(&clerk, &app, "/staff/sensors").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let admin = crate::applications::staff_client(&app, "eg.admin").await;
    let (status, html) = page(&admin, &app, "/staff/sensors").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = crate::support::csrf_of(&html);
    let wrong = admin
        .post(app.url("/staff/sensors/rules"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("datastream", &water.id.to_string()),
            ("kind", "above"),
            ("threshold", "a lot"),
            ("category", "no-such-category"),
        ])
        .send()
        .await
        .expect("request");
    let html = wrong.text().await.expect("html");
    assert!(
        html.contains("threshold:") && html.contains("category:"),
        "both fields named"
    );
    let saved = admin
        .post(app.url("/staff/sensors/rules"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("datastream", &water.id.to_string()),
            ("kind", "above"),
            ("threshold", "0.3"),
            ("category", "water-leak"),
            ("notify", "engineer@badrashin.gov.eg"),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let rules = app.app.rule_views().await.expect("rules");
    assert!(
        rules
            .iter()
            .any(|r| r.rule.kind == "above" && r.rule.threshold == Some(0.3))
    );

    let issued = admin
        .post(app.url("/staff/sensors/credentials"))
        .form(&[("csrf", csrf.as_str()), ("username", "air-station-2")])
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("html");
    let secret = issued
        .split("air-station-2:")
        .nth(1)
        .and_then(|rest| rest.get(..64))
        .expect("the secret is shown once");
    app.app
        .sensor_writer(Some("air-station-2"), secret)
        .await
        .expect("the credential works");
    let revoked = admin
        .post(app.url("/staff/sensors/credentials"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "air-station-2"),
            ("revoke", "true"),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    assert!(
        app.app
            .sensor_writer(Some("air-station-2"), secret)
            .await
            .is_err()
    );
    // Places: every wrong field at once, then a station with two
    // measurements; one made private leaves the public list; deleted.
    let wrong = admin
        .post(app.url("/staff/sensors/places"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("unit", "EG-GZ-BDR"),
            ("lat", "200"),
        ])
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("html");
    for field in ["name:", "measures:"] {
        assert!(wrong.contains(field), "{field} named");
    }
    assert!(
        wrong.contains("lat:") || wrong.contains("long:"),
        "the location named"
    );
    let added = admin
        .post(app.url("/staff/sensors/places"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "محطة رصد — ميت رهينة"),
            ("unit", "EG-GZ-BDR"),
            ("lat", "29.85"),
            ("long", "31.25"),
            ("pm25", "on"),
            ("noise", "on"),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let station = |places: &Value| {
        places
            .as_array()
            .expect("places")
            .iter()
            .find(|p| p["name"] == "محطة رصد — ميت رهينة")
            .cloned()
    };
    let (_, places) = api(&app, "sensors/places").await;
    let new = station(&places).expect("the new station");
    assert_eq!(new["datastreams"].as_array().map(Vec::len), Some(2));
    let noise = new["datastreams"][1]["id"].as_i64().expect("id");
    let hidden = admin
        .post(app.url(&format!("/staff/sensors/datastreams/{noise}")))
        .form(&[("csrf", csrf.as_str()), ("private", "true")])
        .send()
        .await
        .expect("request");
    assert_eq!(hidden.status(), StatusCode::SEE_OTHER);
    let (_, places) = api(&app, "sensors/places").await;
    assert_eq!(
        station(&places).expect("still there")["datastreams"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "a private datastream is not public"
    );
    let deleted = admin
        .post(app.url(&format!("/staff/sensors/places/{}/delete", new["thing"])))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("request");
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    let (_, places) = api(&app, "sensors/places").await;
    assert!(station(&places).is_none(), "deleted");
    app.stop().await;
}

/// `baladiya sensors simulate` feeds every public datastream of a running
/// server over HTTP and over the embedded broker; the meter of the
/// scenario stops after five rounds.
async fn the_simulator_feeds_every_datastream(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    app.app.load_demo_sensors().await.expect("demo sensors");
    let secret = app
        .app
        .issue_sensor_credential("simulator", None)
        .await
        .expect("credential");
    let count = || async {
        get(&app, "Observations?$count=true&$top=0").await["@iot.count"]
            .as_i64()
            .expect("count")
    };
    let before = count().await;
    let simulate = |extra: Vec<String>| {
        let mut args = vec![
            "sensors".to_owned(),
            "simulate".to_owned(),
            "--url".to_owned(),
            app.url(""),
            "--credential".to_owned(),
            format!("simulator:{secret}"),
            "--every".to_owned(),
            "0.05".to_owned(),
            "--rounds".to_owned(),
            "7".to_owned(),
        ];
        args.extend(extra);
        tokio::process::Command::new(env!("CARGO_BIN_EXE_baladiya"))
            .args(args)
            .output()
    };
    let output = simulate(Vec::new()).await.expect("runs");
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Twelve datastreams for seven rounds, but one stops after five.
    assert!(said.contains("Published 82 observations."), "{said}");
    assert_eq!(count().await - before, 82);

    let broker = baladiya_web::embedded_broker(
        app.app.clone(),
        "127.0.0.1:0".parse().expect("address"),
        false,
    )
    .await
    .expect("broker");
    let server = tokio::spawn(
        baladiya_web::sensor_mqtt(
            app.app.clone(),
            &broker.client_url,
            "baladiya-sim".into(),
            None,
        )
        .expect("broker address"),
    );
    let output = simulate(vec!["--mqtt".into(), format!("mqtt://{}", broker.addr)])
        .await
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut stored = 0;
    for _ in 0..100 {
        stored = count().await - before;
        if stored == 164 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(stored, 164, "every published observation is stored");
    server.abort();
    app.stop().await;
}
