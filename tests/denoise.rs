//! The dialog denoiser in the session: its latency kept in step by the
//! engine (a track with it and one without line up sample for sample in a
//! bounce, automation on the timeline's samples, and a denoiser that takes nothing away nulls against none),
//! the hum remover after it, and the profile learned from the keyboard.

mod common;

use common::{bounce_f32, busy_session, clip, lane, output, session, source, track, write_wav24};
use dubstage::app::App;
use dubstage::command::desk::{Desk, OpenOptions};
use dubstage::command::strip::StripId;
use dubstage::dsp::denoise::{self, FRAME};
use dubstage::dsp::strip::StripProcessor;
use dubstage::model::strip::{Strip, NOISE_BANDS};
use dubstage::model::{file, AutoMode, LaneTarget, StemKind, TrackFormat};

const RATE: u32 = 48_000;

/// A profile far below any signal: every gain stays at one.
const QUIET: [f32; NOISE_BANDS] = [-250.0; NOISE_BANDS];

fn open(path: &std::path::Path) -> App {
    let options = OpenOptions {
        engine: None,
        overviews: false,
    };
    App::with_defaults(Desk::open(path, &options).unwrap())
}

/// Two tracks on DX playing the same clicks: one through a denoiser, one
/// without. Their clicks land on the same samples, where the timeline has
/// them, and a denoiser that takes nothing away nulls against none.
#[test]
fn a_denoised_track_stays_in_step_with_the_rest_and_nulls_when_it_takes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let frames = 40_000;
    let mut clicks = vec![0.0f32; frames];
    for at in [1000, 12_345, 30_001] {
        clicks[at] = 0.5;
    }
    write_wav24(&dir.path().join("clicks.wav"), RATE, &[clicks]);
    let mut s = session();
    s.sources.push(source("clicks", "clicks.wav"));
    for name in ["with", "without"] {
        s.tracks.push(track(
            name,
            TrackFormat::Mono,
            StemKind::DX,
            vec![clip("clicks", 5000, frames as u64)],
        ));
    }
    // The second track's fader falls away at 18 346, after its second
    // click: its automation stays on the timeline's samples, late strips
    // or not.
    s.tracks[1].lanes.push(lane(
        LaneTarget::Volume,
        AutoMode::Read,
        &[(18_345, 0.0), (18_346, -90.0)],
    ));
    let mut denoised = s.clone();
    denoised.tracks[0].strip.denoise.on = true;
    denoised.tracks[0].strip.denoise.profile = Some(QUIET);
    denoised.tracks[0].strip.denoise.amount_db = 0.0;
    let dx = output("DX");
    let peaks = |outs: &[Vec<Vec<f32>>]| -> Vec<usize> {
        let left = &outs[dx][0];
        (0..left.len()).filter(|&i| left[i].abs() > 0.05).collect()
    };

    // Alone, each track's clicks are where the timeline has them.
    for solo in [0, 1] {
        let mut one = denoised.clone();
        one.tracks[1 - solo].mute = true;
        let (_, outs) = bounce_f32(&one, dir.path(), 1000 + solo);
        let want = if solo == 0 {
            vec![6000, 17_345, 35_001]
        } else {
            vec![6000, 17_345]
        };
        assert_eq!(peaks(&outs), want, "track {solo} alone");
    }

    // Together they null against the plain session.
    let (_, plain) = bounce_f32(&s, dir.path(), 4096);
    let (report, with) = bounce_f32(&denoised, dir.path(), 777);
    assert_eq!(plain[dx][0].len(), with[dx][0].len());
    let worst = plain[dx][0]
        .iter()
        .zip(&with[dx][0])
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f32, f32::max);
    assert!(
        20.0 * worst.max(1e-12).log10() < -90.0,
        "off by {worst} ({:?})",
        report.outputs[dx].path
    );
}

/// The hum remover comes after the denoiser: hum and its harmonics,
/// learned with the room tone and notched, are down 30 dB or more.
#[test]
fn with_the_hum_remover_the_hum_harmonics_go_down_thirty_db() {
    let hum = |n: usize| -> Vec<f32> {
        (0..n)
            .map(|i| {
                let t = i as f32 / RATE as f32;
                (1..=5)
                    .map(|k| 0.02 / k as f32 * (std::f32::consts::TAU * 60.0 * k as f32 * t).sin())
                    .sum::<f32>()
            })
            .collect()
    };
    let noise = common::signal(3 * RATE as usize, 4);
    let room: Vec<f32> = hum(RATE as usize)
        .iter()
        .zip(&noise)
        .map(|(h, n)| h + n * 0.01)
        .collect();
    let mut strip = Strip::default();
    strip.denoise.on = true;
    strip.denoise.profile = Some(denoise::learn(&[&room], RATE).unwrap());
    strip.hum.on = true;
    strip.hum.freq_hz = 60.0;
    strip.hum.harmonics = 5;
    let mut p = StripProcessor::new(strip, RATE);
    assert_eq!(p.latency(), FRAME);
    let len = 3 * RATE as usize;
    let x: Vec<f32> = hum(len)
        .iter()
        .zip(&noise)
        .map(|(h, n)| h + n * 0.01)
        .collect();
    let mut planes = vec![x.clone()];
    for at in (0..len).step_by(512) {
        let end = (at + 512).min(len);
        p.process_range(&mut planes, at, end);
    }
    // The last two seconds, in and out (the output FRAME late).
    let tone = |v: &[f32], f: f32| -> f64 {
        let (mut re, mut im) = (0.0f64, 0.0f64);
        for (i, &s) in v.iter().enumerate() {
            let w = std::f64::consts::TAU * f as f64 * i as f64 / RATE as f64;
            re += s as f64 * w.cos();
            im += s as f64 * w.sin();
        }
        (re * re + im * im).sqrt()
    };
    let a = RATE as usize;
    let input = &x[a - FRAME..len - FRAME];
    let output = &planes[0][a..];
    for k in 1..=5 {
        let f = 60.0 * k as f32;
        let down = 20.0 * (tone(output, f) / tone(input, f)).log10();
        assert!(down <= -30.0, "{f} Hz down only {down:.1} dB");
    }
}

/// Room tone selected in visual mode, `N`: the track's profile learned,
/// its denoiser on, one undo step; saved and loaded with the session.
#[test]
fn the_profile_is_learned_from_room_tone_selected_with_the_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mix.ron");
    file::save(&busy_session(dir.path()), &path).unwrap();
    let mut app = open(&path);
    assert!(app.desk.session.tracks[0].strip.denoise.profile.is_none());

    // Nothing selected: said, nothing changed.
    app.type_keys(":denoise-learn<cr>").unwrap();
    let said = app.desk.message.clone().unwrap();
    assert!(said.error && said.text.contains("select"), "{said:?}");
    assert!(app.desk.session.tracks[0].strip.denoise.profile.is_none());

    // Too short a selection: said, nothing changed.
    app.type_keys("v").unwrap();
    app.desk.selection = Some((100, 1100));
    app.type_keys("N").unwrap();
    let said = app.desk.message.clone().unwrap();
    assert!(said.error && said.text.contains("at least"), "{said:?}");

    // Half a second of the first track's audio.
    app.desk.selection = Some((0, 24_000));
    let (undo, _) = app.undo_depth();
    app.type_keys("N").unwrap();
    let said = app.desk.message.clone().unwrap();
    assert!(
        !said.error && said.text.contains("learned 0.50 s"),
        "{said:?}"
    );
    let strip = app.desk.session.tracks[0].strip;
    assert!(strip.denoise.on);
    let profile = strip.denoise.profile.expect("a profile");
    assert!(profile.iter().all(|p| p.is_finite()));
    assert_eq!(app.undo_depth().0, undo + 1, "one undo step");

    // The parameters by name; the denoiser is not for buses.
    app.type_keys("<esc>:strip denoise.amount 18<cr>").unwrap();
    assert_eq!(app.desk.session.tracks[0].strip.denoise.amount_db, 18.0);
    app.type_keys(":strip denoise.smoothing 40%<cr>").unwrap();
    assert_eq!(app.desk.session.tracks[0].strip.denoise.smoothing, 40.0);

    let bus = StripId::all(&app.desk.session)
        .iter()
        .position(|st| matches!(st, StripId::Bus(_)))
        .unwrap();
    app.desk.strip = bus;
    app.type_keys(":strip denoise.on on<cr>").unwrap();
    let said = app.desk.message.clone().unwrap();
    assert!(said.error && said.text.contains("tracks"), "{said:?}");
    assert!(!app.desk.session.buses[0].strip.denoise.on);

    file::save(&app.desk.session, &path).unwrap();
    let loaded = file::load(&path).unwrap().session;
    assert_eq!(
        loaded.tracks[0].strip.denoise,
        app.desk.session.tracks[0].strip.denoise
    );
    // A strip saved before the denoiser existed loads with it off.
    let old: Strip = ron::from_str("(trim_db: 1.0)").unwrap();
    assert_eq!(old.denoise, Strip::default().denoise);
    assert!(!old.denoise.on);
}
