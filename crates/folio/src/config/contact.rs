//! The contact form's limits and the mail server its notifications go through.

use std::num::NonZeroU32;

use folio_mail::{MailSettings, Mailbox, SmtpUrl};
use secrecy::{ExposeSecret, SecretString};

use super::env::Env;
use super::vars::{self, Var};

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
    let per_hour = |env: &mut Env, var| env.whole::<NonZeroU32>(var, "a whole number from 1");
    let rate_per_hour = per_hour(env, vars::CONTACT_RATE_LIMIT_PER_HOUR);
    let global_per_hour = per_hour(env, vars::CONTACT_GLOBAL_LIMIT_PER_HOUR);
    let notify_per_hour = per_hour(env, vars::CONTACT_NOTIFY_PER_HOUR);
    let max_unread = per_hour(env, vars::CONTACT_MAX_UNREAD).get();
    let retry_base = env.seconds(vars::CONTACT_RETRY_BASE_SECONDS);
    let max_attempts: i32 = env.whole(vars::CONTACT_MAX_ATTEMPTS, "a whole number from 1 to 1000");
    if !(1..=1000).contains(&max_attempts) {
        env.error(vars::CONTACT_MAX_ATTEMPTS, "must be between 1 and 1000");
    }
    let Some(smtp_url) = env.get(vars::SMTP_URL).map(|u| SecretString::from(u.to_owned())) else {
        for var in [vars::CONTACT_TO, vars::CONTACT_FROM] {
            if env.is_set(var) {
                env.error(var, "is set but SMTP_URL is not: set SMTP_URL too, or nothing will be sent");
            }
        }
        return ContactConfig { rate_per_hour, global_per_hour, max_unread, mail: None };
    };
    let url = SmtpUrl::check(smtp_url.expose_secret()).map_err(|why| env.error(vars::SMTP_URL, why)).ok();
    let to = mailbox(env, vars::CONTACT_TO);
    let from = mailbox(env, vars::CONTACT_FROM);
    let mail = match (url, to, from) {
        (Some(_), Some(to), Some(from)) => {
            Some(MailSettings { smtp_url, to, from, retry_base, max_attempts, per_hour: notify_per_hour })
        }
        _ => None,
    };
    ContactConfig { rate_per_hour, global_per_hour, max_unread, mail }
}

fn mailbox(env: &mut Env, var: Var) -> Option<Mailbox> {
    let Some(text) = env.get(var).map(str::to_owned) else {
        env.error(var, "is required when SMTP_URL is set");
        return None;
    };
    text.parse()
        .map_err(|_| env.error(var, format!("{text:?} is not an e-mail address (e.g. Name <me@example.com>)")))
        .ok()
}
