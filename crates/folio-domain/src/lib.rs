//! Folio's domain: the types every other crate speaks, validated once at the edge.
//!
//! Nothing here does I/O. Request bodies arrive as JSON objects and leave this crate either as
//! validated values (`NewProject`, `ProjectPatch`) or as a list of messages naming each field
//! that is wrong.

pub mod client;
pub mod contact;
pub mod fields;
pub mod health;
pub mod project;
pub mod rules;
pub mod timestamp;

pub use client::ClientIp;
pub use contact::{ContactMessage, Delivery, DeliveryOutcome, DeliveryState, NewContactMessage, Submission};
pub use fields::{FieldErrors, JsonObject};
pub use health::ServiceHealth;
pub use project::{NewProject, Project, ProjectPatch};
pub use timestamp::Timestamp;

/// The largest request body any part of Folio reads, in bytes: the API's JSON and the site's
/// contact form alike.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
