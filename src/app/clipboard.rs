//! Yank, put and cut through the registers: a span of the timeline with
//! its clips, or the selected strip's settings; and `:registers`.

use super::registers::{Register, UNNAMED};
use super::{App, Mode, Overlay};
use crate::command::strip::{show_db, show_pan};
use crate::keymap::show_keys;

impl App {
    pub(super) fn take_register(&mut self) -> char {
        self.register.take().unwrap_or(UNNAMED)
    }

    pub(super) fn yank(&mut self) {
        let r = self.take_register();
        let selected = self.desk.selection.is_some_and(|(a, b)| b > a);
        if self.mode == Mode::Visual || selected {
            if let Some((a, b)) = self.desk.selection {
                let tracks = self.desk.selected_tracks();
                let board = crate::edit::clip::copy(&self.desk.session, &tracks, a, b);
                if board.clip_count() > 0 {
                    self.desk
                        .say(format!("yanked {} clip(s) into \"{r}", board.clip_count()));
                    self.registers.set(r, Register::Clips(board));
                    self.leave_visual();
                    return;
                }
                self.registers.set(r, Register::Span(a, b));
                let clock = self.desk.clock;
                self.desk.say(format!(
                    "yanked {} .. {} into \"{r}",
                    clock.format_samples(a),
                    clock.format_samples(b)
                ));
            }
            self.leave_visual();
            return;
        }
        let strip = self.desk.strip_id();
        let settings = self.desk.strip_settings(strip);
        let from = strip.name(&self.desk.session);
        self.desk
            .say(format!("yanked {from}'s settings into \"{r}"));
        self.registers.set(r, Register::Strip { from, settings });
    }

    pub(super) fn put(&mut self) {
        let r = self.take_register();
        match self.registers.get(r).cloned() {
            None => self.desk.complain(format!("register \"{r} is empty")),
            Some(Register::Keys(_)) => self
                .desk
                .complain(format!("register \"{r} holds keys: @{r} plays them")),
            Some(Register::Span(a, b)) => {
                self.desk.selection = Some((a, b));
                self.desk.changed = true;
            }
            Some(Register::Clips(board)) => {
                let before = self.snapshot();
                let result = crate::command::edit::track(&self.desk).and_then(|t| {
                    let at = self.desk.playhead();
                    crate::edit::clip::paste(&mut self.desk.session, t, at, &board)
                });
                match result {
                    Ok(n) => {
                        self.desk.reload();
                        self.desk.say(format!("put {n} clip(s)"));
                        self.push_undo(before);
                        self.last_edit = Some(("put".to_string(), None));
                    }
                    Err(e) => self.desk.complain(e),
                }
            }
            Some(Register::Strip { from, settings }) => {
                let before = self.snapshot();
                let strip = self.desk.strip_id();
                match self.desk.put_settings(strip, settings) {
                    Ok(()) => {
                        let to = strip.name(&self.desk.session);
                        self.desk.say(format!("put {from}'s settings on {to}"));
                    }
                    Err(e) => self.desk.complain(e),
                }
                if before != self.snapshot() {
                    self.push_undo(before);
                    self.last_edit = Some(("put".to_string(), None));
                    self.register = None;
                }
            }
        }
    }

    /// Cut the selection's clips, or the clip under the playhead, into a register.
    pub(super) fn delete(&mut self) {
        let r = self.take_register();
        let span = match self.desk.selection.filter(|(a, b)| b > a) {
            Some(s) => Ok(s),
            None => crate::command::edit::edit_clips(&self.desk).map(|c| {
                let clip = &self.desk.session.tracks[c[0].0].clips[c[0].1];
                (clip.position, clip.end())
            }),
        };
        let before = self.snapshot();
        let result = span.and_then(|(a, b)| {
            let tracks = self.desk.selected_tracks();
            let board = crate::edit::clip::copy(&self.desk.session, &tracks, a, b);
            crate::edit::clip::delete(&mut self.desk.session, &tracks, a, b).map(|n| (n, board))
        });
        match result {
            Ok((n, board)) => {
                if r != '_' {
                    self.registers.set(r, Register::Clips(board));
                }
                self.desk.reload();
                self.desk.say(format!("cut {n} clip(s) into \"{r}"));
                self.push_undo(before);
                self.last_edit = Some(("delete".to_string(), None));
                if self.mode == Mode::Visual {
                    self.leave_visual();
                }
                self.desk.selection = None;
            }
            Err(e) => self.desk.complain(e),
        }
    }

    pub(super) fn show_registers(&mut self) {
        let clock = self.desk.clock;
        let mut lines: Vec<String> = self
            .registers
            .iter()
            .map(|(c, r)| {
                let what = match r {
                    Register::Keys(k) => format!("keys   {}", show_keys(k)),
                    Register::Clips(b) => format!(
                        "clips  {} on {} track(s), {:.2} s",
                        b.clip_count(),
                        b.tracks.len(),
                        b.length as f64 / self.desk.session.sample_rate as f64
                    ),
                    Register::Span(a, b) => format!(
                        "span   {} .. {}",
                        clock.format_samples(*a),
                        clock.format_samples(*b)
                    ),
                    Register::Strip { from, settings } => {
                        let mut s = format!("strip  {from}:");
                        if let Some(db) = settings.fader_db {
                            s.push_str(&format!(" fader {}", show_db(db)));
                        }
                        if let Some(p) = settings.pan {
                            s.push_str(&format!(" pan {}", show_pan(p)));
                        }
                        if let Some(m) = settings.mute {
                            s.push_str(if m { " muted" } else { " unmuted" });
                        }
                        s
                    }
                };
                format!("\"{c}  {what}")
            })
            .collect();
        if lines.is_empty() {
            lines.push("(all registers are empty)".into());
        }
        self.overlay = Some(Overlay {
            title: "registers".into(),
            lines,
            scroll: 0,
        });
    }
}
