//! The `folio` binary's library: configuration, start-up, the server loop and the commands.
//! `main.rs` only parses the command line and calls [`run`].

pub mod app;
pub mod cli;
pub mod compressed;
pub mod config;
pub mod edge_cache;
pub mod healthcheck;
mod linger;
pub mod middleware;
pub mod origin;
pub mod proxy;
pub mod server;
pub mod shutdown;
pub mod startup;
pub mod telemetry;
pub mod verify;

use std::process::ExitCode;

use cli::{Cli, Command};
use config::{Config, ConfigErrors, Env, MigrationConfig, Role};

/// This build's version, reported by health endpoints and metrics.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Writes a command's output to stdout. A reader that went away (`folio verify --json | head -1`)
/// is no reason to panic, as `println!` does: the outcome is in the exit code.
pub(crate) fn print(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush())
        && error.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("folio: cannot write to stdout: {error}");
    }
}

/// Runs the command the user asked for.
pub async fn run(cli: Cli) -> ExitCode {
    let env = Env::from_process();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(Role::Serve, env).await,
        Command::Api => serve(Role::Api, env).await,
        Command::Site => serve(Role::Site, env).await,
        Command::Migrate => migrate(env).await,
        Command::Healthcheck { role, liveness } => healthcheck::run(role, liveness, env).await,
        Command::Verify(args) => verify::run(args).await,
    }
}

fn load(role: Role, env: Env) -> Result<Config, ExitCode> {
    Config::load(role, env).map_err(|errors| refused(&errors))
}

/// Exit code 2, with every problem of the configuration.
fn refused(errors: &ConfigErrors) -> ExitCode {
    eprintln!("folio: {errors}");
    ExitCode::from(2)
}

async fn serve(role: Role, env: Env) -> ExitCode {
    let config = match load(role, env) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let _logging = telemetry::init(config.log_format);
    match startup::Application::build(config).await {
        Ok(app) => match app.run_until(shutdown::signal_received()).await {
            startup::Stopped::Signal => ExitCode::SUCCESS,
            startup::Stopped::DatabaseRefused(_) => ExitCode::FAILURE,
        },
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "start-up failed");
            eprintln!("folio: start-up failed: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn migrate(env: Env) -> ExitCode {
    let config = match MigrationConfig::load(env) {
        Ok(config) => config,
        Err(errors) => return refused(&errors),
    };
    let logging = telemetry::init(config.log_format);
    let migrated = startup::migrate_only(&config.data, &config.environment).await;
    // The log's lines first, then the outcome, in the order they happened.
    drop(logging);
    match migrated {
        Ok(report) => {
            let applied: Vec<String> = report.applied.iter().map(i64::to_string).collect();
            if applied.is_empty() {
                print("migrations applied: none, the schema is current\n");
            } else {
                print(&format!("migrations applied: {}\n", applied.join(", ")));
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("folio: migration failed: {error:#}");
            ExitCode::FAILURE
        }
    }
}
