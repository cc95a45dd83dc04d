//! `folio_media::process` on uploads built in code: what it keeps, what it removes, what it
//! refuses, and the sizes it makes.

mod fixtures;
mod metadata;
mod refusals;
mod sizes;
