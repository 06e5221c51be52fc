//! Touch, latch, write and trim on the desk: a fader or pan key on a
//! lane that is writing touches the control, the pass writes it at the
//! playhead while rolling, lets go after the release time and thins what
//! was written ([`super::pass`] keeps the pass and the lanes).

use std::time::Instant;

use super::desk::Desk;
use super::pass::{control_value, engine_target, lane_mut, lanes, Writing};
use super::strip::StripId;
use crate::edit::automation::{edge_ramp, replace, thin, tolerance};
use crate::engine::automation::Automation;
use crate::engine::msg::ToEngine;
use crate::model::automation::lane;
use crate::model::{AutoMode, Breakpoint, Lane, LaneTarget};

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

impl Desk {
    /// A control surface still holds the control (a fader touched but
    /// not moving): keep it from timing out.
    pub fn hold(&mut self, strip: StripId, target: &LaneTarget, now: Instant) {
        for w in &mut self.pass.writing {
            if w.strip == strip && &w.target == target && w.released.is_none() {
                w.last_touch = now;
            }
        }
    }

    /// A control surface let go of the control (touch released): in
    /// touch and trim the lane ramps back at the next tick, as after the
    /// release time; latch and write hold on until the transport stops.
    pub fn let_go(&mut self, strip: StripId, target: &LaneTarget, now: Instant) {
        let release = self.pass.release;
        for w in &mut self.pass.writing {
            if w.strip == strip
                && &w.target == target
                && w.released.is_none()
                && matches!(w.mode, AutoMode::Touch | AutoMode::Trim)
            {
                w.last_touch = now.checked_sub(release).unwrap_or(w.last_touch);
            }
        }
    }
}
