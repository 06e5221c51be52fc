//! MIDI CC learn for generic fader boxes: what a learned CC's value
//! (0..127) sets. Faders follow the surface fader law, pans go from hard
//! left to hard right, mutes and solos switch at the middle, and strip
//! parameters sweep their range (frequencies and times along the steps
//! their keys take).

use crate::command::desk::Desk;
use crate::command::params::{Unit, DECAYS_S, PARAMS, QS, RATIOS, THIRD_OCTAVES, TIMES_MS};
use crate::command::strip::StripId;
use crate::command::surface_setup::LearnTarget;
use crate::model::surface::CcBinding;

use super::mcu::db_of_position;

/// The binding of channel `channel` (0..15 on the wire) CC `cc`.
pub fn find(bindings: &[CcBinding], channel: u8, cc: u8) -> Option<&CcBinding> {
    bindings
        .iter()
        .find(|b| b.channel == channel + 1 && b.cc == cc)
}

/// A value along a ladder of steps.
fn along(ladder: &[f32], x: f32) -> f32 {
    let i = (x * (ladder.len() - 1) as f32).round() as usize;
    ladder[i.min(ladder.len() - 1)]
}

/// What a CC at `value` (0..127) sets a parameter of `unit` to.
pub fn param_value(name: &str, unit: Unit, value: u8) -> f32 {
    let x = value.min(127) as f32 / 127.0;
    match unit {
        Unit::Db(_) if name.ends_with("threshold") => (-60.0 + 60.0 * x).round(),
        Unit::Db(_) if name.ends_with("range") => (-80.0 + 80.0 * x).round(),
        Unit::Db(_) if name.ends_with("makeup") || name.ends_with("knee") => (24.0 * x).round(),
        Unit::Db(_) => ((-24.0 + 48.0 * x) * 2.0).round() / 2.0,
        Unit::Ceiling => ((-20.0 + 20.0 * x) * 10.0).round() / 10.0,
        Unit::Hz => along(&THIRD_OCTAVES, x),
        Unit::Ms => along(&TIMES_MS, x),
        Unit::Ratio => along(&RATIOS, x),
        Unit::Q => along(&QS, x),
        Unit::Switch | Unit::Polarity | Unit::Slope => (value >= 64) as u8 as f32,
        Unit::Shape => along(&[0.0, 1.0, 2.0], x),
        Unit::Seconds => along(&DECAYS_S, x),
        Unit::Percent => (100.0 * x).round(),
        Unit::Mains => along(&[50.0, 60.0], x),
        Unit::Count => along(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], x),
    }
}

/// Move the learned control `target` to `value` (0..127).
pub fn apply(desk: &mut Desk, target: &LearnTarget, value: u8) -> Result<(), String> {
    let strips = StripId::all(&desk.session);
    let strip = |place: usize| {
        strips
            .get(place)
            .copied()
            .ok_or_else(|| format!("strip {} is gone", place + 1))
    };
    let x = value.min(127) as f32 / 127.0;
    match *target {
        LearnTarget::Fader(place) => desk.set_fader(strip(place)?, db_of_position(x)).map(|_| ()),
        LearnTarget::Pan(place) => desk.set_pan(strip(place)?, x * 2.0 - 1.0).map(|_| ()),
        LearnTarget::Mute(place) => desk.set_mute(strip(place)?, value >= 64),
        LearnTarget::Solo(place) => desk.set_solo(strip(place)?, value >= 64),
        LearnTarget::Param(i) => {
            let spec = &PARAMS[i];
            let strip = desk.strip_id();
            let v = param_value(spec.name, spec.unit, value);
            desk.set_param(strip, spec.param, v).map(|_| ())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cc_values_sweep_the_parameter_ranges() {
        assert_eq!(param_value("hpf.freq", Unit::Hz, 0), 10.0);
        assert_eq!(param_value("hpf.freq", Unit::Hz, 127), 20_000.0);
        assert_eq!(param_value("trim", Unit::Db(0.5), 0), -24.0);
        assert_eq!(param_value("trim", Unit::Db(0.5), 127), 24.0);
        assert_eq!(param_value("comp.threshold", Unit::Db(1.0), 127), 0.0);
        assert_eq!(param_value("reverb.decay", Unit::Seconds, 0), DECAYS_S[0]);
        assert_eq!(
            param_value("reverb.decay", Unit::Seconds, 127),
            DECAYS_S[DECAYS_S.len() - 1]
        );
        assert_eq!(param_value("reverb.mix", Unit::Percent, 127), 100.0);
        assert_eq!(param_value("hum.freq", Unit::Mains, 0), 50.0);
        assert_eq!(param_value("hum.harmonics", Unit::Count, 127), 8.0);
        assert_eq!(param_value("comp.threshold", Unit::Db(1.0), 0), -60.0);
        assert_eq!(param_value("hpf.on", Unit::Switch, 63), 0.0);
        assert_eq!(param_value("hpf.on", Unit::Switch, 64), 1.0);
        assert_eq!(param_value("comp.ratio", Unit::Ratio, 127), 100.0);
        let mut last = 0.0;
        for v in 0..=127 {
            let f = param_value("lpf.freq", Unit::Hz, v);
            assert!(f >= last);
            last = f;
        }
    }

    #[test]
    fn bindings_are_found_by_channel_and_cc() {
        let b = vec![
            CcBinding {
                channel: 1,
                cc: 7,
                control: "fader 1".into(),
            },
            CcBinding {
                channel: 2,
                cc: 7,
                control: "fader 2".into(),
            },
        ];
        assert_eq!(find(&b, 1, 7).map(|b| b.control.as_str()), Some("fader 2"));
        assert_eq!(find(&b, 0, 7).map(|b| b.control.as_str()), Some("fader 1"));
        assert!(find(&b, 0, 8).is_none());
    }
}
