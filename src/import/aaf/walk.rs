//! The composition's audio slots walked into the neutral cut: each
//! sequence's components laid end to end at the slot's edit rate (fillers
//! are gaps; a transition steps back over its length and makes the clips
//! either side fade over it), clips resolved to their files, gain effects
//! turned into clip gain and level keyframes, track effects into track
//! pan and automation, channel combiners into one track per channel.
//! Everything not reproduced is reported with its track, clip and timecode.

use std::collections::HashMap;

use super::defs::{class, data_def, operation, parameter, pid, Auid};
use super::effects::{self, Value};
use super::source::{edit_rate, units, Essence, Mobs};
use super::store::{Object, Store, MAX_DEPTH};
use crate::import::cut::{ClipEdits, CutClip, ExactSource, MediaHint, TrackMix};
use crate::import::time::Seconds;
use crate::import::ImportError;
use crate::model::timecode::FrameRate;
use crate::model::FadeShape;

/// One clip of a slot before it is split by channel.
pub struct SlotClip {
    /// Which input of a channel combiner it is (0 for mono).
    pub channel_index: usize,
    pub clip: CutClip,
    /// The essence stream holding its file inside the AAF, its kind and the
    /// file's name.
    pub embedded: Option<(String, Essence, String)>,
}

/// One audio slot of the composition, walked.
pub struct Slot {
    pub name: String,
    pub clips: Vec<SlotClip>,
    pub channels: usize,
    pub mix: TrackMix,
}

/// A fade a transition asks of the clip before or after it.
#[derive(Clone, Copy)]
struct Fade {
    length: Seconds,
    shape: FadeShape,
}

/// Walks one slot.
pub struct Walker<'s, 'm> {
    pub store: &'s Store,
    pub mobs: &'s mut Mobs<'m>,
    /// Where the composition's timecode starts, as a time of day.
    pub start: Seconds,
    pub rate: FrameRate,
    pub unsupported: Vec<String>,
    /// The track's name, for messages.
    track: String,
    edit_rate: (i32, i32),
    clips: Vec<SlotClip>,
    counter: usize,
    pending_fade_in: Option<Fade>,
    /// Where the transition before the next clip was played as a cut: how
    /// far into its overlap the next clip starts.
    pending_cut_in: Option<Seconds>,
    /// How many nested edits deep this walk is (0 for the composition).
    nesting: usize,
    /// Components walked so far, the nested edits' included, against a
    /// file whose nested edits multiply one another.
    walked: usize,
    /// The names the file's dictionary gives its effects, for reports.
    pub operation_names: HashMap<Auid, String>,
}

/// How many nested edits (clips playing another composition's sequence)
/// may lie inside one another.
const MAX_NESTING: usize = 16;
/// How many components one composition may come to when its nested edits
/// are flattened.
const MAX_COMPONENTS: usize = 2_000_000;

impl<'s, 'm> Walker<'s, 'm> {
    pub fn new(store: &'s Store, mobs: &'s mut Mobs<'m>, start: Seconds, rate: FrameRate) -> Self {
        Walker {
            store,
            mobs,
            start,
            rate,
            unsupported: Vec::new(),
            track: String::new(),
            edit_rate: (1, 1),
            clips: Vec::new(),
            counter: 0,
            pending_fade_in: None,
            pending_cut_in: None,
            nesting: 0,
            walked: 0,
            operation_names: HashMap::new(),
        }
    }

    fn tc(&self, at: Seconds) -> String {
        at.timecode(self.rate).to_string()
    }

    fn time(&self, units_from_start: i64) -> Seconds {
        self.start + units(units_from_start, self.edit_rate)
    }

    fn unsupported(&mut self, at: i64, what: String) {
        let line = format!("{} at {}: {what}", self.track, self.tc(self.time(at)));
        self.unsupported.push(line);
    }

    /// Walk the slot `slot`, called `name`.
    pub fn slot(&mut self, slot: &Object, name: String) -> Result<Slot, ImportError> {
        self.track = name.clone();
        self.edit_rate = edit_rate(slot).ok_or_else(|| {
            self.store
                .error(&slot.path, "the slot has no usable edit rate")
        })?;
        self.clips.clear();
        self.counter = 0;
        self.pending_fade_in = None;
        self.pending_cut_in = None;
        let mut mix = TrackMix::default();
        if let Some(segment) = self.store.child(slot, pid::SLOT_SEGMENT)? {
            let segment = self.track_effects(segment, &mut mix)?;
            self.segment(&segment, 0, 0)?;
        }
        let channels = self
            .clips
            .iter()
            .map(|c| c.channel_index + 1)
            .max()
            .unwrap_or(1);
        Ok(Slot {
            name,
            clips: std::mem::take(&mut self.clips),
            channels,
            mix,
        })
    }

    /// Effects around the whole slot's sequence become the track's pan and
    /// automation; the sequence inside is given back.
    fn track_effects(
        &mut self,
        mut segment: Object,
        mix: &mut TrackMix,
    ) -> Result<Object, ImportError> {
        for _ in 0..MAX_DEPTH {
            if segment.class != class::OPERATION_GROUP {
                return Ok(segment);
            }
            let op = segment.weak_auid(pid::OPERATION_DEF);
            let inputs = self.store.children(&segment, pid::OPERATION_INPUTS)?;
            if !self.wraps_sequence(inputs.first())? {
                return Ok(segment);
            }
            // An effect's length is its input's; some writers leave it out.
            let length = segment
                .i64(pid::COMPONENT_LENGTH)
                .filter(|&l| l > 0)
                .or_else(|| self.sequence_length(inputs.first()))
                .unwrap_or(0);
            let span = units(length, self.edit_rate);
            let params = effects::parameters(self.store, &segment)?;
            let at = |f: f64| self.start + fraction_of(span, f);
            if op == Some(operation::MONO_AUDIO_GAIN) || op == Some(operation::STEREO_AUDIO_GAIN) {
                for (def, value) in &params {
                    if *def != parameter::AMPLITUDE {
                        continue;
                    }
                    match value {
                        Value::Constant(a) => mix.volume = vec![(self.start, effects::db(*a))],
                        Value::Varying {
                            interpolation,
                            points,
                        } => {
                            mix.volume = effects::level_points(points, *interpolation)
                                .into_iter()
                                .map(|(f, db)| (at(f), db))
                                .collect();
                        }
                    }
                }
            } else if op == Some(operation::MONO_AUDIO_PAN) {
                for (def, value) in &params {
                    if *def != parameter::PAN {
                        continue;
                    }
                    match value {
                        Value::Constant(p) => mix.pan = (*p * 2.0 - 1.0) as f32,
                        Value::Varying { points, .. } => {
                            mix.pan_points = points
                                .iter()
                                .map(|&(f, p)| (at(f), (p * 2.0 - 1.0) as f32))
                                .collect();
                        }
                    }
                }
            } else {
                self.unsupported(
                    0,
                    format!("a track effect ({}) is not reproduced", self.name_of(op)),
                );
            }
            segment = inputs.into_iter().next().unwrap_or(segment);
        }
        Err(self
            .store
            .error(&segment.path, "track effects nest too deep"))
    }

    /// Whether `segment` is a sequence, or effects around one (their first
    /// inputs leading to it): effects around a sequence are the track's.
    fn wraps_sequence(&self, segment: Option<&Object>) -> Result<bool, ImportError> {
        let Some(mut segment) = segment.cloned() else {
            return Ok(false);
        };
        for _ in 0..MAX_DEPTH {
            if segment.class == class::SEQUENCE {
                return Ok(true);
            }
            if segment.class != class::OPERATION_GROUP {
                return Ok(false);
            }
            match self
                .store
                .children(&segment, pid::OPERATION_INPUTS)?
                .into_iter()
                .next()
            {
                Some(first) => segment = first,
                None => return Ok(false),
            }
        }
        Ok(false)
    }

    /// The length of a segment, or of the components of a sequence laid
    /// end to end (transitions overlapping), when it does not give one.
    fn sequence_length(&self, segment: Option<&Object>) -> Option<i64> {
        let segment = segment?;
        if let Some(l) = segment.i64(pid::COMPONENT_LENGTH).filter(|&l| l > 0) {
            return Some(l);
        }
        let parts = self
            .store
            .children(segment, pid::SEQUENCE_COMPONENTS)
            .ok()?;
        let mut total = 0i64;
        for p in &parts {
            let l = p.i64(pid::COMPONENT_LENGTH).unwrap_or(0).max(0);
            total = if p.class == class::TRANSITION {
                total.saturating_sub(l)
            } else {
                total.saturating_add(l)
            };
        }
        (total > 0).then_some(total)
    }

    /// Lay out `segment` starting at `at` edit units into the slot.
    fn segment(&mut self, segment: &Object, at: i64, depth: usize) -> Result<(), ImportError> {
        if depth > MAX_DEPTH {
            return Err(self.store.error(&segment.path, "sequences nest too deep"));
        }
        self.walked += 1;
        if self.walked > MAX_COMPONENTS {
            return Err(self.store.error(
                &segment.path,
                format!("the composition comes to more than {MAX_COMPONENTS} components with its nested edits flattened"),
            ));
        }
        let length = segment.i64(pid::COMPONENT_LENGTH).unwrap_or(0);
        let c = segment.class;
        if c == class::SEQUENCE {
            let mut t = at;
            let parts = self.store.children(segment, pid::SEQUENCE_COMPONENTS)?;
            for part in &parts {
                let len = part.i64(pid::COMPONENT_LENGTH).unwrap_or(0).max(0);
                if part.class == class::TRANSITION {
                    t = t.saturating_sub(len);
                    self.transition(part, t, len)?;
                    continue;
                }
                self.segment(part, t, depth + 1)?;
                t = t.saturating_add(len);
            }
        } else if c == class::FILLER {
            self.pending_fade_in = None;
            self.pending_cut_in = None;
        } else if c == class::SOURCE_CLIP {
            self.source_clip(segment, at, 0, ClipEdits::default(), 0.0, false)?;
        } else if c == class::OPERATION_GROUP {
            self.operation(segment, at, length, depth)?;
        } else if c == class::SELECTOR {
            self.selector(segment, at, depth)?;
        } else if c == class::ESSENCE_GROUP {
            if let Some(first) = self
                .store
                .children(segment, pid::ESSENCE_GROUP_CHOICES)?
                .first()
            {
                self.segment(first, at, depth + 1)?;
            }
        } else if c == class::NESTED_SCOPE {
            self.unsupported(at, "a nested scope is not flattened; left out".into());
        } else if c == class::TIMECODE
            || c == class::COMMENT_MARKER
            || c == class::DESCRIPTIVE_MARKER
        {
        } else {
            self.unsupported(at, format!("an object of class {c} is not read; left out"));
        }
        Ok(())
    }

    /// A selector plays its selected segment; when that is a filler and an
    /// alternate is a clip (Media Composer's muted clip), the clip is placed
    /// muted.
    fn selector(&mut self, selector: &Object, at: i64, depth: usize) -> Result<(), ImportError> {
        let Some(selected) = self.store.child(selector, pid::SELECTOR_SELECTED)? else {
            return Ok(());
        };
        if selected.class != class::FILLER {
            return self.segment(&selected, at, depth + 1);
        }
        let alternates = self.store.children(selector, pid::SELECTOR_ALTERNATES)?;
        if let Some(alternate) = alternates.iter().find(|a| a.class != class::FILLER) {
            let before = self.clips.len();
            self.segment(alternate, at, depth + 1)?;
            for c in &mut self.clips[before..] {
                c.clip.mute = true;
            }
        }
        Ok(())
    }

    /// A transition between the component before and the one after: both
    /// fade over its whole length (a crossfade, or a fade from or to a gap).
    fn transition(&mut self, t: &Object, at: i64, len: i64) -> Result<(), ImportError> {
        let fade_len = units(len, self.edit_rate);
        let op = match self.store.child(t, pid::TRANSITION_OPERATION)? {
            Some(op) => op,
            None => return Ok(()),
        };
        let def = op.weak_auid(pid::OPERATION_DEF);
        let shape = if def == Some(operation::MONO_AUDIO_DISSOLVE)
            || def == Some(operation::STEREO_AUDIO_DISSOLVE)
        {
            effects::dissolve_shape(&effects::parameters(self.store, &op)?)
        } else {
            // What AAF's cut point is for: the transition replaced by a
            // cut there, the clip before ending and the one after starting.
            let cut = t
                .i64(pid::TRANSITION_CUT_POINT)
                .unwrap_or(0)
                .clamp(0, len.max(0));
            self.unsupported(
                at + cut,
                format!(
                    "a transition ({}) is not reproduced; played as a cut at its cut point",
                    self.name_of(def)
                ),
            );
            let end = self.time(at.saturating_add(len));
            let cut_at = self.time(at + cut);
            for c in self.clips.iter_mut().filter(|c| c.clip.record_out() == end) {
                c.clip.duration = (cut_at - c.clip.record_in).max(Seconds::ZERO);
                c.clip.fade_out = c.clip.fade_out.min(c.clip.duration);
            }
            self.pending_fade_in = None;
            self.pending_cut_in = Some(units(cut, self.edit_rate));
            return Ok(());
        };
        let fade = Fade {
            length: fade_len,
            shape,
        };
        // The clips that end where the transition ends fade out.
        let end = self.time(at.saturating_add(len));
        for c in self.clips.iter_mut().filter(|c| c.clip.record_out() == end) {
            c.clip.fade_out = fade.length;
            c.clip.edits.fade_out_shape = Some(fade.shape);
        }
        self.pending_fade_in = Some(fade);
        Ok(())
    }

    /// An effect on clips: gain and keyframes, a channel combiner, or
    /// something not reproduced (the clip plays dry, or muted when the
    /// effect changes its speed).
    fn operation(
        &mut self,
        op: &Object,
        at: i64,
        length: i64,
        depth: usize,
    ) -> Result<(), ImportError> {
        let def = op.weak_auid(pid::OPERATION_DEF);
        let inputs = self.store.children(op, pid::OPERATION_INPUTS)?;
        if def == Some(operation::AUDIO_CHANNEL_COMBINER) {
            let (fade_in, cut_in) = (self.pending_fade_in, self.pending_cut_in);
            for (i, input) in inputs.iter().enumerate() {
                self.pending_fade_in = fade_in;
                self.pending_cut_in = cut_in;
                self.with_effects(input, at, i, ClipEdits::default(), 0.0, false, depth)?;
            }
            return Ok(());
        }
        let params = effects::parameters(self.store, op)?;
        let mut edits = ClipEdits::default();
        let mut gain = 0.0;
        let mut mute = false;
        if def == Some(operation::MONO_AUDIO_GAIN) || def == Some(operation::STEREO_AUDIO_GAIN) {
            let span = units(length, self.edit_rate);
            for (p, value) in &params {
                match value {
                    Value::Constant(a) if *p == parameter::AMPLITUDE => gain = effects::db(*a),
                    Value::Varying {
                        interpolation,
                        points,
                    } if *p == parameter::AMPLITUDE || *p == parameter::AVID_CLIP_KEYFRAMES => {
                        edits.level = effects::level_points(points, *interpolation)
                            .into_iter()
                            .map(|(f, db)| (fraction_of(span, f), db))
                            .collect();
                    }
                    _ => {}
                }
            }
        } else {
            let input_len = inputs.first().and_then(|i| i.i64(pid::COMPONENT_LENGTH));
            mute = input_len.is_some_and(|l| l != length);
            self.unsupported(
                at,
                format!(
                    "an effect ({}) is not reproduced; {}",
                    self.name_of(def),
                    if mute {
                        "it changes the clip's speed, so the clip is placed muted"
                    } else {
                        "the clip plays without it"
                    }
                ),
            );
        }
        match inputs.first() {
            Some(input) => self.with_effects(input, at, 0, edits, gain, mute, depth),
            None => Ok(()),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn with_effects(
        &mut self,
        input: &Object,
        at: i64,
        channel_index: usize,
        edits: ClipEdits,
        gain: f32,
        mute: bool,
        depth: usize,
    ) -> Result<(), ImportError> {
        if input.class == class::SOURCE_CLIP {
            return self.source_clip(input, at, channel_index, edits, gain, mute);
        }
        let before = self.clips.len();
        self.segment(input, at, depth + 1)?;
        for c in &mut self.clips[before..] {
            c.clip.gain_db += gain;
            c.clip.mute |= mute;
            c.channel_index = c.channel_index.max(channel_index);
            if c.clip.edits.level.is_empty() {
                c.clip.edits.level = edits.level.clone();
            }
        }
        Ok(())
    }

    fn source_clip(
        &mut self,
        sc: &Object,
        at: i64,
        channel_index: usize,
        edits: ClipEdits,
        gain: f32,
        mute: bool,
    ) -> Result<(), ImportError> {
        let length = sc.i64(pid::COMPONENT_LENGTH).unwrap_or(0);
        if length <= 0 {
            return Ok(());
        }
        if channel_index == 0 {
            self.counter += 1;
        }
        let label = format!("clip {} at {}", self.counter.max(1), self.tc(self.time(at)));
        let id = sc.mob_id(pid::SOURCE_ID).unwrap_or([0; 32]);
        let slot = sc.u32(pid::SOURCE_SLOT_ID).unwrap_or(0);
        let start = units(sc.i64(pid::SOURCE_CLIP_START).unwrap_or(0), self.edit_rate);
        let resolved = self.mobs.resolve(id, slot)?;
        let mut record_in = self.time(at);
        let mut source_in = resolved.offset + start;
        let mut duration = units(length, self.edit_rate);
        if let Some(cut) = self.pending_cut_in.take() {
            let cut = cut.min(duration);
            record_in = record_in + cut;
            source_in = source_in + cut;
            duration = duration - cut;
        }
        let name = resolved.clip_name.clone().unwrap_or_default();
        if let Some(problem) = &resolved.problem {
            let line = format!(
                "{} {label} (\"{name}\"): {problem}; it is offline",
                self.track
            );
            self.unsupported.push(line);
        }
        if resolved.gain_db.abs() > 0.005 {
            let line = format!(
                "{} {label} (\"{name}\"): the clip it plays has {:+.1} dB of gain of its own, which is not applied",
                self.track, resolved.gain_db
            );
            self.unsupported.push(line);
        }
        if let Some(nested) = resolved.nested {
            if channel_index == 0 {
                // The nested edit's own clips are counted instead.
                self.counter -= 1;
            }
            let outer = Outer {
                record_in,
                source_in,
                duration,
                channel_index,
                edits,
                gain: gain + resolved.gain_db,
                mute,
            };
            return self.flatten(nested, outer);
        }
        let file = resolved.file.as_ref();
        let media = MediaHint {
            path: file.and_then(|f| f.locator.as_deref()).map(usable_here),
            clip_name: resolved
                .master_name
                .clone()
                .or_else(|| file.map(|f| f.name.clone()).filter(|n| !n.is_empty()))
                .or_else(|| resolved.clip_name.clone()),
            reel: resolved.reel.clone(),
            start: None,
            exact: Some(ExactSource),
        };
        let name = resolved
            .clip_name
            .clone()
            .unwrap_or_else(|| media.clip_label());
        let mut clip = CutClip {
            label,
            name,
            media,
            source_in,
            record_in,
            duration,
            fade_in: Seconds::ZERO,
            fade_out: Seconds::ZERO,
            gain_db: gain,
            mute,
            edits,
            channel: resolved.channel,
            pair: None,
        };
        // Fades a source clip carries itself (older AAF writers).
        if let Some(fade) = sc.i64(pid::SOURCE_CLIP_FADE_IN).filter(|&f| f > 0) {
            clip.fade_in = units(fade, self.edit_rate);
        }
        if let Some(fade) = sc.i64(pid::SOURCE_CLIP_FADE_OUT).filter(|&f| f > 0) {
            clip.fade_out = units(fade, self.edit_rate);
        }
        if let Some(fade) = self.pending_fade_in {
            clip.fade_in = fade.length;
            clip.edits.fade_in_shape = Some(fade.shape);
        }
        self.pending_fade_in = None;
        let embedded = resolved.file.and_then(|f| {
            let name = f.name.clone();
            f.embedded.map(|(stream, kind)| (stream, kind, name))
        });
        self.clips.push(SlotClip {
            channel_index,
            clip,
            embedded,
        });
        Ok(())
    }
}

/// A clip that plays a nested edit, as the walk met it: the span of the
/// nested sequence it shows, and what it adds to every clip inside.
struct Outer {
    record_in: Seconds,
    /// Where in the nested slot's time it starts.
    source_in: Seconds,
    duration: Seconds,
    channel_index: usize,
    edits: ClipEdits,
    gain: f32,
    mute: bool,
}

impl Walker<'_, '_> {
    /// An effect's name as the file's dictionary gives it, else its id.
    fn name_of(&self, def: Option<Auid>) -> String {
        match def {
            Some(d) => match self.operation_names.get(&d) {
                Some(name) => format!("\"{name}\""),
                None => format!("operation {d}"),
            },
            None => "an unnamed operation".into(),
        }
    }

    /// Lay the clips of slot `slot_id` of mob `mob_id` (a nested sequence)
    /// into the cut where `outer` shows them: each cut to the span shown,
    /// with the outer clip's gain, mute and channel, and the fade a
    /// transition before the outer clip asked of it.
    fn flatten(
        &mut self,
        (mob_id, slot_id): ([u8; 32], u32),
        outer: Outer,
    ) -> Result<(), ImportError> {
        let Some(mob) = self.mobs.get(&mob_id).cloned() else {
            return Ok(());
        };
        if self.nesting >= MAX_NESTING {
            return Err(self.store.error(
                &mob.path,
                format!("nested edits lie more than {MAX_NESTING} deep (or play one another)"),
            ));
        }
        let slot = self
            .store
            .children(&mob, pid::MOB_SLOTS)?
            .into_iter()
            .find(|s| s.u32(pid::SLOT_ID) == Some(slot_id));
        let Some(slot) = slot else {
            return Ok(());
        };
        let rate = edit_rate(&slot).ok_or_else(|| {
            self.store
                .error(&slot.path, "the nested edit's slot has no usable edit rate")
        })?;
        let Some(segment) = self.store.child(&slot, pid::SLOT_SEGMENT)? else {
            return Ok(());
        };
        let mut sub = Walker::new(
            self.store,
            &mut *self.mobs,
            outer.record_in - outer.source_in,
            self.rate,
        );
        sub.track = self.track.clone();
        sub.edit_rate = rate;
        sub.counter = self.counter;
        sub.nesting = self.nesting + 1;
        sub.walked = self.walked;
        sub.segment(&segment, 0, 0)?;
        let (clips, unsupported) = (sub.clips, sub.unsupported);
        (self.counter, self.walked) = (sub.counter, sub.walked);
        self.unsupported.extend(unsupported);

        let (w0, w1) = (outer.record_in, outer.record_in + outer.duration);
        let fade_in = self.pending_fade_in.take();
        let mut combined_levels = false;
        for mut c in clips {
            let (a, b) = (c.clip.record_in, c.clip.record_out());
            let (a2, b2) = (a.max(w0), b.min(w1));
            if b2 <= a2 {
                continue;
            }
            let (head, tail) = (a2 - a, b - b2);
            let clip = &mut c.clip;
            clip.record_in = a2;
            clip.source_in = clip.source_in + head;
            clip.duration = b2 - a2;
            clip.fade_in = (clip.fade_in - head).max(Seconds::ZERO).min(clip.duration);
            clip.fade_out = (clip.fade_out - tail).max(Seconds::ZERO).min(clip.duration);
            clip.edits.level = shifted(&clip.edits.level, head, clip.duration);
            if !outer.edits.level.is_empty() {
                if clip.edits.level.is_empty() {
                    clip.edits.level = shifted(&outer.edits.level, a2 - w0, clip.duration);
                } else {
                    combined_levels = true;
                }
            }
            clip.gain_db += outer.gain;
            clip.mute |= outer.mute;
            c.channel_index = c.channel_index.max(outer.channel_index);
            if let (Some(fade), true) = (fade_in, a2 == w0) {
                clip.fade_in = fade.length.min(clip.duration);
                clip.edits.fade_in_shape = Some(fade.shape);
            }
            self.clips.push(c);
        }
        if combined_levels {
            let name = mob.string(pid::MOB_NAME).unwrap_or_default();
            let line = format!(
                "{} at {}: the level keyframes on the nested edit \"{name}\" are not combined with those of the clips inside it",
                self.track,
                self.tc(w0)
            );
            self.unsupported.push(line);
        }
        Ok(())
    }
}

/// Level keyframes (times from a clip's start) of a clip whose first
/// `head` was cut away, within its new `length`.
fn shifted(points: &[(Seconds, f32)], head: Seconds, length: Seconds) -> Vec<(Seconds, f32)> {
    points
        .iter()
        .filter(|(t, _)| *t >= head && *t - head <= length)
        .map(|&(t, db)| (t - head, db))
        .collect()
}

/// Whether a slot carries sound, by its segment's data definition.
pub fn is_sound(segment: &Object) -> bool {
    data_def::is_sound(segment.weak_auid(pid::COMPONENT_DATA_DEF))
}

/// The fraction `f` of `span`, to the nanosecond.
fn fraction_of(span: Seconds, f: f64) -> Seconds {
    Seconds::new((span.as_f64() * f * 1e9).round() as i128, 1_000_000_000)
}

/// A locator's path as this system can use it: a Windows path (drive
/// letter, UNC) off Windows is reduced to its file name, which the media
/// lookup then looks for (and an offline clip is expected under).
fn usable_here(path: &std::path::Path) -> std::path::PathBuf {
    let text = path.to_string_lossy();
    let b = text.as_bytes();
    let drive = b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':';
    let unc = text.starts_with("//");
    if cfg!(windows) || !(drive || unc) {
        return path.to_path_buf();
    }
    path.file_name()
        .map_or_else(|| path.to_path_buf(), std::path::PathBuf::from)
}
