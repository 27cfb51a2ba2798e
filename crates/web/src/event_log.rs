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
