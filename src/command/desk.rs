//! The desk: what the console's commands act on. It holds the session (the
//! truth), the engine that plays it, the selected strip, the playhead and
//! the view of the timeline. Every mixer edit changes the session first and
//! then sends the engine the matching message.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::sync::Arc;
use std::time::Instant;

use super::loudness_view::LoudnessView;
use super::meters::Meters;
use super::pass::Pass;
use super::strip::{StripId, StripSettings, FADER_FLOOR_DB, FADER_TOP_DB};
use crate::audio::jack::TransportAction;
use crate::audio::{AudioBackend, Engine, EngineOptions, EngineStatus};
use crate::bounce::{self};
use crate::edit::grid::Grid;
use crate::edit::journal::{self, Journal, Pending};
use crate::engine::msg::{ToEngine, TransportState};
use crate::media::cache::MediaCache;
use crate::media::overview::Overviews;
use crate::media::pool::MediaPool;
use crate::model::file;
use crate::model::timecode::TimecodeClock;
use crate::model::{LaneTarget, Session};

/// The narrowest zoom: samples per timeline column at 48 kHz (10 ms).
pub const MIN_ZOOM: u64 = 480;

/// The transport as the console shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transport {
    pub position: u64,
    pub state: TransportState,
    pub looping: bool,
}

/// Which part of the timeline is on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    /// Samples per column; `None` fits the whole session.
    pub zoom: Option<u64>,
    /// First sample shown when not following the playhead.
    pub scroll: u64,
    /// Page the view along with the playhead.
    pub follow: bool,
    /// Columns of the timeline (set from the terminal's size).
    pub columns: u16,
}

impl View {
    /// Samples per column for a session of `end` samples.
    pub fn samples_per_column(&self, end: u64) -> u64 {
        self.zoom
            .unwrap_or_else(|| (end.max(1)).div_ceil(self.columns.max(1) as u64))
            .max(1)
    }

    /// The first sample on screen, with the playhead at `playhead`.
    pub fn start(&self, end: u64, playhead: u64) -> u64 {
        let spc = self.samples_per_column(end);
        let page = spc * self.columns.max(1) as u64;
        if self.follow {
            let visible = playhead >= self.scroll && playhead < self.scroll + page;
            if visible || self.zoom.is_none() {
                return if self.zoom.is_none() { 0 } else { self.scroll };
            }
            (playhead / page) * page
        } else {
            self.scroll
        }
    }
}

/// A line for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub error: bool,
}

/// A bounce running on a worker thread.
pub(super) struct BounceJob {
    pub(super) dir: PathBuf,
    pub(super) progress: Receiver<BounceNews>,
}

pub(super) enum BounceNews {
    Progress(u64, u64),
    Done(Result<String, String>),
}

/// The console's state that commands act on.
pub struct Desk {
    pub session: Session,
    pub path: PathBuf,
    /// The session as last saved or loaded.
    pub(super) saved: Session,
    /// Solo per track (monitoring only: not saved with the session).
    pub solo: Vec<bool>,
    pub engine: Option<Engine>,
    pub pool: Arc<MediaPool>,
    pub transport: Transport,
    /// Where the last locate went, until the engine reports it.
    pending_locate: Option<u64>,
    /// The engine-less transport's clock while rolling.
    free_run: Option<Instant>,
    pub loop_range: Option<(u64, u64)>,
    /// Index of the selected strip (see [`StripId::at`]).
    pub strip: usize,
    pub view: View,
    /// Where visual mode started.
    pub anchor: Option<u64>,
    /// The selected span of the timeline.
    pub selection: Option<(u64, u64)>,
    /// Marks set with `m{a-z}`.
    pub marks: BTreeMap<char, u64>,
    pub meters: Meters,
    /// The live loudness meters' readings.
    pub loudness: LoudnessView,
    pub overviews: Overviews,
    pub message: Option<Message>,
    /// A recovery file newer than the session, offered with `:recover`.
    pub recovery: Option<PathBuf>,
    pub clock: TimecodeClock,
    /// What the engine said last (for the transport bar).
    pub status: Option<EngineStatus>,
    pub(super) bounce: Option<BounceJob>,
    /// Set when something on screen changed.
    pub changed: bool,
    /// The session as last written to the recovery file.
    pub(super) recovered: Option<Session>,
    /// Everything said on opening (warnings, offline media), for `:messages`.
    pub notes: Vec<String>,
    /// The strip where visual mode started: the selection covers the
    /// tracks from it to the selected strip.
    pub strip_anchor: Option<usize>,
    /// How far a nudge moves.
    pub grid: Grid,
    /// The automation lane the lane keys work on.
    pub lane: LaneTarget,
    /// Show automation lanes under their tracks.
    pub show_lanes: bool,
    /// Automation being written while the transport rolls.
    pub pass: Pass,
    /// Every edit since the last save, on disk.
    pub journal_file: Option<Journal>,
    /// A journal left by a session that did not end well, offered with `:recover`.
    pub pending_journal: Option<Pending>,
    /// The processing panel and the parameter picked for stepping.
    pub processing: super::params::Processing,
    /// The OSC remote's state in a line, while one listens (`:remote`).
    pub remote: Option<String>,
    /// The MIDI control surface wanted, the CC being learned, its state.
    pub surface: super::surface_setup::SurfaceDesk,
    /// The NSM session manager's state in a line, under one (`:remote`).
    pub session_manager: Option<String>,
    /// The picture player (xjadeo) started by `:video`, killed with the desk.
    pub picture: Option<crate::picture::PicturePlayer>,
}

/// What to open a session with.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// Start the engine (JACK or the silent clock); `None`: no audio at all.
    pub engine: Option<EngineOptions>,
    /// Compute waveform overviews.
    pub overviews: bool,
}

impl Desk {
    /// A desk on `session` (as read from `path`), with no audio engine and
    /// no media: for tests and for drawing.
    pub fn new(session: Session, path: PathBuf) -> Desk {
        let (clock, surface) = (bounce::clock(&session), session.audio.surface);
        Desk {
            solo: vec![false; session.tracks.len()],
            saved: session.clone(),
            session,
            path,
            engine: None,
            pool: Arc::new(MediaPool::default()),
            transport: Transport {
                position: 0,
                state: TransportState::Stopped,
                looping: false,
            },
            pending_locate: None,
            free_run: None,
            loop_range: None,
            strip: 0,
            view: View {
                zoom: None,
                scroll: 0,
                follow: true,
                columns: 60,
            },
            anchor: None,
            selection: None,
            marks: BTreeMap::new(),
            meters: Meters::default(),
            loudness: LoudnessView::default(),
            overviews: Overviews::none(),
            message: None,
            recovery: None,
            clock,
            status: None,
            bounce: None,
            changed: true,
            recovered: None,
            notes: Vec::new(),
            strip_anchor: None,
            grid: Grid::default(),
            lane: LaneTarget::Volume,
            show_lanes: true,
            pass: Pass::default(),
            journal_file: None,
            pending_journal: None,
            processing: Default::default(),
            remote: None,
            surface: super::surface_setup::SurfaceDesk::wanting(surface),
            session_manager: None,
            picture: None,
        }
    }

    /// Open the session file at `path` with its media and (as asked) the
    /// engine. Warnings are put in the message line.
    pub fn open(path: &Path, options: &OpenOptions) -> Result<Desk, String> {
        let loaded = file::load(path).map_err(|e| e.to_string())?;
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        let pool = MediaPool::open(
            &loaded.session,
            dir.unwrap_or(Path::new(".")),
            &MediaCache::from_env(),
            |_| {},
        );
        let mut notes: Vec<String> = loaded.warning_lines();
        notes.extend(pool.warnings().map(str::to_string));
        let offline = pool.offline().count();
        if offline > 0 {
            notes.push(format!(
                "{offline} source(s) offline; their clips play as silence (dubstage check lists them)"
            ));
        }
        notes.extend(crate::plugin::chain::session_problems(&loaded.session));
        let mut desk = Desk::new(loaded.session, path.to_path_buf());
        if options.overviews {
            desk.overviews = Overviews::start(&pool);
        }
        desk.pool = Arc::new(pool);
        if let Some(engine_options) = &options.engine {
            match Engine::start(
                &desk.session,
                Arc::clone(&desk.pool),
                engine_options.clone(),
            ) {
                Ok(engine) => {
                    desk.status = Some(engine.status().clone());
                    desk.engine = Some(engine);
                }
                Err(e) => notes.push(format!("cannot start the audio engine: {e}")),
            }
        }
        let saved_bytes = std::fs::read(path).unwrap_or_default();
        match journal::read(path, &saved_bytes) {
            Ok(Some(pending)) => {
                notes.insert(
                    0,
                    format!(
                        "{} edit(s) since the last save were not saved: :recover replays them, :recover! sets them aside",
                        pending.edits()
                    ),
                );
                desk.pending_journal = Some(pending);
            }
            Ok(None) => {}
            Err(e) => notes.push(format!("{e}; it is set aside when you edit")),
        }
        if let Some(recovery) = file::newer_recovery(path) {
            notes.push(format!(
                "{} holds unsaved work newer than the session: :recover loads it",
                recovery.display()
            ));
            desk.recovery = Some(recovery);
        }
        if let Some(first) = notes.first() {
            let more = if notes.len() > 1 {
                format!(" (+{} more: :messages)", notes.len() - 1)
            } else {
                String::new()
            };
            desk.message = Some(Message {
                text: format!("{first}{more}"),
                error: false,
            });
        }
        desk.notes = notes;
        Ok(desk)
    }

    pub fn say(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: false,
        });
        self.changed = true;
    }

    pub fn complain(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: true,
        });
        self.changed = true;
    }

    /// Unsaved edits?
    pub fn modified(&self) -> bool {
        self.session != self.saved
    }

    /// The session's length, at least one second.
    pub fn end(&self) -> u64 {
        self.session.end().max(self.session.sample_rate as u64)
    }

    pub fn strip_id(&self) -> StripId {
        StripId::at(&self.session, self.strip)
    }

    pub fn strip_count(&self) -> usize {
        StripId::count(&self.session)
    }

    fn send(&mut self, message: ToEngine) {
        if let Some(engine) = &mut self.engine {
            engine.send(message);
        }
    }

    // ---- transport ----

    pub fn playhead(&self) -> u64 {
        self.transport.position
    }

    pub fn rolling(&self) -> bool {
        self.transport.state != TransportState::Stopped
    }

    pub fn play(&mut self) {
        if self.drive_jack(TransportAction::Start) {
            // The engine starts with the JACK transport, as it follows it.
        } else if self.engine.is_some() {
            self.send(ToEngine::Play);
        } else {
            self.free_run = Some(Instant::now());
        }
        self.transport.state = TransportState::Rolling;
        self.changed = true;
    }

    pub fn stop(&mut self) {
        if !self.drive_jack(TransportAction::Stop) {
            self.send(ToEngine::Stop);
        }
        self.free_run = None;
        self.transport.state = TransportState::Stopped;
        self.changed = true;
    }

    /// Move the playhead (and, in visual mode, the end of the selection).
    pub fn locate(&mut self, position: u64) {
        let position = position.min(self.end());
        if !self.drive_jack(TransportAction::Locate(position)) {
            self.send(ToEngine::Locate(position));
        }
        if self.engine.is_some() {
            self.pending_locate = Some(position);
        }
        if self.free_run.is_some() {
            self.free_run = Some(Instant::now());
        }
        self.transport.position = position;
        if let Some(anchor) = self.anchor {
            self.selection = Some((anchor.min(position), anchor.max(position)));
        }
        self.changed = true;
    }

    /// Loop `range` while rolling, or stop looping.
    /// Loop the selection (or the whole session) while rolling, or stop
    /// looping, and say which.
    pub fn toggle_loop(&mut self) {
        if self.loop_range.is_some() {
            self.set_loop(None);
            self.say("loop off");
        } else {
            let range = self
                .selection
                .filter(|(a, b)| b > a)
                .unwrap_or((0, self.end()));
            self.set_loop(Some(range));
            self.say(format!(
                "looping {} .. {}",
                self.clock.format_samples(range.0),
                self.clock.format_samples(range.1)
            ));
        }
    }

    pub fn set_loop(&mut self, range: Option<(u64, u64)>) {
        self.loop_range = range;
        self.send(ToEngine::Loop(range));
        self.transport.looping = range.is_some();
        self.changed = true;
    }

    /// Let the engine-less transport run by `samples` (tests drive it so).
    pub fn advance(&mut self, samples: u64) {
        if self.rolling() {
            let mut p = self.transport.position + samples;
            if let Some((a, b)) = self.loop_range {
                if p >= b && b > a {
                    p = a + (p - a) % (b - a);
                }
            }
            if p >= self.end() {
                p = self.end();
                self.transport.state = TransportState::Stopped;
                self.free_run = None;
            }
            self.transport.position = p;
            self.changed = true;
        }
    }

    /// Take in what the engine, the overview worker and a bounce have to
    /// say; let the meters fall. Sets `changed` when the screen must be redrawn.
    pub fn tick(&mut self, now: Instant) {
        if let Some(started) = self.free_run {
            let samples = now.saturating_duration_since(started).as_secs_f64()
                * self.session.sample_rate as f64;
            if samples >= 1.0 {
                self.free_run = Some(now);
                self.advance(samples as u64);
            }
        }
        if let Some(engine) = &mut self.engine {
            let meters = &mut self.meters;
            let mut any = false;
            engine.poll(|r| {
                any |= meters.feed(&r, now);
            });
            any |= self.loudness.receive(engine.loudness());
            let status = engine.status().clone();
            let mut position = status.position;
            if let Some(target) = self.pending_locate {
                let near =
                    position >= target && position <= target + self.session.sample_rate as u64 / 2;
                if near && status.state != TransportState::Locating || position == target {
                    self.pending_locate = None;
                } else {
                    position = target;
                }
            }
            let transport = Transport {
                position,
                state: status.state,
                looping: status.looping,
            };
            if transport != self.transport {
                self.transport = transport;
                self.changed = true;
            }
            let shown = |s: &EngineStatus| {
                (
                    s.backend.clone(),
                    s.sample_rate,
                    (s.dsp_load * 100.0).round() as i32,
                    s.xruns,
                    s.underruns,
                    s.server_gone,
                    s.rate_mismatch,
                )
            };
            if self.status.as_ref().map(shown) != Some(shown(&status)) {
                self.changed = true;
            }
            for e in &status.read_errors {
                if self
                    .status
                    .as_ref()
                    .is_none_or(|s| !s.read_errors.contains(e))
                {
                    self.complain(e.clone());
                }
            }
            self.status = Some(status);
            self.changed |= any;
        }
        self.pass_tick(now);
        self.changed |= self.meters.decay(now);
        self.changed |= self.overviews.receive();
        self.poll_bounce();
    }

    /// The audio status for the transport bar.
    pub fn audio_line(&self) -> String {
        match &self.status {
            None => "no audio engine".into(),
            Some(s) if s.server_gone => "JACK server gone: :reconnect".into(),
            Some(s) => match (&s.backend, s.rate_mismatch) {
                (_, Some((server, session))) => {
                    format!("muted: JACK at {server} Hz, session at {session} Hz")
                }
                (AudioBackend::Jack(name), None) => format!("JACK {name}"),
                (AudioBackend::Clock(why), None) => format!("silent clock: {why}"),
            },
        }
    }

    /// Start again on a JACK server, at the playhead.
    pub fn reconnect(&mut self) -> Result<(), String> {
        let Some(engine) = &mut self.engine else {
            return Err("there is no audio engine to reconnect".into());
        };
        engine
            .reconnect(&self.session)
            .map_err(|e| format!("cannot restart the engine: {e}"))?;
        self.status = Some(engine.status().clone());
        self.resend_mixer();
        self.changed = true;
        Ok(())
    }

    // ---- mixer ----

    pub fn set_fader(&mut self, strip: StripId, db: f32) -> Result<f32, String> {
        let db = if db.is_finite() {
            db.clamp(FADER_FLOOR_DB, FADER_TOP_DB)
        } else {
            FADER_FLOOR_DB
        };
        let db = (db * 10.0).round() / 10.0;
        if self.touch(strip, LaneTarget::Volume, db, Instant::now()) {
            self.changed = true;
            return Ok(db);
        }
        match strip {
            StripId::Track(i) => {
                self.session.tracks[i].fader_db = db;
                self.send(ToEngine::TrackFader {
                    track: i as u16,
                    db,
                });
            }
            StripId::Bus(i) => {
                self.session.buses[i].fader_db = db;
                self.send(ToEngine::BusFader { bus: i as u16, db });
            }
            StripId::Stem(k) => {
                self.session.stems.strip_mut(k).fader_db = db;
                self.send(ToEngine::StemFader {
                    stem: k.index() as u8,
                    db,
                });
            }
            StripId::Me => {
                return Err("the M&E has no fader: it follows the MX and FX stems".into())
            }
            StripId::Printmaster => {
                self.session.printmaster.fader_db = db;
                self.send(ToEngine::PrintmasterFader { db });
            }
        }
        self.changed = true;
        Ok(db)
    }

    pub fn set_pan(&mut self, strip: StripId, pan: f32) -> Result<f32, String> {
        let StripId::Track(i) = strip else {
            return Err(format!("a {} has no pan; pan is on tracks", strip.kind()));
        };
        let pan = ((pan.clamp(-1.0, 1.0)) * 100.0).round() / 100.0;
        if self.touch(strip, LaneTarget::Pan, pan, Instant::now()) {
            self.changed = true;
            return Ok(pan);
        }
        self.session.tracks[i].pan = pan;
        self.send(ToEngine::TrackPan {
            track: i as u16,
            pan,
        });
        self.changed = true;
        Ok(pan)
    }

    pub fn set_mute(&mut self, strip: StripId, mute: bool) -> Result<(), String> {
        match strip {
            StripId::Track(i) => {
                self.session.tracks[i].mute = mute;
                self.send(ToEngine::TrackMute {
                    track: i as u16,
                    mute,
                });
            }
            StripId::Bus(i) => {
                self.session.buses[i].mute = mute;
                self.send(ToEngine::BusMute {
                    bus: i as u16,
                    mute,
                });
            }
            StripId::Stem(k) => {
                self.session.stems.strip_mut(k).mute = mute;
                self.send(ToEngine::StemMute {
                    stem: k.index() as u8,
                    mute,
                });
            }
            StripId::Me | StripId::Printmaster => {
                return Err(format!("the {} has no mute", strip.kind()))
            }
        }
        self.changed = true;
        Ok(())
    }

    pub fn set_solo(&mut self, strip: StripId, solo: bool) -> Result<(), String> {
        let StripId::Track(i) = strip else {
            return Err(format!("solo is on tracks, not on a {}", strip.kind()));
        };
        self.solo[i] = solo;
        self.send(ToEngine::TrackSolo {
            track: i as u16,
            solo,
        });
        self.changed = true;
        Ok(())
    }

    pub fn strip_settings(&self, strip: StripId) -> StripSettings {
        StripSettings {
            fader_db: strip.fader(&self.session),
            pan: strip.pan(&self.session),
            mute: strip.mute(&self.session),
        }
    }

    /// Put yanked settings on `strip`, as far as it has those controls.
    pub fn put_settings(&mut self, strip: StripId, s: StripSettings) -> Result<(), String> {
        let mut any = false;
        if let (Some(db), Some(_)) = (s.fader_db, strip.fader(&self.session)) {
            self.set_fader(strip, db)?;
            any = true;
        }
        if let (Some(pan), Some(_)) = (s.pan, strip.pan(&self.session)) {
            self.set_pan(strip, pan)?;
            any = true;
        }
        if let (Some(mute), Some(_)) = (s.mute, strip.mute(&self.session)) {
            self.set_mute(strip, mute)?;
            any = true;
        }
        if any {
            Ok(())
        } else {
            Err(format!("the {} has none of those controls", strip.kind()))
        }
    }

    /// Send every mixer setting to the engine (after an undo, a reload).
    pub fn resend_mixer(&mut self) {
        if self.engine.is_none() {
            return;
        }
        let s = self.session.clone();
        for (i, t) in s.tracks.iter().enumerate() {
            let track = i as u16;
            self.send(ToEngine::TrackFader {
                track,
                db: t.fader_db,
            });
            self.send(ToEngine::TrackPan { track, pan: t.pan });
            self.send(ToEngine::TrackMute {
                track,
                mute: t.mute,
            });
            let solo = self.solo.get(i).copied().unwrap_or(false);
            self.send(ToEngine::TrackSolo { track, solo });
        }
        for (i, b) in s.buses.iter().enumerate() {
            self.send(ToEngine::BusFader {
                bus: i as u16,
                db: b.fader_db,
            });
            self.send(ToEngine::BusMute {
                bus: i as u16,
                mute: b.mute,
            });
        }
        for k in crate::model::StemKind::ALL {
            let st = s.stems.strip(k);
            self.send(ToEngine::StemFader {
                stem: k.index() as u8,
                db: st.fader_db,
            });
            self.send(ToEngine::StemMute {
                stem: k.index() as u8,
                mute: st.mute,
            });
        }
        self.send(ToEngine::PrintmasterFader {
            db: s.printmaster.fader_db,
        });
        self.resend_limiters();
        self.send(ToEngine::ReturnToStart(s.audio.return_to_start));
        self.send(ToEngine::FollowJackTransport(s.audio.follows_jack()));
    }

    /// Put back an earlier state of the session (undo, redo, recover):
    /// the engine gets a new Plan when more than the mixer changed.
    pub fn restore(&mut self, session: Session, solo: Vec<bool>) {
        let structural = !same_structure(&self.session, &session);
        self.session = session;
        self.solo = solo;
        self.solo.resize(self.session.tracks.len(), false);
        self.strip = self.strip.min(self.strip_count() - 1);
        if structural {
            self.reload();
        } else {
            self.send_automation();
        }
        self.resend_mixer();
        self.changed = true;
    }

    /// Give the engine a new Plan of the session (after clips changed).
    pub fn reload(&mut self) {
        let Desk {
            engine, session, ..
        } = self;
        if let Some(engine) = engine {
            engine.load(session);
        }
        self.changed = true;
    }

    // ---- files ----
}

/// Whether `a` and `b` differ only in what the mixer controls (faders,
/// pans, mutes, markers, playback settings), so no new Plan is needed.
fn same_structure(a: &Session, b: &Session) -> bool {
    let strip = |s: &Session| {
        let mut s = s.clone();
        for t in &mut s.tracks {
            t.fader_db = 0.0;
            t.pan = 0.0;
            t.mute = false;
            t.lanes.clear();
        }
        for bus in &mut s.buses {
            bus.fader_db = 0.0;
            bus.mute = false;
            bus.lanes.clear();
        }
        s.stems = Default::default();
        s.printmaster = Default::default();
        s.markers.clear();
        s.audio.return_to_start = false;
        s.audio.follow_jack_transport = false;
        s.audio.jack_transport_master = false;
        s.name.clear();
        s
    };
    strip(a) == strip(b)
}
