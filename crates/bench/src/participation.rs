//! The participation benchmark: a city's participatory budget at
//! Madrid's scale — 212,108 ballots over 100 projects in 5 districts (a
//! budget each) — counted by greedy and by the Method of Equal Shares
//! (cost and cardinal utilities), beside pabutools (PyPI), the reference
//! implementation, counting the same pabulib files in the same run; the
//! winners must agree. Pure computation: no database, so it runs once.

use std::time::Instant;

use anyhow::{Result, bail};
use baladiya_domain::participation::ballot::Project;
use baladiya_domain::participation::count::{Rule, Tally, Utility};
use baladiya_domain::participation::pabulib::{Instance, ProjectRow};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use crate::BenchOptions;
use crate::measure::python_baseline;

const BALLOTS: usize = 212_108;
const PROJECTS: usize = 100;
const DISTRICTS: usize = 5;

const RULES: [Rule; 3] = [
    Rule::Greedy,
    Rule::EqualShares {
        utility: Utility::Cost,
    },
    Rule::EqualShares {
        utility: Utility::Cardinal,
    },
];

/// One district's budget: its share of the projects and the ballots, each
/// voter choosing one to eight projects, the popular ones more often.
fn district(d: usize) -> Instance {
    let mut dice = StdRng::seed_from_u64(d as u64 + 1);
    let projects = PROJECTS / DISTRICTS;
    let budget: i64 = 6_000_000;
    let rows = (1..=projects)
        .map(|i| ProjectRow {
            project: Project {
                id: format!("{}-{i}", d + 1),
                cost: 100_000 + 50_000 * dice.gen_range(0..40i64),
            },
            name: format!("مشروع {i} في الحي {}", d + 1),
        })
        .collect();
    let votes = (0..BALLOTS / DISTRICTS + usize::from(d < BALLOTS % DISTRICTS))
        .map(|_| {
            let mut chosen: Vec<String> = (0..1 + dice.gen_range(0..8))
                .map(|_| {
                    let i = dice.gen_range(0..projects).min(dice.gen_range(0..projects));
                    format!("{}-{}", d + 1, i + 1)
                })
                .collect();
            chosen.sort();
            chosen.dedup();
            chosen
        })
        .collect();
    Instance {
        meta: vec![
            (
                "description".into(),
                format!("Baladiya benchmark, district {}", d + 1),
            ),
            ("budget".into(), budget.to_string()),
            ("vote_type".into(), "approval".into()),
        ],
        projects: rows,
        votes,
    }
}

pub async fn run(_options: &BenchOptions) -> Result<Value> {
    let dir = tempfile::tempdir()?;
    let mut files = Vec::new();
    let mut seconds = [0.0f64; 3];
    let mut winners: Vec<Vec<Vec<String>>> = Vec::new();
    let mut write_seconds = 0.0;
    let mut tally_seconds = 0.0;
    for d in 0..DISTRICTS {
        let instance = district(d);
        let projects = instance.project_list();
        let budget = instance.budget()?;
        let start = Instant::now();
        let tally = Tally::new(&projects, budget, &instance.votes).map_err(anyhow::Error::msg)?;
        tally_seconds += start.elapsed().as_secs_f64();
        let mut of_district = Vec::new();
        for (r, rule) in RULES.into_iter().enumerate() {
            let start = Instant::now();
            let outcome = tally.count(rule);
            seconds[r] += start.elapsed().as_secs_f64();
            let mut ids: Vec<String> = outcome
                .selected
                .iter()
                .map(|&p| projects[p].id.clone())
                .collect();
            ids.sort();
            of_district.push(ids);
        }
        winners.push(of_district);
        let start = Instant::now();
        let text = instance.write(None);
        write_seconds += start.elapsed().as_secs_f64();
        let path = dir.path().join(format!("district-{}.pb", d + 1));
        std::fs::write(&path, text)?;
        files.push(path.display().to_string());
    }
    eprintln!("pabutools on the same files…");
    let theirs: Vec<Value> =
        serde_json::from_value(python_baseline("bench-pabutools.py", "pabutools", &files)?)?;
    let mut their_seconds = [0.0f64; 3];
    for (d, row) in theirs.iter().enumerate() {
        for (r, rule) in RULES.into_iter().enumerate() {
            let name = rule.pabulib_name();
            their_seconds[r] += row[format!("{name}_seconds")].as_f64().unwrap_or_default();
            let expected: Vec<String> = serde_json::from_value(row[name.as_str()].clone())?;
            if expected != winners[d][r] {
                bail!("district {}: {name} differs from pabutools", d + 1);
            }
        }
    }
    let rows: Vec<Value> = RULES
        .into_iter()
        .enumerate()
        .map(|(r, rule)| {
            json!({
                "rule": rule.pabulib_name(),
                "seconds": seconds[r],
                "pabutools_seconds": their_seconds[r],
                "times_faster_than_pabutools": their_seconds[r] / seconds[r].max(1e-9),
            })
        })
        .collect();
    Ok(json!({
        "ballots": BALLOTS,
        "projects": PROJECTS,
        "districts": DISTRICTS,
        "same_winners_as_pabutools": true,
        "ballots_indexed_seconds": tally_seconds,
        "pabulib_write_seconds": write_seconds,
        "pabutools_read_seconds": theirs.iter().map(|r| r["read_seconds"].as_f64().unwrap_or_default()).sum::<f64>(),
        "rules": rows,
    }))
}

pub(crate) fn print(result: &Value) {
    println!(
        "\nParticipation ({} ballots over {} projects in {} districts; the same winners as pabutools)\n  ballots indexed for counting in {:.3} s; pabutools read the pabulib files in {:.3} s",
        result["ballots"],
        result["projects"],
        result["districts"],
        result["ballots_indexed_seconds"]
            .as_f64()
            .unwrap_or_default(),
        result["pabutools_read_seconds"]
            .as_f64()
            .unwrap_or_default(),
    );
    for r in result["rules"].as_array().into_iter().flatten() {
        println!(
            "  {:<22} {:>8.3} s   pabutools {:>8.3} s   ×{:.0}",
            r["rule"].as_str().unwrap_or_default(),
            r["seconds"].as_f64().unwrap_or_default(),
            r["pabutools_seconds"].as_f64().unwrap_or_default(),
            r["times_faster_than_pabutools"]
                .as_f64()
                .unwrap_or_default(),
        );
    }
}
