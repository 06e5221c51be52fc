//! A channel strip's processing, as saved: a broadband denoiser, input
//! trim and polarity, a hum remover, high- and low-pass filters, a four-band EQ, an expander/gate,
//! a compressor and a reverb.
//! Everything defaults to off, so a strip left alone passes its signal
//! untouched, bit for bit.

use serde::{Deserialize, Serialize};

/// The processing of one track or bus, in signal order.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Strip {
    /// The broadband denoiser, first (missing in older sessions: off).
    pub denoise: Denoise,
    /// Input gain in dB, after the denoiser.
    pub trim_db: f32,
    /// Invert the polarity.
    pub invert: bool,
    pub hpf: Filter,
    pub lpf: Filter,
    pub eq: [EqBand; 4],
    pub gate: Gate,
    pub compressor: Compressor,
    /// Mains hum notches, after the trim (missing in older sessions: off).
    pub hum: Hum,
    /// The reverb, last (missing in older sessions: off).
    pub reverb: Reverb,
}

/// Bands of a learned noise profile (a third of an octave apart, 20 Hz
/// to 20 kHz).
pub const NOISE_BANDS: usize = 32;

/// The broadband spectral denoiser: a noise profile learned from room
/// tone, taken down by up to `amount_db`. Its frames make the strip late
/// by 2048 samples while it is on; the engine keeps every other path in
/// step.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Denoise {
    pub on: bool,
    /// The most a bin is taken down, dB (0 to 40).
    pub amount_db: f32,
    /// How far above the learned profile the noise is taken to reach, dB
    /// (-12 to 24): higher takes more away.
    pub sensitivity_db: f32,
    /// How much each bin's gain leans on the last frame's, % (0 to 100):
    /// more is steadier (less "musical noise"), less follows faster.
    pub smoothing: f32,
    /// The learned noise: power per band, dB (`None`: not learned yet).
    pub profile: Option<[f32; NOISE_BANDS]>,
}

impl Default for Denoise {
    fn default() -> Denoise {
        Denoise {
            on: false,
            amount_db: 12.0,
            sensitivity_db: 6.0,
            smoothing: 90.0,
            profile: None,
        }
    }
}

/// Most harmonics the hum remover notches (the fundamental included).
pub const MAX_HARMONICS: usize = 8;

/// Notches at the mains frequency and its harmonics.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Hum {
    pub on: bool,
    /// The fundamental, Hz: 50 or 60 (anything from 40 to 70 is taken).
    pub freq_hz: f32,
    /// How many notches: the fundamental and its harmonics, 1 to 8.
    pub harmonics: u8,
}

/// An algorithmic room or plate (a feedback delay network).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Reverb {
    pub on: bool,
    /// Before the first reflection, ms (0 to 250).
    pub predelay_ms: f32,
    /// RT60 at low and mid frequencies, seconds (0.1 to 20).
    pub decay_s: f32,
    /// Room size, % (the spacing of reflections and echo density).
    pub size: f32,
    /// How much sooner the highs die away, % (0: as long as the mids).
    pub damping: f32,
    /// Early reflections' level, dB.
    pub early_db: f32,
    /// Stereo/surround width of the return, % (0: the same on every channel).
    pub width: f32,
    /// Wet share of the output, % (100 on an aux return).
    pub mix: f32,
}

impl Default for Hum {
    fn default() -> Hum {
        Hum {
            on: false,
            freq_hz: 50.0,
            harmonics: 4,
        }
    }
}

impl Default for Reverb {
    fn default() -> Reverb {
        Reverb {
            on: false,
            predelay_ms: 10.0,
            decay_s: 1.2,
            size: 50.0,
            damping: 50.0,
            early_db: -6.0,
            width: 100.0,
            mix: 25.0,
        }
    }
}

/// A high- or low-pass filter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Filter {
    pub on: bool,
    /// Cutoff in Hz (the -3 dB point).
    pub freq: f32,
    pub slope: Slope,
}

/// Filter slope: Butterworth of order 2 or 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Slope {
    #[default]
    Db12,
    Db24,
}

/// The shape of an EQ band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum BandKind {
    LowShelf,
    #[default]
    Bell,
    HighShelf,
}

/// One band of the parametric EQ.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EqBand {
    pub on: bool,
    pub kind: BandKind,
    /// Centre (bell) or corner (shelf) frequency in Hz.
    pub freq: f32,
    pub gain_db: f32,
    /// Bandwidth of a bell; a shelf's slope (0.707 is the steepest without overshoot).
    pub q: f32,
}

/// A downward expander: below the threshold, the level falls `ratio` times
/// faster than the input, down to `range_db` of reduction at most. A high
/// ratio with a modest range is a gate for dialog room noise.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Gate {
    pub on: bool,
    pub threshold_db: f32,
    pub ratio: f32,
    /// Most reduction, in dB (positive).
    pub range_db: f32,
    pub attack_ms: f32,
    pub hold_ms: f32,
    pub release_ms: f32,
}

/// A feed-forward compressor with a soft knee.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Compressor {
    pub on: bool,
    pub threshold_db: f32,
    pub ratio: f32,
    /// Width of the soft knee in dB, centred on the threshold (0: hard knee).
    pub knee_db: f32,
    pub attack_ms: f32,
    pub release_ms: f32,
    pub makeup_db: f32,
}

impl Default for Filter {
    fn default() -> Filter {
        Filter {
            on: false,
            freq: 80.0,
            slope: Slope::Db12,
        }
    }
}

impl Default for EqBand {
    fn default() -> EqBand {
        EqBand {
            on: false,
            kind: BandKind::Bell,
            freq: 1000.0,
            gain_db: 0.0,
            q: 1.0,
        }
    }
}

impl Default for Gate {
    fn default() -> Gate {
        Gate {
            on: false,
            threshold_db: -50.0,
            ratio: 4.0,
            range_db: 20.0,
            attack_ms: 1.0,
            hold_ms: 50.0,
            release_ms: 150.0,
        }
    }
}

impl Default for Compressor {
    fn default() -> Compressor {
        Compressor {
            on: false,
            threshold_db: -20.0,
            ratio: 3.0,
            knee_db: 6.0,
            attack_ms: 5.0,
            release_ms: 120.0,
            makeup_db: 0.0,
        }
    }
}

impl Default for Strip {
    fn default() -> Strip {
        let lpf = Filter {
            freq: 16_000.0,
            ..Filter::default()
        };
        let eq = [
            EqBand {
                kind: BandKind::LowShelf,
                freq: 100.0,
                q: 0.707,
                ..EqBand::default()
            },
            EqBand {
                freq: 400.0,
                ..EqBand::default()
            },
            EqBand {
                freq: 2500.0,
                ..EqBand::default()
            },
            EqBand {
                kind: BandKind::HighShelf,
                freq: 8000.0,
                q: 0.707,
                ..EqBand::default()
            },
        ];
        Strip {
            denoise: Denoise::default(),
            trim_db: 0.0,
            invert: false,
            hpf: Filter::default(),
            lpf,
            eq,
            gate: Gate::default(),
            compressor: Compressor::default(),
            hum: Hum::default(),
            reverb: Reverb::default(),
        }
    }
}

/// A strip parameter that can be changed while playing (and automated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StripParam {
    DenoiseOn,
    DenoiseAmount,
    DenoiseSensitivity,
    DenoiseSmoothing,
    Trim,
    Invert,
    HumOn,
    HumFreq,
    HumHarmonics,
    HpfOn,
    HpfFreq,
    HpfSlope24,
    LpfOn,
    LpfFreq,
    LpfSlope24,
    EqOn(u8),
    /// The band's shape: 0 low shelf, 1 bell, 2 high shelf.
    EqKind(u8),
    EqFreq(u8),
    EqGain(u8),
    EqQ(u8),
    GateOn,
    GateThreshold,
    GateRatio,
    GateRange,
    GateAttack,
    GateHold,
    GateRelease,
    CompOn,
    CompThreshold,
    CompRatio,
    CompKnee,
    CompAttack,
    CompRelease,
    CompMakeup,
    ReverbOn,
    ReverbPredelay,
    ReverbDecay,
    ReverbSize,
    ReverbDamping,
    ReverbEarly,
    ReverbWidth,
    ReverbMix,
    /// An input control of an LV2 insert: slot (0 on) and port index. Not
    /// in [`StripParam::all`]; the insert's plugin says what it is.
    Lv2 {
        slot: u8,
        port: u16,
    },
}

impl StripParam {
    /// Every parameter, in the strip's signal order.
    pub fn all() -> impl Iterator<Item = StripParam> {
        use StripParam::*;
        let head = [
            DenoiseOn,
            DenoiseAmount,
            DenoiseSensitivity,
            DenoiseSmoothing,
            Trim,
            Invert,
            HumOn,
            HumFreq,
            HumHarmonics,
            HpfOn,
            HpfFreq,
            HpfSlope24,
            LpfOn,
            LpfFreq,
            LpfSlope24,
        ];
        let eq = (0..4u8).flat_map(|b| [EqOn(b), EqKind(b), EqFreq(b), EqGain(b), EqQ(b)]);
        let tail = [
            GateOn,
            GateThreshold,
            GateRatio,
            GateRange,
            GateAttack,
            GateHold,
            GateRelease,
            CompOn,
            CompThreshold,
            CompRatio,
            CompKnee,
            CompAttack,
            CompRelease,
            CompMakeup,
            ReverbOn,
            ReverbPredelay,
            ReverbDecay,
            ReverbSize,
            ReverbDamping,
            ReverbEarly,
            ReverbWidth,
            ReverbMix,
        ];
        head.into_iter().chain(eq).chain(tail)
    }

    /// The name people type: `trim`, `hpf.freq`, `eq2.gain`, `comp.ratio`.
    pub fn name(self) -> String {
        use StripParam::*;
        let eq = |b: u8, what: &str| format!("eq{}.{what}", b as u32 + 1);
        match self {
            DenoiseOn => "denoise.on".into(),
            DenoiseAmount => "denoise.amount".into(),
            DenoiseSensitivity => "denoise.sensitivity".into(),
            DenoiseSmoothing => "denoise.smoothing".into(),
            Trim => "trim".into(),
            Invert => "polarity".into(),
            HumOn => "hum.on".into(),
            HumFreq => "hum.freq".into(),
            HumHarmonics => "hum.harmonics".into(),
            HpfOn => "hpf.on".into(),
            HpfFreq => "hpf.freq".into(),
            HpfSlope24 => "hpf.slope".into(),
            LpfOn => "lpf.on".into(),
            LpfFreq => "lpf.freq".into(),
            LpfSlope24 => "lpf.slope".into(),
            EqOn(b) => eq(b, "on"),
            EqKind(b) => eq(b, "type"),
            EqFreq(b) => eq(b, "freq"),
            EqGain(b) => eq(b, "gain"),
            EqQ(b) => eq(b, "q"),
            GateOn => "gate.on".into(),
            GateThreshold => "gate.threshold".into(),
            GateRatio => "gate.ratio".into(),
            GateRange => "gate.range".into(),
            GateAttack => "gate.attack".into(),
            GateHold => "gate.hold".into(),
            GateRelease => "gate.release".into(),
            CompOn => "comp.on".into(),
            CompThreshold => "comp.threshold".into(),
            CompRatio => "comp.ratio".into(),
            CompKnee => "comp.knee".into(),
            CompAttack => "comp.attack".into(),
            CompRelease => "comp.release".into(),
            CompMakeup => "comp.makeup".into(),
            ReverbOn => "reverb.on".into(),
            ReverbPredelay => "reverb.predelay".into(),
            ReverbDecay => "reverb.decay".into(),
            ReverbSize => "reverb.size".into(),
            ReverbDamping => "reverb.damping".into(),
            ReverbEarly => "reverb.early".into(),
            ReverbWidth => "reverb.width".into(),
            ReverbMix => "reverb.mix".into(),
            Lv2 { slot, port } => format!("lv2.{}.#{port}", slot as u32 + 1),
        }
    }

    /// The parameter called `name` (see [`StripParam::name`]).
    pub fn parse(name: &str) -> Option<StripParam> {
        if let Some(rest) = name.strip_prefix("lv2.") {
            let (slot, port) = rest.split_once(".#")?;
            let slot = slot.parse::<u8>().ok()?.checked_sub(1)?;
            return Some(StripParam::Lv2 {
                slot,
                port: port.parse().ok()?,
            });
        }
        StripParam::all().find(|p| p.name() == name)
    }

    /// A parameter of the denoiser.
    pub fn is_denoise(self) -> bool {
        use StripParam::*;
        matches!(
            self,
            DenoiseOn | DenoiseAmount | DenoiseSensitivity | DenoiseSmoothing
        )
    }

    /// A switch: 0 is off, 1 is on.
    pub fn is_switch(self) -> bool {
        use StripParam::*;
        matches!(
            self,
            DenoiseOn
                | Invert
                | HumOn
                | HpfOn
                | HpfSlope24
                | LpfOn
                | LpfSlope24
                | EqOn(_)
                | GateOn
                | CompOn
                | ReverbOn
        )
    }

    /// Takes whole values only (a switch, a band's shape): automation
    /// steps rather than glides.
    pub fn is_discrete(self) -> bool {
        self.is_switch() || matches!(self, StripParam::EqKind(_) | StripParam::HumHarmonics)
    }

    /// The values [`Strip::set`] accepts.
    pub fn range(self) -> (f32, f32) {
        use StripParam::*;
        match self {
            _ if self.is_switch() => (0.0, 1.0),
            EqKind(_) => (0.0, 2.0),
            Trim => (-48.0, 24.0),
            HpfFreq | LpfFreq | EqFreq(_) => (10.0, 22_000.0),
            EqGain(_) | CompMakeup => (-24.0, 24.0),
            EqQ(_) => (0.1, 20.0),
            GateThreshold | CompThreshold => (-96.0, 0.0),
            GateRatio | CompRatio => (1.0, 100.0),
            GateRange => (0.0, 96.0),
            CompKnee => (0.0, 24.0),
            HumFreq => (40.0, 70.0),
            HumHarmonics => (1.0, MAX_HARMONICS as f32),
            ReverbPredelay => (0.0, 250.0),
            ReverbDecay => (0.1, 20.0),
            ReverbSize | ReverbDamping | ReverbWidth | ReverbMix => (0.0, 100.0),
            ReverbEarly => (-48.0, 6.0),
            DenoiseAmount => (0.0, 40.0),
            DenoiseSensitivity => (-12.0, 24.0),
            DenoiseSmoothing => (0.0, 100.0),
            // The plugin's own range: the insert chain clamps.
            Lv2 { .. } => (f32::MIN, f32::MAX),
            _ => (0.0, 5000.0),
        }
    }

    /// A sensible step for one key press (frequencies step in semitones
    /// elsewhere; this is the linear step of the rest).
    pub fn step(self) -> f32 {
        use StripParam::*;
        match self {
            _ if self.is_discrete() => 1.0,
            HpfFreq | LpfFreq | EqFreq(_) => 10.0,
            EqQ(_) => 0.1,
            GateRatio | CompRatio => 0.5,
            GateAttack | CompAttack => 1.0,
            GateHold | GateRelease | CompRelease | HumFreq => 10.0,
            ReverbDecay => 0.1,
            ReverbPredelay | ReverbSize | ReverbDamping | ReverbWidth | ReverbMix => 5.0,
            DenoiseAmount | DenoiseSensitivity => 1.0,
            DenoiseSmoothing => 5.0,
            _ => 0.5,
        }
    }
}

fn on(value: f32) -> bool {
    value >= 0.5
}

impl Strip {
    /// True when the strip changes nothing: the signal passes bit for bit.
    pub fn is_bypassed(&self) -> bool {
        self.trim_db == 0.0
            && !self.invert
            && !self.hpf.on
            && !self.lpf.on
            && self.eq.iter().all(|b| !b.on)
            && !self.gate.on
            && !self.compressor.on
            && !self.hum.on
            && !self.reverb.on
            && !self.denoise.on
    }

    /// Set one parameter (switches take 0 or 1), clamped to a sane range.
    /// The console's model and the realtime thread's copy both change
    /// through here, so they cannot drift apart.
    pub fn set(&mut self, param: StripParam, value: f32) {
        if value.is_nan() {
            return;
        }
        let freq = |v: f32| v.clamp(10.0, 22_000.0);
        let ms = |v: f32| v.clamp(0.0, 5000.0);
        match param {
            StripParam::Trim => self.trim_db = value.clamp(-48.0, 24.0),
            StripParam::Invert => self.invert = on(value),
            StripParam::HpfOn => self.hpf.on = on(value),
            StripParam::HpfFreq => self.hpf.freq = freq(value),
            StripParam::HpfSlope24 => {
                self.hpf.slope = if on(value) { Slope::Db24 } else { Slope::Db12 }
            }
            StripParam::LpfOn => self.lpf.on = on(value),
            StripParam::LpfFreq => self.lpf.freq = freq(value),
            StripParam::LpfSlope24 => {
                self.lpf.slope = if on(value) { Slope::Db24 } else { Slope::Db12 }
            }
            StripParam::EqOn(b) => self.band(b).on = on(value),
            StripParam::EqKind(b) => {
                self.band(b).kind = match value.round() as i32 {
                    i32::MIN..=0 => BandKind::LowShelf,
                    1 => BandKind::Bell,
                    _ => BandKind::HighShelf,
                }
            }
            StripParam::EqFreq(b) => self.band(b).freq = freq(value),
            StripParam::EqGain(b) => self.band(b).gain_db = value.clamp(-24.0, 24.0),
            StripParam::EqQ(b) => self.band(b).q = value.clamp(0.1, 20.0),
            StripParam::GateOn => self.gate.on = on(value),
            StripParam::GateThreshold => self.gate.threshold_db = value.clamp(-96.0, 0.0),
            StripParam::GateRatio => self.gate.ratio = value.clamp(1.0, 100.0),
            StripParam::GateRange => self.gate.range_db = value.clamp(0.0, 96.0),
            StripParam::GateAttack => self.gate.attack_ms = ms(value),
            StripParam::GateHold => self.gate.hold_ms = ms(value),
            StripParam::GateRelease => self.gate.release_ms = ms(value),
            StripParam::CompOn => self.compressor.on = on(value),
            StripParam::CompThreshold => self.compressor.threshold_db = value.clamp(-96.0, 0.0),
            StripParam::CompRatio => self.compressor.ratio = value.clamp(1.0, 100.0),
            StripParam::CompKnee => self.compressor.knee_db = value.clamp(0.0, 24.0),
            StripParam::CompAttack => self.compressor.attack_ms = ms(value),
            StripParam::CompRelease => self.compressor.release_ms = ms(value),
            StripParam::CompMakeup => self.compressor.makeup_db = value.clamp(-24.0, 24.0),
            StripParam::HumOn => self.hum.on = on(value),
            StripParam::HumFreq => self.hum.freq_hz = value.clamp(40.0, 70.0),
            StripParam::HumHarmonics => {
                self.hum.harmonics = value.round().clamp(1.0, MAX_HARMONICS as f32) as u8
            }
            StripParam::ReverbOn => self.reverb.on = on(value),
            StripParam::ReverbPredelay => self.reverb.predelay_ms = value.clamp(0.0, 250.0),
            StripParam::ReverbDecay => self.reverb.decay_s = value.clamp(0.1, 20.0),
            StripParam::ReverbSize => self.reverb.size = value.clamp(0.0, 100.0),
            StripParam::ReverbDamping => self.reverb.damping = value.clamp(0.0, 100.0),
            StripParam::ReverbEarly => self.reverb.early_db = value.clamp(-48.0, 6.0),
            StripParam::ReverbWidth => self.reverb.width = value.clamp(0.0, 100.0),
            StripParam::ReverbMix => self.reverb.mix = value.clamp(0.0, 100.0),
            StripParam::DenoiseOn => self.denoise.on = on(value),
            StripParam::DenoiseAmount => self.denoise.amount_db = value.clamp(0.0, 40.0),
            StripParam::DenoiseSensitivity => {
                self.denoise.sensitivity_db = value.clamp(-12.0, 24.0)
            }
            StripParam::DenoiseSmoothing => self.denoise.smoothing = value.clamp(0.0, 100.0),
            // The insert chain holds these (and the session's inserts).
            StripParam::Lv2 { .. } => {}
        }
    }

    /// The value of one parameter, as [`Strip::set`] takes it (switches
    /// read 0 or 1, a band's shape 0, 1 or 2).
    pub fn get(&self, param: StripParam) -> f32 {
        let switch = |b: bool| f32::from(u8::from(b));
        let band = |b: u8| &self.eq[(b as usize).min(3)];
        match param {
            StripParam::Trim => self.trim_db,
            StripParam::Invert => switch(self.invert),
            StripParam::HpfOn => switch(self.hpf.on),
            StripParam::HpfFreq => self.hpf.freq,
            StripParam::HpfSlope24 => switch(self.hpf.slope == Slope::Db24),
            StripParam::LpfOn => switch(self.lpf.on),
            StripParam::LpfFreq => self.lpf.freq,
            StripParam::LpfSlope24 => switch(self.lpf.slope == Slope::Db24),
            StripParam::EqOn(b) => switch(band(b).on),
            StripParam::EqKind(b) => match band(b).kind {
                BandKind::LowShelf => 0.0,
                BandKind::Bell => 1.0,
                BandKind::HighShelf => 2.0,
            },
            StripParam::EqFreq(b) => band(b).freq,
            StripParam::EqGain(b) => band(b).gain_db,
            StripParam::EqQ(b) => band(b).q,
            StripParam::GateOn => switch(self.gate.on),
            StripParam::GateThreshold => self.gate.threshold_db,
            StripParam::GateRatio => self.gate.ratio,
            StripParam::GateRange => self.gate.range_db,
            StripParam::GateAttack => self.gate.attack_ms,
            StripParam::GateHold => self.gate.hold_ms,
            StripParam::GateRelease => self.gate.release_ms,
            StripParam::CompOn => switch(self.compressor.on),
            StripParam::CompThreshold => self.compressor.threshold_db,
            StripParam::CompRatio => self.compressor.ratio,
            StripParam::CompKnee => self.compressor.knee_db,
            StripParam::CompAttack => self.compressor.attack_ms,
            StripParam::CompRelease => self.compressor.release_ms,
            StripParam::CompMakeup => self.compressor.makeup_db,
            StripParam::HumOn => switch(self.hum.on),
            StripParam::HumFreq => self.hum.freq_hz,
            StripParam::HumHarmonics => f32::from(self.hum.harmonics),
            StripParam::ReverbOn => switch(self.reverb.on),
            StripParam::ReverbPredelay => self.reverb.predelay_ms,
            StripParam::ReverbDecay => self.reverb.decay_s,
            StripParam::ReverbSize => self.reverb.size,
            StripParam::ReverbDamping => self.reverb.damping,
            StripParam::ReverbEarly => self.reverb.early_db,
            StripParam::ReverbWidth => self.reverb.width,
            StripParam::ReverbMix => self.reverb.mix,
            StripParam::DenoiseOn => switch(self.denoise.on),
            StripParam::DenoiseAmount => self.denoise.amount_db,
            StripParam::DenoiseSensitivity => self.denoise.sensitivity_db,
            StripParam::DenoiseSmoothing => self.denoise.smoothing,
            StripParam::Lv2 { .. } => 0.0,
        }
    }

    fn band(&mut self, b: u8) -> &mut EqBand {
        &mut self.eq[(b as usize).min(3)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_insert_control_names_and_parses_back_and_leaves_the_strip_alone() {
        let p = StripParam::Lv2 { slot: 2, port: 19 };
        assert_eq!(p.name(), "lv2.3.#19");
        assert_eq!(StripParam::parse("lv2.3.#19"), Some(p));
        assert_eq!(StripParam::parse("lv2.0.#19"), None, "slots count from 1");
        assert_eq!(
            StripParam::parse("lv2.1.gain"),
            None,
            "symbols are the console's"
        );
        assert!(!StripParam::all().any(|q| matches!(q, StripParam::Lv2 { .. })));
        let mut s = Strip::default();
        s.set(p, 5.0);
        assert_eq!(s, Strip::default());
        assert!(s.is_bypassed());
    }
}
