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
        r#"<svg class="{class}" role="img" aria-label="{label}" viewBox="0 0 {width} {height}" direction="ltr" xmlns="http://www.w3.org/2000/svg">"#
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

/// Where a map's `(lat, lon)` points fall on an SVG `width` wide: the
/// box around them (each side at least `min_span` degrees, widened by
/// `margin` of itself on every side), longitude shortened by the
/// latitude's cosine, the height following the shape within 120–640.
pub(crate) struct Frame {
    west: f64,
    north: f64,
    scale_x: f64,
    span_x: f64,
    span_y: f64,
    pub width: f64,
    pub height: f64,
}

impl Frame {
    pub fn around(
        points: impl IntoIterator<Item = (f64, f64)>,
        width: f64,
        min_span: f64,
        margin: f64,
    ) -> Option<Frame> {
        let mut points = points.into_iter();
        let (lat0, lon0) = points.next()?;
        let (mut south, mut north, mut west, mut east) = (lat0, lat0, lon0, lon0);
        for (lat, lon) in points {
            south = south.min(lat);
            north = north.max(lat);
            west = west.min(lon);
            east = east.max(lon);
        }
        let (pad_y, pad_x) = ((north - south) * margin, (east - west) * margin);
        let (south, north, west, east) = (south - pad_y, north + pad_y, west - pad_x, east + pad_x);
        // Degrees of longitude are shorter away from the equator.
        let scale_x = ((south + north) / 2.0).to_radians().cos().max(0.1);
        let span_x = ((east - west) * scale_x).max(min_span);
        let span_y = (north - south).max(min_span);
        Some(Frame {
            west,
            north,
            scale_x,
            span_x,
            span_y,
            width,
            height: (width * span_y / span_x).clamp(120.0, 640.0),
        })
    }

    pub fn x(&self, lon: f64) -> f64 {
        (lon - self.west) * self.scale_x / self.span_x * self.width
    }

    pub fn y(&self, lat: f64) -> f64 {
        (self.north - lat) / self.span_y * self.height
    }

    /// A ring as the `points` of an SVG polygon.
    pub fn points(&self, ring: &[(f64, f64)]) -> String {
        ring.iter()
            .map(|(lat, lon)| format!("{:.1},{:.1}", self.x(*lon), self.y(*lat)))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// One area of a choropleth map: its name, where it links to, its outer
/// rings as `(lat, lon)`, and its value.
pub struct Area {
    pub name: String,
    pub href: String,
    pub rings: Vec<Vec<(f64, f64)>>,
    pub value: Option<f64>,
}

/// A choropleth map of `areas`, shaded from the lowest value to the
/// highest (`better_high`: the darkest is the best), each area a link and
/// titled with its name and value; `None` without any outline.
pub fn choropleth(areas: &[Area], label: &str, better_high: bool) -> Option<String> {
    let frame = Frame::around(
        areas.iter().flat_map(|a| a.rings.iter().flatten().copied()),
        480.0,
        1e-6,
        0.0,
    )?;
    let (width, height) = (frame.width, frame.height);
    let known: Vec<f64> = areas.iter().filter_map(|a| a.value).collect();
    let (low, high) = known
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="choropleth" role="img" aria-label="{}" viewBox="0 0 {width} {height:.0}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(label)
    );
    for area in areas {
        let shade = area.value.map(|v| {
            let t = if high > low {
                (v - low) / (high - low)
            } else {
                1.0
            };
            let t = if better_high { t } else { 1.0 - t };
            0.15 + 0.75 * t
        });
        let fill = match shade {
            Some(opacity) => format!(r##"fill="#155e63" fill-opacity="{opacity:.2}""##),
            None => r##"fill="#dddddd" fill-opacity="0.6""##.to_owned(),
        };
        let title = match area.value {
            Some(v) => format!("{}: {}", area.name, number(v)),
            None => area.name.clone(),
        };
        let _ = write!(
            out,
            r#"<a href="{}"><title>{}</title>"#,
            escape(&area.href),
            escape(&title)
        );
        for ring in &area.rings {
            let _ = write!(
                out,
                r##"<polygon points="{}" {fill} stroke="#0b3d2e" stroke-width="1"/>"##,
                frame.points(ring)
            );
        }
        out.push_str("</a>");
    }
    out.push_str("</svg>");
    Some(out)
}

/// A place on a [`pin_map`]: where it is, where it links to, what its
/// title says, and whether it has an active alert.
pub struct Pin {
    pub lat: f64,
    pub lon: f64,
    pub href: String,
    pub title: String,
    pub alert: bool,
}

/// A map of `pins` over the outlines of units (`(lat, lon)` rings): each
/// pin a link titled with its name and latest readings, red when it has
/// an active alert. `None` when there is nothing to draw.
pub fn pin_map(outlines: &[Vec<(f64, f64)>], pins: &[Pin], label: &str) -> Option<String> {
    let points: Vec<(f64, f64)> = outlines
        .iter()
        .flatten()
        .copied()
        .chain(pins.iter().map(|p| (p.lat, p.lon)))
        .collect();
    // A margin, so that pins on the edge show whole.
    let frame = Frame::around(points, 480.0, 0.01, 0.05)?;
    let (width, height) = (frame.width, frame.height);
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="pin-map" role="img" aria-label="{}" viewBox="0 0 {width} {height:.0}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(label)
    );
    for ring in outlines {
        let _ = write!(
            out,
            r##"<polygon points="{}" fill="#155e63" fill-opacity="0.06" stroke="#155e63" stroke-width="1"/>"##,
            frame.points(ring)
        );
    }
    // Places with an alert are drawn last: on top of their neighbours.
    let mut ordered: Vec<&Pin> = pins.iter().collect();
    ordered.sort_by_key(|p| p.alert);
    for pin in ordered {
        let colour = if pin.alert { "#b42318" } else { "#155e63" };
        let _ = write!(
            out,
            r##"<a href="{}"><title>{}</title><circle cx="{:.1}" cy="{:.1}" r="6" fill="{colour}" stroke="#ffffff" stroke-width="2"/></a>"##,
            escape(&pin.href),
            escape(&pin.title),
            frame.x(pin.lon),
            frame.y(pin.lat)
        );
    }
    out.push_str("</svg>");
    Some(out)
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
    fn a_choropleth_shades_by_value_and_links_each_area() {
        let square = |x: f64| {
            vec![vec![
                (29.0, x),
                (29.0, x + 1.0),
                (30.0, x + 1.0),
                (30.0, x),
                (29.0, x),
            ]]
        };
        let areas = [
            Area {
                name: "A".into(),
                href: "/a".into(),
                rings: square(31.0),
                value: Some(10.0),
            },
            Area {
                name: "B".into(),
                href: "/b".into(),
                rings: square(32.0),
                value: Some(90.0),
            },
            Area {
                name: "C".into(),
                href: "/c".into(),
                rings: square(33.0),
                value: None,
            },
        ];
        let svg = choropleth(&areas, "map", true).expect("drawn");
        assert!(svg.contains(r#"<a href="/b"><title>B: 90</title>"#));
        assert!(
            svg.contains(r#"fill-opacity="0.90""#),
            "the best is darkest"
        );
        assert!(svg.contains(r#"fill-opacity="0.15""#));
        assert!(svg.contains("#dddddd"), "no value: grey");
        let reversed = choropleth(&areas, "map", false).expect("drawn");
        let first_area = reversed.split("</a>").next().expect("area A");
        assert!(
            first_area.contains("A: 10") && first_area.contains(r#"fill-opacity="0.90""#),
            "lower is better: A is darkest"
        );
        assert!(choropleth(&[], "map", true).is_none());
    }

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
