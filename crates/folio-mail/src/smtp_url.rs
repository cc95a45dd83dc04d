//! `SMTP_URL`, checked at start: a malformed URL, or one that would send the SMTP password in
//! plain text across the network, stops the start with the reason (never the URL itself, which
//! holds the password).

use std::net::IpAddr;

use lettre::{AsyncSmtpTransport, Tokio1Executor};
use url::{Host, Url};

/// What a valid `SMTP_URL` says about the connection to the mail server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SmtpUrl {
    /// TLS from the start (`smtps://`) or by STARTTLS (`?tls=required` or `opportunistic`).
    pub tls: bool,
    /// The server is this machine (`localhost`, 127.0.0.0/8, `::1`): plain text stays here.
    pub loopback: bool,
}

impl SmtpUrl {
    /// Checks `text`; the error says what is wrong without repeating the URL.
    pub fn check(text: &str) -> Result<Self, String> {
        let url = Url::parse(text).map_err(|e| format!("is not a URL ({e})"))?;
        let tls_mode = url.query_pairs().find(|(k, _)| k == "tls").map(|(_, v)| v.into_owned());
        let tls = match (url.scheme(), tls_mode.as_deref()) {
            ("smtps", _) => true,
            ("smtp", None) => false,
            ("smtp", Some("required" | "opportunistic")) => true,
            ("smtp", Some(other)) => {
                return Err(format!("has tls={other}: the TLS modes are tls=required and tls=opportunistic"));
            }
            (scheme, _) => {
                return Err(format!(
                    "starts with {scheme}://; use smtp://host:587?tls=required (STARTTLS) or smtps://host:465"
                ));
            }
        };
        let loopback = match url.host() {
            // smtp is not a scheme the URL standard knows, so an IPv4 address stays a name.
            Some(Host::Domain(name)) => {
                name.eq_ignore_ascii_case("localhost") || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
            }
            Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
            Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
            None => return Err("has no mail server host".to_owned()),
        };
        if url.password().is_some() && !tls && !loopback {
            return Err("would send the SMTP password in plain text: add ?tls=required (STARTTLS, usually on port \
                        587) or use smtps:// (port 465)"
                .to_owned());
        }
        // Whatever else the mail library refuses (its messages do not repeat the URL).
        AsyncSmtpTransport::<Tokio1Executor>::from_url(text).map_err(|e| format!("cannot be used: {e}"))?;
        Ok(Self { tls, loopback })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_urls_and_plain_local_ones_are_accepted() {
        let ok = |text: &str| SmtpUrl::check(text).expect("valid");
        assert_eq!(ok("smtps://u:pw@mail.example.com"), SmtpUrl { tls: true, loopback: false });
        assert_eq!(ok("smtp://u:pw@mail.example.com:587?tls=required"), SmtpUrl { tls: true, loopback: false });
        assert_eq!(ok("smtp://u:pw@127.0.0.1:2525"), SmtpUrl { tls: false, loopback: true });
        assert_eq!(ok("smtp://relay.internal:25"), SmtpUrl { tls: false, loopback: false });
        assert_eq!(ok("smtp://u:pw@[::1]:2525"), SmtpUrl { tls: false, loopback: true });
    }

    #[test]
    fn malformed_or_plain_text_password_urls_are_refused_without_repeating_them() {
        for (text, why) in [
            ("mail.example.com", "is not a URL (relative URL without a base)"),
            ("http://mail.example.com", "starts with http://"),
            ("smtp://mail.example.com?tls=yes", "has tls=yes: the TLS modes are"),
            ("smtp://u:hunter2@mail.example.com:587", "would send the SMTP password in plain text"),
            ("smtp://:25", "is not a URL (empty host)"),
        ] {
            let error = SmtpUrl::check(text).expect_err(text);
            assert!(error.starts_with(why), "{text}: {error}");
            assert!(!error.contains("hunter2") && !error.contains("mail.example.com"), "{error}");
        }
    }
}
