//! Loudness measurement speed, as a multiple of real time.
//!
//! 1. A 90-minute printmaster streamed through the full meter (BS.1770
//!    loudness on the 5 ms grid, loudness range, true peak) on one thread,
//!    in stereo and in 5.1: what a bounce does for each output.
//! 2. `dubstage loudness` on a WAV file (decoding included, the loudness and
//!    the peaks on two threads), stereo and 5.1; the files are 10 minutes
//!    long, written once into target/bench-media.
//!
//! Each figure is given twice: against the wall clock, and against the CPU
//! time the process used (which does not suffer when other programs share
//! the machine; for the file, both threads' time is added up).
//!
//! Run: `cargo bench --bench loudness`. DUBSTAGE_BENCH_MINUTES changes the
//! streamed length (default 90) and DUBSTAGE_BENCH_FILE_MINUTES the files'
//! (default 10).

use std::path::{Path, PathBuf};
use std::time::Instant;

mod support;

use support::cpu_seconds;

use dubstage::loudness::file::measure_file;
use dubstage::loudness::Meter;
use dubstage::media::writer::{OutputFormat, WavWriter};

const RATE: u32 = 48_000;
const BLOCK: usize = 4096;

/// Wall-clock and CPU-time speeds of measuring `seconds` of audio.
struct Speed {
    wall: f64,
    cpu: f64,
}

impl Speed {
    fn time(seconds: f64, work: impl FnOnce()) -> Speed {
        let (started, cpu) = (Instant::now(), cpu_seconds("self"));
        work();
        Speed {
            wall: seconds / started.elapsed().as_secs_f64(),
            cpu: seconds / (cpu_seconds("self") - cpu).max(0.01),
        }
    }
}

impl std::fmt::Display for Speed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.0}x real time (wall clock), {:.0}x per CPU second",
            self.wall, self.cpu
        )
    }
}

fn minutes(var: &str, default: u64) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// Ten seconds of programme-like noise per channel, with a slow swell,
/// looped to any length.
fn material(channels: usize) -> Vec<Vec<f32>> {
    (0..channels)
        .map(|c| {
            dubstage::dsp::noise::Noise::new(0x9E37_79B9u32.wrapping_mul(c as u32 + 1))
                .take(10 * RATE as usize)
                .enumerate()
                .map(|(i, x)| {
                    let swell = 0.2 + 0.15 * (i as f32 * 2.0e-5).sin();
                    x * swell
                })
                .collect()
        })
        .collect()
}

fn stream(channels: usize, minutes: u64) -> Speed {
    let material = material(channels);
    let frames = minutes * 60 * RATE as u64;
    let mut meter = Meter::new(channels, RATE).unwrap();
    let mut reading = None;
    let speed = Speed::time(frames as f64 / RATE as f64, || {
        let mut done = 0u64;
        let mut at = 0usize;
        let mut planes: Vec<&[f32]> = Vec::with_capacity(channels);
        while done < frames {
            let n = BLOCK
                .min((frames - done) as usize)
                .min(material[0].len() - at);
            planes.clear();
            planes.extend(material.iter().map(|m| &m[at..at + n]));
            meter.add(&planes);
            done += n as u64;
            at = (at + n) % material[0].len();
        }
        reading = Some(meter.reading());
    });
    let reading = reading.expect("measured");
    println!(
        "meter, {channels} ch x {minutes} min: {speed} (I {:.1} LUFS, LRA {:.1} LU, TP {:.1} dBTP)",
        reading.integrated.unwrap_or(f64::NEG_INFINITY),
        reading.loudness_range,
        reading.true_peak.unwrap_or(f64::NEG_INFINITY)
    );
    speed
}

fn bench_file(dir: &Path, channels: usize, minutes: u64) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join(format!("programme-{channels}ch-{minutes}min.wav"));
    if !path.exists() {
        let partial = path.with_extension("partial");
        let mut w = WavWriter::create(&partial, channels, RATE, OutputFormat::Int24, None).unwrap();
        let material = material(channels);
        let frames = minutes * 60 * RATE as u64;
        let mut done = 0u64;
        while done < frames {
            let n = (material[0].len() as u64).min(frames - done) as usize;
            let planes: Vec<&[f32]> = material.iter().map(|m| &m[..n]).collect();
            w.write_planar(&planes, n).unwrap();
            done += n as u64;
        }
        w.finish().unwrap();
        std::fs::rename(&partial, &path).unwrap();
    }
    path
}

fn file(path: &Path) -> Speed {
    let seconds = measure_file(path).unwrap().seconds; // also warms the page cache
    let speed = Speed::time(seconds, || {
        measure_file(path).unwrap();
    });
    println!(
        "dubstage loudness {} ({seconds:.0} s): {speed}",
        path.file_name().unwrap().to_string_lossy(),
    );
    speed
}

fn main() {
    let stream_minutes = minutes("DUBSTAGE_BENCH_MINUTES", 90);
    let file_minutes = minutes("DUBSTAGE_BENCH_FILE_MINUTES", 10);
    let stereo = stream(2, stream_minutes);
    let surround = stream(6, stream_minutes);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-media");
    let stereo_file = file(&bench_file(&dir, 2, file_minutes));
    let surround_file = file(&bench_file(&dir, 6, file_minutes));
    println!(
        "summary (wall clock): meter on one thread {:.0}x stereo, {:.0}x 5.1; \
         dubstage loudness on a file {:.0}x stereo, {:.0}x 5.1; target 500x for stereo",
        stereo.wall, surround.wall, stereo_file.wall, surround_file.wall
    );
}
