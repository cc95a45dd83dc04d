//! Reading environment variables with errors that name the variable. Values are never echoed
//! for secrets.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// One problem with one variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

/// Every problem found while loading the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "invalid configuration:")?;
        for e in &self.0 {
            writeln!(f, "  - {}: {}", e.variable, e.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// A snapshot of the environment. Empty values count as unset (ECS task definitions often
/// carry empty strings for optional settings).
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: HashMap<String, String>,
    errors: Vec<ConfigError>,
}

impl Env {
    /// The process environment.
    pub fn from_process() -> Self {
        Self::from_pairs(std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))))
    }

    /// An environment made of the given pairs (for tests and tools).
    pub fn from_pairs<K: Into<String>, V: Into<String>>(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        let vars = pairs.into_iter().map(|(k, v)| (k.into(), v.into())).filter(|(_, v)| !v.is_empty()).collect();
        Self { vars, errors: Vec::new() }
    }

    /// The value of `name`, if set and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// True when `name` is set.
    pub fn is_set(&self, name: &str) -> bool {
        self.vars.contains_key(name)
    }

    /// Records a problem with `variable`.
    pub fn error(&mut self, variable: &'static str, message: impl Into<String>) {
        self.errors.push(ConfigError { variable, message: message.into() });
    }

    /// Parses `name` with `FromStr`, recording `expected` (what a valid value looks like) on
    /// failure. The bad value is shown, so never use this for secrets.
    pub fn parse<T: FromStr>(&mut self, name: &'static str, expected: &str) -> Option<T> {
        let text = self.get(name)?.to_owned();
        match text.parse() {
            Ok(v) => Some(v),
            Err(_) => {
                self.error(name, format!("{text:?} is not {expected}"));
                None
            }
        }
    }

    /// A duration in seconds (fractions allowed), within `range` seconds.
    pub fn seconds(&mut self, name: &'static str, default: Duration, range: (f64, f64)) -> Duration {
        let Some(text) = self.get(name).map(str::to_owned) else {
            return default;
        };
        match text.parse::<f64>() {
            Ok(s) if s >= range.0 && s <= range.1 => Duration::from_secs_f64(s),
            _ => {
                self.error(name, format!("{text:?} is not a number of seconds between {} and {}", range.0, range.1));
                default
            }
        }
    }

    /// The recorded problems, if any.
    pub fn finish(self) -> Result<(), ConfigErrors> {
        if self.errors.is_empty() { Ok(()) } else { Err(ConfigErrors(self.errors)) }
    }
}
