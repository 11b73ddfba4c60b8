//! Where an amount the money regex found begins and ends when spaces may group its
//! thousands, and when the digits around it leave it no amount at all: a wrong amount is
//! worse than none.

use super::money::is_non_money_unit;

/// Whether `c` groups thousands the way a space does ("1 299,00 €", "CHF 2 400.00"): a
/// space, a no-break space, a narrow no-break space, a thin space or a figure space.
pub(super) fn is_group_space(c: char) -> bool {
    matches!(c, ' ' | '\u{A0}' | '\u{202F}' | '\u{2009}' | '\u{2007}')
}

/// Whether the word after a number says it counts things ("2 100 times", "12 500 credits");
/// "am", "of" or "h" after an amount do not ("€1 299 am 03.12.", "€1 200 of the €2 400").
fn counts_things(word: &str) -> bool {
    is_non_money_unit(word) && !matches!(word, "am" | "pm" | "h" | "of" | "st" | "nd" | "rd" | "th" | "x" | "mal")
}

/// Whether a number right after `word` is a number of something ("Nr. 12", "no 12"), not
/// an amount.
fn numbers_something(word: &str) -> bool {
    matches!(word, "no" | "nr" | "num" | "number" | "nummer" | "numero" | "número" | "n" | "nº" | "n°")
}

/// Whether a number right after `word` may be an order's or a document's id ("Bestellung
/// 452", "order 12").
fn may_name_an_id(word: &str) -> bool {
    matches!(
        word,
        "order"
            | "bestellung"
            | "commande"
            | "pedido"
            | "ordine"
            | "bestelling"
            | "invoice"
            | "factura"
            | "facture"
            | "rechnung"
            | "fattura"
            | "fatura"
            | "ref"
            | "ticket"
            | "case"
    )
}

/// What ends `before` (after trailing spaces, dots and colons): its last word, lowercased,
/// or else the sign there.
fn word_before(before: &str) -> (String, Option<char>) {
    let t = before.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ':'));
    let word = &t[t.trim_end_matches(char::is_alphanumeric).len()..];
    let sign = if word.is_empty() { t.chars().next_back() } else { None };
    (word.to_lowercase(), sign)
}

/// Whether what ends the text before a number ([`word_before`]) is a number sign or word
/// ("#", "n°", "Nr.", "no."): the digits after it are a number of something.
fn is_number_sign((word, sign): &(String, Option<char>)) -> bool {
    matches!(sign, Some('#' | '°' | 'º')) || numbers_something(word)
}

/// A run of one to three digits right before `before`'s trailing whitespace that stands on
/// its own (after the text's start, a space or a letter, not after `/`, `.`, `-` or other
/// digits): "1  299 €" and "100 000 €" were grouped by a space the regex does not read.
fn lone_group_before(before: &str) -> bool {
    let t = before.trim_end();
    if t.len() == before.len() {
        return false;
    }
    let digits = t.chars().rev().take_while(char::is_ascii_digit).count();
    if !(1..=3).contains(&digits) {
        return false;
    }
    let head = &t[..t.len() - digits];
    let stands_alone = head.chars().next_back().is_none_or(|c| c.is_whitespace() || c.is_alphabetic());
    let prior = word_before(head);
    stands_alone && !is_number_sign(&prior) && !may_name_an_id(&prior.0)
}

/// The span of the amount the regex read at `start..end` of `text`, or `None` when the
/// digits around it leave it ambiguous:
/// - digits go on after it across a `.` or `,` ("€ 1 234.567,89"), or across a space after
///   a grouped amount ("41 278 814 992 7…") — a card's leftover digits or a notation not
///   read;
/// - it is grouped by spaces and digits stand a space before it ("le 03/12 1 299 €",
///   "5555 12 129,00 €");
/// - it is grouped and a word that counts things follows ("2 100 times");
/// - it has three digits before any decimals and a lone group of one to three digits
///   stands before it across a space ("1  299 €", "100 000 €", "452 129,00 €").
///
/// After a number sign ("order #12 129,00 €", "Nr. 12 129,00 €"), or tied to digits before
/// it by a sign ("03/12 149,00 €"), the first group is that number's and the rest is the
/// amount; after a word that may name an order or a document
/// ("order 12 129,00 €") a grouped amount is ambiguous, and an ungrouped one stands
/// ("Bestellung 452 129,00 €" is 129.00).
pub(super) fn amount_span(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let num = &text[start..end];
    let mut after = text[end..].chars();
    let next = after.next();
    let grouped = num.find(is_group_space);
    // (A space then digits after an amount not grouped is the next thing: "€49 3 days ago".)
    let goes_on = next.is_some_and(|c| matches!(c, '.' | ',') || (grouped.is_some() && is_group_space(c)));
    if goes_on && after.next().is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    let before = &text[..start];
    if let Some(first) = grouped {
        let mut back = before.chars().rev();
        let (last, prev) = (back.next(), back.next());
        let tied =
            matches!(last, Some('.' | ',' | '/' | ':' | '-' | '\'' | '’')) && prev.is_some_and(|c| c.is_ascii_digit());
        let prior = word_before(before);
        if is_number_sign(&prior) || tied {
            // The first group is a number's ("#12", "Nr. 12") or ends a date, a time or an
            // id ("03/12 149,00 €"): the rest is the amount.
            let rest = first + num[first..].chars().next().map_or(1, char::len_utf8);
            return Some((start + rest, end));
        }
        let spaced = last.is_some_and(char::is_whitespace) && prev.is_some_and(|c| c.is_ascii_digit());
        if spaced || last.is_some_and(|c| c.is_ascii_digit()) || may_name_an_id(&prior.0) {
            return None;
        }
        return (!counts_things(&word_after(text, end))).then_some((start, end));
    }
    let int_digits = num.chars().take_while(char::is_ascii_digit).count();
    if int_digits == 3 && lone_group_before(before) {
        return None;
    }
    Some((start, end))
}

/// The word after `end` in `text`, lowercased: the unit a number is followed by.
pub(super) fn word_after(text: &str, end: usize) -> String {
    text[end..].trim_start().chars().take_while(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}
