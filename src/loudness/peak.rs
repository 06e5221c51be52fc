//! Peak levels per channel: true peak (BS.1770 Annex 2, through the same
//! detector as the delivery limiter) and sample peak.

use crate::dsp::truepeak::TruePeakDetector;

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
}

impl PeakMeter {
    pub fn new(channels: usize) -> PeakMeter {
        PeakMeter {
            detector: TruePeakDetector::new(channels),
            true_peak: vec![0.0; channels],
            sample_peak: vec![0.0; channels],
        }
    }

    /// Start again, as if nothing had been measured.
    pub fn reset(&mut self) {
        self.detector.reset();
        self.true_peak.fill(0.0);
        self.sample_peak.fill(0.0);
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
            let tp = self.detector.peak(c, plane);
            self.true_peak[c] = self.true_peak[c].max(tp);
            self.sample_peak[c] = self.sample_peak[c].max(sample_peak(plane));
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
