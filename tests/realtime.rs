//! The realtime engine driven by hand, cycle by cycle, with its butler
//! running: it allocates nothing, and it plays exactly what a bounce writes,
//! through locates, loops and plan swaps. Its loudness tap feeds live
//! meters that read what the bounce's meters read.

// Several arrays are compared index by index.
#![allow(clippy::needless_range_loop)]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use assert_no_alloc::{assert_no_alloc, reset_violation_count, violation_count, AllocDisabler};
use common::*;
use dubstage::audio::{build, Wiring};
use dubstage::engine::automation::{Automation, Owner, Param};
use dubstage::engine::live_loudness::{LiveMeters, LiveReadings};
use dubstage::engine::live_plan::LivePlan;
use dubstage::engine::msg::{FromEngine, ToEngine};
use dubstage::engine::realtime::Realtime;
use dubstage::model::limiter::LimiterParam;
use dubstage::model::strip::StripParam;
use dubstage::model::Session;
use dubstage::model::{AutoMode, Breakpoint, Lane, LaneTarget};
use ringbuf::traits::{Consumer, Producer};

#[global_allocator]
static ALLOCATOR: AllocDisabler = AllocDisabler;

const RATE: u32 = 48_000;
const CYCLE: usize = 256;
/// The printmaster's left channel in the engine's outputs (after DX, MX, FX, ME).
const PM_L: usize = 8;

struct Rig {
    rt: Realtime,
    wiring: Wiring,
    retired: usize,
    /// The live loudness meters, drained after every cycle.
    live: LiveMeters,
}

impl Rig {
    fn new(session: &Session, dir: &std::path::Path) -> Rig {
        let pool = Arc::new(pool(session, dir));
        let (rt, wiring) = build(session, &pool, 1, 0).unwrap();
        Rig {
            rt,
            wiring,
            retired: 0,
            live: LiveMeters::new(session.sample_rate),
        }
    }

    fn send(&mut self, command: ToEngine) {
        assert!(self.wiring.commands.try_push(command).is_ok());
    }

    /// One cycle, under the allocation guard; the timeline positions of the
    /// audio it rolled (wrapping at the loop end, if any).
    fn cycle(&mut self, looped: Option<(u64, u64)>) -> Vec<u64> {
        let rt = &mut self.rt;
        assert_no_alloc(|| rt.run(CYCLE, RATE, 0));
        self.live.drain(&mut self.wiring.loudness);
        while let Some(report) = self.wiring.reports.try_pop() {
            if let FromEngine::Retired(plan) = report {
                self.retired += 1;
                drop(plan);
            }
        }
        let (start, count) = self.rt.last_rolled();
        let mut positions = Vec::with_capacity(count);
        let mut p = start;
        for _ in 0..count {
            positions.push(p);
            p += 1;
            if looped.is_some_and(|(_, b)| p == b) {
                p = looped.map_or(p, |(a, _)| a);
            }
        }
        positions
    }

    /// Cycle until rolling, giving the butler time to fill.
    fn wait_rolling(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            self.cycle(None);
            if self.rt.is_rolling() && self.rt.position() > 0 || Instant::now() > deadline {
                break;
            }
            if !self.rt.is_rolling() || self.rt.position() == 0 {
                std::thread::sleep(Duration::from_millis(2));
            }
        }
    }
}

#[test]
fn the_realtime_thread_never_allocates() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = busy_session(dir.path());
    // Full strips, a send and an aux bus, so that all of process() runs.
    for t in &mut session.tracks {
        t.strip.hpf.on = true;
        t.strip.eq[1].on = true;
        t.strip.eq[1].gain_db = 3.0;
        t.strip.gate.on = true;
        t.strip.compressor.on = true;
        t.strip.hum.on = true;
        t.strip.hum.harmonics = 8;
        t.sends.push(dubstage::model::Send {
            bus: "Production".into(),
            level_db: -12.0,
            pre_fader: t.name == "Room",
        });
    }
    session.buses[0].strip.compressor.on = true;
    // A reverb return on the aux bus the sends feed.
    session.buses[0].strip.reverb.on = true;
    session.buses[0].strip.reverb.mix = 100.0;
    // A denoiser on the first track (automated below) and on the last (not),
    // the others delayed to keep in step.
    for t in [0, session.tracks.len() - 1] {
        let denoise = &mut session.tracks[t].strip.denoise;
        denoise.on = true;
        denoise.amount_db = 18.0;
        denoise.profile = Some([-40.0; dubstage::model::strip::NOISE_BANDS]);
    }
    // Automation on every kind of lane, read and being written; the last
    // two tracks stay without, so that their strips run side by side.
    let mut extra = session.tracks[0].clone();
    extra.name = "Anna (split)".into();
    session.tracks.push(extra);
    let automated = session.tracks.len() - 2;
    assert!(automated >= 2);
    for t in session.tracks.iter_mut().take(automated) {
        for (target, a, b) in [
            (LaneTarget::Volume, -3.0, 0.0),
            (LaneTarget::Pan, -0.5, 0.5),
            (LaneTarget::Mute, 0.0, 0.0),
            (LaneTarget::Send("Production".into()), -20.0, -6.0),
            (LaneTarget::Strip(StripParam::HpfFreq), 60.0, 200.0),
            (LaneTarget::Strip(StripParam::ReverbMix), 0.0, 40.0),
            (LaneTarget::Strip(StripParam::DenoiseAmount), 6.0, 24.0),
        ] {
            t.lanes
                .push(lane(target, AutoMode::Touch, &[(1_000, a), (30_000, b)]));
        }
    }
    session.buses[0].lanes.push(lane(
        LaneTarget::Volume,
        AutoMode::Read,
        &[(0, -2.0), (40_000, 0.0)],
    ));
    // Limiters on a stem and the printmaster (so the output stage runs),
    // more switched on and off while playing.
    session.stems.dx.limiter.on = true;
    session.stems.dx.limiter.ceiling_dbtp = -12.0;
    session.printmaster.limiter.on = true;
    session.printmaster.limiter.ceiling_dbtp = -14.0;
    let mut rig = Rig::new(&session, dir.path());
    reset_violation_count();
    rig.send(ToEngine::Play);
    rig.wait_rolling();
    let pool = Arc::new(pool(&session, dir.path()));
    for i in 0..1200 {
        match i {
            100 => {
                rig.send(ToEngine::TrackFader { track: 0, db: -6.0 });
                rig.send(ToEngine::TrackPan { track: 1, pan: 0.5 });
                rig.send(ToEngine::TrackSolo {
                    track: 2,
                    solo: true,
                });
                rig.send(ToEngine::BusFader { bus: 0, db: 3.0 });
                rig.send(ToEngine::StemFader { stem: 1, db: -2.0 });
                rig.send(ToEngine::TrackStrip {
                    track: 0,
                    param: dubstage::model::strip::StripParam::EqGain(1),
                    value: -4.0,
                });
                rig.send(ToEngine::BusStrip {
                    bus: 0,
                    param: dubstage::model::strip::StripParam::CompThreshold,
                    value: -30.0,
                });
                // A reverb switched on and retuned while playing.
                rig.send(ToEngine::TrackStrip {
                    track: 1,
                    param: StripParam::ReverbOn,
                    value: 1.0,
                });
                rig.send(ToEngine::TrackStrip {
                    track: 1,
                    param: StripParam::ReverbSize,
                    value: 90.0,
                });
                rig.send(ToEngine::BusStrip {
                    bus: 0,
                    param: StripParam::ReverbDecay,
                    value: 3.5,
                });
                rig.send(ToEngine::TrackSend {
                    track: 1,
                    send: 0,
                    db: -3.0,
                });
                rig.send(ToEngine::BusSolo { bus: 0, solo: true });
                rig.send(ToEngine::OutputLimiter {
                    output: 1,
                    param: LimiterParam::On,
                    value: 1.0,
                });
                rig.send(ToEngine::OutputLimiter {
                    output: 3,
                    param: LimiterParam::Ceiling,
                    value: -20.0,
                });
                rig.send(ToEngine::OutputLimiter {
                    output: 3,
                    param: LimiterParam::Release,
                    value: 300.0,
                });
            }
            150 => rig.send(ToEngine::OutputLimiter {
                output: 3,
                param: LimiterParam::On,
                value: 0.0,
            }),
            250 => rig.send(ToEngine::OutputLimiter {
                output: 3,
                param: LimiterParam::On,
                value: 1.0,
            }),
            200 => rig.send(ToEngine::TrackMute {
                track: 2,
                mute: true,
            }),
            260 => rig.send(ToEngine::Touch {
                owner: Owner::Track(0),
                param: Param::Volume,
                value: Some(-8.0),
            }),
            300 => rig.send(ToEngine::Locate(20_000)),
            400 => {
                rig.send(ToEngine::Touch {
                    owner: Owner::Track(0),
                    param: Param::Volume,
                    value: None,
                });
                let mut changed = session.clone();
                changed.tracks[1].lanes[0].points[0].value = -12.0;
                rig.send(ToEngine::Automation(Box::new(Automation::compile(
                    &changed,
                ))));
            }
            500 => {
                let mut changed = session.clone();
                changed.tracks[0].clips[0].gain_db = -10.0;
                let (live, job) = LivePlan::compile(&changed, &pool, dubstage::audio::MAX_BLOCK, 2);
                rig.wiring.butler.give(job);
                rig.send(ToEngine::NewPlan { plan: live });
            }
            700 => rig.send(ToEngine::Loop(Some((30_000, 40_000)))),
            900 => rig.send(ToEngine::Stop),
            950 => rig.send(ToEngine::Play),
            _ => {}
        }
        rig.cycle(None);
        std::thread::sleep(Duration::from_micros(300));
    }
    assert_eq!(
        violation_count(),
        0,
        "the realtime thread allocated or freed memory"
    );
    assert_eq!(rig.retired, 1, "the swapped-out plan came back to be freed");
    // The loudness tap ran under the guard, every block and none dropped.
    let live = rig.live.readings(rig.wiring.loudness.dropped());
    assert_eq!(live.dropped, 0);
    assert!(live.seconds > 0.5, "measured {} s", live.seconds);
    assert!(rig.rt.is_rolling());
    assert!(
        (30_000..40_000).contains(&rig.rt.position()),
        "looping at {}",
        rig.rt.position()
    );
}

#[test]
fn realtime_playback_equals_the_offline_bounce() {
    let dir = tempfile::tempdir().unwrap();
    let session = busy_session(dir.path());
    let (_, offline) = bounce_f32(&session, dir.path(), 4096);
    let pm = &offline[output("PM")][0];
    let end = session.end();

    let mut rig = Rig::new(&session, dir.path());
    let heard = play_to(&mut rig, end, 0);
    assert_eq!(rig.rt.position(), end, "stopped on the last sample");
    assert_eq!(
        first_difference(&heard, pm),
        None,
        "playback differs from the bounce"
    );
}

#[test]
fn with_reverb_and_hum_removal_playback_equals_the_offline_bounce() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = busy_session(dir.path());
    for t in &mut session.tracks {
        t.strip.hum.on = true;
        t.strip.reverb.on = true;
        t.strip.reverb.decay_s = 2.5;
        t.strip.reverb.mix = 30.0;
    }
    let (_, offline) = bounce_f32(&session, dir.path(), 4096);
    let pm = &offline[output("PM")][0];
    let mut rig = Rig::new(&session, dir.path());
    let heard = play_to(&mut rig, session.end(), 0);
    assert_eq!(
        first_difference(&heard, pm),
        None,
        "playback (256-sample cycles) differs from the bounce (4096)"
    );
}

/// Play from the start until the rig stops at `end`; the printmaster's
/// left channel heard for each timeline sample (NaN where nothing was),
/// taking what comes out at sample p as the mix of p - `latency`.
fn play_to(rig: &mut Rig, end: u64, latency: u64) -> Vec<f32> {
    rig.send(ToEngine::StopAt(Some(end)));
    rig.send(ToEngine::Play);
    let mut heard = vec![f32::NAN; end as usize];
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        for (k, p) in rig.cycle(None).into_iter().enumerate() {
            if p >= latency {
                heard[(p - latency) as usize] = rig.rt.outputs()[PM_L][k];
            }
        }
        if rig.rt.position() == end && !rig.rt.is_rolling() {
            break;
        }
        std::thread::sleep(Duration::from_micros(100));
    }
    heard
}

/// A denoiser makes its track late by a frame and every other track is
/// delayed to match: playback is the bounce, that much later, sample for
/// sample, automation included.
#[test]
fn with_denoisers_on_playback_is_the_bounce_late_by_their_frame() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = busy_session(dir.path());
    let room = common::signal(48_000, 3);
    let profile = dubstage::dsp::denoise::learn(&[&room[..]], RATE).unwrap();
    for t in [0, 2] {
        let d = &mut session.tracks[t].strip.denoise;
        d.on = true;
        d.profile = Some(profile);
        d.amount_db = 20.0;
    }
    session.tracks[1].lanes.push(lane(
        LaneTarget::Volume,
        AutoMode::Read,
        &[(10_000, 0.0), (10_100, -30.0)],
    ));
    let (_, offline) = bounce_f32(&session, dir.path(), 4096);
    let pm = &offline[output("PM")][0];
    let end = session.end();

    let mut rig = Rig::new(&session, dir.path());
    let latency = rig.rt.output_latency() as u64;
    assert_eq!(latency, dubstage::dsp::denoise::FRAME as u64);
    let heard = play_to(&mut rig, end, latency);
    let played = (end - latency) as usize;
    assert_eq!(
        first_difference(&heard[..played], &pm[..played]),
        None,
        "playback differs from the bounce"
    );
}

#[test]
fn with_limiters_on_playback_is_the_bounce_late_by_their_lookahead() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = busy_session(dir.path());
    session.stems.fx.limiter.on = true;
    session.stems.fx.limiter.ceiling_dbtp = -24.0;
    session.printmaster.limiter.on = true;
    session.printmaster.limiter.ceiling_dbtp = -20.0;
    let (_, offline) = bounce_f32(&session, dir.path(), 4096);
    let pm = &offline[output("PM")][0];
    let end = session.end();

    let mut rig = Rig::new(&session, dir.path());
    let latency = rig.rt.output_latency() as u64;
    assert!(latency > 0);
    let heard = play_to(&mut rig, end, latency);
    let played = (end - latency) as usize;
    nulls_in_step(&heard[..played], &pm[..played]);
}

#[test]
fn locate_and_loop_land_on_the_exact_sample() {
    let dir = tempfile::tempdir().unwrap();
    let session = busy_session(dir.path());
    let (_, offline) = bounce_f32(&session, dir.path(), 4096);
    let pm = &offline[output("PM")][0];

    let mut rig = Rig::new(&session, dir.path());
    rig.send(ToEngine::Play);
    rig.wait_rolling();
    for _ in 0..20 {
        rig.cycle(None);
    }
    // A locate while rolling: after the refill, play resumes exactly there.
    rig.send(ToEngine::Locate(12_345));
    let mut first = None;
    for _ in 0..2000 {
        let positions = rig.cycle(None);
        if let Some(&p) = positions.first() {
            first.get_or_insert(p);
            for (k, p) in positions.into_iter().enumerate() {
                assert_eq!(
                    rig.rt.outputs()[PM_L][k],
                    pm[p as usize],
                    "after the locate, at {p}"
                );
            }
            if rig.rt.position() > 20_000 {
                break;
            }
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    assert_eq!(first, Some(12_345));

    // A loop: the playhead wraps from the end straight to the start, every time.
    let (a, b) = (25_000u64, 25_000 + 3 * 256 + 77);
    rig.send(ToEngine::Loop(Some((a, b))));
    let mut wraps = 0;
    let mut last = None;
    for _ in 0..3000 {
        let positions = rig.cycle(Some((a, b)));
        for (k, &p) in positions.iter().enumerate() {
            assert!((a..b).contains(&p));
            assert_eq!(
                rig.rt.outputs()[PM_L][k],
                pm[p as usize],
                "in the loop, at {p}"
            );
            if last == Some(b - 1) {
                assert_eq!(p, a, "wrapped to the loop start");
                wraps += 1;
            }
            last = Some(p);
        }
        if wraps >= 5 {
            break;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    assert!(wraps >= 5, "looped {wraps} times");
}

#[test]
fn a_plan_swap_carries_on_from_the_playhead_with_the_new_mix() {
    let dir = tempfile::tempdir().unwrap();
    let session = busy_session(dir.path());
    let mut changed = session.clone();
    changed.tracks[2].fader_db = -20.0;
    changed.tracks[0].clips[1].gain_db = 4.0;
    let (_, offline) = bounce_f32(&changed, dir.path(), 4096);
    let pm = &offline[output("PM")][0];

    let mut rig = Rig::new(&session, dir.path());
    rig.send(ToEngine::Play);
    rig.wait_rolling();
    let pool = Arc::new(pool(&session, dir.path()));
    let (live, job) = LivePlan::compile(&changed, &pool, dubstage::audio::MAX_BLOCK, 7);
    rig.wiring.butler.give(job);
    rig.send(ToEngine::NewPlan { plan: live });
    let mut checked = 0;
    for _ in 0..3000 {
        for (k, p) in rig.cycle(None).into_iter().enumerate() {
            assert_eq!(
                rig.rt.outputs()[PM_L][k],
                pm[p as usize],
                "after the swap, at {p}"
            );
            checked += 1;
        }
        if checked > 20_000 {
            break;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    assert!(checked > 20_000);
    assert_eq!(rig.retired, 1);
}

/// The tap's blocks of a full ring are dropped and counted, without
/// allocating, and the meters carry on when there is room again.
#[test]
fn a_full_loudness_tap_drops_blocks_and_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let session = busy_session(dir.path());
    let mut rig = Rig::new(&session, dir.path());
    rig.send(ToEngine::Play);
    rig.wait_rolling();
    // Nobody drains the tap for 2 s of cycles: it holds about 0.7 s.
    let rt = &mut rig.rt;
    reset_violation_count();
    for _ in 0..(2 * RATE as usize / CYCLE) {
        assert_no_alloc(|| rt.run(CYCLE, RATE, 0));
        std::thread::sleep(Duration::from_micros(200));
    }
    assert_eq!(violation_count(), 0, "the tap allocated while full");
    let dropped = rig.wiring.loudness.dropped();
    assert!(dropped > 100, "dropped {dropped}");
    rig.live.drain(&mut rig.wiring.loudness);
    assert_eq!(rig.live.readings(dropped).dropped, dropped);
    rig.cycle(None);
    assert_eq!(rig.wiring.loudness.dropped(), dropped, "room again");
}

/// Play a session through the realtime engine with its loudness tap: the
/// live meters read what the bounce of the same range reads, and a locate
/// starts the integrated measurement again.
#[test]
fn live_loudness_matches_the_bounce() {
    let dir = tempfile::tempdir().unwrap();
    // Six seconds: long enough for the short-term loudness and a range.
    let mut session = busy_session(dir.path());
    write_wav24(
        &dir.path().join("long.wav"),
        RATE,
        &[signal(6 * RATE as usize, 31), signal(6 * RATE as usize, 32)],
    );
    session.sources.push(source("long", "long.wav"));
    let mut long = clip("long", 0, 6 * RATE as u64);
    long.gain_db = -8.0;
    long.dips.push(dubstage::model::Dip {
        start: 2 * RATE as u64,
        end: 4 * RATE as u64,
        depth_db: -15.0,
        ramp: 4800,
    });
    session.tracks.push(track(
        "Long",
        dubstage::model::TrackFormat::Stereo,
        dubstage::model::StemKind::MX,
        vec![long],
    ));
    let (report, _) = bounce_f32(&session, dir.path(), 4096);
    let end = session.end();

    let mut rig = Rig::new(&session, dir.path());
    rig.send(ToEngine::StopAt(Some(end)));
    rig.send(ToEngine::Play);
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        rig.cycle(None);
        if rig.rt.position() == end && !rig.rt.is_rolling() {
            break;
        }
        std::thread::sleep(Duration::from_micros(50));
    }
    assert_eq!(rig.rt.position(), end, "played to the end");
    let live = rig.live.readings(rig.wiring.loudness.dropped());
    assert_eq!(live.dropped, 0);
    assert_eq!(live.since, Some(0));
    assert!((live.seconds - end as f64 / RATE as f64).abs() < 1e-9);
    for (k, (name, heard)) in dubstage::bounce::OUTPUTS
        .iter()
        .zip(&live.outputs)
        .enumerate()
    {
        let bounced = &report.outputs[k].loudness;
        let i = heard.integrated.expect("integrated loudness");
        let want = bounced.integrated.expect("bounced integrated loudness");
        assert!(
            (i - want).abs() < 0.1,
            "{name}: live {i:.3} vs bounce {want:.3} LUFS"
        );
        assert!(
            (heard.loudness_range - bounced.loudness_range).abs() < 0.1,
            "{name}: LRA {} vs {}",
            heard.loudness_range,
            bounced.loudness_range
        );
        let (tp, want) = (heard.true_peak.unwrap(), bounced.true_peak.unwrap());
        assert!((tp - want).abs() < 0.1, "{name}: TP {tp} vs {want}");
    }
    assert!(
        live.outputs[4].loudness_range > 1.0,
        "the dip makes a range"
    );

    // Play again from 2 s: a new measurement starts there.
    rig.send(ToEngine::Locate(2 * RATE as u64));
    rig.send(ToEngine::Play);
    rig.cycle(None);
    assert_eq!(rig.rt.position(), 2 * RATE as u64);
    let deadline = Instant::now() + Duration::from_secs(30);
    while rig.rt.position() < 3 * RATE as u64 && Instant::now() < deadline {
        rig.cycle(None);
        std::thread::sleep(Duration::from_micros(50));
    }
    let again = rig.live.readings(0);
    assert_eq!(again.since, Some(2 * RATE as u64));
    assert!(again.seconds < 2.0, "{} s", again.seconds);
}

/// The whole path on the engine's own threads (the silent clock driving
/// the realtime engine, the loudness worker metering): readings of nothing
/// before play, readings while playing, and a reset.
#[test]
fn the_engine_publishes_live_loudness_while_playing() {
    use dubstage::audio::{Engine, EngineOptions};
    let dir = tempfile::tempdir().unwrap();
    let session = busy_session(dir.path());
    let pool = Arc::new(pool(&session, dir.path()));
    let options = EngineOptions {
        use_jack: false,
        ..EngineOptions::default()
    };
    let mut engine = Engine::start(&session, pool, options).unwrap();
    let wait_for = |engine: &mut Engine, what: &dyn Fn(&LiveReadings) -> bool| {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            engine.poll(|_| {});
            if let Some(r) = engine.loudness() {
                if what(&r) {
                    return r;
                }
            }
            assert!(Instant::now() < deadline, "no such readings");
            std::thread::sleep(Duration::from_millis(10));
        }
    };
    let before = wait_for(&mut engine, &|_| true);
    assert_eq!(before.seconds, 0.0);
    assert_eq!(before.outputs[4].momentary, None);
    assert!(engine.send(ToEngine::Play));
    let playing = wait_for(&mut engine, &|r| r.seconds >= 0.6);
    assert!(playing.outputs[4].momentary.is_some(), "{playing:?}");
    assert!(playing.outputs[4].true_peak.is_some());
    assert_eq!(playing.since, Some(0));
    engine.reset_loudness();
    let reset = wait_for(&mut engine, &|r| r.seconds < playing.seconds);
    assert!(reset.since.is_none_or(|s| s > 0), "{reset:?}");
}

/// The MIDI surface's process callback only copies events between the
/// ports and its rings: under the allocation guard, with channel
/// messages, sysex and a full ring (dropped and counted), in and out.
#[test]
fn the_midi_pump_never_allocates() {
    use dubstage::audio::midi::{pump, MidiEvent, EVENT_BYTES, MIDI_SLOTS};
    use std::sync::atomic::Ordering;
    let (mut pump, mut rings) = pump();
    let cycle: Vec<Vec<u8>> = vec![
        vec![0xE0, 0x00, 0x60],
        vec![0x90, 0x68, 0x7F],
        vec![0xF0, 0x00, 0x00, 0x66, 0x14, 0x00, 0xF7],
        vec![0xB0, 0x3C, 0x41],
        vec![0x3C],
        vec![],
    ];
    for _ in 0..3 {
        rings
            .outgoing
            .try_push(MidiEvent::new(&[0xE1, 0x7F, 0x7F]))
            .unwrap();
    }
    reset_violation_count();
    let mut written = 0;
    for _ in 0..(MIDI_SLOTS / 5 + 10) {
        assert_no_alloc(|| {
            pump.take_in(cycle.iter().map(|e| e.as_slice()));
            pump.give_out(|bytes| {
                written += bytes.len();
                bytes.len() == 3
            });
        });
    }
    assert_eq!(violation_count(), 0, "the MIDI pump allocated");
    assert_eq!(written, 9);
    let mut got = Vec::new();
    while let Some(e) = rings.incoming.try_pop() {
        got.push(e);
    }
    assert_eq!(got.len(), MIDI_SLOTS);
    assert_eq!(got[0].data(), &[0xE0, 0x00, 0x60]);
    assert_eq!(got[2].len, 7, "a short sysex is kept whole");
    assert_eq!(got[2].data(), &[0xF0, 0x00, 0x00, 0x66, 0x14, 0x00, 0xF7]);
    assert_eq!(got[4].data(), &[0x3C]);
    let long = MidiEvent::new(&[0xF0; 40]);
    assert_eq!(
        (long.len, long.data().len()),
        (40, EVENT_BYTES),
        "a long one keeps its length"
    );
    let offered = (MIDI_SLOTS / 5 + 10) * 5;
    assert_eq!(
        rings.counts.dropped.load(Ordering::Relaxed) as usize,
        offered - MIDI_SLOTS
    );
}

/// The stereo downmix of a delivery version (Lo/Ro and the Lt/Rt encode with
/// its all-pass pair) allocates nothing block by block, as every `dsp`
/// block must not.
#[test]
fn the_downmix_never_allocates() {
    use dubstage::dsp::downmix::{Coefficients, Downmixer, Matrix};
    let input: Vec<Vec<f32>> = (0..6).map(|k| signal(CYCLE * 8, k as u32)).collect();
    let (mut left, mut right) = (vec![0f32; CYCLE], vec![0f32; CYCLE]);
    for matrix in [Matrix::LoRo, Matrix::LtRt] {
        let mut d = Downmixer::new(Coefficients {
            matrix,
            centre: 0.708,
            surround: 0.708,
            lfe: 0.316,
        });
        let mut violations = 0;
        for block in 0..8 {
            let planes: [&[f32]; 6] =
                std::array::from_fn(|k| &input[k][block * CYCLE..(block + 1) * CYCLE]);
            let before = violation_count();
            assert_no_alloc(|| d.process(&planes, &mut left, &mut right, CYCLE));
            violations += violation_count() - before;
        }
        assert_eq!(violations, 0, "{matrix:?} allocated");
        assert!(left.iter().any(|&s| s != 0.0), "{matrix:?} did something");
    }
}

/// LV2 inserts from x42-plugins (tests/lv2.rs checks what they do): the
/// parametric EQ on every track (one instance per channel on stereo
/// ones), the peak limiter on the aux bus, and nodelay's latency.
fn with_inserts(session: &mut Session) {
    use dubstage::model::insert::Insert;
    for t in &mut session.tracks {
        let mut eq = Insert::new("http://gareus.org/oss/lv2/fil4#mono");
        eq.params.insert("gain1".into(), 4.0);
        eq.params.insert("freq1".into(), 800.0);
        t.inserts.push(eq);
    }
    let mut delay = Insert::new("http://gareus.org/oss/lv2/nodelay");
    delay.params.insert("delay".into(), 300.0);
    session.tracks[0].inserts.push(delay);
    session.buses[0]
        .inserts
        .push(Insert::new("http://gareus.org/oss/lv2/dpl#stereo"));
}

#[test]
fn with_lv2_inserts_the_realtime_thread_never_allocates() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = busy_session(dir.path());
    with_inserts(&mut session);
    // An automated insert control (fil4's band 1 gain, port 19).
    let mut lane = Lane::new(LaneTarget::Strip(StripParam::Lv2 { slot: 0, port: 19 }));
    lane.mode = AutoMode::Read;
    lane.points = vec![
        Breakpoint { at: 0, value: -6.0 },
        Breakpoint {
            at: 30_000,
            value: 6.0,
        },
    ];
    session.tracks[1].lanes.push(lane);
    let pool = Arc::new(pool(&session, dir.path()));
    let (probe, _) = LivePlan::compile(&session, &pool, dubstage::audio::MAX_BLOCK, 9);
    assert!(
        probe.plan.insert_problems.is_empty(),
        "{:?}",
        probe.plan.insert_problems
    );
    assert!(
        probe.plan.latency() >= 300,
        "nodelay and dpl report latency"
    );
    drop(probe);
    let mut rig = Rig::new(&session, dir.path());
    reset_violation_count();
    rig.send(ToEngine::Play);
    rig.wait_rolling();
    for i in 0..600 {
        match i {
            100 => {
                rig.send(ToEngine::TrackStrip {
                    track: 0,
                    param: StripParam::Lv2 { slot: 0, port: 19 },
                    value: -9.0,
                });
                rig.send(ToEngine::BusStrip {
                    bus: 0,
                    param: StripParam::Lv2 { slot: 0, port: 4 },
                    value: -6.0,
                });
            }
            200 => rig.send(ToEngine::Locate(10_000)),
            300 => {
                let mut changed = session.clone();
                changed.tracks[0].inserts[0]
                    .params
                    .insert("gain1".into(), 2.0);
                let (live, job) = LivePlan::compile(&changed, &pool, dubstage::audio::MAX_BLOCK, 2);
                rig.wiring.butler.give(job);
                rig.send(ToEngine::NewPlan { plan: live });
            }
            _ => {}
        }
        rig.cycle(None);
        std::thread::sleep(Duration::from_micros(300));
    }
    assert_eq!(
        violation_count(),
        0,
        "the realtime thread allocated or freed memory (Rust allocations; the guard cannot see the plugins' own)"
    );
    assert_eq!(
        rig.retired, 1,
        "the old plan, its plugins with it, came back to be freed"
    );
}

#[test]
fn with_lv2_inserts_playback_is_the_bounce_late_by_their_latency() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = busy_session(dir.path());
    with_inserts(&mut session);
    let (_, offline) = bounce_f32(&session, dir.path(), 4096);
    let pm = &offline[output("PM")][0];
    let end = session.end();
    let mut rig = Rig::new(&session, dir.path());
    let latency = rig.rt.output_latency() as u64;
    assert!(latency >= 300);
    let heard = play_to(&mut rig, end, latency);
    let played = (end - latency) as usize;
    nulls_in_step(&heard[..played], &pm[..played]);
}

/// Playback `heard` against the bounce `pm` through LV2 plugins: in step,
/// and nulling deeply rather than bit for bit (the plugins' own output
/// depends a little on how a run is cut into blocks: fil4 glides its
/// coefficients per run, dpl's gain follows its block; 256-frame cycles
/// against 4096-frame bounce blocks).
fn nulls_in_step(heard: &[f32], pm: &[f32]) {
    let residual: Vec<f32> = heard.iter().zip(pm).map(|(a, b)| a - b).collect();
    let null = db(rms(&residual) / rms(pm));
    assert!(
        null < -60.0,
        "playback nulls against the bounce to {null:.1} dB only"
    );
    let lag = |k: usize| -> f64 {
        (0..pm.len() - 64)
            .map(|i| f64::from(pm[i]) * f64::from(heard[i + k]))
            .sum()
    };
    let best = (0..64).max_by(|&a, &b| lag(a).total_cmp(&lag(b))).unwrap();
    assert_eq!(best, 0, "in step");
}
