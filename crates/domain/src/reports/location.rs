//! Where a report is: a WGS84 point, distances between points, and the
//! radius within which open reports of the same category are offered as
//! possible duplicates.

use geo::{Distance, Haversine};

/// A point on the earth in WGS84 degrees. Exists only with a latitude in
/// -90..=90 and a longitude in -180..=180 (both finite).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Location {
    lat: f64,
    lon: f64,
}

/// How close (in metres) an open report of the same category must be to be
/// suggested as a possible duplicate.
pub const DUPLICATE_RADIUS_M: f64 = 75.0;

impl Location {
    pub fn new(lat: f64, lon: f64) -> Result<Self, &'static str> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err("latitude-invalid");
        }
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err("longitude-invalid");
        }
        Ok(Self { lat, lon })
    }

    /// Parses the text of a form or query field (Arabic-Indic digits and
    /// the Arabic decimal separator accepted).
    pub fn parse(lat: &str, lon: &str) -> Result<Self, (&'static str, &'static str)> {
        let lat = parse_degrees(lat).ok_or(("lat", "latitude-invalid"))?;
        let lon = parse_degrees(lon).ok_or(("long", "longitude-invalid"))?;
        Self::new(lat, lon).map_err(|code| {
            if code == "latitude-invalid" {
                ("lat", code)
            } else {
                ("long", code)
            }
        })
    }

    pub fn lat(self) -> f64 {
        self.lat
    }

    pub fn lon(self) -> f64 {
        self.lon
    }

    /// Great-circle distance in metres.
    pub fn distance_m(self, other: Location) -> f64 {
        Haversine.distance(
            geo::Point::new(self.lon, self.lat),
            geo::Point::new(other.lon, other.lat),
        )
    }

    /// A latitude/longitude box that holds every point within `metres`
    /// (for an index scan before the exact distance check).
    pub fn bounding_box(self, metres: f64) -> (Location, Location) {
        let dlat = metres / 111_320.0;
        let dlon = metres / (111_320.0 * self.lat.to_radians().cos().max(0.01));
        (
            Location {
                lat: (self.lat - dlat).max(-90.0),
                lon: (self.lon - dlon).max(-180.0),
            },
            Location {
                lat: (self.lat + dlat).min(90.0),
                lon: (self.lon + dlon).min(180.0),
            },
        )
    }

    /// Is `other` close enough to be a possible duplicate?
    pub fn is_near(self, other: Location) -> bool {
        self.distance_m(other) <= DUPLICATE_RADIUS_M
    }
}

fn parse_degrees(text: &str) -> Option<f64> {
    let ascii: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
            '٫' => '.',
            c => c,
        })
        .collect();
    if ascii.is_empty() {
        return None;
    }
    ascii.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_real_coordinates_exist() {
        assert!(Location::new(29.85, 31.27).is_ok());
        assert_eq!(Location::new(90.5, 31.0), Err("latitude-invalid"));
        assert_eq!(Location::new(29.0, -181.0), Err("longitude-invalid"));
        assert_eq!(Location::new(f64::NAN, 31.0), Err("latitude-invalid"));
        assert_eq!(
            Location::parse("٢٩٫٨٥", "31.27").map(|l| (l.lat(), l.lon())),
            Ok((29.85, 31.27))
        );
        assert_eq!(Location::parse("", "31"), Err(("lat", "latitude-invalid")));
        assert_eq!(
            Location::parse("29", "east"),
            Err(("long", "longitude-invalid"))
        );
    }

    #[test]
    fn duplicate_radius_is_measured_on_the_ground() {
        let here = Location::new(29.8500, 31.2700).expect("valid in this test");
        // 0.0006° of latitude is about 67 m: near; 0.0008° is about 89 m: not.
        assert!(here.is_near(Location::new(29.8506, 31.2700).expect("valid in this test")));
        assert!(!here.is_near(Location::new(29.8508, 31.2700).expect("valid in this test")));
        // East-west degrees are shorter at this latitude (cos 29.85° ≈ 0.867):
        // 0.0007° of longitude is about 68 m.
        assert!(here.is_near(Location::new(29.8500, 31.2707).expect("valid in this test")));
        let d = here.distance_m(Location::new(29.8509, 31.2700).expect("valid in this test"));
        assert!((d - 100.0).abs() < 1.0, "{d}");
    }

    #[test]
    fn the_bounding_box_holds_the_radius() {
        let here = Location::new(24.7136, 46.6753).expect("valid in this test");
        let (low, high) = here.bounding_box(DUPLICATE_RADIUS_M);
        for (lat, lon) in [
            (low.lat, here.lon),
            (high.lat, here.lon),
            (here.lat, low.lon),
            (here.lat, high.lon),
        ] {
            let edge = Location::new(lat, lon).expect("valid in this test");
            assert!(here.distance_m(edge) >= DUPLICATE_RADIUS_M - 0.5);
        }
    }
}
