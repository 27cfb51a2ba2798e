//! Property tests: the pabulib reader never panics on any text, and the
//! counting rules never spend more than the budget nor panic on any
//! instance.

use proptest::prelude::*;

use super::ballot::Project;
use super::count::{Tally, Utility};
use super::pabulib::Instance;
use super::receipt::Receipt;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_pabulib_reader_never_panics(text in "(META|PROJECTS|VOTES|key;value|project_id;cost;name|voter_id;vote|[0-9]{1,3};[0-9]{1,4}(;[^\n]{0,8})?|[0-9]{1,3};([0-9]{1,2},?){0,4}|budget;[0-9]{1,5}|\"|;|\n){0,60}") {
        let _ = Instance::parse(&text);
    }

    #[test]
    fn any_text_is_refused_or_read(text in any::<String>()) {
        let _ = Instance::parse(&text);
        let _ = Receipt::parse(&text);
    }

    #[test]
    fn every_receipt_made_reads_back(bytes in any::<[u8; 16]>()) {
        let receipt = Receipt::from_random(bytes);
        prop_assert_eq!(Receipt::parse(&receipt.to_string()), Ok(receipt));
    }

    #[test]
    fn no_rule_spends_more_than_the_budget(
        costs in prop::collection::vec(1i64..500, 1..12),
        amount in 0i64..2000,
        votes in prop::collection::vec(prop::collection::vec(0usize..12, 0..6), 0..40),
    ) {
        let projects: Vec<Project> = costs
            .iter()
            .enumerate()
            .map(|(i, &cost)| Project { id: format!("p{i}"), cost })
            .collect();
        let ballots: Vec<Vec<String>> = votes
            .iter()
            .map(|v| v.iter().filter(|&&p| p < projects.len()).map(|p| format!("p{p}")).collect())
            .collect();
        let tally = Tally::new(&projects, amount, &ballots).expect("known projects");
        for outcome in [tally.greedy(), tally.equal_shares(Utility::Cost), tally.equal_shares(Utility::Cardinal)] {
            prop_assert!(outcome.spent <= amount);
            let mut seen = outcome.selected.clone();
            seen.sort_unstable();
            seen.dedup();
            prop_assert_eq!(seen.len(), outcome.selected.len());
        }
    }
}
