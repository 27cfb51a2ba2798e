//! The deployment's own base map: vector tiles from its MBTiles file
//! (`map_tiles_file`) at `/tiles/{z}/{x}/{y}.pbf`, and a MapLibre style
//! for them at `/tiles/style.json`, drawn the same for any tile schema:
//! areas, lines and points of each layer, water blue, green spaces green,
//! roads white on grey. No tile server, no network.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use baladiya_domain::ErrorCode;
use serde_json::{Value, json};

use crate::http::error::WebError;
use crate::http::state::AppState;

/// Where the style is served.
pub const STYLE_PATH: &str = "/tiles/style.json";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(STYLE_PATH, get(style))
        .route("/tiles/{z}/{x}/{file}", get(tile))
}

async fn tile(
    State(state): State<AppState>,
    Path((z, x, file)): Path<(u8, u32, String)>,
) -> Result<Response, WebError> {
    let tiles = state
        .config
        .vector_tiles
        .as_ref()
        .ok_or(WebError::new(ErrorCode::NotFound))?;
    let y: u32 = file
        .strip_suffix(".pbf")
        .and_then(|y| y.parse().ok())
        .ok_or(WebError::new(ErrorCode::NotFound))?;
    let Some(data) = tiles
        .tile(z, x, y)
        .await
        .map_err(baladiya_app::AppError::from)?
    else {
        // An empty tile (the sea, the desert): nothing to draw.
        return Ok((StatusCode::NO_CONTENT, cache_headers()).into_response());
    };
    let mut headers = cache_headers();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-protobuf"),
    );
    if data.starts_with(&[0x1f, 0x8b]) {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    Ok((headers, data).into_response())
}

fn cache_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    headers
}

async fn style(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, WebError> {
    let tiles = state
        .config
        .vector_tiles
        .as_ref()
        .ok_or(WebError::new(ErrorCode::NotFound))?;
    let meta = &tiles.metadata;
    // MapLibre needs absolute tile URLs: this server's.
    let base = crate::http::client::base_url(&state, &headers);
    let mut source = json!({
        "type": "vector",
        "tiles": [format!("{base}/tiles/{{z}}/{{x}}/{{y}}.pbf")],
        "minzoom": meta.minzoom,
        "maxzoom": meta.maxzoom,
        "attribution": meta.attribution,
    });
    if let Some(bounds) = meta.bounds {
        source["bounds"] = json!(bounds);
    }
    let mut layers = vec![json!({
        "id": "background", "type": "background",
        "paint": {"background-color": "#f3f1ec"}
    })];
    for id in &meta.vector_layers {
        layers.extend(layer_styles(id));
    }
    let style = json!({
        "version": 8,
        "name": meta.name,
        "sources": {"base": source},
        "layers": layers,
    });
    Ok(([(header::CACHE_CONTROL, "no-cache")], axum::Json(style)).into_response())
}

/// The areas, lines and points of one vector layer, coloured by what its
/// name says it holds.
fn layer_styles(id: &str) -> Vec<Value> {
    let name = id.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
    let (fill, line, width) = if has(&["water", "river", "sea", "ocean"]) {
        ("#a9cfe0", "#7fb3cc", 1.0)
    } else if has(&["park", "landcover", "landuse", "green", "wood", "grass"]) {
        ("#dbe8cf", "#c5d8b4", 0.5)
    } else if has(&["building"]) {
        ("#ddd6cb", "#c8bfb1", 0.5)
    } else if has(&["road", "street", "transport", "highway"]) {
        ("#ffffff", "#ffffff", 3.0)
    } else if has(&["boundary", "admin"]) {
        ("#00000000", "#9c8fb0", 1.0)
    } else {
        ("#e8e4dc", "#b9b2a6", 1.0)
    };
    vec![
        json!({
            "id": format!("{id}-areas"), "type": "fill", "source": "base", "source-layer": id,
            "filter": ["==", "$type", "Polygon"],
            "paint": {"fill-color": fill, "fill-outline-color": line}
        }),
        json!({
            "id": format!("{id}-casing"), "type": "line", "source": "base", "source-layer": id,
            "filter": ["==", "$type", "LineString"],
            "paint": {"line-color": "#c9c2b6", "line-width": width + 1.5}
        }),
        json!({
            "id": format!("{id}-lines"), "type": "line", "source": "base", "source-layer": id,
            "filter": ["==", "$type", "LineString"],
            "paint": {"line-color": line, "line-width": width}
        }),
        json!({
            "id": format!("{id}-points"), "type": "circle", "source": "base", "source-layer": id,
            "filter": ["==", "$type", "Point"],
            "paint": {"circle-color": "#6b5e4a", "circle-radius": 2.5}
        }),
    ]
}
