//! Panels drawn over the console: the which-key popup listing what may
//! follow the keys typed so far, and the scrolling lists of `:help`,
//! `:registers` and `:messages`.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::theme::{Role, Theme};
use crate::app::{App, Overlay};
use crate::keymap::{KeyNode, KeyTrie};

fn frame(buf: &mut Buffer, theme: &Theme, r: Rect, title: &str) {
    let style = theme.style(Role::Popup);
    for y in r.y..r.y + r.height {
        for x in r.x..r.x + r.width {
            if let Some(c) = buf.cell_mut((x, y)) {
                c.set_symbol(" ").set_style(style);
            }
        }
    }
    let w = r.width as usize;
    let top = format!("┌{}┐", "─".repeat(w.saturating_sub(2)));
    let bottom = format!("└{}┘", "─".repeat(w.saturating_sub(2)));
    buf.set_string(r.x, r.y, top, style);
    buf.set_string(r.x, r.y + r.height - 1, bottom, style);
    for y in r.y + 1..r.y + r.height - 1 {
        buf.set_string(r.x, y, "│", style);
        buf.set_string(r.x + r.width - 1, y, "│", style);
    }
    buf.set_stringn(
        r.x + 2,
        r.y,
        format!(" {title} "),
        w.saturating_sub(4),
        theme.style(Role::PopupKey),
    );
}

/// The which-key popup for `node`, in the bottom right corner above the status line.
pub fn which_key(buf: &mut Buffer, app: &App, theme: &Theme, node: &KeyNode, screen: Rect) {
    if screen.height < 6 || screen.width < 14 {
        return;
    }
    let rows: Vec<(String, String)> = node
        .children
        .iter()
        .map(|(k, child)| {
            let label = match child {
                KeyTrie::Bind(b) => {
                    crate::command::find(b.command.strip_suffix('!').unwrap_or(&b.command))
                        .map(|c| {
                            if b.args.is_empty() {
                                c.doc.to_string()
                            } else {
                                b.line()
                            }
                        })
                        .unwrap_or_else(|| b.line())
                }
                KeyTrie::Node(n) if !n.label.is_empty() => format!("+{}", n.label),
                KeyTrie::Node(_) => "+more".into(),
            };
            (k.to_string(), label)
        })
        .collect();
    let key_w = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(1);
    let want_w = rows
        .iter()
        .map(|(_, l)| l.chars().count())
        .max()
        .unwrap_or(10)
        + key_w
        + 5;
    let w = (want_w as u16).min(screen.width.saturating_sub(2)).max(12);
    let h = (rows.len() as u16 + 2)
        .min(screen.height.saturating_sub(3))
        .max(3);
    let r = Rect::new(
        screen.x + screen.width - w,
        screen.y + screen.height - 2 - h,
        w,
        h,
    );
    let title = if node.label.is_empty() {
        app.pending_text()
    } else {
        format!("{}: {}", app.pending_text(), node.label)
    };
    frame(buf, theme, r, &title);
    for (i, (k, label)) in rows.iter().take(h as usize - 2).enumerate() {
        let y = r.y + 1 + i as u16;
        buf.set_string(r.x + 2, y, k, theme.style(Role::PopupKey));
        buf.set_stringn(
            r.x + 3 + key_w as u16,
            y,
            label,
            (w as usize).saturating_sub(key_w + 5),
            theme.style(Role::Popup),
        );
    }
}

/// A scrolling list over most of the screen.
pub fn overlay(buf: &mut Buffer, theme: &Theme, o: &Overlay, screen: Rect) {
    let r = Rect::new(
        screen.x + 1,
        screen.y + 1,
        screen.width.saturating_sub(2),
        screen.height.saturating_sub(3),
    );
    if r.height < 3 || r.width < 10 {
        return;
    }
    let shown = (r.height - 2) as usize;
    let title = format!(
        "{}  {}-{} of {}  j/k scroll, q closes",
        o.title,
        o.scroll + 1,
        (o.scroll + shown).min(o.lines.len()),
        o.lines.len()
    );
    frame(buf, theme, r, &title);
    for (i, line) in o.lines.iter().skip(o.scroll).take(shown).enumerate() {
        buf.set_stringn(
            r.x + 2,
            r.y + 1 + i as u16,
            line,
            r.width as usize - 4,
            theme.style(Role::Popup),
        );
    }
}
