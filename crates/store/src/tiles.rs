//! A base map's vector tiles from an MBTiles file (the SQLite layout of the
//! MBTiles 1.3 specification): opened read-only beside the main database,
//! so a deployment serves its own streets with no tile server.

use std::str::FromStr;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

use crate::StoreError;

/// An open MBTiles file and what its metadata says.
#[derive(Debug, Clone)]
pub struct MbTiles {
    pool: SqlitePool,
    pub metadata: TilesMetadata,
}

/// The `metadata` table's keys Baladiya uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TilesMetadata {
    pub name: String,
    /// `pbf` for vector tiles; `png`, `jpg` or `webp` for raster ones.
    pub format: String,
    pub minzoom: u8,
    pub maxzoom: u8,
    /// west, south, east, north.
    pub bounds: Option<[f64; 4]>,
    pub attribution: String,
    /// The vector layers' ids (from the `json` key), to style each one.
    pub vector_layers: Vec<String>,
}

impl MbTiles {
    /// Opens `path` read-only and reads its metadata.
    pub async fn open(path: &str) -> Result<MbTiles, StoreError> {
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))?
            .read_only(true)
            .immutable(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        let rows: Vec<(String, String)> = sqlx::query_as("SELECT name, value FROM metadata")
            .fetch_all(&pool)
            .await?;
        let get = |key: &str| {
            rows.iter()
                .find(|(name, _)| name == key)
                .map(|(_, value)| value.clone())
        };
        let bounds = get("bounds").and_then(|b| {
            let parts: Vec<f64> = b.split(',').filter_map(|x| x.trim().parse().ok()).collect();
            <[f64; 4]>::try_from(parts).ok()
        });
        let vector_layers = get("json")
            .and_then(|json| serde_json::from_str::<serde_json::Value>(&json).ok())
            .and_then(|json| {
                json["vector_layers"].as_array().map(|layers| {
                    layers
                        .iter()
                        .filter_map(|l| l["id"].as_str().map(str::to_owned))
                        .collect()
                })
            })
            .unwrap_or_default();
        let metadata = TilesMetadata {
            name: get("name").unwrap_or_default(),
            format: get("format").unwrap_or_else(|| "pbf".to_owned()),
            minzoom: get("minzoom").and_then(|z| z.parse().ok()).unwrap_or(0),
            maxzoom: get("maxzoom").and_then(|z| z.parse().ok()).unwrap_or(14),
            bounds,
            attribution: get("attribution").unwrap_or_default(),
            vector_layers,
        };
        Ok(MbTiles { pool, metadata })
    }

    /// The tile at zoom `z`, column `x`, row `y` counted from the top (as
    /// web maps ask; MBTiles counts rows from the bottom), as stored
    /// (vector tiles are usually gzip-compressed).
    pub async fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, StoreError> {
        if z > 30 || u64::from(x) >= 1 << z || u64::from(y) >= 1 << z {
            return Ok(None);
        }
        let row = (1u64 << z) - 1 - u64::from(y);
        Ok(sqlx::query_scalar(
            "SELECT tile_data FROM tiles WHERE zoom_level = $1 AND tile_column = $2 AND tile_row = $3",
        )
        .bind(i64::from(z))
        .bind(i64::from(x))
        .bind(row as i64)
        .fetch_optional(&self.pool)
        .await?)
    }
}
