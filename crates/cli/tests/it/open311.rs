//! Open311 GeoReport v2, as its clients use it: the service list and
//! service definitions in JSON and XML, and the error array.

use quick_xml::Reader;
use quick_xml::events::Event;
use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{Engine, TestApp};

/// Reads XML as a client would: every element's path and text, in order.
/// Fails on a document that is not well-formed.
pub fn xml_paths(text: &str) -> Vec<(String, String)> {
    let mut reader = Reader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    let mut found = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => path.push(String::from_utf8_lossy(e.name().as_ref()).into_owned()),
            Event::End(_) => {
                path.pop();
            }
            Event::Empty(e) => found.push((
                format!(
                    "{}/{}",
                    path.join("/"),
                    String::from_utf8_lossy(e.name().as_ref())
                ),
                String::new(),
            )),
            Event::Text(t) => found.push((path.join("/"), t.decode().expect("utf-8").into_owned())),
            Event::Eof => break,
            _ => {}
        }
    }
    found
}

async fn get(app: &TestApp, path: &str) -> (StatusCode, String, String) {
    let response = app.client.get(app.url(path)).send().await.expect("request");
    let status = response.status();
    let content_type = response.headers()["content-type"]
        .to_str()
        .expect("type")
        .to_owned();
    (status, content_type, response.text().await.expect("body"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open311_service_list_and_definitions_in_json_and_xml() {
    let app = TestApp::spawn(Engine::Sqlite)
        .await
        .expect("SQLite always runs");
    let (status, kind, body) =
        get(&app, "/open311/v2/services.json?jurisdiction_id=baladiya").await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("application/json"));
    let list: Value = serde_json::from_str(&body).expect("JSON");
    let services = list.as_array().expect("an array of services");
    assert_eq!(services.len(), 15);
    let lighting = services
        .iter()
        .find(|s| s["service_code"] == "street-lighting")
        .expect("street lighting");
    assert_eq!(
        lighting["service_name"], "إنارة الشوارع",
        "Arabic by default"
    );
    assert_eq!(lighting["metadata"], true);
    assert_eq!(lighting["type"], "realtime");
    assert_eq!(lighting["group"], "streets");
    assert!(
        lighting["keywords"]
            .as_str()
            .expect("keywords")
            .contains("إنارة")
    );
    let waste = services
        .iter()
        .find(|s| s["service_code"] == "waste")
        .expect("waste");
    assert_eq!(
        waste["metadata"], false,
        "no attributes, no definition needed"
    );

    let (status, kind, body) = get(&app, "/open311/v2/services.xml?lang=en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("text/xml"));
    assert!(body.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    let paths = xml_paths(&body);
    let codes: Vec<&str> = paths
        .iter()
        .filter(|(p, _)| p == "services/service/service_code")
        .map(|(_, t)| t.as_str())
        .collect();
    assert_eq!(codes.len(), 15);
    assert!(paths.contains(&(
        "services/service/service_name".into(),
        "Street lighting".into()
    )));

    let (status, _, body) = get(&app, "/open311/v2/services/street-lighting.json").await;
    assert_eq!(status, StatusCode::OK);
    let definition: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(definition["service_code"], "street-lighting");
    let attribute = &definition["attributes"][0];
    assert_eq!(
        (attribute["code"].as_str(), attribute["datatype"].as_str()),
        (Some("problem"), Some("singlevaluelist"))
    );
    assert_eq!(attribute["required"], true);
    assert_eq!(attribute["variable"], true);
    assert_eq!(attribute["order"], 1);
    assert_eq!(attribute["values"][0]["key"], "off");

    let (status, _, body) = get(&app, "/open311/v2/services/noise.xml?lang=en").await;
    assert_eq!(status, StatusCode::OK);
    let paths = xml_paths(&body);
    let datatypes: Vec<&str> = paths
        .iter()
        .filter(|(p, _)| p == "service_definition/attributes/attribute/datatype")
        .map(|(_, t)| t.as_str())
        .collect();
    assert_eq!(datatypes, ["datetime", "text"]);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open311_errors_are_the_specifications_error_array() {
    let app = TestApp::spawn(Engine::Sqlite)
        .await
        .expect("SQLite always runs");
    let (status, _, body) = get(&app, "/open311/v2/services/no-such-thing.json?lang=en").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let errors: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(errors[0]["code"], 404);
    assert!(
        errors[0]["description"]
            .as_str()
            .expect("text")
            .contains("service_code")
    );

    let (status, _, body) = get(&app, "/open311/v2/services.xml?jurisdiction_id=elsewhere").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let paths = xml_paths(&body);
    assert_eq!(paths[0], ("errors/error/code".into(), "404".into()));
    assert_eq!(paths[1].0, "errors/error/description");
    app.stop().await;
}

/// A real Open311 client from PyPI (`georeport`) reads and writes through
/// the endpoint in JSON and XML. Needs `pip install georeport`; `.ci/run`
/// installs it, and in CI its absence fails the test.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_open311_client_uses_the_endpoint() {
    if !crate::support::python_has("georeport", "georeport") {
        return;
    }
    let app = TestApp::spawn(Engine::Sqlite)
        .await
        .expect("SQLite always runs");
    app.app
        .import_boundaries(None, &crate::support::demo_boundaries())
        .await
        .expect("boundaries");
    let key = app.app.issue_api_key("georeport", 60).await.expect("key");
    crate::support::run_python("tests/open311-client/check.py", vec![app.url(""), key]).await;
    app.stop().await;
}
