//! From a composition's source clip to the file it plays: the chain of
//! mobs (composition or master mob, then the file's source mob, then the
//! tape's) that AAF leads through by MobID and slot id, adding each step's
//! start. Cycles and over-long chains are refused; a chain that ends
//! before a file leaves the clip offline with what names were met.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use super::defs::{class, operation, parameter, pid};
use super::effects::{self, Value};
use super::store::{Object, Store};
use super::url;
use crate::import::time::Seconds;
use crate::import::ImportError;

/// How many mobs a chain may pass through.
const MAX_HOPS: usize = 32;

/// How the media of an embedded file are stored in the AAF.
#[derive(Debug, Clone, PartialEq)]
pub enum Essence {
    /// A whole WAVE file.
    Wave,
    /// A whole AIFF/AIFC file.
    Aifc,
    /// Raw interleaved little-endian PCM, described by its descriptor.
    Pcm {
        channels: u16,
        sample_rate: u32,
        bits: u16,
    },
}

/// A file the chain reached.
#[derive(Debug, Clone, PartialEq)]
pub struct FileSource {
    /// The source mob's name.
    pub name: String,
    /// Where the file was, from the descriptor's locator.
    pub locator: Option<PathBuf>,
    /// The essence data stream holding the file inside the AAF, and its kind.
    pub embedded: Option<(String, Essence)>,
}

/// What the chain from one mob slot leads to.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// Time from the file's first sample to the slot's origin.
    pub offset: Seconds,
    /// The file's channel (0-based).
    pub channel: u16,
    /// The name of the first mob met (a subclip or master clip).
    pub clip_name: Option<String>,
    /// The master clip's name (usually the file's name).
    pub master_name: Option<String>,
    pub reel: Option<String>,
    pub file: Option<FileSource>,
    /// Why the chain stopped before a file, for the report.
    pub problem: Option<String>,
    /// Gain the chain's own mobs apply (a master clip's audio gain), in dB.
    pub gain_db: f32,
    /// The mob and slot where the chain met a nested edit (a sequence of
    /// more than one clip), to be flattened into the cut by the walker;
    /// `offset` is then the time into that slot.
    pub nested: Option<([u8; 32], u32)>,
}

/// The mobs of the file by MobID, with resolved chains cached.
pub struct Mobs<'a> {
    store: &'a Store,
    by_id: HashMap<[u8; 32], Object>,
    essence: HashMap<[u8; 32], Object>,
    cache: HashMap<([u8; 32], u32), Resolved>,
}

impl<'a> Mobs<'a> {
    pub fn new(store: &'a Store, mobs: Vec<Object>, essence: Vec<Object>) -> Mobs<'a> {
        let by_id = mobs
            .into_iter()
            .filter_map(|m| Some((m.mob_id(pid::MOB_ID)?, m)))
            .collect();
        let essence = essence
            .into_iter()
            .filter_map(|e| Some((e.mob_id(pid::ESSENCE_DATA_MOB_ID)?, e)))
            .collect();
        Mobs {
            store,
            by_id,
            essence,
            cache: HashMap::new(),
        }
    }

    pub fn get(&self, id: &[u8; 32]) -> Option<&Object> {
        self.by_id.get(id)
    }

    pub fn all(&self) -> impl Iterator<Item = &Object> {
        self.by_id.values()
    }

    /// Where slot `slot` of mob `id` leads (cached per mob slot).
    pub fn resolve(&mut self, id: [u8; 32], slot: u32) -> Result<Resolved, ImportError> {
        if let Some(r) = self.cache.get(&(id, slot)) {
            return Ok(r.clone());
        }
        let r = self.walk(id, slot)?;
        self.cache.insert((id, slot), r.clone());
        Ok(r)
    }

    fn walk(&self, mut id: [u8; 32], mut slot_id: u32) -> Result<Resolved, ImportError> {
        let mut out = Resolved {
            offset: Seconds::ZERO,
            channel: 0,
            clip_name: None,
            master_name: None,
            reel: None,
            file: None,
            problem: None,
            gain_db: 0.0,
            nested: None,
        };
        let mut seen: HashSet<([u8; 32], u32)> = HashSet::new();
        for _ in 0..MAX_HOPS {
            if id == [0; 32] {
                return Ok(out);
            }
            if !seen.insert((id, slot_id)) {
                let at = self.by_id.get(&id).map_or("/", |m| m.path.as_str());
                return Err(self
                    .store
                    .error(at, "the mob's source references loop back to it"));
            }
            let Some(mob) = self.by_id.get(&id) else {
                out.problem
                    .get_or_insert_with(|| "its source mob is not in the file".into());
                return Ok(out);
            };
            let name = mob.string(pid::MOB_NAME).filter(|n| !n.trim().is_empty());
            let slots = self.store.children(mob, pid::MOB_SLOTS)?;
            let Some(slot) = slots.iter().find(|s| s.u32(pid::SLOT_ID) == Some(slot_id)) else {
                out.problem.get_or_insert_with(|| {
                    format!(
                        "mob \"{}\" has no slot {slot_id}",
                        name.clone().unwrap_or_default()
                    )
                });
                return Ok(out);
            };
            let rate = edit_rate(slot);
            if let (Some(origin), Some(rate)) = (slot.i64(pid::TIMELINE_SLOT_ORIGIN), rate) {
                out.offset = out.offset + units(origin, rate);
            }
            if mob.class == class::SOURCE_MOB {
                let descriptor = self.store.child(mob, pid::SOURCE_MOB_DESCRIPTOR)?;
                match descriptor {
                    Some(d) if d.class == class::TAPE_DESCRIPTOR => {
                        out.reel = name;
                        return Ok(out);
                    }
                    Some(d) if out.file.is_none() && is_file_descriptor(&d) => {
                        out.file = Some(self.file(mob, &d, name.clone())?);
                        let channels = d.u32(pid::SOUND_CHANNELS).unwrap_or(1);
                        if channels > 1 {
                            let track = slot.u32(pid::SLOT_PHYSICAL_TRACK).unwrap_or(1).max(1);
                            out.channel = u16::try_from(track - 1).unwrap_or(0);
                        }
                        // Go on only to find the tape's name; the offset is the file's.
                        return Ok(self.tape(slot, out));
                    }
                    _ => {}
                }
            } else {
                if out.clip_name.is_none() {
                    out.clip_name = name.clone();
                }
                if mob.class == class::MASTER_MOB {
                    out.master_name = name.clone();
                }
            }
            let Some(segment) = self.store.child(slot, pid::SLOT_SEGMENT)? else {
                return Ok(out);
            };
            let Some((clip, gain)) = self.single_clip(segment)? else {
                out.nested = Some((id, slot_id));
                return Ok(out);
            };
            out.gain_db += gain;
            if let (Some(start), Some(rate)) = (clip.i64(pid::SOURCE_CLIP_START), rate) {
                out.offset = out.offset + units(start, rate);
            }
            id = clip.mob_id(pid::SOURCE_ID).unwrap_or([0; 32]);
            slot_id = clip.u32(pid::SOURCE_SLOT_ID).unwrap_or(0);
        }
        Err(self.store.error(
            "/",
            format!("a clip's chain of source mobs is longer than {MAX_HOPS}"),
        ))
    }

    /// The tape's name under a file's source mob slot, if any.
    fn tape(&self, slot: &Object, mut out: Resolved) -> Resolved {
        let next = self
            .store
            .child(slot, pid::SLOT_SEGMENT)
            .ok()
            .flatten()
            .and_then(|s| self.single_clip(s).ok().flatten())
            .and_then(|(c, _)| c.mob_id(pid::SOURCE_ID))
            .and_then(|id| self.by_id.get(&id));
        if let Some(tape) = next {
            let is_tape = self
                .store
                .child(tape, pid::SOURCE_MOB_DESCRIPTOR)
                .ok()
                .flatten()
                .is_some_and(|d| d.class == class::TAPE_DESCRIPTOR);
            if is_tape {
                out.reel = tape.string(pid::MOB_NAME).filter(|n| !n.trim().is_empty());
            }
        }
        out
    }

    /// The one source clip a mob slot's segment plays: itself, the only
    /// clip of a sequence (fillers aside), an essence group's first choice,
    /// or the clip under a constant audio gain (with that gain in dB).
    /// `None` for anything else (a real nested edit).
    fn single_clip(&self, segment: Object) -> Result<Option<(Object, f32)>, ImportError> {
        let mut segment = segment;
        let mut gain = 0.0;
        for _ in 0..8 {
            if segment.class == class::SOURCE_CLIP {
                return Ok(Some((segment, gain)));
            }
            let next = if segment.class == class::OPERATION_GROUP {
                let op = segment.weak_auid(pid::OPERATION_DEF);
                if op != Some(operation::MONO_AUDIO_GAIN)
                    && op != Some(operation::STEREO_AUDIO_GAIN)
                {
                    return Ok(None);
                }
                for (def, value) in effects::parameters(self.store, &segment)? {
                    match value {
                        Value::Constant(a) if def == parameter::AMPLITUDE => gain += effects::db(a),
                        Value::Constant(_) => {}
                        Value::Varying { .. } => return Ok(None),
                    }
                }
                let mut inputs = self
                    .store
                    .children(&segment, pid::OPERATION_INPUTS)?
                    .into_iter();
                match (inputs.next(), inputs.next()) {
                    (Some(only), None) => only,
                    _ => return Ok(None),
                }
            } else if segment.class == class::SEQUENCE {
                let parts = self.store.children(&segment, pid::SEQUENCE_COMPONENTS)?;
                let mut clips = parts.into_iter().filter(|c| c.class != class::FILLER);
                match (clips.next(), clips.next()) {
                    (Some(only), None) => only,
                    _ => return Ok(None),
                }
            } else if segment.class == class::ESSENCE_GROUP {
                match self
                    .store
                    .children(&segment, pid::ESSENCE_GROUP_CHOICES)?
                    .into_iter()
                    .next()
                {
                    Some(first) => first,
                    None => return Ok(None),
                }
            } else {
                return Ok(None);
            };
            segment = next;
        }
        Ok(None)
    }

    /// The file a source mob with descriptor `d` stands for.
    fn file(
        &self,
        mob: &Object,
        d: &Object,
        name: Option<String>,
    ) -> Result<FileSource, ImportError> {
        let locator = self
            .store
            .children(d, pid::DESCRIPTOR_LOCATORS)?
            .iter()
            .find_map(|l| {
                if l.class == class::NETWORK_LOCATOR {
                    l.string(pid::NETWORK_LOCATOR_URL).map(|u| url::to_path(&u))
                } else if l.class == class::TEXT_LOCATOR {
                    l.string(pid::TEXT_LOCATOR_NAME).map(|u| url::to_path(&u))
                } else {
                    None
                }
            })
            .flatten();
        let embedded = match mob.mob_id(pid::MOB_ID).and_then(|id| self.essence.get(&id)) {
            Some(data) => {
                let stream = data.stream_name(pid::ESSENCE_DATA_DATA).ok_or_else(|| {
                    self.store
                        .error(&data.path, "the essence data has no data stream")
                })?;
                essence_kind(self.store, d)?.map(|kind| (format!("{}/{stream}", data.path), kind))
            }
            None => None,
        };
        Ok(FileSource {
            name: name.unwrap_or_default(),
            locator,
            embedded,
        })
    }
}

fn is_file_descriptor(d: &Object) -> bool {
    [
        class::PCM_DESCRIPTOR,
        class::WAVE_DESCRIPTOR,
        class::AIFC_DESCRIPTOR,
        class::SOUND_DESCRIPTOR,
        class::MULTIPLE_DESCRIPTOR,
    ]
    .contains(&d.class)
        || d.prop(pid::DESCRIPTOR_LOCATORS).is_some()
        || d.prop(pid::FILE_SAMPLE_RATE).is_some()
}

/// How an embedded file's essence is stored, from its descriptor; `None`
/// for PCM whose descriptor does not say how (the clip is then offline).
fn essence_kind(store: &Store, d: &Object) -> Result<Option<Essence>, ImportError> {
    if d.class == class::WAVE_DESCRIPTOR {
        return Ok(Some(Essence::Wave));
    }
    if d.class == class::AIFC_DESCRIPTOR {
        return Ok(Some(Essence::Aifc));
    }
    if d.class == class::MULTIPLE_DESCRIPTOR {
        if let Some(first) = store
            .children(d, pid::MULTIPLE_DESCRIPTORS)?
            .into_iter()
            .next()
        {
            return essence_kind(store, &first);
        }
    }
    let rate = d
        .rational(pid::SOUND_SAMPLE_RATE)
        .or_else(|| d.rational(pid::FILE_SAMPLE_RATE))
        .filter(|&(n, dd)| n > 0 && dd > 0)
        .map(|(n, dd)| (n / dd) as u32);
    let channels = d
        .u32(pid::SOUND_CHANNELS)
        .and_then(|c| u16::try_from(c).ok());
    let bits = d.u32(pid::SOUND_BITS).and_then(|b| u16::try_from(b).ok());
    Ok(match (channels, rate, bits) {
        (
            Some(channels @ 1..=64),
            Some(sample_rate @ 1..=768_000),
            Some(bits @ (8 | 16 | 24 | 32)),
        ) => Some(Essence::Pcm {
            channels,
            sample_rate,
            bits,
        }),
        _ => None,
    })
}

/// A slot's edit rate (timeline or event slot), when positive.
pub fn edit_rate(slot: &Object) -> Option<(i32, i32)> {
    slot.rational(pid::TIMELINE_SLOT_EDIT_RATE)
        .or_else(|| slot.rational(pid::EVENT_SLOT_EDIT_RATE))
        .filter(|&(n, d)| n > 0 && d > 0)
}

/// `count` edit units at `rate` as seconds.
pub fn units(count: i64, (num, den): (i32, i32)) -> Seconds {
    Seconds::new(i128::from(count) * i128::from(den), i128::from(num))
}
