//! Landmarks of the catalog (`landmarks.toml`): named places citizens give
//! instead of coordinates («قرب هرم زوسر»).

use std::path::Path;

use baladiya_domain::org::BilingualName;
use baladiya_domain::reports::location::Location;
use serde::Deserialize;

use crate::catalog::CatalogProblem;

/// A named place.
#[derive(Debug, Clone, PartialEq)]
pub struct Landmark {
    pub name: BilingualName,
    pub location: Location,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    landmarks: Vec<Raw>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    name: RawName,
    lat: f64,
    lon: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawName {
    ar: String,
    en: String,
}

/// Reads a landmarks file; every problem is reported with its place.
pub fn parse_landmarks(file: &Path, text: &str) -> Result<Vec<Landmark>, Vec<CatalogProblem>> {
    let problem = |line: usize, field: String, code: &'static str, detail: String| CatalogProblem {
        file: file.to_owned(),
        line,
        field,
        code,
        detail,
    };
    let parsed: File = toml::from_str(text).map_err(|e| {
        vec![CatalogProblem::syntax(
            file,
            text,
            "",
            "landmarks-invalid",
            &e,
        )]
    })?;
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for (i, raw) in parsed.landmarks.into_iter().enumerate() {
        let name = BilingualName::parse(&raw.name.ar, &raw.name.en);
        let location = Location::new(raw.lat, raw.lon);
        match (name, location) {
            (Ok(name), Ok(location)) => found.push(Landmark { name, location }),
            (Err(_), _) => problems.push(problem(
                0,
                format!("landmarks[{i}].name"),
                "required",
                String::new(),
            )),
            (_, Err(_)) => problems.push(problem(
                0,
                format!("landmarks[{i}].lat"),
                "location-invalid",
                String::new(),
            )),
        }
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(problems)
    }
}
