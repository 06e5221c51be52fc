//! What the demo's characters say and how: their voices and scripts, the
//! syllables planned for each phrase, and the per-sample articulation
//! (loudness, pitch, formants) that drives the voice.

use super::cues::{ANNA_PHRASES, BEN_PHRASES, BEN_SHOUT};
use super::synth::{at, db, smoothstep, Biquad, Rng, SR};

/// Extra level of the shouted word in dB.
const SHOUT_DB: f64 = 8.0;

/// Voice source and vocal tract of one character, plus their script.
pub(super) struct Speaker {
    /// Mean fundamental frequency in Hz.
    f0: f64,
    /// Formant multiplier against the adult-male vowel table (shorter tract = higher).
    pub(super) formant_scale: f64,
    /// Fraction of each glottal cycle the folds are open (higher = softer, breathier).
    pub(super) open_quotient: f64,
    /// Aspiration noise mixed into the glottal source.
    pub(super) breath: f64,
    /// Phrase timings `(start, end)` in the character's production file.
    pub(super) phrases: &'static [(f64, f64)],
    /// Phrase spoken as a question (rising end), if any.
    pub(super) question: Option<usize>,
    /// Phrase index and absolute span of a shouted word, if any.
    shout: Option<(usize, (f64, f64))>,
    /// Script seed: the same seed always yields the same syllables (reused for ADR).
    pub(super) seed: u64,
}

pub(super) const ANNA: Speaker = Speaker {
    f0: 214.0,
    formant_scale: 1.17,
    open_quotient: 0.66,
    breath: 0.5,
    phrases: ANNA_PHRASES,
    question: Some(1),
    shout: None,
    seed: 0xA22A,
};

pub(super) const BEN: Speaker = Speaker {
    f0: 114.0,
    formant_scale: 1.0,
    open_quotient: 0.55,
    breath: 0.25,
    phrases: BEN_PHRASES,
    question: None,
    shout: Some((1, BEN_SHOUT)),
    seed: 0xBE22,
};

/// Adult-male F1–F3 targets in Hz for the vowels a, e, i, o, u.
const VOWELS: [[f64; 3]; 5] = [
    [730.0, 1090.0, 2440.0],
    [530.0, 1840.0, 2480.0],
    [270.0, 2290.0, 3010.0],
    [570.0, 840.0, 2410.0],
    [300.0, 870.0, 2240.0],
];
/// Intrinsic peak level of each vowel (open vowels are louder).
const VOWEL_LEVELS: [f64; 5] = [1.0, 0.92, 0.82, 0.95, 0.82];
/// Voicing level kept across syllable joins inside a word.
const LINK_LEVEL: f64 = 0.35;

/// Unvoiced consonants: noise bursts before a vowel.
#[derive(Clone, Copy)]
pub(super) enum Consonant {
    S,
    Sh,
    T,
}

impl Consonant {
    /// Duration (s), noise-shaping filter and level (dBFS RMS at normal speech
    /// level): "s" is hiss above 4.5 kHz, "sh" a hush near 2.8 kHz, "t" a burst.
    pub(super) fn sound(self) -> (f64, Biquad, f64) {
        match self {
            Consonant::S => (0.085, Biquad::highpass(4500.0, 0.8), -33.0),
            Consonant::Sh => (0.09, Biquad::bandpass(2800.0, 1.3), -32.0),
            Consonant::T => (0.035, Biquad::bandpass(3500.0, 0.6), -24.0),
        }
    }
}

/// One planned syllable; times in seconds from the phrase start.
#[derive(Clone, Copy)]
pub(super) struct Syllable {
    pub(super) start: f64,
    /// Voicing starts here, after the onset consonant if any.
    pub(super) voice_on: f64,
    pub(super) end: f64,
    formants: [f64; 3],
    pub(super) onset: Option<Consonant>,
    /// Pitch accent: relative F0 bump peaking mid-syllable.
    accent: f64,
    /// Planned peak level relative to a plain "a" (vowel, stress, shout).
    pub(super) gain: f64,
    word_final: bool,
    /// Voicing level at the start and end (non-zero where syllables join).
    levels: (f64, f64),
}

/// Plans a phrase's syllables in phrase-local time; the speaker's shouted
/// word, if it falls in this phrase, occupies exactly its span.
pub(super) fn plan_phrase(sp: &Speaker, index: usize) -> Vec<Syllable> {
    let mut rng = Rng::new(sp.seed.wrapping_mul(31).wrapping_add(index as u64));
    let (p0, p1) = sp.phrases[index];
    let mut plan = Vec::new();
    match sp.shout {
        Some((i, (s0, s1))) if i == index => {
            plan_words(sp, (0.0, s0 - p0 - 0.08), false, &mut rng, &mut plan);
            plan_words(sp, (s0 - p0, s1 - p0), true, &mut rng, &mut plan);
            plan_words(sp, (s1 - p0 + 0.1, p1 - p0), false, &mut rng, &mut plan);
        }
        _ => plan_words(sp, (0.0, p1 - p0), false, &mut rng, &mut plan),
    }
    link_syllables(&mut plan);
    plan
}

/// Appends words of 1–3 syllables (~5 syllables/s, short gaps between words),
/// stretched to exactly fill `span`; `loud` makes one two-syllable shout.
fn plan_words(sp: &Speaker, span: (f64, f64), loud: bool, rng: &mut Rng, out: &mut Vec<Syllable>) {
    let first = out.len();
    let mut t = 0.0;
    for w in 0..((span.1 - span.0) / 0.42).round().max(1.0) as usize {
        t += if w > 0 { rng.range(0.04, 0.1) } else { 0.0 };
        let count = if loud { 2 } else { 1 + rng.pick(3) };
        for k in 0..count {
            let next = syllable(sp, t, loud, (k == 0, k + 1 == count), rng);
            t = next.end;
            out.push(next);
        }
    }
    let scale = (span.1 - span.0) / t;
    for s in &mut out[first..] {
        s.start = span.0 + s.start * scale;
        s.voice_on = span.0 + s.voice_on * scale;
        s.end = span.0 + s.end * scale;
    }
}

/// One syllable at nominal time `t`: a vowel (an open "a" starts a shout), an
/// optional unvoiced onset, and stress (pitch accent and a little level).
fn syllable(
    sp: &Speaker,
    t: f64,
    loud: bool,
    (initial, last): (bool, bool),
    rng: &mut Rng,
) -> Syllable {
    let dur = rng.range(0.13, 0.22);
    let vowel = if loud && initial { 0 } else { rng.pick(5) };
    let onset = match rng.pick(25) {
        0..=3 => Some(Consonant::S),
        4..=5 => Some(Consonant::Sh),
        6..=8 => Some(Consonant::T),
        _ => None,
    };
    let (accent, gain) = match (loud, initial && rng.unit() < 0.5) {
        (true, _) => (0.2, db(SHOUT_DB)),
        (false, true) => (rng.range(0.06, 0.14), 1.1 * rng.range(0.8, 1.0)),
        (false, false) => (0.0, rng.range(0.8, 1.0)),
    };
    Syllable {
        start: t,
        voice_on: t + onset.map_or(0.0, |c| c.sound().0.min(0.4 * dur)),
        end: t + dur,
        formants: std::array::from_fn(|f| {
            VOWELS[vowel][f] * sp.formant_scale * rng.range(0.95, 1.05)
        }),
        onset,
        accent,
        gain: gain * VOWEL_LEVELS[vowel],
        word_final: last,
        levels: (0.0, 0.0),
    }
}

/// Keeps voicing alive across syllable joins inside a word, unless an
/// unvoiced consonant interrupts it.
fn link_syllables(plan: &mut [Syllable]) {
    for i in 0..plan.len() {
        let joined_before = i > 0 && !plan[i - 1].word_final && plan[i].onset.is_none();
        let joined_after =
            !plan[i].word_final && plan.get(i + 1).is_some_and(|n| n.onset.is_none());
        let level = |joined: bool| if joined { LINK_LEVEL } else { 0.0 };
        plan[i].levels = (level(joined_before), level(joined_after));
    }
}

/// Voicing amplitude of a syllable at phrase time `t`: a 20 ms rise, a gently
/// sagging hold, then a fall over the last 35 % to the joining level.
fn syllable_envelope(s: &Syllable, t: f64) -> f64 {
    let (from, to) = s.levels;
    let voiced = s.end - s.voice_on;
    let rise = from + (1.0 - from) * smoothstep((t - s.voice_on) / 0.02);
    let sag = 1.0 - 0.15 * (t - s.voice_on) / voiced;
    let fall = smoothstep((t - (s.end - 0.35 * voiced)) / (0.35 * voiced));
    rise * sag * (1.0 - fall) + to * fall
}

/// Phrase intonation as an F0 multiplier at progress `u` in [0, 1]: steady
/// declination, then a final fall — or a rise for a question.
fn intonation(u: f64, question: bool) -> f64 {
    let ending = smoothstep((u - 0.8) / 0.2);
    let turn = if question { 0.3 } else { -0.08 };
    (1.06 - 0.14 * u) * (1.0 + turn * ending)
}

/// Per-sample articulation: voicing amplitude, F0 in Hz and formants in Hz.
#[derive(Clone, Copy)]
pub(super) struct Control {
    pub(super) amp: f64,
    pub(super) pitch: f64,
    pub(super) formants: [f64; 3],
}

/// Turns a syllable plan into per-sample controls: voicing envelopes, the
/// intonation contour with pitch accents, and formants gliding (25 ms time
/// constant) between vowel targets. Runs 0.1 s past `length` to ring out.
pub(super) fn articulate(
    sp: &Speaker,
    plan: &[Syllable],
    length: f64,
    question: bool,
) -> Vec<Control> {
    let Some(first) = plan.first() else {
        return Vec::new();
    };
    let mut ctl: Vec<Control> = (0..at(length + 0.1))
        .map(|i| Control {
            amp: 0.0,
            pitch: sp.f0 * intonation(i as f64 / SR / length, question),
            formants: first.formants,
        })
        .collect();
    for (k, s) in plan.iter().enumerate() {
        let next = plan.get(k + 1).map_or(ctl.len(), |n| at(n.start));
        ctl.iter_mut()
            .take(next)
            .skip(at(s.start))
            .for_each(|c| c.formants = s.formants);
        for (i, c) in ctl
            .iter_mut()
            .enumerate()
            .take(at(s.end))
            .skip(at(s.voice_on))
        {
            let t = i as f64 / SR;
            let x = (t - s.start) / (s.end - s.start);
            c.amp = syllable_envelope(s, t);
            c.pitch *= 1.0 + s.accent * 4.0 * x * (1.0 - x);
        }
    }
    let glide = 1.0 - (-1.0 / (0.025 * SR)).exp();
    let mut smooth = first.formants;
    for c in &mut ctl {
        smooth
            .iter_mut()
            .zip(c.formants)
            .for_each(|(f, target)| *f += glide * (target - *f));
        c.formants = smooth;
    }
    ctl
}
