//! Bounce speed: a 32-track x 300 s session of 24-bit 48 kHz mono media,
//! every clip with gain and fades, routed to the three stems, bounced to
//! 24-bit stems, M&E and printmaster. Reports the speed as a multiple of
//! real time and the peak resident memory.
//!
//! Run: `cargo bench --bench bounce` (media are generated once into
//! target/bench-media; set DUBSTAGE_BENCH_SECONDS to change the length).

use std::path::Path;
use std::time::Instant;

mod support;

use dubstage::bounce::{self, BounceOptions};
use dubstage::media::cache::MediaCache;
use dubstage::media::pool::MediaPool;
use support::{
    bounce_media, bounce_session, cpu_seconds, memory_mib, with_full_strips, BOUNCE_TRACKS, RATE,
};

fn seconds() -> u64 {
    std::env::var("DUBSTAGE_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300)
}

fn main() {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    let secs = seconds();
    let frames = secs * RATE as u64;
    let started = Instant::now();
    let media = bounce_media(&target.join("bench-media"), frames);
    eprintln!("media ready in {:.1} s", started.elapsed().as_secs_f64());
    let session = bounce_session(&media, frames);
    let cache = MediaCache::new(target.join("bench-media").join("cache"));
    let pool = MediaPool::open(&session, Path::new("."), &cache, |_| {});
    assert!(pool.offline().next().is_none());
    let out = target.join("bench-out");
    let rss_before = memory_mib("VmHWM:");
    let runs: usize = std::env::var("DUBSTAGE_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let bounce_best = |label: &str, session: &dubstage::model::Session| {
        let (mut best, mut best_cpu) = (f64::MAX, f64::MAX);
        for run in 0..runs {
            let cpu = cpu_seconds("self");
            let report =
                bounce::bounce(session, &pool, &BounceOptions::new(&out), |_, _| {}).unwrap();
            let cpu = cpu_seconds("self") - cpu;
            let elapsed = report.elapsed.as_secs_f64();
            best = best.min(elapsed);
            best_cpu = best_cpu.min(cpu);
            println!(
                "{label}, run {run}: {BOUNCE_TRACKS} tracks x {secs} s bounced in {elapsed:.2} s = \
                 {:.0}x real time ({cpu:.2} CPU s, all threads: {:.0}x real time per CPU second)",
                secs as f64 / elapsed,
                secs as f64 / cpu.max(0.01)
            );
        }
        println!(
            "{label}, best: {:.0}x real time ({:.0}x per CPU second)",
            secs as f64 / best,
            secs as f64 / best_cpu.max(0.01),
        );
    };
    bounce_best("clips with gain and fades", &session);
    println!(
        "peak resident memory {:.0} MiB (before bouncing: {:.0} MiB)",
        memory_mib("VmHWM:"),
        rss_before
    );
    bounce_best(
        "with HPF, 4-band EQ and compressor on every track",
        &with_full_strips(session.clone()),
    );
}
