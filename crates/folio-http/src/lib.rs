//! What the HTTP adapters share on the wire: the health body's shape, the largest body any of
//! them reads, and the header by which the API says it did not believe a forwarded address.
//! The rules themselves live in `folio-core`.

mod health;
mod per_read;

pub use health::ServiceHealth;
pub use per_read::PerRead;

/// The largest request body any part of Folio reads, in bytes: the API's JSON and the site's
/// contact form alike.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The response header the API adds when it did not believe a request's `X-Forwarded-For`
/// (the peer is not one of its trusted proxies), so a site forwarding its visitors' addresses
/// can tell that the API counts them all as the site.
pub const FORWARDED_FOR_IGNORED: &str = "x-forwarded-for-ignored";

/// Whether a request reached Folio over HTTPS: a trusted proxy said so in
/// `X-Forwarded-Proto` (Folio itself listens on plain HTTP). Put on every request by the
/// binary's middleware, beside the client's address; the admin marks its cookie `Secure` by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Https(pub bool);
