//! Exact money: `rust_decimal` in the domain, integers at one fixed scale in the store.
//!
//! Rounding happens only at the end of a computation, half-even to the currency's
//! minor unit (ISO 4217). Amounts are never floats.

use crate::domain::digits::nd_digit;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

/// The store keeps every amount as an integer count of 10^-STORE_SCALE units.
/// Six places hold a 0.0125 usage charge and KWD's three minor digits with room to spare.
pub const STORE_SCALE: u32 = 6;

/// The largest amount the bot accepts anywhere (a typo guard, and far below `i64` at
/// `STORE_SCALE`, so sums of many such amounts stay exact in SQL).
pub const MAX_AMOUNT: i64 = 1_000_000_000;

/// An ISO 4217 currency the bot knows, with its number of minor digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: [u8; 3],
    minor: u8,
}

/// ISO 4217 codes and minor units. The issue names the first eleven; the rest are the
/// other currencies payment providers commonly settle in.
const CURRENCIES: &[(&str, u8)] = &[
    ("USD", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("CHF", 2),
    ("CAD", 2),
    ("AUD", 2),
    ("BRL", 2),
    ("INR", 2),
    ("JPY", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("BHD", 3),
    ("JOD", 3),
    ("OMR", 3),
    ("TND", 3),
    ("CLP", 0),
    ("ISK", 0),
    ("VND", 0),
    ("CZK", 2),
    ("DKK", 2),
    ("HKD", 2),
    ("HUF", 2),
    ("MXN", 2),
    ("NOK", 2),
    ("NZD", 2),
    ("PLN", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("ZAR", 2),
    ("CNY", 2),
    ("TRY", 2),
    ("ILS", 2),
    ("AED", 2),
    ("CVE", 2),
    ("IDR", 2),
    ("TWD", 2),
];

impl Currency {
    pub const USD: Currency = Currency { code: *b"USD", minor: 2 };

    /// Looks up an ISO code, case-insensitively.
    pub fn from_code(code: &str) -> Option<Currency> {
        let upper = code.trim().to_ascii_uppercase();
        CURRENCIES
            .iter()
            .find(|(c, _)| *c == upper)
            .map(|(c, minor)| Currency { code: c.as_bytes().try_into().expect("codes are three bytes"), minor: *minor })
    }

    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.code).expect("codes are ASCII")
    }

    /// Number of digits after the decimal point of the currency's minor unit.
    pub fn minor_digits(&self) -> u32 {
        u32::from(self.minor)
    }

    /// Half-even rounding to the minor unit: 0.125 USD -> 0.12, 0.135 -> 0.14, 0.5 JPY -> 0.
    pub fn round(&self, amount: Decimal) -> Decimal {
        amount.round_dp_with_strategy(self.minor_digits(), RoundingStrategy::MidpointNearestEven)
    }

    /// True when `amount` has no more decimals than the minor unit.
    pub fn is_whole_minor(&self, amount: Decimal) -> bool {
        amount.normalize().scale() <= self.minor_digits()
    }

    /// An amount in minor units (what most provider APIs take), if it is a whole number of them.
    pub fn to_minor_units(&self, amount: Decimal) -> Option<i64> {
        if !self.is_whole_minor(amount) {
            return None;
        }
        (amount * Decimal::from(10i64.pow(self.minor_digits()))).to_i64()
    }

    /// Formats an amount with at least the minor digits and no trailing zeros beyond them:
    /// 49 USD -> "49.00", 3.9875 USD -> "3.9875", 1200 JPY -> "1200".
    pub fn format(&self, amount: Decimal) -> String {
        let mut a = amount.normalize();
        if a.scale() < self.minor_digits() {
            a.rescale(self.minor_digits());
        }
        a.to_string()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown currency `{0}` (use an ISO 4217 code such as USD, EUR or JPY)")]
pub struct UnknownCurrency(pub String);

impl FromStr for Currency {
    type Err = UnknownCurrency;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::from_code(s).ok_or_else(|| UnknownCurrency(s.to_string()))
    }
}

/// Why an amount typed by a person was refused. Every message is meant for a person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("an amount is missing")]
    Empty,
    #[error("`{0}` is not an amount: write digits with an optional `.` and decimals, like 12.50")]
    Malformed(String),
    #[error("`{0}` is negative: amounts are written without a sign")]
    Negative(String),
    #[error("`{0}` is not an amount: scientific notation is not accepted, write the digits out")]
    Exponent(String),
    #[error("`{0}` has too many decimals (at most {1})")]
    TooManyDecimals(String, u32),
    #[error("`{0}` is too large (the most the bot accepts is {max})", max = MAX_AMOUNT)]
    TooLarge(String),
    #[error("the amount must be more than zero")]
    Zero,
    #[error("{0}")]
    Currency(#[from] UnknownCurrency),
}

/// Parses a plain decimal amount as typed in a command: digits, at most one `.`, no sign,
/// no exponent, no grouping, at most `STORE_SCALE` decimals, at most `MAX_AMOUNT`.
/// Zero is allowed here; callers that need a positive amount use [`parse_positive_amount`].
pub fn parse_amount(input: &str) -> Result<Decimal, AmountError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(AmountError::Empty);
    }
    let shown = || s.chars().take(40).collect::<String>();
    if s.starts_with('-') {
        return Err(AmountError::Negative(shown()));
    }
    let s = s.strip_prefix('+').unwrap_or(s);
    if s.bytes().any(|b| b == b'e' || b == b'E') && s.bytes().any(|b| b.is_ascii_digit()) {
        return Err(AmountError::Exponent(shown()));
    }
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let digits_ok = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    let frac_ok = frac.is_none_or(|f| !f.is_empty() && digits_ok(f));
    if int.is_empty() && frac.is_none() || !digits_ok(int) || !frac_ok {
        return Err(AmountError::Malformed(shown()));
    }
    let decimals = frac.map_or(0, str::len);
    if decimals > STORE_SCALE as usize {
        return Err(AmountError::TooManyDecimals(shown(), STORE_SCALE));
    }
    let int_value = int.trim_start_matches('0');
    if int_value.len() > 10 {
        return Err(AmountError::TooLarge(shown()));
    }
    let value = Decimal::from_str(&format!(
        "{}{}",
        if int.is_empty() { "0" } else { int },
        frac.map(|f| format!(".{f}")).unwrap_or_default()
    ))
    .map_err(|_| AmountError::Malformed(shown()))?;
    if value > Decimal::from(MAX_AMOUNT) {
        return Err(AmountError::TooLarge(shown()));
    }
    Ok(value)
}

/// [`parse_amount`] that also refuses zero.
pub fn parse_positive_amount(input: &str) -> Result<Decimal, AmountError> {
    let v = parse_amount(input)?;
    if v.is_zero() {
        return Err(AmountError::Zero);
    }
    Ok(v)
}

/// `s` with decimal digits of any script (Unicode `Nd`: Arabic-Indic `١٢`, full-width
/// `１２`, Devanagari `१२`, …) written as ASCII digits, and the full-width full stop `．`
/// and the Arabic decimal separator `٫` as `.`. Anything else is kept for the parser to judge.
pub fn ascii_digits(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\u{FF0E}' | '\u{066B}' => '.',
                _ => nd_digit(c).map_or(c, |d| char::from(b'0' + d)),
            })
            .collect(),
    )
}

/// An amount as typed in a command, with the currency it names if any:
/// `20`, `20.50`, `$20`, `€20`, `£20`, `20EUR`, `EUR20`. Digits of any script count.
pub fn parse_money_token(input: &str) -> Result<(Decimal, Option<Currency>), AmountError> {
    let ascii = ascii_digits(input);
    let s = ascii.trim();
    for (sym, code) in [("$", "USD"), ("€", "EUR"), ("£", "GBP"), ("¥", "JPY")] {
        if let Some(rest) = s.strip_prefix(sym).or_else(|| s.strip_suffix(sym)) {
            return Ok((parse_positive_amount(rest)?, Currency::from_code(code)));
        }
    }
    let letters = |p: &str| p.len() == 3 && p.bytes().all(|b| b.is_ascii_alphabetic());
    if s.len() > 3 {
        if s.is_char_boundary(s.len() - 3) {
            let (num, code) = s.split_at(s.len() - 3);
            if letters(code) && num.bytes().last().is_some_and(|b| b.is_ascii_digit()) {
                return Ok((parse_positive_amount(num)?, Some(code.parse()?)));
            }
        }
        if s.is_char_boundary(3) {
            let (code, num) = s.split_at(3);
            if letters(code) && num.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
                return Ok((parse_positive_amount(num)?, Some(code.parse()?)));
            }
        }
    }
    Ok((parse_positive_amount(s)?, None))
}

/// True for a token a person most likely meant as an amount (so a bad one is reported
/// rather than read as the first word of a reason): any decimal digit of any script.
pub fn looks_like_amount(token: &str) -> bool {
    let t = token.trim();
    let lower = t.to_ascii_lowercase();
    t.chars().any(|c| nd_digit(c).is_some())
        || t.starts_with(['-', '+', '$', '€', '£', '¥', '.'])
        || matches!(lower.as_str(), "nan" | "inf" | "infinity" | "-inf")
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScaleError {
    #[error("amount {0} has more than {STORE_SCALE} decimals and cannot be stored exactly")]
    TooPrecise(Decimal),
    #[error("amount {0} is out of the storable range")]
    OutOfRange(Decimal),
}

/// Decimal -> integer at `STORE_SCALE`, exact or an error (never silently rounded).
pub fn to_scaled(amount: Decimal) -> Result<i64, ScaleError> {
    let n = amount.normalize();
    if n.scale() > STORE_SCALE {
        return Err(ScaleError::TooPrecise(amount));
    }
    let mut m = n;
    m.rescale(STORE_SCALE);
    if m.scale() != STORE_SCALE {
        return Err(ScaleError::OutOfRange(amount));
    }
    i64::try_from(m.mantissa()).map_err(|_| ScaleError::OutOfRange(amount))
}

/// Integer at `STORE_SCALE` -> Decimal (normalised: no trailing zeros).
pub fn from_scaled(units: i64) -> Decimal {
    Decimal::new(units, STORE_SCALE).normalize()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_units_of_the_named_currencies() {
        for (code, minor) in [
            ("USD", 2),
            ("EUR", 2),
            ("GBP", 2),
            ("CHF", 2),
            ("CAD", 2),
            ("AUD", 2),
            ("BRL", 2),
            ("INR", 2),
            ("JPY", 0),
            ("KRW", 0),
            ("KWD", 3),
        ] {
            assert_eq!(Currency::from_code(code).unwrap().minor_digits(), minor, "{code}");
        }
        assert_eq!(Currency::from_code("usd"), Some(Currency::USD));
        assert!(Currency::from_code("XYZ").is_none());
        assert!(Currency::from_code("").is_none());
    }

    #[test]
    fn rounding_is_half_even_at_the_minor_unit() {
        let usd = Currency::USD;
        let jpy = Currency::from_code("JPY").unwrap();
        let kwd = Currency::from_code("KWD").unwrap();
        let cases = [
            (usd, dec!(0.125), dec!(0.12)),
            (usd, dec!(0.135), dec!(0.14)),
            (usd, dec!(110.000), dec!(110.00)),
            (usd, dec!(45.8241666), dec!(45.82)),
            (jpy, dec!(0.5), dec!(0)),
            (jpy, dec!(1.5), dec!(2)),
            (jpy, dec!(2.5), dec!(2)),
            (jpy, dec!(1099.99), dec!(1100)),
            (kwd, dec!(1.0005), dec!(1.000)),
            (kwd, dec!(1.0015), dec!(1.002)),
            (kwd, dec!(1.23449), dec!(1.234)),
        ];
        for (cur, input, want) in cases {
            assert_eq!(cur.round(input), want, "{cur} {input}");
        }
    }

    #[test]
    fn formatting_keeps_minor_digits_and_extra_precision() {
        let usd = Currency::USD;
        assert_eq!(usd.format(dec!(49)), "49.00");
        assert_eq!(usd.format(dec!(3.9875)), "3.9875");
        assert_eq!(usd.format(dec!(20.600)), "20.60");
        let jpy = Currency::from_code("JPY").unwrap();
        assert_eq!(jpy.format(dec!(1200)), "1200");
        let kwd = Currency::from_code("KWD").unwrap();
        assert_eq!(kwd.format(dec!(1.5)), "1.500");
    }

    #[test]
    fn minor_units_conversion() {
        assert_eq!(Currency::USD.to_minor_units(dec!(49.00)), Some(4900));
        assert_eq!(Currency::USD.to_minor_units(dec!(0.0125)), None);
        let jpy = Currency::from_code("JPY").unwrap();
        assert_eq!(jpy.to_minor_units(dec!(500)), Some(500));
        assert_eq!(jpy.to_minor_units(dec!(500.5)), None);
        let kwd = Currency::from_code("KWD").unwrap();
        assert_eq!(kwd.to_minor_units(dec!(1.234)), Some(1234));
    }

    #[test]
    fn amounts_people_type() {
        assert_eq!(parse_amount("12.50").unwrap(), dec!(12.50));
        assert_eq!(parse_amount("0.0125").unwrap(), dec!(0.0125));
        assert_eq!(parse_amount(".5").unwrap(), dec!(0.5));
        assert_eq!(parse_amount("007").unwrap(), dec!(7));
        assert_eq!(parse_amount("1000000000").unwrap(), dec!(1000000000));
        for bad in [
            "",
            " ",
            "1e5",
            "1E5",
            "-3",
            "12.345.6",
            "NaN",
            "nan",
            "inf",
            "99999999999999999999",
            "1000000000.01",
            "12,50",
            "1 000",
            "12.",
            "abc",
            "0x10",
            "1.1234567",
            "--1",
            "+-1",
            "٣",
        ] {
            assert!(parse_amount(bad).is_err(), "{bad:?} must be refused");
        }
        assert_eq!(parse_positive_amount("0"), Err(AmountError::Zero));
        assert!(matches!(parse_amount("-3"), Err(AmountError::Negative(_))));
        assert!(matches!(parse_amount("1e5"), Err(AmountError::Exponent(_))));
        assert!(matches!(parse_amount("99999999999999999999"), Err(AmountError::TooLarge(_))));
    }

    #[test]
    fn money_tokens_with_currency() {
        assert_eq!(parse_money_token("20").unwrap(), (dec!(20), None));
        assert_eq!(parse_money_token("$20.50").unwrap(), (dec!(20.50), Some(Currency::USD)));
        assert_eq!(parse_money_token("€5").unwrap().1.unwrap().code(), "EUR");
        assert_eq!(parse_money_token("20EUR").unwrap().1.unwrap().code(), "EUR");
        assert_eq!(parse_money_token("gbp7").unwrap().1.unwrap().code(), "GBP");
        assert!(parse_money_token("20XYZ").is_err());
        assert!(parse_money_token("$-5").is_err());
        assert!(parse_money_token("€").is_err());
    }

    #[test]
    fn store_scale_round_trip() {
        for d in [dec!(0), dec!(0.0125), dec!(3.9875), dec!(49.00), dec!(1000000000), dec!(1.234)] {
            assert_eq!(from_scaled(to_scaled(d).unwrap()), d.normalize());
        }
        assert_eq!(to_scaled(dec!(0.0125)).unwrap(), 12_500);
        assert!(matches!(to_scaled(dec!(0.0000001)), Err(ScaleError::TooPrecise(_))));
        assert!(to_scaled(Decimal::MAX).is_err());
        assert_eq!(to_scaled(dec!(-2.5)).unwrap(), -2_500_000);
    }

    #[test]
    fn looks_like_amount_tokens() {
        for t in ["20", "1e5", "-3", "NaN", "$x", ".5", "١٢", "１２", "१२"] {
            assert!(looks_like_amount(t), "{t}");
        }
        for t in ["duplicate", "wallet", "override"] {
            assert!(!looks_like_amount(t), "{t}");
        }
    }
}
