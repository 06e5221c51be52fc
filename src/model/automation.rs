//! Automation: lanes of breakpoints that move a control over time, and the
//! mode each lane is in (how playback reads it and how the control writes it).

use serde::{Deserialize, Serialize};

use super::strip::StripParam;

/// What a lane moves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LaneTarget {
    /// The fader, in dB.
    Volume,
    /// The pan, -1 (left) to 1 (right).
    Pan,
    /// The mute: 1 is muted, 0 is not.
    Mute,
    /// The level of the send to this bus, in dB.
    Send(String),
    /// A parameter of the channel strip, in its own unit.
    Strip(StripParam),
}

impl LaneTarget {
    /// The name people type and read: `volume`, `pan`, `mute`,
    /// `send.Reverb`, `hpf.freq`.
    pub fn name(&self) -> String {
        match self {
            LaneTarget::Volume => "volume".into(),
            LaneTarget::Pan => "pan".into(),
            LaneTarget::Mute => "mute".into(),
            LaneTarget::Send(bus) => format!("send.{bus}"),
            LaneTarget::Strip(p) => p.name(),
        }
    }

    /// The target called `name` (see [`LaneTarget::name`]).
    pub fn parse(name: &str) -> Option<LaneTarget> {
        match name {
            "volume" | "vol" | "fader" => Some(LaneTarget::Volume),
            "pan" => Some(LaneTarget::Pan),
            "mute" => Some(LaneTarget::Mute),
            _ => match name.strip_prefix("send.") {
                Some(bus) if !bus.is_empty() => Some(LaneTarget::Send(bus.to_string())),
                // The denoiser's switch changes the strip's latency: not
                // something a lane can move while playing.
                _ => StripParam::parse(name)
                    .filter(|&p| p != StripParam::DenoiseOn)
                    .map(LaneTarget::Strip),
            },
        }
    }

    /// The values a lane of this target holds.
    pub fn range(&self) -> (f32, f32) {
        match self {
            LaneTarget::Volume | LaneTarget::Send(_) => (-96.0, 12.0),
            LaneTarget::Pan => (-1.0, 1.0),
            LaneTarget::Mute => (0.0, 1.0),
            LaneTarget::Strip(p) => p.range(),
        }
    }

    /// A switch (mute, filter on) jumps from breakpoint to breakpoint
    /// instead of gliding.
    pub fn stepped(&self) -> bool {
        match self {
            LaneTarget::Mute => true,
            LaneTarget::Strip(p) => p.is_discrete(),
            _ => false,
        }
    }

    /// How far one key press moves a value of this target.
    pub fn step(&self) -> f32 {
        match self {
            LaneTarget::Volume | LaneTarget::Send(_) => 1.0,
            LaneTarget::Pan => 0.05,
            LaneTarget::Mute => 1.0,
            LaneTarget::Strip(p) => p.step(),
        }
    }

    /// Trim applies to levels in dB only.
    pub fn trimmable(&self) -> bool {
        matches!(self, LaneTarget::Volume | LaneTarget::Send(_))
    }

    pub fn clamp(&self, value: f32) -> f32 {
        let (lo, hi) = self.range();
        if self.stepped() {
            value.round().clamp(lo, hi)
        } else {
            value.clamp(lo, hi)
        }
    }
}

/// How a lane plays and how its control writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum AutoMode {
    /// The lane is ignored: the control's own setting plays.
    #[default]
    Off,
    /// The lane plays; moving the control writes nothing.
    Read,
    /// The lane plays until the control is touched; while held it writes,
    /// and after it is let go it returns to the lane.
    Touch,
    /// Like touch, but after the control is let go it keeps writing its
    /// last value until the transport stops.
    Latch,
    /// Writes the control's value for the whole pass, from play to stop.
    Write,
    /// The control writes a change in dB on top of the lane (levels only).
    Trim,
}

impl AutoMode {
    pub const ALL: [AutoMode; 6] = [
        AutoMode::Off,
        AutoMode::Read,
        AutoMode::Touch,
        AutoMode::Latch,
        AutoMode::Write,
        AutoMode::Trim,
    ];

    pub fn name(self) -> &'static str {
        match self {
            AutoMode::Off => "off",
            AutoMode::Read => "read",
            AutoMode::Touch => "touch",
            AutoMode::Latch => "latch",
            AutoMode::Write => "write",
            AutoMode::Trim => "trim",
        }
    }

    pub fn parse(name: &str) -> Option<AutoMode> {
        AutoMode::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Does playback follow the lane (when nobody is writing it)?
    pub fn reads(self) -> bool {
        self != AutoMode::Off
    }
}

/// A point of a lane: at timeline sample `at`, the control is at `value`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Breakpoint {
    pub at: u64,
    pub value: f32,
}

/// A control's movement over the session: breakpoints in time order, joined
/// by straight lines (steps for switches). Before the first breakpoint the
/// lane holds the first value, after the last the last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lane {
    pub target: LaneTarget,
    #[serde(default)]
    pub mode: AutoMode,
    #[serde(default)]
    pub points: Vec<Breakpoint>,
}

impl Lane {
    pub fn new(target: LaneTarget) -> Lane {
        Lane {
            target,
            mode: AutoMode::Off,
            points: Vec::new(),
        }
    }

    /// The lane's value at `at`, `None` when it has no breakpoints.
    pub fn value_at(&self, at: u64) -> Option<f32> {
        value_at(&self.points, at, self.target.stepped())
    }

    /// Does playback follow this lane?
    pub fn active(&self) -> bool {
        self.mode.reads() && !self.points.is_empty()
    }
}

/// The value of breakpoints `points` (in time order) at `at`.
pub fn value_at(points: &[Breakpoint], at: u64, stepped: bool) -> Option<f32> {
    let first = points.first()?;
    let i = points.partition_point(|p| p.at <= at);
    if i == 0 {
        return Some(first.value);
    }
    let a = points[i - 1];
    match points.get(i) {
        None => Some(a.value),
        Some(_) if stepped => Some(a.value),
        Some(b) => {
            let t = (at - a.at) as f64 / (b.at - a.at) as f64;
            Some((a.value as f64 + (b.value as f64 - a.value as f64) * t) as f32)
        }
    }
}

/// The lane of `target` among `lanes`.
pub fn lane<'a>(lanes: &'a [Lane], target: &LaneTarget) -> Option<&'a Lane> {
    lanes.iter().find(|l| &l.target == target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bp(at: u64, value: f32) -> Breakpoint {
        Breakpoint { at, value }
    }

    #[test]
    fn values_between_and_outside_breakpoints() {
        let p = [bp(100, -10.0), bp(200, 0.0), bp(300, 0.0)];
        assert_eq!(value_at(&p, 0, false), Some(-10.0));
        assert_eq!(value_at(&p, 100, false), Some(-10.0));
        assert_eq!(value_at(&p, 150, false), Some(-5.0));
        assert_eq!(value_at(&p, 150, true), Some(-10.0));
        assert_eq!(value_at(&p, 1000, false), Some(0.0));
        assert_eq!(value_at(&[], 5, false), None);
    }

    #[test]
    fn targets_have_names_both_ways() {
        for t in [
            LaneTarget::Volume,
            LaneTarget::Pan,
            LaneTarget::Mute,
            LaneTarget::Send("Reverb".into()),
            LaneTarget::Strip(StripParam::HpfFreq),
            LaneTarget::Strip(StripParam::EqGain(2)),
        ] {
            assert_eq!(LaneTarget::parse(&t.name()), Some(t));
        }
        assert_eq!(LaneTarget::parse("nonsense"), None);
    }
}
