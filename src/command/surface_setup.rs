//! What the desk keeps of the MIDI control surface: the protocol wanted,
//! the control being learned, and reading and keeping the CC bindings of
//! `:learn` (a control as given: "fader 3", "pan DX", "strip hpf.freq").

use super::params::find as find_param;
use super::strip::StripId;
use crate::model::surface::{CcBinding, SurfaceKind};
use crate::model::Session;

/// What the desk keeps of the surface.
#[derive(Debug, Clone, Default)]
pub struct SurfaceDesk {
    /// What the user asked for; the console opens or closes the ports.
    pub wanted: SurfaceKind,
    /// The control the next CC will be bound to.
    pub learning: Option<String>,
    /// The surface's state in a line, while it is on.
    pub line: Option<String>,
}

impl SurfaceDesk {
    pub fn wanting(wanted: SurfaceKind) -> SurfaceDesk {
        SurfaceDesk {
            wanted,
            ..SurfaceDesk::default()
        }
    }
}

/// A control a CC can move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LearnTarget {
    /// The fader of the strip at this place (from 0).
    Fader(usize),
    Pan(usize),
    Mute(usize),
    Solo(usize),
    /// A processing parameter (index in `params::PARAMS`) of the selected strip.
    Param(usize),
}

/// The place (from 0) of the strip `word` names: its place from 1, or
/// its name (any case, `_` for a space, or the start of one name).
pub fn strip_place(session: &Session, word: &str) -> Option<usize> {
    let all = StripId::all(session);
    if let Ok(n) = word.parse::<usize>() {
        return (n >= 1 && n <= all.len()).then(|| n - 1);
    }
    let wanted = word.replace('_', " ").to_lowercase();
    let names: Vec<String> = all.iter().map(|s| s.name(session).to_lowercase()).collect();
    names.iter().position(|n| *n == wanted).or_else(|| {
        let mut starts = names
            .iter()
            .enumerate()
            .filter(|(_, n)| n.starts_with(&wanted));
        match (starts.next(), starts.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    })
}

/// Read a control as `:learn` is given it.
pub fn parse_target(session: &Session, text: &str) -> Result<LearnTarget, String> {
    let mut words = text.split_whitespace();
    let what = words
        .next()
        .ok_or("learn what? fader N, pan N, mute N, solo N or strip PARAM")?;
    let rest: Vec<&str> = words.collect();
    let strip = || {
        let w = rest
            .first()
            .ok_or_else(|| format!("which strip's {what}? give its place from 1 or its name"))?;
        strip_place(session, &rest.join(" "))
            .ok_or_else(|| format!("no strip is {w:?} (a place from 1 or a name)"))
    };
    match what.to_ascii_lowercase().as_str() {
        "fader" => Ok(LearnTarget::Fader(strip()?)),
        "pan" => Ok(LearnTarget::Pan(strip()?)),
        "mute" => Ok(LearnTarget::Mute(strip()?)),
        "solo" => Ok(LearnTarget::Solo(strip()?)),
        "strip" => {
            let p = rest.first().ok_or("which parameter? strip hpf.freq")?;
            find_param(p)
                .map(LearnTarget::Param)
                .ok_or_else(|| format!("{p:?} is not a strip parameter (:help strip lists them)"))
        }
        other => Err(format!(
            "cannot learn {other:?}: fader N, pan N, mute N, solo N or strip PARAM"
        )),
    }
}

/// The learned bindings as one line.
pub fn bindings_line(session: &Session) -> String {
    let b = &session.audio.midi_learn;
    if b.is_empty() {
        return "no CCs learned (:learn fader 3, then move a control)".into();
    }
    let list: Vec<String> = b
        .iter()
        .enumerate()
        .map(|(i, b)| format!("{}) ch{} CC{} {}", i + 1, b.channel, b.cc, b.control))
        .collect();
    format!("learned: {}", list.join("; "))
}

/// Bind channel `channel` (1..16) CC `cc` to `control`, replacing what
/// it moved before. Returns the line to say.
pub fn bind(session: &mut Session, channel: u8, cc: u8, control: String) -> String {
    let learned = &mut session.audio.midi_learn;
    learned.retain(|b| !(b.channel == channel && b.cc == cc));
    let line = format!("CC{cc} on channel {channel} moves {control}");
    learned.push(CcBinding {
        channel,
        cc,
        control,
    });
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        crate::model::file::parse(crate::demo::SESSION, std::path::Path::new("demo.ron"))
            .unwrap()
            .session
    }

    #[test]
    fn controls_read_as_targets() {
        let s = session();
        assert_eq!(parse_target(&s, "fader 3"), Ok(LearnTarget::Fader(2)));
        assert_eq!(parse_target(&s, "pan 1"), Ok(LearnTarget::Pan(0)));
        let pm = StripId::all(&s).len() - 1;
        assert_eq!(parse_target(&s, "fader pm"), Ok(LearnTarget::Fader(pm)));
        assert_eq!(
            parse_target(&s, "strip hpf.freq"),
            Ok(LearnTarget::Param(find_param("hpf.freq").unwrap()))
        );
        assert!(parse_target(&s, "fader 999").unwrap_err().contains("999"));
        assert!(parse_target(&s, "fader")
            .unwrap_err()
            .contains("which strip"));
        assert!(parse_target(&s, "strip frob").unwrap_err().contains("frob"));
        assert!(parse_target(&s, "wobble 1").unwrap_err().contains("wobble"));
    }

    #[test]
    fn binding_replaces_the_same_cc() {
        let mut s = session();
        bind(&mut s, 1, 7, "fader 1".into());
        bind(&mut s, 2, 7, "fader 2".into());
        bind(&mut s, 1, 7, "pan 1".into());
        assert_eq!(s.audio.midi_learn.len(), 2);
        assert_eq!(s.audio.midi_learn[1].control, "pan 1");
        assert!(bindings_line(&s).contains("2) ch1 CC7 pan 1"));
    }
}
