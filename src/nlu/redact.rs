//! Card-number redaction: every Luhn-valid run of 13-19 digits (ASCII or full-width),
//! optionally split by single spaces, dashes or dots, is replaced by a fixed marker. A
//! card glued to other digits at the front of a split chain (`99 4111 1111 1111 1111`
//! typed as `994111 1111 1111 1111`) is found too: a card is never echoed.

use std::borrow::Cow;

/// What a redacted card number is replaced with.
pub const CARD_MARKER: &str = "[card number removed]";

/// The result of [`redact_card_numbers`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redacted<'a> {
    /// The text with every full card number replaced by [`CARD_MARKER`].
    pub text: Cow<'a, str>,
    /// How many card numbers were removed.
    pub card_numbers: usize,
    /// The last four digits of the first plausible card number removed (a number that
    /// starts with 2-6 and is not part of a chat mention such as `<@123...>`).
    pub last4: Option<String>,
}

/// Luhn check over ASCII digit values (0..=9).
pub fn luhn_valid(digits: &[u8]) -> bool {
    if digits.is_empty() {
        return false;
    }
    let mut sum = 0u32;
    for (i, &d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d);
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

/// The digit value of the char at `pos` (ASCII or full-width), and its byte length.
#[inline]
fn digit_at(b: &[u8], pos: usize) -> Option<(u8, usize)> {
    let c = *b.get(pos)?;
    if c.is_ascii_digit() {
        return Some((c - b'0', 1));
    }
    // Full-width digits U+FF10..U+FF19 are EF BC 90..99 in UTF-8.
    if c == 0xEF && b.get(pos + 1) == Some(&0xBC) {
        if let Some(&c3) = b.get(pos + 2) {
            if (0x90..=0x99).contains(&c3) {
                return Some((c3 - 0x90, 3));
            }
        }
    }
    None
}

fn is_sep(c: Option<&u8>) -> bool {
    matches!(c, Some(b' ' | b'-' | b'.'))
}

/// Replace every full card number with [`CARD_MARKER`]. Borrows when nothing is removed.
pub fn redact_card_numbers(text: &str) -> Redacted<'_> {
    let b = text.as_bytes();
    // Cheap pre-check: at least 13 digit characters somewhere.
    let mut count = 0usize;
    let mut i = 0;
    while i < b.len() {
        if let Some((_, l)) = digit_at(b, i) {
            count += 1;
            i += l;
        } else {
            i += 1;
        }
    }
    if count < 13 {
        return Redacted { text: Cow::Borrowed(text), card_numbers: 0, last4: None };
    }

    let mut out: Option<String> = None;
    let mut copied_to = 0usize;
    let mut cards = 0usize;
    let mut last4: Option<String> = None;
    let mut digits: Vec<u8> = Vec::with_capacity(32);
    let mut digit_pos: Vec<usize> = Vec::with_capacity(32);
    let mut digit_end: Vec<usize> = Vec::with_capacity(32);
    let mut groups: usize;

    let mut pos = 0usize;
    while pos < b.len() {
        if digit_at(b, pos).is_none() {
            pos += 1;
            continue;
        }
        // A chain of digit groups separated by exactly one space or dash.
        digits.clear();
        digit_pos.clear();
        digit_end.clear();
        groups = 0;
        let chain_start = pos;
        let mut p = pos;
        loop {
            while let Some((d, l)) = digit_at(b, p) {
                digits.push(d);
                digit_pos.push(p);
                p += l;
                digit_end.push(p);
            }
            groups += 1;
            if is_sep(b.get(p)) && digit_at(b, p + 1).is_some() {
                p += 1;
                continue;
            }
            break;
        }
        let chain_end = p;
        // A single run must be the card itself (13..=19 digits, Luhn-valid): long ids such
        // as chat snowflakes stay. In a chain split by separators, any window of 13..=19
        // digits is a card, wherever it starts or ends: left to right, the longest
        // Luhn-valid window from each position is removed.
        let n = digits.len();
        let split = groups >= 2;
        let mut a = 0;
        while a < n {
            let mut found = None;
            for len in (13..=19).rev() {
                let e = a + len;
                if e > n || (!split && (a != 0 || e != n)) {
                    continue;
                }
                if luhn_valid(&digits[a..e]) {
                    found = Some(e);
                    break;
                }
            }
            let Some(e) = found else {
                if !split {
                    break;
                }
                a += 1;
                continue;
            };
            let start = digit_pos[a];
            let end = digit_end[e - 1];
            let o = out.get_or_insert_with(|| String::with_capacity(text.len() + 16));
            o.push_str(&text[copied_to..start]);
            o.push_str(CARD_MARKER);
            copied_to = end;
            cards += 1;
            if last4.is_none() {
                let plausible = (2..=6).contains(&digits[a]) && !mention_before(b, chain_start);
                if plausible {
                    last4 = Some(digits[e - 4..e].iter().map(|d| (b'0' + d) as char).collect());
                }
            }
            a = e;
        }
        pos = chain_end.max(pos + 1);
    }
    match out {
        Some(mut o) => {
            o.push_str(&text[copied_to..]);
            Redacted { text: Cow::Owned(o), card_numbers: cards, last4 }
        }
        None => Redacted { text: Cow::Borrowed(text), card_numbers: 0, last4: None },
    }
}

/// Is the digit run at `start` part of a chat mention / id like `<@&123>` or `#123`?
fn mention_before(b: &[u8], start: usize) -> bool {
    start > 0 && matches!(b[start - 1], b'@' | b'&' | b'#' | b':' | b'/' | b'=')
}

/// Does `text` still contain, as a run of its own (digits possibly split by single spaces
/// or dashes, starting and ending on group boundaries), a Luhn-valid 13-19 digit run of
/// `input`? Used by the evaluation's leak check.
pub fn contains_card_from(input: &str, text: &str) -> bool {
    let found = digit_runs(input, true);
    if found.is_empty() {
        return false;
    }
    digit_runs(text, false).iter().any(|run| found.contains(run))
}

/// Digit chains (groups joined by single spaces/dashes): each chain as its groups of digit values.
fn digit_chain_groups(text: &str) -> Vec<Vec<Vec<u8>>> {
    let b = text.as_bytes();
    let mut chains = Vec::new();
    let mut chain: Vec<Vec<u8>> = Vec::new();
    let mut cur: Vec<u8> = Vec::new();
    let mut p = 0;
    while p < b.len() {
        if let Some((d, l)) = digit_at(b, p) {
            cur.push(d);
            p += l;
        } else if is_sep(b.get(p)) && !cur.is_empty() && digit_at(b, p + 1).is_some() {
            chain.push(std::mem::take(&mut cur));
            p += 1;
        } else {
            if !cur.is_empty() {
                chain.push(std::mem::take(&mut cur));
            }
            if !chain.is_empty() {
                chains.push(std::mem::take(&mut chain));
            }
            p += 1;
        }
    }
    if !cur.is_empty() {
        chain.push(cur);
    }
    if !chain.is_empty() {
        chains.push(chain);
    }
    chains
}

/// Every 13..=19 digit window of a chain that starts and ends on group boundaries
/// (only the Luhn-valid ones when `luhn` is set).
fn digit_runs(text: &str, luhn: bool) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for chain in digit_chain_groups(text) {
        for s in 0..chain.len() {
            let mut run: Vec<u8> = Vec::new();
            for g in &chain[s..] {
                run.extend_from_slice(g);
                if run.len() > 19 {
                    break;
                }
                if run.len() >= 13 && (!luhn || luhn_valid(&run)) {
                    out.push(run.clone());
                }
            }
        }
    }
    out
}
