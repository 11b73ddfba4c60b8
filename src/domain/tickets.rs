//! Support cases (`docs/policy.md`, "Cases").

use super::ids::{AccountId, CaseNumber, ChargeId, UserId};
use super::intent::Intent;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseStatus {
    Open,
    AwaitingInfo,
    AwaitingApproval,
    Resolved,
    Rejected,
    Escalated,
    Closed,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 7] = [
        CaseStatus::Open,
        CaseStatus::AwaitingInfo,
        CaseStatus::AwaitingApproval,
        CaseStatus::Resolved,
        CaseStatus::Rejected,
        CaseStatus::Escalated,
        CaseStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::AwaitingInfo => "awaiting_info",
            CaseStatus::AwaitingApproval => "awaiting_approval",
            CaseStatus::Resolved => "resolved",
            CaseStatus::Rejected => "rejected",
            CaseStatus::Escalated => "escalated",
            CaseStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<CaseStatus> {
        CaseStatus::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Open cases are the ones still being worked on; a new message joins them.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            CaseStatus::Open | CaseStatus::AwaitingInfo | CaseStatus::AwaitingApproval | CaseStatus::Escalated
        )
    }

    /// How the customer is told of this status.
    pub fn describe(self) -> &'static str {
        match self {
            CaseStatus::Open => "open and being looked at",
            CaseStatus::AwaitingInfo => "waiting for details from you",
            CaseStatus::AwaitingApproval => "waiting for a lead to approve a refund",
            CaseStatus::Resolved => "resolved",
            CaseStatus::Rejected => "closed: the refund was rejected",
            CaseStatus::Escalated => "escalated to a lead",
            CaseStatus::Closed => "closed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub number: CaseNumber,
    /// The chat user who raised it.
    pub customer: UserId,
    /// The customer's account (none while the user is not linked to one).
    pub account: Option<AccountId>,
    /// The charge it is about, once known.
    pub charge: Option<ChargeId>,
    pub intent: Intent,
    pub status: CaseStatus,
    /// Where the customer wrote (`support`, `dm`, …): answers go back there.
    pub channel: String,
    pub opened_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Why a status change is not allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("{case} is already {status}")]
    Already { case: CaseNumber, status: &'static str },
    #[error("{case} is {status}; {action} works on open cases only (reopen it first)")]
    NotOpen { case: CaseNumber, status: &'static str, action: &'static str },
    #[error("{case} is still open; only a resolved, rejected or closed case can be reopened")]
    NotClosed { case: CaseNumber },
    #[error("{case} has a refund awaiting approval or being paid; reject it or let it finish first")]
    RefundInFlight { case: CaseNumber },
}

/// A staff action on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseAction {
    Close,
    Escalate,
    Reopen,
}

impl CaseAction {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseAction::Close => "close",
            CaseAction::Escalate => "escalate",
            CaseAction::Reopen => "reopen",
        }
    }
}

impl Case {
    /// The status a staff action leads to. `refund_in_flight` is true while a refund of
    /// the case awaits approval or is being paid: such a case cannot be closed under it.
    pub fn apply(&self, action: CaseAction, refund_in_flight: bool) -> Result<CaseStatus, TransitionError> {
        let case = self.number;
        let status = self.status.as_str();
        match action {
            CaseAction::Close if self.status == CaseStatus::Closed => Err(TransitionError::Already { case, status }),
            CaseAction::Close if refund_in_flight => Err(TransitionError::RefundInFlight { case }),
            CaseAction::Close => Ok(CaseStatus::Closed),
            CaseAction::Escalate if self.status == CaseStatus::Escalated => {
                Err(TransitionError::Already { case, status })
            }
            CaseAction::Escalate if !self.status.is_open() => {
                Err(TransitionError::NotOpen { case, status, action: "escalate" })
            }
            CaseAction::Escalate => Ok(CaseStatus::Escalated),
            CaseAction::Reopen if self.status.is_open() => Err(TransitionError::NotClosed { case }),
            CaseAction::Reopen => Ok(CaseStatus::Open),
        }
    }
}

/// The anti-spam limit on new cases: a customer who opened `limit` cases or more in the
/// hour before `now` and has none open waits before opening another. Returns how many
/// they opened in that hour when the limit holds them back; `None` lets the message
/// through (`limit` 0 is no limit; a customer with an open case is always heard, their
/// message goes to it).
pub fn new_case_limit(cases: &[Case], now: DateTime<Utc>, limit: u32) -> Option<u32> {
    if limit == 0 || cases.iter().any(|c| c.status.is_open()) {
        return None;
    }
    let since = now - chrono::Duration::hours(1);
    let opened = u32::try_from(cases.iter().filter(|c| c.opened_at >= since).count()).unwrap_or(u32::MAX);
    (opened >= limit).then_some(opened)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(status: CaseStatus) -> Case {
        let at = "2026-01-01T00:00:00Z".parse().unwrap();
        Case {
            number: CaseNumber::FIRST,
            customer: UserId::new("ana"),
            account: None,
            charge: None,
            intent: Intent::RefundRequest,
            status,
            channel: "support".into(),
            opened_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn staff_actions_table() {
        use CaseAction::*;
        use CaseStatus::*;
        let rows = [
            (Open, Close, false, Some(Closed)),
            (Open, Close, true, None),
            (Closed, Close, false, None),
            (Resolved, Close, false, Some(Closed)),
            (Open, Escalate, false, Some(Escalated)),
            (AwaitingApproval, Escalate, true, Some(Escalated)),
            (Escalated, Escalate, false, None),
            (Closed, Escalate, false, None),
            (Closed, Reopen, false, Some(Open)),
            (Rejected, Reopen, false, Some(Open)),
            (Resolved, Reopen, false, Some(Open)),
            (Open, Reopen, false, None),
            (AwaitingInfo, Reopen, false, None),
        ];
        for (from, action, in_flight, want) in rows {
            let got = case(from).apply(action, in_flight).ok();
            assert_eq!(got, want, "{from:?} {action:?} in_flight={in_flight}");
        }
    }

    #[test]
    fn the_new_case_limit_counts_the_last_hour_and_spares_open_cases() {
        let now: DateTime<Utc> = "2026-01-01T12:00:00Z".parse().unwrap();
        let opened =
            |minutes_ago: i64, status| Case { opened_at: now - chrono::Duration::minutes(minutes_ago), ..case(status) };
        let three = [opened(10, CaseStatus::Closed), opened(30, CaseStatus::Resolved), opened(60, CaseStatus::Closed)];
        assert_eq!(new_case_limit(&three, now, 3), Some(3), "three in the hour (the hour's first minute included)");
        assert_eq!(new_case_limit(&three, now, 4), None);
        assert_eq!(new_case_limit(&three, now, 0), None, "0 is no limit");
        let older = [opened(10, CaseStatus::Closed), opened(30, CaseStatus::Closed), opened(61, CaseStatus::Closed)];
        assert_eq!(new_case_limit(&older, now, 3), None, "a case opened 61 minutes ago does not count");
        let with_open =
            [opened(10, CaseStatus::Closed), opened(30, CaseStatus::Closed), opened(50, CaseStatus::AwaitingInfo)];
        assert_eq!(new_case_limit(&with_open, now, 3), None, "an open case is always heard");
    }

    #[test]
    fn open_statuses() {
        let open: Vec<_> = CaseStatus::ALL.into_iter().filter(|s| s.is_open()).collect();
        assert_eq!(open.len(), 4);
        for s in CaseStatus::ALL {
            assert_eq!(CaseStatus::parse(s.as_str()), Some(s));
        }
    }
}
