//! Delivering the notification outbox. Senders are pluggable: a JSON-lines
//! file (the default, for a gateway or an operator to pick up) and an HTTP
//! webhook (for an SMS or e-mail gateway). Failures are retried with
//! exponential backoff and never block the workflow.

use std::path::PathBuf;

use baladiya_store::OutgoingNotification;
use chrono::Duration;
use tokio::io::AsyncWriteExt;

use crate::{App, AppError};

/// Where notifications go.
#[derive(Debug, Clone)]
pub enum Sender {
    /// Appends one JSON object per line.
    File(PathBuf),
    /// POSTs the JSON object to a URL; any 2xx answer is success.
    Webhook {
        client: reqwest::Client,
        url: String,
    },
}

impl Sender {
    pub fn webhook(url: &str) -> Result<Sender, AppError> {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| AppError::Internal(format!("webhook client: {e}")))?;
        Ok(Sender::Webhook {
            client,
            url: url.to_owned(),
        })
    }

    async fn send(&self, message: &serde_json::Value) -> Result<(), String> {
        match self {
            Sender::File(path) => {
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
    /// Sends what is due through every sender. Returns `(sent, failed)`.
    pub async fn deliver_notifications(
        &self,
        senders: &[Sender],
    ) -> Result<(usize, usize), AppError> {
        let now = self.now();
        let claimed = self
            .store
            .claim_notifications(now, now + Duration::minutes(2), 50)
            .await?;
        let (mut sent, mut failed) = (0, 0);
        for n in claimed {
            let body = message(&n);
            let mut error = None;
            for sender in senders {
                if let Err(e) = sender.send(&body).await {
                    error = Some(e);
                }
            }
            match error {
                None => {
                    self.store.notification_sent(n.id, self.now()).await?;
                    sent += 1;
                }
                Some(e) => {
                    let retry = (n.attempts < MAX_ATTEMPTS)
                        .then(|| self.now() + Duration::seconds(30 * (1 << n.attempts.min(10))));
                    tracing::warn!(id = n.id, attempts = n.attempts, error = %e, "notification not delivered");
                    self.store.notification_failed(n.id, &e, retry).await?;
                    failed += 1;
                }
            }
        }
        Ok((sent, failed))
    }
}
