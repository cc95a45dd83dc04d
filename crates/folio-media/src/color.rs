//! Colour profiles are applied, not kept: every stored image is sRGB and carries no profile.

use moxcms::{ColorProfile, DataColorSpace, Layout, TransformOptions};

use crate::picture::Picture;

/// Rows converted at a time: a small scratch buffer instead of a second full-size image.
const ROWS_PER_PASS: usize = 64;

/// Converts `picture` from the colour space of `icc_profile` (an iPhone's Display P3, say)
/// to sRGB. A profile moxcms cannot read, or that is not an RGB one (a CMYK JPEG's, which
/// the decoder has already turned into RGB), leaves the pixels as they are, taken as sRGB,
/// which is what a browser does with an image without a profile.
pub(crate) fn convert_to_srgb(picture: &mut Picture, icc_profile: &[u8]) {
    let Ok(profile) = ColorProfile::new_from_slice(icc_profile) else {
        return;
    };
    if profile.color_space != DataColorSpace::Rgb {
        return;
    }
    let (layout, channels) = if picture.has_alpha() { (Layout::Rgba, 4) } else { (Layout::Rgb, 3) };
    let srgb = ColorProfile::new_srgb();
    let Ok(transform) = profile.create_transform_8bit(layout, &srgb, layout, TransformOptions::default()) else {
        return;
    };
    let pass = picture.width() as usize * channels * ROWS_PER_PASS;
    let mut scratch = vec![0; pass];
    for rows in picture.bytes_mut().chunks_mut(pass) {
        let converted = &mut scratch[..rows.len()];
        // Whole pixels in, as many out: moxcms refuses only slices of the wrong length.
        if transform.transform(rows, converted).is_ok() {
            rows.copy_from_slice(converted);
        }
    }
}
