//! Slash commands: their definitions (registered per guild at start) and the one
//! translation from typed options to the text command of the grammar, which then goes
//! down the same engine path as a typed `/…` message. Amounts stay strings: the core
//! parses them.

use crate::domain::money::looks_like_amount;
use serde_json::{json, Value};

const STRING: u8 = 3;
const BOOLEAN: u8 = 5;
const USER: u8 = 6;
const SUB: u8 = 1;

fn opt(kind: u8, name: &str, description: &str, required: bool, autocomplete: bool) -> Value {
    let mut v = json!({"type": kind, "name": name, "description": description, "required": required});
    if autocomplete {
        v["autocomplete"] = json!(true);
    }
    v
}

fn case_opt() -> Value {
    opt(STRING, "case", "The case number, like RF-000012", true, true)
}

fn sub(name: &str, description: &str, options: Vec<Value>) -> Value {
    json!({"type": SUB, "name": name, "description": description, "options": options})
}

/// Every command of the grammar, as Discord application commands (bulk overwrite body).
pub fn definitions() -> Value {
    let note = || opt(STRING, "note", "A note for the case history", false, false);
    json!([
        {"name": "refund", "description": "Request a refund of a charge or a case's charge", "type": 1, "options": [
            opt(STRING, "target", "The charge id or the case number", true, true),
            opt(STRING, "amount", "Amount, like 12.50 or 12.50 EUR (default: what the policy allows)", false, false),
            opt(STRING, "reason", "Why", false, false),
            opt(BOOLEAN, "override", "Policy override (leads; two other leads approve)", false, false),
        ]},
        {"name": "approve", "description": "Approve a case's refund request (same as reacting)", "type": 1, "options": [case_opt()]},
        {"name": "reject", "description": "Reject a case's refund request", "type": 1, "options": [
            case_opt(), opt(STRING, "reason", "Why", false, false)]},
        {"name": "wallet", "description": "Wallet balance, goodwill credit, buying credits", "type": 1, "options": [
            sub("show", "A wallet balance (customers: your own)", vec![opt(STRING, "account", "The account (staff)", false, false)]),
            sub("credit", "Goodwill credit (leads)", vec![
                opt(STRING, "account", "The account", true, false),
                opt(STRING, "amount", "Amount, like 5.00", true, false),
                opt(STRING, "reason", "Why", true, false)]),
            sub("buy", "Buy credits for your own account", vec![opt(STRING, "credits", "How many credits", true, false)]),
        ]},
        {"name": "ticket", "description": "Show or change a case", "type": 1, "options": [
            sub("show", "A case and its history", vec![case_opt()]),
            sub("close", "Close a case", vec![case_opt(), note()]),
            sub("escalate", "Escalate a case to a lead", vec![case_opt(), note()]),
            sub("reopen", "Reopen a case", vec![case_opt(), note()]),
        ]},
        {"name": "link", "description": "Link a chat user to a billing account", "type": 1, "options": [
            opt(USER, "user", "The user", true, false), opt(STRING, "account", "The billing account", true, false)]},
        {"name": "help", "description": "The commands", "type": 1, "options": []},
    ])
}

/// An option value as typed (users arrive as their id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opt {
    Text(String),
    Flag(bool),
    User(u64),
}

/// A slash command invocation: name, optional subcommand, options by name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Invocation {
    pub name: String,
    pub sub: Option<String>,
    pub options: Vec<(String, Opt)>,
}

impl Invocation {
    fn text(&self, name: &str) -> Option<&str> {
        self.options.iter().find_map(|(n, v)| match v {
            Opt::Text(s) if n == name && !s.trim().is_empty() => Some(s.trim()),
            _ => None,
        })
    }
    fn flag(&self, name: &str) -> bool {
        self.options.iter().any(|(n, v)| n == name && *v == Opt::Flag(true))
    }
    fn user(&self, name: &str) -> Option<u64> {
        self.options.iter().find_map(|(n, v)| match v {
            Opt::User(u) if n == name => Some(*u),
            _ => None,
        })
    }
}

/// Why a slash command's options cannot be one command line; shown to the user as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionError {
    #[error("`{0}` must be one word")]
    NotOneWord(String),
    #[error("`{0}` is required")]
    Required(String),
    #[error("`{0}` is an amount like 12.50 or 12.50 EUR")]
    NotAnAmount(String),
    #[error("set `override: True` instead of starting the reason with \"override\"")]
    OverrideInReason,
    #[error("put the amount in `amount`, not at the start of the reason")]
    AmountInReason,
    #[error("unknown command /{0}")]
    UnknownCommand(String),
}

/// A value that must stay one word of the command line.
fn word<'a>(inv: &'a Invocation, name: &str) -> Result<Option<&'a str>, OptionError> {
    match inv.text(name) {
        Some(v) if v.split_whitespace().count() > 1 => Err(OptionError::NotOneWord(name.to_string())),
        other => Ok(other),
    }
}

fn required<'a>(inv: &'a Invocation, name: &str) -> Result<&'a str, OptionError> {
    word(inv, name)?.ok_or_else(|| OptionError::Required(name.to_string()))
}

/// An amount: a number with at most a currency code after it ("12.50 EUR").
fn amount<'a>(inv: &'a Invocation, name: &str) -> Result<Option<&'a str>, OptionError> {
    let Some(v) = inv.text(name) else { return Ok(None) };
    let parts: Vec<&str> = v.split_whitespace().collect();
    match parts.as_slice() {
        [_] => Ok(Some(v)),
        [_, code] if code.len() == 3 && code.chars().all(|c| c.is_ascii_alphabetic()) => Ok(Some(v)),
        _ => Err(OptionError::NotAnAmount(name.to_string())),
    }
}

fn join(parts: &[&str]) -> String {
    parts.iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join(" ")
}

/// The text command a slash command stands for. `Err` is a message for the user (the
/// options would not survive as one command line); everything else is the core's to judge.
pub fn to_text(inv: &Invocation) -> Result<String, OptionError> {
    let line = match inv.name.as_str() {
        "refund" => {
            let target = required(inv, "target")?;
            let amount = amount(inv, "amount")?;
            let reason = inv.text("reason").unwrap_or("");
            let first = reason.split_whitespace().next().unwrap_or("");
            if first.eq_ignore_ascii_case("override") {
                return Err(OptionError::OverrideInReason);
            }
            if amount.is_none() && looks_like_amount(first) {
                return Err(OptionError::AmountInReason);
            }
            let ov = if inv.flag("override") { "override" } else { "" };
            join(&["/refund", target, amount.unwrap_or(""), ov, reason])
        }
        "approve" => join(&["/approve", required(inv, "case")?]),
        "reject" => join(&["/reject", required(inv, "case")?, inv.text("reason").unwrap_or("")]),
        "wallet" => match inv.sub.as_deref() {
            Some("credit") => {
                let amt = amount(inv, "amount")?.ok_or_else(|| OptionError::Required("amount".into()))?;
                join(&["/wallet credit", required(inv, "account")?, amt, inv.text("reason").unwrap_or("")])
            }
            Some("buy") => join(&["/wallet buy", required(inv, "credits")?]),
            _ => join(&["/wallet", word(inv, "account")?.unwrap_or("")]),
        },
        "ticket" => {
            let case = required(inv, "case")?;
            match inv.sub.as_deref() {
                Some(action @ ("close" | "escalate" | "reopen")) => {
                    join(&["/ticket", action, case, inv.text("note").unwrap_or("")])
                }
                _ => join(&["/ticket", case]),
            }
        }
        "link" => {
            let user = inv.user("user").ok_or_else(|| OptionError::Required("user".into()))?;
            // As a mention: the id is parsed as an id, never taken for a card number.
            join(&["/link", &format!("<@{user}>"), required(inv, "account")?])
        }
        "help" => "/help".to_string(),
        other => return Err(OptionError::UnknownCommand(other.chars().take(30).collect())),
    };
    Ok(line)
}

/// True for commands answered at once (no store work): no need to defer.
pub fn is_instant(inv: &Invocation) -> bool {
    inv.name == "help"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::command::{parse, Command};

    fn inv(name: &str, sub: Option<&str>, opts: &[(&str, Opt)]) -> Invocation {
        Invocation {
            name: name.into(),
            sub: sub.map(str::to_string),
            options: opts.iter().map(|(n, v)| (n.to_string(), v.clone())).collect(),
        }
    }
    fn t(s: &str) -> Opt {
        Opt::Text(s.into())
    }

    #[test]
    fn every_definition_maps_onto_the_grammar() {
        let cases = [
            (
                inv(
                    "refund",
                    None,
                    &[("target", t("ch_1")), ("amount", t("12.50 EUR")), ("reason", t("double charge"))],
                ),
                "/refund ch_1 12.50 EUR double charge",
            ),
            (
                inv(
                    "refund",
                    None,
                    &[
                        ("target", t("RF-000002")),
                        ("amount", t("600")),
                        ("override", Opt::Flag(true)),
                        ("reason", t("goodwill")),
                    ],
                ),
                "/refund RF-000002 600 override goodwill",
            ),
            (inv("approve", None, &[("case", t("RF-000001"))]), "/approve RF-000001"),
            (inv("reject", None, &[("case", t("RF-000001")), ("reason", t("no"))]), "/reject RF-000001 no"),
            (inv("wallet", Some("show"), &[]), "/wallet"),
            (inv("wallet", Some("show"), &[("account", t("acct-1"))]), "/wallet acct-1"),
            (
                inv("wallet", Some("credit"), &[("account", t("acct-1")), ("amount", t("5")), ("reason", t("sorry"))]),
                "/wallet credit acct-1 5 sorry",
            ),
            (inv("wallet", Some("buy"), &[("credits", t("100"))]), "/wallet buy 100"),
            (inv("ticket", Some("show"), &[("case", t("RF-000003"))]), "/ticket RF-000003"),
            (
                inv("ticket", Some("escalate"), &[("case", t("RF-000003")), ("note", t("angry"))]),
                "/ticket escalate RF-000003 angry",
            ),
            (inv("link", None, &[("user", Opt::User(42)), ("account", t("acct-1"))]), "/link <@42> acct-1"),
            (inv("help", None, &[]), "/help"),
        ];
        for (i, want) in cases {
            let text = to_text(&i).unwrap();
            assert_eq!(text, want);
            assert!(parse(&text).unwrap().is_some(), "{text}");
        }
        assert!(matches!(
            parse("/refund RF-000002 600 override goodwill").unwrap(),
            Some(Command::Refund { is_override: true, .. })
        ));
        // Every command of the definitions is mapped.
        for d in definitions().as_array().unwrap() {
            let name = d["name"].as_str().unwrap();
            assert!(
                to_text(&inv(name, None, &[])).map_or_else(|e| !matches!(e, OptionError::UnknownCommand(_)), |_| true),
                "{name}"
            );
        }
    }

    #[test]
    fn link_user_is_an_id_even_when_luhn_valid() {
        // 175928847299117062 passes the Luhn check: it must survive redaction as an id.
        let line =
            to_text(&inv("link", None, &[("user", Opt::User(175_928_847_299_117_062)), ("account", t("acct-1"))]))
                .unwrap();
        let red = crate::nlu::redact_card_numbers(&line);
        assert_eq!(red.text, line);
        assert_eq!(
            parse(&red.text).unwrap(),
            Some(Command::Link(
                crate::domain::ids::UserId::new("175928847299117062"),
                crate::domain::ids::AccountId::new("acct-1")
            ))
        );
        // A card number typed into a text option is removed before the core sees it.
        let line =
            to_text(&inv("refund", None, &[("target", t("ch_1")), ("reason", t("card 4111\t1111\t1111\t1111"))]))
                .unwrap();
        assert!(!crate::nlu::redact_card_numbers(&line).text.contains("1111"));
    }

    #[test]
    fn options_cannot_change_the_meaning_of_the_line() {
        assert_eq!(
            to_text(&inv("refund", None, &[("target", t("ch_1 override"))])),
            Err(OptionError::NotOneWord("target".into()))
        );
        assert_eq!(
            to_text(&inv("refund", None, &[("target", t("ch_1")), ("reason", t("override please"))])),
            Err(OptionError::OverrideInReason)
        );
        assert_eq!(
            to_text(&inv("refund", None, &[("target", t("ch_1")), ("reason", t("12 dollars back"))])),
            Err(OptionError::AmountInReason)
        );
        assert_eq!(
            to_text(&inv("refund", None, &[("target", t("ch_1")), ("amount", t("12 override"))])),
            Err(OptionError::NotAnAmount("amount".into()))
        );
        let missing = to_text(&inv("approve", None, &[])).unwrap_err();
        assert_eq!(missing.to_string(), "`case` is required", "the words the user is shown");
        // Bad amounts are the core's to refuse, with its own reason.
        assert!(parse(&to_text(&inv("refund", None, &[("target", t("ch_1")), ("amount", t("1e5"))])).unwrap()).is_err());
    }
}
