//! Where each part of the console goes, for a screen of a given size.

use ratatui::layout::Rect;

/// The parts of the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub transport: Rect,
    /// Track headers and lanes, ruler and marker rows included.
    pub timeline: Rect,
    /// Width of the track headers.
    pub header: u16,
    /// Rows per track.
    pub track_rows: u16,
    pub mixer: Rect,
    pub status: Rect,
    pub command: Rect,
}

/// The smallest mixer: name, clip light, a few meter rows, fader, pan, M/S.
const MIN_MIXER: u16 = 10;
const MAX_MIXER: u16 = 20;

/// Lay out a screen of `area` for a session of `tracks` tracks.
pub fn areas(area: Rect, tracks: usize) -> Areas {
    let h = area.height;
    let row = |y: u16, height: u16| Rect::new(area.x, area.y + y, area.width, height);
    let middle = h.saturating_sub(3);
    let tracks = tracks.max(1) as u16;
    let mut track_rows = 1;
    for rows in (1..=3).rev() {
        if 2 + tracks.saturating_mul(rows) + MIN_MIXER <= middle {
            track_rows = rows;
            break;
        }
    }
    let wanted = 2 + tracks.saturating_mul(track_rows);
    let mut timeline_h = wanted
        .min(middle.saturating_sub(MIN_MIXER))
        .max(middle.min(3));
    if middle.saturating_sub(timeline_h) > MAX_MIXER {
        timeline_h = middle - MAX_MIXER;
    }
    let mixer_h = middle.saturating_sub(timeline_h);
    let header = if area.width >= 120 { 18 } else { 12 };
    Areas {
        transport: row(0, 1.min(h)),
        timeline: row(1, timeline_h),
        header: header.min(area.width / 3),
        track_rows,
        mixer: row(1 + timeline_h, mixer_h),
        status: row(h.saturating_sub(2), 1.min(h)),
        command: row(h.saturating_sub(1), 1.min(h)),
    }
}

/// Columns of timeline lanes on a screen `width` wide.
pub fn timeline_columns(width: u16) -> u16 {
    let header = if width >= 120 { 18 } else { 12 };
    width.saturating_sub(header.min(width / 3)).max(1)
}
