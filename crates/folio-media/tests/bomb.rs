//! Decompression bombs: small files whose headers claim canvases of billions of pixels.
//!
//! This binary counts every allocation (a `cap` global allocator) and, while a bomb is
//! processed, caps the heap a few MiB above where it stood: a decoder that sized a buffer
//! from the header would fail to allocate, and the binary would abort. It has one test, so
//! that no other test allocates while the cap is on.

use std::alloc::System;
use std::time::{Duration, Instant};

use cap::Cap;
use folio_media::fixtures::{RGBA8, jpeg_claiming, png_claiming, webp_canvas, webp_claiming};
use folio_media::{Kind, Refused};

#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, usize::MAX);

/// What processing a bomb may allocate: the copy of the (tiny) input a decoder keeps, its
/// read buffers and inflate state. A pixel buffer for any of these canvases is gigabytes.
const HEADROOM: usize = 4 * 1024 * 1024;

#[test]
fn headers_claiming_huge_canvases_are_refused_before_any_pixel_buffer_is_allocated() {
    let too_many = |width, height| Refused::TooManyPixels { width, height };
    let bombs = [
        (
            "PNG whose IHDR claims 100,000 × 100,000",
            Kind::Png,
            png_claiming(100_000, 100_000, RGBA8),
            too_many(100_000, 100_000),
        ),
        ("JPEG whose SOF claims 65,535 × 65,535", Kind::Jpeg, jpeg_claiming(65_535, 65_535), too_many(65_535, 65_535)),
        ("lossless WebP claiming 16,000 × 16,000", Kind::Webp, webp_claiming(16_000, 16_000), too_many(16_000, 16_000)),
        (
            "extended WebP whose canvas is 60,000 × 60,000",
            Kind::Webp,
            webp_canvas(60_000, 60_000),
            too_many(60_000, 60_000),
        ),
        ("PNG 12,001 pixels wide and 1 high", Kind::Png, png_claiming(12_001, 1, RGBA8), too_many(12_001, 1)),
        (
            "16-bit RGBA PNG of 6,000 × 6,000 (36 MP, 288 MB decoded)",
            Kind::Png,
            png_claiming(6_000, 6_000, (16, 6)),
            Refused::TooDeep { width: 6_000, height: 6_000 },
        ),
    ];
    for (name, kind, bytes, expected) in bombs {
        assert!(bytes.len() < 2048, "{name}: the fixture is {} bytes", bytes.len());
        let before = ALLOCATOR.allocated();
        ALLOCATOR.set_limit(before + HEADROOM).expect("a limit above what is allocated");
        let started = Instant::now();
        let outcome = folio_media::process(kind, &bytes);
        let elapsed = started.elapsed();
        // An upper bound on this call's growth: the peak since the binary started.
        let peak = ALLOCATOR.max_allocated().saturating_sub(before);
        ALLOCATOR.set_limit(usize::MAX).expect("lifting the limit");

        assert_eq!(outcome.map(|_| ()), Err(expected), "{name}");
        assert!(elapsed < Duration::from_secs(1), "{name}: took {elapsed:?}");
        assert!(peak < HEADROOM, "{name}: the heap grew by {peak} bytes");
        println!("{name}: refused in {elapsed:?}, heap growth at most {} KiB", peak / 1024);
    }
}
