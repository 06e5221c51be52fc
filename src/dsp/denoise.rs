//! The broadband dialog denoiser: a short-time Fourier transform (frames
//! of [`FRAME`] samples every [`HOP`], a square-root Hann window on the
//! way in and out, which sums to a constant, so with every gain at 1 the
//! output is the input exactly [`FRAME`] samples later), a gain per bin
//! from a noise profile learned from room tone, and overlap-add.
//!
//! The gain is a Wiener gain on a "decision-directed" estimate of each
//! bin's signal-to-noise ratio (Ephraim and Malah): the estimate leans on
//! the last frame's cleaned power as much as `smoothing` says, so a bin
//! does not flicker between kept and cut from one frame to the next (the
//! "musical noise" of plain spectral subtraction). Each bin's power is
//! first averaged with its neighbours (wider at high frequencies), and no
//! gain goes below the floor that `amount` sets.
//!
//! Everything is allocated in [`Denoiser::new`]; processing allocates
//! nothing and gives the same output whatever the block lengths.

use std::sync::Arc;

use realfft::num_complex::Complex;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};

use crate::model::strip::{Denoise, NOISE_BANDS};

/// Samples in a frame (the latency).
pub const FRAME: usize = 2048;
/// Samples between two frames.
pub const HOP: usize = FRAME / 4;
/// Bins of a frame's spectrum.
pub const BINS: usize = FRAME / 2 + 1;
/// Frames a profile needs at least.
pub const MIN_FRAMES: usize = 4;

/// Centre frequency of profile band `b`: 32 bands, a third of an octave
/// apart, from 20 Hz to 20 kHz.
pub fn band_centre(b: usize) -> f32 {
    20.0 * 1000f32.powf(b as f32 / (NOISE_BANDS - 1) as f32)
}

/// The band whose centre is nearest (in octaves) to `freq`.
fn band_of(freq: f32) -> usize {
    if freq <= 20.0 {
        return 0;
    }
    let at = (freq / 20.0).log2() / 1000f32.log2() * (NOISE_BANDS - 1) as f32;
    (at.round() as usize).min(NOISE_BANDS - 1)
}

/// The analysis (and synthesis) window: the square root of a periodic Hann.
fn window() -> Vec<f32> {
    (0..FRAME)
        .map(|n| {
            let hann = 0.5 - 0.5 * (std::f64::consts::TAU * n as f64 / FRAME as f64).cos();
            hann.sqrt() as f32
        })
        .collect()
}

/// One channel's frames in flight.
#[derive(Clone)]
struct Channel {
    /// The last `FRAME` inputs, oldest at `at`.
    input: Vec<f32>,
    at: usize,
    /// Overlap-added output, the next `HOP` of it complete.
    sum: Vec<f32>,
    /// What goes out during the current hop.
    out: Vec<f32>,
    /// Samples taken since the last frame.
    taken: usize,
    /// Last frame's gain and power, per bin.
    gain: Vec<f32>,
    power: Vec<f32>,
}

impl Channel {
    fn new() -> Channel {
        Channel {
            input: super::buffer::zeroed(FRAME),
            at: 0,
            sum: super::buffer::zeroed(FRAME),
            out: super::buffer::zeroed(HOP),
            taken: 0,
            gain: vec![1.0; BINS],
            power: super::buffer::zeroed(BINS),
        }
    }
}

/// The denoiser of one strip, for up to `channels` channels.
pub struct Denoiser {
    channels: Vec<Channel>,
    forward: Arc<dyn RealToComplex<f32>>,
    inverse: Arc<dyn ComplexToReal<f32>>,
    window: Vec<f32>,
    frame: Vec<f32>,
    spectrum: Vec<Complex<f32>>,
    scratch_forward: Vec<Complex<f32>>,
    scratch_inverse: Vec<Complex<f32>>,
    /// Running sums of power across bins (frequency smoothing).
    sums: Vec<f32>,
    /// Noise power per bin, sensitivity included; `None`: no profile, so
    /// the denoiser only delays.
    noise: Option<Vec<f32>>,
    /// Lowest gain.
    floor: f32,
    /// Weight of the last frame in the SNR estimate.
    alpha: f32,
    rate: u32,
}

impl std::fmt::Debug for Denoiser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Denoiser")
            .field("channels", &self.channels.len())
            .field("learned", &self.noise.is_some())
            .field("floor", &self.floor)
            .finish()
    }
}

impl Clone for Denoiser {
    fn clone(&self) -> Denoiser {
        Denoiser {
            channels: self.channels.clone(),
            forward: Arc::clone(&self.forward),
            inverse: Arc::clone(&self.inverse),
            window: self.window.clone(),
            frame: self.frame.clone(),
            spectrum: self.spectrum.clone(),
            scratch_forward: self.scratch_forward.clone(),
            scratch_inverse: self.scratch_inverse.clone(),
            sums: self.sums.clone(),
            noise: self.noise.clone(),
            floor: self.floor,
            alpha: self.alpha,
            rate: self.rate,
        }
    }
}

impl Denoiser {
    pub fn new(settings: &Denoise, channels: usize, rate: u32) -> Denoiser {
        let mut planner = RealFftPlanner::<f32>::new();
        let forward = planner.plan_fft_forward(FRAME);
        let inverse = planner.plan_fft_inverse(FRAME);
        let mut d = Denoiser {
            channels: vec![Channel::new(); channels.max(1)],
            scratch_forward: forward.make_scratch_vec(),
            scratch_inverse: inverse.make_scratch_vec(),
            spectrum: forward.make_output_vec(),
            forward,
            inverse,
            window: window(),
            frame: super::buffer::zeroed(FRAME),
            sums: vec![0.0; BINS + 1],
            noise: settings.profile.map(|_| vec![0.0; BINS]),
            floor: 1.0,
            alpha: 0.9,
            rate: rate.max(1),
        };
        d.configure(settings);
        d
    }

    /// Samples the output is late by.
    pub fn latency(&self) -> usize {
        FRAME
    }

    /// Take new settings (the profile only if one was learned when the
    /// denoiser was made: a new profile makes a new denoiser). Allocates
    /// nothing.
    pub fn configure(&mut self, settings: &Denoise) {
        self.floor = crate::dsp::gain::db_to_gain(-settings.amount_db.clamp(0.0, 60.0));
        self.alpha = 0.5 + 0.49 * (settings.smoothing.clamp(0.0, 100.0) / 100.0);
        let (Some(noise), Some(profile)) = (self.noise.as_mut(), settings.profile.as_ref()) else {
            return;
        };
        let over = settings.sensitivity_db.clamp(-24.0, 24.0);
        fill_noise(noise, profile, over, self.rate);
    }

    /// Denoise samples `from..to` of each channel in place (late by
    /// [`FRAME`]).
    pub fn process(&mut self, channels: &mut [Vec<f32>], from: usize, to: usize) {
        for (c, plane) in channels.iter_mut().enumerate().take(self.channels.len()) {
            let mut i = from;
            while i < to {
                let ch = &mut self.channels[c];
                let n = (HOP - ch.taken).min(to - i);
                for s in &mut plane[i..i + n] {
                    let x = *s;
                    *s = ch.out[ch.taken];
                    ch.input[ch.at] = x;
                    ch.at = (ch.at + 1) % FRAME;
                    ch.taken += 1;
                }
                i += n;
                if ch.taken == HOP {
                    ch.taken = 0;
                    self.frame_of(c);
                }
            }
        }
    }

    /// The next hop's output of channel `c`.
    fn frame_of(&mut self, c: usize) {
        if self.noise.is_none() {
            // No profile: a plain delay of FRAME (the oldest inputs).
            let ch = &mut self.channels[c];
            for (k, o) in ch.out.iter_mut().enumerate() {
                *o = ch.input[(ch.at + k) % FRAME];
            }
            return;
        }
        if self.analyse(c) {
            self.gains(c);
            self.synthesise(c);
        }
    }

    /// The spectrum of channel `c`'s last frame, windowed; false if the
    /// transform failed (it cannot, with buffers of its own making).
    fn analyse(&mut self, c: usize) -> bool {
        let ch = &self.channels[c];
        for (n, f) in self.frame.iter_mut().enumerate() {
            *f = ch.input[(ch.at + n) % FRAME] * self.window[n];
        }
        self.forward
            .process_with_scratch(
                &mut self.frame,
                &mut self.spectrum,
                &mut self.scratch_forward,
            )
            .is_ok()
    }

    /// Channel `c`'s gain per bin for the spectrum analysed.
    fn gains(&mut self, c: usize) {
        let Some(noise) = self.noise.as_ref() else {
            return;
        };
        let ch = &mut self.channels[c];
        // Power, and its running sum for the smoothing across bins.
        self.sums[0] = 0.0;
        for (k, x) in self.spectrum.iter().enumerate() {
            self.sums[k + 1] = self.sums[k] + x.norm_sqr();
        }
        for (k, &noise) in noise.iter().enumerate() {
            let half = (k / 48).clamp(1, 8);
            let (a, b) = (k.saturating_sub(half), (k + half + 1).min(BINS));
            let smooth = (self.sums[b] - self.sums[a]) / (b - a) as f32;
            let n = noise.max(1e-30);
            let post = smooth / n;
            let prior = self.alpha * ch.gain[k] * ch.gain[k] * ch.power[k] / n
                + (1.0 - self.alpha) * (post - 1.0).max(0.0);
            let gain = (prior / (1.0 + prior)).max(self.floor);
            ch.gain[k] = if gain.is_finite() { gain } else { 1.0 };
            ch.power[k] = smooth;
        }
    }

    /// Apply channel `c`'s gains to the spectrum analysed, transform back
    /// and add the frame into the channel's output.
    fn synthesise(&mut self, c: usize) {
        let ch = &mut self.channels[c];
        for (x, g) in self.spectrum.iter_mut().zip(&ch.gain) {
            *x *= *g;
        }
        // The DC and Nyquist bins of a real signal have no imaginary part.
        self.spectrum[0].im = 0.0;
        self.spectrum[BINS - 1].im = 0.0;
        if self
            .inverse
            .process_with_scratch(
                &mut self.spectrum,
                &mut self.frame,
                &mut self.scratch_inverse,
            )
            .is_err()
        {
            return;
        }
        // Unnormalised transform pair (FRAME), windows summing to 2.
        let scale = 1.0 / (2.0 * FRAME as f32);
        for ((s, f), w) in ch.sum.iter_mut().zip(&self.frame).zip(&self.window) {
            *s += f * w * scale;
        }
        ch.out.copy_from_slice(&ch.sum[..HOP]);
        ch.sum.copy_within(HOP.., 0);
        ch.sum[FRAME - HOP..].fill(0.0);
    }

    /// Forget the signal: silence comes out next.
    pub fn clear(&mut self) {
        for ch in &mut self.channels {
            ch.input.fill(0.0);
            ch.sum.fill(0.0);
            ch.out.fill(0.0);
            ch.gain.fill(1.0);
            ch.power.fill(0.0);
            ch.at = 0;
            ch.taken = 0;
        }
    }
}

/// Noise power per bin from a profile (band powers in dB), `over` dB up:
/// linear in dB between band centres, in octaves.
fn fill_noise(noise: &mut [f32], profile: &[f32; NOISE_BANDS], over: f32, rate: u32) {
    let step = 1000f32.log2() / (NOISE_BANDS - 1) as f32;
    for (k, n) in noise.iter_mut().enumerate() {
        let freq = (k as f32 * rate as f32 / FRAME as f32).max(20.0);
        let at = ((freq / 20.0).log2() / step).clamp(0.0, (NOISE_BANDS - 1) as f32);
        let lo = at.floor() as usize;
        let hi = (lo + 1).min(NOISE_BANDS - 1);
        let t = at - lo as f32;
        let db = profile[lo] * (1.0 - t) + profile[hi] * t + over;
        *n = 10f32.powf(db.clamp(-300.0, 300.0) / 10.0);
    }
}

/// Learn a noise profile from `channels` (room tone; their mean power).
/// Errors when the stretch is shorter than [`MIN_FRAMES`] frames or
/// silent.
pub fn learn(channels: &[&[f32]], rate: u32) -> Result<[f32; NOISE_BANDS], String> {
    let len = channels.iter().map(|c| c.len()).min().unwrap_or(0);
    let frames = if len >= FRAME {
        (len - FRAME) / HOP + 1
    } else {
        0
    };
    if channels.is_empty() || frames < MIN_FRAMES {
        let need = (FRAME + (MIN_FRAMES - 1) * HOP) as f64 / rate.max(1) as f64;
        return Err(format!(
            "too short to learn noise from: select at least {:.0} ms of room tone",
            need * 1000.0
        ));
    }
    let mut planner = RealFftPlanner::<f32>::new();
    let forward = planner.plan_fft_forward(FRAME);
    let window = window();
    let mut frame = vec![0.0f32; FRAME];
    let mut spectrum = forward.make_output_vec();
    let mut power = vec![0.0f64; BINS];
    for plane in channels {
        for f in 0..frames {
            for (n, x) in frame.iter_mut().enumerate() {
                *x = plane[f * HOP + n] * window[n];
            }
            forward
                .process(&mut frame, &mut spectrum)
                .map_err(|e| format!("noise analysis: {e}"))?;
            for (p, x) in power.iter_mut().zip(&spectrum) {
                *p += x.norm_sqr() as f64;
            }
        }
    }
    let count = (frames * channels.len()) as f64;
    let mut sum = [0.0f64; NOISE_BANDS];
    let mut bins = [0usize; NOISE_BANDS];
    for (k, p) in power.iter().enumerate().skip(1) {
        let b = band_of(k as f32 * rate as f32 / FRAME as f32);
        sum[b] += p / count;
        bins[b] += 1;
    }
    if power.iter().skip(1).all(|&p| p <= 0.0) {
        return Err("the selection is silent: there is no noise to learn".into());
    }
    let mut profile = [f32::NAN; NOISE_BANDS];
    for b in 0..NOISE_BANDS {
        if bins[b] > 0 {
            profile[b] = (10.0 * (sum[b] / bins[b] as f64).max(1e-30).log10()) as f32;
        }
    }
    // Bands no bin fell in (the lowest ones, or above half the rate) take
    // their nearest neighbour's level.
    for b in 0..NOISE_BANDS {
        if profile[b].is_nan() {
            let near = (0..NOISE_BANDS)
                .filter(|&o| !profile[o].is_nan())
                .min_by_key(|&o| o.abs_diff(b))
                .unwrap_or(b);
            profile[b] = if profile[near].is_nan() {
                -300.0
            } else {
                profile[near]
            };
        }
    }
    Ok(profile)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(profile: Option<[f32; NOISE_BANDS]>, amount_db: f32) -> Denoise {
        Denoise {
            on: true,
            amount_db,
            profile,
            ..Denoise::default()
        }
    }

    fn noise(n: usize, seed: u32) -> Vec<f32> {
        let mut x = seed.max(1);
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x as f32 / u32::MAX as f32 - 0.5) * 0.2
            })
            .collect()
    }

    /// With every gain at one, the output is the input, FRAME late.
    #[test]
    fn unity_gains_reconstruct_the_input_late_by_a_frame() {
        let rate = 48_000;
        let input = noise(20_000, 7);
        // A profile far below the signal: every gain is 1 (floor 1 too).
        let mut d = Denoiser::new(&settings(Some([-200.0; NOISE_BANDS]), 0.0), 1, rate);
        let mut out = vec![input.clone()];
        d.process(&mut out, 0, input.len());
        let mut worst = 0.0f32;
        for (o, i) in out[0][FRAME..].iter().zip(&input) {
            worst = worst.max((o - i).abs());
        }
        assert!(worst < 1e-5, "off by {worst}");
        assert!(out[0][..FRAME].iter().all(|&s| s.abs() < 1e-6));
    }

    /// Without a profile it is an exact delay.
    #[test]
    fn without_a_profile_it_is_a_delay() {
        let input = noise(10_000, 3);
        let mut d = Denoiser::new(&settings(None, 12.0), 2, 48_000);
        let mut out = vec![input.clone(), input.clone()];
        d.process(&mut out, 0, 5000);
        d.process(&mut out, 5000, 10_000);
        assert_eq!(&out[1][FRAME..], &input[..10_000 - FRAME]);
    }

    /// Blocks of any length give the same output.
    #[test]
    fn the_output_does_not_depend_on_the_blocks() {
        let rate = 48_000;
        let room = noise(48_000, 11);
        let profile = learn(&[&room], rate).unwrap();
        let input = noise(30_000, 5);
        let whole = {
            let mut d = Denoiser::new(&settings(Some(profile), 18.0), 1, rate);
            let mut out = vec![input.clone()];
            d.process(&mut out, 0, input.len());
            out
        };
        for block in [1, 7, 511, 512, 513, 4096] {
            let mut d = Denoiser::new(&settings(Some(profile), 18.0), 1, rate);
            let mut out = vec![input.clone()];
            let mut at = 0;
            while at < input.len() {
                let end = (at + block).min(input.len());
                d.process(&mut out, at, end);
                at = end;
            }
            assert_eq!(out, whole, "blocks of {block}");
        }
    }

    /// The noise it learned is taken down by the amount.
    #[test]
    fn learned_noise_is_taken_down_by_the_amount() {
        let rate = 48_000;
        let room = noise(48_000, 21);
        let profile = learn(&[&room], rate).unwrap();
        // White noise of 0.2 peak to peak: about -25 dB per bin... any
        // level; every band within a few dB of the others.
        let spread = profile
            .iter()
            .skip(4)
            .fold((f32::MAX, f32::MIN), |(a, b), &p| (a.min(p), b.max(p)));
        assert!(spread.1 - spread.0 < 3.0, "{profile:?}");
        let more = noise(96_000, 99);
        let mut d = Denoiser::new(&settings(Some(profile), 20.0), 1, rate);
        let mut out = vec![more.clone()];
        d.process(&mut out, 0, more.len());
        let energy = |x: &[f32]| x.iter().map(|s| (s * s) as f64).sum::<f64>();
        let down = 10.0
            * (energy(&out[0][FRAME * 4..]) / energy(&more[FRAME * 3..more.len() - FRAME])).log10();
        assert!(down < -15.0 && down > -21.0, "{down} dB");
    }

    #[test]
    fn too_little_or_silent_room_tone_is_an_error() {
        let short = noise(FRAME + HOP, 1);
        assert!(learn(&[&short], 48_000).unwrap_err().contains("at least"));
        let silent = vec![0.0; 48_000];
        assert!(learn(&[&silent], 48_000).unwrap_err().contains("silent"));
        assert!(learn(&[], 48_000).is_err());
    }

    /// Pink noise (Paul Kellet's filter over white), about `rms` RMS.
    fn pink(n: usize, seed: u32, rms: f32) -> Vec<f32> {
        let white = noise(n, seed);
        let mut b = [0.0f32; 7];
        let mut out: Vec<f32> = white
            .iter()
            .map(|&w| {
                b[0] = 0.99886 * b[0] + w * 0.0555179;
                b[1] = 0.99332 * b[1] + w * 0.0750759;
                b[2] = 0.96900 * b[2] + w * 0.153_852;
                b[3] = 0.86650 * b[3] + w * 0.3104856;
                b[4] = 0.55000 * b[4] + w * 0.5329522;
                b[5] = -0.7616 * b[5] - w * 0.0168980;
                let y = b[..6].iter().sum::<f32>() + b[6] + w * 0.5362;
                b[6] = w * 0.115926;
                y
            })
            .collect();
        let now = (out.iter().map(|s| (s * s) as f64).sum::<f64>() / n as f64).sqrt() as f32;
        out.iter_mut().for_each(|s| *s *= rms / now);
        out
    }

    /// A speech-like signal: a 210 Hz voice with vibrato, harmonics up to
    /// 4 kHz shaped by three formants, in syllables four times a second
    /// with pauses between.
    fn speech(n: usize, rate: f32) -> Vec<f32> {
        let formant = |f: f32| {
            [(700.0, 1.0), (1200.0, 0.6), (2600.0, 0.3)]
                .iter()
                .map(|(c, a)| a / (1.0 + ((f - c) / 250.0).powi(2)))
                .sum::<f32>()
        };
        let mut phase = 0.0f64;
        (0..n)
            .map(|i| {
                let t = i as f32 / rate;
                let f0 = 210.0 * (1.0 + 0.03 * (std::f32::consts::TAU * 5.0 * t).sin());
                phase += f0 as f64 / rate as f64;
                let syllable = (t * 4.0).fract();
                let env = if syllable < 0.55 {
                    (std::f32::consts::PI * syllable / 0.55).sin()
                } else {
                    0.0
                };
                let mut v = 0.0;
                for k in 1..=19 {
                    let f = f0 * k as f32;
                    if f < 4000.0 {
                        v += formant(f) * (std::f64::consts::TAU * phase * k as f64).sin() as f32;
                    }
                }
                0.05 * env * v
            })
            .collect()
    }

    /// Denoise `x` and put the clean speech `s` and the noise `n` through
    /// the very gains `x` gets (a shadow filter: the gains are what the
    /// denoiser decided, so what happened to each part can be measured).
    fn shadowed(d: &mut Denoiser, x: &[f32], s: &[f32], n: &[f32]) -> [Vec<f32>; 3] {
        let mut outs = [vec![0.0; x.len()], vec![0.0; x.len()], vec![0.0; x.len()]];
        for i in 0..x.len() {
            for (c, input) in [x, s, n].iter().enumerate() {
                let ch = &mut d.channels[c];
                outs[c][i] = ch.out[ch.taken];
                ch.input[ch.at] = input[i];
                ch.at = (ch.at + 1) % FRAME;
                ch.taken += 1;
            }
            if d.channels[0].taken == HOP {
                for c in 0..3 {
                    d.channels[c].taken = 0;
                    d.analyse(c);
                    if c == 0 {
                        d.gains(0);
                    } else {
                        let (first, rest) = d.channels.split_at_mut(1);
                        rest[c - 1].gain.copy_from_slice(&first[0].gain);
                    }
                    d.synthesise(c);
                }
            }
        }
        outs
    }

    /// The bar: speech in pink noise, the profile learned from a
    /// noise-only stretch: the signal-to-noise ratio up by 10 dB or more,
    /// the speech's level within 1 dB.
    #[test]
    fn speech_in_pink_noise_gains_ten_db_of_snr_and_keeps_its_level() {
        let rate = 48_000;
        let len = 8 * rate as usize;
        let s = speech(len, rate as f32);
        let n = pink(len, 5, 0.01);
        let room = pink(2 * rate as usize, 77, 0.01);
        let profile = learn(&[&room], rate).unwrap();
        let x: Vec<f32> = s.iter().zip(&n).map(|(a, b)| a + b).collect();
        // The default sensitivity and smoothing, 30 dB at most.
        let mut d = Denoiser::new(&settings(Some(profile), 30.0), 3, rate);
        let [_, s_out, n_out] = shadowed(&mut d, &x, &s, &n);
        let energy = |v: &[f32]| v.iter().map(|q| (q * q) as f64).sum::<f64>();
        let skip = rate as usize / 2;
        let (s_in, n_in) = (energy(&s[skip..len - FRAME]), energy(&n[skip..len - FRAME]));
        let (s_o, n_o) = (
            energy(&s_out[skip + FRAME..]),
            energy(&n_out[skip + FRAME..]),
        );
        let snr_in = 10.0 * (s_in / n_in).log10();
        let snr_out = 10.0 * (s_o / n_o).log10();
        let level = 10.0 * (s_o / s_in).log10();
        assert!(
            snr_out - snr_in >= 10.0,
            "SNR {snr_in:.1} -> {snr_out:.1} dB"
        );
        assert!(level.abs() <= 1.0, "speech level {level:.2} dB");
    }

    /// Every corner of the settings, with profiles from silence to far
    /// above the signal, on loud and on silent input: finite output.
    #[test]
    fn every_setting_is_stable() {
        let rate = 48_000;
        let loud: Vec<f32> = noise(12_000, 8).iter().map(|s| s * 40.0).collect();
        for profile in [
            [-300.0; NOISE_BANDS],
            [300.0; NOISE_BANDS],
            [-20.0; NOISE_BANDS],
        ] {
            for amount_db in [0.0, 12.0, 40.0] {
                for sensitivity_db in [-12.0, 0.0, 24.0] {
                    for smoothing in [0.0, 100.0] {
                        let st = Denoise {
                            on: true,
                            amount_db,
                            sensitivity_db,
                            smoothing,
                            profile: Some(profile),
                        };
                        let mut d = Denoiser::new(&st, 1, rate);
                        for input in [&loud, &vec![0.0; 12_000]] {
                            let mut out = vec![input.clone()];
                            d.process(&mut out, 0, input.len());
                            assert!(out[0].iter().all(|s| s.is_finite()), "{st:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn bands_cover_the_audio_range() {
        assert_eq!(band_centre(0), 20.0);
        assert!((band_centre(NOISE_BANDS - 1) - 20_000.0).abs() < 1.0);
        assert_eq!(band_of(10.0), 0);
        assert_eq!(band_of(1e6), NOISE_BANDS - 1);
        assert_eq!(band_of(band_centre(10)), 10);
    }
}
