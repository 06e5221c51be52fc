//! The console's own commands, run by the app: modes, the `:` line, help,
//! undo and redo, repeat, registers and macros.

use super::spec::{app, keyed, AppAction, CommandSpec};

pub(super) static COMMANDS: &[CommandSpec] = &[
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
