//! The vocabulary every other crate speaks: values checked once, where they enter, so the rest
//! of the code never checks them again. Nothing here does I/O or knows about HTTP.

pub mod client;
pub mod contact;
pub mod fields;
pub mod media;
pub mod project;
pub mod project_form;
pub mod project_image;
pub mod rules;
pub mod site_content;
pub mod site_form;
pub mod slug;
pub mod timestamp;

pub use client::ClientIp;
pub use contact::{
    Channel, ContactForm, ContactMessage, Delivery, DeliveryOutcome, DeliveryState, EmailAddress, InboxChange,
    MessageText, NewContactMessage, SenderName, Subject, Submission,
};
pub use fields::{FieldErrors, Invalid};
pub use media::{FileName, Kind, Media, MediaFile, NewMedia, NewMediaFile, StoredFile};
pub use project::{
    NewProject, Project, ProjectDescription, ProjectPatch, ProjectTitle, TagsInvalid, Technologies, Technology, WebUrl,
};
pub use project_form::ProjectForm;
pub use project_image::{ALT_MAX_CHARS, ImageAlt, ImageChoice, ProjectImage};
pub use site_content::SiteContent;
pub use site_form::SiteForm;
pub use slug::Slug;
pub use timestamp::Timestamp;
