//! Applications: submission (online or at the counter), workflow actions,
//! resubmission after a return, tracking, inboxes, ratings.

use std::collections::BTreeMap;
use std::sync::Arc;

use baladiya_domain::catalog::{Action, DocumentRequirement, Service, StepKind};
use baladiya_domain::country::{Country, MobileNumber, PersonalId};
use baladiya_domain::org::{DepartmentKind, OrgUnit, UnitCode, UnitPath};
use baladiya_domain::people::{Permission, Role};
use baladiya_domain::tracking::TrackingNumber;
use baladiya_domain::workflow::{self, Outcome, Status, WorkflowState};
use baladiya_domain::{ErrorCode, Fields};
use baladiya_store::{
    ApplicationRecord, HistoryEntry, InboxQuery, InsertedApplication, NewApplication, NewDocument,
    NewEvent, NewNotification, Throttle, WorkflowChange, WorkflowUpdate,
};
use chrono::{DateTime, Datelike, Duration, NaiveDate, SubsecRound, Utc};
use serde_json::json;

use crate::attachments::sniff;
use crate::{App, AppError, Principal};

/// A file sent with an application, spooled to a temporary file as it
/// arrived: only its first bytes are held in memory until it is stored.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The catalog code of the document it is.
    pub code: String,
    pub file_name: String,
    /// Its length in bytes.
    pub size: u64,
    /// Its first bytes (up to [`Upload::HEAD_BYTES`]): enough to tell its type.
    pub head: Vec<u8>,
    /// The whole file, removed when the last copy of the upload goes.
    pub spool: std::sync::Arc<tempfile::TempPath>,
}

impl Upload {
    /// How much of the start of a file is kept in memory.
    pub const HEAD_BYTES: usize = 8 * 1024;
}

/// An application as typed by the applicant (or the clerk for them).
#[derive(Debug, Clone, Default)]
pub struct Submission {
    pub service: String,
    pub unit: String,
    pub applicant_kind: String,
    pub applicant_name: String,
    pub applicant_id: String,
    pub applicant_phone: String,
    /// Optional: notifications also go by e-mail when given.
    pub applicant_email: String,
    pub fields: BTreeMap<String, String>,
    pub documents: Vec<Upload>,
    /// Scoped with [`crate::idempotency::scoped_key`]: the same key again
    /// gets this submission's answer instead of a second application.
    pub idempotency_key: Option<String>,
}

impl Submission {
    /// The key this submission is made under, with the request's digest.
    fn idempotency(&self) -> Option<baladiya_store::IdempotencyKey> {
        let key = self.idempotency_key.clone()?;
        let sizes: Vec<String> = self
            .documents
            .iter()
            .map(|d| format!("{}={}:{}", d.code, d.file_name, d.size))
            .collect();
        let fields = self
            .fields
            .iter()
            .flat_map(|(k, v)| [k.as_str(), v.as_str()]);
        let fingerprint = crate::idempotency::fingerprint(
            [
                self.service.as_str(),
                &self.unit,
                &self.applicant_kind,
                &self.applicant_name,
                &self.applicant_id,
                &self.applicant_phone,
                &self.applicant_email,
            ]
            .into_iter()
            .chain(fields)
            .chain(sizes.iter().map(String::as_str)),
        );
        Some(baladiya_store::IdempotencyKey { key, fingerprint })
    }
}

/// Filters of a staff inbox.
#[derive(Debug, Clone, Default)]
pub struct InboxFilter {
    /// Only applications for this service code (any version).
    pub service: Option<String>,
    /// Only applications whose current step is overdue.
    pub overdue_only: bool,
}

/// What an officer asks to do.
#[derive(Debug, Clone, Default)]
pub struct ActionRequest {
    pub action: String,
    pub department: Option<String>,
    pub comment: String,
    pub receipt_number: Option<String>,
    /// The version the officer saw: if someone acted since, the request is refused.
    pub expected_version: i64,
    /// On a return for completion: the codes of the documents the
    /// applicant must replace (the rest stay as they are).
    pub to_correct: Vec<String>,
}

/// Who acts on an application's step.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Actor<'a> {
    Staff(&'a Principal),
    /// The payment gateway's confirmed callback.
    Gateway,
}

/// An application a submission filed (or had filed before, when the
/// submission is a retry).
#[derive(Debug, Clone)]
pub struct Filed {
    pub tracking: String,
    /// As it was written, when this submission filed it: its answer needs
    /// no reading back. `None` for a retry.
    pub view: Option<ApplicationView>,
}

impl Filed {
    fn again(tracking: String) -> Filed {
        Filed {
            tracking,
            view: None,
        }
    }
}

/// An application with its service, ready to show.
#[derive(Debug, Clone)]
pub struct ApplicationView {
    pub record: ApplicationRecord,
    pub service: Arc<Service>,
    pub unit: OrgUnit,
    pub history: Vec<HistoryEntry>,
    pub documents: Vec<(String, String, String, i64)>,
    pub issuance: Option<baladiya_store::IssuanceRecord>,
}

/// Why an application was returned, and what its applicant must replace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReturnRequest {
    pub reason: String,
    /// Document codes; empty when the officer named none.
    pub documents: Vec<String>,
}

impl ApplicationView {
    /// The return the applicant must answer, while the application is
    /// returned.
    pub fn return_request(&self) -> Option<ReturnRequest> {
        if self.status() != Status::Returned {
            return None;
        }
        let entry = self
            .history
            .iter()
            .rev()
            .find(|h| h.action == "application.return_for_completion")?;
        let detail: serde_json::Value = serde_json::from_str(&entry.detail).unwrap_or_default();
        Some(ReturnRequest {
            reason: detail["comment"].as_str().unwrap_or_default().to_owned(),
            documents: detail["to_correct"]
                .as_array()
                .map(|list| {
                    list.iter()
                        .filter_map(|c| c.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
        })
    }

    pub fn status(&self) -> Status {
        Status::parse(&self.record.status).unwrap_or(Status::InProgress)
    }

    pub fn current_step(&self) -> Option<&baladiya_domain::catalog::Step> {
        self.service.procedure.step(self.record.step as usize)
    }

    pub fn approvals(&self) -> Vec<DepartmentKind> {
        departments_of(&self.record.approvals)
    }
}

/// `,a,b,` ↔ departments.
fn departments_of(text: &str) -> Vec<DepartmentKind> {
    text.split(',')
        .filter_map(|d| DepartmentKind::parse(d).ok())
        .collect()
}

pub(crate) fn encode_departments(list: &[DepartmentKind]) -> String {
    if list.is_empty() {
        return String::new();
    }
    format!(
        ",{},",
        list.iter()
            .map(|d| d.as_str())
            .collect::<Vec<_>>()
            .join(",")
    )
}

/// Masks a name for public pages: the first letter of each word.
pub fn mask_name(name: &str) -> String {
    name.split_whitespace()
        .map(|word| {
            let first: String = word.chars().take(1).collect();
            format!("{first}***")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl App {
    /// Today's date in the country (SLA days are local days).
    pub fn today_in(&self, country: Country) -> NaiveDate {
        (self.now() + Duration::hours(i64::from(country.utc_offset_hours()))).date_naive()
    }

    /// The date for work that spans countries (inboxes, escalations,
    /// overviews): the earliest local date, so nothing is overdue early.
    pub fn today_everywhere(&self) -> NaiveDate {
        Country::ALL
            .iter()
            .map(|c| self.today_in(*c))
            .min()
            .unwrap_or_else(|| self.now().date_naive())
    }

    /// Submits an application. `intake` is the clerk at the counter, or
    /// `None` when the applicant applies online from `client` (see
    /// [`crate::auth::client_key`]), which counts against the client's
    /// limit of anonymous submissions.
    pub async fn submit(
        &self,
        submission: Submission,
        intake: Option<&Principal>,
        client: &str,
    ) -> Result<Filed, AppError> {
        self.submit_or_check(submission, intake, client, false)
            .await?
            .ok_or_else(|| AppError::Internal("a submission was only checked".into()))
    }

    /// Checks a submission as [`App::submit`] would, without filing it:
    /// the "check your answers" step. The documents accepted are held
    /// under its key, for the filing that follows.
    pub async fn check_submission(
        &self,
        submission: Submission,
        client: &str,
    ) -> Result<(), AppError> {
        self.submit_or_check(submission, None, client, true)
            .await
            .map(|_| ())
    }

    async fn submit_or_check(
        &self,
        submission: Submission,
        intake: Option<&Principal>,
        client: &str,
        check_only: bool,
    ) -> Result<Option<Filed>, AppError> {
        let idempotency = submission.idempotency();
        if !check_only && let Some(id) = self.replayed(idempotency.as_ref(), "application").await? {
            return self.tracking_of(id).await.map(Filed::again).map(Some);
        }
        let mut fields = Fields::new();
        let published = self.service(&submission.service);
        if published.is_none() {
            fields.push("service", "service-unknown");
        }
        let unit = match UnitCode::parse(&submission.unit) {
            Ok(code) => self.unit_by_code(&code).await?,
            Err(_) => None,
        };
        if submission.unit.trim().is_empty() {
            fields.push("unit", "required");
        } else if unit.is_none() {
            fields.push("unit", "unit-unknown");
        }
        let Some(published) = published else {
            return Err(fields.finish().err().map_or(AppError::NotFound, Into::into));
        };
        // Without a unit every other field is still checked, so that the
        // applicant hears of every problem at once.
        let service = published.service.clone();
        if let Some(unit) = &unit {
            if unit.country() != service.country {
                fields.push("unit", "unit-wrong-country");
            }
            if let Some(clerk) = intake {
                clerk
                    .access
                    .require(Permission::IntakeApplications, &unit.path)?;
            }
        }
        let today = self.today_in(service.country);
        let kind = submission.applicant_kind.trim();
        match baladiya_domain::catalog::Applicant::parse(if kind.is_empty() {
            "citizen"
        } else {
            kind
        }) {
            Ok(a) if service.applicants.contains(&a) => {}
            Ok(_) => fields.push("applicant_kind", "applicant-not-allowed"),
            Err(code) => fields.push("applicant_kind", code),
        }
        let name = submission.applicant_name.trim().to_owned();
        if name.is_empty() {
            fields.push("applicant_name", "required");
        } else if name.chars().count() > 200 {
            fields.push("applicant_name", "too-long");
        }
        let id = fields.check(
            "applicant_id",
            PersonalId::parse(service.country, &submission.applicant_id, today),
        );
        let phone = fields.check(
            "applicant_phone",
            MobileNumber::parse(service.country, &submission.applicant_phone),
        );
        let email = match submission.applicant_email.trim() {
            "" => Some(None),
            text => fields
                .check(
                    "applicant_email",
                    baladiya_domain::contact::EmailAddress::parse(text),
                )
                .map(Some),
        };
        let mut values = BTreeMap::new();
        for field in &service.fields {
            let raw = submission
                .fields
                .get(&field.code)
                .map(String::as_str)
                .unwrap_or("");
            if let Some(Some(value)) = fields.check(
                &format!("fields.{}", field.code),
                field.parse(service.country, raw, today),
            ) {
                values.insert(field.code.clone(), value);
            }
        }
        for code in submission.fields.keys() {
            if service.field(code).is_none() {
                fields.push(&format!("fields.{code}"), "field-unknown");
            }
        }
        // Files of an earlier attempt of this form that was sent with
        // errors: held, so they are not chosen again.
        let held = match &idempotency {
            Some(key) => self.store.held_documents(&key.key).await?,
            None => Vec::new(),
        };
        let mut accepted = Vec::new();
        for requirement in &service.documents {
            let given: Vec<&Upload> = submission
                .documents
                .iter()
                .filter(|u| u.code == requirement.code && u.size > 0)
                .collect();
            let field = format!("documents.{}", requirement.code);
            match given.as_slice() {
                [] if requirement.mandatory && !held.iter().any(|h| h.code == requirement.code) => {
                    fields.push(&field, "document-required")
                }
                [] => {}
                [upload] => {
                    if let Some(kind) = fields.check(&field, accept(requirement, upload)) {
                        accepted.push((*upload, kind));
                    }
                }
                _ => fields.push(&field, "document-duplicate"),
            }
        }
        for upload in &submission.documents {
            if !service.documents.iter().any(|d| d.code == upload.code) {
                fields.push(&format!("documents.{}", upload.code), "document-unknown");
            }
        }
        if let Err(error) = fields.finish() {
            self.hold_documents(idempotency.as_ref(), accepted).await?;
            return Err(error.into());
        }
        if check_only {
            self.hold_documents(idempotency.as_ref(), accepted).await?;
            return Ok(None);
        }
        let (Some(unit), Some(id), Some(phone), Some(email)) = (unit, id, phone, email) else {
            return Err(AppError::Internal("checked fields missing".into()));
        };
        let replaced: Vec<String> = accepted.iter().map(|(u, _)| u.code.clone()).collect();
        let mut documents = self.store_documents(accepted).await?;
        documents.extend(held.into_iter().filter(|h| {
            !replaced.contains(&h.code) && service.documents.iter().any(|d| d.code == h.code)
        }));
        let calendar = self.calendar(service.country).await?;
        let first = service
            .procedure
            .step(0)
            .ok_or_else(|| AppError::Internal("empty procedure".into()))?;
        let fee = service.fee.as_ref().map(|fee| fee.amount(&values));
        let form: BTreeMap<&str, String> = values
            .iter()
            .map(|(k, v)| (k.as_str(), v.to_text()))
            .collect();
        let new = NewApplication {
            service_version_id: published.version_id,
            unit_id: unit.id,
            unit_path: unit.path.encode(),
            applicant_kind: if kind.is_empty() {
                "citizen".into()
            } else {
                kind.to_owned()
            },
            applicant_name: name,
            applicant_id_number: id.as_str().to_owned(),
            applicant_phone: phone.as_e164().to_owned(),
            applicant_email: email.map(|e| e.as_str().to_owned()),
            channel: if intake.is_some() {
                "counter"
            } else {
                "online"
            },
            intake_user_id: intake.map(|p| p.user_id),
            form: serde_json::to_string(&form).map_err(|e| AppError::Internal(e.to_string()))?,
            status: Status::InProgress.as_str().into(),
            step_role: first.role.as_str().into(),
            pending_departments: encode_departments(&first.kind.departments()),
            fee_minor: fee,
            currency: service.currency().code().into(),
            // As stored (microseconds), so the answer says what a later read will.
            submitted_at: self.now().trunc_subsecs(6),
            step_due_on: due(&calendar, today, first.sla_working_days)?,
            due_on: due(&calendar, today, service.sla_working_days)?,
            throttle: intake
                .is_none()
                .then(|| self.settings.limits.submissions_of(client)),
            idempotency,
        };
        let to = Recipient {
            phone: &new.applicant_phone,
            email: new.applicant_email.as_deref(),
        };
        let notification = notice("submitted", to, None, &service);
        let unit_code = unit.code.clone();
        let inserted = self
            .store
            .insert_application(
                &new,
                &documents,
                &notification,
                intake.map(|p| p.user_id),
                |year, seq| TrackingNumber::new(&unit_code, year, seq as u64).to_string(),
            )
            .await;
        let InsertedApplication {
            record,
            mut submitted,
        } = match inserted {
            Err(baladiya_store::StoreError::KeyTaken) => {
                let id = self
                    .taken_by(new.idempotency.as_ref(), "application")
                    .await?;
                return self.tracking_of(id).await.map(Filed::again).map(Some);
            }
            other => other?,
        };
        tracing::info!(tracking = %record.tracking_number, service = %service.code, channel = new.channel, "application submitted");
        submitted.actor_name = intake.map(|p| p.full_name.clone());
        Ok(Some(Filed {
            tracking: record.tracking_number.clone(),
            view: Some(ApplicationView {
                service: published.service.clone(),
                unit,
                history: vec![submitted],
                documents: documents
                    .iter()
                    .map(|d| {
                        (
                            d.code.clone(),
                            d.file_name.clone(),
                            d.content_type.clone(),
                            d.size_bytes,
                        )
                    })
                    .collect(),
                issuance: None,
                record,
            }),
        }))
    }

    /// The application a page form made under `key` (scoped), for its
    /// confirmation page; for a day after it was made.
    pub async fn submitted_application(&self, key: &str) -> Result<ApplicationView, AppError> {
        let used = self
            .store
            .idempotency_key(key)
            .await?
            .filter(|u| u.entity == "application" && self.now() - u.created_at < Duration::days(1))
            .ok_or(AppError::NotFound)?;
        let tracking = self.tracking_of(used.entity_id).await?;
        let record = self.record(&tracking).await?;
        self.view_of(record).await
    }

    /// The tracking number of the application with row `id`.
    async fn tracking_of(&self, id: i64) -> Result<String, AppError> {
        self.store
            .tracking_number_of(id)
            .await?
            .ok_or(AppError::NotFound)
    }

    pub(crate) async fn record(&self, tracking: &str) -> Result<ApplicationRecord, AppError> {
        let number = TrackingNumber::parse(tracking).map_err(|_| AppError::NotFound)?;
        self.store
            .application_by_tracking(number.as_str())
            .await?
            .ok_or(AppError::NotFound)
    }

    pub(crate) async fn view_of(
        &self,
        record: ApplicationRecord,
    ) -> Result<ApplicationView, AppError> {
        let service = self.service_version(record.service_version_id).await?;
        let unit = self.store.unit(record.unit_id).await?;
        let history = self.store.application_history(record.id).await?;
        let documents = self.store.documents_of(record.id).await?;
        let issuance = self.store.issuance_of(record.id).await?;
        Ok(ApplicationView {
            record,
            service,
            unit,
            history,
            documents,
            issuance,
        })
    }

    /// An application for staff who may see its unit.
    pub async fn application_for(
        &self,
        who: &Principal,
        tracking: &str,
    ) -> Result<ApplicationView, AppError> {
        let record = self.record(tracking).await?;
        let path = UnitPath::decode(&record.unit_path)
            .ok_or_else(|| AppError::Internal("bad unit path".into()))?;
        who.access.require(Permission::ViewApplications, &path)?;
        self.view_of(record).await
    }

    /// An application for its applicant, who proves it is theirs with
    /// their ID number or mobile number. Anything else is `NotFound`.
    ///
    /// Every look-up from `client` counts against the client's limit, and
    /// every wrong proof against the number's, from anywhere (both shared
    /// by every server): neither the proofs of one number nor the numbers
    /// of one proof can be walked.
    pub async fn application_for_applicant(
        &self,
        tracking: &str,
        proof: &str,
        client: &str,
    ) -> Result<ApplicationView, AppError> {
        let limits = &self.settings.limits;
        let window = chrono::Duration::minutes(15);
        let number: String = tracking.trim().to_uppercase().chars().take(40).collect();
        let per_number = Throttle::new(
            format!("track-number:{number}"),
            limits.tracking_failures_per_number,
            window,
        );
        let per_client = Throttle::new(
            format!("track:{client}"),
            limits.tracking_per_client,
            window,
        );
        self.store
            .take_throttles(&[per_client, per_number.clone()], self.now())
            .await?;
        let view = self.applicant_view(tracking, proof).await?;
        self.store.give_back_throttle(&per_number.key).await?;
        Ok(view)
    }

    /// The application if `proof` is its applicant's, with no throttle:
    /// for callers that already checked it.
    async fn applicant_view(
        &self,
        tracking: &str,
        proof: &str,
    ) -> Result<ApplicationView, AppError> {
        let record = self.record(tracking).await?;
        let proof_digits = baladiya_domain::country::ascii_digits(proof);
        let by_id = !proof_digits.is_empty() && proof_digits == record.applicant_id_number;
        let country = self
            .service_version(record.service_version_id)
            .await?
            .country;
        let by_phone = MobileNumber::parse(country, proof)
            .is_ok_and(|p| p.as_e164() == record.applicant_phone);
        if !(by_id || by_phone) {
            return Err(AppError::NotFound);
        }
        self.view_of(record).await
    }

    /// An officer acts on the current step of an application.
    pub async fn act(
        &self,
        who: &Principal,
        tracking: &str,
        request: &ActionRequest,
    ) -> Result<ApplicationView, AppError> {
        self.act_as(Actor::Staff(who), tracking, request).await?;
        self.application_for(who, tracking).await
    }

    /// Acts on the current step as `actor`: staff by their grants; the
    /// payment gateway only records a payment at a payment step.
    pub(crate) async fn act_as(
        &self,
        actor: Actor<'_>,
        tracking: &str,
        request: &ActionRequest,
    ) -> Result<(), AppError> {
        let record = self.record(tracking).await?;
        let service = self.service_version(record.service_version_id).await?;
        let path = UnitPath::decode(&record.unit_path)
            .ok_or_else(|| AppError::Internal("bad unit path".into()))?;
        if let Actor::Staff(who) = actor {
            who.access.require(Permission::ViewApplications, &path)?;
        }
        // Someone acted since the officer loaded the page: whatever they ask
        // now was decided on an old state. (The update re-checks this
        // atomically; this answers the same way when the step has moved on.)
        if record.version != request.expected_version {
            return Err(AppError::Conflict(ErrorCode::StaleVersion));
        }
        let action =
            Action::parse(request.action.trim()).map_err(|c| AppError::field("action", c))?;
        let department = match request
            .department
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            Some(d) => {
                Some(DepartmentKind::parse(d).map_err(|c| AppError::field("department", c))?)
            }
            None => None,
        };
        let status =
            Status::parse(&record.status).map_err(|_| AppError::Internal("bad status".into()))?;
        let state = WorkflowState {
            status,
            step: record.step as usize,
            approvals: departments_of(&record.approvals),
        };
        let step = service
            .procedure
            .step(state.step)
            .ok_or(AppError::Conflict(ErrorCode::ApplicationClosed))?;
        // The department the officer acts for: the step's own, or (for
        // parallel approvals) the one they name or the one they belong to.
        let acting_for = match (&step.kind, department) {
            (StepKind::ParallelApprovals { departments }, Some(d)) => {
                Some(d).filter(|d| departments.contains(d))
            }
            (StepKind::ParallelApprovals { departments }, None) => {
                departments.iter().copied().find(|d| {
                    !state.approvals.contains(d)
                        && match actor {
                            Actor::Staff(who) => who.access.can_act_as(step.role, &path, *d),
                            Actor::Gateway => false,
                        }
                })
            }
            (_, _) => step.kind.departments().first().copied(),
        };
        let allowed = match actor {
            Actor::Staff(who) => {
                acting_for.is_some_and(|d| who.access.can_act_as(step.role, &path, d))
            }
            Actor::Gateway => {
                action == Action::RecordPayment && matches!(step.kind, StepKind::Payment { .. })
            }
        };
        if !status.is_final() && !allowed {
            return Err(baladiya_domain::access::Denied {
                permission: Permission::ProcessApplications,
            }
            .into());
        }
        let comment = request.comment.trim();
        let mut fields = Fields::new();
        if action.needs_reason() && comment.is_empty() {
            fields.push("comment", "reason-required");
        }
        let receipt = request
            .receipt_number
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        if action == Action::RecordPayment && receipt.is_none() {
            fields.push("receipt_number", "required");
        }
        let mut to_correct: Vec<&str> = Vec::new();
        for code in request.to_correct.iter().map(|c| c.trim()) {
            if action != Action::ReturnForCompletion {
                fields.push("to_correct", "to-correct-only-on-return");
                break;
            }
            if service.documents.iter().any(|d| d.code == code) {
                if !to_correct.contains(&code) {
                    to_correct.push(code);
                }
            } else {
                fields.push("to_correct", "document-unknown");
            }
        }
        fields.finish()?;
        let transition = workflow::act(&service.procedure, &state, action, acting_for)
            .map_err(|e| AppError::Conflict(e.code()))?;
        let today = self.today_in(service.country);
        let calendar = self.calendar(service.country).await?;
        let next = &transition.next;
        let next_step = service.procedure.step(next.step);
        let pending: Vec<DepartmentKind> = next_step
            .map(|s| {
                s.kind
                    .departments()
                    .into_iter()
                    .filter(|d| !next.approvals.contains(d))
                    .collect()
            })
            .unwrap_or_default();
        let step_due_on = match (transition.outcome, next_step) {
            (Outcome::Advanced, Some(s)) => due(&calendar, today, s.sla_working_days)?,
            _ => record.step_due_on,
        };
        let now = self.now();
        let update = WorkflowUpdate {
            status: next.status.as_str().into(),
            step: next.step as i64,
            approvals: encode_departments(&next.approvals),
            step_role: next_step.map_or(String::new(), |s| s.role.as_str().into()),
            pending_departments: if next.status.is_final() {
                String::new()
            } else {
                encode_departments(&pending)
            },
            step_due_on,
            due_on: record.due_on,
            returned_on: (next.status == Status::Returned).then_some(today),
            receipt_number: receipt.map(str::to_owned),
            completed_at: next.status.is_final().then_some(now),
            working_days: next.status.is_final().then(|| {
                calendar.working_days_between(record.submitted_at.date_naive(), now.date_naive())
            }),
        };
        let detail = json!({
            "action": action.as_str(),
            "department": acting_for.map(DepartmentKind::as_str),
            "from": {"status": record.status, "step": record.step},
            "to": {"status": next.status.as_str(), "step": next.step},
            "comment": comment,
            "receipt_number": receipt,
            "to_correct": to_correct,
        });
        let event_name = format!("application.{}", action.as_str());
        let event = NewEvent {
            at: now,
            actor_id: match actor {
                Actor::Staff(who) => Some(who.user_id),
                Actor::Gateway => None,
            },
            action: &event_name,
            entity: "application",
            entity_id: record.id,
            unit_id: Some(record.unit_id),
            detail,
        };
        let kind = match transition.outcome {
            Outcome::Returned => Some("returned"),
            Outcome::Rejected => Some("rejected"),
            Outcome::Issued => Some("issued"),
            Outcome::Advanced
                if next_step.is_some_and(|s| matches!(s.kind, StepKind::Payment { .. })) =>
            {
                Some("ready_for_payment")
            }
            Outcome::Advanced
                if matches!(
                    step.kind,
                    StepKind::ParallelApprovals { .. } | StepKind::Review { .. }
                ) =>
            {
                Some("approved")
            }
            _ => None,
        };
        let notifications: Vec<NewNotification> = kind
            .map(|k| {
                let to = Recipient {
                    phone: &record.applicant_phone,
                    email: record.applicant_email.as_deref(),
                };
                notice(k, to, (!comment.is_empty()).then_some(comment), &service)
            })
            .into_iter()
            .collect();
        let issuance = if transition.outcome == Outcome::Issued {
            Some(self.new_issuance(&record, &service, today).await?)
        } else {
            None
        };
        let change = WorkflowChange {
            update,
            event,
            notifications,
            issuance,
            documents: Vec::new(),
        };
        self.store
            .update_workflow(record.id, request.expected_version, &change)
            .await?;
        tracing::info!(tracking, action = action.as_str(), "workflow action");
        Ok(())
    }

    /// The applicant completes a returned application (optionally with new
    /// documents): it goes back to the step that returned it, and the
    /// deadline moves by the working days it waited.
    pub async fn resubmit(
        &self,
        tracking: &str,
        proof: &str,
        client: &str,
        comment: &str,
        documents: Vec<Upload>,
    ) -> Result<ApplicationView, AppError> {
        let view = self
            .application_for_applicant(tracking, proof, client)
            .await?;
        let record = &view.record;
        let service = &view.service;
        let status = view.status();
        let state = WorkflowState {
            status,
            step: record.step as usize,
            approvals: view.approvals(),
        };
        let next = workflow::resubmit(&state).map_err(|e| AppError::Conflict(e.code()))?;
        let mut fields = Fields::new();
        // The documents the officer asked for must come back replaced.
        for code in view
            .return_request()
            .map(|r| r.documents)
            .unwrap_or_default()
        {
            if !documents.iter().any(|u| u.code == code && u.size > 0) {
                fields.push(&format!("documents.{code}"), "document-required");
            }
        }
        let mut stored = Vec::new();
        for upload in &documents {
            let field = format!("documents.{}", upload.code);
            match service.documents.iter().find(|d| d.code == upload.code) {
                None => fields.push(&field, "document-unknown"),
                Some(requirement) => {
                    if let Some(kind) = fields.check(&field, accept(requirement, upload)) {
                        stored.push((upload, kind));
                    }
                }
            }
        }
        fields.finish()?;
        let today = self.today_in(service.country);
        let calendar = self.calendar(service.country).await?;
        let waited = record
            .returned_on
            .map_or(0, |r| calendar.working_days_between(r, today));
        let step = service
            .procedure
            .step(next.step)
            .ok_or(AppError::Conflict(ErrorCode::ApplicationClosed))?;
        let new_documents = self.store_documents(stored).await?;
        let pending: Vec<DepartmentKind> = step
            .kind
            .departments()
            .into_iter()
            .filter(|d| !next.approvals.contains(d))
            .collect();
        let update = WorkflowUpdate {
            status: next.status.as_str().into(),
            step: next.step as i64,
            approvals: encode_departments(&next.approvals),
            step_role: step.role.as_str().into(),
            pending_departments: encode_departments(&pending),
            step_due_on: due(&calendar, today, step.sla_working_days)?,
            due_on: calendar
                .add_working_days(record.due_on, u32::try_from(waited).unwrap_or(0))
                .ok_or_else(|| AppError::Internal("date out of range".into()))?,
            returned_on: None,
            receipt_number: None,
            completed_at: None,
            working_days: None,
        };
        let event = NewEvent {
            at: self.now(),
            actor_id: None,
            action: "application.resubmitted",
            entity: "application",
            entity_id: record.id,
            unit_id: Some(record.unit_id),
            detail: json!({
                "by": "applicant",
                "from": {"status": record.status, "step": record.step},
                "to": {"status": next.status.as_str(), "step": next.step},
                "comment": comment.trim(),
                "documents": new_documents.iter().map(|d| d.code.clone()).collect::<Vec<_>>(),
                "paused_working_days": waited,
            }),
        };
        let change = WorkflowChange {
            update,
            event,
            notifications: Vec::new(),
            issuance: None,
            documents: new_documents,
        };
        self.store
            .update_workflow(record.id, record.version, &change)
            .await?;
        self.applicant_view(tracking, proof).await
    }

    /// Applications waiting for this user: for each of their grants, those
    /// whose current step is for that role (and department) in that unit
    /// or below. Overdue first.
    /// Applications the staff member may see whose tracking number,
    /// applicant ID or mobile number is `text` (as a counter clerk is asked
    /// "where is my application?"), newest first.
    pub async fn find_applications(
        &self,
        who: &Principal,
        text: &str,
    ) -> Result<Vec<ApplicationRecord>, AppError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(Vec::new());
        }
        let digits = baladiya_domain::country::ascii_digits(text);
        let phones: Vec<String> = [Country::Egypt, Country::SaudiArabia]
            .into_iter()
            .filter_map(|c| MobileNumber::parse(c, text).ok())
            .map(|m| m.as_e164().to_owned())
            .collect();
        let found = self
            .store
            .find_applications(&text.to_ascii_uppercase(), &digits, &phones, 50)
            .await?;
        Ok(found
            .into_iter()
            .filter(|r| {
                UnitPath::decode(&r.unit_path)
                    .is_some_and(|path| who.access.can(Permission::ViewApplications, &path))
            })
            .collect())
    }

    pub async fn inbox(
        &self,
        who: &Principal,
        filter: &InboxFilter,
        limit: i64,
    ) -> Result<Vec<ApplicationRecord>, AppError> {
        let service_version_ids = match filter
            .service
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(code) => Some(
                self.store
                    .service_version_ids(&code.to_ascii_uppercase())
                    .await?,
            ),
            None => None,
        };
        let overdue_on = filter.overdue_only.then(|| self.today_everywhere());
        let mut found: Vec<ApplicationRecord> = Vec::new();
        for grant in who.access.grants() {
            if grant.role == Role::Administrator || grant.role == Role::GovernorateViewer {
                continue;
            }
            let query = InboxQuery {
                roots: vec![grant.unit.clone()],
                roles: vec![grant.role.as_str().to_owned()],
                departments: grant.department.map(|d| vec![d.as_str().to_owned()]),
                service_version_ids: service_version_ids.clone(),
                overdue_on,
                limit,
            };
            for record in self.store.inbox(&query).await? {
                if !found.iter().any(|r| r.id == record.id) {
                    found.push(record);
                }
            }
        }
        found.sort_by(|a, b| a.step_due_on.cmp(&b.step_due_on).then(a.id.cmp(&b.id)));
        found.truncate(limit.max(0) as usize);
        Ok(found)
    }

    /// Overdue applications in the units a unit head oversees: their
    /// escalation inbox.
    pub async fn escalations(
        &self,
        who: &Principal,
        limit: i64,
    ) -> Result<Vec<ApplicationRecord>, AppError> {
        let roots = who.access.roots(Permission::ViewOversight);
        if roots.is_empty() {
            return Ok(Vec::new());
        }
        let query = InboxQuery {
            roots,
            roles: Role::ALL.iter().map(|r| r.as_str().to_owned()).collect(),
            departments: None,
            service_version_ids: None,
            overdue_on: Some(self.today_everywhere()),
            limit,
        };
        Ok(self.store.inbox(&query).await?)
    }

    /// Flags overdue applications so they show in their unit heads'
    /// escalations (run periodically by the server). Returns how many.
    pub async fn escalate_overdue(&self) -> Result<usize, AppError> {
        Ok(self
            .store
            .escalate_overdue(self.today_everywhere(), self.now())
            .await?)
    }

    /// The applicant rates a completed application, once.
    pub async fn rate(
        &self,
        tracking: &str,
        proof: &str,
        client: &str,
        stars: i64,
        comment: &str,
    ) -> Result<(), AppError> {
        let view = self
            .application_for_applicant(tracking, proof, client)
            .await?;
        if !view.status().is_final() {
            return Err(AppError::field("rating", "rating-before-completion"));
        }
        if !(1..=5).contains(&stars) {
            return Err(AppError::field("rating", "rating-out-of-range"));
        }
        let comment: String = comment.trim().chars().take(1000).collect();
        let event = NewEvent {
            at: self.now(),
            actor_id: None,
            action: "application.rated",
            entity: "application",
            entity_id: view.record.id,
            unit_id: Some(view.record.unit_id),
            detail: json!({"by": "applicant", "rating": stars, "comment": comment}),
        };
        self.store
            .rate_application(view.record.id, stars, &comment, &event)
            .await?;
        Ok(())
    }

    /// Counts per unit for a unit head's overview.
    pub async fn overview(
        &self,
        who: &Principal,
    ) -> Result<Vec<(OrgUnit, i64, i64, i64)>, AppError> {
        let roots = who.access.roots(Permission::ViewOversight);
        let units = self.store.units_within(&roots).await?;
        let today = self.today_everywhere();
        let month_start = today.with_day0(0).unwrap_or(today);
        let since: DateTime<Utc> = month_start
            .and_hms_opt(0, 0, 0)
            .map(|d| d.and_utc())
            .unwrap_or_else(|| self.now());
        let counts = self.store.unit_counts(&roots, today, since).await?;
        Ok(units
            .into_iter()
            .map(|unit| {
                let (open, overdue, done) = counts
                    .iter()
                    .find(|(id, ..)| *id == unit.id)
                    .map_or((0, 0, 0), |(_, a, b, c)| (*a, *b, *c));
                (unit, open, overdue, done)
            })
            .collect())
    }
}

/// The type of an uploaded document if it meets its requirement: not too
/// large, and its content (not its name) one of the accepted types.
fn accept(
    requirement: &DocumentRequirement,
    upload: &Upload,
) -> Result<&'static str, &'static str> {
    if upload.size > requirement.max_bytes {
        return Err("document-too-large");
    }
    sniff(&upload.head)
        .filter(|kind| requirement.types.iter().any(|t| t == kind))
        .ok_or("document-type-not-accepted")
}

impl App {
    /// Keeps the accepted files of a form sent with errors for its next
    /// attempt (forms without a key keep nothing).
    async fn hold_documents(
        &self,
        key: Option<&baladiya_store::IdempotencyKey>,
        accepted: Vec<(&Upload, &'static str)>,
    ) -> Result<(), AppError> {
        let Some(key) = key else { return Ok(()) };
        for document in self.store_documents(accepted).await? {
            self.store
                .hold_document(&key.key, &document, self.now())
                .await?;
        }
        Ok(())
    }

    /// Puts accepted uploads in the object store, one at a time (so one
    /// file at most is in memory); returns their records.
    async fn store_documents(
        &self,
        accepted: Vec<(&Upload, &'static str)>,
    ) -> Result<Vec<NewDocument>, AppError> {
        let mut documents = Vec::with_capacity(accepted.len());
        for (upload, kind) in accepted {
            let bytes = tokio::fs::read(&**upload.spool)
                .await
                .map_err(|e| AppError::Internal(format!("reading an upload back: {e}")))?;
            let (key, sha) = self.blobs.put(bytes).await?;
            documents.push(NewDocument {
                code: upload.code.clone(),
                file_name: upload.file_name.chars().take(200).collect(),
                content_type: kind.to_owned(),
                size_bytes: upload.size as i64,
                storage_key: key,
                sha256: sha,
            });
        }
        Ok(documents)
    }
}

pub(crate) fn due(
    calendar: &baladiya_domain::calendar::WorkCalendar,
    from: NaiveDate,
    days: u32,
) -> Result<NaiveDate, AppError> {
    calendar
        .add_working_days(from, days)
        .ok_or_else(|| AppError::Internal("date out of range".into()))
}

/// A notification for the applicant, in both languages.
/// Who a notification goes to: a mobile number, and an e-mail if given.
struct Recipient<'a> {
    phone: &'a str,
    email: Option<&'a str>,
}

fn notice(
    kind: &'static str,
    to: Recipient<'_>,
    comment: Option<&str>,
    service: &Service,
) -> NewNotification {
    NewNotification {
        kind,
        recipient: to.phone.to_owned(),
        payload: json!({
            "kind": kind,
            "email": to.email,
            "service": service.code.as_str(),
            "service_ar": service.name.ar(),
            "service_en": service.name.en(),
            "comment": comment,
        })
        .to_string(),
    }
}
