//! Baladiya's one integration-test binary: the storage conformance suite,
//! HTTP tests against the real server on a real port, the binary itself,
//! and browser tests. Storage and HTTP tests run on SQLite and — when
//! `BALADIYA_TEST_POSTGRES_URL` is set (CI always sets it) — on PostgreSQL,
//! each test on a fresh database.

mod accounts;
mod applications;
mod ballot_box;
mod basemap;
mod binary;
mod boundaries;
mod browser;
mod hardening;
mod http;
mod indicators;
mod metrics;
mod mqtt_hardening;
mod notifications;
mod oidc;
mod open311;
mod participation;
mod payments;
mod process;
mod proposals;
mod reports;
mod sensors;
mod sta_hardening;
mod storage;
mod submissions;
mod support;
mod training;
mod wording;
