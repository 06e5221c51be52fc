//! The hum remover of a dialog strip: a notch at the mains frequency (50
//! or 60 Hz) and at each of its first harmonics, all of the same narrow
//! bandwidth in hertz, so the voice between them is left alone. The
//! notches are biquads run as one cascade ([`super::cascade`]), sample by
//! sample or as a wavefront: the output does not depend on the block size.

use super::biquad::{Coefficients, State};
use super::cascade::run_cascade;
use crate::model::strip::{Hum as Settings, MAX_HARMONICS};

/// Most channels (5.1), as a strip has.
const MAX_CHANNELS: usize = 6;

/// Width of every notch, Hz (where it is 3 dB down).
pub const NOTCH_WIDTH_HZ: f64 = 4.0;

/// The notches and every channel's memory of them.
#[derive(Debug, Clone)]
pub struct HumRemover {
    sections: [Coefficients; MAX_HARMONICS],
    used: usize,
    states: [[State; MAX_HARMONICS]; MAX_CHANNELS],
}

impl HumRemover {
    pub fn new(settings: &Settings, rate: u32) -> HumRemover {
        let mut h = HumRemover {
            sections: [Coefficients::IDENTITY; MAX_HARMONICS],
            used: 0,
            states: [[State::default(); MAX_HARMONICS]; MAX_CHANNELS],
        };
        h.configure(settings, rate);
        h
    }

    /// Take new settings: the notches that stay keep their memory.
    pub fn configure(&mut self, s: &Settings, rate: u32) {
        let rate = rate as f64;
        let f0 = s.freq_hz as f64;
        // Harmonics at or above Nyquist are left out.
        let used = (1..=s.harmonics.clamp(1, MAX_HARMONICS as u8) as usize)
            .take_while(|&k| f0 * (k as f64) < rate * 0.45)
            .count();
        for (k, section) in self.sections[..used].iter_mut().enumerate() {
            let f = f0 * (k + 1) as f64;
            *section = Coefficients::notch(f, rate, f / NOTCH_WIDTH_HZ);
        }
        for channel in self.states.iter_mut() {
            for state in &mut channel[used..] {
                state.reset();
            }
        }
        self.used = used;
    }

    /// Remove the hum from samples `from..to` of each channel.
    pub fn process(&mut self, channels: &mut [Vec<f32>], from: usize, to: usize) {
        let sections = &self.sections[..self.used];
        for (plane, states) in channels.iter_mut().zip(self.states.iter_mut()) {
            run_cascade(
                sections,
                &mut states[..sections.len()],
                &mut plane[from..to],
            );
        }
    }
}
