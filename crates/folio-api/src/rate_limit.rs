//! Per-client rate limits (token buckets keyed by client address).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

/// How often (in checks) idle entries are dropped, so the table does not grow without bound.
const SWEEP_EVERY: u32 = 1024;

/// A limit of `burst` actions, refilled evenly over `period`, per client.
#[derive(Debug)]
pub struct RateLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
    checks: AtomicU32,
}

impl RateLimiter {
    /// `burst` actions per `period` for each client.
    pub fn new(burst: NonZeroU32, period: Duration) -> Self {
        let quota = Quota::with_period(period / burst.get()).expect("a non-zero period").allow_burst(burst);
        Self {
            limiter: DefaultKeyedRateLimiter::keyed(quota),
            clock: DefaultClock::default(),
            checks: AtomicU32::new(0),
        }
    }

    /// Takes one token for `client`, or says how long until one is available.
    pub fn check(&self, client: IpAddr) -> Result<(), Duration> {
        if self.checks.fetch_add(1, Ordering::Relaxed).is_multiple_of(SWEEP_EVERY) {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&client).map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_client_has_its_own_bucket() {
        let limiter = RateLimiter::new(NonZeroU32::new(2).expect("non-zero"), Duration::from_secs(3600));
        let (a, b): (IpAddr, IpAddr) = ("192.0.2.1".parse().expect("ip"), "192.0.2.2".parse().expect("ip"));
        assert!(limiter.check(a).is_ok());
        assert!(limiter.check(a).is_ok());
        let wait = limiter.check(a).expect_err("third in the hour");
        assert!(wait > Duration::from_secs(1700) && wait <= Duration::from_secs(1800), "{wait:?}");
        assert!(limiter.check(b).is_ok(), "another client is unaffected");
    }
}
