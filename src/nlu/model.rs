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
}

impl Features {
    pub fn clear(&mut self) {
        self.ids.clear();
        self.vals.clear();
        self.text_end = 0;
        self.pick = 0;
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
        if win[0] >= 0x2E80 {
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

/// One training example, already featurised.
#[derive(Debug, Clone)]
pub struct Example {
    pub f: Features,
    pub intent: Intent,
    pub lang: Option<Lang>,
}

/// Hyper-parameters (fixed; chosen by k-fold cross-validation on the training corpus).
#[derive(Debug, Clone, Copy)]
pub struct TrainConfig {
    pub epochs: usize,
    pub lr: f32,
    pub l2: f32,
    pub seed: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig { epochs: 30, lr: 0.5, l2: 1e-6, seed: 0x5eed_2026 }
    }
}

impl TrainConfig {
    /// The configurations `paydesk train --grid` compares by cross-validation: `base`
    /// first, then epochs x L2 around it.
    pub fn grid(base: &TrainConfig) -> Vec<TrainConfig> {
        let mut out = vec![*base];
        for (epochs, l2) in [(30, 0.0), (30, 1e-5), (45, 1e-6), (45, 1e-5)] {
            let c = TrainConfig { epochs, l2, ..*base };
            if c.epochs != base.epochs || c.l2 != base.l2 {
                out.push(c);
            }
        }
        out
    }
}

/// A small deterministic PRNG (SplitMix64: Steele, Lea, Flood 2014), for training
/// and the load generator: the same seed gives the same sequence everywhere.
pub struct Rng(pub u64);
impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    pub fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            xs.swap(i, j);
        }
    }
}

fn intent_index(i: Intent) -> usize {
    Intent::ALL.iter().position(|&x| x == i).unwrap_or(NC - 1)
}

/// Train both heads by stochastic gradient descent on the cross-entropy (temperature 1).
pub fn train(data: &[&Example], cfg: &TrainConfig) -> Model {
    train_heads(data, cfg, true, true)
}

/// Train the language head alone (the intent weights stay zero).
pub fn train_lang(data: &[&Example], cfg: &TrainConfig) -> Model {
    train_heads(data, cfg, false, true)
}

fn train_heads(data: &[&Example], cfg: &TrainConfig, intents: bool, langs: bool) -> Model {
    let mut m = Model::zeros();
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut rng = Rng(cfg.seed);
    let mut z = [0f32; NC];
    let mut lz = [0f32; NL];
    for epoch in 0..cfg.epochs {
        rng.shuffle(&mut order);
        let lr = cfg.lr / (1.0 + epoch as f32 * 0.15);
        for &k in &order {
            let ex = data[k];
            if intents {
                m.logits(&ex.f, &mut z);
                softmax(&mut z);
                let y = intent_index(ex.intent);
                z[y] -= 1.0;
                for (b, &g) in m.b.iter_mut().zip(&z) {
                    *b -= lr * g;
                }
                for (&id, &v) in ex.f.ids.iter().zip(&ex.f.vals) {
                    let row = &mut m.w[id as usize * NC..id as usize * NC + NC];
                    for (w, &g) in row.iter_mut().zip(&z) {
                        *w -= lr * (g * v + cfg.l2 * *w);
                    }
                }
            }
            if let (true, Some(l)) = (langs, ex.lang) {
                m.lang_logits(&ex.f, &mut lz);
                softmax(&mut lz);
                lz[l.index()] -= 1.0;
                for (b, &g) in m.lb.iter_mut().zip(&lz) {
                    *b -= lr * g;
                }
                for (&id, &v) in ex.f.ids[..ex.f.text_end].iter().zip(&ex.f.vals) {
                    let r = (id as usize & (LNB - 1)) * NL;
                    for (w, &g) in m.lw[r..r + NL].iter_mut().zip(&lz) {
                        *w -= lr * (g * v + cfg.l2 * *w);
                    }
                }
            }
        }
    }
    m
}

/// Mean negative log-likelihood of the true intents at temperature `t`.
pub fn nll(m: &Model, data: &[&Example], t: f32) -> f64 {
    let mut z = [0f32; NC];
    let mut s = 0f64;
    for ex in data {
        m.logits(&ex.f, &mut z);
        for x in z.iter_mut() {
            *x /= t;
        }
        softmax(&mut z);
        s -= f64::from(z[intent_index(ex.intent)].max(1e-9)).ln();
    }
    s / data.len().max(1) as f64
}

/// The temperature (0.25..=5, step 0.05) that minimises the NLL on `val`.
pub fn fit_temperature(m: &Model, val: &[&Example]) -> f32 {
    let mut best = (f64::INFINITY, 1.0f32);
    for k in 5..=100 {
        let t = k as f32 * 0.05;
        let l = nll(m, val, t);
        if l < best.0 {
            best = (l, t);
        }
    }
    best.1
}

/// Expected calibration error over 15 equal-width confidence bins: (confidence, correct) pairs.
pub fn ece(pairs: &[(f32, bool)]) -> f64 {
    const BINS: usize = 15;
    let mut n = [0usize; BINS];
    let mut conf = [0f64; BINS];
    let mut acc = [0f64; BINS];
    for &(c, ok) in pairs {
        let b = ((c * BINS as f32) as usize).min(BINS - 1);
        n[b] += 1;
        conf[b] += f64::from(c);
        acc[b] += if ok { 1.0 } else { 0.0 };
    }
    let total = pairs.len().max(1) as f64;
    (0..BINS).filter(|&b| n[b] > 0).map(|b| (n[b] as f64 / total) * ((acc[b] - conf[b]) / n[b] as f64).abs()).sum()
}

/// Accuracy and (confidence, correct) pairs of `m` on `data`.
pub fn score(m: &Model, data: &[&Example]) -> (f64, Vec<(f32, bool)>) {
    let mut pairs = Vec::with_capacity(data.len());
    for ex in data {
        let p = m.probs(&ex.f);
        let k = argmax(&p);
        pairs.push((p[k], Intent::ALL[k] == ex.intent));
    }
    let acc = pairs.iter().filter(|p| p.1).count() as f64 / data.len().max(1) as f64;
    (acc, pairs)
}

/// (wanted, got) -> count, most frequent first.
pub type Confusions = Vec<((Intent, Intent), usize)>;

/// What `train_all` measured.
#[derive(Debug, Clone)]
pub struct TrainReport {
    pub examples: usize,
    pub folds: Vec<f64>,
    pub val_examples: usize,
    pub val_accuracy: f64,
    pub temperature: f32,
    pub val_ece_before: f64,
    pub val_ece_after: f64,
    pub lang_accuracy: f64,
    /// (wanted, got) -> count over the cross-validation folds, most frequent first.
    pub cv_confusions: Confusions,
    /// The configurations compared by cross-validation and their mean accuracy.
    pub grid: Vec<(TrainConfig, f64)>,
    /// The configuration of the final model.
    pub config: TrainConfig,
}

impl TrainReport {
    pub fn summary(&self) -> String {
        let mut s = String::new();
        for (c, acc) in &self.grid {
            s.push_str(&format!(
                "grid: epochs={} lr={} l2={:e} -> {}-fold CV accuracy {:.4}\n",
                c.epochs,
                c.lr,
                c.l2,
                self.folds.len(),
                acc
            ));
        }
        s.push_str(&format!("chosen: epochs={} lr={} l2={:e}\n", self.config.epochs, self.config.lr, self.config.l2));
        let mean = self.folds.iter().sum::<f64>() / self.folds.len().max(1) as f64;
        let sd = (self.folds.iter().map(|a| (a - mean).powi(2)).sum::<f64>() / self.folds.len().max(1) as f64).sqrt();
        let top: Vec<String> = self.cv_confusions.iter().take(12).map(|((w, g), n)| format!("{w}->{g}:{n}")).collect();
        s.push_str(&format!("CV confusions (wanted->got:count): {}\n", top.join(" ")));
        s + &format!(
            "examples={} {}-fold CV intent accuracy={:.4} (sd {:.4}; folds {}) validation: n={} accuracy={:.4} temperature={:.2} ECE {:.4} -> {:.4}; language-ID accuracy (CV) {:.4}",
            self.examples,
            self.folds.len(),
            mean,
            sd,
            self.folds.iter().map(|a| format!("{a:.3}")).collect::<Vec<_>>().join(" "),
            self.val_examples,
            self.val_accuracy,
            self.temperature,
            self.val_ece_before,
            self.val_ece_after,
            self.lang_accuracy,
        )
    }
}

/// k-fold cross-validation accuracy of `cfg` (the folds of [`train_all`]).
pub fn cross_validate(data: &[Example], cfg: &TrainConfig, folds: usize) -> Vec<f64> {
    cv(data, cfg, folds, false).0
}

fn cv(data: &[Example], cfg: &TrainConfig, folds: usize, langs: bool) -> (Vec<f64>, f64) {
    let (accs, lang, _) = cv_full(data, cfg, folds, langs);
    (accs, lang)
}

/// Cross-validation accuracies, language-ID accuracy and the (wanted, got) count of every
/// confusion over all folds.
fn cv_full(data: &[Example], cfg: &TrainConfig, folds: usize, langs: bool) -> (Vec<f64>, f64, Confusions) {
    let mut idx: Vec<usize> = (0..data.len()).collect();
    Rng(cfg.seed ^ 0xf01d).shuffle(&mut idx);
    let mut confusions: std::collections::BTreeMap<(usize, usize), usize> = std::collections::BTreeMap::new();
    let mut accs = Vec::new();
    let (mut lang_ok, mut lang_n) = (0usize, 0usize);
    for k in 0..folds {
        let tr: Vec<&Example> =
            idx.iter().enumerate().filter(|(i, _)| i % folds != k).map(|(_, &j)| &data[j]).collect();
        let te: Vec<&Example> =
            idx.iter().enumerate().filter(|(i, _)| i % folds == k).map(|(_, &j)| &data[j]).collect();
        let m = train_heads(&tr, cfg, true, langs);
        accs.push(score(&m, &te).0);
        for ex in &te {
            let (want, got) = (intent_index(ex.intent), argmax(&m.probs(&ex.f)));
            if want != got {
                *confusions.entry((want, got)).or_default() += 1;
            }
        }
        if langs {
            for ex in &te {
                if let Some(l) = ex.lang {
                    lang_n += 1;
                    lang_ok += usize::from(m.lang(&ex.f) == l);
                }
            }
        }
    }
    let mut pairs: Vec<((Intent, Intent), usize)> =
        confusions.into_iter().map(|((w, g), n)| ((Intent::ALL[w], Intent::ALL[g]), n)).collect();
    pairs.sort_by_key(|p| std::cmp::Reverse(p.1));
    (accs, if lang_n == 0 { 1.0 } else { lang_ok as f64 / lang_n as f64 }, pairs)
}

/// k-fold cross-validation, a temperature fitted on a validation split (every 7th example
/// after a seeded shuffle), then the final model on every example with that temperature.
pub fn train_all(data: &[Example], cfg: &TrainConfig, folds: usize) -> (Model, TrainReport) {
    let (accs, lang_accuracy, cv_confusions) = cv_full(data, cfg, folds, true);
    let mut idx: Vec<usize> = (0..data.len()).collect();
    Rng(cfg.seed ^ 0xf01d).shuffle(&mut idx);
    let tr: Vec<&Example> = idx.iter().enumerate().filter(|(i, _)| i % 7 != 0).map(|(_, &j)| &data[j]).collect();
    let val: Vec<&Example> = idx.iter().enumerate().filter(|(i, _)| i % 7 == 0).map(|(_, &j)| &data[j]).collect();
    let mut m = train_heads(&tr, cfg, true, false);
    let (val_accuracy, before) = score(&m, &val);
    let t = fit_temperature(&m, &val);
    m.temperature = t;
    let (_, after) = score(&m, &val);
    let all: Vec<&Example> = data.iter().collect();
    let mut fin = train_heads(&all, cfg, true, false);
    fin.temperature = t;
    let report = TrainReport {
        examples: data.len(),
        folds: accs,
        val_examples: val.len(),
        val_accuracy,
        temperature: t,
        val_ece_before: ece(&before),
        val_ece_after: ece(&after),
        lang_accuracy,
        cv_confusions,
        grid: Vec::new(),
        config: *cfg,
    };
    (fin, report)
}

#[cfg(test)]
mod tests {
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
}
