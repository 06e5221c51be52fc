//! Playback: the realtime engine's cost per 256-frame cycle for 64 tracks of
//! clips with gain and fades (bare, with full strips, with limiters, with
//! four reverb buses fed by sends), as a share of the cycle's period; resident
//! memory while playing a 2-hour and a 10-minute 64-track session; and,
//! when DUBSTAGE_BENCH_XRUN_SECONDS is set, xruns while playing through
//! `jackd -d dummy -p 128` for that long.
//!
//! Run: `cargo bench --bench playback` (media are generated once into
//! target/bench-media/playback).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod support;

use dubstage::audio::{build, Engine, EngineOptions};
use dubstage::engine::msg::{ToEngine, TransportState};
use dubstage::media::cache::MediaCache;
use dubstage::media::pool::MediaPool;
use dubstage::model::timecode::FrameRate;
use dubstage::model::{Output, Session, Source, StemKind, Track, TrackFormat};
use ringbuf::traits::Consumer;
use support::{faded_clip, memory_mib, noise_wav, with_full_strips, RATE};

const TRACKS: usize = 64;
const CYCLE: usize = 256;
/// Distinct media files the clips draw on (each 60 s).
const FILES: usize = 16;

fn media(dir: &Path) -> Vec<PathBuf> {
    (0..FILES)
        .map(|f| {
            let path = dir.join(format!("src{f:02}.wav"));
            noise_wav(&path, 60 * RATE as u64, f as u32 + 100);
            path
        })
        .collect()
}

/// 64 tracks of 10-second clips, each with gain and fades, end to end for `seconds`.
fn session(files: &[PathBuf], seconds: u64) -> Session {
    let mut s = Session::new("playback bench", RATE, FrameRate::Fps24);
    for (f, path) in files.iter().enumerate() {
        s.sources.push(Source {
            id: format!("s{f}"),
            path: path.clone(),
        });
    }
    let clip = 10 * RATE as u64;
    for t in 0..TRACKS {
        let mut clips = Vec::new();
        let mut position = (t as u64 * 997) % clip;
        let mut k = t;
        while position + clip <= seconds * RATE as u64 {
            let offset = (k as u64 * 12_345) % (40 * RATE as u64);
            clips.push(faded_clip(
                &format!("s{}", k % FILES),
                offset,
                position,
                clip,
                -3.0,
            ));
            position += clip;
            k += 7;
        }
        s.tracks.push(Track {
            name: format!("T{t}"),
            format: TrackFormat::Mono,
            output: Output::Stem(StemKind::ALL[t % 3]),
            fader_db: -6.0,
            pan: 0.0,
            mute: false,
            clips,
            ..Default::default()
        });
    }
    s
}

/// Drive the realtime engine by hand at `speed` times real time from
/// `start` for `cycles` cycles; the cost of each cycle in seconds.
fn drive(
    session: &Session,
    pool: &Arc<MediaPool>,
    start: u64,
    cycles: usize,
    speed: f64,
) -> (Vec<f64>, u32) {
    let (mut rt, mut wiring) = build(session, pool, 1, start).unwrap();
    let _ = ringbuf::traits::Producer::try_push(&mut wiring.commands, ToEngine::Play);
    // Let the butler fill before timing.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !(rt.is_rolling() && rt.position() > start) && Instant::now() < deadline {
        rt.run(CYCLE, RATE, 0);
        std::thread::sleep(Duration::from_millis(1));
    }
    let period = Duration::from_secs_f64(CYCLE as f64 / RATE as f64 / speed);
    let mut costs = Vec::with_capacity(cycles);
    let mut next = Instant::now();
    let mut underruns = 0;
    let mut tap_scratch = Vec::new();
    for _ in 0..cycles {
        let t = Instant::now();
        rt.run(CYCLE, RATE, 0);
        costs.push(t.elapsed().as_secs_f64());
        // Drain the loudness tap as the console's meters would.
        while wiring.loudness.pop(&mut tap_scratch).is_some() {}
        while let Some(report) = wiring.reports.try_pop() {
            if let dubstage::engine::msg::FromEngine::Counters { underruns: u, .. } = report {
                underruns = u;
            }
        }
        next += period;
        if let Some(wait) = next.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
    (costs, underruns)
}

fn report_cost(label: &str, mut costs: Vec<f64>) {
    let period = CYCLE as f64 / RATE as f64;
    costs.sort_by(f64::total_cmp);
    let mean = costs.iter().sum::<f64>() / costs.len() as f64;
    let p99 = costs[costs.len() * 99 / 100];
    let max = costs[costs.len() - 1];
    println!(
        "{label}: per 256-frame cycle mean {:.1} us = {:.2}% of the period, p99 {:.2}%, max {:.2}%",
        mean * 1e6,
        mean / period * 100.0,
        p99 / period * 100.0,
        max / period * 100.0
    );
}

fn main() {
    let target = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-media")
        .join("playback");
    let files = media(&target);
    let cache = MediaCache::new(target.join("cache"));
    let base = memory_mib("VmRSS:");

    let short = session(&files, 600);
    let pool = Arc::new(MediaPool::open(&short, Path::new("."), &cache, |_| {}));
    let (costs, underruns) = drive(&short, &pool, 0, 4000, 8.0);
    report_cost("10 min x 64 tracks", costs);
    println!("  underruns {underruns}; resident memory while playing {:.0} MiB (process before: {base:.0} MiB)", memory_mib("VmRSS:"));

    tap_cost(&short, &pool);

    let full = with_full_strips(short.clone());
    let (costs, underruns) = drive(&full, &pool, 0, 4000, 8.0);
    report_cost(
        "10 min x 64 tracks with HPF, 4-band EQ and compressor",
        costs,
    );
    println!("  underruns {underruns}");

    // The output stage at its dearest: a true-peak limiter on every stem
    // and on the printmaster.
    let mut limited = full.clone();
    for k in StemKind::ALL {
        limited.stems.strip_mut(k).limiter.on = true;
    }
    limited.printmaster.limiter.on = true;
    let (costs, underruns) = drive(&limited, &pool, 0, 4000, 8.0);
    report_cost("  the same with limiters on DX, MX, FX and PM", costs);
    println!("  underruns {underruns}");

    // Full strips and four reverb returns, every track sending to one.
    let mut reverbs = full.clone();
    for k in 0..4 {
        let mut bus = dubstage::model::Bus {
            name: format!("Verb {}", k + 1),
            output: Output::Stem(StemKind::FX),
            solo_safe: true,
            ..Default::default()
        };
        bus.strip.reverb.on = true;
        bus.strip.reverb.mix = 100.0;
        bus.strip.reverb.decay_s = 1.0 + k as f32;
        reverbs.buses.push(bus);
    }
    for (i, t) in reverbs.tracks.iter_mut().enumerate() {
        t.sends.push(dubstage::model::Send {
            bus: format!("Verb {}", i % 4 + 1),
            level_db: -10.0,
            pre_fader: false,
        });
    }
    let (costs, underruns) = drive(&reverbs, &pool, 0, 4000, 8.0);
    report_cost(
        "  the same (no limiters) with 4 reverb buses fed by sends",
        costs,
    );
    println!("  underruns {underruns}");

    let long = session(&files, 7200);
    let pool = Arc::new(MediaPool::open(&long, Path::new("."), &cache, |_| {}));
    for start_minute in [0u64, 60, 119] {
        let (costs, underruns) = drive(&long, &pool, start_minute * 60 * RATE as u64, 4000, 8.0);
        report_cost(
            &format!("2 h x 64 tracks from minute {start_minute}"),
            costs,
        );
        println!(
            "  underruns {underruns}; resident memory while playing {:.0} MiB",
            memory_mib("VmRSS:")
        );
    }

    if let Some(seconds) = std::env::var("DUBSTAGE_BENCH_XRUN_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
    {
        xrun_soak(&long, &pool, seconds);
    }
}

/// What the loudness tap adds to a cycle: copying a 256-frame block of the
/// stems, M&E and printmaster into its ring.
fn tap_cost(session: &Session, pool: &Arc<MediaPool>) {
    let plan = dubstage::engine::plan::Plan::compile(session, pool, CYCLE);
    let (mut writer, mut reader) =
        dubstage::engine::tap::tap(plan.channels, dubstage::engine::tap::TAP_FRAMES);
    let mut scratch = Vec::new();
    let rounds = 200_000;
    let started = Instant::now();
    for i in 0..rounds {
        writer.push(&plan, CYCLE, (i * CYCLE) as u64, 1);
        if i % 32 == 31 {
            while reader.pop(&mut scratch).is_some() {}
        }
    }
    let each = started.elapsed().as_secs_f64() / rounds as f64;
    let period = CYCLE as f64 / RATE as f64;
    println!(
        "loudness tap: {:.2} us per 256-frame cycle (with the meters' draining) = {:.3}% of the period; {} blocks dropped",
        each * 1e6,
        each / period * 100.0,
        reader.dropped()
    );
}

/// Play through `jackd -d dummy -p 128` for `seconds` and count xruns.
fn xrun_soak(session: &Session, pool: &Arc<MediaPool>, seconds: u64) {
    let name = format!("dubstage-bench-{}", std::process::id());
    let mut server = Command::new("jackd")
        .args(["-n", &name, "-d", "dummy", "-r", "48000", "-p", "128"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("jackd");
    std::env::set_var("JACK_DEFAULT_SERVER", &name);
    std::thread::sleep(Duration::from_secs(2));
    let mut engine = Engine::start(session, Arc::clone(pool), EngineOptions::default()).unwrap();
    engine.send(ToEngine::Play);
    let started = Instant::now();
    let mut peak_rss = 0f64;
    while started.elapsed() < Duration::from_secs(seconds) {
        std::thread::sleep(Duration::from_millis(200));
        engine.poll(|_| {});
        peak_rss = peak_rss.max(memory_mib("VmRSS:"));
    }
    let status = engine.status().clone();
    println!(
        "jackd -p 128, {seconds} s on {:?}: {} xruns, {} underruns, DSP load {:.1}%, state {:?}, resident memory up to {peak_rss:.0} MiB",
        status.backend,
        status.xruns,
        status.underruns,
        status.dsp_load * 100.0,
        status.state
    );
    assert_eq!(status.state, TransportState::Rolling);
    drop(engine);
    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    let _ = server.wait();
}
