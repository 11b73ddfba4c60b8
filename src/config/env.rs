//! Where each setting is read: a `PAYDESK_*` environment variable first, then `bot.toml`,
//! then the default; each value is parsed here with its origin named in errors.

use crate::domain::money::parse_amount;
use anyhow::{anyhow, bail, Result};
use rust_decimal::Decimal;

/// Reads one setting from the environment: `PAYDESK_POLICY_FEE_RATE` for `policy.fee_rate`.
pub(super) fn env_key(section: &str, key: &str) -> String {
    format!("PAYDESK_{}_{}", section.to_uppercase(), key.to_uppercase())
}

pub(super) struct Loader<'a> {
    pub(super) file: &'a str,
    pub(super) env: &'a dyn Fn(&str) -> Option<String>,
}

impl Loader<'_> {
    /// The raw text of a setting: env first, then the file's value (a string or an integer).
    pub(super) fn raw(&self, section: &str, key: &str, file: Option<&toml::Value>) -> Result<Option<(String, String)>> {
        let ek = env_key(section, key);
        if let Some(v) = (self.env)(&ek) {
            return Ok(Some((v, format!("environment variable {ek}"))));
        }
        let origin = format!("{}: {section}.{key}", self.file);
        match file {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some((s.clone(), origin))),
            Some(toml::Value::Integer(i)) => Ok(Some((i.to_string(), origin))),
            Some(toml::Value::Float(_)) => {
                bail!("{origin}: write money and rates as strings, like \"0.03\" (floats are not exact)")
            }
            Some(other) => bail!("{origin}: expected a string or a number, found {}", other.type_str()),
        }
    }

    pub(super) fn decimal(
        &self,
        section: &str,
        key: &str,
        file: Option<&toml::Value>,
        default: Decimal,
    ) -> Result<Decimal> {
        match self.raw(section, key, file)? {
            None => Ok(default),
            Some((v, origin)) => parse_amount(&v).map_err(|e| anyhow!("{origin}: {e}")),
        }
    }

    pub(super) fn opt_decimal(&self, section: &str, key: &str, file: Option<&toml::Value>) -> Result<Option<Decimal>> {
        match self.raw(section, key, file)? {
            None => Ok(None),
            Some((v, _)) if v.trim().is_empty() || v.trim() == "off" => Ok(None),
            Some((v, origin)) => parse_amount(&v).map(Some).map_err(|e| anyhow!("{origin}: {e}")),
        }
    }

    pub(super) fn int(
        &self,
        section: &str,
        key: &str,
        file: Option<&toml::Value>,
        default: i64,
        range: std::ops::RangeInclusive<i64>,
    ) -> Result<i64> {
        match self.raw(section, key, file)? {
            None => Ok(default),
            Some((v, origin)) => {
                let n: i64 = v.trim().parse().map_err(|_| anyhow!("{origin}: `{v}` is not a whole number"))?;
                if !range.contains(&n) {
                    bail!("{origin}: {n} is out of range ({}..={})", range.start(), range.end());
                }
                Ok(n)
            }
        }
    }

    pub(super) fn string(&self, section: &str, key: &str, file: Option<String>) -> Option<String> {
        (self.env)(&env_key(section, key)).or(file)
    }
}
