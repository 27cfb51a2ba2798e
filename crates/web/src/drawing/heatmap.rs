//! A heat map of open reports drawn as inline SVG on the server: the area
//! is cut into a grid, each cell shaded by how many reports fall in it,
//! with the unit's boundary over it. Needs no JavaScript and no tiles.

use std::fmt::Write;

/// Columns of the grid; rows follow from the area's shape.
const COLUMNS: usize = 24;
const WIDTH: f64 = 480.0;

/// `points` and `outline` rings are `(lat, lon)`. Returns SVG markup, or
/// `None` when there is nothing to draw.
pub fn svg(points: &[(f64, f64)], outline: &[Vec<(f64, f64)>], label: &str) -> Option<String> {
    let frame = crate::drawing::charts::Frame::around(
        points.iter().chain(outline.iter().flatten()).copied(),
        WIDTH,
        1e-4,
        0.0,
    )?;
    let height = frame.height;
    let rows = ((COLUMNS as f64) * height / WIDTH).round().max(1.0) as usize;
    let mut counts = vec![0u32; COLUMNS * rows];
    for (lat, lon) in points {
        let col = ((frame.x(*lon) / WIDTH * COLUMNS as f64) as usize).min(COLUMNS - 1);
        let row = ((frame.y(*lat) / height * rows as f64) as usize).min(rows - 1);
        counts[row * COLUMNS + col] += 1;
    }
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    let (cell_w, cell_h) = (WIDTH / COLUMNS as f64, height / rows as f64);
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="heatmap" role="img" aria-label="{label}" viewBox="0 0 {WIDTH} {height:.0}" xmlns="http://www.w3.org/2000/svg">"#
    );
    for ring in outline {
        let _ = write!(
            out,
            r##"<polygon points="{}" fill="#155e63" fill-opacity="0.05" stroke="#155e63" stroke-width="1.5"/>"##,
            frame.points(ring)
        );
    }
    for (i, count) in counts.iter().enumerate().filter(|(_, c)| **c > 0) {
        let (row, col) = (i / COLUMNS, i % COLUMNS);
        let _ = write!(
            out,
            r##"<rect x="{:.1}" y="{:.1}" width="{cell_w:.1}" height="{cell_h:.1}" fill="#b3261e" fill-opacity="{:.2}"><title>{count}</title></rect>"##,
            col as f64 * cell_w,
            row as f64 * cell_h,
            0.15 + 0.75 * f64::from(*count) / f64::from(max),
        );
    }
    out.push_str("</svg>");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_shaded_by_how_many_reports_they_hold() {
        let square = vec![vec![
            (29.0, 31.0),
            (29.0, 31.2),
            (29.2, 31.2),
            (29.2, 31.0),
            (29.0, 31.0),
        ]];
        let points = [
            (29.01, 31.01),
            (29.011, 31.011),
            (29.012, 31.012),
            (29.19, 31.19),
        ];
        let svg = svg(&points, &square, "map").expect("drawn");
        assert_eq!(svg.matches("<rect").count(), 2, "two cells hold reports");
        assert!(svg.contains("<title>3</title>"));
        assert!(
            svg.contains(r#"fill-opacity="0.90""#),
            "the fullest cell is darkest"
        );
        assert!(svg.contains(r#"fill-opacity="0.40""#), "one of three");
        assert!(svg.contains("<polygon"));
        assert_eq!(super::svg(&[], &[], "map"), None);
    }
}
