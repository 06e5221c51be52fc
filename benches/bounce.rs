//! Bounce speed: a 32-track x 300 s session of 24-bit 48 kHz mono media,
//! every clip with gain and fades, routed to the three stems, bounced to
//! 24-bit stems, M&E and printmaster. Reports the speed as a multiple of
//! real time and the peak resident memory.
//!
//! Run: `cargo bench --bench bounce` (media are generated once into
//! target/bench-media; set DUBSTAGE_BENCH_SECONDS to change the length).

use std::path::{Path, PathBuf};
use std::time::Instant;

mod support;

use dubstage::bounce::{self, BounceOptions};
use dubstage::media::cache::MediaCache;
use dubstage::media::pool::MediaPool;
use dubstage::model::timecode::FrameRate;
use dubstage::model::{Output, Session, Source, StemKind, Track, TrackFormat};
use support::{faded_clip, memory_mib, noise_wav, with_full_strips, RATE};

const TRACKS: usize = 32;

fn seconds() -> u64 {
    std::env::var("DUBSTAGE_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300)
}

/// One mono 24-bit file per track, filled with quiet noise.
fn make_media(dir: &Path, frames: u64) -> Vec<PathBuf> {
    (0..TRACKS)
        .map(|t| {
            let path = dir.join(format!("track{t:02}-{frames}.wav"));
            noise_wav(&path, frames, t as u32);
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

/// CPU seconds this process has used (user and system, every thread), from /proc.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which is in parentheses.
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
    let rss_before = memory_mib("VmHWM:");
    let mut best = f64::MAX;
    let mut best_cpu = f64::MAX;
    let runs: usize = std::env::var("DUBSTAGE_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    for run in 0..runs {
        let cpu = cpu_seconds();
        let report = bounce::bounce(&session, &pool, &BounceOptions::new(&out), |_, _| {}).unwrap();
        let cpu = cpu_seconds() - cpu;
        let elapsed = report.elapsed.as_secs_f64();
        best = best.min(elapsed);
        best_cpu = best_cpu.min(cpu);
        println!(
            "run {run}: {TRACKS} tracks x {secs} s bounced in {elapsed:.2} s = {:.0}x real time \
             ({cpu:.2} CPU s, all threads: {:.0}x real time per CPU second)",
            secs as f64 / elapsed,
            secs as f64 / cpu.max(0.01)
        );
    }
    println!(
        "best: {:.0}x real time ({:.0}x per CPU second); peak resident memory {:.0} MiB (before bouncing: {:.0} MiB)",
        secs as f64 / best,
        secs as f64 / best_cpu.max(0.01),
        memory_mib("VmHWM:"),
        rss_before
    );
    let full = with_full_strips(session);
    let report = bounce::bounce(&full, &pool, &BounceOptions::new(&out), |_, _| {}).unwrap();
    println!(
        "with HPF, 4-band EQ and compressor on every track: {:.2} s = {:.0}x real time",
        report.elapsed.as_secs_f64(),
        secs as f64 / report.elapsed.as_secs_f64()
    );
}
