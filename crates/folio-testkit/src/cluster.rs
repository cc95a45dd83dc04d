//! Throwaway PostgreSQL clusters: `initdb` into a temporary directory (as the `postgres` user
//! when the tests run as root), TLS on with a test CA, non-TLS TCP refused as RDS does.

use std::fs;
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde::{Deserialize, Serialize};

use crate::certs::TestCa;

const SUPERUSER: &str = "folio_test";
const DEFAULT_BIN: &str = "/usr/lib/postgresql/15/bin";

/// How to reach a running cluster; saved as JSON for clusters shared across test processes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClusterInfo {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
    /// The CA that signed the server certificate.
    pub ca_cert: PathBuf,
    /// A CA that did not sign it, for negative tests.
    pub untrusted_ca_cert: PathBuf,
    pub socket_dir: PathBuf,
    pub bin_dir: PathBuf,
}

/// An address the server also listens on that its certificate does not name, for testing
/// host name verification.
pub const UNNAMED_HOST: &str = "127.0.0.2";

impl ClusterInfo {
    /// Reads a cluster description written by `test-postgres start`.
    pub fn load(path: &Path) -> Self {
        let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not a cluster description: {e}", path.display()))
    }

    /// A `postgres://` URL for `dbname` with `verify-full` against the cluster's CA.
    pub fn url(&self, dbname: &str) -> String {
        format!(
            "postgres://{}:{}@{}:{}/{dbname}?sslmode=verify-full&sslrootcert={}",
            self.user,
            self.password,
            self.host,
            self.port,
            self.ca_cert.display()
        )
    }

    /// Runs SQL as the superuser over the Unix socket; panics with psql's message on failure.
    pub fn psql(&self, dbname: &str, sql: &str) -> String {
        let output = Command::new(self.bin_dir.join("psql"))
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
            .arg("-h")
            .arg(&self.socket_dir)
            .args(["-p", &self.port.to_string(), "-U", &self.user, "-d", dbname, "-c", sql])
            .output()
            .expect("run psql");
        checked("psql", output).trim().to_owned()
    }
}

/// A running cluster, stopped and deleted when dropped.
#[derive(Debug)]
pub struct PgCluster {
    root: PathBuf,
    info: ClusterInfo,
    delete_on_drop: bool,
    as_postgres: bool,
}

impl PgCluster {
    /// Starts a cluster in a fresh temporary directory.
    pub fn start() -> Self {
        let root = tempfile::Builder::new().prefix("folio-pg-").tempdir().expect("temporary directory").keep();
        Self::start_in(root, true)
    }

    /// Starts a cluster in `root` (created if needed); `delete_on_drop` removes it afterwards.
    pub fn start_in(root: PathBuf, delete_on_drop: bool) -> Self {
        let bin_dir = std::env::var_os("FOLIO_PG_BIN").map_or_else(|| PathBuf::from(DEFAULT_BIN), PathBuf::from);
        assert!(
            bin_dir.join("initdb").exists(),
            "PostgreSQL 15 server binaries are not in {} (install postgresql-15, or set FOLIO_PG_BIN)",
            bin_dir.display()
        );
        let as_postgres = nix::unistd::geteuid().is_root();
        fs::create_dir_all(&root).expect("create cluster directory");
        fs::set_permissions(&root, fs::Permissions::from_mode(0o755)).expect("open cluster directory");
        let certs = root.join("certs");
        let data = root.join("data");
        for dir in [&certs, &data] {
            fs::create_dir_all(dir).expect("create directory");
        }
        fs::set_permissions(&data, fs::Permissions::from_mode(0o700)).expect("restrict data directory");

        let ca = TestCa::new(&certs, "ca");
        let untrusted = TestCa::new(&certs, "untrusted-ca");
        let (cert, key) = ca.server_cert(&["localhost", "127.0.0.1"]);
        fs::write(certs.join("server.crt"), cert).expect("write server certificate");
        fs::write(certs.join("server.key"), key).expect("write server key");
        fs::set_permissions(certs.join("server.key"), fs::Permissions::from_mode(0o600)).expect("restrict key");
        let password = uuid::Uuid::new_v4().simple().to_string();
        fs::write(root.join("pwfile"), &password).expect("write password file");
        if as_postgres {
            for path in [data.clone(), certs.join("server.crt"), certs.join("server.key"), root.join("pwfile")] {
                chown_to_postgres(&path);
            }
        }

        let mut cluster = Self {
            info: ClusterInfo {
                host: "localhost".to_owned(),
                port: 0,
                user: SUPERUSER.to_owned(),
                password,
                ca_cert: ca.cert_path().to_owned(),
                untrusted_ca_cert: untrusted.cert_path().to_owned(),
                socket_dir: data.clone(),
                bin_dir,
            },
            root,
            delete_on_drop,
            as_postgres,
        };
        cluster.init_db(&certs);
        cluster.start_on_free_port();
        cluster
    }

    /// A cluster another process started in `root` (with its description saved there); with
    /// `take_ownership` this value stops and deletes it when dropped.
    pub fn attach(root: PathBuf, take_ownership: bool) -> Self {
        let info = ClusterInfo::load(&root.join("cluster.json"));
        Self { root, info, delete_on_drop: take_ownership, as_postgres: nix::unistd::geteuid().is_root() }
    }

    /// How to reach the cluster.
    pub fn info(&self) -> &ClusterInfo {
        &self.info
    }

    /// Writes the cluster description to `<root>/cluster.json` for other processes; returns
    /// its path.
    pub fn save_info(&self) -> PathBuf {
        let path = self.root.join("cluster.json");
        fs::write(&path, serde_json::to_string_pretty(&self.info).expect("serialise"))
            .expect("write cluster description");
        path
    }

    /// Stops the server (fast shutdown: connections are closed), keeping its data.
    pub fn stop(&self) {
        checked("pg_ctl stop", self.pg_ctl(&["stop", "-m", "fast", "-w"]));
    }

    /// Starts the server again on the same port after [`stop`](Self::stop).
    pub fn start_again(&self) {
        let port_option = format!("-p {}", self.info.port);
        checked("pg_ctl start", self.pg_ctl(&["start", "-w", "-t", "30", "-o", &port_option]));
    }

    fn data_dir(&self) -> PathBuf {
        self.root.join("data")
    }

    fn init_db(&self, certs: &Path) {
        let pwfile = self.root.join("pwfile");
        let output = self
            .command(&self.info.bin_dir.join("initdb"))
            .arg("-D")
            .arg(self.data_dir())
            .args(["-U", SUPERUSER, "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
            .args(["--auth-local=trust", "--auth-host=scram-sha-256"])
            .arg(format!("--pwfile={}", pwfile.display()))
            .output()
            .expect("run initdb");
        checked("initdb", output);
        let conf = format!(
            "\nlisten_addresses = '127.0.0.1,127.0.0.2'\nunix_socket_directories = '{socket}'\nssl = on\n\
             ssl_cert_file = '{certs}/server.crt'\nssl_key_file = '{certs}/server.key'\n\
             fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 200\n",
            socket = self.data_dir().display(),
            certs = certs.display(),
        );
        append(&self.data_dir().join("postgresql.conf"), &conf);
        // Like RDS with rds.force_ssl = 1: TCP without TLS is refused outright.
        fs::write(
            self.data_dir().join("pg_hba.conf"),
            "local all all trust\nhostssl all all 127.0.0.0/8 scram-sha-256\nhostnossl all all all reject\n",
        )
        .expect("write pg_hba.conf");
    }

    fn start_on_free_port(&mut self) {
        let mut last = None;
        // Another process may take the port between choosing and binding it; try a few.
        for _ in 0..5 {
            self.info.port = free_port();
            let port_option = format!("-p {}", self.info.port);
            let output = self.pg_ctl(&["start", "-w", "-t", "30", "-o", &port_option]);
            if output.status.success() {
                return;
            }
            last = Some(output);
        }
        checked("pg_ctl start", last.expect("at least one attempt"));
    }

    fn pg_ctl(&self, args: &[&str]) -> Output {
        self.command(&self.info.bin_dir.join("pg_ctl"))
            .arg("-D")
            .arg(self.data_dir())
            .arg("-l")
            .arg(self.data_dir().join("server.log"))
            .args(args)
            .output()
            .expect("run pg_ctl")
    }

    /// A command run as the `postgres` user when we are root (PostgreSQL refuses root).
    fn command(&self, program: &Path) -> Command {
        if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        if !self.delete_on_drop {
            return;
        }
        // The server may already be stopped; either way it is gone after this.
        let _ = self.pg_ctl(&["stop", "-m", "immediate", "-w"]);
        let _ = fs::remove_dir_all(&self.root);
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("local address").port()
}

fn chown_to_postgres(path: &Path) {
    let user = nix::unistd::User::from_name("postgres")
        .expect("look up the postgres user")
        .expect("a postgres user exists (it comes with the postgresql package)");
    std::os::unix::fs::chown(path, Some(user.uid.as_raw()), Some(user.gid.as_raw())).expect("chown to postgres");
}

fn append(path: &Path, text: &str) {
    let mut content = fs::read_to_string(path).expect("read config");
    content.push_str(text);
    fs::write(path, content).expect("write config");
}

fn checked(what: &str, output: Output) -> String {
    if !output.status.success() {
        panic!(
            "{what} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    String::from_utf8_lossy(&output.stdout).into_owned()
}
