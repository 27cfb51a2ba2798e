//! Attachments: checked by their content, not their name, and kept in an
//! object store (the local filesystem by default; the `object_store` crate
//! also speaks S3 for deployments that have one).

use std::sync::Arc;

use object_store::local::LocalFileSystem;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt};
use sha2::{Digest, Sha256};

use crate::AppError;

/// Document types a catalog may accept, with the MIME type each must sniff as.
pub const KNOWN_TYPES: &[&str] = &["pdf", "jpeg", "png"];

fn mime_of(kind: &str) -> Option<&'static str> {
    match kind {
        "pdf" => Some("application/pdf"),
        "jpeg" => Some("image/jpeg"),
        "png" => Some("image/png"),
        _ => None,
    }
}

/// The catalog type (`pdf`, `jpeg`, `png`) that `bytes` really are, from
/// their magic numbers; `None` for anything else.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let found = infer::get(bytes)?.mime_type();
    KNOWN_TYPES
        .iter()
        .copied()
        .find(|k| mime_of(k) == Some(found))
}

/// Where attachments are kept.
#[derive(Clone)]
pub struct Blobs {
    store: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for Blobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Blobs({})", self.store)
    }
}

impl Blobs {
    /// A store in a local directory (created if missing). A file is on
    /// stable storage — its content and its directory entry, `fsync`ed —
    /// before `put` returns, so an application or a report acknowledged
    /// after it never points to a document a power cut took away.
    pub fn local(dir: &std::path::Path) -> Result<Self, AppError> {
        std::fs::create_dir_all(dir).map_err(|e| {
            AppError::Internal(format!("attachments directory {}: {e}", dir.display()))
        })?;
        let fs = LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| {
                AppError::Internal(format!("attachments directory {}: {e}", dir.display()))
            })?
            .with_fsync(true);
        Ok(Self {
            store: Arc::new(fs),
        })
    }

    /// Stores `bytes` under a key derived from their SHA-256 (so the same
    /// file is kept once). Returns `(key, sha256 hex)`.
    pub async fn put(&self, bytes: Vec<u8>) -> Result<(String, String), AppError> {
        let sha = hex::encode(Sha256::digest(&bytes));
        let key = format!("sha256/{}/{}", &sha[..2], sha);
        self.store
            .put(&StorePath::from(key.as_str()), bytes.into())
            .await
            .map_err(|e| AppError::Internal(format!("storing attachment: {e}")))?;
        Ok((key, sha))
    }

    /// A 32-byte secret kept in this store under `keys/NAME` — beside the
    /// documents, outside the database, shared by every server — made on
    /// first use (by whichever server comes first; the others read it).
    pub async fn secret(&self, name: &str) -> Result<[u8; 32], AppError> {
        let path = StorePath::from(format!("keys/{name}"));
        let failed = |e: object_store::Error| AppError::Internal(format!("secret {name}: {e}"));
        let mut fresh = [0u8; 32];
        getrandom::fill(&mut fresh)
            .map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
        match self
            .store
            .put_opts(
                &path,
                fresh.to_vec().into(),
                object_store::PutMode::Create.into(),
            )
            .await
        {
            Ok(_) => return Ok(fresh),
            Err(object_store::Error::AlreadyExists { .. }) => {}
            Err(e) => return Err(failed(e)),
        }
        let bytes = self
            .store
            .get(&path)
            .await
            .map_err(failed)?
            .bytes()
            .await
            .map_err(failed)?;
        bytes
            .as_ref()
            .try_into()
            .map_err(|_| AppError::Internal(format!("secret {name} is not 32 bytes")))
    }

    pub async fn get(&self, key: &str) -> Result<Vec<u8>, AppError> {
        let result = self
            .store
            .get(&StorePath::from(key))
            .await
            .map_err(|e| AppError::Internal(format!("reading attachment: {e}")))?;
        let bytes = result
            .bytes()
            .await
            .map_err(|e| AppError::Internal(format!("reading attachment: {e}")))?;
        Ok(bytes.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content_not_name() {
        assert_eq!(sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), Some("pdf"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("png"));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\0\x10JFIF\0"), Some("jpeg"));
        assert_eq!(sniff(b"MZ\x90\0 this is an exe"), None);
        assert_eq!(sniff(b"just some text pretending to be a pdf"), None);
    }

    #[tokio::test]
    async fn stores_and_reads_back() {
        let dir = std::env::temp_dir().join(format!("baladiya-blobs-{}", std::process::id()));
        let blobs = Blobs::local(&dir).expect("store");
        let (key, sha) = blobs.put(b"%PDF-1.4 test".to_vec()).await.expect("put");
        assert!(key.ends_with(&sha));
        assert_eq!(blobs.get(&key).await.expect("get"), b"%PDF-1.4 test");
        let _ = std::fs::remove_dir_all(dir);
    }
}
