//! The site's settings (the public address, the cache time and, for `site`, the API) and the
//! owner's content that seeds an empty database.

use std::path::PathBuf;
use std::time::Duration;

use folio_core::SiteContent;
use folio_site::content;
use url::Url;

use super::env::Env;
use super::vars;

/// What the site needs.
#[derive(Debug)]
pub struct SiteSettings {
    /// The public address, for canonical links and the sitemap.
    pub public_base_url: Option<String>,
    /// How long the list of projects and the owner's content are cached.
    pub cache_ttl: Duration,
    /// What `folio site` shows while the API has not given the owner's content (it is away, or
    /// older than `/api/site`): `CONTENT_DIR`'s, or the demo where it may be shown.
    pub fallback: Option<SiteContent>,
}

/// Where `folio site` finds the API.
#[derive(Debug, Clone)]
pub struct ApiClient {
    pub url: Url,
    pub timeout: Duration,
}

/// The owner's content that an empty database is seeded with, for the roles that hold the
/// database (after the first start the database wins, and this is not used).
#[derive(Debug)]
pub struct ContentSeed {
    /// Read and checked from `CONTENT_DIR`, or the demo.
    pub content: SiteContent,
    /// Where it came from (`None`: the demo content built in).
    pub dir: Option<PathBuf>,
    /// Whether the site may show the demo owner (`ALLOW_DEMO_CONTENT`, or development).
    pub allow_demo: bool,
}

/// The site's settings; `fallback` only for `folio site` (in `serve` the content is in-process).
pub fn load(env: &mut Env, public_base_url: Option<String>, fallback: Option<ContentSeed>) -> SiteSettings {
    let fallback = fallback.filter(|seed| seed.refusal(&seed.content, true).is_none()).map(|seed| seed.content);
    SiteSettings { public_base_url, cache_ttl: env.seconds(vars::SITE_CACHE_SECONDS), fallback }
}

/// `CONTENT_DIR` and `ALLOW_DEMO_CONTENT`; `None` only when an error was recorded.
pub fn seed(env: &mut Env, development: bool) -> Option<ContentSeed> {
    // The image sets CONTENT_DIR to a directory that is empty when it was built without the
    // owner's content/: that means "no content given", like an unset variable.
    let dir = env.get(vars::CONTENT_DIR).map(PathBuf::from).filter(|dir| !is_empty_dir(dir));
    let content = match &dir {
        None => Some(content::demo()),
        Some(dir) => content::load(dir).map_err(|e| env.error(vars::CONTENT_DIR, e.to_string())).ok(),
    };
    let allow_demo = env.parse(vars::ALLOW_DEMO_CONTENT, "true or false").unwrap_or(false) || development;
    Some(ContentSeed { content: content?, dir, allow_demo })
}

impl ContentSeed {
    /// Why `shown` (what the database holds, or this seed) must not be served: it is the demo
    /// owner's, outside development and without `ALLOW_DEMO_CONTENT`.
    pub fn refusal(&self, shown: &SiteContent, seeded: bool) -> Option<String> {
        if self.allow_demo || !content::is_demo(shown) {
            return None;
        }
        let what = match (&self.dir, seeded) {
            (_, false) => "the database holds the built-in demo content".to_owned(),
            (None, true) => "CONTENT_DIR gives no content of yours (unset, or an empty directory)".to_owned(),
            (Some(dir), true) => format!("CONTENT_DIR holds the built-in demo content unchanged ({})", dir.display()),
        };
        Some(format!(
            "{what}, so the site would show the demo owner {} to the public: put your site.toml and about.md in \
             content/ at the repository root (the image copies it to /etc/folio/content; it fills an empty \
             database, or one holding the demo), or set ALLOW_DEMO_CONTENT=true to show the demo on purpose \
             and edit it at /admin/site",
            shown.owner.name
        ))
    }
}

fn is_empty_dir(dir: &std::path::Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}

/// `API_URL` and `API_TIMEOUT_SECONDS`, for `folio site`.
pub fn api_client(env: &mut Env) -> Option<ApiClient> {
    let Some(text) = env.get(vars::API_URL).map(str::to_owned) else {
        env.error(vars::API_URL, "is required by `folio site`: the API's address, e.g. http://api.folio.internal:3001");
        return None;
    };
    let timeout = env.seconds(vars::API_TIMEOUT_SECONDS);
    match Url::parse(&text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => Some(ApiClient { url, timeout }),
        _ => {
            env.error(vars::API_URL, format!("{text:?} is not an http(s) URL"));
            None
        }
    }
}
