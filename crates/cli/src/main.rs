//! `baladiya`: the one binary. Serve, migrate, administer.

mod catalog_dir;
mod config;
mod export;
mod memory;
mod simulate;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use baladiya_app::App;
use baladiya_app::attachments::Blobs;
use baladiya_app::auth::random_token;
use baladiya_app::catalog::Catalog;
use baladiya_app::citizens::SmsSender;
use baladiya_app::demo::{DEMO_ACCOUNTS, DEMO_PASSWORD};
use baladiya_app::notifications::Sender;
use baladiya_app::payments::GatewayConfig;
use baladiya_domain::indicators::Month;
use baladiya_store::Store;
use baladiya_web::simulated_gateway::SimulatedGateway;
use baladiya_web::{ServeOptions, WebConfig};
use clap::{Parser, Subcommand};

use crate::catalog_dir::CatalogDir;
use crate::config::{Config, LogFormat};

#[derive(Parser)]
#[command(
    name = "baladiya",
    version,
    about = "Baladiya — Arabic-first digital municipality platform"
)]
struct Cli {
    /// Configuration file (TOML). Default: ./baladiya.toml if it exists.
    #[arg(long, global = true, env = "BALADIYA_CONFIG")]
    config: Option<String>,
    /// Database URL: sqlite://PATH (default sqlite://baladiya.db) or postgres://…
    #[arg(long, global = true, env = "BALADIYA_DATABASE_URL")]
    database: Option<String>,
    /// Directory for attachments and the notification file. Default ./baladiya-data
    #[arg(long, global = true, env = "BALADIYA_DATA_DIR")]
    data_dir: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (migrates the database first).
    Serve {
        /// Address to listen on. Default 127.0.0.1:8080.
        #[arg(long, env = "BALADIYA_LISTEN")]
        listen: Option<String>,
        /// Load the demo data (if not loaded yet) and print the demo accounts.
        #[arg(long)]
        demo: bool,
        /// Service catalog directory. Default ./catalog if it exists, else the built-in catalog
        #[arg(long, env = "BALADIYA_CATALOG")]
        catalog: Option<String>,
    },
    /// Start a deployment in DIR: an editable copy of the built-in catalog
    /// (services, report categories, indicators, boundaries) and a commented
    /// baladiya.toml.
    Init {
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Work with service catalog files.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Import data files.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Write open data, anonymized, to a file or standard output.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Smart-city indicators.
    #[command(subcommand)]
    Indicators(IndicatorsCommand),
    /// Participatory budgeting.
    #[command(subcommand)]
    Participation(ParticipationCommand),
    /// Bring the database schema up to date.
    Migrate,
    /// Load the demo data without serving.
    Demo,
    /// Measure submissions and workflow actions per second through the
    /// HTTP API, and page latency with many applications, on SQLite and
    /// (with --postgres) PostgreSQL, beside the raw insert rate.
    Bench {
        /// A PostgreSQL URL; a throw-away schema is made in it.
        #[arg(long)]
        postgres: Option<String>,
        /// Seconds per measured phase.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Concurrent clients.
        #[arg(long, default_value_t = 8)]
        clients: usize,
        /// Applications in the database for the latency measurements.
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
        /// Requests measured for each latency.
        #[arg(long, default_value_t = 200)]
        samples: usize,
        #[arg(long, default_value = "catalog")]
        catalog: PathBuf,
        /// Where the JSON results are written; by default
        /// docs/benchmarks/DATE-SUITE.json.
        #[arg(long)]
        out: Option<PathBuf>,
        /// shop, reports, indicators, sensors, process, training, participation,
        /// footprint, crash or all.
        #[arg(long, default_value = "all")]
        suite: String,
        /// Citizen reports in the database for the Open311 search measurements.
        #[arg(long, default_value_t = 1_000_000)]
        reports: usize,
        /// Observations in the database for the SensorThings query measurements.
        #[arg(long, default_value_t = 10_000_000)]
        observations: usize,
        /// Events in the applications' log for the process-mining measurements.
        #[arg(long, default_value_t = 1_000_000)]
        events: usize,
    },
    /// Manage users, roles, org units and holidays.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Sensors: a simulator of the demo's meters and stations.
    #[command(subcommand)]
    Sensors(SensorsCommand),
}

#[derive(Subcommand)]
enum SensorsCommand {
    /// Publish realistic readings for every public datastream of a running
    /// Baladiya, with a pollution episode, a leak and a meter that stops.
    Simulate {
        /// Where Baladiya serves.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
        /// A device credential, USER:PASSWORD (serve --demo prints one).
        #[arg(long, env = "BALADIYA_SENSOR_CREDENTIAL")]
        credential: String,
        /// Publish over MQTT (mqtt://HOST:PORT, as serve prints) instead of HTTP.
        #[arg(long)]
        mqtt: Option<String>,
        /// Seconds between rounds.
        #[arg(long, default_value_t = 5.0)]
        every: f64,
        /// Stop after this many rounds (default: run until stopped).
        #[arg(long)]
        rounds: Option<u64>,
    },
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Check every service file of a catalog directory; report each problem
    /// with its file, line and field.
    Check { dir: String },
}

#[derive(Subcommand)]
enum IndicatorsCommand {
    /// Recompute the indicators Baladiya computes from its own records, for
    /// every unit: one month (`--period 2026-03`), or the last `--months`
    /// months up to this one. Idempotent; safe beside running servers.
    Recompute {
        #[arg(long)]
        period: Option<String>,
        #[arg(long, default_value_t = 1)]
        months: usize,
        /// Catalog directory (services and indicators). Default ./catalog if it exists, else the built-in catalog
        #[arg(long, env = "BALADIYA_CATALOG")]
        catalog: Option<String>,
    },
}

#[derive(Subcommand)]
enum ParticipationCommand {
    /// Count a participatory budget published in the pabulib format (any
    /// city's, or one Baladiya published) by a rule, and print the projects
    /// it selects: anyone can recount a result.
    Count {
        file: PathBuf,
        /// greedy, equalshares (the Method of Equal Shares with cost
        /// utilities) or equalshares/cardinal; /addN after either completes
        /// it, raising each voter's share by N until no money is left that
        /// could buy a supported project
        #[arg(long, default_value = "equalshares")]
        rule: String,
        /// Also write the budget with its result to this pabulib file: each
        /// project's votes and whether it was selected, and the rule in
        /// META (the open data of a result).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Org-unit boundaries: a GeoJSON FeatureCollection whose features have
    /// a `unit` property (unit code) and a Polygon or MultiPolygon geometry.
    Boundaries { file: PathBuf },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// The applications' history as a process-mining event log (IEEE XES):
    /// a trace per application, an event per step and action, with the
    /// department and role that acted, never a person.
    Events {
        /// xes (IEEE 1849-2016) or ocel (OCEL 2.0 JSON)
        #[arg(long, default_value = "xes")]
        format: String,
        /// applications, or reports (citizen reports, XES only: --service is
        /// then a report category and --channel web, api, staff or sensor)
        #[arg(long, default_value = "applications")]
        log: String,
        /// A service code, such as EG-BUILDING-PERMIT (every version).
        #[arg(long)]
        service: Option<String>,
        /// A unit code: that unit and everything below it.
        #[arg(long)]
        unit: Option<String>,
        /// Submitted on or after this day, YYYY-MM-DD.
        #[arg(long)]
        from: Option<String>,
        /// Submitted on or before this day, YYYY-MM-DD.
        #[arg(long)]
        to: Option<String>,
        /// online or counter.
        #[arg(long)]
        channel: Option<String>,
        /// Where to write; standard output if not given.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Citizen reports, as on /open-data/reports.{csv,geojson}, every page:
    /// no names or contacts, coordinates to about 11 metres.
    Reports {
        /// csv or geojson
        #[arg(long, default_value = "csv")]
        format: String,
        #[arg(long, default_value = "")]
        service_code: String,
        /// A status (open, in_progress…) or Open311's open / closed.
        #[arg(long, default_value = "")]
        status: String,
        /// A unit code: that unit and everything below it.
        #[arg(long, default_value = "")]
        unit: String,
        /// YYYY-MM-DD, inclusive.
        #[arg(long, default_value = "")]
        from: String,
        #[arg(long, default_value = "")]
        to: String,
        /// Language of category names in GeoJSON: ar or en.
        #[arg(long, default_value = "ar")]
        lang: String,
        /// Catalog directory with report-categories.toml. Default ./catalog if it exists, else the built-in catalog
        #[arg(long, env = "BALADIYA_CATALOG")]
        catalog: Option<String>,
        /// Where to write; standard output if not given.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Indicator values, as on /open-data/indicators.csv: computed ones and
    /// approved entered ones, with their numerators and denominators.
    Indicators {
        /// An indicator code, such as "EC: I: WS: 1C".
        #[arg(long)]
        indicator: Option<String>,
        /// A unit code: that unit and everything below it.
        #[arg(long)]
        unit: Option<String>,
        /// A month, YYYY-MM.
        #[arg(long)]
        period: Option<String>,
        /// Catalog directory (for the indicator catalog). Default ./catalog if it exists, else the built-in catalog
        #[arg(long, env = "BALADIYA_CATALOG")]
        catalog: Option<String>,
        /// Where to write; standard output without it.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a staff user. The password is read from standard input
    /// (first line) or from BALADIYA_NEW_PASSWORD.
    CreateUser {
        #[arg(long)]
        username: String,
        #[arg(long)]
        full_name: String,
    },
    /// Grant a role on a unit (and everything below it).
    Grant {
        #[arg(long)]
        username: String,
        /// clerk, department_officer, unit_head, governorate_viewer or administrator
        #[arg(long)]
        role: String,
        /// Unit code, such as EG-GZ-BDR
        #[arg(long)]
        unit: String,
        /// Limit the role to one department kind, such as engineering
        #[arg(long)]
        department: Option<String>,
    },
    /// Create an org unit.
    CreateUnit {
        #[arg(long)]
        code: String,
        /// governorate, markaz, city, district, village, region, amana, municipality, sub_municipality
        #[arg(long)]
        kind: String,
        #[arg(long)]
        name_ar: String,
        #[arg(long)]
        name_en: String,
        #[arg(long)]
        parent: Option<String>,
    },
    /// Add a department to a unit.
    AddDepartment {
        #[arg(long)]
        unit: String,
        #[arg(long)]
        kind: String,
        #[arg(long)]
        name_ar: String,
        #[arg(long)]
        name_en: String,
    },
    /// Issue an Open311 API key for a client that submits reports. The key
    /// is printed once; only its hash is stored.
    ApiKey {
        /// Who the key is for, such as "Giza citizen app".
        #[arg(long)]
        name: String,
        /// Submissions allowed per minute.
        #[arg(long, default_value_t = 60)]
        per_minute: i64,
    },
    /// Revoke every Open311 API key of this name.
    RevokeApiKey {
        #[arg(long)]
        name: String,
    },
    /// Issue a SensorThings credential for a device or an integrator (or a
    /// new secret for an existing one), printed once as USER:PASSWORD: HTTP
    /// Basic (or the password as a bearer token), and MQTT user and password.
    /// It writes to the places of one unit and below it, or of every unit;
    /// it never deletes, nor makes a datastream private or public (staff do,
    /// with their API token).
    SensorCredential {
        /// Letters, digits, - _ and . only, such as "meter-gateway".
        #[arg(long)]
        username: String,
        /// The unit whose places it writes to (and those of the units below).
        #[arg(long, conflicts_with = "all_units")]
        unit: Option<String>,
        /// Writes to the places of every unit (an integrator of the whole
        /// deployment).
        #[arg(long)]
        all_units: bool,
    },
    /// Revoke a device's SensorThings credential.
    RevokeSensorCredential {
        #[arg(long)]
        username: String,
    },
    /// Add (or rename) a public holiday of a country (EG or SA).
    Holiday {
        #[arg(long)]
        country: String,
        /// YYYY-MM-DD
        #[arg(long)]
        day: String,
        #[arg(long)]
        name_ar: String,
        #[arg(long)]
        name_en: String,
    },
    /// Record a unit's reference data for a year (the denominators of
    /// indicators): population, households, area.
    Reference {
        #[arg(long)]
        unit: String,
        #[arg(long)]
        year: i64,
        #[arg(long)]
        population: Option<i64>,
        #[arg(long)]
        households: Option<i64>,
        #[arg(long)]
        area_km2: Option<f64>,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = Config::load(cli.config.as_deref()).and_then(|config| {
        init_logging(config.log_format);
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .context("starting the async runtime")?
            .block_on(run(cli, config))
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            // The chain of causes, without a backtrace: this is for people,
            // so a cause already said by the one before it is not repeated.
            let mut said = error.to_string();
            for cause in error.chain().skip(1) {
                let cause = cause.to_string();
                if !said.contains(&cause) {
                    said = format!("{said}: {cause}");
                }
            }
            eprintln!("error: {said}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("BALADIYA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,rumqttd=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

async fn open(url: &str) -> Result<Store> {
    let store = Store::connect(url).await.map_err(|error| {
        let hint = database_hint(url, &error.to_string());
        anyhow::Error::new(error).context(format!("opening the database {}{hint}", redact(url)))
    })?;
    let version = store.migrate().await?;
    tracing::info!(
        engine = store.engine().as_str(),
        schema_version = version,
        "database ready"
    );
    Ok(store)
}

/// What to check when a database cannot be opened.
fn database_hint(url: &str, error: &str) -> String {
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or(url.strip_prefix("sqlite:"))
    {
        let file = Path::new(path.split('?').next().unwrap_or(path));
        let dir = file.parent().filter(|d| !d.as_os_str().is_empty());
        return match dir {
            Some(dir) if !dir.is_dir() => format!(
                " (the directory {} does not exist: create it, or give another path)",
                dir.display()
            ),
            _ => " (check that Baladiya may create and write the file there)".to_owned(),
        };
    }
    if error.contains("does not exist") {
        let name = url.rsplit('/').next().unwrap_or("").split('?').next();
        return format!(
            " (create the database first, such as `createdb {}`, or fix the name in the URL)",
            name.unwrap_or("NAME")
        );
    }
    if error.contains("password authentication") || error.contains("authentication") {
        return " (check the user name and password in the URL)".to_owned();
    }
    " (is PostgreSQL running, and listening at the host and port of the URL?)".to_owned()
}

/// Hides a password in a database URL before it is printed.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

async fn run(cli: Cli, config: Config) -> Result<()> {
    let database = cli
        .database
        .or(config.database_url.clone())
        .unwrap_or_else(|| "sqlite://baladiya.db".to_owned());
    let data_dir = PathBuf::from(
        cli.data_dir
            .or(config.data_dir.clone())
            .unwrap_or_else(|| "baladiya-data".to_owned()),
    );
    let app = |store: Store| -> Result<App> {
        let blobs = Blobs::local(&data_dir.join("attachments")).map_err(app_error)?;
        let mut app = App::new(store, blobs);
        app.settings.public_url = config
            .public_url
            .as_deref()
            .map(|url| url.trim_end_matches('/').to_owned());
        app.settings.limits = config.limits;
        app.settings.sensor_retention = config.sensors;
        app.settings.oidc = config.oidc.clone();
        app.settings.sms = Some(match &config.sms_url {
            Some(url) => SmsSender::http(url, config.sms_token.clone()).map_err(app_error)?,
            None => SmsSender::File(
                config
                    .sms_file
                    .clone()
                    .map_or_else(|| data_dir.join("sms.jsonl"), PathBuf::from),
            ),
        });
        Ok(app)
    };
    match cli.command {
        Command::Serve {
            listen,
            demo,
            catalog,
        } => {
            let listen = listen
                .or(config.listen.clone())
                .unwrap_or_else(|| "127.0.0.1:8080".to_owned());
            // `localhost:8080` too; the port is taken before anything is
            // loaded, so a busy port fails at once and creates nothing.
            let addrs: Vec<SocketAddr> = std::net::ToSocketAddrs::to_socket_addrs(&listen)
                .ok()
                .map(Iterator::collect)
                .filter(|a: &Vec<SocketAddr>| !a.is_empty())
                .with_context(|| {
                    format!("--listen {listen:?} is not an address like 127.0.0.1:8080")
                })?;
            let listener = std::net::TcpListener::bind(&addrs[..])
                .with_context(|| format!("listening on {listen}"))?;
            listener.set_nonblocking(true)?;
            // A wrong catalog is said before anything is created.
            let catalog = CatalogDir::resolve(catalog, &config)?;
            let services = load_catalog(catalog.path())?;
            let app = app(open(&database).await?)?;
            serve(
                app,
                (&catalog, services),
                listener,
                demo,
                &config,
                &data_dir,
            )
            .await
        }
        Command::Bench {
            postgres,
            seconds,
            clients,
            rows,
            samples,
            catalog,
            out,
            suite,
            reports,
            observations,
            events,
        } => {
            baladiya_bench::run(baladiya_bench::BenchOptions {
                report_categories: load_report_categories(&catalog)?,
                indicators: load_indicators(&catalog)?,
                postgres,
                seconds,
                clients,
                rows,
                samples,
                catalog,
                out: out.unwrap_or_else(|| {
                    PathBuf::from(format!(
                        "docs/benchmarks/{}-{suite}.json",
                        chrono::Utc::now().format("%Y-%m-%d")
                    ))
                }),
                suite,
                reports,
                observations,
                events,
            })
            .await
        }
        Command::Init { dir } => catalog_dir::init(&dir),
        Command::Participation(ParticipationCommand::Count { file, rule, out }) => {
            recount(&file, &rule, out.as_deref())
        }
        Command::Catalog(CatalogCommand::Check { dir }) => {
            let catalog = load_catalog(Path::new(&dir))?;
            let latest = catalog.latest();
            println!(
                "{} service files, {} services: all valid.",
                catalog.services.len(),
                latest.len()
            );
            for published in latest.values() {
                let s = &published.service;
                println!(
                    "  {:<34} v{:<3} {}  {}",
                    s.code.as_str(),
                    s.version,
                    s.country.code(),
                    s.name.ar()
                );
            }
            let help = load_help(Path::new(&dir), &catalog)?;
            println!(
                "{} technology centers and {} questions: all valid.",
                help.centers.len(),
                help.questions.len()
            );
            check_report_data(Path::new(&dir))
        }
        Command::Migrate => {
            let store = open(&database).await?;
            println!(
                "{} schema is at version {}",
                store.engine().as_str(),
                store.schema_version().await?
            );
            store.close().await;
            Ok(())
        }
        Command::Sensors(SensorsCommand::Simulate {
            url,
            credential,
            mqtt,
            every,
            rounds,
        }) => {
            let (user, secret) = credential
                .split_once(':')
                .context("--credential is USER:PASSWORD")?;
            if !(every.is_finite() && every >= 0.01) {
                anyhow::bail!("--every is a number of seconds, at least 0.01");
            }
            let published = simulate::run(simulate::Options {
                url,
                user: user.to_owned(),
                secret: secret.to_owned(),
                mqtt,
                every: std::time::Duration::from_secs_f64(every),
                rounds,
            })
            .await?;
            println!("Published {published} observations.");
            Ok(())
        }
        Command::Indicators(IndicatorsCommand::Recompute {
            period,
            months,
            catalog,
        }) => {
            let catalog = CatalogDir::resolve(catalog, &config)?;
            let app = app(open(&database).await?)?;
            app.publish_catalog(&load_catalog(catalog.path())?)
                .await
                .map_err(app_error)?;
            app.set_indicators(load_indicators(catalog.path())?);
            let last = match period {
                Some(text) => Month::parse(&text).map_err(|_| {
                    anyhow::anyhow!("--period {text:?}: use YYYY-MM, such as 2026-03")
                })?,
                None => Month::of(app.now().date_naive()),
            };
            let result = recompute(&app, &last.last(months.max(1))).await;
            app.store.close().await;
            result
        }
        Command::Import(ImportCommand::Boundaries { file }) => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let app = app(open(&database).await?)?;
            let result = app.import_boundaries(None, &text).await;
            app.store.close().await;
            let count =
                result.map_err(|e| anyhow::anyhow!("{}: {}", file.display(), app_error(e)))?;
            println!("Imported the boundaries of {count} units.");
            Ok(())
        }
        Command::Export(ExportCommand::Reports {
            format,
            service_code,
            status,
            unit,
            from,
            to,
            lang,
            catalog,
            out,
        }) => {
            let catalog = CatalogDir::resolve(catalog, &config)?;
            let app = app(open(&database).await?)?;
            if let Some(categories) = load_report_categories(catalog.path())? {
                app.set_report_categories(categories);
            }
            let filters = baladiya_web::open_data::ExportQuery {
                service_code,
                status,
                unit,
                from,
                to,
                page: None,
            };
            let writer: Box<dyn std::io::Write> = match &out {
                Some(path) => Box::new(
                    std::fs::File::create(path)
                        .with_context(|| format!("creating {}", path.display()))?,
                ),
                None => Box::new(std::io::stdout().lock()),
            };
            let result = export::reports(&app, &filters, &format, &lang, writer).await;
            app.store.close().await;
            let count = result?;
            eprintln!("Exported {count} reports.");
            Ok(())
        }
        Command::Export(ExportCommand::Events {
            format,
            log,
            service,
            unit,
            from,
            to,
            channel,
            out,
        }) => {
            let Some(format) = baladiya_web::event_log::LogFormat::parse(&format) else {
                bail!("--format {format:?}: use xes or ocel");
            };
            let (from, to) = baladiya_web::event_log::period(from.as_deref(), to.as_deref())
                .map_err(app_error)?;
            let app = app(open(&database).await?)?;
            let query = baladiya_app::process::LogQuery {
                service,
                unit,
                channel,
                from,
                to,
            };
            let reports = match log.as_str() {
                "applications" => false,
                "reports" if format == baladiya_web::event_log::LogFormat::Xes => true,
                "reports" => bail!("--log reports is written as XES only"),
                other => bail!("--log {other:?}: use applications or reports"),
            };
            let result = export::events(&app, &query, format, reports, out.as_deref()).await;
            app.store.close().await;
            let (cases, events) = result?;
            let what = if reports {
                "citizen reports"
            } else {
                "applications"
            };
            eprintln!("Exported {cases} {what} with {events} events.");
            Ok(())
        }
        Command::Export(ExportCommand::Indicators {
            indicator,
            unit,
            period,
            catalog,
            out,
        }) => {
            let catalog = CatalogDir::resolve(catalog, &config)?;
            let app = app(open(&database).await?)?;
            app.set_indicators(load_indicators(catalog.path())?);
            let result = app
                .published_values(indicator.as_deref(), unit.as_deref(), period.as_deref())
                .await;
            app.store.close().await;
            let rows = result.map_err(app_error)?;
            let writer: Box<dyn std::io::Write> = match &out {
                Some(path) => Box::new(
                    std::fs::File::create(path)
                        .with_context(|| format!("creating {}", path.display()))?,
                ),
                None => Box::new(std::io::stdout().lock()),
            };
            let mut csv = csv::Writer::from_writer(writer);
            csv.write_record(baladiya_web::indicators::CSV_HEADER)?;
            for row in &rows {
                csv.write_record(baladiya_web::indicators::csv_record(row))?;
            }
            csv.flush()?;
            eprintln!("Exported {} indicator values.", rows.len());
            Ok(())
        }
        Command::Demo => {
            let app = app(open(&database).await?)?;
            load_demo(&app).await?;
            app.store.close().await;
            Ok(())
        }
        Command::Admin(command) => {
            let app = app(open(&database).await?)?;
            let result = admin(&app, command).await;
            app.store.close().await;
            result
        }
    }
}

async fn load_demo(app: &App) -> Result<()> {
    if app.load_demo().await.map_err(app_error)? {
        println!("Demo data loaded.");
    }
    println!("Demo accounts (password: {DEMO_PASSWORD}):");
    for account in DEMO_ACCOUNTS {
        println!(
            "  {:<16} {:<20} {:<14} {}",
            account.username,
            account.role,
            account.unit,
            account.department.unwrap_or("")
        );
    }
    Ok(())
}

fn app_error(error: baladiya_app::AppError) -> anyhow::Error {
    match error {
        baladiya_app::AppError::Invalid(fields) => {
            let list: Vec<String> = fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.code))
                .collect();
            anyhow::anyhow!("invalid input — {}", list.join(", "))
        }
        other => anyhow::anyhow!("{} ({})", other, other.code().as_str()),
    }
}

async fn admin(app: &App, command: AdminCommand) -> Result<()> {
    match command {
        AdminCommand::CreateUser {
            username,
            full_name,
        } => {
            let password = read_password()?;
            let id = app
                .create_user(None, &username, &full_name, &password)
                .await
                .map_err(app_error)?;
            println!("Created user {username} (id {id}).");
        }
        AdminCommand::Grant {
            username,
            role,
            unit,
            department,
        } => {
            app.grant_role(None, &username, &role, &unit, department.as_deref())
                .await
                .map_err(app_error)?;
            println!("Granted {role} on {unit} to {username}.");
        }
        AdminCommand::CreateUnit {
            code,
            kind,
            name_ar,
            name_en,
            parent,
        } => {
            let form = baladiya_app::admin::UnitForm {
                code,
                kind,
                name_ar,
                name_en,
                parent_code: parent,
            };
            let unit = app.create_unit(None, &form).await.map_err(app_error)?;
            println!("Created unit {} (id {}).", unit.code, unit.id);
        }
        AdminCommand::AddDepartment {
            unit,
            kind,
            name_ar,
            name_en,
        } => {
            app.create_department(None, &unit, &kind, &name_ar, &name_en)
                .await
                .map_err(app_error)?;
            println!("Added department {kind} to {unit}.");
        }
        AdminCommand::ApiKey { name, per_minute } => {
            let key = app
                .issue_api_key(&name, per_minute)
                .await
                .map_err(app_error)?;
            println!("Open311 API key for {name} ({per_minute}/minute): {key}");
        }
        AdminCommand::RevokeApiKey { name } => {
            let count = app.revoke_api_keys(&name).await.map_err(app_error)?;
            println!("Revoked {count} API key(s) named {name}.");
        }
        AdminCommand::SensorCredential {
            username,
            unit,
            all_units,
        } => {
            if unit.is_none() && !all_units {
                anyhow::bail!(
                    "say where the credential writes: --unit CODE (that unit and below), or --all-units"
                );
            }
            let secret = app
                .issue_sensor_credential(&username, unit.as_deref())
                .await
                .map_err(app_error)?;
            println!("{username}:{secret}");
        }
        AdminCommand::RevokeSensorCredential { username } => {
            app.revoke_sensor_credential(&username)
                .await
                .map_err(app_error)?;
            println!("Revoked the SensorThings credential of {username}.");
        }
        AdminCommand::Holiday {
            country,
            day,
            name_ar,
            name_en,
        } => {
            app.add_holiday(&country, &day, &name_ar, &name_en)
                .await
                .map_err(app_error)?;
            println!("Holiday {day} saved for {country}.");
        }
        AdminCommand::Reference {
            unit,
            year,
            population,
            households,
            area_km2,
        } => {
            app.set_unit_reference(None, &unit, year, population, households, area_km2)
                .await
                .map_err(app_error)?;
            println!("Reference data of {unit} for {year} saved.");
        }
    }
    Ok(())
}

fn read_password() -> Result<String> {
    if let Ok(password) = std::env::var("BALADIYA_NEW_PASSWORD") {
        return Ok(password);
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        bail!("no password given: pipe it on standard input or set BALADIYA_NEW_PASSWORD");
    }
    Ok(password)
}

/// Reads and checks a catalog directory; every problem is printed.
fn load_catalog(dir: &Path) -> Result<Catalog> {
    Catalog::load_dir(dir).map_err(|problems| {
        for problem in &problems {
            eprintln!("{problem}");
        }
        anyhow::anyhow!(
            "the service catalog in {} has {} problem(s)",
            dir.display(),
            problems.len()
        )
    })
}

/// The citizen-report categories of a catalog directory
/// (`report-categories.toml`), `None` if it has none; every problem of an
/// invalid file is printed and the file refused.
/// The indicator catalog of a catalog directory (`indicators/`), or none.
pub(crate) fn load_indicators(dir: &Path) -> Result<Vec<baladiya_domain::indicators::Indicator>> {
    let dir = dir.join("indicators");
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    baladiya_app::indicators::load_indicators(&dir).map_err(|problems| {
        for problem in &problems {
            eprintln!("{problem}");
        }
        anyhow::anyhow!("{} has {} problem(s)", dir.display(), problems.len())
    })
}

/// Recomputes the computed indicators of each month, saying how it goes.
async fn recompute(app: &App, months: &[Month]) -> Result<()> {
    for (i, month) in months.iter().enumerate() {
        let values = app.recompute_indicators(*month).await.map_err(app_error)?;
        println!("[{}/{}] {month}: {values} values", i + 1, months.len());
    }
    Ok(())
}

pub(crate) fn load_report_categories(
    dir: &Path,
) -> Result<Option<Vec<baladiya_domain::reports::ReportCategory>>> {
    let file = dir.join("report-categories.toml");
    if !file.exists() {
        return Ok(None);
    }
    let text =
        std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    baladiya_app::report_categories::parse_categories(&file, &text)
        .map(Some)
        .map_err(|problems| {
            for problem in &problems {
                eprintln!("{problem}");
            }
            anyhow::anyhow!("{} has {} problem(s)", file.display(), problems.len())
        })
}

/// The landmarks of a catalog directory (`landmarks.toml`), or none; every
/// problem of an invalid file is printed and the file refused.
fn load_landmarks(dir: &Path) -> Result<Vec<baladiya_app::landmarks::Landmark>> {
    let file = dir.join("landmarks.toml");
    if !file.exists() {
        return Ok(Vec::new());
    }
    let text =
        std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    baladiya_app::landmarks::parse_landmarks(&file, &text).map_err(|problems| {
        for problem in &problems {
            eprintln!("{problem}");
        }
        anyhow::anyhow!("{} has {} problem(s)", file.display(), problems.len())
    })
}

/// The help and contacts of a catalog directory (`help.toml`), or none;
/// every problem of an invalid file is printed and the file refused.
fn load_help(dir: &Path, catalog: &Catalog) -> Result<baladiya_app::help::Help> {
    let file = dir.join("help.toml");
    if !file.exists() {
        return Ok(baladiya_app::help::Help::default());
    }
    let text =
        std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    let codes: Vec<&str> = catalog
        .services
        .iter()
        .map(|s| s.service.code.as_str())
        .collect();
    baladiya_app::help::parse_help(&file, &text, &codes).map_err(|problems| {
        for problem in &problems {
            eprintln!("{problem}");
        }
        anyhow::anyhow!("{} has {} problem(s)", file.display(), problems.len())
    })
}

/// Checks the rest of a catalog directory, when present:
/// `report-categories.toml`, `indicators/` and `boundaries.geojson`.
fn check_report_data(dir: &Path) -> Result<()> {
    let mut failed = 0;
    let categories = dir.join("report-categories.toml");
    if categories.exists() {
        let text = std::fs::read_to_string(&categories)?;
        match baladiya_app::report_categories::parse_categories(&categories, &text) {
            Ok(list) => println!("{} report categories: all valid.", list.len()),
            Err(problems) => {
                for problem in &problems {
                    eprintln!("{problem}");
                }
                failed += problems.len();
            }
        }
    }
    let indicators = dir.join("indicators");
    if indicators.is_dir() {
        match baladiya_app::indicators::load_indicators(&indicators) {
            Ok(list) => println!("{} indicators: all valid.", list.len()),
            Err(problems) => {
                for problem in &problems {
                    eprintln!("{problem}");
                }
                failed += problems.len();
            }
        }
    }
    match load_landmarks(dir) {
        Ok(list) if !list.is_empty() => println!("{} landmarks: all valid.", list.len()),
        Ok(_) => {}
        Err(_) => failed += 1,
    }
    let boundaries = dir.join("boundaries.geojson");
    if boundaries.exists() {
        let text = std::fs::read_to_string(&boundaries)?;
        match baladiya_domain::boundaries::parse_boundaries(&text) {
            Ok(list) => println!("{} unit boundaries: all valid.", list.len()),
            Err(problems) => {
                for problem in &problems {
                    eprintln!("{}: {problem}", boundaries.display());
                }
                failed += problems.len();
            }
        }
    }
    if failed > 0 {
        bail!(
            "the report data in {} has {failed} problem(s)",
            dir.display()
        );
    }
    Ok(())
}

async fn serve(
    mut app: App,
    (catalog, services): (&CatalogDir, Catalog),
    listener: std::net::TcpListener,
    demo: bool,
    config: &Config,
    data_dir: &Path,
) -> Result<()> {
    let addr = listener.local_addr()?;
    // Online payments: the deployment's gateway, or the simulated one of
    // the demo (served here, reached through the same adapter).
    let simulated = match (&config.payments, demo) {
        (Some(p), _) => {
            let Some(public_url) = app.settings.public_url.clone() else {
                anyhow::bail!(
                    "[payments] needs public_url: the gateway is told to call back and return payers there"
                );
            };
            app.settings.gateway = Some(GatewayConfig {
                api_url: p.api_url.clone(),
                api_key: p.api_key.clone(),
                secret: p.secret.clone(),
                return_base: public_url,
            });
            None
        }
        (None, true) => {
            let (key, secret) = (
                random_token().map_err(app_error)?,
                random_token().map_err(app_error)?,
            );
            app.settings.gateway = Some(GatewayConfig {
                api_url: format!("http://{addr}/gateway/simulated/api"),
                api_key: key.clone(),
                secret: secret.clone(),
                // The demo's own address, unless it has a public one.
                return_base: app
                    .settings
                    .public_url
                    .clone()
                    .unwrap_or_else(|| format!("http://{addr}")),
            });
            Some(SimulatedGateway::new(key, secret))
        }
        (None, false) => None,
    };
    let catalog_dir = catalog.path();
    println!("Publishing {}.", catalog.describe());
    let published = app.publish_catalog(&services).await.map_err(app_error)?;
    if let Some(categories) = load_report_categories(catalog_dir)? {
        app.set_report_categories(categories);
    }
    app.set_landmarks(load_landmarks(catalog_dir)?);
    app.set_help(load_help(catalog_dir, &services)?);
    app.set_indicators(load_indicators(catalog_dir)?);
    tracing::info!(services = published, "catalog published");
    if demo {
        load_demo(&app).await?;
        let boundaries = catalog_dir.join("boundaries.geojson");
        if app.store.boundaries().await?.is_empty() && boundaries.exists() {
            let text = std::fs::read_to_string(&boundaries)?;
            let count = app
                .import_boundaries(None, &text)
                .await
                .map_err(app_error)?;
            println!("Demo boundaries of {count} units imported.");
        }
        let (applications, reports) = app.load_demo_history().await.map_err(app_error)?;
        if applications > 0 {
            println!(
                "Demo history: {applications} applications and {reports} citizen reports over the last 12 months; indicators at /indicators."
            );
        }
        let sessions = app.load_demo_training().await.map_err(app_error)?;
        if sessions > 0 {
            println!(
                "Demo training center: Saqqara's local development center with {sessions} sessions of this year's plan (past ones attended, tested and evaluated), at /training."
            );
        }
        let votes = app.load_demo_participation().await.map_err(app_error)?;
        if votes > 0 {
            println!(
                "Demo participation: Giza's 2027 participatory budget with voting open and {votes} votes cast online and at counters, and Badrashin's signed-off 2026 results, at /participate."
            );
        }
        let observations = app.load_demo_sensors().await.map_err(app_error)?;
        if observations > 0 {
            // The sensor-fed indicators (PM2.5, buildings' energy) and the
            // staff trained of the week's months.
            let this = Month::of(app.now().date_naive());
            for month in [this.previous(), this] {
                app.recompute_indicators(month).await.map_err(app_error)?;
            }
            println!(
                "Demo sensors: 6 places (buildings' meters, air quality, noise) with {observations} hourly readings of the last week, at /sta/v1.1/."
            );
        }
        app.revoke_api_keys("demo").await.map_err(app_error)?;
        let key = app.issue_api_key("demo", 60).await.map_err(app_error)?;
        println!("Open311 demo API key (60 submissions a minute): {key}");
        if let Some(SmsSender::File(path)) = &app.settings.sms {
            println!(
                "Citizen accounts: sign in at /account with 01012345678 (or any 01012345XXX); the code is written to {}.",
                path.display()
            );
        }
        let secret = app
            .issue_sensor_credential("demo-device", None)
            .await
            .map_err(app_error)?;
        println!(
            "SensorThings demo device credential (HTTP Basic at /sta/v1.1/): demo-device:{secret}"
        );
    }
    let mut senders =
        vec![Sender::File(config.notifications_file.clone().map_or_else(
            || data_dir.join("notifications.jsonl"),
            PathBuf::from,
        ))];
    if let Some(url) = &config.notifications_webhook {
        senders.push(Sender::webhook(url).map_err(app_error)?);
    }
    if let Some(url) = &config.smtp_url {
        let from = config
            .smtp_from
            .as_deref()
            .unwrap_or("Baladiya <no-reply@localhost>");
        senders.push(Sender::smtp(url, from).map_err(app_error)?);
    }
    tokio::spawn(deliver_notifications(app.clone(), senders));
    tokio::spawn(escalate_overdue(app.clone()));
    tokio::spawn(mix_ballot_boxes(app.clone()));
    tokio::spawn(recompute_indicators(app.clone()));
    tokio::spawn(purge_sensor_data(app.clone()));
    tokio::spawn(app.clone().watch_sensor_rules());
    tokio::spawn(memory::give_back_freed_memory());
    // SensorThings over MQTT: the deployment's broker, or an embedded one.
    // Several servers share a deployment broker's subscription.
    let (mqtt_url, shown, group, broker) = match (&config.mqtt_url, config.mqtt_listen.as_deref()) {
        (Some(url), _) => {
            let shown = url.rsplit_once('@').map_or(url.as_str(), |(_, at)| at);
            let shown = shown.trim_start_matches("mqtt://").to_owned();
            (
                Some(url.clone()),
                format!("mqtt://{shown}"),
                Some("baladiya".to_owned()),
                None,
            )
        }
        (None, Some("off")) => (None, String::new(), None, None),
        (None, listen) => {
            let fall_back = listen.is_none();
            let listen = listen.unwrap_or("127.0.0.1:1883");
            let listen: SocketAddr = listen.parse().with_context(|| {
                format!("mqtt_listen {listen:?} is not an address like 0.0.0.0:1883")
            })?;
            let broker = baladiya_web::embedded_broker(app.clone(), listen, fall_back)
                .await
                .map_err(anyhow::Error::msg)?;
            (
                Some(broker.client_url),
                format!(
                    "mqtt://{} (the embedded broker: devices sign in with their SensorThings credential)",
                    broker.addr
                ),
                None,
                Some(broker.health),
            )
        }
    };
    if let Some(url) = mqtt_url {
        // A deployment broker keeps the session's messages across
        // restarts: the same id each time, one per server (its ACL must
        // keep devices off `baladiya-` ids). The embedded one keeps none:
        // an id nobody can guess.
        let client_id = if broker.is_some() {
            format!("baladiya-{}", random_token().map_err(app_error)?)
        } else {
            let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into());
            format!("baladiya-{host}-{}", addr.port())
        };
        let task = baladiya_web::sensor_mqtt(app.clone(), &url, client_id, group)
            .map_err(|e| anyhow::anyhow!("mqtt_url: {e}"))?;
        tokio::spawn(task);
        println!("SensorThings over MQTT (topics v1.1/Datastreams(id)/Observations): {shown}");
    }
    let vector_tiles = match &config.map_tiles_file {
        Some(path) => {
            let tiles = baladiya_store::MbTiles::open(path)
                .await
                .with_context(|| format!("map_tiles_file {path}: not a readable MBTiles file"))?;
            println!(
                "Base map: {} ({} vector layers, zoom {}–{}) from {path}",
                if tiles.metadata.name.is_empty() {
                    "tiles"
                } else {
                    &tiles.metadata.name
                },
                tiles.metadata.vector_layers.len(),
                tiles.metadata.minzoom,
                tiles.metadata.maxzoom
            );
            Some(tiles)
        }
        None => None,
    };
    // The Prometheus scraper's token: the deployment's, or one made for
    // the demo and printed.
    let metrics_token = match (&config.metrics_token, demo) {
        (Some(token), _) => Some(token.clone()),
        (None, true) => {
            let token = random_token().map_err(app_error)?;
            println!(
                "Prometheus metrics: GET /metrics with the header \"Authorization: Bearer {token}\"."
            );
            Some(token)
        }
        (None, false) => None,
    };
    let web_config = WebConfig {
        vector_tiles,
        secure_cookies: config.secure_cookies.unwrap_or(!addr.ip().is_loopback()),
        map_tiles: config
            .map_tile_url
            .clone()
            .map(|url| (url, config.map_tile_attribution.clone().unwrap_or_default())),
        trust_forwarded_for: config.trust_forwarded_for,
        digits: config.digits,
        privacy_contact: config.privacy_contact.clone(),
        metrics_token,
        mqtt_broker: broker,
        hsts: config
            .public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://")),
        ..WebConfig::default()
    };
    let capabilities = baladiya_web::Capabilities {
        sta: config.sensorthings.clone(),
        simulated_gateway: simulated,
    };
    let router =
        baladiya_web::router(app.clone(), web_config, capabilities).map_err(anyhow::Error::msg)?;
    let listener = tokio::net::TcpListener::from_std(listener)
        .with_context(|| format!("listening on {addr}"))?;
    let local = listener.local_addr()?;
    tokio::spawn(purge_expired_sessions(app.clone()));
    let shutdown = shutdown_signal();
    println!(
        "Baladiya is serving on http://{local} ({})",
        app.store.engine().as_str()
    );
    let options = ServeOptions {
        max_connections: config
            .max_connections
            .unwrap_or(ServeOptions::default().max_connections),
        ..ServeOptions::default()
    };
    baladiya_web::serve(listener, router, &options, shutdown).await?;
    tracing::info!("stopped taking requests; closing the database");
    app.store.close().await;
    Ok(())
}

/// Sends the notification outbox every two seconds.
async fn deliver_notifications(app: App, senders: Vec<Sender>) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
    loop {
        tick.tick().await;
        let result = app.deliver_notifications(&senders).await;
        app.job_ran("deliver_notifications", result.is_ok());
        match result {
            Ok((0, 0)) => {}
            Ok((sent, failed)) => tracing::info!(sent, failed, "notifications delivered"),
            Err(error) => tracing::warn!(%error, "notification delivery failed"),
        }
    }
}

/// Refreshes this month's and last month's indicators every five minutes
/// (the first time at start, so a demo shows its figures at once): a month
/// is recomputed only when something happened since its last run, or an
/// hour went by.
async fn recompute_indicators(app: App) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(300));
    loop {
        tick.tick().await;
        let this = Month::of(app.now().date_naive());
        for month in [this.previous(), this] {
            let result = app.refresh_indicators(month).await;
            app.job_ran("refresh_indicators", result.is_ok());
            match result {
                Ok(Some(values)) => tracing::debug!(%month, values, "indicators recomputed"),
                Ok(None) => {}
                Err(error) => tracing::warn!(%error, %month, "could not recompute the indicators"),
            }
        }
    }
}

/// Applies the sensor data retention settings once a day.
async fn purge_sensor_data(app: App) {
    if app.settings.sensor_retention == Default::default() {
        return;
    }
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(24 * 3600));
    loop {
        tick.tick().await;
        let result = app.purge_sensor_data().await;
        app.job_ran("purge_sensor_data", result.is_ok());
        match result {
            Ok((observations, hours)) => {
                tracing::info!(observations, hours, "sensor data past retention removed")
            }
            Err(error) => tracing::warn!(%error, "could not apply sensor data retention"),
        }
    }
}

/// Mixes the ballot box every quarter of an hour while a process's voting
/// is open (see docs/ARCHITECTURE.md, "The secret ballot"), so that a copy
/// of the database taken during voting links no vote older than that.
async fn mix_ballot_boxes(app: App) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(900));
    loop {
        tick.tick().await;
        let result = app.mix_ballot_boxes_while_voting().await;
        app.job_ran("mix_ballot_boxes", result.is_ok());
        if let Err(error) = result {
            tracing::warn!(%error, "could not mix the ballot box");
        }
    }
}

/// Flags overdue applications for their unit heads every ten minutes.
async fn escalate_overdue(app: App) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        tick.tick().await;
        let result = app.escalate_overdue().await;
        app.job_ran("escalate_overdue", result.is_ok());
        match result {
            Ok(0) => {}
            Ok(n) => tracing::info!(escalated = n, "overdue applications escalated"),
            Err(error) => tracing::warn!(%error, "could not escalate overdue applications"),
        }
    }
}

/// Deletes expired sessions, day-old throttle windows and week-old
/// idempotency keys, and refreshes
/// planner statistics, every hour, so the tables do not grow forever.
async fn purge_expired_sessions(app: App) {
    let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        let result = app.store.delete_expired_sessions(app.now()).await;
        app.job_ran("purge_expired", result.is_ok());
        match result {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "expired sessions purged"),
            Err(error) => tracing::warn!(%error, "could not purge expired sessions"),
        }
        if let Err(error) = app
            .store
            .purge_throttles(app.now() - chrono::Duration::days(1))
            .await
        {
            tracing::warn!(%error, "could not purge old throttle windows");
        }
        if let Err(error) = app
            .store
            .purge_citizen_sign_ins(app.now(), app.now() - chrono::Duration::days(1))
            .await
        {
            tracing::warn!(%error, "could not purge citizens' old sign-ins");
        }
        // A retry comes within minutes; a week covers a client that was
        // offline for days.
        if let Err(error) = app
            .store
            .delete_idempotency_keys(app.now() - chrono::Duration::days(7))
            .await
        {
            tracing::warn!(%error, "could not purge old idempotency keys");
        }
        if let Err(error) = app.store.optimize().await {
            tracing::warn!(%error, "could not refresh the query planner's statistics");
        }
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
/// Ctrl-C or SIGTERM. The SIGTERM handler is installed when this is
/// called, not when first awaited: a service manager's stop that comes
/// right after the server said it is serving is still a graceful stop.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate());
    async move {
        let ctrl_c = async {
            if let Err(error) = tokio::signal::ctrl_c().await {
                tracing::error!(%error, "cannot listen for Ctrl-C");
                std::future::pending::<()>().await;
            }
        };
        #[cfg(unix)]
        let terminate = async {
            match terminate {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(error) => {
                    tracing::error!(%error, "cannot listen for SIGTERM");
                    std::future::pending::<()>().await;
                }
            }
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        tokio::select! {
            () = ctrl_c => {},
            () = terminate => {},
        }
        tracing::info!("shutdown requested: finishing requests in flight");
    }
}

/// `baladiya participation count FILE --rule RULE [--out FILE]`: the
/// projects a pabulib file's budget selects by the rule, with their cost
/// and votes; with `--out`, the budget and its result as a pabulib file.
fn recount(file: &Path, rule: &str, out: Option<&Path>) -> Result<()> {
    use baladiya_domain::participation::count::{Rule, Tally};
    use baladiya_domain::participation::pabulib::{Instance, MAX_BYTES};
    let Some(rule) = Rule::parse(rule) else {
        bail!(
            "--rule {rule}: use greedy, equalshares, equalshares/cardinal, or either with /addN (completion)"
        );
    };
    let size = std::fs::metadata(file)
        .with_context(|| format!("reading {}", file.display()))?
        .len();
    if size > MAX_BYTES as u64 {
        bail!("{} holds more than {MAX_BYTES} bytes", file.display());
    }
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let instance = Instance::parse(&text).with_context(|| format!("reading {}", file.display()))?;
    let projects = instance.project_list();
    let budget = instance.budget()?;
    let tally = Tally::new(&projects, budget, &instance.votes).map_err(anyhow::Error::msg)?;
    let outcome = tally.count(rule);
    println!(
        "{} ballots, {} projects, budget {budget}; by {}:",
        tally.ballots(),
        projects.len(),
        rule.pabulib_name()
    );
    for &p in &outcome.selected {
        println!(
            "  {:<12} {:>14} {:>8} votes  {}",
            projects[p].id,
            projects[p].cost,
            tally.votes()[p],
            instance.projects[p].name
        );
    }
    println!("spent {} of {budget}", outcome.spent);
    if let Some(out) = out {
        let selected: Vec<String> = outcome
            .selected
            .iter()
            .map(|&p| projects[p].id.clone())
            .collect();
        let mut counted = instance.clone();
        counted.meta.retain(|(k, _)| k != "rule");
        counted.meta.push(("rule".into(), rule.pabulib_name()));
        std::fs::write(out, counted.write(Some(&selected)))
            .with_context(|| format!("writing {}", out.display()))?;
        println!("written to {}", out.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords_in_urls() {
        assert_eq!(
            redact("postgres://app:secret@db:5432/b"),
            "postgres://app:***@db:5432/b"
        );
        assert_eq!(redact("postgres://app@db/b"), "postgres://app@db/b");
        assert_eq!(redact("sqlite://baladiya.db"), "sqlite://baladiya.db");
    }
}
