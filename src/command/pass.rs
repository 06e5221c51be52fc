//! Writing automation while the transport rolls. A fader or pan key on a
//! strip whose lane is in touch, latch, write or trim mode *touches* the
//! control: key repeats keep holding it. While held (and, in latch, until
//! the transport stops; in write, for the whole pass) the control's value
//! is written into the lane at the playhead and plays instead of the lane.
//! In touch, the control counts as let go when no key has come for the
//! release time; the lane then ramps back to what it was. What was written
//! is thinned to few breakpoints.

use std::time::{Duration, Instant};

use super::desk::Desk;
use super::strip::StripId;
use crate::edit::automation::{edge_ramp, replace, thin, tolerance};
use crate::edit::journal::Part;
use crate::engine::automation::{param_of, Automation, Owner, Param};
use crate::engine::msg::ToEngine;
use crate::model::automation::lane;
use crate::model::{AutoMode, Breakpoint, Lane, LaneTarget, Session};

/// How long after the last key a touched control counts as let go.
pub const DEFAULT_RELEASE: Duration = Duration::from_millis(600);

/// One lane being written.
#[derive(Debug, Clone)]
struct Writing {
    strip: StripId,
    target: LaneTarget,
    mode: AutoMode,
    /// The lane as it was before this pass.
    original: Lane,
    /// What the control was set to without the lane (the lane's base).
    base: f32,
    start: u64,
    points: Vec<Breakpoint>,
    /// The control's value (in trim: the change in dB).
    value: f32,
    last_touch: Instant,
    /// Let go: the lane is written up to `end` and ramps back after it.
    released: Option<u64>,
}

/// The automation writes of the current pass.
#[derive(Debug, Clone)]
pub struct Pass {
    writing: Vec<Writing>,
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

impl Desk {
    /// Send the engine the session's automation as it is now.
    pub fn send_automation(&mut self) {
        if let Some(engine) = &mut self.engine {
            engine.send(ToEngine::Automation(Box::new(Automation::compile(
                &self.session,
            ))));
        }
    }

    /// Tell the engine what a lane being written plays (`None`: the lane).
    fn send_touch(&mut self, strip: StripId, target: &LaneTarget, value: Option<f32>) {
        if let Some((owner, param)) = engine_target(&self.session, strip, target) {
            if let Some(engine) = &mut self.engine {
                engine.send(ToEngine::Touch {
                    owner,
                    param,
                    value,
                });
            }
        }
    }

    /// What a control being written is at now (for the keys that step it).
    pub fn written(&self, strip: StripId, target: &LaneTarget) -> Option<f32> {
        self.pass
            .writing
            .iter()
            .find(|w| w.strip == strip && &w.target == target && w.released.is_none())
            .map(|w| {
                if w.mode == AutoMode::Trim {
                    w.base + w.value
                } else {
                    w.value
                }
            })
    }

    /// The control of `target` on `strip` moved to `value` (an absolute
    /// value: in trim mode the change from the base is written). True when
    /// the move is being written into the lane.
    pub fn touch(&mut self, strip: StripId, target: LaneTarget, value: f32, now: Instant) -> bool {
        if !self.rolling() {
            return false;
        }
        let Some(lane) = lanes(&self.session, strip).and_then(|l| lane(l, &target)) else {
            return false;
        };
        let mode = lane.mode;
        if !matches!(
            mode,
            AutoMode::Touch | AutoMode::Latch | AutoMode::Write | AutoMode::Trim
        ) {
            if mode == AutoMode::Read && lane.active() {
                self.say(format!(
                    "{} lane reads: A t, A l or A w to write it",
                    target.name()
                ));
            }
            return false;
        }
        let at = self.playhead();
        let i = match self
            .pass
            .writing
            .iter()
            .position(|w| w.strip == strip && w.target == target && w.released.is_none())
        {
            Some(i) => i,
            None => self.begin_writing(strip, target.clone(), mode, at, now),
        };
        let w = &mut self.pass.writing[i];
        w.value = if mode == AutoMode::Trim {
            value - w.base
        } else {
            value
        };
        w.last_touch = now;
        let v = w.value;
        self.send_touch(strip, &target, Some(v));
        self.write_tick(at);
        true
    }

    fn begin_writing(
        &mut self,
        strip: StripId,
        target: LaneTarget,
        mode: AutoMode,
        at: u64,
        now: Instant,
    ) -> usize {
        if self.pass.undo_point.is_none() && !self.pass.active() {
            self.pass.undo_point = Some(self.session.clone());
        }
        let base = control_value(&self.session, strip, &target);
        let original = lanes(&self.session, strip)
            .and_then(|l| lane(l, &target))
            .cloned()
            .unwrap_or_else(|| Lane::new(target.clone()));
        self.pass.writing.push(Writing {
            strip,
            target,
            mode,
            original,
            base,
            start: at,
            points: Vec::new(),
            value: if mode == AutoMode::Trim { 0.0 } else { base },
            last_touch: now,
            released: None,
        });
        self.pass.writing.len() - 1
    }

    /// Lanes in write mode write from the moment the transport rolls.
    fn start_write_mode_lanes(&mut self, now: Instant) {
        let at = self.playhead();
        let mut starts = Vec::new();
        for (i, t) in self.session.tracks.iter().enumerate() {
            for l in &t.lanes {
                if l.mode == AutoMode::Write {
                    starts.push((StripId::Track(i), l.target.clone()));
                }
            }
        }
        for (i, b) in self.session.buses.iter().enumerate() {
            for l in &b.lanes {
                if l.mode == AutoMode::Write {
                    starts.push((StripId::Bus(i), l.target.clone()));
                }
            }
        }
        for (strip, target) in starts {
            if !self
                .pass
                .writing
                .iter()
                .any(|w| w.strip == strip && w.target == target)
            {
                let i = self.begin_writing(strip, target.clone(), AutoMode::Write, at, now);
                let v = self.pass.writing[i].value;
                self.send_touch(strip, &target, Some(v));
            }
        }
    }

    /// Called every frame: write the held controls at the playhead, let
    /// go of touches that have had no key for the release time, and end
    /// the pass when the transport stops.
    pub fn pass_tick(&mut self, now: Instant) {
        if self.rolling() {
            self.start_write_mode_lanes(now);
        }
        if !self.pass.active() {
            return;
        }
        let at = self.playhead();
        let rolling = self.rolling();
        let release = self.pass.release;
        let mut let_go = Vec::new();
        for (i, w) in self.pass.writing.iter_mut().enumerate() {
            if w.released.is_some() {
                continue;
            }
            let timed_out = w.mode == AutoMode::Touch || w.mode == AutoMode::Trim;
            if !rolling || (timed_out && now.duration_since(w.last_touch) >= release) {
                w.released = Some(at.max(w.start));
                let_go.push(i);
            }
        }
        self.write_tick(at);
        if !let_go.is_empty() {
            self.send_automation();
            for i in let_go {
                let (strip, target) = (
                    self.pass.writing[i].strip,
                    self.pass.writing[i].target.clone(),
                );
                self.send_touch(strip, &target, None);
            }
        }
        if !rolling {
            // The pass is over: write mode hands over to touch, so the next
            // pass does not wipe this one.
            let writes = std::mem::take(&mut self.pass.writing);
            for w in writes {
                if w.mode == AutoMode::Write {
                    if let Ok(l) = lane_mut(&mut self.session, w.strip, &w.target) {
                        l.mode = AutoMode::Touch;
                    }
                    self.pass.changed.push(w.strip);
                }
            }
            self.send_automation();
            self.changed = true;
        } else {
            self.pass.writing.retain(|w| w.released.is_none());
        }
    }

    /// Put what has been written so far into the session's lanes.
    fn write_tick(&mut self, at: u64) {
        let ramp = edge_ramp(self.session.sample_rate);
        for k in 0..self.pass.writing.len() {
            let w = &mut self.pass.writing[k];
            let end = w.released.unwrap_or(at);
            if w.points.last().is_none_or(|p| end > p.at) || w.points.is_empty() {
                let value = if w.mode == AutoMode::Trim {
                    w.original.value_at(end).unwrap_or(w.base) + w.value
                } else {
                    w.value
                };
                let p = Breakpoint {
                    at: end.max(w.start),
                    value: w.target.clamp(value),
                };
                if w.points.last().is_some_and(|l| l.at == p.at) {
                    w.points.pop();
                }
                w.points.push(p);
            }
            let mut lane = w.original.clone();
            if lane.points.is_empty() {
                lane.points.push(Breakpoint {
                    at: 0,
                    value: w.base,
                });
            }
            let mut inner = vec![Breakpoint {
                at: w.start,
                value: w.points.first().map_or(w.value, |p| p.value),
            }];
            inner.extend(w.points.iter().copied());
            replace(&mut lane, w.start, end, &inner, ramp, w.base);
            thin(&mut lane, w.start, end, tolerance(&w.target));
            let (strip, target) = (w.strip, w.target.clone());
            if let Ok(l) = lane_mut(&mut self.session, strip, &target) {
                l.points = lane.points;
            }
            if !self.pass.changed.contains(&strip) {
                self.pass.changed.push(strip);
            }
        }
        self.changed = true;
    }
}
