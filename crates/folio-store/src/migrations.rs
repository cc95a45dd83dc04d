//! Embedded, tracked, checksummed migrations. Each database runs them under its own lock
//! (PostgreSQL: an advisory lock; SQLite: an immediate transaction); this module decides what
//! is pending.
//!
//! Hand-built rather than refinery (which has tokio-postgres and rusqlite drivers and checks
//! checksums too), because of what refinery does not do and Folio relies on:
//! - replicas starting together take turns under a lock (refinery takes none: two ECS tasks
//!   starting at once would both apply the same migration, and one would fail its start);
//! - a version the database has and this binary does not (a newer release ran, and this one
//!   is a rollback) is reported and the process serves on; refinery either aborts the start
//!   (`abort_missing`) or says nothing;
//! - existing deployments track their schema in `folio_schema_migrations`; moving to
//!   refinery's own table would need a one-off baseline on every database.

use sha2::{Digest, Sha256};

use folio_core::StoreError;

/// One schema change, embedded in the binary.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

impl Migration {
    /// SHA-256 of the SQL, recorded when applied so an edited migration is noticed.
    pub fn checksum(&self) -> String {
        hex::encode(Sha256::digest(self.sql.as_bytes()))
    }
}

/// The migrations of one database from its `migrations/<database>/` directory, in order:
/// `embedded!("postgres", 1 => "0001_create_projects", …)` embeds that file as version 1, named
/// `create_projects`.
macro_rules! embedded {
    ($database:literal, $($version:literal => $file:literal),+ $(,)?) => {
        &[$($crate::migrations::Migration {
            version: $version,
            name: $crate::migrations::name_of($file),
            sql: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/", $database, "/", $file, ".sql")),
        }),+]
    };
}
pub(crate) use embedded;

/// `create_projects` for `0001_create_projects`: the file name without its version.
pub(crate) const fn name_of(file: &'static str) -> &'static str {
    let (_, name) = file.as_bytes().split_at(5);
    match std::str::from_utf8(name) {
        Ok(name) => name,
        Err(_) => panic!("a migration file name is ASCII"),
    }
}

/// The table both backends track applied migrations in.
pub(crate) const TABLE: &str = "folio_schema_migrations";

/// The migrations not yet applied, after checking that applied ones were not edited since.
pub(crate) fn pending<'a>(
    known: &'a [Migration],
    applied: &[(i64, String)],
) -> Result<(Vec<&'a Migration>, Vec<i64>), StoreError> {
    for (version, checksum) in applied {
        if let Some(m) = known.iter().find(|m| m.version == *version)
            && m.checksum() != *checksum
        {
            return Err(StoreError::Migration(format!(
                "migration {} ({}) was changed after it was applied; restore the original",
                m.version, m.name
            )));
        }
    }
    let pending = known.iter().filter(|m| !applied.iter().any(|(v, _)| *v == m.version)).collect();
    let unknown = applied.iter().map(|(v, _)| *v).filter(|v| !known.iter().any(|m| m.version == *v)).collect();
    Ok((pending, unknown))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[Migration] = &[
        Migration { version: 1, name: "one", sql: "SELECT 1" },
        Migration { version: 2, name: "two", sql: "SELECT 2" },
    ];

    #[test]
    fn everything_is_pending_on_an_empty_database() {
        let (pending, unknown) = pending(KNOWN, &[]).expect("ok");
        assert_eq!(pending.iter().map(|m| m.version).collect::<Vec<_>>(), [1, 2]);
        assert!(unknown.is_empty());
    }

    #[test]
    fn applied_migrations_are_skipped_and_newer_ones_reported() {
        let applied = vec![(1, KNOWN[0].checksum()), (3, "x".to_owned())];
        let (pending, unknown) = pending(KNOWN, &applied).expect("ok");
        assert_eq!(pending.iter().map(|m| m.version).collect::<Vec<_>>(), [2]);
        assert_eq!(unknown, [3]);
    }

    #[test]
    fn an_edited_migration_is_refused() {
        let applied = vec![(1, "not the checksum".to_owned())];
        let err = pending(KNOWN, &applied).expect_err("edited");
        assert!(err.to_string().contains("migration 1 (one) was changed"), "{err}");
    }
}
