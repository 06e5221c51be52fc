//! Channel strips, routing and layouts, measured on rendered audio.

// Several arrays are compared index by index.
#![allow(clippy::needless_range_loop)]

mod common;

use common::*;
use dubstage::dsp::strip::StripProcessor;
use dubstage::model::strip::{BandKind, Slope, Strip, StripParam};
use dubstage::model::{Bus, Layout, Output, PanLaw, Send, StemKind, TrackFormat};

const RATE: u32 = 48_000;

fn sine(freq: f32, amplitude: f32, frames: usize) -> Vec<f32> {
    (0..frames)
        .map(|i| amplitude * (2.0 * std::f32::consts::PI * freq * i as f32 / RATE as f32).sin())
        .collect()
}

/// Level change in dB of a sine at `freq` through `strip`, measured after it settles.
fn gain_db(strip: Strip, freq: f32, amplitude: f32) -> f64 {
    let n = RATE as usize;
    let input = sine(freq, amplitude, n);
    let mut p = StripProcessor::new(strip, RATE);
    let mut output = Vec::with_capacity(n);
    for chunk in input.chunks(333) {
        let mut block = [chunk.to_vec()];
        p.process(&mut block, chunk.len());
        output.extend_from_slice(&block[0]);
    }
    let settled = n / 2..n;
    db(rms(&output[settled.clone()]) / rms(&input[settled]))
}

fn with(f: impl FnOnce(&mut Strip)) -> Strip {
    let mut s = Strip::default();
    f(&mut s);
    s
}

#[test]
fn high_and_low_pass_are_3_db_down_at_cutoff_with_their_slopes() {
    for slope in [Slope::Db12, Slope::Db24] {
        let hpf = with(|s| {
            s.hpf.on = true;
            s.hpf.freq = 200.0;
            s.hpf.slope = slope;
        });
        assert!(
            (gain_db(hpf, 200.0, 0.5) + 3.0).abs() < 0.5,
            "{slope:?} HPF at cutoff"
        );
        let octave_down = gain_db(hpf, 100.0, 0.5);
        let two_down = gain_db(hpf, 50.0, 0.5);
        let slope_db = octave_down - two_down;
        let want = if slope == Slope::Db12 { 12.0 } else { 24.0 };
        assert!(
            (slope_db - want).abs() < 1.0,
            "{slope:?} HPF slope {slope_db:.2} dB/octave"
        );
        assert!(gain_db(hpf, 4000.0, 0.5).abs() < 0.05, "passband is flat");

        let lpf = with(|s| {
            s.lpf.on = true;
            s.lpf.freq = 1000.0;
            s.lpf.slope = slope;
        });
        assert!(
            (gain_db(lpf, 1000.0, 0.5) + 3.0).abs() < 0.5,
            "{slope:?} LPF at cutoff"
        );
        // Two and four times the cutoff, well below Nyquist (where the
        // digital filter's zero steepens the slope).
        let slope_db = gain_db(lpf, 2000.0, 0.5) - gain_db(lpf, 4000.0, 0.5);
        assert!(
            (slope_db - want).abs() < 1.0,
            "{slope:?} LPF slope {slope_db:.2} dB/octave"
        );
    }
}

#[test]
fn eq_bands_reach_their_gain() {
    let bell = with(|s| {
        s.eq[1] = dubstage::model::strip::EqBand {
            on: true,
            kind: BandKind::Bell,
            freq: 1000.0,
            gain_db: 6.0,
            q: 1.4,
        };
    });
    assert!((gain_db(bell, 1000.0, 0.25) - 6.0).abs() < 0.1);
    assert!(
        gain_db(bell, 100.0, 0.25).abs() < 0.3,
        "a bell leaves distant frequencies alone"
    );
    let cut = with(|s| {
        s.eq[2] = dubstage::model::strip::EqBand {
            on: true,
            kind: BandKind::Bell,
            freq: 3000.0,
            gain_db: -9.0,
            q: 2.0,
        };
    });
    assert!((gain_db(cut, 3000.0, 0.25) + 9.0).abs() < 0.1);
    let shelves = with(|s| {
        s.eq[0].on = true;
        s.eq[0].gain_db = -6.0;
        s.eq[3].on = true;
        s.eq[3].gain_db = 4.0;
    });
    assert!(
        (gain_db(shelves, 30.0, 0.25) + 6.0).abs() < 0.3,
        "low shelf"
    );
    assert!(
        (gain_db(shelves, 16_000.0, 0.25) - 4.0).abs() < 0.3,
        "high shelf"
    );
}

#[test]
fn compressor_follows_its_static_curve() {
    let comp = with(|s| {
        s.compressor.on = true;
        s.compressor.threshold_db = -20.0;
        s.compressor.ratio = 4.0;
        s.compressor.knee_db = 0.0;
        s.compressor.attack_ms = 1.0;
        s.compressor.release_ms = 200.0;
    });
    // Peak levels in, expected change out: below threshold unity, above it 1/4.
    for (peak_db, want) in [(-30.0, 0.0), (-20.0, 0.0), (-12.0, -6.0), (-4.0, -12.0)] {
        let amplitude = 10f32.powf(peak_db / 20.0);
        let got = gain_db(comp, 1000.0, amplitude);
        assert!(
            (got - want).abs() < 0.3,
            "at {peak_db} dB: {got:.2} dB, want {want}"
        );
    }
    let makeup = with(|s| {
        s.compressor = comp.compressor;
        s.compressor.makeup_db = 3.0;
    });
    assert!((gain_db(makeup, 1000.0, 10f32.powf(-4.0 / 20.0)) + 9.0).abs() < 0.3);
}

#[test]
fn the_gate_lets_dialog_through_and_pulls_the_room_down() {
    let mut strip = Strip::default();
    strip.set(StripParam::GateOn, 1.0);
    strip.set(StripParam::GateThreshold, -40.0);
    strip.set(StripParam::GateRatio, 10.0);
    strip.set(StripParam::GateRange, 20.0);
    strip.set(StripParam::GateHold, 50.0);
    strip.set(StripParam::GateRelease, 100.0);
    let (loud, quiet) = (0.3f32, 0.003f32); // about -10 dBFS of "speech", -50 dBFS of room
    let n = 2 * RATE as usize;
    let mut input = sine(300.0, loud, 24_000);
    input.extend(sine(300.0, quiet, n).iter().skip(24_000));
    let mut p = StripProcessor::new(strip, RATE);
    let mut block = vec![input.clone()];
    p.process(&mut block, n);
    let out = &block[0];
    let open = db(rms(&out[10_000..20_000]) / rms(&input[10_000..20_000]));
    assert!(open.abs() < 0.01, "open: {open} dB");
    let held = db(rms(&out[24_000..26_000]) / rms(&input[24_000..26_000]));
    assert!(
        held.abs() < 0.5,
        "held open just after the line ends: {held} dB"
    );
    let closed = db(rms(&out[80_000..96_000]) / rms(&input[80_000..96_000]));
    assert!(
        (closed + 20.0).abs() < 0.5,
        "closed to its range: {closed} dB"
    );
}

#[test]
fn a_strip_switched_off_nulls_exactly_and_one_switched_on_changes_the_bounce() {
    let dir = tempfile::tempdir().unwrap();
    let plain = busy_session(dir.path());
    let (_, reference) = bounce_f32(&plain, dir.path(), 4096);
    // Every processor set up, every one switched off.
    let mut off = plain.clone();
    for t in &mut off.tracks {
        t.strip = with(|s| {
            s.hpf.freq = 120.0;
            s.eq[1].gain_db = 5.0;
            s.compressor.threshold_db = -30.0;
            s.gate.threshold_db = -20.0;
        });
    }
    let (_, nulled) = bounce_f32(&off, dir.path(), 1000);
    assert!(
        nulled == reference,
        "a strip that is off changes nothing, bit for bit"
    );
    let mut on = off.clone();
    on.tracks[0].strip.hpf.on = true;
    on.tracks[0].strip.compressor.on = true;
    let (_, changed) = bounce_f32(&on, dir.path(), 4096);
    assert!(changed[output("DX")] != reference[output("DX")]);
    assert!(
        changed[output("MX")] == reference[output("MX")],
        "only the dialog track's strip changed"
    );
    // And the processed bounce is still block-size independent.
    let (_, again) = bounce_f32(&on, dir.path(), 64);
    assert!(again == changed);
}

#[test]
fn pan_laws_measured_in_the_bounce() {
    let dir = tempfile::tempdir().unwrap();
    let tone = sine(500.0, 0.5, 24_000)
        .into_iter()
        .map(q24)
        .collect::<Vec<_>>();
    write_wav24(&dir.path().join("t.wav"), RATE, std::slice::from_ref(&tone));
    for (law, want) in [
        (PanLaw::Minus3, -3.01),
        (PanLaw::Minus4_5, -4.52),
        (PanLaw::Minus6, -6.02),
    ] {
        let mut s = session();
        s.stems.pan_law = law;
        s.sources.push(source("t", "t.wav"));
        s.tracks.push(track(
            "D",
            TrackFormat::Mono,
            StemKind::DX,
            vec![clip("t", 0, 24_000)],
        ));
        let (_, out) = bounce_f32(&s, dir.path(), 4096);
        for c in 0..2 {
            let level = db(rms(&out[output("DX")][c]) / rms(&tone));
            assert!(
                (level - want).abs() < 0.02,
                "{law:?} channel {c}: {level:.3} dB"
            );
        }
    }
}

#[test]
fn five_one_routes_dialog_to_the_centre_and_effects_where_they_are_panned() {
    let dir = tempfile::tempdir().unwrap();
    let tone = sine(500.0, 0.5, 12_000)
        .into_iter()
        .map(q24)
        .collect::<Vec<_>>();
    write_wav24(&dir.path().join("t.wav"), RATE, std::slice::from_ref(&tone));
    write_wav24(
        &dir.path().join("st.wav"),
        RATE,
        &[tone.clone(), tone.clone()],
    );
    let mut s = session();
    s.stems.layout = Layout::FivePointOne;
    s.sources.push(source("t", "t.wav"));
    s.sources.push(source("st", "st.wav"));
    s.tracks.push(track(
        "Dialog",
        TrackFormat::Mono,
        StemKind::DX,
        vec![clip("t", 0, 12_000)],
    ));
    let mut fx = track(
        "Bang",
        TrackFormat::Mono,
        StemKind::FX,
        vec![clip("t", 0, 12_000)],
    );
    fx.pan = -1.0;
    fx.surround = 1.0;
    fx.lfe_db = Some(-6.0);
    s.tracks.push(fx);
    let mut music = track(
        "Score",
        TrackFormat::Stereo,
        StemKind::MX,
        vec![clip("st", 0, 12_000)],
    );
    music.surround = 0.5;
    s.tracks.push(music);
    let (_, out) = bounce_f32(&s, dir.path(), 1000);
    let level = |stem: &str, c: usize| db(rms(&out[output(stem)][c]) / rms(&tone));
    let dx = &out[output("DX")];
    assert_eq!(dx.len(), 6, "six channels");
    for c in [0, 1, 3, 4, 5] {
        assert!(dx[c].iter().all(|&x| x == 0.0), "DX channel {c} is silent");
    }
    assert_eq!(
        first_difference(&dx[2], &tone),
        None,
        "dialog panned centre is in C, untouched"
    );
    assert!(
        level("FX", 4).abs() < 0.01,
        "hard left surround lands in Ls"
    );
    assert!((level("FX", 3) + 6.0).abs() < 0.01, "LFE send at -6 dB");
    for c in [0, 1, 2, 5] {
        assert!(
            out[output("FX")][c].iter().all(|&x| x.abs() < 1e-6),
            "FX channel {c}"
        );
    }
    for c in [0, 1, 4, 5] {
        assert!(
            (level("MX", c) + 3.01).abs() < 0.02,
            "stereo music half-way back: channel {c}"
        );
    }
    let pm = &out[output("PM")];
    for c in 0..6 {
        for i in 0..12_000 {
            let sum = dx[c][i] + out[output("MX")][c][i] + out[output("FX")][c][i];
            assert!((pm[c][i] - sum).abs() < 1e-6);
        }
    }
}

#[test]
fn sends_feed_aux_buses_before_or_after_the_fader_and_solo_safe_holds() {
    let dir = tempfile::tempdir().unwrap();
    let tone = sine(500.0, 0.5, 12_000)
        .into_iter()
        .map(q24)
        .collect::<Vec<_>>();
    write_wav24(&dir.path().join("t.wav"), RATE, std::slice::from_ref(&tone));
    let mut s = session();
    s.sources.push(source("t", "t.wav"));
    s.buses.push(Bus {
        name: "Pre".into(),
        output: Output::Stem(StemKind::FX),
        ..Default::default()
    });
    s.buses.push(Bus {
        name: "Post".into(),
        output: Output::Stem(StemKind::MX),
        ..Default::default()
    });
    let mut t = track(
        "D",
        TrackFormat::Mono,
        StemKind::DX,
        vec![clip("t", 0, 12_000)],
    );
    t.fader_db = -10.0;
    t.sends = vec![
        Send {
            bus: "Pre".into(),
            level_db: -6.0,
            pre_fader: true,
        },
        Send {
            bus: "Post".into(),
            level_db: -6.0,
            pre_fader: false,
        },
    ];
    s.tracks.push(t);
    let (_, out) = bounce_f32(&s, dir.path(), 4096);
    let level = |stem: &str| db(rms(&out[output(stem)][0]) / rms(&tone));
    assert!((level("DX") - (-10.0 - 3.01)).abs() < 0.02);
    assert!(
        (level("FX") - (-6.0 - 3.01)).abs() < 0.02,
        "pre-fader send ignores the fader"
    );
    assert!(
        (level("MX") - (-16.0 - 3.01)).abs() < 0.02,
        "post-fader send follows it"
    );

    // Solo in place, through the engine's plan: soloing the track keeps its
    // buses; soloing another track silences it, except a solo-safe bus.
    let pool = pool(&s, dir.path());
    let mut plan = dubstage::engine::plan::Plan::compile(&s, &pool, 256);
    plan.buses[0].solo_safe = true;
    s.tracks
        .push(track("Other", TrackFormat::Mono, StemKind::FX, vec![]));
    let mut plan2 = dubstage::engine::plan::Plan::compile(&s, &pool, 256);
    plan2.buses[0].solo_safe = true;
    plan2.tracks[1].solo = true;
    plan2.update_solo();
    assert!(!plan2.tracks[0].audible && plan2.tracks[1].audible);
    assert!(
        plan2.buses[0].audible && !plan2.buses[1].audible,
        "only the solo-safe bus stays"
    );
    plan.tracks[0].solo = true;
    plan.update_solo();
    assert!(plan.tracks[0].audible && plan.buses.iter().all(|b| b.audible));
}

#[test]
fn the_film_template_routes_its_buses_to_the_stems() {
    let s = dubstage::model::template::film("Reel 1", Layout::FivePointOne);
    let text = dubstage::model::file::to_text(&s);
    let loaded = dubstage::model::file::parse(&text, std::path::Path::new("reel1.ron")).unwrap();
    assert_eq!(loaded.session, s);
    for (bus, stem) in dubstage::model::template::FILM_BUSES {
        let b = s.buses.iter().find(|b| b.name == *bus).unwrap();
        assert_eq!(b.output, Output::Stem(*stem));
        assert!(
            s.tracks
                .iter()
                .any(|t| t.output == Output::Bus(bus.to_string())),
            "{bus} has a track"
        );
    }
    assert_eq!(s.stems.layout, Layout::FivePointOne);
}
