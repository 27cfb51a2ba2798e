//! Sending forms as citizens do: a submission is made once (a reload of the
//! confirmation, a second click, the same form sent again or an API
//! client's retry never files a second application or report:
//! POST-redirect-GET and idempotency keys), and a form sent with errors
//! says every one of them and keeps the files already chosen.

use reqwest::StatusCode;
use reqwest::multipart::Form;
use serde_json::Value;

use crate::applications::{PDF, PNG, count, form, renewal_form};
use crate::reports::{BADRASHIN, report_form};
use crate::support::{Engine, TestApp, csrf_of, hidden_of, location};

crate::on_both_engines!(
    the_application_form_redirects_and_a_repeat_files_nothing,
    the_report_form_redirects_and_a_repeat_files_nothing,
    an_api_retry_with_the_same_idempotency_key_files_once,
    a_form_with_errors_says_all_of_them_and_keeps_the_chosen_files,
);

async fn page(app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = app.client.get(app.url(path)).send().await.expect("request");
    (response.status(), response.text().await.expect("body"))
}

async fn the_application_form_redirects_and_a_repeat_files_nothing(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let (_, form) = page(&app, "/services/EG-SHOP-LICENSE-RENEWAL/apply").await;
    let (csrf, key) = (csrf_of(&form), hidden_of(&form, "idempotency_key"));
    assert_eq!(key.len(), 32, "a fresh random key per form");
    let filled = || {
        renewal_form()
            .text("csrf", csrf.clone())
            .text("idempotency_key", key.clone())
    };
    let before = count(&app, "applications").await;
    let send = |form: Form| {
        app.client
            .post(app.url("/services/EG-SHOP-LICENSE-RENEWAL/apply"))
            .multipart(form)
            .send()
    };
    let first = send(filled()).await.expect("request");
    assert_eq!(first.status(), StatusCode::SEE_OTHER, "post, redirect, get");
    let confirmation = location(&first);
    assert_eq!(
        confirmation,
        format!("/services/EG-SHOP-LICENSE-RENEWAL/submitted/{key}")
    );
    let (status, shown) = page(&app, &confirmation).await;
    assert_eq!(status, StatusCode::OK);
    let tracking = hidden_tracking(&shown);
    // A reload of the confirmation, and the same form sent again (a double
    // click, or back and send): the first application, nothing new.
    let (_, again) = page(&app, &confirmation).await;
    assert_eq!(hidden_tracking(&again), tracking);
    let second = send(filled()).await.expect("request");
    assert_eq!(second.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&second), confirmation);
    assert_eq!(count(&app, "applications").await, before + 1);
    assert_eq!(
        count(&app, "notifications").await,
        1,
        "one acknowledgement, not two"
    );
    // A key nobody used shows nothing.
    let (status, _) = page(
        &app,
        "/services/EG-SHOP-LICENSE-RENEWAL/submitted/0123456789abcdef0123456789abcdef",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Another form (a new key) is another application.
    let (_, form) = page(&app, "/services/EG-SHOP-LICENSE-RENEWAL/apply").await;
    let other = hidden_of(&form, "idempotency_key");
    assert_ne!(other, key);
    let third = send(
        renewal_form()
            .text("csrf", csrf_of(&form))
            .text("idempotency_key", other),
    )
    .await
    .expect("request");
    assert_eq!(third.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "applications").await, before + 2);
    app.stop().await;
}

/// The tracking number a confirmation page shows.
fn hidden_tracking(html: &str) -> String {
    html.split("class=\"tracking-number\"")
        .nth(1)
        .and_then(|rest| rest.split('>').nth(1))
        .and_then(|rest| rest.split('<').next())
        .map(str::to_owned)
        .expect("a tracking number")
}

async fn the_report_form_redirects_and_a_repeat_files_nothing(engine: Engine) {
    let Some((app, _)) = crate::reports::spawn(engine).await else {
        return;
    };
    let (_, form) = page(&app, "/reports/new").await;
    let (csrf, key) = (csrf_of(&form), hidden_of(&form, "idempotency_key"));
    let before = count(&app, "reports").await;
    let send = || {
        app.client
            .post(app.url("/reports/new"))
            .multipart(report_form(&csrf, "29.871", None).text("idempotency_key", key.clone()))
            .send()
    };
    // Two clicks at once.
    let (a, b) = tokio::join!(send(), send());
    let (a, b) = (a.expect("request"), b.expect("request"));
    assert_eq!(a.status(), StatusCode::SEE_OTHER);
    assert_eq!(b.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&a), location(&b), "both answered with one report");
    let received = location(&a);
    assert!(received.contains("/received?key="), "{received}");
    let (status, html) = page(&app, &received).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("class=\"tracking-number\">#"), "{html}");
    let (status, _) = page(&app, received.split('?').next().expect("path")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not without the private key");
    let late = send().await.expect("request");
    assert_eq!(location(&late), received);
    assert_eq!(count(&app, "reports").await, before + 1);
    app.stop().await;
}

async fn an_api_retry_with_the_same_idempotency_key_files_once(engine: Engine) {
    let Some((app, api_key)) = crate::reports::spawn(engine).await else {
        return;
    };
    let other_key = app
        .app
        .issue_api_key("another app", 100)
        .await
        .expect("key");
    let open311 = |api_key: &str, description: &str, idempotency: &str| {
        app.client
            .post(app.url("/open311/v2/requests.json"))
            .header("Idempotency-Key", idempotency)
            .form(&[
                ("api_key", api_key),
                ("service_code", "waste"),
                ("lat", BADRASHIN.0),
                ("long", BADRASHIN.1),
                ("description", description),
            ])
            .send()
    };
    let id_of = |body: &Value| body[0]["service_request_id"].as_str().map(str::to_owned);
    let before = count(&app, "reports").await;
    let (a, b) = tokio::join!(
        open311(&api_key, "أكياس قمامة", "\"retry-1\""),
        open311(&api_key, "أكياس قمامة", "\"retry-1\"")
    );
    let a: Value = a.expect("request").json().await.expect("json");
    let b: Value = b.expect("request").json().await.expect("json");
    assert!(id_of(&a).is_some(), "{a}");
    assert_eq!(
        id_of(&a),
        id_of(&b),
        "a retry is the first request's answer"
    );
    assert_eq!(count(&app, "reports").await, before + 1);
    // The key with another request is refused, naming the key.
    let reused = open311(&api_key, "شيء آخر", "retry-1")
        .await
        .expect("request");
    assert_eq!(reused.status(), StatusCode::BAD_REQUEST);
    let body = reused.text().await.expect("body");
    assert!(body.contains("idempotency"), "{body}");
    // Keys are per client: another app's "retry-1" is its own.
    let theirs: Value = open311(&other_key, "أكياس قمامة", "retry-1")
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_ne!(id_of(&theirs), id_of(&a));
    assert_eq!(count(&app, "reports").await, before + 2);

    // The applications API: the same, with the header.
    let submit = || {
        app.client
            .post(app.url("/api/v1/applications"))
            .header("Idempotency-Key", "9f1c2b7e-application")
            .multipart(renewal_form())
            .send()
    };
    let first = submit().await.expect("request");
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.expect("json");
    let retry = submit().await.expect("request");
    assert_eq!(retry.status(), StatusCode::CREATED);
    let retry: Value = retry.json().await.expect("json");
    assert_eq!(first["tracking_number"], retry["tracking_number"]);
    assert_eq!(count(&app, "applications").await, 1);
    let bad = app
        .client
        .post(app.url("/api/v1/applications"))
        .header("Idempotency-Key", "has spaces in it")
        .multipart(renewal_form())
        .send()
        .await
        .expect("request");
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.stop().await;
}

async fn a_form_with_errors_says_all_of_them_and_keeps_the_chosen_files(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let path = "/services/EG-SHOP-LICENSE-RENEWAL/apply";
    let (_, page_html) = page(&app, path).await;
    let (csrf, key) = (
        csrf_of(&page_html),
        hidden_of(&page_html, "idempotency_key"),
    );
    let send = |form: Form| {
        app.client
            .post(app.url(path))
            .multipart(
                form.text("csrf", csrf.clone())
                    .text("idempotency_key", key.clone()),
            )
            .send()
    };
    // An empty form: every wrong field at once, each named, the unit
    // "required" (not "no unit has this code").
    let empty = send(Form::new()).await.expect("request");
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = empty.text().await.expect("html");
    let summary = html
        .split("class=\"error-summary\"")
        .nth(1)
        .and_then(|s| s.split("</div>").next())
        .expect("an error summary");
    for anchor in [
        "#unit",
        "#applicant_name",
        "#applicant_id",
        "#applicant_phone",
        "#field-license_number",
        "#document-national-id-copy",
        "#document-current-license",
    ] {
        assert!(summary.contains(anchor), "{anchor} in {summary}");
    }
    assert!(!html.contains("لا توجد وحدة بهذا الرمز"), "{summary}");
    assert!(summary.contains("هذا الحقل مطلوب"), "{summary}");
    assert!(
        html.contains("src=\"/assets/app.js\""),
        "focus moves to the summary"
    );

    // Both files are fine but a field is missing: the files are held.
    let with_files = form(
        "EG-SHOP-LICENSE-RENEWAL",
        "EG-GZ-BDR",
        &[("address", "البدرشين")],
        &[
            ("national-id-copy", PNG, "id.png"),
            ("current-license", PDF, "license.pdf"),
        ],
    );
    let refused = send(with_files).await.expect("request");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.expect("html");
    assert!(html.contains("#field-license_number"), "the missing field");
    assert!(
        !html.contains("#document-national-id-copy") && !html.contains("#document-current-license"),
        "the files are not asked for again"
    );
    for name in ["id.png", "license.pdf"] {
        assert!(
            html.contains(&format!("<bdi>{name} · 1 كيلوبايت</bdi>")),
            "{name} held"
        );
    }
    // The next attempt sends no file at all and is complete.
    let complete = form(
        "EG-SHOP-LICENSE-RENEWAL",
        "EG-GZ-BDR",
        &[("license_number", "BDR/2019/553"), ("address", "البدرشين")],
        &[],
    );
    let done = send(complete).await.expect("request");
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "applications").await, 1);
    assert_eq!(count(&app, "application_documents").await, 2);
    app.stop().await;
}
