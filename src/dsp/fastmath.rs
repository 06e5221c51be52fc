//! Fast base-2 logarithm and exponential for per-sample dynamics, where
//! `log10` and `powf` would cost more than all the filters together. Both
//! split off the float's exponent and approximate the rest with a short
//! series; the error is about a millionth of a dB, far below hearing.

/// log2(x) for x > 0 (x <= 0 gives a very large negative number).
#[inline]
pub fn log2(x: f32) -> f32 {
    if x <= 1e-30 {
        return -100.0;
    }
    let bits = x.to_bits();
    let exponent = ((bits >> 23) & 0xFF) as i32 - 127;
    // The mantissa as a number in [1, 2).
    let m = f32::from_bits((bits & 0x007F_FFFF) | 0x3F80_0000);
    // ln(m) = 2 atanh(t) with t = (m - 1) / (m + 1), |t| < 1/3.
    let t = (m - 1.0) / (m + 1.0);
    let t2 = t * t;
    let ln =
        2.0 * t * (1.0 + t2 * (1.0 / 3.0 + t2 * (1.0 / 5.0 + t2 * (1.0 / 7.0 + t2 * (1.0 / 9.0)))));
    exponent as f32 + ln * std::f32::consts::LOG2_E
}

/// 2^x, for x within about -126..127 (clamped beyond).
#[inline]
pub fn exp2(x: f32) -> f32 {
    let x = x.clamp(-126.0, 127.0);
    // floor without a library call: truncate, then step down for negatives.
    let truncated = x as i32 as f32;
    let whole = truncated - (truncated > x) as u32 as f32;
    let y = (x - whole) * std::f32::consts::LN_2;
    // e^y for y in [0, ln 2): Taylor to the seventh power.
    let e = 1.0
        + y * (1.0
            + y * (1.0 / 2.0
                + y * (1.0 / 6.0
                    + y * (1.0 / 24.0
                        + y * (1.0 / 120.0 + y * (1.0 / 720.0 + y * (1.0 / 5040.0)))))));
    f32::from_bits(((whole as i32 + 127) as u32) << 23) * e
}

/// 20 log10(x): a level in dB.
#[inline]
pub fn to_db(x: f32) -> f32 {
    // 20 log10(2)
    6.020_6 * log2(x)
}

/// 10^(db / 20): a gain from dB.
#[inline]
pub fn from_db(db: f32) -> f32 {
    exp2(db * (1.0 / 6.020_6))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_to_the_library_functions() {
        let mut x = 1e-9f32;
        while x < 1e9 {
            let err = (log2(x) - x.log2()).abs();
            assert!(err < 2e-6 * x.log2().abs().max(1.0), "log2({x}): {err}");
            x *= 1.37;
        }
        let mut y = -100.0f32;
        while y < 100.0 {
            let want = 2f32.powf(y);
            assert!(((exp2(y) - want) / want).abs() < 2e-6, "exp2({y})");
            y += 0.173;
        }
        for db in [-60.0f32, -20.0, -6.0, 0.0, 3.0, 12.0] {
            assert!((to_db(from_db(db)) - db).abs() < 1e-4);
            assert!((from_db(db) - 10f32.powf(db / 20.0)).abs() / 10f32.powf(db / 20.0) < 1e-5);
        }
        assert_eq!(exp2(0.0), 1.0);
    }
}
