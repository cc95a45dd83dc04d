//! Rate limits: token buckets per client (keyed by network, see [`Networks`]) and one budget
//! for everyone, and how a wait is told to whoever must wait.

use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota};

/// How often (in checks) idle entries are dropped, so the table does not grow without bound.
const SWEEP_EVERY: u32 = 1024;

/// Which addresses count as one client. An IPv4 address is one client (an IPv4-mapped IPv6
/// address such as `::ffff:192.0.2.50` is the IPv4 address it maps); an IPv6 address counts by
/// its network, because one subscriber is usually given a whole /64 and may use any address in
/// it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Networks {
    ipv6_prefix: u8,
}

impl Networks {
    /// The shortest and longest IPv6 prefixes accepted.
    pub const IPV6_PREFIXES: std::ops::RangeInclusive<u8> = 32..=128;

    /// IPv6 clients grouped by their first `ipv6_prefix` bits (within [`Self::IPV6_PREFIXES`]).
    pub fn new(ipv6_prefix: u8) -> Self {
        assert!(Self::IPV6_PREFIXES.contains(&ipv6_prefix), "IPv6 prefix {ipv6_prefix} out of range");
        Self { ipv6_prefix }
    }

    /// The key `client` is counted under.
    pub fn key(self, client: IpAddr) -> IpAddr {
        match client.to_canonical() {
            IpAddr::V4(v4) => IpAddr::V4(v4),
            IpAddr::V6(v6) => {
                let mask = u128::MAX << (128 - u32::from(self.ipv6_prefix));
                IpAddr::V6(Ipv6Addr::from(u128::from(v6) & mask))
            }
        }
    }
}

impl Default for Networks {
    /// IPv6 clients by /64.
    fn default() -> Self {
        Self::new(64)
    }
}

/// A limit of `burst` actions, refilled evenly over `period`, per client.
#[derive(Debug)]
pub struct RateLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    networks: Networks,
    clock: DefaultClock,
    checks: AtomicU32,
}

impl RateLimiter {
    /// `burst` actions per `period` for each client, clients told apart by `networks`.
    pub fn new(burst: NonZeroU32, period: Duration, networks: Networks) -> Self {
        Self {
            limiter: DefaultKeyedRateLimiter::keyed(quota(burst, period)),
            networks,
            clock: DefaultClock::default(),
            checks: AtomicU32::new(0),
        }
    }

    /// Takes one token for `client`, or says how long until one is available.
    pub fn check(&self, client: IpAddr) -> Result<(), Duration> {
        if self.checks.fetch_add(1, Ordering::Relaxed).is_multiple_of(SWEEP_EVERY) {
            self.limiter.retain_recent();
        }
        let key = self.networks.key(client);
        self.limiter.check_key(&key).map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }
}

/// A limit of `burst` actions, refilled evenly over `period`, shared by every client.
#[derive(Debug)]
pub struct Budget {
    limiter: DefaultDirectRateLimiter,
    clock: DefaultClock,
}

impl Budget {
    /// `burst` actions per `period` in all.
    pub fn new(burst: NonZeroU32, period: Duration) -> Self {
        Self { limiter: DefaultDirectRateLimiter::direct(quota(burst, period)), clock: DefaultClock::default() }
    }

    /// Takes one token, or says how long until one is available.
    pub fn check(&self) -> Result<(), Duration> {
        self.limiter.check().map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }
}

/// Whole seconds, rounded up (and at least one): what `Retry-After` says.
pub fn ceil_seconds(wait: Duration) -> u64 {
    wait.as_secs().saturating_add(u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// How long to wait, for a visitor: "40 seconds", "1 minute", "29 minutes".
pub fn wait_text(wait: Duration) -> String {
    match ceil_seconds(wait) {
        1 => "1 second".to_owned(),
        s @ 0..60 => format!("{s} seconds"),
        60..120 => "1 minute".to_owned(),
        s => format!("{} minutes", s.div_ceil(60)),
    }
}

fn quota(burst: NonZeroU32, period: Duration) -> Quota {
    Quota::with_period(period / burst.get()).expect("a non-zero period").allow_burst(burst)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    #[test]
    fn each_client_has_its_own_bucket() {
        let limiter =
            RateLimiter::new(NonZeroU32::new(2).expect("non-zero"), Duration::from_secs(3600), Networks::default());
        let (a, b) = (ip("192.0.2.1"), ip("192.0.2.2"));
        assert!(limiter.check(a).is_ok());
        assert!(limiter.check(a).is_ok());
        let wait = limiter.check(a).expect_err("third in the hour");
        assert!(wait > Duration::from_secs(1700) && wait <= Duration::from_secs(1800), "{wait:?}");
        assert!(limiter.check(b).is_ok(), "another client is unaffected");
    }

    #[test]
    fn ipv6_addresses_count_by_network_and_mapped_ipv4_as_ipv4() {
        let by_64 = Networks::default();
        assert_eq!(by_64.key(ip("2001:db8:1:2::1")), by_64.key(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")));
        assert_ne!(by_64.key(ip("2001:db8:1:2::1")), by_64.key(ip("2001:db8:1:3::1")));
        assert_eq!(by_64.key(ip("::ffff:192.0.2.50")), ip("192.0.2.50"));
        assert_eq!(by_64.key(ip("192.0.2.50")), ip("192.0.2.50"), "IPv4 addresses are never grouped");
        let by_48 = Networks::new(48);
        assert_eq!(by_48.key(ip("2001:db8:1:2::1")), by_48.key(ip("2001:db8:1:3::1")));
        let exact = Networks::new(128);
        assert_ne!(exact.key(ip("2001:db8::1")), exact.key(ip("2001:db8::2")));
    }

    #[test]
    fn a_budget_is_shared_by_everyone() {
        let budget = Budget::new(NonZeroU32::new(2).expect("non-zero"), Duration::from_secs(3600));
        assert!(budget.check().is_ok() && budget.check().is_ok());
        assert!(budget.check().expect_err("spent") > Duration::from_secs(1700));
    }
}
