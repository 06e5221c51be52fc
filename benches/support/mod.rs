//! What the benchmarks share: synthetic media, clips with fades, full
//! strips, and the process's memory.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use dubstage::media::writer::{OutputFormat, WavWriter};
use dubstage::model::timecode::FrameRate;
use dubstage::model::{
    Clip, Fade, FadeShape, Output, Session, Source, StemKind, Track, TrackFormat,
};

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
    let mut noise = dubstage::dsp::noise::Noise::new(0x9E37_79B9u32.wrapping_mul(seed + 1));
    let mut block = vec![0f32; 65_536];
    let mut done = 0;
    while done < frames {
        let n = (frames - done).min(block.len() as u64) as usize;
        for s in &mut block[..n] {
            *s = noise.next().unwrap_or(0.0) * 0.1;
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

/// Tracks of the bounce benchmark's session.
pub const BOUNCE_TRACKS: usize = 32;

/// The bounce benchmark's media in `dir`: one mono 24-bit file of quiet
/// noise per track, `frames` long (written once).
pub fn bounce_media(dir: &Path, frames: u64) -> Vec<PathBuf> {
    (0..BOUNCE_TRACKS)
        .map(|t| {
            let path = dir.join(format!("track{t:02}-{frames}.wav"));
            noise_wav(&path, frames, t as u32);
            path
        })
        .collect()
}

/// The bounce benchmark's session: on each track, clips of 20 s with
/// gain and fades, to the three stems in turn, panned across.
pub fn bounce_session(media: &[PathBuf], frames: u64) -> Session {
    let mut s = Session::new("bounce bench", RATE, FrameRate::Fps24);
    let clip_len = 20 * RATE as u64;
    for (t, path) in media.iter().enumerate() {
        let id = format!("src{t}");
        s.sources.push(Source {
            id: id.clone(),
            path: path.clone(),
        });
        let mut clips = Vec::new();
        let (mut position, mut k) = (0, 0);
        while position < frames {
            let length = clip_len.min(frames - position);
            clips.push(faded_clip(
                &id,
                position,
                position,
                length,
                -1.0 - (k % 5) as f32,
            ));
            position += length;
            k += 1;
        }
        s.tracks.push(Track {
            name: format!("T{t}"),
            format: TrackFormat::Mono,
            output: Output::Stem(StemKind::ALL[t % 3]),
            fader_db: -3.0,
            pan: (t as f32 / media.len() as f32) * 2.0 - 1.0,
            clips,
            ..Default::default()
        });
    }
    s
}

/// CPU seconds used (user and system) by this process (`"self"`, every
/// thread) or this thread (`"thread-self"`), from /proc.
pub fn cpu_seconds(of: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{of}/stat")).unwrap_or_default();
    // The fields after the command name, which is in parentheses; utime
    // and stime are fields 14 and 15, i.e. 11 and 12 after the name and state.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}
