//! The JACK MIDI port pair of the control surface: a client of its own
//! (`dubstage-surface`, or after the engine's client name) with a
//! `midi_in` and a `midi_out` port. Its process callback only copies
//! events between the ports and two lock-free rings ([`MidiPump`]); what
//! the events mean is read on the console's thread.
//!
//! Events are kept as up to [`EVENT_BYTES`] bytes (every channel message,
//! and the short sysex of a display cell); a longer one keeps its first
//! bytes and its length, so the reader can count and ignore it, and is
//! never sent truncated. A full ring drops the event and counts it.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use jack::{Client, ClientOptions, ClientStatus, Control, MidiIn, MidiOut, Port, ProcessScope};
use ringbuf::traits::{Consumer, Producer, Split};
use ringbuf::{HeapCons, HeapProd, HeapRb};

/// Events each ring holds.
pub const MIDI_SLOTS: usize = 4096;

/// Bytes an event keeps.
pub const EVENT_BYTES: usize = 16;

/// One MIDI event as the rings carry it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MidiEvent {
    /// The event's length in bytes (255 for anything longer).
    pub len: u8,
    /// Its first (up to) [`EVENT_BYTES`] bytes.
    pub bytes: [u8; EVENT_BYTES],
}

impl MidiEvent {
    /// An event of `bytes` (the first [`EVENT_BYTES`] kept, the length noted).
    pub fn new(bytes: &[u8]) -> MidiEvent {
        let mut kept = [0u8; EVENT_BYTES];
        let n = bytes.len().min(EVENT_BYTES);
        kept[..n].copy_from_slice(&bytes[..n]);
        MidiEvent {
            len: bytes.len().min(255) as u8,
            bytes: kept,
        }
    }

    /// The bytes kept (all of them unless the event is longer than
    /// [`EVENT_BYTES`]).
    pub fn data(&self) -> &[u8] {
        &self.bytes[..(self.len as usize).min(EVENT_BYTES)]
    }
}

/// What the realtime side counts.
#[derive(Debug, Default)]
pub struct MidiCounts {
    /// Events lost to a full ring (in or out) or a full port buffer.
    pub dropped: AtomicU64,
    /// The server shut down or threw the client out.
    pub gone: AtomicBool,
}

/// The realtime half: copies events from the input into a ring, and from
/// a ring to the output. No allocation, no locks.
pub struct MidiPump {
    incoming: HeapProd<MidiEvent>,
    outgoing: HeapCons<MidiEvent>,
    counts: Arc<MidiCounts>,
}

/// The console's half of the rings.
pub struct MidiRings {
    pub incoming: HeapCons<MidiEvent>,
    pub outgoing: HeapProd<MidiEvent>,
    pub counts: Arc<MidiCounts>,
}

/// A pump and the rings it fills and empties.
pub fn pump() -> (MidiPump, MidiRings) {
    let (in_tx, in_rx) = HeapRb::<MidiEvent>::new(MIDI_SLOTS).split();
    let (out_tx, out_rx) = HeapRb::<MidiEvent>::new(MIDI_SLOTS).split();
    let counts = Arc::new(MidiCounts::default());
    (
        MidiPump {
            incoming: in_tx,
            outgoing: out_rx,
            counts: Arc::clone(&counts),
        },
        MidiRings {
            incoming: in_rx,
            outgoing: out_tx,
            counts,
        },
    )
}

impl MidiPump {
    /// Take in one cycle's input events.
    pub fn take_in<'a>(&mut self, events: impl Iterator<Item = &'a [u8]>) {
        for bytes in events {
            if bytes.is_empty() {
                continue;
            }
            if self.incoming.try_push(MidiEvent::new(bytes)).is_err() {
                self.counts.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Give out what is waiting, through `write` (false: no room).
    pub fn give_out(&mut self, mut write: impl FnMut(&[u8]) -> bool) {
        while let Some(event) = self.outgoing.try_pop() {
            if !write(event.data()) {
                self.counts.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

struct Process {
    pump: MidiPump,
    input: Port<MidiIn>,
    output: Port<MidiOut>,
}

impl jack::ProcessHandler for Process {
    fn process(&mut self, _: &Client, scope: &ProcessScope) -> Control {
        self.pump.take_in(self.input.iter(scope).map(|e| e.bytes));
        let mut writer = self.output.writer(scope);
        self.pump
            .give_out(|bytes| writer.write(&jack::RawMidi { time: 0, bytes }).is_ok());
        Control::Continue
    }
}

struct Notifications {
    counts: Arc<MidiCounts>,
}

impl jack::NotificationHandler for Notifications {
    unsafe fn shutdown(&mut self, _status: ClientStatus, _reason: &str) {
        self.counts.gone.store(true, Ordering::Release);
    }
}

/// The surface's JACK client, running.
pub struct MidiPorts {
    client: Option<jack::AsyncClient<Notifications, Process>>,
    /// The client's full name; the ports are `NAME:midi_in`, `NAME:midi_out`.
    pub name: String,
    pub rings: MidiRings,
}

impl MidiPorts {
    /// Open a client called `name` (never starting a server) with the
    /// port pair, and start copying.
    pub fn open(name: &str) -> Result<MidiPorts, String> {
        if let Err(e) = jack::jack_sys::library() {
            return Err(format!("the JACK library is not installed ({e})"));
        }
        jack::set_logger(jack::LoggerType::None);
        let (client, _) = Client::new(name, ClientOptions::NO_START_SERVER)
            .map_err(|_| "no JACK server is running: the surface needs one".to_string())?;
        let input = client
            .register_port("midi_in", MidiIn::default())
            .map_err(|e| format!("cannot register JACK port midi_in: {e}"))?;
        let output = client
            .register_port("midi_out", MidiOut::default())
            .map_err(|e| format!("cannot register JACK port midi_out: {e}"))?;
        let full = client.name().to_string();
        let (pump, rings) = pump();
        let notifications = Notifications {
            counts: Arc::clone(&rings.counts),
        };
        let client = client
            .activate_async(
                notifications,
                Process {
                    pump,
                    input,
                    output,
                },
            )
            .map_err(|e| format!("cannot start the JACK surface client: {e}"))?;
        Ok(MidiPorts {
            client: Some(client),
            name: full,
            rings,
        })
    }

    pub fn is_gone(&self) -> bool {
        self.rings.counts.gone.load(Ordering::Acquire)
    }

    /// The next event received, if any.
    pub fn receive(&mut self) -> Option<MidiEvent> {
        self.rings.incoming.try_pop()
    }

    /// Queue `bytes` for the output; false (and counted) when full or
    /// longer than an event keeps.
    pub fn send(&mut self, bytes: &[u8]) -> bool {
        let ok = bytes.len() <= EVENT_BYTES
            && self.rings.outgoing.try_push(MidiEvent::new(bytes)).is_ok();
        if !ok {
            self.rings.counts.dropped.fetch_add(1, Ordering::Relaxed);
        }
        ok
    }

    pub fn dropped(&self) -> u64 {
        self.rings.counts.dropped.load(Ordering::Relaxed)
    }
}

impl Drop for MidiPorts {
    fn drop(&mut self) {
        if self.is_gone() {
            // As for the engine's client: libjack hangs closing a client
            // whose server died. Leave it.
            if let Some(client) = self.client.take() {
                std::mem::forget(client);
            }
        }
    }
}
