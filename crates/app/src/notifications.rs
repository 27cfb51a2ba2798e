//! Delivering the notification outbox. Senders are pluggable: a JSON-lines
//! file (the default, for a gateway or an operator to pick up) and an HTTP
//! webhook (for an SMS or e-mail gateway). Failures are retried with
//! exponential backoff and never block the workflow.

use std::path::PathBuf;

use baladiya_store::OutgoingNotification;
use chrono::Duration;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::io::AsyncWriteExt;

use crate::{App, AppError};

/// Where notifications go.
#[derive(Clone)]
pub enum Sender {
    /// Appends one JSON object per line.
    File(PathBuf),
    /// POSTs the JSON object to a URL; any 2xx answer is success.
    Webhook {
        client: reqwest::Client,
        url: String,
    },
    /// E-mails applicants who gave an address (others are skipped).
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
}

impl std::fmt::Debug for Sender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Sender::File(path) => write!(f, "File({})", path.display()),
            Sender::Webhook { url, .. } => write!(f, "Webhook({url})"),
            Sender::Smtp { from, .. } => write!(f, "Smtp(from {from})"),
        }
    }
}

/// Subject lines of e-mails, by notification kind: (Arabic, English).
fn subject(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "submitted" => ("تم استلام طلبك", "Your application was received"),
        "returned" => (
            "طلبك يحتاج إلى استكمال",
            "Your application needs completing",
        ),
        "approved" => ("تمت الموافقة على طلبك", "Your application was approved"),
        "ready_for_payment" => (
            "طلبك جاهز لسداد الرسوم",
            "Your application is ready for payment",
        ),
        "rejected" => ("رُفض طلبك", "Your application was rejected"),
        "issued" => ("صدر ترخيصك", "Your license was issued"),
        "report_received" => ("تم استلام بلاغك", "Your report was received"),
        "report_status" => ("تحديث على البلاغ", "An update on a report you follow"),
        "training_nominated" => ("رُشحت لدورة تدريبية", "You were nominated for training"),
        "training_accepted" => ("قُبلت في دورة تدريبية", "Your training place is confirmed"),
        "training_wait_listed" => (
            "أنت على قائمة الانتظار لدورة تدريبية",
            "You are on a training session's wait list",
        ),
        "training_declined" => (
            "لم يُقبل ترشيحك للدورة",
            "Your training nomination was declined",
        ),
        "training_withdrawn" => (
            "سُحب ترشيحك للدورة",
            "Your training nomination was withdrawn",
        ),
        _ => ("تحديث على طلبك", "An update on your application"),
    }
}

/// Appends `message` as one JSON line to `path`, flushed (a tokio file
/// finishes a write only when flushed).
pub(crate) async fn append_line(
    path: &std::path::Path,
    message: &serde_json::Value,
) -> Result<(), String> {
    let mut line = message.to_string();
    line.push('\n');
    let mut file = tokio::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .await
        .map_err(|e| format!("{}: {e}", path.display()))?;
    file.write_all(line.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    file.flush().await.map_err(|e| e.to_string())
}

impl Sender {
    /// An SMTP relay, such as `smtp://mail.local:25`, sending as `from`.
    /// The connection is plain SMTP: the relay is one the deployment runs
    /// on its own network, and it handles TLS to the outside world.
    pub fn smtp(url: &str, from: &str) -> Result<Sender, AppError> {
        let bad = || AppError::Internal(format!("SMTP URL {url:?}: use smtp://HOST:PORT"));
        let (host, port) = url
            .strip_prefix("smtp://")
            .and_then(|rest| rest.trim_end_matches('/').rsplit_once(':'))
            .ok_or_else(bad)?;
        let port: u16 = port.parse().map_err(|_| bad())?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(port)
            .timeout(Some(std::time::Duration::from_secs(10)))
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| AppError::Internal(format!("SMTP sender {from}: {e}")))?;
        Ok(Sender::Smtp { transport, from })
    }

    pub fn webhook(url: &str) -> Result<Sender, AppError> {
        let client = crate::http::client(std::time::Duration::from_secs(10))?;
        Ok(Sender::Webhook {
            client,
            url: url.to_owned(),
        })
    }

    async fn send(&self, message: &serde_json::Value) -> Result<(), String> {
        match self {
            Sender::File(path) => append_line(path, message).await,
            Sender::Smtp { transport, from } => {
                let Some(to) = message["details"]["email"].as_str() else {
                    return Ok(());
                };
                let to: Mailbox = to.parse().map_err(|e| format!("recipient {to}: {e}"))?;
                let (ar, en) = subject(message["kind"].as_str().unwrap_or_default());
                let tracking = message["tracking_number"].as_str().unwrap_or_default();
                let details = &message["details"];
                let comment = details["comment"].as_str().unwrap_or_default();
                let link = details["link"].as_str().unwrap_or_default();
                let text = |key: &str| details[key].as_str().unwrap_or_default().to_owned();
                let body = if details["course_ar"].is_string() {
                    let days = format!("{} – {}", text("first_day"), text("last_day"));
                    format!(
                        "{ar}\n{}\n{days}، {venue}\n{comment}\n\n{en}\n{}\n{days}, {venue}\n\n{link}\n",
                        text("course_ar"),
                        text("course_en"),
                        venue = text("venue"),
                    )
                } else {
                    format!(
                        "{ar}\n{}\nرقم التتبع: {tracking}\n{comment}\n\n{en}\n{}\nTracking number: {tracking}\n\n{link}\n",
                        text("service_ar"),
                        text("service_en"),
                    )
                };
                let email = Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(format!("{ar} — {en} — {tracking}"))
                    .header(ContentType::TEXT_PLAIN)
                    .body(body)
                    .map_err(|e| e.to_string())?;
                transport
                    .send(email)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
            Sender::Webhook { client, url } => {
                let response = client
                    .post(url)
                    .json(message)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                if response.status().is_success() {
                    Ok(())
                } else {
                    Err(format!("webhook answered {}", response.status()))
                }
            }
        }
    }
}

/// Attempts before a notification is given up on.
pub const MAX_ATTEMPTS: i64 = 6;

fn message(n: &OutgoingNotification) -> serde_json::Value {
    let payload: serde_json::Value = serde_json::from_str(&n.payload).unwrap_or_default();
    serde_json::json!({
        "id": n.id,
        "kind": n.kind,
        "tracking_number": n.tracking_number,
        "recipient": n.recipient,
        "details": payload,
    })
}

impl App {
    /// Sends what is due through every sender, a batch at a time until
    /// none is left (at most [`MAX_BATCHES`] batches a call, so a flood
    /// still lets the caller report progress). Each batch is claimed in
    /// one write and its delivered notifications recorded in one more: a
    /// burst of reports is answered at the senders' pace, not two writes
    /// a receipt. Returns `(sent, failed)`.
    pub async fn deliver_notifications(
        &self,
        senders: &[Sender],
    ) -> Result<(usize, usize), AppError> {
        let (mut sent, mut failed) = (0, 0);
        for _ in 0..MAX_BATCHES {
            let now = self.now();
            let claimed = self
                .store
                .claim_notifications(now, now + Duration::minutes(2), BATCH)
                .await?;
            let mut delivered = Vec::new();
            for n in &claimed {
                let body = message(n);
                let mut error = None;
                for sender in senders {
                    if let Err(e) = sender.send(&body).await {
                        error = Some(e);
                    }
                }
                match error {
                    None => delivered.push(n.id),
                    Some(e) => {
                        let retry = (n.attempts < MAX_ATTEMPTS).then(|| {
                            self.now() + Duration::seconds(30 * (1 << n.attempts.min(10)))
                        });
                        tracing::warn!(id = n.id, attempts = n.attempts, error = %e, "notification not delivered");
                        self.store.notification_failed(n.id, &e, retry).await?;
                        failed += 1;
                    }
                }
            }
            self.store
                .notifications_sent(&delivered, self.now())
                .await?;
            sent += delivered.len();
            if claimed.len() < BATCH as usize {
                break;
            }
        }
        Ok((sent, failed))
    }
}

/// Notifications claimed and recorded together.
const BATCH: i64 = 50;

/// Batches one call of [`App::deliver_notifications`] sends at most.
const MAX_BATCHES: usize = 100;
