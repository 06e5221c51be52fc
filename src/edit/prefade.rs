//! Prefade edits: clip gain, fades, crossfades, dips and room-tone fill.

use super::clip::{clip_at, ClipRef};
use crate::model::{Clip, Dip, Fade, FadeShape, LoopFill, Session};

/// Clip gain stays within these (dB).
pub const GAIN_RANGE: (f32, f32) = (-96.0, 24.0);

/// Change the gain of clips by `db`, in tenths of a dB.
pub fn gain(session: &mut Session, clips: &[ClipRef], db: f32) -> Result<f32, String> {
    let mut last = 0.0;
    for &(t, i) in clips {
        let c = &mut session.tracks[t].clips[i];
        let g = ((c.gain_db + db) * 10.0).round() / 10.0;
        c.gain_db = g.clamp(GAIN_RANGE.0, GAIN_RANGE.1);
        last = c.gain_db;
    }
    Ok(last)
}

/// Which fade of a clip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    In,
    Out,
}

/// Set the fade at `end` of `clip` to `length` samples (at most what the
/// other fade leaves).
pub fn set_fade(clip: &mut Clip, end: End, length: u64) -> u64 {
    match end {
        End::In => {
            clip.fade_in.length = length.min(clip.length - clip.fade_out.length.min(clip.length));
            clip.fade_in.length
        }
        End::Out => {
            clip.fade_out.length = length.min(clip.length - clip.fade_in.length.min(clip.length));
            clip.fade_out.length
        }
    }
}

/// A fade on the clip under `at` on `track`: from its start to `at` (fade
/// in) or from `at` to its end (fade out), or of `length` when given.
pub fn fade(
    session: &mut Session,
    track: usize,
    at: u64,
    end: End,
    length: Option<u64>,
) -> Result<u64, String> {
    let t = &mut session.tracks[track];
    let i = clip_at(t, at).ok_or_else(|| format!("no clip under the playhead on {}", t.name))?;
    let c = &mut t.clips[i];
    let length = length.unwrap_or(match end {
        End::In => at - c.position,
        End::Out => c.end() - at,
    });
    Ok(set_fade(c, end, length))
}

/// Cycle the shape of the fade nearest `at` in the clip under it.
pub fn cycle_shape(session: &mut Session, track: usize, at: u64) -> Result<FadeShape, String> {
    let t = &mut session.tracks[track];
    let i = clip_at(t, at).ok_or_else(|| format!("no clip under the playhead on {}", t.name))?;
    let c = &mut t.clips[i];
    let near_start = at - c.position < c.end() - at;
    let fade = match (c.fade_in.length > 0, c.fade_out.length > 0) {
        (false, false) => return Err(format!("{} has no fade", c.display_name())),
        (true, false) => &mut c.fade_in,
        (false, true) => &mut c.fade_out,
        (true, true) if near_start => &mut c.fade_in,
        (true, true) => &mut c.fade_out,
    };
    let k = FadeShape::ALL
        .iter()
        .position(|s| *s == fade.shape)
        .unwrap_or(0);
    fade.shape = FadeShape::ALL[(k + 1) % FadeShape::ALL.len()];
    Ok(fade.shape)
}

/// A crossfade of `length` samples at the boundary nearest `at` on `track`
/// (within `reach`): the clip before is lengthened into the one after and
/// the one after into the one before, as far as their sources allow, and
/// both fade over the overlap. Material continuous in one source (a split
/// edit) gets a linear crossfade, which keeps its level; anything else an
/// equal-power one. Returns the crossfade's length.
pub fn crossfade(
    session: &mut Session,
    track: usize,
    at: u64,
    reach: u64,
    length: u64,
    shape: Option<FadeShape>,
    source_len: impl Fn(&str) -> Option<u64>,
) -> Result<u64, String> {
    let t = &mut session.tracks[track];
    // The pair (a before b) whose boundary is nearest the playhead.
    let mut best: Option<(u64, usize, usize)> = None;
    for (ia, a) in t.clips.iter().enumerate() {
        for (ib, b) in t.clips.iter().enumerate() {
            if ia == ib || b.position < a.position || b.position > a.end() || b.end() <= a.end() {
                continue;
            }
            let boundary = (a.end() + b.position) / 2;
            let d = boundary.abs_diff(at);
            if d <= reach && best.is_none_or(|(bd, _, _)| d < bd) {
                best = Some((d, ia, ib));
            }
        }
    }
    let (_, ia, ib) =
        best.ok_or_else(|| format!("no two clips meet near the playhead on {}", t.name))?;
    let (a, b) = (t.clips[ia].clone(), t.clips[ib].clone());
    let overlap = a.end() - b.position;
    let want = length.max(overlap);
    let extra = want - overlap;
    // How far each side can reach into the other.
    let a_room = match (a.looped, source_len(&a.source)) {
        (Some(_), _) | (None, None) => u64::MAX,
        (None, Some(len)) => len.saturating_sub(a.source_offset + a.length),
    };
    let b_room = if b.looped.is_some() {
        u64::MAX
    } else {
        b.source_offset
    };
    let mut grow_a = (extra / 2).min(a_room);
    let grow_b = (extra - grow_a).min(b_room).min(b.position);
    grow_a = (extra - grow_b).min(a_room);
    let a_len = a.length + grow_a;
    let b_start = b.position - grow_b;
    let total = overlap + grow_a + grow_b;
    if total == 0 {
        return Err(format!(
            "{} and {} have no source material to overlap",
            a.display_name(),
            b.display_name()
        ));
    }
    let continuous = a.source == b.source
        && a.looped.is_none()
        && b.looped.is_none()
        && a.source_offset as i128 - a.position as i128
            == b.source_offset as i128 - b.position as i128;
    let shape = shape.unwrap_or(if continuous {
        FadeShape::Linear
    } else {
        FadeShape::EqualPower
    });
    {
        let a = &mut t.clips[ia];
        a.length = a_len;
        a.fade_out = Fade {
            length: total.min(a.length),
            shape,
        };
        a.fade_in.length = a.fade_in.length.min(a.length - a.fade_out.length);
    }
    {
        let b = &mut t.clips[ib];
        let d = b.position - b_start;
        b.position = b_start;
        b.length += d;
        if b.looped.is_none() {
            b.source_offset -= d;
        }
        for dip in &mut b.dips {
            dip.start += d;
            dip.end += d;
        }
        b.fade_in = Fade {
            length: total.min(b.length),
            shape,
        };
        b.fade_out.length = b.fade_out.length.min(b.length - b.fade_in.length);
    }
    Ok(total)
}

/// A dip of `depth_db` over `start..end` with ramps of `ramp` outside it,
/// on every clip of `tracks` the span touches.
pub fn dip(
    session: &mut Session,
    tracks: &[usize],
    start: u64,
    end: u64,
    depth_db: f32,
    ramp: u64,
) -> Result<usize, String> {
    if end <= start {
        return Err("select a span first (v and a motion)".into());
    }
    if depth_db.is_nan() || depth_db >= 0.0 {
        return Err(format!("a dip goes down: {depth_db} dB is not below 0"));
    }
    let mut n = 0;
    for (t, i) in super::clip::clips_in(session, tracks, start, end) {
        let c = &mut session.tracks[t].clips[i];
        let s = start.max(c.position) - c.position;
        let e = end.min(c.end()) - c.position;
        c.dips.retain(|d| d.end <= s || d.start >= e);
        c.dips.push(Dip {
            start: s,
            end: e,
            depth_db,
            ramp,
        });
        c.dips.sort_by_key(|d| d.start);
        n += 1;
    }
    if n == 0 {
        return Err("no clip in the selection".into());
    }
    Ok(n)
}

/// Room-tone fill: the span `start..end` of the clip under it on `track`
/// loops across the gap after that clip (before it, with `before`), up to
/// the neighbouring clip, as a new clip crossfaded into both neighbours by
/// `crossfade` samples and joined to itself by the same. Returns the new
/// clip's length.
pub fn fill(
    session: &mut Session,
    track: usize,
    start: u64,
    end: u64,
    before: bool,
    crossfade: u64,
) -> Result<u64, String> {
    let t = &mut session.tracks[track];
    let i = clip_at(t, start)
        .filter(|&i| t.clips[i].end() >= end)
        .ok_or_else(|| format!("select room tone inside one clip on {}", t.name))?;
    let tone = t.clips[i].clone();
    let span = end.saturating_sub(start);
    if span < 2 * crossfade.max(1) + 1 {
        return Err(format!(
            "the room tone is too short for {crossfade}-sample joins: select more"
        ));
    }
    let (gap_start, gap_end) = if before {
        let prev_end = t
            .clips
            .iter()
            .filter(|c| c.end() <= tone.position)
            .map(Clip::end)
            .max()
            .unwrap_or(0);
        (prev_end, tone.position)
    } else {
        let next = t
            .clips
            .iter()
            .filter(|c| c.position >= tone.end())
            .map(|c| c.position)
            .min()
            .ok_or_else(|| format!("no gap after {} to fill", tone.display_name()))?;
        (tone.end(), next)
    };
    if gap_end <= gap_start {
        return Err(format!(
            "no gap {} {}",
            if before { "before" } else { "after" },
            tone.display_name()
        ));
    }
    let x = crossfade;
    let position = gap_start.saturating_sub(x);
    let fill_end = gap_end + x;
    let clip = Clip {
        name: format!("{} fill", tone.display_name()),
        source: tone.source.clone(),
        channel: tone.channel,
        source_offset: tone.source_offset + (start - tone.position),
        position,
        length: fill_end - position,
        gain_db: tone.gain_db,
        fade_in: Fade {
            length: (gap_start - position).min(x),
            shape: FadeShape::EqualPower,
        },
        fade_out: Fade {
            length: x,
            shape: FadeShape::EqualPower,
        },
        dips: Vec::new(),
        mute: false,
        looped: Some(LoopFill {
            length: span,
            crossfade: x,
        }),
    };
    // The neighbours fade across the joins.
    for c in &mut t.clips {
        if c.end() == gap_start && c.fade_out.length < x {
            c.fade_out = Fade {
                length: x.min(c.length),
                shape: FadeShape::EqualPower,
            };
        }
        if c.position == gap_end && c.fade_in.length < x {
            c.fade_in = Fade {
                length: x.min(c.length),
                shape: FadeShape::EqualPower,
            };
        }
    }
    let length = clip.length;
    let at = t.clips.partition_point(|c| c.position <= clip.position);
    t.clips.insert(at, clip);
    Ok(length)
}
