//! Starting the real application on port 0 against a freshly made database, in-process
//! ([`spawn`]) or as a process through the test kit's launcher ([`start_process`]).

use std::any::Any;
use std::net::SocketAddr;

use folio::config::{Config, Env, Role};
use folio::startup::{Application, Stopped};
use folio_testkit::{Launch, Running, TestDb};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use folio_core::DatabaseKind;
pub use folio_testkit::ADMIN_TOKEN;

/// A running application and a client for it.
pub struct TestApp {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<Stopped>>,
    /// Keeps the test's database alive as long as the application.
    _database: Box<dyn Any + Send>,
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
    env.push(("ADMIN_TOKEN".into(), ADMIN_TOKEN.into()));
    spawn_with(Role::Api, env, db, extra).await
}

/// Starts `folio serve` (site and API in one process, as an owner runs it) in the `test`
/// environment with the admin token, plus `extra` settings (which win).
pub async fn serve(database: DatabaseKind, extra: &[(&str, &str)]) -> TestApp {
    let (mut env, db) = fresh_database(database);
    env.push(("ADMIN_TOKEN".into(), ADMIN_TOKEN.into()));
    spawn_with(Role::Serve, env, db, extra).await
}

/// Starts `role` with `env` and `extra` on top of the test defaults (no admin token).
pub async fn spawn_with(
    role: Role,
    env: Vec<(String, String)>,
    database: Box<dyn Any + Send>,
    extra: &[(&str, &str)],
) -> TestApp {
    // The launcher's test environment, less the token (`spawn` adds it).
    let mut pairs: Vec<(String, String)> = folio_testkit::launch::test_env()
        .into_iter()
        .filter(|(name, _)| *name != "ADMIN_TOKEN")
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
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
    TestApp { address, client: reqwest::Client::new(), stop: Some(stop), server: Some(server), _database: database }
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
        self.client.request(method, self.url(path)).bearer_auth(ADMIN_TOKEN).json(body).send().await.expect("request")
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

/// `folio <role>` as a process (for what only a process shows: its memory, its exit code, its
/// output), started by the test kit's launcher with the test environment plus `extra`, healthy.
pub fn start_process(role: &str, extra: &[(&str, &str)]) -> Running {
    Launch::new(FOLIO, role).envs(extra.iter().copied()).start()
}

/// The binary under test.
pub const FOLIO: &str = env!("CARGO_BIN_EXE_folio");
