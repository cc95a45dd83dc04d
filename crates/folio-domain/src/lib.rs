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
