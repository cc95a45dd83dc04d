//! The SQL for admin sessions, and the mapping of rows. Times are RFC 3339 text in one fixed
//! format, so comparing the text compares the times.

use folio_core::{AdminSession, Timestamp};
use rusqlite::Row;

use super::decode::parse;

pub(crate) const INSERT: &str =
    "INSERT INTO admin_sessions (id_hash, created_at, last_seen_at, expires_at) VALUES (?1, ?2, ?3, ?4)";
pub(crate) const FIND: &str =
    "SELECT id_hash, created_at, last_seen_at, expires_at FROM admin_sessions WHERE id_hash = ?1";
/// Never moves `last_seen_at` back (two requests may touch a session at once).
pub(crate) const TOUCH: &str = "UPDATE admin_sessions SET last_seen_at = max(last_seen_at, ?2) WHERE id_hash = ?1";
pub(crate) const DELETE: &str = "DELETE FROM admin_sessions WHERE id_hash = ?1";
pub(crate) const DELETE_EXPIRED: &str = "DELETE FROM admin_sessions WHERE expires_at <= ?1 OR last_seen_at <= ?2";

/// A row selected by [`FIND`].
pub(crate) fn session(row: &Row<'_>) -> rusqlite::Result<AdminSession> {
    Ok(AdminSession {
        id_hash: row.get(0)?,
        created_at: parse(row, 1, Timestamp::parse)?,
        last_seen_at: parse(row, 2, Timestamp::parse)?,
        expires_at: parse(row, 3, Timestamp::parse)?,
    })
}
