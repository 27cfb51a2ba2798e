//! Charts drawn as inline SVG on the server: no JavaScript, no requests
//! elsewhere, and always beside a table of the same numbers.

use std::fmt::Write;

/// A small line of `values` (gaps where a month has none), `label` read
/// out by screen readers.
pub fn sparkline(values: &[Option<f64>], label: &str) -> String {
    line(values, label, 120.0, 28.0, "sparkline", false)
}

/// A line chart of `values`, with a dot on each value and the first and
/// last month named (`first`, `last`).
pub fn line_chart(values: &[Option<f64>], label: &str, first: &str, last: &str) -> String {
    let mut svg = line(values, label, 560.0, 200.0, "line-chart", true);
    let close = svg.rfind("</svg>").unwrap_or(svg.len());
    let (first, last) = (escape(first), escape(last));
    let mut labels = String::new();
    let _ = write!(
        labels,
        r#"<text x="4" y="196" font-size="12">{first}</text><text x="556" y="196" font-size="12" text-anchor="end">{last}</text>"#
    );
    svg.insert_str(close, &labels);
    svg
}

/// Text fit for an attribute or element of SVG.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn line(
    values: &[Option<f64>],
    label: &str,
    width: f64,
    height: f64,
    class: &str,
    dots: bool,
) -> String {
    let label = escape(label);
    let known: Vec<f64> = values.iter().flatten().copied().collect();
    let (low, high) = known
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    let low = if low > 0.0 && (high - low) < high * 0.5 {
        low * 0.9
    } else {
        low.min(0.0)
    };
    let span = (high - low).max(1e-9);
    let pad = if dots { 16.0 } else { 3.0 };
    let step = (width - 2.0 * pad) / (values.len().max(2) - 1) as f64;
    let x = |i: usize| pad + i as f64 * step;
    let y = |v: f64| {
        height - pad - (v - low) / span * (height - 2.0 * pad - if dots { 12.0 } else { 0.0 })
    };
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="{class}" role="img" aria-label="{label}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">"#
    );
    // One polyline per run of months with a value.
    let mut run: Vec<String> = Vec::new();
    let flush = |run: &mut Vec<String>, out: &mut String| {
        if run.len() > 1 {
            let _ = write!(
                out,
                r##"<polyline points="{}" fill="none" stroke="#155e63" stroke-width="2"/>"##,
                run.join(" ")
            );
        }
        run.clear();
    };
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => {
                run.push(format!("{:.1},{:.1}", x(i), y(*v)));
                if dots || i + 1 == values.len() {
                    let _ = write!(
                        out,
                        r##"<circle cx="{:.1}" cy="{:.1}" r="{}" fill="#155e63"/>"##,
                        x(i),
                        y(*v),
                        if dots { 3.5 } else { 2.5 }
                    );
                }
            }
            None => flush(&mut run, &mut out),
        }
    }
    flush(&mut run, &mut out);
    out.push_str("</svg>");
    out
}

/// A number as people read it: at most one decimal, thousands grouped.
pub fn number(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    let whole = rounded.trunc().abs() as u64;
    let mut digits = whole.to_string();
    let mut grouped = String::new();
    while digits.len() > 3 {
        let tail = digits.split_off(digits.len() - 3);
        grouped = format!(",{tail}{grouped}");
    }
    grouped = format!("{digits}{grouped}");
    let fraction = ((rounded.abs() - whole as f64) * 10.0).round() as u64;
    let sign = if rounded < 0.0 { "-" } else { "" };
    if fraction == 0 {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_and_rounded() {
        assert_eq!(number(1234567.0), "1,234,567");
        assert_eq!(number(87.456), "87.5");
        assert_eq!(number(3.04), "3");
        assert_eq!(number(-2.5), "-2.5");
        assert_eq!(number(0.0), "0");
    }

    #[test]
    fn lines_break_at_gaps_and_keep_their_label() {
        let svg = sparkline(&[Some(1.0), Some(2.0), None, Some(3.0), Some(4.0)], "x");
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains(r#"aria-label="x""#));
        let chart = line_chart(&[Some(1.0), None, Some(2.0)], "y", "2026-01", "2026-03");
        assert_eq!(chart.matches("<circle").count(), 2);
        assert!(chart.contains("2026-03</text></svg>"));
    }
}
