//! Refund requests and their approval (`docs/policy.md`, "Approving refunds"), and the schedule on
//! which an approved refund is executed.

use super::ids::{AccountId, CaseNumber, ChargeId, RefundId, UserId};
use super::money::Currency;
use super::policy::Policy;
use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefundStatus {
    AwaitingApproval,
    Approved,
    Executing,
    Succeeded,
    Failed,
    Rejected,
    Expired,
    /// Stopped before any money moved because the charge is disputed (policy rule 7):
    /// it waits for a lead, who can only reject it.
    OnHold,
    /// Paid, then reversed or failed by the provider: the money came back.
    Reversed,
}

impl RefundStatus {
    pub const ALL: [RefundStatus; 9] = [
        RefundStatus::AwaitingApproval,
        RefundStatus::Approved,
        RefundStatus::Executing,
        RefundStatus::Succeeded,
        RefundStatus::Failed,
        RefundStatus::Rejected,
        RefundStatus::Expired,
        RefundStatus::OnHold,
        RefundStatus::Reversed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RefundStatus::AwaitingApproval => "awaiting_approval",
            RefundStatus::Approved => "approved",
            RefundStatus::Executing => "executing",
            RefundStatus::Succeeded => "succeeded",
            RefundStatus::Failed => "failed",
            RefundStatus::Rejected => "rejected",
            RefundStatus::Expired => "expired",
            RefundStatus::OnHold => "on_hold",
            RefundStatus::Reversed => "reversed",
        }
    }

    pub fn parse(s: &str) -> Option<RefundStatus> {
        RefundStatus::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Money reserved against the charge's cap: paid, being paid or waiting to be.
    pub fn reserves_money(self) -> bool {
        matches!(
            self,
            RefundStatus::AwaitingApproval
                | RefundStatus::Approved
                | RefundStatus::Executing
                | RefundStatus::Succeeded
                | RefundStatus::OnHold
        )
    }

    /// Not decided yet: waiting for leads, being paid, or held.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            RefundStatus::AwaitingApproval | RefundStatus::Approved | RefundStatus::Executing | RefundStatus::OnHold
        )
    }

    pub fn is_final(self) -> bool {
        matches!(
            self,
            RefundStatus::Succeeded
                | RefundStatus::Failed
                | RefundStatus::Rejected
                | RefundStatus::Expired
                | RefundStatus::Reversed
        )
    }
}

/// A refund request, from the agent's command to the provider's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    pub id: RefundId,
    pub case: CaseNumber,
    pub charge: ChargeId,
    pub amount: Decimal,
    pub currency: Currency,
    pub status: RefundStatus,
    /// The eligibility rule that allowed it (`override` for a lead's override).
    pub rule: String,
    pub reason: String,
    pub requested_by: UserId,
    pub is_override: bool,
    pub leads_needed: u8,
    pub requested_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// While the request waits: the leads whose approval currently counts toward quorum
    /// (withdrawn ones removed), in the order given — a copy of the standing rows of
    /// `refund_votes`, written in the same transaction. Changes with every reaction.
    pub standing_approvers: Vec<UserId>,
    /// Once approved: who approved it (`auto` when auto-approved), fixed at that moment
    /// and never changed after; what the `refund` line and the audit name.
    pub approved_by: Vec<UserId>,
    pub idempotency_key: String,
    pub provider: String,
    pub provider_ref: Option<String>,
    /// The approval request message (`m2`), where reactions land.
    pub message_ref: Option<String>,
    pub attempts: u32,
    pub first_attempt_at: Option<DateTime<Utc>>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The last call's answer was lost: ask the provider (by key) before anything else.
    pub needs_lookup: bool,
    pub last_error: Option<String>,
}

/// How many distinct leads (other than the requester) must approve. `on_charge` is
/// what the charge already has refunded, being paid or waiting for approval besides
/// this request: splitting a large refund into small ones does not dodge the threshold.
pub fn leads_needed(amount: Decimal, on_charge: Decimal, is_override: bool, policy: &Policy) -> u8 {
    if is_override || amount + on_charge >= policy.two_lead_threshold {
        2
    } else {
        1
    }
}

/// Approval rule 7: an eligible refund needs no lead when it, with everything else on
/// the charge (`on_charge`), stays under `auto_approve_below`, and the requester's
/// auto-approved refunds of the last 24 hours (`requester_today`, this one included)
/// stay within `auto_approve_daily_limit`.
pub fn auto_approves(
    amount: Decimal,
    on_charge: Decimal,
    requester_today: Decimal,
    is_override: bool,
    policy: &Policy,
) -> bool {
    let Some(below) = policy.auto_approve_below else { return false };
    !is_override && amount + on_charge < below && requester_today + amount <= policy.auto_approve_daily_limit()
}

pub fn expiry(requested_at: DateTime<Utc>, policy: &Policy) -> DateTime<Utc> {
    requested_at + Duration::hours(policy.approval_expiry_hours)
}

/// The provider's idempotency key: derived from the request, the same on every retry, by
/// every process, after every restart; at most 45 characters (Square's limit).
pub fn idempotency_key(
    id: RefundId,
    case: CaseNumber,
    charge: &ChargeId,
    amount: Decimal,
    currency: Currency,
) -> String {
    let mut h = Sha256::new();
    h.update(format!("paydesk-refund|{}|{}|{}|{}|{}", id.0, case, charge, amount.normalize(), currency).as_bytes());
    format!("pd_{}", &hex::encode(h.finalize())[..40])
}

/// A goodwill credit above `goodwill_two_lead_above`, waiting for a second lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoodwillRequest {
    pub id: i64,
    pub account: AccountId,
    pub currency: Currency,
    pub amount: Decimal,
    pub reason: String,
    pub requested_by: UserId,
    pub requested_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub status: GoodwillStatus,
    /// The approvals-channel message where the second lead reacts.
    pub message_ref: Option<String>,
    pub decided_by: Option<UserId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoodwillStatus {
    Pending,
    Credited,
    Rejected,
}

impl GoodwillStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            GoodwillStatus::Pending => "pending",
            GoodwillStatus::Credited => "credited",
            GoodwillStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<GoodwillStatus> {
        [GoodwillStatus::Pending, GoodwillStatus::Credited, GoodwillStatus::Rejected]
            .into_iter()
            .find(|g| g.as_str() == s)
    }
}

impl GoodwillRequest {
    /// A reaction (or command) on the request: one lead other than the requester
    /// decides it. Whether that lead may credit this account at all (conflict of
    /// interest) is the permission table's answer, checked by the caller.
    pub fn react(&self, user: &UserId, is_lead: bool, vote: Vote, now: DateTime<Utc>) -> Outcome {
        if self.status != GoodwillStatus::Pending {
            return Outcome::Ignored(Ignored::Closed(self.status.as_str()));
        }
        if !is_lead {
            return Outcome::Ignored(Ignored::NotALead);
        }
        if now > self.expires_at {
            return Outcome::Ignored(Ignored::Expired);
        }
        match vote {
            Vote::Reject => Outcome::Rejected,
            Vote::Approve if *user == self.requested_by => Outcome::Ignored(Ignored::OwnRequest),
            Vote::Approve => Outcome::Approved { by: vec![user.clone()] },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vote {
    Approve,
    Reject,
}

/// Why a reaction changes nothing, in words for the person who reacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ignored {
    NotALead,
    OwnRequest,
    AlreadyCounted,
    NotCounted,
    Expired,
    Decided(RefundStatus),
    /// A goodwill request already decided (`credited`, `rejected`).
    Closed(&'static str),
}

impl Ignored {
    pub fn explain(&self) -> String {
        match self {
            Ignored::NotALead => "only a lead can approve or reject a refund".into(),
            Ignored::OwnRequest => "you requested this refund, so another lead must approve it".into(),
            Ignored::AlreadyCounted => "your approval is already counted".into(),
            Ignored::NotCounted => "you had no approval on this request to withdraw".into(),
            Ignored::Expired => "this approval request has expired".into(),
            Ignored::Decided(s) => match s {
                RefundStatus::Succeeded => "this refund has already been paid".into(),
                RefundStatus::Failed => "this refund has already failed; a lead is looking into it".into(),
                RefundStatus::Rejected => "this refund was already rejected".into(),
                RefundStatus::Expired => "this approval request has expired".into(),
                RefundStatus::Approved | RefundStatus::Executing => {
                    "this refund is already approved and being paid".into()
                }
                RefundStatus::OnHold => {
                    "this refund is on hold because the charge is disputed; a lead can only reject it".into()
                }
                RefundStatus::AwaitingApproval => "this refund is still waiting for approval".into(),
                RefundStatus::Reversed => {
                    "this refund was paid and then reversed by the provider; a lead is looking into it".into()
                }
            },
            Ignored::Closed(s) => format!("this goodwill request is already {s}"),
        }
    }

    /// Whether the person should be told (a repeated or redelivered reaction is silent).
    pub fn is_denial(&self) -> bool {
        matches!(self, Ignored::NotALead | Ignored::OwnRequest | Ignored::Expired)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// An approval counted, more are needed.
    Counted {
        have: u8,
        need: u8,
    },
    /// Quorum reached: the request is approved and must be executed (exactly once).
    Approved {
        by: Vec<UserId>,
    },
    Rejected,
    /// An approval taken back before quorum.
    Withdrawn {
        have: u8,
        need: u8,
    },
    Ignored(Ignored),
}

impl Refund {
    pub fn is_expired_at(&self, now: DateTime<Utc>) -> bool {
        self.status == RefundStatus::AwaitingApproval && now > self.expires_at
    }

    /// A reaction added (or `/approve`, `/reject`). Pure: the caller stores the result.
    pub fn react(&self, user: &UserId, is_lead: bool, vote: Vote, now: DateTime<Utc>) -> Outcome {
        if self.status == RefundStatus::OnHold && vote == Vote::Reject && is_lead {
            // A held refund (disputed charge) can only be called off.
            return Outcome::Rejected;
        }
        if self.status != RefundStatus::AwaitingApproval {
            return Outcome::Ignored(Ignored::Decided(self.status));
        }
        if !is_lead {
            return Outcome::Ignored(Ignored::NotALead);
        }
        if self.is_expired_at(now) {
            return Outcome::Ignored(Ignored::Expired);
        }
        match vote {
            Vote::Reject => Outcome::Rejected,
            Vote::Approve if *user == self.requested_by => Outcome::Ignored(Ignored::OwnRequest),
            Vote::Approve if self.standing_approvers.contains(user) => Outcome::Ignored(Ignored::AlreadyCounted),
            Vote::Approve => {
                let mut by = self.standing_approvers.clone();
                by.push(user.clone());
                let have = u8::try_from(by.len()).unwrap_or(u8::MAX);
                if have >= self.leads_needed {
                    Outcome::Approved { by }
                } else {
                    Outcome::Counted { have, need: self.leads_needed }
                }
            }
        }
    }

    /// A reaction removed: withdraws that lead's approval while the request still waits.
    pub fn unreact(&self, user: &UserId, vote: Vote, now: DateTime<Utc>) -> Outcome {
        if vote == Vote::Reject {
            // A rejection is final; removing the emoji afterwards changes nothing.
            return Outcome::Ignored(Ignored::NotCounted);
        }
        if self.status != RefundStatus::AwaitingApproval {
            return Outcome::Ignored(Ignored::Decided(self.status));
        }
        if self.is_expired_at(now) {
            return Outcome::Ignored(Ignored::Expired);
        }
        if !self.standing_approvers.contains(user) {
            return Outcome::Ignored(Ignored::NotCounted);
        }
        let have = u8::try_from(self.standing_approvers.len() - 1).unwrap_or(u8::MAX);
        Outcome::Withdrawn { have, need: self.leads_needed }
    }
}

/// When an approved refund is tried: at once, then with growing backoff, all within 30
/// minutes of the first attempt. `None`: give up (the refund fails and the agent is told).
pub fn next_attempt(first_attempt_at: DateTime<Utc>, attempts_made: u32) -> Option<DateTime<Utc>> {
    const SCHEDULE_SECS: [i64; 7] = [0, 30, 120, 300, 600, 1200, 1740];
    SCHEDULE_SECS.get(attempts_made as usize).map(|s| first_attempt_at + Duration::seconds(*s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    pub(crate) fn request(amount: Decimal, leads: u8) -> Refund {
        Refund {
            id: RefundId(1),
            case: CaseNumber::FIRST,
            charge: ChargeId::new("ch_1"),
            amount,
            currency: Currency::USD,
            status: RefundStatus::AwaitingApproval,
            rule: "refund_window".into(),
            reason: String::new(),
            requested_by: UserId::new("lin"),
            is_override: false,
            leads_needed: leads,
            requested_at: t("2026-06-05T08:10:00Z"),
            expires_at: t("2026-06-08T08:10:00Z"),
            standing_approvers: vec![],
            approved_by: vec![],
            idempotency_key: "k".into(),
            provider: "sandbox".into(),
            provider_ref: None,
            message_ref: Some("m2".into()),
            attempts: 0,
            first_attempt_at: None,
            next_attempt_at: None,
            needs_lookup: false,
            last_error: None,
        }
    }

    #[test]
    fn leads_needed_from_the_threshold_and_for_overrides() {
        let p = Policy::default();
        assert_eq!(leads_needed(dec!(499.99), dec!(0), false, &p), 1);
        assert_eq!(leads_needed(dec!(500.00), dec!(0), false, &p), 2);
        assert_eq!(leads_needed(dec!(5), dec!(0), true, &p), 2);
        // 499.99 + 499.99 + 200.01 on one charge: the second already needs two leads.
        assert_eq!(leads_needed(dec!(499.99), dec!(499.99), false, &p), 2);
        assert_eq!(leads_needed(dec!(200.01), dec!(999.98), false, &p), 2);
    }

    #[test]
    fn auto_approve_is_off_by_default_and_strictly_below() {
        let z = dec!(0);
        assert!(!auto_approves(dec!(1), z, z, false, &Policy::default()));
        let p = Policy { auto_approve_below: Some(dec!(25)), ..Policy::default() };
        assert!(auto_approves(dec!(24.99), z, z, false, &p));
        assert!(!auto_approves(dec!(25), z, z, false, &p));
        assert!(!auto_approves(dec!(1), z, z, true, &p));
        // Ten 24.99 on one charge: only the first is under 25 with the rest of the charge.
        assert!(!auto_approves(dec!(24.99), dec!(24.99), z, false, &p));
        // The requester's daily limit (4 × 25 by default) counts across charges.
        assert!(auto_approves(dec!(24.99), z, dec!(75.00), false, &p));
        assert!(!auto_approves(dec!(24.99), z, dec!(75.02), false, &p));
        let capped = Policy { auto_approve_daily_limit: Some(dec!(30)), ..p.clone() };
        assert!(!auto_approves(dec!(10), z, dec!(20.01), false, &capped));
    }

    #[test]
    fn reactions_table() {
        let now = t("2026-06-05T09:00:00Z");
        let lin = UserId::new("lin");
        let max = UserId::new("max");
        let sam = UserId::new("sam");
        let r = request(dec!(30), 1);
        assert_eq!(r.react(&lin, true, Vote::Approve, now), Outcome::Ignored(Ignored::OwnRequest));
        assert_eq!(r.react(&sam, false, Vote::Approve, now), Outcome::Ignored(Ignored::NotALead));
        assert_eq!(r.react(&sam, false, Vote::Reject, now), Outcome::Ignored(Ignored::NotALead));
        assert_eq!(r.react(&max, true, Vote::Approve, now), Outcome::Approved { by: vec![max.clone()] });
        assert_eq!(r.react(&lin, true, Vote::Reject, now), Outcome::Rejected, "a requester may cancel");
        // expiry: 72 h exactly still counts, a second later does not
        assert!(matches!(r.react(&max, true, Vote::Approve, t("2026-06-08T08:10:00Z")), Outcome::Approved { .. }));
        assert_eq!(r.react(&max, true, Vote::Approve, t("2026-06-08T08:10:01Z")), Outcome::Ignored(Ignored::Expired));
        // decided requests ignore everything
        for s in [RefundStatus::Executing, RefundStatus::Succeeded, RefundStatus::Rejected, RefundStatus::Expired] {
            let d = Refund { status: s, ..r.clone() };
            assert_eq!(d.react(&max, true, Vote::Approve, now), Outcome::Ignored(Ignored::Decided(s)));
            assert_eq!(d.react(&max, true, Vote::Reject, now), Outcome::Ignored(Ignored::Decided(s)));
        }
    }

    #[test]
    fn two_leads_and_withdrawal() {
        let now = t("2026-06-05T09:00:00Z");
        let (a, b) = (UserId::new("kim"), UserId::new("max"));
        let mut r = request(dec!(600), 2);
        assert_eq!(r.react(&a, true, Vote::Approve, now), Outcome::Counted { have: 1, need: 2 });
        r.standing_approvers.push(a.clone());
        assert_eq!(r.react(&a, true, Vote::Approve, now), Outcome::Ignored(Ignored::AlreadyCounted));
        assert_eq!(r.unreact(&b, Vote::Approve, now), Outcome::Ignored(Ignored::NotCounted));
        assert_eq!(r.unreact(&a, Vote::Approve, now), Outcome::Withdrawn { have: 0, need: 2 });
        assert_eq!(r.react(&b, true, Vote::Approve, now), Outcome::Approved { by: vec![a.clone(), b.clone()] });
    }

    #[test]
    fn goodwill_needs_one_other_lead_in_time() {
        let now = t("2026-06-05T09:00:00Z");
        let g = GoodwillRequest {
            id: 1,
            account: AccountId::new("acct-1"),
            currency: Currency::USD,
            amount: dec!(250),
            reason: "outage".into(),
            requested_by: UserId::new("kim"),
            requested_at: now,
            expires_at: t("2026-06-08T09:00:00Z"),
            status: GoodwillStatus::Pending,
            message_ref: Some("m3".into()),
            decided_by: None,
        };
        let (kim, max, bo) = (UserId::new("kim"), UserId::new("max"), UserId::new("bo"));
        assert_eq!(g.react(&kim, true, Vote::Approve, now), Outcome::Ignored(Ignored::OwnRequest));
        assert_eq!(g.react(&bo, false, Vote::Approve, now), Outcome::Ignored(Ignored::NotALead));
        assert_eq!(g.react(&max, true, Vote::Approve, now), Outcome::Approved { by: vec![max.clone()] });
        assert_eq!(g.react(&max, true, Vote::Approve, t("2026-06-08T09:00:01Z")), Outcome::Ignored(Ignored::Expired));
        assert_eq!(g.react(&kim, true, Vote::Reject, now), Outcome::Rejected);
        let done = GoodwillRequest { status: GoodwillStatus::Credited, ..g };
        assert_eq!(done.react(&max, true, Vote::Approve, now), Outcome::Ignored(Ignored::Closed("credited")));
    }

    #[test]
    fn keys_are_stable_and_distinct() {
        let c = ChargeId::new("ch_1");
        let k1 = idempotency_key(RefundId(1), CaseNumber::FIRST, &c, dec!(49.00), Currency::USD);
        assert_eq!(k1, idempotency_key(RefundId(1), CaseNumber::FIRST, &c, dec!(49), Currency::USD));
        assert_ne!(k1, idempotency_key(RefundId(2), CaseNumber::FIRST, &c, dec!(49), Currency::USD));
        assert!(k1.len() <= 45, "{k1}");
    }

    #[test]
    fn retries_stay_within_thirty_minutes() {
        let first = t("2026-07-01T10:42:00Z");
        let mut n = 0;
        while let Some(at) = next_attempt(first, n) {
            assert!(at - first <= Duration::minutes(30));
            if n > 0 {
                assert!(at > next_attempt(first, n - 1).unwrap());
            }
            n += 1;
        }
        assert!(n >= 5, "a handful of retries before giving up");
    }
}
