//! Card numbers in one chain of digit groups: the windows of whole (or cut) groups that
//! pass Luhn and have a grouping people use for cards.

use super::protected::snowflake_digits;
use super::{is_invisible, luhn_valid, Found, Group, Mode};

/// Whether group `g` is a bare Discord snowflake by itself.
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
pub(super) fn flush(text: &str, mode: Mode, groups: &mut Vec<Group>, digits: &mut Vec<u8>, found: &mut Vec<Found>) {
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
    window_card(text, groups, digits, blocked, i, starts_chain).or_else(|| glued_fours_card(groups, digits, i))
}

/// Windows of whole groups starting in group `i`, and windows whose last group is cut (an
/// expiry or other digits glued to the end), longest first: the first that is a card.
fn window_card(
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
    for &j in ends.iter().rev() {
        let gj = groups[j];
        for cut in window_cuts(text, groups, digits, blocked, i, j) {
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
    None
}

/// How many digits of group `j` a window from group `i` to `j` may take, in the order
/// they are tried: the whole group, or the group with an expiry or other digits glued on
/// cut off.
fn window_cuts(text: &str, groups: &[Group], digits: &[u8], blocked: &[bool], i: usize, j: usize) -> Vec<usize> {
    let n = groups.len();
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
        let slash_next = j + 1 < n && sep(text, groups, j).contains(['/', '-']) && matches!(groups[j + 1].len, 2 | 4);
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
    cuts
}

/// Groups of four with digits glued to the first and/or the last group
/// (`994111 1111 1111 1111`, `54111 1111 1111 111199`): the last four digits of the
/// first group, the middle groups of four, the first four (or fewer) of the last.
fn glued_fours_card(groups: &[Group], digits: &[u8], i: usize) -> Option<(usize, usize, usize)> {
    let gi = groups[i];
    if gi.len < 4 {
        return None;
    }
    for j in i + 1..groups.len() {
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
    None
}
