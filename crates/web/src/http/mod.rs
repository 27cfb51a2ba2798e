//! The HTTP machinery every capability shares: the server and its state,
//! sign-in and sessions, the client's address, the language and its
//! translations, dates and numbers, errors as pages and as JSON, the JSON,
//! form and query extractors, idempotency keys, metrics and the embedded
//! assets. Nothing here knows a capability: capabilities call into it,
//! never the reverse.

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
