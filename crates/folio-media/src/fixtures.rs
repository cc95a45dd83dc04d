//! Uploads built in code, for tests here and in the crates that store and serve images:
//! images encoded here, metadata spliced in by hand the way cameras and editors write it, and
//! headers that claim canvases no server should allocate. Behind the `fixtures` feature, never
//! in a release build.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, Rgb, RgbImage, RgbaImage};

/// What a phone's photo of `width` × `height` carries: EXIF with the camera's make and the GPS
/// position, an XMP packet with the position again, and a comment.
pub fn phone_photo(width: u32, height: u32) -> Vec<u8> {
    let segments = [(0xE1, app1_exif(&exif(1))), (0xE1, app1_xmp()), (0xFE, COMMENT.as_bytes().to_vec())];
    with_jpeg_segments(&jpeg(&gradient(width, height)), &segments)
}

/// An opaque PNG of `width` × `height` without metadata.
pub fn png_of(width: u32, height: u32) -> Vec<u8> {
    png(gradient(width, height))
}

/// Whether `bytes` hold any of the fixtures' metadata: an EXIF header, the XMP namespace, the
/// camera's name or the comment.
pub fn reveals_metadata(bytes: &[u8]) -> bool {
    let needles = [b"Exif\0\0".as_slice(), XMP_NAMESPACE.as_bytes(), CAMERA.as_bytes(), COMMENT.as_bytes()];
    needles.iter().any(|needle| bytes.windows(needle.len()).any(|window| window == *needle))
}

/// Text that appears only in the fixtures' metadata: no output may contain it.
/// 8-bit RGBA, as `png_claiming` takes a (bit depth, colour type).
pub const RGBA8: (u8, u8) = (8, 6);

pub const CAMERA: &str = "FolioTestCam";
pub const COMMENT: &str = "Shot from the owner's balcony";
pub const XMP_NAMESPACE: &str = "http://ns.adobe.com/xap/1.0/";

/// Smooth colour across the frame, so that resizing and turning have something to show.
pub fn gradient(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 128]))
}

pub fn filled(width: u32, height: u32, color: [u8; 3]) -> RgbImage {
    RgbImage::from_pixel(width, height, Rgb(color))
}

pub fn jpeg(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 90)
        .encode(image.as_raw(), image.width() as u16, image.height() as u16, jpeg_encoder::ColorType::Rgb)
        .expect("encoding a fixture JPEG");
    out
}

pub fn png(image: impl Into<DynamicImage>) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.into().write_to(&mut out, ImageFormat::Png).expect("encoding a fixture PNG");
    out.into_inner()
}

pub fn png_rgba(image: &RgbaImage) -> Vec<u8> {
    png(DynamicImage::ImageRgba8(image.clone()))
}

/// A lossy WebP in the simple format (RIFF, then one VP8 chunk).
pub fn webp(image: &RgbImage) -> Vec<u8> {
    webp::Encoder::from_rgb(image.as_raw(), image.width(), image.height()).encode(90.0).to_vec()
}

/// `jpeg` with `segments` (marker, payload) inserted right after its SOI marker.
pub fn with_jpeg_segments(jpeg: &[u8], segments: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    for (marker, payload) in segments {
        out.extend_from_slice(&[0xFF, *marker]);
        out.extend_from_slice(&(payload.len() as u16 + 2).to_be_bytes());
        out.extend_from_slice(payload);
    }
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// `png` with `chunks` inserted right after its IHDR chunk (signature 8 bytes, IHDR 25).
pub fn with_png_chunks(png: &[u8], chunks: &[Vec<u8>]) -> Vec<u8> {
    let mut out = png[..33].to_vec();
    chunks.iter().for_each(|chunk| out.extend_from_slice(chunk));
    out.extend_from_slice(&png[33..]);
    out
}

/// A simple-format `webp` rewrapped in the extended format, with EXIF and XMP chunks.
pub fn webp_with_metadata(webp: &[u8], width: u32, height: u32, exif: &[u8], xmp: &[u8]) -> Vec<u8> {
    const EXIF_FLAG: u8 = 0x08;
    const XMP_FLAG: u8 = 0x04;
    let mut vp8x = vec![EXIF_FLAG | XMP_FLAG, 0, 0, 0];
    vp8x.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
    vp8x.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
    // After "RIFF", its size and "WEBP": the image's own chunk.
    let image_chunk = webp[12..].to_vec();
    riff(&[riff_chunk(b"VP8X", &vp8x), image_chunk, riff_chunk(b"EXIF", exif), riff_chunk(b"XMP ", xmp)])
}

pub fn png_text_chunk(keyword: &str, text: &str) -> Vec<u8> {
    png_chunk(b"tEXt", format!("{keyword}\0{text}").as_bytes())
}

pub fn png_xmp_chunk() -> Vec<u8> {
    let mut data = b"XML:com.adobe.xmp\0\0\0\0\0".to_vec();
    data.extend_from_slice(&xmp());
    png_chunk(b"iTXt", &data)
}

/// The JPEG APP1 payload for `exif`.
pub fn app1_exif(exif: &[u8]) -> Vec<u8> {
    [b"Exif\0\0".as_slice(), exif].concat()
}

pub fn app1_xmp() -> Vec<u8> {
    [XMP_NAMESPACE.as_bytes(), b"\0", &xmp()].concat()
}

/// The JPEG APP2 payload carrying a whole ICC profile as its only part.
pub fn app2_icc(profile: &[u8]) -> Vec<u8> {
    [b"ICC_PROFILE\0".as_slice(), &[1, 1], profile].concat()
}

/// An XMP packet with the position in it, as Lightroom writes one.
pub fn xmp() -> Vec<u8> {
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\
         <x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\
         <rdf:Description xmlns:xmp=\"{XMP_NAMESPACE}\" xmlns:exif=\"http://ns.adobe.com/exif/1.0/\" \
         exif:GPSLatitude=\"48,51.406N\" exif:GPSLongitude=\"2,17.67E\" xmp:CreatorTool=\"{CAMERA}\"/>\
         </rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>"
    )
    .into_bytes()
}

/// A little-endian TIFF structure as EXIF carries it: IFD0 with the camera's make, the
/// orientation and a pointer to a GPS IFD holding a latitude and longitude.
pub fn exif(orientation: u16) -> Vec<u8> {
    let gps = [
        Field::ascii(0x0001, "N"),
        Field::rationals(0x0002, &[(48, 1), (51, 1), (2436, 100)]),
        Field::ascii(0x0003, "E"),
        Field::rationals(0x0004, &[(2, 1), (17, 1), (4020, 100)]),
    ];
    let ifd0 =
        |gps_at: u32| [Field::ascii(0x010F, CAMERA), Field::short(0x0112, orientation), Field::long(0x8825, gps_at)];
    let gps_at = 8 + ifd_len(&ifd0(0)) as u32;
    let mut tiff = b"II\x2A\x00\x08\x00\x00\x00".to_vec();
    write_ifd(&mut tiff, &ifd0(gps_at));
    write_ifd(&mut tiff, &gps);
    tiff
}

/// One TIFF field: tag, type, count, and its value's little-endian bytes.
struct Field {
    tag: u16,
    kind: u16,
    count: u32,
    value: Vec<u8>,
}

impl Field {
    fn ascii(tag: u16, text: &str) -> Field {
        let value = [text.as_bytes(), b"\0"].concat();
        Field { tag, kind: 2, count: value.len() as u32, value }
    }

    fn short(tag: u16, value: u16) -> Field {
        Field { tag, kind: 3, count: 1, value: value.to_le_bytes().to_vec() }
    }

    fn long(tag: u16, value: u32) -> Field {
        Field { tag, kind: 4, count: 1, value: value.to_le_bytes().to_vec() }
    }

    fn rationals(tag: u16, values: &[(u32, u32)]) -> Field {
        let value = values.iter().flat_map(|(n, d)| [n.to_le_bytes(), d.to_le_bytes()].concat()).collect();
        Field { tag, kind: 5, count: values.len() as u32, value }
    }

    /// Values longer than four bytes live after the IFD, at an even offset.
    fn outside_len(&self) -> usize {
        if self.value.len() > 4 { self.value.len().next_multiple_of(2) } else { 0 }
    }
}

fn ifd_len(fields: &[Field]) -> usize {
    2 + 12 * fields.len() + 4 + fields.iter().map(Field::outside_len).sum::<usize>()
}

fn write_ifd(tiff: &mut Vec<u8>, fields: &[Field]) {
    let mut outside_at = tiff.len() + 2 + 12 * fields.len() + 4;
    let mut outside = Vec::new();
    tiff.extend_from_slice(&(fields.len() as u16).to_le_bytes());
    for field in fields {
        tiff.extend_from_slice(&field.tag.to_le_bytes());
        tiff.extend_from_slice(&field.kind.to_le_bytes());
        tiff.extend_from_slice(&field.count.to_le_bytes());
        if field.outside_len() == 0 {
            let mut inline = field.value.clone();
            inline.resize(4, 0);
            tiff.extend_from_slice(&inline);
        } else {
            tiff.extend_from_slice(&(outside_at as u32).to_le_bytes());
            let mut value = field.value.clone();
            value.resize(field.outside_len(), 0);
            outside_at += value.len();
            outside.extend(value);
        }
    }
    // No next IFD.
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend(outside);
}

/// A PNG chunk: length, type, data, and the CRC over type and data.
pub fn png_chunk(chunk_type: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(chunk_type);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(chunk_type);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
    out
}

/// A RIFF chunk as WebP has them: FourCC, little-endian size, data, a pad byte if odd.
pub fn riff_chunk(fourcc: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = fourcc.to_vec();
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
    out
}

/// A WebP file around `chunks`, its RIFF size counting them exactly.
pub fn riff(chunks: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = b"WEBP".iter().copied().chain(chunks.concat()).collect();
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend_from_slice(&body);
    out
}

/// A PNG whose IHDR claims `width` × `height` at `(bit depth, colour type)`.
pub fn png_claiming(width: u32, height: u32, (depth, color): (u8, u8)) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    // Deflate, adaptive filters, not interlaced.
    ihdr.extend_from_slice(&[depth, color, 0, 0, 0]);
    let mut out = vec![0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1A, b'\n'];
    out.extend(png_chunk(b"IHDR", &ihdr));
    // A zlib stream of zeros (stored block) as the start of the pixel data.
    out.extend(png_chunk(b"IDAT", &[0x78, 0x01, 0x01, 0x00, 0x01, 0xFF, 0xFE, 0x00]));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

/// A real 16 × 16 JPEG with its frame header's dimensions rewritten.
pub fn jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
    let mut jpeg = Vec::new();
    jpeg_encoder::Encoder::new(&mut jpeg, 80)
        .encode(&[128; 16 * 16 * 3], 16, 16, jpeg_encoder::ColorType::Rgb)
        .expect("a small JPEG");
    let mut at = 2;
    while jpeg[at + 1] != 0xC0 {
        at += 2 + usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
    }
    // Marker, length, precision, then height and width.
    jpeg[at + 5..at + 7].copy_from_slice(&height.to_be_bytes());
    jpeg[at + 7..at + 9].copy_from_slice(&width.to_be_bytes());
    jpeg
}

/// A lossless (VP8L) WebP whose header claims `width` × `height` (each at most 16,384).
pub fn webp_claiming(width: u32, height: u32) -> Vec<u8> {
    riff(&[vp8l(width, height)])
}

/// An extended (VP8X) WebP whose canvas is `width` × `height` (each at most 2^24), around
/// a 1 × 1 image.
pub fn webp_canvas(width: u32, height: u32) -> Vec<u8> {
    let mut vp8x = vec![0; 4];
    vp8x.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
    vp8x.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
    riff(&[riff_chunk(b"VP8X", &vp8x), vp8l(1, 1)])
}

pub fn vp8l(width: u32, height: u32) -> Vec<u8> {
    let header = (width - 1) | ((height - 1) << 14);
    let mut data = vec![0x2F];
    data.extend_from_slice(&header.to_le_bytes());
    data.extend_from_slice(&[0; 16]);
    riff_chunk(b"VP8L", &data)
}
