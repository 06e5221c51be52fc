//! Session templates: a film premix laid out the way a re-recording mixer
//! expects it, ready for clips.

use super::session::{Bus, Output, Session, StemKind, Track, TrackFormat};
use super::strip::Strip;
use super::timecode::FrameRate;
use super::Layout;

/// The templates `dubstage new --template` knows.
pub const TEMPLATES: &[&str] = &["film"];

/// The buses of a film premix and the stem each feeds.
pub const FILM_BUSES: &[(&str, StemKind)] = &[
    ("Production dialog", StemKind::DX),
    ("ADR", StemKind::DX),
    ("Voice over", StemKind::DX),
    ("Walla", StemKind::DX),
    ("Hard effects", StemKind::FX),
    ("Foley", StemKind::FX),
    ("Backgrounds", StemKind::FX),
    ("Designed", StemKind::FX),
    ("Score", StemKind::MX),
    ("Source", StemKind::MX),
    ("Songs", StemKind::MX),
];

/// Tracks of the film template: name, format, bus.
const FILM_TRACKS: &[(&str, TrackFormat, &str)] = &[
    ("Dial 1", TrackFormat::Mono, "Production dialog"),
    ("Dial 2", TrackFormat::Mono, "Production dialog"),
    ("Dial 3", TrackFormat::Mono, "Production dialog"),
    ("Dial 4", TrackFormat::Mono, "Production dialog"),
    ("ADR 1", TrackFormat::Mono, "ADR"),
    ("ADR 2", TrackFormat::Mono, "ADR"),
    ("VO", TrackFormat::Mono, "Voice over"),
    ("Walla", TrackFormat::Stereo, "Walla"),
    ("FX 1", TrackFormat::Mono, "Hard effects"),
    ("FX 2", TrackFormat::Stereo, "Hard effects"),
    ("Foley feet", TrackFormat::Mono, "Foley"),
    ("Foley props", TrackFormat::Mono, "Foley"),
    ("BG 1", TrackFormat::Stereo, "Backgrounds"),
    ("BG 2", TrackFormat::Stereo, "Backgrounds"),
    ("Design", TrackFormat::Stereo, "Designed"),
    ("Score", TrackFormat::Stereo, "Score"),
    ("Source", TrackFormat::Stereo, "Source"),
    ("Songs", TrackFormat::Stereo, "Songs"),
];

/// A film premix: the buses of DOMAIN (dialog, effects, music) routed to
/// DX, FX and MX, a track or two on each, dialog tracks high-passed at
/// 80 Hz, at 48 kHz, 24 fps from 01:00:00:00.
pub fn film(name: &str, layout: Layout) -> Session {
    let mut session = Session::new(name, 48_000, FrameRate::Fps24);
    session.stems.layout = layout;
    for (bus, stem) in FILM_BUSES {
        session.buses.push(Bus {
            name: bus.to_string(),
            output: Output::Stem(*stem),
            ..Default::default()
        });
    }
    for (track, format, bus) in FILM_TRACKS {
        let mut strip = Strip::default();
        let dialog = FILM_BUSES
            .iter()
            .any(|(b, s)| b == bus && *s == StemKind::DX);
        if dialog && *format == TrackFormat::Mono {
            strip.hpf.on = true;
            strip.hpf.freq = 80.0;
        }
        session.tracks.push(Track {
            name: track.to_string(),
            format: *format,
            output: Output::Bus(bus.to_string()),
            strip,
            ..Default::default()
        });
    }
    session
}
