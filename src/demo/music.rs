//! The music cue: a minor-key progression for pad, bass and bell, built by
//! additive synthesis.

use std::f64::consts::PI;

use super::synth::{at, mix_into, normalize, peak, smoothstep, Phasor, SR};

/// Chord length of the cue in seconds (4 beats at 64 BPM).
const CHORD_SECONDS: f64 = 3.75;
/// A minor i–VI–III–VII as MIDI notes: (pad triad, bass root, melody per beat).
const PROGRESSION: [([u8; 3], u8, [u8; 4]); 4] = [
    ([57, 60, 64], 45, [76, 72, 71, 72]),
    ([53, 57, 60], 41, [72, 69, 72, 77]),
    ([55, 60, 64], 48, [76, 79, 76, 74]),
    ([55, 59, 62], 43, [74, 71, 67, 69]),
];

/// An additive-synth voice: partials `(harmonic, level)` and an envelope with
/// smooth attack, exponential decay while held (time constant) and release.
struct Instrument {
    partials: &'static [(f64, f64)],
    attack: f64,
    decay: f64,
    release: f64,
    gain: f64,
}

/// Slow, sustained pad (played as detuned, panned pairs).
const PAD: Instrument = Instrument {
    partials: &[(1.0, 1.0), (2.0, 0.35), (3.0, 0.12)],
    attack: 0.9,
    decay: f64::INFINITY,
    release: 1.2,
    gain: 0.12,
};
/// Soft round bass, one note per chord.
const BASS: Instrument = Instrument {
    partials: &[(1.0, 1.0), (2.0, 0.3)],
    attack: 0.04,
    decay: 6.0,
    release: 0.3,
    gain: 0.35,
};
/// Light bell-like lead for the melody.
const BELL: Instrument = Instrument {
    partials: &[(1.0, 1.0), (2.0, 0.2), (3.0, 0.06)],
    attack: 0.015,
    decay: 0.5,
    release: 0.4,
    gain: 0.12,
};

/// Frequency in Hz of a MIDI note detuned by `cents`.
fn midi_hz(note: u8, cents: f64) -> f64 {
    440.0 * 2f64.powf((f64::from(note) - 69.0 + cents / 100.0) / 12.0)
}

/// Adds a note to interleaved stereo `out`: held `hold` s from `start` s, then
/// released, equal-power panned (`pan` -1 left .. 1 right). The envelope is
/// evaluated every 64 frames and interpolated linearly in between.
fn add_note(out: &mut [f64], inst: &Instrument, (start, hold): (f64, f64), freq: f64, pan: f64) {
    const BLOCK: usize = 64;
    let mut partials = inst
        .partials
        .iter()
        .map(|&(h, level)| (Phasor::new(freq * h, h), level))
        .collect::<Vec<_>>();
    let angle = (pan + 1.0) * PI / 4.0;
    let (left, right) = (inst.gain * angle.cos(), inst.gain * angle.sin());
    let envelope = |frame: usize| {
        let t = frame as f64 / SR;
        let release = 1.0 - smoothstep((t - hold) / inst.release);
        smoothstep(t / inst.attack) * (-t / inst.decay).exp() * release
    };
    let Some(region) = out.get_mut(2 * at(start)..) else {
        return;
    };
    let len = (2 * at(hold + inst.release)).min(region.len());
    for (b, block) in region[..len].chunks_mut(2 * BLOCK).enumerate() {
        let (from, to) = (envelope(b * BLOCK), envelope((b + 1) * BLOCK));
        for (i, frame) in block.chunks_exact_mut(2).enumerate() {
            let env = from + (to - from) * i as f64 / BLOCK as f64;
            let s = env
                * partials
                    .iter_mut()
                    .map(|(p, level)| *level * p.next())
                    .sum::<f64>();
            frame[0] += left * s;
            frame[1] += right * s;
        }
    }
}

/// The music cue: the progression played twice — a detuned, panned pad, a bass
/// note per chord and a light melody — faded in over 2 s and out over the last
/// 3 s; peak -8 dBFS.
pub(super) fn music_cue(frames: usize) -> Vec<f64> {
    let beat = CHORD_SECONDS / 4.0;
    let mut pass = vec![0.0; 2 * at(4.0 * CHORD_SECONDS + PAD.release)];
    for (k, (triad, bass, melody)) in PROGRESSION.iter().enumerate() {
        let start = k as f64 * CHORD_SECONDS;
        for (v, &note) in triad.iter().enumerate() {
            let spread = v as f64 - 1.0;
            for side in [-1.0, 1.0] {
                // A detuned pair panned apart: slow beating and stereo width.
                let (freq, pan) = (
                    midi_hz(note, side * (5.0 + 2.0 * spread)),
                    side * 0.35 + 0.2 * spread,
                );
                add_note(&mut pass, &PAD, (start, CHORD_SECONDS), freq, pan);
            }
        }
        let root = midi_hz(*bass, 0.0);
        add_note(&mut pass, &BASS, (start, CHORD_SECONDS - 0.3), root, 0.0);
        for (b, &note) in melody.iter().enumerate() {
            let time = (start + b as f64 * beat, beat);
            add_note(&mut pass, &BELL, time, midi_hz(note, 0.0), 0.25);
        }
    }
    // Two copies, the first's release tails overlapping the second, equal a
    // render of all eight chords at half the cost.
    let mut out = vec![0.0; 2 * frames];
    mix_into(&mut out, 0, &pass);
    mix_into(&mut out, 2 * at(4.0 * CHORD_SECONDS), &pass);
    let end = frames as f64 / SR;
    for (i, frame) in out.chunks_exact_mut(2).enumerate() {
        let t = i as f64 / SR;
        let fade = smoothstep(t / 2.0) * smoothstep((end - t) / 3.0);
        frame.iter_mut().for_each(|s| *s *= fade);
    }
    normalize(&mut out, peak, -8.0);
    out
}
