//! Test support for Folio.
//!
//! [`PgCluster`] makes a throwaway PostgreSQL 15 cluster that, like RDS, refuses connections
//! without TLS, with a certificate signed by its own test CA. [`TestDb`] hands each test a fresh
//! database: in the cluster the test script started (`FOLIO_TEST_PG`, see `scripts/test`), or
//! in a private cluster when run without it. [`SmtpSink`] is a mail server that keeps what it
//! receives and can be stopped and restarted. [`Launch`] starts the `folio` binary the one way
//! every test and script does (see [`launch`]).

mod certs;
mod cluster;
pub mod launch;
mod smtp;

pub use certs::TestCa;
pub use cluster::{ClusterInfo, PgCluster, UNNAMED_HOST};
pub use launch::{ADMIN_TOKEN, Launch, Running};
pub use smtp::{ReceivedMail, SmtpSink};

use std::path::PathBuf;

/// A fresh, empty database for one test, and how to reach it.
#[derive(Debug)]
pub struct TestDb {
    pub info: ClusterInfo,
    pub name: String,
    /// Keeps a private cluster alive as long as the database is in use.
    _private: Option<PgCluster>,
}

impl TestDb {
    /// Creates a database with a unique name.
    pub fn new() -> Self {
        let (info, private) = match std::env::var_os("FOLIO_TEST_PG") {
            Some(path) => (ClusterInfo::load(&PathBuf::from(path)), None),
            None => {
                let cluster = PgCluster::start();
                (cluster.info().clone(), Some(cluster))
            }
        };
        let name = format!("t_{}", uuid::Uuid::new_v4().simple());
        info.psql("postgres", &format!("CREATE DATABASE {name}"));
        Self { info, name, _private: private }
    }

    /// Runs SQL in this database as the superuser, returning psql's unaligned output.
    pub fn psql(&self, sql: &str) -> String {
        self.info.psql(&self.name, sql)
    }
}

impl Default for TestDb {
    fn default() -> Self {
        Self::new()
    }
}
