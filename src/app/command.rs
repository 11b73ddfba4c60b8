//! The command grammar of `transcript.md`, the same in every chat surface. Pure parsing:
//! text in, a command or a message a person can act on out. Never panics.

use crate::domain::ids::{AccountId, BadCaseNumber, CaseNumber, ChargeId, UserId};
use crate::domain::money::{ascii_digits, looks_like_amount, parse_money_token, AmountError, Currency};
use crate::domain::tickets::CaseAction;
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Case(CaseNumber),
    Charge(ChargeId),
}

/// A case's refund request: the case, and which of its requests (1-based, in the order
/// they were made) when it names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestRef {
    pub case: CaseNumber,
    pub nth: Option<u32>,
}

impl std::fmt::Display for RequestRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.nth {
            Some(n) => write!(f, "{}#{n}", self.case),
            None => write!(f, "{}", self.case),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Refund {
        target: Target,
        amount: Option<(Decimal, Option<Currency>)>,
        is_override: bool,
        reason: String,
    },
    /// `/approve RF-000001` or `/approve RF-000001#2` (the case's second request).
    Approve(RequestRef),
    Reject(RequestRef, String),
    /// `/reply RF-000001 text…`: staff say something to the case's customer.
    Reply(CaseNumber, String),
    /// `/queue`: open cases and pending approvals, oldest first.
    Queue,
    /// `/unlink <user>`: the chat user is no longer linked to a billing account.
    Unlink(UserId),
    Wallet(Option<AccountId>),
    WalletCredit {
        account: AccountId,
        amount: (Decimal, Option<Currency>),
        reason: String,
    },
    WalletBuy(u32),
    TicketShow(CaseNumber),
    TicketAction(CaseAction, CaseNumber, String),
    Link(UserId, AccountId),
    Help,
}

pub const USAGE_REFUND: &str =
    "/refund <charge-id|case-id> [amount] [reason…]  ·  /refund <charge-id|case-id> <amount> override <reason…>";
pub const USAGE_APPROVE: &str = "/approve <case-id>[#n]  ·  /reject <case-id>[#n] [reason…]";
pub const USAGE_REPLY: &str =
    "/reply <case-id> <text…>  (say something to the case's customer; /ticket notes stay internal)";
pub const USAGE_QUEUE: &str = "/queue";
pub const USAGE_WALLET: &str =
    "/wallet [account]  ·  /wallet credit <account> <amount> <reason…>  ·  /wallet buy <credits>";
pub const USAGE_TICKET: &str = "/ticket <case-id>  ·  /ticket close|escalate|reopen <case-id> [note…]";
pub const USAGE_LINK: &str = "/link <user> <account>  ·  /unlink <user>";

/// Every command, one per line, for `/help` and for unknown commands.
pub fn usage() -> String {
    [USAGE_REFUND, USAGE_APPROVE, USAGE_WALLET, USAGE_TICKET, USAGE_REPLY, USAGE_QUEUE, USAGE_LINK, "/help"].join("\n")
}

/// Why a command could not be read: what was wrong, and the usage line to follow.
/// `problem` and `usage_of` are the typed reason (told to a customer in their language,
/// `app::l10n::command_error`); `message` and `usage` are their English words, as staff
/// read them, made from the typed values when the error is made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}\nusage: {usage}")]
pub struct CommandError {
    pub message: String,
    pub usage: String,
    pub problem: CommandProblem,
    pub usage_of: UsageOf,
}

/// What was wrong with a command, with what the person typed (cut short) where it is shown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandProblem {
    #[error("an empty command")]
    Empty,
    #[error("unknown command /{0}")]
    Unknown(String),
    #[error("which case? give its number, like RF-000012")]
    WhichCase,
    #[error("which case? give its number, like RF-000012 (or RF-000012#2 for its second request)")]
    WhichRequest,
    #[error("`#{0}` is not a request number (the case's first request is #1)")]
    NotRequestNumber(String),
    #[error("{0}")]
    BadCase(BadCaseNumber),
    #[error("amount refused: {0}")]
    Amount(AmountError),
    #[error("reply needs a case and the text for the customer")]
    ReplyNeedsCaseAndText,
    #[error("link needs a user and an account")]
    LinkNeedsUserAndAccount,
    #[error("unlink needs the user")]
    UnlinkNeedsUser,
    #[error("refund what? give a charge id or a case number")]
    RefundWhat,
    #[error("an override needs the amount: /refund <charge-id|case-id> <amount> override <reason…>")]
    OverrideNeedsAmount,
    #[error("an override needs a reason")]
    OverrideNeedsReason,
    #[error("a goodwill credit needs a reason")]
    GoodwillNeedsReason,
    #[error("wallet credit needs an account, an amount and a reason")]
    WalletCreditNeedsArgs,
    #[error("`{0}` is not a number of credits (a whole number from 1 to {max})", max = crate::domain::billing::MAX_CREDITS_PER_PURCHASE)]
    NotCredits(String),
    #[error("wallet buy needs the number of credits")]
    WalletBuyNeedsCredits,
    #[error("too many words for /wallet")]
    WalletTooManyWords,
    #[error("to change a case say close, escalate or reopen")]
    TicketChangeWords,
}

/// Which usage line a refused command is answered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageOf {
    Refund,
    Approve,
    Reply,
    Wallet,
    Ticket,
    Link,
    /// Every command (an empty or unknown one).
    All,
}

impl UsageOf {
    pub const ALL: [UsageOf; 7] = [
        UsageOf::Refund,
        UsageOf::Approve,
        UsageOf::Reply,
        UsageOf::Wallet,
        UsageOf::Ticket,
        UsageOf::Link,
        UsageOf::All,
    ];

    /// The usage in English, as staff read it.
    pub fn words(self) -> String {
        match self {
            UsageOf::Refund => USAGE_REFUND.to_string(),
            UsageOf::Approve => USAGE_APPROVE.to_string(),
            UsageOf::Reply => USAGE_REPLY.to_string(),
            UsageOf::Wallet => USAGE_WALLET.to_string(),
            UsageOf::Ticket => USAGE_TICKET.to_string(),
            UsageOf::Link => USAGE_LINK.to_string(),
            UsageOf::All => usage(),
        }
    }
}

fn err(problem: CommandProblem, usage_of: UsageOf) -> CommandError {
    CommandError { message: problem.to_string(), usage: usage_of.words(), problem, usage_of }
}

/// How a redacted card number reads inside a command: one word.
pub const CARD_WORD: &str = "[card-number-removed]";

/// True for text that is a command (`/…` or `!…`) rather than chat.
pub fn is_command(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with('/') || t.starts_with('!')
}

fn case_arg(tok: Option<&str>, usage: UsageOf) -> Result<CaseNumber, CommandError> {
    let tok = tok.ok_or_else(|| err(CommandProblem::WhichCase, usage))?;
    tok.parse::<CaseNumber>().map_err(|e| err(CommandProblem::BadCase(e), usage))
}

/// `RF-000001` or `RF-000001#2`.
fn request_arg(tok: Option<&str>) -> Result<RequestRef, CommandError> {
    let u = UsageOf::Approve;
    let tok = tok.ok_or_else(|| err(CommandProblem::WhichRequest, u))?;
    match tok.split_once('#') {
        None => Ok(RequestRef { case: case_arg(Some(tok), u)?, nth: None }),
        Some((case, n)) => {
            let nth = n
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| err(CommandProblem::NotRequestNumber(n.chars().take(20).collect()), u))?;
            Ok(RequestRef { case: case_arg(Some(case), u)?, nth: Some(nth) })
        }
    }
}

fn amount_err(e: AmountError, usage: UsageOf) -> CommandError {
    err(CommandProblem::Amount(e), usage)
}

fn rest(tokens: &[&str]) -> String {
    tokens.join(" ")
}

/// Parses a command line. `Ok(None)` when the text is not a command at all.
pub fn parse(text: &str) -> Result<Option<Command>, CommandError> {
    if !is_command(text) {
        return Ok(None);
    }
    // A redacted card number is one word here, so that no answer ever shows half of
    // its marker ("`[card` is not a number").
    let body = text.trim_start()[1..]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(crate::nlu::redact::CARD_MARKER, CARD_WORD);
    let tokens: Vec<&str> = body.split_whitespace().collect();
    let Some((&name, args)) = tokens.split_first() else {
        return Err(err(CommandProblem::Empty, UsageOf::All));
    };
    let lower = name.to_lowercase();
    let cmd = match lower.as_str() {
        "refund" => parse_refund(args)?,
        "approve" => Command::Approve(request_arg(args.first().copied())?),
        "reject" => Command::Reject(request_arg(args.first().copied())?, rest(args.get(1..).unwrap_or(&[]))),
        "reply" => match args {
            [case, text @ ..] if !text.is_empty() => Command::Reply(case_arg(Some(*case), UsageOf::Reply)?, rest(text)),
            _ => return Err(err(CommandProblem::ReplyNeedsCaseAndText, UsageOf::Reply)),
        },
        "queue" => Command::Queue,
        "wallet" => parse_wallet(args)?,
        "ticket" => parse_ticket(args)?,
        "link" => match args {
            [user, account] if !user_arg(user).is_empty() => {
                Command::Link(UserId::new(user_arg(user)), AccountId::new(*account))
            }
            _ => return Err(err(CommandProblem::LinkNeedsUserAndAccount, UsageOf::Link)),
        },
        "unlink" => match args {
            [user] if !user_arg(user).is_empty() => Command::Unlink(UserId::new(user_arg(user))),
            _ => return Err(err(CommandProblem::UnlinkNeedsUser, UsageOf::Link)),
        },
        "help" => Command::Help,
        _ => {
            return Err(err(CommandProblem::Unknown(name.chars().take(30).collect()), UsageOf::All));
        }
    };
    Ok(Some(cmd))
}

/// A user as typed: `ana`, `@ana`, or a Discord mention `<@123…>` / `<@!123…>` (the
/// form slash commands are mapped to, so that the id is never mistaken for a card number).
fn user_arg(tok: &str) -> &str {
    if let Some(inner) = tok.strip_prefix("<@").and_then(|t| t.strip_suffix('>')) {
        let id = inner.strip_prefix('!').unwrap_or(inner);
        if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
            return id;
        }
    }
    tok.trim_start_matches('@')
}

fn parse_refund(args: &[&str]) -> Result<Command, CommandError> {
    let u = UsageOf::Refund;
    let Some((&first, mut more)) = args.split_first() else {
        return Err(err(CommandProblem::RefundWhat, u));
    };
    let target = match first.parse::<CaseNumber>() {
        Ok(c) => Target::Case(c),
        Err(_) if looks_like_case(first) => {
            return Err(err(CommandProblem::BadCase(BadCaseNumber(first.chars().take(40).collect())), u))
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
            return Err(err(CommandProblem::OverrideNeedsAmount, u));
        }
        more = &more[1..];
        if more.is_empty() {
            return Err(err(CommandProblem::OverrideNeedsReason, u));
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
    let u = UsageOf::Wallet;
    match args {
        [] => Ok(Command::Wallet(None)),
        [sub, rest_args @ ..] if sub.eq_ignore_ascii_case("credit") => match rest_args {
            [account, amount, reason @ ..] => {
                let (value, mut currency) = parse_money_token(amount).map_err(|e| amount_err(e, u))?;
                let mut reason = reason;
                // `5 EUR`: a currency code after the amount belongs to it, as in /refund.
                if currency.is_none() {
                    if let Some(c) =
                        reason.first().and_then(|t| (t.len() == 3).then(|| Currency::from_code(t)).flatten())
                    {
                        currency = Some(c);
                        reason = &reason[1..];
                    }
                }
                let amount = (value, currency);
                if reason.is_empty() {
                    return Err(err(CommandProblem::GoodwillNeedsReason, u));
                }
                Ok(Command::WalletCredit { account: AccountId::new(*account), amount, reason: rest(reason) })
            }
            _ => Err(err(CommandProblem::WalletCreditNeedsArgs, u)),
        },
        [sub, rest_args @ ..] if sub.eq_ignore_ascii_case("buy") => match rest_args {
            [n] => {
                let credits: u32 = ascii_digits(n)
                    .parse()
                    .ok()
                    .filter(|c| *c > 0 && *c <= crate::domain::billing::MAX_CREDITS_PER_PURCHASE)
                    .ok_or_else(|| err(CommandProblem::NotCredits(n.chars().take(30).collect()), u))?;
                Ok(Command::WalletBuy(credits))
            }
            _ => Err(err(CommandProblem::WalletBuyNeedsCredits, u)),
        },
        [account] => Ok(Command::Wallet(Some(AccountId::new(*account)))),
        _ => Err(err(CommandProblem::WalletTooManyWords, u)),
    }
}

fn parse_ticket(args: &[&str]) -> Result<Command, CommandError> {
    let u = UsageOf::Ticket;
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
                return Err(err(CommandProblem::TicketChangeWords, u));
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
            Command::Refund {
                target: Target::Charge(ChargeId::new("ch_2")),
                amount: None,
                is_override: false,
                reason: "duplicate charge".into()
            }
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
        let Command::Refund { amount, is_override, reason, .. } =
            ok("/refund ch_1 60 EUR override customer is a partner")
        else {
            panic!()
        };
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
        let rf3 = CaseNumber::new(3).unwrap();
        assert_eq!(ok("/approve RF-000003"), Command::Approve(RequestRef { case: rf3, nth: None }));
        assert_eq!(
            ok("/reject rf-3 not eligible"),
            Command::Reject(RequestRef { case: rf3, nth: None }, "not eligible".into())
        );
        assert_eq!(ok("/approve RF-000003#2"), Command::Approve(RequestRef { case: rf3, nth: Some(2) }));
        assert!(parse("/approve RF-000003#0").is_err());
        assert!(parse("/approve RF-000003#x").is_err());
        assert_eq!(ok("/reply RF-000003 we are on it"), Command::Reply(rf3, "we are on it".into()));
        assert!(parse("/reply RF-000003").is_err());
        assert_eq!(ok("/queue"), Command::Queue);
        // A redacted card number is never shown cut in half.
        let e = parse("/wallet buy [card number removed]").unwrap_err().to_string();
        assert!(e.contains("[card-number-removed]") && !e.contains("`[card`"), "{e}");
        // Whatever the spacing, the marker is one word (and parsing is idempotent).
        let Ok(Some(Command::Refund { reason, .. })) = parse("/refund ch_1 [card number   removed] x") else {
            panic!()
        };
        assert_eq!(reason, "[card-number-removed] x");
        assert_eq!(ok("/unlink zoe"), Command::Unlink(UserId::new("zoe")));
        // Found by the `command` fuzz target: a bare `@` is no user (it named the empty id).
        assert!(parse("/unlink @").is_err());
        assert!(parse("/unlink @@").is_err());
        assert!(parse("/link @ acct_1").is_err());
        assert!(parse("/unlink").is_err());
        assert_eq!(ok("/wallet"), Command::Wallet(None));
        assert_eq!(ok("/wallet acct-1"), Command::Wallet(Some(AccountId::new("acct-1"))));
        assert_eq!(ok("/wallet buy 10"), Command::WalletBuy(10));
        assert_eq!(ok("/ticket RF-000001"), Command::TicketShow(CaseNumber::FIRST));
        assert_eq!(
            ok("/ticket escalate RF-000001 customer waited"),
            Command::TicketAction(CaseAction::Escalate, CaseNumber::FIRST, "customer waited".into())
        );
        assert_eq!(ok("/link @ana acct-1"), Command::Link(UserId::new("ana"), AccountId::new("acct-1")));
        for mention in ["<@175928847299117062>", "<@!175928847299117062>", "175928847299117062"] {
            assert_eq!(
                ok(&format!("/link {mention} acct-1")),
                Command::Link(UserId::new("175928847299117062"), AccountId::new("acct-1")),
                "{mention}"
            );
        }
        assert_eq!(ok("/HELP"), Command::Help);
        assert_eq!(parse("hello there").unwrap(), None);
    }

    #[test]
    fn unicode_digits_in_amounts_are_digits_never_a_full_refund() {
        // paydesk issue 7, defect 8: `١٢` was read as a reason and the whole charge requested.
        for (tok, want) in [
            ("١٢", "12"),
            ("１２", "12"),
            ("१२", "12"),
            ("۱۲.۵۰", "12.50"),
            ("١٢٫٥٠", "12.50"),
            ("１２．５０", "12.50"),
            ("€١٢", "12"),
        ] {
            let Command::Refund { amount, reason, .. } = ok(&format!("/refund ch_1 {tok} duplicate")) else {
                panic!("{tok}")
            };
            let want: Decimal = want.parse().unwrap();
            assert_eq!(amount.map(|a| a.0), Some(want), "{tok}");
            assert_eq!(reason, "duplicate", "{tok}");
        }
        let Command::Refund { amount, .. } = ok("/refund ch_1 ١٢ EUR") else { panic!() };
        assert_eq!(amount, Some((Decimal::from(12), Currency::from_code("EUR"))));
        // An amount-like token that does not parse is refused with the reason: nothing is requested.
        for bad in ["١٢x", "１２,５０", "٣e5", "१२.३४५६७८९", "$١-"] {
            let e = parse(&format!("/refund ch_1 {bad} reason")).unwrap_err();
            assert!(e.message.starts_with("amount refused"), "{bad}: {e}");
        }
        assert_eq!(ok("/wallet buy ١٠"), Command::WalletBuy(10));
        let Command::WalletCredit { amount, .. } = ok("/wallet credit acct-1 ５ sorry") else { panic!() };
        assert_eq!(amount.0, Decimal::from(5));
    }

    #[test]
    fn never_panics_on_odd_text() {
        for s in [
            "/ü",
            "/refund ü ü ü",
            "/wallet credit ü €€ x",
            "/refund ch ¥",
            "/refund ch 1€",
            "!!!",
            "/refund rfé",
            "/refund x 5ü",
            "/refund x ü5",
        ] {
            let _ = parse(s);
        }
    }
}
