//! The admin bearer token that every write needs.

use std::net::IpAddr;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use folio_core::ClientIp;

use crate::{ApiError, ApiState};

/// How writes are authorised.
#[derive(Debug)]
pub enum AdminAuth {
    /// Writes need `Authorization: Bearer <token>`. Only the token's SHA-256 is kept, so the
    /// comparison takes the same time whatever the length or content of the guess.
    Token([u8; 32]),
    /// No token is configured: every write is refused.
    Disabled,
}

impl AdminAuth {
    /// Authorisation by `token`, or none at all.
    pub fn new(token: Option<&SecretString>) -> Self {
        match token {
            Some(t) => AdminAuth::Token(Sha256::digest(t.expose_secret().as_bytes()).into()),
            None => AdminAuth::Disabled,
        }
    }

    fn check(&self, authorization: Option<&str>) -> Result<(), ApiError> {
        let AdminAuth::Token(expected) = self else {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "writes_disabled",
                "Writes are disabled on this server: set ADMIN_TOKEN to enable them",
            ));
        };
        let Some(given) = authorization.and_then(bearer_token) else {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Missing bearer token: send Authorization: Bearer <ADMIN_TOKEN>",
            ));
        };
        let given: [u8; 32] = Sha256::digest(given.trim().as_bytes()).into();
        if bool::from(given.ct_eq(expected)) {
            Ok(())
        } else {
            Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "Invalid bearer token"))
        }
    }
}

/// The token of `Bearer <token>`; the scheme's name is case-insensitive (RFC 9110, 11.1).
fn bearer_token(authorization: &str) -> Option<&str> {
    let (scheme, token) = authorization.trim_start().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token)
}

/// Extracting this succeeds only for requests carrying the admin token, within the per-client
/// limit on admin requests.
#[derive(Debug)]
pub struct RequireAdmin;

impl FromRequestParts<ApiState> for RequireAdmin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, Self::Rejection> {
        // Counted before the token is checked, so guessing it is as slow as writing.
        let client = parts.extensions.get::<ClientIp>().map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0);
        state
            .admin_limiter
            .check(client)
            .map_err(|wait| ApiError::rate_limited("Too many requests from your address", wait))?;
        let authorization = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        state.auth.check(authorization).map(|()| RequireAdmin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_token_passes() {
        let auth = AdminAuth::new(Some(&SecretString::from("s3cret-token")));
        for right in ["Bearer s3cret-token", "bearer s3cret-token", "BEARER  s3cret-token"] {
            assert!(auth.check(Some(right)).is_ok(), "{right}");
        }
        for wrong in [
            None,
            Some("s3cret-token"),
            Some("Bearer s3cret"),
            Some("Bearer s3cret-token-2"),
            Some("Basic x"),
            Some("Bearers3cret-token"),
        ] {
            assert_eq!(auth.check(wrong).expect_err("refused").status(), StatusCode::UNAUTHORIZED, "{wrong:?}");
        }
    }

    #[test]
    fn without_a_token_every_write_is_refused_with_how_to_enable_them() {
        let err = AdminAuth::new(None).check(Some("Bearer anything")).expect_err("disabled");
        assert_eq!(err.status(), StatusCode::FORBIDDEN);
        assert!(format!("{err:?}").contains("set ADMIN_TOKEN"));
    }
}
