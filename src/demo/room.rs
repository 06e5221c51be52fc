//! Room tone: the location's air and hum, and the small room's early
//! reflections on dialog recorded in it.

use std::f64::consts::TAU;

use super::synth::{at, db, normalize, rms, Biquad, Phasor, Pink, Rng};

/// Room-tone level under location dialog and in `roomtone.wav`, dBFS RMS.
const ROOM_TONE_DBFS: f64 = -55.0;

/// Location room tone: pink noise low-passed at 1.2 kHz with a slow "air" swell
/// and a faint 50 Hz hum (plus 2nd/3rd harmonics), at [`ROOM_TONE_DBFS`] RMS.
pub(super) fn room_tone(frames: usize, seed: u64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    let (mut pink, mut air) = (Pink::default(), Biquad::lowpass(1200.0, 0.707));
    let mut swell = Phasor::new(0.13, rng.range(0.0, TAU));
    let mut bed: Vec<f64> = (0..frames)
        .map(|_| air.process(pink.process(rng.noise())) * (1.0 + 0.2 * swell.next()))
        .collect();
    normalize(&mut bed, rms, ROOM_TONE_DBFS - 0.5);
    let mut hum = [50.0, 100.0, 150.0].map(|f| Phasor::new(f, rng.range(0.0, TAU)));
    let hum_amp = db(ROOM_TONE_DBFS - 10.0) * 2f64.sqrt();
    for s in &mut bed {
        *s += hum_amp * (hum[0].next() + 0.4 * hum[1].next() + 0.2 * hum[2].next());
    }
    normalize(&mut bed, rms, ROOM_TONE_DBFS);
    bed
}

/// A small room's early reflections (sparse taps at 4–30 ms), added in place:
/// walking backwards, the earlier samples read are still dry.
pub(super) fn add_room_reflections(buf: &mut [f64]) {
    const TAPS: [(f64, f64); 5] = [
        (4.3, 0.3),
        (9.1, -0.22),
        (13.7, 0.17),
        (21.3, 0.11),
        (29.9, -0.07),
    ];
    let taps = TAPS.map(|(ms, gain)| (at(ms / 1000.0), gain));
    for i in (0..buf.len()).rev() {
        let echo: f64 = taps
            .iter()
            .filter(|t| t.0 <= i)
            .map(|&(d, g)| g * buf[i - d])
            .sum();
        buf[i] += echo;
    }
}
