use super::*;

fn ex(text: &str, intent: Intent, lang: Lang) -> Example {
    let mut f = Features::default();
    text_features(&crate::nlu::normalize::normalize(text), &mut f);
    Example { f, intent, lang: Some(lang) }
}

#[test]
fn round_trip_and_rejects_garbage() {
    let data = [
        ex("refund please", Intent::RefundRequest, Lang::En),
        ex("cancel my plan", Intent::CancelSubscription, Lang::En),
    ];
    let refs: Vec<&Example> = data.iter().collect();
    let mut m = train(&refs, &TrainConfig { epochs: 5, ..TrainConfig::default() });
    m.temperature = 1.5;
    let bytes = m.to_bytes();
    let back = Model::from_bytes(&bytes).expect("round trip");
    assert_eq!(back.temperature, 1.5);
    let (p1, p2) = (m.probs(&data[0].f), back.probs(&data[0].f));
    assert!(p1.iter().zip(&p2).all(|(a, b)| (a - b).abs() < 1e-3));
    assert!(Model::from_bytes(b"").is_none());
    assert!(Model::from_bytes(&bytes[..bytes.len() - 1]).is_none());
    assert!(Model::from_bytes(b"PDNLU01\nxx").is_none());
}

#[test]
fn training_is_deterministic_and_learns() {
    let data = [
        ex("refund please", Intent::RefundRequest, Lang::En),
        ex("quiero un reembolso", Intent::RefundRequest, Lang::Es),
        ex("cancel my plan", Intent::CancelSubscription, Lang::En),
        ex("quiero cancelar mi plan", Intent::CancelSubscription, Lang::Es),
    ];
    let refs: Vec<&Example> = data.iter().collect();
    let a = train(&refs, &TrainConfig::default());
    let b = train(&refs, &TrainConfig::default());
    assert_eq!(a, b);
    assert_eq!(score(&a, &refs).0, 1.0);
    assert_eq!(a.lang(&data[1].f), Lang::Es);
}

/// The character n-grams as first written: every char in an array, then each position.
fn char_ngrams_from_an_array(norm: &str) -> Vec<u32> {
    let cs: Vec<u32> = norm.chars().take(MAX_CHARS).map(|c| c as u32).collect();
    let n = cs.len();
    let mut ids = Vec::new();
    for i in 0..n {
        if cs[i] >= 0x2E80 {
            ids.push(bucket(mix(5, &cs[i..i + 1])));
            if i + 2 <= n {
                ids.push(bucket(mix(6, &cs[i..i + 2])));
            }
        }
        if i + 3 <= n {
            ids.push(bucket(mix(3, &cs[i..i + 3])));
        }
        if i + 4 <= n {
            ids.push(bucket(mix(4, &cs[i..i + 4])));
        }
    }
    ids
}

/// The sliding window gives the same features, in the same order, as the array did
/// (short texts, Chinese and Japanese, and texts past MAX_CHARS).
#[test]
fn character_ngrams_are_those_of_the_array() {
    let long = "a refund please ".repeat(60);
    for text in [
        "",
        "a",
        "ab",
        "abc",
        "abcd",
        "refund please",
        "退款还没到账",
        "返金 お願い x",
        "扣款两次 twice",
        long.as_str(),
    ] {
        let norm = crate::nlu::normalize::normalize(text);
        let mut f = Features::default();
        text_features(&norm, &mut f);
        let words = norm.split(' ').filter(|w| !w.is_empty() && *w != ".").count();
        let chars = char_ngrams_from_an_array(&norm);
        assert!(f.ids.len() >= words);
        assert_eq!(&f.ids[f.ids.len() - chars.len()..], &chars[..], "{text:?}");
    }
}

#[test]
fn calibration_error() {
    assert!(ece(&[(1.0, true), (1.0, true)]) < 1e-9);
    assert!((ece(&[(0.9, false), (0.9, false)]) - 0.9).abs() < 1e-6);
    assert!((ece(&[(0.5, true), (0.5, false)])).abs() < 1e-6);
}
