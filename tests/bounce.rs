//! Offline bounce: the engine measured on the files it writes.

// Several arrays are compared index by index.
#![allow(clippy::needless_range_loop)]

mod common;

use common::*;
use dubstage::bounce::{self, BounceError, BounceOptions};
use dubstage::model::{Dip, Fade, FadeShape, LoopFill, StemKind, TrackFormat};

const RATE: u32 = 48_000;

#[test]
fn a_clip_at_unity_with_no_fades_nulls_against_its_source() {
    let dir = tempfile::tempdir().unwrap();
    let left = signal(30_000, 1);
    let right = signal(30_000, 2);
    write_wav24(
        &dir.path().join("st.wav"),
        RATE,
        &[left.clone(), right.clone()],
    );
    let mut s = session();
    s.sources.push(source("st", "st.wav"));
    let mut c = clip("st", 1000, 20_000);
    c.source_offset = 5000;
    s.tracks
        .push(track("Music", TrackFormat::Stereo, StemKind::MX, vec![c]));

    let (report, out) = bounce_f32(&s, dir.path(), 4096);
    assert_eq!(report.frames, 21_000);
    let mx = &out[output("MX")];
    assert!(mx[0][..1000].iter().all(|&x| x == 0.0));
    assert_eq!(
        first_difference(&mx[0][1000..], &left[5000..25_000]),
        None,
        "left must be bit-identical"
    );
    assert_eq!(
        first_difference(&mx[1][1000..], &right[5000..25_000]),
        None,
        "right must be bit-identical"
    );
    assert!(
        out[output("PM")] == *mx,
        "PM of a lone MX track is that track"
    );
    assert!(out[output("DX")][0].iter().all(|&x| x == 0.0));
}

#[test]
fn a_mono_clip_panned_centre_sits_3_db_down_in_each_side() {
    let dir = tempfile::tempdir().unwrap();
    let sig = signal(10_000, 3);
    write_wav24(&dir.path().join("m.wav"), RATE, std::slice::from_ref(&sig));
    let mut s = session();
    s.sources.push(source("m", "m.wav"));
    s.tracks.push(track(
        "Dialog",
        TrackFormat::Mono,
        StemKind::DX,
        vec![clip("m", 0, 10_000)],
    ));
    let (_, out) = bounce_f32(&s, dir.path(), 512);
    let dx = &out[output("DX")];
    for (i, &x) in sig.iter().enumerate() {
        let want = x * std::f32::consts::FRAC_1_SQRT_2;
        assert!((dx[0][i] - want).abs() < 1e-7 && (dx[1][i] - want).abs() < 1e-7);
    }
}

#[test]
fn printmaster_is_the_sum_of_the_stems_and_me_is_music_plus_effects() {
    let dir = tempfile::tempdir().unwrap();
    let s = busy_session(dir.path());
    let (_, out) = bounce_f32(&s, dir.path(), 1000);
    let (dx, mx, fx, me, pm) = (
        &out[output("DX")],
        &out[output("MX")],
        &out[output("FX")],
        &out[output("ME")],
        &out[output("PM")],
    );
    let mut energy = [0f64; 3];
    for c in 0..2 {
        for i in 0..pm[c].len() {
            assert!(
                (pm[c][i] - (dx[c][i] + mx[c][i] + fx[c][i])).abs() <= 1e-6,
                "PM at {i}"
            );
            assert!(
                (me[c][i] - (mx[c][i] + fx[c][i])).abs() <= 1e-6,
                "ME at {i}"
            );
            for (e, stem) in energy.iter_mut().zip([dx, mx, fx]) {
                *e += (stem[c][i] as f64).powi(2);
            }
        }
    }
    assert!(
        energy.iter().all(|&e| e > 1.0),
        "every stem carries signal: {energy:?}"
    );
}

#[test]
fn the_bounce_does_not_depend_on_the_block_size() {
    let dir = tempfile::tempdir().unwrap();
    let s = busy_session(dir.path());
    let (_, reference) = bounce_f32(&s, dir.path(), 4096);
    for block in [64, 256, 1000] {
        let (_, out) = bounce_f32(&s, dir.path(), block);
        assert!(out == reference, "block size {block} changed the output");
    }
}

#[test]
fn a_6_db_dip_measures_6_db_down_over_exactly_its_span() {
    let dir = tempfile::tempdir().unwrap();
    let tone: Vec<f32> = (0..48_000)
        .map(|i| q24(0.5 * (i as f32 * 0.05).sin()))
        .collect();
    write_wav24(
        &dir.path().join("t.wav"),
        RATE,
        &[tone.clone(), tone.clone()],
    );
    let mut s = session();
    s.sources.push(source("t", "t.wav"));
    let mut c = clip("t", 0, 48_000);
    c.dips.push(Dip {
        start: 20_000,
        end: 24_000,
        depth_db: -6.0,
        ramp: 960,
    });
    s.tracks
        .push(track("Dialog", TrackFormat::Stereo, StemKind::DX, vec![c]));
    let (_, out) = bounce_f32(&s, dir.path(), 333);
    let dx = &out[output("DX")][0];
    let ratio = |a: usize, b: usize| rms(&dx[a..b]) / rms(&tone[a..b]);
    assert!(
        (db(ratio(20_000, 24_000)) + 6.0).abs() < 0.01,
        "{} dB in the dip",
        db(ratio(20_000, 24_000))
    );
    // Sample by sample: exactly the dip gain inside, unity before the ramp and after it.
    let g = 10f32.powf(-6.0 / 20.0);
    for i in 20_000..24_000 {
        assert!((dx[i] - tone[i] * g).abs() < 1e-6, "inside at {i}");
    }
    for i in (0..19_040).chain(24_960..48_000) {
        assert_eq!(dx[i], tone[i], "outside at {i}");
    }
    assert!(
        ratio(19_100, 19_900) < 1.0 && ratio(24_100, 24_900) < 1.0,
        "the ramps sit outside the span"
    );
}

#[test]
fn an_equal_power_crossfade_of_uncorrelated_material_has_no_level_bump() {
    let dir = tempfile::tempdir().unwrap();
    write_wav24(&dir.path().join("a.wav"), RATE, &[signal(96_000, 41)]);
    write_wav24(&dir.path().join("b.wav"), RATE, &[signal(96_000, 42)]);
    let mut s = session();
    s.sources.push(source("a", "a.wav"));
    s.sources.push(source("b", "b.wav"));
    let xf = 9600;
    let mut a = clip("a", 0, 48_000);
    a.fade_out = Fade {
        length: xf,
        shape: FadeShape::EqualPower,
    };
    let mut b = clip("b", 48_000 - xf, 48_000);
    b.source_offset = 20_000;
    b.fade_in = Fade {
        length: xf,
        shape: FadeShape::EqualPower,
    };
    s.tracks
        .push(track("Dialog", TrackFormat::Mono, StemKind::DX, vec![a, b]));
    let (_, out) = bounce_f32(&s, dir.path(), 4096);
    let dx = &out[output("DX")][0];
    let steady = rms(&dx[5_000..35_000]);
    // Through the crossfade, in windows of 1200 samples, the level stays within 0.5 dB.
    for w in (38_400..48_000).step_by(1200) {
        let level = db(rms(&dx[w..w + 1200]) / steady);
        assert!(level.abs() < 0.5, "window at {w}: {level:.2} dB");
    }
}

#[test]
fn room_tone_fill_loops_with_crossfaded_joins() {
    let dir = tempfile::tempdir().unwrap();
    let tone = signal(20_000, 7);
    write_wav24(
        &dir.path().join("rt.wav"),
        RATE,
        std::slice::from_ref(&tone),
    );
    let mut s = session();
    s.sources.push(source("rt", "rt.wav"));
    let mut c = clip("rt", 0, 40_000);
    c.source_offset = 1000;
    c.looped = Some(LoopFill {
        length: 8000,
        crossfade: 1000,
    });
    let mut t = track("Room", TrackFormat::Stereo, StemKind::FX, vec![c]);
    t.format = TrackFormat::Stereo; // a mono source feeds both sides
    s.tracks.push(t);
    let (_, out) = bounce_f32(&s, dir.path(), 4096);
    let fx = &out[output("FX")][0];
    let period = 7000;
    // Away from the joins, every repeat is the source span itself.
    for i in 0..40_000usize {
        let (k, j) = (i / period, i % period);
        if k == 0 || j >= 1000 {
            assert_eq!(fx[i], tone[1000 + j], "at {i}");
        } else {
            let x = j as f32 / 1000.0;
            let (fi, fo) = (
                (x * std::f32::consts::FRAC_PI_2).sin(),
                (x * std::f32::consts::FRAC_PI_2).cos(),
            );
            let want = tone[1000 + j] * fi + tone[1000 + period + j] * fo;
            assert!((fx[i] - want).abs() < 1e-6, "join at {i}");
        }
    }
}

#[test]
fn a_range_bounce_is_the_same_span_of_the_whole_bounce() {
    let dir = tempfile::tempdir().unwrap();
    let s = busy_session(dir.path());
    let (_, whole) = bounce_f32(&s, dir.path(), 4096);
    let pool = pool(&s, dir.path());
    let mut options = BounceOptions::new(dir.path().join("range"));
    options.format = dubstage::media::writer::OutputFormat::Float32;
    options.range = Some((10_000, 20_000));
    let report = bounce::bounce(&s, &pool, &options, |_, _| {}).unwrap();
    assert_eq!(report.frames, 10_000);
    let (_, pm) = read_wav(&report.outputs[output("PM")].path);
    assert_eq!(
        first_difference(&pm[1], &whole[output("PM")][1][10_000..20_000]),
        None
    );
}

#[test]
fn twenty_four_bit_output_is_the_float_mix_rounded() {
    let dir = tempfile::tempdir().unwrap();
    let s = busy_session(dir.path());
    let (_, float) = bounce_f32(&s, dir.path(), 4096);
    let pool = pool(&s, dir.path());
    let report = bounce::bounce(
        &s,
        &pool,
        &BounceOptions::new(dir.path().join("i24")),
        |_, _| {},
    )
    .unwrap();
    let (spec, pm) = read_wav(&report.outputs[output("PM")].path);
    assert_eq!(
        (spec.bits_per_sample, spec.sample_format),
        (24, hound::SampleFormat::Int)
    );
    for (a, b) in pm[0].iter().zip(&float[output("PM")][0]) {
        assert!((a - b).abs() <= 0.5 / 8_388_608.0 + 1e-9);
    }
}

#[test]
fn a_bounce_refuses_to_overwrite_a_source_and_leaves_it_alone() {
    let dir = tempfile::tempdir().unwrap();
    let sig = signal(1000, 5);
    write_wav24(&dir.path().join("PM.wav"), RATE, std::slice::from_ref(&sig));
    let before = std::fs::read(dir.path().join("PM.wav")).unwrap();
    let mut s = session();
    s.sources.push(source("pm", "PM.wav"));
    s.tracks.push(track(
        "T",
        TrackFormat::Mono,
        StemKind::DX,
        vec![clip("pm", 0, 1000)],
    ));
    let pool = pool(&s, dir.path());
    let err = bounce::bounce(&s, &pool, &BounceOptions::new(dir.path()), |_, _| {}).unwrap_err();
    assert!(
        matches!(err, BounceError::WouldOverwriteSource { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("PM.wav"));
    assert_eq!(std::fs::read(dir.path().join("PM.wav")).unwrap(), before);
    assert!(!dir.path().join("DX.wav").exists(), "nothing was written");
}

#[test]
fn offline_media_play_as_silence_and_are_listed_together() {
    let dir = tempfile::tempdir().unwrap();
    write_wav24(&dir.path().join("here.wav"), RATE, &[signal(2000, 9)]);
    let mut s = session();
    s.sources.push(source("gone1", "missing/one.wav"));
    s.sources.push(source("here", "here.wav"));
    s.sources.push(source("gone2", "missing/two.flac"));
    s.tracks.push(track(
        "T",
        TrackFormat::Mono,
        StemKind::DX,
        vec![
            clip("gone1", 0, 1000),
            clip("here", 0, 2000),
            clip("gone2", 500, 1000),
        ],
    ));
    let pool = pool(&s, dir.path());
    let report = pool.offline_report(&s).unwrap();
    assert!(report.starts_with("2 source(s) offline"), "{report}");
    assert!(
        report.contains("one.wav") && report.contains("two.flac") && report.contains("T/gone1")
    );
    let (_, out) = bounce_f32(&s, dir.path(), 4096);
    assert!(
        out[output("DX")][0].iter().any(|&x| x != 0.0),
        "the online clip still plays"
    );
}
