//! The desk and the JACK transport on a real jackd (dummy backend):
//! `:set transport master` makes play, stop and locate drive the JACK
//! transport, checked by a second client made here with the jack crate,
//! which queries the transport as a picture player would; `follow` makes
//! the desk start, stop and locate with a transport that client drives;
//! `off` ignores it. Then the option without JACK: read, refused, saved.

mod common;
mod jackd;

use std::path::Path;
use std::time::{Duration, Instant};

use common::*;
use dubstage::app::{App, Event};
use dubstage::audio::EngineOptions;
use dubstage::command::desk::{Desk, OpenOptions};
use dubstage::engine::msg::TransportState;
use dubstage::model::file;
use jackd::*;

/// The server's period (tests/jackd starts it with -p 256).
const PERIOD: u64 = 256;

fn desk_on_jack(dir: &Path) -> App {
    let path = dir.join("s.ron");
    file::save(&busy_session(dir), &path).unwrap();
    let options = OpenOptions {
        engine: Some(EngineOptions::default()),
        overviews: false,
    };
    App::with_defaults(Desk::open(&path, &options).unwrap())
}

fn message(app: &App) -> String {
    app.desk
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

/// Tick the desk until `done` holds of it and the JACK transport.
fn until(
    app: &mut App,
    transport: &jack::Transport,
    what: &str,
    done: impl Fn(&App, &jack::TransportStatePosition) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        app.update(Event::Tick(Instant::now()));
        let jack = transport.query().unwrap();
        if done(app, &jack) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: desk {:?}, JACK {:?} at {}",
            app.desk.status,
            jack.state,
            jack.pos.frame()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn engine_state(app: &App) -> (TransportState, u64) {
    let s = app.desk.status.as_ref().expect("an engine");
    (s.state, s.position)
}

#[test]
fn as_master_the_desk_drives_the_jack_transport() {
    let _turn = turn();
    let _server = Server::start(&unique("master"), 48_000);
    let dir = tempfile::tempdir().unwrap();
    let mut app = desk_on_jack(dir.path());
    let (follower, _) =
        jack::Client::new("follower", jack::ClientOptions::NO_START_SERVER).unwrap();
    let transport = follower.transport();

    app.run_line("set transport master", None);
    assert_eq!(message(&app), "transport=master");
    assert!(app.desk.modified(), "the mode is saved with the session");

    app.run_line("goto 40000", None);
    until(&mut app, &transport, "the located transport", |a, j| {
        j.pos.frame() == 40_000 && engine_state(a) == (TransportState::Stopped, 40_000)
    });

    app.run_line("play", None);
    until(&mut app, &transport, "rolling", |a, j| {
        j.state == jack::TransportState::Rolling
            && engine_state(a).0 == TransportState::Rolling
            && j.pos.frame() > 40_000 + 4 * PERIOD as u32
    });
    // While it rolls: the desk's position lies within a period of the
    // follower's frames queried just before and just after it.
    for _ in 0..20 {
        let before = transport.query().unwrap().pos.frame() as u64;
        app.update(Event::Tick(Instant::now()));
        let (_, at) = engine_state(&app);
        let after = transport.query().unwrap().pos.frame() as u64;
        assert!(
            at + 2 * PERIOD >= before && at <= after + 2 * PERIOD,
            "desk at {at}, the follower between {before} and {after}"
        );
        std::thread::sleep(Duration::from_millis(7));
    }

    app.run_line("stop", None);
    until(&mut app, &transport, "stopped", |a, j| {
        j.state == jack::TransportState::Stopped && engine_state(a).0 == TransportState::Stopped
    });
    std::thread::sleep(Duration::from_millis(50));
    app.update(Event::Tick(Instant::now()));
    let stopped_at = transport.query().unwrap().pos.frame() as u64;
    let (_, at) = engine_state(&app);
    assert!(
        at.abs_diff(stopped_at) <= PERIOD,
        "stopped: desk at {at}, JACK at {stopped_at}"
    );

    // A locate while stopped reaches the follower to the sample.
    app.run_line("goto 12345", None);
    until(&mut app, &transport, "the second locate", |a, j| {
        j.pos.frame() == 12_345 && engine_state(a).1 == 12_345
    });
}

#[test]
fn following_and_off_as_the_console_sets_them() {
    let _turn = turn();
    let _server = Server::start(&unique("follower"), 48_000);
    let dir = tempfile::tempdir().unwrap();
    let mut app = desk_on_jack(dir.path());
    let (other, _) = jack::Client::new("master", jack::ClientOptions::NO_START_SERVER).unwrap();
    let transport = other.transport();

    app.run_line("set transport follow", None);
    assert_eq!(message(&app), "transport=follow");
    transport.locate(24_000).unwrap();
    transport.start().unwrap();
    until(
        &mut app,
        &transport,
        "the desk rolling with JACK",
        |a, _| {
            let (state, at) = engine_state(a);
            state == TransportState::Rolling && at > 24_000
        },
    );
    transport.stop().unwrap();
    until(
        &mut app,
        &transport,
        "the desk stopping with JACK",
        |a, _| engine_state(a).0 == TransportState::Stopped,
    );
    // A follower's own play does not move the JACK transport.
    let jack_at = transport.query().unwrap().pos.frame();
    app.run_line("goto 1000", None);
    app.run_line("play", None);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(transport.query().unwrap().pos.frame(), jack_at);
    assert_eq!(
        transport.query().unwrap().state,
        jack::TransportState::Stopped
    );
    app.run_line("stop", None);

    app.run_line("set transport off", None);
    until(&mut app, &transport, "stopped", |a, _| {
        engine_state(a).0 == TransportState::Stopped
    });
    let (_, at) = engine_state(&app);
    transport.locate(30_000).unwrap();
    transport.start().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    app.update(Event::Tick(Instant::now()));
    assert_eq!(
        engine_state(&app),
        (TransportState::Stopped, at),
        "off: the JACK transport is ignored"
    );
    transport.stop().unwrap();
}

#[test]
fn the_transport_option_is_read_refused_and_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.ron");
    file::save(&session(), &path).unwrap();
    let options = OpenOptions {
        engine: None,
        overviews: false,
    };
    let mut app = App::with_defaults(Desk::open(&path, &options).unwrap());
    app.run_line("set transport", None);
    assert_eq!(message(&app), "transport=off");
    app.run_line("set transport sideways", None);
    let m = app.desk.message.clone().unwrap();
    assert!(m.error && m.text.contains("master, follow or off"), "{m:?}");
    app.run_line("set transport=master", None);
    assert!(
        message(&app).starts_with("transport=master (not on JACK"),
        "{}",
        message(&app)
    );
    // Without JACK, play still rolls the desk's own transport.
    app.run_line("play", None);
    assert!(app.desk.rolling());
    app.run_line("stop", None);
    app.run_line("w", None);
    let loaded = file::load(&path).unwrap().session;
    assert!(loaded.audio.jack_transport_master);
    assert!(!loaded.audio.follow_jack_transport);
    app.run_line("set nojack-transport", None);
    app.run_line("set transport?", None);
    assert_eq!(message(&app), "transport=off");
}
