//! The control surface's settings kept with the session: which protocol
//! its MIDI ports speak, and the CCs of a generic fader box learned with
//! `:learn`, each bound to a console control.

use serde::{Deserialize, Serialize};

/// What the surface's MIDI ports speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum SurfaceKind {
    /// No surface (no MIDI ports).
    #[default]
    Off,
    /// Mackie Control, and the learned CCs.
    Mcu,
    /// The learned CCs only (a generic fader box).
    Midi,
}

impl SurfaceKind {
    pub fn name(self) -> &'static str {
        match self {
            SurfaceKind::Off => "off",
            SurfaceKind::Mcu => "mcu",
            SurfaceKind::Midi => "midi",
        }
    }

    pub fn parse(word: &str) -> Option<SurfaceKind> {
        match word.to_ascii_lowercase().as_str() {
            "off" => Some(SurfaceKind::Off),
            "mcu" | "mackie" => Some(SurfaceKind::Mcu),
            "midi" | "cc" => Some(SurfaceKind::Midi),
            _ => None,
        }
    }

    pub fn is_off(&self) -> bool {
        *self == SurfaceKind::Off
    }
}

/// One learned CC: MIDI channel (1..16) and controller number, and the
/// control it moves, as `:learn` was given it ("fader 3", "pan DX",
/// "strip hpf.freq").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CcBinding {
    pub channel: u8,
    pub cc: u8,
    pub control: String,
}
