//! A participatory budget's projects, how it is voted on, and a ballot
//! that is valid once it exists ("parse, don't validate").

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::FieldError;

/// One project on a budget's ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    /// The project's code, unique in its budget (and its pabulib id).
    pub id: String,
    /// What it costs, in whole units of the currency (pounds, riyals), as
    /// pabulib counts it.
    pub cost: i64,
}

/// How a budget is voted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BallotKind {
    /// Any projects whose costs together stay within the budget.
    Knapsack,
    /// At most `max` projects, whatever they cost.
    Approval { max: u32 },
}

/// A budget as its ballots see it: the amount, the projects and the kind
/// of ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Budget {
    /// The amount to spend, in whole units of the currency.
    pub amount: i64,
    pub kind: BallotKind,
    pub projects: Vec<Project>,
}

impl Budget {
    pub fn project(&self, id: &str) -> Option<&Project> {
        self.projects.iter().find(|p| p.id == id)
    }
}

/// The projects one voter chose, checked against the budget: each known,
/// none twice, within the budget (knapsack) or the number allowed
/// (approval). Kept in the order of their ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ballot(BTreeSet<String>);

impl Ballot {
    /// The choices as a voter sent them, or the field errors of the
    /// `choices` field (`ballot-empty`, `ballot-unknown-project`,
    /// `ballot-repeated-project`, `ballot-over-budget`, `ballot-too-many`).
    pub fn new(budget: &Budget, choices: &[String]) -> Result<Ballot, FieldError> {
        let wrong = |code| FieldError::new("choices", code);
        if choices.is_empty() {
            return Err(wrong("ballot-empty"));
        }
        let mut chosen = BTreeSet::new();
        let mut spent: i64 = 0;
        for id in choices {
            let project = budget
                .project(id)
                .ok_or_else(|| wrong("ballot-unknown-project"))?;
            if !chosen.insert(project.id.clone()) {
                return Err(wrong("ballot-repeated-project"));
            }
            spent = spent.saturating_add(project.cost);
        }
        match budget.kind {
            BallotKind::Knapsack if spent > budget.amount => Err(wrong("ballot-over-budget")),
            BallotKind::Approval { max } if chosen.len() > max as usize => {
                Err(wrong("ballot-too-many"))
            }
            _ => Ok(Ballot(chosen)),
        }
    }

    /// The chosen projects' ids, in order.
    pub fn choices(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(kind: BallotKind) -> Budget {
        Budget {
            amount: 1000,
            kind,
            projects: [("park", 600), ("lights", 300), ("drain", 200)]
                .map(|(id, cost)| Project {
                    id: id.into(),
                    cost,
                })
                .to_vec(),
        }
    }

    fn choose(budget: &Budget, ids: &[&str]) -> Result<Vec<String>, &'static str> {
        let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        Ballot::new(budget, &ids)
            .map(|b| b.choices().map(str::to_owned).collect())
            .map_err(|e| e.code)
    }

    #[test]
    fn a_knapsack_ballot_spends_up_to_the_budget() {
        let b = budget(BallotKind::Knapsack);
        assert_eq!(
            choose(&b, &["park", "lights"]),
            Ok(vec!["lights".to_owned(), "park".to_owned()])
        );
        // 600 + 300 + 200 = 1100 > 1000.
        assert_eq!(
            choose(&b, &["park", "lights", "drain"]),
            Err("ballot-over-budget")
        );
        // Exactly the budget is allowed.
        let exact = Budget {
            amount: 800,
            ..b.clone()
        };
        assert!(choose(&exact, &["park", "drain"]).is_ok());
    }

    #[test]
    fn an_approval_ballot_chooses_up_to_n_projects() {
        let b = budget(BallotKind::Approval { max: 2 });
        // Cost does not matter: 1100 over a budget of 1000 is fine…
        assert!(choose(&b, &["park", "lights"]).is_ok());
        // …the number does.
        assert_eq!(
            choose(&b, &["park", "lights", "drain"]),
            Err("ballot-too-many")
        );
    }

    #[test]
    fn every_choice_is_a_project_once() {
        let b = budget(BallotKind::Knapsack);
        assert_eq!(choose(&b, &[]), Err("ballot-empty"));
        assert_eq!(choose(&b, &["pool"]), Err("ballot-unknown-project"));
        assert_eq!(
            choose(&b, &["drain", "drain"]),
            Err("ballot-repeated-project")
        );
    }
}
