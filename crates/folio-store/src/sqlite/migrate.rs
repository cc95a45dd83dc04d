//! Applying migrations on SQLite inside one immediate transaction: SQLite's write lock keeps a
//! second process waiting until the first has finished, and DDL is transactional, so a failure
//! leaves the file as it was.

use rusqlite::{Connection, TransactionBehavior, params};

use folio_core::MigrationReport;
use folio_core::StoreError;

use crate::columns::{PROJECT_SLUGS, PROJECTS_WITHOUT_SLUG, slugs_for};
use crate::migrations::{self, Migration, TABLE};

/// The migrations for SQLite, in order.
pub(crate) const MIGRATIONS: &[Migration] = migrations::embedded!(
    "sqlite",
    1 => "0001_create_projects",
    2 => "0002_create_contact_messages",
    3 => "0003_contact_messages_read_at",
    4 => "0004_admin_sessions",
    5 => "0005_contact_messages_handled_at",
    6 => "0006_projects_slug",
    7 => "0007_site_content",
    8 => "0008_media",
    9 => "0009_projects_image",
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

/// Gives each project stored without a slug (by a release before slugs) its title's.
fn name_unnamed_projects(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
    let unnamed: Vec<(String, String)> = tx
        .prepare(PROJECTS_WITHOUT_SLUG)?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let unnamed =
        unnamed.into_iter().filter_map(|(id, title)| Some((uuid::Uuid::try_parse(&id).ok()?, title))).collect();
    let taken = tx.prepare(PROJECT_SLUGS)?.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?;
    for (id, slug) in slugs_for(unnamed, taken) {
        tx.execute("UPDATE projects SET slug = ?2 WHERE id = ?1", (id.to_string(), slug))?;
    }
    Ok(())
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
    name_unnamed_projects(&tx)?;
    tx.commit()?;
    Ok(report)
}
