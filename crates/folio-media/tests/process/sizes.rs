//! The sizes and kinds of what is stored: the master, the WebP variants and the fallback.

use folio_media::{Kind, MASTER_MAX_SIDE, Processed, process};
use image::{Rgba, RgbaImage};

use crate::fixtures::*;

fn sizes(processed: &Processed) -> Vec<(u32, u32)> {
    processed.variants.iter().map(|variant| (variant.width, variant.height)).collect()
}

fn assert_variants_are_webp(processed: &Processed) {
    for variant in &processed.variants {
        assert_eq!(variant.kind, Kind::Webp);
        decoded(variant);
    }
}

#[test]
fn a_2000_by_1500_image_gets_webp_variants_at_480_960_and_1600_with_proportional_heights() {
    let processed = process(Kind::Jpeg, &jpeg(&gradient(2000, 1500))).expect("accepted");

    assert_eq!(sizes(&processed), [(480, 360), (960, 720), (1600, 1200)]);
    assert_variants_are_webp(&processed);
    assert_eq!((processed.width, processed.height), (2000, 1500));
    assert_eq!(processed.master.kind, Kind::Jpeg);
    decoded(&processed.master);
}

#[test]
fn a_700_wide_image_gets_variants_at_480_and_its_own_width() {
    let processed = process(Kind::Jpeg, &jpeg(&gradient(700, 500))).expect("accepted");

    assert_eq!(sizes(&processed), [(480, 343), (700, 500)]);
    assert_variants_are_webp(&processed);
}

#[test]
fn a_300_wide_image_gets_one_variant_at_its_own_width() {
    let processed = process(Kind::Png, &png(gradient(300, 200))).expect("accepted");

    assert_eq!(sizes(&processed), [(300, 200)]);
    assert_variants_are_webp(&processed);
}

#[test]
fn an_opaque_image_falls_back_to_jpeg_at_the_widest_variant_s_size() {
    let processed = process(Kind::Webp, &webp(&gradient(2000, 1500))).expect("accepted");

    assert_eq!(processed.fallback.kind, Kind::Jpeg);
    assert_eq!((processed.fallback.width, processed.fallback.height), (1600, 1200));
    decoded(&processed.fallback);
}

#[test]
fn an_image_with_transparency_falls_back_to_png_and_keeps_it() {
    let mut image = RgbaImage::from_pixel(800, 600, Rgba([40, 90, 200, 255]));
    for x in 0..400 {
        for y in 0..600 {
            image.put_pixel(x, y, Rgba([0, 0, 0, 0]));
        }
    }
    let processed = process(Kind::Png, &png_rgba(&image)).expect("accepted");

    assert_eq!(processed.fallback.kind, Kind::Png);
    assert_eq!((processed.fallback.width, processed.fallback.height), (800, 600));
    assert_eq!(decoded(&processed.fallback).to_rgba8().get_pixel(100, 300).0[3], 0);
    for variant in &processed.variants {
        let pixels = decoded(variant).to_rgba8();
        assert_eq!(pixels.get_pixel(variant.width / 8, variant.height / 2).0[3], 0, "{variant:?}");
    }
    assert_eq!(decoded(&processed.master).to_rgba8().get_pixel(100, 300).0[3], 0);
}

#[test]
fn a_png_whose_alpha_hides_nothing_falls_back_to_jpeg() {
    let image = RgbaImage::from_pixel(640, 480, Rgba([40, 90, 200, 255]));
    let processed = process(Kind::Png, &png_rgba(&image)).expect("accepted");

    assert_eq!(processed.fallback.kind, Kind::Jpeg);
    assert_eq!(processed.master.kind, Kind::Png);
}

#[test]
fn the_master_keeps_the_upload_s_kind_with_its_long_side_capped() {
    let uploads = [(Kind::Jpeg, jpeg(&gradient(4200, 100))), (Kind::Png, png(gradient(100, 4200)))];
    for (kind, upload) in uploads {
        let processed = process(kind, &upload).expect("accepted");
        let master = &processed.master;
        assert_eq!(master.kind, kind);
        assert_eq!(master.width.max(master.height), MASTER_MAX_SIDE);
        assert_eq!(master.width.min(master.height), 98);
        assert_eq!((processed.width, processed.height), (master.width, master.height));
        decoded(master);
    }
}

#[test]
fn a_16_bit_png_is_stored_with_8_bits_a_channel() {
    let deep = image::ImageBuffer::<image::Rgb<u16>, _>::from_fn(64, 48, |x, y| {
        image::Rgb([x as u16 * 1000, y as u16 * 1000, 30_000])
    });
    let processed = process(Kind::Png, &png(deep)).expect("accepted");

    assert_eq!(decoded(&processed.master).color(), image::ColorType::Rgb8);
}

#[test]
fn a_greyscale_jpeg_is_stored_as_rgb() {
    let grey = image::GrayImage::from_fn(640, 480, |x, _| image::Luma([(x % 256) as u8]));
    let mut upload = Vec::new();
    jpeg_encoder::Encoder::new(&mut upload, 90)
        .encode(grey.as_raw(), 640, 480, jpeg_encoder::ColorType::Luma)
        .expect("a greyscale JPEG");
    let processed = process(Kind::Jpeg, &upload).expect("accepted");

    assert_eq!(sizes(&processed), [(480, 360), (640, 480)]);
    decoded(&processed.master);
}
