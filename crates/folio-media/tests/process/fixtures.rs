//! The crate's fixtures (`folio_media::fixtures`), and a check of what it made.

use folio_media::{Encoded, Kind};
use image::{DynamicImage, ImageFormat};

pub use folio_media::fixtures::*;

/// An output decoded again, after checking it is what it says: its kind by its magic
/// bytes, its dimensions by its header.
pub fn decoded(encoded: &Encoded) -> DynamicImage {
    let format = match encoded.kind {
        Kind::Jpeg => ImageFormat::Jpeg,
        Kind::Png => ImageFormat::Png,
        Kind::Webp => ImageFormat::WebP,
    };
    assert_eq!(image::guess_format(&encoded.bytes).ok(), Some(format), "{encoded:?}");
    let image = image::load_from_memory_with_format(&encoded.bytes, format).expect("an output decodes");
    assert_eq!((image.width(), image.height()), (encoded.width, encoded.height), "{encoded:?}");
    image
}
