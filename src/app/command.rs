//! The command grammar of `transcript.md`, the same in every chat surface. Pure parsing:
//! text in, a command or a message a person can act on out. Never panics.

use crate::domain::ids::{AccountId, CaseNumber, ChargeId, UserId};
use crate::domain::money::{looks_like_amount, parse_money_token, AmountError, Currency};
use crate::domain::tickets::CaseAction;
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Case(CaseNumber),
    Charge(ChargeId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Refund { target: Target, amount: Option<(Decimal, Option<Currency>)>, is_override: bool, reason: String },
    Approve(CaseNumber),
    Reject(CaseNumber, String),
    Wallet(Option<AccountId>),
    WalletCredit { account: AccountId, amount: (Decimal, Option<Currency>), reason: String },
    WalletBuy(u32),
    TicketShow(CaseNumber),
    TicketAction(CaseAction, CaseNumber, String),
    Link(UserId, AccountId),
    Help,
}

pub const USAGE_REFUND: &str = "/refund <charge-id|case-id> [amount] [reason…]  ·  /refund <charge-id|case-id> <amount> override <reason…>";
pub const USAGE_APPROVE: &str = "/approve <case-id>  ·  /reject <case-id> [reason…]";
pub const USAGE_WALLET: &str = "/wallet [account]  ·  /wallet credit <account> <amount> <reason…>  ·  /wallet buy <credits>";
pub const USAGE_TICKET: &str = "/ticket <case-id>  ·  /ticket close|escalate|reopen <case-id> [note…]";
pub const USAGE_LINK: &str = "/link <user> <account>";

/// Every command, one per line, for `/help` and for unknown commands.
pub fn usage() -> String {
    [USAGE_REFUND, USAGE_APPROVE, USAGE_WALLET, USAGE_TICKET, USAGE_LINK, "/help"].join("\n")
}

/// Why a command could not be read: what was wrong, and the usage line to follow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}\nusage: {usage}")]
pub struct CommandError {
    pub message: String,
    pub usage: String,
}

fn err(message: impl Into<String>, usage: &str) -> CommandError {
    CommandError { message: message.into(), usage: usage.to_string() }
}

/// True for text that is a command (`/…` or `!…`) rather than chat.
pub fn is_command(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with('/') || t.starts_with('!')
}

fn case_arg(tok: Option<&str>, usage: &str) -> Result<CaseNumber, CommandError> {
    let tok = tok.ok_or_else(|| err("which case? give its number, like RF-000012", usage))?;
    tok.parse::<CaseNumber>().map_err(|e| err(e.to_string(), usage))
}

fn amount_err(e: AmountError, usage: &str) -> CommandError {
    err(format!("amount refused: {e}"), usage)
}

fn rest(tokens: &[&str]) -> String {
    tokens.join(" ")
}

/// Parses a command line. `Ok(None)` when the text is not a command at all.
pub fn parse(text: &str) -> Result<Option<Command>, CommandError> {
    if !is_command(text) {
        return Ok(None);
    }
    let body = &text.trim_start()[1..];
    let tokens: Vec<&str> = body.split_whitespace().collect();
    let Some((&name, args)) = tokens.split_first() else {
        return Err(err("an empty command", &usage()));
    };
    let lower = name.to_lowercase();
    let cmd = match lower.as_str() {
        "refund" => parse_refund(args)?,
        "approve" => Command::Approve(case_arg(args.first().copied(), USAGE_APPROVE)?),
        "reject" => Command::Reject(case_arg(args.first().copied(), USAGE_APPROVE)?, rest(args.get(1..).unwrap_or(&[]))),
        "wallet" => parse_wallet(args)?,
        "ticket" => parse_ticket(args)?,
        "link" => match args {
            [user, account] if !user.trim_start_matches('@').is_empty() => {
                Command::Link(UserId::new(user.trim_start_matches('@')), AccountId::new(*account))
            }
            _ => return Err(err("link needs a user and an account", USAGE_LINK)),
        },
        "help" => Command::Help,
        _ => {
            let shown: String = name.chars().take(30).collect();
            return Err(err(format!("unknown command /{shown}"), &usage()));
        }
    };
    Ok(Some(cmd))
}

fn parse_refund(args: &[&str]) -> Result<Command, CommandError> {
    let u = USAGE_REFUND;
    let Some((&first, mut more)) = args.split_first() else {
        return Err(err("refund what? give a charge id or a case number", u));
    };
    let target = match first.parse::<CaseNumber>() {
        Ok(c) => Target::Case(c),
        Err(_) if looks_like_case(first) => {
            return Err(err(format!("`{}` is not a case number (they look like RF-000012)", first.chars().take(40).collect::<String>()), u))
        }
        Err(_) => Target::Charge(ChargeId::new(first)),
    };
    let mut amount = None;
    if let Some((&tok, after)) = more.split_first() {
        if looks_like_amount(tok) {
            let (value, mut currency) = parse_money_token(tok).map_err(|e| amount_err(e, u))?;
            more = after;
            if currency.is_none() {
                if let Some(c) = more.first().and_then(|t| (t.len() == 3).then(|| Currency::from_code(t)).flatten()) {
                    currency = Some(c);
                    more = &more[1..];
                }
            }
            amount = Some((value, currency));
        }
    }
    let is_override = more.first().is_some_and(|t| t.eq_ignore_ascii_case("override"));
    if is_override {
        if amount.is_none() {
            return Err(err("an override needs the amount: /refund <charge-id|case-id> <amount> override <reason…>", u));
        }
        more = &more[1..];
        if more.is_empty() {
            return Err(err("an override needs a reason", u));
        }
    }
    Ok(Command::Refund { target, amount, is_override, reason: rest(more) })
}

/// `RF-…` or `RF` followed by digits: meant as a case number, even if malformed.
fn looks_like_case(tok: &str) -> bool {
    let b = tok.as_bytes();
    b.len() > 2 && b[..2].eq_ignore_ascii_case(b"rf") && (b[2] == b'-' || b[2].is_ascii_digit())
}

fn parse_wallet(args: &[&str]) -> Result<Command, CommandError> {
    let u = USAGE_WALLET;
    match args {
        [] => Ok(Command::Wallet(None)),
        [sub, rest_args @ ..] if sub.eq_ignore_ascii_case("credit") => match rest_args {
            [account, amount, reason @ ..] => {
                let amount = parse_money_token(amount).map_err(|e| amount_err(e, u))?;
                if reason.is_empty() {
                    return Err(err("a goodwill credit needs a reason", u));
                }
                Ok(Command::WalletCredit { account: AccountId::new(*account), amount, reason: rest(reason) })
            }
            _ => Err(err("wallet credit needs an account, an amount and a reason", u)),
        },
        [sub, rest_args @ ..] if sub.eq_ignore_ascii_case("buy") => match rest_args {
            [n] => {
                let credits: u32 = n.parse().ok().filter(|c| *c > 0 && *c <= crate::domain::billing::MAX_CREDITS_PER_PURCHASE).ok_or_else(|| {
                    err(
                        format!(
                            "`{}` is not a number of credits (a whole number from 1 to {})",
                            n.chars().take(30).collect::<String>(),
                            crate::domain::billing::MAX_CREDITS_PER_PURCHASE
                        ),
                        u,
                    )
                })?;
                Ok(Command::WalletBuy(credits))
            }
            _ => Err(err("wallet buy needs the number of credits", u)),
        },
        [account] => Ok(Command::Wallet(Some(AccountId::new(*account)))),
        _ => Err(err("too many words for /wallet", u)),
    }
}

fn parse_ticket(args: &[&str]) -> Result<Command, CommandError> {
    let u = USAGE_TICKET;
    let action = match args.first().map(|s| s.to_lowercase()) {
        Some(a) if a == "close" => Some(CaseAction::Close),
        Some(a) if a == "escalate" => Some(CaseAction::Escalate),
        Some(a) if a == "reopen" => Some(CaseAction::Reopen),
        _ => None,
    };
    match action {
        Some(a) => Ok(Command::TicketAction(a, case_arg(args.get(1).copied(), u)?, rest(args.get(2..).unwrap_or(&[])))),
        None => {
            if args.len() > 1 {
                return Err(err("to change a case say close, escalate or reopen", u));
            }
            Ok(Command::TicketShow(case_arg(args.first().copied(), u)?))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Command {
        parse(s).unwrap_or_else(|e| panic!("{s}: {e}")).unwrap()
    }

    #[test]
    fn refund_forms() {
        assert_eq!(
            ok("/refund ch_2 duplicate charge"),
            Command::Refund { target: Target::Charge(ChargeId::new("ch_2")), amount: None, is_override: false, reason: "duplicate charge".into() }
        );
        assert_eq!(
            ok("!refund RF-000001 20.50 partial"),
            Command::Refund {
                target: Target::Case(CaseNumber::new(1).unwrap()),
                amount: Some((Decimal::new(2050, 2), None)),
                is_override: false,
                reason: "partial".into()
            }
        );
        let Command::Refund { amount, is_override, reason, .. } = ok("/refund ch_1 60 EUR override customer is a partner") else { panic!() };
        assert_eq!(amount.unwrap().1, Currency::from_code("EUR"));
        assert!(is_override);
        assert_eq!(reason, "customer is a partner");
        let Command::Refund { amount, .. } = ok("/refund ch_1 $5") else { panic!() };
        assert_eq!(amount, Some((Decimal::from(5), Some(Currency::USD))));
    }

    #[test]
    fn bad_amounts_are_refused_clearly() {
        for bad in ["1e5", "-3", "12.345.6", "NaN", "99999999999999999999", "0"] {
            let e = parse(&format!("/refund ch_1 {bad} reason")).unwrap_err();
            assert!(e.message.starts_with("amount refused"), "{bad}: {e}");
            assert!(e.usage.contains("/refund"));
        }
        let e = parse("/wallet credit acct-1 NaN sorry").unwrap_err();
        assert!(e.message.contains("amount refused"), "{e}");
        assert!(parse("/wallet credit acct-1 5").is_err(), "reason required");
    }

    #[test]
    fn malformed_commands_get_usage() {
        for bad in [
            "/",
            "/refund",
            "/refund ch_1 override no amount",
            "/refund ch_1 10 override",
            "/approve",
            "/approve ch_1",
            "/reject RF-x",
            "/ticket",
            "/ticket close",
            "/ticket foo bar",
            "/link ana",
            "/wallet buy",
            "/wallet buy -1",
            "/wallet buy 1.5",
            "/wallet buy 999999999",
            "/wallet a b c",
            "/frobnicate",
            "/refund RF-12x",
        ] {
            assert!(parse(bad).is_err(), "{bad} must be refused");
        }
        assert!(parse("/frobnicate").unwrap_err().usage.contains("/wallet"));
    }

    #[test]
    fn other_commands() {
        assert_eq!(ok("/approve RF-000003"), Command::Approve(CaseNumber::new(3).unwrap()));
        assert_eq!(ok("/reject rf-3 not eligible"), Command::Reject(CaseNumber::new(3).unwrap(), "not eligible".into()));
        assert_eq!(ok("/wallet"), Command::Wallet(None));
        assert_eq!(ok("/wallet acct-1"), Command::Wallet(Some(AccountId::new("acct-1"))));
        assert_eq!(ok("/wallet buy 10"), Command::WalletBuy(10));
        assert_eq!(ok("/ticket RF-000001"), Command::TicketShow(CaseNumber::FIRST));
        assert_eq!(
            ok("/ticket escalate RF-000001 customer waited"),
            Command::TicketAction(CaseAction::Escalate, CaseNumber::FIRST, "customer waited".into())
        );
        assert_eq!(ok("/link @ana acct-1"), Command::Link(UserId::new("ana"), AccountId::new("acct-1")));
        assert_eq!(ok("/HELP"), Command::Help);
        assert_eq!(parse("hello there").unwrap(), None);
    }

    #[test]
    fn never_panics_on_odd_text() {
        for s in
            ["/ü", "/refund ü ü ü", "/wallet credit ü €€ x", "/refund ch ¥", "/refund ch 1€", "!!!", "/refund rfé", "/refund x 5ü", "/refund x ü5"]
        {
            let _ = parse(s);
        }
    }
}
