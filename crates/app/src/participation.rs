//! Community participation: participatory processes and budgets, the
//! secret ballot online and at the counter, receipts, the count under the
//! rule declared before voting, and its sign-off and publication.
//!
//! Who voted and what they chose are kept apart (see the store's
//! `participation` module and docs/ARCHITECTURE.md, "The secret ballot"):
//! a voter is held in the roll only as keyed hashes of their national ID
//! and mobile number, under a key kept beside the documents, outside the
//! database ([`crate::attachments::Blobs::secret`]); a ballot only under
//! the SHA-256 of the receipt the voter keeps.

use std::collections::BTreeMap;

use baladiya_domain::ErrorCode;
use baladiya_domain::FieldError;
use baladiya_domain::citizens::any_mobile;
use baladiya_domain::country::{Country, MobileNumber, PersonalId};
use baladiya_domain::org::OrgUnit;
use baladiya_domain::participation::ballot::{Ballot, BallotKind, Budget, Project};
use baladiya_domain::participation::count::{Rule, Tally};
use baladiya_domain::participation::pabulib::{Instance, ProjectRow as PabulibProject};
use baladiya_domain::participation::phases::{Phase, PhaseKind, Phases};
use baladiya_domain::participation::receipt::Receipt;
use baladiya_domain::participation::voters::{Eligibility, Voter};
use baladiya_domain::people::Permission;
use baladiya_store::{
    BudgetRow, CastBallot, CitizenSession, NewBudget, NewProcess, ProcessRow, ProjectRow,
};
use chrono::NaiveDate;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{App, AppError, Principal};

/// The name of the roll's key among the secrets beside the documents.
const ROLL_KEY: &str = "participation-roll";

/// A process with what its pages need.
#[derive(Debug, Clone)]
pub struct ProcessView {
    pub process: ProcessRow,
    pub unit: OrgUnit,
    pub phases: Phases,
    pub eligibility: Eligibility,
    /// Today in the unit's country.
    pub today: NaiveDate,
}

impl ProcessView {
    pub fn voting_open(&self) -> bool {
        self.phases.is_open(PhaseKind::Voting, self.today)
    }

    pub fn voting_over(&self) -> bool {
        self.phases.is_over(PhaseKind::Voting, self.today)
    }
}

/// A budget with its projects, turnout and (once signed off) result.
#[derive(Debug, Clone)]
pub struct BudgetView {
    pub budget: BudgetRow,
    pub unit: OrgUnit,
    pub kind: BallotKind,
    pub rule: Rule,
    pub projects: Vec<ProjectRow>,
    /// Voters by channel (`web`, `counter`).
    pub turnout: Vec<(String, i64)>,
    pub result: Option<CountResult>,
}

impl BudgetView {
    /// The budget as a ballot checks it.
    pub fn ballot_budget(&self) -> Budget {
        Budget {
            amount: self.budget.amount,
            kind: self.kind,
            projects: self
                .projects
                .iter()
                .map(|p| Project {
                    id: p.code.clone(),
                    cost: p.cost,
                })
                .collect(),
        }
    }

    pub fn voters(&self) -> i64 {
        self.turnout.iter().map(|(_, n)| n).sum()
    }
}

/// What a count found: the projects selected (their codes, in the order
/// the rule took them), each project's votes, what the selection costs,
/// and the ballots and voters it rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountResult {
    pub rule: String,
    pub selected: Vec<String>,
    pub votes: BTreeMap<String, u64>,
    pub spent: i64,
    pub ballots: u64,
    pub turnout: BTreeMap<String, i64>,
}

/// What a receipt shows its holder.
#[derive(Debug, Clone)]
pub struct ReceiptStatus {
    pub process: ProcessView,
    pub budget: BudgetView,
    /// Whether the result, with this ballot in its count, is signed off.
    pub counted: bool,
}

/// A vote recorded: the receipt to keep, and where.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub receipt: Receipt,
    pub budget_id: i64,
    pub process_slug: String,
}

/// A process as staff (or the demo) open it.
#[derive(Debug, Clone)]
pub struct ProcessSpec {
    pub slug: String,
    pub unit_id: i64,
    pub title: (String, String),
    pub summary: (String, String),
    pub eligibility: Eligibility,
    pub support_threshold: i64,
    pub phases: Vec<Phase>,
}

/// A budget as staff (or the demo) open it.
#[derive(Debug, Clone)]
pub struct BudgetSpec {
    pub unit_id: i64,
    pub name: (String, String),
    pub amount: i64,
    pub kind: BallotKind,
    pub rule: Rule,
    /// Code, Arabic and English titles, cost.
    pub projects: Vec<(String, String, String, i64)>,
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Phases checked, as the process row keeps them (JSON); every problem as
/// a field error of `phases.N`.
fn stored_phases(phases: Vec<Phase>) -> Result<String, AppError> {
    let phases = Phases::new(phases).map_err(AppError::Invalid)?;
    serde_json::to_string(phases.all()).map_err(|e| AppError::Internal(format!("phases: {e}")))
}

fn choices_text(ballot: &Ballot) -> String {
    ballot.choices().collect::<Vec<_>>().join(",")
}

impl App {
    /// The keyed hash under which a person's key is held for a process:
    /// without the key (outside the database) a national ID or a number
    /// cannot be tried against it, and the same person's hashes differ
    /// between processes.
    pub(crate) async fn person_hash(&self, process_id: i64, key: &str) -> Result<String, AppError> {
        let secret = self
            .roll_key
            .get_or_try_init(|| self.blobs.secret(ROLL_KEY))
            .await?;
        let mut mac = Hmac::<Sha256>::new_from_slice(secret)
            .map_err(|e| AppError::Internal(format!("roll key: {e}")))?;
        mac.update(format!("process:{process_id}|{key}").as_bytes());
        Ok(hex::encode(mac.finalize().into_bytes()))
    }

    /// Opens a participatory process (staff with `ManageParticipation` in
    /// the unit, or the operator and the demo when `by` is none).
    pub async fn open_process(
        &self,
        by: Option<&Principal>,
        spec: &ProcessSpec,
    ) -> Result<i64, AppError> {
        let unit = self.store.unit(spec.unit_id).await?;
        if let Some(p) = by {
            p.access
                .require(Permission::ManageParticipation, &unit.path)?;
        }
        let mut errors = Phases::new(spec.phases.clone()).err().unwrap_or_default();
        let slug_ok = !spec.slug.is_empty()
            && spec.slug.len() <= 64
            && spec
                .slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        // The words of the pages' own addresses (/participate/budgets/…).
        let reserved = ["budgets", "proposals", "receipt"].contains(&spec.slug.as_str());
        if !slug_ok || reserved {
            errors.push(FieldError::new("slug", "slug-invalid"));
        }
        for (field, text, code, limit) in [
            (
                "title_ar",
                &spec.title.0,
                "participation-process-title",
                140,
            ),
            (
                "title_en",
                &spec.title.1,
                "participation-process-title",
                140,
            ),
            (
                "summary_ar",
                &spec.summary.0,
                "participation-process-summary",
                1_000,
            ),
            (
                "summary_en",
                &spec.summary.1,
                "participation-process-summary",
                1_000,
            ),
        ] {
            let length = text.chars().count();
            if !(3..=limit).contains(&length) || baladiya_domain::text::has_forbidden_chars(text) {
                errors.push(FieldError::new(field, code));
            }
        }
        if !(1..=1_000_000).contains(&spec.support_threshold) {
            errors.push(FieldError::new("threshold", "threshold-invalid"));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let phases = stored_phases(spec.phases.clone())?;
        Ok(self
            .store
            .create_process(
                &NewProcess {
                    slug: spec.slug.clone(),
                    unit_id: spec.unit_id,
                    title_ar: spec.title.0.clone(),
                    title_en: spec.title.1.clone(),
                    summary_ar: spec.summary.0.clone(),
                    summary_en: spec.summary.1.clone(),
                    eligibility: spec.eligibility.as_str().to_owned(),
                    support_threshold: spec.support_threshold,
                    phases,
                },
                by.map(|p| p.user_id),
                self.now(),
            )
            .await?)
    }

    /// Gives a process new dates (staff with `ManageParticipation`, or the
    /// operator and the demo).
    pub async fn reschedule_process(
        &self,
        by: Option<&Principal>,
        process_id: i64,
        phases: Vec<Phase>,
    ) -> Result<(), AppError> {
        let process = self.process_view_of(process_id).await?;
        if let Some(p) = by {
            p.access
                .require(Permission::ManageParticipation, &process.unit.path)?;
        }
        let text = stored_phases(phases)?;
        Ok(self
            .store
            .set_process_phases(
                process_id,
                process.unit.id,
                &text,
                by.map(|p| p.user_id),
                self.now(),
            )
            .await?)
    }

    /// Opens a budget in a process, with its projects, before voting opens
    /// (its rule is then declared).
    pub async fn open_budget(
        &self,
        by: Option<&Principal>,
        process_id: i64,
        spec: &BudgetSpec,
    ) -> Result<i64, AppError> {
        let process = self.process_view_of(process_id).await?;
        if let Some(p) = by {
            p.access
                .require(Permission::ManageParticipation, &process.unit.path)?;
            if process.voting_open() || process.voting_over() {
                return Err(AppError::Refused(ErrorCode::PhaseClosed));
            }
        }
        let unit = self.store.unit(spec.unit_id).await?;
        if !unit.path.is_within(&process.unit.path) {
            return Err(AppError::field("unit", "budget-unit-outside-process"));
        }
        let mut errors = Vec::new();
        if spec.amount <= 0 {
            errors.push(FieldError::new("amount", "budget-amount-not-positive"));
        }
        if spec.projects.is_empty() || spec.projects.iter().any(|p| p.3 <= 0) {
            errors.push(FieldError::new("projects", "budget-projects-invalid"));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let (ballot_kind, approval_max) = match spec.kind {
            BallotKind::Knapsack => ("knapsack", None),
            BallotKind::Approval { max } => ("approval", Some(i64::from(max))),
        };
        let slot = if unit.id == process.unit.id {
            "unit"
        } else {
            "district"
        };
        Ok(self
            .store
            .create_budget(
                &NewBudget {
                    process_id,
                    unit_id: unit.id,
                    slot: slot.into(),
                    name_ar: spec.name.0.clone(),
                    name_en: spec.name.1.clone(),
                    amount: spec.amount,
                    currency: unit.country().currency().code().to_owned(),
                    ballot_kind: ballot_kind.into(),
                    approval_max,
                    rule: spec.rule.pabulib_name(),
                    projects: spec
                        .projects
                        .iter()
                        .map(|(code, ar, en, cost)| baladiya_store::NewProject {
                            code: code.clone(),
                            title_ar: ar.clone(),
                            title_en: en.clone(),
                            cost: *cost,
                            proposal_id: None,
                        })
                        .collect(),
                },
                by.map(|p| p.user_id),
                self.now(),
            )
            .await?)
    }

    /// Adds national IDs to a process's resident list (kept as keyed
    /// hashes only); gives how many were new. A wrong ID is refused with
    /// its line.
    pub async fn import_residents(
        &self,
        by: Option<&Principal>,
        process_id: i64,
        national_ids: &[String],
    ) -> Result<u64, AppError> {
        let process = self.process_view_of(process_id).await?;
        if let Some(p) = by {
            p.access
                .require(Permission::ManageParticipation, &process.unit.path)?;
        }
        let mut hashes = Vec::with_capacity(national_ids.len());
        for (line, text) in national_ids.iter().enumerate() {
            let id = PersonalId::parse(process.unit.country(), text, process.today)
                .map_err(|code| AppError::field(&format!("residents[{line}]"), code))?;
            hashes.push(
                self.person_hash(process_id, &format!("id:{}", id.as_str()))
                    .await?,
            );
        }
        Ok(self
            .store
            .add_residents(process_id, &hashes, by.map(|p| p.user_id), self.now())
            .await?)
    }

    fn process_view(&self, process: ProcessRow, unit: OrgUnit) -> Result<ProcessView, AppError> {
        let phases: Vec<Phase> = serde_json::from_str(&process.phases)
            .map_err(|e| AppError::Internal(format!("stored phases: {e}")))?;
        let phases = Phases::new(phases)
            .map_err(|_| AppError::Internal("stored phases are invalid".into()))?;
        let eligibility = Eligibility::parse(&process.eligibility)
            .ok_or_else(|| AppError::Internal("stored eligibility is unknown".into()))?;
        Ok(ProcessView {
            today: self.today_in(unit.country()),
            process,
            unit,
            phases,
            eligibility,
        })
    }

    pub(crate) async fn process_view_of(&self, id: i64) -> Result<ProcessView, AppError> {
        let process = self.store.process(id).await?.ok_or(AppError::NotFound)?;
        let unit = self.store.unit(process.unit_id).await?;
        self.process_view(process, unit)
    }

    /// Every process, the newest first.
    pub async fn processes(&self) -> Result<Vec<ProcessView>, AppError> {
        let mut views = Vec::new();
        for process in self.store.processes().await? {
            let unit = self.store.unit(process.unit_id).await?;
            views.push(self.process_view(process, unit)?);
        }
        Ok(views)
    }

    pub async fn process_by_slug(&self, slug: &str) -> Result<ProcessView, AppError> {
        let process = self
            .store
            .process_by_slug(slug)
            .await?
            .ok_or(AppError::NotFound)?;
        let unit = self.store.unit(process.unit_id).await?;
        self.process_view(process, unit)
    }

    async fn budget_view(&self, budget: BudgetRow) -> Result<BudgetView, AppError> {
        let unit = self.store.unit(budget.unit_id).await?;
        let kind = match (budget.ballot_kind.as_str(), budget.approval_max) {
            ("approval", Some(max)) => BallotKind::Approval {
                max: u32::try_from(max).unwrap_or(u32::MAX),
            },
            _ => BallotKind::Knapsack,
        };
        let rule = Rule::parse(&budget.rule)
            .ok_or_else(|| AppError::Internal(format!("stored rule {}", budget.rule)))?;
        let result = match &budget.result {
            Some(text) => Some(
                serde_json::from_str(text)
                    .map_err(|e| AppError::Internal(format!("stored result: {e}")))?,
            ),
            None => None,
        };
        Ok(BudgetView {
            projects: self.store.projects_of(budget.id).await?,
            turnout: self.store.turnout_of(budget.id).await?,
            unit,
            kind,
            rule,
            result,
            budget,
        })
    }

    /// A process's budgets, the unit-wide one first.
    pub async fn budgets_of(&self, process: &ProcessView) -> Result<Vec<BudgetView>, AppError> {
        let mut views = Vec::new();
        for budget in self.store.budgets_of(process.process.id).await? {
            views.push(self.budget_view(budget).await?);
        }
        views.sort_by_key(|b| (b.budget.slot != "unit", b.budget.id));
        Ok(views)
    }

    /// A budget with its process.
    pub async fn budget(&self, budget_id: i64) -> Result<(ProcessView, BudgetView), AppError> {
        let budget = self
            .store
            .budget(budget_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let process = self.process_view_of(budget.process_id).await?;
        Ok((process, self.budget_view(budget).await?))
    }

    /// Whether this citizen's number has voted in the budget's slot.
    pub async fn citizen_has_voted(
        &self,
        citizen: &CitizenSession,
        process: &ProcessView,
        budget: &BudgetView,
    ) -> Result<bool, AppError> {
        let hash = self
            .person_hash(process.process.id, &format!("mobile:{}", citizen.mobile))
            .await?;
        Ok(self
            .store
            .has_voted(process.process.id, &budget.budget.slot, &hash)
            .await?)
    }

    /// A signed-in citizen's vote. `national_id` is needed when the
    /// process is for the unit's residents.
    pub async fn vote_online(
        &self,
        citizen: &CitizenSession,
        budget_id: i64,
        choices: &[String],
        national_id: Option<&str>,
    ) -> Result<Recorded, AppError> {
        let (process, budget) = self.budget(budget_id).await?;
        let mobile = any_mobile(&citizen.mobile)
            .map_err(|_| AppError::Internal("a signed-in number does not parse".into()))?;
        let national_id = national_id
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| {
                PersonalId::parse(process.unit.country(), t, process.today)
                    .map_err(|code| AppError::field("national_id", code))
            })
            .transpose()?;
        let voter = Voter::online(process.eligibility, &mobile, national_id.as_ref())
            .map_err(|e| AppError::Invalid(vec![e]))?;
        self.cast(&process, &budget, &voter, choices, None).await
    }

    /// A walk-in citizen's vote, recorded by a clerk who checked their ID
    /// card.
    pub async fn vote_at_counter(
        &self,
        clerk: &Principal,
        budget_id: i64,
        choices: &[String],
        national_id: &str,
        mobile: Option<&str>,
    ) -> Result<Recorded, AppError> {
        let (process, budget) = self.budget(budget_id).await?;
        self.require_counter(clerk, &process)?;
        let country = process.unit.country();
        let mut errors = Vec::new();
        let id = PersonalId::parse(country, national_id, process.today)
            .map_err(|code| errors.push(FieldError::new("national_id", code)))
            .ok();
        let mobile: Option<MobileNumber> = mobile
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .and_then(|t| {
                MobileNumber::parse(country, t)
                    .map_err(|code| errors.push(FieldError::new("mobile", code)))
                    .ok()
            });
        let Some(id) = id.filter(|_| errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let voter = Voter::at_counter(process.eligibility, &id, mobile.as_ref())
            .map_err(|e| AppError::Invalid(vec![e]))?;
        self.cast(&process, &budget, &voter, choices, Some(clerk.user_id))
            .await
    }

    /// A clerk records counter votes for processes of the units they work
    /// in, above or below.
    fn require_counter(&self, clerk: &Principal, process: &ProcessView) -> Result<(), AppError> {
        Ok(clerk
            .access
            .require_reach(Permission::RecordVotes, &process.unit.path)?)
    }

    async fn cast(
        &self,
        process: &ProcessView,
        budget: &BudgetView,
        voter: &Voter,
        choices: &[String],
        clerk_id: Option<i64>,
    ) -> Result<Recorded, AppError> {
        if !process.voting_open() {
            return Err(AppError::Refused(ErrorCode::PhaseClosed));
        }
        let ballot = Ballot::new(&budget.ballot_budget(), choices)
            .map_err(|e| AppError::Invalid(vec![e]))?;
        let process_id = process.process.id;
        if process.eligibility == Eligibility::Residents {
            let key = voter.resident_key().unwrap_or_default();
            let hash = self.person_hash(process_id, &key).await?;
            if !self.store.is_resident(process_id, &hash).await? {
                return Err(AppError::field("national_id", "not-resident"));
            }
        }
        let mut voter_hashes = Vec::new();
        for key in voter.keys() {
            voter_hashes.push(self.person_hash(process_id, &key).await?);
        }
        let mut random = [0u8; 17];
        getrandom::fill(&mut random)
            .map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
        let [receipt @ .., shard] = random;
        let receipt = Receipt::from_random(receipt);
        self.store
            .cast_ballot(&CastBallot {
                process_id,
                budget_id: budget.budget.id,
                unit_id: budget.unit.id,
                slot: &budget.budget.slot,
                voter_hashes: &voter_hashes,
                receipt_hash: &sha256_hex(receipt.as_str()),
                choices: &choices_text(&ballot),
                channel: voter.channel().as_str(),
                shard,
                clerk_id,
                at: self.now(),
            })
            .await?;
        Ok(Recorded {
            receipt,
            budget_id: budget.budget.id,
            process_slug: process.process.slug.clone(),
        })
    }

    /// The ballot a receipt finds, or a field error on `receipt`.
    async fn ballot_of_receipt(
        &self,
        receipt: &str,
    ) -> Result<(Receipt, ProcessView, BudgetView, String), AppError> {
        let receipt = Receipt::parse(receipt).map_err(|e| AppError::Invalid(vec![e]))?;
        let (budget_id, choices) = self
            .store
            .ballot_by_receipt(&sha256_hex(receipt.as_str()))
            .await?
            .ok_or_else(|| AppError::field("receipt", "receipt-unknown"))?;
        let (process, budget) = self.budget(budget_id).await?;
        Ok((receipt, process, budget, choices))
    }

    /// What a receipt shows: the budget its ballot is in and whether the
    /// signed-off result counted it. Not the choices (a receipt shown to
    /// someone else must not tell them how its holder voted).
    pub async fn receipt_status(&self, receipt: &str) -> Result<ReceiptStatus, AppError> {
        let (_, process, budget, _) = self.ballot_of_receipt(receipt).await?;
        Ok(ReceiptStatus {
            counted: budget.result.is_some(),
            process,
            budget,
        })
    }

    /// Replaces the choices of a receipt's ballot while voting is open.
    pub async fn change_vote(
        &self,
        receipt: &str,
        choices: &[String],
    ) -> Result<Recorded, AppError> {
        let (receipt, process, budget, _) = self.ballot_of_receipt(receipt).await?;
        if !process.voting_open() {
            return Err(AppError::Refused(ErrorCode::PhaseClosed));
        }
        let ballot = Ballot::new(&budget.ballot_budget(), choices)
            .map_err(|e| AppError::Invalid(vec![e]))?;
        let changed = self
            .store
            .change_ballot(
                &sha256_hex(receipt.as_str()),
                budget.budget.id,
                budget.unit.id,
                &choices_text(&ballot),
                self.now(),
            )
            .await?;
        if !changed {
            return Err(AppError::field("receipt", "receipt-unknown"));
        }
        Ok(Recorded {
            receipt,
            budget_id: budget.budget.id,
            process_slug: process.process.slug,
        })
    }

    /// Mixes the ballot box if any process's voting is open (or closed
    /// today); says whether it did.
    pub async fn mix_ballot_boxes_while_voting(&self) -> Result<bool, AppError> {
        let voting = self.processes().await?.iter().any(|p| {
            p.phases.all().iter().any(|ph| {
                ph.kind == PhaseKind::Voting
                    && ph.starts <= p.today
                    && p.today <= ph.ends + chrono::Duration::days(1)
            })
        });
        if voting {
            self.store.mix_ballot_box().await?;
        }
        Ok(voting)
    }

    /// The budgets whose voting closed on a day from `first` up to (not
    /// including) `next`, each as its unit and its voters: the
    /// participation indicators' facts.
    pub async fn budgets_closed_between(
        &self,
        first: NaiveDate,
        next: NaiveDate,
    ) -> Result<Vec<(i64, i64)>, AppError> {
        let mut closed = Vec::new();
        for process in self.processes().await? {
            let ended = process
                .phases
                .all()
                .iter()
                .any(|p| p.kind == PhaseKind::Voting && first <= p.ends && p.ends < next);
            if ended {
                for budget in self.budgets_of(&process).await? {
                    closed.push((budget.unit.id, budget.voters()));
                }
            }
        }
        Ok(closed)
    }

    /// Counts a budget's ballots under its declared rule.
    pub async fn count_budget(&self, budget: &BudgetView) -> Result<CountResult, AppError> {
        let ballots: Vec<Vec<String>> = self
            .store
            .ballots_of(budget.budget.id)
            .await?
            .into_iter()
            .map(|c| c.split(',').map(str::to_owned).collect())
            .collect();
        let projects = budget.ballot_budget().projects;
        let tally = Tally::new(&projects, budget.budget.amount, &ballots)
            .map_err(|e| AppError::Internal(format!("a stored ballot: {e}")))?;
        let outcome = tally.count(budget.rule);
        Ok(CountResult {
            rule: budget.rule.pabulib_name(),
            selected: outcome
                .selected
                .iter()
                .map(|&i| projects[i].id.clone())
                .collect(),
            votes: projects
                .iter()
                .zip(tally.votes())
                .map(|(p, v)| (p.id.clone(), *v))
                .collect(),
            spent: outcome.spent,
            ballots: ballots.len() as u64,
            turnout: budget.turnout.iter().cloned().collect(),
        })
    }

    /// The unit head signs off a budget's result once voting is over: the
    /// ballot box is mixed, counted under the declared rule, and the
    /// result published.
    pub async fn sign_off_budget(
        &self,
        head: &Principal,
        budget_id: i64,
    ) -> Result<CountResult, AppError> {
        let (process, budget) = self.budget(budget_id).await?;
        head.access
            .require(Permission::SignOffResults, &process.unit.path)?;
        if !process.voting_over() {
            return Err(AppError::Refused(ErrorCode::PhaseClosed));
        }
        if budget.result.is_some() {
            return Err(AppError::Conflict(ErrorCode::AlreadySignedOff));
        }
        self.store.mix_ballot_box().await?;
        let result = self.count_budget(&budget).await?;
        let json = serde_json::to_value(&result)
            .map_err(|e| AppError::Internal(format!("result: {e}")))?;
        self.store
            .sign_off_budget(
                budget.budget.id,
                budget.unit.id,
                &json,
                head.user_id,
                self.now(),
            )
            .await?;
        Ok(result)
    }

    /// The published hashes of a signed-off budget's receipts (SHA-256 of
    /// each receipt code, without choices), so that each voter can find
    /// theirs among the counted.
    pub async fn counted_receipts(&self, budget: &BudgetView) -> Result<Vec<String>, AppError> {
        if budget.result.is_none() {
            return Err(AppError::Refused(ErrorCode::PhaseClosed));
        }
        Ok(self.store.receipt_hashes_of(budget.budget.id).await?)
    }

    /// A signed-off budget as pabulib open data: its projects with their
    /// votes and whether selected, its rule, and every ballot (in the order
    /// of their choices, numbered from 1), so anyone can recount it.
    pub async fn budget_pabulib(
        &self,
        process: &ProcessView,
        budget: &BudgetView,
    ) -> Result<String, AppError> {
        let Some(result) = &budget.result else {
            return Err(AppError::Refused(ErrorCode::PhaseClosed));
        };
        let votes = self
            .store
            .ballots_of(budget.budget.id)
            .await?
            .into_iter()
            .map(|c| c.split(',').map(str::to_owned).collect())
            .collect();
        let country = match process.unit.country() {
            Country::Egypt => "Egypt",
            Country::SaudiArabia => "Saudi Arabia",
        };
        let (vote_type, max_length) = match budget.kind {
            BallotKind::Knapsack => ("approval", None),
            BallotKind::Approval { max } => ("approval", Some(max.to_string())),
        };
        let mut meta = vec![
            ("description".to_owned(), budget.budget.name_en.clone()),
            ("country".to_owned(), country.to_owned()),
            ("unit".to_owned(), process.unit.name.get("en").to_owned()),
            ("instance".to_owned(), process.process.slug.clone()),
            ("budget".to_owned(), budget.budget.amount.to_string()),
            ("currency".to_owned(), budget.budget.currency.clone()),
            ("vote_type".to_owned(), vote_type.to_owned()),
            ("rule".to_owned(), result.rule.clone()),
        ];
        match max_length {
            Some(max) => meta.push(("max_length".to_owned(), max)),
            None => meta.push(("max_sum_cost".to_owned(), budget.budget.amount.to_string())),
        }
        let instance = Instance {
            meta,
            projects: budget
                .projects
                .iter()
                .map(|p| PabulibProject {
                    project: Project {
                        id: p.code.clone(),
                        cost: p.cost,
                    },
                    name: p.title_en.clone(),
                })
                .collect(),
            votes,
        };
        Ok(instance.write(Some(&result.selected)))
    }
}
