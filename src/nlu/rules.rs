//! The rule pass: one Aho-Corasick pass over weighted keyword features of the normalised
//! text (with negation: "i dont want a refund"), a few combination rules for the intents
//! that need two cues (wallet chosen + card charged, refund + status question, case +
//! news), the entity regexes, the rules' pick, and the model's features of all that.

mod pointing;

use std::borrow::Cow;

use super::features::*;
use super::{model, normalize, redact_card_numbers, Classifier, Entities, Redacted};
use crate::domain::intent::Intent;

/// The most keyword matches kept per message.
const MAX_MATCHES: usize = 256;
/// Below this score nothing specific was said: `other`.
const OTHER_THRESHOLD: f32 = 0.85;
/// With a payment-domain word present, this much evidence for an intent is enough.
const WEAK_THRESHOLD: f32 = 0.4;

/// What the rule pass concluded, before the model.
pub(super) struct RulePass {
    pub(super) intent: Intent,
    pub(super) confidence: f32,
    pub(super) entities: Entities,
    /// The customer says they do not know what a charge is (a word for money or a charge,
    /// or an amount), or only names it ("my charge"), and no intent's own words say which
    /// problem it is (see [`DOUBT`] and `is_bare_reference`).
    pub(super) doubt: bool,
    /// The doubt stands only where the model is unsure too: it comes from a bare reference
    /// alone (no words of doubt), or the text is Chinese or Japanese, for which the keyword
    /// tables hold money words but no intent's words, so the rules cannot see a named problem.
    pub(super) doubt_if_unsure: bool,
}

/// How customers say they are not sure about a charge, on the normalised text (accents
/// folded, spaces at both ends). Such a message names no problem yet: "no estoy seguro de
/// este cobro" may be a wrong amount, a charge they do not recognise, or one they want
/// back. When no intent's own words are beside it, the bot asks which one
/// (`docs/intents.md`, rule 5) instead of taking the model's guess: `classify` reports
/// the reading below `ASK_BELOW`.
pub(super) const DOUBT: &[&str] = &[
    " not sure ",
    " unsure ",
    " no estoy segur",
    " no se que es ",
    " nao tenho certeza ",
    " nao sei o que e ",
    " pas sur ",
    " pas certain",
    " nicht sicher ",
    " weiss nicht was ",
    " non sono sicur",
    " non so cosa ",
    " niet zeker ",
    " weet niet wat ",
    "よくわから",
    "不确定",
    "不太清楚",
];

/// Whether the normalised text is only a short reference to something ("my charge", "este
/// cobro", "this payment?"): at most three words and 16 letters or digits. With a word for
/// money (or an amount) and no intent's own words it may name no problem yet: the bot asks
/// unless the model is sure. (Not for Chinese or Japanese, written without spaces.)
fn is_bare_reference(norm: &str) -> bool {
    let words = norm.split(' ').filter(|w| !w.is_empty() && *w != ".").count();
    words <= 3 && norm.chars().filter(|c| c.is_alphanumeric()).count() <= 16
}

/// What the keyword pass saw: each intent's score (in `Intent::ALL` order), the cue tags
/// (bits of [`tag_bit`]) and the intents whose cues were negated.
struct Cues {
    scores: [f32; 17],
    tags: u32,
    negated_intents: u32,
}

impl Cues {
    /// Whether the cue tag `t` was seen.
    fn has(&self, t: u8) -> bool {
        self.tags & tag_bit(t) != 0
    }
}

impl Classifier {
    /// The rule pass: keyword features, combination rules and entities; fills `f` with the
    /// model's features (text n-grams, then the rules' scores, cues and pick).
    pub(super) fn rule_pass(
        &self,
        text: &str,
        buf: &mut String,
        default_currency: &str,
        red: &Redacted<'_>,
        f: &mut model::Features,
        want_features: bool,
    ) -> RulePass {
        let text = ascii_fullwidth_digits(text);
        normalize::normalize_into(&text, buf);
        let norm: &str = buf.as_str();
        let nb = norm.as_bytes();
        let mut cues = self.keyword_cues(norm);
        let (mut ents, ents_money_count) = self.entities.extract(&text, norm, default_currency, red.last4.as_deref());
        drop_card_numbers(&mut ents);
        combine_purchase_cues(&mut cues, nb, ents_money_count);
        combine_status_cues(&mut cues, ents.case_id.is_some());
        let (intent, confidence) = pick(&cues, ents.amount.is_some());
        if want_features {
            push_rule_features(f, norm, intent, confidence, &cues, &ents, ents_money_count);
        }
        // An intent's words count as naming it even under the doubt's own negation
        // ("no estoy seguro de si me llego el reembolso" names the refund).
        let named = cues.negated_intents != 0
            || cues.scores.iter().enumerate().any(|(i, &s)| i != OTHER as usize && s >= OTHER_THRESHOLD);
        let about_money = cues.has(T_MONEY) || cues.has(T_CHARGED) || ents.amount.is_some();
        // (Only where no problem is named and money is: the doubt words are many.)
        let (doubt, doubt_if_unsure) = if !named && about_money {
            let cjk = !norm.is_ascii() && norm.chars().any(|c| model::is_cjk(c as u32));
            if pointing::only_points_at_money(norm, cjk) {
                // "this charge?", "questo addebito", "这笔扣款": asked whatever the model says.
                (true, false)
            } else {
                let said = DOUBT.iter().any(|d| norm.contains(d));
                (said || (!cjk && is_bare_reference(norm)), cjk || !said)
            }
        } else {
            (false, false)
        };
        RulePass { intent, confidence, entities: ents, doubt, doubt_if_unsure }
    }

    /// One overlapping automaton pass over the normalised text: each pattern counted once,
    /// its intent weights added (or, when negated, its intents marked negated), its tags set.
    fn keyword_cues(&self, norm: &str) -> Cues {
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

        let mut cues = Cues { scores: [0f32; 17], tags: 0, negated_intents: 0 };
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
                        cues.tags |= tag_bit(t);
                    }
                } else if negated && act.weight > 0.0 {
                    cues.negated_intents |= 1 << t;
                } else {
                    cues.scores[t as usize] += act.weight;
                }
            }
        }
        cues
    }
}

/// `text` with full-width digits made ASCII, for the entity regexes (rare; one
/// allocation then).
fn ascii_fullwidth_digits(text: &str) -> Cow<'_, str> {
    if !has_fullwidth_digit(text) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match c {
                '\u{FF10}'..='\u{FF19}' => char::from(b'0' + (c as u32 - 0xFF10) as u8),
                _ => c,
            })
            .collect(),
    )
}

/// The combination rules of wallets, credits, cards and amounts (applied first: the order
/// of the additions is the order the scores were always summed in).
fn combine_purchase_cues(cues: &mut Cues, nb: &[u8], ents_money_count: usize) {
    let tags = cues.tags;
    let has = |t: u8| tags & tag_bit(t) != 0;
    let scores = &mut cues.scores;
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
}

/// The combination rules of refunds and cases asked about, expectations, repeated
/// charges, stated prices, pending payments and silence (after [`combine_purchase_cues`]).
fn combine_status_cues(cues: &mut Cues, case_ref: bool) {
    let tags = cues.tags;
    let has = |t: u8| tags & tag_bit(t) != 0;
    let scores = &mut cues.scores;
    // refund_status: a refund plus a where/when/how-long question or a "not received".
    let refund_status = has(T_REFUND) && (has(T_STATUS) || has(T_RECEIVED));
    if refund_status {
        scores[REFUND_STATUS as usize] += 2.6;
        if has(T_RECEIVED) {
            scores[REFUND_STATUS as usize] += 0.4;
        }
    }
    // ticket_status: a case mentioned plus news/status words (unless about the money).
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
}

/// The rules' pick and how sure they are: the best-scoring intent, or `other` when too
/// little was said (a complaint about money that matched nothing specific goes to the
/// nearest problem intent or a refund request).
fn pick(cues: &Cues, has_amount: bool) -> (Intent, f32) {
    let scores = &cues.scores;
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
    if s1 < OTHER_THRESHOLD && (cues.has(T_MONEY) || has_amount) && other < 1.0 {
        if s1 >= WEAK_THRESHOLD {
            s1 = OTHER_THRESHOLD;
        } else if cues.has(T_PROBLEM) || cues.has(T_CHARGED) {
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
    (intent, confidence.clamp(0.05, 0.99))
}

/// The model's features of the rule pass, after the text n-grams: the pick (alone and
/// crossed with how sure it was), the scores, cue tags, negated intents and which
/// entities were found.
fn push_rule_features(
    f: &mut model::Features,
    norm: &str,
    intent: Intent,
    confidence: f32,
    cues: &Cues,
    ents: &Entities,
    ents_money_count: usize,
) {
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
    for (i, &s) in cues.scores.iter().enumerate() {
        if s > 0.0 {
            model::push_rule(f, 1, i as u32, s.min(6.0) / 6.0);
        }
    }
    let mut t = cues.tags;
    while t != 0 {
        let bit = t.trailing_zeros();
        model::push_rule(f, 2, bit, 1.0);
        t &= t - 1;
    }
    let mut n = cues.negated_intents;
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

/// Whether `text` holds a full-width digit U+FF10..=U+FF19, whose UTF-8 is EF BC 90..=99
/// (a byte scan: most texts are ASCII and need no char decoding).
pub(super) fn has_fullwidth_digit(text: &str) -> bool {
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

/// Whether `needle` occurs in `hay`.
fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.len() <= hay.len() && hay.windows(needle.len()).any(|w| w == needle)
}
