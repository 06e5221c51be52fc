//! Clip and prefade commands: what a dialog editor does all day, on the
//! clip under the playhead on the selected track, or on every clip of the
//! selection (a span of time across tracks, made in visual mode).

use super::desk::Desk;
use super::motion::step_through;
use super::spec::{desk, Args, CommandSpec, Kind};
use super::strip::StripId;
use crate::edit::clip::{self, ClipRef};
use crate::edit::grid::Grid;
use crate::edit::prefade::{self, End};
use crate::model::timecode::parse_position;
use crate::model::FadeShape;

pub(super) static COMMANDS: &[CommandSpec] = &[
    desk(
        "split",
        &[],
        "",
        Kind::Edit,
        "Split the clip under the playhead on the selected track",
        split,
    ),
    desk(
        "trim-start",
        &[],
        "",
        Kind::Edit,
        "Move the start of the clip under (or after) the playhead to the playhead",
        trim_start,
    ),
    desk(
        "trim-end",
        &[],
        "",
        Kind::Edit,
        "Move the end of the clip under (or before) the playhead to the playhead",
        trim_end,
    ),
    desk(
        "nudge-later",
        &[],
        "",
        Kind::Edit,
        "Move the clip (or the selection's clips) later by a grid unit, times the count",
        |d, a| nudge(d, a, 1),
    ),
    desk(
        "nudge-earlier",
        &[],
        "",
        Kind::Edit,
        "Move the clip (or the selection's clips) earlier by a grid unit, times the count",
        |d, a| nudge(d, a, -1),
    ),
    desk(
        "slip-later",
        &[],
        "",
        Kind::Edit,
        "Slip the content inside the clip: play material a grid unit later",
        |d, a| slip(d, a, 1),
    ),
    desk(
        "slip-earlier",
        &[],
        "",
        Kind::Edit,
        "Slip the content inside the clip: play material a grid unit earlier",
        |d, a| slip(d, a, -1),
    ),
    desk(
        "clip-down",
        &[],
        "",
        Kind::Edit,
        "Move the clip (or the selection's clips) to the track below, keeping its time",
        |d, a| move_track(d, a, 1),
    ),
    desk(
        "clip-up",
        &[],
        "",
        Kind::Edit,
        "Move the clip (or the selection's clips) to the track above, keeping its time",
        |d, a| move_track(d, a, -1),
    ),
    desk(
        "clip-mute",
        &[],
        "",
        Kind::Edit,
        "Mute or unmute the clip (or the selection's clips)",
        clip_mute,
    ),
    desk(
        "clip-gain-up",
        &[],
        "[DB]",
        Kind::Edit,
        "Raise clip gain (1 dB, times the count)",
        |d, a| clip_gain(d, a, 1.0),
    ),
    desk(
        "clip-gain-down",
        &[],
        "[DB]",
        Kind::Edit,
        "Lower clip gain (1 dB, times the count)",
        |d, a| clip_gain(d, a, -1.0),
    ),
    desk(
        "fade-in",
        &[],
        "[LENGTH]",
        Kind::Edit,
        "Fade the clip in from its start to the playhead, or over LENGTH (10f, 250ms)",
        |d, a| fade(d, a, End::In),
    ),
    desk(
        "fade-out",
        &[],
        "[LENGTH]",
        Kind::Edit,
        "Fade the clip out from the playhead to its end, or over LENGTH",
        |d, a| fade(d, a, End::Out),
    ),
    desk(
        "fade-shape",
        &[],
        "",
        Kind::Edit,
        "Cycle the shape of the fade nearest the playhead",
        fade_shape,
    ),
    desk(
        "crossfade",
        &["xf"],
        "[LENGTH] [SHAPE]",
        Kind::Edit,
        "Crossfade the two clips meeting nearest the playhead (default 1 frame)",
        crossfade,
    ),
    desk(
        "dip",
        &[],
        "[DB] [RAMP]",
        Kind::Edit,
        "Dip the selection's clips by DB (-6) with ramps of RAMP (10ms) outside it",
        dip,
    ),
    desk(
        "fill",
        &[],
        "[before]",
        Kind::Edit,
        "Loop the selected room tone across the gap after its clip (or before)",
        fill,
    ),
    desk(
        "select-clip",
        &[],
        "",
        Kind::Motion,
        "Select the span of the clip under the playhead",
        select_clip,
    ),
    desk(
        "boundary-next",
        &[],
        "",
        Kind::Motion,
        "Move the playhead to the next clip start or end on the selected track",
        |d, a| boundary(d, a, true),
    ),
    desk(
        "boundary-prev",
        &[],
        "",
        Kind::Motion,
        "Move the playhead to the previous clip start or end on the selected track",
        |d, a| boundary(d, a, false),
    ),
    desk(
        "grid",
        &[],
        "[frame|subframe|ms|sample]",
        Kind::View,
        "Set the nudge grid, or step to the next unit",
        grid,
    ),
    desk(
        "marker-name",
        &[],
        "NAME",
        Kind::Edit,
        "Rename the marker nearest the playhead",
        marker_name,
    ),
];

/// The selected strip's track.
pub fn track(d: &Desk) -> Result<usize, String> {
    match d.strip_id() {
        StripId::Track(t) => Ok(t),
        s => Err(format!(
            "select a track (j/k): the {} has no clips",
            s.kind()
        )),
    }
}

/// The clips an edit works on: the selection's, or the one under the playhead.
pub fn edit_clips(d: &Desk) -> Result<Vec<ClipRef>, String> {
    if let Some((a, b)) = d.selection.filter(|(a, b)| b > a) {
        let found = clip::clips_in(&d.session, &d.selected_tracks(), a, b);
        if found.is_empty() {
            return Err("no clip in the selection".into());
        }
        return Ok(found);
    }
    let t = track(d)?;
    let i = clip::clip_at(&d.session.tracks[t], d.playhead())
        .ok_or_else(|| format!("no clip under the playhead on {}", d.session.tracks[t].name))?;
    Ok(vec![(t, i)])
}

fn length_arg(d: &Desk, a: &Args, i: usize) -> Result<Option<u64>, String> {
    let Some(w) = a.word(i) else { return Ok(None) };
    if let Some(frames) = w.strip_suffix('f').and_then(|n| n.parse::<u64>().ok()) {
        return Ok(Some(Grid::Frame.samples(&d.session, frames)));
    }
    parse_position(w, &d.clock)
        .map(Some)
        .map_err(|e| format!("{w:?}: {e}"))
}

fn split(d: &mut Desk, _: &Args) -> Result<(), String> {
    let t = track(d)?;
    let at = d.playhead();
    clip::split(&mut d.session, t, at)?;
    d.reload();
    d.say(format!("split at {}", d.clock.format_samples(d.playhead())));
    Ok(())
}

fn trim_start(d: &mut Desk, _: &Args) -> Result<(), String> {
    let t = track(d)?;
    let at = d.playhead();
    let tr = &d.session.tracks[t];
    let i = clip::clip_at(tr, at)
        .or_else(|| {
            (0..tr.clips.len())
                .filter(|&i| tr.clips[i].position > at)
                .min_by_key(|&i| tr.clips[i].position)
        })
        .ok_or_else(|| format!("no clip at or after the playhead on {}", tr.name))?;
    clip::trim_start(&mut d.session.tracks[t].clips[i], at)?;
    d.reload();
    Ok(())
}

fn trim_end(d: &mut Desk, _: &Args) -> Result<(), String> {
    let t = track(d)?;
    let at = d.playhead();
    let tr = &d.session.tracks[t];
    let i = clip::clip_at(tr, at.saturating_sub(1))
        .or_else(|| {
            (0..tr.clips.len())
                .filter(|&i| tr.clips[i].end() < at)
                .max_by_key(|&i| tr.clips[i].end())
        })
        .ok_or_else(|| format!("no clip at or before the playhead on {}", tr.name))?;
    let len = d.source_len(&tr.clips[i].source);
    clip::trim_end(&mut d.session.tracks[t].clips[i], at, len)?;
    d.reload();
    Ok(())
}

fn grid_step(d: &Desk, a: &Args) -> i64 {
    d.grid.samples(&d.session, a.count() as u64) as i64
}

fn nudge(d: &mut Desk, a: &Args, sign: i64) -> Result<(), String> {
    let clips = edit_clips(d)?;
    let by = sign * grid_step(d, a);
    clip::nudge(&mut d.session, &clips, by)?;
    // The playhead and the selection go along, so the next nudge finds the same clips.
    d.selection = d
        .selection
        .map(|(x, y)| (x.saturating_add_signed(by), y.saturating_add_signed(by)));
    let p = d.playhead().saturating_add_signed(by);
    let anchor = d.anchor.map(|x| x.saturating_add_signed(by));
    d.anchor = anchor;
    d.locate(p);
    d.reload();
    Ok(())
}

fn slip(d: &mut Desk, a: &Args, sign: i64) -> Result<(), String> {
    let clips = edit_clips(d)?;
    let by = sign * grid_step(d, a);
    let pool = std::sync::Arc::clone(&d.pool);
    clip::slip(&mut d.session, &clips, by, |id| source_len(&pool, id))?;
    d.reload();
    Ok(())
}

fn move_track(d: &mut Desk, a: &Args, sign: i64) -> Result<(), String> {
    let clips = edit_clips(d)?;
    let to = clip::move_to_track(&mut d.session, &clips, sign * a.count() as i64)?;
    // Follow the clip, so that the next move carries on from its new track.
    if let Some(k) =
        (0..d.strip_count()).find(|&k| StripId::at(&d.session, k) == StripId::Track(to))
    {
        let by = k as i64 - d.strip as i64;
        d.strip = k;
        d.strip_anchor = d.strip_anchor.map(|x| (x as i64 + by).max(0) as usize);
    }
    d.reload();
    d.say(format!(
        "{} clip(s) to {}",
        clips.len(),
        d.session.tracks[to].name
    ));
    Ok(())
}

fn clip_mute(d: &mut Desk, _: &Args) -> Result<(), String> {
    let clips = edit_clips(d)?;
    let mute = !clips
        .iter()
        .all(|&(t, i)| d.session.tracks[t].clips[i].mute);
    for (t, i) in clips {
        d.session.tracks[t].clips[i].mute = mute;
    }
    d.reload();
    Ok(())
}

fn clip_gain(d: &mut Desk, a: &Args, sign: f32) -> Result<(), String> {
    let clips = edit_clips(d)?;
    let step = a.word(0).map_or(Ok(1.0), |w| {
        w.parse::<f32>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("{w:?} is not a number of dB"))
    })?;
    let g = prefade::gain(&mut d.session, &clips, sign * step.abs() * a.count() as f32)?;
    d.reload();
    d.say(format!("clip gain {g:+.1} dB"));
    Ok(())
}

fn fade(d: &mut Desk, a: &Args, end: End) -> Result<(), String> {
    let t = track(d)?;
    let length = length_arg(d, a, 0)?;
    let at = d.playhead();
    let n = prefade::fade(&mut d.session, t, at, end, length)?;
    d.reload();
    d.say(format!(
        "fade {} {:.0} ms",
        if end == End::In { "in" } else { "out" },
        n as f64 * 1000.0 / d.session.sample_rate as f64
    ));
    Ok(())
}

fn fade_shape(d: &mut Desk, _: &Args) -> Result<(), String> {
    let t = track(d)?;
    let at = d.playhead();
    let shape = prefade::cycle_shape(&mut d.session, t, at)?;
    d.reload();
    d.say(format!("fade shape {shape:?}"));
    Ok(())
}

pub fn parse_shape(w: &str) -> Option<FadeShape> {
    FadeShape::ALL
        .into_iter()
        .find(|s| format!("{s:?}").eq_ignore_ascii_case(w))
}

fn crossfade(d: &mut Desk, a: &Args) -> Result<(), String> {
    let t = track(d)?;
    let length = length_arg(d, a, 0)?.unwrap_or_else(|| Grid::Frame.samples(&d.session, 1));
    let shape = match a.word(1) {
        None => None,
        Some(w) => Some(parse_shape(w).ok_or_else(|| {
            format!("{w:?}: a shape is linear, equalpower, scurve, exponential or logarithmic")
        })?),
    };
    let reach = d
        .view
        .samples_per_column(d.end())
        .max(d.session.sample_rate as u64 / 2);
    let pool = std::sync::Arc::clone(&d.pool);
    let at = d.playhead();
    let n = prefade::crossfade(&mut d.session, t, at, reach, length, shape, |id| {
        source_len(&pool, id)
    })?;
    d.reload();
    d.say(format!(
        "crossfade {:.1} ms",
        n as f64 * 1000.0 / d.session.sample_rate as f64
    ));
    Ok(())
}

fn dip(d: &mut Desk, a: &Args) -> Result<(), String> {
    let (start, end) = d
        .selection
        .filter(|(x, y)| y > x)
        .ok_or("select a span first (v and a motion)")?;
    let depth = a.number(0, -6.0)?;
    let ramp = length_arg(d, a, 1)?.unwrap_or(d.session.sample_rate as u64 / 100);
    let tracks = d.selected_tracks();
    let n = prefade::dip(&mut d.session, &tracks, start, end, -depth.abs(), ramp)?;
    d.reload();
    d.say(format!("dipped {n} clip(s) by {:.1} dB", -depth.abs()));
    Ok(())
}

fn fill(d: &mut Desk, a: &Args) -> Result<(), String> {
    let (start, end) = d
        .selection
        .filter(|(x, y)| y > x)
        .ok_or("select the room tone first (v and a motion inside a clip)")?;
    let t = track(d)?;
    let before = a.word(0) == Some("before");
    let x = d.session.sample_rate as u64 / 20;
    let n = prefade::fill(&mut d.session, t, start, end, before, x)?;
    d.reload();
    d.say(format!(
        "filled {:.2} s with room tone",
        n as f64 / d.session.sample_rate as f64
    ));
    Ok(())
}

fn select_clip(d: &mut Desk, _: &Args) -> Result<(), String> {
    let t = track(d)?;
    let tr = &d.session.tracks[t];
    let i = clip::clip_at(tr, d.playhead())
        .ok_or_else(|| format!("no clip under the playhead on {}", tr.name))?;
    let c = &tr.clips[i];
    d.selection = Some((c.position, c.end()));
    d.changed = true;
    Ok(())
}

fn boundary(d: &mut Desk, a: &Args, forward: bool) -> Result<(), String> {
    let t = track(d)?;
    let points: Vec<u64> = d.session.tracks[t]
        .clips
        .iter()
        .flat_map(|c| [c.position, c.end()])
        .collect();
    let p = step_through(points, d.playhead(), a.count(), forward);
    if p == d.playhead() {
        return Err("no clip boundary that way".into());
    }
    d.locate(p);
    Ok(())
}

fn grid(d: &mut Desk, a: &Args) -> Result<(), String> {
    d.grid = match a.word(0) {
        Some(w) => Grid::parse(w).ok_or_else(|| format!("{w:?}: frame, subframe, ms or sample"))?,
        None => {
            let k = Grid::ALL.iter().position(|g| *g == d.grid).unwrap_or(0);
            Grid::ALL[(k + 1) % Grid::ALL.len()]
        }
    };
    d.say(format!("grid: {}", d.grid.name()));
    Ok(())
}

fn marker_name(d: &mut Desk, a: &Args) -> Result<(), String> {
    let name = a.rest(0).ok_or("marker-name NAME")?;
    let reach = d.view.samples_per_column(d.end());
    let i = d
        .marker_near(d.playhead(), reach)
        .ok_or("no marker at the playhead")?;
    d.session.markers[i].name = name.clone();
    d.say(format!("marker renamed {name}"));
    Ok(())
}

/// A source's length in samples, when it is online.
pub fn source_len(pool: &crate::media::pool::MediaPool, id: &str) -> Option<u64> {
    pool.index(id)
        .and_then(|i| pool.prepared(i))
        .map(|p| p.info.frames)
}

impl Desk {
    /// A source's length in samples, when it is online.
    pub fn source_len(&self, id: &str) -> Option<u64> {
        source_len(&self.pool, id)
    }

    /// The tracks of the selection: from the strip where visual mode began
    /// to the selected one, or the selected track alone.
    pub fn selected_tracks(&self) -> Vec<usize> {
        let (a, b) = match self.strip_anchor {
            Some(x) => (x.min(self.strip), x.max(self.strip)),
            None => (self.strip, self.strip),
        };
        (a..=b)
            .filter_map(|k| match StripId::at(&self.session, k) {
                StripId::Track(t) => Some(t),
                _ => None,
            })
            .collect()
    }
}
