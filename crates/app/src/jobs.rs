//! The background jobs' runs (notification delivery, escalation, the
//! indicators' refresh, purges…), counted per job and outcome so operators
//! see them at `/metrics` beside the requests.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use crate::App;

/// One job's runs so far in this process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobRuns {
    pub succeeded: u64,
    pub failed: u64,
    pub last_run: Option<DateTime<Utc>>,
}

/// Every job's runs, shared by the App's clones.
#[derive(Debug, Clone, Default)]
pub struct Jobs(Arc<Mutex<BTreeMap<&'static str, JobRuns>>>);

impl App {
    /// Counts a run of `job`, which succeeded or not.
    pub fn job_ran(&self, job: &'static str, succeeded: bool) {
        if let Ok(mut jobs) = self.jobs.0.lock() {
            let runs = jobs.entry(job).or_default();
            if succeeded {
                runs.succeeded += 1;
            } else {
                runs.failed += 1;
            }
            runs.last_run = Some(self.now());
        }
    }

    /// Each job's runs, by name.
    pub fn job_runs(&self) -> Vec<(&'static str, JobRuns)> {
        self.jobs
            .0
            .lock()
            .map(|jobs| jobs.iter().map(|(k, v)| (*k, *v)).collect())
            .unwrap_or_default()
    }
}
