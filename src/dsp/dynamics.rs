//! Dynamics: a compressor and a downward expander (gate), both computing
//! their gain in dB from the sample level and smoothing it with separate
//! attack and release times (the "smooth decoupled" design of Giannoulis,
//! Massberg and Reiss, 2012). Stereo strips link their channels: one gain,
//! from the louder channel, applied to both.

use super::fastmath;

/// A one-pole smoothing coefficient for a time constant of `ms` at `rate`.
pub fn time_coefficient(ms: f32, rate: f32) -> f32 {
    if ms <= 0.0 {
        0.0
    } else {
        (-1.0 / (ms * 0.001 * rate)).exp()
    }
}

fn level_db(x: f32) -> f32 {
    if x <= 1e-10 {
        -200.0
    } else {
        fastmath::to_db(x)
    }
}

/// The compressor's static curve: output level for input level `x` (dB).
pub fn compressor_curve(x: f32, threshold: f32, ratio: f32, knee: f32) -> f32 {
    let over = x - threshold;
    if knee > 0.0 && 2.0 * over.abs() <= knee {
        x + (1.0 / ratio - 1.0) * (over + knee / 2.0).powi(2) / (2.0 * knee)
    } else if over > 0.0 {
        threshold + over / ratio
    } else {
        x
    }
}

/// The expander's static curve: below the threshold the level falls
/// `ratio` times faster, but never by more than `range` dB.
pub fn expander_curve(x: f32, threshold: f32, ratio: f32, range: f32) -> f32 {
    if x >= threshold {
        x
    } else {
        let reduction = ((threshold - x) * (ratio - 1.0)).min(range);
        x - reduction
    }
}

/// Compressor settings turned into what the sample loop needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompressorSetup {
    pub threshold: f32,
    pub ratio: f32,
    pub knee: f32,
    pub attack: f32,
    pub release: f32,
    pub makeup: f32,
}

/// Expander settings turned into what the sample loop needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GateSetup {
    pub threshold: f32,
    pub ratio: f32,
    pub range: f32,
    pub attack: f32,
    pub release: f32,
    pub hold: u32,
}

/// The running state of a compressor: the smoothed gain change in dB.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CompressorState {
    gain_db: f32,
}

impl CompressorState {
    /// The gain (linear) for a sample whose linked level is `level`.
    #[inline]
    pub fn next(&mut self, s: &CompressorSetup, level: f32) -> f32 {
        let x = level_db(level);
        let target = compressor_curve(x, s.threshold, s.ratio, s.knee) - x;
        let coefficient = if target < self.gain_db {
            s.attack
        } else {
            s.release
        };
        self.gain_db = coefficient * self.gain_db + (1.0 - coefficient) * target;
        if target == 0.0 && self.gain_db > -1e-6 {
            // Fully released: exactly no reduction.
            self.gain_db = 0.0;
        }
        let total = self.gain_db + s.makeup;
        if total == 0.0 {
            1.0
        } else {
            fastmath::from_db(total)
        }
    }

    /// Current gain reduction in dB (0 or below), for meters.
    pub fn reduction_db(&self) -> f32 {
        self.gain_db
    }
}

/// The running state of an expander/gate.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GateState {
    gain_db: f32,
    holding: u32,
}

impl GateState {
    /// The gain (linear) for a sample whose linked level is `level`.
    #[inline]
    pub fn next(&mut self, s: &GateSetup, level: f32) -> f32 {
        let x = level_db(level);
        if x >= s.threshold {
            self.holding = s.hold;
        }
        let target = expander_curve(x, s.threshold, s.ratio, s.range) - x;
        if target > self.gain_db {
            // Opening.
            self.gain_db = s.attack * self.gain_db + (1.0 - s.attack) * target;
        } else if self.holding > 0 {
            self.holding -= 1;
        } else {
            self.gain_db = s.release * self.gain_db + (1.0 - s.release) * target;
        }
        if target == 0.0 && self.gain_db > -1e-6 {
            // Fully open: exactly unity, so a gate that never acts changes nothing.
            self.gain_db = 0.0;
        }
        if self.gain_db == 0.0 {
            1.0
        } else {
            fastmath::from_db(self.gain_db)
        }
    }

    pub fn reduction_db(&self) -> f32 {
        self.gain_db
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressor_curve_points() {
        // Hard knee, 4:1 above -20 dB.
        assert_eq!(compressor_curve(-30.0, -20.0, 4.0, 0.0), -30.0);
        assert_eq!(compressor_curve(-20.0, -20.0, 4.0, 0.0), -20.0);
        assert_eq!(compressor_curve(-8.0, -20.0, 4.0, 0.0), -17.0);
        // Soft knee: continuous at its edges, half-way reduction shape at the threshold.
        let (t, r, w) = (-20.0, 4.0, 6.0);
        assert!((compressor_curve(t - w / 2.0, t, r, w) - (t - w / 2.0)).abs() < 1e-5);
        assert!((compressor_curve(t + w / 2.0, t, r, w) - (t + w / 2.0 / r)).abs() < 1e-5);
        assert!((compressor_curve(t, t, r, w) - (t + (1.0 / r - 1.0) * w / 8.0)).abs() < 1e-5);
    }

    #[test]
    fn expander_curve_points() {
        assert_eq!(expander_curve(-30.0, -40.0, 4.0, 20.0), -30.0);
        assert_eq!(expander_curve(-45.0, -40.0, 3.0, 20.0), -55.0);
        assert_eq!(
            expander_curve(-60.0, -40.0, 3.0, 20.0),
            -80.0,
            "the range limits the reduction"
        );
    }
}
