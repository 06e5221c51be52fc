//! Writing automation while the transport rolls. A fader or pan key on a
//! strip whose lane is in touch, latch, write or trim mode *touches* the
//! control: key repeats keep holding it. While held (and, in latch, until
//! the transport stops; in write, for the whole pass) the control's value
//! is written into the lane at the playhead and plays instead of the lane.
//! In touch, the control counts as let go when no key has come for the
//! release time; the lane then ramps back to what it was. What was written
//! is thinned to few breakpoints.

use std::time::{Duration, Instant};

use super::strip::StripId;
use crate::edit::journal::Part;
use crate::engine::automation::{param_of, Owner, Param};
use crate::model::{AutoMode, Breakpoint, Lane, LaneTarget, Session};

/// How long after the last key a touched control counts as let go.
pub const DEFAULT_RELEASE: Duration = Duration::from_millis(600);

/// One lane being written.
#[derive(Debug, Clone)]
pub(super) struct Writing {
    pub(super) strip: StripId,
    pub(super) target: LaneTarget,
    pub(super) mode: AutoMode,
    /// The lane as it was before this pass.
    pub(super) original: Lane,
    /// What the control was set to without the lane (the lane's base).
    pub(super) base: f32,
    pub(super) start: u64,
    pub(super) points: Vec<Breakpoint>,
    /// The control's value (in trim: the change in dB).
    pub(super) value: f32,
    pub(super) last_touch: Instant,
    /// Let go: the lane is written up to `end` and ramps back after it.
    pub(super) released: Option<u64>,
}

/// The automation writes of the current pass.
#[derive(Debug, Clone)]
pub struct Pass {
    pub(super) writing: Vec<Writing>,
    /// The session before the pass began, for undo (taken by the app).
    pub undo_point: Option<Session>,
    /// Tracks and buses whose lanes changed since the journal last heard.
    pub changed: Vec<StripId>,
    pub release: Duration,
}

impl Default for Pass {
    fn default() -> Pass {
        Pass {
            writing: Vec::new(),
            undo_point: None,
            changed: Vec::new(),
            release: DEFAULT_RELEASE,
        }
    }
}

impl Pass {
    pub fn active(&self) -> bool {
        !self.writing.is_empty()
    }

    /// What the journal needs of the lanes written since it last asked.
    pub fn take_parts(&mut self, session: &Session) -> Vec<Part> {
        let mut parts = Vec::new();
        for s in std::mem::take(&mut self.changed) {
            match s {
                StripId::Track(i) => parts.push(Part::Track(i, session.tracks[i].clone())),
                StripId::Bus(i) => parts.push(Part::Bus(i, session.buses[i].clone())),
                _ => {}
            }
        }
        parts
    }
}

/// The lanes of a strip (tracks and buses have them).
pub fn lanes_mut(session: &mut Session, strip: StripId) -> Option<&mut Vec<Lane>> {
    match strip {
        StripId::Track(i) => Some(&mut session.tracks[i].lanes),
        StripId::Bus(i) => Some(&mut session.buses[i].lanes),
        _ => None,
    }
}

pub fn lanes(session: &Session, strip: StripId) -> Option<&Vec<Lane>> {
    match strip {
        StripId::Track(i) => Some(&session.tracks[i].lanes),
        StripId::Bus(i) => Some(&session.buses[i].lanes),
        _ => None,
    }
}

/// The lane of `target` on `strip`, made when missing.
pub fn lane_mut<'a>(
    session: &'a mut Session,
    strip: StripId,
    target: &LaneTarget,
) -> Result<&'a mut Lane, String> {
    let kind = strip.kind();
    let lanes =
        lanes_mut(session, strip).ok_or_else(|| format!("a {kind} has no automation lanes"))?;
    let i = match lanes.iter().position(|l| &l.target == target) {
        Some(i) => i,
        None => {
            lanes.push(Lane::new(target.clone()));
            lanes.len() - 1
        }
    };
    Ok(&mut lanes[i])
}

/// The engine's owner and parameter for a lane.
pub fn engine_target(
    session: &Session,
    strip: StripId,
    target: &LaneTarget,
) -> Option<(Owner, Param)> {
    let owner = match strip {
        StripId::Track(i) => Owner::Track(i as u16),
        StripId::Bus(i) => Owner::Bus(i as u16),
        _ => return None,
    };
    let param = match target {
        LaneTarget::Send(bus) => {
            let StripId::Track(i) = strip else {
                return None;
            };
            Param::Send(session.tracks[i].sends.iter().position(|s| &s.bus == bus)? as u16)
        }
        t => param_of(t)?,
    };
    Some((owner, param))
}

/// The control's own setting, which the lane replaces.
pub fn control_value(session: &Session, strip: StripId, target: &LaneTarget) -> f32 {
    match (strip, target) {
        (StripId::Track(i), LaneTarget::Volume) => session.tracks[i].fader_db,
        (StripId::Track(i), LaneTarget::Pan) => session.tracks[i].pan,
        (StripId::Track(i), LaneTarget::Mute) => session.tracks[i].mute as u8 as f32,
        (StripId::Track(i), LaneTarget::Send(bus)) => session.tracks[i]
            .sends
            .iter()
            .find(|s| &s.bus == bus)
            .map_or(0.0, |s| s.level_db),
        (StripId::Track(i), LaneTarget::Strip(p)) => session.tracks[i].strip.get(*p),
        (StripId::Bus(i), LaneTarget::Volume) => session.buses[i].fader_db,
        (StripId::Bus(i), LaneTarget::Mute) => session.buses[i].mute as u8 as f32,
        (StripId::Bus(i), LaneTarget::Strip(p)) => session.buses[i].strip.get(*p),
        _ => 0.0,
    }
}
