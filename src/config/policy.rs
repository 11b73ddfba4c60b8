//! `[policy]` and `[policy.currencies.XXX]`: every number of `docs/policy.md`, read with
//! its default ([`Policy::default`]) and overridden by `PAYDESK_POLICY_*`.

use super::env::Loader;
use super::file::{FileMoney, FilePolicy};
use crate::domain::money::Currency;
use crate::domain::policy::{MoneySettings, Policy};
use anyhow::{anyhow, bail, Result};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The policy as configured: each setting from the environment, the file or the default.
pub(super) fn read_policy(loader: &Loader<'_>, source: &str, file: &FilePolicy) -> Result<Policy> {
    let default = Policy::default();
    Ok(Policy {
        credit_value: loader.decimal("policy", "credit_value", file.credit_value.as_ref(), default.credit_value)?,
        credit_price: loader.decimal("policy", "credit_price", file.credit_price.as_ref(), default.credit_price)?,
        fee_rate: loader.decimal("policy", "fee_rate", file.fee_rate.as_ref(), default.fee_rate)?,
        conversation_charge: loader.decimal(
            "policy",
            "conversation_charge",
            file.conversation_charge.as_ref(),
            default.conversation_charge,
        )?,
        full_refund_days: loader.int(
            "policy",
            "full_refund_days",
            file.full_refund_days.as_ref(),
            default.full_refund_days,
            0..=3650,
        )?,
        duplicate_window_minutes: loader.int(
            "policy",
            "duplicate_window_minutes",
            file.duplicate_window_minutes.as_ref(),
            default.duplicate_window_minutes,
            0..=10_080,
        )?,
        max_refund_age_days: loader.int(
            "policy",
            "max_refund_age_days",
            file.max_refund_age_days.as_ref(),
            default.max_refund_age_days,
            0..=3650,
        )?,
        two_lead_threshold: loader.decimal(
            "policy",
            "two_lead_threshold",
            file.two_lead_threshold.as_ref(),
            default.two_lead_threshold,
        )?,
        approval_expiry_hours: loader.int(
            "policy",
            "approval_expiry_hours",
            file.approval_expiry_hours.as_ref(),
            default.approval_expiry_hours,
            1..=8760,
        )?,
        auto_approve_below: loader.opt_decimal("policy", "auto_approve_below", file.auto_approve_below.as_ref())?,
        auto_approve_daily_limit: loader.opt_decimal(
            "policy",
            "auto_approve_daily_limit",
            file.auto_approve_daily_limit.as_ref(),
        )?,
        goodwill_two_lead_above: loader.decimal(
            "policy",
            "goodwill_two_lead_above",
            file.goodwill_two_lead_above.as_ref(),
            default.goodwill_two_lead_above,
        )?,
        currencies: money_tables(loader, source, file.currencies.as_ref())?,
    })
}

/// `[policy.currencies.XXX]` tables: every money amount of the currency must be given
/// (a missing one is an error naming it, never the general number in another currency).
fn money_tables(
    loader: &Loader<'_>,
    source: &str,
    tables: Option<&BTreeMap<String, FileMoney>>,
) -> Result<Vec<(Currency, MoneySettings)>> {
    let mut out = Vec::new();
    for (code, t) in tables.into_iter().flatten() {
        let cur = Currency::from_code(code)
            .ok_or_else(|| anyhow!("{source}: policy.currencies.{code}: unknown currency `{code}`"))?;
        let section = format!("policy.currencies.{code}");
        let need = |key: &str, v: &Option<toml::Value>| -> Result<Decimal> {
            match loader.opt_decimal(&section, key, v.as_ref())? {
                Some(d) => Ok(d),
                None => bail!("{source}: {section}.{key} is missing: each currency table gives all of its amounts"),
            }
        };
        out.push((
            cur,
            MoneySettings {
                credit_value: need("credit_value", &t.credit_value)?,
                credit_price: need("credit_price", &t.credit_price)?,
                conversation_charge: need("conversation_charge", &t.conversation_charge)?,
                two_lead_threshold: need("two_lead_threshold", &t.two_lead_threshold)?,
                auto_approve_below: loader.opt_decimal(
                    &section,
                    "auto_approve_below",
                    t.auto_approve_below.as_ref(),
                )?,
                auto_approve_daily_limit: loader.opt_decimal(
                    &section,
                    "auto_approve_daily_limit",
                    t.auto_approve_daily_limit.as_ref(),
                )?,
                goodwill_two_lead_above: need("goodwill_two_lead_above", &t.goodwill_two_lead_above)?,
            },
        ));
    }
    Ok(out)
}

/// The checks across settings: auto-approve never above the two-lead threshold (in every
/// currency table too), credits worth and costing something, a fee rate below 1.
pub(super) fn check_policy(source: &str, policy: &Policy) -> Result<()> {
    for (cur, m) in &policy.currencies {
        if let Some(below) = m.auto_approve_below {
            if below > m.two_lead_threshold {
                bail!(
                    "{source}: policy.currencies.{cur}.auto_approve_below ({below}) is above its two_lead_threshold ({})",
                    m.two_lead_threshold
                );
            }
        }
    }
    if let Some(below) = policy.auto_approve_below {
        if below > policy.two_lead_threshold {
            bail!(
                "{source}: policy.auto_approve_below ({below}) is above policy.two_lead_threshold ({}): a refund that needs two leads could be paid with none",
                policy.two_lead_threshold
            );
        }
    }
    if policy.credit_value.is_zero() || policy.credit_price.is_zero() {
        bail!("{source}: policy.credit_value and policy.credit_price must be more than zero");
    }
    if policy.fee_rate >= Decimal::ONE {
        bail!("{source}: policy.fee_rate must be below 1 (it is a fraction: 0.03 is 3%)");
    }
    Ok(())
}
