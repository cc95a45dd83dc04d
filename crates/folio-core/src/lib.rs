//! Folio's core: the vocabulary ([`domain`]), the use cases ([`use_cases`]) and the port they
//! store through ([`store`]). The HTTP API, the site, the outbox and the two databases are
//! adapters around it; nothing here knows about HTTP or SQL.

pub mod domain;
pub mod rate_limit;
pub mod store;
pub mod use_cases;

pub use domain::{
    Channel, ClientIp, ContactForm, ContactMessage, Delivery, DeliveryOutcome, DeliveryState, EmailAddress,
    FieldErrors, FileName, ImageAlt, ImageChoice, InboxChange, Invalid, Kind, Media, MediaFile, MessageText,
    NewContactMessage, NewMedia, NewMediaFile, NewProject, Project, ProjectDescription, ProjectForm, ProjectImage,
    ProjectPatch, ProjectTitle, SenderName, SiteContent, SiteForm, Slug, StoredFile, Subject, Submission, TagsInvalid,
    Technologies, Technology, Timestamp, WebUrl,
};
pub use rate_limit::{Budget, Networks, RateLimiter};
pub use store::{AdminSession, DatabaseKind, MigrationReport, OutboxCounts, Store, StoreError};
pub use use_cases::Unavailable;
pub use use_cases::admin::{ActiveSession, AdminToken, SessionLimits, Sessions, SignInError, SignedIn};
pub use use_cases::contact::{Contact, ContactError, ContactLimits, ContactService, Notified};
pub use use_cases::health::DatabaseHealth;
pub use use_cases::media::{MediaError, MediaService};
pub use use_cases::projects::{ActiveProjects, ProjectService, Shift};
pub use use_cases::site::{SiteContentError, SiteContentService, SiteContentSource};
