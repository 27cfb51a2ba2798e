//! The training center on both engines: a session's whole life through
//! the application layer (plan, nominate within and over quota, accept,
//! wait-list, withdraw, attend, test, evaluate, complete), and who may do
//! what.

use baladiya_app::AppError;
use baladiya_app::training::Decision;
use baladiya_domain::ErrorCode;
use baladiya_domain::org::UnitCode;
use baladiya_domain::people::Username;
use baladiya_domain::training::course::Completion;
use baladiya_domain::training::enrolment::SeatStatus;
use baladiya_store::{NewCourse, NewSession};
use chrono::NaiveDate;

use crate::support::{Engine, TestApp, principal};

crate::on_both_engines!(
    a_session_lives_from_plan_to_completion,
    the_demo_center_has_a_year_and_a_public_calendar,
    staff_run_a_session_from_its_page,
    two_centers_keep_their_sessions_apart,
    the_api_runs_a_session_the_way_a_client_would,
    the_center_plans_its_catalog_and_year_from_its_page
);

async fn user_id(app: &TestApp, username: &str) -> i64 {
    app.app
        .store
        .user_by_username(&Username::parse(username).expect("name"))
        .await
        .expect("user")
        .expect("known")
        .id
}

async fn unit_id(app: &TestApp, code: &str) -> i64 {
    app.app
        .store
        .unit_by_code(&UnitCode::parse(code).expect("code"))
        .await
        .expect("unit")
        .expect("known")
        .id
}

fn conflict(result: Result<impl std::fmt::Debug, AppError>) -> ErrorCode {
    match result {
        Err(AppError::Conflict(code)) => code,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

fn forbidden(result: Result<impl std::fmt::Debug, AppError>) {
    assert!(
        matches!(result, Err(AppError::Forbidden(_))),
        "expected forbidden, got {result:?}"
    );
}

async fn a_session_lives_from_plan_to_completion(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let store = &app.app.store;
    let (giza, badrashin) = (
        unit_id(&app, "EG-GZ").await,
        unit_id(&app, "EG-GZ-BDR").await,
    );
    let center = store
        .create_training_center(
            "EG-GZ-LDTC",
            giza,
            ("مركز التنمية المحلية", "Local Development Training Center"),
        )
        .await
        .expect("center");
    let course = store
        .create_course(&NewCourse {
            center_id: center,
            code: "TC-101".into(),
            name: ("المراكز التكنولوجية".into(), "Technology centers".into()),
            objectives: ("تشغيل المركز".into(), "Running a center".into()),
            audience: (
                "العاملون بالمراكز التكنولوجية".into(),
                "Technology center staff".into(),
            ),
            roles: ",clerk,".into(),
            hours: 20,
            mode: "in_person".into(),
            partner_id: None,
            competencies: ",one-stop-shop,".into(),
            min_attendance: 80,
            pass_score: Some(60),
        })
        .await
        .expect("course");
    assert_eq!(
        conflict(
            store
                .create_training_center("EG-GZ-LDTC", giza, ("x", "x"))
                .await
                .map_err(AppError::from)
        ),
        ErrorCode::CodeTaken
    );
    let (admin, head, saudi_head) = (
        principal(&app, "eg.admin").await,
        principal(&app, "eg.head").await,
        principal(&app, "sa.head").await,
    );
    let trainer = principal(&app, "eg.officer").await;
    // Sunday to Thursday, a week; one seat, two for Badrashin to nominate.
    let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).expect("day");
    let plan = NewSession {
        course_id: course,
        plan_year: "2025/2026".into(),
        first_day: day(1),
        last_day: day(5),
        venue: "قاعة المحافظة".into(),
        capacity: 1,
        trainer_id: Some(trainer.user_id),
        quotas: vec![(badrashin, 2)],
        cost_minor: 1_200_000,
        currency: "EGP".into(),
    };
    forbidden(app.app.plan_session(&head, &plan).await);
    let session = app.app.plan_session(&admin, &plan).await.expect("planned");
    let reversed = NewSession {
        first_day: day(9),
        last_day: day(8),
        ..plan.clone()
    };
    assert!(matches!(
        app.app.plan_session(&admin, &reversed).await,
        Err(AppError::Invalid(_))
    ));

    // Nominations: the head's own staff, within the unit's two seats.
    let (clerk, licensing) = (
        user_id(&app, "eg.clerk").await,
        user_id(&app, "eg.licensing").await,
    );
    store
        .set_user_email(licensing, Some("dina@badrashin.example"))
        .await
        .expect("email");
    app.app
        .nominate(&head, session, "eg.clerk")
        .await
        .expect("first");
    app.app
        .nominate(&head, session, "eg.licensing")
        .await
        .expect("second");
    assert_eq!(
        conflict(app.app.nominate(&head, session, "eg.defense").await),
        ErrorCode::TrainingOverQuota
    );
    forbidden(app.app.nominate(&saudi_head, session, "eg.defense").await);
    assert_eq!(
        conflict(app.app.nominate(&saudi_head, session, "sa.clerk").await),
        ErrorCode::TrainingNoQuota,
        "no seats for Al-Khobar"
    );
    forbidden(
        app.app
            .decide(&head, session, clerk, Decision::Accept)
            .await,
    );
    assert_eq!(
        app.app
            .decide(&admin, session, clerk, Decision::Accept)
            .await
            .expect("seat"),
        SeatStatus::Accepted
    );
    assert_eq!(
        app.app
            .decide(&admin, session, licensing, Decision::Accept)
            .await
            .expect("list"),
        SeatStatus::WaitListed,
        "one seat"
    );
    // The clerk withdraws: the seat goes to the wait list.
    let clerk_principal = principal(&app, "eg.clerk").await;
    assert_eq!(
        app.app
            .withdraw(&clerk_principal, session, clerk)
            .await
            .expect("withdrawn"),
        Some(licensing)
    );
    // Each trainee was told of every change of their place, once.
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("notifications.jsonl");
    let senders = [baladiya_app::notifications::Sender::File(file.clone())];
    assert_eq!(
        app.app.deliver_notifications(&senders).await.expect("sent"),
        (6, 0)
    );
    let told: Vec<(String, String)> = std::fs::read_to_string(&file)
        .expect("written")
        .lines()
        .map(|line| {
            let message: serde_json::Value = serde_json::from_str(line).expect("JSON line");
            assert_eq!(message["details"]["course_en"], "Technology centers");
            (
                message["recipient"].as_str().expect("to").to_owned(),
                message["kind"].as_str().expect("kind").to_owned(),
            )
        })
        .collect();
    let to = |who: &str, kind: &str| (who.to_owned(), format!("training_{kind}"));
    let dina = "dina@badrashin.example";
    assert_eq!(
        told,
        [
            to("eg.clerk", "nominated"),
            to(dina, "nominated"),
            to("eg.clerk", "accepted"),
            to(dina, "wait_listed"),
            to("eg.clerk", "withdrawn"),
            to(dina, "accepted"),
        ]
    );
    // A second session on overlapping days cannot take the same trainee.
    let overlapping = app
        .app
        .plan_session(
            &admin,
            &NewSession {
                first_day: day(5),
                last_day: day(6),
                ..plan.clone()
            },
        )
        .await
        .expect("planned");
    assert_eq!(
        conflict(app.app.nominate(&head, overlapping, "eg.licensing").await),
        ErrorCode::TrainingOverlap
    );

    // The trainer takes attendance: four of the session's days.
    let days = app
        .app
        .session_days(
            &store
                .training_session(session)
                .await
                .expect("s")
                .expect("known"),
        )
        .await
        .expect("days");
    assert!(days.len() >= 4, "{days:?}");
    let outsider = principal(&app, "eg.defense").await;
    forbidden(
        app.app
            .take_attendance(&outsider, session, days[0], &[licensing])
            .await,
    );
    assert_eq!(
        conflict(
            app.app
                .take_attendance(&trainer, session, days[0], &[clerk])
                .await
        ),
        ErrorCode::TrainingNotOnRoster,
        "the clerk withdrew"
    );
    assert!(matches!(
        app.app
            .take_attendance(&trainer, session, day(20), &[licensing])
            .await,
        Err(AppError::Invalid(_))
    ));
    let needed = days.len() * 4 / 5 + usize::from(days.len() * 4 % 5 != 0);
    for d in &days[..needed] {
        app.app
            .take_attendance(&trainer, session, *d, &[licensing])
            .await
            .expect("attendance");
    }
    // Taking a day again replaces it rather than counting twice.
    app.app
        .take_attendance(&trainer, session, days[0], &[licensing])
        .await
        .expect("again");
    let outcome = |found: Vec<baladiya_app::training::Outcome>| found[0].completion;
    assert_eq!(
        outcome(app.app.session_outcomes(session).await.expect("outcomes")),
        Completion::PostTestMissing
    );
    assert!(matches!(
        app.app
            .record_scores(&trainer, session, licensing, Some(40), Some(101))
            .await,
        Err(AppError::Invalid(_))
    ));
    app.app
        .record_scores(&trainer, session, licensing, Some(40), Some(75))
        .await
        .expect("scores");
    assert_eq!(
        outcome(app.app.session_outcomes(session).await.expect("outcomes")),
        Completion::Completed
    );
    // The trainee evaluates once.
    let trainee = principal(&app, "eg.licensing").await;
    app.app
        .evaluate(&trainee, session, [5, 4, 5], Some("مفيدة"))
        .await
        .expect("evaluation");
    assert_eq!(
        conflict(app.app.evaluate(&trainee, session, [5, 4, 5], None).await),
        ErrorCode::AlreadyEvaluated
    );
    assert_eq!(
        conflict(
            app.app
                .evaluate(&clerk_principal, session, [5, 5, 5], None)
                .await
        ),
        ErrorCode::TrainingNotOnRoster
    );
    // Every change was an event of the session.
    let events = store
        .events_of("training_session", session)
        .await
        .expect("events");
    assert_eq!(events.len(), 1 + 2 + 2 + 1 + needed + 1 + 1 + 1);

    // What the trainee's role needs, before and after the certificate.
    store
        .save_competency("one-stop-shop", ("الشباك الواحد", "One-stop shop"))
        .await
        .expect("competency");
    store
        .add_role_need("department_officer", "one-stop-shop")
        .await
        .expect("need");
    let bdr = store
        .unit_by_code(&UnitCode::parse("EG-GZ-BDR").expect("code"))
        .await
        .expect("unit")
        .expect("known");
    let needs_of = |username: &'static str| {
        let (app, head, bdr) = (&app, &head, &bdr);
        async move {
            let needs = app.app.training_needs(head, bdr).await.expect("needs");
            let need = needs
                .staff
                .into_iter()
                .find(|s| s.username == username)
                .expect("on the unit's staff");
            (need.missing.into_iter().collect::<Vec<_>>(), need.hours)
        }
    };
    assert_eq!(
        needs_of("eg.licensing").await,
        (vec!["one-stop-shop".to_owned()], 0)
    );
    assert_eq!(
        needs_of("eg.clerk").await,
        (vec![], 0),
        "a clerk does not need it"
    );
    forbidden(app.app.training_needs(&trainee, &bdr).await);

    // The center certifies who completed; anyone verifies; it revokes.
    forbidden(app.app.issue_certificates(&head, session).await);
    assert_eq!(
        app.app
            .issue_certificates(&admin, session)
            .await
            .expect("issued"),
        1
    );
    assert_eq!(
        app.app
            .issue_certificates(&admin, session)
            .await
            .expect("again"),
        0
    );
    let mine = store
        .certificates_of(licensing)
        .await
        .expect("certificates");
    assert_eq!(mine.len(), 1);
    assert_eq!(needs_of("eg.licensing").await, (vec![], 20), "acquired");
    let record = app
        .app
        .training_record(&head, "eg.licensing")
        .await
        .expect("the head sees their staff's record");
    assert_eq!(
        (record.hours, record.certificates.len(), record.seats.len()),
        (20, 1, 1)
    );
    assert!(matches!(
        app.app
            .training_record(&clerk_principal, "eg.licensing")
            .await,
        Err(AppError::NotFound)
    ));
    // The report: one trainee carries the session's cost, completed, gained.
    let report = app
        .app
        .training_report(&admin, Some("2025/2026"))
        .await
        .expect("report");
    assert_eq!(report.total.trainees, 1);
    assert_eq!(report.total.cost_per_trainee(), Some((1_200_000, "EGP")));
    assert_eq!(report.total.hours_delivered, 20);
    assert_eq!(report.governorates.len(), 1);
    assert_eq!(report.governorates[0].name_en, "Giza Governorate");
    assert_eq!(report.levels[0].0, "markaz");
    assert!(
        app.app
            .training_report(&admin, Some("1990/1991"))
            .await
            .expect("report")
            .sessions
            .is_empty()
    );
    let code = mine[0].verification_code.clone();
    let check = app
        .app
        .verify_certificate(&code.to_lowercase())
        .await
        .expect("check");
    assert_eq!((check.status, check.signature_valid), ("valid", true));
    assert_eq!(check.certificate.holder_name, "أ. دينا مصطفى");
    assert_eq!(check.certificate.course_code, "TC-101");
    assert!(matches!(
        app.app.verify_certificate("NOPE-NOPE-NOPE").await,
        Err(AppError::NotFound)
    ));
    // The public verification page takes a certificate's code too.
    let public = app
        .client
        .get(app.url(&format!("/verify/{code}")))
        .header("accept-language", "ar")
        .send()
        .await
        .expect("request");
    assert_eq!(public.status(), 200);
    let public = public.text().await.expect("html");
    assert!(public.contains("المراكز التكنولوجية") && public.contains("ساري"));
    assert!(!public.contains("أ. دينا مصطفى"), "initials only");
    let unknown = app
        .client
        .get(app.url("/verify/NOPE-NOPE-NOPE"))
        .send()
        .await
        .expect("request");
    assert_eq!(unknown.status(), 404, "neither a license nor a certificate");
    // The staff-trained indicator: Badrashin's working staff, one trained.
    app.with_indicators();
    let trained = || async {
        let month = baladiya_domain::indicators::Month::of(chrono::Utc::now().date_naive());
        app.app
            .recompute_indicators(month)
            .await
            .expect("recompute");
        let found = store
            .indicator_values(Some("BLD: GOV: SD: 8"), &[bdr.id], &[month.to_string()])
            .await
            .expect("values");
        let v = found.first().expect("a value for the unit");
        (v.numerator, v.denominator)
    };
    let (one, staff) = trained().await;
    assert_eq!(one, 1.0);
    assert!(
        staff >= 5.0,
        "Badrashin's clerks, officers and head: {staff}"
    );
    forbidden(app.app.revoke_certificate(&head, &code, "خطأ").await);
    assert!(matches!(
        app.app.revoke_certificate(&admin, &code, " ").await,
        Err(AppError::Invalid(_))
    ));
    app.app
        .revoke_certificate(&admin, &code, "سُجل الحضور خطأ")
        .await
        .expect("revoked");
    let check = app.app.verify_certificate(&code).await.expect("check");
    assert_eq!((check.status, check.signature_valid), ("revoked", true));
    assert_eq!(
        needs_of("eg.licensing").await,
        (vec!["one-stop-shop".to_owned()], 0),
        "a revoked certificate gives nothing"
    );
    assert_eq!(trained().await, (0.0, staff), "nor counts as training");
    assert_eq!(
        conflict(app.app.revoke_certificate(&admin, &code, "مرة أخرى").await),
        ErrorCode::AlreadyRevoked
    );
    app.stop().await;
}

/// The demo's center: past sessions attended, tested and evaluated (one
/// trainee short of days), upcoming ones on the public page and in the
/// iCalendar feed.
async fn the_demo_center_has_a_year_and_a_public_calendar(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    assert_eq!(app.app.load_demo_training().await.expect("demo"), 5);
    assert_eq!(
        app.app.load_demo_training().await.expect("again"),
        0,
        "once"
    );
    let all = app
        .app
        .store
        .session_listings(None)
        .await
        .expect("sessions");
    assert_eq!(all.len(), 5);
    let outcomes = app.app.session_outcomes(all[0].id).await.expect("outcomes");
    let completed = outcomes
        .iter()
        .filter(|o| o.completion == Completion::Completed)
        .count();
    assert!(completed >= 1, "{outcomes:?}");
    assert!(
        outcomes
            .iter()
            .any(|o| matches!(o.completion, Completion::AttendanceShort { .. })),
        "{outcomes:?}"
    );
    let certified = app
        .app
        .store
        .certificates_of(outcomes[0].trainee_id)
        .await
        .expect("certificates");
    assert!(
        !certified.is_empty(),
        "past sessions' graduates have certificates"
    );
    // The graduate's own page and printable certificate; nobody else's.
    let graduate = app
        .app
        .store
        .user(outcomes[0].trainee_id)
        .await
        .expect("user");
    let own = crate::applications::staff_client(&app, &graduate.username).await;
    let mine = crate::support::html(&own, app.url("/staff/training/mine")).await;
    let code = &certified[0].verification_code;
    assert!(
        mine.contains(&format!("/staff/training/certificates/{code}")),
        "{mine}"
    );
    let printed = own
        .get(app.url(&format!("/staff/training/certificates/{code}")))
        .send()
        .await
        .expect("request");
    assert_eq!(printed.status(), 200);
    let printed = printed.text().await.expect("html");
    assert!(printed.contains(&graduate.full_name) && printed.contains("<svg"));
    let someone = if graduate.username == "eg.defense" {
        "eg.licensing"
    } else {
        "eg.defense"
    };
    let other = crate::applications::staff_client(&app, someone).await;
    let refused = other
        .get(app.url(&format!("/staff/training/certificates/{code}")))
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status(), 404, "another trainee's certificate");
    // The center's report: the past sessions' figures, a total; not for a clerk.
    let viewer = crate::applications::staff_client(&app, "eg.viewer").await;
    let report = crate::support::html(&viewer, app.url("/staff/training/report")).await;
    assert_eq!(
        report.matches("href=\"/staff/training/").count(),
        5,
        "every session"
    );
    assert!(
        report.contains("الإجمالي") && report.contains("%"),
        "{report}"
    );
    for table in ["by-course", "by-trainer", "by-governorate", "by-level"] {
        assert!(report.contains(&format!("id=\"{table}\"")), "{table}");
    }
    assert!(
        report.contains("محافظة الجيزة") && report.contains("ج.م"),
        "{report}"
    );
    // The head's view of Badrashin's needs: every staff member, with what
    // their role needs, and the sessions to come that build it.
    let head = crate::applications::staff_client(&app, "eg.head").await;
    let needs = crate::support::html(&head, app.url("/staff/training/needs")).await;
    assert!(needs.contains("id=\"needs\""), "{needs}");
    assert!(
        needs.contains("قيادة التحول الرقمي"),
        "the head's own need: {needs}"
    );
    assert!(needs.contains("خدمة المواطنين"), "no course builds it yet");
    assert!(needs.contains("href=\"/staff/training/people/eg.clerk\""));
    let record = crate::support::html(&head, app.url("/staff/training/people/eg.clerk")).await;
    assert!(
        record.contains("سجل التدريب") && record.contains("id=\"certificates\""),
        "{record}"
    );
    let clerk = crate::applications::staff_client(&app, "eg.clerk").await;
    let refused = clerk
        .get(app.url("/staff/training/people/eg.licensing"))
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status(), 404, "another's record");
    let report = app
        .app
        .training_report(&principal(&app, "eg.viewer").await, None)
        .await
        .expect("report");
    let oldest = &report.sessions.last().expect("a past session").tally;
    assert!(oldest.completed >= 1 && oldest.completed < oldest.trainees);
    assert_eq!(oldest.levels().evaluations, oldest.trainees);
    assert!(oldest.levels().normalized.is_some_and(|g| g > 0.0));
    let refused = clerk
        .get(app.url("/staff/training/report"))
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status(), 403);
    let page = app
        .client
        .get(app.url("/training"))
        .header("accept-language", "ar")
        .send()
        .await
        .expect("request");
    assert_eq!(page.status(), 200);
    let page = page.text().await.expect("html");
    assert!(page.contains("المراكز التكنولوجية في تعظيم الموارد المحلية"));
    assert!(page.contains("برنامج التنمية المحلية في صعيد مصر"));
    assert_eq!(
        page.matches("<li>\n    <h2>").count(),
        2,
        "two sessions to come"
    );
    let feed = app
        .client
        .get(app.url("/training.ics"))
        .send()
        .await
        .expect("request");
    assert!(
        feed.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/calendar")
    );
    let feed = feed.text().await.expect("ics");
    assert!(feed.starts_with("BEGIN:VCALENDAR") && feed.trim_end().ends_with("END:VCALENDAR"));
    assert_eq!(feed.matches("BEGIN:VEVENT").count(), 2);
    assert!(feed.contains("DTSTART;VALUE=DATE:"), "{feed}");
    app.stop().await;
}

/// The session page's forms: the head nominates, the center accepts, the
/// trainer takes attendance and scores; others are refused.
async fn staff_run_a_session_from_its_page(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    app.app.load_demo_training().await.expect("demo");
    let store = &app.app.store;
    let course = store.session_listings(None).await.expect("sessions")[0].id;
    let course = store
        .training_session(course)
        .await
        .expect("s")
        .expect("known")
        .course_id;
    let admin = principal(&app, "eg.admin").await;
    let trainer = principal(&app, "eg.officer").await;
    let week = a_week_in_september(&app, course, trainer.user_id, 2).await;
    let second_day = week.first_day.succ_opt().expect("day").to_string();
    let session = app.app.plan_session(&admin, &week).await.expect("planned");
    let path = format!("/staff/training/{session}");
    let post = |client: reqwest::Client, action: &str, form: Vec<(&'static str, String)>| {
        let url = app.url(&format!("{path}/{action}"));
        let page_url = app.url(&path);
        async move {
            let page = crate::support::html(&client, page_url).await;
            let mut form = form;
            form.push(("csrf", crate::support::csrf_of(&page)));
            client.post(url).form(&form).send().await.expect("request")
        }
    };
    let head = crate::applications::staff_client(&app, "eg.head").await;
    let response = post(
        head.clone(),
        "nominate",
        vec![("trainee", "eg.clerk".into())],
    )
    .await;
    assert_eq!(response.status(), 303);
    let clerk = user_id(&app, "eg.clerk").await;
    let page = crate::support::html(&head, app.url(&path)).await;
    assert!(page.contains("مرشح"), "the roster shows the nomination");
    let counter = crate::applications::staff_client(&app, "eg.clerk").await;
    let refused = post(counter, "accept", vec![("trainee", clerk.to_string())]).await;
    assert_eq!(refused.status(), 403, "a clerk does not run the center");
    let center = crate::applications::staff_client(&app, "eg.admin").await;
    let accepted = post(
        center.clone(),
        "accept",
        vec![("trainee", clerk.to_string())],
    )
    .await;
    assert_eq!(accepted.status(), 303);
    let teacher = crate::applications::staff_client(&app, "eg.officer").await;
    let first = week.first_day.to_string();
    let attended = post(
        teacher.clone(),
        "attendance",
        vec![("day", first), ("present", clerk.to_string())],
    )
    .await;
    assert_eq!(attended.status(), 303);
    let scored = post(
        teacher.clone(),
        "scores",
        vec![
            ("trainee", clerk.to_string()),
            ("pre", "40".into()),
            ("post", "85".into()),
        ],
    )
    .await;
    assert_eq!(scored.status(), 303);
    let page = crate::support::html(&teacher, app.url(&path)).await;
    assert!(
        page.contains("مقبول") && page.contains(">85<"),
        "accepted, scored"
    );
    let outcomes = app.app.session_outcomes(session).await.expect("outcomes");
    assert_eq!((outcomes[0].attended, outcomes[0].trainee_id), (1, clerk));
    // At the door on the second day: the trainer scans the code on the
    // trainee's own page; the day is added to, never replaced.
    let mine = crate::support::html(
        &crate::applications::staff_client(&app, "eg.clerk").await,
        app.url("/staff/training/mine"),
    )
    .await;
    assert!(
        mine.contains("id=\"attendance-code\"") && mine.contains("<svg"),
        "{mine}"
    );
    assert!(page.contains("id=\"scan\""), "the trainer's scan form");
    for _ in 0..2 {
        let scanned = post(
            teacher.clone(),
            "scan",
            vec![("day", second_day.clone()), ("code", " eg.clerk ".into())],
        )
        .await;
        assert_eq!(scanned.status(), 303, "scanning twice is harmless");
    }
    let outcomes = app.app.session_outcomes(session).await.expect("outcomes");
    assert_eq!(outcomes[0].attended, 2, "day one kept, day two added");
    let unknown = post(
        teacher.clone(),
        "scan",
        vec![
            ("day", second_day.clone()),
            ("code", "no.such.person".into()),
        ],
    )
    .await;
    assert_eq!(unknown.status(), 422);
    let forged = center
        .post(app.url(&format!("{path}/withdraw")))
        .form(&[("csrf", "forged"), ("trainee", &clerk.to_string())])
        .send()
        .await
        .expect("request");
    assert_eq!(forged.status(), 403);
    app.stop().await;
}

/// A session of `course` from Sunday to Thursday, 5–9 September 2027:
/// three seats, `badrashin` of them for Badrashin, taught by `trainer`.
async fn a_week_in_september(
    app: &TestApp,
    course: i64,
    trainer: i64,
    badrashin: i64,
) -> NewSession {
    let day = |d| NaiveDate::from_ymd_opt(2027, 9, d).expect("day");
    NewSession {
        course_id: course,
        plan_year: "2027/2028".into(),
        first_day: day(5),
        last_day: day(9),
        venue: "قاعة التدريب".into(),
        capacity: 3,
        trainer_id: Some(trainer),
        quotas: vec![(unit_id(app, "EG-GZ-BDR").await, badrashin)],
        cost_minor: 0,
        currency: "EGP".into(),
    }
}

/// Saqqara's center with one course and a week's session for Badrashin
/// (three seats), taught by the engineering officer: for the browser.
pub async fn plan_a_week(app: &TestApp) -> i64 {
    let store = &app.app.store;
    let center = store
        .create_training_center(
            "EG-LDTC-SQR",
            unit_id(app, "EG-GZ").await,
            (
                "مركز التنمية المحلية للتدريب بسقارة",
                "Saqqara Local Development Training Center",
            ),
        )
        .await
        .expect("center");
    let course = store
        .create_course(&NewCourse {
            center_id: center,
            code: "TC-RES".into(),
            name: (
                "المراكز التكنولوجية في تعظيم الموارد المحلية".into(),
                "Technology centers in maximizing local resources".into(),
            ),
            objectives: ("تشغيل المركز".into(), "Running a center".into()),
            audience: (
                "العاملون بالمراكز التكنولوجية".into(),
                "Technology center staff".into(),
            ),
            roles: ",clerk,".into(),
            hours: 30,
            mode: "in_person".into(),
            partner_id: None,
            competencies: ",one-stop-shop,".into(),
            min_attendance: 80,
            pass_score: Some(60),
        })
        .await
        .expect("course");
    let admin = principal(app, "eg.admin").await;
    let trainer = user_id(app, "eg.officer").await;
    app.app
        .plan_session(&admin, &a_week_in_september(app, course, trainer, 3).await)
        .await
        .expect("planned")
}

/// A Saudi amana's center and Saqqara's: each one's managers plan, decide
/// and certify only their own sessions, and heads nominate only their own
/// staff, whichever center they turn to.
async fn two_centers_keep_their_sessions_apart(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let egyptian = plan_a_week(&app).await;
    let store = &app.app.store;
    let center = store
        .create_training_center(
            "SA-04-TC",
            unit_id(&app, "SA-04").await,
            (
                "مركز تدريب أمانة المنطقة الشرقية",
                "Eastern Province Amana Training Center",
            ),
        )
        .await
        .expect("center");
    let course = store
        .create_course(&NewCourse {
            center_id: center,
            code: "TC-RES".into(),
            name: ("خدمات بلدي".into(), "Balady services".into()),
            objectives: ("خدمة المراجعين".into(), "Serving applicants".into()),
            audience: ("موظفو مراكز الخدمة".into(), "Service center staff".into()),
            roles: ",clerk,".into(),
            hours: 12,
            mode: "online".into(),
            partner_id: None,
            competencies: ",one-stop-shop,".into(),
            min_attendance: 100,
            pass_score: None,
        })
        .await
        .expect("the same course code in another center");
    let (eg_admin, sa_admin) = (
        principal(&app, "eg.admin").await,
        principal(&app, "sa.admin").await,
    );
    let day = |d| NaiveDate::from_ymd_opt(2027, 10, d).expect("day");
    let saudi_plan = NewSession {
        course_id: course,
        plan_year: "2027/2028".into(),
        first_day: day(3),
        last_day: day(4),
        venue: "الخبر".into(),
        capacity: 5,
        trainer_id: None,
        quotas: vec![(unit_id(&app, "SA-04-KHB").await, 5)],
        cost_minor: 0,
        currency: "EGP".into(),
    };
    forbidden(app.app.plan_session(&eg_admin, &saudi_plan).await);
    let saudi = app
        .app
        .plan_session(&sa_admin, &saudi_plan)
        .await
        .expect("planned");
    let (eg_head, sa_head) = (
        principal(&app, "eg.head").await,
        principal(&app, "sa.head").await,
    );
    app.app
        .nominate(&sa_head, saudi, "sa.clerk")
        .await
        .expect("own staff");
    app.app
        .nominate(&eg_head, egyptian, "eg.clerk")
        .await
        .expect("own staff");
    forbidden(app.app.nominate(&sa_head, saudi, "eg.licensing").await);
    let (sa_clerk, eg_clerk) = (
        user_id(&app, "sa.clerk").await,
        user_id(&app, "eg.clerk").await,
    );
    forbidden(
        app.app
            .decide(&eg_admin, saudi, sa_clerk, Decision::Accept)
            .await,
    );
    forbidden(
        app.app
            .decide(&sa_admin, egyptian, eg_clerk, Decision::Accept)
            .await,
    );
    app.app
        .decide(&sa_admin, saudi, sa_clerk, Decision::Accept)
        .await
        .expect("their own");
    forbidden(app.app.issue_certificates(&eg_admin, saudi).await);
    let (_, seats) = store.roster(egyptian).await.expect("roster");
    assert_eq!(
        seats.len(),
        1,
        "the Saudi nominations stay in their session"
    );
    assert_eq!(seats[0].status, "nominated");
    app.stop().await;
}

/// The API as a client uses it: the public calendar, a head nominates
/// over HTTP, the center accepts and declines, the trainer takes
/// attendance and scores, the trainee reads their record, the viewer the
/// report; each one's limits answered with the right status and code.
async fn the_api_runs_a_session_the_way_a_client_would(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    app.app.load_demo_training().await.expect("demo");
    let token = |name: &'static str| app.token(name);
    let (head, admin, trainer, clerk, viewer) = (
        token("eg.head").await,
        token("eg.admin").await,
        token("eg.planning").await,
        token("eg.clerk").await,
        token("eg.viewer").await,
    );
    let call = |method: reqwest::Method,
                path: String,
                bearer: Option<&String>,
                body: Option<serde_json::Value>| {
        let request = app
            .client
            .request(method, app.url(&format!("/api/v1{path}")));
        let request = match bearer {
            Some(t) => request.bearer_auth(t),
            None => request,
        };
        let request = match body {
            Some(b) => request.json(&b),
            None => request,
        };
        async move {
            let response = request.send().await.expect("request");
            let status = response.status().as_u16();
            (
                status,
                response.json::<serde_json::Value>().await.expect("JSON"),
            )
        }
    };
    use reqwest::Method;
    let (status, upcoming) = call(Method::GET, "/training/sessions".into(), None, None).await;
    assert_eq!(status, 200);
    let upcoming = upcoming.as_array().expect("list");
    assert_eq!(upcoming.len(), 2, "the demo's sessions to come");
    let session = upcoming[0]["id"].as_i64().expect("id");
    assert_eq!(upcoming[0]["course"]["mode"], "in_person");
    let (status, one) = call(
        Method::GET,
        format!("/training/sessions/{session}"),
        None,
        None,
    )
    .await;
    assert_eq!((status, one["id"].as_i64()), (200, Some(session)));
    let (status, _) = call(Method::GET, "/training/sessions/999999".into(), None, None).await;
    assert_eq!(status, 404);
    let (status, _) = call(
        Method::GET,
        "/training/sessions?from=yesterday".into(),
        None,
        None,
    )
    .await;
    assert_eq!(status, 400);

    let path = |rest: &str| format!("/training/sessions/{session}/{rest}");
    let (status, seat) = call(
        Method::POST,
        path("nominations"),
        Some(&head),
        Some(serde_json::json!({"trainee": "eg.officer"})),
    )
    .await;
    assert_eq!(
        (status, seat["status"].as_str()),
        (201, Some("nominated")),
        "{seat}"
    );
    let (status, again) = call(
        Method::POST,
        path("nominations"),
        Some(&head),
        Some(serde_json::json!({"trainee": "eg.officer"})),
    )
    .await;
    assert_eq!(status, 409, "{again}");
    let (status, refused) = call(
        Method::POST,
        path("nominations"),
        Some(&clerk),
        Some(serde_json::json!({"trainee": "eg.officer"})),
    )
    .await;
    assert_eq!((status, refused["code"].as_str()), (403, Some("forbidden")));
    let (status, unknown) = call(
        Method::POST,
        path("nominations"),
        Some(&head),
        Some(serde_json::json!({"trainee": "nobody.here"})),
    )
    .await;
    assert_eq!(status, 422, "{unknown}");
    assert_eq!(unknown["fields"][0]["field"], "trainee", "{unknown}");
    let (status, _) = call(
        Method::POST,
        path("nominations"),
        None,
        Some(serde_json::json!({"trainee": "eg.officer"})),
    )
    .await;
    assert_eq!(status, 401);

    let decide = |decision: &'static str, reason: &'static str| {
        call(
            Method::POST,
            path("decisions"),
            Some(&admin),
            Some(
                serde_json::json!({"trainee": "eg.officer", "decision": decision, "reason": reason}),
            ),
        )
    };
    let (status, bad) = decide("maybe", "").await;
    assert_eq!(
        (status, bad["fields"][0]["field"].as_str()),
        (422, Some("decision"))
    );
    let (status, bad) = decide("decline", "").await;
    assert_eq!(
        (status, bad["fields"][0]["field"].as_str()),
        (422, Some("reason"))
    );
    let (status, seat) = decide("accept", "").await;
    assert_eq!(
        (status, seat["status"].as_str()),
        (200, Some("accepted")),
        "{seat}"
    );

    // The head sees their own staff on the roster; a clerk sees nothing.
    let (status, roster) = call(Method::GET, path("roster"), Some(&head), None).await;
    assert_eq!(status, 200);
    let roster = roster.as_array().expect("roster");
    assert!(
        roster
            .iter()
            .any(|r| r["trainee"] == "eg.officer" && r["status"] == "accepted")
    );
    assert!(
        roster.iter().all(|r| r["unit"] == "EG-GZ-BDR"),
        "{roster:?}"
    );
    let (status, _) = call(Method::GET, path("roster"), Some(&clerk), None).await;
    assert_eq!(status, 403);

    // The trainer: attendance on a day of the session, not outside it.
    let first = upcoming[0]["first_day"].as_str().expect("day").to_owned();
    let (status, day) = call(
        Method::POST,
        path("attendance"),
        Some(&trainer),
        Some(serde_json::json!({"day": first, "present": ["eg.officer"]})),
    )
    .await;
    assert_eq!(status, 200, "{day}");
    let (status, _) = call(
        Method::POST,
        path("attendance"),
        Some(&trainer),
        Some(serde_json::json!({"day": "2001-01-01", "present": ["eg.officer"]})),
    )
    .await;
    assert_eq!(status, 422);
    let (status, _) = call(
        Method::POST,
        path("attendance"),
        Some(&clerk),
        Some(serde_json::json!({"day": first, "present": []})),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(
        Method::POST,
        path("scores"),
        Some(&trainer),
        Some(serde_json::json!({"trainee": "eg.officer", "pre": 30, "post": 80})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, roster) = call(Method::GET, path("roster"), Some(&trainer), None).await;
    assert_eq!(status, 200);
    let officer = roster
        .as_array()
        .expect("roster")
        .iter()
        .find(|r| r["trainee"] == "eg.officer")
        .cloned()
        .expect("on it");
    assert_eq!(
        (
            officer["days_attended"].as_i64(),
            officer["post_score"].as_i64()
        ),
        (Some(1), Some(80))
    );

    // The officer's own record; the head's view of it; a clerk's refusal.
    let officer_token = token("eg.officer").await;
    let (status, mine) = call(
        Method::GET,
        "/training/me".into(),
        Some(&officer_token),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        mine["sessions"]
            .as_array()
            .expect("sessions")
            .iter()
            .any(|s| s["session"].as_i64() == Some(session) && s["status"] == "accepted")
    );
    let (status, theirs) = call(
        Method::GET,
        "/training/people/eg.officer".into(),
        Some(&head),
        None,
    )
    .await;
    assert_eq!(
        (status, theirs["hours"].clone()),
        (200, mine["hours"].clone())
    );
    let (status, _) = call(
        Method::GET,
        "/training/people/eg.officer".into(),
        Some(&clerk),
        None,
    )
    .await;
    assert_eq!(status, 404);

    // Withdrawn by the head; the report for a viewer, not for a clerk.
    let (status, out) = call(
        Method::POST,
        path("withdrawals"),
        Some(&head),
        Some(serde_json::json!({"trainee": "eg.officer"})),
    )
    .await;
    assert_eq!((status, out["status"].as_str()), (200, Some("withdrawn")));
    let (status, report) = call(Method::GET, "/training/report".into(), Some(&viewer), None).await;
    assert_eq!(status, 200);
    assert_eq!(report["sessions"].as_array().expect("sessions").len(), 5);
    assert_eq!(report["by_governorate"][0]["name_en"], "Giza Governorate");
    assert_eq!(report["total"]["cost_per_trainee"]["currency"], "EGP");
    let (status, _) = call(Method::GET, "/training/report".into(), Some(&clerk), None).await;
    assert_eq!(status, 403);
    // TRN-1: a Saudi head oversees no Egyptian center: the report holds
    // none of its sessions, costs or trainers.
    let sa_head = token("sa.head").await;
    let (status, theirs) = call(Method::GET, "/training/report".into(), Some(&sa_head), None).await;
    assert_eq!(status, 200);
    assert_eq!(
        theirs["sessions"].as_array().map(Vec::len),
        Some(0),
        "{theirs}"
    );
    assert_eq!(theirs["by_trainer"].as_array().map(Vec::len), Some(0));
    assert_eq!(theirs["total"]["trainees"], 0);
    // A clerk elsewhere learns nothing of which user names exist: a known
    // name and an unknown one get the same refusal.
    let outsider = token("eg.clerk.awsim").await;
    for (rest, body) in [
        ("scores", serde_json::json!({"pre": 10})),
        ("decisions", serde_json::json!({"decision": "accept"})),
        ("withdrawals", serde_json::json!({})),
    ] {
        let mut answers = Vec::new();
        for name in ["eg.admin", "no.such.user"] {
            let mut body = body.clone();
            body["trainee"] = serde_json::json!(name);
            answers.push(call(Method::POST, path(rest), Some(&outsider), Some(body)).await);
        }
        assert_eq!(answers[0].0, 403, "{rest}: {answers:?}");
        assert_eq!(answers[0], answers[1], "{rest}: the same answer for both");
    }
    let mut answers = Vec::new();
    for name in ["eg.admin", "no.such.user"] {
        let body = serde_json::json!({"day": "2027-09-05", "present": [name]});
        answers.push(
            call(
                Method::POST,
                path("attendance"),
                Some(&outsider),
                Some(body),
            )
            .await,
        );
    }
    assert_eq!(answers[0].0, 403, "attendance: {answers:?}");
    assert_eq!(answers[0], answers[1]);
    app.stop().await;
}

/// The planning page: the center adds a course to its catalog and a
/// session with seats for a unit, a trainer and a cost; bad fields are
/// named together; a head may not plan.
async fn the_center_plans_its_catalog_and_year_from_its_page(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    app.app.load_demo_training().await.expect("demo");
    let admin = crate::applications::staff_client(&app, "eg.admin").await;
    let page = crate::support::html(&admin, app.url("/staff/training/plan")).await;
    assert!(page.contains("id=\"plan-session\"") && page.contains("id=\"plan-course\""));
    let csrf = crate::support::csrf_of(&page);
    let center = page
        .split("<select id=\"center\" name=\"center\"><option value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a center to choose")
        .to_owned();
    let post = |path: &'static str, form: Vec<(&'static str, String)>| {
        let (admin, url) = (admin.clone(), app.url(path));
        async move { admin.post(url).form(&form).send().await.expect("request") }
    };
    let course = |code: &str, name_ar: &str, hours: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("center", center.clone()),
            ("code", code.to_owned()),
            ("name_ar", name_ar.to_owned()),
            ("name_en", "GIS for local units".to_owned()),
            (
                "objectives_ar",
                "استخدام نظم المعلومات الجغرافية".to_owned(),
            ),
            ("objectives_en", "Using GIS".to_owned()),
            ("audience_ar", "مهندسو التخطيط".to_owned()),
            ("audience_en", "Planning engineers".to_owned()),
            ("roles", "department_officer".to_owned()),
            ("competencies", "smart-city-planning".to_owned()),
            ("hours", hours.to_owned()),
            ("mode", "blended".to_owned()),
            ("partner", String::new()),
            ("min_attendance", "75".to_owned()),
            ("pass_score", "50".to_owned()),
        ]
    };
    let refused = post("/staff/training/plan/course", course("gis-1", "", "0")).await;
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.expect("html");
    assert!(
        refused.contains("href=\"#name_ar\"") && refused.contains("href=\"#hours\""),
        "each bad field named in the summary: {refused}"
    );
    assert!(
        refused.contains("value=\"GIS for local units\"")
            && refused.contains("value=\"smart-city-planning\" checked"),
        "what was typed and ticked is kept"
    );
    let added = post(
        "/staff/training/plan/course",
        course("gis-1", "نظم المعلومات الجغرافية", "24"),
    )
    .await;
    assert_eq!(added.status(), 303);
    let page = crate::support::html(&admin, app.url("/staff/training/plan")).await;
    let option = page
        .split("<option value=\"")
        .find(|o| o.contains("نظم المعلومات الجغرافية (GIS-1)"))
        .expect("the course is offered for planning");
    let course_id = option.split('"').next().expect("id").to_owned();
    let planned = post(
        "/staff/training/plan/session",
        vec![
            ("csrf", csrf.clone()),
            ("currency", "EGP".into()),
            ("course", course_id),
            ("plan_year", "2027/2028".into()),
            ("first_day", "2027-11-07".into()),
            ("last_day", "2027-11-11".into()),
            ("venue", "قاعة المحافظة".into()),
            ("capacity", "12".into()),
            ("trainer", "eg.officer".into()),
            ("quotas", "EG-GZ-BDR 4\nEG-GZ-AWS 4".into()),
            ("cost", "12000.50".into()),
        ],
    )
    .await;
    assert_eq!(planned.status(), 303);
    let to = planned.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let id: i64 = to
        .trim_start_matches("/staff/training/")
        .split('?')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("the new session's page");
    let session = app
        .app
        .store
        .training_session(id)
        .await
        .expect("s")
        .expect("planned");
    assert_eq!(
        (session.capacity, session.cost_minor, session.hours),
        (12, 1_200_050, 24)
    );
    assert_eq!(session.trainer_id, Some(user_id(&app, "eg.officer").await));
    let (quotas, _) = app.app.store.roster(id).await.expect("roster");
    assert_eq!(quotas.values().sum::<i64>(), 8);
    let bad = post(
        "/staff/training/plan/session",
        vec![
            ("csrf", csrf.clone()),
            ("currency", "EGP".into()),
            ("course", "1".into()),
            ("plan_year", "2027/2028".into()),
            ("first_day", "2027-11-11".into()),
            ("last_day", "not a day".into()),
            ("venue", String::new()),
            ("capacity", "12".into()),
            ("quotas", "NOWHERE 3".into()),
            ("cost", "-5".into()),
        ],
    )
    .await;
    assert_eq!(bad.status(), 422);
    let bad = bad.text().await.expect("html");
    for field in ["last_day", "venue", "quotas", "cost"] {
        assert!(
            bad.contains(&format!("href=\"#{field}\"")),
            "{field} named: {bad}"
        );
    }
    // What each role needs: one existing pair kept, a new competency for
    // the officers; a bad code refused with what was typed kept.
    let needs = |code: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("need", "clerk:digital-services".to_owned()),
            ("competency_code", code.to_owned()),
            ("competency_ar", "نظم المعلومات الجغرافية".to_owned()),
            ("competency_en", "GIS".to_owned()),
            ("new_need", "department_officer".to_owned()),
        ]
    };
    let bad = post("/staff/training/plan/competencies", needs("GIS!")).await;
    assert_eq!(bad.status(), 422);
    let bad = bad.text().await.expect("html");
    assert!(bad.contains("href=\"#competency_code\"") && bad.contains("value=\"GIS!\""));
    let saved = post("/staff/training/plan/competencies", needs("gis")).await;
    assert_eq!(saved.status(), 303);
    assert_eq!(
        app.app.store.role_needs().await.expect("needs"),
        [
            ("clerk".to_owned(), "digital-services".to_owned()),
            ("department_officer".to_owned(), "gis".to_owned())
        ]
    );
    let head = crate::applications::staff_client(&app, "eg.head").await;
    let page = crate::support::html(&head, app.url("/staff/training/needs")).await;
    assert!(
        page.contains("نظم المعلومات الجغرافية"),
        "the officers' new need"
    );
    assert!(
        !page.contains("قيادة التحول الرقمي"),
        "the heads' need was cleared"
    );
    let refused = head
        .get(app.url("/staff/training/plan"))
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status(), 403, "a unit head does not run the center");
    app.stop().await;
}
