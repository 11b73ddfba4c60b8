//! Entity extraction, notation by notation.

use super::*;

/// The cue check is exact only if no other non-ASCII letter reads as an ASCII one to a
/// case-insensitive regex.
#[test]
fn only_the_exotic_letters_match_ascii_letters_case_insensitively() {
    let ascii_letter = Regex::new("(?i)^[a-z]$").expect("regex");
    let found: Vec<char> = (0x80..=0x10FFFFu32)
        .filter_map(char::from_u32)
        .filter(|c| ascii_letter.is_match(c.encode_utf8(&mut [0; 4])))
        .collect();
    assert_eq!(found, EXOTIC_LETTERS);
}

/// With and without the cue check, every entity comes out the same (the checks only
/// skip regexes that cannot match).
#[test]
fn the_cues_skip_only_regexes_that_cannot_match() {
    let x = EntityExtractor::new();
    let texts = [
        "invoice no. 2026-17 was charged twice, 49 EUR",
        "Rechnung Nr. 88123 doppelt abgebucht",
        "adyen psp 8835511210681071 failed",
        "card ending in 4242 was billed $12.50",
        "visa 4242 took 30 dollars",
        "payment ref ABC12345 for order 99",
        "card **** 1881, \u{17F}quare id sqpay77",
        "Fr. 12.50 on 12/05, 3 credits",
        "8MC585209K746392H charged 19,99 €",
        "x4242 ... 5555",
        "últimos 4 dígitos 1234, cobraron 20",
        "充值 100 元, 1,000円, 30ドル, RMB 120",
        "¥128 被扣了两次",
        "Rs. 1499 and $29/month, CHF 1'250.00, CHF 1'250,50, le 03/12 149,00 €",
        "(…3310), Endziffern 4821, karte endet 0917",
        "acabada en 7781, terminante in 2871, finishing by 3391",
        // The seventh round's notations.
        "HKD 480 twice, $1.500 MXN, I PAID $20 TRY AGAIN, 1 299,00 €, order #12 129,00 €",
        "die Karte, die auf 4821 endet; 1234で終わるカード; acababa en 6402",
        "carta finale 9931, carta 4521, 尾號 3036, KWD 1 250.500",
    ];
    for t in texts {
        let lower = super::super::normalize::normalize(t);
        let gated = x.extract(t, &lower, "USD", None);
        let mut all = Entities::default();
        let mut taken = Vec::new();
        all.case_id = x.case_id(t, &lower, &mut taken);
        all.invoice_id = x.invoice_id(t, &lower, u32::MAX, &mut taken);
        all.transaction_id = x.transaction_id(t, &lower, u32::MAX, &mut taken);
        all.card_last4 = x.card_last4(t, u32::MAX, None);
        let count = x.money(t, "USD", u32::MAX, &taken, &mut all);
        assert_eq!(gated, (all, count), "{t}");
    }
}

fn ents(t: &str) -> Entities {
    EntityExtractor::new().extract(t, &super::super::normalize::normalize(t), "USD", None).0
}

/// Notations found in the sixth and seventh rounds' data: amounts in yuan and yen words,
/// grouped thousands, prices per period, more currency codes.
#[test]
fn more_notations_of_money() {
    // Chinese and Japanese currency words after the amount; ¥ in Chinese is the yuan.
    for (t, amount, cur) in [
        ("充值 100 元一直没到账", "100", "CNY"),
        ("被扣了20块，什么情况", "20", "CNY"),
        ("信用卡扣了 15美元 两次", "15", "USD"),
        ("人民币 88 被多扣了", "88", "CNY"),
        ("RMB 120 charged twice", "120", "CNY"),
        ("¥128 被扣了两次", "128", "CNY"),
        ("1,000円が二回引き落とされました", "1000", "JPY"),
        ("¥3,300 の請求が来ました", "3300", "JPY"),
        ("30ドルを返金してください", "30", "USD"),
        ("cancel the $29/month plan", "29", "USD"),
        ("l'abonnement à 9,99 €/mois", "9.99", "EUR"),
        ("charged Rs. 1499 twice", "1499", "INR"),
        ("CHF 1'250,50 zweimal", "1250.50", "CHF"),
        ("¥3,300 二重請求", "3300", "JPY"),
        // Digits before an amount are never glued onto it (a date, an order, an id, a
        // card's digits the redactor left).
        ("prélevé le 03/12 149,00 €", "149.00", "EUR"),
        ("Bestellung 452 129,00 € doppelt", "129.00", "EUR"),
        ("INV-2026-12 129,00 €", "129.00", "EUR"),
        // Digits a space away from an amount of three digits may have been its thousands.
        ("5555 555 555 554 444,44 € charged", "", ""),
        ("CHF 1'250.00 abgebucht", "1250.00", "CHF"),
        // Thousands grouped by a space, a no-break space or a narrow one, when the first
        // group has one or two digits; never glued onto digits before them.
        ("j'ai payé 1 299,00 € deux fois", "1299.00", "EUR"),
        ("CHF 2 400.00 abgebucht", "2400.00", "CHF"),
        ("1 299元 被扣了两次", "1299", "CNY"),
        ("12 500 € au lieu de 1 250 €", "12500", "EUR"),
        ("€\u{A0}1\u{A0}299,00 prélevés", "1299.00", "EUR"),
        ("1\u{202F}299,00\u{A0}€ débités", "1299.00", "EUR"),
        ("commande 5555 12 129,00 € en double", "", ""),
        ("le 03/12 1 299 € prélevé", "", ""),
        ("I was charged $5 100 times", "", ""),
        // A number sign before the first group makes it the number; an order word before a
        // grouped amount leaves it ambiguous.
        ("order #12 129,00 €", "129.00", "EUR"),
        ("Bestellung Nr. 12 129,00 € doppelt", "129.00", "EUR"),
        ("commande n° 12 129,00 €", "129.00", "EUR"),
        ("order 12 129,00 € twice", "", ""),
        // A word after the amount that counts nothing keeps it whole.
        ("EUR 1 299 am 03.12. abgebucht", "1299", "EUR"),
        ("€1 200 of the €2 400 was refunded", "1200", "EUR"),
        // Groupings not read give no amount rather than their tail.
        ("100 000 € de trop", "", ""),
        ("1  299 € zweimal", "", ""),
        ("1\t299 € zweimal", "", ""),
        ("1\u{2009}299,00 € prélevés", "1299.00", "EUR"),
        ("€ 1 234.567,89 charged", "", ""),
        ("KWD 1 250.500 refund", "1250.500", "KWD"),
        // No amount of 13 digits or more (a card number's length), grouped or not.
        ("EUR 42 222 222 222,22", "", ""),
        ("42,222,222,222.22 € charged", "", ""),
        ("EUR 41 278 814 992 7 8 243", "", ""),
        // Currency codes that are words: not in a shouted text, not before a count.
        ("I HAD TO TRY 3 TIMES TO LOG IN", "", ""),
        ("WE USED THE AED 2 TIMES", "", ""),
        ("I PAID $20 TRY AGAIN", "20", "USD"),
        // Digits a space after an amount not grouped are the next thing.
        ("charged €49 2 times", "49", "EUR"),
        ("I paid $120 3 days ago", "120", "USD"),
        ("paid 1 299,00 € 3 days ago", "1299.00", "EUR"),
        // Codes beyond the common ones, upper case only ("try", "pen" and "ils" are words);
        // a code after a dollar sign says which dollar or peso.
        ("la página decía ARS 9.999 y me cobraron ARS 12.999", "9999", "ARS"),
        ("debían ser $1.200 MXN y me cobraron $1.500 MXN", "1200", "MXN"),
        ("HKD 480 charged twice", "480", "HKD"),
        ("j'ai payé 20 ils m'ont débité 40 €", "40", "EUR"),
        ("paid $20 try again later", "20", "USD"),
        // ¥ in Chinese text, told by simplified characters of everyday words.
        ("付 ¥199 的时候一直显示支付被拒绝", "199", "CNY"),
        ("单元 3 的问题", "", ""),
    ] {
        let e = ents(t);
        let want = if amount.is_empty() { (None, None) } else { (Some(amount), Some(cur)) };
        assert_eq!((e.amount.as_deref(), e.currency.as_deref()), want, "{t}");
    }
    assert_eq!(ents("charged 1 250.00 twice").amount.as_deref(), Some("1250.00"));
    assert_eq!(ents("charged 2 100 times").amount, None, "a count, not money");
}

/// A card's last four digits named in the many ways the sixth and seventh rounds' data did.
#[test]
fn more_ways_to_name_a_cards_last_four() {
    // The card's last digits after an ellipsis, and the German "Endziffern" / "Karte endet".
    for (t, want) in [
        ("the charge on (…3310) again", "3310"),
        ("Karte …1290 wurde belastet", "1290"),
        ("Endziffern 4821, zweimal abgebucht", "4821"),
        ("meine karte endet 0917 und wurde abgelehnt", "0917"),
        ("ma carte se termine par 5521, refusée", "5521"),
        ("la carte finissant en 1185 a été débitée", "1185"),
        ("tarjeta acabada en 7781 rechazada", "7781"),
        ("la carta terminante in 2871 è stata rifiutata", "2871"),
        ("la tarjeta con terminación 4471 no pasa", "4471"),
        ("my card finishing by 3391 was charged two times", "3391"),
        // The verb at the end: German and Dutch subordinate clauses, Japanese.
        ("die Karte, die auf 4821 endet, wurde zweimal belastet", "4821"),
        ("mijn kaart die op 3391 eindigt is twee keer belast", "3391"),
        ("1234で終わるカードで二重に請求されました", "1234"),
        ("カードの末尾5678で払いました", "5678"),
        ("la mia carta 4521 è stata rifiutata", "4521"),
        ("la carta era scaduta (finiva con 5573)", "5573"),
        ("l'estratto conto della carta finale 9931 dice altro", "9931"),
        ("sulla carta che termina per 7004", "7004"),
        ("la tarjeta (acababa en 6402) está dada de baja", "6402"),
        ("被盜刷了，尾號 3036 的卡", "3036"),
    ] {
        assert_eq!(ents(t).card_last4.as_deref(), Some(want), "{t}");
    }
    // "final(e)", a verb at the end and "carta" take four digits only where a card is named,
    // and never a year after the card's name.
    for t in [
        "importo finale 1299,00 euro",
        "il costo finale 1200",
        "ich warte auf 1500 endet nie",
        "受付番号 5678で終わる",
        "la carta 2025 è scaduta",
    ] {
        assert_eq!(ents(t).card_last4, None, "{t}");
    }
    // A year after such a word is not a card's digits, unless a card is named.
    for t in [
        "mein Abo endet 2027",
        "mon abonnement se termine en 2027",
        "my trial finishing in 2026 was billed",
        "la suscripción con terminación en 2026",
        "Endziffern 2026 der Rechnung",
        "I paid … 1299 total",
        "mein Abo, das auf 2027 endet",
    ] {
        assert_eq!(ents(t).card_last4, None, "{t}");
    }
    assert_eq!(ents("my card finishing in 2026 was charged twice").card_last4.as_deref(), Some("2026"));
}
