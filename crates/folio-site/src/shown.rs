//! The owner's content as the pages show it: read from the database (`serve`) or the API
//! (`site`), with the pages that depend on it alone rendered once per change of it.
//!
//! In `serve` a write moves the source's version and the next request renders anew; in `site`
//! the content is asked for again once the cache time has passed. When it cannot be had, the
//! last content read is kept for as long as that lasts: it changes rarely, and a page with the
//! owner's last words beats an error page. With nothing read yet, the fallback (in `site`, the
//! content files of its image) is shown until the source answers: the API may be away, or older
//! than `/api/site` during a rolling update.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use folio_core::{SiteContent, SiteContentSource, Unavailable};
use tokio::sync::Mutex;

/// What the pages are built from at one version of the content.
pub trait Render: Send + Sync + std::fmt::Debug {
    /// What is rendered once per change.
    type Shown: Send + Sync;

    fn render(&self, content: Arc<SiteContent>) -> Self::Shown;
}

#[derive(Debug)]
struct Entry<T> {
    fetched: Instant,
    version: u64,
    content: Arc<SiteContent>,
    shown: Arc<T>,
}

/// The content's current rendering, refreshed by one caller at a time.
#[derive(Debug)]
pub struct ShownContent<R: Render> {
    source: Arc<dyn SiteContentSource>,
    renderer: R,
    ttl: Duration,
    fallback: Option<Arc<SiteContent>>,
    entry: RwLock<Option<Entry<R::Shown>>>,
    /// With nothing read yet, the last failure: the source is asked again one cache time later,
    /// not by every request meanwhile.
    failed: RwLock<Option<(Instant, Arc<Unavailable>)>>,
    refresh: Mutex<()>,
}

impl<R: Render> ShownContent<R>
where
    R::Shown: std::fmt::Debug,
{
    /// The content of `source`, asked for again after `ttl`, rendered by `renderer`; `fallback`
    /// is shown while the source has never answered.
    pub fn new(
        source: Arc<dyn SiteContentSource>,
        renderer: R,
        ttl: Duration,
        fallback: Option<Arc<SiteContent>>,
    ) -> Self {
        Self {
            source,
            renderer,
            ttl,
            fallback,
            entry: RwLock::default(),
            failed: RwLock::default(),
            refresh: Mutex::new(()),
        }
    }

    /// The rendering of the current content; an error only when none was ever had.
    pub async fn current(&self) -> Result<Arc<R::Shown>, Arc<Unavailable>> {
        if let Some(fresh) = self.fresh() {
            return Ok(fresh);
        }
        let _turn = self.refresh.lock().await;
        if let Some(fresh) = self.fresh() {
            return Ok(fresh);
        }
        if let Some((at, error)) = self.failed.read().expect("lock").clone()
            && at.elapsed() < self.ttl
        {
            return Err(error);
        }
        let version = self.source.version();
        let read = self.source.site_content().await;
        let mut entry = self.entry.write().expect("lock");
        match (read, entry.as_mut()) {
            // Unchanged (the usual answer in `site`): the pages, their ETags and their
            // compressed forms stay as they are.
            (Ok(content), Some(kept)) if content == kept.content => {
                kept.fetched = Instant::now();
                kept.version = version;
                Ok(kept.shown.clone())
            }
            (Ok(content), _) => {
                let shown = Arc::new(self.renderer.render(content.clone()));
                *entry = Some(Entry { fetched: Instant::now(), version, content, shown: shown.clone() });
                Ok(shown)
            }
            (Err(error), Some(kept)) => {
                tracing::warn!(%error, "site content unavailable; the last content read is shown");
                // Asked for again after one cache time, not at every request.
                kept.fetched = Instant::now();
                Ok(kept.shown.clone())
            }
            (Err(error), None) if self.fallback.is_some() => {
                tracing::warn!(%error, "site content unavailable; the content files are shown until it answers");
                let content = self.fallback.clone().expect("checked");
                let shown = Arc::new(self.renderer.render(content.clone()));
                *entry = Some(Entry { fetched: Instant::now(), version, content, shown: shown.clone() });
                Ok(shown)
            }
            (Err(error), None) => {
                tracing::warn!(%error, "site content unavailable");
                let error = Arc::new(error);
                *self.failed.write().expect("lock") = Some((Instant::now(), error.clone()));
                Err(error)
            }
        }
    }

    fn fresh(&self) -> Option<Arc<R::Shown>> {
        let entry = self.entry.read().expect("lock");
        entry
            .as_ref()
            .filter(|e| e.fetched.elapsed() < self.ttl && e.version == self.source.version())
            .map(|e| e.shown.clone())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

    use async_trait::async_trait;

    use super::*;

    #[derive(Debug, Default)]
    struct Source {
        calls: AtomicUsize,
        renamed: AtomicBool,
        down: AtomicBool,
        version: AtomicU64,
    }

    #[async_trait]
    impl SiteContentSource for Source {
        async fn site_content(&self) -> Result<Arc<SiteContent>, Unavailable> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            if self.down.load(Ordering::SeqCst) {
                return Err(Unavailable::Remote { timed_out: false, why: "down".into() });
            }
            let mut content = crate::content::demo();
            if self.renamed.load(Ordering::SeqCst) {
                content.owner.name = "Ada Quill".into();
            }
            Ok(Arc::new(content))
        }

        fn version(&self) -> u64 {
            self.version.load(Ordering::SeqCst)
        }
    }

    /// Renders the owner's name, counting renders.
    #[derive(Debug, Default)]
    struct Names(AtomicUsize);

    impl Render for Arc<Names> {
        type Shown = String;

        fn render(&self, content: Arc<SiteContent>) -> String {
            self.0.fetch_add(1, Ordering::SeqCst);
            content.owner.name.clone()
        }
    }

    fn shown(source: &Arc<Source>, ttl_ms: u64) -> (ShownContent<Arc<Names>>, Arc<Names>) {
        let names = Arc::new(Names::default());
        (ShownContent::new(source.clone(), names.clone(), Duration::from_millis(ttl_ms), None), names)
    }

    #[tokio::test]
    async fn a_write_in_this_process_is_shown_at_the_next_request() {
        let source = Arc::new(Source::default());
        let (shown, _) = shown(&source, 60_000);
        assert_eq!(*shown.current().await.expect("shown"), "Jordan Avery");
        assert_eq!(*shown.current().await.expect("shown"), "Jordan Avery");
        assert_eq!(source.calls.load(Ordering::SeqCst), 1, "fresh within the cache time");
        source.renamed.store(true, Ordering::SeqCst);
        source.version.fetch_add(1, Ordering::SeqCst);
        assert_eq!(*shown.current().await.expect("shown"), "Ada Quill");
    }

    #[tokio::test]
    async fn unchanged_content_is_not_rendered_again_and_a_change_is_seen_after_the_cache_time() {
        let source = Arc::new(Source::default());
        let (shown, names) = shown(&source, 20);
        shown.current().await.expect("shown");
        tokio::time::sleep(Duration::from_millis(30)).await;
        shown.current().await.expect("shown");
        assert_eq!((source.calls.load(Ordering::SeqCst), names.0.load(Ordering::SeqCst)), (2, 1));
        source.renamed.store(true, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(30)).await;
        assert_eq!(*shown.current().await.expect("shown"), "Ada Quill");
    }

    #[tokio::test]
    async fn when_the_source_fails_the_last_content_is_shown_and_it_is_asked_once_per_cache_time() {
        let source = Arc::new(Source::default());
        let (shown, _) = shown(&source, 20);
        assert!(shown.current().await.is_ok());
        source.down.store(true, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(30)).await;
        for _ in 0..5 {
            assert_eq!(*shown.current().await.expect("the last content"), "Jordan Avery");
        }
        assert_eq!(source.calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn with_nothing_read_yet_the_fallback_is_shown_until_the_source_answers() {
        let source =
            Arc::new(Source { down: AtomicBool::new(true), renamed: AtomicBool::new(true), ..Source::default() });
        let names = Arc::new(Names::default());
        let fallback = Some(Arc::new(crate::content::demo()));
        let shown = ShownContent::new(source.clone(), names, Duration::from_millis(20), fallback);
        assert_eq!(*shown.current().await.expect("the fallback"), "Jordan Avery");
        source.down.store(false, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(30)).await;
        assert_eq!(*shown.current().await.expect("the source's"), "Ada Quill");
    }

    #[tokio::test]
    async fn with_nothing_read_yet_a_failure_is_reported_and_the_source_asked_again_after_the_cache_time() {
        let source = Arc::new(Source { down: AtomicBool::new(true), ..Source::default() });
        let (shown, _) = shown(&source, 30);
        assert!(shown.current().await.is_err());
        assert!(shown.current().await.is_err());
        assert_eq!(source.calls.load(Ordering::SeqCst), 1);
        source.down.store(false, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(40)).await;
        assert_eq!(*shown.current().await.expect("read at last"), "Jordan Avery");
    }
}
