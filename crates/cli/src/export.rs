//! `baladiya export reports`: the open-data exports written to a file,
//! every page of them, streamed page by page (keyset paging), so a million
//! reports never sit in memory.

use std::io::Write;

use anyhow::{Result, anyhow};
use baladiya_app::App;
use baladiya_app::reports::MAX_PAGE;
use baladiya_store::PublicReport;
use baladiya_web::open_data::{CSV_HEADER, ExportQuery, csv_record, feature};

/// Where the reports go, in which format.
enum Sink<'a> {
    Csv(Box<csv::Writer<Box<dyn Write>>>),
    GeoJson {
        out: std::io::BufWriter<Box<dyn Write>>,
        written: usize,
        categories: baladiya_app::Categories,
        lang: &'a str,
    },
}

impl Sink<'_> {
    fn start(&mut self) -> Result<()> {
        match self {
            Sink::Csv(w) => w.write_record(CSV_HEADER)?,
            Sink::GeoJson { out, .. } => {
                out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[")?
            }
        }
        Ok(())
    }

    fn write(&mut self, report: &PublicReport) -> Result<()> {
        match self {
            Sink::Csv(w) => w.write_record(csv_record(report))?,
            Sink::GeoJson {
                out,
                written,
                categories,
                lang,
            } => {
                out.write_all(if *written == 0 { b"\n" } else { b",\n" })?;
                serde_json::to_writer(&mut *out, &feature(report, categories, lang))?;
                *written += 1;
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<()> {
        match self {
            Sink::Csv(mut w) => w.flush()?,
            Sink::GeoJson { mut out, .. } => {
                out.write_all(b"\n]}\n")?;
                out.flush()?;
            }
        }
        Ok(())
    }
}

/// Writes every report matching `filters` as `csv` or `geojson`; returns
/// how many.
pub async fn reports(
    app: &App,
    filters: &ExportQuery,
    format: &str,
    lang: &str,
    out: Box<dyn Write>,
) -> Result<usize> {
    let mut sink = match format {
        "csv" => Sink::Csv(Box::new(csv::Writer::from_writer(out))),
        "geojson" => Sink::GeoJson {
            out: std::io::BufWriter::new(out),
            written: 0,
            categories: app.report_categories(),
            lang,
        },
        other => anyhow::bail!("unknown format {other}: use csv or geojson"),
    };
    let mut query = filters
        .to_query(app)
        .await
        .map_err(|e| anyhow!("filters: {:?}", e.fields))?;
    query.limit = MAX_PAGE;
    sink.start()?;
    let mut count = 0;
    loop {
        let page = app
            .search_reports(query.clone())
            .await
            .map_err(|e| anyhow!("{e}"))?;
        for report in &page {
            sink.write(report)?;
        }
        count += page.len();
        match page.last() {
            Some(last) if page.len() as i64 == MAX_PAGE => {
                query.before = Some((last.requested_at, last.id));
            }
            _ => break,
        }
    }
    sink.finish()?;
    Ok(count)
}

/// Writes the applications' (or, with `reports`, the citizen reports')
/// event log in `format` to `out` (or standard output), a page of cases
/// at a time, saying how far it got on a terminal. Returns the numbers of
/// cases and events written.
pub async fn events(
    app: &baladiya_app::App,
    query: &baladiya_app::process::LogQuery,
    format: baladiya_web::event_log::LogFormat,
    reports: bool,
    out: Option<&std::path::Path>,
) -> anyhow::Result<(u64, u64)> {
    use baladiya_web::event_log::{ToWriter, write_log, write_report_log};
    use std::io::{IsTerminal, Write};
    let writer: Box<dyn std::io::Write + Send> = match out {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .map_err(|e| anyhow::anyhow!("creating {}: {e}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    let failed = |e: baladiya_app::AppError| anyhow::anyhow!("{e} ({})", e.code().as_str());
    let terminal = std::io::stderr().is_terminal();
    let (ToWriter(mut writer), cases, events) = if reports {
        let filter = app.report_log_filter(None, query).await.map_err(failed)?;
        write_report_log(app, &filter, ToWriter(writer))
            .await
            .map_err(failed)?
    } else {
        let filter = app.log_filter(None, query).await.map_err(failed)?;
        write_log(app, &filter, format, ToWriter(writer), |cases, events| {
            if terminal {
                eprint!("\r{cases} applications, {events} events");
            }
        })
        .await
        .map_err(failed)?
    };
    if terminal {
        eprintln!();
    }
    writer.flush()?;
    Ok((cases, events))
}
