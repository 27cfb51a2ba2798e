//! End-to-end tests in a real browser: Debian's Chromium, driven headless
//! by playwright-core (see `tests/browser/`). Screenshots are kept in
//! `artifacts/browser/` at the workspace root.
//!
//! They need `node`, `/usr/bin/chromium` and `npm ci` in `tests/browser`;
//! `.ci/run` installs all three. Outside CI a machine without them reports
//! them ignored (see `build.rs`); in CI (`CI` set) a missing piece fails
//! the test.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{Engine, TestApp, demo_boundaries};

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

fn artifacts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../artifacts/browser")
}

fn ready() -> bool {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let missing: Vec<&str> = [
        (Path::new(&chromium).exists(), "chromium"),
        (
            browser_dir().join("node_modules/playwright-core").exists(),
            "playwright-core (npm ci in tests/browser)",
        ),
        (
            Command::new("node").arg("--version").output().is_ok(),
            "node",
        ),
    ]
    .into_iter()
    .filter(|(ok, _)| !ok)
    .map(|(_, what)| what)
    .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "browser tests need {missing:?} in CI"
    );
    eprintln!("skipped browser test: missing {missing:?}");
    false
}

fn run_script(script: &str, app: &TestApp) {
    run_script_with(script, app, &[]);
}

fn run_script_with(script: &str, app: &TestApp, env: &[(&str, String)]) {
    let output = Command::new("node")
        .env("NATIONAL_ID", crate::applications::egyptian_id())
        .envs(env.iter().map(|(k, v)| (k, v)))
        .arg(browser_dir().join(script))
        .arg(app.url(""))
        .arg(artifacts())
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "{script} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(baladiya_browser),
    ignore = "needs /usr/bin/chromium and `npm ci` in crates/cli/tests/browser"
)]
async fn staff_sign_in_in_arabic() {
    if !ready() {
        return;
    }
    let app = TestApp::spawn(Engine::Sqlite)
        .await
        .expect("SQLite always runs");
    tokio::task::block_in_place(|| run_script("staff-login.mjs", &app));
    assert!(
        artifacts().join("staff-units-ar.png").exists(),
        "screenshot kept"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(baladiya_browser),
    ignore = "needs /usr/bin/chromium and `npm ci` in crates/cli/tests/browser"
)]
async fn a_citizen_applies_and_staff_issue_the_license() {
    if !ready() {
        return;
    }
    let app = TestApp::spawn(Engine::Sqlite)
        .await
        .expect("SQLite always runs");
    tokio::task::block_in_place(|| run_script("apply-and-issue.mjs", &app));
    assert!(
        artifacts().join("shop-license-ar.png").exists(),
        "screenshot kept"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(baladiya_browser),
    ignore = "needs /usr/bin/chromium and `npm ci` in crates/cli/tests/browser"
)]
async fn a_citizen_reports_on_the_map_and_sees_it_resolved() {
    if !ready() {
        return;
    }
    let app = TestApp::spawn(Engine::Sqlite)
        .await
        .expect("SQLite always runs");
    app.app
        .import_boundaries(None, &demo_boundaries())
        .await
        .expect("boundaries");
    tokio::task::block_in_place(|| run_script("report-on-the-map.mjs", &app));
    assert!(
        artifacts().join("report-resolved-ar.png").exists(),
        "screenshot kept"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(baladiya_browser),
    ignore = "needs /usr/bin/chromium and `npm ci` in crates/cli/tests/browser"
)]
async fn a_governorate_viewer_drills_down_the_indicators() {
    if !ready() {
        return;
    }
    let app = TestApp::spawn(Engine::Sqlite)
        .await
        .expect("SQLite always runs");
    app.app
        .import_boundaries(None, &demo_boundaries())
        .await
        .expect("boundaries");
    app.with_indicators();
    app.app.load_demo_history().await.expect("history");
    tokio::task::block_in_place(|| run_script("indicators-drill-down.mjs", &app));
    assert!(
        artifacts().join("indicator-village-ar.png").exists(),
        "screenshot kept"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(baladiya_browser),
    ignore = "needs /usr/bin/chromium and `npm ci` in crates/cli/tests/browser"
)]
async fn an_administrator_follows_the_sensors_and_adds_a_rule() {
    if !ready() {
        return;
    }
    let app = TestApp::spawn(Engine::Sqlite)
        .await
        .expect("SQLite always runs");
    app.app
        .import_boundaries(None, &demo_boundaries())
        .await
        .expect("boundaries");
    app.app.load_demo_sensors().await.expect("sensors");
    tokio::task::block_in_place(|| run_script("sensors.mjs", &app));
    assert!(
        artifacts().join("sensors-staff-ar.png").exists(),
        "screenshot kept"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(baladiya_browser),
    ignore = "needs /usr/bin/chromium and `npm ci` in crates/cli/tests/browser"
)]
async fn a_citizen_reports_over_the_local_vector_base_map() {
    if !ready() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let tiles = crate::basemap::tiles_file(dir.path()).await;
    let app = TestApp::spawn_tuned(
        Engine::Sqlite,
        crate::support::Tuning {
            vector_tiles: Some(tiles),
            ..crate::support::Tuning::default()
        },
    )
    .await
    .expect("SQLite always runs");
    app.app
        .import_boundaries(None, &demo_boundaries())
        .await
        .expect("boundaries");
    tokio::task::block_in_place(|| run_script("basemap.mjs", &app));
    assert!(
        artifacts().join("basemap-report-new-ar.png").exists(),
        "screenshot kept"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(baladiya_browser),
    ignore = "needs /usr/bin/chromium and `npm ci` in crates/cli/tests/browser"
)]
async fn the_committee_follows_a_bottleneck_to_its_applications() {
    if !ready() {
        return;
    }
    let app = TestApp::spawn(Engine::Sqlite)
        .await
        .expect("SQLite always runs");
    app.with_indicators();
    app.app.load_demo_history().await.expect("history");
    tokio::task::block_in_place(|| run_script("process-map.mjs", &app));
    assert!(
        artifacts().join("process-cases-ar.png").exists(),
        "screenshot kept"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(baladiya_browser),
    ignore = "needs /usr/bin/chromium and `npm ci` in crates/cli/tests/browser"
)]
async fn a_session_runs_from_nomination_to_a_verified_certificate() {
    if !ready() {
        return;
    }
    let app = TestApp::spawn(Engine::Sqlite)
        .await
        .expect("SQLite always runs");
    crate::training::plan_a_week(&app).await;
    tokio::task::block_in_place(|| run_script("training.mjs", &app));
    assert!(
        artifacts().join("training-certificate-ar.png").exists(),
        "screenshot kept"
    );
    app.stop().await;
}

/// A citizen on a phone signs in with a code, pays a fee on the simulated
/// gateway, gets the receipt and finds the application moved on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(baladiya_browser),
    ignore = "needs /usr/bin/chromium and `npm ci` in crates/cli/tests/browser"
)]
async fn a_citizen_applies_and_pays_online_on_a_phone() {
    if !ready() {
        return;
    }
    let app = TestApp::spawn(Engine::Sqlite)
        .await
        .expect("SQLite always runs");
    let sms = app.sms_file();
    tokio::task::block_in_place(|| {
        run_script_with(
            "citizen-pays.mjs",
            &app,
            &[("SMS_FILE", sms.display().to_string())],
        )
    });
    assert!(artifacts().join("payment-receipt-ar-390.png").exists());
    app.stop().await;
}

/// A citizen on a phone signs in with a code, votes in Giza's
/// participatory budget, checks the receipt, changes the vote; a clerk
/// records a walk-in's vote at the counter; after the unit head signs the
/// result off, the citizen finds the receipt among the counted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(baladiya_browser),
    ignore = "needs /usr/bin/chromium and `npm ci` in crates/cli/tests/browser"
)]
async fn a_citizen_votes_changes_the_vote_and_finds_it_counted() {
    if !ready() {
        return;
    }
    let app = TestApp::spawn(Engine::Sqlite)
        .await
        .expect("SQLite always runs");
    app.app
        .load_demo_participation()
        .await
        .expect("the demo's budgets");
    let sms = app.sms_file();
    let output = tokio::task::block_in_place(|| {
        Command::new("node")
            .env("NATIONAL_ID", crate::applications::egyptian_id())
            .env("SMS_FILE", sms.display().to_string())
            .arg(browser_dir().join("participation-vote.mjs"))
            .arg(app.url(""))
            .arg(artifacts())
            .output()
            .expect("node runs")
    });
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "participation-vote.mjs failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let receipt = stdout
        .lines()
        .find_map(|l| l.strip_prefix("receipt: "))
        .expect("the script prints the receipt")
        .to_owned();
    // Voting closes; Giza's governor signs the governorate's budget off.
    let process = app
        .app
        .process_by_slug("giza-budget-2027")
        .await
        .expect("process");
    let today = app.app.today_in(baladiya_domain::country::Country::Egypt);
    app.app
        .reschedule_process(
            None,
            process.process.id,
            vec![baladiya_domain::participation::phases::Phase {
                kind: baladiya_domain::participation::phases::PhaseKind::Voting,
                starts: today - chrono::Duration::days(10),
                ends: today - chrono::Duration::days(1),
            }],
        )
        .await
        .expect("closed");
    let governor = crate::support::grant_head_of(&app, "EG-GZ").await;
    let budgets = app.app.budgets_of(&process).await.expect("budgets");
    app.app
        .sign_off_budget(&governor, budgets[0].budget.id)
        .await
        .expect("signed off");
    tokio::task::block_in_place(|| {
        run_script_with("participation-counted.mjs", &app, &[("RECEIPT", receipt)])
    });
    assert!(artifacts().join("participate-counted-ar-390.png").exists());
    app.stop().await;
}
