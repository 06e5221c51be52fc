//! What an operation group (an effect) on audio means to the mix: clip
//! gain and level keyframes (Audio Gain's amplitude, a constant or varying
//! multiplier), pan, and the shape of a dissolve. Values come as AAF
//! indirect values (a byte-order byte, a 16-byte type id, the value);
//! rationals and integers are read, anything else is left out.

use super::defs::{interpolation, parameter, pid, Auid};
use super::store::{rational, Object, Store};
use crate::import::ImportError;
use crate::model::FadeShape;

/// A parameter of an effect: a constant, or control points at times that
/// are fractions of the effect's length.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Constant(f64),
    Varying {
        interpolation: Option<Auid>,
        points: Vec<(f64, f64)>,
    },
}

/// The parameters of an operation group, by definition.
pub fn parameters(store: &Store, op: &Object) -> Result<Vec<(Auid, Value)>, ImportError> {
    let mut out = Vec::new();
    for p in store.children(op, pid::OPERATION_PARAMETERS)? {
        let Some(def) = p.auid(pid::PARAMETER_DEF) else {
            continue;
        };
        if let Some(v) = p.prop(pid::CONSTANT_VALUE) {
            if let Some(v) = indirect(&v.data) {
                out.push((def, Value::Constant(v)));
            }
        } else if p.prop(pid::VARYING_POINTS).is_some() {
            let mut points = Vec::new();
            for cp in store.children(&p, pid::VARYING_POINTS)? {
                let time = cp
                    .rational(pid::CONTROL_POINT_TIME)
                    .filter(|&(_, d)| d != 0)
                    .map(|(n, d)| f64::from(n) / f64::from(d));
                let value = cp
                    .prop(pid::CONTROL_POINT_VALUE)
                    .and_then(|v| indirect(&v.data));
                if let (Some(t), Some(v)) = (time, value) {
                    points.push((t, v));
                }
            }
            out.push((
                def,
                Value::Varying {
                    interpolation: p.weak_auid(pid::VARYING_INTERPOLATION),
                    points,
                },
            ));
        }
    }
    Ok(out)
}

/// An indirect value as a number: a rational, or a 1-, 2-, 4- or 8-byte integer.
fn indirect(data: &[u8]) -> Option<f64> {
    let value = data.get(17..)?;
    match value.len() {
        8 if is_rational_type(data) => rational(value)
            .filter(|&(_, d)| d != 0)
            .map(|(n, d)| f64::from(n) / f64::from(d)),
        1 => Some(f64::from(value[0])),
        2 => Some(f64::from(i16::from_le_bytes([value[0], value[1]]))),
        4 => Some(f64::from(i32::from_le_bytes(value.try_into().ok()?))),
        8 => Some(i64::from_le_bytes(value.try_into().ok()?) as f64),
        _ => None,
    }
}

/// The type id of the AAF Rational type.
fn is_rational_type(data: &[u8]) -> bool {
    const RATIONAL: Auid = Auid::new(
        0x0301_0100,
        0x0000,
        0x0000,
        [0x06, 0x0e, 0x2b, 0x34, 0x01, 0x04, 0x01, 0x01],
    );
    Auid::from_bytes(&data[1..]).is_some_and(|t| t == RATIONAL)
}

/// A level multiplier in dB (silence as -96 dB).
pub fn db(amplitude: f64) -> f32 {
    if amplitude <= 0.0 || !amplitude.is_finite() {
        -96.0
    } else {
        ((20.0 * amplitude.log10()) as f32).max(-96.0)
    }
}

/// The fade shape a dissolve's parameters ask for: Media Composer's curve
/// type where given, else the level curve's interpolation; linear by default.
pub fn dissolve_shape(params: &[(Auid, Value)]) -> FadeShape {
    for (def, value) in params {
        if *def == parameter::AVID_CURVE_TYPE {
            if let Value::Constant(c) = value {
                return if *c == 1.0 {
                    FadeShape::EqualPower
                } else {
                    FadeShape::Linear
                };
            }
        }
    }
    for (_, value) in params {
        if let Value::Varying {
            interpolation: Some(i),
            ..
        } = value
        {
            if *i == interpolation::POWER {
                return FadeShape::EqualPower;
            }
            if *i == interpolation::LOG {
                return FadeShape::Logarithmic;
            }
        }
    }
    FadeShape::Linear
}

/// Control points of a level multiplier as (fraction of the length, dB),
/// with points added between them so that a straight line in dB follows
/// AAF's straight line in amplitude to within a fraction of a dB.
pub fn level_points(points: &[(f64, f64)], interp: Option<Auid>) -> Vec<(f64, f32)> {
    const STEPS: usize = 8;
    let stepped = interp == Some(interpolation::CONSTANT) || interp == Some(interpolation::NONE);
    let mut out = Vec::new();
    for (i, &(t, a)) in points.iter().enumerate() {
        if let Some(&(t0, a0)) = i.checked_sub(1).and_then(|j| points.get(j)) {
            if stepped {
                out.push((t, db(a0)));
            } else if (db(a) - db(a0)).abs() > 1.0 && t > t0 {
                for k in 1..STEPS {
                    let x = k as f64 / STEPS as f64;
                    out.push((t0 + (t - t0) * x, db(a0 + (a - a0) * x)));
                }
            }
        }
        out.push((t, db(a)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_decibels_and_ramps_follow_the_amplitude() {
        assert!((db(2.0) - 6.0206).abs() < 1e-3);
        assert_eq!(db(0.0), -96.0);
        let p = level_points(&[(0.0, 1.0), (1.0, 0.0)], Some(interpolation::LINEAR));
        assert_eq!(p.len(), 9);
        // Half way in amplitude is -6 dB, not -48 dB.
        assert!((p[4].1 - db(0.5)).abs() < 1e-4, "{p:?}");
        let flat = level_points(&[(0.0, 1.0), (1.0, 1.0)], None);
        assert_eq!(flat.len(), 2);
    }
}
