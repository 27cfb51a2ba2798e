//! The demo's community participation: Giza's participatory budget for
//! 2027 with voting open (a governorate-wide knapsack budget under the
//! Method of Equal Shares and Badrashin's and Awsim's district budgets by
//! approval), with votes cast online and at the technology centers'
//! counters; and Badrashin's 2026 budget, voted, counted and signed off by
//! its unit head, its results published.

use baladiya_domain::country::{EgyptianNationalId, MobileNumber};
use baladiya_domain::org::UnitCode;
use baladiya_domain::participation::ballot::BallotKind;
use baladiya_domain::participation::count::{Rule, Utility};
use baladiya_domain::participation::phases::{Phase, PhaseKind};
use baladiya_domain::participation::voters::Eligibility;
use baladiya_store::CitizenSession;
use chrono::{Duration, NaiveDate};

use crate::participation::{BudgetSpec, ProcessSpec};
use crate::{App, AppError};

const GIZA: &str = "giza-budget-2027";
const BADRASHIN: &str = "badrashin-budget-2026";

type Projects = &'static [(&'static str, &'static str, &'static str, i64, u32)];

/// Code, Arabic and English titles, cost (pounds), and how many voters in
/// a hundred want it.
const GIZA_PROJECTS: Projects = &[
    (
        "GZ-01",
        "تطوير شبكة صرف الأمطار بشارع الهرم",
        "Storm drains on Haram Street",
        6_500_000,
        62,
    ),
    (
        "GZ-02",
        "إنارة موفرة للطاقة لطريق سقارة",
        "Energy-saving lights on Saqqara Road",
        3_200_000,
        48,
    ),
    (
        "GZ-03",
        "حديقة عامة ومساحة لعب بالبدرشين",
        "A public garden and playground in Badrashin",
        4_800_000,
        35,
    ),
    (
        "GZ-04",
        "وحدة إسعاف مجهزة لقرى أوسيم",
        "An equipped ambulance unit for Awsim's villages",
        5_500_000,
        41,
    ),
    (
        "GZ-05",
        "رصف ممرات المشاة حول المدارس",
        "Paved walkways around schools",
        2_400_000,
        30,
    ),
    (
        "GZ-06",
        "محطة معالجة مياه صغيرة بميت رهينة",
        "A small water treatment plant in Mit Rahina",
        7_800_000,
        22,
    ),
];

const BADRASHIN_PROJECTS: Projects = &[
    (
        "BDR-01",
        "تطهير مصرف سقارة",
        "Clearing the Saqqara drain",
        900_000,
        55,
    ),
    (
        "BDR-02",
        "مظلات لمواقف الميكروباص",
        "Shelters at the minibus stops",
        350_000,
        38,
    ),
    (
        "BDR-03",
        "تجديد مكتبة الطفل",
        "Renovating the children's library",
        600_000,
        27,
    ),
    (
        "BDR-04",
        "صناديق فرز للمخلفات في الأسواق",
        "Sorting bins in the markets",
        250_000,
        33,
    ),
    (
        "BDR-05",
        "مطبات وعلامات أمام المدارس",
        "Speed humps and signs at schools",
        200_000,
        44,
    ),
];

const AWSIM_PROJECTS: Projects = &[
    (
        "AWS-01",
        "إنارة طريق برطس",
        "Lights on the Bartos road",
        700_000,
        51,
    ),
    (
        "AWS-02",
        "ملعب خماسي بمنشأة القناطر",
        "A five-a-side pitch in Mansha'at al-Qanater",
        800_000,
        36,
    ),
    (
        "AWS-03",
        "عيادة متنقلة أسبوعية",
        "A weekly mobile clinic",
        650_000,
        47,
    ),
];

/// Badrashin's past budget.
const BADRASHIN_2026: Projects = &[
    (
        "B26-01",
        "رصف شارع المحطة",
        "Paving Station Street",
        1_200_000,
        58,
    ),
    (
        "B26-02",
        "إنارة مدخل قرية سقارة",
        "Lights at Saqqara village's entrance",
        450_000,
        46,
    ),
    (
        "B26-03",
        "ترميم مدرسة ميت رهينة الابتدائية",
        "Repairing Mit Rahina primary school",
        950_000,
        40,
    ),
    (
        "B26-04",
        "سلال مهملات وحملة نظافة",
        "Litter bins and a clean-up campaign",
        180_000,
        35,
    ),
    (
        "B26-05",
        "مظلة انتظار بالوحدة الصحية",
        "A waiting shelter at the health unit",
        220_000,
        29,
    ),
    (
        "B26-06",
        "ملعب مفتوح للشباب",
        "An open pitch for young people",
        800_000,
        24,
    ),
];

fn phases(today: NaiveDate, days: &[(PhaseKind, i64, i64)]) -> Vec<Phase> {
    days.iter()
        .map(|&(kind, from, to)| Phase {
            kind,
            starts: today + Duration::days(from),
            ends: today + Duration::days(to),
        })
        .collect()
}

fn budget(
    unit_id: i64,
    name: (&str, &str),
    amount: i64,
    kind: BallotKind,
    rule: Rule,
    projects: Projects,
) -> BudgetSpec {
    BudgetSpec {
        unit_id,
        name: (name.0.to_owned(), name.1.to_owned()),
        amount,
        kind,
        rule,
        projects: projects
            .iter()
            .map(|(code, ar, en, cost, _)| ((*code).into(), (*ar).into(), (*en).into(), *cost))
            .collect(),
    }
}

/// Voter `i`'s choices: the projects they want (by each project's share
/// of voters, spread by a fixed stride), within the budget or the number
/// allowed.
fn choices(i: u32, projects: Projects, kind: BallotKind, amount: i64) -> Vec<String> {
    let mut chosen = Vec::new();
    let mut spent = 0;
    for (j, (code, _, _, cost, share)) in projects.iter().enumerate() {
        let draw = (i.wrapping_mul(37) + (j as u32).wrapping_mul(61) + i / 7) % 100;
        if draw >= *share {
            continue;
        }
        match kind {
            BallotKind::Knapsack if spent + cost > amount => continue,
            BallotKind::Approval { max } if chosen.len() as u32 >= max => break,
            _ => {}
        }
        spent += cost;
        chosen.push((*code).to_owned());
    }
    if chosen.is_empty() {
        chosen.push(projects[(i as usize) % projects.len()].0.to_owned());
    }
    chosen
}

impl App {
    /// Writes the demo's participatory budgets, unless they exist.
    /// Returns the number of votes cast.
    pub async fn load_demo_participation(&self) -> Result<usize, AppError> {
        if self.store.process_by_slug(GIZA).await?.is_some() {
            return Ok(0);
        }
        let (Some(clerk), Some(head)) = (
            self.demo_principal("eg.clerk").await?,
            self.demo_principal("eg.head").await?,
        ) else {
            return Ok(0);
        };
        let unit = |code: &'static str| async move {
            let code = UnitCode::parse(code).map_err(|c| AppError::Internal(c.to_owned()))?;
            self.store
                .unit_by_code(&code)
                .await?
                .map(|u| u.id)
                .ok_or_else(|| AppError::Internal(format!("demo unit {code}")))
        };
        let (giza, badrashin, awsim) = (
            unit("EG-GZ").await?,
            unit("EG-GZ-BDR").await?,
            unit("EG-GZ-AWS").await?,
        );
        let today = self.today_in(baladiya_domain::country::Country::Egypt);
        let open = phases(
            today,
            &[
                (PhaseKind::Information, -60, -46),
                (PhaseKind::Proposals, -45, -31),
                (PhaseKind::Supports, -30, -21),
                (PhaseKind::Review, -20, -8),
                (PhaseKind::Voting, -7, 14),
                (PhaseKind::Results, 15, 30),
                (PhaseKind::Implementation, 31, 395),
            ],
        );
        let giza_process = self
            .open_process(
                None,
                &ProcessSpec {
                    slug: GIZA.into(),
                    unit_id: giza,
                    title: (
                        "الموازنة التشاركية لمحافظة الجيزة 2027".into(),
                        "Giza's participatory budget 2027".into(),
                    ),
                    summary: (
                        "اختر بنفسك كيف تُنفق 20 مليون جنيه على مستوى المحافظة، ومليوني جنيه في كل مركز. المشروعات نشأت من بلاغات المواطنين ومقترحاتهم، وراجعتها الإدارات المختصة.".into(),
                        "Choose how 20 million pounds are spent across the governorate, and two million in each markaz. The projects grew from citizens' reports and proposals, reviewed by the departments concerned.".into(),
                    ),
                    eligibility: Eligibility::Mobile,
                    support_threshold: 40,
                    // Proposals open first, for the demo's proposals and
                    // supports; then the dates of a budget in its vote.
                    phases: phases(today, &[(PhaseKind::Proposals, -1, 1)]),
                },
            )
            .await?;
        self.demo_proposals().await?;
        self.reschedule_process(None, giza_process, open.clone())
            .await?;
        let budgets = [
            (
                budget(
                    giza,
                    ("ميزانية المحافظة", "The governorate's budget"),
                    20_000_000,
                    BallotKind::Knapsack,
                    Rule::EqualSharesCompleted {
                        utility: Utility::Cost,
                        increment: 1,
                    },
                    GIZA_PROJECTS,
                ),
                240,
                36,
            ),
            (
                budget(
                    badrashin,
                    ("ميزانية مركز البدرشين", "Badrashin's budget"),
                    2_000_000,
                    BallotKind::Approval { max: 3 },
                    Rule::Greedy,
                    BADRASHIN_PROJECTS,
                ),
                150,
                20,
            ),
            (
                budget(
                    awsim,
                    ("ميزانية مركز أوسيم", "Awsim's budget"),
                    2_000_000,
                    BallotKind::Approval { max: 2 },
                    Rule::Greedy,
                    AWSIM_PROJECTS,
                ),
                90,
                0,
            ),
        ];
        let mut cast = 0;
        let mut person = 0u32;
        for (spec, online, counter) in budgets {
            let projects = match spec.unit_id {
                id if id == giza => GIZA_PROJECTS,
                id if id == badrashin => BADRASHIN_PROJECTS,
                _ => AWSIM_PROJECTS,
            };
            let id = self.open_budget(None, giza_process, &spec).await?;
            // The governorate's voters also vote in a district: the same
            // people, so counted once in each slot.
            if spec.unit_id != awsim {
                person = 0;
            }
            cast += self
                .demo_votes(id, projects, &spec, online, counter, &clerk, &mut person)
                .await?;
        }
        // Badrashin's 2026 budget: voted while open, then closed, counted
        // and signed off by the unit head.
        let past = self
            .open_process(
                None,
                &ProcessSpec {
                    slug: BADRASHIN.into(),
                    unit_id: badrashin,
                    title: (
                        "الموازنة التشاركية لمركز البدرشين 2026".into(),
                        "Badrashin's participatory budget 2026".into(),
                    ),
                    summary: (
                        "صوّت أهالي البدرشين على مشروعات بثلاثة ملايين جنيه؛ النتائج معتمدة والمشروعات الفائزة قيد التنفيذ.".into(),
                        "Badrashin's people voted on three million pounds of projects; the results are signed off and the winning projects are being delivered.".into(),
                    ),
                    eligibility: Eligibility::Mobile,
                    support_threshold: 30,
                    phases: open,
                },
            )
            .await?;
        let spec = budget(
            badrashin,
            ("ميزانية البدرشين 2026", "Badrashin's budget 2026"),
            3_000_000,
            BallotKind::Knapsack,
            Rule::EqualSharesCompleted {
                utility: Utility::Cost,
                increment: 1,
            },
            BADRASHIN_2026,
        );
        let id = self.open_budget(None, past, &spec).await?;
        person = 1000;
        cast += self
            .demo_votes(id, BADRASHIN_2026, &spec, 180, 25, &clerk, &mut person)
            .await?;
        self.reschedule_process(
            None,
            past,
            phases(
                today,
                &[
                    (PhaseKind::Proposals, -200, -170),
                    (PhaseKind::Review, -169, -141),
                    (PhaseKind::Voting, -140, -120),
                    (PhaseKind::Results, -119, -100),
                    (PhaseKind::Implementation, -99, 200),
                ],
            ),
        )
        .await?;
        self.sign_off_budget(&head, id).await?;
        self.demo_delivery(id).await?;
        Ok(cast)
    }

    /// Badrashin's 2026 projects being delivered, the demo's citizen
    /// (01012345678) following the first, told of its latest update.
    async fn demo_delivery(&self, budget_id: i64) -> Result<(), AppError> {
        use crate::participation_delivery::DeliveryForm;
        let (_, budget) = self.budget(budget_id).await?;
        let Some(result) = &budget.result else {
            return Ok(());
        };
        let today = self.today_in(baladiya_domain::country::Country::Egypt);
        let day = |offset: i64| (today + Duration::days(offset)).to_string();
        // Status, progress, spent in a hundred of the cost, the note, and a
        // milestone (Arabic, English, due) reached or not.
        type Report = (
            &'static str,
            i64,
            i64,
            &'static str,
            (&'static str, &'static str, i64),
            bool,
        );
        let reports: [Report; 5] = [
            (
                "in_progress",
                60,
                55,
                "اكتمل رصف 600 متر من 1000؛ العمل متوقف ليلًا حفاظًا على راحة السكان.",
                ("استلام الطبقة الأساسية", "Base course handed over", 20),
                false,
            ),
            (
                "delivered",
                100,
                97,
                "رُكبت 24 عمودًا بإنارة LED وسُلمت للوحدة المحلية.",
                ("تشغيل الإنارة", "Lights switched on", -30),
                true,
            ),
            (
                "in_progress",
                25,
                20,
                "بدأت أعمال الترميم في الفصول الأرضية خلال الإجازة.",
                (
                    "تسليم الفصول الأرضية",
                    "Ground-floor classrooms handed over",
                    45,
                ),
                false,
            ),
            (
                "delivered",
                100,
                100,
                "وُزعت 120 سلة في الشوارع الرئيسية ونُفذت حملة النظافة.",
                ("حملة النظافة", "Clean-up campaign", -60),
                true,
            ),
            (
                "planned",
                0,
                0,
                "التعاقد مع المورد قيد الإجراء.",
                ("توقيع العقد", "Contract signed", 30),
                false,
            ),
        ];
        for (project, report) in budget
            .projects
            .iter()
            .filter(|p| result.selected.contains(&p.code))
            .zip(reports)
        {
            let (status, progress, spent, note, (ar, en, due), reached) = report;
            let form = DeliveryForm {
                status: status.into(),
                progress: progress.to_string(),
                allocated: project.cost.to_string(),
                spent: (project.cost * spent / 100).to_string(),
                note: note.into(),
                milestone: (ar.into(), en.into(), day(due)),
                reached: Vec::new(),
            };
            self.update_delivery(None, project.id, &form).await?;
            if reached {
                let milestones = self.store.milestones_of(project.id).await?;
                let form = DeliveryForm {
                    milestone: Default::default(),
                    reached: milestones.iter().map(|m| m.id).collect(),
                    ..form
                };
                self.update_delivery(None, project.id, &form).await?;
            }
        }
        if let Some(first) = budget
            .projects
            .iter()
            .find(|p| result.selected.contains(&p.code))
        {
            let citizen = CitizenSession {
                citizen_id: 0,
                mobile: "+201012345678".into(),
                csrf_token: String::new(),
                expires_at: self.now(),
            };
            self.follow_project(&citizen, first.id).await?;
            let form = DeliveryForm {
                status: "in_progress".into(),
                progress: "65".into(),
                allocated: first.cost.to_string(),
                spent: (first.cost * 60 / 100).to_string(),
                note: "اكتمل رصف 650 مترًا؛ الطبقة الأساسية تُستلم هذا الشهر.".into(),
                ..Default::default()
            };
            self.update_delivery(None, first.id, &form).await?;
        }
        Ok(())
    }

    /// Giza's proposals: some grew from the demo's citizen reports (a
    /// cluster of sewage overflows, streetlights out), supported by the
    /// demo's citizens, reviewed by the departments (one not feasible,
    /// with its reason), one hidden by a moderator with a public reason.
    async fn demo_proposals(&self) -> Result<(), AppError> {
        use crate::participation_proposals::ProposalForm;
        use baladiya_domain::participation::proposals::Review;
        // The first reports of each kind the demo's history holds.
        let mut sewage = Vec::new();
        let mut lights = Vec::new();
        for id in 1..=200 {
            if let Some(report) = self.store.report(id).await? {
                match report.category_code.as_str() {
                    "sewage-overflow" if sewage.len() < 6 => sewage.push(id),
                    "street-lighting" if lights.len() < 4 => lights.push(id),
                    _ => {}
                }
            }
        }
        let form = |title: &str, description: &str, category: &str, cost: i64| ProposalForm {
            title: title.into(),
            description: description.into(),
            category: category.into(),
            cost: cost.to_string(),
            latitude: "29.8536".into(),
            longitude: "31.2577".into(),
        };
        let proposals = [
            (form("تطوير شبكة صرف الأمطار بشارع الهرم", "تتكرر بلاغات طفح الصرف وغرق الشارع بعد كل مطر؛ نقترح شبكة لصرف الأمطار منفصلة عن الصرف الصحي.", "drainage", 7_000_000), sewage.clone(), 96, Some(Review::Feasible { cost: 6_500_000, reason: "ضمن خطة الصرف لعام 2027؛ قدّرت إدارة المرافق التكلفة بعد المعاينة.".into() }), None),
            (form("إنارة موفرة للطاقة لطريق سقارة", "أعمدة الإنارة مطفأة على طول الطريق ليلًا؛ نقترح إنارة LED بحساسات.", "lighting", 3_000_000), lights.clone(), 71, Some(Review::Feasible { cost: 3_200_000, reason: "ممكن بالتعاقد الإطاري للإنارة؛ تشمل التكلفة الصيانة لعامين.".into() }), None),
            (form("حديقة عامة ومساحة لعب بالبدرشين", "لا توجد مساحة آمنة للعب الأطفال في المدينة؛ نقترح حديقة على أرض الوحدة المحلية الفضاء.", "green", 4_500_000), Vec::new(), 52, Some(Review::Feasible { cost: 4_800_000, reason: "الأرض مملوكة للوحدة ومتاحة؛ التكلفة تشمل السور والألعاب.".into() }), None),
            (form("جسر مشاة فوق الطريق الدائري", "عبور الطريق الدائري خطر على طلاب المدارس؛ نقترح جسر مشاة.", "roads", 25_000_000), Vec::new(), 45, Some(Review::Unfeasible { reason: "الطريق الدائري من اختصاص الهيئة العامة للطرق لا المحافظة؛ أُحيل المقترح إليها.".into() }), None),
            (form("ملعب خماسي بمنشأة القناطر", "شباب القرية بلا ملعب؛ نقترح ملعبًا خماسيًا بنجيل صناعي.", "green", 800_000), Vec::new(), 23, None, None),
            (form("إعلان تجاري لمتجر إلكترونيات", "اشترِ هاتفك الجديد بأفضل سعر من متجرنا، توصيل مجاني لكل المحافظة.", "other", 1_000), Vec::new(), 0, None, Some("إعلان تجاري لا علاقة له بالمسار؛ القواعد تمنع الإعلانات.")),
        ];
        let mut voter = 5_000u32;
        for (form, reports, supports, review, hidden) in proposals {
            let id = self
                .propose_from_reports(None, GIZA, &form, &reports)
                .await?;
            for _ in 0..supports {
                voter += 1;
                let citizen = CitizenSession {
                    citizen_id: 0,
                    mobile: format!("+20111{:07}", voter),
                    csrf_token: String::new(),
                    expires_at: self.now(),
                };
                self.support_proposal(&citizen, id).await?;
            }
            if let Some(review) = review {
                self.review_proposal(None, id, &review).await?;
            }
            if let Some(reason) = hidden {
                self.hide_proposal(None, id, reason).await?;
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn demo_votes(
        &self,
        budget_id: i64,
        projects: Projects,
        spec: &BudgetSpec,
        online: u32,
        counter: u32,
        clerk: &crate::Principal,
        person: &mut u32,
    ) -> Result<usize, AppError> {
        let wrong = |what: &str| AppError::Internal(format!("demo voter's {what}"));
        for _ in 0..online {
            *person += 1;
            let mobile = MobileNumber::parse(
                baladiya_domain::country::Country::Egypt,
                &format!("0111{:07}", *person),
            )
            .map_err(|_| wrong("number"))?;
            let citizen = CitizenSession {
                citizen_id: 0,
                mobile: mobile.as_e164().to_owned(),
                csrf_token: String::new(),
                expires_at: self.now(),
            };
            let chosen = choices(*person, projects, spec.kind, spec.amount);
            self.vote_online(&citizen, budget_id, &chosen, None).await?;
        }
        for _ in 0..counter {
            *person += 1;
            let id = EgyptianNationalId::with_check_digit(&format!(
                "2{:02}011521{:04}",
                60 + *person % 40,
                *person
            ))
            .ok_or_else(|| wrong("national ID"))?;
            let chosen = choices(*person, projects, spec.kind, spec.amount);
            self.vote_at_counter(
                clerk,
                budget_id,
                &chosen,
                &id,
                Some(&format!("0122{:07}", *person)),
            )
            .await?;
        }
        Ok((online + counter) as usize)
    }
}
