//! The OSC remote on the console's own thread: a non-blocking UDP socket
//! read between frames (at most [`PACKETS_PER_POLL`] packets at a time, so
//! a flood cannot stall the console), every request run through the same
//! registry of commands the keys use (so it is undoable, journalled and
//! writes automation exactly as a key would), and the transport and
//! meters sent back to subscribed clients ten times a second.
//!
//! A packet that does not decode is counted and dropped; a message with an
//! unknown address or bad arguments is counted and said on the status
//! line. Nothing a remote sends can stop the console.

use std::io::ErrorKind;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use rosc::{OscMessage, OscPacket, OscType};

use super::address::{read, Control, Request, Target, PREFIX};
use crate::app::App;
use crate::command::strip::StripId;

/// Packets taken per poll.
pub const PACKETS_PER_POLL: usize = 256;
/// Clients that can subscribe at once.
pub const MAX_SUBSCRIBERS: usize = 16;
/// Time between two feedback rounds.
pub const FEEDBACK_EVERY: Duration = Duration::from_millis(100);
/// Bundles nested deeper than this are not read.
const MAX_BUNDLE_DEPTH: usize = 8;

/// What the remote has seen, for `:remote`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RemoteCounts {
    pub packets: u64,
    pub messages: u64,
    /// Packets that are not OSC.
    pub malformed: u64,
    /// Messages with an unknown address or bad arguments.
    pub refused: u64,
}

/// The OSC remote of one console.
pub struct Remote {
    socket: UdpSocket,
    local: SocketAddr,
    subscribers: Vec<SocketAddr>,
    counts: RemoteCounts,
    last_feedback: Option<Instant>,
    buffer: Vec<u8>,
    /// When a fader or pan last moved, while its gesture is open.
    moved: Option<Instant>,
}

impl Remote {
    /// Listen on `address` (`127.0.0.1:PORT` unless told otherwise).
    pub fn bind(address: SocketAddr) -> Result<Remote, String> {
        let socket = UdpSocket::bind(address)
            .map_err(|e| format!("cannot listen for OSC on {address}: {e}"))?;
        socket
            .set_nonblocking(true)
            .map_err(|e| format!("cannot listen for OSC on {address}: {e}"))?;
        let local = socket.local_addr().unwrap_or(address);
        Ok(Remote {
            socket,
            local,
            subscribers: Vec::new(),
            counts: RemoteCounts::default(),
            last_feedback: None,
            buffer: vec![0; rosc::decoder::MTU],
            moved: None,
        })
    }

    /// Where it listens.
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    pub fn counts(&self) -> RemoteCounts {
        self.counts
    }

    pub fn subscribers(&self) -> &[SocketAddr] {
        &self.subscribers
    }

    /// Take the packets waiting and run what they ask on `app`. Returns
    /// whether anything was run (the screen may have changed).
    pub fn poll(&mut self, app: &mut App) -> bool {
        let mut any = false;
        for _ in 0..PACKETS_PER_POLL {
            let (n, from) = match self.socket.recv_from(&mut self.buffer) {
                Ok(got) => got,
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                // ICMP errors from a gone subscriber and the like: next.
                Err(_) => continue,
            };
            self.counts.packets += 1;
            match rosc::decoder::decode_udp(&self.buffer[..n]) {
                Ok((_, packet)) => {
                    let mut messages = Vec::new();
                    flatten(packet, 0, &mut messages);
                    for m in messages {
                        self.counts.messages += 1;
                        self.handle(app, &m, from);
                        any = true;
                    }
                }
                Err(_) => self.counts.malformed += 1,
            }
        }
        let release = app.desk.pass.release;
        if self.moved.is_some_and(|t| t.elapsed() >= release) {
            self.moved = None;
            app.end_gesture();
        }
        app.desk.remote = Some(self.summary());
        any
    }

    /// One line for `:remote`.
    pub fn summary(&self) -> String {
        let c = self.counts;
        format!(
            "OSC on {}: {} packet(s), {} message(s), {} malformed, {} refused; {} subscriber(s)",
            self.local,
            c.packets,
            c.messages,
            c.malformed,
            c.refused,
            self.subscribers.len()
        )
    }

    fn handle(&mut self, app: &mut App, message: &OscMessage, from: SocketAddr) {
        let request = match read(message) {
            Ok(r) => r,
            Err(e) => {
                self.counts.refused += 1;
                app.desk.complain(format!("OSC from {from}: {e}"));
                return;
            }
        };
        match request {
            Request::Line(line) => {
                let before = app.desk.message.clone();
                app.run_line(&line, None);
                let (ok, text) = match &app.desk.message {
                    Some(m) if Some(m) != before.as_ref() => (!m.error, m.text.clone()),
                    _ => (true, String::new()),
                };
                self.send(
                    from,
                    "reply",
                    vec![OscType::Bool(ok), OscType::String(text)],
                );
            }
            Request::Strip { target, control } => {
                let strips = StripId::all(&app.desk.session);
                let Some(place) = find_strip(&target, &strips, app) else {
                    self.counts.refused += 1;
                    app.desk
                        .complain(format!("OSC from {from}: no strip is {target:?}"));
                    return;
                };
                match control.line() {
                    None => {
                        app.desk.strip = place;
                        app.desk.changed = true;
                    }
                    Some(line) => {
                        // The command acts on the selected strip: select
                        // this one for it, then give the selection back.
                        let selected = app.desk.strip;
                        app.desk.strip = place;
                        if matches!(control, Control::Fader(_) | Control::Pan(_)) {
                            // A moving fader sends a message per step: one
                            // gesture, one undo step, until it rests.
                            app.run_line_in_gesture(&line);
                            self.moved = Some(Instant::now());
                        } else {
                            app.run_line(&line, None);
                        }
                        app.desk.strip = selected.min(strips.len().saturating_sub(1));
                        app.desk.changed = true;
                    }
                }
            }
            Request::Play => app.run_line("play", None),
            Request::Stop => app.run_line("stop", None),
            Request::PlayStop => app.run_line("play-stop", None),
            Request::Locate(time) => app.run_line(&format!("goto {time}"), None),
            Request::Subscribe { port } => {
                let to = port.map_or(from, |p| SocketAddr::new(from.ip(), p));
                if !self.subscribers.contains(&to) {
                    if self.subscribers.len() >= MAX_SUBSCRIBERS {
                        self.counts.refused += 1;
                        app.desk.complain(format!(
                            "OSC from {from}: {MAX_SUBSCRIBERS} clients already subscribe"
                        ));
                        return;
                    }
                    self.subscribers.push(to);
                }
                self.last_feedback = None;
            }
            Request::Unsubscribe { port } => {
                let gone = port.map_or(from, |p| SocketAddr::new(from.ip(), p));
                self.subscribers.retain(|s| *s != gone);
            }
            Request::Ping => self.send(from, "pong", Vec::new()),
        }
    }

    fn send(&self, to: SocketAddr, what: &str, args: Vec<OscType>) {
        let packet = OscPacket::Message(OscMessage {
            addr: format!("{PREFIX}/{what}"),
            args,
        });
        if let Ok(bytes) = rosc::encoder::encode(&packet) {
            // A client that went away is not our problem.
            let _ = self.socket.send_to(&bytes, to);
        }
    }

    /// Send the transport and every strip's meter to the subscribers, at
    /// most every [`FEEDBACK_EVERY`].
    pub fn feedback(&mut self, app: &App, now: Instant) {
        if self.subscribers.is_empty()
            || self
                .last_feedback
                .is_some_and(|t| now.saturating_duration_since(t) < FEEDBACK_EVERY)
        {
            return;
        }
        self.last_feedback = Some(now);
        let desk = &app.desk;
        let playhead = desk.playhead();
        let transport = vec![
            OscType::Bool(desk.rolling()),
            OscType::Long(playhead.min(i64::MAX as u64) as i64),
            OscType::String(desk.clock.format_samples(playhead)),
        ];
        let strips = StripId::all(&desk.session);
        for &to in &self.subscribers {
            self.send(to, "transport", transport.clone());
            for (i, s) in strips.iter().enumerate() {
                let meter = desk.meters.get(s.meter());
                let mut args = vec![
                    OscType::Int(i as i32 + 1),
                    OscType::String(s.name(&desk.session)),
                ];
                let channels = (meter.channels as usize).min(meter.level.len());
                args.extend(meter.level[..channels].iter().map(|&l| OscType::Float(l)));
                self.send(to, "meter", args);
            }
        }
    }
}

/// The messages of a packet, bundles opened (to a depth).
fn flatten(packet: OscPacket, depth: usize, out: &mut Vec<OscMessage>) {
    match packet {
        OscPacket::Message(m) => out.push(m),
        OscPacket::Bundle(b) if depth < MAX_BUNDLE_DEPTH => {
            for p in b.content {
                flatten(p, depth + 1, out);
            }
        }
        OscPacket::Bundle(_) => {}
    }
}

/// The place on the desk (from 0) of the strip a remote names.
fn find_strip(target: &Target, strips: &[StripId], app: &App) -> Option<usize> {
    match target {
        Target::Place(n) => (*n >= 1 && *n <= strips.len()).then(|| n - 1),
        Target::Name(name) => {
            let wanted = name.replace('_', " ").to_lowercase();
            let names: Vec<String> = strips
                .iter()
                .map(|s| s.name(&app.desk.session).to_lowercase())
                .collect();
            names.iter().position(|n| *n == wanted).or_else(|| {
                let mut starts = names
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| n.starts_with(&wanted));
                match (starts.next(), starts.next()) {
                    (Some((i, _)), None) => Some(i),
                    _ => None,
                }
            })
        }
    }
}
