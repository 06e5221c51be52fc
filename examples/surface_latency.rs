//! How fast the MIDI control surface answers: `cargo run --example
//! surface_latency` (or with `--release`) starts `jackd -d dummy` (256 frames at
//! 48 kHz), opens the surface as a Mackie Control, and times a fader
//! move sent by a second JACK client until the desk has it and until the
//! motor-fader feedback for the next move comes back; then how long
//! reading one MCU message takes.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use dubstage::app::App;
use dubstage::audio::midi::{pump, MidiEvent, MidiPump};
use dubstage::command::desk::Desk;
use dubstage::model::surface::SurfaceKind;
use dubstage::remote::mcu;
use dubstage::remote::surface::follow;
use ringbuf::traits::{Consumer, Producer};

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

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let name = format!("dubstage-bench-{}", std::process::id());
    let mut jackd = Command::new("jackd")
        .args([
            "--no-realtime",
            "-n",
            &name,
            "-d",
            "dummy",
            "-r",
            "48000",
            "-p",
            "256",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("jackd (Debian: jackd2)");
    std::env::set_var("JACK_DEFAULT_SERVER", &name);
    jack::set_logger(jack::LoggerType::None);
    let deadline = Instant::now() + Duration::from_secs(15);
    while jack::Client::new("probe", jack::ClientOptions::NO_START_SERVER).is_err() {
        assert!(Instant::now() < deadline, "jackd did not come up");
        std::thread::sleep(Duration::from_millis(100));
    }

    let session =
        dubstage::model::file::parse(dubstage::demo::SESSION, std::path::Path::new("demo.ron"))
            .unwrap()
            .session;
    let mut app = App::with_defaults(Desk::new(session, "demo.ron".into()));
    app.desk.surface.wanted = SurfaceKind::Mcu;
    let mut surface = None;
    follow(&mut surface, &mut app, "bench");
    let mut surface = surface.expect("the surface opens");

    let (client, _) = jack::Client::new("box", jack::ClientOptions::NO_START_SERVER).unwrap();
    let input = client.register_port("in", jack::MidiIn::default()).unwrap();
    let output = client
        .register_port("out", jack::MidiOut::default())
        .unwrap();
    let (p, mut rings) = pump();
    let client = client
        .activate_async(
            (),
            BoxProcess {
                pump: p,
                input,
                output,
            },
        )
        .unwrap();
    let c = client.as_client();
    let (ours, theirs) = (c.name().to_string(), surface.client_name().to_string());
    c.connect_ports_by_name(&format!("{ours}:out"), &format!("{theirs}:midi_in"))
        .unwrap();
    c.connect_ports_by_name(&format!("{theirs}:midi_out"), &format!("{ours}:in"))
        .unwrap();

    // Move fader 2 (untouched) back and forth; the desk takes it, then the
    // motor is sent where the desk has it.
    let mut to_desk = Vec::new();
    let mut round_trip = Vec::new();
    for k in 0..200 {
        let db = if k % 2 == 0 { -12.0 } else { -3.0 };
        let value = mcu::fader_of_db(db);
        let sent = Instant::now();
        rings
            .outgoing
            .try_push(MidiEvent::new(&mcu::fader(1, value)))
            .unwrap();
        let mut got_desk = None;
        loop {
            let now = Instant::now();
            surface.poll(&mut app, now);
            app.tick(now);
            if got_desk.is_none() && app.desk.session.tracks[1].fader_db == db {
                got_desk = Some(now - sent);
            }
            let mut back = false;
            while let Some(e) = rings.incoming.try_pop() {
                back |= e.data() == mcu::fader(1, mcu::fader_of_db(db));
            }
            if let (true, Some(d)) = (back, got_desk) {
                to_desk.push(d);
                round_trip.push(Instant::now() - sent);
                break;
            }
            assert!(now - sent < Duration::from_secs(5), "no answer");
            std::thread::sleep(Duration::from_micros(200));
        }
    }
    println!(
        "fader move to the desk: median {:.2} ms; to the motor feedback back: median {:.2} ms (JACK period 5.33 ms)",
        median(to_desk).as_secs_f64() * 1e3,
        median(round_trip).as_secs_f64() * 1e3
    );

    let messages: Vec<[u8; 3]> = (0..4096u32)
        .map(|i| match i % 4 {
            0 => mcu::fader((i % 8) as u8, (i * 4) as u16 & 0x3FFF),
            1 => [0x90, 0x68 + (i % 8) as u8, 0x7F],
            2 => [0xB0, 0x10 + (i % 8) as u8, 0x41],
            _ => [0x90, 0x10 + (i % 8) as u8, 0x7F],
        })
        .collect();
    let t = Instant::now();
    let mut read = 0usize;
    for _ in 0..500 {
        for m in &messages {
            if let Ok(midi) = mcu::parse(std::hint::black_box(m)) {
                read += matches!(mcu::read(midi), mcu::Input::Other(_)) as usize;
            }
        }
    }
    let per = t.elapsed().as_secs_f64() * 1e9 / (500.0 * messages.len() as f64);
    println!("reading one MCU message: {per:.1} ns ({read} unknown)");
    drop(client);
    drop(surface);
    let _ = Command::new("kill")
        .args(["-TERM", &jackd.id().to_string()])
        .status();
    let _ = jackd.wait();
}
