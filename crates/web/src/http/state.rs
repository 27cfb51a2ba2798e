use std::sync::Arc;

use baladiya_app::App;

use crate::http::i18n::{I18n, Lang, Tr};

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (only sent over HTTPS). On by default; off
    /// when serving plain HTTP on a loopback address for local use.
    pub secure_cookies: bool,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// A map tile server for report maps, `(URL template, attribution)`,
    /// such as `https://tiles.example/{z}/{x}/{y}.png`. Without one, maps
    /// show unit boundaries and reports on a plain background.
    pub map_tiles: Option<(String, String)>,
    /// Behind a reverse proxy: count clients by the last address of
    /// `X-Forwarded-For` rather than by the proxy's own address.
    pub trust_forwarded_for: bool,
    /// A request must be answered within this time (its body read
    /// included), else `408 request-timeout`.
    pub request_timeout: std::time::Duration,
    /// Longest pause between two pieces of a request body.
    pub body_read_timeout: std::time::Duration,
    /// Served to browsers over HTTPS (behind a TLS proxy): send
    /// `Strict-Transport-Security`.
    pub hsts: bool,
    /// Western or Arabic-Indic digits in dates.
    pub digits: crate::http::dates::Digits,
    /// The deployment's own vector base map (an MBTiles file), served at
    /// `/tiles/` and drawn with MapLibre GL.
    pub vector_tiles: Option<baladiya_store::MbTiles>,
    /// Whom people ask about their personal data (an address or e-mail),
    /// shown on the privacy notice.
    pub privacy_contact: Option<String>,
    /// The bearer token a Prometheus scraper sends to `/metrics`; without
    /// one there is no `/metrics`.
    pub metrics_token: Option<String>,
    /// The embedded MQTT broker's health, when this server runs one.
    pub mqtt_broker: Option<crate::http::health::ServiceHealth>,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: true,
            max_body_bytes: 64 * 1024,
            map_tiles: None,
            trust_forwarded_for: false,
            request_timeout: std::time::Duration::from_secs(120),
            body_read_timeout: std::time::Duration::from_secs(15),
            hsts: false,
            digits: crate::http::dates::Digits::Western,
            privacy_contact: None,
            vector_tiles: None,
            metrics_token: None,
            mqtt_broker: None,
        }
    }
}

/// What every handler can reach: one pointer, so the copy each layer and
/// handler of a request takes is one reference count (cloning the fields
/// themselves — the App's settings among them — was a measurable part of a
/// trivial request's cost).
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

/// What [`AppState`] points to.
#[derive(Debug)]
pub struct Shared {
    pub app: App,
    pub i18n: Arc<I18n>,
    pub config: WebConfig,
    /// This router's request figures (see [`crate::http::metrics`]).
    pub metrics: crate::http::metrics::Metrics,
}

impl AppState {
    pub fn new(app: App, i18n: I18n, config: WebConfig) -> Self {
        Self(Arc::new(Shared {
            app,
            i18n: Arc::new(i18n),
            config,
            metrics: crate::http::metrics::Metrics::default(),
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    pub fn tr(&self, lang: Lang) -> Tr {
        Tr::new(lang, self.i18n.clone())
    }
}
