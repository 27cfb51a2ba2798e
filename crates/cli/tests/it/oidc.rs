//! Signing in with a national identity through OpenID Connect, on both
//! engines, against a real provider the tests start: npm's
//! `oidc-provider` (the certified Node.js implementation), through its own
//! login and consent pages, as a browser would (`tests/browser/oidc-provider.mjs`).
//! A forged signature and a token issued to another service are refused.

use std::net::SocketAddr;
use std::path::Path;

use baladiya_app::oidc::OidcProvider;
use reqwest::StatusCode;
use tokio::io::AsyncBufReadExt;

use crate::accounts::enter_code;
use crate::support::{Engine, TestApp, Tuning, html, scalar_f64};

crate::on_both_engines!(
    a_citizen_signs_in_with_their_national_identity,
    an_identity_without_a_number_is_tied_to_one_verified_by_a_code,
    forged_or_misdirected_identity_tokens_are_refused
);

/// The provider's accounts: login → the verified phone number it vouches
/// for. Others have none.
const ACCOUNTS: &str = r#"{"amina": "+201012345678"}"#;

fn browser_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// Whether node and `npm ci` in tests/browser are there; in CI they must be.
fn ready() -> bool {
    let ok = browser_dir().join("node_modules/oidc-provider").exists();
    assert!(
        ok || std::env::var_os("CI").is_none(),
        "the OpenID Connect tests need `npm ci` in tests/browser in CI"
    );
    if !ok {
        eprintln!("skipped OpenID Connect test: run `npm ci` in crates/cli/tests/browser");
    }
    ok
}

/// Starts the provider for the server at `app`, in `attack` mode; returns
/// its process and the provider as the server is configured with it.
pub async fn provider(app: SocketAddr, attack: &str) -> (tokio::process::Child, OidcProvider) {
    let redirect = format!("http://{app}/account/oidc/test/callback");
    let mut child = tokio::process::Command::new("node")
        .arg(browser_dir().join("oidc-provider.mjs"))
        .env("REDIRECT_URI", &redirect)
        .env("CLIENT_ID", "baladiya-test")
        .env("CLIENT_SECRET", "a-client-secret-of-32-characters")
        .env("ACCOUNTS", ACCOUNTS)
        .env("ATTACK", attack)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("node runs");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let issuer = loop {
        let line = lines
            .next_line()
            .await
            .expect("provider output")
            .expect("the provider prints its issuer");
        if let Some(issuer) = line.strip_prefix("ISSUER ") {
            break issuer.to_owned();
        }
    };
    // Whatever it prints later is read (a closed pipe would stop it).
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let provider = OidcProvider {
        key: "test".into(),
        name_ar: "الهوية الرقمية".into(),
        name_en: "Digital ID".into(),
        issuer,
        client_id: "baladiya-test".into(),
        client_secret: "a-client-secret-of-32-characters".into(),
        scopes: vec!["phone".into()],
        redirect_url: Some(redirect),
    };
    (child, provider)
}

async fn spawn(engine: Engine, attack: &'static str) -> Option<TestApp> {
    if !ready() {
        return None;
    }
    TestApp::spawn_tuned(
        engine,
        Tuning {
            oidc: Some(attack),
            ..Tuning::default()
        },
    )
    .await
}

/// Walks `browser` from Baladiya's button through the provider's login
/// (as `login`, any password) and consent pages; returns the URL the
/// provider sends it back to and Baladiya's answer there.
async fn sign_in_at_provider(
    app: &TestApp,
    browser: &reqwest::Client,
    login: &str,
) -> (String, reqwest::Response) {
    let callback = app.url("/account/oidc/test/callback");
    let mut response = browser
        .get(app.url("/account/oidc/test"))
        .send()
        .await
        .expect("request");
    for _ in 0..12 {
        let url = response.url().clone();
        if response.status() == StatusCode::OK {
            let page = response.text().await.expect("page");
            let form: Vec<(&str, &str)> = if page.contains("value=\"login\"") {
                vec![("prompt", "login"), ("login", login), ("password", "any")]
            } else {
                assert!(page.contains("value=\"consent\""), "{page}");
                vec![("prompt", "consent")]
            };
            response = browser.post(url).form(&form).send().await.expect("request");
            continue;
        }
        assert!(
            response.status().is_redirection(),
            "{url}: {}",
            response.status()
        );
        let location = url
            .join(response.headers()["location"].to_str().expect("location"))
            .expect("a URL")
            .to_string();
        response = browser.get(&location).send().await.expect("request");
        if location.starts_with(&callback) {
            return (location, response);
        }
    }
    panic!("the provider never sent the browser back");
}

fn sets_session(response: &reqwest::Response) -> bool {
    response.headers().get_all("set-cookie").iter().any(|c| {
        c.to_str().is_ok_and(|c| {
            c.starts_with("baladiya_citizen=") && !c.starts_with("baladiya_citizen=;")
        })
    })
}

async fn a_citizen_signs_in_with_their_national_identity(engine: Engine) {
    let Some(app) = spawn(engine, "none").await else {
        return;
    };
    let browser = app.new_client();
    let page = html(&browser, app.url("/account/sign-in")).await;
    assert!(
        page.contains("href=\"/account/oidc/test\"") && page.contains("الدخول عبر"),
        "the provider's button: {page}"
    );
    // An application filed with 01012345678 before any account; the
    // provider vouches for that number.
    let filed = crate::applications::submitted(&app, crate::applications::renewal_form()).await;
    let (back, signed_in) = sign_in_at_provider(&app, &browser, "amina").await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed_in.headers()["location"], "/account");
    assert!(sets_session(&signed_in));
    let account = html(&browser, app.url("/account")).await;
    assert!(
        account.contains("•••••678"),
        "the number, masked: {account}"
    );
    assert!(
        account.contains(&filed),
        "what the number filed before: {account}"
    );
    // The provider's answer is used once, and only in the browser that
    // started the sign-in.
    let again = browser.get(&back).send().await.expect("request");
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    let elsewhere = app.new_client().get(&back).send().await.expect("request");
    assert_eq!(elsewhere.status(), StatusCode::BAD_REQUEST);
    assert!(
        elsewhere
            .text()
            .await
            .expect("html")
            .contains("ابدأ الدخول من جديد")
    );
    // The identity is tied to the number: a second sign-in, from another
    // browser, finds the same citizen.
    let other = app.new_client();
    let (_, again) = sign_in_at_provider(&app, &other, "amina").await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert!(html(&other, app.url("/account")).await.contains("•••••678"));
    assert_eq!(
        scalar_f64(
            &app.app.store,
            "SELECT COUNT(*) FROM citizen_identities i JOIN citizens c ON c.id = i.citizen_id \
             WHERE c.mobile = '+201012345678' AND i.subject = 'amina'",
        )
        .await,
        1.0
    );
    assert_eq!(
        scalar_f64(
            &app.app.store,
            "SELECT COUNT(*) FROM events WHERE action = 'citizen.signed_in'",
        )
        .await,
        2.0
    );
    app.stop().await;
}

async fn an_identity_without_a_number_is_tied_to_one_verified_by_a_code(engine: Engine) {
    let Some(app) = spawn(engine, "none").await else {
        return;
    };
    let browser = app.new_client();
    let (_, answer) = sign_in_at_provider(&app, &browser, "omar").await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    assert_eq!(answer.headers()["location"], "/account/sign-in");
    assert!(!sets_session(&answer), "not signed in without a number");
    let page = html(&browser, app.url("/account/sign-in")).await;
    assert!(
        page.contains("id=\"linking\"") && page.contains("الهوية الرقمية"),
        "asks for the number once: {page}"
    );
    let mobile = "+201098765432";
    let sent = crate::accounts::send_mobile(&app, &browser, "01098765432").await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let signed_in = enter_code(&app, &browser, mobile, &app.last_code(mobile)).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed_in.headers()["location"], "/account");
    // From now on the identity alone signs in to that number.
    let other = app.new_client();
    let (_, again) = sign_in_at_provider(&app, &other, "omar").await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(again.headers()["location"], "/account");
    assert!(html(&other, app.url("/account")).await.contains("•••••432"));
    // A code sign-in without the link ties nothing more.
    let plain = crate::accounts::ask_code(&app, "01112345678").await;
    let code = app.last_code("+201112345678");
    let signed_in = enter_code(&app, &plain, "+201112345678", &code).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        scalar_f64(&app.app.store, "SELECT COUNT(*) FROM citizen_identities").await,
        1.0
    );
    app.stop().await;
}

async fn forged_or_misdirected_identity_tokens_are_refused(engine: Engine) {
    for attack in ["bad-signature", "wrong-audience"] {
        let Some(app) = spawn(engine, attack).await else {
            return;
        };
        let browser = app.new_client();
        let (_, answer) = sign_in_at_provider(&app, &browser, "amina").await;
        assert_eq!(answer.status(), StatusCode::FORBIDDEN, "{attack}");
        assert!(!sets_session(&answer), "{attack}");
        assert!(
            answer
                .text()
                .await
                .expect("html")
                .contains("تعذّر التحقق من هويتك"),
            "{attack}"
        );
        let away = browser
            .get(app.url("/account"))
            .send()
            .await
            .expect("request");
        assert_eq!(
            away.status(),
            StatusCode::SEE_OTHER,
            "{attack}: not signed in"
        );
        assert_eq!(
            scalar_f64(&app.app.store, "SELECT COUNT(*) FROM citizen_sessions").await,
            0.0,
            "{attack}"
        );
        // A citizen who declines at the provider comes back refused too.
        let declined = browser
            .get(app.url("/account/oidc/test/callback?error=access_denied&state=x"))
            .send()
            .await
            .expect("request");
        assert_eq!(declined.status(), StatusCode::FORBIDDEN);
        app.stop().await;
    }
}
