//! Smart-city indicators: the catalog of definitions, the values Baladiya
//! computes from its own records, values entered by units and approved by
//! the unit above, scorecards, and published values.

mod catalog;
mod publish;
mod recompute;
mod scorecard;
mod values;

pub use catalog::{load_indicators, parse_indicators};
pub use publish::PublishedValue;
pub use scorecard::{PartValue, ScoreLine};
pub use values::{ReferenceForm, VALUES_CSV_HEADER, ValueForm};
