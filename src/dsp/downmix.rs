//! Downmixing 5.1 (L R C LFE Ls Rs) to a stereo delivery version.
//!
//! - **Lo/Ro** (ITU-R BS.775): `Lo = L + c·C + s·Ls (+ e·LFE)`,
//!   `Ro = R + c·C + s·Rs (+ e·LFE)`. A plain matrix: no filtering.
//! - **Lt/Rt** (a matrix-surround encode): the surrounds are summed to one
//!   mono surround `S = s·(Ls + Rs)`, put 90 degrees behind the fronts by the
//!   all-pass pair of [`super::hilbert`], and added to Lt and subtracted
//!   from Rt: `Lt = A[L + c·C (+ e·LFE)] + B[S]`, `Rt = A[R + c·C (+ e·LFE)] - B[S]`,
//!   A and B being the matched chains (A leads B by 90 degrees, each at unity
//!   gain). A passive decode gets the centre back as `Lt + Rt` and the
//!   surround as `Lt - Rt`.
//!
//! `c`, `s` and `e` are linear gains (the usual defaults are -3 dB for the
//! centre and the surrounds, and no LFE). The downmix is linear and time
//! invariant, so stems downmixed apart sum to the downmixed printmaster.

use super::hilbert::{AllPassChain, Chain};

/// Channels in (5.1).
pub const CHANNELS_IN: usize = 6;
const L: usize = 0;
const R: usize = 1;
const C: usize = 2;
const LFE: usize = 3;
const LS: usize = 4;
const RS: usize = 5;

/// Which stereo version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matrix {
    /// Left only / right only (ITU-R BS.775).
    LoRo,
    /// Left total / right total: the matrix-surround encode.
    LtRt,
}

/// A downmix: the matrix and its linear gains.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coefficients {
    pub matrix: Matrix,
    /// The centre's gain into each side.
    pub centre: f32,
    /// Lo/Ro: each surround's gain into its side. Lt/Rt: the gain of
    /// `Ls + Rs` into the mono surround.
    pub surround: f32,
    /// The LFE's gain into each side (0: dropped).
    pub lfe: f32,
}

/// One 5.1 signal downmixed to two channels, keeping the all-pass state of
/// the Lt/Rt encode from block to block.
#[derive(Debug, Clone)]
pub struct Downmixer {
    c: Coefficients,
    left: AllPassChain,
    right: AllPassChain,
    surround: AllPassChain,
}

impl Downmixer {
    pub fn new(c: Coefficients) -> Downmixer {
        Downmixer {
            c,
            left: AllPassChain::new(Chain::Lead),
            right: AllPassChain::new(Chain::Lead),
            surround: AllPassChain::new(Chain::Lag),
        }
    }

    pub fn coefficients(&self) -> Coefficients {
        self.c
    }

    /// Forget the signal (the all-pass state).
    pub fn reset(&mut self) {
        self.left.reset();
        self.right.reset();
        self.surround.reset();
    }

    /// Downmix the first `frames` frames of the six planes `input` into
    /// `left` and `right`.
    pub fn process(
        &mut self,
        input: &[&[f32]],
        left: &mut [f32],
        right: &mut [f32],
        frames: usize,
    ) {
        assert!(input.len() >= CHANNELS_IN, "a downmix takes 5.1");
        let [l, r, c, lfe, ls, rs] = [
            &input[L][..frames],
            &input[R][..frames],
            &input[C][..frames],
            &input[LFE][..frames],
            &input[LS][..frames],
            &input[RS][..frames],
        ];
        let (left, right) = (&mut left[..frames], &mut right[..frames]);
        let k = self.c;
        match k.matrix {
            Matrix::LoRo => {
                for i in 0..frames {
                    let common = k.centre * c[i] + k.lfe * lfe[i];
                    left[i] = l[i] + common + k.surround * ls[i];
                    right[i] = r[i] + common + k.surround * rs[i];
                }
            }
            Matrix::LtRt => {
                let (centre, lfe_gain, surround) =
                    (k.centre as f64, k.lfe as f64, k.surround as f64);
                for i in 0..frames {
                    let common = centre * c[i] as f64 + lfe_gain * lfe[i] as f64;
                    let s = self.surround.tick(surround * (ls[i] as f64 + rs[i] as f64));
                    let a = self.left.tick(l[i] as f64 + common);
                    let b = self.right.tick(r[i] as f64 + common);
                    left[i] = (a + s) as f32;
                    right[i] = (b - s) as f32;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: f64 = 48_000.0;
    const FRAMES: usize = 48_000;

    fn gain(db: f32) -> f32 {
        10f32.powf(db / 20.0)
    }

    fn coefficients(matrix: Matrix) -> Coefficients {
        Coefficients {
            matrix,
            centre: gain(-3.0),
            surround: gain(-3.0),
            lfe: 0.0,
        }
    }

    fn tone(freq: f64) -> Vec<f32> {
        (0..FRAMES)
            .map(|i| (0.5 * (2.0 * std::f64::consts::PI * freq * i as f64 / RATE).sin()) as f32)
            .collect()
    }

    /// 5.1 planes with `signal` on the channels named and silence elsewhere.
    fn planes(on: &[usize], signal: &[f32]) -> Vec<Vec<f32>> {
        (0..CHANNELS_IN)
            .map(|ch| {
                if on.contains(&ch) {
                    signal.to_vec()
                } else {
                    vec![0.0; signal.len()]
                }
            })
            .collect()
    }

    fn run(d: &mut Downmixer, input: &[Vec<f32>], block: usize) -> [Vec<f32>; 2] {
        let n = input[0].len();
        let (mut lo, mut ro) = (vec![0.0; n], vec![0.0; n]);
        let mut at = 0;
        while at < n {
            let m = block.min(n - at);
            let slices: Vec<&[f32]> = input.iter().map(|p| &p[at..at + m]).collect();
            d.process(&slices, &mut lo[at..at + m], &mut ro[at..at + m], m);
            at += m;
        }
        [lo, ro]
    }

    /// RMS of the last half (past the all-pass transient).
    fn rms(x: &[f32]) -> f64 {
        let tail = &x[x.len() / 2..];
        (tail.iter().map(|&s| (s as f64).powi(2)).sum::<f64>() / tail.len() as f64).sqrt()
    }

    fn db(x: f64) -> f64 {
        20.0 * x.log10()
    }

    /// Level of `out` relative to the tone `x`, dB.
    fn relative(out: &[f32], x: &[f32]) -> f64 {
        db(rms(out) / rms(x))
    }

    #[test]
    fn a_centre_tone_comes_out_at_minus_3_db_on_both_sides() {
        let x = tone(1000.0);
        for matrix in [Matrix::LoRo, Matrix::LtRt] {
            let [l, r] = run(
                &mut Downmixer::new(coefficients(matrix)),
                &planes(&[C], &x),
                4096,
            );
            for side in [&l, &r] {
                let level = relative(side, &x);
                assert!((level + 3.0).abs() <= 0.1, "{matrix:?}: {level:.3} dB");
            }
        }
    }

    #[test]
    fn a_surround_tone_comes_out_at_the_set_level_and_the_lfe_is_dropped() {
        let x = tone(440.0);
        for set in [-3.0f32, -6.0, -1.5] {
            let mut k = coefficients(Matrix::LoRo);
            k.surround = gain(set);
            let [l, r] = run(&mut Downmixer::new(k), &planes(&[LS], &x), 1000);
            assert!((relative(&l, &x) - set as f64).abs() <= 0.05, "Lo at {set}");
            assert!(r.iter().all(|&s| s == 0.0), "Ls leaked into Ro");
            let [l, r] = run(&mut Downmixer::new(k), &planes(&[RS], &x), 1000);
            assert!((relative(&r, &x) - set as f64).abs() <= 0.05, "Ro at {set}");
            assert!(l.iter().all(|&s| s == 0.0), "Rs leaked into Lo");

            // Lt/Rt: one surround into S at the set level, in both sides,
            // opposite in sign.
            k.matrix = Matrix::LtRt;
            let [l, r] = run(&mut Downmixer::new(k), &planes(&[LS], &x), 1000);
            assert!((relative(&l, &x) - set as f64).abs() <= 0.05, "Lt at {set}");
            assert!((relative(&r, &x) - set as f64).abs() <= 0.05, "Rt at {set}");
            assert!(l.iter().zip(&r).all(|(a, b)| a == &-b));
        }
        for matrix in [Matrix::LoRo, Matrix::LtRt] {
            let [l, r] = run(
                &mut Downmixer::new(coefficients(matrix)),
                &planes(&[LFE], &x),
                512,
            );
            assert!(
                l.iter().chain(&r).all(|&s| s == 0.0),
                "{matrix:?} let the LFE in"
            );
            let mut k = coefficients(matrix);
            k.lfe = gain(-10.0);
            let [l, _] = run(&mut Downmixer::new(k), &planes(&[LFE], &x), 512);
            assert!(
                (relative(&l, &x) + 10.0).abs() <= 0.05,
                "{matrix:?} LFE at -10"
            );
        }
    }

    #[test]
    fn the_surround_of_lt_rt_is_ninety_degrees_behind_the_fronts() {
        // The same tone in L and in both surrounds: Lt is A[x] + B[s·2x],
        // whose level is that of two tones in quadrature.
        let x = tone(1000.0);
        let mut k = coefficients(Matrix::LtRt);
        k.surround = gain(-6.0206);
        let [lt, rt] = run(&mut Downmixer::new(k), &planes(&[L, LS, RS], &x), 4096);
        // |1 + j·(-1)|: two unit tones 90 degrees apart sum to +3 dB.
        let level = relative(&lt, &x);
        assert!((level - 3.0103).abs() < 0.05, "Lt {level:.3} dB");
        assert!((relative(&rt, &x) - 0.0).abs() < 0.05, "Rt carries S alone");
    }

    #[test]
    fn lt_rt_decodes_back_to_centre_and_surround() {
        // A passive (Pro Logic style) decode: C = Lt + Rt, S = Lt - Rt.
        for freq in [200.0, 1000.0, 5000.0] {
            let x = tone(freq);
            let decode = |input: &[Vec<f32>]| {
                let [lt, rt] = run(&mut Downmixer::new(coefficients(Matrix::LtRt)), input, 4096);
                let c: Vec<f32> = lt.iter().zip(&rt).map(|(a, b)| a + b).collect();
                let s: Vec<f32> = lt.iter().zip(&rt).map(|(a, b)| a - b).collect();
                (rms(&c), rms(&s))
            };
            let (c, s) = decode(&planes(&[C], &x));
            let separation = db(c / s.max(1e-12));
            assert!(separation >= 15.0, "{freq} Hz centre: {separation:.1} dB");
            let (c, s) = decode(&planes(&[LS, RS], &x));
            let separation = db(s / c.max(1e-12));
            assert!(separation >= 15.0, "{freq} Hz surround: {separation:.1} dB");
        }
    }

    #[test]
    fn a_downmix_does_not_depend_on_the_block_size() {
        let noise: Vec<f32> = (0..20_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 8) as f32 / 16_777_216.0 - 0.5)
            .collect();
        let input: Vec<Vec<f32>> = (0..CHANNELS_IN)
            .map(|ch| {
                noise[ch * 100..]
                    .iter()
                    .chain(&noise[..ch * 100])
                    .copied()
                    .collect()
            })
            .collect();
        for matrix in [Matrix::LoRo, Matrix::LtRt] {
            let whole = run(&mut Downmixer::new(coefficients(matrix)), &input, 20_000);
            for block in [1, 64, 777] {
                let parts = run(&mut Downmixer::new(coefficients(matrix)), &input, block);
                assert!(parts == whole, "{matrix:?} at block {block}");
            }
        }
    }
}
