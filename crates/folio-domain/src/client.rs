//! Who a request comes from.

use std::net::IpAddr;

/// The address a request is attributed to: the peer's, or, when the peer is a trusted proxy,
/// the one the proxies recorded in `X-Forwarded-For`. Rate limits are keyed by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientIp(pub IpAddr);
