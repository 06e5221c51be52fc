//! The JACK server dies under a playing engine: the program stays up, says
//! so, and reconnects when the server is back. In a process of its own:
//! libjack keeps the dead server's state for the rest of the process.

mod common;
mod jackd;

use common::*;
use dubstage::audio::AudioBackend;
use dubstage::engine::msg::{ToEngine, TransportState};
use jackd::*;

#[test]
fn the_program_survives_the_server_dying_and_reconnects() {
    let _turn = turn();
    let name = unique("kill");
    let mut server = Server::start(&name, 48_000);
    let dir = tempfile::tempdir().unwrap();
    let session = busy_session(dir.path());
    let mut engine = engine(&session, dir.path());
    engine.send(ToEngine::Loop(Some((0, 40_000))));
    engine.send(ToEngine::Play);
    wait(&mut engine, 10, "rolling", |e| {
        e.status().state == TransportState::Rolling
    });

    server.kill();
    wait(&mut engine, 10, "the server to be seen gone", |e| {
        e.status().server_gone
    });
    // Still alive: commands and polling go on without a server.
    engine.send(ToEngine::Stop);
    engine.poll(|_| {});

    let _again = Server::start(&name, 48_000);
    engine.reconnect(&session).unwrap();
    assert!(
        matches!(engine.status().backend, AudioBackend::Jack(_)),
        "{:?}",
        engine.status().backend
    );
    assert!(!engine.status().server_gone);
    engine.send(ToEngine::Play);
    wait(&mut engine, 10, "rolling again", |e| {
        e.status().state == TransportState::Rolling
    });
}
