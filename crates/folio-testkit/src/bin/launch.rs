//! The launcher, for scripts (the Rust tests use `folio_testkit::Launch`, the same code):
//!
//!   launch env                        the test environment, as a JSON object
//!   launch wait --log FILE --pid PID [--health PATH] [--timeout SECONDS]
//!                                     waits until the Folio with that pid, logging to FILE,
//!                                     has said where it listens and is healthy
//!   launch start --log FILE [--health PATH] [--timeout SECONDS] -- PROGRAM ARGS...
//!                                     starts PROGRAM (the caller's environment over the test
//!                                     environment), waits the same way, and leaves it running
//!
//! `wait` and `start` print `{"pid", "address", "port", "base"}` once healthy and exit 0; on
//! failure they say why, with the log, and exit 1 (`start` kills what it started).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

use folio_testkit::launch::{START_TIMEOUT, test_env, wait_until_serving};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("env") => {
            let env: BTreeMap<_, _> = test_env().into_iter().collect();
            println!("{}", serde_json::to_string(&env).expect("JSON"));
            Ok(())
        }
        Some("wait") => Options::parse(&args[1..]).and_then(|o| wait(&o)),
        Some("start") => Options::parse(&args[1..]).and_then(|o| start(&o)),
        _ => Err("usage: launch env | wait --log FILE --pid PID [--health PATH] [--timeout S] | \
                  start --log FILE [--health PATH] [--timeout S] -- PROGRAM ARGS..."
            .to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("launch: {why}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Debug, Default)]
struct Options {
    log: Option<PathBuf>,
    pid: Option<u32>,
    health: Option<String>,
    timeout: Option<Duration>,
    command: Vec<String>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = Self::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = || args.next().cloned().ok_or_else(|| format!("{arg} needs a value"));
            match arg.as_str() {
                "--log" => options.log = Some(PathBuf::from(value()?)),
                "--pid" => options.pid = Some(value()?.parse().map_err(|_| "--pid takes a process id")?),
                "--health" => options.health = Some(value()?),
                "--timeout" => {
                    let seconds: f64 = value()?.parse().map_err(|_| "--timeout takes seconds")?;
                    options.timeout = Some(Duration::from_secs_f64(seconds));
                }
                "--" => {
                    options.command = args.cloned().collect();
                    break;
                }
                other => return Err(format!("unknown option {other}")),
            }
        }
        Ok(options)
    }

    fn log(&self) -> Result<&PathBuf, String> {
        self.log.as_ref().ok_or_else(|| "--log FILE is required".to_owned())
    }

    /// The health path: given, or the one of the role in the command (`site` answers on
    /// `/health`, the others on `/api/health`).
    fn health(&self) -> String {
        let role = self.command.get(1).map_or("api", String::as_str);
        self.health.clone().unwrap_or_else(|| folio_testkit::launch::health_path(role).to_owned())
    }
}

fn wait(options: &Options) -> Result<(), String> {
    let pid = options.pid.ok_or("--pid PID is required")?;
    let mut alive = || is_running(pid);
    let address = wait_until_serving(options.log()?, &mut alive, &options.health(), timeout(options))?;
    report(pid, address);
    Ok(())
}

fn start(options: &Options) -> Result<(), String> {
    let (program, args) = options.command.split_first().ok_or("start needs -- PROGRAM ARGS...")?;
    let log = std::fs::File::create(options.log()?).map_err(|e| format!("cannot create the log: {e}"))?;
    let stderr = log.try_clone().map_err(|e| e.to_string())?;
    let caller: Vec<(String, String)> = std::env::vars().collect();
    let mut child = Command::new(program)
        .args(args)
        .envs(test_env())
        .envs(caller)
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(stderr)
        .spawn()
        .map_err(|e| format!("cannot start {program}: {e}"))?;
    let pid = child.id();
    let mut alive = || matches!(child.try_wait(), Ok(None));
    match wait_until_serving(options.log()?, &mut alive, &options.health(), timeout(options)) {
        Ok(address) => {
            report(pid, address);
            Ok(())
        }
        Err(why) => {
            let _ = child.kill();
            Err(why)
        }
    }
}

fn timeout(options: &Options) -> Duration {
    options.timeout.unwrap_or(START_TIMEOUT)
}

/// Whether `pid` runs (a process that exited but was not reaped yet is a zombie: not running).
fn is_running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|stat| stat.rsplit_once(") ").is_some_and(|(_, rest)| !rest.starts_with('Z')))
}

fn report(pid: u32, address: std::net::SocketAddr) {
    let info = serde_json::json!({
        "pid": pid, "address": address.to_string(), "port": address.port(), "base": format!("http://{address}"),
    });
    println!("{info}");
}
