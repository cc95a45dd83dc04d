//! The checks that need HTTPS, which the integration tests (plain HTTP on loopback) cannot reach,
//! and the argument rules.

use super::*;

fn answer(status: u16, headers: &[(&'static str, &'static str)]) -> Answer {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.insert(*name, header::HeaderValue::from_static(value));
    }
    Ok(Fetched { status: StatusCode::from_u16(status).expect("valid status"), headers: map, body: String::new() })
}

const ALL_HEADERS: [(&str, &str); 4] = [
    ("strict-transport-security", "max-age=31536000"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    ("content-security-policy", "default-src 'self'"),
];

#[test]
fn a_redirect_to_https_passes_and_anything_else_fails() {
    assert!(redirects_to_https(&answer(301, &[("location", "https://folio.example.com/")])).is_ok());
    assert!(redirects_to_https(&answer(308, &[("location", "https://folio.example.com/")])).is_ok());
    let served_plain = redirects_to_https(&answer(200, &[])).expect_err("plain HTTP served");
    assert!(served_plain.contains("200"), "{served_plain}");
    assert!(redirects_to_https(&answer(302, &[("location", "http://folio.example.com/")])).is_err());
}

#[test]
fn security_headers_name_each_one_missing() {
    assert_eq!(security_headers(&answer(200, &ALL_HEADERS), true), Ok("present".to_owned()));
    let missing = security_headers(&answer(200, &ALL_HEADERS[1..3]), true).expect_err("two missing");
    assert_eq!(missing, "missing: Strict-Transport-Security, Content-Security-Policy");
    let sniffing = [("x-content-type-options", "sniff-away")];
    assert!(security_headers(&answer(200, &sniffing), false).expect_err("wrong value").contains("nosniff"));
}

#[test]
fn the_api_needs_no_content_security_policy() {
    assert!(security_headers(&answer(200, &ALL_HEADERS[..3]), false).is_ok());
    assert!(security_headers(&answer(200, &ALL_HEADERS[..3]), true).is_err());
}

#[test]
fn metrics_must_be_refused_or_unknown() {
    assert!(metrics_hidden(&answer(404, &[])).is_ok());
    assert!(metrics_hidden(&answer(403, &[])).is_ok());
    assert!(metrics_hidden(&answer(200, &[])).expect_err("public").contains("reachable from outside"));
}

#[test]
fn base_urls_must_be_http_origins() {
    let parse = |s: &str| origin(&Url::parse(s).expect("URL"), "BASE_URL");
    assert!(parse("https://folio.example.com").is_ok());
    assert!(parse("http://127.0.0.1:3000/").is_ok());
    assert!(parse("https://folio.example.com/api").expect_err("path").contains("without a path"));
    assert!(parse("ftp://folio.example.com").expect_err("scheme").contains("http://"));
}

#[test]
fn the_table_names_each_failed_check_and_counts() {
    let url = Url::parse("https://folio.example.com").expect("URL");
    let checks = vec![
        Check::new("site /", Ok("200 text/html".into())),
        Check::new("api /api/health", Err("answered 503".into())),
        Check::skip("api /api/metrics not public", "allowed"),
    ];
    let table = table(&url, &url, &checks);
    assert!(table.contains("FAIL  api /api/health              answered 503"), "{table}");
    assert!(table.ends_with("1 of 3 checks passed (1 failed, 1 skipped)\n"), "{table}");
}
