//! The OSC remote, over real UDP sockets on the loopback: requests run
//! through the registry as keys do (undoable), feedback reaches subscribed
//! clients, and bad packets are counted and said without harm; then the
//! real program in a terminal, driven and quit by OSC alone.

mod common;

use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use std::time::{Duration, Instant};

use common::tmux::{console_command, Tmux};
use dubstage::app::App;
use dubstage::command::desk::Desk;
use dubstage::command::strip::StripId;
use dubstage::model::file;
use dubstage::remote::Remote;
use rosc::{OscMessage, OscPacket, OscType};

fn demo_app(dir: &Path) -> App {
    let path = dir.join("demo.ron");
    std::fs::write(&path, dubstage::demo::SESSION).unwrap();
    let loaded = file::load(&path).unwrap();
    App::with_defaults(Desk::new(loaded.session, path))
}

fn client() -> UdpSocket {
    let c = UdpSocket::bind("127.0.0.1:0").unwrap();
    c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    c
}

fn send(c: &UdpSocket, to: SocketAddr, addr: &str, args: Vec<OscType>) {
    let bytes = rosc::encoder::encode(&OscPacket::Message(OscMessage {
        addr: addr.into(),
        args,
    }))
    .unwrap();
    c.send_to(&bytes, to).unwrap();
}

/// Poll until `remote` has taken `messages` messages and `malformed` bad packets.
fn settle(remote: &mut Remote, app: &mut App, packets: u64) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while remote.counts().packets < packets {
        remote.poll(app);
        assert!(Instant::now() < deadline, "{:?}", remote.counts());
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn receive(c: &UdpSocket) -> OscMessage {
    let mut buf = [0u8; 65536];
    let (n, _) = c.recv_from(&mut buf).expect("an answer from the remote");
    match rosc::decoder::decode_udp(&buf[..n]).unwrap().1 {
        OscPacket::Message(m) => m,
        other => panic!("a bundle: {other:?}"),
    }
}

fn fader(app: &App, name: &str) -> f32 {
    let s = &app.desk.session;
    StripId::all(s)
        .into_iter()
        .find(|st| st.name(s) == name)
        .and_then(|st| st.fader(s))
        .unwrap()
}

#[test]
fn strips_commands_and_the_transport_by_osc() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(dir.path());
    let mut remote = Remote::bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let to = remote.local_addr();
    let c = client();
    let selected = app.desk.strip;

    // A fader by name (`_` for the space) and a pan by place.
    send(
        &c,
        to,
        "/dubstage/strip/fader",
        vec![
            OscType::String("production_dialog".into()),
            OscType::Float(-7.5),
        ],
    );
    settle(&mut remote, &mut app, 1);
    assert_eq!(fader(&app, "Production dialog"), -7.5);
    assert_eq!(app.desk.strip, selected, "the selection is the user's");
    let anna = StripId::all(&app.desk.session)
        .iter()
        .position(|s| s.name(&app.desk.session) == "Anna")
        .unwrap();
    send(
        &c,
        to,
        "/dubstage/strip/pan",
        vec![OscType::Int(anna as i32 + 1), OscType::String("L30".into())],
    );
    send(
        &c,
        to,
        "/dubstage/strip/mute",
        vec![OscType::String("Anna".into())],
    );
    settle(&mut remote, &mut app, 3);
    let track = &app.desk.session.tracks[anna];
    assert_eq!((track.pan, track.mute), (-0.3, true));

    // Each is an edit like a key's, undone by `u`; the fader and pan moves
    // are a gesture, one step, which the mute (an edit of its own) closed.
    app.type_keys("u").unwrap();
    assert!(!app.desk.session.tracks[anna].mute);
    assert_eq!(app.desk.session.tracks[anna].pan, -0.3);
    app.type_keys("u").unwrap();
    assert_eq!(fader(&app, "Production dialog"), 0.0);
    assert_eq!(app.desk.session.tracks[anna].pan, 0.0);

    // A command line, answered with its message.
    app.desk.strip = anna;
    send(
        &c,
        to,
        "/dubstage/cmd",
        vec![OscType::String(":strip hpf.freq 80".into())],
    );
    settle(&mut remote, &mut app, 4);
    let reply = receive(&c);
    assert_eq!(reply.addr, "/dubstage/reply");
    assert_eq!(reply.args[0], OscType::Bool(true), "{reply:?}");
    let hpf = &app.desk.session.tracks[anna].strip.hpf;
    assert_eq!(hpf.freq, 80.0);
    send(
        &c,
        to,
        "/dubstage/cmd",
        vec![OscType::String("frobnicate".into())],
    );
    settle(&mut remote, &mut app, 5);
    let reply = receive(&c);
    assert_eq!(reply.args[0], OscType::Bool(false));
    assert!(
        matches!(&reply.args[1], OscType::String(t) if t.contains("not a command")),
        "{reply:?}"
    );

    // The transport: locate by a typed time, play, stop.
    send(
        &c,
        to,
        "/dubstage/transport/locate",
        vec![OscType::String("10s".into())],
    );
    settle(&mut remote, &mut app, 6);
    assert_eq!(app.desk.playhead(), 480_000);
    send(&c, to, "/dubstage/transport/play", vec![]);
    settle(&mut remote, &mut app, 7);
    assert!(app.desk.rolling());
    send(&c, to, "/dubstage/transport/stop", vec![]);
    settle(&mut remote, &mut app, 8);
    assert!(!app.desk.rolling());
}

#[test]
fn a_fader_moved_by_osc_is_one_undo_step_once_it_rests() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(dir.path());
    app.desk.pass.release = Duration::from_millis(200);
    let mut remote = Remote::bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let to = remote.local_addr();
    let c = client();
    let (undo, _) = app.undo_depth();

    // A fader pulled down in 40 steps, as a remote sends it.
    for step in 1..=40 {
        send(
            &c,
            to,
            "/dubstage/strip/fader",
            vec![OscType::Int(1), OscType::Float(-0.25 * step as f32)],
        );
    }
    settle(&mut remote, &mut app, 40);
    let first = StripId::all(&app.desk.session)[0];
    assert_eq!(first.fader(&app.desk.session), Some(-10.0));
    // Still moving: no step yet; at rest, one.
    assert_eq!(app.undo_depth().0, undo);
    let deadline = Instant::now() + Duration::from_secs(5);
    while app.undo_depth().0 == undo {
        assert!(Instant::now() < deadline, "the gesture never ended");
        remote.poll(&mut app);
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(app.undo_depth().0, undo + 1);
    app.type_keys("u").unwrap();
    assert_eq!(first.fader(&app.desk.session), Some(0.0));

    // An undo in the middle of a move takes back what moved so far; the
    // rest of the move is a step of its own.
    for db in [-1.0, -2.0] {
        send(
            &c,
            to,
            "/dubstage/strip/fader",
            vec![OscType::Int(1), OscType::Float(db)],
        );
    }
    settle(&mut remote, &mut app, 42);
    app.type_keys("u").unwrap();
    assert_eq!(first.fader(&app.desk.session), Some(0.0));
    send(
        &c,
        to,
        "/dubstage/strip/fader",
        vec![OscType::Int(1), OscType::Float(-3.0)],
    );
    settle(&mut remote, &mut app, 43);
    std::thread::sleep(Duration::from_millis(250));
    remote.poll(&mut app);
    app.type_keys("u").unwrap();
    assert_eq!(first.fader(&app.desk.session), Some(0.0));
    app.type_keys("<C-r>").unwrap();
    assert_eq!(first.fader(&app.desk.session), Some(-3.0));
}

#[test]
fn subscribers_hear_the_transport_and_the_meters() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(dir.path());
    let mut remote = Remote::bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let to = remote.local_addr();
    let c = client();
    send(&c, to, "/dubstage/ping", vec![]);
    settle(&mut remote, &mut app, 1);
    assert_eq!(receive(&c).addr, "/dubstage/pong");
    send(
        &c,
        to,
        "/dubstage/transport/locate",
        vec![OscType::Long(96_000)],
    );
    send(&c, to, "/dubstage/subscribe", vec![]);
    settle(&mut remote, &mut app, 3);
    assert_eq!(remote.subscribers().len(), 1);
    remote.feedback(&app, Instant::now());
    let transport = receive(&c);
    assert_eq!(transport.addr, "/dubstage/transport");
    assert_eq!(transport.args[0], OscType::Bool(false));
    assert_eq!(transport.args[1], OscType::Long(96_000));
    assert_eq!(
        transport.args[2],
        OscType::String(app.desk.clock.format_samples(96_000))
    );
    let strips = StripId::all(&app.desk.session);
    for (i, s) in strips.iter().enumerate() {
        let m = receive(&c);
        assert_eq!(m.addr, "/dubstage/meter");
        assert_eq!(m.args[0], OscType::Int(i as i32 + 1));
        assert_eq!(m.args[1], OscType::String(s.name(&app.desk.session)));
    }
    // Not again before the feedback interval; and not after unsubscribing.
    remote.feedback(&app, Instant::now());
    send(&c, to, "/dubstage/unsubscribe", vec![]);
    settle(&mut remote, &mut app, 4);
    assert!(remote.subscribers().is_empty());
    c.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut buf = [0u8; 1024];
    assert!(c.recv_from(&mut buf).is_err(), "nothing more was sent");
}

#[test]
fn bad_packets_are_counted_and_said_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(dir.path());
    let before = app.desk.session.clone();
    let mut remote = Remote::bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let to = remote.local_addr();
    let c = client();
    for junk in [
        &b"not osc at all"[..],
        &[0u8; 3][..],
        b"/dubstage/strip/fader\0\0\0,fs\0",
        b"#bundle\0\0\0",
        &[0xffu8; 2000][..],
    ] {
        c.send_to(junk, to).unwrap();
    }
    send(&c, to, "/dubstage/frobnicate", vec![]);
    send(
        &c,
        to,
        "/dubstage/strip/fader",
        vec![OscType::String("Nobody".into()), OscType::Float(-3.0)],
    );
    send(
        &c,
        to,
        "/dubstage/strip/fader",
        vec![OscType::Int(1), OscType::String("loud".into())],
    );
    settle(&mut remote, &mut app, 8);
    let counts = remote.counts();
    assert_eq!(counts.malformed, 5, "{counts:?}");
    assert_eq!(counts.refused, 3, "{counts:?}");
    let said = app.desk.message.clone().unwrap();
    assert!(said.error && said.text.contains("OSC from"), "{said:?}");
    assert_eq!(app.desk.session, before, "nothing changed");
    app.type_keys(":remote<cr>").unwrap();
    let line = app.desk.message.clone().unwrap().text;
    assert!(line.contains("5 malformed, 3 refused"), "{line}");
}

/// A free UDP port on the loopback (bound and let go).
fn free_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn the_console_in_a_terminal_obeys_osc_and_quits_by_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.ron");
    std::fs::write(&path, dubstage::demo::SESSION).unwrap();
    let port = free_port();
    let command = format!("{} --osc {port}", console_command(dir.path(), &path, ""));
    let tmux = Tmux::start("osc", 80, 24, &command);
    tmux.wait_for("the first frame", &|s| s.contains("NORMAL"));
    let to: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let c = client();
    send(
        &c,
        to,
        "/dubstage/strip/fader",
        vec![OscType::String("Score".into()), OscType::Float(-11.0)],
    );
    tmux.wait_for("the fader's message", &|s| {
        s.contains("Score fader -11.0 dB")
    });
    send(&c, to, "/dubstage/cmd", vec![OscType::String(":w".into())]);
    let reply = receive(&c);
    assert_eq!(reply.args[0], OscType::Bool(true), "{reply:?}");
    let saved = file::load(&path).unwrap().session;
    assert_eq!(
        saved
            .tracks
            .iter()
            .find(|t| t.name == "Score")
            .unwrap()
            .fader_db,
        -11.0
    );
    send(&c, to, "/dubstage/cmd", vec![OscType::String(":q".into())]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while tmux.run(&["list-panes", "-t", "console"]).contains('[') {
        assert!(
            Instant::now() < deadline,
            "still running:\n{}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
