//! The command line: one binary, one subcommand per role.

use clap::{Parser, Subcommand};

use crate::config::Role;

/// Folio: a personal site with a projects API, in one binary.
///
/// Configuration comes from environment variables (see the README's table). With none set,
/// Folio serves everything on http://127.0.0.1:3000 with an SQLite database under ./data/.
#[derive(Debug, Parser)]
#[command(name = "folio", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the site and the API (under /api) on one port, default 3000. The default command.
    Serve,
    /// Serve the API alone, under /api, default port 3001.
    Api,
    /// Serve the site alone, default port 3000, reading projects from the API at API_URL.
    /// (`web`, the command's earlier name, is accepted too.)
    #[command(alias = "web")]
    Site,
    /// Apply pending database migrations, then exit. Safe to run from several places at once.
    Migrate,
    /// Probe this process's own health endpoint (from HOST, PORT and --role); exit 0 when it
    /// answers 200. Made for container and ECS health checks: no curl needed.
    Healthcheck {
        /// Which role's health endpoint to probe.
        #[arg(long, env = crate::config::vars::FOLIO_ROLE.name, value_enum, default_value = "serve")]
        role: Role,
        /// Count a process that answers but cannot reach its database as alive (for
        /// orchestrators that replace unhealthy containers).
        #[arg(long)]
        liveness: bool,
    },
    /// Check a running deployment from outside (site, API health, database, projects, metrics
    /// kept private, HTTPS redirect and security headers); exit non-zero if any check fails.
    Verify(crate::verify::VerifyArgs),
}
