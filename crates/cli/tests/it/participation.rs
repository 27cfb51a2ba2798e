//! Participatory budgeting's counting rules against the reference
//! implementation: Baladiya writes instances in the pabulib format, counts
//! them with its own greedy and Method of Equal Shares (plain and
//! completed), and `pabutools`
//! (from PyPI) reads the same files and counts them its way; the winners
//! must be the same, ties and all.

use baladiya_domain::participation::ballot::Project;
use baladiya_domain::participation::count::{Rule, Tally, Utility};
use baladiya_domain::participation::pabulib::{Instance, ProjectRow};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// A budget with a few popular projects and a long tail, voters who
/// choose two to six projects each, costs from cheap to a third of the
/// budget, and a twin of project `2` (same cost, same supporters) whose id
/// sorts before it as text but after it as a number (`10` and up), so
/// every rule meets exact ties and must break them by the id's text.
fn instance(seed: u64) -> Instance {
    let mut dice = StdRng::seed_from_u64(seed);
    let projects = 4 + dice.gen_range(0..20usize);
    let budget = 10_000 + 1_000 * dice.gen_range(0..90i64);
    let mut rows: Vec<ProjectRow> = (1..=projects)
        .map(|i| ProjectRow {
            project: Project {
                id: i.to_string(),
                cost: 200 + 100 * dice.gen_range(0..budget / 300),
            },
            name: format!("مشروع {i}"),
        })
        .collect();
    let twin = (projects + 1).max(10).to_string();
    rows.push(ProjectRow {
        project: Project {
            id: twin.clone(),
            cost: rows[1].project.cost,
        },
        name: "توأم المشروع 2".into(),
    });
    let voters = 10 + dice.gen_range(0..400usize);
    let votes = (0..voters)
        .map(|_| {
            let mut chosen: Vec<String> = (0..2 + dice.gen_range(0..5))
                .map(|_| {
                    // Popular projects come up more often.
                    let i = dice.gen_range(0..projects).min(dice.gen_range(0..projects));
                    (i + 1).to_string()
                })
                .collect();
            if chosen.iter().any(|id| id == "2") {
                chosen.push(twin.clone());
            }
            chosen.sort();
            chosen.dedup();
            chosen
        })
        .collect();
    // Completion raises each voter's share by about a tenth of it at
    // first, so the reference implementation stays quick.
    let increment = (budget / voters as i64 / 10).max(1);
    let utility = if seed.is_multiple_of(2) {
        Utility::Cost
    } else {
        Utility::Cardinal
    };
    let completed = Rule::EqualSharesCompleted { utility, increment };
    Instance {
        meta: vec![
            ("description".into(), format!("instance {seed}")),
            ("country".into(), "Egypt".into()),
            ("budget".into(), budget.to_string()),
            ("vote_type".into(), "approval".into()),
            ("rule".into(), completed.pabulib_name()),
        ],
        projects: rows,
        votes,
    }
}

fn winners(instance: &Instance, rule: Rule) -> Vec<String> {
    let projects = instance.project_list();
    let tally = Tally::new(
        &projects,
        instance.budget().expect("budget"),
        &instance.votes,
    )
    .expect("tally");
    let mut ids: Vec<String> = tally
        .count(rule)
        .selected
        .iter()
        .map(|&p| projects[p].id.clone())
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn greedy_and_equal_shares_match_pabutools() {
    if !crate::support::python_has("pabutools", "pabutools") {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let mut files = Vec::new();
    let mut ours = Vec::new();
    for seed in 1..=40 {
        let instance = instance(seed);
        let path = dir.path().join(format!("{seed}.pb"));
        std::fs::write(&path, instance.write(None)).expect("write");
        // What Baladiya writes, it reads back the same.
        let again = Instance::parse(&std::fs::read_to_string(&path).expect("read")).expect("parse");
        assert_eq!(again.votes, instance.votes);
        files.push(path.display().to_string());
        ours.push(instance);
    }
    let printed = crate::support::run_python("tests/participation/count.py", files.clone()).await;
    let theirs: serde_json::Value = serde_json::from_str(&printed).expect("json");
    let mut differing_outcomes = 0;
    for (path, instance) in files.iter().zip(&ours) {
        for rule in [
            Rule::Greedy,
            Rule::EqualShares {
                utility: Utility::Cost,
            },
            Rule::EqualShares {
                utility: Utility::Cardinal,
            },
        ] {
            let expected: Vec<String> =
                serde_json::from_value(theirs[path][rule.pabulib_name()].clone()).expect("list");
            assert_eq!(
                winners(instance, rule),
                expected,
                "{} by {rule:?}",
                instance.meta("description").unwrap_or_default()
            );
        }
        if winners(instance, Rule::Greedy)
            != winners(
                instance,
                Rule::EqualShares {
                    utility: Utility::Cost,
                },
            )
        {
            differing_outcomes += 1;
        }
    }
    // The instances tell the rules apart: a comparison where every rule
    // agreed would check little.
    assert!(
        differing_outcomes >= 10,
        "only {differing_outcomes} of 40 differ"
    );
}
