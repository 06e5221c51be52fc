//! Automation compiled for the engine, and how a track or bus plays it.
//!
//! Lanes are read on a grid of [`SEGMENT`] samples aligned to the timeline
//! (so the result does not depend on the block size): gains and pans glide
//! sample by sample from one grid point to the next; strip parameters
//! change at each grid point. A lane being written from the console has a
//! *touch* value that plays instead of the lane (or, in trim mode, on top).

use crate::dsp::gain::db_to_gain;
use crate::dsp::pan::{self, Matrix, Position};
use crate::dsp::strip::StripProcessor;
use crate::model::automation::value_at;
use crate::model::strip::StripParam;
use crate::model::{AutoMode, Breakpoint, Lane, LaneTarget, Session};

/// Samples between the points where lanes are read (1.3 ms at 48 kHz).
pub const SEGMENT: u64 = 64;

/// What a compiled lane moves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Param {
    Volume,
    Pan,
    Mute,
    /// A send, by its index in the track's sends.
    Send(u16),
    Strip(StripParam),
}

/// A lane compiled.
#[derive(Debug, Clone, PartialEq)]
pub struct LanePlan {
    pub param: Param,
    /// Empty when the lane has none yet (it is there to be written).
    pub points: Vec<Breakpoint>,
    pub stepped: bool,
    /// Trim mode: a touch adds to the lane instead of replacing it.
    pub trim: bool,
    /// The control's value while it is being written.
    pub touch: Option<f32>,
}

impl LanePlan {
    /// The value at `at`, or `None` to leave the control's own setting.
    pub fn value(&self, at: u64) -> Option<f32> {
        let lane = value_at(&self.points, at, self.stepped);
        match (self.touch, self.trim) {
            (Some(t), true) => Some(lane.unwrap_or(0.0) + t),
            (Some(t), false) => Some(t),
            (None, _) => lane,
        }
    }
}

/// The lanes of one track or bus that playback follows or the console writes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StripLanes {
    pub lanes: Vec<LanePlan>,
}

impl StripLanes {
    pub fn is_empty(&self) -> bool {
        self.lanes.is_empty()
    }

    pub fn get(&self, param: Param) -> Option<&LanePlan> {
        self.lanes.iter().find(|l| l.param == param)
    }

    fn value(&self, param: Param, at: u64) -> Option<f32> {
        self.get(param).and_then(|l| l.value(at))
    }
}

/// All of a session's automation, compiled.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Automation {
    pub tracks: Vec<StripLanes>,
    pub buses: Vec<StripLanes>,
}

/// Whose lanes: a track's or a bus's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Track(u16),
    Bus(u16),
}

impl Automation {
    pub fn compile(session: &Session) -> Automation {
        let track = |t: &crate::model::Track| StripLanes {
            lanes: t
                .lanes
                .iter()
                .filter_map(|l| {
                    let param = match &l.target {
                        LaneTarget::Send(bus) => {
                            Param::Send(t.sends.iter().position(|s| &s.bus == bus)? as u16)
                        }
                        other => param_of(other)?,
                    };
                    compile_lane(l, param)
                })
                .collect(),
        };
        let bus = |b: &crate::model::Bus| StripLanes {
            lanes: b
                .lanes
                .iter()
                .filter_map(|l| match l.target {
                    LaneTarget::Volume | LaneTarget::Mute | LaneTarget::Strip(_) => {
                        compile_lane(l, param_of(&l.target)?)
                    }
                    _ => None,
                })
                .collect(),
        };
        Automation {
            tracks: session.tracks.iter().map(track).collect(),
            buses: session.buses.iter().map(bus).collect(),
        }
    }

    /// Set the touch value of a lane (realtime-safe: no allocation).
    pub fn touch(&mut self, owner: Owner, param: Param, value: Option<f32>) {
        let lanes = match owner {
            Owner::Track(i) => self.tracks.get_mut(i as usize),
            Owner::Bus(i) => self.buses.get_mut(i as usize),
        };
        if let Some(lane) = lanes.and_then(|l| l.lanes.iter_mut().find(|l| l.param == param)) {
            lane.touch = value;
        }
    }

    /// Carry the touch values of `old` over (a new compile while writing).
    pub fn keep_touches(&mut self, old: &Automation) {
        for (new, old) in self
            .tracks
            .iter_mut()
            .chain(self.buses.iter_mut())
            .zip(old.tracks.iter().chain(old.buses.iter()))
        {
            for lane in &mut new.lanes {
                if let Some(o) = old.get(lane.param) {
                    lane.touch = o.touch;
                }
            }
        }
    }
}

/// The engine's name for a lane target (sends are resolved per track).
pub fn param_of(target: &LaneTarget) -> Option<Param> {
    Some(match target {
        LaneTarget::Volume => Param::Volume,
        LaneTarget::Pan => Param::Pan,
        LaneTarget::Mute => Param::Mute,
        LaneTarget::Strip(p) => Param::Strip(*p),
        LaneTarget::Send(_) => return None,
    })
}

fn compile_lane(lane: &Lane, param: Param) -> Option<LanePlan> {
    let writing = matches!(
        lane.mode,
        AutoMode::Touch | AutoMode::Latch | AutoMode::Write | AutoMode::Trim
    );
    (lane.active() || writing).then(|| LanePlan {
        param,
        points: if lane.mode.reads() {
            lane.points.clone()
        } else {
            Vec::new()
        },
        stepped: lane.target.stepped(),
        trim: lane.mode == AutoMode::Trim,
        touch: None,
    })
}

/// A track's mix controls at one grid point.
pub struct TrackState {
    /// Track channel by output channel, fader, pan and mutes in.
    pub matrix: Matrix,
    /// The pan alone (pre-fader sends).
    pub panner: Matrix,
    /// Linear send gains by send index (the first [`MAX_SENDS`]).
    pub sends: [f32; MAX_SENDS],
}

/// Sends that automation reaches on one track.
pub const MAX_SENDS: usize = 8;

/// The fixed part of a track's mix that lanes do not move.
pub struct TrackControls<'a> {
    pub layout: crate::model::Layout,
    pub format: crate::model::TrackFormat,
    pub pan_law: crate::model::PanLaw,
    pub position: Position,
    pub fader_db: f32,
    pub audible: bool,
    pub send_gains: &'a [f32],
}

/// Evaluate a track's lanes at `at`.
pub fn track_state(lanes: &StripLanes, c: &TrackControls, at: u64) -> TrackState {
    let mut position = c.position;
    if let Some(p) = lanes.value(Param::Pan, at) {
        position.pan = p.clamp(-1.0, 1.0);
    }
    let panner = pan::matrix(c.layout, c.format, c.pan_law, position);
    let db = lanes.value(Param::Volume, at).unwrap_or(c.fader_db);
    let muted = lanes.value(Param::Mute, at).is_some_and(|m| m >= 0.5);
    let g = if c.audible && !muted {
        db_to_gain(db)
    } else {
        0.0
    };
    let matrix = panner.map(|row| row.map(|x| x * g));
    let mut sends = [0.0; MAX_SENDS];
    for (i, s) in sends.iter_mut().enumerate().take(c.send_gains.len()) {
        *s = match lanes.value(Param::Send(i as u16), at) {
            Some(db) => db_to_gain(db),
            None => c.send_gains[i],
        };
    }
    TrackState {
        matrix,
        panner,
        sends,
    }
}

/// A bus's gain at `at`.
pub fn bus_gain(lanes: &StripLanes, gain: f32, audible: bool, at: u64) -> f32 {
    let g = lanes.value(Param::Volume, at).map_or(gain, db_to_gain);
    let muted = lanes.value(Param::Mute, at).is_some_and(|m| m >= 0.5);
    if audible && !muted {
        g
    } else {
        0.0
    }
}

/// Set `strip`'s automated parameters to their lanes' values at `at`
/// (only those that changed: a change recomputes coefficients).
pub fn strip_params(
    lanes: &StripLanes,
    at: u64,
    strip: &mut StripProcessor,
    inserts: &mut crate::plugin::InsertChain,
) {
    for lane in &lanes.lanes {
        if let Param::Strip(p) = lane.param {
            if let Some(v) = lane.value(at) {
                if let StripParam::Lv2 { slot, port } = p {
                    inserts.set(slot as usize, u32::from(port), v);
                } else if strip.settings().get(p) != v {
                    strip.set(p, v);
                }
            }
        }
    }
}

/// `out += input * g`, g gliding linearly from `g0` to `g1` across the span.
pub fn mix_glide(out: &mut [f32], input: &[f32], g0: f32, g1: f32) {
    let n = out.len().min(input.len());
    if g0 == g1 {
        crate::dsp::gain::mix_into(&mut out[..n], &input[..n], g0);
        return;
    }
    let step = (g1 - g0) / n.max(1) as f32;
    let mut g = g0;
    for (o, x) in out[..n].iter_mut().zip(&input[..n]) {
        g += step;
        *o += *x * g;
    }
}

/// The grid segments of `position .. position + n` as offsets into the block.
pub fn segments(position: u64, n: usize) -> impl Iterator<Item = (usize, usize)> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        if at >= n {
            return None;
        }
        let abs = position + at as u64;
        let next = (abs / SEGMENT + 1) * SEGMENT;
        let end = ((next - position) as usize).min(n);
        let seg = (at, end);
        at = end;
        Some(seg)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_follow_the_timeline_grid() {
        let s: Vec<_> = segments(100, 100).collect();
        assert_eq!(s, vec![(0, 28), (28, 92), (92, 100)]);
        let s: Vec<_> = segments(128, 64).collect();
        assert_eq!(s, vec![(0, 64)]);
    }
}
