//! The picture editor's cut in a small neutral form, read from an EDL or an
//! OTIO file before any media is looked at: audio tracks of clips, each a
//! span of a source (at its source timecode) placed at a record timecode,
//! with the fades that the cut's dissolves make. One builder turns it into
//! a session whichever format it came from.

use std::path::PathBuf;

use super::time::Seconds;
use crate::model::timecode::FrameRate;

/// Which kind of file the cut came from, for messages ("the EDL says...").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CutFormat {
    /// CMX3600 edit decision list.
    Edl,
    /// OpenTimelineIO JSON.
    Otio,
}

impl CutFormat {
    /// How a report refers to the file: "the EDL", "the OTIO cut".
    pub fn speaker(self) -> &'static str {
        match self {
            CutFormat::Edl => "the EDL",
            CutFormat::Otio => "the OTIO cut",
        }
    }
}

/// A whole cut: its audio tracks and what could not be taken from it.
#[derive(Debug, Clone)]
pub struct Cut {
    pub format: CutFormat,
    /// The cut's title (EDL `TITLE:`, OTIO timeline name); may be empty.
    pub title: String,
    /// The timecode rate of the cut's record side.
    pub rate: FrameRate,
    /// Where the session starts unless told otherwise, as a time of day.
    pub start: Seconds,
    /// Audio tracks, in the cut's order.
    pub tracks: Vec<CutTrack>,
    /// The picture's events, in record order: where the shots change.
    pub video: Vec<Shot>,
    /// The editor's locators (Avid's `* LOC:` comments), in record order.
    pub locators: Vec<Locator>,
    /// Things in the cut that dubstage does not reproduce (speed changes,
    /// level automation, wipes...), each naming where it is.
    pub unsupported: Vec<String>,
    /// Lesser remarks: lines left out, fades shortened...
    pub notes: Vec<String>,
}

/// One audio track of the cut.
#[derive(Debug, Clone, PartialEq)]
pub struct CutTrack {
    /// The track's number among the cut's audio tracks, from 1 (A1 is 1).
    pub number: u16,
    /// The name the session track gets: "A1", "A2"...
    pub name: String,
    pub mute: bool,
    pub clips: Vec<CutClip>,
}

/// One clip of the cut: a span of a source placed on a track.
#[derive(Debug, Clone, PartialEq)]
pub struct CutClip {
    /// Where it is in the cut, for reports: "event 7", "clip 3".
    pub label: String,
    /// The clip's name in the session (the clip name, else the reel).
    pub name: String,
    /// What is known about where its media is.
    pub media: MediaHint,
    /// The source timecode of the clip's first sample, as a time of day.
    pub source_in: Seconds,
    /// The record timecode of the clip's first sample, as a time of day.
    pub record_in: Seconds,
    /// Length on the timeline.
    pub duration: Seconds,
    /// Fade-in and fade-out lengths (dissolves: the two clips overlap by
    /// the dissolve and fade over all of it).
    pub fade_in: Seconds,
    pub fade_out: Seconds,
    /// Clip gain in dB, where the cut carries a level.
    pub gain_db: f32,
    /// Clips the cut has but dubstage cannot play as meant (speed changes)
    /// are placed muted so the editor sees where they are.
    pub mute: bool,
    /// The source channel the clip reads (0-based): its place among the
    /// tracks of a multichannel event, or for a clip on one track alone,
    /// the track's number less one.
    pub channel: u16,
    /// The clip is one side of a stereo pair event (Avid's `A12`), whose
    /// tracks are these two; played as one stereo track where the source
    /// is stereo.
    pub pair: Option<[u16; 2]>,
}

/// A locator the editor left on the timeline: a note at a record time.
#[derive(Debug, Clone, PartialEq)]
pub struct Locator {
    /// Its line in the cut, for reports.
    pub line: usize,
    /// The record time it marks, as a time of day.
    pub at: Seconds,
    /// Its text with its colour: "ANIM FIX NEEDED (red)".
    pub name: String,
}

/// A picture event: the shot that starts at `record_in`.
#[derive(Debug, Clone, PartialEq)]
pub struct Shot {
    /// Where it is in the cut: "event 7".
    pub label: String,
    /// The event's number in the cut (EDL) or its place on the track (OTIO).
    pub number: u32,
    /// The clip name, else the reel.
    pub name: String,
    /// The record timecode where the shot starts, as a time of day.
    pub record_in: Seconds,
}

impl CutClip {
    /// The record time one past the clip's end.
    pub fn record_out(&self) -> Seconds {
        self.record_in + self.duration
    }

    /// The source time one past the clip's end.
    pub fn source_out(&self) -> Seconds {
        self.source_in + self.duration
    }
}

/// Everything the cut says about a clip's source file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MediaHint {
    /// A path or file URL the cut names (EDL `* SOURCE FILE:`, OTIO
    /// `target_url`), already decoded from `file://` form.
    pub path: Option<PathBuf>,
    /// The clip name (EDL `* FROM CLIP NAME:`, OTIO clip or reference name).
    pub clip_name: Option<String>,
    /// The reel or tape name (EDL reel field); `None` for auxiliary sources.
    pub reel: Option<String>,
    /// The media's own start time according to the cut (OTIO
    /// `available_range.start_time`), used when the file has no BWF timecode.
    pub start: Option<Seconds>,
}

impl MediaHint {
    /// The names to look for in the media folders, most specific first.
    pub fn names(&self) -> Vec<String> {
        let from_path = self
            .path
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned());
        let mut names: Vec<String> = Vec::new();
        for name in [from_path, self.clip_name.clone(), self.reel.clone()]
            .into_iter()
            .flatten()
        {
            let name = name.trim().to_string();
            if !name.is_empty() && !names.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
                names.push(name);
            }
        }
        names
    }

    /// The name the file is expected under: the first of [`MediaHint::names`].
    pub fn display_name(&self) -> String {
        self.names()
            .into_iter()
            .next()
            .unwrap_or_else(|| "(unnamed)".into())
    }

    /// The name a clip shows: the clip name, else the file name, else the reel.
    pub fn clip_label(&self) -> String {
        self.clip_name
            .as_ref()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| self.display_name())
    }
}

/// Join two clips of a track with a dissolve around the cut between them:
/// the outgoing clip plays on `after` past the cut, the incoming clip starts
/// `before` ahead of it, and both fade over the whole overlap, so the
/// dissolve is a crossfade.
/// Either side may be missing (a fade from or to silence). Whether the
/// media have the handles this needs is checked when the media are found.
pub fn dissolve(
    outgoing: Option<&mut CutClip>,
    incoming: Option<&mut CutClip>,
    before: Seconds,
    after: Seconds,
) {
    let span = before + after;
    if let Some(clip) = outgoing {
        clip.duration = clip.duration + after;
        clip.fade_out = span;
    }
    if let Some(clip) = incoming {
        clip.record_in = clip.record_in - before;
        clip.source_in = clip.source_in - before;
        clip.duration = clip.duration + before;
        clip.fade_in = span;
    }
}
