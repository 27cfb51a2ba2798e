//! The SensorThings API 1.1 Sensing entities: their collections, own
//! properties (which are required) and navigation properties.

/// The largest an entity's own properties may be stored, as JSON in
/// bytes (a Thing's `properties` included; for an Observation, its result
/// and its `parameters`, `resultQuality` and `validTime` together):
/// every read of the entity pays for what it holds.
pub const MAX_ENTITY_BYTES: usize = 64 * 1024;
/// The most operations of one JSON Patch document.
pub const MAX_PATCH_OPERATIONS: usize = 100;

/// An entity type of the Sensing part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Thing,
    Location,
    HistoricalLocation,
    Datastream,
    Sensor,
    ObservedProperty,
    Observation,
    FeatureOfInterest,
}

/// A navigation property: its name, the entity type it leads to, and
/// whether it leads to a collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Navigation {
    pub name: &'static str,
    pub to: Kind,
    pub many: bool,
}

const fn one(name: &'static str, to: Kind) -> Navigation {
    Navigation {
        name,
        to,
        many: false,
    }
}

const fn many(name: &'static str, to: Kind) -> Navigation {
    Navigation {
        name,
        to,
        many: true,
    }
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Thing,
        Kind::Location,
        Kind::HistoricalLocation,
        Kind::Datastream,
        Kind::Sensor,
        Kind::ObservedProperty,
        Kind::Observation,
        Kind::FeatureOfInterest,
    ];

    /// The singular name (`Thing`), as stored and as a navigation to one.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Thing => "Thing",
            Kind::Location => "Location",
            Kind::HistoricalLocation => "HistoricalLocation",
            Kind::Datastream => "Datastream",
            Kind::Sensor => "Sensor",
            Kind::ObservedProperty => "ObservedProperty",
            Kind::Observation => "Observation",
            Kind::FeatureOfInterest => "FeatureOfInterest",
        }
    }

    /// The collection's name in URLs (`Things`).
    pub fn collection(self) -> &'static str {
        match self {
            Kind::Thing => "Things",
            Kind::Location => "Locations",
            Kind::HistoricalLocation => "HistoricalLocations",
            Kind::Datastream => "Datastreams",
            Kind::Sensor => "Sensors",
            Kind::ObservedProperty => "ObservedProperties",
            Kind::Observation => "Observations",
            Kind::FeatureOfInterest => "FeaturesOfInterest",
        }
    }

    pub fn from_collection(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.collection() == name)
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The entity's own properties and whether each is required on create.
    pub fn properties(self) -> &'static [(&'static str, bool)] {
        match self {
            Kind::Thing => &[("name", true), ("description", true), ("properties", false)],
            Kind::Location => &[
                ("name", true),
                ("description", true),
                ("encodingType", true),
                ("location", true),
                ("properties", false),
            ],
            Kind::HistoricalLocation => &[("time", true)],
            Kind::Datastream => &[
                ("name", true),
                ("description", true),
                ("unitOfMeasurement", true),
                ("observationType", true),
                ("observedArea", false),
                ("phenomenonTime", false),
                ("resultTime", false),
                ("properties", false),
            ],
            Kind::Sensor => &[
                ("name", true),
                ("description", true),
                ("encodingType", true),
                ("metadata", true),
                ("properties", false),
            ],
            Kind::ObservedProperty => &[
                ("name", true),
                ("definition", true),
                ("description", true),
                ("properties", false),
            ],
            Kind::Observation => &[
                ("phenomenonTime", false),
                ("result", true),
                ("resultTime", false),
                ("resultQuality", false),
                ("validTime", false),
                ("parameters", false),
            ],
            Kind::FeatureOfInterest => &[
                ("name", true),
                ("description", true),
                ("encodingType", true),
                ("feature", true),
                ("properties", false),
            ],
        }
    }

    /// The entity's navigation properties.
    pub fn navigation(self) -> &'static [Navigation] {
        const THING: &[Navigation] = &[
            many("Locations", Kind::Location),
            many("HistoricalLocations", Kind::HistoricalLocation),
            many("Datastreams", Kind::Datastream),
        ];
        const LOCATION: &[Navigation] = &[
            many("Things", Kind::Thing),
            many("HistoricalLocations", Kind::HistoricalLocation),
        ];
        const HISTORICAL: &[Navigation] =
            &[one("Thing", Kind::Thing), many("Locations", Kind::Location)];
        const DATASTREAM: &[Navigation] = &[
            one("Thing", Kind::Thing),
            one("Sensor", Kind::Sensor),
            one("ObservedProperty", Kind::ObservedProperty),
            many("Observations", Kind::Observation),
        ];
        const SENSOR: &[Navigation] = &[many("Datastreams", Kind::Datastream)];
        const OBSERVATION: &[Navigation] = &[
            one("Datastream", Kind::Datastream),
            one("FeatureOfInterest", Kind::FeatureOfInterest),
        ];
        const FEATURE: &[Navigation] = &[many("Observations", Kind::Observation)];
        match self {
            Kind::Thing => THING,
            Kind::Location => LOCATION,
            Kind::HistoricalLocation => HISTORICAL,
            Kind::Datastream => DATASTREAM,
            Kind::Sensor | Kind::ObservedProperty => SENSOR,
            Kind::Observation => OBSERVATION,
            Kind::FeatureOfInterest => FEATURE,
        }
    }

    pub fn navigation_to(self, name: &str) -> Option<Navigation> {
        self.navigation().iter().copied().find(|n| n.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_navigation_has_its_way_back() {
        for kind in Kind::ALL {
            assert_eq!(Kind::from_collection(kind.collection()), Some(kind));
            assert_eq!(Kind::from_name(kind.name()), Some(kind));
            for nav in kind.navigation() {
                let back = nav.to.navigation().iter().any(|b| b.to == kind);
                assert!(back, "{} → {} has no way back", kind.name(), nav.name);
                let expected = if nav.many {
                    nav.to.collection()
                } else {
                    nav.to.name()
                };
                assert_eq!(nav.name, expected);
            }
        }
    }
}
