//! The MIDI control surface through a real JACK MIDI connection on
//! `jackd -d dummy`: a test client with MIDI ports plays a Mackie Control
//! (faders with touch, mute, bank, transport, jog, stray bytes) and a
//! generic fader box (CC learn), wired to dubstage's surface ports, and
//! reads back what dubstage sends (motor faders, LEDs, timecode digits).

mod common;
mod jackd;

use std::path::Path;
use std::time::{Duration, Instant};

use dubstage::app::App;
use dubstage::audio::midi::{pump, MidiEvent, MidiPump, MidiRings};
use dubstage::command::desk::Desk;
use dubstage::command::strip::StripId;
use dubstage::model::file;
use dubstage::model::surface::SurfaceKind;
use dubstage::model::{AutoMode, Breakpoint, LaneTarget};
use dubstage::remote::mcu;
use dubstage::remote::surface::{follow, Surface};
use jackd::*;
use ringbuf::traits::{Consumer, Producer};

fn demo_app(dir: &Path) -> App {
    let path = dir.join("demo.ron");
    std::fs::write(&path, dubstage::demo::SESSION).unwrap();
    let loaded = file::load(&path).unwrap();
    App::with_defaults(Desk::new(loaded.session, path))
}

struct BoxProcess {
    pump: MidiPump,
    input: jack::Port<jack::MidiIn>,
    output: jack::Port<jack::MidiOut>,
}

impl jack::ProcessHandler for BoxProcess {
    fn process(&mut self, _: &jack::Client, scope: &jack::ProcessScope) -> jack::Control {
        self.pump.take_in(self.input.iter(scope).map(|e| e.bytes));
        let mut w = self.output.writer(scope);
        self.pump
            .give_out(|bytes| w.write(&jack::RawMidi { time: 0, bytes }).is_ok());
        jack::Control::Continue
    }
}

/// A MIDI box on JACK: what it sends goes to dubstage's surface input,
/// what dubstage's surface sends comes to it.
struct MidiBox {
    client: jack::AsyncClient<(), BoxProcess>,
    rings: MidiRings,
    heard: Vec<MidiEvent>,
}

impl MidiBox {
    fn connect(surface: &Surface) -> MidiBox {
        let (client, _) =
            jack::Client::new("fader-box", jack::ClientOptions::NO_START_SERVER).unwrap();
        let input = client.register_port("in", jack::MidiIn::default()).unwrap();
        let output = client
            .register_port("out", jack::MidiOut::default())
            .unwrap();
        let (pump, rings) = pump();
        let client = client
            .activate_async(
                (),
                BoxProcess {
                    pump,
                    input,
                    output,
                },
            )
            .unwrap();
        let c = client.as_client();
        let ours = c.name().to_string();
        let theirs = surface.client_name();
        c.connect_ports_by_name(&format!("{ours}:out"), &format!("{theirs}:midi_in"))
            .unwrap();
        c.connect_ports_by_name(&format!("{theirs}:midi_out"), &format!("{ours}:in"))
            .unwrap();
        MidiBox {
            client,
            rings,
            heard: Vec::new(),
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.rings.outgoing.try_push(MidiEvent::new(bytes)).unwrap();
    }

    fn listen(&mut self) {
        while let Some(e) = self.rings.incoming.try_pop() {
            self.heard.push(e);
        }
    }

    /// The last value dubstage sent for motor fader `channel`.
    fn fader(&self, channel: u8) -> Option<u16> {
        self.heard
            .iter()
            .rev()
            .find_map(|e| match mcu::parse(e.data()) {
                Ok(mcu::Midi::PitchBend { channel: c, value }) if c == channel => Some(value),
                _ => None,
            })
    }

    /// The last state dubstage sent for the LED of `note`.
    fn led(&self, note: u8) -> Option<bool> {
        self.heard.iter().rev().find_map(|e| match e.data() {
            [0x90, n, v] if *n == note => Some(*v > 0),
            _ => None,
        })
    }

    /// The timecode display, as the digits dubstage sent leave it.
    fn display(&self) -> String {
        let mut shown = [b'?'; mcu::DIGITS];
        for e in &self.heard {
            if let [0xB0, cc @ 0x40..=0x49, v] = e.data() {
                shown[mcu::DIGITS - 1 - (*cc - 0x40) as usize] = *v;
            }
        }
        String::from_utf8_lossy(&shown).into_owned()
    }

    /// The cell of `channel` on `row` of the scribble strips, as the
    /// display messages dubstage sent leave it.
    fn cell(&self, row: u8, channel: u8) -> Option<String> {
        let offset = row * 56 + channel * mcu::CELL as u8;
        self.heard.iter().rev().find_map(|e| match e.data() {
            [0xF0, 0, 0, 0x66, 0x14, 0x12, at, text @ .., 0xF7] if *at == offset => {
                Some(String::from_utf8_lossy(text).trim_end().to_string())
            }
            _ => None,
        })
    }
}

/// Let the surface and the app run (with a box listening) until `done`.
fn run_until(
    app: &mut App,
    surface: &mut Surface,
    midi: &mut MidiBox,
    what: &str,
    mut done: impl FnMut(&App, &Surface, &MidiBox) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = Instant::now();
        surface.poll(app, now);
        app.tick(now);
        midi.listen();
        if done(app, surface, midi) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "waiting for {what}: {}",
            surface.summary(99)
        );
        std::thread::sleep(Duration::from_millis(3));
    }
}

fn open(app: &mut App, kind: SurfaceKind, client: &str) -> Surface {
    app.desk.surface.wanted = kind;
    let mut surface = None;
    follow(&mut surface, app, client);
    surface.unwrap_or_else(|| panic!("no surface: {:?}", app.desk.message))
}

#[test]
fn a_mackie_control_moves_the_desk_and_is_shown_it() {
    let _turn = turn();
    let _server = Server::start(&unique("mcu"), 48_000);
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(dir.path());
    let mut surface = open(&mut app, SurfaceKind::Mcu, "dubstage-test");
    assert!(surface.client_name().starts_with("dubstage-test-surface"));
    let mut midi = MidiBox::connect(&surface);
    let strips = StripId::all(&app.desk.session);
    let StripId::Track(_) = strips[1] else {
        panic!("the demo starts with tracks")
    };

    // The motor faders come to where the desk has them.
    let want1 = mcu::fader_of_db(strips[1].fader(&app.desk.session).unwrap());
    run_until(
        &mut app,
        &mut surface,
        &mut midi,
        "fader feedback",
        |_, _, m| m.fader(1) == Some(want1) && m.display().starts_with(" 01"),
    );

    // A fader gesture: touch, twenty moves down to -6 dB, release. One
    // undo step, and the motor holds still while touched.
    let (undo_before, _) = app.undo_depth();
    let heard_before = midi.heard.len();
    midi.send(&[0x90, 0x68, 0x7F]);
    let target = mcu::fader_of_db(-6.0);
    let start = mcu::fader_of_db(strips[0].fader(&app.desk.session).unwrap());
    for k in 1..=20u32 {
        let v = start as i64 + (target as i64 - start as i64) * k as i64 / 20;
        midi.send(&mcu::fader(0, v as u16));
    }
    run_until(
        &mut app,
        &mut surface,
        &mut midi,
        "the fader move",
        |a, s, _| {
            s.counts().events >= 21
                && (strips[0].fader(&a.desk.session).unwrap() + 6.0).abs() < 0.05
        },
    );
    assert!(
        midi.heard[heard_before..]
            .iter()
            .all(|e| e.data().first() != Some(&0xE0)),
        "a touched fader is not driven"
    );
    midi.send(&[0x90, 0x68, 0x00]);
    run_until(
        &mut app,
        &mut surface,
        &mut midi,
        "the release",
        |_, _, m| m.fader(0) == Some(mcu::fader_of_db(-6.0)),
    );
    // The scribble strip names the strip and shows its level.
    let name = mcu::cell_name(&strips[0].name(&app.desk.session));
    run_until(
        &mut app,
        &mut surface,
        &mut midi,
        "the scribble strip",
        |_, _, m| m.cell(0, 0) == Some(name.clone()) && m.cell(1, 0).as_deref() == Some("-6.0"),
    );
    assert_eq!(app.undo_depth().0, undo_before + 1, "one gesture, one undo");
    let before_gesture = app.desk.session.tracks[0].fader_db;
    app.run_line("undo", None);
    assert_eq!(
        mcu::fader_of_db(app.desk.session.tracks[0].fader_db),
        start,
        "undo puts the fader back where the touch found it (was {before_gesture})"
    );
    app.run_line("redo", None);
    assert_eq!(app.desk.session.tracks[0].fader_db, -6.0);

    // Mute on channel 2: the track mutes and its LED lights.
    midi.send(&[0x90, 0x11, 0x7F]);
    midi.send(&[0x90, 0x11, 0x00]);
    run_until(
        &mut app,
        &mut surface,
        &mut midi,
        "the mute LED",
        |a, _, m| a.desk.session.tracks[1].mute && m.led(0x11) == Some(true),
    );

    // Automation playback drives a motor: a volume lane reading -20 dB.
    let lane =
        dubstage::command::pass::lane_mut(&mut app.desk.session, strips[2], &LaneTarget::Volume)
            .unwrap();
    lane.mode = AutoMode::Read;
    lane.points = vec![
        Breakpoint {
            at: 0,
            value: -20.0,
        },
        Breakpoint {
            at: 1 << 40,
            value: -20.0,
        },
    ];
    run_until(
        &mut app,
        &mut surface,
        &mut midi,
        "the lane on the motor",
        |_, _, m| m.fader(2) == Some(mcu::fader_of_db(-20.0)),
    );

    // Stray and unknown MIDI is counted and harms nothing.
    let before = surface.counts();
    midi.send(&[0xF0, 0x00, 0x00, 0x66, 0x14, 0x00, 0xF7]);
    midi.send(&[0x90, 0x7E, 0x7F]);
    midi.send(&[0xE0, 0x40]);
    run_until(
        &mut app,
        &mut surface,
        &mut midi,
        "the strays",
        |_, s, _| s.counts().events >= before.events + 3,
    );
    assert_eq!(
        surface.counts().stray,
        before.stray + 2,
        "{:?}",
        surface.counts()
    );
    assert_eq!(surface.counts().ignored, before.ignored + 1);

    // Bank right: channel 1 shows the ninth strip (or the last bank).
    midi.send(&[0x90, 0x2F, 0x7F]);
    midi.send(&[0x90, 0x2F, 0x00]);
    let bank = 8.min(strips.len() - 1);
    run_until(&mut app, &mut surface, &mut midi, "the bank", |_, s, _| {
        s.bank() == bank
    });
    let shown = strips[bank]
        .fader(&app.desk.session)
        .map_or(0, mcu::fader_of_db);
    run_until(
        &mut app,
        &mut surface,
        &mut midi,
        "the new bank's fader",
        |_, _, m| m.fader(0) == Some(shown),
    );

    // Play, jog, stop: the transport follows and the display shows where.
    midi.send(&[0x90, 0x5E, 0x7F]);
    run_until(&mut app, &mut surface, &mut midi, "play", |a, _, m| {
        a.desk.rolling() && m.led(0x5E) == Some(true)
    });
    midi.send(&[0x90, 0x5D, 0x7F]);
    run_until(&mut app, &mut surface, &mut midi, "stop", |a, _, _| {
        !a.desk.rolling()
    });
    let at = app.desk.playhead();
    midi.send(&[0xB0, 0x3C, 0x05]);
    run_until(&mut app, &mut surface, &mut midi, "the jog", |a, _, _| {
        a.desk.playhead() == at + 5 * 48_000 / 25
    });
    let tc = app.desk.clock.format_samples(app.desk.playhead());
    let want = mcu::timecode_digits(&tc);
    run_until(
        &mut app,
        &mut surface,
        &mut midi,
        "the timecode digits",
        |_, _, m| m.display().as_bytes() == want,
    );

    // What the surface did is saved like any edit.
    app.run_line("w", None);
    let saved = file::load(&app.desk.path).unwrap().session;
    assert_eq!(saved.tracks[0].fader_db, -6.0);
    assert!(saved.tracks[1].mute);
    drop(midi.client);
}

#[test]
fn a_touched_fader_writes_automation_as_the_keys_do() {
    let _turn = turn();
    let _server = Server::start(&unique("mcu-touch"), 48_000);
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(dir.path());
    let mut surface = open(&mut app, SurfaceKind::Mcu, "dubstage-test");
    let mut midi = MidiBox::connect(&surface);
    app.run_line("lane volume", None);
    app.run_line("auto-mode touch", None);
    let (undo_before, _) = app.undo_depth();
    app.run_line("play", None);
    midi.send(&[0x90, 0x68, 0x7F]);
    midi.send(&mcu::fader(0, mcu::fader_of_db(-10.0)));
    run_until(&mut app, &mut surface, &mut midi, "the write", |a, _, _| {
        a.desk.written(StripId::Track(0), &LaneTarget::Volume) == Some(-10.0)
    });
    // Held still for longer than the release time: still written.
    let held = Instant::now();
    run_until(
        &mut app,
        &mut surface,
        &mut midi,
        "a held touch",
        |_, _, _| held.elapsed() > app_release(),
    );
    assert_eq!(
        app.desk.written(StripId::Track(0), &LaneTarget::Volume),
        Some(-10.0),
        "a touched fader holds the lane"
    );
    midi.send(&[0x90, 0x68, 0x00]);
    run_until(
        &mut app,
        &mut surface,
        &mut midi,
        "the let go",
        |a, _, _| {
            a.desk
                .written(StripId::Track(0), &LaneTarget::Volume)
                .is_none()
        },
    );
    app.run_line("stop", None);
    app.tick(Instant::now());
    let lane = &app.desk.session.tracks[0].lanes;
    let volume = lane
        .iter()
        .find(|l| l.target == LaneTarget::Volume)
        .unwrap();
    assert!(
        volume.points.iter().any(|p| p.value == -10.0),
        "{:?}",
        volume.points
    );
    // The pass is one undo step, not one per message.
    assert_eq!(app.undo_depth().0, undo_before + 1);
    drop(midi.client);
}

fn app_release() -> Duration {
    dubstage::command::pass::DEFAULT_RELEASE + Duration::from_millis(200)
}

#[test]
fn cc_learn_binds_a_fader_box_and_is_saved() {
    let _turn = turn();
    let _server = Server::start(&unique("learn"), 48_000);
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(dir.path());
    let first = app.desk.session.tracks[0].fader_db;
    app.run_line("learn fader 2", None);
    assert!(
        app.desk.message.as_ref().unwrap().error,
        "the surface is off"
    );
    app.run_line("surface midi", None);
    let mut surface = None;
    follow(&mut surface, &mut app, "dubstage-test");
    let mut surface = surface.expect("the surface opens");
    assert_eq!(surface.kind(), SurfaceKind::Midi);
    let mut midi = MidiBox::connect(&surface);

    app.run_line("learn fader 2", None);
    assert!(!app.desk.message.as_ref().unwrap().error);
    // The next CC is learned: channel 3 (0xB2) CC 7.
    midi.send(&[0xB2, 0x07, 0x40]);
    run_until(&mut app, &mut surface, &mut midi, "the learn", |a, _, _| {
        !a.desk.session.audio.midi_learn.is_empty()
    });
    let b = &app.desk.session.audio.midi_learn[0];
    assert_eq!((b.channel, b.cc, b.control.as_str()), (3, 7, "fader 2"));
    // Moving it moves fader 2: the top is +12 dB, three quarters is 0 dB.
    midi.send(&[0xB2, 0x07, 0x7F]);
    run_until(&mut app, &mut surface, &mut midi, "the fader", |a, _, _| {
        a.desk.session.tracks[1].fader_db == 12.0
    });
    // Another channel's CC 7 is not learned; MCU messages mean nothing here.
    let before = surface.counts().ignored;
    midi.send(&[0xB0, 0x07, 0x00]);
    midi.send(&[0xE0, 0x00, 0x00]);
    run_until(&mut app, &mut surface, &mut midi, "ignored", |_, s, _| {
        s.counts().ignored == before + 2
    });
    assert_eq!(app.desk.session.tracks[1].fader_db, 12.0);
    assert_eq!(app.desk.session.tracks[0].fader_db, first);

    app.run_line("w", None);
    let text = std::fs::read_to_string(&app.desk.path).unwrap();
    assert!(text.contains("surface: Midi"), "{text}");
    let saved = file::load(&app.desk.path).unwrap().session;
    assert_eq!(saved.audio.midi_learn.len(), 1);
    assert_eq!(saved.audio.midi_learn[0].control, "fader 2");

    app.run_line("unlearn 1", None);
    assert!(app.desk.session.audio.midi_learn.is_empty());
    app.run_line("undo", None);
    assert_eq!(app.desk.session.audio.midi_learn.len(), 1);
    drop(midi.client);
}
