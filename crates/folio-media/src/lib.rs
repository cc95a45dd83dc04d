//! Folio's image intake: every image Folio stores is one this crate decoded and encoded anew,
//! never the bytes an owner uploaded.
//!
//! [`process`] takes an upload and the type it was declared as, and either refuses it with a
//! [`Refused`] whose message tells the owner what is wrong, or returns a [`Processed`]: a
//! clean master that Folio keeps instead of the upload, WebP variants for `srcset`, and one
//! JPEG (or PNG) fallback.
//!
//! # What is kept
//!
//! - The pixels, turned upright by the EXIF orientation (which is then no longer needed).
//! - Transparency, in PNG and WebP outputs. An alpha channel in which every pixel is opaque
//!   is dropped, so such an image gets a JPEG fallback.
//! - Colour, as sRGB: an embedded ICC profile (an iPhone's Display P3, say) is applied to
//!   the pixels and not kept, so every output is sRGB without a profile, which is what
//!   browsers assume of an image without one. Keeping profiles would mean writing an ICCP
//!   chunk into each WebP through libwebp's mux API, by unsafe FFI; converting once costs
//!   about 30 ms for 12 MP and leaves nothing for a viewer to get wrong.
//! - The upload's format, for the master; its quality is not kept (see below).
//!
//! # What is removed
//!
//! Everything else, because outputs are encoded from pixels alone: EXIF (camera, time, GPS
//! position), XMP, IPTC, comments (JPEG COM, PNG text chunks), embedded thumbnails, and bytes
//! after a JPEG's end (the video of a phone's motion photo). Also lost: animation (the first
//! frame is kept) and depth beyond 8 bits a channel.
//!
//! Outputs: the master is JPEG or lossy WebP at quality 90, or PNG (lossless), with its long
//! side capped at [`MASTER_MAX_SIDE`]; variants are lossy WebP at quality 80; the fallback
//! is JPEG at quality 82, or PNG.
//!
//! # Limits, and why
//!
//! | limit | value | why |
//! |---|---|---|
//! | [`MAX_UPLOAD_BYTES`] | 20 MiB | above any phone's photo (a 48 MP JPEG is 8–15 MB); the HTTP layer should refuse a longer body before reading it |
//! | [`MAX_PIXELS`] | 50 megapixels | a 48 or 50 MP phone sensor passes; a decompression bomb (a small file claiming a huge canvas) does not |
//! | [`MAX_SIDE`] | 12,000 pixels | a phone's panorama passes; a 1 × 50,000,000 strip, within the pixel limit, does not |
//! | [`MAX_DECODED_BYTES`] | 200 MB | 50 MP of 8-bit RGBA; an image with 16 bits a channel gets fewer pixels ([`Refused::TooDeep`]), so that no upload costs more memory than the largest 8-bit one |
//! | [`DECODE_BUDGET`] | 216.8 MB | [`MAX_DECODED_BYTES`] and 16 MiB for the decoder's own state and metadata: handed to the decoders as `image::Limits::max_alloc`, with [`MAX_SIDE`] as their width and height limits, in case a header check were ever missed |
//! | [`MASTER_MAX_SIDE`] | 4,096 pixels | over twice the widest variant, leaving room for larger ones later, at a quarter of a 48 MP photo's pixels |
//!
//! Dimensions and depth are read from the header and judged before any pixel buffer is
//! allocated: a file claiming 100,000 × 100,000 pixels costs microseconds and no memory.
//!
//! # Cost
//!
//! Measured by the `process_bench` example on one core of a 2-core machine: a 12 MP phone
//! photo takes 0.65–0.85 s and 65 MB at its peak; 1.0–1.3 s and 80 MB when it must be turned
//! a quarter (EXIF orientation 6), mostly because its widest variant, 1600 pixels wide in
//! portrait, has 3.4 MP for libwebp to encode. A 48 MP JPEG peaks at about 255 MB, and the
//! largest accepted image, 50 MP of RGBA, at about 340 MB: the decoded image, and the
//! resizer's intermediate rows when scaling it to the master. A server should therefore
//! process one upload at a time, on a blocking thread.

mod color;
mod container;
mod decode;
mod encode;
mod kind;
mod picture;
mod refused;

use std::fmt;

#[cfg(feature = "fixtures")]
pub mod fixtures;
pub use kind::Kind;
pub use refused::Refused;

use picture::Picture;

/// The most bytes an upload may have.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;
/// The most pixels (width × height) an image may have.
pub const MAX_PIXELS: u64 = 50_000_000;
/// The most pixels an image may have on either side.
pub const MAX_SIDE: u32 = 12_000;
/// The most bytes an image may take decoded, at its own depth: [`MAX_PIXELS`] of 8-bit RGBA.
/// An image with 16 bits a channel takes 6 or 8 bytes a pixel, and so may have fewer.
pub const MAX_DECODED_BYTES: u64 = MAX_PIXELS * 4;
/// The most bytes a decoder may allocate for one image: [`MAX_DECODED_BYTES`] for the
/// pixels, and 16 MiB for its own state and the metadata it reads.
pub const DECODE_BUDGET: u64 = MAX_DECODED_BYTES + 16 * 1024 * 1024;
/// The longest side a master may have; a larger upload is scaled down to it.
pub const MASTER_MAX_SIDE: u32 = 4096;
/// The widths of the `srcset` variants, ascending.
pub const WIDTHS: [u32; 3] = [480, 960, 1600];

const WIDEST: u32 = WIDTHS[WIDTHS.len() - 1];

/// One stored image.
#[derive(Clone, PartialEq, Eq)]
pub struct Encoded {
    pub width: u32,
    pub height: u32,
    pub kind: Kind,
    pub bytes: Vec<u8>,
}

impl fmt::Debug for Encoded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Encoded")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("kind", &self.kind)
            .field("bytes", &format_args!("{} bytes", self.bytes.len()))
            .finish()
    }
}

/// What Folio stores for one upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Processed {
    /// The master's width, upright.
    pub width: u32,
    /// The master's height, upright.
    pub height: u32,
    /// The clean full image, kept instead of the upload: the upload's kind, its long side
    /// at most [`MASTER_MAX_SIDE`].
    pub master: Encoded,
    /// Lossy WebP, ascending in width: each of [`WIDTHS`] narrower than the master, then the
    /// master's width or the widest of [`WIDTHS`], whichever is less. A 2000-pixel-wide
    /// image gets 480, 960 and 1600; a 700-pixel-wide one 480 and 700; a 300-pixel-wide one
    /// 300. Never empty.
    pub variants: Vec<Encoded>,
    /// The widest variant's pixels as JPEG, or as PNG when the image has transparency: for
    /// og:image and for clients without WebP.
    pub fallback: Encoded,
}

/// Checks, decodes and re-encodes an upload declared as `declared`.
///
/// Refused, with the reason: an empty or too large body; magic bytes that are not those of
/// `declared`; a header claiming more than [`MAX_PIXELS`] or [`MAX_SIDE`], or 16-bit pixels
/// beyond [`MAX_DECODED_BYTES`]; a file the decoder cannot read, or a JPEG without its end
/// marker (a truncated one); bytes after a PNG's IEND chunk or beyond a WebP's RIFF size.
/// Bytes after a JPEG's end (EOI) are not refused: phones append the video of a motion
/// photo there, and re-encoding drops it.
pub fn process(declared: Kind, bytes: &[u8]) -> Result<Processed, Refused> {
    container::check(declared, bytes)?;
    let decoded = decode::decode(declared, bytes)?;

    // Scaled down first, at the file's own depth: a 48 MP photo is made 8-bit, converted
    // and turned at 12 MP, and never copied at full size. The cap is on the long side,
    // which turning does not change.
    let mut picture = Picture::new(picture::fit_within(decoded.image, MASTER_MAX_SIDE)?);
    if let Some(icc_profile) = &decoded.icc_profile {
        color::convert_to_srgb(&mut picture, icc_profile);
    }
    picture.orient(decoded.orientation);

    let master = encode::master(&picture, declared)?;
    let (narrower, widest) = variant_widths(picture.width());
    let mut variants = Vec::with_capacity(narrower.len() + 1);
    for width in narrower {
        let narrow = picture.at_width(width)?;
        variants.push(encode::variant(&narrow)?);
    }
    let widest = picture.at_width(widest)?;
    variants.push(encode::variant(&widest)?);
    let fallback = encode::fallback(&widest)?;

    Ok(Processed { width: picture.width(), height: picture.height(), master, variants, fallback })
}

/// The variant widths for an image `width` pixels wide: the widest, and those narrower.
pub fn variant_widths(width: u32) -> (Vec<u32>, u32) {
    let widest = width.min(WIDEST);
    let narrower = WIDTHS.into_iter().filter(|&w| w < widest).collect();
    (narrower, widest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_are_the_widths_an_image_reaches_and_its_own_below_the_widest() {
        assert_eq!(variant_widths(2000), (vec![480, 960], 1600));
        assert_eq!(variant_widths(1600), (vec![480, 960], 1600));
        assert_eq!(variant_widths(960), (vec![480], 960));
        assert_eq!(variant_widths(700), (vec![480], 700));
        assert_eq!(variant_widths(300), (vec![], 300));
    }
}
