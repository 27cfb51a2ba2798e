//! Org-unit boundaries and routing: a citizen's point goes to the smallest
//! unit whose polygon contains it (points on a border count as inside).
//! Boundaries come from GeoJSON, checked feature by feature.

use geo::line_intersection::LineIntersection;
use geo::sweep::{Cross, Intersections};
use geo::{
    Area, BoundingRect, Contains, Intersects, Line, LineString, MultiPolygon, Point, Polygon,
    RemoveRepeatedPoints,
};
use geojson::{GeoJson, Geometry, GeometryValue, Position};

use crate::org::UnitCode;

/// One unit's area.
#[derive(Debug, Clone, PartialEq)]
pub struct Boundary {
    pub unit: UnitCode,
    pub area: MultiPolygon<f64>,
}

impl Boundary {
    /// The outer rings of the area, as `(lat, lon)` points (for drawing).
    pub fn outer_rings(&self) -> Vec<Vec<(f64, f64)>> {
        self.area
            .0
            .iter()
            .map(|p| p.exterior().points().map(|pt| (pt.y(), pt.x())).collect())
            .collect()
    }

    /// The area as GeoJSON geometry text, as stored.
    pub fn to_geometry_json(&self) -> String {
        Geometry::from(&self.area).to_string()
    }

    /// A stored boundary back from its GeoJSON geometry text.
    pub fn from_geometry_json(unit: UnitCode, text: &str) -> Result<Self, &'static str> {
        let geometry: Geometry = text.parse().map_err(|_| "geometry-invalid")?;
        Ok(Self {
            unit,
            area: to_area(&geometry)?,
        })
    }
}

/// A problem with one feature of a boundaries file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundaryProblem {
    /// Index of the feature in the collection (`None`: the whole file).
    pub feature: Option<usize>,
    pub code: &'static str,
    pub detail: String,
}

impl std::fmt::Display for BoundaryProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.feature {
            Some(i) => write!(f, "feature {i}: {}", self.code)?,
            None => write!(f, "{}", self.code)?,
        }
        if !self.detail.is_empty() {
            write!(f, " ({})", self.detail)?;
        }
        Ok(())
    }
}

fn problem(
    feature: Option<usize>,
    code: &'static str,
    detail: impl Into<String>,
) -> BoundaryProblem {
    BoundaryProblem {
        feature,
        code,
        detail: detail.into(),
    }
}

/// Checks the rings of a GeoJSON polygon as written: closed, at least four
/// positions, longitude and latitude in range.
fn check_rings(rings: &[Vec<Position>]) -> Result<(), &'static str> {
    if rings.is_empty() {
        return Err("polygon-empty");
    }
    for ring in rings {
        if ring.len() < 4 {
            return Err("ring-too-short");
        }
        if ring.first() != ring.last() {
            return Err("ring-not-closed");
        }
        if ring.iter().map(Position::as_slice).any(|p| {
            p.len() < 2 || !(-180.0..=180.0).contains(&p[0]) || !(-90.0..=90.0).contains(&p[1])
        }) {
            return Err("coordinates-out-of-range");
        }
    }
    Ok(())
}

fn to_area(geometry: &Geometry) -> Result<MultiPolygon<f64>, &'static str> {
    let polygons: Vec<&Vec<Vec<Position>>> = match &geometry.value {
        GeometryValue::Polygon { coordinates } => vec![coordinates],
        GeometryValue::MultiPolygon { coordinates } => coordinates.iter().collect(),
        _ => return Err("geometry-not-polygon"),
    };
    for rings in polygons {
        check_rings(rings)?;
    }
    let area: MultiPolygon<f64> = match &geometry.value {
        GeometryValue::Polygon { .. } => MultiPolygon(vec![
            Polygon::<f64>::try_from(geometry.clone()).map_err(|_| "geometry-invalid")?,
        ]),
        _ => MultiPolygon::<f64>::try_from(geometry.clone()).map_err(|_| "geometry-invalid")?,
    };
    if !is_valid(&area) {
        return Err("polygon-invalid");
    }
    Ok(area)
}

/// One edge of a ring, named by its polygon, ring and place in the ring.
#[derive(Debug, Clone, Copy)]
struct Edge {
    polygon: usize,
    ring: usize,
    index: usize,
    /// How many edges its ring has.
    of: usize,
    line: Line<f64>,
}

impl Cross for Edge {
    type Scalar = f64;

    fn line(&self) -> Line<f64> {
        self.line
    }
}

/// Whether `area` is a valid (OGC simple features) multipolygon, in time
/// O((n + k) log n) for n edges and k intersections, where checking every
/// pair of edges (geo's `Validation`) takes O(n²) — minutes for a
/// full-resolution official boundary. Every ring has at least three
/// distinct points and no edge crossing or touching another of its ring
/// but its neighbours; rings may touch each other at points but never
/// cross or share an edge; each hole lies inside its exterior and outside
/// the other holes; no polygon lies inside another.
fn is_valid(area: &MultiPolygon<f64>) -> bool {
    let rings = |p: &Polygon<f64>| -> Vec<LineString<f64>> {
        std::iter::once(p.exterior().clone())
            .chain(p.interiors().iter().cloned())
            .collect()
    };
    let mut edges = Vec::new();
    for (polygon, p) in area.0.iter().enumerate() {
        for (ring, r) in rings(p).into_iter().enumerate() {
            let r = r.remove_repeated_points();
            if r.0.len() < 4 {
                return false;
            }
            let of = r.0.len() - 1;
            edges.extend(r.lines().enumerate().map(|(index, line)| Edge {
                polygon,
                ring,
                index,
                of,
                line,
            }));
        }
    }
    for (a, b, meeting) in Intersections::from_iter(edges) {
        let same_ring = a.polygon == b.polygon && a.ring == b.ring;
        let neighbours =
            same_ring && (a.index.abs_diff(b.index) == 1 || a.index.abs_diff(b.index) == a.of - 1);
        let allowed = match meeting {
            LineIntersection::SinglePoint { is_proper, .. } => {
                neighbours || (!same_ring && !is_proper)
            }
            LineIntersection::Collinear { .. } => false,
        };
        if !allowed {
            return false;
        }
    }
    // With no crossings, one vertex tells on which side a whole ring lies.
    let strictly_inside = |ring: &LineString<f64>, polygon: &Polygon<f64>| {
        ring.0.iter().any(|c| {
            polygon.contains(&Point::from(*c)) && !polygon.exterior().intersects(&Point::from(*c))
        }) && ring.0.iter().all(|c| polygon.intersects(&Point::from(*c)))
    };
    for p in &area.0 {
        let exterior = Polygon::new(p.exterior().clone(), vec![]);
        for (i, hole) in p.interiors().iter().enumerate() {
            if !hole.0.iter().all(|c| exterior.intersects(&Point::from(*c))) {
                return false;
            }
            for other in &p.interiors()[i + 1..] {
                let (a, b) = (
                    Polygon::new(hole.clone(), vec![]),
                    Polygon::new(other.clone(), vec![]),
                );
                if strictly_inside(other, &a) || strictly_inside(hole, &b) {
                    return false;
                }
            }
        }
    }
    for (i, p) in area.0.iter().enumerate() {
        for q in &area.0[i + 1..] {
            let boxes_meet = p
                .bounding_rect()
                .zip(q.bounding_rect())
                .is_some_and(|(a, b)| a.intersects(&b));
            if boxes_meet && (strictly_inside(q.exterior(), p) || strictly_inside(p.exterior(), q))
            {
                return false;
            }
        }
    }
    true
}

/// Parses a GeoJSON FeatureCollection whose features each have a `unit`
/// property (a unit code) and a Polygon or MultiPolygon geometry.
pub fn parse_boundaries(text: &str) -> Result<Vec<Boundary>, Vec<BoundaryProblem>> {
    // Files saved by some desktop GIS tools start with a byte-order mark.
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let geojson: GeoJson = text
        .parse()
        .map_err(|e: geojson::Error| vec![problem(None, "geojson-invalid", e.to_string())])?;
    let GeoJson::FeatureCollection(collection) = geojson else {
        return Err(vec![problem(None, "feature-collection-required", "")]);
    };
    let mut boundaries = Vec::new();
    let mut problems = Vec::new();
    for (i, feature) in collection.features.iter().enumerate() {
        let unit = feature
            .property("unit")
            .and_then(|v| v.as_str())
            .ok_or("unit-property-missing")
            .and_then(UnitCode::parse);
        let area = feature
            .geometry
            .as_ref()
            .ok_or("geometry-missing")
            .and_then(to_area);
        match (unit, area) {
            (Ok(unit), Ok(area)) => {
                if boundaries.iter().any(|b: &Boundary| b.unit == unit) {
                    problems.push(problem(Some(i), "unit-duplicate", unit.to_string()));
                } else {
                    boundaries.push(Boundary { unit, area });
                }
            }
            (unit, area) => {
                for code in [unit.err(), area.err()].into_iter().flatten() {
                    problems.push(problem(Some(i), code, ""));
                }
            }
        }
    }
    if boundaries.is_empty() && problems.is_empty() {
        problems.push(problem(None, "no-features", ""));
    }
    if problems.is_empty() {
        Ok(boundaries)
    } else {
        Err(problems)
    }
}

/// Routes points to units.
#[derive(Debug, Clone, Default)]
pub struct Router {
    /// Boundaries with their (planar, in square degrees) areas, smallest first.
    areas: Vec<(f64, Boundary)>,
}

impl Router {
    pub fn new(boundaries: Vec<Boundary>) -> Self {
        let mut areas: Vec<(f64, Boundary)> = boundaries
            .into_iter()
            .map(|b| (b.area.unsigned_area(), b))
            .collect();
        areas.sort_by(|a, b| a.0.total_cmp(&b.0));
        Self { areas }
    }

    /// The smallest unit whose area contains `(lat, lon)` — on its border
    /// included, in a hole not — or `None` outside every boundary.
    pub fn route(&self, lat: f64, lon: f64) -> Option<&UnitCode> {
        let point = Point::new(lon, lat);
        self.areas
            .iter()
            .find(|(_, b)| b.area.intersects(&point))
            .map(|(_, b)| &b.unit)
    }

    pub fn is_empty(&self) -> bool {
        self.areas.is_empty()
    }

    /// A point inside the unit's area (for a report placed by address
    /// only), as `(lat, lon)`.
    pub fn point_inside(&self, unit: &UnitCode) -> Option<(f64, f64)> {
        use geo::InteriorPoint;
        let (_, boundary) = self.areas.iter().find(|(_, b)| &b.unit == unit)?;
        let point = boundary.area.interior_point()?;
        Some((point.y(), point.x()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(
        unit: &str,
        x0: f64,
        y0: f64,
        x1: f64,
        y1: f64,
        hole: Option<(f64, f64, f64, f64)>,
    ) -> String {
        let ring = |a: f64, b: f64, c: f64, d: f64| {
            format!("[[{a},{b}],[{c},{b}],[{c},{d}],[{a},{d}],[{a},{b}]]")
        };
        let mut rings = vec![ring(x0, y0, x1, y1)];
        if let Some((a, b, c, d)) = hole {
            rings.push(ring(a, b, c, d));
        }
        format!(
            r#"{{"type":"Feature","properties":{{"unit":"{unit}"}},"geometry":{{"type":"Polygon","coordinates":[{}]}}}}"#,
            rings.join(",")
        )
    }

    fn collection(features: &[String]) -> String {
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )
    }

    fn router() -> Router {
        let text = collection(&[
            square("EG-GZ", 30.0, 29.0, 32.0, 31.0, None),
            square(
                "EG-GZ-BDR",
                31.0,
                29.5,
                31.5,
                30.0,
                Some((31.1, 29.6, 31.2, 29.7)),
            ),
            square("EG-GZ-BDR-SQR", 31.2, 29.8, 31.3, 29.9, None),
        ]);
        Router::new(parse_boundaries(&text).expect("valid"))
    }

    fn routed(r: &Router, lat: f64, lon: f64) -> Option<String> {
        r.route(lat, lon).map(|u| u.to_string())
    }

    #[test]
    fn the_smallest_containing_unit_wins() {
        let r = router();
        assert_eq!(routed(&r, 29.85, 31.25).as_deref(), Some("EG-GZ-BDR-SQR"));
        assert_eq!(routed(&r, 29.55, 31.4).as_deref(), Some("EG-GZ-BDR"));
        assert_eq!(routed(&r, 30.5, 30.5).as_deref(), Some("EG-GZ"));
        assert_eq!(routed(&r, 10.0, 10.0), None, "outside every boundary");
    }

    #[test]
    fn borders_count_as_inside_and_holes_do_not() {
        let r = router();
        assert_eq!(
            routed(&r, 29.9, 31.25).as_deref(),
            Some("EG-GZ-BDR-SQR"),
            "on the village's edge"
        );
        assert_eq!(
            routed(&r, 31.0, 31.0).as_deref(),
            Some("EG-GZ"),
            "on the governorate's edge"
        );
        assert_eq!(
            routed(&r, 29.65, 31.15).as_deref(),
            Some("EG-GZ"),
            "in the markaz's hole"
        );
        assert_eq!(
            routed(&r, 29.6, 31.15).as_deref(),
            Some("EG-GZ-BDR"),
            "on the hole's edge"
        );
    }

    #[test]
    fn a_point_inside_a_unit_routes_back_to_it() {
        let r = router();
        for unit in ["EG-GZ-BDR", "EG-GZ-BDR-SQR"] {
            let code = UnitCode::parse(unit).expect("valid in this test");
            let (lat, lon) = r.point_inside(&code).expect("has an area");
            assert_eq!(routed(&r, lat, lon).as_deref(), Some(unit));
        }
        assert_eq!(
            r.point_inside(&UnitCode::parse("SA-RY").expect("valid in this test")),
            None
        );
    }

    #[test]
    fn boundaries_round_trip_through_geojson_text() {
        let text = collection(&[square(
            "EG-GZ-BDR",
            31.0,
            29.5,
            31.5,
            30.0,
            Some((31.1, 29.6, 31.2, 29.7)),
        )]);
        let boundary = parse_boundaries(&text).expect("valid").remove(0);
        let stored = boundary.to_geometry_json();
        let back = Boundary::from_geometry_json(boundary.unit.clone(), &stored).expect("parses");
        assert_eq!(back, boundary);
    }

    #[test]
    fn bad_features_are_reported_each() {
        let open_ring = r#"{"type":"Feature","properties":{"unit":"EG-X"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}}"#;
        let bowtie = r#"{"type":"Feature","properties":{"unit":"EG-Y"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}}"#;
        let no_unit =
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[0,0]}}"#;
        let text = collection(&[
            open_ring.into(),
            bowtie.into(),
            no_unit.into(),
            square("EG-Z", 0.0, 0.0, 1.0, 1.0, None),
            square("EG-Z", 2.0, 2.0, 3.0, 3.0, None),
        ]);
        let problems = parse_boundaries(&text).expect_err("invalid");
        let codes: Vec<(Option<usize>, &str)> =
            problems.iter().map(|p| (p.feature, p.code)).collect();
        assert_eq!(
            codes,
            [
                (Some(0), "ring-not-closed"),
                (Some(1), "polygon-invalid"),
                (Some(2), "unit-property-missing"),
                (Some(2), "geometry-not-polygon"),
                (Some(4), "unit-duplicate"),
            ]
        );
        assert_eq!(
            parse_boundaries("{}").expect_err("not geojson")[0].code,
            "geojson-invalid"
        );
        assert_eq!(
            parse_boundaries(r#"{"type":"Point","coordinates":[0,0]}"#)
                .expect_err("not a collection")[0]
                .code,
            "feature-collection-required"
        );
    }

    fn ring(points: &[(f64, f64)]) -> LineString<f64> {
        let mut ring: LineString<f64> = points.to_vec().into();
        ring.close();
        ring
    }

    fn poly(exterior: &[(f64, f64)], holes: &[&[(f64, f64)]]) -> Polygon<f64> {
        Polygon::new(ring(exterior), holes.iter().map(|h| ring(h)).collect())
    }

    #[test]
    fn validity_agrees_with_the_simple_features_rules() {
        use geo::Validation;
        let square = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)];
        let far = [(20.0, 0.0), (30.0, 0.0), (30.0, 10.0), (20.0, 10.0)];
        let hole = [(2.0, 2.0), (4.0, 2.0), (4.0, 4.0), (2.0, 4.0)];
        let cases: Vec<(&str, MultiPolygon<f64>, bool)> = vec![
            ("square", MultiPolygon(vec![poly(&square, &[])]), true),
            (
                "bow tie",
                MultiPolygon(vec![poly(
                    &[(0.0, 0.0), (10.0, 10.0), (10.0, 0.0), (0.0, 10.0)],
                    &[],
                )]),
                false,
            ),
            (
                "with a hole",
                MultiPolygon(vec![poly(&square, &[&hole])]),
                true,
            ),
            (
                "hole crossing out",
                MultiPolygon(vec![poly(
                    &square,
                    &[&[(8.0, 2.0), (12.0, 2.0), (12.0, 4.0), (8.0, 4.0)]],
                )]),
                false,
            ),
            (
                "hole outside",
                MultiPolygon(vec![poly(
                    &square,
                    &[&[(12.0, 2.0), (14.0, 2.0), (14.0, 4.0), (12.0, 4.0)]],
                )]),
                false,
            ),
            (
                "hole in a hole",
                MultiPolygon(vec![poly(
                    &square,
                    &[&[(1.0, 1.0), (9.0, 1.0), (9.0, 9.0), (1.0, 9.0)], &hole],
                )]),
                false,
            ),
            (
                "holes crossing",
                MultiPolygon(vec![poly(
                    &square,
                    &[&hole, &[(3.0, 3.0), (5.0, 3.0), (5.0, 5.0), (3.0, 5.0)]],
                )]),
                false,
            ),
            (
                "two apart",
                MultiPolygon(vec![poly(&square, &[]), poly(&far, &[])]),
                true,
            ),
            (
                "overlapping",
                MultiPolygon(vec![
                    poly(&square, &[]),
                    poly(&[(5.0, 5.0), (15.0, 5.0), (15.0, 15.0), (5.0, 15.0)], &[]),
                ]),
                false,
            ),
            (
                "one inside another",
                MultiPolygon(vec![poly(&square, &[]), poly(&hole, &[])]),
                false,
            ),
            (
                "sharing an edge",
                MultiPolygon(vec![
                    poly(&square, &[]),
                    poly(&[(10.0, 0.0), (20.0, 0.0), (20.0, 10.0), (10.0, 10.0)], &[]),
                ]),
                false,
            ),
            (
                "island in a lake",
                MultiPolygon(vec![
                    poly(
                        &square,
                        &[&[(1.0, 1.0), (9.0, 1.0), (9.0, 9.0), (1.0, 9.0)]],
                    ),
                    poly(&hole, &[]),
                ]),
                true,
            ),
            (
                "collapsed",
                MultiPolygon(vec![poly(&[(0.0, 0.0), (10.0, 0.0), (0.0, 0.0)], &[])]),
                false,
            ),
        ];
        for (name, area, valid) in cases {
            assert_eq!(is_valid(&area), valid, "{name}");
            assert_eq!(area.is_valid(), valid, "{name}: geo's O(n²) check agrees");
        }
        // Touching at one point is allowed between rings, as in OGC.
        let touching = MultiPolygon(vec![
            poly(&square, &[]),
            poly(&[(10.0, 10.0), (20.0, 10.0), (20.0, 20.0)], &[]),
        ]);
        assert!(is_valid(&touching));
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        let text = format!(
            "\u{FEFF}{}",
            collection(&[square("EG-GZ", 31.0, 29.0, 32.0, 30.0, None)])
        );
        assert_eq!(parse_boundaries(&text).expect("valid").len(), 1);
    }

    #[test]
    fn a_boundary_of_many_vertices_is_checked_in_n_log_n() {
        let n = 100_000;
        let circle: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                let a = std::f64::consts::TAU * f64::from(i) / f64::from(n);
                (31.2 + 0.1 * a.cos(), 29.9 + 0.1 * a.sin())
            })
            .collect();
        assert!(is_valid(&MultiPolygon(vec![poly(&circle, &[])])));
        let mut crossed = circle.clone();
        crossed.swap(10, 50_000);
        assert!(!is_valid(&MultiPolygon(vec![poly(&crossed, &[])])));
    }
}
