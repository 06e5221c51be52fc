//! The words commands are made of: what a command is given ([`Args`]),
//! what kind it is ([`Kind`]), how it runs ([`Run`]) and its entry in the
//! registry ([`CommandSpec`]). The families of commands and everything that
//! dispatches through the registry (the console, keymaps, the man page)
//! build on this; it names only the [`Desk`] commands act on.

use super::desk::Desk;

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
    /// `:plugins [FILTER]`: the installed LV2 plugins in an overlay.
    Plugins,
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
