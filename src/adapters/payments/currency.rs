//! How each provider writes an amount: its exponent for a currency (which is not always
//! ISO 4217's) and any step the last digits must keep. One table per provider, in the
//! provider's module, each entry citing the provider's documentation; this module reads
//! them. An amount the provider cannot represent is refused when the refund is
//! requested (`representable`), never rounded: the customer is told exactly what leaves.

use super::api::ProviderKind;
use crate::app::ports::{CannotSend, ConnectorError};
use crate::domain::money::Currency;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// One provider's departure from ISO 4217 for one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exception {
    /// ISO 4217 code.
    pub code: &'static str,
    /// Decimals in the provider's amounts (its minor unit is 10^-digits).
    pub digits: u32,
    /// The amount in those units must be a multiple of this (1: any).
    pub step: i64,
    /// Why, in words an agent can read.
    pub why: &'static str,
    /// The provider's documentation that says so.
    pub source: &'static str,
}

/// How a provider writes amounts of one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Format {
    pub digits: u32,
    pub step: i64,
    pub why: Option<&'static str>,
}

/// The provider's exceptions (none for the sandbox).
pub fn exceptions(kind: ProviderKind) -> &'static [Exception] {
    match kind {
        ProviderKind::Sandbox => &[],
        ProviderKind::Stripe => super::stripe::CURRENCY_EXCEPTIONS,
        ProviderKind::PayPal => super::paypal::CURRENCY_EXCEPTIONS,
        ProviderKind::Adyen => super::adyen::CURRENCY_EXCEPTIONS,
        ProviderKind::Square => super::square::CURRENCY_EXCEPTIONS,
        ProviderKind::Braintree => super::braintree::CURRENCY_EXCEPTIONS,
        ProviderKind::Mollie => super::mollie::CURRENCY_EXCEPTIONS,
        ProviderKind::WooCommerce => super::woocommerce::CURRENCY_EXCEPTIONS,
        ProviderKind::Klarna => super::klarna::CURRENCY_EXCEPTIONS,
        ProviderKind::Chargebee => super::chargebee::CURRENCY_EXCEPTIONS,
        ProviderKind::Shopify => super::shopify::CURRENCY_EXCEPTIONS,
        ProviderKind::AmazonPay => super::amazon_pay::CURRENCY_EXCEPTIONS,
    }
}

/// The provider's format for `currency`: its exception, or ISO 4217.
pub fn format(kind: ProviderKind, currency: Currency) -> Format {
    match exceptions(kind).iter().find(|e| e.code == currency.code()) {
        Some(e) => Format { digits: e.digits, step: e.step, why: Some(e.why) },
        None => Format { digits: currency.minor_digits(), step: 1, why: None },
    }
}

/// The provider's decimals for `currency`, by the provider's name (ISO 4217's for an
/// unknown name): how integer amounts in its exports and webhooks are read.
pub fn exponent(provider: &str, currency: Currency) -> u32 {
    match ProviderKind::from_name(provider) {
        Some(k) => format(k, currency).digits,
        None => currency.minor_digits(),
    }
}

/// The amount in the provider's integer units, if it can be written exactly.
fn units(f: Format, amount: Decimal) -> Option<i64> {
    let scaled = amount * Decimal::from(10i64.checked_pow(f.digits)?);
    if scaled.fract() != Decimal::ZERO {
        return None;
    }
    scaled.to_i64()
}

/// Whether `provider` can send exactly `amount` of `currency`; if not, why, in words.
/// Pure: the engine asks this (through the connector) when a refund is requested.
pub fn representable(kind: ProviderKind, currency: Currency, amount: Decimal) -> Result<(), CannotSend> {
    let code = currency.code();
    if amount <= Decimal::ZERO {
        return Err(CannotSend::new(format!("a refund must be a positive amount, not {amount} {code}")));
    }
    if !currency.is_whole_minor(amount) {
        return Err(CannotSend::new(format!(
            "{amount} {code} is finer than {code}'s smallest unit ({} decimals)",
            currency.minor_digits()
        )));
    }
    let f = format(kind, currency);
    let name = kind.display();
    let why = f.why.map(|w| format!(" ({w})")).unwrap_or_default();
    let Some(u) = units(f, amount) else {
        return Err(CannotSend::new(match f.digits {
            0 => format!(
                "{name} takes {code} in whole units only{why}, so {} {code} cannot be sent",
                currency.format(amount)
            ),
            d => format!(
                "{name} takes {code} with at most {d} decimals{why}, so {} {code} cannot be sent",
                currency.format(amount)
            ),
        }));
    };
    if u % f.step != 0 {
        let step = Decimal::new(f.step, f.digits);
        return Err(CannotSend::new(format!(
            "{name} takes {code} only in steps of {step}{why}, so {} {code} cannot be sent",
            currency.format(amount)
        )));
    }
    Ok(())
}

/// The amount as the provider's integer (Stripe, Adyen, Square): 400 ISK is 40000 for
/// Stripe (two-decimal in its API), 10.250 KWD is 10250. Refused, never rounded.
pub fn wire_units(kind: ProviderKind, amount: Decimal, currency: Currency) -> Result<i64, ConnectorError> {
    representable(kind, currency, amount)?;
    units(format(kind, currency), amount).ok_or_else(|| {
        ConnectorError::Permanent(format!("{amount} {currency} cannot be written in {}'s units", kind.display()))
    })
}

/// The amount as the provider's decimal string (PayPal, Braintree, Mollie), with exactly
/// its digits: 49 USD -> "49.00", 1200 HUF -> "1200" for PayPal.
pub fn wire_decimal(kind: ProviderKind, amount: Decimal, currency: Currency) -> Result<String, ConnectorError> {
    representable(kind, currency, amount)?;
    let mut a = amount.normalize();
    a.rescale(format(kind, currency).digits);
    Ok(a.to_string())
}

/// An amount read from the provider (an export, a webhook) in its integer units.
pub fn from_wire_units(kind: ProviderKind, units: i64, currency: Currency) -> Decimal {
    Decimal::new(units, format(kind, currency).digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
    fn c(code: &str) -> Currency {
        Currency::from_code(code).unwrap()
    }

    #[test]
    fn stripe_isk_is_two_decimal_in_whole_kronur_and_three_decimals_end_in_zero() {
        assert_eq!(wire_units(ProviderKind::Stripe, d("400"), c("ISK")).unwrap(), 40000);
        assert_eq!(wire_units(ProviderKind::Stripe, d("10.250"), c("KWD")).unwrap(), 10250);
        let e = representable(ProviderKind::Stripe, c("KWD"), d("10.255")).unwrap_err();
        assert!(e.reason.contains("steps of 0.010"), "{e}");
        assert!(representable(ProviderKind::Stripe, c("BHD"), d("1.001")).is_err());
        assert_eq!(wire_units(ProviderKind::Stripe, d("1000"), c("JPY")).unwrap(), 1000);
        assert_eq!(wire_units(ProviderKind::Stripe, d("10.00"), Currency::USD).unwrap(), 1000);
        assert_eq!(from_wire_units(ProviderKind::Stripe, 40000, c("ISK")), d("400"));
    }

    #[test]
    fn adyen_clp_isk_two_decimals_cve_idr_none() {
        assert_eq!(wire_units(ProviderKind::Adyen, d("1000"), c("CLP")).unwrap(), 100000);
        assert_eq!(wire_units(ProviderKind::Adyen, d("400"), c("ISK")).unwrap(), 40000);
        assert_eq!(wire_units(ProviderKind::Adyen, d("250"), c("CVE")).unwrap(), 250);
        let e = representable(ProviderKind::Adyen, c("CVE"), d("10.50")).unwrap_err();
        assert!(e.reason.contains("whole units"), "{e}");
        assert!(representable(ProviderKind::Adyen, c("IDR"), d("1000.50")).is_err());
        assert_eq!(wire_units(ProviderKind::Adyen, d("10.250"), c("KWD")).unwrap(), 10250);
    }

    #[test]
    fn paypal_huf_jpy_twd_take_no_decimals() {
        assert_eq!(wire_decimal(ProviderKind::PayPal, d("1000"), c("HUF")).unwrap(), "1000");
        assert!(representable(ProviderKind::PayPal, c("HUF"), d("10.50")).unwrap_err().reason.contains("whole units"));
        assert!(representable(ProviderKind::PayPal, c("TWD"), d("10.5")).is_err());
        assert_eq!(wire_decimal(ProviderKind::PayPal, d("12.5"), Currency::USD).unwrap(), "12.50");
        assert_eq!(wire_decimal(ProviderKind::PayPal, d("1200"), c("JPY")).unwrap(), "1200");
        // Elsewhere HUF keeps ISO's two decimals.
        assert_eq!(wire_decimal(ProviderKind::Mollie, d("10.5"), c("HUF")).unwrap(), "10.50");
    }

    #[test]
    fn exports_read_with_the_same_table() {
        use crate::app::reconcile::{parse_charges_in, parse_refunds_in};
        let json = r#"[{"id":"re_1","amount":40000,"currency":"ISK","status":"succeeded"},{"id":"re_2","amount":10250,"currency":"KWD"}]"#;
        let (good, bad) = parse_refunds_in(json, "stripe", &exponent);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!((good[0].amount, good[1].amount), (d("400"), d("10.250")));
        let json = r#"[{"id":"X1","amount":100000,"currency":"CLP","created":"2026-04-01T10:00:00Z","account":"a"}]"#;
        let crate::app::reconcile::ParsedCharges { charges: good, bad, .. } =
            parse_charges_in(json, "adyen", &exponent);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(good[0].amount, d("1000"));
        // An Adyen CLP amount with cents that ISO's CLP cannot hold is refused, not rounded.
        let json = r#"[{"id":"X2","amount":100050,"currency":"CLP","created":"2026-04-01T10:00:00Z","account":"a"}]"#;
        assert_eq!(parse_charges_in(json, "adyen", &exponent).bad.len(), 1);
    }

    #[test]
    fn iso_rules_hold_everywhere() {
        for k in ProviderKind::ALL {
            assert!(representable(k, Currency::USD, d("0")).is_err());
            assert!(representable(k, Currency::USD, d("1.005")).is_err());
            assert!(representable(k, Currency::USD, d("1.05")).is_ok());
        }
    }
}
