//! Who is asking.

use std::net::IpAddr;

/// The address a visitor is counted as: the peer's, or, when the peer is a trusted proxy, the
/// one the proxies recorded. The use cases' per-client limits are keyed by it; the HTTP
/// adapters carry it as a request extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientIp(pub IpAddr);
