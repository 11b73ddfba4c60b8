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
//!
//! This file holds the bundles and [`Msg`]; `phrases.rs` the messages built from domain
//! values (statuses, topics, readings, charges, the policy's verdict); `refusals.rs` the
//! typed refusals a customer can meet (a mistyped or denied command, an amount, a currency
//! without settings, a payment not taken, a refused write).

mod phrases;
mod refusals;
#[cfg(test)]
mod tests;

pub use phrases::{charge_summary, eligibility, fallback_note, reading, status, topic};
pub use refusals::{
    amount_error, bad_case_number, command_error, denial, payment_failure, store_refused, unconfigured_currency, usage,
};

use crate::nlu::Lang;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::OnceLock;

/// The message files, by language (English first: the reference).
const FILES: [(Lang, &str); 2] = [
    (Lang::En, include_str!("../../../locales/en/paydesk.ftl")),
    (Lang::Es, include_str!("../../../locales/es/paydesk.ftl")),
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
