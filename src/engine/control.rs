//! Mixer changes applied to a running Plan: faders, pans, mutes, solos,
//! strip parameters and sends. Called by the realtime thread for each
//! command; allocation-free.

use super::msg::ToEngine;
use super::plan::Plan;
use crate::dsp::gain::db_to_gain;
use crate::model::strip::StripParam;

/// Apply `command` if it is a mixer change; false for anything else
/// (transport, plan swaps), which the caller handles.
pub fn apply(plan: &mut Plan, command: &ToEngine) -> bool {
    let track = |plan: &mut Plan, t: u16| plan.tracks.get_mut(t as usize).is_some();
    match *command {
        ToEngine::TrackFader { track: t, db } => {
            if let Some(tr) = plan.tracks.get_mut(t as usize) {
                tr.fader_db = db;
                tr.retarget();
            }
        }
        ToEngine::TrackPan { track: t, pan } => {
            if let Some(tr) = plan.tracks.get_mut(t as usize) {
                tr.position.pan = pan.clamp(-1.0, 1.0);
                tr.retarget();
            }
        }
        ToEngine::TrackSurround { track: t, surround } => {
            if let Some(tr) = plan.tracks.get_mut(t as usize) {
                tr.position.surround = surround.clamp(0.0, 1.0);
                tr.retarget();
            }
        }
        ToEngine::TrackDivergence {
            track: t,
            divergence,
        } => {
            if let Some(tr) = plan.tracks.get_mut(t as usize) {
                tr.position.divergence = divergence.clamp(0.0, 1.0);
                tr.retarget();
            }
        }
        ToEngine::TrackLfe { track: t, db } => {
            if let Some(tr) = plan.tracks.get_mut(t as usize) {
                tr.position.lfe = db.map_or(0.0, db_to_gain);
                tr.retarget();
            }
        }
        ToEngine::TrackMute { track: t, mute } => {
            if track(plan, t) {
                plan.tracks[t as usize].mute = mute;
                plan.update_solo();
            }
        }
        ToEngine::TrackSolo { track: t, solo } => {
            if track(plan, t) {
                plan.tracks[t as usize].solo = solo;
                plan.update_solo();
            }
        }
        ToEngine::TrackStrip {
            track: t,
            param,
            value,
        } => {
            if let Some(tr) = plan.tracks.get_mut(t as usize) {
                match param {
                    StripParam::Lv2 { slot, port } => {
                        tr.inserts.set(slot as usize, u32::from(port), value)
                    }
                    _ => tr.strip.set(param, value),
                }
            }
        }
        ToEngine::TrackSend { track: t, send, db } => {
            if let Some(s) = plan
                .tracks
                .get_mut(t as usize)
                .and_then(|tr| tr.sends.get_mut(send as usize))
            {
                s.gain = db_to_gain(db);
            }
        }
        ToEngine::BusFader { bus, db } => {
            if let Some(b) = plan.buses.get_mut(bus as usize) {
                b.gain = db_to_gain(db);
            }
        }
        ToEngine::BusMute { bus, mute } => {
            if let Some(b) = plan.buses.get_mut(bus as usize) {
                b.mute = mute;
                plan.update_solo();
            }
        }
        ToEngine::BusSolo { bus, solo } => {
            if let Some(b) = plan.buses.get_mut(bus as usize) {
                b.solo = solo;
                plan.update_solo();
            }
        }
        ToEngine::BusStrip { bus, param, value } => {
            if let Some(b) = plan.buses.get_mut(bus as usize) {
                match param {
                    StripParam::Lv2 { slot, port } => {
                        b.inserts.set(slot as usize, u32::from(port), value)
                    }
                    _ => b.strip.set(param, value),
                }
            }
        }
        ToEngine::StemFader { stem, db } => {
            if let Some(g) = plan.stem_gains.get_mut(stem as usize) {
                *g = db_to_gain(db);
            }
        }
        ToEngine::StemMute { stem, mute } => {
            if let Some(g) = plan.stem_gains.get_mut(stem as usize) {
                if mute {
                    *g = 0.0;
                }
            }
        }
        ToEngine::PrintmasterFader { db } => plan.printmaster_gain = db_to_gain(db),
        ToEngine::Touch {
            owner,
            param,
            value,
        } => plan.automation.touch(owner, param, value),
        ToEngine::OutputLimiter {
            output,
            param,
            value,
        } => plan.output.set(output as usize, param, value),
        _ => return false,
    }
    true
}
