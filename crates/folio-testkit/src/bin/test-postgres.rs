//! Starts, pauses or stops a PostgreSQL cluster shared by several processes (a test run, the
//! benchmark, the reliability scenarios).
//!
//! - `test-postgres start DIR` leaves a cluster running and prints the path of its description
//!   (`DIR/cluster.json`); `FOLIO_TEST_PG` pointed at it gives each test its own database there.
//! - `test-postgres halt DIR` stops the server (fast shutdown), keeping its data;
//!   `test-postgres resume DIR` starts it again on the same port.
//! - `test-postgres stop DIR` stops the cluster and deletes DIR.

use std::path::PathBuf;
use std::process::ExitCode;

use folio_testkit::PgCluster;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [command, dir] = args.as_slice() else {
        eprintln!("usage: test-postgres start|halt|resume|stop DIR");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    match command.as_str() {
        "start" => println!("{}", PgCluster::start_in(dir, false).save_info().display()),
        "halt" => PgCluster::attach(dir, false).stop(),
        "resume" => PgCluster::attach(dir, false).start_again(),
        // Dropping an owned cluster stops the server and deletes its directory.
        "stop" => drop(PgCluster::attach(dir, true)),
        other => {
            eprintln!("unknown command {other:?}; expected start, halt, resume or stop");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
