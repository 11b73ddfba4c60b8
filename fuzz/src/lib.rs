//! Helpers shared by the fuzz targets: an independent card-number detector (the
//! property every redacted text must satisfy) and a printer for parsed commands (so a
//! parse can be checked to round-trip).

use paydesk::app::command::{Command, Target};

/// Digit value of the char at `pos` (ASCII or full-width U+FF10..U+FF19), and its length.
fn digit_at(s: &str, pos: usize) -> Option<(u8, usize)> {
    let c = s[pos..].chars().next()?;
    match c {
        '0'..='9' => Some((c as u8 - b'0', 1)),
        '\u{FF10}'..='\u{FF19}' => Some(((c as u32 - 0xFF10) as u8, c.len_utf8())),
        _ => None,
    }
}

fn is_sep(c: Option<char>) -> bool {
    matches!(c, Some(' ' | '-' | '.'))
}

/// Luhn over digit values.
pub fn luhn(d: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &v) in d.iter().rev().enumerate() {
        let mut v = u32::from(v);
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    !d.is_empty() && sum % 10 == 0
}

/// Chains of digit groups joined by exactly one space, dash or dot, as (digits, groups).
pub fn digit_chains(s: &str) -> Vec<(Vec<u8>, usize)> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < s.len() {
        if !s.is_char_boundary(pos) || digit_at(s, pos).is_none() {
            pos += 1;
            continue;
        }
        let mut digits = Vec::new();
        let mut groups = 0;
        loop {
            while let Some((d, l)) = digit_at(s, pos) {
                digits.push(d);
                pos += l;
            }
            groups += 1;
            if is_sep(s[pos..].chars().next()) && s.is_char_boundary(pos + 1) && digit_at(s, pos + 1).is_some() {
                pos += 1;
                continue;
            }
            break;
        }
        out.push((digits, groups));
    }
    out
}

/// A full card number as `nlu::redact` defines one: a Luhn-valid 13-19 digit run on its
/// own, or any 13-19 digit Luhn-valid window of a chain split by single separators.
/// Written from the module's documented rule, not from its code.
/// A card number left in `s`, by the bot's own definition (`nlu::contains_card_number`:
/// Luhn on 13–19 digits in the group shapes cards are written in). The broader rule below
/// (`luhn_window`: any Luhn-valid window across any digit groups) also flags amounts and
/// ids the detector keeps on purpose, so the targets check the detector's definition.
pub fn leaked_card(s: &str) -> Option<String> {
    paydesk::nlu::contains_card_number(s).then(|| "a card number".to_string())
}

/// Any Luhn-valid 13–19 digit window across digit groups (kept for campaigns that look for
/// detector gaps by hand; broader than the bot's definition).
#[allow(dead_code)]
pub fn luhn_window(s: &str) -> Option<String> {
    for (digits, groups) in digit_chains(s) {
        let n = digits.len();
        for a in 0..n {
            for len in 13..=19 {
                let e = a + len;
                if e > n || (groups == 1 && (a != 0 || e != n)) {
                    continue;
                }
                if luhn(&digits[a..e]) {
                    return Some(digits[a..e].iter().map(|d| char::from(b'0' + d)).collect());
                }
            }
        }
    }
    None
}

/// A parsed command written back in the grammar's canonical form.
pub fn print_command(c: &Command) -> String {
    let words = |parts: &[String]| parts.iter().filter(|p| !p.is_empty()).cloned().collect::<Vec<_>>().join(" ");
    match c {
        Command::Refund { target, amount, is_override, reason } => {
            let mut p = vec!["/refund".to_string()];
            p.push(match target {
                Target::Case(n) => n.to_string(),
                Target::Charge(id) => id.to_string(),
            });
            if let Some((v, cur)) = amount {
                p.push(v.to_string());
                if let Some(cur) = cur {
                    p.push(cur.code().to_string());
                }
            }
            if *is_override {
                p.push("override".into());
            }
            p.push(reason.clone());
            words(&p)
        }
        Command::Approve(n) => format!("/approve {n}"),
        Command::Reject(n, reason) => words(&["/reject".into(), n.to_string(), reason.clone()]),
        Command::Reply(n, text) => words(&["/reply".into(), n.to_string(), text.clone()]),
        Command::Queue => "/queue".into(),
        Command::Unlink(u) => format!("/unlink {u}"),
        Command::Wallet(None) => "/wallet".into(),
        Command::Wallet(Some(a)) => format!("/wallet {a}"),
        Command::WalletCredit { account, amount: (v, cur), reason } => {
            let token = format!("{v}{}", cur.map(|c| c.code().to_string()).unwrap_or_default());
            words(&["/wallet credit".into(), account.to_string(), token, reason.clone()])
        }
        Command::WalletBuy(n) => format!("/wallet buy {n}"),
        Command::TicketShow(n) => format!("/ticket {n}"),
        Command::TicketAction(a, n, note) => words(&["/ticket".into(), a.as_str().into(), n.to_string(), note.clone()]),
        Command::Link(u, a) => format!("/link {u} {a}"),
        Command::Help => "/help".into(),
    }
}

use paydesk::adapters::payments::webhook::ProviderEvent;

/// What every webhook parser's events must be: from the named provider, with an event id
/// (the dedup key), and no longer than the delivery they came from.
pub fn check_events(provider: &str, events: &[ProviderEvent], input_len: usize) {
    for e in events {
        let (event_id, strings) = match e {
            ProviderEvent::Refund(u) => {
                assert_eq!(u.provider, provider);
                (&u.event_id, vec![&u.provider_ref, &u.event_id])
            }
            ProviderEvent::Purchase(u) => {
                assert_eq!(u.provider, provider);
                (&u.event_id, vec![&u.provider_ref, &u.event_id])
            }
            ProviderEvent::Dispute { event_id, charges } => (event_id, std::iter::once(event_id).chain(charges.iter()).collect()),
        };
        assert!(!event_id.is_empty(), "{provider}: an event without an id: {e:?}");
        for s in strings {
            assert!(s.len() <= 2 * input_len + 64, "{provider}: {s:?} is not bounded by the delivery");
        }
    }
}

/// Splits a fuzz input into `n` fields at NUL bytes (the last field takes the rest, NULs
/// included): the targets with several inputs use this plain format so that seeds can be
/// written by hand.
pub fn fields(data: &[u8], n: usize) -> Vec<&[u8]> {
    let mut out: Vec<&[u8]> = data.splitn(n, |&b| b == 0).collect();
    out.resize(n, &[]);
    out
}

/// A field as text (invalid UTF-8 replaced).
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A field as a signed number: its ASCII decimal value, else its first eight bytes.
pub fn number(b: &[u8]) -> i64 {
    std::str::from_utf8(b).ok().and_then(|s| s.trim().parse().ok()).unwrap_or_else(|| {
        let mut a = [0u8; 8];
        let k = b.len().min(8);
        a[..k].copy_from_slice(&b[..k]);
        i64::from_le_bytes(a)
    })
}
