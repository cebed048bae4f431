//! Read counts, so a benchmark can show that a search costs the same at any table size.

use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct ReadMetrics {
    requests: AtomicU64,
    items: AtomicU64,
}

impl ReadMetrics {
    pub(super) fn read(&self, items: usize) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.items.fetch_add(items as u64, Ordering::Relaxed);
    }

    /// `(requests, items read)` since the last reset.
    pub fn snapshot(&self) -> (u64, u64) {
        (self.requests.load(Ordering::Relaxed), self.items.load(Ordering::Relaxed))
    }

    pub fn reset(&self) {
        self.requests.store(0, Ordering::Relaxed);
        self.items.store(0, Ordering::Relaxed);
    }
}
