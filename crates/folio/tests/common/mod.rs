//! Starting the real application on port 0 against a freshly made database.

#![allow(dead_code)] // Each test binary uses a different part of this module.

use std::any::Any;
use std::net::SocketAddr;

use folio::config::{Config, Env, Role};
use folio::startup::{Application, Stopped};
use folio_testkit::TestDb;
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The admin token test servers accept.
pub const TOKEN: &str = "test-admin-token-0123456789abcdef0123456789abcdef";

pub use folio_core::DatabaseKind;

/// A running application and a client for it.
pub struct TestApp {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<Stopped>>,
    pub database: Box<dyn Any + Send>,
}

/// A database for one test and the environment pointing at it.
pub fn fresh_database(database: DatabaseKind) -> (Vec<(String, String)>, Box<dyn Any + Send>) {
    match database {
        DatabaseKind::Sqlite => {
            let dir = tempfile::tempdir().expect("temporary directory");
            let url = format!("sqlite://{}", dir.path().join("folio.db").display());
            (vec![("DATABASE_URL".into(), url)], Box::new(dir))
        }
        DatabaseKind::Postgres => {
            let db = TestDb::new();
            (vec![("DATABASE_URL".into(), db.info.url(&db.name))], Box::new(db))
        }
    }
}

/// Starts the API role in the `test` environment with the admin token, plus `extra` settings
/// (which win).
pub async fn spawn(database: DatabaseKind, extra: &[(&str, &str)]) -> TestApp {
    let (mut env, db) = fresh_database(database);
    env.push(("ADMIN_TOKEN".into(), TOKEN.into()));
    spawn_with(Role::Api, env, db, extra).await
}

/// Starts `role` with `env` and `extra` on top of the test defaults (no admin token).
pub async fn spawn_with(
    role: Role,
    env: Vec<(String, String)>,
    database: Box<dyn Any + Send>,
    extra: &[(&str, &str)],
) -> TestApp {
    let mut pairs: Vec<(String, String)> = [
        ("HOST", "127.0.0.1"),
        ("PORT", "0"),
        ("APP_ENV", "test"),
        ("LOG_FORMAT", "json"),
        ("ALLOW_DEMO_CONTENT", "true"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    pairs.extend(env);
    pairs.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    let config = Config::load(role, Env::from_pairs(pairs)).expect("valid test configuration");
    let app = Application::build(config).await.expect("application starts");
    let address = app.local_addr();
    let (stop, stopped) = oneshot::channel();
    let server = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    TestApp { address, client: reqwest::Client::new(), stop: Some(stop), server: Some(server), database }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request")
    }

    /// A JSON write with the admin token.
    pub async fn write(&self, method: reqwest::Method, path: &str, body: &Value) -> reqwest::Response {
        self.client.request(method, self.url(path)).bearer_auth(TOKEN).json(body).send().await.expect("request")
    }

    /// Creates a project, asserting success, and returns it.
    pub async fn create_project(&self, body: Value) -> Value {
        let response = self.write(reqwest::Method::POST, "/api/projects", &body).await;
        assert_eq!(response.status(), 201, "create failed: {:?}", response.text().await);
        response.json().await.expect("JSON")
    }

    /// A minimal valid project body.
    pub fn project(title: &str) -> Value {
        json!({"title": title, "description": format!("About {title}")})
    }

    /// Waits until the server stops by itself, and says why.
    pub async fn stopped(mut self) -> Stopped {
        self.server.take().expect("a running server").await.expect("server task")
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task");
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Reads a response as JSON, asserting its status first.
pub async fn json_with_status(response: reqwest::Response, status: u16) -> Value {
    let got = response.status();
    let text = response.text().await.expect("body");
    assert_eq!(got.as_u16(), status, "unexpected status; body: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Runs each listed test against SQLite and PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test($crate::common::DatabaseKind::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test($crate::common::DatabaseKind::Postgres).await;
                }
            )*
        }
    };
}

/// The `folio` binary running as a child process (for what only a process shows: its memory,
/// its exit code, its output), with the address it announced in its `listening` log line.
pub struct Process {
    pub child: std::process::Child,
    pub address: SocketAddr,
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    _dir: tempfile::TempDir,
}

/// Starts `folio <role>` in a fresh working directory (so SQLite lands in a temporary
/// `./data/`), in the `test` environment with the admin token, plus `extra`.
pub fn start_process(role: &str, extra: &[(&str, &str)]) -> Process {
    use std::io::BufRead;
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_folio"))
        .arg(role)
        .current_dir(dir.path())
        .env_clear()
        .envs([
            ("HOST", "127.0.0.1"),
            ("PORT", "0"),
            ("APP_ENV", "test"),
            ("LOG_FORMAT", "json"),
            ("ALLOW_DEMO_CONTENT", "true"),
            ("ADMIN_TOKEN", TOKEN),
        ])
        .envs(extra.iter().copied())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("start folio");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = std::io::BufReader::new(stdout).lines();
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let address = loop {
        let line = lines.next().expect("folio exited before listening").expect("read log line");
        let event: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("not a JSON log line ({e}): {line}"));
        log.lock().expect("log").push(line);
        if event["message"] == "listening" {
            break event["address"].as_str().expect("address").parse().expect("socket address");
        }
    };
    // Keep reading the log so the process never blocks on a full pipe.
    let kept = log.clone();
    std::thread::spawn(move || lines.map_while(Result::ok).for_each(|l| kept.lock().expect("log").push(l)));
    Process { child, address, log, _dir: dir }
}

impl Process {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// The first log line `matches` accepts, waiting up to 10 s for it.
    pub fn wait_for_log(&self, matches: impl Fn(&str) -> bool) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            if let Some(line) = self.log.lock().expect("log").iter().find(|l| matches(l)) {
                return line.clone();
            }
            let log = self.log.lock().expect("log").join("\n");
            assert!(std::time::Instant::now() < deadline, "no such log line in 10 s:\n{log}");
            std::thread::sleep(std::time::Duration::from_millis(20));
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
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
