//! Prefades: a clip's gain, fades and dips, evaluated per sample from the
//! clip-relative position alone, so that the result never depends on how the
//! timeline is cut into blocks.

use super::plan::{ClipPlan, DipPlan};
use crate::dsp::fade::{fade_in_at, fade_in_gain, fade_out_at};
use crate::model::FadeShape;

/// Gain of a dip at clip-relative sample `i`: unity outside its ramps,
/// exactly `gain` over `start..end`, raised-cosine ramps on either side.
fn dip_gain(dip: &DipPlan, i: u64) -> f32 {
    let ramp_start = dip.start.saturating_sub(dip.ramp);
    let ramp_end = dip.end.saturating_add(dip.ramp);
    if i < ramp_start || i >= ramp_end {
        1.0
    } else if i >= dip.start && i < dip.end {
        dip.gain
    } else {
        // Fraction of the way from unity down to the dip's depth.
        let toward = if i < dip.start {
            (i - ramp_start) as f32 / (dip.start - ramp_start) as f32
        } else {
            (ramp_end - i) as f32 / (ramp_end - dip.end) as f32
        };
        1.0 + (dip.gain - 1.0) * fade_in_gain(FadeShape::SCurve, toward)
    }
}

impl ClipPlan {
    /// The prefade gain at clip-relative sample `i`.
    pub fn gain_at(&self, i: u64) -> f32 {
        let mut g = self.gain;
        if i < self.fade_in.length {
            g *= fade_in_at(self.fade_in.shape, i, self.fade_in.length);
        }
        let out_start = self.length - self.fade_out.length;
        if i >= out_start && self.fade_out.length > 0 {
            g *= fade_out_at(self.fade_out.shape, i - out_start, self.fade_out.length);
        }
        for dip in &self.dips {
            g *= dip_gain(dip, i);
        }
        g
    }

    /// True when every sample of `start..end` (clip-relative) is at the plain clip gain.
    fn is_flat(&self, start: u64, end: u64) -> bool {
        let out_start = self.length - self.fade_out.length;
        start >= self.fade_in.length
            && (end <= out_start || self.fade_out.length == 0)
            && self.dips.iter().all(|d| {
                end <= d.start.saturating_sub(d.ramp) || start >= d.end.saturating_add(d.ramp)
            })
    }

    /// Multiply `samples`, which start at clip-relative sample `start`, by the prefade gain.
    pub fn apply(&self, start: u64, samples: &mut [f32]) {
        let end = start + samples.len() as u64;
        if self.is_flat(start, end) {
            if self.gain != 1.0 {
                for s in samples {
                    *s *= self.gain;
                }
            }
            return;
        }
        for (k, s) in samples.iter_mut().enumerate() {
            *s *= self.gain_at(start + k as u64);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::plan::FadePlan;

    fn clip() -> ClipPlan {
        ClipPlan {
            source: None,
            channels: [0, 0],
            source_offset: 0,
            position: 0,
            length: 1000,
            gain: 0.5,
            fade_in: FadePlan {
                length: 100,
                shape: FadeShape::Linear,
            },
            fade_out: FadePlan {
                length: 200,
                shape: FadeShape::EqualPower,
            },
            dips: vec![DipPlan {
                start: 400,
                end: 500,
                gain: 0.25,
                ramp: 50,
            }],
            looped: None,
        }
    }

    #[test]
    fn fades_and_dips_land_where_they_should() {
        let c = clip();
        assert_eq!(c.gain_at(0), 0.0);
        assert!((c.gain_at(50) - 0.25).abs() < 1e-6);
        assert_eq!(c.gain_at(100), 0.5);
        assert_eq!(c.gain_at(349), 0.5);
        assert!(c.gain_at(375) < 0.5 && c.gain_at(375) > 0.125);
        for i in 400..500 {
            assert_eq!(c.gain_at(i), 0.125, "at {i}");
        }
        assert_eq!(c.gain_at(550), 0.5);
        assert_eq!(c.gain_at(800), 0.5);
        assert!((c.gain_at(900) - 0.5 * std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
        assert!(c.gain_at(999) < 0.01);
    }

    #[test]
    fn applying_in_any_blocks_gives_the_same_samples() {
        let c = clip();
        let whole: Vec<f32> = {
            let mut v = vec![1.0; 1000];
            c.apply(0, &mut v);
            v
        };
        for block in [1, 7, 64, 333] {
            let mut v = vec![1.0; 1000];
            for (n, chunk) in v.chunks_mut(block).enumerate() {
                c.apply((n * block) as u64, chunk);
            }
            assert_eq!(v, whole, "block {block}");
        }
        for (i, &g) in whole.iter().enumerate() {
            assert_eq!(g, c.gain_at(i as u64));
        }
    }
}
