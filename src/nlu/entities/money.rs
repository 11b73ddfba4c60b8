//! Money in a message: amounts as written in many notations, and their currencies.

use super::grouping::is_group_space;

/// Whether `text` reads as Chinese: no Japanese kana, and one of the characters of
/// simplified Chinese a Japanese text does not use ("¥128 被扣了两次"; "¥3,300 二重請求" is
/// Japanese written in kanji alone).
fn is_chinese(text: &str) -> bool {
    const SIMPLIFIED: &str =
        "了么这们钱块扣费账额单吗呢没还给让说问题为两时显绝经过发现买卖确认订阅续务录开关户币银页码级优";
    !text.chars().any(|c| ('\u{3040}'..='\u{30FF}').contains(&c)) && text.chars().any(|c| SIMPLIFIED.contains(c))
}

pub(super) fn is_non_money_unit(w: &str) -> bool {
    const UNITS: &[&str] = &[
        "credits",
        "credit",
        "creditos",
        "crédits",
        "times",
        "time",
        "x",
        "days",
        "day",
        "hours",
        "hour",
        "minutes",
        "minute",
        "mins",
        "min",
        "weeks",
        "week",
        "months",
        "month",
        "years",
        "year",
        "seats",
        "seat",
        "users",
        "user",
        "messages",
        "message",
        "conversations",
        "am",
        "pm",
        "h",
        "of",
        "am",
        "percent",
        "units",
        "licenses",
        "licences",
        "agents",
        "items",
        "pieces",
        "tage",
        "dias",
        "jours",
        "mal",
        "vezes",
        "veces",
        "vcs",
        "vezs",
        "vzs",
        "fois",
        "st",
        "nd",
        "rd",
        "th",
        "people",
        "members",
        "contacts",
    ];
    UNITS.contains(&w)
}

/// The ISO codes the money regex reads in upper case only ("try", "pen" and "ils" are
/// words): as cue words they would send most messages to the regex.
pub(super) const UPPER_CODES: [&str; 22] = [
    "HKD", "SGD", "ZAR", "CZK", "HUF", "TRY", "ILS", "AED", "TWD", "KRW", "ARS", "COP", "CLP", "PEN", "KWD", "BHD",
    "JOD", "OMR", "TND", "ISK", "VND", "IDR",
];

/// "1,234.50" -> "1234.50"; "12,99" -> "12.99"; "1.234,50" -> "1234.50"; "0.0125" stays.
pub fn normalize_amount(raw: &str) -> Option<String> {
    // Thousands grouped by a space ("1 188,00"), a no-break space or an apostrophe
    // (Swiss "1'250.00").
    let ungrouped: String;
    let raw = raw.trim();
    // Thousands grouped by spaces or apostrophes: one `.` or `,` after them is the decimal
    // point ("1 250.500" is 1250.500, not 1250500).
    let groups = |c: char| is_group_space(c) || matches!(c, '\'' | '’');
    let grouped = raw.contains(groups);
    let raw = if grouped {
        ungrouped = raw.chars().filter(|&c| !groups(c)).collect();
        ungrouped.as_str()
    } else {
        raw
    };
    // Only digits and separators are left (the fuzz target found "0 \u{b}1" keeping the tab).
    if !raw.bytes().all(|b| b.is_ascii_digit() || b == b',' || b == b'.') {
        return None;
    }
    if raw.is_empty() || !raw.bytes().next()?.is_ascii_digit() {
        return None;
    }
    let commas = raw.matches(',').count();
    let dots = raw.matches('.').count();
    let (int_part, frac): (String, Option<&str>) = if commas > 0 && dots > 0 {
        let last = raw.rfind([',', '.'])?;
        let int: String = raw[..last].chars().filter(char::is_ascii_digit).collect();
        (int, Some(&raw[last + 1..]))
    } else if commas + dots == 0 {
        (raw.to_string(), None)
    } else {
        let sep = if commas > 0 { ',' } else { '.' };
        let n = commas + dots;
        let idx = raw.rfind(sep)?;
        let after = &raw[idx + 1..];
        let before = &raw[..idx];
        let grouping = n > 1 || (!grouped && after.len() == 3 && before != "0" && !before.is_empty());
        if grouping {
            (raw.chars().filter(char::is_ascii_digit).collect(), None)
        } else {
            (before.to_string(), Some(after))
        }
    };
    // Never 13 digits or more (a card number's length), and never "000" or "050" (the
    // tail of a grouping the caller did not read).
    let frac_digits = frac.map_or(0, str::len);
    if int_part.is_empty() || int_part.len() > 12 || int_part.len() + frac_digits >= 13 {
        return None;
    }
    if int_part.len() > 1 && int_part.starts_with('0') {
        return None;
    }
    match frac {
        Some(f) if !f.is_empty() => Some(format!("{int_part}.{f}")),
        _ => Some(int_part),
    }
}

/// The ISO code of a currency symbol or word as written in `text` (which tells ¥ apart).
pub(super) fn currency_code(sym: &str, default_currency: &str, text: &str) -> Option<String> {
    let s = sym.to_ascii_lowercase();
    let code = match s.as_str() {
        "$" | "bucks" => {
            let d = default_currency.trim();
            if d.len() == 3 && d.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Some(d.to_ascii_uppercase());
            }
            "USD"
        }
        "us$" | "usd" | "dollar" | "dollars" | "dolares" | "dólares" => "USD",
        "€" | "eur" | "euro" | "euros" => "EUR",
        "£" | "gbp" | "pound" | "pounds" | "quid" => "GBP",
        "r$" | "brl" | "real" | "reais" => "BRL",
        // ¥ is the yuan's sign as well as the yen's: in Chinese it is the yuan.
        "¥" | "￥" if is_chinese(text) => "CNY",
        "¥" | "￥" | "jpy" | "yen" | "円" => "JPY",
        "₹" | "rs" | "rs." | "inr" | "rupee" | "rupees" => "INR",
        "c$" | "ca$" | "cad" => "CAD",
        "a$" | "au$" | "aud" => "AUD",
        "mx$" | "mxn" | "peso" | "pesos" => "MXN",
        "nz$" | "nzd" => "NZD",
        "chf" | "fr." | "franc" | "francs" => "CHF",
        "sek" => "SEK",
        "nok" => "NOK",
        "dkk" => "DKK",
        "pln" => "PLN",
        "cny" | "rmb" | "人民币" | "元" | "块" | "塊" => "CNY",
        "美元" | "ドル" => "USD",
        "欧元" | "ユーロ" => "EUR",
        "英镑" | "ポンド" => "GBP",
        "港币" => "HKD",
        // The upper-case codes (the regex reads them only so): each is its own code.
        code if UPPER_CODES.iter().any(|c| c.eq_ignore_ascii_case(code)) => return Some(code.to_ascii_uppercase()),
        _ => return None,
    };
    Some(code.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_normalise() {
        assert_eq!(normalize_amount("1,234.50").as_deref(), Some("1234.50"));
        assert_eq!(normalize_amount("12,99").as_deref(), Some("12.99"));
        assert_eq!(normalize_amount("1.234,50").as_deref(), Some("1234.50"));
        assert_eq!(normalize_amount("0.0125").as_deref(), Some("0.0125"));
        assert_eq!(normalize_amount("49").as_deref(), Some("49"));
        assert_eq!(normalize_amount("1,200").as_deref(), Some("1200"));
        assert_eq!(normalize_amount("59,00").as_deref(), Some("59.00"));
        assert_eq!(normalize_amount("0.125").as_deref(), Some("0.125"));
        assert_eq!(normalize_amount("1 188,00").as_deref(), Some("1188.00"));
        assert_eq!(normalize_amount("1 250.500").as_deref(), Some("1250.500"));
        assert_eq!(normalize_amount("1'250,500").as_deref(), Some("1250.500"));
        assert_eq!(normalize_amount("000"), None);
        assert_eq!(normalize_amount("4222222222222"), None);
        assert_eq!(normalize_amount("42222222222.22"), None);
        assert_eq!(normalize_amount("0,50").as_deref(), Some("0.50"));
        assert_eq!(normalize_amount("1'250.00").as_deref(), Some("1250.00"));
        assert_eq!(normalize_amount("12\u{a0}400").as_deref(), Some("12400"));
        assert_eq!(normalize_amount("0 \u{b}").as_deref(), Some("0"));
        assert_eq!(normalize_amount("0 \u{b}1"), None);
        assert_eq!(normalize_amount(""), None);
    }

    #[test]
    fn currencies() {
        assert_eq!(currency_code("$", "CAD", "").as_deref(), Some("CAD"));
        assert_eq!(currency_code("$", "??", "").as_deref(), Some("USD"));
        assert_eq!(currency_code("R$", "USD", "").as_deref(), Some("BRL"));
        assert_eq!(currency_code("Euros", "USD", "").as_deref(), Some("EUR"));
        assert_eq!(currency_code("xyz", "USD", ""), None);
        assert_eq!(currency_code("¥", "USD", "¥128 被扣了两次").as_deref(), Some("CNY"));
        assert_eq!(currency_code("¥", "USD", "¥3,300 二重請求").as_deref(), Some("JPY"));
    }
}
