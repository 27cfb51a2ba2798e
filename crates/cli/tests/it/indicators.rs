//! Smart-city indicators on both engines: values computed from real
//! applications and reports, checked against the same figures counted
//! independently from the raw rows, and rolled up the org tree.

use baladiya_domain::indicators::Month;
use baladiya_store::UnitReference;
use reqwest::StatusCode;
use serde_json::json;

use crate::applications::{PDF, PNG, act, egyptian_id, form, submit, submitted};
use crate::support::{Engine, TestApp, demo_boundaries, scalar_f64};

crate::on_both_engines!(
    computed_indicators_match_the_raw_rows_and_roll_up,
    the_demo_has_a_year_of_history_once,
);

/// The value of `indicator` for `unit` this month: `(numerator, denominator)`.
async fn value(app: &TestApp, indicator: &str, unit: i64, month: Month) -> Option<(f64, f64)> {
    app.app
        .store
        .indicator_values(Some(indicator), &[unit], &[month.to_string()])
        .await
        .expect("values")
        .first()
        .map(|v| (v.numerator, v.denominator))
}

async fn computed_indicators_match_the_raw_rows_and_roll_up(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    app.app
        .import_boundaries(None, &demo_boundaries())
        .await
        .expect("boundaries");
    let catalog = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog/indicators");
    app.app.set_indicators(
        baladiya_app::indicators::load_indicators(&catalog).expect("the shipped indicators"),
    );
    // Activity: two shop licences online (one rejected and rated 2), one
    // renewal returned for completion, one renewal at the counter.
    let shop = || {
        form(
            "EG-SHOP-LICENSE",
            "EG-GZ-BDR",
            &[
                ("activity", "cafe"),
                ("shop_area", "85"),
                ("address", "ميدان البدرشين"),
            ],
            &[
                ("national-id-copy", PDF, "id.pdf"),
                ("lease-or-deed", PDF, "lease.pdf"),
                ("layout", PNG, "layout.png"),
            ],
        )
    };
    let renewal = || {
        form(
            "EG-SHOP-LICENSE-RENEWAL",
            "EG-GZ-BDR",
            &[("license_number", "BDR/2019/553"), ("address", "البدرشين")],
            &[
                ("national-id-copy", PNG, "id.png"),
                ("current-license", PDF, "l.pdf"),
            ],
        )
    };
    let (clerk, licensing, defense) = (
        app.token("eg.clerk").await,
        app.token("eg.licensing").await,
        app.token("eg.defense").await,
    );
    let rejected = submitted(&app, shop()).await;
    submitted(&app, shop()).await;
    act(&app, &clerk, &rejected, json!({"action": "accept"})).await;
    act(&app, &licensing, &rejected, json!({"action": "approve"})).await;
    act(
        &app,
        &defense,
        &rejected,
        json!({"action": "reject", "comment": "لا يوجد مخرج طوارئ"}),
    )
    .await;
    let rated = app
        .client
        .post(app.url(&format!("/api/v1/applications/{rejected}/rating")))
        .json(&json!({"proof": egyptian_id(), "rating": 2}))
        .send()
        .await
        .expect("request");
    assert_eq!(rated.status(), StatusCode::CREATED);
    let returned = submitted(&app, renewal()).await;
    act(
        &app,
        &clerk,
        &returned,
        json!({"action": "return_for_completion", "comment": "صورة البطاقة غير واضحة"}),
    )
    .await;
    assert_eq!(
        submit(&app, renewal(), Some(&clerk)).await.status(),
        StatusCode::CREATED
    );
    // Three reports, one resolved.
    let key = app.app.issue_api_key("tests", 100).await.expect("key");
    let mut ids = Vec::new();
    for _ in 0..3 {
        let response = app
            .client
            .post(app.url("/open311/v2/requests.json"))
            .form(&[
                ("api_key", key.as_str()),
                ("service_code", "waste"),
                ("lat", "29.90"),
                ("long", "31.30"),
            ])
            .send()
            .await
            .expect("request");
        let body: serde_json::Value = response.json().await.expect("JSON");
        ids.push(
            body[0]["service_request_id"]
                .as_str()
                .expect("id")
                .to_owned(),
        );
    }
    let head = app.token("eg.head").await;
    let resolved = app
        .client
        .post(app.url(&format!("/api/v1/reports/{}/actions", ids[0])))
        .bearer_auth(&head)
        .json(&json!({"action": "resolve", "version": 1, "note": "رُفعت المخلفات"}))
        .send()
        .await
        .expect("request");
    assert_eq!(resolved.status(), StatusCode::OK);

    let units = app.app.store.all_units().await.expect("units");
    let unit = |code: &str| {
        units
            .iter()
            .find(|u| u.code.as_str() == code)
            .expect("unit")
            .clone()
    };
    let (giza, badrashin) = (unit("EG-GZ"), unit("EG-GZ-BDR"));
    let month = Month::of(app.app.now().date_naive());
    app.app
        .store
        .set_unit_reference(
            &UnitReference {
                unit_id: badrashin.id,
                year: i64::from(month.year()),
                population: Some(200_000),
                households: Some(45_000),
                area_km2: Some(160.0),
            },
            None,
            app.app.now(),
        )
        .await
        .expect("reference");
    let written = app
        .app
        .recompute_indicators(month)
        .await
        .expect("recompute");
    assert!(written > 0);
    assert_eq!(
        app.app.recompute_indicators(month).await.expect("again"),
        written,
        "recomputing is idempotent"
    );

    // The same figures, counted from the raw rows.
    let store = &app.app.store;
    let start = month.first_day().format("%Y-%m-%d").to_string();
    let under = format!("{}%", badrashin.path.encode());
    let apps = format!(
        "FROM applications a JOIN org_units u ON u.id = a.unit_id WHERE u.path LIKE '{under}' \
         AND a.submitted_at >= '{start}'"
    );
    let online = scalar_f64(
        store,
        &format!("SELECT COUNT(*) {apps} AND a.channel = 'online'"),
    )
    .await;
    let all = scalar_f64(store, &format!("SELECT COUNT(*) {apps}")).await;
    assert_eq!(
        value(&app, "BLD: ICT: PS: 1", badrashin.id, month).await,
        Some((online, all))
    );
    assert_eq!((online, all), (3.0, 4.0), "the activity above");
    let returned_rows = scalar_f64(
        store,
        &format!(
            "SELECT COUNT(*) {apps} AND EXISTS (SELECT 1 FROM events e WHERE e.entity = 'application' \
             AND e.entity_id = a.id AND e.action = 'application.return_for_completion')"
        ),
    )
    .await;
    assert_eq!(
        value(&app, "BLD: GOV: SD: 3", badrashin.id, month).await,
        Some((returned_rows, all))
    );
    let completed = format!("{apps} AND a.completed_at IS NOT NULL");
    let ratings = scalar_f64(store, &format!("SELECT SUM(a.rating) {completed}")).await;
    let rated_count = scalar_f64(store, &format!("SELECT COUNT(a.rating) {completed}")).await;
    assert_eq!(
        value(&app, "BLD: GOV: SD: 4", badrashin.id, month).await,
        Some((ratings, rated_count))
    );
    let done = scalar_f64(store, &format!("SELECT COUNT(*) {completed}")).await;
    assert_eq!(
        value(&app, "BLD: GOV: SD: 1", badrashin.id, month).await,
        Some((done, done)),
        "completed the day it came, well within its time"
    );
    let reports = scalar_f64(
        store,
        &format!(
            "SELECT COUNT(*) FROM reports r JOIN org_units u ON u.id = r.unit_id \
             WHERE u.path LIKE '{under}' AND r.requested_at >= '{start}'"
        ),
    )
    .await;
    assert_eq!(
        value(&app, "BLD: ENV: CR: 1", badrashin.id, month).await,
        Some((reports, 200_000.0))
    );
    assert_eq!(
        value(&app, "BLD: ENV: CR: 2", badrashin.id, month).await,
        Some((1.0, 1.0))
    );
    // Giza adds up its units: numerators and denominators, never ratios.
    for code in [
        "BLD: ICT: PS: 1",
        "BLD: GOV: SD: 3",
        "BLD: GOV: SD: 4",
        "BLD: ENV: CR: 1",
    ] {
        let children: Vec<_> = units
            .iter()
            .filter(|u| u.parent_id == Some(giza.id))
            .collect();
        let mut sum = (0.0, 0.0);
        for child in children {
            if let Some((n, d)) = value(&app, code, child.id, month).await {
                sum = (sum.0 + n, sum.1 + d);
            }
        }
        assert_eq!(value(&app, code, giza.id, month).await, Some(sum), "{code}");
    }
    // Awsim had no activity: no value, rather than a zero.
    assert_eq!(
        value(&app, "BLD: ICT: PS: 1", unit("EG-GZ-AWS").id, month).await,
        None
    );
    app.stop().await;
}

/// `serve --demo`'s year of history: written once, the same every time,
/// and every computed indicator has twelve months of values.
async fn the_demo_has_a_year_of_history_once(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    app.app
        .import_boundaries(None, &demo_boundaries())
        .await
        .expect("boundaries");
    let catalog = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog/indicators");
    app.app.set_indicators(
        baladiya_app::indicators::load_indicators(&catalog).expect("the shipped indicators"),
    );
    let (applications, reports) = app.app.load_demo_history().await.expect("history");
    assert!(
        applications > 1000 && reports > 1000,
        "{applications} / {reports}"
    );
    assert_eq!(
        app.app.load_demo_history().await.expect("again"),
        (0, 0),
        "once"
    );
    let giza = app
        .app
        .store
        .all_units()
        .await
        .expect("units")
        .into_iter()
        .find(|u| u.code.as_str() == "EG-GZ")
        .expect("Giza");
    let month = Month::of(app.app.now().date_naive());
    let card = app.app.scorecard(&giza, month).await.expect("scorecard");
    for line in card.iter().filter(|l| {
        matches!(
            l.indicator.source,
            baladiya_domain::indicators::Source::Computed(_)
        )
    }) {
        let known = line.series.iter().filter(|(_, v)| v.is_some()).count();
        assert!(known >= 11, "{}: {known} months", line.indicator.code);
    }
    let online = card
        .iter()
        .find(|l| l.indicator.code == "BLD: ICT: PS: 1")
        .expect("online share");
    let first = online
        .series
        .first()
        .and_then(|(_, v)| *v)
        .expect("a year ago");
    let last = online.value().expect("last month");
    assert!(
        last > first + 20.0,
        "more citizens apply online over the year: {first} → {last}"
    );
    app.stop().await;
}
