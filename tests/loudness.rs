//! The loudness meter against the minimum requirements of EBU Tech 3341
//! (loudness, true peak) and Tech 3342 (loudness range): every case that is
//! defined by a formula, synthesized here. Tolerances are the standards':
//! +/-0.1 LU for loudness, +/-1 LU for loudness range, +0.2/-0.4 dB for
//! true peak. Then the speech gate behind dialog-gated loudness, on
//! synthesized speech with pauses, against music.

mod common;

use std::f64::consts::PI;

use common::synth;
use dubstage::loudness::dialog::{BLOCK_HOP_SECONDS, HANGOVER_BLOCKS};
use dubstage::loudness::{LoudnessMeter, Meter, SpeechGate};

const RATE: u32 = 48_000;

/// A 1 kHz sine segment: `seconds` long at `dbfs` (peak level per channel).
struct Tone {
    seconds: f64,
    dbfs: Option<f64>,
}

fn tone(seconds: f64, dbfs: f64) -> Tone {
    Tone {
        seconds,
        dbfs: Some(dbfs),
    }
}

fn silence(seconds: f64) -> Tone {
    Tone {
        seconds,
        dbfs: None,
    }
}

/// One channel of the segments, phase-continuous.
fn render(segments: &[Tone]) -> Vec<f32> {
    let mut out = Vec::new();
    for s in segments {
        let a = s.dbfs.map_or(0.0, |d| 10f64.powf(d / 20.0));
        let n = (s.seconds * RATE as f64).round() as usize;
        let start = out.len();
        out.extend(
            (start..start + n)
                .map(|i| (a * (2.0 * PI * 1000.0 * i as f64 / RATE as f64).sin()) as f32),
        );
    }
    out
}

fn stereo_meter(x: &[f32]) -> Meter {
    let mut m = Meter::new(2, RATE).unwrap();
    for block in x.chunks(4096) {
        m.add(&[block, block]);
    }
    m
}

fn within(value: Option<f64>, want: f64, below: f64, above: f64, what: &str) {
    let v = value.unwrap_or(f64::NEG_INFINITY);
    assert!(
        v >= want - below && v <= want + above,
        "{what}: {v:.3}, want {want} (-{below}/+{above})"
    );
}

fn lu(value: Option<f64>, want: f64, what: &str) {
    within(value, want, 0.1, 0.1, what);
}

#[test]
fn tech_3341_cases_1_and_2_steady_sines() {
    for (dbfs, want) in [(-23.0, -23.0), (-33.0, -33.0)] {
        let m = stereo_meter(&render(&[tone(20.0, dbfs)]));
        lu(m.loudness.integrated(), want, "I");
        lu(m.loudness.momentary(), want, "M");
        lu(m.loudness.short_term(), want, "S");
        lu(m.loudness.momentary_max(), want, "M max");
        lu(m.loudness.short_term_max(), want, "S max");
    }
}

#[test]
fn tech_3341_cases_3_to_5_gating() {
    let cases = [
        vec![tone(10.0, -36.0), tone(60.0, -23.0), tone(10.0, -36.0)],
        vec![
            tone(10.0, -72.0),
            tone(10.0, -36.0),
            tone(60.0, -23.0),
            tone(10.0, -36.0),
            tone(10.0, -72.0),
        ],
        vec![tone(20.0, -26.0), tone(20.1, -20.0), tone(20.0, -26.0)],
    ];
    for (k, segments) in cases.iter().enumerate() {
        let m = stereo_meter(&render(segments));
        lu(m.loudness.integrated(), -23.0, &format!("case {}", k + 3));
    }
}

#[test]
fn tech_3341_case_6_five_channels_with_and_without_lfe() {
    let front = render(&[tone(20.0, -28.0)]);
    let centre = render(&[tone(20.0, -24.0)]);
    let surround = render(&[tone(20.0, -30.0)]);
    let silent = vec![0f32; front.len()];
    let mut five = LoudnessMeter::new(5, RATE).unwrap();
    five.add(&[&front, &front, &centre, &surround, &surround]);
    lu(five.integrated(), -23.0, "5.0");
    let mut six = LoudnessMeter::new(6, RATE).unwrap();
    six.add(&[&front, &front, &centre, &silent, &surround, &surround]);
    lu(six.integrated(), -23.0, "5.1 with a silent LFE");
}

/// Short-term (or momentary) loudness after every 10 ms from `settle` on.
fn every_10_ms(x: &[f32], settle: f64, read: fn(&LoudnessMeter) -> Option<f64>) -> Vec<f64> {
    let mut m = LoudnessMeter::new(2, RATE).unwrap();
    let step = RATE as usize / 100;
    let mut out = Vec::new();
    for (k, block) in x.chunks(step).enumerate() {
        m.add(&[block, block]);
        if (k + 1) as f64 * 0.01 >= settle - 1e-9 {
            out.push(read(&m).unwrap_or(f64::NEG_INFINITY));
        }
    }
    out
}

#[test]
fn tech_3341_case_9_short_term_is_steady_after_3_s() {
    let mut segments = Vec::new();
    for _ in 0..5 {
        segments.push(tone(1.34, -20.0));
        segments.push(tone(1.66, -30.0));
    }
    for (k, s) in every_10_ms(&render(&segments), 3.0, LoudnessMeter::short_term)
        .into_iter()
        .enumerate()
    {
        lu(
            Some(s),
            -23.0,
            &format!("S at {:.2} s", 3.0 + k as f64 * 0.01),
        );
    }
}

#[test]
fn tech_3341_case_12_momentary_is_steady_after_1_s() {
    let mut segments = Vec::new();
    for _ in 0..25 {
        segments.push(tone(0.18, -20.0));
        segments.push(tone(0.22, -30.0));
    }
    for (k, s) in every_10_ms(&render(&segments), 1.0, LoudnessMeter::momentary)
        .into_iter()
        .enumerate()
    {
        lu(
            Some(s),
            -23.0,
            &format!("M at {:.2} s", 1.0 + k as f64 * 0.01),
        );
    }
}

/// A burst of `seconds` at `dbfs` after a lead-in of silence.
fn burst(lead: f64, seconds: f64, dbfs: f64) -> Vec<f32> {
    render(&[silence(lead), tone(seconds, dbfs), silence(0.5)])
}

/// Cases 10 and 13: a burst exactly as long as the window, -23 LUFS, starting
/// at 20 different moments that sweep across the meter's grid; the maximum
/// must find it every time.
#[test]
fn tech_3341_cases_10_and_13_maxima_are_found_wherever_the_burst_falls() {
    for k in 0..20 {
        let lead = 0.5 + k as f64 * 0.000_53; // 0 to 10 ms off the grid, in 0.53 ms steps
        let m = stereo_meter(&burst(lead, 3.0, -23.0));
        lu(
            m.loudness.short_term_max(),
            -23.0,
            &format!("case 10 #{k} S max"),
        );
        let m = stereo_meter(&burst(lead, 0.4, -23.0));
        lu(
            m.loudness.momentary_max(),
            -23.0,
            &format!("case 13 #{k} M max"),
        );
    }
}

/// Cases 11 and 14: bursts at -38, -37, ... -19 LUFS; the maxima read each level.
#[test]
fn tech_3341_cases_11_and_14_maxima_track_the_level() {
    for (k, level) in (-38..=-19).enumerate() {
        let lead = 0.25 + k as f64 * 0.0031;
        let m = stereo_meter(&burst(lead, 3.0, level as f64));
        lu(
            m.loudness.short_term_max(),
            level as f64,
            &format!("case 11 S max at {level}"),
        );
        let m = stereo_meter(&burst(lead, 0.4, level as f64));
        lu(
            m.loudness.momentary_max(),
            level as f64,
            &format!("case 14 M max at {level}"),
        );
    }
}

/// One second of a sine at `fraction` of the sample rate, `amplitude` peak,
/// `phase_deg` at sample 0. It fades in over 10 ms: a tone that starts with
/// a jump has a click whose true peak is really higher (by up to 0.65 dB
/// for these), and the cases are about the steady tone.
fn rate_sine(fraction: f64, amplitude: f64, phase_deg: f64) -> Vec<f32> {
    let fade = RATE as usize / 100;
    (0..RATE as usize)
        .map(|i| {
            let ramp = if i < fade {
                0.5 - 0.5 * (PI * i as f64 / fade as f64).cos()
            } else {
                1.0
            };
            (ramp * amplitude * (2.0 * PI * fraction * i as f64 + phase_deg.to_radians()).sin())
                as f32
        })
        .collect()
}

#[test]
fn tech_3341_cases_15_to_19_true_peak_at_48_khz() {
    for (case, fraction, amplitude, phase, want) in [
        (15, 0.25, 0.5, 0.0, -6.0),
        (16, 0.25, 0.5, 45.0, -6.0),
        (17, 1.0 / 6.0, 0.5, 60.0, -6.0),
        (18, 0.125, 0.5, 67.5, -6.0),
        (19, 0.25, 1.41, 45.0, 3.0),
    ] {
        let x = rate_sine(fraction, amplitude, phase);
        let m = stereo_meter(&x);
        within(
            m.reading().true_peak,
            want,
            0.4,
            0.2,
            &format!("case {case} true peak"),
        );
    }
}

#[test]
fn tech_3342_cases_1_to_4_loudness_range() {
    let cases = [
        (vec![tone(20.0, -20.0), tone(20.0, -30.0)], 10.0),
        (vec![tone(20.0, -20.0), tone(20.0, -15.0)], 5.0),
        (vec![tone(20.0, -40.0), tone(20.0, -20.0)], 20.0),
        (
            vec![
                tone(20.0, -50.0),
                tone(20.0, -35.0),
                tone(20.0, -20.0),
                tone(20.0, -35.0),
                tone(20.0, -50.0),
            ],
            15.0,
        ),
    ];
    for (k, (segments, want)) in cases.iter().enumerate() {
        let m = stereo_meter(&render(segments));
        within(
            Some(m.loudness.loudness_range()),
            *want,
            1.0,
            1.0,
            &format!("3342 case {}", k + 1),
        );
    }
}

/// Meter a printmaster and its DX stem (mono, centred) together.
fn gate_on(dx: &[f32], music: &[Vec<f32>; 2]) -> (LoudnessMeter, LoudnessMeter) {
    let mut pm_meter = LoudnessMeter::new(2, RATE).unwrap().log_blocks();
    let mut dx_meter = LoudnessMeter::new(2, RATE).unwrap().log_blocks();
    let pm: Vec<Vec<f32>> = music
        .iter()
        .map(|side| side.iter().zip(dx).map(|(m, d)| m + d).collect())
        .collect();
    for k in (0..dx.len()).step_by(4096) {
        let end = (k + 4096).min(dx.len());
        dx_meter.add(&[&dx[k..end], &dx[k..end]]);
        pm_meter.add(&[&pm[0][k..end], &pm[1][k..end]]);
    }
    (pm_meter, dx_meter)
}

#[test]
fn the_speech_gate_opens_on_phrases_and_closes_in_the_pauses() {
    let frames = 40 * RATE as usize;
    let (dx, phrases) = synth::speech(frames, RATE, 0.25, 3);
    assert!(phrases.len() >= 6, "{} phrases", phrases.len());
    // Music swells in the pauses, as it does between lines, and is 20 dB
    // down under the dialog and for 0.8 s around it.
    let mut music = synth::music(frames, RATE, 0.4);
    let margin = 8 * RATE as usize / 10;
    for side in &mut music {
        for p in &phrases {
            for s in &mut side[p.start.saturating_sub(margin)..(p.end + margin).min(frames)] {
                *s *= 0.1;
            }
        }
    }
    let (pm, dxm) = gate_on(&dx, &music);
    let gate = SpeechGate::new(dxm.blocks(), dxm.integrated());
    let in_phrase = |a: f64, b: f64| {
        phrases
            .iter()
            .any(|p| a >= p.start as f64 / RATE as f64 && b <= p.end as f64 / RATE as f64)
    };
    let near_phrase = |a: f64, b: f64| {
        phrases
            .iter()
            .any(|p| a < p.end as f64 / RATE as f64 && b > p.start as f64 / RATE as f64)
    };
    for (k, &open) in gate.dialog.iter().enumerate() {
        let end = 0.4 + k as f64 * BLOCK_HOP_SECONDS;
        if in_phrase(end - 0.4, end) {
            assert!(open, "block ending at {end:.1} s lies inside a phrase");
        }
        let reach = 0.4 + HANGOVER_BLOCKS as f64 * BLOCK_HOP_SECONDS;
        if !near_phrase(end - reach, end) {
            assert!(!open, "block ending at {end:.1} s lies in a pause");
        }
    }
    let dialog = gate.measure(pm.blocks());
    let programme = pm.integrated().unwrap();
    let gated = dialog.integrated.unwrap();
    // Under the dialog the music is 20 dB down, so the dialog-gated
    // loudness is the speech's; the programme is pushed up by the music.
    let speech_alone = dxm.integrated().unwrap();
    assert!(
        (gated - speech_alone).abs() < 1.0,
        "{gated} vs speech {speech_alone}"
    );
    assert!(
        programme > gated + 3.0,
        "programme {programme} vs dialog {gated}"
    );
    let spoken: f64 = phrases.iter().map(|p| p.len() as f64 / RATE as f64).sum();
    assert!(
        dialog.dialog_seconds >= spoken
            && dialog.dialog_seconds <= spoken + 0.8 * phrases.len() as f64,
        "{} s of dialog for {spoken} s spoken",
        dialog.dialog_seconds
    );
}

#[test]
fn music_alone_or_room_tone_in_the_dialog_stem_never_opens_the_gate() {
    let frames = 20 * RATE as usize;
    let music = synth::music(frames, RATE, 0.4);
    let silent = vec![0f32; frames];
    let (pm, dx) = gate_on(&silent, &music);
    let dialog = SpeechGate::new(dx.blocks(), dx.integrated()).measure(pm.blocks());
    assert_eq!((dialog.integrated, dialog.dialog_seconds), (None, 0.0));
    // Room tone cut into the DX stem sits under the absolute threshold.
    let room: Vec<f32> = (0..frames)
        .map(|i| 0.002 * ((i as f32 * 0.37).sin() + (i as f32 * 0.011).sin()))
        .collect();
    let (pm, dx) = gate_on(&room, &music);
    assert!(dx.integrated().unwrap() < -45.0);
    let dialog = SpeechGate::new(dx.blocks(), dx.integrated()).measure(pm.blocks());
    assert_eq!(dialog.integrated, None);
}
