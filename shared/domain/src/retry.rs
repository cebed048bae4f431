//! How long to wait before trying a write again: one jittered exponential backoff for every
//! retry in the registry (lost conditional writes, sequence races, throttled batches).

use std::time::Duration;

/// `first`, doubling `doublings` times, each wait scaled by a random factor in [0.5, 1.5) so
/// that writers who collided do not collide again in step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub first: Duration,
    pub doublings: u32,
}

impl Backoff {
    /// An edit that lost to another write: 2 ms doubling to 64 ms.
    pub const EDIT: Self = Self { first: Duration::from_millis(2), doublings: 5 };
    /// A create that lost its subcategory's number to another: 4 ms doubling to 128 ms.
    pub const SEQUENCE: Self = Self { first: Duration::from_millis(4), doublings: 5 };
    /// A batch the store handed back unprocessed (throttled): 10 ms doubling to 320 ms.
    pub const THROTTLED: Self = Self { first: Duration::from_millis(10), doublings: 5 };
    /// A download another host failed for a passing reason (5xx, throttled, timed out): half a
    /// second doubling to 4 s.
    pub const DOWNLOAD: Self = Self { first: Duration::from_millis(500), doublings: 3 };

    /// The wait before try `attempt + 1`.
    pub fn delay(self, attempt: u32) -> Duration {
        let base = self.first * (1u32 << attempt.min(self.doublings));
        let jitter = getrandom::u32().unwrap_or(attempt.wrapping_mul(2_654_435_761)) % 1000;
        base * (500 + jitter) / 1000
    }

    pub async fn wait(self, attempt: u32) {
        tokio::time::sleep(self.delay(attempt)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_cap_within_the_jitter() {
        for attempt in 0..10 {
            let d = Backoff::EDIT.delay(attempt);
            let base = Duration::from_millis(2 << attempt.min(5));
            assert!(d >= base / 2 && d < base * 3 / 2, "{attempt}: {d:?}");
        }
    }
}
