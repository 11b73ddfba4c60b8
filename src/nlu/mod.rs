//! Chat understanding: turn a customer's message into one intent and its entities
//! (the intents are listed in `src/domain/intent.rs`).
//!
//! Pipeline: redact full card numbers -> normalise (lowercase, accents folded,
//! punctuation to spaces) into a per-thread buffer -> one Aho-Corasick pass over weighted
//! keyword/phrase features (with negation: "i dont want a refund") -> a few combination
//! rules for the intents that need two cues (wallet chosen + card charged, refund + status
//! question, case + news) -> entity regexes, each gated by a cheap pre-check.

use std::cell::RefCell;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::domain::intent::Intent;

pub mod bench;
mod entities;
pub mod eval;
mod features;
pub mod lang;
pub mod model;
pub mod normalize;
pub mod redact;

#[cfg(test)]
mod tests;

pub use entities::normalize_amount;
pub use model::Lang;
pub use redact::{contains_card_number, luhn_valid, redact_card_numbers, redact_outgoing, Redacted, CARD_MARKER};

use features::*;

/// The entities of `intents.md`; absent means not found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entities {
    pub amount: Option<String>,
    pub currency: Option<String>,
    pub transaction_id: Option<String>,
    pub invoice_id: Option<String>,
    pub card_last4: Option<String>,
    pub case_id: Option<String>,
}

impl Entities {
    /// The present entities as (name, value), names as in `intents.md`.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("amount", &self.amount),
            ("currency", &self.currency),
            ("transaction_id", &self.transaction_id),
            ("invoice_id", &self.invoice_id),
            ("card_last4", &self.card_last4),
            ("case_id", &self.case_id),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
    }

    /// True when no entity was found.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

/// The result of [`Classifier::classify`].
#[derive(Debug, Clone, PartialEq)]
pub struct Classification {
    pub intent: Intent,
    /// 0..=1
    pub confidence: f32,
    pub entities: Entities,
    /// The three likeliest readings, best first, with their probabilities (the first is
    /// `intent`); for the question back when `confidence` is low.
    pub top: [(Intent, f32); 3],
    /// The language the message is written in (English when unsure or without a model).
    pub lang: Lang,
    /// How sure `lang` is, 0..=1 (see [`lang::detect_with_confidence`]); 0 for empty texts
    /// and without a model.
    pub lang_confidence: f32,
}

impl Classification {
    fn certain(intent: Intent, confidence: f32, entities: Entities) -> Classification {
        Classification {
            intent,
            confidence,
            entities,
            top: [(intent, confidence), (Intent::Other, 0.0), (Intent::Other, 0.0)],
            lang: Lang::En,
            lang_confidence: 0.0,
        }
    }
}

#[derive(Clone, Copy)]
struct Action {
    target: u8,
    weight: f32,
}

/// Precompiled keyword automaton and entity regexes. Build once (see [`classifier`]).
pub struct Classifier {
    ac: AhoCorasick,
    /// For pattern i: actions[ranges[i].0 .. ranges[i].1]
    ranges: Vec<(u32, u32)>,
    actions: Vec<Action>,
    negatable: Vec<bool>,
    /// Max bytes between a negator and this pattern.
    neg_window: Vec<u8>,
    is_negator: Vec<bool>,
    entities: entities::EntityExtractor,
    /// The learned model over text and rule features; `None`: the rules alone decide.
    model: Option<model::Model>,
}

/// The weights written by `paydesk train` (an empty or invalid file means rules only).
static EMBEDDED_MODEL: &[u8] = include_bytes!("../../data/nlu/model.bin");

/// The embedded model, if the weights file holds one.
pub fn embedded_model() -> Option<model::Model> {
    model::Model::from_bytes(EMBEDDED_MODEL)
}

impl Default for Classifier {
    fn default() -> Self {
        Self::new()
    }
}

const MAX_MATCHES: usize = 256;
/// Intents whose cues are reversed by a preceding negation ("i dont want a refund").
const NEGATABLE_INTENTS: u32 = 1 << REFUND_REQUEST
    | 1 << CANCEL_SUBSCRIPTION
    | 1 << BUY_CREDITS
    | 1 << DUPLICATE_CHARGE
    | 1 << PAYMENT_FAILED
    | 1 << TRANSFER_CREDITS
    | 1 << AUTO_RECHARGE
    | 1 << DISPUTE
    | 1 << WRONG_AMOUNT
    | 1 << PAYMENT_PENDING;
/// Max bytes between the end of a negator and the start of the feature it negates.
const NEG_WINDOW: usize = 32;
/// Below this confidence the bot asks which of the likeliest readings is meant.
pub const ASK_BELOW: f32 = 0.5;
/// Below this score nothing specific was said: `other`.
const OTHER_THRESHOLD: f32 = 0.85;
/// With a payment-domain word present, this much evidence for an intent is enough.
const WEAK_THRESHOLD: f32 = 0.4;
/// Shorter negation reach for dispute cues ("i didnt authorise it and will dispute it").
const NEG_WINDOW_DISPUTE: usize = 14;

thread_local! {
    static NORM_BUF: RefCell<(String, model::Features)> = RefCell::new((String::with_capacity(512), model::Features::default()));
}

/// What the rule pass concluded, before the model.
struct RulePass {
    intent: Intent,
    confidence: f32,
    entities: Entities,
}

fn pattern_self_negated(p: &str) -> bool {
    const NEGS: &[&str] = &[
        " not ",
        " no ",
        "nt ",
        " never ",
        " nicht ",
        " nao ",
        " pas ",
        " kein",
        " sin ",
        " sem ",
        " nunca ",
        " without ",
        " non ",
        " niet ",
        " un",
        " nothing",
        " nobody",
        " no one",
        " niemand",
        " nadie",
        " ninguem",
        " personne",
        " aucune",
        " nessuno",
    ];
    let padded = format!("{p} ");
    NEGS.iter().any(|n| padded.contains(n)) || p.ends_with(" not") || p.ends_with("nt")
}

impl Classifier {
    /// The rules plus the embedded learned model (see [`embedded_model`]).
    pub fn new() -> Classifier {
        Self::with_model(embedded_model())
    }

    /// The rules alone (the baseline the model is compared with).
    pub fn rules_only() -> Classifier {
        Self::with_model(None)
    }

    /// The rules plus the given model.
    pub fn with_model(model: Option<model::Model>) -> Classifier {
        // Group features by normalised pattern.
        let mut patterns: Vec<String> = Vec::new();
        let mut per_pattern: Vec<Vec<Action>> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for &(raw, target, weight) in FEATURES {
            let lead = raw.starts_with(' ');
            let trail = raw.ends_with(' ');
            let n = normalize::normalize(raw);
            let core = n.trim();
            if core.is_empty() {
                continue;
            }
            let mut p = String::with_capacity(core.len() + 2);
            if lead {
                p.push(' ');
            }
            p.push_str(core);
            if trail {
                p.push(' ');
            }
            let i = *index.entry(p.clone()).or_insert_with(|| {
                patterns.push(p.clone());
                per_pattern.push(Vec::new());
                patterns.len() - 1
            });
            per_pattern[i].push(Action { target, weight });
        }
        let mut ranges = Vec::with_capacity(patterns.len());
        let mut actions = Vec::new();
        let mut negatable = Vec::with_capacity(patterns.len());
        let mut neg_window = Vec::with_capacity(patterns.len());
        let mut is_negator = Vec::with_capacity(patterns.len());
        for (p, acts) in patterns.iter().zip(&per_pattern) {
            let s = actions.len() as u32;
            actions.extend(acts.iter().copied());
            ranges.push((s, actions.len() as u32));
            let flips = acts.iter().any(|a| a.target < 32 && NEGATABLE_INTENTS & (1u32 << a.target) != 0);
            negatable.push(flips && !pattern_self_negated(p));
            let dispute_only = acts.iter().all(|a| a.target == DISPUTE || a.target >= 32);
            neg_window.push(if dispute_only { NEG_WINDOW_DISPUTE } else { NEG_WINDOW } as u8);
            is_negator.push(acts.iter().any(|a| a.target == NEG));
        }
        let ac = AhoCorasickBuilder::new().match_kind(MatchKind::Standard).build(&patterns).expect("keyword automaton");
        Classifier {
            ac,
            ranges,
            actions,
            negatable,
            neg_window,
            is_negator,
            entities: entities::EntityExtractor::new(),
            model,
        }
    }

    /// Whether a learned model is loaded.
    pub fn has_model(&self) -> bool {
        self.model.is_some()
    }

    /// The model's features of a message (for training), after redaction and normalisation:
    /// text n-grams and the rule pass's outputs, plus, given a model whose language head
    /// tells the language, the language-aware features (stems, language).
    pub fn featurize(&self, text: &str, default_currency: &str, lang_model: Option<&model::Model>) -> model::Features {
        let mut f = model::Features::default();
        let red = redact_card_numbers(text);
        let mut buf = String::new();
        self.rule_pass(&red.text, &mut buf, default_currency, &red, &mut f, true);
        if let Some(m) = lang_model {
            let l = lang::detect(m, &f, &red.text);
            lang::push_features(&buf, l, &mut f);
        }
        f
    }

    /// Redacts first (internally), then classifies. `default_currency` (e.g. "USD") is
    /// used for ambiguous symbols like "$".
    pub fn classify(&self, text: &str, default_currency: &str) -> Classification {
        if text.trim().is_empty() {
            return Classification::certain(Intent::Other, 1.0, Entities::default());
        }
        let red = redact_card_numbers(text);
        let red_text: &str = &red.text;
        NORM_BUF.with(|buf| {
            let mut guard = match buf.try_borrow_mut() {
                Ok(b) => b,
                // Re-entrancy cannot happen, but never panic: fall back to fresh buffers.
                Err(_) => {
                    return self.classify_with(
                        red_text,
                        &mut String::new(),
                        &mut model::Features::default(),
                        default_currency,
                        &red,
                    )
                }
            };
            let (b, f) = &mut *guard;
            self.classify_with(red_text, b, f, default_currency, &red)
        })
    }

    fn classify_with(
        &self,
        text: &str,
        buf: &mut String,
        f: &mut model::Features,
        default_currency: &str,
        red: &Redacted<'_>,
    ) -> Classification {
        let rules = self.rule_pass(text, buf, default_currency, red, f, self.model.is_some());
        let Some(m) = &self.model else {
            return Classification::certain(rules.intent, rules.confidence, rules.entities);
        };
        let (lang, lang_confidence) = lang::detect_with_confidence(m, f, text);
        lang::push_features(buf, lang, f);
        let p = m.probs(f);
        let order = top_three(&p);
        let top = [
            (Intent::ALL[order[0]], p[order[0]]),
            (Intent::ALL[order[1]], p[order[1]]),
            (Intent::ALL[order[2]], p[order[2]]),
        ];
        Classification { intent: top[0].0, confidence: top[0].1, entities: rules.entities, top, lang, lang_confidence }
    }

    /// The rule pass: keyword features, combination rules and entities; fills `f` with the
    /// model's features (text n-grams, then the rules' scores, cues and pick).
    fn rule_pass(
        &self,
        text: &str,
        buf: &mut String,
        default_currency: &str,
        red: &Redacted<'_>,
        f: &mut model::Features,
        want_features: bool,
    ) -> RulePass {
        // Full-width digits -> ASCII for the entity regexes (rare; one allocation then).
        let ascii_digits;
        let text: &str = if has_fullwidth_digit(text) {
            ascii_digits = text
                .chars()
                .map(|c| match c {
                    '\u{FF10}'..='\u{FF19}' => char::from(b'0' + (c as u32 - 0xFF10) as u8),
                    _ => c,
                })
                .collect::<String>();
            &ascii_digits
        } else {
            text
        };
        normalize::normalize_into(text, buf);
        let norm: &str = buf.as_str();
        let nb = norm.as_bytes();

        // One overlapping pass; keep (pattern, start, end).
        let mut ms = [(0u32, 0u32, 0u32); MAX_MATCHES];
        let mut n = 0usize;
        let mut negs = [(0u32, 0u32); 32];
        let mut nn = 0usize;
        for m in self.ac.find_overlapping_iter(norm) {
            let p = m.pattern().as_usize();
            if self.is_negator[p] && nn < negs.len() {
                negs[nn] = (m.start() as u32, m.end() as u32);
                nn += 1;
            }
            if n < MAX_MATCHES {
                ms[n] = (p as u32, m.start() as u32, m.end() as u32);
                n += 1;
            }
        }

        let mut scores = [0f32; 17];
        let mut tags = 0u32;
        let mut negated_intents = 0u32;
        for i in 0..n {
            let (p, s, _e) = ms[i];
            // Count each pattern once.
            if ms[..i].iter().any(|&(q, _, _)| q == p) {
                continue;
            }
            let (a, b) = self.ranges[p as usize];
            let negated = self.negatable[p as usize]
                && is_negated(nb, &negs[..nn], s as usize, self.neg_window[p as usize] as usize);
            for act in &self.actions[a as usize..b as usize] {
                let t = act.target;
                if t >= 32 {
                    if t != NEG {
                        tags |= tag_bit(t);
                    }
                } else if negated && act.weight > 0.0 {
                    negated_intents |= 1 << t;
                } else {
                    scores[t as usize] += act.weight;
                }
            }
        }

        let (mut ents, ents_money_count) = self.entities.extract(text, norm, default_currency, red.last4.as_deref());
        drop_card_numbers(&mut ents);

        let has = |t: u8| tags & tag_bit(t) != 0;
        // wallet_not_applied: the wallet was chosen and the card was charged instead.
        let wpay = has(T_WPAY) || (has(T_WALLET) && has(T_CHOSE));
        if wpay && (has(T_CARD) || has(T_SAME)) {
            scores[WALLET_NOT_APPLIED as usize] += 3.5;
        } else if has(T_WALLET) && has(T_CARD) && has(T_SAME) {
            scores[WALLET_NOT_APPLIED as usize] += 3.0;
        } else if has(T_WPAY) {
            scores[WALLET_NOT_APPLIED as usize] += 0.8;
        } else if has(T_WALLET) && has(T_CARD) && has(T_CHARGED) {
            scores[WALLET_NOT_APPLIED as usize] += 1.2;
        }
        // Automatic top-up is the most specific thing said about buying credits.
        if scores[AUTO_RECHARGE as usize] >= 3.0 {
            scores[AUTO_RECHARGE as usize] += 2.0;
        }
        if has(T_ACQ) && has(T_WALLET) {
            scores[BUY_CREDITS as usize] += 1.5;
        }
        if has(T_MOVE) && has(T_WALLET) {
            scores[TRANSFER_CREDITS as usize] += 1.5;
        }
        if has(T_MOVE) && has(T_ACCOUNT) {
            scores[TRANSFER_CREDITS as usize] += 1.0;
        }
        if has(T_UPDATE) && has(T_CARDWORD) {
            scores[UPDATE_PAYMENT_METHOD as usize] += 2.0;
        }
        if credit_quantity(nb) {
            scores[BUY_CREDITS as usize] += 0.8;
        }
        if ents_money_count >= 2 && (has(T_CHARGED) || has(T_PRICE)) {
            scores[WRONG_AMOUNT as usize] += 2.2;
        }
        // refund_status: a refund plus a where/when/how-long question or a "not received".
        let refund_status = has(T_REFUND) && (has(T_STATUS) || has(T_RECEIVED));
        if refund_status {
            scores[REFUND_STATUS as usize] += 2.6;
            if has(T_RECEIVED) {
                scores[REFUND_STATUS as usize] += 0.4;
            }
        }
        // ticket_status: a case mentioned plus news/status words (unless about the money).
        let case_ref = ents.case_id.is_some();
        if (has(T_CASE) || case_ref) && has(T_NEWS) && !refund_status {
            scores[TICKET_STATUS as usize] += 2.2;
        }
        if case_ref {
            scores[TICKET_STATUS as usize] += 1.0;
        }
        // The wallet was expected to pay ("instead of my balance", "should have paid") and
        // money went out some other way.
        if has(T_WALLET) && has(T_EXPECT) && (has(T_CARD) || has(T_CHARGED) || has(T_CARDWORD)) {
            scores[WALLET_NOT_APPLIED as usize] += 2.8;
        }
        // Chose the wallet, then a card was charged (without a fixed phrase).
        if has(T_WALLET) && has(T_CHOSE) && has(T_CHARGED) && has(T_CARDWORD) {
            scores[WALLET_NOT_APPLIED as usize] += 2.5;
        }
        // Several charges for one thing: "charged three times", "two £25 charges".
        if has(T_CHARGED) && has(T_MULTI) {
            scores[DUPLICATE_CHARGE as usize] += 2.0;
        }
        if has(T_TWO) && has(T_CHARGES) {
            scores[DUPLICATE_CHARGE as usize] += 2.2;
        }
        // A stated price next to what was charged: "billed 59 when the plan says 49".
        if has(T_CHARGED) && has(T_PRICE) {
            scores[WRONG_AMOUNT as usize] += 1.4;
        }
        // "I paid ... but it still / not yet ...", unless the money back is the subject.
        if has(T_PAID) && has(T_NOTYET) && !has(T_REFUND) {
            scores[PAYMENT_PENDING as usize] += 1.3;
        }
        // Complaints of silence: "nobody answers", "waiting for a reply since Tuesday".
        if has(T_REPLY) && (has(T_NOBODY) || has(T_WAIT)) {
            scores[ESCALATE as usize] += 2.2;
        }

        // Pick the best.
        let mut best = OTHER as usize;
        let mut s1 = 0f32;
        let mut s2 = 0f32;
        for (i, &s) in scores.iter().enumerate() {
            if i == OTHER as usize {
                continue;
            }
            if s > s1 {
                s2 = s1;
                s1 = s;
                best = i;
            } else if s > s2 {
                s2 = s;
            }
        }
        let other = scores[OTHER as usize];
        // Payment-domain fallback: a complaint about a charge/payment that matched nothing
        // specific goes to the nearest problem intent (or a refund request), not `other`.
        if s1 < OTHER_THRESHOLD && (has(T_MONEY) || ents.amount.is_some()) && other < 1.0 {
            if s1 >= WEAK_THRESHOLD {
                s1 = OTHER_THRESHOLD;
            } else if has(T_PROBLEM) || has(T_CHARGED) {
                best = REFUND_REQUEST as usize;
                s2 = s1;
                s1 = OTHER_THRESHOLD;
            }
        }
        let (intent, confidence) = if s1 < OTHER_THRESHOLD || other > s1 + 0.5 {
            let c = if s1 <= 0.0 { 0.7 + (other.min(2.0) * 0.1) } else { 0.55 - s1 * 0.2 };
            (Intent::Other, c)
        } else {
            let margin = (s1 - s2.max(other)) / (s1 + 1.0);
            (Intent::ALL[best], 0.5 + 0.5 * margin)
        };
        let confidence = confidence.clamp(0.05, 0.99);
        if want_features {
            f.clear();
            model::text_features(norm, f);
            f.pick = intent as u32;
            model::push_rule(f, 0, intent as u32, 1.0);
            // The rules' pick crossed with how sure they were.
            let sure = if confidence >= 0.8 {
                2
            } else if confidence >= 0.6 {
                1
            } else {
                0
            };
            model::push_rule(f, 5, intent as u32 * 3 + sure, 1.0);
            for (i, &s) in scores.iter().enumerate() {
                if s > 0.0 {
                    model::push_rule(f, 1, i as u32, s.min(6.0) / 6.0);
                }
            }
            let mut t = tags;
            while t != 0 {
                let bit = t.trailing_zeros();
                model::push_rule(f, 2, bit, 1.0);
                t &= t - 1;
            }
            let mut n = negated_intents;
            while n != 0 {
                let bit = n.trailing_zeros();
                model::push_rule(f, 4, bit, 1.0);
                n &= n - 1;
            }
            for (i, present) in [
                ents.amount.is_some(),
                ents.case_id.is_some(),
                ents.transaction_id.is_some(),
                ents.invoice_id.is_some(),
                ents.card_last4.is_some(),
                ents_money_count >= 2,
            ]
            .into_iter()
            .enumerate()
            {
                if present {
                    model::push_rule(f, 3, i as u32, 1.0);
                }
            }
        }
        RulePass { intent, confidence, entities: ents }
    }
}

/// The indices of the three highest probabilities, highest first, ties to the lower index:
/// the first three of a stable sort by descending `total_cmp` (which it replaced), without
/// sorting all seventeen.
fn top_three(p: &[f32; model::NC]) -> [usize; 3] {
    let mut top = [usize::MAX; 3];
    for k in 0..3 {
        let mut best = usize::MAX;
        for i in 0..model::NC {
            if top[..k].contains(&i) {
                continue;
            }
            if best == usize::MAX || p[i].total_cmp(&p[best]).is_gt() {
                best = i;
            }
        }
        top[k] = best;
    }
    top
}

/// Whether `text` holds a full-width digit U+FF10..=U+FF19, whose UTF-8 is EF BC 90..=99
/// (a byte scan: most texts are ASCII and need no char decoding).
fn has_fullwidth_digit(text: &str) -> bool {
    !text.is_ascii()
        && text.as_bytes().windows(3).any(|w| w[0] == 0xEF && w[1] == 0xBC && (0x90..=0x99).contains(&w[2]))
}

/// Entities are read from redacted text, but normalising can join digits again (an
/// amount's thousands separators dropped: `411,111,111,111.1111` -> `411111111111.1111`):
/// an entity that now holds a full card number is not kept.
fn drop_card_numbers(e: &mut Entities) {
    for v in
        [&mut e.amount, &mut e.currency, &mut e.transaction_id, &mut e.invoice_id, &mut e.card_last4, &mut e.case_id]
    {
        if v.as_deref().is_some_and(|x| redact_card_numbers(x).card_numbers > 0) {
            *v = None;
        }
    }
}

/// Is the feature starting at `start` preceded, in the same clause, by a negator?
fn is_negated(nb: &[u8], negs: &[(u32, u32)], start: usize, window: usize) -> bool {
    for &(ns, ne) in negs {
        let (ns, ne) = (ns as usize, ne as usize);
        if ns >= start || ne > start + 1 || start - ne.min(start) > window {
            continue;
        }
        let between = &nb[ne.min(start)..start];
        if between.contains(&b'.') {
            continue;
        }
        // "can not", "cannot": inability, not refusal.
        if nb[..ns].ends_with(b" can") {
            continue;
        }
        let blocked = [
            &b" but "[..],
            b" just ",
            b" only ",
            b" pero ",
            b" mais ",
            b" aber ",
            b" mas ",
            b" puedo ",
            b" consigo ",
            b" able ",
            b" peux ",
            b" kann ",
            b" can ",
            b" how ",
            b" sure ",
            b" even ",
            b" why ",
            b" until ",
            b" yet ",
            b" so ",
        ];
        let mut padded_ok = true;
        for w in blocked {
            // `between` starts right after the negator's trailing space.
            let lookup_start = ne.saturating_sub(1).min(start);
            if contains(&nb[lookup_start..(start + 1).min(nb.len())], w) {
                padded_ok = false;
                break;
            }
        }
        if padded_ok {
            return true;
        }
    }
    false
}

/// "<digits> credits" somewhere in the normalised text.
fn credit_quantity(nb: &[u8]) -> bool {
    let pat = b" credit";
    let mut i = 0;
    while i + pat.len() <= nb.len() {
        if &nb[i..i + pat.len()] == pat && i > 0 && nb[i - 1].is_ascii_digit() {
            return true;
        }
        i += 1;
    }
    false
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.len() <= hay.len() && hay.windows(needle.len()).any(|w| w == needle)
}

/// A process-wide instance.
pub fn classifier() -> &'static Classifier {
    static C: OnceLock<Classifier> = OnceLock::new();
    C.get_or_init(Classifier::new)
}

/// Featurise labelled messages and train the model: first the language head alone (on the
/// text features), which then tells each message's language for its stems; then k-fold
/// cross-validation of every configuration in `grid` (the best mean accuracy wins; ties go
/// to the earlier one), a temperature on a validation split, and the final fit on
/// everything with the winning configuration.
pub fn train_model(
    data: &[eval::Labelled],
    folds: usize,
    grid: &[model::TrainConfig],
) -> (model::Model, model::TrainReport) {
    let rules = Classifier::rules_only();
    let base = grid.first().copied().unwrap_or_default();
    let text_only: Vec<model::Example> = data
        .iter()
        .map(|l| model::Example { f: rules.featurize(&l.text, "USD", None), intent: l.intent, lang: l.lang })
        .collect();
    let lang_model = model::train_lang(&text_only.iter().collect::<Vec<_>>(), &base);
    drop(text_only);
    let examples: Vec<model::Example> = data
        .iter()
        .map(|l| model::Example {
            f: rules.featurize(&l.text, "USD", Some(&lang_model)),
            intent: l.intent,
            lang: l.lang,
        })
        .collect();
    let mut tried = Vec::new();
    let mut best = (f64::NEG_INFINITY, base);
    if grid.len() > 1 {
        for cfg in grid {
            let accs = model::cross_validate(&examples, cfg, folds);
            let mean = accs.iter().sum::<f64>() / accs.len().max(1) as f64;
            tried.push((*cfg, mean));
            if mean > best.0 + 1e-9 {
                best = (mean, *cfg);
            }
        }
    }
    let (mut m, mut report) = model::train_all(&examples, &best.1, folds);
    m.lw = lang_model.lw;
    m.lb = lang_model.lb;
    report.grid = tried;
    report.config = best.1;
    (m, report)
}
