//! Synthesized media for the built-in demo scene.
//!
//! Everything is generated procedurally and deterministically (fixed-seed
//! xorshift RNG, no shipped audio): two characters' production dialog recorded
//! "on location" over a room-tone bed, a matching room-tone fill, a studio ADR
//! line, Foley footsteps, a door creak and slam, and a stereo music cue. Every
//! file is 48 kHz / 24-bit PCM WAV.

use std::f64::consts::{PI, TAU};
use std::path::Path;
use std::{fs, io, thread};

/// Sample rate of every demo file in Hz.
const SR: f64 = 48_000.0;
/// No written sample exceeds this absolute value.
const CEILING: f64 = 0.98;

/// Every file written by [`write_demo_media`]: `(file name, channels, frames at 48 kHz)`.
pub const DEMO_FILES: &[(&str, u16, u64)] = &[
    ("anna.wav", 1, 20 * 48_000),
    ("ben.wav", 1, 20 * 48_000),
    ("roomtone.wav", 1, 8 * 48_000),
    ("adr_ben.wav", 1, 4 * 48_000),
    ("footsteps.wav", 1, 6 * 48_000),
    ("door.wav", 1, 3 * 48_000),
    ("music_cue.wav", 2, 30 * 48_000),
];

/// Anna's phrases in `anna.wav` as `(start, end)` seconds; only room tone lies
/// outside them. Her 2nd phrase is a question (pitch rises at the end).
pub const ANNA_PHRASES: &[(f64, f64)] = &[(1.0, 3.8), (5.1, 7.0), (8.4, 12.3), (13.9, 16.8)];

/// Ben's phrases in `ben.wav` as `(start, end)` seconds; only room tone lies
/// outside them. The 2nd phrase contains the shouted word [`BEN_SHOUT`].
pub const BEN_PHRASES: &[(f64, f64)] = &[(0.6, 2.4), (3.8, 7.4), (9.2, 11.7), (13.5, 17.2)];

/// The shouted word in Ben's 2nd phrase, `(start, end)` seconds in `ben.wav`:
/// ~8 dB louder than his other words (peaks near -2 dBFS), the target for a dip.
pub const BEN_SHOUT: (f64, f64) = (5.3, 5.75);

/// The line in `adr_ben.wav`, `(start, end)` seconds: a studio re-record of
/// Ben's 3rd phrase (`BEN_PHRASES[2]`) — same words and timing, another take.
pub const ADR_PHRASE: (f64, f64) = (0.3, 2.8);

/// Time of the slam in `door.wav` in seconds (the creak runs 0.2–1.4 s).
pub const DOOR_SLAM_AT: f64 = 1.6;

/// Room-tone level under location dialog and in `roomtone.wav`, dBFS RMS.
const ROOM_TONE_DBFS: f64 = -55.0;
/// Peak level of a plain, unstressed "a" syllable in dialog, in dBFS: word
/// peaks land at -10 to -14 dBFS and about -23 dBFS RMS over the phrases.
const WORD_PEAK_DBFS: f64 = -10.5;
/// Extra level of the shouted word in dB.
const SHOUT_DB: f64 = 8.0;

/// Synthesizes every file in [`DEMO_FILES`] into `media_dir` (created if
/// missing). Each file is written to `<name>.tmp`, synced, then renamed, so an
/// interrupted run never leaves a truncated WAV behind. Files render on
/// parallel threads; each has its own fixed seeds, so the bytes never vary.
pub fn write_demo_media(media_dir: &Path) -> io::Result<()> {
    fs::create_dir_all(media_dir)?;
    thread::scope(|scope| {
        let jobs: Vec<_> = DEMO_FILES
            .iter()
            .map(|&(name, ch, frames)| scope.spawn(move || write_file(media_dir, name, ch, frames)))
            .collect();
        // Join every job before reporting, so no error short-circuits a join.
        let results: Vec<_> = jobs.into_iter().map(|job| job.join()).collect();
        results.into_iter().try_for_each(|result| {
            result.unwrap_or_else(|_| Err(io::Error::other("demo synthesis panicked")))
        })
    })
}

/// Renders one demo file and writes it atomically (temp file, then rename).
fn write_file(dir: &Path, name: &str, channels: u16, frames: u64) -> io::Result<()> {
    let samples = usize::try_from(frames)
        .ok()
        .and_then(|frames| render(name, frames))
        .ok_or_else(|| io::Error::other(format!("cannot synthesize {name}")))?;
    let tmp = dir.join(format!("{name}.tmp"));
    let result =
        write_wav(&tmp, channels, &samples).and_then(|()| fs::rename(&tmp, dir.join(name)));
    if result.is_err() {
        let _ = fs::remove_file(&tmp); // best effort; the write error is what matters
    }
    result
}

/// Renders a demo file by name as interleaved samples, NaN-free and within ±[`CEILING`].
fn render(name: &str, frames: usize) -> Option<Vec<f64>> {
    let mut samples = match name {
        "anna.wav" => location_dialog(&ANNA, frames),
        "ben.wav" => location_dialog(&BEN, frames),
        "roomtone.wav" => room_tone(frames, 0x7007),
        "adr_ben.wav" => adr_line(frames),
        "footsteps.wav" => footsteps(frames),
        "door.wav" => door(frames),
        "music_cue.wav" => music_cue(frames),
        _ => return None,
    };
    for s in &mut samples {
        *s = if s.is_nan() {
            0.0
        } else {
            s.clamp(-CEILING, CEILING)
        };
    }
    Some(samples)
}

/// Writes interleaved samples as 48 kHz 24-bit PCM and fsyncs the file.
fn write_wav(path: &Path, channels: u16, samples: &[f64]) -> io::Result<()> {
    let spec = hound::WavSpec {
        channels,
        sample_rate: 48_000,
        bits_per_sample: 24,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(path, spec).map_err(hound_to_io)?;
    for &s in samples {
        let q = (s.clamp(-1.0, 1.0) * 8_388_607.0).round() as i32;
        writer.write_sample(q).map_err(hound_to_io)?;
    }
    writer.finalize().map_err(hound_to_io)?;
    fs::File::open(path)?.sync_all()
}

/// Unwraps hound's I/O errors; anything else is reported as invalid data.
fn hound_to_io(e: hound::Error) -> io::Error {
    match e {
        hound::Error::IoError(e) => e,
        other => io::Error::new(io::ErrorKind::InvalidData, other),
    }
}

// ---------------------------------------------------------------- primitives

/// Deterministic xorshift64* generator: the same seed always gives the same audio.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        // One splitmix64 step spreads small seeds and keeps the state non-zero.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in [lo, hi): humanizes timing, pitch and level.
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    /// Uniform index in 0..n.
    fn pick(&mut self, n: usize) -> usize {
        ((self.unit() * n as f64) as usize).min(n - 1)
    }
    /// White noise, uniform in [-1, 1).
    fn noise(&mut self) -> f64 {
        self.range(-1.0, 1.0)
    }
}

/// Linear gain of a level in dB.
fn db(level: f64) -> f64 {
    10f64.powf(level / 20.0)
}

/// Sample index of a time in seconds.
fn at(seconds: f64) -> usize {
    (seconds * SR).round().max(0.0) as usize
}

/// Smooth 0→1 ramp for x in [0, 1] (clamped outside): fades and envelope edges.
fn smoothstep(x: f64) -> f64 {
    let x = x.clamp(0.0, 1.0);
    x * x * (3.0 - 2.0 * x)
}

/// Root-mean-square level of a buffer (0 when empty).
fn rms(buf: &[f64]) -> f64 {
    (buf.iter().map(|s| s * s).sum::<f64>() / buf.len().max(1) as f64).sqrt()
}

/// Largest absolute sample of a buffer.
fn peak(buf: &[f64]) -> f64 {
    buf.iter().fold(0.0, |m, s| m.max(s.abs()))
}

/// Gain that brings a measured `level` (RMS or peak) to `dbfs`; 1 for silence.
fn gain_to(dbfs: f64, level: f64) -> f64 {
    if level > 0.0 {
        db(dbfs) / level
    } else {
        1.0
    }
}

/// Scales `buf` so that `measure(buf)` (its RMS or peak) becomes `dbfs`.
fn normalize(buf: &mut [f64], measure: fn(&[f64]) -> f64, dbfs: f64) {
    let gain = gain_to(dbfs, measure(buf));
    buf.iter_mut().for_each(|s| *s *= gain);
}

/// Adds `src` into `dst` from sample `offset` on, dropping what overhangs.
fn mix_into(dst: &mut [f64], offset: usize, src: &[f64]) {
    dst.iter_mut()
        .skip(offset)
        .zip(src)
        .for_each(|(d, s)| *d += s);
}

/// The samples of `buf` from `start` s on, lasting `len` s, each paired with
/// its time in seconds since `start`.
fn region(buf: &mut [f64], start: f64, len: f64) -> impl Iterator<Item = (f64, &mut f64)> {
    let samples = buf.iter_mut().skip(at(start)).take(at(len));
    samples.enumerate().map(|(i, s)| (i as f64 / SR, s))
}

/// Direct-form-I biquad; coefficients can change while running (formant glides).
#[derive(Clone, Copy, Default)]
struct Biquad {
    b: [f64; 3],
    a: [f64; 2],
    x: [f64; 2],
    y: [f64; 2],
}

impl Biquad {
    /// Klatt formant resonator: a 2-pole peak at `freq` with bandwidth `bw` and
    /// unity gain at DC; a cascade of them shapes a vowel's spectral envelope.
    fn resonator(freq: f64, bw: f64) -> Self {
        let r = (-PI * bw / SR).exp();
        let a = [-2.0 * r * (TAU * freq / SR).cos(), r * r];
        Biquad {
            b: [1.0 + a[0] + a[1], 0.0, 0.0],
            a,
            ..Self::default()
        }
    }
    /// RBJ-cookbook section; `numerator(cos w, alpha)` picks the response.
    fn rbj(freq: f64, q: f64, numerator: impl Fn(f64, f64) -> [f64; 3]) -> Self {
        let w = TAU * freq.min(0.45 * SR) / SR;
        let alpha = w.sin() / (2.0 * q);
        let a0 = 1.0 + alpha;
        let b = numerator(w.cos(), alpha).map(|c| c / a0);
        Biquad {
            b,
            a: [-2.0 * w.cos() / a0, (1.0 - alpha) / a0],
            ..Self::default()
        }
    }
    /// Band-pass, 0 dB at `freq`: turns noise into hiss, clicks and rattles.
    fn bandpass(freq: f64, q: f64) -> Self {
        Self::rbj(freq, q, |_, alpha| [alpha, 0.0, -alpha])
    }
    /// High-pass: keeps the bright part of noise (the "s" hiss).
    fn highpass(freq: f64, q: f64) -> Self {
        Self::rbj(freq, q, |c, _| {
            [(1.0 + c) / 2.0, -(1.0 + c), (1.0 + c) / 2.0]
        })
    }
    /// Low-pass: darkens noise (room air, the body of a slam).
    fn lowpass(freq: f64, q: f64) -> Self {
        Self::rbj(freq, q, |c, _| [(1.0 - c) / 2.0, 1.0 - c, (1.0 - c) / 2.0])
    }
    /// Adopts `other`'s coefficients, keeping this filter's state (no clicks).
    fn retune(&mut self, other: Biquad) {
        (self.b, self.a) = (other.b, other.a);
    }
    fn process(&mut self, x: f64) -> f64 {
        let [b0, b1, b2] = self.b;
        let y = b0 * x + b1 * self.x[0] + b2 * self.x[1]
            - self.a[0] * self.y[0]
            - self.a[1] * self.y[1];
        self.x = [x, self.x[0]];
        self.y = [y, self.y[0]];
        y
    }
}

/// Fixed-frequency sine oscillator: a unit vector rotated each sample (no trig per sample).
struct Phasor {
    z: (f64, f64),
    step: (f64, f64),
}

impl Phasor {
    fn new(freq: f64, phase: f64) -> Self {
        let w = TAU * freq / SR;
        Phasor {
            z: (phase.cos(), phase.sin()),
            step: (w.cos(), w.sin()),
        }
    }
    fn next(&mut self) -> f64 {
        let ((re, im), (c, s)) = (self.z, self.step);
        self.z = (re * c - im * s, re * s + im * c);
        self.z.1
    }
}

/// Pink (-3 dB/octave) noise from white: Paul Kellet's economy filter.
#[derive(Default)]
struct Pink([f64; 3]);

impl Pink {
    fn process(&mut self, white: f64) -> f64 {
        let b = &mut self.0;
        b[0] = 0.99765 * b[0] + white * 0.099_046;
        b[1] = 0.963 * b[1] + white * 0.296_516_4;
        b[2] = 0.57 * b[2] + white * 1.052_691_3;
        b[0] + b[1] + b[2] + white * 0.1848
    }
}

// ----------------------------------------------------------------- room tone

/// Location room tone: pink noise low-passed at 1.2 kHz with a slow "air" swell
/// and a faint 50 Hz hum (plus 2nd/3rd harmonics), at [`ROOM_TONE_DBFS`] RMS.
fn room_tone(frames: usize, seed: u64) -> Vec<f64> {
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
fn add_room_reflections(buf: &mut [f64]) {
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

// -------------------------------------------------------------------- speech

/// Voice source and vocal tract of one character, plus their script.
struct Speaker {
    /// Mean fundamental frequency in Hz.
    f0: f64,
    /// Formant multiplier against the adult-male vowel table (shorter tract = higher).
    formant_scale: f64,
    /// Fraction of each glottal cycle the folds are open (higher = softer, breathier).
    open_quotient: f64,
    /// Aspiration noise mixed into the glottal source.
    breath: f64,
    /// Phrase timings `(start, end)` in the character's production file.
    phrases: &'static [(f64, f64)],
    /// Phrase spoken as a question (rising end), if any.
    question: Option<usize>,
    /// Phrase index and absolute span of a shouted word, if any.
    shout: Option<(usize, (f64, f64))>,
    /// Script seed: the same seed always yields the same syllables (reused for ADR).
    seed: u64,
}

const ANNA: Speaker = Speaker {
    f0: 214.0,
    formant_scale: 1.17,
    open_quotient: 0.66,
    breath: 0.5,
    phrases: ANNA_PHRASES,
    question: Some(1),
    shout: None,
    seed: 0xA22A,
};

const BEN: Speaker = Speaker {
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
/// Formant bandwidths in Hz (scaled with the formants).
const BANDWIDTHS: [f64; 3] = [110.0, 130.0, 180.0];
/// Voicing level kept across syllable joins inside a word.
const LINK_LEVEL: f64 = 0.35;
/// Samples between formant-filter coefficient updates.
const CONTROL_BLOCK: usize = 32;

/// Unvoiced consonants: noise bursts before a vowel.
#[derive(Clone, Copy)]
enum Consonant {
    S,
    Sh,
    T,
}

impl Consonant {
    /// Duration (s), noise-shaping filter and level (dBFS RMS at normal speech
    /// level): "s" is hiss above 4.5 kHz, "sh" a hush near 2.8 kHz, "t" a burst.
    fn sound(self) -> (f64, Biquad, f64) {
        match self {
            Consonant::S => (0.085, Biquad::highpass(4500.0, 0.8), -33.0),
            Consonant::Sh => (0.09, Biquad::bandpass(2800.0, 1.3), -32.0),
            Consonant::T => (0.035, Biquad::bandpass(3500.0, 0.6), -24.0),
        }
    }
}

/// One planned syllable; times in seconds from the phrase start.
#[derive(Clone, Copy)]
struct Syllable {
    start: f64,
    /// Voicing starts here, after the onset consonant if any.
    voice_on: f64,
    end: f64,
    formants: [f64; 3],
    onset: Option<Consonant>,
    /// Pitch accent: relative F0 bump peaking mid-syllable.
    accent: f64,
    /// Planned peak level relative to a plain "a" (vowel, stress, shout).
    gain: f64,
    word_final: bool,
    /// Voicing level at the start and end (non-zero where syllables join).
    levels: (f64, f64),
}

/// Plans a phrase's syllables in phrase-local time; the speaker's shouted
/// word, if it falls in this phrase, occupies exactly its span.
fn plan_phrase(sp: &Speaker, index: usize) -> Vec<Syllable> {
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
struct Control {
    amp: f64,
    pitch: f64,
    formants: [f64; 3],
}

/// Turns a syllable plan into per-sample controls: voicing envelopes, the
/// intonation contour with pitch accents, and formants gliding (25 ms time
/// constant) between vowel targets. Runs 0.1 s past `length` to ring out.
fn articulate(sp: &Speaker, plan: &[Syllable], length: f64, question: bool) -> Vec<Control> {
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
fn location_dialog(sp: &Speaker, frames: usize) -> Vec<f64> {
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
fn adr_line(frames: usize) -> Vec<f64> {
    let mut out = render_dialog(&BEN, &[(2, ADR_PHRASE.0)], false, 0xADD0, frames);
    let mut rng = Rng::new(0xADD1);
    out.iter_mut()
        .for_each(|s| *s += db(-70.0) * 3f64.sqrt() * rng.noise());
    out
}

// --------------------------------------------------------------------- foley

/// A mono effects track under construction, with its own noise source.
struct Foley {
    out: Vec<f64>,
    rng: Rng,
}

impl Foley {
    fn new(frames: usize, seed: u64) -> Self {
        Foley {
            out: vec![0.0; frames],
            rng: Rng::new(seed),
        }
    }
    /// The body of an impact: a sine gliding from `hi` down to `lo` Hz (30 ms),
    /// 2 ms attack, exponential decay with time constant `decay` seconds.
    fn thump(&mut self, start: f64, (hi, lo): (f64, f64), decay: f64, gain: f64) {
        let mut phase = 0.0;
        for (t, s) in region(&mut self.out, start, 7.0 * decay) {
            phase += TAU * (lo + (hi - lo) * (-t / 0.03).exp()) / SR;
            *s += gain * (1.0 - (-t / 0.002).exp()) * (-t / decay).exp() * phase.sin();
        }
    }
    /// Filtered noise faded in over `rise` s, then decaying with time constant
    /// `decay` s: clicks, scuffs, impacts and rattles.
    fn burst(&mut self, start: f64, mut filter: Biquad, (rise, decay): (f64, f64), gain: f64) {
        for (t, s) in region(&mut self.out, start, rise + 7.0 * decay) {
            let env = smoothstep(t / rise.max(1e-6)) * (-(t - rise).max(0.0) / decay).exp();
            *s += gain * env * filter.process(self.rng.noise());
        }
    }
}

/// Footsteps on a wooden floor at ~1.8 steps/s: each a 150→80 Hz thump, a heel
/// click and a soft scuff, with humanized timing, tone and level (peak -9 dBFS).
fn footsteps(frames: usize) -> Vec<f64> {
    let mut fx = Foley::new(frames, 0xF007);
    let (mut t, mut left) = (0.3, true);
    while t < frames as f64 / SR - 0.4 {
        let gain = db(fx.rng.range(-2.0, 2.0) - if left { 0.0 } else { 1.5 });
        let tone = fx.rng.range(0.9, 1.1);
        fx.thump(t, (150.0 * tone, 80.0 * tone), 0.045, gain);
        let click = Biquad::bandpass(fx.rng.range(1800.0, 3000.0), 1.5);
        fx.burst(t, click, (0.0005, 0.004), 0.6 * gain);
        let scuff = Biquad::bandpass(fx.rng.range(1200.0, 1800.0), 0.8);
        fx.burst(t + 0.02, scuff, (0.03, 0.03), 0.08 * gain);
        t += 1.0 / 1.8 + fx.rng.range(-0.025, 0.025);
        left = !left;
    }
    normalize(&mut fx.out, peak, -9.0);
    fx.out
}

/// Door: a creaking hinge (0.2–1.4 s), then the slam at [`DOOR_SLAM_AT`] with
/// a latch rattle; peak -3 dBFS.
fn door(frames: usize) -> Vec<f64> {
    let mut fx = Foley::new(frames, 0xD008);
    add_creak(&mut fx, (0.2, 1.4));
    fx.thump(DOOR_SLAM_AT, (70.0, 45.0), 0.12, 1.0);
    let (impact, tail) = (
        Biquad::lowpass(3000.0, 0.707),
        Biquad::lowpass(800.0, 0.707),
    );
    fx.burst(DOOR_SLAM_AT, impact, (0.001, 0.018), 1.2);
    fx.burst(DOOR_SLAM_AT, tail, (0.005, 0.12), 0.15);
    let mut t = DOOR_SLAM_AT + 0.06;
    for k in 0..5 {
        let latch = Biquad::bandpass(fx.rng.range(2800.0, 3600.0), 5.0);
        fx.burst(t, latch, (0.0005, 0.006), 0.5 * 0.6f64.powi(k));
        t += fx.rng.range(0.03, 0.055);
    }
    normalize(&mut fx.out, peak, -3.0);
    fx.out
}

/// A creaking hinge: a rough stick-slip sawtooth wandering over ~300–900 Hz
/// with per-cycle pitch and level jitter, through two wooden body resonances.
fn add_creak(fx: &mut Foley, (start, end): (f64, f64)) {
    let mut body = [Biquad::bandpass(1100.0, 3.0), Biquad::bandpass(2400.0, 4.0)];
    let (mut phase, mut rate, mut level) = (0.0, 1.0, 1.0);
    for (t, s) in region(&mut fx.out, start, end - start) {
        let wander = 200.0 * (TAU * 0.7 * t + 0.5).sin() + 80.0 * (TAU * 1.9 * t).sin();
        phase += (580.0 + wander).clamp(300.0, 900.0) * rate / SR;
        if phase >= 1.0 {
            phase -= 1.0;
            rate = 1.0 + fx.rng.range(-0.04, 0.04);
            level = fx.rng.range(0.6, 1.4);
        }
        let saw = level * (2.0 * phase - 1.0);
        let swell = 0.7 + 0.3 * (TAU * 1.3 * t).sin();
        let env = smoothstep(t / 0.08) * smoothstep((end - start - t) / 0.15) * swell;
        *s += 0.12 * env * (0.3 * saw + body[0].process(saw) + 0.6 * body[1].process(saw));
    }
}

// --------------------------------------------------------------------- music

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
fn music_cue(frames: usize) -> Vec<f64> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{SystemTime, UNIX_EPOCH};

    /// A uniquely named directory under the system temp dir, removed on drop.
    struct ScratchDir(PathBuf);

    impl ScratchDir {
        fn new() -> Self {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            let unique = format!(
                "dubstage-demo-{}-{nanos}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            );
            Self(std::env::temp_dir().join(unique))
        }
    }

    impl Drop for ScratchDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    /// In-memory render of a listed demo file (what gets quantized to disk).
    fn rendered(name: &str) -> Vec<f64> {
        let &(_, _, frames) = DEMO_FILES.iter().find(|f| f.0 == name).expect("listed");
        render(name, frames as usize).expect("known file")
    }

    fn dbfs(x: f64) -> f64 {
        20.0 * x.max(1e-12).log10()
    }

    fn span(buf: &[f64], (a, b): (f64, f64)) -> &[f64] {
        &buf[at(a).min(buf.len())..at(b).min(buf.len())]
    }

    /// The samples of several spans, concatenated.
    fn spans(buf: &[f64], list: &[(f64, f64)]) -> Vec<f64> {
        list.iter()
            .flat_map(|&p| span(buf, p).iter().copied())
            .collect()
    }

    /// Ben's phrases with the shouted word (and its reflections) cut out.
    fn ben_plain_words() -> Vec<(f64, f64)> {
        let (s0, s1) = BEN_SHOUT;
        let split = |&(a, b): &(f64, f64)| {
            if a < s0 && s1 < b {
                vec![(a, s0 - 0.05), (s1 + 0.08, b)]
            } else {
                vec![(a, b)]
            }
        };
        BEN_PHRASES.iter().flat_map(split).collect()
    }

    #[test]
    fn written_files_match_table() {
        let dir = ScratchDir::new();
        write_demo_media(&dir.0).expect("demo media written");
        for &(name, channels, frames) in DEMO_FILES {
            let mut reader = hound::WavReader::open(dir.0.join(name)).expect("readable wav");
            let spec = reader.spec();
            assert_eq!(
                (spec.channels, spec.sample_rate, spec.bits_per_sample),
                (channels, 48_000, 24),
                "{name}"
            );
            assert_eq!(spec.sample_format, hound::SampleFormat::Int, "{name}");
            assert_eq!(reader.duration() as u64, frames, "{name} frames");
            let samples: Vec<f64> = reader
                .samples::<i32>()
                .map(|s| f64::from(s.expect("sample")) / 8_388_608.0)
                .collect();
            assert_eq!(
                samples.len() as u64,
                frames * u64::from(channels),
                "{name} samples"
            );
            assert!(peak(&samples) <= CEILING, "{name} exceeds {CEILING}");
        }
        assert_eq!(
            fs::read_dir(&dir.0).expect("dir").count(),
            DEMO_FILES.len(),
            "stray temp files"
        );
    }

    #[test]
    fn output_is_deterministic() {
        let (a, b) = (ScratchDir::new(), ScratchDir::new());
        write_demo_media(&a.0).expect("first run");
        write_demo_media(&b.0).expect("second run");
        for &(name, ..) in DEMO_FILES {
            let same = fs::read(a.0.join(name)).expect("first")
                == fs::read(b.0.join(name)).expect("second");
            assert!(same, "{name} differs between runs");
        }
    }

    #[test]
    fn phrases_are_20_db_above_pauses() {
        for (name, phrases) in [("anna.wav", ANNA_PHRASES), ("ben.wav", BEN_PHRASES)] {
            let audio = rendered(name);
            let edges: Vec<f64> = phrases.iter().flat_map(|p| [p.0, p.1]).collect();
            let bounds: Vec<f64> = [&[0.0], &edges[..], &[audio.len() as f64 / SR]].concat();
            let pauses = bounds
                .chunks(2)
                .map(|g| rms(span(&audio, (g[0] + 0.15, g[1] - 0.15))));
            let quietest = phrases
                .iter()
                .map(|&p| rms(span(&audio, p)))
                .fold(1.0, f64::min);
            let margin = dbfs(quietest) - dbfs(pauses.fold(0.0, f64::max));
            assert!(
                margin >= 20.0,
                "{name}: phrases only {margin:.1} dB above pauses"
            );
        }
    }

    #[test]
    fn shouted_word_stands_out() {
        let ben = rendered("ben.wav");
        let shout = peak(span(&ben, BEN_SHOUT));
        let others = ben_plain_words()
            .iter()
            .map(|&p| peak(span(&ben, p)))
            .fold(0.0, f64::max);
        let lift = dbfs(shout) - dbfs(others);
        assert!(lift >= 6.0, "shout only {lift:.1} dB above other words");
        assert!(
            (-4.0..=-1.0).contains(&dbfs(shout)),
            "shout peak {:.1} dBFS",
            dbfs(shout)
        );
    }

    #[test]
    fn dialog_levels_match_spec() {
        let cases = [
            ("anna.wav", ANNA_PHRASES.to_vec()),
            ("ben.wav", ben_plain_words()),
            ("adr_ben.wav", vec![ADR_PHRASE]),
        ];
        for (name, phrases) in cases {
            let audio = rendered(name);
            let speech = spans(&audio, &phrases);
            let (level, top) = (dbfs(rms(&speech)), dbfs(peak(&speech)));
            assert!(
                (-26.0..=-22.0).contains(&level),
                "{name}: speech RMS {level:.1} dBFS"
            );
            assert!(
                (-11.0..=-6.0).contains(&top),
                "{name}: speech peak {top:.1} dBFS"
            );
        }
        let adr_floor = dbfs(rms(span(
            &rendered("adr_ben.wav"),
            (ADR_PHRASE.1 + 0.2, 4.0),
        )));
        assert!(adr_floor < -65.0, "ADR noise floor {adr_floor:.1} dBFS");
        let (adr, original) = (
            ADR_PHRASE.1 - ADR_PHRASE.0,
            BEN_PHRASES[2].1 - BEN_PHRASES[2].0,
        );
        assert!(
            (adr - original).abs() < 1e-9,
            "ADR line must match Ben's 3rd phrase"
        );
    }

    #[test]
    fn room_tone_level_in_range() {
        let level = dbfs(rms(&rendered("roomtone.wav")));
        assert!(
            (-60.0..=-45.0).contains(&level),
            "room tone {level:.1} dBFS"
        );
    }

    #[test]
    fn effects_and_music_follow_their_cues() {
        let door = rendered("door.wav");
        let top = peak(&door);
        let loudest = door.iter().position(|s| s.abs() == top).unwrap_or(0) as f64 / SR;
        assert!(
            (DOOR_SLAM_AT..DOOR_SLAM_AT + 0.05).contains(&loudest),
            "slam peaks at {loudest:.3} s"
        );
        let steps = rendered("footsteps.wav");
        let hits = steps
            .windows(2)
            .filter(|w| w[0].abs() < 0.05 && w[1].abs() >= 0.05)
            .count();
        assert!(hits >= 10, "only {hits} footstep onsets");
        let music = rendered("music_cue.wav");
        let (l, r): (Vec<f64>, Vec<f64>) = music.chunks(2).map(|f| (f[0], f[1])).unzip();
        let width = rms(&l.iter().zip(&r).map(|(l, r)| l - r).collect::<Vec<_>>()) / rms(&l);
        assert!(
            (0.05..0.8).contains(&width),
            "stereo side/mid ratio {width:.2}"
        );
        assert!(
            peak(&music[..2 * at(0.1)]) < 0.01 && peak(&music[music.len() - 2 * at(0.1)..]) < 0.01,
            "fades"
        );
    }

    /// Share of spectral energy below `cutoff` Hz in Hann-windowed 1024-point
    /// frames hopped every 50 ms through `phrases` (plain DFT; fine for a test).
    fn energy_share_below(audio: &[f64], phrases: &[(f64, f64)], cutoff: f64) -> f64 {
        const N: usize = 1024;
        let twiddle: Vec<(f64, f64)> = (0..N)
            .map(|k| (TAU * k as f64 / N as f64).sin_cos())
            .collect();
        let hann: Vec<f64> = (0..N)
            .map(|n| (PI * n as f64 / N as f64).sin().powi(2))
            .collect();
        let split = (cutoff / SR * N as f64) as usize;
        let (mut low, mut total) = (0.0, 0.0);
        for &p in phrases {
            for frame in span(audio, p).windows(N).step_by(at(0.05)) {
                let x: Vec<f64> = frame.iter().zip(&hann).map(|(s, w)| s * w).collect();
                for k in 1..N / 2 {
                    let (re, im) = x.iter().enumerate().fold((0.0, 0.0), |(re, im), (n, x)| {
                        let (s, c) = twiddle[k * n % N];
                        (re + x * c, im - x * s)
                    });
                    let power = re * re + im * im;
                    total += power;
                    low += if k < split { power } else { 0.0 };
                }
            }
        }
        low / total
    }

    /// F0 of a 2×`n`-sample frame by normalized autocorrelation over 70–400 Hz:
    /// the earliest local peak within 90 % of the best one.
    fn frame_pitch(frame: &[f64], n: usize) -> f64 {
        let corr = |lag: usize| {
            let (a, b) = (&frame[..n], &frame[lag..lag + n]);
            a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>()
                / (rms(a) * rms(b) * n as f64).max(1e-12)
        };
        let lags: Vec<(usize, f64)> = (at(1.0 / 400.0)..=at(1.0 / 70.0))
            .map(|l| (l, corr(l)))
            .collect();
        let best = lags.iter().fold(f64::MIN, |m, l| m.max(l.1));
        let is_peak =
            |w: &&[(usize, f64)]| w[1].1 >= 0.9 * best && w[1].1 >= w[0].1 && w[1].1 >= w[2].1;
        SR / lags.windows(3).find(is_peak).map_or(1, |w| w[1].0) as f64
    }

    /// Median F0 over the 40 ms frames (hop 50 ms) of `phrases` that are louder
    /// than the phrases' overall RMS, i.e. the clearly voiced ones.
    fn median_pitch(audio: &[f64], phrases: &[(f64, f64)]) -> f64 {
        let n = at(0.04);
        let level = rms(&spans(audio, phrases));
        let voiced = |f: &&[f64]| rms(&f[..n]) >= level;
        let frames = phrases
            .iter()
            .flat_map(|&p| span(audio, p).windows(2 * n).step_by(at(0.05)));
        let mut f0: Vec<f64> = frames.filter(voiced).map(|f| frame_pitch(f, n)).collect();
        f0.sort_by(f64::total_cmp);
        f0[f0.len() / 2]
    }

    #[test]
    fn voices_are_speech_like() {
        for (name, phrases, f0_range) in [
            ("anna.wav", ANNA_PHRASES, 200.0..=235.0),
            ("ben.wav", BEN_PHRASES, 100.0..=130.0),
        ] {
            let audio = rendered(name);
            let share = energy_share_below(&audio, phrases, 4000.0);
            assert!(
                share > 0.95,
                "{name}: only {:.1} % of energy below 4 kHz",
                100.0 * share
            );
            let f0 = median_pitch(&audio, phrases);
            assert!(f0_range.contains(&f0), "{name}: median F0 {f0:.0} Hz");
        }
    }
}
