//! The transport bar at the top, and at the bottom the status line (mode,
//! file, pending keys and count, the selected strip) and the command line
//! (the `:` line, or the last message).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::theme::{Role, Theme};
use crate::app::{App, Mode};
use crate::engine::msg::TransportState;

pub fn transport(buf: &mut Buffer, app: &App, theme: &Theme, r: Rect) {
    let desk = &app.desk;
    buf.set_style(r, theme.style(Role::Bar));
    let (state, role) = match (desk.transport.state, desk.transport.looping) {
        (TransportState::Stopped, _) => ("■ STOP", Role::Stopped),
        (TransportState::Locating, _) => ("… LOCATE", Role::Looping),
        (TransportState::Rolling, true) => ("⟳ LOOP", Role::Looping),
        (TransportState::Rolling, false) => ("▶ PLAY", Role::Rolling),
    };
    let bar = theme.style(Role::Bar);
    let mut x = r.x + 1;
    let mut put = |buf: &mut Buffer, text: &str, role: Option<Role>| {
        if x >= r.x + r.width {
            return;
        }
        let style = role.map_or(bar, |ro| bar.patch(theme.style(ro)));
        let room = (r.x + r.width - x) as usize;
        let (nx, _) = buf.set_stringn(x, r.y, text, room, style);
        x = nx + 1;
    };
    put(buf, state, Some(role));
    put(
        buf,
        &desk.clock.format_samples(desk.playhead()),
        Some(Role::Timecode),
    );
    put(buf, &format!("{}fps", desk.session.timecode.rate), None);
    let status = desk.status.as_ref();
    let rate = status.map_or(desk.session.sample_rate, |s| s.sample_rate);
    put(buf, &format!("{}kHz", rate as f64 / 1000.0), None);
    let (load, xruns) = status.map_or((0.0, 0), |s| (s.dsp_load, s.xruns));
    put(buf, &format!("DSP {:.0}%", load * 100.0), None);
    put(
        buf,
        &format!("xruns {xruns}"),
        (xruns > 0).then_some(Role::Alert),
    );
    let audio = desk.audio_line();
    let alert = status.is_some_and(|s| s.server_gone || s.rate_mismatch.is_some());
    put(buf, &audio, alert.then_some(Role::Alert));
}

pub fn status(buf: &mut Buffer, app: &App, theme: &Theme, r: Rect) {
    let desk = &app.desk;
    buf.set_style(r, theme.style(Role::Bar));
    let mode_role = match app.mode {
        Mode::Normal => Role::ModeNormal,
        Mode::Visual => Role::ModeVisual,
        Mode::Command => Role::ModeCommand,
    };
    let mode = format!(" {} ", app.mode.name());
    let (mut x, _) = buf.set_stringn(r.x, r.y, &mode, r.width as usize, theme.style(mode_role));
    x += 1;
    if let Some((c, _)) = &app.recording {
        let (nx, _) = buf.set_stringn(x, r.y, format!("rec @{c}"), 8, theme.style(Role::Recording));
        x = nx + 1;
    }
    let name = desk.path.file_name().map_or_else(
        || desk.path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let file = format!("{name}{}", if desk.modified() { " [+]" } else { "" });
    let strip = app.strip();
    let mut right = format!("{}  {}", strip.name(&desk.session), strip.kind());
    if let Some((a, b)) = desk.selection {
        right = format!(
            "sel {}..{}  {right}",
            desk.clock.format_samples(a),
            desk.clock.format_samples(b)
        );
    }
    let pending = app.pending_text();
    let right = if pending.is_empty() {
        right
    } else {
        format!("{pending}   {right}")
    };
    let right_w = right.chars().count() as u16;
    let room = r.width.saturating_sub(x - r.x);
    let bar = theme.style(Role::Bar);
    if right_w + 2 <= room {
        buf.set_stringn(x, r.y, &file, (room - right_w - 2) as usize, bar);
        buf.set_string(
            r.x + r.width - right_w - 1,
            r.y,
            &right,
            bar.patch(theme.style(Role::Timecode)),
        );
    } else {
        buf.set_stringn(x, r.y, format!("{pending} {file}"), room as usize, bar);
    }
    // The completion menu takes the status line while Tab cycles.
    if app.mode == Mode::Command {
        if let Some((list, shown)) = app.line.completions() {
            buf.set_style(r, theme.style(Role::Popup));
            let mut x = r.x;
            for (i, c) in list.iter().enumerate() {
                if x >= r.x + r.width {
                    break;
                }
                let role = if i == shown {
                    Role::StripSelected
                } else {
                    Role::Popup
                };
                let (nx, _) = buf.set_stringn(
                    x,
                    r.y,
                    format!(" {c} "),
                    (r.x + r.width - x) as usize,
                    theme.style(role),
                );
                x = nx;
            }
        }
    }
}

/// The command line; returns where the cursor goes while typing.
pub fn command(buf: &mut Buffer, app: &App, theme: &Theme, r: Rect) -> Option<(u16, u16)> {
    if app.mode == Mode::Command {
        let text = format!(":{}", app.line.text);
        // Scroll long lines so the cursor stays in view.
        let cursor = app.line.cursor as u16 + 1;
        let skip = cursor.saturating_sub(r.width.saturating_sub(1));
        let shown: String = text.chars().skip(skip as usize).collect();
        buf.set_stringn(r.x, r.y, shown, r.width as usize, theme.style(Role::Info));
        return Some((r.x + cursor - skip, r.y));
    }
    if let Some(m) = &app.desk.message {
        let role = if m.error { Role::Error } else { Role::Info };
        let first = m.text.lines().next().unwrap_or("");
        buf.set_stringn(r.x, r.y, first, r.width as usize, theme.style(role));
    } else if let Some(spec) = app.awaiting() {
        buf.set_stringn(
            r.x,
            r.y,
            format!("{}: type a letter ({})", spec.name, spec.doc),
            r.width as usize,
            theme.style(Role::Dim),
        );
    }
    None
}
