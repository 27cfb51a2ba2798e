//! Training needs: the competencies a staff member's roles require that
//! no valid certificate has given them yet.

use std::collections::{BTreeMap, BTreeSet};

/// The codes of a stored competency list (`,a,b,`).
pub fn codes(list: &str) -> impl Iterator<Item = &str> {
    list.split(',').map(str::trim).filter(|c| !c.is_empty())
}

/// Stores competency codes as a list (`,a,b,`), sorted and without repeats.
pub fn list<'a>(codes: impl IntoIterator<Item = &'a str>) -> String {
    let set: BTreeSet<&str> = codes
        .into_iter()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    let mut text = String::from(",");
    for code in set {
        text.push_str(code);
        text.push(',');
    }
    text
}

/// What each role requires: role → competencies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleNeeds(BTreeMap<String, BTreeSet<String>>);

impl RoleNeeds {
    pub fn new(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut needs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (role, competency) in pairs {
            needs.entry(role).or_default().insert(competency);
        }
        Self(needs)
    }

    /// What someone holding `roles` needs and has not `acquired`.
    pub fn missing<'a>(
        &self,
        roles: impl IntoIterator<Item = &'a str>,
        acquired: &BTreeSet<String>,
    ) -> BTreeSet<String> {
        roles
            .into_iter()
            .filter_map(|role| self.0.get(role))
            .flatten()
            .filter(|c| !acquired.contains(*c))
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_needs_what_no_certificate_gave() {
        let needs = RoleNeeds::new([
            ("clerk".into(), "digital-services".into()),
            ("clerk".into(), "customer-care".into()),
            ("unit_head".into(), "digital-leadership".into()),
        ]);
        let acquired: BTreeSet<String> = ["customer-care".to_owned()].into();
        assert_eq!(
            needs.missing(["clerk"], &acquired),
            ["digital-services".to_owned()].into()
        );
        assert_eq!(
            needs
                .missing(["clerk", "unit_head"], &BTreeSet::new())
                .len(),
            3,
            "two roles need the union of their competencies"
        );
        assert!(needs.missing(["governorate_viewer"], &acquired).is_empty());
    }

    #[test]
    fn competency_lists_are_sorted_without_repeats() {
        let stored = list(["b", " a", "b", ""]);
        assert_eq!(stored, ",a,b,");
        assert_eq!(codes(&stored).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(codes(",").count(), 0);
    }
}
