//! The live loudness meters on screen: the printmaster's momentary,
//! short-term and integrated loudness, loudness range and true peak at the
//! right of the mixer's rule, always; and, when asked for (`zl`), a panel
//! over the mixer strips with the same for DX, MX, FX, ME and PM.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::theme::{Role, Theme};
use crate::app::App;
use crate::bounce::OUTPUTS;
use crate::engine::live_loudness::{LiveReading, LiveReadings};
use crate::loudness::reading::level;

/// Index of the printmaster in the readings.
const PM: usize = 4;

/// The printmaster's line: ` PM  M -23.1  S -22.9  I -23.0  LRA 5.2  TP -1.3 `.
pub fn printmaster_line(r: &LiveReading) -> String {
    format!(
        " PM  M {}  S {}  I {}  LRA {:.1}  TP {} ",
        level(r.momentary),
        level(r.short_term),
        level(r.integrated),
        r.loudness_range,
        level(r.true_peak)
    )
}

pub fn draw(buf: &mut Buffer, app: &App, theme: &Theme, area: Rect) {
    if area.height == 0 || area.width < 12 {
        return;
    }
    let view = &app.desk.loudness;
    if let Some(readings) = &view.readings {
        let line = printmaster_line(&readings.outputs[PM]);
        let w = line.chars().count() as u16;
        if w + 2 <= area.width {
            buf.set_string(
                area.x + area.width - w - 1,
                area.y,
                &line,
                theme.style(Role::Timecode),
            );
        }
    }
    if view.panel && area.height > 1 {
        let panel = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
        draw_panel(buf, app, theme, panel, view.readings.as_ref());
    }
}

fn draw_panel(
    buf: &mut Buffer,
    app: &App,
    theme: &Theme,
    r: Rect,
    readings: Option<&LiveReadings>,
) {
    let blank = " ".repeat(r.width as usize);
    for y in r.y..r.y + r.height {
        buf.set_string(r.x, y, &blank, theme.style(Role::Lane));
    }
    let width = r.width as usize;
    let mut y = r.y;
    let mut row = |buf: &mut Buffer, text: &str, role: Role| {
        if y < r.y + r.height {
            buf.set_stringn(r.x, y, text, width, theme.style(role));
            y += 1;
        }
    };
    row(
        buf,
        " loudness      M LUFS  S LUFS  I LUFS  LRA LU  TP dBTP",
        Role::Header,
    );
    let Some(readings) = readings else {
        row(buf, " nothing measured yet: play to measure", Role::Dim);
        return;
    };
    for (name, out) in OUTPUTS.iter().zip(&readings.outputs) {
        let text = format!(
            " {name:<10} {:>8} {:>7} {:>7} {:>7.1} {:>8}",
            level(out.momentary),
            level(out.short_term),
            level(out.integrated),
            out.loudness_range,
            level(out.true_peak)
        );
        let role = if *name == "PM" {
            Role::Timecode
        } else {
            Role::StripName
        };
        row(buf, &text, role);
    }
    let since = readings
        .since
        .map_or_else(|| "-".to_string(), |p| app.desk.clock.format_samples(p));
    let dropped = if readings.dropped > 0 {
        format!(", {} blocks dropped", readings.dropped)
    } else {
        String::new()
    };
    let note = format!(
        " integrated since {since} ({:.1} s){dropped}; :loudness-reset starts again",
        readings.seconds
    );
    let role = if readings.dropped > 0 {
        Role::Alert
    } else {
        Role::Dim
    };
    row(buf, &note, role);
}
