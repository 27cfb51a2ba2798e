//! Smart-city indicators on both engines: values computed from real
//! applications and reports, checked against the same figures counted
//! independently from the raw rows, and rolled up the org tree.

use baladiya_domain::indicators::{Formula, Month};
use baladiya_store::UnitReference;
use reqwest::StatusCode;
use serde_json::json;

use crate::applications::{PDF, PNG, act, egyptian_id, form, submit, submitted};
use crate::support::{Engine, TestApp, demo_boundaries, scalar_f64};

crate::on_both_engines!(
    computed_indicators_match_the_raw_rows_and_roll_up,
    the_demo_has_a_year_of_history_once,
    units_enter_values_and_the_unit_above_approves,
    values_are_entered_and_approved_through_the_staff_pages,
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
    app.with_indicators();
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
    // An application completed before working days were kept has them
    // computed once, and the figures do not change.
    let store = &app.app.store;
    let before = value(&app, "BLD: GOV: SD: 2", badrashin.id, month).await;
    crate::support::execute(store, "UPDATE applications SET working_days = NULL").await;
    app.app
        .recompute_indicators(month)
        .await
        .expect("recompute");
    assert_eq!(
        value(&app, "BLD: GOV: SD: 2", badrashin.id, month).await,
        before
    );
    assert_eq!(
        scalar_f64(store, "SELECT COUNT(*) FROM applications WHERE completed_at IS NOT NULL AND working_days IS NULL").await,
        0.0
    );

    // The same figures, counted from the raw rows.
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
    assert_eq!(done, 1.0, "the rejected licence, the day it came");
    assert_eq!(
        value(&app, "BLD: GOV: SD: 5", badrashin.id, month).await,
        Some((0.0, 1.0)),
        "median: 0 working days"
    );
    assert_eq!(
        value(&app, "BLD: GOV: SD: 6", badrashin.id, month).await,
        Some((0.0, 1.0))
    );
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

    // Service by service: both new licences online, one renewal of two;
    // Giza's parts add up its units' too.
    let parts = |unit: &str, indicator: &str| {
        let url = app.url(&format!(
            "/api/v1/indicators/parts?indicator={}&unit={unit}&period={month}",
            indicator.replace(' ', "%20").replace(':', "%3A")
        ));
        let client = app.client.clone();
        async move {
            let response = client.get(url).send().await.expect("request");
            assert_eq!(response.status(), StatusCode::OK);
            let body: serde_json::Value = response.json().await.expect("JSON");
            body.as_array()
                .expect("array")
                .iter()
                .map(|p| {
                    (
                        p["part"].as_str().expect("part").to_owned(),
                        p["numerator"].as_f64().expect("n"),
                        p["denominator"].as_f64().expect("d"),
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    let expected = vec![
        ("EG-SHOP-LICENSE".to_owned(), 2.0, 2.0),
        ("EG-SHOP-LICENSE-RENEWAL".to_owned(), 1.0, 2.0),
    ];
    assert_eq!(
        parts("EG-GZ-BDR", "BLD: ICT: PS: 1").await,
        expected,
        "best first"
    );
    assert_eq!(parts("EG-GZ", "BLD: ICT: PS: 1").await, expected);
    assert_eq!(
        parts("EG-GZ-BDR", "BLD: ENV: CR: 1").await,
        vec![("waste".to_owned(), reports, 200_000.0)]
    );
    let page = app
        .client
        .get(app.url(&format!(
            "/indicators/detail?code=BLD%3A%20ICT%3A%20PS%3A%201&unit=EG-GZ-BDR&month={month}"
        )))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    assert!(page.contains("By service or report category"), "{page}");
    assert!(
        page.contains("Public shop license renewal"),
        "the service by its name"
    );
    let wrong = app
        .client
        .get(app.url("/api/v1/indicators/parts?indicator=X&unit=nowhere&period=2026-13"))
        .send()
        .await
        .expect("request");
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = wrong.json().await.expect("JSON");
    let mut fields: Vec<&str> = body["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        ["indicator", "period", "unit"],
        "every field at once"
    );

    // The open-data CSV has the same figures as the store.
    let csv = app
        .client
        .get(app.url(&format!(
            "/open-data/indicators.csv?unit=EG-GZ-BDR&period={month}"
        )))
        .send()
        .await
        .expect("csv")
        .text()
        .await
        .expect("text");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().expect("header").clone();
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        baladiya_web::indicators::CSV_HEADER
    );
    let online_row = reader
        .records()
        .map(|r| r.expect("row"))
        .find(|r| &r[0] == "BLD: ICT: PS: 1" && &r[4] == "EG-GZ-BDR")
        .expect("Badrashin's online share");
    assert_eq!((&online_row[7], &online_row[8]), ("3", "4"));
    assert_eq!(&online_row[6], "75");

    // The scheduled refresh skips a month nothing happened in since, and
    // recomputes it once something does.
    assert_eq!(
        app.app.refresh_indicators(month).await.expect("refresh"),
        None
    );
    submitted(&app, shop()).await;
    assert!(
        app.app
            .refresh_indicators(month)
            .await
            .expect("refresh")
            .is_some()
    );
    assert_eq!(
        value(&app, "BLD: ICT: PS: 1", badrashin.id, month).await,
        Some((4.0, 5.0))
    );
    assert_eq!(
        app.app.refresh_indicators(month).await.expect("refresh"),
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
    app.with_indicators();
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
        // A year of records; the demo's sensors have a week, and its
        // participatory budgets one vote and its projects' deliveries
        // (tested in `ballot_box`).
        matches!(
            l.indicator.source,
            baladiya_domain::indicators::Source::Computed(f) if !f.reads_sensors()
                && !matches!(f, Formula::ParticipationRate | Formula::ProjectsDeliveredOnTime)
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
    // What units report: every indicator has a value all year (a yearly
    // figure holds twelve months), and Giza's is its villages' numerators
    // over their denominators, with every markaz covered.
    for line in card
        .iter()
        .filter(|l| l.indicator.source == baladiya_domain::indicators::Source::Entered)
    {
        let known = line.series.iter().filter(|(_, v)| v.is_some()).count();
        assert_eq!(known, 12, "{}: {known} months", line.indicator.code);
        assert_eq!(line.coverage, Some((2, 2)), "{}", line.indicator.code);
    }
    let store = &app.app.store;
    let sums = |column: &str| {
        format!(
            "SELECT SUM(v.{column}) FROM indicator_values v JOIN org_units u ON u.id = v.unit_id \
             WHERE v.indicator = 'EC: I: WS: 1C' AND v.status = 'approved' AND u.path LIKE '{}%' \
             AND v.period = (SELECT MAX(period) FROM indicator_values WHERE indicator = 'EC: I: WS: 1C')",
            giza.path.encode()
        )
    };
    let (n, d) = (
        scalar_f64(store, &sums("numerator")).await,
        scalar_f64(store, &sums("denominator")).await,
    );
    let water = card
        .iter()
        .find(|l| l.indicator.code == "EC: I: WS: 1C")
        .and_then(|l| l.value())
        .expect("basic water supply");
    assert!((water - 100.0 * n / d).abs() < 1e-9, "{water} vs {n}/{d}");
    app.stop().await;
}

/// A unit enters the values it reports; the unit above approves or returns
/// them (never the person who entered them); approved values are locked
/// and corrected only as a new version with a reason; a CSV with one bad
/// row writes nothing and names the row.
async fn units_enter_values_and_the_unit_above_approves(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    app.with_indicators();
    let principal = |name: &'static str| {
        let app = &app;
        async move {
            let token = app.token(name).await;
            app.app
                .authenticate(&token, baladiya_store::SessionKind::Bearer)
                .await
                .expect("principal")
        }
    };
    let (head, admin, viewer, sa_admin) = (
        principal("eg.head").await,
        principal("eg.admin").await,
        principal("eg.viewer").await,
        principal("sa.admin").await,
    );
    let water = baladiya_app::indicators::ValueForm {
        indicator: "EC: I: WS: 1C".into(),
        unit: "EG-GZ-BDR".into(),
        period: "2026-06".into(),
        numerator: "171000".into(),
        denominator: "180000".into(),
        note: "تقرير شركة المياه، يونيو ٢٠٢٦".into(),
    };
    app.app
        .enter_indicator_value(&head, &water)
        .await
        .expect("entered");
    let entered = app.app.store.entered_values(&[]).await.expect("values");
    assert_eq!(entered.len(), 1, "{entered:?}");
    assert_eq!(
        (entered[0].status.as_str(), entered[0].version),
        ("submitted", 1)
    );
    // Only the unit above approves: not the unit itself, not a viewer, and
    // never the person who entered the value, not another country's
    // administrator.
    let itself = app.app.review_indicator_value(&head, &water, 1, true).await;
    assert!(
        matches!(itself, Err(baladiya_app::AppError::Forbidden(_))),
        "{itself:?}"
    );
    let by_admin = baladiya_app::indicators::ValueForm {
        period: "2026-05".into(),
        ..water.clone()
    };
    app.app
        .enter_indicator_value(&admin, &by_admin)
        .await
        .expect("entered");
    let own = app
        .app
        .review_indicator_value(&admin, &by_admin, 1, true)
        .await;
    assert!(
        matches!(own, Err(baladiya_app::AppError::Conflict(_))),
        "{own:?}"
    );
    let viewing = app
        .app
        .review_indicator_value(&viewer, &water, 1, true)
        .await;
    assert!(
        matches!(viewing, Err(baladiya_app::AppError::Forbidden(_))),
        "{viewing:?}"
    );
    let foreign = app.app.enter_indicator_value(&sa_admin, &water).await;
    assert!(
        matches!(foreign, Err(baladiya_app::AppError::Invalid(ref f)) if f[0].code == "unit-not-yours"),
        "{foreign:?}"
    );
    // Returned with a reason, entered again, approved by the unit above.
    let silent = baladiya_app::indicators::ValueForm {
        note: String::new(),
        ..water.clone()
    };
    let no_reason = app
        .app
        .review_indicator_value(&admin, &silent, 1, false)
        .await;
    assert!(matches!(no_reason, Err(baladiya_app::AppError::Invalid(_))));
    let returned = baladiya_app::indicators::ValueForm {
        note: "المقام لا يطابق عدد الأسر في التعداد".into(),
        ..water.clone()
    };
    app.app
        .review_indicator_value(&admin, &returned, 1, false)
        .await
        .expect("returned");
    let fixed = baladiya_app::indicators::ValueForm {
        denominator: "182500".into(),
        ..water.clone()
    };
    app.app
        .enter_indicator_value(&head, &fixed)
        .await
        .expect("entered again");
    app.app
        .review_indicator_value(&admin, &fixed, 3, true)
        .await
        .expect("approved");
    let approved = &app.app.store.entered_values(&[]).await.expect("values")[0];
    assert_eq!(approved.period, "2026-06", "newest first");
    let published = app
        .app
        .store
        .indicator_values(Some("EC: I: WS: 1C"), &[], &[])
        .await
        .expect("published");
    assert_eq!(
        published.len(),
        1,
        "only the approved value is public: {published:?}"
    );
    assert_eq!(
        (approved.status.as_str(), approved.denominator),
        ("approved", 182500.0)
    );
    // A correction is a new version, waiting for review again.
    app.app
        .enter_indicator_value(
            &head,
            &baladiya_app::indicators::ValueForm {
                numerator: "172000".into(),
                note: "تصحيح: أضيفت قرية ميت رهينة".into(),
                ..fixed.clone()
            },
        )
        .await
        .expect("corrected");
    let corrected = &app.app.store.entered_values(&[]).await.expect("values")[0];
    assert_eq!(
        (corrected.status.as_str(), corrected.version),
        ("submitted", 5)
    );
    let events = app
        .app
        .store
        .events_of("indicator_value", 1)
        .await
        .expect("events")
        .into_iter()
        .map(|(action, _, _)| action)
        .collect::<Vec<_>>();
    assert_eq!(
        events,
        [
            "indicator.entered",
            "indicator.returned",
            "indicator.entered",
            "indicator.approved",
            "indicator.corrected"
        ]
    );
    // A CSV with a bad row writes nothing, and names the row and field.
    let csv = "indicator,unit,period,numerator,denominator,note\n\
               EC: I: WA: 1C,EG-GZ-BDR,2026-06,40000,45000,شركة النظافة\n\
               EC: I: WA: 1C,EG-GZ-BDR-SQR,2026-13,9000,,\n\
               BLD: ICT: PS: 1,EG-GZ-BDR,2026-06,1,2,\n";
    let refused = app.app.import_indicator_csv(&head, csv).await;
    let Err(baladiya_app::AppError::Invalid(fields)) = refused else {
        panic!("{refused:?}");
    };
    let named: Vec<(String, &str)> = fields.iter().map(|f| (f.field.clone(), f.code)).collect();
    assert!(
        named.contains(&("row 3 period".into(), "period-invalid")),
        "{named:?}"
    );
    assert!(
        named.contains(&("row 3 denominator".into(), "number-invalid")),
        "{named:?}"
    );
    assert!(
        named.contains(&("row 4 indicator".into(), "indicator-not-entered")),
        "{named:?}"
    );
    assert_eq!(
        app.app
            .store
            .entered_values(&[])
            .await
            .expect("values")
            .len(),
        2,
        "nothing written"
    );
    let good = "indicator,unit,period,numerator,denominator,note\n\
                EC: I: WA: 1C,EG-GZ-BDR,2026-06,40000,45000,شركة النظافة\n\
                EC: I: WA: 1C,EG-GZ-BDR-SQR,2026-06,9000,10000,\n";
    assert_eq!(
        app.app
            .import_indicator_csv(&head, good)
            .await
            .expect("imported"),
        2
    );
    assert_eq!(
        app.app
            .store
            .entered_values(&[])
            .await
            .expect("values")
            .len(),
        4
    );
    app.stop().await;
}

/// The same through the pages: a unit head enters a value (a wrong one
/// first: every problem in the error summary), the administrator of the
/// governorate approves it, and it appears on the public scorecard.
async fn values_are_entered_and_approved_through_the_staff_pages(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    app.with_indicators();
    let head = crate::applications::staff_client(&app, "eg.head").await;
    let page = head
        .get(app.url("/staff/indicators"))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("html");
    assert!(page.contains("قيم المؤشرات التي تُبلغ عنها الوحدات"));
    assert!(
        page.contains("EC: I: WS: 1C") && !page.contains("value=\"BLD: ICT: PS: 1\""),
        "entered indicators only"
    );
    let csrf = crate::support::csrf_of(&page);
    let csrf_head = csrf.clone();
    let month = Month::of(app.app.now().date_naive()).to_string();
    let post = |client: &reqwest::Client, path: &str, form: Vec<(&str, String)>| {
        client.post(app.url(path)).form(&form).send()
    };
    let wrong = post(
        &head,
        "/staff/indicators/enter",
        vec![
            ("csrf", csrf.clone()),
            ("indicator", "EC: I: WS: 1C".into()),
            ("unit", "EG-GZ-BDR".into()),
            ("period", "يونيو".into()),
            ("numerator", "كثير".into()),
            ("denominator", "0".into()),
        ],
    )
    .await
    .expect("request");
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = wrong.text().await.expect("html");
    assert!(html.contains("error-summary"));
    for message in ["اكتب الشهر بالصيغة", "يجب أن يكون المقام أكبر من صفر"]
    {
        assert!(html.contains(message), "{message}");
    }
    let right = post(
        &head,
        "/staff/indicators/enter",
        vec![
            ("csrf", csrf.clone()),
            ("indicator", "EC: I: WS: 1C".into()),
            ("unit", "EG-GZ-BDR".into()),
            ("period", month.clone()),
            ("numerator", "١٧١٠٠٠".into()),
            ("denominator", "180000".into()),
            ("note", "تقرير شركة المياه".into()),
        ],
    )
    .await
    .expect("request");
    assert_eq!(right.status(), StatusCode::SEE_OTHER);
    let admin = crate::applications::staff_client(&app, "eg.admin").await;
    let review_page = admin
        .get(app.url("/staff/indicators"))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("html");
    assert!(
        review_page.contains(r#"name="decision" value="approve""#),
        "the unit above may review it"
    );
    let csrf = crate::support::csrf_of(&review_page);
    let approved = post(
        &admin,
        "/staff/indicators/review",
        vec![
            ("csrf", csrf),
            ("indicator", "EC: I: WS: 1C".into()),
            ("unit", "EG-GZ-BDR".into()),
            ("period", month.clone()),
            ("version", "1".into()),
            ("decision", "approve".into()),
            ("note", String::new()),
        ],
    )
    .await
    .expect("request");
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    let card = app
        .client
        .get(app.url(&format!("/indicators?unit=EG-GZ-BDR&month={month}")))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("html");
    assert!(
        card.contains(">95</span>"),
        "171,000 of 180,000 households: 95 %"
    );

    // Reference data: every wrong field at once, then saved as typed.
    let year = i64::from(month[..4].parse::<i32>().expect("year"));
    let wrong = post(
        &head,
        "/staff/indicators/reference",
        vec![
            ("csrf", csrf_head.clone()),
            ("unit", "EG-GZ-BDR".into()),
            ("year", "1850".into()),
            ("population", "كثير".into()),
            ("households", "-3".into()),
            ("area_km2", "160".into()),
        ],
    )
    .await
    .expect("request");
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = wrong.text().await.expect("html");
    for field in [
        "href=\"#year\"",
        "href=\"#population\"",
        "href=\"#households\"",
    ] {
        assert!(html.contains(field), "{field} in the summary");
    }
    assert!(!html.contains("href=\"#area_km2\""), "the area was right");
    let saved = post(
        &head,
        "/staff/indicators/reference",
        vec![
            ("csrf", csrf_head),
            ("unit", "EG-GZ-BDR".into()),
            ("year", year.to_string()),
            ("population", "٧٢٠٬٠٠٠".into()),
            ("households", "180,000".into()),
            ("area_km2", "160.5".into()),
        ],
    )
    .await
    .expect("request");
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let references = app
        .app
        .store
        .unit_references(year)
        .await
        .expect("references");
    let badrashin = references
        .iter()
        .find(|r| r.population == Some(720_000))
        .expect("Badrashin's reference data");
    assert_eq!(
        (badrashin.households, badrashin.area_km2),
        (Some(180_000), Some(160.5))
    );
    app.stop().await;
}
