//! The owner's images as stored: each upload's id and size, and the files Folio made of it (a
//! clean master and its variants; never the upload itself, which carries the photo's metadata).
//! Stored files never change, so each is served as immutable; replacing an image is a new
//! upload with a new id.

pub use folio_media::Kind;
use uuid::Uuid;

use super::Timestamp;

/// Which of an image's files: a name from a closed set, the last part of its address
/// (`/media/{id}/{name}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileName {
    /// The clean full image, in the upload's format.
    Master(Kind),
    /// A WebP variant this many pixels wide (the widths are bounded by the master's).
    Webp(u32),
    /// The variant for clients without WebP and for link previews (JPEG, or PNG with transparency).
    Fallback(Kind),
}

/// The widest variant Folio makes; a name asking for a wider one names nothing.
pub const MAX_VARIANT_WIDTH: u32 = 1600;

impl FileName {
    /// The name a request gives, when it is one Folio could have stored.
    pub fn parse(name: &str) -> Option<Self> {
        let (stem, extension) = name.split_once('.')?;
        let format = Kind::from_extension(extension)?;
        match stem {
            "original" => Some(FileName::Master(format)),
            "fallback" if format != Kind::Webp => Some(FileName::Fallback(format)),
            _ if format == Kind::Webp => {
                let width = stem.strip_suffix('w')?;
                // Digits only, no sign or leading zero, so each width has one name.
                if width.is_empty() || width.starts_with('0') || !width.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                width.parse().ok().filter(|w| (1..=MAX_VARIANT_WIDTH).contains(w)).map(FileName::Webp)
            }
            _ => None,
        }
    }

    /// The format of the file it names.
    pub fn format(self) -> Kind {
        match self {
            FileName::Master(format) | FileName::Fallback(format) => format,
            FileName::Webp(_) => Kind::Webp,
        }
    }
}

impl std::fmt::Display for FileName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileName::Master(format) => write!(f, "original.{}", format.extension()),
            FileName::Webp(width) => write!(f, "{width}w.webp"),
            FileName::Fallback(format) => write!(f, "fallback.{}", format.extension()),
        }
    }
}

/// One file of an image, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaFile {
    pub name: FileName,
    pub width: u32,
    pub height: u32,
    /// Its size in bytes.
    pub size: u64,
}

/// An image as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    pub id: Uuid,
    /// The master's size, after its orientation was applied.
    pub width: u32,
    pub height: u32,
    pub created_at: Timestamp,
    /// The master first, then the WebP variants by width, then the fallback.
    pub files: Vec<MediaFile>,
}

impl Media {
    /// The address of one of its files.
    pub fn url(&self, name: FileName) -> String {
        format!("/media/{}/{name}", self.id)
    }
}

/// A file to store, with its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMediaFile {
    pub name: FileName,
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
}

/// An image to store: what the processing made of an upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMedia {
    pub width: u32,
    pub height: u32,
    /// In the order [`Media::files`] lists them.
    pub files: Vec<NewMediaFile>,
}

impl NewMedia {
    /// The image as it will be stored with this id at `at`.
    pub fn describe(&self, id: Uuid, created_at: Timestamp) -> Media {
        let files = self
            .files
            .iter()
            .map(|f| MediaFile { name: f.name, width: f.width, height: f.height, size: f.bytes.len() as u64 })
            .collect();
        Media { id, width: self.width, height: self.height, created_at, files }
    }
}

/// One stored file's bytes, as served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub format: Kind,
    pub bytes: Vec<u8>,
}

#[cfg(test)]
mod tests {
    use super::{FileName, Kind};

    #[test]
    fn every_name_folio_writes_parses_back_to_itself() {
        for name in [
            FileName::Master(Kind::Jpeg),
            FileName::Master(Kind::Png),
            FileName::Master(Kind::Webp),
            FileName::Webp(480),
            FileName::Webp(1600),
            FileName::Webp(7),
            FileName::Fallback(Kind::Jpeg),
            FileName::Fallback(Kind::Png),
        ] {
            assert_eq!(FileName::parse(&name.to_string()), Some(name), "{name}");
        }
    }

    #[test]
    fn names_folio_never_writes_name_nothing() {
        for name in [
            "",
            "original",
            "original.gif",
            "original.jpg.exe",
            "480.webp",
            "0480w.webp",
            "+480w.webp",
            "0w.webp",
            "1601w.webp",
            "99999999999w.webp",
            "480w.jpg",
            "fallback.webp",
            "../original.jpg",
            "w.webp",
        ] {
            assert_eq!(FileName::parse(name), None, "{name:?}");
        }
    }
}
