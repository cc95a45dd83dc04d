//! `POST /contact`: the form that works without JavaScript. Success redirects to a thank-you
//! page (so a reload cannot send twice) that says whether the owner was e-mailed or will find
//! the message in the inbox; a problem re-renders the form with the visitor's input
//! kept and each error next to its field.

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use folio_core::domain::contact::{EMAIL_MAX_CHARS, MESSAGE_MAX_CHARS, NAME_MAX_CHARS, SUBJECT_MAX_CHARS};
use folio_core::rate_limit::{ceil_seconds, wait_text};
use folio_core::{Channel, ClientIp, ContactError, ContactForm, Notified};

use crate::SiteState;
use crate::html::Page;
use crate::pages::Shown;
use crate::templates::{self, FieldMessages};

pub async fn submit(
    State(state): State<SiteState>,
    Extension(client): Extension<ClientIp>,
    headers: HeaderMap,
    form: Result<Form<ContactForm>, FormRejection>,
) -> Response {
    let shown = match state.shown().await {
        Ok(shown) => shown,
        Err(unavailable) => return unavailable,
    };
    // Browsers say where a form post comes from; refuse posts made from other sites.
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if site.is_some_and(|s| !matches!(s, "same-origin" | "none")) {
        return render(
            &shown,
            &ContactForm::default(),
            FieldMessages::default(),
            Some(CROSS_SITE),
            StatusCode::FORBIDDEN,
            &headers,
        );
    }
    let fields = match form {
        Ok(Form(fields)) => fields,
        Err(rejection) => {
            let (problem, status) = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                (TOO_LARGE, StatusCode::PAYLOAD_TOO_LARGE)
            } else {
                (UNREADABLE, StatusCode::BAD_REQUEST)
            };
            return render(&shown, &ContactForm::default(), FieldMessages::default(), Some(problem), status, &headers);
        }
    };
    let kept = bounded(&fields);
    match state.contact.submit(fields, Channel::Form, client).await {
        // The page says what happens next: an e-mail to the owner, or the inbox alone.
        Ok(Notified::Email) => Redirect::to("/contact/thanks").into_response(),
        Ok(Notified::Inbox) => Redirect::to("/contact/received").into_response(),
        Err(ContactError::Invalid(messages)) => {
            let (errors, other) = by_field(messages.into_messages());
            let problem = other.map(|o| format!("Please check the form: {o}."));
            render(&shown, &kept, errors, problem.as_deref(), StatusCode::BAD_REQUEST, &headers)
        }
        Err(ContactError::RateLimited(wait)) => {
            let problem = format!("You have sent several messages already. Please try again in {}.", wait_text(wait));
            let mut response = render(
                &shown,
                &kept,
                FieldMessages::default(),
                Some(&problem),
                StatusCode::TOO_MANY_REQUESTS,
                &headers,
            );
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(ceil_seconds(wait)));
            response
        }
        Err(refused @ (ContactError::Busy(_) | ContactError::InboxFull(_) | ContactError::Unavailable(_))) => {
            tracing::warn!(why = %unavailable(&refused), "contact form: message not accepted");
            let problem = format!(
                "Your message could not be sent right now. Please try again shortly, or write to {}.",
                shown.content.owner.email
            );
            render(&shown, &kept, FieldMessages::default(), Some(&problem), StatusCode::SERVICE_UNAVAILABLE, &headers)
        }
    }
}

/// Why a message could not be taken, for the log.
fn unavailable(error: &ContactError) -> String {
    match error {
        ContactError::Busy(_) => "the budget for all clients is spent".to_owned(),
        ContactError::InboxFull(max) => format!("the inbox holds {max} unread messages, its cap"),
        ContactError::Unavailable(why) => why.to_string(),
        ContactError::Invalid(_) | ContactError::RateLimited(_) => "refused".to_owned(),
    }
}

/// The fields cut to the longest each may be, to show back in the form: the visitor keeps what
/// they typed, and no page echoes more than the form accepts.
fn bounded(form: &ContactForm) -> ContactForm {
    let cut = |text: &str, max: usize| text.chars().take(max).collect::<String>();
    ContactForm {
        name: cut(&form.name, NAME_MAX_CHARS),
        email: cut(&form.email, EMAIL_MAX_CHARS),
        subject: cut(&form.subject, SUBJECT_MAX_CHARS),
        message: cut(&form.message, MESSAGE_MAX_CHARS),
        website: String::new(),
    }
}

const CROSS_SITE: &str = "This form can only be sent from this site.";
const UNREADABLE: &str = "The form could not be read. Please fill it in again.";
const TOO_LARGE: &str = "The form was far longer than a message may be, so it was not read. \
     Please write a shorter message.";

fn render(
    shown: &Shown,
    form: &ContactForm,
    errors: FieldMessages,
    problem: Option<&str>,
    status: StatusCode,
    headers: &HeaderMap,
) -> Response {
    let owner = &shown.content.owner;
    let page = templates::Contact {
        layout: shown.frame().layout(
            "/contact",
            "/contact",
            Some("Contact"),
            Some(&format!("Send {} a message.", owner.name)),
        ),
        owner,
        form,
        errors,
        problem: problem.map(str::to_owned),
    };
    Page::new(page.render().expect("render contact.html")).respond(status, headers)
}

/// Each message names its field first ("email must be a valid e-mail address"); messages for
/// no known field are joined for the notice above the form.
fn by_field(messages: Vec<String>) -> (FieldMessages, Option<String>) {
    let mut fields = FieldMessages::default();
    let mut other = Vec::new();
    for message in messages {
        let slot = match message.split_whitespace().next() {
            Some("name") => &mut fields.name,
            Some("email") => &mut fields.email,
            Some("subject") => &mut fields.subject,
            Some("message") => &mut fields.message,
            _ => {
                other.push(message);
                continue;
            }
        };
        slot.get_or_insert(sentence(&message));
    }
    (fields, (!other.is_empty()).then(|| other.join("; ")))
}

/// "email must be a valid e-mail address" → "Email must be a valid e-mail address."
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let first = chars.next().map(|c| c.to_uppercase().to_string()).unwrap_or_default();
    format!("{first}{}.", chars.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_land_next_to_their_fields() {
        let (fields, other) = by_field(vec![
            "name must not be empty".into(),
            "email must be a valid e-mail address".into(),
            "property x should not exist".into(),
        ]);
        assert_eq!(fields.name.as_deref(), Some("Name must not be empty."));
        assert_eq!(fields.email.as_deref(), Some("Email must be a valid e-mail address."));
        assert_eq!(fields.subject, None);
        assert_eq!(other.as_deref(), Some("property x should not exist"));
    }
}
