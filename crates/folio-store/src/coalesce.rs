//! Reads that many requests make at the same moment, answered by fewer queries without ever
//! answering from data older than the request.
//!
//! While a read of some key runs, callers that arrive do not join it (it began before them and
//! could miss a write they have just seen acknowledged); they join the *next* read of that key,
//! which starts the moment the running one ends. Every caller therefore gets the result of a
//! query that started after it arrived, the guarantee it would have had querying alone, while
//! under load the database runs at most two such queries per key instead of one per request.
//!
//! Each query runs in its own task, so a caller that gives up (a client gone, a time limit) never
//! leaves a half-run query holding a connection.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};

use folio_core::StoreError;

type Outcome<V> = Result<V, Arc<StoreError>>;
type Read<V> = Shared<BoxFuture<'static, Outcome<V>>>;

struct Slot<V> {
    running: (u64, Read<V>),
    next: Option<(u64, Read<V>)>,
}

/// Coalesces reads by key.
pub(crate) struct Coalescer<K, V> {
    slots: Mutex<HashMap<K, Slot<V>>>,
    generation: std::sync::atomic::AtomicU64,
}

impl<K, V> std::fmt::Debug for Coalescer<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Coalescer").finish_non_exhaustive()
    }
}

impl<K, V> Default for Coalescer<K, V> {
    fn default() -> Self {
        Self { slots: Mutex::default(), generation: std::sync::atomic::AtomicU64::new(0) }
    }
}

impl<K, V> Coalescer<K, V>
where
    K: Eq + Hash + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// The result of a `query` for `key` that started after this call, shared with other
    /// callers waiting for the same read.
    pub(crate) async fn read<F, Fut>(self: &Arc<Self>, key: K, query: F) -> Outcome<V>
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Result<V, StoreError>> + Send + 'static,
    {
        let read = {
            let mut slots = self.slots.lock().expect("coalescer lock");
            match slots.get_mut(&key) {
                None => {
                    let generation = self.next_generation();
                    let read = self.start(key.clone(), generation, None, query);
                    slots.insert(key, Slot { running: (generation, read.clone()), next: None });
                    read
                }
                Some(Slot { next: Some((_, next)), .. }) => next.clone(),
                Some(slot) => {
                    let generation = self.next_generation();
                    let read = self.start(key, generation, Some(slot.running.1.clone()), query);
                    slot.next = Some((generation, read.clone()));
                    read
                }
            }
        };
        read.await
    }

    fn next_generation(&self) -> u64 {
        self.generation.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }

    /// Spawns the query (after `predecessor`, if any) and returns a handle callers can share.
    fn start<F, Fut>(self: &Arc<Self>, key: K, generation: u64, predecessor: Option<Read<V>>, query: F) -> Read<V>
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Result<V, StoreError>> + Send + 'static,
    {
        let this = Arc::clone(self);
        let task = tokio::spawn(async move {
            if let Some(predecessor) = predecessor {
                let _ = predecessor.await;
                this.promote(&key, generation);
            }
            let outcome = query().await.map_err(Arc::new);
            this.finish(&key, generation);
            outcome
        });
        async move {
            task.await.unwrap_or_else(|e| Err(Arc::new(StoreError::Query(format!("a read task failed: {e}").into()))))
        }
        .boxed()
        .shared()
    }

    /// The queued read becomes the running one: later callers queue behind it.
    fn promote(&self, key: &K, generation: u64) {
        let mut slots = self.slots.lock().expect("coalescer lock");
        if let Some(slot) = slots.get_mut(key)
            && slot.next.as_ref().is_some_and(|(g, _)| *g == generation)
        {
            slot.running = slot.next.take().expect("checked above");
        }
    }

    /// A read ended: with nothing queued behind it, forget the key.
    fn finish(&self, key: &K, generation: u64) {
        let mut slots = self.slots.lock().expect("coalescer lock");
        if slots.get(key).is_some_and(|slot| slot.running.0 == generation && slot.next.is_none()) {
            slots.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Duration;

    use super::*;

    /// A "table" holding one number, read slowly so reads overlap.
    #[derive(Default)]
    struct Slow {
        value: AtomicU64,
        reads: AtomicU64,
    }

    impl Slow {
        async fn read(self: Arc<Self>) -> Result<u64, StoreError> {
            self.reads.fetch_add(1, Ordering::SeqCst);
            let seen = self.value.load(Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(50)).await;
            Ok(seen)
        }
    }

    #[tokio::test]
    async fn concurrent_callers_share_reads() {
        let coalescer = Arc::new(Coalescer::<(), u64>::default());
        let table = Arc::new(Slow::default());
        let calls = (0..50).map(|_| {
            let (coalescer, table) = (coalescer.clone(), table.clone());
            tokio::spawn(async move { coalescer.read((), move || table.read()).await })
        });
        for call in futures::future::join_all(calls).await {
            assert_eq!(call.expect("task").expect("read"), 0);
        }
        let reads = table.reads.load(Ordering::SeqCst);
        assert!(reads <= 2, "{reads} reads for 50 concurrent callers");
    }

    #[tokio::test]
    async fn a_caller_never_gets_a_read_that_started_before_it_arrived() {
        let coalescer = Arc::new(Coalescer::<(), u64>::default());
        let table = Arc::new(Slow::default());
        let first = {
            let (coalescer, table) = (coalescer.clone(), table.clone());
            tokio::spawn(async move { coalescer.read((), move || table.read()).await })
        };
        tokio::time::sleep(Duration::from_millis(10)).await;
        // A write lands while the first read is running; a caller arriving now must see it.
        table.value.store(7, Ordering::SeqCst);
        let table2 = table.clone();
        let second = coalescer.read((), move || table2.read()).await.expect("read");
        assert_eq!(first.await.expect("task").expect("read"), 0);
        assert_eq!(second, 7);
        assert_eq!(table.reads.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn keys_are_read_separately_and_forgotten_when_idle() {
        let coalescer = Arc::new(Coalescer::<u8, u8>::default());
        let a = coalescer.read(1, || async { Ok(10) }).await.expect("read");
        let b = coalescer.read(2, || async { Ok(20) }).await.expect("read");
        assert_eq!((a, b), (10, 20));
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert!(coalescer.slots.lock().expect("lock").is_empty());
    }

    #[tokio::test]
    async fn errors_reach_every_waiting_caller() {
        let coalescer = Arc::new(Coalescer::<(), u8>::default());
        let err = coalescer.read((), || async { Err(StoreError::Unavailable("down".into())) }).await;
        assert_eq!(err.expect_err("fails").kind(), "unavailable");
    }
}
