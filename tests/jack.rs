//! Playback through a real JACK server (jackd with the dummy backend, started
//! here under a server name of our own). The tests take turns: they share
//! the process's JACK_DEFAULT_SERVER.

mod common;
mod jackd;

use std::time::Duration;

use common::*;
use dubstage::audio::AudioBackend;
use dubstage::engine::msg::{ToEngine, TransportState};
use jackd::*;

#[test]
fn what_jack_plays_equals_the_offline_bounce() {
    let _turn = turn();
    let _server = Server::start(&unique("null"), 48_000);
    let dir = tempfile::tempdir().unwrap();
    let session = busy_session(dir.path());
    let (_, offline) = bounce_f32(&session, dir.path(), 4096);
    let pm = &offline[output("PM")][0];
    let end = session.end();

    let mut engine = engine(&session, dir.path());
    assert!(
        matches!(engine.status().backend, AudioBackend::Jack(_)),
        "{:?}",
        engine.status().backend
    );
    let name = match &engine.status().backend {
        AudioBackend::Jack(name) => name.clone(),
        AudioBackend::Clock(_) => unreachable!(),
    };
    let mut capture = Capture::start(&format!("{name}:PM_L"));
    let connections = engine.connections();
    assert_eq!(
        connections.get("monitor_L"),
        Some(&vec!["system:playback_1".to_string()])
    );

    engine.send(ToEngine::StopAt(Some(end)));
    engine.send(ToEngine::Play);
    wait(&mut engine, 20, "the end of the session", |e| {
        e.status().state == TransportState::Stopped && e.status().position == end
    });
    std::thread::sleep(Duration::from_millis(50));
    let heard = capture.take();
    let start =
        align(&heard, pm, 2000..2400).expect("the bounce's audio appears in what JACK played");
    assert_eq!(
        first_difference(&heard[start..start + end as usize], pm),
        None,
        "JACK playback differs from the bounce"
    );
    assert!(
        heard[start + end as usize..].iter().all(|&s| s == 0.0),
        "silence after the stop"
    );
    assert_eq!(engine.status().underruns, 0);
}

#[test]
fn following_jack_transport_starts_and_locates_with_it() {
    let _turn = turn();
    let _server = Server::start(&unique("follow"), 48_000);
    let dir = tempfile::tempdir().unwrap();
    let mut session = busy_session(dir.path());
    session.audio.follow_jack_transport = true;
    let (_, offline) = bounce_f32(&session, dir.path(), 4096);
    let pm = &offline[output("PM")][0];

    let mut engine = engine(&session, dir.path());
    let name = match &engine.status().backend {
        AudioBackend::Jack(name) => name.clone(),
        other => panic!("{other:?}"),
    };
    let mut capture = Capture::start(&format!("{name}:PM_L"));
    let (other, _) = jack::Client::new("transport", jack::ClientOptions::NO_START_SERVER).unwrap();
    let transport = other.transport();
    transport.locate(30_000).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    transport.start().unwrap();
    wait(&mut engine, 10, "rolling with JACK", |e| {
        e.status().state == TransportState::Rolling && e.status().position > 31_000
    });
    transport.stop().unwrap();
    wait(&mut engine, 10, "stopping with JACK", |e| {
        e.status().state == TransportState::Stopped
    });
    let heard = capture.take();
    let start = align(&heard, &pm[30_000..], 0..400).expect("playback starts where JACK located");
    assert_eq!(
        first_difference(&heard[start..start + 1000], &pm[30_000..31_000]),
        None
    );
}

#[test]
fn a_server_at_another_rate_mutes_the_output_and_says_so() {
    let _turn = turn();
    let _server = Server::start(&unique("rate"), 44_100);
    let dir = tempfile::tempdir().unwrap();
    let session = busy_session(dir.path());
    let mut engine = engine(&session, dir.path());
    wait(&mut engine, 10, "the rate report", |e| {
        e.status().rate_mismatch.is_some()
    });
    assert_eq!(engine.status().rate_mismatch, Some((44_100, 48_000)));
}

#[test]
fn jack_is_told_the_output_limiters_latency() {
    let _turn = turn();
    let _server = Server::start(&unique("latency"), 48_000);
    let dir = tempfile::tempdir().unwrap();
    let mut session = busy_session(dir.path());
    session.printmaster.limiter.on = true;
    let expected = dubstage::engine::plan::latency_of(&session) as u32;
    assert!(expected > 0);
    let mut engine = engine(&session, dir.path());
    let name = match &engine.status().backend {
        AudioBackend::Jack(name) => name.clone(),
        other => panic!("{other:?}"),
    };
    let (other, _) = jack::Client::new("latency", jack::ClientOptions::NO_START_SERVER).unwrap();
    let latency = |port: &str| {
        other
            .port_by_name(&format!("{name}:{port}"))
            .map(|p| p.get_latency_range(jack::LatencyType::Capture))
    };
    wait(&mut engine, 10, "the latency on the ports", |_| {
        latency("PM_L") == Some((expected, expected))
    });
    assert_eq!(latency("DX_R"), Some((expected, expected)), "every output");
    assert_eq!(latency("monitor_L"), Some((expected, expected)));
    engine.send(ToEngine::OutputLimiter {
        output: 3,
        param: dubstage::model::limiter::LimiterParam::On,
        value: 0.0,
    });
    wait(
        &mut engine,
        10,
        "no latency once the limiter is off",
        |_| latency("PM_L") == Some((0, 0)),
    );
}
