//! Foley and effects: footsteps on a wooden floor, and a door that creaks
//! and slams.

use std::f64::consts::TAU;

use super::cues::DOOR_SLAM_AT;
use super::synth::{db, normalize, peak, region, smoothstep, Biquad, Rng, SR};

/// A mono effects track under construction, with its own noise source.
struct Foley {
    out: Vec<f64>,
    rng: Rng,
}

impl Foley {
    fn new(frames: usize, seed: u64) -> Self {
        Foley {
            out: vec![0.0; frames],
            rng: Rng::new(seed),
        }
    }
    /// The body of an impact: a sine gliding from `hi` down to `lo` Hz (30 ms),
    /// 2 ms attack, exponential decay with time constant `decay` seconds.
    fn thump(&mut self, start: f64, (hi, lo): (f64, f64), decay: f64, gain: f64) {
        let mut phase = 0.0;
        for (t, s) in region(&mut self.out, start, 7.0 * decay) {
            phase += TAU * (lo + (hi - lo) * (-t / 0.03).exp()) / SR;
            *s += gain * (1.0 - (-t / 0.002).exp()) * (-t / decay).exp() * phase.sin();
        }
    }
    /// Filtered noise faded in over `rise` s, then decaying with time constant
    /// `decay` s: clicks, scuffs, impacts and rattles.
    fn burst(&mut self, start: f64, mut filter: Biquad, (rise, decay): (f64, f64), gain: f64) {
        for (t, s) in region(&mut self.out, start, rise + 7.0 * decay) {
            let env = smoothstep(t / rise.max(1e-6)) * (-(t - rise).max(0.0) / decay).exp();
            *s += gain * env * filter.process(self.rng.noise());
        }
    }
}

/// Footsteps on a wooden floor at ~1.8 steps/s: each a 150→80 Hz thump, a heel
/// click and a soft scuff, with humanized timing, tone and level (peak -9 dBFS).
pub(super) fn footsteps(frames: usize) -> Vec<f64> {
    let mut fx = Foley::new(frames, 0xF007);
    let (mut t, mut left) = (0.3, true);
    while t < frames as f64 / SR - 0.4 {
        let gain = db(fx.rng.range(-2.0, 2.0) - if left { 0.0 } else { 1.5 });
        let tone = fx.rng.range(0.9, 1.1);
        fx.thump(t, (150.0 * tone, 80.0 * tone), 0.045, gain);
        let click = Biquad::bandpass(fx.rng.range(1800.0, 3000.0), 1.5);
        fx.burst(t, click, (0.0005, 0.004), 0.6 * gain);
        let scuff = Biquad::bandpass(fx.rng.range(1200.0, 1800.0), 0.8);
        fx.burst(t + 0.02, scuff, (0.03, 0.03), 0.08 * gain);
        t += 1.0 / 1.8 + fx.rng.range(-0.025, 0.025);
        left = !left;
    }
    normalize(&mut fx.out, peak, -9.0);
    fx.out
}

/// Door: a creaking hinge (0.2–1.4 s), then the slam at [`DOOR_SLAM_AT`] with
/// a latch rattle; peak -3 dBFS.
pub(super) fn door(frames: usize) -> Vec<f64> {
    let mut fx = Foley::new(frames, 0xD008);
    add_creak(&mut fx, (0.2, 1.4));
    fx.thump(DOOR_SLAM_AT, (70.0, 45.0), 0.12, 1.0);
    let (impact, tail) = (
        Biquad::lowpass(3000.0, 0.707),
        Biquad::lowpass(800.0, 0.707),
    );
    fx.burst(DOOR_SLAM_AT, impact, (0.001, 0.018), 1.2);
    fx.burst(DOOR_SLAM_AT, tail, (0.005, 0.12), 0.15);
    let mut t = DOOR_SLAM_AT + 0.06;
    for k in 0..5 {
        let latch = Biquad::bandpass(fx.rng.range(2800.0, 3600.0), 5.0);
        fx.burst(t, latch, (0.0005, 0.006), 0.5 * 0.6f64.powi(k));
        t += fx.rng.range(0.03, 0.055);
    }
    normalize(&mut fx.out, peak, -3.0);
    fx.out
}

/// A creaking hinge: a rough stick-slip sawtooth wandering over ~300–900 Hz
/// with per-cycle pitch and level jitter, through two wooden body resonances.
fn add_creak(fx: &mut Foley, (start, end): (f64, f64)) {
    let mut body = [Biquad::bandpass(1100.0, 3.0), Biquad::bandpass(2400.0, 4.0)];
    let (mut phase, mut rate, mut level) = (0.0, 1.0, 1.0);
    for (t, s) in region(&mut fx.out, start, end - start) {
        let wander = 200.0 * (TAU * 0.7 * t + 0.5).sin() + 80.0 * (TAU * 1.9 * t).sin();
        phase += (580.0 + wander).clamp(300.0, 900.0) * rate / SR;
        if phase >= 1.0 {
            phase -= 1.0;
            rate = 1.0 + fx.rng.range(-0.04, 0.04);
            level = fx.rng.range(0.6, 1.4);
        }
        let saw = level * (2.0 * phase - 1.0);
        let swell = 0.7 + 0.3 * (TAU * 1.3 * t).sin();
        let env = smoothstep(t / 0.08) * smoothstep((end - start - t) / 0.15) * swell;
        *s += 0.12 * env * (0.3 * saw + body[0].process(saw) + 0.6 * body[1].process(saw));
    }
}
