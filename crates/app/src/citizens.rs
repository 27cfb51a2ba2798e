//! Citizens' accounts: a one-time code sent by SMS to their mobile
//! number signs them in (rate-limited, a few tries, then a lockout); the
//! number then finds their applications, reports, licenses and messages —
//! those filed before they had an account too.

use std::path::PathBuf;

use baladiya_domain::citizens::{CodePolicy, CodeRefusal, IssuedCode, any_mobile};
use baladiya_domain::country::MobileNumber;
use baladiya_store::{
    CitizenApplication, CitizenNotice, CitizenReport, CitizenSession, Identity, Proof, StoreError,
    Throttle,
};
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::auth::{random_token, same_secret, token_hash};
use crate::{App, AppError};

/// Where text messages go: a JSON-lines file (development, and the demo:
/// the code can be read there) or an SMS provider's HTTP API.
#[derive(Debug, Clone)]
pub enum SmsSender {
    File(PathBuf),
    /// POSTs `{"to": "+20…", "text": "…"}` with a bearer token; any 2xx
    /// answer is sent.
    Http {
        client: reqwest::Client,
        url: String,
        token: Option<String>,
    },
}

impl SmsSender {
    pub fn http(url: &str, token: Option<String>) -> Result<SmsSender, AppError> {
        let client = crate::http::client(std::time::Duration::from_secs(10))?;
        Ok(SmsSender::Http {
            client,
            url: url.to_owned(),
            token,
        })
    }

    async fn send(&self, to: &str, text: &str) -> Result<(), AppError> {
        let message = serde_json::json!({"to": to, "text": text, "at": Utc::now()});
        match self {
            SmsSender::File(path) => crate::notifications::append_line(path, &message)
                .await
                .map_err(AppError::Internal),
            SmsSender::Http { client, url, token } => {
                let mut request = client.post(url).json(&message);
                if let Some(token) = token {
                    request = request.bearer_auth(token);
                }
                let answer = request
                    .send()
                    .await
                    .map_err(|e| AppError::Internal(format!("SMS provider: {e}")))?;
                if answer.status().is_success() {
                    Ok(())
                } else {
                    Err(AppError::Internal(format!(
                        "SMS provider answered {}",
                        answer.status()
                    )))
                }
            }
        }
    }
}

/// A signed-in citizen's session: the secret goes to the browser once.
#[derive(Debug, Clone)]
pub struct CitizenSignIn {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// What a citizen's number finds.
#[derive(Debug, Clone)]
pub struct Affairs {
    pub applications: Vec<CitizenApplication>,
    /// Tracking numbers of the applications waiting for their fee, which
    /// may be paid online (when the deployment has a gateway).
    pub payable: Vec<String>,
    pub reports: Vec<CitizenReport>,
    pub notices: Vec<CitizenNotice>,
}

/// How long a citizen stays signed in.
const SESSION_HOURS: i64 = 12;
/// Codes sent to one number per window, and to anyone from one client.
const SENDS_PER_NUMBER: i64 = 3;
const SENDS_PER_CLIENT: i64 = 20;
/// Wrong codes for one number from one client, and from one client for
/// any number, before that client waits. Not for a number from anywhere:
/// anyone could then lock its owner out. A code is still guessed at most
/// five times, and three are sent a number per window, so a number is
/// guessed at most fifteen times a window from all clients together.
const WRONG_PER_NUMBER: i64 = 10;
const WRONG_PER_CLIENT: i64 = 30;

/// How a code is kept: the hash of the number and the code.
pub fn code_hash(mobile: &str, code: &str) -> String {
    hex::encode(Sha256::digest(format!("{mobile}|{code}").as_bytes()))
}

impl App {
    fn sms(&self) -> Result<&SmsSender, AppError> {
        self.settings
            .sms
            .as_ref()
            .ok_or_else(|| AppError::Internal("no SMS sender is configured".into()))
    }

    /// Sends a sign-in code to `mobile` (as typed). At most three codes a
    /// number per quarter of an hour, twenty from one client.
    pub async fn send_sign_in_code(
        &self,
        mobile: &str,
        client: &str,
    ) -> Result<MobileNumber, AppError> {
        let number = any_mobile(mobile).map_err(|c| AppError::field("mobile", c))?;
        let now = self.now();
        let window = Duration::minutes(15);
        self.store
            .take_throttles(
                &[
                    Throttle::new(format!("code-client:{client}"), SENDS_PER_CLIENT, window),
                    Throttle::new(
                        format!("code-send:{}", number.as_e164()),
                        SENDS_PER_NUMBER,
                        window,
                    ),
                ],
                now,
            )
            .await?;
        let policy = CodePolicy::default();
        let mut random = [0u8; 32];
        getrandom::fill(&mut random)
            .map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
        let code = policy
            .code_from(&random)
            .ok_or_else(|| AppError::Internal("not enough random bytes".into()))?;
        self.store
            .insert_citizen_code(
                number.as_e164(),
                &code_hash(number.as_e164(), &code),
                now,
                now + policy.lifetime,
            )
            .await?;
        let text = format!(
            "رمز الدخول إلى بلدية: {code}\nلا تعطه لأحد. صالح {} دقائق.\nBaladiya sign-in code: {code}",
            policy.lifetime.num_minutes()
        );
        self.sms()?.send(number.as_e164(), &text).await?;
        Ok(number)
    }

    /// Signs in with the code sent to `mobile`: the latest code only, once,
    /// within its life and its five tries; a client that sent ten wrong
    /// codes for a number (or thirty in all) waits a quarter of an hour,
    /// others do not. A provider's identity waiting
    /// under the browser's `link` (see [`crate::oidc`]) is tied to the
    /// number in the same transaction.
    pub async fn sign_in_with_code(
        &self,
        mobile: &str,
        code: &str,
        client: &str,
        link: Option<&str>,
    ) -> Result<CitizenSignIn, AppError> {
        let number = any_mobile(mobile).map_err(|c| AppError::field("mobile", c))?;
        let mobile = number.as_e164();
        let now = self.now();
        let window = Duration::minutes(15);
        let wrong = [
            Throttle::new(
                format!("code-wrong:{client}:{mobile}"),
                WRONG_PER_NUMBER,
                window,
            ),
            Throttle::new(format!("code-wrong:{client}"), WRONG_PER_CLIENT, window),
        ];
        match self.store.take_throttles(&wrong, now).await {
            Err(StoreError::Throttled { until, .. }) => {
                return Err(AppError::AccountLocked { until });
            }
            other => other?,
        }
        let policy = CodePolicy::default();
        let typed = policy.normalize(code);
        let Some(row) = self.store.latest_citizen_code(mobile).await? else {
            return Err(AppError::field("code", "code-wrong"));
        };
        let issued = IssuedCode {
            expires_at: row.expires_at,
            wrong_tries: u32::try_from(row.wrong_tries).unwrap_or(u32::MAX),
            used: row.used_at.is_some(),
        };
        let matches = same_secret(&row.code_hash, &code_hash(mobile, &typed));
        if let Err(refusal) = policy.judge(&issued, matches, now) {
            if matches!(refusal, CodeRefusal::Wrong { .. } | CodeRefusal::Spent) && !matches {
                self.store.citizen_code_wrong(row.id).await?;
            }
            return Err(AppError::field("code", refusal.code()));
        }
        for throttle in &wrong {
            self.store.give_back_throttle(&throttle.key).await?;
        }
        let pending = match link {
            Some(link) => self.pending_login(link).await?,
            None => None,
        };
        let ties = pending.as_ref().and_then(|p| {
            Some(Identity {
                issuer: p.issuer.as_deref()?,
                subject: p.subject.as_deref()?,
            })
        });
        let signed_in = self
            .open_citizen_session(mobile, Proof::Code { id: row.id, ties })
            .await?;
        if let (Some(link), Some(_)) = (link, ties) {
            self.store.take_oidc_login(&token_hash(link), now).await?;
        }
        Ok(signed_in)
    }

    /// Opens a session for the citizen with `mobile`, proven by `proof`.
    pub(crate) async fn open_citizen_session(
        &self,
        mobile: &str,
        proof: Proof<'_>,
    ) -> Result<CitizenSignIn, AppError> {
        let now = self.now();
        let token = random_token()?;
        let expires_at = now + Duration::hours(SESSION_HOURS);
        let result = self
            .store
            .sign_in_citizen(
                mobile,
                proof,
                &token_hash(&token),
                &random_token()?,
                now,
                expires_at,
            )
            .await;
        match result {
            Err(StoreError::Conflict(code)) => Err(AppError::field("code", code.as_str())),
            other => {
                other?;
                Ok(CitizenSignIn { token, expires_at })
            }
        }
    }

    /// The citizen a session token belongs to, if it is live.
    pub async fn citizen(&self, token: &str) -> Result<Option<CitizenSession>, AppError> {
        Ok(self
            .store
            .citizen_session(&token_hash(token), self.now())
            .await?)
    }

    pub async fn sign_out_citizen(&self, token: &str) -> Result<(), AppError> {
        Ok(self.store.end_citizen_session(&token_hash(token)).await?)
    }

    /// Everything filed with the citizen's verified number.
    pub async fn affairs(&self, citizen: &CitizenSession) -> Result<Affairs, AppError> {
        let (applications, reports, notices) = tokio::try_join!(
            self.store.applications_of_mobile(&citizen.mobile),
            self.store.reports_of_mobile(&citizen.mobile),
            self.store.notices_of_mobile(&citizen.mobile),
        )?;
        let mut payable = Vec::new();
        if self.settings.gateway.is_some() {
            for a in applications.iter().filter(|a| a.status == "in_progress") {
                let service = self.service_version(a.service_version_id).await?;
                if a.fee_minor.is_some()
                    && crate::payments::waits_for_fee(&service, &a.status, a.step)
                {
                    payable.push(a.tracking_number.clone());
                }
            }
        }
        Ok(Affairs {
            applications,
            payable,
            reports,
            notices,
        })
    }
}
