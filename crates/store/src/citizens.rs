//! Citizens' accounts: one-time codes (their hashes), sign-in sessions,
//! identities at OpenID Connect providers, and what a citizen's verified
//! mobile number finds — applications, reports, licenses, notifications.

use baladiya_domain::ErrorCode;
use chrono::{DateTime, Utc};
use serde_json::json;

use crate::events::{NewEvent, insert_event};
use crate::{Store, StoreError, in_write_tx, on_pool};

/// The latest code sent to a number.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CodeRow {
    pub id: i64,
    pub code_hash: String,
    pub expires_at: DateTime<Utc>,
    pub wrong_tries: i64,
    pub used_at: Option<DateTime<Utc>>,
}

/// A signed-in citizen.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CitizenSession {
    pub citizen_id: i64,
    pub mobile: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

/// Someone as an OpenID Connect provider knows them.
#[derive(Debug, Clone, Copy)]
pub struct Identity<'a> {
    pub issuer: &'a str,
    pub subject: &'a str,
}

/// How a citizen signed in: a code sent to their number (which may tie
/// a provider's identity to it as well), or a provider's identity.
#[derive(Debug, Clone, Copy)]
pub enum Proof<'a> {
    Code { id: i64, ties: Option<Identity<'a>> },
    Identity(Identity<'a>),
}

/// A sign-in through an OpenID Connect provider under way, or an identity
/// the provider vouched for waiting to be tied to a verified number.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OidcLogin {
    pub provider: String,
    pub nonce: Option<String>,
    pub pkce_verifier: Option<String>,
    pub issuer: Option<String>,
    pub subject: Option<String>,
    pub expires_at: DateTime<Utc>,
}

/// An application filed with a citizen's number.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CitizenApplication {
    pub tracking_number: String,
    pub service_code: String,
    pub service_version_id: i64,
    /// The workflow step it waits at.
    pub step: i64,
    pub status: String,
    pub submitted_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub fee_minor: Option<i64>,
    pub currency: String,
    pub receipt_number: Option<String>,
    /// The license, permit or certificate issued, if any.
    pub verification_code: Option<String>,
    pub valid_until: Option<chrono::NaiveDate>,
    pub revoked: bool,
}

/// A report made with a citizen's number.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CitizenReport {
    pub id: i64,
    pub category_code: String,
    pub status: String,
    pub requested_at: DateTime<Utc>,
}

/// A message sent to a citizen's number.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CitizenNotice {
    pub kind: String,
    pub payload: String,
    pub created_at: DateTime<Utc>,
}

impl Store {
    pub async fn insert_citizen_code(
        &self,
        mobile: &str,
        code_hash: &str,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO citizen_codes (mobile, code_hash, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(mobile)
            .bind(code_hash)
            .bind(at)
            .bind(expires_at)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The last code sent to `mobile`: only it may sign in.
    pub async fn latest_citizen_code(&self, mobile: &str) -> Result<Option<CodeRow>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, code_hash, expires_at, wrong_tries, used_at FROM citizen_codes \
                 WHERE mobile = $1 ORDER BY id DESC LIMIT 1",
            )
            .bind(mobile)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// Counts a wrong try of a code.
    pub async fn citizen_code_wrong(&self, id: i64) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE citizen_codes SET wrong_tries = wrong_tries + 1 WHERE id = $1")
                .bind(id)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Signs a citizen in, in one transaction: spends the code (once: a
    /// second use is `code-used`) or finds the identity's citizen, makes
    /// the citizen on first sign-in, opens a session and records the
    /// event. Returns the citizen's id.
    #[allow(clippy::too_many_arguments)]
    pub async fn sign_in_citizen(
        &self,
        mobile: &str,
        proof: Proof<'_>,
        token_hash: &str,
        csrf_token: &str,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        Ok(in_write_tx!(self, tx => {
            if let Proof::Code { id, .. } = proof {
                let spent = sqlx::query(
                    "UPDATE citizen_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL",
                )
                .bind(at)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if spent == 0 {
                    return Err(StoreError::Conflict(ErrorCode::CodeUsed));
                }
            }
            let citizen: i64 = sqlx::query_scalar(
                "INSERT INTO citizens (mobile, created_at, last_sign_in_at) VALUES ($1, $2, $2) \
                 ON CONFLICT (mobile) DO UPDATE SET last_sign_in_at = excluded.last_sign_in_at \
                 RETURNING id",
            )
            .bind(mobile)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            let (how, identity) = match proof {
                Proof::Code { ties, .. } => ("code", ties),
                Proof::Identity(identity) => (identity.issuer, Some(identity)),
            };
            if let Some(Identity { issuer, subject }) = identity {
                sqlx::query(
                    "INSERT INTO citizen_identities (issuer, subject, citizen_id, created_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (issuer, subject) DO NOTHING",
                )
                .bind(issuer)
                .bind(subject)
                .bind(citizen)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query(
                "INSERT INTO citizen_sessions (token_hash, citizen_id, csrf_token, created_at, \
                 expires_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(token_hash)
            .bind(citizen)
            .bind(csrf_token)
            .bind(at)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
            insert_event!(tx, &NewEvent {
                at,
                actor_id: None,
                action: "citizen.signed_in",
                entity: "citizen",
                entity_id: citizen,
                unit_id: None,
                detail: json!({"with": how, "ties": identity.map(|i| i.issuer)}),
            });
            citizen
        }))
    }

    /// Keeps a sign-in through a provider under way (or an identity
    /// waiting for a number) under the hash of its secret.
    pub async fn insert_oidc_login(
        &self,
        token_hash: &str,
        login: &OidcLogin,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO citizen_oidc_logins (token_hash, provider, nonce, pkce_verifier, \
                 issuer, subject, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(token_hash)
            .bind(&login.provider)
            .bind(&login.nonce)
            .bind(&login.pkce_verifier)
            .bind(&login.issuer)
            .bind(&login.subject)
            .bind(at)
            .bind(login.expires_at)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Takes (deletes and returns) the live sign-in kept under this hash:
    /// each is used once, whoever asks twice at once.
    pub async fn take_oidc_login(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<OidcLogin>, StoreError> {
        let login: Option<OidcLogin> = on_pool!(self, pool => {
            sqlx::query_as(
                "DELETE FROM citizen_oidc_logins WHERE token_hash = $1 \
                 RETURNING provider, nonce, pkce_verifier, issuer, subject, expires_at",
            )
            .bind(token_hash)
            .fetch_optional(pool)
            .await?
        });
        Ok(login.filter(|l| l.expires_at > now))
    }

    /// The live sign-in kept under this hash, left in place.
    pub async fn peek_oidc_login(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<OidcLogin>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT provider, nonce, pkce_verifier, issuer, subject, expires_at \
                 FROM citizen_oidc_logins WHERE token_hash = $1 AND expires_at > $2",
            )
            .bind(token_hash)
            .bind(now)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// The citizen whose mobile number an identity is tied to, if any.
    pub async fn identity_mobile(
        &self,
        issuer: &str,
        subject: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT c.mobile FROM citizen_identities i JOIN citizens c ON c.id = i.citizen_id \
                 WHERE i.issuer = $1 AND i.subject = $2",
            )
            .bind(issuer)
            .bind(subject)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// The live session with this token's hash.
    pub async fn citizen_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<CitizenSession>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT s.citizen_id, c.mobile, s.csrf_token, s.expires_at FROM citizen_sessions s \
                 JOIN citizens c ON c.id = s.citizen_id WHERE s.token_hash = $1 AND s.expires_at > $2",
            )
            .bind(token_hash)
            .bind(now)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// Deletes expired citizen sessions and codes sent before `codes_before`
    /// (long dead: a code lives minutes). Returns how many rows went.
    pub async fn purge_citizen_sign_ins(
        &self,
        now: DateTime<Utc>,
        codes_before: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        Ok(in_write_tx!(self, tx => {
            let sessions = sqlx::query("DELETE FROM citizen_sessions WHERE expires_at <= $1")
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            let codes = sqlx::query("DELETE FROM citizen_codes WHERE created_at < $1")
                .bind(codes_before)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            let logins = sqlx::query("DELETE FROM citizen_oidc_logins WHERE expires_at <= $1")
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            sessions + codes + logins
        }))
    }

    pub async fn end_citizen_session(&self, token_hash: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM citizen_sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The latest 100 applications filed with this number, the newest
    /// first — also those filed before the citizen had an account.
    pub async fn applications_of_mobile(
        &self,
        mobile: &str,
    ) -> Result<Vec<CitizenApplication>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT a.tracking_number, v.code AS service_code, a.service_version_id, a.step, \
                 a.status, a.submitted_at, \
                 a.completed_at, a.fee_minor, a.currency, a.receipt_number, i.verification_code, \
                 i.valid_until, (i.revoked_at IS NOT NULL) AS revoked FROM applications a \
                 JOIN service_versions v ON v.id = a.service_version_id \
                 LEFT JOIN issuances i ON i.application_id = a.id \
                 WHERE a.applicant_phone = $1 ORDER BY a.submitted_at DESC, a.id DESC LIMIT 100",
            )
            .bind(mobile)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The latest 100 reports made with this number, the newest first.
    pub async fn reports_of_mobile(&self, mobile: &str) -> Result<Vec<CitizenReport>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, category_code, status, requested_at FROM reports \
                 WHERE reporter_phone = $1 ORDER BY requested_at DESC, id DESC LIMIT 100",
            )
            .bind(mobile)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The last 50 messages to this number, the newest first.
    pub async fn notices_of_mobile(&self, mobile: &str) -> Result<Vec<CitizenNotice>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT kind, payload, created_at FROM notifications WHERE recipient = $1 \
                 ORDER BY id DESC LIMIT 50",
            )
            .bind(mobile)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The services applied for most since `since`: `(code, applications)`.
    pub async fn most_used_services(
        &self,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT v.code, COUNT(*) AS n FROM applications a \
                 JOIN service_versions v ON v.id = a.service_version_id \
                 WHERE a.submitted_at >= $1 GROUP BY v.code ORDER BY n DESC, v.code LIMIT $2",
            )
            .bind(since)
            .bind(limit)
            .fetch_all(pool)
            .await?
        }))
    }
}
