//! The learned part of the classifier: a multinomial logistic regression over hashed
//! features of the normalised, redacted text (word uni/bi-grams, character n-grams) plus
//! the rule pass's own outputs (its scores, its cue tags, its pick), and a second small
//! linear head that tells the language from the same hashed features.
//!
//! Training is deterministic (fixed seed, fixed order, f32 sums in a fixed order) and pure:
//! `paydesk train` reads the corpus and writes the weights; the binary embeds the weights
//! file and loads it on first use. Probabilities are calibrated by temperature scaling
//! fitted on a validation split.

use crate::domain::intent::Intent;

mod train;

pub use train::*;

#[cfg(test)]
mod tests;

/// Hashed feature space of the intent head: 2^16 buckets.
pub const NB_BITS: u32 = 16;
pub const NB: usize = 1 << NB_BITS;
/// Hashed feature space of the language head: 2^13 buckets.
pub const LNB_BITS: u32 = 13;
pub const LNB: usize = 1 << LNB_BITS;
pub const NC: usize = 17;
pub const NL: usize = Lang::ALL.len();
/// Longest text (in chars) whose character n-grams are taken; words are always all taken.
const MAX_CHARS: usize = 600;

/// The languages the corpus covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    En,
    Es,
    Pt,
    Fr,
    De,
    It,
    Nl,
    Zh,
    Ja,
}

impl Lang {
    pub const ALL: [Lang; 9] =
        [Lang::En, Lang::Es, Lang::Pt, Lang::Fr, Lang::De, Lang::It, Lang::Nl, Lang::Zh, Lang::Ja];
    /// ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
            Lang::Pt => "pt",
            Lang::Fr => "fr",
            Lang::De => "de",
            Lang::It => "it",
            Lang::Nl => "nl",
            Lang::Zh => "zh",
            Lang::Ja => "ja",
        }
    }
    pub fn from_code(s: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == s)
    }
    fn index(self) -> usize {
        self as usize
    }
}

/// A feature vector: (bucket, value) pairs; `text_end` splits text features (also used by
/// the language head) from rule and language features.
#[derive(Debug, Clone, Default)]
pub struct Features {
    pub ids: Vec<u32>,
    pub vals: Vec<f32>,
    pub text_end: usize,
    /// The rule pass's pick (index in `Intent::ALL`), crossed with the language.
    pub pick: u32,
    /// The stem features (or Chinese/Japanese character trigrams): `stems.0..stems.1`. They
    /// are of the text, like `..text_end`; every other feature comes from the rule pass or
    /// the language (see [`Features::is_text`]).
    pub stems: (usize, usize),
}

impl Features {
    pub fn clear(&mut self) {
        self.ids.clear();
        self.vals.clear();
        self.text_end = 0;
        self.pick = 0;
        self.stems = (0, 0);
    }

    /// Whether feature `i` is one of the text's own (n-grams, stems), not the rule pass's
    /// or the language's.
    pub fn is_text(&self, i: usize) -> bool {
        i < self.text_end || (self.stems.0..self.stems.1).contains(&i)
    }
}

const FNV_OFFSET: u32 = 0x811c_9dc5;
const FNV_PRIME: u32 = 0x0100_0193;

#[inline]
fn fnv(seed: u32, bytes: &[u8]) -> u32 {
    let mut h = FNV_OFFSET ^ seed.wrapping_mul(0x9e37_79b9);
    for &b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

#[inline]
fn mix(seed: u32, xs: &[u32]) -> u32 {
    let mut h = FNV_OFFSET ^ seed.wrapping_mul(0x9e37_79b9);
    for &x in xs {
        h ^= x;
        h = h.wrapping_mul(FNV_PRIME);
        h ^= h >> 15;
    }
    h
}

#[inline]
fn bucket(h: u32) -> u32 {
    // Final avalanche so that low bits are usable.
    let mut x = h;
    x ^= x >> 16;
    x = x.wrapping_mul(0x7feb_352d);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846c_a68b);
    x ^= x >> 16;
    x & (NB as u32 - 1)
}

/// Whether the char `c` (as u32) is in the CJK blocks (from U+2E80 on): Chinese and
/// Japanese, written without spaces, which the features and the rules treat apart.
#[inline]
pub fn is_cjk(c: u32) -> bool {
    c >= 0x2E80
}

/// Text features of a normalised text (see `normalize`): word unigrams and bigrams
/// (not across a clause break), character 3- and 4-grams, and character 1- and 2-grams
/// where a window holds a non-Latin letter (Chinese and Japanese are written without
/// spaces). Values are 1/sqrt(n) so that long and short messages weigh alike.
pub fn text_features(norm: &str, f: &mut Features) {
    let start = f.ids.len();
    let mut prev: Option<&str> = None;
    for w in norm.split(' ') {
        if w.is_empty() {
            continue;
        }
        if w == "." {
            prev = None;
            continue;
        }
        f.ids.push(bucket(fnv(1, w.as_bytes())));
        // A crude stem in every language: the first five letters of a long word
        // ("reembolso"/"reembolsar", "erstattung"/"erstatten", "cancelled"/"cancelling").
        if w.len() >= 7 && w.is_char_boundary(5) {
            f.ids.push(bucket(fnv(7, &w.as_bytes()[..5])));
        }
        if let Some(p) = prev {
            let h = fnv(2, p.as_bytes());
            f.ids.push(bucket(fnv(h, w.as_bytes())));
        }
        prev = Some(w);
    }
    // Character n-grams over the first MAX_CHARS chars, position by position: `win` holds
    // the chars at i..i + ahead (ahead = min(4, chars left)), so `ahead >= k` is `i + k <= n`
    // and the features come out in the same order as from an array of all the chars
    // (order matters: the scores are f32 sums), without filling such an array per message.
    let mut chars = norm.chars().take(MAX_CHARS).map(|c| c as u32);
    let mut win = [0u32; 4];
    let mut ahead = 0;
    while ahead < 4 {
        let Some(c) = chars.next() else { break };
        win[ahead] = c;
        ahead += 1;
    }
    while ahead > 0 {
        if is_cjk(win[0]) {
            f.ids.push(bucket(mix(5, &win[..1])));
            if ahead >= 2 {
                f.ids.push(bucket(mix(6, &win[..2])));
            }
        }
        if ahead >= 3 {
            f.ids.push(bucket(mix(3, &win[..3])));
        }
        if ahead >= 4 {
            f.ids.push(bucket(mix(4, &win[..4])));
        }
        win.copy_within(1.., 0);
        ahead -= 1;
        if let Some(c) = chars.next() {
            win[ahead] = c;
            ahead += 1;
        }
    }
    let count = f.ids.len() - start;
    let v = if count == 0 { 0.0 } else { 1.0 / (count as f32).sqrt() };
    f.vals.extend(std::iter::repeat_n(v, count));
    f.text_end = f.ids.len();
}

/// The hash of a stem (see `lang::push_features`).
pub fn hash_stem(stem: &[u8]) -> u32 {
    fnv(8, stem)
}

/// The bucket of a stem hash.
pub fn stem_bucket(h: u32) -> u32 {
    bucket(h)
}

/// The bucket of three consecutive Chinese/Japanese characters.
pub fn cjk3_bucket(cs: &[u32; 3]) -> u32 {
    bucket(mix(9, cs))
}

/// A feature from the rule pass or the entities, with its value.
pub fn push_rule(f: &mut Features, kind: u32, index: u32, value: f32) {
    f.ids.push(bucket(mix(100 + kind, &[index])));
    f.vals.push(value);
}

/// Weights and temperature. `w` is bucket-major: `w[b * NC + c]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub w: Vec<f32>,
    pub b: [f32; NC],
    pub lw: Vec<f32>,
    pub lb: [f32; NL],
    pub temperature: f32,
}

const MAGIC: &[u8; 8] = b"PDNLU01\n";

impl Model {
    pub fn zeros() -> Model {
        Model { w: vec![0.0; NB * NC], b: [0.0; NC], lw: vec![0.0; LNB * NL], lb: [0.0; NL], temperature: 1.0 }
    }

    /// Raw intent scores (logits before temperature).
    pub fn logits(&self, f: &Features, out: &mut [f32; NC]) {
        *out = self.b;
        for (&id, &v) in f.ids.iter().zip(&f.vals) {
            let row = &self.w[id as usize * NC..id as usize * NC + NC];
            for (o, &w) in out.iter_mut().zip(row) {
                *o += w * v;
            }
        }
    }

    /// Calibrated probabilities of the 17 intents (in `Intent::ALL` order).
    pub fn probs(&self, f: &Features) -> [f32; NC] {
        let mut z = [0f32; NC];
        self.logits(f, &mut z);
        let t = self.temperature.max(1e-3);
        for x in z.iter_mut() {
            *x /= t;
        }
        softmax(&mut z);
        z
    }

    fn lang_logits(&self, f: &Features, out: &mut [f32; NL]) {
        *out = self.lb;
        for (&id, &v) in f.ids[..f.text_end].iter().zip(&f.vals) {
            let r = (id as usize & (LNB - 1)) * NL;
            for (o, &w) in out.iter_mut().zip(&self.lw[r..r + NL]) {
                *o += w * v;
            }
        }
    }

    /// The likeliest language of the text features.
    pub fn lang(&self, f: &Features) -> Lang {
        self.lang_with_prob(f).0
    }

    /// The likeliest language of the text features and its probability.
    pub fn lang_with_prob(&self, f: &Features) -> (Lang, f32) {
        let mut z = [0f32; NL];
        self.lang_logits(f, &mut z);
        softmax(&mut z);
        let k = argmax(&z);
        (Lang::ALL[k], z[k])
    }

    /// Serialise: magic, temperature, then each array as i16 with one f32 scale (so the
    /// file stays small), biases as f32. Little-endian.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + 2 * (self.w.len() + self.lw.len()));
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.temperature.to_le_bytes());
        for x in self.b.iter().chain(self.lb.iter()) {
            out.extend_from_slice(&x.to_le_bytes());
        }
        for arr in [&self.w, &self.lw] {
            let max = arr.iter().fold(0f32, |m, x| m.max(x.abs()));
            let scale = if max > 0.0 { max / 32767.0 } else { 1.0 };
            out.extend_from_slice(&scale.to_le_bytes());
            for &x in arr.iter() {
                let q = (x / scale).round().clamp(-32767.0, 32767.0) as i16;
                out.extend_from_slice(&q.to_le_bytes());
            }
        }
        out
    }

    /// The inverse of [`to_bytes`](Self::to_bytes); `None` for anything else.
    pub fn from_bytes(bytes: &[u8]) -> Option<Model> {
        let rest = bytes.strip_prefix(MAGIC)?;
        let mut r = Reader(rest);
        let temperature = r.f32()?;
        let mut b = [0f32; NC];
        for x in b.iter_mut() {
            *x = r.f32()?;
        }
        let mut lb = [0f32; NL];
        for x in lb.iter_mut() {
            *x = r.f32()?;
        }
        let w = r.quantized(NB * NC)?;
        let lw = r.quantized(LNB * NL)?;
        if !r.0.is_empty() || !temperature.is_finite() || temperature <= 0.0 {
            return None;
        }
        Some(Model { w, b, lw, lb, temperature })
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (a, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*a)
    }
    fn f32(&mut self) -> Option<f32> {
        self.take::<4>().map(f32::from_le_bytes)
    }
    fn quantized(&mut self, n: usize) -> Option<Vec<f32>> {
        let scale = self.f32()?;
        if self.0.len() < 2 * n || !scale.is_finite() {
            return None;
        }
        let (data, rest) = self.0.split_at(2 * n);
        self.0 = rest;
        Some(data.chunks_exact(2).map(|c| f32::from(i16::from_le_bytes([c[0], c[1]])) * scale).collect())
    }
}

pub fn softmax(z: &mut [f32]) {
    let m = z.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b));
    let mut s = 0.0;
    for x in z.iter_mut() {
        *x = (*x - m).exp();
        s += *x;
    }
    if s > 0.0 {
        for x in z.iter_mut() {
            *x /= s;
        }
    }
}

pub fn argmax(z: &[f32]) -> usize {
    let mut best = 0;
    for (i, &x) in z.iter().enumerate() {
        if x > z[best] {
            best = i;
        }
    }
    best
}
