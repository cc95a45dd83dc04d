//! Decoding within bounds: dimensions are judged from the header before any pixel buffer
//! exists, and the decoder itself is held to a memory budget.

use std::io::Cursor;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageReader, Limits};

use crate::{DECODE_BUDGET, Kind, MAX_DECODED_BYTES, MAX_PIXELS, MAX_SIDE, Refused};

/// An upload's pixels as stored, with what is needed to show them as meant.
pub(crate) struct Decoded {
    pub(crate) image: DynamicImage,
    pub(crate) orientation: Orientation,
    pub(crate) icc_profile: Option<Vec<u8>>,
}

/// Decodes an upload whose bytes [`crate::container::check`] has passed.
pub(crate) fn decode(kind: Kind, bytes: &[u8]) -> Result<Decoded, Refused> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), kind.format());
    // No side limits yet: a decoder given them refuses without saying the dimensions, and
    // the owner is told them. Reading the header allocates nothing in proportion to them.
    reader.limits(budget(None));
    let mut decoder = reader.into_decoder().map_err(corrupt)?;

    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(Refused::Corrupt("the image has no pixels".to_owned()));
    }
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(Refused::TooManyPixels { width, height });
    }

    // Within the pixel limits, only 16 bits a channel (6 or 8 bytes a pixel) can pass this.
    if decoder.total_bytes() > MAX_DECODED_BYTES {
        return Err(Refused::TooDeep { width, height });
    }

    // As `ImageReader::decode` does: the output buffer counts against the budget, and what
    // is left bounds the decoder's own buffers.
    let mut limits = budget(Some(MAX_SIDE));
    limits.reserve(decoder.total_bytes()).map_err(corrupt)?;
    decoder.set_limits(limits).map_err(corrupt)?;

    // Broken EXIF or ICC data costs its effect, not the upload: browsers ignore it too.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let icc_profile = decoder.icc_profile().ok().flatten();
    let image = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    Ok(Decoded { image, orientation, icc_profile })
}

fn budget(max_side: Option<u32>) -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = max_side;
    limits.max_image_height = max_side;
    limits.max_alloc = Some(DECODE_BUDGET);
    limits
}

fn corrupt(error: ImageError) -> Refused {
    Refused::Corrupt(error.to_string())
}
