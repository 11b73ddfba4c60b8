//! Refusals as a customer reads them: a mistyped command and its usage, a denied command,
//! an amount or case number that does not read, a currency without money settings, a
//! payment the provider did not take, a write the store refused. Each typed refusal maps
//! to a message id with its arguments; the English rendering of each is its `Display`,
//! word for word (the tests check it), which staff and the audit trail read.
//!
//! Words that come from outside paydesk (a provider's reason, the store's refusal, what the
//! person typed) are passed in as they are; the Spanish texts say whose words they are and
//! quote them.

use super::Msg;
use crate::app::command::{CommandError, CommandProblem, UsageOf};
use crate::app::ports::PaymentFailure;
use crate::domain::ids::BadCaseNumber;
use crate::domain::money::{AmountError, MAX_AMOUNT};
use crate::domain::permissions::{who_may, Act, Denial, Who};
use crate::domain::policy::UnconfiguredCurrency;

/// A command that could not be read: what was wrong, then the usage line to follow.
pub fn command_error(e: &CommandError) -> Msg {
    let usage = Msg::new("usage-line").with("usage", usage(e.usage_of));
    Msg::joined(vec![command_problem(&e.problem), usage], "\n")
}

fn command_problem(p: &CommandProblem) -> Msg {
    use CommandProblem as P;
    match p {
        P::Empty => Msg::new("command-empty"),
        P::Unknown(name) => Msg::new("command-unknown").with("name", name.as_str()),
        P::WhichCase => Msg::new("command-which-case"),
        P::WhichRequest => Msg::new("command-which-request"),
        P::NotRequestNumber(given) => Msg::new("command-not-request-number").with("given", given.as_str()),
        P::BadCase(bad) => bad_case_number(bad),
        P::Amount(why) => Msg::new("command-amount-refused").with("why", amount_error(why)),
        P::ReplyNeedsCaseAndText => Msg::new("command-reply-needs"),
        P::LinkNeedsUserAndAccount => Msg::new("command-link-needs"),
        P::UnlinkNeedsUser => Msg::new("command-unlink-needs"),
        P::RefundWhat => Msg::new("command-refund-what"),
        P::OverrideNeedsAmount => Msg::new("command-override-needs-amount"),
        P::OverrideNeedsReason => Msg::new("command-override-needs-reason"),
        P::GoodwillNeedsReason => Msg::new("command-goodwill-needs-reason"),
        P::WalletCreditNeedsArgs => Msg::new("command-wallet-credit-needs"),
        P::NotCredits(given) => Msg::new("command-not-credits")
            .with("given", given.as_str())
            .with("max", crate::domain::billing::MAX_CREDITS_PER_PURCHASE.to_string()),
        P::WalletBuyNeedsCredits => Msg::new("command-wallet-buy-needs"),
        P::WalletTooManyWords => Msg::new("command-wallet-too-many-words"),
        P::TicketChangeWords => Msg::new("command-ticket-change-words"),
    }
}

/// The usage of a command (the English rendering is [`UsageOf::words`]).
pub fn usage(u: UsageOf) -> Msg {
    match u {
        UsageOf::Refund => Msg::new("usage-refund"),
        UsageOf::Approve => Msg::new("usage-approve"),
        UsageOf::Reply => Msg::new("usage-reply"),
        UsageOf::Wallet => Msg::new("usage-wallet"),
        UsageOf::Ticket => Msg::new("usage-ticket"),
        UsageOf::Link => Msg::new("usage-link"),
        UsageOf::All => Msg::joined(
            vec![
                usage(UsageOf::Refund),
                usage(UsageOf::Approve),
                usage(UsageOf::Wallet),
                usage(UsageOf::Ticket),
                usage(UsageOf::Reply),
                Msg::verbatim(crate::app::command::USAGE_QUEUE),
                usage(UsageOf::Link),
                Msg::verbatim("/help"),
            ],
            "\n",
        ),
    }
}

pub fn bad_case_number(bad: &BadCaseNumber) -> Msg {
    Msg::new("bad-case-number").with("given", bad.0.as_str())
}

/// An amount typed by a person that paydesk does not accept.
pub fn amount_error(e: &AmountError) -> Msg {
    match e {
        AmountError::Empty => Msg::new("amount-empty"),
        AmountError::Malformed(given) => Msg::new("amount-malformed").with("given", given.as_str()),
        AmountError::Negative(given) => Msg::new("amount-negative").with("given", given.as_str()),
        AmountError::Exponent(given) => Msg::new("amount-exponent").with("given", given.as_str()),
        AmountError::TooManyDecimals(given, at_most) => {
            Msg::new("amount-too-many-decimals").with("given", given.as_str()).with("decimals", at_most.to_string())
        }
        AmountError::TooLarge(given) => {
            Msg::new("amount-too-large").with("given", given.as_str()).with("max", MAX_AMOUNT.to_string())
        }
        AmountError::Zero => Msg::new("amount-zero"),
        AmountError::Currency(unknown) => Msg::new("amount-unknown-currency").with("given", unknown.0.as_str()),
    }
}

/// Why the permission table denied an action.
pub fn denial(d: Denial) -> Msg {
    match d {
        Denial::Role(a) => Msg::new("denied-role").with("act", act(a)).with("who", who(who_may(a))),
        Denial::ConflictOfInterest(a) => Msg::new("denied-conflict-of-interest").with("act", act(a)),
        Denial::OwnAccountOnly(a) => Msg::new("denied-own-account-only").with("act", act(a)),
    }
}

fn act(a: Act) -> Msg {
    Msg::new(match a {
        Act::RequestRefund => "act-request_refund",
        Act::OverridePolicy => "act-override_policy",
        Act::ApproveRefund => "act-approve_refund",
        Act::RejectRefund => "act-reject_refund",
        Act::ViewWallet => "act-view_wallet",
        Act::CreditGoodwill => "act-credit_goodwill",
        Act::BuyCredits => "act-buy_credits",
        Act::ViewCase => "act-view_case",
        Act::ChangeCase => "act-change_case",
        Act::LinkUser => "act-link_user",
        Act::ReplyToCustomer => "act-reply_to_customer",
        Act::SeeQueue => "act-see_queue",
        Act::Help => "act-help",
    })
}

fn who(w: Who) -> Msg {
    Msg::new(match w {
        Who::Everyone => "who-everyone",
        Who::CustomersOnTheirOwnAccount => "who-customers-own-account",
        Who::AgentsAndLeads => "who-agents-and-leads",
        Who::Leads => "who-leads",
        Who::Agents => "who-agents",
        Who::Nobody => "who-nobody",
    })
}

/// A currency with no money settings although others have them.
pub fn unconfigured_currency(u: &UnconfiguredCurrency) -> Msg {
    Msg::new("unconfigured-currency").with("currency", u.0.to_string())
}

/// Why a payment for credits was not taken: the kinds paydesk knows in the customer's
/// language, the provider's own words quoted as theirs.
pub fn payment_failure(f: &PaymentFailure) -> Msg {
    use PaymentFailure as F;
    match f {
        F::CardDeclined => Msg::new("failure-card-declined"),
        F::InsufficientFunds => Msg::new("failure-insufficient-funds"),
        F::CardDeclinedBecause(words) => Msg::new("failure-card-declined-because").with("words", words.as_str()),
        F::ExpiredCard => Msg::new("failure-expired-card"),
        F::AuthenticationRequired => Msg::new("failure-authentication-required"),
        F::Cancelled => Msg::new("failure-cancelled"),
        F::ReportedFailed(provider) => Msg::new("failure-reported-failed").with("provider", provider.as_str()),
        F::ReportedDeclined(provider) => Msg::new("failure-reported-declined").with("provider", provider.as_str()),
        F::ProviderSays(words) => Msg::new("failure-provider-says").with("words", words.as_str()),
        F::PageRefused(words) => Msg::new("failure-page-refused").with("words", words.as_str()),
        F::PageNotMadeInTime(provider) => Msg::new("failure-page-not-made-in-time").with("provider", provider.as_str()),
        F::CaptureRefused(words) => Msg::new("failure-capture-refused").with("words", words.as_str()),
        F::NoSavedMethod => Msg::new("failure-no-saved-method"),
        F::NoAnswer { provider, error } => {
            Msg::new("failure-no-answer").with("provider", provider.as_str()).with("error", error.as_str())
        }
        F::NotConfirmedInTime(provider) => {
            Msg::new("failure-not-confirmed-in-time").with("provider", provider.as_str())
        }
    }
}

/// "Nothing was changed: …" after the store refused a write. The store gives its reason
/// in English words only (`StoreError::Refused`), so they are quoted as they are.
pub fn store_refused(why: &str) -> Msg {
    Msg::new("nothing-changed").with("why", why)
}
