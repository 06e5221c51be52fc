//! Playing a session: the [`Engine`] is the UI thread's handle on the
//! realtime engine, the butler and whichever backend drives them: a JACK
//! client ([`jack`]) when a server answers, else the built-in clock
//! ([`clock`]), silent but otherwise the same. It never fails to start for
//! want of a JACK server.

pub mod clock;
pub mod jack;
pub mod midi;

use std::collections::BTreeMap;
use std::sync::Arc;

use ringbuf::traits::{Consumer, Producer, Split};
use ringbuf::{HeapCons, HeapProd, HeapRb};

use crate::plugin::InsertCache;

use crate::engine::butler::Butler;
use crate::engine::feed::{self, FeedSync};
use crate::engine::live_loudness::{LiveReadings, LoudnessWorker};
use crate::engine::live_plan::LivePlan;
use crate::engine::msg::{FromEngine, MeterId, ToEngine, TransportState, METER_CHANNELS};
use crate::engine::realtime::Realtime;
use crate::engine::tap::{tap, TapReader, TAP_FRAMES};
use crate::media::pool::MediaPool;
use crate::model::Session;

/// Frames the engine can render per call; JACK periods longer than this are
/// rendered in several steps.
pub const MAX_BLOCK: usize = 2048;
const COMMAND_SLOTS: usize = 1024;
const REPORT_SLOTS: usize = 16_384;

/// How to start the engine.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// The JACK client name.
    pub client_name: String,
    /// Try JACK at all (false: always the clock).
    pub use_jack: bool,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            client_name: "dubstage".into(),
            use_jack: true,
        }
    }
}

/// What drives the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AudioBackend {
    /// A JACK client, with its full name.
    Jack(String),
    /// The silent built-in clock, and why JACK is not in use.
    Clock(String),
}

/// What the UI shows of the engine.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineStatus {
    pub backend: AudioBackend,
    pub position: u64,
    pub state: TransportState,
    pub looping: bool,
    pub sample_rate: u32,
    pub buffer_size: u32,
    pub xruns: u32,
    pub underruns: u32,
    pub dropped: u32,
    pub dsp_load: f32,
    /// Server and session rates, when they differ (output is muted).
    pub rate_mismatch: Option<(u32, u32)>,
    /// The JACK server went away; [`Engine::reconnect`] tries again.
    pub server_gone: bool,
    /// Sources the butler failed to read.
    pub read_errors: Vec<String>,
}

/// One strip's levels since the last report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeterReading {
    pub id: MeterId,
    pub channels: u8,
    pub peak: [f32; METER_CHANNELS],
    pub rms: [f32; METER_CHANNELS],
}

enum Backend {
    Jack(jack::JackBackend),
    Clock(clock::ClockBackend),
}

/// The UI's handle on playback.
pub struct Engine {
    // Declared first so it stops (taking the realtime engine with it) before
    // the butler; `None` only for the moment of a reconnect.
    backend: Option<Backend>,
    butler: Butler,
    commands: HeapProd<ToEngine>,
    reports: HeapCons<FromEngine>,
    sync: Arc<FeedSync>,
    pool: Arc<MediaPool>,
    options: EngineOptions,
    next_feeds: u64,
    status: EngineStatus,
    /// The live loudness meters; `None` if their thread could not start.
    loudness: Option<LoudnessWorker>,
    /// The LV2 instances of the Plan last sent, which the next Plan
    /// carries on with where its strip and slot hold the same plugin.
    inserts: InsertCache,
}

/// Everything around a realtime engine: its butler and the two ends of its
/// rings that stay on the UI side.
pub struct Wiring {
    pub butler: Butler,
    pub commands: HeapProd<ToEngine>,
    pub reports: HeapCons<FromEngine>,
    pub sync: Arc<FeedSync>,
    /// The stems, M&E and printmaster as played, for the live loudness meters.
    pub loudness: TapReader,
    /// The first Plan's LV2 instances, for the next compile to carry on with.
    pub inserts: InsertCache,
}

/// A fresh realtime engine for `session`, its playhead at `position`, with
/// its butler running. The backends drive the [`Realtime`] it returns;
/// tests and benchmarks can drive it by hand.
pub fn build(
    session: &Session,
    pool: &Arc<MediaPool>,
    feeds_id: u64,
    position: u64,
) -> std::io::Result<(Realtime, Wiring)> {
    let sync = feed::sync();
    let butler = Butler::start(Arc::clone(&sync))?;
    let (live, job) = LivePlan::compile(session, pool, MAX_BLOCK, feeds_id);
    butler.give(job);
    let inserts = live.plan.insert_cache();
    let (tap_writer, loudness) = tap(live.plan.channels, TAP_FRAMES);
    let (mut commands, command_rx) = HeapRb::<ToEngine>::new(COMMAND_SLOTS).split();
    let (report_tx, reports) = HeapRb::<FromEngine>::new(REPORT_SLOTS).split();
    let mut rt = Realtime::new(live, command_rx, report_tx, Arc::clone(&sync));
    rt.follow_jack_transport = session.audio.follows_jack();
    rt.set_loudness_tap(tap_writer);
    if position > 0 {
        rt.locate(position, false);
    }
    let _ = commands.try_push(ToEngine::ReturnToStart(session.audio.return_to_start));
    Ok((
        rt,
        Wiring {
            butler,
            commands,
            reports,
            sync,
            loudness,
            inserts,
        },
    ))
}

/// Start on JACK if a server answers, else on the clock.
fn start_backend(
    session: &Session,
    pool: &Arc<MediaPool>,
    options: &EngineOptions,
    feeds_id: u64,
    position: u64,
) -> std::io::Result<(Backend, AudioBackend, Wiring)> {
    let names = session.stems.layout.channel_names();
    let mut why = "JACK is switched off".to_string();
    if options.use_jack {
        let (rt, wiring) = build(session, pool, feeds_id, position)?;
        match jack::JackBackend::start(&options.client_name, rt, names, &session.audio.connections)
        {
            Ok(backend) => {
                let name = backend.name.clone();
                return Ok((Backend::Jack(backend), AudioBackend::Jack(name), wiring));
            }
            Err(e) => why = e,
        }
    }
    let (rt, wiring) = build(session, pool, feeds_id, position)?;
    let clock = clock::ClockBackend::start(rt, session.sample_rate)?;
    Ok((Backend::Clock(clock), AudioBackend::Clock(why), wiring))
}

impl Engine {
    /// Start playing `session` (stopped, at the session start): on JACK when a
    /// server answers, otherwise on the silent clock, saying why.
    pub fn start(
        session: &Session,
        pool: Arc<MediaPool>,
        options: EngineOptions,
    ) -> std::io::Result<Engine> {
        let (backend, kind, wiring) = start_backend(session, &pool, &options, 1, 0)?;
        let loudness = LoudnessWorker::start(wiring.loudness, session.sample_rate).ok();
        let mut engine = Engine {
            backend: Some(backend),
            butler: wiring.butler,
            commands: wiring.commands,
            reports: wiring.reports,
            sync: wiring.sync,
            inserts: wiring.inserts,
            pool,
            options,
            next_feeds: 2,
            status: EngineStatus {
                backend: kind,
                position: 0,
                state: TransportState::Locating,
                looping: false,
                sample_rate: session.sample_rate,
                buffer_size: 0,
                xruns: 0,
                underruns: 0,
                dropped: 0,
                dsp_load: 0.0,
                rate_mismatch: None,
                server_gone: false,
                read_errors: Vec::new(),
            },
            loudness,
        };
        engine.refresh_backend_status();
        Ok(engine)
    }

    /// Ask the realtime thread for something; false when its ring is full.
    pub fn send(&mut self, command: ToEngine) -> bool {
        self.commands.try_push(command).is_ok()
    }

    /// Drive the JACK transport as its master. `Ok(false)` when not on
    /// JACK (the silent clock has no transport to drive).
    pub fn drive_transport(&self, action: jack::TransportAction) -> Result<bool, String> {
        match &self.backend {
            Some(Backend::Jack(j)) if !j.is_gone() => j.drive_transport(action).map(|()| true),
            _ => Ok(false),
        }
    }

    /// A structural edit: compile `session` anew and swap it in at the playhead.
    pub fn load(&mut self, session: &Session) -> bool {
        let id = self.next_feeds;
        self.next_feeds += 1;
        let (live, job) =
            LivePlan::compile_reusing(session, &self.pool, MAX_BLOCK, id, Some(&self.inserts));
        self.inserts = live.plan.insert_cache();
        self.butler.give(job);
        self.send(ToEngine::NewPlan { plan: live })
    }

    /// Take in what the engine has reported; meters go to `on_meter`.
    /// Plans the realtime thread let go of are freed here.
    pub fn poll(&mut self, mut on_meter: impl FnMut(MeterReading)) {
        while let Some(report) = self.reports.try_pop() {
            match report {
                FromEngine::Transport {
                    position,
                    state,
                    looping,
                } => {
                    self.status.position = position;
                    self.status.state = state;
                    self.status.looping = looping;
                }
                FromEngine::Meter {
                    id,
                    channels,
                    peak,
                    rms,
                } => on_meter(MeterReading {
                    id,
                    channels,
                    peak,
                    rms,
                }),
                FromEngine::Counters {
                    xruns,
                    underruns,
                    dropped,
                    dsp_load,
                } => {
                    self.status.xruns = xruns;
                    self.status.underruns = underruns;
                    self.status.dropped = dropped;
                    self.status.dsp_load = dsp_load;
                }
                FromEngine::RateMismatch { server, session } => {
                    self.status.rate_mismatch = Some((server, session))
                }
                FromEngine::Retired(plan) => drop(plan),
                FromEngine::RetiredAutomation(a) => drop(a),
            }
        }
        self.status.read_errors.extend(self.butler.errors());
        self.refresh_backend_status();
    }

    fn refresh_backend_status(&mut self) {
        use std::sync::atomic::Ordering;
        match &self.backend {
            Some(Backend::Jack(jack)) => {
                jack.refresh_latency();
                self.status.server_gone = jack.is_gone();
                self.status.sample_rate = jack.state.sample_rate.load(Ordering::Acquire);
                self.status.buffer_size = jack.state.buffer_size.load(Ordering::Acquire);
                if self
                    .status
                    .rate_mismatch
                    .is_some_and(|(server, _)| server != self.status.sample_rate)
                {
                    self.status.rate_mismatch = None;
                }
            }
            Some(Backend::Clock(clock)) => self.status.buffer_size = clock.block as u32,
            None => {}
        }
    }

    pub fn status(&self) -> &EngineStatus {
        &self.status
    }

    /// The live loudness meters' newest readings since the last call.
    pub fn loudness(&mut self) -> Option<LiveReadings> {
        self.loudness.as_mut().and_then(LoudnessWorker::latest)
    }

    /// Start the live integrated loudness, range and true peak again.
    pub fn reset_loudness(&self) {
        if let Some(worker) = &self.loudness {
            worker.reset();
        }
    }

    /// The shared locate state (for tests and diagnostics).
    pub fn feed_sync(&self) -> &Arc<FeedSync> {
        &self.sync
    }

    /// Where our JACK ports are connected now (empty on the clock).
    pub fn connections(&self) -> BTreeMap<String, Vec<String>> {
        match &self.backend {
            Some(Backend::Jack(jack)) => jack.connections(),
            _ => BTreeMap::new(),
        }
    }

    /// Start again on a JACK server (after it went away or when one has
    /// appeared), at the last known playhead, with `session` as it is now.
    /// Falls back to the clock, as at start, when no server answers.
    pub fn reconnect(&mut self, session: &Session) -> std::io::Result<()> {
        let position = self.status.position;
        let id = self.next_feeds;
        self.next_feeds += 1;
        // The old backend goes first (freeing its client name), then its butler.
        self.backend = None;
        let (backend, kind, wiring) =
            start_backend(session, &self.pool, &self.options, id, position)?;
        self.backend = Some(backend);
        self.butler = wiring.butler;
        self.commands = wiring.commands;
        self.reports = wiring.reports;
        self.sync = wiring.sync;
        self.inserts = wiring.inserts;
        self.loudness = LoudnessWorker::start(wiring.loudness, session.sample_rate).ok();
        self.status.backend = kind;
        self.status.server_gone = false;
        self.status.rate_mismatch = None;
        self.refresh_backend_status();
        Ok(())
    }
}
