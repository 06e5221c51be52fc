//! Drawing the console from the App's state, and nothing else: the
//! transport bar, the timeline, the mixer, the status and command lines,
//! and the which-key, help and list panels over them.

pub mod bars;
pub mod layout;
pub mod loudness;
pub mod mixer;
pub mod popup;
pub mod processing;
pub mod theme;
pub mod timeline;

use ratatui::Frame;

use crate::app::App;
pub use theme::{Palette, Theme};

/// Draw the whole screen.
pub fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    let screen = frame.area();
    let areas = layout::areas(screen, app.desk.session.tracks.len());
    let buf = frame.buffer_mut();
    bars::transport(buf, app, theme, areas.transport);
    timeline::draw(buf, app, theme, &areas);
    if app.desk.processing.panel {
        processing::draw(buf, app, theme, areas.mixer);
    } else {
        mixer::draw(buf, app, theme, areas.mixer);
    }
    loudness::draw(buf, app, theme, areas.mixer);
    bars::status(buf, app, theme, areas.status);
    let cursor = bars::command(buf, app, theme, areas.command);
    if let Some(o) = &app.overlay {
        popup::overlay(buf, theme, o, screen);
    } else if let Some(node) = app.which_key() {
        popup::which_key(buf, app, theme, node, screen);
    }
    if let Some((x, y)) = cursor {
        frame.set_cursor_position((x, y));
    }
}
