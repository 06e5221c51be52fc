//! A true-peak limiter with lookahead: the gain that keeps a signal's true
//! peak (BS.1770, 4x oversampled) at or below a ceiling.
//!
//! How the gain is made, sample by sample (so the result is sample-accurate
//! and does not depend on the block size):
//! 1. the detector ([`super::truepeak`]) gives the true peak around each
//!    sample, the largest over all channels (the channels are linked);
//! 2. the gain each sample needs, `min(1, ceiling / peak)`;
//! 3. the smallest need over the last `lookahead + hold` samples;
//! 4. instant attack, exponential release back towards unity;
//! 5. a moving average over `lookahead` samples, which turns every step
//!    down into a straight ramp that has reached its depth before the peak
//!    arrives, and holds it for `hold` samples around the peak so the
//!    interpolated values between samples come down with it.
//!
//! The signal is delayed by [`TruePeakLimiter::latency`] samples to meet its
//! gain. Steps 3 to 5 never raise the gain above what any sample in the
//! window needs, so the ceiling holds; below the ceiling the gain is exactly
//! 1.0 and the signal passes bit for bit. The moving average is summed in
//! integers, so it cannot drift over hours.
//!
//! Allocation-free once built: [`TruePeakLimiter::new`] allocates every
//! buffer for blocks of up to `max_block` frames (longer blocks are worked
//! through in pieces).

use super::gain::db_to_gain;
use super::truepeak::{TruePeakDetector, DELAY, TAPS};

/// Gains are summed as fixed-point integers with this many fraction bits.
const FRACTION_BITS: u32 = 32;
const ONE: u64 = 1 << FRACTION_BITS;
/// A release this close to unity (-0.0001 dB) snaps to it, so the signal
/// passes bit for bit again about 11 release time constants after a peak.
const UNITY_SNAP: f64 = 1e-5;
/// Samples held at full depth on each side of a peak: the interpolator's reach.
const HOLD_HALF: usize = TAPS;

/// Limiter timing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LimiterTiming {
    /// Lookahead, which is also the attack ramp, in milliseconds.
    pub lookahead_ms: f64,
    /// Time constant of the release, in milliseconds.
    pub release_ms: f64,
}

impl Default for LimiterTiming {
    fn default() -> LimiterTiming {
        LimiterTiming {
            lookahead_ms: 2.0,
            release_ms: 80.0,
        }
    }
}

/// Gain reduction statistics since the limiter was built.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LimiterStats {
    /// The deepest gain, linear (1.0: never limited).
    pub min_gain: f32,
    /// Samples whose gain was below unity.
    pub limited_samples: u64,
}

/// A sliding-window minimum over a fixed window, in a ring of fixed size.
#[derive(Debug, Clone)]
struct WindowMin {
    window: u64,
    /// (sample index, value), values increasing from front to back.
    ring: Vec<(u64, u64)>,
    front: usize,
    len: usize,
}

impl WindowMin {
    fn new(window: usize) -> WindowMin {
        WindowMin {
            window: window as u64,
            ring: vec![(0, 0); window + 1],
            front: 0,
            len: 0,
        }
    }

    fn clear(&mut self) {
        self.front = 0;
        self.len = 0;
    }

    fn slot(&self, k: usize) -> usize {
        (self.front + k) % self.ring.len()
    }

    /// Add sample `at` with `value`; the minimum over the window ending there.
    fn push(&mut self, at: u64, value: u64) -> u64 {
        while self.len > 0 && self.ring[self.slot(self.len - 1)].1 >= value {
            self.len -= 1;
        }
        let back = self.slot(self.len);
        self.ring[back] = (at, value);
        self.len += 1;
        while self.ring[self.front].0 + self.window <= at {
            self.front = (self.front + 1) % self.ring.len();
            self.len -= 1;
        }
        self.ring[self.front].1
    }
}

/// A linked, multichannel true-peak limiter: it computes the gain; the
/// caller applies it to the delayed signal (or to several signals that must
/// stay in step, like stems that sum to a printmaster).
#[derive(Debug, Clone)]
pub struct TruePeakLimiter {
    ceiling: f32,
    sample_rate: f64,
    lookahead: usize,
    detector: TruePeakDetector,
    envelope: Vec<f32>,
    need: WindowMin,
    /// The released gain, linear.
    released: f64,
    release_keep: f64,
    /// The last `lookahead` released gains, fixed point, and their sum.
    average: Vec<u64>,
    average_at: usize,
    sum: u64,
    at: u64,
    stats: LimiterStats,
}

impl TruePeakLimiter {
    /// A limiter for `channels` at `sample_rate` holding `ceiling_db` dBTP,
    /// for blocks of up to `max_block` frames.
    pub fn new(
        channels: usize,
        sample_rate: u32,
        ceiling_db: f32,
        timing: LimiterTiming,
        max_block: usize,
    ) -> TruePeakLimiter {
        let rate = sample_rate as f64;
        let lookahead = ((timing.lookahead_ms * rate / 1000.0).round() as usize).max(1);
        let release = (timing.release_ms * rate / 1000.0).max(1.0);
        TruePeakLimiter {
            ceiling: db_to_gain(ceiling_db),
            sample_rate: rate,
            lookahead,
            detector: TruePeakDetector::new(channels),
            envelope: super::buffer::zeroed(max_block.max(1)),
            need: WindowMin::new(lookahead + 2 * HOLD_HALF),
            released: 1.0,
            release_keep: (-1.0 / release).exp(),
            average: vec![ONE; lookahead],
            average_at: 0,
            sum: ONE * lookahead as u64,
            at: 0,
            stats: LimiterStats {
                min_gain: 1.0,
                limited_samples: 0,
            },
        }
    }

    /// A new ceiling, from the next sample on.
    pub fn set_ceiling(&mut self, ceiling_db: f32) {
        self.ceiling = db_to_gain(ceiling_db);
    }

    /// A new release time constant, from the next sample on.
    pub fn set_release(&mut self, release_ms: f64) {
        let release = (release_ms * self.sample_rate / 1000.0).max(1.0);
        self.release_keep = (-1.0 / release).exp();
    }

    /// Forget the signal and the gain: as if built anew (allocation-free).
    pub fn reset(&mut self) {
        self.detector.reset();
        self.need.clear();
        self.released = 1.0;
        self.average.fill(ONE);
        self.average_at = 0;
        self.sum = ONE * self.lookahead as u64;
        self.at = 0;
        self.stats = LimiterStats {
            min_gain: 1.0,
            limited_samples: 0,
        };
    }

    /// Samples by which the signal must be delayed to meet its gain.
    pub fn latency(&self) -> usize {
        DELAY + self.lookahead - 1 + HOLD_HALF
    }

    pub fn channels(&self) -> usize {
        self.detector.channels()
    }

    pub fn stats(&self) -> LimiterStats {
        self.stats
    }

    /// Read the next `gains.len()` frames of `input` (one slice per channel)
    /// and write the gain for each frame of the signal delayed by
    /// [`latency`](Self::latency).
    pub fn gains(&mut self, input: &[&[f32]], gains: &mut [f32]) {
        let max = self.envelope.len();
        let mut done = 0;
        while done < gains.len() {
            let n = (gains.len() - done).min(max);
            let envelope = &mut self.envelope[..n];
            envelope.fill(0.0);
            for (c, x) in input.iter().enumerate().take(self.detector.channels()) {
                self.detector.envelope(c, &x[done..done + n], envelope);
            }
            for (g, &peak) in gains[done..done + n].iter_mut().zip(envelope.iter()) {
                let need = if peak > self.ceiling {
                    // Rounded down: never more gain than the ceiling allows.
                    ((self.ceiling / peak) as f64 * ONE as f64) as u64
                } else {
                    ONE
                };
                let least = self.need.push(self.at, need);
                let released = 1.0 - (1.0 - self.released) * self.release_keep;
                self.released = if released > 1.0 - UNITY_SNAP {
                    1.0
                } else {
                    released
                };
                let least = least as f64 / ONE as f64;
                if least < self.released {
                    self.released = least;
                }
                let fixed = (self.released * ONE as f64) as u64;
                self.sum = self.sum - self.average[self.average_at] + fixed;
                self.average[self.average_at] = fixed;
                self.average_at = (self.average_at + 1) % self.lookahead;
                *g = if self.sum == ONE * self.lookahead as u64 {
                    1.0
                } else {
                    let gain = (self.sum as f64 / (ONE as f64 * self.lookahead as f64)) as f32;
                    self.stats.limited_samples += 1;
                    self.stats.min_gain = self.stats.min_gain.min(gain);
                    gain
                };
                self.at += 1;
            }
            done += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_minimum_follows_a_brute_force_one() {
        let mut w = WindowMin::new(5);
        let values = [9u64, 3, 7, 8, 2, 6, 6, 9, 9, 9, 9, 9, 1, 4];
        for (i, &v) in values.iter().enumerate() {
            let lo = i.saturating_sub(4);
            let want = *values[lo..=i].iter().min().unwrap();
            assert_eq!(w.push(i as u64, v), want, "at {i}");
        }
    }
}
