//! Citizen reports over HTTP on both engines: Open311 GeoReport v2 as its
//! clients use it (form-encoded POST with an API key, GET in JSON and
//! XML, tokens, the error array), a report's whole life through the API,
//! duplicates and followers, and privacy of reporters.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::open311::xml_paths;
use crate::support::{Engine, TestApp, demo_boundaries};

crate::on_both_engines!(
    open311_clients_submit_and_read_requests,
    open311_errors_name_the_problem,
    a_report_lives_from_open_to_confirmed,
    duplicates_are_suggested_and_merged_with_their_followers,
    reporters_personal_data_is_never_public,
    the_pages_work_without_javascript,
    an_api_keys_limit_holds_across_servers,
    two_officers_on_two_servers_one_wins,
    crossed_merges_never_both_win,
    merges_need_an_open_target_of_the_same_kind_that_is_yours,
    a_landmark_places_a_report,
    citizen_reports_are_an_event_log_too,
);

/// In Badrashin, outside its villages.
pub const BADRASHIN: (&str, &str) = ("29.90", "31.30");

pub async fn spawn(engine: Engine) -> Option<(TestApp, String)> {
    let app = TestApp::spawn(engine).await?;
    app.app
        .import_boundaries(None, &demo_boundaries())
        .await
        .expect("boundaries");
    let key = app.app.issue_api_key("tests", 100).await.expect("key");
    Some((app, key))
}

/// POSTs an Open311 form; returns the status and the body text.
async fn post(app: &TestApp, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
    let response = app
        .client
        .post(app.url(path))
        .form(form)
        .send()
        .await
        .expect("request");
    (response.status(), response.text().await.expect("body"))
}

async fn get(app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = app.client.get(app.url(path)).send().await.expect("request");
    (response.status(), response.text().await.expect("body"))
}

/// The report number on the "report received" page.
fn received_number(html: &str) -> i64 {
    html.split("class=\"tracking-number\">#")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .and_then(|n| n.parse().ok())
        .expect("a report number")
}

async fn get_json(app: &TestApp, path: &str) -> Value {
    let (status, body) = get(app, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    serde_json::from_str(&body).expect("JSON")
}

/// A street-light report by Open311; returns its id.
async fn light_out(app: &TestApp, key: &str, lat: &str, long: &str, email: &str) -> i64 {
    let (status, body) = post(
        app,
        "/open311/v2/requests.json",
        &[
            ("api_key", key),
            ("jurisdiction_id", "baladiya"),
            ("service_code", "street-lighting"),
            ("lat", lat),
            ("long", long),
            ("attribute[problem]", "off"),
            ("description", "العمود أمام المسجد مطفأ منذ أسبوع"),
            ("email", email),
            ("first_name", "سارة"),
            ("last_name", "أحمد"),
            ("phone", "01012345678"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let created: Value = serde_json::from_str(&body).expect("JSON");
    created[0]["service_request_id"]
        .as_str()
        .expect("an id")
        .parse()
        .expect("numeric id")
}

async fn act(app: &TestApp, token: &str, id: i64, body: Value) -> (StatusCode, Value) {
    let response = app
        .client
        .post(app.url(&format!("/api/v1/reports/{id}/actions")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = response.status();
    (status, response.json().await.expect("JSON"))
}

async fn open311_clients_submit_and_read_requests(engine: Engine) {
    let Some((app, key)) = spawn(engine).await else {
        return;
    };
    let (status, body) = post(
        &app,
        "/open311/v2/requests.xml",
        &[
            ("api_key", &key),
            ("service_code", "street-lighting"),
            ("lat", BADRASHIN.0),
            ("long", BADRASHIN.1),
            ("attribute[problem]", "wire"),
            ("account_id", "citizen-app-77"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let paths = xml_paths(&body);
    let value = |p: &str| {
        paths
            .iter()
            .find(|(path, _)| path == p)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let id = value("service_requests/request/service_request_id");
    let token = value("service_requests/request/token");
    assert!(!id.is_empty() && !token.is_empty(), "{body}");
    assert_eq!(
        value("service_requests/request/account_id"),
        "citizen-app-77"
    );
    assert!(value("service_requests/request/service_notice").contains('3'));

    // The token leads to the request, as clients poll it.
    let tokens = get_json(&app, &format!("/open311/v2/tokens/{token}.json")).await;
    assert_eq!(tokens, json!([{"service_request_id": id, "token": token}]));

    // A second request with a multi-value answer, in another category.
    let (status, body) = post(
        &app,
        "/open311/v2/requests.json",
        &[
            ("api_key", &key),
            ("service_code", "pothole"),
            ("lat", "29.871"),
            ("long", "31.216"),
            ("attribute[size]", "large"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let one = get_json(&app, &format!("/open311/v2/requests/{id}.json?lang=en")).await;
    let request = &one[0];
    assert_eq!(request["service_request_id"], id);
    assert_eq!(request["status"], "open");
    assert_eq!(request["service_code"], "street-lighting");
    assert_eq!(request["service_name"], "Street lighting");
    assert_eq!(request["lat"], 29.9);
    assert_eq!(request["long"], 31.3);
    assert!(
        request["agency_responsible"]
            .as_str()
            .expect("agency")
            .starts_with("EG-GZ-BDR /")
    );
    for field in [
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
    ] {
        let text = request[field].as_str().expect(field);
        assert!(
            chrono::DateTime::parse_from_rfc3339(text).is_ok(),
            "{field} in W3C format: {text}"
        );
    }

    // Filters as clients send them.
    let all = get_json(&app, "/open311/v2/requests.json").await;
    assert_eq!(all.as_array().expect("list").len(), 2, "the last 90 days");
    let lights = get_json(
        &app,
        "/open311/v2/requests.json?service_code=street-lighting",
    )
    .await;
    assert_eq!(lights.as_array().expect("list").len(), 1);
    let both = get_json(
        &app,
        "/open311/v2/requests.json?service_code=street-lighting,pothole&status=open",
    )
    .await;
    assert_eq!(both.as_array().expect("list").len(), 2);
    let closed = get_json(&app, "/open311/v2/requests.json?status=closed").await;
    assert_eq!(closed, json!([]));
    let today = chrono::Utc::now().date_naive();
    let earlier = get_json(
        &app,
        &format!(
            "/open311/v2/requests.json?end_date={}T00:00:00Z",
            today - chrono::Duration::days(1)
        ),
    )
    .await;
    assert_eq!(earlier, json!([]), "nothing before yesterday's end");
    let by_id = get_json(
        &app,
        &format!("/open311/v2/requests.json?service_request_id={id}&status=closed"),
    )
    .await;
    assert_eq!(
        by_id.as_array().expect("list").len(),
        1,
        "service_request_id overrides the other filters"
    );

    let (status, xml) = get(&app, "/open311/v2/requests.xml?service_code=pothole").await;
    assert_eq!(status, StatusCode::OK);
    let paths = xml_paths(&xml);
    assert!(paths.contains(&(
        "service_requests/request/service_code".into(),
        "pothole".into()
    )));
    assert!(paths.contains(&("service_requests/request/status".into(), "open".into())));
    assert!(
        paths
            .iter()
            .any(|(p, _)| p == "service_requests/request/address_id"),
        "empty elements are written"
    );

    let discovery = get_json(&app, "/open311/discovery.json").await;
    assert_eq!(
        discovery["endpoints"][0]["url"],
        app.url("/open311/v2"),
        "{discovery}"
    );
    assert_eq!(
        discovery["endpoints"][0]["specification"],
        "http://wiki.open311.org/GeoReport_v2"
    );
    let (status, xml) = get(&app, "/open311/v2/discovery.xml").await;
    assert_eq!(status, StatusCode::OK);
    assert!(xml_paths(&xml).contains(&(
        "discovery/endpoints/endpoint/formats/format".into(),
        "application/json".into()
    )));
    app.stop().await;
}

async fn open311_errors_name_the_problem(engine: Engine) {
    let Some((app, key)) = spawn(engine).await else {
        return;
    };
    let good = |extra: &[(&'static str, &'static str)]| {
        let mut form = vec![
            ("service_code", "street-lighting"),
            ("lat", BADRASHIN.0),
            ("long", BADRASHIN.1),
            ("attribute[problem]", "off"),
        ];
        for (k, v) in extra {
            form.retain(|(key, _)| key != k);
            if !v.is_empty() {
                form.push((k, v));
            }
        }
        form
    };
    let errors_of = |body: &str| -> Vec<String> {
        let list: Value = serde_json::from_str(body).expect("error array");
        list.as_array()
            .expect("array")
            .iter()
            .map(|e| e["description"].as_str().expect("text").to_owned())
            .collect()
    };
    let send = |form: Vec<(&'static str, &'static str)>, key: String| {
        let app = &app;
        async move {
            let mut form: Vec<(&str, String)> =
                form.into_iter().map(|(k, v)| (k, v.to_owned())).collect();
            form.push(("api_key", key));
            let response = app
                .client
                .post(app.url("/open311/v2/requests.json?lang=en"))
                .form(&form)
                .send()
                .await
                .expect("request");
            (response.status(), response.text().await.expect("body"))
        }
    };

    let (status, body) = send(good(&[]), "not-a-key".into()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).expect("JSON")[0]["code"],
        403
    );
    let (status, body) = send(good(&[]), String::new()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no key: {body}");

    for (extra, field) in [
        (vec![("service_code", "")], "service_code"),
        (vec![("service_code", "flying-saucer")], "service_code"),
        (vec![("lat", ""), ("long", "")], "lat"),
        (vec![("lat", "north")], "lat"),
        (vec![("lat", "30.04"), ("long", "31.50")], "lat"),
        (vec![("attribute[problem]", "")], "attribute[problem]"),
        (
            vec![("attribute[problem]", "sparkles")],
            "attribute[problem]",
        ),
        (vec![("email", "not-an-address")], "email"),
    ] {
        let (status, body) = send(good(&extra), key.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{extra:?}: {body}");
        let errors = errors_of(&body);
        assert!(
            errors.iter().any(|e| e.starts_with(&format!("{field}: "))),
            "{extra:?}: {errors:?}"
        );
    }
    let (status, body) = send(vec![("service_code", "street-lighting")], key.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(errors_of(&body).len(), 2, "every problem at once: {body}");

    // An address alone is placed by the unit it names.
    let (status, body) = send(
        good(&[
            ("lat", ""),
            ("long", ""),
            ("address_string", "شارع البحر، مركز البدرشين"),
        ]),
        key.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = send(
        good(&[
            ("lat", ""),
            ("long", ""),
            ("address_string", "Main street, Atlantis"),
        ]),
        key.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    for (query, field) in [
        ("start_date=yesterday", "start_date"),
        ("end_date=2026-13-45", "end_date"),
        (
            "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
            "end_date",
        ),
        ("start_date=2026-06-01&end_date=2026-05-01", "start_date"),
        ("status=pending", "status"),
        ("service_request_id=abc", "service_request_id"),
        ("page_size=5000", "page_size"),
    ] {
        let (status, body) = get(&app, &format!("/open311/v2/requests.json?lang=en&{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert!(
            errors_of(&body).iter().any(|e| e.starts_with(field)),
            "{query}: {body}"
        );
    }
    let (status, body) = get(&app, "/open311/v2/requests.xml?start_date=soon").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        xml_paths(&body)[0],
        ("errors/error/code".into(), "400".into())
    );
    let (status, _) = get(&app, "/open311/v2/requests/999999.json").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(&app, "/open311/v2/tokens/nope.xml").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(&app, "/open311/v2/requests.json?jurisdiction_id=cairo").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A key is limited per minute, across requests.
    let slow = app.app.issue_api_key("slow client", 2).await.expect("key");
    for expected in [
        StatusCode::OK,
        StatusCode::OK,
        StatusCode::TOO_MANY_REQUESTS,
    ] {
        let response = app
            .client
            .post(app.url("/open311/v2/requests.json"))
            .form(&[
                ("api_key", slow.as_str()),
                ("service_code", "waste"),
                ("lat", BADRASHIN.0),
                ("long", BADRASHIN.1),
            ])
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), expected);
        if expected == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(response.headers()["retry-after"], "60");
        }
    }
    // Revoked after this server has known it valid: refused by the write
    // that counts its minute, then at once; nothing is filed.
    let (_, before) = get(&app, "/open311/v2/requests.json?service_code=waste").await;
    assert_eq!(app.app.revoke_api_keys("tests").await.expect("revoke"), 1);
    for _ in 0..2 {
        let (status, body) = send(good(&[]), key.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a revoked key: {body}");
        assert!(body.contains("API key"), "{body}");
    }
    let (_, after) = get(&app, "/open311/v2/requests.json?service_code=waste").await;
    assert_eq!(after, before, "a revoked key files nothing");
    app.stop().await;
}

async fn a_report_lives_from_open_to_confirmed(engine: Engine) {
    let Some((app, key)) = spawn(engine).await else {
        return;
    };
    let id = light_out(&app, &key, BADRASHIN.0, BADRASHIN.1, "sara@example.com").await;
    let officer = app.token("eg.officer").await;
    let licensing = app.token("eg.licensing").await;
    let (status, body) = act(
        &app,
        &licensing,
        id,
        json!({"action": "acknowledge", "version": 1}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "another department: {body}");
    let (status, body) = act(
        &app,
        &officer,
        id,
        json!({"action": "acknowledge", "version": 1}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "acknowledged");
    let (status, body) = act(&app, &officer, id, json!({"action": "start", "version": 1})).await;
    assert_eq!(status, StatusCode::CONFLICT, "stale version: {body}");
    assert_eq!(body["code"], "stale-version");
    let (status, _) = act(&app, &officer, id, json!({"action": "start", "version": 2})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = act(
        &app,
        &officer,
        id,
        json!({"action": "resolve", "version": 3}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a note is required: {body}"
    );
    assert_eq!(body["fields"][0]["field"], "note");
    let (status, body) = act(
        &app,
        &officer,
        id,
        json!({"action": "resolve", "version": 3, "note": "تم تغيير المصباح"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "resolved");
    assert_eq!(body["open311_status"], "closed");

    let open311 = get_json(&app, &format!("/open311/v2/requests/{id}.json")).await;
    assert_eq!(open311[0]["status"], "closed");
    assert_eq!(open311[0]["status_notes"], "تم تغيير المصباح");

    // Only the reporter, with the report's key (its Open311 token), may
    // confirm or reopen, and reopen only once.
    let token = app.app.report(id).await.expect("report").token;
    let reporter = |action: &'static str, key: String| {
        let app = &app;
        async move {
            let response = app
                .client
                .post(app.url(&format!("/api/v1/reports/{id}/reporter-actions")))
                .json(&json!({"action": action, "key": key, "note": "ما زال مطفأ"}))
                .send()
                .await
                .expect("request");
            let status = response.status();
            (status, response.json::<Value>().await.expect("JSON"))
        }
    };
    let (status, body) = reporter("reopen", "sara@example.com".into()).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a contact is not the key: {body}"
    );
    assert_eq!(body["fields"][0]["code"], "not-the-reporter");
    let (status, body) = reporter("reopen", token.clone()).await;
    assert_eq!(status, StatusCode::OK, "with the key: {body}");
    assert_eq!(body["status"], "open");
    assert_eq!(body["reopened"], true);
    let (status, _) = act(
        &app,
        &officer,
        id,
        json!({"action": "resolve", "version": 5, "note": "تم تغيير الكابل"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = reporter("reopen", token.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "only once: {body}");
    let (status, body) = reporter("confirm", token.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["confirmed"], true);
    let actions: Vec<&str> = body["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|h| h["action"].as_str().expect("action"))
        .collect();
    assert_eq!(
        actions,
        [
            "report.submitted",
            "report.acknowledge",
            "report.start",
            "report.resolve",
            "report.reopen",
            "report.resolve",
            "report.confirm"
        ]
    );
    // The reporter heard of each change of status, at the address given.
    let sent = app
        .app
        .store
        .report_notifications(id)
        .await
        .expect("outbox");
    let kinds: Vec<&str> = sent.iter().map(|(k, _, _)| k.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "report_received",
            "report_status",
            "report_status",
            "report_status",
            "report_status",
            "report_status"
        ]
    );
    assert!(sent.iter().all(|(_, to, _)| to == "sara@example.com"));
    assert!(
        sent.iter()
            .all(|(_, _, payload)| !payload.contains("\"link\"")),
        "no links without a public address"
    );

    // With a public address, the reporter's acknowledgement carries their
    // private link.
    let mut linked = app.app.clone();
    linked.settings.public_url = Some("https://baladiya.example".into());
    let submitted = linked
        .submit_report(
            baladiya_app::reports::ReportInput {
                service_code: "waste".into(),
                lat: BADRASHIN.0.into(),
                long: BADRASHIN.1.into(),
                email: "link@example.com".into(),
                ..Default::default()
            },
            baladiya_app::reports::Intake::Web {
                client: "192.0.2.1",
            },
        )
        .await
        .expect("submitted");
    let sent = app
        .app
        .store
        .report_notifications(submitted.id)
        .await
        .expect("outbox");
    let received: Value = serde_json::from_str(&sent[0].2).expect("JSON");
    assert_eq!(
        received["link"],
        format!(
            "https://baladiya.example/reports/{}?key={}",
            submitted.id, submitted.token
        )
    );
    assert_eq!(received["email"], "link@example.com");
    app.stop().await;
}

async fn duplicates_are_suggested_and_merged_with_their_followers(engine: Engine) {
    let Some((app, key)) = spawn(engine).await else {
        return;
    };
    let first = light_out(&app, &key, "29.9000", "31.3000", "first@example.com").await;
    let far = light_out(&app, &key, "29.9020", "31.3000", "far@example.com").await;
    let nearby = get_json(
        &app,
        "/api/v1/reports/nearby?service_code=street-lighting&lat=29.9004&long=31.3000",
    )
    .await;
    let ids: Vec<i64> = nearby
        .as_array()
        .expect("list")
        .iter()
        .map(|r| r["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids, [first], "45 m away is suggested; 180 m is not ({far})");
    assert_eq!(nearby[0]["distance_m"], 44.0);
    let other_kind = get_json(
        &app,
        "/api/v1/reports/nearby?service_code=pothole&lat=29.9004&long=31.3000",
    )
    .await;
    assert_eq!(other_kind, json!([]), "only the same category");

    let second = light_out(&app, &key, "29.9004", "31.3000", "second@example.com").await;
    // Staff see the possible duplicate on the second report's page, the far
    // one not.
    let staff = crate::applications::staff_client(&app, "eg.head").await;
    let staff_page =
        crate::support::html(&staff, app.url(&format!("/staff/reports/{second}?lang=ar"))).await;
    let suggested = staff_page
        .split("بلاغات مفتوحة قريبة قد تكون مكررة")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .expect("possible duplicates");
    assert!(suggested.contains(&format!("href=\"/staff/reports/{first}\"")));
    assert!(suggested.contains("على بعد 44 متر"), "{suggested}");
    assert!(!suggested.contains(&format!("/staff/reports/{far}\"")));
    // The head gives the report to the engineering officer.
    let assigned = staff
        .post(app.url(&format!("/staff/reports/{second}/assign")))
        .form(&[
            ("csrf", crate::support::csrf_of(&staff_page).as_str()),
            ("assignee", "eg.officer"),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(assigned.status(), StatusCode::SEE_OTHER);
    let record = app.app.report(second).await.expect("report");
    assert!(record.assignee.is_some() && record.assigned_to.is_some());
    let response = app
        .client
        .post(app.url(&format!("/api/v1/reports/{second}/followers")))
        .json(&json!({"contact": "01198765432"}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::CREATED);
    let events = app
        .app
        .store
        .events_of("report", second)
        .await
        .expect("events");
    let followed = events
        .iter()
        .find(|(action, _, _)| action == "report.followed")
        .expect("following is an event");
    assert!(
        !followed.2.contains("1198765432"),
        "without the contact itself"
    );
    let head = app.token("eg.head").await;
    let (status, body) = act(
        &app,
        &head,
        second,
        json!({"action": "merge", "version": 1, "duplicate_of": second}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not into itself: {body}"
    );
    let (status, body) = act(
        &app,
        &head,
        second,
        json!({"action": "merge", "version": 1, "duplicate_of": first, "note": "نفس العمود"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "duplicate");
    assert_eq!(body["duplicate_of"], first);
    let followers = app.app.store.followers_of(first).await.expect("followers");
    assert_eq!(
        followers,
        ["+201198765432", "first@example.com", "second@example.com"]
    );
    let (status, _) = act(
        &app,
        &head,
        first,
        json!({"action": "resolve", "version": 1, "note": "تم الإصلاح"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let told: Vec<String> = app
        .app
        .store
        .report_notifications(first)
        .await
        .expect("outbox")
        .into_iter()
        .filter(|(kind, _, _)| kind == "report_status")
        .map(|(_, to, _)| to)
        .collect();
    assert_eq!(told, followers, "followers of both heard of the fix");
    app.stop().await;
}

async fn reporters_personal_data_is_never_public(engine: Engine) {
    let Some((app, key)) = spawn(engine).await else {
        return;
    };
    let (status, body) = post(
        &app,
        "/open311/v2/requests.json",
        &[
            ("api_key", &key),
            ("service_code", "waste"),
            ("lat", BADRASHIN.0),
            ("long", BADRASHIN.1),
            (
                "description",
                "القمامة لم ترفع، كلموني على 01098765432 أو hoda@example.org",
            ),
            ("first_name", "هدى"),
            ("last_name", "السيد"),
            ("email", "hoda@example.org"),
            ("phone", "01098765432"),
            ("device_id", "device-secret-42"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id: Value = serde_json::from_str(&body).expect("JSON");
    let id = id[0]["service_request_id"].as_str().expect("id").to_owned();
    let mut public = Vec::new();
    for path in [
        format!("/open311/v2/requests/{id}.json"),
        format!("/open311/v2/requests/{id}.xml"),
        "/open311/v2/requests.json".to_owned(),
        "/open311/v2/requests.xml".to_owned(),
        format!("/api/v1/reports/{id}"),
        "/api/v1/reports/nearby?service_code=waste&lat=29.90&long=31.30".to_owned(),
        "/open-data/reports.geojson".to_owned(),
        "/open-data/reports.csv".to_owned(),
    ] {
        let (status, body) = get(&app, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(body.contains("القمامة لم ترفع"), "{path} shows the report");
        public.push((path, body));
    }
    for (path, body) in &public {
        for secret in [
            "01098765432",
            "1098765432",
            "hoda@example.org",
            "هدى",
            "السيد",
            "device-secret-42",
        ] {
            assert!(!body.contains(secret), "{path} shows {secret}");
        }
    }
    app.stop().await;
}

/// A 1×1 JPEG carrying an EXIF segment with a GPS position and a name.
fn jpeg_with_exif() -> Vec<u8> {
    let hex = concat!(
        "ffd8ffe000104a46494600010100000100010000",
        "ffe1002a4578696600004750534c617469747564652032392e3836204d6f6e61204164656c0000",
        "ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432",
        "ffc0000b080001000101011100",
        "ffc4001f0000010501010101010100000000000000000102030405060708090a0b",
        "ffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa",
        "ffda0008010100003f00fbd3ffd9"
    );
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}

pub fn report_form(csrf: &str, lat: &str, photo: Option<Vec<u8>>) -> Form {
    let mut form = Form::new()
        .text("csrf", csrf.to_owned())
        .text("service_code", "pothole")
        .text("attribute.pothole.size", "large")
        .text("attribute.street-lighting.problem", "off")
        .text("lat", lat.to_owned())
        .text("long", if lat.is_empty() { "" } else { "31.216" })
        .text("description", "حفرة كبيرة أمام مدخل القرية")
        .text("name", "منى عادل")
        .text("email", "mona@example.net")
        .text("phone", "");
    if let Some(bytes) = photo {
        form = form.part("photo", Part::bytes(bytes).file_name("hole.jpg"));
    }
    form
}

async fn the_pages_work_without_javascript(engine: Engine) {
    let Some((app, _key)) = spawn(engine).await else {
        return;
    };
    let (status, html) = get(&app, "/reports/new").await;
    assert_eq!(status, StatusCode::OK);
    // Personal fields say their purpose (WCAG 1.3.5), here and on the
    // application form.
    for purpose in ["name", "email", "tel"] {
        assert!(
            html.contains(&format!("autocomplete=\"{purpose}\"")),
            "{purpose}"
        );
    }
    let (status, apply) = get(&app, "/services/eg-building-permit/apply").await;
    assert_eq!(status, StatusCode::OK);
    for purpose in ["name", "email", "tel"] {
        assert!(
            apply.contains(&format!("autocomplete=\"{purpose}\"")),
            "apply: {purpose}"
        );
    }
    let csrf = crate::support::csrf_of(&html);
    let response = app
        .client
        .post(app.url("/reports/new"))
        .multipart(report_form(&csrf, "", None))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("html");
    assert!(
        html.contains("error-summary") && html.contains("حدد مكان البلاغ على الخريطة"),
        "{html}"
    );
    assert!(
        html.contains("حفرة كبيرة أمام مدخل القرية"),
        "typed text kept"
    );
    let csrf = crate::support::csrf_of(&html);
    let dirty = jpeg_with_exif();
    assert!(dirty.windows(11).any(|w| w == b"GPSLatitude"));
    let response = app
        .client
        .post(app.url("/reports/new"))
        .multipart(report_form(&csrf, "29.871", Some(dirty)))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = get(&app, &crate::support::location(&response)).await;
    let id = received_number(&html);
    let photo = app
        .client
        .get(app.url(&format!("/reports/{id}/photo")))
        .send()
        .await
        .expect("request");
    assert_eq!(photo.headers()["content-type"], "image/jpeg");
    let photo = photo.bytes().await.expect("bytes");
    assert!(
        !photo.windows(11).any(|w| w == b"GPSLatitude"),
        "EXIF stripped"
    );
    assert!(!photo.windows(4).any(|w| w == b"Mona"), "EXIF stripped");

    let (_, list) = get(&app, "/reports?service_code=pothole&status=open").await;
    assert!(
        list.contains(&format!("href=\"/reports/{id}\"")),
        "the list works without scripts"
    );
    let (_, public) = get(&app, &format!("/reports/{id}?lang=en")).await;
    assert!(public.contains("Pothole") && public.contains("Large"));
    assert!(!public.contains("mona@example.net") && !public.contains("منى عادل"));

    let staff = crate::applications::staff_client(&app, "eg.head").await;
    let inbox = crate::support::html(&staff, app.url("/staff/reports")).await;
    assert!(inbox.contains(&format!("href=\"/staff/reports/{id}\"")));
    for (filter, listed) in [
        ("unit=EG-GZ-BDR-SQR&department=engineering", true),
        ("department=environment", false),
        ("unit=EG-GZ-BDR-MRH", false),
    ] {
        let inbox =
            crate::support::html(&staff, app.url(&format!("/staff/reports?{filter}"))).await;
        assert_eq!(
            inbox.contains(&format!("href=\"/staff/reports/{id}\"")),
            listed,
            "{filter}"
        );
    }
    let page = crate::support::html(&staff, app.url(&format!("/staff/reports/{id}"))).await;
    assert!(page.contains("mona@example.net"), "staff see the reporter");
    let overview = crate::support::html(&staff, app.url("/staff/reports/overview")).await;
    assert!(
        overview.contains("<svg class=\"heatmap\"") && overview.contains("<rect"),
        "the open report is on the heat map"
    );
    let csrf = crate::support::csrf_of(&page);
    let response = staff
        .post(app.url(&format!("/staff/reports/{id}/act")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", "reject"),
            ("version", "1"),
            ("note", ""),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a rejection needs a reason"
    );
    let response = staff
        .post(app.url(&format!("/staff/reports/{id}/act")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", "reject"),
            ("version", "1"),
            ("note", "الحفرة داخل ملكية خاصة"),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // A clerk takes a phone call and records the report for the caller.
    let clerk = crate::applications::staff_client(&app, "eg.clerk").await;
    let form = crate::support::html(&clerk, app.url("/reports/new")).await;
    let response = clerk
        .post(app.url("/reports/new"))
        .multipart(report_form(&crate::support::csrf_of(&form), "29.871", None))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let html = crate::support::html(&clerk, app.url(&crate::support::location(&response))).await;
    let taken = received_number(&html);
    let record = app.app.report(taken).await.expect("stored");
    assert_eq!(record.channel, "staff");
    let page =
        crate::support::html(&staff, app.url(&format!("/staff/reports/{taken}?lang=en"))).await;
    assert!(page.contains("Staff, for a caller"));

    let (_, public) = get(&app, &format!("/reports/{id}?lang=ar")).await;
    assert!(public.contains("مرفوض") && public.contains("الحفرة داخل ملكية خاصة"));
    app.stop().await;
}

async fn an_api_keys_limit_holds_across_servers(engine: Engine) {
    let Some((app, _)) = spawn(engine).await else {
        return;
    };
    let other = app.another_server().await;
    other
        .app
        .set_report_categories(app.app.report_categories().to_vec());
    let key = app.app.issue_api_key("busy app", 5).await.expect("key");
    let outbox = || async { app.app.store.outbox_depth().await.expect("outbox").pending };
    let waiting = outbox().await;
    let mut sent = Vec::new();
    for i in 0..12 {
        let server = if i % 2 == 0 { &app } else { &other };
        let (client, url, key) = (
            server.client.clone(),
            server.url("/open311/v2/requests.json"),
            key.clone(),
        );
        sent.push(tokio::spawn(async move {
            client
                .post(url)
                .form(&[
                    ("api_key", key.as_str()),
                    ("service_code", "waste"),
                    ("lat", BADRASHIN.0),
                    ("long", BADRASHIN.1),
                    ("email", "busy@example.com"),
                ])
                .send()
                .await
                .expect("request")
                .status()
        }));
    }
    let mut statuses = Vec::new();
    for task in sent {
        statuses.push(task.await.expect("joined"));
    }
    let accepted = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let limited = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((accepted, limited), (5, 7), "{statuses:?}");
    let stored = get_json(&app, "/open311/v2/requests.json?service_code=waste").await;
    assert_eq!(
        stored.as_array().expect("list").len(),
        5,
        "refused ones wrote nothing"
    );
    // Written before the key's minute was counted, and undone with the
    // refusal: only the accepted reports' reporter hears back.
    assert_eq!(
        outbox().await,
        waiting + 5,
        "one receipt per accepted report"
    );
    other.stop().await;
    app.stop().await;
}

async fn two_officers_on_two_servers_one_wins(engine: Engine) {
    let Some((app, key)) = spawn(engine).await else {
        return;
    };
    let other = app.another_server().await;
    other
        .app
        .set_report_categories(app.app.report_categories().to_vec());
    let id = light_out(&app, &key, BADRASHIN.0, BADRASHIN.1, "race@example.com").await;
    let (officer, head) = (app.token("eg.officer").await, app.token("eg.head").await);
    let first = act(&app, &officer, id, json!({"action": "start", "version": 1}));
    let second = act(
        &other,
        &head,
        id,
        json!({"action": "reject", "version": 1, "note": "ليس من اختصاص الوحدة"}),
    );
    let ((a, _), (b, _)) = tokio::join!(first, second);
    let mut statuses = [a, b];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::CONFLICT],
        "exactly one wins"
    );
    let report = app.app.report(id).await.expect("report");
    assert_eq!(report.version, 2, "one change, not two");
    let events = app.app.store.events_of("report", id).await.expect("events");
    assert_eq!(events.len(), 2, "submitted + the winner's action");
    other.stop().await;
    app.stop().await;
}

/// Merging X into Y on one server while Y is merged into X on another,
/// thirty times: never both, so no pair ends as duplicates of each other.
async fn crossed_merges_never_both_win(engine: Engine) {
    let Some((app, key)) = spawn(engine).await else {
        return;
    };
    let other = app.another_server().await;
    other
        .app
        .set_report_categories(app.app.report_categories().to_vec());
    let head = app.token("eg.head").await;
    for round in 0..30 {
        let x = light_out(
            &app,
            &key,
            "29.9000",
            "31.3000",
            &format!("x{round}@example.com"),
        )
        .await;
        let y = light_out(
            &app,
            &key,
            "29.9001",
            "31.3000",
            &format!("y{round}@example.com"),
        )
        .await;
        let ((a, _), (b, _)) = tokio::join!(
            act(
                &app,
                &head,
                x,
                json!({"action": "merge", "version": 1, "duplicate_of": y})
            ),
            act(
                &other,
                &head,
                y,
                json!({"action": "merge", "version": 1, "duplicate_of": x})
            ),
        );
        let won = [a, b].iter().filter(|s| **s == StatusCode::OK).count();
        assert_eq!(won, 1, "round {round}: exactly one merge wins ({a}, {b})");
        let (rx, ry) = (
            app.app.report(x).await.expect("x"),
            app.app.report(y).await.expect("y"),
        );
        assert!(
            rx.status.is_open() != ry.status.is_open(),
            "round {round}: one report stays open"
        );
    }
    other.stop().await;
    app.stop().await;
}

/// An officer merges only into an open report of the same category that
/// they handle themselves.
async fn merges_need_an_open_target_of_the_same_kind_that_is_yours(engine: Engine) {
    let Some((app, key)) = spawn(engine).await else {
        return;
    };
    let officer = app.token("eg.officer").await;
    let report = light_out(&app, &key, BADRASHIN.0, BADRASHIN.1, "a@example.com").await;
    let in_awsim = light_out(&app, &key, "30.10", "31.14", "b@example.com").await;
    let resolved = light_out(&app, &key, BADRASHIN.0, BADRASHIN.1, "c@example.com").await;
    let (status, body) = act(
        &app,
        &officer,
        resolved,
        json!({"action": "resolve", "version": 1, "note": "تم الإصلاح"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = post(
        &app,
        "/open311/v2/requests.json",
        &[
            ("api_key", key.as_str()),
            ("service_code", "pothole"),
            ("lat", BADRASHIN.0),
            ("long", BADRASHIN.1),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let pothole: i64 = serde_json::from_str::<Value>(&body).expect("JSON")[0]["service_request_id"]
        .as_str()
        .and_then(|id| id.parse().ok())
        .expect("id");
    for (target, code) in [
        (in_awsim, "merge-target-forbidden"),
        (pothole, "merge-target-other-category"),
        (resolved, "merge-target-invalid"),
    ] {
        let (status, body) = act(
            &app,
            &officer,
            report,
            json!({"action": "merge", "version": 1, "duplicate_of": target}),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["fields"][0]["code"], code, "{body}");
        let events = app
            .app
            .store
            .events_of("report", target)
            .await
            .expect("events");
        assert!(
            events
                .iter()
                .all(|(action, _, _)| action != "report.merged_in"),
            "nothing written on the other report"
        );
    }
    assert_eq!(app.app.report(report).await.expect("report").version, 1);
    app.stop().await;
}

/// A citizen who names a landmark instead of tapping the map: the report
/// is placed at the landmark, in its unit; the form offers the landmarks
/// beside the units to move the map to.
async fn a_landmark_places_a_report(engine: Engine) {
    let Some((app, key)) = spawn(engine).await else {
        return;
    };
    let (status, body) = post(
        &app,
        "/open311/v2/requests.json",
        &[
            ("api_key", key.as_str()),
            ("service_code", "waste"),
            ("address_string", "أكوام قمامة بجوار هرم زوسر المدرج"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let created: Value = serde_json::from_str(&body).expect("json");
    let id: i64 = created[0]["service_request_id"]
        .as_str()
        .expect("id")
        .parse()
        .expect("number");
    let record = app.app.report(id).await.expect("stored");
    assert_eq!((record.lat, record.lon), (29.8713, 31.2165));
    assert_eq!(record.unit_code, "EG-GZ-BDR-SQR", "routed to Saqqara");
    let (_, form) = get(&app, "/reports/new?lang=ar").await;
    assert!(form.contains("<option value=\"@29.8713,31.2165\">هرم زوسر المدرج</option>"));
    app.stop().await;
}

/// Citizen reports as a process-mining log of their own (IEEE XES): a
/// trace per report, its department's and its reporter's activities, and
/// the filters of the applications' log with a category for a service.
async fn citizen_reports_are_an_event_log_too(engine: Engine) {
    let Some((app, key)) = spawn(engine).await else {
        return;
    };
    let fixed = light_out(&app, &key, BADRASHIN.0, BADRASHIN.1, "sara@example.com").await;
    let waiting = light_out(&app, &key, BADRASHIN.0, BADRASHIN.1, "amr@example.com").await;
    let officer = app.token("eg.officer").await;
    for (version, action) in [(1, "acknowledge"), (2, "start")] {
        let (status, body) = act(
            &app,
            &officer,
            fixed,
            json!({"action": action, "version": version}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, body) = act(
        &app,
        &officer,
        fixed,
        json!({"action": "resolve", "version": 3, "note": "تم تغيير المصباح"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let head = app.token("eg.head").await;
    let xes = |query: &str| {
        let request = app
            .client
            .get(app.url(&format!("/api/v1/process/reports.xes{query}")))
            .bearer_auth(&head);
        async move {
            let response = request.send().await.expect("request");
            (response.status(), response.text().await.expect("body"))
        }
    };
    let (status, log) = xes("?service=street-lighting&channel=api").await;
    assert_eq!(status, StatusCode::OK, "{log}");
    assert!(log.contains("xes.version=\"1849-2016\""));
    assert_eq!(log.matches("<trace>").count(), 2);
    let trace = log
        .split("<trace>")
        .find(|t| t.contains(&format!("\"report-{fixed}\"")))
        .expect("the fixed report's trace");
    let activities: Vec<&str> = trace
        .split("key=\"concept:name\" value=\"")
        .skip(2)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert_eq!(activities, ["submitted", "acknowledge", "start", "resolve"]);
    assert!(trace.contains("value=\"reporter\"") && trace.contains("value=\"engineering\""));
    assert!(log.contains(&format!("\"report-{waiting}\"")));
    let (_, none) = xes("?channel=web").await;
    assert_eq!(none.matches("<trace>").count(), 0, "both came by Open311");
    for wrong in ["?service=EG-BUILDING-PERMIT", "?channel=online"] {
        let (status, body) = xes(wrong).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{wrong}: {body}");
    }
    app.stop().await;
}
