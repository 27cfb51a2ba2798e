//! What one SensorThings request may cost: the entities an answer holds,
//! the observations read to apply a filter the database cannot, how many
//! such scans run at once, and the size of a stored entity. Reported in
//! the service document's `serverSettings`, so clients can see them.

use axum::http::StatusCode;
use baladiya_domain::ErrorCode;
use baladiya_domain::sensors::{entity, filter, query};
use serde::Deserialize;
use serde_json::{Value, json};

use super::StaError;

/// `[sensorthings]` in `baladiya.toml`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// The most entities one answer holds, expanded ones included.
    pub max_entities: usize,
    /// The most observations an anonymous request reads to apply a filter
    /// in memory.
    pub scan_anonymous: usize,
    /// The same for a request with a device credential.
    pub scan_signed_in: usize,
    /// How many requests scan observations in memory at once; more are
    /// answered `503` (so a few costly filters cannot take every core).
    pub concurrent_scans: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_entities: 25_000,
            scan_anonymous: 100_000,
            scan_signed_in: 1_000_000,
            concurrent_scans: 2,
        }
    }
}

impl Limits {
    /// The limits as `serverSettings` reports them.
    pub fn settings(&self) -> Value {
        json!({
            "maxEntitiesPerAnswer": self.max_entities,
            "maxTop": query::MAX_TOP,
            "maxExpandDepth": query::MAX_EXPAND_DEPTH,
            "maxExpandItems": query::MAX_EXPAND_ITEMS,
            "maxFilterCharacters": filter::MAX_CHARS,
            "maxFilterDepth": filter::MAX_DEPTH,
            "maxFilterNodes": filter::MAX_NODES,
            "maxFilterGeometryVertices": filter::MAX_VERTICES,
            "maxObservationsScannedAnonymous": self.scan_anonymous,
            "maxObservationsScannedSignedIn": self.scan_signed_in,
            "maxEntityBytes": entity::MAX_ENTITY_BYTES,
            "maxPatchOperations": entity::MAX_PATCH_OPERATIONS,
        })
    }
}

/// An entity's own properties within [`entity::MAX_ENTITY_BYTES`], as
/// JSON of `size` bytes.
pub fn check_size(what: &str, size: usize) -> Result<(), StaError> {
    if size > entity::MAX_ENTITY_BYTES {
        return Err(StaError {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            code: ErrorCode::PayloadTooLarge.as_str(),
            message: format!(
                "{what} would hold {size} bytes; an entity holds {} at most",
                entity::MAX_ENTITY_BYTES
            ),
        });
    }
    Ok(())
}

/// The size of a JSON value, written out.
pub fn json_size(value: &Value) -> usize {
    serde_json::to_vec(value).map_or(usize::MAX, |b| b.len())
}

/// The in-memory scans running now.
#[derive(Debug)]
pub struct Scans(tokio::sync::Semaphore);

impl Scans {
    pub fn new(limits: &Limits) -> Self {
        Scans(tokio::sync::Semaphore::new(limits.concurrent_scans.max(1)))
    }

    /// A place for one more scan, or `503` when they are all taken.
    pub fn enter(&self) -> Result<tokio::sync::SemaphorePermit<'_>, StaError> {
        self.0.try_acquire().map_err(|_| StaError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: ErrorCode::ServerBusy.as_str(),
            message: "other filters the database cannot apply are running; try again in a moment, or narrow the filter by phenomenonTime or result".into(),
        })
    }
}

/// What this server's SensorThings requests may spend: the limits, and
/// the places for in-memory scans.
#[derive(Debug)]
pub struct Budget {
    pub limits: Limits,
    pub scans: Scans,
}

impl Budget {
    pub fn new(limits: Limits) -> Self {
        Budget {
            scans: Scans::new(&limits),
            limits,
        }
    }
}
