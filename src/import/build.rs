//! From a cut to a session: find each clip's media, work out the session's
//! rate and start, place every clip at its record timecode with its source
//! offset taken from the media's BWF timecode, and account for what is
//! offline, unsupported or inconsistent.
//!
//! Conventions, as the man page gives them:
//! - the session starts at the cut's start (an EDL's first record timecode
//!   rounded down to the hour, an OTIO timeline's global start time) unless
//!   a start is given;
//! - a clip's source offset is its source timecode minus the timecode of the
//!   media's first sample (the BWF `bext` time reference; else the start
//!   the cut gives for the media; else 00:00:00:00, the file's start);
//! - track An reads channel n of its source, or the source's last channel
//!   when it has fewer (so a mono file plays on any track); the tracks of a
//!   multichannel event read its source's channels in order, and a stereo
//!   pair event (`A12`) on a two-channel source is one clip on a stereo
//!   track ("A1-2");
//! - with `video_track`, the picture's shot changes become markers;
//! - the sample rate is the media's when all agree, else 48000 Hz;
//! - every track goes to the dialog stem.

use std::collections::{BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

use super::bwf::SourceInfo;
use super::cut::{Cut, CutClip, CutTrack};
use super::find::{Lookup, MediaIndex};
use super::report::{Offline, Report};
use super::time::Seconds;
use super::ImportError;
use crate::model::timecode::Timecode;
use crate::model::validate::{self, Severity, MAX_GAIN_DB};
use crate::model::{
    Clip, Fade, FadeShape, Marker, Output, Session, Source, StemKind, Track, TrackFormat,
};

/// The sample rate of a session whose media do not say otherwise.
pub const DEFAULT_SAMPLE_RATE: u32 = 48_000;
/// The shape of the crossfades that the cut's dissolves become.
pub const DISSOLVE_SHAPE: FadeShape = FadeShape::EqualPower;

/// What the builder needs besides the cut.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The cut file, for messages and for paths relative to it.
    pub cut_path: PathBuf,
    /// Folders holding the media.
    pub media: Vec<PathBuf>,
    /// The session's start timecode, instead of the cut's.
    pub start: Option<String>,
    /// The folder the session file goes into; source paths are written
    /// relative to it.
    pub session_dir: PathBuf,
    /// Mark the picture's shot changes (the cut's video events) as markers,
    /// a reference for spotting edits; also what makes a video-only cut
    /// importable.
    pub video_track: bool,
}

/// One clip of the cut with its media looked up.
struct Placed<'a> {
    track: &'a CutTrack,
    clip: &'a CutClip,
    lookup: Lookup,
    info: Option<Result<SourceInfo, String>>,
}

impl Placed<'_> {
    /// "A1 event 7".
    fn label(&self) -> String {
        format!("{} {}", self.track.name, self.clip.label)
    }

    fn info(&self) -> Option<&SourceInfo> {
        self.info.as_ref().and_then(|i| i.as_ref().ok())
    }

    /// The stereo pair this clip's event is, when its source is stereo:
    /// then the pair's first track carries it as one stereo clip.
    fn stereo_pair(&self) -> Option<[u16; 2]> {
        self.clip
            .pair
            .filter(|_| self.info().is_some_and(|i| i.channels == 2))
    }

    /// The path the session's source points to.
    fn path(&self) -> &Path {
        self.lookup
            .found
            .as_deref()
            .unwrap_or(&self.lookup.expected)
    }
}

/// Build the session for `cut`, with the report of what needs attention.
pub fn build(cut: &Cut, options: &BuildOptions) -> Result<(Session, Report), ImportError> {
    if cut.tracks.is_empty() && cut.video.is_empty() {
        return Err(ImportError::Cut {
            path: options.cut_path.clone(),
            message: format!(
                "{} has no audio and no video: nothing to import",
                cut.format.speaker()
            ),
        });
    }
    if cut.tracks.is_empty() && !options.video_track {
        return Err(ImportError::Cut {
            path: options.cut_path.clone(),
            message: format!(
                "{} has only video events ({}): importing sound needs the audio EDL (or an AAF) \
                 from the picture editor; --video-track imports these as markers of the shot changes",
                cut.format.speaker(),
                cut.video.len()
            ),
        });
    }
    let index = MediaIndex::new(&options.media)?;
    let cut_dir = options
        .cut_path
        .parent()
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let placed: Vec<Placed> = cut
        .tracks
        .iter()
        .flat_map(|track| track.clips.iter().map(move |clip| (track, clip)))
        .map(|(track, clip)| {
            let lookup = index.find(&clip.media, clip.source_in, &cut_dir);
            let info = lookup.found.as_deref().map(|p| index.info(p));
            Placed {
                track,
                clip,
                lookup,
                info,
            }
        })
        .collect();

    let mut report = Report {
        unsupported: cut.unsupported.clone(),
        notes: cut.notes.clone(),
        ..Report::default()
    };
    let sample_rate = sample_rate(&placed, &mut report);
    let (start_tc, start) = session_start(cut, options, &placed, &mut report)?;

    let mut session = Session::new(&session_name(cut, options), sample_rate, cut.rate);
    session.timecode.start = start_tc.to_string();
    let ids = sources(&placed, &options.session_dir, &mut session);
    offline_report(&placed, &mut report);
    media_report(cut, &placed, &mut report);

    let mut builder = ClipBuilder {
        cut,
        sample_rate,
        start,
        report: &mut report,
    };
    for track in &cut.tracks {
        let on_track: Vec<&Placed> = placed
            .iter()
            .filter(|p| std::ptr::eq(p.track, track))
            .collect();
        let mono: Vec<Clip> = on_track
            .iter()
            .filter(|p| p.stereo_pair().is_none())
            .filter_map(|p| builder.clip(p, ids.get(p.path())?))
            .collect();
        // Stereo pair events that start on this track: one stereo clip each.
        let stereo: Vec<Clip> = on_track
            .iter()
            .filter(|p| p.stereo_pair().is_some_and(|[a, _]| a == track.number))
            .filter_map(|p| builder.clip(p, ids.get(p.path())?))
            .collect();
        if !mono.is_empty() || on_track.iter().all(|p| p.stereo_pair().is_none()) {
            session
                .tracks
                .push(cut_track(track.name.clone(), track.mute, mono));
        }
        if !stereo.is_empty() {
            let name = format!("{}-{}", track.name, track.number.saturating_add(1));
            // The clips read channels 1 and 2 (channel 0 is the pair's first).
            let mut pair = cut_track(name, track.mute, stereo);
            pair.format = TrackFormat::Stereo;
            session.tracks.push(pair);
        }
    }
    let mut counts = String::new();
    if options.video_track {
        session.markers = shot_markers(cut, start, sample_rate, &mut report);
        counts += &format!(", {} shot marker(s)", session.markers.len());
    }
    if !cut.locators.is_empty() {
        let locators = locator_markers(cut, start, sample_rate, &mut report);
        counts += &format!(", {} locator(s)", locators.len());
        session.markers = merge_markers(std::mem::take(&mut session.markers), locators);
    }
    check(&session, options, &mut report)?;
    report.summary = summary(&session, &report) + &counts;
    Ok((session, report))
}

/// A mono track of the cut, to the dialog stem.
fn cut_track(name: String, mute: bool, clips: Vec<Clip>) -> Track {
    Track {
        name,
        format: TrackFormat::Mono,
        output: Output::Stem(StemKind::DX),
        fader_db: 0.0,
        pan: 0.0,
        mute,
        clips,
        ..Default::default()
    }
}

/// A marker at every shot change of the picture, named "V 12 A001C003" (the
/// event number and the clip or reel), for spotting edits; one marker per
/// position.
fn shot_markers(cut: &Cut, start: Seconds, sample_rate: u32, report: &mut Report) -> Vec<Marker> {
    let mut markers: Vec<Marker> = Vec::new();
    let mut early = Vec::new();
    for shot in &cut.video {
        let Ok(position) = u64::try_from((shot.record_in - start).to_samples(sample_rate)) else {
            early.push(shot.label.clone());
            continue;
        };
        if markers.last().is_some_and(|m| m.position == position) {
            continue;
        }
        markers.push(Marker {
            name: format!("V {} {}", shot.number, shot.name)
                .trim_end()
                .to_string(),
            position,
        });
    }
    if !early.is_empty() {
        report.notes.push(format!(
            "the shot changes at {} are before the session start; they have no marker",
            early.join(", ")
        ));
    }
    if cut.video.is_empty() {
        report.notes.push(format!(
            "--video-track: {} has no video events; there are no shot markers",
            cut.format.speaker()
        ));
    }
    markers
}

/// A marker at each of the editor's locators, named by its text.
fn locator_markers(
    cut: &Cut,
    start: Seconds,
    sample_rate: u32,
    report: &mut Report,
) -> Vec<Marker> {
    let mut markers = Vec::new();
    for locator in &cut.locators {
        match u64::try_from((locator.at - start).to_samples(sample_rate)) {
            Ok(position) => markers.push(Marker {
                name: locator.name.clone(),
                position,
            }),
            Err(_) => report.notes.push(format!(
                "line {}: the locator \"{}\" is before the session start; it has no marker",
                locator.line, locator.name
            )),
        }
    }
    markers
}

/// Shot and locator markers in time order, one per position (names that
/// fall on one position are joined: "V 4 ZZ100_504C / ANIM FIX NEEDED (red)").
fn merge_markers(shots: Vec<Marker>, locators: Vec<Marker>) -> Vec<Marker> {
    let mut all: Vec<Marker> = shots.into_iter().chain(locators).collect();
    all.sort_by_key(|m| m.position);
    let mut merged: Vec<Marker> = Vec::with_capacity(all.len());
    for marker in all {
        match merged.last_mut() {
            Some(last) if last.position == marker.position => {
                last.name = format!("{} / {}", last.name, marker.name);
            }
            _ => merged.push(marker),
        }
    }
    merged
}

/// The media's sample rate when every file found agrees (and a session can
/// run at it), else 48 kHz.
fn sample_rate(placed: &[Placed], report: &mut Report) -> u32 {
    let rates: BTreeSet<u32> = placed
        .iter()
        .filter_map(|p| p.info())
        .map(|i| i.sample_rate)
        .filter(|r| (8_000..=384_000).contains(r))
        .collect();
    match rates.len() {
        0 => DEFAULT_SAMPLE_RATE,
        1 => rates.into_iter().next().unwrap_or(DEFAULT_SAMPLE_RATE),
        _ => {
            let list: Vec<String> = rates.iter().map(u32::to_string).collect();
            report.notes.push(format!(
                "the media are at {} Hz: the session runs at {DEFAULT_SAMPLE_RATE} Hz and the others are converted",
                list.join(", ")
            ));
            DEFAULT_SAMPLE_RATE
        }
    }
}

/// The session's start timecode and its time of day.
fn session_start(
    cut: &Cut,
    options: &BuildOptions,
    placed: &[Placed],
    report: &mut Report,
) -> Result<(Timecode, Seconds), ImportError> {
    let error = |message: String| ImportError::Cut {
        path: options.cut_path.clone(),
        message,
    };
    let tc = match &options.start {
        Some(text) => {
            Timecode::parse(text, cut.rate).map_err(|e| error(format!("--start: {e}")))?
        }
        None => {
            if !cut.start.is_on_frame(cut.rate) {
                report.notes.push(format!(
                    "the cut starts between two frames; the session starts at the frame before, {}",
                    cut.start.timecode(cut.rate)
                ));
            }
            cut.start.timecode(cut.rate)
        }
    };
    let start = Seconds::from_timecode(&tc, cut.rate);
    if let Some(first) = placed.iter().min_by_key(|p| p.clip.record_in) {
        if first.clip.record_in < start {
            return Err(error(format!(
                "{} starts at {}, before the session start {tc}: give an earlier --start",
                first.label(),
                first.clip.record_in.timecode(cut.rate)
            )));
        }
    }
    Ok((tc, start))
}

fn session_name(cut: &Cut, options: &BuildOptions) -> String {
    if cut.title.trim().is_empty() {
        options
            .cut_path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        cut.title.trim().to_string()
    }
}

/// Add one source per file (found or expected) and give back their ids by path.
fn sources(
    placed: &[Placed],
    session_dir: &Path,
    session: &mut Session,
) -> HashMap<PathBuf, String> {
    let mut ids: HashMap<PathBuf, String> = HashMap::new();
    for p in placed {
        let path = p.path();
        if ids.contains_key(path) {
            continue;
        }
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "source".into());
        let mut id = stem.clone();
        let mut n = 1;
        while session.sources.iter().any(|s| s.id == id) {
            n += 1;
            id = format!("{stem}-{n}");
        }
        session.sources.push(Source {
            id: id.clone(),
            path: relative_to(session_dir, path),
        });
        ids.insert(path.to_path_buf(), id);
    }
    ids
}

/// List every source not found, once, with all the clips that use it.
fn offline_report(placed: &[Placed], report: &mut Report) {
    for p in placed.iter().filter(|p| p.lookup.found.is_none()) {
        match report
            .offline
            .iter_mut()
            .find(|o| o.expected == p.lookup.expected)
        {
            Some(o) => {
                for name in p.clip.media.names() {
                    if !o.names.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
                        o.names.push(name);
                    }
                }
                o.clips.push(p.label());
            }
            None => report.offline.push(Offline {
                expected: p.lookup.expected.clone(),
                names: p.clip.media.names(),
                clips: vec![p.label()],
            }),
        }
    }
}

/// Report files found but unreadable, uncertain matches and recorders that
/// ran at another timecode rate than the cut.
fn media_report(cut: &Cut, placed: &[Placed], report: &mut Report) {
    let mut told: BTreeSet<PathBuf> = BTreeSet::new();
    for p in placed {
        let Some(found) = &p.lookup.found else {
            continue;
        };
        if !p.lookup.also.is_empty() {
            let others: Vec<String> = p
                .lookup
                .also
                .iter()
                .map(|a| a.display().to_string())
                .collect();
            report.notes.push(format!(
                "{}: several files match; took {} over {}",
                p.label(),
                found.display(),
                others.join(", ")
            ));
        }
        if !told.insert(found.clone()) {
            continue;
        }
        match &p.info {
            Some(Err(why)) => report.notes.push(format!(
                "{}: the file is there but cannot be read: {why}",
                p.label()
            )),
            Some(Ok(info)) => {
                if let Some(rate) = info.ixml.as_ref().and_then(|x| x.rate) {
                    if rate != cut.rate {
                        report.disagreements.push(format!(
                            "{} was recorded with {rate} fps timecode but the cut runs at {} fps: its source timecodes may not line up",
                            media_label(found, Some(info)),
                            cut.rate
                        ));
                    }
                }
            }
            None => {}
        }
    }
}

/// Turns the cut's clips into session clips.
struct ClipBuilder<'a> {
    cut: &'a Cut,
    sample_rate: u32,
    /// The session start as a time of day.
    start: Seconds,
    report: &'a mut Report,
}

impl ClipBuilder<'_> {
    /// Samples from the session start to the record time `at`.
    fn samples(&self, at: Seconds) -> u64 {
        u64::try_from((at - self.start).to_samples(self.sample_rate)).unwrap_or(0)
    }

    fn clip(&mut self, p: &Placed, source: &str) -> Option<Clip> {
        let c = p.clip;
        let position = self.samples(c.record_in);
        let end = self.samples(c.record_out());
        if end <= position {
            self.report
                .notes
                .push(format!("{}: shorter than one sample; left out", p.label()));
            return None;
        }
        let length = end - position;
        let fade_in = self.samples(c.record_in + c.fade_in).min(end) - position;
        let fade_out = end - self.samples(c.record_out() - c.fade_out).max(position);
        let (fade_in, fade_out) = self.fit_fades(p, length, fade_in, fade_out);
        if let Some(info) = p.info().filter(|i| i.channels > 1) {
            if usize::from(c.channel) >= info.channels {
                self.report.notes.push(format!(
                    "{}: reads channel {} but {} has {}; it plays the file's last channel",
                    p.label(),
                    c.channel + 1,
                    media_label(p.path(), Some(info)),
                    info.channels
                ));
            }
        }
        Some(Clip {
            name: c.name.clone(),
            source: source.to_string(),
            channel: c.channel,
            source_offset: self.source_offset(p),
            position,
            length,
            gain_db: self.gain(p),
            fade_in: Fade {
                length: fade_in,
                shape: DISSOLVE_SHAPE,
            },
            fade_out: Fade {
                length: fade_out,
                shape: DISSOLVE_SHAPE,
            },
            dips: Vec::new(),
            mute: c.mute,
            looped: None,
        })
    }

    /// Fades that together do not exceed the clip (a clip shorter than the
    /// dissolves at its two ends).
    fn fit_fades(&mut self, p: &Placed, length: u64, fade_in: u64, fade_out: u64) -> (u64, u64) {
        if fade_in + fade_out <= length {
            return (fade_in, fade_out);
        }
        self.report.notes.push(format!(
            "{}: the dissolves at its two ends are longer than the clip; they are shortened to meet in the middle",
            p.label()
        ));
        let fade_in = fade_in.min(length / 2);
        (fade_in, (length - fade_in).min(fade_out))
    }

    fn gain(&mut self, p: &Placed) -> f32 {
        let gain = p.clip.gain_db;
        if gain > MAX_GAIN_DB {
            self.report.notes.push(format!(
                "{}: a level of {gain} dB is above the +{MAX_GAIN_DB} dB a clip takes; set to +{MAX_GAIN_DB} dB",
                p.label()
            ));
            return MAX_GAIN_DB;
        }
        if gain.is_finite() {
            gain
        } else {
            0.0
        }
    }

    /// The first source sample, from the source timecode and the media's
    /// start; a disagreement with the media is reported.
    fn source_offset(&mut self, p: &Placed) -> u64 {
        let c = p.clip;
        let rate = self.cut.rate;
        let bwf = p.info().and_then(SourceInfo::start);
        let (media_start, origin) = match (bwf, c.media.start) {
            (Some(start), _) => (start, "starts at"),
            (None, Some(start)) => (start, "starts (according to the cut) at"),
            (None, None) => (Seconds::ZERO, "has no BWF timecode (read from 00:00:00:00)"),
        };
        if let (Some(file), Some(cut_says)) = (bwf, c.media.start) {
            if file != cut_says {
                self.report.disagreements.push(format!(
                    "{}: {} has {} starting at {} but its BWF timecode says {}; the BWF timecode is used",
                    p.label(),
                    self.cut.format.speaker(),
                    media_label(p.path(), p.info()),
                    cut_says.timecode(rate),
                    file.timecode(rate)
                ));
            }
        }
        if let Some(info) = p.info() {
            let known_length = info.frames > 0;
            let media_end = media_start + info.duration();
            if c.source_in < media_start || (known_length && c.source_out() > media_end) {
                let start_text = if bwf.is_some() || c.media.start.is_some() {
                    format!("{origin} {}", media_start.timecode(rate))
                } else {
                    origin.to_string()
                };
                // Before the file: the in point is what is wrong; past it: the span.
                let span = if c.source_in < media_start {
                    c.source_in.timecode(rate).to_string()
                } else {
                    format!(
                        "{} to {}",
                        c.source_in.timecode(rate),
                        c.source_out().timecode(rate)
                    )
                };
                self.report.disagreements.push(format!(
                    "{}: {} says source TC {span} but {} {start_text} and is only {} long",
                    p.label(),
                    self.cut.format.speaker(),
                    media_label(p.path(), p.info()),
                    info.duration()
                ));
            }
        }
        let offset = (c.source_in - media_start).to_samples(self.sample_rate);
        u64::try_from(offset).unwrap_or(0)
    }
}

/// Check the session as a load would; report its warnings by clip label.
fn check(
    session: &Session,
    options: &BuildOptions,
    report: &mut Report,
) -> Result<(), ImportError> {
    let mut errors = Vec::new();
    for problem in validate::check(session) {
        let text = format!(
            "{}: {}",
            readable_path(session, &problem.path),
            problem.message
        );
        match problem.severity {
            Severity::Error => errors.push(text),
            Severity::Warning => report.notes.push(text),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ImportError::Cut {
            path: options.cut_path.clone(),
            message: format!(
                "the session built from it is not valid: {}",
                errors.join("; ")
            ),
        })
    }
}

/// `tracks[0].clips[3]` as "A1/clip name".
fn readable_path(session: &Session, path: &str) -> String {
    let index = |key: &str| -> Option<usize> {
        let at = path.find(key)? + key.len();
        path[at..].split(']').next()?.parse().ok()
    };
    let Some(track) = index("tracks[").and_then(|t| session.tracks.get(t)) else {
        return path.to_string();
    };
    match index("clips[").and_then(|k| track.clips.get(k)) {
        Some(clip) => format!("{}/{}", track.name, clip.display_name()),
        None => track.name.clone(),
    }
}

fn summary(session: &Session, report: &Report) -> String {
    let clips: usize = session.tracks.iter().map(|t| t.clips.len()).sum();
    let names: Vec<&str> = session.tracks.iter().map(|t| t.name.as_str()).collect();
    let offline: usize = report.offline.len();
    let content = if session.tracks.is_empty() {
        "no tracks (a video-only cut)".to_string()
    } else {
        format!(
            "{clips} clip(s) on {} track(s) ({}) from {} source(s){}",
            session.tracks.len(),
            names.join(", "),
            session.sources.len(),
            if offline > 0 {
                format!(" ({offline} not found)")
            } else {
                String::new()
            }
        )
    };
    format!(
        "{content}, {} Hz, {} fps from {}",
        session.sample_rate, session.timecode.rate, session.timecode.start
    )
}

/// A source file for people: its name, with the scene and take its iXML
/// gives ("boom_t3.wav (scene 12, take 3)").
fn media_label(path: &Path, info: Option<&SourceInfo>) -> String {
    let name = file_name(path);
    let ixml = info.and_then(|i| i.ixml.as_ref());
    let scene_take: Vec<String> = [
        ("scene", ixml.and_then(|x| x.scene.as_ref())),
        ("take", ixml.and_then(|x| x.take.as_ref())),
    ]
    .into_iter()
    .filter_map(|(what, value)| value.map(|v| format!("{what} {v}")))
    .collect();
    if scene_take.is_empty() {
        name
    } else {
        format!("{name} ({})", scene_take.join(", "))
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// `path` as the session file in `dir` should refer to it: relative when
/// both are plain paths, with `..` where needed, else absolute.
pub fn relative_to(dir: &Path, path: &Path) -> PathBuf {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (dir, path) = (absolute(dir), absolute(path));
    let plain = |p: &Path| !p.components().any(|c| matches!(c, Component::ParentDir));
    if !plain(&dir) || !plain(&path) {
        return path;
    }
    let common = dir
        .components()
        .zip(path.components())
        .take_while(|(a, b)| a == b)
        .count();
    if common <= 1 {
        return path; // only the root in common
    }
    let ups = dir.components().count() - common;
    let mut relative: PathBuf = std::iter::repeat_n(Component::ParentDir, ups).collect();
    relative.extend(path.components().skip(common));
    relative
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_paths_are_written_relative_to_the_session() {
        assert_eq!(
            relative_to(Path::new("/a/b"), Path::new("/a/b/media/x.wav")),
            PathBuf::from("media/x.wav")
        );
        assert_eq!(
            relative_to(Path::new("/a/b/out"), Path::new("/a/media/x.wav")),
            PathBuf::from("../../media/x.wav")
        );
        assert_eq!(
            relative_to(Path::new("/a"), Path::new("/z/x.wav")),
            PathBuf::from("/z/x.wav")
        );
    }
}
