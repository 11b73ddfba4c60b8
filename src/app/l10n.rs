//! What customers read, in their language: Fluent message files (`locales/<lang>/paydesk.ftl`)
//! compiled into the binary and loaded once, and [`Msg`], a message id with its arguments
//! that is rendered in the customer's language where it is said.
//!
//! - English is the reference: every id exists there. A language with a message file gets
//!   its texts; an id missing from it falls back to English (the tests list the ids each
//!   file lacks). A language without a file gets English (the engine says so once).
//! - Arguments are text formatted by paydesk (amounts with their currency, case numbers,
//!   dates in UTC); counts are numbers so that a message can choose a plural form.
//! - Bundles do not isolate placeables: `fluent-bundle` wraps each one in FSI/PDI marks by
//!   default ("The placeholder is wrapped in Unicode Directionality Marks",
//!   <https://docs.rs/fluent-bundle/latest/fluent_bundle/bundle/struct.FluentBundle.html>,
//!   and `set_use_isolating`), which chat clients would show as stray characters and which
//!   would change every English text paydesk sent before it had message files.

use crate::domain::billing::{Charge, PaymentMethod};
use crate::domain::intent::Intent;
use crate::domain::policy::{Decision, Eligibility, Refusal, Rule};
use crate::domain::tickets::CaseStatus;
use crate::nlu::Lang;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::OnceLock;

/// The message files, by language (English first: the reference).
const FILES: [(Lang, &str); 2] = [
    (Lang::En, include_str!("../../locales/en/paydesk.ftl")),
    (Lang::Es, include_str!("../../locales/es/paydesk.ftl")),
];

type Bundle = FluentBundle<FluentResource>;

/// One bundle per message file, built on first use.
struct Texts {
    bundles: Vec<(Lang, Bundle)>,
}

fn texts() -> &'static Texts {
    static TEXTS: OnceLock<Texts> = OnceLock::new();
    TEXTS.get_or_init(|| Texts { bundles: FILES.iter().map(|(lang, ftl)| (*lang, bundle(*lang, ftl))).collect() })
}

/// A bundle of one message file. A syntax error in a file (the tests keep them out) leaves
/// the entries that did parse, and is logged rather than stopping the bot.
fn bundle(lang: Lang, ftl: &str) -> Bundle {
    // `LanguageIdentifier::from_str` on an ISO 639-1 code; `und` if it were not one.
    let id: unic_langid::LanguageIdentifier = lang.code().parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![id]);
    b.set_use_isolating(false);
    let resource = match FluentResource::try_new(ftl.to_string()) {
        Ok(r) => r,
        Err((r, errors)) => {
            tracing::error!(
                lang = lang.code(),
                errors = errors.len(),
                "message file has syntax errors; the entries that parsed are used"
            );
            r
        }
    };
    if let Err(errors) = b.add_resource(resource) {
        tracing::error!(
            lang = lang.code(),
            errors = errors.len(),
            "message file repeats ids; the first of each is used"
        );
    }
    b
}

/// How sure the language of a message must be to answer in it. Measured on the labelled
/// held-out messages (`tests/data/nlu_heldout3.jsonl`, 424 in nine languages): at 0.6, 418
/// are read with this confidence, none in a wrong language, and 43 of the 46 Spanish ones
/// are (at 0.9: 389, 35 of 46). `tests/languages.rs` keeps that.
pub const ANSWER_LANGUAGE_AT_LEAST: f32 = 0.6;

/// The language to answer a message in, when its detection is sure enough and the message
/// has words enough to tell (at least four letters: "ok" or "1" says nothing about the
/// language); `None`: keep the language the customer had.
pub fn detected_language(text: &str, c: &crate::nlu::Classification) -> Option<Lang> {
    (c.lang_confidence >= ANSWER_LANGUAGE_AT_LEAST && text.chars().filter(|ch| ch.is_alphabetic()).count() >= 4)
        .then_some(c.lang)
}

/// Whether paydesk has a message file for `lang` (otherwise it answers in English).
pub fn has_texts(lang: Lang) -> bool {
    FILES.iter().any(|(l, _)| *l == lang)
}

/// An argument of a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// Text formatted by paydesk (an amount with its currency, a case number, a date).
    Text(String),
    /// A count, for plural forms.
    Count(u64),
    /// Another message, rendered in the same language first.
    Msg(Box<Msg>),
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}

impl From<Msg> for Arg {
    fn from(m: Msg) -> Arg {
        Arg::Msg(Box::new(m))
    }
}

/// Something to tell a customer: a message id with its arguments, or several such parts
/// joined by a separator (lines of a list, sentences one after the other).
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    One {
        id: &'static str,
        args: Vec<(&'static str, Arg)>,
    },
    Joined {
        parts: Vec<Msg>,
        separator: &'static str,
    },
    /// Text that reads the same in every language (an amount with its currency).
    Verbatim(String),
}

impl Msg {
    pub fn new(id: &'static str) -> Msg {
        Msg::One { id, args: Vec::new() }
    }

    /// Adds an argument (only a message with an id has arguments: on others it is ignored).
    pub fn with(mut self, name: &'static str, value: impl Into<Arg>) -> Msg {
        if let Msg::One { args, .. } = &mut self {
            args.push((name, value.into()));
        }
        self
    }

    /// Adds a count, for plural forms.
    pub fn count(self, name: &'static str, n: u64) -> Msg {
        self.with(name, Arg::Count(n))
    }

    pub fn verbatim(text: impl Into<String>) -> Msg {
        Msg::Verbatim(text.into())
    }

    pub fn joined(parts: Vec<Msg>, separator: &'static str) -> Msg {
        Msg::Joined { parts, separator }
    }

    /// The text in `lang`: its message file where it has the id, English otherwise.
    pub fn render(&self, lang: Lang) -> String {
        self.render_from(&texts().bundles, lang)
    }

    fn render_from(&self, bundles: &[(Lang, Bundle)], lang: Lang) -> String {
        match self {
            Msg::One { id, args } => format_message(bundles, lang, id, args),
            Msg::Joined { parts, separator } => {
                parts.iter().map(|p| p.render_from(bundles, lang)).collect::<Vec<_>>().join(separator)
            }
            Msg::Verbatim(text) => text.clone(),
        }
    }

    /// The text in English (audit details, staff-facing copies).
    pub fn english(&self) -> String {
        self.render(Lang::En)
    }
}

fn format_message(bundles: &[(Lang, Bundle)], lang: Lang, id: &str, args: &[(&'static str, Arg)]) -> String {
    let find = |l: Lang| bundles.iter().find(|(bl, b)| *bl == l && b.has_message(id)).map(|(_, b)| b);
    let Some(bundle) = find(lang).or_else(|| find(Lang::En)) else {
        // Unreachable while the tests hold (every id the code uses is in the English file);
        // the id itself is still better than nothing.
        tracing::error!(id, "no message with this id");
        return id.to_string();
    };
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        let v = match value {
            Arg::Text(s) => FluentValue::from(s.clone()),
            Arg::Count(n) => FluentValue::from(*n),
            Arg::Msg(m) => FluentValue::from(m.render_from(bundles, lang)),
        };
        fluent_args.set(*name, v);
    }
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else { return id.to_string() };
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    if !errors.is_empty() {
        tracing::warn!(id, lang = lang.code(), errors = ?errors, "message formatted with errors");
    }
    text.into_owned()
}

/// The one line told (in English) to a customer writing in a language without texts.
pub fn fallback_note(lang: Lang) -> Msg {
    Msg::new("fallback-note").with("language", Msg::new(language_id(lang)))
}

fn language_id(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "language-en",
        Lang::Es => "language-es",
        Lang::Pt => "language-pt",
        Lang::Fr => "language-fr",
        Lang::De => "language-de",
        Lang::It => "language-it",
        Lang::Nl => "language-nl",
        Lang::Zh => "language-zh",
        Lang::Ja => "language-ja",
    }
}

/// "open and being looked at", as "Your case … is now …".
pub fn status(s: CaseStatus) -> Msg {
    Msg::new(match s {
        CaseStatus::Open => "status-open",
        CaseStatus::AwaitingInfo => "status-awaiting_info",
        CaseStatus::AwaitingApproval => "status-awaiting_approval",
        CaseStatus::Resolved => "status-resolved",
        CaseStatus::Rejected => "status-rejected",
        CaseStatus::Escalated => "status-escalated",
        CaseStatus::Closed => "status-closed",
    })
}

/// "duplicate charge": what a case is about.
pub fn topic(i: Intent) -> Msg {
    Msg::new(match i {
        Intent::RefundRequest => "topic-refund_request",
        Intent::WalletNotApplied => "topic-wallet_not_applied",
        Intent::DuplicateCharge => "topic-duplicate_charge",
        Intent::WrongAmount => "topic-wrong_amount",
        Intent::PaymentFailed => "topic-payment_failed",
        Intent::PaymentPending => "topic-payment_pending",
        Intent::RefundStatus => "topic-refund_status",
        Intent::WalletBalance => "topic-wallet_balance",
        Intent::BuyCredits => "topic-buy_credits",
        Intent::AutoRecharge => "topic-auto_recharge",
        Intent::TransferCredits => "topic-transfer_credits",
        Intent::Dispute => "topic-dispute",
        Intent::CancelSubscription => "topic-cancel_subscription",
        Intent::Escalate => "topic-escalate",
        Intent::TicketStatus => "topic-ticket_status",
        Intent::UpdatePaymentMethod => "topic-update_payment_method",
        Intent::Other => "topic-other",
    })
}

/// What a reading means, as the question back offers it.
pub fn reading(i: Intent) -> Msg {
    Msg::new(match i {
        Intent::RefundRequest => "reading-refund_request",
        Intent::WalletNotApplied => "reading-wallet_not_applied",
        Intent::DuplicateCharge => "reading-duplicate_charge",
        Intent::WrongAmount => "reading-wrong_amount",
        Intent::PaymentFailed => "reading-payment_failed",
        Intent::PaymentPending => "reading-payment_pending",
        Intent::RefundStatus => "reading-refund_status",
        Intent::WalletBalance => "reading-wallet_balance",
        Intent::BuyCredits => "reading-buy_credits",
        Intent::AutoRecharge => "reading-auto_recharge",
        Intent::TransferCredits => "reading-transfer_credits",
        Intent::Dispute => "reading-dispute",
        Intent::CancelSubscription => "reading-cancel_subscription",
        Intent::Escalate => "reading-escalate",
        Intent::TicketStatus => "reading-ticket_status",
        Intent::UpdatePaymentMethod => "reading-update_payment_method",
        Intent::Other => "reading-other",
    })
}

/// A charge as a customer reads it (the English rendering is [`Charge::summary`], word for
/// word): never more than the last four card digits.
pub fn charge_summary(c: &Charge) -> Msg {
    let mut parts = vec![Msg::new("charge-summary")
        .with("id", c.id.to_string())
        .with("amount", format!("{} {}", c.currency.format(c.amount), c.currency))
        .with("date", c.at.format("%Y-%m-%d").to_string())];
    if !c.description.is_empty() {
        parts.push(Msg::new("charge-description").with("description", c.description.as_str()));
    }
    match (&c.card_last4, c.method) {
        (Some(l4), _) => parts.push(Msg::new("charge-card").with("last4", l4.as_str())),
        (None, PaymentMethod::Card) => {}
        (None, m) => parts.push(Msg::new("charge-paid-by").with("method", m.as_str())),
    }
    Msg::joined(parts, ", ")
}

/// The policy's answer as a customer reads it (the English rendering is
/// [`Eligibility::explain`], word for word).
pub fn eligibility(e: &Eligibility) -> Msg {
    let c = e.currency;
    let money = |d: rust_decimal::Decimal| format!("{} {c}", c.format(d));
    let rule = Msg::new("rule").with("number", e.rule.number().to_string()).with("name", e.rule.as_str());
    match &e.decision {
        Decision::Eligible { amount } => {
            let why = match e.rule {
                Rule::RefundWindow => "eligible-in-window",
                Rule::SubscriptionProration => "eligible-months-left",
                Rule::WalletNotApplied => "eligible-wallet-not-applied",
                Rule::DuplicateCharge => "eligible-duplicate",
                Rule::NotRefundable | Rule::Cap | Rule::Disputed | Rule::AgeLimit | Rule::Currency => {
                    "eligible-allowed"
                }
            };
            Msg::new("eligible").with("amount", money(*amount)).with("rule", rule).with("why", Msg::new(why))
        }
        Decision::Refused(r) => {
            let why = match r {
                Refusal::WrongCurrency { asked } => {
                    Msg::new("refusal-wrong-currency").with("currency", c.to_string()).with("asked", asked.to_string())
                }
                Refusal::Disputed => Msg::new("refusal-disputed"),
                Refusal::TooOld { age_days, limit_days } => {
                    Msg::new("refusal-too-old").with("age", age_days.to_string()).with("limit", limit_days.to_string())
                }
                Refusal::CreditsNotRefundable => Msg::new("refusal-credits"),
                Refusal::ProductOutsideWindow { window_days } => {
                    Msg::new("refusal-outside-window").with("days", window_days.to_string())
                }
                Refusal::NoMonthsLeft => Msg::new("refusal-no-months-left"),
                Refusal::NothingLeft => Msg::new("refusal-nothing-left"),
                Refusal::AboveWhatIsLeft { asked } => {
                    Msg::new("refusal-above-left").with("asked", money(*asked)).with("left", money(e.left))
                }
                Refusal::FinerThanMinorUnit { asked } => Msg::new("refusal-finer-than-unit")
                    .with("asked", asked.to_string())
                    .with("currency", c.to_string())
                    .with("decimals", c.minor_digits().to_string()),
            };
            Msg::new("not-refundable").with("rule", rule).with("why", why)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;
    use rust_decimal::Decimal;
    use std::collections::BTreeSet;

    /// The message ids of a message file (`id = …` at the start of a line).
    fn ids(ftl: &str) -> BTreeSet<String> {
        ftl.lines()
            .filter_map(|l| l.split_once(" ="))
            .map(|(id, _)| id)
            .filter(|id| {
                id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                    && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            })
            .map(str::to_string)
            .collect()
    }

    fn file(lang: Lang) -> &'static str {
        FILES.iter().find(|(l, _)| *l == lang).map(|(_, f)| *f).unwrap()
    }

    /// Every `$name` a message file uses, with a sample value: counts for plural forms.
    fn sample_args(ftl: &str) -> Vec<(&'static str, Arg)> {
        let mut names: BTreeSet<String> = BTreeSet::new();
        for part in ftl.split('$').skip(1) {
            let name: String = part.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            names.insert(name);
        }
        names
            .into_iter()
            .map(|n| {
                let name: &'static str = Box::leak(n.into_boxed_str());
                let value = if name == "credits" { Arg::Count(2) } else { Arg::Text(format!("<{name}>")) };
                (name, value)
            })
            .collect()
    }

    #[test]
    fn every_english_id_exists_in_every_other_language() {
        let en = ids(file(Lang::En));
        assert!(en.len() > 100, "{} ids: the id scan is broken", en.len());
        for (lang, ftl) in FILES {
            let theirs = ids(ftl);
            let missing: Vec<&String> = en.difference(&theirs).collect();
            assert!(missing.is_empty(), "locales/{}/paydesk.ftl lacks {missing:?}", lang.code());
            let extra: Vec<String> = ids(ftl).difference(&en).cloned().collect();
            assert!(extra.is_empty(), "locales/{}/paydesk.ftl has ids English does not: {extra:?}", lang.code());
        }
    }

    #[test]
    fn every_message_file_parses_and_every_id_formats_without_errors() {
        for (lang, ftl) in FILES {
            assert!(
                FluentResource::try_new(ftl.to_string()).is_ok(),
                "locales/{}/paydesk.ftl has syntax errors",
                lang.code()
            );
            let b = bundle(lang, ftl);
            let mut args = FluentArgs::new();
            for (name, value) in sample_args(ftl) {
                match value {
                    Arg::Count(n) => args.set(name, FluentValue::from(n)),
                    Arg::Text(s) => args.set(name, FluentValue::from(s)),
                    Arg::Msg(_) => unreachable!(),
                }
            }
            for id in ids(ftl) {
                let pattern = b
                    .get_message(&id)
                    .and_then(|m| m.value())
                    .unwrap_or_else(|| panic!("{}: {id} has no value", lang.code()));
                let mut errors = Vec::new();
                let text = b.format_pattern(pattern, Some(&args), &mut errors);
                assert!(errors.is_empty(), "{}: {id}: {errors:?}", lang.code());
                assert!(!text.trim().is_empty() && !text.contains('{'), "{}: {id} formats as {text:?}", lang.code());
                assert!(
                    !text.contains('\u{2068}') && !text.contains('\u{2069}'),
                    "{}: {id} has isolation marks",
                    lang.code()
                );
            }
        }
    }

    /// Every id the code names (`Msg::new("…")` and the ids in this module's tables) is in the
    /// English file, so no customer ever reads a bare id.
    #[test]
    fn every_id_the_code_uses_is_in_the_english_file() {
        let en = ids(file(Lang::En));
        // The engine names ids in `Msg::new("…")`; this module also in its tables (`X => "…"`).
        let sources = [
            (include_str!("l10n.rs"), true),
            (include_str!("engine/customer/mod.rs"), false),
            (include_str!("engine/customer/answers.rs"), false),
            (include_str!("engine/customer/cases.rs"), false),
            (include_str!("engine/customer/which_charge.rs"), false),
            (include_str!("engine/work.rs"), false),
            (include_str!("engine/approvals/mod.rs"), false),
            (include_str!("engine/approvals/quorum.rs"), false),
            (include_str!("engine/approvals/credits.rs"), false),
            (include_str!("engine/approvals/goodwill.rs"), false),
            (include_str!("engine/runner/mod.rs"), false),
            (include_str!("engine/runner/outcome.rs"), false),
            (include_str!("engine/staff/mod.rs"), false),
            (include_str!("engine/staff/accounts.rs"), false),
            (include_str!("engine/staff/cases.rs"), false),
            (include_str!("engine/staff/refund_request.rs"), false),
            (include_str!("engine/provider.rs"), false),
            (include_str!("engine/purchase/mod.rs"), false),
            (include_str!("engine/purchase/start.rs"), false),
            (include_str!("engine/purchase/settle.rs"), false),
            (include_str!("engine/purchase/timers.rs"), false),
            (include_str!("engine/wallet.rs"), false),
        ];
        let mut used = BTreeSet::new();
        for (file, tables) in sources {
            // Production code only (this module's tests name an id that does not exist).
            let src = file.split("#[cfg(test)]").next().unwrap_or(file);
            for (i, _) in src.match_indices('"') {
                let rest = &src[i + 1..];
                let Some(end) = rest.find('"') else { continue };
                let lit = &rest[..end];
                let before = &src[..i];
                let is_id = lit.contains('-')
                    && lit.chars().all(|c| c.is_ascii_lowercase() || c == '-' || c == '_')
                    && (before.ends_with("Msg::new(") || tables && before.ends_with("=> "));
                if is_id {
                    used.insert(lit.to_string());
                }
            }
        }
        assert!(used.len() > 60, "{} ids found: the scan is broken", used.len());
        let missing: Vec<&String> = used.difference(&en).collect();
        assert!(missing.is_empty(), "ids used in code but not in locales/en/paydesk.ftl: {missing:?}");
    }

    #[test]
    fn english_texts_are_the_ones_paydesk_always_sent() {
        for s in CaseStatus::ALL {
            assert_eq!(status(s).english(), s.describe());
        }
        for i in Intent::ALL {
            // What the engine said before message files: the intent's name with spaces.
            assert_eq!(topic(i).english(), i.as_str().replace('_', " "));
        }
        let money = |s: &str| Decimal::from_str_exact(s).unwrap();
        for (card, method, description) in [
            (Some("4242"), PaymentMethod::Card, "API pack"),
            (None, PaymentMethod::Card, ""),
            (None, PaymentMethod::Wallet, "x"),
        ] {
            let charge = Charge {
                id: crate::domain::ids::ChargeId::new("ch_1"),
                account: crate::domain::ids::AccountId::new("a"),
                amount: money("49.5"),
                currency: Currency::USD,
                at: "2026-05-02T09:00:00Z".parse().unwrap(),
                method,
                card_last4: card.map(str::to_string),
                kind: crate::domain::billing::ChargeKind::Product,
                description: description.into(),
                fee: Decimal::ZERO,
                wallet_selected: false,
                disputed: false,
                provider: "sandbox".into(),
            };
            assert_eq!(charge_summary(&charge).english(), charge.summary());
        }
        let cases = [
            (Rule::RefundWindow, Decision::Eligible { amount: money("47.53") }),
            (Rule::SubscriptionProration, Decision::Eligible { amount: money("100") }),
            (Rule::WalletNotApplied, Decision::Eligible { amount: money("49") }),
            (Rule::DuplicateCharge, Decision::Eligible { amount: money("49") }),
            (Rule::Cap, Decision::Eligible { amount: money("1") }),
            (Rule::Currency, Decision::Refused(Refusal::WrongCurrency { asked: Currency::from_code("EUR").unwrap() })),
            (Rule::Disputed, Decision::Refused(Refusal::Disputed)),
            (Rule::AgeLimit, Decision::Refused(Refusal::TooOld { age_days: 200, limit_days: 180 })),
            (Rule::NotRefundable, Decision::Refused(Refusal::CreditsNotRefundable)),
            (Rule::RefundWindow, Decision::Refused(Refusal::ProductOutsideWindow { window_days: 14 })),
            (Rule::SubscriptionProration, Decision::Refused(Refusal::NoMonthsLeft)),
            (Rule::Cap, Decision::Refused(Refusal::NothingLeft)),
            (Rule::Cap, Decision::Refused(Refusal::AboveWhatIsLeft { asked: money("30") })),
            (Rule::Currency, Decision::Refused(Refusal::FinerThanMinorUnit { asked: money("1.005") })),
        ];
        for (rule, decision) in cases {
            let e = Eligibility { rule, currency: Currency::USD, left: money("12.5"), decision };
            assert_eq!(eligibility(&e).english(), e.explain());
            assert_ne!(eligibility(&e).render(Lang::Es), e.explain(), "no Spanish for {e:?}");
        }
    }

    #[test]
    fn spanish_has_its_own_texts_and_other_languages_get_english() {
        let m = Msg::new("case-status").with("case", "RF-000001").with("status", status(CaseStatus::Open));
        assert_eq!(m.english(), "Your case RF-000001 is now open and being looked at.");
        assert_eq!(m.render(Lang::Es), "Tu caso RF-000001 ahora está abierto y en revisión.");
        assert_eq!(m.render(Lang::Fr), m.english());
        assert!(has_texts(Lang::En) && has_texts(Lang::Es) && !has_texts(Lang::Fr) && !has_texts(Lang::De));
        assert_eq!(
            fallback_note(Lang::Fr).render(Lang::Fr),
            "(We can't answer in French yet, so here it is in English.)"
        );
    }

    #[test]
    fn counts_choose_the_plural_form() {
        let bought = |n: u64| {
            Msg::new("credits-bought")
                .count("credits", n)
                .with("value", "1.00 USD")
                .with("total", "1.25 USD")
                .with("cost", "1.00 USD")
                .with("fee", "0.25 USD")
                .with("charge", "ch_9")
                .with("balance", "1.00 USD")
        };
        assert!(bought(1).english().starts_with("Bought 1 credit: 1.00 USD added"), "{}", bought(1).english());
        assert!(bought(12).english().starts_with("Bought 12 credits: "), "{}", bought(12).english());
        assert!(bought(1).render(Lang::Es).starts_with("Has comprado 1 crédito: "), "{}", bought(1).render(Lang::Es));
        assert!(bought(3).render(Lang::Es).starts_with("Has comprado 3 créditos: "), "{}", bought(3).render(Lang::Es));
    }

    #[test]
    fn wallet_notices_read_as_before_in_english_and_count_in_spanish() {
        let refused = |n: u64| {
            Msg::new("usage-refused").count("conversations", n).with("account", "acct-1").with("balance", "0.40 USD")
        };
        assert_eq!(
            refused(3).english(),
            "3 conversation(s) were not charged: the wallet of acct-1 holds 0.40 USD, and it may not go below zero. Buy credits with /wallet buy <credits>."
        );
        assert!(
            refused(1).render(Lang::Es).starts_with("1 conversación no se cobró: el monedero de acct-1 tiene 0.40 USD"),
            "{}",
            refused(1).render(Lang::Es)
        );
        assert!(
            refused(3).render(Lang::Es).starts_with("3 conversaciones no se cobraron: "),
            "{}",
            refused(3).render(Lang::Es)
        );
    }

    #[test]
    fn an_id_missing_in_spanish_falls_back_to_english() {
        let bundles =
            [(Lang::En, bundle(Lang::En, file(Lang::En))), (Lang::Es, bundle(Lang::Es, "thanks = ¡De nada!\n"))];
        assert_eq!(Msg::new("thanks").render_from(&bundles, Lang::Es), "¡De nada!");
        let greeting = Msg::new("greeting").render_from(&bundles, Lang::Es);
        assert!(greeting.starts_with("I'm the payment-support bot."), "{greeting}");
        // Nested messages fall back one by one.
        let status = Msg::new("case-status").with("case", "RF-000002").with("status", status(CaseStatus::Closed));
        assert_eq!(status.render_from(&bundles, Lang::Es), "Your case RF-000002 is now closed.");
        // An id no file has renders as itself (the code-id test keeps that from happening).
        assert_eq!(Msg::new("no-such-id").render(Lang::Es), "no-such-id");
        assert_eq!(
            Msg::joined(vec![Msg::new("recent-charges"), Msg::new("recent-charge").with("charge", "ch_1")], "\n")
                .english(),
            "Your recent charges:\n• ch_1"
        );
    }
}
