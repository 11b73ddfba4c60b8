//! What an audit record says happened: one list of actions, each with the text stored for it.

use crate::domain::billing::EntryKind;

/// Declares [`AuditAction`] from one list, so the variants, [`AuditAction::ALL`] and the
/// stored text cannot drift apart.
macro_rules! audit_actions {
    ($($(#[$doc:meta])* $variant:ident => $text:literal,)+) => {
        /// What an audit record says happened. Stored (and hashed into the chain) as the text
        /// of [`AuditAction::as_str`], which therefore never changes for a variant: a record
        /// written by an older version must still verify and still be found by its action.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum AuditAction {
            $($(#[$doc])* $variant,)+
        }

        impl AuditAction {
            /// Every action, in declaration order.
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$variant,)+];

            /// The text stored in `audit.action` (and covered by the record's hash).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(AuditAction::$variant => $text,)+
                }
            }
        }
    };
}

audit_actions! {
    /// Staff were refused an action by the permission table.
    AccessDenied => "access.denied",
    /// A case was opened (by a customer's message, a staff command or a dispute).
    CaseOpened => "case.opened",
    /// A case changed status.
    CaseStatus => "case.status",
    /// A message was added to a case.
    CaseMessage => "case.message",
    /// Staff replied to a case's customer.
    CaseReply => "case.reply",
    /// Staff added a note to a case.
    CaseNote => "case.note",
    /// A customer asked for their case to be escalated.
    CaseEscalationAsked => "case.escalation_asked",
    /// A customer named the billing account they want linked.
    CaseLinkRequested => "case.link_requested",
    /// A provider reported a dispute on a charge.
    ChargeDisputed => "charge.disputed",
    /// A charge was imported from a provider export.
    ChargeImported => "charge.imported",
    /// An event was refused before it changed anything.
    EventRefused => "event.refused",
    /// Card numbers were removed from an incoming message.
    MessageCardRedacted => "message.card_redacted",
    /// A customer's message was classified.
    MessageClassified => "message.classified",
    /// A customer answered the bot's clarifying question.
    MessageClarified => "message.clarified",
    /// A reconciliation found the provider and the store disagreeing.
    ReconcileMismatch => "reconcile.mismatch",
    /// A refund was requested.
    RefundRequested => "refund.requested",
    /// A refund request was refused (with the rule).
    RefundRefused => "refund.refused",
    /// A refund was approved by auto-approve.
    RefundAutoApproved => "refund.auto_approved",
    /// A lead's approval counted toward quorum.
    RefundApprovalCounted => "refund.approval_counted",
    /// A lead withdrew their approval.
    RefundApprovalWithdrawn => "refund.approval_withdrawn",
    /// An approval stopped counting at the re-check (roles or conflicts changed).
    RefundApprovalDropped => "refund.approval_dropped",
    /// A lead's vote was refused.
    RefundVoteRefused => "refund.vote_refused",
    /// A refund reached quorum and was approved.
    RefundApproved => "refund.approved",
    /// A refund was rejected.
    RefundRejected => "refund.rejected",
    /// A refund expired without enough approvals.
    RefundExpired => "refund.expired",
    /// A refund was put on hold (dispute).
    RefundOnHold => "refund.on_hold",
    /// The provider accepted a refund whose outcome is still pending.
    RefundPending => "refund.pending",
    /// A refund has been pending at the provider too long (a lead is told).
    RefundPendingTooLong => "refund.pending_too_long",
    /// A refund's provider call failed transiently; another attempt is scheduled.
    RefundRetryScheduled => "refund.retry_scheduled",
    /// A refund's provider answer was lost; the provider is asked before any retry.
    RefundOutcomeUnknown => "refund.outcome_unknown",
    /// A refund may have been paid though no answer came (a lead is told).
    RefundMayHaveBeenPaid => "refund.may_have_been_paid",
    /// A refund was retried under a new idempotency key.
    RefundNewKey => "refund.new_key",
    /// A refund was paid.
    RefundSucceeded => "refund.succeeded",
    /// A refund failed for good.
    RefundFailed => "refund.failed",
    /// A paid refund was reversed by the provider.
    RefundReversed => "refund.reversed",
    /// A provider webhook updated a refund.
    RefundWebhook => "refund.webhook",
    /// A provider webhook about a refund changed nothing.
    RefundWebhookIgnored => "refund.webhook_ignored",
    /// A webhook said a refund recorded as failed was paid.
    RefundPaidAfterFailed => "refund.paid_after_failed",
    /// A staff member linked a chat user to a billing account.
    UserLinked => "user.linked",
    /// A staff member unlinked a chat user.
    UserUnlinked => "user.unlinked",
    /// A user's roles changed.
    UserRoles => "user.roles",
    /// A wallet's opening balance.
    WalletOpening => "wallet.opening",
    /// Credits bought (and paid) into a wallet.
    WalletPurchase => "wallet.purchase",
    /// Usage taken from a wallet.
    WalletUsage => "wallet.usage",
    /// Usage refused (balance too low, auto-recharge impossible).
    WalletUsageRefused => "wallet.usage_refused",
    /// A refund paid into the wallet.
    WalletRefundToWallet => "wallet.refund_to_wallet",
    /// Goodwill credit given.
    WalletGoodwill => "wallet.goodwill",
    /// Goodwill above the one-lead limit waiting for a second lead.
    WalletGoodwillRequested => "wallet.goodwill_requested",
    /// A goodwill request was rejected.
    WalletGoodwillRejected => "wallet.goodwill_rejected",
    /// A lead's goodwill vote was refused.
    WalletGoodwillVoteRefused => "wallet.goodwill_vote_refused",
    /// A wallet adjustment (credits taken back when their purchase is refunded).
    WalletAdjustment => "wallet.adjustment",
    /// A purchase through a provider's hosted page was started.
    WalletPurchaseStarted => "wallet.purchase_started",
    /// The hosted payment page's link was made and sent.
    WalletPurchaseLink => "wallet.purchase_link",
    /// A purchase was paid after its page had expired.
    WalletPurchasePaidLate => "wallet.purchase_paid_late",
    /// A purchase's page expired unpaid.
    WalletPurchaseExpired => "wallet.purchase_expired",
    /// A purchase's payment failed.
    WalletPurchaseFailed => "wallet.purchase_failed",
    /// A purchase was paid with an amount other than the one asked.
    WalletPurchaseAmountMismatch => "wallet.purchase_amount_mismatch",
    /// A payment method was saved for auto-recharge.
    WalletPaymentMethodSaved => "wallet.payment_method_saved",
    /// An off-session auto-recharge was charged on the saved payment method.
    WalletRechargeStarted => "wallet.recharge_started",
}

impl AuditAction {
    /// The action stored for a wallet entry of this kind (`wallet.<kind>`).
    pub fn wallet_entry(kind: EntryKind) -> AuditAction {
        match kind {
            EntryKind::Opening => AuditAction::WalletOpening,
            EntryKind::Purchase => AuditAction::WalletPurchase,
            EntryKind::Usage => AuditAction::WalletUsage,
            EntryKind::RefundToWallet => AuditAction::WalletRefundToWallet,
            EntryKind::Goodwill => AuditAction::WalletGoodwill,
            EntryKind::Adjustment => AuditAction::WalletAdjustment,
        }
    }

    /// The action a stored text names, if it is one of ours.
    pub fn parse(text: &str) -> Option<AuditAction> {
        AuditAction::ALL.iter().copied().find(|a| a.as_str() == text)
    }
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
