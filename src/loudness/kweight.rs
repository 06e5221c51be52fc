//! K-weighting (BS.1770's shelving pre-filter and RLB high-pass, as one
//! fourth-order section) and the channel-weighted K-weighted energy of each
//! grid step: what the `ebur128` crate computes for
//! [`EbuR128::loudness_window`](ebur128::EbuR128::loudness_window) in
//! `Mode::M`: the crate's coefficients, its arithmetic in the same order
//! (direct form II in 64 bits, no fused multiply-adds), each channel's
//! squares summed in time order and the channels in channel order with the
//! crate's weights. The crate filters with flush-to-zero on; here a memory
//! below the normal range is set to zero after each run instead (as the
//! crate does where it cannot set flush-to-zero). The two differ only in
//! values of some 1e-300, whose squares are zero either way, so every
//! step's energy is the crate's, bit for bit (the tests compare them).
//!
//! Where it differs is speed. The crate filters one channel after the other,
//! each sample waiting on the last; here every channel is a lane of an
//! AVX-512 register and one step filters a sample of each, and
//! [`KWeighting::filter_together`] puts the channels of several meters (a
//! bounce's stems, M&E and printmaster) in the same registers. And it keeps
//! no 400 ms of filtered audio to sum again: the squares of a step are
//! summed as they are made (which is the crate's sum, in the same order,
//! where a step never straddles the end of its 400 ms buffer; [`aligned`]
//! says at which rates that holds, and the meter uses the crate elsewhere).

use ebur128::Channel;

use super::lufs_to_energy;

/// Lanes filtered in one pass: two registers of eight.
const LANES: usize = 16;

/// The crate's K-weighting coefficients (`b`, `a`) at `rate`.
#[allow(non_snake_case)]
fn coefficients(rate: f64) -> ([f64; 5], [f64; 5]) {
    let f0 = 1681.974450955533;
    let G = 3.999843853973347;
    let Q = 0.7071752369554196;
    let K = f64::tan(std::f64::consts::PI * f0 / rate);
    let Vh = f64::powf(10.0, G / 20.0);
    let Vb = f64::powf(Vh, 0.4996667741545416);
    let mut pb = [0.0, 0.0, 0.0];
    let mut pa = [1.0, 0.0, 0.0];
    let rb = [1.0, -2.0, 1.0];
    let mut ra = [1.0, 0.0, 0.0];
    let a0 = 1.0 + K / Q + K * K;
    pb[0] = (Vh + Vb * K / Q + K * K) / a0;
    pb[1] = 2.0 * (K * K - Vh) / a0;
    pb[2] = (Vh - Vb * K / Q + K * K) / a0;
    pa[1] = 2.0 * (K * K - 1.0) / a0;
    pa[2] = (1.0 - K / Q + K * K) / a0;
    let f0 = 38.13547087602444;
    let Q = 0.5003270373238773;
    let K = f64::tan(std::f64::consts::PI * f0 / rate);
    ra[1] = 2.0 * (K * K - 1.0) / (1.0 + K / Q + K * K);
    ra[2] = (1.0 - K / Q + K * K) / (1.0 + K / Q + K * K);
    (
        [
            pb[0] * rb[0],
            pb[0] * rb[1] + pb[1] * rb[0],
            pb[0] * rb[2] + pb[1] * rb[1] + pb[2] * rb[0],
            pb[1] * rb[2] + pb[2] * rb[1],
            pb[2] * rb[2],
        ],
        [
            pa[0] * ra[0],
            pa[0] * ra[1] + pa[1] * ra[0],
            pa[0] * ra[2] + pa[1] * ra[1] + pa[2] * ra[0],
            pa[1] * ra[2] + pa[2] * ra[1],
            pa[2] * ra[2],
        ],
    )
}

/// Whether steps of `step` frames at `rate` tile the crate's 400 ms buffer
/// (400 ms rounded up to whole 100 ms blocks of `(rate + 5) / 10` frames),
/// so that no step's sum wraps around it.
pub fn aligned(rate: u32, step: usize) -> bool {
    let block = (rate as usize + 5) / 10;
    let mut buffer = rate as usize * 400 / 1000;
    if !buffer.is_multiple_of(block) {
        buffer += block - buffer % block;
    }
    step > 0 && buffer.is_multiple_of(step)
}

/// The crate's weight of a channel in the sum (`None`: not counted).
fn weight(channel: Channel) -> Option<f64> {
    match channel {
        Channel::Unused => None,
        Channel::LeftSurround
        | Channel::RightSurround
        | Channel::Mp060
        | Channel::Mm060
        | Channel::Mp090
        | Channel::Mm090 => Some(1.41),
        Channel::DualMono => Some(2.0),
        _ => Some(1.0),
    }
}

/// A signal's K-weighting and its channels' next frames, in a group
/// filtered together (an empty slot is skipped).
pub type Member<'a> = Option<(&'a mut KWeighting, &'a [&'a [f32]])>;

/// One channel's filter memory and the sum of its squares this step.
#[derive(Debug, Clone, Copy, Default)]
struct Lane {
    /// The filter's memories `s1..s4` (the crate's `filter_state[1..5]`).
    s: [f64; 4],
    squares: f64,
}

/// The K-weighting of one signal's channels and their energy so far this step.
#[derive(Debug, Clone)]
pub struct KWeighting {
    b: [f64; 5],
    a: [f64; 5],
    weights: Vec<Option<f64>>,
    lanes: Vec<Lane>,
}

impl KWeighting {
    pub fn new(channels: &[Channel], rate: u32) -> KWeighting {
        let (b, a) = coefficients(rate as f64);
        KWeighting {
            b,
            a,
            weights: channels.iter().map(|&c| weight(c)).collect(),
            lanes: vec![Lane::default(); channels.len()],
        }
    }

    pub fn reset(&mut self) {
        self.lanes.fill(Lane::default());
    }

    /// Filter the next frames, one slice per channel (all as long), adding
    /// their squares to the step's.
    pub fn filter(&mut self, planes: &[&[f32]]) {
        Self::filter_together(&mut [Some((self, planes))]);
    }

    /// Filter several signals' next frames at once (each as
    /// [`filter`](Self::filter) would; every slice as long; empty slots
    /// skipped). Signals at
    /// another rate than the first's are filtered alone.
    pub fn filter_together(members: &mut [Member<'_>]) {
        let Some((first, _)) = members.iter().flatten().next() else {
            return;
        };
        let (b, a) = (first.b, first.a);
        let frames = members
            .iter()
            .flatten()
            .flat_map(|(_, planes)| planes.iter().map(|p| p.len()))
            .min()
            .unwrap_or(0);
        let mut batch: [Option<(&mut Lane, &[f32])>; LANES] = Default::default();
        let mut count = 0;
        for (weighting, planes) in members.iter_mut().flatten() {
            if weighting.b != b || weighting.a != a {
                weighting.filter(planes);
                continue;
            }
            for (lane, plane) in weighting.lanes.iter_mut().zip(planes.iter()) {
                batch[count] = Some((lane, &plane[..frames]));
                count += 1;
                if count == LANES {
                    kernel(&b, &a, &mut batch, frames);
                    batch = Default::default();
                    count = 0;
                }
            }
        }
        kernel(&b, &a, &mut batch[..count], frames);
    }

    /// The step's mean channel-weighted energy over `frames` frames, as
    /// the meter reads it from the crate (through its loudness in LUFS),
    /// and a new step begun.
    pub fn take_energy(&mut self, frames: usize) -> f64 {
        let mut sum = 0.0;
        for (lane, weight) in self.lanes.iter_mut().zip(&self.weights) {
            if let Some(w) = weight {
                let mut channel_sum = lane.squares;
                if *w != 1.0 {
                    channel_sum *= *w;
                }
                sum += channel_sum;
            }
            lane.squares = 0.0;
        }
        sum /= frames as f64;
        if sum <= 0.0 {
            return 0.0;
        }
        let lufs = 10.0 * f64::log10(sum) - 0.691;
        if lufs.is_finite() {
            lufs_to_energy(lufs)
        } else {
            0.0
        }
    }
}

/// Filter `frames` samples of every lane: in the registers where the CPU
/// has AVX-512, else one lane after the other; the same arithmetic.
fn kernel(b: &[f64; 5], a: &[f64; 5], lanes: &mut [Option<(&mut Lane, &[f32])>], frames: usize) {
    #[cfg(target_arch = "x86_64")]
    let vectors = lanes.len() > 1 && avx512_here();
    #[cfg(not(target_arch = "x86_64"))]
    let vectors = false;
    if vectors {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the CPU has AVX-512F and AVX2.
        unsafe {
            avx512::run(b, a, lanes, frames)
        };
    } else {
        for (lane, input) in lanes.iter_mut().flatten() {
            scalar(b, a, lane, &input[..frames]);
        }
    }
    for (lane, _) in lanes.iter_mut().flatten() {
        // A memory decayed below the normal range is silence: held, it
        // would make every operation on it slow.
        for v in &mut lane.s {
            if v.abs() < f64::MIN_POSITIVE {
                *v = 0.0;
            }
        }
    }
}

/// One lane sample by sample: the crate's loop.
fn scalar(b: &[f64; 5], a: &[f64; 5], lane: &mut Lane, input: &[f32]) {
    let [mut s1, mut s2, mut s3, mut s4] = lane.s;
    let mut squares = lane.squares;
    for &x in input {
        let s0 = x as f64 - a[1] * s1 - a[2] * s2 - a[3] * s3 - a[4] * s4;
        let y = b[0] * s0 + b[1] * s1 + b[2] * s2 + b[3] * s3 + b[4] * s4;
        (s4, s3, s2, s1) = (s3, s2, s1, s0);
        squares += y * y;
    }
    lane.s = [s1, s2, s3, s4];
    lane.squares = squares;
}

#[cfg(target_arch = "x86_64")]
fn avx512_here() -> bool {
    use std::sync::atomic::{AtomicU8, Ordering};
    static HERE: AtomicU8 = AtomicU8::new(0);
    match HERE.load(Ordering::Relaxed) {
        1 => true,
        2 => false,
        _ => {
            let here = std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx2");
            HERE.store(if here { 1 } else { 2 }, Ordering::Relaxed);
            here
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::*;

    use super::{scalar, Lane, LANES};

    const WIDE: usize = 8;
    const REGS: usize = LANES / WIDE;

    /// Transpose eight rows of eight samples.
    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn transpose(r: [__m256; 8]) -> [__m256; 8] {
        let t0 = _mm256_unpacklo_ps(r[0], r[1]);
        let t1 = _mm256_unpackhi_ps(r[0], r[1]);
        let t2 = _mm256_unpacklo_ps(r[2], r[3]);
        let t3 = _mm256_unpackhi_ps(r[2], r[3]);
        let t4 = _mm256_unpacklo_ps(r[4], r[5]);
        let t5 = _mm256_unpackhi_ps(r[4], r[5]);
        let t6 = _mm256_unpacklo_ps(r[6], r[7]);
        let t7 = _mm256_unpackhi_ps(r[6], r[7]);
        let u0 = _mm256_shuffle_ps::<0x44>(t0, t2);
        let u1 = _mm256_shuffle_ps::<0xEE>(t0, t2);
        let u2 = _mm256_shuffle_ps::<0x44>(t1, t3);
        let u3 = _mm256_shuffle_ps::<0xEE>(t1, t3);
        let u4 = _mm256_shuffle_ps::<0x44>(t4, t6);
        let u5 = _mm256_shuffle_ps::<0xEE>(t4, t6);
        let u6 = _mm256_shuffle_ps::<0x44>(t5, t7);
        let u7 = _mm256_shuffle_ps::<0xEE>(t5, t7);
        [
            _mm256_permute2f128_ps::<0x20>(u0, u4),
            _mm256_permute2f128_ps::<0x20>(u1, u5),
            _mm256_permute2f128_ps::<0x20>(u2, u6),
            _mm256_permute2f128_ps::<0x20>(u3, u7),
            _mm256_permute2f128_ps::<0x31>(u0, u4),
            _mm256_permute2f128_ps::<0x31>(u1, u5),
            _mm256_permute2f128_ps::<0x31>(u2, u6),
            _mm256_permute2f128_ps::<0x31>(u3, u7),
        ]
    }

    /// # Safety
    /// The CPU must have AVX-512F and AVX2; every input at least `frames` long.
    #[target_feature(enable = "avx512f,avx2")]
    pub unsafe fn run(
        b: &[f64; 5],
        a: &[f64; 5],
        lanes: &mut [Option<(&mut Lane, &[f32])>],
        frames: usize,
    ) {
        let mut s = [[0f64; LANES]; 4];
        let mut q = [0f64; LANES];
        let mut rows: [*const f32; LANES] = [std::ptr::null(); LANES];
        for (k, slot) in lanes.iter().enumerate().take(LANES) {
            let Some((lane, input)) = slot else { continue };
            for (m, v) in s.iter_mut().zip(lane.s) {
                m[k] = v;
            }
            q[k] = lane.squares;
            rows[k] = input.as_ptr();
        }
        let splat = _mm512_set1_pd;
        let (b0, b1, b2, b3, b4) = (
            splat(b[0]),
            splat(b[1]),
            splat(b[2]),
            splat(b[3]),
            splat(b[4]),
        );
        let (a1, a2, a3, a4) = (splat(a[1]), splat(a[2]), splat(a[3]), splat(a[4]));
        let load = |v: &[f64; LANES], r: usize| _mm512_loadu_pd(v[r * WIDE..].as_ptr());
        let mut s1 = [_mm512_setzero_pd(); REGS];
        let mut s2 = s1;
        let mut s3 = s1;
        let mut s4 = s1;
        let mut sq = s1;
        for r in 0..REGS {
            (s1[r], s2[r], s3[r], s4[r]) = (
                load(&s[0], r),
                load(&s[1], r),
                load(&s[2], r),
                load(&s[3], r),
            );
            sq[r] = load(&q, r);
        }
        let whole = frames - frames % WIDE;
        let mut at = 0;
        while at < whole {
            let mut x = [[_mm256_setzero_ps(); WIDE]; REGS];
            for (r, x) in x.iter_mut().enumerate() {
                let mut block = [_mm256_setzero_ps(); WIDE];
                for (blk, row) in block.iter_mut().zip(&rows[r * WIDE..(r + 1) * WIDE]) {
                    if !row.is_null() {
                        *blk = _mm256_loadu_ps(row.add(at));
                    }
                }
                *x = transpose(block);
            }
            #[allow(clippy::needless_range_loop)]
            for t in 0..WIDE {
                for r in 0..REGS {
                    let xs = _mm512_cvtps_pd(x[r][t]);
                    let s0 = _mm512_sub_pd(
                        _mm512_sub_pd(
                            _mm512_sub_pd(
                                _mm512_sub_pd(xs, _mm512_mul_pd(a1, s1[r])),
                                _mm512_mul_pd(a2, s2[r]),
                            ),
                            _mm512_mul_pd(a3, s3[r]),
                        ),
                        _mm512_mul_pd(a4, s4[r]),
                    );
                    let y = _mm512_add_pd(
                        _mm512_add_pd(
                            _mm512_add_pd(
                                _mm512_add_pd(_mm512_mul_pd(b0, s0), _mm512_mul_pd(b1, s1[r])),
                                _mm512_mul_pd(b2, s2[r]),
                            ),
                            _mm512_mul_pd(b3, s3[r]),
                        ),
                        _mm512_mul_pd(b4, s4[r]),
                    );
                    s4[r] = s3[r];
                    s3[r] = s2[r];
                    s2[r] = s1[r];
                    s1[r] = s0;
                    sq[r] = _mm512_add_pd(sq[r], _mm512_mul_pd(y, y));
                }
            }
            at += WIDE;
        }
        for r in 0..REGS {
            let store =
                |v: &mut [f64; LANES], x: __m512d| _mm512_storeu_pd(v[r * WIDE..].as_mut_ptr(), x);
            store(&mut s[0], s1[r]);
            store(&mut s[1], s2[r]);
            store(&mut s[2], s3[r]);
            store(&mut s[3], s4[r]);
            store(&mut q, sq[r]);
        }
        for (k, slot) in lanes.iter_mut().enumerate().take(LANES) {
            let Some((lane, input)) = slot else { continue };
            lane.s = [s[0][k], s[1][k], s[2][k], s[3][k]];
            lane.squares = q[k];
            scalar(b, a, lane, &input[whole..frames]);
        }
    }
}

#[cfg(test)]
mod tests {
    //! Ours against the crate, through the meter that uses either.

    use crate::dsp::noise::Noise;
    use crate::loudness::LoudnessMeter;

    /// Everything a meter shows, the step energies bit for bit.
    fn readings(m: &LoudnessMeter) -> (Vec<u64>, [Option<f64>; 5], f64, Vec<u64>) {
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        (
            bits(m.blocks()),
            [
                m.momentary(),
                m.short_term(),
                m.momentary_max(),
                m.short_term_max(),
                m.integrated(),
            ],
            m.loudness_range(),
            bits(m.step_energies().0),
        )
    }

    /// Noise in bursts with long silences between (the filters decay into
    /// silence and start again), a loud stretch, a quiet one.
    fn programme(channels: usize, frames: usize, seed: u32) -> Vec<Vec<f32>> {
        (0..channels)
            .map(|c| {
                let mut noise = Noise::new(seed + c as u32 * 7919);
                (0..frames)
                    .map(|i| {
                        let x = noise.next().unwrap_or(0.0);
                        match (i / 20_000) % 5 {
                            0 => x * 0.5,
                            1 => x * 0.001 * (c + 1) as f32,
                            2 | 3 => 0.0,
                            _ => x * (i % 97) as f32 / 97.0,
                        }
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn our_k_weighting_gives_the_crates_energies_bit_for_bit() {
        for (channels, rate) in [
            (2, 48_000),
            (1, 48_000),
            (6, 48_000),
            (8, 96_000),
            (2, 44_100),
            (6, 32_000),
        ] {
            let x = programme(channels, 7 * rate as usize, channels as u32);
            let mut ours = LoudnessMeter::new(channels, rate).unwrap().log_blocks();
            assert!(ours.weighs_itself(), "{channels} at {rate}");
            let mut theirs = LoudnessMeter::with_crate_filter(channels, rate).log_blocks();
            let mut at = 0;
            for block in [1, 239, 4096, 17, 48_000].iter().cycle() {
                if at >= x[0].len() {
                    break;
                }
                let to = (at + block).min(x[0].len());
                let planes: Vec<&[f32]> = x.iter().map(|p| &p[at..to]).collect();
                ours.add(&planes);
                theirs.add(&planes);
                at = to;
            }
            assert_eq!(
                readings(&ours),
                readings(&theirs),
                "{channels} channels at {rate} Hz"
            );
        }
    }

    #[test]
    fn decaying_into_silence_the_energies_stay_the_crates() {
        // 6 s of digital silence after noise: the filters' memories decay
        // through the smallest numbers (where the crate flushes to zero and
        // we flush after each run) before the noise starts again.
        let rate = 48_000;
        let mut noise = Noise::new(11);
        let x: Vec<f32> = (0..9 * rate)
            .map(|i| {
                let v = noise.next().unwrap_or(0.0);
                if (rate..7 * rate).contains(&i) {
                    0.0
                } else {
                    v
                }
            })
            .collect();
        let mut ours = LoudnessMeter::new(1, rate as u32).unwrap().log_blocks();
        let mut theirs = LoudnessMeter::with_crate_filter(1, rate as u32).log_blocks();
        let mut silent_steps = Vec::new();
        for chunk in x.chunks(4096) {
            ours.add(&[chunk]);
            theirs.add(&[chunk]);
            silent_steps.push(ours.step_energies().1);
        }
        assert_eq!(readings(&ours), readings(&theirs));
        assert!(
            silent_steps.iter().any(|&e| e > 0.0 && e < 1e-200),
            "the decay reached tiny energies"
        );
    }

    #[test]
    fn meters_measured_together_read_as_each_alone() {
        let x = programme(6, 5 * 48_000, 3);
        let layouts: [&[usize]; 3] = [&[0, 1], &[2, 3, 4, 5], &[0, 5]];
        let planes = |l: &[usize], a: usize, b: usize| -> Vec<&[f32]> {
            l.iter().map(|&c| &x[c][a..b]).collect()
        };
        let mut alone: Vec<LoudnessMeter> = layouts
            .iter()
            .map(|l| LoudnessMeter::new(l.len(), 48_000).unwrap().log_blocks())
            .collect();
        for (m, l) in alone.iter_mut().zip(layouts) {
            m.add(&planes(l, 0, x[0].len()));
        }
        let mut together: Vec<LoudnessMeter> = layouts
            .iter()
            .map(|l| LoudnessMeter::new(l.len(), 48_000).unwrap().log_blocks())
            .collect();
        let mut at = 0;
        while at < x[0].len() {
            let to = (at + 1000).min(x[0].len());
            let p: Vec<Vec<&[f32]>> = layouts.iter().map(|l| planes(l, at, to)).collect();
            let [a, b, c] = &mut together[..] else {
                unreachable!()
            };
            LoudnessMeter::add_together(&mut [
                Some((a, &p[0][..])),
                Some((b, &p[1][..])),
                None,
                Some((c, &p[2][..])),
            ]);
            at = to;
        }
        for (k, (a, b)) in alone.iter().zip(&together).enumerate() {
            assert_eq!(readings(a), readings(b), "meter {k}");
        }
    }
}
