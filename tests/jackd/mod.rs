//! A jackd of the tests' own (dummy backend, under a server name of their
//! own), a second client that records a port, and helpers to wait on the
//! engine. Tests that use a server take turns: they share the process's
//! JACK_DEFAULT_SERVER.

#![allow(dead_code)]

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use dubstage::audio::{Engine, EngineOptions};
use dubstage::model::Session;
use ringbuf::traits::{Consumer, Producer, Split};
use ringbuf::{HeapCons, HeapProd, HeapRb};

use super::common::pool;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// A jackd of our own, stopped when dropped.
pub struct Server {
    child: Child,
}

impl Server {
    pub fn start(name: &str, rate: u32) -> Server {
        let child = Command::new("jackd")
            .args([
                "--no-realtime",
                "-n",
                name,
                "-d",
                "dummy",
                "-r",
                &rate.to_string(),
                "-p",
                "256",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("jackd must be installed to run these tests (Debian: apt install jackd2)");
        // Owned from here on, so that a failure below still stops it.
        let server = Server { child };
        std::env::set_var("JACK_DEFAULT_SERVER", name);
        jack::set_logger(jack::LoggerType::None);
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if jack::Client::new("probe", jack::ClientOptions::NO_START_SERVER).is_ok() {
                break;
            }
            assert!(Instant::now() < deadline, "jackd -n {name} did not come up");
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    /// Stop the server the way a crash or an operator would, with SIGTERM:
    /// its clients see it go away, and it clears its shared memory (a
    /// SIGKILLed jackd leaves its entry in jackd2's small server registry,
    /// and after a few of those no server can start). SIGKILL only if it hangs.
    pub fn kill(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn turn() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn unique(name: &str) -> String {
    format!("dubstage-test-{name}-{}", std::process::id())
}

/// The process side of the capture client: copies its input into a ring.
struct Recorder {
    input: jack::Port<jack::AudioIn>,
    tape: HeapProd<f32>,
}

impl jack::ProcessHandler for Recorder {
    fn process(&mut self, _: &jack::Client, scope: &jack::ProcessScope) -> jack::Control {
        self.tape.push_slice(self.input.as_slice(scope));
        jack::Control::Continue
    }
}

/// A second JACK client that records one port into a ring.
pub struct Capture {
    _client: jack::AsyncClient<(), Recorder>,
    tape: HeapCons<f32>,
}

impl Capture {
    pub fn start(source: &str) -> Capture {
        let (client, _) =
            jack::Client::new("capture", jack::ClientOptions::NO_START_SERVER).unwrap();
        let input = client
            .register_port("in", jack::AudioIn::default())
            .unwrap();
        let (tape_in, tape) = HeapRb::<f32>::new(4 << 20).split();
        let client = client
            .activate_async(
                (),
                Recorder {
                    input,
                    tape: tape_in,
                },
            )
            .unwrap();
        let ours = format!("{}:in", client.as_client().name());
        client
            .as_client()
            .connect_ports_by_name(source, &ours)
            .unwrap();
        Capture {
            _client: client,
            tape,
        }
    }

    pub fn take(&mut self) -> Vec<f32> {
        let mut out = Vec::new();
        while let Some(s) = self.tape.try_pop() {
            out.push(s);
        }
        out
    }
}

pub fn engine(session: &Session, dir: &std::path::Path) -> Engine {
    let pool = Arc::new(pool(session, dir));
    Engine::start(session, pool, EngineOptions::default()).unwrap()
}

/// Poll until `done` holds, failing after `seconds`.
pub fn wait(engine: &mut Engine, seconds: u64, what: &str, mut done: impl FnMut(&Engine) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        engine.poll(|_| {});
        if done(engine) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {:?}",
            engine.status()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Where `expected` (from its sample `from` on) starts in `heard`, if it does.
pub fn align(heard: &[f32], expected: &[f32], probe: std::ops::Range<usize>) -> Option<usize> {
    (0..heard.len().saturating_sub(probe.end))
        .find(|&o| probe.clone().all(|k| heard[o + k] == expected[k]))
}
