//! The life of a citizen report: open → acknowledged → in progress →
//! resolved, closed as a duplicate, or rejected with a reason. After
//! resolution the reporter may confirm it, or reopen it once.

use crate::ErrorCode;

/// Where a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportStatus {
    Open,
    Acknowledged,
    InProgress,
    Resolved,
    Duplicate,
    Rejected,
}

impl ReportStatus {
    pub const ALL: [ReportStatus; 6] = [
        ReportStatus::Open,
        ReportStatus::Acknowledged,
        ReportStatus::InProgress,
        ReportStatus::Resolved,
        ReportStatus::Duplicate,
        ReportStatus::Rejected,
    ];

    /// The statuses of reports the city has still to finish.
    pub const OPEN: [ReportStatus; 3] = [
        ReportStatus::Open,
        ReportStatus::Acknowledged,
        ReportStatus::InProgress,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Open => "open",
            ReportStatus::Acknowledged => "acknowledged",
            ReportStatus::InProgress => "in_progress",
            ReportStatus::Resolved => "resolved",
            ReportStatus::Duplicate => "duplicate",
            ReportStatus::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or("status-unknown")
    }

    /// Still waiting for the city to finish it.
    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }

    /// Open311's two-valued status.
    pub fn open311(self) -> &'static str {
        if self.is_open() { "open" } else { "closed" }
    }

    /// The statuses Open311's `open` or `closed` stands for.
    pub fn from_open311(text: &str) -> Result<Vec<Self>, &'static str> {
        match text {
            "open" => Ok(Self::ALL.into_iter().filter(|s| s.is_open()).collect()),
            "closed" => Ok(Self::ALL.into_iter().filter(|s| !s.is_open()).collect()),
            _ => Err("status-unknown"),
        }
    }
}

impl TryFrom<String> for ReportStatus {
    type Error = &'static str;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

/// Something staff or the reporter does to a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportAction {
    /// Staff: seen and accepted as the unit's work.
    Acknowledge,
    /// Staff: work has started.
    Start,
    /// Staff: fixed; the note says what was done.
    Resolve,
    /// Staff: not the city's to fix, or not real; the note is the reason.
    Reject,
    /// Staff: the same problem as another report, which keeps its followers.
    MergeInto(i64),
    /// Reporter: agrees it is fixed.
    Confirm,
    /// Reporter: it is not fixed (once per report).
    Reopen,
}

impl ReportAction {
    pub fn name(&self) -> &'static str {
        match self {
            ReportAction::Acknowledge => "acknowledge",
            ReportAction::Start => "start",
            ReportAction::Resolve => "resolve",
            ReportAction::Reject => "reject",
            ReportAction::MergeInto(_) => "merge",
            ReportAction::Confirm => "confirm",
            ReportAction::Reopen => "reopen",
        }
    }

    /// Done by staff (rather than by the reporter).
    pub fn by_staff(&self) -> bool {
        !matches!(self, ReportAction::Confirm | ReportAction::Reopen)
    }

    /// Staff must say why, publicly.
    pub fn needs_note(&self) -> bool {
        matches!(self, ReportAction::Resolve | ReportAction::Reject)
    }
}

/// What a report's row holds that decides the next step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportState {
    pub status: ReportStatus,
    pub reopened: bool,
    pub confirmed: bool,
}

/// Applies `action`, or says why it is not allowed now.
pub fn apply(state: ReportState, action: &ReportAction) -> Result<ReportState, ErrorCode> {
    use ReportStatus::*;
    let next = |status| Ok(ReportState { status, ..state });
    match (state.status, action) {
        (Open, ReportAction::Acknowledge) => next(Acknowledged),
        (Open | Acknowledged, ReportAction::Start) => next(InProgress),
        (Open | Acknowledged | InProgress, ReportAction::Resolve) => next(Resolved),
        (Open | Acknowledged | InProgress, ReportAction::Reject) => next(Rejected),
        (Open | Acknowledged | InProgress, ReportAction::MergeInto(_)) => next(Duplicate),
        (Resolved, ReportAction::Confirm) if !state.confirmed => Ok(ReportState {
            confirmed: true,
            ..state
        }),
        (Resolved, ReportAction::Reopen) if !state.reopened && !state.confirmed => {
            Ok(ReportState {
                status: Open,
                reopened: true,
                confirmed: false,
            })
        }
        _ => Err(ErrorCode::ActionNotAllowedNow),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReportStatus::*;

    fn state(status: ReportStatus) -> ReportState {
        ReportState {
            status,
            reopened: false,
            confirmed: false,
        }
    }

    fn all_actions() -> Vec<ReportAction> {
        vec![
            ReportAction::Acknowledge,
            ReportAction::Start,
            ReportAction::Resolve,
            ReportAction::Reject,
            ReportAction::MergeInto(7),
            ReportAction::Confirm,
            ReportAction::Reopen,
        ]
    }

    #[test]
    fn a_report_moves_forward_to_resolution() {
        let s = apply(state(Open), &ReportAction::Acknowledge).expect("valid in this test");
        let s = apply(s, &ReportAction::Start).expect("valid in this test");
        let s = apply(s, &ReportAction::Resolve).expect("valid in this test");
        assert_eq!(s.status, Resolved);
        assert_eq!(
            apply(state(Acknowledged), &ReportAction::Acknowledge),
            Err(ErrorCode::ActionNotAllowedNow)
        );
        assert_eq!(
            apply(state(InProgress), &ReportAction::Start),
            Err(ErrorCode::ActionNotAllowedNow)
        );
    }

    #[test]
    fn closed_reports_take_no_staff_action() {
        for status in [Resolved, Duplicate, Rejected] {
            for action in all_actions().iter().filter(|a| a.by_staff()) {
                assert_eq!(
                    apply(state(status), action),
                    Err(ErrorCode::ActionNotAllowedNow),
                    "{status:?} {action:?}"
                );
            }
        }
    }

    #[test]
    fn only_resolved_reports_are_confirmed_or_reopened() {
        for status in [Open, Acknowledged, InProgress, Duplicate, Rejected] {
            for action in [ReportAction::Confirm, ReportAction::Reopen] {
                assert!(apply(state(status), &action).is_err(), "{status:?}");
            }
        }
    }

    #[test]
    fn a_report_is_reopened_once_and_confirmed_once() {
        let reopened = apply(state(Resolved), &ReportAction::Reopen).expect("valid in this test");
        assert_eq!(reopened.status, Open);
        assert!(reopened.reopened);
        let resolved_again = apply(reopened, &ReportAction::Resolve).expect("valid in this test");
        assert_eq!(
            apply(resolved_again, &ReportAction::Reopen),
            Err(ErrorCode::ActionNotAllowedNow),
            "only once"
        );
        let confirmed = apply(resolved_again, &ReportAction::Confirm).expect("valid in this test");
        assert!(confirmed.confirmed);
        assert_eq!(confirmed.status, Resolved);
        assert!(apply(confirmed, &ReportAction::Confirm).is_err());
        assert!(
            apply(
                apply(state(Resolved), &ReportAction::Confirm).expect("valid in this test"),
                &ReportAction::Reopen
            )
            .is_err(),
            "a confirmed report is not reopened"
        );
    }

    #[test]
    fn open311_status_is_open_or_closed() {
        assert_eq!(InProgress.open311(), "open");
        assert_eq!(Duplicate.open311(), "closed");
        assert_eq!(
            ReportStatus::from_open311("closed"),
            Ok(vec![Resolved, Duplicate, Rejected])
        );
        assert!(ReportStatus::from_open311("pending").is_err());
        for s in ReportStatus::ALL {
            assert_eq!(ReportStatus::parse(s.as_str()), Ok(s));
        }
    }
}
