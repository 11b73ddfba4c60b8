//! `[discord]` in bot.toml. The token is never here: it comes from `PAYDESK_DISCORD_TOKEN`.

use anyhow::{anyhow, bail, Result};
use serde::Deserialize;

/// A channel or role named by its id (a snowflake) or by its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    Id(u64),
    Name(String),
}

impl Named {
    fn parse(s: &str) -> Named {
        let t = s.trim().trim_start_matches('#').trim_start_matches('@');
        match t.parse::<u64>() {
            Ok(id) if id > 0 => Named::Id(id),
            _ => Named::Name(t.to_string()),
        }
    }

    /// True when this names the thing with `id` and `name` (names compare without case).
    pub fn matches(&self, id: u64, name: Option<&str>) -> bool {
        match self {
            Named::Id(i) => *i == id,
            Named::Name(n) => name.is_some_and(|x| x.eq_ignore_ascii_case(n)),
        }
    }
}

impl std::fmt::Display for Named {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Named::Id(i) => write!(f, "{i}"),
            Named::Name(n) => write!(f, "\"{n}\""),
        }
    }
}

/// The shards this process runs: `first..=last` of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shards {
    pub first: u32,
    pub last: u32,
    pub total: u32,
}

impl Shards {
    /// `"0-3/8"`, `"2/8"` (one shard) or `"8"` (all of 8).
    pub fn parse(s: &str) -> Result<Shards> {
        let s = s.trim();
        let num = |t: &str| t.trim().parse::<u32>().map_err(|_| anyhow!("`{s}` is not a shard range like \"0-3/8\""));
        let shards = match s.split_once('/') {
            Some((range, total)) => {
                let total = num(total)?;
                let (first, last) = match range.split_once('-') {
                    Some((a, b)) => (num(a)?, num(b)?),
                    None => (num(range)?, num(range)?),
                };
                Shards { first, last, total }
            }
            None => {
                let total = num(s)?;
                Shards { first: 0, last: total.saturating_sub(1), total }
            }
        };
        if shards.total == 0 || shards.first > shards.last || shards.last >= shards.total {
            bail!("`{s}` is not a shard range like \"0-3/8\" (first <= last < total)");
        }
        Ok(shards)
    }

    /// The shard that receives a guild's events.
    pub fn of_guild(guild_id: u64, total: u32) -> u32 {
        ((guild_id >> 22) % u64::from(total.max(1))) as u32
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    guild_id: toml::Value,
    #[serde(default)]
    support_channels: Vec<toml::Value>,
    approvals_channel: toml::Value,
    #[serde(default)]
    agent_roles: Vec<toml::Value>,
    #[serde(default)]
    lead_roles: Vec<toml::Value>,
    api_base: Option<String>,
    shards: Option<String>,
    max_cases_per_user_per_hour: Option<i64>,
    dm_fallback: Option<bool>,
    application_id: Option<toml::Value>,
}

/// The validated `[discord]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscordConfig {
    pub guild_id: u64,
    pub support_channels: Vec<Named>,
    pub approvals_channel: Named,
    pub agent_roles: Vec<Named>,
    pub lead_roles: Vec<Named>,
    /// `https://discord.com`; tests point it at a fake.
    pub api_base: String,
    pub shards: Shards,
    /// Cases one customer may open per hour; 0 means no limit.
    pub max_cases_per_user_per_hour: u32,
    /// When a DM cannot be delivered, post in the case thread instead.
    pub dm_fallback: bool,
    /// Known in advance only for tests; otherwise learnt from READY.
    pub application_id: Option<u64>,
}

pub const DEFAULT_API_BASE: &str = "https://discord.com";

fn text(v: &toml::Value, key: &str, source: &str) -> Result<String> {
    match v {
        toml::Value::String(s) if !s.trim().is_empty() => Ok(s.clone()),
        toml::Value::Integer(i) if *i > 0 => Ok(i.to_string()),
        _ => bail!("{source}: discord.{key}: expected an id or a name, found {v}"),
    }
}

fn id(v: &toml::Value, key: &str, source: &str) -> Result<u64> {
    let t = text(v, key, source)?;
    t.trim()
        .parse::<u64>()
        .ok()
        .filter(|i| *i > 0)
        .ok_or_else(|| anyhow!("{source}: discord.{key}: `{t}` is not a Discord id (a number)"))
}

impl DiscordConfig {
    /// Reads the raw `[discord]` table; errors name the key and the file.
    pub fn from_toml(raw: &toml::Value, source: &str) -> Result<DiscordConfig> {
        let f: File = raw.clone().try_into().map_err(|e| anyhow!("{source}: [discord]: {}", e.to_string().trim()))?;
        let list = |v: &[toml::Value], key: &str| -> Result<Vec<Named>> {
            v.iter().map(|x| text(x, key, source).map(|t| Named::parse(&t))).collect()
        };
        let support_channels = list(&f.support_channels, "support_channels")?;
        if support_channels.is_empty() {
            bail!("{source}: discord.support_channels: name at least one channel where customers write");
        }
        let api_base = f.api_base.unwrap_or_else(|| DEFAULT_API_BASE.into()).trim_end_matches('/').to_string();
        if !(api_base.starts_with("https://") || api_base.starts_with("http://")) {
            bail!("{source}: discord.api_base: `{api_base}` is not an http(s) URL");
        }
        let shards = match f.shards.as_deref() {
            Some(s) => Shards::parse(s).map_err(|e| anyhow!("{source}: discord.shards: {e}"))?,
            None => Shards { first: 0, last: 0, total: 1 },
        };
        let max = f.max_cases_per_user_per_hour.unwrap_or(5);
        if !(0..=10_000).contains(&max) {
            bail!("{source}: discord.max_cases_per_user_per_hour: {max} is out of range (0..=10000)");
        }
        Ok(DiscordConfig {
            guild_id: id(&f.guild_id, "guild_id", source)?,
            support_channels,
            approvals_channel: Named::parse(&text(&f.approvals_channel, "approvals_channel", source)?),
            agent_roles: list(&f.agent_roles, "agent_roles")?,
            lead_roles: list(&f.lead_roles, "lead_roles")?,
            api_base,
            shards,
            max_cases_per_user_per_hour: max as u32,
            dm_fallback: f.dm_fallback.unwrap_or(true),
            application_id: f.application_id.as_ref().map(|v| id(v, "application_id", source)).transpose()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(t: &str) -> Result<DiscordConfig> {
        let v: toml::Value = toml::from_str(t).unwrap();
        DiscordConfig::from_toml(v.get("discord").unwrap(), "bot.toml")
    }

    #[test]
    fn reads_ids_and_names() {
        let c = parse(
            "[discord]\nguild_id = \"111\"\nsupport_channels = [\"#support\", 222]\napprovals_channel = \"approvals\"\n\
             agent_roles = [\"Support\"]\nlead_roles = [\"333\"]\nshards = \"0-3/8\"\n",
        )
        .unwrap();
        assert_eq!(c.guild_id, 111);
        assert_eq!(c.support_channels, vec![Named::Name("support".into()), Named::Id(222)]);
        assert_eq!(c.lead_roles, vec![Named::Id(333)]);
        assert!(c.agent_roles[0].matches(5, Some("support")));
        assert_eq!(c.shards, Shards { first: 0, last: 3, total: 8 });
        assert_eq!(c.api_base, DEFAULT_API_BASE);
        assert_eq!(c.max_cases_per_user_per_hour, 5);
    }

    #[test]
    fn errors_name_the_key() {
        for (t, want) in [
            ("[discord]\nguild_id = \"abc\"\nsupport_channels = [\"s\"]\napprovals_channel = \"a\"\n", "discord.guild_id"),
            ("[discord]\nguild_id = 1\napprovals_channel = \"a\"\n", "discord.support_channels"),
            ("[discord]\nguild_id = 1\nsupport_channels = [\"s\"]\napprovals_channel = \"a\"\nshards = \"4-2/8\"\n", "discord.shards"),
            ("[discord]\nguild_id = 1\nsupport_channels = [\"s\"]\napprovals_channel = \"a\"\ntoken = \"x\"\n", "token"),
            ("[discord]\nguild_id = 1\nsupport_channels = [\"s\"]\napprovals_channel = \"a\"\napi_base = \"ftp://x\"\n", "discord.api_base"),
        ] {
            let e = parse(t).unwrap_err().to_string();
            assert!(e.contains(want), "{t}: {e}");
        }
    }

    #[test]
    fn the_example_file_sections_parse() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/bot.toml.example")).unwrap();
        // The commented [discord] and [http] tables, uncommented.
        let mut on = false;
        let mut table = String::new();
        for line in text.lines() {
            let l = line.trim_start_matches("# ");
            let is_key = l
                .split_once(" = ")
                .is_some_and(|(k, _)| !k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            if l.starts_with('[') {
                on = l == "[discord]" || l == "[http]";
            } else if !is_key {
                continue;
            }
            if on && line.starts_with("# ") {
                table.push_str(l);
                table.push('\n');
            }
        }
        let v: toml::Value = toml::from_str(&table).unwrap();
        let c = DiscordConfig::from_toml(v.get("discord").unwrap(), "bot.toml.example").unwrap();
        assert_eq!(c.lead_roles, vec![Named::Name("Support Lead".into())]);
        let h = crate::adapters::http::HttpConfig::from_toml(v.get("http"), "bot.toml.example").unwrap();
        assert_eq!(h.listen.as_deref(), Some("127.0.0.1:8080"));
    }

    #[test]
    fn shard_ranges() {
        assert_eq!(Shards::parse("2/8").unwrap(), Shards { first: 2, last: 2, total: 8 });
        assert_eq!(Shards::parse("4").unwrap(), Shards { first: 0, last: 3, total: 4 });
        assert!(Shards::parse("0-8/8").is_err());
        assert!(Shards::parse("0/0").is_err());
        assert_eq!(Shards::of_guild(1 << 22, 8), 1);
    }
}
