//! The BS.1770 loudness meter: K-weighting, gating and loudness range as
//! the `ebur128` crate (libebur128) computes them, with momentary (400 ms)
//! and short-term (3 s) loudness evaluated on a fine grid so their maxima
//! are the ones EBU Tech 3341 asks for.
//!
//! The grid: every step of 5 ms (10 ms when the sample rate is not a
//! multiple of 200 Hz) closes with the K-weighted, channel-weighted energy
//! of that step; momentary loudness is the mean of the last 80 steps
//! (400 ms), short-term the mean of the last 600 (3 s). Their maxima count
//! only whole windows. Every 100 ms the momentary energy is also the energy
//! of one BS.1770 gating block (kept for integrated loudness, and by
//! [`LoudnessMeter::log_blocks`] for the dialog gate), and every second the
//! short-term energy is one loudness-range block, as libebur128 takes them.
//! Results do not depend on how the signal is cut into blocks.
//!
//! Why not feed `ebur128` itself: it keeps the filtered signal and sums it
//! again for every gating block, every loudness-range block and every grid
//! step (eight passes over each sample), and its filter's recursion is one
//! long dependency chain. Here each sample is filtered once, two channels
//! side by side, and squared into its step; the steps make up the rest. A
//! bounce meters five outputs, so this is most of a bounce's metering time.

use ebur128::Channel;

use super::{energy_to_lufs, lufs_to_energy, MeterError};

/// The largest channel count measured.
pub const MAX_CHANNELS: usize = 64;
/// The gating-block hop of BS.1770, in milliseconds.
pub const BLOCK_HOP_MS: u32 = 100;
/// The loudness-range block hop (EBU Tech 3342, as libebur128 takes it).
const RANGE_HOP_MS: u32 = 1000;
/// Blocks quieter than -70 LUFS are gated out of integrated loudness and
/// loudness range.
const ABSOLUTE_GATE_LUFS: f64 = -70.0;

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

/// A channel position's weight in the energy sum, as libebur128 has it.
fn weight(position: Channel) -> f64 {
    use Channel::*;
    match position {
        Unused => 0.0,
        LeftSurround | RightSurround | Mp060 | Mm060 | Mp090 | Mm090 => 1.41,
        DualMono => 2.0,
        _ => 1.0,
    }
}

/// The K-weighting filter (the BS.1770 high shelf and high pass as one
/// fourth-order section), designed for `rate` as libebur128 designs it:
/// numerator and denominator.
#[allow(non_snake_case)]
fn k_filter(rate: f64) -> ([f64; 5], [f64; 5]) {
    let f0 = 1681.974450955533;
    let G = 3.999843853973347;
    let Q = 0.7071752369554196;
    let K = f64::tan(std::f64::consts::PI * f0 / rate);
    let Vh = f64::powf(10.0, G / 20.0);
    let Vb = f64::powf(Vh, 0.4996667741545416);
    let a0 = 1.0 + K / Q + K * K;
    let pb = [
        (Vh + Vb * K / Q + K * K) / a0,
        2.0 * (K * K - Vh) / a0,
        (Vh - Vb * K / Q + K * K) / a0,
    ];
    let pa = [1.0, 2.0 * (K * K - 1.0) / a0, (1.0 - K / Q + K * K) / a0];

    let f0 = 38.13547087602444;
    let Q = 0.5003270373238773;
    let K = f64::tan(std::f64::consts::PI * f0 / rate);
    let rb = [1.0, -2.0, 1.0];
    let ra = [
        1.0,
        2.0 * (K * K - 1.0) / (1.0 + K / Q + K * K),
        (1.0 - K / Q + K * K) / (1.0 + K / Q + K * K),
    ];
    let convolve = |p: [f64; 3], r: [f64; 3]| {
        [
            p[0] * r[0],
            p[0] * r[1] + p[1] * r[0],
            p[0] * r[2] + p[1] * r[1] + p[2] * r[0],
            p[1] * r[2] + p[2] * r[1],
            p[2] * r[2],
        ]
    };
    (convolve(pb, rb), convolve(pa, ra))
}

/// K-weight `N` channels side by side (their recursions overlap in time)
/// and add each one's squared output to its sum. `state[k][lane]` holds
/// the filter's `k+1`-th delayed value.
#[inline(always)]
// Sample `i` of every lane is taken in one step: an index, not an iterator.
#[allow(clippy::needless_range_loop)]
fn k_weigh<const N: usize>(
    b: &[f64; 5],
    a: &[f64; 5],
    state: &mut [[f64; N]; 4],
    x: [&[f32]; N],
    sums: &mut [f64; N],
) {
    let n = x.iter().map(|p| p.len()).min().unwrap_or(0);
    let [mut s1, mut s2, mut s3, mut s4] = *state;
    let mut acc = *sums;
    for i in 0..n {
        for l in 0..N {
            // The oldest terms first: only the last product waits on s1.
            let s0 = x[l][i] as f64 - a[4] * s4[l] - a[3] * s3[l] - a[2] * s2[l] - a[1] * s1[l];
            let y = b[0] * s0 + b[1] * s1[l] + b[2] * s2[l] + b[3] * s3[l] + b[4] * s4[l];
            acc[l] += y * y;
            s4[l] = s3[l];
            s3[l] = s2[l];
            s2[l] = s1[l];
            s1[l] = s0;
        }
    }
    // No denormals: a decaying filter would otherwise crawl through them.
    for s in [&mut s1, &mut s2, &mut s3, &mut s4] {
        for v in s.iter_mut() {
            if v.abs() < f64::MIN_POSITIVE {
                *v = 0.0;
            }
        }
    }
    *state = [s1, s2, s3, s4];
    *sums = acc;
}

/// Momentary, short-term, integrated loudness and loudness range of one
/// signal (stereo, 5.1, or any channel count).
pub struct LoudnessMeter {
    channels: usize,
    sample_rate: u32,
    step_ms: u32,
    /// Frames per grid step.
    step: usize,
    /// Frames into the current step.
    into_step: usize,
    b: [f64; 5],
    a: [f64; 5],
    /// The weighted channels, two by two (a lone last one pairs with itself
    /// and its second lane is not used).
    pairs: Vec<[usize; 2]>,
    /// Filter state per pair.
    state: Vec<[[f64; 2]; 4]>,
    weights: Vec<f64>,
    /// Sum of squared K-weighted samples in the current step, per channel.
    sums: Vec<f64>,
    /// Energies of the last `short_steps` steps, a ring.
    energies: Box<[f64]>,
    at: usize,
    /// Complete steps so far.
    steps: u64,
    momentary_steps: usize,
    short_steps: usize,
    hop_steps: u64,
    range_hop_steps: u64,
    momentary: f64,
    short_term: f64,
    momentary_max: Option<f64>,
    short_term_max: Option<f64>,
    /// Gating blocks above the absolute gate (integrated loudness).
    gating: Vec<f64>,
    /// Short-term blocks above the absolute gate (loudness range).
    range_blocks: Vec<f64>,
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
        let weights: Vec<f64> = channel_weights(channels).into_iter().map(weight).collect();
        let active: Vec<usize> = (0..channels).filter(|&c| weights[c] > 0.0).collect();
        let pairs: Vec<[usize; 2]> = active
            .chunks(2)
            .map(|p| [p[0], *p.last().unwrap_or(&p[0])])
            .collect();
        let (b, a) = k_filter(sample_rate as f64);
        let step_ms = if sample_rate % 200 == 0 { 5 } else { 10 };
        let short_steps = (3000 / step_ms) as usize;
        Ok(LoudnessMeter {
            channels,
            sample_rate,
            step_ms,
            step: (sample_rate * step_ms / 1000) as usize,
            into_step: 0,
            b,
            a,
            state: vec![[[0.0; 2]; 4]; pairs.len()],
            pairs,
            weights,
            sums: vec![0.0; channels],
            energies: vec![0.0; short_steps].into_boxed_slice(),
            at: 0,
            steps: 0,
            momentary_steps: (400 / step_ms) as usize,
            short_steps,
            hop_steps: (BLOCK_HOP_MS / step_ms) as u64,
            range_hop_steps: (RANGE_HOP_MS / step_ms) as u64,
            momentary: 0.0,
            short_term: 0.0,
            momentary_max: None,
            short_term_max: None,
            gating: Vec::new(),
            range_blocks: Vec::new(),
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
        self.into_step = 0;
        self.state.iter_mut().for_each(|s| *s = [[0.0; 2]; 4]);
        self.sums.fill(0.0);
        self.energies.fill(0.0);
        self.at = 0;
        self.steps = 0;
        self.momentary = 0.0;
        self.short_term = 0.0;
        self.momentary_max = None;
        self.short_term_max = None;
        self.gating.clear();
        self.range_blocks.clear();
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
        let mut done = 0;
        while done < frames {
            let n = (frames - done).min(self.step - self.into_step);
            for (pair, state) in self.pairs.iter().zip(self.state.iter_mut()) {
                let x = [
                    &planes[pair[0]][done..done + n],
                    &planes[pair[1]][done..done + n],
                ];
                let mut sums = [self.sums[pair[0]], self.sums[pair[1]]];
                k_weigh(&self.b, &self.a, state, x, &mut sums);
                // A lone channel's second lane repeats it: keep only the first.
                self.sums[pair[1]] = sums[1];
                self.sums[pair[0]] = sums[0];
            }
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
        let weighted: f64 = self
            .weights
            .iter()
            .zip(self.sums.iter_mut())
            .map(|(w, s)| w * std::mem::take(s))
            .sum();
        let energy = weighted / self.step as f64;
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
        let gate = lufs_to_energy(ABSOLUTE_GATE_LUFS);
        if self.steps >= self.momentary_steps as u64 {
            self.momentary = mean_of_last(self.momentary_steps, &self.energies, self.at);
            self.momentary_max = Some(
                self.momentary_max
                    .map_or(self.momentary, |m| m.max(self.momentary)),
            );
            if (self.steps - self.momentary_steps as u64) % self.hop_steps == 0 {
                if self.momentary >= gate {
                    self.gating.push(self.momentary);
                }
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
            if (self.steps - self.short_steps as u64) % self.range_hop_steps == 0
                && self.short_term >= gate
            {
                self.range_blocks.push(self.short_term);
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

    /// Gated integrated loudness in LUFS (absolute gate -70 LUFS, relative
    /// gate -10 LU); `None` when no block passes the gates. Walks the whole
    /// history: call it a few times a second at most.
    pub fn integrated(&self) -> Option<f64> {
        if self.gating.is_empty() {
            return None;
        }
        let mean = self.gating.iter().sum::<f64>() / self.gating.len() as f64;
        let relative = mean * 10f64.powf(-10.0 / 10.0);
        let (count, sum) = self
            .gating
            .iter()
            .filter(|&&e| e >= relative)
            .fold((0u64, 0f64), |(n, s), &e| (n + 1, s + e));
        (count > 0)
            .then(|| energy_to_lufs(sum / count as f64))
            .flatten()
            .filter(|l| l.is_finite())
    }

    /// Loudness range (EBU Tech 3342) in LU; 0 for less than 3 s.
    pub fn loudness_range(&self) -> f64 {
        if self.range_blocks.is_empty() {
            return 0.0;
        }
        let mut q = self.range_blocks.clone();
        q.sort_unstable_by(f64::total_cmp);
        let power = q.iter().sum::<f64>() / q.len() as f64;
        let relative = 10f64.powf(-20.0 / 10.0) * power;
        let below = q.iter().take_while(|&&v| v < relative).count();
        let Some(last) = (q.len() - below).checked_sub(1) else {
            return 0.0;
        };
        let last = last as f64;
        let high = q[below + (last * 0.95 + 0.5) as usize];
        let low = q[below + (last * 0.1 + 0.5) as usize];
        match (energy_to_lufs(high), energy_to_lufs(low)) {
            (Some(h), Some(l)) if (h - l).is_finite() => h - l,
            _ => 0.0,
        }
    }

    /// The energies of the BS.1770 gating blocks so far, when logged.
    pub fn blocks(&self) -> &[f64] {
        self.blocks.as_deref().unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ebur128::{EbuR128, Mode};

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

    /// A signal that moves: noise bursts at changing levels over a tone.
    fn programme(frames: usize, seed: u32) -> Vec<f32> {
        let mut x = seed | 1;
        (0..frames)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                let noise = (x as i32 as f32) / 2_147_483_648.0;
                let level = [0.3, 0.02, 0.6, 0.001, 0.1][(i / 37_000) % 5];
                let tone = (i as f32 * 0.05).sin() * 0.05;
                noise * level + tone
            })
            .collect()
    }

    #[test]
    fn it_reads_as_libebur128_does() {
        for channels in [1usize, 2, 6] {
            let planes: Vec<Vec<f32>> = (0..channels)
                .map(|c| programme(48_000 * 20, 7 + c as u32))
                .collect();
            let slices: Vec<&[f32]> = planes.iter().map(|p| &p[..]).collect();
            let mut ours = LoudnessMeter::new(channels, 48_000).unwrap();
            for part in 0..(48_000 * 20 / 4000) {
                let s: Vec<&[f32]> = slices
                    .iter()
                    .map(|p| &p[part * 4000..(part + 1) * 4000])
                    .collect();
                ours.add(&s);
            }
            let mut theirs =
                EbuR128::new(channels as u32, 48_000, Mode::I | Mode::LRA | Mode::S).unwrap();
            theirs.set_channel_map(&channel_weights(channels)).unwrap();
            theirs.add_frames_planar_f32(&slices).unwrap();
            let i = ours.integrated().unwrap();
            let want = theirs.loudness_global().unwrap();
            assert!((i - want).abs() < 1e-6, "{channels} ch: I {i} vs {want}");
            let lra = ours.loudness_range();
            let want = theirs.loudness_range().unwrap();
            assert!(
                lra > 1.0 && (lra - want).abs() < 1e-6,
                "{channels} ch: LRA {lra} vs {want}"
            );
            let m = ours.momentary().unwrap();
            let want = theirs.loudness_momentary().unwrap();
            assert!((m - want).abs() < 1e-6, "{channels} ch: M {m} vs {want}");
            let st = ours.short_term().unwrap();
            let want = theirs.loudness_shortterm().unwrap();
            assert!((st - want).abs() < 1e-6, "{channels} ch: S {st} vs {want}");
        }
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
