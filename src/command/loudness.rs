//! Commands for the live loudness meters: show or hide the panel with every
//! stem's loudness, and start the integrated measurement again.

use super::desk::Desk;
use super::spec::{desk, Args, CommandSpec, Kind};

pub(super) static COMMANDS: &[CommandSpec] = &[
    desk(
        "loudness-panel",
        &["lp"],
        "[on|off]",
        Kind::View,
        "Show or hide the loudness of DX, MX, FX, ME and PM (M, S, I, LRA, true peak)",
        panel,
    ),
    desk(
        "loudness-reset",
        &["lr"],
        "",
        Kind::View,
        "Start the live integrated loudness, loudness range and true peak again",
        reset,
    ),
];

fn panel(d: &mut Desk, a: &Args) -> Result<(), String> {
    let shown = match a.word(0) {
        None => !d.loudness.panel,
        Some("on") => true,
        Some("off") => false,
        Some(w) => return Err(format!("loudness-panel on or off, not {w:?}")),
    };
    d.loudness.panel = shown;
    d.changed = true;
    Ok(())
}

fn reset(d: &mut Desk, _: &Args) -> Result<(), String> {
    match &d.engine {
        Some(engine) => engine.reset_loudness(),
        None => return Err("no audio engine: nothing is being measured".into()),
    }
    d.loudness.readings = None;
    d.changed = true;
    d.say("loudness meters reset");
    Ok(())
}
