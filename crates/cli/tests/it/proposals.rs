//! Proposals of a participatory process through the real server on both
//! engines: a citizen's proposal with field errors then accepted, one
//! support per person, the threshold sending it to review, a department's
//! public review, a moderator hiding it with a public reason, and the
//! moderation log.

use baladiya_app::participation::ProcessSpec;
use baladiya_app::participation_proposals::ProposalForm;
use baladiya_domain::participation::phases::{Phase, PhaseKind};
use baladiya_domain::participation::voters::Eligibility;
use chrono::Duration;
use reqwest::StatusCode;

use crate::accounts::{ask_code, enter_code};
use crate::applications::staff_client;
use crate::support::{Engine, TestApp, csrf_of, html, location};

crate::on_both_engines!(
    a_proposal_is_supported_reviewed_and_moderated_in_the_open,
    staff_open_a_process_from_its_page,
);

async fn citizen(app: &TestApp, mobile: &str) -> reqwest::Client {
    let browser = ask_code(app, mobile).await;
    let e164 = format!("+20{}", &mobile[1..]);
    let code = app.last_code(&e164);
    assert_eq!(
        enter_code(app, &browser, &e164, &code).await.status(),
        StatusCode::SEE_OTHER
    );
    browser
}

async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    csrf: String,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form = vec![("csrf".to_owned(), csrf)];
    form.extend(
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    client
        .post(app.url(path))
        .form(&form)
        .send()
        .await
        .expect("request")
}

async fn a_proposal_is_supported_reviewed_and_moderated_in_the_open(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let today = app.app.today_in(baladiya_domain::country::Country::Egypt);
    let giza = app
        .app
        .store
        .unit_by_code(&baladiya_domain::org::UnitCode::parse("EG-GZ").expect("code"))
        .await
        .expect("read")
        .expect("Giza")
        .id;
    app.app
        .open_process(
            None,
            &ProcessSpec {
                slug: "ideas".into(),
                unit_id: giza,
                title: ("أفكار".into(), "Ideas".into()),
                summary: ("ملخص".into(), "Summary".into()),
                eligibility: Eligibility::Mobile,
                support_threshold: 2,
                phases: vec![Phase {
                    kind: PhaseKind::Proposals,
                    starts: today - Duration::days(1),
                    ends: today + Duration::days(1),
                }],
            },
        )
        .await
        .expect("process");
    let first = citizen(&app, "01012345650").await;
    let csrf = csrf_of(&html(&first, app.url("/account")).await);
    // Field errors, the typing kept.
    let refused = post(
        &app,
        &first,
        "/participate/ideas/proposals/new",
        csrf.clone(),
        &[
            ("title", "مصرف"),
            ("description", "قصير"),
            ("category", "drainage"),
            ("cost", "٩٠٠٬٠٠٠"),
        ],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.expect("page");
    assert!(
        page.contains("href=\"#title\"") && page.contains("href=\"#description\""),
        "{page}"
    );
    assert!(page.contains("value=\"٩٠٠٬٠٠٠\""), "the cost typed is kept");
    let description = "المصرف مسدود منذ شهور ويغرق الشارع كلما أمطرت، والبلاغات تتكرر.";
    let accepted = post(
        &app,
        &first,
        "/participate/ideas/proposals/new",
        csrf.clone(),
        &[
            ("title", "تطهير مصرف سقارة"),
            ("description", description),
            ("category", "drainage"),
            ("cost", "٩٠٠٬٠٠٠"),
            ("latitude", "29.85"),
            ("longitude", "31.25"),
        ],
    )
    .await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    let at = location(&accepted);
    let id: i64 = at
        .rsplit('/')
        .next()
        .expect("id")
        .parse()
        .expect("a number");
    // One support per person.
    let support = format!("/participate/proposals/{id}/support");
    let once = post(&app, &first, &support, csrf.clone(), &[])
        .await
        .text()
        .await
        .expect("page");
    assert!(once.contains("id=\"done\""), "{once}");
    let twice = post(&app, &first, &support, csrf.clone(), &[])
        .await
        .text()
        .await
        .expect("page");
    assert!(twice.contains("1 / 2"), "still one support: {twice}");
    let second = citizen(&app, "01012345651").await;
    let second_csrf = csrf_of(&html(&second, app.url("/account")).await);
    let page = post(&app, &second, &support, second_csrf, &[])
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("2 / 2"), "{page}");
    assert!(
        page.contains("قيد المراجعة الفنية"),
        "the threshold sends it to review"
    );
    let hashes = crate::support::strings(
        &app.app.store,
        "SELECT person_hash FROM participation_supports",
    )
    .await;
    assert_eq!(hashes.len(), 2);
    assert!(
        hashes
            .iter()
            .all(|h| h.len() == 64 && !h.contains("1012345650"))
    );
    // The department reviews it in public.
    let officer = staff_client(&app, "eg.head").await;
    let staff_page = html(
        &officer,
        app.url(&format!("/staff/participation/proposals/{id}")),
    )
    .await;
    let staff_csrf = csrf_of(&staff_page);
    let review = format!("/staff/participation/proposals/{id}/review");
    let missing = post(
        &app,
        &officer,
        &review,
        staff_csrf.clone(),
        &[
            ("decision", "feasible"),
            ("reason", "ضمن خطة الصرف لعام 2027."),
        ],
    )
    .await;
    assert_eq!(
        missing.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a feasible review needs a cost"
    );
    let reason = "أرض المصرف ملك لوزارة الري؛ أُحيل المقترح إليها.";
    let reviewed = post(
        &app,
        &officer,
        &review,
        staff_csrf.clone(),
        &[("decision", "unfeasible"), ("reason", reason)],
    )
    .await;
    assert_eq!(reviewed.status(), StatusCode::SEE_OTHER);
    let visitor = app.new_client();
    let public = html(&visitor, app.url(&format!("/participate/proposals/{id}"))).await;
    assert!(
        public.contains(reason) && public.contains(description),
        "{public}"
    );
    let listed = html(&visitor, app.url("/participate/ideas/proposals")).await;
    assert!(
        listed.contains("غير قابل للتنفيذ") && listed.contains(reason),
        "unfeasible stays listed with its reason"
    );
    // A moderator hides it with a public reason; the log says who did what.
    let admin = staff_client(&app, "eg.admin").await;
    let admin_csrf = csrf_of(
        &html(
            &admin,
            app.url(&format!("/staff/participation/proposals/{id}")),
        )
        .await,
    );
    let hide = format!("/staff/participation/proposals/{id}/hide");
    let short = post(
        &app,
        &admin,
        &hide,
        admin_csrf.clone(),
        &[("hide_reason", "لا")],
    )
    .await;
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let hidden_reason = "يتضمن بيانات شخصية لمواطن؛ أُخفي حمايةً لخصوصيته.";
    let hidden = post(
        &app,
        &admin,
        &hide,
        admin_csrf,
        &[("hide_reason", hidden_reason)],
    )
    .await;
    assert_eq!(hidden.status(), StatusCode::SEE_OTHER);
    let public = html(&visitor, app.url(&format!("/participate/proposals/{id}"))).await;
    assert!(public.contains(hidden_reason), "{public}");
    assert!(
        !public.contains(description),
        "a hidden proposal's text is not shown"
    );
    let log = html(
        &admin,
        app.url(&format!("/staff/participation/proposals/{id}")),
    )
    .await;
    for what in ["قُدّم", "رُوجع", "أُخفي", hidden_reason] {
        assert!(log.contains(what), "the log says {what}: {log}");
    }
    assert!(
        !log.contains("دُعم"),
        "supports are counted, not logged one by one"
    );
    // Staff open a proposal from reports that exist, and only those.
    let form = ProposalForm {
        title: "إنارة طريق سقارة".into(),
        description: "أعمدة الإنارة مطفأة على طول الطريق ليلًا منذ شهر.".into(),
        category: "lighting".into(),
        cost: "3000000".into(),
        ..ProposalForm::default()
    };
    let unknown = app
        .app
        .propose_from_reports(None, "ideas", &form, &[999_999])
        .await;
    assert!(matches!(unknown, Err(baladiya_app::AppError::Invalid(_))));
    app.stop().await;
}

async fn staff_open_a_process_from_its_page(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    // A clerk manages no participation: no form.
    let clerk = staff_client(&app, "eg.clerk").await;
    let refused = clerk
        .get(app.url("/staff/participation/new"))
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let admin = staff_client(&app, "eg.admin").await;
    let overview = html(&admin, app.url("/staff/participation")).await;
    assert!(overview.contains("/staff/participation/new"), "{overview}");
    let page = html(&admin, app.url("/staff/participation/new")).await;
    let csrf = csrf_of(&page);
    let today = app.app.today_in(baladiya_domain::country::Country::Egypt);
    let day = |offset: i64| (today + Duration::days(offset)).to_string();
    let mut fields = vec![
        ("unit", "EG-GZ-BDR".to_owned()),
        ("slug", "badrashin-2028".to_owned()),
        ("title_ar", "موازنة البدرشين 2028".to_owned()),
        ("title_en", "".to_owned()),
        ("summary_ar", "اقترح وصوّت على مشروعات مركزك.".to_owned()),
        (
            "summary_en",
            "Propose and vote on your markaz's projects.".to_owned(),
        ),
        ("eligibility", "residents".to_owned()),
        ("threshold", "٣٠".to_owned()),
        ("proposals-starts", day(1)),
        ("proposals-ends", day(20)),
        // Overlaps the proposals.
        ("voting-starts", day(15)),
        ("voting-ends", day(30)),
    ];
    let refused = post(
        &app,
        &admin,
        "/staff/participation/new",
        csrf.clone(),
        &fields
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.expect("page");
    assert!(
        page.contains("href=\"#title_en\"") && page.contains("href=\"#voting-starts\""),
        "{page}"
    );
    assert!(page.contains("موازنة البدرشين 2028"), "the typing is kept");
    fields[3].1 = "Badrashin's budget 2028".into();
    fields[10].1 = day(21);
    let opened = post(
        &app,
        &admin,
        "/staff/participation/new",
        csrf,
        &fields
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&opened), "/participate/badrashin-2028");
    let public = html(&app.new_client(), app.url("/participate/badrashin-2028")).await;
    assert!(
        public.contains("موازنة البدرشين 2028") && public.contains("سكان الوحدة برقمهم القومي"),
        "{public}"
    );
    let process = app
        .app
        .process_by_slug("badrashin-2028")
        .await
        .expect("process");
    assert_eq!(process.process.support_threshold, 30);
    assert_eq!(process.phases.all().len(), 2);
    app.stop().await;
}
