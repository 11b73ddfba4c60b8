//! Entity extraction over the (already redacted) original text.

use aho_corasick::AhoCorasick;
use regex::Regex;

use super::Entities;

mod grouping;
mod money;
use grouping::{amount_span, word_after};
pub use money::normalize_amount;
use money::{currency_code, is_non_money_unit, UPPER_CODES};

/// The regexes that run only when their cue was seen (bits of [`EntityExtractor::cues`]).
const INVOICE_WORD: u32 = 1;
const PROVIDER_REF: u32 = 1 << 1;
const TXN_WORD: u32 = 1 << 2;
const LAST4: u32 = 1 << 3;
const LAST4_CARD: u32 = 1 << 4;
const MONEY: u32 = 1 << 5;
const MONEY_CTX: u32 = 1 << 6;
const LAST4_MASK: u32 = 1 << 7;
const PAYPAL: u32 = 1 << 8;

/// Words one of a regex's alternatives needs (in the normalised text), per regex: a regex
/// runs only when one of its words is there, which gives the same answers and spares most
/// messages most regexes. Normalising lowercases ASCII letters one for one, folds accents
/// (`dólares` -> `dolares`, `pagué` -> `pague`) and never puts anything between two
/// letters, so a text a case-insensitive regex matches holds the word; the two non-ASCII
/// letters such a regex matches to ASCII ones are caught by [`EXOTIC_LETTERS`].
const CUE_WORDS: &[(u32, &[&str])] = &[
    (INVOICE_WORD, &["invoice", "factur", "rechnung", "fatura", "fattura"]),
    (PROVIDER_REF, &["adyen", "psp", "square", "braintree", "mollie"]),
    (TXN_WORD, &["trans", "payment", "charge", "ref", "order"]),
    (
        LAST4,
        &[
            "end", "last", "termin", "final", "fini", "letzte", "ltimos", "eindig", "acabad", "acabab", "尾", "桁",
            "位", "終わ",
        ],
    ),
    (LAST4_CARD, &["card", "visa", "master", "amex", "discover", "cart", "karte", "tarjeta", "kaart"]),
    (
        MONEY,
        &[
            "usd", "eur", "gbp", "chf", "brl", "jpy", "inr", "cad", "aud", "mxn", "nzd", "sek", "nok", "dkk", "pln",
            "cny", "rmb", "dollar", "dolares", "bucks", "pound", "quid", "reais", "real", "yen", "rupee", "franc",
            "peso",
        ],
    ),
    (
        MONEY_CTX,
        &[
            "charged",
            "billed",
            "paid",
            "took",
            "debit",
            "cobrad",
            "cobraron",
            "pagu",
            "pagou",
            "pay",
            "bezahlt",
            "abgebucht",
            "cost",
            "price",
        ],
    ),
];

/// Chinese and Japanese currency words written after an amount ("100元", "1,000円", "20块",
/// "15美元", "30ドル"): each holds one of these characters.
const CJK_MONEY: [char; 9] = ['元', '块', '塊', '円', '币', 'ド', 'ユ', 'ポ', '镑'];

/// Letters a case-insensitive regex reads as ASCII ones that normalising keeps apart:
/// the long s (`ſ`, read as `s`) and the Kelvin sign (`K`, read as `k`). A text with one
/// runs every regex.
const EXOTIC_LETTERS: [char; 2] = ['\u{17F}', '\u{212A}'];

pub(crate) struct EntityExtractor {
    case_id: Regex,
    invoice: Regex,
    invoice_word: Regex,
    stripe: Regex,
    txn: Regex,
    paypal: Regex,
    txn_word: Regex,
    provider_ref: Regex,
    last4: Regex,
    last4_mask: Regex,
    last4_card: Regex,
    money: Regex,
    money_ctx: Regex,
    /// The words of [`CUE_WORDS`], and for each the bit of its regex.
    cue_words: AhoCorasick,
    cue_bits: Vec<u32>,
}

const NUM: &str = r"[0-9]{1,2}(?:[\x20\xA0\x{202F}\x{2009}\x{2007}][0-9]{3}){1,2}(?:[.,][0-9]{1,3})?(?-u:\b)|[0-9]{1,3}(?:['’][0-9]{3})+(?:[.,][0-9]+)?(?-u:\b)|[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?(?-u:\b)|[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?(?-u:\b)|[0-9]+(?:[.,][0-9]+)?";

impl EntityExtractor {
    pub(crate) fn new() -> Self {
        let re = |s: &str| Regex::new(s).expect("static regex");
        let money = format!(
            r"(?x)
            (?:^|[^0-9A-Za-z_$])(?P<pre>(?i:US\$|USD|EUR|GBP|CHF|BRL|JPY|INR|CAD|AUD|MXN|NZD|SEK|NOK|DKK|PLN|CNY|RMB)|{codes}|R\$|C\$|CA\$|A\$|AU\$|MX\$|NZ\$|\$|€|£|¥|￥|₹|Fr\.|Rs\.?|人民币)
            \s?-?\s?(?P<n1>{NUM})
            |
            (?-u:\b)(?P<n2>{NUM})\s?(?P<post>€|\$|£|¥|￥|₹|美元|欧元|英镑|港币|人民币|元|块|塊|円|ドル|ユーロ|ポンド|
              (?i:usd|eur|gbp|chf|brl|jpy|inr|cad|aud|mxn|nzd|sek|nok|dkk|pln|euros?|dollars?|dolares|dólares|bucks|pounds?|quid|reais|real|yen|rupees?|francs?|pesos?|cny|rmb)(?-u:\b)|(?:{codes})(?-u:\b))",
            codes = UPPER_CODES.join("|")
        );
        let money_ctx = format!(
            r"(?i)(?-u:\b)(?:charged(?:\s+me)?|billed(?:\s+me)?|paid|took|debited|cobrado|cobraron|pagu[eé]|pagou|pay[eé]|d[ée]bit[ée]|bezahlt|abgebucht|costs?|price\s+(?:is|was))\s+(?P<n>{NUM})(?-u:\b)"
        );
        EntityExtractor {
            case_id: re(r"(?i)(?-u:\b)RF[-‐–]?([0-9]{1,12})(?-u:\b)"),
            invoice: re(r"(?i)(?-u:\b)INV[-_]?[0-9][A-Za-z0-9]*(?:[-_/][A-Za-z0-9]+)*"),
            invoice_word: re(
                r"(?i)(?-u:\b)(?:invoice|factura|facture|rechnung|fatura|fattura)\s*(?:#|no\.?|nr\.?|number|num\.?|n[°º])\s*:?\s*([A-Za-z0-9][A-Za-z0-9-]*)",
            ),
            // Stripe ch_/pi_/…, Mollie tr_ (and the sandbox's ch_demo_dup2: inner underscores).
            stripe: re(
                r"(?-u:\b)(?:ch|pi|py|re|txn|tr|po|pyr|ipi|src)_(?:[A-Za-z0-9]+_)*(?:[A-Za-z0-9]{6,}|[A-Za-z]*[0-9][A-Za-z0-9]*)(?-u:\b)",
            ),
            txn: re(r"(?i)(?-u:\b)TXN[-_#]?[0-9][A-Za-z0-9-]*"),
            // PayPal ids are 17 characters; Adyen's pspReference is "Adyen's 16-character
            // reference" (Checkout API v72, PaymentResponse.pspReference).
            paypal: re(r"(?-u:\b)[0-9A-Z]{16,17}(?-u:\b)"),
            // An id right after a provider's name: Adyen (all-digit pspReferences), Square
            // payment ids (mixed case), Braintree transaction ids (short, lowercase).
            provider_ref: re(
                r"(?i)(?-u:\b)(?:adyen|psp\s*reference|pspreference|psp|square|braintree|mollie)(?:\s+(?:payment|transaction|charge|id|ref|reference|no\.?|number))*\s*[:#]?\s*(?-i:([A-Za-z0-9]{6,40}))(?-u:\b)",
            ),
            txn_word: re(
                r"(?i)(?-u:\b)(?:transaction|trans\.?|payment|charge|reference|ref|order)\s*(?:id|#|no\.?|number|ref|reference)?\s*[:#]?\s*(?-i:([A-Z0-9][A-Z0-9-]{5,}))(?-u:\b)",
            ),
            last4: re(
                r"(?i)(?:(?-u:\b)ending(?:\s+(?:in|with|on))?|(?-u:\b)ends?\s+(?:in|with|on)|(?-u:\b)ends|(?-u:\b)last\s+(?:4|four)(?:\s+digits)?(?:\s+(?:are|is|being|of))?|(?-u:\b)terminad[ao]\s+(?:en|em)|(?-u:\b)termina(?:da|do)?\s+(?:en|em|con)|(?-u:\b)fini(?:sce|va)\s+(?:con|in|per)|(?-u:\b)termina(?:va)?\s+per|(?-u:\b)terminante\s+(?:in|con|per)|末尾(?:は|が)?|下(?:4|四)桁(?:は|が)?|尾[号號](?:为|是|為)?|[后後末](?:4|四)位(?:是|为|為)?|(?-u:\b)acabad[ao]\s+en|(?-u:\b)(?:acababa|terminaba)\s+en|(?-u:\b)terminava\s+(?:em|com)|(?-u:\b)terminaci[oó]n(?:\s+en)?|(?-u:\b)finishing\s+(?:in|with|by)|(?-u:\b)(?:se\s+)?terminant\s+(?:par|en)|(?-u:\b)(?:se\s+)?termine\s+par|(?-u:\b)finissant\s+(?:par|en)|(?-u:\b)qui\s+finit\s+par|(?-u:\b)finit\s+par|(?-u:\b)endet\s+(?:auf|mit)|(?-u:\b)(?:karte|kreditkarte|visa|mastercard|amex)\s+endet|(?-u:\b)endziffern?(?:\s+(?:sind|lauten))?|(?-u:\b)endend\s+(?:auf|mit)|(?-u:\b)endung|(?-u:\b)letzte[n]?\s+(?:4|vier)\s+ziffern|(?-u:\b)[uú]ltimos\s+(?:4|cuatro|quatro)\s+d[ií]gitos|(?-u:\b)eindigend\s+op|(?-u:\b)eindigt\s+op)\s*[:#]?\s*(?:in\s+)?([0-9]{4})(?-u:\b)|(?-u:\b)(?:auf|op|mit)\s+([0-9]{4})\s+(?:endet|endete|eindigt|eindigde|eindigen)(?-u:\b)|(?-u:\b)([0-9]{4})\s*で終わ|(?-u:\b)final(?:e|izado)?(?:\s+(?:de|em|en))?\s*[:#]?\s*([0-9]{4})(?-u:\b)",
            ),
            last4_mask: re(r"(?:(?:[*•·●∙xX]{2,}|\.{3,})[\s-]?|…)+([0-9]{4})(?-u:\b)|(?-u:\b)x([0-9]{4})(?-u:\b)"),
            last4_card: re(
                r"(?i)(?-u:\b)(?:card|visa|mastercard|master\s+card|amex|discover|carte|karte|tarjeta|carta|cart[aã]o|kaart)\s+([0-9]{4})(?-u:\b)",
            ),
            money: re(&money),
            money_ctx: re(&money_ctx),
            cue_words: AhoCorasick::new(CUE_WORDS.iter().flat_map(|(_, words)| words.iter())).expect("cue words"),
            cue_bits: CUE_WORDS.iter().flat_map(|&(bit, words)| words.iter().map(move |_| bit)).collect(),
        }
    }

    /// Which regexes may match: the bits of the regexes whose cue `text` (the redacted
    /// original) or `lower` (its normalised form) holds.
    fn cues(&self, text: &str, lower: &str) -> u32 {
        if !text.is_ascii() && text.contains(EXOTIC_LETTERS) {
            return u32::MAX;
        }
        let mut bits = 0;
        for m in self.cue_words.find_overlapping_iter(lower) {
            bits |= self.cue_bits[m.pattern().as_usize()];
        }
        if text.contains(['$', '€', '£', '¥', '￥', '₹'])
            || has_upper_code(text)
            || text.contains("Fr.")
            || text.contains("Rs")
            || text.contains(CJK_MONEY)
        {
            bits |= MONEY;
        }
        if text.contains(['*', 'x', 'X', '•', '·', '●', '∙', '…']) || text.contains("...") {
            bits |= LAST4_MASK;
        }
        // PayPal and Adyen ids: a run of at least 16 ASCII capitals and digits.
        let mut run = 0;
        for b in text.bytes() {
            run = if b.is_ascii_uppercase() || b.is_ascii_digit() { run + 1 } else { 0 };
            if run >= 16 {
                bits |= PAYPAL;
                break;
            }
        }
        bits
    }

    /// Extract entities. `lower` is the normalised text (for cheap pre-checks), `text` the
    /// redacted original, `redacted_last4` the last four digits of a removed card number.
    /// Also returns how many distinct amounts with a currency were written.
    pub(crate) fn extract(
        &self,
        text: &str,
        lower: &str,
        default_currency: &str,
        redacted_last4: Option<&str>,
    ) -> (Entities, usize) {
        let mut e = Entities::default();
        let has_digit = text.bytes().any(|b| b.is_ascii_digit());
        if !has_digit {
            e.card_last4 = redacted_last4.map(str::to_string);
            return (e, 0);
        }
        // Byte spans already read as an id: an amount is never taken from them.
        let mut taken: Vec<(usize, usize)> = Vec::new();
        let cues = self.cues(text, lower);
        e.case_id = self.case_id(text, lower, &mut taken);
        e.invoice_id = self.invoice_id(text, lower, cues, &mut taken);
        e.transaction_id = self.transaction_id(text, lower, cues, &mut taken);
        e.card_last4 = self.card_last4(text, cues, redacted_last4);
        let count = self.money(text, default_currency, cues, &taken, &mut e);
        (e, count)
    }

    /// The bot's case number (`RF-000012`).
    fn case_id(&self, text: &str, lower: &str, taken: &mut Vec<(usize, usize)>) -> Option<String> {
        if !lower.contains("rf") {
            return None;
        }
        let c = self.case_id.find(text).and_then(|m| self.case_id.captures_at(text, m.start()))?;
        let m = c.get(0).expect("match");
        taken.push((m.start(), m.end()));
        Some(format!("RF-{}", &c[1]))
    }

    /// An invoice id: `INV-…`, else the id after the word "invoice" (in six languages).
    fn invoice_id(&self, text: &str, lower: &str, cues: u32, taken: &mut Vec<(usize, usize)>) -> Option<String> {
        if lower.contains("inv") {
            if let Some(m) = self.invoice.find(text) {
                let v = m.as_str().trim_end_matches(['-', '_', '/']);
                taken.push((m.start(), m.end()));
                return Some(v.to_string());
            }
        }
        if cues & INVOICE_WORD == 0 {
            return None;
        }
        let c = self.invoice_word.find(text).and_then(|m| self.invoice_word.captures_at(text, m.start()))?;
        let g = c.get(1).expect("group");
        if !g.as_str().bytes().any(|b| b.is_ascii_digit()) {
            return None;
        }
        taken.push((g.start(), g.end()));
        Some(g.as_str().trim_end_matches('-').to_string())
    }

    /// A transaction id, the first kind found of: Stripe/Mollie-style `ch_…`, `TXN-…`, a
    /// PayPal or Adyen id, an id after a provider's name, an id after "transaction" or
    /// "payment".
    fn transaction_id(&self, text: &str, lower: &str, cues: u32, taken: &mut Vec<(usize, usize)>) -> Option<String> {
        if text.contains('_') {
            if let Some(m) = self.stripe.find(text) {
                if m.as_str().bytes().any(|b| b.is_ascii_digit()) {
                    taken.push((m.start(), m.end()));
                    return Some(m.as_str().to_string());
                }
            }
        }
        if lower.contains("txn") {
            if let Some(m) = self.txn.find(text) {
                taken.push((m.start(), m.end()));
                return Some(m.as_str().trim_end_matches('-').to_string());
            }
        }
        if text.len() >= 17 && cues & PAYPAL != 0 {
            for m in self.paypal.find_iter(text) {
                let s = m.as_str();
                let letters = s.bytes().filter(|b| b.is_ascii_uppercase()).count();
                let digits = s.bytes().filter(|b| b.is_ascii_digit()).count();
                if letters >= 1 && digits >= 4 && !overlaps(taken, m.start(), m.end()) {
                    taken.push((m.start(), m.end()));
                    return Some(s.to_string());
                }
            }
        }
        if let Some(g) =
            (cues & PROVIDER_REF != 0).then(|| self.provider_ref.captures(text)).flatten().and_then(|c| c.get(1))
        {
            let s = g.as_str();
            if s.bytes().any(|b| b.is_ascii_digit()) && !overlaps(taken, g.start(), g.end()) {
                taken.push((g.start(), g.end()));
                return Some(s.to_string());
            }
        }
        if cues & TXN_WORD == 0 {
            return None;
        }
        self.transaction_id_after_word(text, taken)
    }

    /// An id after "transaction", "payment", "charge", "reference" or "order" that holds
    /// enough digits and is not a date, an invoice or a case.
    fn transaction_id_after_word(&self, text: &str, taken: &mut Vec<(usize, usize)>) -> Option<String> {
        for m in self.txn_word.find_iter(text) {
            let Some(c) = self.txn_word.captures_at(text, m.start()) else {
                continue;
            };
            let g = c.get(1).expect("group");
            let s = g.as_str().trim_end_matches('-');
            let digits = s.bytes().filter(|b| b.is_ascii_digit()).count();
            let letters = s.bytes().filter(|b| b.is_ascii_uppercase()).count();
            let looks_date = s.len() == 10 && s.as_bytes().get(4) == Some(&b'-');
            if digits >= 3
                && (letters > 0 || digits >= 6)
                && !looks_date
                && !s.starts_with("INV")
                && !s.starts_with("RF")
                && !overlaps(taken, g.start(), g.end())
            {
                taken.push((g.start(), g.end()));
                return Some(s.to_string());
            }
        }
        None
    }

    /// The card's last four digits: "ending in 4242" (in several languages), a masked
    /// number, a removed card number's, or four digits after a card brand.
    fn card_last4(&self, text: &str, cues: u32, redacted_last4: Option<&str>) -> Option<String> {
        let may = |bit: u32| cues & bit != 0;
        if let Some(c) =
            may(LAST4).then(|| self.last4.find(text)).flatten().and_then(|m| self.last4.captures_at(text, m.start()))
        {
            // "my trial finishing in 2026", "Endziffern 2026 der Rechnung": a year after
            // such a word is a card's digits only where a card is named.
            // The digits come after the cue (a year only where a card is named), or before a
            // verb at the end ("die auf 4821 endet", "op 3391 eindigt", "1234で終わる") or
            // after "final(e)" ("importo finale 1299"), which say a card's only where one is named.
            let found = match (c.get(1), c.get(2).or_else(|| c.get(3)).or_else(|| c.get(4))) {
                (Some(d), _) => Some(d.as_str()).filter(|d| !is_year(d) || names_a_card(text)),
                (None, Some(d)) => Some(d.as_str()).filter(|_| names_a_card(text)),
                (None, None) => None,
            };
            if let Some(digits) = found {
                return Some(digits.to_string());
            }
        }
        if let Some(c) = may(LAST4_MASK)
            .then(|| self.last4_mask.find(text))
            .flatten()
            .and_then(|m| self.last4_mask.captures_at(text, m.start()))
        {
            let g = c.get(1).or_else(|| c.get(2)).expect("group");
            return Some(g.as_str().to_string());
        }
        if let Some(l4) = redacted_last4 {
            return Some(l4.to_string());
        }
        if !may(LAST4_CARD) {
            return None;
        }
        let c = self.last4_card.find(text).and_then(|m| self.last4_card.captures_at(text, m.start()))?;
        let g = c.get(1).expect("group");
        let next = text[g.end()..].chars().next();
        // "la carta 2025 è scaduta": a year after the card's name is not its digits.
        (!matches!(next, Some('/' | '-' | '.' | ':')) && !is_year(g.as_str())).then(|| g.as_str().to_string())
    }

    /// Money: the first amount with a currency (and its currency), else an amount after
    /// "charged", "paid", …; returns how many distinct amounts with a currency were seen.
    fn money(
        &self,
        text: &str,
        default_currency: &str,
        cues: u32,
        taken: &[(usize, usize)],
        e: &mut Entities,
    ) -> usize {
        let mut found = false;
        let mut count = 0usize;
        let mut first_val: Option<String> = None;
        let amounts = (cues & MONEY != 0).then(|| self.money.find_iter(text));
        for m in amounts.into_iter().flatten() {
            let Some(c) = self.money.captures_at(text, m.start()) else {
                continue;
            };
            let (num, cur) = match (c.name("n1"), c.name("n2")) {
                (Some(n), _) => (n, c.name("pre").expect("pre")),
                (None, Some(n)) => (n, c.name("post").expect("post")),
                _ => continue,
            };
            let Some((start, end)) = amount_span(text, num.start(), num.end()) else {
                continue;
            };
            if overlaps(taken, start, end) || !plausible_code(cur.as_str(), text, end) {
                continue;
            }
            // "5105 1051" style leftovers or dates like 14/05 are never money; a price per
            // period ("$29/month", "9,99 €/mois") is.
            let mut rest = text[end..].chars();
            let after = rest.next();
            if after == Some(':') || (after == Some('/') && !rest.next().is_some_and(char::is_alphabetic)) {
                continue;
            }
            if let Some(a) = normalize_amount(&text[start..end]) {
                if !found {
                    // "$1.500 MXN": a code after a bare dollar sign says which dollar or peso.
                    let code_after = (cur.as_str() == "$").then(|| code_after(&text[end..])).flatten();
                    e.currency = code_after.or_else(|| currency_code(cur.as_str(), default_currency, text));
                    first_val = Some(a.clone());
                    e.amount = Some(a);
                    found = true;
                    count = 1;
                } else if first_val.as_deref() != Some(a.as_str()) {
                    count += 1;
                }
            }
        }
        if !found && cues & MONEY_CTX != 0 {
            if let Some(a) = self.money_in_context(text, taken) {
                e.amount = Some(a);
                count = 1;
            }
        }
        count
    }

    /// An amount without a currency right after "charged", "paid", "costs", … (in several
    /// languages), unless a unit that is not money follows ("3 credits", "2 times").
    fn money_in_context(&self, text: &str, taken: &[(usize, usize)]) -> Option<String> {
        for m in self.money_ctx.find_iter(text) {
            let Some(c) = self.money_ctx.captures_at(text, m.start()) else {
                continue;
            };
            let n = c.name("n").expect("n");
            let Some((start, end)) = amount_span(text, n.start(), n.end()) else {
                continue;
            };
            if overlaps(taken, start, end) {
                continue;
            }
            let next_word = word_after(text, end);
            let after = text[end..].chars().next();
            if matches!(after, Some('/' | ':' | '%' | '-' | 'x' | 'X')) || is_non_money_unit(&next_word) {
                continue;
            }
            if let Some(a) = normalize_amount(&text[start..end]) {
                return Some(a);
            }
        }
        None
    }
}

/// Four digits that read as a recent or coming year.
fn is_year(d: &str) -> bool {
    d.parse::<u16>().is_ok_and(|y| (1990..=2039).contains(&y))
}

/// Whether the text names a card (in any of the languages the last-four phrasings cover).
fn names_a_card(text: &str) -> bool {
    let lower = text.to_lowercase();
    [
        "card",
        "karte",
        "tarjeta",
        "carte",
        "carta",
        "cartão",
        "cartao",
        "kaart",
        "visa",
        "mastercard",
        "amex",
        "卡",
        "カード",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// Whether `text` holds one of [`UPPER_CODES`]; most messages have no three capitals in a
/// row and are answered by one pass over their bytes.
fn has_upper_code(text: &str) -> bool {
    let b = text.as_bytes();
    (2..b.len()).any(|i| {
        b[i - 2..=i].iter().all(u8::is_ascii_uppercase) && UPPER_CODES.iter().any(|c| c.as_bytes() == &b[i - 2..=i])
    })
}

/// The currency of an ISO code written right after an amount ("$1.500 MXN"), if it is one
/// the extractor knows.
fn code_after(rest: &str) -> Option<String> {
    const DOLLARS_AND_PESOS: [&str; 12] =
        ["USD", "CAD", "AUD", "NZD", "MXN", "HKD", "SGD", "TWD", "ARS", "COP", "CLP", "BRL"];
    let rest = rest.strip_prefix([' ', '\u{A0}', '\u{202F}']).unwrap_or(rest);
    let code = rest.get(..3).filter(|c| DOLLARS_AND_PESOS.contains(c))?;
    if rest[3..].starts_with(|c: char| c.is_alphanumeric()) {
        return None;
    }
    currency_code(code, "", "")
}

/// Whether a currency code that is also a word ("TRY", "PEN", "ILS", "COP") reads as the
/// currency: not in a text written all in capitals ("I HAD TO TRY 3 TIMES"), and no code of
/// [`UPPER_CODES`] before a number that counts things ("AED 2 TIMES").
fn plausible_code(cur: &str, text: &str, end: usize) -> bool {
    if !UPPER_CODES.contains(&cur) {
        return true;
    }
    let shouting = !text.bytes().any(|b| b.is_ascii_lowercase());
    let word_like = matches!(cur, "TRY" | "PEN" | "ILS" | "COP");
    let read_as_a_word = shouting && word_like;
    let counts = is_non_money_unit(&word_after(text, end));
    !(read_as_a_word || counts)
}

fn overlaps(taken: &[(usize, usize)], s: usize, e: usize) -> bool {
    taken.iter().any(|&(a, b)| s < b && a < e)
}

#[cfg(test)]
mod tests;
