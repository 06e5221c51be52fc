//! True-peak detection as ITU-R BS.1770-4 Annex 2 describes it: each channel
//! oversampled four times by a 48-tap polyphase interpolator, the peak taken
//! over the oversampled values.
//!
//! The interpolator is the design libebur128 (and the `ebur128` crate) uses,
//! a Hann-windowed sinc, so the loudness meter and the true-peak limiter see
//! the same peaks: a limiter set to -1 dBTP reads at most -1 dBTP on the meter.
//! Allocation-free once built; each channel keeps its own history, so the
//! result does not depend on how the signal is cut into blocks.

/// Oversampling factor.
pub const OVERSAMPLING: usize = 4;
/// Taps per output phase: 48 taps in all.
pub const TAPS: usize = 12;
/// Input samples between a sample entering and the interpolated values
/// around it coming out: the values produced for input sample `n` lie at
/// `n - DELAY + k / 4`, `k = 0..4`.
pub const DELAY: usize = 6;

/// Input samples per inner chunk.
const CHUNK: usize = 256;
/// Outputs computed together (vectorised by the compiler).
const LANES: usize = 8;

/// A true-peak detector for a fixed number of channels.
#[derive(Debug, Clone)]
pub struct TruePeakDetector {
    /// `coeffs[phase][tap]`, tap 0 multiplying the newest sample.
    coeffs: [[f32; TAPS]; OVERSAMPLING],
    /// Per channel: the last `TAPS - 1` samples, then room for a chunk.
    buffers: Vec<[f32; TAPS - 1 + CHUNK]>,
}

/// The Hann-windowed sinc interpolator, laid out by phase.
fn coefficients() -> [[f32; TAPS]; OVERSAMPLING] {
    let n = TAPS * OVERSAMPLING;
    let mut coeffs = [[0f32; TAPS]; OVERSAMPLING];
    for j in 0..n {
        let w = 0.5 * (1.0 - (2.0 * std::f64::consts::PI * j as f64 / n as f64).cos());
        let m = j as f64 - (n / 2) as f64;
        let x = m * std::f64::consts::PI / OVERSAMPLING as f64;
        let c = if m == 0.0 { w } else { w * x.sin() / x };
        coeffs[j % OVERSAMPLING][j / OVERSAMPLING] = c as f32;
    }
    coeffs
}

impl TruePeakDetector {
    pub fn new(channels: usize) -> TruePeakDetector {
        TruePeakDetector {
            coeffs: coefficients(),
            buffers: vec![[0.0; TAPS - 1 + CHUNK]; channels],
        }
    }

    pub fn channels(&self) -> usize {
        self.buffers.len()
    }

    /// Forget the history: as if silence had come before.
    pub fn reset(&mut self) {
        for b in &mut self.buffers {
            b.fill(0.0);
        }
    }

    /// Run `x` through `channel`'s interpolator, handing `emit` each run of
    /// up to [`LANES`] input samples: the index of the first, how many, and
    /// the largest absolute oversampled value at each.
    #[inline(always)]
    fn run(
        &mut self,
        channel: usize,
        x: &[f32],
        mut emit: impl FnMut(usize, usize, &[f32; LANES]),
    ) {
        let coeffs = &self.coeffs;
        let buf = &mut self.buffers[channel];
        let mut done = 0;
        for chunk in x.chunks(CHUNK) {
            let n = chunk.len();
            buf[TAPS - 1..TAPS - 1 + n].copy_from_slice(chunk);
            let mut base = 0;
            while base < n {
                let lanes = (n - base).min(LANES);
                let mut peak = [0f32; LANES];
                if lanes == LANES {
                    for phase in coeffs {
                        let mut acc = [0f32; LANES];
                        for (k, &c) in phase.iter().enumerate() {
                            let start = base + TAPS - 1 - k;
                            let s: &[f32; LANES] =
                                buf[start..start + LANES].try_into().expect("LANES samples");
                            for (a, v) in acc.iter_mut().zip(s) {
                                *a += c * v;
                            }
                        }
                        for (p, a) in peak.iter_mut().zip(&acc) {
                            *p = p.max(a.abs());
                        }
                    }
                } else {
                    for (l, p) in peak.iter_mut().enumerate().take(lanes) {
                        for phase in coeffs {
                            let mut a = 0f32;
                            for (k, &c) in phase.iter().enumerate() {
                                a += c * buf[base + l + TAPS - 1 - k];
                            }
                            *p = p.max(a.abs());
                        }
                    }
                }
                emit(done + base, lanes, &peak);
                base += lanes;
            }
            buf.copy_within(n..n + TAPS - 1, 0);
            done += n;
        }
    }

    /// The true peak (linear) of `x` on `channel`, given the samples that
    /// came before it on earlier calls.
    #[inline(always)]
    pub fn peak(&mut self, channel: usize, x: &[f32]) -> f32 {
        let mut lanes = [0f32; LANES];
        self.run(channel, x, |_, n, peak| {
            for (m, p) in lanes.iter_mut().zip(&peak[..n]) {
                *m = m.max(*p);
            }
        });
        lanes.iter().fold(0.0, |m, &p| m.max(p))
    }

    /// Raise `envelope[i]` to the true peak around input sample `i - DELAY`
    /// of `channel` (see [`DELAY`]). Call it for every channel with one
    /// envelope, zeroed first, for the peak across channels.
    pub fn envelope(&mut self, channel: usize, x: &[f32], envelope: &mut [f32]) {
        self.run(channel, x, |at, n, peak| {
            for (e, p) in envelope[at..at + n].iter_mut().zip(&peak[..n]) {
                *e = e.max(*p);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(freq: f64, amplitude: f64, phase_deg: f64, frames: usize) -> Vec<f32> {
        (0..frames)
            .map(|i| {
                let t = i as f64 / 48_000.0;
                (amplitude * (2.0 * std::f64::consts::PI * freq * t + phase_deg.to_radians()).sin())
                    as f32
            })
            .collect()
    }

    #[test]
    fn a_quarter_rate_sine_sampled_off_its_peaks_reads_its_true_peak() {
        // Samples at 45 degrees: every sample is 0.707 of the true peak.
        let x = sine(12_000.0, 1.0, 45.0, 4800);
        let sample_peak = x.iter().fold(0f32, |m, s| m.max(s.abs()));
        assert!((sample_peak - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-3);
        let mut d = TruePeakDetector::new(1);
        let tp = d.peak(0, &x);
        assert!((20.0 * tp.log10()).abs() < 0.2, "{tp}");
    }

    #[test]
    fn the_result_does_not_depend_on_the_blocks() {
        let x: Vec<f32> = sine(9_000.0, 0.9, 10.0, 5000)
            .iter()
            .zip(sine(1_000.0, 0.3, 0.0, 5000))
            .map(|(a, b)| a + b)
            .collect();
        let mut whole = TruePeakDetector::new(1);
        let mut env_whole = vec![0f32; x.len()];
        whole.envelope(0, &x, &mut env_whole);
        for block in [1, 7, 64, 300] {
            let mut d = TruePeakDetector::new(1);
            let mut env = vec![0f32; x.len()];
            for (i, part) in x.chunks(block).enumerate() {
                d.envelope(0, part, &mut env[i * block..i * block + part.len()]);
            }
            assert_eq!(env, env_whole, "block {block}");
        }
    }

    #[test]
    fn it_agrees_with_the_ebur128_crate() {
        let noise: Vec<f32> = crate::dsp::noise::Noise::new(0x1234_5678)
            .take(48_000)
            .map(|x| x * 0.8)
            .collect();
        let mut meter = ebur128::EbuR128::new(1, 48_000, ebur128::Mode::TRUE_PEAK).unwrap();
        meter.add_frames_f32(&noise).unwrap();
        let theirs = meter.true_peak(0).unwrap();
        let ours = TruePeakDetector::new(1).peak(0, &noise) as f64;
        assert!((ours - theirs).abs() < 1e-6, "{ours} vs {theirs}");
    }
}
