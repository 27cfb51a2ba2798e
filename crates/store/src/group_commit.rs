//! Group commit for SQLite's write transactions.
//!
//! SQLite has one writer at a time, and with `synchronous = FULL` each
//! commit waits for the disk. Instead of every writer taking the lock in
//! turn (and sleeping in SQLite's busy handler while another holds it),
//! writes go through one connection, kept for them, taken in arrival order
//! (a fair async mutex): the first writer of a batch opens a transaction
//! (`BEGIN IMMEDIATE`) and schedules its commit; each writer runs its
//! statements inside its own savepoint — a refusal rolls back its own work
//! only — and those that arrive before the commit's turn join the batch.
//! One durable commit then covers them all, and **no writer is answered
//! before the commit that holds its work has returned**: nothing
//! acknowledged can be lost to a crash, and a failed commit fails every
//! writer of its batch.
//!
//! The writer that opens a batch needs no savepoint: nothing else is in
//! the transaction yet, so its refusal rolls the whole transaction back
//! (two statements fewer on the commonest path, a batch of one).
//!
//! A writer abandoned half-way (its request dropped) leaves its work
//! open; whoever takes the connection next rolls it back first.

use std::sync::Arc;

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{Connection, SqlitePool};
use tokio::sync::{Mutex, OwnedMutexGuard, watch};

use crate::StoreError;

/// How a batch ended: `None` while it is open.
type Outcome = Option<Result<(), Arc<str>>>;

/// The write connection and its open batch.
#[derive(Debug)]
pub struct GroupCommit {
    options: Arc<SqliteConnectOptions>,
    state: Arc<Mutex<State>>,
}

#[derive(Debug, Default)]
struct State {
    conn: Option<SqliteConnection>,
    batch: Option<Batch>,
    /// Set from a writer's start to its end: still set when the next
    /// writer takes the connection, the last one was dropped half-way.
    abandoned: Option<Scope>,
    next_batch: u64,
}

/// What a writer's work is in: the batch's transaction (it opened it)
/// or a savepoint of its own.
#[derive(Debug, Clone, Copy)]
enum Scope {
    Transaction,
    Savepoint,
}

impl Scope {
    fn keep(self) -> Option<&'static str> {
        match self {
            Scope::Transaction => None,
            Scope::Savepoint => Some("RELEASE member"),
        }
    }

    fn undo(self) -> &'static str {
        match self {
            Scope::Transaction => "ROLLBACK",
            Scope::Savepoint => "ROLLBACK TO member; RELEASE member",
        }
    }
}

#[derive(Debug)]
struct Batch {
    id: u64,
    done: watch::Sender<Outcome>,
}

/// One writer's turn on the write connection, inside the open batch.
pub struct Member {
    guard: OwnedMutexGuard<State>,
    scope: Scope,
    outcome: watch::Receiver<Outcome>,
}

impl GroupCommit {
    pub fn new(pool: &SqlitePool) -> GroupCommit {
        GroupCommit {
            options: pool.connect_options(),
            state: Arc::new(Mutex::new(State::default())),
        }
    }

    /// Waits for the write connection, then opens a batch (this writer
    /// works in its transaction) or joins the open one in a savepoint.
    /// Done in a task of its own, so that a caller dropped meanwhile cannot
    /// stop it half-way (between `BEGIN` and the batch it opens, say): work
    /// opened for nobody is rolled back by the next writer.
    pub async fn join(&self) -> Result<Member, StoreError> {
        let (state, options) = (self.state.clone(), self.options.clone());
        tokio::spawn(async move {
            let mut guard = state.clone().lock_owned().await;
            guard.roll_back_abandoned().await;
            if guard.conn.is_none() {
                guard.conn = Some(SqliteConnection::connect_with(&options).await?);
            }
            let scope = if guard.batch.is_none() {
                guard.open_batch(&state).await?;
                Scope::Transaction
            } else {
                guard.execute("SAVEPOINT member").await?;
                Scope::Savepoint
            };
            let outcome = match &guard.batch {
                Some(batch) => batch.done.subscribe(),
                None => return Err(StoreError::Commit("no open batch".into())),
            };
            guard.abandoned = Some(scope);
            Ok(Member {
                guard,
                scope,
                outcome,
            })
        })
        .await
        .map_err(|e| StoreError::Commit(e.to_string()))?
    }
}

impl State {
    async fn execute(&mut self, sql: &'static str) -> Result<(), StoreError> {
        let conn = self
            .conn
            .as_mut()
            .ok_or_else(|| StoreError::Commit("no write connection".into()))?;
        sqlx::raw_sql(sql).execute(conn).await?;
        Ok(())
    }

    async fn open_batch(&mut self, state: &Arc<Mutex<State>>) -> Result<(), StoreError> {
        if let Err(error) = self.execute("BEGIN IMMEDIATE").await {
            // The connection may be unusable: the next writer opens another.
            self.conn = None;
            return Err(error);
        }
        self.next_batch += 1;
        let id = self.next_batch;
        let (done, _) = watch::channel(None);
        self.batch = Some(Batch { id, done });
        // The commit waits its turn behind the writers already waiting:
        // they join this batch; those who come after it wait for the next.
        let state = state.clone();
        tokio::spawn(async move {
            let mut guard = state.lock_owned().await;
            guard.roll_back_abandoned().await;
            guard.commit(id).await;
        });
        Ok(())
    }

    /// Commits batch `id` if it is still the open one, and tells its writers.
    async fn commit(&mut self, id: u64) {
        if self.batch.as_ref().is_none_or(|b| b.id != id) {
            return;
        }
        match self.execute("COMMIT").await {
            Ok(()) => self.end_batch(Ok(())),
            // Closing the connection rolls back what is left of the batch.
            Err(error) => self.fail_batch(&error.to_string()),
        }
    }

    fn end_batch(&mut self, outcome: Result<(), String>) {
        if let Some(batch) = self.batch.take() {
            batch.done.send_replace(Some(outcome.map_err(Arc::from)));
        }
    }

    async fn roll_back_abandoned(&mut self) {
        if let Some(scope) = self.abandoned.take() {
            self.end_member(scope, false).await;
        }
    }

    /// Keeps or undoes a writer's work. Undoing the batch opener's work
    /// ends the batch; failing to undo a savepoint (SQLite ended the whole
    /// transaction: a full disk, say) means the others' work is gone too.
    async fn end_member(&mut self, scope: Scope, keep: bool) {
        let end = if keep {
            scope.keep()
        } else {
            Some(scope.undo())
        };
        let Some(end) = end else { return };
        match (self.execute(end).await, scope, keep) {
            (Err(error), _, _) => self.fail_batch(&error.to_string()),
            (Ok(()), Scope::Transaction, false) => self.end_batch(Err("rolled back".into())),
            (Ok(()), _, _) => {}
        }
    }

    /// Ends the open batch without committing it: its writers are told it
    /// failed, and the next writer opens another connection.
    fn fail_batch(&mut self, why: &str) {
        self.conn = None;
        self.end_batch(Err(why.to_owned()));
    }
}

impl Member {
    /// The write connection, for this writer's statements.
    pub fn connection(&mut self) -> Result<&mut SqliteConnection, StoreError> {
        self.guard
            .conn
            .as_mut()
            .ok_or_else(|| StoreError::Commit("no write connection".into()))
    }

    /// Keeps this writer's work in the batch (`Ok`) or undoes it (`Err`),
    /// gives the connection to the next writer, and answers once the batch's
    /// commit has returned: the writer's own error, or its value if the
    /// commit succeeded.
    pub async fn finish<T>(self, result: Result<T, StoreError>) -> Result<T, StoreError> {
        let Member {
            mut guard,
            scope,
            mut outcome,
        } = self;
        let keep = result.is_ok();
        // In a task of its own, as `join`: a rollback is not left half-done.
        tokio::spawn(async move {
            guard.end_member(scope, keep).await;
            guard.abandoned = None;
        })
        .await
        .map_err(|e| StoreError::Commit(e.to_string()))?;
        let committed = match outcome.wait_for(Option::is_some).await {
            Ok(ended) => ended
                .clone()
                .unwrap_or(Err(Arc::from("the batch did not end"))),
            Err(_) => Err(Arc::from("the batch was dropped")),
        };
        let value = result?;
        committed
            .map(|()| value)
            .map_err(|why| StoreError::Commit(why.to_string()))
    }
}
