//! Decibels and linear gain.

/// Levels at or below this are treated as silence (-inf dB).
pub const SILENCE_DB: f32 = -144.0;

/// Linear gain for a level in dB. 0 dB is exactly 1.0.
pub fn db_to_gain(db: f32) -> f32 {
    if db <= SILENCE_DB {
        0.0
    } else if db == 0.0 {
        1.0
    } else {
        10f32.powf(db / 20.0)
    }
}

/// Level in dB of a linear gain or amplitude; silence is `f32::NEG_INFINITY`.
pub fn gain_to_db(gain: f32) -> f32 {
    if gain <= 0.0 {
        f32::NEG_INFINITY
    } else {
        20.0 * gain.log10()
    }
}

/// Multiply `samples` by `gain` in place; unity leaves them untouched.
pub fn apply(samples: &mut [f32], gain: f32) {
    if gain != 1.0 {
        for s in samples {
            *s *= gain;
        }
    }
}

/// `out += input * gain`.
pub fn mix_into(out: &mut [f32], input: &[f32], gain: f32) {
    if gain == 0.0 {
        return;
    }
    if gain == 1.0 {
        for (o, i) in out.iter_mut().zip(input) {
            *o += *i;
        }
    } else {
        for (o, i) in out.iter_mut().zip(input) {
            *o += *i * gain;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unity_is_exact_and_known_levels_hold() {
        assert_eq!(db_to_gain(0.0), 1.0);
        assert!((db_to_gain(-6.0) - 0.501_187).abs() < 1e-6);
        assert!((db_to_gain(20.0) - 10.0).abs() < 1e-5);
        assert_eq!(db_to_gain(-200.0), 0.0);
        assert!((gain_to_db(0.5) + 6.0206).abs() < 1e-4);
        assert_eq!(gain_to_db(0.0), f32::NEG_INFINITY);
    }

    #[test]
    fn mixing_at_unity_adds_exactly() {
        let mut out = [0.25f32, -0.5];
        mix_into(&mut out, &[0.125, 0.75], 1.0);
        assert_eq!(out, [0.375, 0.25]);
        mix_into(&mut out, &[1.0, 1.0], 0.5);
        assert_eq!(out, [0.875, 0.75]);
    }
}
