//! Checks on the upload's bytes before any decoder sees them: size, type, and where the
//! image ends.

use crate::kind::PNG_SIGNATURE;
use crate::{Kind, MAX_UPLOAD_BYTES, Refused};

/// Refuses an upload that is empty, too large, not the kind it was declared as, or carries
/// bytes after its image. JPEGs may carry them: see [`crate::process`].
pub(crate) fn check(declared: Kind, bytes: &[u8]) -> Result<(), Refused> {
    if bytes.is_empty() {
        return Err(Refused::Empty);
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(Refused::TooLarge { limit: MAX_UPLOAD_BYTES });
    }
    let found = Kind::sniff(bytes);
    if found != Some(declared) {
        return Err(Refused::NotThatType { declared, found });
    }
    let end = match declared {
        // Bytes after a JPEG's end are allowed (see `process`); a JPEG without an end is not.
        Kind::Jpeg if jpeg_end(bytes).is_none() => {
            return Err(Refused::Corrupt("the JPEG ends before its end-of-image marker".to_owned()));
        }
        Kind::Jpeg => None,
        Kind::Png => png_end(bytes),
        Kind::Webp => riff_end(bytes),
    };
    if end.is_some_and(|end| bytes.len() > end) {
        return Err(Refused::TrailingData);
    }
    Ok(())
}

/// The offset just past a JPEG's EOI marker, or `None` when the bytes end first: a file cut
/// short. Walked by hand because zune-jpeg, in the lenient mode `image` runs it in, decodes
/// a truncated file without complaint and fills the missing rows with grey. Segments are
/// skipped by their lengths (an EXIF thumbnail holds an EOI of its own), entropy-coded data
/// byte by byte; stray bytes between segments are skipped, as decoders do.
fn jpeg_end(bytes: &[u8]) -> Option<usize> {
    // After SOI.
    let mut at = 2;
    loop {
        at += bytes.get(at..)?.iter().position(|&byte| byte == 0xFF)?;
        let marker = *bytes.get(at + 1)?;
        match marker {
            // A fill byte before a marker.
            0xFF => at += 1,
            0xD9 => return Some(at + 2),
            // Markers without a length: TEM, and restarts outside a scan.
            0x01 | 0xD0..=0xD7 => at += 2,
            _ => {
                let length = u16::from_be_bytes([*bytes.get(at + 2)?, *bytes.get(at + 3)?]);
                at += 2 + usize::from(length);
                if marker == 0xDA {
                    at = scan_end(bytes, at)?;
                }
            }
        }
    }
}

/// Where the entropy-coded data that starts at `at` ends: at the first marker that is not
/// a stuffed 0xFF (0xFF00) or a restart (0xFFD0 to 0xFFD7).
fn scan_end(bytes: &[u8], mut at: usize) -> Option<usize> {
    loop {
        at += bytes.get(at..)?.iter().position(|&byte| byte == 0xFF)?;
        match *bytes.get(at + 1)? {
            0x00 | 0xD0..=0xD7 => at += 2,
            _ => return Some(at),
        }
    }
}

/// The offset just past a PNG's IEND chunk, or `None` when the chunks run past the end of the
/// bytes (a truncated file, which the decoder reports in its own words). Walked by hand: the
/// png crate stops at IEND and `image` does not say how far it read, so no decoder tells
/// what follows. CRCs are the decoder's to check.
fn png_end(bytes: &[u8]) -> Option<usize> {
    let mut at = PNG_SIGNATURE.len();
    loop {
        let header = bytes.get(at..at.checked_add(8)?)?;
        let (length, chunk_type) = header.split_at(4);
        let length = usize::try_from(u32::from_be_bytes(length.try_into().ok()?)).ok()?;
        // Length, type, data, CRC.
        let end = at.checked_add(12)?.checked_add(length)?;
        if end > bytes.len() {
            return None;
        }
        if chunk_type == b"IEND" {
            return Some(end);
        }
        at = end;
    }
}

/// The offset just past a WebP's RIFF chunk: its size field counts the bytes after the first
/// eight, and an odd size is followed by one pad byte.
fn riff_end(bytes: &[u8]) -> Option<usize> {
    let size = u32::from_le_bytes(bytes.get(4..8)?.try_into().ok()?);
    let size = usize::try_from(size).ok()?;
    8usize.checked_add(size)?.checked_add(size % 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jpeg_ends_at_its_eoi_and_not_at_one_inside_a_segment_or_stuffed_data() {
        let thumbnail_eoi = [0xFF, 0xE1, 0x00, 0x06, 0xFF, 0xD9, 0x00, 0x00];
        let scan = [0xFF, 0xDA, 0x00, 0x02, 0x12, 0xFF, 0x00, 0xFF, 0xD3, 0x34];
        let jpeg = [[0xFF, 0xD8].as_slice(), &thumbnail_eoi, &scan, &[0xFF, 0xD9]].concat();
        assert_eq!(jpeg_end(&jpeg), Some(jpeg.len()));
        let motion_photo = [jpeg.as_slice(), b"ftypmp42"].concat();
        assert_eq!(jpeg_end(&motion_photo), Some(jpeg.len()));
        assert_eq!(jpeg_end(&jpeg[..jpeg.len() - 2]), None);
        assert_eq!(jpeg_end(&jpeg[..7]), None);
    }

    fn chunk(chunk_type: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = u32::try_from(data.len()).unwrap_or(u32::MAX).to_be_bytes().to_vec();
        out.extend_from_slice(chunk_type);
        out.extend_from_slice(data);
        out.extend_from_slice(&[0; 4]);
        out
    }

    fn png(chunks: &[Vec<u8>]) -> Vec<u8> {
        let mut out = PNG_SIGNATURE.to_vec();
        chunks.iter().for_each(|c| out.extend_from_slice(c));
        out
    }

    #[test]
    fn a_png_ends_after_its_iend_chunk() {
        let bytes = png(&[chunk(b"IHDR", &[0; 13]), chunk(b"IEND", &[])]);
        assert_eq!(png_end(&bytes), Some(bytes.len()));
    }

    #[test]
    fn a_png_cut_short_has_no_end_for_the_decoder_to_judge() {
        let mut bytes = png(&[chunk(b"IHDR", &[0; 13]), chunk(b"IDAT", &[0; 100])]);
        bytes.truncate(bytes.len() - 10);
        assert_eq!(png_end(&bytes), None);
    }

    #[test]
    fn a_chunk_length_near_the_top_of_the_range_does_not_overflow() {
        let mut bytes = PNG_SIGNATURE.to_vec();
        bytes.extend_from_slice(&u32::MAX.to_be_bytes());
        bytes.extend_from_slice(b"IDAT");
        assert_eq!(png_end(&bytes), None);
    }

    #[test]
    fn a_riff_ends_where_its_size_says_plus_the_pad_byte() {
        assert_eq!(riff_end(b"RIFF\x04\0\0\0WEBP"), Some(12));
        assert_eq!(riff_end(b"RIFF\x05\0\0\0WEBP"), Some(14));
        assert_eq!(riff_end(b"RIFF"), None);
    }
}
