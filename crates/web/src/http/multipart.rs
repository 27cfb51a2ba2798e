//! Multipart forms read within bounds: a plain part holds 64 KiB, a file
//! part is refused (`413`) as soon as it passes its maximum, and a file
//! may be spooled to a temporary file with only its head in memory.

use axum::extract::multipart::Field;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::StatusCode;
use baladiya_app::applications::Upload;
use baladiya_domain::ErrorCode;
use tempfile::TempPath;
use tokio::io::AsyncWriteExt;

use crate::http::error::WebError;
use crate::http::state::AppState;

/// Largest plain (non-file) part of a multipart form.
const MAX_TEXT_PART: usize = 64 * 1024;

/// Reads a plain part, at most [`MAX_TEXT_PART`] bytes.
pub async fn read_text(field: &mut Field<'_>) -> Result<String, WebError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(malformed)? {
        if bytes.len() + chunk.len() > MAX_TEXT_PART {
            return Err(WebError::new(ErrorCode::PayloadTooLarge));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| WebError::new(ErrorCode::MalformedBody))
}

/// Reads a file part into memory, refusing it (`413`) as soon as it
/// passes `max` bytes.
pub async fn read_bytes(field: &mut Field<'_>, max: usize) -> Result<Vec<u8>, WebError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(malformed)? {
        if bytes.len() + chunk.len() > max {
            return Err(WebError::new(ErrorCode::PayloadTooLarge));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// Writes a file part to a temporary file as it arrives, refusing it
/// (`413`) as soon as it passes `max` bytes. Only its head stays in memory.
pub async fn spool(field: &mut Field<'_>, max: u64) -> Result<(u64, Vec<u8>, TempPath), WebError> {
    let internal = |e: std::io::Error| {
        WebError::from(baladiya_app::AppError::Internal(format!(
            "spooling an upload: {e}"
        )))
    };
    let (file, path) = tempfile::NamedTempFile::new()
        .map_err(internal)?
        .into_parts();
    let mut file = tokio::fs::File::from_std(file);
    let (mut size, mut head) = (0u64, Vec::new());
    while let Some(chunk) = field.chunk().await.map_err(malformed)? {
        size += chunk.len() as u64;
        if size > max {
            return Err(WebError::new(ErrorCode::PayloadTooLarge));
        }
        if head.len() < Upload::HEAD_BYTES {
            let take = chunk.len().min(Upload::HEAD_BYTES - head.len());
            head.extend_from_slice(&chunk[..take]);
        }
        file.write_all(&chunk).await.map_err(internal)?;
    }
    file.flush().await.map_err(internal)?;
    Ok((size, head, path))
}

pub fn malformed(error: axum::extract::multipart::MultipartError) -> WebError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        WebError::new(ErrorCode::PayloadTooLarge)
    } else {
        WebError::new(ErrorCode::MalformedBody)
    }
}

/// Multipart, with the rejection mapped to our codes.
pub async fn multipart_of(request: Request, state: &AppState) -> Result<Multipart, WebError> {
    Multipart::from_request(request, state)
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                WebError::new(ErrorCode::PayloadTooLarge)
            } else {
                WebError::new(ErrorCode::UnsupportedMediaType)
            }
        })
}
