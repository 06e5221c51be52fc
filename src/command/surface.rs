//! Commands for the MIDI control surface: switch it on as a Mackie
//! Control (`:surface mcu`) or a generic fader box (`:surface midi`), and
//! learn which CC moves which control (`:learn fader 3`, then move the
//! control). The surface itself runs in `remote::surface`; these commands
//! only say what is wanted, and the learned controls live in the session
//! ([`super::surface_setup`] reads and keeps them).

use super::desk::Desk;
use super::spec::{desk, Args, CommandSpec, Kind};
use super::surface_setup::{bindings_line, parse_target};
use crate::model::surface::SurfaceKind;

pub(super) static COMMANDS: &[CommandSpec] = &[
    desk(
        "surface",
        &[],
        "[mcu|midi|off]",
        Kind::View,
        "Switch the MIDI control surface (Mackie Control, learned CCs) on or off, or show it",
        surface,
    ),
    desk(
        "learn",
        &[],
        "[CONTROL]",
        Kind::View,
        "Bind the next MIDI CC to CONTROL (fader 3, pan DX, mute 2, strip hpf.freq), or list",
        learn,
    ),
    desk(
        "unlearn",
        &[],
        "N|all",
        Kind::Edit,
        "Forget learned CC binding N (as :learn lists them), or all of them",
        unlearn,
    ),
];

fn surface(d: &mut Desk, a: &Args) -> Result<(), String> {
    let Some(w) = a.word(0) else {
        let state = d
            .surface
            .line
            .clone()
            .unwrap_or_else(|| match d.surface.wanted {
                SurfaceKind::Off => "surface off (:surface mcu or :surface midi)".into(),
                k => format!("surface {} starting", k.name()),
            });
        let learned = bindings_line(&d.session);
        d.say(format!("{state}; {learned}"));
        return Ok(());
    };
    let kind = SurfaceKind::parse(w).ok_or_else(|| format!("{w:?}: mcu, midi or off"))?;
    d.surface.wanted = kind;
    d.session.audio.surface = kind;
    if kind == SurfaceKind::Off {
        d.surface.learning = None;
    }
    d.say(match kind {
        SurfaceKind::Off => "surface off".to_string(),
        SurfaceKind::Mcu => "surface: Mackie Control on the JACK MIDI ports".to_string(),
        SurfaceKind::Midi => "surface: learned CCs on the JACK MIDI ports".to_string(),
    });
    d.changed = true;
    Ok(())
}

fn learn(d: &mut Desk, a: &Args) -> Result<(), String> {
    let Some(text) = a.rest(0) else {
        if let Some(t) = &d.surface.learning {
            let line = format!("waiting for a CC for {t}; {}", bindings_line(&d.session));
            d.say(line);
        } else {
            let line = bindings_line(&d.session);
            d.say(line);
        }
        return Ok(());
    };
    parse_target(&d.session, &text)?;
    if d.surface.wanted == SurfaceKind::Off {
        return Err("the surface is off: :surface midi (or mcu) opens its MIDI ports".into());
    }
    d.say(format!(
        "move a control on the MIDI box: it will move {text}"
    ));
    d.surface.learning = Some(text);
    d.changed = true;
    Ok(())
}

fn unlearn(d: &mut Desk, a: &Args) -> Result<(), String> {
    let w = a
        .word(0)
        .ok_or("which? :unlearn N (as :learn lists them) or :unlearn all")?;
    let learned = &mut d.session.audio.midi_learn;
    if w == "all" {
        let n = learned.len();
        learned.clear();
        d.say(format!("forgot {n} learned CC(s)"));
        return Ok(());
    }
    let n: usize = w
        .parse()
        .ok()
        .filter(|n| *n >= 1 && *n <= learned.len())
        .ok_or_else(|| {
            format!(
                "{w:?}: a binding's number from 1 to {} or all",
                learned.len()
            )
        })?;
    let gone = learned.remove(n - 1);
    d.say(format!(
        "forgot CC{} on channel {} ({})",
        gone.cc, gone.channel, gone.control
    ));
    Ok(())
}
