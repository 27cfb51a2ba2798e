//! Storage for Baladiya on two engines: SQLite (the embedded default: one
//! file, WAL, foreign keys on, busy timeout) and PostgreSQL (production).
//!
//! Both engines share one SQL dialect here: `$n` placeholders (SQLite
//! accepts them), `RETURNING`, and column types that sqlx maps to the same
//! Rust types. Each method's body is written once and compiled for both
//! pools by [`on_pool!`] / [`in_write_tx!`]; each engine has its own
//! migrations in `migrations/<engine>/`.

mod alerts;
mod applications;
mod assignment;
mod boundaries;
mod citizens;
mod error;
mod events;
mod group_commit;
mod history;
mod holidays;
pub mod idempotency;
mod indicators;
mod notifications;
mod org;
mod participation;
mod participation_delivery;
mod payments;
mod process;
mod reports;
mod rows;
mod sensors;
mod sessions;
mod sql;
mod throttles;
mod tiles;
mod training;
mod training_records;
mod users;

use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use applications::{
    ApplicationRecord, HistoryEntry, InboxQuery, InsertedApplication, IssuanceRecord,
    NewApplication, NewDocument, NewIssuance, NewNotification, WorkflowChange, WorkflowUpdate,
};
pub use error::StoreError;

/// The event of an application returned to its applicant for completion
/// (counted in `applications.times_returned` in the same transaction).
pub const RETURN_FOR_COMPLETION: &str = "application.return_for_completion";
pub use alerts::{AlertRow, RuleRow};
pub use assignment::{Assignable, Colleague};
pub use citizens::{
    CitizenApplication, CitizenNotice, CitizenReport, CitizenSession, CodeRow, Identity, OidcLogin,
    Proof,
};
pub use events::NewEvent;
pub use history::{PastApplication, PastReport};
pub use idempotency::{IdempotencyKey, KeyUse};
pub use indicators::{
    ApplicationFact, CompletedCount, EnteredValue, IndicatorPart, IndicatorValue, ReceivedCount,
    ReportFact, ResolvedCount, ReviewedValue, SubmittedCount, UnitReference,
};
pub use notifications::{OutboxDepth, OutgoingNotification};
pub use org::{NewDepartment, NewUnit};
pub use participation::{
    BudgetRow, CastBallot, NewBudget, NewProcess, NewProject, NewProposalRow, ProcessRow,
    ProjectRow, ProposalChange, ProposalRow,
};
pub use participation_delivery::{DeliveryRow, DeliveryUpdate, MilestoneRow};
pub use payments::{CallbackRecord, PaymentRecord};
pub use process::{LogCase, LogFilter, ReportLogCase};
pub use reports::{NewReport, PublicReport, ReportChange, ReportQuery, ReportRecord};
pub use sensors::{
    HOUR, HourRow, ObsColumn, ObsCondition, ObservationRow, Relation, StaRef, StaRow, StaStep,
    hour_of,
};
pub use sessions::{SessionKind, SessionRecord};
pub use throttles::Throttle;
pub use tiles::{MbTiles, TilesMetadata};
pub use training::{
    CertificateRecord, NewCertificate, NewCourse, NewSession, SeatChange, SeatRow, SessionListing,
    TraineeSeat, TrainingNotice, TrainingSession,
};
pub use training_records::{
    Acquired, Competency, CourseLine, ReportEvaluation, ReportSeat, StaffRole, TrainingCenter,
};
pub use users::{NewUser, UserRecord};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Runs the same body against whichever pool the store holds.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            $crate::Store::Sqlite(sqlite) => {
                let $pool = &sqlite.pool;
                $body
            }
            $crate::Store::Postgres($pool) => $body,
        }
    };
}

/// Runs the body inside a write transaction, `$tx` being its connection,
/// and keeps its writes if the body's value is `Ok` (an early `return` or
/// `?` in the body gives the body's value, as in a closure). On SQLite the
/// body joins the group commit ([`group_commit`]): its value is given once
/// the commit holding its writes has returned. On PostgreSQL it is a
/// transaction of its own.
macro_rules! in_write_tx {
    ($store:expr, $tx:ident => $body:expr) => {
        match $store {
            $crate::Store::Sqlite(sqlite) => {
                let mut member = sqlite.writes.join().await?;
                let result: Result<_, $crate::StoreError> = async {
                    let $tx = member.connection()?;
                    Ok($body)
                }
                .await;
                member.finish(result).await?
            }
            $crate::Store::Postgres(pool) => {
                let mut transaction = pool.begin().await?;
                let result: Result<_, $crate::StoreError> = async {
                    let $tx = &mut *transaction;
                    Ok($body)
                }
                .await;
                let value = result?;
                transaction.commit().await?;
                value
            }
        }
    };
}

pub(crate) use {in_write_tx, on_pool};

/// The database engine behind a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

/// How long a connection of SQLite's readers' pool stays open unused: then
/// it is closed, and the memory of its page cache (up to 32 MiB) and its
/// map of the file go back to the system after a burst of traffic. Opening
/// one again is cheap (a file, no network).
pub const SQLITE_READER_IDLE: Duration = Duration::from_secs(10);

/// A connection pool to one of the two engines.
#[derive(Debug, Clone)]
pub enum Store {
    Sqlite(SqliteStore),
    Postgres(PgPool),
}

/// SQLite's readers' pool and its writers' group commit.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pub pool: SqlitePool,
    writes: std::sync::Arc<group_commit::GroupCommit>,
}

/// The connection pool as operators watch it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    /// Connections open now, and of those the idle ones.
    pub open: u32,
    pub idle: u32,
    /// The most the pool opens.
    pub max: u32,
}

impl Store {
    pub fn pool_use(&self) -> PoolUse {
        on_pool!(self, pool => PoolUse {
            open: pool.size(),
            idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
            max: pool.options().get_max_connections(),
        })
    }

    /// Opens `sqlite://PATH` (the file is created if missing) or
    /// `postgres://…`. Does not run migrations: see [`Store::migrate`].
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                // Reads of big tables (the indicators' monthly counts, searches)
                // map the file instead of a system call a page, and keep more
                // pages in each connection's cache (32 MiB).
                .pragma("mmap_size", "268435456")
                .pragma("cache_size", "-32768");
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .idle_timeout(SQLITE_READER_IDLE)
                .connect_with(options)
                .await?;
            let writes = std::sync::Arc::new(group_commit::GroupCommit::new(&pool));
            Ok(Store::Sqlite(SqliteStore { pool, writes }))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)?;
            // One connection first, so that a refused connection or a
            // missing database is said at once (a pool would retry until
            // its timeout and then say only that).
            sqlx::Connection::close(
                <sqlx::PgConnection as sqlx::Connection>::connect_with(&options).await?,
            )
            .await?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Ok(Store::Postgres(pool))
        } else {
            Err(StoreError::UnsupportedUrl(url.to_owned()))
        }
    }

    pub fn engine(&self) -> Engine {
        match self {
            Store::Sqlite(_) => Engine::Sqlite,
            Store::Postgres(_) => Engine::Postgres,
        }
    }

    fn migrator(&self) -> &'static Migrator {
        match self {
            Store::Sqlite(_) => &SQLITE_MIGRATIONS,
            Store::Postgres(_) => &POSTGRES_MIGRATIONS,
        }
    }

    /// The newest schema version this build knows.
    pub fn supported_schema_version(&self) -> i64 {
        self.migrator().iter().map(|m| m.version).max().unwrap_or(0)
    }

    /// Brings the schema up to date. A database migrated by a newer
    /// Baladiya is refused with [`StoreError::SchemaTooNew`] and left as it is.
    pub async fn migrate(&self) -> Result<i64, StoreError> {
        let found = self.schema_version().await?;
        let supported = self.supported_schema_version();
        if found > supported {
            return Err(StoreError::SchemaTooNew { found, supported });
        }
        match self {
            Store::Sqlite(SqliteStore { pool, .. }) => SQLITE_MIGRATIONS.run(pool).await?,
            Store::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        self.schema_version().await
    }

    /// The newest migration applied to this database (0 for an empty one).
    /// The engine's own version, such as `3.50.4` or `17.6 (Debian …)`.
    pub async fn engine_version(&self) -> Result<String, StoreError> {
        Ok(match self {
            Store::Sqlite(SqliteStore { pool, .. }) => {
                sqlx::query_scalar("SELECT sqlite_version()")
                    .fetch_one(pool)
                    .await?
            }
            Store::Postgres(pool) => {
                sqlx::query_scalar("SHOW server_version")
                    .fetch_one(pool)
                    .await?
            }
        })
    }

    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        let exists: bool = match self {
            Store::Sqlite(SqliteStore { pool, .. }) => sqlx::query_scalar(
                "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
            )
            .fetch_one(pool)
            .await?,
            Store::Postgres(pool) => {
                sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
                    .fetch_one(pool)
                    .await?
            }
        };
        if !exists {
            return Ok(0);
        }
        let version: Option<i64> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(pool)
                .await?
        });
        Ok(version.unwrap_or(0))
    }

    /// PostgreSQL only: creates an empty schema `name` (dropping any old
    /// one), for throw-away databases of benchmarks and tests.
    pub async fn recreate_schema(&self, name: &str, create: bool) -> Result<(), StoreError> {
        let Store::Postgres(pool) = self else {
            return Err(StoreError::UnsupportedUrl("schemas need PostgreSQL".into()));
        };
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(StoreError::Corrupt(format!("schema name {name:?}")));
        }
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA IF EXISTS {name} CASCADE"
        )))
        .execute(pool)
        .await?;
        if create {
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {name}")))
                .execute(pool)
                .await?;
        }
        Ok(())
    }

    /// Refreshes the query planner's statistics after many changes
    /// (SQLite's `PRAGMA optimize`, PostgreSQL's `ANALYZE`): run hourly by
    /// `serve` and after bulk loads.
    pub async fn optimize(&self) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(SqliteStore { pool, .. }) => {
                sqlx::query("PRAGMA optimize").execute(pool).await?;
            }
            Store::Postgres(pool) => {
                sqlx::query("ANALYZE").execute(pool).await?;
            }
        }
        Ok(())
    }

    /// A round trip to the database, for health checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    /// Closes every connection; waits for checked-out ones to come back.
    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }
}
