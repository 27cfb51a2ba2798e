//! The `baladiya` binary itself: serving, graceful shutdown, migrations
//! and administration from the command line.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_baladiya");

fn baladiya(dir: &std::path::Path) -> Command {
    let mut command = Command::new(BIN);
    command
        .current_dir(dir)
        .env_remove("BALADIYA_DATABASE_URL")
        .env_remove("BALADIYA_LISTEN")
        .env_remove("BALADIYA_CONFIG")
        .env_remove("BALADIYA_CATALOG")
        .env_remove("BALADIYA_DATA_DIR");
    command
}

/// Starts `baladiya serve` on a free port; returns the child and its address.
fn start(dir: &std::path::Path, extra: &[&str]) -> (Child, String) {
    let (child, addr, _) = start_and_read(dir, extra);
    (child, addr)
}

/// As [`start`], also returning what the server printed before serving.
fn start_and_read(dir: &std::path::Path, extra: &[&str]) -> (Child, String, Vec<String>) {
    let catalog = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog");
    let mut child = baladiya(dir)
        .args(["serve", "--listen", "127.0.0.1:0", "--catalog"])
        .arg(catalog)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("baladiya starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut printed = Vec::new();
    let addr = loop {
        let line = lines
            .next()
            .expect("the server prints its address")
            .expect("utf-8");
        if let Some(rest) = line.strip_prefix("Baladiya is serving on http://") {
            break rest.split_whitespace().next().expect("address").to_owned();
        }
        printed.push(line);
    };
    (child, addr, printed)
}

fn terminate(child: &Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

fn wait_exit(mut child: Child) -> (std::process::ExitStatus, String) {
    for _ in 0..200 {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut stderr = String::new();
            if let Some(mut err) = child.stderr.take() {
                std::io::Read::read_to_string(&mut err, &mut stderr).expect("stderr");
            }
            return (status, stderr);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("the server did not stop within 10 s of SIGTERM");
}

#[tokio::test]
async fn serves_the_demo_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (child, addr) = start(dir.path(), &["--demo"]);
    assert!(
        dir.path().join("baladiya.db").exists(),
        "the default SQLite file is created"
    );
    let client = reqwest::Client::new();
    let health: serde_json::Value = client
        .get(format!("http://{addr}/healthz"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(health["engine"], "sqlite");

    // A sign-in (Argon2 takes a while) is in flight when SIGTERM arrives:
    // it still completes.
    let in_flight = tokio::spawn({
        let client = client.clone();
        let url = format!("http://{addr}/api/v1/auth/token");
        async move {
            client
                .post(url)
                .json(&json!({"username": "eg.clerk", "password": "baladiya-demo"}))
                .send()
                .await
        }
    });
    tokio::time::sleep(Duration::from_millis(5)).await;
    terminate(&child);
    let response = in_flight
        .await
        .expect("task")
        .expect("the in-flight request was answered");
    assert_eq!(response.status(), 201);
    let (status, stderr) = tokio::task::spawn_blocking(move || wait_exit(child))
        .await
        .expect("wait");
    assert!(status.success(), "exit {status:?}: {stderr}");
    assert!(stderr.contains("shutdown requested"), "{stderr}");
    assert!(
        client
            .get(format!("http://{addr}/healthz"))
            .send()
            .await
            .is_err(),
        "no longer listening"
    );
}

#[tokio::test]
async fn admin_commands_create_the_first_administrator_who_can_sign_in() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = |args: &[&str], stdin: Option<&str>| {
        let mut child = baladiya(dir.path())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs");
        if let Some(text) = stdin {
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(text.as_bytes())
                .expect("write");
        }
        drop(child.stdin.take());
        child.wait_with_output().expect("output")
    };
    let ok = |output: std::process::Output| {
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    assert!(ok(run(&["migrate"], None)).contains("schema is at version"));
    ok(run(
        &[
            "admin",
            "create-unit",
            "--code",
            "EG-FY",
            "--kind",
            "governorate",
            "--name-ar",
            "محافظة الفيوم",
            "--name-en",
            "Fayoum Governorate",
        ],
        None,
    ));
    ok(run(
        &[
            "admin",
            "add-department",
            "--unit",
            "EG-FY",
            "--kind",
            "urban_planning",
            "--name-ar",
            "التخطيط العمراني",
            "--name-en",
            "Urban Planning",
        ],
        None,
    ));
    assert!(
        ok(run(
            &[
                "admin",
                "create-user",
                "--username",
                "fy.admin",
                "--full-name",
                "مدير النظام"
            ],
            Some("a strong passphrase\n")
        ))
        .contains("Created user fy.admin")
    );
    ok(run(
        &[
            "admin",
            "grant",
            "--username",
            "fy.admin",
            "--role",
            "administrator",
            "--unit",
            "EG-FY",
        ],
        None,
    ));
    ok(run(
        &[
            "admin",
            "holiday",
            "--country",
            "EG",
            "--day",
            "2026-10-06",
            "--name-ar",
            "عيد القوات المسلحة",
            "--name-en",
            "Armed Forces Day",
        ],
        None,
    ));
    ok(run(
        &[
            "admin",
            "reference",
            "--unit",
            "EG-FY",
            "--year",
            "2026",
            "--population",
            "4100000",
            "--households",
            "950000",
        ],
        None,
    ));
    let refused = run(
        &[
            "admin",
            "reference",
            "--unit",
            "EG-NOPE",
            "--year",
            "1800",
            "--population=-5",
        ],
        None,
    );
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("unit: unit-unknown")
            && stderr.contains("year: year-invalid")
            && stderr.contains("population: number-invalid"),
        "every problem at once: {stderr}"
    );

    let refused = run(
        &[
            "admin",
            "create-user",
            "--username",
            "x",
            "--full-name",
            "x",
        ],
        Some("short\n"),
    );
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("username-length") && stderr.contains("password-too-short"),
        "{stderr}"
    );
    let bad_parent = run(
        &[
            "admin",
            "create-unit",
            "--code",
            "EG-FY-V",
            "--kind",
            "village",
            "--name-ar",
            "ق",
            "--name-en",
            "V",
            "--parent",
            "EG-FY",
        ],
        None,
    );
    assert!(String::from_utf8_lossy(&bad_parent.stderr).contains("unit-kind-not-allowed-here"));

    let (child, addr) = start(dir.path(), &[]);
    let token = reqwest::Client::new()
        .post(format!("http://{addr}/api/v1/auth/token"))
        .json(&json!({"username": "fy.admin", "password": "a strong passphrase"}))
        .send()
        .await
        .expect("request");
    assert_eq!(token.status(), 201);
    terminate(&child);
    let (status, _) = tokio::task::spawn_blocking(move || wait_exit(child))
        .await
        .expect("wait");
    assert!(status.success());
}

#[tokio::test]
async fn a_database_from_a_newer_baladiya_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(
        baladiya(dir.path())
            .arg("migrate")
            .status()
            .expect("runs")
            .success()
    );
    let url = format!("sqlite://{}", dir.path().join("baladiya.db").display());
    let pool = sqlx::SqlitePool::connect(&url).await.expect("open");
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99990101000000, 'future', 1, x'00', 0)",
    )
    .execute(&pool)
    .await
    .expect("pretend a newer Baladiya migrated it");
    pool.close().await;
    let output = baladiya(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .output()
        .expect("runs");
    assert!(!output.status.success(), "refused");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("created by a newer Baladiya"), "{stderr}");
}

#[test]
fn bad_arguments_get_clear_messages() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = baladiya(dir.path())
        .args(["serve", "--listen", "nowhere"])
        .output()
        .expect("runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("not an address like 127.0.0.1:8080"));
    let output = baladiya(dir.path())
        .args(["--database", "mysql://x", "migrate"])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&output.stderr).contains("use sqlite://PATH or postgres://"));
    std::fs::write(dir.path().join("baladiya.toml"), "listen = 5\n").expect("write");
    let output = baladiya(dir.path()).arg("migrate").output().expect("runs");
    assert!(String::from_utf8_lossy(&output.stderr).contains("reading config file baladiya.toml"));
}

#[test]
fn catalog_check_reports_file_line_and_field_and_serve_refuses_a_bad_catalog() {
    let dir = tempfile::tempdir().expect("temp dir");
    let catalog = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog");
    let good = baladiya(dir.path())
        .args(["catalog", "check"])
        .arg(&catalog)
        .output()
        .expect("runs");
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    let stdout = String::from_utf8_lossy(&good.stdout);
    assert!(stdout.contains("14 services: all valid"), "{stdout}");
    assert!(
        stdout.contains("15 report categories: all valid"),
        "{stdout}"
    );
    assert!(stdout.contains("12 unit boundaries: all valid"), "{stdout}");

    let bad = dir.path().join("bad");
    std::fs::create_dir_all(&bad).expect("dir");
    let source =
        std::fs::read_to_string(catalog.join("services/eg-sign-permit.toml")).expect("read");
    let broken = source
        .replace("role = \"clerk\"", "role = \"clerc\"")
        .replace(
            "department = \"urban_planning\"",
            "department = \"planning\"",
        );
    std::fs::write(bad.join("eg-sign-permit.toml"), broken).expect("write");
    std::fs::write(
        bad.join("typo.toml"),
        "code = \"EG-X\"\nversion = 1\ncolour = \"blue\"\n",
    )
    .expect("write");
    let report = baladiya(dir.path())
        .args(["catalog", "check"])
        .arg(&bad)
        .output()
        .expect("runs");
    assert!(!report.status.success());
    let stderr = String::from_utf8_lossy(&report.stderr);
    let role_line = source
        .lines()
        .position(|l| l == "role = \"clerk\"")
        .expect("a clerk step")
        + 1;
    assert!(
        stderr.contains(&format!(
            "eg-sign-permit.toml:{role_line}: steps[0].role: role-unknown"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("steps[1].department: department-kind-unknown"),
        "{stderr}"
    );
    assert!(
        stderr.contains("typo.toml:3: : catalog-syntax (unknown field `colour`"),
        "{stderr}"
    );

    let refused = baladiya(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0", "--catalog"])
        .arg(&bad)
        .output()
        .expect("runs");
    assert!(
        !refused.status.success(),
        "serve refuses an invalid catalog"
    );
    assert!(String::from_utf8_lossy(&refused.stderr).contains("steps[0].role: role-unknown"));
}

/// Two `baladiya serve` processes on one PostgreSQL database: two officers
/// act on the same application at once through different processes, and
/// exactly one wins.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(baladiya_postgres),
    ignore = "set BALADIYA_TEST_POSTGRES_URL to run it on PostgreSQL"
)]
async fn two_server_processes_on_one_postgresql_never_both_win() {
    let Some(db) = crate::support::TestDb::new(crate::support::Engine::Postgres).await else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let (first, a) = start(dir.path(), &["--demo", "--database", &db.url]);
    let (second, b) = start(dir.path(), &["--database", &db.url]);
    let client = reqwest::Client::new();
    let form = crate::applications::renewal_form();
    let submitted: serde_json::Value = client
        .post(format!("http://{a}/api/v1/applications"))
        .multipart(form)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    let tracking = submitted["tracking_number"]
        .as_str()
        .expect("number")
        .to_owned();
    let token = |addr: String| {
        let client = client.clone();
        async move {
            let body: serde_json::Value = client
                .post(format!("http://{addr}/api/v1/auth/token"))
                .json(&json!({"username": "eg.clerk", "password": "baladiya-demo"}))
                .send()
                .await
                .expect("request")
                .json()
                .await
                .expect("json");
            body["token"].as_str().expect("token").to_owned()
        }
    };
    let (ta, tb) = (token(a.clone()).await, token(b.clone()).await);
    let act = |addr: String, token: String| {
        let client = client.clone();
        let tracking = tracking.clone();
        async move {
            client
                .post(format!(
                    "http://{addr}/api/v1/applications/{tracking}/actions"
                ))
                .bearer_auth(token)
                .json(&json!({"action": "accept", "version": 1}))
                .send()
                .await
                .expect("request")
                .status()
        }
    };
    let (x, y) = tokio::join!(act(a.clone(), ta), act(b.clone(), tb));
    let mut statuses = [x.as_u16(), y.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "exactly one process wins");
    for child in [first, second] {
        terminate(&child);
        let (status, stderr) = tokio::task::spawn_blocking(move || wait_exit(child))
            .await
            .expect("wait");
        assert!(status.success(), "{stderr}");
    }
}

#[test]
fn import_boundaries_from_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(
        baladiya(dir.path())
            .arg("demo")
            .output()
            .expect("runs")
            .status
            .success()
    );
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog/boundaries.geojson");
    let output = baladiya(dir.path())
        .args(["import", "boundaries"])
        .arg(&file)
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("Imported the boundaries of 12 units.")
    );
    let bad = dir.path().join("bad.geojson");
    std::fs::write(&bad, r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"unit":"EG-GZ"},"geometry":{"type":"Point","coordinates":[31,30]}}]}"#)
        .expect("write");
    let output = baladiya(dir.path())
        .args(["import", "boundaries"])
        .arg(&bad)
        .output()
        .expect("runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("features[0]: geometry-not-polygon"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_prints_an_open311_key_and_reports_export_anonymized() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (child, addr, printed) = start_and_read(dir.path(), &["--demo"]);
    let key = printed
        .iter()
        .find_map(|l| l.strip_prefix("Open311 demo API key (60 submissions a minute): "))
        .expect("the demo key is printed")
        .to_owned();
    let client = reqwest::Client::new();
    for (lat, description) in [
        ("29.90", "عمود مطفأ، اتصلوا على 01098765432"),
        ("29.901", "عمود آخر مطفأ"),
    ] {
        let response = client
            .post(format!("http://{addr}/open311/v2/requests.json"))
            .form(&[
                ("api_key", key.as_str()),
                ("service_code", "street-lighting"),
                ("lat", lat),
                ("long", "31.30"),
                ("attribute[problem]", "off"),
                ("description", description),
                ("email", "secret@example.com"),
            ])
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200);
    }
    terminate(&child);
    let (status, _) = wait_exit(child);
    assert!(status.success());

    let catalog = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog");
    // Today's reports only: the demo's year of history is there too.
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let export = |format: &str| {
        let output = baladiya(dir.path())
            .env("BALADIYA_CATALOG", &catalog)
            .args(["export", "reports", "--format", format, "--lang", "en"])
            .args(["--from", today.as_str()])
            // Not the demo's sensor alerts of today.
            .args(["--service-code", "street-lighting"])
            .output()
            .expect("runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(String::from_utf8_lossy(&output.stderr).contains("Exported 2 reports."));
        String::from_utf8(output.stdout).expect("utf-8")
    };
    let csv = export("csv");
    assert_eq!(csv.lines().count(), 3, "a header and two rows: {csv}");
    assert!(csv.starts_with("id,service_code,status,unit,department,lat,long"));
    let geojson: serde_json::Value = serde_json::from_str(&export("geojson")).expect("GeoJSON");
    assert_eq!(geojson["features"].as_array().expect("features").len(), 2);
    assert_eq!(
        geojson["features"][0]["properties"]["service_name"],
        "Street lighting"
    );
    for text in [&csv, &geojson.to_string()] {
        assert!(!text.contains("01098765432") && !text.contains("secret@example.com"));
        assert!(
            text.contains("[…]"),
            "the phone in the description is hidden"
        );
    }
    // The demo's year of indicators, as open data.
    let output = baladiya(dir.path())
        .env("BALADIYA_CATALOG", &catalog)
        .args([
            "export",
            "indicators",
            "--unit",
            "EG-GZ",
            "--indicator",
            "BLD: ICT: PS: 1",
        ])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let csv = String::from_utf8(output.stdout).expect("utf-8");
    assert!(csv.starts_with("indicator,name_ar,name_en,standard,unit,period,value"));
    let rows = csv
        .lines()
        .skip(1)
        .filter(|l| l.contains(",EG-GZ,"))
        .count();
    assert!(rows >= 12, "twelve months for Giza: {csv}");
    let output = baladiya(dir.path())
        .env("BALADIYA_CATALOG", &catalog)
        .args(["export", "indicators", "--period", "2026-13"])
        .output()
        .expect("runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("period: period-invalid"));
    let output = baladiya(dir.path())
        .args(["export", "reports", "--format", "shapefile"])
        .output()
        .expect("runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("use csv or geojson"));
}

/// A busy port fails at once, before a database is created; `localhost`
/// is an address like any other.
#[test]
fn serve_takes_its_port_first_and_accepts_localhost() {
    let dir = tempfile::tempdir().expect("temp dir");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = taken.local_addr().expect("address").port();
    let database = dir.path().join("busy.db");
    let output = baladiya(dir.path())
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database",
        ])
        .arg(format!("sqlite://{}", database.display()))
        .output()
        .expect("runs");
    assert!(!output.status.success(), "refused");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("listening on 127.0.0.1:{port}")),
        "{stderr}"
    );
    assert!(!database.exists(), "nothing was created");
    drop(taken);

    let catalog = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog");
    let mut child = baladiya(dir.path())
        .args(["serve", "--listen", "localhost:0", "--catalog"])
        .arg(catalog)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("baladiya starts");
    let stdout = child.stdout.take().expect("stdout");
    // Kept open until the server is gone: it still writes as it stops.
    let mut lines = BufReader::new(stdout).lines();
    let serving = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.starts_with("Baladiya is serving on http://"));
    assert!(serving.is_some(), "serves on localhost");
    terminate(&child);
    let (status, stderr) = wait_exit(child);
    drop(lines);
    assert!(status.success(), "{stderr}");
}

#[test]
fn the_binary_runs_anywhere_with_its_built_in_catalog_and_init_writes_an_editable_one() {
    // Outside the repository, with no catalog directory: the built-in one.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = baladiya(dir.path())
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("baladiya starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let said: Vec<String> = lines
        .by_ref()
        .map_while(Result::ok)
        .take_while(|l| !l.starts_with("Baladiya is serving on http://"))
        .collect();
    assert!(
        said.iter().any(|l| l.contains("the built-in catalog")),
        "{said:?}"
    );
    assert!(
        said.iter().any(|l| l.starts_with("Demo boundaries of")),
        "the demo's boundaries come with it: {said:?}"
    );
    terminate(&child);
    let (status, stderr) = wait_exit(child);
    drop(lines);
    assert!(status.success(), "{stderr}");

    // init writes an editable catalog and a commented config, which serve
    // then uses; it never overwrites.
    let site = tempfile::tempdir().expect("temp dir");
    let output = baladiya(site.path())
        .args(["init", "."])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    let services = site.path().join("catalog/services");
    assert!(services.join("eg-building-permit.toml").exists());
    let config = std::fs::read_to_string(site.path().join("baladiya.toml")).expect("config");
    assert!(config.contains("catalog_dir = \"catalog\"") && config.contains("# "));
    std::fs::remove_file(services.join("eg-demolition-permit.toml")).expect("edit");
    let output = baladiya(site.path())
        .args(["catalog", "check", "catalog"])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    let again = baladiya(site.path())
        .args(["init", "."])
        .output()
        .expect("runs");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert!(
        !services.join("eg-demolition-permit.toml").exists(),
        "nothing overwritten"
    );

    // A catalog that is named but missing says so, with its full path.
    let output = baladiya(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0", "--catalog", "nowhere"])
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("does not exist")
            && stderr.contains(&format!("{}", dir.path().join("nowhere").display())),
        "{stderr}"
    );
}

#[test]
fn database_errors_are_said_once_with_a_hint() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = baladiya(dir.path())
        .args(["--database", "sqlite://no/such/dir/baladiya.db", "migrate"])
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the directory no/such/dir does not exist"),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("unable to open database file").count(),
        1,
        "{stderr}"
    );

    let Ok(url) = std::env::var("BALADIYA_TEST_POSTGRES_URL") else {
        return;
    };
    let missing = format!("{}_no_such_database", url.trim_end_matches('/'));
    let missing = match url.rsplit_once('/') {
        Some((server, _)) => format!("{server}/baladiya_no_such_db"),
        None => missing,
    };
    let output = baladiya(dir.path())
        .args(["--database", &missing, "migrate"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("createdb baladiya_no_such_db"), "{stderr}");
    assert_eq!(stderr.matches("does not exist").count(), 1, "{stderr}");
    // Nothing listens on port 1: the refusal itself, not a pool timeout.
    let output = baladiya(dir.path())
        .args([
            "--database",
            "postgres://postgres@127.0.0.1:1/test",
            "migrate",
        ])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("is PostgreSQL running") && stderr.contains("refused"),
        "{stderr}"
    );
    assert!(!stderr.contains("timed out"), "{stderr}");
}

/// Anyone can recount a published budget: `baladiya participation count`
/// reads a pabulib file and prints what each rule selects; a damaged file
/// is refused naming its line.
#[test]
fn a_pabulib_budget_is_recounted_from_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Budget 100 among four voters: x by all, y by two, z by the other two.
    std::fs::write(
        dir.path().join("giza.pb"),
        "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost;name\nx;60;حديقة\ny;40;إنارة\nz;20;تصريف\nVOTES\nvoter_id;vote\n1;x,y\n2;x,y\n3;x,z\n4;x,z\n",
    )
    .expect("write");
    let count = |rule: &str| {
        let output = baladiya(dir.path())
            .args(["participation", "count", "giza.pb", "--rule", rule])
            .output()
            .expect("runs");
        assert!(output.status.success(), "{output:?}");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    // Greedy: x (4 votes), then y before z (2 votes each, y's id first).
    let greedy = count("greedy");
    assert!(
        greedy.contains("4 ballots, 3 projects, budget 100; by greedy"),
        "{greedy}"
    );
    assert!(
        greedy.contains("إنارة") && !greedy.contains("تصريف"),
        "{greedy}"
    );
    assert!(greedy.contains("spent 100 of 100"), "{greedy}");
    // Equal Shares: x, then y's two voters have 10 each left (20 < 40),
    // z's two pay 10 each.
    let shares = count("equalshares");
    assert!(
        shares.contains("تصريف") && !shares.contains("إنارة"),
        "{shares}"
    );
    assert!(shares.contains("spent 80 of 100"), "{shares}");
    // The result as open data: the same budget with each project's votes,
    // whether it was selected, and the rule.
    let output = baladiya(dir.path())
        .args(["participation", "count", "giza.pb", "--out", "result.pb"])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    let result = std::fs::read_to_string(dir.path().join("result.pb")).expect("written");
    assert!(result.contains("rule;equalshares\n"), "{result}");
    assert!(
        result.contains("project_id;cost;votes;name;selected"),
        "{result}"
    );
    assert!(
        result.contains("x;60;4;حديقة;1") && result.contains("y;40;2;إنارة;0"),
        "{result}"
    );
    assert!(result.contains("z;20;2;تصريف;1"), "{result}");

    std::fs::write(
        dir.path().join("bad.pb"),
        "META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\nx;0\n",
    )
    .expect("write");
    let output = baladiya(dir.path())
        .args(["participation", "count", "bad.pb"])
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("line 6") && stderr.contains("above zero"),
        "{stderr}"
    );
}
