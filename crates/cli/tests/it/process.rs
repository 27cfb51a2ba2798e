//! Procedure analytics: the applications' history as an event log that a
//! real process-mining tool (pm4py, from PyPI) reads unmodified.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use reqwest::multipart::Form;
use serde_json::json;

use crate::applications::{PDF, act, egyptian_id, renewal_form, submitted};
use crate::support::{Engine, TestApp};

crate::on_both_engines!(pm4py_reads_the_applications_event_log);

async fn pm4py_reads_the_applications_event_log(engine: Engine) {
    if !crate::support::python_has("pm4py", "pm4py") {
        return;
    }
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let clerk = app.token("eg.clerk").await;
    let licensing = app.token("eg.licensing").await;
    // Accepted and approved.
    let straight = submitted(&app, renewal_form()).await;
    act(&app, &clerk, &straight, json!({"action": "accept"})).await;
    act(&app, &licensing, &straight, json!({"action": "approve"})).await;
    // Returned, completed, accepted.
    let returned = submitted(&app, renewal_form()).await;
    act(
        &app,
        &clerk,
        &returned,
        json!({"action": "return_for_completion", "comment": "صورة غير واضحة"}),
    )
    .await;
    let resubmit = app
        .client
        .post(app.url(&format!("/api/v1/applications/{returned}/resubmit")))
        .multipart(Form::new().text("proof", egyptian_id()).part(
            "document.current-license",
            reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("license.pdf"),
        ))
        .send()
        .await
        .expect("request");
    assert_eq!(resubmit.status(), StatusCode::OK);
    act(&app, &clerk, &returned, json!({"action": "accept"})).await;
    // Rejected at the counter.
    let rejected = submitted(&app, renewal_form()).await;
    act(
        &app,
        &clerk,
        &rejected,
        json!({"action": "reject", "comment": "ليست من اختصاص الوحدة"}),
    )
    .await;

    // Only those who oversee a unit read its log.
    let refused = app
        .client
        .get(app.url("/api/v1/process/applications.xes"))
        .bearer_auth(&clerk)
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let head = app.token("eg.head").await;
    for query in ["to=", "from=2026-13-01", "unit=XX-NOWHERE"] {
        let wrong = app
            .client
            .get(app.url(&format!("/api/v1/process/applications.xes?{query}")))
            .bearer_auth(&head)
            .send()
            .await
            .expect("request");
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY, "{query}");
    }
    let response = app
        .client
        .get(app.url("/api/v1/process/applications.xes?service=EG-SHOP-LICENSE-RENEWAL"))
        .bearer_auth(&head)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::OK);
    let xes = response.text().await.expect("xml");
    assert!(xes.contains("xes.version=\"1849-2016\"") && xes.contains("prefix=\"lifecycle\""));
    assert!(!xes.contains("أ. محمود علي"), "no staff member's name");

    // What Baladiya wrote, to compare with what pm4py reads.
    let filter = app
        .app
        .log_filter(None, &baladiya_app::process::LogQuery::default())
        .await
        .expect("filter");
    let (cases, _) = app.app.log_page(&filter, 0, 100).await.expect("log");
    assert_eq!(cases.len(), 3);
    let mut variants = BTreeMap::new();
    for case in &cases {
        let done: Vec<String> = case
            .events
            .iter()
            .filter(|e| e.lifecycle == baladiya_domain::process::Lifecycle::Complete)
            .map(|e| e.activity.clone())
            .collect();
        variants.insert(case.tracking_number.clone(), done);
    }
    // Baladiya's own directly-follows graph, which pm4py must find too.
    let dfg = baladiya_domain::process::directly_follows(cases.iter().map(|c| c.events.as_slice()));
    // The same figures over the API, for the improvement committee.
    let summary: serde_json::Value = app
        .client
        .get(app.url("/api/v1/process/summary?service=EG-SHOP-LICENSE-RENEWAL"))
        .bearer_auth(&head)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(summary["cases"], 3);
    assert!((summary["rework_rate"].as_f64().expect("rate") - 1.0 / 3.0).abs() < 1e-9);
    assert_eq!(summary["arcs"].as_array().expect("arcs").len(), dfg.len());
    assert_eq!(summary["variants"].as_array().expect("variants").len(), 3);
    assert_eq!(
        variants[&returned],
        [
            "submitted",
            "document-check/return_for_completion",
            "resubmitted",
            "document-check/accept"
        ]
    );
    assert_eq!(
        variants[&straight],
        ["submitted", "document-check/accept", "review/approve"]
    );
    assert_eq!(variants[&rejected], ["submitted", "document-check/reject"]);
    let ocel = app
        .client
        .get(app.url("/api/v1/process/applications.ocel.json"))
        .bearer_auth(&head)
        .send()
        .await
        .expect("request");
    assert_eq!(ocel.status(), StatusCode::OK);
    let ocel = ocel.text().await.expect("json");
    let documents: usize = cases.iter().map(|c| c.documents.len()).sum();
    assert_eq!(documents, 7, "two each, and the one sent again");
    let expected = json!({
        "objects": {"application": 3, "document": documents},
        "cases": cases.len(),
        "events": cases.iter().map(|c| c.events.len()).sum::<usize>(),
        "resources": ["applicant", "technology_center", "licensing"],
        "variants": variants,
        "dfg": dfg.iter().map(|arc| json!([arc.from, arc.to, arc.count])).collect::<Vec<_>>(),
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let (log, wanted) = (dir.path().join("log.xes"), dir.path().join("expected.json"));
    let objects = dir.path().join("log.ocel.json");
    std::fs::write(&log, xes).expect("write");
    std::fs::write(&objects, ocel).expect("write");
    std::fs::write(&wanted, expected.to_string()).expect("write");
    crate::support::run_python(
        "tests/process-mining/check.py",
        vec![
            log.display().to_string(),
            wanted.display().to_string(),
            objects.display().to_string(),
        ],
    )
    .await;
    app.stop().await;
}
