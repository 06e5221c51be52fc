//! The downmix stage of a stereo delivery version: every output (DX, MX,
//! FX, the M&E and the printmaster) downmixed from 5.1 with the same
//! coefficients, each through its own [`Downmixer`], before the trim and the
//! limiter. The downmix is linear, so the downmixed stems still sum to the
//! downmixed printmaster.

use super::BounceError;
use crate::dsp::downmix::{Coefficients, Downmixer, CHANNELS_IN};

/// Channels of a downmixed output.
pub(crate) const STEREO: usize = 2;

/// A downmixer for each of `outputs` outputs.
pub(crate) struct OutputDownmix {
    mixers: Vec<Downmixer>,
}

impl OutputDownmix {
    /// Refused unless the mix is 5.1 (`channels` 6).
    pub(crate) fn new(
        c: Coefficients,
        outputs: usize,
        channels: usize,
    ) -> Result<OutputDownmix, BounceError> {
        if channels != CHANNELS_IN {
            return Err(BounceError::NotFivePointOne { channels });
        }
        Ok(OutputDownmix {
            mixers: vec![Downmixer::new(c); outputs],
        })
    }

    /// Downmix the first `n` frames of output `k`'s six planes `source`
    /// into `left` and `right`.
    pub(crate) fn process(
        &mut self,
        k: usize,
        source: &[Vec<f32>],
        left: &mut [f32],
        right: &mut [f32],
        n: usize,
    ) {
        let mut planes: [&[f32]; CHANNELS_IN] = [&[]; CHANNELS_IN];
        for (p, s) in planes.iter_mut().zip(source) {
            *p = &s[..n];
        }
        self.mixers[k].process(&planes, left, right, n);
    }

    /// Downmix output `k` into the two planes `out`.
    pub(crate) fn mix_pair(
        &mut self,
        k: usize,
        source: &[Vec<f32>],
        out: &mut [Vec<f32>],
        n: usize,
    ) {
        let (left, right) = out.split_at_mut(1);
        self.process(k, source, &mut left[0], &mut right[0], n);
    }
}
