//! Timing every query into `db_query_duration_seconds`, `db_queries_total` and
//! `db_query_errors_total`.

use std::future::Future;
use std::time::Instant;

use folio_metrics::DbMetrics;

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
