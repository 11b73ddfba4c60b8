//! A second lead's vote on a goodwill credit above `goodwill_two_lead_above` (the request
//! itself is made by `/wallet credit`, `staff/`).

use super::super::work::Work;
use super::super::EngineResult;
use crate::app::ports::User;
use crate::domain::approvals::{GoodwillRequest, GoodwillStatus, Outcome, Vote};
use crate::domain::audit::AuditAction;
use crate::domain::permissions::Act;
use crate::domain::roles::Role;

impl Work<'_> {
    /// A second lead's reaction on a goodwill request: ✅ credits it, ❌ refuses it.
    pub(super) async fn goodwill_vote(&mut self, user: &User, mut g: GoodwillRequest, vote: Vote) -> EngineResult<()> {
        let approvals = self.engine.cfg.approvals_channel.clone();
        if vote == Vote::Approve
            && user.roles.has(Role::Lead)
            && !self.authorize(user, Act::CreditGoodwill, Some(&g.account), &approvals).await?
        {
            return Ok(());
        }
        let cur = g.currency;
        let money = format!("{} {cur}", cur.format(g.amount));
        match g.react(&user.id, user.roles.has(Role::Lead), vote, self.now) {
            Outcome::Approved { .. } => {
                g.status = GoodwillStatus::Credited;
                g.decided_by = Some(user.id.clone());
                self.tx.update_goodwill(&g).await?;
                let by = g.requested_by.clone();
                self.credit_goodwill(&by, Some(&user.id), &g.account, cur, g.amount, &g.reason, &approvals).await
            }
            Outcome::Rejected => {
                g.status = GoodwillStatus::Rejected;
                g.decided_by = Some(user.id.clone());
                self.tx.update_goodwill(&g).await?;
                self.audit(
                    user.id.as_str(),
                    None,
                    AuditAction::WalletGoodwillRejected,
                    format!("{}: {money}: {}", g.account, g.reason),
                    None,
                )
                .await?;
                self.say(
                    &approvals,
                    Some(&g.requested_by),
                    None,
                    format!(
                        "{} refused the goodwill credit of {money} to {}; nothing was credited.",
                        user.id, g.account
                    ),
                )
                .await?;
                Ok(())
            }
            Outcome::Ignored(why) if why.is_denial() => {
                self.deny(&user.id, &approvals, format!("{} (goodwill credit to {})", why.explain(), g.account))
                    .await?;
                self.audit(user.id.as_str(), None, AuditAction::WalletGoodwillVoteRefused, why.explain(), None).await
            }
            _ => Ok(()),
        }
    }
}
