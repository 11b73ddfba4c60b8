//! The SQL of the store, written once and expanded for each backend by `sql_store!`.
//! Placeholders are `$1…` (both SQLite and PostgreSQL read them); every integer column
//! is a 64-bit integer on both; sums are cast back to BIGINT after an exact SUM.

use super::codec::*;
use crate::adapters::payments::sandbox::{SandboxBooks, SandboxRecord};
use crate::app::action::{Action, OutboxItem};
use crate::app::ports::{
    AuditHead, CustomerLanguage, OutboxHealth, Purchase, PurchaseStatus, SavedMethod, Snapshot, StatusCounts, Store, StoreError, StoreResult,
    StoreTx, StoredAudit, StoredQuestion, User, VoteRow, WalletBalance,
};
use crate::domain::approvals::{GoodwillRequest, GoodwillStatus, Refund, RefundStatus};
use crate::domain::audit::{head_mac, record_mac, AuditRecord};
use crate::domain::billing::{Account, AutoRecharge, Charge, ChargeKind, CreditNote, PaymentMethod, Subscription, WalletEntry};
use crate::domain::ids::{AccountId, CaseNumber, ChargeId, RefundId, SubscriptionId, UserId};
use crate::domain::intent::Intent;
use crate::domain::money::Currency;
use crate::domain::roles::{Role, Roles};
use crate::domain::tickets::{Case, CaseStatus};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::{PgPool, Postgres, Row, Sqlite, SqlitePool, Transaction};
use std::sync::Arc;

const CHARGE_COLS: &str = "id, account_id, amount, currency, at, method, card_last4, kind, description, fee, wallet_selected, disputed, provider";
/// The case statuses that count as open (`CaseStatus::is_open`), as an SQL list. Kept
/// equal to the domain's list by a unit test.
const OPEN_CASES: &str = "('open', 'awaiting_info', 'awaiting_approval', 'escalated')";
const CASE_COLS: &str = "number, customer, account_id, charge_id, intent, status, channel, opened_at, updated_at";
const REFUND_COLS: &str = "id, case_number, charge_id, amount, currency, status, rule, reason, requested_by, is_override, leads_needed, requested_at, expires_at, approvals, approved_by, idempotency_key, provider, provider_ref, message_ref, attempts, first_attempt_at, next_attempt_at, needs_lookup, last_error";
const PURCHASE_COLS: &str =
    "id, account_id, user_id, provider, credits, value, total, fee, currency, status, provider_ref, url, created_at, expires_at, charge_id, off_session";
const AUDIT_COLS: &str = "seq, at, actor, case_number, action, detail, rule, prev_hash, hash, mac";

/// The largest wallet balance the store keeps, in scaled units (10^12 currency units):
/// sums of entries stay far inside `i64` on both backends (SQLite's SUM fails on an
/// overflow, PostgreSQL's cast back to BIGINT too).
const MAX_BALANCE_SCALED: i64 = 1_000_000_000_000_000_000;

fn roles_text(r: Roles) -> String {
    r.to_string()
}

fn roles_parse(s: &str) -> Roles {
    s.split(',').filter_map(|p| Role::parse(p.trim())).collect()
}

fn hash_hex(h: &[u8; 32]) -> String {
    hex::encode(h)
}

fn hash_parse(s: &str) -> StoreResult<[u8; 32]> {
    let v = hex::decode(s).map_err(|e| StoreError::Corrupt(format!("bad audit hash: {e}")))?;
    v.try_into().map_err(|_| StoreError::Corrupt("audit hash is not 32 bytes".into()))
}

macro_rules! sql_store {
    ($store:ident, $tx:ident, $db:ty, $pool:ty, $begin:expr, $lock:expr) => {
        /// The store on this backend.
        #[derive(Clone)]
        pub struct $store {
            pub(crate) pool: $pool,
            audit_key: Option<Arc<[u8]>>,
            /// Committed transactions (and lease claims) of this process that changed a
            /// refund row: the engine's timer hint is valid only while this is unchanged.
            refund_writes: Arc<std::sync::atomic::AtomicU64>,
        }

        impl $store {
            pub fn new(pool: $pool) -> Self {
                Self { pool, audit_key: None, refund_writes: Arc::default() }
            }

            /// Signs audit records (and the head) with this HMAC key from now on.
            pub fn with_audit_key(mut self, key: Option<Arc<[u8]>>) -> Self {
                self.audit_key = key;
                self
            }
        }

        pub struct $tx {
            tx: Transaction<'static, $db>,
            audit_key: Option<Arc<[u8]>>,
            refund_writes: Arc<std::sync::atomic::AtomicU64>,
            /// This transaction inserted or updated a refund row.
            wrote_refund: bool,
        }

        fn outbox_item(r: &<$db as sqlx::Database>::Row) -> StoreResult<OutboxItem> {
            let payload: String = r.try_get("payload")?;
            let action: Action = serde_json::from_str(&payload).map_err(|e| StoreError::Corrupt(format!("outbox item: {e}")))?;
            let attempts: i64 = r.try_get("attempts")?;
            Ok(OutboxItem { id: r.try_get("id")?, action, attempts: u32::try_from(attempts).unwrap_or(u32::MAX) })
        }

        fn user_row(r: &<$db as sqlx::Database>::Row) -> StoreResult<User> {
            Ok(User {
                id: UserId::new(r.try_get::<String, _>("id")?),
                roles: roles_parse(&r.try_get::<String, _>("roles")?),
                account: r.try_get::<Option<String>, _>("account_id")?.map(AccountId::new),
            })
        }

        fn charge_row(r: &<$db as sqlx::Database>::Row) -> StoreResult<Charge> {
            Ok(Charge {
                id: ChargeId::new(r.try_get::<String, _>("id")?),
                account: AccountId::new(r.try_get::<String, _>("account_id")?),
                amount: decimal(r.try_get("amount")?),
                currency: currency(&r.try_get::<String, _>("currency")?)?,
                at: time(r.try_get("at")?)?,
                method: parsed("method", &r.try_get::<String, _>("method")?, PaymentMethod::parse)?,
                card_last4: r.try_get("card_last4")?,
                kind: parsed("kind", &r.try_get::<String, _>("kind")?, ChargeKind::parse)?,
                description: r.try_get("description")?,
                fee: decimal(r.try_get("fee")?),
                wallet_selected: r.try_get::<i64, _>("wallet_selected")? != 0,
                disputed: r.try_get::<i64, _>("disputed")? != 0,
                provider: r.try_get("provider")?,
            })
        }

        fn case_row(r: &<$db as sqlx::Database>::Row) -> StoreResult<Case> {
            let n: i64 = r.try_get("number")?;
            Ok(Case {
                number: u32::try_from(n).ok().and_then(CaseNumber::new).ok_or_else(|| StoreError::Corrupt(format!("bad case number {n}")))?,
                customer: UserId::new(r.try_get::<String, _>("customer")?),
                account: r.try_get::<Option<String>, _>("account_id")?.map(AccountId::new),
                charge: r.try_get::<Option<String>, _>("charge_id")?.map(ChargeId::new),
                intent: parsed("intent", &r.try_get::<String, _>("intent")?, |s| s.parse::<Intent>().ok())?,
                status: parsed("case status", &r.try_get::<String, _>("status")?, CaseStatus::parse)?,
                channel: r.try_get("channel")?,
                opened_at: time(r.try_get("opened_at")?)?,
                updated_at: time(r.try_get("updated_at")?)?,
            })
        }

        fn purchase_row(r: &<$db as sqlx::Database>::Row) -> StoreResult<Purchase> {
            let credits: i64 = r.try_get("credits")?;
            Ok(Purchase {
                id: r.try_get("id")?,
                account: AccountId::new(r.try_get::<String, _>("account_id")?),
                user: UserId::new(r.try_get::<String, _>("user_id")?),
                provider: r.try_get("provider")?,
                credits: u32::try_from(credits).map_err(|_| StoreError::Corrupt(format!("bad purchase credits {credits}")))?,
                value: decimal(r.try_get("value")?),
                total: decimal(r.try_get("total")?),
                fee: decimal(r.try_get("fee")?),
                currency: currency(&r.try_get::<String, _>("currency")?)?,
                status: parsed("purchase status", &r.try_get::<String, _>("status")?, PurchaseStatus::parse)?,
                provider_ref: r.try_get("provider_ref")?,
                url: r.try_get("url")?,
                created_at: time(r.try_get("created_at")?)?,
                expires_at: time(r.try_get("expires_at")?)?,
                charge: r.try_get::<Option<String>, _>("charge_id")?.map(ChargeId::new),
                off_session: r.try_get::<i64, _>("off_session")? != 0,
            })
        }

        fn refund_row(r: &<$db as sqlx::Database>::Row) -> StoreResult<Refund> {
            let case: i64 = r.try_get("case_number")?;
            Ok(Refund {
                id: RefundId(r.try_get("id")?),
                case: u32::try_from(case).ok().and_then(CaseNumber::new).ok_or_else(|| StoreError::Corrupt(format!("bad case number {case}")))?,
                charge: ChargeId::new(r.try_get::<String, _>("charge_id")?),
                amount: decimal(r.try_get("amount")?),
                currency: currency(&r.try_get::<String, _>("currency")?)?,
                status: parsed("refund status", &r.try_get::<String, _>("status")?, RefundStatus::parse)?,
                rule: r.try_get("rule")?,
                reason: r.try_get("reason")?,
                requested_by: UserId::new(r.try_get::<String, _>("requested_by")?),
                is_override: r.try_get::<i64, _>("is_override")? != 0,
                leads_needed: u8::try_from(r.try_get::<i64, _>("leads_needed")?).unwrap_or(2),
                requested_at: time(r.try_get("requested_at")?)?,
                expires_at: time(r.try_get("expires_at")?)?,
                approvals: users_from_json(&r.try_get::<String, _>("approvals")?)?,
                approved_by: users_from_json(&r.try_get::<String, _>("approved_by")?)?,
                idempotency_key: r.try_get::<Option<String>, _>("idempotency_key")?.unwrap_or_default(),
                provider: r.try_get("provider")?,
                provider_ref: r.try_get("provider_ref")?,
                message_ref: r.try_get("message_ref")?,
                attempts: u32::try_from(r.try_get::<i64, _>("attempts")?).unwrap_or(u32::MAX),
                first_attempt_at: opt_time(r.try_get("first_attempt_at")?)?,
                next_attempt_at: opt_time(r.try_get("next_attempt_at")?)?,
                needs_lookup: r.try_get::<i64, _>("needs_lookup")? != 0,
                last_error: r.try_get("last_error")?,
            })
        }

        fn credit_note_row(r: &<$db as sqlx::Database>::Row) -> StoreResult<CreditNote> {
            Ok(CreditNote {
                charge: ChargeId::new(r.try_get::<String, _>("charge_id")?),
                amount: decimal(r.try_get("amount")?),
                currency: currency(&r.try_get::<String, _>("currency")?)?,
                at: time(r.try_get("at")?)?,
                issued_by: UserId::new(r.try_get::<String, _>("issued_by")?),
            })
        }

        fn audit_row(r: &<$db as sqlx::Database>::Row) -> StoreResult<StoredAudit> {
            Ok(StoredAudit {
                seq: r.try_get("seq")?,
                record: AuditRecord {
                    at: time(r.try_get("at")?)?,
                    actor: r.try_get("actor")?,
                    case: r.try_get("case_number")?,
                    action: r.try_get("action")?,
                    detail: r.try_get("detail")?,
                    rule: r.try_get("rule")?,
                },
                prev_hash: hash_parse(&r.try_get::<String, _>("prev_hash")?)?,
                hash: hash_parse(&r.try_get::<String, _>("hash")?)?,
                mac: r.try_get::<Option<String>, _>("mac")?.map(|m| hash_parse(&m)).transpose()?,
            })
        }

        #[async_trait]
        impl Store for $store {
            async fn begin(&self) -> StoreResult<Box<dyn StoreTx>> {
                let tx = $begin(&self.pool).await?;
                Ok(Box::new($tx { tx, audit_key: self.audit_key.clone(), refund_writes: self.refund_writes.clone(), wrote_refund: false }))
            }

            async fn outbox_pending(&self, limit: u32) -> StoreResult<Vec<OutboxItem>> {
                let rows = sqlx::query(
                    "SELECT id, payload, attempts FROM outbox WHERE delivered_at IS NULL AND status = 'pending' ORDER BY id LIMIT $1",
                )
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(outbox_item).collect()
            }

            async fn outbox_claim(&self, worker: &str, now: DateTime<Utc>, until: DateTime<Utc>, limit: u32) -> StoreResult<Vec<OutboxItem>> {
                // The outer condition is re-checked on each row as it is updated, so two
                // claimers racing for the same rows cannot both win them. An item waits
                // while an older item of its destination is pending (kept in order).
                let free = |t: &str| {
                    format!(
                        "{t}.status = 'pending' AND {t}.delivered_at IS NULL AND ({t}.next_attempt_at IS NULL OR {t}.next_attempt_at <= $3) \
                         AND ({t}.claim_until IS NULL OR {t}.claim_until < $3 OR {t}.claimed_by = $1) \
                         AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.destination = {t}.destination AND e.status = 'pending' AND e.id < {t}.id)"
                    )
                };
                let rows = sqlx::query(&format!(
                    "UPDATE outbox SET claimed_by = $1, claim_until = $2 \
                     WHERE {} AND outbox.id IN (SELECT c.id FROM outbox c WHERE {} ORDER BY c.id LIMIT $4) RETURNING id, payload, attempts",
                    free("outbox"),
                    free("c")
                ))
                .bind(worker)
                .bind(ts(until))
                .bind(ts(now))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                let mut items = rows.iter().map(outbox_item).collect::<StoreResult<Vec<_>>>()?;
                items.sort_by_key(|i| i.id);
                Ok(items)
            }

            async fn outbox_failed(&self, id: i64, attempts: u32, next_attempt_at: DateTime<Utc>, dead: bool, error: &str) -> StoreResult<()> {
                let error: String = error.chars().take(500).collect();
                sqlx::query(
                    "UPDATE outbox SET attempts = $2, next_attempt_at = $3, status = $4, last_error = $5, claimed_by = NULL, claim_until = NULL \
                     WHERE id = $1 AND status = 'pending'",
                )
                .bind(id)
                .bind(i64::from(attempts))
                .bind(ts(next_attempt_at))
                .bind(if dead { "dead" } else { "pending" })
                .bind(error)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn outbox_health(&self) -> StoreResult<OutboxHealth> {
                let r = sqlx::query(
                    "SELECT (SELECT COUNT(*) FROM outbox WHERE status = 'pending') AS pending, \
                     (SELECT MIN(created_at) FROM outbox WHERE status = 'pending') AS oldest, \
                     (SELECT COUNT(*) FROM outbox WHERE status = 'dead') AS dead",
                )
                .fetch_one(&self.pool)
                .await?;
                Ok(OutboxHealth {
                    pending: r.try_get("pending")?,
                    oldest_pending: r.try_get::<Option<i64>, _>("oldest")?.and_then(DateTime::from_timestamp_micros),
                    dead: r.try_get("dead")?,
                })
            }

            async fn outbox_delivered(&self, ids: &[i64], at: DateTime<Utc>) -> StoreResult<()> {
                if ids.is_empty() {
                    return Ok(());
                }
                // Ids are integers from the store itself, so they are safe to inline.
                let list: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
                sqlx::query(&format!(
                    "UPDATE outbox SET delivered_at = $1, status = 'delivered' WHERE delivered_at IS NULL AND id IN ({})",
                    list.join(", ")
                ))
                .bind(ts(at))
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn due_refunds(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<RefundId>> {
                let rows = sqlx::query(
                    "SELECT id FROM refunds WHERE status = 'executing' AND next_attempt_at <= $1 \
                     AND (lease_until IS NULL OR lease_until < $1) ORDER BY next_attempt_at, id LIMIT $2",
                )
                .bind(ts(now))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(|r| Ok(RefundId(r.try_get("id")?))).collect()
            }

            async fn expired_requests(&self, now: DateTime<Utc>) -> StoreResult<Vec<RefundId>> {
                let rows = sqlx::query("SELECT id FROM refunds WHERE status = 'awaiting_approval' AND expires_at < $1 ORDER BY id")
                    .bind(ts(now))
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(|r| Ok(RefundId(r.try_get("id")?))).collect()
            }

            async fn claim_refund(&self, id: RefundId, worker: &str, now: DateTime<Utc>, until: DateTime<Utc>) -> StoreResult<Option<Refund>> {
                // One statement: the row lock (PostgreSQL) or the single writer (SQLite)
                // lets exactly one worker win.
                let row = sqlx::query(&format!(
                    "UPDATE refunds SET lease_owner = $1, lease_until = $2 WHERE id = $3 AND status = 'executing' \
                     AND next_attempt_at <= $4 AND (lease_until IS NULL OR lease_until < $4) RETURNING {REFUND_COLS}"
                ))
                .bind(worker)
                .bind(ts(until))
                .bind(id.0)
                .bind(ts(now))
                .fetch_optional(&self.pool)
                .await?;
                self.refund_writes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                row.as_ref().map(refund_row).transpose()
            }

            fn refund_writes(&self) -> Option<u64> {
                Some(self.refund_writes.load(std::sync::atomic::Ordering::SeqCst))
            }

            async fn next_timer_at(&self) -> StoreResult<Option<DateTime<Utc>>> {
                // The earliest of: an approval request's expiry, a refund's next attempt,
                // a lease's end. Earlier than the true due time at worst (a lease ending
                // before its next attempt), never later. Indexed by status.
                let row = sqlx::query(
                    "SELECT (SELECT MIN(expires_at) FROM refunds WHERE status = 'awaiting_approval') AS e, \
                     (SELECT MIN(next_attempt_at) FROM refunds WHERE status = 'executing') AS n, \
                     (SELECT MIN(lease_until) FROM refunds WHERE status = 'executing') AS l",
                )
                .fetch_one(&self.pool)
                .await?;
                let mut first: Option<i64> = None;
                for col in ["e", "n", "l"] {
                    if let Some(v) = row.try_get::<Option<i64>, _>(col)? {
                        first = Some(first.map_or(v, |f| f.min(v)));
                    }
                }
                first.map(time).transpose()
            }

            async fn charge(&self, id: &ChargeId) -> StoreResult<Option<Charge>> {
                let row = sqlx::query(&format!("SELECT {CHARGE_COLS} FROM charges WHERE id = $1")).bind(id.as_str()).fetch_optional(&self.pool).await?;
                row.as_ref().map(charge_row).transpose()
            }

            async fn snapshot(&self) -> StoreResult<Snapshot> {
                let mut s = Snapshot::default();
                for r in sqlx::query(&format!("SELECT {CASE_COLS} FROM cases ORDER BY number")).fetch_all(&self.pool).await? {
                    s.cases.push(case_row(&r)?);
                }
                for r in sqlx::query(&format!("SELECT {REFUND_COLS} FROM refunds ORDER BY id")).fetch_all(&self.pool).await? {
                    s.refunds.push(refund_row(&r)?);
                }
                let wallets = sqlx::query(
                    "SELECT a.id AS account_id, a.currency AS currency, CAST(COALESCE(SUM(w.amount), 0) AS BIGINT) AS balance \
                     FROM accounts a LEFT JOIN wallet_entries w ON w.account_id = a.id AND w.currency = a.currency \
                     GROUP BY a.id, a.currency \
                     UNION ALL \
                     SELECT w.account_id, w.currency, CAST(SUM(w.amount) AS BIGINT) FROM wallet_entries w JOIN accounts a ON a.id = w.account_id \
                     WHERE w.currency <> a.currency GROUP BY w.account_id, w.currency \
                     ORDER BY 1, 2",
                )
                .fetch_all(&self.pool)
                .await?;
                for r in wallets {
                    s.wallets.push(WalletBalance {
                        account: AccountId::new(r.try_get::<String, _>(0)?),
                        currency: currency(&r.try_get::<String, _>(1)?)?,
                        balance: decimal(r.try_get(2)?),
                    });
                }
                for r in sqlx::query("SELECT charge_id, amount, currency, at, issued_by FROM credit_notes ORDER BY id").fetch_all(&self.pool).await? {
                    s.credit_notes.push(credit_note_row(&r)?);
                }
                Ok(s)
            }

            async fn status_counts(&self) -> StoreResult<StatusCounts> {
                let mut c = StatusCounts::default();
                for r in sqlx::query("SELECT status, COUNT(*) AS n FROM cases GROUP BY status ORDER BY status").fetch_all(&self.pool).await? {
                    c.cases.push((r.try_get("status")?, r.try_get("n")?));
                }
                for r in sqlx::query("SELECT status, COUNT(*) AS n FROM refunds GROUP BY status ORDER BY status").fetch_all(&self.pool).await? {
                    c.refunds.push((r.try_get("status")?, r.try_get("n")?));
                }
                Ok(c)
            }

            async fn audit(&self, case: Option<CaseNumber>) -> StoreResult<Vec<StoredAudit>> {
                let rows = match case {
                    Some(c) => sqlx::query(&format!("SELECT {AUDIT_COLS} FROM audit WHERE case_number = $1 ORDER BY seq")).bind(c.to_string()).fetch_all(&self.pool).await?,
                    None => sqlx::query(&format!("SELECT {AUDIT_COLS} FROM audit ORDER BY seq")).fetch_all(&self.pool).await?,
                };
                rows.iter().map(audit_row).collect()
            }

            async fn purchases_to_start(&self, limit: u32) -> StoreResult<Vec<i64>> {
                let rows = sqlx::query("SELECT id FROM purchases WHERE status = 'pending' AND url IS NULL ORDER BY id LIMIT $1")
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
            }

            async fn purchases_past_expiry(&self, now: DateTime<Utc>) -> StoreResult<Vec<i64>> {
                let rows = sqlx::query("SELECT id FROM purchases WHERE status = 'pending' AND expires_at < $1 ORDER BY id")
                    .bind(ts(now))
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
            }

            async fn refunds_requested_since(&self, since: DateTime<Utc>) -> StoreResult<Vec<Refund>> {
                let rows = sqlx::query(&format!("SELECT {REFUND_COLS} FROM refunds WHERE requested_at >= $1 ORDER BY requested_at, id"))
                    .bind(ts(since))
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(refund_row).collect()
            }

            async fn cases_opened_since(&self, since: DateTime<Utc>) -> StoreResult<Vec<Case>> {
                let rows = sqlx::query(&format!("SELECT {CASE_COLS} FROM cases WHERE opened_at >= $1 ORDER BY opened_at, number"))
                    .bind(ts(since))
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(case_row).collect()
            }

            async fn open_cases_oldest_first(&self) -> StoreResult<Vec<Case>> {
                let rows = sqlx::query(&format!("SELECT {CASE_COLS} FROM cases WHERE status IN {OPEN_CASES} ORDER BY opened_at, number"))
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(case_row).collect()
            }

            async fn audit_actions_since(&self, since: DateTime<Utc>, action: &str) -> StoreResult<Vec<StoredAudit>> {
                let rows = sqlx::query(&format!("SELECT {AUDIT_COLS} FROM audit WHERE at >= $1 AND action = $2 ORDER BY seq"))
                    .bind(ts(since))
                    .bind(action)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(audit_row).collect()
            }

            async fn audit_head(&self) -> StoreResult<Option<AuditHead>> {
                let row = sqlx::query("SELECT count, last_hash, mac FROM audit_head WHERE id = 1").fetch_optional(&self.pool).await?;
                row.map(|r| {
                    Ok(AuditHead {
                        count: r.try_get("count")?,
                        last_hash: hash_parse(&r.try_get::<String, _>("last_hash")?)?,
                        mac: r.try_get::<Option<String>, _>("mac")?.map(|m| hash_parse(&m)).transpose()?,
                    })
                })
                .transpose()
            }
        }

        #[async_trait]
        impl SandboxBooks for $store {
            async fn record(&self, rec: &SandboxRecord) -> StoreResult<SandboxRecord> {
                sqlx::query(
                    "INSERT INTO sandbox_refunds (idempotency_key, charge_id, amount, currency, provider_ref, at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING",
                )
                .bind(&rec.idempotency_key)
                .bind(rec.charge.as_str())
                .bind(money(rec.amount)?)
                .bind(rec.currency.code())
                .bind(&rec.provider_ref)
                .bind(ts(rec.at))
                .execute(&self.pool)
                .await?;
                self.find(&rec.idempotency_key).await?.ok_or_else(|| StoreError::Corrupt("sandbox record vanished".into()))
            }

            async fn find(&self, key: &str) -> StoreResult<Option<SandboxRecord>> {
                let row = sqlx::query("SELECT idempotency_key, charge_id, amount, currency, provider_ref, at FROM sandbox_refunds WHERE idempotency_key = $1")
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|r| sandbox_row(&r)).transpose()
            }

            async fn refunded(&self, charge: &ChargeId) -> StoreResult<Decimal> {
                let v: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM sandbox_refunds WHERE charge_id = $1")
                    .bind(charge.as_str())
                    .fetch_one(&self.pool)
                    .await?;
                Ok(decimal(v))
            }

            async fn all(&self) -> StoreResult<Vec<SandboxRecord>> {
                let rows = sqlx::query("SELECT idempotency_key, charge_id, amount, currency, provider_ref, at FROM sandbox_refunds ORDER BY at, idempotency_key")
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(sandbox_row).collect()
            }
        }

        fn sandbox_row(r: &<$db as sqlx::Database>::Row) -> StoreResult<SandboxRecord> {
            Ok(SandboxRecord {
                idempotency_key: r.try_get("idempotency_key")?,
                charge: ChargeId::new(r.try_get::<String, _>("charge_id")?),
                amount: decimal(r.try_get("amount")?),
                currency: currency(&r.try_get::<String, _>("currency")?)?,
                provider_ref: r.try_get("provider_ref")?,
                at: time(r.try_get("at")?)?,
            })
        }

        impl $tx {
            async fn counter(&mut self, name: &str) -> StoreResult<i64> {
                let v: i64 = sqlx::query_scalar(
                    "INSERT INTO counters (name, value) VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value",
                )
                .bind(name)
                .fetch_one(&mut *self.tx)
                .await?;
                Ok(v)
            }

            async fn cases_where(&mut self, filter: &str, key: &str) -> StoreResult<Vec<Case>> {
                let rows = sqlx::query(&format!("SELECT {CASE_COLS} FROM cases WHERE {filter} ORDER BY number DESC")).bind(key).fetch_all(&mut *self.tx).await?;
                rows.iter().map(case_row).collect()
            }
        }

        // Languages and questions back (migration 0012): the SQL is in `conversation.rs`.
        conversation_methods!($tx);

        #[async_trait]
        impl StoreTx for $tx {
            async fn customer_language(&mut self, user: &UserId) -> StoreResult<Option<CustomerLanguage>> {
                self.conv_customer_language(user).await
            }

            async fn set_customer_language(&mut self, user: &UserId, lang: &CustomerLanguage) -> StoreResult<()> {
                self.conv_set_customer_language(user, lang).await
            }

            async fn put_question(&mut self, user: &UserId, question: &StoredQuestion) -> StoreResult<()> {
                self.conv_put_question(user, question).await
            }

            async fn take_question(&mut self, user: &UserId) -> StoreResult<Option<StoredQuestion>> {
                self.conv_take_question(user).await
            }

            async fn commit(self: Box<Self>) -> StoreResult<()> {
                self.tx.commit().await?;
                // Counted after the commit: a reader of the count that saw the old value
                // reads the refunds afterwards, so it sees this write or a new count.
                if self.wrote_refund {
                    self.refund_writes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
                Ok(())
            }

            async fn first_webhook(&mut self, provider: &str, event_id: &str, kind: &str, at: DateTime<Utc>) -> StoreResult<bool> {
                let done = sqlx::query(
                    "INSERT INTO webhook_events (provider, event_id, kind, received_at) VALUES ($1, $2, $3, $4) ON CONFLICT (provider, event_id) DO NOTHING",
                )
                .bind(provider)
                .bind(event_id)
                .bind(kind)
                .bind(ts(at))
                .execute(&mut *self.tx)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn refund_by_provider_ref(&mut self, provider: &str, provider_ref: &str) -> StoreResult<Option<Refund>> {
                let row = sqlx::query(&format!("SELECT {REFUND_COLS} FROM refunds WHERE provider = $1 AND provider_ref = $2 ORDER BY id LIMIT 1{}", $lock))
                    .bind(provider)
                    .bind(provider_ref)
                    .fetch_optional(&mut *self.tx)
                    .await?;
                row.as_ref().map(refund_row).transpose()
            }

            async fn refund_by_key(&mut self, key: &str) -> StoreResult<Option<Refund>> {
                let row = sqlx::query(&format!("SELECT {REFUND_COLS} FROM refunds WHERE idempotency_key = $1{}", $lock)).bind(key).fetch_optional(&mut *self.tx).await?;
                row.as_ref().map(refund_row).transpose()
            }

            async fn first_delivery(&mut self, key: &str) -> StoreResult<bool> {
                let done = sqlx::query("INSERT INTO seen_events (key, at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
                    .bind(key)
                    .bind(ts(Utc::now()))
                    .execute(&mut *self.tx)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn put_account(&mut self, a: &Account) -> StoreResult<()> {
                let below = a.auto_recharge.as_ref().map(|r| money(r.below)).transpose()?;
                sqlx::query(
                    "INSERT INTO accounts (id, currency, auto_recharge_below, auto_recharge_credits) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (id) DO UPDATE SET currency = excluded.currency, auto_recharge_below = excluded.auto_recharge_below, \
                     auto_recharge_credits = excluded.auto_recharge_credits",
                )
                .bind(a.id.as_str())
                .bind(a.currency.code())
                .bind(below)
                .bind(a.auto_recharge.as_ref().map(|r| i64::from(r.credits)))
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }

            async fn account(&mut self, id: &AccountId) -> StoreResult<Option<Account>> {
                let row = sqlx::query(&format!("SELECT id, currency, auto_recharge_below, auto_recharge_credits FROM accounts WHERE id = $1{}", $lock))
                    .bind(id.as_str())
                    .fetch_optional(&mut *self.tx)
                    .await?;
                let Some(r) = row else { return Ok(None) };
                let below: Option<i64> = r.try_get("auto_recharge_below")?;
                let credits: Option<i64> = r.try_get("auto_recharge_credits")?;
                Ok(Some(Account {
                    id: AccountId::new(r.try_get::<String, _>("id")?),
                    currency: currency(&r.try_get::<String, _>("currency")?)?,
                    auto_recharge: match (below, credits) {
                        (Some(b), Some(c)) => Some(AutoRecharge { below: decimal(b), credits: u32::try_from(c).unwrap_or(0) }),
                        _ => None,
                    },
                }))
            }

            async fn put_user(&mut self, u: &User) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO users (id, roles, account_id) VALUES ($1, $2, $3) \
                     ON CONFLICT (id) DO UPDATE SET roles = excluded.roles, account_id = excluded.account_id",
                )
                .bind(u.id.as_str())
                .bind(roles_text(u.roles))
                .bind(u.account.as_ref().map(|a| a.as_str().to_string()))
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }

            async fn user(&mut self, id: &UserId) -> StoreResult<Option<User>> {
                let row = sqlx::query(&format!("SELECT id, roles, account_id FROM users WHERE id = $1{}", $lock)).bind(id.as_str()).fetch_optional(&mut *self.tx).await?;
                row.as_ref().map(user_row).transpose()
            }

            async fn users_of_account(&mut self, account: &AccountId) -> StoreResult<Vec<User>> {
                let rows = sqlx::query("SELECT id, roles, account_id FROM users WHERE account_id = $1 ORDER BY id").bind(account.as_str()).fetch_all(&mut *self.tx).await?;
                rows.iter().map(user_row).collect()
            }

            async fn put_charge(&mut self, c: &Charge) -> StoreResult<()> {
                sqlx::query(&format!(
                    "INSERT INTO charges ({CHARGE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
                     ON CONFLICT (id) DO UPDATE SET account_id = excluded.account_id, amount = excluded.amount, currency = excluded.currency, \
                     at = excluded.at, method = excluded.method, card_last4 = excluded.card_last4, kind = excluded.kind, \
                     description = excluded.description, fee = excluded.fee, wallet_selected = excluded.wallet_selected, \
                     disputed = excluded.disputed, provider = excluded.provider"
                ))
                .bind(c.id.as_str())
                .bind(c.account.as_str())
                .bind(money(c.amount)?)
                .bind(c.currency.code())
                .bind(ts(c.at))
                .bind(c.method.as_str())
                .bind(c.card_last4.clone())
                .bind(c.kind.as_str())
                .bind(&c.description)
                .bind(money(c.fee)?)
                .bind(flag(c.wallet_selected))
                .bind(flag(c.disputed))
                .bind(&c.provider)
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }

            async fn charge(&mut self, id: &ChargeId) -> StoreResult<Option<Charge>> {
                let row = sqlx::query(&format!("SELECT {CHARGE_COLS} FROM charges WHERE id = $1")).bind(id.as_str()).fetch_optional(&mut *self.tx).await?;
                row.as_ref().map(charge_row).transpose()
            }

            async fn charge_for_update(&mut self, id: &ChargeId) -> StoreResult<Option<Charge>> {
                let row = sqlx::query(&format!("SELECT {CHARGE_COLS} FROM charges WHERE id = $1{}", $lock))
                    .bind(id.as_str())
                    .fetch_optional(&mut *self.tx)
                    .await?;
                row.as_ref().map(charge_row).transpose()
            }

            async fn charges_of(&mut self, account: &AccountId) -> StoreResult<Vec<Charge>> {
                let rows = sqlx::query(&format!("SELECT {CHARGE_COLS} FROM charges WHERE account_id = $1 ORDER BY at, id"))
                    .bind(account.as_str())
                    .fetch_all(&mut *self.tx)
                    .await?;
                rows.iter().map(charge_row).collect()
            }

            async fn set_disputed(&mut self, charge: &ChargeId, disputed: bool) -> StoreResult<()> {
                sqlx::query("UPDATE charges SET disputed = $1 WHERE id = $2").bind(flag(disputed)).bind(charge.as_str()).execute(&mut *self.tx).await?;
                Ok(())
            }

            async fn put_subscription(&mut self, s: &Subscription) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO subscriptions (id, account_id, charge_id, months, start_at) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (id) DO UPDATE SET account_id = excluded.account_id, charge_id = excluded.charge_id, \
                     months = excluded.months, start_at = excluded.start_at",
                )
                .bind(s.id.as_str())
                .bind(s.account.as_str())
                .bind(s.charge.as_str())
                .bind(i64::from(s.months))
                .bind(ts(s.start))
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }

            async fn subscription_of_charge(&mut self, charge: &ChargeId) -> StoreResult<Option<Subscription>> {
                let row = sqlx::query("SELECT id, account_id, charge_id, months, start_at FROM subscriptions WHERE charge_id = $1 ORDER BY id LIMIT 1")
                    .bind(charge.as_str())
                    .fetch_optional(&mut *self.tx)
                    .await?;
                row.map(|r| {
                    Ok(Subscription {
                        id: SubscriptionId::new(r.try_get::<String, _>("id")?),
                        account: AccountId::new(r.try_get::<String, _>("account_id")?),
                        charge: ChargeId::new(r.try_get::<String, _>("charge_id")?),
                        months: u32::try_from(r.try_get::<i64, _>("months")?).unwrap_or(1),
                        start: time(r.try_get("start_at")?)?,
                    })
                })
                .transpose()
            }

            async fn put_credit_purchase(&mut self, charge: &ChargeId, value: Decimal, origin: &str) -> StoreResult<()> {
                sqlx::query("INSERT INTO credit_purchases (charge_id, value, origin) VALUES ($1, $2, $3)")
                    .bind(charge.as_str())
                    .bind(money(value)?)
                    .bind(origin)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn credit_purchase(&mut self, charge: &ChargeId) -> StoreResult<Option<Decimal>> {
                let v: Option<i64> =
                    sqlx::query_scalar("SELECT value FROM credit_purchases WHERE charge_id = $1").bind(charge.as_str()).fetch_optional(&mut *self.tx).await?;
                Ok(v.map(decimal))
            }

            async fn next_charge_id(&mut self) -> StoreResult<ChargeId> {
                let n = self.counter("charge").await?;
                Ok(ChargeId::new(format!("pd_ch_{n:06}")))
            }

            async fn add_wallet_entry(&mut self, e: &WalletEntry) -> StoreResult<()> {
                // The sum is checked before the write: a balance the store cannot sum exactly
                // is refused with a reason, not left to overflow in SQL.
                let amount = money(e.amount)?;
                let now: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM wallet_entries WHERE account_id = $1 AND currency = $2")
                    .bind(e.account.as_str())
                    .bind(e.currency.code())
                    .fetch_one(&mut *self.tx)
                    .await?;
                match now.checked_add(amount) {
                    Some(v) if v.unsigned_abs() <= MAX_BALANCE_SCALED.unsigned_abs() => {}
                    _ => {
                        return Err(StoreError::Refused(format!(
                            "the wallet of {} would go past {} {}, the largest balance the bot keeps",
                            e.account,
                            e.currency.format(decimal(MAX_BALANCE_SCALED)),
                            e.currency
                        )))
                    }
                }
                sqlx::query("INSERT INTO wallet_entries (account_id, currency, amount, kind, actor, reason, at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(e.account.as_str())
                    .bind(e.currency.code())
                    .bind(amount)
                    .bind(e.kind.as_str())
                    .bind(&e.actor)
                    .bind(&e.reason)
                    .bind(ts(e.at))
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn wallet_balance(&mut self, account: &AccountId, cur: Currency) -> StoreResult<Decimal> {
                let v: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM wallet_entries WHERE account_id = $1 AND currency = $2")
                    .bind(account.as_str())
                    .bind(cur.code())
                    .fetch_one(&mut *self.tx)
                    .await?;
                Ok(decimal(v))
            }

            async fn wallets_of(&mut self, account: &AccountId) -> StoreResult<Vec<WalletBalance>> {
                let own = self.account(account).await?;
                let rows = sqlx::query("SELECT currency, CAST(SUM(amount) AS BIGINT) AS balance FROM wallet_entries WHERE account_id = $1 GROUP BY currency ORDER BY currency")
                    .bind(account.as_str())
                    .fetch_all(&mut *self.tx)
                    .await?;
                let mut out: Vec<WalletBalance> = Vec::new();
                for r in rows {
                    out.push(WalletBalance { account: account.clone(), currency: currency(&r.try_get::<String, _>("currency")?)?, balance: decimal(r.try_get("balance")?) });
                }
                if let Some(a) = own {
                    if !out.iter().any(|w| w.currency == a.currency) {
                        out.insert(0, WalletBalance { account: account.clone(), currency: a.currency, balance: Decimal::ZERO });
                    }
                }
                Ok(out)
            }

            async fn next_case_number(&mut self) -> StoreResult<CaseNumber> {
                let n = self.counter("case").await?;
                u32::try_from(n).ok().and_then(CaseNumber::new).ok_or_else(|| StoreError::Corrupt("case numbers are used up (RF-999999)".into()))
            }

            async fn insert_case(&mut self, c: &Case) -> StoreResult<()> {
                sqlx::query(&format!("INSERT INTO cases ({CASE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"))
                    .bind(i64::from(c.number.get()))
                    .bind(c.customer.as_str())
                    .bind(c.account.as_ref().map(|a| a.as_str().to_string()))
                    .bind(c.charge.as_ref().map(|a| a.as_str().to_string()))
                    .bind(c.intent.as_str())
                    .bind(c.status.as_str())
                    .bind(&c.channel)
                    .bind(ts(c.opened_at))
                    .bind(ts(c.updated_at))
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn update_case(&mut self, c: &Case) -> StoreResult<()> {
                sqlx::query("UPDATE cases SET customer = $2, account_id = $3, charge_id = $4, intent = $5, status = $6, channel = $7, updated_at = $8 WHERE number = $1")
                    .bind(i64::from(c.number.get()))
                    .bind(c.customer.as_str())
                    .bind(c.account.as_ref().map(|a| a.as_str().to_string()))
                    .bind(c.charge.as_ref().map(|a| a.as_str().to_string()))
                    .bind(c.intent.as_str())
                    .bind(c.status.as_str())
                    .bind(&c.channel)
                    .bind(ts(c.updated_at))
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn case(&mut self, number: CaseNumber) -> StoreResult<Option<Case>> {
                let row = sqlx::query(&format!("SELECT {CASE_COLS} FROM cases WHERE number = $1{}", $lock)).bind(i64::from(number.get())).fetch_optional(&mut *self.tx).await?;
                row.as_ref().map(case_row).transpose()
            }

            async fn open_cases_of(&mut self, customer: &UserId) -> StoreResult<Vec<Case>> {
                self.cases_where(&format!("customer = $1 AND status IN {OPEN_CASES}"), customer.as_str()).await
            }

            async fn open_cases_of_account(&mut self, account: &AccountId) -> StoreResult<Vec<Case>> {
                self.cases_where(&format!("account_id = $1 AND status IN {OPEN_CASES}"), account.as_str()).await
            }

            async fn open_cases(&mut self, limit: u32) -> StoreResult<Vec<Case>> {
                let rows = sqlx::query(&format!("SELECT {CASE_COLS} FROM cases WHERE status IN {OPEN_CASES} ORDER BY updated_at, number LIMIT $1"))
                    .bind(i64::from(limit))
                    .fetch_all(&mut *self.tx)
                    .await?;
                rows.iter().map(case_row).collect()
            }

            async fn waiting_refunds(&mut self, limit: u32) -> StoreResult<Vec<Refund>> {
                let rows = sqlx::query(&format!(
                    "SELECT {REFUND_COLS} FROM refunds WHERE status IN ('awaiting_approval', 'on_hold') ORDER BY requested_at, id LIMIT $1"
                ))
                .bind(i64::from(limit))
                .fetch_all(&mut *self.tx)
                .await?;
                rows.iter().map(refund_row).collect()
            }

            async fn cases_of(&mut self, customer: &UserId) -> StoreResult<Vec<Case>> {
                self.cases_where("customer = $1", customer.as_str()).await
            }

            async fn insert_refund(&mut self, r: &Refund) -> StoreResult<RefundId> {
                self.wrote_refund = true;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO refunds (case_number, charge_id, amount, currency, status, rule, reason, requested_by, is_override, leads_needed, \
                     requested_at, expires_at, approvals, approved_by, idempotency_key, provider, provider_ref, message_ref, attempts, \
                     first_attempt_at, next_attempt_at, needs_lookup, last_error) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, NULL, $15, $16, $17, $18, $19, $20, $21, $22) RETURNING id",
                )
                .bind(i64::from(r.case.get()))
                .bind(r.charge.as_str())
                .bind(money(r.amount)?)
                .bind(r.currency.code())
                .bind(r.status.as_str())
                .bind(&r.rule)
                .bind(&r.reason)
                .bind(r.requested_by.as_str())
                .bind(flag(r.is_override))
                .bind(i64::from(r.leads_needed))
                .bind(ts(r.requested_at))
                .bind(ts(r.expires_at))
                .bind(users_json(&r.approvals))
                .bind(users_json(&r.approved_by))
                .bind(&r.provider)
                .bind(r.provider_ref.clone())
                .bind(r.message_ref.clone())
                .bind(i64::from(r.attempts))
                .bind(r.first_attempt_at.map(ts))
                .bind(r.next_attempt_at.map(ts))
                .bind(flag(r.needs_lookup))
                .bind(r.last_error.clone())
                .fetch_one(&mut *self.tx)
                .await?;
                Ok(RefundId(id))
            }

            async fn update_refund(&mut self, r: &Refund) -> StoreResult<()> {
                self.wrote_refund = true;
                sqlx::query(
                    "UPDATE refunds SET status = $2, approvals = $3, approved_by = $4, idempotency_key = $5, provider_ref = $6, message_ref = $7, \
                     attempts = $8, first_attempt_at = $9, next_attempt_at = $10, needs_lookup = $11, last_error = $12 WHERE id = $1",
                )
                .bind(r.id.0)
                .bind(r.status.as_str())
                .bind(users_json(&r.approvals))
                .bind(users_json(&r.approved_by))
                .bind(if r.idempotency_key.is_empty() { None } else { Some(r.idempotency_key.clone()) })
                .bind(r.provider_ref.clone())
                .bind(r.message_ref.clone())
                .bind(i64::from(r.attempts))
                .bind(r.first_attempt_at.map(ts))
                .bind(r.next_attempt_at.map(ts))
                .bind(flag(r.needs_lookup))
                .bind(r.last_error.clone())
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }

            async fn refund(&mut self, id: RefundId) -> StoreResult<Option<Refund>> {
                let row = sqlx::query(&format!("SELECT {REFUND_COLS} FROM refunds WHERE id = $1{}", $lock)).bind(id.0).fetch_optional(&mut *self.tx).await?;
                row.as_ref().map(refund_row).transpose()
            }

            async fn refunds_of_case(&mut self, case: CaseNumber) -> StoreResult<Vec<Refund>> {
                let rows = sqlx::query(&format!("SELECT {REFUND_COLS} FROM refunds WHERE case_number = $1 ORDER BY id{}", $lock))
                    .bind(i64::from(case.get()))
                    .fetch_all(&mut *self.tx)
                    .await?;
                rows.iter().map(refund_row).collect()
            }

            async fn refund_by_message(&mut self, message_ref: &str) -> StoreResult<Option<Refund>> {
                let row = sqlx::query(&format!("SELECT {REFUND_COLS} FROM refunds WHERE message_ref = $1{}", $lock)).bind(message_ref).fetch_optional(&mut *self.tx).await?;
                row.as_ref().map(refund_row).transpose()
            }

            async fn refunded_sum(&mut self, charge: &ChargeId, statuses: &[RefundStatus]) -> StoreResult<Decimal> {
                let list: Vec<String> = statuses.iter().map(|s| format!("'{}'", s.as_str())).collect();
                if list.is_empty() {
                    return Ok(Decimal::ZERO);
                }
                let v: i64 = sqlx::query_scalar(&format!(
                    "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM refunds WHERE charge_id = $1 AND status IN ({})",
                    list.join(", ")
                ))
                .bind(charge.as_str())
                .fetch_one(&mut *self.tx)
                .await?;
                Ok(decimal(v))
            }

            async fn auto_approved_sum(&mut self, requester: &UserId, currency: Currency, since: DateTime<Utc>) -> StoreResult<Decimal> {
                // `approved_by` is a JSON list; automatic approval records `["auto"]`.
                let v: i64 = sqlx::query_scalar(
                    "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM refunds WHERE requested_by = $1 AND currency = $2 \
                     AND requested_at >= $3 AND approved_by = '[\"auto\"]' AND status NOT IN ('failed', 'rejected', 'expired')",
                )
                .bind(requester.as_str())
                .bind(currency.code())
                .bind(ts(since))
                .fetch_one(&mut *self.tx)
                .await?;
                Ok(decimal(v))
            }

            async fn hold_refunds(&mut self, charge: &ChargeId, now: DateTime<Utc>) -> StoreResult<Vec<Refund>> {
                let rows = sqlx::query(&format!(
                    "UPDATE refunds SET status = 'on_hold' WHERE charge_id = $1 AND (status = 'awaiting_approval' \
                     OR (status = 'executing' AND needs_lookup = 0 AND provider_ref IS NULL AND (lease_until IS NULL OR lease_until < $2))) \
                     RETURNING {REFUND_COLS}"
                ))
                .bind(charge.as_str())
                .bind(ts(now))
                .fetch_all(&mut *self.tx)
                .await?;
                let mut held = rows.iter().map(refund_row).collect::<StoreResult<Vec<_>>>()?;
                held.sort_by_key(|r| r.id.0);
                Ok(held)
            }

            async fn vote(&mut self, refund: RefundId, voter: &UserId) -> StoreResult<Option<VoteRow>> {
                let row = sqlx::query(&format!("SELECT present, seq FROM refund_votes WHERE refund_id = $1 AND voter = $2{}", $lock))
                    .bind(refund.0)
                    .bind(voter.as_str())
                    .fetch_optional(&mut *self.tx)
                    .await?;
                row.map(|r| Ok(VoteRow { present: r.try_get::<i64, _>("present")? != 0, seq: r.try_get("seq")? })).transpose()
            }

            async fn set_vote(&mut self, refund: RefundId, voter: &UserId, from: Option<VoteRow>, to: VoteRow) -> StoreResult<bool> {
                // A vote that comes to stand goes to the end of the order; one that stays
                // keeps its place.
                let next_ord = "(SELECT COALESCE(MAX(v.ord), 0) + 1 FROM refund_votes v WHERE v.refund_id = $1)";
                let done = match from {
                    None => {
                        sqlx::query(&format!(
                            "INSERT INTO refund_votes (refund_id, voter, present, seq, ord) VALUES ($1, $2, $3, $4, {next_ord}) \
                             ON CONFLICT (refund_id, voter) DO NOTHING"
                        ))
                        .bind(refund.0)
                        .bind(voter.as_str())
                        .bind(flag(to.present))
                        .bind(to.seq)
                        .execute(&mut *self.tx)
                        .await?
                    }
                    Some(old) => {
                        sqlx::query(&format!(
                            "UPDATE refund_votes SET present = $3, seq = $4, ord = CASE WHEN present = 0 AND $3 = 1 THEN {next_ord} ELSE ord END \
                             WHERE refund_id = $1 AND voter = $2 AND present = $5 AND seq = $6"
                        ))
                        .bind(refund.0)
                        .bind(voter.as_str())
                        .bind(flag(to.present))
                        .bind(to.seq)
                        .bind(flag(old.present))
                        .bind(old.seq)
                        .execute(&mut *self.tx)
                        .await?
                    }
                };
                Ok(done.rows_affected() == 1)
            }

            async fn standing_approvals(&mut self, refund: RefundId) -> StoreResult<Vec<UserId>> {
                let rows = sqlx::query("SELECT voter FROM refund_votes WHERE refund_id = $1 AND present = 1 ORDER BY ord, voter")
                    .bind(refund.0)
                    .fetch_all(&mut *self.tx)
                    .await?;
                rows.iter().map(|r| Ok(UserId::new(r.try_get::<String, _>("voter")?))).collect()
            }

            async fn release_refund(&mut self, id: RefundId) -> StoreResult<()> {
                sqlx::query("UPDATE refunds SET lease_owner = NULL, lease_until = NULL WHERE id = $1").bind(id.0).execute(&mut *self.tx).await?;
                Ok(())
            }

            async fn insert_purchase(&mut self, p: &Purchase) -> StoreResult<i64> {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO purchases (account_id, user_id, provider, credits, value, total, fee, currency, status, provider_ref, url, \
                     created_at, expires_at, charge_id, off_session) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
                )
                .bind(p.account.as_str())
                .bind(p.user.as_str())
                .bind(&p.provider)
                .bind(i64::from(p.credits))
                .bind(money(p.value)?)
                .bind(money(p.total)?)
                .bind(money(p.fee)?)
                .bind(p.currency.code())
                .bind(p.status.as_str())
                .bind(p.provider_ref.clone())
                .bind(p.url.clone())
                .bind(ts(p.created_at))
                .bind(ts(p.expires_at))
                .bind(p.charge.as_ref().map(|c| c.to_string()))
                .bind(flag(p.off_session))
                .fetch_one(&mut *self.tx)
                .await?;
                Ok(id)
            }

            async fn saved_method(&mut self, account: &AccountId, provider: &str) -> StoreResult<Option<SavedMethod>> {
                let row = sqlx::query("SELECT customer, payment_method FROM saved_payment_methods WHERE account_id = $1 AND provider = $2")
                    .bind(account.as_str())
                    .bind(provider)
                    .fetch_optional(&mut *self.tx)
                    .await?;
                row.map(|r| Ok(SavedMethod { customer: r.try_get("customer")?, payment_method: r.try_get("payment_method")? })).transpose()
            }

            async fn save_method(&mut self, account: &AccountId, provider: &str, m: &SavedMethod, at: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO saved_payment_methods (account_id, provider, customer, payment_method, saved_at) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (account_id, provider) DO UPDATE SET customer = excluded.customer, payment_method = excluded.payment_method, \
                     saved_at = excluded.saved_at",
                )
                .bind(account.as_str())
                .bind(provider)
                .bind(&m.customer)
                .bind(&m.payment_method)
                .bind(ts(at))
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }

            async fn recharge_pending(&mut self, account: &AccountId) -> StoreResult<bool> {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM purchases WHERE account_id = $1 AND off_session = 1 AND status = 'pending'")
                    .bind(account.as_str())
                    .fetch_one(&mut *self.tx)
                    .await?;
                Ok(n > 0)
            }

            async fn purchase(&mut self, id: i64) -> StoreResult<Option<Purchase>> {
                let row = sqlx::query(&format!("SELECT {PURCHASE_COLS} FROM purchases WHERE id = $1{}", $lock))
                    .bind(id)
                    .fetch_optional(&mut *self.tx)
                    .await?;
                row.as_ref().map(purchase_row).transpose()
            }

            async fn purchase_by_provider_ref(&mut self, provider: &str, provider_ref: &str) -> StoreResult<Option<Purchase>> {
                let row = sqlx::query(&format!("SELECT {PURCHASE_COLS} FROM purchases WHERE provider = $1 AND provider_ref = $2{}", $lock))
                    .bind(provider)
                    .bind(provider_ref)
                    .fetch_optional(&mut *self.tx)
                    .await?;
                row.as_ref().map(purchase_row).transpose()
            }

            async fn set_purchase_link(&mut self, id: i64, provider_ref: &str, url: &str, expires_at: DateTime<Utc>) -> StoreResult<bool> {
                let done = sqlx::query(
                    "UPDATE purchases SET provider_ref = $2, url = $3, expires_at = $4 WHERE id = $1 AND status = 'pending' AND url IS NULL",
                )
                .bind(id)
                .bind(provider_ref)
                .bind(url)
                .bind(ts(expires_at))
                .execute(&mut *self.tx)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn move_purchase(&mut self, id: i64, from: &[PurchaseStatus], to: PurchaseStatus, charge: Option<&ChargeId>) -> StoreResult<bool> {
                if from.is_empty() {
                    return Ok(false);
                }
                // Statuses are a closed set of fixed words: listed inline, never user text.
                let list: Vec<String> = from.iter().map(|f| format!("'{}'", f.as_str())).collect();
                let done = sqlx::query(&format!(
                    "UPDATE purchases SET status = $2, charge_id = COALESCE($3, charge_id) WHERE id = $1 AND status IN ({})",
                    list.join(", ")
                ))
                .bind(id)
                .bind(to.as_str())
                .bind(charge.map(|c| c.to_string()))
                .execute(&mut *self.tx)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn insert_goodwill(&mut self, g: &GoodwillRequest) -> StoreResult<i64> {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO goodwill_requests (account_id, currency, amount, reason, requested_by, requested_at, expires_at, status, message_ref, \
                     decided_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                )
                .bind(g.account.as_str())
                .bind(g.currency.code())
                .bind(money(g.amount)?)
                .bind(&g.reason)
                .bind(g.requested_by.as_str())
                .bind(ts(g.requested_at))
                .bind(ts(g.expires_at))
                .bind(g.status.as_str())
                .bind(g.message_ref.clone())
                .bind(g.decided_by.as_ref().map(|u| u.to_string()))
                .fetch_one(&mut *self.tx)
                .await?;
                Ok(id)
            }

            async fn update_goodwill(&mut self, g: &GoodwillRequest) -> StoreResult<()> {
                sqlx::query("UPDATE goodwill_requests SET status = $2, message_ref = $3, decided_by = $4 WHERE id = $1")
                    .bind(g.id)
                    .bind(g.status.as_str())
                    .bind(g.message_ref.clone())
                    .bind(g.decided_by.as_ref().map(|u| u.to_string()))
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn goodwill_by_message(&mut self, message_ref: &str) -> StoreResult<Option<GoodwillRequest>> {
                let row = sqlx::query(&format!(
                    "SELECT id, account_id, currency, amount, reason, requested_by, requested_at, expires_at, status, message_ref, decided_by \
                     FROM goodwill_requests WHERE message_ref = $1{}",
                    $lock
                ))
                .bind(message_ref)
                .fetch_optional(&mut *self.tx)
                .await?;
                let Some(r) = row else { return Ok(None) };
                Ok(Some(GoodwillRequest {
                    id: r.try_get("id")?,
                    account: AccountId::new(r.try_get::<String, _>("account_id")?),
                    currency: currency(&r.try_get::<String, _>("currency")?)?,
                    amount: decimal(r.try_get("amount")?),
                    reason: r.try_get("reason")?,
                    requested_by: UserId::new(r.try_get::<String, _>("requested_by")?),
                    requested_at: time(r.try_get("requested_at")?)?,
                    expires_at: time(r.try_get("expires_at")?)?,
                    status: parsed("goodwill status", &r.try_get::<String, _>("status")?, GoodwillStatus::parse)?,
                    message_ref: r.try_get("message_ref")?,
                    decided_by: r.try_get::<Option<String>, _>("decided_by")?.map(UserId::new),
                }))
            }

            async fn credit_notes_of(&mut self, charge: &ChargeId) -> StoreResult<Vec<CreditNote>> {
                let rows = sqlx::query("SELECT charge_id, amount, currency, at, issued_by FROM credit_notes WHERE charge_id = $1 ORDER BY id")
                    .bind(charge.as_str())
                    .fetch_all(&mut *self.tx)
                    .await?;
                rows.iter().map(credit_note_row).collect()
            }

            async fn add_credit_note(&mut self, n: &CreditNote) -> StoreResult<()> {
                sqlx::query("INSERT INTO credit_notes (charge_id, amount, currency, at, issued_by) VALUES ($1, $2, $3, $4, $5)")
                    .bind(n.charge.as_str())
                    .bind(money(n.amount)?)
                    .bind(n.currency.code())
                    .bind(ts(n.at))
                    .bind(n.issued_by.as_str())
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn push(&mut self, mut action: Action) -> StoreResult<Option<String>> {
                let message_ref = if action.is_message() {
                    let r = format!("m{}", self.counter("message").await?);
                    action.set_ref(r.clone());
                    Some(r)
                } else {
                    None
                };
                // Last line of defence: no full card number leaves in a message.
                let removed = action.redact_card_numbers();
                if removed > 0 {
                    tracing::warn!(removed, "card number(s) removed from an outbox item before it was stored");
                }
                let payload = serde_json::to_string(&action).map_err(|e| StoreError::Corrupt(format!("outbox item: {e}")))?;
                sqlx::query("INSERT INTO outbox (message_ref, payload, created_at, destination) VALUES ($1, $2, $3, $4)")
                    .bind(message_ref.clone())
                    .bind(payload)
                    .bind(ts(Utc::now()))
                    .bind(action.destination())
                    .execute(&mut *self.tx)
                    .await?;
                Ok(message_ref)
            }

            async fn append_audit(&mut self, rec: &AuditRecord) -> StoreResult<()> {
                // Last line of defence: no full card number is kept in the audit trail (the
                // hash covers the record as stored).
                let redacted;
                let rec = match crate::nlu::redact::redact_outgoing(&rec.detail) {
                    r if r.card_numbers > 0 => {
                        tracing::warn!(removed = r.card_numbers, "card number(s) removed from an audit record before it was stored");
                        redacted = AuditRecord { detail: r.text.into_owned(), ..rec.clone() };
                        &redacted
                    }
                    _ => rec,
                };
                // The head (migration 0004) gives the previous hash and the count; its row
                // lock serialises appenders on PostgreSQL (taken at BEGIN there).
                let head = sqlx::query(&format!("SELECT count, last_hash FROM audit_head WHERE id = 1{}", $lock)).fetch_optional(&mut *self.tx).await?;
                let Some(head) = head else {
                    return Err(StoreError::Corrupt("the audit head is missing (was it deleted?); `paydesk audit` shows the trail".into()));
                };
                let count: i64 = head.try_get("count")?;
                let prev = hash_parse(&head.try_get::<String, _>("last_hash")?)?;
                let hash = rec.chain_hash(&prev);
                let key = self.audit_key.clone();
                let mac = key.as_deref().map(|k| hash_hex(&record_mac(k, &hash)));
                let count = count + 1;
                let head_mac = key.as_deref().map(|k| hash_hex(&head_mac(k, count, &hash)));
                sqlx::query("UPDATE audit_head SET count = $1, last_hash = $2, mac = $3 WHERE id = 1")
                    .bind(count)
                    .bind(hash_hex(&hash))
                    .bind(head_mac)
                    .execute(&mut *self.tx)
                    .await?;
                sqlx::query("INSERT INTO audit (at, actor, case_number, action, detail, rule, prev_hash, hash, mac) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                    .bind(ts(rec.at))
                    .bind(&rec.actor)
                    .bind(rec.case.clone())
                    .bind(&rec.action)
                    .bind(&rec.detail)
                    .bind(rec.rule.clone())
                    .bind(hash_hex(&prev))
                    .bind(hash_hex(&hash))
                    .bind(mac)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn audit_of(&mut self, case: CaseNumber) -> StoreResult<Vec<AuditRecord>> {
                let rows = sqlx::query(&format!("SELECT {AUDIT_COLS} FROM audit WHERE case_number = $1 ORDER BY seq")).bind(case.to_string()).fetch_all(&mut *self.tx).await?;
                rows.iter().map(|r| audit_row(r).map(|a| a.record)).collect()
            }
        }
    };
}

mod sqlite_impl {
    use super::*;
    async fn begin(pool: &SqlitePool) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        // Take the write lock up front: a read-then-write transaction never fails to upgrade.
        pool.begin_with("BEGIN IMMEDIATE").await
    }
    // BEGIN IMMEDIATE already makes this transaction the only writer: no row locks.
    sql_store!(SqliteStore, SqliteTx, Sqlite, SqlitePool, begin, "");
}

mod pg_impl {
    use super::*;
    async fn begin(pool: &PgPool) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        let mut tx = pool.begin().await?;
        // Lock order, first lock: the audit head. Nearly every event appends to the one
        // linear audit chain and takes hot counter rows (case, message numbers) in an order
        // that depends on the event; taking the head first makes write transactions queue
        // here instead of deadlocking on those rows later (ARCHITECTURE.md, Concurrency).
        sqlx::query("SELECT id FROM audit_head WHERE id = 1 FOR UPDATE").execute(&mut *tx).await?;
        Ok(tx)
    }
    // Rows an event reads to change (the speaker, the account, the charge a refund is
    // reserved against, the case, the refund) are locked as well.
    sql_store!(PgStore, PgTx, Postgres, PgPool, begin, " FOR UPDATE");
}

pub use pg_impl::PgStore;
pub use sqlite_impl::SqliteStore;

#[cfg(test)]
mod tests {
    use crate::domain::tickets::CaseStatus;

    #[test]
    fn the_open_case_list_is_the_domains() {
        let domain: Vec<String> = CaseStatus::ALL.iter().filter(|s| s.is_open()).map(|s| format!("'{}'", s.as_str())).collect();
        assert_eq!(super::OPEN_CASES, format!("({})", domain.join(", ")));
    }
}
