//! Demo data: one Egyptian governorate with two markaz and their villages,
//! one Saudi amana with two municipalities, departments, public holidays
//! and one demo user per role in each country.

use crate::admin::UnitForm;
use crate::{App, AppError};

/// The password of every demo account. Demo data is for trying Baladiya
/// out, never for production.
pub const DEMO_PASSWORD: &str = "baladiya-demo";

/// A demo account as printed by `serve --demo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub username: &'static str,
    pub full_name: &'static str,
    pub role: &'static str,
    pub unit: &'static str,
    pub department: Option<&'static str>,
}

/// (code, kind, Arabic name, English name, parent code)
const UNITS: &[(&str, &str, &str, &str, Option<&str>)] = &[
    (
        "EG-GZ",
        "governorate",
        "محافظة الجيزة",
        "Giza Governorate",
        None,
    ),
    (
        "EG-GZ-BDR",
        "markaz",
        "مركز ومدينة البدرشين",
        "Badrashin Markaz and City",
        Some("EG-GZ"),
    ),
    (
        "EG-GZ-BDR-SQR",
        "village",
        "الوحدة المحلية لقرية سقارة",
        "Saqqara Village Local Unit",
        Some("EG-GZ-BDR"),
    ),
    (
        "EG-GZ-BDR-MRH",
        "village",
        "الوحدة المحلية لقرية ميت رهينة",
        "Mit Rahina Village Local Unit",
        Some("EG-GZ-BDR"),
    ),
    (
        "EG-GZ-AWS",
        "markaz",
        "مركز ومدينة أوسيم",
        "Awsim Markaz and City",
        Some("EG-GZ"),
    ),
    (
        "EG-GZ-AWS-BRT",
        "village",
        "الوحدة المحلية لقرية برطس",
        "Bartus Village Local Unit",
        Some("EG-GZ-AWS"),
    ),
    (
        "EG-GZ-AWS-MNS",
        "village",
        "الوحدة المحلية لقرية المناشي",
        "El Manashi Village Local Unit",
        Some("EG-GZ-AWS"),
    ),
    (
        "SA-04",
        "region",
        "المنطقة الشرقية",
        "Eastern Province",
        None,
    ),
    (
        "SA-04-AMN",
        "amana",
        "أمانة المنطقة الشرقية",
        "Eastern Province Amana",
        Some("SA-04"),
    ),
    (
        "SA-04-KHB",
        "municipality",
        "بلدية محافظة الخبر",
        "Al Khobar Municipality",
        Some("SA-04-AMN"),
    ),
    (
        "SA-04-KHB-THQ",
        "sub_municipality",
        "بلدية الثقبة الفرعية",
        "Al Thuqbah Sub-Municipality",
        Some("SA-04-KHB"),
    ),
    (
        "SA-04-QTF",
        "municipality",
        "بلدية محافظة القطيف",
        "Qatif Municipality",
        Some("SA-04-AMN"),
    ),
];

/// A department to create: (kind, Arabic name, English name).
type DepartmentSeed = (&'static str, &'static str, &'static str);

/// Departments of the units that process applications.
const EGYPT_DEPARTMENTS: &[DepartmentSeed] = &[
    (
        "technology_center",
        "المركز التكنولوجي لخدمة المواطنين",
        "Citizen Service Technology Center",
    ),
    (
        "engineering",
        "الإدارة الهندسية (التنظيم)",
        "Engineering (Building Control)",
    ),
    ("licensing", "إدارة التراخيص", "Licensing"),
    ("revenue", "إدارة الإيرادات", "Revenue"),
    (
        "civil_defense_liaison",
        "الاتصال بالحماية المدنية",
        "Civil Protection Liaison",
    ),
    ("state_property", "أملاك الدولة", "State Property"),
    ("urban_planning", "التخطيط العمراني", "Urban Planning"),
    (
        "environment",
        "البيئة والنظافة",
        "Environment and Cleanliness",
    ),
];
const VILLAGE_DEPARTMENTS: &[DepartmentSeed] = &[
    (
        "technology_center",
        "المركز التكنولوجي بالوحدة القروية",
        "Village Technology Center",
    ),
    ("engineering", "المكتب الهندسي", "Engineering Office"),
];
const SAUDI_DEPARTMENTS: &[DepartmentSeed] = &[
    (
        "technology_center",
        "مركز خدمات العملاء",
        "Customer Service Center",
    ),
    ("engineering", "إدارة الرخص الإنشائية", "Building Permits"),
    ("licensing", "إدارة الرخص التجارية", "Commercial Licenses"),
    ("revenue", "إدارة الإيرادات", "Revenue"),
    (
        "civil_defense_liaison",
        "التنسيق مع الدفاع المدني",
        "Civil Defense Coordination",
    ),
    ("urban_planning", "إدارة التخطيط العمراني", "Urban Planning"),
];

/// Which units get which departments.
const DEPARTMENTS_BY_UNIT: &[(&str, &[DepartmentSeed])] = &[
    ("EG-GZ-BDR", EGYPT_DEPARTMENTS),
    ("EG-GZ-AWS", EGYPT_DEPARTMENTS),
    ("EG-GZ-BDR-SQR", VILLAGE_DEPARTMENTS),
    ("EG-GZ-BDR-MRH", VILLAGE_DEPARTMENTS),
    ("EG-GZ-AWS-BRT", VILLAGE_DEPARTMENTS),
    ("EG-GZ-AWS-MNS", VILLAGE_DEPARTMENTS),
    ("SA-04-KHB", SAUDI_DEPARTMENTS),
    ("SA-04-QTF", SAUDI_DEPARTMENTS),
];

pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    account(
        "eg.admin",
        "م. هشام عبد الحميد",
        "administrator",
        "EG-GZ",
        None,
    ),
    account(
        "eg.viewer",
        "أ. سامية فؤاد",
        "governorate_viewer",
        "EG-GZ",
        None,
    ),
    account("eg.head", "م. أحمد سعيد", "unit_head", "EG-GZ-BDR", None),
    account(
        "eg.officer",
        "م. منى عادل",
        "department_officer",
        "EG-GZ-BDR",
        Some("engineering"),
    ),
    account(
        "eg.defense",
        "ع. طارق منصور",
        "department_officer",
        "EG-GZ-BDR",
        Some("civil_defense_liaison"),
    ),
    account(
        "eg.licensing",
        "أ. دينا مصطفى",
        "department_officer",
        "EG-GZ-BDR",
        Some("licensing"),
    ),
    account(
        "eg.planning",
        "م. كريم يوسف",
        "department_officer",
        "EG-GZ-BDR",
        Some("urban_planning"),
    ),
    account("eg.clerk", "أ. محمود علي", "clerk", "EG-GZ-BDR", None),
    account("eg.clerk.awsim", "أ. هبة كمال", "clerk", "EG-GZ-AWS", None),
    account(
        "sa.admin",
        "م. فيصل العتيبي",
        "administrator",
        "SA-04",
        None,
    ),
    account(
        "sa.viewer",
        "أ. نورة القحطاني",
        "governorate_viewer",
        "SA-04-AMN",
        None,
    ),
    account(
        "sa.head",
        "م. عبدالله الدوسري",
        "unit_head",
        "SA-04-KHB",
        None,
    ),
    account(
        "sa.officer",
        "م. ريم الشهري",
        "department_officer",
        "SA-04-KHB",
        Some("engineering"),
    ),
    account(
        "sa.defense",
        "ن. سعد المطيري",
        "department_officer",
        "SA-04-KHB",
        Some("civil_defense_liaison"),
    ),
    account(
        "sa.licensing",
        "أ. هند الزهراني",
        "department_officer",
        "SA-04-KHB",
        Some("licensing"),
    ),
    account(
        "sa.planning",
        "م. ماجد الحربي",
        "department_officer",
        "SA-04-KHB",
        Some("urban_planning"),
    ),
    account("sa.clerk", "أ. خالد الغامدي", "clerk", "SA-04-KHB", None),
];

const fn account(
    username: &'static str,
    full_name: &'static str,
    role: &'static str,
    unit: &'static str,
    department: Option<&'static str>,
) -> DemoAccount {
    DemoAccount {
        username,
        full_name,
        role,
        unit,
        department,
    }
}

/// Public holidays of 2026–2027 (country, day, ar, en). Islamic holidays
/// follow the expected moon sightings and are moved by the authorities
/// each year: adjust them with `baladiya admin holiday`.
const HOLIDAYS: &[(&str, &str, &str, &str)] = &[
    ("EG", "2026-01-07", "عيد الميلاد المجيد", "Coptic Christmas"),
    (
        "EG",
        "2026-01-25",
        "عيد الشرطة وثورة 25 يناير",
        "Police Day and 25 January Revolution",
    ),
    ("EG", "2026-03-19", "عيد الفطر", "Eid al-Fitr"),
    ("EG", "2026-03-22", "عيد الفطر", "Eid al-Fitr"),
    ("EG", "2026-04-13", "شم النسيم", "Sham El-Nessim"),
    (
        "EG",
        "2026-04-25",
        "عيد تحرير سيناء",
        "Sinai Liberation Day",
    ),
    ("EG", "2026-05-26", "يوم عرفة", "Arafat Day"),
    ("EG", "2026-05-27", "عيد الأضحى", "Eid al-Adha"),
    ("EG", "2026-05-28", "عيد الأضحى", "Eid al-Adha"),
    ("EG", "2026-06-16", "رأس السنة الهجرية", "Islamic New Year"),
    (
        "EG",
        "2026-06-30",
        "ذكرى ثورة 30 يونيو",
        "30 June Revolution",
    ),
    (
        "EG",
        "2026-07-23",
        "عيد ثورة 23 يوليو",
        "23 July Revolution",
    ),
    (
        "EG",
        "2026-08-25",
        "المولد النبوي الشريف",
        "Prophet's Birthday",
    ),
    ("EG", "2026-10-06", "عيد القوات المسلحة", "Armed Forces Day"),
    ("EG", "2027-01-07", "عيد الميلاد المجيد", "Coptic Christmas"),
    (
        "EG",
        "2027-01-25",
        "عيد الشرطة وثورة 25 يناير",
        "Police Day and 25 January Revolution",
    ),
    ("SA", "2026-02-22", "يوم التأسيس", "Founding Day"),
    ("SA", "2026-03-19", "إجازة عيد الفطر", "Eid al-Fitr holiday"),
    ("SA", "2026-03-22", "إجازة عيد الفطر", "Eid al-Fitr holiday"),
    ("SA", "2026-03-23", "إجازة عيد الفطر", "Eid al-Fitr holiday"),
    ("SA", "2026-05-25", "إجازة عيد الأضحى", "Eid al-Adha holiday"),
    ("SA", "2026-05-26", "إجازة عيد الأضحى", "Eid al-Adha holiday"),
    ("SA", "2026-05-27", "إجازة عيد الأضحى", "Eid al-Adha holiday"),
    ("SA", "2026-05-31", "إجازة عيد الأضحى", "Eid al-Adha holiday"),
    ("SA", "2026-09-23", "اليوم الوطني", "National Day"),
    ("SA", "2027-02-22", "يوم التأسيس", "Founding Day"),
];

impl App {
    /// Loads the demo data unless it is already there. Returns `true` if
    /// it was loaded now. Safe to run on every start.
    pub async fn load_demo(&self) -> Result<bool, AppError> {
        let first = UNITS[0].0;
        let code = baladiya_domain::org::UnitCode::parse(first)
            .map_err(|c| AppError::Internal(format!("demo unit code {first}: {c}")))?;
        if self.store.unit_by_code(&code).await?.is_some() {
            return Ok(false);
        }
        for (code, kind, name_ar, name_en, parent) in UNITS {
            let form = UnitForm {
                code: (*code).into(),
                kind: (*kind).into(),
                name_ar: (*name_ar).into(),
                name_en: (*name_en).into(),
                parent_code: parent.map(Into::into),
            };
            self.create_unit(None, &form).await?;
        }
        for (unit, departments) in DEPARTMENTS_BY_UNIT {
            for (kind, ar, en) in *departments {
                self.create_department(None, unit, kind, ar, en).await?;
            }
        }
        for (country, day, ar, en) in HOLIDAYS {
            self.add_holiday(country, day, ar, en).await?;
        }
        // One hash for the one demo password (it is printed anyway).
        let password = baladiya_domain::people::NewPassword::parse(DEMO_PASSWORD)
            .map_err(|c| AppError::Internal(format!("demo password: {c}")))?;
        let hash = crate::auth::hash_password_blocking(password).await?;
        for account in DEMO_ACCOUNTS {
            self.create_user_hashed(
                None,
                account.username,
                account.full_name,
                DEMO_PASSWORD,
                Some(&hash),
            )
            .await?;
            self.grant_role(
                None,
                account.username,
                account.role,
                account.unit,
                account.department,
            )
            .await?;
        }
        Ok(true)
    }
}
