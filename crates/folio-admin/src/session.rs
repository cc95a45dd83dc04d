//! The session cookie, and the owner as a request extractor.

use std::time::Duration;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use cookie::{Cookie, SameSite};
use folio_core::ActiveSession;
use subtle::ConstantTimeEq;

use crate::{AdminState, pages};

/// The cookie's name. Its path is `/admin`: the public pages never receive it.
pub(crate) const COOKIE: &str = "folio_admin";

/// A request from the signed-in owner; anyone else is sent to the sign-in page.
#[derive(Debug)]
pub(crate) struct Owner {
    pub(crate) session: ActiveSession,
    /// The cookie's value, to end the session with.
    pub(crate) cookie: String,
}

impl Owner {
    /// Whether a form carries this session's forgery token (compared in constant time).
    pub(crate) fn sent(&self, csrf: &str) -> bool {
        let sent = bool::from(csrf.as_bytes().ct_eq(self.session.csrf.as_bytes()));
        if !sent {
            tracing::warn!("admin: a form without this session's forgery token was refused");
        }
        sent
    }
}

impl FromRequestParts<AdminState> for Owner {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AdminState) -> Result<Self, Self::Rejection> {
        let Some(cookie) = cookie_value(&parts.headers) else {
            return Err(Redirect::to("/admin/login").into_response());
        };
        match state.sessions.current(&cookie).await {
            Ok(Some(session)) => Ok(Owner { session, cookie }),
            Ok(None) => Err(Redirect::to("/admin/login").into_response()),
            Err(error) => Err(pages::unavailable(&error)),
        }
    }
}

/// The session cookie the request carries, if any.
pub(crate) fn cookie_value(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == COOKIE)
        .map(|c| c.value().to_owned())
}

/// `Set-Cookie` for a new session: `HttpOnly` (no script reads it), `SameSite=Strict` (no
/// other site's page or link sends it: a link to the admin from a mail opens the sign-in page,
/// which is the price of the strictest setting), `Secure` when the request came over HTTPS.
pub(crate) fn set_cookie(value: &str, https: bool, lifetime: Duration) -> HeaderValue {
    let seconds = i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX);
    cookie_header(Cookie::build((COOKIE, value.to_owned())).max_age(cookie::time::Duration::seconds(seconds)), https)
}

/// `Set-Cookie` that makes the browser forget the session.
pub(crate) fn clear_cookie(https: bool) -> HeaderValue {
    cookie_header(Cookie::build((COOKIE, "")).max_age(cookie::time::Duration::ZERO), https)
}

fn cookie_header(cookie: cookie::CookieBuilder<'static>, https: bool) -> HeaderValue {
    let cookie = cookie.path("/admin").http_only(true).same_site(SameSite::Strict).secure(https).build();
    HeaderValue::from_str(&cookie.to_string()).expect("a hex id and fixed attributes make a valid header")
}
