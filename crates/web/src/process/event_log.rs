//! The applications' event log, written page by page in a process-mining
//! format: IEEE XES ([`crate::process::xes`]) or OCEL 2.0 JSON ([`crate::process::ocel`]).

use std::io::Write;

use baladiya_app::process::Case;
use baladiya_app::{App, AppError};
use baladiya_domain::process::Durations;
use baladiya_domain::process::performance::Group;
use baladiya_store::LogFilter;
use serde_json::{Value, json};

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

/// Where a log goes, a page of cases at a time: a file, standard output,
/// or an HTTP answer's body (with back-pressure: a slow client slows the
/// reading, and a log of a million events is never held whole).
pub trait LogSink: Send {
    fn send(&mut self, bytes: Vec<u8>) -> impl Future<Output = std::io::Result<()>> + Send;
}

/// Any writer.
pub struct ToWriter<W>(pub W);

impl<W> std::fmt::Debug for ToWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ToWriter")
    }
}

impl<W: Write + Send> LogSink for ToWriter<W> {
    async fn send(&mut self, bytes: Vec<u8>) -> std::io::Result<()> {
        self.0.write_all(&bytes)
    }
}

/// The channel an HTTP answer's body reads from.
pub type Chunks = tokio::sync::mpsc::Sender<std::io::Result<Vec<u8>>>;

impl LogSink for Chunks {
    async fn send(&mut self, bytes: Vec<u8>) -> std::io::Result<()> {
        tokio::sync::mpsc::Sender::send(self, Ok(bytes))
            .await
            .map_err(|_| std::io::Error::other("the client went away"))
    }
}

/// Writes every page of cases of `filter` with `write`, which returns
/// what it wrote, and sends that to `sink` before reading the next page.
async fn send_pages<S: LogSink>(
    app: &App,
    filter: &LogFilter,
    sink: &mut S,
    mut write: impl FnMut(&[Case]) -> std::io::Result<Vec<u8>> + Send,
) -> Result<(), AppError> {
    let mut after = 0;
    loop {
        let (cases, last) = app.log_page(filter, after, PAGE).await?;
        sink.send(write(&cases).map_err(io)?).await.map_err(io)?;
        match last {
            Some(last) => after = last,
            None => return Ok(()),
        }
    }
}

/// Writes the citizen reports of `filter` to `sink` as IEEE XES, a page
/// at a time; returns the sink and the numbers of reports and events.
pub async fn write_report_log<S: LogSink>(
    app: &App,
    filter: &LogFilter,
    mut sink: S,
) -> Result<(S, u64, u64), AppError> {
    let mut xes =
        crate::process::xes::XesWriter::new(Vec::new(), "Baladiya citizen reports").map_err(io)?;
    let (mut cases, mut events, mut after) = (0u64, 0u64, 0);
    loop {
        let (page, last) = app.report_log_page(filter, after, PAGE).await?;
        page.iter()
            .try_for_each(|case| xes.report(case))
            .map_err(io)?;
        cases += page.len() as u64;
        events += page.iter().map(|c| c.events.len() as u64).sum::<u64>();
        sink.send(std::mem::take(xes.buffer())).await.map_err(io)?;
        match last {
            Some(last) => after = last,
            None => break,
        }
    }
    sink.send(xes.finish().map_err(io)?).await.map_err(io)?;
    Ok((sink, cases, events))
}

fn io(error: std::io::Error) -> AppError {
    AppError::Internal(format!("writing the event log: {error}"))
}

/// Writes the log of `filter` to `sink`, a page at a time, telling
/// `progress` the cases and events written so far after each page.
/// Returns the sink and the totals.
pub async fn write_log<S: LogSink>(
    app: &App,
    filter: &LogFilter,
    format: LogFormat,
    mut sink: S,
    mut progress: impl FnMut(u64, u64) + Send,
) -> Result<(S, u64, u64), AppError> {
    let (mut cases, mut events) = (0u64, 0u64);
    let mut count = |page: &[Case]| {
        cases += page.len() as u64;
        events += page.iter().map(|c| c.events.len() as u64).sum::<u64>();
        progress(cases, events);
    };
    let last = match format {
        LogFormat::Xes => {
            let mut xes = crate::process::xes::XesWriter::new(Vec::new(), "Baladiya applications")
                .map_err(io)?;
            send_pages(app, filter, &mut sink, |page| {
                page.iter().try_for_each(|case| xes.case(case))?;
                count(page);
                Ok(std::mem::take(xes.buffer()))
            })
            .await?;
            xes.finish()
        }
        LogFormat::Ocel => {
            // Objects first, then events: two passes over the pages.
            let mut ocel = crate::process::ocel::OcelWriter::new(Vec::new()).map_err(io)?;
            send_pages(app, filter, &mut sink, |page| {
                page.iter().try_for_each(|case| ocel.objects(case))?;
                Ok(std::mem::take(ocel.buffer()))
            })
            .await?;
            ocel.start_events().map_err(io)?;
            send_pages(app, filter, &mut sink, |page| {
                page.iter().try_for_each(|case| ocel.events(case))?;
                count(page);
                Ok(std::mem::take(ocel.buffer()))
            })
            .await?;
            ocel.finish()
        }
    };
    sink.send(last.map_err(io)?).await.map_err(io)?;
    Ok((sink, cases, events))
}

fn durations(hours: Option<Durations>) -> Value {
    hours.map_or(
        Value::Null,
        |h| json!({"mean": h.mean, "median": h.median, "p90": h.p90}),
    )
}

fn group(g: &Group) -> Value {
    json!({
        "key": g.key, "cases": g.cases, "ended": g.ended,
        "throughput_hours": durations(g.throughput_hours),
        "throughput_working_days": durations(g.throughput_working_days),
        "rework_rate": g.rework_rate, "fitness": g.fitness, "conforming": g.conforming,
    })
}

/// What the log of `filter` shows, as JSON: its cases, how many went round
/// a loop, their throughput time, the directly-follows graph of completed
/// activities with the hours between them, the 20 most frequent variants,
/// the bottleneck steps, conformance to the published procedure and the
/// same figures by unit, channel and month.
pub async fn summary(app: &App, filter: &LogFilter) -> Result<Value, AppError> {
    let (a, _) = app.process_analysis(filter, None).await?;
    Ok(json!({
        "cases": a.overall.cases,
        "rework_rate": a.overall.rework_rate,
        "throughput_hours": durations(a.overall.throughput_hours),
        "throughput_working_days": durations(a.overall.throughput_working_days),
        "arcs": a.arcs.iter().map(|arc| json!({
            "from": arc.from, "to": arc.to, "count": arc.count, "cases": arc.cases,
            "hours": durations(arc.hours),
        })).collect::<Vec<_>>(),
        "variants": a.variants.iter().take(20).map(|v| json!({
            "activities": v.activities, "cases": v.cases, "share": v.share,
            "hours": durations(v.hours),
        })).collect::<Vec<_>>(),
        "bottlenecks": a.bottlenecks.iter().map(|b| json!({
            "step": b.step, "department": b.department, "visits": b.visits,
            "hours": durations(Some(b.hours)), "working_days": durations(Some(b.working_days)),
            "sla_working_days": b.sla_working_days, "over_sla": b.over_sla,
        })).collect::<Vec<_>>(),
        "conformance": {
            "fitness": a.overall.fitness,
            "conforming": a.overall.conforming,
            "deviations": a.deviations.iter().map(|d| json!({
                "kind": d.deviation.kind(), "subject": d.deviation.subject(), "cases": d.cases,
            })).collect::<Vec<_>>(),
        },
        "by_unit": a.by_unit.iter().map(group).collect::<Vec<_>>(),
        "by_channel": a.by_channel.iter().map(group).collect::<Vec<_>>(),
        "by_month": a.by_month.iter().map(group).collect::<Vec<_>>(),
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
