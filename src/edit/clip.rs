//! Clip edits: find, split, trim, nudge, slip, move between tracks, cut
//! and paste. Each works on the session model alone and says what it did
//! or why it could not; the console makes them undoable.

use crate::model::{Clip, Session, Track};

/// Where clips sit: a track and an index into its clips.
pub type ClipRef = (usize, usize);

/// The clip on `track` that plays at `at`: of overlapping ones, the one
/// that starts last.
pub fn clip_at(track: &Track, at: u64) -> Option<usize> {
    track
        .clips
        .iter()
        .enumerate()
        .filter(|(_, c)| c.position <= at && at < c.end())
        .max_by_key(|(_, c)| c.position)
        .map(|(i, _)| i)
}

/// Clips on `tracks` that overlap `start..end`, in track then time order.
pub fn clips_in(session: &Session, tracks: &[usize], start: u64, end: u64) -> Vec<ClipRef> {
    let mut out = Vec::new();
    for &t in tracks {
        let Some(track) = session.tracks.get(t) else {
            continue;
        };
        let mut here: Vec<usize> = (0..track.clips.len())
            .filter(|&i| {
                let c = &track.clips[i];
                c.position < end && start < c.end()
            })
            .collect();
        here.sort_by_key(|&i| track.clips[i].position);
        out.extend(here.into_iter().map(|i| (t, i)));
    }
    out
}

/// Cut `clip` at the clip-relative sample `cut` (inside it): the clip keeps
/// the part before and the part after is returned. Fades stay at the outer
/// ends, dips go with the part they fall in.
pub fn cut_clip(clip: &mut Clip, cut: u64) -> Result<Clip, String> {
    if cut == 0 || cut >= clip.length {
        return Err(format!(
            "{} has no inside at that point",
            clip.display_name()
        ));
    }
    if clip.looped.is_some() {
        return Err(format!(
            "{} is a room-tone fill: trim it rather than split it",
            clip.display_name()
        ));
    }
    let mut right = clip.clone();
    right.position = clip.position + cut;
    right.source_offset = clip.source_offset + cut;
    right.length = clip.length - cut;
    right.fade_in.length = 0;
    right.fade_out.length = clip.fade_out.length.min(right.length);
    right.dips = clip
        .dips
        .iter()
        .filter(|d| d.end > cut)
        .map(|d| {
            let mut d = *d;
            d.start = d.start.saturating_sub(cut);
            d.end -= cut;
            d
        })
        .collect();
    clip.length = cut;
    clip.fade_out.length = 0;
    clip.fade_in.length = clip.fade_in.length.min(cut);
    clip.dips.retain(|d| d.start < cut);
    for d in &mut clip.dips {
        d.end = d.end.min(cut);
    }
    Ok(right)
}

/// Split the clip under `at` on `track`; returns the new clip's index.
pub fn split(session: &mut Session, track: usize, at: u64) -> Result<usize, String> {
    let t = &mut session.tracks[track];
    let i = clip_at(t, at).ok_or_else(|| format!("no clip under the playhead on {}", t.name))?;
    let cut = at - t.clips[i].position;
    let right = cut_clip(&mut t.clips[i], cut)?;
    t.clips.insert(i + 1, right);
    Ok(i + 1)
}

/// Move the start of `clip` to `at` (earlier only as far as the source
/// has material before the clip), keeping its content where it is.
pub fn trim_start(clip: &mut Clip, at: u64) -> Result<(), String> {
    if at >= clip.end() {
        return Err(format!("{} would be empty", clip.display_name()));
    }
    if at >= clip.position {
        let d = at - clip.position;
        clip.position = at;
        clip.length -= d;
        if clip.looped.is_none() {
            clip.source_offset += d;
        }
        clip.fade_in.length = clip.fade_in.length.saturating_sub(d);
        shift_dips(clip, -(d as i64));
    } else {
        let d = clip.position - at;
        if clip.looped.is_none() && d > clip.source_offset {
            return Err(format!(
                "{} has only {} samples of source before it",
                clip.display_name(),
                clip.source_offset
            ));
        }
        clip.position = at;
        clip.length += d;
        if clip.looped.is_none() {
            clip.source_offset -= d;
        }
        shift_dips(clip, d as i64);
    }
    Ok(())
}

/// Move the end of `clip` to `at`; later only as far as its source goes
/// (`source_len`, when known).
pub fn trim_end(clip: &mut Clip, at: u64, source_len: Option<u64>) -> Result<(), String> {
    if at <= clip.position {
        return Err(format!("{} would be empty", clip.display_name()));
    }
    let length = at - clip.position;
    if let (Some(len), None) = (source_len, clip.looped) {
        if clip.source_offset + length > len {
            return Err(format!(
                "{} has only {} samples of source after it",
                clip.display_name(),
                len.saturating_sub(clip.source_offset + clip.length)
            ));
        }
    }
    clip.length = length;
    clip.fade_out.length = clip.fade_out.length.min(length);
    clip.fade_in.length = clip.fade_in.length.min(length - clip.fade_out.length);
    clip.dips.retain(|d| d.start < length);
    for d in &mut clip.dips {
        d.end = d.end.min(length);
    }
    Ok(())
}

fn shift_dips(clip: &mut Clip, by: i64) {
    let length = clip.length;
    clip.dips.retain_mut(|d| {
        let start = d.start as i64 + by;
        let end = d.end as i64 + by;
        if end <= 0 || start >= length as i64 {
            return false;
        }
        d.start = start.max(0) as u64;
        d.end = (end as u64).min(length);
        true
    });
}

/// Move clips along the timeline by `by` samples (never before the start).
pub fn nudge(session: &mut Session, clips: &[ClipRef], by: i64) -> Result<(), String> {
    for &(t, i) in clips {
        let c = &session.tracks[t].clips[i];
        if by < 0 && c.position < by.unsigned_abs() {
            return Err(format!("{} is at the session start", c.display_name()));
        }
    }
    for &(t, i) in clips {
        let c = &mut session.tracks[t].clips[i];
        c.position = c.position.saturating_add_signed(by);
    }
    Ok(())
}

/// Slip the content inside clips by `by` samples: the clip stays put and
/// plays source material `by` samples later (or earlier when negative).
pub fn slip(
    session: &mut Session,
    clips: &[ClipRef],
    by: i64,
    source_len: impl Fn(&str) -> Option<u64>,
) -> Result<(), String> {
    for &(t, i) in clips {
        let c = &session.tracks[t].clips[i];
        let offset = c.source_offset as i64 + by;
        let room = source_len(&c.source).map(|len| len as i64 - c.length as i64);
        if offset < 0 || room.is_some_and(|r| c.looped.is_none() && offset > r) {
            return Err(format!(
                "{} cannot slip further: its source ends",
                c.display_name()
            ));
        }
    }
    for &(t, i) in clips {
        let c = &mut session.tracks[t].clips[i];
        c.source_offset = c.source_offset.saturating_add_signed(by);
    }
    Ok(())
}

/// Move clips to the track `by` tracks below (negative: above), keeping
/// their time. Returns the track the first clip went to.
pub fn move_to_track(session: &mut Session, clips: &[ClipRef], by: i64) -> Result<usize, String> {
    let tracks = session.tracks.len() as i64;
    let Some(&(first, _)) = clips.first() else {
        return Err("no clip to move".into());
    };
    for &(t, _) in clips {
        let to = t as i64 + by;
        if to < 0 || to >= tracks {
            return Err(format!(
                "no track {} {}",
                if by < 0 { "above" } else { "below" },
                session.tracks[t].name
            ));
        }
    }
    let mut order: Vec<ClipRef> = clips.to_vec();
    order.sort_unstable_by(|a, b| b.cmp(a));
    let mut moving = Vec::new();
    for (t, i) in order {
        let clip = session.tracks[t].clips.remove(i);
        moving.push(((t as i64 + by) as usize, clip));
    }
    for (t, clip) in moving.into_iter().rev() {
        let track = &mut session.tracks[t];
        let i = track.clips.partition_point(|c| c.position <= clip.position);
        track.clips.insert(i, clip);
    }
    Ok((first as i64 + by) as usize)
}

/// What a yank or cut takes: the clips within a span, trimmed to it, with
/// positions from the span's start, per track from the first one.
#[derive(Debug, Clone, PartialEq)]
pub struct ClipBoard {
    pub length: u64,
    pub tracks: Vec<Vec<Clip>>,
}

impl ClipBoard {
    pub fn clip_count(&self) -> usize {
        self.tracks.iter().map(Vec::len).sum()
    }
}

/// The clips of `tracks` within `start..end`, trimmed to it.
pub fn copy(session: &Session, tracks: &[usize], start: u64, end: u64) -> ClipBoard {
    let mut board = ClipBoard {
        length: end - start,
        tracks: Vec::new(),
    };
    for &t in tracks {
        let mut row = Vec::new();
        for (_, i) in clips_in(session, &[t], start, end) {
            let mut c = session.tracks[t].clips[i].clone();
            if c.position < start {
                let _ = trim_start(&mut c, start);
            }
            if c.end() > end {
                let _ = trim_end(&mut c, end, None);
            }
            c.position -= start;
            row.push(c);
        }
        board.tracks.push(row);
    }
    board
}

/// Remove what lies within `start..end` on `tracks`: clips inside go,
/// clips across an edge are cut there.
pub fn delete(
    session: &mut Session,
    tracks: &[usize],
    start: u64,
    end: u64,
) -> Result<usize, String> {
    let mut removed = 0;
    for &t in tracks {
        let track = &mut session.tracks[t];
        let mut kept = Vec::with_capacity(track.clips.len() + 1);
        for mut c in std::mem::take(&mut track.clips) {
            if c.end() <= start || c.position >= end {
                kept.push(c);
                continue;
            }
            removed += 1;
            let before = c.position < start;
            let after = c.end() > end;
            if before && after && c.looped.is_some() {
                // A fill across the whole span: keep both sides as fills.
                let mut right = c.clone();
                trim_start(&mut right, end)?;
                trim_end(&mut c, start, None)?;
                kept.push(c);
                kept.push(right);
            } else if before && after {
                let p = c.position;
                let right = cut_clip(&mut c, end - p)?;
                cut_clip(&mut c, start - p)?;
                kept.push(c);
                kept.push(right);
            } else if before {
                trim_end(&mut c, start, None)?;
                kept.push(c);
            } else if after {
                trim_start(&mut c, end)?;
                kept.push(c);
            }
        }
        track.clips = kept;
    }
    if removed == 0 {
        return Err("nothing to delete there".into());
    }
    Ok(removed)
}

/// Put `board` at `at` on `track` and the tracks below it.
pub fn paste(
    session: &mut Session,
    track: usize,
    at: u64,
    board: &ClipBoard,
) -> Result<usize, String> {
    if track + board.tracks.len() > session.tracks.len() {
        return Err(format!(
            "the register spans {} tracks; there are not enough below {}",
            board.tracks.len(),
            session.tracks[track].name
        ));
    }
    let mut n = 0;
    for (k, row) in board.tracks.iter().enumerate() {
        let t = &mut session.tracks[track + k];
        for c in row {
            let mut c = c.clone();
            c.position += at;
            let i = t.clips.partition_point(|x| x.position <= c.position);
            t.clips.insert(i, c);
            n += 1;
        }
    }
    Ok(n)
}
