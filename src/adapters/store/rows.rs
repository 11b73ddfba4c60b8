//! Result rows to domain values, one plain function per table (the same for both
//! backends), with the column lists they read.

use super::codec::*;
use super::db::Row;
use crate::app::action::{Action, OutboxItem};
use crate::app::ports::{Purchase, PurchaseStatus, SandboxRecord, StoreError, StoreResult, StoredAudit, User};
use crate::domain::approvals::{GoodwillRequest, GoodwillStatus, Refund, RefundStatus};
use crate::domain::audit::AuditRecord;
use crate::domain::billing::{Charge, ChargeKind, CreditNote, PaymentMethod};
use crate::domain::ids::{AccountId, ChargeId, RefundId, UserId};
use crate::domain::intent::Intent;
use crate::domain::tickets::{Case, CaseStatus};

pub const CHARGE_COLS: &str = "id, account_id, amount, currency, at, method, card_last4, kind, description, fee, wallet_selected, disputed, provider";
pub const CASE_COLS: &str = "number, customer, account_id, charge_id, intent, status, channel, opened_at, updated_at";
pub const REFUND_COLS: &str = "id, case_number, charge_id, amount, currency, status, rule, reason, requested_by, is_override, leads_needed, \
                               requested_at, expires_at, approvals, approved_by, idempotency_key, provider, provider_ref, message_ref, \
                               attempts, first_attempt_at, next_attempt_at, needs_lookup, last_error";
pub const PURCHASE_COLS: &str =
    "id, account_id, user_id, provider, credits, value, total, fee, currency, status, provider_ref, url, created_at, expires_at, charge_id, off_session";
pub const AUDIT_COLS: &str = "seq, at, actor, case_number, action, detail, rule, prev_hash, hash, mac";
pub const CREDIT_NOTE_COLS: &str = "charge_id, amount, currency, at, issued_by";
pub const GOODWILL_COLS: &str =
    "id, account_id, currency, amount, reason, requested_by, requested_at, expires_at, status, message_ref, decided_by";
pub const SANDBOX_COLS: &str = "idempotency_key, charge_id, amount, currency, provider_ref, at";

pub fn outbox_item(r: &Row) -> StoreResult<OutboxItem> {
    let payload = r.text("payload")?;
    let action: Action =
        serde_json::from_str(&payload).map_err(|e| StoreError::Corrupt(format!("outbox item: {e}")))?;
    let attempts = r.int("attempts")?;
    Ok(OutboxItem { id: r.int("id")?, action, attempts: u32::try_from(attempts).unwrap_or(u32::MAX) })
}

pub fn user(r: &Row) -> StoreResult<User> {
    Ok(User {
        id: UserId::new(r.text("id")?),
        roles: roles_parse(&r.text("roles")?),
        account: r.get::<Option<String>>("account_id")?.map(AccountId::new),
    })
}

pub fn charge(r: &Row) -> StoreResult<Charge> {
    Ok(Charge {
        id: ChargeId::new(r.text("id")?),
        account: AccountId::new(r.text("account_id")?),
        amount: decimal(r.int("amount")?),
        currency: currency(&r.text("currency")?)?,
        at: time(r.int("at")?)?,
        method: parsed("method", &r.text("method")?, PaymentMethod::parse)?,
        card_last4: r.get("card_last4")?,
        kind: parsed("kind", &r.text("kind")?, ChargeKind::parse)?,
        description: r.text("description")?,
        fee: decimal(r.int("fee")?),
        wallet_selected: r.flag("wallet_selected")?,
        disputed: r.flag("disputed")?,
        provider: r.text("provider")?,
    })
}

pub fn case(r: &Row) -> StoreResult<Case> {
    Ok(Case {
        number: case_number(r.int("number")?)?,
        customer: UserId::new(r.text("customer")?),
        account: r.get::<Option<String>>("account_id")?.map(AccountId::new),
        charge: r.get::<Option<String>>("charge_id")?.map(ChargeId::new),
        intent: parsed("intent", &r.text("intent")?, |s| s.parse::<Intent>().ok())?,
        status: parsed("case status", &r.text("status")?, CaseStatus::parse)?,
        channel: r.text("channel")?,
        opened_at: time(r.int("opened_at")?)?,
        updated_at: time(r.int("updated_at")?)?,
    })
}

pub fn purchase(r: &Row) -> StoreResult<Purchase> {
    let credits = r.int("credits")?;
    Ok(Purchase {
        id: r.int("id")?,
        account: AccountId::new(r.text("account_id")?),
        user: UserId::new(r.text("user_id")?),
        provider: r.text("provider")?,
        credits: u32::try_from(credits).map_err(|_| StoreError::Corrupt(format!("bad purchase credits {credits}")))?,
        value: decimal(r.int("value")?),
        total: decimal(r.int("total")?),
        fee: decimal(r.int("fee")?),
        currency: currency(&r.text("currency")?)?,
        status: parsed("purchase status", &r.text("status")?, PurchaseStatus::parse)?,
        provider_ref: r.get("provider_ref")?,
        url: r.get("url")?,
        created_at: time(r.int("created_at")?)?,
        expires_at: time(r.int("expires_at")?)?,
        charge: r.get::<Option<String>>("charge_id")?.map(ChargeId::new),
        off_session: r.flag("off_session")?,
    })
}

pub fn refund(r: &Row) -> StoreResult<Refund> {
    Ok(Refund {
        id: RefundId(r.int("id")?),
        case: case_number(r.int("case_number")?)?,
        charge: ChargeId::new(r.text("charge_id")?),
        amount: decimal(r.int("amount")?),
        currency: currency(&r.text("currency")?)?,
        status: parsed("refund status", &r.text("status")?, RefundStatus::parse)?,
        rule: r.text("rule")?,
        reason: r.text("reason")?,
        requested_by: UserId::new(r.text("requested_by")?),
        is_override: r.flag("is_override")?,
        leads_needed: u8::try_from(r.int("leads_needed")?).unwrap_or(2),
        requested_at: time(r.int("requested_at")?)?,
        expires_at: time(r.int("expires_at")?)?,
        standing_approvers: users_from_json(&r.text("approvals")?)?,
        approved_by: users_from_json(&r.text("approved_by")?)?,
        idempotency_key: r.get::<Option<String>>("idempotency_key")?.unwrap_or_default(),
        provider: r.text("provider")?,
        provider_ref: r.get("provider_ref")?,
        message_ref: r.get("message_ref")?,
        attempts: u32::try_from(r.int("attempts")?).unwrap_or(u32::MAX),
        first_attempt_at: opt_time(r.get("first_attempt_at")?)?,
        next_attempt_at: opt_time(r.get("next_attempt_at")?)?,
        needs_lookup: r.flag("needs_lookup")?,
        last_error: r.get("last_error")?,
    })
}

pub fn credit_note(r: &Row) -> StoreResult<CreditNote> {
    Ok(CreditNote {
        charge: ChargeId::new(r.text("charge_id")?),
        amount: decimal(r.int("amount")?),
        currency: currency(&r.text("currency")?)?,
        at: time(r.int("at")?)?,
        issued_by: UserId::new(r.text("issued_by")?),
    })
}

pub fn goodwill(r: &Row) -> StoreResult<GoodwillRequest> {
    Ok(GoodwillRequest {
        id: r.int("id")?,
        account: AccountId::new(r.text("account_id")?),
        currency: currency(&r.text("currency")?)?,
        amount: decimal(r.int("amount")?),
        reason: r.text("reason")?,
        requested_by: UserId::new(r.text("requested_by")?),
        requested_at: time(r.int("requested_at")?)?,
        expires_at: time(r.int("expires_at")?)?,
        status: parsed("goodwill status", &r.text("status")?, GoodwillStatus::parse)?,
        message_ref: r.get("message_ref")?,
        decided_by: r.get::<Option<String>>("decided_by")?.map(UserId::new),
    })
}

pub fn audit(r: &Row) -> StoreResult<StoredAudit> {
    Ok(StoredAudit {
        seq: r.int("seq")?,
        record: AuditRecord {
            at: time(r.int("at")?)?,
            actor: r.text("actor")?,
            case: r.get("case_number")?,
            action: r.text("action")?,
            detail: r.text("detail")?,
            rule: r.get("rule")?,
        },
        prev_hash: hash_parse(&r.text("prev_hash")?)?,
        hash: hash_parse(&r.text("hash")?)?,
        mac: r.get::<Option<String>>("mac")?.map(|m| hash_parse(&m)).transpose()?,
    })
}

pub fn sandbox(r: &Row) -> StoreResult<SandboxRecord> {
    Ok(SandboxRecord {
        idempotency_key: r.text("idempotency_key")?,
        charge: ChargeId::new(r.text("charge_id")?),
        amount: decimal(r.int("amount")?),
        currency: currency(&r.text("currency")?)?,
        provider_ref: r.text("provider_ref")?,
        at: time(r.int("at")?)?,
    })
}

/// Every row through `map`.
pub fn all<T>(rows: &[Row], map: fn(&Row) -> StoreResult<T>) -> StoreResult<Vec<T>> {
    rows.iter().map(map).collect()
}
