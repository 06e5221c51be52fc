//! The live loudness meters: what the console shows of DX, MX, FX, the M&E
//! and the printmaster while the session plays. The realtime thread copies
//! each rolled block into the loudness tap ([`super::tap`]); here a worker
//! thread drains it into one BS.1770 [`Meter`] per output (momentary,
//! short-term, integrated, loudness range, true peak) and publishes readings
//! ten times a second.
//!
//! Integrated loudness, loudness range and true peak start again when
//! playback starts from a new place (a locate, then rolling from anywhere
//! but where the last block ended) and when the mixer asks
//! ([`LoudnessWorker::reset`]). A loop going round, a plan swap after an
//! edit, or stopping and carrying on from the same place keep them.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::tap::{TapBlock, TapReader, TAP_OUTPUTS};
use crate::dsp::gain::gain_to_db;
use crate::loudness::Meter;

/// How often the worker publishes readings.
pub const PUBLISH_INTERVAL: Duration = Duration::from_millis(100);
/// How long the worker sleeps when the tap is empty.
const IDLE: Duration = Duration::from_millis(20);

/// One output's loudness, as the console shows it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LiveReading {
    /// Momentary loudness (last 400 ms), LUFS; `None`: silence or too early.
    pub momentary: Option<f64>,
    /// Short-term loudness (last 3 s), LUFS.
    pub short_term: Option<f64>,
    /// Gated integrated loudness since the last reset, LUFS.
    pub integrated: Option<f64>,
    /// Loudness range since the last reset, LU.
    pub loudness_range: f64,
    /// Highest true peak over all channels since the last reset, dBTP.
    pub true_peak: Option<f64>,
}

/// Every output's loudness, in the order DX, MX, FX, ME, PM.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LiveReadings {
    pub outputs: [LiveReading; TAP_OUTPUTS],
    /// Where on the timeline the integrated measurement began.
    pub since: Option<u64>,
    /// Seconds measured since the last reset.
    pub seconds: f64,
    /// Blocks the realtime thread dropped because the tap was full.
    pub dropped: u64,
}

/// The meters and the bookkeeping that decides when they start again.
/// [`LoudnessWorker`] runs one on its thread; tests can drive one by hand.
pub struct LiveMeters {
    sample_rate: u32,
    channels: usize,
    meters: Vec<Meter>,
    scratch: Vec<f32>,
    generation: Option<u64>,
    /// Where the next block continues the last one.
    next: Option<u64>,
    since: Option<u64>,
}

impl LiveMeters {
    pub fn new(sample_rate: u32) -> LiveMeters {
        LiveMeters {
            sample_rate,
            channels: 0,
            meters: Vec::new(),
            scratch: Vec::new(),
            generation: None,
            next: None,
            since: None,
        }
    }

    /// Forget everything measured; the next block starts a new measurement.
    pub fn reset(&mut self) {
        for m in &mut self.meters {
            m.reset();
        }
        self.since = None;
    }

    /// Take every block waiting in `tap`; true when there were any.
    pub fn drain(&mut self, tap: &mut TapReader) -> bool {
        let mut scratch = std::mem::take(&mut self.scratch);
        let mut any = false;
        while let Some(block) = tap.pop(&mut scratch) {
            self.add(&block, &scratch);
            any = true;
        }
        self.scratch = scratch;
        any
    }

    /// Measure one block (`samples` as the tap lays them out).
    pub fn add(&mut self, block: &TapBlock, samples: &[f32]) {
        let channels = block.channels as usize;
        let frames = block.frames as usize;
        if samples.len() < block.samples() || channels == 0 {
            return;
        }
        if channels != self.channels {
            let Ok(meters) = (0..TAP_OUTPUTS)
                .map(|_| Meter::new(channels, self.sample_rate))
                .collect::<Result<Vec<_>, _>>()
            else {
                return;
            };
            self.meters = meters;
            self.channels = channels;
            self.since = None;
        }
        let moved = self.generation != Some(block.generation);
        let jumped = self.next != Some(block.position);
        if moved && jumped && self.since.is_some() {
            self.reset();
        }
        self.generation = Some(block.generation);
        self.next = Some(block.position + frames as u64);
        self.since.get_or_insert(block.position);
        let mut planes: [&[f32]; crate::loudness::meter::MAX_CHANNELS] =
            [&[]; crate::loudness::meter::MAX_CHANNELS];
        for (k, meter) in self.meters.iter_mut().enumerate() {
            for (c, plane) in planes.iter_mut().enumerate().take(channels) {
                let at = (k * channels + c) * frames;
                *plane = &samples[at..at + frames];
            }
            meter.add(&planes[..channels]);
        }
    }

    /// What the meters read now.
    pub fn readings(&self, dropped: u64) -> LiveReadings {
        let mut readings = LiveReadings {
            since: self.since,
            dropped,
            ..LiveReadings::default()
        };
        for (out, m) in readings.outputs.iter_mut().zip(&self.meters) {
            let tp = m.peaks.true_peaks().iter().fold(0f32, |a, &p| a.max(p));
            let tp = gain_to_db(tp) as f64;
            *out = LiveReading {
                momentary: m.loudness.momentary(),
                short_term: m.loudness.short_term(),
                integrated: m.loudness.integrated(),
                loudness_range: m.loudness.loudness_range(),
                true_peak: tp.is_finite().then_some(tp),
            };
        }
        if let Some(m) = self.meters.first() {
            readings.seconds = m.loudness.frames() as f64 / self.sample_rate.max(1) as f64;
        }
        readings
    }
}

/// The worker thread that runs the live meters; stops when dropped.
pub struct LoudnessWorker {
    quit: Arc<AtomicBool>,
    resets: Arc<AtomicU64>,
    readings: Receiver<LiveReadings>,
    thread: Option<JoinHandle<()>>,
}

impl LoudnessWorker {
    /// Meter what arrives through `tap` at `sample_rate`.
    pub fn start(tap: TapReader, sample_rate: u32) -> std::io::Result<LoudnessWorker> {
        let quit = Arc::new(AtomicBool::new(false));
        let resets = Arc::new(AtomicU64::new(0));
        let (tx, rx) = channel();
        let thread = {
            let quit = Arc::clone(&quit);
            let resets = Arc::clone(&resets);
            std::thread::Builder::new()
                .name("dubstage-loudness".into())
                .spawn(move || run(tap, sample_rate, &quit, &resets, &tx))?
        };
        Ok(LoudnessWorker {
            quit,
            resets,
            readings: rx,
            thread: Some(thread),
        })
    }

    /// Start the integrated measurement, range and true peak again.
    pub fn reset(&self) {
        self.resets.fetch_add(1, Ordering::AcqRel);
    }

    /// The newest readings published since the last call, if any.
    pub fn latest(&mut self) -> Option<LiveReadings> {
        self.readings.try_iter().last()
    }
}

impl Drop for LoudnessWorker {
    fn drop(&mut self) {
        self.quit.store(true, Ordering::Release);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(
    mut tap: TapReader,
    sample_rate: u32,
    quit: &AtomicBool,
    resets: &AtomicU64,
    tx: &Sender<LiveReadings>,
) {
    let mut meters = LiveMeters::new(sample_rate);
    let mut seen_resets = 0;
    let mut last_dropped = 0;
    let mut last_publish = Instant::now();
    // Readings of nothing at once, so the console shows the meters before play.
    let mut first = true;
    let mut unpublished = true;
    while !quit.load(Ordering::Acquire) {
        let wanted = resets.load(Ordering::Acquire);
        if wanted != seen_resets {
            seen_resets = wanted;
            meters.reset();
            unpublished = true;
        }
        let took = meters.drain(&mut tap);
        let dropped = tap.dropped();
        unpublished |= took || dropped != last_dropped;
        last_dropped = dropped;
        if unpublished && (first || last_publish.elapsed() >= PUBLISH_INTERVAL) {
            last_publish = Instant::now();
            unpublished = false;
            first = false;
            if tx.send(meters.readings(dropped)).is_err() {
                return;
            }
        }
        if !took {
            std::thread::sleep(IDLE);
        }
    }
}
