//! Throughput measurement for `classify`.

use std::hint::black_box;
use std::time::Instant;

/// Classify every message `rounds` times on the current thread; messages per second.
pub fn bench(messages: &[String], rounds: usize) -> f64 {
    let c = super::classifier();
    if messages.is_empty() || rounds == 0 {
        return 0.0;
    }
    // Warm up (automaton, regex caches, thread-local buffer).
    for m in messages {
        black_box(c.classify(m, "USD"));
    }
    let start = Instant::now();
    for _ in 0..rounds {
        for m in messages {
            black_box(c.classify(black_box(m), "USD"));
        }
    }
    let secs = start.elapsed().as_secs_f64().max(1e-9);
    (messages.len() * rounds) as f64 / secs
}
