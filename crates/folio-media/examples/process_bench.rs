//! Times `folio_media::process` on a photo-like 12-megapixel JPEG built in memory, and
//! measures the memory it takes.
//!
//! ```text
//! cargo run --release -p folio-media --example process_bench [-- RUNS]
//! ```
//!
//! RUNS (default 5) runs each of three photos: upright; tagged EXIF orientation 6 (a phone
//! held upright, the common case, which costs a quarter turn of the full image); and that
//! with a Display P3 profile too, as an iPhone's photo is (a colour conversion). Each run
//! is a fresh copy of this program, given the JPEG on standard input, so that memory the
//! allocator kept from an earlier run cannot hide the next one's. Figures per run:
//! - wall time, and CPU time (the first field of /proc/self/schedstat: time on a CPU),
//!   which other work on the machine does not inflate;
//! - peak RSS growth: VmHWM (peak resident set) after the run less VmRSS before it, from
//!   /proc/self/status; it includes libwebp's allocations, which bypass Rust's allocator;
//! - peak heap growth: the most bytes Rust's allocator had out during the run less those
//!   out before it, counted by a `cap` global allocator.

use std::alloc::System;
use std::fmt::Display;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::Instant;

use cap::Cap;
use folio_media::{Kind, Processed, fixtures};

#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, usize::MAX);

const WIDTH: u32 = 4000;
const HEIGHT: u32 = 3000;
/// The argument that makes this program one measured run: `--one-run LENGTH`.
const ONE_RUN: &str = "--one-run";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag, length] if flag == ONE_RUN => one_run(or_exit(length.parse(), "LENGTH")),
        [runs] => bench(or_exit(runs.parse(), "RUNS")),
        [] => bench(5),
        _ => exit("usage: process_bench [RUNS]"),
    }
}

/// One run's figures.
struct Measure {
    millis: f64,
    cpu_millis: f64,
    rss_megabytes: f64,
    heap_megabytes: f64,
}

fn bench(runs: usize) {
    let upright = photo_jpeg();
    println!(
        "input: {WIDTH} × {HEIGHT} photo-like JPEG (gradients, texture, noise), quality 90, {:.1} MB",
        megabytes(upright.len())
    );
    let turned = fixtures::with_jpeg_segments(&upright, &[(0xE1, fixtures::app1_exif(&fixtures::exif(6)))]);
    let display_p3 = or_exit(moxcms::ColorProfile::new_display_p3().encode(), "encoding a Display P3 profile");
    let iphone = fixtures::with_jpeg_segments(&turned, &[(0xE2, fixtures::app2_icc(&display_p3))]);
    let photos =
        [("upright", &upright), ("EXIF orientation 6", &turned), ("EXIF orientation 6 and Display P3", &iphone)];
    for (name, jpeg) in photos {
        println!("\n{name}:");
        let mut measures = Vec::with_capacity(runs);
        let mut outputs = String::new();
        for run in 1..=runs {
            let (measure, described) = measured_run(jpeg);
            println!(
                "  run {run}: {:6.1} ms ({:6.1} ms CPU), peak RSS growth {:5.1} MB, peak heap growth {:5.1} MB",
                measure.millis, measure.cpu_millis, measure.rss_megabytes, measure.heap_megabytes
            );
            measures.push(measure);
            outputs = described;
        }
        for (what, unit, mut values) in [
            ("time", "ms", measures.iter().map(|m| m.millis).collect::<Vec<_>>()),
            ("CPU time", "ms", measures.iter().map(|m| m.cpu_millis).collect()),
            ("peak RSS growth", "MB", measures.iter().map(|m| m.rss_megabytes).collect()),
            ("peak heap growth", "MB", measures.iter().map(|m| m.heap_megabytes).collect()),
        ] {
            println!("  {what}: min {:.1} {unit}, median {:.1} {unit}", min(&values), median(&mut values));
        }
        print!("{outputs}");
    }
}

/// Runs `process` on `jpeg` in a fresh copy of this program: its figures, and what it
/// printed of the outputs.
fn measured_run(jpeg: &[u8]) -> (Measure, String) {
    let program = or_exit(std::env::current_exe(), "finding this program");
    let mut child = or_exit(
        Command::new(program)
            .args([ONE_RUN, &jpeg.len().to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn(),
        "starting a run",
    );
    if let Some(mut stdin) = child.stdin.take() {
        or_exit(stdin.write_all(jpeg), "sending the JPEG");
    }
    let output = or_exit(child.wait_with_output(), "waiting for a run");
    if !output.status.success() {
        exit("a run failed");
    }
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let (figures, described) = text.split_once('\n').unwrap_or((&text, ""));
    let figures: Vec<f64> = figures.split(' ').filter_map(|figure| figure.parse().ok()).collect();
    let [millis, cpu_millis, rss_megabytes, heap_megabytes] = figures[..] else {
        exit(&format!("a run printed {text:?}"));
    };
    (Measure { millis, cpu_millis, rss_megabytes, heap_megabytes }, described.to_owned())
}

/// The measured run: reads `length` bytes of JPEG from standard input, processes them and
/// prints its figures on the first line, then the outputs.
fn one_run(length: usize) {
    let mut jpeg = Vec::with_capacity(length);
    or_exit(std::io::stdin().read_to_end(&mut jpeg), "reading the JPEG");
    let rss_before = status_kib("VmRSS:");
    let heap_before = ALLOCATOR.allocated();
    let cpu_before = cpu_nanoseconds();
    let started = Instant::now();
    let processed = or_exit(folio_media::process(Kind::Jpeg, &jpeg), "processing");
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    let cpu_millis = cpu_nanoseconds().saturating_sub(cpu_before) as f64 / 1e6;
    let rss_growth = status_kib("VmHWM:").saturating_sub(rss_before) * 1024;
    let heap_growth = ALLOCATOR.max_allocated().saturating_sub(heap_before);
    println!("{millis} {cpu_millis} {} {}", megabytes(rss_growth), megabytes(heap_growth));
    describe(&processed);
}

/// Smooth gradients, texture at scales from 3 to 400 pixels (products of sines, so that a
/// downscaled variant keeps detail as a photo's does), blotches of 8 pixels and per-pixel
/// noise: something like a photo for the encoders, where flat colour or fine noise alone
/// would make the files and the work unrealistically small.
fn photo_jpeg() -> Vec<u8> {
    let mut random = xorshift(0x9E37_79B9_7F4A_7C15);
    // (period in pixels, amplitude) of each texture.
    let textures = [(400.0, 30.0), (90.0, 18.0), (23.0, 12.0), (7.0, 8.0), (3.1, 5.0)];
    let wave = |length: u32, period: f32, phase: f32| -> Vec<f32> {
        (0..length).map(|i| (i as f32 * std::f32::consts::TAU / period + phase).sin()).collect()
    };
    let columns: Vec<Vec<f32>> = textures.iter().map(|&(period, _)| wave(WIDTH, period, 0.3)).collect();
    let rows: Vec<Vec<f32>> = textures.iter().map(|&(period, _)| wave(HEIGHT, period * 1.37, 1.1)).collect();
    let blotches: Vec<f32> = (0..(WIDTH / 8 + 1) * (HEIGHT / 8 + 1)).map(|_| random() * 14.0).collect();
    let mut pixels = Vec::with_capacity((WIDTH * HEIGHT * 3) as usize);
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            let (fx, fy) = (x as f32 / WIDTH as f32, y as f32 / HEIGHT as f32);
            let texture: f32 = textures
                .iter()
                .enumerate()
                .map(|(k, &(_, amplitude))| amplitude * columns[k][x as usize] * rows[k][y as usize])
                .sum();
            let blotch = blotches[((y / 8) * (WIDTH / 8 + 1) + x / 8) as usize];
            let light = texture + blotch;
            let base =
                [90.0 + 120.0 * fx + light, 60.0 + 140.0 * fy + 0.8 * light, 200.0 - 110.0 * fx * fy + 0.5 * light];
            pixels.extend(base.map(|channel| (channel + random() * 6.0).clamp(0.0, 255.0) as u8));
        }
    }
    let mut jpeg = Vec::new();
    jpeg_encoder::Encoder::new(&mut jpeg, 90)
        .encode(&pixels, WIDTH as u16, HEIGHT as u16, jpeg_encoder::ColorType::Rgb)
        .unwrap_or_else(|error| exit(&format!("encoding the input: {error}")));
    jpeg
}

/// xorshift64, as values in -1..1: repeatable, and no dependency.
fn xorshift(mut state: u64) -> impl FnMut() -> f32 {
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }
}

/// An APP1 EXIF payload holding only an orientation.
fn describe(processed: &Processed) {
    let master = &processed.master;
    println!(
        "  master {} × {} {:?} {:.2} MB; fallback {} × {} {:?} {:.0} KB",
        master.width,
        master.height,
        master.kind,
        megabytes(master.bytes.len()),
        processed.fallback.width,
        processed.fallback.height,
        processed.fallback.kind,
        processed.fallback.bytes.len() as f64 / 1000.0
    );
    let variants: Vec<String> = processed
        .variants
        .iter()
        .map(|variant| format!("{} × {} {:.0} KB", variant.width, variant.height, variant.bytes.len() as f64 / 1000.0))
        .collect();
    println!("  WebP variants: {}", variants.join(", "));
}

/// Time this (single-threaded) process has spent on a CPU, from /proc/self/schedstat.
fn cpu_nanoseconds() -> u64 {
    let schedstat = std::fs::read_to_string("/proc/self/schedstat").unwrap_or_default();
    schedstat.split(' ').next().and_then(|field| field.parse().ok()).unwrap_or(0)
}

/// A field of /proc/self/status, in KiB.
fn status_kib(field: &str) -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn megabytes(bytes: usize) -> f64 {
    bytes as f64 / 1_000_000.0
}

fn min(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::INFINITY, f64::min)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn or_exit<T, E: Display>(result: Result<T, E>, what: &str) -> T {
    result.unwrap_or_else(|error| exit(&format!("{what}: {error}")))
}

fn exit(message: &str) -> ! {
    eprintln!("process_bench: {message}");
    std::process::exit(1)
}
