//! HTTP tests against the real server on a real port, on both engines.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Engine, TestApp, csrf_of};

crate::on_both_engines!(
    health_names_engine_and_schema,
    health_answers_503_when_the_database_is_gone,
    pages_are_arabic_rtl_by_default_and_english_on_request,
    staff_sign_in_with_a_form_lists_only_their_units,
    forms_without_the_anti_forgery_token_are_refused,
    wrong_passwords_lock_the_account_for_a_while,
    concurrent_guesses_get_no_more_tries,
    one_client_guessing_many_names_is_throttled,
    sign_out_ends_the_session,
    api_tokens_and_unit_visibility,
    a_user_of_one_unit_is_denied_another,
    bad_json_gets_a_clear_4xx_and_nothing_is_written,
    administrators_manage_users_within_their_units,
    hierarchy_rules_are_enforced_over_the_api,
    every_response_has_a_request_id_and_security_headers,
);

async fn spawn(engine: Engine) -> Option<TestApp> {
    TestApp::spawn(engine).await
}

async fn body_json(response: reqwest::Response) -> Value {
    response.json().await.expect("JSON body")
}

async fn health_names_engine_and_schema(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let response = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::OK);
    let body = body_json(response).await;
    let name = match engine {
        Engine::Sqlite => "sqlite",
        Engine::Postgres => "postgres",
    };
    assert_eq!(body["engine"], name);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["schema_version"], body["supported_schema_version"]);
    app.stop().await;
}

async fn health_answers_503_when_the_database_is_gone(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    app.app.store.close().await;
    let response = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body_json(response).await["status"], "unavailable");
    app.stop().await;
}

async fn pages_are_arabic_rtl_by_default_and_english_on_request(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let home = app.client.get(app.url("/")).send().await.expect("request");
    assert_eq!(home.status(), StatusCode::OK);
    let html = home.text().await.expect("html");
    assert!(html.contains(r#"<html lang="ar" dir="rtl">"#));
    assert!(html.contains("خدمات البلدية الرقمية"));

    let english = app
        .client
        .get(app.url("/?lang=en"))
        .send()
        .await
        .expect("request");
    let cookie = english
        .headers()
        .get("set-cookie")
        .expect("remembers")
        .to_str()
        .expect("text")
        .to_owned();
    assert!(cookie.starts_with("lang=en"), "{cookie}");
    let html = english.text().await.expect("html");
    assert!(html.contains(r#"<html lang="en" dir="ltr">"#));
    assert!(html.contains("Digital municipal services"));
    // Remembered without the parameter.
    let again = app
        .client
        .get(app.url("/login"))
        .send()
        .await
        .expect("request");
    assert!(again.text().await.expect("html").contains("Staff sign in"));
    // A browser that prefers English gets English on its first visit.
    let fresh = app.new_client();
    let html = fresh
        .get(app.url("/"))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("html");
    assert!(html.contains(r#"dir="ltr""#));
    // The font and stylesheet are served from the binary.
    let css = app
        .client
        .get(app.url("/assets/app.css"))
        .send()
        .await
        .expect("request");
    assert_eq!(css.status(), StatusCode::OK);
    assert!(
        css.text()
            .await
            .expect("css")
            .contains("IBM Plex Sans Arabic")
    );
    let font = app
        .client
        .get(app.url("/assets/fonts/ibm-plex-sans-arabic-arabic-400-normal.woff2"))
        .send()
        .await
        .expect("request");
    assert_eq!(font.headers()["content-type"], "font/woff2");
    assert_eq!(&font.bytes().await.expect("bytes")[..4], b"wOF2");
    let missing = app
        .client
        .get(app.url("/no/such/page"))
        .send()
        .await
        .expect("request");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(
        missing
            .text()
            .await
            .expect("html")
            .contains("does not exist")
    );
    app.stop().await;
}

/// Signs in through the form as a browser would; returns the client.
async fn sign_in(
    app: &TestApp,
    username: &str,
    password: &str,
) -> (reqwest::Client, reqwest::Response) {
    let client = app.new_client();
    let form = client.get(app.url("/login")).send().await.expect("request");
    assert_eq!(form.status(), StatusCode::OK);
    let csrf = csrf_of(&form.text().await.expect("html"));
    let response = client
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", username),
            ("password", password),
        ])
        .send()
        .await
        .expect("request");
    (client, response)
}

async fn staff_sign_in_with_a_form_lists_only_their_units(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    // Not signed in: sent to the sign-in page, and back afterwards.
    let anonymous = app
        .client
        .get(app.url("/staff"))
        .send()
        .await
        .expect("request");
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert_eq!(anonymous.headers()["location"], "/login?next=/staff");

    let (client, response) = sign_in(&app, "eg.clerk", "baladiya-demo").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/staff");
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().expect("text").to_owned())
        .find(|c| c.starts_with("baladiya_session="))
        .expect("session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    let html = client
        .get(app.url("/staff"))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("html");
    assert!(html.contains("مركز ومدينة البدرشين"));
    assert!(
        html.contains("الوحدة المحلية لقرية سقارة"),
        "villages below are visible"
    );
    assert!(!html.contains("أوسيم"), "a sibling markaz is not");
    assert!(!html.contains("محافظة الجيزة"), "nor the governorate above");
    assert!(
        html.contains("تستطيع متابعة 3 وحدات."),
        "Arabic plural for three"
    );

    let (viewer, _) = sign_in(&app, "eg.viewer", "baladiya-demo").await;
    let html = viewer
        .get(app.url("/staff?lang=en"))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("You can follow 7 units."),
        "governorate and everything below"
    );
    assert!(!html.contains("Khobar"), "not another country's units");
    app.stop().await;
}

async fn forms_without_the_anti_forgery_token_are_refused(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let client = app.new_client();
    client.get(app.url("/login")).send().await.expect("request");
    let forged = client
        .post(app.url("/login"))
        .form(&[
            ("csrf", "0".repeat(64).as_str()),
            ("username", "eg.clerk"),
            ("password", "baladiya-demo"),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(
        forged
            .text()
            .await
            .expect("html")
            .contains("انتهت صلاحية النموذج")
    );
    let still_out = client.get(app.url("/staff")).send().await.expect("request");
    assert_eq!(
        still_out.status(),
        StatusCode::SEE_OTHER,
        "no session was opened"
    );

    let not_a_form = client
        .post(app.url("/login"))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .expect("request");
    assert_eq!(not_a_form.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(
        not_a_form
            .text()
            .await
            .expect("html")
            .contains("نوع محتوى الطلب غير مدعوم")
    );

    let (client, _) = sign_in(&app, "eg.clerk", "baladiya-demo").await;
    let logout = client
        .post(app.url("/logout"))
        .form(&[("csrf", "wrong")])
        .send()
        .await
        .expect("request");
    assert_eq!(logout.status(), StatusCode::FORBIDDEN);
    let still_in = client.get(app.url("/staff")).send().await.expect("request");
    assert_eq!(
        still_in.status(),
        StatusCode::OK,
        "a forged sign-out does nothing"
    );
    app.stop().await;
}

async fn wrong_passwords_lock_the_account_for_a_while(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let (_, empty) = sign_in(&app, "", "").await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = empty.text().await.expect("html");
    assert!(
        html.contains("يوجد خطأ")
            && html.contains(r##"href="#username""##)
            && html.contains(r##"href="#password""##)
    );

    let (_, wrong) = sign_in(&app, "eg.head", "not-the-password").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let html = wrong.text().await.expect("html");
    assert!(html.contains("اسم المستخدم أو كلمة المرور غير صحيحة"));
    assert!(html.contains(r#"value="eg.head""#), "the username is kept");
    let (_, unknown) = sign_in(&app, "no.such.user", "whatever-password").await;
    assert_eq!(
        unknown.status(),
        StatusCode::UNAUTHORIZED,
        "same answer for unknown users"
    );

    for _ in 0..3 {
        let (_, r) = sign_in(&app, "eg.head", "not-the-password").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let (_, fifth) = sign_in(&app, "eg.head", "not-the-password").await;
    assert_eq!(fifth.status(), StatusCode::UNAUTHORIZED, "five tries");
    let (_, sixth) = sign_in(&app, "eg.head", "not-the-password").await;
    assert_eq!(sixth.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(sixth.headers().contains_key("retry-after"));
    assert!(sixth.text().await.expect("html").contains("15 دقيقة"));
    // Waiting: even the right password is refused now, over the API too.
    let (_, right) = sign_in(&app, "eg.head", "baladiya-demo").await;
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
    let api = app
        .client
        .post(app.url("/api/v1/auth/token?lang=en"))
        .json(&json!({"username": "eg.head", "password": "baladiya-demo"}))
        .send()
        .await
        .expect("request");
    assert_eq!(api.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(api.headers().contains_key("retry-after"));
    let body = body_json(api).await;
    assert_eq!(body["code"], "account-locked");
    assert!(
        body["message"]
            .as_str()
            .expect("message")
            .contains("15 minutes")
    );
    // An unknown name is answered exactly alike: nothing tells which exist.
    for _ in 0..4 {
        let (_, r) = sign_in(&app, "no.such.user", "whatever-password").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let unknown = app
        .client
        .post(app.url("/api/v1/auth/token?lang=en"))
        .json(&json!({"username": "no.such.user", "password": "baladiya-demo"}))
        .send()
        .await
        .expect("request");
    assert_eq!(unknown.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body_json(unknown).await["code"], "account-locked");
    // Other names from this client are not affected…
    let (_, other) = sign_in(&app, "eg.clerk", "baladiya-demo").await;
    assert_eq!(other.status(), StatusCode::SEE_OTHER);
    // …and the owner, from their own connection, is never locked out.
    let owner = app
        .client_from("127.0.0.2")
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({"username": "eg.head", "password": "baladiya-demo"}))
        .send()
        .await
        .expect("request");
    assert_eq!(owner.status(), StatusCode::CREATED);
    app.stop().await;
}

/// Thirty wrong guesses at once, over two servers: only five are checked
/// at all (the rest are refused before any hashing), and then even the
/// right password waits — sending guesses together buys no more tries.
async fn concurrent_guesses_get_no_more_tries(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let second = app.another_server().await;
    let mut tasks = Vec::new();
    for i in 0..30 {
        let url = if i % 2 == 0 {
            app.url("/api/v1/auth/token")
        } else {
            second.url("/api/v1/auth/token")
        };
        let client = app.new_client();
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .json(&json!({"username": "eg.head", "password": "a-wrong-guess"}))
                .send()
                .await
                .expect("request")
                .status()
        }));
    }
    let mut checked = 0;
    for task in tasks {
        match task.await.expect("task") {
            StatusCode::TOO_MANY_REQUESTS => {}
            StatusCode::UNAUTHORIZED => checked += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(checked, 5, "exactly the five allowed attempts were checked");
    let right = app
        .client
        .post(second.url("/api/v1/auth/token"))
        .json(&json!({"username": "eg.head", "password": "baladiya-demo"}))
        .send()
        .await
        .expect("request");
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
    second.stop().await;
    app.stop().await;
}

/// A client that makes many wrong sign-ins under many names is stopped
/// too, whatever the names.
async fn one_client_guessing_many_names_is_throttled(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let client = app.client_from("127.0.0.3");
    let mut statuses = Vec::new();
    for i in 0..21 {
        let response = client
            .post(app.url("/api/v1/auth/token"))
            .json(&json!({"username": format!("guess.{i}"), "password": "whatever"}))
            .send()
            .await
            .expect("request");
        statuses.push(response.status());
        if i == 20 {
            assert!(response.headers().contains_key("retry-after"));
            assert_eq!(body_json(response).await["code"], "too-many-attempts");
        }
    }
    assert!(
        statuses[..20]
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED)
    );
    assert_eq!(statuses[20], StatusCode::TOO_MANY_REQUESTS);
    app.stop().await;
}

async fn sign_out_ends_the_session(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let (client, _) = sign_in(&app, "sa.clerk", "baladiya-demo").await;
    let html = client
        .get(app.url("/staff"))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("html");
    assert!(html.contains("بلدية محافظة الخبر"));
    let csrf = csrf_of(&html);
    let out = client
        .post(app.url("/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("request");
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let after = client.get(app.url("/staff")).send().await.expect("request");
    assert_eq!(after.status(), StatusCode::SEE_OTHER, "signed out");
    app.stop().await;
}

async fn api_tokens_and_unit_visibility(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let token = app.token("sa.officer").await;
    let me = body_json(
        app.client
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(me["username"], "sa.officer");
    assert_eq!(me["grants"][0]["role"], "department_officer");
    assert_eq!(me["grants"][0]["department"], "engineering");
    let units = body_json(
        app.client
            .get(app.url("/api/v1/units"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("request"),
    )
    .await;
    let codes: Vec<&str> = units
        .as_array()
        .expect("list")
        .iter()
        .map(|u| u["code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes, ["SA-04-KHB", "SA-04-KHB-THQ"]);
    let unit = body_json(
        app.client
            .get(app.url("/api/v1/units/SA-04-KHB"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(unit["country"], "SA");
    assert_eq!(unit["kind"], "municipality");
    assert!(
        unit["departments"]
            .as_array()
            .expect("departments")
            .iter()
            .any(|d| d["kind"] == "civil_defense_liaison")
    );

    let revoke = app
        .client
        .delete(app.url("/api/v1/auth/token"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("request");
    assert_eq!(revoke.status(), StatusCode::NO_CONTENT);
    let after = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("request");
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    assert!(
        after.headers()["www-authenticate"]
            .to_str()
            .expect("text")
            .starts_with("Bearer")
    );
    assert_eq!(body_json(after).await["code"], "unauthenticated");
    let none = app
        .client
        .get(app.url("/api/v1/units"))
        .send()
        .await
        .expect("request");
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    app.stop().await;
}

async fn a_user_of_one_unit_is_denied_another(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let token = app.token("eg.clerk").await;
    let own = app
        .client
        .get(app.url("/api/v1/units/EG-GZ-BDR-SQR"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("request");
    assert_eq!(own.status(), StatusCode::OK);
    for other in ["EG-GZ-AWS", "EG-GZ-AWS-BRT", "EG-GZ", "SA-04-KHB"] {
        let response = app
            .client
            .get(app.url(&format!("/api/v1/units/{other}")))
            .bearer_auth(&token)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{other}");
        let body = body_json(response).await;
        assert_eq!(body["code"], "forbidden");
        assert_eq!(
            body["message"],
            "ليست لديك صلاحية للقيام بهذا في هذه الوحدة."
        );
    }
    let missing = app
        .client
        .get(app.url("/api/v1/units/NO-SUCH"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("request");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    // The page says the same.
    let (client, _) = sign_in(&app, "eg.clerk.awsim", "baladiya-demo").await;
    let page = client
        .get(app.url("/staff/units/EG-GZ-BDR?lang=en"))
        .send()
        .await
        .expect("request");
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    assert!(
        page.text()
            .await
            .expect("html")
            .contains("You are not allowed")
    );
    let own_page = client
        .get(app.url("/staff/units/EG-GZ-AWS"))
        .send()
        .await
        .expect("request");
    assert_eq!(own_page.status(), StatusCode::OK);
    assert!(
        own_page
            .text()
            .await
            .expect("html")
            .contains("Engineering (Building Control)"),
        "English remembered"
    );
    app.stop().await;
}

async fn count_users(app: &TestApp) -> usize {
    match &app.app.store {
        baladiya_store::Store::Sqlite(baladiya_store::SqliteStore { pool, .. }) => {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users")
                .fetch_one(pool)
                .await
        }
        baladiya_store::Store::Postgres(pool) => {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users")
                .fetch_one(pool)
                .await
        }
    }
    .expect("count") as usize
}

async fn bad_json_gets_a_clear_4xx_and_nothing_is_written(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let token = app.token("eg.admin").await;
    let before = count_users(&app).await;
    let url = app.url("/api/v1/users?lang=en");
    let cases: Vec<(&str, &str, StatusCode, &str)> = vec![
        (
            "application/json",
            "{not json",
            StatusCode::BAD_REQUEST,
            "malformed-body",
        ),
        (
            "application/json",
            r#"{"username":"x.y","full_name":"x","password":12}"#,
            StatusCode::BAD_REQUEST,
            "malformed-body",
        ),
        (
            "application/json",
            r#"{"username":"new.one","full_name":"x","password":"long enough pw","admin":true}"#,
            StatusCode::BAD_REQUEST,
            "malformed-body",
        ),
        (
            "text/plain",
            r#"{"username":"new.one","full_name":"x","password":"long enough pw"}"#,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
        ),
    ];
    for (content_type, body, status, code) in cases {
        let response = app
            .client
            .post(&url)
            .bearer_auth(&token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), status, "{body}");
        let json = body_json(response).await;
        assert_eq!(json["code"], code, "{body}");
        assert!(!json["message"].as_str().expect("message").is_empty());
    }
    let huge = format!(
        r#"{{"username":"big","full_name":"{}","password":"long enough pw"}}"#,
        "x".repeat(80_000)
    );
    let response = app
        .client
        .post(&url)
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body_json(response).await["code"], "payload-too-large");

    let invalid = app
        .client
        .post(&url)
        .bearer_auth(&token)
        .json(&json!({"username": "a", "full_name": " ", "password": "short"}))
        .send()
        .await
        .expect("request");
    assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = body_json(invalid).await;
    assert_eq!(body["code"], "invalid-input");
    let fields: Vec<(&str, &str)> = body["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| {
            (
                f["field"].as_str().expect("field"),
                f["code"].as_str().expect("code"),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("username", "username-length"),
            ("full_name", "required"),
            ("password", "password-too-short")
        ]
    );
    assert_eq!(
        body["fields"][2]["message"],
        "The password must have at least 10 characters."
    );
    assert_eq!(count_users(&app).await, before, "nothing was written");
    app.stop().await;
}

async fn administrators_manage_users_within_their_units(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let admin = app.token("eg.admin").await;
    let created = app
        .client
        .post(app.url("/api/v1/users"))
        .bearer_auth(&admin)
        .json(&json!({"username": "New.Clerk", "full_name": "أ. سارة حسن", "password": "a long passphrase"}))
        .send()
        .await
        .expect("request");
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(body_json(created).await["username"], "new.clerk");
    let again = app
        .client
        .post(app.url("/api/v1/users"))
        .bearer_auth(&admin)
        .json(&json!({"username": "new.clerk", "full_name": "x", "password": "a long passphrase"}))
        .send()
        .await
        .expect("request");
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert_eq!(body_json(again).await["code"], "username-taken");

    let grant = |unit: &'static str| {
        app.client
            .post(app.url("/api/v1/users/new.clerk/grants"))
            .bearer_auth(&admin)
            .json(&json!({"role": "clerk", "unit": unit}))
            .send()
    };
    assert_eq!(
        grant("EG-GZ-AWS-BRT").await.expect("request").status(),
        StatusCode::CREATED
    );
    assert_eq!(
        grant("EG-GZ-AWS-BRT").await.expect("request").status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        grant("SA-04-KHB").await.expect("request").status(),
        StatusCode::FORBIDDEN,
        "not another country's admin"
    );

    let new_token = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({"username": "new.clerk", "password": "a long passphrase"}))
        .send()
        .await
        .expect("request");
    assert_eq!(new_token.status(), StatusCode::CREATED);

    let clerk = app.token("eg.clerk").await;
    let denied = app
        .client
        .post(app.url("/api/v1/users"))
        .bearer_auth(&clerk)
        .json(&json!({"username": "sneaky", "full_name": "x", "password": "a long passphrase"}))
        .send()
        .await
        .expect("request");
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

async fn hierarchy_rules_are_enforced_over_the_api(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let admin = app.token("eg.admin").await;
    let create = |body: Value| {
        app.client
            .post(app.url("/api/v1/units"))
            .bearer_auth(&admin)
            .json(&body)
            .send()
    };
    let village_under_governorate = create(json!({
        "code": "EG-GZ-X", "kind": "village", "name_ar": "قرية", "name_en": "Village", "parent": "EG-GZ"
    }))
    .await
    .expect("request");
    assert_eq!(
        village_under_governorate.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        body_json(village_under_governorate).await["fields"][0]["code"],
        "unit-kind-not-allowed-here"
    );
    let district = create(json!({
        "code": "EG-GZ-BDR-D1", "kind": "district", "name_ar": "حي أول البدرشين", "name_en": "Badrashin First District", "parent": "EG-GZ-BDR"
    }))
    .await
    .expect("request");
    assert_eq!(district.status(), StatusCode::CREATED);
    let body = body_json(district).await;
    assert_eq!(body["code"], "EG-GZ-BDR-D1");
    let root = create(
        json!({"code": "EG-CAI", "kind": "governorate", "name_ar": "القاهرة", "name_en": "Cairo"}),
    )
    .await
    .expect("request");
    assert_eq!(
        root.status(),
        StatusCode::FORBIDDEN,
        "new top-level units are for the operator"
    );
    app.stop().await;
}

async fn every_response_has_a_request_id_and_security_headers(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    for path in ["/", "/healthz", "/api/v1/me", "/nope"] {
        let response = app.client.get(app.url(path)).send().await.expect("request");
        let headers = response.headers();
        assert_eq!(headers["x-request-id"].len(), 36, "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(
            headers["content-security-policy"]
                .to_str()
                .expect("text")
                .contains("default-src 'self'")
        );
    }
    // Personal data is never kept by a browser or a shared cache; public
    // pages may be; without an HTTPS address, no HSTS.
    let public = app.client.get(app.url("/")).send().await.expect("request");
    assert!(!public.headers().contains_key("cache-control"));
    assert!(!public.headers().contains_key("strict-transport-security"));
    let (staff, _) = sign_in(&app, "eg.clerk", "baladiya-demo").await;
    for path in ["/staff", "/staff/inbox"] {
        let page = staff.get(app.url(path)).send().await.expect("request");
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        assert_eq!(page.headers()["cache-control"], "no-store", "{path}");
    }
    let token = app.token("eg.clerk").await;
    let inbox = app
        .client
        .get(app.url("/api/v1/inbox"))
        .bearer_auth(token)
        .send()
        .await
        .expect("request");
    assert_eq!(inbox.headers()["cache-control"], "no-store");
    let given = app
        .client
        .get(app.url("/"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .expect("request");
    assert_eq!(
        given.headers()["x-request-id"],
        "abc-123",
        "a caller's id is kept"
    );
    app.stop().await;
}

/// Every operation the OpenAPI document describes exists on the server
/// (never 404/405 from the router), every route we serve is documented,
/// and documented error answers use the documented error shape.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_matches_the_server() {
    let app = TestApp::spawn(Engine::Sqlite)
        .await
        .expect("SQLite always runs");
    let doc: Value = body_json(
        app.client
            .get(app.url("/api/v1/openapi.json"))
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert!(doc["openapi"].as_str().expect("version").starts_with("3.1"));
    let paths = doc["paths"].as_object().expect("paths");
    let served = [
        ("post", "/auth/token"),
        ("delete", "/auth/token"),
        ("get", "/me"),
        ("get", "/units"),
        ("post", "/units"),
        ("get", "/units/{code}"),
        ("post", "/users"),
        ("post", "/users/{username}/grants"),
        ("get", "/services"),
        ("get", "/services/{code}"),
        ("post", "/applications"),
        ("post", "/applications/{tracking}/actions"),
        ("post", "/applications/{tracking}/resubmit"),
        ("post", "/applications/{tracking}/rating"),
        ("post", "/applications/{tracking}/revoke"),
        ("get", "/staff/applications/{tracking}"),
        ("get", "/inbox"),
        ("post", "/track"),
        ("get", "/verify/{code}"),
        ("get", "/verification-key"),
        ("get", "/process/applications.xes"),
        ("get", "/process/applications.ocel.json"),
        ("get", "/process/reports.xes"),
        ("get", "/process/summary"),
        ("get", "/openapi.json"),
        ("get", "/reports/nearby"),
        ("get", "/reports/{id}"),
        ("post", "/reports/{id}/actions"),
        ("post", "/reports/{id}/followers"),
        ("post", "/reports/{id}/reporter-actions"),
        ("get", "/indicators"),
        ("get", "/indicators/values"),
        ("get", "/indicators/parts"),
        ("get", "/sensors/places"),
        ("get", "/sensors/datastreams/{id}/series"),
        ("get", "/training/sessions"),
        ("get", "/training/sessions/{id}"),
        ("get", "/training/sessions/{id}/roster"),
        ("post", "/training/sessions/{id}/nominations"),
        ("post", "/training/sessions/{id}/decisions"),
        ("post", "/training/sessions/{id}/withdrawals"),
        ("post", "/training/sessions/{id}/attendance"),
        ("post", "/training/sessions/{id}/scores"),
        ("get", "/training/me"),
        ("get", "/training/people/{username}"),
        ("get", "/training/report"),
        ("post", "/payments/callback"),
        ("post", "/account/codes"),
        ("post", "/account/sessions"),
        ("get", "/participation/processes"),
        ("get", "/participation/processes/{slug}"),
        ("get", "/participation/budgets/{id}"),
        ("post", "/participation/budgets/{id}/ballots"),
        ("post", "/participation/receipts/check"),
        ("post", "/participation/receipts/change"),
    ];
    let mut documented = 0;
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("path item") {
            documented += 1;
            assert!(
                served.contains(&(method.as_str(), path.as_str())),
                "{method} {path} is documented but not in the test's list"
            );
            assert!(
                operation["responses"]
                    .as_object()
                    .is_some_and(|r| !r.is_empty()),
                "{method} {path} has no responses"
            );
            let url = app.url(&format!("/api/v1{}", path.replace(['{', '}'], "")));
            let request = match method.as_str() {
                "get" => app.client.get(&url),
                "post" => app.client.post(&url),
                "delete" => app.client.delete(&url),
                other => panic!("unexpected method {other}"),
            };
            let response = request
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .expect("request");
            let status = response.status();
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            if status.is_client_error() {
                let body: Value = response.json().await.unwrap_or_default();
                assert!(
                    body["code"].is_string() && body["message"].is_string(),
                    "{method} {path}: {status} without the error shape"
                );
            }
        }
    }
    assert_eq!(documented, served.len(), "every served route is documented");
    app.stop().await;
}
