//! The application's own database role, made by `folio migrate` with the master credentials.
//!
//! RDS rotates its managed master password on a schedule, and ECS hands a task its secrets only
//! at start: an API running as the master user would find its new connections refused after
//! each rotation, and every task would restart at once. So the API logs in as a role of its
//! own, whose password only changes when the owner says so. That role owns Folio's tables (so
//! the API's start-up migrations keep working as a safety net) and holds nothing else: no
//! superuser, no role or database creation, no other schema.
//!
//! The password never travels as text: the role gets a SCRAM-SHA-256 verifier computed here,
//! so a server that logs DDL (RDS with `log_statement = ddl`) records the verifier, not the
//! password.

use secrecy::{ExposeSecret, SecretString};
use tokio_postgres::Client;

use folio_core::StoreError;

/// The application role to create or bring up to date.
#[derive(Clone)]
pub struct AppRole {
    pub name: String,
    pub password: SecretString,
}

impl std::fmt::Debug for AppRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppRole").field("name", &self.name).finish_non_exhaustive()
    }
}

/// What provisioning did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provisioned {
    Created,
    /// It existed; its password was set again and ownership made sure of.
    Updated,
}

impl Provisioned {
    pub fn as_str(self) -> &'static str {
        match self {
            Provisioned::Created => "created",
            Provisioned::Updated => "updated",
        }
    }
}

/// Creates `role` (or sets its password again), lets it use and create in schema `public`,
/// and hands it the tables in `public` that the connected (master) user owns. Runs in one
/// transaction under the migration lock, so concurrent runs take turns.
pub(crate) async fn provision(client: &mut Client, role: &AppRole, lock_key: i64) -> Result<Provisioned, StoreError> {
    let failed = |what: &str, e: tokio_postgres::Error| {
        let why = e.as_db_error().map_or_else(|| e.to_string(), |db| db.message().to_owned());
        StoreError::Migration(format!("{what}: {why}"))
    };
    let tx = client.transaction().await.map_err(|e| failed("cannot begin", e))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&lock_key])
        .await
        .map_err(|e| failed("cannot take the lock", e))?;
    let me: String = tx
        .query_one("SELECT current_user::text", &[])
        .await
        .map_err(|e| failed("cannot read the current user", e))?
        .get(0);
    if me == role.name {
        return Err(StoreError::Migration(format!(
            "the application role {} is the user migrate connects as; it must be a role of its own",
            role.name
        )));
    }
    let verifier = postgres_protocol::password::scram_sha_256(role.password.expose_secret().as_bytes());
    // The server quotes: an identifier and a literal, safely, whatever they hold.
    let quoted = tx
        .query_one(
            "SELECT format('%I', $1::text), format('%L', $2::text), current_database()::text",
            &[&role.name, &verifier],
        )
        .await
        .map_err(|e| failed("cannot quote the role", e))?;
    let (name, secret, database): (String, String, String) = (quoted.get(0), quoted.get(1), quoted.get(2));
    let powers: Option<bool> = tx
        .query_opt(
            "SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls FROM pg_roles WHERE rolname = $1",
            &[&role.name],
        )
        .await
        .map_err(|e| failed("cannot look up the role", e))?
        .map(|row| row.get(0));
    if powers == Some(true) {
        return Err(StoreError::Migration(format!(
            "the role {} exists with more rights than the API needs (superuser, createrole, createdb, replication or \
             bypassrls); drop them, or name another role in DB_APP_USERNAME",
            role.name
        )));
    }
    let exists = powers.is_some();
    // A new role has none of those rights by default; only a superuser could set them anyway.
    let verb = if exists { "ALTER" } else { "CREATE" };
    tx.batch_execute(&format!("{verb} ROLE {name} WITH LOGIN PASSWORD {secret}"))
        .await
        .map_err(|e| failed(&format!("cannot {} role {}", verb.to_lowercase(), role.name), e))?;
    // Handing a table to a role needs membership in it (RDS's master user is no superuser).
    tx.batch_execute(&format!("GRANT {name} TO CURRENT_USER")).await.map_err(|e| failed("cannot join the role", e))?;
    let quoted_db: String = tx
        .query_one("SELECT format('%I', $1::text)", &[&database])
        .await
        .map_err(|e| failed("cannot quote the database", e))?
        .get(0);
    tx.batch_execute(&format!(
        "GRANT CONNECT, TEMPORARY ON DATABASE {quoted_db} TO {name}; GRANT USAGE, CREATE ON SCHEMA public TO {name}"
    ))
    .await
    .map_err(|e| failed("cannot grant the schema", e))?;
    let owned = tx
        .query(
            "SELECT format('ALTER TABLE %I.%I OWNER TO %I', schemaname, tablename, $1::text) \
             FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user",
            &[&role.name],
        )
        .await
        .map_err(|e| failed("cannot list the tables", e))?;
    for row in owned {
        let statement: String = row.get(0);
        tx.batch_execute(&statement).await.map_err(|e| failed("cannot hand over a table", e))?;
    }
    tx.commit().await.map_err(|e| failed("cannot commit", e))?;
    Ok(if exists { Provisioned::Updated } else { Provisioned::Created })
}
