//! Tells the integration tests what this machine can run, so that a test
//! whose service is absent is reported `ignored` with the reason rather
//! than `ok` having checked nothing:
//! - `baladiya_postgres`: `BALADIYA_TEST_POSTGRES_URL` is set;
//! - `baladiya_browser`: Debian's Chromium and the browser tests' npm
//!   packages are there.
//!
//! In CI (`CI` set) both are on whatever the machine has: a missing piece
//! fails its tests there instead of hiding them.

use std::path::Path;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(baladiya_postgres)");
    println!("cargo::rustc-check-cfg=cfg(baladiya_browser)");
    for variable in ["BALADIYA_TEST_POSTGRES_URL", "CI", "CHROMIUM"] {
        println!("cargo::rerun-if-env-changed={variable}");
    }
    println!("cargo::rerun-if-changed=tests/browser/package-lock.json");
    let ci = std::env::var_os("CI").is_some();
    let postgres = std::env::var("BALADIYA_TEST_POSTGRES_URL").is_ok_and(|url| !url.is_empty());
    if ci || postgres {
        println!("cargo::rustc-cfg=baladiya_postgres");
    }
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    println!("cargo::rerun-if-changed={chromium}");
    let packages = Path::new("tests/browser/node_modules/playwright-core/package.json");
    println!("cargo::rerun-if-changed={}", packages.display());
    if ci || (Path::new(&chromium).exists() && packages.exists()) {
        println!("cargo::rustc-cfg=baladiya_browser");
    }
}
