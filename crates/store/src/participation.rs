//! Community participation: processes, their budgets and projects, and
//! the ballot box.
//!
//! The ballot box writes a vote in one transaction: a row per key of the
//! voter in the roll (a keyed hash, nothing else), the ballot under the
//! hash of its receipt (the choices, nothing else), one more voter in the
//! turnout of the budget and channel, and an event that names the budget
//! and the channel but neither the voter nor the ballot. A second vote by
//! any key of the same person in the same slot finds its roll row taken
//! (the primary key, on either engine and across servers) and is undone
//! whole.

use baladiya_domain::ErrorCode;
use chrono::{DateTime, Utc};
use serde_json::json;

use crate::events::{NewEvent, insert_event};
use crate::{Store, StoreError, in_write_tx, on_pool};

/// A process as staff create it.
#[derive(Debug, Clone)]
pub struct NewProcess {
    pub slug: String,
    pub unit_id: i64,
    pub title_ar: String,
    pub title_en: String,
    pub summary_ar: String,
    pub summary_en: String,
    pub eligibility: String,
    pub support_threshold: i64,
    /// The phases as JSON.
    pub phases: String,
}

/// A process as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProcessRow {
    pub id: i64,
    pub slug: String,
    pub unit_id: i64,
    pub title_ar: String,
    pub title_en: String,
    pub summary_ar: String,
    pub summary_en: String,
    pub eligibility: String,
    pub support_threshold: i64,
    pub phases: String,
    pub created_at: DateTime<Utc>,
}

/// A budget with its projects, as staff create it.
#[derive(Debug, Clone)]
pub struct NewBudget {
    pub process_id: i64,
    pub unit_id: i64,
    pub slot: String,
    pub name_ar: String,
    pub name_en: String,
    pub amount: i64,
    pub currency: String,
    pub ballot_kind: String,
    pub approval_max: Option<i64>,
    pub rule: String,
    pub projects: Vec<NewProject>,
}

/// A project on a budget's ballot.
#[derive(Debug, Clone)]
pub struct NewProject {
    pub code: String,
    pub title_ar: String,
    pub title_en: String,
    pub cost: i64,
    pub proposal_id: Option<i64>,
}

/// A budget as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BudgetRow {
    pub id: i64,
    pub process_id: i64,
    pub unit_id: i64,
    pub slot: String,
    pub name_ar: String,
    pub name_en: String,
    pub amount: i64,
    pub currency: String,
    pub ballot_kind: String,
    pub approval_max: Option<i64>,
    pub rule: String,
    pub result: Option<String>,
    pub signed_off_by: Option<i64>,
    pub signed_off_at: Option<DateTime<Utc>>,
}

/// A project as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProjectRow {
    pub id: i64,
    pub budget_id: i64,
    pub code: String,
    pub title_ar: String,
    pub title_en: String,
    pub cost: i64,
    pub proposal_id: Option<i64>,
}

/// One vote to put in the ballot box.
#[derive(Debug, Clone)]
pub struct CastBallot<'a> {
    pub process_id: i64,
    pub budget_id: i64,
    /// The budget's unit, for the event.
    pub unit_id: i64,
    pub slot: &'a str,
    /// The keyed hashes of the voter's keys.
    pub voter_hashes: &'a [String],
    pub receipt_hash: &'a str,
    /// The chosen project codes, comma-separated in the order of their codes.
    pub choices: &'a str,
    pub channel: &'a str,
    /// Which of the turnout's sixteen counters of the budget and channel
    /// this vote adds to (drawn at random by the caller).
    pub shard: u8,
    /// The clerk who recorded a counter vote.
    pub clerk_id: Option<i64>,
    pub at: DateTime<Utc>,
}

const BUDGET_COLUMNS: &str = "SELECT id, process_id, unit_id, slot, name_ar, name_en, \
     amount, currency, ballot_kind, approval_max, rule, result, signed_off_by, \
     signed_off_at FROM participation_budgets";

const PROCESS_COLUMNS: &str = "SELECT id, slug, unit_id, title_ar, title_en, summary_ar, \
     summary_en, eligibility, support_threshold, phases, created_at FROM participation_processes";

impl Store {
    pub async fn create_process(
        &self,
        new: &NewProcess,
        actor_id: Option<i64>,
        at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        Ok(in_write_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO participation_processes (slug, unit_id, title_ar, title_en, \
                 summary_ar, summary_en, eligibility, support_threshold, phases, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(&new.slug)
            .bind(new.unit_id)
            .bind(&new.title_ar)
            .bind(&new.title_en)
            .bind(&new.summary_ar)
            .bind(&new.summary_en)
            .bind(&new.eligibility)
            .bind(new.support_threshold)
            .bind(&new.phases)
            .bind(at)
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::unique_as(ErrorCode::CodeTaken))?;
            insert_event!(tx, &NewEvent {
                at,
                actor_id,
                action: "participation.process_created",
                entity: "participation_process",
                entity_id: id,
                unit_id: Some(new.unit_id),
                detail: json!({ "slug": new.slug, "eligibility": new.eligibility }),
            });
            id
        }))
    }

    /// Replaces a process's dated phases.
    pub async fn set_process_phases(
        &self,
        id: i64,
        unit_id: i64,
        phases: &str,
        actor_id: Option<i64>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            let changed = sqlx::query("UPDATE participation_processes SET phases = $1 WHERE id = $2")
                .bind(phases)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if changed == 0 {
                return Err(StoreError::NotFound);
            }
            insert_event!(tx, &NewEvent {
                at,
                actor_id,
                action: "participation.process_rescheduled",
                entity: "participation_process",
                entity_id: id,
                unit_id: Some(unit_id),
                detail: serde_json::from_str(phases).unwrap_or_default(),
            });
        });
        Ok(())
    }

    pub async fn processes(&self) -> Result<Vec<ProcessRow>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("{PROCESS_COLUMNS} ORDER BY id DESC"));
        Ok(on_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await?))
    }

    pub async fn process_by_slug(&self, slug: &str) -> Result<Option<ProcessRow>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("{PROCESS_COLUMNS} WHERE slug = $1"));
        Ok(on_pool!(self, pool => sqlx::query_as(sql).bind(slug).fetch_optional(pool).await?))
    }

    pub async fn process(&self, id: i64) -> Result<Option<ProcessRow>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("{PROCESS_COLUMNS} WHERE id = $1"));
        Ok(on_pool!(self, pool => sqlx::query_as(sql).bind(id).fetch_optional(pool).await?))
    }

    /// Creates a budget with its projects.
    pub async fn create_budget(
        &self,
        new: &NewBudget,
        actor_id: Option<i64>,
        at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        Ok(in_write_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO participation_budgets (process_id, unit_id, slot, name_ar, name_en, \
                 amount, currency, ballot_kind, approval_max, rule) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(new.process_id)
            .bind(new.unit_id)
            .bind(&new.slot)
            .bind(&new.name_ar)
            .bind(&new.name_en)
            .bind(new.amount)
            .bind(&new.currency)
            .bind(&new.ballot_kind)
            .bind(new.approval_max)
            .bind(&new.rule)
            .fetch_one(&mut *tx)
            .await?;
            for p in &new.projects {
                sqlx::query(
                    "INSERT INTO participation_projects (budget_id, code, title_ar, title_en, \
                     cost, proposal_id) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(id)
                .bind(&p.code)
                .bind(&p.title_ar)
                .bind(&p.title_en)
                .bind(p.cost)
                .bind(p.proposal_id)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::unique_as(ErrorCode::CodeTaken))?;
            }
            insert_event!(tx, &NewEvent {
                at,
                actor_id,
                action: "participation.budget_created",
                entity: "participation_budget",
                entity_id: id,
                unit_id: Some(new.unit_id),
                detail: json!({
                    "amount": new.amount,
                    "currency": new.currency,
                    "rule": new.rule,
                    "projects": new.projects.len(),
                }),
            });
            id
        }))
    }

    pub async fn budgets_of(&self, process_id: i64) -> Result<Vec<BudgetRow>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{BUDGET_COLUMNS} WHERE process_id = $1 ORDER BY id"
        ));
        Ok(on_pool!(self, pool => sqlx::query_as(sql).bind(process_id).fetch_all(pool).await?))
    }

    pub async fn budget(&self, id: i64) -> Result<Option<BudgetRow>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("{BUDGET_COLUMNS} WHERE id = $1"));
        Ok(on_pool!(self, pool => sqlx::query_as(sql).bind(id).fetch_optional(pool).await?))
    }

    pub async fn projects_of(&self, budget_id: i64) -> Result<Vec<ProjectRow>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, budget_id, code, title_ar, title_en, cost, proposal_id \
                 FROM participation_projects WHERE budget_id = $1 ORDER BY code",
            )
            .bind(budget_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Puts a vote in the ballot box, or `Conflict(AlreadyVoted)` with
    /// nothing written when any key of the voter voted in the slot.
    pub async fn cast_ballot(&self, vote: &CastBallot<'_>) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            for hash in vote.voter_hashes {
                let added = sqlx::query(
                    "INSERT INTO participation_roll (process_id, slot, voter_hash) \
                     VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                )
                .bind(vote.process_id)
                .bind(vote.slot)
                .bind(hash)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if added == 0 {
                    return Err(StoreError::Conflict(ErrorCode::AlreadyVoted));
                }
            }
            sqlx::query(
                "INSERT INTO participation_ballots (receipt_hash, budget_id, choices) \
                 VALUES ($1, $2, $3)",
            )
            .bind(vote.receipt_hash)
            .bind(vote.budget_id)
            .bind(vote.choices)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO participation_turnout (budget_id, channel, shard, voters) \
                 VALUES ($1, $2, $3, 1) ON CONFLICT (budget_id, channel, shard) \
                 DO UPDATE SET voters = participation_turnout.voters + 1",
            )
            .bind(vote.budget_id)
            .bind(vote.channel)
            .bind(i64::from(vote.shard % 16))
            .execute(&mut *tx)
            .await?;
            insert_event!(tx, &NewEvent {
                at: vote.at,
                actor_id: vote.clerk_id,
                action: "participation.vote_cast",
                entity: "participation_budget",
                entity_id: vote.budget_id,
                unit_id: Some(vote.unit_id),
                detail: json!({ "channel": vote.channel }),
            });
        });
        Ok(())
    }

    /// Whether a key (its keyed hash) voted in a process's slot.
    pub async fn has_voted(
        &self,
        process_id: i64,
        slot: &str,
        voter_hash: &str,
    ) -> Result<bool, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM participation_roll \
                 WHERE process_id = $1 AND slot = $2 AND voter_hash = $3",
            )
            .bind(process_id)
            .bind(slot)
            .bind(voter_hash)
            .fetch_one(pool)
            .await?
                > 0
        }))
    }

    /// The ballot a receipt's hash finds: its budget and choices.
    pub async fn ballot_by_receipt(
        &self,
        receipt_hash: &str,
    ) -> Result<Option<(i64, String)>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT budget_id, choices FROM participation_ballots WHERE receipt_hash = $1",
            )
            .bind(receipt_hash)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// Replaces a ballot's choices; false when the receipt finds none in
    /// the budget. The event names the budget only.
    pub async fn change_ballot(
        &self,
        receipt_hash: &str,
        budget_id: i64,
        unit_id: i64,
        choices: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(in_write_tx!(self, tx => {
            let changed = sqlx::query(
                "UPDATE participation_ballots SET choices = $1 \
                 WHERE receipt_hash = $2 AND budget_id = $3",
            )
            .bind(choices)
            .bind(receipt_hash)
            .bind(budget_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if changed {
                insert_event!(tx, &NewEvent {
                    at,
                    actor_id: None,
                    action: "participation.ballot_changed",
                    entity: "participation_budget",
                    entity_id: budget_id,
                    unit_id: Some(unit_id),
                    detail: json!({}),
                });
            }
            changed
        }))
    }

    /// A budget's ballots, each its choices, in the order of the choices
    /// (so the list says nothing of when or by whom they were cast).
    pub async fn ballots_of(&self, budget_id: i64) -> Result<Vec<String>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT choices FROM participation_ballots WHERE budget_id = $1 ORDER BY choices",
            )
            .bind(budget_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The hashes of a budget's receipts, in their own order.
    pub async fn receipt_hashes_of(&self, budget_id: i64) -> Result<Vec<String>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT receipt_hash FROM participation_ballots WHERE budget_id = $1 \
                 ORDER BY receipt_hash",
            )
            .bind(budget_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Voters of a budget by channel.
    pub async fn turnout_of(&self, budget_id: i64) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT channel, CAST(SUM(voters) AS BIGINT) FROM participation_turnout \
                 WHERE budget_id = $1 GROUP BY channel ORDER BY channel",
            )
            .bind(budget_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Records the signed-off result; `Conflict(AlreadySignedOff)` when it
    /// was signed off before.
    pub async fn sign_off_budget(
        &self,
        budget_id: i64,
        unit_id: i64,
        result: &serde_json::Value,
        user_id: i64,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            let signed = sqlx::query(
                "UPDATE participation_budgets SET result = $1, signed_off_by = $2, \
                 signed_off_at = $3 WHERE id = $4 AND signed_off_at IS NULL",
            )
            .bind(result.to_string())
            .bind(user_id)
            .bind(at)
            .bind(budget_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if signed == 0 {
                return Err(StoreError::Conflict(ErrorCode::AlreadySignedOff));
            }
            insert_event!(tx, &NewEvent {
                at,
                actor_id: Some(user_id),
                action: "participation.result_signed_off",
                entity: "participation_budget",
                entity_id: budget_id,
                unit_id: Some(unit_id),
                detail: result.clone(),
            });
        });
        Ok(())
    }

    /// Adds residents (keyed hashes of their national IDs) to a process's
    /// list; gives how many were new.
    pub async fn add_residents(
        &self,
        process_id: i64,
        hashes: &[String],
        actor_id: Option<i64>,
        at: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        Ok(in_write_tx!(self, tx => {
            let mut added = 0;
            for hash in hashes {
                added += sqlx::query(
                    "INSERT INTO participation_residents (process_id, person_hash) \
                     VALUES ($1, $2) ON CONFLICT DO NOTHING",
                )
                .bind(process_id)
                .bind(hash)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
            insert_event!(tx, &NewEvent {
                at,
                actor_id,
                action: "participation.residents_added",
                entity: "participation_process",
                entity_id: process_id,
                unit_id: None,
                detail: json!({ "given": hashes.len(), "added": added }),
            });
            added
        }))
    }

    pub async fn is_resident(&self, process_id: i64, hash: &str) -> Result<bool, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM participation_residents \
                 WHERE process_id = $1 AND person_hash = $2",
            )
            .bind(process_id)
            .bind(hash)
            .fetch_one(pool)
            .await?
                > 0
        }))
    }

    /// Mixes the ballot box so that where a row lies and which transaction
    /// wrote it say nothing of when it was cast. On PostgreSQL a table's
    /// rows lie in the order they were written and carry their writing
    /// transaction's id (`xmin`), shared by a vote's roll rows and ballot:
    /// both tables are rewritten in one transaction in the order of their
    /// hashes (every row then carries this transaction's id), and then
    /// compacted (`VACUUM FULL`) so the old row versions leave the table's
    /// files. SQLite keeps both tables (`WITHOUT ROWID`) in the order of
    /// their keys and has no transaction ids: nothing to do there.
    pub async fn mix_ballot_box(&self) -> Result<(), StoreError> {
        let Store::Postgres(pool) = self else {
            return Ok(());
        };
        let mut tx = pool.begin().await?;
        sqlx::query("LOCK TABLE participation_roll, participation_ballots IN EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "WITH moved AS (DELETE FROM participation_ballots RETURNING *) \
             INSERT INTO participation_ballots SELECT * FROM moved ORDER BY receipt_hash",
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "WITH moved AS (DELETE FROM participation_roll RETURNING *) \
             INSERT INTO participation_roll SELECT * FROM moved \
             ORDER BY process_id, slot, voter_hash",
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        sqlx::query("VACUUM FULL participation_roll, participation_ballots")
            .execute(pool)
            .await?;
        Ok(())
    }
}

/// A proposal as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProposalRow {
    pub id: i64,
    pub process_id: i64,
    pub unit_id: i64,
    pub title: String,
    pub description: String,
    pub category: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub cost: i64,
    pub citizen_id: Option<i64>,
    /// The citizen reports it cites, as a JSON array of ids.
    pub reports: String,
    pub supports: i64,
    pub flags: i64,
    pub review: String,
    pub review_reason: Option<String>,
    pub reviewed_cost: Option<i64>,
    pub hidden_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A proposal to store.
#[derive(Debug, Clone)]
pub struct NewProposalRow<'a> {
    pub process_id: i64,
    pub unit_id: i64,
    pub title: &'a str,
    pub description: &'a str,
    pub category: &'a str,
    pub place: Option<(f64, f64)>,
    pub cost: i64,
    pub citizen_id: Option<i64>,
    pub reports: &'a [i64],
    /// Staff who opened it from reports.
    pub actor_id: Option<i64>,
    pub at: DateTime<Utc>,
}

const PROPOSAL_COLUMNS: &str = "SELECT id, process_id, unit_id, title, description, category, \
     latitude, longitude, cost, citizen_id, reports, supports, flags, review, review_reason, \
     reviewed_cost, hidden_reason, created_at FROM participation_proposals";

impl Store {
    pub async fn create_proposal(&self, new: &NewProposalRow<'_>) -> Result<i64, StoreError> {
        let reports = serde_json::to_string(new.reports).unwrap_or_else(|_| "[]".into());
        Ok(in_write_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO participation_proposals (process_id, unit_id, title, description, \
                 category, latitude, longitude, cost, citizen_id, reports, review, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'submitted', $11) RETURNING id",
            )
            .bind(new.process_id)
            .bind(new.unit_id)
            .bind(new.title)
            .bind(new.description)
            .bind(new.category)
            .bind(new.place.map(|p| p.0))
            .bind(new.place.map(|p| p.1))
            .bind(new.cost)
            .bind(new.citizen_id)
            .bind(&reports)
            .bind(new.at)
            .fetch_one(&mut *tx)
            .await?;
            insert_event!(tx, &NewEvent {
                at: new.at,
                actor_id: new.actor_id,
                action: "participation.proposal_submitted",
                entity: "participation_proposal",
                entity_id: id,
                unit_id: Some(new.unit_id),
                detail: json!({ "process_id": new.process_id, "reports": new.reports }),
            });
            id
        }))
    }

    /// A process's proposals, the most supported first.
    pub async fn proposals_of(&self, process_id: i64) -> Result<Vec<ProposalRow>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{PROPOSAL_COLUMNS} WHERE process_id = $1 ORDER BY supports DESC, id"
        ));
        Ok(on_pool!(self, pool => sqlx::query_as(sql).bind(process_id).fetch_all(pool).await?))
    }

    pub async fn proposal(&self, id: i64) -> Result<Option<ProposalRow>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("{PROPOSAL_COLUMNS} WHERE id = $1"));
        Ok(on_pool!(self, pool => sqlx::query_as(sql).bind(id).fetch_optional(pool).await?))
    }

    /// One person's support (a keyed hash of them): `Conflict(AlreadySupported)`
    /// when they gave it before. The event names the proposal only.
    pub async fn support_proposal(
        &self,
        proposal_id: i64,
        unit_id: i64,
        person_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        Ok(in_write_tx!(self, tx => {
            let added = sqlx::query(
                "INSERT INTO participation_supports (proposal_id, person_hash) VALUES ($1, $2) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(proposal_id)
            .bind(person_hash)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if added == 0 {
                return Err(StoreError::Conflict(ErrorCode::AlreadySupported));
            }
            let supports: i64 = sqlx::query_scalar(
                "UPDATE participation_proposals SET supports = supports + 1 WHERE id = $1 \
                 RETURNING supports",
            )
            .bind(proposal_id)
            .fetch_one(&mut *tx)
            .await?;
            insert_event!(tx, &NewEvent {
                at,
                actor_id: None,
                action: "participation.proposal_supported",
                entity: "participation_proposal",
                entity_id: proposal_id,
                unit_id: Some(unit_id),
                detail: json!({ "supports": supports }),
            });
            supports
        }))
    }

    /// Changes a proposal's review or moderation: `action` is the event's
    /// (`participation.proposal_reviewed`, `…_hidden`, `…_flagged`).
    pub async fn moderate_proposal(
        &self,
        id: i64,
        unit_id: i64,
        change: &ProposalChange<'_>,
        actor_id: Option<i64>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        in_write_tx!(self, tx => {
            let (action, detail, changed) = match change {
                ProposalChange::Review { review, reason, cost } => (
                    "participation.proposal_reviewed",
                    json!({ "review": review, "reason": reason, "cost": cost }),
                    sqlx::query(
                        "UPDATE participation_proposals SET review = $1, review_reason = $2, \
                         reviewed_cost = $3 WHERE id = $4",
                    )
                    .bind(review)
                    .bind(reason)
                    .bind(cost)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?,
                ),
                ProposalChange::Hide { reason } => (
                    "participation.proposal_hidden",
                    json!({ "reason": reason }),
                    sqlx::query("UPDATE participation_proposals SET hidden_reason = $1 WHERE id = $2")
                        .bind(reason)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?,
                ),
                ProposalChange::Flag => (
                    "participation.proposal_flagged",
                    json!({}),
                    sqlx::query("UPDATE participation_proposals SET flags = flags + 1 WHERE id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?,
                ),
            };
            if changed.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            insert_event!(tx, &NewEvent {
                at,
                actor_id,
                action,
                entity: "participation_proposal",
                entity_id: id,
                unit_id: Some(unit_id),
                detail,
            });
        });
        Ok(())
    }
}

/// A review or moderation of a proposal.
#[derive(Debug, Clone)]
pub enum ProposalChange<'a> {
    Review {
        review: &'a str,
        reason: &'a str,
        cost: Option<i64>,
    },
    Hide {
        reason: &'a str,
    },
    Flag,
}
