//! The credits a refunded purchase takes back: a refund of credits bought through the bot
//! takes their value out of the wallet when it is approved (refused when they are spent)
//! and gives it back when the refund is not paid after all.

use super::super::work::Work;
use super::super::EngineResult;
use crate::app::action::Action;
use crate::domain::approvals::Refund;
use crate::domain::audit::AuditAction;
use crate::domain::billing::{Charge, EntryKind, WalletEntry};
use crate::domain::ids::ChargeId;
use rust_decimal::Decimal;

impl Work<'_> {
    /// The wallet value to take back when `refund` is paid: credits bought through the
    /// bot with this charge, in proportion to the part refunded.
    pub async fn credits_of_refund(
        &mut self,
        charge: &ChargeId,
        amount: Decimal,
    ) -> EngineResult<Option<(Charge, Decimal)>> {
        let Some(value) = self.tx.credit_purchase(charge).await? else { return Ok(None) };
        let Some(charge) = self.tx.charge(charge).await? else { return Ok(None) };
        if charge.amount.is_zero() {
            return Ok(None);
        }
        let share = charge.currency.round(value * amount / charge.amount);
        Ok(Some((charge, share)))
    }

    /// Why a refund of a credits purchase cannot be paid: its credits were spent.
    pub async fn credits_short(&mut self, charge: &ChargeId, amount: Decimal) -> EngineResult<Option<String>> {
        let Some((charge, share)) = self.credits_of_refund(charge, amount).await? else { return Ok(None) };
        let cur = charge.currency;
        let balance = self.tx.wallet_balance(&charge.account, cur).await?;
        Ok((balance < share).then(|| {
            format!(
                "refunding it takes back the {} {cur} of credits it bought, but the wallet holds only {} {cur}: the credits have been used",
                cur.format(share),
                cur.format(balance)
            )
        }))
    }

    /// Takes a refunded purchase's credits out of the wallet (when it is approved), or
    /// gives them back (when the refund fails or is called off after approval).
    pub async fn move_credits(&mut self, refund: &Refund, dir: Direction) -> EngineResult<()> {
        let Some((charge, share)) = self.credits_of_refund(&refund.charge, refund.amount).await? else { return Ok(()) };
        if share.is_zero() {
            return Ok(());
        }
        let cur = charge.currency;
        let (amount, what) = match dir {
            Direction::TakeBack => (-share, format!("credits of {} taken back: it is being refunded", charge.id)),
            Direction::GiveBack => (share, format!("credits of {} given back: its refund was not paid", charge.id)),
        };
        self.tx
            .add_wallet_entry(&WalletEntry {
                account: charge.account.clone(),
                currency: cur,
                amount,
                kind: EntryKind::Adjustment,
                actor: "system".into(),
                reason: what.clone(),
                at: self.now,
            })
            .await?;
        let balance = self.tx.wallet_balance(&charge.account, cur).await?;
        self.tx
            .push(Action::Wallet {
                account: charge.account.to_string(),
                balance: cur.format(balance),
                currency: cur.to_string(),
                reason: "adjustment".into(),
            })
            .await?;
        self.audit(
            "system",
            Some(refund.case),
            AuditAction::WalletAdjustment,
            format!("{}: {} {cur} ({what})", charge.account, cur.format(amount)),
            None,
        )
        .await
    }
}

/// Which way a refunded purchase's credits move.
pub(crate) enum Direction {
    TakeBack,
    GiveBack,
}
