//! Panning a track into the stereo stems.

use std::f32::consts::FRAC_PI_4;

/// Left and right gains of a mono source panned to `pan` (-1 left .. 1 right)
/// with the constant-power (-3 dB at centre) law.
pub fn mono_to_stereo(pan: f32) -> [f32; 2] {
    let angle = (pan.clamp(-1.0, 1.0) + 1.0) * FRAC_PI_4;
    if pan == 0.0 {
        // Exactly equal at centre.
        return [std::f32::consts::FRAC_1_SQRT_2; 2];
    }
    [angle.cos(), angle.sin()]
}

/// Left and right gains of a stereo source under a balance control: centre
/// is unity on both sides; turning one way lowers the other side only.
pub fn stereo_balance(pan: f32) -> [f32; 2] {
    let pan = pan.clamp(-1.0, 1.0);
    if pan <= 0.0 {
        [1.0, 1.0 + pan]
    } else {
        [1.0 - pan, 1.0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_power_law() {
        let [l, r] = mono_to_stereo(0.0);
        assert!((l * l + r * r - 1.0).abs() < 1e-6);
        assert!((20.0 * l.log10() + 3.0103).abs() < 1e-3);
        assert!(mono_to_stereo(-1.0)[1].abs() < 1e-7);
        assert!((mono_to_stereo(1.0)[1] - 1.0).abs() < 1e-7);
        for i in -10..=10 {
            let [l, r] = mono_to_stereo(i as f32 / 10.0);
            assert!((l * l + r * r - 1.0).abs() < 1e-6);
        }
    }

    #[test]
    fn balance_is_unity_at_centre() {
        assert_eq!(stereo_balance(0.0), [1.0, 1.0]);
        assert_eq!(stereo_balance(-0.5), [1.0, 0.5]);
        assert_eq!(stereo_balance(1.0), [0.0, 1.0]);
    }
}
