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

/// Rule dropout leaves out only rule and language features, keeps every text feature in
/// order, and is the identity at 0.
#[test]
fn rule_dropout_keeps_the_texts_own_features() {
    let mut f = Features::default();
    text_features("refund please", &mut f);
    let text = f.ids.clone();
    for k in 0..40 {
        push_rule(&mut f, 1, k, 1.0);
    }
    let stems_at = f.ids.len();
    f.ids.extend([11, 12, 13]);
    f.vals.extend([0.5; 3]);
    f.stems = (stems_at, f.ids.len());
    push_rule(&mut f, 6, 0, 1.0);
    let mut out = Features::default();
    let mut rng = Rng(7);
    drop_rule_features(&f, 0.8, &mut rng, &mut out);
    assert_eq!(&out.ids[..out.text_end], &text[..]);
    assert!(out.ids.windows(3).any(|w| w == [11, 12, 13]), "the stems are kept");
    let rules_kept = out.ids.len() - text.len() - 3;
    assert!(rules_kept < 20, "about 8 of 41 kept, kept {rules_kept}");
    drop_rule_features(&f, 0.0, &mut rng, &mut out);
    assert_eq!(out.ids, f.ids);
    assert_eq!(out.vals, f.vals);
}
