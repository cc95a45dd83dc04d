//! The contact form's limits and the mail server its notifications go through.

use std::num::NonZeroU32;
use std::time::Duration;

use folio_mail::{MailSettings, Mailbox};
use secrecy::SecretString;

use super::env::Env;

/// How contact messages are accepted and delivered.
#[derive(Debug, Clone)]
pub struct ContactConfig {
    /// Messages accepted per client per hour.
    pub rate_per_hour: NonZeroU32,
    /// Where notifications go; `None` stores messages without notifying anyone.
    pub mail: Option<MailSettings>,
}

pub fn load(env: &mut Env) -> ContactConfig {
    let rate_per_hour =
        env.parse("CONTACT_RATE_LIMIT_PER_HOUR", "a whole number from 1").unwrap_or(NonZeroU32::MIN.saturating_add(4));
    let retry_base = env.seconds("CONTACT_RETRY_BASE_SECONDS", Duration::from_secs(30), (0.01, 86_400.0));
    let max_attempts = env.parse("CONTACT_MAX_ATTEMPTS", "a whole number from 1 to 1000").unwrap_or(20);
    if !(1..=1000).contains(&max_attempts) {
        env.error("CONTACT_MAX_ATTEMPTS", "must be between 1 and 1000");
    }
    let Some(smtp_url) = env.get("SMTP_URL").map(|u| SecretString::from(u.to_owned())) else {
        for name in ["CONTACT_TO", "CONTACT_FROM"] {
            if env.is_set(name) {
                env.error(name, "is set but SMTP_URL is not: set SMTP_URL too, or nothing will be sent");
            }
        }
        return ContactConfig { rate_per_hour, mail: None };
    };
    let to = mailbox(env, "CONTACT_TO");
    let from = mailbox(env, "CONTACT_FROM");
    let mail = match (to, from) {
        (Some(to), Some(from)) => Some(MailSettings { smtp_url, to, from, retry_base, max_attempts }),
        _ => None,
    };
    ContactConfig { rate_per_hour, mail }
}

fn mailbox(env: &mut Env, name: &'static str) -> Option<Mailbox> {
    let Some(text) = env.get(name).map(str::to_owned) else {
        env.error(name, "is required when SMTP_URL is set");
        return None;
    };
    text.parse()
        .map_err(|_| env.error(name, format!("{text:?} is not an e-mail address (e.g. Name <me@example.com>)")))
        .ok()
}
