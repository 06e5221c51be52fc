//! The App: the console's state machine. It turns keys into commands
//! through the keymap (counts, pending keys, key arguments), keeps the mode,
//! the `:` line, registers, macros, the undo history and the last edit for
//! `.`, and runs the commands of the registry on the [`Desk`]. It knows
//! nothing of the terminal: the UI draws it, tests drive it with keys.

mod clipboard;
pub mod complete;
mod gesture;
mod help;
pub mod line;
mod macros;
pub mod registers;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::command::desk::{Desk, OpenOptions};
use crate::command::registry;
use crate::command::spec::{AppAction, Args, CommandSpec, Kind, Run};
use crate::command::strip::StripId;
use crate::edit::journal::Entry;
use crate::keymap::{parse_keys, show_keys, Key, KeyCode, KeyMode, Keymap, Lookup};
use crate::model::Session;
use line::{LineEditor, LineEvent};
use registers::Registers;

/// The console's modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Visual,
    Command,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Normal => "NORMAL",
            Mode::Visual => "VISUAL",
            Mode::Command => "COMMAND",
        }
    }
}

/// What happens to the console, as the terminal loop hands it over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Key(Key),
    /// Time passes: take in the engine's reports.
    Tick(Instant),
    /// The screen changed size: the timeline now has this many columns.
    Resize {
        timeline_columns: u16,
    },
}

/// A panel over the console: `:help`, `:registers`, `:messages`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overlay {
    pub title: String,
    pub lines: Vec<String>,
    pub scroll: usize,
}

/// One state of what undo restores.
#[derive(Debug, Clone, PartialEq)]
struct Snapshot {
    session: Session,
    solo: Vec<bool>,
}

/// How many edits undo remembers.
const UNDO_DEPTH: usize = 1000;
/// How deep macros may call macros.
const MACRO_DEPTH: usize = 20;
/// How often unsaved work is written to the recovery file.
pub const AUTOSAVE: Duration = Duration::from_secs(30);

pub struct App {
    pub desk: Desk,
    pub keymap: Keymap,
    pub mode: Mode,
    /// A count being typed.
    pub count: Option<u32>,
    /// Keys of a sequence not yet complete.
    pub pending: Vec<Key>,
    /// A command waiting for the key that is its argument (`m`, `q`, `@`, `"`).
    awaiting: Option<(&'static CommandSpec, Args, Vec<Key>)>,
    /// The register chosen with `"x` for the next yank, put or macro.
    pub register: Option<char>,
    pub registers: Registers,
    /// The macro being recorded: its register, its keys, and where the
    /// current key sequence began in them.
    pub recording: Option<(char, Vec<Key>)>,
    sequence_start: usize,
    macro_depth: usize,
    last_macro: Option<char>,
    pub line: LineEditor,
    undo: Vec<Snapshot>,
    redo: Vec<Snapshot>,
    /// What a control surface's gesture started from.
    gesture: Option<Snapshot>,
    /// A line runs as part of the open gesture ([`App::run_line_in_gesture`]).
    gesture_line: bool,
    /// The last edit, as a command line, and its count.
    last_edit: Option<(String, Option<u32>)>,
    pub overlay: Option<Overlay>,
    pub quit: bool,
    /// How `:e` opens sessions.
    pub open_options: OpenOptions,
    last_autosave: Option<Instant>,
    /// Keys handled since start (for measurements).
    pub keys_handled: u64,
}

impl App {
    /// An app on `desk` with the default keymap and the user's file merged
    /// over it; problems in that file are shown, the defaults stand.
    pub fn new(desk: Desk, keymap: Keymap, keymap_problems: Vec<String>) -> App {
        let mut app = App {
            desk,
            keymap,
            mode: Mode::Normal,
            count: None,
            pending: Vec::new(),
            awaiting: None,
            register: None,
            registers: Registers::default(),
            recording: None,
            sequence_start: 0,
            macro_depth: 0,
            last_macro: None,
            line: LineEditor::default(),
            undo: Vec::new(),
            redo: Vec::new(),
            gesture: None,
            gesture_line: false,
            last_edit: None,
            overlay: None,
            quit: false,
            open_options: OpenOptions {
                engine: None,
                overviews: false,
            },
            last_autosave: None,
            keys_handled: 0,
        };
        if let Some(first) = keymap_problems.first() {
            app.desk
                .complain(format!("keymap: {first} (the defaults are in use)"));
        }
        app.desk
            .notes
            .extend(keymap_problems.into_iter().map(|p| format!("keymap: {p}")));
        app
    }

    /// An app on `desk` with the built-in keymap only (tests).
    pub fn with_defaults(desk: Desk) -> App {
        App::new(desk, Keymap::defaults(&registry::exists), Vec::new())
    }

    /// The keymap mode for the current mode.
    pub fn key_mode(&self) -> KeyMode {
        match self.mode {
            Mode::Visual => KeyMode::Visual,
            _ => KeyMode::Normal,
        }
    }

    /// What has been typed of a sequence: count, register, keys.
    pub fn pending_text(&self) -> String {
        let mut s = String::new();
        if let Some(r) = self.register {
            s.push('"');
            s.push(r);
        }
        if let Some(c) = self.count {
            s.push_str(&c.to_string());
        }
        s.push_str(&show_keys(&self.pending));
        if let Some((_, _, keys)) = &self.awaiting {
            s.push_str(&show_keys(keys));
        }
        s
    }

    /// The group of keys that may follow what is pending (for which-key).
    pub fn which_key(&self) -> Option<&crate::keymap::KeyNode> {
        if self.pending.is_empty() || self.mode == Mode::Command {
            return None;
        }
        match self.keymap.mode(self.key_mode()).lookup(&self.pending) {
            Lookup::Pending(node) => Some(node),
            _ => None,
        }
    }

    /// A command waiting for its key, for the status line.
    pub fn awaiting(&self) -> Option<&'static CommandSpec> {
        self.awaiting.as_ref().map(|(s, _, _)| *s)
    }

    /// Type the keys written in notation (`3<right>`, `:w<cr>`).
    pub fn type_keys(&mut self, notation: &str) -> Result<(), String> {
        let keys = parse_keys(notation).map_err(|e| e.to_string())?;
        for k in keys {
            self.handle_key(k);
        }
        Ok(())
    }

    /// Take in one event.
    pub fn update(&mut self, event: Event) {
        match event {
            Event::Key(k) => self.handle_key(k),
            Event::Tick(now) => self.tick(now),
            Event::Resize { timeline_columns } => {
                self.desk.view.columns = timeline_columns.max(1);
                self.desk.changed = true;
            }
        }
    }

    /// Take in what an automation pass wrote: its undo point and the
    /// lanes for the journal.
    fn take_pass(&mut self) {
        if let Some(before) = self.desk.pass.undo_point.take() {
            let parts = crate::edit::journal::diff(&before, &self.desk.session);
            self.desk.journal(&Entry::Begin);
            self.desk.journal(&Entry::Set(parts));
            self.desk.pass.changed.clear();
            self.undo.push(Snapshot {
                session: before,
                solo: self.desk.solo.clone(),
            });
            if self.undo.len() > UNDO_DEPTH {
                self.undo.remove(0);
            }
            self.redo.clear();
        }
        let parts = self.desk.pass.take_parts(&self.desk.session);
        if !parts.is_empty() {
            self.desk.journal(&Entry::Set(parts));
        }
    }

    /// Replay the journal a session left behind: its edits and their undo
    /// history come back; `:recover!` sets it aside instead.
    fn recover(&mut self, bang: bool) {
        if bang {
            if let Some(p) = self.desk.pending_journal.take() {
                let old = crate::edit::journal::set_aside(&self.desk.path);
                self.desk.say(format!(
                    "{} set aside{}",
                    p.path.display(),
                    old.map(|o| format!(" as {}", o.display()))
                        .unwrap_or_default()
                ));
            } else {
                self.desk.complain("no journal to set aside");
            }
            return;
        }
        let Some(pending) = self.desk.pending_journal.take() else {
            // No journal: the older recovery file, if there is one.
            let before = self.snapshot();
            match self.desk.recover() {
                Ok(()) => {
                    if before != self.snapshot() {
                        self.push_undo(before);
                    }
                    self.desk.say("recovered the unsaved work");
                }
                Err(e) => self.desk.complain(e),
            }
            return;
        };
        let saved = self.desk.saved_session().clone();
        match crate::edit::journal::replay(saved, &pending.entries, UNDO_DEPTH) {
            Ok((session, undo, redo)) => {
                let solo = vec![false; session.tracks.len()];
                // The journal goes on from here, entries and all.
                self.desk.continue_journal();
                self.desk.restore(session, solo.clone());
                let snap = |s: Session| Snapshot {
                    session: s,
                    solo: solo.clone(),
                };
                self.undo = undo.into_iter().map(snap).collect();
                self.redo = redo.into_iter().map(snap).collect();
                self.desk.say(format!(
                    "recovered {} edit(s) from {}{}",
                    pending.edits(),
                    pending.path.display(),
                    if pending.torn {
                        " (its last line was cut short by the crash)"
                    } else {
                        ""
                    }
                ));
            }
            Err(e) => {
                self.desk
                    .complain(format!("{}: {e}", pending.path.display()));
                self.desk.pending_journal = Some(pending);
            }
        }
    }

    /// Handle one key.
    pub fn handle_key(&mut self, key: Key) {
        if let Some(plain) = self.unmapped_meta(key) {
            self.handle_key(Key::plain(KeyCode::Esc));
            self.handle_key(plain);
            return;
        }
        self.keys_handled += 1;
        self.desk.changed = true;
        if self.macro_depth == 0 {
            if let Some((_, keys)) = &mut self.recording {
                keys.push(key);
            }
        }
        if self.colon_escapes(key) {
            self.open_command_line();
            self.sequence_done();
            return;
        }
        if self.overlay.is_some() {
            self.overlay_key(key);
            self.sequence_done();
            return;
        }
        match self.mode {
            Mode::Command => self.line_key(key),
            Mode::Normal | Mode::Visual => self.normal_key(key),
        }
        self.take_pass();
    }

    /// A terminal reads Esc and the key right after it as one Alt-key when
    /// they arrive together (a script, a slow SSH link): `Esc :q!` would
    /// otherwise be Alt-: and `q!`. An Alt-letter that nothing maps is
    /// taken as the two keys; this gives back the second.
    fn unmapped_meta(&self, key: Key) -> Option<Key> {
        if !key.alt || key.ctrl || !matches!(key.code, KeyCode::Char(_)) {
            return None;
        }
        let plain = Key { alt: false, ..key };
        if self.overlay.is_some() || self.mode == Mode::Command || self.awaiting.is_some() {
            return Some(plain);
        }
        let mut keys = self.pending.clone();
        keys.push(key);
        match self.keymap.mode(self.key_mode()).lookup(&keys) {
            Lookup::NotFound => Some(plain),
            _ => None,
        }
    }

    /// `:` reaches the command line from any state: a help or message
    /// popup, a pending count, register or key sequence, a command waiting
    /// for its letter (but `@:`, which replays the last command line).
    fn colon_escapes(&self, key: Key) -> bool {
        if key != Key::plain(KeyCode::Char(':')) || self.mode == Mode::Command {
            return false;
        }
        match &self.awaiting {
            Some((spec, _, _)) => !matches!(spec.run, Run::App(AppAction::PlayMacro)),
            None => self.overlay.is_some() || !self.pending.is_empty(),
        }
    }

    fn open_command_line(&mut self) {
        self.overlay = None;
        self.awaiting = None;
        self.pending.clear();
        self.count = None;
        self.register = None;
        if self.mode == Mode::Visual {
            self.leave_visual();
        }
        self.mode = Mode::Command;
        self.line.clear();
    }

    fn sequence_done(&mut self) {
        if self.pending.is_empty() && self.count.is_none() && self.awaiting.is_none() {
            self.sequence_start = self.recording.as_ref().map_or(0, |(_, k)| k.len());
        }
    }

    fn overlay_key(&mut self, key: Key) {
        let Some(o) = &mut self.overlay else { return };
        let last = o.lines.len().saturating_sub(1);
        match key.code {
            KeyCode::Char('j') | KeyCode::Down => o.scroll = (o.scroll + 1).min(last),
            KeyCode::Char('k') | KeyCode::Up => o.scroll = o.scroll.saturating_sub(1),
            KeyCode::PageDown | KeyCode::Char(' ') | KeyCode::Char('d') => {
                o.scroll = (o.scroll + 10).min(last)
            }
            KeyCode::PageUp | KeyCode::Char('b') | KeyCode::Char('u') => {
                o.scroll = o.scroll.saturating_sub(10)
            }
            KeyCode::Char('g') | KeyCode::Home => o.scroll = 0,
            KeyCode::Char('G') | KeyCode::End => o.scroll = last,
            KeyCode::Char('q') | KeyCode::Esc | KeyCode::Enter | KeyCode::Char('?') => {
                self.overlay = None
            }
            _ => {}
        }
    }

    fn line_key(&mut self, key: Key) {
        match self.line.key(key) {
            LineEvent::Editing => {}
            LineEvent::Cancel => self.mode = Mode::Normal,
            LineEvent::Submit(text) => {
                self.mode = Mode::Normal;
                self.run_line(&text, None);
            }
            LineEvent::Complete { backwards } => {
                let desk = &self.desk;
                self.line
                    .complete(|text| complete::completions(text, desk), backwards);
            }
        }
    }

    fn normal_key(&mut self, key: Key) {
        let esc = key == Key::plain(KeyCode::Esc);
        if let Some((spec, mut args, _)) = self.awaiting.take() {
            if !esc {
                match key.typed_char() {
                    Some(c) => {
                        args.words = vec![c.to_string()];
                        self.run(spec, args, None);
                    }
                    None => self
                        .desk
                        .complain(format!("{}: {key} is not a letter", spec.name)),
                }
            }
            self.count = None;
            self.sequence_done();
            return;
        }
        if self.pending.is_empty() {
            if let Some(d) = key.digit() {
                if d != 0 || self.count.is_some() {
                    let c = self.count.unwrap_or(0).saturating_mul(10).saturating_add(d);
                    self.count = Some(c.min(99_999));
                    return;
                }
            }
        }
        self.pending.push(key);
        let found = match self.keymap.mode(self.key_mode()).lookup(&self.pending) {
            Lookup::Matched(binding) => Some(Some(binding.line())),
            Lookup::Pending(_) => return,
            Lookup::NotFound => Some(None),
            Lookup::Cancelled => None,
        };
        match found {
            Some(Some(line)) => {
                let keys = std::mem::take(&mut self.pending);
                let count = self.count.take();
                self.dispatch(&line, count, keys);
            }
            Some(None) => {
                let keys = std::mem::take(&mut self.pending);
                if !(esc && keys.len() == 1) {
                    self.desk.complain(format!(
                        "{} is not mapped (:help lists the keys)",
                        show_keys(&keys)
                    ));
                }
                self.count = None;
                self.register = None;
            }
            None => {
                self.pending.clear();
                self.count = None;
                self.register = None;
            }
        }
        self.sequence_done();
    }

    /// Run a binding's command line with the count typed before its keys.
    fn dispatch(&mut self, line: &str, count: Option<u32>, keys: Vec<Key>) {
        let (spec, mut args) = match registry::parse_line(line) {
            Ok(x) => x,
            Err(e) => {
                self.desk.complain(e);
                return;
            }
        };
        args.count = count;
        let recording_stop =
            matches!(spec.run, Run::App(AppAction::RecordMacro)) && self.recording.is_some();
        if spec.takes_key && args.words.is_empty() && !recording_stop {
            self.awaiting = Some((spec, args, keys));
            return;
        }
        self.run(spec, args, Some(line));
    }

    /// Run a line typed on the `:` line (or repeated): `count` scales it.
    pub fn run_line(&mut self, text: &str, count: Option<u32>) {
        let text = text.trim().trim_start_matches(':');
        if text.is_empty() {
            return;
        }
        // `:10` goes to second 10? No: like Vim, a bare number is not a
        // position here; it is an error with a hint.
        match registry::parse_line(text) {
            Ok((spec, mut args)) => {
                args.count = count;
                self.run(spec, args, Some(text));
            }
            Err(e) => self.desk.complain(e),
        }
    }

    fn run(&mut self, spec: &'static CommandSpec, args: Args, line: Option<&str>) {
        match spec.run {
            Run::Desk(f) if spec.kind == Kind::Edit && !self.gesture_line => {
                self.outside_gesture(|app| app.run_edit(f, spec, &args, line));
            }
            Run::Desk(f) => self.run_edit(f, spec, &args, line),
            Run::App(action) => self.app_action(action, args),
        }
    }

    /// Run a desk command; an edit is one undo step, or part of the open
    /// gesture when it runs in one.
    fn run_edit(
        &mut self,
        f: fn(&mut Desk, &Args) -> Result<(), String>,
        spec: &'static CommandSpec,
        args: &Args,
        line: Option<&str>,
    ) {
        let before = (spec.kind == Kind::Edit).then(|| Snapshot {
            session: self.desk.session.clone(),
            solo: self.desk.solo.clone(),
        });
        if let Err(e) = f(&mut self.desk, args) {
            self.desk.complain(e);
        }
        if let Some(before) = before {
            if before.session != self.desk.session || before.solo != self.desk.solo {
                if !(self.gesture_line && self.in_gesture()) {
                    self.push_undo(before);
                }
                if let Some(line) = line {
                    let mut l = line.to_string();
                    if let Some(w) = args.words.first() {
                        if spec.takes_key && !l.ends_with(w.as_str()) {
                            l = format!("{l} {w}");
                        }
                    }
                    self.last_edit = Some((l, args.count));
                }
            }
        }
    }

    fn push_undo(&mut self, before: Snapshot) {
        let parts = crate::edit::journal::diff(&before.session, &self.desk.session);
        self.desk.journal(&Entry::Begin);
        self.desk.journal(&Entry::Set(parts));
        self.undo.push(before);
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
        self.redo.clear();
    }

    /// Edits that undo can take back.
    pub fn undo_depth(&self) -> (usize, usize) {
        (self.undo.len(), self.redo.len())
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            session: self.desk.session.clone(),
            solo: self.desk.solo.clone(),
        }
    }

    fn app_action(&mut self, action: AppAction, args: Args) {
        match action {
            AppAction::Quit => {
                if self.desk.modified() && !args.bang {
                    self.desk
                        .complain("unsaved edits: :w saves them, :q! quits without them");
                } else if self.desk.bouncing() && !args.bang {
                    self.desk
                        .complain("a bounce is running: wait, or :q! to stop it");
                } else {
                    self.quit = true;
                }
            }
            AppAction::WriteQuit => {
                let target = args.rest(0);
                match self.desk.write(target.as_deref().map(Path::new)) {
                    Ok(_) => self.quit = true,
                    Err(e) => self.desk.complain(e),
                }
            }
            AppAction::Edit => self.edit(&args),
            AppAction::Undo => self.undo_redo(args.count(), true),
            AppAction::Redo => self.undo_redo(args.count(), false),
            AppAction::Repeat => match self.last_edit.clone() {
                Some((line, count)) => self.run_line(&line, args.count.or(count)),
                None => self.desk.complain("no edit to repeat yet"),
            },
            AppAction::Visual => {
                if self.mode == Mode::Visual {
                    self.leave_visual();
                } else {
                    let p = self.desk.playhead();
                    self.mode = Mode::Visual;
                    self.desk.anchor = Some(p);
                    self.desk.strip_anchor = Some(self.desk.strip);
                    self.desk.selection = Some((p, p));
                }
            }
            AppAction::Escape => {
                if self.mode == Mode::Visual {
                    self.leave_visual();
                } else {
                    self.desk.selection = None;
                    self.desk.strip_anchor = None;
                    self.desk.message = None;
                }
                self.register = None;
                self.count = None;
            }
            AppAction::CommandLine => self.open_command_line(),
            AppAction::Help => self.help(args.word(0)),
            AppAction::Yank => self.yank(),
            AppAction::Put => self.put(),
            AppAction::Register => {
                if let Some(c) = args.word(0).and_then(|w| w.chars().next()) {
                    if Registers::valid(c) || c == '_' {
                        self.register = Some(c);
                        // A count typed before "x still counts.
                        self.count = args.count;
                    } else {
                        self.desk
                            .complain(format!("{c:?} is not a register (a-z, 0-9)"));
                    }
                }
            }
            AppAction::RecordMacro => self.record(args.word(0)),
            AppAction::PlayMacro => self.play_macro(args.word(0), args.count()),
            AppAction::Registers => self.show_registers(),
            AppAction::Recover => self.recover(args.bang),
            AppAction::Delete => self.delete(),
            AppAction::Plugins => {
                let filter = args.rest(0).unwrap_or_default();
                self.overlay = Some(Overlay {
                    title: format!("LV2 plugins {filter}").trim_end().to_string(),
                    lines: crate::command::inserts::plugin_lines(&filter),
                    scroll: 0,
                });
            }
            AppAction::Messages => {
                let lines = if self.desk.notes.is_empty() {
                    vec!["(no messages)".to_string()]
                } else {
                    self.desk.notes.clone()
                };
                self.overlay = Some(Overlay {
                    title: "messages".into(),
                    lines,
                    scroll: 0,
                });
            }
        }
    }

    fn leave_visual(&mut self) {
        self.mode = Mode::Normal;
        self.desk.anchor = None;
        if self.desk.selection.is_some_and(|(a, b)| a == b) {
            self.desk.selection = None;
            self.desk.strip_anchor = None;
        }
    }

    fn edit(&mut self, args: &Args) {
        if self.desk.modified() && !args.bang {
            self.desk
                .complain("unsaved edits: :w saves them, :e! opens without them");
            return;
        }
        let path = args
            .rest(0)
            .map(PathBuf::from)
            .unwrap_or_else(|| self.desk.path.clone());
        // Stop the old engine first so its JACK name is free again.
        if let Some(engine) = &mut self.desk.engine {
            engine.send(crate::engine::msg::ToEngine::Stop);
        }
        let columns = self.desk.view.columns;
        let old_engine = self.desk.engine.take();
        match Desk::open(&path, &self.open_options) {
            Ok(mut desk) => {
                drop(old_engine);
                desk.view.columns = columns;
                if desk.message.is_none() {
                    desk.say(format!("opened {}", path.display()));
                }
                self.desk = desk;
                self.undo.clear();
                self.redo.clear();
                self.last_edit = None;
            }
            Err(e) => {
                self.desk.engine = old_engine;
                self.desk.complain(e);
            }
        }
    }

    fn undo_redo(&mut self, count: u32, undo: bool) {
        self.outside_gesture(|app| app.undo_redo_now(count, undo));
    }

    fn undo_redo_now(&mut self, count: u32, undo: bool) {
        let mut done = 0;
        for _ in 0..count {
            let (from, to) = if undo {
                (&mut self.undo, &mut self.redo)
            } else {
                (&mut self.redo, &mut self.undo)
            };
            let Some(snap) = from.pop() else { break };
            let now = Snapshot {
                session: self.desk.session.clone(),
                solo: self.desk.solo.clone(),
            };
            to.push(now);
            self.desk.restore(snap.session, snap.solo);
            self.desk
                .journal(if undo { &Entry::Undo } else { &Entry::Redo });
            done += 1;
        }
        let word = if undo { "undo" } else { "redo" };
        if done == 0 {
            self.desk.complain(format!("nothing to {word}"));
        } else {
            let left = if undo {
                self.undo.len()
            } else {
                self.redo.len()
            };
            self.desk
                .say(format!("{word}: {done} edit(s); {left} more to {word}"));
        }
    }

    /// Let time pass: take in the engine's reports, and every [`AUTOSAVE`]
    /// write unsaved work to the recovery file.
    pub fn tick(&mut self, now: Instant) {
        self.desk.tick(now);
        self.take_pass();
        self.desk.sync_journal();
        let due = self
            .last_autosave
            .is_none_or(|t| now.saturating_duration_since(t) >= AUTOSAVE);
        if due {
            if self.last_autosave.is_some() {
                if let Err(e) = self.desk.save_recovery() {
                    self.desk
                        .complain(format!("cannot write the recovery file: {e}"));
                }
            }
            self.last_autosave = Some(now);
        }
    }

    /// Selected strip, for the UI.
    pub fn strip(&self) -> StripId {
        self.desk.strip_id()
    }
}
