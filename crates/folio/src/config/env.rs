//! Reading environment variables, each through its declaration in [`super::vars`], with errors
//! that name the variable. Values are never echoed for secrets.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use super::vars::{Kind, Var};

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

    /// The value of `var`, if set and not empty.
    pub fn get(&self, var: Var) -> Option<&str> {
        self.vars.get(var.name).map(String::as_str)
    }

    /// True when `var` is set.
    pub fn is_set(&self, var: Var) -> bool {
        self.vars.contains_key(var.name)
    }

    /// Records a problem with `var`.
    pub fn error(&mut self, var: Var, message: impl Into<String>) {
        self.errors.push(ConfigError { variable: var.name, message: message.into() });
    }

    /// Parses `var` with `FromStr`, recording `expected` (what a valid value looks like) on
    /// failure. The bad value is shown, so never use this for secrets.
    pub fn parse<T: FromStr>(&mut self, var: Var, expected: &str) -> Option<T> {
        let text = self.get(var)?.to_owned();
        match text.parse() {
            Ok(v) => Some(v),
            Err(_) => {
                self.error(var, format!("{text:?} is not {expected}"));
                None
            }
        }
    }

    /// A [`Kind::Whole`] variable parsed as `T`, its declared default when unset or invalid
    /// (the problem is recorded).
    pub fn whole<T: FromStr + TryFrom<u32>>(&mut self, var: Var, expected: &str) -> T {
        self.parse(var, expected).unwrap_or_else(|| {
            T::try_from(var.default_whole())
                .unwrap_or_else(|_| panic!("the declared default of {} does not fit its type", var.name))
        })
    }

    /// A [`Kind::Seconds`] variable: a duration in seconds (fractions allowed) within its
    /// declared range, its declared default when unset or invalid (the problem is recorded).
    pub fn seconds(&mut self, var: Var) -> Duration {
        let Kind::Seconds { min, max, .. } = var.kind else {
            panic!("{} is not declared as a number of seconds", var.name)
        };
        let Some(text) = self.get(var).map(str::to_owned) else {
            return var.default_duration();
        };
        match text.parse::<f64>() {
            Ok(s) if (min..=max).contains(&s) => Duration::from_secs_f64(s),
            _ => {
                self.error(var, format!("{text:?} is not a number of seconds between {min} and {max}"));
                var.default_duration()
            }
        }
    }

    /// `value`, or every recorded problem. Loaders return `None` only after recording why, so
    /// a value missing with nothing recorded is a bug in a loader, reported as such.
    pub fn finish_with<T>(self, value: Option<T>) -> Result<T, ConfigErrors> {
        self.finish()?;
        value.ok_or_else(|| {
            ConfigErrors(vec![ConfigError {
                variable: "configuration",
                message: "incomplete, though no variable was at fault (a bug: please report it)".to_owned(),
            }])
        })
    }

    /// The recorded problems, if any.
    pub fn finish(self) -> Result<(), ConfigErrors> {
        if self.errors.is_empty() { Ok(()) } else { Err(ConfigErrors(self.errors)) }
    }
}
