//! The true-peak limiters on the stems and the printmaster, measured on
//! bounced audio: the ceiling holds in true peak, the outputs stay aligned
//! (and null with the limiters off), a session without limiters renders as
//! it always did; and the strip commands, from keys to the bounce.

mod common;

use common::*;
use dubstage::app::App;
use dubstage::command::desk::{Desk, OpenOptions};
use dubstage::dsp::truepeak::TruePeakDetector;
use dubstage::engine::plan::Plan;
use dubstage::model::limiter::Limiter;
use dubstage::model::{file, Session, StemKind, TrackFormat};

/// The true peak of a bounced output in dBTP, over all its channels.
fn true_peak_db(channels: &[Vec<f32>]) -> f64 {
    let mut detector = TruePeakDetector::new(channels.len());
    let peak = channels
        .iter()
        .enumerate()
        .map(|(c, x)| detector.peak(c, x))
        .fold(0f32, f32::max);
    db(peak as f64)
}

/// A hot, dense, peaky signal: a high sine sampled off its peaks (so its
/// true peak is above its sample peak), noise and bursts.
fn hot(frames: usize, seed: u32, freq: f64) -> Vec<f32> {
    let noise = signal(frames, seed);
    (0..frames)
        .map(|i| {
            let t = i as f64 / 48_000.0;
            let burst = if (i / 4800) % 3 == 0 { 1.0 } else { 0.3 };
            let s = 0.6 * (2.0 * std::f64::consts::PI * freq * t + 0.7).sin();
            ((s + 0.4 * noise[i] as f64) * burst).clamp(-1.0, 1.0) as f32
        })
        .collect()
}

/// Three tracks, one per stem, all pushed hot.
fn hot_session(dir: &std::path::Path) -> Session {
    let frames = 96_000;
    let mut s = session();
    for (k, (name, freq)) in [("dx", 11_000.0), ("mx", 9_000.0), ("fx", 7_000.0)]
        .into_iter()
        .enumerate()
    {
        write_wav24(
            &dir.join(format!("{name}.wav")),
            48_000,
            &[
                hot(frames, 40 + k as u32, freq),
                hot(frames, 50 + k as u32, freq),
            ],
        );
        s.sources.push(source(name, &format!("{name}.wav")));
        let stem = StemKind::ALL[k];
        let mut t = track(
            name,
            TrackFormat::Stereo,
            stem,
            vec![clip(name, 1000 * k as u64, frames as u64 - 3000)],
        );
        t.fader_db = 6.0;
        s.tracks.push(t);
    }
    s
}

fn limiter(ceiling_dbtp: f32) -> Limiter {
    Limiter {
        on: true,
        ceiling_dbtp,
        ..Limiter::default()
    }
}

#[test]
fn the_limiters_hold_their_ceilings_in_true_peak_on_a_hot_bounce() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = hot_session(dir.path());
    let (_, raw) = bounce_f32(&s, dir.path(), 4096);
    assert!(
        true_peak_db(&raw[output("PM")]) > 6.0,
        "the mix is hot enough to need limiting"
    );
    let ceilings = [-3.0, -2.0, -1.5];
    for (k, c) in ceilings.iter().enumerate() {
        s.stems.strip_mut(StemKind::ALL[k]).limiter = limiter(*c);
    }
    s.printmaster.limiter = limiter(-1.0);
    let (report, limited) = bounce_f32(&s, dir.path(), 4096);
    for (k, c) in ceilings.iter().enumerate() {
        let name = StemKind::ALL[k].name();
        let tp = true_peak_db(&limited[output(name)]);
        assert!(tp <= *c as f64 + 0.2, "{name} at {tp:.2} dBTP, ceiling {c}");
        assert!(
            tp > *c as f64 - 1.0,
            "{name} at {tp:.2} dBTP: limited, not crushed"
        );
    }
    let pm = true_peak_db(&limited[output("PM")]);
    assert!(pm <= -1.0 + 0.2, "PM at {pm:.2} dBTP");
    let metered = report.outputs[output("PM")].loudness.true_peak.unwrap();
    assert!(
        metered <= -0.8,
        "the bounce's meter reads {metered:.2} dBTP"
    );
    assert_eq!(
        limited[0][0].len(),
        raw[0][0].len(),
        "the files are exactly as long as the range"
    );
    // Sample-accurate: the block size changes nothing.
    let (_, small_blocks) = bounce_f32(&s, dir.path(), 333);
    for (k, name) in dubstage::bounce::OUTPUTS.iter().enumerate() {
        for c in 0..2 {
            assert_eq!(
                first_difference(&small_blocks[k][c], &limited[k][c]),
                None,
                "{name} channel {c}"
            );
        }
    }
}

#[test]
fn with_limiters_that_do_not_act_every_output_is_bit_identical_and_on_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = busy_session(dir.path());
    for t in &mut s.tracks {
        t.fader_db -= 12.0;
    }
    let (_, off) = bounce_f32(&s, dir.path(), 4096);
    assert!(
        true_peak_db(&off[output("PM")]) < -3.0,
        "quiet enough that a 0 dBTP limiter never acts"
    );
    for k in StemKind::ALL {
        s.stems.strip_mut(k).limiter = limiter(0.0);
    }
    s.printmaster.limiter = limiter(0.0);
    let pool = pool(&s, dir.path());
    assert!(
        Plan::compile(&s, &pool, 4096).output.latency() > 0,
        "the limiters delay the outputs in the engine"
    );
    let (_, on) = bounce_f32(&s, dir.path(), 1000);
    for (k, name) in dubstage::bounce::OUTPUTS.iter().enumerate() {
        for c in 0..2 {
            assert_eq!(
                first_difference(&on[k][c], &off[k][c]),
                None,
                "{name} channel {c}: not the same samples at the same times"
            );
        }
    }
    // And the stems still sum to the printmaster, sample for sample.
    let (dx, mx, fx, pm) = (
        &on[output("DX")],
        &on[output("MX")],
        &on[output("FX")],
        &on[output("PM")],
    );
    for c in 0..2 {
        let sum: Vec<f32> = (0..pm[c].len())
            .map(|i| dx[c][i] + (mx[c][i] + fx[c][i]))
            .collect();
        assert_eq!(first_difference(&sum, &pm[c]), None, "channel {c}");
    }
}

#[test]
fn a_printmaster_limiter_leaves_the_stems_untouched_and_in_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = hot_session(dir.path());
    let (_, off) = bounce_f32(&s, dir.path(), 4096);
    s.printmaster.limiter = limiter(-1.0);
    let (_, on) = bounce_f32(&s, dir.path(), 4096);
    for name in ["DX", "MX", "FX", "ME"] {
        for c in 0..2 {
            assert_eq!(
                first_difference(&on[output(name)][c], &off[output(name)][c]),
                None,
                "{name} channel {c}"
            );
        }
    }
    assert!(true_peak_db(&on[output("PM")]) <= -0.8);
    // The printmaster is the sum of the stems times a gain at most 1: the
    // same sign, never larger (a misaligned sum would break both often).
    let pm = &on[output("PM")][0];
    let mut outside = 0;
    for i in 0..pm.len() {
        let sum = on[0][0][i] + (on[1][0][i] + on[2][0][i]);
        if pm[i] * sum < 0.0 || pm[i].abs() > sum.abs() * (1.0 + 1e-6) {
            outside += 1;
        }
    }
    assert_eq!(outside, 0, "samples not a limited sum of the stems");
}

#[test]
fn limiters_left_off_change_nothing_and_are_not_saved() {
    let dir = tempfile::tempdir().unwrap();
    let plain = busy_session(dir.path());
    let mut off = plain.clone();
    off.stems.dx.limiter = Limiter {
        on: false,
        ceiling_dbtp: -6.0,
        release_ms: 300.0,
    };
    off.printmaster.limiter.ceiling_dbtp = -9.0;
    let (_, a) = bounce_f32(&plain, dir.path(), 4096);
    let (_, b) = bounce_f32(&off, dir.path(), 4096);
    assert_eq!(a, b, "a limiter switched off is bit for bit no limiter");

    let path = dir.path().join("plain.ron");
    file::save(&plain, &path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains("limiter"),
        "an untouched session saves as before"
    );
    assert_eq!(file::load(&path).unwrap().session, plain);
    let path = dir.path().join("limited.ron");
    let mut on = plain.clone();
    on.printmaster.limiter = limiter(-2.0);
    file::save(&on, &path).unwrap();
    assert_eq!(file::load(&path).unwrap().session, on, "saved and loaded");
}

/// The console on a session file in `dir`, with no audio engine.
fn console(session: &Session, dir: &std::path::Path) -> App {
    let path = dir.join("mix.ron");
    file::save(session, &path).unwrap();
    let options = OpenOptions {
        engine: None,
        overviews: false,
    };
    App::with_defaults(Desk::open(&path, &options).unwrap())
}

#[test]
fn strip_commands_change_the_session_undo_restores_it_and_the_bounce_hears_it() {
    let dir = tempfile::tempdir().unwrap();
    let original = busy_session(dir.path());
    let mut app = console(&original, dir.path());
    let session = |app: &App| app.desk.session.clone();

    // By name on the : line, on the selected track (Anna).
    app.type_keys(":strip eq2.gain -3<cr>").unwrap();
    assert_eq!(session(&app).tracks[0].strip.eq[1].gain_db, -3.0);
    app.type_keys(":strip eq2.on on<cr>").unwrap();
    assert!(session(&app).tracks[0].strip.eq[1].on);
    app.type_keys(":strip hpf.freq 2.5k<cr>").unwrap();
    assert_eq!(session(&app).tracks[0].strip.hpf.freq, 2500.0);
    app.type_keys("uuu").unwrap();
    assert_eq!(session(&app), original, "undo takes all three back");

    // Picked with a key and stepped with a count: 80 Hz up three thirds.
    app.type_keys("sh3)").unwrap();
    assert_eq!(session(&app).tracks[0].strip.hpf.freq, 160.0);
    app.type_keys("(").unwrap();
    assert_eq!(session(&app).tracks[0].strip.hpf.freq, 125.0);
    app.type_keys("so").unwrap();
    assert!(session(&app).tracks[0].strip.hpf.on);
    app.type_keys(".").unwrap();
    assert!(
        !session(&app).tracks[0].strip.hpf.on,
        ". repeats the toggle"
    );
    app.type_keys("st4(").unwrap();
    assert_eq!(
        session(&app).tracks[0].strip.trim_db,
        -2.0,
        "trim in 0.5 dB"
    );
    app.type_keys("u").unwrap();
    assert_eq!(session(&app).tracks[0].strip.trim_db, 0.0);

    // Bad input is refused without a change.
    let before = session(&app);
    app.type_keys(":strip eq2.gain loud<cr>:strip limiter.on on<cr>")
        .unwrap();
    assert_eq!(session(&app), before);
    assert!(app.desk.message.as_ref().is_some_and(|m| m.error));

    // A 200 Hz low-pass on the dialog (noise) takes most of its level
    // away, in the bounce, where the untouched stems are unchanged.
    app.type_keys(":strip lpf.freq 200<cr>:strip lpf.on on<cr>")
        .unwrap();
    let (_, before) = bounce_f32(&original, dir.path(), 4096);
    let (_, after) = bounce_f32(&session(&app), dir.path(), 4096);
    let (dx0, dx1) = (rms(&before[output("DX")][0]), rms(&after[output("DX")][0]));
    assert!(
        db(dx1 / dx0) < -3.0,
        "the DX stem fell {:.1} dB",
        db(dx1 / dx0)
    );
    assert_eq!(before[output("MX")], after[output("MX")]);

    // The printmaster's limiter, from the keys.
    app.type_keys("gp:limiter on<cr>:limiter-ceiling -6<cr>")
        .unwrap();
    let pm = session(&app).printmaster.limiter;
    assert!(pm.on && pm.ceiling_dbtp == -6.0, "{pm:?}");
    let (_, limited) = bounce_f32(&session(&app), dir.path(), 4096);
    assert!(true_peak_db(&limited[output("PM")]) <= -5.8);
    app.type_keys("sL3(").unwrap();
    assert!((session(&app).printmaster.limiter.ceiling_dbtp + 6.3).abs() < 1e-4);
    app.type_keys("uuu").unwrap();
    assert!(!session(&app).printmaster.limiter.on);
    // A track has no limiter.
    app.type_keys("gg:strip Anna<cr>:limiter<cr>").unwrap();
    assert!(app.desk.message.as_ref().is_some_and(|m| m.error));
}

#[test]
fn strip_parameter_names_complete_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let app = console(&busy_session(dir.path()), dir.path());
    let c = |text: &str| dubstage::app::complete::completions(text, &app.desk);
    assert_eq!(
        c("strip eq2.g"),
        vec!["eq2.gain".to_string()],
        "parameter names"
    );
    assert!(c("strip ").contains(&"Anna".to_string()), "and strip names");
    assert!(c("strip ").contains(&"comp.threshold".to_string()));
    assert_eq!(c("strip eq1.type h"), vec!["high-shelf".to_string()]);
    assert_eq!(c("strip-pick hpf.f"), vec!["hpf.freq".to_string()]);
}
