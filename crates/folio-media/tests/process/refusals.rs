//! Uploads that are refused, and the reason each is given.

use folio_media::{Kind, MAX_UPLOAD_BYTES, Refused, process};

use crate::fixtures::*;

const SVG: &[u8] = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
const HTML: &[u8] = b"<!doctype html><html><body><script>alert(1)</script></body></html>";

/// A valid JPEG followed by zeros up to `length`: a JPEG may carry bytes after its end, so
/// only its size can refuse it.
fn jpeg_of_length(length: usize) -> Vec<u8> {
    let mut bytes = jpeg(&gradient(64, 48));
    bytes.resize(length, 0);
    bytes
}

#[test]
fn bad_uploads_are_refused_with_the_reason() {
    let png_image = png(gradient(64, 48));
    let webp_image = webp(&gradient(64, 48));
    let cases = [
        ("an empty body", Kind::Jpeg, Vec::new(), Refused::Empty),
        (
            "a body one byte over the limit",
            Kind::Jpeg,
            jpeg_of_length(MAX_UPLOAD_BYTES + 1),
            Refused::TooLarge { limit: MAX_UPLOAD_BYTES },
        ),
        ("SVG declared as PNG", Kind::Png, SVG.to_vec(), Refused::NotThatType { declared: Kind::Png, found: None }),
        ("HTML declared as PNG", Kind::Png, HTML.to_vec(), Refused::NotThatType { declared: Kind::Png, found: None }),
        (
            "a PNG declared as JPEG",
            Kind::Jpeg,
            png_image.clone(),
            Refused::NotThatType { declared: Kind::Jpeg, found: Some(Kind::Png) },
        ),
        (
            "a JPEG declared as WebP",
            Kind::Webp,
            jpeg(&gradient(64, 48)),
            Refused::NotThatType { declared: Kind::Webp, found: Some(Kind::Jpeg) },
        ),
        ("a PNG with HTML after its IEND", Kind::Png, [png_image.as_slice(), HTML].concat(), Refused::TrailingData),
        (
            "a WebP with HTML beyond its RIFF size",
            Kind::Webp,
            [webp_image.as_slice(), HTML].concat(),
            Refused::TrailingData,
        ),
    ];
    for (name, kind, bytes, expected) in cases {
        assert_eq!(process(kind, &bytes).map(|_| ()), Err(expected), "{name}");
    }
}

#[test]
fn a_body_of_exactly_the_limit_is_accepted() {
    let processed = process(Kind::Jpeg, &jpeg_of_length(MAX_UPLOAD_BYTES));
    assert!(processed.is_ok(), "{processed:?}");
}

#[test]
fn truncated_files_are_refused_as_corrupt_with_the_reason() {
    let whole = [
        ("JPEG", Kind::Jpeg, jpeg(&gradient(640, 480))),
        ("PNG", Kind::Png, png(gradient(640, 480))),
        ("WebP", Kind::Webp, webp(&gradient(640, 480))),
    ];
    for (name, kind, bytes) in whole {
        let cut = &bytes[..bytes.len() / 2];
        match process(kind, cut) {
            Err(Refused::Corrupt(reason)) => {
                assert!(!reason.is_empty(), "{name}");
                println!("a truncated {name}: {reason}");
            }
            other => panic!("a truncated {name}: {:?}", other.map(|_| ())),
        }
    }
}

#[test]
fn a_png_with_a_broken_crc_is_refused_as_corrupt() {
    let mut bytes = png(gradient(64, 48));
    // The last byte of IHDR's CRC.
    bytes[32] ^= 0xFF;
    assert!(matches!(process(Kind::Png, &bytes), Err(Refused::Corrupt(_))));
}
