//! What the benchmarks share: synthetic media, clips with fades, full
//! strips, and the process's memory.

#![allow(dead_code)]

use std::path::Path;

use dubstage::media::writer::{OutputFormat, WavWriter};
use dubstage::model::{Clip, Fade, FadeShape, Session};

pub const RATE: u32 = 48_000;

/// Write `frames` of quiet noise as a 24-bit mono WAV at `path`, unless it
/// is already there (a crash never leaves a half file: it is renamed into place).
pub fn noise_wav(path: &Path, frames: u64, seed: u32) {
    if path.exists() {
        return;
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    let partial = path.with_extension("partial");
    let mut w = WavWriter::create(&partial, 1, RATE, OutputFormat::Int24, None).unwrap();
    let mut x = 0x9E37_79B9u32.wrapping_mul(seed + 1);
    let mut block = vec![0f32; 65_536];
    let mut done = 0;
    while done < frames {
        let n = (frames - done).min(block.len() as u64) as usize;
        for s in &mut block[..n] {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            *s = (x as i32 as f32) / 2_147_483_648.0 * 0.1;
        }
        w.write_planar(&[&block[..n]], n).unwrap();
        done += n as u64;
    }
    w.finish().unwrap();
    std::fs::rename(&partial, path).unwrap();
}

/// A clip with gain, an equal-power fade-in and an S-curve fade-out.
pub fn faded_clip(
    source: &str,
    source_offset: u64,
    position: u64,
    length: u64,
    gain_db: f32,
) -> Clip {
    Clip {
        name: String::new(),
        source: source.to_string(),
        channel: 0,
        source_offset,
        position,
        length,
        gain_db,
        fade_in: Fade {
            length: 2400.min(length / 2),
            shape: FadeShape::EqualPower,
        },
        fade_out: Fade {
            length: 4800.min(length / 2),
            shape: FadeShape::SCurve,
        },
        dips: Vec::new(),
        mute: false,
        looped: None,
    }
}

/// Every track's strip as a mixer sets up dialog: a high-pass filter, the
/// four EQ bands and the compressor.
pub fn with_full_strips(mut session: Session) -> Session {
    for t in &mut session.tracks {
        t.strip.hpf.on = true;
        t.strip.hpf.freq = 80.0;
        for (k, band) in t.strip.eq.iter_mut().enumerate() {
            band.on = true;
            band.gain_db = if k % 2 == 0 { 2.0 } else { -3.0 };
        }
        t.strip.compressor.on = true;
    }
    session
}

/// A memory figure of this process from /proc/self/status, in MiB
/// ("VmRSS" now, "VmHWM" at its peak).
pub fn memory_mib(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1024.0
}
