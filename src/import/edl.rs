//! CMX3600 edit decision lists.
//!
//! An event line is `NNN REEL CHANNELS TRANSITION [FRAMES] SRC-IN SRC-OUT
//! REC-IN REC-OUT`. Read here:
//! - `TITLE:` and `FCM: DROP FRAME` / `FCM: NON-DROP FRAME` (drop-frame
//!   labels are also recognised by a `;` before the frames);
//! - channel fields ([`super::channels`]) `A`, `A2`, `AA`, `B`, `A3`, Avid's
//!   groups `A12`, `A34`, `A1234`, any of them with `/V`, `V` and `NONE`, and
//!   Avid's `AUD 3 4` lines that add A3 and A4 to the event; picture events
//!   are kept as the cut's shots;
//! - cuts (`C`) and dissolves (`D nnn`), in the two-line form (the outgoing
//!   reel as a zero-length cut, then the incoming reel with `D`) or alone;
//!   a dissolve to or from the black reel (`BL`) is a fade;
//! - `SPLIT: AUDIO DELAY=` before an event;
//! - `M2` speed changes, and events whose source and record lengths differ,
//!   reported as unsupported and placed muted;
//! - comments: `* FROM CLIP NAME:`, `* TO CLIP NAME:`, `* CLIP NAME:`,
//!   `* SOURCE FILE:` (to find the media) and Avid's `* AUDIO LEVEL AT ...
//!   IS -3.00 DB (REEL X A1)` (a clip level; CMX3600 itself has none).
//!
//! Anything malformed is an error naming the line: `cut.edl:12: ...`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::channels::{self, Channels};
use super::comments::{parse_level, parse_locator};
use super::cut::{dissolve, Cut, CutClip, CutFormat, CutTrack, Locator, MediaHint, Shot};
use super::rate;
use super::time::Seconds;
use super::ImportError;
use crate::model::timecode::{FrameRate, Timecode};

/// Reel names that mean black (no media).
const BLACK: [&str; 3] = ["BL", "BLK", "BLACK"];
/// Reel names that mean "an auxiliary source": the reel says nothing.
const AUX: [&str; 2] = ["AX", "AUX"];

/// How an event goes in.
#[derive(Debug, Clone, PartialEq)]
enum Transition {
    Cut,
    Dissolve(Seconds),
    /// A wipe or key: video transitions, read as a cut on audio.
    Other(String),
}

/// A level from an `* AUDIO LEVEL AT` comment.
#[derive(Debug, Clone, PartialEq)]
struct Level {
    line: usize,
    track: u16,
    db: f32,
}

/// One event line with what the notes after it add.
#[derive(Debug, Clone)]
struct EventLine {
    line: usize,
    number: u32,
    reel: String,
    /// Audio tracks, and whether they are a stereo pair and the event has picture.
    channels: Channels,
    transition: Transition,
    src_in: Seconds,
    src_out: Seconds,
    rec_in: Seconds,
    rec_out: Seconds,
    /// The record in of the picture (before a split edit's audio delay).
    picture_in: Seconds,
    clip_name: Option<String>,
    source_file: Option<String>,
    /// `M2` speed in frames per second, and its line.
    speed: Option<(usize, f64)>,
    levels: Vec<Level>,
}

impl EventLine {
    fn is_black(&self) -> bool {
        BLACK.iter().any(|b| self.reel.eq_ignore_ascii_case(b))
    }

    fn is_zero_length(&self) -> bool {
        self.rec_in == self.rec_out
    }
}

/// Parse the EDL `text` read from `path` (named in errors). `rate` is the
/// timecode rate to read it at, checked against its frame fields; without
/// it the EDL is read at drop-frame when it says so, else at the rate its
/// timecodes imply ([`rate`]; with media, [`read`]).
pub fn parse(text: &str, path: &Path, rate: Option<FrameRate>) -> Result<Cut, ImportError> {
    read(text, path, rate, None)
}

/// Read the EDL `text` from `path`: at `given` (refused when its frame
/// fields contradict it), at 29.97 drop-frame when it says so, else at the
/// rate inferred from its timecodes and, when `media` folders are given,
/// from the iXML rate of the media its clips find there (the report's
/// first note says which rate and why).
pub fn read(
    text: &str,
    path: &Path,
    given: Option<FrameRate>,
    media: Option<&[PathBuf]>,
) -> Result<Cut, ImportError> {
    let fields = rate::frame_fields(text);
    if let Some(rate) = given {
        if let Some(fields) = &fields {
            rate::check(path, rate, fields)?;
        }
        return parse_at(text, path, rate);
    }
    if rate::says_drop_frame(text) {
        return parse_at(text, path, FrameRate::Fps29_97Df);
    }
    let Some(fields) = fields else {
        // No event to take a rate from: what is wrong is said by the reader.
        return parse_at(text, path, FrameRate::Fps24);
    };
    let rates = match (media, rate::consistent(fields.max).first()) {
        (Some(folders), Some(&provisional)) => {
            // Which files the clips use does not depend on the rate.
            let cut = parse_at(text, path, provisional)?;
            let cut_dir = path.parent().unwrap_or(Path::new("."));
            rate::media_rates(&cut, folders, cut_dir)?
        }
        _ => Vec::new(),
    };
    let (rate, note) = rate::infer(path, &fields, &rates)?;
    let mut cut = parse_at(text, path, rate)?;
    cut.notes.insert(0, note);
    Ok(cut)
}

/// Parse the EDL `text` at the timecode rate `base`.
fn parse_at(text: &str, path: &Path, base: FrameRate) -> Result<Cut, ImportError> {
    let mut reader = Reader::new(path, base);
    for (index, raw) in text.lines().enumerate() {
        reader.line(index + 1, raw)?;
    }
    reader.finish()
}

fn starts_with_digit(line: &str) -> bool {
    line.bytes().next().is_some_and(|b| b.is_ascii_digit())
}

/// The state of a pass over the lines.
struct Reader {
    path: PathBuf,
    base: FrameRate,
    drop_frame: bool,
    title: String,
    /// Events as groups of lines with one event number.
    events: Vec<Vec<EventLine>>,
    split_delay: Option<Seconds>,
    locators: Vec<Locator>,
    notes: Vec<String>,
    unsupported: Vec<String>,
}

impl Reader {
    fn new(path: &Path, base: FrameRate) -> Reader {
        Reader {
            path: path.to_path_buf(),
            base,
            drop_frame: base.is_drop_frame(),
            title: String::new(),
            events: Vec::new(),
            split_delay: None,
            locators: Vec::new(),
            notes: Vec::new(),
            unsupported: Vec::new(),
        }
    }

    fn error(&self, line: usize, message: impl Into<String>) -> ImportError {
        ImportError::Edl {
            path: self.path.clone(),
            line,
            message: message.into(),
        }
    }

    fn line(&mut self, line: usize, raw: &str) -> Result<(), ImportError> {
        let text = raw.trim();
        let upper = text.to_ascii_uppercase();
        let keyword = upper.split_whitespace().next().unwrap_or_default();
        if text.is_empty() {
            Ok(())
        } else if let Some(rest) = strip_keyword(text, "TITLE:") {
            self.title = rest.trim().to_string();
            Ok(())
        } else if let Some(rest) = strip_keyword(text, "FCM:") {
            self.frame_code_mode(line, rest)
        } else if let Some(rest) = text.strip_prefix('*') {
            self.comment(line, rest.trim());
            Ok(())
        } else if keyword == "M2" {
            self.speed(line, text)
        } else if let Some(rest) = strip_keyword(text, "SPLIT:") {
            self.split(line, rest)
        } else if keyword == "AUD" {
            self.extra_audio(line, text)
        } else if starts_with_digit(text) {
            let event = self.event(line, text)?;
            self.push_event(event);
            Ok(())
        } else if upper.starts_with(">>>") || upper.starts_with("EFFECTS NAME IS") {
            Ok(())
        } else {
            self.notes
                .push(format!("line {line} not understood and left out: {text}"));
            Ok(())
        }
    }

    fn frame_code_mode(&mut self, line: usize, rest: &str) -> Result<(), ImportError> {
        let mode = rest.trim().to_ascii_uppercase().replace('-', " ");
        self.drop_frame = match mode.as_str() {
            "DROP FRAME" => true,
            "NON DROP FRAME" => false,
            _ => {
                return Err(self.error(
                    line,
                    format!(
                        "FCM: \"{}\": expected DROP FRAME or NON-DROP FRAME",
                        rest.trim()
                    ),
                ))
            }
        };
        if self.drop_frame && self.base.nominal_fps() != 30 {
            return Err(self.error(
                line,
                format!(
                    "FCM: DROP FRAME exists only at 29.97 fps, but the EDL is read at {} fps (--rate)",
                    self.base
                ),
            ));
        }
        Ok(())
    }

    /// A timecode field at the rate in force, as a time of day.
    fn timecode(&self, line: usize, text: &str, what: &str) -> Result<Seconds, ImportError> {
        let drop = self.drop_frame || text.contains(';');
        let rate = match (self.base.nominal_fps(), drop) {
            (30, true) if self.base != FrameRate::Fps30 => FrameRate::Fps29_97Df,
            (_, true) => {
                return Err(self.error(
                    line,
                    format!(
                        "{what} \"{text}\" is drop-frame, but the EDL is read at {} fps (--rate)",
                        self.base
                    ),
                ))
            }
            _ if self.base == FrameRate::Fps29_97Df => FrameRate::Fps29_97,
            _ => self.base,
        };
        let tc =
            Timecode::parse(text, rate).map_err(|e| self.error(line, format!("{what}: {e}")))?;
        Ok(Seconds::from_timecode(&tc, rate))
    }

    fn event(&mut self, line: usize, text: &str) -> Result<EventLine, ImportError> {
        const SHAPE: &str =
            "expected an event: NUMBER REEL CHANNELS TRANSITION [FRAMES] SOURCE-IN SOURCE-OUT RECORD-IN RECORD-OUT";
        let tokens: Vec<&str> = text.split_whitespace().collect();
        if !(8..=9).contains(&tokens.len()) {
            return Err(self.error(line, format!("{SHAPE} (found {} fields)", tokens.len())));
        }
        let number: u32 = tokens[0].parse().map_err(|_| {
            self.error(
                line,
                format!("\"{}\" is not an event number; {SHAPE}", tokens[0]),
            )
        })?;
        let reel = tokens[1].to_string();
        let channels =
            channels::parse(tokens[2]).ok_or_else(|| self.bad_channels(line, tokens[2]))?;
        let times = &tokens[tokens.len() - 4..];
        let transition = self.transition(line, &tokens[3..tokens.len() - 4])?;
        let src_in = self.timecode(line, times[0], "source in")?;
        let src_out = self.timecode(line, times[1], "source out")?;
        let mut rec_in = self.timecode(line, times[2], "record in")?;
        let rec_out = self.timecode(line, times[3], "record out")?;
        if rec_out < rec_in {
            return Err(self.error(
                line,
                format!("record out {} is before record in {}", times[3], times[2]),
            ));
        }
        if src_out < src_in {
            return Err(self.error(
                line,
                format!("source out {} is before source in {}", times[1], times[0]),
            ));
        }
        let mut src_in = src_in;
        let picture_in = rec_in;
        if let Some(delay) = self.split_delay.take() {
            // The audio of a split edit comes in this much after the picture.
            let delay = delay.min(rec_out - rec_in);
            rec_in = rec_in + delay;
            src_in = src_in + delay;
        }
        Ok(EventLine {
            line,
            number,
            reel,
            channels,
            transition,
            src_in,
            src_out,
            rec_in,
            rec_out,
            picture_in,
            clip_name: None,
            source_file: None,
            speed: None,
            levels: Vec::new(),
        })
    }

    fn bad_channels(&self, line: usize, field: &str) -> ImportError {
        self.error(
            line,
            format!(
                "\"{field}\" is not a channel field: expected V, A, A2, AA, B, A3, A12, A34, A1234 (each optionally with /V) or NONE"
            ),
        )
    }

    fn transition(&self, line: usize, tokens: &[&str]) -> Result<Transition, ImportError> {
        let kind = tokens
            .first()
            .map(|t| t.to_ascii_uppercase())
            .unwrap_or_default();
        let frames = |text: &str| -> Result<Seconds, ImportError> {
            text.parse::<i64>()
                .ok()
                .filter(|f| *f >= 0)
                .map(|f| Seconds::from_frames(f, self.base))
                .ok_or_else(|| {
                    self.error(
                        line,
                        format!("\"{text}\" is not a transition length in frames"),
                    )
                })
        };
        match (kind.as_str(), tokens.len()) {
            ("C", 1) => Ok(Transition::Cut),
            ("D", 2) => Ok(Transition::Dissolve(frames(tokens[1])?)),
            (k, 1 | 2) if k.starts_with('W') || k.starts_with('K') => {
                Ok(Transition::Other(tokens.join(" ")))
            }
            _ => Err(self.error(
                line,
                format!(
                    "\"{}\" is not a transition: expected C, D and a length in frames, W or K",
                    tokens.join(" ")
                ),
            )),
        }
    }

    fn push_event(&mut self, event: EventLine) {
        match self.events.last_mut() {
            Some(group) if group.last().is_some_and(|l| l.number == event.number) => {
                group.push(event)
            }
            _ => self.events.push(vec![event]),
        }
    }

    /// The line of the current event that a note about `reel` belongs to.
    fn line_for_reel(&mut self, reel: Option<&str>) -> Option<&mut EventLine> {
        let group = self.events.last_mut()?;
        let index = reel
            .and_then(|r| group.iter().rposition(|l| l.reel.eq_ignore_ascii_case(r)))
            .unwrap_or(group.len() - 1);
        group.get_mut(index)
    }

    fn comment(&mut self, line: usize, text: &str) {
        let upper = text.to_ascii_uppercase();
        if upper.starts_with("AUDIO LEVEL AT") {
            self.level_comment(line, text);
            return;
        }
        if upper.starts_with("LOC:") {
            self.locator(line, text);
            return;
        }
        let value = |key: &str| text[key.len()..].trim().to_string();
        let Some(group) = self.events.last_mut() else {
            return;
        };
        // In a two-line dissolve FROM names the outgoing line and TO the
        // incoming one; a lone dissolve's FROM is the previous event.
        let lone_dissolve =
            group.len() == 1 && matches!(group[0].transition, Transition::Dissolve(_));
        let last = group.len() - 1;
        if upper.starts_with("FROM CLIP NAME:") {
            if !lone_dissolve {
                group[0].clip_name = Some(value("FROM CLIP NAME:"));
            }
        } else if upper.starts_with("CLIP NAME:") {
            group[last].clip_name = Some(value("CLIP NAME:"));
        } else if upper.starts_with("TO CLIP NAME:") {
            group[last].clip_name = Some(value("TO CLIP NAME:"));
        } else if let Some(key) = ["SOURCE FILE:", "FROM FILE:"]
            .into_iter()
            .find(|k| upper.starts_with(k))
        {
            let name = value(key);
            if let Some(l) = group.iter_mut().find(|l| l.source_file.is_none()) {
                l.source_file = Some(name);
            }
        }
    }

    /// `* AUDIO LEVEL AT 01:00:00:00 IS -3.00 DB (REEL X A1)`.
    fn level_comment(&mut self, line: usize, text: &str) {
        match parse_level(text) {
            Some((db, reel, track)) => {
                if let Some(l) = self.line_for_reel(Some(&reel)) {
                    l.levels.push(Level { line, track, db });
                }
            }
            None => self.notes.push(format!(
                "line {line}: audio level not understood and left out: {text}"
            )),
        }
    }

    /// `* LOC: 01:00:01:14 RED ANIM FIX NEEDED`: a marker at that record time.
    fn locator(&mut self, line: usize, text: &str) {
        let parsed = parse_locator(text).and_then(|(tc, colour, name)| {
            Some((self.timecode(line, &tc, "locator").ok()?, colour, name))
        });
        let Some((at, colour, name)) = parsed else {
            self.notes.push(format!(
                "line {line}: locator not understood and left out: {text}"
            ));
            return;
        };
        let name = match (name.is_empty(), colour) {
            (false, Some(c)) => format!("{name} ({c})"),
            (false, None) => name,
            (true, Some(c)) => format!("locator ({c})"),
            (true, None) => "locator".into(),
        };
        self.locators.push(Locator { line, at, name });
    }

    fn speed(&mut self, line: usize, text: &str) -> Result<(), ImportError> {
        let tokens: Vec<&str> = text.split_whitespace().collect();
        let (reel, speed) = match tokens.as_slice() {
            [_, reel, speed, ..] => (Some(*reel), *speed),
            _ => return Err(self.error(line, "expected M2 REEL SPEED TIMECODE")),
        };
        let speed: f64 = speed.parse().map_err(|_| {
            self.error(
                line,
                format!("\"{speed}\" is not a speed in frames per second"),
            )
        })?;
        let nominal = f64::from(self.base.nominal_fps());
        if (speed - nominal).abs() < 0.05 {
            return Ok(());
        }
        match self.line_for_reel(reel) {
            Some(l) => l.speed = Some((line, speed)),
            None => self.notes.push(format!(
                "line {line}: a speed change before any event is left out"
            )),
        }
        Ok(())
    }

    fn split(&mut self, line: usize, rest: &str) -> Result<(), ImportError> {
        let upper = rest.to_ascii_uppercase();
        let Some((kind, tc)) = upper.split_once('=') else {
            return Err(self.error(line, "expected SPLIT: AUDIO DELAY= HH:MM:SS:FF"));
        };
        let delay = self.timecode(line, tc.trim(), "split delay")?;
        if kind.contains("AUDIO") {
            self.split_delay = Some(delay);
        }
        Ok(())
    }

    /// Avid's `AUD 3 4` line: audio tracks beyond A2 for the event above.
    fn extra_audio(&mut self, line: usize, text: &str) -> Result<(), ImportError> {
        let mut tracks = Vec::new();
        for token in text.split_whitespace().skip(1) {
            match token.parse::<u16>() {
                Ok(n) if n >= 1 => tracks.push(n),
                _ => {
                    return Err(self.error(
                        line,
                        format!("\"{token}\" is not an audio track number in AUD"),
                    ))
                }
            }
        }
        let Some(event) = self.events.last_mut().and_then(|g| g.last_mut()) else {
            return Err(self.error(line, "AUD before any event"));
        };
        let audio = &mut event.channels.audio;
        audio.extend(tracks);
        audio.sort_unstable();
        audio.dedup();
        event.channels.pair &= audio.len() == 2;
        Ok(())
    }

    fn finish(mut self) -> Result<Cut, ImportError> {
        let mut tracks: BTreeMap<u16, Vec<CutClip>> = BTreeMap::new();
        let mut video: Vec<Shot> = Vec::new();
        for group in std::mem::take(&mut self.events) {
            for (i, event) in group.iter().enumerate() {
                let next_dissolves = group
                    .get(i + 1)
                    .is_some_and(|n| matches!(n.transition, Transition::Dissolve(_)));
                if event.is_zero_length() && (next_dissolves || event.transition == Transition::Cut)
                {
                    continue; // the outgoing side of a dissolve, taken by the next line
                }
                let outgoing = i.checked_sub(1).map(|k| &group[k]);
                for &track in &event.channels.audio {
                    let clips = tracks.entry(track).or_default();
                    self.place(clips, event, outgoing, track);
                }
                if event.channels.video {
                    video.push(shot(event));
                }
            }
        }
        video.sort_by_key(|s| s.record_in);
        self.locators.sort_by_key(|l| l.at);
        if tracks.values().all(Vec::is_empty) && video.is_empty() {
            return Err(ImportError::Cut {
                path: self.path.clone(),
                message: "the EDL has no events: nothing to import".into(),
            });
        }
        // The audio's first record timecode, or the picture's in a video-only cut.
        let audio_start = tracks.values().flatten().map(|c| c.record_in).min();
        let start = audio_start
            .or_else(|| video.first().map(|s| s.record_in))
            .unwrap_or(Seconds::ZERO);
        let hour = Timecode {
            hours: start.timecode(self.base).hours,
            ..Timecode::default()
        };
        Ok(Cut {
            format: CutFormat::Edl,
            title: self.title,
            rate: self.base,
            start: Seconds::from_timecode(&hour, self.base),
            tracks: tracks
                .into_iter()
                .map(|(number, clips)| CutTrack {
                    number,
                    name: format!("A{number}"),
                    mute: false,
                    clips,
                })
                .collect(),
            video,
            locators: self.locators,
            unsupported: self.unsupported,
            notes: self.notes,
        })
    }

    /// Put `event` on `track`, with its dissolve from `outgoing` (the line
    /// before it in a two-line dissolve) or from the clip before it.
    fn place(
        &mut self,
        clips: &mut Vec<CutClip>,
        event: &EventLine,
        outgoing: Option<&EventLine>,
        track: u16,
    ) {
        let mut incoming = self.clip(event, track);
        match &event.transition {
            Transition::Cut => {}
            Transition::Other(kind) => self.unsupported.push(format!(
                "A{track} event {} (line {}): the transition \"{kind}\" is a picture effect; it is read as a cut",
                event.number, event.line
            )),
            Transition::Dissolve(length) => {
                let length = *length;
                let from = self.outgoing_clip(clips, event, outgoing, track);
                if from.is_none() && outgoing.is_none() {
                    self.notes.push(format!(
                        "A{track} event {} (line {}): a dissolve with nothing before it fades in from silence",
                        event.number, event.line
                    ));
                }
                let from = from.and_then(|k| clips.get_mut(k));
                dissolve(from, incoming.as_mut(), Seconds::ZERO, length);
            }
        }
        if let Some(clip) = incoming {
            clips.push(clip);
        }
    }

    /// The index in `clips` of the clip that plays out under a dissolve into
    /// `event`, adding it when the outgoing line is not simply the clip
    /// before continuing.
    fn outgoing_clip(
        &mut self,
        clips: &mut Vec<CutClip>,
        event: &EventLine,
        outgoing: Option<&EventLine>,
        track: u16,
    ) -> Option<usize> {
        let previous = clips.iter().rposition(|c| c.record_out() == event.rec_in);
        let Some(line) = outgoing else {
            return previous;
        };
        let mut side = self.clip(line, track)?;
        if let Some(k) = previous {
            let before = &clips[k];
            if before.media == side.media && before.source_out() == line.src_out {
                return Some(k);
            }
        }
        side.record_in = event.rec_in;
        side.source_in = line.src_out;
        side.duration = Seconds::ZERO;
        clips.push(side);
        Some(clips.len() - 1)
    }

    /// The clip `event` puts on `track`, or `None` for black.
    fn clip(&mut self, event: &EventLine, track: u16) -> Option<CutClip> {
        if event.is_black() {
            return None;
        }
        let reel =
            (!AUX.iter().any(|a| event.reel.eq_ignore_ascii_case(a))).then(|| event.reel.clone());
        let media = MediaHint {
            path: event.source_file.as_ref().map(PathBuf::from),
            clip_name: event.clip_name.clone(),
            reel,
            start: None,
        };
        let label = format!("event {}", event.number);
        let duration = event.rec_out - event.rec_in;
        let mut mute = false;
        if let Some((line, speed)) = event.speed {
            let nominal = f64::from(self.base.nominal_fps());
            self.unsupported.push(format!(
                "A{track} {label} (line {line}): a speed change to {speed} fps ({:.0}%) is not reproduced; the clip is placed muted",
                speed / nominal * 100.0
            ));
            mute = true;
        } else if event.src_out - event.src_in != duration && !event.is_zero_length() {
            self.unsupported.push(format!(
                "A{track} {label} (line {}): the source runs {} but the record side {}, a speed change that is not reproduced; the clip is placed muted",
                event.line,
                event.src_out - event.src_in,
                duration
            ));
            mute = true;
        }
        Some(CutClip {
            name: media.clip_label(),
            label,
            media,
            source_in: event.src_in,
            record_in: event.rec_in,
            duration,
            fade_in: Seconds::ZERO,
            fade_out: Seconds::ZERO,
            gain_db: self.level(event, track),
            mute,
            channel: channels::channel_of(&event.channels.audio, track),
            pair: match event.channels.audio.as_slice() {
                [a, b] if event.channels.pair => Some([*a, *b]),
                _ => None,
            },
        })
    }

    /// The clip level of `event` on `track` from its audio level comments.
    fn level(&mut self, event: &EventLine, track: u16) -> f32 {
        let levels: Vec<&Level> = event.levels.iter().filter(|l| l.track == track).collect();
        let Some(first) = levels.first() else {
            return 0.0;
        };
        if levels.iter().any(|l| l.db != first.db) {
            self.unsupported.push(format!(
                "A{track} event {} (line {}): level changes inside the event (automation) are not imported; the clip gain is the first level, {} dB",
                event.number, first.line, first.db
            ));
        }
        first.db
    }
}

/// The shot a picture event starts.
fn shot(event: &EventLine) -> Shot {
    let name = if event.is_black() {
        "black".to_string()
    } else {
        event
            .clip_name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| event.reel.clone())
    };
    Shot {
        label: format!("event {}", event.number),
        number: event.number,
        name: name.trim().to_string(),
        record_in: event.picture_in,
    }
}

/// `TITLE: x` with the keyword in any letter case.
fn strip_keyword<'a>(text: &'a str, keyword: &str) -> Option<&'a str> {
    let head = text.get(..keyword.len())?;
    head.eq_ignore_ascii_case(keyword)
        .then(|| &text[keyword.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse24(text: &str) -> Result<Cut, ImportError> {
        parse(text, Path::new("cut.edl"), Some(FrameRate::Fps24))
    }

    #[test]
    fn split_edits_extra_tracks_and_level_automation() {
        let cut = parse24(
            "TITLE: notes\n\
             SPLIT:   AUDIO DELAY=  00:00:00:12\n\
             001  R1  B  C  10:00:00:00 10:00:02:00 01:00:00:00 01:00:02:00\n\
             AUD  3    4\n\
             * AUDIO LEVEL AT 01:00:00:00 IS -6.00 DB  (REEL R1 A3)\n\
             * AUDIO LEVEL AT 01:00:01:00 IS -2.00 DB  (REEL R1 A3)\n\
             FINAL CUT PRO SAYS HELLO\n",
        )
        .unwrap();
        let numbers: Vec<u16> = cut.tracks.iter().map(|t| t.number).collect();
        assert_eq!(
            numbers,
            [1, 3, 4],
            "B is A1 and picture; AUD adds A3 and A4"
        );
        let clip = &cut.tracks[0].clips[0];
        // The audio comes in half a second after the picture.
        assert_eq!(
            clip.record_in,
            Seconds::from_secs(3600) + Seconds::new(1, 2)
        );
        assert_eq!(
            clip.source_in,
            Seconds::from_secs(36_000) + Seconds::new(1, 2)
        );
        assert_eq!(clip.duration, Seconds::new(3, 2));
        assert_eq!(cut.tracks[1].clips[0].gain_db, -6.0);
        assert_eq!(cut.tracks[2].clips[0].gain_db, 0.0);
        assert_eq!(cut.unsupported.len(), 1);
        assert!(cut.unsupported[0].starts_with("A3 event 1 (line 5): level changes"));
        assert_eq!(
            cut.notes,
            ["line 7 not understood and left out: FINAL CUT PRO SAYS HELLO"]
        );
        assert_eq!(cut.start, Seconds::from_secs(3600));
    }

    #[test]
    fn a_short_event_line_names_its_line() {
        let err = parse24("TITLE: x\n\n001  R1  A  C  01:00:00:00 01:00:01:00 01:00:00:00\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("cut.edl:3: expected an event"), "{err}");
    }
}
