//! The body of `POST /api/contact`, read into the core's [`ContactForm`] (whose own rules the
//! contact use case applies).

use folio_core::domain::contact::HONEYPOT_FIELD;
use folio_core::{ContactForm, FieldErrors};
use serde_json::Value;

use super::JsonObject;

/// `{name, email, subject, message}`, all strings, plus the honeypot; nothing else.
pub fn contact_form(body: &Value) -> Result<ContactForm, FieldErrors> {
    let mut obj = JsonObject::new(body)?;
    let website = obj.string(HONEYPOT_FIELD);
    let [name, email, subject, message] = ["name", "email", "subject", "message"].map(|f| obj.required_string(f));
    obj.reject_unknown(&["name", "email", "subject", "message", HONEYPOT_FIELD], &[]);
    obj.finish()?;
    let text = |t: Option<&str>| t.unwrap_or_default().to_owned();
    Ok(ContactForm {
        name: text(name),
        email: text(email),
        subject: text(subject),
        message: text(message),
        website: text(website),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_missing_field_is_named() {
        let errors = contact_form(&json!({})).expect_err("invalid").into_messages();
        assert_eq!(errors, ["name is required", "email is required", "subject is required", "message is required"]);
    }

    #[test]
    fn only_the_form_fields_are_accepted_and_each_must_be_a_string() {
        let errors = contact_form(&json!({"name": 1, "email": "e", "subject": "s", "message": "m", "to": "x"}))
            .expect_err("invalid")
            .into_messages();
        assert_eq!(errors, ["name must be a string, not a number", "property to should not exist"]);
    }
}
