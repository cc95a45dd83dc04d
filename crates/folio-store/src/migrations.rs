//! Embedded, tracked, checksummed migrations. Each backend runs them under its own lock
//! (PostgreSQL: an advisory lock; SQLite: an immediate transaction); this module decides what
//! is pending.

use sha2::{Digest, Sha256};

use crate::StoreError;

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

/// What one run of the migrations did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrationReport {
    /// Versions this run applied, in order (empty when the schema was already current).
    pub applied: Vec<i64>,
    /// Versions the database records that this binary does not know (a newer release ran).
    pub unknown: Vec<i64>,
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
