//! A feedback delay network, the tail of the reverb ([`super::reverb`]):
//! eight delay lines fed back through a Hadamard matrix (lossless, so the
//! decay is set by the lines' gains alone), each line's gain chosen from
//! its length so that every path loses 60 dB in the decay time (RT60), a
//! first-order shelf in each loop so that high frequencies die sooner
//! (damping), and a slow modulation of the lengths against metallic
//! ringing. Every sample is computed alone, so the output does not depend
//! on the block size; a tiny offset added and taken away again flushes
//! values that would turn subnormal, so a silent tail ends in exact zeros.
//! The lines are allocated once, for the largest size at the rate; nothing
//! here allocates afterwards.

/// Delay lines in the network.
pub const LINES: usize = 8;

/// Line lengths at full size, ms: spread over an octave, none a multiple
/// of another.
const BASE_MS: [f32; LINES] = [31.7, 37.3, 41.9, 47.3, 53.1, 59.3, 67.1, 73.7];
/// Scale of the lengths at size 0 (a small room); size 1 is 1.
pub const MIN_SCALE: f32 = 0.3;
/// Modulation depth, ms (a few samples: chorus-free).
const MOD_DEPTH_MS: f32 = 0.1;
/// The two modulation rates, Hz.
const MOD_HZ: [f32; 2] = [0.31, 0.53];
/// The modulation moves every this many samples (counted from the
/// start, so blocks of any size see the same moves).
const CONTROL: usize = 16;
/// Crossover of the damping shelf, Hz.
const DAMPING_HZ: f32 = 3000.0;
/// Added and taken away again: values below about 1e-25 become zero.
const FLUSH: f32 = 1e-18;

/// Settings of the network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tuning {
    /// Time to fall 60 dB at low and mid frequencies, seconds.
    pub rt60: f32,
    /// The high-frequency RT60 as a share of `rt60` (1: no damping).
    pub hf_ratio: f32,
    /// 0 (small) to 1 (large).
    pub size: f32,
}

/// The network's state: the lines, the loop filters and the modulators.
#[derive(Debug, Clone)]
pub struct Fdn {
    rate: f32,
    /// All lines end to end; line `i` starts at `i * capacity`.
    buffer: Vec<f32>,
    /// Length of each line's slot, a power of two.
    capacity: usize,
    mask: usize,
    /// Write position, shared by the lines.
    at: usize,
    /// Nominal delay of each line, samples.
    delay: [f32; LINES],
    depth: f32,
    /// Loop shelf per line: `y = c0 x + s; s = c1 x + a y`.
    c0: [f32; LINES],
    c1: [f32; LINES],
    a: f32,
    state: [f32; LINES],
    /// The fractional-delay allpasses' last input and output.
    ap_x: [f32; LINES],
    ap_y: [f32; LINES],
    /// Rotating phasors (cos, sin) of the two modulators, and their
    /// turn every [`CONTROL`] samples.
    phasor: [[f32; 2]; 2],
    turn: [[f32; 2]; 2],
    /// Turns since the phasors were last renormalised.
    since: u32,
    /// Samples into the control period.
    step: usize,
    /// Each line's read: whole samples, and the allpass coefficient of the rest.
    whole: [usize; LINES],
    eta: [f32; LINES],
}

/// The smallest prime at or above `n`.
fn prime_from(n: usize) -> usize {
    let is_prime = |k: usize| {
        k >= 2
            && (2..)
                .take_while(|d| d * d <= k)
                .all(|d| !k.is_multiple_of(d))
    };
    (n.max(2)..).find(|&k| is_prime(k)).unwrap_or(n)
}

/// `(c0, c1)` of a shelf `(c0 + c1 z^-1) / (1 - a z^-1)` with gain `low`
/// at DC and `high` at Nyquist.
fn shelf(low: f32, high: f32, a: f32) -> (f32, f32) {
    (
        0.5 * (low * (1.0 - a) + high * (1.0 + a)),
        0.5 * (low * (1.0 - a) - high * (1.0 + a)),
    )
}

/// Gain of a path `samples` long that falls 60 dB in `rt60` seconds.
fn loop_gain(samples: f32, rt60: f32, rate: f32) -> f32 {
    10f32.powf(-3.0 * samples / (rt60.max(0.01) * rate))
}

impl Fdn {
    pub fn new(rate: u32, tuning: Tuning) -> Fdn {
        let rate = rate.max(1) as f32;
        let depth = MOD_DEPTH_MS * 1e-3 * rate;
        let longest = BASE_MS[LINES - 1] * 1e-3 * rate;
        let capacity = ((longest * 1.1) as usize + depth as usize + 4).next_power_of_two();
        let turn = MOD_HZ.map(|hz| {
            let w = std::f32::consts::TAU * hz * CONTROL as f32 / rate;
            [w.cos(), w.sin()]
        });
        let mut fdn = Fdn {
            rate,
            buffer: super::buffer::zeroed(capacity * LINES),
            capacity,
            mask: capacity - 1,
            at: 0,
            delay: [1.0; LINES],
            depth,
            c0: [0.0; LINES],
            c1: [0.0; LINES],
            a: (-std::f32::consts::TAU * DAMPING_HZ / rate).exp(),
            state: [0.0; LINES],
            ap_x: [0.0; LINES],
            ap_y: [0.0; LINES],
            phasor: [[1.0, 0.0], [0.0, 1.0]],
            turn,
            since: 0,
            step: 0,
            whole: [1; LINES],
            eta: [0.0; LINES],
        };
        fdn.tune(tuning);
        fdn
    }

    /// Set the decay, damping and size; the lines keep their contents.
    pub fn tune(&mut self, tuning: Tuning) {
        let size = tuning.size.clamp(0.0, 1.0);
        let scale = MIN_SCALE + (1.0 - MIN_SCALE) * size;
        let hf_ratio = tuning.hf_ratio.clamp(0.05, 1.0);
        for (i, ms) in BASE_MS.iter().enumerate() {
            let samples = prime_from((ms * scale * 1e-3 * self.rate).round() as usize);
            self.delay[i] = samples as f32;
            // The modulation adds `depth` on average.
            let path = samples as f32 + self.depth;
            let low = loop_gain(path, tuning.rt60, self.rate);
            let high = loop_gain(path, tuning.rt60 * hf_ratio, self.rate);
            (self.c0[i], self.c1[i]) = shelf(low, high, self.a);
        }
        self.lengths();
    }

    /// Forget the signal.
    pub fn clear(&mut self) {
        self.buffer.fill(0.0);
        self.state = [0.0; LINES];
        self.ap_x = [0.0; LINES];
        self.ap_y = [0.0; LINES];
    }

    /// `input.len()` (at most `N`) samples in; each line's output (after
    /// its loop filter) out, line-major: `out[line][sample]`. The lengths
    /// hold still between modulator moves, so the samples run in stretches
    /// with the lines' state in registers, all eight lines side by side.
    pub fn run<const N: usize>(&mut self, input: &[f32], out: &mut [[f32; N]; LINES]) {
        let n = input.len().min(N);
        let mut k = 0;
        while k < n {
            if self.step == 0 {
                self.modulate();
            }
            let stretch = (n - k).min(CONTROL - self.step);
            self.stretch_here(&input[k..k + stretch], out, k);
            self.step = (self.step + stretch) % CONTROL;
            if self.step == 0 {
                // The filters' memories flushed once a control period
                // (at the same samples whatever the blocks): a few
                // samples of subnormals cost nothing.
                for v in self.ap_y.iter_mut().chain(&mut self.state) {
                    *v = (*v + FLUSH) - FLUSH;
                }
            }
            k += stretch;
        }
    }

    /// [`Fdn::stretch`] in 256-bit registers where the machine has AVX
    /// (eight lines in one register; the same operations in the same
    /// order, no fused multiply-adds, so the same bits as without).
    fn stretch_here<const N: usize>(
        &mut self,
        input: &[f32],
        out: &mut [[f32; N]; LINES],
        first: usize,
    ) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx") {
            // SAFETY: the CPU has AVX.
            unsafe { self.stretch_avx(input, out, first) };
            return;
        }
        self.stretch(input, out, first);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx")]
    unsafe fn stretch_avx<const N: usize>(
        &mut self,
        input: &[f32],
        out: &mut [[f32; N]; LINES],
        first: usize,
    ) {
        self.stretch(input, out, first);
    }

    /// Samples with the lengths as they are, written to `out` from `first`.
    // Each line's state is in parallel arrays, indexed by the line.
    #[allow(clippy::needless_range_loop)]
    #[inline(always)]
    fn stretch<const N: usize>(
        &mut self,
        input: &[f32],
        out: &mut [[f32; N]; LINES],
        first: usize,
    ) {
        // Input signs spread the impulse over every line.
        const SIGNS: [f32; LINES] = [1.0, -1.0, 1.0, 1.0, -1.0, 1.0, -1.0, -1.0];
        let (whole, eta, c0, c1, a, mask) =
            (self.whole, self.eta, self.c0, self.c1, self.a, self.mask);
        let (mut ap_x, mut ap_y, mut state) = (self.ap_x, self.ap_y, self.state);
        let mut at = self.at;
        let mut lines = self.buffer.chunks_exact_mut(self.capacity);
        let lines: [&mut [f32]; LINES] = std::array::from_fn(|_| {
            let line = lines.next().unwrap_or_default();
            // Sliced to the mask's reach, so `& mask` needs no bounds check.
            &mut line[..mask + 1]
        });
        for (k, &input) in input.iter().enumerate() {
            let mut x = [0.0f32; LINES];
            for i in 0..LINES {
                x[i] = lines[i][at.wrapping_sub(whole[i]) & mask];
            }
            let mut filtered = [0.0f32; LINES];
            for i in 0..LINES {
                let y = eta[i] * x[i] + ap_x[i] - eta[i] * ap_y[i];
                ap_x[i] = x[i];
                ap_y[i] = y;
                filtered[i] = c0[i] * y + state[i];
                state[i] = c1[i] * y + a * filtered[i];
            }
            for i in 0..LINES {
                out[i][first + k] = filtered[i];
            }
            hadamard(&mut filtered);
            for i in 0..LINES {
                let w = filtered[i] + SIGNS[i] * input;
                lines[i][at & mask] = (w + FLUSH) - FLUSH;
            }
            at = (at + 1) & mask;
        }
        (self.ap_x, self.ap_y, self.state, self.at) = (ap_x, ap_y, state, at);
    }

    /// The lines' lengths now, every [`CONTROL`] samples: the whole
    /// samples read from the line, the rest (0.5 to 1.5) by a first-order
    /// allpass, which loses nothing at high frequencies, so the modulation
    /// does not shorten the decay.
    fn modulate(&mut self) {
        self.lengths();
        for (p, t) in self.phasor.iter_mut().zip(&self.turn) {
            *p = [p[0] * t[0] - p[1] * t[1], p[0] * t[1] + p[1] * t[0]];
        }
        self.since += 1;
        if self.since == 256 {
            self.since = 0;
            for p in &mut self.phasor {
                let norm = (p[0] * p[0] + p[1] * p[1]).sqrt().max(1e-6);
                *p = [p[0] / norm, p[1] / norm];
            }
        }
    }

    /// Each line's read for the modulators where they are.
    fn lengths(&mut self) {
        let [[c0, s0], [c1, s1]] = self.phasor;
        // Four phases of each modulator: cos, sin, -cos, -sin.
        let wobble = [c0, s0, -c0, -s0, c1, s1, -c1, -s1];
        for (i, w) in wobble.iter().enumerate() {
            let d = self.delay[i] + self.depth * (1.0 + w);
            let whole = (d - 0.5) as usize;
            let rest = d - whole as f32;
            self.whole[i] = whole;
            self.eta[i] = (1.0 - rest) / (1.0 + rest);
        }
    }
}

/// The orthonormal 8-point Hadamard transform, in place.
#[inline]
pub fn hadamard(v: &mut [f32; LINES]) {
    let mut h = 1;
    while h < LINES {
        for i in (0..LINES).step_by(2 * h) {
            for j in i..i + h {
                let (x, y) = (v[j], v[j + h]);
                v[j] = x + y;
                v[j + h] = x - y;
            }
        }
        h *= 2;
    }
    let norm = (LINES as f32).sqrt().recip();
    for x in v.iter_mut() {
        *x *= norm;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_matrix_keeps_energy() {
        let mut v = [0.3, -1.0, 2.0, 0.5, 0.0, 0.25, -0.75, 1.5];
        let before: f32 = v.iter().map(|x| x * x).sum();
        hadamard(&mut v);
        let after: f32 = v.iter().map(|x| x * x).sum();
        assert!((before - after).abs() < 1e-5, "{before} {after}");
        hadamard(&mut v);
        assert!((v[2] - 2.0).abs() < 1e-5, "its own inverse");
    }

    #[test]
    fn the_shelf_has_its_gains_at_dc_and_nyquist() {
        let a = 0.7;
        let (c0, c1) = shelf(0.9, 0.5, a);
        assert!(((c0 + c1) / (1.0 - a) - 0.9).abs() < 1e-6);
        assert!(((c0 - c1) / (1.0 + a) - 0.5).abs() < 1e-6);
    }

    #[test]
    fn the_avx_stretch_gives_the_scalar_bits() {
        let tuning = Tuning {
            rt60: 1.5,
            hf_ratio: 0.4,
            size: 0.7,
        };
        let mut a = Fdn::new(48_000, tuning);
        let mut b = a.clone();
        let mut noise = crate::dsp::noise::Noise::new(3);
        for _ in 0..400 {
            let input: Vec<f32> = (0..CONTROL).map(|_| noise.next().unwrap_or(0.0)).collect();
            let mut x = [[0.0f32; CONTROL]; LINES];
            let mut y = [[0.0f32; CONTROL]; LINES];
            a.modulate();
            b.modulate();
            a.stretch(&input, &mut x, 0);
            b.stretch_here(&input, &mut y, 0);
            assert_eq!(
                x.map(|l| l.map(f32::to_bits)),
                y.map(|l| l.map(f32::to_bits))
            );
        }
    }

    #[test]
    fn lengths_are_prime() {
        assert_eq!(prime_from(1000), 1009);
        assert_eq!(prime_from(7), 7);
    }
}
