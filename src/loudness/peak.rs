//! Peak levels per channel: true peak (BS.1770 Annex 2, through the same
//! detector as the delivery limiter) and sample peak.

use crate::dsp::truepeak::TruePeakDetector;

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
        for (c, plane) in planes.iter().enumerate().take(self.true_peak.len()) {
            let tp = self.detector.peak(c, plane);
            self.true_peak[c] = self.true_peak[c].max(tp);
            let sp = plane.iter().fold(0f32, |m, s| m.max(s.abs()));
            self.sample_peak[c] = self.sample_peak[c].max(sp);
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
