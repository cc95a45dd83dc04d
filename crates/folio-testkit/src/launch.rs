//! The one way tests and scripts start Folio as a process: on port 0, with the test
//! environment, reading the address it reports in its `listening` log line, waiting until its
//! health endpoint answers 200, and stopping it by its handle with SIGTERM.
//!
//! Rust tests use [`Launch`]; scripts use the `launch` binary, which shares [`wait_until_serving`]
//! and [`test_env`] (`launch env` prints the environment, `launch wait` waits for a Folio the
//! script started, `launch start` starts one and leaves it running).

use std::ffi::OsStr;
use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The admin token every test and script gives the Folio it starts.
pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789abcdef0123456789abcdef";

/// How long a start may take before the launcher gives up (a cold PostgreSQL, a loaded machine).
pub const START_TIMEOUT: Duration = Duration::from_secs(60);

/// The environment a test Folio starts with: loopback, port 0, JSON logs, the `test`
/// environment, the demo content allowed, and [`ADMIN_TOKEN`].
pub fn test_env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("HOST", "127.0.0.1"),
        ("PORT", "0"),
        ("LOG_FORMAT", "json"),
        ("APP_ENV", "test"),
        ("ALLOW_DEMO_CONTENT", "true"),
        ("ADMIN_TOKEN", ADMIN_TOKEN),
    ]
}

/// The path a role answers health checks on.
pub fn health_path(role: &str) -> &'static str {
    if matches!(role, "site" | "web") { "/health" } else { "/api/health" }
}

/// Waits until the Folio writing `log` has said where it listens and answers 200 on `health`
/// there; `alive` says whether the process still runs. The error says why, with the log.
pub fn wait_until_serving(
    log: &Path,
    alive: &mut dyn FnMut() -> bool,
    health: &str,
    timeout: Duration,
) -> Result<SocketAddr, String> {
    let deadline = Instant::now() + timeout;
    let failed = |why: &str| Err(format!("{why}; its log ({}):\n{}", log.display(), read(log)));
    let mut address = None;
    while Instant::now() < deadline {
        if !alive() {
            return failed("folio exited before it was healthy");
        }
        address = address.or_else(|| listening_address(&read(log)));
        if let Some(address) = address
            && health_status(address, health) == Some(200)
        {
            return Ok(address);
        }
        std::thread::sleep(Duration::from_micros(500));
    }
    match address {
        Some(address) => failed(&format!("{address}{health} did not answer 200 within {timeout:?}")),
        None => failed(&format!("folio logged no `listening` line within {timeout:?}")),
    }
}

/// The address of the first `listening` event in a JSON log.
pub fn listening_address(log: &str) -> Option<SocketAddr> {
    log.lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|event| event["message"] == "listening")
        .and_then(|event| event["address"].as_str()?.parse().ok())
}

/// The status of `GET path` at `address` on a fresh connection, if it answers.
fn health_status(address: SocketAddr, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(1)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").ok()?;
    let mut head = [0; 12];
    stream.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// A Folio to start: `program role`, in a working directory of its own (so SQLite lands in a
/// temporary `./data/`), with [`test_env`] and nothing of the caller's environment.
#[derive(Debug)]
pub struct Launch {
    command: Command,
    health: &'static str,
    dir: tempfile::TempDir,
}

impl Launch {
    /// `program role` with the test environment.
    pub fn new(program: impl AsRef<OsStr>, role: &str) -> Self {
        Self::bare(program, role).envs(test_env())
    }

    /// `program role` with only loopback, port 0 and JSON logs: no environment name, no token.
    pub fn bare(program: impl AsRef<OsStr>, role: &str) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut command = Command::new(program);
        command.arg(role).current_dir(dir.path()).env_clear();
        command.envs([("HOST", "127.0.0.1"), ("PORT", "0"), ("LOG_FORMAT", "json")]);
        Self { command, health: health_path(role), dir }
    }

    /// One more variable (it wins over the test environment).
    pub fn env(mut self, name: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.command.env(name, value);
        self
    }

    /// More variables (they win over the test environment).
    pub fn envs<K: AsRef<OsStr>, V: AsRef<OsStr>>(mut self, vars: impl IntoIterator<Item = (K, V)>) -> Self {
        self.command.envs(vars);
        self
    }

    /// Starts it and waits until it is healthy; panics with its log if it is not.
    pub fn start(mut self) -> Running {
        let log = self.dir.path().join("folio.log");
        let stderr = self.dir.path().join("stderr.log");
        let file = |path: &PathBuf| File::create(path).expect("create a log file");
        self.command.stdout(file(&log)).stderr(file(&stderr)).stdin(Stdio::null());
        let mut child = self.command.spawn().expect("start folio");
        let mut alive = || matches!(child.try_wait(), Ok(None));
        match wait_until_serving(&log, &mut alive, self.health, START_TIMEOUT) {
            Ok(address) => Running { child, address, log, stderr, _dir: self.dir },
            Err(why) => {
                let _ = child.kill();
                panic!("{why}\nstderr:\n{}", read(&stderr));
            }
        }
    }
}

/// A running Folio; killed when dropped unless [`Running::stop`] was called.
#[derive(Debug)]
pub struct Running {
    pub child: Child,
    /// Where it listens, as it reported.
    pub address: SocketAddr,
    log: PathBuf,
    stderr: PathBuf,
    _dir: tempfile::TempDir,
}

impl Running {
    /// `http://address/path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// Its log so far (stdout: one JSON event a line).
    pub fn log(&self) -> String {
        read(&self.log)
    }

    /// What it wrote to stderr so far.
    pub fn stderr(&self) -> String {
        read(&self.stderr)
    }

    /// The first log line `matches` accepts, waiting up to 10 s for it.
    pub fn wait_for_log(&self, matches: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let log = self.log();
            if let Some(line) = log.lines().find(|l| matches(l)) {
                return line.to_owned();
            }
            assert!(Instant::now() < deadline, "no such log line in 10 s:\n{log}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Resident memory, from `/proc`, in bytes.
    pub fn rss_bytes(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).expect("read /proc status");
        let kib: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc status");
        kib * 1024
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let pid = nix::unistd::Pid::from_raw(i32::try_from(self.child.id()).expect("a pid"));
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).expect("SIGTERM");
    }

    /// SIGTERM, then its exit status (within 30 s).
    pub fn stop(&mut self) -> ExitStatus {
        self.terminate();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().expect("poll") {
                return status;
            }
            assert!(Instant::now() < deadline, "folio did not exit within 30 s of SIGTERM:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
