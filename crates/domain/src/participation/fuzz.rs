//! Property tests: the pabulib reader and the forms' readers (a proposal,
//! a review, a delivery report) never panic on any text and keep to their
//! bounds, and the counting rules never spend more than the budget nor
//! panic on any instance.

use proptest::prelude::*;

use super::ballot::Project;
use super::count::{Tally, Utility};
use super::delivery::Delivery;
use super::pabulib::Instance;
use super::proposals::{MAX_COST, NewProposal, Review};
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
    fn the_forms_readers_never_panic_and_keep_their_bounds(
        texts in prop::collection::vec(any::<String>(), 6),
        numbers in prop::collection::vec("[-−٠-٩0-9,٬. ]{0,24}", 4),
    ) {
        let [a, b, c, d, e, f] = [&texts[0], &texts[1], &texts[2], &texts[3], &texts[4], &texts[5]];
        if let Ok(p) = NewProposal::parse(a, b, c, &numbers[0], &numbers[1], &numbers[2]) {
            prop_assert!((1..=MAX_COST).contains(&p.cost));
            prop_assert!(p.title.chars().count() <= super::proposals::MAX_TITLE);
        }
        let _ = NewProposal::parse(a, b, c, d, e, f);
        if let Ok(Review::Feasible { cost, .. }) = Review::parse("feasible", b, &numbers[3]) {
            prop_assert!((1..=MAX_COST).contains(&cost));
        }
        let _ = Review::parse(a, b, c);
        if let Ok(r) = Delivery::parse("in_progress", &numbers[0], &numbers[1], &numbers[2], d) {
            prop_assert!((0..=100).contains(&r.progress));
            prop_assert!(r.allocated >= 0 && r.spent >= 0);
        }
        let _ = Delivery::parse(a, b, c, d, e);
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
