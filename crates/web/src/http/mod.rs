//! The HTTP machinery every capability shares: the server and its state,
//! sign-in and sessions, the client's address, the language and its
//! translations, dates and numbers, errors as pages and as JSON, the JSON,
//! form, query and multipart extractors, idempotency keys, metrics, the
//! health check, the embedded assets, and what every page shows the same
//! way (`views`). Nothing here knows a capability: capabilities call into
//! it, never the reverse (`scripts/check-imports.py`).

pub mod assets;
pub mod auth;
pub mod client;
pub mod dates;
pub mod error;
pub mod health;
pub mod i18n;
pub mod idempotency;
pub mod json;
pub mod locale;
pub mod metrics;
pub mod multipart;
pub mod server;
pub mod state;
pub mod views;
