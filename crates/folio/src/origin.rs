//! The origin secret. Behind an ALB the load balancer refuses requests that lack CloudFront's
//! secret header; behind an API Gateway HTTP API (the personal profile's origin, which anyone on
//! the internet can call at its execute-api address) nothing in front can, so Folio does: with
//! `ORIGIN_SECRETS` set, a request without one of the listed values in [`HEADER`] gets 403.
//!
//! Exempt are the paths nothing in front of Folio sends the header to: the health endpoints
//! (the container's own health check calls them on the task's loopback address) and
//! `/api/metrics` (Prometheus scrapes the task directly; the origin's routes answer it with 404).
//! Two values are accepted while the secret rotates (the current one and the next).

use std::fmt;
use std::sync::Arc;

use axum::extract::Request;
use axum::http::{HeaderName, StatusCode, header};
use axum::response::{IntoResponse, Response};
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

use crate::config::{Env, vars};

/// The header CloudFront adds to every origin request (`origin_verify_header` in the
/// Terraform's roles.tf).
pub static HEADER: HeaderName = HeaderName::from_static("x-origin-verify");

/// The shortest secret accepted; Terraform generates 64 characters.
pub const MIN_CHARS: usize = 32;

/// More than two only makes sense by mistake (one value, two while rotating).
const MAX_SECRETS: usize = 2;

/// Paths answered without the header.
const EXEMPT_PATHS: [&str; 3] = ["/api/health", "/health", "/api/metrics"];

/// The accepted values of [`HEADER`]; none configured means every request is served.
#[derive(Clone, Default)]
pub struct OriginSecrets(Arc<[SecretString]>);

impl fmt::Debug for OriginSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OriginSecrets({} configured)", self.0.len())
    }
}

impl OriginSecrets {
    /// `ORIGIN_SECRETS`: comma-separated values, each at least [`MIN_CHARS`] printable
    /// characters. Values are never echoed in the errors.
    pub fn load(env: &mut Env) -> Self {
        let Some(list) = env.get(vars::ORIGIN_SECRETS).map(str::to_owned) else {
            return Self::default();
        };
        let values: Vec<&str> = list.split(',').map(str::trim).collect();
        let problem = if values.len() > MAX_SECRETS {
            Some(format!("lists {} values; give one, or two while rotating", values.len()))
        } else if let Some(position) = values.iter().position(|v| v.chars().count() < MIN_CHARS) {
            Some(format!("value {} is shorter than {MIN_CHARS} characters (or empty)", position + 1))
        } else {
            values
                .iter()
                .position(|v| !v.bytes().all(|b| b.is_ascii_graphic()))
                .map(|position| format!("value {} holds characters a header value cannot carry", position + 1))
        };
        if let Some(message) = problem {
            env.error(vars::ORIGIN_SECRETS, message);
            return Self::default();
        }
        Self(values.into_iter().map(|v| SecretString::from(v.to_owned())).collect())
    }

    /// Whether requests must carry a secret.
    pub fn enabled(&self) -> bool {
        !self.0.is_empty()
    }

    /// Whether `value` is one of the secrets, compared in constant time with each of them.
    fn admits(&self, value: &[u8]) -> bool {
        self.0.iter().fold(false, |found, secret| found | bool::from(secret.expose_secret().as_bytes().ct_eq(value)))
    }

    /// 403, as the ALB's default action answers, to a request without a valid secret; `None`
    /// when the request may be served.
    pub fn refusal(&self, request: &Request) -> Option<Response> {
        let exempt = EXEMPT_PATHS.contains(&request.uri().path());
        let admitted = request.headers().get(&HEADER).is_some_and(|value| self.admits(value.as_bytes()));
        if !self.enabled() || exempt || admitted {
            return None;
        }
        Some(
            (StatusCode::FORBIDDEN, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "Forbidden").into_response(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIRST: &str = "0123456789abcdef0123456789abcdef-first";
    const SECOND: &str = "0123456789abcdef0123456789abcdef-second";

    fn load(value: &str) -> (OriginSecrets, Result<(), crate::config::ConfigErrors>) {
        let mut env = Env::from_pairs([("ORIGIN_SECRETS", value)]);
        let secrets = OriginSecrets::load(&mut env);
        (secrets, env.finish())
    }

    #[test]
    fn one_or_two_secrets_are_accepted_and_only_they_admit_a_request() {
        let (secrets, result) = load(&format!("{FIRST}, {SECOND}"));
        assert!(result.is_ok());
        assert!(secrets.enabled());
        assert!(secrets.admits(FIRST.as_bytes()) && secrets.admits(SECOND.as_bytes()));
        assert!(!secrets.admits(b"") && !secrets.admits(&FIRST.as_bytes()[1..]));
    }

    #[test]
    fn unset_means_every_request_is_served() {
        let mut env = Env::from_pairs([("ORIGIN_SECRETS", "")]);
        assert!(!OriginSecrets::load(&mut env).enabled());
        assert!(env.finish().is_ok());
    }

    #[test]
    fn bad_lists_are_refused_with_the_variable_named_and_no_value_shown() {
        for (value, reason) in [
            ("short".to_owned(), "shorter than 32"),
            (format!("{FIRST},"), "value 2 is shorter"),
            (format!("{FIRST},{SECOND},{FIRST}"), "lists 3 values"),
            (format!("{FIRST}\u{e9}"), "characters a header value cannot carry"),
        ] {
            let (secrets, result) = load(&value);
            let errors = result.expect_err(&value).to_string();
            assert!(errors.contains("ORIGIN_SECRETS") && errors.contains(reason), "{errors}");
            assert!(!errors.contains("0123456789abcdef"), "the value leaked: {errors}");
            assert!(!secrets.enabled());
        }
    }

    #[test]
    fn debug_output_counts_the_secrets_without_showing_them() {
        let (secrets, _) = load(FIRST);
        assert_eq!(format!("{secrets:?}"), "OriginSecrets(1 configured)");
    }
}
