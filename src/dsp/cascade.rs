//! A strip's filter sections in series: the one place that chooses how a
//! cascade runs. Where the machine has AVX-512 the sections run as a
//! wavefront ([`super::wavefront`]), two cascades side by side; elsewhere,
//! or for a single section, sample by sample
//! ([`super::biquad::run_cascade_scalar`]). Either way the arithmetic is the
//! biquads' own and the output does not depend on the block size.

use super::biquad::{run_cascade_scalar, Coefficients, State};
use super::wavefront;
pub use super::wavefront::Chain;

/// Run `samples` through the `sections` in series: as a wavefront
/// ([`wavefront`]) where the machine has AVX-512, else sample by
/// sample.
pub fn run_cascade(sections: &[Coefficients], states: &mut [State], samples: &mut [f32]) {
    if sections.len() >= 2 && sections.len() <= wavefront::LANES && wavefront_here() {
        // SAFETY: the CPU has the features the wavefront needs.
        unsafe { wavefront::run(sections, states, samples) }
    } else {
        run_cascade_scalar(sections, states, samples);
    }
}

/// Run two cascades, each `(sections, states, samples)`: side by side in
/// the wavefront where the machine has AVX-512 (two cost about what one
/// does), else one after the other. Each one's output is what
/// [`run_cascade`] gives it alone.
pub fn run_cascade_pair(a: Chain<'_>, b: Chain<'_>) {
    let fits = |c: &Chain<'_>| c.sections.len() >= 2 && c.sections.len() <= wavefront::LANES;
    if fits(&a) && fits(&b) && wavefront_here() {
        // SAFETY: the CPU has the features the wavefront needs.
        unsafe { wavefront::run_pair(a, b) }
    } else {
        run_cascade(a.sections, a.states, a.samples);
        run_cascade(b.sections, b.states, b.samples);
    }
}

/// Run every cascade of `chains`, two by two.
pub fn run_cascades<'a>(chains: impl Iterator<Item = Chain<'a>>) {
    let mut waiting = None;
    for chain in chains {
        match waiting.take() {
            None => waiting = Some(chain),
            Some(first) => run_cascade_pair(first, chain),
        }
    }
    if let Some(c) = waiting {
        run_cascade(c.sections, c.states, c.samples);
    }
}

/// Whether this machine runs cascades as a wavefront (asked once).
fn wavefront_here() -> bool {
    use std::sync::atomic::{AtomicU8, Ordering};
    static HERE: AtomicU8 = AtomicU8::new(0);
    match HERE.load(Ordering::Relaxed) {
        1 => true,
        2 => false,
        _ => {
            let here = wavefront::available();
            HERE.store(if here { 1 } else { 2 }, Ordering::Relaxed);
            here
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::biquad::{BUTTERWORTH4_Q, BUTTERWORTH_Q};

    fn worst_difference(a: &[f32], b: &[f32]) -> f32 {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0f32, f32::max)
    }

    #[test]
    fn a_cascade_matches_sections_run_one_by_one() {
        let rate = 48_000.0;
        let sections = [
            Coefficients::high_pass(80.0, rate, BUTTERWORTH_Q),
            Coefficients::bell(1000.0, rate, 1.0, 3.0),
            Coefficients::high_shelf(8000.0, rate, 0.707, -2.0),
        ];
        let input: Vec<f32> = (0..1000)
            .map(|i| ((i * 7919) % 201) as f32 / 100.0 - 1.0)
            .collect();
        let mut one_by_one = input.clone();
        let mut states = [State::default(); 3];
        for (k, st) in sections.iter().zip(states.iter_mut()) {
            st.run(k, &mut one_by_one);
        }
        // Between sections the cascade keeps 64 bits where one-by-one rounds to 32.
        let mut whole = input.clone();
        run_cascade(&sections, &mut [State::default(); 3], &mut whole);
        let worst = worst_difference(&one_by_one, &whole);
        assert!(worst < 1e-6, "{worst}");
        // And it does not depend on how the samples are cut into blocks.
        let mut chunked = input;
        let mut states2 = [State::default(); 3];
        for chunk in chunked.chunks_mut(77) {
            run_cascade(&sections, &mut states2, chunk);
        }
        assert!(chunked == whole, "block size changed the output");
    }

    #[test]
    fn the_wavefront_matches_the_scalar_cascade_for_every_length() {
        let rate = 48_000.0;
        let all = [
            Coefficients::high_pass(40.0, rate, BUTTERWORTH4_Q[0]),
            Coefficients::high_pass(40.0, rate, BUTTERWORTH4_Q[1]),
            Coefficients::low_pass(15_000.0, rate, BUTTERWORTH4_Q[0]),
            Coefficients::low_pass(15_000.0, rate, BUTTERWORTH4_Q[1]),
            Coefficients::low_shelf(120.0, rate, 0.7, -4.0),
            Coefficients::bell(900.0, rate, 2.0, 5.0),
            Coefficients::bell(3000.0, rate, 0.5, -6.0),
            Coefficients::high_shelf(9000.0, rate, 0.7, 3.0),
        ];
        let input: Vec<f32> = (0..3000)
            .map(|i| ((i * 7919) % 201) as f32 / 100.0 - 1.0)
            .collect();
        for used in 1..=all.len() {
            let sections = &all[..used];
            let mut scalar = input.clone();
            run_cascade_scalar(sections, &mut [State::default(); 8][..used], &mut scalar);
            // Blocks shorter than the cascade, a single sample, and long ones.
            for cut in [1, 3, 7, 64, 1000] {
                let mut states = [State::default(); 8];
                let mut out = input.clone();
                for chunk in out.chunks_mut(cut) {
                    run_cascade(sections, &mut states[..used], chunk);
                }
                let worst = worst_difference(&scalar, &out);
                assert!(worst < 1e-5, "{used} sections in blocks of {cut}: {worst}");
                let mut whole = input.clone();
                run_cascade(sections, &mut [State::default(); 8][..used], &mut whole);
                assert!(
                    out == whole,
                    "{used} sections: blocks of {cut} changed the output"
                );
            }
        }
    }
}
