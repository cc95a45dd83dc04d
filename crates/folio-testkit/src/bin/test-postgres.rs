//! Starts or stops a PostgreSQL cluster shared by every test process of one test run.
//!
//! `test-postgres start DIR` leaves a cluster running and prints the path of its description
//! (`DIR/cluster.json`); point `FOLIO_TEST_PG` at it and each test creates its own database
//! there. `test-postgres stop DIR` stops the cluster and deletes DIR. `scripts/test` does both.

use std::path::PathBuf;
use std::process::ExitCode;

use folio_testkit::PgCluster;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [cmd, dir] if cmd == "start" => {
            let cluster = PgCluster::start_in(PathBuf::from(dir), false);
            println!("{}", cluster.save_info().display());
            ExitCode::SUCCESS
        }
        [cmd, dir] if cmd == "stop" => {
            // Dropping an attached cluster stops the server and deletes its directory.
            drop(PgCluster::attach(PathBuf::from(dir)));
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("usage: test-postgres start|stop DIR");
            ExitCode::from(2)
        }
    }
}
