//! The `folio` binary as a process: commands, exit codes, SIGTERM with a request in flight.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use folio_testkit::Launch;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::common::{ADMIN_TOKEN, FOLIO, start_process as start};

fn healthcheck(port: u16, role: &str) -> std::process::Output {
    Command::new(FOLIO)
        .args(["healthcheck", "--role", role])
        .env_clear()
        .envs([("PORT", port.to_string()), ("APP_ENV", "test".to_owned())])
        .output()
        .expect("run healthcheck")
}

#[test]
fn sigterm_lets_an_in_flight_request_finish_and_then_exits() {
    let mut server = start("api", &[]);
    let body = r#"{"title": "in flight", "description": "sent across a shutdown"}"#;
    let (first, rest) = body.split_at(10);
    let mut stream = TcpStream::connect(server.address).expect("connect");
    write!(
        stream,
        "POST /api/projects HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{first}",
        body.len()
    )
    .expect("send the head and part of the body");
    std::thread::sleep(Duration::from_millis(300));

    kill(Pid::from_raw(server.child.id() as i32), Signal::SIGTERM).expect("SIGTERM");
    std::thread::sleep(Duration::from_millis(300));
    assert!(TcpStream::connect(server.address).is_err(), "still accepting new connections after SIGTERM");
    assert!(server.child.try_wait().expect("poll").is_none(), "exited with a request in flight");

    stream.write_all(rest.as_bytes()).expect("send the rest of the body");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read the response");
    assert!(response.starts_with("HTTP/1.1 201"), "{response}");
    assert!(response.contains("\"title\":\"in flight\""), "{response}");
    // A client closes its end once the server has closed its own; until then the server
    // lingers on the connection (up to LINGER_TIME) so that no late byte turns into a reset.
    drop(stream);

    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(status) = server.child.try_wait().expect("poll") {
            break status;
        }
        assert!(Instant::now() < deadline, "did not exit after draining");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
}

#[test]
fn the_healthcheck_command_exits_0_only_when_the_server_is_healthy() {
    let mut server = start("api", &[]);
    let up = healthcheck(server.address.port(), "api");
    assert!(up.status.success(), "{}", String::from_utf8_lossy(&up.stderr));
    assert!(String::from_utf8_lossy(&up.stdout).contains("/api/health"));
    server.child.kill().expect("kill");
    server.child.wait().expect("wait");
    let down = healthcheck(server.address.port(), "api");
    assert_eq!(down.status.code(), Some(1));
    // The cause, not reqwest's "error sending request for url".
    let address = server.address;
    assert_eq!(
        String::from_utf8_lossy(&down.stderr),
        format!("unhealthy: http://{address}/api/health: connection refused on {address}\n")
    );
}

#[test]
fn bad_configuration_stops_the_start_naming_each_variable() {
    let output = Command::new(FOLIO)
        .arg("api")
        .env_clear()
        .envs([("PORT", "http"), ("DB_SSLMODE", "yes"), ("DATABASE_URL", "postgres://u:secret-pw@h/db")])
        .output()
        .expect("run folio");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("PORT: \"http\" is not a port number"), "{stderr}");
    assert!(stderr.contains("DB_SSLMODE: unknown sslmode \"yes\""), "{stderr}");
    assert!(!stderr.contains("secret-pw"), "{stderr}");
}

/// Typos used to pass: `APP_ENV=prodution` meant production, `DB_SSLMODE=verify-ful` and
/// `DB_POOL_MAX=0` were ignored on SQLite, and a malformed `SMTP_URL` failed later, with exit 1
/// and the mail library's words.
#[test]
fn typos_stop_the_start_with_exit_2_even_in_settings_not_yet_used() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut child = Command::new(FOLIO)
        .arg("api")
        .current_dir(dir.path())
        .env_clear()
        .envs([
            ("PORT", "0"),
            ("LOG_FORMAT", "json"),
            ("APP_ENV", "prodution"),
            ("DB_SSLMODE", "verify-ful"),
            ("DB_POOL_MAX", "0"),
            ("SMTP_URL", "smtp//mail.example.com:587"),
            ("CONTACT_TO", "Owner <me@example.com>"),
            ("CONTACT_FROM", "Folio <folio@example.com>"),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start folio");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("folio started with these typos");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("stderr");
    assert_eq!(status.code(), Some(2), "{stderr}");
    for variable in ["APP_ENV", "DB_SSLMODE", "DB_POOL_MAX", "SMTP_URL"] {
        assert!(stderr.contains(&format!("  - {variable}: ")), "{variable} not named:\n{stderr}");
    }
}

#[test]
fn migrate_applies_once_and_then_finds_nothing_to_do() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let run = || {
        Command::new(FOLIO)
            .arg("migrate")
            .current_dir(dir.path())
            .env_clear()
            .env("LOG_FORMAT", "json")
            .output()
            .expect("run migrate")
    };
    let first = run();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let stdout = String::from_utf8_lossy(&first.stdout).into_owned();
    assert!(stdout.contains("\nmigrations applied: 1, 2, 3, 4, 5, 6, 7, 8, 9\n"), "{stdout}");
    // Log fields are JSON values (they were Debug text: "applied":"[1, 2]").
    let events: Vec<serde_json::Value> = stdout.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let versions: Vec<&serde_json::Value> =
        events.iter().filter(|e| e["message"] == "migration applied").map(|e| &e["version"]).collect();
    assert_eq!(versions, [1, 2, 3, 4, 5, 6, 7, 8, 9], "{stdout}");
    let summary = events.iter().find(|e| e["message"] == "applied migrations").expect("a summary event");
    assert_eq!(summary["count"], 9, "{summary}");
    assert!(!stdout.contains("\"[") && !stdout.contains("Some("), "a Debug-printed field: {stdout}");
    let second = run();
    let stdout = String::from_utf8_lossy(&second.stdout).into_owned();
    assert!(stdout.contains("\nmigrations applied: none, the schema is current\n"), "{stdout}");
    assert!(dir.path().join("data/folio.db").exists(), "the default SQLite file is under ./data/");
}

/// The development admin token is for the terminal; with stderr redirected (to a file, a log
/// collector) it used to land in the log.
#[test]
fn no_development_token_is_printed_when_stderr_is_not_a_terminal() {
    let mut server = Launch::bare(FOLIO, "api").start();
    let write = reqwest::blocking::Client::new()
        .post(server.url("/api/projects"))
        .bearer_auth("anything-at-all-0123456789abcdef01234567")
        .json(&serde_json::json!({"title": "t", "description": "d"}))
        .send()
        .expect("send");
    assert_eq!(write.status(), 403, "no token, so writes are refused");
    server.stop();
    let (stderr, log) = (server.stderr(), server.log());
    assert!(!stderr.contains("Bearer") && !log.contains("Bearer"), "a token was printed:\n{stderr}\n{log}");
    assert!(log.contains("no development admin token: stderr is not a terminal"), "{log}");
}

#[test]
fn help_explains_each_command() {
    let output = Command::new(FOLIO).arg("--help").output().expect("run --help");
    let help = String::from_utf8_lossy(&output.stdout);
    for command in ["serve", "api", "migrate", "healthcheck"] {
        assert!(help.contains(&format!("  {command} ")), "{command} missing from:\n{help}");
    }
}

/// A newcomer reads what Folio is for them, then the two commands; the earlier platform's story
/// (how the README once opened) comes further down.
#[test]
fn the_readme_opens_with_what_folio_is_then_the_two_commands() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).expect("README");
    let (opening, rest) = readme.split_once("\n## ").expect("sections");
    assert!(rest.starts_with("Two commands\n"), "the first section is {:?}", rest.lines().next());
    assert!(opening.contains("your personal website"), "{opening}");
    for history in ["earlier platform", "Nest.js", "Next.js", "218 MB"] {
        assert!(!opening.contains(history), "the opening tells the history ({history}):\n{opening}");
    }
    assert!(rest.contains("\n## The earlier platform\n"), "the history has its own section further down");
}

/// The README's commands table once broke before its last row (a blank line ends a table).
#[test]
fn the_readme_commands_table_has_a_row_for_every_command() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).expect("README");
    let section = readme.split("\n## Commands\n").nth(1).expect("a Commands section");
    let table: Vec<&str> =
        section.lines().skip_while(|l| !l.starts_with('|')).take_while(|l| l.starts_with('|')).collect();
    let help = Command::new(FOLIO).arg("--help").output().expect("run --help");
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        // A command starts two spaces in; wrapped descriptions further.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 6, "{help}");
    for command in commands {
        let row = format!("| `folio {command}");
        assert!(table.iter().any(|l| l.starts_with(&row)), "no row for {command} in the table:\n{}", table.join("\n"));
    }
}

#[test]
fn the_healthcheck_command_checks_the_site_at_its_own_path_for_the_site_role() {
    // The site is alive on its own, even with its API unreachable (it serves stale or
    // friendly pages), so the site role's container check must not depend on the API.
    let mut server = start("site", &[("API_URL", "http://127.0.0.1:9")]);
    let up = healthcheck(server.address.port(), "site");
    assert!(up.status.success(), "{}", String::from_utf8_lossy(&up.stderr));
    let shown = String::from_utf8_lossy(&up.stdout);
    assert!(shown.contains("/health") && !shown.contains("/api/health"), "{shown}");
    server.child.kill().expect("kill");
    server.child.wait().expect("wait");
}

/// Task definitions written before the rename say `web`; an image that knows `site` must still
/// run them, and their health checks.
#[test]
fn the_earlier_web_command_and_role_still_serve_and_probe_the_site() {
    let mut server = start("web", &[("API_URL", "http://127.0.0.1:9")]);
    let up = healthcheck(server.address.port(), "web");
    assert!(up.status.success(), "{}", String::from_utf8_lossy(&up.stderr));
    assert!(String::from_utf8_lossy(&up.stdout).contains("/health"));
    server.child.kill().expect("kill");
    server.child.wait().expect("wait");
}
