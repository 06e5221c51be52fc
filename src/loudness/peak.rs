//! Peak levels per channel: true peak (BS.1770 Annex 2, through the same
//! detector as the delivery limiter) and sample peak.
//!
//! Only the highest true peak is kept, so the interpolator runs only where
//! it could find a higher one: no oversampled value can exceed the largest
//! sample around it times the interpolator's largest gain
//! ([`INTERPOLATOR_GAIN`]), so a stretch whose samples (and the ones before
//! it that the interpolator still holds) are well below the peak so far is
//! skipped. The result is the same, value for value, as running the
//! interpolator over everything.

use crate::dsp::truepeak::{TruePeakDetector, TAPS};

/// Above the largest sum of absolute coefficients of any phase of the
/// true-peak interpolator (1.8642): no oversampled value exceeds the
/// largest of the samples it is made of times this.
pub const INTERPOLATOR_GAIN: f32 = 1.865;
/// Samples looked at together when deciding whether to skip.
const STRETCH: usize = 512;
/// Rounding room: the interpolator sums 12 products in single precision.
const MARGIN: f32 = 1.0001;

/// The largest absolute sample, eight running maxima at a time.
#[inline(always)]
fn sample_peak(x: &[f32]) -> f32 {
    let mut lanes = [0f32; 8];
    let mut chunks = x.chunks_exact(8);
    for chunk in &mut chunks {
        for (m, s) in lanes.iter_mut().zip(chunk) {
            *m = m.max(s.abs());
        }
    }
    let tail = chunks.remainder().iter().fold(0f32, |m, s| m.max(s.abs()));
    lanes.iter().fold(tail, |m, &p| m.max(p))
}

/// True and sample peaks of each channel.
#[derive(Debug, Clone)]
pub struct PeakMeter {
    detector: TruePeakDetector,
    true_peak: Vec<f32>,
    sample_peak: Vec<f32>,
    /// Per channel: the largest absolute value among the samples the
    /// interpolator holds from the last call.
    held: Vec<f32>,
}

impl PeakMeter {
    pub fn new(channels: usize) -> PeakMeter {
        PeakMeter {
            detector: TruePeakDetector::new(channels),
            true_peak: vec![0.0; channels],
            sample_peak: vec![0.0; channels],
            held: vec![0.0; channels],
        }
    }

    /// Start again, as if nothing had been measured.
    pub fn reset(&mut self) {
        self.detector.reset();
        self.true_peak.fill(0.0);
        self.sample_peak.fill(0.0);
        self.held.fill(0.0);
    }

    /// Measure the next frames, one slice per channel.
    pub fn add(&mut self, planes: &[&[f32]]) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx") {
            // SAFETY: the CPU has AVX.
            unsafe { self.add_avx(planes) };
            return;
        }
        self.add_portable(planes);
    }

    /// The same code as [`add_portable`](Self::add_portable), compiled for
    /// 8-wide vectors: the interpolator's eight lanes in one register. The
    /// arithmetic (and so the result) is the same, operation for operation.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx")]
    unsafe fn add_avx(&mut self, planes: &[&[f32]]) {
        self.add_portable(planes);
    }

    #[inline(always)]
    fn add_portable(&mut self, planes: &[&[f32]]) {
        for (c, plane) in planes.iter().enumerate().take(self.true_peak.len()) {
            for x in plane.chunks(STRETCH) {
                let sp = sample_peak(x);
                self.sample_peak[c] = self.sample_peak[c].max(sp);
                let bound = sp.max(self.held[c]) * INTERPOLATOR_GAIN * MARGIN;
                let keep = TAPS - 1;
                if bound < self.true_peak[c] && x.len() >= keep {
                    // Nothing here can read higher: only let the
                    // interpolator take in the samples it must hold.
                    self.detector.peak(c, &x[x.len() - keep..]);
                } else {
                    let tp = self.detector.peak(c, x);
                    self.true_peak[c] = self.true_peak[c].max(tp);
                }
                self.held[c] = if x.len() >= keep {
                    sample_peak(&x[x.len() - keep..])
                } else {
                    self.held[c].max(sp)
                };
            }
        }
    }

    /// True peak per channel, linear.
    pub fn true_peaks(&self) -> &[f32] {
        &self.true_peak
    }

    /// Sample peak per channel, linear.
    pub fn sample_peaks(&self) -> &[f32] {
        &self.sample_peak
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skipping_quiet_stretches_reads_the_same_peak() {
        // Loud and quiet stretches, some far below the peak, of uneven lengths.
        let signal: Vec<f32> = crate::dsp::noise::Noise::new(0x9e37_79b9)
            .take(200_000)
            .enumerate()
            .map(|(i, noise)| {
                let level = [0.9, 0.05, 0.3, 0.001, 0.5, 0.45][(i / 7_777) % 6];
                noise * level + (i as f32 * 1.3).sin() * level * 0.5
            })
            .collect();
        let mut whole = TruePeakDetector::new(1);
        let want = whole.peak(0, &signal);
        for block in [1, 11, 12, 100, 256, 4096, 200_000] {
            let mut m = PeakMeter::new(1);
            for part in signal.chunks(block) {
                m.add(&[part]);
            }
            assert_eq!(m.true_peaks()[0], want, "block {block}");
        }
        // The gain bound holds: a full-scale worst case for each phase.
        let worst: Vec<f32> = [1f32, -1., 1., -1., -1., 1., -1., 1., 1., -1., 1., -1.]
            .iter()
            .cycle()
            .take(4800)
            .copied()
            .collect();
        let tp = TruePeakDetector::new(1).peak(0, &worst);
        assert!(tp <= INTERPOLATOR_GAIN, "{tp}");
    }
}
