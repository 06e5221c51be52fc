//! Reading and setting the selected strip's parameters on the desk: the
//! session first (an undoable edit), then the engine; and `:strip PARAM
//! [VALUE]` picking or setting one by name.

use super::desk::Desk;
use super::params::{find, parse, show, Param, ParamSpec, PARAMS};
use super::spec::Args;
use super::strip::StripId;
use crate::engine::msg::ToEngine;
use crate::engine::output::PM_LIMITER;
use crate::model::limiter::{Limiter, LimiterParam};
use crate::model::strip::{Strip, StripParam};

/// Why `strip` does not have `param`.
pub(super) fn no_such(strip: StripId, param: Param) -> String {
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
pub(super) fn limiter_index(strip: StripId) -> Option<usize> {
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
            (StripId::Bus(_), Param::Strip(p)) if p.is_denoise() => {
                return Err("the denoiser works on tracks, not on buses".into());
            }
            (StripId::Track(i), Param::Strip(StripParam::DenoiseOn)) => {
                // On or off changes the track's latency: a new plan.
                let s = &mut self.session.tracks.get_mut(i).ok_or("no such track")?.strip;
                s.set(StripParam::DenoiseOn, value);
                let set = s.get(StripParam::DenoiseOn);
                self.reload();
                return Ok(set);
            }
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
    pub(super) fn picked(&self) -> Result<(StripId, &'static ParamSpec), String> {
        let strip = self.strip_id();
        let picked = self
            .processing
            .picked(strip)
            .ok_or_else(|| no_such(strip, Param::Limiter(LimiterParam::On)))?;
        Ok((strip, &PARAMS[picked]))
    }

    /// Say a parameter's value: `Anna eq2.gain -3.0 dB`.
    pub(super) fn report_param(&mut self, strip: StripId, spec: &ParamSpec) {
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
    let first = a.word(0)?;
    if first.to_ascii_lowercase().starts_with("lv2.") {
        let value = a.rest(1);
        let name = first.to_string();
        return Some(super::inserts::strip_line(d, &name, value.as_deref()));
    }
    let index = find(first)?;
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

pub(super) fn pick_index(d: &mut Desk, index: usize) -> Result<(), String> {
    d.processing.pick(index);
    let strip = d.strip_id();
    d.report_param(strip, &PARAMS[index]);
    d.changed = true;
    Ok(())
}

pub(super) fn set_index(d: &mut Desk, index: usize, text: &str) -> Result<(), String> {
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
