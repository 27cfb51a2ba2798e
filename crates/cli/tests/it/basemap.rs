//! The deployment's own base map: vector tiles from an MBTiles file the
//! test makes, served at /tiles/ with a MapLibre style, offline.

use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{Engine, TestApp, Tuning};

crate::on_both_engines!(the_maps_draw_streets_from_a_local_tile_file);

/// A protobuf varint.
fn varint(mut n: u64, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn field(number: u32, bytes: &[u8], out: &mut Vec<u8>) {
    varint(u64::from(number << 3 | 2), out);
    varint(bytes.len() as u64, out);
    out.extend_from_slice(bytes);
}

fn zigzag(n: i32) -> u64 {
    u64::from(((n << 1) ^ (n >> 31)) as u32)
}

/// A Mapbox Vector Tile 2.1 feature: `kind` 2 (line) or 3 (polygon),
/// through `points` in tile units.
fn feature(id: u64, kind: u64, points: &[(i32, i32)]) -> Vec<u8> {
    let mut geometry = Vec::new();
    let (mut x, mut y) = (0, 0);
    for (i, (px, py)) in points.iter().enumerate() {
        if i == 0 {
            varint(9, &mut geometry); // MoveTo, 1
        } else if i == 1 {
            varint(2 | ((points.len() as u64 - 1) << 3), &mut geometry); // LineTo, n-1
        }
        varint(zigzag(px - x), &mut geometry);
        varint(zigzag(py - y), &mut geometry);
        (x, y) = (*px, *py);
    }
    if kind == 3 {
        varint(15, &mut geometry); // ClosePath
    }
    let mut out = Vec::new();
    varint(1 << 3, &mut out);
    varint(id, &mut out);
    varint(3 << 3, &mut out);
    varint(kind, &mut out);
    field(4, &geometry, &mut out);
    out
}

fn layer(name: &str, features: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    varint(15 << 3, &mut out);
    varint(2, &mut out); // version
    field(1, name.as_bytes(), &mut out);
    for f in features {
        field(2, f, &mut out);
    }
    varint(5 << 3, &mut out);
    varint(4096, &mut out); // extent
    out
}

/// The world tile (zoom 0) with water around Badrashin and a road across
/// it: overzoomed, it covers the demo's units.
pub fn world_tile() -> Vec<u8> {
    let (lat, lon) = (29.87_f64, 31.25_f64);
    let x = ((lon + 180.0) / 360.0 * 4096.0) as i32;
    let rad = lat.to_radians();
    let y =
        ((1.0 - (rad.tan() + 1.0 / rad.cos()).ln() / std::f64::consts::PI) / 2.0 * 4096.0) as i32;
    let water = feature(
        1,
        3,
        &[
            (x - 2, y - 2),
            (x + 2, y - 2),
            (x + 2, y + 2),
            (x - 2, y + 2),
        ],
    );
    let road = feature(2, 2, &[(x - 3, y), (x + 3, y)]);
    let mut tile = Vec::new();
    field(3, &layer("water", &[water]), &mut tile);
    field(3, &layer("roads", &[road]), &mut tile);
    tile
}

/// An MBTiles file holding [`world_tile`], in `dir`.
pub async fn tiles_file(dir: &std::path::Path) -> baladiya_store::MbTiles {
    let path = dir.join("base.mbtiles");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let pool = sqlx::SqlitePool::connect(&url).await.expect("create");
    for sql in [
        "CREATE TABLE metadata (name TEXT, value TEXT)",
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)",
        "INSERT INTO metadata VALUES ('name', 'Giza test'), ('format', 'pbf'), ('minzoom', '0'), \
         ('maxzoom', '0'), ('bounds', '30.8,29.6,31.6,30.2'), \
         ('json', '{\"vector_layers\":[{\"id\":\"water\"},{\"id\":\"roads\"}]}')",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&pool)
            .await
            .expect("sql");
    }
    sqlx::query("INSERT INTO tiles VALUES (0, 0, 0, ?)")
        .bind(world_tile())
        .execute(&pool)
        .await
        .expect("tile");
    pool.close().await;
    baladiya_store::MbTiles::open(&path.display().to_string())
        .await
        .expect("opens")
}

async fn the_maps_draw_streets_from_a_local_tile_file(engine: Engine) {
    let dir = tempfile::tempdir().expect("temp dir");
    let tiles = tiles_file(dir.path()).await;
    assert_eq!(tiles.metadata.vector_layers, ["water", "roads"]);
    let Some(app) = TestApp::spawn_tuned(
        engine,
        Tuning {
            vector_tiles: Some(tiles),
            ..Tuning::default()
        },
    )
    .await
    else {
        return;
    };
    let style: Value = app
        .client
        .get(app.url("/tiles/style.json"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(style["version"], 8);
    assert_eq!(
        style["sources"]["base"]["tiles"][0],
        app.url("/tiles/{z}/{x}/{y}.pbf")
    );
    let ids: Vec<&str> = style["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .filter_map(|l| l["id"].as_str())
        .collect();
    assert!(
        ids.contains(&"water-areas") && ids.contains(&"roads-lines"),
        "{ids:?}"
    );
    let tile = app
        .client
        .get(app.url("/tiles/0/0/0.pbf"))
        .send()
        .await
        .expect("request");
    assert_eq!(tile.status(), StatusCode::OK);
    assert_eq!(tile.headers()["content-type"], "application/x-protobuf");
    assert_eq!(tile.bytes().await.expect("bytes").to_vec(), world_tile());
    let empty = app
        .client
        .get(app.url("/tiles/3/1/1.pbf"))
        .send()
        .await
        .expect("request");
    assert_eq!(empty.status(), StatusCode::NO_CONTENT, "no tile there");
    for path in ["/tiles/0/0/0.png", "/tiles/0/1/0.pbf"] {
        let response = app.client.get(app.url(path)).send().await.expect("request");
        assert!(
            matches!(
                response.status(),
                StatusCode::NOT_FOUND | StatusCode::NO_CONTENT
            ),
            "{path}"
        );
    }
    let form = crate::support::html(&app.client, app.url("/reports/new")).await;
    assert!(form.contains("data-style=\"/tiles/style.json\""));
    assert!(form.contains("/assets/maplibre/maplibre-gl-csp.js"));
    app.stop().await;

    // Without a tile file: the plain outline map, no MapLibre.
    let Some(plain) = TestApp::spawn(engine).await else {
        return;
    };
    let form = crate::support::html(&plain.client, plain.url("/reports/new")).await;
    assert!(form.contains("data-style=\"\"") && !form.contains("maplibre"));
    let style = plain
        .client
        .get(plain.url("/tiles/style.json"))
        .send()
        .await
        .expect("request");
    assert_eq!(style.status(), StatusCode::NOT_FOUND);
    plain.stop().await;
}
