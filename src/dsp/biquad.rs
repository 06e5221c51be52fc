//! Second-order filter sections (the RBJ Audio EQ Cookbook designs), run
//! in transposed direct form II with 64-bit state so that low cutoffs at
//! high sample rates stay clean.

use std::f64::consts::PI;

/// Normalised coefficients: `a0` is 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coefficients {
    pub b0: f64,
    pub b1: f64,
    pub b2: f64,
    pub a1: f64,
    pub a2: f64,
}

/// The Q of a second-order Butterworth section.
pub const BUTTERWORTH_Q: f64 = std::f64::consts::FRAC_1_SQRT_2;
/// The Qs of the two sections of a fourth-order Butterworth filter.
pub const BUTTERWORTH4_Q: [f64; 2] = [0.541_196_100_146_197, 1.306_562_964_876_376_7];

impl Coefficients {
    /// Passes everything unchanged.
    pub const IDENTITY: Coefficients = Coefficients {
        b0: 1.0,
        b1: 0.0,
        b2: 0.0,
        a1: 0.0,
        a2: 0.0,
    };

    fn normalise(b0: f64, b1: f64, b2: f64, a0: f64, a1: f64, a2: f64) -> Coefficients {
        Coefficients {
            b0: b0 / a0,
            b1: b1 / a0,
            b2: b2 / a0,
            a1: a1 / a0,
            a2: a2 / a0,
        }
    }

    /// (cos w0, alpha) for `freq` at `rate` with quality `q`; the frequency is
    /// kept below Nyquist.
    fn angle(freq: f64, rate: f64, q: f64) -> (f64, f64) {
        let w0 = 2.0 * PI * freq.clamp(1.0, rate * 0.49) / rate;
        (w0.cos(), w0.sin() / (2.0 * q.max(0.01)))
    }

    pub fn low_pass(freq: f64, rate: f64, q: f64) -> Coefficients {
        let (c, alpha) = Self::angle(freq, rate, q);
        Self::normalise(
            (1.0 - c) / 2.0,
            1.0 - c,
            (1.0 - c) / 2.0,
            1.0 + alpha,
            -2.0 * c,
            1.0 - alpha,
        )
    }

    pub fn high_pass(freq: f64, rate: f64, q: f64) -> Coefficients {
        let (c, alpha) = Self::angle(freq, rate, q);
        Self::normalise(
            (1.0 + c) / 2.0,
            -(1.0 + c),
            (1.0 + c) / 2.0,
            1.0 + alpha,
            -2.0 * c,
            1.0 - alpha,
        )
    }

    /// A notch: nothing passes at `freq`, the stop band `freq / q` wide.
    pub fn notch(freq: f64, rate: f64, q: f64) -> Coefficients {
        let (c, alpha) = Self::angle(freq, rate, q);
        Self::normalise(1.0, -2.0 * c, 1.0, 1.0 + alpha, -2.0 * c, 1.0 - alpha)
    }

    /// A bell: `gain_db` at `freq`, bandwidth set by `q`.
    pub fn bell(freq: f64, rate: f64, q: f64, gain_db: f64) -> Coefficients {
        let (c, alpha) = Self::angle(freq, rate, q);
        let a = 10f64.powf(gain_db / 40.0);
        Self::normalise(
            1.0 + alpha * a,
            -2.0 * c,
            1.0 - alpha * a,
            1.0 + alpha / a,
            -2.0 * c,
            1.0 - alpha / a,
        )
    }

    /// A low shelf: `gain_db` below `freq` (half of it at `freq`).
    pub fn low_shelf(freq: f64, rate: f64, q: f64, gain_db: f64) -> Coefficients {
        let (c, alpha) = Self::angle(freq, rate, q);
        let a = 10f64.powf(gain_db / 40.0);
        let k = 2.0 * a.sqrt() * alpha;
        Self::normalise(
            a * ((a + 1.0) - (a - 1.0) * c + k),
            2.0 * a * ((a - 1.0) - (a + 1.0) * c),
            a * ((a + 1.0) - (a - 1.0) * c - k),
            (a + 1.0) + (a - 1.0) * c + k,
            -2.0 * ((a - 1.0) + (a + 1.0) * c),
            (a + 1.0) + (a - 1.0) * c - k,
        )
    }

    /// A high shelf: `gain_db` above `freq` (half of it at `freq`).
    pub fn high_shelf(freq: f64, rate: f64, q: f64, gain_db: f64) -> Coefficients {
        let (c, alpha) = Self::angle(freq, rate, q);
        let a = 10f64.powf(gain_db / 40.0);
        let k = 2.0 * a.sqrt() * alpha;
        Self::normalise(
            a * ((a + 1.0) + (a - 1.0) * c + k),
            -2.0 * a * ((a - 1.0) + (a + 1.0) * c),
            a * ((a + 1.0) + (a - 1.0) * c - k),
            (a + 1.0) - (a - 1.0) * c + k,
            2.0 * ((a - 1.0) - (a + 1.0) * c),
            (a + 1.0) - (a - 1.0) * c - k,
        )
    }

    /// Magnitude response in dB at `freq` (for tests and displays).
    pub fn response_db(&self, freq: f64, rate: f64) -> f64 {
        let w = 2.0 * PI * freq / rate;
        let (c1, s1, c2, s2) = (w.cos(), w.sin(), (2.0 * w).cos(), (2.0 * w).sin());
        let num = ((self.b0 + self.b1 * c1 + self.b2 * c2).powi(2)
            + (self.b1 * s1 + self.b2 * s2).powi(2))
        .sqrt();
        let den = ((1.0 + self.a1 * c1 + self.a2 * c2).powi(2)
            + (self.a1 * s1 + self.a2 * s2).powi(2))
        .sqrt();
        20.0 * (num / den).log10()
    }
}

/// The memory of one section on one channel.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct State {
    z1: f64,
    z2: f64,
}

impl State {
    /// Filter `samples` in place.
    pub fn run(&mut self, k: &Coefficients, samples: &mut [f32]) {
        let (mut z1, mut z2) = (self.z1, self.z2);
        for s in samples {
            let x = *s as f64;
            let y = k.b0 * x + z1;
            z1 = k.b1 * x - k.a1 * y + z2;
            z2 = k.b2 * x - k.a2 * y;
            *s = y as f32;
        }
        self.set_memory(z1, z2);
    }

    pub fn reset(&mut self) {
        *self = State::default();
    }

    /// The section's two memories.
    pub fn memory(&self) -> (f64, f64) {
        (self.z1, self.z2)
    }

    /// Set the memories, flushing denormals: a decayed tail must not slow
    /// the CPU to a crawl.
    pub fn set_memory(&mut self, z1: f64, z2: f64) {
        self.z1 = if z1.abs() < 1e-30 { 0.0 } else { z1 };
        self.z2 = if z2.abs() < 1e-30 { 0.0 } else { z2 };
    }
}

/// Run `samples` through the `sections` in series, sample by sample: each
/// section's recursion waits on its own last output only, so the processor
/// overlaps the sections instead of waiting on one at a time.
pub fn run_cascade_scalar(sections: &[Coefficients], states: &mut [State], samples: &mut [f32]) {
    match sections.len() {
        0 => {}
        1 => states[0].run(&sections[0], samples),
        n => {
            let mut z = [(0f64, 0f64); 8];
            for (slot, st) in z.iter_mut().zip(states.iter()).take(n) {
                *slot = st.memory();
            }
            for s in samples.iter_mut() {
                let mut x = *s as f64;
                for (k, (z1, z2)) in sections.iter().zip(z.iter_mut()).take(n) {
                    let y = k.b0 * x + *z1;
                    *z1 = k.b1 * x - k.a1 * y + *z2;
                    *z2 = k.b2 * x - k.a2 * y;
                    x = y;
                }
                *s = x as f32;
            }
            for (st, (z1, z2)) in states.iter_mut().zip(z.iter()).take(n) {
                st.set_memory(*z1, *z2);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn butterworth_sections_are_3_db_down_at_the_cutoff() {
        let rate = 48_000.0;
        for f in [30.0, 80.0, 1000.0, 12_000.0] {
            assert!(
                (Coefficients::low_pass(f, rate, BUTTERWORTH_Q).response_db(f, rate) + 3.0103)
                    .abs()
                    < 0.01
            );
            assert!(
                (Coefficients::high_pass(f, rate, BUTTERWORTH_Q).response_db(f, rate) + 3.0103)
                    .abs()
                    < 0.01
            );
        }
    }

    #[test]
    fn bells_and_shelves_reach_their_gain() {
        let rate = 48_000.0;
        assert!(
            (Coefficients::bell(2000.0, rate, 1.4, 6.0).response_db(2000.0, rate) - 6.0).abs()
                < 1e-6
        );
        assert!(
            (Coefficients::low_shelf(200.0, rate, 0.707, -9.0).response_db(10.0, rate) + 9.0).abs()
                < 0.05
        );
        assert!(
            (Coefficients::low_shelf(200.0, rate, 0.707, -9.0).response_db(200.0, rate) + 4.5)
                .abs()
                < 0.05
        );
        assert!(
            (Coefficients::high_shelf(6000.0, rate, 0.707, 4.0).response_db(20_000.0, rate) - 4.0)
                .abs()
                < 0.1
        );
    }
}
