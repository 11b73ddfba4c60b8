//! Language of a message and the language-aware features of the learned model.
//!
//! - Detection: the model's own small language head (a linear model over the text's
//!   hashed n-grams, trained on the corpus) answers first; where it is unsure and the text
//!   is long enough for trigram statistics, the `whatlang` crate (restricted to the nine
//!   corpus languages) decides. Most messages never reach whatlang, which keeps
//!   classification fast; short texts are where whatlang is least reliable anyway.
//! - Features: the message's words stemmed with the Snowball stemmer of its language
//!   (`rust-stemmers`: English, Spanish, Portuguese, French, German, Italian, Dutch), so that
//!   "refunded"/"refunding"/"refund" or "rimborsare"/"rimborso" share a feature; Chinese and
//!   Japanese get character trigrams instead (no word breaks); plus the language itself and
//!   the language crossed with the rule pass's pick (the rules' keyword lists are stronger in
//!   some languages than in others, and the model learns how far to trust them in each).
//!
//! Stems are cached per thread (a two-way set-associative table indexed by a hash of the
//! language and word, each entry checked against the word itself): customer vocabulary is
//! small and repetitive, so nearly every word is stemmed once.

use std::cell::RefCell;
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

use super::model::{self, Features, Lang};

/// Below this probability of its best language the model's head asks whatlang.
pub const HEAD_SURE: f32 = 0.6;
/// whatlang is asked only about texts of at least this many bytes.
pub const WHATLANG_MIN_BYTES: usize = 40;

fn detector() -> &'static whatlang::Detector {
    static D: OnceLock<whatlang::Detector> = OnceLock::new();
    D.get_or_init(|| {
        use whatlang::Lang as W;
        whatlang::Detector::with_allowlist(vec![W::Eng, W::Spa, W::Por, W::Fra, W::Deu, W::Ita, W::Nld, W::Cmn, W::Jpn])
    })
}

/// whatlang's reading of `text` among the corpus languages, when it calls it reliable.
pub fn whatlang_lang(text: &str) -> Option<Lang> {
    let info = detector().detect(text)?;
    if !info.is_reliable() {
        return None;
    }
    from_whatlang(info.lang())
}

fn from_whatlang(l: whatlang::Lang) -> Option<Lang> {
    use whatlang::Lang as W;
    Some(match l {
        W::Eng => Lang::En,
        W::Spa => Lang::Es,
        W::Por => Lang::Pt,
        W::Fra => Lang::Fr,
        W::Deu => Lang::De,
        W::Ita => Lang::It,
        W::Nld => Lang::Nl,
        W::Cmn => Lang::Zh,
        W::Jpn => Lang::Ja,
        _ => return None,
    })
}

/// The language of a message: the model's head, or whatlang where the head is unsure and
/// the text is long enough (`f` holds the text features of the normalised message, `text`
/// is the redacted original).
pub fn detect(m: &model::Model, f: &Features, text: &str) -> Lang {
    detect_with_confidence(m, f, text).0
}

/// [`detect`], and how sure it is: the model's head's probability of its language, or
/// whatlang's confidence where whatlang decides (it only decides when it calls its reading
/// reliable).
pub fn detect_with_confidence(m: &model::Model, f: &Features, text: &str) -> (Lang, f32) {
    let (lang, p) = m.lang_with_prob(f);
    if p >= HEAD_SURE || text.len() < WHATLANG_MIN_BYTES {
        return (lang, p);
    }
    match detector()
        .detect(text)
        .filter(whatlang::Info::is_reliable)
        .and_then(|info| Some((from_whatlang(info.lang())?, info.confidence() as f32)))
    {
        Some((l, confidence)) => (l, confidence),
        None => (lang, p),
    }
}

fn stemmer(lang: Lang) -> Option<&'static Stemmer> {
    static S: OnceLock<[Stemmer; 7]> = OnceLock::new();
    let all = S.get_or_init(|| {
        [
            Algorithm::English,
            Algorithm::Spanish,
            Algorithm::Portuguese,
            Algorithm::French,
            Algorithm::German,
            Algorithm::Italian,
            Algorithm::Dutch,
        ]
        .map(Stemmer::create)
    });
    match lang {
        Lang::En => Some(&all[0]),
        Lang::Es => Some(&all[1]),
        Lang::Pt => Some(&all[2]),
        Lang::Fr => Some(&all[3]),
        Lang::De => Some(&all[4]),
        Lang::It => Some(&all[5]),
        Lang::Nl => Some(&all[6]),
        Lang::Zh | Lang::Ja => None,
    }
}

/// Sets of the stem cache (2^12), each of two entries.
const CACHE_BITS: u32 = 12;
const WAYS: usize = 2;
/// Longest word (bytes) the cache keeps; longer words are stemmed every time.
const CACHED_WORD: usize = 22;

/// One cached word: the language, the word itself (inline: no pointer to follow) and its
/// stem's hash.
#[derive(Clone, Copy)]
struct Entry {
    lang: u8,
    len: u8,
    word: [u8; CACHED_WORD],
    stem: u32,
}

const EMPTY: Entry = Entry { lang: u8::MAX, len: 0, word: [0; CACHED_WORD], stem: 0 };

/// A two-way set-associative cache of stem hashes: a word's set is chosen by a hash of the
/// language and word, a hit compares the word itself (with hash-only keys an answer once
/// depended on the texts classified before it: found by the `classify` fuzz target), and a
/// miss replaces the entry of the set that was used least recently. Two ways instead of one
/// slot: two frequent words that share a set no longer evict each other on every message.
struct StemCache {
    entries: Vec<Entry>,
    /// Per set: the way to replace next (the one not used last).
    victim: Vec<u8>,
}

impl StemCache {
    fn new() -> StemCache {
        StemCache { entries: vec![EMPTY; WAYS << CACHE_BITS], victim: vec![0; 1 << CACHE_BITS] }
    }

    /// The hash of `w`'s stem in `lang`, from the cache or computed (and cached).
    fn stem_hash(&mut self, st: &Stemmer, lang: Lang, w: &str) -> u32 {
        let bytes = w.as_bytes();
        if bytes.len() > CACHED_WORD {
            return model::hash_stem(st.stem(w).as_bytes());
        }
        let set = (key(lang, w) >> (64 - CACHE_BITS)) as usize;
        let tag = lang as u8;
        for way in 0..WAYS {
            let e = &self.entries[set * WAYS + way];
            if e.lang == tag && usize::from(e.len) == bytes.len() && &e.word[..bytes.len()] == bytes {
                self.victim[set] = (way as u8 + 1) % WAYS as u8;
                return e.stem;
            }
        }
        let h = model::hash_stem(st.stem(w).as_bytes());
        let way = usize::from(self.victim[set]);
        let mut word = [0u8; CACHED_WORD];
        word[..bytes.len()].copy_from_slice(bytes);
        // `bytes.len() <= CACHED_WORD` (22) fits in a u8.
        self.entries[set * WAYS + way] = Entry { lang: tag, len: bytes.len() as u8, word, stem: h };
        self.victim[set] = (way as u8 + 1) % WAYS as u8;
        h
    }
}

thread_local! {
    static STEMS: RefCell<StemCache> = RefCell::new(StemCache::new());
}

#[inline]
fn key(lang: Lang, w: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ (lang as u64 + 1);
    for &b in w.as_bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The stem-hash buckets of the words of `norm` (letters only, 3+ bytes), in order: through
/// this thread's cache, borrowed once per message (or, were it ever borrowed already,
/// computed without it: the same hashes).
fn push_stems(st: &Stemmer, lang: Lang, norm: &str, ids: &mut Vec<u32>) {
    let words = norm.split(' ').filter(|w| w.len() >= 3 && w.bytes().all(|b| b.is_ascii_lowercase() || b >= 0x80));
    STEMS.with(|cell| match cell.try_borrow_mut() {
        Ok(mut cache) => ids.extend(words.map(|w| model::stem_bucket(cache.stem_hash(st, lang, w)))),
        Err(_) => ids.extend(words.map(|w| model::stem_bucket(model::hash_stem(st.stem(w).as_bytes())))),
    });
}

/// The stem of `w` in `lang` (tests and diagnostics); `w` itself where no stemmer applies.
pub fn stem(lang: Lang, w: &str) -> String {
    stemmer(lang).map_or_else(|| w.to_string(), |s| s.stem(w).into_owned())
}

/// Append the language-aware features of the normalised text `norm` written in `lang`:
/// stems (or CJK character trigrams), the language, and the language crossed with the rule
/// pass's pick (`f.pick`).
pub fn push_features(norm: &str, lang: Lang, f: &mut Features) {
    let start = f.ids.len();
    if let Some(st) = stemmer(lang) {
        // Words of letters only: numbers and ids carry no stem.
        push_stems(st, lang, norm, &mut f.ids);
    } else {
        let mut win = [0u32; 3];
        let mut n = 0usize;
        for c in norm.chars() {
            let c = c as u32;
            if !model::is_cjk(c) {
                n = 0;
                continue;
            }
            win = [win[1], win[2], c];
            n += 1;
            if n >= 3 {
                f.ids.push(model::cjk3_bucket(&win));
            }
        }
    }
    let count = f.ids.len() - start;
    f.stems = (start, f.ids.len());
    if count > 0 {
        let v = 1.0 / (count as f32).sqrt();
        f.vals.extend(std::iter::repeat_n(v, count));
    }
    model::push_rule(f, 6, lang as u32, 1.0);
    model::push_rule(f, 7, lang as u32 * model::NC as u32 + f.pick, 1.0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_per_language() {
        assert_eq!(stem(Lang::En, "refunded"), stem(Lang::En, "refunding"));
        assert_eq!(stem(Lang::It, "rimborsare"), stem(Lang::It, "rimborso"));
        assert_eq!(stem(Lang::Pt, "cancelado"), stem(Lang::Pt, "cancelar"));
        assert_eq!(stem(Lang::Zh, "退款"), "退款");
    }

    /// Through the cache, in any order and after any eviction, a word's stem hash is the one
    /// computed directly (words past the cached length included).
    #[test]
    fn cached_stems_are_the_computed_ones() {
        let st = stemmer(Lang::En).expect("english stemmer");
        let mut words: Vec<String> = (0..20_000).map(|i| format!("refunding{i}x")).collect();
        words.push("internationalisationsrefunding".to_string());
        words.push("refunded".to_string());
        let direct = |w: &str| model::hash_stem(st.stem(w).as_bytes());
        let mut cache = StemCache::new();
        for round in 0..3 {
            for (i, w) in words.iter().enumerate() {
                let w = if round == 1 { &words[words.len() - 1 - i] } else { w };
                assert_eq!(cache.stem_hash(st, Lang::En, w), direct(w), "{w}");
            }
        }
        // The same word in another language is another entry.
        let de = stemmer(Lang::De).expect("german stemmer");
        assert_eq!(cache.stem_hash(de, Lang::De, "refunded"), model::hash_stem(de.stem("refunded").as_bytes()));
    }

    #[test]
    fn whatlang_reads_longer_texts() {
        assert_eq!(
            whatlang_lang("vorrei sapere quando arriva il rimborso che mi avete promesso la settimana scorsa"),
            Some(Lang::It)
        );
        assert_eq!(whatlang_lang("ich möchte wissen, wann die Erstattung auf meinem Konto ankommt"), Some(Lang::De));
    }

    #[test]
    fn whatlang_decides_when_the_head_is_unsure() {
        // An untrained head is uniform (1/9 < HEAD_SURE): long texts go to whatlang,
        // short ones keep the head's answer.
        let m = model::Model::zeros();
        let text = "vorrei sapere quando arriva il rimborso che mi avete promesso";
        let mut f = Features::default();
        model::text_features(&crate::nlu::normalize::normalize(text), &mut f);
        assert_eq!(detect(&m, &f, text), Lang::It);
        assert_eq!(detect(&m, &f, "rimborso?"), Lang::En);
    }

    #[test]
    fn features_are_deterministic_and_cached() {
        let norm = crate::nlu::normalize::normalize("I was refunded twice, refunding is weird");
        let (mut a, mut b) = (Features::default(), Features::default());
        push_features(&norm, Lang::En, &mut a);
        push_features(&norm, Lang::En, &mut b);
        assert_eq!(a.ids, b.ids);
        // "refunded" and "refunding" share a stem feature.
        let stems: Vec<u32> = a.ids[..a.ids.len() - 2].to_vec();
        let mut dedup = stems.clone();
        dedup.sort_unstable();
        dedup.dedup();
        assert!(dedup.len() < stems.len());
        let mut z = Features::default();
        push_features(" 退款还没到账 ", Lang::Zh, &mut z);
        assert_eq!(z.ids.len(), 4 + 2);
    }
}
