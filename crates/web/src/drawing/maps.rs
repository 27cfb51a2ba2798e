//! The settings every page with a pin map gives its template: the tile
//! server and its attribution, or the deployment's own vector base map;
//! and the content security policy that lets the page load those tiles.

use axum::http::{HeaderValue, header};
use axum::response::Response;

use crate::http::state::AppState;

/// The map's settings for a template: tiles only when configured.
pub struct MapSettings {
    pub tiles: String,
    pub attribution: String,
    /// The style of the deployment's own vector base map, when it has one
    /// (`map_tiles_file`): drawn with MapLibre GL.
    pub style: String,
}

pub fn map_settings(state: &AppState) -> MapSettings {
    let (tiles, attribution) = state.config.map_tiles.clone().unwrap_or_default();
    let style = if state.config.vector_tiles.is_some() {
        super::tiles::STYLE_PATH.to_owned()
    } else {
        String::new()
    };
    MapSettings {
        tiles,
        attribution,
        style,
    }
}

/// Pages with a map may load tiles from the configured tile server.
pub fn with_map_policy(state: &AppState, mut response: Response) -> Response {
    if let Some((url, _)) = &state.config.map_tiles {
        let origin: String = url
            .splitn(4, '/')
            .take(3)
            .collect::<Vec<_>>()
            .join("/")
            .replace(['{', '}'], "");
        let policy = format!(
            "default-src 'self'; img-src 'self' data: {origin}; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
        );
        if let Ok(value) = HeaderValue::from_str(&policy) {
            response
                .headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    response
}
