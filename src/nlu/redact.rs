//! Card-number redaction on the raw text, char by char (never after a split/rejoin).
//! Adyen's pspReference is "a 16-character unique reference" (Checkout API v72): an
//! all-digit one that passes Luhn cannot be told from a card and is removed from a
//! person's message (fail safe); one that fails Luhn (`8835511210681071`) stays.
//!
//! **Candidates.** A *group* is a run of Unicode decimal digits (general category `Nd`,
//! any script: ASCII, Arabic-Indic, full-width, Devanagari, …, each mapped to its value).
//! Groups joined by short *separator* runs form a *chain*. A separator is any character
//! that is neither a letter nor a number (space, tab, NBSP, newline, `/ _ , . - – —`,
//! ideographic space, …); a run may hold at most [`MAX_SEPARATOR_CHARS`] visible characters
//! plus any number (up to [`MAX_INVISIBLE_CHARS`]) of invisible ones (zero-width spaces,
//! joiners, BOM, soft hyphen, combining marks). A letter ends a chain.
//!
//! **Card numbers.** In a chain, a window of whole groups holding 13–19 digits that passes
//! the Luhn check (not starting with 0; 13 digits only from 4–6) is a card number when its
//! grouping is one people use for cards (`card_shape`): one run; fours (4-4-4-4,
//! 4-4-4-4-3, 4-4-4-1, 4-4-5; a short last group only at the end of the chain) with any
//! separators; digit by digit, pairs or threes with single spaces or dashes; Amex/Diners
//! 4-6-5 / 4-6-4 and 16 digits in fours with gaps left out (8-8, 4-8-4, 12-4) only as a
//! whole chain with one kind of separator. Also caught: an expiry or other digits glued
//! to the end (`411111111111111112/27`, `41111111111111111227`), digits glued to either
//! end of a 4-4-4-4 number (`994111 1111 1111 1111`). The whole span (digits and inner
//! separators) becomes one [`CARD_MARKER`]; the text is scanned again until nothing more
//! is found (removing one number can leave its neighbour standing alone).
//!
//! **What survives.** Dates and times (4-2-2, 2-2-4, 2:2:2), amounts (`1,234,567.89`,
//! lists of them), phone numbers written with a leading `+` (at most 15 digits, ITU-T
//! E.164), IBANs whose mod-97 check holds, millisecond timestamps, invoice and order
//! references (`INV-2026-000123 …`, `#837261642805 (870) …`), provider ids whose digit
//! runs are shorter than 13 (`ch_3Mml…`, `8MC585209K746392H`, `tr_7UhSN1zuXS`), Discord
//! mentions (`<@…>`, `<@!…>`, `<#…>`, `<@&…>`, `</cmd:…>`, `<:emoji:…>`, `<t:…>`) and the
//! user of a `/link` command. Outgoing text ([`redact_outgoing`]) also keeps bare Discord
//! snowflakes (17–20 ASCII digits created between 2015 and 2035): user ids are printed
//! in it. Known ambiguity, resolved toward removal: a Luhn-valid 13–19 digit run inside
//! a longer id (`912115909017405A`) or four 4-digit numbers in a row.

use std::borrow::Cow;

/// What a redacted card number is replaced with.
pub const CARD_MARKER: &str = "[card number removed]";

/// Visible separator characters allowed between two digit groups of one number.
pub const MAX_SEPARATOR_CHARS: usize = 3;

/// Invisible characters (zero-width, format, combining) allowed between two digit groups.
pub const MAX_INVISIBLE_CHARS: usize = 16;

/// The result of [`redact_card_numbers`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redacted<'a> {
    /// The text with every full card number replaced by [`CARD_MARKER`].
    pub text: Cow<'a, str>,
    /// How many card numbers were removed.
    pub card_numbers: usize,
    /// The last four digits (ASCII) of the last card number removed.
    pub last4: Option<String>,
}

/// Luhn check over digit values (0..=9).
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

/// Digits of every script are the domain's (money parsing reads them too).
pub use crate::domain::digits::nd_digit;

/// Invisible characters that never count toward the separator length (U+0001 is the
/// filler of [`unescaped_view`]).
#[inline]
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{0001}' | '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
        || ('\u{0300}'..='\u{036F}').contains(&c)
        || ('\u{FE00}'..='\u{FE0F}').contains(&c)
}

/// Who the text is for: inbound (a person's message) or outbound (what the bot stores,
/// sends and logs, where bare user ids are printed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Inbound,
    Outbound,
}

/// One run of digits: its byte span and where its digits start in the chain's digits.
#[derive(Debug, Clone, Copy)]
struct Group {
    start: usize,
    end: usize,
    off: usize,
    len: usize,
    ascii: bool,
}

/// A found card number: byte span and its digits.
struct Found {
    start: usize,
    end: usize,
    /// The card's digit values.
    card: Vec<u8>,
}

/// Replace every full card number in a person's message with [`CARD_MARKER`]. Borrows
/// when nothing is removed. Discord mentions and the user of `/link` are ids and stay.
pub fn redact_card_numbers(text: &str) -> Redacted<'_> {
    redact(text, Mode::Inbound)
}

/// The last line of defence for text leaving the core (outbox items, audit details,
/// provider request fields, log lines): like [`redact_card_numbers`], and bare Discord
/// snowflakes (user ids printed in messages) stay.
pub fn redact_outgoing(text: &str) -> Redacted<'_> {
    redact(text, Mode::Outbound)
}

/// Cheap check: does a person's text hold a full card number?
pub fn contains_card_number(text: &str) -> bool {
    enough_digits(text) && !scan(text, Mode::Inbound).is_empty()
}

/// Log lines: [`redact_outgoing`] that also reads the escapes log formatters write for
/// separators (`\t`, `\n`, `\r`, JSON `\u00a0`, Rust debug `\u{200b}`) as separators, so
/// that `4111\t1111\t1111\t1111` printed with `{:?}` or as JSON is still found.
pub fn redact_log_line(text: &str) -> Redacted<'_> {
    if !text.contains('\\') {
        return redact(text, Mode::Outbound);
    }
    let view = unescaped_view(text);
    if !enough_digits(&view) {
        return Redacted { text: Cow::Borrowed(text), card_numbers: 0, last4: None };
    }
    settle(splice(text, scan(&view, Mode::Outbound)), |t| splice(t, scan(&unescaped_view(t), Mode::Outbound)))
}

/// `text` with each escape sequence replaced by one space and invisible filler bytes:
/// the same length and char boundaries, so spans found in it are spans of `text`.
fn unescaped_view(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        let hex =
            |r: std::ops::Range<usize>| b.get(r).is_some_and(|h| !h.is_empty() && h.iter().all(u8::is_ascii_hexdigit));
        let len = match b[i + 1] {
            b't' | b'n' | b'r' => 2,
            b'u' if b.get(i + 2) == Some(&b'{') => match b[i + 3..].iter().take(8).position(|&c| c == b'}') {
                Some(p) if hex(i + 3..i + 3 + p) => p + 4,
                _ => 0,
            },
            b'u' if hex(i + 2..i + 6) => 6,
            _ => 0,
        };
        if len == 0 {
            i += 1;
            continue;
        }
        out.push_str(&text[copied..i]);
        out.push(' ');
        out.extend(std::iter::repeat_n('\u{1}', len - 1));
        i += len;
        copied = i;
    }
    out.push_str(&text[copied..]);
    out
}

fn redact(text: &str, mode: Mode) -> Redacted<'_> {
    settle(redact_once(text, mode), |t| redact_once(t, mode))
}

fn redact_once(text: &str, mode: Mode) -> Redacted<'_> {
    if !enough_digits(text) {
        return Redacted { text: Cow::Borrowed(text), card_numbers: 0, last4: None };
    }
    splice(text, scan(text, mode))
}

/// Removing a number can leave a neighbour of its chain standing alone, where it reads
/// as a card (an Amex next to a Visa): scan again until nothing more is found.
fn settle<'a>(mut r: Redacted<'a>, again: impl Fn(&str) -> Redacted<'_>) -> Redacted<'a> {
    // Every round removes at least one number of 13+ digits, so the text's digits bound the
    // rounds (a fixed count of 8 left a card in a chain of nine, found by the fuzz target).
    let rounds = r.text.chars().filter(|&c| nd_digit(c).is_some()).count() / 13 + 1;
    for _ in 0..rounds {
        if r.card_numbers == 0 {
            break;
        }
        let (more, text) = {
            let next = again(&r.text);
            (next.card_numbers, next.text.into_owned())
        };
        if more == 0 {
            break;
        }
        r = Redacted { text: Cow::Owned(text), card_numbers: r.card_numbers + more, last4: r.last4 };
    }
    r
}

/// `text` with the found spans replaced by [`CARD_MARKER`].
fn splice(text: &str, found: Vec<Found>) -> Redacted<'_> {
    let Some(last) = found.last() else {
        return Redacted { text: Cow::Borrowed(text), card_numbers: 0, last4: None };
    };
    let last4: String = last.card[last.card.len() - 4..].iter().map(|d| char::from(b'0' + d)).collect();
    let mut out = String::with_capacity(text.len() + 16);
    let mut copied = 0;
    for f in &found {
        out.push_str(&text[copied..f.start]);
        out.push_str(CARD_MARKER);
        copied = f.end;
    }
    out.push_str(&text[copied..]);
    Redacted { text: Cow::Owned(out), card_numbers: found.len(), last4: Some(last4) }
}

/// At least 13 decimal digits somewhere (the shortest card number).
fn enough_digits(text: &str) -> bool {
    let n = if text.is_ascii() {
        text.bytes().filter(u8::is_ascii_digit).count()
    } else {
        text.chars().filter(|&c| nd_digit(c).is_some()).count()
    };
    n >= 13
}

/// Byte spans that are ids, not card numbers: Discord mentions and the user of `/link`.
fn protected_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(p) = text[i..].find('<') {
        let s = i + p;
        if let Some(len) = mention_len(&b[s..]) {
            spans.push((s, s + len));
            i = s + len;
        } else {
            i = s + 1;
        }
    }
    // `/link <user> <account>`: the user is an id (typed as digits or a mention).
    let t = text.trim_start();
    let lead = text.len() - t.len();
    if t.len() > 5 && (t.starts_with('/') || t.starts_with('!')) && t.as_bytes()[1..5].eq_ignore_ascii_case(b"link") {
        let rest = &t[5..];
        let arg = rest.trim_start();
        if arg.len() < rest.len() {
            let start = lead + 5 + (rest.len() - arg.len());
            let word = arg.split(char::is_whitespace).next().unwrap_or("");
            let id = word.strip_prefix('@').unwrap_or(word);
            if snowflake_digits(id) {
                spans.push((start, start + word.len()));
            }
        }
    }
    iban_spans(text, &mut spans);
    spans.sort_unstable();
    spans
}

/// IBANs (ISO 13616: two letters, two check digits, up to 30 letters and digits, often in
/// groups of four) whose mod-97 check holds: bank accounts, not cards.
fn iban_spans(text: &str, spans: &mut Vec<(usize, usize)>) {
    let b = text.as_bytes();
    let mut i = 0;
    'outer: while i + 4 <= b.len() {
        let word_start = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        if word_start
            && b[i].is_ascii_uppercase()
            && b[i + 1].is_ascii_uppercase()
            && b[i + 2].is_ascii_digit()
            && b[i + 3].is_ascii_digit()
        {
            let mut chars: Vec<u8> = Vec::with_capacity(34);
            let mut ends: Vec<usize> = Vec::with_capacity(34);
            let mut p = i;
            while p < b.len() && chars.len() < 34 {
                let c = b[p];
                if c.is_ascii_alphanumeric() {
                    chars.push(c.to_ascii_uppercase());
                    p += 1;
                    ends.push(p);
                } else if c == b' ' && b.get(p + 1).is_some_and(u8::is_ascii_alphanumeric) {
                    p += 1;
                } else {
                    break;
                }
            }
            for k in (15..=chars.len()).rev() {
                if iban_valid(&chars[..k]) {
                    let end = ends[k - 1];
                    spans.push((i, end));
                    i = end;
                    continue 'outer;
                }
            }
        }
        i += 1;
    }
}

/// ISO 13616 / ISO 7064 mod 97-10: the first four characters moved to the end, letters
/// as 10..35, the number mod 97 is 1.
fn iban_valid(c: &[u8]) -> bool {
    let mut r: u32 = 0;
    for &ch in c.iter().skip(4).chain(c.iter().take(4)) {
        r = if ch.is_ascii_digit() {
            (r * 10 + u32::from(ch - b'0')) % 97
        } else {
            (r * 100 + u32::from(ch - b'A') + 10) % 97
        };
    }
    r == 1
}

/// The length of a Discord mention at the start of `b`: `<@id>`, `<@!id>`, `<#id>`,
/// `<@&id>`, `</name:id>`, `<:name:id>`, `<a:name:id>`, `<t:secs>` / `<t:secs:R>`.
fn mention_len(b: &[u8]) -> Option<usize> {
    let close = b.iter().take(128).position(|&c| c == b'>')?;
    let inner = std::str::from_utf8(&b[1..close]).ok()?;
    let digits = |s: &str| !s.is_empty() && s.len() <= 20 && s.bytes().all(|c| c.is_ascii_digit());
    let ok = if let Some(id) = inner
        .strip_prefix("@!")
        .or_else(|| inner.strip_prefix("@&"))
        .or_else(|| inner.strip_prefix('@'))
        .or_else(|| inner.strip_prefix('#'))
    {
        digits(id)
    } else if let Some(rest) = inner.strip_prefix("t:") {
        let secs = rest.split(':').next().unwrap_or("");
        digits(secs) && rest.len() <= secs.len() + 2
    } else if let Some(rest) =
        inner.strip_prefix('/').or_else(|| inner.strip_prefix("a:")).or_else(|| inner.strip_prefix(':'))
    {
        rest.rsplit_once(':')
            .is_some_and(|(name, id)| !name.is_empty() && !name.contains(['<', '>', '\n']) && digits(id))
    } else {
        false
    };
    ok.then_some(close + 1)
}

/// Every card number of `text`, in order, as non-overlapping byte spans.
fn scan(text: &str, mode: Mode) -> Vec<Found> {
    let protected = protected_spans(text);
    let mut found = Vec::new();
    let mut digits: Vec<u8> = Vec::with_capacity(32);
    let mut groups: Vec<Group> = Vec::with_capacity(8);
    // Separator state after the current group: visible and invisible chars seen.
    let mut sep_visible = 0usize;
    let mut sep_invisible = 0usize;
    let mut in_group = false;
    let mut next_protected = 0usize;
    let mut iter = text.char_indices();
    while let Some((pos, c)) = iter.next() {
        if let Some(&(ps, pe)) = protected.get(next_protected) {
            if pos >= ps {
                next_protected += 1;
                flush(text, mode, &mut groups, &mut digits, &mut found);
                in_group = false;
                // Skip to the end of the protected span.
                while iter.clone().next().is_some_and(|(p, _)| p < pe) {
                    iter.next();
                }
                continue;
            }
        }
        if let Some(d) = nd_digit(c) {
            if in_group {
                if let Some(g) = groups.last_mut() {
                    g.end = pos + c.len_utf8();
                    g.len += 1;
                    g.ascii &= c.is_ascii();
                }
            } else {
                if !groups.is_empty() && (sep_visible > MAX_SEPARATOR_CHARS || sep_invisible > MAX_INVISIBLE_CHARS) {
                    flush(text, mode, &mut groups, &mut digits, &mut found);
                }
                groups.push(Group {
                    start: pos,
                    end: pos + c.len_utf8(),
                    off: digits.len(),
                    len: 1,
                    ascii: c.is_ascii(),
                });
                in_group = true;
            }
            digits.push(d);
            continue;
        }
        if c.is_alphanumeric() {
            // A letter (or a non-decimal number) ends the chain.
            flush(text, mode, &mut groups, &mut digits, &mut found);
            in_group = false;
            continue;
        }
        if in_group {
            in_group = false;
            sep_visible = 0;
            sep_invisible = 0;
        }
        if groups.is_empty() {
            continue;
        }
        if is_invisible(c) {
            sep_invisible += 1;
        } else {
            sep_visible += 1;
        }
        if sep_visible > MAX_SEPARATOR_CHARS || sep_invisible > MAX_INVISIBLE_CHARS {
            flush(text, mode, &mut groups, &mut digits, &mut found);
        }
    }
    flush(text, mode, &mut groups, &mut digits, &mut found);
    found
}

/// A bare Discord snowflake: 17–20 ASCII digits whose creation time (the top 42 bits, in
/// ms since the Discord epoch 2015-01-01) is before 2035-01-01. A 19-digit card number
/// starting with 3–9 lies far beyond that.
fn snowflake_digits(s: &str) -> bool {
    const HORIZON_MS: u64 = 631_152_000_000; // 2015-01-01 .. 2035-01-01
    (17..=20).contains(&s.len())
        && s.bytes().all(|c| c.is_ascii_digit())
        && s.parse::<u64>().is_ok_and(|v| v >> 22 <= HORIZON_MS)
}

fn is_snowflake(text: &str, g: &Group) -> bool {
    g.ascii && snowflake_digits(&text[g.start..g.end])
}

/// The separator text between groups `k` and `k + 1`.
fn sep<'t>(text: &'t str, groups: &[Group], k: usize) -> &'t str {
    &text[groups[k].end..groups[k + 1].start]
}

/// Is this a grouping people use for card numbers? `lens` are the window's group lengths
/// (the last possibly cut to the card's part), `seps` the separators between them,
/// `starts_chain` whether no digit group comes before the window in its chain (or only a
/// card number already found), `ends_chain` whether none comes after it (or an expiry
/// after a `/`).
fn card_shape(lens: &[usize], seps: &[&str], starts_chain: bool, ends_chain: bool) -> bool {
    let Some((&last, rest)) = lens.split_last() else { return false };
    // One run.
    let Some(&l) = rest.first() else { return true };
    // Groups of four (4-4-4-4, 4-4-4-4-3, 4-4-4-1, 4-4-5), any separators. A short last
    // group ends the chain: `7946 0958 2026-11-30` is a phone number and a date.
    if rest.iter().all(|&x| x == 4) && (last == 4 || (last < 4 || lens == [4, 4, 5]) && ends_chain) {
        return true;
    }
    // Digit by digit, pairs, threes: only with single spaces or dashes, since pairs and
    // threes with `.`, `,` or `:` are how dates, times and amounts look (`205,746,387.06`).
    if (1..=3).contains(&l) && rest.iter().all(|&x| x == l) && last <= l {
        return seps.iter().all(|s| visible(s) == " " || visible(s) == "-");
    }
    // Amex and Diners 4-6-5 / 4-6-4 (or 10-5, 4-11), and 16 digits in fours with gaps left
    // out (4-8-4, 8-8, 12-4): only as the first number of its chain and with one kind of
    // separator — `INV-2025-775688 2041-01-01`, `1.1.2089 #114150457694` and
    // `#837261642805 (870) 200` are something else.
    let mut at = 0;
    let mut amex = true;
    for &x in rest {
        at += x;
        amex &= at == 4 || at == 10;
    }
    let total = at + last;
    let irregular =
        amex && (total == 14 || total == 15) || total == 16 && lens.iter().all(|&x| matches!(x, 4 | 8 | 12));
    irregular && starts_chain && ends_chain && seps.windows(2).all(|w| sep_kind(w[0]) == sep_kind(w[1]))
}

/// A separator without its invisible characters.
fn visible(s: &str) -> String {
    s.chars().filter(|c| !is_invisible(*c)).collect()
}

/// What a separator is made of: blank (any spaces, tabs, newlines) or its punctuation.
fn sep_kind(s: &str) -> String {
    s.chars().filter(|c| !is_invisible(*c) && !c.is_whitespace()).collect()
}

/// No card number starts with 0 (major industry identifier 0 of ISO/IEC 7812 is not
/// issued to card networks): `0000000000000000` and zero-padded ids are not cards.
/// 13-digit card numbers are old Visa (4) and Maestro (5, 6) numbers (the IIN ranges the
/// networks publish): a 13-digit millisecond timestamp (`1764460800006`) is not a card.
fn plausible_start(card: &[u8]) -> bool {
    match card.first() {
        Some(0) | None => false,
        Some(&d) => card.len() != 13 || (4..=6).contains(&d),
    }
}

/// Month 01..=12 from two digit values.
fn is_month(d: &[u8]) -> bool {
    matches!(d, [0, 1..=9] | [1, 0..=2])
}

/// Finds the card numbers of one chain, then clears it.
fn flush(text: &str, mode: Mode, groups: &mut Vec<Group>, digits: &mut Vec<u8>, found: &mut Vec<Found>) {
    if digits.len() >= 13 {
        find_in_chain(text, mode, groups, digits, found);
    }
    groups.clear();
    digits.clear();
}

fn find_in_chain(text: &str, mode: Mode, groups: &[Group], digits: &[u8], found: &mut Vec<Found>) {
    let n = groups.len();
    // Outgoing text prints user ids: a bare snowflake is not a card by itself.
    let blocked: Vec<bool> = groups.iter().map(|g| mode == Mode::Outbound && is_snowflake(text, g)).collect();
    // A phone number in international form (`+44 20 7946 0958`): E.164 numbers have at
    // most 15 digits. Windows starting at its first group are not cards.
    let phone = groups.first().is_some_and(|g| text[..g.start].trim_end_matches([' ', '(']).ends_with('+'))
        && digits.len() <= 15;
    // An identifier such as `INV-2026-…` or `order#…`: its first group is not a card's.
    let glued = groups.first().is_some_and(|g| {
        let mut before = text[..g.start].chars().rev();
        match before.next() {
            Some(c) if c.is_alphanumeric() => true,
            Some('-' | '_' | '#' | '/' | '.') => before.next().is_some_and(char::is_alphanumeric),
            _ => false,
        }
    });
    let mut i = usize::from(phone);
    // Where the chain starts for the windows: its first group, or the group after a card
    // number found in it (the marker that replaces it breaks the chain).
    let mut start = 0;
    while i < n {
        match card_at(text, groups, digits, &blocked, i, i == start && !(glued && i == 0)) {
            Some((j, lo, hi)) => {
                found.push(Found { start: groups[i].start, end: groups[j].end, card: digits[lo..hi].to_vec() });
                i = j + 1;
                start = i;
            }
            None => i += 1,
        }
    }
}

/// The longest card number starting in group `i`: (last group, digit range).
fn card_at(
    text: &str,
    groups: &[Group],
    digits: &[u8],
    blocked: &[bool],
    i: usize,
    starts_chain: bool,
) -> Option<(usize, usize, usize)> {
    let n = groups.len();
    let g0 = groups[i].off;
    let ends: Vec<usize> = (i..n).take_while(|&j| groups[j].off - g0 <= 19).collect();
    let lens = |j: usize, last: usize| -> Vec<usize> {
        groups[i..j].iter().map(|g| g.len).chain(std::iter::once(last)).collect()
    };
    let seps = |j: usize| -> Vec<&str> { (i..j).map(|k| sep(text, groups, k)).collect() };
    // Windows of whole groups, and windows whose last group is cut (an expiry or other
    // digits glued to the end), longest first.
    for &j in ends.iter().rev() {
        let gj = groups[j];
        let single = j == i;
        let mut cuts = Vec::with_capacity(4);
        if !(single && blocked[i]) {
            cuts.push(gj.len);
        }
        // 4-4-4-4 with digits glued to the last group.
        if !single && gj.len > 4 && groups[i..j].iter().all(|g| g.len == 4) {
            cuts.push(4);
        }
        if single && gj.len >= 15 {
            let tail = |k: usize| &digits[gj.off + gj.len - k..gj.off + gj.len];
            // An expiry glued on: `…1111 12/27` typed as `…111112/27`.
            let slash_next =
                j + 1 < n && sep(text, groups, j).contains(['/', '-']) && matches!(groups[j + 1].len, 2 | 4);
            if is_month(tail(2)) && slash_next {
                cuts.push(gj.len - 2);
            }
            if !blocked[i] {
                // `…11111227` (MMYY), and a 16-digit card with other digits glued on.
                if is_month(&tail(4)[..2]) {
                    cuts.push(gj.len - 4);
                }
                if (17..=20).contains(&gj.len) && matches!(digits[gj.off], 2..=6) {
                    cuts.push(16);
                }
            }
        }
        for cut in cuts {
            let lo = g0;
            let hi = gj.off + cut;
            if !(13..=19).contains(&(hi - lo)) || !plausible_start(&digits[lo..hi]) {
                continue;
            }
            let glued_after = text[gj.end..].chars().next().is_some_and(char::is_alphanumeric);
            let ends_chain =
                cut < gj.len || j + 1 == n && !glued_after || j + 1 < n && sep(text, groups, j).contains('/');
            if card_shape(&lens(j, cut), &seps(j), starts_chain, ends_chain) && luhn_valid(&digits[lo..hi]) {
                return Some((j, lo, hi));
            }
        }
    }
    // Groups of four with digits glued to the first and/or the last group
    // (`994111 1111 1111 1111`, `54111 1111 1111 111199`): the last four digits of the
    // first group, the middle groups of four, the first four (or fewer) of the last.
    let gi = groups[i];
    if gi.len >= 4 {
        for j in i + 1..n {
            let gj = groups[j];
            if j > i + 1 && groups[j - 1].len != 4 {
                break;
            }
            let lo = gi.off + gi.len - 4;
            let hi = gj.off + gj.len.min(4);
            if hi - lo > 19 {
                break;
            }
            let glued = gi.len > 4 || gj.len > 4;
            if glued && hi - lo >= 13 && plausible_start(&digits[lo..hi]) && luhn_valid(&digits[lo..hi]) {
                return Some((j, lo, hi));
            }
        }
    }
    None
}

/// Does `text` still hold a card number found in `input`, as a window of whole digit
/// groups of one chain (any grouping)? Used by the evaluation's leak check and the tests.
pub fn contains_card_from(input: &str, text: &str) -> bool {
    if !enough_digits(input) {
        return false;
    }
    let cards: Vec<Vec<u8>> = scan(input, Mode::Inbound).into_iter().map(|f| f.card).collect();
    if cards.is_empty() {
        return false;
    }
    let hit = |chain: &[Vec<u8>]| {
        (0..chain.len()).any(|a| {
            let mut run: Vec<u8> = Vec::new();
            chain[a..].iter().any(|g| {
                run.extend_from_slice(g);
                cards.contains(&run)
            })
        })
    };
    let mut chain: Vec<Vec<u8>> = Vec::new();
    let mut in_group = false;
    let mut seps = 0usize;
    for c in text.chars() {
        if let Some(d) = nd_digit(c) {
            match chain.last_mut() {
                Some(g) if in_group => g.push(d),
                _ => chain.push(vec![d]),
            }
            in_group = true;
            seps = 0;
            continue;
        }
        in_group = false;
        seps += usize::from(!is_invisible(c));
        if c.is_alphanumeric() || seps > MAX_SEPARATOR_CHARS {
            if hit(&chain) {
                return true;
            }
            chain.clear();
        }
    }
    hit(&chain)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `s` with its ASCII digits written in the script whose zero is `zero`.
    fn script(s: &str, zero: u32) -> String {
        s.chars().map(|c| c.to_digit(10).and_then(|d| char::from_u32(zero + d)).unwrap_or(c)).collect()
    }

    fn digits_of(s: &str) -> Vec<u8> {
        s.chars().filter_map(nd_digit).collect()
    }

    fn group(s: &str, sizes: &[usize], sep: &str) -> String {
        let mut out = Vec::new();
        let mut at = 0;
        for &n in sizes {
            out.push(&s[at..at + n]);
            at += n;
        }
        out.join(sep)
    }

    /// (text, the card digits in it): every one must be caught.
    fn card_corpus() -> Vec<(String, &'static str)> {
        let v = "4111111111111111";
        let four = |sep: &str| group(v, &[4, 4, 4, 4], sep);
        let mut c: Vec<(String, &'static str)> = vec![
            (v.to_string(), v),
            (four(" "), v),
            (four("\t"), v),
            (four("  "), v),
            (four("\u{00A0}"), v),
            (four("\n"), v),
            (four("\r\n"), v),
            (four("/"), v),
            (four("_"), v),
            (four(","), v),
            (four("."), v),
            (four("-"), v),
            (four("\u{2013}"), v),
            (four("\u{2014}"), v),
            (four("\u{200B}"), v),
            (four("\u{200C}"), v),
            (four("\u{200D}"), v),
            (four("\u{2060}"), v),
            (four("\u{FEFF}"), v),
            (four("\u{3000}"), v),
            (four(" - "), v),
            (four("\u{200B}\u{200B}\u{200B}\u{200B}\u{200B}"), v),
            ("4111 -1111_1111/1111".into(), v),
            ("4111\u{00A0}\u{2013}\u{00A0}1111\t1111\u{3000}1111".into(), v),
            (script(v, 0x660), v),                                     // Arabic-Indic
            (script(v, 0x6F0), v),                                     // Extended Arabic-Indic (Persian)
            (script(v, 0x966), v),                                     // Devanagari
            (script(v, 0x9E6), v),                                     // Bengali
            (script(v, 0xE50), v),                                     // Thai
            (script(&four(" "), 0xFF10), v),                           // full-width
            ("4١1١ 1111 ۱۱۱۱ ११११".into(), v),                         // mixed scripts
            ("4222222222222".into(), "4222222222222"),                 // Visa, 13 digits
            ("3782 822463 10005".into(), "378282246310005"),           // Amex 4-6-5
            ("371449635398431".into(), "371449635398431"),             // Amex
            ("5555 5555 5555 4444".into(), "5555555555554444"),        // Mastercard
            ("2223-0031-2200-3222".into(), "2223003122003222"),        // Mastercard 2-series
            ("6011 1111 1111 1117".into(), "6011111111111117"),        // Discover
            ("3056 930902 5904".into(), "30569309025904"),             // Diners, 14 digits 4-6-4
            ("3530111333300000".into(), "3530111333300000"),           // JCB
            ("6200 0000 0000 0005".into(), "6200000000000005"),        // UnionPay
            ("6799 9901 0000 0000 019".into(), "6799990100000000019"), // Maestro, 19 digits
            ("4000000000000000006".into(), "4000000000000000006"),     // Visa, 19 digits
            ("4111111111111111 12/27".into(), v),
            ("411111111111111112/27".into(), v),
            ("41111111111111111227".into(), v),
            ("4111 1111 1111 1111 12/27 123".into(), v),
            ("card4111111111111111exp".into(), v),
            ("(4111 1111 1111 1111)".into(), v),
            ("\"4111-1111-1111-1111\"".into(), v),
            ("«4111 1111 1111 1111»".into(), v),
            ("https://pay.example.com/?card=4111111111111111&x=1".into(), v),
            ("my card is 4242-4242-4242-4242, thanks".into(), "4242424242424242"),
            ("ref 994111 1111 1111 1111".into(), v),
            ("4111 1111 1111 1111 3056 930902 5904".into(), "30569309025904"), // Diners beside a Visa
            ("4242 4242 4242 4242INV".into(), "4242424242424242"),
            ("1e54111 1111 1111 111199999999999999999999".into(), v),
            ("4111 1111 1111 1111123".into(), v),
            ("4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1".into(), v),
            ("41111111 11111111".into(), v),
            ("41 11 11 11 11 11 11 11".into(), v),
            ("/wallet buy 4111_1111_1111_1111".into(), v),
            ("/refund ch_1 12 card 4111\t1111\t1111\t1111".into(), v),
            ("/link 4111111111111111 acct-1".into(), v),
            ("/link 6799990100000000019 acct-1".into(), "6799990100000000019"), // 19 digits: not a snowflake
            ("/ticket close RF-000001 card 4012 8888 8888 1881".into(), "4012888888881881"),
        ];
        c.push((group("6759649826438453", &[4, 4, 4, 4], "\u{00A0}"), "6759649826438453")); // Maestro
        c
    }

    /// Text that must come out byte for byte: (text, why it survives).
    fn near_misses() -> Vec<&'static str> {
        vec![
            "1,234,567.89",
            "12.50 EUR",
            "$1,299.00 and €1.234.567,89",
            "2026-11-30",
            "30/11/2026 14:05",
            "2026-11-30 14:05:06",        // 14 digits, Luhn-valid: a date and a time
            "30/11/2026 14:05:06",        // the same, day first
            "30.11.2026, 14:05:06",       // the same with a comma
            "12.50, 13.75, 99.99, 10.02", // 16 digits, Luhn-valid: four amounts
            "12:30:45 13:45:50 14:02",    // 16 digits, Luhn-valid: times
            "+1 (415) 555-0132",
            "+44 20 7946 0958",
            "+44 20 7946 094", // Luhn-valid 11 digits
            "+86 138 0013 8000",
            "+49 30 1234 5678 90",
            "+1-800-555-0199 ext 1234",
            "call 415-555-0132 or 415-555-0199",
            "INV-2026-000123",
            "order #123456789012",
            "order 1234-5678-9012",
            "ch_3MmlLrLkdIwHu7ix0snN0B15",
            "pi_3MtwBwLkdIwHu7ix28a3tqPa",
            "re_3MtwBwLkdIwHu7ix0y7xJ4Bn",
            "8835511210681071", // Adyen pspReference (16 digits, not Luhn-valid)
            "psp 8835511210681071 ok",
            "8MC585209K746392H",         // PayPal capture id
            "bt txn 1j2k3l4m",           // Braintree transaction id
            "sq KkAkhdMsgzn59SM8A5AABA", // Square payment id
            "tr_7UhSN1zuXS",             // Mollie payment id
            "<@175928847299117063>",
            "<@175928847299117062>", // Luhn-valid snowflake
            "<@!175928847299117062>",
            "<#175928847299117062>",
            "<@&175928847299117062>",
            "</refund:175928847299117062>",
            "<:ok:175928847299117062>",
            "<t:1764460800:R>",
            "/link <@175928847299117062> acct-1",
            "/link 175928847299117062 acct-1",
            "!link @175928847299117062 acct-1",
            "1764460800000",         // Unix ms timestamp
            "1764460800006",         // Unix ms timestamp, Luhn-valid
            "1764460800-1764547200", // a range of Unix seconds
            "978-0-306-40615-7",     // ISBN-13
            "9780306406157",
            "DE37 3704 0044 4217 9870 67", // IBAN: 3704004442179870 is Luhn-valid
            "DE37370400444217987067",
            "GB29 NWBK 6016 1331 9268 19",
            "123e4567-e89b-12d3-a456-426614174000",
            "tracking 1Z999AA10123456784",
            "RF-000001 RF-000002 RF-000003",
            "/refund ch_1 12.50 EUR duplicate",
            "/refund ch_1 ١٢ reason",
        ]
    }

    #[test]
    fn every_card_format_is_caught() {
        let corpus = card_corpus();
        let mut missed = Vec::new();
        for (text, card) in &corpus {
            let r = redact_card_numbers(text);
            let out_digits: String = digits_of(&r.text).iter().map(|d| char::from(b'0' + d)).collect();
            if r.card_numbers == 0 || out_digits.contains(card) || r.last4.as_deref() != Some(&card[card.len() - 4..]) {
                missed.push(format!("{text:?} -> {:?} ({:?})", r.text, r.last4));
            }
            assert!(contains_card_number(text), "{text:?}");
            assert_eq!(redact_outgoing(text).card_numbers, r.card_numbers, "{text:?}");
            assert!(!contains_card_from(text, &r.text), "{text:?}");
        }
        eprintln!("card formats caught: {}/{}", corpus.len() - missed.len(), corpus.len());
        assert!(corpus.len() >= 40);
        assert!(missed.is_empty(), "missed:\n{}", missed.join("\n"));
    }

    #[test]
    fn near_misses_survive_byte_for_byte() {
        let corpus = near_misses();
        let mut changed = Vec::new();
        for text in &corpus {
            for r in [redact_card_numbers(text), redact_outgoing(text)] {
                if r.text != *text || r.card_numbers != 0 || !matches!(r.text, Cow::Borrowed(_)) {
                    changed.push(format!("{text:?} -> {:?}", r.text));
                }
            }
            assert!(!contains_card_number(text), "{text:?}");
        }
        eprintln!("near-misses kept: {}/{}", corpus.len() - changed.len() / 2, corpus.len());
        assert!(corpus.len() >= 40);
        assert!(changed.is_empty(), "changed:\n{}", changed.join("\n"));
        // They survive by their shape, not by luck: these digit strings are Luhn-valid.
        for digits in [
            "20261130140506",
            "30112026140506",
            "1250137599991002",
            "1230451345501402",
            "175928847299117062",
            "1764460800006",
            "3704004442179870",
        ] {
            assert!(luhn_valid(&digits.bytes().map(|b| b - b'0').collect::<Vec<_>>()), "{digits}");
        }
    }

    #[test]
    fn placeholder_and_last4() {
        let r = redact_card_numbers("a 4111 1111 1111 1111 b 5555-5555-5555-4444 c");
        assert_eq!(r.text, format!("a {CARD_MARKER} b {CARD_MARKER} c"));
        assert_eq!((r.card_numbers, r.last4.as_deref()), (2, Some("4444")));
        // The span includes inner separators only; the expiry after it stays readable.
        assert_eq!(redact_card_numbers("x 4111111111111111 12/27").text, format!("x {CARD_MARKER} 12/27"));
        // Idempotent.
        let once = redact_card_numbers("4111\t1111\t1111\t1111").text.into_owned();
        assert_eq!(redact_card_numbers(&once).text, once);
    }

    #[test]
    fn long_separators_break_the_chain() {
        // More than three visible separators between groups: not one number.
        for s in ["4111    1111    1111    1111", "4111 -- 1111 -- 1111 -- 1111"] {
            assert_eq!(redact_card_numbers(s).card_numbers, 0, "{s:?}");
        }
    }

    #[test]
    fn outgoing_text_keeps_bare_snowflakes() {
        let s = "175928847299117062 approved the refund for RF-000001";
        assert_eq!(redact_outgoing(s).text, s);
        // A person's message is stricter: a bare Luhn-valid run is a card.
        assert_eq!(redact_card_numbers(s).card_numbers, 1);
        // Snowflake-like but far in the future (a 19-digit Maestro number): a card.
        assert_eq!(redact_outgoing("6799990100000000019").card_numbers, 1);
    }

    #[test]
    fn log_lines_with_escaped_separators() {
        for line in [
            r#"{"fields":{"text":"card 4111\t1111\t1111\t1111"}}"#,
            r#"text="4111\u00a01111\u00a01111\u00a01111""#,
            r#"text="4111\u{200b}1111\u{200b}1111\u{200b}1111""#,
            r#"text="4111\n1111\r\n1111\n1111 ok""#,
        ] {
            let r = redact_log_line(line);
            assert_eq!(r.card_numbers, 1, "{line}");
            assert!(!r.text.contains("1111"), "{}", r.text);
        }
        let keep = r#"user=175928847299117062 at 2026-11-30\t14:05:06 \u{200b} ok"#;
        assert_eq!(redact_log_line(keep).text, keep);
    }

    #[test]
    fn every_nd_digit_is_known() {
        use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
        let mut missing = Vec::new();
        for cp in 0..=0x10FFFFu32 {
            let Some(c) = char::from_u32(cp) else { continue };
            let nd = c.general_category() == GeneralCategory::DecimalNumber;
            if nd != nd_digit(c).is_some() {
                missing.push(format!("U+{cp:04X}"));
            }
        }
        assert!(missing.is_empty(), "Nd table mismatch: {}", missing.join(" "));
        assert_eq!(nd_digit('٣'), Some(3));
        assert_eq!(nd_digit('９'), Some(9));
        assert_eq!(nd_digit('a'), None);
    }

    /// Candidate pieces for generated text: digits of several scripts, separators, letters.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => "[0-9]{1,6}",
            1 => "[٠-٩]{1,4}",
            1 => "[０-９]{1,4}",
            3 => prop::sample::select(vec![" ", "  ", "\t", "\n", "-", "–", "—", "/", "_", ",", ".", "\u{00A0}", "\u{200B}", "\u{3000}", ":", "+", "(", ")"])
                .prop_map(str::to_string),
            1 => "[a-zA-Z]{1,3}",
            1 => prop::sample::select(vec!["4111111111111111", "378282246310005", "4222222222222", "6799990100000000019", "<@175928847299117062>"])
                .prop_map(str::to_string),
        ]
    }

    /// Numbers people write that are not card numbers: dates, times, amounts, phone
    /// numbers in international form, invoice and order references, ids.
    fn benign() -> impl Strategy<Value = String> {
        prop_oneof![
            (2000u32..2100, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
            (2000u32..2100, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{d:02}/{m:02}/{y}")),
            (2000u32..2100, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{d}.{m}.{y}")),
            (0u32..24, 0u32..60, 0u32..60).prop_map(|(h, m, s)| format!("{h:02}:{m:02}:{s:02}")),
            (0u32..24, 0u32..60).prop_map(|(h, m)| format!("{h}:{m:02}")),
            (0u64..10_000_000, 0u32..100).prop_map(|(a, c)| format!("{a}.{c:02}")),
            (1u64..1000, 0u64..1000, 0u64..1000, 0u32..100)
                .prop_map(|(a, b, c, d)| format!("{a},{b:03},{c:03}.{d:02}")),
            (1u64..1000, 0u64..1000, 0u32..100).prop_map(|(a, b, d)| format!("€{a}.{b:03},{d:02}")),
            (1u32..100, 10u32..1000, 100u32..10_000, 1000u32..10_000)
                .prop_map(|(cc, a, b, c)| format!("+{cc} {a} {b} {c}")),
            (200u32..1000, 200u32..1000, 0u32..10_000).prop_map(|(a, b, c)| format!("({a}) {b}-{c:04}")),
            (2000u32..2100, 0u32..1_000_000).prop_map(|(y, n)| format!("INV-{y}-{n:06}")),
            "ch_[0-9A-Za-z]{24}",
            // Provider ids mix letters and digits; a run of 13+ digits in one is a card's
            // length and is treated as one (`912115909017405A` would be removed).
            "[0-9A-Z]{16}".prop_filter("letters and digits mixed", |s| s
                .split(|c: char| c.is_ascii_alphabetic())
                .all(|run| run.len() < 13)),
            (1u32..1_000_000).prop_map(|n| format!("RF-{n:06}")),
            (0u64..1_000_000_000_000).prop_map(|n| format!("#{n}")),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        #[test]
        fn benign_numbers_survive(items in prop::collection::vec(benign(), 1..6),
                                  sep in prop::sample::select(vec![" ", ", ", "\n", " - ", " and ", "; ", " / "])) {
            let text = items.join(sep);
            let r = redact_card_numbers(&text);
            prop_assert_eq!(r.card_numbers, 0, "{:?} -> {:?}", text, r.text);
        }

        #[test]
        fn no_card_survives_redaction(parts in prop::collection::vec(piece(), 0..24)) {
            let text: String = parts.concat();
            let r = redact_card_numbers(&text);
            prop_assert!(scan(&r.text, Mode::Inbound).is_empty(), "{:?} -> {:?}", text, r.text);
            prop_assert_eq!(r.card_numbers == 0, r.text == text);
        }

        #[test]
        fn text_without_digits_is_unchanged(text in "[^0-9٠-٩０-９]{0,80}") {
            let clean: String = text.chars().filter(|c| nd_digit(*c).is_none()).collect();
            let r = redact_card_numbers(&clean);
            prop_assert!(matches!(r.text, Cow::Borrowed(_)));
            prop_assert_eq!(r.text, clean.as_str());
        }

        #[test]
        fn a_card_with_any_separators_is_caught(seps in prop::collection::vec(prop::sample::select(vec![
            " ", "  ", "\t", "\n", "\r\n", "-", " - ", "–", "—", "/", "_", ",", ".", "\u{00A0}", "\u{200B}", "\u{2060}", "\u{FEFF}", "\u{3000}", ""]), 3),
            zero in prop::sample::select(vec![0x30u32, 0x660, 0x6F0, 0x966, 0xFF10, 0xE50])) {
            let v = script("5555555555554444", zero);
            let g: Vec<String> = v.chars().collect::<Vec<_>>().chunks(4).map(|c| c.iter().collect()).collect();
            // Gaps left out (an empty separator) only with one kind of separator: mixing both
            // is not a grouping people use (see `card_shape`).
            let one = seps.iter().find(|s| !s.is_empty()).copied().unwrap_or(" ");
            let seps: Vec<&str> = if seps.contains(&"") { seps.iter().map(|s| if s.is_empty() { "" } else { one }).collect() } else { seps };
            let text = format!("card: {}{}{}{}{}{}{} thanks", g[0], seps[0], g[1], seps[1], g[2], seps[2], g[3]);
            let r = redact_card_numbers(&text);
            prop_assert_eq!(r.card_numbers, 1, "{:?}", text);
            prop_assert_eq!(r.last4.as_deref(), Some("4444"));
        }
    }

    /// Found by the `redact` fuzz target: nine chained numbers, each removal leaving a
    /// neighbour that now reads as a card; eight rounds of `settle` were not enough.
    #[test]
    fn every_round_of_a_long_chain_is_settled() {
        let s = "!la\0r40fyyy5555 5 4111 1111 1111 55  ycad/<D&65,\u{aff15}4111 1111 1111 55 5555 5555 45555  \u{aff15}4111 1111 1111 55 5555 5555 44277 4111 1111 1111 55 5555 5555 44111.4111 1111 1111 55 5555 5555 44277 4111 1111 1111 55\u{16}5555 5555 44111.\u{1f}a 4441ffVVVVV32 4";
        let r = redact_card_numbers(s);
        assert!(!contains_card_number(&r.text), "{:?}", r.text);
        assert_eq!(redact_card_numbers(&r.text).text, r.text);
    }
}
