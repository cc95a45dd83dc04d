//! Why a value was refused, and every problem of one request collected, so a client learns
//! everything that is wrong in one answer.

/// Why one value was refused, worded to follow the field's name: "title" + " must not be
/// empty".
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    #[error("must not be empty")]
    Empty,
    #[error("must be at least {min} characters, got {got}")]
    TooShort { min: usize, got: usize },
    #[error("must be at most {max} characters, got {got}")]
    TooLong { max: usize, got: usize },
    #[error("must be a single line")]
    MultiLine,
    #[error("must not contain NUL characters")]
    Nul,
    #[error("must be an absolute http or https URL")]
    NotWebUrl,
    #[error("must be a valid e-mail address")]
    NotEmail,
    #[error("must have at most {max} items, got {got}")]
    TooMany { max: usize, got: usize },
    #[error("must be a whole number from {min} to {max}")]
    NotWholeNumber { min: i64, max: i64 },
    #[error("must be an id (a UUID)")]
    NotId,
    #[error("must be lowercase letters a-z, digits and single hyphens between them, and not a UUID")]
    NotSlug,
}

/// Every problem found in one request, one human-readable sentence per problem, each naming
/// the field it is about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<String>);

impl FieldErrors {
    /// Records one problem.
    pub fn push(&mut self, message: impl Into<String>) {
        self.0.push(message.into());
    }

    /// Records that `field` was refused because of `why`.
    pub fn invalid(&mut self, field: &str, why: Invalid) {
        self.push(format!("{field} {why}"));
    }

    /// The value of a field check, recording its problem when it failed.
    pub fn check<T>(&mut self, field: &str, checked: Result<T, Invalid>) -> Option<T> {
        checked.map_err(|why| self.invalid(field, why)).ok()
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The messages, in the order the fields were checked.
    pub fn messages(&self) -> &[String] {
        &self.0
    }

    /// Consumes the list, returning the messages.
    pub fn into_messages(self) -> Vec<String> {
        self.0
    }

    /// `Ok(value)` when nothing was recorded.
    pub fn or_ok<T>(self, value: impl FnOnce() -> T) -> Result<T, Self> {
        if self.is_empty() { Ok(value()) } else { Err(self) }
    }
}

impl From<Vec<String>> for FieldErrors {
    fn from(messages: Vec<String>) -> Self {
        Self(messages)
    }
}
