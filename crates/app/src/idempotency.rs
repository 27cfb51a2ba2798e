//! Submissions made once: a form's hidden key or an API client's
//! `Idempotency-Key` header names a submission, and the same key again —
//! a reload, a double click, a retry after a lost answer — gets the first
//! submission's result instead of filing a second one.

use baladiya_domain::error::FieldError;
use baladiya_store::{IdempotencyKey, StoreError};
use sha2::{Digest, Sha256};

use crate::{App, AppError};

/// The longest key a client may send.
const MAX_KEY_CHARS: usize = 255;

/// A key as a client sent it, scoped so that two clients never share one:
/// `scope` is who sends it (the form, an API key, a signed-in user).
pub fn scoped_key(scope: &str, key: &str) -> Result<String, AppError> {
    let key = key.trim();
    if key.is_empty()
        || key.chars().count() > MAX_KEY_CHARS
        || !key.chars().all(|c| c.is_ascii_graphic())
    {
        return Err(AppError::Invalid(vec![FieldError::new(
            "idempotency_key",
            "idempotency-key-invalid",
        )]));
    }
    Ok(format!("{scope}:{key}"))
}

/// A digest of a request's parts, in order.
pub(crate) fn fingerprint<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut digest = Sha256::new();
    for part in parts {
        digest.update(part.as_bytes());
        digest.update([0]);
    }
    hex::encode(digest.finalize())
}

impl App {
    /// The `entity` row `key` already made, if any. The same key with a
    /// different request is refused, so a key reused by mistake never
    /// hands out another submission's result.
    pub(crate) async fn replayed(
        &self,
        key: Option<&IdempotencyKey>,
        entity: &str,
    ) -> Result<Option<i64>, AppError> {
        let Some(key) = key else { return Ok(None) };
        match self.store.idempotency_key(&key.key).await? {
            None => Ok(None),
            Some(used) if used.entity == entity && used.fingerprint == key.fingerprint => {
                tracing::info!(
                    entity,
                    id = used.entity_id,
                    "a repeated submission answered with the first"
                );
                Ok(Some(used.entity_id))
            }
            Some(_) => Err(AppError::Invalid(vec![FieldError::new(
                "idempotency_key",
                "idempotency-key-reused",
            )])),
        }
    }

    /// After a write refused with `KeyTaken` (a concurrent submission with
    /// the same key committed first): that submission's row.
    pub(crate) async fn taken_by(
        &self,
        key: Option<&IdempotencyKey>,
        entity: &str,
    ) -> Result<i64, AppError> {
        self.replayed(key, entity)
            .await?
            .ok_or_else(|| AppError::from(StoreError::KeyTaken))
    }
}
