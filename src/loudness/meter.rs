//! The BS.1770 loudness meter: momentary (400 ms), short-term (3 s) and
//! gated integrated loudness, and loudness range (EBU Tech 3342).
//!
//! What the `ebur128` crate does: the K-weighting filter and the channel
//! weights, and the K-weighted energy of each grid step
//! ([`EbuR128::loudness_window`]). It runs in [`Mode::M`] only, the
//! cheapest mode that still keeps the filtered audio `loudness_window`
//! reads (400 ms of it; our step is 5 or 10 ms).
//!
//! What we do, from those step energies: the grid, the gating and the
//! loudness range. After every step of 5 ms (10 ms when the sample rate is
//! not a multiple of 200 Hz) the meter takes the energy of that step;
//! momentary loudness is the mean of the last 80 steps (400 ms),
//! short-term the mean of the last 600 (3 s). Their maxima count only whole
//! windows, as EBU Tech 3341 asks. Every 100 ms (once 400 ms are in) the
//! momentary energy is the energy of one BS.1770 gating block, which
//! integrated loudness gates (-70 LUFS absolute, -10 LU relative) and
//! [`LoudnessMeter::log_blocks`] shows the dialog gate; every 100 ms once
//! 3 s are in, the short-term energy is one value of the loudness range
//! (-70 LUFS absolute, -20 LU relative, 95th minus 10th percentile).
//!
//! Why not the crate's own gating (`Mode::I`, `Mode::LRA`): for those it
//! sums 400 ms of filtered audio again every 100 ms and 3 s every second,
//! each a serial f64 sum over every sample of every channel, which cost
//! more than its K-weighting filter (about a third of a whole bounce's
//! CPU). The grid has every one of those energies already; keeping them
//! costs a comparison and a push every 100 ms. Results do not depend on how
//! the signal is cut into blocks.
//!
//! The crate (after libebur128) takes the loudness range's short-term
//! values once a second; EBU Tech 3342 asks, since 2016, for at least
//! 10 Hz (windows overlapping by 2.9 s or more), which is what we do. So
//! our range can differ from the crate's by some tenths of an LU (7.9
//! against 7.4 LU on the loudness benchmark's looped noise, whose 10 s loop
//! the crate samples at only 10 points); taken once a second, ours is the
//! crate's. Integrated loudness is the crate's up to rounding.

use ebur128::{Channel, EbuR128, Mode};

use super::{energy_to_lufs, lufs_to_energy, MeterError};

/// The largest channel count measured.
pub const MAX_CHANNELS: usize = 64;
/// The gating-block hop of BS.1770, in milliseconds.
pub const BLOCK_HOP_MS: u32 = 100;
/// The absolute gate of BS.1770 and EBU Tech 3342, in LUFS.
const ABSOLUTE_GATE_LUFS: f64 = -70.0;
/// The relative gate of integrated loudness (BS.1770-4), in LU.
const INTEGRATED_GATE_LU: f64 = -10.0;
/// The relative gate of loudness range (EBU Tech 3342), in LU.
const RANGE_GATE_LU: f64 = -20.0;
/// The percentiles whose difference is the loudness range.
const RANGE_LOW: f64 = 0.10;
const RANGE_HIGH: f64 = 0.95;

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

/// The sum of `x` in eight interleaved partial sums, which the compiler
/// can keep in vector registers: a serial f64 sum waits for each addition
/// before the next, and the short-term sum of 600 steps every 5 ms was
/// most of the meter's own time besides the crate's filter.
fn sum(x: &[f64]) -> f64 {
    let mut lanes = [0.0; 8];
    let chunks = x.chunks_exact(8);
    let rest = chunks.remainder();
    for chunk in chunks {
        for (lane, v) in lanes.iter_mut().zip(chunk) {
            *lane += v;
        }
    }
    let [a, b, c, d, e, f, g, h] = lanes;
    rest.iter()
        .fold(((a + e) + (b + f)) + ((c + g) + (d + h)), |s, v| s + v)
}

/// The energy ratio of `db` decibels.
fn db_to_energy(db: f64) -> f64 {
    10f64.powf(db / 10.0)
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
    /// The energy of every gating block so far (400 ms every 100 ms).
    ///
    /// Kept whole rather than as a histogram: integrated loudness is then
    /// exact (the same blocks and gates as the crate's `Mode::I`), the
    /// dialog gate reads the same vector, and it grows by 8 bytes every
    /// 100 ms, 2.9 MB for a 10-hour programme. One pass over it gates a
    /// 2-hour history (72,000 blocks) in well under a millisecond.
    blocks: Vec<f64>,
    /// Whether [`blocks`](Self::blocks) shows them.
    log_blocks: bool,
    /// Sum and count of the blocks above the absolute gate, for the
    /// relative gate.
    gated_sum: f64,
    gated_count: u64,
    /// The short-term energies at every 100 ms hop that pass the absolute
    /// gate (the values of the loudness range), and their sum. Kept whole
    /// for the same reasons as `blocks` (another 2.9 MB for 10 hours).
    short_terms: Vec<f64>,
    short_terms_sum: f64,
    /// The energy of the absolute gate.
    absolute_gate: f64,
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
        // Mode::M keeps 400 ms of filtered audio, enough for the
        // `loudness_window` of a step; the gating is ours.
        let mut ebu = EbuR128::new(channels as u32, sample_rate, Mode::M)
            .map_err(|_| MeterError::Channels(channels))?;
        ebu.set_channel_map(&channel_weights(channels))
            .map_err(|_| MeterError::Channels(channels))?;
        let step_ms = if sample_rate.is_multiple_of(200) {
            5
        } else {
            10
        };
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
            blocks: Vec::new(),
            log_blocks: false,
            gated_sum: 0.0,
            gated_count: 0,
            short_terms: Vec::new(),
            short_terms_sum: 0.0,
            absolute_gate: lufs_to_energy(ABSOLUTE_GATE_LUFS),
            frames: 0,
        })
    }

    /// Show the energy of every BS.1770 gating block (400 ms, every
    /// 100 ms) in [`blocks`](Self::blocks). (The meter keeps them anyway,
    /// for integrated loudness.)
    pub fn log_blocks(mut self) -> LoudnessMeter {
        self.log_blocks = true;
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
        self.blocks.clear();
        self.gated_sum = 0.0;
        self.gated_count = 0;
        self.short_terms.clear();
        self.short_terms_sum = 0.0;
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
            let sum = if n <= at {
                sum(&energies[at - n..at])
            } else {
                sum(&energies[..at]) + sum(&energies[energies.len() - (n - at)..])
            };
            sum / n as f64
        };
        if self.steps >= self.momentary_steps as u64 {
            self.momentary = mean_of_last(self.momentary_steps, &self.energies, self.at);
            self.momentary_max = Some(
                self.momentary_max
                    .map_or(self.momentary, |m| m.max(self.momentary)),
            );
            if (self.steps - self.momentary_steps as u64).is_multiple_of(self.hop_steps) {
                self.blocks.push(self.momentary);
                if self.momentary >= self.absolute_gate {
                    self.gated_sum += self.momentary;
                    self.gated_count += 1;
                }
            }
        }
        if self.steps >= self.short_steps as u64 {
            self.short_term = sum(&self.energies) / self.short_steps as f64;
            self.short_term_max = Some(
                self.short_term_max
                    .map_or(self.short_term, |m| m.max(self.short_term)),
            );
            if (self.steps - self.short_steps as u64).is_multiple_of(self.hop_steps)
                && self.short_term >= self.absolute_gate
            {
                self.short_terms.push(self.short_term);
                self.short_terms_sum += self.short_term;
            }
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

    /// Gated integrated loudness (BS.1770-4) in LUFS: the loudness of the
    /// mean energy of the gating blocks above -70 LUFS and above the
    /// loudness of those blocks -10 LU; `None` when no block passes.
    /// Walks the whole history (one pass over a vector): call it a few
    /// times a second at most.
    pub fn integrated(&self) -> Option<f64> {
        if self.gated_count == 0 {
            return None;
        }
        let relative = self.gated_sum / self.gated_count as f64 * db_to_energy(INTEGRATED_GATE_LU);
        let gate = relative.max(self.absolute_gate);
        let (sum, count) = self
            .blocks
            .iter()
            .filter(|&&e| e >= gate)
            .fold((0.0, 0u64), |(sum, count), &e| (sum + e, count + 1));
        if count == 0 {
            return None;
        }
        energy_to_lufs(sum / count as f64)
    }

    /// Loudness range (EBU Tech 3342) in LU; 0 for less than 3 s.
    ///
    /// The values are the short-term loudness every 100 ms (10 Hz) once
    /// 3 s are in, gated at -70 LUFS and then at -20 LU below the loudness
    /// of the mean energy of the values above -70 LUFS. The range is the
    /// 95th minus the 10th percentile of what remains, where the `p`
    /// percentile of `n` values sorted from quiet to loud is the value at
    /// index `round((n - 1) * p)` (halves up): no interpolation, the rule
    /// of libebur128 and of the `ebur128` crate. Selects rather than
    /// sorts: a linear pass or two over the history, a few times a second
    /// at most.
    pub fn loudness_range(&self) -> f64 {
        if self.short_terms.is_empty() {
            return 0.0;
        }
        let mean = self.short_terms_sum / self.short_terms.len() as f64;
        let gate = mean * db_to_energy(RANGE_GATE_LU);
        let mut values: Vec<f64> = self
            .short_terms
            .iter()
            .copied()
            .filter(|&e| e >= gate)
            .collect();
        let Some(last) = values.len().checked_sub(1) else {
            return 0.0;
        };
        let rank = |p: f64| (last as f64 * p + 0.5) as usize;
        let (low, high) = (rank(RANGE_LOW), rank(RANGE_HIGH));
        let (_, &mut low_energy, above) = values.select_nth_unstable_by(low, f64::total_cmp);
        // The high rank is at or after the low one: select in what is above.
        let high_energy = if high == low {
            low_energy
        } else {
            *above
                .select_nth_unstable_by(high - low - 1, f64::total_cmp)
                .1
        };
        match (energy_to_lufs(high_energy), energy_to_lufs(low_energy)) {
            (Some(h), Some(l)) => h - l,
            _ => 0.0,
        }
    }

    /// The energies of the BS.1770 gating blocks so far, when logged.
    pub fn blocks(&self) -> &[f64] {
        if self.log_blocks {
            &self.blocks
        } else {
            &[]
        }
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

    /// Stereo 1 kHz sines at `rate`: `(seconds, dBFS)` segments, the
    /// right channel 6 dB below the left.
    fn steps(rate: u32, segments: &[(f64, f64)]) -> [Vec<f32>; 2] {
        let mut left = Vec::new();
        for &(seconds, dbfs) in segments {
            let a = 10f64.powf(dbfs / 20.0);
            let start = left.len();
            let n = (seconds * rate as f64).round() as usize;
            left.extend((start..start + n).map(|i| {
                (a * (2.0 * std::f64::consts::PI * 1000.0 * i as f64 / rate as f64).sin()) as f32
            }));
        }
        let right = left.iter().map(|s| s * 0.5).collect();
        [left, right]
    }

    /// Our meter and the crate in `mode`, fed the same signal.
    fn both(rate: u32, x: &[Vec<f32>; 2], mode: Mode) -> (LoudnessMeter, EbuR128) {
        let mut ours = LoudnessMeter::new(2, rate).unwrap().log_blocks();
        let mut crate_ = EbuR128::new(2, rate, mode).unwrap();
        crate_.set_channel_map(&channel_weights(2)).unwrap();
        for (a, b) in x[0].chunks(4096).zip(x[1].chunks(4096)) {
            ours.add(&[a, b]);
            crate_.add_frames_planar_f32(&[a, b]).unwrap();
        }
        (ours, crate_)
    }

    #[test]
    fn integrated_is_the_crates() {
        // Loud and quiet parts, some below the relative gate, some below
        // the absolute one, cut at odd times.
        let segments = [
            (7.3, -18.0),
            (4.1, -45.0),
            (2.0, -80.0),
            (9.7, -24.0),
            (3.3, -33.0),
            (5.0, -12.0),
            (6.2, -60.0),
        ];
        for rate in [48_000, 44_100] {
            let x = steps(rate, &segments);
            let (ours, crate_) = both(rate, &x, Mode::I);
            let want = crate_.loudness_global().unwrap();
            let got = ours.integrated().unwrap();
            assert!((got - want).abs() < 0.01, "{rate} Hz: {got} against {want}");
        }
        // Silence passes no gate.
        let x = steps(48_000, &[(5.0, -90.0)]);
        assert_eq!(both(48_000, &x, Mode::I).0.integrated(), None);
    }

    #[test]
    fn loudness_range_is_near_the_crates() {
        let segments = [
            (12.0, -20.0),
            (8.0, -32.0),
            (15.0, -26.0),
            (10.0, -38.0),
            (9.0, -17.0),
            (6.0, -80.0),
            (11.0, -29.0),
        ];
        for rate in [48_000, 44_100] {
            let x = steps(rate, &segments);
            let (ours, crate_) = both(rate, &x, Mode::LRA);
            let want = crate_.loudness_range().unwrap();
            let got = ours.loudness_range();
            assert!(want > 10.0, "the level steps: {want} LU");
            assert!((got - want).abs() < 0.5, "{rate} Hz: {got} against {want}");
        }
        // Less than 3 s has no range.
        let x = steps(48_000, &[(2.9, -20.0)]);
        assert_eq!(both(48_000, &x, Mode::LRA).0.loudness_range(), 0.0);
    }

    #[test]
    fn the_relative_gate_leaves_out_quiet_blocks() {
        // 10 s loud, then 60 s 25 dB below: above the absolute gate, below
        // the relative one.
        let x = steps(48_000, &[(10.0, -20.0), (60.0, -45.0)]);
        let (m, _) = both(48_000, &x, Mode::M);
        let blocks = m.blocks();
        assert!(
            blocks.iter().all(|&e| e >= lufs_to_energy(-70.0)),
            "every block passes the absolute gate"
        );
        let ungated = energy_to_lufs(blocks.iter().sum::<f64>() / blocks.len() as f64).unwrap();
        let got = m.integrated().unwrap();
        assert!(
            ungated < got - 5.0,
            "ungated {ungated}, gated {got}: the relative gate did nothing"
        );
        // What passes is the loud part (and the blocks that overlap the
        // quiet part a little).
        let (loud, _) = both(48_000, &steps(48_000, &[(10.0, -20.0)]), Mode::M);
        let loud = loud.integrated().unwrap();
        assert!((got - loud).abs() < 0.1, "gated {got}, loud part {loud}");
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
