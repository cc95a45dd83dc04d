//! A project's photo: one of the owner's uploaded images, with the text that describes it to
//! those who cannot see it. The project keeps the few facts a page needs to show it (its size
//! and which fallback it has); the image's files never change, so these never go stale.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::fields::Invalid;
use super::media::{FileName, Kind};
use super::rules;

/// Longest alternative text: a sentence or two, as screen readers read it.
pub const ALT_MAX_CHARS: usize = 300;

/// The alternative text of a photo: one line (no control characters), at most
/// [`ALT_MAX_CHARS`] characters. Empty is
/// allowed: it marks a photo as decoration, which the page then says (`alt=""`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageAlt(String);

impl ImageAlt {
    /// The text, trimmed, if it follows the rules.
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        let text = text.trim();
        let got = text.chars().count();
        if rules::has_nul(text) {
            Err(Invalid::Nul)
        } else if got > ALT_MAX_CHARS {
            Err(Invalid::TooLong { max: ALT_MAX_CHARS, got })
        } else if rules::has_control(text) {
            Err(Invalid::MultiLine)
        } else {
            Ok(Self(text.to_owned()))
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Which uploaded image a project shows, and how it is described: what a write names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageChoice {
    pub id: Uuid,
    pub alt: ImageAlt,
}

/// A project's photo as stored and served. Its JSON carries the addresses a page uses
/// (`url`, the fallback, and `srcset`, the WebP variants), made from the stored facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "ImageJson", try_from = "ImageJson")]
pub struct ProjectImage {
    pub id: Uuid,
    pub alt: String,
    /// The widest variant's size (that of the fallback): what `width` and `height` say.
    pub width: u32,
    pub height: u32,
    /// The fallback's format: JPEG, or PNG for an image with transparency.
    pub fallback: Kind,
}

impl ProjectImage {
    /// The fallback's address: `src`, and what link previews show.
    pub fn url(&self) -> String {
        format!("/media/{}/{}", self.id, FileName::Fallback(self.fallback))
    }

    /// The WebP variants, narrowest first: those folio-media makes for an image this wide.
    pub fn variants(&self) -> Vec<(String, u32)> {
        let (mut widths, widest) = folio_media::variant_widths(self.width);
        widths.push(widest);
        widths.into_iter().map(|w| (format!("/media/{}/{}", self.id, FileName::Webp(w)), w)).collect()
    }

    /// The `srcset` attribute's value: each variant with its width.
    pub fn srcset(&self) -> String {
        let entries: Vec<String> = self.variants().into_iter().map(|(url, w)| format!("{url} {w}w")).collect();
        entries.join(", ")
    }
}

/// How a project's photo reads in JSON: the stored facts and the addresses made of them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ProjectImage))]
#[serde(rename_all = "camelCase")]
pub struct ImageJson {
    /// The uploaded image's id (`GET /api/media`).
    pub id: Uuid,
    /// The text that describes the photo; empty for decoration.
    pub alt: String,
    pub width: u32,
    pub height: u32,
    /// The JPEG (or PNG) fallback, for `src` and link previews.
    pub url: String,
    /// The WebP variants with their widths, for `srcset`.
    pub srcset: String,
}

impl From<ProjectImage> for ImageJson {
    fn from(image: ProjectImage) -> Self {
        let (url, srcset) = (image.url(), image.srcset());
        Self { id: image.id, alt: image.alt, width: image.width, height: image.height, url, srcset }
    }
}

impl TryFrom<ImageJson> for ProjectImage {
    type Error = String;

    /// Read back from an API's answer: the fallback's format from its address.
    fn try_from(json: ImageJson) -> Result<Self, String> {
        let name = json.url.rsplit('/').next().and_then(FileName::parse);
        let Some(FileName::Fallback(fallback)) = name else {
            return Err(format!("image url {:?} names no fallback", json.url));
        };
        Ok(Self { id: json.id, alt: json.alt, width: json.width, height: json.height, fallback })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo(width: u32, height: u32) -> ProjectImage {
        ProjectImage { id: Uuid::nil(), alt: "A bridge".into(), width, height, fallback: Kind::Jpeg }
    }

    #[test]
    fn the_srcset_lists_the_variants_folio_made() {
        let id = Uuid::nil();
        assert_eq!(
            photo(1600, 1200).srcset(),
            format!("/media/{id}/480w.webp 480w, /media/{id}/960w.webp 960w, /media/{id}/1600w.webp 1600w")
        );
        assert_eq!(photo(700, 500).srcset(), format!("/media/{id}/480w.webp 480w, /media/{id}/700w.webp 700w"));
        assert_eq!(photo(300, 200).url(), format!("/media/{id}/fallback.jpg"));
    }

    #[test]
    fn the_json_round_trips_with_its_addresses() {
        let json = serde_json::to_value(photo(960, 640)).expect("serialise");
        assert_eq!(json["url"], format!("/media/{}/fallback.jpg", Uuid::nil()));
        assert_eq!(json["alt"], "A bridge");
        let back: ProjectImage = serde_json::from_value(json).expect("read back");
        assert_eq!(back, photo(960, 640));
        let bad = serde_json::json!({"id": Uuid::nil(), "alt": "", "width": 1, "height": 1, "url": "/x", "srcset": ""});
        assert!(serde_json::from_value::<ProjectImage>(bad).is_err());
    }

    #[test]
    fn alt_text_is_one_bounded_line_and_may_be_empty() {
        assert_eq!(ImageAlt::parse("  ").expect("empty is decoration").as_str(), "");
        assert_eq!(ImageAlt::parse("a\nb"), Err(Invalid::MultiLine));
        assert_eq!(ImageAlt::parse(&"é".repeat(301)), Err(Invalid::TooLong { max: 300, got: 301 }));
    }
}
