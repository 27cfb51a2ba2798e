//! Citizens' accounts on both engines: sign-in with a one-time code
//! (the code read from the development SMS file), what a wrong, reused,
//! expired or spent code gets, the lockout, and "my affairs" — only the
//! citizen's own, including what they filed before they had an account.

use chrono::{Duration, Utc};
use reqwest::StatusCode;

use crate::support::{Engine, TestApp, csrf_of, html};

crate::on_both_engines!(
    a_citizen_signs_in_with_a_code_and_finds_their_own_affairs,
    codes_are_single_use_short_lived_and_wrong_tries_wait_per_client,
    the_pages_guide_citizens_to_their_tasks
);

pub const MOBILE: &str = "+201012345678";

/// Types `mobile` on `browser`'s sign-in page and asks for a code;
/// returns Baladiya's answer.
pub async fn send_mobile(
    app: &TestApp,
    browser: &reqwest::Client,
    mobile: &str,
) -> reqwest::Response {
    let page = html(browser, app.url("/account/sign-in")).await;
    assert!(page.contains("id=\"mobile-form\""), "{page}");
    browser
        .post(app.url("/account/sign-in"))
        .form(&[("csrf", csrf_of(&page)), ("mobile", mobile.to_owned())])
        .send()
        .await
        .expect("request")
}

/// Asks for a code for `mobile` as a fresh browser; returns the browser.
pub async fn ask_code(app: &TestApp, mobile: &str) -> reqwest::Client {
    let browser = app.new_client();
    let sent = send_mobile(app, &browser, mobile).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    browser
}

/// Sends `code` for `mobile` from `browser`'s code page.
pub async fn enter_code(
    app: &TestApp,
    browser: &reqwest::Client,
    mobile: &str,
    code: &str,
) -> reqwest::Response {
    let page = html(
        browser,
        app.url(&format!(
            "/account/code?mobile={}",
            mobile.replace('+', "%2B")
        )),
    )
    .await;
    assert!(page.contains("id=\"code-form\""), "{page}");
    browser
        .post(app.url("/account/code"))
        .form(&[
            ("csrf", csrf_of(&page)),
            ("mobile", mobile.to_owned()),
            ("code", code.to_owned()),
        ])
        .send()
        .await
        .expect("request")
}

async fn a_citizen_signs_in_with_a_code_and_finds_their_own_affairs(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    // Filed before the account existed: an application with the number,
    // and another person's application.
    let mine = crate::applications::submitted(&app, crate::applications::renewal_form()).await;
    let someone_else =
        crate::applications::submitted(&app, crate::applications::renewal_form_by("01112345678"))
            .await;
    let anonymous = app.new_client();
    let away = anonymous
        .get(app.url("/account"))
        .send()
        .await
        .expect("request");
    assert_eq!(away.status(), StatusCode::SEE_OTHER);
    assert_eq!(away.headers()["location"], "/account/sign-in");

    // A bad number is named; the local form of a good one is understood.
    let refused = send_mobile(&app, &app.new_client(), "0223456789").await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = refused.text().await.expect("html");
    assert!(refused.contains("href=\"#mobile\"") && refused.contains("value=\"0223456789\""));
    let browser = ask_code(&app, "010 1234 5678").await;
    let code = app.last_code(MOBILE);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = enter_code(&app, &browser, MOBILE, wrong).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .expect("html")
            .contains("الرمز غير صحيح")
    );
    let signed_in = enter_code(&app, &browser, MOBILE, &code).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed_in.headers()["location"], "/account");
    let cookie = signed_in.headers()["set-cookie"].to_str().expect("cookie");
    assert!(cookie.starts_with("baladiya_citizen=") && cookie.contains("HttpOnly"));

    let account = html(&browser, app.url("/account")).await;
    assert!(account.contains(&mine), "their application: {account}");
    assert!(!account.contains(&someone_else), "not another's");
    assert!(account.contains("تجديد"), "the service by name");
    assert!(account.contains("استُلم طلبك"), "the message sent to them");
    // Signing out ends the session.
    let csrf = crate::support::hidden_of(&account, "csrf");
    let out = browser
        .post(app.url("/account/sign-out"))
        .form(&[("csrf", csrf)])
        .send()
        .await
        .expect("request");
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let after = browser
        .get(app.url("/account"))
        .send()
        .await
        .expect("request");
    assert_eq!(after.status(), StatusCode::SEE_OTHER, "signed out");
    app.stop().await;
}

async fn codes_are_single_use_short_lived_and_wrong_tries_wait_per_client(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    // Used once only, even from another browser.
    let browser = ask_code(&app, MOBILE).await;
    let code = app.last_code(MOBILE);
    assert_eq!(
        enter_code(&app, &browser, MOBILE, &code).await.status(),
        StatusCode::SEE_OTHER
    );
    let again = enter_code(&app, &app.new_client(), MOBILE, &code).await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again
            .text()
            .await
            .expect("html")
            .contains("استُخدم هذا الرمز")
    );

    // An expired code, as the store keeps it, is refused.
    let store = &app.app.store;
    let past = Utc::now() - Duration::minutes(30);
    store
        .insert_citizen_code(
            MOBILE,
            &baladiya_app::citizens::code_hash(MOBILE, "424242"),
            past,
            past + Duration::minutes(10),
        )
        .await
        .expect("code");
    let expired = enter_code(&app, &app.new_client(), MOBILE, "424242").await;
    assert_eq!(expired.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(expired.text().await.expect("html").contains("انتهت صلاحية"));
    // Codes a day old are purged, with expired sessions.
    let purged = store
        .purge_citizen_sign_ins(Utc::now(), past + Duration::minutes(1))
        .await
        .expect("purge");
    assert_eq!(purged, 1, "the half-hour-old code only");
    assert!(
        store
            .latest_citizen_code(MOBILE)
            .await
            .expect("read")
            .is_some_and(|c| c.used_at.is_some()),
        "the used code of a minute ago stays"
    );

    // Only the latest code counts, and it allows five tries.
    let browser = ask_code(&app, MOBILE).await;
    let code = app.last_code(MOBILE);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..4 {
        let refused = enter_code(&app, &browser, MOBILE, wrong).await;
        assert!(
            refused
                .text()
                .await
                .expect("html")
                .contains("الرمز غير صحيح")
        );
    }
    let spent = enter_code(&app, &browser, MOBILE, wrong).await;
    assert!(spent.text().await.expect("html").contains("انتهت محاولات"));
    let too_late = enter_code(&app, &browser, MOBILE, &code).await;
    assert_eq!(
        too_late.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the right code, once spent"
    );
    // Three codes a quarter of an hour per number (two were sent).
    let _ = ask_code(&app, MOBILE).await;
    let throttled = send_mobile(&app, &app.new_client(), MOBILE).await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.sms_sent().len(), 3, "no fourth message");
    // Ten wrong codes for a number from one client make that client
    // wait; the number's owner, elsewhere, is not locked out (CIT-1: the
    // number itself was locked for everyone).
    let other = "+201112345678";
    let owner = ask_code(&app, other).await;
    let attacker = app.client_from("127.0.0.7");
    let mut statuses = Vec::new();
    for _ in 0..11 {
        statuses.push(enter_code(&app, &attacker, other, "000000").await.status());
    }
    assert_eq!(statuses[9], StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(statuses[10], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
    // The attacker spent the code's five tries: its owner asks for
    // another and signs in with it.
    let owner_again = ask_code(&app, other).await;
    drop(owner);
    let code = app.last_code(other);
    let signed_in = enter_code(&app, &owner_again, other, &code).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    app.stop().await;
}

/// The home page leads to tasks (search, the most used services, report a
/// problem, the account); the fee is said before applying; the tracking
/// page lists the steps still to come.
async fn the_pages_guide_citizens_to_their_tasks(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let tracking =
        crate::applications::submitted(&app, crate::applications::building_permit()).await;
    let home = html(&app.client, app.url("/?lang=ar")).await;
    assert!(home.contains("id=\"home-search\"") && home.contains("href=\"/reports/new\""));
    assert!(
        home.contains("href=\"/services/EG-BUILDING-PERMIT\""),
        "the most used service: {home}"
    );
    assert!(home.contains("href=\"/login\""), "staff sign-in kept apart");
    let apply = html(&app.client, app.url("/services/EG-BUILDING-PERMIT/apply")).await;
    assert!(
        apply.contains("id=\"fee-before\""),
        "the fee before applying"
    );
    let page = html(&app.client, app.url("/track")).await;
    let shown = app
        .client
        .post(app.url("/track?lang=ar"))
        .form(&[
            ("csrf", csrf_of(&page)),
            ("tracking_number", tracking.clone()),
            ("proof", crate::applications::egyptian_id()),
        ])
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("html");
    let to_come = shown
        .split("id=\"to-come\"")
        .nth(1)
        .expect("the steps to come");
    assert!(
        to_come.find("المعاينة").expect("the inspection")
            < to_come.find("إصدار").expect("the issuing"),
        "in order, the inspection before the issuing: {to_come}"
    );
    // Filed at Saqqara, a village with no center of its own: the tracking
    // page sends the citizen to Badrashin's, the nearest above it.
    let contact = shown
        .split("id=\"contact\"")
        .nth(1)
        .expect("where to ask about the application");
    assert!(
        contact.contains("المركز التكنولوجي لخدمة المواطنين بالبدرشين")
            && contact.contains("href=\"tel:0238501234\""),
        "{contact}"
    );

    // Help and contact on a service's page: its own questions first, then
    // the general ones; the centers of its country only.
    let renewal = html(
        &app.client,
        app.url("/services/EG-SHOP-LICENSE-RENEWAL?lang=ar"),
    )
    .await;
    let help = renewal.split("id=\"help\"").nth(1).expect("a help section");
    let own = help
        .find("متى أجدد ترخيص المحل؟")
        .expect("its own question");
    let general = help.find("كيف أدفع الرسوم؟").expect("a general question");
    assert!(own < general, "its own question first");
    assert!(
        help.contains("href=\"mailto:tc.awsim@giza.example.gov.eg\"") && !help.contains("الخبر"),
        "Egypt's centers only: {help}"
    );
    let permit = html(&app.client, app.url("/services/EG-BUILDING-PERMIT?lang=ar")).await;
    assert!(
        !permit.contains("متى أجدد ترخيص المحل؟") && permit.contains("هل أبدأ البناء"),
        "another service's questions stay there"
    );
    assert!(apply.contains("href=\"/services/EG-BUILDING-PERMIT#help\""));
    let saudi = html(&app.client, app.url("/services/SA-BUILDING-PERMIT?lang=en")).await;
    assert!(
        saudi.contains("Al Khobar municipality customer service center")
            && !saudi.contains("Badrashin")
    );
    app.stop().await;
}
