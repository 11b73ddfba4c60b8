//! Cases and refund requests by command: `/approve` and `/reject`, `/reply`, `/queue`,
//! `/ticket` (a case's card, or closing, escalating, reopening it).

use super::super::work::Work;
use super::super::EngineResult;
use crate::app::command::RequestRef;
use crate::app::l10n::{self, Msg};
use crate::app::ports::User;
use crate::domain::approvals::{Refund, RefundStatus, Vote};
use crate::domain::audit::AuditAction;
use crate::domain::ids::CaseNumber;
use crate::domain::tickets::{Case, CaseAction, CaseStatus};

impl Work<'_> {
    /// `/ticket <case>`: the case's card, for staff or for the customer whose case it is.
    pub(super) async fn show_ticket(&mut self, user: &User, n: CaseNumber, channel: &str) -> EngineResult<()> {
        let staff = user.roles.is_staff();
        let case = self.tx.case(n).await?.filter(|c| staff || c.customer == user.id);
        match case {
            Some(c) => {
                let card = self.case_card(&c, staff).await?;
                self.answer_command(user, channel, Some(n), card).await
            }
            None => {
                self.answer_command(user, channel, None, Msg::new("case-not-found").with("case", n.to_string())).await
            }
        }
    }

    /// `/approve` and `/reject`: the request named (`RF-000001#2`), or the case's only
    /// waiting one. With several waiting and none named, they are listed and nothing
    /// changes.
    pub(super) async fn vote_by_command(
        &mut self,
        user: &User,
        req: RequestRef,
        vote: Vote,
        channel: &str,
    ) -> EngineResult<()> {
        let case = req.case;
        let refunds = self.tx.refunds_of_case(case).await?;
        if refunds.is_empty() {
            self.say(channel, Some(&user.id), Some(case), format!("{case} has no refund request.")).await?;
            return Ok(());
        }
        let chosen = match req.nth {
            Some(n) => match usize::try_from(n).ok().and_then(|n| refunds.get(n - 1)) {
                Some(r) => r.clone(),
                None => {
                    let text = format!("{case} has {} refund request(s); there is no #{n}.", refunds.len());
                    self.say(channel, Some(&user.id), Some(case), text).await?;
                    return Ok(());
                }
            },
            None => {
                let waiting: Vec<(usize, &Refund)> =
                    refunds.iter().enumerate().filter(|(_, r)| r.status.is_open()).collect();
                match waiting.as_slice() {
                    [(_, only)] => (*only).clone(),
                    [] => match refunds.last() {
                        Some(r) => r.clone(),
                        None => return Ok(()),
                    },
                    several => {
                        let list: Vec<String> = several
                            .iter()
                            .map(|(i, r)| {
                                format!(
                                    "\n• {case}#{}: {} {} on {}, {}",
                                    i + 1,
                                    r.currency.format(r.amount),
                                    r.currency,
                                    r.charge,
                                    r.status.as_str().replace('_', " ")
                                )
                            })
                            .collect();
                        let verb = if vote == Vote::Approve { "/approve" } else { "/reject" };
                        let text = format!(
                            "{case} has {} open refund requests; nothing was changed. Say which one, e.g. {verb} {case}#{}:{}",
                            several.len(),
                            several[0].0 + 1,
                            list.concat()
                        );
                        self.say(channel, Some(&user.id), Some(case), text).await?;
                        return Ok(());
                    }
                }
            }
        };
        self.vote(user, chosen, vote, true, channel, true).await
    }

    /// `/reply`: staff speak to the case's customer (notes given with `/ticket …` stay
    /// internal).
    pub(super) async fn reply(&mut self, user: &User, n: CaseNumber, text: &str, channel: &str) -> EngineResult<()> {
        let Some(case) = self.tx.case(n).await? else {
            self.say(channel, Some(&user.id), None, format!("I can't find a case {n}.")).await?;
            return Ok(());
        };
        self.tell_customer(&case, Msg::new("support-message").with("case", n.to_string()).with("text", text)).await?;
        self.audit(user.id.as_str(), Some(n), AuditAction::CaseReply, format!("to {}: {text}", case.customer), None)
            .await?;
        self.say(channel, Some(&user.id), Some(n), format!("Sent to {} on {n}.", case.customer)).await?;
        Ok(())
    }

    /// `/queue`: what waits for staff, oldest first — refunds waiting for a lead, then
    /// open cases — with their age and who must act.
    pub(crate) async fn queue_words(&mut self) -> EngineResult<String> {
        const MAX: u32 = 25;
        let age = |t: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Utc>| {
            let m = (now - t).num_minutes().max(0);
            if m < 60 {
                format!("{m} min")
            } else if m < 48 * 60 {
                format!("{} h", m / 60)
            } else {
                format!("{} d", m / (24 * 60))
            }
        };
        let mut lines = Vec::new();
        let waiting = self.tx.waiting_refunds(MAX).await?;
        for r in &waiting {
            let who = match r.status {
                RefundStatus::OnHold => "a lead (on hold: the charge is disputed)".to_string(),
                _ => {
                    let have = r.standing_approvers.len();
                    format!("{} more lead(s), not {}", usize::from(r.leads_needed).saturating_sub(have), r.requested_by)
                }
            };
            lines.push(format!(
                "• {} {} {} on {} — waiting {} — needs {who}",
                r.case,
                r.currency.format(r.amount),
                r.currency,
                r.charge,
                age(r.requested_at, self.now)
            ));
        }
        for c in self.tx.open_cases(MAX).await? {
            let who = match c.status {
                CaseStatus::AwaitingInfo => "the customer (asked which charge)",
                CaseStatus::AwaitingApproval => "a lead (refund requested)",
                CaseStatus::Escalated => "a lead (escalated)",
                _ => "an agent",
            };
            let charge = c.charge.as_ref().map(|ch| format!(" on {ch}")).unwrap_or_default();
            lines.push(format!(
                "• {} {} ({}){charge} — {} — idle {} — next: {who}",
                c.number,
                c.intent.as_str().replace('_', " "),
                c.customer,
                c.status.as_str().replace('_', " "),
                age(c.updated_at, self.now)
            ));
        }
        if lines.is_empty() {
            return Ok("The queue is empty: no open case and no refund waiting for a lead.".into());
        }
        Ok(format!("Queue (oldest first, at most {MAX} of each):\n{}", lines.join("\n")))
    }

    pub(super) async fn case_action(
        &mut self,
        user: &User,
        action: CaseAction,
        n: CaseNumber,
        note: &str,
        channel: &str,
    ) -> EngineResult<()> {
        let Some(mut case) = self.tx.case(n).await? else {
            self.say(channel, Some(&user.id), None, format!("I can't find a case {n}.")).await?;
            return Ok(());
        };
        if action == CaseAction::Reopen {
            // One open case per charge (Tickets 1): reopening a second one is refused.
            if let (Some(ch), Some(acct)) = (&case.charge, &case.account) {
                let open = self.tx.open_cases_of_account(acct).await?;
                if let Some(other) = open.iter().find(|c| c.number != n && c.charge.as_ref() == Some(ch)) {
                    let text = format!(
                        "{n} was not reopened: {} is already open about charge {ch}; continue there.",
                        other.number
                    );
                    self.say(channel, Some(&user.id), Some(n), text).await?;
                    return Ok(());
                }
            }
        }
        let refunds = self.tx.refunds_of_case(n).await?;
        let in_flight = refunds.iter().any(|r| r.status.is_open());
        match case.apply(action, in_flight) {
            Ok(status) => {
                // A note is internal: it goes to the audit trail, never to the customer
                // (`/reply` speaks to them).
                self.set_status(&mut case, status, user.id.as_str(), None).await?;
                if !note.is_empty() {
                    self.audit(user.id.as_str(), Some(n), AuditAction::CaseNote, note.to_string(), None).await?;
                }
                self.say(channel, Some(&user.id), Some(n), format!("{n} is now {}.", status.as_str())).await?;
            }
            Err(e) => {
                self.say(channel, Some(&user.id), Some(n), e.to_string()).await?;
            }
        }
        Ok(())
    }

    /// `/ticket`: the case, its refunds and its history (labels in the reader's language;
    /// the recorded history as it was recorded).
    async fn case_card(&mut self, c: &Case, staff: bool) -> EngineResult<Msg> {
        let mut lines = vec![Msg::new("ticket-card")
            .with("case", c.number.to_string())
            .with("intent", c.intent.as_str())
            .with("state", c.status.as_str())];
        if let Some(a) = &c.account {
            lines.push(
                Msg::new("ticket-card-account").with("account", a.to_string()).with("customer", c.customer.to_string()),
            );
        }
        if let Some(ch) = &c.charge {
            if let Some(charge) = self.tx.charge(ch).await? {
                lines.push(Msg::new("ticket-card-charge").with("charge", l10n::charge_summary(&charge)));
            }
        }
        for r in self.tx.refunds_of_case(c.number).await? {
            let line = if r.approved_by.is_empty() {
                Msg::new("ticket-card-refund")
            } else {
                let by: Vec<&str> = r.approved_by.iter().map(|u| u.as_str()).collect();
                Msg::new("ticket-card-refund-approved").with("approvers", by.join(", "))
            };
            lines.push(
                line.with("amount", format!("{} {}", r.currency.format(r.amount), r.currency))
                    .with("rule", r.rule.as_str())
                    .with("state", r.status.as_str()),
            );
        }
        lines.push(
            Msg::new("ticket-card-dates")
                .with("opened", c.opened_at.format("%Y-%m-%d %H:%M UTC").to_string())
                .with("updated", c.updated_at.format("%Y-%m-%d %H:%M UTC").to_string()),
        );
        lines.push(Msg::new("ticket-card-history"));
        for a in self.tx.audit_of(c.number).await? {
            // Customers see what happened to their case; staff see every step and who took it.
            // Internal notes and staff-only steps never reach the customer.
            const CUSTOMER_SEES: [AuditAction; 4] =
                [AuditAction::CaseOpened, AuditAction::CaseStatus, AuditAction::CaseMessage, AuditAction::CaseReply];
            if staff || CUSTOMER_SEES.iter().any(|&action| a.is(action)) {
                let who = if staff { format!(" {}", a.actor) } else { String::new() };
                let at = a.at.format("%Y-%m-%d %H:%M UTC");
                lines.push(Msg::verbatim(format!("  {at}{who} {}: {}", a.action, a.detail)));
            }
        }
        Ok(Msg::joined(lines, "\n"))
    }
}
