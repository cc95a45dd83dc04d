//! `PUBLIC_BASE_URL`: the site's public origin, written into canonical links, OpenGraph tags,
//! `robots.txt` and the sitemap, so it is checked at start and kept in its normal form.

use folio_core::domain::rules::is_host_name;
use url::{Host, Url};

use super::env::Env;
use super::vars;

/// The public origin without a trailing slash; when unset, `http://localhost:<port>`, the
/// port this process listens on (`None` when that is not known yet: `PORT=0`, see
/// [`local_default`]).
pub fn load(env: &mut Env, port: u16) -> Option<String> {
    let default = (port != 0).then(|| local_default(port));
    let Some(text) = env.get(vars::PUBLIC_BASE_URL).map(str::to_owned) else {
        return default;
    };
    match origin(&text) {
        Ok(origin) => Some(origin),
        Err(why) => {
            let shown = shown(&text);
            env.error(
                vars::PUBLIC_BASE_URL,
                format!("{shown:?} is not a site address like https://example.com: {why}"),
            );
            default
        }
    }
}

/// The public origin of a process nobody gave one: `http://localhost:<port>`.
pub fn local_default(port: u16) -> String {
    format!("http://localhost:{port}")
}

/// `text` as it may be printed: a password in it is masked.
fn shown(text: &str) -> String {
    match Url::parse(text) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        _ => text.to_owned(),
    }
}

/// `text` as an http(s) origin, or what is wrong with it.
fn origin(text: &str) -> Result<String, String> {
    let url = Url::parse(text).map_err(|e| format!("it is not a URL ({e})"))?;
    let refuse = |why: &str| Err(why.to_owned());
    if !matches!(url.scheme(), "http" | "https") {
        return refuse("the scheme must be http or https");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return refuse("it must not hold a user name or password");
    }
    match url.host() {
        Some(Host::Domain(name)) if is_host_name(name) => {}
        Some(Host::Ipv4(_) | Host::Ipv6(_)) => {}
        _ => return refuse("the host must be a DNS name (letters, digits, hyphens, dots) or an IP address"),
    }
    if url.port() == Some(0) {
        return refuse("the port must be from 1 to 65535");
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return refuse("it must be an origin alone, with no path, query or fragment");
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_kept_in_their_normal_form() {
        assert_eq!(origin("https://Example.COM/").as_deref(), Ok("https://example.com"));
        assert_eq!(origin("https://example.com:443").as_deref(), Ok("https://example.com"));
        assert_eq!(origin("http://127.0.0.1:8080").as_deref(), Ok("http://127.0.0.1:8080"));
        assert_eq!(origin("https://bücher.example").as_deref(), Ok("https://xn--bcher-kva.example"));
    }

    #[test]
    fn anything_but_an_origin_is_refused_with_the_reason() {
        for (text, why) in [
            ("https://user:pw@example.com", "it must not hold a user name or password"),
            ("https://example.com/#top", "it must be an origin alone, with no path, query or fragment"),
            ("https://example.com/blog", "it must be an origin alone, with no path, query or fragment"),
            ("https://example.com/?a=1", "it must be an origin alone, with no path, query or fragment"),
            (
                "https://a&b.example.com",
                "the host must be a DNS name (letters, digits, hyphens, dots) or an IP address",
            ),
            ("https://example.com:0", "the port must be from 1 to 65535"),
            ("https://example.com:99999", "it is not a URL (invalid port number)"),
            ("ftp://example.com", "the scheme must be http or https"),
            ("example.com", "it is not a URL (relative URL without a base)"),
        ] {
            assert_eq!(origin(text), Err(why.to_owned()), "{text}");
        }
    }
}
