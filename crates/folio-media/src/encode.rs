//! Encoders for stored images. Each is given pixels alone, so nothing of the upload's
//! metadata can reach its output.

use image::ExtendedColorType;
use image::ImageEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use jpeg_encoder::{ColorType, SamplingFactor};

use crate::picture::Picture;
use crate::{Encoded, Kind, Refused};

/// The master replaces the upload and is the source any later size would be made from, so
/// it loses little more than the phone's own compression did.
const MASTER_QUALITY: u8 = 90;
/// For pages and og:image: the usual web setting, without visible artefacts at 1:1.
const JPEG_QUALITY: u8 = 82;
/// On libwebp's own scale, its usual setting for photos on the web.
const WEBP_QUALITY: f32 = 80.0;

/// The master in the upload's own format: JPEG and WebP lossy at [`MASTER_QUALITY`], PNG
/// lossless. A lossless WebP upload gets a lossy master too: encoding 4096 pixels a side
/// losslessly takes libwebp seconds, and lossless art is better sent as PNG.
pub(crate) fn master(picture: &Picture, kind: Kind) -> Result<Encoded, Refused> {
    match kind {
        Kind::Jpeg => jpeg(picture, MASTER_QUALITY),
        Kind::Png => png(picture),
        Kind::Webp => webp(picture, f32::from(MASTER_QUALITY)),
    }
}

/// A `srcset` variant: lossy WebP.
pub(crate) fn variant(picture: &Picture) -> Result<Encoded, Refused> {
    webp(picture, WEBP_QUALITY)
}

/// For og:image and clients without WebP: JPEG, or PNG when there is transparency to keep.
pub(crate) fn fallback(picture: &Picture) -> Result<Encoded, Refused> {
    if picture.has_alpha() { png(picture) } else { jpeg(picture, JPEG_QUALITY) }
}

/// Baseline JPEG: SOI, a JFIF APP0 and the image, no EXIF. Chroma at 4:2:0, as phones write
/// it: at quality 90 jpeg-encoder would choose 4:4:4, which costs half again the time and
/// two thirds more bytes for colour detail the phone's JPEG never had. Standard Huffman
/// tables, not jpeg-encoder's optimised ones, though those save a few percent: zune-jpeg
/// 0.5.15 (`image`'s decoder, which would read a master again to make new sizes) decodes
/// some such files with wrong colours, where libjpeg reads them well.
fn jpeg(picture: &Picture, quality: u8) -> Result<Encoded, Refused> {
    let (Ok(width), Ok(height)) = (u16::try_from(picture.width()), u16::try_from(picture.height())) else {
        return Err(internal("JPEG", "the image is wider or taller than 65,535 pixels"));
    };
    // An RGBA picture reaches here only as a JPEG upload's master, which has no alpha.
    let color = if picture.has_alpha() { ColorType::Rgba } else { ColorType::Rgb };
    let mut bytes = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut bytes, quality);
    encoder.set_sampling_factor(SamplingFactor::F_2_2);
    encoder.encode(picture.bytes(), width, height, color).map_err(|error| internal("JPEG", error))?;
    Ok(encoded(picture, Kind::Jpeg, bytes))
}

/// PNG at zlib's default level with adaptive filters: IHDR, IDAT and IEND only.
fn png(picture: &Picture) -> Result<Encoded, Refused> {
    let color = if picture.has_alpha() { ExtendedColorType::Rgba8 } else { ExtendedColorType::Rgb8 };
    let mut bytes = Vec::new();
    PngEncoder::new_with_quality(&mut bytes, CompressionType::Default, FilterType::Adaptive)
        .write_image(picture.bytes(), picture.width(), picture.height(), color)
        .map_err(|error| internal("PNG", error))?;
    Ok(encoded(picture, Kind::Png, bytes))
}

/// Lossy WebP through libwebp's simple API, which writes VP8 (and ALPH) chunks only, at
/// libwebp's default method (4 of 0–6). Method 2 would save a fifth of the whole run's time
/// on a 12 MP photo for 6–7 % more bytes in every variant; every visitor downloads those.
fn webp(picture: &Picture, quality: f32) -> Result<Encoded, Refused> {
    let encoder = if picture.has_alpha() {
        webp::Encoder::from_rgba(picture.bytes(), picture.width(), picture.height())
    } else {
        webp::Encoder::from_rgb(picture.bytes(), picture.width(), picture.height())
    };
    let memory = encoder.encode_simple(false, quality).map_err(|error| internal("WebP", format!("{error:?}")))?;
    Ok(encoded(picture, Kind::Webp, memory.to_vec()))
}

fn encoded(picture: &Picture, kind: Kind, bytes: Vec<u8>) -> Encoded {
    Encoded { width: picture.width(), height: picture.height(), kind, bytes }
}

fn internal(format: &str, error: impl std::fmt::Display) -> Refused {
    Refused::Internal(format!("{format} encoding failed: {error}"))
}
