//! Signing in and out, sessions and bearer tokens, and lockout after
//! repeated failures.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use baladiya_domain::access::Access;
use baladiya_domain::people::{NewPassword, Username};
use baladiya_store::{SessionKind, SessionRecord};
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::{App, AppError};

/// The signed-in user of a request, with everything permission checks need.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub full_name: String,
    /// The anti-forgery token bound to this session (pages only).
    pub csrf_token: String,
    pub access: Access,
}

impl Principal {
    /// Whether the user takes applications at a counter somewhere.
    pub fn can_intake(&self) -> bool {
        self.access
            .has_anywhere(baladiya_domain::people::Permission::IntakeApplications)
    }

    /// Whether the user oversees units' performance somewhere.
    pub fn can_oversee(&self) -> bool {
        self.access
            .has_anywhere(baladiya_domain::people::Permission::ViewOversight)
    }
}

/// A new session: the secret token goes to the client once, and only its
/// hash is stored.
#[derive(Debug, Clone)]
pub struct IssuedSession {
    pub token: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub user_id: i64,
}

/// Compares secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A random 256-bit token, hex-encoded.
pub fn random_token() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    Ok(hex::encode(bytes))
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Hashes a password with Argon2id (the crate's defaults follow OWASP:
/// 19 MiB, 2 iterations, 1 lane). Takes tens of milliseconds: call it from
/// a blocking thread.
pub fn hash_password(password: &NewPassword) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))
}

fn verify_password(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the username does not exist, so that a
/// wrong username takes as long as a wrong password.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$2x2JkxGQ8pGOt2cU0bcu8c3nW0mX7TZmrCSgWpgDDQk";

async fn verify_blocking(password: String, hash: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| AppError::Internal(format!("password check failed: {e}")))
}

pub async fn hash_password_blocking(password: NewPassword) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))?
}

impl App {
    /// How long the account is locked after `failures` consecutive failed
    /// logins: nothing below the threshold, then 1 minute, doubling with
    /// each further failure, at most one hour.
    pub fn lockout_after(&self, failures: i64) -> Option<Duration> {
        let over = failures - self.settings.lockout_threshold;
        (over >= 0).then(|| Duration::minutes((1i64 << over.min(6)).min(60)))
    }

    /// Checks a username and password and opens a session of `kind`.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        kind: SessionKind,
    ) -> Result<IssuedSession, AppError> {
        let now = self.now();
        let user = match Username::parse(username) {
            Ok(name) => self.store.user_by_username(&name).await?,
            Err(_) => None,
        };
        let Some(user) = user.filter(|u| u.active) else {
            verify_blocking(password.to_owned(), DUMMY_HASH.to_owned()).await?;
            return Err(AppError::InvalidCredentials);
        };
        if let Some(until) = user.locked_until.filter(|until| *until > now) {
            return Err(AppError::AccountLocked { until });
        }
        if !verify_blocking(password.to_owned(), user.password_hash.clone()).await? {
            let failures = self
                .store
                .record_failed_login(user.id, now, |n| self.lockout_after(n))
                .await?;
            tracing::warn!(user = %user.username, failures, "failed login");
            return match self.lockout_after(failures) {
                Some(lock) => Err(AppError::AccountLocked { until: now + lock }),
                None => Err(AppError::InvalidCredentials),
            };
        }
        self.store.record_login(user.id, now).await?;
        let hours = match kind {
            SessionKind::Cookie => self.settings.cookie_session_hours,
            SessionKind::Bearer => self.settings.bearer_token_hours,
        };
        let issued = IssuedSession {
            token: random_token()?,
            csrf_token: random_token()?,
            expires_at: now + Duration::hours(hours),
            user_id: user.id,
        };
        self.store
            .create_session(
                &token_hash(&issued.token),
                user.id,
                kind,
                &issued.csrf_token,
                now,
                issued.expires_at,
            )
            .await?;
        tracing::info!(user = %user.username, ?kind, "signed in");
        Ok(issued)
    }

    /// The principal of a session token, or `Unauthenticated`.
    pub async fn authenticate(
        &self,
        token: &str,
        kind: SessionKind,
    ) -> Result<Principal, AppError> {
        let record: SessionRecord = self
            .store
            .session(&token_hash(token), kind, self.now())
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let grants = self.store.grants_of(record.user_id).await?;
        Ok(Principal {
            user_id: record.user_id,
            username: record.username,
            full_name: record.full_name,
            csrf_token: record.csrf_token,
            access: Access::new(record.user_id, grants),
        })
    }

    /// Ends a session. Unknown tokens are ignored: signing out twice is fine.
    pub async fn logout(&self, token: &str) -> Result<(), AppError> {
        self.store.delete_session(&token_hash(token)).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ_per_salt() {
        let password = NewPassword::parse("correct horse battery").expect("valid");
        let a = hash_password(&password).expect("hash");
        let b = hash_password(&password).expect("hash");
        assert_ne!(a, b, "salted");
        assert!(a.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &a));
        assert!(!verify_password("correct horse batterY", &a));
        assert!(!verify_password("anything", "not a hash"));
        assert!(PasswordHash::new(DUMMY_HASH).is_ok(), "dummy hash parses");
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_token().expect("token");
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_token().expect("token"));
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
