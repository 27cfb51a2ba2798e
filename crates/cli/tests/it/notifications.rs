//! The notification outbox delivered to real receivers: a JSON-lines file,
//! a real SMTP server (Python's aiosmtpd, writing a maildir), and a webhook
//! that cannot be reached (retried later, never blocking the workflow).

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use baladiya_app::notifications::Sender;

use crate::applications::renewal_form;
use crate::support::{Engine, TestApp};

crate::on_both_engines!(
    notifications_reach_a_file_and_a_real_smtp_server,
    a_burst_of_receipts_is_sent_once_by_two_servers,
);

/// aiosmtpd on a free port, storing mail in `maildir`. `None` when it is not
/// installed outside CI (in CI, `.ci/run` installs it and absence fails).
fn smtp_server(maildir: &std::path::Path) -> Option<(Child, u16)> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let child = Command::new("python3")
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
        ])
        .arg(maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some((child, port));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut child = child;
    let _ = child.kill();
    assert!(std::env::var_os("CI").is_none(), "aiosmtpd is needed in CI");
    eprintln!("skipped: aiosmtpd is not installed (pip install aiosmtpd)");
    None
}

async fn notifications_reach_a_file_and_a_real_smtp_server(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let maildir = dir.path().join("maildir");
    let Some((mut smtp, port)) = smtp_server(&maildir) else {
        return;
    };
    let form = renewal_form().text("applicant_email", "sara@example.eg");
    let response = app
        .client
        .post(app.url("/api/v1/applications"))
        .multipart(form)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 201);
    let body: serde_json::Value = response.json().await.expect("json");
    let tracking = body["tracking_number"].as_str().expect("number").to_owned();

    let file = dir.path().join("notifications.jsonl");
    let senders = vec![
        Sender::File(file.clone()),
        Sender::smtp(
            &format!("smtp://127.0.0.1:{port}"),
            "بلدية <no-reply@baladiya.example>",
        )
        .expect("smtp"),
    ];
    assert_eq!(
        app.app
            .deliver_notifications(&senders)
            .await
            .expect("deliver"),
        (1, 0)
    );
    assert_eq!(
        app.app
            .deliver_notifications(&senders)
            .await
            .expect("deliver"),
        (0, 0),
        "sent once"
    );
    let line = std::fs::read_to_string(&file).expect("file written");
    let message: serde_json::Value = serde_json::from_str(line.trim()).expect("JSON line");
    assert_eq!(message["kind"], "submitted");
    assert_eq!(message["tracking_number"], tracking.as_str());
    assert_eq!(message["recipient"], "+201012345678");
    let mail: Vec<String> = std::fs::read_dir(maildir.join("new"))
        .expect("maildir")
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).expect("mail"))
        .collect();
    assert_eq!(mail.len(), 1);
    assert!(mail[0].contains("To: sara@example.eg"), "{}", mail[0]);
    assert!(
        mail[0].contains(&tracking),
        "the tracking number is in the e-mail"
    );
    let kinds = app
        .app
        .store
        .notifications_of(&tracking)
        .await
        .expect("outbox");
    assert_eq!(kinds, [("submitted".to_owned(), "sent".to_owned())]);

    // A receiver that is down: the attempt fails, is retried later, and the
    // workflow goes on regardless.
    let clerk = app.token("eg.clerk").await;
    let acted = app
        .client
        .post(app.url(&format!("/api/v1/applications/{tracking}/actions")))
        .bearer_auth(&clerk)
        .json(&serde_json::json!({"action": "return_for_completion", "comment": "صورة غير واضحة", "version": 1}))
        .send()
        .await
        .expect("request");
    assert_eq!(acted.status(), 200);
    let down = vec![Sender::webhook("http://127.0.0.1:9/unreachable").expect("webhook")];
    assert_eq!(
        app.app.deliver_notifications(&down).await.expect("deliver"),
        (0, 1)
    );
    assert_eq!(
        app.app.deliver_notifications(&down).await.expect("deliver"),
        (0, 0),
        "backing off"
    );
    let kinds = app
        .app
        .store
        .notifications_of(&tracking)
        .await
        .expect("outbox");
    assert_eq!(kinds[1], ("returned".to_owned(), "pending".to_owned()));
    let _ = smtp.kill();
    let _ = smtp.wait();
    app.stop().await;
}

/// More receipts than one batch, delivered by two servers at once: every
/// reporter hears once, and nothing is left waiting.
async fn a_burst_of_receipts_is_sent_once_by_two_servers(engine: Engine) {
    let Some((app, _)) = crate::reports::spawn(engine).await else {
        return;
    };
    let other = app.another_server().await;
    let key = app.app.issue_api_key("burst", 1000).await.expect("key");
    let waiting = app.app.store.outbox_depth().await.expect("outbox").pending;
    const REPORTS: usize = 130;
    for i in 0..REPORTS {
        let email = format!("reporter{i}@example.com");
        let response = app
            .client
            .post(app.url("/open311/v2/requests.json"))
            .form(&[
                ("api_key", key.as_str()),
                ("service_code", "waste"),
                ("lat", crate::reports::BADRASHIN.0),
                ("long", crate::reports::BADRASHIN.1),
                ("email", email.as_str()),
            ])
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("notifications.jsonl");
    let senders = vec![Sender::File(file.clone())];
    let (one, two) = tokio::join!(
        app.app.deliver_notifications(&senders),
        other.app.deliver_notifications(&senders)
    );
    let ((sent_one, failed_one), (sent_two, failed_two)) =
        (one.expect("delivered"), two.expect("delivered"));
    assert_eq!((failed_one, failed_two), (0, 0));
    let expected = REPORTS + usize::try_from(waiting).expect("count");
    assert_eq!(sent_one + sent_two, expected, "each sent by one server");
    let lines = std::fs::read_to_string(&file).expect("file written");
    let mut ids: Vec<i64> = lines
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).expect("JSON line")["id"]
                .as_i64()
                .expect("id")
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), expected, "no receipt twice, none missing");
    for i in [0, REPORTS - 1] {
        assert!(lines.contains(&format!("reporter{i}@example.com")), "{i}");
    }
    let left = app.app.store.outbox_depth().await.expect("outbox").pending;
    assert_eq!(left, 0, "nothing left waiting");
}
