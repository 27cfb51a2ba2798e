use baladiya_domain::ErrorCode;
use thiserror::Error;

/// What can go wrong in storage.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error(
        "this database has schema version {found}, but this Baladiya only knows versions up to \
         {supported}: it was created by a newer Baladiya. Upgrade Baladiya; the database was not changed"
    )]
    SchemaTooNew { found: i64, supported: i64 },
    /// A uniqueness rule refused the write. The code names which one.
    #[error("conflict: {0:?}")]
    Conflict(ErrorCode),
    #[error("not found")]
    NotFound,
    /// The submission's idempotency key was recorded by another submission
    /// that committed first; nothing was written.
    #[error("idempotency key already used")]
    KeyTaken,
    /// The throttle `key`'s window is full until `until`; nothing was written.
    #[error("throttled ({key}) until {until}")]
    Throttled {
        key: String,
        until: chrono::DateTime<chrono::Utc>,
    },
    /// A row that does not parse into its domain type.
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The commit of a group of writes failed: none of them was kept.
    #[error("the write was not committed: {0}")]
    Commit(String),
}

impl StoreError {
    /// Maps a unique-constraint violation to `Conflict(code)`; other errors pass.
    pub(crate) fn unique_as(code: ErrorCode) -> impl FnOnce(sqlx::Error) -> StoreError {
        move |error| match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(code),
            _ => StoreError::Database(error),
        }
    }

    /// True if the database was too busy to take the write now (SQLite's
    /// lock not had within its busy timeout; a PostgreSQL deadlock or
    /// serialization failure): the client may simply try again.
    pub fn is_busy(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(db)) => {
                matches!(db.code().as_deref(), Some("5" | "517" | "40001" | "40P01"))
            }
            _ => false,
        }
    }

    /// True if the database could not be reached at all.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Database(
                sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed
            )
        )
    }
}

pub(crate) fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}: {value:?}"))
}
