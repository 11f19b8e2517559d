//! The wall clock, for hosts that run the task center for real.
//!
//! It lives here rather than in `shadowsync-core`, which never reads a clock
//! itself: tests there drive time by hand.

use std::time::{SystemTime, UNIX_EPOCH};

use shadowsync_core::{Clock, Millis};

/// A [`Clock`] reading the system time.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    /// Milliseconds since the Unix epoch; negative before it (a clock set
    /// that far back is wrong, but the answer stays ordered).
    fn now(&self) -> Millis {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(after) => millis(after.as_millis()),
            Err(before) => -millis(before.duration().as_millis()),
        }
    }
}

/// A duration in milliseconds as [`Millis`], saturating (the limit is some
/// 292 million years away).
fn millis(ms: u128) -> Millis {
    Millis::try_from(ms).unwrap_or(Millis::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_plausible_time() {
        let now = SystemClock.now();
        // 2020-01-01T00:00:00Z: any machine running this is later.
        assert!(now > 1_577_836_800_000, "{now}");
    }
}
