//! Sensors: the OGC SensorThings API's query language and entity model.

pub mod entity;
pub mod filter;
#[cfg(test)]
mod fuzz;
pub mod measure;
pub mod query;
pub mod rules;
