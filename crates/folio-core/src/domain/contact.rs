//! Contact messages: what a visitor sends through the site's form or `POST /api/contact`, the
//! validated message it becomes, and the delivery state of its e-mail notification.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::fields::{FieldErrors, Invalid};
use super::project::checked_text;
use super::rules;
use super::timestamp::Timestamp;

/// Field limits, in characters.
pub const NAME_MAX_CHARS: usize = 100;
pub const SUBJECT_MAX_CHARS: usize = 200;
pub const MESSAGE_MIN_CHARS: usize = 10;
pub const MESSAGE_MAX_CHARS: usize = 5000;
pub const EMAIL_MAX_CHARS: usize = 254;

/// The hidden form field only bots fill in.
pub const HONEYPOT_FIELD: &str = "website";

/// A contact form as the visitor filled it in, nothing checked yet (absent fields are empty).
/// The site's form and the API's JSON body both arrive as this.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ContactForm {
    pub name: String,
    pub email: String,
    pub subject: String,
    pub message: String,
    /// The honeypot ([`HONEYPOT_FIELD`]); people never see it.
    pub website: String,
}

checked_text!(
    /// Who wrote: one line, 1 to [`NAME_MAX_CHARS`] characters, stored trimmed.
    SenderName,
    |text| line(text, 1, NAME_MAX_CHARS)
);
checked_text!(
    /// Where to answer: one line of at most [`EMAIL_MAX_CHARS`] characters, shaped like an
    /// e-mail address, stored trimmed.
    EmailAddress,
    |text| {
        line(text, 1, EMAIL_MAX_CHARS)?;
        if is_email(text.trim()) { Ok(()) } else { Err(Invalid::NotEmail) }
    }
);
checked_text!(
    /// What about: one line, 1 to [`SUBJECT_MAX_CHARS`] characters, stored trimmed.
    Subject,
    |text| line(text, 1, SUBJECT_MAX_CHARS)
);
checked_text!(
    /// The message: [`MESSAGE_MIN_CHARS`] to [`MESSAGE_MAX_CHARS`] characters, as typed.
    MessageText,
    |text| checked(text, MESSAGE_MIN_CHARS, MESSAGE_MAX_CHARS, false)
);

/// A validated message, not yet stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContactMessage {
    pub name: SenderName,
    pub email: EmailAddress,
    pub subject: Subject,
    pub message: MessageText,
}

/// Where a message was written, which decides what a filled honeypot means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// `POST /api/contact`: the fields are checked first, as its schema promises a 400 for any
    /// that is wrong; a valid message with the honeypot filled is a bot.
    Api,
    /// The site's form: a filled honeypot is a bot whatever the rest says, so a bot learns
    /// nothing from the answer.
    Form,
}

/// What a submission turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submission {
    /// A message to store.
    Message(NewContactMessage),
    /// The honeypot was filled in: a bot. It is answered like a success and dropped.
    Bot,
}

impl ContactForm {
    /// A valid message, a bot (the honeypot is filled; see [`Channel`] for when the fields
    /// count), or every problem with the fields. Lengths count the text as typed.
    pub fn parse(&self, channel: Channel) -> Result<Submission, FieldErrors> {
        let bot = !self.website.trim().is_empty();
        if bot && channel == Channel::Form {
            return Ok(Submission::Bot);
        }
        let message = self.fields()?;
        Ok(if bot { Submission::Bot } else { Submission::Message(message) })
    }

    /// A sample form with these four fields and an empty honeypot.
    pub fn new(name: &str, email: &str, subject: &str, message: &str) -> Self {
        let text = str::to_owned;
        Self {
            name: text(name),
            email: text(email),
            subject: text(subject),
            message: text(message),
            website: String::new(),
        }
    }

    /// The four fields, each checked (the address's shape after the others).
    fn fields(&self) -> Result<NewContactMessage, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", SenderName::parse(&self.name));
        // The address's shape is reported after the other fields' problems.
        let (email, bad_shape) = match EmailAddress::parse(&self.email) {
            Err(Invalid::NotEmail) => (None, true),
            other => (errors.check("email", other), false),
        };
        let subject = errors.check("subject", Subject::parse(&self.subject));
        let message = errors.check("message", MessageText::parse(&self.message));
        if bad_shape {
            errors.invalid("email", Invalid::NotEmail);
        }
        match (name, email, subject, message) {
            (Some(name), Some(email), Some(subject), Some(message)) => {
                let trim = |t: String| t.trim().to_owned();
                Ok(NewContactMessage {
                    name: SenderName(trim(name.0)),
                    email: EmailAddress(trim(email.0)),
                    subject: Subject(trim(subject.0)),
                    message,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A single-line field's rules.
fn line(text: &str, min: usize, max: usize) -> Result<(), Invalid> {
    checked(text, min, max, true)
}

/// Not blank, within `min..=max` characters, on one line when `single_line`, no NUL.
pub(crate) fn checked(text: &str, min: usize, max: usize, single_line: bool) -> Result<(), Invalid> {
    let got = text.chars().count();
    if rules::is_blank(text) {
        Err(Invalid::Empty)
    } else if got < min {
        Err(Invalid::TooShort { min, got })
    } else if got > max {
        Err(Invalid::TooLong { max, got })
    } else if single_line && rules::has_control(text) {
        Err(Invalid::MultiLine)
    } else if rules::has_nul(text) {
        Err(Invalid::Nul)
    } else {
        Ok(())
    }
}

/// Where the e-mail notification of a stored message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// When the owner marked it handled (answered, or nothing more to do); handled is read too.
    pub handled_at: Option<Timestamp>,
}

/// What the owner does to one message in the inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxChange {
    /// Marks it read (a message read already keeps its time).
    Read,
    /// Marks it handled, and read if it was not.
    Handled,
    /// Sends its notification again now: a failed one goes back to pending, a pending one is
    /// due at once. A notification already sent is left alone.
    Retry,
    /// Deletes it.
    Delete,
}

/// The notification's state, attempts so far, and what happened last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// The stored message, with a fresh id and a pending notification.
    pub fn into_message(self, id: Uuid, now: Timestamp) -> ContactMessage {
        ContactMessage {
            id,
            name: self.name.into_inner(),
            email: self.email.into_inner(),
            subject: self.subject.into_inner(),
            message: self.message.into_inner(),
            created_at: now,
            read_at: None,
            delivery: Delivery {
                state: DeliveryState::Pending,
                attempts: 0,
                next_attempt_at: Some(now),
                last_error: None,
                sent_at: None,
            },
            handled_at: None,
        }
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
    use super::*;

    fn form(name: &str, email: &str, subject: &str, message: &str) -> ContactForm {
        ContactForm::new(name, email, subject, message)
    }

    fn errors(form: &ContactForm) -> Vec<String> {
        form.parse(Channel::Api).expect_err("invalid").into_messages()
    }

    #[test]
    fn single_line_fields_are_stored_trimmed_and_the_message_as_typed() {
        let Submission::Message(m) =
            form(" Ada ", "ada@example.org", "Hi", "  Hello there, Folio!  ").parse(Channel::Api).expect("valid")
        else {
            panic!("not a bot")
        };
        assert_eq!((m.name.as_str(), m.message.as_str()), ("Ada", "  Hello there, Folio!  "));
    }

    #[test]
    fn every_field_rule_names_its_field() {
        let long = "x".repeat(101);
        assert_eq!(
            errors(&form(&long, "nope", "", "short")),
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
        let mut valid = form("n", "a@b.co", "s", "0123456789");
        valid.website = "spam.example".to_owned();
        assert_eq!(valid.parse(Channel::Api).expect("accepted"), Submission::Bot);
        let only_the_honeypot = ContactForm { website: "x".to_owned(), ..ContactForm::default() };
        assert_eq!(only_the_honeypot.parse(Channel::Form).expect("accepted"), Submission::Bot);
    }

    #[test]
    fn through_the_api_a_bot_with_invalid_fields_gets_the_field_errors() {
        let mut bot = form("n", "nope", "s", "0123456789");
        bot.website = "spam.example".to_owned();
        assert_eq!(errors(&bot), ["email must be a valid e-mail address"]);
    }

    #[test]
    fn single_line_fields_refuse_line_breaks() {
        for subject in ["s\r\nBcc: x@y.zz", "s\u{85}Bcc: x@y.zz", "s\u{2028}x", "s\u{2029}x"] {
            assert_eq!(
                errors(&form("n", "a@b.co", subject, "0123456789")),
                ["subject must be a single line"],
                "{subject:?}"
            );
        }
    }
}
