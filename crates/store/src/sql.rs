//! Queries whose filters are chosen at run time: an SQL text with numbered
//! placeholders (`$1`, `$2`, …, which both engines accept) and the values
//! to bind to them, in order.

use baladiya_domain::org::UnitPath;
use chrono::{DateTime, NaiveDate, Utc};

#[derive(Default)]
pub(crate) struct Sql {
    pub text: String,
    pub params: Vec<Param>,
}

pub(crate) enum Param {
    Text(String),
    Int(i64),
    Real(f64),
    Time(DateTime<Utc>),
    Date(NaiveDate),
}

impl Sql {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            params: Vec::new(),
        }
    }

    /// Adds a value; returns its placeholder.
    pub fn param(&mut self, value: Param) -> String {
        self.params.push(value);
        format!("${}", self.params.len())
    }

    /// ` AND column IN ($n, …)`; nothing when `values` is empty ("any").
    pub fn any_of(&mut self, column: &str, values: Vec<Param>) {
        if values.is_empty() {
            return;
        }
        let list: Vec<String> = values.into_iter().map(|v| self.param(v)).collect();
        self.text
            .push_str(&format!(" AND {column} IN ({})", list.join(", ")));
    }

    /// ` AND (column LIKE $n OR …)`; with no patterns, nothing matches.
    pub fn like_any(&mut self, column: &str, patterns: Vec<String>) {
        if patterns.is_empty() {
            self.text.push_str(" AND FALSE");
            return;
        }
        let parts: Vec<String> = patterns
            .into_iter()
            .map(|p| format!("{column} LIKE {}", self.param(Param::Text(p))))
            .collect();
        self.text
            .push_str(&format!(" AND ({})", parts.join(" OR ")));
    }

    /// Rows whose unit path `column` lies under one of `units` (each unit
    /// with everything below it).
    pub fn within(&mut self, column: &str, units: &[UnitPath]) {
        self.like_any(
            column,
            units.iter().map(|u| format!("{}%", u.encode())).collect(),
        );
    }
}

/// Binds every parameter of `$sql` (a [`Sql`]) to the query `$q`.
macro_rules! bind_all {
    ($q:expr, $sql:expr) => {{
        let mut q = $q;
        for p in &$sql.params {
            q = match p {
                $crate::sql::Param::Text(v) => q.bind(v),
                $crate::sql::Param::Int(v) => q.bind(*v),
                $crate::sql::Param::Real(v) => q.bind(*v),
                $crate::sql::Param::Time(v) => q.bind(*v),
                $crate::sql::Param::Date(v) => q.bind(*v),
            };
        }
        q
    }};
}
pub(crate) use bind_all;
