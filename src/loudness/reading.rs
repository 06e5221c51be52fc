//! What a meter read: the numbers a QC report, a bounce summary and
//! `dubstage loudness` print. Levels that are silence are `None` (`null` in
//! JSON, `-inf` in text).

use serde::Serialize;

use super::{LoudnessMeter, PeakMeter};
use crate::dsp::gain::gain_to_db;

/// The loudness and peaks of one signal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reading {
    /// Gated integrated loudness, LUFS.
    pub integrated: Option<f64>,
    /// Loudness range (EBU Tech 3342), LU.
    pub loudness_range: f64,
    /// Highest momentary loudness (400 ms), LUFS.
    pub momentary_max: Option<f64>,
    /// Highest short-term loudness (3 s), LUFS.
    pub short_term_max: Option<f64>,
    /// Highest true peak over all channels, dBTP.
    pub true_peak: Option<f64>,
    /// True peak per channel, dBTP.
    pub true_peak_channels: Vec<Option<f64>>,
    /// Highest sample peak over all channels, dBFS.
    pub sample_peak: Option<f64>,
}

fn db(linear: f32) -> Option<f64> {
    let db = gain_to_db(linear) as f64;
    db.is_finite().then_some(db)
}

impl Reading {
    pub fn new(loudness: &LoudnessMeter, peaks: &PeakMeter) -> Reading {
        let max = |v: &[f32]| v.iter().fold(0f32, |m, &x| m.max(x));
        Reading {
            integrated: loudness.integrated(),
            loudness_range: loudness.loudness_range(),
            momentary_max: loudness.momentary_max(),
            short_term_max: loudness.short_term_max(),
            true_peak: db(max(peaks.true_peaks())),
            true_peak_channels: peaks.true_peaks().iter().map(|&p| db(p)).collect(),
            sample_peak: db(max(peaks.sample_peaks())),
        }
    }
}

/// A level for people: one decimal, or `-inf`.
pub fn level(value: Option<f64>) -> String {
    match value {
        Some(v) => format!("{v:.1}"),
        None => "-inf".into(),
    }
}
