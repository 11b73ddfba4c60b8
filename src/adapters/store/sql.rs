//! The store on either backend: [`SqlStore`] implements the `Store` port (reads between
//! events and the work queues, each one statement on the pool) and begins [`SqlTx`],
//! which implements `StoreTx` (everything one event reads and writes). Each method hands
//! over to the function of its area (`cases.rs`, `refunds.rs`, …), written once for
//! SQLite and PostgreSQL on `db::Exec`.

use super::db::{Pool, Tx};
use super::{audit, cases, conversation, ledger, outbox, overview, purchases, refunds};
use crate::app::action::{Action, OutboxItem};
use crate::app::ports::{
    AuditHead, CustomerLanguage, OutboxHealth, Purchase, PurchaseStatus, SavedMethod, Snapshot, StatusCounts, Store,
    StoreResult, StoreTx, StoredAudit, StoredQuestion, User, VoteRow, WalletBalance,
};
use crate::domain::approvals::{GoodwillRequest, Refund, RefundStatus};
use crate::domain::audit::AuditRecord;
use crate::domain::billing::{Account, Charge, CreditNote, Subscription, WalletEntry};
use crate::domain::ids::{AccountId, CaseNumber, ChargeId, RefundId, UserId};
use crate::domain::money::Currency;
use crate::domain::tickets::Case;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The store on one database.
#[derive(Clone)]
pub struct SqlStore {
    pub(super) pool: Pool,
    audit_key: Option<Arc<[u8]>>,
    /// Committed transactions (and lease claims) of this process that changed a refund
    /// row: the engine's timer hint is valid only while this is unchanged.
    refund_writes: Arc<AtomicU64>,
    /// Delivery marks waiting for the next write transaction (`outbox_delivered_later`).
    marks: Arc<Mutex<Marks>>,
}

/// Delivery marks not yet committed: batches numbered in order. A transaction writes all
/// of them (the UPDATE is idempotent) and, once committed, forgets those it wrote; if it
/// rolls back they stay for the next one.
#[derive(Default)]
struct Marks {
    next: u64,
    batches: Vec<(u64, Vec<i64>, DateTime<Utc>)>,
}

impl Marks {
    fn waiting(&self, id: i64) -> bool {
        self.batches.iter().any(|(_, ids, _)| ids.contains(&id))
    }
}

impl SqlStore {
    pub(super) fn new(pool: Pool, audit_key: Option<Arc<[u8]>>) -> Self {
        Self { pool, audit_key, refund_writes: Arc::default(), marks: Arc::default() }
    }

    fn marks(&self) -> std::sync::MutexGuard<'_, Marks> {
        // A panic while the lock was held left whole batches (each push is one step).
        self.marks.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// One write transaction (see `db::Pool::begin` for how it starts on each backend).
pub struct SqlTx {
    tx: Tx,
    audit_key: Option<Arc<[u8]>>,
    refund_writes: Arc<AtomicU64>,
    /// This transaction inserted or updated a refund row.
    wrote_refund: bool,
    marks: Arc<Mutex<Marks>>,
    /// The last delivery-mark batch this transaction wrote (forgotten at commit).
    marks_upto: Option<u64>,
}

#[async_trait]
impl Store for SqlStore {
    async fn begin(&self) -> StoreResult<Box<dyn StoreTx>> {
        let mut tx = self.pool.begin().await?;
        let batches = self.marks().batches.clone();
        for (_, ids, at) in &batches {
            outbox::delivered(&mut tx, ids, *at).await?;
        }
        Ok(Box::new(SqlTx {
            tx,
            audit_key: self.audit_key.clone(),
            refund_writes: self.refund_writes.clone(),
            wrote_refund: false,
            marks: self.marks.clone(),
            marks_upto: batches.last().map(|b| b.0),
        }))
    }

    async fn outbox_pending(&self, limit: u32) -> StoreResult<Vec<OutboxItem>> {
        let mut items = outbox::pending(&mut &self.pool, limit).await?;
        let marks = self.marks();
        if !marks.batches.is_empty() {
            items.retain(|i| !marks.waiting(i.id));
        }
        Ok(items)
    }

    async fn outbox_delivered_later(&self, ids: &[i64], at: DateTime<Utc>) -> StoreResult<()> {
        if !ids.is_empty() {
            let mut marks = self.marks();
            let n = marks.next;
            marks.next += 1;
            marks.batches.push((n, ids.to_vec(), at));
        }
        Ok(())
    }

    async fn flush(&self) -> StoreResult<()> {
        if self.marks().batches.is_empty() {
            return Ok(());
        }
        self.begin().await?.commit().await
    }

    async fn durable(&self) -> StoreResult<()> {
        match &self.pool {
            Pool::Sqlite(lite) => lite.durable().await,
            // Commits are durable on return (`synchronous_commit` as the server is set).
            Pool::Postgres(_) => Ok(()),
        }
    }

    async fn outbox_delivered(&self, ids: &[i64], at: DateTime<Utc>) -> StoreResult<()> {
        outbox::delivered(&mut &self.pool, ids, at).await
    }

    async fn outbox_claim(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<OutboxItem>> {
        outbox::claim(&mut &self.pool, worker, now, until, limit).await
    }

    async fn outbox_failed(
        &self,
        id: i64,
        attempts: u32,
        next_attempt_at: DateTime<Utc>,
        dead: bool,
        error: &str,
    ) -> StoreResult<()> {
        outbox::failed(&mut &self.pool, id, attempts, next_attempt_at, dead, error).await
    }

    async fn outbox_health(&self) -> StoreResult<OutboxHealth> {
        outbox::health(&mut &self.pool).await
    }

    async fn due_refunds(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<RefundId>> {
        refunds::due_refunds(&mut &self.pool, now, limit).await
    }

    async fn expired_requests(&self, now: DateTime<Utc>) -> StoreResult<Vec<RefundId>> {
        refunds::expired_requests(&mut &self.pool, now).await
    }

    async fn claim_refund(
        &self,
        id: RefundId,
        worker: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<Option<Refund>> {
        let claimed = refunds::claim_refund(&mut &self.pool, id, worker, now, until).await?;
        self.refund_writes.fetch_add(1, Ordering::SeqCst);
        Ok(claimed)
    }

    fn refund_writes(&self) -> Option<u64> {
        Some(self.refund_writes.load(Ordering::SeqCst))
    }

    async fn next_timer_at(&self) -> StoreResult<Option<DateTime<Utc>>> {
        refunds::next_timer_at(&mut &self.pool).await
    }

    async fn charge(&self, id: &ChargeId) -> StoreResult<Option<Charge>> {
        ledger::charge(&mut &self.pool, id, false).await
    }

    async fn snapshot(&self) -> StoreResult<Snapshot> {
        overview::snapshot(&mut &self.pool).await
    }

    async fn status_counts(&self) -> StoreResult<StatusCounts> {
        overview::status_counts(&mut &self.pool).await
    }

    async fn audit(&self, case: Option<CaseNumber>) -> StoreResult<Vec<StoredAudit>> {
        audit::trail(&mut &self.pool, case).await
    }

    async fn audit_head(&self) -> StoreResult<Option<AuditHead>> {
        audit::head(&mut &self.pool).await
    }

    async fn purchases_to_start(&self, limit: u32) -> StoreResult<Vec<i64>> {
        purchases::purchases_to_start(&mut &self.pool, limit).await
    }

    async fn purchases_past_expiry(&self, now: DateTime<Utc>) -> StoreResult<Vec<i64>> {
        purchases::purchases_past_expiry(&mut &self.pool, now).await
    }

    async fn refunds_requested_since(&self, since: DateTime<Utc>) -> StoreResult<Vec<Refund>> {
        refunds::refunds_requested_since(&mut &self.pool, since).await
    }

    async fn cases_opened_since(&self, since: DateTime<Utc>) -> StoreResult<Vec<Case>> {
        cases::cases_opened_since(&mut &self.pool, since).await
    }

    async fn open_cases_oldest_first(&self) -> StoreResult<Vec<Case>> {
        cases::open_cases_oldest_first(&mut &self.pool).await
    }

    async fn audit_actions_since(&self, since: DateTime<Utc>, action: &str) -> StoreResult<Vec<StoredAudit>> {
        audit::actions_since(&mut &self.pool, since, action).await
    }
}

#[async_trait]
impl StoreTx for SqlTx {
    async fn commit(self: Box<Self>) -> StoreResult<()> {
        self.tx.commit().await?;
        if let Some(upto) = self.marks_upto {
            let mut marks = self.marks.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            marks.batches.retain(|b| b.0 > upto);
        }
        // Counted after the commit: a reader of the count that saw the old value reads
        // the refunds afterwards, so it sees this write or a new count.
        if self.wrote_refund {
            self.refund_writes.fetch_add(1, Ordering::SeqCst);
        }
        Ok(())
    }

    async fn first_delivery(&mut self, key: &str) -> StoreResult<bool> {
        outbox::first_delivery(&mut self.tx, key).await
    }

    async fn first_webhook(
        &mut self,
        provider: &str,
        event_id: &str,
        kind: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        outbox::first_webhook(&mut self.tx, provider, event_id, kind, at).await
    }

    async fn refund_by_provider_ref(&mut self, provider: &str, provider_ref: &str) -> StoreResult<Option<Refund>> {
        refunds::refund_by_provider_ref(&mut self.tx, provider, provider_ref).await
    }

    async fn refund_by_key(&mut self, key: &str) -> StoreResult<Option<Refund>> {
        refunds::refund_by_key(&mut self.tx, key).await
    }

    async fn put_account(&mut self, account: &Account) -> StoreResult<()> {
        ledger::put_account(&mut self.tx, account).await
    }

    async fn account(&mut self, id: &AccountId) -> StoreResult<Option<Account>> {
        ledger::account(&mut self.tx, id).await
    }

    async fn put_user(&mut self, user: &User) -> StoreResult<()> {
        ledger::put_user(&mut self.tx, user).await
    }

    async fn user(&mut self, id: &UserId) -> StoreResult<Option<User>> {
        ledger::user(&mut self.tx, id).await
    }

    async fn users_of_account(&mut self, account: &AccountId) -> StoreResult<Vec<User>> {
        ledger::users_of_account(&mut self.tx, account).await
    }

    async fn put_charge(&mut self, charge: &Charge) -> StoreResult<()> {
        ledger::put_charge(&mut self.tx, charge).await
    }

    async fn charge(&mut self, id: &ChargeId) -> StoreResult<Option<Charge>> {
        ledger::charge(&mut self.tx, id, false).await
    }

    async fn charge_for_update(&mut self, id: &ChargeId) -> StoreResult<Option<Charge>> {
        ledger::charge(&mut self.tx, id, true).await
    }

    async fn charges_of(&mut self, account: &AccountId) -> StoreResult<Vec<Charge>> {
        ledger::charges_of(&mut self.tx, account).await
    }

    async fn set_disputed(&mut self, charge: &ChargeId, disputed: bool) -> StoreResult<()> {
        ledger::set_disputed(&mut self.tx, charge, disputed).await
    }

    async fn put_credit_purchase(&mut self, charge: &ChargeId, value: Decimal, origin: &str) -> StoreResult<()> {
        ledger::put_credit_purchase(&mut self.tx, charge, value, origin).await
    }

    async fn credit_purchase(&mut self, charge: &ChargeId) -> StoreResult<Option<Decimal>> {
        ledger::credit_purchase(&mut self.tx, charge).await
    }

    async fn put_subscription(&mut self, sub: &Subscription) -> StoreResult<()> {
        ledger::put_subscription(&mut self.tx, sub).await
    }

    async fn subscription_of_charge(&mut self, charge: &ChargeId) -> StoreResult<Option<Subscription>> {
        ledger::subscription_of_charge(&mut self.tx, charge).await
    }

    async fn next_charge_id(&mut self) -> StoreResult<ChargeId> {
        ledger::next_charge_id(&mut self.tx).await
    }

    async fn add_wallet_entry(&mut self, entry: &WalletEntry) -> StoreResult<()> {
        ledger::add_wallet_entry(&mut self.tx, entry).await
    }

    async fn wallet_balance(&mut self, account: &AccountId, currency: Currency) -> StoreResult<Decimal> {
        ledger::wallet_balance(&mut self.tx, account, currency).await
    }

    async fn wallets_of(&mut self, account: &AccountId) -> StoreResult<Vec<WalletBalance>> {
        ledger::wallets_of(&mut self.tx, account).await
    }

    async fn next_case_number(&mut self) -> StoreResult<CaseNumber> {
        cases::next_case_number(&mut self.tx).await
    }

    async fn insert_case(&mut self, case: &Case) -> StoreResult<()> {
        cases::insert_case(&mut self.tx, case).await
    }

    async fn update_case(&mut self, case: &Case) -> StoreResult<()> {
        cases::update_case(&mut self.tx, case).await
    }

    async fn case(&mut self, number: CaseNumber) -> StoreResult<Option<Case>> {
        cases::case(&mut self.tx, number).await
    }

    async fn open_cases_of(&mut self, customer: &UserId) -> StoreResult<Vec<Case>> {
        cases::open_cases_of(&mut self.tx, customer).await
    }

    async fn open_cases_of_account(&mut self, account: &AccountId) -> StoreResult<Vec<Case>> {
        cases::open_cases_of_account(&mut self.tx, account).await
    }

    async fn open_cases(&mut self, limit: u32) -> StoreResult<Vec<Case>> {
        cases::open_cases(&mut self.tx, limit).await
    }

    async fn waiting_refunds(&mut self, limit: u32) -> StoreResult<Vec<Refund>> {
        refunds::waiting_refunds(&mut self.tx, limit).await
    }

    async fn cases_of(&mut self, customer: &UserId) -> StoreResult<Vec<Case>> {
        cases::cases_of(&mut self.tx, customer).await
    }

    async fn insert_refund(&mut self, refund: &Refund) -> StoreResult<RefundId> {
        self.wrote_refund = true;
        refunds::insert_refund(&mut self.tx, refund).await
    }

    async fn update_refund(&mut self, refund: &Refund) -> StoreResult<()> {
        self.wrote_refund = true;
        refunds::update_refund(&mut self.tx, refund).await
    }

    async fn refund(&mut self, id: RefundId) -> StoreResult<Option<Refund>> {
        refunds::refund(&mut self.tx, id).await
    }

    async fn refunds_of_case(&mut self, case: CaseNumber) -> StoreResult<Vec<Refund>> {
        refunds::refunds_of_case(&mut self.tx, case).await
    }

    async fn refund_by_message(&mut self, message_ref: &str) -> StoreResult<Option<Refund>> {
        refunds::refund_by_message(&mut self.tx, message_ref).await
    }

    async fn vote(&mut self, refund: RefundId, voter: &UserId) -> StoreResult<Option<VoteRow>> {
        refunds::vote(&mut self.tx, refund, voter).await
    }

    async fn set_vote(
        &mut self,
        refund: RefundId,
        voter: &UserId,
        from: Option<VoteRow>,
        to: VoteRow,
    ) -> StoreResult<bool> {
        refunds::set_vote(&mut self.tx, refund, voter, from, to).await
    }

    async fn standing_approvals(&mut self, refund: RefundId) -> StoreResult<Vec<UserId>> {
        refunds::standing_approvals(&mut self.tx, refund).await
    }

    async fn refunded_sum(&mut self, charge: &ChargeId, statuses: &[RefundStatus]) -> StoreResult<Decimal> {
        refunds::refunded_sum(&mut self.tx, charge, statuses).await
    }

    async fn release_refund(&mut self, id: RefundId) -> StoreResult<()> {
        refunds::release_refund(&mut self.tx, id).await
    }

    async fn auto_approved_sum(
        &mut self,
        requester: &UserId,
        currency: Currency,
        since: DateTime<Utc>,
    ) -> StoreResult<Decimal> {
        refunds::auto_approved_sum(&mut self.tx, requester, currency, since).await
    }

    async fn hold_refunds(&mut self, charge: &ChargeId, now: DateTime<Utc>) -> StoreResult<Vec<Refund>> {
        refunds::hold_refunds(&mut self.tx, charge, now).await
    }

    async fn add_credit_note(&mut self, note: &CreditNote) -> StoreResult<()> {
        ledger::add_credit_note(&mut self.tx, note).await
    }

    async fn credit_notes_of(&mut self, charge: &ChargeId) -> StoreResult<Vec<CreditNote>> {
        ledger::credit_notes_of(&mut self.tx, charge).await
    }

    async fn insert_goodwill(&mut self, g: &GoodwillRequest) -> StoreResult<i64> {
        purchases::insert_goodwill(&mut self.tx, g).await
    }

    async fn update_goodwill(&mut self, g: &GoodwillRequest) -> StoreResult<()> {
        purchases::update_goodwill(&mut self.tx, g).await
    }

    async fn goodwill_by_message(&mut self, message_ref: &str) -> StoreResult<Option<GoodwillRequest>> {
        purchases::goodwill_by_message(&mut self.tx, message_ref).await
    }

    async fn insert_purchase(&mut self, p: &Purchase) -> StoreResult<i64> {
        purchases::insert_purchase(&mut self.tx, p).await
    }

    async fn purchase(&mut self, id: i64) -> StoreResult<Option<Purchase>> {
        purchases::purchase(&mut self.tx, id).await
    }

    async fn purchase_by_provider_ref(&mut self, provider: &str, provider_ref: &str) -> StoreResult<Option<Purchase>> {
        purchases::purchase_by_provider_ref(&mut self.tx, provider, provider_ref).await
    }

    async fn set_purchase_link(
        &mut self,
        id: i64,
        provider_ref: &str,
        url: &str,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        purchases::set_purchase_link(&mut self.tx, id, provider_ref, url, expires_at).await
    }

    async fn saved_method(&mut self, account: &AccountId, provider: &str) -> StoreResult<Option<SavedMethod>> {
        purchases::saved_method(&mut self.tx, account, provider).await
    }

    async fn save_method(
        &mut self,
        account: &AccountId,
        provider: &str,
        method: &SavedMethod,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        purchases::save_method(&mut self.tx, account, provider, method, at).await
    }

    async fn recharge_pending(&mut self, account: &AccountId) -> StoreResult<bool> {
        purchases::recharge_pending(&mut self.tx, account).await
    }

    async fn move_purchase(
        &mut self,
        id: i64,
        from: &[PurchaseStatus],
        to: PurchaseStatus,
        charge: Option<&ChargeId>,
    ) -> StoreResult<bool> {
        purchases::move_purchase(&mut self.tx, id, from, to, charge).await
    }

    async fn customer_language(&mut self, user: &UserId) -> StoreResult<Option<CustomerLanguage>> {
        conversation::customer_language(&mut self.tx, user).await
    }

    async fn set_customer_language(&mut self, user: &UserId, lang: &CustomerLanguage) -> StoreResult<()> {
        conversation::set_customer_language(&mut self.tx, user, lang).await
    }

    async fn put_question(&mut self, user: &UserId, question: &StoredQuestion) -> StoreResult<()> {
        conversation::put_question(&mut self.tx, user, question).await
    }

    async fn take_question(&mut self, user: &UserId) -> StoreResult<Option<StoredQuestion>> {
        conversation::take_question(&mut self.tx, user).await
    }

    async fn push(&mut self, action: Action) -> StoreResult<Option<String>> {
        outbox::push(&mut self.tx, action).await
    }

    async fn append_audit(&mut self, record: &AuditRecord) -> StoreResult<()> {
        audit::append(&mut self.tx, self.audit_key.as_deref(), record).await
    }

    async fn audit_of(&mut self, case: CaseNumber) -> StoreResult<Vec<AuditRecord>> {
        Ok(audit::trail(&mut self.tx, Some(case)).await?.into_iter().map(|a| a.record).collect())
    }
}
