//! The SensorThings API `$filter` language (OGC 18-088, 9.3.3.5.2): an
//! OData subset with comparison, logical and arithmetic operators, string,
//! date, math and geospatial functions, property paths through navigation
//! properties (`Datastream/Thing/name`), ISO 8601 times and intervals,
//! durations and WKT geometries. Parsed once into an [`Expr`], evaluated
//! against any entity that can look up a path.
//!
//! No crate implements this dialect (OData parsers lack its arithmetic,
//! geography literals and slash paths), so it is parsed here: a lexer and
//! a precedence-climbing parser with OData's precedence.

use chrono::{DateTime, Datelike, Duration, FixedOffset, Offset, TimeZone, Timelike, Utc};
use geo::{CoordsIter, Distance, Euclidean, Geometry, Length, Relate};

/// The longest filter read, in characters (a URL holds about 64 KB).
pub const MAX_CHARS: usize = 32_768;
/// The deepest a filter nests: parentheses, `not` and `-`, and the levels
/// of the tree its operators build (`a or b or c` is two levels). Parsing,
/// evaluating and dropping a filter recurse this deep, and no deeper.
pub const MAX_DEPTH: usize = 64;
/// The most operators, functions, paths and literals in one filter: each
/// is evaluated for every entity a filter is applied to.
pub const MAX_NODES: usize = 256;
/// The most vertices of all the geometry literals of one filter together.
pub const MAX_VERTICES: usize = 1_000;
/// The deepest a geometry literal's parentheses nest (a polygon is two,
/// a collection of multipolygons four).
const MAX_WKT_NESTING: usize = 6;

/// Why a `$filter` cannot be read or evaluated, with where it went wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FilterError {
    #[error("unexpected {found} at character {at}")]
    Unexpected { found: String, at: usize },
    #[error("unknown function {0}")]
    UnknownFunction(String),
    #[error("{function} takes {expected} arguments, not {found}")]
    Arity {
        function: String,
        expected: &'static str,
        found: usize,
    },
    #[error("{0}")]
    Literal(String),
    #[error("{0} cannot be applied to these values")]
    Type(String),
    /// The filter is beyond one of the limits above.
    #[error("{0}")]
    TooLarge(String),
}

/// A value in a filter: a literal, or what a property path holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
    Time(DateTime<FixedOffset>),
    Interval(DateTime<FixedOffset>, DateTime<FixedOffset>),
    Duration(Duration),
    Geometry(Geometry<f64>),
}

impl Value {
    /// A text as a time or an interval if it reads as one (entities keep
    /// times as ISO 8601 text).
    fn as_time(&self) -> Option<Value> {
        match self {
            Value::Time(_) | Value::Interval(..) => Some(self.clone()),
            Value::Text(text) => parse_time(text),
            _ => None,
        }
    }

    fn truthy(&self) -> bool {
        matches!(self, Value::Bool(true))
    }
}

/// Reads `2016-11-18T11:04:15.790Z`, or an interval `start/end`.
pub fn parse_time(text: &str) -> Option<Value> {
    match text.split_once('/') {
        Some((a, b)) => Some(Value::Interval(
            DateTime::parse_from_rfc3339(a).ok()?,
            DateTime::parse_from_rfc3339(b).ok()?,
        )),
        None => DateTime::parse_from_rfc3339(text).ok().map(Value::Time),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    And,
    Or,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

impl Op {
    fn parse(word: &str) -> Option<Op> {
        Some(match word {
            "eq" => Op::Eq,
            "ne" => Op::Ne,
            "gt" => Op::Gt,
            "ge" => Op::Ge,
            "lt" => Op::Lt,
            "le" => Op::Le,
            "and" => Op::And,
            "or" => Op::Or,
            "add" => Op::Add,
            "sub" => Op::Sub,
            "mul" => Op::Mul,
            "div" => Op::Div,
            "mod" => Op::Mod,
            _ => return None,
        })
    }

    /// OData's precedence: or < and < eq ne < gt ge lt le < add sub <
    /// mul div mod.
    fn precedence(self) -> u8 {
        match self {
            Op::Or => 1,
            Op::And => 2,
            Op::Eq | Op::Ne => 3,
            Op::Gt | Op::Ge | Op::Lt | Op::Le => 4,
            Op::Add | Op::Sub => 5,
            Op::Mul | Op::Div | Op::Mod => 6,
        }
    }
}

/// A parsed `$filter`.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Literal(Value),
    /// A property path: `name`, `properties/owner`, `Datastream/Thing/name`.
    Path(Vec<String>),
    Not(Box<Expr>),
    Negate(Box<Expr>),
    Binary(Op, Box<Expr>, Box<Expr>),
    Call(String, Vec<Expr>),
}

/// The functions of the specification, with how many arguments each takes.
const FUNCTIONS: &[(&str, usize, usize)] = &[
    ("substringof", 2, 2),
    ("endswith", 2, 2),
    ("startswith", 2, 2),
    ("length", 1, 1),
    ("indexof", 2, 2),
    ("substring", 2, 3),
    ("tolower", 1, 1),
    ("toupper", 1, 1),
    ("trim", 1, 1),
    ("concat", 2, 2),
    ("year", 1, 1),
    ("month", 1, 1),
    ("day", 1, 1),
    ("hour", 1, 1),
    ("minute", 1, 1),
    ("second", 1, 1),
    ("fractionalseconds", 1, 1),
    ("date", 1, 1),
    ("time", 1, 1),
    ("totaloffsetminutes", 1, 1),
    ("now", 0, 0),
    ("mindatetime", 0, 0),
    ("maxdatetime", 0, 0),
    ("round", 1, 1),
    ("floor", 1, 1),
    ("ceiling", 1, 1),
    ("geo.intersects", 2, 2),
    ("geo.length", 1, 1),
    ("geo.distance", 2, 2),
    ("st_equals", 2, 2),
    ("st_disjoint", 2, 2),
    ("st_touches", 2, 2),
    ("st_within", 2, 2),
    ("st_overlaps", 2, 2),
    ("st_crosses", 2, 2),
    ("st_intersects", 2, 2),
    ("st_contains", 2, 2),
    ("st_relate", 3, 3),
];

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Literal(Value),
    Open,
    Close,
    Comma,
    Minus,
}

/// Splits a filter into tokens, each with the character it starts at.
fn tokens(text: &str) -> Result<Vec<(Token, usize)>, FilterError> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() > MAX_CHARS {
        return Err(FilterError::TooLarge(format!(
            "a filter holds {MAX_CHARS} characters at most, not {}",
            chars.len()
        )));
    }
    let mut out = Vec::new();
    let mut vertices = 0usize;
    let mut i = 0;
    let unexpected = |at: usize, found: &str| FilterError::Unexpected {
        found: found.to_owned(),
        at,
    };
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let token = match c {
            '(' => {
                i += 1;
                Token::Open
            }
            ')' => {
                i += 1;
                Token::Close
            }
            ',' => {
                i += 1;
                Token::Comma
            }
            '\'' => {
                let (text, next) = quoted(&chars, i).ok_or_else(|| unexpected(i, "'"))?;
                i = next;
                Token::Literal(Value::Text(text))
            }
            '-' if !chars.get(i + 1).is_some_and(char::is_ascii_digit) => {
                i += 1;
                Token::Minus
            }
            c if c.is_ascii_digit() || c == '-' => {
                i += 1;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric()
                        || matches!(chars[i], '.' | ':' | '-' | '+' | '/'))
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                Token::Literal(number_or_time(&word).ok_or_else(|| unexpected(start, &word))?)
            }
            c if c.is_alphabetic() || c == '_' || c == '@' || c == '$' => {
                while i < chars.len()
                    && (chars[i].is_alphanumeric()
                        || matches!(chars[i], '_' | '.' | '/' | '@' | '$'))
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                // A typed literal: geography'POINT(…)', duration'P1D'.
                if chars.get(i) == Some(&'\'') {
                    let (body, next) = quoted(&chars, i).ok_or_else(|| unexpected(i, "'"))?;
                    i = next;
                    let literal = typed_literal(&word, &body)?;
                    if let Value::Geometry(g) = &literal {
                        vertices += g.coords_count();
                        if vertices > MAX_VERTICES {
                            return Err(FilterError::TooLarge(format!(
                                "the geometries of a filter have {MAX_VERTICES} vertices at most"
                            )));
                        }
                    }
                    Token::Literal(literal)
                } else {
                    match word.as_str() {
                        "true" => Token::Literal(Value::Bool(true)),
                        "false" => Token::Literal(Value::Bool(false)),
                        "null" => Token::Literal(Value::Null),
                        _ => Token::Word(word),
                    }
                }
            }
            other => return Err(unexpected(start, &other.to_string())),
        };
        out.push((token, start));
    }
    Ok(out)
}

/// A quoted string starting at `open` (`''` is a quote): its text and the
/// index after the closing quote.
fn quoted(chars: &[char], open: usize) -> Option<(String, usize)> {
    let mut text = String::new();
    let mut i = open + 1;
    loop {
        match chars.get(i)? {
            '\'' if chars.get(i + 1) == Some(&'\'') => {
                text.push('\'');
                i += 2;
            }
            '\'' => return Some((text, i + 1)),
            c => {
                text.push(*c);
                i += 1;
            }
        }
    }
}

fn number_or_time(word: &str) -> Option<Value> {
    if let Ok(n) = word.parse::<f64>()
        && n.is_finite()
    {
        return Some(Value::Number(n));
    }
    parse_time(word)
}

fn typed_literal(kind: &str, body: &str) -> Result<Value, FilterError> {
    match kind {
        "geography" | "geometry" => {
            // The WKT reader recurses into every parenthesis.
            let mut nesting = 0usize;
            for c in body.chars() {
                match c {
                    '(' => nesting += 1,
                    ')' => nesting = nesting.saturating_sub(1),
                    _ => {}
                }
                if nesting > MAX_WKT_NESTING {
                    return Err(FilterError::TooLarge(format!(
                        "{kind}'…': a geometry nests {MAX_WKT_NESTING} parentheses deep at most"
                    )));
                }
            }
            let shape: wkt::Wkt<f64> = body
                .parse()
                .map_err(|e| FilterError::Literal(format!("{kind}'{body}': {e}")))?;
            Geometry::try_from(shape)
                .map(Value::Geometry)
                .map_err(|e| FilterError::Literal(format!("{kind}'{body}': {e}")))
        }
        "duration" => parse_duration(body).map(Value::Duration).ok_or_else(|| {
            FilterError::Literal(format!("duration'{body}': use ISO 8601, such as P1DT2H"))
        }),
        other => Err(FilterError::Literal(format!(
            "unknown literal type {other}"
        ))),
    }
}

/// An ISO 8601 duration of days, hours, minutes and seconds (`P1DT2H30M`).
fn parse_duration(text: &str) -> Option<Duration> {
    let rest = text.strip_prefix('P')?;
    let (days, time) = rest.split_once('T').unwrap_or((rest, ""));
    let mut total = Duration::zero();
    let mut read = |part: &str, units: &[(char, i64)]| -> Option<()> {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                number.push(c);
            } else {
                let seconds = units.iter().find(|(u, _)| *u == c)?.1;
                let value: f64 = number.parse().ok()?;
                total += Duration::milliseconds((value * seconds as f64 * 1000.0) as i64);
                number.clear();
            }
        }
        number.is_empty().then_some(())
    };
    read(days, &[('D', 86_400)])?;
    read(time, &[('H', 3_600), ('M', 60), ('S', 1)])?;
    (rest != "T" && !rest.is_empty()).then_some(total)
}

/// Parses a `$filter` expression, within the limits above; what is
/// constant in it (a relation of two literal geometries, `now() sub
/// duration'P1D'`) is worked out once here, not for every entity.
pub fn parse(text: &str) -> Result<Expr, FilterError> {
    let tokens = tokens(text)?;
    let mut parser = Parser {
        tokens: &tokens,
        at: 0,
        end: text.chars().count(),
        nesting: 0,
        nodes: 0,
    };
    let (expr, _) = parser.expression(0)?;
    match parser.tokens.get(parser.at) {
        None => Ok(fold(expr, Utc::now())),
        Some((token, at)) => Err(FilterError::Unexpected {
            found: describe(token),
            at: *at,
        }),
    }
}

/// An expression with no property path, evaluated to its value (left
/// as it is when it cannot be: its error shows when it is applied).
fn fold(expr: Expr, now: DateTime<Utc>) -> Expr {
    let folded = match expr {
        Expr::Not(inner) => Expr::Not(Box::new(fold(*inner, now))),
        Expr::Negate(inner) => Expr::Negate(Box::new(fold(*inner, now))),
        Expr::Binary(op, a, b) => {
            Expr::Binary(op, Box::new(fold(*a, now)), Box::new(fold(*b, now)))
        }
        Expr::Call(name, args) => {
            Expr::Call(name, args.into_iter().map(|a| fold(a, now)).collect())
        }
        leaf => return leaf,
    };
    let constant = match &folded {
        Expr::Not(inner) | Expr::Negate(inner) => matches!(**inner, Expr::Literal(_)),
        Expr::Binary(_, a, b) => matches!(**a, Expr::Literal(_)) && matches!(**b, Expr::Literal(_)),
        Expr::Call(_, args) => args.iter().all(|a| matches!(a, Expr::Literal(_))),
        _ => false,
    };
    if constant && let Ok(value) = evaluate(&folded, &NoEntity, now) {
        return Expr::Literal(value);
    }
    folded
}

/// What a constant expression is evaluated against: nothing.
struct NoEntity;

impl Entity for NoEntity {
    fn lookup(&self, _: &[String]) -> Value {
        Value::Null
    }
}

fn describe(token: &Token) -> String {
    match token {
        Token::Word(w) => w.clone(),
        Token::Literal(v) => format!("{v:?}"),
        Token::Open => "(".into(),
        Token::Close => ")".into(),
        Token::Comma => ",".into(),
        Token::Minus => "-".into(),
    }
}

struct Parser<'a> {
    tokens: &'a [(Token, usize)],
    at: usize,
    end: usize,
    /// How deep the parser is in parentheses, operands and unary operators.
    nesting: usize,
    /// Nodes built so far.
    nodes: usize,
}

/// A parsed expression and the depth of its tree.
type Built = (Expr, usize);

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at).map(|(t, _)| t)
    }

    fn fail<T>(&self) -> Result<T, FilterError> {
        Err(match self.tokens.get(self.at) {
            Some((token, at)) => FilterError::Unexpected {
                found: describe(token),
                at: *at,
            },
            None => FilterError::Unexpected {
                found: "end of the filter".into(),
                at: self.end,
            },
        })
    }

    fn expect(&mut self, token: &Token) -> Result<(), FilterError> {
        if self.peek() == Some(token) {
            self.at += 1;
            Ok(())
        } else {
            self.fail()
        }
    }

    /// A node whose deepest child is `depth` deep, within the limits.
    fn node(&mut self, expr: Expr, depth: usize) -> Result<Built, FilterError> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(FilterError::TooLarge(format!(
                "a filter holds {MAX_NODES} operators, functions, properties and values at most"
            )));
        }
        if depth + 1 > MAX_DEPTH {
            return Err(too_deep());
        }
        Ok((expr, depth + 1))
    }

    /// Runs `inside` one level deeper, refusing past the limit before
    /// the stack grows.
    fn deeper<T>(
        &mut self,
        inside: impl FnOnce(&mut Self) -> Result<T, FilterError>,
    ) -> Result<T, FilterError> {
        self.nesting += 1;
        if self.nesting > MAX_DEPTH {
            return Err(too_deep());
        }
        let result = inside(self);
        self.nesting -= 1;
        result
    }

    /// Binary operators of at least `min` precedence, left-associative.
    fn expression(&mut self, min: u8) -> Result<Built, FilterError> {
        self.deeper(|p| {
            let (mut left, mut depth) = p.unary()?;
            while let Some(Token::Word(word)) = p.peek() {
                let Some(op) = Op::parse(word) else {
                    return p.fail();
                };
                if op.precedence() < min {
                    break;
                }
                p.at += 1;
                let (right, right_depth) = p.expression(op.precedence() + 1)?;
                (left, depth) = p.node(
                    Expr::Binary(op, Box::new(left), Box::new(right)),
                    depth.max(right_depth),
                )?;
            }
            Ok((left, depth))
        })
    }

    fn unary(&mut self) -> Result<Built, FilterError> {
        let wrap: fn(Box<Expr>) -> Expr = match self.peek() {
            Some(Token::Word(w)) if w == "not" => Expr::Not,
            Some(Token::Minus) => Expr::Negate,
            _ => return self.primary(),
        };
        self.at += 1;
        let (inner, depth) = self.deeper(Self::unary)?;
        self.node(wrap(Box::new(inner)), depth)
    }

    fn primary(&mut self) -> Result<Built, FilterError> {
        match self.tokens.get(self.at).cloned() {
            Some((Token::Open, _)) => {
                self.at += 1;
                let inner = self.expression(0)?;
                self.expect(&Token::Close)?;
                Ok(inner)
            }
            Some((Token::Literal(v), _)) => {
                self.at += 1;
                self.node(Expr::Literal(v), 0)
            }
            Some((Token::Word(word), _))
                if self.tokens.get(self.at + 1).map(|t| &t.0) == Some(&Token::Open) =>
            {
                let name = word.to_lowercase();
                let Some((_, min, max)) = FUNCTIONS.iter().find(|(f, ..)| *f == name) else {
                    return Err(FilterError::UnknownFunction(word));
                };
                self.at += 2;
                let (mut args, mut depth) = (Vec::new(), 0);
                if self.peek() != Some(&Token::Close) {
                    loop {
                        let (arg, arg_depth) = self.expression(0)?;
                        args.push(arg);
                        depth = depth.max(arg_depth);
                        if self.peek() == Some(&Token::Comma) {
                            self.at += 1;
                        } else {
                            break;
                        }
                    }
                }
                self.expect(&Token::Close)?;
                if args.len() < *min || args.len() > *max {
                    return Err(FilterError::Arity {
                        function: name,
                        expected: if min == max {
                            ["0", "1", "2", "3"][*min]
                        } else {
                            "2 or 3"
                        },
                        found: args.len(),
                    });
                }
                self.node(Expr::Call(name, args), depth)
            }
            Some((Token::Word(word), _)) if Op::parse(&word).is_none() && word != "not" => {
                self.at += 1;
                self.node(Expr::Path(word.split('/').map(str::to_owned).collect()), 0)
            }
            _ => self.fail(),
        }
    }
}

fn too_deep() -> FilterError {
    FilterError::TooLarge(format!("a filter nests {MAX_DEPTH} levels deep at most"))
}

/// What a filter is evaluated against: an entity that can look up the
/// value at a property path (through its navigation properties too).
pub trait Entity {
    fn lookup(&self, path: &[String]) -> Value;
}

/// Whether `entity` passes `filter` (a filter that is not true, such as a
/// comparison with a missing property, does not pass).
pub fn matches(filter: &Expr, entity: &dyn Entity) -> Result<bool, FilterError> {
    Ok(evaluate(filter, entity, Utc::now())?.truthy())
}

fn evaluate(expr: &Expr, entity: &dyn Entity, now: DateTime<Utc>) -> Result<Value, FilterError> {
    let eval = |e: &Expr| evaluate(e, entity, now);
    Ok(match expr {
        Expr::Literal(v) => v.clone(),
        Expr::Path(path) => entity.lookup(path),
        Expr::Not(inner) => match eval(inner)? {
            Value::Bool(b) => Value::Bool(!b),
            Value::Null => Value::Null,
            _ => return Err(FilterError::Type("not".into())),
        },
        Expr::Negate(inner) => match eval(inner)? {
            Value::Number(n) => Value::Number(-n),
            Value::Null => Value::Null,
            _ => return Err(FilterError::Type("-".into())),
        },
        Expr::Binary(Op::And, a, b) => Value::Bool(eval(a)?.truthy() && eval(b)?.truthy()),
        Expr::Binary(Op::Or, a, b) => Value::Bool(eval(a)?.truthy() || eval(b)?.truthy()),
        Expr::Binary(op, a, b) => binary(*op, eval(a)?, eval(b)?)?,
        Expr::Call(name, args) => {
            let values = args.iter().map(eval).collect::<Result<Vec<_>, _>>()?;
            call(name, values, now)?
        }
    })
}

/// The order of two values for `$orderby`: numbers, texts, times and
/// booleans by their value; nulls first; values that do not compare are
/// equal.
pub fn order(a: &Value, b: &Value) -> std::cmp::Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => std::cmp::Ordering::Equal,
        (Value::Null, _) => std::cmp::Ordering::Less,
        (_, Value::Null) => std::cmp::Ordering::Greater,
        _ => compare(a, b)
            .or_else(|| Some(span(a)?.0.cmp(&span(b)?.0)))
            .unwrap_or(std::cmp::Ordering::Equal),
    }
}

fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.partial_cmp(y),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::Duration(x), Value::Duration(y)) => Some(x.cmp(y)),
        (Value::Text(x), Value::Text(y)) => match (parse_time(x), parse_time(y)) {
            (Some(Value::Time(p)), Some(Value::Time(q))) => Some(p.cmp(&q)),
            _ => Some(x.cmp(y)),
        },
        _ => None,
    }
}

/// The start and end of a time or an interval.
fn span(v: &Value) -> Option<(DateTime<FixedOffset>, DateTime<FixedOffset>)> {
    match v.as_time()? {
        Value::Interval(s, e) => Some((s, e)),
        Value::Time(t) => Some((t, t)),
        _ => None,
    }
}

fn binary(op: Op, a: Value, b: Value) -> Result<Value, FilterError> {
    use std::cmp::Ordering::{Equal, Greater, Less};
    let is_time = |v: &Value| matches!(v, Value::Time(_) | Value::Interval(..));
    // Times against times: an interval is after a time when it starts
    // after it, before it when it ends before it.
    if matches!(op, Op::Eq | Op::Ne | Op::Gt | Op::Ge | Op::Lt | Op::Le)
        && (is_time(&a) || is_time(&b))
        && let (Some((s1, e1)), Some((s2, e2))) = (span(&a), span(&b))
    {
        return Ok(Value::Bool(match op {
            Op::Eq => s1 == s2 && e1 == e2,
            Op::Ne => !(s1 == s2 && e1 == e2),
            Op::Gt => s1 > e2,
            Op::Ge => s1 >= e2,
            Op::Lt => e1 < s2,
            _ => e1 <= s2,
        }));
    }
    let order = compare(&a, &b);
    Ok(match op {
        Op::Eq => Value::Bool(match (&a, &b) {
            (Value::Null, Value::Null) => true,
            (Value::Geometry(x), Value::Geometry(y)) => x == y,
            _ => order == Some(Equal),
        }),
        Op::Ne => Value::Bool(match (&a, &b) {
            (Value::Null, Value::Null) => false,
            (Value::Null, _) | (_, Value::Null) => true,
            _ => order != Some(Equal),
        }),
        Op::Gt => Value::Bool(order == Some(Greater)),
        Op::Ge => Value::Bool(matches!(order, Some(Greater | Equal))),
        Op::Lt => Value::Bool(order == Some(Less)),
        Op::Le => Value::Bool(matches!(order, Some(Less | Equal))),
        Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Mod => arithmetic(op, a, b)?,
        Op::And | Op::Or => unreachable!("evaluated lazily"),
    })
}

fn arithmetic(op: Op, a: Value, b: Value) -> Result<Value, FilterError> {
    let time = |v: &Value| match v.as_time() {
        Some(Value::Time(t)) => Some(t),
        _ => None,
    };
    Ok(match (op, &a, &b) {
        (_, Value::Null, _) | (_, _, Value::Null) => Value::Null,
        (Op::Add, Value::Number(x), Value::Number(y)) => Value::Number(x + y),
        (Op::Sub, Value::Number(x), Value::Number(y)) => Value::Number(x - y),
        (Op::Mul, Value::Number(x), Value::Number(y)) => Value::Number(x * y),
        (Op::Div, Value::Number(x), Value::Number(y)) if *y != 0.0 => Value::Number(x / y),
        (Op::Mod, Value::Number(x), Value::Number(y)) if *y != 0.0 => Value::Number(x % y),
        (Op::Div | Op::Mod, Value::Number(_), Value::Number(_)) => Value::Null,
        (Op::Add, _, Value::Duration(d)) if time(&a).is_some() => {
            Value::Time(time(&a).map(|t| t + *d).unwrap_or_default())
        }
        (Op::Sub, _, Value::Duration(d)) if time(&a).is_some() => {
            Value::Time(time(&a).map(|t| t - *d).unwrap_or_default())
        }
        (Op::Sub, _, _) if time(&a).is_some() && time(&b).is_some() => match (time(&a), time(&b)) {
            (Some(x), Some(y)) => Value::Duration(x - y),
            _ => Value::Null,
        },
        (Op::Add, Value::Duration(x), Value::Duration(y)) => Value::Duration(*x + *y),
        _ => return Err(FilterError::Type(format!("{op:?}").to_lowercase())),
    })
}

fn call(name: &str, args: Vec<Value>, now: DateTime<Utc>) -> Result<Value, FilterError> {
    let wrong = || FilterError::Type(name.to_owned());
    if args.contains(&Value::Null) {
        return Ok(Value::Null);
    }
    let text = |v: &Value| match v {
        Value::Text(t) => Ok(t.clone()),
        _ => Err(wrong()),
    };
    let number = |v: &Value| match v {
        Value::Number(n) => Ok(*n),
        _ => Err(wrong()),
    };
    let time = |v: &Value| match v.as_time() {
        Some(Value::Time(t)) => Ok(t),
        Some(Value::Interval(s, _)) => Ok(s),
        _ => Err(wrong()),
    };
    // Borrowed: a literal's thousand vertices are not copied for each entity.
    let geometry = |i: usize| match &args[i] {
        Value::Geometry(g) => Ok(g),
        _ => Err(wrong()),
    };
    let count = |n: usize| Value::Number(n as f64);
    let utc_offset = Utc.fix();
    Ok(match name {
        "substringof" => Value::Bool(text(&args[1])?.contains(&text(&args[0])?)),
        "endswith" => Value::Bool(text(&args[0])?.ends_with(&text(&args[1])?)),
        "startswith" => Value::Bool(text(&args[0])?.starts_with(&text(&args[1])?)),
        "length" => count(text(&args[0])?.chars().count()),
        "indexof" => {
            let (haystack, needle) = (text(&args[0])?, text(&args[1])?);
            match haystack.find(&needle) {
                Some(byte) => count(haystack[..byte].chars().count()),
                None => Value::Number(-1.0),
            }
        }
        "substring" => {
            let s = text(&args[0])?;
            let from = number(&args[1])?.max(0.0) as usize;
            let chars = s.chars().skip(from);
            Value::Text(match args.get(2) {
                Some(len) => chars.take(number(len)?.max(0.0) as usize).collect(),
                None => chars.collect(),
            })
        }
        "tolower" => Value::Text(text(&args[0])?.to_lowercase()),
        "toupper" => Value::Text(text(&args[0])?.to_uppercase()),
        "trim" => Value::Text(text(&args[0])?.trim().to_owned()),
        "concat" => Value::Text(text(&args[0])? + &text(&args[1])?),
        "year" => Value::Number(f64::from(time(&args[0])?.year())),
        "month" => Value::Number(f64::from(time(&args[0])?.month())),
        "day" => Value::Number(f64::from(time(&args[0])?.day())),
        "hour" => Value::Number(f64::from(time(&args[0])?.hour())),
        "minute" => Value::Number(f64::from(time(&args[0])?.minute())),
        "second" => Value::Number(f64::from(time(&args[0])?.second())),
        "fractionalseconds" => Value::Number(f64::from(time(&args[0])?.nanosecond()) / 1e9),
        "date" => Value::Text(time(&args[0])?.date_naive().to_string()),
        "time" => Value::Text(time(&args[0])?.time().format("%H:%M:%S%.f").to_string()),
        "totaloffsetminutes" => {
            Value::Number(f64::from(time(&args[0])?.offset().local_minus_utc() / 60))
        }
        "now" => Value::Time(now.with_timezone(&utc_offset)),
        "mindatetime" => {
            Value::Time(utc_offset.from_utc_datetime(&DateTime::<Utc>::MIN_UTC.naive_utc()))
        }
        "maxdatetime" => {
            Value::Time(utc_offset.from_utc_datetime(&DateTime::<Utc>::MAX_UTC.naive_utc()))
        }
        "round" => Value::Number(number(&args[0])?.round()),
        "floor" => Value::Number(number(&args[0])?.floor()),
        "ceiling" => Value::Number(number(&args[0])?.ceil()),
        "geo.length" => Value::Number(match geometry(0)? {
            Geometry::LineString(l) => Euclidean.length(l),
            Geometry::MultiLineString(l) => Euclidean.length(l),
            _ => 0.0,
        }),
        "geo.distance" => Value::Number(Euclidean.distance(geometry(0)?, geometry(1)?)),
        "st_relate" => {
            let pattern = text(&args[2])?;
            let matrix = geometry(0)?.relate(geometry(1)?);
            Value::Bool(matrix.matches(&pattern).map_err(|_| wrong())?)
        }
        relation => {
            let (a, b) = (geometry(0)?, geometry(1)?);
            if let Some(answer) = point_relation(relation, a, b) {
                return Ok(Value::Bool(answer));
            }
            let m = a.relate(b);
            Value::Bool(match relation {
                "geo.intersects" | "st_intersects" => m.is_intersects(),
                "st_equals" => m.is_equal_topo(),
                "st_disjoint" => m.is_disjoint(),
                "st_touches" => m.is_touches(),
                "st_within" => m.is_within(),
                "st_overlaps" => m.is_overlaps(),
                "st_crosses" => m.is_crosses(),
                "st_contains" => m.is_contains(),
                other => return Err(FilterError::UnknownFunction(other.to_owned())),
            })
        }
    })
}

/// A relation with a point, by the direct test rather than a whole
/// DE-9IM matrix (the same answer, without building a graph of both
/// geometries for every entity a filter is applied to).
fn point_relation(relation: &str, a: &Geometry<f64>, b: &Geometry<f64>) -> Option<bool> {
    use geo::{Contains, Intersects};
    Some(match (relation, a, b) {
        ("st_within", Geometry::Point(p), other) | ("st_contains", other, Geometry::Point(p)) => {
            other.contains(p)
        }
        ("st_intersects" | "geo.intersects", Geometry::Point(p), other)
        | ("st_intersects" | "geo.intersects", other, Geometry::Point(p)) => other.intersects(p),
        ("st_disjoint", Geometry::Point(p), other) | ("st_disjoint", other, Geometry::Point(p)) => {
            !other.intersects(p)
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// An entity as a map from paths (`Datastream/name`) to values.
    struct Map(HashMap<String, Value>);

    impl Entity for Map {
        fn lookup(&self, path: &[String]) -> Value {
            self.0.get(&path.join("/")).cloned().unwrap_or(Value::Null)
        }
    }

    fn thing() -> Map {
        let text = |s: &str| Value::Text(s.to_owned());
        Map(HashMap::from([
            ("name".into(), text("Badrashin water meter 7")),
            ("description".into(), text("  Main line ")),
            ("properties/floors".into(), Value::Number(3.0)),
            ("properties/active".into(), Value::Bool(true)),
            ("result".into(), Value::Number(42.5)),
            (
                "phenomenonTime".into(),
                text("2026-03-05T10:15:30.250+02:00"),
            ),
            (
                "interval".into(),
                text("2026-03-01T00:00:00Z/2026-03-02T00:00:00Z"),
            ),
            (
                "location".into(),
                Value::Geometry(Geometry::Point(geo::Point::new(31.25, 29.9))),
            ),
            ("Datastream/Thing/name".into(), text("Building A")),
        ]))
    }

    fn check(filter: &str) -> bool {
        let parsed = parse(filter).unwrap_or_else(|e| panic!("{filter}: {e}"));
        matches(&parsed, &thing()).unwrap_or_else(|e| panic!("{filter}: {e}"))
    }

    #[test]
    fn comparison_logical_and_arithmetic_operators() {
        for yes in [
            "result gt 40",
            "result ge 42.5 and result le 42.5",
            "result lt 50 or result eq 0",
            "not (result lt 10)",
            "result ne 1",
            "result add 0.5 eq 43",
            "result sub 2.5 eq 40",
            "result mul 2 eq 85",
            "result div 2 gt 21.2",
            "(result mod 5) eq 2.5",
            "-result lt 0",
            "properties/floors eq 3 and properties/active eq true",
            "properties/missing eq null",
            "Datastream/Thing/name eq 'Building A'",
            // mul before add, and before or, comparisons before and.
            "1 add 2 mul 3 eq 7",
            "result gt 100 or result gt 40 and result lt 43",
        ] {
            assert!(check(yes), "{yes}");
        }
        for no in [
            "result gt 42.5",
            "properties/missing gt 1",
            "properties/missing ne null",
            "(result gt 100 or result gt 40) and result gt 43",
            "result div 0 eq 1",
        ] {
            assert!(!check(no), "{no}");
        }
    }

    #[test]
    fn string_functions() {
        for yes in [
            "substringof('meter', name)",
            "startswith(name, 'Badrashin')",
            "endswith(name, '7')",
            "length(name) eq 23",
            "indexof(name, 'water') eq 10",
            "substring(name, 10) eq 'water meter 7'",
            "substring(name, 10, 5) eq 'water'",
            "tolower(name) eq 'badrashin water meter 7'",
            "toupper(substring(name, 0, 3)) eq 'BAD'",
            "trim(description) eq 'Main line'",
            "concat(concat(name, ' — '), 'A') eq 'Badrashin water meter 7 — A'",
            "name eq 'it''s' or true",
        ] {
            assert!(check(yes), "{yes}");
        }
    }

    #[test]
    fn time_functions_and_intervals() {
        for yes in [
            "phenomenonTime gt 2026-03-05T08:00:00Z",
            "phenomenonTime lt 2026-03-05T08:16:00Z",
            "year(phenomenonTime) eq 2026 and month(phenomenonTime) eq 3",
            "day(phenomenonTime) eq 5 and hour(phenomenonTime) eq 10",
            "minute(phenomenonTime) eq 15 and second(phenomenonTime) eq 30",
            "fractionalseconds(phenomenonTime) eq 0.25",
            "date(phenomenonTime) eq '2026-03-05'",
            "time(phenomenonTime) eq '10:15:30.250'",
            "totaloffsetminutes(phenomenonTime) eq 120",
            "phenomenonTime lt now()",
            "phenomenonTime gt mindatetime() and phenomenonTime lt maxdatetime()",
            "phenomenonTime sub duration'PT1H' lt 2026-03-05T07:16:00Z",
            "phenomenonTime add duration'P1D' gt 2026-03-06T00:00:00Z",
            // An interval is after a time it starts after.
            "interval gt 2026-02-28T23:59:59Z",
            "interval lt 2026-03-02T00:00:01Z",
            "interval eq 2026-03-01T00:00:00Z/2026-03-02T00:00:00Z",
        ] {
            assert!(check(yes), "{yes}");
        }
        assert!(
            !check("interval gt 2026-03-01T12:00:00Z"),
            "overlaps, so not after"
        );
    }

    #[test]
    fn math_and_geospatial_functions() {
        for yes in [
            "round(result) eq 43",
            "floor(result) eq 42",
            "ceiling(result) eq 43",
            "st_within(location, geography'POLYGON((31 29, 32 29, 32 30, 31 30, 31 29))')",
            "st_contains(geography'POLYGON((31 29, 32 29, 32 30, 31 30, 31 29))', location)",
            "st_intersects(location, geography'POINT(31.25 29.9)')",
            "geo.intersects(location, geography'POINT(31.25 29.9)')",
            "st_equals(location, geography'POINT(31.25 29.9)')",
            "st_disjoint(location, geography'POINT(0 0)')",
            "geo.distance(location, geography'POINT(31.25 29.8)') lt 0.11",
            "geo.length(geography'LINESTRING(0 0, 3 4)') eq 5",
            "st_touches(geography'POLYGON((31.25 29.9, 32 29.9, 32 30, 31.25 30, 31.25 29.9))', location)",
            "st_crosses(geography'LINESTRING(31 29.9, 32 29.9)', geography'POLYGON((31.5 29, 32.5 29, 32.5 30, 31.5 30, 31.5 29))')",
            "st_overlaps(geography'POLYGON((0 0, 2 0, 2 2, 0 2, 0 0))', geography'POLYGON((1 1, 3 1, 3 3, 1 3, 1 1))')",
            "st_relate(location, geography'POLYGON((31 29, 32 29, 32 30, 31 30, 31 29))', 'T*F**F***')",
        ] {
            assert!(check(yes), "{yes}");
        }
        assert!(!check(
            "st_within(location, geography'POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))')"
        ));
        // A point on a polygon's edge: not within it, but touching it,
        // as the whole DE-9IM matrix says.
        let edge = "geography'POLYGON((31.25 29, 32 29, 32 30, 31.25 30, 31.25 29))'";
        for (relation, expected) in [
            ("st_within(location, {edge})", false),
            ("st_contains({edge}, location)", false),
            ("st_intersects(location, {edge})", true),
            ("st_disjoint({edge}, location)", false),
            ("st_touches(location, {edge})", true),
        ] {
            let filter = relation.replace("{edge}", edge);
            assert_eq!(check(&filter), expected, "{filter}");
        }
    }

    #[test]
    fn bad_filters_say_what_and_where() {
        assert_eq!(
            parse("result gt"),
            Err(FilterError::Unexpected {
                found: "end of the filter".into(),
                at: 9
            })
        );
        assert_eq!(
            parse("result gx 3"),
            Err(FilterError::Unexpected {
                found: "gx".into(),
                at: 7
            })
        );
        assert!(matches!(
            parse("name eq 'open"),
            Err(FilterError::Unexpected { at: 8, .. })
        ));
        assert_eq!(
            parse("frobnicate(name)"),
            Err(FilterError::UnknownFunction("frobnicate".into()))
        );
        assert!(matches!(
            parse("length(name, 2)"),
            Err(FilterError::Arity { found: 2, .. })
        ));
        assert!(matches!(
            parse("st_within(location, geography'POLYGON((1 2')"),
            Err(FilterError::Literal(_))
        ));
        assert!(matches!(
            parse("x eq duration'1 day'"),
            Err(FilterError::Literal(_))
        ));
        assert!(matches!(
            parse("(result gt 1"),
            Err(FilterError::Unexpected { .. })
        ));
        assert!(matches!(
            parse("result gt 1 )"),
            Err(FilterError::Unexpected { at: 12, .. })
        ));
        // A type mismatch is an error when evaluated, not a silent match.
        let wrong = parse("length(result) eq 2").expect("parses");
        assert_eq!(
            matches(&wrong, &thing()),
            Err(FilterError::Type("length".into()))
        );
    }

    #[test]
    fn limits_are_checked_at_their_edge() {
        let parens = |n: usize| format!("{}1{} eq 1", "(".repeat(n), ")".repeat(n));
        // `(…(1)…) eq 1` nests n + 1 calls of the expression reader.
        assert!(parse(&parens(MAX_DEPTH - 1)).is_ok());
        assert!(matches!(
            parse(&parens(MAX_DEPTH)),
            Err(FilterError::TooLarge(_))
        ));
        let nots = |n: usize| format!("{}true", "not ".repeat(n));
        assert!(parse(&nots(MAX_DEPTH - 2)).is_ok());
        assert!(matches!(
            parse(&nots(50_000)),
            Err(FilterError::TooLarge(_))
        ));
        assert!(matches!(
            parse(&format!("{}1 eq 1", "-".repeat(10_000))),
            Err(FilterError::TooLarge(_))
        ));
        // A chain of `or` is as deep as it is long.
        let chain = |n: usize| vec!["id eq 1"; n].join(" or ");
        assert!(parse(&chain(MAX_DEPTH - 2)).is_ok());
        assert!(matches!(
            parse(&chain(MAX_DEPTH)),
            Err(FilterError::TooLarge(_))
        ));
        // Wide but shallow: the number of nodes is bounded.
        let wide = (0..100)
            .map(|_| "(id eq 1 and id eq 1)")
            .collect::<Vec<_>>()
            .join(" or ");
        assert!(matches!(parse(&wide), Err(FilterError::TooLarge(_))));
        // Length, vertices and a geometry's nesting.
        let long = format!("name eq '{}'", "x".repeat(MAX_CHARS));
        assert!(matches!(parse(&long), Err(FilterError::TooLarge(_))));
        let ring = |n: usize| {
            let mut points: Vec<String> = (0..n).map(|i| format!("{i} {}", i % 2)).collect();
            points.push(points[0].clone());
            format!("geography'LINESTRING({})'", points.join(","))
        };
        assert!(
            parse(&format!(
                "st_intersects(location, {})",
                ring(MAX_VERTICES - 1)
            ))
            .is_ok()
        );
        assert!(matches!(
            parse(&format!("st_intersects(location, {})", ring(MAX_VERTICES))),
            Err(FilterError::TooLarge(_))
        ));
        let collection = format!(
            "st_intersects(location, geography'{}POINT(1 1){}')",
            "GEOMETRYCOLLECTION(".repeat(1_000),
            ")".repeat(1_000)
        );
        assert!(matches!(parse(&collection), Err(FilterError::TooLarge(_))));
    }

    #[test]
    fn constant_parts_are_worked_out_once() {
        let square = "geography'POLYGON((0 0, 2 0, 2 2, 0 2, 0 0))'";
        let inside = "geography'POINT(1 1)'";
        assert_eq!(
            parse(&format!("st_within({inside}, {square})")),
            Ok(Expr::Literal(Value::Bool(true)))
        );
        assert_eq!(parse("-(2 add 3)"), Ok(Expr::Literal(Value::Number(-5.0))));
        // A path stays; what is constant beside it is folded.
        assert_eq!(
            parse("result gt 1 add 2"),
            Ok(Expr::Binary(
                Op::Gt,
                Box::new(Expr::Path(vec!["result".into()])),
                Box::new(Expr::Literal(Value::Number(3.0)))
            ))
        );
        // An error stays for when the filter is applied.
        assert!(parse("length(1) eq 1").is_ok());
    }
}
