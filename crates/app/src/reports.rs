//! Citizen reports: submission (from the public page, an Open311 client or
//! staff taking a call), routing to a unit and department, the life of a
//! report, followers, and Open311 API keys.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use baladiya_domain::boundaries::Router;
use baladiya_domain::contact::EmailAddress;
use baladiya_domain::country::{Country, MobileNumber};
use baladiya_domain::org::{OrgUnit, UnitCode};
use baladiya_domain::people::Permission;
use baladiya_domain::reports::ReportCategory;
use baladiya_domain::reports::answers::Answers;
use baladiya_domain::reports::lifecycle::{self, ReportAction, ReportState, ReportStatus};
use baladiya_domain::reports::location::{DUPLICATE_RADIUS_M, Location};
use baladiya_domain::text::normalize_arabic;
use baladiya_domain::{ErrorCode, Fields};
use baladiya_store::{
    HistoryEntry, NewEvent, NewReport, PublicReport, ReportChange, ReportQuery, ReportRecord,
};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::applications::due;
use crate::{App, AppError, Principal};

/// What a reporter sends, as text from a form or an Open311 POST.
#[derive(Debug, Clone, Default)]
pub struct ReportInput {
    pub service_code: String,
    pub lat: String,
    pub long: String,
    pub address: String,
    pub description: String,
    /// `(attribute code, value)`; a multi-value list repeats its code.
    pub attributes: Vec<(String, String)>,
    /// An uploaded photo (cleaned of metadata before it is kept).
    pub photo: Option<Vec<u8>>,
    /// A photo already published elsewhere (Open311 `media_url`).
    pub media_url: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub device_id: String,
    pub account_id: String,
    /// Scoped with [`crate::idempotency::scoped_key`]: the same key again
    /// gets this report instead of a second one.
    pub idempotency_key: Option<String>,
}

impl ReportInput {
    /// The key this report is made under, with the request's digest.
    fn idempotency(&self) -> Option<baladiya_store::IdempotencyKey> {
        let key = self.idempotency_key.clone()?;
        let photo = self.photo.as_ref().map_or(0, Vec::len).to_string();
        let attributes = self
            .attributes
            .iter()
            .flat_map(|(k, v)| [k.as_str(), v.as_str()]);
        let fingerprint = crate::idempotency::fingerprint(
            [
                self.service_code.as_str(),
                &self.lat,
                &self.long,
                &self.address,
                &self.description,
                &self.media_url,
                &self.first_name,
                &self.last_name,
                &self.email,
                &self.phone,
                &self.device_id,
                &self.account_id,
                &photo,
            ]
            .into_iter()
            .chain(attributes),
        );
        Some(baladiya_store::IdempotencyKey { key, fingerprint })
    }
}

/// What a staff member narrows their reports inbox to.
#[derive(Debug, Clone, Default)]
pub struct ReportInboxFilter {
    /// Empty for all.
    pub statuses: Vec<ReportStatus>,
    /// One unit (with everything below it).
    pub unit: Option<baladiya_domain::org::UnitPath>,
    pub department: Option<baladiya_domain::org::DepartmentKind>,
}

/// How a report came in.
#[derive(Debug, Clone, Copy)]
pub enum Intake<'a> {
    /// The public page, from this client (see [`crate::auth::client_key`]).
    Web { client: &'a str },
    /// An Open311 client with this API key.
    Api { key_id: i64 },
    /// Staff taking a phone call or a walk-in.
    Staff(&'a Principal),
    /// An alert rule on a sensor's readings.
    Sensor,
}

impl Intake<'_> {
    fn channel(&self) -> &'static str {
        match self {
            Intake::Web { .. } => "web",
            Intake::Api { .. } => "api",
            Intake::Staff(_) => "staff",
            Intake::Sensor => "sensor",
        }
    }
}

/// A report just recorded.
#[derive(Debug, Clone)]
pub struct SubmittedReport {
    pub id: i64,
    pub token: String,
    pub unit: OrgUnit,
    pub category: ReportCategory,
    /// The reporter left a contact, so they hear of every change.
    pub notified: bool,
}

/// API keys found valid, by their hash. Only keys that exist are kept
/// (as many as were issued); a revoked one is refused by the write that
/// counts its minute, whichever server revoked it.
#[derive(Debug, Clone, Default)]
pub(crate) struct ApiKeys(Arc<RwLock<HashMap<String, i64>>>);

impl ApiKeys {
    fn get(&self, hash: &str) -> Option<i64> {
        self.0.read().ok()?.get(hash).copied()
    }

    fn insert(&self, hash: String, id: i64) {
        if let Ok(mut keys) = self.0.write() {
            keys.insert(hash, id);
        }
    }

    /// Forgets a key found revoked: its next request is refused at once.
    fn forget(&self, id: i64) {
        if let Ok(mut keys) = self.0.write() {
            keys.retain(|_, kept| *kept != id);
        }
    }
}

/// The routing table, rebuilt from the database at most once a minute (and
/// at once after an import on this server).
#[derive(Debug, Clone, Default)]
pub(crate) struct RouterCache(Arc<RwLock<Option<LoadedRouter>>>);

/// A routing table and when it was read.
type LoadedRouter = (Instant, Arc<Routing>);

/// The boundaries' router with the units it routes to, read together: a
/// submission finds its unit without a query (units are never changed
/// once created, only added).
#[derive(Debug)]
pub struct Routing {
    pub router: Router,
    units: Vec<OrgUnit>,
}

impl Routing {
    /// Every unit, in tree order (by path).
    pub fn units(&self) -> &[OrgUnit] {
        &self.units
    }

    /// The unit with this code, if it was there when the table was read.
    pub fn unit(&self, code: &UnitCode) -> Option<&OrgUnit> {
        self.units.iter().find(|u| &u.code == code)
    }

    /// The unit whose area holds `location`, if one does.
    fn unit_at(&self, location: Location) -> Option<&OrgUnit> {
        self.unit(self.router.route(location.lat(), location.lon())?)
    }
}

const ROUTER_TTL: std::time::Duration = std::time::Duration::from_secs(60);

impl RouterCache {
    pub(crate) fn clear(&self) {
        if let Ok(mut slot) = self.0.write() {
            *slot = None;
        }
    }
}

/// Largest page of a report search.
pub const MAX_PAGE: i64 = 1000;

fn field_text(fields: &mut Fields, name: &str, value: &str, max: usize) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        None
    } else if value.chars().count() > max {
        fields.push(name, "too-long");
        None
    } else {
        Some(value.to_owned())
    }
}

/// A contact to follow a report: an e-mail address or a mobile number of
/// the report's country, in canonical form.
pub fn parse_contact(country: Country, text: &str) -> Result<String, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        Err("required")
    } else if text.contains('@') {
        EmailAddress::parse(text).map(|e| e.as_str().to_owned())
    } else {
        MobileNumber::parse(country, text).map(|m| m.as_e164().to_owned())
    }
}

impl App {
    /// The cached routing table and units.
    pub async fn routing(&self) -> Result<Arc<Routing>, AppError> {
        if let Ok(slot) = self.router_cache.0.read()
            && let Some((at, routing)) = slot.as_ref()
            && at.elapsed() < ROUTER_TTL
        {
            return Ok(routing.clone());
        }
        // The boundaries first: every unit they route to is then among
        // the units read after them.
        let routing = Arc::new(Routing {
            router: self.router().await?,
            units: self.store.all_units().await?,
        });
        if let Ok(mut slot) = self.router_cache.0.write() {
            *slot = Some((Instant::now(), routing.clone()));
        }
        Ok(routing)
    }

    pub fn report_category(&self, code: &str) -> Option<ReportCategory> {
        self.report_categories()
            .iter()
            .find(|c| c.code == code)
            .cloned()
    }

    /// Places an address given without coordinates: at a landmark it
    /// names, else in the deepest unit whose Arabic or English name it
    /// mentions, at a point inside it.
    async fn place_address(&self, address: &str) -> Result<Option<Location>, AppError> {
        let wanted = place_words(address);
        let mentions = |name: &str| {
            let words = place_words(name);
            !words.is_empty() && words.iter().all(|w| wanted.contains(w))
        };
        if let Some(landmark) = self
            .landmarks()
            .iter()
            .find(|l| mentions(l.name.ar()) || mentions(l.name.en()))
        {
            return Ok(Some(landmark.location));
        }
        let routing = self.routing().await?;
        let mut best: Option<(usize, (f64, f64))> = None;
        for unit in routing.units() {
            let named = [unit.name.ar(), unit.name.en()].iter().any(|n| mentions(n));
            if !named {
                continue;
            }
            if let Some(point) = routing.router.point_inside(&unit.code)
                && best.is_none_or(|(depth, _)| unit.path.depth() > depth)
            {
                best = Some((unit.path.depth(), point));
            }
        }
        Ok(best.and_then(|(_, (lat, lon))| Location::new(lat, lon).ok()))
    }

    /// Checks, routes and records a report. Every problem is reported at
    /// once as field errors (Open311 names: `service_code`, `lat`, `long`,
    /// `attribute[code]`, `email`, `phone`, `media`).
    pub async fn submit_report(
        &self,
        input: ReportInput,
        intake: Intake<'_>,
    ) -> Result<SubmittedReport, AppError> {
        // A repeated submission is recognized by its key in the write's
        // own transaction (`KeyTaken` below), not by a read before every
        // first one: its photo is stored under its hash, so a repeat
        // stores nothing new.
        let idempotency = input.idempotency();
        let mut fields = Fields::new();
        let category = self.report_category(input.service_code.trim());
        if input.service_code.trim().is_empty() {
            fields.push("service_code", "required");
        } else if category.is_none() {
            fields.push("service_code", "service-code-unknown");
        }
        let address = field_text(&mut fields, "address_string", &input.address, 500);
        let location = if input.lat.trim().is_empty() && input.long.trim().is_empty() {
            match &address {
                None => {
                    fields.push("lat", "location-required");
                    None
                }
                Some(address) => {
                    let placed = self.place_address(address).await?;
                    if placed.is_none() {
                        fields.push("address_string", "address-not-placed");
                    }
                    placed
                }
            }
        } else {
            match Location::parse(&input.lat, &input.long) {
                Ok(location) => Some(location),
                Err((field, code)) => {
                    fields.push(field, code);
                    None
                }
            }
        };
        let unit = match location {
            Some(location) => self.routing().await?.unit_at(location).cloned(),
            None => None,
        };
        if location.is_some() && unit.is_none() {
            fields.push("lat", "outside-boundaries");
        }
        let answers = category
            .as_ref()
            .and_then(|c| Answers::parse(c, &input.attributes, &mut fields));
        let description = field_text(&mut fields, "description", &input.description, 4000);
        let country = unit.as_ref().map_or(Country::Egypt, OrgUnit::country);
        let email = match input.email.trim() {
            "" => None,
            text => fields.check(
                "email",
                EmailAddress::parse(text).map(|e| e.as_str().to_owned()),
            ),
        };
        let phone = match input.phone.trim() {
            "" => None,
            text => fields.check(
                "phone",
                MobileNumber::parse(country, text).map(|m| m.as_e164().to_owned()),
            ),
        };
        let name = [input.first_name.trim(), input.last_name.trim()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let name = field_text(&mut fields, "first_name", &name, 200);
        let media_url = field_text(&mut fields, "media_url", &input.media_url, 2000);
        if let Some(url) = &media_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            fields.push("media_url", "url-invalid");
        }
        let photo = match input.photo.as_deref().filter(|b| !b.is_empty()) {
            Some(bytes) => fields.check("media", crate::photos::clean(bytes)),
            None => None,
        };
        let device_id = field_text(&mut fields, "device_id", &input.device_id, 200);
        let account_id = field_text(&mut fields, "account_id", &input.account_id, 200);
        fields.finish()?;
        let (Some(category), Some(location), Some(unit), Some(answers)) =
            (category, location, unit, answers)
        else {
            return Err(AppError::Internal("checked report fields missing".into()));
        };
        if let Intake::Staff(who) = intake {
            who.access
                .require(Permission::IntakeApplications, &unit.path)
                .or_else(|_| who.access.require(Permission::HandleReports, &unit.path))?;
        }
        let (photo_key, photo_type) = match photo {
            Some(photo) => {
                let (key, _) = self.blobs.put(photo.bytes).await?;
                (Some(key), Some(photo.content_type.to_owned()))
            }
            None => (None, None),
        };
        let calendar = self.calendar(unit.country()).await?;
        let expected_on = due(
            &calendar,
            self.today_in(unit.country()),
            category.resolution_working_days,
        )?;
        let token = crate::auth::random_token()?[..24].to_owned();
        let new = NewReport {
            token: token.clone(),
            category_code: category.code.clone(),
            unit_id: unit.id,
            department: category.department,
            description: description.unwrap_or_default(),
            lat: location.lat(),
            lon: location.lon(),
            address,
            answers: serde_json::to_string(answers.as_map())
                .map_err(|e| AppError::Internal(e.to_string()))?,
            photo_key,
            photo_type,
            media_url,
            channel: intake.channel(),
            api_key_id: match intake {
                Intake::Api { key_id } => Some(key_id),
                _ => None,
            },
            intake_user_id: match intake {
                Intake::Staff(who) => Some(who.user_id),
                _ => None,
            },
            reporter_name: name,
            reporter_email: email,
            reporter_phone: phone,
            device_id,
            account_id,
            requested_at: self.now(),
            expected_on,
            throttle: match intake {
                Intake::Web { client } => Some(self.settings.limits.submissions_of(client)),
                _ => None,
            },
            idempotency,
        };
        let inserted = self
            .store
            .insert_report(&new, new.intake_user_id, |id| {
                // The reporter's private link: only in their own acknowledgement.
                let link = self.public_link(&format!("/reports/{id}?key={token}"));
                notice(&category, ReportStatus::Open, None, link)
            })
            .await;
        let id = match inserted {
            Err(baladiya_store::StoreError::KeyTaken) => {
                let id = self.taken_by(new.idempotency.as_ref(), "report").await?;
                return self.submitted_report(id).await;
            }
            Err(baladiya_store::StoreError::Conflict(ErrorCode::ApiKeyInvalid)) => {
                if let Some(key_id) = new.api_key_id {
                    self.api_keys.forget(key_id);
                }
                return Err(AppError::Conflict(ErrorCode::ApiKeyInvalid));
            }
            other => other?,
        };
        Ok(SubmittedReport {
            id,
            token,
            unit,
            category,
            notified: new.reporter_email.is_some() || new.reporter_phone.is_some(),
        })
    }

    /// A report as its submission answered it, for a repeated submission
    /// or the confirmation page after the redirect.
    pub async fn submitted_report(&self, id: i64) -> Result<SubmittedReport, AppError> {
        let record = self.report(id).await?;
        let code = UnitCode::parse(&record.unit_code)
            .map_err(|_| AppError::Internal(format!("report {id} has a bad unit code")))?;
        let unit = self.unit_by_code(&code).await?.ok_or(AppError::NotFound)?;
        let category = self
            .report_category(&record.category_code)
            .ok_or(AppError::NotFound)?;
        Ok(SubmittedReport {
            id,
            token: record.token,
            unit,
            category,
            notified: record.reporter_email.is_some() || record.reporter_phone.is_some(),
        })
    }

    pub async fn report(&self, id: i64) -> Result<ReportRecord, AppError> {
        self.store.report(id).await?.ok_or(AppError::NotFound)
    }

    /// A report's history, oldest first, as anyone may read it: changes
    /// of status and merges, not who follows it.
    pub async fn report_history(&self, id: i64) -> Result<Vec<HistoryEntry>, AppError> {
        let mut history = self.store.history_of("report", id).await?;
        history.retain(|h| h.action != "report.followed");
        Ok(history)
    }

    /// `path` on the deployment's public address, when one is configured.
    fn public_link(&self, path: &str) -> Option<String> {
        self.settings
            .public_url
            .as_ref()
            .map(|url| format!("{url}{path}"))
    }

    pub async fn report_by_token(&self, token: &str) -> Result<Option<i64>, AppError> {
        Ok(self.store.report_id_by_token(token).await?)
    }

    /// Reports matching `query` (at most [`MAX_PAGE`]).
    pub async fn search_reports(
        &self,
        mut query: ReportQuery,
    ) -> Result<Vec<PublicReport>, AppError> {
        query.limit = query.limit.clamp(1, MAX_PAGE);
        Ok(self.store.search_reports(&query).await?)
    }

    /// Open reports of `category` near `location`, nearest first: shown to
    /// a reporter before submitting, so they can follow one instead.
    pub async fn nearby_open_reports(
        &self,
        category: &str,
        location: Location,
    ) -> Result<Vec<(PublicReport, f64)>, AppError> {
        let (low, high) = location.bounding_box(DUPLICATE_RADIUS_M);
        let candidates = self
            .store
            .search_reports(&ReportQuery {
                categories: vec![category.to_owned()],
                statuses: ReportStatus::OPEN.to_vec(),
                bbox: Some((low.lat(), low.lon(), high.lat(), high.lon())),
                limit: 50,
                ..ReportQuery::default()
            })
            .await?;
        let mut near: Vec<(PublicReport, f64)> = candidates
            .into_iter()
            .filter_map(|r| {
                let there = Location::new(r.lat, r.lon).ok()?;
                location
                    .is_near(there)
                    .then(|| (r, location.distance_m(there)))
            })
            .collect();
        near.sort_by(|a, b| a.1.total_cmp(&b.1));
        Ok(near)
    }

    /// Staff act on a report: the grant must cover the report's unit and
    /// department. Resolve and reject need a public note; merge needs the
    /// report kept (`MergeInto`).
    pub async fn act_on_report(
        &self,
        who: &Principal,
        id: i64,
        action: ReportAction,
        note: &str,
        expected_version: i64,
    ) -> Result<i64, AppError> {
        let report = self.report(id).await?;
        let path = baladiya_domain::org::UnitPath::decode(&report.unit_path)
            .ok_or_else(|| AppError::Internal("stored unit path".into()))?;
        let department = report.department;
        if !action.by_staff()
            || !who
                .access
                .can_in_department(Permission::HandleReports, &path, department)
        {
            return Err(AppError::Forbidden(baladiya_domain::access::Denied {
                permission: Permission::HandleReports,
            }));
        }
        let note = note.trim();
        if action.needs_note() && note.is_empty() {
            return Err(AppError::field("note", "note-required"));
        }
        if note.chars().count() > 2000 {
            return Err(AppError::field("note", "too-long"));
        }
        if let ReportAction::MergeInto(kept) = action {
            let target = self
                .store
                .report(kept)
                .await?
                .ok_or_else(|| AppError::field("duplicate_of", "report-unknown"))?;
            let target_path = baladiya_domain::org::UnitPath::decode(&target.unit_path)
                .ok_or_else(|| AppError::Internal("stored unit path".into()))?;
            let problem =
                if target.id == id || target.duplicate_of.is_some() || !target.status.is_open() {
                    Some("merge-target-invalid")
                } else if target.category_code != report.category_code {
                    Some("merge-target-other-category")
                } else if !who.access.can_in_department(
                    Permission::HandleReports,
                    &target_path,
                    target.department,
                ) {
                    Some("merge-target-forbidden")
                } else {
                    None
                };
            if let Some(code) = problem {
                return Err(AppError::field("duplicate_of", code));
            }
        }
        self.change_report(&report, &action, Some(who.user_id), note, expected_version)
            .await
    }

    /// Baladiya itself resolves a report (an alert whose readings came
    /// back), with a public note.
    pub(crate) async fn system_report_action(
        &self,
        report: &ReportRecord,
        note: &str,
    ) -> Result<i64, AppError> {
        self.change_report(report, &ReportAction::Resolve, None, note, report.version)
            .await
    }

    /// The reporter confirms a resolved report, or reopens it once. They
    /// prove it is theirs with the report's secret key: the Open311 token,
    /// given only to whoever submitted it (in the API answer, and as the
    /// private link on the page that confirms a report).
    pub async fn reporter_action(
        &self,
        id: i64,
        key: &str,
        action: ReportAction,
        note: &str,
    ) -> Result<i64, AppError> {
        let report = self.report(id).await?;
        if action.by_staff() {
            return Err(AppError::Conflict(ErrorCode::ActionNotAllowedNow));
        }
        if !crate::auth::same_secret(&report.token, key.trim()) {
            return Err(AppError::field("key", "not-the-reporter"));
        }
        self.change_report(&report, &action, None, note.trim(), report.version)
            .await
    }

    async fn change_report(
        &self,
        report: &ReportRecord,
        action: &ReportAction,
        actor_id: Option<i64>,
        note: &str,
        expected_version: i64,
    ) -> Result<i64, AppError> {
        let status = report.status;
        let before = ReportState {
            status,
            reopened: report.reopened,
            confirmed: report.confirmed,
        };
        let after = lifecycle::apply(before, action).map_err(AppError::Conflict)?;
        let category = self
            .report_category(&report.category_code)
            .ok_or_else(|| AppError::Internal(format!("category {}", report.category_code)))?;
        let now = self.now();
        let note = (!note.is_empty()).then(|| note.to_owned());
        let merge_into = match action {
            ReportAction::MergeInto(kept) => Some(*kept),
            _ => None,
        };
        let duplicate_of = merge_into.or(report.duplicate_of);
        let expected_on = if matches!(action, ReportAction::Reopen) {
            let country = self.store.unit(report.unit_id).await?.country();
            let calendar = self.calendar(country).await?;
            due(
                &calendar,
                self.today_in(country),
                category.resolution_working_days,
            )?
        } else {
            report.expected_on
        };
        let action_name = format!("report.{}", action.name());
        let change = ReportChange {
            status: after.status,
            status_note: note.clone().or_else(|| {
                (after.status == status)
                    .then(|| report.status_note.clone())
                    .flatten()
            }),
            reopened: after.reopened,
            confirmed: after.confirmed,
            duplicate_of,
            merge_into,
            closed_at: (!after.status.is_open()).then_some(report.closed_at.unwrap_or(now)),
            expected_on,
            event: NewEvent {
                at: now,
                actor_id,
                action: &action_name,
                entity: "report",
                entity_id: report.id,
                unit_id: Some(report.unit_id),
                detail: json!({
                    "from": status.as_str(),
                    "to": after.status.as_str(),
                    "note": note,
                    "duplicate_of": duplicate_of,
                }),
            },
            notify: (after.status != status).then(|| {
                let link = self.public_link(&format!("/reports/{}", report.id));
                (
                    "report_status",
                    notice(&category, after.status, note.as_deref(), link),
                )
            }),
        };
        Ok(self
            .store
            .update_report(report.id, expected_version, &change)
            .await?)
    }

    /// Adds a follower, told of every later change.
    pub async fn follow_report(&self, id: i64, contact: &str) -> Result<bool, AppError> {
        let report = self.report(id).await?;
        let country = self.store.unit(report.unit_id).await?.country();
        let contact = parse_contact(country, contact).map_err(|c| AppError::field("contact", c))?;
        Ok(self
            .store
            .follow_report(id, report.unit_id, &contact, self.now())
            .await?)
    }

    /// Reports for a staff member to handle, oldest first: those in the
    /// units (and departments) their grants cover, narrowed by `filter`.
    pub async fn report_inbox(
        &self,
        who: &Principal,
        filter: &ReportInboxFilter,
        limit: i64,
    ) -> Result<Vec<PublicReport>, AppError> {
        let mut found: Vec<PublicReport> = Vec::new();
        for grant in who
            .access
            .grants()
            .iter()
            .filter(|g| g.role.allows(Permission::HandleReports))
        {
            // The grant's area, narrowed to the unit asked for.
            let within = match &filter.unit {
                None => grant.unit.clone(),
                Some(unit) if unit.is_within(&grant.unit) => unit.clone(),
                Some(unit) if grant.unit.is_within(unit) => grant.unit.clone(),
                Some(_) => continue,
            };
            let department = match (grant.department, filter.department) {
                (Some(held), Some(asked)) if held != asked => continue,
                (held, asked) => asked.or(held),
            };
            let query = ReportQuery {
                within: vec![within],
                departments: department.into_iter().collect(),
                statuses: filter.statuses.clone(),
                limit,
                oldest_first: true,
                ..ReportQuery::default()
            };
            for record in self.store.search_reports(&query).await? {
                if !found.iter().any(|r| r.id == record.id) {
                    found.push(record);
                }
            }
        }
        found.sort_by_key(|r| (r.requested_at, r.id));
        found.truncate(limit.max(0) as usize);
        Ok(found)
    }

    /// Issues an Open311 API key allowed `per_minute` submissions. The key
    /// is shown once; only its hash is kept.
    pub async fn issue_api_key(&self, name: &str, per_minute: i64) -> Result<String, AppError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::field("name", "required"));
        }
        if !(1..=100_000).contains(&per_minute) {
            return Err(AppError::field("per_minute", "number-out-of-range"));
        }
        let key = crate::auth::random_token()?;
        self.store
            .insert_api_key(name, &key_hash(&key), per_minute, self.now())
            .await?;
        Ok(key)
    }

    pub async fn revoke_api_keys(&self, name: &str) -> Result<u64, AppError> {
        Ok(self.store.revoke_api_keys(name.trim(), self.now()).await?)
    }

    /// The id of a valid API key, or `api-key-invalid`. Its rate limit is
    /// counted when a report is recorded (`rate-limited` past it), and its
    /// revocation checked there too: a key once found is known by its
    /// hash without reading the database again on every submission.
    pub async fn api_key(&self, key: &str) -> Result<i64, AppError> {
        let hash = key_hash(key.trim());
        if let Some(id) = self.api_keys.get(&hash) {
            return Ok(id);
        }
        let id = self
            .store
            .api_key_id(&hash)
            .await?
            .ok_or(AppError::Conflict(ErrorCode::ApiKeyInvalid))?;
        self.api_keys.insert(hash, id);
        Ok(id)
    }
}

/// Words of administrative names that do not name a place.
const GENERIC_WORDS: &[&str] = &[
    "محافظه",
    "مركز",
    "ومدينه",
    "مدينه",
    "الوحده",
    "المحليه",
    "لقريه",
    "قريه",
    "حي",
    "امانه",
    "بلديه",
    "منطقه",
    "governorate",
    "markaz",
    "and",
    "city",
    "village",
    "local",
    "unit",
    "municipality",
    "sub",
    "amana",
    "region",
    "district",
];

/// The words that name a place, Arabic spellings folded.
fn place_words(text: &str) -> Vec<String> {
    normalize_arabic(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !GENERIC_WORDS.contains(w))
        .map(str::to_owned)
        .collect()
}

fn key_hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// What followers are told: the category and status in both languages.
fn notice(
    category: &ReportCategory,
    status: ReportStatus,
    note: Option<&str>,
    link: Option<String>,
) -> serde_json::Value {
    let mut told = json!({
        "service_ar": category.name.ar(),
        "service_en": category.name.en(),
        "status": status.as_str(),
        "comment": note,
    });
    if let Some(link) = link {
        told["link"] = json!(link);
    }
    told
}

/// The stored answers as a map.
pub fn stored_answers(report: &ReportRecord) -> BTreeMap<String, Vec<String>> {
    serde_json::from_str(&report.answers).unwrap_or_default()
}
