//! Use cases: what Baladiya does, independent of HTTP and HTML.
//!
//! Each use case takes the acting [`Principal`] (or none, for the operator
//! at the command line), checks permissions through
//! [`baladiya_domain::access::Access`], and calls the store.

pub mod admin;
pub mod applications;
pub mod attachments;
pub mod auth;
pub mod boundaries;
pub mod catalog;
pub mod demo;
mod error;
pub mod issuance;
pub mod notifications;
pub mod org;
pub mod photos;
pub mod report_categories;
pub mod reports;
pub mod services;

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
    router_cache: reports::RouterCache,
}

/// The citizen-report categories on offer, shared without copying.
pub type Categories = std::sync::Arc<Vec<baladiya_domain::reports::ReportCategory>>;

/// Security settings with safe defaults.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long a page session lasts.
    pub cookie_session_hours: i64,
    /// How long an API bearer token lasts.
    pub bearer_token_hours: i64,
    /// Failed logins allowed before the account is locked.
    pub lockout_threshold: i64,
    /// Where the public reaches this deployment, such as
    /// `https://baladiya.giza.gov.eg`, for links in notifications.
    pub public_url: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            cookie_session_hours: 12,
            bearer_token_hours: 24,
            lockout_threshold: 5,
            public_url: None,
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
            router_cache: Default::default(),
        }
    }

    /// Offers these citizen-report categories (replacing any before).
    pub fn set_report_categories(&self, categories: Vec<baladiya_domain::reports::ReportCategory>) {
        if let Ok(mut current) = self.report_categories.write() {
            *current = std::sync::Arc::new(categories);
        }
    }

    /// The citizen-report categories on offer.
    pub fn report_categories(&self) -> Categories {
        self.report_categories
            .read()
            .map(|c| c.clone())
            .unwrap_or_default()
    }

    pub fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
