//! SensorThings query options (OGC 18-088, 9.3): `$top`, `$skip`,
//! `$count`, `$orderby`, `$select`, `$expand` (nested, each with its own
//! options after `;`) and `$filter`.

use super::filter::{self, Expr};

/// The most entities one page holds, whatever `$top` asks.
pub const MAX_TOP: usize = 10_000;
/// A page's size when `$top` is not given.
pub const DEFAULT_TOP: usize = 100;
/// The deepest `$expand` reaches: `Datastreams/Observations` is two
/// levels, and so is `Datastreams($expand=Observations)`.
pub const MAX_EXPAND_DEPTH: usize = 6;
/// The most items of one `$expand`, at any level.
pub const MAX_EXPAND_ITEMS: usize = 16;

/// Query options of a request or of one `$expand`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    pub top: Option<usize>,
    pub skip: usize,
    pub count: bool,
    /// Property paths, each descending or not.
    pub order: Vec<(Vec<String>, bool)>,
    /// The properties to return (none: all).
    pub select: Option<Vec<String>>,
    pub expand: Vec<Expand>,
    pub filter: Option<Expr>,
    /// `$resultFormat=dataArray`: Observations as the Data Array extension
    /// returns them.
    pub data_array: bool,
}

/// One `$expand` item: a path of navigation properties and the options
/// for the entities at its end.
#[derive(Debug, Clone, PartialEq)]
pub struct Expand {
    pub path: Vec<String>,
    pub query: Query,
}

/// Why query options cannot be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QueryError {
    #[error("{option}: {problem}")]
    Option { option: String, problem: String },
    #[error("$filter: {0}")]
    Filter(#[from] filter::FilterError),
}

fn problem(option: &str, problem: impl Into<String>) -> QueryError {
    QueryError::Option {
        option: option.to_owned(),
        problem: problem.into(),
    }
}

impl Query {
    /// Reads the `$…` options of a request (other parameters are not
    /// query options and are left alone).
    pub fn parse<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Query, QueryError> {
        let mut query = Query::default();
        for (key, value) in pairs {
            query.set(key.trim(), value.trim(), 0)?;
        }
        Ok(query)
    }

    /// The page size asked for, within the server's limits.
    pub fn page(&self) -> usize {
        self.top.unwrap_or(DEFAULT_TOP).min(MAX_TOP)
    }

    /// Sets one option of a query `depth` levels of `$expand` down.
    fn set(&mut self, key: &str, value: &str, depth: usize) -> Result<(), QueryError> {
        // Within i64, so that offsets and the next page's stay numbers
        // every engine takes.
        let number = |v: &str| {
            v.parse::<i64>()
                .ok()
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| problem(key, format!("a whole number from 0 to {}", i64::MAX)))
        };
        match key {
            "$top" => self.top = Some(number(value)?),
            "$skip" => self.skip = number(value)?,
            "$count" => {
                self.count = match value {
                    "true" => true,
                    "false" => false,
                    _ => return Err(problem(key, "true or false")),
                }
            }
            "$orderby" => {
                self.order = split_top_level(value, ',')
                    .into_iter()
                    .map(|item| {
                        let mut words = item.split_whitespace();
                        let path = words
                            .next()
                            .ok_or_else(|| problem(key, "a property to order by"))?;
                        let desc = match words.next() {
                            None | Some("asc") => false,
                            Some("desc") => true,
                            Some(other) => {
                                return Err(problem(key, format!("{other}: asc or desc")));
                            }
                        };
                        if words.next().is_some() {
                            return Err(problem(
                                key,
                                format!("{item}: one property, then asc or desc"),
                            ));
                        }
                        Ok((path_of(path), desc))
                    })
                    .collect::<Result<_, _>>()?;
            }
            "$select" => {
                let names: Vec<String> = value
                    .split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect();
                if names.is_empty() {
                    return Err(problem(key, "one property or more"));
                }
                self.select = Some(names);
            }
            "$expand" => {
                let items = split_top_level(value, ',');
                if items.len() > MAX_EXPAND_ITEMS {
                    return Err(problem(
                        key,
                        format!("{MAX_EXPAND_ITEMS} navigation properties at most"),
                    ));
                }
                for item in items {
                    let item = expand(&item, depth)?;
                    if self.expand.iter().any(|e| e.path == item.path) {
                        return Err(problem(
                            key,
                            format!("{} is expanded twice", item.path.join("/")),
                        ));
                    }
                    self.expand.push(item);
                }
            }
            "$filter" => self.filter = Some(filter::parse(value)?),
            "$resultFormat" => match value {
                "dataArray" => self.data_array = true,
                _ => return Err(problem(key, "the only result format is dataArray")),
            },
            other if other.starts_with('$') => {
                return Err(problem(other, "not a query option of the SensorThings API"));
            }
            _ => {}
        }
        Ok(())
    }
}

fn path_of(text: &str) -> Vec<String> {
    text.split('/').map(str::to_owned).collect()
}

/// One `$expand` item: `Datastreams/Observations($top=1;$select=result)`,
/// read `depth` levels down.
fn expand(item: &str, depth: usize) -> Result<Expand, QueryError> {
    let item = item.trim();
    let (path, options) = match item.find('(') {
        Some(open) => {
            let inner = item[open + 1..]
                .strip_suffix(')')
                .ok_or_else(|| problem("$expand", format!("{item}: a ( without its )")))?;
            (&item[..open], inner)
        }
        None => (item, ""),
    };
    if path.is_empty() || path.contains(char::is_whitespace) {
        return Err(problem("$expand", format!("{item}: a navigation property")));
    }
    let depth = depth + path.split('/').count();
    if depth > MAX_EXPAND_DEPTH {
        return Err(problem(
            "$expand",
            format!("expands {MAX_EXPAND_DEPTH} levels deep at most"),
        ));
    }
    let mut query = Query::default();
    for option in split_top_level(options, ';') {
        let (key, value) = option
            .split_once('=')
            .ok_or_else(|| problem("$expand", format!("{option}: an option such as $top=1")))?;
        query.set(key.trim(), value.trim(), depth)?;
    }
    Ok(Expand {
        path: path_of(path),
        query,
    })
}

/// Splits on `separator` outside parentheses and quotes.
fn split_top_level(text: &str, separator: char) -> Vec<String> {
    let mut parts = Vec::new();
    let (mut depth, mut quoted, mut current) = (0usize, false, String::new());
    for c in text.chars() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth = depth.saturating_sub(1),
            c if c == separator && depth == 0 && !quoted => {
                parts.push(std::mem::take(&mut current).trim().to_owned());
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        parts.push(current.trim().to_owned());
    }
    parts.retain(|p| !p.is_empty());
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_together() {
        let q = Query::parse([
            ("$top", "5"),
            ("$skip", "10"),
            ("$count", "true"),
            ("$orderby", "phenomenonTime desc, result"),
            ("$select", "result,phenomenonTime"),
            ("$filter", "result gt 3"),
            ("unrelated", "x"),
        ])
        .expect("valid");
        assert_eq!((q.top, q.skip, q.count), (Some(5), 10, true));
        assert_eq!(
            q.order,
            vec![
                (vec!["phenomenonTime".to_owned()], true),
                (vec!["result".to_owned()], false)
            ]
        );
        assert_eq!(
            q.select,
            Some(vec!["result".into(), "phenomenonTime".into()])
        );
        assert!(q.filter.is_some());
        assert_eq!(q.page(), 5);
        assert_eq!(Query::default().page(), DEFAULT_TOP);
        let huge = Query::parse([("$top", "99999999")]).expect("valid");
        assert_eq!(huge.page(), MAX_TOP);
    }

    #[test]
    fn expand_nests_with_its_own_options() {
        let q = Query::parse([(
            "$expand",
            "Datastreams($select=name;$expand=Observations($top=1;$orderby=phenomenonTime desc);$filter=name eq 'a(b)'),Locations,Datastreams/Sensor",
        )])
        .expect("valid");
        assert_eq!(q.expand.len(), 3);
        let streams = &q.expand[0];
        assert_eq!(streams.path, vec!["Datastreams".to_owned()]);
        assert_eq!(streams.query.select, Some(vec!["name".into()]));
        assert!(streams.query.filter.is_some());
        let observations = &streams.query.expand[0];
        assert_eq!(observations.path, vec!["Observations".to_owned()]);
        assert_eq!(observations.query.top, Some(1));
        assert!(observations.query.order[0].1, "descending");
        assert_eq!(q.expand[1].path, vec!["Locations".to_owned()]);
        assert_eq!(
            q.expand[2].path,
            vec!["Datastreams".to_owned(), "Sensor".to_owned()]
        );
    }

    #[test]
    fn bad_options_say_which_and_why() {
        for (key, value, expected) in [
            ("$top", "-1", "$top"),
            ("$skip", "x", "$skip"),
            ("$count", "yes", "$count"),
            ("$orderby", "name sideways", "$orderby"),
            ("$select", " , ", "$select"),
            ("$expand", "Datastreams($top=1", "$expand"),
            ("$expand", "Datastreams($top)", "$expand"),
            ("$frobnicate", "1", "$frobnicate"),
        ] {
            match Query::parse([(key, value)]) {
                Err(QueryError::Option { option, .. }) => {
                    assert_eq!(option, expected, "{key}={value}")
                }
                other => panic!("{key}={value}: {other:?}"),
            }
        }
        assert!(matches!(
            Query::parse([("$filter", "name eq")]),
            Err(QueryError::Filter(_))
        ));
    }
}
