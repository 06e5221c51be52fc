//! The true-peak limiter: the ceiling holds in true peak (read by the
//! `ebur128` crate's meter), the limiter is transparent below it, and the
//! result is sample-accurate and independent of the block size, and it
//! allocates nothing while it works.

use std::f64::consts::PI;

use assert_no_alloc::{assert_no_alloc, reset_violation_count, violation_count, AllocDisabler};
use dubstage::dsp::delay::Delay;
use dubstage::dsp::limiter::{LimiterTiming, TruePeakLimiter};

#[global_allocator]
static ALLOCATOR: AllocDisabler = AllocDisabler;

const RATE: u32 = 48_000;

/// Limit `channels` in blocks of `block`, delay-compensated: the output is
/// aligned with the input and as long. Also returns the gain per frame.
fn limit(channels: &[Vec<f32>], ceiling_db: f32, block: usize) -> (Vec<Vec<f32>>, Vec<f32>) {
    let mut limiter = TruePeakLimiter::new(
        channels.len(),
        RATE,
        ceiling_db,
        LimiterTiming::default(),
        block,
    );
    let latency = limiter.latency();
    let mut delays: Vec<Delay> = channels.iter().map(|_| Delay::new(latency)).collect();
    let frames = channels[0].len();
    let mut padded: Vec<Vec<f32>> = channels.to_vec();
    for c in &mut padded {
        c.extend(std::iter::repeat_n(0.0, latency));
    }
    let mut gains = vec![0f32; padded[0].len()];
    let mut at = 0;
    while at < gains.len() {
        let n = block.min(gains.len() - at);
        let input: Vec<&[f32]> = padded.iter().map(|c| &c[at..at + n]).collect();
        limiter.gains(&input, &mut gains[at..at + n]);
        for (c, d) in padded.iter_mut().zip(&mut delays) {
            d.process(&mut c[at..at + n]);
            for (s, g) in c[at..at + n].iter_mut().zip(&gains[at..at + n]) {
                *s *= g;
            }
        }
        at += n;
    }
    let out = padded
        .into_iter()
        .map(|c| c[latency..latency + frames].to_vec())
        .collect();
    (out, gains[latency..latency + frames].to_vec())
}

/// True peak in dBTP as the ebur128 crate reads it.
fn true_peak_db(channels: &[Vec<f32>]) -> f64 {
    let mut meter =
        ebur128::EbuR128::new(channels.len() as u32, RATE, ebur128::Mode::TRUE_PEAK).unwrap();
    let planes: Vec<&[f32]> = channels.iter().map(|c| &c[..]).collect();
    meter.add_frames_planar_f32(&planes).unwrap();
    (0..channels.len())
        .map(|c| 20.0 * meter.true_peak(c as u32).unwrap().log10())
        .fold(f64::NEG_INFINITY, f64::max)
}

fn sine(freq: f64, amplitude: f64, phase_deg: f64, seconds: f64) -> Vec<f32> {
    (0..(seconds * RATE as f64) as usize)
        .map(|i| {
            (amplitude * (2.0 * PI * freq * i as f64 / RATE as f64 + phase_deg.to_radians()).sin())
                as f32
        })
        .collect()
}

fn noise(frames: usize, amplitude: f32, seed: u32) -> Vec<f32> {
    dubstage::dsp::noise::Noise::new(seed.wrapping_mul(2_654_435_761) | 1)
        .take(frames)
        .map(|x| x * amplitude)
        .collect()
}

/// Hard material: tones over the ceiling at every part of the band, tones
/// that start with a jump, a square wave, loud noise, lone impulses, and a
/// programme-like mix that crosses the ceiling now and then.
fn hard_signals() -> Vec<(&'static str, Vec<Vec<f32>>)> {
    let mut impulses = vec![0f32; RATE as usize];
    for k in 0..20 {
        impulses[1000 + k * 2203] = if k % 2 == 0 { 1.8 } else { -1.3 };
        impulses[1001 + k * 2203] = 0.9;
    }
    let square: Vec<f32> = (0..RATE as usize)
        .map(|i| if (i / 24) % 2 == 0 { 0.95 } else { -0.95 })
        .collect();
    let mut programme = noise(2 * RATE as usize, 0.2, 7);
    for (i, s) in programme.iter_mut().enumerate() {
        let swell = 1.0 + 3.0 * (i as f32 / 9000.0).sin().max(0.0).powi(8);
        *s *= swell;
    }
    vec![
        ("997 Hz at +6 dBFS", vec![sine(997.0, 2.0, 0.0, 1.0)]),
        (
            "quarter-rate sine at 45 degrees",
            vec![sine(12_000.0, 1.0, 45.0, 1.0)],
        ),
        ("19 kHz at 0 dBFS", vec![sine(19_000.0, 1.0, 10.0, 1.0)]),
        (
            "8 kHz jumping in at 60 degrees",
            vec![sine(8_000.0, 1.5, 60.0, 0.5)],
        ),
        ("square wave", vec![square]),
        ("noise at +6 dBFS peaks", vec![noise(RATE as usize, 2.0, 3)]),
        ("impulses", vec![impulses]),
        (
            "stereo programme, left louder",
            vec![
                programme.clone(),
                programme.iter().map(|s| s * 0.5).collect(),
            ],
        ),
        (
            "5.1 with one hot surround",
            vec![
                noise(RATE as usize, 0.3, 1),
                noise(RATE as usize, 0.3, 2),
                noise(RATE as usize, 0.4, 3),
                noise(RATE as usize, 0.1, 4),
                sine(3_000.0, 1.6, 0.0, 1.0),
                noise(RATE as usize, 0.3, 6),
            ],
        ),
    ]
}

#[test]
fn the_ceiling_holds_in_true_peak() {
    for ceiling in [-1.0f32, -2.0] {
        for (name, signal) in hard_signals() {
            let before = true_peak_db(&signal);
            assert!(
                before > ceiling as f64 + 0.5,
                "{name} must cross the ceiling"
            );
            let (out, _) = limit(&signal, ceiling, 4096);
            let after = true_peak_db(&out);
            assert!(
                after <= ceiling as f64 + 1e-3,
                "{name}: {after:.4} dBTP after limiting at {ceiling} (was {before:.2})"
            );
        }
    }
}

#[test]
fn it_is_transparent_below_the_ceiling() {
    let quiet = vec![
        noise(RATE as usize, 0.3, 11),
        sine(440.0, 0.5, 0.0, 1.0)
            .iter()
            .zip(noise(RATE as usize, 0.15, 12))
            .map(|(a, b)| a + b)
            .collect(),
    ];
    assert!(true_peak_db(&quiet) < -1.2);
    let (out, gains) = limit(&quiet, -1.0, 512);
    assert!(gains.iter().all(|&g| g == 1.0));
    assert_eq!(out, quiet, "bit for bit, delay-compensated");
}

#[test]
fn it_does_not_depend_on_the_block_size() {
    let signal = vec![
        noise(RATE as usize / 2, 1.7, 21),
        sine(5_000.0, 1.2, 30.0, 0.5),
    ];
    let (reference, reference_gains) = limit(&signal, -1.0, 4096);
    for block in [1, 37, 480, 1000] {
        let (out, gains) = limit(&signal, -1.0, block);
        assert!(gains == reference_gains, "block {block}: gains differ");
        assert!(out == reference, "block {block}: output differs");
    }
}

#[test]
fn a_lone_peak_is_met_by_its_gain_at_the_exact_sample() {
    let mut x = vec![0.1f32; 3 * RATE as usize / 2];
    x[5000] = 2.0; // +6 dBFS for one sample
    let (out, gains) = limit(&[x.clone()], -1.0, 256);
    let limit_lin = 10f32.powf(-1.0 / 20.0);
    // The gain is down in full from before the peak to after it, and only
    // near it: the ramp starts within the lookahead and the hold.
    let lookahead = (0.002 * RATE as f64) as usize;
    let down: Vec<usize> = (0..gains.len()).filter(|&i| gains[i] < 1.0).collect();
    assert!(*down.first().unwrap() >= 5000 - lookahead - 2 * 12);
    assert!(gains[5000 - 12..=5000 + 12]
        .iter()
        .all(|&g| g * 2.0 <= limit_lin));
    assert!(out[0][5000].abs() <= limit_lin);
    // Far from the peak the signal is untouched.
    assert_eq!(out[0][..4000], x[..4000]);
    assert_eq!(
        out[0][RATE as usize - 1],
        0.1,
        "released in full after a second"
    );
}

#[test]
fn the_channels_are_linked() {
    let left = sine(1_000.0, 2.0, 0.0, 0.5);
    let right = sine(1_000.0, 0.25, 0.0, 0.5);
    let (out, _) = limit(&[left.clone(), right.clone()], -1.0, 1024);
    // The image holds: right stays in proportion to left.
    for i in (2000..left.len()).step_by(97) {
        assert!((out[1][i] * 8.0 - out[0][i]).abs() < 1e-4, "at {i}");
    }
}

#[test]
fn limiting_allocates_nothing() {
    let signal = vec![noise(RATE as usize, 1.5, 31), noise(RATE as usize, 1.5, 32)];
    let mut limiter = TruePeakLimiter::new(2, RATE, -1.0, LimiterTiming::default(), 512);
    let mut delays = [Delay::new(limiter.latency()), Delay::new(limiter.latency())];
    let mut gains = vec![0f32; 1000];
    let mut work = signal.clone();
    reset_violation_count();
    assert_no_alloc(|| {
        // Blocks larger than the limiter was built for are worked through in pieces.
        for at in (0..RATE as usize).step_by(1000) {
            limiter.gains(
                &[&signal[0][at..at + 1000], &signal[1][at..at + 1000]],
                &mut gains,
            );
            for (c, d) in work.iter_mut().zip(&mut delays) {
                d.process(&mut c[at..at + 1000]);
            }
        }
    });
    assert_eq!(violation_count(), 0);
    assert!(limiter.stats().min_gain < 0.8, "it limited");
}
