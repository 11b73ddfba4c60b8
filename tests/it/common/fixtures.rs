//! Builders for the fixtures tests share: start from an ordinary value and change only what
//! the test is about, with struct update syntax:
//! `Charge { provider: "shopify".into(), ..card_charge("ch_1", "acct-1", "49.00", at) }`.

use chrono::{DateTime, Utc};
use paydesk::domain::billing::{Charge, ChargeKind, PaymentMethod};
use paydesk::domain::ids::{AccountId, ChargeId};
use paydesk::domain::money::Currency;
use rust_decimal::Decimal;

/// A USD product charge paid by card (last four 4242) through the sandbox, no fee, not
/// disputed, the wallet not selected, described as "order <id>".
pub fn card_charge(id: &str, account: &str, amount: &str, at: DateTime<Utc>) -> Charge {
    Charge {
        id: ChargeId::new(id),
        account: AccountId::new(account),
        amount: amount.parse().expect("a test amount"),
        currency: Currency::USD,
        at,
        method: PaymentMethod::Card,
        card_last4: Some("4242".into()),
        kind: ChargeKind::Product,
        description: format!("order {id}"),
        fee: Decimal::ZERO,
        wallet_selected: false,
        disputed: false,
        provider: "sandbox".into(),
    }
}
