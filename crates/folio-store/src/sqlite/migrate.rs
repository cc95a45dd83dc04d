//! Applying migrations on SQLite inside one immediate transaction: SQLite's write lock keeps a
//! second process waiting until the first has finished, and DDL is transactional, so a failure
//! leaves the file as it was.

use rusqlite::{Connection, TransactionBehavior, params};

use folio_core::MigrationReport;
use folio_core::StoreError;

use crate::migrations::{self, Migration, TABLE};

/// The migrations for SQLite, in order.
pub(crate) const MIGRATIONS: &[Migration] = migrations::embedded!(
    "sqlite",
    1 => "0001_create_projects",
    2 => "0002_create_contact_messages",
    3 => "0003_contact_messages_read_at",
    4 => "0004_admin_sessions",
    5 => "0005_contact_messages_handled_at",
);

/// Why a migration run failed.
pub(crate) enum Failure {
    Sqlite(rusqlite::Error),
    Plan(StoreError),
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Self {
        Failure::Sqlite(e)
    }
}

/// Applies what is pending, all or nothing.
pub(crate) fn run(conn: &mut Connection) -> Result<MigrationReport, Failure> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch(&format!(
        "CREATE TABLE IF NOT EXISTS {TABLE} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, \
         checksum TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))"
    ))?;
    let applied: Vec<(i64, String)> = tx
        .prepare(&format!("SELECT version, checksum FROM {TABLE} ORDER BY version"))?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let (pending, unknown) = migrations::pending(MIGRATIONS, &applied).map_err(Failure::Plan)?;
    let mut report = MigrationReport { applied: Vec::new(), unknown };
    for migration in pending {
        tx.execute_batch(migration.sql)?;
        tx.execute(
            &format!("INSERT INTO {TABLE} (version, name, checksum) VALUES (?1, ?2, ?3)"),
            params![migration.version, migration.name, migration.checksum()],
        )?;
        report.applied.push(migration.version);
    }
    tx.commit()?;
    Ok(report)
}
