//! The closing `state` line of a replay.

use crate::adapters::payments::sandbox::Sandbox;
use crate::app::engine::Engine;
use serde::Serialize;
use serde_json::Value;
use std::io::Write;

/// The closing `state` line: the store's view, and what the sandbox itself paid.
pub async fn state_line(engine: &Engine, sandbox: &Sandbox) -> anyhow::Result<Value> {
    Ok(serde_json::to_value(State::read(engine, sandbox).await?)?)
}

/// Writes the closing `state` line (and its newline) to `out`.
///
/// Serialised straight from typed rows: a JSON tree of a large store (every row a map of
/// small strings) took ~190 MB of heap at 100,000 events, these rows a small part of that.
pub async fn write_state_line(engine: &Engine, sandbox: &Sandbox, out: &mut dyn Write) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, &State::read(engine, sandbox).await?)?;
    out.write_all(b"\n")?;
    Ok(())
}

// The fields of these rows are in alphabetical order, as serde_json wrote the maps of the
// former `json!` form (no `preserve_order`): the state line's bytes are unchanged.

#[derive(Serialize)]
struct State {
    credit_notes: Vec<StateNote>,
    provider_refunds: Vec<StatePaid>,
    refunds: Vec<StateRefund>,
    tickets: Vec<StateTicket>,
    #[serde(rename = "type")]
    kind: &'static str,
    wallets: Vec<StateWallet>,
}

#[derive(Serialize)]
struct StateTicket {
    account: Option<String>,
    case: String,
    charge: Option<String>,
    intent: &'static str,
    status: &'static str,
}

#[derive(Serialize)]
struct StateRefund {
    amount: String,
    approved_by: Vec<String>,
    case: String,
    charge: String,
    currency: String,
    provider_ref: Option<String>,
    rule: String,
    status: &'static str,
}

#[derive(Serialize)]
struct StateWallet {
    account: String,
    balance: String,
    currency: String,
}

#[derive(Serialize)]
struct StateNote {
    amount: String,
    charge: String,
    currency: String,
}

#[derive(Serialize)]
struct StatePaid {
    amount: String,
    charge: String,
    currency: String,
    idempotency_key: String,
    provider_ref: String,
}

impl State {
    async fn read(engine: &Engine, sandbox: &Sandbox) -> anyhow::Result<State> {
        let s = engine.store().snapshot().await?;
        let tickets = s
            .cases
            .into_iter()
            .map(|c| StateTicket {
                account: c.account.map(|a| a.to_string()),
                case: c.number.to_string(),
                charge: c.charge.map(|a| a.to_string()),
                intent: c.intent.as_str(),
                status: c.status.as_str(),
            })
            .collect();
        let refunds = s
            .refunds
            .into_iter()
            .map(|r| StateRefund {
                amount: r.currency.format(r.amount),
                approved_by: r.approved_by.iter().map(|u| u.to_string()).collect(),
                case: r.case.to_string(),
                charge: r.charge.to_string(),
                currency: r.currency.code().to_string(),
                provider_ref: r.provider_ref,
                rule: r.rule,
                status: r.status.as_str(),
            })
            .collect();
        let wallets = s
            .wallets
            .into_iter()
            .map(|w| StateWallet {
                account: w.account.to_string(),
                balance: w.currency.format(w.balance),
                currency: w.currency.code().to_string(),
            })
            .collect();
        let credit_notes = s
            .credit_notes
            .into_iter()
            .map(|n| StateNote {
                amount: n.currency.format(n.amount),
                charge: n.charge.to_string(),
                currency: n.currency.code().to_string(),
            })
            .collect();
        let provider_refunds = sandbox
            .books()
            .all()
            .await?
            .into_iter()
            .map(|r| StatePaid {
                amount: r.currency.format(r.amount),
                charge: r.charge.to_string(),
                currency: r.currency.code().to_string(),
                idempotency_key: r.idempotency_key,
                provider_ref: r.provider_ref,
            })
            .collect();
        Ok(State { credit_notes, provider_refunds, refunds, tickets, kind: "state", wallets })
    }
}
