//! Timing every query into `db_query_duration_seconds`, `db_queries_total` and
//! `db_query_errors_total`; every wait for a pooled connection into the `db_pool_*` series.

use std::future::Future;
use std::time::Instant;

use folio_metrics::{DbMetrics, PoolName, PoolStatus};

use crate::StoreError;

/// Runs one query, recording its duration and, on failure, its error kind.
pub(crate) async fn timed<T>(
    metrics: &DbMetrics,
    query_type: &'static str,
    table: &'static str,
    query: impl Future<Output = Result<T, StoreError>>,
) -> Result<T, StoreError> {
    let started = Instant::now();
    let result = query.await;
    let error = result.as_ref().err().map(StoreError::kind);
    metrics.record(query_type, table, started.elapsed(), error);
    result
}

/// Runs the health check's round trip as a timed `ping` query, and records whether it reached
/// the database (`db_up`).
pub(crate) async fn timed_ping(
    metrics: &DbMetrics,
    ping: impl Future<Output = Result<(), StoreError>>,
) -> Result<(), StoreError> {
    let result = timed(metrics, "ping", "none", ping).await;
    metrics.pool.set_up(result.is_ok());
    result
}

/// Gets a connection from `pool`, recording how long it took and whether the caller gave up
/// because every connection stayed busy (`wait_timed_out`).
pub(crate) async fn acquire<T, E>(
    metrics: &DbMetrics,
    pool: PoolName,
    get: impl Future<Output = Result<T, E>>,
    wait_timed_out: impl Fn(&E) -> bool,
) -> Result<T, E> {
    let started = Instant::now();
    let result = get.await;
    metrics.pool.record_acquire(pool, started.elapsed(), result.as_ref().err().is_some_and(wait_timed_out));
    result
}

/// A deadpool status as the metrics describe it. Both stores' pools are deadpool pools of the
/// same version, so they share this `Status` type.
pub(crate) fn pool_status(status: deadpool_postgres::Status) -> PoolStatus {
    PoolStatus { max_size: status.max_size, size: status.size, idle: status.available, waiting: status.waiting }
}
