//! The site's settings: the owner's content, the public address, and (for `site`) the API.

use std::path::PathBuf;
use std::time::Duration;

use folio_site::content::Content;
use url::Url;

use super::env::Env;
use super::vars;

/// What the site needs.
#[derive(Debug)]
pub struct SiteSettings {
    /// The owner's content, already read and checked.
    pub content: Content,
    /// Where the content came from (`None`: the demo content built in).
    pub content_dir: Option<PathBuf>,
    /// The public address, for canonical links and the sitemap.
    pub public_base_url: Option<String>,
    /// How long the list of projects is cached.
    pub cache_ttl: Duration,
}

/// Where `folio site` finds the API.
#[derive(Debug, Clone)]
pub struct ApiClient {
    pub url: Url,
    pub timeout: Duration,
}

pub fn load(env: &mut Env, development: bool, public_base_url: Option<String>) -> Option<SiteSettings> {
    // The image sets CONTENT_DIR to a directory that is empty when it was built without the
    // owner's content/: that means "no content given", like an unset variable.
    let content_dir = env.get(vars::CONTENT_DIR).map(PathBuf::from).filter(|dir| !is_empty_dir(dir));
    let content = match &content_dir {
        None => Some(Content::demo()),
        Some(dir) => Content::load(dir).map_err(|e| env.error(vars::CONTENT_DIR, e.to_string())).ok(),
    };
    let allow_demo = env.parse(vars::ALLOW_DEMO_CONTENT, "true or false").unwrap_or(false);
    if !development && !allow_demo && content.as_ref().is_some_and(Content::is_demo) {
        let what = match &content_dir {
            None => "gives no content of yours (unset, or an empty directory)".to_owned(),
            Some(dir) => format!("holds the built-in demo content unchanged ({})", dir.display()),
        };
        env.error(
            vars::CONTENT_DIR,
            format!(
                "{what}, so the site would show the demo owner {} to the public: put your site.toml and \
                 about.md in content/ at the repository root (the image copies it to /etc/folio/content), \
                 or set ALLOW_DEMO_CONTENT=true to show the demo on purpose",
                Content::demo().owner.name
            ),
        );
    }
    let cache_ttl = env.seconds(vars::SITE_CACHE_SECONDS);
    Some(SiteSettings { content: content?, content_dir, public_base_url, cache_ttl })
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
