//! The strip's reverb, a room or plate made by algorithm: the channels'
//! sum goes through a pre-delay, early reflections (a dozen taps, a
//! different sign pattern for each output) and a feedback delay network
//! ([`super::fdn`]) for the tail; each output channel takes its own
//! orthogonal mix of the network's lines, so a stereo or 5.1 return is
//! decorrelated (the LFE of a 5.1 strip gets no reverb). Width narrows
//! the outputs towards their mean; the mix crossfades dry and wet. On an
//! aux bus fed by sends the mix is usually 100%.

use super::fdn::{Fdn, Tuning, LINES};
use super::gain::db_to_gain;
use crate::model::strip::Reverb as Settings;

/// The longest pre-delay, ms.
pub const MAX_PREDELAY_MS: f32 = 250.0;
/// Early reflection times at full size, ms.
const TAPS_MS: [f32; 12] = [
    3.1, 7.3, 11.9, 16.7, 23.3, 29.9, 37.1, 43.7, 51.1, 59.3, 67.9, 77.3,
];
/// Where the LFE is in a six-channel (5.1) strip: L R C LFE Ls Rs.
const LFE: usize = 3;
/// Samples worked on together.
const CHUNK: usize = 32;
/// Most output channels.
const OUTPUTS: usize = 6;

/// A reverb's state for up to six output channels.
#[derive(Debug, Clone)]
pub struct Reverb {
    rate: f32,
    fdn: Fdn,
    /// The input after the pre-delay, with room for the reflections.
    input: Vec<f32>,
    mask: usize,
    at: usize,
    predelay: usize,
    /// Reflection delays after the pre-delay, samples.
    taps: [usize; TAPS_MS.len()],
    /// Reflection gain per output channel and tap (level and sign).
    tap_gains: [[f32; TAPS_MS.len()]; OUTPUTS],
    /// Each output's mix of the lines: a row of a Hadamard matrix, scaled.
    out_signs: [[f32; LINES]; OUTPUTS],
    width: f32,
    dry: f32,
    wet: f32,
}

/// Sign of row `r`, column `i` of a Hadamard matrix.
fn hadamard_sign(r: usize, i: usize) -> f32 {
    if (r & i).count_ones().is_multiple_of(2) {
        1.0
    } else {
        -1.0
    }
}

impl Reverb {
    pub fn new(settings: &Settings, rate: u32) -> Reverb {
        let fdn = Fdn::new(rate, tuning(settings));
        let rate = rate.max(1) as f32;
        let span = (MAX_PREDELAY_MS + TAPS_MS[TAPS_MS.len() - 1] + 1.0) * 1e-3 * rate;
        // Room for a chunk written before its reads.
        let capacity = (span as usize + CHUNK + 2).next_power_of_two();
        let mut r = Reverb {
            rate,
            fdn,
            input: super::buffer::zeroed(capacity),
            mask: capacity - 1,
            at: 0,
            predelay: 0,
            taps: [0; TAPS_MS.len()],
            tap_gains: [[0.0; TAPS_MS.len()]; OUTPUTS],
            out_signs: std::array::from_fn(|c| {
                std::array::from_fn(|i| hadamard_sign(c + 1, i) / (LINES as f32).sqrt())
            }),
            width: 1.0,
            dry: 1.0,
            wet: 0.0,
        };
        r.configure(settings);
        r
    }

    /// Take new settings; the tail carries on.
    pub fn configure(&mut self, s: &Settings) {
        self.fdn.tune(tuning(s));
        let ms = |ms: f32| (ms * 1e-3 * self.rate).round() as usize;
        self.predelay = ms(s.predelay_ms.clamp(0.0, MAX_PREDELAY_MS));
        let scale = super::fdn::MIN_SCALE + (1.0 - super::fdn::MIN_SCALE) * size(s);
        let early = db_to_gain(s.early_db);
        let norm = (TAPS_MS.len() as f32).sqrt().recip();
        for (k, t) in TAPS_MS.iter().enumerate() {
            self.taps[k] = ms(t * scale).max(1);
            let level = early * norm * 0.85f32.powi(k as i32);
            for (c, row) in self.tap_gains.iter_mut().enumerate() {
                // Rows 1.. of a 16-point Hadamard matrix: each output its
                // own pattern of signs.
                row[k] = level * hadamard_sign(c + 1, k + 3);
            }
        }
        self.width = (s.width / 100.0).clamp(0.0, 1.0);
        let mix = (s.mix / 100.0).clamp(0.0, 1.0);
        self.dry = 1.0 - mix;
        self.wet = mix;
    }

    /// Forget the signal.
    pub fn clear(&mut self) {
        self.fdn.clear();
        self.input.fill(0.0);
    }

    /// Process samples `from..to` of each channel in place.
    pub fn process(&mut self, channels: &mut [Vec<f32>], from: usize, to: usize) {
        let count = channels.len().min(OUTPUTS);
        if count == 0 {
            return;
        }
        let feeds = |c: usize| !(count == OUTPUTS && c == LFE);
        let share = ((0..count).filter(|&c| feeds(c)).count().max(1) as f32).recip();
        let mut t = from;
        while t < to {
            let n = (to - t).min(CHUNK);
            self.chunk(&mut channels[..count], t, n, share, &feeds);
            t += n;
        }
    }

    /// `n` (at most [`CHUNK`]) samples from `t`: the network sample by
    /// sample, then the outputs' mixes across the samples (each sample's
    /// sum in the same order, so chunks of any length give the same).
    fn chunk(
        &mut self,
        channels: &mut [Vec<f32>],
        t: usize,
        n: usize,
        share: f32,
        feeds: &dyn Fn(usize) -> bool,
    ) {
        let mut mono = [0.0f32; CHUNK];
        for (c, plane) in channels.iter().enumerate() {
            if feeds(c) {
                for (m, &x) in mono[..n].iter_mut().zip(&plane[t..t + n]) {
                    *m += x;
                }
            }
        }
        // The chunk into the input ring, then every read of it (the
        // pre-delayed input and each reflection) a run of `n` samples.
        let at = self.at;
        let mask = self.mask;
        let ring = &mut self.input[..mask + 1];
        for (k, &m) in mono[..n].iter().enumerate() {
            ring[(at + k) & mask] = m * share;
        }
        let ring = &*ring;
        let mut delayed = [0.0f32; CHUNK];
        read_ring(ring, at.wrapping_sub(self.predelay), &mut delayed[..n]);
        let mut lines = [[0.0f32; CHUNK]; LINES];
        self.fdn.run(&delayed[..n], &mut lines);
        self.at = (at + n) & mask;
        let mut wet = [[0.0f32; CHUNK]; OUTPUTS];
        let mut reflection = [0.0f32; CHUNK];
        for (j, &tap) in self.taps.iter().enumerate() {
            read_ring(
                ring,
                at.wrapping_sub(self.predelay + tap),
                &mut reflection[..n],
            );
            for (c, w) in wet[..channels.len()].iter_mut().enumerate() {
                if feeds(c) {
                    let g = self.tap_gains[c][j];
                    for (w, r) in w[..n].iter_mut().zip(&reflection[..n]) {
                        *w += g * r;
                    }
                }
            }
        }
        for (c, w) in wet[..channels.len()].iter_mut().enumerate() {
            if feeds(c) {
                for (i, l) in lines.iter().enumerate() {
                    let g = self.out_signs[c][i];
                    for (w, l) in w[..n].iter_mut().zip(&l[..n]) {
                        *w += g * l;
                    }
                }
            }
        }
        let mut mean = [0.0f32; CHUNK];
        for (c, w) in wet[..channels.len()].iter().enumerate() {
            if feeds(c) {
                for (m, w) in mean[..n].iter_mut().zip(&w[..n]) {
                    *m += w;
                }
            }
        }
        for m in &mut mean[..n] {
            *m *= share;
        }
        for (c, plane) in channels.iter_mut().enumerate() {
            if feeds(c) {
                for k in 0..n {
                    let w = mean[k] + self.width * (wet[c][k] - mean[k]);
                    let x = &mut plane[t + k];
                    *x = self.dry * *x + self.wet * w;
                }
            }
        }
    }
}

/// `out.len()` samples of the ring from `from` (wrapping).
fn read_ring(ring: &[f32], from: usize, out: &mut [f32]) {
    let mask = ring.len() - 1;
    let from = from & mask;
    let first = out.len().min(ring.len() - from);
    let (head, tail) = out.split_at_mut(first);
    head.copy_from_slice(&ring[from..from + first]);
    tail.copy_from_slice(&ring[..tail.len()]);
}

fn size(s: &Settings) -> f32 {
    (s.size / 100.0).clamp(0.0, 1.0)
}

fn tuning(s: &Settings) -> Tuning {
    Tuning {
        rt60: s.decay_s,
        hf_ratio: 1.0 - 0.85 * (s.damping / 100.0).clamp(0.0, 1.0),
        size: size(s),
    }
}
