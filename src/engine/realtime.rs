//! The realtime side of playback: what the audio callback (JACK's process
//! callback, or the clock thread) runs each cycle. It takes commands, keeps
//! the transport, pulls the track feeds, runs [`process`] on the same Plan
//! an offline bounce uses, meters, and reports back.
//!
//! Rules, as in any audio callback: no allocation, no freeing, no locks, no
//! I/O, no logging, no waiting. Everything it needs is allocated before it
//! starts, and everything it lets go of is sent back to the UI to be freed.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use ringbuf::traits::{Consumer, Producer};
use ringbuf::{HeapCons, HeapProd};

use super::control;
use super::feed::FeedSync;
use super::live_plan::LivePlan;
use super::metering::{MeterId, METER_CHANNELS};
use super::msg::{FromEngine, ToEngine, TransportState};
use super::process::process;
use super::tap::TapWriter;
use crate::dsp::gain::db_to_gain;
use crate::dsp::pan;

/// Frames between meter and transport reports (about 21 ms at 48 kHz).
pub const REPORT_INTERVAL: usize = 1024;
/// Frames the feeds must hold before the transport rolls after a locate.
pub const PREROLL: usize = 16_384;
/// Commands taken per cycle, so a flood cannot starve the audio.
const MAX_COMMANDS: usize = 256;

/// Where the transport is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Transport {
    Stopped,
    /// Waiting for the butler: the generation, and whether to roll once ready.
    Locating {
        generation: u64,
        roll: bool,
        flushed: bool,
        waited: usize,
    },
    Rolling,
}

/// The realtime engine: owned by the audio thread.
pub struct Realtime {
    live: Box<LivePlan>,
    commands: HeapCons<ToEngine>,
    reports: HeapProd<FromEngine>,
    sync: Arc<FeedSync>,
    transport: Transport,
    position: u64,
    looped: Option<(u64, u64)>,
    stop_at: Option<u64>,
    return_to_start: bool,
    play_started: u64,
    pub follow_jack_transport: bool,
    generation: u64,
    since_report: usize,
    underruns: u32,
    dropped: u32,
    dsp_load: f32,
    rate_reported: bool,
    /// Retired plans waiting for room in the report ring.
    retiring: [Option<Box<LivePlan>>; 4],
    /// The last cycle's output, in [`output_names`] order.
    outputs: Vec<Vec<f32>>,
    /// Where the JACK transport was last seen, when following it.
    jack_seen: Option<(bool, u64)>,
    /// Where the last cycle's rolling began and how many frames it rolled.
    last_rolled: (u64, usize),
    /// Where the stems, M&E and printmaster go to be loudness-metered.
    tap: Option<TapWriter>,
}

/// Channel order of the outputs `run` fills: each of DX, MX, FX, ME and PM
/// with the layout's channels, then the monitor pair (the printmaster).
pub fn output_names(channel_names: &[&str]) -> Vec<String> {
    let mut names = Vec::new();
    for stem in ["DX", "MX", "FX", "ME", "PM"] {
        for ch in channel_names {
            names.push(format!("{stem}_{ch}"));
        }
    }
    names.push("monitor_L".into());
    names.push("monitor_R".into());
    names
}

impl Realtime {
    pub fn new(
        live: Box<LivePlan>,
        commands: HeapCons<ToEngine>,
        reports: HeapProd<FromEngine>,
        sync: Arc<FeedSync>,
    ) -> Realtime {
        let mut rt = Realtime {
            live,
            commands,
            reports,
            sync,
            transport: Transport::Stopped,
            position: 0,
            looped: None,
            stop_at: None,
            return_to_start: false,
            play_started: 0,
            follow_jack_transport: false,
            generation: 0,
            since_report: 0,
            underruns: 0,
            dropped: 0,
            dsp_load: 0.0,
            rate_reported: false,
            retiring: Default::default(),
            outputs: Vec::new(),
            jack_seen: None,
            last_rolled: (0, 0),
            tap: None,
        };
        let outputs = rt.live.plan.channels * 5 + 2;
        rt.outputs = vec![vec![0.0; rt.live.plan.max_block]; outputs];
        rt.sync.feeds_id.store(rt.live.feeds.id, Ordering::Release);
        rt.locate(0, false);
        rt
    }

    pub fn position(&self) -> u64 {
        self.position
    }

    /// Copy every rolled block of the stems, M&E and printmaster into `tap`
    /// for the live loudness meters.
    pub fn set_loudness_tap(&mut self, tap: TapWriter) {
        self.tap = Some(tap);
    }

    pub fn is_rolling(&self) -> bool {
        matches!(
            self.transport,
            Transport::Rolling | Transport::Locating { roll: true, .. }
        )
    }

    /// Start a locate to `position`; roll afterwards when `roll`.
    pub fn locate(&mut self, position: u64, roll: bool) {
        self.generation += 1;
        self.position = position;
        self.sync.seek_pos.store(position, Ordering::Release);
        let (start, end) = self.looped.unwrap_or((0, 0));
        self.sync.loop_start.store(start, Ordering::Release);
        self.sync.loop_end.store(end, Ordering::Release);
        self.sync.seek_gen.store(self.generation, Ordering::Release);
        self.live.feeds.discard();
        // What the output limiters held belongs to the old position.
        self.live.plan.output.reset();
        self.transport = Transport::Locating {
            generation: self.generation,
            roll,
            flushed: false,
            waited: 0,
        };
        self.report_transport();
    }

    fn send(&mut self, message: FromEngine) {
        if let Err(message) = self.reports.try_push(message) {
            self.dropped += 1;
            if let FromEngine::Retired(plan) = message {
                self.keep_retiring(plan);
            }
        }
    }

    fn keep_retiring(&mut self, plan: Box<LivePlan>) {
        match self.retiring.iter_mut().find(|slot| slot.is_none()) {
            Some(slot) => *slot = Some(plan),
            // Never free on this thread: with nowhere to put it, let it leak.
            None => std::mem::forget(plan),
        }
    }

    fn report_transport(&mut self) {
        let state = match self.transport {
            Transport::Stopped => TransportState::Stopped,
            Transport::Locating { .. } => TransportState::Locating,
            Transport::Rolling => TransportState::Rolling,
        };
        let message = FromEngine::Transport {
            position: self.position,
            state,
            looping: self.looped.is_some(),
        };
        self.send(message);
    }

    fn command(&mut self, command: ToEngine) {
        if control::apply(&mut self.live.plan, &command) {
            return;
        }
        match command {
            ToEngine::Play => match self.transport {
                Transport::Stopped => {
                    self.play_started = self.position;
                    self.transport = Transport::Rolling;
                    self.report_transport();
                }
                Transport::Locating { ref mut roll, .. } => {
                    *roll = true;
                    self.play_started = self.position;
                }
                Transport::Rolling => {}
            },
            ToEngine::Stop => self.stop(),
            ToEngine::Locate(position) => {
                let roll = self.is_rolling();
                self.locate(position, roll);
            }
            ToEngine::Loop(range) => {
                self.looped = range.filter(|(a, b)| b > a);
                let roll = self.is_rolling();
                let position = match self.looped {
                    Some((a, b)) if self.position >= b || self.position < a => a,
                    _ => self.position,
                };
                self.locate(position, roll);
            }
            ToEngine::StopAt(at) => self.stop_at = at,
            ToEngine::ReturnToStart(on) => self.return_to_start = on,
            ToEngine::FollowJackTransport(on) => self.follow_jack_transport = on,
            ToEngine::NewPlan { plan } => self.swap(plan),
            ToEngine::Automation(mut automation) => {
                automation.keep_touches(&self.live.plan.automation);
                std::mem::swap(&mut self.live.plan.automation, &mut automation);
                if let Err(FromEngine::RetiredAutomation(old)) = self
                    .reports
                    .try_push(FromEngine::RetiredAutomation(automation))
                {
                    // Never free on this thread: with no room to hand it back, let it leak.
                    std::mem::forget(old);
                }
            }
            // Mixer changes were applied above.
            _ => {}
        }
    }

    /// Take up a new Plan at the current playhead; the old one goes back to the UI.
    fn swap(&mut self, mut incoming: Box<LivePlan>) {
        std::mem::swap(&mut self.live, &mut incoming);
        let roll = self.is_rolling();
        // The generation goes first so that the butler, seeing the new
        // feeds, sees this locate too.
        self.locate(self.position, roll);
        self.sync
            .feeds_id
            .store(self.live.feeds.id, Ordering::Release);
        self.send(FromEngine::Retired(incoming));
    }

    fn stop(&mut self) {
        let was_rolling = self.is_rolling();
        self.transport = Transport::Stopped;
        if was_rolling && self.return_to_start {
            self.locate(self.play_started, false);
        } else {
            self.report_transport();
        }
    }

    /// Samples by which the outputs are late (the output limiters' lookahead).
    pub fn output_latency(&self) -> usize {
        self.live.plan.latency()
    }

    /// Frames one call of [`Realtime::run`] can produce.
    pub fn max_block(&self) -> usize {
        self.live.plan.max_block
    }

    /// Where the last cycle's audio began on the timeline, and how many
    /// frames it rolled: output frames `0..n` are that audio (wrapping at
    /// the loop end), any after them are silence.
    pub fn last_rolled(&self) -> (u64, usize) {
        self.last_rolled
    }

    /// The last cycle's output, one buffer per channel in [`output_names`] order.
    pub fn outputs(&self) -> &[Vec<f32>] {
        &self.outputs
    }

    /// Follow the JACK transport: start, stop and locate with it. Called
    /// before each cycle with its state; JACK frame 0 is the session start.
    pub fn follow_jack(&mut self, rolling: bool, frame: u64, frames: usize) {
        if !self.follow_jack_transport {
            self.jack_seen = None;
            return;
        }
        let expected = match self.jack_seen {
            Some((true, last)) => last + frames as u64,
            Some((false, last)) => last,
            None => u64::MAX,
        };
        self.jack_seen = Some((rolling, frame));
        // The first look (following just switched on) joins JACK where it is.
        let first = expected == u64::MAX;
        if (first && frame != self.position) || (frame != expected && !first) {
            self.locate(frame, rolling);
            return;
        }
        if rolling && !self.is_rolling() {
            if frame != self.position {
                self.locate(frame, true);
            } else {
                self.command(ToEngine::Play);
            }
        } else if !rolling && self.is_rolling() {
            self.stop();
        }
    }

    /// Run one cycle of `frames` frames (at most [`Realtime::max_block`])
    /// into [`Realtime::outputs`]. `server_rate` is the audio server's rate
    /// (output is muted when it is not the session's); `xruns` is the
    /// backend's count so far.
    pub fn run(&mut self, frames: usize, server_rate: u32, xruns: u32) {
        let frames = frames.min(self.live.plan.max_block);
        let mut outputs = std::mem::take(&mut self.outputs);
        self.cycle(frames, &mut outputs, server_rate, xruns);
        self.outputs = outputs;
    }

    fn cycle(&mut self, frames: usize, outputs: &mut [Vec<f32>], server_rate: u32, xruns: u32) {
        let started = Instant::now();
        for slot in self.retiring.iter_mut() {
            if let Some(plan) = slot.take() {
                if let Err(FromEngine::Retired(plan)) =
                    self.reports.try_push(FromEngine::Retired(plan))
                {
                    *slot = Some(plan);
                }
            }
        }
        for _ in 0..MAX_COMMANDS {
            let Some(command) = self.commands.try_pop() else {
                break;
            };
            self.command(command);
        }
        for out in outputs.iter_mut() {
            out[..frames].fill(0.0);
        }
        if server_rate != self.live.plan.sample_rate {
            if !self.rate_reported {
                self.rate_reported = true;
                let session = self.live.plan.sample_rate;
                self.send(FromEngine::RateMismatch {
                    server: server_rate,
                    session,
                });
            }
            return;
        }
        self.rate_reported = false;

        let mut done = 0;
        self.last_rolled = (self.position, 0);
        while done < frames {
            let mut n = (frames - done).min(self.live.plan.max_block);
            match self.transport {
                Transport::Stopped => break,
                Transport::Locating { .. } => {
                    if !self.advance_locate() {
                        break;
                    }
                    continue;
                }
                Transport::Rolling => {}
            }
            if let Some((_, end)) = self.looped {
                if self.position < end {
                    n = n.min((end - self.position) as usize);
                }
            }
            if let Some(stop) = self.stop_at {
                if self.position < stop {
                    n = n.min((stop - self.position) as usize);
                }
            }
            if done == 0 {
                self.last_rolled.0 = self.position;
            }
            let live = &mut *self.live;
            let dry = live.feeds.pull(n, &mut live.plan.track_inputs);
            if dry > 0 {
                self.underruns += 1;
            }
            process(&mut live.plan, self.position, n);
            self.meter(n);
            if let Some(tap) = &mut self.tap {
                tap.push(&self.live.plan, n, self.position, self.generation);
            }
            self.write_outputs(outputs, done, n);
            done += n;
            self.last_rolled.1 = done;
            self.position += n as u64;
            if let Some((start, end)) = self.looped {
                if self.position == end {
                    self.position = start;
                }
            }
            if self.stop_at == Some(self.position) {
                self.stop_at = None;
                self.stop();
            }
        }

        self.since_report += frames;
        if self.since_report >= REPORT_INTERVAL {
            self.since_report = 0;
            self.report(xruns);
        }
        let period = frames as f32 / server_rate.max(1) as f32;
        let load = started.elapsed().as_secs_f32() / period.max(1e-9);
        self.dsp_load = if load > self.dsp_load {
            load
        } else {
            self.dsp_load * 0.95 + load * 0.05
        };
    }

    /// Move a locate along; true when the transport has started rolling.
    fn advance_locate(&mut self) -> bool {
        let Transport::Locating {
            generation,
            roll,
            flushed,
            waited,
        } = self.transport
        else {
            return false;
        };
        if !flushed {
            self.live.feeds.discard();
            if self.sync.butler_gen.load(Ordering::Acquire) < generation {
                return false;
            }
            // The butler has stopped: empty the rings once more, then let it fill.
            self.live.feeds.discard();
            self.sync.flushed_gen.store(generation, Ordering::Release);
            self.transport = Transport::Locating {
                generation,
                roll,
                flushed: true,
                waited,
            };
            return false;
        }
        let ready = self.live.feeds.ready_frames() >= PREROLL;
        // Give the butler up to about two seconds, then roll with what there is.
        if !ready && waited < 200 {
            self.transport = Transport::Locating {
                generation,
                roll,
                flushed,
                waited: waited + 1,
            };
            return false;
        }
        self.transport = if roll {
            Transport::Rolling
        } else {
            Transport::Stopped
        };
        self.report_transport();
        roll
    }

    fn meter(&mut self, n: usize) {
        let LivePlan { plan, meters, .. } = &mut *self.live;
        let mut k = 0;
        for (track, input) in plan.tracks.iter().zip(&plan.track_inputs) {
            let gain = if track.audible {
                db_to_gain(track.fader_db)
            } else {
                0.0
            };
            for (c, plane) in input.iter().enumerate() {
                meters[k].add(c, &plane[..n], gain);
            }
            k += 1;
        }
        for (bus, buffer) in plan.buses.iter().zip(&plan.bus_buffers) {
            let gain = if bus.audible { bus.gain } else { 0.0 };
            for (c, plane) in buffer.iter().enumerate() {
                meters[k].add(c, &plane[..n], gain);
            }
            k += 1;
        }
        let [dx, mx, fx] = &plan.stem_buffers;
        for buffer in [dx, mx, fx, &plan.me_buffer, &plan.printmaster_buffer] {
            for (c, plane) in buffer.iter().enumerate() {
                meters[k].add(c, &plane[..n], 1.0);
            }
            k += 1;
        }
    }

    fn write_outputs(&self, outputs: &mut [Vec<f32>], at: usize, n: usize) {
        let plan = &self.live.plan;
        let [dx, mx, fx] = &plan.stem_buffers;
        let sources = [dx, mx, fx, &plan.me_buffer, &plan.printmaster_buffer];
        let planes = sources.iter().flat_map(|b| b.iter());
        let (stems, monitor) = outputs.split_at_mut(5 * plan.channels);
        for (out, plane) in stems.iter_mut().zip(planes) {
            out[at..at + n].copy_from_slice(&plane[..n]);
        }
        // The monitor pair: the printmaster, folded down to stereo from 5.1.
        let pm = &plan.printmaster_buffer;
        let [left, right] = monitor else { return };
        if plan.channels == 2 {
            left[at..at + n].copy_from_slice(&pm[0][..n]);
            right[at..at + n].copy_from_slice(&pm[1][..n]);
        } else {
            let mut frame = [0f32; pan::MAX_OUT];
            for i in 0..n {
                for (f, c) in frame.iter_mut().zip(pm.iter()) {
                    *f = c[i];
                }
                let [l, r] = pan::fold_down(&frame);
                left[at + i] = l;
                right[at + i] = r;
            }
        }
    }

    fn report(&mut self, xruns: u32) {
        self.report_transport();
        let tracks = self.live.plan.tracks.len();
        let buses = self.live.plan.buses.len();
        let since = REPORT_INTERVAL.max(1) as f32;
        for k in 0..self.live.meters.len() {
            let id = if k < tracks {
                MeterId::Track(k as u16)
            } else if k < tracks + buses {
                MeterId::Bus((k - tracks) as u16)
            } else {
                match k - tracks - buses {
                    s @ 0..=2 => MeterId::Stem(s as u8),
                    3 => MeterId::Me,
                    _ => MeterId::Printmaster,
                }
            };
            let channels = match id {
                MeterId::Track(t) => self.live.plan.tracks[t as usize].channels,
                _ => self.live.plan.channels,
            } as u8;
            let acc = std::mem::take(&mut self.live.meters[k]);
            let mut rms = [0f32; METER_CHANNELS];
            for (r, s) in rms.iter_mut().zip(acc.square) {
                *r = (s / since).sqrt();
            }
            self.send(FromEngine::Meter {
                id,
                channels,
                peak: acc.peak,
                rms,
            });
        }
        let counters = FromEngine::Counters {
            xruns,
            underruns: self.underruns,
            dropped: self.dropped,
            dsp_load: self.dsp_load,
        };
        self.send(counters);
    }
}
