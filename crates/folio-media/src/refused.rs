//! Why an upload was not stored, in words an owner can act on.

use crate::{Kind, MAX_PIXELS, MAX_SIDE};

/// Why [`crate::process`] stored nothing. Every variant but [`Refused::Internal`] is the
/// upload's fault, and its message is written for the owner who sent it (an API 4xx).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("The file is empty.")]
    Empty,
    #[error("The file is larger than {}, the most Folio accepts.", size(*limit))]
    TooLarge { limit: usize },
    #[error("The file was sent as {} but {}.", declared.content_type(), what_it_is(*found))]
    NotThatType { declared: Kind, found: Option<Kind> },
    #[error(
        "The image is {width} × {height} pixels, more than Folio accepts \
         (at most {} megapixels, and {MAX_SIDE} pixels on a side).",
        MAX_PIXELS / 1_000_000
    )]
    TooManyPixels { width: u32, height: u32 },
    /// Within the pixel limits but with 16 bits a channel, so that decoded it would take
    /// more than [`crate::MAX_DECODED_BYTES`] (a 16-bit RGBA PNG of more than 25 MP).
    #[error(
        "The image is {width} × {height} pixels with 16 bits a channel, more than Folio can \
         process at that depth; save it with 8 bits a channel (up to {} megapixels).",
        MAX_PIXELS / 1_000_000
    )]
    TooDeep { width: u32, height: u32 },
    /// Truncated or damaged: the decoder's own reason.
    #[error("The image is damaged or incomplete and could not be read: {0}.")]
    Corrupt(String),
    /// Bytes after a PNG's IEND chunk or beyond a WebP's RIFF size (a file that is also
    /// something else). JPEGs are exempt: see [`crate::process`].
    #[error("The file has data after the end of its image; send the image alone.")]
    TrailingData,
    /// An encoder or the resizer failed on an image that decoded well (libwebp out of memory,
    /// say). Not the owner's doing: report it as an internal error, not as a 4xx.
    #[error("Folio could not encode the image: {0}.")]
    Internal(String),
}

fn size(bytes: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if bytes.is_multiple_of(MIB) { format!("{} MiB", bytes / MIB) } else { format!("{bytes} bytes") }
}

fn what_it_is(found: Option<Kind>) -> String {
    match found {
        Some(kind) => format!("is a {} image ({})", kind.name(), kind.content_type()),
        None => "is not a JPEG, PNG or WebP image".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MAX_UPLOAD_BYTES;

    #[test]
    fn messages_name_the_limit_that_was_passed() {
        let too_large = Refused::TooLarge { limit: MAX_UPLOAD_BYTES };
        assert_eq!(too_large.to_string(), "The file is larger than 20 MiB, the most Folio accepts.");
        let too_many = Refused::TooManyPixels { width: 100_000, height: 100_000 };
        assert_eq!(
            too_many.to_string(),
            "The image is 100000 × 100000 pixels, more than Folio accepts \
             (at most 50 megapixels, and 12000 pixels on a side)."
        );
    }

    #[test]
    fn a_deep_image_is_told_how_to_fit() {
        let too_deep = Refused::TooDeep { width: 6000, height: 6000 };
        assert_eq!(
            too_deep.to_string(),
            "The image is 6000 × 6000 pixels with 16 bits a channel, more than Folio can process \
             at that depth; save it with 8 bits a channel (up to 50 megapixels)."
        );
    }

    #[test]
    fn a_wrong_type_says_what_was_declared_and_what_was_found() {
        let png_as_jpeg = Refused::NotThatType { declared: Kind::Jpeg, found: Some(Kind::Png) };
        assert_eq!(png_as_jpeg.to_string(), "The file was sent as image/jpeg but is a PNG image (image/png).");
        let svg_as_png = Refused::NotThatType { declared: Kind::Png, found: None };
        assert_eq!(svg_as_png.to_string(), "The file was sent as image/png but is not a JPEG, PNG or WebP image.");
    }

    #[test]
    fn an_odd_limit_is_given_in_bytes() {
        assert_eq!(size(1000), "1000 bytes");
    }
}
