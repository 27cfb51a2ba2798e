//! The storage conformance suite: the same expectations on SQLite and
//! PostgreSQL.

use baladiya_domain::ErrorCode;
use baladiya_domain::country::Country;
use baladiya_domain::org::{BilingualName, DepartmentKind, OrgUnit, OrgUnitKind, UnitCode};
use baladiya_domain::people::{Role, Username};
use baladiya_store::{NewDepartment, NewUnit, NewUser, SessionKind, Store, StoreError, Throttle};
use chrono::{Duration, NaiveDate, Utc};

use crate::support::{Engine, TestDb, scalar_f64};

crate::on_both_engines!(
    migrations_are_idempotent_and_versioned,
    a_newer_schema_is_refused_and_left_alone,
    units_form_a_tree_and_codes_are_unique,
    a_refused_write_leaves_no_event,
    events_are_append_only,
    foreign_keys_are_enforced,
    concurrent_takes_of_a_throttle_all_count,
    concurrent_writers_keep_their_own_work_and_are_answered_once_it_is_kept,
    an_abandoned_write_is_kept_whole_or_not_at_all,
    sessions_expire_and_are_deleted,
    grants_carry_unit_paths,
    holidays_make_the_calendar,
    searches_over_several_categories_page_like_one_listing,
);

async fn fresh(engine: Engine) -> Option<(TestDb, Store)> {
    let db = TestDb::new(engine).await?;
    let store = db.store().await;
    Some((db, store))
}

async fn unit(store: &Store, code: &str, kind: OrgUnitKind, parent: Option<&OrgUnit>) -> OrgUnit {
    let new = NewUnit {
        code: UnitCode::parse(code).expect("code"),
        kind,
        name: BilingualName::parse(&format!("وحدة {code}"), &format!("Unit {code}")).expect("name"),
        parent: parent.cloned(),
    };
    store
        .create_unit(&new, None, Utc::now())
        .await
        .expect("create unit")
}

async fn user(store: &Store, name: &str) -> i64 {
    let new = NewUser {
        username: Username::parse(name).expect("username"),
        full_name: "موظف تجريبي".into(),
        password_hash: "$argon2id$dummy".into(),
    };
    store
        .create_user(&new, None, Utc::now())
        .await
        .expect("create user")
}

async fn migrations_are_idempotent_and_versioned(engine: Engine) {
    let Some((_db, store)) = fresh(engine).await else {
        return;
    };
    let version = store.schema_version().await.expect("version");
    assert_eq!(version, store.supported_schema_version());
    assert!(version >= 1);
    assert_eq!(store.migrate().await.expect("second run"), version);
    store.ping().await.expect("ping");
}

async fn a_newer_schema_is_refused_and_left_alone(engine: Engine) {
    let Some((_db, store)) = fresh(engine).await else {
        return;
    };
    let future = 99_990_101_000_000_i64;
    match &store {
        Store::Sqlite(baladiya_store::SqliteStore { pool, .. }) => sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES ($1, 'from the future', 1, x'00', 0)",
        )
        .bind(future)
        .execute(pool)
        .await
        .map(|_| ()),
        Store::Postgres(pool) => sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES ($1, 'from the future', TRUE, '\\x00', 0)",
        )
        .bind(future)
        .execute(pool)
        .await
        .map(|_| ()),
    }
    .expect("pretend a newer Baladiya migrated this database");
    match store.migrate().await {
        Err(StoreError::SchemaTooNew { found, supported }) => {
            assert_eq!(found, future);
            assert_eq!(supported, store.supported_schema_version());
        }
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
    let message = StoreError::SchemaTooNew {
        found: future,
        supported: 1,
    }
    .to_string();
    assert!(message.contains("newer Baladiya"), "{message}");
    assert_eq!(
        store.schema_version().await.expect("version"),
        future,
        "left alone"
    );
}

async fn units_form_a_tree_and_codes_are_unique(engine: Engine) {
    let Some((_db, store)) = fresh(engine).await else {
        return;
    };
    let gov = unit(&store, "EG-GZ", OrgUnitKind::Governorate, None).await;
    let a = unit(&store, "EG-GZ-A", OrgUnitKind::Markaz, Some(&gov)).await;
    let b = unit(&store, "EG-GZ-B", OrgUnitKind::Markaz, Some(&gov)).await;
    let a1 = unit(&store, "EG-GZ-A-1", OrgUnitKind::Village, Some(&a)).await;
    let other = unit(&store, "SA-04", OrgUnitKind::Region, None).await;
    assert!(a1.path.is_within(&a.path) && a1.path.is_within(&gov.path));
    assert!(!a1.path.is_within(&b.path));
    assert_eq!(a1.parent_id, Some(a.id));

    let codes = |units: Vec<OrgUnit>| {
        units
            .into_iter()
            .map(|u| u.code.to_string())
            .collect::<Vec<_>>()
    };
    let all = store
        .units_within(std::slice::from_ref(&gov.path))
        .await
        .expect("list");
    assert_eq!(
        codes(all),
        ["EG-GZ", "EG-GZ-A", "EG-GZ-A-1", "EG-GZ-B"],
        "tree order"
    );
    let under_a = store
        .units_within(std::slice::from_ref(&a.path))
        .await
        .expect("list");
    assert_eq!(codes(under_a), ["EG-GZ-A", "EG-GZ-A-1"]);
    let both = store
        .units_within(&[other.path.clone(), b.path.clone()])
        .await
        .expect("list");
    assert_eq!(codes(both).len(), 2);

    let duplicate = NewUnit {
        code: UnitCode::parse("eg-gz-a").expect("code"),
        kind: OrgUnitKind::Markaz,
        name: BilingualName::parse("مكرر", "Duplicate").expect("name"),
        parent: Some(gov.clone()),
    };
    match store.create_unit(&duplicate, None, Utc::now()).await {
        Err(StoreError::Conflict(ErrorCode::UnitCodeTaken)) => {}
        other => panic!("expected unit-code-taken, got {other:?}"),
    }
    let found = store
        .unit_by_code(&UnitCode::parse("EG-GZ-A-1").expect("code"))
        .await
        .expect("query");
    assert_eq!(found.map(|u| u.id), Some(a1.id));
}

async fn a_refused_write_leaves_no_event(engine: Engine) {
    let Some((_db, store)) = fresh(engine).await else {
        return;
    };
    let id = user(&store, "first.user").await;
    assert_eq!(store.events_of("user", id).await.expect("events").len(), 1);
    let again = NewUser {
        username: Username::parse("First.User").expect("username"),
        full_name: "x".into(),
        password_hash: "x".into(),
    };
    match store.create_user(&again, None, Utc::now()).await {
        Err(StoreError::Conflict(ErrorCode::UsernameTaken)) => {}
        other => panic!("expected username-taken, got {other:?}"),
    }
    let count = count(&store, "SELECT COUNT(*) FROM events").await;
    assert_eq!(count, 1, "the failed insert wrote no event");
}

async fn events_are_append_only(engine: Engine) {
    let Some((_db, store)) = fresh(engine).await else {
        return;
    };
    user(&store, "someone").await;
    let update = "UPDATE events SET action = 'forged'";
    let delete = "DELETE FROM events";
    for sql in [update, delete] {
        let result = match &store {
            Store::Sqlite(baladiya_store::SqliteStore { pool, .. }) => {
                sqlx::query(sql).execute(pool).await.map(|_| ())
            }
            Store::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
        };
        let error = result.expect_err("events cannot change");
        assert!(error.to_string().contains("append-only"), "{error}");
    }
}

async fn foreign_keys_are_enforced(engine: Engine) {
    let Some((_db, store)) = fresh(engine).await else {
        return;
    };
    let department = NewDepartment {
        unit_id: 987_654,
        kind: DepartmentKind::Engineering,
        name: BilingualName::parse("الهندسة", "Engineering").expect("name"),
    };
    let result = store.create_department(&department, None, Utc::now()).await;
    assert!(matches!(result, Err(StoreError::Database(_))), "{result:?}");
}

async fn concurrent_takes_of_a_throttle_all_count(engine: Engine) {
    let Some((_db, store)) = fresh(engine).await else {
        return;
    };
    let now = Utc::now();
    let limit = Throttle::new("sign-in:192.0.2.7", 5, Duration::minutes(15));
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (store, limit) = (store.clone(), limit.clone());
        tasks.push(tokio::spawn(async move {
            store.take_throttles(&[limit], now).await
        }));
    }
    let mut taken = 0;
    for task in tasks {
        match task.await.expect("task") {
            Ok(()) => taken += 1,
            Err(StoreError::Throttled { key, until }) => {
                assert_eq!(key, limit.key);
                let end = now + Duration::minutes(15);
                assert!(
                    (until - end).num_milliseconds().abs() < 1,
                    "the window's end: {until}"
                );
            }
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!(
        taken, 5,
        "exactly the limit is taken, however many arrive at once"
    );
    // A refused take writes nothing: giving one back makes room for one.
    store
        .give_back_throttle(&limit.key)
        .await
        .expect("give back");
    store
        .take_throttles(std::slice::from_ref(&limit), now)
        .await
        .expect("room for one");
    assert!(
        store
            .take_throttles(std::slice::from_ref(&limit), now)
            .await
            .is_err()
    );
    // Two throttles are taken together or not at all.
    let other = Throttle::new("sign-in:192.0.2.7:eg.clerk", 5, Duration::minutes(15));
    assert!(
        store
            .take_throttles(&[other.clone(), limit.clone()], now)
            .await
            .is_err()
    );
    for _ in 0..5 {
        store
            .take_throttles(std::slice::from_ref(&other), now)
            .await
            .expect("untouched by the refusal");
    }
    // A new window starts afresh; clearing forgets the key.
    let later = now + Duration::minutes(16);
    store
        .take_throttles(std::slice::from_ref(&limit), later)
        .await
        .expect("new window");
    store.clear_throttle(&other.key).await.expect("clear");
    store.take_throttles(&[other], now).await.expect("cleared");
    assert_eq!(
        store.purge_throttles(later).await.expect("purge"),
        1,
        "the old window"
    );
}

/// A count through the readers' pool (not the writers' connection).
async fn count(store: &Store, sql: &str) -> i64 {
    scalar_f64(store, sql).await as i64
}

async fn concurrent_writers_keep_their_own_work_and_are_answered_once_it_is_kept(engine: Engine) {
    let Some((_db, store)) = fresh(engine).await else {
        return;
    };
    // Forty writers at once, two for each name: SQLite commits them in
    // groups, and the refusal of one must not undo its group's others.
    let mut tasks = Vec::new();
    for n in 0..40 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let new = NewUser {
                username: Username::parse(&format!("writer.{}", n % 20)).expect("username"),
                full_name: "موظف".into(),
                password_hash: "$argon2id$dummy".into(),
            };
            let created = store.create_user(&new, None, Utc::now()).await;
            // Answered means kept: another connection sees it at once.
            let seen = match &created {
                Ok(id) => store.events_of("user", *id).await.expect("events").len(),
                Err(_) => 0,
            };
            (created, seen)
        }));
    }
    let (mut created, mut refused) = (0, 0);
    for task in tasks {
        match task.await.expect("task") {
            (Ok(_), seen) => {
                assert_eq!(seen, 1, "the answered write is visible with its event");
                created += 1;
            }
            (Err(StoreError::Conflict(ErrorCode::UsernameTaken)), _) => refused += 1,
            (Err(other), _) => panic!("{other:?}"),
        }
    }
    assert_eq!((created, refused), (20, 20));
    assert_eq!(count(&store, "SELECT COUNT(*) FROM users").await, 20);
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM events WHERE entity = 'user'").await,
        20,
        "one event per kept user, none for the refused"
    );
}

async fn an_abandoned_write_is_kept_whole_or_not_at_all(engine: Engine) {
    let Some((_db, store)) = fresh(engine).await else {
        return;
    };
    // Writers dropped at every point of their way (as a request is when
    // its client goes away), among others that finish.
    let mut tasks = Vec::new();
    for n in 0..60u64 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let new = NewUser {
                username: Username::parse(&format!("dropped.{n}")).expect("username"),
                full_name: "موظف".into(),
                password_hash: "$argon2id$dummy".into(),
            };
            let wait = std::time::Duration::from_micros(n * 97 % 3000);
            let write = store.create_user(&new, None, Utc::now());
            if n % 3 == 0 {
                Some(write.await.expect("a writer left alone finishes"))
            } else {
                let _ = tokio::time::timeout(wait, write).await;
                None
            }
        }));
    }
    for task in tasks {
        if let Some(id) = task.await.expect("task") {
            assert_eq!(store.events_of("user", id).await.expect("events").len(), 1);
        }
    }
    let after = NewUser {
        username: Username::parse("after.them").expect("username"),
        full_name: "موظف".into(),
        password_hash: "$argon2id$dummy".into(),
    };
    store
        .create_user(&after, None, Utc::now())
        .await
        .expect("the writers' connection works after them");
    let users = count(&store, "SELECT COUNT(*) FROM users").await;
    assert!(users >= 21, "the twenty finished and the last: {users}");
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM events WHERE entity = 'user'").await,
        users,
        "no user without its event, no event without its user"
    );

    // A long write of two statements (observations, then their hourly
    // sums) dropped while its first statement runs: the first statement
    // finishes on the database's side, and must not be kept without the
    // second by the next writer's commit.
    use baladiya_app::sensors::{PlaceSpec, StreamSpec, place_plan};
    use baladiya_domain::sensors::measure::Measure;
    let place = PlaceSpec {
        name: "عداد".into(),
        description: "عداد للاختبار".into(),
        unit: "EG-GZ".into(),
        floor_area: None,
        at: (31.2165, 29.8711),
    };
    let (plan, streams) = place_plan(
        &place,
        &[StreamSpec::of(Measure::Electricity)],
        Utc::now().to_rfc3339(),
    );
    let ids = store
        .sta_create(&plan, Utc::now())
        .await
        .expect("datastream");
    let stream = ids[streams[0]];
    let seed = store.seed_observations(stream, 400_000, 0, 60_000_000);
    let dropped = tokio::time::timeout(std::time::Duration::from_millis(20), seed).await;
    assert!(dropped.is_err(), "the long write was dropped half-way");
    store
        .create_user(
            &NewUser {
                username: Username::parse("after.seed").expect("username"),
                full_name: "موظف".into(),
                password_hash: "$argon2id$dummy".into(),
            },
            None,
            Utc::now(),
        )
        .await
        .expect("the next writer");
    let observations = count(&store, "SELECT COUNT(*) FROM sta_observations").await;
    let hours = count(&store, "SELECT COUNT(*) FROM sta_hours").await;
    assert!(
        (observations, hours) == (0, 0) || (observations, hours) == (400_000, 6_667),
        "kept whole or not at all: {observations} observations, {hours} hours"
    );
}

async fn sessions_expire_and_are_deleted(engine: Engine) {
    let Some((_db, store)) = fresh(engine).await else {
        return;
    };
    let id = user(&store, "session.user").await;
    let now = Utc::now();
    store
        .create_session(
            "hash-live",
            id,
            SessionKind::Cookie,
            "csrf",
            now,
            now + Duration::hours(1),
        )
        .await
        .expect("live");
    store
        .create_session(
            "hash-old",
            id,
            SessionKind::Cookie,
            "csrf",
            now,
            now - Duration::seconds(1),
        )
        .await
        .expect("expired");
    let live = store
        .session("hash-live", SessionKind::Cookie, now)
        .await
        .expect("query");
    assert_eq!(live.map(|s| s.username), Some("session.user".to_owned()));
    assert!(
        store
            .session("hash-live", SessionKind::Bearer, now)
            .await
            .expect("query")
            .is_none(),
        "kind matters"
    );
    assert!(
        store
            .session("hash-old", SessionKind::Cookie, now)
            .await
            .expect("query")
            .is_none()
    );
    assert_eq!(store.delete_expired_sessions(now).await.expect("purge"), 1);
    store.delete_session("hash-live").await.expect("delete");
    assert!(
        store
            .session("hash-live", SessionKind::Cookie, now)
            .await
            .expect("query")
            .is_none()
    );
}

async fn grants_carry_unit_paths(engine: Engine) {
    let Some((_db, store)) = fresh(engine).await else {
        return;
    };
    let gov = unit(&store, "EG-GZ", OrgUnitKind::Governorate, None).await;
    let markaz = unit(&store, "EG-GZ-A", OrgUnitKind::Markaz, Some(&gov)).await;
    let id = user(&store, "officer").await;
    let now = Utc::now();
    store
        .grant_role(
            id,
            Role::DepartmentOfficer,
            markaz.id,
            Some(DepartmentKind::Engineering),
            None,
            now,
        )
        .await
        .expect("grant");
    store
        .grant_role(id, Role::GovernorateViewer, gov.id, None, None, now)
        .await
        .expect("grant");
    match store
        .grant_role(id, Role::GovernorateViewer, gov.id, None, None, now)
        .await
    {
        Err(StoreError::Conflict(ErrorCode::RoleAlreadyGranted)) => {}
        other => panic!("expected role-already-granted, got {other:?}"),
    }
    let grants = store.grants_of(id).await.expect("grants");
    assert_eq!(grants.len(), 2);
    assert_eq!(grants[0].unit, markaz.path);
    assert_eq!(grants[0].department, Some(DepartmentKind::Engineering));
    assert_eq!(grants[1].role, Role::GovernorateViewer);
}

async fn holidays_make_the_calendar(engine: Engine) {
    let Some((_db, store)) = fresh(engine).await else {
        return;
    };
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).expect("date");
    store
        .put_holiday(
            Country::Egypt,
            day(10, 6),
            "عيد القوات المسلحة",
            "Armed Forces Day",
        )
        .await
        .expect("put");
    store
        .put_holiday(
            Country::Egypt,
            day(10, 6),
            "عيد القوات المسلحة",
            "Armed Forces Day (renamed)",
        )
        .await
        .expect("upsert");
    store
        .put_holiday(
            Country::SaudiArabia,
            day(9, 23),
            "اليوم الوطني",
            "National Day",
        )
        .await
        .expect("put");
    let egypt = store.holidays(Country::Egypt).await.expect("list");
    assert_eq!(egypt.len(), 1);
    assert_eq!(egypt[0].2, "Armed Forces Day (renamed)");
    let calendar = store.calendar(Country::Egypt).await.expect("calendar");
    // Monday 5 October + 1 working day skips Tuesday the 6th.
    assert_eq!(calendar.add_working_days(day(10, 5), 1), Some(day(10, 7)));
    assert!(
        calendar.is_working_day(day(9, 23)),
        "a Saudi holiday is not Egyptian"
    );
}

/// A search over several categories (read one category at a time and
/// merged) pages exactly like the listing of every report filtered to
/// those categories: same reports, same order, ties in time by id, offsets
/// and keyset pages alike, newest or oldest first.
async fn searches_over_several_categories_page_like_one_listing(engine: Engine) {
    let Some((_db, store)) = fresh(engine).await else {
        return;
    };
    let place = unit(&store, "EG-T1", OrgUnitKind::Governorate, None).await;
    let now = Utc::now();
    let template = baladiya_store::NewReport::seed_template("many", place.id, now);
    let categories: Vec<String> = ["pothole", "waste", "noise"].map(String::from).to_vec();
    // 90 reports over 20 minutes: four or five share each minute.
    store
        .seed_reports(&template, 90, &categories, &["open", "resolved"], 20)
        .await
        .expect("seed");
    let wanted = vec!["waste".to_owned(), "pothole".to_owned()];
    for oldest_first in [false, true] {
        let all = baladiya_store::ReportQuery {
            limit: 1000,
            oldest_first,
            ..Default::default()
        };
        let expected: Vec<i64> = store
            .search_reports(&all)
            .await
            .expect("all")
            .into_iter()
            .filter(|r| wanted.contains(&r.category_code))
            .map(|r| r.id)
            .collect();
        assert_eq!(expected.len(), 60);
        let mut by_offset = Vec::new();
        let mut by_key = Vec::new();
        let mut before = None;
        for page in 0..9 {
            let query = baladiya_store::ReportQuery {
                categories: wanted.clone(),
                limit: 7,
                offset: page * 7,
                oldest_first,
                ..Default::default()
            };
            by_offset.extend(
                store
                    .search_reports(&query)
                    .await
                    .expect("page")
                    .iter()
                    .map(|r| r.id),
            );
            if !oldest_first {
                let keyed = store
                    .search_reports(&baladiya_store::ReportQuery {
                        offset: 0,
                        before,
                        ..query
                    })
                    .await
                    .expect("keyset page");
                before = keyed.last().map(|r| (r.requested_at, r.id));
                by_key.extend(keyed.iter().map(|r| r.id));
            }
        }
        assert_eq!(
            by_offset, expected,
            "offset pages, oldest first: {oldest_first}"
        );
        if !oldest_first {
            assert_eq!(by_key, expected, "keyset pages");
        }
    }
}
