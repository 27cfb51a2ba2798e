//! Paying a fee online on both engines, through the simulated gateway and
//! the same adapter a real one uses: the whole redirect-and-callback
//! journey of a signed-in citizen; then what forged, replayed, wrong and
//! unknown callbacks get, and two at once — nothing paid twice, the
//! workflow moved on exactly once, the reconciliation listing what the
//! gateway reported and Baladiya did not record.

use baladiya_domain::payments::{Callback, GatewayStatus};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::accounts::{MOBILE, ask_code, enter_code};
use crate::support::{Engine, TestApp, html};

crate::on_both_engines!(
    a_citizen_pays_online_and_the_application_moves_on,
    bad_replayed_and_concurrent_callbacks_pay_nothing_twice,
    a_paid_and_a_failed_callback_at_once_stay_consistent
);

/// A building permit filed with `MOBILE`, taken by staff to its payment
/// step.
pub async fn at_payment(app: &TestApp) -> String {
    let tracking =
        crate::applications::submitted(app, crate::applications::building_permit()).await;
    let (clerk, officer, defense) = (
        app.token("eg.clerk").await,
        app.token("eg.officer").await,
        app.token("eg.defense").await,
    );
    let act = crate::applications::act;
    act(app, &clerk, &tracking, json!({"action": "accept"})).await;
    act(app, &officer, &tracking, json!({"action": "approve"})).await;
    act(app, &defense, &tracking, json!({"action": "approve"})).await;
    let at = act(
        app,
        &officer,
        &tracking,
        json!({"action": "pass_inspection"}),
    )
    .await;
    assert_eq!(at["current_step"]["kind"], "payment");
    tracking
}

async fn staff_view(app: &TestApp, tracking: &str) -> Value {
    let token = app.token("eg.clerk").await;
    app.client
        .get(app.url(&format!("/api/v1/staff/applications/{tracking}")))
        .bearer_auth(token)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json")
}

/// Sends `callback` as the gateway would, signed with `secret`; returns
/// the HTTP status Baladiya answered.
async fn call_back(app: &TestApp, callback: &Callback, secret: &str) -> u16 {
    let url = app.url("/api/v1/payments/callback");
    baladiya_app::payments::call_back(&url, secret, callback)
        .await
        .expect("posted")
}

const SECRET: &str = "test-gateway-secret";

/// Starts paying `tracking` online: the gateway's callback saying it was
/// paid, as transaction `gateway_ref`, for the pending payment made.
async fn paying(app: &TestApp, tracking: &str, gateway_ref: &str) -> Callback {
    let started = app
        .app
        .start_payment(MOBILE, tracking)
        .await
        .expect("started");
    let payment = app.app.payment(&started.reference).await.expect("payment");
    assert_eq!(payment.status, "pending");
    Callback {
        reference: started.reference,
        status: GatewayStatus::Paid,
        amount_minor: payment.amount_minor,
        currency: payment.currency,
        gateway_ref: gateway_ref.into(),
    }
}

async fn a_citizen_pays_online_and_the_application_moves_on(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let tracking = at_payment(&app).await;
    let browser = ask_code(&app, MOBILE).await;
    let code = app.last_code(MOBILE);
    assert_eq!(
        enter_code(&app, &browser, MOBILE, &code).await.status(),
        StatusCode::SEE_OTHER
    );
    let account = html(&browser, app.url("/account")).await;
    let form = format!("/account/applications/{tracking}/pay");
    assert!(account.contains(&form), "the pay button: {account}");
    // PAY-2: the Host header names another server; the gateway is still
    // told to call back and return the payer here.
    let to_gateway = browser
        .post(app.url(&form))
        .header("host", "127.0.0.1:9")
        .form(&[("csrf", crate::support::hidden_of(&account, "csrf"))])
        .send()
        .await
        .expect("request");
    assert_eq!(to_gateway.status(), StatusCode::SEE_OTHER);
    let gateway_page = to_gateway.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(gateway_page.starts_with("/gateway/simulated/pay/SIM-"));
    let page = html(&browser, app.url(&gateway_page)).await;
    let fee = staff_view(&app, &tracking).await["fee"].clone();
    assert!(page.contains("EGP"), "the amount to pay: {page} ({fee})");
    // The payer pays: the gateway calls back, then returns the payer.
    let back = browser
        .post(app.url(&gateway_page))
        .form(&[("decision", "pay")])
        .send()
        .await
        .expect("request");
    assert_eq!(back.status(), StatusCode::SEE_OTHER);
    let receipt_url = back.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(
        receipt_url.starts_with(&app.url("/payments/PAY-")),
        "{receipt_url}"
    );
    let receipt = html(&browser, receipt_url).await;
    assert!(receipt.contains("سُددت الرسوم"), "{receipt}");
    let gateway_ref = gateway_page.trim_start_matches("/gateway/simulated/pay/");
    assert!(
        receipt.contains(gateway_ref),
        "the gateway's transaction on the receipt"
    );
    let view = staff_view(&app, &tracking).await;
    assert_eq!(view["receipt_number"], gateway_ref);
    assert_eq!(view["current_step"]["kind"], "issuance", "{view}");
    // No longer payable: no button.
    let account = html(&browser, app.url("/account")).await;
    assert!(!account.contains(&form));
    app.stop().await;
}

async fn bad_replayed_and_concurrent_callbacks_pay_nothing_twice(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let tracking = at_payment(&app).await;
    let paid = paying(&app, &tracking, "GW-1").await;
    // Forged: another secret. Wrong amount, wrong currency: refused.
    assert_eq!(call_back(&app, &paid, "not-the-secret").await, 403);
    let cheaper = Callback {
        amount_minor: paid.amount_minor - 100,
        ..paid.clone()
    };
    assert_eq!(call_back(&app, &cheaper, SECRET).await, 422);
    let riyals = Callback {
        currency: "SAR".into(),
        ..paid.clone()
    };
    assert_eq!(call_back(&app, &riyals, SECRET).await, 422);
    let unknown = Callback {
        reference: "PAY-NOBODY-KNOWS".into(),
        ..paid.clone()
    };
    assert_eq!(call_back(&app, &unknown, SECRET).await, 404);
    assert_eq!(
        app.app.payment(&paid.reference).await.expect("p").status,
        "pending",
        "nothing settled by them"
    );
    // The right one twice at once, and a second charge at the same time:
    // one payment recorded, the workflow moved on once.
    let second_charge = Callback {
        gateway_ref: "GW-2".into(),
        ..paid.clone()
    };
    let (a, b, c) = tokio::join!(
        call_back(&app, &paid, SECRET),
        call_back(&app, &paid, SECRET),
        call_back(&app, &second_charge, SECRET),
    );
    let mut statuses = [a, b, c];
    statuses.sort_unstable();
    assert!(
        statuses == [200, 200, 409] || statuses == [200, 409, 409],
        "one charge recorded, its twin idempotent or refused, the other refused: {statuses:?}"
    );
    let settled = app.app.payment(&paid.reference).await.expect("p");
    assert_eq!(settled.status, "paid");
    let view = staff_view(&app, &tracking).await;
    assert_eq!(
        view["receipt_number"],
        settled.gateway_ref.clone().expect("ref")
    );
    let recorded = view["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter(|h| h["action"] == "record_payment")
        .count();
    assert_eq!(recorded, 1, "the workflow moved on exactly once");
    // A replay later changes nothing.
    let winner = Callback {
        gateway_ref: settled.gateway_ref.clone().expect("ref"),
        ..paid.clone()
    };
    assert_eq!(call_back(&app, &winner, SECRET).await, 200);
    assert_eq!(
        staff_view(&app, &tracking).await["version"],
        view["version"]
    );
    // The reconciliation lists what the gateway reported and Baladiya
    // did not record: the unknown payment and the refused second charge.
    let viewer = crate::applications::staff_client(&app, "eg.viewer").await;
    let report = html(&viewer, app.url("/staff/payments")).await;
    assert!(report.contains("PAY-NOBODY-KNOWS"), "{report}");
    assert!(report.contains("لا توجد دفعة بهذا المرجع"));
    assert!(report.contains(&paid.reference), "the recorded payment");
    let clerk = crate::applications::staff_client(&app, "eg.clerk").await;
    let refused = clerk
        .get(app.url("/staff/payments"))
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

/// PAY-1: a `paid` and a `failed` callback at the same moment left the
/// application paid and the payment failed, and reconciliation empty.
/// Over thirty rounds of three `paid` and one `failed` at once, the
/// payment and the application always agree, the workflow moves on at
/// most once, and every callback that lost is answered 409 and kept for
/// reconciliation.
async fn a_paid_and_a_failed_callback_at_once_stay_consistent(engine: Engine) {
    let limits = baladiya_app::Limits {
        submissions_per_client: 1_000,
        ..baladiya_app::Limits::default()
    };
    let Some(app) = TestApp::spawn_with(engine, limits).await else {
        return;
    };
    let (mut tracking, mut outcomes) = (at_payment(&app).await, (0, 0));
    for round in 0..30 {
        let paid = paying(&app, &tracking, &format!("GW-{round}")).await;
        let failed = Callback {
            status: GatewayStatus::Failed,
            ..paid.clone()
        };
        let (a, b, c, d) = tokio::join!(
            call_back(&app, &paid, SECRET),
            call_back(&app, &paid, SECRET),
            call_back(&app, &failed, SECRET),
            call_back(&app, &paid, SECRET),
        );
        let settled = app.app.payment(&paid.reference).await.expect("p");
        let view = staff_view(&app, &tracking).await;
        let recorded = view["history"]
            .as_array()
            .expect("history")
            .iter()
            .filter(|h| h["action"] == "record_payment")
            .count();
        match settled.status.as_str() {
            "paid" => {
                assert_eq!(view["receipt_number"], paid.gateway_ref, "round {round}");
                assert_eq!(recorded, 1, "round {round}");
                assert_eq!(c, 409, "round {round}: the failed callback lost");
                assert_eq!([a, b, d], [200, 200, 200], "round {round}");
                outcomes.0 += 1;
                tracking = at_payment(&app).await;
            }
            "failed" => {
                assert!(view["receipt_number"].is_null(), "round {round}: {view}");
                assert_eq!(recorded, 0, "round {round}");
                assert_eq!(view["current_step"]["kind"], "payment");
                assert_eq!(c, 200, "round {round}");
                assert_eq!([a, b, d], [409, 409, 409], "round {round}");
                outcomes.1 += 1;
            }
            other => panic!("round {round}: the payment is {other}"),
        }
    }
    // Every callback that lost is in the reconciliation report.
    let viewer = crate::applications::staff_client(&app, "eg.viewer").await;
    let report = html(&viewer, app.url("/staff/payments")).await;
    let lost = report.matches("سُويت هذه الدفعة من قبل بحالة أخرى").count();
    eprintln!(
        "{engine:?}: paid won {} rounds, failed {}; {lost} lost callbacks reconciled",
        outcomes.0, outcomes.1
    );
    assert_eq!(
        lost,
        outcomes.0 + 3 * outcomes.1,
        "one lost callback a round paid, three a round failed"
    );
    app.stop().await;
}
