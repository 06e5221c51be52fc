//! The JACK backend: a client named `dubstage` (or as asked) with an output
//! port for every stem channel, the M&E and the printmaster, and a monitor
//! pair connected to the system's playback ports. Its process callback runs
//! [`Realtime::run`] and copies the result to the ports; nothing else.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;

use jack::{AudioOut, Client, ClientOptions, ClientStatus, Control, Frames, Port, ProcessScope};

use crate::engine::realtime::{output_names, Realtime};

/// What the notification thread tells the rest of the program.
#[derive(Debug, Default)]
pub struct JackState {
    pub xruns: AtomicU32,
    pub sample_rate: AtomicU32,
    pub buffer_size: AtomicU32,
    /// The server shut down or threw the client out.
    pub gone: AtomicBool,
    /// Samples by which every output is late (the output limiters), as
    /// the process callback last saw it, and as last reported to JACK.
    pub latency: AtomicU32,
    reported_latency: AtomicU32,
}

struct Notifications {
    state: Arc<JackState>,
}

impl jack::NotificationHandler for Notifications {
    unsafe fn shutdown(&mut self, _status: ClientStatus, _reason: &str) {
        self.state.gone.store(true, Ordering::Release);
    }

    fn sample_rate(&mut self, _: &Client, rate: Frames) -> Control {
        self.state.sample_rate.store(rate, Ordering::Release);
        Control::Continue
    }

    fn xrun(&mut self, _: &Client) -> Control {
        self.state.xruns.fetch_add(1, Ordering::AcqRel);
        Control::Continue
    }
}

struct Process {
    rt: Realtime,
    ports: Vec<Port<AudioOut>>,
    state: Arc<JackState>,
}

/// What JACK's latency callback needs: the latency and our ports.
struct LatencyContext {
    state: Arc<JackState>,
    ports: Vec<usize>,
}

/// JACK's latency callback: every output port is late by the output
/// limiters' lookahead, relative to the timeline it plays (its capture
/// latency, in JACK's terms, as for any processing with a delay).
unsafe extern "C" fn latency_callback(
    mode: jack::jack_sys::jack_latency_callback_mode_t,
    arg: *mut std::ffi::c_void,
) {
    if mode != jack::jack_sys::JackCaptureLatency || arg.is_null() {
        return;
    }
    // SAFETY: `arg` is the LatencyContext the backend keeps alive (boxed)
    // for as long as the client is active.
    let context = unsafe { &*(arg as *const LatencyContext) };
    let frames = context.state.latency.load(Ordering::Acquire);
    for &port in &context.ports {
        let mut range = jack::jack_sys::jack_latency_range_t {
            min: frames,
            max: frames,
        };
        // SAFETY: the ports belong to the client, which outlives this call.
        unsafe {
            jack::jack_sys::jack_port_set_latency_range(
                port as *mut jack::jack_sys::jack_port_t,
                mode,
                &mut range,
            );
        }
    }
}

impl jack::ProcessHandler for Process {
    fn process(&mut self, client: &Client, scope: &ProcessScope) -> Control {
        let frames = scope.n_frames() as usize;
        if self.rt.follow_jack_transport {
            if let Ok(position) = client.transport().query() {
                let rolling = position.state == jack::TransportState::Rolling;
                self.rt
                    .follow_jack(rolling, position.pos.frame() as u64, frames);
            }
        }
        let rate = self.state.sample_rate.load(Ordering::Acquire);
        let xruns = self.state.xruns.load(Ordering::Acquire);
        let latency = self.rt.output_latency() as u32;
        if latency != self.state.latency.load(Ordering::Relaxed) {
            self.state.latency.store(latency, Ordering::Release);
        }
        let block = self.rt.max_block();
        let mut at = 0;
        while at < frames {
            let n = (frames - at).min(block);
            self.rt.run(n, rate, xruns);
            for (port, buffer) in self.ports.iter_mut().zip(self.rt.outputs()) {
                port.as_mut_slice(scope)[at..at + n].copy_from_slice(&buffer[..n]);
            }
            at += n;
        }
        Control::Continue
    }

    fn buffer_size(&mut self, _: &Client, size: Frames) -> Control {
        self.state.buffer_size.store(size, Ordering::Release);
        Control::Continue
    }
}

/// What dubstage, as the transport master, asks of the JACK transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportAction {
    Start,
    Stop,
    /// To a sample of the session (JACK frame 0 is the session start).
    Locate(u64),
}

/// A running JACK client.
pub struct JackBackend {
    /// `None` only while being dropped.
    client: Option<jack::AsyncClient<Notifications, Process>>,
    /// Read by the latency callback: dropped after the client.
    latency: Option<Box<LatencyContext>>,
    pub state: Arc<JackState>,
    pub name: String,
}

/// Why JACK could not be used.
pub type JackError = String;

impl JackBackend {
    /// Open a client called `name` (never starting a server), register the
    /// ports of `channel_names`, and start `rt` in its process callback.
    /// `connections` maps our port names (e.g. "PM_L") to the ports they
    /// should feed; without an entry, the monitor pair goes to the first two
    /// system playback ports.
    pub fn start(
        name: &str,
        rt: Realtime,
        channel_names: &[&str],
        connections: &BTreeMap<String, Vec<String>>,
    ) -> Result<JackBackend, JackError> {
        if let Err(e) = jack::jack_sys::library() {
            return Err(format!("the JACK library is not installed ({e})"));
        }
        // libjack's own chatter ("Cannot connect to server socket...") would
        // land on the console; our message says what matters.
        jack::set_logger(jack::LoggerType::None);
        let (client, _status) = Client::new(name, ClientOptions::NO_START_SERVER)
            .map_err(|_| "no JACK server is running".to_string())?;
        let state = Arc::new(JackState::default());
        state
            .sample_rate
            .store(client.sample_rate(), Ordering::Release);
        state
            .buffer_size
            .store(client.buffer_size(), Ordering::Release);
        let names = output_names(channel_names);
        let mut ports = Vec::with_capacity(names.len());
        for port in &names {
            ports.push(
                client
                    .register_port(port, AudioOut::default())
                    .map_err(|e| format!("cannot register JACK port {port}: {e}"))?,
            );
        }
        let full_name = client.name().to_string();
        let latency = Box::new(LatencyContext {
            state: Arc::clone(&state),
            ports: ports.iter().map(|p| p.raw() as usize).collect(),
        });
        // SAFETY: the context is boxed and kept in the backend, which
        // drops it only after the client (or leaks both).
        unsafe {
            jack::jack_sys::jack_set_latency_callback(
                client.raw(),
                Some(latency_callback),
                &*latency as *const LatencyContext as *mut std::ffi::c_void,
            );
        }
        let process = Process {
            rt,
            ports,
            state: Arc::clone(&state),
        };
        let notifications = Notifications {
            state: Arc::clone(&state),
        };
        let client = client
            .activate_async(notifications, process)
            .map_err(|e| format!("cannot start the JACK client: {e}"))?;
        let backend = JackBackend {
            client: Some(client),
            latency: Some(latency),
            state,
            name: full_name,
        };
        backend.connect(connections);
        Ok(backend)
    }

    fn client(&self) -> Option<&Client> {
        self.client.as_ref().map(|c| c.as_client())
    }

    /// Restore saved connections, or send the monitor pair to the speakers.
    fn connect(&self, connections: &BTreeMap<String, Vec<String>>) {
        let Some(client) = self.client() else { return };
        if connections.is_empty() {
            let playback = client.ports(Some("system:playback_"), None, jack::PortFlags::IS_INPUT);
            for (ours, theirs) in ["monitor_L", "monitor_R"].iter().zip(playback.iter()) {
                let _ = client.connect_ports_by_name(&format!("{}:{ours}", self.name), theirs);
            }
            return;
        }
        for (ours, destinations) in connections {
            for theirs in destinations {
                let _ = client.connect_ports_by_name(&format!("{}:{ours}", self.name), theirs);
            }
        }
    }

    /// Where each of our ports is connected now, for saving in the session.
    pub fn connections(&self) -> BTreeMap<String, Vec<String>> {
        let mut map = BTreeMap::new();
        let Some(client) = self.client().filter(|_| !self.is_gone()) else {
            return map;
        };
        for port in client.ports(
            Some(&format!("^{}:", regex_escape(&self.name))),
            None,
            jack::PortFlags::IS_OUTPUT,
        ) {
            if let Some(p) = client.port_by_name(&port) {
                let theirs = p.get_connections();
                if !theirs.is_empty() {
                    let ours = port
                        .split_once(':')
                        .map_or(port.as_str(), |(_, p)| p)
                        .to_string();
                    map.insert(ours, theirs);
                }
            }
        }
        map
    }

    pub fn is_gone(&self) -> bool {
        self.state.gone.load(Ordering::Acquire)
    }

    /// Drive the JACK transport (as its master), from the control side:
    /// libjack queues the request and the server applies it at the next
    /// cycle, for every client at once (dubstage follows it like the rest).
    pub fn drive_transport(&self, action: TransportAction) -> Result<(), JackError> {
        let client = self.client.as_ref().ok_or("the JACK client is closing")?;
        let transport = client.as_client().transport();
        let result = match action {
            TransportAction::Start => transport.start(),
            TransportAction::Stop => transport.stop(),
            TransportAction::Locate(frame) => {
                let frame = Frames::try_from(frame).map_err(|_| {
                    format!("sample {frame} is past what the JACK transport can hold")
                })?;
                transport.locate(frame)
            }
        };
        result.map_err(|e| format!("the JACK transport refused: {e}"))
    }

    /// Tell JACK when the outputs' latency has changed (a limiter switched
    /// on or off). Not on the realtime thread: JACK calls back.
    pub fn refresh_latency(&self) {
        let now = self.state.latency.load(Ordering::Acquire);
        if now == self.state.reported_latency.swap(now, Ordering::AcqRel) || self.is_gone() {
            return;
        }
        if let Some(client) = self.client() {
            // SAFETY: a live client of ours, off the realtime thread.
            unsafe {
                jack::jack_sys::jack_recompute_total_latencies(client.raw());
            }
        }
    }

    /// The latency JACK reports on our output ports (capture, min and max).
    pub fn port_latency(&self, port: &str) -> Option<(u32, u32)> {
        let client = self.client()?;
        let p = client.port_by_name(&format!("{}:{port}", self.name))?;
        Some(p.get_latency_range(jack::LatencyType::Capture))
    }
}

impl Drop for JackBackend {
    fn drop(&mut self) {
        if self.is_gone() {
            // libjack crashes or hangs when a client whose server died is
            // deactivated or closed (RustAudio/rust-jack#219; seen here in
            // jack_deactivate and jack_client_close alike), which is what
            // dropping the wrapper does. Leave it alone: this leaks the
            // client's record and one Plan, once per server death.
            if let Some(client) = self.client.take() {
                std::mem::forget(client);
                std::mem::forget(self.latency.take());
            }
        }
    }
}

/// JACK matches port names with regular expressions; escape ours.
fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
