//! The e-mails the owner gets: one per message, replying to the visitor, or (when the hourly
//! budget of e-mails is spent) one digest of every message that waited.

use std::fmt::Write;

use folio_core::ContactMessage;
use lettre::Message;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;

use crate::MailSettings;

/// The e-mail telling the owner about `message`; replies go to the visitor.
pub(crate) fn single(settings: &MailSettings, message: &ContactMessage) -> Result<Message, String> {
    let visitor: Mailbox = format!("{} <{}>", message.name.replace(['<', '>', '"'], ""), message.email)
        .parse()
        .or_else(|_| message.email.parse())
        .map_err(|e| format!("the visitor's address cannot be used as Reply-To: {e}"))?;
    Message::builder()
        .from(settings.from.clone())
        .to(settings.to.clone())
        .reply_to(visitor)
        .subject(format!("[Folio contact] {}", message.subject))
        .header(ContentType::TEXT_PLAIN)
        .body(format!(
            "{} <{}> wrote on {}:\n\n{}\n\n-- \nFolio contact form, message {}\n",
            message.name, message.email, message.created_at, message.message, message.id
        ))
        .map_err(|e| format!("cannot build the notification: {e}"))
}

/// One e-mail about all of `messages` (no Reply-To: each lists its sender's address).
pub(crate) fn digest(settings: &MailSettings, messages: &[ContactMessage]) -> Result<Message, String> {
    let mut body = format!(
        "{} messages arrived while notifications were held back (at most {} e-mails an hour):\n",
        messages.len(),
        settings.per_hour
    );
    for (i, m) in messages.iter().enumerate() {
        let _ = write!(
            body,
            "\n--- {}. {} <{}> wrote on {}, subject: {}\n\n{}\n\n(message {})\n",
            i + 1,
            m.name,
            m.email,
            m.created_at,
            m.subject,
            m.message,
            m.id
        );
    }
    body.push_str("\n-- \nFolio contact form\n");
    Message::builder()
        .from(settings.from.clone())
        .to(settings.to.clone())
        .subject(format!("[Folio contact] {} new messages", messages.len()))
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| format!("cannot build the digest: {e}"))
}
