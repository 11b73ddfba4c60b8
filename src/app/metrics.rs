//! In-process metrics, rendered as Prometheus text by the ops listener. Counters and
//! histograms only: gauges (cases and refunds by status) are read from the store at
//! scrape time, so several instances never disagree about them.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Bucket bounds in seconds.
const LATENCY_BUCKETS: [f64; 12] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];
const APPROVAL_BUCKETS: [f64; 10] = [60.0, 300.0, 900.0, 1800.0, 3600.0, 7200.0, 14400.0, 43200.0, 86400.0, 259200.0];

#[derive(Debug)]
pub struct Histogram {
    bounds: &'static [f64],
    counts: Vec<AtomicU64>,
    sum_micros: AtomicU64,
    count: AtomicU64,
}

impl Histogram {
    fn new(bounds: &'static [f64]) -> Histogram {
        Histogram {
            bounds,
            counts: bounds.iter().map(|_| AtomicU64::new(0)).collect(),
            sum_micros: AtomicU64::new(0),
            count: AtomicU64::new(0),
        }
    }

    pub fn observe(&self, d: Duration) {
        let secs = d.as_secs_f64();
        for (i, b) in self.bounds.iter().enumerate() {
            if secs <= *b {
                self.counts[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.sum_micros.fetch_add(u64::try_from(d.as_micros()).unwrap_or(u64::MAX), Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
    }

    fn render(&self, name: &str, labels: &str, out: &mut String) {
        let sep = if labels.is_empty() { "" } else { "," };
        for (i, b) in self.bounds.iter().enumerate() {
            out.push_str(&format!(
                "{name}_bucket{{{labels}{sep}le=\"{b}\"}} {}\n",
                self.counts[i].load(Ordering::Relaxed)
            ));
        }
        let n = self.count.load(Ordering::Relaxed);
        out.push_str(&format!("{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {n}\n"));
        let braces = if labels.is_empty() { String::new() } else { format!("{{{labels}}}") };
        out.push_str(&format!("{name}_sum{braces} {}\n", self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6));
        out.push_str(&format!("{name}_count{braces} {n}\n"));
    }
}

/// A gauge read at scrape time: (name, help, [(labels, value)]).
pub type Gauge<'a> = (&'a str, &'a str, Vec<(String, i64)>);

#[derive(Debug)]
pub struct Metrics {
    pub events_handled: AtomicU64,
    pub events_failed: AtomicU64,
    pub approval_latency: Histogram,
    provider_latency: Mutex<BTreeMap<String, Histogram>>,
    /// Outbox items this process gave up on (dead).
    pub outbox_dead: AtomicU64,
    /// Gateway sessions (re)established after the first one.
    pub reconnects: AtomicU64,
    /// Times staff were told in the approvals channel that Discord refused something.
    pub staff_alerts: AtomicU64,
    /// Chat platform REST errors by "status/code".
    rest_errors: Mutex<BTreeMap<String, u64>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            events_handled: AtomicU64::new(0),
            events_failed: AtomicU64::new(0),
            approval_latency: Histogram::new(&APPROVAL_BUCKETS),
            provider_latency: Mutex::new(BTreeMap::new()),
            outbox_dead: AtomicU64::new(0),
            reconnects: AtomicU64::new(0),
            staff_alerts: AtomicU64::new(0),
            rest_errors: Mutex::new(BTreeMap::new()),
        }
    }
}

impl Metrics {
    /// One provider HTTP call (or sandbox call) took `d`.
    pub fn provider_call(&self, provider: &str, d: Duration) {
        let mut m = self.provider_latency.lock().unwrap_or_else(|p| p.into_inner());
        m.entry(provider.to_string()).or_insert_with(|| Histogram::new(&LATENCY_BUCKETS)).observe(d);
    }

    /// One REST error from the chat platform (`status`, and its JSON error `code`).
    pub fn rest_error(&self, status: u16, code: i64) {
        *self.rest_errors.lock().unwrap_or_else(|p| p.into_inner()).entry(format!("{status}/{code}")).or_insert(0) += 1;
    }

    /// Prometheus text format. `gauges` are (name, help, [(labels, value)]) read elsewhere.
    pub fn render(&self, gauges: &[Gauge<'_>]) -> String {
        let mut out = String::new();
        out.push_str("# HELP paydesk_events_handled_total Chat and timer events handled.\n# TYPE paydesk_events_handled_total counter\n");
        out.push_str(&format!("paydesk_events_handled_total {}\n", self.events_handled.load(Ordering::Relaxed)));
        out.push_str("# HELP paydesk_events_failed_total Events whose handling failed (store or internal error).\n# TYPE paydesk_events_failed_total counter\n");
        out.push_str(&format!("paydesk_events_failed_total {}\n", self.events_failed.load(Ordering::Relaxed)));
        out.push_str("# HELP paydesk_approval_latency_seconds From refund request to approval.\n# TYPE paydesk_approval_latency_seconds histogram\n");
        self.approval_latency.render("paydesk_approval_latency_seconds", "", &mut out);
        out.push_str("# HELP paydesk_provider_call_seconds Payment provider call latency.\n# TYPE paydesk_provider_call_seconds histogram\n");
        for (provider, h) in self.provider_latency.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            h.render("paydesk_provider_call_seconds", &format!("provider=\"{provider}\""), &mut out);
        }
        for (name, help, v) in [
            ("paydesk_outbox_dead_total", "Outbox items given up on by this process.", &self.outbox_dead),
            ("paydesk_gateway_reconnects_total", "Chat gateway sessions re-established.", &self.reconnects),
            ("paydesk_staff_alerts_total", "Refusals by the chat platform reported to staff.", &self.staff_alerts),
        ] {
            out.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}\n",
                v.load(Ordering::Relaxed)
            ));
        }
        out.push_str("# HELP paydesk_chat_rest_errors_total Chat platform REST errors by HTTP status and error code.\n# TYPE paydesk_chat_rest_errors_total counter\n");
        for (k, n) in self.rest_errors.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            let (status, code) = k.split_once('/').unwrap_or((k.as_str(), ""));
            out.push_str(&format!("paydesk_chat_rest_errors_total{{status=\"{status}\",code=\"{code}\"}} {n}\n"));
        }
        for (name, help, values) in gauges {
            out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} gauge\n"));
            for (labels, v) in values {
                if labels.is_empty() {
                    out.push_str(&format!("{name} {v}\n"));
                    continue;
                }
                out.push_str(&format!("{name}{{{labels}}} {v}\n"));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_prometheus_text() {
        let m = Metrics::default();
        m.events_handled.fetch_add(3, Ordering::Relaxed);
        m.provider_call("stripe", Duration::from_millis(30));
        m.approval_latency.observe(Duration::from_secs(120));
        let text = m.render(&[("paydesk_cases", "Cases by status.", vec![("status=\"open\"".into(), 2)])]);
        assert!(text.contains("paydesk_events_handled_total 3\n"), "{text}");
        assert!(text.contains("paydesk_provider_call_seconds_bucket{provider=\"stripe\",le=\"0.05\"} 1"), "{text}");
        assert!(text.contains("paydesk_provider_call_seconds_bucket{provider=\"stripe\",le=\"0.025\"} 0"), "{text}");
        assert!(text.contains("paydesk_approval_latency_seconds_count 1"), "{text}");
        assert!(text.contains("paydesk_cases{status=\"open\"} 2"), "{text}");
        m.rest_error(403, 50013);
        m.reconnects.fetch_add(1, Ordering::Relaxed);
        let text = m.render(&[]);
        assert!(text.contains("paydesk_chat_rest_errors_total{status=\"403\",code=\"50013\"} 1"), "{text}");
        assert!(text.contains("paydesk_gateway_reconnects_total 1"), "{text}");
    }
}
