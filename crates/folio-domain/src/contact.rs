//! Contact messages: what a visitor sends through the site's form or `POST /api/contact`, and
//! the delivery state of its e-mail notification.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::fields::{FieldErrors, JsonObject};
use crate::rules;
use crate::timestamp::Timestamp;

/// Field limits, in characters.
pub const NAME_MAX_CHARS: usize = 100;
pub const SUBJECT_MAX_CHARS: usize = 200;
pub const MESSAGE_MIN_CHARS: usize = 10;
pub const MESSAGE_MAX_CHARS: usize = 5000;
pub const EMAIL_MAX_CHARS: usize = 254;

/// The hidden form field only bots fill in.
pub const HONEYPOT_FIELD: &str = "website";

/// A validated message, not yet stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContactMessage {
    pub name: String,
    pub email: String,
    pub subject: String,
    pub message: String,
}

/// What a submission turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submission {
    /// A message to store.
    Message(NewContactMessage),
    /// The honeypot was filled in: a bot. It is answered like a success and dropped.
    Bot,
}

/// Where the e-mail notification of a stored message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryState {
    /// Waiting for its first or next attempt.
    Pending,
    /// The mail server accepted it.
    Sent,
    /// Attempts were exhausted; the message itself is kept.
    Failed,
}

impl DeliveryState {
    /// The stored name of the state.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Sent => "sent",
            DeliveryState::Failed => "failed",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(DeliveryState::Pending),
            "sent" => Some(DeliveryState::Sent),
            "failed" => Some(DeliveryState::Failed),
            _ => None,
        }
    }
}

/// A stored message with its delivery state, as `GET /api/contact-messages` returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContactMessage {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub subject: String,
    pub message: String,
    pub created_at: Timestamp,
    /// When the owner marked the message read; unread messages count against the inbox's cap.
    pub read_at: Option<Timestamp>,
    pub delivery: Delivery,
}

/// The notification's state, attempts so far, and what happened last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub state: DeliveryState,
    pub attempts: i32,
    pub next_attempt_at: Option<Timestamp>,
    pub last_error: Option<String>,
    pub sent_at: Option<Timestamp>,
}

/// The result of one attempt to send a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// The mail server accepted the notification.
    Sent { at: Timestamp },
    /// The attempt failed; try again at `retry_at`, or never (state `failed`) when `None`.
    Failed { error: String, retry_at: Option<Timestamp> },
}

impl DeliveryOutcome {
    /// The message's delivery state after this outcome.
    pub fn state(&self) -> DeliveryState {
        match self {
            DeliveryOutcome::Sent { .. } => DeliveryState::Sent,
            DeliveryOutcome::Failed { retry_at: Some(_), .. } => DeliveryState::Pending,
            DeliveryOutcome::Failed { retry_at: None, .. } => DeliveryState::Failed,
        }
    }
}

impl NewContactMessage {
    /// Validates a JSON body for `POST /api/contact`.
    pub fn from_json(body: &Value) -> Result<Submission, FieldErrors> {
        let mut obj = JsonObject::new(body)?;
        let honeypot = obj.string(HONEYPOT_FIELD).is_some_and(|v| !v.trim().is_empty());
        let name = obj.required_string("name");
        let email = obj.required_string("email");
        let subject = obj.required_string("subject");
        let message = obj.required_string("message");
        obj.reject_unknown(&["name", "email", "subject", "message", HONEYPOT_FIELD], &[]);
        let checked = check(name, email, subject, message);
        obj.finish().and(checked).map(|m| if honeypot { Submission::Bot } else { Submission::Message(m) })
    }

    /// Validates the site's form fields (absent fields count as empty).
    pub fn from_form(field: impl Fn(&str) -> Option<String>) -> Result<Submission, FieldErrors> {
        if field(HONEYPOT_FIELD).is_some_and(|v| !v.trim().is_empty()) {
            return Ok(Submission::Bot);
        }
        let [name, email, subject, message] =
            ["name", "email", "subject", "message"].map(|f| field(f).unwrap_or_default());
        check(Some(&name), Some(&email), Some(&subject), Some(&message)).map(Submission::Message)
    }

    /// The stored message, with a fresh id and a pending notification.
    pub fn into_message(self, id: Uuid, now: Timestamp) -> ContactMessage {
        ContactMessage {
            id,
            name: self.name,
            email: self.email,
            subject: self.subject,
            message: self.message,
            created_at: now,
            read_at: None,
            delivery: Delivery {
                state: DeliveryState::Pending,
                attempts: 0,
                next_attempt_at: Some(now),
                last_error: None,
                sent_at: None,
            },
        }
    }
}

/// Whole seconds, rounded up (and at least one): what `Retry-After` says.
pub fn ceil_seconds(wait: std::time::Duration) -> u64 {
    wait.as_secs().saturating_add(u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// How long to wait, for a visitor: "40 seconds", "1 minute", "29 minutes".
pub fn wait_text(wait: std::time::Duration) -> String {
    match ceil_seconds(wait) {
        1 => "1 second".to_owned(),
        s @ 0..60 => format!("{s} seconds"),
        60..120 => "1 minute".to_owned(),
        s => format!("{} minutes", s.div_ceil(60)),
    }
}

/// Checks the four fields as sent (lengths count the text as typed); the single-line ones are
/// stored trimmed.
fn check(
    name: Option<&str>,
    email: Option<&str>,
    subject: Option<&str>,
    message: Option<&str>,
) -> Result<NewContactMessage, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut text = |field: &str, value: Option<&str>, min: usize, max: usize, single_line: bool| {
        let value = value?;
        let chars = value.chars().count();
        if rules::is_blank(value) {
            errors.push(format!("{field} must not be empty"));
        } else if chars < min {
            errors.push(format!("{field} must be at least {min} characters, got {chars}"));
        } else if chars > max {
            errors.push(format!("{field} must be at most {max} characters, got {chars}"));
        } else if single_line && rules::has_control(value) {
            errors.push(format!("{field} must be a single line"));
        } else if rules::has_nul(value) {
            errors.push(format!("{field} must not contain NUL characters"));
        } else {
            return Some(if single_line { value.trim().to_owned() } else { value.to_owned() });
        }
        None
    };
    let name = text("name", name, 1, NAME_MAX_CHARS, true);
    let email = text("email", email, 1, EMAIL_MAX_CHARS, true);
    let subject = text("subject", subject, 1, SUBJECT_MAX_CHARS, true);
    let message = text("message", message, MESSAGE_MIN_CHARS, MESSAGE_MAX_CHARS, false);
    if email.as_deref().is_some_and(|e| !is_email(e)) {
        errors.push("email must be a valid e-mail address");
    }
    match (name, email, subject, message) {
        (Some(name), Some(email), Some(subject), Some(message)) if errors.is_empty() => {
            Ok(NewContactMessage { name, email, subject, message })
        }
        _ => Err(errors),
    }
}

/// A practical address check: one `@`, a dot-atom local part, a domain of at least two labels
/// of letters, digits and hyphens whose last holds a letter (IDN top-level domains such as
/// `xn--p1ai` included). Quoted local parts and address literals, which RFC 5322 allows, are
/// refused: no one types those into a contact form.
fn is_email(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels.last().is_some_and(|tld| tld.len() >= 2 && tld.chars().any(|c| c.is_ascii_alphabetic()));
    local_ok && domain_ok
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn errors(body: Value) -> Vec<String> {
        NewContactMessage::from_json(&body).expect_err("invalid").into_messages()
    }

    #[test]
    fn single_line_fields_are_stored_trimmed_and_the_message_as_typed() {
        let body =
            json!({"name": " Ada ", "email": "ada@example.org", "subject": "Hi", "message": "  Hello there, Folio!  "});
        let Submission::Message(m) = NewContactMessage::from_json(&body).expect("valid") else { panic!("not a bot") };
        assert_eq!((m.name.as_str(), m.message.as_str()), ("Ada", "  Hello there, Folio!  "));
    }

    #[test]
    fn every_field_rule_names_its_field() {
        assert_eq!(
            errors(json!({})),
            ["name is required", "email is required", "subject is required", "message is required"]
        );
        let long = "x".repeat(101);
        assert_eq!(
            errors(json!({"name": long, "email": "nope", "subject": "", "message": "short"})),
            [
                "name must be at most 100 characters, got 101",
                "subject must not be empty",
                "message must be at least 10 characters, got 5",
                "email must be a valid e-mail address",
            ]
        );
    }

    #[test]
    fn email_addresses_are_checked_for_shape() {
        for good in ["a@b.co", "first.last+tag@sub.example.org", "x_y@my-host.io"] {
            assert!(is_email(good), "{good}");
        }
        assert!(is_email("user@example.xn--p1ai"), "IDN top-level domain");
        for bad in ["a", "a@b", "a@b.c", "@b.co", "a@.co", "a b@c.co", "a@b..co", "a@-b.co", "a@b.42", ".a@b.co"] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn a_filled_honeypot_marks_a_bot_even_when_the_rest_is_valid() {
        let body =
            json!({"name": "n", "email": "a@b.co", "subject": "s", "message": "0123456789", "website": "spam.example"});
        assert_eq!(NewContactMessage::from_json(&body).expect("accepted"), Submission::Bot);
        let form = |f: &str| (f == HONEYPOT_FIELD).then(|| "x".to_owned());
        assert_eq!(NewContactMessage::from_form(form).expect("accepted"), Submission::Bot);
    }

    #[test]
    fn single_line_fields_refuse_line_breaks() {
        for subject in ["s\r\nBcc: x@y.zz", "s\u{85}Bcc: x@y.zz", "s\u{2028}x", "s\u{2029}x"] {
            let body = json!({"name": "n", "email": "a@b.co", "subject": subject, "message": "0123456789"});
            assert_eq!(errors(body), ["subject must be a single line"], "{subject:?}");
        }
    }
}
