//! Which client a request comes from, when proxies (CloudFront, the ALB, nginx) stand between.
//!
//! `X-Forwarded-For` is believed only when the peer is a configured proxy, and only as many
//! entries as there are trusted hops, counted from the right; a client cannot dodge a rate
//! limit by sending its own header, because its entries sit to the left of the trusted ones.

use std::net::IpAddr;

use axum::extract::{ConnectInfo, Request};
use axum::http::HeaderMap;
use folio_core::ClientIp;
use folio_http::Https;
use ipnet::IpNet;

/// The proxies in front of Folio.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    /// Peers whose `X-Forwarded-*` headers are believed.
    pub networks: Vec<IpNet>,
    /// How many proxies append to `X-Forwarded-For` (the peer counts as the first).
    pub hops: usize,
}

impl TrustedProxies {
    /// Whether `peer` is one of the trusted proxies.
    pub fn trusts(&self, peer: IpAddr) -> bool {
        self.hops > 0 && self.networks.iter().any(|n| n.contains(&peer))
    }

    /// The client address for a request from `peer` with these headers. IPv4-mapped IPv6
    /// addresses (a dual-stack listener shows IPv4 peers so) are taken as the IPv4 address.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        // Nearest first: the peer, then X-Forwarded-For from right to left.
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        let mut chain = vec![peer];
        for entry in forwarded.iter().rev() {
            match entry.parse::<IpAddr>() {
                Ok(ip) => chain.push(ip.to_canonical()),
                // Garbage from beyond the trusted proxies: stop at what can be believed.
                Err(_) => break,
            }
        }
        chain.get(self.hops).or(chain.last()).copied().unwrap_or(peer)
    }

    /// True when a request from `peer` carries an `X-Forwarded-For` that is not believed: the
    /// clients behind that peer all count as the peer.
    pub fn ignores_forwarded_for(&self, peer: IpAddr, headers: &HeaderMap) -> bool {
        headers.contains_key("x-forwarded-for") && !self.trusts(peer.to_canonical())
    }

    /// True when a trusted proxy says the original request used HTTPS.
    pub fn forwarded_https(&self, peer: IpAddr, headers: &HeaderMap) -> bool {
        self.trusts(peer.to_canonical())
            && headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.split(',').next().is_some_and(|p| p.trim().eq_ignore_ascii_case("https")))
    }
}

/// The peer address the server loop recorded for this request.
pub fn peer(request: &Request) -> IpAddr {
    request
        .extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map_or(IpAddr::from([127, 0, 0, 1]), |ConnectInfo(addr)| addr.ip())
}

/// Records the client address (for handlers and rate limits) and whether the request came
/// over HTTPS on the request.
pub fn attribute(request: &mut Request, proxies: &TrustedProxies) -> ClientIp {
    let client = ClientIp(proxies.client_ip(peer(request), request.headers()));
    let https = Https(proxies.forwarded_https(peer(request), request.headers()));
    request.extensions_mut().insert(client);
    request.extensions_mut().insert(https);
    client
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    fn headers(xff: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_str(xff).expect("header"));
        h
    }

    fn behind(cidr: &str, hops: usize) -> TrustedProxies {
        TrustedProxies { networks: vec![cidr.parse().expect("cidr")], hops }
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let none = TrustedProxies::default();
        assert_eq!(none.client_ip(ip("203.0.113.9"), &headers("1.2.3.4")), ip("203.0.113.9"));
    }

    #[test]
    fn an_untrusted_peer_cannot_claim_another_address() {
        let proxies = behind("10.0.0.0/16", 1);
        assert_eq!(proxies.client_ip(ip("203.0.113.9"), &headers("1.2.3.4")), ip("203.0.113.9"));
    }

    #[test]
    fn behind_one_proxy_the_rightmost_entry_is_the_client_and_forged_ones_are_ignored() {
        let nginx = behind("127.0.0.1/32", 1);
        assert_eq!(nginx.client_ip(ip("127.0.0.1"), &headers("198.51.100.7")), ip("198.51.100.7"));
        assert_eq!(nginx.client_ip(ip("127.0.0.1"), &headers("6.6.6.6, 198.51.100.7")), ip("198.51.100.7"));
    }

    #[test]
    fn behind_cloudfront_and_the_alb_the_second_entry_from_the_right_is_the_client() {
        let aws = behind("10.0.0.0/16", 2);
        let xff = headers("6.6.6.6, 198.51.100.7, 130.176.1.1");
        assert_eq!(aws.client_ip(ip("10.0.1.20"), &xff), ip("198.51.100.7"));
    }

    #[test]
    fn a_short_chain_yields_its_farthest_address() {
        let aws = behind("10.0.0.0/16", 2);
        assert_eq!(aws.client_ip(ip("10.0.1.20"), &headers("198.51.100.7")), ip("198.51.100.7"));
        assert_eq!(aws.client_ip(ip("10.0.1.20"), &HeaderMap::new()), ip("10.0.1.20"));
    }

    #[test]
    fn ipv4_mapped_addresses_are_taken_as_ipv4() {
        let nginx = behind("127.0.0.1/32", 1);
        assert_eq!(nginx.client_ip(ip("::ffff:127.0.0.1"), &headers("::ffff:192.0.2.50")), ip("192.0.2.50"));
        assert_eq!(TrustedProxies::default().client_ip(ip("::ffff:192.0.2.50"), &HeaderMap::new()), ip("192.0.2.50"));
    }

    #[test]
    fn https_is_believed_only_from_a_trusted_proxy() {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        let proxies = behind("10.0.0.0/8", 1);
        assert!(proxies.forwarded_https(ip("10.1.2.3"), &h));
        assert!(!proxies.forwarded_https(ip("203.0.113.9"), &h));
    }
}
