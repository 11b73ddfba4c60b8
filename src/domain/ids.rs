//! Typed identifiers: an account id can never be passed where a charge id is expected.

use std::fmt;
use std::str::FromStr;

macro_rules! string_id {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub fn new(s: impl Into<String>) -> Self {
                Self(s.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_string())
            }
        }
    };
}

string_id!(
    /// A billing account (the unit that owns charges and wallets).
    AccountId
);
string_id!(
    /// A chat user (customer, agent or lead), as the chat platform names them.
    UserId
);
string_id!(
    /// A charge, as the payment provider or the billing system names it (`ch_…`, `pi_…`).
    ChargeId
);
string_id!(
    /// A subscription.
    SubscriptionId
);

/// A support case: `RF-` and six digits, numbered in order of opening from `RF-000001`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseNumber(u32);

impl CaseNumber {
    pub const FIRST: CaseNumber = CaseNumber(1);

    pub fn new(n: u32) -> Option<CaseNumber> {
        (1..=999_999).contains(&n).then_some(CaseNumber(n))
    }
    pub fn get(self) -> u32 {
        self.0
    }
    pub fn next(self) -> Option<CaseNumber> {
        CaseNumber::new(self.0 + 1)
    }
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RF-{:06}", self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a case number (they look like RF-000012)")]
pub struct BadCaseNumber(pub String);

impl FromStr for CaseNumber {
    type Err = BadCaseNumber;
    /// Accepts `RF-000012`, `rf-12`, `RF000012`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadCaseNumber(s.chars().take(40).collect());
        let t = s.trim();
        let rest = t.get(..2).filter(|p| p.eq_ignore_ascii_case("rf")).map(|_| &t[2..]).ok_or_else(bad)?;
        let digits = rest.strip_prefix('-').unwrap_or(rest);
        if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        digits.parse().ok().and_then(CaseNumber::new).ok_or_else(bad)
    }
}

/// A refund request (one per approval request), numbered by the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RefundId(pub i64);

impl fmt::Display for RefundId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "refund #{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_numbers() {
        assert_eq!(CaseNumber::FIRST.to_string(), "RF-000001");
        assert_eq!("RF-000012".parse::<CaseNumber>().unwrap().get(), 12);
        assert_eq!("rf-12".parse::<CaseNumber>().unwrap().get(), 12);
        assert_eq!("RF000007".parse::<CaseNumber>().unwrap().get(), 7);
        for bad in ["", "RF-", "RF-0", "RF-1234567", "XX-000001", "RF-12a", "ŔF-1", "R"] {
            assert!(bad.parse::<CaseNumber>().is_err(), "{bad}");
        }
        assert_eq!(CaseNumber::new(999_999).unwrap().next(), None);
    }
}
