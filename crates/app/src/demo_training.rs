//! The demo's training center, after the seeds: the Saqqara local
//! development training center runs its plan with partner programmes —
//! technology centers in maximizing local resources (with the Upper Egypt
//! local development programme), digital-transformation basics for heads
//! of cities and districts (with the communications ministry), smart
//! cities (with UN-Habitat). Past sessions have their attendance, scores
//! and evaluations; upcoming ones are open for nominations.

use baladiya_domain::access::Access;
use baladiya_domain::org::UnitCode;
use baladiya_domain::people::Username;
use baladiya_store::{NewCourse, NewSession};
use chrono::{Datelike, Duration};

use crate::training::Decision;
use crate::{App, AppError, Principal};

const CENTER: &str = "EG-LDTC-SQR";

struct CourseSeed {
    code: &'static str,
    name: (&'static str, &'static str),
    objectives: (&'static str, &'static str),
    audience: (&'static str, &'static str),
    roles: &'static str,
    competencies: &'static str,
    hours: i64,
    mode: &'static str,
    partner: usize,
    min_attendance: i64,
    pass_score: Option<i64>,
}

const PARTNERS: [(&str, &str, &str); 3] = [
    (
        "UELDP",
        "برنامج التنمية المحلية في صعيد مصر",
        "Upper Egypt Local Development Programme",
    ),
    (
        "MCIT",
        "وزارة الاتصالات وتكنولوجيا المعلومات",
        "Ministry of Communications and Information Technology",
    ),
    (
        "UN-HABITAT",
        "برنامج الأمم المتحدة للمستوطنات البشرية",
        "UN-Habitat",
    ),
];

/// Competencies the center builds: (code, Arabic, English).
const COMPETENCIES: [(&str, &str, &str); 5] = [
    (
        "digital-services",
        "تقديم الخدمات الرقمية",
        "Delivering digital services",
    ),
    (
        "local-revenue",
        "تنمية الموارد المحلية",
        "Growing local revenue",
    ),
    (
        "digital-transformation",
        "قيادة التحول الرقمي",
        "Leading digital transformation",
    ),
    (
        "smart-city-planning",
        "تخطيط المدن الذكية",
        "Smart city planning",
    ),
    ("customer-care", "خدمة المواطنين", "Serving citizens"),
];

/// What each role needs: (role, competency).
const ROLE_NEEDS: [(&str, &str); 6] = [
    ("clerk", "digital-services"),
    ("clerk", "customer-care"),
    ("department_officer", "digital-services"),
    ("department_officer", "smart-city-planning"),
    ("unit_head", "digital-transformation"),
    ("unit_head", "local-revenue"),
];

const COURSES: [CourseSeed; 3] = [
    CourseSeed {
        code: "TC-RES",
        name: (
            "المراكز التكنولوجية في تعظيم الموارد المحلية",
            "Technology centers in maximizing local resources",
        ),
        objectives: (
            "تشغيل المركز التكنولوجي بكفاءة، وتحصيل الرسوم إلكترونيًا، ومتابعة مؤشرات الخدمة.",
            "Running a technology center well, collecting fees electronically and following service indicators.",
        ),
        audience: ("العاملون بالمراكز التكنولوجية", "Technology center staff"),
        roles: ",clerk,department_officer,",
        competencies: ",digital-services,local-revenue,",
        hours: 30,
        mode: "in_person",
        partner: 0,
        min_attendance: 80,
        pass_score: Some(60),
    },
    CourseSeed {
        code: "DT-LEAD",
        name: (
            "تنمية مهارات القيادات في أساسيات التحول الرقمي",
            "Leadership skills in the basics of digital transformation",
        ),
        objectives: (
            "قيادة التحول الرقمي في الوحدة المحلية: الخدمات الإلكترونية، والبيانات، وإدارة التغيير.",
            "Leading a local unit's digital transformation: e-services, data and change management.",
        ),
        audience: (
            "رؤساء المراكز والمدن والأحياء ونوابهم",
            "Heads of cities and districts and their deputies",
        ),
        roles: ",unit_head,",
        competencies: ",digital-transformation,",
        hours: 24,
        mode: "blended",
        partner: 1,
        min_attendance: 80,
        pass_score: Some(60),
    },
    CourseSeed {
        code: "SC-PLAN",
        name: (
            "المدن الذكية والتخطيط الحضري المستدام",
            "Smart cities and sustainable urban planning",
        ),
        objectives: (
            "مؤشرات المدن الذكية المستدامة وكيف تُقاس وتُحسَّن.",
            "Smart sustainable city indicators and how to measure and improve them.",
        ),
        audience: (
            "العاملون بالتخطيط العمراني والإدارات الهندسية",
            "Urban planning and engineering staff",
        ),
        roles: ",department_officer,",
        competencies: ",smart-city-planning,",
        hours: 18,
        mode: "online",
        partner: 2,
        min_attendance: 75,
        pass_score: None,
    },
];

impl App {
    pub(crate) async fn demo_principal(
        &self,
        username: &str,
    ) -> Result<Option<Principal>, AppError> {
        let Ok(name) = Username::parse(username) else {
            return Ok(None);
        };
        let Some(user) = self.store.user_by_username(&name).await? else {
            return Ok(None);
        };
        let grants = self.store.grants_of(user.id).await?;
        Ok(Some(Principal {
            user_id: user.id,
            username: user.username,
            full_name: user.full_name,
            csrf_token: String::new(),
            access: Access::new(user.id, grants),
        }))
    }

    /// Writes the demo's training center, unless it exists. Returns the
    /// number of sessions planned.
    pub async fn load_demo_training(&self) -> Result<usize, AppError> {
        if self.store.training_center_id(CENTER).await?.is_some() {
            return Ok(0);
        }
        let (Some(admin), Some(head), Some(trainer)) = (
            self.demo_principal("eg.admin").await?,
            self.demo_principal("eg.head").await?,
            self.demo_principal("eg.planning").await?,
        ) else {
            return Ok(0);
        };
        let unit = |code: &str| {
            let code = UnitCode::parse(code).map_err(|c| AppError::Internal(c.to_owned()));
            async move { Ok::<_, AppError>(self.store.unit_by_code(&code?).await?.map(|u| u.id)) }
        };
        let (Some(giza), Some(badrashin), Some(awsim)) = (
            unit("EG-GZ").await?,
            unit("EG-GZ-BDR").await?,
            unit("EG-GZ-AWS").await?,
        ) else {
            return Ok(0);
        };
        let center = self
            .store
            .create_training_center(
                CENTER,
                giza,
                (
                    "مركز التنمية المحلية للتدريب بسقارة",
                    "Saqqara Local Development Training Center",
                ),
            )
            .await?;
        for (code, ar, en) in COMPETENCIES {
            self.store.save_competency(code, (ar, en)).await?;
        }
        for (role, competency) in ROLE_NEEDS {
            self.store.add_role_need(role, competency).await?;
        }
        // Where Badrashin's staff are told of their nominations.
        for name in [
            "eg.clerk",
            "eg.licensing",
            "eg.officer",
            "eg.defense",
            "eg.head",
        ] {
            if let Some(user) = self.demo_principal(name).await? {
                let email = format!("{}@badrashin.demo.baladiya.example", name.replace('.', "-"));
                self.store
                    .set_user_email(user.user_id, Some(&email))
                    .await?;
            }
        }
        let mut partners = Vec::new();
        for (code, ar, en) in PARTNERS {
            partners.push(self.store.create_training_partner(code, (ar, en)).await?);
        }
        let mut courses = Vec::new();
        for c in &COURSES {
            courses.push(
                self.store
                    .create_course(&NewCourse {
                        center_id: center,
                        code: c.code.into(),
                        name: (c.name.0.into(), c.name.1.into()),
                        objectives: (c.objectives.0.into(), c.objectives.1.into()),
                        audience: (c.audience.0.into(), c.audience.1.into()),
                        roles: c.roles.into(),
                        hours: c.hours,
                        mode: c.mode.into(),
                        partner_id: partners.get(c.partner).copied(),
                        competencies: c.competencies.into(),
                        min_attendance: c.min_attendance,
                        pass_score: c.pass_score,
                    })
                    .await?,
            );
        }
        // The plan: sessions starting on Sundays, some past, some to come.
        let today = self.today_in(baladiya_domain::country::Country::Egypt);
        let sunday = today - Duration::days(i64::from(today.weekday().num_days_from_sunday()));
        let year = if today.month() >= 7 {
            format!("{}/{}", today.year(), today.year() + 1)
        } else {
            format!("{}/{}", today.year() - 1, today.year())
        };
        let plan: [(usize, i64, i64, i64); 5] = [
            (0, -10, 45, 4),
            (1, -6, 28, 3),
            (2, -3, 40, 4),
            (0, 3, 45, 4),
            (1, 5, 28, 3),
        ];
        let mut planned = Vec::new();
        for (course, weeks, capacity, days) in plan {
            let first = sunday + Duration::weeks(weeks);
            let session = self
                .plan_session(
                    &admin,
                    &NewSession {
                        course_id: courses[course],
                        plan_year: year.clone(),
                        first_day: first,
                        last_day: first + Duration::days(days - 1),
                        venue: "مركز التنمية المحلية بسقارة".into(),
                        capacity,
                        trainer_id: Some(trainer.user_id),
                        quotas: vec![(badrashin, capacity / 2), (awsim, capacity / 2)],
                        // Venue, trainers and materials: EGP 1,500 a trainee-day.
                        cost_minor: capacity * days * 150_000,
                        currency: "EGP".into(),
                    },
                )
                .await?;
            planned.push((session, first));
        }
        // Badrashin's staff in the past sessions: accepted, attended,
        // tested and evaluated — one missed too many days.
        let staff = ["eg.clerk", "eg.licensing", "eg.officer", "eg.defense"];
        for (n, (session, first)) in planned.iter().enumerate() {
            let past = *first < today;
            for (i, name) in staff.iter().enumerate() {
                if (n + i) % 3 == 2 {
                    continue;
                }
                let Some(trainee) = self.demo_principal(name).await? else {
                    continue;
                };
                if self.nominate(&head, *session, name).await.is_err() {
                    continue;
                }
                if past {
                    self.decide(&admin, *session, trainee.user_id, Decision::Accept)
                        .await?;
                }
            }
            if !past {
                continue;
            }
            let record = self.session_of(*session).await?;
            let days = self.session_days(&record).await?;
            let trainees: Vec<i64> = self
                .session_outcomes(*session)
                .await?
                .iter()
                .map(|o| o.trainee_id)
                .collect();
            // The second trainee came on the first day only.
            for (d, day) in days.iter().enumerate() {
                let present: Vec<i64> = trainees
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != 1 || d == 0)
                    .map(|(_, t)| *t)
                    .collect();
                self.take_attendance(&trainer, *session, *day, &present)
                    .await?;
            }
            for (i, trainee) in trainees.iter().enumerate() {
                let pre = 35 + (i as i64 * 11) % 30;
                self.record_scores(&trainer, *session, *trainee, Some(pre), Some(pre + 30))
                    .await?;
                let user = self.store.user(*trainee).await?;
                if let Some(who) = self.demo_principal(&user.username).await? {
                    let stars = [5 - (i as i64 % 2), 4 + (i as i64 % 2), 5];
                    self.evaluate(&who, *session, stars, None).await?;
                }
            }
            self.issue_certificates(&admin, *session).await?;
        }
        Ok(planned.len())
    }
}
