//! Spans that are ids, not card numbers: Discord mentions, the user of `/link`, IBANs,
//! and bare Discord snowflakes.

/// Byte spans that are ids, not card numbers: Discord mentions and the user of `/link`.
pub(super) fn protected_spans(text: &str) -> Vec<(usize, usize)> {
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

/// A bare Discord snowflake: 17–20 ASCII digits whose creation time (the top 42 bits, in
/// ms since the Discord epoch 2015-01-01) is before 2035-01-01. A 19-digit card number
/// starting with 3–9 lies far beyond that.
pub(super) fn snowflake_digits(s: &str) -> bool {
    const HORIZON_MS: u64 = 631_152_000_000; // 2015-01-01 .. 2035-01-01
    (17..=20).contains(&s.len())
        && s.bytes().all(|c| c.is_ascii_digit())
        && s.parse::<u64>().is_ok_and(|v| v >> 22 <= HORIZON_MS)
}
