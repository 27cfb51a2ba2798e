//! Fixed-window counters in the database, so every server shares them:
//! sign-in attempts per client and per (name, client), anonymous
//! submissions and tracking look-ups per client.

use chrono::{DateTime, Duration, Utc};

use crate::{Store, StoreError, in_write_tx, on_pool};

/// At most `max` takes of `key` within `window`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Throttle {
    pub key: String,
    pub max: i64,
    pub window: Duration,
}

impl Throttle {
    pub fn new(key: impl Into<String>, max: i64, window: Duration) -> Self {
        Self {
            key: key.into(),
            max,
            window,
        }
    }
}

/// Takes one of each throttle of `$throttles` through `$tx`, atomically
/// (an upsert whose new count the database returns, so concurrent takes on
/// any server all count). Over a limit: returns from the enclosing function
/// with `StoreError::Throttled` — the caller's transaction rolls back, so a
/// refused attempt writes nothing, its count included.
macro_rules! take_throttles {
    ($tx:expr, $throttles:expr, $now:expr) => {{
        let now: chrono::DateTime<chrono::Utc> = $now;
        for throttle in $throttles {
            let throttle: &$crate::throttles::Throttle = throttle;
            let (count, start): (i64, chrono::DateTime<chrono::Utc>) = sqlx::query_as(
                "INSERT INTO throttles (key, window_start, count) VALUES ($1, $2, 1) \
                 ON CONFLICT (key) DO UPDATE SET \
                 count = CASE WHEN throttles.window_start <= $3 THEN 1 ELSE throttles.count + 1 END, \
                 window_start = CASE WHEN throttles.window_start <= $3 THEN $2 ELSE throttles.window_start END \
                 RETURNING count, window_start",
            )
            .bind(&throttle.key)
            .bind(now)
            .bind(now - throttle.window)
            .fetch_one(&mut *$tx)
            .await?;
            if count > throttle.max {
                return Err($crate::StoreError::Throttled {
                    key: throttle.key.clone(),
                    until: start + throttle.window,
                });
            }
        }
    }};
}
pub(crate) use take_throttles;

impl Store {
    /// Takes one of each throttle in its own transaction: all of them, or
    /// none and `StoreError::Throttled` with the time the first full
    /// window ends.
    pub async fn take_throttles(
        &self,
        throttles: &[Throttle],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            take_throttles!(tx, throttles, now);
        });
        Ok(())
    }

    /// Gives back one take of `key` (a sign-in that succeeded).
    pub async fn give_back_throttle(&self, key: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE throttles SET count = count - 1 WHERE key = $1 AND count > 0")
                .bind(key)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Forgets `key` (a name signed in from this client: its failures
    /// no longer count).
    pub async fn clear_throttle(&self, key: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM throttles WHERE key = $1")
                .bind(key)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Deletes windows that started before `before`; returns how many.
    pub async fn purge_throttles(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query("DELETE FROM throttles WHERE window_start < $1")
                .bind(before)
                .execute(pool)
                .await?
                .rows_affected()
        }))
    }
}
