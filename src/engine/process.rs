//! One block of the mix: track inputs through their strips to buses, stems,
//! the M&E and the printmaster. Realtime-safe: no allocation, no locks, no I/O.

use super::plan::{Dest, Plan};
use crate::dsp::gain::mix_into;

/// Mix `frames` frames of `plan.track_inputs` into the stem, M&E and
/// printmaster buffers. `frames` must not exceed `plan.max_block`.
pub fn process(plan: &mut Plan, frames: usize) {
    let n = frames.min(plan.max_block);
    for bus in plan.bus_buffers.iter_mut() {
        for ch in bus.iter_mut() {
            ch[..n].fill(0.0);
        }
    }
    for stem in plan.stem_buffers.iter_mut() {
        for ch in stem.iter_mut() {
            ch[..n].fill(0.0);
        }
    }

    let Plan {
        tracks,
        track_inputs,
        bus_buffers,
        stem_buffers,
        buses,
        bus_order,
        ..
    } = plan;
    for (track, input) in tracks.iter_mut().zip(track_inputs.iter()) {
        let glide = (track.ramp_left as usize).min(n);
        if glide == 0 && track.live == [[0.0; 2]; 2] {
            continue;
        }
        let dest = match track.dest {
            Dest::Bus(b) => &mut bus_buffers[b],
            Dest::Stem(s) => &mut stem_buffers[s],
        };
        for (c, samples) in input.iter().enumerate().take(track.channels) {
            for (o, out) in dest.iter_mut().enumerate() {
                let (from, to) = (track.live[c][o], track.matrix[c][o]);
                if glide > 0 {
                    // A live change glides linearly to its target, sample by sample.
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

    for &b in bus_order.iter() {
        let bus = &buses[b];
        if bus.mute {
            continue;
        }
        // Take the bus's buffer out for a moment to add it to its destination.
        let source = std::mem::take(&mut bus_buffers[b]);
        let dest = match bus.dest {
            Dest::Bus(d) => &mut bus_buffers[d],
            Dest::Stem(s) => &mut stem_buffers[s],
        };
        for (out, input) in dest.iter_mut().zip(source.iter()) {
            mix_into(&mut out[..n], &input[..n], bus.gain);
        }
        bus_buffers[b] = source;
    }

    for (stem, &gain) in plan.stem_buffers.iter_mut().zip(plan.stem_gains.iter()) {
        for ch in stem.iter_mut() {
            crate::dsp::gain::apply(&mut ch[..n], gain);
        }
    }
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
}
