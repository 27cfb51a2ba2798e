//! The applications' event log, written page by page in a process-mining
//! format: IEEE XES ([`crate::xes`]) or OCEL 2.0 JSON ([`crate::ocel`]).

use std::io::Write;

use baladiya_app::process::Case;
use baladiya_app::{App, AppError};
use baladiya_store::LogFilter;

/// The formats a log is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Xes,
    Ocel,
}

impl LogFormat {
    pub fn parse(text: &str) -> Option<LogFormat> {
        match text {
            "xes" => Some(LogFormat::Xes),
            "ocel" => Some(LogFormat::Ocel),
            _ => None,
        }
    }
}

const PAGE: i64 = 1000;

/// Calls `each` with every page of cases of `filter`.
async fn pages(
    app: &App,
    filter: &LogFilter,
    mut each: impl FnMut(&[Case]) -> std::io::Result<()>,
) -> Result<(), AppError> {
    let mut after = 0;
    loop {
        let (cases, last) = app.log_page(filter, after, PAGE).await?;
        each(&cases).map_err(io)?;
        match last {
            Some(last) => after = last,
            None => return Ok(()),
        }
    }
}

fn io(error: std::io::Error) -> AppError {
    AppError::Internal(format!("writing the event log: {error}"))
}

/// Writes the log of `filter` to `out`, telling `progress` the cases and
/// events written so far after each page. Returns the output and the
/// totals.
pub async fn write_log<W: Write>(
    app: &App,
    filter: &LogFilter,
    format: LogFormat,
    out: W,
    mut progress: impl FnMut(u64, u64),
) -> Result<(W, u64, u64), AppError> {
    let (mut cases, mut events) = (0u64, 0u64);
    let mut count = |page: &[Case]| {
        cases += page.len() as u64;
        events += page.iter().map(|c| c.events.len() as u64).sum::<u64>();
        progress(cases, events);
    };
    let out = match format {
        LogFormat::Xes => {
            let mut xes = crate::xes::XesWriter::new(out, "Baladiya applications").map_err(io)?;
            pages(app, filter, |page| {
                page.iter().try_for_each(|case| xes.case(case))?;
                count(page);
                Ok(())
            })
            .await?;
            xes.finish().map_err(io)?
        }
        LogFormat::Ocel => {
            let mut ocel = crate::ocel::OcelWriter::new(out).map_err(io)?;
            pages(app, filter, |page| {
                page.iter().try_for_each(|case| ocel.objects(case))
            })
            .await?;
            ocel.start_events().map_err(io)?;
            pages(app, filter, |page| {
                page.iter().try_for_each(|case| ocel.events(case))?;
                count(page);
                Ok(())
            })
            .await?;
            ocel.finish().map_err(io)?
        }
    };
    Ok((out, cases, events))
}

fn durations(hours: Option<baladiya_domain::process::Durations>) -> serde_json::Value {
    hours.map_or(
        serde_json::Value::Null,
        |h| serde_json::json!({"mean": h.mean, "median": h.median, "p90": h.p90}),
    )
}

/// What the log of `filter` shows: its cases, how many went round a loop,
/// their throughput time, the directly-follows graph of completed
/// activities with the hours between them, and the 20 most frequent
/// variants.
pub async fn summary(app: &App, filter: &LogFilter) -> Result<serde_json::Value, AppError> {
    use baladiya_domain::process::{Durations, directly_follows, has_rework, variants};
    let mut cases: Vec<Case> = Vec::new();
    pages(app, filter, |page| {
        cases.extend_from_slice(page);
        Ok(())
    })
    .await?;
    let logs: Vec<&[baladiya_domain::process::LogEvent]> =
        cases.iter().map(|c| c.events.as_slice()).collect();
    let rework = logs.iter().filter(|events| has_rework(events)).count();
    let found = variants(logs.iter().copied());
    let throughputs: Vec<f64> = logs
        .iter()
        .filter_map(|events| {
            let done: Vec<_> = events
                .iter()
                .filter(|e| e.lifecycle == baladiya_domain::process::Lifecycle::Complete)
                .collect();
            Some((done.last()?.at - done.first()?.at).num_seconds() as f64 / 3600.0)
        })
        .collect();
    Ok(serde_json::json!({
        "cases": cases.len(),
        "rework_rate": if cases.is_empty() { 0.0 } else { rework as f64 / cases.len() as f64 },
        "throughput_hours": durations(Durations::of(throughputs)),
        "arcs": directly_follows(logs.iter().copied()).iter().map(|arc| serde_json::json!({
            "from": arc.from, "to": arc.to, "count": arc.count, "cases": arc.cases,
            "hours": durations(arc.hours),
        })).collect::<Vec<_>>(),
        "variants": found.iter().take(20).map(|v| serde_json::json!({
            "activities": v.activities, "cases": v.cases, "share": v.share,
            "hours": durations(v.hours),
        })).collect::<Vec<_>>(),
    }))
}

/// A period's bounds: from (included) and to (excluded).
pub type Period = (
    Option<chrono::DateTime<chrono::Utc>>,
    Option<chrono::DateTime<chrono::Utc>>,
);

/// Reads a log query's period: `from` and `to` are days (YYYY-MM-DD), both
/// included.
pub fn period(from: Option<&str>, to: Option<&str>) -> Result<Period, baladiya_app::AppError> {
    let day = |field: &'static str, text: Option<&str>, plus: i64| {
        // Given but empty is a wrong date, not "no date".
        text.map(str::trim)
            .map(|t| {
                chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
                    .map(|d| {
                        (d + chrono::Duration::days(plus))
                            .and_time(chrono::NaiveTime::MIN)
                            .and_utc()
                    })
                    .map_err(|_| baladiya_app::AppError::field(field, "date-invalid"))
            })
            .transpose()
    };
    Ok((day("from", from, 0)?, day("to", to, 1)?))
}
