//! The store port: one write transaction per event ([`StoreTx`]), and the queues and
//! read-only queries between events ([`Store`]).

use super::records::{
    AuditHead, CustomerLanguage, OutboxHealth, Snapshot, StatusCounts, StoredAudit, StoredQuestion, User, VoteRow,
    WalletBalance,
};
use super::{Purchase, PurchaseStatus, SavedMethod};
use crate::app::action::{Action, OutboxItem};
use crate::domain::approvals::{GoodwillRequest, Refund, RefundStatus};
use crate::domain::audit::AuditRecord;
use crate::domain::billing::{Account, Charge, CreditNote, Subscription, WalletEntry};
use crate::domain::ids::{AccountId, CaseNumber, ChargeId, RefundId, UserId};
use crate::domain::money::Currency;
use crate::domain::tickets::Case;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

/// A failure of the store itself (not a refusal: those are values).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store cannot be used, said in words (no database error behind it: an unsupported
    /// URL, a server that does not answer).
    #[error("{0}")]
    Backend(String),
    /// The database refused or failed a statement; the driver's error is kept as the source.
    #[error("database error: {0}")]
    Database(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// What was being done (`"migration failed"`, `"cannot connect to PostgreSQL"`) and the
    /// driver's error behind it.
    #[error("{what}: {source}")]
    Failed {
        what: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("another process holds this work item")]
    Busy,
    /// The database aborted the transaction because of a concurrent one (PostgreSQL
    /// SQLSTATE 40001 serialization failure or 40P01 deadlock): nothing was written, and
    /// running the whole transaction again is expected to succeed.
    #[error("the transaction collided with a concurrent one and was rolled back")]
    Conflict(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A write the store refuses before making it, because a stored value would leave its
    /// range (a wallet sum past the largest balance the store keeps exactly).
    #[error("{0}")]
    Refused(String),
}

impl StoreError {
    /// A transaction-level conflict: retry the whole unit of work.
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict(_))
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The store: one transaction per chat event, plus the work queues read between events.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Begins a write transaction (on SQLite `BEGIN IMMEDIATE`; on PostgreSQL the audit head
    /// row is locked first, then rows as they are read to be changed — one fixed order).
    async fn begin(&self) -> StoreResult<Box<dyn StoreTx>>;

    /// Outbox items not yet delivered, oldest first.
    async fn outbox_pending(&self, limit: u32) -> StoreResult<Vec<OutboxItem>>;
    /// Marks items delivered (one statement for the batch).
    async fn outbox_delivered(&self, ids: &[i64], at: DateTime<Utc>) -> StoreResult<()>;
    /// Marks items delivered in this process's next write transaction (or at [`Store::flush`])
    /// instead of a commit of their own: for one process delivering in order (console,
    /// replays), where a crash before that re-sends them — as a crash between delivery and
    /// mark always could. Until then `outbox_pending` no longer returns them. Not for
    /// claimed delivery (several instances): an unmarked item's claim would lapse.
    async fn outbox_delivered_later(&self, ids: &[i64], at: DateTime<Utc>) -> StoreResult<()> {
        self.outbox_delivered(ids, at).await
    }
    /// Writes what is waiting for the next transaction (delivery marks) now.
    async fn flush(&self) -> StoreResult<()> {
        Ok(())
    }
    /// Returns once every transaction committed through this store so far is durable.
    /// Where commits are durable when `commit()` returns, there is nothing to wait for;
    /// where they are not (SQLite's deferred durability, `paydesk replay`), this is the
    /// wait that must come before anything outside learns of them: a delivery
    /// (`outbox::pump`), a payment provider's call (`engine::DurableFirst`).
    async fn durable(&self) -> StoreResult<()>;
    /// Claims up to `limit` pending items for `worker` until `until`, oldest first: items
    /// another worker holds are skipped until its claim lapses, so with several instances
    /// each item is delivered by one of them.
    ///
    /// Only items due by `now` (`next_attempt_at`) are claimed, and only the oldest pending
    /// item of each destination (`Action::destination`): order is kept per destination,
    /// one destination never waits for another.
    async fn outbox_claim(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<OutboxItem>>;
    /// Records a failed delivery of one item: its attempt count, when to try it next, or
    /// `dead` (no more tries); releases its claim. `error` is kept for staff.
    async fn outbox_failed(
        &self,
        id: i64,
        attempts: u32,
        next_attempt_at: DateTime<Utc>,
        dead: bool,
        error: &str,
    ) -> StoreResult<()>;
    /// How the outbox is doing (`/readyz`, metrics).
    async fn outbox_health(&self) -> StoreResult<OutboxHealth>;

    /// Refunds that are `executing` and due by `now`, not leased by another worker.
    async fn due_refunds(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<RefundId>>;
    /// Approval requests still waiting whose expiry has passed.
    async fn expired_requests(&self, now: DateTime<Utc>) -> StoreResult<Vec<RefundId>>;
    /// Leases an executing refund to `worker` until `until`; `None` if it is not due,
    /// not executing, or leased by someone else. The lease is what makes a refund be
    /// worked on by one process at a time; the idempotency key backs it up.
    async fn claim_refund(
        &self,
        id: RefundId,
        worker: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<Option<Refund>>;
    /// How many changes to refund rows this store object (and its clones) has committed
    /// in this process; `None` if it does not count them. The engine skips its timer
    /// queries only while this is unchanged (see `Engine::handle`).
    fn refund_writes(&self) -> Option<u64> {
        None
    }
    /// The earliest instant at which [`Store::expired_requests`] or [`Store::due_refunds`]
    /// can return something, given the refunds stored now (`None`: nothing is waiting).
    /// May be earlier than the truth, never later.
    async fn next_timer_at(&self) -> StoreResult<Option<DateTime<Utc>>> {
        Ok(Some(DateTime::<Utc>::MIN_UTC))
    }

    /// A charge, read outside any write transaction (the refund runner needs its amount).
    async fn charge(&self, id: &ChargeId) -> StoreResult<Option<Charge>>;

    async fn snapshot(&self) -> StoreResult<Snapshot>;
    /// Cases and refunds by status (for metrics); also a cheap liveness query.
    async fn status_counts(&self) -> StoreResult<StatusCounts>;
    /// The audit trail, of one case or all, in order.
    async fn audit(&self, case: Option<CaseNumber>) -> StoreResult<Vec<StoredAudit>>;
    /// The audit chain's head (`None` if the row is missing: a sign of tampering).
    async fn audit_head(&self) -> StoreResult<Option<AuditHead>>;

    /// Pending purchases whose hosted page is not made yet, oldest first.
    async fn purchases_to_start(&self, limit: u32) -> StoreResult<Vec<i64>>;
    /// Pending purchases whose page expired by `now`, oldest first.
    async fn purchases_past_expiry(&self, now: DateTime<Utc>) -> StoreResult<Vec<i64>>;
    /// Refunds requested at or after `since`, oldest first (read-only, for the report).
    async fn refunds_requested_since(&self, since: DateTime<Utc>) -> StoreResult<Vec<Refund>>;
    /// Cases opened at or after `since`, oldest first (read-only, for the report).
    async fn cases_opened_since(&self, since: DateTime<Utc>) -> StoreResult<Vec<Case>>;
    /// Every open case, oldest first (read-only, for the report).
    async fn open_cases_oldest_first(&self) -> StoreResult<Vec<Case>>;
    /// Audit records of one action (`refund.refused`, …) at or after `since`, in order.
    async fn audit_actions_since(&self, since: DateTime<Utc>, action: &str) -> StoreResult<Vec<StoredAudit>>;
}

/// Everything the engine reads and writes inside one transaction.
#[async_trait]
pub trait StoreTx: Send {
    async fn commit(self: Box<Self>) -> StoreResult<()>;

    /// Records a platform event id; false if it was seen before (a redelivery).
    async fn first_delivery(&mut self, key: &str) -> StoreResult<bool>;
    /// Records a provider webhook event; false if this provider's event id was seen before.
    async fn first_webhook(
        &mut self,
        provider: &str,
        event_id: &str,
        kind: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// The refund a provider knows by this reference.
    async fn refund_by_provider_ref(&mut self, provider: &str, provider_ref: &str) -> StoreResult<Option<Refund>>;
    /// The refund with this idempotency key.
    async fn refund_by_key(&mut self, key: &str) -> StoreResult<Option<Refund>>;

    async fn put_account(&mut self, account: &Account) -> StoreResult<()>;
    async fn account(&mut self, id: &AccountId) -> StoreResult<Option<Account>>;
    async fn put_user(&mut self, user: &User) -> StoreResult<()>;
    async fn user(&mut self, id: &UserId) -> StoreResult<Option<User>>;
    async fn users_of_account(&mut self, account: &AccountId) -> StoreResult<Vec<User>>;

    async fn put_charge(&mut self, charge: &Charge) -> StoreResult<()>;
    async fn charge(&mut self, id: &ChargeId) -> StoreResult<Option<Charge>>;
    /// A charge, locked until commit (PostgreSQL `FOR UPDATE`; SQLite's write transaction
    /// already excludes other writers). Taken before a refund is reserved against the
    /// charge's cap, so two processes cannot both read the same sum and pass the cap.
    async fn charge_for_update(&mut self, id: &ChargeId) -> StoreResult<Option<Charge>>;
    /// All charges of an account, oldest first.
    async fn charges_of(&mut self, account: &AccountId) -> StoreResult<Vec<Charge>>;
    async fn set_disputed(&mut self, charge: &ChargeId, disputed: bool) -> StoreResult<()>;
    /// Records that `charge` bought credits through the bot (`origin`: `wallet_buy`,
    /// `auto_recharge`), adding `value` to the wallet.
    async fn put_credit_purchase(&mut self, charge: &ChargeId, value: Decimal, origin: &str) -> StoreResult<()>;
    /// The wallet value a charge bought through the bot added; `None` for other charges.
    async fn credit_purchase(&mut self, charge: &ChargeId) -> StoreResult<Option<Decimal>>;
    async fn put_subscription(&mut self, sub: &Subscription) -> StoreResult<()>;
    async fn subscription_of_charge(&mut self, charge: &ChargeId) -> StoreResult<Option<Subscription>>;
    /// A fresh id for a charge the bot itself makes (credit purchases).
    async fn next_charge_id(&mut self) -> StoreResult<ChargeId>;

    async fn add_wallet_entry(&mut self, entry: &WalletEntry) -> StoreResult<()>;
    /// Sum of the entries (exact, in SQL).
    async fn wallet_balance(&mut self, account: &AccountId, currency: Currency) -> StoreResult<Decimal>;
    /// Every currency the account has entries in, plus its own currency.
    async fn wallets_of(&mut self, account: &AccountId) -> StoreResult<Vec<WalletBalance>>;

    async fn next_case_number(&mut self) -> StoreResult<CaseNumber>;
    async fn insert_case(&mut self, case: &Case) -> StoreResult<()>;
    async fn update_case(&mut self, case: &Case) -> StoreResult<()>;
    async fn case(&mut self, number: CaseNumber) -> StoreResult<Option<Case>>;
    /// Open cases of a customer, newest first.
    async fn open_cases_of(&mut self, customer: &UserId) -> StoreResult<Vec<Case>>;
    /// Open cases of an account, newest first.
    async fn open_cases_of_account(&mut self, account: &AccountId) -> StoreResult<Vec<Case>>;
    /// Open cases of everyone, least recently updated first (the queue).
    async fn open_cases(&mut self, limit: u32) -> StoreResult<Vec<Case>>;
    /// Refunds waiting for a lead (awaiting approval or on hold), oldest first.
    async fn waiting_refunds(&mut self, limit: u32) -> StoreResult<Vec<Refund>>;
    /// Every case of a customer, newest first.
    async fn cases_of(&mut self, customer: &UserId) -> StoreResult<Vec<Case>>;

    /// Inserts a refund (its `id` is ignored) and returns the id given.
    async fn insert_refund(&mut self, refund: &Refund) -> StoreResult<RefundId>;
    async fn update_refund(&mut self, refund: &Refund) -> StoreResult<()>;
    async fn refund(&mut self, id: RefundId) -> StoreResult<Option<Refund>>;
    async fn refunds_of_case(&mut self, case: CaseNumber) -> StoreResult<Vec<Refund>>;
    async fn refund_by_message(&mut self, message_ref: &str) -> StoreResult<Option<Refund>>;
    /// One voter's approval of a refund as stored (migration 0010); on PostgreSQL the row
    /// is locked until commit.
    async fn vote(&mut self, refund: RefundId, voter: &UserId) -> StoreResult<Option<VoteRow>>;
    /// Compare-and-set of one voter's approval: writes `to` only while the stored row is
    /// still `from` (`None`: no row, so insert if absent); false when another transaction
    /// changed it first (nothing written). One conditional statement, so two processes can
    /// neither both count a vote nor lose a withdrawal, whatever locks they took.
    async fn set_vote(
        &mut self,
        refund: RefundId,
        voter: &UserId,
        from: Option<VoteRow>,
        to: VoteRow,
    ) -> StoreResult<bool>;
    /// The approvals of a refund that stand now, in the order they were given.
    async fn standing_approvals(&mut self, refund: RefundId) -> StoreResult<Vec<UserId>>;
    /// Sum of a charge's refunds in the given statuses.
    async fn refunded_sum(&mut self, charge: &ChargeId, statuses: &[RefundStatus]) -> StoreResult<Decimal>;
    /// Releases the lease taken by `claim_refund`.
    async fn release_refund(&mut self, id: RefundId) -> StoreResult<()>;
    /// Sum of the refunds in `currency` that `requester` asked for since `since` and
    /// that were approved automatically (no lead).
    async fn auto_approved_sum(
        &mut self,
        requester: &UserId,
        currency: Currency,
        since: DateTime<Utc>,
    ) -> StoreResult<Decimal>;
    /// Puts the charge's refunds that no money can have moved for yet on hold (a dispute
    /// was opened): those waiting for approval, and approved ones the provider was never
    /// asked about and that no worker is paying now (not leased at `now`). One
    /// conditional update, so a worker's lease and the hold cannot both win.
    async fn hold_refunds(&mut self, charge: &ChargeId, now: DateTime<Utc>) -> StoreResult<Vec<Refund>>;

    async fn add_credit_note(&mut self, note: &CreditNote) -> StoreResult<()>;
    /// The credit notes of a charge, oldest first.
    async fn credit_notes_of(&mut self, charge: &ChargeId) -> StoreResult<Vec<CreditNote>>;

    /// Inserts a goodwill request (its `id` is ignored) and returns the id given.
    async fn insert_goodwill(&mut self, g: &GoodwillRequest) -> StoreResult<i64>;
    async fn update_goodwill(&mut self, g: &GoodwillRequest) -> StoreResult<()>;
    async fn goodwill_by_message(&mut self, message_ref: &str) -> StoreResult<Option<GoodwillRequest>>;

    /// Inserts a purchase (its `id` is ignored) and returns the id given.
    async fn insert_purchase(&mut self, p: &Purchase) -> StoreResult<i64>;
    /// A purchase, locked until commit (PostgreSQL `FOR UPDATE`).
    async fn purchase(&mut self, id: i64) -> StoreResult<Option<Purchase>>;
    /// The purchase whose hosted page the provider knows by `provider_ref`.
    async fn purchase_by_provider_ref(&mut self, provider: &str, provider_ref: &str) -> StoreResult<Option<Purchase>>;
    /// Records the hosted page of a pending purchase that has none yet; false otherwise.
    async fn set_purchase_link(
        &mut self,
        id: i64,
        provider_ref: &str,
        url: &str,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// The payment method `provider` saved for the account (auto-recharge), if any.
    async fn saved_method(&mut self, account: &AccountId, provider: &str) -> StoreResult<Option<SavedMethod>>;
    /// Keeps (or replaces) the payment method `provider` saved for the account.
    async fn save_method(
        &mut self,
        account: &AccountId,
        provider: &str,
        method: &SavedMethod,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Whether an off-session auto-recharge of the account is still pending.
    async fn recharge_pending(&mut self, account: &AccountId) -> StoreResult<bool>;
    /// Moves a purchase to `to` (with its charge once paid) only from one of `from`, in
    /// one conditional update; false when it was in none of them (someone else moved it).
    async fn move_purchase(
        &mut self,
        id: i64,
        from: &[PurchaseStatus],
        to: PurchaseStatus,
        charge: Option<&ChargeId>,
    ) -> StoreResult<bool>;

    /// The language a customer writes in, as last detected (migration 0012).
    async fn customer_language(&mut self, user: &UserId) -> StoreResult<Option<CustomerLanguage>>;
    async fn set_customer_language(&mut self, user: &UserId, lang: &CustomerLanguage) -> StoreResult<()>;
    /// Keeps (or replaces) the question back waiting for this customer's answer.
    async fn put_question(&mut self, user: &UserId, question: &StoredQuestion) -> StoreResult<()>;
    /// Takes the customer's waiting question, if any: read and deleted in one statement, so
    /// of two instances handling the same answer only one gets it.
    async fn take_question(&mut self, user: &UserId) -> StoreResult<Option<StoredQuestion>>;

    /// Queues an outgoing action; messages (`say`, `approval_request`) get their `ref`.
    async fn push(&mut self, action: Action) -> StoreResult<Option<String>>;
    async fn append_audit(&mut self, record: &AuditRecord) -> StoreResult<()>;
    /// The audit records of one case, in order.
    async fn audit_of(&mut self, case: CaseNumber) -> StoreResult<Vec<AuditRecord>>;
}
