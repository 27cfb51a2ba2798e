//! Test helpers: fresh databases on both engines and `TestApp`, the real
//! server on port 0.

use std::net::SocketAddr;

use baladiya_app::App;
use baladiya_app::attachments::Blobs;
use baladiya_app::catalog::Catalog;
use baladiya_store::Store;
use baladiya_web::{ServeOptions, WebConfig};
use tokio::sync::oneshot;

pub const POSTGRES_ENV: &str = "BALADIYA_TEST_POSTGRES_URL";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A fresh, empty database. Keeps what must outlive the test (the
/// SQLite file's directory).
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    /// PostgreSQL: the schema made for this test, dropped by `TestApp::stop`.
    schema: Option<(String, String)>,
}

/// The PostgreSQL URL for tests, if configured. In CI it is always set,
/// so PostgreSQL tests never skip there.
pub fn postgres_url() -> Option<String> {
    std::env::var(POSTGRES_ENV).ok().filter(|u| !u.is_empty())
}

impl TestDb {
    /// `None` only for PostgreSQL when no server is configured.
    pub async fn new(engine: Engine) -> Option<TestDb> {
        match engine {
            Engine::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("baladiya.db").display());
                Some(TestDb {
                    url,
                    _dir: Some(dir),
                    schema: None,
                })
            }
            Engine::Postgres => {
                let Some(base) = postgres_url() else {
                    eprintln!("skipped on PostgreSQL: {POSTGRES_ENV} is not set");
                    return None;
                };
                // A schema of its own per test: fresh, and cheap to create.
                let schema = format!("t_{}", uuid_like());
                let admin = Store::connect(&base).await.expect("PostgreSQL reachable");
                admin
                    .recreate_schema(&schema, true)
                    .await
                    .expect("create schema");
                admin.close().await;
                let sep = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
                Some(TestDb {
                    url,
                    _dir: None,
                    schema: Some((base, schema)),
                })
            }
        }
    }

    pub async fn store(&self) -> Store {
        let store = Store::connect(&self.url).await.expect("connect");
        store.migrate().await.expect("migrate");
        store
    }
}

/// A random lowercase identifier, unique enough for schema names.
pub fn uuid_like() -> String {
    baladiya_app::auth::random_token().expect("randomness")[..16].to_owned()
}

/// The demo catalog shipped in `catalog/`.
pub fn demo_catalog() -> Catalog {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog");
    Catalog::load_dir(&dir).expect("the demo catalog is valid")
}

/// The demo unit boundaries shipped in `catalog/`.
pub fn demo_boundaries() -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog/boundaries.geojson"),
    )
    .expect("demo boundaries")
}

/// Limits and timeouts of a test server; the defaults are the product's.
#[derive(Debug, Clone)]
pub struct Tuning {
    pub limits: baladiya_app::Limits,
    pub serve: ServeOptions,
    pub request_timeout: std::time::Duration,
    pub body_read_timeout: std::time::Duration,
    /// A base map of vector tiles (see `basemap::tiles_file`).
    pub vector_tiles: Option<baladiya_store::MbTiles>,
    /// A real OpenID Connect provider for this server, started with it
    /// (see `oidc::provider`): its attack mode (`none`, `bad-signature`,
    /// `wrong-audience`).
    pub oidc: Option<&'static str>,
    /// What one SensorThings request may cost.
    pub sta: baladiya_web::StaLimits,
}

impl Default for Tuning {
    fn default() -> Self {
        let web = WebConfig::default();
        Self {
            limits: baladiya_app::Limits::default(),
            serve: ServeOptions::default(),
            request_timeout: web.request_timeout,
            body_read_timeout: web.body_read_timeout,
            vector_tiles: None,
            oidc: None,
            sta: baladiya_web::StaLimits::default(),
        }
    }
}

/// The Prometheus scraper's token of every test server.
pub const METRICS_TOKEN: &str = "test-metrics-token";

/// The real server, on 127.0.0.1:0, over a fresh database with the demo data.
pub struct TestApp {
    pub addr: SocketAddr,
    pub app: App,
    /// A client that keeps cookies and does not follow redirects, like a
    /// careful browser.
    pub client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    /// Attachments of this server: removed with it.
    _files: tempfile::TempDir,
    /// The identity provider's process, stopped with the server.
    _oidc: Option<tokio::process::Child>,
    _db: TestDb,
}

impl TestApp {
    pub async fn spawn(engine: Engine) -> Option<TestApp> {
        Self::spawn_with(engine, baladiya_app::Limits::default()).await
    }

    /// The same, with other per-client limits.
    pub async fn spawn_with(engine: Engine, limits: baladiya_app::Limits) -> Option<TestApp> {
        Self::spawn_tuned(
            engine,
            Tuning {
                limits,
                ..Tuning::default()
            },
        )
        .await
    }

    /// The same, with other limits and timeouts.
    pub async fn spawn_tuned(engine: Engine, tuning: Tuning) -> Option<TestApp> {
        let db = TestDb::new(engine).await?;
        let app = Self::start(db, tuning, None).await;
        app.app.load_demo().await.expect("demo data");
        Some(app)
    }

    /// A second server process-alike over the same database and documents
    /// (which hold the deployment's secrets): another pool, another router,
    /// another port.
    pub async fn another_server(&self) -> TestApp {
        let db = TestDb {
            url: self._db.url.clone(),
            _dir: None,
            schema: None,
        };
        let tuning = Tuning {
            limits: self.app.settings.limits,
            ..Tuning::default()
        };
        Self::start(db, tuning, Some(self._files.path().join("attachments"))).await
    }

    async fn start(db: TestDb, tuning: Tuning, attachments: Option<std::path::PathBuf>) -> TestApp {
        let files = tempfile::tempdir().expect("temp dir");
        let attachments = attachments.unwrap_or_else(|| files.path().join("attachments"));
        let blobs = Blobs::local(&attachments).expect("attachments");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let mut app = App::new(db.store().await, blobs);
        app.settings.limits = tuning.limits;
        // The simulated payment gateway, served by this server.
        let (key, secret) = ("test-gateway-key", "test-gateway-secret");
        app.settings.gateway = Some(baladiya_app::payments::GatewayConfig {
            api_url: format!("http://{addr}/gateway/simulated/api"),
            api_key: key.into(),
            secret: secret.into(),
            return_base: format!("http://{addr}"),
        });
        app.settings.sms = Some(baladiya_app::citizens::SmsSender::File(
            files.path().join("sms.jsonl"),
        ));
        let oidc = match tuning.oidc {
            Some(attack) => {
                let (child, provider) = crate::oidc::provider(addr, attack).await;
                app.settings.oidc = vec![provider];
                Some(child)
            }
            None => None,
        };
        app.publish_catalog(&demo_catalog()).await.expect("catalog");
        let categories = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../catalog/report-categories.toml");
        let text = std::fs::read_to_string(&categories).expect("categories");
        app.set_report_categories(
            baladiya_app::report_categories::parse_categories(&categories, &text)
                .expect("valid categories"),
        );
        let help = categories.with_file_name("help.toml");
        let text = std::fs::read_to_string(&help).expect("help");
        let codes: Vec<String> = demo_catalog()
            .services
            .iter()
            .map(|s| s.service.code.to_string())
            .collect();
        let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
        app.set_help(baladiya_app::help::parse_help(&help, &text, &codes).expect("valid help"));
        let landmarks = categories.with_file_name("landmarks.toml");
        let text = std::fs::read_to_string(&landmarks).expect("landmarks");
        app.set_landmarks(
            baladiya_app::landmarks::parse_landmarks(&landmarks, &text).expect("valid landmarks"),
        );
        let config = WebConfig {
            secure_cookies: false,
            request_timeout: tuning.request_timeout,
            body_read_timeout: tuning.body_read_timeout,
            vector_tiles: tuning.vector_tiles.clone(),
            metrics_token: Some(METRICS_TOKEN.into()),
            ..WebConfig::default()
        };
        let capabilities = baladiya_web::Capabilities {
            sta: tuning.sta.clone(),
            simulated_gateway: Some(baladiya_web::simulated_gateway::SimulatedGateway::new(
                key.into(),
                secret.into(),
            )),
        };
        let router = baladiya_web::router(app.clone(), config, capabilities).expect("router");
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            baladiya_web::serve(listener, router, &tuning.serve, async {
                let _ = rx.await;
            })
            .await
            .expect("server runs");
        });
        TestApp {
            addr,
            app,
            client: client(),
            shutdown: Some(tx),
            server: Some(server),
            _files: files,
            _oidc: oidc,
            _db: db,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The file text messages are written to.
    pub fn sms_file(&self) -> std::path::PathBuf {
        self.app
            .settings
            .sms
            .as_ref()
            .and_then(|s| match s {
                baladiya_app::citizens::SmsSender::File(path) => Some(path.clone()),
                baladiya_app::citizens::SmsSender::Http { .. } => None,
            })
            .expect("a file sender")
    }

    /// The text messages sent so far: `(to, text)`, oldest first.
    pub fn sms_sent(&self) -> Vec<(String, String)> {
        std::fs::read_to_string(self.sms_file())
            .unwrap_or_default()
            .lines()
            .map(|line| {
                let message: serde_json::Value = serde_json::from_str(line).expect("JSON line");
                (
                    message["to"].as_str().expect("to").to_owned(),
                    message["text"].as_str().expect("text").to_owned(),
                )
            })
            .collect()
    }

    /// The last sign-in code sent to `mobile` (E.164).
    pub fn last_code(&self, mobile: &str) -> String {
        let (_, text) = self
            .sms_sent()
            .into_iter()
            .rev()
            .find(|(to, _)| to == mobile)
            .expect("a code was sent");
        text.split(|c: char| !c.is_ascii_digit())
            .find(|part| part.len() == 6)
            .unwrap_or_else(|| panic!("six digits in {text:?}"))
            .to_owned()
    }

    /// A new cookie-keeping client: another browser.
    pub fn new_client(&self) -> reqwest::Client {
        client()
    }

    /// A client connecting from another loopback address (127.0.0.0/8):
    /// another person, for per-client limits.
    pub fn client_from(&self, ip: &str) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .local_address(ip.parse::<std::net::IpAddr>().expect("an IP address"))
            .build()
            .expect("client")
    }

    /// A bearer token for a demo user.
    pub async fn token(&self, username: &str) -> String {
        let response = self
            .client
            .post(self.url("/api/v1/auth/token"))
            .json(&serde_json::json!({"username": username, "password": baladiya_app::demo::DEMO_PASSWORD}))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 201, "login of {username}");
        let body: serde_json::Value = response.json().await.expect("json");
        body["token"].as_str().expect("token").to_owned()
    }

    /// Stops the server the way a SIGTERM does: gracefully.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server stopped cleanly");
        }
        self.app.store.close().await;
        if let Some((base, schema)) = &self._db.schema {
            let admin = Store::connect(base).await.expect("PostgreSQL reachable");
            admin
                .recreate_schema(schema, false)
                .await
                .expect("drop the test schema");
            admin.close().await;
        }
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Generates one `#[tokio::test]` per engine for each listed async
/// function taking an [`Engine`].
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::support::Engine::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[cfg_attr(not(baladiya_postgres), ignore = "set BALADIYA_TEST_POSTGRES_URL to run it on PostgreSQL")]
                async fn $name() {
                    super::$name($crate::support::Engine::Postgres).await
                }
            )*
        }
    };
}

/// Pulls the value of the hidden `csrf` input out of a page.
pub fn csrf_of(html: &str) -> String {
    hidden_of(html, "csrf")
}

/// A page's HTML, fetched by `client` (which keeps its cookies).
pub async fn html(client: &reqwest::Client, url: String) -> String {
    client
        .get(url)
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("html")
}

/// The value of a page's hidden (or any) input `name`.
pub fn hidden_of(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("page has a {name} field"))
        + marker.len();
    let end = html[start..].find('"').expect("closing quote") + start;
    html[start..end].to_owned()
}

/// Where a redirect points.
pub fn location(response: &reqwest::Response) -> String {
    response.headers()["location"]
        .to_str()
        .expect("ASCII location")
        .to_owned()
}

/// One number from the database, by hand-written SQL (for tests that check
/// figures against the raw rows).
pub async fn scalar_f64(store: &Store, sql: &str) -> f64 {
    let sql = sqlx::AssertSqlSafe(format!("SELECT CAST(({sql}) AS DOUBLE PRECISION)"));
    match store {
        Store::Sqlite(baladiya_store::SqliteStore { pool, .. }) => {
            sqlx::query_scalar::<_, Option<f64>>(sql)
                .fetch_one(pool)
                .await
        }
        Store::Postgres(pool) => {
            sqlx::query_scalar::<_, Option<f64>>(sql)
                .fetch_one(pool)
                .await
        }
    }
    .expect("a number")
    .unwrap_or(0.0)
}

/// Text values of one column, by hand-written SQL.
pub async fn strings(store: &Store, sql: &str) -> Vec<String> {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match store {
        Store::Sqlite(baladiya_store::SqliteStore { pool, .. }) => {
            sqlx::query_scalar(sql).fetch_all(pool).await
        }
        Store::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
    }
    .expect("text values")
}

/// A user as the use cases see them, signed in by the API.
pub async fn principal(app: &TestApp, username: &str) -> baladiya_app::Principal {
    let token = app.token(username).await;
    app.app
        .authenticate(&token, baladiya_store::SessionKind::Bearer)
        .await
        .expect("principal")
}

/// A new unit head of `unit` (by its code), signed in.
pub async fn grant_head_of(app: &TestApp, unit: &str) -> baladiya_app::Principal {
    let username = format!("head.{}", unit.to_lowercase().replace('-', "."));
    app.app
        .create_user(None, &username, "رئيس الوحدة", "baladiya-demo")
        .await
        .expect("user");
    app.app
        .grant_role(None, &username, "unit_head", unit, None)
        .await
        .expect("role");
    principal(app, &username).await
}

/// Runs a statement straight on the database (to make the state a test
/// needs, such as rows written by an older version).
pub async fn execute(store: &Store, sql: &str) {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match store {
        Store::Sqlite(baladiya_store::SqliteStore { pool, .. }) => {
            sqlx::query(sql).execute(pool).await.map(|_| ())
        }
        Store::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
    }
    .expect("statement runs");
}

impl TestApp {
    /// Uses the shipped indicator catalog (`catalog/indicators`).
    pub fn with_indicators(&self) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog/indicators");
        self.app.set_indicators(
            baladiya_app::indicators::load_indicators(&dir).expect("the shipped indicators"),
        );
    }
}

/// Whether the Python module a client test needs is installed; in CI its
/// absence fails the test instead of skipping it.
pub fn python_has(module: &str, package: &str) -> bool {
    let found = std::process::Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{package} is needed in CI"
        );
        eprintln!("skipped: pip install {package}");
    }
    found
}

/// Runs a client script of `tests/` with `args`; fails the test with its
/// output if the script fails. Returns what it printed.
pub async fn run_python(script: &str, args: Vec<String>) -> String {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(script);
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("python3")
            .arg(script)
            .args(args)
            .output()
            .expect("python3 runs")
    })
    .await
    .expect("joined");
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}
