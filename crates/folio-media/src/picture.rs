//! Decoded pixels in the one shape the rest of the crate works on.

use std::borrow::Cow;

use fast_image_resize::{FilterType, MulDiv, ResizeAlg, ResizeOptions, Resizer};
use image::metadata::Orientation;
use image::{ColorType, DynamicImage};

use crate::Refused;

/// 8-bit RGB pixels, or 8-bit RGBA when some pixel is not fully opaque: the two layouts every
/// encoder takes. 16-bit images become 8-bit, greyscale becomes RGB, and an alpha channel
/// that hides nothing is dropped, so that such an image gets a JPEG fallback.
#[derive(Debug, Clone)]
pub(crate) struct Picture(DynamicImage);

impl Picture {
    pub(crate) fn new(image: DynamicImage) -> Picture {
        if image.color().has_alpha() {
            let rgba = image.into_rgba8();
            let transparent = rgba.chunks_exact(4).any(|pixel| pixel[3] != u8::MAX);
            let rgba = DynamicImage::ImageRgba8(rgba);
            if transparent {
                return Picture(rgba);
            }
            return Picture(DynamicImage::ImageRgb8(rgba.into_rgb8()));
        }
        Picture(DynamicImage::ImageRgb8(image.into_rgb8()))
    }

    pub(crate) fn width(&self) -> u32 {
        self.0.width()
    }

    pub(crate) fn height(&self) -> u32 {
        self.0.height()
    }

    pub(crate) fn has_alpha(&self) -> bool {
        self.0.color() == ColorType::Rgba8
    }

    /// The pixels, row by row, 3 or 4 bytes each (see [`Picture::has_alpha`]).
    pub(crate) fn bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    pub(crate) fn bytes_mut(&mut self) -> &mut [u8] {
        match &mut self.0 {
            DynamicImage::ImageRgba8(rgba) => rgba,
            // Every other variant is turned into RGB by `new`.
            other => other.as_mut_rgb8().map_or(&mut [], |rgb| &mut **rgb),
        }
    }

    /// Turns the picture upright. Flips and half turns are `image`'s, in place; quarter
    /// turns are done here, tile by tile, because `DynamicImage::rotate90` goes pixel by
    /// pixel through bounds-checked accessors and down the columns of the copy: 100 ms or
    /// more on a 12 MP photo, where a phone held upright (EXIF 6) is the common case.
    pub(crate) fn orient(&mut self, orientation: Orientation) {
        // Where source pixel (x, y) of a `w` × `h` picture lands in the turned one, which is
        // `h` wide: its index there.
        match orientation {
            Orientation::Rotate90 => self.turn(|x, y, _, h| x * h + (h - 1 - y)),
            Orientation::Rotate270 => self.turn(|x, y, w, h| (w - 1 - x) * h + y),
            Orientation::Rotate90FlipH => self.turn(|x, y, _, h| x * h + y),
            Orientation::Rotate270FlipH => self.turn(|x, y, w, h| (w - 1 - x) * h + (h - 1 - y)),
            in_place => self.0.apply_orientation(in_place),
        }
    }

    fn turn(&mut self, target: impl Fn(usize, usize, usize, usize) -> usize) {
        let (width, height) = (self.width(), self.height());
        let mut turned = Picture(DynamicImage::new(height, width, self.0.color()));
        let (source, destination) = (self.bytes(), turned.bytes_mut());
        if self.has_alpha() {
            turn_pixels::<4>(source, destination, width as usize, height as usize, target);
        } else {
            turn_pixels::<3>(source, destination, width as usize, height as usize, target);
        }
        *self = turned;
    }

    /// A copy `width` pixels wide, or this picture when it already is.
    pub(crate) fn at_width(&self, width: u32) -> Result<Cow<'_, Picture>, Refused> {
        if width == self.width() {
            return Ok(Cow::Borrowed(self));
        }
        let height = scale(self.height(), width, self.width());
        resized(&self.0, width, height, Alpha::Straight).map(|image| Cow::Owned(Picture(image)))
    }
}

/// `image` scaled down, if need be, so that neither side exceeds `max_side`.
pub(crate) fn fit_within(mut image: DynamicImage, max_side: u32) -> Result<DynamicImage, Refused> {
    let (width, height) = fitted(image.width(), image.height(), max_side);
    if (width, height) == (image.width(), image.height()) {
        return Ok(image);
    }
    if !image.color().has_alpha() {
        return resized(&image, width, height, Alpha::Straight);
    }
    // Premultiplied here, in place, where the resizer would premultiply a copy of the whole
    // upload: 200 MB for 50 MP of RGBA.
    let mul_div = MulDiv::new();
    mul_div.multiply_alpha_inplace(&mut image).map_err(|error| internal(width, height, error))?;
    let mut out = resized(&image, width, height, Alpha::Premultiplied)?;
    mul_div.divide_alpha_inplace(&mut out).map_err(|error| internal(width, height, error))?;
    Ok(out)
}

fn fitted(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    if width <= max_side && height <= max_side {
        (width, height)
    } else if width >= height {
        (max_side, scale(height, max_side, width))
    } else {
        (scale(width, max_side, height), max_side)
    }
}

/// What an image's alpha channel needs of the resizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Alpha {
    /// No alpha channel, or one not multiplied into the colour: the resizer multiplies a
    /// copy.
    Straight,
    /// Already multiplied into the colour channels.
    Premultiplied,
}

/// A copy of `image` at `width` × `height` in its own pixel format, by Lanczos3 convolution
/// on premultiplied alpha: fast_image_resize, whose SIMD code is several times faster than
/// `image`'s own filters.
fn resized(image: &DynamicImage, width: u32, height: u32, alpha: Alpha) -> Result<DynamicImage, Refused> {
    let mut out = DynamicImage::new(width, height, image.color());
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
        .use_alpha(alpha == Alpha::Straight);
    Resizer::new().resize(image, &mut out, &options).map_err(|error| internal(width, height, error))?;
    Ok(out)
}

fn internal(width: u32, height: u32, error: impl std::fmt::Display) -> Refused {
    Refused::Internal(format!("resizing to {width} × {height}: {error}"))
}

/// Copies each pixel of `source` (`width` × `height`, `C` bytes a pixel) to its `target`
/// index in `destination`, in tiles small enough that the rows they write stay in cache.
fn turn_pixels<const C: usize>(
    source: &[u8],
    destination: &mut [u8],
    width: usize,
    height: usize,
    target: impl Fn(usize, usize, usize, usize) -> usize,
) {
    const TILE: usize = 32;
    let (source, _) = source.as_chunks::<C>();
    let (destination, _) = destination.as_chunks_mut::<C>();
    for tile_y in (0..height).step_by(TILE) {
        for tile_x in (0..width).step_by(TILE) {
            for y in tile_y..(tile_y + TILE).min(height) {
                for x in tile_x..(tile_x + TILE).min(width) {
                    destination[target(x, y, width, height)] = source[y * width + x];
                }
            }
        }
    }
}

/// `length × to / from`, rounded, at least 1.
fn scale(length: u32, to: u32, from: u32) -> u32 {
    let from = u64::from(from.max(1));
    let scaled = (u64::from(length) * u64::from(to) + from / 2) / from;
    u32::try_from(scaled).unwrap_or(u32::MAX).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgba, RgbaImage};

    #[test]
    fn every_orientation_turns_a_picture_as_image_does() {
        let orientations = [
            Orientation::NoTransforms,
            Orientation::Rotate90,
            Orientation::Rotate180,
            Orientation::Rotate270,
            Orientation::FlipHorizontal,
            Orientation::FlipVertical,
            Orientation::Rotate90FlipH,
            Orientation::Rotate270FlipH,
        ];
        // Sides that are not multiples of the tile, and every pixel different.
        let rgba = RgbaImage::from_fn(37, 70, |x, y| Rgba([x as u8, y as u8, (x * y) as u8, 100]));
        for image in [
            DynamicImage::ImageRgba8(rgba.clone()),
            DynamicImage::ImageRgb8(DynamicImage::ImageRgba8(rgba).into_rgb8()),
        ] {
            for orientation in orientations {
                let mut expected = image.clone();
                expected.apply_orientation(orientation);
                let mut picture = Picture(image.clone());
                picture.orient(orientation);
                assert_eq!(picture.0, expected, "{orientation:?}, {:?}", image.color());
            }
        }
    }

    #[test]
    fn a_master_is_capped_on_its_long_side() {
        assert_eq!(fitted(4000, 3000, 4096), (4000, 3000));
        assert_eq!(fitted(8000, 6000, 4096), (4096, 3072));
        assert_eq!(fitted(6000, 8000, 4096), (3072, 4096));
        assert_eq!(fitted(12_000, 1, 4096), (4096, 1));
    }

    #[test]
    fn a_sixteen_bit_image_is_scaled_at_its_own_depth() {
        let deep = DynamicImage::new_rgba16(5000, 10);
        let fitted = fit_within(deep, 4096).expect("resized");
        assert_eq!((fitted.width(), fitted.height(), fitted.color()), (4096, 8, ColorType::Rgba16));
    }

    #[test]
    fn a_translucent_image_is_scaled_on_premultiplied_alpha() {
        // Left half transparent black, right half opaque red: weighting by alpha keeps the
        // blended columns red, where a plain average would darken them.
        let rgba =
            RgbaImage::from_fn(5000, 4, |x, _| if x < 2500 { Rgba([0, 0, 0, 0]) } else { Rgba([255, 0, 0, 255]) });
        let fitted = fit_within(DynamicImage::ImageRgba8(rgba), 4096).expect("resized").into_rgba8();
        for x in 2040..2060 {
            let pixel = fitted.get_pixel(x, 2).0;
            assert!(pixel[3] == 0 || pixel[0] >= 250, "column {x}: {pixel:?}");
        }
    }

    #[test]
    fn heights_scale_in_proportion_and_never_reach_zero() {
        assert_eq!(scale(1500, 480, 2000), 360);
        assert_eq!(scale(1500, 1600, 2000), 1200);
        assert_eq!(scale(1, 480, 12_000), 1);
        assert_eq!(scale(333, 480, 1000), 160);
    }

    #[test]
    fn an_alpha_channel_that_hides_nothing_is_dropped() {
        let opaque = RgbaImage::from_pixel(4, 4, Rgba([10, 20, 30, 255]));
        assert!(!Picture::new(DynamicImage::ImageRgba8(opaque)).has_alpha());
        let mut translucent = RgbaImage::from_pixel(4, 4, Rgba([10, 20, 30, 255]));
        translucent.put_pixel(3, 3, Rgba([0, 0, 0, 128]));
        let picture = Picture::new(DynamicImage::ImageRgba8(translucent));
        assert!(picture.has_alpha());
        assert_eq!(picture.bytes().len(), 4 * 4 * 4);
    }

    #[test]
    fn greyscale_and_sixteen_bit_images_become_eight_bit_rgb() {
        let grey = Picture::new(DynamicImage::new_luma8(3, 2));
        assert_eq!(grey.bytes().len(), 3 * 2 * 3);
        let deep = Picture::new(DynamicImage::new_rgb16(3, 2));
        assert_eq!(deep.bytes().len(), 3 * 2 * 3);
    }
}
