//! Online payments and the gateway's callbacks: a payment is settled
//! once (`pending` to `paid` or `failed`, guarded in the update); every
//! callback is logged with what became of it, for reconciliation.

use chrono::{DateTime, Utc};

use crate::{Store, StoreError, on_pool};

/// A payment with its application.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PaymentRecord {
    pub reference: String,
    pub application_id: i64,
    pub tracking_number: String,
    pub amount_minor: i64,
    pub currency: String,
    pub status: String,
    pub gateway_ref: Option<String>,
    pub created_at: DateTime<Utc>,
    pub settled_at: Option<DateTime<Utc>>,
}

/// A callback as logged.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CallbackRecord {
    pub reference: String,
    pub status: String,
    pub amount_minor: i64,
    pub currency: String,
    pub gateway_ref: String,
    pub verdict: String,
    pub received_at: DateTime<Utc>,
}

const PAYMENT_COLUMNS: &str = "SELECT p.reference, p.application_id, a.tracking_number, \
     p.amount_minor, p.currency, p.status, p.gateway_ref, p.created_at, p.settled_at \
     FROM payments p JOIN applications a ON a.id = p.application_id";

impl Store {
    pub async fn create_payment(
        &self,
        reference: &str,
        application_id: i64,
        amount_minor: i64,
        currency: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO payments (reference, application_id, amount_minor, currency, status, \
                 created_at) VALUES ($1, $2, $3, $4, 'pending', $5)",
            )
            .bind(reference)
            .bind(application_id)
            .bind(amount_minor)
            .bind(currency)
            .bind(at)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    pub async fn payment(&self, reference: &str) -> Result<Option<PaymentRecord>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("{PAYMENT_COLUMNS} WHERE p.reference = $1"));
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sql).bind(reference).fetch_optional(pool).await?
        }))
    }

    /// Settles a pending payment; false when it was no longer pending
    /// (another callback settled it first).
    pub async fn settle_payment(
        &self,
        reference: &str,
        status: &str,
        gateway_ref: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query(
                "UPDATE payments SET status = $1, gateway_ref = $2, settled_at = $3 \
                 WHERE reference = $4 AND status = 'pending'",
            )
            .bind(status)
            .bind(gateway_ref)
            .bind(at)
            .bind(reference)
            .execute(pool)
            .await?
            .rows_affected()
                == 1
        }))
    }

    pub async fn log_callback(&self, c: &CallbackRecord) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO payment_callbacks (reference, status, amount_minor, currency, \
                 gateway_ref, verdict, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&c.reference)
            .bind(&c.status)
            .bind(c.amount_minor)
            .bind(&c.currency)
            .bind(&c.gateway_ref)
            .bind(&c.verdict)
            .bind(c.received_at)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Callbacks Baladiya did not record as a payment (unknown reference,
    /// wrong amount or currency, a second settlement), the newest first.
    pub async fn unreconciled_callbacks(&self) -> Result<Vec<CallbackRecord>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT reference, status, amount_minor, currency, gateway_ref, verdict, received_at \
                 FROM payment_callbacks WHERE verdict NOT IN ('recorded', 'already') \
                 ORDER BY id DESC",
            )
            .fetch_all(pool)
            .await?
        }))
    }

    /// Paid payments, the newest first, for the reconciliation report.
    pub async fn paid_payments(&self) -> Result<Vec<PaymentRecord>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{PAYMENT_COLUMNS} WHERE p.status = 'paid' ORDER BY p.settled_at DESC"
        ));
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sql).fetch_all(pool).await?
        }))
    }
}
