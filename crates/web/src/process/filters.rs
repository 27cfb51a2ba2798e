//! What the procedure analytics pages share: the filters of a view
//! (service, unit, channel, period) read from the query, the names of
//! steps, services and units in the page's language, and figures in words.

use std::collections::HashMap;

use baladiya_app::AppError;
use baladiya_app::process::LogQuery;
use baladiya_domain::country::Country;
use baladiya_domain::process::Durations;
use baladiya_domain::process::analysis::Selector;
use baladiya_domain::process::conformance::Deviation;
use serde::Deserialize;

use crate::http::auth::urlencode;
use crate::http::i18n::Tr;
use crate::http::state::AppState;

/// The page's filters, and which cases to list.
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct ProcessQuery {
    #[serde(default)]
    pub(super) service: String,
    #[serde(default)]
    pub(super) unit: String,
    #[serde(default)]
    pub(super) channel: String,
    #[serde(default)]
    pub(super) from: String,
    #[serde(default)]
    pub(super) to: String,
    /// A second unit, compared with `unit`.
    #[serde(default)]
    pub(super) compare: String,
    /// The cases to list: `variant`, `arc`, `over_sla`, `deviation`,
    /// `deviating` or `rework`.
    #[serde(default)]
    pub(super) show: String,
    /// Activities of a variant, separated by ` > `.
    #[serde(default)]
    pub(super) path: String,
    #[serde(default, rename = "arc_from")]
    pub(super) arc_from: String,
    #[serde(default, rename = "arc_to")]
    pub(super) arc_to: String,
    #[serde(default)]
    pub(super) step: String,
    #[serde(default)]
    pub(super) department: String,
    #[serde(default)]
    pub(super) kind: String,
    #[serde(default)]
    pub(super) subject: String,
}

impl ProcessQuery {
    pub(super) fn log_query(&self, unit: &str) -> Result<LogQuery, AppError> {
        let some = |s: &str| Some(s.to_owned()).filter(|s| !s.trim().is_empty());
        let (from, to) = crate::process::event_log::period(
            some(&self.from).as_deref(),
            some(&self.to).as_deref(),
        )?;
        Ok(LogQuery {
            service: some(&self.service),
            unit: some(unit),
            channel: some(&self.channel),
            from,
            to,
        })
    }

    /// The filters as a query string (without what is listed).
    pub(super) fn filters(&self) -> String {
        [
            ("service", &self.service),
            ("unit", &self.unit),
            ("channel", &self.channel),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
    }

    pub(super) fn selector(&self) -> Option<Selector> {
        Some(match self.show.as_str() {
            "variant" => Selector::Variant(self.path.split(" > ").map(str::to_owned).collect()),
            "arc" => Selector::Arc {
                from: self.arc_from.clone(),
                to: self.arc_to.clone(),
            },
            "over_sla" => Selector::OverSla {
                step: self.step.clone(),
                department: self.department.clone(),
            },
            "deviation" => Selector::Deviation {
                kind: self.kind.clone(),
                subject: self.subject.clone(),
            },
            "deviating" => Selector::Deviating,
            "rework" => Selector::Rework,
            _ => return None,
        })
    }
}

/// Names of activities, steps and departments in the reader's language.
pub(super) struct Names<'a> {
    tr: &'a Tr,
    /// Step code → (name, country).
    steps: HashMap<String, (String, Country)>,
}

impl<'a> Names<'a> {
    pub(super) fn new(state: &AppState, tr: &'a Tr) -> Self {
        let mut steps = HashMap::new();
        for published in state.app.services() {
            for step in published.service.procedure.steps() {
                steps.entry(step.code.clone()).or_insert_with(|| {
                    (
                        step.name.get(tr.lang()).to_owned(),
                        published.service.country,
                    )
                });
            }
        }
        Names { tr, steps }
    }

    pub(super) fn step(&self, code: &str) -> String {
        self.steps
            .get(code)
            .map_or_else(|| code.to_owned(), |(name, _)| name.clone())
    }

    /// The step (or the applicant's activity) and what was done there.
    pub(super) fn parts(&self, activity: &str) -> (String, String) {
        match activity.split_once('/') {
            Some((step, action)) => (
                self.step(step),
                self.tr
                    .t_with(&format!("action-{action}"), "kind", "license"),
            ),
            None => (
                self.tr.t(&format!("process-activity-{activity}")),
                String::new(),
            ),
        }
    }

    pub(super) fn activity(&self, activity: &str) -> String {
        match self.parts(activity) {
            (step, action) if action.is_empty() => step,
            (step, action) => format!("{step} — {action}"),
        }
    }

    /// The step (for a skipped one) or activity a deviation concerns.
    pub(super) fn deviation(&self, deviation: &Deviation) -> String {
        match deviation {
            Deviation::Skipped { step } => self.step(step),
            other => self.activity(other.subject()),
        }
    }

    pub(super) fn department(&self, code: &str, step: &str) -> String {
        let country = self.steps.get(step).map(|(_, c)| *c);
        if code == "applicant" {
            return self.tr.t("process-applicant");
        }
        self.tr.term(&format!("department-{code}"), country)
    }
}

pub(super) fn percent(tr: &Tr, share: f64) -> String {
    tr.digits(&format!("{:.0}%", share * 100.0))
}

pub(super) fn number(tr: &Tr, value: f64) -> String {
    tr.digits(&format!("{value:.1}"))
}

/// Hours as people read a wait: hours under two days, else days.
pub(super) fn wait(tr: &Tr, hours: f64) -> String {
    if hours < 48.0 {
        tr.count("process-hours", "n", hours.round() as i64)
    } else {
        tr.count("process-days", "n", (hours / 24.0).round() as i64)
    }
}

pub(super) fn median_days(tr: &Tr, d: Option<Durations>) -> String {
    d.map_or_else(|| "—".to_owned(), |d| number(tr, d.median))
}
