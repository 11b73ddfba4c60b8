//! Text normalisation for keyword matching: lowercase, accents folded, apostrophes
//! dropped ("don't" -> "dont"), other punctuation turned into spaces, clause breaks
//! kept as a `.` token, single spaces, and a space at both ends so that patterns can
//! mark word boundaries with spaces.

/// Fold one lowercase non-ASCII letter to ASCII where a common Latin accent is involved.
#[inline]
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' => "a",
        'ç' | 'ć' | 'č' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' => "i",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' => "u",
        'ý' | 'ÿ' => "y",
        'ß' => "ss",
        'œ' => "oe",
        'æ' => "ae",
        'ł' => "l",
        'ś' | 'š' => "s",
        'ź' | 'ż' | 'ž' => "z",
        'ř' => "r",
        _ => return None,
    })
}

#[inline]
fn push_space(out: &mut String) {
    if !out.ends_with(' ') {
        out.push(' ');
    }
}

#[inline]
fn push_break(out: &mut String) {
    if out.ends_with(". ") {
        return;
    }
    push_space(out);
    out.push_str(". ");
}

/// Normalise `text` into `out` (cleared first).
pub fn normalize_into(text: &str, out: &mut String) {
    out.clear();
    out.reserve(text.len() + 4);
    out.push(' ');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii() {
            match c {
                'a'..='z' | '0'..='9' => out.push(c),
                'A'..='Z' => out.push(c.to_ascii_lowercase()),
                '\'' | '`' => {}
                '.' | ',' => {
                    if chars.peek().is_some_and(|n| n.is_ascii_digit()) {
                        push_space(out);
                    } else {
                        push_break(out);
                    }
                }
                ';' | '!' | '?' | ':' | '\n' | '\r' => push_break(out),
                _ => push_space(out),
            }
            continue;
        }
        match c {
            '\u{2019}' | '\u{2018}' | '\u{00B4}' | '\u{02BC}' => {}
            '\u{00BF}' | '\u{00A1}' | '\u{2026}' | '\u{3002}' | '\u{FF01}' | '\u{FF1F}' => push_break(out),
            '\u{FF10}'..='\u{FF19}' => {
                out.push((b'0' + (c as u32 - 0xFF10) as u8) as char);
            }
            _ => {
                let mut any = false;
                for l in c.to_lowercase() {
                    any = true;
                    if let Some(f) = fold(l) {
                        out.push_str(f);
                    } else if l.is_alphabetic() {
                        out.push(l);
                    } else {
                        push_space(out);
                    }
                }
                if !any {
                    push_space(out);
                }
            }
        }
    }
    push_space(out);
}

/// Convenience: normalise into a new string.
pub fn normalize(text: &str) -> String {
    let mut s = String::new();
    normalize_into(text, &mut s);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises() {
        assert_eq!(normalize("I don't  WANT a Refund, ok?"), " i dont want a refund . ok . ");
        assert_eq!(normalize("Ich möchte  mein Guthaben über 12,99 €"), " ich mochte mein guthaben uber 12 99 ");
        assert_eq!(normalize("auto-recharge"), " auto recharge ");
        assert_eq!(normalize("Résilier l’abonnement"), " resilier labonnement ");
        assert_eq!(normalize(""), " ");
    }
}
