//! A cascade of filter sections run as a wavefront across the lanes of one
//! AVX-512 register: lane `k` holds section `k`, and at each step every
//! section takes the sample its predecessor finished one step earlier.
//! Sample by sample, a cascade waits on each section's recursion in turn;
//! the wavefront runs all eight at once, so a strip's filters cost about
//! what one section costs, whatever the number switched on.
//!
//! The arithmetic is the cascade's own (64-bit, transposed direct form II,
//! fused multiply-adds), and the sections' memories are stored back in
//! step at the end of every call, so the output does not depend on how the
//! signal is cut into blocks. Machines without AVX-512 run
//! [`super::biquad::run_cascade_scalar`] instead.

use super::biquad::{Coefficients, State};

/// Sections one register holds.
pub const LANES: usize = 8;

/// Whether this machine can run the wavefront.
pub fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// One cascade for the wavefront: its sections (at most [`LANES`]), their
/// memories, and the samples it filters in place.
pub struct Chain<'a> {
    pub sections: &'a [Coefficients],
    pub states: &'a mut [State],
    pub samples: &'a mut [f32],
}

/// Run `samples` through `sections` (at most [`LANES`]) in series.
///
/// # Safety
/// The CPU must have AVX-512F and FMA ([`available`]).
pub unsafe fn run(sections: &[Coefficients], states: &mut [State], samples: &mut [f32]) {
    let chain = Chain {
        sections,
        states,
        samples,
    };
    if chain.is_ready() {
        kernel::one(chain);
    }
}

/// Run two cascades of the same length side by side: each waits on its own
/// recursion, so two cost about what one does.
///
/// # Safety
/// The CPU must have AVX-512F and FMA ([`available`]).
pub unsafe fn run_pair(a: Chain<'_>, b: Chain<'_>) {
    match (a.is_ready(), b.is_ready()) {
        (true, true) if a.samples.len() == b.samples.len() => kernel::two(a, b),
        (ready_a, ready_b) => {
            if ready_a {
                kernel::one(a);
            }
            if ready_b {
                kernel::one(b);
            }
        }
    }
}

impl Chain<'_> {
    /// Whether there is anything to do.
    fn is_ready(&self) -> bool {
        !self.sections.is_empty() && !self.states.is_empty() && !self.samples.is_empty()
    }
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::*;

    use super::{Chain, LANES};

    /// One cascade in the registers: coefficients, memories, last outputs.
    pub struct Lanes {
        b0: __m512d,
        b1: __m512d,
        b2: __m512d,
        na1: __m512d,
        na2: __m512d,
        z1: __m512d,
        z2: __m512d,
        y: __m512d,
        /// The lane of the last section, whose output is the cascade's.
        pub last: usize,
        pick: __m512i,
    }

    #[target_feature(enable = "avx512f,fma")]
    #[inline]
    pub unsafe fn load(chain: &Chain<'_>) -> Lanes {
        let used = chain.sections.len().min(LANES).min(chain.states.len());
        // Lanes past the last section pass their input through untouched.
        let mut k = [[0f64; LANES]; 5];
        k[0] = [1.0; LANES];
        let (mut m1, mut m2) = ([0f64; LANES], [0f64; LANES]);
        for (lane, (c, s)) in chain
            .sections
            .iter()
            .zip(chain.states.iter())
            .take(used)
            .enumerate()
        {
            k[0][lane] = c.b0;
            k[1][lane] = c.b1;
            k[2][lane] = c.b2;
            k[3][lane] = -c.a1;
            k[4][lane] = -c.a2;
            (m1[lane], m2[lane]) = s.memory();
        }
        Lanes {
            b0: _mm512_loadu_pd(k[0].as_ptr()),
            b1: _mm512_loadu_pd(k[1].as_ptr()),
            b2: _mm512_loadu_pd(k[2].as_ptr()),
            na1: _mm512_loadu_pd(k[3].as_ptr()),
            na2: _mm512_loadu_pd(k[4].as_ptr()),
            z1: _mm512_loadu_pd(m1.as_ptr()),
            z2: _mm512_loadu_pd(m2.as_ptr()),
            y: _mm512_setzero_pd(),
            last: used - 1,
            pick: _mm512_set1_epi64(used as i64 - 1),
        }
    }

    #[target_feature(enable = "avx512f,fma")]
    #[inline]
    pub unsafe fn store(l: &Lanes, chain: &mut Chain<'_>) {
        let (mut m1, mut m2) = ([0f64; LANES], [0f64; LANES]);
        _mm512_storeu_pd(m1.as_mut_ptr(), l.z1);
        _mm512_storeu_pd(m2.as_mut_ptr(), l.z2);
        for (lane, s) in chain.states.iter_mut().take(l.last + 1).enumerate() {
            s.set_memory(m1[lane], m2[lane]);
        }
    }

    /// Step `t`: lane 0 takes sample `t`, every other lane its neighbour's
    /// last output; lane `k` works on sample `t - k`. With `mask`, only the
    /// lanes it names keep their work (the start and end of a block, where
    /// some lanes have no sample).
    #[target_feature(enable = "avx512f,fma")]
    #[inline]
    pub unsafe fn step(l: &mut Lanes, samples: &mut [f32], t: usize, mask: Option<u8>) {
        let n = samples.len();
        let input = if t < n { samples[t] as f64 } else { 0.0 };
        let fresh = _mm512_castpd_si512(_mm512_set1_pd(input));
        let x = _mm512_castsi512_pd(_mm512_alignr_epi64::<7>(_mm512_castpd_si512(l.y), fresh));
        let y = _mm512_fmadd_pd(l.b0, x, l.z1);
        let z1 = _mm512_fmadd_pd(l.na1, y, _mm512_fmadd_pd(l.b1, x, l.z2));
        let z2 = _mm512_fmadd_pd(l.na2, y, _mm512_mul_pd(l.b2, x));
        match mask {
            None => {
                l.z1 = z1;
                l.z2 = z2;
            }
            Some(mask) => {
                l.z1 = _mm512_mask_mov_pd(l.z1, mask, z1);
                l.z2 = _mm512_mask_mov_pd(l.z2, mask, z2);
            }
        }
        l.y = y;
        if t >= l.last {
            samples[t - l.last] = _mm512_cvtsd_f64(_mm512_permutexvar_pd(l.pick, y)) as f32;
        }
    }

    /// The lanes with a sample at step `t` of an `n`-sample block.
    fn active(t: usize, n: usize) -> u8 {
        let mut mask = 0u8;
        for lane in 0..LANES {
            if lane <= t && t - lane < n {
                mask |= 1 << lane;
            }
        }
        mask
    }

    /// Steps `from..to` with masks (the edges of a block), as far as the
    /// last section's last sample.
    #[target_feature(enable = "avx512f,fma")]
    #[inline]
    pub unsafe fn edge(l: &mut Lanes, samples: &mut [f32], from: usize, to: usize) {
        let n = samples.len();
        for t in from..to.min(n + l.last) {
            step(l, samples, t, Some(active(t, n)));
        }
    }

    #[target_feature(enable = "avx512f,fma")]
    pub unsafe fn one(mut a: Chain<'_>) {
        let n = a.samples.len();
        let mut la = load(&a);
        let fill = la.last.min(n);
        edge(&mut la, a.samples, 0, fill);
        for t in fill..n {
            step(&mut la, a.samples, t, None);
        }
        edge(&mut la, a.samples, n.max(fill), usize::MAX);
        store(&la, &mut a);
    }

    /// Two cascades of the same length, step by step together in the
    /// middle of the block, each on its own at the edges.
    #[target_feature(enable = "avx512f,fma")]
    pub unsafe fn two(mut a: Chain<'_>, mut b: Chain<'_>) {
        let n = a.samples.len();
        let (mut la, mut lb) = (load(&a), load(&b));
        let fill = la.last.max(lb.last).min(n);
        edge(&mut la, a.samples, 0, fill);
        edge(&mut lb, b.samples, 0, fill);
        for t in fill..n {
            step(&mut la, a.samples, t, None);
            step(&mut lb, b.samples, t, None);
        }
        edge(&mut la, a.samples, n.max(fill), usize::MAX);
        edge(&mut lb, b.samples, n.max(fill), usize::MAX);
        store(&la, &mut a);
        store(&lb, &mut b);
    }
}

/// Elsewhere [`available`] is false and nothing calls the kernel; it runs
/// the scalar cascade all the same.
#[cfg(not(target_arch = "x86_64"))]
mod kernel {
    use super::Chain;
    use crate::dsp::biquad::run_cascade_scalar;

    pub unsafe fn one(a: Chain<'_>) {
        run_cascade_scalar(a.sections, a.states, a.samples);
    }

    pub unsafe fn two(a: Chain<'_>, b: Chain<'_>) {
        one(a);
        one(b);
    }
}

#[cfg(target_arch = "x86_64")]
use avx512 as kernel;
