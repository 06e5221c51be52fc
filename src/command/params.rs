//! The strip parameters as a person types and steps them: every
//! channel-strip parameter of a track or bus (denoiser, trim, polarity, hum
//! remover, filters, EQ bands, gate, compressor, reverb) and the true-peak limiter of a stem or the
//! printmaster, by name, with its unit, the series it steps along, how it
//! is shown and parsed; and which one the console has picked.

use super::strip::StripId;
use crate::model::limiter::LimiterParam;
use crate::model::strip::StripParam;

/// What a parameter name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// On a track's or bus's channel strip.
    Strip(StripParam),
    /// On a stem's or the printmaster's limiter.
    Limiter(LimiterParam),
}

/// How a parameter's value reads, parses and steps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unit {
    /// Decibels, stepped by this much.
    Db(f32),
    /// A true-peak ceiling in dBTP, stepped by 0.1 dB.
    Ceiling,
    /// Hertz, stepped along the third-octave series.
    Hz,
    /// Milliseconds, stepped along [`TIMES_MS`].
    Ms,
    /// A ratio, stepped along [`RATIOS`].
    Ratio,
    /// A bandwidth, stepped along [`QS`].
    Q,
    /// On or off.
    Switch,
    /// Normal or inverted.
    Polarity,
    /// 12 or 24 dB/octave.
    Slope,
    /// Low shelf, bell, high shelf.
    Shape,
    /// Seconds, stepped along [`DECAYS_S`].
    Seconds,
    /// A share in %, stepped by 5.
    Percent,
    /// The mains frequency: 50 or 60 Hz.
    Mains,
    /// A whole number (of harmonics), stepped by 1.
    Count,
}

/// One parameter: its name on the `:` line and in keymaps.
#[derive(Debug, Clone, Copy)]
pub struct ParamSpec {
    pub name: &'static str,
    pub param: Param,
    pub unit: Unit,
}

const fn s(name: &'static str, param: StripParam, unit: Unit) -> ParamSpec {
    ParamSpec {
        name,
        param: Param::Strip(param),
        unit,
    }
}

const fn l(name: &'static str, param: LimiterParam, unit: Unit) -> ParamSpec {
    ParamSpec {
        name,
        param: Param::Limiter(param),
        unit,
    }
}

use StripParam as P;

/// Every parameter, in signal order: the channel strip's, then the limiter's.
pub static PARAMS: &[ParamSpec] = &[
    s("denoise.on", P::DenoiseOn, Unit::Switch),
    s("denoise.amount", P::DenoiseAmount, Unit::Db(1.0)),
    s("denoise.sensitivity", P::DenoiseSensitivity, Unit::Db(1.0)),
    s("denoise.smoothing", P::DenoiseSmoothing, Unit::Percent),
    s("trim", P::Trim, Unit::Db(0.5)),
    s("polarity", P::Invert, Unit::Polarity),
    s("hum.on", P::HumOn, Unit::Switch),
    s("hum.freq", P::HumFreq, Unit::Mains),
    s("hum.harmonics", P::HumHarmonics, Unit::Count),
    s("hpf.on", P::HpfOn, Unit::Switch),
    s("hpf.freq", P::HpfFreq, Unit::Hz),
    s("hpf.slope", P::HpfSlope24, Unit::Slope),
    s("lpf.on", P::LpfOn, Unit::Switch),
    s("lpf.freq", P::LpfFreq, Unit::Hz),
    s("lpf.slope", P::LpfSlope24, Unit::Slope),
    s("eq1.on", P::EqOn(0), Unit::Switch),
    s("eq1.type", P::EqKind(0), Unit::Shape),
    s("eq1.freq", P::EqFreq(0), Unit::Hz),
    s("eq1.gain", P::EqGain(0), Unit::Db(0.5)),
    s("eq1.q", P::EqQ(0), Unit::Q),
    s("eq2.on", P::EqOn(1), Unit::Switch),
    s("eq2.type", P::EqKind(1), Unit::Shape),
    s("eq2.freq", P::EqFreq(1), Unit::Hz),
    s("eq2.gain", P::EqGain(1), Unit::Db(0.5)),
    s("eq2.q", P::EqQ(1), Unit::Q),
    s("eq3.on", P::EqOn(2), Unit::Switch),
    s("eq3.type", P::EqKind(2), Unit::Shape),
    s("eq3.freq", P::EqFreq(2), Unit::Hz),
    s("eq3.gain", P::EqGain(2), Unit::Db(0.5)),
    s("eq3.q", P::EqQ(2), Unit::Q),
    s("eq4.on", P::EqOn(3), Unit::Switch),
    s("eq4.type", P::EqKind(3), Unit::Shape),
    s("eq4.freq", P::EqFreq(3), Unit::Hz),
    s("eq4.gain", P::EqGain(3), Unit::Db(0.5)),
    s("eq4.q", P::EqQ(3), Unit::Q),
    s("gate.on", P::GateOn, Unit::Switch),
    s("gate.threshold", P::GateThreshold, Unit::Db(1.0)),
    s("gate.ratio", P::GateRatio, Unit::Ratio),
    s("gate.range", P::GateRange, Unit::Db(1.0)),
    s("gate.attack", P::GateAttack, Unit::Ms),
    s("gate.hold", P::GateHold, Unit::Ms),
    s("gate.release", P::GateRelease, Unit::Ms),
    s("comp.on", P::CompOn, Unit::Switch),
    s("comp.threshold", P::CompThreshold, Unit::Db(1.0)),
    s("comp.ratio", P::CompRatio, Unit::Ratio),
    s("comp.knee", P::CompKnee, Unit::Db(1.0)),
    s("comp.attack", P::CompAttack, Unit::Ms),
    s("comp.release", P::CompRelease, Unit::Ms),
    s("comp.makeup", P::CompMakeup, Unit::Db(0.5)),
    s("reverb.on", P::ReverbOn, Unit::Switch),
    s("reverb.predelay", P::ReverbPredelay, Unit::Ms),
    s("reverb.decay", P::ReverbDecay, Unit::Seconds),
    s("reverb.size", P::ReverbSize, Unit::Percent),
    s("reverb.damping", P::ReverbDamping, Unit::Percent),
    s("reverb.early", P::ReverbEarly, Unit::Db(1.0)),
    s("reverb.width", P::ReverbWidth, Unit::Percent),
    s("reverb.mix", P::ReverbMix, Unit::Percent),
    l("limiter.on", LimiterParam::On, Unit::Switch),
    l("limiter.ceiling", LimiterParam::Ceiling, Unit::Ceiling),
    l("limiter.release", LimiterParam::Release, Unit::Ms),
];

/// Index in [`PARAMS`] of the first limiter parameter.
pub(super) const FIRST_LIMITER: usize = 57;

/// Third-octave centre frequencies (ISO 266), 10 Hz to 20 kHz.
pub const THIRD_OCTAVES: [f32; 34] = [
    10.0, 12.5, 16.0, 20.0, 25.0, 31.5, 40.0, 50.0, 63.0, 80.0, 100.0, 125.0, 160.0, 200.0, 250.0,
    315.0, 400.0, 500.0, 630.0, 800.0, 1000.0, 1250.0, 1600.0, 2000.0, 2500.0, 3150.0, 4000.0,
    5000.0, 6300.0, 8000.0, 10000.0, 12500.0, 16000.0, 20000.0,
];
/// Attack, hold and release times, ms.
pub const TIMES_MS: [f32; 28] = [
    0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 7.0, 10.0, 15.0, 20.0, 30.0, 50.0, 70.0,
    100.0, 150.0, 200.0, 300.0, 500.0, 700.0, 1000.0, 1500.0, 2000.0, 5000.0,
];
/// Compressor and expander ratios.
pub const RATIOS: [f32; 16] = [
    1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 15.0, 20.0, 30.0, 50.0, 100.0,
];
/// Reverb decay times (RT60), seconds.
pub const DECAYS_S: [f32; 24] = [
    0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0,
    6.0, 8.0, 10.0, 15.0, 20.0,
];
/// EQ bandwidths (Q).
pub const QS: [f32; 23] = [
    0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.707, 0.8, 1.0, 1.2, 1.4, 1.7, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0,
    8.0, 10.0, 12.0, 16.0, 20.0,
];

/// The parameter called `name` (any case; `invert` is `polarity`).
pub fn find(name: &str) -> Option<usize> {
    let name = name.to_ascii_lowercase();
    let name = match name.as_str() {
        "invert" | "phase" => "polarity",
        n => n,
    };
    PARAMS.iter().position(|p| p.name == name)
}

/// The next value along `series` from `value`, `steps` times (down when negative).
fn along(series: &[f32], value: f32, steps: i32) -> f32 {
    let mut v = value;
    for _ in 0..steps.unsigned_abs() {
        let next = if steps > 0 {
            series.iter().copied().find(|&x| x > v + v.abs() * 1e-3)
        } else {
            series
                .iter()
                .rev()
                .copied()
                .find(|&x| x < v - v.abs() * 1e-3)
        };
        match next {
            Some(x) => v = x,
            None => break,
        }
    }
    v
}

/// `value` moved `steps` steps of `unit` (down when negative).
pub fn step(unit: Unit, value: f32, steps: i32) -> f32 {
    let add = |size: f32| {
        let v = value + size * steps as f32;
        (v * 100.0).round() / 100.0
    };
    match unit {
        Unit::Db(size) => add(size),
        Unit::Ceiling => add(0.1),
        Unit::Hz => along(&THIRD_OCTAVES, value, steps),
        Unit::Ms => along(&TIMES_MS, value, steps),
        Unit::Ratio => along(&RATIOS, value, steps),
        Unit::Q => along(&QS, value, steps),
        Unit::Switch | Unit::Polarity | Unit::Slope => match steps.signum() {
            1 => 1.0,
            -1 => 0.0,
            _ => value,
        },
        Unit::Shape => (value + steps as f32).clamp(0.0, 2.0),
        Unit::Seconds => along(&DECAYS_S, value, steps),
        Unit::Percent => (add(5.0)).clamp(0.0, 100.0),
        Unit::Mains => along(&[50.0, 60.0], value, steps),
        Unit::Count => (value + steps as f32).clamp(1.0, 8.0),
    }
}

/// `x` with at most `decimals` decimals, trailing zeros dropped.
fn number(x: f32, decimals: usize) -> String {
    let text = format!("{x:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    if text == "-0" {
        "0".into()
    } else {
        text
    }
}

/// A value for people: `-3.0 dB`, `2.5 kHz`, `4:1`, `bell`.
pub fn show(unit: Unit, value: f32) -> String {
    match unit {
        Unit::Db(size) if size < 1.0 => format!("{value:+.1} dB"),
        Unit::Db(_) => format!("{} dB", number(value, 1)),
        Unit::Ceiling => format!("{value:.1} dBTP"),
        Unit::Hz if value >= 1000.0 => format!("{} kHz", number(value / 1000.0, 2)),
        Unit::Hz => format!("{} Hz", number(value, 1)),
        Unit::Ms => format!("{} ms", number(value, 1)),
        Unit::Ratio => format!("{}:1", number(value, 1)),
        Unit::Q => format!("Q {value:.2}"),
        Unit::Switch => if value >= 0.5 { "on" } else { "off" }.into(),
        Unit::Polarity => if value >= 0.5 { "inverted" } else { "normal" }.into(),
        Unit::Slope => if value >= 0.5 {
            "24 dB/oct"
        } else {
            "12 dB/oct"
        }
        .into(),
        Unit::Shape => match value.round() as i32 {
            i32::MIN..=0 => "low shelf",
            1 => "bell",
            _ => "high shelf",
        }
        .into(),
        Unit::Seconds => format!("{} s", number(value, 2)),
        Unit::Percent => format!("{}%", number(value, 0)),
        Unit::Mains => format!("{} Hz", number(value, 1)),
        Unit::Count => number(value, 0),
    }
}

/// Words a value of `unit` may be typed as, for completion.
pub fn value_words(unit: Unit) -> &'static [&'static str] {
    match unit {
        Unit::Switch => &["on", "off", "toggle"],
        Unit::Polarity => &["normal", "inverted", "toggle"],
        Unit::Slope => &["12", "24"],
        Unit::Shape => &["low-shelf", "bell", "high-shelf"],
        _ => &[],
    }
}

/// A number, with its unit's suffix (`dB`, `Hz`, `k`, `ms`, `s`, `:1`) allowed.
fn parse_number(text: &str, unit: Unit) -> Option<f32> {
    let t = text.trim().to_ascii_lowercase();
    let (t, scale) = match unit {
        Unit::Db(_) | Unit::Ceiling => (
            t.trim_end_matches("dbtp")
                .trim_end_matches("db")
                .to_string(),
            1.0,
        ),
        Unit::Hz => {
            let t = t.trim_end_matches("hz");
            match t.strip_suffix('k') {
                Some(k) => (k.to_string(), 1000.0),
                None => (t.to_string(), 1.0),
            }
        }
        Unit::Ms => match t.strip_suffix("ms") {
            Some(ms) => (ms.to_string(), 1.0),
            None => match t.strip_suffix('s') {
                Some(sec) => (sec.to_string(), 1000.0),
                None => (t, 1.0),
            },
        },
        Unit::Ratio => (t.trim_end_matches(":1").to_string(), 1.0),
        Unit::Mains => (t.trim_end_matches("hz").to_string(), 1.0),
        Unit::Percent => (t.trim_end_matches('%').to_string(), 1.0),
        Unit::Seconds => match t.strip_suffix("ms") {
            Some(ms) => (ms.to_string(), 1e-3),
            None => (t.trim_end_matches('s').to_string(), 1.0),
        },
        _ => (t, 1.0),
    };
    t.trim()
        .parse::<f32>()
        .ok()
        .map(|x| x * scale)
        .filter(|x| x.is_finite())
}

/// What `text` sets a parameter of `unit` to, given its value `now`.
pub fn parse(unit: Unit, text: &str, now: f32) -> Result<f32, String> {
    let t = text.trim().to_ascii_lowercase();
    let on = now >= 0.5;
    let flag = |yes: &[&str], no: &[&str]| {
        if t == "toggle" {
            Some(if on { 0.0 } else { 1.0 })
        } else if yes.contains(&t.as_str()) {
            Some(1.0)
        } else if no.contains(&t.as_str()) {
            Some(0.0)
        } else {
            None
        }
    };
    let value = match unit {
        Unit::Switch => flag(&["on", "1", "yes", "true"], &["off", "0", "no", "false"]),
        Unit::Polarity => flag(
            &["inverted", "invert", "on", "1", "-"],
            &["normal", "off", "0", "+"],
        ),
        Unit::Slope => match t.trim_end_matches("/oct").trim_end_matches("db") {
            "24" => Some(1.0),
            "12" => Some(0.0),
            _ => None,
        },
        Unit::Shape => match t.replace(['-', '_', ' '], "").as_str() {
            "lowshelf" | "low" | "ls" => Some(0.0),
            "bell" | "peak" | "bl" => Some(1.0),
            "highshelf" | "high" | "hs" => Some(2.0),
            _ => None,
        },
        _ => parse_number(&t, unit),
    };
    value.ok_or_else(|| {
        let hint = match unit {
            Unit::Db(_) | Unit::Ceiling => "a level in dB, like -3",
            Unit::Hz => "a frequency, like 80 or 2.5k",
            Unit::Ms => "a time in ms, like 120",
            Unit::Ratio => "a ratio, like 4 or 4:1",
            Unit::Q => "a Q, like 0.7",
            Unit::Switch => "on, off or toggle",
            Unit::Polarity => "normal, inverted or toggle",
            Unit::Slope => "12 or 24",
            Unit::Shape => "low-shelf, bell or high-shelf",
            Unit::Seconds => "a time in seconds, like 1.2 or 800ms",
            Unit::Percent => "a share in %, like 30",
            Unit::Mains => "the mains frequency, 50 or 60",
            Unit::Count => "a whole number, like 4",
        };
        format!("{text:?}: {hint}")
    })
}

/// Which parameters a strip has: a range of [`PARAMS`].
pub(super) fn family(strip: StripId) -> Option<std::ops::Range<usize>> {
    match strip {
        StripId::Track(_) | StripId::Bus(_) => Some(0..FIRST_LIMITER),
        StripId::Stem(_) | StripId::Printmaster => Some(FIRST_LIMITER..PARAMS.len()),
        StripId::Me => None,
    }
}

/// The console's view of the processing: the panel, and the parameter
/// picked for stepping on a strip and on a limiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Processing {
    /// Show the selected strip's processing in place of the mixer.
    pub panel: bool,
    strip_pick: usize,
    limiter_pick: usize,
    /// An LV2 insert's control (slot, port index), picked over `strip_pick`.
    insert_pick: Option<(u8, u16)>,
}

impl Default for Processing {
    fn default() -> Processing {
        Processing {
            panel: false,
            strip_pick: 0,
            limiter_pick: FIRST_LIMITER + 1,
            insert_pick: None,
        }
    }
}

impl Processing {
    /// The parameter (index in [`PARAMS`]) picked for a strip like `strip`.
    pub fn picked(&self, strip: StripId) -> Option<usize> {
        match family(strip)? {
            r if r.start == 0 => Some(self.strip_pick),
            _ => Some(self.limiter_pick),
        }
    }

    /// The insert control picked (slot, port index), if one is.
    pub fn picked_insert(&self) -> Option<(u8, u16)> {
        self.insert_pick
    }

    pub(super) fn pick_insert(&mut self, slot: u8, port: u16) {
        self.insert_pick = Some((slot, port));
    }

    pub(super) fn pick(&mut self, index: usize) {
        if index < FIRST_LIMITER {
            self.insert_pick = None;
            self.strip_pick = index;
        } else {
            self.limiter_pick = index;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_order_and_every_name_is_found() {
        assert_eq!(PARAMS[FIRST_LIMITER].name, "limiter.on");
        assert!(PARAMS[..FIRST_LIMITER]
            .iter()
            .all(|p| matches!(p.param, Param::Strip(_))));
        for (i, p) in PARAMS.iter().enumerate() {
            assert_eq!(find(p.name), Some(i), "{}", p.name);
        }
        assert_eq!(find("INVERT"), find("polarity"));
    }

    #[test]
    fn steps_suit_each_unit() {
        assert_eq!(step(Unit::Hz, 80.0, 1), 100.0);
        assert_eq!(step(Unit::Hz, 80.0, 3), 160.0, "three thirds: an octave");
        assert_eq!(
            step(Unit::Hz, 90.0, -1),
            80.0,
            "off the grid: the next below"
        );
        assert_eq!(step(Unit::Hz, 20_000.0, 2), 20_000.0, "stops at the top");
        assert_eq!(step(Unit::Db(0.5), -3.0, 3), -1.5);
        assert_eq!(step(Unit::Ceiling, -2.0, 5), -1.5);
        assert_eq!(step(Unit::Ratio, 3.0, 1), 4.0);
        assert_eq!(step(Unit::Ms, 120.0, -1), 100.0);
        assert_eq!(step(Unit::Q, 0.707, 1), 0.8);
        assert_eq!(step(Unit::Shape, 1.0, 5), 2.0);
        assert_eq!(step(Unit::Switch, 0.0, 1), 1.0);
        assert_eq!(step(Unit::Seconds, 1.2, 1), 1.4);
        assert_eq!(step(Unit::Seconds, 1.2, -3), 0.7);
        assert_eq!(step(Unit::Percent, 95.0, 2), 100.0);
        assert_eq!(step(Unit::Mains, 50.0, 1), 60.0);
        assert_eq!(step(Unit::Mains, 60.0, -1), 50.0);
        assert_eq!(step(Unit::Count, 4.0, -5), 1.0);
    }

    #[test]
    fn values_parse_with_their_units_and_read_back() {
        assert_eq!(parse(Unit::Hz, "2.5k", 0.0), Ok(2500.0));
        assert_eq!(parse(Unit::Hz, "80Hz", 0.0), Ok(80.0));
        assert_eq!(parse(Unit::Db(0.5), "-3dB", 0.0), Ok(-3.0));
        assert_eq!(parse(Unit::Ms, "1.5s", 0.0), Ok(1500.0));
        assert_eq!(parse(Unit::Ratio, "4:1", 0.0), Ok(4.0));
        assert_eq!(parse(Unit::Switch, "toggle", 1.0), Ok(0.0));
        assert_eq!(parse(Unit::Shape, "High-Shelf", 0.0), Ok(2.0));
        assert_eq!(parse(Unit::Slope, "24dB/oct", 0.0), Ok(1.0));
        assert!(parse(Unit::Hz, "loud", 0.0).is_err());
        assert!(parse(Unit::Db(0.5), "nan", 0.0).is_err());
        assert_eq!(show(Unit::Hz, 2500.0), "2.5 kHz");
        assert_eq!(show(Unit::Hz, 31.5), "31.5 Hz");
        assert_eq!(show(Unit::Db(0.5), -3.0), "-3.0 dB");
        assert_eq!(show(Unit::Db(1.0), -20.0), "-20 dB");
        assert_eq!(show(Unit::Ratio, 1.5), "1.5:1");
        assert_eq!(show(Unit::Ceiling, -1.0), "-1.0 dBTP");
        assert_eq!(parse(Unit::Seconds, "800ms", 0.0), Ok(0.8));
        assert_eq!(parse(Unit::Seconds, "2.5s", 0.0), Ok(2.5));
        assert_eq!(parse(Unit::Percent, "30%", 0.0), Ok(30.0));
        assert_eq!(parse(Unit::Mains, "60Hz", 0.0), Ok(60.0));
        assert!(parse(Unit::Count, "many", 0.0).is_err());
        assert_eq!(show(Unit::Seconds, 1.25), "1.25 s");
        assert_eq!(show(Unit::Percent, 30.0), "30%");
        assert_eq!(show(Unit::Mains, 60.0), "60 Hz");
    }
}
