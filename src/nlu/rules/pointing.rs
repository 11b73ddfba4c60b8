//! A message that only points at a charge ("this charge?", "questo addebito", "这笔扣款",
//! "この請求は何？"): words that point and words for money, nothing else. It names no
//! problem, however sure the model is of one, so the bot asks which one it is.

/// Words that only point or ask what something is, in the nine languages (normalised:
/// lower case, accents folded).
const POINTING: &[&str] = &[
    "this", "that", "my", "the", "a", "what", "whats", "is", "it", "these", "those", "about", "re", "este", "esta",
    "ese", "esa", "esto", "mi", "el", "la", "un", "una", "que", "es", "esse", "essa", "isso", "isto", "meu", "minha",
    "o", "um", "uma", "ce", "cet", "cette", "mon", "ma", "le", "une", "quoi", "c", "est", "ca", "diese", "dieser",
    "dieses", "diesen", "meine", "mein", "die", "der", "das", "den", "eine", "ein", "was", "ist", "questo", "questa",
    "quel", "quella", "quello", "il", "lo", "mio", "mia", "cosa", "e", "deze", "dit", "mijn", "de", "het", "een",
    "wat",
];

/// Words for a charge or a payment (and their plurals), normalised.
const MONEY: &[&str] = &[
    "charge",
    "charges",
    "payment",
    "payments",
    "transaction",
    "transactions",
    "debit",
    "debits",
    "bill",
    "billing",
    "invoice",
    "cobro",
    "cobros",
    "cargo",
    "cargos",
    "pago",
    "pagos",
    "cobranca",
    "cobrancas",
    "pagamento",
    "pagamentos",
    "debito",
    "debitos",
    "prelevement",
    "prelevements",
    "paiement",
    "paiements",
    "facture",
    "abbuchung",
    "abbuchungen",
    "zahlung",
    "zahlungen",
    "belastung",
    "rechnung",
    "addebito",
    "addebiti",
    "afschrijving",
    "afschrijvingen",
    "betaling",
    "betalingen",
    "incasso",
];

/// The same for Chinese and Japanese, written without spaces: pointing words and
/// particles, and words for a charge.
const CJK_POINTING: &[&str] = &[
    "这笔",
    "这个",
    "那笔",
    "那个",
    "这",
    "那",
    "我的",
    "是什么",
    "什么",
    "是",
    "この",
    "その",
    "あの",
    "私の",
    "って",
    "は",
    "何",
    "なに",
    "の",
    "ですか",
    "か",
];
const CJK_MONEY: &[&str] = &["扣款", "扣费", "收费", "付款", "账单", "請求", "引き落とし", "決済", "支払い", "支払"];

/// Whether the normalised text holds a word for money and otherwise only pointing words.
pub(super) fn only_points_at_money(norm: &str, cjk: bool) -> bool {
    if cjk {
        let mut rest = norm.to_string();
        let mut money = false;
        for m in CJK_MONEY {
            if rest.contains(m) {
                money = true;
                rest = rest.replace(m, " ");
            }
        }
        for p in CJK_POINTING {
            rest = rest.replace(p, " ");
        }
        return money && !rest.chars().any(char::is_alphanumeric);
    }
    let mut money = false;
    for w in norm.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if MONEY.contains(&w) {
            money = true;
        } else if !POINTING.contains(&w) {
            return false;
        }
    }
    money
}

#[cfg(test)]
mod tests {
    use super::only_points_at_money;

    #[test]
    fn a_message_of_pointing_words_and_a_word_for_money_only_points() {
        for t in
            [" this charge ", " questo addebito ", " deze afschrijving ", " what is this payment ", " esta cobranca "]
        {
            assert!(only_points_at_money(t, false), "{t}");
        }
        for t in ["这笔扣款", "この請求は何 ", "这个收费是什么"] {
            assert!(only_points_at_money(t, true), "{t}");
        }
        for t in [" this charge is wrong ", " addebito doppio ", " this ", " my refund ", " rechnung falsch "] {
            assert!(!only_points_at_money(t, false), "{t}");
        }
        for t in ["重复扣款", "这笔扣款不是我", "二重請求"] {
            assert!(!only_points_at_money(t, true), "{t}");
        }
    }
}
