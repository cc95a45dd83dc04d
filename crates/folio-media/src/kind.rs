//! The three image formats Folio accepts, named by content type and told apart by magic bytes.

use image::ImageFormat;

/// An image format Folio accepts from owners and stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Jpeg,
    Png,
    Webp,
}

const ALL: [Kind; 3] = [Kind::Jpeg, Kind::Png, Kind::Webp];

pub(crate) const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1A, b'\n'];

impl Kind {
    /// The kind a `Content-Type` value names: `image/jpeg`, `image/png` or `image/webp`, in any
    /// case, with or without parameters. Anything else is `None`.
    pub fn from_content_type(value: &str) -> Option<Kind> {
        let essence = value.split_once(';').map_or(value, |(essence, _)| essence);
        let essence = essence.trim();
        ALL.into_iter().find(|kind| kind.content_type().eq_ignore_ascii_case(essence))
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
            Kind::Webp => "image/webp",
        }
    }

    /// The file extension stored images of this kind get, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Kind::Jpeg => "jpg",
            Kind::Png => "png",
            Kind::Webp => "webp",
        }
    }

    /// The kind whose stored files end in `extension` (`jpg`, `png` or `webp`, exactly).
    pub fn from_extension(extension: &str) -> Option<Kind> {
        ALL.into_iter().find(|kind| kind.extension() == extension)
    }

    /// The format's name as an owner reads it in a message.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Jpeg => "JPEG",
            Kind::Png => "PNG",
            Kind::Webp => "WebP",
        }
    }

    pub(crate) fn format(self) -> ImageFormat {
        match self {
            Kind::Jpeg => ImageFormat::Jpeg,
            Kind::Png => ImageFormat::Png,
            Kind::Webp => ImageFormat::WebP,
        }
    }

    /// The kind the file's first bytes say it is. Three fixed prefixes need no crate:
    /// `image::guess_format` would also name formats Folio refuses, and answer in its own type.
    pub fn sniff(bytes: &[u8]) -> Option<Kind> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Kind::Jpeg)
        } else if bytes.starts_with(&PNG_SIGNATURE) {
            Some(Kind::Png)
        } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP".as_slice()) {
            Some(Kind::Webp)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_are_read_without_case_or_parameters() {
        let cases = [
            ("image/jpeg", Some(Kind::Jpeg)),
            ("IMAGE/JPEG", Some(Kind::Jpeg)),
            ("image/png; charset=binary", Some(Kind::Png)),
            ("  image/webp ", Some(Kind::Webp)),
            ("image/jpg", None),
            ("image/svg+xml", None),
            ("text/html", None),
            ("", None),
        ];
        for (value, expected) in cases {
            assert_eq!(Kind::from_content_type(value), expected, "{value:?}");
        }
    }

    #[test]
    fn every_kind_round_trips_through_its_content_type() {
        for kind in ALL {
            assert_eq!(Kind::from_content_type(kind.content_type()), Some(kind));
        }
    }

    #[test]
    fn magic_bytes_name_the_kind_and_nothing_else() {
        let cases: [(&[u8], Option<Kind>); 6] = [
            (&[0xFF, 0xD8, 0xFF, 0xE0], Some(Kind::Jpeg)),
            (&PNG_SIGNATURE, Some(Kind::Png)),
            (b"RIFF\x10\0\0\0WEBPVP8 ", Some(Kind::Webp)),
            (b"RIFF\x10\0\0\0WAVEfmt ", None),
            (b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>", None),
            (b"GIF89a", None),
        ];
        for (bytes, expected) in cases {
            assert_eq!(Kind::sniff(bytes), expected, "{bytes:?}");
        }
    }
}
