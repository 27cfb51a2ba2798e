//! Procedure analytics: the applications' history as an event log that a
//! real process-mining tool (pm4py, from PyPI) reads unmodified.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use reqwest::multipart::Form;
use serde_json::json;

use crate::applications::{PDF, act, building_permit, egyptian_id, renewal_form, submitted};
use crate::support::{Engine, TestApp};

crate::on_both_engines!(
    pm4py_reads_the_applications_event_log,
    building_permit_lives_give_map_bottlenecks_and_conformance
);

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

/// Three building permits: approvals in one order, in the other, and one
/// copied from a paper register without its inspection. The committee's
/// figures over the API, the page and its CSV files must show exactly that.
async fn building_permit_lives_give_map_bottlenecks_and_conformance(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let clerk = app.token("eg.clerk").await;
    let officer = app.token("eg.officer").await;
    let defense = app.token("eg.defense").await;
    let head = app.token("eg.head").await;
    let mut lives = Vec::new();
    for first in [&officer, &defense] {
        let tracking = submitted(&app, building_permit()).await;
        act(&app, &clerk, &tracking, json!({"action": "accept"})).await;
        let second = if first == &officer {
            &defense
        } else {
            &officer
        };
        act(&app, first, &tracking, json!({"action": "approve"})).await;
        act(&app, second, &tracking, json!({"action": "approve"})).await;
        act(
            &app,
            &officer,
            &tracking,
            json!({"action": "pass_inspection"}),
        )
        .await;
        lives.push(tracking);
    }
    act(
        &app,
        &clerk,
        &lives[0],
        json!({"action": "record_payment", "receipt_number": "RCPT-1"}),
    )
    .await;
    act(&app, &head, &lives[0], json!({"action": "issue"})).await;
    // A file of the paper register, entered afterwards: no inspection.
    let version_id = app
        .app
        .services()
        .iter()
        .find(|p| p.service.code.as_str() == "EG-BUILDING-PERMIT")
        .expect("service")
        .version_id;
    let unit = app
        .app
        .store
        .unit_by_code(&baladiya_domain::org::UnitCode::parse("EG-GZ-BDR-SQR").expect("code"))
        .await
        .expect("unit")
        .expect("known");
    let day = |d: i64| chrono::Utc::now() - chrono::Duration::days(40 - d);
    let place = |status: &str, step: i64| json!({"status": status, "step": step});
    let moved = |action: &str, department: &str, from: i64, to: i64| {
        json!({"action": action, "department": department,
               "from": place("in_progress", from), "to": place("in_progress", to)})
    };
    let paper = baladiya_store::PastApplication {
        service_version_id: version_id,
        unit_id: unit.id,
        unit_code: "EG-GZ-BDR-SQR".into(),
        applicant_name: "منى إبراهيم يوسف".into(),
        applicant_id_number: "28503122100453".into(),
        applicant_phone: "+201012345678".into(),
        channel: "counter",
        submitted_at: day(0),
        due_on: day(40).date_naive(),
        status: "issued",
        step: 4,
        step_role: "unit_head".into(),
        pending_departments: String::new(),
        approvals: String::new(),
        step_due_on: day(40).date_naive(),
        returned_on: None,
        completed_at: Some(day(30)),
        times_returned: 0,
        receipt_number: Some("PAPER-1".into()),
        events: vec![
            (
                "application.submitted",
                day(0),
                json!({"to": place("in_progress", 0)}),
            ),
            (
                "application.accept",
                day(1),
                moved("accept", "technology_center", 0, 1),
            ),
            (
                "application.approve",
                day(5),
                moved("approve", "engineering", 1, 1),
            ),
            (
                "application.approve",
                day(20),
                moved("approve", "civil_defense_liaison", 1, 2),
            ),
            (
                "application.record_payment",
                day(25),
                moved("record_payment", "revenue", 3, 4),
            ),
            (
                "application.issue",
                day(30),
                json!({"action": "issue", "department": "engineering",
                "from": place("in_progress", 4), "to": place("issued", 4)}),
            ),
        ],
        fee_minor: Some(170_000),
        currency: "EGP".into(),
        rating: None,
        working_days: Some(24),
    };
    app.app
        .store
        .insert_history(&[paper], &[], |_, year, n| {
            format!("EG-GZ-BDR-SQR-{year}-PAPER-{n}")
        })
        .await
        .expect("history");

    let summary: serde_json::Value = app
        .client
        .get(app.url("/api/v1/process/summary?service=EG-BUILDING-PERMIT"))
        .bearer_auth(&head)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(summary["cases"], 3);
    let straight = [
        "submitted",
        "document-check/accept",
        "approvals/approve",
        "approvals/approve",
        "inspection/pass_inspection",
    ];
    let variants: Vec<(Vec<String>, u64)> = summary["variants"]
        .as_array()
        .expect("variants")
        .iter()
        .map(|v| {
            (
                serde_json::from_value(v["activities"].clone()).expect("list"),
                v["cases"].as_u64().expect("n"),
            )
        })
        .collect();
    assert_eq!(variants.len(), 3, "{variants:?}");
    assert!(
        variants.contains(&(straight.map(str::to_owned).to_vec(), 1)),
        "either order of approvals is one path"
    );
    let conformance = &summary["conformance"];
    assert_eq!(
        conformance["deviations"],
        json!([{"kind": "skipped", "subject": "inspection", "cases": 1}])
    );
    let fitness = conformance["fitness"].as_f64().expect("fitness");
    assert!(
        (fitness - (1.0 + 1.0 + 6.0 / 7.0) / 3.0).abs() < 1e-9,
        "{fitness}"
    );
    assert!((conformance["conforming"].as_f64().expect("share") - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(
        summary["rework_rate"], 0.0,
        "two departments approving is not rework"
    );
    let slowest = &summary["bottlenecks"][0];
    assert_eq!(
        (slowest["step"].as_str(), slowest["department"].as_str()),
        (Some("approvals"), Some("civil_defense_liaison")),
        "the paper file waited 19 days for civil protection"
    );
    assert_eq!(summary["by_channel"].as_array().expect("channels").len(), 2);

    // The committee's page: the map, the deviation and its case.
    let viewer = crate::applications::staff_client(&app, "eg.viewer").await;
    let page = crate::support::html(
        &viewer,
        app.url("/staff/process?service=EG-BUILDING-PERMIT&unit=EG-GZ-BDR&compare=EG-GZ-BDR-SQR"),
    )
    .await;
    assert!(
        page.contains("<svg class=\"process-map\""),
        "the map is drawn"
    );
    assert!(
        page.contains("المعاينة الميدانية للموقع"),
        "steps by their Arabic names"
    );
    assert!(page.contains("id=\"comparison\""), "two units side by side");
    let link = page
        .split("href=\"")
        .map(|s| {
            let href = s.split('"').next().unwrap_or_default();
            href.replace("&#38;", "&").replace("&amp;", "&")
        })
        .find(|h| h.contains("show=deviation&"))
        .expect("a link to the deviating cases");
    let cases = crate::support::html(&viewer, app.url(&link)).await;
    assert!(cases.contains("PAPER"), "{cases}");
    assert!(
        !cases.contains(&lives[0]) && !cases.contains(&lives[1]),
        "{link} {lives:?} {cases}"
    );
    let csv = viewer
        .get(app.url("/staff/process/variants.csv?service=EG-BUILDING-PERMIT"))
        .send()
        .await
        .expect("request");
    assert_eq!(csv.status(), StatusCode::OK);
    let csv = csv.text().await.expect("text");
    assert!(csv.starts_with("activities,labels,cases,share"));
    assert_eq!(csv.lines().count(), 4, "{csv}");
    // Conformance as a computed indicator of the unit: of the two
    // completed permits, the issued one conforms and the paper one does not.
    app.with_indicators();
    let month =
        |at: chrono::DateTime<chrono::Utc>| baladiya_domain::indicators::Month::of(at.date_naive());
    let (this_month, paper_month) = (month(chrono::Utc::now()), month(day(30)));
    let mut counted = (0.0, 0.0);
    for m in [this_month, paper_month] {
        app.app.recompute_indicators(m).await.expect("recompute");
        if m == paper_month && m == this_month && counted.1 > 0.0 {
            continue;
        }
        let found = app
            .app
            .store
            .indicator_values(Some("BLD: GOV: SD: 7"), &[unit.id], &[m.to_string()])
            .await
            .expect("values");
        let v = found.first().expect("a value");
        counted = (counted.0 + v.numerator, counted.1 + v.denominator);
    }
    assert_eq!(counted, (1.0, 2.0), "one of two completed permits conforms");
    // A clerk does not oversee anything.
    let counter = crate::applications::staff_client(&app, "eg.clerk").await;
    let refused = counter
        .get(app.url("/staff/process"))
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}
