//! The process map drawn as inline SVG on the server: activities one under
//! the other in the order files usually reach them (from a start to an
//! end), each arc of the directly-follows graph a line whose width is its
//! frequency — straight down to the next activity, curving on the right
//! when it jumps ahead, on the left when it goes back (rework). Readable
//! with twenty activities; each arc links to the cases behind it, and the
//! page gives the same numbers as a table.

use std::fmt::Write;

/// An activity box.
pub struct Node {
    /// The step (or the applicant's activity), on the first line.
    pub label: String,
    /// What was done there, on the second line (may be empty).
    pub detail: String,
    /// Its frequency, shown in the box.
    pub count: String,
}

/// An arc between two nodes (indices into the node list).
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub count: u64,
    /// Shown beside the line (frequency and median time).
    pub label: String,
    /// The cases behind it.
    pub href: String,
}

const WIDTH: f64 = 900.0;
const BOX_WIDTH: f64 = 340.0;
const BOX_HEIGHT: f64 = 44.0;
const ROW: f64 = 76.0;
const TOP: f64 = 16.0;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Draws `nodes` (in their order, top to bottom) and `edges`, named by
/// `title` for assistive technology; `rtl` for right-to-left text.
pub fn draw(nodes: &[Node], edges: &[Edge], title: &str, rtl: bool) -> String {
    // Labels right of a line grow rightwards, left of it leftwards,
    // whichever way the text runs.
    let (rightwards, leftwards) = if rtl {
        ("end", "start")
    } else {
        ("start", "end")
    };
    let height = TOP * 2.0 + ROW * nodes.len().saturating_sub(1) as f64 + BOX_HEIGHT;
    let centre = WIDTH / 2.0;
    let (left, right) = (centre - BOX_WIDTH / 2.0, centre + BOX_WIDTH / 2.0);
    let y = |i: usize| TOP + ROW * i as f64;
    let most = edges.iter().map(|e| e.count).max().unwrap_or(1).max(1) as f64;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg class="process-map" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="group" aria-label="{title}" direction="{direction}" xmlns="http://www.w3.org/2000/svg"><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#475569"/></marker></defs>"##,
        title = escape(title),
        direction = if rtl { "rtl" } else { "ltr" },
    );
    for edge in edges {
        let width = 1.0 + 5.0 * edge.count as f64 / most;
        let (a, b) = (edge.from, edge.to);
        let (path, lx, ly, anchor) = if b == a + 1 {
            let (x, y1, y2) = (centre, y(a) + BOX_HEIGHT, y(b));
            (
                format!("M{x},{y1} L{x},{}", y2 - 2.0),
                x + 10.0,
                (y1 + y2) / 2.0 + 4.0,
                rightwards,
            )
        } else if b > a {
            let bulge = (right + 24.0 + 28.0 * (b - a) as f64).min(WIDTH - 70.0);
            let (y1, y2) = (y(a) + BOX_HEIGHT / 2.0, y(b) + BOX_HEIGHT / 2.0);
            (
                format!(
                    "M{right},{y1} C{bulge},{y1} {bulge},{y2} {},{y2}",
                    right + 2.0
                ),
                bulge * 0.75 + right * 0.25 + 4.0,
                (y1 + y2) / 2.0 + 4.0,
                rightwards,
            )
        } else if b < a {
            let bulge = (left - 24.0 - 28.0 * (a - b) as f64).max(70.0);
            let (y1, y2) = (y(a) + BOX_HEIGHT / 2.0, y(b) + BOX_HEIGHT / 2.0);
            (
                format!(
                    "M{left},{y1} C{bulge},{y1} {bulge},{y2} {},{y2}",
                    left - 2.0
                ),
                bulge * 0.75 + left * 0.25 - 4.0,
                (y1 + y2) / 2.0 + 4.0,
                leftwards,
            )
        } else {
            let (y1, y2) = (y(a) + 8.0, y(a) + BOX_HEIGHT - 8.0);
            (
                format!(
                    "M{right},{y1} C{},{} {},{} {},{y2}",
                    right + 46.0,
                    y1 - 16.0,
                    right + 46.0,
                    y2 + 16.0,
                    right + 2.0
                ),
                right + 50.0,
                (y1 + y2) / 2.0 + 4.0,
                rightwards,
            )
        };
        let _ = write!(
            svg,
            r##"<a href="{href}" aria-label="{label}"><path d="{path}" fill="none" stroke="#475569" stroke-opacity="0.75" stroke-width="{width:.1}" marker-end="url(#arrow)"/><text x="{lx}" y="{ly}" font-size="12" text-anchor="{anchor}" fill="#1e293b">{text}</text></a>"##,
            href = escape(&edge.href),
            label = escape(&edge.label),
            text = escape(&edge.label),
        );
    }
    for (i, node) in nodes.iter().enumerate() {
        let top = y(i);
        let line: Vec<&str> = [node.detail.as_str(), node.count.as_str()]
            .into_iter()
            .filter(|t| !t.is_empty())
            .collect();
        let (first, second) = if line.is_empty() {
            (top + BOX_HEIGHT / 2.0 + 5.0, None)
        } else {
            (top + 18.0, Some(top + 36.0))
        };
        let _ = write!(
            svg,
            r##"<rect x="{left}" y="{top}" width="{BOX_WIDTH}" height="{BOX_HEIGHT}" rx="6" fill="#e0f2fe" stroke="#0369a1"/><text x="{centre}" y="{first}" font-size="13" text-anchor="middle" fill="#0c4a6e" font-weight="bold">{}</text>"##,
            escape(&node.label),
        );
        if let Some(second) = second {
            let _ = write!(
                svg,
                r##"<text x="{centre}" y="{second}" font-size="12" text-anchor="middle" fill="#0c4a6e">{}</text>"##,
                escape(&line.join(" · ")),
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arcs_go_down_ahead_and_back_each_with_its_link() {
        let nodes: Vec<Node> = ["a", "b", "c"]
            .iter()
            .map(|l| Node {
                label: (*l).into(),
                detail: "done".into(),
                count: "1".into(),
            })
            .collect();
        let edge = |from, to| Edge {
            from,
            to,
            count: 3,
            label: format!("{from}→{to}"),
            href: format!("/cases?from={from}&to={to}"),
        };
        let svg = draw(
            &nodes,
            &[edge(0, 1), edge(0, 2), edge(2, 0), edge(1, 1)],
            "<map>",
            true,
        );
        assert_eq!(svg.matches("<rect").count(), 3);
        assert_eq!(svg.matches("marker-end=").count(), 4);
        assert!(svg.contains(r#"href="/cases?from=0&amp;to=2""#));
        assert!(svg.contains(r#"aria-label="&lt;map&gt;""#));
        // Forward jumps curve on the right of the boxes, returns on the left.
        assert!(svg.contains("M620,38"), "{svg}");
        assert!(svg.contains("M280,190"), "{svg}");
    }
}
