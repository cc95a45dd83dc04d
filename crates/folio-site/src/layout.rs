//! What every page's frame needs: title, description, canonical URL, navigation.

use folio_core::domain::site_content::Link;
use folio_core::{ProjectImage, SiteContent};

/// One entry of the main navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

const NAV: [(&str, &str); 4] = [("/", "Home"), ("/about", "About"), ("/projects", "Projects"), ("/contact", "Contact")];

/// The frame around a page's content (`base.html`).
#[derive(Debug, Clone)]
pub struct Layout<'a> {
    pub language: &'a str,
    pub title: String,
    pub description: String,
    pub canonical: String,
    pub site_name: &'a str,
    pub stylesheet: &'a str,
    pub favicon: &'a str,
    pub nav: Vec<NavItem>,
    pub links: &'a [Link],
    pub email: &'a str,
    /// What a link preview shows (`og:image`), when the page has a photo.
    pub image: Option<PreviewImage>,
}

/// A page's photo as link previews take it: an absolute address of the fallback (JPEG or PNG,
/// which every preview reads), with its size and description.
#[derive(Debug, Clone)]
pub struct PreviewImage {
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
}

/// Where the frame's shared parts come from.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    pub content: &'a SiteContent,
    pub base_url: &'a str,
    pub stylesheet: &'a str,
    pub favicon: &'a str,
}

impl<'a> Frame<'a> {
    /// The layout of the page at `path` (marking `section` in the navigation).
    pub fn layout(&self, path: &str, section: &str, title: Option<&str>, description: Option<&str>) -> Layout<'a> {
        let site = &self.content.site;
        Layout {
            language: &site.language,
            title: title.map_or_else(|| site.title.clone(), |t| format!("{t} · {}", site.title)),
            description: description.unwrap_or(&site.description).to_owned(),
            canonical: format!("{}{path}", self.base_url),
            site_name: &self.content.owner.name,
            stylesheet: self.stylesheet,
            favicon: self.favicon,
            nav: NAV.iter().map(|(href, label)| NavItem { href, label, current: *href == section }).collect(),
            links: &self.content.links,
            email: &self.content.owner.email,
            image: None,
        }
    }

    /// `photo` as link previews take it, at this site's public address.
    pub fn preview(&self, photo: &ProjectImage) -> PreviewImage {
        PreviewImage {
            url: format!("{}{}", self.base_url, photo.url()),
            width: photo.width,
            height: photo.height,
            alt: photo.alt.clone(),
        }
    }
}
