//! Use cases: what Baladiya does, independent of HTTP and HTML.
//!
//! Each use case takes the acting [`Principal`] (or none, for the operator
//! at the command line), checks permissions through
//! [`baladiya_domain::access::Access`], and calls the store.

pub mod admin;
pub mod alerts;
pub mod applications;
pub mod assignment;
pub mod attachments;
pub mod auth;
pub mod boundaries;
pub mod calendars;
pub mod catalog;
pub mod citizens;
pub mod demo;
pub mod demo_history;
mod demo_lives;
mod demo_participation;
pub mod demo_sensors;
mod demo_training;
mod error;
#[cfg(test)]
mod fuzz;
pub mod help;
pub mod http;
pub mod idempotency;
pub mod indicators;
pub mod issuance;
pub mod jobs;
pub mod landmarks;
pub mod notifications;
pub mod oidc;
pub mod org;
pub mod participation;
pub mod participation_delivery;
pub mod participation_proposals;
pub mod payments;
pub mod photos;
pub mod process;
pub mod report_categories;
pub mod reports;
pub mod sensors;
pub mod services;
pub mod training;
pub mod training_certificates;
pub mod training_plan;
pub mod training_records;

use baladiya_store::Store;
use chrono::{DateTime, Utc};

pub use auth::{IssuedSession, Principal};
pub use error::AppError;

/// The application: the store, the attachments, the published catalog
/// and settings. Cheap to clone.
#[derive(Debug, Clone)]
pub struct App {
    pub store: Store,
    pub blobs: attachments::Blobs,
    pub settings: Settings,
    services: services::SharedIndex,
    report_categories: std::sync::Arc<std::sync::RwLock<Categories>>,
    landmarks: std::sync::Arc<std::sync::RwLock<std::sync::Arc<Vec<landmarks::Landmark>>>>,
    help: std::sync::Arc<std::sync::RwLock<std::sync::Arc<help::Help>>>,
    jobs: jobs::Jobs,
    calendars: calendars::Calendars,
    indicators: std::sync::Arc<std::sync::RwLock<Indicators>>,
    router_cache: reports::RouterCache,
    api_keys: reports::ApiKeys,
    hashing: auth::HashGate,
    /// New observations `(datastream, observation)`, for MQTT subscribers.
    sensor_events: tokio::sync::broadcast::Sender<(i64, i64)>,
    /// The participation roll's key, read once from beside the documents.
    roll_key: std::sync::Arc<tokio::sync::OnceCell<[u8; 32]>>,
}

/// The indicator catalog, shared without copying.
pub type Indicators = std::sync::Arc<Vec<baladiya_domain::indicators::Indicator>>;

/// The citizen-report categories on offer, shared without copying.
pub type Categories = std::sync::Arc<Vec<baladiya_domain::reports::ReportCategory>>;

/// Security settings with safe defaults.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long a page session lasts.
    pub cookie_session_hours: i64,
    /// How long an API bearer token lasts.
    pub bearer_token_hours: i64,
    /// Where the public reaches this deployment, such as
    /// `https://baladiya.giza.gov.eg`, for links in notifications.
    pub public_url: Option<String>,
    /// Per-client limits, shared by every server through the database.
    pub limits: Limits,
    /// How long sensor data are kept.
    pub sensor_retention: sensors::Retention,
    /// Where citizens' sign-in codes are sent.
    pub sms: Option<citizens::SmsSender>,
    /// The payment gateway fees are paid online through.
    pub gateway: Option<payments::GatewayConfig>,
    /// National sign-on providers citizens may sign in with.
    pub oidc: Vec<oidc::OidcProvider>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            cookie_session_hours: 12,
            bearer_token_hours: 24,
            public_url: None,
            limits: Limits::default(),
            sensor_retention: sensors::Retention::default(),
            sms: None,
            gateway: None,
            oidc: Vec::new(),
        }
    }
}

/// How much one client (an IP address; an IPv6 /64) may do. Each count is
/// per window: sign-in and tracking per 15 minutes, submissions per hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Wrong passwords for one username from one client before that name
    /// waits there (unknown names alike).
    pub sign_in_failures_per_name: i64,
    /// Wrong sign-ins from one client, whatever the name.
    pub sign_in_failures_per_client: i64,
    /// Reports and applications submitted without signing in (pages and
    /// API; Open311 clients have their keys' own limits).
    pub submissions_per_client: i64,
    /// Tracking look-ups from one client.
    pub tracking_per_client: i64,
    /// Wrong proofs for one tracking number, from anywhere.
    pub tracking_failures_per_number: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            sign_in_failures_per_name: 5,
            sign_in_failures_per_client: 20,
            submissions_per_client: 30,
            tracking_per_client: 60,
            tracking_failures_per_number: 10,
        }
    }
}

impl Limits {
    /// The throttle of anonymous submissions (reports and applications)
    /// from `client`: an hour's window.
    pub fn submissions_of(&self, client: &str) -> baladiya_store::Throttle {
        baladiya_store::Throttle::new(
            format!("submit:{client}"),
            self.submissions_per_client,
            chrono::Duration::hours(1),
        )
    }

    /// No practical limit: for benchmarks, which submit thousands a minute
    /// from one address.
    pub fn unlimited() -> Self {
        Self {
            sign_in_failures_per_name: i64::MAX,
            sign_in_failures_per_client: i64::MAX,
            submissions_per_client: i64::MAX,
            tracking_per_client: i64::MAX,
            tracking_failures_per_number: i64::MAX,
        }
    }
}

impl App {
    pub fn new(store: Store, blobs: attachments::Blobs) -> Self {
        Self {
            store,
            blobs,
            settings: Settings::default(),
            services: services::SharedIndex::default(),
            report_categories: Default::default(),
            landmarks: Default::default(),
            help: Default::default(),
            jobs: Default::default(),
            calendars: Default::default(),
            indicators: Default::default(),
            router_cache: Default::default(),
            api_keys: Default::default(),
            hashing: auth::HashGate::new(),
            // Room for bursts (a Data Array request writes a thousand at once).
            sensor_events: tokio::sync::broadcast::channel(16_384).0,
            roll_key: Default::default(),
        }
    }

    /// Says that an observation was stored (MQTT subscribers hear of it).
    pub fn observed(&self, datastream: i64, observation: i64) {
        // Nobody listening is fine.
        let _ = self.sensor_events.send((datastream, observation));
    }

    /// New observations from now on.
    pub fn sensor_events(&self) -> tokio::sync::broadcast::Receiver<(i64, i64)> {
        self.sensor_events.subscribe()
    }

    /// Offers these citizen-report categories (replacing any before).
    pub fn set_report_categories(&self, categories: Vec<baladiya_domain::reports::ReportCategory>) {
        if let Ok(mut current) = self.report_categories.write() {
            *current = std::sync::Arc::new(categories);
        }
    }

    /// Uses these landmarks (replacing any before).
    pub fn set_landmarks(&self, landmarks: Vec<landmarks::Landmark>) {
        if let Ok(mut current) = self.landmarks.write() {
            *current = std::sync::Arc::new(landmarks);
        }
    }

    /// Uses this help and these contacts (replacing any before).
    pub fn set_help(&self, help: help::Help) {
        if let Ok(mut current) = self.help.write() {
            *current = std::sync::Arc::new(help);
        }
    }

    /// Where citizens get help, and the answers to their questions.
    pub fn help(&self) -> std::sync::Arc<help::Help> {
        self.help.read().map(|h| h.clone()).unwrap_or_default()
    }

    /// The landmarks citizens may name.
    pub fn landmarks(&self) -> std::sync::Arc<Vec<landmarks::Landmark>> {
        self.landmarks.read().map(|l| l.clone()).unwrap_or_default()
    }

    /// The citizen-report categories on offer.
    pub fn report_categories(&self) -> Categories {
        self.report_categories
            .read()
            .map(|c| c.clone())
            .unwrap_or_default()
    }

    /// Uses this indicator catalog (replacing any before).
    pub fn set_indicators(&self, indicators: Vec<baladiya_domain::indicators::Indicator>) {
        if let Ok(mut current) = self.indicators.write() {
            *current = std::sync::Arc::new(indicators);
        }
    }

    /// The indicator catalog.
    pub fn indicators(&self) -> Indicators {
        self.indicators
            .read()
            .map(|c| c.clone())
            .unwrap_or_default()
    }

    pub fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
