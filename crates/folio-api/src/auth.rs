//! The admin bearer token that every write needs.

use std::net::IpAddr;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use std::sync::Arc;

use folio_core::{AdminToken, ClientIp};

use crate::{ApiError, ApiState};

/// How writes are authorised: `Authorization: Bearer <token>` with the admin token, the same
/// secret the admin's sign-in form takes. Without a token every write is refused.
#[derive(Debug, Clone)]
pub struct AdminAuth(Arc<AdminToken>);

impl AdminAuth {
    /// Authorisation by `token` (configured or not).
    pub fn new(token: Arc<AdminToken>) -> Self {
        Self(token)
    }

    fn check(&self, authorization: Option<&str>) -> Result<(), ApiError> {
        if !self.0.is_configured() {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "writes_disabled",
                "Writes are disabled on this server: set ADMIN_TOKEN to enable them",
            ));
        }
        let Some(given) = authorization.and_then(bearer_token) else {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Missing bearer token: send Authorization: Bearer <ADMIN_TOKEN>",
            ));
        };
        if self.0.matches(given) {
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
    use secrecy::SecretString;

    use super::*;

    fn auth(token: Option<&str>) -> AdminAuth {
        AdminAuth::new(Arc::new(AdminToken::new(token.map(SecretString::from).as_ref())))
    }

    #[test]
    fn only_the_exact_token_passes() {
        let auth = auth(Some("s3cret-token"));
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
        let err = auth(None).check(Some("Bearer anything")).expect_err("disabled");
        assert_eq!(err.status(), StatusCode::FORBIDDEN);
        assert!(format!("{err:?}").contains("set ADMIN_TOKEN"));
    }
}
