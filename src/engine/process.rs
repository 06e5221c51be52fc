//! One block of the mix: each track's input through its strip, sends and
//! pan to buses and stems; each bus through its strip and fader; stems,
//! M&E and printmaster. Realtime-safe: no allocation, no locks, no I/O.

use super::automation::{self, segments, StripLanes, TrackControls, MAX_SENDS};
use super::plan::{BusPlan, Dest, Plan, TrackPlan};
use crate::dsp::gain::mix_into;
use crate::dsp::pan::MAX_OUT;
use crate::dsp::strip::{Member, StripProcessor, GROUP};

/// Mix `frames` frames of `plan.track_inputs`, which hold timeline samples
/// from `position` on, into the stem, M&E and printmaster buffers (which
/// then hold timeline samples from `position - plan.strip_latency`). `frames`
/// must not exceed `plan.max_block`.
pub fn process(plan: &mut Plan, position: u64, frames: usize) {
    let n = frames.min(plan.max_block);
    for buffer in plan
        .bus_buffers
        .iter_mut()
        .chain(plan.stem_buffers.iter_mut())
    {
        for ch in buffer.iter_mut() {
            ch[..n].fill(0.0);
        }
    }

    // The strips' output is `strip_latency` late: what follows them, and
    // the automation of it all, is that much behind the tracks' input.
    let position = position.saturating_sub(plan.strip_latency as u64);
    let Plan {
        tracks,
        track_inputs,
        bus_buffers,
        stem_buffers,
        buses,
        bus_order,
        automation,
        ..
    } = plan;
    let automated = |t: usize| automation.tracks.get(t).is_some_and(|l| !l.is_empty());
    // Strips first, a group at a time: their filters share the wavefront
    // and the lanes.
    let mut group: [Option<Member<'_>>; GROUP] = Default::default();
    let mut members = 0;
    for (t, (track, input)) in tracks.iter_mut().zip(track_inputs.iter_mut()).enumerate() {
        // A strip that delays runs unheard too, so that nothing stale
        // comes out of it when it is heard again.
        let delays = track.strip.latency() > 0;
        if automated(t) || (!track.heard() && !delays) || track.strip.is_bypassed() {
            continue;
        }
        group[members] = Some((&mut track.strip, &mut input[..track.channels]));
        members += 1;
        if members == GROUP {
            StripProcessor::process_group(&mut group, n);
            group = Default::default();
            members = 0;
        }
    }
    StripProcessor::process_group(&mut group[..members], n);
    // Then the LV2 inserts (and their latency compensation).
    for (t, (track, input)) in tracks.iter_mut().zip(track_inputs.iter_mut()).enumerate() {
        if automated(t) || !track.heard() || track.inserts.is_idle() {
            continue;
        }
        track.inserts.process(&mut input[..track.channels], 0, n);
    }

    for (t, (track, input)) in tracks.iter_mut().zip(track_inputs.iter_mut()).enumerate() {
        if let Some(lanes) = automation.tracks.get(t).filter(|l| !l.is_empty()) {
            automated_track(track, lanes, input, bus_buffers, stem_buffers, position, n);
            continue;
        }
        if !track.heard() {
            continue;
        }
        for send in &track.sends {
            let gains = if send.pre_fader {
                if !track.audible {
                    continue;
                }
                &track.panner
            } else {
                &track.live
            };
            mix(
                &mut bus_buffers[send.bus],
                input,
                track.channels,
                gains,
                send.gain,
                n,
            );
        }
        let dest = destination(track.dest, bus_buffers, stem_buffers);
        mix_track(track, input, dest, n);
    }

    for &b in bus_order.iter() {
        let bus = &mut buses[b];
        let lanes = automation.buses.get(b).filter(|l| !l.is_empty());
        if !bus.audible && lanes.is_none() {
            continue;
        }
        // Take the bus's buffer out for a moment to add it to its destination.
        let mut source = std::mem::take(&mut bus_buffers[b]);
        let dest = destination(bus.dest, bus_buffers, stem_buffers);
        match lanes {
            Some(lanes) => automated_bus(bus, lanes, &mut source, dest, position, n),
            None => {
                bus.strip.process(&mut source, n);
                if !bus.inserts.is_idle() {
                    bus.inserts.process(&mut source, 0, n);
                }
                for (out, input) in dest.iter_mut().zip(source.iter()) {
                    mix_into(&mut out[..n], &input[..n], bus.gain);
                }
            }
        }
        bus_buffers[b] = source;
    }

    for (stem, &gain) in plan.stem_buffers.iter_mut().zip(plan.stem_gains.iter()) {
        for ch in stem.iter_mut() {
            crate::dsp::gain::apply(&mut ch[..n], gain);
        }
    }
    plan.output.stems(&mut plan.stem_buffers, n);
    let [dx, mx, fx] = &plan.stem_buffers;
    for c in 0..plan.channels {
        let me = &mut plan.me_buffer[c][..n];
        for ((o, m), f) in me.iter_mut().zip(&mx[c][..n]).zip(&fx[c][..n]) {
            *o = *m + *f;
        }
        let pm = &mut plan.printmaster_buffer[c][..n];
        for ((o, d), me) in pm.iter_mut().zip(&dx[c][..n]).zip(&plan.me_buffer[c][..n]) {
            *o = (*d + *me) * plan.printmaster_gain;
        }
    }
    plan.output.master(
        &mut plan.stem_buffers,
        &mut plan.me_buffer,
        &mut plan.printmaster_buffer,
        n,
    );
}

/// `dest += input` through `gains` (track channel by output channel) times `level`.
fn mix(
    dest: &mut [Vec<f32>],
    input: &[Vec<f32>],
    channels: usize,
    gains: &[[f32; MAX_OUT]; 2],
    level: f32,
    n: usize,
) {
    for (c, samples) in input.iter().enumerate().take(channels) {
        for (o, out) in dest.iter_mut().enumerate() {
            mix_into(&mut out[..n], &samples[..n], gains[c][o] * level);
        }
    }
}

/// Add a track to its destination through its matrix; a live change
/// glides linearly to its target, sample by sample.
fn mix_track(track: &mut TrackPlan, input: &[Vec<f32>], dest: &mut [Vec<f32>], n: usize) {
    let glide = (track.ramp_left as usize).min(n);
    for (c, samples) in input.iter().enumerate().take(track.channels) {
        for (o, out) in dest.iter_mut().enumerate() {
            let (from, to) = (track.live[c][o], track.matrix[c][o]);
            if glide > 0 {
                let step = (to - from) / track.ramp_left as f32;
                let mut g = from;
                for (x, y) in out[..glide].iter_mut().zip(&samples[..glide]) {
                    g += step;
                    *x += *y * g;
                }
            }
            mix_into(&mut out[glide..n], &samples[glide..n], to);
        }
    }
    if glide > 0 {
        if glide == track.ramp_left as usize {
            track.live = track.matrix;
            track.ramp_left = 0;
        } else {
            let fraction = glide as f32 / track.ramp_left as f32;
            for (live, target) in track
                .live
                .iter_mut()
                .flatten()
                .zip(track.matrix.iter().flatten())
            {
                *live += (*target - *live) * fraction;
            }
            track.ramp_left -= glide as u32;
        }
    }
}

/// The buffer a track or bus adds into.
fn destination<'a>(
    dest: Dest,
    bus_buffers: &'a mut [Vec<Vec<f32>>],
    stem_buffers: &'a mut [Vec<Vec<f32>>; 3],
) -> &'a mut [Vec<f32>] {
    match dest {
        Dest::Bus(b) => &mut bus_buffers[b],
        Dest::Stem(s) => &mut stem_buffers[s],
    }
}

/// A track whose lanes move its controls: strip, sends and mix segment by
/// segment of the automation grid, gains gliding across each segment.
fn automated_track(
    track: &mut TrackPlan,
    lanes: &StripLanes,
    input: &mut [Vec<f32>],
    bus_buffers: &mut [Vec<Vec<f32>>],
    stem_buffers: &mut [Vec<Vec<f32>>; 3],
    position: u64,
    n: usize,
) {
    let mut send_gains = [0.0f32; MAX_SENDS];
    for (g, s) in send_gains.iter_mut().zip(&track.sends) {
        *g = s.gain;
    }
    let sends = track.sends.len().min(MAX_SENDS);
    let controls = TrackControls {
        layout: track.layout,
        format: track.format,
        pan_law: track.pan_law,
        position: track.position,
        fader_db: track.fader_db,
        audible: track.audible,
        send_gains: &send_gains[..sends],
    };
    let channels = track.channels;
    // After the inserts (and their padding) the track's audio is later
    // still: its fader, pan and sends play that much later.
    let late = (track.inserts.latency() + track.inserts.compensation()) as u64;
    let after = position.saturating_sub(late);
    // Each segment ends where the next begins: its end state is the next one's start.
    let mut start = automation::track_state(lanes, &controls, after);
    for (a, b) in segments(position, n) {
        automation::strip_params(
            lanes,
            position + a as u64,
            &mut track.strip,
            &mut track.inserts,
        );
        track.strip.process_range(&mut input[..channels], a, b);
        track.inserts.process(&mut input[..channels], a, b);
        let end = automation::track_state(lanes, &controls, after + b as u64);
        for (k, send) in track.sends.iter().enumerate() {
            let (m0, m1) = if send.pre_fader {
                if !track.audible {
                    continue;
                }
                (&start.panner, &end.panner)
            } else {
                (&start.matrix, &end.matrix)
            };
            let (g0, g1) = if k < MAX_SENDS {
                (start.sends[k], end.sends[k])
            } else {
                (send.gain, send.gain)
            };
            for (c, samples) in input.iter().enumerate().take(channels) {
                for (o, out) in bus_buffers[send.bus].iter_mut().enumerate() {
                    automation::mix_glide(
                        &mut out[a..b],
                        &samples[a..b],
                        m0[c][o] * g0,
                        m1[c][o] * g1,
                    );
                }
            }
        }
        let out = destination(track.dest, bus_buffers, stem_buffers);
        for (c, samples) in input.iter().enumerate().take(channels) {
            for (o, out) in out.iter_mut().enumerate() {
                automation::mix_glide(
                    &mut out[a..b],
                    &samples[a..b],
                    start.matrix[c][o],
                    end.matrix[c][o],
                );
            }
        }
        start = end;
    }
    // Should the lanes stop, the fader glides on from where they left it.
    track.live = start.matrix;
    track.ramp_left = if start.matrix == track.matrix {
        0
    } else {
        super::plan::GAIN_RAMP
    };
}

/// A bus whose lanes move its fader, mute or strip.
fn automated_bus(
    bus: &mut BusPlan,
    lanes: &StripLanes,
    source: &mut [Vec<f32>],
    dest: &mut [Vec<f32>],
    position: u64,
    n: usize,
) {
    // The bus's input is late through the tracks' inserts, and its own
    // inserts (with their padding) make its fader later still.
    let position = position.saturating_sub(bus.input_delay as u64);
    let late = (bus.inserts.latency() + bus.inserts.compensation()) as u64;
    let after = position.saturating_sub(late);
    let mut g0 = automation::bus_gain(lanes, bus.gain, bus.audible, after);
    for (a, b) in segments(position, n) {
        automation::strip_params(lanes, position + a as u64, &mut bus.strip, &mut bus.inserts);
        bus.strip.process_range(source, a, b);
        bus.inserts.process(source, a, b);
        let g1 = automation::bus_gain(lanes, bus.gain, bus.audible, after + b as u64);
        for (out, input) in dest.iter_mut().zip(source.iter()) {
            automation::mix_glide(&mut out[a..b], &input[a..b], g0, g1);
        }
        g0 = g1;
    }
}
