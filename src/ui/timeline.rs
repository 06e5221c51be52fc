//! The timeline: a ruler in timecode, a marker row, and a lane per track
//! with its header; clips as blocks with their names, fades, dips and
//! waveform overview; the playhead, the selection and the loop.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::layout::Areas;
use super::theme::{Role, Theme};
use crate::app::App;
use crate::command::meters::to_db;
use crate::command::strip::StripId;
use crate::model::{AutoMode, Clip, Lane, Output, Session, StemKind, Track};

/// Levels of a waveform cell, quietest first.
const BARS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The stem a track ends up in, following its buses.
pub fn stem_of(session: &Session, output: &Output) -> Option<StemKind> {
    let mut out = output.clone();
    for _ in 0..=session.buses.len() {
        match out {
            Output::Stem(k) => return Some(k),
            Output::Bus(ref name) => {
                out = session.buses.get(session.bus_index(name)?)?.output.clone()
            }
        }
    }
    None
}

/// The span of the timeline on screen: first sample and samples per column.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub start: u64,
    pub spc: u64,
    pub columns: u16,
}

impl Span {
    pub fn column_of(&self, t: u64) -> Option<u16> {
        if t < self.start {
            return None;
        }
        let c = (t - self.start) / self.spc;
        (c < self.columns as u64).then_some(c as u16)
    }

    fn cell(&self, c: u16) -> (u64, u64) {
        let a = self.start + c as u64 * self.spc;
        (a, a + self.spc)
    }
}

fn nice_step(spc: u64, sample_rate: u64, min_columns: u64) -> u64 {
    const SECONDS: [u64; 12] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];
    for s in SECONDS {
        if s * sample_rate / spc.max(1) >= min_columns {
            return s * sample_rate;
        }
    }
    3600 * sample_rate
}

pub fn draw(buf: &mut Buffer, app: &App, theme: &Theme, areas: &Areas) {
    let area = areas.timeline;
    if area.height < 2 || area.width <= areas.header {
        return;
    }
    let desk = &app.desk;
    let s = &desk.session;
    let lanes_x = area.x + areas.header;
    let columns = area.width - areas.header;
    let end = desk.end();
    let mut view = desk.view;
    view.columns = columns;
    let span = Span {
        start: view.start(end, desk.playhead()),
        spc: view.samples_per_column(end),
        columns,
    };
    // Ruler.
    let ruler_y = area.y;
    buf.set_style(
        Rect::new(area.x, ruler_y, area.width, 1),
        theme.style(Role::Ruler),
    );
    let zoom_text = format!(
        "{:.2}s/col{}",
        span.spc as f64 / s.sample_rate as f64,
        if view.follow { "" } else { " nofollow" }
    );
    buf.set_stringn(
        area.x,
        ruler_y,
        &zoom_text,
        (areas.header as usize).saturating_sub(1),
        theme.style(Role::Dim),
    );
    let label_w = 12u64;
    let step = nice_step(span.spc, s.sample_rate as u64, label_w);
    let mut t = span.start.div_ceil(step) * step;
    while let Some(c) = span.column_of(t) {
        if c as u64 + label_w <= columns as u64 + 1 {
            let tc = desk.clock.format_samples(t);
            buf.set_string(
                lanes_x + c,
                ruler_y,
                format!("|{tc}"),
                theme.style(Role::Ruler),
            );
        } else {
            buf.set_string(lanes_x + c, ruler_y, "|", theme.style(Role::Ruler));
        }
        t += step;
    }
    // Marker row: markers, the loop and the selection.
    let marker_y = area.y + 1;
    if let Some((a, b)) = desk.loop_range {
        for c in 0..columns {
            let (c0, c1) = span.cell(c);
            if c1 > a && c0 < b {
                buf.set_string(lanes_x + c, marker_y, "═", theme.style(Role::Looping));
            }
        }
    }
    let mut marks: Vec<(u16, String)> = s
        .markers
        .iter()
        .filter_map(|m| span.column_of(m.position).map(|c| (c, m.name.clone())))
        .collect();
    marks.sort();
    for (i, (c, name)) in marks.iter().enumerate() {
        let room = marks.get(i + 1).map_or(columns, |(n, _)| *n) - c;
        buf.set_stringn(
            lanes_x + c,
            marker_y,
            format!("▼{name}"),
            room as usize,
            theme.style(Role::Marker),
        );
    }
    for (ch, p) in &desk.marks {
        if let Some(c) = span.column_of(*p) {
            buf.set_string(
                lanes_x + c,
                marker_y,
                format!("'{ch}"),
                theme.style(Role::Dim),
            );
        }
    }
    buf.set_stringn(
        area.x,
        marker_y,
        "markers",
        (areas.header as usize).saturating_sub(1),
        theme.style(Role::Dim),
    );
    // Tracks, scrolled so the selected one shows.
    let rows = areas.track_rows;
    let lanes_h = area.height - 2;
    let visible = (lanes_h / rows).max(1) as usize;
    let selected_track = match desk.strip_id() {
        StripId::Track(i) => Some(i),
        _ => None,
    };
    let first = selected_track.map_or(0, |t| (t + 1).saturating_sub(visible));
    let bottom = area.y + area.height;
    let mut y = area.y + 2;
    for (i, track) in s.tracks.iter().enumerate().skip(first).take(visible) {
        if y >= bottom {
            break;
        }
        let h = rows.min(bottom - y);
        draw_header(
            buf,
            app,
            theme,
            Rect::new(area.x, y, areas.header, h),
            i,
            track,
        );
        let lane = Rect::new(lanes_x, y, columns, h);
        draw_lane(buf, app, theme, lane, &span, i, track);
        y += h;
        if let Some(auto) = shown_lane(app, i).filter(|_| y < bottom) {
            draw_automation(
                buf,
                theme,
                Rect::new(area.x, y, area.width, 1),
                areas.header,
                &span,
                auto,
            );
            y += 1;
        }
    }
    // Selection and playhead over every lane.
    let lanes = Rect::new(lanes_x, area.y + 2, columns, lanes_h);
    if let Some((a, b)) = desk.selection {
        for c in 0..columns {
            let (c0, c1) = span.cell(c);
            if c1 > a && c0 <= b {
                for y in lanes.y..lanes.y + lanes.height {
                    if let Some(cell) = buf.cell_mut((lanes.x + c, y)) {
                        cell.set_style(theme.style(Role::Selection));
                    }
                }
            }
        }
    }
    if let Some(c) = span.column_of(desk.playhead()) {
        let x = lanes_x + c;
        buf.set_string(x, ruler_y, "▼", theme.style(Role::Playhead));
        for y in lanes.y..lanes.y + lanes.height {
            if let Some(cell) = buf.cell_mut((x, y)) {
                if cell.symbol() == " " {
                    cell.set_symbol("│");
                }
                cell.set_style(theme.style(Role::Playhead));
            }
        }
    }
}

fn draw_header(buf: &mut Buffer, app: &App, theme: &Theme, r: Rect, i: usize, track: &Track) {
    let selected = app.desk.strip_id() == StripId::Track(i);
    let style = theme.style(if selected {
        Role::HeaderSelected
    } else {
        Role::Header
    });
    buf.set_style(Rect::new(r.x, r.y, r.width.saturating_sub(1), 1), style);
    let flags = format!(
        "{}{}",
        if track.mute { "M" } else { " " },
        if app.desk.solo.get(i).copied().unwrap_or(false) {
            "S"
        } else {
            " "
        }
    );
    let name_w = r.width.saturating_sub(4) as usize;
    buf.set_stringn(r.x, r.y, &track.name, name_w, style);
    let fx = r.x + r.width.saturating_sub(3);
    if track.mute {
        buf.set_string(fx, r.y, "M", theme.style(Role::Mute));
    }
    if flags.ends_with('S') {
        buf.set_string(fx + 1, r.y, "S", theme.style(Role::Solo));
    }
    if r.height > 1 {
        let detail = format!(
            "{} {}",
            crate::command::strip::show_db(track.fader_db),
            if track.format.channels() == 2 {
                "st"
            } else {
                "mo"
            }
        );
        buf.set_stringn(
            r.x,
            r.y + 1,
            detail,
            (r.width as usize).saturating_sub(1),
            theme.style(Role::Dim),
        );
    }
}

/// The peak of `clip` over timeline samples `a..b` (within the clip), 0..1.
fn clip_peak(app: &App, clip: &Clip, stereo: bool, a: u64, b: u64) -> Option<f32> {
    let pool = &app.desk.pool;
    let index = pool.index(&clip.source)?;
    let overview = app.desk.overviews.get(index)?;
    let rel_a = a.max(clip.position) - clip.position;
    let rel_b = b.min(clip.end()) - clip.position;
    let (from, to) = match clip.looped {
        Some(l) if l.length > 0 => {
            let fa = rel_a % l.length;
            if rel_b - rel_a >= l.length || fa + (rel_b - rel_a) > l.length {
                (0, l.length)
            } else {
                (fa, fa + (rel_b - rel_a))
            }
        }
        _ => (rel_a, rel_b),
    };
    let ch = clip.channel as usize;
    let from = clip.source_offset + from;
    let to = clip.source_offset + to;
    let mut p = overview.peak(ch, from, to);
    if stereo {
        p = p.max(overview.peak(ch + 1, from, to));
    }
    Some(p * 10f32.powf(clip.gain_db / 20.0))
}

fn bar(peak: f32) -> char {
    let db = to_db(peak);
    if db <= -54.0 {
        return BARS[0];
    }
    let level = ((db + 54.0) / 54.0 * 8.0).ceil().clamp(1.0, 8.0) as usize;
    BARS[level]
}

fn draw_lane(
    buf: &mut Buffer,
    app: &App,
    theme: &Theme,
    r: Rect,
    span: &Span,
    i: usize,
    track: &Track,
) {
    let desk = &app.desk;
    let s = &desk.session;
    for y in r.y..r.y + r.height {
        for x in r.x..r.x + r.width {
            if let Some(cell) = buf.cell_mut((x, y)) {
                cell.set_symbol(" ").set_style(theme.style(Role::Lane));
            }
        }
    }
    let stem = stem_of(s, &track.output);
    let stereo = track.format.channels() == 2;
    let offline = |clip: &Clip| {
        !desk.pool.entries.is_empty()
            && desk
                .pool
                .index(&clip.source)
                .is_none_or(|k| desk.pool.prepared(k).is_none())
    };
    let mut clips: Vec<&Clip> = track.clips.iter().collect();
    clips.sort_by_key(|c| c.position);
    for clip in clips {
        let first = if clip.position <= span.start {
            0
        } else {
            match span.column_of(clip.position) {
                Some(c) => c,
                None => continue,
            }
        };
        if clip.end() <= span.start {
            continue;
        }
        let last = span
            .column_of(clip.end().saturating_sub(1))
            .unwrap_or(span.columns - 1);
        let role = if offline(clip) {
            Role::Offline
        } else if clip.mute || track.mute {
            Role::ClipMuted
        } else {
            Role::Clip(stem)
        };
        let style = theme.style(role);
        let name = if role == Role::Offline {
            format!("{} (offline)", clip.display_name())
        } else {
            clip.display_name().to_string()
        };
        let width = (last - first + 1) as usize;
        let name_rows = if r.height > 1 { 1 } else { 0 };
        for c in first..=last {
            let (a, b) = span.cell(c);
            let x = r.x + c;
            // Fades: a ramp where the fade covers most of the cell.
            let fade_in_end = clip.position + clip.fade_in.length;
            let fade_out_start = clip.end().saturating_sub(clip.fade_out.length);
            let covers = |from: u64, to: u64| to.min(b).saturating_sub(from.max(a)) * 2 >= span.spc;
            let ramp = if clip.fade_in.length > 0 && covers(clip.position, fade_in_end) {
                Some("◢")
            } else if clip.fade_out.length > 0 && covers(fade_out_start, clip.end()) {
                Some("◣")
            } else {
                None
            };
            let dip = clip.dips.iter().any(|d| {
                let da = clip.position + d.start.saturating_sub(d.ramp);
                let db = clip.position + d.end + d.ramp;
                db > a && da < b
            });
            let wave = clip_peak(app, clip, stereo, a, b).map(bar);
            for y in r.y..r.y + r.height {
                let row = y - r.y;
                let symbol = if row < name_rows.max(1) && name_rows == 1 {
                    ramp.map(str::to_string).unwrap_or_else(|| " ".into())
                } else {
                    let glyph = wave.unwrap_or(' ');
                    if r.height == 3 && row == 1 {
                        // Two-row waveform: the top row carries the loud half.
                        let level = BARS.iter().position(|&g| g == glyph).unwrap_or(0);
                        BARS[level.saturating_sub(4) * 2].to_string()
                    } else if r.height == 3 && row == 2 {
                        let level = BARS.iter().position(|&g| g == glyph).unwrap_or(0);
                        BARS[(level * 2).min(8)].to_string()
                    } else {
                        ramp.map(str::to_string)
                            .unwrap_or_else(|| glyph.to_string())
                    }
                };
                if let Some(cell) = buf.cell_mut((x, y)) {
                    cell.set_symbol(&symbol).set_style(style);
                    if dip && row == 0 {
                        cell.set_style(theme.style(Role::Dip));
                        if symbol == " " {
                            cell.set_symbol("⌄");
                        }
                    }
                }
            }
        }
        // The name over the clip's first row, after a fade-in ramp.
        let starts_with_ramp = clip.position >= span.start && clip.fade_in.length * 2 >= span.spc;
        let start = usize::from(starts_with_ramp);
        if width > start + 1 {
            let name_style =
                style.patch(Style::default().add_modifier(ratatui::style::Modifier::BOLD));
            let text: String = name.chars().take(width - start - 1).collect();
            let x = r.x + first + start as u16;
            // Keep the waveform visible around a short name in one-row lanes.
            buf.set_stringn(x, r.y, &text, width - start, name_style);
        }
        let _ = i;
    }
}

/// The automation lane shown under track `i`: the lane being worked on
/// when the track has it, else its first lane that plays.
fn shown_lane(app: &App, i: usize) -> Option<&Lane> {
    if !app.desk.show_lanes {
        return None;
    }
    let lanes = &app.desk.session.tracks[i].lanes;
    lanes
        .iter()
        .find(|l| l.target == app.desk.lane && !l.points.is_empty())
        .or_else(|| lanes.iter().find(|l| l.active()))
}

/// One row: the lane's name and mode in the header, its curve in bars and
/// its breakpoints as dots.
fn draw_automation(
    buf: &mut Buffer,
    theme: &Theme,
    r: Rect,
    header: u16,
    span: &Span,
    lane: &Lane,
) {
    let mode = match lane.mode {
        AutoMode::Off => "off",
        AutoMode::Read => "rd",
        AutoMode::Touch => "tch",
        AutoMode::Latch => "ltc",
        AutoMode::Write => "wr",
        AutoMode::Trim => "trm",
    };
    let label = format!(" {mode} {}", lane.target.name());
    buf.set_stringn(
        r.x,
        r.y,
        label,
        (header as usize).saturating_sub(1),
        theme.style(Role::Dim),
    );
    let (lo, hi) = match lane.target.range() {
        // Levels read like a fader: the bottom of the row is -48 dB.
        (lo, hi) if lane.target.trimmable() => (lo.max(-48.0), hi),
        r => r,
    };
    let x0 = r.x + header;
    for c in 0..span.columns {
        let (a, b) = span.cell(c);
        let Some(v) = lane.value_at(a + (b - a) / 2) else {
            continue;
        };
        let f = ((v - lo) / (hi - lo)).clamp(0.0, 1.0);
        let level = (f * 8.0).round() as usize;
        let point = lane.points.iter().any(|p| p.at >= a && p.at < b);
        let (ch, role) = if point {
            ('•', Role::Marker)
        } else {
            (BARS[level.max(1)], Role::Dim)
        };
        buf.set_string(x0 + c, r.y, ch.to_string(), theme.style(role));
    }
}
