//! `dubstage play`: headless playback for a stage machine's scripts and for tests.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dubstage::audio::{AudioBackend, Engine, EngineOptions};
use dubstage::bounce;
use dubstage::engine::msg::{ToEngine, TransportState};
use dubstage::model::timecode::parse_range;

/// How often the status is looked at.
const TICK: Duration = Duration::from_millis(50);

pub fn run(
    session: &Path,
    range: Option<&str>,
    looped: bool,
    no_jack: bool,
    name: &str,
) -> Result<(), String> {
    let (loaded, pool) = crate::open(session)?;
    let s = &loaded.session;
    let clock = bounce::clock(s);
    let (start, end) = match range {
        Some(text) => parse_range(text, &clock).map_err(|e| format!("--range: {e}"))?,
        None => (0, s.end().max(1)),
    };
    let interrupted = Arc::new(AtomicBool::new(false));
    for signal in [
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
    ] {
        signal_hook::flag::register(signal, Arc::clone(&interrupted))
            .map_err(|e| format!("cannot catch signals: {e}"))?;
    }
    let options = EngineOptions {
        client_name: name.to_string(),
        use_jack: !no_jack,
    };
    let mut engine = Engine::start(s, Arc::new(pool), options)
        .map_err(|e| format!("cannot start the engine: {e}"))?;
    announce(&engine.status().backend);
    let setup = |engine: &mut Engine, from: u64| {
        engine.send(ToEngine::Locate(from));
        if looped {
            engine.send(ToEngine::Loop(Some((start, end))));
        } else {
            engine.send(ToEngine::StopAt(Some(end)));
        }
        engine.send(ToEngine::Play);
    };
    setup(&mut engine, start);

    let terminal = std::io::stderr().is_terminal();
    let mut rolled = false;
    let mut last_try = Instant::now();
    while !interrupted.load(Ordering::Acquire) {
        std::thread::sleep(TICK);
        engine.poll(|_| {});
        let status = engine.status().clone();
        if let Some((server, session)) = status.rate_mismatch {
            return Err(format!(
                "the JACK server runs at {server} Hz but the session is at {session} Hz; restart the server at {session} Hz"
            ));
        }
        if status.server_gone {
            if last_try.elapsed() >= Duration::from_secs(1) {
                last_try = Instant::now();
                eprintln!(
                    "\nthe JACK server went away at {}; trying to reconnect",
                    clock.format_samples(status.position)
                );
                let resume = status.position;
                engine
                    .reconnect(s)
                    .map_err(|e| format!("cannot restart the engine: {e}"))?;
                announce(&engine.status().backend);
                setup(&mut engine, resume);
                rolled = false;
            }
            continue;
        }
        rolled |= status.state == TransportState::Rolling;
        if terminal {
            eprint!(
                "\r{}  {:<8}  xruns {}  underruns {}  load {:3.0}%   ",
                clock.format_samples(status.position),
                format!("{:?}", status.state).to_lowercase(),
                status.xruns,
                status.underruns,
                status.dsp_load * 100.0
            );
            let _ = std::io::stderr().flush();
        }
        for e in &status.read_errors {
            eprintln!("\nwarning: {e}");
        }
        if rolled && status.state == TransportState::Stopped {
            break;
        }
    }
    engine.send(ToEngine::Stop);
    std::thread::sleep(TICK);
    engine.poll(|_| {});
    let status = engine.status();
    if terminal {
        eprintln!();
    }
    println!(
        "played {} .. {}: stopped at {}, {} xrun(s), {} underrun(s)",
        clock.format_samples(start),
        clock.format_samples(end),
        clock.format_samples(status.position),
        status.xruns,
        status.underruns
    );
    Ok(())
}

fn announce(backend: &AudioBackend) {
    match backend {
        AudioBackend::Jack(name) => eprintln!("playing through JACK as {name}"),
        AudioBackend::Clock(why) => eprintln!("{why}: playing silently on the built-in clock"),
    }
}
