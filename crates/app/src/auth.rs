//! Signing in and out, sessions and bearer tokens, and lockout after
//! repeated failures.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use baladiya_domain::access::Access;
use baladiya_domain::people::{NewPassword, Username};
use baladiya_store::{SessionKind, SessionRecord, StoreError, Throttle};
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

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

    /// Whether the user manages the organisation somewhere (and so its
    /// sensors' rules and credentials).
    pub fn can_manage_org(&self) -> bool {
        self.access
            .has_anywhere(baladiya_domain::people::Permission::ManageOrg)
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

/// The key a client is counted under in throttles: its IP address, or for
/// IPv6 its /64 network (one subscriber's usual share).
pub fn client_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// How a session token is kept: its SHA-256, hex-encoded.
pub(crate) fn token_hash(token: &str) -> String {
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

/// Whether `password` matches `stored_hash` (a PHC string of any Argon2
/// variant and parameters), computed in `memory`, which grows to the
/// hash's size once and is then reused: checking a password allocates
/// nothing large, so the allocator never piles up freed 19 MiB blocks.
fn verify_password(password: &str, stored_hash: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(hash) = PasswordHash::new(stored_hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) =
        (Algorithm::try_from(hash.algorithm), Params::try_from(&hash))
    else {
        return false;
    };
    let Ok(version) = hash
        .version
        .map_or(Ok(Version::default()), Version::try_from)
    else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    if memory.len() < params.block_count() {
        memory.resize(params.block_count(), Block::default());
    }
    let mut computed = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut computed, &mut memory[..])
        .is_ok()
        && same_bytes(&computed, expected.as_bytes())
}

fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A hash to verify against when the username does not exist, so that a
/// wrong username takes as long as a wrong password.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$2x2JkxGQ8pGOt2cU0bcu8c3nW0mX7TZmrCSgWpgDDQk";

pub async fn hash_password_blocking(password: NewPassword) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))?
}

/// Bounds the password checks running at once: each Argon2id check holds
/// 19 MiB, so one per core runs and up to fifteen per core wait (they hold
/// no memory while they wait; a queue drains in well under a second); beyond that
/// a sign-in is answered `server-busy` at once. Memory stays flat however
/// many sign-ins arrive together.
#[derive(Debug, Clone)]
pub(crate) struct HashGate {
    running: Arc<Semaphore>,
    waiting: Arc<Semaphore>,
    /// Argon2 working memory, one per running check, kept for reuse.
    memory: Arc<Mutex<Vec<Vec<Block>>>>,
}

impl HashGate {
    pub(crate) fn new() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self::with_room(cores, cores * 16)
    }

    /// `running` checks at once, and room for `admitted` in all (running
    /// or waiting).
    fn with_room(running: usize, admitted: usize) -> Self {
        Self {
            running: Arc::new(Semaphore::new(running)),
            waiting: Arc::new(Semaphore::new(admitted)),
            memory: Arc::default(),
        }
    }

    /// Whether `password` matches `hash`, checked on a blocking thread that
    /// holds its permit to the end (even if the caller goes away).
    async fn verify(&self, password: &str, hash: &str) -> Result<bool, AppError> {
        let queued = self
            .waiting
            .clone()
            .try_acquire_owned()
            .map_err(|_| AppError::Busy)?;
        let running = self
            .running
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| AppError::Busy)?;
        let (password, hash) = (password.to_owned(), hash.to_owned());
        let pool = self.memory.clone();
        tokio::task::spawn_blocking(move || {
            let _permits = (queued, running);
            let mut memory = pool
                .lock()
                .ok()
                .and_then(|mut p| p.pop())
                .unwrap_or_default();
            let matches = verify_password(&password, &hash, &mut memory);
            if let Ok(mut p) = pool.lock() {
                p.push(memory);
            }
            matches
        })
        .await
        .map_err(|e| AppError::Internal(format!("password check failed: {e}")))
    }
}

/// The sign-in window: failures count for 15 minutes.
const SIGN_IN_WINDOW_MINUTES: i64 = 15;

impl App {
    /// Checks a username and password from `client` (see
    /// [`client_key`]) and opens a session of `kind`.
    ///
    /// Before any hashing, one attempt is taken atomically from two
    /// throttles in the database — failures per client, and failures per
    /// (name, client) — so concurrent guesses on any server all count and
    /// a full window is refused without hashing. Unknown names are counted
    /// and answered exactly like known ones. A success gives its attempts
    /// back. A stranger can make a name wait only on their own connection,
    /// never lock its owner out.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        kind: SessionKind,
        client: &str,
    ) -> Result<IssuedSession, AppError> {
        let now = self.now();
        let limits = &self.settings.limits;
        let window = Duration::minutes(SIGN_IN_WINDOW_MINUTES);
        let name: String = username.trim().to_lowercase().chars().take(64).collect();
        let per_client = Throttle::new(
            format!("sign-in:{client}"),
            limits.sign_in_failures_per_client,
            window,
        );
        let per_name = Throttle::new(
            format!("sign-in:{client}:{name}"),
            limits.sign_in_failures_per_name,
            window,
        );
        match self
            .store
            .take_throttles(&[per_client.clone(), per_name.clone()], now)
            .await
        {
            Err(StoreError::Throttled { key, until }) if key == per_name.key => {
                return Err(AppError::AccountLocked { until });
            }
            other => other?,
        }
        let user = match Username::parse(username) {
            Ok(name) => self.store.user_by_username(&name).await?,
            Err(_) => None,
        }
        .filter(|u| u.active);
        let Some(user) = user else {
            self.hashing.verify(password, DUMMY_HASH).await?;
            return Err(AppError::InvalidCredentials);
        };
        if !self.hashing.verify(password, &user.password_hash).await? {
            self.store.record_failed_login(user.id, now).await?;
            tracing::warn!(user = %user.username, client, "failed login");
            return Err(AppError::InvalidCredentials);
        }
        self.store.give_back_throttle(&per_client.key).await?;
        self.store.clear_throttle(&per_name.key).await?;
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
        let mut memory = Vec::new();
        assert!(verify_password("correct horse battery", &a, &mut memory));
        assert!(!verify_password("correct horse batterY", &a, &mut memory));
        assert!(!verify_password("anything", "not a hash", &mut memory));
        let allocated = memory.capacity();
        assert!(verify_password("correct horse battery", &b, &mut memory));
        assert_eq!(memory.capacity(), allocated, "the working memory is reused");
        // Other parameters and variants verify too (hashes made elsewhere).
        let argon2i = Argon2::new(
            Algorithm::Argon2i,
            Version::V0x13,
            Params::new(8, 1, 1, None).expect("params"),
        )
        .hash_password(b"secret", &SaltString::generate(&mut OsRng))
        .expect("hash")
        .to_string();
        assert!(verify_password("secret", &argon2i, &mut memory));
        assert!(!verify_password("Secret", &argon2i, &mut memory));
        assert!(PasswordHash::new(DUMMY_HASH).is_ok(), "dummy hash parses");
    }

    #[tokio::test]
    async fn the_hash_gate_refuses_beyond_its_room_and_frees_it_after() {
        let gate = HashGate::with_room(1, 2);
        let hash = hash_password(&NewPassword::parse("correct horse battery").expect("valid"))
            .expect("hash");
        let held = gate
            .waiting
            .clone()
            .try_acquire_many_owned(2)
            .expect("all the room");
        assert!(matches!(
            gate.verify("correct horse battery", &hash).await,
            Err(AppError::Busy)
        ));
        drop(held);
        let (a, b) = tokio::join!(
            gate.verify("correct horse battery", &hash),
            gate.verify("wrong", &hash)
        );
        assert!(
            a.expect("checked") && !b.expect("checked"),
            "two fit: one runs, one waits"
        );
        assert_eq!(gate.waiting.available_permits(), 2, "room given back");
        assert_eq!(gate.running.available_permits(), 1);
    }

    #[test]
    fn clients_are_counted_by_address_and_ipv6_by_network() {
        assert_eq!(client_key("192.0.2.7".parse().expect("ip")), "192.0.2.7");
        assert_eq!(
            client_key("::ffff:192.0.2.7".parse().expect("ip")),
            "192.0.2.7"
        );
        assert_eq!(
            client_key("2001:db8:1:2:3:4:5:6".parse().expect("ip")),
            client_key("2001:db8:1:2:ffff::1".parse().expect("ip")),
        );
        assert_eq!(
            client_key("2001:db8:1:2::1".parse().expect("ip")),
            "2001:db8:1:2::/64"
        );
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
