//! The delivery stage of a bounce: one gain trim and one true-peak limiter
//! for every output together.
//!
//! The trim is applied to the stems, the M&E and the printmaster alike. The
//! limiter listens to the printmaster only and its gain is applied, in step,
//! to every output, so DX + MX + FX still sum to the PM and MX + FX to the
//! M&E, sample for sample. A stem may still read above the ceiling on its
//! own (where stems cancel in the sum); the QC report lists such stems.
//!
//! The limiter looks ahead, so every output is delayed by its latency; the
//! stage drops that many frames at the start and [`Master::flush`] pushes
//! silence through at the end, so the files come out aligned and exactly as
//! long as the range.

use crate::dsp::delay::Delay;
use crate::dsp::gain::db_to_gain;
use crate::dsp::limiter::{LimiterStats, LimiterTiming, TruePeakLimiter};

/// Trim and limiter for `planes`: `outputs` outputs of `channels` each.
pub(crate) struct Master {
    trim: f32,
    channels: usize,
    /// Index of the first printmaster plane.
    pm: usize,
    limiter: Option<Limiting>,
}

struct Limiting {
    limiter: TruePeakLimiter,
    delays: Vec<Delay>,
    gains: Vec<f32>,
    /// Frames of output still to drop: the latency.
    skip: usize,
    /// Frames of silence still to push at the end.
    tail: usize,
}

impl Master {
    /// `None` when there is nothing to do (no trim, no ceiling).
    pub(crate) fn new(
        trim_db: f32,
        ceiling_dbtp: Option<f32>,
        outputs: usize,
        pm_output: usize,
        channels: usize,
        sample_rate: u32,
        block: usize,
    ) -> Option<Master> {
        if trim_db == 0.0 && ceiling_dbtp.is_none() {
            return None;
        }
        let limiter = ceiling_dbtp.map(|ceiling| {
            let limiter = TruePeakLimiter::new(
                channels,
                sample_rate,
                ceiling,
                LimiterTiming::default(),
                block,
            );
            let latency = limiter.latency();
            Limiting {
                limiter,
                delays: (0..outputs * channels)
                    .map(|_| Delay::new(latency))
                    .collect(),
                gains: vec![0.0; block],
                skip: latency,
                tail: latency,
            }
        });
        Some(Master {
            trim: db_to_gain(trim_db),
            channels,
            pm: pm_output * channels,
            limiter,
        })
    }

    /// Trim and limit `frames` frames of `planes` in place; the output frames
    /// are then `planes[..][start..frames]`, `start` being returned.
    pub(crate) fn process(&mut self, planes: &mut [Vec<f32>], frames: usize) -> usize {
        if self.trim != 1.0 {
            for plane in planes.iter_mut() {
                crate::dsp::gain::apply(&mut plane[..frames], self.trim);
            }
        }
        let Some(l) = &mut self.limiter else {
            return 0;
        };
        let mut key: [&[f32]; 8] = [&[]; 8];
        for (k, plane) in key
            .iter_mut()
            .zip(&planes[self.pm..self.pm + self.channels])
        {
            *k = &plane[..frames];
        }
        l.limiter
            .gains(&key[..self.channels], &mut l.gains[..frames]);
        for (plane, delay) in planes.iter_mut().zip(&mut l.delays) {
            let x = &mut plane[..frames];
            delay.process(x);
            for (s, g) in x.iter_mut().zip(&l.gains[..frames]) {
                *s *= *g;
            }
        }
        let start = l.skip.min(frames);
        l.skip -= start;
        start
    }

    /// Frames of silence still to push through [`process`](Self::process)
    /// after the last block; counts down as it is asked for.
    pub(crate) fn flush(&mut self, block: usize) -> usize {
        match &mut self.limiter {
            Some(l) => {
                let n = l.tail.min(block);
                l.tail -= n;
                n
            }
            None => 0,
        }
    }

    pub(crate) fn limiter_stats(&self) -> Option<LimiterStats> {
        self.limiter.as_ref().map(|l| l.limiter.stats())
    }
}
