//! The pabulib format (<https://pabulib.org/format>), in which
//! participatory budgets are published for anyone to recount: a `META`
//! section of `key;value` rows, `PROJECTS` with `project_id;cost;…`, and
//! `VOTES` with `voter_id;vote`, a vote being the chosen project ids
//! separated by commas. Semicolon-separated CSV (quoted where a value
//! holds a semicolon). Baladiya reads and writes approval votes (its
//! knapsack and approval ballots).
//!
//! Reading outside input is bounded: [`MAX_BYTES`] of text,
//! [`MAX_PROJECTS`] projects, [`MAX_VOTES`] votes, [`MAX_FIELD`]
//! characters a field; beyond any of them it is refused, naming the limit.

use std::collections::{BTreeMap, HashSet};

use super::ballot::Project;

/// The largest pabulib text read.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;
/// The most projects one instance may hold.
pub const MAX_PROJECTS: usize = 10_000;
/// The most votes one instance may hold.
pub const MAX_VOTES: usize = 2_000_000;
/// The longest field (a name, a description, one vote).
pub const MAX_FIELD: usize = 64 * 1024;

/// A project as pabulib lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectRow {
    pub project: Project,
    /// Its `name` column, empty when there is none.
    pub name: String,
}

/// One participatory budget in pabulib's terms.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Instance {
    /// `META`'s rows, in order (the counts `num_projects` and `num_votes`
    /// are written from the rows themselves).
    pub meta: Vec<(String, String)>,
    pub projects: Vec<ProjectRow>,
    /// Each vote's chosen project ids.
    pub votes: Vec<Vec<String>>,
}

/// Why a pabulib text was refused: what, and on which line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PabulibError {
    #[error("the file holds more than {MAX_BYTES} bytes")]
    TooLarge,
    #[error("line {line}: {message}")]
    Line { line: u64, message: String },
    #[error("{0}")]
    Instance(String),
}

fn at(line: u64, message: impl Into<String>) -> PabulibError {
    PabulibError::Line {
        line,
        message: message.into(),
    }
}

impl Instance {
    /// A `META` value.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The budget (`META budget`), a whole number of the currency's units.
    pub fn budget(&self) -> Result<i64, PabulibError> {
        let text = self
            .meta("budget")
            .ok_or_else(|| PabulibError::Instance("META has no budget".into()))?;
        whole(text).ok_or_else(|| {
            PabulibError::Instance(format!("the budget {text} is not a whole amount"))
        })
    }

    /// The projects, without their names.
    pub fn project_list(&self) -> Vec<Project> {
        self.projects.iter().map(|p| p.project.clone()).collect()
    }

    /// Reads a pabulib text of approval votes.
    pub fn parse(text: &str) -> Result<Instance, PabulibError> {
        if text.len() > MAX_BYTES {
            return Err(PabulibError::TooLarge);
        }
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut instance = Instance::default();
        let mut section = String::new();
        let mut header: Vec<String> = Vec::new();
        let mut expect_header = false;
        let mut ids = HashSet::new();
        let mut voters = HashSet::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                at(
                    e.position().map_or(0, |p| p.line()),
                    "not semicolon-separated CSV",
                )
            })?;
            let line = record.position().map_or(0, |p| p.line());
            let row: Vec<&str> = record.iter().map(str::trim).collect();
            if row.iter().any(|f| f.len() > MAX_FIELD) {
                return Err(at(
                    line,
                    format!("a field holds more than {MAX_FIELD} bytes"),
                ));
            }
            if row.iter().all(|f| f.is_empty()) {
                continue;
            }
            let first = row[0].to_ascii_lowercase();
            if row.len() == 1 && ["meta", "projects", "votes"].contains(&first.as_str()) {
                section = first;
                expect_header = true;
                continue;
            }
            if expect_header {
                header = row.iter().map(|h| h.to_ascii_lowercase()).collect();
                expect_header = false;
                continue;
            }
            let field = |name: &str| {
                header
                    .iter()
                    .position(|h| h == name)
                    .and_then(|i| row.get(i).copied())
                    .filter(|v| !v.eq_ignore_ascii_case("none"))
            };
            match section.as_str() {
                "meta" => {
                    let value = row.get(1).copied().unwrap_or_default();
                    instance.meta.push((row[0].to_owned(), value.to_owned()));
                }
                "projects" => {
                    if instance.projects.len() == MAX_PROJECTS {
                        return Err(at(line, format!("more than {MAX_PROJECTS} projects")));
                    }
                    let id = field("project_id").unwrap_or_default();
                    if id.is_empty() || id.contains(',') {
                        return Err(at(line, "a project needs an id without commas"));
                    }
                    if !ids.insert(id.to_owned()) {
                        return Err(at(line, format!("project {id} is listed twice")));
                    }
                    let text = field("cost").unwrap_or_default();
                    let cost = whole(text).filter(|c| *c > 0).ok_or_else(|| {
                        at(
                            line,
                            format!("the cost {text:?} is not a whole amount above zero"),
                        )
                    })?;
                    instance.projects.push(ProjectRow {
                        project: Project {
                            id: id.to_owned(),
                            cost,
                        },
                        name: field("name").unwrap_or_default().to_owned(),
                    });
                }
                "votes" => {
                    if instance.votes.len() == MAX_VOTES {
                        return Err(at(line, format!("more than {MAX_VOTES} votes")));
                    }
                    let voter = field("voter_id").unwrap_or_default();
                    if !voter.is_empty() && !voters.insert(voter.to_owned()) {
                        return Err(at(line, format!("voter {voter} votes twice")));
                    }
                    let mut vote = Vec::new();
                    for id in field("vote").unwrap_or_default().split(',') {
                        let id = id.trim();
                        if id.is_empty() {
                            continue;
                        }
                        if !ids.contains(id) {
                            return Err(at(line, format!("the vote chooses {id}, not a project")));
                        }
                        vote.push(id.to_owned());
                    }
                    instance.votes.push(vote);
                }
                _ => return Err(at(line, "a row before META, PROJECTS or VOTES")),
            }
        }
        if let Some(kind) = instance.meta("vote_type")
            && kind != "approval"
        {
            return Err(PabulibError::Instance(format!(
                "{kind} votes: Baladiya reads approval votes"
            )));
        }
        instance.budget()?;
        Ok(instance)
    }

    /// The instance as pabulib text: `META` (with `num_projects` and
    /// `num_votes` counted), `PROJECTS` with each project's votes and, when
    /// `selected` is given, whether it was selected, and `VOTES`.
    pub fn write(&self, selected: Option<&[String]>) -> String {
        let mut votes: BTreeMap<&str, u64> = BTreeMap::new();
        for vote in &self.votes {
            for id in vote {
                *votes.entry(id.as_str()).or_default() += 1;
            }
        }
        let mut out = csv::WriterBuilder::new()
            .delimiter(b';')
            .flexible(true)
            .from_writer(Vec::new());
        let mut rows: Vec<Vec<String>> =
            vec![vec!["META".into()], vec!["key".into(), "value".into()]];
        for (k, v) in &self.meta {
            if k != "num_projects" && k != "num_votes" {
                rows.push(vec![k.clone(), v.clone()]);
            }
        }
        rows.push(vec!["num_projects".into(), self.projects.len().to_string()]);
        rows.push(vec!["num_votes".into(), self.votes.len().to_string()]);
        rows.push(vec!["PROJECTS".into()]);
        let mut header = vec!["project_id", "cost", "votes", "name"];
        if selected.is_some() {
            header.push("selected");
        }
        rows.push(header.into_iter().map(str::to_owned).collect());
        for p in &self.projects {
            let mut row = vec![
                p.project.id.clone(),
                p.project.cost.to_string(),
                votes
                    .get(p.project.id.as_str())
                    .copied()
                    .unwrap_or(0)
                    .to_string(),
                p.name.clone(),
            ];
            if let Some(selected) = selected {
                row.push(u8::from(selected.contains(&p.project.id)).to_string());
            }
            rows.push(row);
        }
        rows.push(vec!["VOTES".into()]);
        rows.push(vec!["voter_id".into(), "vote".into()]);
        for (i, vote) in self.votes.iter().enumerate() {
            rows.push(vec![(i + 1).to_string(), vote.join(",")]);
        }
        for row in rows {
            // Writing to memory cannot fail.
            let _ = out.write_record(&row);
        }
        String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

/// A whole amount: digits, or digits with a zero fraction (`1200.00`).
fn whole(text: &str) -> Option<i64> {
    let (int, fraction) = text.split_once(['.', ',']).unwrap_or((text, ""));
    if !fraction.bytes().all(|b| b == b'0') {
        return None;
    }
    int.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "META\nkey;value\ndescription;Giza \"green\"; budget\nbudget;1000\nvote_type;approval\nPROJECTS\nproject_id;cost;name\n1;600;حديقة الحي\n2;300;إنارة\n10;200;none\nVOTES\nvoter_id;vote\n1;1,2\n2;10\n3;\n";

    #[test]
    fn reads_a_pabulib_file() {
        let instance = Instance::parse(SAMPLE).expect("parses");
        assert_eq!(instance.budget(), Ok(1000));
        assert_eq!(instance.meta("description"), Some("Giza \"green\""));
        assert_eq!(instance.projects.len(), 3);
        assert_eq!(instance.projects[0].name, "حديقة الحي");
        assert_eq!(instance.projects[2].name, "");
        assert_eq!(instance.projects[2].project.cost, 200);
        assert_eq!(
            instance.votes,
            vec![
                vec!["1".to_owned(), "2".to_owned()],
                vec!["10".to_owned()],
                vec![]
            ]
        );
    }

    #[test]
    fn what_it_writes_it_reads_back() {
        let mut instance = Instance::parse(SAMPLE).expect("parses");
        instance.projects[1].name = "a; b".into();
        let text = instance.write(Some(&["1".to_owned()]));
        assert!(text.contains("1;600;1;حديقة الحي;1"), "{text}");
        assert!(text.contains("num_votes;3"));
        let again = Instance::parse(&text).expect("reads back");
        assert_eq!(again.projects, instance.projects);
        assert_eq!(again.votes, instance.votes);
        assert_eq!(again.budget(), Ok(1000));
    }

    #[test]
    fn refuses_what_it_cannot_count() {
        let refused = |text: &str| Instance::parse(text).expect_err(text).to_string();
        assert!(refused("PROJECTS\nproject_id;cost\n1;0\n").contains("above zero"));
        assert!(refused("PROJECTS\nproject_id;cost\n1;12.5\n").contains("whole"));
        assert!(refused("PROJECTS\nproject_id;cost\n1;5\n1;6\n").contains("twice"));
        assert!(
            refused("META\nkey;value\nbudget;9\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\n1;2\n")
                .contains("not a project")
        );
        assert!(refused("META\nkey;value\nbudget;9\nvote_type;cumulative\n").contains("approval"));
        assert!(refused("META\nkey;value\nvote_type;approval\n").contains("budget"));
        assert!(refused("1;2\n").contains("before META"));
        let long = format!(
            "META\nkey;value\nbudget;1\ndescription;{}\n",
            "x".repeat(MAX_FIELD + 1)
        );
        assert!(refused(&long).contains("more than"));
    }
}
