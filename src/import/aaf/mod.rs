//! AAF import: the picture editor's cut from an Advanced Authoring Format
//! file (Media Composer, Premiere Pro, DaVinci Resolve, Pro Tools), read
//! into the same neutral cut as an EDL or OTIO file.
//!
//! - [`store`]: the compound file (structured storage) and its property
//!   streams, strong references and collection indexes, every count
//!   bounded by the length of the stream holding it;
//! - [`defs`]: the identifiers of the object model read;
//! - [`source`]: the chain of mobs from a clip to its file, by MobID;
//! - [`effects`]: gain, pan and dissolve parameters;
//! - [`walk`]: the composition's audio slots laid out as clips;
//! - [`essence`]: media embedded in the AAF written out as files;
//! - [`url`]: media locators as paths.
//!
//! The top-level composition (usage code TopLevel, else the first
//! composition mob) is read: its timecode slot gives the start and the
//! frame rate, its sound slots the tracks, its event slots the markers.
//! OMF files (a Bento container, not structured storage) are not read.

pub mod defs;
pub mod effects;
pub mod essence;
pub mod source;
pub mod store;
pub mod url;
pub mod walk;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use defs::{class, data_def, pid, Auid, USAGE_TOP_LEVEL};
use source::{edit_rate, units, Mobs};
use store::{utf16, Object, Store};
use walk::{is_sound, Slot, Walker};

use super::cut::{Cut, CutFormat, CutTrack, Locator, TrackMix};
use super::time::Seconds;
use super::ImportError;
use crate::model::timecode::FrameRate;

/// Read the AAF at `path`; embedded media are extracted into `media_dir`
/// when one is given (else their clips are offline). `rate` is used when
/// the composition's timecode is not at a rate a session runs at.
pub fn read(
    path: &Path,
    rate: Option<FrameRate>,
    media_dir: Option<&Path>,
) -> Result<Cut, ImportError> {
    let store = Store::open(path)?;
    read_store(&store, rate, media_dir)
}

/// [`read`] from a file already in memory (`path` names it in messages).
pub fn read_bytes(
    path: &Path,
    bytes: Vec<u8>,
    rate: Option<FrameRate>,
    media_dir: Option<&Path>,
) -> Result<Cut, ImportError> {
    let store = Store::from_bytes(path, bytes)?;
    read_store(&store, rate, media_dir)
}

fn read_store(
    store: &Store,
    rate: Option<FrameRate>,
    media_dir: Option<&Path>,
) -> Result<Cut, ImportError> {
    let root = store.object("/", 0)?;
    let header = store
        .child(&root, pid::ROOT_HEADER)?
        .ok_or_else(|| store.error("/", "the file has no AAF header object"))?;
    if header.class != class::HEADER {
        return Err(store.error(
            &header.path,
            format!("the header is of class {}, not an AAF header", header.class),
        ));
    }
    let content = store
        .child(&header, pid::HEADER_CONTENT)?
        .ok_or_else(|| store.error(&header.path, "the header has no content storage"))?;
    let mob_objects = store.children(&content, pid::CONTENT_MOBS)?;
    let essence = store.children(&content, pid::CONTENT_ESSENCE_DATA)?;
    let mut mobs = Mobs::new(store, mob_objects, essence);

    let mut notes = Vec::new();
    let composition = composition(store, &mobs, &mut notes)?;
    let title = composition.string(pid::MOB_NAME).unwrap_or_default();
    let slots = store.children(&composition, pid::MOB_SLOTS)?;
    let (tc_start, cut_rate) = timecode(store, &slots, rate, &mut notes)?;

    let mut walker = Walker::new(store, &mut mobs, tc_start, cut_rate);
    walker.operation_names = operation_names(store, &header);
    let mut walked: Vec<Slot> = Vec::new();
    let mut markers = Vec::new();
    let mut sound_slots = 0u16;
    let marker_pids = (
        dynamic_pid(store, "CommentMarkerUser")?,
        dynamic_pid(store, "CommentMarkerColor")?,
    );
    for slot in &slots {
        let Some(segment) = store.child(slot, pid::SLOT_SEGMENT)? else {
            continue;
        };
        let descriptive = data_def::is_descriptive(segment.weak_auid(pid::COMPONENT_DATA_DEF));
        if slot.class == class::EVENT_MOB_SLOT || descriptive {
            markers.extend(slot_markers(store, slot, &segment, tc_start, marker_pids)?);
            continue;
        }
        if slot.class != class::TIMELINE_MOB_SLOT || !is_sound(&segment) {
            continue;
        }
        sound_slots += 1;
        let name = slot
            .string(pid::SLOT_NAME)
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("A{sound_slots}"));
        walked.push(walker.slot(slot, name)?);
    }
    let mut unsupported = std::mem::take(&mut walker.unsupported);
    drop(walker);
    if walked.is_empty() {
        return Err(store.error(
            &composition.path,
            "the composition has no audio tracks: nothing to import",
        ));
    }
    let tracks = tracks(store, walked, media_dir, &mut notes, &mut unsupported);
    Ok(Cut {
        format: CutFormat::Aaf,
        title,
        rate: cut_rate,
        start: tc_start,
        tracks,
        unsupported,
        notes,
        video: Vec::new(),
        locators: markers,
    })
}

/// The names of the effects the file's dictionary defines, by id. Only
/// for reports: a dictionary that cannot be read gives no names.
fn operation_names(store: &Store, header: &Object) -> HashMap<Auid, String> {
    let Ok(Some(dictionary)) = store.child(header, pid::HEADER_DICTIONARY) else {
        return HashMap::new();
    };
    let Ok(defs) = store.children(&dictionary, pid::DICTIONARY_OPERATIONS) else {
        return HashMap::new();
    };
    defs.iter()
        .filter_map(|d| {
            let name = d.string(pid::DEFINITION_NAME)?;
            let name = name.trim();
            (!name.is_empty()).then(|| (d.auid(pid::DEFINITION_ID), name.to_string()))
        })
        .filter_map(|(id, name)| Some((id?, name)))
        .collect()
}

/// The composition to import: the top-level one.
fn composition(store: &Store, mobs: &Mobs, notes: &mut Vec<String>) -> Result<Object, ImportError> {
    let mut compositions: Vec<&Object> = mobs
        .all()
        .filter(|m| m.class == class::COMPOSITION_MOB)
        .collect();
    compositions.sort_by(|a, b| a.path.cmp(&b.path));
    let top: Vec<&Object> = compositions
        .iter()
        .copied()
        .filter(|m| {
            m.weak_auid(pid::MOB_USAGE_CODE) == Some(USAGE_TOP_LEVEL)
                || m.auid(pid::MOB_USAGE_CODE) == Some(USAGE_TOP_LEVEL)
        })
        .collect();
    let pick = top.first().or(compositions.first()).copied();
    let Some(pick) = pick else {
        return Err(store.error("/", "the file has no composition (no sequence to import)"));
    };
    let others = if top.is_empty() {
        compositions.len()
    } else {
        top.len()
    };
    if others > 1 {
        notes.push(format!(
            "the file has {others} compositions; \"{}\" was imported",
            pick.string(pid::MOB_NAME).unwrap_or_default()
        ));
    }
    Ok(pick.clone())
}

/// The composition's start (as a time of day) and frame rate, from its
/// timecode slot (00:00:00:00 and the edit rate's rate when it has none).
fn timecode(
    store: &Store,
    slots: &[Object],
    given: Option<FrameRate>,
    notes: &mut Vec<String>,
) -> Result<(Seconds, FrameRate), ImportError> {
    for slot in slots {
        let Some(segment) = store.child(slot, pid::SLOT_SEGMENT)? else {
            continue;
        };
        let tc = if segment.class == class::TIMECODE {
            Some(segment)
        } else if segment.class == class::SEQUENCE
            && data_def::is_timecode(segment.weak_auid(pid::COMPONENT_DATA_DEF))
        {
            store
                .children(&segment, pid::SEQUENCE_COMPONENTS)?
                .into_iter()
                .find(|c| c.class == class::TIMECODE)
        } else {
            None
        };
        let Some(tc) = tc else { continue };
        let start = tc.i64(pid::TIMECODE_START).unwrap_or(0).max(0);
        let fps = tc.u16(pid::TIMECODE_FPS).unwrap_or(0);
        let drop = tc.u8(pid::TIMECODE_DROP).unwrap_or(0) != 0;
        let ntsc = edit_rate(slot).is_some_and(|(n, d)| n % d != 0);
        let found = match (fps, drop) {
            (24, _) if ntsc => Some(FrameRate::Fps23_976),
            (24, _) => Some(FrameRate::Fps24),
            (25, _) => Some(FrameRate::Fps25),
            (30, true) => Some(FrameRate::Fps29_97Df),
            (30, false) if ntsc => Some(FrameRate::Fps29_97),
            (30, false) => Some(FrameRate::Fps30),
            _ => None,
        };
        // A high rate (50, 59.94, 60, 100, 119.88, 120) counts its frames
        // at a multiple of a session rate: the session takes that rate.
        let base = if fps > 30 && fps % 30 == 0 {
            Some(match (drop, ntsc) {
                (true, _) => FrameRate::Fps29_97Df,
                (false, true) => FrameRate::Fps29_97,
                (false, false) => FrameRate::Fps30,
            })
        } else if fps > 25 && fps % 25 == 0 {
            Some(FrameRate::Fps25)
        } else {
            None
        };
        let rate = match (given, found.or(base)) {
            (Some(r), _) => r,
            (None, Some(r)) => r,
            (None, None) => {
                return Err(store.error(
                    &tc.path,
                    format!(
                        "the composition's timecode runs at {fps} fps{}, which a session does not: give --rate (23.976, 24, 25, 29.97df, 29.97 or 30)",
                        if drop { " drop-frame" } else { "" }
                    ),
                ))
            }
        };
        if found.is_none() && given.is_none() {
            notes.push(format!(
                "the composition's timecode runs at {fps} fps{}; the session counts {rate} fps timecode (give --rate for another)",
                if drop { " drop-frame" } else { "" }
            ));
        }
        // The start counts frames of the timecode's own rate (NTSC rates
        // run 1000/1001 slow).
        let start = match found {
            Some(r) => Seconds::from_frames(start, r),
            None if ntsc => Seconds::new(i128::from(start) * 1001, i128::from(fps.max(1)) * 1000),
            None => Seconds::new(i128::from(start), i128::from(fps.max(1))),
        };
        return Ok((start, rate));
    }
    let rate = given
        .or_else(|| {
            slots.iter().find_map(|s| {
                edit_rate(s)
                    .and_then(|(n, d)| super::time::frame_rate_of(f64::from(n) / f64::from(d)))
            })
        })
        .unwrap_or(FrameRate::Fps24);
    Ok((Seconds::ZERO, rate))
}

/// The markers of an event slot.
fn slot_markers(
    store: &Store,
    slot: &Object,
    segment: &Object,
    start: Seconds,
    (user, colour): (Option<u16>, Option<u16>),
) -> Result<Vec<Locator>, ImportError> {
    let Some(rate) = edit_rate(slot) else {
        return Ok(Vec::new());
    };
    let events = if segment.class == class::SEQUENCE {
        store.children(segment, pid::SEQUENCE_COMPONENTS)?
    } else {
        vec![segment.clone()]
    };
    let mut out = Vec::new();
    for e in events {
        if e.class != class::COMMENT_MARKER && e.class != class::DESCRIPTIVE_MARKER {
            continue;
        }
        let Some(position) = e.i64(pid::EVENT_POSITION) else {
            continue;
        };
        let label = user
            .and_then(|p| e.string(p))
            .filter(|s| !s.trim().is_empty());
        let comment = e
            .string(pid::EVENT_COMMENT)
            .filter(|s| !s.trim().is_empty());
        let rgb = colour.and_then(|p| e.prop(p)).and_then(|p| {
            let d = &p.data;
            (d.len() >= 6).then(|| {
                format!(
                    "#{:02x}{:02x}{:02x}",
                    u16::from_le_bytes([d[0], d[1]]) >> 8,
                    u16::from_le_bytes([d[2], d[3]]) >> 8,
                    u16::from_le_bytes([d[4], d[5]]) >> 8
                )
            })
        });
        let mut name = label.unwrap_or_else(|| "Marker".into());
        if let Some(rgb) = rgb {
            name = format!("{name} [{rgb}]");
        }
        if let Some(comment) = comment {
            name = format!("{name}: {}", comment.trim());
        }
        out.push(Locator {
            line: 0,
            at: start + units(position, rate),
            name,
        });
    }
    Ok(out)
}

/// The local id of the property named `name` in the file's meta-dictionary
/// (extension properties such as Avid's marker colour), if it has one.
fn dynamic_pid(store: &Store, name: &str) -> Result<Option<u16>, ImportError> {
    const META_DICTIONARY: u16 = 0x0001;
    const CLASS_DEFINITIONS: u16 = 0x0003;
    const CLASS_PROPERTIES: u16 = 0x0009;
    const META_NAME: u16 = 0x0006;
    const LOCAL_ID: u16 = 0x000D;
    let root = store.object("/", 0)?;
    let Some(meta) = store.child(&root, META_DICTIONARY)? else {
        return Ok(None);
    };
    for class_def in store.children(&meta, CLASS_DEFINITIONS)? {
        if class_def.prop(CLASS_PROPERTIES).is_none() {
            continue;
        }
        for prop in store.children(&class_def, CLASS_PROPERTIES)? {
            // Media Composer spells some of its names in other cases
            // ("CommentMarkerUSer").
            let found = prop.prop(META_NAME).map(|p| utf16(&p.data));
            if found.is_some_and(|n| n.eq_ignore_ascii_case(name)) {
                return Ok(prop.u16(LOCAL_ID));
            }
        }
    }
    Ok(None)
}

/// The cut's tracks: one per slot, or one per channel of a multichannel
/// slot (named `.L`/`.R` and panned hard for two), with embedded media
/// extracted into `media_dir` (once per essence stream).
fn tracks(
    store: &Store,
    walked: Vec<Slot>,
    media_dir: Option<&Path>,
    notes: &mut Vec<String>,
    unsupported: &mut Vec<String>,
) -> Vec<CutTrack> {
    let mut extracted: HashMap<String, Result<PathBuf, String>> = HashMap::new();
    let mut tracks = Vec::new();
    let mut number = 0u16;
    for slot in walked {
        for ch in 0..slot.channels {
            number += 1;
            let name = match slot.channels {
                1 => slot.name.clone(),
                2 => format!("{}.{}", slot.name, if ch == 0 { "L" } else { "R" }),
                _ => format!("{}.{}", slot.name, ch + 1),
            };
            // Two slots of one name (Pro Tools does this) become two tracks.
            let mut unique = name.clone();
            let mut n = 1;
            while tracks.iter().any(|t: &CutTrack| t.name == unique) {
                n += 1;
                unique = format!("{name} ({n})");
            }
            let name = unique;
            let mut mix = slot.mix.clone();
            if slot.channels == 2 {
                if ch == 0 && (!mix.pan_points.is_empty() || mix.pan != 0.0) {
                    unsupported.push(format!(
                        "{}: the pan of a stereo track is not reproduced; its sides are panned hard left and right",
                        slot.name
                    ));
                }
                mix = TrackMix {
                    pan: if ch == 0 { -1.0 } else { 1.0 },
                    pan_points: Vec::new(),
                    ..mix
                };
            }
            let mut clips = Vec::new();
            for c in slot.clips.iter().filter(|c| c.channel_index == ch) {
                let mut clip = c.clip.clone();
                if let Some((stream, kind, file_name)) = &c.embedded {
                    match media_dir {
                        Some(dir) => {
                            let done = extracted.entry(stream.clone()).or_insert_with(|| {
                                let name = if file_name.is_empty() {
                                    &clip.name
                                } else {
                                    file_name
                                };
                                essence::extract(store, stream, kind, dir, name)
                            });
                            match done {
                                Ok(path) => clip.media.path = Some(path.clone()),
                                Err(why) => notes.push(format!(
                                    "{name} {}: its embedded media could not be extracted: {why}",
                                    clip.label
                                )),
                            }
                        }
                        None => notes.push(format!(
                            "{name} {}: its media are embedded in the AAF and were not extracted",
                            clip.label
                        )),
                    }
                }
                clips.push(clip);
            }
            tracks.push(CutTrack {
                number,
                name,
                mute: false,
                clips,
                mix,
            });
        }
    }
    tracks
}
