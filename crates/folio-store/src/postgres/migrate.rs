//! Applying migrations on PostgreSQL under a session advisory lock, so that replicas starting
//! together take turns: the first applies, the others find nothing pending.

use tokio_postgres::Client;

use folio_core::MigrationReport;
use folio_core::StoreError;

use crate::columns::{PROJECT_SLUGS, PROJECTS_WITHOUT_SLUG, slugs_for};
use crate::migrations::{self, Migration, TABLE};

/// The migrations for PostgreSQL, in order.
pub(crate) const MIGRATIONS: &[Migration] = migrations::embedded!(
    "postgres",
    1 => "0001_create_projects",
    2 => "0002_adopt_typeorm_projects",
    3 => "0003_create_contact_messages",
    4 => "0004_contact_messages_read_at",
    5 => "0005_admin_sessions",
    6 => "0006_contact_messages_handled_at",
    7 => "0007_projects_slug",
    8 => "0008_site_content",
    9 => "0009_media",
    10 => "0010_projects_image",
);

/// An arbitrary constant naming Folio's migration lock among the database's advisory locks.
pub(crate) const LOCK_KEY: i64 = 0x666f_6c69_6f00;

/// Applies what is pending. `client` must be a connection of its own: the advisory lock lives
/// as long as the session, and dropping the connection releases it even if this fails.
pub(crate) async fn run(client: &mut Client) -> Result<MigrationReport, StoreError> {
    let lock = |e| StoreError::Migration(format!("cannot take the migration lock: {e}"));
    // A migration (or the wait for another replica's) may take longer than the statement
    // timeout that protects requests; this session is used for nothing else.
    client.batch_execute("SET statement_timeout = 0").await.map_err(lock)?;
    client.execute("SELECT pg_advisory_lock($1)", &[&LOCK_KEY]).await.map_err(lock)?;
    let result = apply_pending(client).await;
    client.execute("SELECT pg_advisory_unlock($1)", &[&LOCK_KEY]).await.map_err(lock)?;
    result
}

async fn apply_pending(client: &mut Client) -> Result<MigrationReport, StoreError> {
    let failed = |what: &str, e: tokio_postgres::Error| StoreError::Migration(format!("{what}: {e}"));
    client
        .batch_execute(&format!(
            "CREATE TABLE IF NOT EXISTS {TABLE} (version bigint PRIMARY KEY, name text NOT NULL, \
             checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        ))
        .await
        .map_err(|e| failed("cannot create the migrations table", e))?;
    let applied: Vec<(i64, String)> = client
        .query(&format!("SELECT version, checksum FROM {TABLE} ORDER BY version"), &[])
        .await
        .map_err(|e| failed("cannot read applied migrations", e))?
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    let (pending, unknown) = migrations::pending(MIGRATIONS, &applied)?;
    let mut report = MigrationReport { applied: Vec::new(), unknown };
    for migration in pending {
        let what = format!("migration {} ({})", migration.version, migration.name);
        let tx = client.transaction().await.map_err(|e| failed(&what, e))?;
        tx.batch_execute(migration.sql).await.map_err(|e| failed(&what, e))?;
        tx.execute(
            &format!("INSERT INTO {TABLE} (version, name, checksum) VALUES ($1, $2, $3)"),
            &[&migration.version, &migration.name, &migration.checksum()],
        )
        .await
        .map_err(|e| failed(&what, e))?;
        tx.commit().await.map_err(|e| failed(&what, e))?;
        report.applied.push(migration.version);
    }
    name_unnamed_projects(client).await.map_err(|e| failed("cannot give projects their slugs", e))?;
    Ok(report)
}

/// Gives each project stored without a slug (by a release before slugs) its title's.
async fn name_unnamed_projects(client: &mut Client) -> Result<(), tokio_postgres::Error> {
    let unnamed: Vec<(uuid::Uuid, String)> =
        client.query(PROJECTS_WITHOUT_SLUG, &[]).await?.iter().map(|row| (row.get(0), row.get(1))).collect();
    if unnamed.is_empty() {
        return Ok(());
    }
    let taken = client.query(PROJECT_SLUGS, &[]).await?.iter().map(|row| row.get(0)).collect();
    let tx = client.transaction().await?;
    for (id, slug) in slugs_for(unnamed, taken) {
        tx.execute("UPDATE projects SET slug = $2 WHERE id = $1", &[&id, &slug]).await?;
    }
    tx.commit().await
}
