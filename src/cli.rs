//! Command-line definitions: one subcommand per job.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::model::timecode::FrameRate;

/// A terminal dubbing stage: sessions, stems and printmasters for film and TV premixing.
///
/// `dubstage SESSION.ron` opens the session in the console; the subcommands
/// do one job each without it.
#[derive(Debug, Parser)]
#[command(name = "dubstage", version, about, long_about = None, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The session file (.ron) to open in the console.
    pub session: Option<PathBuf>,
    #[command(flatten)]
    pub console: ConsoleArgs,
}

/// How the console plays.
#[derive(Debug, Clone, clap::Args)]
pub struct ConsoleArgs {
    /// Play on the built-in clock even when a JACK server is running.
    #[arg(long)]
    pub no_jack: bool,
    /// The JACK client name.
    #[arg(long, default_value = "dubstage", value_name = "NAME")]
    pub name: String,
    /// Listen for OSC remote control on this UDP port (off by default).
    #[arg(long, value_name = "PORT", value_parser = clap::value_parser!(u16).range(1..))]
    pub osc: Option<u16>,
    /// The address the OSC remote listens on (with --osc).
    #[arg(
        long,
        value_name = "ADDR",
        default_value = "127.0.0.1",
        requires = "osc"
    )]
    pub osc_bind: std::net::IpAddr,
    /// Open the MIDI control surface on JACK MIDI ports: mcu (Mackie Control
    /// and learned CCs), midi (learned CCs only) or off (default: as the
    /// session was saved).
    #[arg(long, value_name = "KIND", value_parser = ["mcu", "midi", "off"])]
    pub surface: Option<String>,
    /// Show this picture file in xjadeo, following the JACK transport
    /// (its first frame at the session start; `:video FILE START` for another).
    #[arg(long, value_name = "FILE")]
    pub video: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render the DX, MX and FX stems, the M&E and the printmaster to WAV files.
    Bounce {
        /// The session file (.ron).
        session: PathBuf,
        /// Folder for DX.wav, MX.wav, FX.wav, ME.wav, PM.wav and summary.txt
        /// (with --profile: one sub-folder per version).
        #[arg(short, long, value_name = "DIR")]
        output: PathBuf,
        /// Render a delivery version: trimmed to the profile's loudness target,
        /// limited to its true-peak ceiling, with a QC report. May be repeated.
        #[arg(short, long = "profile", value_name = "NAME")]
        profiles: Vec<String>,
        /// A file of delivery profiles (RON) merged over the shipped ones.
        #[arg(long = "profiles", value_name = "FILE")]
        profiles_file: Option<PathBuf>,
        /// The centre's level in the stereo downmix versions (stereo-loro,
        /// stereo-ltrt, ...), dB, over the profile's (-3 by default).
        #[arg(long, value_name = "DB", allow_negative_numbers = true)]
        downmix_centre: Option<f64>,
        /// The surrounds' level in the stereo downmix versions, dB (Lo/Ro:
        /// each surround into its side; Lt/Rt: Ls + Rs into the mono surround).
        #[arg(long, value_name = "DB", allow_negative_numbers = true)]
        downmix_surround: Option<f64>,
        /// Fold the LFE into the stereo downmix versions at this level, dB
        /// (dropped by default).
        #[arg(long, value_name = "DB", allow_negative_numbers = true)]
        downmix_lfe: Option<f64>,
        /// Only this span: START..END as timecode (01:00:10:00), samples (480000),
        /// seconds (10s, 1.5s) or milliseconds (250ms); END is exclusive.
        #[arg(short, long, value_name = "START..END")]
        range: Option<String>,
        /// Sample format of the files.
        #[arg(short, long, value_enum, default_value_t = SampleFormatArg::Int24)]
        format: SampleFormatArg,
        /// Frames per processing block (the output does not depend on it).
        #[arg(long, default_value_t = 4096, value_parser = clap::value_parser!(u32).range(1..=1_048_576))]
        block: u32,
    },
    /// Play a session through JACK (or the silent clock when no server answers)
    /// without the console, until the end of the session or range, or Ctrl-C.
    Play {
        /// The session file (.ron).
        session: PathBuf,
        /// Only this span: START..END, in the same forms as bounce's --range.
        #[arg(short, long, value_name = "START..END")]
        range: Option<String>,
        /// Loop the range (or the whole session) until interrupted.
        #[arg(short = 'l', long = "loop")]
        looped: bool,
        /// Play on the built-in clock even when a JACK server is running.
        #[arg(long)]
        no_jack: bool,
        /// The JACK client name.
        #[arg(long, default_value = "dubstage", value_name = "NAME")]
        name: String,
    },
    /// Create a session from a template.
    New {
        /// The session's name; the file is NAME.ron unless --output says otherwise.
        name: String,
        /// The template: "film" (dialog, effects and music buses routed to DX, FX and MX).
        #[arg(short, long, default_value = "film")]
        template: String,
        /// Stem layout: "stereo" or "5.1".
        #[arg(long, default_value = "stereo", value_parser = ["stereo", "5.1"])]
        layout: String,
        /// Where to write the session file.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Measure media files: loudness (BS.1770 / EBU R128), loudness range, true peak.
    Loudness {
        /// The files: any format and channel count dubstage reads.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print JSON (an array, one object per file) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Check a session: its syntax and fields, and whether every source can be read.
    Check {
        /// The session file (.ron).
        session: PathBuf,
    },
    /// Write the demo scene (synthesized media and its session file) and,
    /// on a terminal, open it in the console.
    Demo {
        /// Folder to write into.
        #[arg(default_value = "sessions/demo")]
        dir: PathBuf,
        /// Only write the scene; do not open the console (also the case
        /// when standard input or output is not a terminal).
        #[arg(long)]
        write_only: bool,
        #[command(flatten)]
        console: ConsoleArgs,
    },
    /// Build a session from the picture editor's cut: a CMX3600 EDL, an OpenTimelineIO file or an AAF.
    ///
    /// From an AAF: every audio track (a multichannel one as one track per
    /// channel), clips with their source offsets, gaps, fades and crossfades
    /// with their shapes, clip gain, level keyframes, track volume and pan
    /// automation, clip and track names, markers with their colour and
    /// comment, and the composition's start timecode. Embedded media are
    /// extracted into SESSION.media/ (never over an existing file). Nested
    /// edits are flattened; effects, speed changes and unknown transitions
    /// (played as a cut at their cut point) are reported as not reproduced.
    /// OMF files are not read.
    Import {
        /// The cut: CUT.edl (CMX3600), CUT.otio (OpenTimelineIO JSON) or CUT.aaf.
        cut: PathBuf,
        /// Folders holding the cut's media, searched with their sub-folders
        /// (default: the cut's folder).
        #[arg(short, long, value_name = "DIR", num_args = 1..)]
        media: Vec<PathBuf>,
        /// The session file to write.
        #[arg(short, long, value_name = "SESSION")]
        output: PathBuf,
        /// Timecode rate of the cut: 23.976, 24, 25, 29.97df, 29.97 or 30 (an EDL
        /// says its rate only when it is drop-frame; without it, the lowest rate
        /// its timecodes and its media's iXML allow; an AAF's own rate is used
        /// unless this is given).
        #[arg(long, value_name = "RATE")]
        rate: Option<FrameRate>,
        /// Timecode of the session start (default: the EDL's first record
        /// timecode rounded down to the hour, the OTIO global start time, or
        /// the AAF composition's start timecode).
        #[arg(long, value_name = "TIMECODE")]
        start: Option<String>,
        /// Replace an existing session file (the old one is kept as SESSION.bak).
        #[arg(long)]
        force: bool,
        /// Mark the picture's shot changes (the cut's video events) with
        /// markers, to spot edits by; a video-only cut imports as markers alone.
        #[arg(long)]
        video_track: bool,
    },
    /// Move clips to their original timecode, from their source's BWF time reference.
    Spot {
        /// The session file (.ron); it is saved in place (the old one kept as .bak).
        session: PathBuf,
        /// The clips to spot, as TRACK/CLIP (every clip of that name on the track).
        #[arg(
            short,
            long,
            value_name = "TRACK/CLIP",
            required_unless_present = "all"
        )]
        clip: Vec<String>,
        /// Spot every clip whose source has a BWF timecode.
        #[arg(long)]
        all: bool,
    },
}

/// Sample formats for bounced files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SampleFormatArg {
    /// 24-bit integer PCM.
    #[value(name = "24")]
    Int24,
    /// 32-bit float.
    #[value(name = "f32")]
    Float32,
}
