//! Prometheus metrics in the text exposition format, hand-rolled (a few counters, one gauge
//! family read from the store at scrape time, one histogram).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::store::JobState;

/// Latency bucket upper bounds, seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// Routes the histogram distinguishes (anything else is `other`).
pub const ROUTES: [&str; 6] = [
    "/webhooks/github",
    "/webhooks/gitlab",
    "/healthz",
    "/readyz",
    "/metrics",
    "other",
];

/// Event label values; anything else is counted as `other`, so a sender cannot grow the
/// number of series.
const EVENTS: [&str; 8] = [
    "pull_request",
    "check_suite",
    "check_run",
    "ping",
    "installation",
    "installation_repositories",
    "Merge Request Hook",
    "unverified",
];

/// Outcome of one webhook delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Queued,
    Duplicate,
    Ignored,
    Unauthorized,
    BadRequest,
    TooLarge,
    Error,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Queued => "queued",
            Outcome::Duplicate => "duplicate",
            Outcome::Ignored => "ignored",
            Outcome::Unauthorized => "unauthorized",
            Outcome::BadRequest => "bad_request",
            Outcome::TooLarge => "too_large",
            Outcome::Error => "error",
        }
    }
}

#[derive(Default)]
struct Histogram {
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

/// Process-wide counters of the service.
pub struct Metrics {
    deliveries: Mutex<BTreeMap<(&'static str, &'static str, Outcome), u64>>,
    jobs_enqueued: AtomicU64,
    jobs_superseded: AtomicU64,
    latency: [Histogram; ROUTES.len()],
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            deliveries: Mutex::new(BTreeMap::new()),
            jobs_enqueued: AtomicU64::new(0),
            jobs_superseded: AtomicU64::new(0),
            latency: Default::default(),
        }
    }
}

impl Metrics {
    pub fn delivery(&self, forge: &'static str, event: &str, outcome: Outcome) {
        let event = EVENTS
            .iter()
            .find(|e| **e == event)
            .copied()
            .unwrap_or("other");
        let mut map = self.deliveries.lock().unwrap_or_else(|e| e.into_inner());
        *map.entry((forge, event, outcome)).or_default() += 1;
    }

    pub fn jobs(&self, created: u64, superseded: u64) {
        self.jobs_enqueued.fetch_add(created, Ordering::Relaxed);
        self.jobs_superseded
            .fetch_add(superseded, Ordering::Relaxed);
    }

    pub fn request(&self, path: &str, elapsed: Duration) {
        let i = ROUTES
            .iter()
            .position(|r| *r == path)
            .unwrap_or(ROUTES.len() - 1);
        let h = &self.latency[i];
        let secs = elapsed.as_secs_f64();
        for (b, bound) in h.buckets.iter().zip(BUCKETS) {
            if secs <= bound {
                b.fetch_add(1, Ordering::Relaxed);
            }
        }
        h.count.fetch_add(1, Ordering::Relaxed);
        h.sum_micros
            .fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    }

    /// Renders everything; `depth` is the queue depth by state (`None` if the store did not
    /// answer, in which case the gauge is omitted).
    pub fn render(&self, depth: Option<&[(JobState, u64)]>) -> String {
        let mut out = String::with_capacity(4096);
        out.push_str(
            "# HELP snakeguard_webhook_deliveries_total Webhook deliveries by forge, event and outcome.\n\
             # TYPE snakeguard_webhook_deliveries_total counter\n",
        );
        {
            let map = self.deliveries.lock().unwrap_or_else(|e| e.into_inner());
            for ((forge, event, outcome), n) in map.iter() {
                let _ = writeln!(
                    out,
                    "snakeguard_webhook_deliveries_total{{forge=\"{forge}\",event=\"{event}\",outcome=\"{}\"}} {n}",
                    outcome.as_str()
                );
            }
        }
        let _ = write!(
            out,
            "# HELP snakeguard_jobs_enqueued_total Review jobs created.\n\
             # TYPE snakeguard_jobs_enqueued_total counter\n\
             snakeguard_jobs_enqueued_total {}\n\
             # HELP snakeguard_jobs_superseded_total Pending jobs superseded by a newer head.\n\
             # TYPE snakeguard_jobs_superseded_total counter\n\
             snakeguard_jobs_superseded_total {}\n",
            self.jobs_enqueued.load(Ordering::Relaxed),
            self.jobs_superseded.load(Ordering::Relaxed),
        );
        if let Some(depth) = depth {
            out.push_str(
                "# HELP snakeguard_jobs Jobs in the queue by state.\n\
                 # TYPE snakeguard_jobs gauge\n",
            );
            for (state, n) in depth {
                let _ = writeln!(out, "snakeguard_jobs{{state=\"{state}\"}} {n}");
            }
        }
        out.push_str(
            "# HELP snakeguard_http_request_duration_seconds HTTP request latency by route.\n\
             # TYPE snakeguard_http_request_duration_seconds histogram\n",
        );
        for (route, h) in ROUTES.iter().zip(&self.latency) {
            for (b, bound) in h.buckets.iter().zip(BUCKETS) {
                let _ = writeln!(
                    out,
                    "snakeguard_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {}",
                    b.load(Ordering::Relaxed)
                );
            }
            let count = h.count.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "snakeguard_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {count}\n\
                 snakeguard_http_request_duration_seconds_sum{{route=\"{route}\"}} {}\n\
                 snakeguard_http_request_duration_seconds_count{{route=\"{route}\"}} {count}",
                h.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histogram() {
        let m = Metrics::default();
        m.delivery("github", "pull_request", Outcome::Queued);
        m.delivery("github", "pull_request", Outcome::Queued);
        m.delivery("github", "whatever-attacker-sends", Outcome::Ignored);
        m.jobs(2, 1);
        m.request("/webhooks/github", Duration::from_millis(3));
        let text = m.render(Some(&[(JobState::Pending, 4)]));
        assert!(text.contains(
            "snakeguard_webhook_deliveries_total{forge=\"github\",event=\"pull_request\",outcome=\"queued\"} 2"
        ));
        assert!(text.contains("event=\"other\",outcome=\"ignored\"} 1"));
        assert!(text.contains("snakeguard_jobs_enqueued_total 2"));
        assert!(text.contains("snakeguard_jobs{state=\"pending\"} 4"));
        assert!(text.contains(
            "snakeguard_http_request_duration_seconds_bucket{route=\"/webhooks/github\",le=\"0.0025\"} 0"
        ));
        assert!(text.contains(
            "snakeguard_http_request_duration_seconds_bucket{route=\"/webhooks/github\",le=\"0.005\"} 1"
        ));
        assert!(text.contains(
            "snakeguard_http_request_duration_seconds_count{route=\"/webhooks/github\"} 1"
        ));
    }
}
