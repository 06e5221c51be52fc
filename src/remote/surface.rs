//! The MIDI control surface on the console's thread: events from the JACK
//! MIDI ports ([`crate::audio::midi`]) read as Mackie Control ([`super::mcu`])
//! or as learned CCs ([`super::learn`]), run through the same desk calls
//! and commands the keys use, and the surface's motor faders, LEDs, pan
//! rings, meters and timecode display kept up with the desk.
//!
//! Eight channel strips show eight of the desk's strips from the bank's
//! first; the master fader is the printmaster's. A fader touched is one
//! gesture until released (one undo step; in touch and trim automation
//! the lane is held while touched and let go on release). A fader moved
//! untouched, a V-pot or a learned CC is a gesture until it rests for the
//! automation release time. MIDI that is not a message (running status,
//! sysex, truncated) is counted as stray; messages that mean nothing here
//! are counted as ignored. Neither can stop the console.

use std::time::{Duration, Instant};

use super::learn;
use super::mcu::{self, Button, Input, Midi, CHANNELS, MASTER};
use crate::app::App;
use crate::audio::midi::MidiPorts;
use crate::command::pass::lanes;
use crate::command::strip::StripId;
use crate::command::surface_setup::{bind, parse_target};
use crate::model::automation::lane;
use crate::model::surface::SurfaceKind;
use crate::model::timecode::frames_to_samples;
use crate::model::{AutoMode, LaneTarget};

/// Events taken per poll.
pub const EVENTS_PER_POLL: usize = 2048;
/// Time between two rounds of meters.
pub const METERS_EVERY: Duration = Duration::from_millis(100);
/// Pan per V-pot tick.
pub const PAN_PER_TICK: f32 = 0.02;

/// What the surface has seen, for `:surface`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SurfaceCounts {
    pub events: u64,
    /// Not MIDI messages: running status, sysex, truncated.
    pub stray: u64,
    /// Messages that mean nothing here (unknown notes, unlearned CCs).
    pub ignored: u64,
}

/// What was last sent, so only changes go out.
#[derive(Debug, Clone)]
struct Shown {
    faders: [Option<u16>; 9],
    leds: [Option<bool>; 128],
    rings: [Option<u8>; 8],
    digits: [u8; mcu::DIGITS],
    meters: Option<Instant>,
    /// The scribble strips' cells, top row then bottom.
    cells: [Option<String>; 16],
}

impl Default for Shown {
    fn default() -> Shown {
        Shown {
            faders: [None; 9],
            leds: [None; 128],
            rings: [None; 8],
            digits: [0xFF; mcu::DIGITS],
            meters: None,
            cells: Default::default(),
        }
    }
}

/// A running control surface.
pub struct Surface {
    ports: MidiPorts,
    kind: SurfaceKind,
    /// The desk place of the strip on channel 1.
    bank: usize,
    touched: [bool; 9],
    /// The last untouched move (faders, V-pots, learned CCs).
    last_move: Option<Instant>,
    shown: Shown,
    counts: SurfaceCounts,
}

impl Surface {
    /// Open the JACK MIDI ports as `client` and speak `kind`.
    pub fn open(kind: SurfaceKind, client: &str) -> Result<Surface, String> {
        Ok(Surface {
            ports: MidiPorts::open(client)?,
            kind,
            bank: 0,
            touched: [false; 9],
            last_move: None,
            shown: Shown::default(),
            counts: SurfaceCounts::default(),
        })
    }

    pub fn kind(&self) -> SurfaceKind {
        self.kind
    }

    /// The JACK client's name (ports `NAME:midi_in`, `NAME:midi_out`).
    pub fn client_name(&self) -> &str {
        &self.ports.name
    }

    pub fn counts(&self) -> SurfaceCounts {
        self.counts
    }

    /// The desk place of the strip on channel 1.
    pub fn bank(&self) -> usize {
        self.bank
    }

    pub fn is_gone(&self) -> bool {
        self.ports.is_gone()
    }

    /// One line for `:surface`.
    pub fn summary(&self, strips: usize) -> String {
        let c = self.counts;
        let shown = if self.kind == SurfaceKind::Mcu {
            let last = (self.bank + CHANNELS as usize).min(strips);
            format!(", strips {}-{last}", self.bank + 1)
        } else {
            String::new()
        };
        format!(
            "surface {} on {}:midi_in/midi_out{shown}: {} event(s), {} stray, {} ignored, {} dropped",
            self.kind.name(),
            self.ports.name,
            c.events,
            c.stray,
            c.ignored,
            self.ports.dropped()
        )
    }

    /// Take the events waiting and do what they ask on `app`, end the
    /// gestures that have rested, and bring the surface up to date.
    /// Returns whether anything was done.
    pub fn poll(&mut self, app: &mut App, now: Instant) -> bool {
        let mut any = false;
        for _ in 0..EVENTS_PER_POLL {
            let Some(event) = self.ports.receive() else {
                break;
            };
            self.counts.events += 1;
            if event.len as usize > 3 && event.bytes[0] != 0xF0 {
                self.counts.stray += 1;
                continue;
            }
            match mcu::parse(event.data()) {
                Ok(midi) => any |= self.handle(app, midi, now),
                Err(_) => self.counts.stray += 1,
            }
        }
        self.rest(app, now);
        if self.kind == SurfaceKind::Mcu {
            self.feedback(app, now);
        }
        app.desk.surface.line = Some(self.summary(StripId::count(&app.desk.session)));
        any
    }

    fn handle(&mut self, app: &mut App, midi: Midi, now: Instant) -> bool {
        if let Midi::Control { channel, cc, value } = midi {
            if let Some(control) = app.desk.surface.learning.take() {
                app.begin_gesture();
                let line = bind(&mut app.desk.session, channel + 1, cc, control);
                app.end_gesture();
                app.desk.say(line);
                return true;
            }
            if let Some(b) = learn::find(&app.desk.session.audio.midi_learn, channel, cc) {
                let done = parse_target(&app.desk.session, &b.control).and_then(|t| {
                    self.moved(app, now);
                    learn::apply(&mut app.desk, &t, value)
                });
                if let Err(e) = done {
                    app.desk.complain(format!("MIDI CC{cc}: {e}"));
                }
                return true;
            }
        }
        if self.kind != SurfaceKind::Mcu {
            self.counts.ignored += 1;
            return false;
        }
        match mcu::read(midi) {
            Input::Fader { channel, value } => self.fader(app, channel, value, now),
            Input::Touch { channel, on } => self.touch(app, channel, on, now),
            Input::Button {
                button,
                pressed: true,
            } => self.button(app, button),
            Input::Button { .. } => return false,
            Input::VPot { channel, delta } => {
                if let Some(strip) = self.strip(app, channel) {
                    let now_pan = app
                        .desk
                        .written(strip, &LaneTarget::Pan)
                        .or(strip.pan(&app.desk.session));
                    if let Some(p) = now_pan {
                        self.moved(app, now);
                        let _ = app.desk.set_pan(strip, p + delta as f32 * PAN_PER_TICK);
                    }
                }
            }
            Input::Jog(delta) => {
                let s = &app.desk.session;
                let frame = frames_to_samples(1, s.timecode.rate, s.sample_rate) as i64;
                let to = (app.desk.playhead() as i64 + delta as i64 * frame).max(0);
                app.desk.locate(to as u64);
            }
            Input::Other(_) => {
                self.counts.ignored += 1;
                return false;
            }
        }
        true
    }

    /// The strip on channel `channel` (0..7; [`MASTER`] is the printmaster).
    fn strip(&self, app: &App, channel: u8) -> Option<StripId> {
        let all = StripId::all(&app.desk.session);
        if channel == MASTER {
            return all.last().copied();
        }
        all.get(self.bank + channel as usize).copied()
    }

    /// An untouched control moved: a gesture until it rests.
    fn moved(&mut self, app: &mut App, now: Instant) {
        app.begin_gesture();
        self.last_move = Some(now);
    }

    fn fader(&mut self, app: &mut App, channel: u8, value: u16, now: Instant) {
        let Some(strip) = self.strip(app, channel) else {
            self.counts.ignored += 1;
            return;
        };
        if !self.touched[channel as usize] {
            self.moved(app, now);
        }
        if let Err(e) = app.desk.set_fader(strip, mcu::db_of_fader(value)) {
            app.desk
                .complain(format!("surface fader {}: {e}", channel + 1));
        }
    }

    fn touch(&mut self, app: &mut App, channel: u8, on: bool, now: Instant) {
        let c = channel as usize;
        if on && !self.touched[c] {
            app.begin_gesture();
        }
        self.touched[c] = on;
        if !on {
            if let Some(strip) = self.strip(app, channel) {
                app.desk.let_go(strip, &LaneTarget::Volume, now);
            }
            // Let the motor put the fader where the desk has it.
            self.shown.faders[c] = None;
            if !self.touched.iter().any(|&t| t) && self.last_move.is_none() {
                app.end_gesture();
            }
        }
    }

    /// Run `line` on the strip on `channel`, the selection kept.
    fn on_strip(&self, app: &mut App, channel: u8, line: &str) {
        let all = StripId::count(&app.desk.session);
        let place = self.bank + channel as usize;
        if place >= all {
            return;
        }
        let selected = app.desk.strip;
        app.desk.strip = place;
        app.run_line(line, None);
        app.desk.strip = selected.min(all - 1);
        app.desk.changed = true;
    }

    /// Toggle the volume lane of the strip at `place` between `mode` and read.
    fn arm(&self, app: &mut App, place: usize, mode: AutoMode) {
        let all = StripId::all(&app.desk.session);
        let Some(&strip) = all.get(place) else { return };
        let writes = lanes(&app.desk.session, strip)
            .and_then(|l| lane(l, &LaneTarget::Volume))
            .is_some_and(|l| l.mode == mode);
        let (selected, working) = (app.desk.strip, app.desk.lane.clone());
        app.desk.strip = place;
        app.desk.lane = LaneTarget::Volume;
        let to = if writes { "read" } else { mode_word(mode) };
        app.run_line(&format!("auto-mode {to}"), None);
        app.desk.strip = selected;
        app.desk.lane = working;
        app.desk.changed = true;
    }

    fn button(&mut self, app: &mut App, button: Button) {
        let count = StripId::count(&app.desk.session);
        let last_bank = count.saturating_sub(1);
        match button {
            Button::Mute(c) => self.on_strip(app, c, "mute"),
            Button::Solo(c) => self.on_strip(app, c, "solo"),
            Button::VPotPush(c) => self.on_strip(app, c, "pan C"),
            Button::Rec(c) => self.arm(app, self.bank + c as usize, AutoMode::Touch),
            Button::Select(c) => {
                if self.bank + (c as usize) < count {
                    app.desk.strip = self.bank + c as usize;
                    app.desk.changed = true;
                }
            }
            Button::BankLeft => self.bank_to(app, self.bank.saturating_sub(CHANNELS as usize)),
            Button::BankRight => self.bank_to(app, (self.bank + CHANNELS as usize).min(last_bank)),
            Button::ChannelLeft => self.bank_to(app, self.bank.saturating_sub(1)),
            Button::ChannelRight => self.bank_to(app, (self.bank + 1).min(last_bank)),
            Button::Play => app.run_line("play", None),
            Button::Stop => app.run_line("stop", None),
            Button::Rewind => app.run_line("step-back", None),
            Button::FastForward => app.run_line("step-forward", None),
            Button::Record => self.arm(app, app.desk.strip, AutoMode::Latch),
        }
    }

    fn bank_to(&mut self, app: &mut App, bank: usize) {
        if self.touched.iter().any(|&t| t) {
            // Not under a finger.
            return;
        }
        self.bank = bank;
        self.shown = Shown {
            digits: self.shown.digits,
            ..Shown::default()
        };
        let count = StripId::count(&app.desk.session);
        let last = (bank + CHANNELS as usize).min(count);
        app.desk.say(format!("surface: strips {}-{last}", bank + 1));
    }

    /// End the untouched gesture that has rested; hold touched faders.
    fn rest(&mut self, app: &mut App, now: Instant) {
        for c in 0..=MASTER {
            if self.touched[c as usize] {
                if let Some(strip) = self.strip(app, c) {
                    app.desk.hold(strip, &LaneTarget::Volume, now);
                }
            }
        }
        let release = app.desk.pass.release;
        if self
            .last_move
            .is_some_and(|t| now.saturating_duration_since(t) >= release)
        {
            self.last_move = None;
            if !self.touched.iter().any(|&t| t) {
                app.end_gesture();
            }
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.ports.send(bytes);
    }

    /// The faders, LEDs, rings, timecode and meters, as far as they changed.
    fn feedback(&mut self, app: &App, now: Instant) {
        let desk = &app.desk;
        let s = &desk.session;
        let playhead = desk.playhead();
        for c in 0..=MASTER {
            let strip = self.strip(app, c);
            let db = strip.and_then(|st| shown_fader(app, st, playhead));
            let value = db.map_or(0, mcu::fader_of_db);
            if !self.touched[c as usize] && self.shown.faders[c as usize] != Some(value) {
                self.shown.faders[c as usize] = Some(value);
                self.send(&mcu::fader(c, value));
            }
            if c == MASTER {
                continue;
            }
            let (mute, solo, rec, selected) = match strip {
                Some(st) => (
                    st.mute(s).unwrap_or(false),
                    matches!(st, StripId::Track(i) if desk.solo.get(i) == Some(&true)),
                    lanes(s, st)
                        .and_then(|l| lane(l, &LaneTarget::Volume))
                        .is_some_and(|l| l.mode != AutoMode::Off && l.mode != AutoMode::Read),
                    desk.strip == self.bank + c as usize,
                ),
                None => (false, false, false, false),
            };
            self.led(Button::Mute(c), mute);
            self.led(Button::Solo(c), solo);
            self.led(Button::Rec(c), rec);
            self.led(Button::Select(c), selected);
            let pan = strip.and_then(|st| desk.written(st, &LaneTarget::Pan).or(st.pan(s)));
            let ring = match pan {
                Some(p) => mcu::pan_ring(c, p),
                None => [0xB0, 0x30 + c, 0],
            };
            if self.shown.rings[c as usize] != Some(ring[2]) {
                self.shown.rings[c as usize] = Some(ring[2]);
                self.send(&ring);
            }
            // The scribble strip: the name above, the fader's level below.
            let name = strip
                .map(|st| mcu::cell_name(&st.name(s)))
                .unwrap_or_default();
            let level = db.map(level_text).unwrap_or_default();
            self.cell(0, c, name);
            self.cell(1, c, level);
        }
        self.led(Button::Play, desk.rolling());
        self.led(Button::Stop, !desk.rolling());
        let digits = mcu::timecode_digits(&desk.clock.format_samples(playhead));
        for (place, &code) in digits.iter().enumerate() {
            if self.shown.digits[place] != code {
                self.shown.digits[place] = code;
                self.send(&mcu::digit(place, mcu::code_of(code)));
            }
        }
        if self
            .shown
            .meters
            .is_none_or(|t| now.saturating_duration_since(t) >= METERS_EVERY)
        {
            self.shown.meters = Some(now);
            for c in 0..CHANNELS {
                let level = self.strip(app, c).map_or(0, |st| {
                    let m = desk.meters.get(st.meter());
                    let n = (m.channels as usize).min(m.level.len());
                    let peak = m.level[..n]
                        .iter()
                        .copied()
                        .fold(f32::NEG_INFINITY, f32::max);
                    mcu::meter_level(peak)
                });
                self.send(&mcu::meter(c, level));
            }
        }
    }

    fn cell(&mut self, row: u8, channel: u8, text: String) {
        let at = row as usize * CHANNELS as usize + channel as usize;
        if self.shown.cells[at].as_ref() != Some(&text) {
            self.send(&mcu::lcd(row, channel, &text));
            self.shown.cells[at] = Some(text);
        }
    }

    fn led(&mut self, button: Button, on: bool) {
        let note = button.note() as usize;
        if self.shown.leds[note] != Some(on) {
            self.shown.leds[note] = Some(on);
            self.send(&mcu::led(button, on));
        }
    }
}

/// A fader level in a display cell: `-6.5`, `+4.0`, `0.0`, `-inf`.
fn level_text(db: f32) -> String {
    if db == f32::NEG_INFINITY || db < -144.0 {
        "-inf".into()
    } else if db.abs() < 0.05 {
        "0.0".into()
    } else {
        format!("{db:+.1}")
    }
}

fn mode_word(mode: AutoMode) -> &'static str {
    match mode {
        AutoMode::Latch => "latch",
        _ => "touch",
    }
}

/// Where a strip's fader stands: as written, as its lane plays it, or set.
fn shown_fader(app: &App, strip: StripId, playhead: u64) -> Option<f32> {
    let desk = &app.desk;
    if let Some(v) = desk.written(strip, &LaneTarget::Volume) {
        return Some(v);
    }
    let played = lanes(&desk.session, strip)
        .and_then(|l| lane(l, &LaneTarget::Volume))
        .filter(|l| l.active())
        .and_then(|l| l.value_at(playhead));
    played.or(strip.fader(&desk.session))
}

/// Open, close or switch the surface to what the desk wants. The JACK
/// client is called `CLIENT-surface`.
pub fn follow(surface: &mut Option<Surface>, app: &mut App, client: &str) {
    let wanted = app.desk.surface.wanted;
    let have = surface.as_ref().map_or(SurfaceKind::Off, Surface::kind);
    if let Some(s) = surface.as_ref() {
        if s.is_gone() && wanted != SurfaceKind::Off {
            *surface = None;
            app.desk.surface.wanted = SurfaceKind::Off;
            app.desk.surface.line = None;
            app.desk
                .complain("the JACK server went away: the surface is off (:surface mcu again)");
            return;
        }
    }
    if wanted == have {
        return;
    }
    if let Some(s) = surface.as_mut() {
        if wanted != SurfaceKind::Off {
            // Same ports, another protocol.
            s.kind = wanted;
            s.shown = Shown::default();
            return;
        }
    }
    *surface = None;
    app.desk.surface.line = None;
    if wanted == SurfaceKind::Off {
        app.end_gesture();
        return;
    }
    match Surface::open(wanted, &format!("{client}-surface")) {
        Ok(s) => {
            app.desk.say(format!(
                "surface {} on {}:midi_in and :midi_out",
                wanted.name(),
                s.client_name()
            ));
            *surface = Some(s);
        }
        Err(e) => {
            app.desk.surface.wanted = SurfaceKind::Off;
            app.desk.complain(format!("cannot open the surface: {e}"));
        }
    }
}
