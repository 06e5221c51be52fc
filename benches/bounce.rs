//! Bounce speed: a 32-track x 300 s session of 24-bit 48 kHz mono media,
//! every clip with gain and fades, routed to the three stems, bounced to
//! 24-bit stems, M&E and printmaster. Reports the speed as a multiple of
//! real time and the peak resident memory.
//!
//! Run: `cargo bench --bench bounce` (media are generated once into
//! target/bench-media; set DUBSTAGE_BENCH_SECONDS to change the length).

use std::path::{Path, PathBuf};
use std::time::Instant;

use dubstage::bounce::{self, BounceOptions};
use dubstage::media::cache::MediaCache;
use dubstage::media::pool::MediaPool;
use dubstage::media::writer::{OutputFormat, WavWriter};
use dubstage::model::timecode::FrameRate;
use dubstage::model::{
    Clip, Fade, FadeShape, Output, Session, Source, StemKind, Track, TrackFormat,
};

const RATE: u32 = 48_000;
const TRACKS: usize = 32;

fn seconds() -> u64 {
    std::env::var("DUBSTAGE_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300)
}

/// One mono 24-bit file per track, filled with quiet noise.
fn make_media(dir: &Path, frames: u64) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    (0..TRACKS)
        .map(|t| {
            let path = dir.join(format!("track{t:02}-{frames}.wav"));
            if !path.exists() {
                let partial = path.with_extension("partial");
                let mut w =
                    WavWriter::create(&partial, 1, RATE, OutputFormat::Int24, None).unwrap();
                let mut x = 0x9E37_79B9u32.wrapping_mul(t as u32 + 1);
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
                std::fs::rename(&partial, &path).unwrap();
            }
            path
        })
        .collect()
}

/// Each track: clips of 20 s with 1 s gaps' worth of crossfades, gain and fades.
fn make_session(media: &[PathBuf], frames: u64) -> Session {
    let mut s = Session::new("bounce bench", RATE, FrameRate::Fps24);
    let clip_len = 20 * RATE as u64;
    for (t, path) in media.iter().enumerate() {
        let id = format!("src{t}");
        s.sources.push(Source {
            id: id.clone(),
            path: path.clone(),
        });
        let stem = StemKind::ALL[t % 3];
        let mut clips = Vec::new();
        let mut position = 0;
        let mut k = 0;
        while position < frames {
            let length = clip_len.min(frames - position);
            clips.push(Clip {
                name: String::new(),
                source: id.clone(),
                channel: 0,
                source_offset: position,
                position,
                length,
                gain_db: -1.0 - (k % 5) as f32,
                fade_in: Fade {
                    length: 4800.min(length / 2),
                    shape: FadeShape::EqualPower,
                },
                fade_out: Fade {
                    length: 4800.min(length / 2),
                    shape: FadeShape::SCurve,
                },
                dips: Vec::new(),
                mute: false,
                looped: None,
            });
            position += length;
            k += 1;
        }
        s.tracks.push(Track {
            name: format!("T{t}"),
            format: TrackFormat::Mono,
            output: Output::Stem(stem),
            fader_db: -3.0,
            pan: (t as f32 / TRACKS as f32) * 2.0 - 1.0,
            mute: false,
            clips,
            ..Default::default()
        });
    }
    s
}

/// Every track's strip as a mixer sets up dialog: a high-pass filter, the
/// four EQ bands and the compressor.
fn with_full_strips(mut session: Session) -> Session {
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

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    let secs = seconds();
    let frames = secs * RATE as u64;
    let started = Instant::now();
    let media = make_media(&target.join("bench-media"), frames);
    eprintln!("media ready in {:.1} s", started.elapsed().as_secs_f64());
    let session = make_session(&media, frames);
    let cache = MediaCache::new(target.join("bench-media").join("cache"));
    let pool = MediaPool::open(&session, Path::new("."), &cache, |_| {});
    assert!(pool.offline().next().is_none());
    let out = target.join("bench-out");
    let rss_before = peak_rss_kib();
    let mut best = f64::MAX;
    for run in 0..3 {
        let report = bounce::bounce(&session, &pool, &BounceOptions::new(&out), |_, _| {}).unwrap();
        let elapsed = report.elapsed.as_secs_f64();
        best = best.min(elapsed);
        println!(
            "run {run}: {TRACKS} tracks x {secs} s bounced in {elapsed:.2} s = {:.0}x real time",
            secs as f64 / elapsed
        );
    }
    println!(
        "best: {:.0}x real time; peak resident memory {} MiB (before bouncing: {} MiB)",
        secs as f64 / best,
        peak_rss_kib().unwrap_or(0) / 1024,
        rss_before.unwrap_or(0) / 1024
    );
    let full = with_full_strips(session);
    let report = bounce::bounce(&full, &pool, &BounceOptions::new(&out), |_, _| {}).unwrap();
    println!(
        "with HPF, 4-band EQ and compressor on every track: {:.2} s = {:.0}x real time",
        report.elapsed.as_secs_f64(),
        secs as f64 / report.elapsed.as_secs_f64()
    );
}
