//! Commands on files: write, quit, open another session, recover, bounce,
//! deliver, and the messages given when the session was opened.

use std::path::Path;

use super::desk::Desk;
use super::spec::{app, desk, AppAction, Args, CommandSpec, Kind};

pub(super) static COMMANDS: &[CommandSpec] = &[
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
    desk(
        "deliver",
        &[],
        "DIR PROFILE...",
        Kind::File,
        "Deliver the selection (or the session) as versions DIR/PROFILE/ (ebu-r128, stereo-loro...)",
        deliver_cmd,
    ),
    app(
        "messages",
        &[],
        "",
        "Show every message given when the session was opened",
        AppAction::Messages,
    ),
];

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

fn deliver_cmd(d: &mut Desk, a: &Args) -> Result<(), String> {
    let usage = "deliver into which folder, which versions? :deliver DIR PROFILE... (e.g. :deliver out stereo-loro stereo-ltrt)";
    let dir = a.word(0).ok_or(usage)?;
    if a.words.len() < 2 {
        return Err(usage.into());
    }
    d.start_delivery(dir.into(), &a.words[1..])?;
    d.say(format!("delivering {} into {dir}", a.words[1..].join(", ")));
    Ok(())
}
