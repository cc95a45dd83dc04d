//! What Folio does, stated once. The HTTP API, the site (in-process in `serve`, through its
//! API client in `site`) and the outbox are adapters that call these; none of them repeats a
//! rule or a limit.

pub mod admin;
pub mod contact;
pub mod health;
pub mod media;
pub mod projects;
pub mod site;

/// A use case could not be carried out now, through no fault of the caller: try again later.
#[derive(Debug, thiserror::Error)]
pub enum Unavailable {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] crate::StoreError),
    /// The use case runs elsewhere (the API, for `folio site`), and that did not answer in
    /// time (`timed_out`) or could not do it; `why` says which, in its words.
    #[error("{why}")]
    Remote { timed_out: bool, why: String },
}
