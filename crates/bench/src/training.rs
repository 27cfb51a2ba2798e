//! `baladiya bench --suite training`: a national training center's year —
//! 500 sessions, 20,000 trainees, 200,000 attendance records — then
//! attendance recorded per second (a trainee scanned at the door: one
//! record, its checks and its event, one transaction) beside the raw
//! single-row insert rate of the same engine in the same run, and the
//! latency of the center's report (API and page) and of a trainee's own
//! page (API and page).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use baladiya_app::App;
use baladiya_domain::org::UnitCode;
use baladiya_domain::people::{Role, Username};
use baladiya_store::{NewCourse, NewEvent, NewSession, NewUser, SeatChange, SessionKind, Store};
use chrono::{Duration as Days, NaiveDate};
use serde_json::{Value, json};

use crate::BenchOptions;
use crate::measure::{Served, bearer, demo_app, for_a_while, latency, raw_insert_rate, signed_in};

const SESSIONS: usize = 500;
const TRAINEES: usize = 20_000;
/// Trainees per session: every trainee attends one session of the year.
const SEATS: usize = TRAINEES / SESSIONS;
/// Sessions held side by side each week.
const ROOMS: usize = 10;
const PASSWORD: &str = "bench-trainee-password";

fn event(action: &'static str, session: i64, unit: i64, who: i64) -> NewEvent<'static> {
    NewEvent {
        at: chrono::Utc::now(),
        actor_id: Some(who),
        action,
        entity: "training_session",
        entity_id: session,
        unit_id: Some(unit),
        detail: json!({"bench": true}),
    }
}

/// The year's trainees: `bench.t{n}`, spread over the demo's Egyptian
/// units, all with one password (hashed once).
async fn trainees(store: &Store, app: &App) -> Result<Vec<i64>> {
    let units: Vec<i64> = store
        .all_units()
        .await?
        .into_iter()
        .filter(|u| u.code.as_str().starts_with("EG-"))
        .map(|u| u.id)
        .collect();
    let first = app
        .create_user(None, "bench.t0", "متدرب 0", PASSWORD)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let hash = store.user(first).await?.password_hash;
    let mut ids = vec![first];
    for n in 1..TRAINEES {
        ids.push(
            store
                .create_user(
                    &NewUser {
                        username: Username::parse(&format!("bench.t{n}"))
                            .map_err(|e| anyhow!(e))?,
                        full_name: format!("متدرب {n}"),
                        password_hash: hash.clone(),
                    },
                    None,
                    chrono::Utc::now(),
                )
                .await?,
        );
    }
    let now = chrono::Utc::now();
    for (n, id) in ids.iter().enumerate() {
        let role = if n % 3 == 0 {
            Role::Clerk
        } else {
            Role::DepartmentOfficer
        };
        let department = (role == Role::DepartmentOfficer)
            .then_some(baladiya_domain::org::DepartmentKind::Licensing);
        store
            .grant_role(*id, role, units[n % units.len()], department, None, now)
            .await?;
    }
    Ok(ids)
}

pub async fn engine(name: &str, url: &str, options: &BenchOptions) -> Result<Value> {
    eprintln!("== training on {name}");
    let setup = Instant::now();
    let (store, app, _files) = demo_app(url).await?;
    let raw = raw_insert_rate(&store, options).await?;
    let served = Served::start(&app, options.clients).await?;
    let base = served.base.clone();
    let admin_token = bearer(&base, "eg.admin", baladiya_app::demo::DEMO_PASSWORD).await?;
    let admin = app
        .authenticate(&admin_token, SessionKind::Bearer)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let giza = store
        .unit_by_code(&UnitCode::parse("EG-GZ").map_err(|e| anyhow!(e))?)
        .await?
        .context("demo unit")?
        .id;
    let trainer = store
        .user_by_username(&Username::parse("eg.planning").map_err(|e| anyhow!(e))?)
        .await?
        .context("demo trainer")?
        .id;

    // The center, its catalog and its plan.
    let center = store
        .create_training_center(
            "BENCH-NTC",
            giza,
            ("المركز القومي للتدريب", "National training center"),
        )
        .await?;
    let mut courses = Vec::new();
    for c in 0..10 {
        courses.push(
            store
                .create_course(&NewCourse {
                    center_id: center,
                    code: format!("C-{c}"),
                    name: (format!("دورة {c}"), format!("Course {c}")),
                    objectives: ("أهداف".into(), "Objectives".into()),
                    audience: ("العاملون".into(), "Staff".into()),
                    roles: ",clerk,department_officer,".into(),
                    hours: 30,
                    mode: "in_person".into(),
                    partner_id: None,
                    competencies: format!(",competency-{c},"),
                    min_attendance: 80,
                    pass_score: Some(60),
                })
                .await?,
        );
    }
    let people = trainees(&store, &app).await?;
    let first_sunday = NaiveDate::from_ymd_opt(2025, 7, 6).context("date")?;
    let mut sessions = Vec::new();
    for s in 0..SESSIONS {
        let first = first_sunday + Days::weeks((s / ROOMS) as i64);
        let id = app
            .plan_session(
                &admin,
                &NewSession {
                    course_id: courses[s % courses.len()],
                    plan_year: "2025/2026".into(),
                    first_day: first,
                    last_day: first + Days::days(14),
                    venue: format!("قاعة {}", s % ROOMS + 1),
                    capacity: SEATS as i64,
                    trainer_id: Some(trainer),
                    quotas: Vec::new(),
                    cost_minor: (SEATS * 10 * 150_000) as i64,
                    currency: "EGP".into(),
                },
            )
            .await
            .map_err(|e| anyhow!("{e}"))?;
        let session = store.training_session(id).await?.context("planned")?;
        let days = app
            .session_days(&session)
            .await
            .map_err(|e| anyhow!("{e}"))?;
        sessions.push((id, days));
    }
    // Rosters, attendance of every day but the last, scores, evaluations.
    let mut last_days = Vec::new();
    for (s, (id, days)) in sessions.iter().enumerate() {
        let seats: Vec<i64> = (0..SEATS).map(|k| people[s * SEATS + k]).collect();
        let mut changes = Vec::new();
        for trainee in &seats {
            let unit = store.grants_of(*trainee).await?[0].unit.unit_id();
            changes.push(SeatChange {
                trainee_id: *trainee,
                unit_id: unit,
                status: "accepted".into(),
                reason: None,
            });
        }
        store
            .save_roster(
                *id,
                1,
                &changes,
                &[],
                &event("training.decided", *id, giza, admin.user_id),
            )
            .await?;
        let (last, before) = days.split_last().context("a session has days")?;
        for (d, day) in before.iter().enumerate() {
            let present: Vec<i64> = seats
                .iter()
                .enumerate()
                .filter(|(k, _)| (k + d) % 41 != 0)
                .map(|(_, t)| *t)
                .collect();
            store
                .record_attendance(
                    *id,
                    *day,
                    &present,
                    true,
                    trainer,
                    chrono::Utc::now(),
                    &event("training.attendance", *id, giza, trainer),
                )
                .await?;
        }
        for (k, trainee) in seats.iter().enumerate() {
            let pre = 30 + (k as i64 * 7) % 40;
            let post = (pre + 15 + (k as i64 * 11) % 40).min(100);
            store
                .record_scores(
                    *id,
                    *trainee,
                    Some(pre),
                    Some(post),
                    &event("training.scored", *id, giza, trainer),
                )
                .await?;
            if k % 4 == 0 {
                store
                    .record_evaluation(
                        *id,
                        *trainee,
                        [4 + (k as i64 % 2), 5, 3 + (k as i64 % 3)],
                        None,
                        chrono::Utc::now(),
                        &event("training.evaluated", *id, giza, *trainee),
                    )
                    .await?;
            }
            last_days.push((*id, *last, *trainee));
        }
    }
    eprintln!(
        "a year planned: {SESSIONS} sessions, {TRAINEES} trainees, in {:.1} s",
        setup.elapsed().as_secs_f64()
    );

    // Attendance at the door: each scan is one record through the app
    // (session, trainer's right, working days, roster) with its event.
    let queue = Arc::new(Mutex::new(last_days));
    let (a, q) = (app.clone(), queue.clone());
    let principal = Arc::new(admin.clone());
    let (scans, time, scan_latencies) =
        for_a_while(options.clients, options.seconds, move |_, _| {
            let (app, queue, who) = (a.clone(), q.clone(), principal.clone());
            async move {
                let Some((session, day, trainee)) =
                    queue.lock().map_err(|_| anyhow!("lock"))?.pop()
                else {
                    return Ok(false);
                };
                app.scan_attendance(&who, session, day, trainee)
                    .await
                    .map_err(|e| anyhow!("{e}"))?;
                Ok(true)
            }
        })
        .await?;
    let scan_rate = scans as f64 / time.as_secs_f64();
    eprintln!("attendance scans: {scan_rate:.0}/s ({scans} records)");
    // The rest of the last days, as the trainer's day form would.
    let rest: Vec<(i64, NaiveDate, i64)> =
        std::mem::take(&mut *queue.lock().map_err(|_| anyhow!("lock"))?);
    let mut by_day: std::collections::BTreeMap<(i64, NaiveDate), Vec<i64>> = Default::default();
    for (session, day, trainee) in rest {
        by_day.entry((session, day)).or_default().push(trainee);
    }
    for ((session, day), present) in by_day {
        store
            .record_attendance(
                session,
                day,
                &present,
                false,
                trainer,
                chrono::Utc::now(),
                &event("training.attendance", session, giza, trainer),
            )
            .await?;
    }
    let mut certificates = 0;
    for (id, _) in &sessions {
        certificates += app
            .issue_certificates(&admin, *id)
            .await
            .map_err(|e| anyhow!("{e}"))?;
    }
    let report = app
        .training_report(&admin, Some("2025/2026"))
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let attendance_records = store.attendance_count().await?;
    eprintln!(
        "{attendance_records} attendance records, {certificates} certificates, completion {:.1}%",
        report.total.completion_rate().unwrap_or(0.0) * 100.0
    );

    // Latencies, one request at a time.
    let center_page = signed_in(&base, "eg.admin", baladiya_app::demo::DEMO_PASSWORD).await?;
    let trainee_names: Vec<String> = (0..20).map(|n| format!("bench.t{}", n * 997)).collect();
    let mut trainee_tokens = Vec::new();
    for name in &trainee_names {
        trainee_tokens.push(bearer(&base, name, PASSWORD).await?);
    }
    let trainee_page = signed_in(&base, &trainee_names[0], PASSWORD).await?;
    let client = served.client.clone();
    let get = |client: &reqwest::Client, path: &str, token: Option<&str>| {
        let request = client.get(format!("{base}{path}"));
        let request = match token {
            Some(t) => request.bearer_auth(t),
            None => request,
        };
        async move {
            let t = Instant::now();
            let r = request.send().await?;
            anyhow::ensure!(r.status().is_success(), "{}", r.status());
            r.bytes().await?;
            Ok::<Duration, anyhow::Error>(t.elapsed())
        }
    };
    let (mut report_api, mut report_page, mut me_api, mut me_page) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let report_samples = (options.samples / 4).max(20);
    for _ in 0..report_samples {
        report_api.push(
            get(
                &client,
                "/api/v1/training/report?year=2025%2F2026",
                Some(&admin_token),
            )
            .await?,
        );
        report_page.push(
            get(
                &center_page,
                "/staff/training/report?year=2025%2F2026",
                None,
            )
            .await?,
        );
    }
    for i in 0..options.samples {
        me_api.push(
            get(
                &client,
                "/api/v1/training/me",
                Some(&trainee_tokens[i % trainee_tokens.len()]),
            )
            .await?,
        );
        me_page.push(get(&trainee_page, "/staff/training/mine", None).await?);
    }
    served.stop().await?;
    store.close().await;
    Ok(json!({
        "engine": name,
        "sessions": SESSIONS,
        "trainees": TRAINEES,
        "attendance_records": attendance_records,
        "certificates": certificates,
        "setup_seconds": setup.elapsed().as_secs_f64(),
        "raw_inserts_per_s": raw,
        "attendance_scans_per_s": scan_rate,
        "attendance_vs_raw": scan_rate / raw,
        "attendance_scan_latency": latency(scan_latencies),
        "center_report_api_latency": latency(report_api),
        "center_report_page_latency": latency(report_page),
        "trainee_api_latency": latency(me_api),
        "trainee_page_latency": latency(me_page),
    }))
}

pub fn print(results: &[Value]) {
    println!();
    println!(
        "{:<10} {:>11} {:>10} {:>7} {:>11} {:>18} {:>18} {:>18} {:>18}",
        "engine",
        "raw ins/s",
        "scans/s",
        "ratio",
        "attendance",
        "report API p50/99",
        "report page",
        "trainee API",
        "trainee page"
    );
    for r in results {
        let l = |key: &str| {
            format!(
                "{:.1}/{:.1}ms",
                r[key]["p50_ms"].as_f64().unwrap_or(0.0),
                r[key]["p99_ms"].as_f64().unwrap_or(0.0)
            )
        };
        println!(
            "{:<10} {:>11.0} {:>10.0} {:>7.3} {:>11} {:>18} {:>18} {:>18} {:>18}",
            r["engine"].as_str().unwrap_or(""),
            r["raw_inserts_per_s"].as_f64().unwrap_or(0.0),
            r["attendance_scans_per_s"].as_f64().unwrap_or(0.0),
            r["attendance_vs_raw"].as_f64().unwrap_or(0.0),
            r["attendance_records"].as_i64().unwrap_or(0),
            l("center_report_api_latency"),
            l("center_report_page_latency"),
            l("trainee_api_latency"),
            l("trainee_page_latency"),
        );
    }
}
