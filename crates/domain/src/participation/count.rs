//! The counting rules a budget declares before voting opens, computed
//! exactly as their published definitions (and as `pabutools`, the
//! reference implementation, computes them on the same instances):
//!
//! - **Greedy by votes**: projects in order of their number of votes, each
//!   taken if it still fits in what is left of the budget (CONSUL's rule;
//!   `pabutools.rules.greedy_utilitarian_welfare` with cost satisfaction).
//! - **Method of Equal Shares** (Peters, Pierczyński & Skowron, 2021): the
//!   budget is split equally among the voters; a project is bought with the
//!   money of its supporters, each paying an equal share or all they have
//!   left; each round buys the project whose supporters pay least per unit
//!   of utility, until none can be bought. Without completion: money may be
//!   left. A voter's utility from a project is its cost (cost utilities) or
//!   one (cardinal utilities), as the budget declares
//!   (`pabutools.rules.method_of_equal_shares` with `Cost_Sat` or
//!   `Cardinality_Sat`).
//!
//! Ties go to the project whose id comes first (byte order of the id), as
//! `pabutools`' lexicographic tie-breaking does. Money is counted in
//! rational numbers, never floating point.

use std::collections::HashMap;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Zero;
use serde::{Deserialize, Serialize};

use super::ballot::Project;

/// A voter's utility from a project they chose, for the Method of Equal
/// Shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Utility {
    /// The project's cost.
    Cost,
    /// One, whatever the project.
    Cardinal,
}

/// The rule a budget's result is computed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    Greedy,
    EqualShares {
        utility: Utility,
    },
    /// The Method of Equal Shares completed as cities run it: while money
    /// is left that could buy another supported project, count again with
    /// each voter's share raised by `increment` (currency units); the first
    /// count that leaves nothing affordable wins, or the last one within
    /// the budget (`pabutools`' `voter_budget_increment`).
    EqualSharesCompleted {
        utility: Utility,
        increment: i64,
    },
}

impl Rule {
    /// A rule from its name (see [`Rule::pabulib_name`]).
    pub fn parse(name: &str) -> Option<Rule> {
        let (rest, increment) = match name.rsplit_once("/add") {
            Some((rest, n)) => (rest, Some(n.parse::<i64>().ok().filter(|n| *n > 0)?)),
            None => (name, None),
        };
        let utility = match rest {
            "greedy" => return increment.is_none().then_some(Rule::Greedy),
            "equalshares" => Utility::Cost,
            "equalshares/cardinal" => Utility::Cardinal,
            _ => return None,
        };
        Some(match increment {
            None => Rule::EqualShares { utility },
            Some(increment) => Rule::EqualSharesCompleted { utility, increment },
        })
    }

    /// The rule's name, as pabulib's `rule` field writes it (`greedy`,
    /// `equalshares`, `equalshares/add100`; `/cardinal` for cardinal
    /// utilities).
    pub fn pabulib_name(self) -> String {
        let utility = |u| match u {
            Utility::Cost => "",
            Utility::Cardinal => "/cardinal",
        };
        match self {
            Rule::Greedy => "greedy".into(),
            Rule::EqualShares { utility: u } => format!("equalshares{}", utility(u)),
            Rule::EqualSharesCompleted {
                utility: u,
                increment,
            } => format!("equalshares{}/add{increment}", utility(u)),
        }
    }
}

/// What a count decided: the projects bought, in the order the rule took
/// them (indices into the projects), and what they cost together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub selected: Vec<usize>,
    pub spent: i64,
}

/// A budget's ballots ready to count: each ballot as the indices of the
/// projects it chose, each once.
#[derive(Debug, Clone)]
pub struct Tally<'a> {
    projects: &'a [Project],
    amount: i64,
    ballots: Vec<Vec<usize>>,
    /// The ballots (their indices) that chose each project.
    supporters: Vec<Vec<usize>>,
    votes: Vec<u64>,
}

impl<'a> Tally<'a> {
    /// Ballots as lists of project ids; an id that is not a project is
    /// an error naming it. A project chosen twice on one ballot counts once.
    pub fn new<S: AsRef<str>>(
        projects: &'a [Project],
        amount: i64,
        ballots: &[Vec<S>],
    ) -> Result<Tally<'a>, String> {
        let index: HashMap<&str, usize> = projects
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.as_str(), i))
            .collect();
        let mut supporters = vec![Vec::new(); projects.len()];
        let mut indexed = Vec::with_capacity(ballots.len());
        for (v, ballot) in ballots.iter().enumerate() {
            let mut chosen: Vec<usize> = ballot
                .iter()
                .map(|id| {
                    index
                        .get(id.as_ref())
                        .copied()
                        .ok_or_else(|| format!("a ballot chooses {}, not a project", id.as_ref()))
                })
                .collect::<Result<_, _>>()?;
            chosen.sort_unstable();
            chosen.dedup();
            for &p in &chosen {
                supporters[p].push(v);
            }
            indexed.push(chosen);
        }
        Ok(Tally {
            projects,
            amount,
            ballots: indexed,
            votes: supporters.iter().map(|s| s.len() as u64).collect(),
            supporters,
        })
    }

    /// How many ballots chose each project.
    pub fn votes(&self) -> &[u64] {
        &self.votes
    }

    pub fn ballots(&self) -> usize {
        self.ballots.len()
    }

    pub fn count(&self, rule: Rule) -> Outcome {
        match rule {
            Rule::Greedy => self.greedy(),
            Rule::EqualShares { utility } => self.equal_shares(utility),
            Rule::EqualSharesCompleted { utility, increment } => {
                self.equal_shares_completed(utility, increment)
            }
        }
    }

    fn outcome(&self, selected: Vec<usize>) -> Outcome {
        let spent = selected.iter().map(|&p| self.projects[p].cost).sum();
        Outcome { selected, spent }
    }

    /// Projects by votes (most first; ties by id), each taken while it fits.
    pub fn greedy(&self) -> Outcome {
        let mut order: Vec<usize> = (0..self.projects.len()).collect();
        order.sort_by(|&a, &b| {
            self.votes[b]
                .cmp(&self.votes[a])
                .then_with(|| self.projects[a].id.cmp(&self.projects[b].id))
        });
        let mut left = self.amount;
        let mut selected = Vec::new();
        for p in order {
            let cost = self.projects[p].cost;
            if cost <= left {
                left -= cost;
                selected.push(p);
            }
        }
        self.outcome(selected)
    }

    /// The Method of Equal Shares, without completion.
    ///
    /// Voters are kept in classes of equal money left (at first one class,
    /// each voter with the budget over the number of voters); buying a
    /// project splits the classes of its supporters, so a round looks at a
    /// project's classes, not at each of its voters.
    pub fn equal_shares(&self, utility: Utility) -> Outcome {
        if self.ballots.is_empty() {
            return self.outcome(Vec::new());
        }
        self.equal_shares_from(utility, self.first_share())
    }

    /// Each voter's share of the budget at first.
    fn first_share(&self) -> BigRational {
        BigRational::new(BigInt::from(self.amount), BigInt::from(self.ballots.len()))
    }

    /// The Method of Equal Shares completed by raising each voter's share
    /// by `increment` until the outcome leaves nothing affordable (see
    /// [`Rule::EqualSharesCompleted`]). An increment below one counts as one.
    pub fn equal_shares_completed(&self, utility: Utility, increment: i64) -> Outcome {
        if self.ballots.is_empty() {
            return self.outcome(Vec::new());
        }
        let step = BigRational::from_integer(BigInt::from(increment.max(1)));
        let mut share = self.first_share();
        let mut previous = self.outcome(Vec::new());
        loop {
            let outcome = self.equal_shares_from(utility, share.clone());
            if outcome.spent > self.amount {
                return previous;
            }
            if self.exhaustive(&outcome) {
                return outcome;
            }
            share += &step;
            previous = outcome;
        }
    }

    /// Whether no supported project left out would still fit.
    fn exhaustive(&self, outcome: &Outcome) -> bool {
        (0..self.projects.len()).all(|p| {
            self.votes[p] == 0
                || self.projects[p].cost <= 0
                || outcome.selected.contains(&p)
                || outcome.spent + self.projects[p].cost > self.amount
        })
    }

    /// The Method of Equal Shares with each voter holding `share` at first.
    fn equal_shares_from(&self, utility: Utility, share: BigRational) -> Outcome {
        let voters = self.ballots.len();
        // Money left of each class, each voter's class, and how many
        // supporters of each project are in each class.
        let mut money: Vec<BigRational> = vec![share];
        let mut class = vec![0usize; voters];
        let mut in_class: Vec<HashMap<usize, u64>> = self
            .votes
            .iter()
            .map(|&n| HashMap::from([(0usize, n)]))
            .collect();
        let mut open: Vec<usize> = (0..self.projects.len())
            .filter(|&p| self.votes[p] > 0 && self.projects[p].cost > 0)
            .collect();
        let mut selected = Vec::new();
        loop {
            // (project, what each supporter pays at most, per unit of utility)
            let mut best: Option<(usize, BigRational, BigRational)> = None;
            open.retain(|&p| {
                let cost = BigRational::from_integer(BigInt::from(self.projects[p].cost));
                let Some(pay) = payment(&cost, &in_class[p], &money) else {
                    return false;
                };
                let per_utility = match utility {
                    Utility::Cost => &pay / &cost,
                    Utility::Cardinal => pay.clone(),
                };
                let better = match &best {
                    None => true,
                    Some((q, _, rho)) => {
                        per_utility < *rho
                            || (per_utility == *rho && self.projects[p].id < self.projects[*q].id)
                    }
                };
                if better {
                    best = Some((p, pay, per_utility));
                }
                true
            });
            let Some((p, pay, _)) = best else {
                break;
            };
            open.retain(|&q| q != p);
            selected.push(p);
            // Each supporter pays `pay` or all they have: their class
            // splits into those who paid and those who did not.
            let mut split: HashMap<usize, usize> = HashMap::new();
            for &v in &self.supporters[p] {
                let from = class[v];
                if money[from].is_zero() {
                    continue;
                }
                let to = *split.entry(from).or_insert_with(|| {
                    let left = if money[from] > pay {
                        &money[from] - &pay
                    } else {
                        BigRational::zero()
                    };
                    money.push(left);
                    money.len() - 1
                });
                class[v] = to;
                for &q in &self.ballots[v] {
                    if let Some(n) = in_class[q].get_mut(&from) {
                        *n -= 1;
                        if *n == 0 {
                            in_class[q].remove(&from);
                        }
                    }
                    *in_class[q].entry(to).or_insert(0) += 1;
                }
            }
        }
        self.outcome(selected)
    }
}

/// What each supporter pays at most for a project of `cost` (those with
/// less pay all they have), or `None` when its supporters' money together
/// falls short.
fn payment(
    cost: &BigRational,
    in_class: &HashMap<usize, u64>,
    money: &[BigRational],
) -> Option<BigRational> {
    let mut classes: Vec<(&BigRational, u64)> =
        in_class.iter().map(|(&c, &n)| (&money[c], n)).collect();
    let available: BigRational = classes
        .iter()
        .map(|(m, n)| *m * BigRational::from_integer(BigInt::from(*n)))
        .sum();
    if available < *cost {
        return None;
    }
    classes.sort_by(|a, b| a.0.cmp(b.0));
    let mut due = cost.clone();
    let mut payers: u64 = classes.iter().map(|(_, n)| n).sum();
    for (m, n) in classes {
        let equal = &due / BigRational::from_integer(BigInt::from(payers));
        if *m >= equal {
            return Some(equal);
        }
        due -= m * BigRational::from_integer(BigInt::from(n));
        payers -= n;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn projects(costs: &[(&str, i64)]) -> Vec<Project> {
        costs
            .iter()
            .map(|(id, cost)| Project {
                id: (*id).into(),
                cost: *cost,
            })
            .collect()
    }

    fn ids(tally: &Tally, outcome: &Outcome) -> Vec<String> {
        let mut ids: Vec<String> = outcome
            .selected
            .iter()
            .map(|&p| tally.projects[p].id.clone())
            .collect();
        ids.sort();
        ids
    }

    fn ballots(spec: &[(usize, &[&str])]) -> Vec<Vec<String>> {
        spec.iter()
            .flat_map(|(n, chosen)| {
                std::iter::repeat_n(chosen.iter().map(|s| s.to_string()).collect(), *n)
            })
            .collect()
    }

    /// Sixty voters for ten red projects, forty for ten blue ones, money
    /// for ten: greedy takes the ten red ones, Equal Shares six red and
    /// four blue (each voter's tenth of the budget buys their side's
    /// projects).
    #[test]
    fn equal_shares_is_proportional_where_greedy_is_not() {
        let mut costs = Vec::new();
        let names: Vec<String> = (0..10)
            .flat_map(|i| [format!("red{i}"), format!("blue{i}")])
            .collect();
        for name in &names {
            costs.push((name.as_str(), 100));
        }
        let ps = projects(&costs);
        let red: Vec<&str> = names
            .iter()
            .filter(|n| n.starts_with("red"))
            .map(String::as_str)
            .collect();
        let blue: Vec<&str> = names
            .iter()
            .filter(|n| n.starts_with("blue"))
            .map(String::as_str)
            .collect();
        let b = ballots(&[(60, &red), (40, &blue)]);
        let tally = Tally::new(&ps, 1000, &b).expect("tally");
        let greedy = ids(&tally, &tally.greedy());
        assert_eq!(greedy.len(), 10);
        assert!(greedy.iter().all(|n| n.starts_with("red")), "{greedy:?}");
        for utility in [Utility::Cost, Utility::Cardinal] {
            let shares = ids(&tally, &tally.equal_shares(utility));
            assert_eq!(tally.equal_shares_completed(utility, 1).selected.len(), 10);
            let reds = shares.iter().filter(|n| n.starts_with("red")).count();
            let blues = shares.iter().filter(|n| n.starts_with("blue")).count();
            assert_eq!((reds, blues), (6, 4), "{utility:?}: {shares:?}");
        }
    }

    #[test]
    fn greedy_skips_what_no_longer_fits_and_breaks_ties_by_id() {
        let ps = projects(&[("a", 600), ("b", 500), ("c", 400), ("d", 100)]);
        // Votes: b 3, a 3, c 2, d 1. Tie a/b goes to a (600); b no
        // longer fits (500 > 400 left); c does (400); d does not (0 left).
        let b = ballots(&[(2, &["a", "b", "c"]), (1, &["a", "b", "d"])]);
        let tally = Tally::new(&ps, 1000, &b).expect("tally");
        let outcome = tally.greedy();
        assert_eq!(ids(&tally, &outcome), ["a", "c"]);
        assert_eq!(outcome.spent, 1000);
        assert_eq!(tally.votes(), [3, 3, 2, 1]);
    }

    /// A hand count: budget 100 among 4 voters, 25 each. `x` (cost 60) is
    /// chosen by all four (15 each), `z` (cost 20) by voters 3–4 (10 each),
    /// `y` (cost 40) by voters 1–2 (20 each). Per unit of cost, x is
    /// cheapest (15/60 < 20/40 < 10/20): x first; then voters 1–2 have 10
    /// each, 20 < 40 for y; voters 3–4 pay 10 each for z. Per project, z is
    /// cheapest (10 < 15 < 20): z first, then x (voters 3–4 pay their last
    /// 15), and y is out of reach. Both spend 80 of 100.
    #[test]
    fn equal_shares_by_hand() {
        let ps = projects(&[("x", 60), ("y", 40), ("z", 20)]);
        let b = ballots(&[(2, &["x", "y"]), (2, &["x", "z"])]);
        let tally = Tally::new(&ps, 100, &b).expect("tally");
        for (utility, expected) in [(Utility::Cost, ["x", "z"]), (Utility::Cardinal, ["z", "x"])] {
            let outcome = tally.equal_shares(utility);
            let order: Vec<&str> = outcome
                .selected
                .iter()
                .map(|&p| tally.projects[p].id.as_str())
                .collect();
            assert_eq!(order, expected, "{utility:?}");
            assert_eq!(outcome.spent, 80);
        }
    }

    /// Those with less than an equal share pay all they have and the
    /// others cover the rest.
    #[test]
    fn poorer_supporters_pay_what_they_have() {
        let money = vec![
            BigRational::from_integer(BigInt::from(2)),
            BigRational::from_integer(BigInt::from(10)),
        ];
        let in_class = HashMap::from([(0, 2u64), (1, 2u64)]);
        // Cost 20: equal share 5; the two with 2 pay 4, the two rich pay 8.
        let cost = BigRational::from_integer(BigInt::from(20));
        assert_eq!(
            payment(&cost, &in_class, &money),
            Some(BigRational::from_integer(BigInt::from(8)))
        );
        // Cost 25 > 2·2 + 2·10 = 24: not affordable.
        let cost = BigRational::from_integer(BigInt::from(25));
        assert_eq!(payment(&cost, &in_class, &money), None);
    }

    /// Completion. In the hand count, 20 of 100 is left and `y` (40)
    /// cannot fit in it: the first count is already exhaustive. With
    /// three voters for x and y and one for x alone, the first count buys
    /// x (15 each) and leaves y's voters 10 each (30 < 40) though y would
    /// fit (60 + 40 = 100): shares grow by 1 until y's three voters can pay
    /// 40 (at 29 each), and both are bought.
    #[test]
    fn completion_stops_at_the_first_exhaustive_count() {
        let ps = projects(&[("x", 60), ("y", 40), ("z", 20)]);
        let b = ballots(&[(2, &["x", "y"]), (2, &["x", "z"])]);
        let tally = Tally::new(&ps, 100, &b).expect("tally");
        let once = tally.equal_shares(Utility::Cost);
        assert_eq!(tally.equal_shares_completed(Utility::Cost, 5), once);
        // Here y alone would fit beside x (60 + 40 = 100) and its voters
        // want it: money per voter grows until they can buy it, and the
        // outcome that overspends is dropped for the one before it.
        let b = ballots(&[(3, &["x", "y"]), (1, &["x"])]);
        let tally = Tally::new(&ps, 100, &b).expect("tally");
        let plain = tally.equal_shares(Utility::Cost);
        assert_eq!(
            plain.spent, 60,
            "y's three voters have 10 each left: 30 < 40"
        );
        let completed = tally.equal_shares_completed(Utility::Cost, 1);
        assert_eq!(completed.spent, 100);
        assert_eq!(completed.selected, [0, 1]);
    }

    #[test]
    fn rules_read_back_from_their_names() {
        for rule in [
            Rule::Greedy,
            Rule::EqualShares {
                utility: Utility::Cost,
            },
            Rule::EqualShares {
                utility: Utility::Cardinal,
            },
            Rule::EqualSharesCompleted {
                utility: Utility::Cost,
                increment: 100,
            },
            Rule::EqualSharesCompleted {
                utility: Utility::Cardinal,
                increment: 1,
            },
        ] {
            assert_eq!(Rule::parse(&rule.pabulib_name()), Some(rule));
        }
        for wrong in [
            "",
            "greedy/add1",
            "equalshares/add0",
            "equalshares/add-5",
            "mes",
        ] {
            assert_eq!(Rule::parse(wrong), None, "{wrong}");
        }
    }

    #[test]
    fn a_ballot_for_an_unknown_project_is_refused() {
        let ps = projects(&[("a", 1)]);
        let error = Tally::new(&ps, 1, &[vec!["b"]]).expect_err("unknown");
        assert!(error.contains('b'));
    }

    #[test]
    fn no_ballots_buy_nothing() {
        let ps = projects(&[("a", 1)]);
        let tally = Tally::new(&ps, 10, &Vec::<Vec<String>>::new()).expect("tally");
        assert!(tally.equal_shares(Utility::Cost).selected.is_empty());
        // Greedy, as pabutools does, still takes what fits.
        assert_eq!(tally.greedy().selected, [0]);
    }
}
