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
//! [`super::biquad::run_cascade`] instead.

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

/// Run `samples` through `sections` (at most [`LANES`]) in series.
///
/// # Safety
/// The CPU must have AVX-512F and FMA ([`available`]).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,fma")]
pub unsafe fn run(sections: &[Coefficients], states: &mut [State], samples: &mut [f32]) {
    use std::arch::x86_64::*;

    let used = sections.len().min(LANES).min(states.len());
    if used == 0 || samples.is_empty() {
        return;
    }
    // Lanes past the last section pass their input through untouched.
    let mut k = [[0f64; LANES]; 5];
    k[0] = [1.0; LANES];
    let (mut m1, mut m2) = ([0f64; LANES], [0f64; LANES]);
    for (lane, (c, s)) in sections.iter().zip(states.iter()).take(used).enumerate() {
        k[0][lane] = c.b0;
        k[1][lane] = c.b1;
        k[2][lane] = c.b2;
        k[3][lane] = -c.a1;
        k[4][lane] = -c.a2;
        (m1[lane], m2[lane]) = s.memory();
    }
    let b0 = _mm512_loadu_pd(k[0].as_ptr());
    let b1 = _mm512_loadu_pd(k[1].as_ptr());
    let b2 = _mm512_loadu_pd(k[2].as_ptr());
    let na1 = _mm512_loadu_pd(k[3].as_ptr());
    let na2 = _mm512_loadu_pd(k[4].as_ptr());
    let mut z1 = _mm512_loadu_pd(m1.as_ptr());
    let mut z2 = _mm512_loadu_pd(m2.as_ptr());
    let mut y = _mm512_setzero_pd();
    let last = used - 1;
    let pick_last = _mm512_set1_epi64(last as i64);
    let n = samples.len();

    // One step: lane 0 takes `input`, every other lane its neighbour's last output.
    macro_rules! step {
        ($input:expr) => {{
            let fresh = _mm512_castpd_si512(_mm512_set1_pd($input));
            let x = _mm512_castsi512_pd(_mm512_alignr_epi64::<7>(_mm512_castpd_si512(y), fresh));
            let out = _mm512_fmadd_pd(b0, x, z1);
            let next1 = _mm512_fmadd_pd(na1, out, _mm512_fmadd_pd(b1, x, z2));
            let next2 = _mm512_fmadd_pd(na2, out, _mm512_mul_pd(b2, x));
            y = out;
            (next1, next2)
        }};
    }
    // Lane `k` works on sample `t - k`: only lanes with such a sample move.
    let active = |t: usize| -> u8 {
        let mut mask = 0u8;
        for lane in 0..LANES {
            if lane <= t && t - lane < n {
                mask |= 1 << lane;
            }
        }
        mask
    };
    let output = |y: __m512d| _mm512_cvtsd_f64(_mm512_permutexvar_pd(pick_last, y)) as f32;

    let steady = last..n;
    for t in 0..n + last {
        let input = if t < n { samples[t] as f64 } else { 0.0 };
        let (next1, next2) = step!(input);
        if steady.contains(&t) {
            z1 = next1;
            z2 = next2;
        } else {
            let mask = active(t);
            z1 = _mm512_mask_mov_pd(z1, mask, next1);
            z2 = _mm512_mask_mov_pd(z2, mask, next2);
        }
        if t >= last {
            samples[t - last] = output(y);
        }
    }

    _mm512_storeu_pd(m1.as_mut_ptr(), z1);
    _mm512_storeu_pd(m2.as_mut_ptr(), z2);
    for (lane, s) in states.iter_mut().take(used).enumerate() {
        s.set_memory(m1[lane], m2[lane]);
    }
}

#[cfg(not(target_arch = "x86_64"))]
pub unsafe fn run(sections: &[Coefficients], states: &mut [State], samples: &mut [f32]) {
    super::biquad::run_cascade(sections, states, samples);
}
