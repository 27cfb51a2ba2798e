//! The ballot box of participatory budgets, through the real server on
//! both engines: one person votes once whatever the channel (a web vote
//! racing a counter vote on two servers), a changed ballot is counted
//! once, nothing stored links a voter to a ballot, each kind of
//! eligibility admits whom it says, and results are published only after
//! the unit head signs them off.

use baladiya_app::participation::{BudgetSpec, ProcessSpec};
use baladiya_domain::country::EgyptianNationalId;
use baladiya_domain::participation::ballot::BallotKind;
use baladiya_domain::participation::count::Rule;
use baladiya_domain::participation::phases::{Phase, PhaseKind};
use baladiya_domain::participation::voters::Eligibility;
use baladiya_store::Store;
use chrono::Duration;
use reqwest::StatusCode;

use crate::accounts::{ask_code, enter_code};
use crate::applications::staff_client;
use crate::support::{Engine, TestApp, csrf_of, html, scalar_f64};

crate::on_both_engines!(
    one_person_votes_once_across_web_and_counter_on_two_servers,
    a_changed_ballot_is_counted_once_and_the_receipt_finds_it,
    nothing_stored_links_a_voter_to_a_ballot,
    each_kind_of_eligibility_admits_whom_it_says,
    results_are_published_only_after_the_unit_head_signs_them_off,
    a_decided_project_is_followed_and_its_followers_told_of_each_update,
    participation_and_delivery_on_time_are_indicators_rolled_up_the_tree,
    a_mobile_app_signs_in_votes_checks_and_changes_through_the_api,
);

/// A process of Giza (voting open today) with a budget of three projects,
/// approval of two at most; gives the budget's id.
pub(crate) async fn budget(app: &TestApp, slug: &str, eligibility: Eligibility) -> (i64, i64) {
    let today = app.app.today_in(baladiya_domain::country::Country::Egypt);
    let giza = app
        .app
        .store
        .unit_by_code(&baladiya_domain::org::UnitCode::parse("EG-GZ").expect("code"))
        .await
        .expect("read")
        .expect("Giza")
        .id;
    let process = app
        .app
        .open_process(
            None,
            &ProcessSpec {
                slug: slug.into(),
                unit_id: giza,
                title: ("موازنة".into(), "Budget".into()),
                summary: ("ملخص".into(), "Summary".into()),
                eligibility,
                support_threshold: 10,
                phases: vec![Phase {
                    kind: PhaseKind::Voting,
                    starts: today - Duration::days(1),
                    ends: today + Duration::days(1),
                }],
            },
        )
        .await
        .expect("process");
    let budget = app
        .app
        .open_budget(
            None,
            process,
            &BudgetSpec {
                unit_id: giza,
                name: ("ميزانية".into(), "Budget".into()),
                amount: 1_000,
                kind: BallotKind::Approval { max: 2 },
                rule: Rule::Greedy,
                projects: ["P1", "P2", "P3"]
                    .iter()
                    .map(|c| {
                        (
                            (*c).into(),
                            format!("مشروع {c}"),
                            format!("Project {c}"),
                            400,
                        )
                    })
                    .collect(),
            },
        )
        .await
        .expect("budget");
    (process, budget)
}

/// A signed-in citizen's browser.
pub(crate) async fn citizen(app: &TestApp, mobile: &str) -> reqwest::Client {
    let browser = ask_code(app, mobile).await;
    let e164 = format!("+20{}", &mobile[1..]);
    let code = app.last_code(&e164);
    let signed = enter_code(app, &browser, &e164, &code).await;
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    browser
}

/// Votes online for `choices`; the answer.
pub(crate) async fn vote(
    app: &TestApp,
    browser: &reqwest::Client,
    budget: i64,
    choices: &[&str],
    national_id: &str,
) -> reqwest::Response {
    // The citizen's anti-forgery token (the ballot's form has it only
    // while the citizen may vote).
    let account = html(browser, app.url("/account")).await;
    let mut fields = vec![("csrf".to_owned(), csrf_of(&account))];
    fields.extend(
        choices
            .iter()
            .map(|c| ("choice".to_owned(), (*c).to_owned())),
    );
    fields.push(("national_id".into(), national_id.into()));
    browser
        .post(app.url(&format!("/participate/budgets/{budget}/vote")))
        .form(&fields)
        .send()
        .await
        .expect("request")
}

/// Records a counter vote; the answer.
async fn counter_vote(
    app: &TestApp,
    clerk: &reqwest::Client,
    budget: i64,
    choices: &[&str],
    national_id: &str,
    mobile: &str,
) -> reqwest::Response {
    let form = html(
        clerk,
        app.url(&format!("/staff/participation/budgets/{budget}/counter")),
    )
    .await;
    assert!(form.contains("counter-form"), "{form}");
    let mut fields = vec![
        ("csrf".to_owned(), csrf_of(&form)),
        ("national_id".to_owned(), national_id.to_owned()),
        ("mobile".to_owned(), mobile.to_owned()),
    ];
    fields.extend(
        choices
            .iter()
            .map(|c| ("choice".to_owned(), (*c).to_owned())),
    );
    clerk
        .post(app.url(&format!("/staff/participation/budgets/{budget}/counter")))
        .form(&fields)
        .send()
        .await
        .expect("request")
}

/// The receipt code on a page that shows one.
fn receipt_of(page: &str) -> String {
    let start = page.find("id=\"receipt\">").expect("a receipt") + "id=\"receipt\">".len();
    page[start..].split('<').next().expect("code").to_owned()
}

fn national_id(serial: u32) -> String {
    EgyptianNationalId::with_check_digit(&format!("2900115210{serial:03}")).expect("an ID")
}

async fn count(store: &Store, sql: &str) -> i64 {
    scalar_f64(store, sql).await as i64
}

async fn one_person_votes_once_across_web_and_counter_on_two_servers(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let second = app.another_server().await;
    let (_, budget) = budget(&app, "race", Eligibility::Mobile).await;
    let clerk = staff_client(&second, "eg.clerk").await;
    for person in 0..4u32 {
        let mobile = format!("0101234{:04}", 5600 + person);
        let browser = citizen(&app, &mobile).await;
        let id = national_id(person);
        let (online, walk_in) = tokio::join!(
            vote(&app, &browser, budget, &["P1"], ""),
            counter_vote(&second, &clerk, budget, &["P2"], &id, &mobile),
        );
        let mut statuses = [online.status(), walk_in.status()];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "person {person}: exactly one of the two votes is taken"
        );
        // Afterwards, each channel finds the person voted.
        assert_eq!(
            vote(&app, &browser, budget, &["P3"], "").await.status(),
            StatusCode::CONFLICT
        );
        let again = counter_vote(&second, &clerk, budget, &["P3"], &national_id(person), "").await;
        assert_eq!(
            again.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "a number is needed"
        );
        let again = counter_vote(
            &second,
            &clerk,
            budget,
            &["P3"],
            &national_id(person),
            &mobile,
        )
        .await;
        assert_eq!(again.status(), StatusCode::CONFLICT);
    }
    let store = &app.app.store;
    let ballots = format!("SELECT COUNT(*) FROM participation_ballots WHERE budget_id = {budget}");
    assert_eq!(count(store, &ballots).await, 4);
    let voters = format!(
        "SELECT COALESCE(SUM(voters), 0) FROM participation_turnout WHERE budget_id = {budget}"
    );
    assert_eq!(count(store, &voters).await, 4);
    second.stop().await;
    app.stop().await;
}

async fn a_changed_ballot_is_counted_once_and_the_receipt_finds_it(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let (_, budget) = budget(&app, "change", Eligibility::Mobile).await;
    let browser = citizen(&app, "01012345610").await;
    let voted = vote(&app, &browser, budget, &["P1", "P2"], "").await;
    assert_eq!(voted.status(), StatusCode::OK);
    let receipt = receipt_of(&voted.text().await.expect("page"));
    // Too many choices: refused, the ticks kept.
    let visitor = app.new_client();
    let form = html(&visitor, app.url("/participate/receipt")).await;
    let opened = visitor
        .post(app.url("/participate/receipt"))
        .form(&[
            ("csrf", csrf_of(&form)),
            ("receipt", receipt.to_lowercase()),
            ("change", "1".into()),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(opened.status(), StatusCode::OK);
    let ballot = opened.text().await.expect("page");
    assert!(ballot.contains("id=\"changing\""), "{ballot}");
    let change = |choices: Vec<&'static str>, csrf: String| {
        let mut fields = vec![("csrf", csrf), ("receipt", receipt.clone())];
        fields.extend(choices.into_iter().map(|c| ("choice", c.to_owned())));
        visitor
            .post(app.url("/participate/receipt/change"))
            .form(&fields)
            .send()
    };
    let refused = change(vec!["P1", "P2", "P3"], csrf_of(&ballot))
        .await
        .expect("request");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.expect("page");
    assert!(page.contains("value=\"P3\" checked"), "{page}");
    let changed = change(vec!["P3"], csrf_of(&page)).await.expect("request");
    assert_eq!(changed.status(), StatusCode::OK);
    assert_eq!(receipt_of(&changed.text().await.expect("page")), receipt);
    let ballots = app.app.store.ballots_of(budget).await.expect("ballots");
    assert_eq!(ballots, ["P3"], "one ballot, with the new choices");
    let checked = visitor
        .post(app.url("/participate/receipt"))
        .form(&[("csrf", csrf_of(&page)), ("receipt", receipt.clone())])
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("page");
    assert!(checked.contains("id=\"receipt-status\""), "{checked}");
    assert!(checked.contains("id=\"not-counted\""), "{checked}");
    assert!(
        !checked.contains("P3"),
        "a receipt does not show the choices"
    );
    let wrong = visitor
        .post(app.url("/participate/receipt"))
        .form(&[
            ("csrf", csrf_of(&page)),
            ("receipt", "7JMS-PCCN-002X-NPGR-QB06-F".into()),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.stop().await;
}

async fn nothing_stored_links_a_voter_to_a_ballot(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let (_, budget) = budget(&app, "secret", Eligibility::Mobile).await;
    let clerk = staff_client(&app, "eg.clerk").await;
    for person in 0..3u32 {
        let mobile = format!("0101234{:04}", 5700 + person);
        let browser = citizen(&app, &mobile).await;
        assert_eq!(
            vote(&app, &browser, budget, &["P1"], "").await.status(),
            StatusCode::OK
        );
        let walk_in = counter_vote(
            &app,
            &clerk,
            budget,
            &["P2"],
            &national_id(100 + person),
            &format!("0122{:07}", person),
        )
        .await;
        assert_eq!(walk_in.status(), StatusCode::OK);
    }
    let store = &app.app.store;
    // The two tables hold only these columns: no time, no voter, no
    // channel, no sequence.
    let columns = |table: &'static str| async move {
        let sql = match engine {
            Engine::Sqlite => {
                format!("SELECT name FROM pragma_table_info('{table}') ORDER BY name")
            }
            Engine::Postgres => format!(
                "SELECT column_name::text FROM information_schema.columns \
                 WHERE table_name = '{table}' AND table_schema = current_schema() ORDER BY 1"
            ),
        };
        crate::support::strings(store, &sql).await
    };
    assert_eq!(
        columns("participation_roll").await,
        ["process_id", "slot", "voter_hash"]
    );
    assert_eq!(
        columns("participation_ballots").await,
        ["budget_id", "choices", "receipt_hash"]
    );
    // No national ID, no number in the roll.
    let hashes = crate::support::strings(store, "SELECT voter_hash FROM participation_roll").await;
    assert_eq!(hashes.len(), 9, "one key online, two at the counter");
    assert!(
        hashes
            .iter()
            .all(|h| h.len() == 64 && !h.contains("0101234"))
    );
    // Votes' events name the budget and the channel only.
    let details = crate::support::strings(
        store,
        "SELECT detail FROM events WHERE action = 'participation.vote_cast' ORDER BY id",
    )
    .await;
    assert_eq!(details.len(), 6);
    assert!(
        details
            .iter()
            .all(|d| d == r#"{"channel":"web"}"# || d == r#"{"channel":"counter"}"#)
    );
    // On PostgreSQL, after mixing, no row's transaction id or place tells
    // which vote wrote it.
    store.mix_ballot_box().await.expect("mixed");
    if engine == Engine::Postgres {
        for table in ["participation_roll", "participation_ballots"] {
            let writers = count(
                store,
                &format!("SELECT COUNT(DISTINCT xmin::text) FROM {table}"),
            )
            .await;
            assert_eq!(writers, 1, "{table}: one transaction wrote every row");
        }
        let order = crate::support::strings(
            store,
            "SELECT receipt_hash FROM participation_ballots ORDER BY ctid",
        )
        .await;
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(order, sorted, "rows lie in the order of their hashes");
    }
    assert_eq!(store.ballots_of(budget).await.expect("ballots").len(), 6);
    app.stop().await;
}

async fn each_kind_of_eligibility_admits_whom_it_says(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let (residents, by_list) = budget(&app, "residents", Eligibility::Residents).await;
    let (_, at_counter) = budget(&app, "counter", Eligibility::Counter).await;
    let browser = citizen(&app, "01012345620").await;
    // Residents: an ID is needed, and must be on the list.
    let page = vote(&app, &browser, by_list, &["P1"], "").await;
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.text()
            .await
            .expect("page")
            .contains("href=\"#national_id\"")
    );
    let outsider = vote(&app, &browser, by_list, &["P1"], &national_id(200)).await;
    assert_eq!(outsider.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let added = app
        .app
        .import_residents(None, residents, &[national_id(200), national_id(201)])
        .await
        .expect("imported");
    assert_eq!(added, 2);
    let stored = count(
        &app.app.store,
        "SELECT COUNT(*) FROM participation_residents",
    )
    .await;
    assert_eq!(stored, 2);
    assert_eq!(
        vote(&app, &browser, by_list, &["P1"], &national_id(200))
            .await
            .status(),
        StatusCode::OK
    );
    // The same number cannot vote again with another resident's ID.
    let other = vote(&app, &browser, by_list, &["P1"], &national_id(201)).await;
    assert_eq!(other.status(), StatusCode::CONFLICT);
    // Counter only: no ballot online, one at the counter.
    let form = html(
        &browser,
        app.url(&format!("/participate/budgets/{at_counter}/vote")),
    )
    .await;
    assert!(form.contains("id=\"standing\""), "{form}");
    assert!(!form.contains("id=\"ballot-form\""));
    let refused = vote(&app, &browser, at_counter, &["P1"], "").await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let clerk = staff_client(&app, "eg.clerk").await;
    let walk_in = counter_vote(&app, &clerk, at_counter, &["P2"], &national_id(202), "").await;
    assert_eq!(walk_in.status(), StatusCode::OK);
    // Staff who take no votes are refused.
    let head = staff_client(&app, "eg.head").await;
    let page = head
        .get(app.url(&format!(
            "/staff/participation/budgets/{at_counter}/counter"
        )))
        .send()
        .await
        .expect("request");
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

async fn results_are_published_only_after_the_unit_head_signs_them_off(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let (process, budget) = budget(&app, "results", Eligibility::Mobile).await;
    let mut receipts = Vec::new();
    for (person, choices) in [
        (0, vec!["P1", "P2"]),
        (1, vec!["P2"]),
        (2, vec!["P2", "P3"]),
    ] {
        let browser = citizen(&app, &format!("0101234{:04}", 5630 + person)).await;
        let voted = vote(&app, &browser, budget, &choices, "").await;
        receipts.push(receipt_of(&voted.text().await.expect("page")));
    }
    let visitor = app.new_client();
    let results = app.url(&format!("/participate/budgets/{budget}/results"));
    assert!(
        html(&visitor, results.clone())
            .await
            .contains("id=\"not-signed\"")
    );
    for open_data in ["ballots.pb", "receipts.txt"] {
        let url = app.url(&format!("/participate/budgets/{budget}/{open_data}"));
        let answer = visitor.get(url).send().await.expect("request");
        assert_eq!(answer.status(), StatusCode::CONFLICT, "{open_data}");
    }
    // Not while voting is open.
    let head = crate::support::principal(&app, "eg.admin").await;
    let early = app.app.sign_off_budget(&head, budget).await;
    assert!(early.is_err());
    let today = app.app.today_in(baladiya_domain::country::Country::Egypt);
    app.app
        .reschedule_process(
            None,
            process,
            vec![Phase {
                kind: PhaseKind::Voting,
                starts: today - Duration::days(5),
                ends: today - Duration::days(1),
            }],
        )
        .await
        .expect("rescheduled");
    // A unit head of a markaz below cannot sign off the governorate's.
    let markaz_head = staff_client(&app, "eg.head").await;
    let overview = html(&markaz_head, app.url("/staff/participation")).await;
    assert!(!overview.contains("/sign-off"), "{overview}");
    let result = app.app.sign_off_budget(&head, budget).await;
    assert!(
        result.is_err(),
        "the administrator does not sign off results"
    );
    let governor = crate::support::grant_head_of(&app, "EG-GZ").await;
    let signed = app
        .app
        .sign_off_budget(&governor, budget)
        .await
        .expect("signed");
    // Greedy by votes within 1,000: P2 (3 votes), then P1 and P3 tie at
    // one vote each and only one fits; the tie goes to the smaller code.
    assert_eq!(signed.selected, ["P2", "P1"]);
    assert!(app.app.sign_off_budget(&governor, budget).await.is_err());
    let page = html(&visitor, results).await;
    assert!(page.contains("id=\"results\""), "{page}");
    let pabulib = visitor
        .get(app.url(&format!("/participate/budgets/{budget}/ballots.pb")))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("text");
    let instance =
        baladiya_domain::participation::pabulib::Instance::parse(&pabulib).expect("pabulib");
    assert_eq!(instance.votes.len(), 3);
    let projects = instance.project_list();
    let recount = baladiya_domain::participation::count::Tally::new(
        &projects,
        instance.budget().expect("budget"),
        &instance.votes,
    )
    .expect("tally")
    .count(Rule::Greedy);
    let recounted: Vec<&str> = recount
        .selected
        .iter()
        .map(|&i| projects[i].id.as_str())
        .collect();
    assert_eq!(
        recounted,
        ["P2", "P1"],
        "anyone recounts the same from the open data"
    );
    let hashes = visitor
        .get(app.url(&format!("/participate/budgets/{budget}/receipts.txt")))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("text");
    for receipt in &receipts {
        use sha2::Digest;
        // The hash of the code's twenty-one characters, without dashes.
        let hash = hex::encode(sha2::Sha256::digest(receipt.replace('-', "").as_bytes()));
        assert!(
            hashes.lines().any(|l| l == hash),
            "{receipt} is among the counted"
        );
    }
    let form = html(&visitor, app.url("/participate/receipt")).await;
    let checked = visitor
        .post(app.url("/participate/receipt"))
        .form(&[("csrf", csrf_of(&form)), ("receipt", receipts[0].clone())])
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("page");
    assert!(checked.contains("id=\"counted\""), "{checked}");
    app.stop().await;
}

async fn a_mobile_app_signs_in_votes_checks_and_changes_through_the_api(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let (_, budget) = budget(&app, "api", Eligibility::Mobile).await;
    let client = app.new_client();
    let api = |path: &str| app.url(&format!("/api/v1{path}"));
    let sent = client
        .post(api("/account/codes"))
        .json(&serde_json::json!({ "mobile": "01012345640" }))
        .send()
        .await
        .expect("request");
    assert_eq!(sent.status(), StatusCode::ACCEPTED);
    let code = app.last_code("+201012345640");
    let signed: serde_json::Value = client
        .post(api("/account/sessions"))
        .json(&serde_json::json!({ "mobile": "01012345640", "code": code }))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    let token = signed["token"].as_str().expect("a token").to_owned();
    let process: serde_json::Value = client
        .get(api("/participation/processes/api"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(process["voting_open"], true);
    assert_eq!(process["budgets"][0]["id"], budget);
    assert_eq!(process["budgets"][0]["ballot"]["max"], 2);
    let ballots = api(&format!("/participation/budgets/{budget}/ballots"));
    // Without the citizen's token, or with a staff token: refused.
    let anonymous = client
        .post(&ballots)
        .json(&serde_json::json!({ "choices": ["P1"] }))
        .send()
        .await
        .expect("request");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let staff = client
        .post(&ballots)
        .bearer_auth(app.token("eg.clerk").await)
        .json(&serde_json::json!({ "choices": ["P1"] }))
        .send()
        .await
        .expect("request");
    assert_eq!(staff.status(), StatusCode::UNAUTHORIZED);
    let too_many = client
        .post(&ballots)
        .bearer_auth(&token)
        .json(&serde_json::json!({ "choices": ["P1", "P2", "P3"] }))
        .send()
        .await
        .expect("request");
    assert_eq!(too_many.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: serde_json::Value = too_many.json().await.expect("json");
    assert_eq!(error["fields"][0]["code"], "ballot-too-many", "{error}");
    let voted = client
        .post(&ballots)
        .bearer_auth(&token)
        .json(&serde_json::json!({ "choices": ["P1", "P2"] }))
        .send()
        .await
        .expect("request");
    assert_eq!(voted.status(), StatusCode::CREATED);
    let receipt = voted.json::<serde_json::Value>().await.expect("json")["receipt"]
        .as_str()
        .expect("a receipt")
        .to_owned();
    let again = client
        .post(&ballots)
        .bearer_auth(&token)
        .json(&serde_json::json!({ "choices": ["P3"] }))
        .send()
        .await
        .expect("request");
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let changed = client
        .post(api("/participation/receipts/change"))
        .json(&serde_json::json!({ "receipt": receipt, "choices": ["P3"] }))
        .send()
        .await
        .expect("request");
    assert_eq!(changed.status(), StatusCode::OK);
    let status: serde_json::Value = client
        .post(api("/participation/receipts/check"))
        .json(&serde_json::json!({ "receipt": receipt }))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(status["recorded"], true);
    assert_eq!(status["counted"], false);
    assert_eq!(
        app.app.store.ballots_of(budget).await.expect("ballots"),
        ["P3"]
    );
    let details: serde_json::Value = client
        .get(api(&format!("/participation/budgets/{budget}")))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(details["voters"], 1);
    assert_eq!(details["result"], serde_json::Value::Null);
    app.stop().await;
}

async fn a_decided_project_is_followed_and_its_followers_told_of_each_update(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let (process, budget) = budget(&app, "delivery", Eligibility::Mobile).await;
    let follower = citizen(&app, "01012345660").await;
    for (person, choices) in [(0, vec!["P2"]), (1, vec!["P2", "P1"])] {
        let voter = citizen(&app, &format!("0101234{:04}", 5661 + person)).await;
        assert_eq!(
            vote(&app, &voter, budget, &choices, "").await.status(),
            StatusCode::OK
        );
    }
    let today = app.app.today_in(baladiya_domain::country::Country::Egypt);
    app.app
        .reschedule_process(
            None,
            process,
            vec![Phase {
                kind: PhaseKind::Voting,
                starts: today - Duration::days(3),
                ends: today - Duration::days(1),
            }],
        )
        .await
        .expect("closed");
    let governor = crate::support::grant_head_of(&app, "EG-GZ").await;
    app.app
        .sign_off_budget(&governor, budget)
        .await
        .expect("signed off");
    let projects = app.app.store.projects_of(budget).await.expect("projects");
    let id_of = |code: &str| {
        projects
            .iter()
            .find(|p| p.code == code)
            .expect("project")
            .id
    };
    let (winner, loser) = (id_of("P2"), id_of("P3"));
    // A project the count did not select has no delivery page.
    let visitor = app.new_client();
    let missing = visitor
        .get(app.url(&format!("/participate/projects/{loser}")))
        .send()
        .await
        .expect("request");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    // The citizen follows the winner.
    let page = html(
        &follower,
        app.url(&format!("/participate/projects/{winner}")),
    )
    .await;
    let followed = follower
        .post(app.url(&format!("/participate/projects/{winner}/follow")))
        .form(&[("csrf", csrf_of(&page))])
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("page");
    assert!(followed.contains("id=\"following\""), "{followed}");
    // Staff report its delivery: a wrong figure is refused, the typing kept.
    let admin = staff_client(&app, "eg.admin").await;
    let form_page = html(
        &admin,
        app.url(&format!("/staff/participation/projects/{winner}")),
    )
    .await;
    let csrf = csrf_of(&form_page);
    let send = |fields: Vec<(&'static str, String)>| {
        let mut all = vec![("csrf", csrf.clone())];
        all.extend(fields);
        admin
            .post(app.url(&format!("/staff/participation/projects/{winner}")))
            .form(&all)
            .send()
    };
    let due = (today + Duration::days(30)).to_string();
    let wrong = send(vec![
        ("status", "in_progress".into()),
        ("progress", "150".into()),
        ("allocated", "400".into()),
        ("spent", "100".into()),
        ("note", "بدأ العمل".into()),
    ])
    .await
    .expect("request");
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = wrong.text().await.expect("page");
    assert!(
        page.contains("href=\"#progress\"") && page.contains("value=\"150\""),
        "{page}"
    );
    let saved = send(vec![
        ("status", "in_progress".into()),
        ("progress", "40".into()),
        ("allocated", "400".into()),
        ("spent", "120".into()),
        ("note", "بدأ رصف الشارع من جهة المدرسة.".into()),
        ("milestone_ar", "استلام الطبقة الأساسية".into()),
        ("milestone_en", "Base course handed over".into()),
        ("milestone_due", due),
    ])
    .await
    .expect("request");
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let public = html(
        &visitor,
        app.url(&format!("/participate/projects/{winner}")),
    )
    .await;
    assert!(
        public.contains("بدأ رصف الشارع") && public.contains("استلام الطبقة الأساسية"),
        "{public}"
    );
    assert!(public.contains("value=\"40\""), "the progress: {public}");
    // The follower is told through the outbox, and sees it in their account.
    let told = count(
        &app.app.store,
        "SELECT COUNT(*) FROM notifications WHERE kind = 'project_update' AND recipient = '+201012345660'",
    )
    .await;
    assert_eq!(told, 1);
    let account = html(&follower, app.url("/account")).await;
    assert!(account.contains("تحديث على مشروع تتابعه"), "{account}");
    // Who may report: not a clerk; and only a decided project.
    let clerk = crate::support::principal(&app, "eg.clerk").await;
    let form = baladiya_app::participation_delivery::DeliveryForm {
        status: "planned".into(),
        progress: "0".into(),
        allocated: "0".into(),
        spent: "0".into(),
        ..Default::default()
    };
    assert!(matches!(
        app.app.update_delivery(Some(&clerk), winner, &form).await,
        Err(baladiya_app::AppError::Forbidden(_))
    ));
    assert!(app.app.update_delivery(None, loser, &form).await.is_err());
    app.stop().await;
}

async fn participation_and_delivery_on_time_are_indicators_rolled_up_the_tree(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    app.with_indicators();
    let (process, budget) = budget(&app, "indicators", Eligibility::Mobile).await;
    for person in 0..3u32 {
        let voter = citizen(&app, &format!("0101234{:04}", 5670 + person)).await;
        assert_eq!(
            vote(&app, &voter, budget, &["P1", "P2"], "").await.status(),
            StatusCode::OK
        );
    }
    // Voting closes yesterday; Giza has 300 inhabitants on record.
    let today = app.app.today_in(baladiya_domain::country::Country::Egypt);
    let closed = today - Duration::days(1);
    app.app
        .reschedule_process(
            None,
            process,
            vec![Phase {
                kind: PhaseKind::Voting,
                starts: closed - Duration::days(2),
                ends: closed,
            }],
        )
        .await
        .expect("closed");
    let month = baladiya_domain::indicators::Month::of(closed);
    app.app
        .set_unit_reference(
            None,
            "EG-GZ",
            i64::from(chrono::Datelike::year(&closed)),
            Some(300),
            None,
            None,
        )
        .await
        .expect("population");
    let governor = crate::support::grant_head_of(&app, "EG-GZ").await;
    app.app
        .sign_off_budget(&governor, budget)
        .await
        .expect("signed off");
    // One selected project delivered with its milestone reached late.
    let projects = app.app.store.projects_of(budget).await.expect("projects");
    let winner = projects.iter().find(|p| p.code == "P1").expect("P1").id;
    let form =
        |status: &str, progress: &str, milestone: (String, String, String), reached: Vec<i64>| {
            baladiya_app::participation_delivery::DeliveryForm {
                status: status.into(),
                progress: progress.into(),
                allocated: "400".into(),
                spent: "390".into(),
                note: String::new(),
                milestone,
                reached,
            }
        };
    let overdue = (closed - Duration::days(1)).to_string();
    app.app
        .update_delivery(
            None,
            winner,
            &form(
                "in_progress",
                "50",
                ("تسليم".into(), "Handover".into(), overdue),
                vec![],
            ),
        )
        .await
        .expect("milestone set");
    let milestone = app
        .app
        .store
        .milestones_of(winner)
        .await
        .expect("milestones")[0]
        .id;
    app.app
        .update_delivery(
            None,
            winner,
            &form("delivered", "100", Default::default(), vec![milestone]),
        )
        .await
        .expect("delivered");
    app.app
        .recompute_indicators(month)
        .await
        .expect("recomputed");
    let giza = app
        .app
        .store
        .unit_by_code(&baladiya_domain::org::UnitCode::parse("EG-GZ").expect("code"))
        .await
        .expect("read")
        .expect("Giza")
        .id;
    let value = |code: &'static str, month: baladiya_domain::indicators::Month| {
        let store = app.app.store.clone();
        async move {
            store
                .indicator_values(Some(code), &[giza], &[month.to_string()])
                .await
                .expect("values")
                .first()
                .map(|v| (v.numerator, v.denominator))
        }
    };
    assert_eq!(
        value("BLD: GOV: PA: 1", month).await,
        Some((3.0, 300.0)),
        "3 voters of 300 inhabitants"
    );
    // Delivered this month (today), its milestone reached after its day.
    let this_month = baladiya_domain::indicators::Month::of(app.app.now().date_naive());
    app.app
        .recompute_indicators(this_month)
        .await
        .expect("recomputed");
    assert_eq!(
        value("BLD: GOV: PA: 2", this_month).await,
        Some((0.0, 1.0)),
        "one delivered, late"
    );
    app.stop().await;
}
