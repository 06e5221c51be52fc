//! The mixer: a strip for every track and bus, and the DX, MX, FX stems,
//! the M&E and the printmaster always in view at the right. Each strip has
//! its name, a clip light, a meter with peak hold, the fader in dB, the pan
//! and its mute and solo.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::theme::{Role, Theme};
use crate::app::App;
use crate::command::meters::{Meter, FLOOR_DB};
use crate::command::strip::{show_db, show_pan, StripId};

/// Rows a strip uses besides its meter: name, clip light, fader, pan, M/S.
const FIXED_ROWS: u16 = 5;

/// The strips shown for a mixer `width` columns wide: the scrolling ones
/// (tracks and buses around the selection), then the five fixed ones.
pub fn visible_strips(app: &App, width: u16) -> (Vec<usize>, u16) {
    let total = app.desk.strip_count();
    let fixed = 5usize;
    let scrolling = total - fixed;
    let strip_w = (width as usize / total.max(1)).clamp(6, 12) as u16;
    let slots = (width / strip_w) as usize;
    let room = slots.saturating_sub(fixed).min(scrolling);
    let selected = app.desk.strip;
    let first = if selected < scrolling {
        (selected + 1).saturating_sub(room).min(scrolling - room)
    } else {
        scrolling - room
    };
    let mut shown: Vec<usize> = (first..first + room).collect();
    shown.extend(scrolling..total);
    (shown, strip_w)
}

pub fn draw(buf: &mut Buffer, app: &App, theme: &Theme, area: Rect) {
    if area.height < FIXED_ROWS + 1 || area.width < 12 {
        return;
    }
    let (shown, w) = visible_strips(app, area.width);
    let total = app.desk.strip_count();
    let hidden = total - shown.len();
    // A rule above the strips, saying how many are out of view.
    let rule: String = "─".repeat(area.width as usize);
    buf.set_string(area.x, area.y, &rule, theme.style(Role::Dim));
    // Leave the right of the rule to the printmaster's loudness when it is shown.
    let short = app.desk.loudness.readings.is_some() && area.width < 120;
    let title = if hidden > 0 && short {
        format!(" {total} strips, {hidden} off (j/k) ")
    } else if hidden > 0 {
        format!(" mixer: {} strips, {hidden} off screen (j/k) ", total)
    } else {
        format!(" mixer: {total} strips ")
    };
    buf.set_stringn(
        area.x + 1,
        area.y,
        title,
        area.width as usize - 2,
        theme.style(Role::Dim),
    );
    let strips_area = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    for (slot, &index) in shown.iter().enumerate() {
        // The stems, ME and PM come last in `shown`: always in view.
        let x = strips_area.x + slot as u16 * w;
        draw_strip(
            buf,
            app,
            theme,
            Rect::new(x, strips_area.y, w, strips_area.height),
            index,
        );
    }
}

fn draw_strip(buf: &mut Buffer, app: &App, theme: &Theme, r: Rect, index: usize) {
    let desk = &app.desk;
    let s = &desk.session;
    let id = StripId::at(s, index);
    let selected = desk.strip == index;
    let inner = r.width.saturating_sub(1) as usize;
    let name_style = theme.style(if selected {
        Role::StripSelected
    } else {
        Role::StripName
    });
    buf.set_style(Rect::new(r.x, r.y, r.width - 1, 1), name_style);
    buf.set_stringn(r.x, r.y, id.name(s), inner, name_style);
    if r.x + r.width - 1 < buf.area.width {
        for y in r.y..r.y + r.height {
            buf.set_string(r.x + r.width - 1, y, "│", theme.style(Role::Dim));
        }
    }
    let meter = desk.meters.get(id.meter());
    let meter_rows = r.height.saturating_sub(FIXED_ROWS);
    // Clip light.
    if meter.clip {
        buf.set_stringn(r.x, r.y + 1, "CLIP", inner, theme.style(Role::ClipLight));
    }
    let channels = match id {
        StripId::Track(i) => s.tracks[i].format.channels(),
        _ => 2,
    };
    draw_meter(
        buf,
        theme,
        Rect::new(r.x + 1, r.y + 2, channels as u16, meter_rows),
        &meter,
        channels,
    );
    // Scale marks beside the meter: 0 and -20.
    if inner >= channels + 5 && meter_rows >= 4 {
        let mx = r.x + 1 + channels as u16 + 1;
        for db in [0.0f32, -20.0, -40.0] {
            let row = row_of(db, meter_rows);
            buf.set_stringn(
                mx,
                r.y + 2 + row,
                format!("{}", db as i32),
                inner - channels - 2,
                theme.style(Role::Dim),
            );
        }
    }
    let y = r.y + 2 + meter_rows;
    let fader = match id.fader(s) {
        Some(db) => show_db(db),
        None => "-".into(),
    };
    buf.set_stringn(
        r.x,
        y,
        format!("{fader:>w$}", w = inner.min(6)),
        inner,
        theme.style(Role::Timecode),
    );
    let pan = id.pan(s).map(show_pan).unwrap_or_default();
    buf.set_stringn(
        r.x,
        y + 1,
        format!("{pan:>w$}", w = inner.min(6)),
        inner,
        theme.style(Role::Header),
    );
    let mute = id.mute(s);
    let solo = match id {
        StripId::Track(i) => Some(desk.solo.get(i).copied().unwrap_or(false)),
        _ => None,
    };
    if let Some(m) = mute {
        buf.set_string(
            r.x,
            y + 2,
            "M",
            theme.style(if m { Role::Mute } else { Role::Off }),
        );
    }
    if let Some(so) = solo {
        buf.set_string(
            r.x + 2,
            y + 2,
            "S",
            theme.style(if so { Role::Solo } else { Role::Off }),
        );
    }
}

/// The meter row (from the top, of `rows`) that `db` falls in.
fn row_of(db: f32, rows: u16) -> u16 {
    let frac = ((db - FLOOR_DB) / -FLOOR_DB).clamp(0.0, 1.0);
    let from_bottom = (frac * rows as f32).ceil().max(1.0) as u16;
    rows - from_bottom.min(rows)
}

fn draw_meter(buf: &mut Buffer, theme: &Theme, r: Rect, meter: &Meter, channels: usize) {
    if r.height == 0 {
        return;
    }
    for c in 0..channels.min(r.width as usize) {
        let x = r.x + c as u16;
        let level = meter.level[c];
        let hold = meter.hold[c];
        // Whole cells only: coarse enough to keep the terminal traffic low.
        let lit = if level <= FLOOR_DB {
            0
        } else {
            r.height - row_of(level, r.height)
        };
        let hold_row = (hold > FLOOR_DB).then(|| row_of(hold, r.height));
        for row in 0..r.height {
            let y = r.y + row;
            let from_bottom = r.height - row;
            let cell_db = FLOOR_DB + (from_bottom as f32 / r.height as f32) * -FLOOR_DB;
            let role = if cell_db > -6.0 {
                Role::MeterHigh
            } else if cell_db > -18.0 {
                Role::MeterMid
            } else {
                Role::MeterLow
            };
            let (symbol, role) = if from_bottom <= lit {
                ("█", role)
            } else if hold_row == Some(row) {
                ("▔", Role::PeakHold)
            } else {
                ("·", Role::Dim)
            };
            buf.set_string(x, y, symbol, theme.style(role));
        }
    }
}
