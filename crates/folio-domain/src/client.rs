//! Who a request comes from.

use std::net::IpAddr;

/// The address a request is attributed to: the peer's, or, when the peer is a trusted proxy,
/// the one the proxies recorded in `X-Forwarded-For`. Rate limits are keyed by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientIp(pub IpAddr);

/// The response header the API adds when it did not believe a request's `X-Forwarded-For`
/// (the peer is not one of its trusted proxies), so a site forwarding its visitors' addresses
/// can tell that the API counts them all as the site.
pub const FORWARDED_FOR_IGNORED: &str = "x-forwarded-for-ignored";
