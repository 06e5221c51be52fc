//! Synthesized programme material for the loudness and delivery tests:
//! speech-like phrases with pauses, music, and percussive hits.

use std::f64::consts::PI;
use std::ops::Range;

struct Rng(u32);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0 as f64 / u32::MAX as f64
    }

    fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next()
    }
}

/// Speech-like phrases separated by pauses: syllables of a voice (a 120 to
/// 180 Hz fundamental with harmonics to 4 kHz) under raised-cosine envelopes
/// 120 to 260 ms long, 40 to 120 ms apart; phrases of 1.5 to 3 s, pauses of
/// 1.5 to 3 s, the first phrase after a pause. Returns the signal (peak about
/// `amplitude`) and the phrases' spans in frames.
pub fn speech(
    frames: usize,
    rate: u32,
    amplitude: f32,
    seed: u32,
) -> (Vec<f32>, Vec<Range<usize>>) {
    let mut rng = Rng(seed.wrapping_mul(2_654_435_761) | 1);
    let rate_f = rate as f64;
    let mut out = vec![0f32; frames];
    let mut phrases = Vec::new();
    let mut t = rng.between(1.5, 3.0);
    while t < frames as f64 / rate_f - 1.0 {
        let phrase_end = (t + rng.between(1.5, 3.0)).min(frames as f64 / rate_f - 0.5);
        let start = (t * rate_f) as usize;
        let mut s = t;
        let mut last = start;
        while s < phrase_end - 0.12 {
            let len = rng.between(0.12, 0.26).min(phrase_end - s);
            let f0 = rng.between(120.0, 180.0);
            let level = rng.between(0.5, 1.0);
            let a = (s * rate_f) as usize;
            let n = (len * rate_f) as usize;
            for i in 0..n.min(frames - a) {
                let x = i as f64 / n as f64;
                let env = 0.5 - 0.5 * (2.0 * PI * x).cos();
                let time = (a + i) as f64 / rate_f;
                let mut v = 0.0;
                let mut h = 1;
                while f0 * h as f64 <= 4000.0 {
                    v += (2.0 * PI * f0 * h as f64 * time).sin() / h as f64;
                    h += 1;
                }
                out[a + i] = (amplitude as f64 * level * env * v / 2.0) as f32;
            }
            last = a + n;
            s += len + rng.between(0.04, 0.12);
        }
        phrases.push(start..last);
        t = phrase_end + rng.between(1.5, 3.0);
    }
    (out, phrases)
}

/// Music: a sustained chord, different on the two sides, with a slow swell.
pub fn music(frames: usize, rate: u32, amplitude: f32) -> [Vec<f32>; 2] {
    let chord = [220.0, 261.63, 329.63, 440.0, 523.25];
    let side = |detune: f64| -> Vec<f32> {
        (0..frames)
            .map(|i| {
                let t = i as f64 / rate as f64;
                let swell = 0.75 + 0.25 * (2.0 * PI * 0.13 * t).sin();
                let v: f64 = chord
                    .iter()
                    .map(|f| (2.0 * PI * f * detune * t).sin())
                    .sum::<f64>()
                    / chord.len() as f64;
                (amplitude as f64 * swell * v) as f32
            })
            .collect()
    };
    [side(1.0), side(1.003)]
}

/// Percussive hits every `every` seconds: noise that starts at `amplitude`
/// and dies away over about 50 ms. Their true peaks sit far above the
/// signal's loudness.
pub fn hits(frames: usize, rate: u32, every: f64, amplitude: f32) -> Vec<f32> {
    let mut rng = Rng(0x5EED_1234);
    let mut out = vec![0f32; frames];
    let step = (every * rate as f64) as usize;
    for start in (step / 2..frames).step_by(step) {
        for i in 0..(rate as usize / 10).min(frames - start) {
            let decay = (-(i as f64) / (0.012 * rate as f64)).exp();
            out[start + i] = (amplitude as f64 * decay * (rng.next() * 2.0 - 1.0)) as f32;
        }
    }
    out
}
