//! Fade curves. Each maps a position `x` in `0..=1` through the fade to a gain
//! in `0..=1`, rising: `gain(0) = 0`, `gain(1) = 1`. A fade-out plays the same
//! curve backwards, `gain(1 - x)`, so a fade-out and a fade-in of one shape
//! over the same span are complementary.

use crate::model::FadeShape;

/// Dynamic range the exponential and logarithmic curves cover: 60 dB.
const EXP_K: f32 = 6.907_755; // ln(1000)

/// Gain of a rising fade of `shape` at `x` (clamped to `0..=1`).
pub fn fade_in_gain(shape: FadeShape, x: f32) -> f32 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    match shape {
        FadeShape::Linear => x,
        FadeShape::EqualPower => (x * std::f32::consts::FRAC_PI_2).sin(),
        FadeShape::SCurve => 0.5 - 0.5 * (x * std::f32::consts::PI).cos(),
        FadeShape::Exponential => exponential(x),
        FadeShape::Logarithmic => 1.0 - exponential(1.0 - x),
    }
}

/// Gain of a falling fade of `shape` at `x`: the rising curve mirrored in time.
pub fn fade_out_gain(shape: FadeShape, x: f32) -> f32 {
    fade_in_gain(shape, 1.0 - x.clamp(0.0, 1.0))
}

/// (e^(kx) - 1) / (e^k - 1): exactly 0 and 1 at the ends, and a straight
/// line in dB over most of its course.
fn exponential(x: f32) -> f32 {
    ((EXP_K * x).exp() - 1.0) / (1000.0 - 1.0)
}

/// Gain at sample `i` of a rising fade `len` samples long; sample 0 is
/// silent and the fade reaches unity on the first sample after it.
pub fn fade_in_at(shape: FadeShape, i: u64, len: u64) -> f32 {
    if i >= len {
        1.0
    } else {
        fade_in_gain(shape, i as f32 / len as f32)
    }
}

/// Gain at sample `i` of a falling fade `len` samples long; the first sample
/// is at unity and the last one is one step above silence.
pub fn fade_out_at(shape: FadeShape, i: u64, len: u64) -> f32 {
    if i >= len {
        0.0
    } else {
        fade_in_gain(shape, (len - i) as f32 / len as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f32, b: f32) -> bool {
        (a - b).abs() < 1e-5
    }

    #[test]
    fn every_shape_runs_from_silence_to_unity() {
        for shape in FadeShape::ALL {
            assert_eq!(fade_in_gain(shape, 0.0), 0.0, "{shape:?}");
            assert!(close(fade_in_gain(shape, 1.0), 1.0), "{shape:?}");
            let mut last = 0.0;
            for i in 1..=100 {
                let g = fade_in_gain(shape, i as f32 / 100.0);
                assert!(g >= last, "{shape:?} falls at {i}");
                last = g;
            }
        }
    }

    #[test]
    fn known_midpoints() {
        assert!(close(fade_in_gain(FadeShape::Linear, 0.5), 0.5));
        assert!(close(
            fade_in_gain(FadeShape::EqualPower, 0.5),
            std::f32::consts::FRAC_1_SQRT_2
        ));
        assert!(close(fade_in_gain(FadeShape::SCurve, 0.5), 0.5));
        assert!(close(fade_in_gain(FadeShape::SCurve, 0.25), 0.146_446_6));
        // Exponential: -30 dB short of the top half-way, by construction ~ (sqrt(1000)-1)/999.
        assert!(close(
            fade_in_gain(FadeShape::Exponential, 0.5),
            (1000f32.sqrt() - 1.0) / 999.0
        ));
        assert!(close(
            fade_in_gain(FadeShape::Logarithmic, 0.5),
            1.0 - (1000f32.sqrt() - 1.0) / 999.0
        ));
    }

    #[test]
    fn fade_out_mirrors_fade_in() {
        for shape in FadeShape::ALL {
            for i in 0..=20 {
                let x = i as f32 / 20.0;
                assert!(close(fade_out_gain(shape, x), fade_in_gain(shape, 1.0 - x)));
            }
        }
    }

    #[test]
    fn equal_power_crossfade_keeps_constant_power() {
        let len = 4800;
        for i in 0..len {
            let a = fade_out_at(FadeShape::EqualPower, i, len);
            let b = fade_in_at(FadeShape::EqualPower, i, len);
            assert!(
                (a * a + b * b - 1.0).abs() < 1e-5,
                "power {} at {i}",
                a * a + b * b
            );
        }
    }

    #[test]
    fn linear_crossfade_keeps_constant_amplitude() {
        let len = 1000;
        for i in 0..len {
            let sum =
                fade_out_at(FadeShape::Linear, i, len) + fade_in_at(FadeShape::Linear, i, len);
            assert!((sum - 1.0).abs() < 1e-6);
        }
    }
}
