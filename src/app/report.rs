//! The leads' report (`paydesk report`): refunds by rule, provider and day, amounts
//! refunded against requested, approval latency, refusals by rule, contact reasons by
//! intent and open cases by age. Reading goes through the `Store` port ([`gather`]); the
//! figures are computed by a pure function ([`build`]) and rendered as JSON (serde), as a
//! short text ([`Report::summary`], for a scheduled post) or as HTML with inline SVG
//! (`adapters::report_html`).

use crate::app::ports::{Store, StoreResult};
use crate::domain::approvals::{Refund, RefundStatus};
use crate::domain::audit::{AuditAction, AuditRecord};
use crate::domain::policy::Refusal;
use crate::domain::tickets::Case;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// The name a refusal is counted under in the audit trail and the report.
pub fn refusal_rule(r: &Refusal) -> &'static str {
    match r {
        Refusal::WrongCurrency { .. } => "wrong_currency",
        Refusal::Disputed => "disputed",
        Refusal::TooOld { .. } => "too_old",
        Refusal::CreditsNotRefundable => "credits_not_refundable",
        Refusal::ProductOutsideWindow { .. } => "product_outside_window",
        Refusal::NoMonthsLeft => "no_months_left",
        Refusal::NothingLeft => "nothing_left",
        Refusal::AboveWhatIsLeft { .. } => "above_what_is_left",
        Refusal::FinerThanMinorUnit { .. } => "finer_than_minor_unit",
    }
}

/// What the report is built from, as read from the store.
#[derive(Debug, Clone, Default)]
pub struct ReportInput {
    pub since: DateTime<Utc>,
    pub now: DateTime<Utc>,
    pub refunds: Vec<Refund>,
    pub cases_opened: Vec<Case>,
    pub open_cases: Vec<Case>,
    /// `refund.approved` and `refund.auto_approved` records, in order.
    pub approvals: Vec<AuditRecord>,
    /// `refund.refused` records.
    pub refusals: Vec<AuditRecord>,
}

/// Reads the report's data through the store port (read-only queries).
pub async fn gather(store: &dyn Store, since: DateTime<Utc>, now: DateTime<Utc>) -> StoreResult<ReportInput> {
    let mut approvals = store.audit_actions_since(since, AuditAction::RefundApproved.as_str()).await?;
    approvals.extend(store.audit_actions_since(since, AuditAction::RefundAutoApproved.as_str()).await?);
    approvals.sort_by_key(|a| a.seq);
    Ok(ReportInput {
        since,
        now,
        refunds: store.refunds_requested_since(since).await?,
        cases_opened: store.cases_opened_since(since).await?,
        open_cases: store.open_cases_oldest_first().await?,
        approvals: approvals.into_iter().map(|a| a.record).collect(),
        refusals: store
            .audit_actions_since(since, AuditAction::RefundRefused.as_str())
            .await?
            .into_iter()
            .map(|a| a.record)
            .collect(),
    })
}

/// Money per currency (ISO code → amount, written as a decimal string).
pub type Amounts = BTreeMap<String, Decimal>;

/// Refunds grouped under one key (a rule, a provider, a day).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Group {
    pub key: String,
    /// Refund requests made.
    pub requests: u32,
    /// Of those, paid (status `succeeded`).
    pub paid: u32,
    pub requested: Amounts,
    pub refunded: Amounts,
}

/// A count under a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    pub key: String,
    pub count: u32,
}

/// Approval latency: from the request to its approval, in minutes.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Latency {
    pub approved: u32,
    pub median_minutes: Option<i64>,
    pub p90_minutes: Option<i64>,
}

/// The report's figures (the `--json` output).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub totals: Group,
    pub by_rule: Vec<Group>,
    pub by_provider: Vec<Group>,
    pub by_day: Vec<Group>,
    pub approval_latency: Latency,
    pub refusals_by_rule: Vec<Count>,
    pub contact_reasons: Vec<Count>,
    pub open_cases_by_age: Vec<Count>,
}

/// The age buckets of open cases, with their upper bounds in hours.
pub const AGE_BUCKETS: [(&str, i64); 4] =
    [("under 1 day", 24), ("1-3 days", 72), ("3-7 days", 168), ("over 7 days", i64::MAX)];

fn add(group: &mut Group, r: &Refund) {
    group.requests += 1;
    *group.requested.entry(r.currency.code().to_string()).or_default() += r.amount;
    if r.status == RefundStatus::Succeeded {
        group.paid += 1;
        *group.refunded.entry(r.currency.code().to_string()).or_default() += r.amount;
    }
}

/// Sums written with their currency's minor digits (`69.00`, `3000`), as the ledger does.
fn with_minor_digits(mut g: Group) -> Group {
    for amounts in [&mut g.requested, &mut g.refunded] {
        for (code, d) in amounts.iter_mut() {
            if let Some(c) = crate::domain::money::Currency::from_code(code) {
                d.rescale(c.minor_digits());
            }
        }
    }
    g
}

fn grouped(refunds: &[Refund], key: impl Fn(&Refund) -> String) -> Vec<Group> {
    let mut map: BTreeMap<String, Group> = BTreeMap::new();
    for r in refunds {
        let k = key(r);
        add(map.entry(k.clone()).or_insert_with(|| Group { key: k, ..Group::default() }), r);
    }
    map.into_values().map(with_minor_digits).collect()
}

/// Counts by key, most first (ties by name).
fn counted<'a>(keys: impl Iterator<Item = &'a str>) -> Vec<Count> {
    let mut map: BTreeMap<&str, u32> = BTreeMap::new();
    for k in keys {
        *map.entry(k).or_default() += 1;
    }
    let mut v: Vec<Count> = map.into_iter().map(|(k, n)| Count { key: k.to_string(), count: n }).collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    v
}

/// The nearest-rank percentile (`p` in 1..=100) of sorted values.
fn percentile(sorted: &[i64], p: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// Builds the report (pure).
pub fn build(input: &ReportInput) -> Report {
    let refunds = &input.refunds;
    let mut totals = Group { key: "all".into(), ..Group::default() };
    for r in refunds {
        add(&mut totals, r);
    }
    // Each approved refund is matched with the first approval record of its case at or
    // after its request that no earlier refund took.
    let mut used = vec![false; input.approvals.len()];
    let mut minutes = Vec::new();
    for r in refunds.iter().filter(|r| !r.approved_by.is_empty()) {
        let case = r.case.to_string();
        let hit = input
            .approvals
            .iter()
            .enumerate()
            .find(|(i, a)| !used[*i] && a.case.as_deref() == Some(case.as_str()) && a.at >= r.requested_at);
        if let Some((i, a)) = hit {
            used[i] = true;
            minutes.push((a.at - r.requested_at).num_minutes());
        }
    }
    minutes.sort_unstable();
    let approval_latency = Latency {
        approved: u32::try_from(minutes.len()).unwrap_or(u32::MAX),
        median_minutes: percentile(&minutes, 50),
        p90_minutes: percentile(&minutes, 90),
    };
    let mut ages = vec![0u32; AGE_BUCKETS.len()];
    for c in &input.open_cases {
        let hours = (input.now - c.opened_at).num_hours();
        if let Some(i) = AGE_BUCKETS.iter().position(|(_, upto)| hours < *upto) {
            ages[i] += 1;
        }
    }
    Report {
        since: input.since,
        until: input.now,
        totals: with_minor_digits(totals),
        by_rule: grouped(refunds, |r| r.rule.clone()),
        by_provider: grouped(refunds, |r| r.provider.clone()),
        by_day: grouped(refunds, |r| r.requested_at.format("%Y-%m-%d").to_string()),
        approval_latency,
        refusals_by_rule: counted(input.refusals.iter().map(|a| a.rule.as_deref().unwrap_or("unnamed"))),
        contact_reasons: counted(input.cases_opened.iter().map(|c| c.intent.as_str())),
        open_cases_by_age: AGE_BUCKETS
            .iter()
            .zip(ages)
            .map(|((k, _), n)| Count { key: k.to_string(), count: n })
            .collect(),
    }
}

/// `12.50 USD + 3000 JPY` (or `none`), each in its currency's minor units.
pub fn amounts_words(a: &Amounts) -> String {
    if a.is_empty() {
        return "none".into();
    }
    let money = |c: &str, d: &Decimal| match crate::domain::money::Currency::from_code(c) {
        Some(cur) => format!("{} {c}", cur.format(*d)),
        None => format!("{} {c}", d.normalize()),
    };
    a.iter().map(|(c, d)| money(c, d)).collect::<Vec<_>>().join(" + ")
}

impl Report {
    /// A few lines for the approvals channel (the daily summary).
    pub fn summary(&self) -> String {
        let t = &self.totals;
        let mut lines = vec![format!(
            "Support summary {} – {} UTC",
            self.since.format("%Y-%m-%d %H:%M"),
            self.until.format("%Y-%m-%d %H:%M")
        )];
        lines.push(format!(
            "Refunds: {} requested ({}), {} paid ({}).",
            t.requests,
            amounts_words(&t.requested),
            t.paid,
            amounts_words(&t.refunded)
        ));
        let l = &self.approval_latency;
        match (l.median_minutes, l.p90_minutes) {
            (Some(m), Some(p)) => {
                lines.push(format!("Approval took {m} min at the median, {p} min at p90 ({} approved).", l.approved))
            }
            _ => lines.push("No refund was approved.".into()),
        }
        let top =
            |v: &[Count]| v.iter().take(3).map(|c| format!("{} {}", c.key, c.count)).collect::<Vec<_>>().join(", ");
        if !self.refusals_by_rule.is_empty() {
            lines.push(format!("Refused: {}.", top(&self.refusals_by_rule)));
        }
        if !self.contact_reasons.is_empty() {
            lines.push(format!("Top contact reasons: {}.", top(&self.contact_reasons)));
        }
        let open: u32 = self.open_cases_by_age.iter().map(|c| c.count).sum();
        let old = self.open_cases_by_age.last().map(|c| c.count).unwrap_or(0);
        lines.push(format!("Open cases: {open} ({old} older than 7 days)."));
        lines.join("\n")
    }
}

/// The short text for the approvals channel covering the 24 hours before `now` (the
/// daily summary; the caller posts it).
pub async fn daily_summary(store: &dyn Store, now: DateTime<Utc>) -> StoreResult<String> {
    let input = gather(store, now - chrono::Duration::hours(24), now).await?;
    Ok(build(&input).summary())
}

/// `7d`, `24h`, `2w` → a duration (for `--since`).
pub fn parse_since(text: &str) -> Option<chrono::Duration> {
    let t = text.trim();
    let (n, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit())?);
    let n: i64 = n.parse().ok()?;
    match unit {
        "h" => chrono::Duration::try_hours(n),
        "d" => chrono::Duration::try_days(n),
        "w" => chrono::Duration::try_weeks(n),
        _ => None,
    }
    .filter(|d| *d > chrono::Duration::zero() && *d <= chrono::Duration::days(3660))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&v, 50), Some(5));
        assert_eq!(percentile(&v, 90), Some(9));
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn since_reads_hours_days_weeks() {
        assert_eq!(parse_since("7d"), Some(chrono::Duration::days(7)));
        assert_eq!(parse_since("24h"), Some(chrono::Duration::hours(24)));
        assert_eq!(parse_since("2w"), Some(chrono::Duration::weeks(2)));
        for bad in ["", "7", "d", "0d", "-1d", "7y", "99999999999999999999d"] {
            assert_eq!(parse_since(bad), None, "{bad}");
        }
    }

    #[test]
    fn counts_are_sorted_most_first() {
        let c = counted(["b", "a", "b", "c", "a", "b"].into_iter());
        assert_eq!(c.iter().map(|c| (c.key.as_str(), c.count)).collect::<Vec<_>>(), [("b", 3), ("a", 2), ("c", 1)]);
    }
}
