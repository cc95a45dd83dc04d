//! The admin's pages: sign-in, sign-out and the first page.

use std::time::Duration;

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use folio_core::{ClientIp, SignInError, StoreError};
use folio_http::Https;
use secrecy::ExposeSecret;
use serde::Deserialize;

use crate::AdminState;
use crate::session::{self, Owner};
use crate::templates::{Dashboard, Login, Message};

const STYLESHEET: &str = include_str!("../assets/admin.css");

/// The sign-in form's fields. Missing fields read as empty, which is refused like a wrong token.
#[derive(Debug, Deserialize)]
pub(crate) struct SignIn {
    #[serde(default)]
    token: String,
}

/// A form that only carries the forgery token.
#[derive(Debug, Deserialize)]
pub(crate) struct Plain {
    #[serde(default)]
    csrf: String,
}

/// A button's form: the forgery token and, for some, the button's value.
#[derive(Debug, Deserialize)]
pub(crate) struct Button {
    #[serde(default)]
    pub(crate) csrf: String,
    #[serde(default)]
    pub(crate) value: String,
}

/// What a list says after an action (`?done=…`), from a closed set: the query is the
/// browser's to change, and anything else says nothing.
#[derive(Debug, Deserialize)]
pub(crate) struct Done {
    #[serde(default)]
    done: Option<String>,
}

/// The notice `done` names among `notices`, if any.
pub(crate) fn notice(notices: &[(&str, &'static str)], done: Done) -> Option<&'static str> {
    let done = done.done?;
    notices.iter().find(|(key, _)| *key == done).map(|(_, text)| *text)
}

/// The answer to a change of one stored thing: the list with its notice (`redirect`) when it
/// was made, `gone` when there was no such thing, 503 when the database failed.
pub(crate) fn changed(result: Result<bool, StoreError>, redirect: &str, gone: fn() -> Response) -> Response {
    match result {
        Ok(true) => Redirect::to(redirect).into_response(),
        Ok(false) => gone(),
        Err(error) => unavailable(&error),
    }
}

/// 400 for a button whose value is not one the page offers.
pub(crate) fn bad_button() -> Response {
    message(StatusCode::BAD_REQUEST, "Not understood", "This button's form could not be read: reload the page.")
}

/// `?signed_out=1` after signing out.
#[derive(Debug, Deserialize)]
pub(crate) struct LoginQuery {
    #[serde(default)]
    signed_out: Option<String>,
}

/// `GET /admin`: the first page, or the way to sign in.
pub(crate) async fn dashboard(State(state): State<AdminState>, owner: Owner) -> Response {
    let limits = state.sessions.limits();
    page(
        StatusCode::OK,
        &Dashboard {
            csrf: &owner.session.csrf,
            idle_minutes: limits.idle.as_secs() / 60,
            absolute_hours: limits.absolute.as_secs() / 3600,
        },
    )
}

/// `GET /admin/login`: the form (or the first page when signed in already).
pub(crate) async fn login_form(owner: Result<Owner, Response>, Query(query): Query<LoginQuery>) -> Response {
    if owner.is_ok() {
        return Redirect::to("/admin").into_response();
    }
    let notice = query.signed_out.is_some().then_some("You are signed out.");
    page(StatusCode::OK, &Login { error: None, notice })
}

/// `POST /admin/login`: checks the token, ends any session the browser still had, and starts
/// a new one with a new id.
pub(crate) async fn sign_in(
    State(state): State<AdminState>,
    Extension(ClientIp(client)): Extension<ClientIp>,
    https: Option<Extension<Https>>,
    headers: HeaderMap,
    Form(form): Form<SignIn>,
) -> Response {
    let refused = |status, error| page(status, &Login { error: Some(error), notice: None });
    match state.sessions.sign_in(&form.token, client).await {
        Ok(signed_in) => {
            if let Some(old) = session::cookie_value(&headers)
                && let Err(error) = state.sessions.sign_out(&old).await
            {
                tracing::warn!(error = %error.chain(), "admin: the session replaced at sign-in could not be deleted");
            }
            let https = https.is_some_and(|Extension(Https(https))| https);
            let cookie = session::set_cookie(signed_in.cookie.expose_secret(), https, state.sessions.limits().absolute);
            ([(header::SET_COOKIE, cookie)], Redirect::to("/admin")).into_response()
        }
        Err(SignInError::WrongToken) => refused(StatusCode::UNAUTHORIZED, "That is not the admin token."),
        Err(SignInError::Disabled) => {
            refused(StatusCode::FORBIDDEN, "Signing in is disabled on this server: set ADMIN_TOKEN and restart it.")
        }
        Err(SignInError::RateLimited(wait)) => {
            let mut response = refused(StatusCode::TOO_MANY_REQUESTS, &too_many(wait));
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait.as_secs().max(1)));
            response
        }
        Err(SignInError::Store(error)) => unavailable(&error),
    }
}

/// `POST /admin/logout`: ends the session on every replica and forgets the cookie.
pub(crate) async fn sign_out(
    State(state): State<AdminState>,
    owner: Owner,
    https: Option<Extension<Https>>,
    Form(form): Form<Plain>,
) -> Response {
    if !owner.sent(&form.csrf) {
        return forged();
    }
    if let Err(error) = state.sessions.sign_out(&owner.cookie).await {
        return unavailable(&error);
    }
    let https = https.is_some_and(|Extension(Https(https))| https);
    ([(header::SET_COOKIE, session::clear_cookie(https))], Redirect::to("/admin/login?signed_out=1")).into_response()
}

/// `GET /admin/admin.css`.
pub(crate) async fn stylesheet() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLESHEET).into_response()
}

/// Any other path under `/admin`.
pub(crate) async fn not_found() -> Response {
    message(StatusCode::NOT_FOUND, "Not found", "There is no such page in the admin.")
}

/// 403 with a page saying why.
pub(crate) fn forbidden(why: &str) -> Response {
    message(StatusCode::FORBIDDEN, "Refused", why)
}

/// 403 for a form without the session's forgery token.
pub(crate) fn forged() -> Response {
    forbidden("This form is from an earlier session: reload the page and send it again.")
}

/// 503 when the database cannot be used now; the cause goes to the log.
pub(crate) fn unavailable(error: &StoreError) -> Response {
    tracing::error!(error = %error.chain(), "admin: the database could not be used");
    let mut response = message(
        StatusCode::SERVICE_UNAVAILABLE,
        "Try again shortly",
        "The database cannot be reached just now; nothing was changed. Try again in a few seconds.",
    );
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    response
}

pub(crate) fn message(status: StatusCode, title: &str, text: &str) -> Response {
    page(status, &Message { title, text })
}

fn too_many(wait: Duration) -> String {
    let minutes = wait.as_secs().div_ceil(60).max(1);
    let unit = if minutes == 1 { "minute" } else { "minutes" };
    format!("Too many sign-in attempts from your address: try again in {minutes} {unit}.")
}

pub(crate) fn page(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "admin: a page could not be rendered");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
