//! Every wait for a pooled connection into the `db_pool_*` series. (Queries are measured once
//! for both databases, by `instrumented.rs`; the pools are each store's own.)

use std::future::Future;
use std::time::Instant;

use folio_metrics::{DbMetrics, PoolName, PoolStatus};

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
