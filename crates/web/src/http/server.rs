//! The HTTP server loop: hyper's HTTP/1 connections with a header-read
//! timeout, a cap on open connections (below the process's file-descriptor
//! limit), each request told its peer address, and graceful shutdown.
//!
//! An idle keep-alive connection is closed once the header-read timeout
//! passes. A client that sends its next request on it just then finds it
//! closed under its request ("connection closed before message
//! completed"). So every answer says `Keep-Alive: timeout=N`, N half that
//! timeout: a client that honours it closes first. (reqwest and hyper do
//! not read it; Baladiya's own benchmark clients keep idle connections
//! for less than N instead.)

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// Limits on connections, against idle and trickling clients (slowloris).
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// A connection must send a request's whole head within this time,
    /// counted from when it opens or its previous answer was sent; else it
    /// is closed. Idle keep-alive connections close after it too.
    pub header_read_timeout: Duration,
    /// Connections open at once; further clients wait in the kernel's
    /// backlog. Lowered to fit the process's open-file limit.
    pub max_connections: usize,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            max_connections: 4096,
        }
    }
}

impl ServeOptions {
    /// How long, in whole seconds, a client may keep a connection idle
    /// and still find it open: half the time after which it is closed.
    pub fn keep_alive_hint(&self) -> u64 {
        (self.header_read_timeout.as_secs() / 2).max(1)
    }
}

/// The soft limit on open files of this process (Linux), if known.
fn open_file_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// How many connections to allow: the configured cap, but always leaving
/// 64 descriptors for the database, attachments and logs.
fn connection_cap(configured: usize) -> usize {
    match open_file_limit() {
        Some(limit) => configured.min(limit.saturating_sub(64)).max(1),
        None => configured,
    }
}

/// Serves until `shutdown` resolves, then stops taking connections and
/// lets requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    options: &ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let cap = connection_cap(options.max_connections);
    let slots = Arc::new(Semaphore::new(cap));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout);
    tracing::debug!(max_connections = cap, "accepting connections");
    let keep_alive =
        axum::http::HeaderValue::from_str(&format!("timeout={}", options.keep_alive_hint()))
            .unwrap_or_else(|_| axum::http::HeaderValue::from_static("timeout=1"));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of descriptors or a connection reset before it
                    // was taken: wait a little rather than spin.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let keep_alive = keep_alive.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let answer = router.clone().oneshot(request);
            let keep_alive = keep_alive.clone();
            async move {
                let mut response = answer.await?;
                response.headers_mut().insert(
                    axum::http::header::HeaderName::from_static("keep-alive"),
                    keep_alive,
                );
                Ok::<_, std::convert::Infallible>(response)
            }
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, %peer, "connection ended");
            }
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// The peer of a request, as the server loop recorded it.
pub fn peer_of(parts: &axum::http::request::Parts) -> Option<SocketAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| *addr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_leaves_room_below_the_file_limit() {
        let cap = connection_cap(usize::MAX);
        if let Some(limit) = open_file_limit() {
            assert_eq!(cap, limit.saturating_sub(64).max(1));
        }
        assert!(connection_cap(10) <= 10);
    }
}
