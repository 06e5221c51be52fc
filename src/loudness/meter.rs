//! The BS.1770 loudness meter: the `ebur128` crate's K-weighting, gating and
//! loudness range, with momentary (400 ms) and short-term (3 s) loudness
//! evaluated on a fine grid so their maxima are the ones EBU Tech 3341 asks
//! for.
//!
//! The grid: after every step of 5 ms (10 ms when the sample rate is not a
//! multiple of 200 Hz) the meter takes the K-weighted energy of that step
//! from `ebur128`; momentary loudness is the mean of the last 80 steps
//! (400 ms), short-term the mean of the last 600 (3 s). Their maxima count
//! only whole windows. Every 100 ms the momentary energy is also the energy
//! of one BS.1770 gating block, which [`LoudnessMeter::log_blocks`] keeps
//! for the dialog gate. Results do not depend on how the signal is cut into
//! blocks.

use ebur128::{Channel, EbuR128, Mode};

use super::{energy_to_lufs, lufs_to_energy, MeterError};

/// The largest channel count measured.
pub const MAX_CHANNELS: usize = 64;
/// The gating-block hop of BS.1770, in milliseconds.
pub const BLOCK_HOP_MS: u32 = 100;

/// BS.1770 channel positions for a channel count, in the WAV (SMPTE) order:
/// mono is one front channel; 2: L R; 3: L R C; 4: L R Ls Rs; 5: L R C Ls
/// Rs; 6 (5.1): L R C LFE Ls Rs; 8 (7.1): L R C LFE, back L R, side L R.
/// Front channels weigh 1.0, surrounds at 60 to 120 degrees 1.41 (+1.5 dB),
/// the LFE nothing. Other counts: every channel a front channel.
pub fn channel_weights(channels: usize) -> Vec<Channel> {
    use Channel::*;
    match channels {
        1 => vec![Center],
        2 => vec![Left, Right],
        3 => vec![Left, Right, Center],
        4 => vec![Left, Right, LeftSurround, RightSurround],
        5 => vec![Left, Right, Center, LeftSurround, RightSurround],
        6 => vec![Left, Right, Center, Unused, LeftSurround, RightSurround],
        8 => vec![Left, Right, Center, Unused, Mp135, Mm135, Mp090, Mm090],
        n => vec![Center; n],
    }
}

/// Momentary, short-term, integrated loudness and loudness range of one
/// signal (stereo, 5.1, or any channel count).
pub struct LoudnessMeter {
    ebu: EbuR128,
    channels: usize,
    sample_rate: u32,
    step_ms: u32,
    /// Frames per grid step.
    step: usize,
    /// Frames into the current step.
    into_step: usize,
    /// Energies of the last `short_steps` steps, a ring.
    energies: Box<[f64]>,
    at: usize,
    /// Complete steps so far.
    steps: u64,
    momentary_steps: usize,
    short_steps: usize,
    hop_steps: u64,
    momentary: f64,
    short_term: f64,
    momentary_max: Option<f64>,
    short_term_max: Option<f64>,
    blocks: Option<Vec<f64>>,
    frames: u64,
}

impl LoudnessMeter {
    pub fn new(channels: usize, sample_rate: u32) -> Result<LoudnessMeter, MeterError> {
        if channels == 0 || channels > MAX_CHANNELS {
            return Err(MeterError::Channels(channels));
        }
        if !(8_000..=384_000).contains(&sample_rate) {
            return Err(MeterError::SampleRate(sample_rate));
        }
        let mut ebu = EbuR128::new(channels as u32, sample_rate, Mode::I | Mode::LRA)
            .map_err(|_| MeterError::Channels(channels))?;
        ebu.set_channel_map(&channel_weights(channels))
            .map_err(|_| MeterError::Channels(channels))?;
        let step_ms = if sample_rate % 200 == 0 { 5 } else { 10 };
        let short_steps = (3000 / step_ms) as usize;
        Ok(LoudnessMeter {
            ebu,
            channels,
            sample_rate,
            step_ms,
            step: (sample_rate * step_ms / 1000) as usize,
            into_step: 0,
            energies: vec![0.0; short_steps].into_boxed_slice(),
            at: 0,
            steps: 0,
            momentary_steps: (400 / step_ms) as usize,
            short_steps,
            hop_steps: (BLOCK_HOP_MS / step_ms) as u64,
            momentary: 0.0,
            short_term: 0.0,
            momentary_max: None,
            short_term_max: None,
            blocks: None,
            frames: 0,
        })
    }

    /// Keep the energy of every BS.1770 gating block (400 ms, every 100 ms)
    /// for [`blocks`](Self::blocks).
    pub fn log_blocks(mut self) -> LoudnessMeter {
        self.blocks = Some(Vec::new());
        self
    }

    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Start again, as if nothing had been measured (a console's meter
    /// reset; a locate).
    pub fn reset(&mut self) {
        self.ebu.reset();
        self.into_step = 0;
        self.energies.fill(0.0);
        self.at = 0;
        self.steps = 0;
        self.momentary = 0.0;
        self.short_term = 0.0;
        self.momentary_max = None;
        self.short_term_max = None;
        if let Some(blocks) = &mut self.blocks {
            blocks.clear();
        }
        self.frames = 0;
    }

    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// Frames measured so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// The grid step in milliseconds.
    pub fn step_ms(&self) -> u32 {
        self.step_ms
    }

    /// Measure the next frames, one slice per channel. Extra slices are
    /// ignored; a short slice limits the frames taken from every channel.
    pub fn add(&mut self, planes: &[&[f32]]) {
        let planes = &planes[..planes.len().min(self.channels)];
        let frames = planes.iter().map(|p| p.len()).min().unwrap_or(0);
        if planes.len() < self.channels {
            return;
        }
        let mut slices: [&[f32]; MAX_CHANNELS] = [&[]; MAX_CHANNELS];
        let mut done = 0;
        while done < frames {
            let n = (frames - done).min(self.step - self.into_step);
            for (slot, plane) in slices.iter_mut().zip(planes) {
                *slot = &plane[done..done + n];
            }
            // Only a channel-count mismatch makes ebur128 refuse, and the
            // slices match the meter's channels.
            let _ = self.ebu.add_frames_planar_f32(&slices[..self.channels]);
            self.into_step += n;
            done += n;
            if self.into_step == self.step {
                self.into_step = 0;
                self.close_step();
            }
        }
        self.frames += frames as u64;
    }

    fn close_step(&mut self) {
        let energy = self
            .ebu
            .loudness_window(self.step_ms)
            .ok()
            .filter(|l| l.is_finite())
            .map_or(0.0, lufs_to_energy);
        self.energies[self.at] = energy;
        self.at = (self.at + 1) % self.short_steps;
        self.steps += 1;
        // The newest `n` energies end just before `at` in the ring.
        let mean_of_last = |n: usize, energies: &[f64], at: usize| {
            let sum: f64 = if n <= at {
                energies[at - n..at].iter().sum()
            } else {
                energies[..at].iter().sum::<f64>()
                    + energies[energies.len() - (n - at)..].iter().sum::<f64>()
            };
            sum / n as f64
        };
        if self.steps >= self.momentary_steps as u64 {
            self.momentary = mean_of_last(self.momentary_steps, &self.energies, self.at);
            self.momentary_max = Some(
                self.momentary_max
                    .map_or(self.momentary, |m| m.max(self.momentary)),
            );
            if (self.steps - self.momentary_steps as u64) % self.hop_steps == 0 {
                if let Some(blocks) = &mut self.blocks {
                    blocks.push(self.momentary);
                }
            }
        }
        if self.steps >= self.short_steps as u64 {
            self.short_term = self.energies.iter().sum::<f64>() / self.short_steps as f64;
            self.short_term_max = Some(
                self.short_term_max
                    .map_or(self.short_term, |m| m.max(self.short_term)),
            );
        }
    }

    /// Momentary loudness (the last 400 ms) in LUFS; `None` for silence or
    /// before 400 ms have been measured.
    pub fn momentary(&self) -> Option<f64> {
        energy_to_lufs(self.momentary)
    }

    /// Short-term loudness (the last 3 s) in LUFS; `None` for silence or
    /// before 3 s have been measured.
    pub fn short_term(&self) -> Option<f64> {
        energy_to_lufs(self.short_term)
    }

    /// The loudest momentary value so far (whole 400 ms windows on the grid).
    pub fn momentary_max(&self) -> Option<f64> {
        self.momentary_max.and_then(energy_to_lufs)
    }

    /// The loudest short-term value so far (whole 3 s windows on the grid).
    pub fn short_term_max(&self) -> Option<f64> {
        self.short_term_max.and_then(energy_to_lufs)
    }

    /// Gated integrated loudness in LUFS; `None` when no block passes the
    /// gates. Walks the whole history: call it a few times a second at most.
    pub fn integrated(&self) -> Option<f64> {
        self.ebu.loudness_global().ok().filter(|l| l.is_finite())
    }

    /// Loudness range (EBU Tech 3342) in LU; 0 for less than 3 s.
    pub fn loudness_range(&self) -> f64 {
        self.ebu
            .loudness_range()
            .ok()
            .filter(|l| l.is_finite())
            .unwrap_or(0.0)
    }

    /// The energies of the BS.1770 gating blocks so far, when logged.
    pub fn blocks(&self) -> &[f64] {
        self.blocks.as_deref().unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(frames: usize, dbfs: f64) -> Vec<f32> {
        let a = 10f64.powf(dbfs / 20.0);
        (0..frames)
            .map(|i| (a * (2.0 * std::f64::consts::PI * 1000.0 * i as f64 / 48_000.0).sin()) as f32)
            .collect()
    }

    #[test]
    fn the_grid_does_not_depend_on_the_blocks() {
        let x = sine(5 * 48_000, -20.0);
        let y: Vec<f32> = x
            .iter()
            .enumerate()
            .map(|(i, s)| if i % 30_000 < 9000 { *s } else { s * 0.1 })
            .collect();
        let run = |block: usize| {
            let mut m = LoudnessMeter::new(2, 48_000).unwrap().log_blocks();
            for (a, b) in x.chunks(block).zip(y.chunks(block)) {
                m.add(&[a, b]);
            }
            (
                m.momentary_max(),
                m.short_term_max(),
                m.integrated(),
                m.blocks().to_vec(),
            )
        };
        let reference = run(48_000);
        for block in [1, 100, 239, 4096] {
            assert_eq!(run(block), reference, "block {block}");
        }
        // A reset meter measures as a new one.
        let mut m = LoudnessMeter::new(2, 48_000).unwrap().log_blocks();
        m.add(&[&y[..30_000], &x[..30_000]]);
        m.reset();
        m.add(&[&x, &y]);
        let again = (
            m.momentary_max(),
            m.short_term_max(),
            m.integrated(),
            m.blocks().to_vec(),
        );
        assert_eq!(again, reference);
        assert_eq!(reference.3.len(), 47, "blocks at 0.4 s, 0.5 s, ... 5.0 s");
    }

    #[test]
    fn surrounds_weigh_more_and_the_lfe_nothing() {
        let x = sine(48_000 * 4, -23.0);
        let silent = vec![0f32; x.len()];
        let level = |channel: usize| {
            let mut planes = vec![&silent[..]; 6];
            planes[channel] = &x;
            let mut m = LoudnessMeter::new(6, 48_000).unwrap();
            m.add(&planes);
            m.integrated()
        };
        let front = level(0).unwrap();
        assert!((level(2).unwrap() - front).abs() < 1e-9);
        assert!((level(4).unwrap() - front - 1.495).abs() < 0.01);
        assert_eq!(level(3), None, "the LFE is not measured");
    }
}
