//! Spotting: moving a clip to its original timecode, the time of day its
//! first sample was recorded at according to the source's BWF `bext` time
//! reference. The clip keeps its length, source offset and prefades; only
//! its position changes.

use std::path::Path;

use super::bwf;
use super::time::Seconds;
use crate::bounce;
use crate::media::pool::resolve;
use crate::model::timecode::Timecode;
use crate::model::Session;

/// One clip moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    /// "A1/boom_t3".
    pub clip: String,
    pub from: u64,
    pub to: u64,
}

/// Clips that could not be spotted, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub clip: String,
    pub why: String,
}

/// What [`spot`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spotted {
    pub moved: Vec<Moved>,
    pub skipped: Vec<Skipped>,
}

/// Spot the clips named by `selectors` (`TRACK/CLIP`: a track name and a
/// clip name, every clip of that name on the track), or every clip when
/// `all`. Sources are read relative to `session_dir`. A selector that names
/// nothing is an error; a clip whose source has no timecode is an error
/// when named and skipped (and listed) with `all`.
pub fn spot(
    session: &mut Session,
    session_dir: &Path,
    selectors: &[String],
    all: bool,
) -> Result<Spotted, String> {
    let mut targets: Vec<(usize, usize)> = Vec::new();
    if all {
        for (t, track) in session.tracks.iter().enumerate() {
            targets.extend((0..track.clips.len()).map(|k| (t, k)));
        }
    }
    for selector in selectors {
        for target in select(session, selector)? {
            if !targets.contains(&target) {
                targets.push(target);
            }
        }
    }
    let mut done = Spotted::default();
    for (t, k) in targets {
        let name = format!(
            "{}/{}",
            session.tracks[t].name,
            session.tracks[t].clips[k].display_name()
        );
        match original_position(session, session_dir, t, k) {
            Ok(to) => {
                let clip = &mut session.tracks[t].clips[k];
                done.moved.push(Moved {
                    clip: name,
                    from: clip.position,
                    to,
                });
                clip.position = to;
            }
            Err(why) if all => done.skipped.push(Skipped { clip: name, why }),
            Err(why) => return Err(format!("{name}: {why}")),
        }
    }
    Ok(done)
}

/// The clips a `TRACK/CLIP` selector names. Track and clip names may
/// themselves hold `/`: every split is tried. Names match exactly, or else
/// regardless of letter case.
fn select(session: &Session, selector: &str) -> Result<Vec<(usize, usize)>, String> {
    let splits: Vec<(&str, &str)> = selector
        .match_indices('/')
        .map(|(i, _)| (&selector[..i], &selector[i + 1..]))
        .collect();
    if splits.is_empty() {
        return Err(format!(
            "\"{selector}\" does not name a clip: expected TRACK/CLIP, e.g. A1/boom_t3"
        ));
    }
    for exact in [true, false] {
        let same = |a: &str, b: &str| {
            if exact {
                a == b
            } else {
                a.eq_ignore_ascii_case(b)
            }
        };
        for (track_name, clip_name) in &splits {
            let found: Vec<(usize, usize)> = session
                .tracks
                .iter()
                .enumerate()
                .filter(|(_, t)| same(&t.name, track_name))
                .flat_map(|(t, track)| {
                    track
                        .clips
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| same(c.display_name(), clip_name))
                        .map(move |(k, _)| (t, k))
                })
                .collect();
            if !found.is_empty() {
                return Ok(found);
            }
        }
    }
    let tracks: Vec<&str> = session.tracks.iter().map(|t| t.name.as_str()).collect();
    Err(format!(
        "no clip matches \"{selector}\" (tracks: {})",
        tracks.join(", ")
    ))
}

/// The timeline position at which clip `k` of track `t` plays its source at
/// the source's original timecode.
fn original_position(session: &Session, dir: &Path, t: usize, k: usize) -> Result<u64, String> {
    let clip = &session.tracks[t].clips[k];
    let source = session
        .source(&clip.source)
        .ok_or_else(|| format!("there is no source \"{}\"", clip.source))?;
    let path = resolve(dir, &source.path);
    let info = bwf::read(&path).map_err(|e| e.to_string())?;
    let Some(start) = info.start() else {
        return Err(format!("{} has no BWF timecode to spot to", path.display()));
    };
    let rate = session.timecode.rate;
    let sample_rate = session.sample_rate;
    let session_start = Timecode::parse(&session.timecode.start, rate)
        .map(|tc| Seconds::from_timecode(&tc, rate))
        .map_err(|e| format!("timecode.start: {e}"))?;
    // As the bounce stamps it: the session start rounded to a sample.
    let origin = session_start.to_samples(sample_rate);
    let first = start.to_samples(sample_rate) + i128::from(clip.source_offset) - origin;
    u64::try_from(first).map_err(|_| {
        let at = start + Seconds::from_samples(clip.source_offset, sample_rate);
        format!(
            "its original timecode {} is before the session start {}",
            at.timecode(rate),
            bounce::clock(session).start
        )
    })
}
