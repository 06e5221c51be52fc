//! The one list of named commands. Keymaps bind key sequences to these
//! names, the `:` line runs them by name, `:help` lists them, and the man
//! page's COMMANDS section is checked against them.

use std::path::Path;

use super::desk::{Desk, MIN_ZOOM};
use super::strip::{show_db, show_pan, StripId};
use crate::model::timecode::parse_position;

/// What a command was given: a count typed before its keys, words typed
/// after its name, and a `!` after the name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args {
    pub count: Option<u32>,
    pub words: Vec<String>,
    pub bang: bool,
}

impl Args {
    pub fn count(&self) -> u32 {
        self.count.unwrap_or(1).max(1)
    }

    pub fn word(&self, i: usize) -> Option<&str> {
        self.words.get(i).map(String::as_str)
    }

    /// The rest of the line from word `i`, joined by spaces.
    pub fn rest(&self, i: usize) -> Option<String> {
        (self.words.len() > i).then(|| self.words[i..].join(" "))
    }

    pub fn number(&self, i: usize, default: f32) -> Result<f32, String> {
        match self.word(i) {
            None => Ok(default),
            Some(w) => w
                .parse::<f32>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("{w:?} is not a number")),
        }
    }
}

/// What kind of command: the app treats edits (undo, `.`) and motions
/// (visual selection) specially.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Changes the session: undoable, repeated by `.`.
    Edit,
    /// Moves the playhead (extends the selection in visual mode).
    Motion,
    Transport,
    View,
    File,
    /// Handled by the app itself (modes, undo, registers, macros).
    App,
}

/// The app's own actions, for commands that are about the console rather
/// than the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppAction {
    Quit,
    WriteQuit,
    Edit,
    Undo,
    Redo,
    Repeat,
    Visual,
    Escape,
    CommandLine,
    Help,
    Yank,
    Put,
    Register,
    RecordMacro,
    PlayMacro,
    Registers,
    Messages,
    Recover,
    Delete,
}

/// How a command runs.
#[derive(Clone, Copy)]
pub enum Run {
    Desk(fn(&mut Desk, &Args) -> Result<(), String>),
    App(AppAction),
}

/// One named command.
#[derive(Clone, Copy)]
pub struct CommandSpec {
    pub name: &'static str,
    /// Short names for the `:` line (`w`, `q`).
    pub aliases: &'static [&'static str],
    /// The arguments, for people: `[DB]`, `FILE`.
    pub args: &'static str,
    pub doc: &'static str,
    pub kind: Kind,
    /// Takes the next key typed as its argument (`m{a-z}`, `q{a-z}`).
    pub takes_key: bool,
    pub run: Run,
}

impl std::fmt::Debug for CommandSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

pub(super) const fn desk(
    name: &'static str,
    aliases: &'static [&'static str],
    args: &'static str,
    kind: Kind,
    doc: &'static str,
    run: fn(&mut Desk, &Args) -> Result<(), String>,
) -> CommandSpec {
    CommandSpec {
        name,
        aliases,
        args,
        doc,
        kind,
        takes_key: false,
        run: Run::Desk(run),
    }
}

pub(super) const fn app(
    name: &'static str,
    aliases: &'static [&'static str],
    args: &'static str,
    doc: &'static str,
    action: AppAction,
) -> CommandSpec {
    CommandSpec {
        name,
        aliases,
        args,
        doc,
        kind: Kind::App,
        takes_key: false,
        run: Run::App(action),
    }
}

pub(super) const fn keyed(mut spec: CommandSpec) -> CommandSpec {
    spec.takes_key = true;
    spec
}

/// The console's own commands: files, transport, motions, strips, view,
/// registers and macros.
static CONSOLE: &[CommandSpec] = &[
    // Files
    desk(
        "write",
        &["w"],
        "[FILE]",
        Kind::File,
        "Save the session (atomically, keeping a .bak), or a copy to FILE",
        write,
    ),
    app(
        "write-quit",
        &["wq", "x"],
        "",
        "Save the session and quit",
        AppAction::WriteQuit,
    ),
    app(
        "quit",
        &["q"],
        "",
        "Quit; refuses while there are unsaved edits (quit! drops them)",
        AppAction::Quit,
    ),
    app(
        "edit",
        &["e"],
        "FILE",
        "Open another session; refuses while there are unsaved edits (edit! drops them)",
        AppAction::Edit,
    ),
    app(
        "recover",
        &[],
        "",
        "Replay the edits a crash left in the journal, with their undo (recover! sets it aside)",
        AppAction::Recover,
    ),
    desk(
        "bounce",
        &[],
        "DIR",
        Kind::File,
        "Bounce DX, MX, FX, ME and PM of the selection (or the session) into DIR",
        bounce_cmd,
    ),
    app(
        "messages",
        &[],
        "",
        "Show every message given when the session was opened",
        AppAction::Messages,
    ),
    // Transport
    desk(
        "play-stop",
        &[],
        "",
        Kind::Transport,
        "Start or stop the transport",
        play_stop,
    ),
    desk(
        "play",
        &[],
        "",
        Kind::Transport,
        "Start the transport",
        |d, _| {
            d.play();
            Ok(())
        },
    ),
    desk(
        "stop",
        &[],
        "",
        Kind::Transport,
        "Stop the transport",
        |d, _| {
            d.stop();
            Ok(())
        },
    ),
    desk(
        "loop",
        &[],
        "",
        Kind::Transport,
        "Loop the selection (or the whole session) while rolling, or stop looping",
        loop_cmd,
    ),
    desk(
        "goto",
        &["locate"],
        "TIME|MARKER",
        Kind::Motion,
        "Move the playhead to a timecode, samples, 10s, 250ms, or a marker's name",
        goto,
    ),
    desk(
        "rewind",
        &["start"],
        "",
        Kind::Motion,
        "Move the playhead to the session start",
        |d, _| {
            d.locate(0);
            Ok(())
        },
    ),
    desk(
        "end",
        &[],
        "",
        Kind::Motion,
        "Move the playhead to the session end",
        |d, _| {
            let e = d.session.end();
            d.locate(e);
            Ok(())
        },
    ),
    desk(
        "step-forward",
        &[],
        "[SECONDS]",
        Kind::Motion,
        "Move the playhead forward (1 s, times the count)",
        |d, a| step(d, a, 1),
    ),
    desk(
        "step-back",
        &[],
        "[SECONDS]",
        Kind::Motion,
        "Move the playhead back (1 s, times the count)",
        |d, a| step(d, a, -1),
    ),
    desk(
        "page-forward",
        &[],
        "",
        Kind::Motion,
        "Move the playhead forward one screen of timeline",
        |d, a| page(d, a, 1),
    ),
    desk(
        "page-back",
        &[],
        "",
        Kind::Motion,
        "Move the playhead back one screen of timeline",
        |d, a| page(d, a, -1),
    ),
    desk(
        "clip-next",
        &[],
        "",
        Kind::Motion,
        "Move the playhead to the start of the next clip on the selected track",
        |d, a| clip_jump(d, a, true, false),
    ),
    desk(
        "clip-prev",
        &[],
        "",
        Kind::Motion,
        "Move the playhead to the start of the previous clip on the selected track",
        |d, a| clip_jump(d, a, false, false),
    ),
    desk(
        "clip-end",
        &[],
        "",
        Kind::Motion,
        "Move the playhead to the end of the next clip on the selected track",
        |d, a| clip_jump(d, a, true, true),
    ),
    desk(
        "marker-next",
        &[],
        "",
        Kind::Motion,
        "Move the playhead to the next marker",
        |d, a| marker_jump(d, a, true),
    ),
    desk(
        "marker-prev",
        &[],
        "",
        Kind::Motion,
        "Move the playhead to the previous marker",
        |d, a| marker_jump(d, a, false),
    ),
    keyed(desk(
        "mark",
        &[],
        "CHAR",
        Kind::View,
        "Set mark CHAR at the playhead",
        mark,
    )),
    keyed(desk(
        "jump-mark",
        &[],
        "CHAR",
        Kind::Motion,
        "Move the playhead to mark CHAR",
        jump_mark,
    )),
    desk(
        "reconnect",
        &[],
        "",
        Kind::Transport,
        "Start again on a JACK server (after it went away or appeared)",
        |d, _| d.reconnect(),
    ),
    // Mixer
    desk(
        "strip-next",
        &[],
        "",
        Kind::View,
        "Select the next strip (tracks, buses, stems, ME, PM)",
        |d, a| strip_step(d, a, 1),
    ),
    desk(
        "strip-prev",
        &[],
        "",
        Kind::View,
        "Select the previous strip",
        |d, a| strip_step(d, a, -1),
    ),
    desk(
        "strip",
        &[],
        "NAME|PARAM [VALUE]",
        Kind::Edit,
        "Select the strip NAME (DX, PM, a track or bus), or pick or set PARAM of its processing",
        strip_named,
    ),
    desk(
        "fader-up",
        &[],
        "[DB]",
        Kind::Edit,
        "Raise the selected strip's fader (1 dB, times the count)",
        |d, a| fader_step(d, a, 1.0),
    ),
    desk(
        "fader-down",
        &[],
        "[DB]",
        Kind::Edit,
        "Lower the selected strip's fader (1 dB, times the count)",
        |d, a| fader_step(d, a, -1.0),
    ),
    desk(
        "fader",
        &[],
        "DB",
        Kind::Edit,
        "Set the selected strip's fader to DB (0 is unity; -inf is off)",
        fader_set,
    ),
    desk(
        "pan-left",
        &[],
        "[STEP]",
        Kind::Edit,
        "Pan the selected track left (0.1, times the count)",
        |d, a| pan_step(d, a, -1.0),
    ),
    desk(
        "pan-right",
        &[],
        "[STEP]",
        Kind::Edit,
        "Pan the selected track right (0.1, times the count)",
        |d, a| pan_step(d, a, 1.0),
    ),
    desk(
        "pan",
        &[],
        "POS",
        Kind::Edit,
        "Set the selected track's pan: C, L30, R100 or -1..1",
        pan_set,
    ),
    desk(
        "mute",
        &[],
        "[on|off]",
        Kind::Edit,
        "Mute or unmute the selected strip (toggles)",
        mute,
    ),
    desk(
        "solo",
        &[],
        "[on|off]",
        Kind::Edit,
        "Solo or unsolo the selected track (toggles; not saved)",
        solo,
    ),
    desk(
        "clear-meters",
        &[],
        "",
        Kind::View,
        "Clear the clip indicators and peak holds",
        |d, _| {
            d.meters.clear();
            d.changed = true;
            Ok(())
        },
    ),
    // Markers
    desk(
        "marker-add",
        &[],
        "[NAME]",
        Kind::Edit,
        "Add a marker at the playhead (or rename the one there)",
        marker_add,
    ),
    desk(
        "marker-delete",
        &[],
        "",
        Kind::Edit,
        "Delete the marker at the playhead (within a column)",
        marker_delete,
    ),
    // View
    desk(
        "zoom-in",
        &[],
        "",
        Kind::View,
        "Show less time across the timeline (by 2, times the count)",
        |d, a| zoom(d, a, true),
    ),
    desk(
        "zoom-out",
        &[],
        "",
        Kind::View,
        "Show more time across the timeline",
        |d, a| zoom(d, a, false),
    ),
    desk(
        "zoom-fit",
        &[],
        "",
        Kind::View,
        "Fit the whole session across the timeline",
        |d, _| {
            d.view.zoom = None;
            d.view.scroll = 0;
            d.changed = true;
            Ok(())
        },
    ),
    desk(
        "center",
        &[],
        "",
        Kind::View,
        "Scroll the timeline to put the playhead in the middle",
        center,
    ),
    desk(
        "set",
        &["se"],
        "OPTION",
        Kind::Edit,
        "Set an option: follow, return-to-start, jack-transport, loop (noX, X!, X?)",
        set,
    ),
    // The console
    app(
        "visual",
        &[],
        "",
        "Start selecting a span of the timeline from the playhead",
        AppAction::Visual,
    ),
    app(
        "escape",
        &[],
        "",
        "Leave visual mode; clear the selection and pending keys",
        AppAction::Escape,
    ),
    app(
        "command-line",
        &[],
        "",
        "Type a command on the : line (Tab completes, Up and Down recall)",
        AppAction::CommandLine,
    ),
    app(
        "help",
        &["h"],
        "[COMMAND]",
        "List every command with its keys, or describe one",
        AppAction::Help,
    ),
    app(
        "undo",
        &["u"],
        "",
        "Undo the last edit (times the count)",
        AppAction::Undo,
    ),
    app(
        "redo",
        &["red"],
        "",
        "Redo an undone edit (times the count)",
        AppAction::Redo,
    ),
    app(
        "repeat",
        &[],
        "",
        "Repeat the last edit (with a new count if one is typed)",
        AppAction::Repeat,
    ),
    app(
        "yank",
        &[],
        "",
        "Yank the selection's span, or the selected strip's settings, into a register",
        AppAction::Yank,
    ),
    app(
        "put",
        &[],
        "",
        "Put a register: strip settings on the selected strip, a span as the selection",
        AppAction::Put,
    ),
    keyed(app(
        "register",
        &[],
        "CHAR",
        "Use register CHAR for the next yank, put or macro",
        AppAction::Register,
    )),
    keyed(app(
        "record-macro",
        &[],
        "CHAR",
        "Record keys into register CHAR; the same key again stops",
        AppAction::RecordMacro,
    )),
    keyed(app(
        "play-macro",
        &[],
        "CHAR",
        "Play the keys in register CHAR (@ again: the last one; : the last command line)",
        AppAction::PlayMacro,
    )),
    app(
        "delete",
        &["d"],
        "",
        "Cut the selection's clips (or the clip under the playhead) into a register",
        AppAction::Delete,
    ),
    app(
        "registers",
        &["reg"],
        "",
        "List the registers",
        AppAction::Registers,
    ),
];

/// Every section of commands, in the order `:help` and the man page list
/// them. A new area of commands is a file in `command/` with its own slice.
static SECTIONS: &[&[CommandSpec]] = &[
    CONSOLE,
    super::edit::COMMANDS,
    super::automation::COMMANDS,
    super::strip_params::COMMANDS,
    super::loudness::COMMANDS,
];

/// Every command, in the order `:help` and the man page list them.
pub fn commands() -> impl Iterator<Item = &'static CommandSpec> + Clone {
    SECTIONS.iter().flat_map(|s| s.iter())
}

/// The command called `name` (or with that alias).
pub fn find(name: &str) -> Option<&'static CommandSpec> {
    commands()
        .find(|c| c.name == name)
        .or_else(|| commands().find(|c| c.aliases.contains(&name)))
}

/// Whether `name` (perhaps with a `!`) is a command.
pub fn exists(name: &str) -> bool {
    find(name.strip_suffix('!').unwrap_or(name)).is_some()
}

/// A command line parsed: the command, a `!`, and its words.
pub fn parse_line(line: &str) -> Result<(&'static CommandSpec, Args), String> {
    let line = line.trim();
    let (head, rest) = line.split_at(line.find(char::is_whitespace).unwrap_or(line.len()));
    let (name, bang) = match head.strip_suffix('!') {
        Some(n) => (n, true),
        None => (head, false),
    };
    if name.is_empty() {
        return Err("type a command; :help lists them".into());
    }
    let spec = find(name).ok_or_else(|| format!("not a command: {name} (:help lists them)"))?;
    Ok((
        spec,
        Args {
            count: None,
            words: rest.split_whitespace().map(str::to_string).collect(),
            bang,
        },
    ))
}

// ---- the commands ----

fn write(d: &mut Desk, a: &Args) -> Result<(), String> {
    let target = a.rest(0);
    let path = d.write(target.as_deref().map(Path::new))?;
    d.say(format!("written {}", path.display()));
    Ok(())
}

fn bounce_cmd(d: &mut Desk, a: &Args) -> Result<(), String> {
    let dir = a.rest(0).ok_or("bounce into which folder? :bounce DIR")?;
    d.start_bounce(dir.clone().into())?;
    d.say(format!("bouncing into {dir}"));
    Ok(())
}

fn play_stop(d: &mut Desk, _: &Args) -> Result<(), String> {
    if d.rolling() {
        d.stop();
    } else {
        d.play();
    }
    Ok(())
}

fn loop_cmd(d: &mut Desk, _: &Args) -> Result<(), String> {
    if d.loop_range.is_some() {
        d.set_loop(None);
        d.say("loop off");
    } else {
        let range = d.selection.filter(|(a, b)| b > a).unwrap_or((0, d.end()));
        d.set_loop(Some(range));
        d.say(format!(
            "looping {} .. {}",
            d.clock.format_samples(range.0),
            d.clock.format_samples(range.1)
        ));
    }
    Ok(())
}

fn goto(d: &mut Desk, a: &Args) -> Result<(), String> {
    let text = a
        .rest(0)
        .ok_or("go where? :goto 01:00:10:00, 10s, or a marker")?;
    let position = match parse_position(&text, &d.clock) {
        Ok(p) => p,
        Err(e) => {
            let wanted = text.to_lowercase();
            d.session
                .markers
                .iter()
                .find(|m| m.name.to_lowercase() == wanted)
                .map(|m| m.position)
                .ok_or_else(|| format!("{e}; nor is it a marker"))?
        }
    };
    d.locate(position);
    Ok(())
}

fn step(d: &mut Desk, a: &Args, sign: i64) -> Result<(), String> {
    let seconds = a.number(0, 1.0)?.abs() as f64 * a.count() as f64;
    let samples = (seconds * d.session.sample_rate as f64).round() as u64;
    let p = d.playhead();
    d.locate(if sign > 0 {
        p.saturating_add(samples)
    } else {
        p.saturating_sub(samples)
    });
    Ok(())
}

fn page(d: &mut Desk, a: &Args, sign: i64) -> Result<(), String> {
    let spc = d.view.samples_per_column(d.end());
    let samples = spc * d.view.columns.max(1) as u64 * a.count() as u64;
    let p = d.playhead();
    d.locate(if sign > 0 {
        p.saturating_add(samples)
    } else {
        p.saturating_sub(samples)
    });
    Ok(())
}

/// Where `count` steps through `points` from `from` land (the points
/// before it when going back); `from` itself when there is none.
pub fn step_through(mut points: Vec<u64>, from: u64, count: u32, forward: bool) -> u64 {
    points.sort_unstable();
    points.dedup();
    let mut p = from;
    for _ in 0..count {
        let next = if forward {
            points.iter().copied().find(|&x| x > p)
        } else {
            points.iter().rev().copied().find(|&x| x < p)
        };
        match next {
            Some(x) => p = x,
            None => break,
        }
    }
    p
}

fn clip_jump(d: &mut Desk, a: &Args, forward: bool, ends: bool) -> Result<(), String> {
    let StripId::Track(t) = d.strip_id() else {
        return Err("select a track (j/k) to move between its clips".into());
    };
    let points: Vec<u64> = d.session.tracks[t]
        .clips
        .iter()
        .map(|c| if ends { c.end() } else { c.position })
        .collect();
    let p = step_through(points, d.playhead(), a.count(), forward);
    if p == d.playhead() {
        return Err(format!(
            "no clip {} on {}",
            if forward {
                "after the playhead"
            } else {
                "before the playhead"
            },
            d.session.tracks[t].name
        ));
    }
    d.locate(p);
    Ok(())
}

fn marker_jump(d: &mut Desk, a: &Args, forward: bool) -> Result<(), String> {
    let mut p = d.playhead();
    let mut found = None;
    for _ in 0..a.count() {
        let next = if forward {
            d.session
                .markers
                .iter()
                .filter(|m| m.position > p)
                .min_by_key(|m| m.position)
        } else {
            d.session
                .markers
                .iter()
                .filter(|m| m.position < p)
                .max_by_key(|m| m.position)
        };
        match next {
            Some(m) => {
                p = m.position;
                found = Some(m.name.clone());
            }
            None => break,
        }
    }
    let name = found.ok_or(if forward {
        "no marker after the playhead"
    } else {
        "no marker before the playhead"
    })?;
    d.locate(p);
    d.say(format!("marker {name}"));
    Ok(())
}

fn key_arg(a: &Args) -> Result<char, String> {
    let w = a.word(0).ok_or("which one? a letter")?;
    let mut chars = w.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(format!("{w:?}: a single letter, please")),
    }
}

fn mark(d: &mut Desk, a: &Args) -> Result<(), String> {
    let c = key_arg(a)?;
    if !c.is_ascii_alphanumeric() {
        return Err(format!("marks are letters and digits, not {c:?}"));
    }
    let p = d.playhead();
    d.marks.insert(c, p);
    d.say(format!("mark {c} at {}", d.clock.format_samples(p)));
    Ok(())
}

fn jump_mark(d: &mut Desk, a: &Args) -> Result<(), String> {
    let c = key_arg(a)?;
    let p = *d
        .marks
        .get(&c)
        .ok_or_else(|| format!("mark {c} is not set"))?;
    d.locate(p);
    Ok(())
}

fn strip_step(d: &mut Desk, a: &Args, sign: i64) -> Result<(), String> {
    let n = d.strip_count() as i64;
    let s = (d.strip as i64 + sign * a.count() as i64).clamp(0, n - 1);
    d.strip = s as usize;
    d.changed = true;
    Ok(())
}

fn strip_named(d: &mut Desk, a: &Args) -> Result<(), String> {
    if let Some(done) = super::strip_params::strip_line(d, a) {
        return done;
    }
    let name = a.rest(0).ok_or("which strip? :strip NAME")?;
    let wanted = name.to_lowercase();
    let all = StripId::all(&d.session);
    let found = all
        .iter()
        .position(|s| s.name(&d.session).to_lowercase() == wanted)
        .or_else(|| {
            all.iter()
                .position(|s| s.name(&d.session).to_lowercase().starts_with(&wanted))
        })
        .ok_or_else(|| format!("no strip is called {name:?}"))?;
    d.strip = found;
    d.changed = true;
    Ok(())
}

fn report_fader(d: &mut Desk, strip: StripId, db: f32) {
    let name = strip.name(&d.session);
    d.say(format!("{name} fader {} dB", show_db(db)));
}

fn fader_step(d: &mut Desk, a: &Args, sign: f32) -> Result<(), String> {
    let strip = d.strip_id();
    let written = d.written(strip, &crate::model::LaneTarget::Volume);
    let now = written.or(strip.fader(&d.session)).ok_or_else(|| {
        format!(
            "the {} has no fader: it follows the MX and FX stems",
            strip.kind()
        )
    })?;
    let step = a.number(0, 1.0)?.abs() * a.count() as f32;
    let db = d.set_fader(strip, now + sign * step)?;
    report_fader(d, strip, db);
    Ok(())
}

fn fader_set(d: &mut Desk, a: &Args) -> Result<(), String> {
    let strip = d.strip_id();
    let w = a.word(0).ok_or("to what level? :fader -6")?;
    let db = if w.eq_ignore_ascii_case("-inf") {
        f32::NEG_INFINITY
    } else {
        a.number(0, 0.0)?
    };
    let db = d.set_fader(strip, db)?;
    report_fader(d, strip, db);
    Ok(())
}

fn pan_step(d: &mut Desk, a: &Args, sign: f32) -> Result<(), String> {
    let strip = d.strip_id();
    let written = d.written(strip, &crate::model::LaneTarget::Pan);
    let now = written
        .or(strip.pan(&d.session))
        .ok_or_else(|| format!("a {} has no pan; pan is on tracks", strip.kind()))?;
    let step = a.number(0, 0.1)?.abs() * a.count() as f32;
    let pan = d.set_pan(strip, now + sign * step)?;
    d.say(format!("{} pan {}", strip.name(&d.session), show_pan(pan)));
    Ok(())
}

/// Read a pan position: `C`, `L30`, `R100`, or -1..1.
pub fn parse_pan(text: &str) -> Option<f32> {
    let t = text.trim().to_ascii_uppercase();
    if t == "C" {
        return Some(0.0);
    }
    let v = if let Some(n) = t.strip_prefix('L') {
        -n.parse::<f32>().ok()? / 100.0
    } else if let Some(n) = t.strip_prefix('R') {
        n.parse::<f32>().ok()? / 100.0
    } else {
        t.parse::<f32>().ok()?
    };
    (v.is_finite() && (-1.0..=1.0).contains(&v)).then_some(v)
}

fn pan_set(d: &mut Desk, a: &Args) -> Result<(), String> {
    let strip = d.strip_id();
    let w = a.word(0).ok_or("where? :pan C, :pan L30, :pan 0.5")?;
    let pan =
        parse_pan(w).ok_or_else(|| format!("{w:?} is not a pan position (C, L30, R100, -1..1)"))?;
    let pan = d.set_pan(strip, pan)?;
    d.say(format!("{} pan {}", strip.name(&d.session), show_pan(pan)));
    Ok(())
}

fn on_off(a: &Args, now: bool) -> Result<bool, String> {
    match a.word(0) {
        None => Ok(!now),
        Some("on") => Ok(true),
        Some("off") => Ok(false),
        Some(w) => Err(format!("{w:?}: on or off")),
    }
}

fn mute(d: &mut Desk, a: &Args) -> Result<(), String> {
    let strip = d.strip_id();
    let now = strip
        .mute(&d.session)
        .ok_or_else(|| format!("the {} has no mute", strip.kind()))?;
    let m = on_off(a, now)?;
    d.set_mute(strip, m)?;
    d.say(format!(
        "{} {}",
        strip.name(&d.session),
        if m { "muted" } else { "unmuted" }
    ));
    Ok(())
}

fn solo(d: &mut Desk, a: &Args) -> Result<(), String> {
    let strip = d.strip_id();
    let StripId::Track(i) = strip else {
        return Err(format!("solo is on tracks, not on a {}", strip.kind()));
    };
    let s = on_off(a, d.solo[i])?;
    d.set_solo(strip, s)?;
    d.say(format!(
        "{} {}",
        strip.name(&d.session),
        if s { "soloed" } else { "unsoloed" }
    ));
    Ok(())
}

fn marker_add(d: &mut Desk, a: &Args) -> Result<(), String> {
    let p = d.playhead();
    let name = a
        .rest(0)
        .unwrap_or_else(|| format!("Marker {}", d.session.markers.len() + 1));
    d.add_marker(name.clone(), p);
    d.say(format!("marker {name} at {}", d.clock.format_samples(p)));
    Ok(())
}

fn marker_delete(d: &mut Desk, _: &Args) -> Result<(), String> {
    let tolerance = d.view.samples_per_column(d.end());
    let i = d
        .marker_near(d.playhead(), tolerance)
        .ok_or("no marker at the playhead")?;
    let m = d.session.markers.remove(i);
    d.say(format!("deleted marker {}", m.name));
    Ok(())
}

fn zoom(d: &mut Desk, a: &Args, inward: bool) -> Result<(), String> {
    let end = d.end();
    let mut spc = d.view.samples_per_column(end);
    let fit = end.div_ceil(d.view.columns.max(1) as u64).max(MIN_ZOOM);
    for _ in 0..a.count().min(20) {
        spc = if inward {
            (spc / 2).max(MIN_ZOOM)
        } else {
            (spc * 2).min(fit * 4)
        };
    }
    d.view.zoom = Some(spc);
    center(d, a)
}

fn center(d: &mut Desk, _: &Args) -> Result<(), String> {
    let spc = d.view.samples_per_column(d.end());
    let half = spc * d.view.columns as u64 / 2;
    if d.view.zoom.is_some() {
        d.view.scroll = d.playhead().saturating_sub(half) / spc * spc;
    }
    d.changed = true;
    Ok(())
}

/// The options `:set` knows.
pub const OPTIONS: &[(&str, &str)] = &[
    ("follow", "page the timeline along with the playhead"),
    (
        "return-to-start",
        "on stop, go back to where play started (saved)",
    ),
    (
        "jack-transport",
        "start, stop and locate with the JACK transport (saved)",
    ),
    ("loop", "loop the selection or the session while rolling"),
];

fn set(d: &mut Desk, a: &Args) -> Result<(), String> {
    let w = a
        .word(0)
        .ok_or("set what? follow, return-to-start, jack-transport, loop")?;
    let (name, value) = if let Some(n) = w.strip_suffix('?') {
        (n, None)
    } else if let Some(n) = w.strip_suffix('!') {
        (n, Some(None))
    } else if let Some(n) = w
        .strip_prefix("no")
        .filter(|n| OPTIONS.iter().any(|(o, _)| o == n))
    {
        (n, Some(Some(false)))
    } else if let Some((n, v)) = w.split_once('=') {
        let v = match v {
            "on" | "true" | "yes" | "1" => true,
            "off" | "false" | "no" | "0" => false,
            _ => return Err(format!("{v:?}: on or off")),
        };
        (n, Some(Some(v)))
    } else {
        (w, Some(Some(true)))
    };
    let now = match name {
        "follow" => d.view.follow,
        "return-to-start" => d.session.audio.return_to_start,
        "jack-transport" => d.session.audio.follow_jack_transport,
        "loop" => d.loop_range.is_some(),
        _ => {
            return Err(format!(
                "no option is called {name:?} (follow, return-to-start, jack-transport, loop)"
            ))
        }
    };
    let Some(value) = value else {
        d.say(format!("{}{name}", if now { "" } else { "no" }));
        return Ok(());
    };
    let v = value.unwrap_or(!now);
    match name {
        "follow" => {
            d.view.follow = v;
            if !v {
                d.view.scroll = d.view.start(d.end(), d.playhead());
            }
        }
        "return-to-start" => {
            d.session.audio.return_to_start = v;
            if let Some(e) = &mut d.engine {
                e.send(crate::engine::msg::ToEngine::ReturnToStart(v));
            }
        }
        "jack-transport" => {
            d.session.audio.follow_jack_transport = v;
            if let Some(e) = &mut d.engine {
                e.send(crate::engine::msg::ToEngine::FollowJackTransport(v));
            }
        }
        _ => {
            if v != now {
                loop_cmd(d, a)?;
            }
        }
    }
    d.say(format!("{}{name}", if v { "" } else { "no" }));
    d.changed = true;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_are_unique_and_documented() {
        let mut seen = std::collections::HashSet::new();
        for c in commands() {
            assert!(!c.doc.is_empty() && c.doc.len() < 100, "{}", c.name);
            for n in std::iter::once(&c.name).chain(c.aliases) {
                assert!(seen.insert(*n), "{n} twice");
            }
        }
    }

    #[test]
    fn command_lines_parse() {
        let (c, a) = parse_line("q!").unwrap();
        assert_eq!((c.name, a.bang), ("quit", true));
        let (c, a) = parse_line(" fader-up 2 ").unwrap();
        assert_eq!(
            (c.name, a.words.clone()),
            ("fader-up", vec!["2".to_string()])
        );
        assert!(parse_line("frobnicate").unwrap_err().contains("frobnicate"));
        assert!(parse_line("").is_err());
        assert_eq!(parse_pan("L30"), Some(-0.3));
        assert_eq!(parse_pan("r100"), Some(1.0));
        assert_eq!(parse_pan("2"), None);
    }
}
