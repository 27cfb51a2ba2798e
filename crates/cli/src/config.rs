//! The optional configuration file. Command-line flags and environment
//! variables win over it; it wins over the defaults.

use anyhow::{Context, Result};
use serde::Deserialize;

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// `baladiya.toml`:
///
/// ```toml
/// database_url = "postgres://baladiya@db/baladiya"
/// listen = "0.0.0.0:8080"
/// secure_cookies = true   # default: true unless listening on loopback
/// log_format = "json"     # or "text"
/// data_dir = "/var/lib/baladiya"          # attachments, notifications file
/// catalog_dir = "/etc/baladiya/catalog"
/// notifications_webhook = "http://sms-gateway.internal/notify"
/// smtp_url = "smtp://mail.internal:25"
/// smtp_from = "Baladiya <no-reply@baladiya.example>"
/// sms_url = "https://sms-provider.example/api/send"   # citizens' sign-in codes: POST {"to","text"}
/// sms_token = "…"              # its bearer token; without sms_url codes go to DATA_DIR/sms.jsonl
/// public_url = "https://baladiya.giza.gov.eg"   # for links in notifications and Open311
/// map_tiles_file = "/var/lib/baladiya/giza.mbtiles"   # the maps' own vector base map, served offline
/// map_tile_url = "https://tiles.example/{z}/{x}/{y}.png"   # or a raster tile server; none by default
/// map_tile_attribution = "© OpenStreetMap contributors"
/// trust_forwarded_for = true   # behind a reverse proxy: clients by X-Forwarded-For
/// max_connections = 4096       # open at once (kept below the open-file limit)
/// digits = "arabic"            # dates in Arabic-Indic digits (default "western")
/// privacy_contact = "dpo@giza.gov.eg"   # on the privacy notice
/// mqtt_url = "mqtt://baladiya:secret@broker.internal:1883"   # SensorThings over the deployment's MQTT broker
/// metrics_token = "…"         # a Prometheus scraper's bearer token for /metrics (none: no /metrics)
/// mqtt_listen = "0.0.0.0:1883"  # without mqtt_url: the embedded broker ("off": none)
///
/// [limits]                     # per client, shared by every server
/// sign_in_failures_per_name = 5      # per 15 minutes
/// sign_in_failures_per_client = 20   # per 15 minutes
/// submissions_per_client = 30        # anonymous reports and applications, per hour
/// tracking_per_client = 60           # per 15 minutes
/// tracking_failures_per_number = 10  # per 15 minutes
///
/// [payments]                   # the payment gateway; --demo uses a simulated one
/// api_url = "https://gateway.example/api"
/// api_key = "…"
/// secret = "…"                 # callbacks are signed with it (HMAC-SHA256)
///
/// [[oidc]]                     # a national sign-on provider (OpenID Connect), one block each
/// key = "nafath"               # in its URLs: /account/oidc/nafath/callback is the redirect URI
/// name_ar = "نفاذ"
/// name_en = "Nafath"
/// issuer = "https://nafath.example.sa"   # discovery at {issuer}/.well-known/openid-configuration
/// client_id = "…"
/// client_secret = "…"
/// scopes = ["phone"]           # beyond openid (the default: a verified phone number ties the account)
/// redirect_url = "…"           # default {public_url}/account/oidc/{key}/callback
///
/// [sensorthings]               # what one SensorThings request may cost (these are the defaults)
/// max_entities = 25000         # entities in one answer, expanded ones included
/// scan_anonymous = 100000      # observations read to apply a filter the database cannot, anonymous
/// scan_signed_in = 1000000     # the same with a device credential
/// concurrent_scans = 2         # such filters at once; more are answered 503
///
/// [sensors]                    # retention; without it everything is kept
/// raw_days = 400               # raw observations (their hourly figures stay)
/// hour_days = 3650             # hourly figures (daily ones are made from them)
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub database_url: Option<String>,
    pub listen: Option<String>,
    pub secure_cookies: Option<bool>,
    pub data_dir: Option<String>,
    pub catalog_dir: Option<String>,
    /// JSON-lines file notifications are written to. Default DATA_DIR/notifications.jsonl
    pub notifications_file: Option<String>,
    /// Optional URL that receives every notification as a JSON POST.
    pub notifications_webhook: Option<String>,
    /// Optional SMTP relay for e-mail notifications, such as smtp://mail.local:25
    pub smtp_url: Option<String>,
    /// The sender of e-mail notifications, such as "بلدية <no-reply@baladiya.example>".
    pub smtp_from: Option<String>,
    /// An SMS provider's HTTP API for citizens' sign-in codes (POST of
    /// `{"to", "text"}`); without it codes are written to `sms_file`.
    pub sms_url: Option<String>,
    pub sms_token: Option<String>,
    /// JSON-lines file sign-in codes go to without an SMS provider. Default DATA_DIR/sms.jsonl
    pub sms_file: Option<String>,
    /// Where the public reaches this deployment: links in notifications
    /// (a reporter's private link) and Open311's absolute URLs use it.
    pub public_url: Option<String>,
    /// A tile server for report maps. Without one, maps draw unit
    /// boundaries and reports on a plain background (no network needed).
    pub map_tile_url: Option<String>,
    /// An MBTiles file of vector tiles: the maps' base map, served by
    /// Baladiya itself (`/tiles/`) and drawn with MapLibre GL.
    pub map_tiles_file: Option<String>,
    pub map_tile_attribution: Option<String>,
    #[serde(default)]
    pub log_format: LogFormat,
    /// Behind a reverse proxy: count clients by the last address of
    /// X-Forwarded-For (set it only when a proxy always sets that header).
    #[serde(default)]
    pub trust_forwarded_for: bool,
    pub max_connections: Option<usize>,
    /// Whom people ask about their personal data, on the privacy notice.
    pub privacy_contact: Option<String>,
    /// Digits in dates: `western` (default) or `arabic` (Arabic-Indic).
    #[serde(default)]
    pub digits: baladiya_web::dates::Digits,
    /// The deployment's MQTT broker for the SensorThings MQTT extension,
    /// `mqtt://[USER:PASSWORD@]HOST[:PORT]`.
    pub mqtt_url: Option<String>,
    /// The bearer token a Prometheus scraper sends to `/metrics`.
    pub metrics_token: Option<String>,
    /// Without `mqtt_url`, where the embedded MQTT broker listens
    /// (default 127.0.0.1:1883, or a free port if that one is taken);
    /// `off` runs none.
    pub mqtt_listen: Option<String>,
    #[serde(default)]
    pub limits: baladiya_app::Limits,
    #[serde(default)]
    pub sensors: baladiya_app::sensors::Retention,
    #[serde(default)]
    pub sensorthings: baladiya_web::StaLimits,
    /// The payment gateway fees are paid online through; without it (and
    /// without `--demo`, which uses the simulated one) fees are paid at
    /// the counter only.
    pub payments: Option<PaymentsConfig>,
    /// National sign-on providers citizens may sign in with.
    #[serde(default)]
    pub oidc: Vec<baladiya_app::oidc::OidcProvider>,
}

/// `[payments]`: a gateway with the common API shape (`POST
/// {api_url}/payments` with a bearer key, callbacks signed with the
/// shared secret).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentsConfig {
    pub api_url: String,
    pub api_key: String,
    pub secret: String,
}

impl Config {
    /// Each identity provider has a key fit for a URL, once, and a
    /// redirect URL of its own or from `public_url`.
    fn check_oidc(&self) -> Result<()> {
        for (i, provider) in self.oidc.iter().enumerate() {
            let key = &provider.key;
            if key.is_empty()
                || !key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                anyhow::bail!("[[oidc]] key {key:?}: lowercase letters, digits and - only");
            }
            if self.oidc[..i].iter().any(|p| &p.key == key) {
                anyhow::bail!("[[oidc]] key {key:?} is given twice");
            }
            if provider.redirect_url.is_none() && self.public_url.is_none() {
                anyhow::bail!("[[oidc]] {key}: set redirect_url, or public_url to derive it from");
            }
        }
        Ok(())
    }

    /// Reads `path`, or `./baladiya.toml` if no path is given and it exists.
    pub fn load(path: Option<&str>) -> Result<Config> {
        let (path, required) = match path {
            Some(path) => (path, true),
            None => ("baladiya.toml", false),
        };
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let config: Config =
                    toml::from_str(&text).with_context(|| format!("reading config file {path}"))?;
                config
                    .check_oidc()
                    .with_context(|| format!("reading config file {path}"))?;
                Ok(config)
            }
            Err(error) if !required && error.kind() == std::io::ErrorKind::NotFound => {
                Ok(Config::default())
            }
            Err(error) => Err(error).with_context(|| format!("reading config file {path}")),
        }
    }
}
