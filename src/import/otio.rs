//! OpenTimelineIO JSON (`.otio`).
//!
//! Read: a `Timeline` (its `name` and `global_start_time`), its `Stack` of
//! `Track`s, of which those of kind `Audio` (video tracks are skipped); in a
//! track, `Clip`s (`source_range`, and `media_reference` or, in `Clip.2`,
//! the active one of `media_references`: an `ExternalReference`'s
//! `target_url`, plain or `file://`, and `available_range`, or a
//! `MissingReference`), `Gap`s and `Transition`s (`SMPTE_Dissolve` with
//! `in_offset` and `out_offset`). Times are `RationalTime`s at any rate,
//! converted exactly. `enabled: false` mutes a clip or a track;
//! `LinearTimeWarp` and `FreezeFrame` effects are reported as unsupported.
//! OTIO has no standard clip level, so clip gains stay at 0 dB. The first
//! `Video` track gives the cut's shots: where each of its items starts.
//!
//! Errors name the JSON path:
//! `cut.otio: tracks.children[1].children[3].source_range: missing field "duration"`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::cut::{dissolve, Cut, CutClip, CutFormat, CutTrack, MediaHint, Shot};
use super::time::{frame_rate_of, Seconds};
use super::ImportError;
use crate::model::timecode::FrameRate;

/// The session timecode rate when the timeline has none of its own.
const FALLBACK_RATE: FrameRate = FrameRate::Fps24;

/// A `TimeRange`: start and duration.
type Range = (Seconds, Seconds);

/// A JSON value and the path that leads to it.
#[derive(Clone, Copy)]
struct Node<'a> {
    value: &'a Value,
    path: &'a str,
}

/// Errors, tied to the file being read.
struct Context<'a> {
    file: &'a Path,
}

impl Context<'_> {
    fn error(&self, path: &str, message: impl Into<String>) -> ImportError {
        ImportError::Otio {
            path: self.file.to_path_buf(),
            at: if path.is_empty() {
                "timeline".into()
            } else {
                path.to_string()
            },
            message: message.into(),
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Parse the OTIO JSON `text` read from `path`. `rate` sets the session's
/// timecode rate (otherwise the timeline's own, when it is one).
pub fn parse(text: &str, path: &Path, rate: Option<FrameRate>) -> Result<Cut, ImportError> {
    let root: Value = serde_json::from_str(text).map_err(|e| ImportError::Json {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let cx = Context { file: path };
    let timeline = Node {
        value: &root,
        path: "",
    };
    expect_schema(&cx, timeline, "Timeline")?;
    let mut reader = Reader {
        cx,
        unsupported: Vec::new(),
        notes: Vec::new(),
        rates: Vec::new(),
    };
    let start_path = "global_start_time";
    let start = match optional(timeline, "global_start_time") {
        Some(v) => reader.time(Node {
            value: v,
            path: start_path,
        })?,
        None => Seconds::ZERO,
    };
    let stack_path = "tracks".to_string();
    let stack = Node {
        value: field(&reader.cx, timeline, "tracks")?,
        path: &stack_path,
    };
    expect_schema(&reader.cx, stack, "Stack")?;
    let children_path = join(&stack_path, "children");
    let children = array(&reader.cx, stack, "children")?;
    let mut tracks = Vec::new();
    let mut first_video = None;
    let paths: Vec<String> = (0..children.len())
        .map(|i| format!("{children_path}[{i}]"))
        .collect();
    for (child, track_path) in children.iter().zip(&paths) {
        let node = Node {
            value: child,
            path: track_path,
        };
        expect_schema(&reader.cx, node, "Track")?;
        let kind = string(&reader.cx, node, "kind")?;
        if kind != "Audio" {
            if kind == "Video" && first_video.is_none() {
                first_video = Some(node);
            }
            continue;
        }
        let number = u16::try_from(tracks.len() + 1).unwrap_or(u16::MAX);
        tracks.push(reader.track(node, number, start)?);
    }
    // After the audio, so that the session rate is the audio's first.
    let video = first_video.map_or_else(Vec::new, |v| reader.shots(v, start));
    let rate = reader.session_rate(rate);
    Ok(Cut {
        format: CutFormat::Otio,
        title: optional(timeline, "name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        rate,
        start,
        tracks,
        video,
        locators: Vec::new(),
        unsupported: reader.unsupported,
        notes: reader.notes,
    })
}

/// A field that must be there (null counts as missing).
fn field<'a>(cx: &Context, node: Node<'a>, key: &str) -> Result<&'a Value, ImportError> {
    optional(node, key).ok_or_else(|| cx.error(node.path, format!("missing field \"{key}\"")))
}

/// A field that may be missing or null.
fn optional<'a>(node: Node<'a>, key: &str) -> Option<&'a Value> {
    node.value.get(key).filter(|v| !v.is_null())
}

fn array<'a>(cx: &Context, node: Node<'a>, key: &str) -> Result<&'a Vec<Value>, ImportError> {
    field(cx, node, key)?
        .as_array()
        .ok_or_else(|| cx.error(&join(node.path, key), "expected a list"))
}

fn string<'a>(cx: &Context, node: Node<'a>, key: &str) -> Result<&'a str, ImportError> {
    field(cx, node, key)?
        .as_str()
        .ok_or_else(|| cx.error(&join(node.path, key), "expected a string"))
}

/// The schema name of an object, without its version: `Clip` for `Clip.2`.
fn schema<'a>(cx: &Context, node: Node<'a>) -> Result<&'a str, ImportError> {
    if !node.value.is_object() {
        return Err(cx.error(node.path, "expected an object"));
    }
    let full = string(cx, node, "OTIO_SCHEMA")?;
    Ok(full.split('.').next().unwrap_or(full))
}

fn expect_schema(cx: &Context, node: Node, name: &str) -> Result<(), ImportError> {
    let found = schema(cx, node)?;
    if found == name {
        Ok(())
    } else {
        Err(cx.error(
            node.path,
            format!("expected a {name}, found OTIO_SCHEMA \"{found}\""),
        ))
    }
}

/// One pass over the timeline.
struct Reader<'a> {
    cx: Context<'a>,
    unsupported: Vec<String>,
    notes: Vec<String>,
    /// Frame rates met in the timeline's times, in order.
    rates: Vec<f64>,
}

/// A transition waiting for the item after it.
struct Pending {
    before: Seconds,
    after: Seconds,
    /// The clip before the transition, by index, when it was a clip.
    outgoing: Option<usize>,
}

impl Reader<'_> {
    /// A `RationalTime` as exact seconds.
    fn time(&mut self, node: Node) -> Result<Seconds, ImportError> {
        let number = |key: &str| -> Result<f64, ImportError> {
            field(&self.cx, node, key)?
                .as_f64()
                .ok_or_else(|| self.cx.error(&join(node.path, key), "expected a number"))
        };
        let (value, rate) = (number("value")?, number("rate")?);
        let seconds = Seconds::from_rational_time(value, rate).ok_or_else(|| {
            self.cx.error(
                node.path,
                format!("{value} at rate {rate} is not a time: the rate must be positive and both finite"),
            )
        })?;
        self.rates.push(rate);
        Ok(seconds)
    }

    /// A `TimeRange` as (start, duration).
    fn range(&mut self, node: Node) -> Result<Range, ImportError> {
        let start_path = join(node.path, "start_time");
        let duration_path = join(node.path, "duration");
        let start = self.time(Node {
            value: field(&self.cx, node, "start_time")?,
            path: &start_path,
        })?;
        let duration = self.time(Node {
            value: field(&self.cx, node, "duration")?,
            path: &duration_path,
        })?;
        if duration.is_negative() {
            return Err(self
                .cx
                .error(&duration_path, "a duration cannot be negative"));
        }
        Ok((start, duration))
    }

    /// The range in `key` of `node`, when present.
    fn range_at(&mut self, node: Node, key: &str) -> Result<Option<Range>, ImportError> {
        let path = join(node.path, key);
        match optional(node, key) {
            Some(value) => self.range(Node { value, path: &path }).map(Some),
            None => Ok(None),
        }
    }

    /// The session timecode rate: as asked, else the first frame rate in the
    /// timeline's times that a session can use.
    fn session_rate(&mut self, asked: Option<FrameRate>) -> FrameRate {
        let own = self.rates.iter().find_map(|&r| frame_rate_of(r));
        match (asked, own) {
            (Some(asked), Some(own)) if asked.rate() != own.rate() => {
                self.notes.push(format!(
                    "the timeline runs at {own} fps; the session shows {asked} fps timecode as asked"
                ));
                asked
            }
            (Some(asked), _) => asked,
            (None, Some(own)) => own,
            (None, None) => {
                self.notes.push(format!(
                    "the timeline has no frame rate a session can use; its timecode is shown at {FALLBACK_RATE} fps (give --rate to choose)"
                ));
                FALLBACK_RATE
            }
        }
    }

    /// An audio track: its clips placed from `start`, with its dissolves.
    fn track(&mut self, node: Node, number: u16, start: Seconds) -> Result<CutTrack, ImportError> {
        let name = format!("A{number}");
        let children_path = join(node.path, "children");
        let children = array(&self.cx, node, "children")?;
        let mut clips: Vec<CutClip> = Vec::new();
        let mut at = start;
        let mut pending: Option<Pending> = None;
        let mut previous_clip: Option<usize> = None;
        for (i, child) in children.iter().enumerate() {
            let path = format!("{children_path}[{i}]");
            let item = Node {
                value: child,
                path: &path,
            };
            match schema(&self.cx, item)? {
                "Transition" => {
                    pending = Some(self.transition(item, &name, previous_clip)?);
                    continue;
                }
                "Clip" => {
                    let mut clip = self.clip(item, &name, i, at)?;
                    // Track An reads channel n of its source.
                    clip.channel = number.saturating_sub(1);
                    at = at + clip.duration;
                    if let Some(t) = pending.take() {
                        let outgoing = t.outgoing.and_then(|k| clips.get_mut(k));
                        dissolve(outgoing, Some(&mut clip), t.before, t.after);
                    }
                    clips.push(clip);
                    previous_clip = Some(clips.len() - 1);
                }
                "Gap" => {
                    at = at + self.gap(item)?;
                    self.close(&mut pending, &mut clips);
                    previous_clip = None;
                }
                "Stack" | "Track" => {
                    at = at + self.nested(item, &name)?;
                    self.close(&mut pending, &mut clips);
                    previous_clip = None;
                }
                other => {
                    return Err(self.cx.error(
                        &path,
                        format!("\"{other}\" is not an item of a track: expected a Clip, Gap, Transition, Stack or Track"),
                    ))
                }
            }
        }
        self.close(&mut pending, &mut clips);
        let enabled = optional(node, "enabled")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        Ok(CutTrack {
            number,
            name,
            mute: !enabled,
            clips,
        })
    }

    /// The shots of a video track: where each of its items starts. A track
    /// that cannot be read gives none, with a note (it is only a reference).
    fn shots(&mut self, node: Node, start: Seconds) -> Vec<Shot> {
        match self.read_shots(node, start) {
            Ok(shots) => shots,
            Err(e) => {
                self.notes
                    .push(format!("the video track is not read for shot markers: {e}"));
                Vec::new()
            }
        }
    }

    fn read_shots(&mut self, node: Node, start: Seconds) -> Result<Vec<Shot>, ImportError> {
        let children_path = join(node.path, "children");
        let mut shots = Vec::new();
        let mut at = start;
        for (i, child) in array(&self.cx, node, "children")?.iter().enumerate() {
            let path = format!("{children_path}[{i}]");
            let item = Node {
                value: child,
                path: &path,
            };
            let kind = schema(&self.cx, item)?;
            let length = match kind {
                "Transition" => continue,
                "Gap" => {
                    at = at + self.gap(item)?;
                    continue;
                }
                "Clip" => match self.range_at(item, "source_range")? {
                    Some((_, duration)) => duration,
                    None => match self.media(item)?.1 {
                        Some((_, duration)) => duration,
                        None => return Err(self.cx.error(&path, "missing field \"source_range\"")),
                    },
                },
                "Stack" | "Track" => match self.range_at(item, "source_range")? {
                    Some((_, duration)) => duration,
                    None => self.natural_length(item)?,
                },
                other => {
                    return Err(self
                        .cx
                        .error(&path, format!("\"{other}\" is not an item of a track")))
                }
            };
            let number = u32::try_from(shots.len() + 1).unwrap_or(u32::MAX);
            shots.push(Shot {
                label: format!("shot {number}"),
                number,
                name: optional(item, "name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
                record_in: at,
            });
            at = at + length;
        }
        Ok(shots)
    }

    /// A transition with nothing after it: the clip before fades out.
    fn close(&mut self, pending: &mut Option<Pending>, clips: &mut [CutClip]) {
        if let Some(t) = pending.take() {
            let outgoing = t.outgoing.and_then(|k| clips.get_mut(k));
            dissolve(outgoing, None, t.before, t.after);
        }
    }

    fn transition(
        &mut self,
        node: Node,
        track: &str,
        outgoing: Option<usize>,
    ) -> Result<Pending, ImportError> {
        let in_path = join(node.path, "in_offset");
        let out_path = join(node.path, "out_offset");
        let before = self.time(Node {
            value: field(&self.cx, node, "in_offset")?,
            path: &in_path,
        })?;
        let after = self.time(Node {
            value: field(&self.cx, node, "out_offset")?,
            path: &out_path,
        })?;
        if before.is_negative() || after.is_negative() {
            return Err(self
                .cx
                .error(node.path, "a transition's offsets cannot be negative"));
        }
        let kind = optional(node, "transition_type")
            .and_then(Value::as_str)
            .unwrap_or("");
        if kind != "SMPTE_Dissolve" {
            self.unsupported.push(format!(
                "{track} transition at {}: \"{kind}\" is read as a dissolve (a crossfade)",
                node.path
            ));
        }
        Ok(Pending {
            before,
            after,
            outgoing,
        })
    }

    fn gap(&mut self, node: Node) -> Result<Seconds, ImportError> {
        if let Some((_, duration)) = self.range_at(node, "source_range")? {
            return Ok(duration);
        }
        // Older files give a gap's length as a plain duration.
        let path = join(node.path, "duration");
        match optional(node, "duration") {
            Some(value) => self.time(Node { value, path: &path }),
            None => Err(self.cx.error(node.path, "missing field \"source_range\"")),
        }
    }

    /// A nested stack or track (a compound clip): left out, as a gap of its length.
    fn nested(&mut self, node: Node, track: &str) -> Result<Seconds, ImportError> {
        let length = match self.range_at(node, "source_range")? {
            Some((_, duration)) => duration,
            None => self.natural_length(node)?,
        };
        self.unsupported.push(format!(
            "{track} {}: a nested composition (compound clip) is not imported; it is left as {length} of silence",
            node.path
        ));
        Ok(length)
    }

    /// The length of a stack (its longest child) or track (its items in a row).
    fn natural_length(&mut self, node: Node) -> Result<Seconds, ImportError> {
        let is_stack = schema(&self.cx, node)? == "Stack";
        let children_path = join(node.path, "children");
        let mut total = Seconds::ZERO;
        for (i, child) in array(&self.cx, node, "children")?.iter().enumerate() {
            let path = format!("{children_path}[{i}]");
            let item = Node {
                value: child,
                path: &path,
            };
            let length = match schema(&self.cx, item)? {
                "Transition" => Seconds::ZERO,
                "Stack" | "Track" => match self.range_at(item, "source_range")? {
                    Some((_, d)) => d,
                    None => self.natural_length(item)?,
                },
                _ => self
                    .range_at(item, "source_range")?
                    .map_or(Seconds::ZERO, |(_, d)| d),
            };
            total = if is_stack {
                total.max(length)
            } else {
                total + length
            };
        }
        Ok(total)
    }

    /// A clip placed at `at` on the track.
    fn clip(
        &mut self,
        node: Node,
        track: &str,
        index: usize,
        at: Seconds,
    ) -> Result<CutClip, ImportError> {
        let name = optional(node, "name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let label = if name.is_empty() {
            format!("clip (children[{index}])")
        } else {
            format!("clip \"{name}\" (children[{index}])")
        };
        let (media, available) = self.media(node)?;
        let (source_in, duration) = match (self.range_at(node, "source_range")?, available) {
            (Some(range), _) => range,
            (None, Some(range)) => range,
            (None, None) => return Err(self.cx.error(node.path, "missing field \"source_range\"")),
        };
        let enabled = optional(node, "enabled")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let mute = !enabled || self.speed_effects(node, &format!("{track} {label}"))?;
        let media = MediaHint {
            clip_name: media
                .clip_name
                .or_else(|| (!name.is_empty()).then(|| name.clone())),
            start: available.map(|(start, _)| start),
            ..media
        };
        Ok(CutClip {
            label,
            name: if name.is_empty() {
                media.clip_label()
            } else {
                name
            },
            media,
            source_in,
            record_in: at,
            duration,
            fade_in: Seconds::ZERO,
            fade_out: Seconds::ZERO,
            gain_db: 0.0,
            mute,
            channel: 0,
            pair: None,
        })
    }

    /// The clip's active media reference: what it says about the file, and
    /// the media's available range.
    fn media(&mut self, clip: Node) -> Result<(MediaHint, Option<Range>), ImportError> {
        let (value, path) = if let Some(refs) = optional(clip, "media_references") {
            let key = optional(clip, "active_media_reference_key")
                .and_then(Value::as_str)
                .unwrap_or("DEFAULT_MEDIA");
            (
                refs.get(key).filter(|v| !v.is_null()),
                join(clip.path, &format!("media_references.{key}")),
            )
        } else {
            (
                optional(clip, "media_reference"),
                join(clip.path, "media_reference"),
            )
        };
        let reel = optional(clip, "metadata")
            .and_then(|m| m.get("cmx_3600"))
            .and_then(|m| m.get("reel"))
            .and_then(Value::as_str)
            .filter(|r| !r.is_empty())
            .map(str::to_string);
        let mut hint = MediaHint {
            reel,
            ..MediaHint::default()
        };
        let Some(value) = value else {
            return Ok((hint, None));
        };
        let node = Node { value, path: &path };
        let kind = schema(&self.cx, node)?;
        let available = self.range_at(node, "available_range")?;
        hint.clip_name = optional(node, "name")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .map(str::to_string);
        match kind {
            "ExternalReference" => {
                let url = string(&self.cx, node, "target_url")?;
                hint.path = Some(path_of_url(url));
            }
            "MissingReference" => {}
            other => self.notes.push(format!(
                "{path}: a {other} is not a media file; the clip is looked for by name"
            )),
        }
        Ok((hint, available))
    }

    /// Whether the clip has effects that change its speed (reported).
    fn speed_effects(&mut self, clip: Node, label: &str) -> Result<bool, ImportError> {
        let Some(effects) = optional(clip, "effects").and_then(Value::as_array) else {
            return Ok(false);
        };
        let mut changed = false;
        let effects_path = join(clip.path, "effects");
        for (i, effect) in effects.iter().enumerate() {
            let path = format!("{effects_path}[{i}]");
            let node = Node {
                value: effect,
                path: &path,
            };
            match schema(&self.cx, node)? {
                "FreezeFrame" => {
                    self.unsupported.push(format!(
                        "{label}: a freeze frame is not reproduced; the clip is placed muted"
                    ));
                    changed = true;
                }
                "LinearTimeWarp" => {
                    let scalar = optional(node, "time_scalar")
                        .and_then(Value::as_f64)
                        .unwrap_or(1.0);
                    if scalar != 1.0 {
                        self.unsupported.push(format!(
                            "{label}: a speed change to {:.0}% is not reproduced; the clip is placed muted",
                            scalar * 100.0
                        ));
                        changed = true;
                    }
                }
                _ => {}
            }
        }
        Ok(changed)
    }
}

/// A `target_url` as a path: `file://` URLs decoded (`%20` and the like),
/// other URLs by their last segment, plain paths as they are.
fn path_of_url(url: &str) -> PathBuf {
    let decoded = percent_decode(url);
    if let Some(rest) = decoded.strip_prefix("file://") {
        let rest = rest.strip_prefix("localhost").unwrap_or(rest);
        return PathBuf::from(rest);
    }
    if decoded.contains("://") {
        let last = decoded.rsplit('/').next().unwrap_or_default();
        return PathBuf::from(last);
    }
    PathBuf::from(decoded)
}

/// Decode `%XX` escapes; anything malformed is kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rt(value: f64, rate: f64) -> String {
        format!("{{\"OTIO_SCHEMA\": \"RationalTime.1\", \"value\": {value}, \"rate\": {rate}}}")
    }

    fn range(start: f64, duration: f64, rate: f64) -> String {
        format!(
            "{{\"OTIO_SCHEMA\": \"TimeRange.1\", \"start_time\": {}, \"duration\": {}}}",
            rt(start, rate),
            rt(duration, rate)
        )
    }

    #[test]
    fn nested_compositions_and_other_transitions_are_listed() {
        let clip = |name: &str, start: f64| {
            format!(
                "{{\"OTIO_SCHEMA\": \"Clip.1\", \"name\": \"{name}\", \"source_range\": {}}}",
                range(start, 50.0, 25.0)
            )
        };
        let nested = format!(
            "{{\"OTIO_SCHEMA\": \"Stack.1\", \"children\": [{{\"OTIO_SCHEMA\": \"Track.1\", \"kind\": \"Audio\", \"children\": [{}, {}]}}]}}",
            clip("inner a", 0.0),
            clip("inner b", 0.0)
        );
        let wipe = format!(
            "{{\"OTIO_SCHEMA\": \"Transition.1\", \"transition_type\": \"Custom_Transition\", \"in_offset\": {}, \"out_offset\": {}}}",
            rt(5.0, 25.0),
            rt(0.0, 25.0)
        );
        let text = format!(
            "{{\"OTIO_SCHEMA\": \"Timeline.1\", \"tracks\": {{\"OTIO_SCHEMA\": \"Stack.1\", \"children\": [\
             {{\"OTIO_SCHEMA\": \"Track.1\", \"kind\": \"Audio\", \"children\": [{}, {nested}, {}, {wipe}, {}]}}]}}}}",
            clip("a", 0.0),
            clip("b", 100.0),
            clip("c", 200.0)
        );
        let cut = parse(&text, Path::new("n.otio"), None).unwrap();
        assert_eq!(cut.rate, FrameRate::Fps25);
        assert_eq!(cut.start, Seconds::ZERO, "no global start time");
        let clips = &cut.tracks[0].clips;
        let names: Vec<&str> = clips.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        // a (2 s), the nested stack as 4 s of silence, then b from 6 s.
        assert_eq!(clips[1].record_in, Seconds::from_secs(6));
        // The custom transition is read as a dissolve of 5 frames before the cut.
        assert_eq!(clips[1].fade_out, Seconds::new(1, 5));
        assert_eq!(clips[2].fade_in, Seconds::new(1, 5));
        assert_eq!(
            clips[2].record_in,
            Seconds::from_secs(8) - Seconds::new(1, 5)
        );
        assert_eq!(cut.unsupported.len(), 2, "{:?}", cut.unsupported);
        assert!(cut.unsupported[0].contains("tracks.children[0].children[1]: a nested composition"));
        assert!(cut.unsupported[0].contains("left as 4 s of silence"));
        assert!(cut.unsupported[1].contains("\"Custom_Transition\" is read as a dissolve"));
    }

    #[test]
    fn file_urls_become_paths() {
        assert_eq!(
            path_of_url("file:///Volumes/Sound%20Roll/boom_t3.wav"),
            PathBuf::from("/Volumes/Sound Roll/boom_t3.wav")
        );
        assert_eq!(
            path_of_url("file://localhost/media/a.wav"),
            PathBuf::from("/media/a.wav")
        );
        assert_eq!(path_of_url("media/a.wav"), PathBuf::from("media/a.wav"));
        assert_eq!(
            path_of_url("https://example.org/x/a.wav"),
            PathBuf::from("a.wav")
        );
        assert_eq!(percent_decode("100%"), "100%");
    }
}
