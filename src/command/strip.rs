//! The console's strips, in the order they stand on the desk: every track,
//! every bus, the DX, MX and FX stems, the M&E and the printmaster.

use crate::engine::msg::MeterId;
use crate::model::{Session, StemKind};

/// The bottom of a fader's travel (shown as -inf).
pub const FADER_FLOOR_DB: f32 = -96.0;
/// The top of a fader's travel.
pub const FADER_TOP_DB: f32 = 12.0;

/// One strip of the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StripId {
    Track(usize),
    Bus(usize),
    Stem(StemKind),
    /// Music and effects: a meter only (it follows the MX and FX faders).
    Me,
    Printmaster,
}

impl StripId {
    /// Every strip of `session`, left to right.
    pub fn all(session: &Session) -> Vec<StripId> {
        let mut v: Vec<StripId> = (0..session.tracks.len()).map(StripId::Track).collect();
        v.extend((0..session.buses.len()).map(StripId::Bus));
        v.extend(StemKind::ALL.iter().map(|&k| StripId::Stem(k)));
        v.push(StripId::Me);
        v.push(StripId::Printmaster);
        v
    }

    /// How many strips `session` has.
    pub fn count(session: &Session) -> usize {
        session.tracks.len() + session.buses.len() + 5
    }

    /// The strip at console position `index` (clamped to the last).
    pub fn at(session: &Session, index: usize) -> StripId {
        let t = session.tracks.len();
        let b = session.buses.len();
        match index {
            i if i < t => StripId::Track(i),
            i if i < t + b => StripId::Bus(i - t),
            i if i < t + b + 3 => StripId::Stem(StemKind::ALL[i - t - b]),
            i if i == t + b + 3 => StripId::Me,
            _ => StripId::Printmaster,
        }
    }

    pub fn name(self, session: &Session) -> String {
        match self {
            StripId::Track(i) => session.tracks.get(i).map_or("?".into(), |t| t.name.clone()),
            StripId::Bus(i) => session.buses.get(i).map_or("?".into(), |b| b.name.clone()),
            StripId::Stem(k) => k.name().into(),
            StripId::Me => "ME".into(),
            StripId::Printmaster => "PM".into(),
        }
    }

    /// What kind of strip, for messages.
    pub fn kind(self) -> &'static str {
        match self {
            StripId::Track(_) => "track",
            StripId::Bus(_) => "bus",
            StripId::Stem(_) => "stem",
            StripId::Me => "M&E",
            StripId::Printmaster => "printmaster",
        }
    }

    pub fn meter(self) -> MeterId {
        match self {
            StripId::Track(i) => MeterId::Track(i as u16),
            StripId::Bus(i) => MeterId::Bus(i as u16),
            StripId::Stem(k) => MeterId::Stem(k.index() as u8),
            StripId::Me => MeterId::Me,
            StripId::Printmaster => MeterId::Printmaster,
        }
    }

    pub fn fader(self, session: &Session) -> Option<f32> {
        match self {
            StripId::Track(i) => session.tracks.get(i).map(|t| t.fader_db),
            StripId::Bus(i) => session.buses.get(i).map(|b| b.fader_db),
            StripId::Stem(k) => Some(session.stems.strip(k).fader_db),
            StripId::Me => None,
            StripId::Printmaster => Some(session.printmaster.fader_db),
        }
    }

    pub fn pan(self, session: &Session) -> Option<f32> {
        match self {
            StripId::Track(i) => session.tracks.get(i).map(|t| t.pan),
            _ => None,
        }
    }

    pub fn mute(self, session: &Session) -> Option<bool> {
        match self {
            StripId::Track(i) => session.tracks.get(i).map(|t| t.mute),
            StripId::Bus(i) => session.buses.get(i).map(|b| b.mute),
            StripId::Stem(k) => Some(session.stems.strip(k).mute),
            StripId::Me | StripId::Printmaster => None,
        }
    }
}

/// A strip's settings, as yanked into a register and put on another strip.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StripSettings {
    pub fader_db: Option<f32>,
    pub pan: Option<f32>,
    pub mute: Option<bool>,
}

/// A pan position for people: `C`, `L30`, `R100`.
pub fn show_pan(pan: f32) -> String {
    let p = (pan * 100.0).round() as i32;
    match p {
        0 => "C".into(),
        p if p < 0 => format!("L{}", -p),
        p => format!("R{p}"),
    }
}

/// A fader level for people: `+1.5`, `-12.0`, `-inf` at the bottom.
pub fn show_db(db: f32) -> String {
    if db <= FADER_FLOOR_DB {
        "-inf".into()
    } else if db.abs() < 0.05 {
        "0.0".into()
    } else {
        format!("{db:+.1}")
    }
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
