//! Dialog takes: the voice (glottal source through gliding formant
//! resonators), levelled word by word, with unvoiced consonants; production
//! dialog on location and the studio ADR line.

use super::cues::ADR_PHRASE;
use super::room::{add_room_reflections, room_tone};
use super::speech::{articulate, plan_phrase, Consonant, Control, Speaker, Syllable, BEN};
use super::synth::{at, db, gain_to, mix_into, peak, region, smoothstep, Biquad, Rng, SR};

/// Peak level of a plain, unstressed "a" syllable in dialog, in dBFS: word
/// peaks land at -10 to -14 dBFS and about -23 dBFS RMS over the phrases.
const WORD_PEAK_DBFS: f64 = -10.5;
/// Formant bandwidths in Hz (scaled with the formants).
const BANDWIDTHS: [f64; 3] = [110.0, 130.0, 180.0];
/// Samples between formant-filter coefficient updates.
const CONTROL_BLOCK: usize = 32;

/// Glottal source: a Rosenberg-style flow pulse emitted as its derivative (what
/// excites the vocal tract), with per-cycle jitter (±2 % period) and shimmer
/// (±8 % amplitude).
struct Glottis {
    phase: f64,
    rate: f64,
    shimmer: f64,
    open_quotient: f64,
}

impl Glottis {
    /// Returns `(flow derivative, folds open)` for one sample at pitch `f0`.
    fn next(&mut self, f0: f64, rng: &mut Rng) -> (f64, bool) {
        self.phase += f0 * self.rate / SR;
        if self.phase >= 1.0 {
            self.phase -= 1.0;
            self.rate = 1.0 + rng.range(-0.02, 0.02);
            self.shimmer = 1.0 + rng.range(-0.08, 0.08);
        }
        let (p, open) = (self.phase, self.open_quotient);
        let opening = 0.7 * open;
        let slope = if p < opening {
            6.0 * (p / opening) * (1.0 - p / opening) / opening
        } else if p < open {
            -2.0 * (p - opening) / (open - opening).powi(2)
        } else {
            0.0
        };
        (self.shimmer * slope, p < open)
    }
}

/// Voiced speech: glottal pulses plus aspiration, shaped by the voicing
/// envelope, through a cascade of three gliding formant resonators.
fn render_voice(sp: &Speaker, ctl: &[Control], rng: &mut Rng) -> Vec<f64> {
    let mut glottis = Glottis {
        phase: 0.0,
        rate: 1.0,
        shimmer: 1.0,
        open_quotient: sp.open_quotient,
    };
    let mut tract = [Biquad::default(); 3];
    let mut out = Vec::with_capacity(ctl.len());
    for (i, c) in ctl.iter().enumerate() {
        if i % CONTROL_BLOCK == 0 {
            for ((filter, freq), bw) in tract.iter_mut().zip(c.formants).zip(BANDWIDTHS) {
                filter.retune(Biquad::resonator(freq, bw * sp.formant_scale));
            }
        }
        let (pulse, open) = glottis.next(c.pitch, rng);
        let aspiration = sp.breath * rng.noise() * if open { 1.0 } else { 0.3 };
        out.push(
            tract
                .iter_mut()
                .fold((pulse + aspiration) * c.amp, |s, f| f.process(s)),
        );
    }
    out
}

/// Dialog leveler: rides a rendered phrase's gain so each syllable peaks at
/// its planned level (`Syllable::gain` relative to [`WORD_PEAK_DBFS`]),
/// whatever its vowel/harmonic resonance does; the gain glides (5 ms) into
/// each new syllable.
fn level_syllables(voice: &mut [f64], plan: &[Syllable]) {
    let targets: Vec<(usize, f64)> = plan
        .iter()
        .map(|s| {
            let voiced = &voice[at(s.voice_on).min(voice.len())..at(s.end).min(voice.len())];
            (at(s.start), s.gain * gain_to(WORD_PEAK_DBFS, peak(voiced)))
        })
        .collect();
    let glide = 1.0 - (-1.0 / (0.005 * SR)).exp();
    let mut gain = targets.first().map_or(1.0, |t| t.1);
    for (k, &(from, target)) in targets.iter().enumerate() {
        let to = targets.get(k + 1).map_or(voice.len(), |next| next.0);
        for s in voice
            .iter_mut()
            .take(to)
            .skip(if k == 0 { 0 } else { from })
        {
            gain += glide * (target - gain);
            *s *= gain;
        }
    }
}

/// Adds an unvoiced consonant lasting `dur` s from `start` s; its level is fixed
/// in dBFS, scaled by `gain` to follow the syllable (e.g. when shouted).
fn add_consonant(
    out: &mut [f64],
    (kind, start, dur): (Consonant, f64, f64),
    gain: f64,
    rng: &mut Rng,
) {
    let (_, mut filter, level) = kind.sound();
    let amp = db(level) * 3f64.sqrt() * gain;
    for (t, s) in region(out, start, dur) {
        let env = match kind {
            Consonant::T => (-6.0 * t / dur).exp() * smoothstep(t / 0.001),
            _ => smoothstep(t / dur / 0.3) * smoothstep((1.0 - t / dur) / 0.4),
        };
        *s += amp * env * filter.process(rng.noise());
    }
}

/// Renders `lines` — `(script phrase index, start second in this file)` — for
/// a speaker: voiced phrases (with small-room reflections when `in_room`)
/// levelled word by word, plus unvoiced consonants.
fn render_dialog(
    sp: &Speaker,
    lines: &[(usize, f64)],
    in_room: bool,
    take_seed: u64,
    frames: usize,
) -> Vec<f64> {
    let mut rng = Rng::new(take_seed);
    let mut out = vec![0.0; frames];
    for &(index, start) in lines {
        let (p0, p1) = sp.phrases[index];
        let plan = plan_phrase(sp, index);
        let ctl = articulate(sp, &plan, p1 - p0, sp.question == Some(index));
        let mut voice = render_voice(sp, &ctl, &mut rng);
        if in_room {
            add_room_reflections(&mut voice);
        }
        level_syllables(&mut voice, &plan);
        for s in &plan {
            if let Some(c) = s.onset {
                let sound = (c, s.start, s.voice_on - s.start);
                add_consonant(&mut voice, sound, s.gain, &mut rng);
            }
        }
        mix_into(&mut out, at(start), &voice);
    }
    out
}

/// Production dialog "on location": all phrases with small-room reflections,
/// and a room-tone bed under the whole file.
pub(super) fn location_dialog(sp: &Speaker, frames: usize) -> Vec<f64> {
    let lines: Vec<(usize, f64)> = sp
        .phrases
        .iter()
        .enumerate()
        .map(|(i, p)| (i, p.0))
        .collect();
    let mut out = render_dialog(sp, &lines, true, sp.seed ^ 0x5EED, frames);
    mix_into(&mut out, 0, &room_tone(frames, sp.seed ^ 0xB0B));
    out
}

/// Studio ADR of Ben's 3rd phrase at [`ADR_PHRASE`]: the same words in a new
/// take, dry, over a -70 dBFS noise floor.
pub(super) fn adr_line(frames: usize) -> Vec<f64> {
    let mut out = render_dialog(&BEN, &[(2, ADR_PHRASE.0)], false, 0xADD0, frames);
    let mut rng = Rng::new(0xADD1);
    out.iter_mut()
        .for_each(|s| *s += db(-70.0) * 3f64.sqrt() * rng.noise());
    out
}
