//! What is removed (all metadata, anything after a JPEG's end) and what is applied on the
//! way out (orientation, colour profile).

use std::io::Cursor;

use folio_media::{Encoded, Kind, Processed, process};

use crate::fixtures::*;

fn outputs(processed: &Processed) -> impl Iterator<Item = &Encoded> {
    std::iter::once(&processed.master).chain(&processed.variants).chain(std::iter::once(&processed.fallback))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// Fails unless `encoded` carries no metadata: by its container's structure, by a search for
/// what only the fixtures' metadata holds, and by an EXIF reader.
fn assert_clean(encoded: &Encoded) {
    let needles = [b"Exif\0\0".as_slice(), XMP_NAMESPACE.as_bytes(), CAMERA.as_bytes(), COMMENT.as_bytes()];
    for needle in needles {
        assert!(!contains(&encoded.bytes, needle), "{encoded:?} contains {:?}", String::from_utf8_lossy(needle));
    }
    match encoded.kind {
        Kind::Jpeg => {
            // SOI, then segments up to the first scan: only JFIF, tables and the frame header.
            let mut at = 2;
            while encoded.bytes[at + 1] != 0xDA {
                let marker = encoded.bytes[at + 1];
                assert!(
                    matches!(marker, 0xE0 | 0xDB | 0xC4 | 0xC0 | 0xC2 | 0xDD),
                    "{encoded:?} has marker {marker:02X}"
                );
                at += 2 + usize::from(u16::from_be_bytes([encoded.bytes[at + 2], encoded.bytes[at + 3]]));
            }
        }
        Kind::Png => {
            let mut at = 8;
            while at < encoded.bytes.len() {
                let length = u32::from_be_bytes(encoded.bytes[at..at + 4].try_into().expect("4 bytes")) as usize;
                let chunk_type = &encoded.bytes[at + 4..at + 8];
                assert!(matches!(chunk_type, b"IHDR" | b"IDAT" | b"IEND"), "{encoded:?} has chunk {chunk_type:?}");
                at += 12 + length;
            }
        }
        Kind::Webp => {
            let mut at = 12;
            while at < encoded.bytes.len() {
                let fourcc = &encoded.bytes[at..at + 4];
                let size = u32::from_le_bytes(encoded.bytes[at + 4..at + 8].try_into().expect("4 bytes")) as usize;
                assert!(matches!(fourcc, b"VP8 " | b"VP8L" | b"VP8X" | b"ALPH"), "{encoded:?} has chunk {fourcc:?}");
                if fourcc == b"VP8X" {
                    // ICC profile, EXIF and XMP flags.
                    assert_eq!(encoded.bytes[at + 8] & 0b0010_1100, 0, "{encoded:?} flags metadata");
                }
                at += 8 + size.next_multiple_of(2);
            }
        }
    }
    let exif = exif::Reader::new().read_from_container(&mut Cursor::new(&encoded.bytes));
    assert!(exif.is_err(), "{encoded:?} has EXIF fields");
}

fn assert_has_gps(upload: &[u8]) {
    let exif = exif::Reader::new().read_from_container(&mut Cursor::new(upload)).expect("the fixture has EXIF");
    assert!(exif.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY).is_some(), "the fixture has a position");
}

#[test]
fn a_jpeg_with_gps_exif_xmp_and_a_comment_is_stored_without_any_of_them() {
    let segments = [(0xE1, app1_exif(&exif(1))), (0xE1, app1_xmp()), (0xFE, COMMENT.as_bytes().to_vec())];
    let upload = with_jpeg_segments(&jpeg(&gradient(1000, 750)), &segments);
    assert_has_gps(&upload);

    let processed = process(Kind::Jpeg, &upload).expect("a JPEG with metadata is accepted");

    assert_eq!(processed.variants.len(), 3);
    for output in outputs(&processed) {
        assert_clean(output);
        decoded(output);
    }
}

#[test]
fn exif_orientation_6_stores_a_40_by_20_jpeg_upright_as_20_by_40() {
    // Orientation 6: the camera was turned clockwise, so the stored left edge is the top.
    let mut stored = filled(40, 20, [220, 30, 30]);
    for x in 20..40 {
        for y in 0..20 {
            stored.put_pixel(x, y, image::Rgb([30, 30, 220]));
        }
    }
    let upload = with_jpeg_segments(&jpeg(&stored), &[(0xE1, app1_exif(&exif(6)))]);

    let processed = process(Kind::Jpeg, &upload).expect("an oriented JPEG is accepted");

    assert_eq!((processed.width, processed.height), (20, 40));
    let master = decoded(&processed.master).to_rgb8();
    let top = master.get_pixel(10, 5).0;
    let bottom = master.get_pixel(10, 35).0;
    assert!(top[0] > 180 && top[2] < 80, "the top is red: {top:?}");
    assert!(bottom[2] > 180 && bottom[0] < 80, "the bottom is blue: {bottom:?}");
    for output in outputs(&processed) {
        assert!(output.height > output.width, "{output:?} is upright");
        assert_clean(output);
    }
}

#[test]
fn a_png_with_exif_and_text_chunks_is_stored_upright_without_them() {
    let chunks = [png_chunk(b"eXIf", &exif(6)), png_text_chunk("Comment", COMMENT), png_xmp_chunk()];
    let upload = with_png_chunks(&png(gradient(64, 48)), &chunks);
    assert_has_gps(&upload);

    let processed = process(Kind::Png, &upload).expect("a PNG with metadata is accepted");

    assert_eq!((processed.width, processed.height), (48, 64));
    for output in outputs(&processed) {
        assert_clean(output);
        decoded(output);
    }
}

#[test]
fn a_webp_with_exif_and_xmp_chunks_is_stored_upright_without_them() {
    let upload = webp_with_metadata(&webp(&gradient(64, 48)), 64, 48, &exif(6), &xmp());
    assert_has_gps(&upload);

    let processed = process(Kind::Webp, &upload).expect("a WebP with metadata is accepted");

    assert_eq!((processed.width, processed.height), (48, 64));
    assert_eq!(processed.master.kind, Kind::Webp);
    for output in outputs(&processed) {
        assert_clean(output);
        decoded(output);
    }
}

#[test]
fn a_display_p3_profile_is_applied_to_the_pixels_and_not_kept() {
    let p3 = moxcms::ColorProfile::new_display_p3().encode().expect("a Display P3 profile");
    let photo = jpeg(&filled(64, 48, [100, 150, 100]));
    let tagged = with_jpeg_segments(&photo, &[(0xE2, app2_icc(&p3))]);

    let untagged = process(Kind::Jpeg, &photo).expect("an untagged JPEG is accepted");
    let converted = process(Kind::Jpeg, &tagged).expect("a Display P3 JPEG is accepted");

    let as_is = decoded(&untagged.master).to_rgb8().get_pixel(32, 24).0;
    let srgb = decoded(&converted.master).to_rgb8().get_pixel(32, 24).0;
    assert!(as_is.iter().zip([100, 150, 100]).all(|(&got, want)| got.abs_diff(want) <= 3), "untouched: {as_is:?}");
    // Display P3 (100, 150, 100) is about (83, 152, 94) in sRGB.
    assert!(srgb[0] <= 90 && (145..=158).contains(&srgb[1]) && srgb[2] < 100, "converted: {srgb:?}");
    for output in outputs(&converted) {
        assert!(!contains(&output.bytes, b"ICC_PROFILE") && !contains(&output.bytes, b"ICCP"), "{output:?}");
    }
}

#[test]
fn a_motion_photo_s_video_after_the_jpeg_end_is_accepted_and_dropped() {
    let video = [b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".as_slice(), &[0xAB; 4096]].concat();
    let upload = [jpeg(&gradient(640, 480)), video].concat();

    let processed = process(Kind::Jpeg, &upload).expect("a motion photo is accepted");

    for output in outputs(&processed) {
        assert!(!contains(&output.bytes, b"ftypmp42"), "{output:?} keeps the video");
        decoded(output);
    }
}
