//! Where a bounce's time goes: each stage of `dubstage bounce` run alone on
//! one thread over the bounce benchmark's session (32 mono tracks routed to
//! the stems), timed in CPU seconds of that thread, so that other programs
//! on the machine matter less than for the wall clock.
//!
//! Run `cargo bench --bench bounce` once first (it writes the media), then
//! `cargo run --release --example bounce_stages`. DUBSTAGE_BENCH_SECONDS
//! as for the benchmark.

#[path = "../benches/support/mod.rs"]
mod support;

use std::path::Path;

use dubstage::engine::offline::OfflineRenderer;
use dubstage::engine::plan::Plan;
use dubstage::loudness::{LoudnessMeter, Meter, PeakMeter};
use dubstage::media::cache::MediaCache;
use dubstage::media::pool::MediaPool;
use dubstage::media::writer::{OutputFormat, WavWriter};
use support::{bounce_session, cpu_seconds, BOUNCE_TRACKS, RATE};

const BLOCK: usize = 4096;

fn timed(label: &str, seconds: f64, work: impl FnOnce()) {
    let (cpu, wall) = (cpu_seconds("thread-self"), std::time::Instant::now());
    work();
    let (cpu, wall) = (
        cpu_seconds("thread-self") - cpu,
        wall.elapsed().as_secs_f64(),
    );
    println!(
        "{label:<44} {cpu:6.2} CPU s ({:5.0}x real time per CPU s), {wall:6.2} s wall",
        seconds / cpu.max(0.01)
    );
}

fn main() {
    let secs: u64 = std::env::var("DUBSTAGE_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let frames = secs * RATE as u64;
    let media = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-media");
    let paths: Vec<_> = (0..BOUNCE_TRACKS)
        .map(|t| media.join(format!("track{t:02}-{frames}.wav")))
        .collect();
    assert!(
        paths.iter().all(|p| p.exists()),
        "run cargo bench --bench bounce first"
    );
    let s = bounce_session(&paths, frames);
    let cache = MediaCache::new(media.join("cache"));
    let pool = MediaPool::open(&s, Path::new("."), &cache, |_| {});
    let plan = Plan::compile(&s, &pool, BLOCK);
    let channels = plan.channels;

    // Render once, keeping the PM for the other stages.
    let mut pm: Vec<Vec<f32>> = vec![Vec::with_capacity(frames as usize); channels];
    let mut renderer = OfflineRenderer::new(plan, &pool);
    timed(
        "render (32 tracks to DX, MX, FX, ME, PM)",
        secs as f64,
        || {
            let mut done = 0;
            while done < frames {
                let n = (frames - done).min(BLOCK as u64) as usize;
                renderer.render(done, n).unwrap();
                for (c, plane) in pm.iter_mut().enumerate() {
                    plane.extend_from_slice(&renderer.plan().printmaster_buffer[c][..n]);
                }
                done += n as u64;
            }
        },
    );
    let blocks = |f: &mut dyn FnMut(&[&[f32]])| {
        for start in (0..frames as usize).step_by(BLOCK) {
            let end = (start + BLOCK).min(frames as usize);
            let planes: Vec<&[f32]> = pm.iter().map(|p| &p[start..end]).collect();
            f(&planes);
        }
    };
    let five = secs as f64 * 5.0;
    timed("write 5 outputs, 24-bit (one output x 5)", five, || {
        let dir = tempfile_dir();
        for k in 0..5 {
            let mut w = WavWriter::create(
                &dir.join(format!("{k}.wav")),
                channels,
                RATE,
                OutputFormat::Int24,
                None,
            )
            .unwrap();
            blocks(&mut |p| w.write_planar(p, p[0].len()).unwrap());
            w.finish().unwrap();
        }
    });
    timed("loudness (BS.1770, 5 ms grid) x 5 outputs", five, || {
        for _ in 0..5 {
            let mut m = LoudnessMeter::new(channels, RATE).unwrap();
            blocks(&mut |p| m.add(p));
            std::hint::black_box(m.integrated());
        }
    });
    timed("true and sample peak x 5 outputs", five, || {
        for _ in 0..5 {
            let mut m = PeakMeter::new(channels);
            blocks(&mut |p| m.add(p));
            std::hint::black_box(m.true_peaks());
        }
    });
    timed("the full meter x 5 outputs", five, || {
        for _ in 0..5 {
            let mut m = Meter::new(channels, RATE).unwrap();
            blocks(&mut |p| m.add(p));
            std::hint::black_box(m.reading());
        }
    });
    timed(
        "ebur128 crate, I + LRA + true peak (reference)",
        secs as f64,
        || {
            use ebur128::{EbuR128, Mode};
            let mut m =
                EbuR128::new(channels as u32, RATE, Mode::I | Mode::LRA | Mode::TRUE_PEAK).unwrap();
            blocks(&mut |p| m.add_frames_planar_f32(p).unwrap());
            std::hint::black_box(m.loudness_global().unwrap());
        },
    );
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-out/stages");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
