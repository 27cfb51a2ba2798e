//! Static assets embedded in the binary, so pages work with no internet.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use baladiya_domain::ErrorCode;

use crate::http::error::WebError;

/// (path under /assets/, content type, bytes)
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/app.js"),
    ),
    (
        "reports-map.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/reports-map.js"),
    ),
    (
        "leaflet/leaflet.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/leaflet/leaflet.js"),
    ),
    (
        "leaflet/leaflet.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/leaflet/leaflet.css"),
    ),
    (
        "leaflet/leaflet-maplibre-gl.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/leaflet/leaflet-maplibre-gl.js"),
    ),
    (
        "maplibre/maplibre-gl-csp.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/maplibre/maplibre-gl-csp.js"),
    ),
    (
        "maplibre/maplibre-gl-csp-worker.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/maplibre/maplibre-gl-csp-worker.js"),
    ),
    (
        "maplibre/maplibre-gl.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/maplibre/maplibre-gl.css"),
    ),
    font!("ibm-plex-sans-arabic-arabic-400-normal.woff2"),
    font!("ibm-plex-sans-arabic-arabic-700-normal.woff2"),
    font!("ibm-plex-sans-arabic-latin-400-normal.woff2"),
    font!("ibm-plex-sans-arabic-latin-700-normal.woff2"),
];

macro_rules! font {
    ($file:literal) => {
        (
            concat!("fonts/", $file),
            "font/woff2",
            include_bytes!(concat!("../../assets/fonts/", $file)),
        )
    };
}
use font;

pub async fn asset(Path(path): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, _, _)| *name == path) {
        Some((_, content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=86400"),
                ),
            ],
            *bytes,
        )
            .into_response(),
        None => WebError::new(ErrorCode::NotFound).into_response(),
    }
}
