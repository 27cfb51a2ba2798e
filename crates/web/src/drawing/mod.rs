//! Drawings the capabilities share, as SVG drawn on the server so pages
//! work without JavaScript: line and bar charts, the heat map of a unit's
//! areas, and the vector base map's tiles for the pin maps.

pub mod charts;
pub mod heatmap;
pub mod maps;
pub mod tiles;
