//! Shared helpers for the integration tests: media written with hound (an
//! implementation independent of dubstage's own reader and writer), sessions
//! built in code, and bounces read back.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use dubstage::bounce::{self, BounceOptions, BounceReport};
use dubstage::media::cache::MediaCache;
use dubstage::media::pool::MediaPool;
use dubstage::media::writer::OutputFormat;
use dubstage::model::timecode::FrameRate;
use dubstage::model::{
    AutoMode, Breakpoint, Bus, Clip, Dip, Fade, FadeShape, Lane, LaneTarget, LoopFill, Output,
    Session, Source, StemKind, Track, TrackFormat,
};

pub fn media_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("media")
}

/// A deterministic noise-like test signal in -0.25..0.25, different per seed,
/// exactly representable in 24 bits.
pub fn signal(frames: usize, seed: u32) -> Vec<f32> {
    let mut noise =
        dubstage::dsp::noise::Noise::new(seed.wrapping_mul(2_654_435_761).wrapping_add(12345));
    (0..frames)
        .map(|_| (noise.next_bits() as i32 >> 10) as f32 / 8_388_608.0)
        .collect()
}

/// Run the dubstage binary in `cwd` with a media cache of its own there.
pub fn dubstage(args: &[&str], cwd: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_dubstage"))
        .args(args)
        .current_dir(cwd)
        .env("DUBSTAGE_CACHE_DIR", cwd.join("cache"))
        .output()
        .expect("run dubstage")
}

/// Text of a process's output.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `x` rounded to the nearest 24-bit sample value.
pub fn q24(x: f32) -> f32 {
    (x * 8_388_608.0).round() / 8_388_608.0
}

/// Index of the first sample where `a` and `b` differ, if any.
pub fn first_difference(a: &[f32], b: &[f32]) -> Option<usize> {
    if a.len() != b.len() {
        return Some(a.len().min(b.len()));
    }
    a.iter().zip(b).position(|(x, y)| x != y)
}

/// Write planar `channels` as a 24-bit WAV at `rate` with hound.
pub fn write_wav24(path: &Path, rate: u32, channels: &[Vec<f32>]) {
    let spec = hound::WavSpec {
        channels: channels.len() as u16,
        sample_rate: rate,
        bits_per_sample: 24,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..channels[0].len() {
        for c in channels {
            w.write_sample((c[i] * 8_388_608.0).round() as i32).unwrap();
        }
    }
    w.finalize().unwrap();
}

/// Read a WAV file with hound into planar f32.
pub fn read_wav(path: &Path) -> (hound::WavSpec, Vec<Vec<f32>>) {
    let mut r = hound::WavReader::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let spec = r.spec();
    let n = spec.channels as usize;
    let mut out = vec![Vec::new(); n];
    match spec.sample_format {
        hound::SampleFormat::Float => {
            for (i, s) in r.samples::<f32>().enumerate() {
                out[i % n].push(s.unwrap());
            }
        }
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample - 1)) as f32;
            for (i, s) in r.samples::<i32>().enumerate() {
                out[i % n].push(s.unwrap() as f32 * scale);
            }
        }
    }
    (spec, out)
}

/// An empty 48 kHz session at 24 fps.
pub fn session() -> Session {
    Session::new("test", 48_000, FrameRate::Fps24)
}

pub fn source(id: &str, path: &str) -> Source {
    Source {
        id: id.into(),
        path: path.into(),
    }
}

pub fn track(name: &str, format: TrackFormat, stem: StemKind, clips: Vec<Clip>) -> Track {
    Track {
        name: name.into(),
        format,
        output: Output::Stem(stem),
        fader_db: 0.0,
        pan: 0.0,
        mute: false,
        clips,
        ..Default::default()
    }
}

/// An automation lane of `target` in `mode` through `points` (sample, value).
pub fn lane(target: LaneTarget, mode: AutoMode, points: &[(u64, f32)]) -> Lane {
    let mut lane = Lane::new(target);
    lane.mode = mode;
    lane.points = points
        .iter()
        .map(|&(at, value)| Breakpoint { at, value })
        .collect();
    lane
}

pub fn clip(source: &str, position: u64, length: u64) -> Clip {
    Clip {
        name: String::new(),
        source: source.into(),
        channel: 0,
        source_offset: 0,
        position,
        length,
        gain_db: 0.0,
        fade_in: Fade::default(),
        fade_out: Fade::default(),
        dips: Vec::new(),
        mute: false,
        looped: None,
    }
}

/// Open the pool of a session whose media live in `dir`, with a private cache.
pub fn pool(session: &Session, dir: &Path) -> MediaPool {
    let cache = MediaCache::new(dir.join("cache"));
    MediaPool::open(session, dir, &cache, |_| {})
}

/// Bounce as 32-bit float into `dir/out-<block>` and read every output back.
pub fn bounce_f32(
    session: &Session,
    dir: &Path,
    block: usize,
) -> (BounceReport, Vec<Vec<Vec<f32>>>) {
    let pool = pool(session, dir);
    let mut options = BounceOptions::new(dir.join(format!("out-{block}")));
    options.format = OutputFormat::Float32;
    options.block = block;
    let report = bounce::bounce(session, &pool, &options, |_, _| {}).expect("bounce");
    let outputs = report.outputs.iter().map(|o| read_wav(&o.path).1).collect();
    (report, outputs)
}

/// Index of an output in `bounce::OUTPUTS`.
pub fn output(name: &str) -> usize {
    bounce::OUTPUTS.iter().position(|n| *n == name).unwrap()
}

pub fn db(x: f64) -> f64 {
    20.0 * x.log10()
}

pub fn rms(x: &[f32]) -> f64 {
    (x.iter().map(|&s| (s as f64).powi(2)).sum::<f64>() / x.len().max(1) as f64).sqrt()
}

/// A session with dialog, music and effects over buses, fades, dips, a
/// crossfade and a room-tone loop: everything the engine does at once.
pub fn busy_session(dir: &std::path::Path) -> dubstage::model::Session {
    for (k, name) in ["a", "b", "c", "d"].iter().enumerate() {
        write_wav24(
            &dir.join(format!("{name}.wav")),
            48_000,
            &[signal(60_000, k as u32 + 10), signal(60_000, k as u32 + 20)],
        );
    }
    let mut s = session();
    for name in ["a", "b", "c", "d"] {
        s.sources.push(source(name, &format!("{name}.wav")));
    }
    s.buses.push(Bus {
        name: "Production".into(),
        output: Output::Stem(StemKind::DX),
        fader_db: -2.0,
        mute: false,
        ..Default::default()
    });
    let mut first = clip("a", 0, 30_000);
    first.gain_db = -3.0;
    first.fade_in = Fade {
        length: 1234,
        shape: FadeShape::SCurve,
    };
    first.fade_out = Fade {
        length: 5000,
        shape: FadeShape::EqualPower,
    };
    first.dips.push(Dip {
        start: 10_000,
        end: 12_000,
        depth_db: -6.0,
        ramp: 480,
    });
    let mut second = clip("b", 25_000, 30_000);
    second.fade_in = Fade {
        length: 5000,
        shape: FadeShape::EqualPower,
    };
    second.fade_out = Fade {
        length: 777,
        shape: FadeShape::Exponential,
    };
    let mut dx = track("Anna", TrackFormat::Mono, StemKind::DX, vec![first, second]);
    dx.output = Output::Bus("Production".into());
    dx.pan = -0.3;
    let mut tone = clip("d", 2000, 50_000);
    tone.looped = Some(LoopFill {
        length: 9000,
        crossfade: 1500,
    });
    tone.fade_out = Fade {
        length: 2000,
        shape: FadeShape::Logarithmic,
    };
    let mut room = track("Room", TrackFormat::Mono, StemKind::FX, vec![tone]);
    room.fader_db = -12.0;
    let mut music = track(
        "Score",
        TrackFormat::Stereo,
        StemKind::MX,
        vec![clip("c", 3000, 40_000)],
    );
    music.fader_db = -4.5;
    music.pan = 0.2;
    s.tracks = vec![dx, room, music];
    s.stems.fx.fader_db = 1.5;
    s
}

pub mod bwf;
pub mod damaged;
pub mod largest;
pub mod synth;
pub mod tmux;
