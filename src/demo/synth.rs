//! The demo's signal building blocks: a seeded noise generator, level and
//! buffer helpers, and the filters and oscillators every sound is made of.

use std::f64::consts::{PI, TAU};

/// Sample rate of every demo file in Hz.
pub(super) const SR: f64 = 48_000.0;

/// Deterministic xorshift64* generator: the same seed always gives the same audio.
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64) -> Self {
        // One splitmix64 step spreads small seeds and keeps the state non-zero.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }
    /// Uniform in [0, 1).
    pub(super) fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in [lo, hi): humanizes timing, pitch and level.
    pub(super) fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    /// Uniform index in 0..n.
    pub(super) fn pick(&mut self, n: usize) -> usize {
        ((self.unit() * n as f64) as usize).min(n - 1)
    }
    /// White noise, uniform in [-1, 1).
    pub(super) fn noise(&mut self) -> f64 {
        self.range(-1.0, 1.0)
    }
}

/// Linear gain of a level in dB.
pub(super) fn db(level: f64) -> f64 {
    10f64.powf(level / 20.0)
}

/// Sample index of a time in seconds.
pub(super) fn at(seconds: f64) -> usize {
    (seconds * SR).round().max(0.0) as usize
}

/// Smooth 0→1 ramp for x in [0, 1] (clamped outside): fades and envelope edges.
pub(super) fn smoothstep(x: f64) -> f64 {
    let x = x.clamp(0.0, 1.0);
    x * x * (3.0 - 2.0 * x)
}

/// Root-mean-square level of a buffer (0 when empty).
pub(super) fn rms(buf: &[f64]) -> f64 {
    (buf.iter().map(|s| s * s).sum::<f64>() / buf.len().max(1) as f64).sqrt()
}

/// Largest absolute sample of a buffer.
pub(super) fn peak(buf: &[f64]) -> f64 {
    buf.iter().fold(0.0, |m, s| m.max(s.abs()))
}

/// Gain that brings a measured `level` (RMS or peak) to `dbfs`; 1 for silence.
pub(super) fn gain_to(dbfs: f64, level: f64) -> f64 {
    if level > 0.0 {
        db(dbfs) / level
    } else {
        1.0
    }
}

/// Scales `buf` so that `measure(buf)` (its RMS or peak) becomes `dbfs`.
pub(super) fn normalize(buf: &mut [f64], measure: fn(&[f64]) -> f64, dbfs: f64) {
    let gain = gain_to(dbfs, measure(buf));
    buf.iter_mut().for_each(|s| *s *= gain);
}

/// Adds `src` into `dst` from sample `offset` on, dropping what overhangs.
pub(super) fn mix_into(dst: &mut [f64], offset: usize, src: &[f64]) {
    dst.iter_mut()
        .skip(offset)
        .zip(src)
        .for_each(|(d, s)| *d += s);
}

/// The samples of `buf` from `start` s on, lasting `len` s, each paired with
/// its time in seconds since `start`.
pub(super) fn region(
    buf: &mut [f64],
    start: f64,
    len: f64,
) -> impl Iterator<Item = (f64, &mut f64)> {
    let samples = buf.iter_mut().skip(at(start)).take(at(len));
    samples.enumerate().map(|(i, s)| (i as f64 / SR, s))
}

/// Direct-form-I biquad; coefficients can change while running (formant glides).
#[derive(Clone, Copy, Default)]
pub(super) struct Biquad {
    b: [f64; 3],
    a: [f64; 2],
    x: [f64; 2],
    y: [f64; 2],
}

impl Biquad {
    /// Klatt formant resonator: a 2-pole peak at `freq` with bandwidth `bw` and
    /// unity gain at DC; a cascade of them shapes a vowel's spectral envelope.
    pub(super) fn resonator(freq: f64, bw: f64) -> Self {
        let r = (-PI * bw / SR).exp();
        let a = [-2.0 * r * (TAU * freq / SR).cos(), r * r];
        Biquad {
            b: [1.0 + a[0] + a[1], 0.0, 0.0],
            a,
            ..Self::default()
        }
    }
    /// RBJ-cookbook section; `numerator(cos w, alpha)` picks the response.
    fn rbj(freq: f64, q: f64, numerator: impl Fn(f64, f64) -> [f64; 3]) -> Self {
        let w = TAU * freq.min(0.45 * SR) / SR;
        let alpha = w.sin() / (2.0 * q);
        let a0 = 1.0 + alpha;
        let b = numerator(w.cos(), alpha).map(|c| c / a0);
        Biquad {
            b,
            a: [-2.0 * w.cos() / a0, (1.0 - alpha) / a0],
            ..Self::default()
        }
    }
    /// Band-pass, 0 dB at `freq`: turns noise into hiss, clicks and rattles.
    pub(super) fn bandpass(freq: f64, q: f64) -> Self {
        Self::rbj(freq, q, |_, alpha| [alpha, 0.0, -alpha])
    }
    /// High-pass: keeps the bright part of noise (the "s" hiss).
    pub(super) fn highpass(freq: f64, q: f64) -> Self {
        Self::rbj(freq, q, |c, _| {
            [(1.0 + c) / 2.0, -(1.0 + c), (1.0 + c) / 2.0]
        })
    }
    /// Low-pass: darkens noise (room air, the body of a slam).
    pub(super) fn lowpass(freq: f64, q: f64) -> Self {
        Self::rbj(freq, q, |c, _| [(1.0 - c) / 2.0, 1.0 - c, (1.0 - c) / 2.0])
    }
    /// Adopts `other`'s coefficients, keeping this filter's state (no clicks).
    pub(super) fn retune(&mut self, other: Biquad) {
        (self.b, self.a) = (other.b, other.a);
    }
    pub(super) fn process(&mut self, x: f64) -> f64 {
        let [b0, b1, b2] = self.b;
        let y = b0 * x + b1 * self.x[0] + b2 * self.x[1]
            - self.a[0] * self.y[0]
            - self.a[1] * self.y[1];
        self.x = [x, self.x[0]];
        self.y = [y, self.y[0]];
        y
    }
}

/// Fixed-frequency sine oscillator: a unit vector rotated each sample (no trig per sample).
pub(super) struct Phasor {
    z: (f64, f64),
    step: (f64, f64),
}

impl Phasor {
    pub(super) fn new(freq: f64, phase: f64) -> Self {
        let w = TAU * freq / SR;
        Phasor {
            z: (phase.cos(), phase.sin()),
            step: (w.cos(), w.sin()),
        }
    }
    pub(super) fn next(&mut self) -> f64 {
        let ((re, im), (c, s)) = (self.z, self.step);
        self.z = (re * c - im * s, re * s + im * c);
        self.z.1
    }
}

/// Pink (-3 dB/octave) noise from white: Paul Kellet's economy filter.
#[derive(Default)]
pub(super) struct Pink([f64; 3]);

impl Pink {
    pub(super) fn process(&mut self, white: f64) -> f64 {
        let b = &mut self.0;
        b[0] = 0.99765 * b[0] + white * 0.099_046;
        b[1] = 0.963 * b[1] + white * 0.296_516_4;
        b[2] = 0.57 * b[2] + white * 1.052_691_3;
        b[0] + b[1] + b[2] + white * 0.1848
    }
}
