//! The organisation: a tree of org units (governorate → markaz/city →
//! district/village in Egypt; region → amana → municipality →
//! sub-municipality in Saudi Arabia) and the departments inside each unit.

use serde::{Deserialize, Serialize};

use crate::country::Country;

/// The kind of an org unit. Which kind may sit under which is fixed by
/// [`OrgUnitKind::may_be_child_of`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgUnitKind {
    /// محافظة (Egypt)
    Governorate,
    /// مركز (Egypt): a rural centre with its villages
    Markaz,
    /// مدينة (Egypt)
    City,
    /// حي (Egypt): an urban district
    District,
    /// قرية / وحدة محلية قروية (Egypt)
    Village,
    /// منطقة (Saudi Arabia)
    Region,
    /// أمانة (Saudi Arabia)
    Amana,
    /// بلدية (Saudi Arabia)
    Municipality,
    /// بلدية فرعية (Saudi Arabia)
    SubMunicipality,
}

impl OrgUnitKind {
    pub const ALL: [OrgUnitKind; 9] = [
        OrgUnitKind::Governorate,
        OrgUnitKind::Markaz,
        OrgUnitKind::City,
        OrgUnitKind::District,
        OrgUnitKind::Village,
        OrgUnitKind::Region,
        OrgUnitKind::Amana,
        OrgUnitKind::Municipality,
        OrgUnitKind::SubMunicipality,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgUnitKind::Governorate => "governorate",
            OrgUnitKind::Markaz => "markaz",
            OrgUnitKind::City => "city",
            OrgUnitKind::District => "district",
            OrgUnitKind::Village => "village",
            OrgUnitKind::Region => "region",
            OrgUnitKind::Amana => "amana",
            OrgUnitKind::Municipality => "municipality",
            OrgUnitKind::SubMunicipality => "sub_municipality",
        }
    }

    pub fn parse(text: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
            .ok_or("org-unit-kind-unknown")
    }

    pub fn country(self) -> Country {
        match self {
            OrgUnitKind::Governorate
            | OrgUnitKind::Markaz
            | OrgUnitKind::City
            | OrgUnitKind::District
            | OrgUnitKind::Village => Country::Egypt,
            _ => Country::SaudiArabia,
        }
    }

    /// Whether a unit of this kind sits at the top of a country's tree.
    pub fn is_root(self) -> bool {
        matches!(self, OrgUnitKind::Governorate | OrgUnitKind::Region)
    }

    /// The hierarchy rules of both countries.
    pub fn may_be_child_of(self, parent: OrgUnitKind) -> bool {
        use OrgUnitKind::*;
        matches!(
            (parent, self),
            (Governorate, Markaz | City | District)
                | (Markaz | City, District | Village)
                | (Markaz, City)
                | (Region, Amana)
                | (Amana, Municipality)
                | (Municipality, SubMunicipality)
        )
    }
}

/// An org unit's code: 2–40 characters of `A–Z`, `0–9` and `-`, starting
/// with a letter (e.g. `EG-GZ-BDR`). Codes prefix tracking numbers, so they
/// are short and unambiguous.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let code = text.trim().to_ascii_uppercase();
        let well_formed = (2..=40).contains(&code.len())
            && code.starts_with(|c: char| c.is_ascii_uppercase())
            && code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
            && !code.ends_with('-')
            && !code.contains("--");
        if well_formed {
            Ok(Self(code))
        } else {
            Err("unit-code-invalid")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for UnitCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A name in both languages. Both are required: Arabic is the default
/// language and English must be complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BilingualName {
    ar: String,
    en: String,
}

impl BilingualName {
    pub fn parse(ar: &str, en: &str) -> Result<Self, Vec<(&'static str, &'static str)>> {
        let mut problems = Vec::new();
        let (ar, en) = (ar.trim(), en.trim());
        for (field, value) in [("name_ar", ar), ("name_en", en)] {
            if value.is_empty() {
                problems.push((field, "required"));
            } else if value.chars().count() > 200 {
                problems.push((field, "too-long"));
            }
        }
        if problems.is_empty() {
            Ok(Self {
                ar: ar.to_owned(),
                en: en.to_owned(),
            })
        } else {
            Err(problems)
        }
    }

    pub fn ar(&self) -> &str {
        &self.ar
    }

    pub fn en(&self) -> &str {
        &self.en
    }

    /// The name in `lang` ("ar" or "en").
    pub fn get(&self, lang: &str) -> &str {
        if lang == "en" { &self.en } else { &self.ar }
    }
}

/// A department inside a unit: the kind of work it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DepartmentKind {
    /// الإدارة الهندسية / التنظيم
    Engineering,
    /// التراخيص
    Licensing,
    /// الإيرادات
    Revenue,
    /// الاتصال بالحماية المدنية / الدفاع المدني
    CivilDefenseLiaison,
    /// أملاك الدولة
    StateProperty,
    /// البيئة والنظافة
    Environment,
    /// التخطيط العمراني
    UrbanPlanning,
    /// المركز التكنولوجي (خدمة المواطنين)
    TechnologyCenter,
}

impl DepartmentKind {
    pub const ALL: [DepartmentKind; 8] = [
        DepartmentKind::Engineering,
        DepartmentKind::Licensing,
        DepartmentKind::Revenue,
        DepartmentKind::CivilDefenseLiaison,
        DepartmentKind::StateProperty,
        DepartmentKind::Environment,
        DepartmentKind::UrbanPlanning,
        DepartmentKind::TechnologyCenter,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DepartmentKind::Engineering => "engineering",
            DepartmentKind::Licensing => "licensing",
            DepartmentKind::Revenue => "revenue",
            DepartmentKind::CivilDefenseLiaison => "civil_defense_liaison",
            DepartmentKind::StateProperty => "state_property",
            DepartmentKind::Environment => "environment",
            DepartmentKind::UrbanPlanning => "urban_planning",
            DepartmentKind::TechnologyCenter => "technology_center",
        }
    }

    pub fn parse(text: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
            .ok_or("department-kind-unknown")
    }
}

impl TryFrom<String> for DepartmentKind {
    type Error = &'static str;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

/// The place of a unit in the tree: the ids from the root down to the unit
/// itself. Containment ("is B under A?") is a prefix test.
///
/// Paths order as a tree walk: a parent comes before its children.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitPath(Vec<i64>);

impl UnitPath {
    pub fn root(id: i64) -> Self {
        Self(vec![id])
    }

    pub fn child(&self, id: i64) -> Self {
        let mut ids = self.0.clone();
        ids.push(id);
        Self(ids)
    }

    /// Stored form: `/1/4/9/`. The trailing slash makes `LIKE '/1/4/%'`
    /// match the unit and everything below it, and never `/1/40/`.
    pub fn encode(&self) -> String {
        let mut text = String::from("/");
        for id in &self.0 {
            text.push_str(&id.to_string());
            text.push('/');
        }
        text
    }

    pub fn decode(text: &str) -> Option<Self> {
        let inner = text.strip_prefix('/')?.strip_suffix('/')?;
        let ids = inner
            .split('/')
            .map(|part| part.parse::<i64>().ok())
            .collect::<Option<Vec<_>>>()?;
        (!ids.is_empty()).then_some(Self(ids))
    }

    pub fn unit_id(&self) -> i64 {
        self.0[self.0.len() - 1]
    }

    pub fn depth(&self) -> usize {
        self.0.len()
    }

    /// The unit's own id and its ancestors', from the root.
    pub fn ids(&self) -> &[i64] {
        &self.0
    }

    /// True if `self` is `other` or lies below it.
    pub fn is_within(&self, other: &UnitPath) -> bool {
        self.0.starts_with(&other.0)
    }
}

/// An org unit as the rest of the system sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgUnit {
    pub id: i64,
    pub code: UnitCode,
    pub kind: OrgUnitKind,
    pub name: BilingualName,
    pub parent_id: Option<i64>,
    pub path: UnitPath,
}

impl OrgUnit {
    pub fn country(&self) -> Country {
        self.kind.country()
    }
}

/// A department of a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    pub id: i64,
    pub unit_id: i64,
    pub kind: DepartmentKind,
    pub name: BilingualName,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hierarchy_rules_follow_each_country() {
        use OrgUnitKind::*;
        assert!(Markaz.may_be_child_of(Governorate));
        assert!(Village.may_be_child_of(Markaz));
        assert!(District.may_be_child_of(City));
        assert!(Amana.may_be_child_of(Region));
        assert!(SubMunicipality.may_be_child_of(Municipality));
        assert!(!Village.may_be_child_of(Governorate));
        assert!(!Municipality.may_be_child_of(Governorate));
        assert!(!Governorate.may_be_child_of(Markaz));
        assert!(Governorate.is_root() && Region.is_root() && !Amana.is_root());
    }

    #[test]
    fn unit_codes_are_normalised_and_checked() {
        assert_eq!(
            UnitCode::parse(" eg-gz-bdr ").map(|c| c.to_string()),
            Ok("EG-GZ-BDR".into())
        );
        for bad in ["", "E", "1EG", "EG--GZ", "EG-", "EG GZ", "مصر"] {
            assert_eq!(UnitCode::parse(bad), Err("unit-code-invalid"), "{bad:?}");
        }
    }

    #[test]
    fn paths_encode_and_contain() {
        let gov = UnitPath::root(1);
        let markaz = gov.child(4);
        let village = markaz.child(40);
        assert_eq!(village.encode(), "/1/4/40/");
        assert_eq!(UnitPath::decode("/1/4/40/"), Some(village.clone()));
        assert_eq!(UnitPath::decode("1/4"), None);
        assert!(village.is_within(&gov) && village.is_within(&village));
        assert!(!gov.is_within(&markaz));
        assert!(
            !UnitPath::root(1)
                .child(40)
                .is_within(&UnitPath::root(1).child(4))
        );
    }

    #[test]
    fn names_need_both_languages() {
        assert!(BilingualName::parse("الجيزة", "Giza").is_ok());
        assert_eq!(
            BilingualName::parse(" ", "Giza"),
            Err(vec![("name_ar", "required")])
        );
    }
}
