//! Where the catalog (services, report categories, indicators, boundaries,
//! search synonyms) comes from: a directory the deployment names, or the
//! default catalog built into the binary, so that `serve --demo` works
//! from any directory and `baladiya init` has something to start from.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use include_dir::{Dir, include_dir};

use crate::config::Config;

/// The catalog shipped with Baladiya (the repository's `catalog/`).
static BUILT_IN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../catalog");

/// A catalog directory to read: the deployment's, or the built-in one
/// unpacked into a temporary directory for as long as this value lives.
pub enum CatalogDir {
    Given(PathBuf),
    BuiltIn(tempfile::TempDir),
}

impl CatalogDir {
    /// The flag (or `BALADIYA_CATALOG`), else the config file's
    /// `catalog_dir`; without either, `./catalog` when it exists, else the
    /// built-in catalog.
    pub fn resolve(flag: Option<String>, config: &Config) -> Result<CatalogDir> {
        if let Some(dir) = flag.or(config.catalog_dir.clone()) {
            let dir = PathBuf::from(dir);
            if !dir.is_dir() {
                let shown = std::path::absolute(&dir).unwrap_or(dir);
                bail!(
                    "the catalog directory {} does not exist (set by --catalog, BALADIYA_CATALOG \
                     or catalog_dir in the config file; without them Baladiya uses ./catalog or \
                     its built-in catalog, and `baladiya init DIR` writes an editable copy)",
                    shown.display()
                );
            }
            return Ok(CatalogDir::Given(dir));
        }
        let local = PathBuf::from("catalog");
        if local.is_dir() {
            return Ok(CatalogDir::Given(local));
        }
        let unpacked = tempfile::Builder::new()
            .prefix("baladiya-catalog-")
            .tempdir()
            .context("unpacking the built-in catalog")?;
        BUILT_IN
            .extract(unpacked.path())
            .context("unpacking the built-in catalog")?;
        Ok(CatalogDir::BuiltIn(unpacked))
    }

    pub fn path(&self) -> &Path {
        match self {
            CatalogDir::Given(dir) => dir,
            CatalogDir::BuiltIn(dir) => dir.path(),
        }
    }

    /// How to say which catalog this is.
    pub fn describe(&self) -> String {
        match self {
            CatalogDir::Given(dir) => format!("the catalog in {}", dir.display()),
            CatalogDir::BuiltIn(_) => {
                "the built-in catalog (`baladiya init DIR` writes an editable copy)".to_owned()
            }
        }
    }
}

/// The commented configuration file `baladiya init` writes.
const CONFIG: &str = r#"# Baladiya's configuration. Every setting has a default: remove or comment
# out what you do not need. Command-line flags and BALADIYA_* environment
# variables win over this file.

# The database: a SQLite file (the default), or PostgreSQL for production.
database_url = "sqlite://baladiya.db"
# database_url = "postgres://baladiya:secret@db.internal/baladiya"

# Where the site listens. On loopback cookies are not marked Secure.
listen = "127.0.0.1:8080"
# secure_cookies = true

# Attachments and the notifications file.
data_dir = "baladiya-data"

# The service catalog, report categories, indicators and unit boundaries:
# edit the files there, check them with `baladiya catalog check catalog`,
# and restart to publish (a changed service becomes a new version).
catalog_dir = "catalog"

# Links in notifications and Open311's absolute URLs.
# public_url = "https://baladiya.example.gov.eg"

# The maps' base map: an MBTiles file of vector tiles (such as an extract
# of OpenStreetMap made with planetiler or tilemaker), served by Baladiya
# itself and drawn with MapLibre GL; or a raster tile server; without
# either the maps draw unit boundaries on a plain background.
# map_tiles_file = "/var/lib/baladiya/giza.mbtiles"
# map_tile_url = "https://tiles.example/{z}/{x}/{y}.png"
# map_tile_attribution = "© OpenStreetMap contributors"

# Notifications: each is written to data_dir/notifications.jsonl, and also
# posted to a webhook (an SMS gateway) and sent by e-mail when set.
# notifications_webhook = "http://sms-gateway.internal/notify"
# smtp_url = "smtp://mail.internal:25"
# smtp_from = "Baladiya <no-reply@baladiya.example>"

# digits = "arabic"            # dates in Arabic-Indic digits (default "western")
# privacy_contact = "dpo@baladiya.example.gov.eg"   # on the privacy notice
# log_format = "json"          # or "text"
# trust_forwarded_for = true   # behind a reverse proxy that sets X-Forwarded-For
# max_connections = 4096

# SensorThings over MQTT: the embedded broker listens here ("off": none),
# or give the deployment's broker.
# mqtt_listen = "0.0.0.0:1883"
# mqtt_url = "mqtt://baladiya:secret@broker.internal:1883"

# [limits]                          # per client, shared by every server
# sign_in_failures_per_name = 5     # per 15 minutes
# sign_in_failures_per_client = 20  # per 15 minutes
# submissions_per_client = 30       # anonymous reports and applications, per hour
# tracking_per_client = 60          # per 15 minutes
# tracking_failures_per_number = 10 # per 15 minutes

# [sensorthings]                    # what one SensorThings request may cost
# max_entities = 25000              # entities in one answer, expanded ones included
# scan_anonymous = 100000           # observations read to apply a filter in memory, anonymous
# scan_signed_in = 1000000          # the same with a device credential
# concurrent_scans = 2              # such filters at once; more are answered 503

# [sensors]                         # retention; without it everything is kept
# raw_days = 400                    # raw observations (their hourly figures stay)
# hour_days = 3650                  # hourly figures
"#;

/// `baladiya init DIR`: an editable copy of the built-in catalog and a
/// commented `baladiya.toml`; refuses to overwrite either.
pub fn init(dir: &Path) -> Result<()> {
    let catalog = dir.join("catalog");
    let config = dir.join("baladiya.toml");
    for path in [&catalog, &config] {
        if path.exists() {
            bail!(
                "{} already exists: nothing was written (init never overwrites)",
                path.display()
            );
        }
    }
    std::fs::create_dir_all(&catalog).with_context(|| format!("creating {}", catalog.display()))?;
    BUILT_IN
        .extract(&catalog)
        .with_context(|| format!("writing {}", catalog.display()))?;
    std::fs::write(&config, CONFIG).with_context(|| format!("writing {}", config.display()))?;
    println!("Wrote {} and {}.", catalog.display(), config.display());
    println!(
        "Next: cd {} && baladiya serve --demo   (or without --demo for an empty deployment)",
        dir.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_init_writes_is_a_valid_config() {
        let config: Config = toml::from_str(CONFIG).expect("valid");
        assert_eq!(config.catalog_dir.as_deref(), Some("catalog"));
        assert!(BUILT_IN.get_file("report-categories.toml").is_some());
    }
}
