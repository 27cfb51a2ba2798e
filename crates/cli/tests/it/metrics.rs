//! `/metrics` on both engines, scraped as Prometheus does and parsed by
//! the Prometheus project's own Python client: requests by matched route
//! and status with their latency histogram, the database pool, the
//! notification outbox's depth and age, the background jobs' runs; and
//! nothing without the scraper's token.

use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{Engine, METRICS_TOKEN, TestApp, python_has, run_python, scalar_f64};

crate::on_both_engines!(operators_scrape_the_servers_figures);

/// The value of the sample `name` whose labels include `labels`.
fn sample(samples: &[Value], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples
        .iter()
        .find(|s| {
            s["name"] == name
                && labels
                    .iter()
                    .all(|(k, v)| s["labels"][*k].as_str() == Some(*v))
        })
        .and_then(|s| s["value"].as_f64())
}

async fn operators_scrape_the_servers_figures(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    if !python_has("prometheus_client", "prometheus-client") {
        return;
    }
    // No token, or a wrong one: nothing.
    let anonymous = app
        .new_client()
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("request");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let wrong = app
        .new_client()
        .get(app.url("/metrics"))
        .bearer_auth("not-the-token")
        .send()
        .await
        .expect("request");
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);

    // Some traffic: three service pages, a page that does not exist, an
    // application (whose notification waits in the outbox), a job's run.
    for code in ["EG-BUILDING-PERMIT", "EG-SHOP-LICENSE", "EG-SIGN-PERMIT"] {
        let page = app
            .client
            .get(app.url(&format!("/services/{code}")))
            .send()
            .await
            .expect("request");
        assert_eq!(page.status(), StatusCode::OK);
    }
    let missing = app
        .client
        .get(app.url("/no/such/page"))
        .send()
        .await
        .expect("request");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    crate::applications::submitted(&app, crate::applications::renewal_form()).await;
    let escalated = app.app.escalate_overdue().await;
    app.app.job_ran("escalate_overdue", escalated.is_ok());

    let printed = run_python(
        "tests/metrics_scrape.py",
        vec![app.url("/metrics"), METRICS_TOKEN.to_owned()],
    )
    .await;
    let samples: Vec<Value> = serde_json::from_str(&printed).expect("samples");
    let requests = "baladiya_http_requests_total";
    assert_eq!(
        sample(
            &samples,
            requests,
            &[
                ("route", "/services/{code}"),
                ("method", "GET"),
                ("status", "200")
            ]
        ),
        Some(3.0),
        "the three pages under one route template, never the raw paths"
    );
    assert!(
        !samples.iter().any(|s| s["labels"]["route"]
            .as_str()
            .is_some_and(|r| r.contains("EG-"))),
        "no raw path as a label"
    );
    assert_eq!(
        sample(
            &samples,
            requests,
            &[("route", "unmatched"), ("status", "404")]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &samples,
            requests,
            &[
                ("route", "/api/v1/applications"),
                ("method", "POST"),
                ("status", "201")
            ]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &samples,
            "baladiya_http_request_duration_seconds_count",
            &[("route", "/services/{code}"), ("status", "200")]
        ),
        Some(3.0),
        "each request timed"
    );
    assert!(
        sample(
            &samples,
            "baladiya_http_request_duration_seconds_sum",
            &[("route", "/services/{code}")]
        )
        .is_some_and(|s| s > 0.0)
    );
    assert!(
        sample(
            &samples,
            "baladiya_db_pool_connections",
            &[("state", "max")]
        )
        .is_some_and(|m| m >= 1.0)
    );
    let pending = scalar_f64(
        &app.app.store,
        "SELECT COUNT(*) FROM notifications WHERE status = 'pending'",
    )
    .await;
    assert!(pending >= 1.0, "the application's notification waits");
    assert_eq!(
        sample(&samples, "baladiya_outbox_pending", &[]),
        Some(pending)
    );
    assert!(sample(&samples, "baladiya_outbox_oldest_age_seconds", &[]).is_some_and(|a| a >= 0.0));
    assert_eq!(
        sample(
            &samples,
            "baladiya_job_runs_total",
            &[("job", "escalate_overdue"), ("outcome", "succeeded")]
        ),
        Some(1.0)
    );
    assert!(
        sample(
            &samples,
            "baladiya_job_last_run_timestamp_seconds",
            &[("job", "escalate_overdue")]
        )
        .is_some_and(|t| t > 1.7e9)
    );
    app.stop().await;
}

/// The scrape as a scraper reads it.
async fn scrape(app: &TestApp) -> String {
    app.new_client()
        .get(app.url("/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .expect("scrape")
        .text()
        .await
        .expect("text")
}

/// MET-1: every made-up HTTP method was a new series kept forever (20,000
/// requests grew the scrape from 76 KB to 113 MB). They now share one
/// label value, `other`, and the scrape stays the same size however many
/// come.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn made_up_methods_share_one_series() {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    let Some(app) = TestApp::spawn(Engine::Sqlite).await else {
        return;
    };
    let stream = tokio::net::TcpStream::connect(app.addr)
        .await
        .expect("connect");
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    let mut sizes = Vec::new();
    for round in 0..3 {
        for i in 0..300 {
            let method = format!("M{round}X{i:04}{}", "Q".repeat(150));
            write
                .write_all(format!("{method} /healthz HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
                .await
                .expect("send");
            let mut length = 0usize;
            let mut line = String::new();
            read.read_line(&mut line).await.expect("status line");
            assert!(line.starts_with("HTTP/1.1 405"), "{line}");
            loop {
                line.clear();
                read.read_line(&mut line).await.expect("header");
                if line == "\r\n" {
                    break;
                }
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().expect("a length");
                }
            }
            let mut body = vec![0; length];
            read.read_exact(&mut body).await.expect("body");
        }
        let text = scrape(&app).await;
        assert!(!text.contains("QQQQ"), "a made-up method became a label");
        assert!(text.contains("method=\"other\""), "they are counted");
        sizes.push(text.lines().count());
    }
    // The counts grew, not the series (the first scrape added /metrics's
    // own).
    assert_eq!(sizes[1], sizes[2], "lines of each scrape: {sizes:?}");
    app.stop().await;
}
