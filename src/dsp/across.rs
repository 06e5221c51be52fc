//! One filter section on many signals at once: lane `k` of a register holds
//! signal `k` (a track's channel), and every step filters one sample of
//! each. A track's 12 dB/octave high-pass is a single section, which the
//! wavefront ([`super::wavefront`]) cannot spread over its lanes; sample by
//! sample it waits on its own recursion (some 16 cycles a sample). Across
//! sixteen tracks, two registers of eight, the same recursion filters
//! sixteen samples in about the time it took for one.
//!
//! The arithmetic is [`State::run`](super::biquad::State::run)'s, operation for operation (64-bit,
//! multiplies and additions in the same order, no fused multiply-adds), and
//! the memories are stored back (denormals flushed) at the end of every
//! call as `State::run` does: each signal comes out bit for bit what it
//! gives alone, whatever it shares the registers with and however the
//! signal is cut into blocks.

use super::biquad::Coefficients;
use super::cascade::{run_cascades, Chain};

/// Signals filtered together: two AVX-512 registers of eight 64-bit lanes
/// (two recursions in flight keep the multipliers busy).
pub const LANES: usize = 16;

/// Run every chain: those of exactly one section [`LANES`] at a time across
/// the lanes (chains of the same length, as the channels of one block
/// are), the others two by two through [`run_cascades`]. Each chain's
/// output is what it gives alone.
pub fn run_chains<'a>(chains: impl Iterator<Item = Chain<'a>>) {
    let mut batch = Batch::default();
    let longer = chains.filter_map(|chain| {
        if chain.sections.len() == 1 && !chain.states.is_empty() {
            batch.push(chain);
            None
        } else {
            Some(chain)
        }
    });
    run_cascades(longer);
    batch.flush();
}

/// Single-section chains waiting for their lanes.
#[derive(Default)]
struct Batch<'a> {
    lanes: [Option<Chain<'a>>; LANES],
    count: usize,
}

impl<'a> Batch<'a> {
    fn push(&mut self, chain: Chain<'a>) {
        let length = |c: &Option<Chain<'_>>| c.as_ref().map(|c| c.samples.len());
        if self.count == LANES
            || (self.count > 0 && length(&self.lanes[0]) != Some(chain.samples.len()))
        {
            self.flush();
        }
        self.lanes[self.count] = Some(chain);
        self.count += 1;
    }

    fn flush(&mut self) {
        let lanes = &mut self.lanes[..self.count];
        if lanes.len() > 1 && available() {
            // SAFETY: the CPU has the features the kernel needs.
            unsafe { avx512::run(lanes) };
        } else {
            for chain in lanes.iter_mut().flatten() {
                chain.states[0].run(&chain.sections[0], chain.samples);
            }
        }
        for lane in lanes.iter_mut() {
            *lane = None;
        }
        self.count = 0;
    }
}

/// Whether this machine runs the lanes (asked once).
fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
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
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// The tail of a block (fewer samples than a step of the kernel) on one
/// signal, from memories `z`, with `State::run`'s arithmetic.
fn tail(k: &Coefficients, z: &mut (f64, f64), samples: &mut [f32]) {
    let (mut z1, mut z2) = *z;
    for s in samples {
        let x = *s as f64;
        let y = k.b0 * x + z1;
        z1 = k.b1 * x - k.a1 * y + z2;
        z2 = k.b2 * x - k.a2 * y;
        *s = y as f32;
    }
    *z = (z1, z2);
}

#[cfg(not(target_arch = "x86_64"))]
mod avx512 {
    use super::Chain;

    pub unsafe fn run(_: &mut [Option<Chain<'_>>]) {
        unreachable!("the lanes are never available off x86-64")
    }
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::*;

    use super::{tail, Chain, LANES};

    /// Lanes in one register.
    const WIDE: usize = 8;
    /// Registers.
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

    /// Filter every chain of `lanes` (at most [`LANES`], all as long, each
    /// of one section) in the registers; empty lanes filter silence that
    /// goes nowhere.
    ///
    /// # Safety
    /// The CPU must have AVX-512F and AVX2.
    #[target_feature(enable = "avx512f,avx2")]
    pub unsafe fn run(lanes: &mut [Option<Chain<'_>>]) {
        let n = lanes
            .iter()
            .flatten()
            .map(|c| c.samples.len())
            .min()
            .unwrap_or(0);
        let mut k = [[0f64; LANES]; 5];
        let mut z = [[0f64; LANES]; 2];
        let mut rows: [*mut f32; LANES] = [std::ptr::null_mut(); LANES];
        for (lane, chain) in lanes.iter_mut().enumerate().take(LANES) {
            let Some(chain) = chain else { continue };
            let c = &chain.sections[0];
            (k[0][lane], k[1][lane], k[2][lane]) = (c.b0, c.b1, c.b2);
            (k[3][lane], k[4][lane]) = (c.a1, c.a2);
            (z[0][lane], z[1][lane]) = chain.states[0].memory();
            rows[lane] = chain.samples.as_mut_ptr();
        }
        let reg = |v: &[f64; LANES], r: usize| _mm512_loadu_pd(v[r * WIDE..].as_ptr());
        let (mut b0, mut b1, mut b2) = (
            [_mm512_setzero_pd(); REGS],
            [_mm512_setzero_pd(); REGS],
            [_mm512_setzero_pd(); REGS],
        );
        let (mut a1, mut a2) = ([_mm512_setzero_pd(); REGS], [_mm512_setzero_pd(); REGS]);
        let (mut z1, mut z2) = ([_mm512_setzero_pd(); REGS], [_mm512_setzero_pd(); REGS]);
        for r in 0..REGS {
            (b0[r], b1[r], b2[r]) = (reg(&k[0], r), reg(&k[1], r), reg(&k[2], r));
            (a1[r], a2[r]) = (reg(&k[3], r), reg(&k[4], r));
            (z1[r], z2[r]) = (reg(&z[0], r), reg(&z[1], r));
        }
        let whole = n - n % WIDE;
        let mut at = 0;
        while at < whole {
            // Eight samples of every lane, turned so that each register
            // holds one sample of eight lanes.
            let mut x = [[_mm256_setzero_ps(); WIDE]; REGS];
            for (r, x) in x.iter_mut().enumerate() {
                let mut block = [_mm256_setzero_ps(); WIDE];
                for (b, row) in block.iter_mut().zip(&rows[r * WIDE..(r + 1) * WIDE]) {
                    if !row.is_null() {
                        *b = _mm256_loadu_ps(row.add(at));
                    }
                }
                *x = transpose(block);
            }
            let mut y = [[_mm256_setzero_ps(); WIDE]; REGS];
            for s in 0..WIDE {
                for r in 0..REGS {
                    let xs = _mm512_cvtps_pd(x[r][s]);
                    let ys = _mm512_add_pd(_mm512_mul_pd(b0[r], xs), z1[r]);
                    z1[r] = _mm512_add_pd(
                        _mm512_sub_pd(_mm512_mul_pd(b1[r], xs), _mm512_mul_pd(a1[r], ys)),
                        z2[r],
                    );
                    z2[r] = _mm512_sub_pd(_mm512_mul_pd(b2[r], xs), _mm512_mul_pd(a2[r], ys));
                    y[r][s] = _mm512_cvtpd_ps(ys);
                }
            }
            for (r, y) in y.iter().enumerate() {
                let block = transpose(*y);
                for (b, row) in block.iter().zip(&rows[r * WIDE..(r + 1) * WIDE]) {
                    if !row.is_null() {
                        _mm256_storeu_ps(row.add(at), *b);
                    }
                }
            }
            at += WIDE;
        }
        for r in 0..REGS {
            _mm512_storeu_pd(z[0][r * WIDE..].as_mut_ptr(), z1[r]);
            _mm512_storeu_pd(z[1][r * WIDE..].as_mut_ptr(), z2[r]);
        }
        for (lane, chain) in lanes.iter_mut().enumerate().take(LANES) {
            let Some(chain) = chain else { continue };
            let mut memory = (z[0][lane], z[1][lane]);
            tail(
                &chain.sections[0],
                &mut memory,
                &mut chain.samples[whole..n],
            );
            chain.states[0].set_memory(memory.0, memory.1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::biquad::State;
    use crate::dsp::noise::Noise;

    fn signal(seed: u32, n: usize) -> Vec<f32> {
        let mut noise = Noise::new(seed);
        (0..n).map(|_| noise.next().unwrap_or(0.0) * 0.5).collect()
    }

    /// Each signal through the lanes, in blocks of `block`, against
    /// `State::run` on it alone in one go: bit for bit.
    fn check(signals: usize, n: usize, block: usize) {
        let sections: Vec<[Coefficients; 1]> = (0..signals)
            .map(|i| {
                [Coefficients::high_pass(
                    40.0 + 17.0 * i as f64,
                    48_000.0,
                    0.707,
                )]
            })
            .collect();
        let inputs: Vec<Vec<f32>> = (0..signals).map(|i| signal(i as u32 + 1, n)).collect();
        let mut alone = inputs.clone();
        for (x, k) in alone.iter_mut().zip(&sections) {
            State::default().run(&k[0], x);
        }
        let mut lanes = inputs.clone();
        let mut states = vec![[State::default()]; signals];
        let mut from = 0;
        while from < n {
            let to = (from + block).min(n);
            run_chains(lanes.iter_mut().zip(states.iter_mut()).zip(&sections).map(
                |((x, s), k)| Chain {
                    sections: &k[..],
                    states: &mut s[..],
                    samples: &mut x[from..to],
                },
            ));
            from = to;
        }
        for (i, (a, b)) in lanes.iter().zip(&alone).enumerate() {
            let same = a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits());
            assert!(same, "signal {i} of {signals}, block {block}");
        }
    }

    #[test]
    fn every_lane_is_bit_identical_to_the_section_alone() {
        for signals in [1, 2, 3, 8, 15, 16, 17, 32, 40] {
            check(signals, 10_007, 4096);
        }
    }

    #[test]
    fn any_blocking_gives_the_same_samples() {
        for block in [1, 7, 8, 64, 1000, 4096] {
            check(19, 5_003, block);
        }
    }

    #[test]
    fn longer_cascades_are_left_to_the_wavefront_and_still_run() {
        let k = [
            Coefficients::high_pass(80.0, 48_000.0, 0.541),
            Coefficients::high_pass(80.0, 48_000.0, 1.307),
        ];
        let one = [k[0]];
        let input = signal(7, 3000);
        let (mut a, mut b) = (input.clone(), input.clone());
        let mut sa = [State::default(); 2];
        let mut sb = [State::default(); 1];
        run_chains(
            [
                Chain {
                    sections: &k,
                    states: &mut sa,
                    samples: &mut a,
                },
                Chain {
                    sections: &one,
                    states: &mut sb,
                    samples: &mut b,
                },
            ]
            .into_iter(),
        );
        let mut want_a = input.clone();
        crate::dsp::cascade::run_cascade(&k, &mut [State::default(); 2], &mut want_a);
        let mut want_b = input;
        State::default().run(&one[0], &mut want_b);
        assert_eq!(a, want_a);
        assert_eq!(b, want_b);
    }
}
