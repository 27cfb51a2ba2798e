//! The one-stop shop end to end over HTTP, on both engines: the full life
//! of demo services, permissions, bad input and concurrent officers.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::support::{Engine, TestApp};

crate::on_both_engines!(
    a_building_permit_goes_through_parallel_approvals_to_a_verified_license,
    a_returned_application_is_completed_and_resubmitted,
    a_rejected_application_is_closed_and_can_be_rated_once,
    clerks_take_walk_in_applications_for_their_own_unit_only,
    an_officer_of_another_unit_is_denied,
    bad_applications_are_refused_with_field_codes_and_nothing_is_written,
    wrong_state_and_stale_versions_are_conflicts,
    two_officers_at_once_exactly_one_wins,
    two_servers_on_one_database_exactly_one_wins,
    the_catalog_is_searchable_in_arabic,
    overdue_applications_are_escalated_to_the_unit_head,
    staff_pages_show_inbox_intake_and_overview,
    applications_keep_the_procedure_version_they_were_submitted_under,
);

pub const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
pub const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

pub fn egyptian_id() -> String {
    baladiya_domain::country::EgyptianNationalId::with_check_digit("2850312210045")
        .expect("13 digits")
}

fn file(bytes: &[u8], name: &str) -> Part {
    Part::bytes(bytes.to_vec()).file_name(name.to_owned())
}

/// A multipart application form.
pub fn form(
    service: &str,
    unit: &str,
    fields: &[(&str, &str)],
    documents: &[(&str, &[u8], &str)],
) -> Form {
    form_by("01012345678", service, unit, fields, documents)
}

/// The same, by the applicant with this mobile number.
pub fn form_by(
    phone: &str,
    service: &str,
    unit: &str,
    fields: &[(&str, &str)],
    documents: &[(&str, &[u8], &str)],
) -> Form {
    let mut form = Form::new()
        .text("service", service.to_owned())
        .text("unit", unit.to_owned())
        .text("applicant_name", "محمد أحمد عبد الله")
        .text("applicant_id", egyptian_id())
        .text("applicant_phone", phone.to_owned());
    for (code, value) in fields {
        form = form.text(format!("field.{code}"), (*value).to_owned());
    }
    for (code, bytes, name) in documents {
        form = form.part(format!("document.{code}"), file(bytes, name));
    }
    form
}

pub fn building_permit() -> Form {
    form(
        "EG-BUILDING-PERMIT",
        "EG-GZ-BDR-SQR",
        &[
            ("plot_area", "240"),
            ("floors", "3"),
            ("use", "residential"),
            ("street", "شارع المدارس، سقارة"),
            ("location", "29.8711, 31.2165"),
        ],
        &[
            ("ownership-deed", PDF, "deed.pdf"),
            ("national-id-copy", PNG, "id.png"),
            ("site-validity", PDF, "site.pdf"),
            ("drawings", PDF, "drawings.pdf"),
            ("structural-certificate", PDF, "structure.pdf"),
        ],
    )
}

/// A shop-license renewal at Badrashin: the simplest complete application.
pub fn renewal_form() -> Form {
    renewal_form_by("01012345678")
}

/// The same, by the applicant with this mobile number.
pub fn renewal_form_by(phone: &str) -> Form {
    form_by(
        phone,
        "EG-SHOP-LICENSE-RENEWAL",
        "EG-GZ-BDR",
        &[("license_number", "BDR/2019/553"), ("address", "البدرشين")],
        &[
            ("national-id-copy", PNG, "id.png"),
            ("current-license", PDF, "license.pdf"),
        ],
    )
}

/// The kinds of the notifications queued for an application, oldest first.
async fn notice_kinds(app: &TestApp, tracking: &str) -> Vec<String> {
    app.app
        .store
        .notifications_of(tracking)
        .await
        .expect("outbox")
        .into_iter()
        .map(|(kind, _)| kind)
        .collect()
}

async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.expect("JSON body")
}

/// Submits online (no token) or at the counter (a clerk's token).
pub async fn submit(app: &TestApp, form: Form, token: Option<&str>) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url("/api/v1/applications?lang=en"))
        .multipart(form);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("request")
}

pub async fn submitted(app: &TestApp, form: Form) -> String {
    let response = submit(app, form, None).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body = json_of(response).await;
    body["tracking_number"]
        .as_str()
        .expect("tracking number")
        .to_owned()
}

async fn staff_view(app: &TestApp, token: &str, tracking: &str) -> Value {
    let response = app
        .client
        .get(app.url(&format!("/api/v1/staff/applications/{tracking}")))
        .bearer_auth(token)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::OK);
    json_of(response).await
}

async fn act_raw(app: &TestApp, token: &str, tracking: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/applications/{tracking}/actions?lang=en")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("request")
}

/// Acts with the current version; asserts success; returns the new view.
pub async fn act(app: &TestApp, token: &str, tracking: &str, mut body: Value) -> Value {
    let version = staff_view(app, token, tracking).await["version"].clone();
    body["version"] = version;
    let response = act_raw(app, token, tracking, body.clone()).await;
    let status = response.status();
    let answer = json_of(response).await;
    assert_eq!(status, StatusCode::OK, "{body} → {answer}");
    answer
}

async fn track(app: &TestApp, tracking: &str, proof: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/track?lang=en"))
        .json(&json!({"tracking_number": tracking, "proof": proof}))
        .send()
        .await
        .expect("request")
}

pub async fn count(app: &TestApp, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    match &app.app.store {
        baladiya_store::Store::Sqlite(baladiya_store::SqliteStore { pool, .. }) => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(pool)
                .await
        }
        baladiya_store::Store::Postgres(pool) => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(pool)
                .await
        }
    }
    .expect("count")
}

async fn a_building_permit_goes_through_parallel_approvals_to_a_verified_license(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let response = submit(&app, building_permit(), None).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body = json_of(response).await;
    let tracking = body["tracking_number"].as_str().expect("number").to_owned();
    assert!(tracking.starts_with("EG-GZ-BDR-SQR-20"), "{tracking}");
    assert_eq!(body["status"], "in_progress");
    assert_eq!(body["channel"], "online");
    assert_eq!(body["current_step"]["code"], "document-check");
    assert_eq!(body["fee"]["amount"], "1700.00", "500 + 240 m² × 5");
    assert_eq!(body["fee"]["currency"], "EGP");
    assert_eq!(body["documents"].as_array().expect("documents").len(), 5);
    assert!(
        body.get("applicant").is_none(),
        "the public view has no personal data block"
    );
    // The filing's answer (built from what was written) is the
    // application as any later read finds it.
    let tracked = json_of(track(&app, &tracking, "01012345678").await).await;
    assert_eq!(tracked, body);

    let clerk = app.token("eg.clerk").await;
    let officer = app.token("eg.officer").await;
    let defense = app.token("eg.defense").await;
    let head = app.token("eg.head").await;

    let after = act(&app, &clerk, &tracking, json!({"action": "accept"})).await;
    assert_eq!(after["current_step"]["kind"], "parallel_approvals");
    assert_eq!(
        after["current_step"]["pending_departments"],
        json!(["engineering", "civil_defense_liaison"])
    );
    // Engineering approves: the step waits for civil protection.
    let after = act(&app, &officer, &tracking, json!({"action": "approve"})).await;
    assert_eq!(after["current_step"]["code"], "approvals");
    assert_eq!(
        after["current_step"]["approved_departments"],
        json!(["engineering"])
    );
    assert_eq!(
        after["current_step"]["pending_departments"],
        json!(["civil_defense_liaison"])
    );
    // The engineering officer cannot approve for civil protection.
    let v = staff_view(&app, &officer, &tracking).await["version"].clone();
    let denied = act_raw(
        &app,
        &officer,
        &tracking,
        json!({"action": "approve", "department": "civil_defense_liaison", "version": v}),
    )
    .await;
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
    let after = act(
        &app,
        &defense,
        &tracking,
        json!({"action": "approve", "comment": "مطابق لاشتراطات الحماية المدنية"}),
    )
    .await;
    assert_eq!(after["current_step"]["code"], "inspection");
    let after = act(
        &app,
        &officer,
        &tracking,
        json!({"action": "pass_inspection", "comment": "المعاينة مطابقة"}),
    )
    .await;
    assert_eq!(after["current_step"]["kind"], "payment");
    let missing_receipt = act_raw(
        &app,
        &clerk,
        &tracking,
        json!({"action": "record_payment", "version": after["version"]}),
    )
    .await;
    assert_eq!(missing_receipt.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        json_of(missing_receipt).await["fields"][0]["field"],
        "receipt_number"
    );
    let after = act(
        &app,
        &clerk,
        &tracking,
        json!({"action": "record_payment", "receipt_number": "RCPT-2026-0042"}),
    )
    .await;
    assert_eq!(after["receipt_number"], "RCPT-2026-0042");
    let issued = act(&app, &head, &tracking, json!({"action": "issue"})).await;
    assert_eq!(issued["status"], "issued");
    let code = issued["license"]["verification_code"]
        .as_str()
        .expect("code")
        .to_owned();

    // Anyone can verify the license; no personal data is shown.
    let verified = json_of(
        app.client
            .get(app.url(&format!("/api/v1/verify/{code}")))
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(verified["status"], "valid");
    assert_eq!(verified["signature_valid"], true);
    assert_eq!(verified["service"]["code"], "EG-BUILDING-PERMIT");
    assert_eq!(verified["holder"], "م*** أ*** ع*** ا***");
    assert!(!verified.to_string().contains(&egyptian_id()));
    let unknown = app
        .client
        .get(app.url("/api/v1/verify/AAAA-BBBB-CCCC"))
        .send()
        .await
        .expect("request");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    // The printable document: titled by its kind (a building permit is a
    // permit), with what it grants, its number, dates, issuer and
    // signatory. The public copy masks the holder; the holder's own copy,
    // asked with the tracking proof, names them.
    let public =
        crate::support::html(&app.client, app.url(&format!("/licenses/{code}?lang=ar"))).await;
    for shown in [
        "<p class=\"document-kind\">تصريح</p>",
        "رقم التصريح",
        "مساحة الأرض (م²)",
        "<bdi>240</bdi>",
        "سكني",
        "جهة الإصدار",
        "المعتمِد",
        "م*** أ*** ع*** ا***",
        "class=\"qr\"",
    ] {
        assert!(public.contains(shown), "{shown} on the public copy");
    }
    assert!(!public.contains("محمد أحمد عبد الله") && !public.contains(&tracking));
    // Dates read in Arabic with month names, never as ISO text (which
    // reads backwards after Arabic words).
    let issued_on = issued["license"]["issued_on"].as_str().expect("date");
    assert!(!public.contains(issued_on), "{issued_on} as ISO text");
    let months = [
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "مايو",
        "يونيو",
        "يوليو",
        "أغسطس",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
    ];
    assert!(
        months.iter().any(|m| public.contains(m)),
        "an Arabic month name"
    );
    assert!(!public.contains("رقم الترخيص"), "not called a license");
    let (tracked_page, csrf) = {
        let page = crate::support::html(&app.client, app.url("/track")).await;
        let csrf = crate::support::csrf_of(&page);
        (page, csrf)
    };
    assert!(tracked_page.contains("name=\"csrf\""));
    let holder = |proof: String| {
        app.client
            .post(app.url(&format!("/licenses/{code}")))
            .form(&[
                ("csrf", csrf.as_str()),
                ("tracking_number", tracking.as_str()),
                ("proof", proof.as_str()),
            ])
            .send()
    };
    let own = holder(egyptian_id()).await.expect("request");
    assert_eq!(own.status(), StatusCode::OK);
    let own = own.text().await.expect("html");
    assert!(own.contains("محمد أحمد عبد الله") && own.contains(&tracking));
    let wrong = holder("29001011234567".to_owned()).await.expect("request");
    assert_eq!(
        wrong.status(),
        StatusCode::NOT_FOUND,
        "not without the proof"
    );

    // The applicant follows it with the number and their ID or phone.
    let tracked = json_of(track(&app, &tracking, &egyptian_id()).await).await;
    assert_eq!(tracked["status"], "issued");
    let actions: Vec<&str> = tracked["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|h| h["action"].as_str().expect("a"))
        .collect();
    assert_eq!(
        actions,
        [
            "submitted",
            "accept",
            "approve",
            "approve",
            "pass_inspection",
            "record_payment",
            "issue"
        ]
    );
    assert!(
        tracked["history"][0].get("actor").is_none(),
        "no staff names in public"
    );
    assert_eq!(
        track(&app, &tracking, "+20 101 234 5678").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        track(&app, &tracking, "01099999999").await.status(),
        StatusCode::NOT_FOUND,
        "someone else's phone"
    );

    let kinds = notice_kinds(&app, &tracking).await;
    assert_eq!(
        kinds,
        ["submitted", "approved", "ready_for_payment", "issued"]
    );

    // Revocation shows on the public check.
    let revoke = app
        .client
        .post(app.url(&format!("/api/v1/applications/{tracking}/revoke")))
        .bearer_auth(&head)
        .json(&json!({"reason": "صدر بناء على مستند مزور"}))
        .send()
        .await
        .expect("request");
    assert_eq!(revoke.status(), StatusCode::NO_CONTENT);
    let verified = json_of(
        app.client
            .get(app.url(&format!("/api/v1/verify/{}", code.to_lowercase())))
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(verified["status"], "revoked");
    app.stop().await;
}

async fn a_returned_application_is_completed_and_resubmitted(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let renewal = form(
        "EG-SHOP-LICENSE-RENEWAL",
        "EG-GZ-BDR",
        &[
            ("license_number", "BDR/2019/553"),
            ("address", "شارع البحر الأعظم، البدرشين"),
        ],
        &[
            ("national-id-copy", PNG, "id.png"),
            ("current-license", PNG, "old-license.png"),
        ],
    );
    let tracking = submitted(&app, renewal).await;
    let clerk = app.token("eg.clerk").await;
    let no_reason = act_raw(
        &app,
        &clerk,
        &tracking,
        json!({"action": "return_for_completion", "version": 1}),
    )
    .await;
    assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        json_of(no_reason).await["fields"][0]["code"],
        "reason-required"
    );
    let unknown = act_raw(&app, &clerk, &tracking, json!({"action": "return_for_completion", "comment": "x", "to_correct": ["no-such-document"], "version": 1})).await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // The clerk names the document to replace.
    let returned = act(&app, &clerk, &tracking, json!({"action": "return_for_completion", "comment": "صورة الترخيص غير واضحة؛ ارفع نسخة PDF", "to_correct": ["current-license"]})).await;
    assert_eq!(returned["status"], "returned");
    let waiting = act_raw(
        &app,
        &clerk,
        &tracking,
        json!({"action": "accept", "version": returned["version"]}),
    )
    .await;
    assert_eq!(waiting.status(), StatusCode::CONFLICT);
    assert_eq!(
        json_of(waiting).await["code"],
        "application-waiting-for-applicant"
    );

    let tracked = json_of(track(&app, &tracking, &egyptian_id()).await).await;
    assert_eq!(tracked["status"], "returned");
    assert_eq!(
        tracked["history"][1]["comment"],
        "صورة الترخيص غير واضحة؛ ارفع نسخة PDF"
    );

    // The applicant's page says why at the top and asks for that document
    // only.
    let page = crate::support::html(&app.client, app.url("/track")).await;
    let shown = app
        .client
        .post(app.url("/track?lang=ar"))
        .form(&[
            ("csrf", crate::support::csrf_of(&page).as_str()),
            ("tracking_number", tracking.as_str()),
            ("proof", egyptian_id().as_str()),
        ])
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("html");
    assert!(
        shown.contains("class=\"panel return-request\"")
            && shown.find("صورة الترخيص غير واضحة") < shown.find("<ol class=\"history\">"),
        "the reason comes first"
    );
    assert!(shown.contains("name=\"document.current-license\""));
    assert!(
        !shown.contains("name=\"document.national-id-copy\""),
        "only the named document is asked for"
    );
    let nothing = app
        .client
        .post(app.url(&format!("/api/v1/applications/{tracking}/resubmit")))
        .multipart(Form::new().text("proof", egyptian_id()))
        .send()
        .await
        .expect("request");
    assert_eq!(nothing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        json_of(nothing).await["fields"][0]["field"],
        "documents.current-license"
    );
    let resubmit = |proof: String| {
        Form::new()
            .text("proof", proof)
            .text("comment", "أرفقت نسخة واضحة")
            .part("document.current-license", file(PDF, "license.pdf"))
    };
    let wrong = app
        .client
        .post(app.url(&format!("/api/v1/applications/{tracking}/resubmit")))
        .multipart(resubmit("29001010000000".into()))
        .send()
        .await
        .expect("request");
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND, "only the applicant");
    let back = app
        .client
        .post(app.url(&format!("/api/v1/applications/{tracking}/resubmit")))
        .multipart(resubmit(egyptian_id()))
        .send()
        .await
        .expect("request");
    assert_eq!(back.status(), StatusCode::OK);
    let back = json_of(back).await;
    assert_eq!(back["status"], "in_progress");
    assert_eq!(back["current_step"]["code"], "document-check");
    assert_eq!(
        back["documents"].as_array().expect("documents").len(),
        3,
        "the new file is kept beside the old"
    );
    let accepted = act(&app, &clerk, &tracking, json!({"action": "accept"})).await;
    assert_eq!(accepted["current_step"]["code"], "review");
    let kinds = notice_kinds(&app, &tracking).await;
    assert_eq!(kinds, ["submitted", "returned"]);
    app.stop().await;
}

async fn a_rejected_application_is_closed_and_can_be_rated_once(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let shop = form(
        "EG-SHOP-LICENSE",
        "EG-GZ-BDR",
        &[
            ("activity", "cafe"),
            ("shop_area", "85"),
            ("address", "ميدان البدرشين"),
        ],
        &[
            ("national-id-copy", PDF, "id.pdf"),
            ("lease-or-deed", PDF, "lease.pdf"),
            ("layout", PNG, "layout.png"),
        ],
    );
    let tracking = submitted(&app, shop).await;
    let clerk = app.token("eg.clerk").await;
    let licensing = app.token("eg.licensing").await;
    let defense = app.token("eg.defense").await;
    act(&app, &clerk, &tracking, json!({"action": "accept"})).await;
    act(&app, &licensing, &tracking, json!({"action": "approve"})).await;
    let early = app
        .client
        .post(app.url(&format!("/api/v1/applications/{tracking}/rating")))
        .json(&json!({"proof": egyptian_id(), "rating": 5}))
        .send()
        .await
        .expect("request");
    assert_eq!(
        early.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "not before it is finished"
    );
    let rejected = act(
        &app,
        &defense,
        &tracking,
        json!({"action": "reject", "comment": "لا يوجد مخرج طوارئ ثانٍ"}),
    )
    .await;
    assert_eq!(rejected["status"], "rejected");
    assert!(rejected["current_step"].is_null());
    let closed = act_raw(
        &app,
        &licensing,
        &tracking,
        json!({"action": "approve", "version": rejected["version"]}),
    )
    .await;
    assert_eq!(closed.status(), StatusCode::CONFLICT);
    assert_eq!(json_of(closed).await["code"], "application-closed");
    let tracked = json_of(track(&app, &tracking, "01012345678").await).await;
    assert_eq!(tracked["status"], "rejected");
    assert_eq!(tracked["history"][3]["comment"], "لا يوجد مخرج طوارئ ثانٍ");
    for (expected, rating) in [
        (StatusCode::UNPROCESSABLE_ENTITY, 6),
        (StatusCode::CREATED, 2),
        (StatusCode::CONFLICT, 4),
    ] {
        let response = app
            .client
            .post(app.url(&format!("/api/v1/applications/{tracking}/rating")))
            .json(&json!({"proof": egyptian_id(), "rating": rating, "comment": "الرفض كان واضحًا على الأقل"}))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), expected, "rating {rating}");
    }
    let kinds = notice_kinds(&app, &tracking).await;
    assert_eq!(kinds, ["submitted", "rejected"]);
    app.stop().await;
}

async fn clerks_take_walk_in_applications_for_their_own_unit_only(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let clerk = app.token("eg.clerk").await;
    let response = submit(&app, building_permit(), Some(&clerk)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body = json_of(response).await;
    assert_eq!(body["channel"], "counter");
    assert_eq!(
        body["applicant"]["id_number"],
        egyptian_id(),
        "staff see the applicant"
    );
    let other = app.token("eg.clerk.awsim").await;
    let before = count(&app, "applications").await;
    let denied = submit(&app, building_permit(), Some(&other)).await;
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
    assert_eq!(count(&app, "applications").await, before);
    let bad_token = submit(&app, building_permit(), Some("not-a-token")).await;
    assert_eq!(
        bad_token.status(),
        StatusCode::UNAUTHORIZED,
        "a bad token is not anonymous"
    );
    app.stop().await;
}

async fn an_officer_of_another_unit_is_denied(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let tracking = submitted(&app, building_permit()).await;
    let other = app.token("eg.clerk.awsim").await;
    let view = app
        .client
        .get(app.url(&format!("/api/v1/staff/applications/{tracking}")))
        .bearer_auth(&other)
        .send()
        .await
        .expect("request");
    assert_eq!(view.status(), StatusCode::FORBIDDEN);
    let acted = act_raw(
        &app,
        &other,
        &tracking,
        json!({"action": "accept", "version": 1}),
    )
    .await;
    assert_eq!(acted.status(), StatusCode::FORBIDDEN);
    let saudi = app.token("sa.clerk").await;
    assert_eq!(
        act_raw(
            &app,
            &saudi,
            &tracking,
            json!({"action": "accept", "version": 1})
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    // The right clerk sees it in the inbox; the other does not.
    let clerk = app.token("eg.clerk").await;
    let inbox = json_of(
        app.client
            .get(app.url("/api/v1/inbox"))
            .bearer_auth(&clerk)
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert!(
        inbox["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|i| i["tracking_number"] == tracking.as_str())
    );
    let inbox = json_of(
        app.client
            .get(app.url("/api/v1/inbox"))
            .bearer_auth(&other)
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert!(inbox["items"].as_array().expect("items").is_empty());
    // An engineering officer's inbox is empty until document check is done.
    let officer = app.token("eg.officer").await;
    let inbox = json_of(
        app.client
            .get(app.url("/api/v1/inbox"))
            .bearer_auth(&officer)
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert!(inbox["items"].as_array().expect("items").is_empty());
    act(&app, &clerk, &tracking, json!({"action": "accept"})).await;
    let inbox = json_of(
        app.client
            .get(app.url("/api/v1/inbox"))
            .bearer_auth(&officer)
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(inbox["items"][0]["tracking_number"], tracking.as_str());
    app.stop().await;
}

async fn bad_applications_are_refused_with_field_codes_and_nothing_is_written(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let before = (
        count(&app, "applications").await,
        count(&app, "events").await,
        count(&app, "application_documents").await,
    );
    let fields = [
        ("plot_area", "240"),
        ("floors", "3"),
        ("use", "residential"),
        ("street", "x"),
    ];
    let docs_without_deed: Vec<(&str, &[u8], &str)> = vec![
        ("national-id-copy", PNG, "id.png"),
        ("site-validity", PDF, "site.pdf"),
        (
            "drawings",
            b"this is a text file pretending to be a PDF",
            "drawings.pdf",
        ),
        ("structural-certificate", PDF, "structure.pdf"),
    ];
    let cases: Vec<(Form, Vec<(&str, &str)>)> = vec![
        (
            form("EG-NO-SUCH-SERVICE", "EG-GZ-BDR", &[], &[]),
            vec![("service", "service-unknown")],
        ),
        (
            form(
                "EG-BUILDING-PERMIT",
                "EG-GZ-BDR",
                &fields,
                &docs_without_deed,
            ),
            vec![
                ("documents.ownership-deed", "document-required"),
                ("documents.drawings", "document-type-not-accepted"),
            ],
        ),
        (
            form("EG-BUILDING-PERMIT", "SA-04-KHB", &fields, &[]),
            vec![("unit", "unit-wrong-country")],
        ),
        (
            building_permit()
                .text("applicant_id", "29001152101230")
                .text("field.floors", "40"),
            vec![
                ("applicant_id", "national-id-check-digit"),
                ("fields.floors", "number-out-of-range"),
            ],
        ),
    ];
    for (form, expected) in cases {
        let response = submit(&app, form, None).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = json_of(response).await;
        assert_eq!(body["code"], "invalid-input");
        let got: Vec<(String, String)> = body["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .map(|f| {
                (
                    f["field"].as_str().expect("f").to_owned(),
                    f["code"].as_str().expect("c").to_owned(),
                )
            })
            .collect();
        for (field, code) in expected {
            assert!(
                got.contains(&(field.to_owned(), code.to_owned())),
                "{field}/{code} missing in {got:?}"
            );
        }
        assert!(
            body["fields"][0]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    let not_multipart = app
        .client
        .post(app.url("/api/v1/applications"))
        .json(&json!({"service": "EG-BUILDING-PERMIT"}))
        .send()
        .await
        .expect("request");
    assert_eq!(not_multipart.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let after = (
        count(&app, "applications").await,
        count(&app, "events").await,
        count(&app, "application_documents").await,
    );
    assert_eq!(before, after, "nothing was written");
    app.stop().await;
}

async fn wrong_state_and_stale_versions_are_conflicts(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let tracking = submitted(&app, building_permit()).await;
    let clerk = app.token("eg.clerk").await;
    let events = count(&app, "events").await;
    let wrong = act_raw(
        &app,
        &clerk,
        &tracking,
        json!({"action": "record_payment", "receipt_number": "R1", "version": 1}),
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::CONFLICT);
    assert_eq!(json_of(wrong).await["code"], "action-not-allowed-now");
    let unknown = act_raw(
        &app,
        &clerk,
        &tracking,
        json!({"action": "stamp", "version": 1}),
    )
    .await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    act(&app, &clerk, &tracking, json!({"action": "accept"})).await;
    let officer = app.token("eg.officer").await;
    let stale = act_raw(
        &app,
        &officer,
        &tracking,
        json!({"action": "approve", "version": 1}),
    )
    .await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let body = json_of(stale).await;
    assert_eq!(body["code"], "stale-version");
    assert_eq!(
        body["message"],
        "Someone else changed this application before you. Reload it and try again."
    );
    assert_eq!(
        count(&app, "events").await,
        events + 1,
        "only the accepted action wrote an event"
    );
    let missing = app
        .client
        .get(app.url("/api/v1/staff/applications/EG-GZ-BDR-2026-999999-Z"))
        .bearer_auth(&clerk)
        .send()
        .await
        .expect("request");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    app.stop().await;
}

/// Both requests carry the same version: one must win, one must get 409.
async fn race(first: (&TestApp, &str), second: (&TestApp, &str), tracking: &str) {
    let body = json!({"action": "accept", "version": 1});
    let (a, b) = tokio::join!(
        act_raw(first.0, first.1, tracking, body.clone()),
        act_raw(second.0, second.1, tracking, body.clone())
    );
    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let view = staff_view(first.0, first.1, tracking).await;
    assert_eq!(view["version"], 2);
    let accepts = view["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter(|h| h["action"] == "accept")
        .count();
    assert_eq!(accepts, 1);
}

async fn two_officers_at_once_exactly_one_wins(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let tracking = submitted(&app, building_permit()).await;
    let one = app.token("eg.clerk").await;
    let two = app.token("eg.clerk").await;
    race((&app, &one), (&app, &two), &tracking).await;
    app.stop().await;
}

async fn two_servers_on_one_database_exactly_one_wins(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let other = app.another_server().await;
    let tracking = submitted(&app, building_permit()).await;
    let one = app.token("eg.clerk").await;
    let two = other.token("eg.clerk").await;
    race((&app, &one), (&other, &two), &tracking).await;
    other.stop().await;
    app.stop().await;
}

async fn the_catalog_is_searchable_in_arabic(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let search = |q: &str| {
        app.client
            .get(app.url("/api/v1/services"))
            .query(&[("q", q)])
            .send()
    };
    let codes = |v: Value| {
        v.as_array()
            .expect("list")
            .iter()
            .map(|s| s["code"].as_str().expect("code").to_owned())
            .collect::<Vec<_>>()
    };
    let all = codes(
        json_of(
            app.client
                .get(app.url("/api/v1/services"))
                .send()
                .await
                .expect("request"),
        )
        .await,
    );
    assert!(all.len() >= 12, "{all:?}");
    // Diacritics and taa marbuta are folded, derived forms and synonyms
    // kept in the catalog found: "رُخْصَه مَحَل" finds the Saudi "رخصة"
    // services and the Egyptian "ترخيص" ones; «رخصة بناء», which found
    // nothing in Egypt, puts the building permit first.
    let shops = codes(json_of(search("رُخْصَه مَحَل").await.expect("request")).await);
    for code in [
        "SA-COMMERCIAL-ACTIVITY-LICENSE",
        "EG-SHOP-LICENSE",
        "EG-SHOP-LICENSE-RENEWAL",
    ] {
        assert!(shops.contains(&code.to_owned()), "{code}: {shops:?}");
    }
    let building = codes(json_of(search("رخصة بناء").await.expect("request")).await);
    assert_eq!(
        building.first().map(String::as_str),
        Some("EG-BUILDING-PERMIT"),
        "{building:?}"
    );
    let certificate = codes(json_of(search("إفادة").await.expect("request")).await);
    assert!(
        certificate.iter().any(|c| c.contains("CERTIFICATE")),
        "إفادة finds the certificates: {certificate:?}"
    );
    let shops = codes(json_of(search("ترخيص محل").await.expect("request")).await);
    assert!(
        shops.contains(&"EG-SHOP-LICENSE".to_owned())
            && shops.contains(&"EG-SHOP-LICENSE-RENEWAL".to_owned()),
        "{shops:?}"
    );
    let occupancy = codes(json_of(search("اشغال طريق").await.expect("request")).await);
    assert_eq!(
        occupancy.first().map(String::as_str),
        Some("EG-STREET-OCCUPANCY"),
        "إشغال found as اشغال, first: {occupancy:?}"
    );
    let saudi = codes(
        json_of(
            app.client
                .get(app.url("/api/v1/services?country=SA&q=permit"))
                .send()
                .await
                .expect("request"),
        )
        .await,
    );
    assert!(
        saudi.iter().all(|c| c.starts_with("SA-")) && saudi.len() >= 3,
        "{saudi:?}"
    );
    let detail = json_of(
        app.client
            .get(app.url("/api/v1/services/eg-building-permit"))
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(
        detail["steps"][1]["departments"],
        json!(["engineering", "civil_defense_liaison"])
    );
    assert_eq!(detail["fee"]["minimum"], "1000.00");
    assert_eq!(
        detail["legal_basis_ar"],
        "قانون البناء رقم 119 لسنة 2008 ولائحته التنفيذية"
    );
    app.stop().await;
}

async fn set_due_in_the_past(app: &TestApp, tracking: &str) {
    let sql = "UPDATE applications SET step_due_on = $1, due_on = $1 WHERE tracking_number = $2";
    let past = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).expect("date");
    match &app.app.store {
        baladiya_store::Store::Sqlite(baladiya_store::SqliteStore { pool, .. }) => sqlx::query(sql)
            .bind(past)
            .bind(tracking)
            .execute(pool)
            .await
            .map(|_| ()),
        baladiya_store::Store::Postgres(pool) => sqlx::query(sql)
            .bind(past)
            .bind(tracking)
            .execute(pool)
            .await
            .map(|_| ()),
    }
    .expect("backdate");
}

async fn overdue_applications_are_escalated_to_the_unit_head(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let late = submitted(&app, building_permit()).await;
    let on_time = submitted(&app, building_permit()).await;
    set_due_in_the_past(&app, &late).await;
    assert_eq!(app.app.escalate_overdue().await.expect("escalate"), 1);
    assert_eq!(
        app.app.escalate_overdue().await.expect("escalate"),
        0,
        "once only"
    );
    let head = app.token("eg.head").await;
    let inbox = json_of(
        app.client
            .get(app.url("/api/v1/inbox"))
            .bearer_auth(&head)
            .send()
            .await
            .expect("request"),
    )
    .await;
    let escalated: Vec<&str> = inbox["escalations"]
        .as_array()
        .expect("list")
        .iter()
        .map(|i| i["tracking_number"].as_str().expect("t"))
        .collect();
    assert_eq!(escalated, [late.as_str()]);
    assert!(!escalated.contains(&on_time.as_str()));
    let view = staff_view(&app, &head, &late).await;
    assert_eq!(view["overdue"], true);
    assert!(
        view["history"]
            .as_array()
            .expect("history")
            .iter()
            .any(|h| h["action"] == "escalated")
    );
    // The governorate viewer sees the overdue count in the overview, not the clerk of another markaz.
    let other = app.token("eg.clerk.awsim").await;
    let inbox = json_of(
        app.client
            .get(app.url("/api/v1/inbox"))
            .bearer_auth(&other)
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert!(inbox["escalations"].as_array().expect("list").is_empty());
    app.stop().await;
}

/// A browser-like client signed in through the form.
pub async fn staff_client(app: &TestApp, username: &str) -> reqwest::Client {
    let client = app.new_client();
    let form = crate::support::html(&client, app.url("/login")).await;
    let csrf = crate::support::csrf_of(&form);
    let r = client
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", username),
            ("password", "baladiya-demo"),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    client
}

async fn staff_pages_show_inbox_intake_and_overview(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let tracking = submitted(&app, building_permit()).await;
    set_due_in_the_past(&app, &tracking).await;
    let on_time = submitted(&app, renewal_form()).await;
    let clerk = staff_client(&app, "eg.clerk").await;
    let inbox = crate::support::html(&clerk, app.url("/staff/inbox")).await;
    assert!(
        inbox.contains(&tracking) && inbox.contains("متأخر"),
        "overdue flagged in the inbox"
    );
    assert!(inbox.contains(&on_time));
    let page_of = |path: &'static str| {
        let clerk = clerk.clone();
        let url = app.url(path);
        async move { crate::support::html(&clerk, url).await }
    };
    let overdue = page_of("/staff/inbox?overdue=1").await;
    assert!(
        overdue.contains(&tracking) && !overdue.contains(&on_time),
        "overdue filter"
    );
    let renewals = page_of("/staff/inbox?service=EG-SHOP-LICENSE-RENEWAL").await;
    assert!(
        renewals.contains(&on_time) && !renewals.contains(&tracking),
        "service filter"
    );
    let page =
        crate::support::html(&clerk, app.url(&format!("/staff/applications/{tracking}"))).await;
    assert!(
        page.contains("قبول المستندات") && page.contains("إعادة لاستكمال النواقص"),
        "the clerk's actions are offered"
    );
    assert!(page.contains(&egyptian_id()), "staff see the applicant");
    assert!(
        page.contains("data-mode=\"point\" data-lat=\"29.8711\" data-lon=\"31.2165\""),
        "the property is on a map"
    );
    // The step's own due date, beside the application's (they differ).
    let record = app
        .app
        .store
        .application_by_tracking(&on_time)
        .await
        .expect("read")
        .expect("stored");
    assert_ne!(record.step_due_on, record.due_on);
    let on_time_page =
        crate::support::html(&clerk, app.url(&format!("/staff/applications/{on_time}"))).await;
    let date_after = |label: &str| {
        on_time_page
            .split(&format!("<dt>{label}</dt><dd>"))
            .nth(1)
            .and_then(|rest| rest.split("</dd>").next())
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("{label} on the page"))
    };
    assert_ne!(date_after("موعد المرحلة"), date_after("موعد إنجاز الطلب"));

    // The clerk finds an application by tracking, ID or mobile number;
    // a clerk of another country's unit does not.
    let search = |client: reqwest::Client, q: String| {
        let url = app.url(&format!("/staff/inbox?q={q}"));
        async move { crate::support::html(&client, url).await }
    };
    for q in [tracking.clone(), egyptian_id(), "01012345678".to_owned()] {
        let found = search(clerk.clone(), q.clone()).await;
        let results = found
            .split("نتائج البحث")
            .nth(1)
            .unwrap_or_else(|| panic!("results for {q}"));
        assert!(results.contains(&tracking), "{q} finds it");
    }
    let none = search(clerk.clone(), "29901011234567".to_owned()).await;
    assert!(none.contains("لا يوجد طلب بهذا الرقم"));
    let saudi = staff_client(&app, "sa.clerk").await;
    let theirs = search(saudi, tracking.clone()).await;
    assert!(
        theirs.contains("لا يوجد طلب بهذا الرقم"),
        "not another unit's"
    );

    // An action is confirmed on the page it returns to.
    let csrf = crate::support::csrf_of(&on_time_page);
    let acted = clerk
        .post(app.url(&format!("/staff/applications/{on_time}/act")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", "accept"),
            ("version", &record.version.to_string()),
            ("comment", ""),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(acted.status(), StatusCode::SEE_OTHER);
    let back = crate::support::location(&acted);
    assert!(back.ends_with("?done=accept"), "{back}");
    let confirmed = crate::support::html(&clerk, app.url(&back)).await;
    assert!(confirmed.contains("تم تسجيل الإجراء: قبول المستندات"));

    let document = clerk
        .get(app.url(&format!("/staff/applications/{tracking}/documents/0")))
        .send()
        .await
        .expect("request");
    assert_eq!(document.headers()["content-type"], "application/pdf");
    assert_eq!(&document.bytes().await.expect("bytes")[..], PDF);
    let intake = crate::support::html(&clerk, app.url("/staff/intake")).await;
    assert!(
        intake.contains("/staff/intake/EG-BUILDING-PERMIT")
            && !intake.contains("SA-BUILDING-PERMIT")
    );
    let form = crate::support::html(&clerk, app.url("/staff/intake/EG-SIGN-PERMIT")).await;
    assert!(
        form.contains("مركز ومدينة البدرشين") && !form.contains("مركز ومدينة أوسيم"),
        "only the clerk's units"
    );
    assert_eq!(
        clerk
            .get(app.url("/staff/overview"))
            .send()
            .await
            .expect("request")
            .status(),
        StatusCode::FORBIDDEN
    );
    let officer = staff_client(&app, "eg.officer").await;
    let page = crate::support::html(
        &officer,
        app.url(&format!("/staff/applications/{tracking}")),
    )
    .await;
    assert!(
        !page.contains("action-form"),
        "nothing for the engineer to do at document check"
    );
    let viewer = staff_client(&app, "eg.viewer").await;
    let overview = crate::support::html(&viewer, app.url("/staff/overview?lang=en")).await;
    assert!(
        overview.contains("Saqqara Village Local Unit") && overview.contains("tag-overdue"),
        "the overdue village shows"
    );
    // The unit head gives the application to a clerk; the clerk finds it
    // under "assigned to me"; a clerk may take work but not give it away.
    let head = staff_client(&app, "eg.head").await;
    let head_page =
        crate::support::html(&head, app.url(&format!("/staff/applications/{tracking}"))).await;
    assert!(
        head_page.contains("<option value=\"eg.clerk\""),
        "colleagues offered"
    );
    let assign = |client: reqwest::Client, csrf: String, to: &'static str| {
        let url = app.url(&format!("/staff/applications/{tracking}/assign"));
        async move {
            client
                .post(url)
                .form(&[("csrf", csrf.as_str()), ("assignee", to)])
                .send()
                .await
                .expect("request")
                .status()
        }
    };
    let head_csrf = crate::support::csrf_of(&head_page);
    assert_eq!(
        assign(head.clone(), head_csrf.clone(), "eg.clerk").await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        assign(head.clone(), head_csrf.clone(), "nobody.here").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let mine = crate::support::html(&clerk, app.url("/staff/inbox?mine=1")).await;
    assert!(
        mine.contains(&tracking) && mine.contains("أ. محمود علي"),
        "assigned to me"
    );
    let clerk_page =
        crate::support::html(&clerk, app.url(&format!("/staff/applications/{tracking}"))).await;
    let clerk_csrf = crate::support::csrf_of(&clerk_page);
    assert_eq!(
        assign(clerk.clone(), clerk_csrf.clone(), "eg.head").await,
        StatusCode::FORBIDDEN,
        "a clerk does not hand work to others"
    );
    assert_eq!(
        assign(clerk.clone(), clerk_csrf, "eg.clerk").await,
        StatusCode::SEE_OTHER
    );

    // A return from the page names the documents to replace (ticked boxes).
    let page =
        crate::support::html(&clerk, app.url(&format!("/staff/applications/{tracking}"))).await;
    assert!(page.contains("name=\"to_correct\" value=\"drawings\""));
    let csrf = crate::support::csrf_of(&page);
    let version = app
        .app
        .store
        .application_by_tracking(&tracking)
        .await
        .expect("read")
        .expect("stored")
        .version
        .to_string();
    let returned = clerk
        .post(app.url(&format!("/staff/applications/{tracking}/act")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", "return_for_completion"),
            ("version", version.as_str()),
            ("comment", "الرسومات غير موقعة"),
            ("to_correct", "drawings"),
            ("to_correct", "ownership-deed"),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(returned.status(), StatusCode::SEE_OTHER);
    let token = app.token("eg.clerk").await;
    let view: serde_json::Value = app
        .client
        .get(app.url(&format!("/api/v1/staff/applications/{tracking}")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(view["return_request"]["reason"], "الرسومات غير موقعة");
    assert_eq!(
        view["return_request"]["documents"],
        json!(["drawings", "ownership-deed"])
    );
    app.stop().await;
}

async fn applications_keep_the_procedure_version_they_were_submitted_under(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let old = submitted(&app, renewal_form()).await;
    // Version 2 drops the licensing review.
    let source = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../catalog/services/eg-shop-license-renewal.toml"),
    )
    .expect("catalog file");
    let review = source
        .find("[[steps]]\ncode = \"review\"")
        .expect("review step");
    let next = review + source[review + 1..].find("[[steps]]").expect("next step") + 1;
    let v2 =
        format!("{}{}", &source[..review], &source[next..]).replace("version = 1", "version = 2");
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("v1.toml"), &source).expect("write");
    std::fs::write(dir.path().join("v2.toml"), &v2).expect("write");
    let catalog = baladiya_app::catalog::Catalog::load_dir(dir.path()).expect("valid");
    app.app.publish_catalog(&catalog).await.expect("publish v2");
    let new = submitted(&app, renewal_form()).await;
    let clerk = app.token("eg.clerk").await;
    let old_after = act(&app, &clerk, &old, json!({"action": "accept"})).await;
    assert_eq!(old_after["service"]["version"], 1);
    assert_eq!(
        old_after["current_step"]["code"], "review",
        "the old procedure goes on"
    );
    let new_after = act(&app, &clerk, &new, json!({"action": "accept"})).await;
    assert_eq!(new_after["service"]["version"], 2);
    assert_eq!(
        new_after["current_step"]["code"], "payment",
        "the new one has no review"
    );
    // A published version may not be edited in place.
    std::fs::write(
        dir.path().join("v1.toml"),
        source.replace("500.00", "600.00"),
    )
    .expect("write");
    let edited = baladiya_app::catalog::Catalog::load_dir(dir.path()).expect("valid");
    let refused = app
        .app
        .publish_catalog(&edited)
        .await
        .expect_err("an edited version is refused");
    assert!(
        refused.to_string().contains("new version number"),
        "{refused}"
    );
    app.stop().await;
}
