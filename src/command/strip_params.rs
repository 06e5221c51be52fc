//! The selected strip's processing from the keyboard: every channel-strip
//! parameter of a track or bus (trim, polarity, filters, EQ bands, gate,
//! compressor) and the true-peak limiter of a stem or the printmaster.
//!
//! By name on the `:` line, `:strip hpf.freq 80`, `:strip eq2.gain -3`,
//! `:strip comp.on on` (Tab completes names and words); or picked with a
//! key (`sh` the high-pass, `s2` EQ band 2, `sL` the limiter...) and
//! stepped with counts (`3)`, `(`, `<C-a>`) in steps that suit the
//! parameter: frequencies along the third-octave series (80, 100, 125 Hz),
//! gains in 0.5 dB, thresholds in 1 dB, ceilings in 0.1 dB, times and
//! ratios along 1-1.5-2-3-5-7 style series. Every change is an edit
//! (undoable, repeated by `.`): the session first, then the engine.

use super::desk::Desk;
use super::registry::{desk, Args, CommandSpec, Kind};
use super::strip::StripId;
use crate::engine::msg::ToEngine;
use crate::engine::output::PM_LIMITER;
use crate::model::limiter::{Limiter, LimiterParam};
use crate::model::strip::{Strip, StripParam};

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
    s("trim", P::Trim, Unit::Db(0.5)),
    s("polarity", P::Invert, Unit::Polarity),
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
    l("limiter.on", LimiterParam::On, Unit::Switch),
    l("limiter.ceiling", LimiterParam::Ceiling, Unit::Ceiling),
    l("limiter.release", LimiterParam::Release, Unit::Ms),
];

/// Index in [`PARAMS`] of the first limiter parameter.
const FIRST_LIMITER: usize = 42;

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
        };
        format!("{text:?}: {hint}")
    })
}

/// Which parameters a strip has: a range of [`PARAMS`].
fn family(strip: StripId) -> Option<std::ops::Range<usize>> {
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
}

impl Default for Processing {
    fn default() -> Processing {
        Processing {
            panel: false,
            strip_pick: 0,
            limiter_pick: FIRST_LIMITER + 1,
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

    fn pick(&mut self, index: usize) {
        if index < FIRST_LIMITER {
            self.strip_pick = index;
        } else {
            self.limiter_pick = index;
        }
    }
}

/// Why `strip` does not have `param`.
fn no_such(strip: StripId, param: Param) -> String {
    match (strip, param) {
        (StripId::Me, _) => {
            "the M&E has no processing: it is MX + FX after their faders and limiters".into()
        }
        (_, Param::Limiter(_)) => format!(
            "a {} has no limiter: limiters are on the stems and the printmaster (gd, gp)",
            strip.kind()
        ),
        _ => format!(
            "the {} has a true-peak limiter, not a channel strip: limiter.on, limiter.ceiling, limiter.release",
            strip.kind()
        ),
    }
}

/// The limiter index of a stem or the printmaster.
fn limiter_index(strip: StripId) -> Option<usize> {
    match strip {
        StripId::Stem(k) => Some(k.index()),
        StripId::Printmaster => Some(PM_LIMITER),
        _ => None,
    }
}

impl Desk {
    /// The channel strip of a track or bus.
    pub fn strip_of(&self, strip: StripId) -> Option<&Strip> {
        match strip {
            StripId::Track(i) => self.session.tracks.get(i).map(|t| &t.strip),
            StripId::Bus(i) => self.session.buses.get(i).map(|b| &b.strip),
            _ => None,
        }
    }

    /// The limiter of a stem or the printmaster.
    pub fn limiter_of(&self, strip: StripId) -> Option<&Limiter> {
        match strip {
            StripId::Stem(k) => Some(&self.session.stems.strip(k).limiter),
            StripId::Printmaster => Some(&self.session.printmaster.limiter),
            _ => None,
        }
    }

    /// The value of `param` on `strip`, if it has it.
    pub fn param(&self, strip: StripId, param: Param) -> Option<f32> {
        match param {
            Param::Strip(p) => self.strip_of(strip).map(|s| s.get(p)),
            Param::Limiter(p) => self.limiter_of(strip).map(|l| l.get(p)),
        }
    }

    /// Set `param` on `strip` (clamped to its range): the session first,
    /// then the engine. Returns the value set.
    pub fn set_param(&mut self, strip: StripId, param: Param, value: f32) -> Result<f32, String> {
        if !value.is_finite() {
            return Err("not a number".into());
        }
        let message = match (strip, param) {
            (StripId::Track(i), Param::Strip(p)) => {
                let s = &mut self.session.tracks.get_mut(i).ok_or("no such track")?.strip;
                s.set(p, value);
                ToEngine::TrackStrip {
                    track: i as u16,
                    param: p,
                    value: s.get(p),
                }
            }
            (StripId::Bus(i), Param::Strip(p)) => {
                let s = &mut self.session.buses.get_mut(i).ok_or("no such bus")?.strip;
                s.set(p, value);
                ToEngine::BusStrip {
                    bus: i as u16,
                    param: p,
                    value: s.get(p),
                }
            }
            (StripId::Stem(_) | StripId::Printmaster, Param::Limiter(p)) => {
                let output = limiter_index(strip).unwrap_or(PM_LIMITER);
                let l = match strip {
                    StripId::Stem(k) => &mut self.session.stems.strip_mut(k).limiter,
                    _ => &mut self.session.printmaster.limiter,
                };
                l.set(p, value);
                ToEngine::OutputLimiter {
                    output: output as u8,
                    param: p,
                    value: l.get(p),
                }
            }
            _ => return Err(no_such(strip, param)),
        };
        let set = match message {
            ToEngine::TrackStrip { value, .. }
            | ToEngine::BusStrip { value, .. }
            | ToEngine::OutputLimiter { value, .. } => value,
            _ => value,
        };
        if let Some(engine) = &mut self.engine {
            engine.send(message);
        }
        self.changed = true;
        Ok(set)
    }

    /// Send every limiter's settings to the engine (after an undo, a reload).
    pub fn resend_limiters(&mut self) {
        let Some(engine) = &mut self.engine else {
            return;
        };
        let stems = crate::model::StemKind::ALL.map(|k| self.session.stems.strip(k).limiter);
        let all = stems.iter().chain([&self.session.printmaster.limiter]);
        for (output, limiter) in all.enumerate() {
            for param in [
                LimiterParam::Ceiling,
                LimiterParam::Release,
                LimiterParam::On,
            ] {
                engine.send(ToEngine::OutputLimiter {
                    output: output as u8,
                    param,
                    value: limiter.get(param),
                });
            }
        }
    }

    /// The parameter picked on the selected strip.
    fn picked(&self) -> Result<(StripId, &'static ParamSpec), String> {
        let strip = self.strip_id();
        let picked = self
            .processing
            .picked(strip)
            .ok_or_else(|| no_such(strip, Param::Limiter(LimiterParam::On)))?;
        Ok((strip, &PARAMS[picked]))
    }

    /// Say a parameter's value: `Anna eq2.gain -3.0 dB`.
    fn report_param(&mut self, strip: StripId, spec: &ParamSpec) {
        let text = match self.param(strip, spec.param) {
            Some(v) => format!(
                "{} {} {}",
                strip.name(&self.session),
                spec.name,
                show(spec.unit, v)
            ),
            None => format!("{} picked ({})", spec.name, no_such(strip, spec.param)),
        };
        self.say(text);
    }
}

/// `:strip PARAM [VALUE]`: for the `strip` command, when its first word
/// names a parameter and the whole line does not name a strip. `None`:
/// not about parameters.
pub(super) fn strip_line(d: &mut Desk, a: &Args) -> Option<Result<(), String>> {
    let index = find(a.word(0)?)?;
    let line = a.rest(0)?.to_lowercase();
    if StripId::all(&d.session)
        .iter()
        .any(|s| s.name(&d.session).to_lowercase() == line)
    {
        return None;
    }
    Some(match a.rest(1) {
        None => pick_index(d, index),
        Some(value) => set_index(d, index, &value),
    })
}

fn pick_index(d: &mut Desk, index: usize) -> Result<(), String> {
    d.processing.pick(index);
    let strip = d.strip_id();
    d.report_param(strip, &PARAMS[index]);
    d.changed = true;
    Ok(())
}

fn set_index(d: &mut Desk, index: usize, text: &str) -> Result<(), String> {
    let spec = &PARAMS[index];
    let strip = d.strip_id();
    let now = d
        .param(strip, spec.param)
        .ok_or_else(|| no_such(strip, spec.param))?;
    let value = parse(spec.unit, text, now)?;
    d.set_param(strip, spec.param, value)?;
    d.processing.pick(index);
    d.report_param(strip, spec);
    Ok(())
}

fn pick(d: &mut Desk, a: &Args) -> Result<(), String> {
    let name = a
        .word(0)
        .ok_or("pick which parameter? :strip-pick eq2.gain")?;
    let index = find(name).ok_or_else(|| format!("no strip parameter is called {name:?}"))?;
    pick_index(d, index)
}

fn pick_step(d: &mut Desk, a: &Args, sign: i64) -> Result<(), String> {
    let strip = d.strip_id();
    let range = family(strip).ok_or_else(|| no_such(strip, Param::Limiter(LimiterParam::On)))?;
    let now = d.processing.picked(strip).unwrap_or(range.start) as i64;
    let len = range.len() as i64;
    let at = (now - range.start as i64 + sign * a.count() as i64).rem_euclid(len);
    pick_index(d, range.start + at as usize)
}

fn param_step(d: &mut Desk, a: &Args, sign: i32) -> Result<(), String> {
    let (strip, spec) = d.picked()?;
    let now = d
        .param(strip, spec.param)
        .ok_or_else(|| no_such(strip, spec.param))?;
    let steps = match a.word(0) {
        None => 1,
        Some(w) => w
            .parse::<u32>()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| format!("{w:?}: a number of steps, like 3"))?,
    };
    let steps = (steps.saturating_mul(a.count())).min(1000) as i32 * sign;
    d.set_param(strip, spec.param, step(spec.unit, now, steps))?;
    d.report_param(strip, spec);
    Ok(())
}

/// The switch of the section a parameter belongs to (`eq2.gain` -> `eq2.on`).
fn section_switch(index: usize) -> Option<usize> {
    let name = PARAMS[index].name;
    if name == "polarity" {
        return Some(index);
    }
    let (section, _) = name.split_once('.')?;
    find(&format!("{section}.on"))
}

fn toggle(d: &mut Desk, _: &Args) -> Result<(), String> {
    let (strip, spec) = d.picked()?;
    let index = find(spec.name).unwrap_or(0);
    let switch = section_switch(index).ok_or_else(|| {
        format!(
            "{} has no switch; pick a section (sh, s1, sc...)",
            spec.name
        )
    })?;
    let sw = &PARAMS[switch];
    let now = d
        .param(strip, sw.param)
        .ok_or_else(|| no_such(strip, sw.param))?;
    d.set_param(strip, sw.param, if now >= 0.5 { 0.0 } else { 1.0 })?;
    d.report_param(strip, sw);
    Ok(())
}

fn reset(d: &mut Desk, _: &Args) -> Result<(), String> {
    let (strip, spec) = d.picked()?;
    let default = match spec.param {
        Param::Strip(p) => Strip::default().get(p),
        Param::Limiter(p) => Limiter::default().get(p),
    };
    d.set_param(strip, spec.param, default)?;
    d.report_param(strip, spec);
    Ok(())
}

fn panel(d: &mut Desk, a: &Args) -> Result<(), String> {
    d.processing.panel = match a.word(0) {
        None => !d.processing.panel,
        Some("on") => true,
        Some("off") => false,
        Some(w) => return Err(format!("{w:?}: on or off")),
    };
    d.changed = true;
    Ok(())
}

/// The limiter of the selected strip, or why there is none.
fn selected_limiter(d: &Desk) -> Result<(StripId, Limiter), String> {
    let strip = d.strip_id();
    d.limiter_of(strip)
        .copied()
        .map(|l| (strip, l))
        .ok_or_else(|| no_such(strip, Param::Limiter(LimiterParam::On)))
}

fn say_limiter(d: &mut Desk, strip: StripId) {
    if let Some(l) = d.limiter_of(strip).copied() {
        let text = format!(
            "{} limiter {} at {} (release {})",
            strip.name(&d.session),
            show(Unit::Switch, f32::from(u8::from(l.on))),
            show(Unit::Ceiling, l.ceiling_dbtp),
            show(Unit::Ms, l.release_ms),
        );
        d.say(text);
    }
}

fn limiter(d: &mut Desk, a: &Args) -> Result<(), String> {
    let (strip, now) = selected_limiter(d)?;
    let on = match a.word(0) {
        None => !now.on,
        Some(w) => parse(Unit::Switch, w, f32::from(u8::from(now.on)))? >= 0.5,
    };
    d.set_param(
        strip,
        Param::Limiter(LimiterParam::On),
        f32::from(u8::from(on)),
    )?;
    say_limiter(d, strip);
    Ok(())
}

fn limiter_set(d: &mut Desk, a: &Args, param: LimiterParam) -> Result<(), String> {
    let (strip, now) = selected_limiter(d)?;
    let unit = match param {
        LimiterParam::Ceiling => Unit::Ceiling,
        _ => Unit::Ms,
    };
    let text = a.word(0).ok_or(match param {
        LimiterParam::Ceiling => "to what ceiling? :limiter-ceiling -2",
        _ => "to what release? :limiter-release 80",
    })?;
    let value = parse(unit, text, now.get(param))?;
    d.set_param(strip, Param::Limiter(param), value)?;
    say_limiter(d, strip);
    Ok(())
}

/// Candidates for the words after `:strip` or `:strip-pick`: strip and
/// parameter names for the first word, the value's words for the second.
pub fn completions(text: &str, desk: &Desk) -> Vec<String> {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    let typing = if text.ends_with(' ') {
        ""
    } else {
        words.pop().unwrap_or("")
    };
    let typed = typing.to_lowercase();
    let picking = words.first().is_some_and(|w| w.starts_with("strip-pick"));
    match words.len() {
        1 => {
            let mut out: Vec<String> = if picking {
                Vec::new()
            } else {
                StripId::all(&desk.session)
                    .iter()
                    .map(|s| s.name(&desk.session))
                    .filter(|n| n.to_lowercase().starts_with(&typed))
                    .collect()
            };
            let strip = desk.strip_id();
            let family = family(strip).unwrap_or(0..PARAMS.len());
            out.extend(
                PARAMS[family]
                    .iter()
                    .map(|p| p.name.to_string())
                    .filter(|n| n.starts_with(&typed)),
            );
            out
        }
        2 if !picking => match find(words[1]) {
            Some(i) => value_words(PARAMS[i].unit)
                .iter()
                .filter(|w| w.starts_with(&typed))
                .map(|w| w.to_string())
                .collect(),
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// The commands on the selected strip's processing.
pub(super) static COMMANDS: &[CommandSpec] = &[
    desk(
        "strip-pick",
        &[],
        "PARAM",
        Kind::View,
        "Pick the strip parameter (hpf.freq, eq2.gain, limiter.ceiling...) that steps change",
        pick,
    ),
    desk(
        "strip-param-next",
        &[],
        "",
        Kind::View,
        "Pick the next parameter of the selected strip (times the count)",
        |d, a| pick_step(d, a, 1),
    ),
    desk(
        "strip-param-prev",
        &[],
        "",
        Kind::View,
        "Pick the previous parameter of the selected strip (times the count)",
        |d, a| pick_step(d, a, -1),
    ),
    desk(
        "strip-up",
        &[],
        "[STEPS]",
        Kind::Edit,
        "Step the picked parameter up (third octaves, 0.5 dB...; times the count)",
        |d, a| param_step(d, a, 1),
    ),
    desk(
        "strip-down",
        &[],
        "[STEPS]",
        Kind::Edit,
        "Step the picked parameter down (times the count)",
        |d, a| param_step(d, a, -1),
    ),
    desk(
        "strip-toggle",
        &[],
        "",
        Kind::Edit,
        "Switch the picked parameter's section (HPF, EQ band, gate...) on or off",
        toggle,
    ),
    desk(
        "strip-reset",
        &[],
        "",
        Kind::Edit,
        "Put the picked parameter back to its default",
        reset,
    ),
    desk(
        "strip-panel",
        &[],
        "[on|off]",
        Kind::View,
        "Show the selected strip's processing in place of the mixer, or the mixer again",
        panel,
    ),
    desk(
        "limiter",
        &[],
        "[on|off]",
        Kind::Edit,
        "Switch the selected stem's or printmaster's true-peak limiter on or off (toggles)",
        limiter,
    ),
    desk(
        "limiter-ceiling",
        &[],
        "DBTP",
        Kind::Edit,
        "Set the selected stem's or printmaster's limiter ceiling in dBTP",
        |d, a| limiter_set(d, a, LimiterParam::Ceiling),
    ),
    desk(
        "limiter-release",
        &[],
        "MS",
        Kind::Edit,
        "Set the selected stem's or printmaster's limiter release in ms",
        |d, a| limiter_set(d, a, LimiterParam::Release),
    ),
];

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
        assert_eq!(find("INVERT"), Some(1));
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
    }
}
