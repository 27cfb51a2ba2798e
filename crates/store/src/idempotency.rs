//! Idempotency keys of submissions: a repeated or concurrent submission
//! with the key of one already made is answered with the first one's result.

use chrono::{DateTime, Utc};

use crate::{NewDocument, Store, StoreError, on_pool};

/// The key a submission is made under, and what it asked for.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    /// Scoped by the caller (a form's random key, or an API client's key
    /// with the client's identity), so two clients never share one.
    pub key: String,
    /// A digest of the request, to tell a repeat from a reuse of the key.
    pub fingerprint: String,
}

/// What a key was used for.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeyUse {
    pub fingerprint: String,
    pub entity: String,
    pub entity_id: i64,
    pub created_at: DateTime<Utc>,
}

/// Records `$key` (an `Option<&IdempotencyKey>`) for `$entity` `$id` in the
/// transaction that made it; a key already recorded (by a concurrent
/// submission that committed first) is `StoreError::KeyTaken` and the
/// whole transaction is undone.
macro_rules! record_idempotency_key {
    ($tx:expr, $key:expr, $entity:expr, $id:expr, $at:expr) => {{
        let key: Option<&$crate::idempotency::IdempotencyKey> = $key;
        if let Some(key) = key {
            let recorded = sqlx::query(
                "INSERT INTO idempotency_keys (key, fingerprint, entity, entity_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO NOTHING",
            )
            .bind(&key.key)
            .bind(&key.fingerprint)
            .bind($entity)
            .bind($id)
            .bind($at)
            .execute(&mut *$tx)
            .await?
            .rows_affected();
            if recorded == 0 {
                return Err($crate::StoreError::KeyTaken);
            }
        }
    }};
}
pub(crate) use record_idempotency_key;

impl Store {
    /// What `key` was used for, if anything.
    pub async fn idempotency_key(&self, key: &str) -> Result<Option<KeyUse>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT fingerprint, entity, entity_id, created_at FROM idempotency_keys WHERE key = $1",
            )
            .bind(key)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// Forgets keys recorded, and documents held, before `before`;
    /// returns how many keys.
    pub async fn delete_idempotency_keys(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query("DELETE FROM held_documents WHERE held_at < $1")
                .bind(before)
                .execute(pool)
                .await?;
            sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
                .bind(before)
                .execute(pool)
                .await?
                .rows_affected()
        }))
    }

    /// Holds a document of form `form_key` for its next attempt (a newer
    /// one of the same code replaces it).
    pub async fn hold_document(
        &self,
        form_key: &str,
        document: &NewDocument,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO held_documents (form_key, code, file_name, content_type, size_bytes, \
                 storage_key, sha256, held_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (form_key, code) DO UPDATE SET file_name = excluded.file_name, \
                 content_type = excluded.content_type, size_bytes = excluded.size_bytes, \
                 storage_key = excluded.storage_key, sha256 = excluded.sha256, held_at = excluded.held_at",
            )
            .bind(form_key)
            .bind(&document.code)
            .bind(&document.file_name)
            .bind(&document.content_type)
            .bind(document.size_bytes)
            .bind(&document.storage_key)
            .bind(&document.sha256)
            .bind(at)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The documents held for form `form_key`, by code.
    pub async fn held_documents(&self, form_key: &str) -> Result<Vec<NewDocument>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT code, file_name, content_type, size_bytes, storage_key, sha256 \
                 FROM held_documents WHERE form_key = $1 ORDER BY code",
            )
            .bind(form_key)
            .fetch_all(pool)
            .await?
        }))
    }
}
