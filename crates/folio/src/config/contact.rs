//! The contact form's limits and the mail server its notifications go through.

use std::num::NonZeroU32;
use std::time::Duration;

use folio_mail::{MailSettings, Mailbox, SmtpUrl};
use secrecy::{ExposeSecret, SecretString};

use super::env::Env;

/// How contact messages are accepted and delivered.
#[derive(Debug, Clone)]
pub struct ContactConfig {
    /// Messages accepted per client per hour.
    pub rate_per_hour: NonZeroU32,
    /// Messages accepted from all clients together per hour.
    pub global_per_hour: NonZeroU32,
    /// The most unread messages kept; past it new ones are refused.
    pub max_unread: u32,
    /// Where notifications go; `None` stores messages without notifying anyone.
    pub mail: Option<MailSettings>,
}

pub fn load(env: &mut Env) -> ContactConfig {
    let per_hour = |env: &mut Env, name, default| {
        env.parse(name, "a whole number from 1").unwrap_or(NonZeroU32::new(default).expect("a non-zero default"))
    };
    let rate_per_hour = per_hour(env, "CONTACT_RATE_LIMIT_PER_HOUR", 5);
    let global_per_hour = per_hour(env, "CONTACT_GLOBAL_LIMIT_PER_HOUR", 30);
    let notify_per_hour = per_hour(env, "CONTACT_NOTIFY_PER_HOUR", 10);
    let max_unread =
        env.parse::<NonZeroU32>("CONTACT_MAX_UNREAD", "a whole number from 1").map_or(1000, NonZeroU32::get);
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
        return ContactConfig { rate_per_hour, global_per_hour, max_unread, mail: None };
    };
    let url = SmtpUrl::check(smtp_url.expose_secret()).map_err(|why| env.error("SMTP_URL", why)).ok();
    let to = mailbox(env, "CONTACT_TO");
    let from = mailbox(env, "CONTACT_FROM");
    let mail = match (url, to, from) {
        (Some(_), Some(to), Some(from)) => {
            Some(MailSettings { smtp_url, to, from, retry_base, max_attempts, per_hour: notify_per_hour })
        }
        _ => None,
    };
    ContactConfig { rate_per_hour, global_per_hour, max_unread, mail }
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
