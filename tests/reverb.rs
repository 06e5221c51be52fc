//! The strip's reverb and hum remover, measured: RT60 by Schroeder
//! backward integration of the impulse response, a silent tail that ends
//! in exact zeros with no subnormal on the way, energy that decays,
//! decorrelated outputs, stability over random parameter sets, block-size
//! independence; hum harmonics notched with the voice band left alone.

// Arrays are compared index by index.
#![allow(clippy::needless_range_loop)]

mod common;

use common::{bounce_f32, busy_session, output};
use dubstage::app::App;
use dubstage::command::desk::{Desk, OpenOptions};
use dubstage::dsp::biquad::{Coefficients, State};
use dubstage::dsp::strip::StripProcessor;
use dubstage::model::strip::{Strip, StripParam};
use dubstage::model::{file, Send};

const RATE: u32 = 48_000;

/// A strip with only its reverb on, fully wet.
fn reverb(decay: f32, size: f32, damping: f32) -> Strip {
    let mut s = Strip::default();
    s.reverb.on = true;
    s.reverb.decay_s = decay;
    s.reverb.size = size;
    s.reverb.damping = damping;
    s.reverb.predelay_ms = 0.0;
    s.reverb.mix = 100.0;
    s
}

/// `channels` outputs of `strip` for `input` on every channel, in blocks of `block`.
fn run(strip: Strip, input: &[f32], channels: usize, block: usize) -> Vec<Vec<f32>> {
    let mut p = StripProcessor::new(strip, RATE);
    let mut out = vec![Vec::with_capacity(input.len()); channels];
    for chunk in input.chunks(block) {
        let mut planes = vec![chunk.to_vec(); channels];
        p.process(&mut planes, chunk.len());
        for (o, plane) in out.iter_mut().zip(planes) {
            o.extend_from_slice(&plane);
        }
    }
    out
}

fn impulse(frames: usize) -> Vec<f32> {
    let mut x = vec![0.0; frames];
    x[0] = 1.0;
    x
}

/// RT60 from an impulse response: Schroeder's backward integral, a line
/// fitted (least squares) from -5 to -35 dB, extrapolated to -60 dB.
fn rt60(h: &[f32]) -> f64 {
    let mut edc = vec![0.0f64; h.len()];
    let mut sum = 0.0;
    for i in (0..h.len()).rev() {
        sum += (h[i] as f64).powi(2);
        edc[i] = sum;
    }
    let total = edc[0];
    let points: Vec<(f64, f64)> = edc
        .iter()
        .enumerate()
        .map(|(i, &e)| (i as f64 / RATE as f64, 10.0 * (e / total).log10()))
        .filter(|&(_, d)| (-35.0..=-5.0).contains(&d))
        .collect();
    assert!(points.len() > 100, "too few points to fit");
    let n = points.len() as f64;
    let (sx, sy) = points
        .iter()
        .fold((0.0, 0.0), |(a, b), &(x, y)| (a + x, b + y));
    let (mx, my) = (sx / n, sy / n);
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for &(x, y) in &points {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
    }
    -60.0 / (sxy / sxx)
}

#[test]
fn measured_rt60_is_within_ten_percent_of_the_setting() {
    let mut misses = Vec::new();
    for &(decay, size) in &[
        (0.3, 20.0),
        (0.3, 50.0),
        (0.5, 50.0),
        (1.0, 100.0),
        (1.2, 50.0),
        (2.0, 0.0),
        (3.0, 70.0),
        (5.0, 50.0),
        (8.0, 100.0),
    ] {
        let frames = ((1.2 * decay + 0.5) * RATE as f32) as usize;
        let out = run(reverb(decay, size, 0.0), &impulse(frames), 2, 512);
        for (c, h) in out.iter().enumerate() {
            let measured = rt60(h);
            let error = (measured / decay as f64 - 1.0).abs();
            eprintln!("decay {decay} s, size {size}%, channel {c}: measured {measured:.3} s");
            if error >= 0.10 {
                misses.push(format!(
                    "decay {decay} s, size {size}%, channel {c}: measured {measured:.3} s"
                ));
            }
        }
    }
    assert!(misses.is_empty(), "{misses:?}");
}

#[test]
fn damping_shortens_the_highs_and_not_the_mids() {
    let frames = 4 * RATE as usize;
    let h = &run(reverb(2.0, 50.0, 100.0), &impulse(frames), 1, 512)[0];
    let band = |k: Coefficients| {
        let mut x = h.clone();
        let mut state = [State::default(); 2];
        for s in &mut state {
            s.run(&k, &mut x);
        }
        rt60(&x)
    };
    let low = band(Coefficients::low_pass(400.0, RATE as f64, 0.707));
    let high = band(Coefficients::high_pass(10_000.0, RATE as f64, 0.707));
    assert!(
        (low / 2.0 - 1.0).abs() < 0.1,
        "the mids keep the RT60: {low:.2}"
    );
    assert!(
        high < 0.6 * low,
        "highs {high:.2} s against mids {low:.2} s"
    );
}

#[test]
fn the_impulse_response_energy_decays() {
    let frames = 3 * RATE as usize;
    let h = &run(reverb(1.0, 60.0, 0.0), &impulse(frames), 1, 256)[0];
    let window = RATE as usize / 4;
    let energy: Vec<f64> = h[window..]
        .chunks(window)
        .map(|w| w.iter().map(|&x| (x as f64).powi(2)).sum())
        .collect();
    for pair in energy.windows(2) {
        assert!(pair[1] < pair[0], "energy rose: {energy:?}");
    }
    // 60 dB a second: each quarter second about 15 dB down.
    let ratio = 10.0 * (energy[0] / energy[4]).log10();
    assert!((ratio - 60.0).abs() < 6.0, "{ratio:.1} dB in a second");
}

#[test]
fn a_silent_tail_ends_in_exact_zeros_without_subnormals() {
    let frames = 40 * RATE as usize;
    let out = run(reverb(1.0, 50.0, 50.0), &impulse(frames), 2, 1024);
    for (c, h) in out.iter().enumerate() {
        let bad = h.iter().position(|x| *x != 0.0 && !x.is_normal());
        assert_eq!(bad, None, "channel {c}: a subnormal or non-finite value");
        let last = h.iter().rposition(|x| *x != 0.0).unwrap_or(0);
        assert!(
            last < 35 * RATE as usize,
            "channel {c}: still not silent at {:.1} s",
            last as f64 / RATE as f64
        );
    }
}

#[test]
fn stereo_and_surround_returns_are_decorrelated_and_width_folds_them() {
    let frames = 2 * RATE as usize;
    let tail = RATE as usize / 10..frames;
    let correlation = |a: &[f32], b: &[f32]| {
        let dot: f64 = a.iter().zip(b).map(|(&x, &y)| x as f64 * y as f64).sum();
        let na: f64 = a.iter().map(|&x| (x as f64).powi(2)).sum();
        let nb: f64 = b.iter().map(|&x| (x as f64).powi(2)).sum();
        dot / (na * nb).sqrt()
    };
    let out = run(reverb(1.5, 50.0, 30.0), &impulse(frames), 6, 512);
    for a in [0, 1, 2, 4, 5] {
        for b in [0, 1, 2, 4, 5] {
            if a < b {
                let r = correlation(&out[a][tail.clone()], &out[b][tail.clone()]);
                assert!(r.abs() < 0.3, "channels {a} and {b}: correlation {r:.2}");
            }
        }
    }
    assert_eq!(out[3], impulse(frames), "the LFE gets no reverb");
    let mut narrow = reverb(1.5, 50.0, 30.0);
    narrow.reverb.width = 0.0;
    let out = run(narrow, &impulse(frames), 2, 512);
    let r = correlation(&out[0][tail.clone()], &out[1][tail]);
    assert!(r > 0.999, "width 0: the same on both sides ({r})");
}

#[test]
fn the_output_does_not_depend_on_the_block_size() {
    let input = common_noise(RATE as usize, 7);
    let mut s = reverb(2.0, 40.0, 40.0);
    s.reverb.mix = 35.0;
    s.reverb.predelay_ms = 23.0;
    s.hum.on = true;
    let whole = run(s, &input, 2, 4096);
    for block in [1, 37, 256] {
        assert_eq!(run(s, &input, 2, block), whole, "blocks of {block}");
    }
}

/// Uniform noise in -1..1 from a fixed seed (xorshift).
fn common_noise(frames: usize, seed: u32) -> Vec<f32> {
    let mut rng = Rng(seed as u64 | 1);
    (0..frames).map(|_| rng.uniform() * 2.0 - 1.0).collect()
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn uniform(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
}

#[test]
fn every_parameter_set_is_stable() {
    let mut rng = Rng(0x05ee_d0f2_e7eb);
    let params: Vec<StripParam> = StripParam::all()
        .filter(|p| p.name().starts_with("reverb.") || p.name().starts_with("hum."))
        .collect();
    let input = common_noise(RATE as usize / 4, 3);
    for case in 0..120 {
        let mut p = StripProcessor::new(reverb(1.0, 50.0, 50.0), RATE);
        let mut peak = 0.0f32;
        for (k, chunk) in input.chunks(1000).enumerate() {
            // New random values every block, extremes included.
            for &param in &params {
                let (lo, hi) = param.range();
                let u = rng.uniform();
                let value = match rng.next() % 4 {
                    0 => lo,
                    1 => hi,
                    _ => lo + u * (hi - lo),
                };
                if param != StripParam::ReverbOn || k == 0 {
                    p.set(param, value);
                }
            }
            p.set(StripParam::ReverbOn, 1.0);
            let mut planes = vec![chunk.to_vec(); 1 + case % 6];
            p.process(&mut planes, chunk.len());
            for plane in &planes {
                for &x in plane {
                    assert!(x.is_finite(), "case {case}: {:?}", p.settings());
                    peak = peak.max(x.abs());
                }
            }
        }
        assert!(peak < 50.0, "case {case}: peak {peak} {:?}", p.settings());
    }
}

/// Level of the `freq` component of `x`, by correlation with a sine and cosine.
fn tone_level(x: &[f32], freq: f64) -> f64 {
    let w = 2.0 * std::f64::consts::PI * freq / RATE as f64;
    let (mut c, mut s) = (0.0, 0.0);
    for (i, &v) in x.iter().enumerate() {
        c += v as f64 * (w * i as f64).cos();
        s += v as f64 * (w * i as f64).sin();
    }
    2.0 * (c * c + s * s).sqrt() / x.len() as f64
}

#[test]
fn the_hum_remover_notches_every_harmonic_and_spares_the_voice() {
    let frames = 4 * RATE as usize;
    let hum: Vec<f64> = (1..=8).map(|k| 60.0 * k as f64).collect();
    let voice = [230.0, 610.0, 1330.0, 2770.0];
    let input: Vec<f32> = (0..frames)
        .map(|i| {
            let t = i as f64 / RATE as f64;
            let tau = 2.0 * std::f64::consts::PI;
            let h: f64 = hum.iter().map(|f| 0.1 * (tau * f * t).sin()).sum();
            let v: f64 = voice.iter().map(|f| 0.05 * (tau * f * t + 1.0).sin()).sum();
            (h + v) as f32
        })
        .collect();
    let mut s = Strip::default();
    s.hum.on = true;
    s.hum.freq_hz = 60.0;
    s.hum.harmonics = 8;
    let out = &run(s, &input, 1, 480)[0];
    // Whole seconds after the first: every tone a whole number of cycles... settled.
    let settled = RATE as usize..frames;
    for &f in &hum {
        let before = tone_level(&input[settled.clone()], f);
        let after = tone_level(&out[settled.clone()], f);
        let down = 20.0 * (before / after).log10();
        assert!(down >= 30.0, "{f} Hz down only {down:.1} dB");
    }
    for &f in &voice {
        let before = tone_level(&input[settled.clone()], f);
        let after = tone_level(&out[settled.clone()], f);
        let change = 20.0 * (after / before).log10();
        assert!(change.abs() < 0.5, "{f} Hz changed {change:.2} dB");
    }
    s.hum.freq_hz = 50.0;
    s.hum.harmonics = 2;
    let out = &run(s, &input, 1, 480)[0];
    let kept = 20.0 * (tone_level(&out[settled.clone()], 60.0) / 0.1).log10();
    assert!(kept.abs() < 0.5, "50 Hz notches leave 60 Hz: {kept:.2} dB");
}

#[test]
fn the_keyboard_sets_steps_and_saves_them_and_old_strips_load_with_them_off() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mix.ron");
    file::save(&busy_session(dir.path()), &path).unwrap();
    let options = OpenOptions {
        engine: None,
        overviews: false,
    };
    let mut app = App::with_defaults(Desk::open(&path, &options).unwrap());
    let strip = |app: &App| app.desk.session.tracks[0].strip;
    app.type_keys(":strip reverb.on on<cr>:strip reverb.decay 800ms<cr>")
        .unwrap();
    assert!(strip(&app).reverb.on);
    assert_eq!(strip(&app).reverb.decay_s, 0.8);
    app.type_keys("sr2)").unwrap();
    assert_eq!(strip(&app).reverb.decay_s, 1.2, "two steps: 1.0, 1.2 s");
    app.type_keys(":strip reverb.mix 40%<cr>:strip reverb.early -12<cr>")
        .unwrap();
    assert_eq!(
        (strip(&app).reverb.mix, strip(&app).reverb.early_db),
        (40.0, -12.0)
    );
    app.type_keys("sm)so").unwrap();
    assert_eq!(strip(&app).hum.freq_hz, 60.0);
    assert!(strip(&app).hum.on, "so switches the hum remover");
    app.type_keys(":strip hum.harmonics 6<cr>").unwrap();
    assert_eq!(strip(&app).hum.harmonics, 6);
    let before = strip(&app);
    app.type_keys(":strip reverb.decay long<cr>").unwrap();
    assert_eq!(strip(&app), before, "bad input changes nothing");
    assert!(app.desk.message.as_ref().is_some_and(|m| m.error));

    // Saved and loaded as set.
    let saved = app.desk.session.clone();
    file::save(&saved, &path).unwrap();
    assert_eq!(file::load(&path).unwrap().session, saved);
    // A strip written before the hum remover and the reverb existed.
    let old: Strip = ron::from_str("(trim_db: 1.0, hpf: (on: true, freq: 90.0))").unwrap();
    assert!(!old.reverb.on && !old.hum.on);
    assert_eq!(old.reverb, Strip::default().reverb);
}

#[test]
fn a_reverb_on_the_aux_bus_the_sends_feed_is_its_return_and_leaves_the_dry_alone() {
    let dir = tempfile::tempdir().unwrap();
    let mut dry = busy_session(dir.path());
    dry.buses[0].output = dubstage::model::Output::Stem(dubstage::model::StemKind::FX);
    let mut wet = dry.clone();
    for s in [&mut dry, &mut wet] {
        s.tracks[0].output = dubstage::model::Output::Stem(dubstage::model::StemKind::DX);
        s.tracks[0].sends.push(Send {
            bus: "Production".into(),
            level_db: -6.0,
            pre_fader: false,
        });
    }
    wet.buses[0].strip.reverb.on = true;
    wet.buses[0].strip.reverb.mix = 100.0;
    wet.buses[0].strip.reverb.decay_s = 2.0;
    let (_, a) = bounce_f32(&dry, dir.path(), 4096);
    let (_, b) = bounce_f32(&wet, dir.path(), 1000);
    assert_eq!(
        a[output("DX")],
        b[output("DX")],
        "the dry dialog is untouched"
    );
    let fx_dry = &a[output("FX")][0];
    let fx_wet = &b[output("FX")][0];
    assert_ne!(fx_dry, fx_wet, "the return is the reverb");
    assert!(fx_wet.iter().all(|x| x.is_finite()));
}
