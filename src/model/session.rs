//! The session: everything a mix is made of, as saved in the RON file.
//!
//! Positions and lengths are exact sample counts at the session's sample rate,
//! measured from the session start (which reads as the start timecode).

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

use super::automation::Lane;
use super::insert::Insert;
use super::limiter::Limiter;
use super::strip::Strip;
use super::surface::{CcBinding, SurfaceKind};
use super::timecode::FrameRate;

/// The session file format this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// A whole mix: sources, tracks, buses, stems and markers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    /// Version of the file format (see [`FORMAT_VERSION`]).
    pub format_version: u32,
    /// A name for people: the title of the film or episode and the reel.
    #[serde(default)]
    pub name: String,
    /// Sample rate of the session, in Hz; every source plays at this rate.
    pub sample_rate: u32,
    /// Timecode rate and the timecode of the session start.
    pub timecode: TimecodeSettings,
    /// Media files, referred to by id from clips.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// Tracks, top to bottom.
    #[serde(default)]
    pub tracks: Vec<Track>,
    /// Buses (groups such as "Production dialog" or "Foley").
    #[serde(default)]
    pub buses: Vec<Bus>,
    /// The three stems, dialog, music and effects.
    #[serde(default)]
    pub stems: Stems,
    /// The printmaster: the sum of the stems.
    #[serde(default)]
    pub printmaster: Printmaster,
    /// Named points on the timeline.
    #[serde(default)]
    pub markers: Vec<Marker>,
    /// How the session plays through the audio server.
    #[serde(default)]
    pub audio: AudioSettings,
}

/// Playback settings kept with the session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct AudioSettings {
    /// Where each of dubstage's JACK ports ("PM_L", "monitor_R"...) was
    /// connected, restored when the session plays. Empty: the monitor
    /// pair goes to the first two system playback ports.
    #[serde(default)]
    pub connections: std::collections::BTreeMap<String, Vec<String>>,
    /// When the transport stops, go back to where play started.
    #[serde(default)]
    pub return_to_start: bool,
    /// Start, stop and locate with the JACK transport.
    #[serde(default)]
    pub follow_jack_transport: bool,
    /// The control surface's protocol, opened with the session.
    #[serde(default, skip_serializing_if = "SurfaceKind::is_off")]
    pub surface: SurfaceKind,
    /// CCs learned with `:learn`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub midi_learn: Vec<CcBinding>,
    /// Drive the JACK transport: play, stop and locate start, stop and
    /// locate it (and dubstage follows it, as every client does).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub jack_transport_master: bool,
}

impl AudioSettings {
    /// Whether the engine follows the JACK transport (as follower or master).
    pub fn follows_jack(&self) -> bool {
        self.follow_jack_transport || self.jack_transport_master
    }
}

/// Timecode rate and start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimecodeSettings {
    /// Frame rate: "23.976", "24", "25", "29.97df", "29.97" or "30".
    pub rate: FrameRate,
    /// Timecode of sample 0 of the session, e.g. "01:00:00:00".
    #[serde(default = "default_start")]
    pub start: String,
}

fn default_start() -> String {
    "01:00:00:00".into()
}

/// A media file on disk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The name clips use to refer to this source.
    pub id: String,
    /// Path of the file, relative to the session file's folder (or absolute).
    pub path: PathBuf,
}

/// How many channels a track carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum TrackFormat {
    #[default]
    Mono,
    Stereo,
}

impl TrackFormat {
    pub fn channels(self) -> usize {
        match self {
            TrackFormat::Mono => 1,
            TrackFormat::Stereo => 2,
        }
    }
}

/// Where a track or bus sends its output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Output {
    /// A bus, by name.
    Bus(String),
    /// One of the three stems.
    Stem(StemKind),
}

/// A track: clips on a line of the timeline, and its channel strip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Track {
    pub name: String,
    /// Mono or Stereo.
    #[serde(default)]
    pub format: TrackFormat,
    /// Where the track goes: `Bus("ADR")` or `Stem(DX)`.
    pub output: Output,
    /// Fader level in dB (0.0 is unity).
    #[serde(default)]
    pub fader_db: f32,
    /// Pan from -1.0 (left) through 0.0 (centre) to 1.0 (right).
    /// A stereo track's pan is a balance control.
    #[serde(default)]
    pub pan: f32,
    /// In 5.1: from 0.0 (the front) to 1.0 (the surrounds).
    #[serde(default)]
    pub surround: f32,
    /// In 5.1: 0.0 keeps a mono source on its position (dialog panned centre
    /// plays from C alone); 1.0 spreads it across L, C and R.
    #[serde(default)]
    pub divergence: f32,
    /// In 5.1: the level sent to the LFE channel, in dB (none when absent).
    #[serde(default)]
    pub lfe_db: Option<f32>,
    #[serde(default)]
    pub mute: bool,
    /// The track's processing: trim, filters, EQ, gate, compressor.
    #[serde(default)]
    pub strip: Strip,
    /// Feeds to aux buses, besides the main output.
    #[serde(default)]
    pub sends: Vec<Send>,
    /// Clips, in any order; where two overlap, both play (a crossfade when
    /// the earlier one's fade-out and the later one's fade-in span the overlap).
    #[serde(default)]
    pub clips: Vec<Clip>,
    /// Automation of the fader, pan, mute, sends and strip.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lanes: Vec<Lane>,
    /// LV2 plugin inserts, after the strip (missing in older sessions: none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inserts: Vec<Insert>,
}

impl Default for Track {
    /// An empty mono track to the DX stem, its strip untouched.
    fn default() -> Track {
        Track {
            name: String::new(),
            format: TrackFormat::Mono,
            output: Output::Stem(StemKind::DX),
            fader_db: 0.0,
            pan: 0.0,
            surround: 0.0,
            divergence: 0.0,
            lfe_db: None,
            mute: false,
            strip: Strip::default(),
            sends: Vec::new(),
            clips: Vec::new(),
            lanes: Vec::new(),
            inserts: Vec::new(),
        }
    }
}

impl Default for Bus {
    /// A bus to the DX stem, its strip untouched.
    fn default() -> Bus {
        Bus {
            name: String::new(),
            output: Output::Stem(StemKind::DX),
            fader_db: 0.0,
            mute: false,
            solo_safe: false,
            strip: Strip::default(),
            lanes: Vec::new(),
            inserts: Vec::new(),
        }
    }
}

/// A span of a source placed on a track.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clip {
    /// A name for people; defaults to the source id.
    #[serde(default)]
    pub name: String,
    /// The source id.
    pub source: String,
    /// First source channel the clip reads (0-based): a mono track reads
    /// this channel, a stereo track this one and the next (a mono source
    /// feeds both sides of a stereo track).
    #[serde(default)]
    pub channel: u16,
    /// First source sample the clip plays.
    #[serde(default)]
    pub source_offset: u64,
    /// Timeline position of the clip's first sample.
    pub position: u64,
    /// Length on the timeline, in samples.
    pub length: u64,
    /// Clip gain in dB.
    #[serde(default)]
    pub gain_db: f32,
    #[serde(default)]
    pub fade_in: Fade,
    #[serde(default)]
    pub fade_out: Fade,
    /// Short gain reductions inside the clip.
    #[serde(default)]
    pub dips: Vec<Dip>,
    #[serde(default)]
    pub mute: bool,
    /// Loop a span of the source across the whole clip (room-tone fill).
    #[serde(default, rename = "loop")]
    pub looped: Option<LoopFill>,
}

impl Clip {
    /// One past the clip's last timeline sample.
    pub fn end(&self) -> u64 {
        self.position.saturating_add(self.length)
    }

    /// The name shown to people.
    pub fn display_name(&self) -> &str {
        if self.name.is_empty() {
            &self.source
        } else {
            &self.name
        }
    }
}

/// A fade at the start or the end of a clip.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Fade {
    /// Length in samples; 0 means no fade.
    #[serde(default)]
    pub length: u64,
    #[serde(default)]
    pub shape: FadeShape,
}

/// The curve of a fade. Fade-outs use the same curve mirrored in time, so a
/// fade-out and a fade-in of one shape over the same span form a crossfade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum FadeShape {
    /// Gain rises in a straight line: constant amplitude across a crossfade
    /// (for correlated material, such as the two sides of an edit in one take).
    Linear,
    /// sin(πx/2): constant power across a crossfade of uncorrelated material.
    #[default]
    EqualPower,
    /// (1 - cos πx) / 2: a smooth start and finish.
    SCurve,
    /// Slow start, fast finish: steady in decibels over the last 60 dB.
    Exponential,
    /// Fast start, slow finish: the time-mirror of the exponential curve.
    Logarithmic,
}

impl FadeShape {
    pub const ALL: [FadeShape; 5] = [
        FadeShape::Linear,
        FadeShape::EqualPower,
        FadeShape::SCurve,
        FadeShape::Exponential,
        FadeShape::Logarithmic,
    ];
}

/// A dip: the gain sits `depth_db` lower over `start..end` (clip-relative
/// samples) and ramps down before `start` and back up after `end` over `ramp`
/// samples, so the span itself is exactly at depth.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dip {
    pub start: u64,
    pub end: u64,
    /// Depth in dB, negative (e.g. -6.0).
    pub depth_db: f32,
    /// Ramp length in samples on each side.
    #[serde(default)]
    pub ramp: u64,
}

/// Room-tone fill: the source span `source_offset .. source_offset + length`
/// repeats for the whole clip, each repeat joined to the next by an
/// equal-power crossfade of `crossfade` samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoopFill {
    /// Length of the looped source span, in samples.
    pub length: u64,
    /// Crossfade at each join, in samples (less than half the span).
    #[serde(default)]
    pub crossfade: u64,
}

/// A group of tracks (or of other buses) with a strip and a fader.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bus {
    pub name: String,
    pub output: Output,
    #[serde(default)]
    pub fader_db: f32,
    #[serde(default)]
    pub mute: bool,
    /// Stays audible when something else is soloed (for reverb and other aux returns).
    #[serde(default)]
    pub solo_safe: bool,
    #[serde(default)]
    pub strip: Strip,
    /// Automation of the fader, mute and strip.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lanes: Vec<Lane>,
    /// LV2 plugin inserts, after the strip (missing in older sessions: none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inserts: Vec<Insert>,
}

/// A feed from a track to an aux bus.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Send {
    /// The bus, by name.
    pub bus: String,
    /// Send level in dB.
    #[serde(default)]
    pub level_db: f32,
    /// Taken before the track's fader (and mute) instead of after it.
    #[serde(default)]
    pub pre_fader: bool,
}

/// How much a mono source panned centre is lowered in each side of a stereo pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum PanLaw {
    /// Constant power: -3 dB at centre.
    #[default]
    #[serde(rename = "-3dB")]
    Minus3,
    /// Between the two: -4.5 dB at centre.
    #[serde(rename = "-4.5dB")]
    Minus4_5,
    /// Constant amplitude: -6 dB at centre.
    #[serde(rename = "-6dB")]
    Minus6,
}

/// The three stems a premix delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum StemKind {
    /// Dialog.
    DX,
    /// Music.
    MX,
    /// Effects.
    FX,
}

impl StemKind {
    pub const ALL: [StemKind; 3] = [StemKind::DX, StemKind::MX, StemKind::FX];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        match self {
            StemKind::DX => "DX",
            StemKind::MX => "MX",
            StemKind::FX => "FX",
        }
    }
}

/// Channel layout of the buses, stems and printmaster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Layout {
    #[default]
    Stereo,
    /// L R C LFE Ls Rs, in that order.
    #[serde(rename = "5.1")]
    FivePointOne,
}

impl Layout {
    pub fn channels(self) -> usize {
        self.channel_names().len()
    }

    /// Channel names, as used in file names and port names.
    pub fn channel_names(self) -> &'static [&'static str] {
        match self {
            Layout::Stereo => &["L", "R"],
            Layout::FivePointOne => &["L", "R", "C", "LFE", "Ls", "Rs"],
        }
    }
}

/// Stem settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stems {
    #[serde(default)]
    pub layout: Layout,
    /// The pan law of mono tracks in a stereo layout.
    #[serde(default)]
    pub pan_law: PanLaw,
    #[serde(default, rename = "DX")]
    pub dx: StemStrip,
    #[serde(default, rename = "MX")]
    pub mx: StemStrip,
    #[serde(default, rename = "FX")]
    pub fx: StemStrip,
}

impl Default for Stems {
    fn default() -> Self {
        Stems {
            layout: Layout::Stereo,
            pan_law: PanLaw::Minus3,
            dx: StemStrip::default(),
            mx: StemStrip::default(),
            fx: StemStrip::default(),
        }
    }
}

impl Stems {
    pub fn strip(&self, kind: StemKind) -> &StemStrip {
        match kind {
            StemKind::DX => &self.dx,
            StemKind::MX => &self.mx,
            StemKind::FX => &self.fx,
        }
    }

    pub fn strip_mut(&mut self, kind: StemKind) -> &mut StemStrip {
        match kind {
            StemKind::DX => &mut self.dx,
            StemKind::MX => &mut self.mx,
            StemKind::FX => &mut self.fx,
        }
    }
}

/// A stem's fader and mute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct StemStrip {
    #[serde(default)]
    pub fader_db: f32,
    #[serde(default)]
    pub mute: bool,
    /// A true-peak limiter after the fader (off, and not saved, by default).
    #[serde(default, skip_serializing_if = "Limiter::is_default")]
    pub limiter: Limiter,
}

/// The printmaster: DX + MX + FX through one fader.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Printmaster {
    #[serde(default)]
    pub fader_db: f32,
    /// A true-peak limiter after the fader (off, and not saved, by default).
    #[serde(default, skip_serializing_if = "Limiter::is_default")]
    pub limiter: Limiter,
}

/// A named point on the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Marker {
    pub name: String,
    pub position: u64,
}

impl Session {
    /// An empty session at `sample_rate` and `rate`, starting at 01:00:00:00.
    pub fn new(name: &str, sample_rate: u32, rate: FrameRate) -> Session {
        Session {
            format_version: FORMAT_VERSION,
            name: name.to_string(),
            sample_rate,
            timecode: TimecodeSettings {
                rate,
                start: default_start(),
            },
            sources: Vec::new(),
            tracks: Vec::new(),
            buses: Vec::new(),
            stems: Stems::default(),
            printmaster: Printmaster::default(),
            markers: Vec::new(),
            audio: AudioSettings::default(),
        }
    }

    /// One past the last sample of the last clip.
    pub fn end(&self) -> u64 {
        self.tracks
            .iter()
            .flat_map(|t| t.clips.iter())
            .map(Clip::end)
            .max()
            .unwrap_or(0)
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    pub fn bus_index(&self, name: &str) -> Option<usize> {
        self.buses.iter().position(|b| b.name == name)
    }
}
